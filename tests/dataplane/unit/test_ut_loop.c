/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The in-memory loop port (drivers/, "loop[:name]") as a wire of memory:
 * it takes the MTU it is given and offers checksum offloads; a frame
 * whose sender left a checksum to it arrives marked good, any other
 * frame arrives unmarked (so the stack verifies it in software). A
 * second loop port beside a driven engine, on its pool.
 */
#include <CUnit/CUnit.h>
#include <rte_mbuf.h>

#include "drv_port.h"
#include "ut.h"

#define RX_GOOD	(RTE_MBUF_F_RX_IP_CKSUM_GOOD | RTE_MBUF_F_RX_L4_CKSUM_GOOD)

static struct drv_port *
open_loop(uint16_t mtu)
{
	struct drv_port_conf pc = {
		.device = "loop:utloop", .mp = ut_eng()->mp, .nb_queues = 1,
		.nb_rxd = 64, .nb_txd = 64, .mtu = mtu,
	};
	struct drv_port *p = NULL;

	CU_ASSERT_EQUAL_FATAL(drv_port_open(&pc, &p), 0);
	return p;
}

/* 9000 (jumbo) and 576 (the least WSPDK_MTU takes) are both its MTU;
 * IPv4, TCP and UDP checksums are offered both ways. */
static void
test_loop_port_takes_the_mtu_asked_and_offers_checksum_offloads(void)
{
	static const uint16_t mtus[] = { 9000, 576 };

	for (unsigned int i = 0; i < RTE_DIM(mtus); i++) {
		struct drv_port *p = open_loop(mtus[i]);

		CU_ASSERT_EQUAL(p->mtu, mtus[i]);
		CU_ASSERT_EQUAL(p->tx_offloads & DRV_LOOP_TX_OFFLOADS,
			DRV_LOOP_TX_OFFLOADS);
		CU_ASSERT_EQUAL(p->rx_offloads & DRV_LOOP_RX_OFFLOADS,
			DRV_LOOP_RX_OFFLOADS);
		drv_port_close(p);
	}
}

/* What was left to the port comes back good (and no longer asks for
 * anything); a frame that asked for nothing comes back unmarked. */
static void
test_loop_port_marks_good_only_what_was_left_to_it(void)
{
	static const uint64_t tx[] = {
		RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM |
			RTE_MBUF_F_TX_TCP_CKSUM,
		RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_UDP_CKSUM,
		RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM,
		0,
	};
	static const uint64_t want[] = {
		RX_GOOD, RTE_MBUF_F_RX_L4_CKSUM_GOOD,
		RTE_MBUF_F_RX_IP_CKSUM_GOOD, 0,
	};
	struct rte_mbuf *m[RTE_DIM(tx)], *got[RTE_DIM(tx) + 1];
	struct drv_port *p = open_loop(1500);
	uint16_t n;

	for (unsigned int i = 0; i < RTE_DIM(tx); i++) {
		m[i] = rte_pktmbuf_alloc(ut_eng()->mp);
		CU_ASSERT_PTR_NOT_NULL_FATAL(m[i]);
		CU_ASSERT_PTR_NOT_NULL(rte_pktmbuf_append(m[i], 60));
		m[i]->ol_flags = tx[i];
	}
	CU_ASSERT_EQUAL(drv_tx_burst(p, 0, m, RTE_DIM(m), 0), RTE_DIM(m));
	n = drv_rx_burst(p, 0, got, RTE_DIM(got), 0);
	CU_ASSERT_EQUAL(n, RTE_DIM(m));
	for (unsigned int i = 0; i < n; i++) {
		CU_ASSERT_PTR_EQUAL(got[i], m[i]);
		CU_ASSERT_EQUAL(got[i]->ol_flags, want[i]);
		rte_pktmbuf_free(got[i]);
	}
	drv_port_close(p);
}

int
main(int argc, char **argv)
{
	static const struct wt_test tests[] = {
		WT_TEST(test_loop_port_takes_the_mtu_asked_and_offers_checksum_offloads),
		WT_TEST(test_loop_port_marks_good_only_what_was_left_to_it),
		WT_TEST_END
	};
	static const struct wt_suite suite = {
		.name = "unit_loop", .init = ut_suite_init,
		.clean = ut_suite_clean, .teardown = ut_case_end,
		.tests = tests,
	};
	static const struct wt_suite *const suites[] = { &suite, NULL };

	return wt_run_suites(argc, argv, suites);
}
