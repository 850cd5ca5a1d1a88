/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Two lcores, two queue pairs: whatever queue a frame arrives on, ARP and
 * IGMP state has one writer (lcore 0) and replies still go out. On a NIC
 * RSS picks the queue; here the test does.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <rte_arp.h>
#include <rte_icmp.h>
#include <rte_ip.h>

#include "dp_test.h"
#include "test_dp.h"

static const struct rte_ether_addr bcast = {
	.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
static const struct rte_ether_addr zero;

static uint16_t
ether_type(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->ether_type;
}

/* An ARP request on lcore 1's queue is handed to lcore 0 and answered. */
static void
test_arp_on_second_lcore_is_answered(void)
{
	uint8_t f[64];
	struct rte_mbuf *m;
	uint16_t len;

	dp_test_drain();
	len = dp_test_arp(f, RTE_ARP_OP_REQUEST, &bcast, &dp_test_peer_mac,
		DP_TEST_PEER, &zero, DP_TEST_IP);
	dp_test_inject_wait_q(1, f, len);
	m = dp_test_recv(500);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(ether_type(m), RTE_BE16(RTE_ETHER_TYPE_ARP));
	CU_ASSERT_EQUAL(rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *,
		14)->arp_opcode, RTE_BE16(RTE_ARP_OP_REPLY));
	rte_pktmbuf_free(m);
}

/* An echo on lcore 1's queue is answered by lcore 1 from the cache lcore
 * 0 filled. */
static void
test_echo_on_second_lcore_is_answered_there(void)
{
	uint8_t f[256];
	struct rte_mbuf *m;
	unsigned int q = 9;

	dp_test_drain();
	dp_test_inject_wait_q(1, f, dp_test_echo(f, DP_TEST_PEER, DP_TEST_IP,
		1, 1, 32));
	m = dp_test_recv_q(500, &q);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(q, 1);
	CU_ASSERT_EQUAL(ether_type(m), RTE_BE16(RTE_ETHER_TYPE_IPV4));
	rte_pktmbuf_free(m);
}

/* A reply lcore 1 cannot address waits on lcore 0, which resolves the
 * host and sends it when the (also handed over) ARP reply arrives. */
static void
test_resolution_from_second_lcore_completes_on_lcore_0(void)
{
	const uint32_t host = RTE_IPV4(198, 18, 0, 60);
	const struct rte_ether_addr host_mac = {
		.addr_bytes = { 0x02, 0, 0, 0, 0, 0x60 } };
	uint8_t f[256];
	struct rte_mbuf *m;
	unsigned int q = 9;
	struct dp_stats s;

	dp_test_drain();
	dp_test_inject_wait_q(1, f, dp_test_echo(f, host, DP_TEST_IP, 2, 2,
		32));
	m = dp_test_recv_q(500, &q);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(q, 0);
	CU_ASSERT_EQUAL(ether_type(m), RTE_BE16(RTE_ETHER_TYPE_ARP));
	rte_pktmbuf_free(m);
	dp_test_inject_wait_q(1, f, dp_test_arp(f, RTE_ARP_OP_REPLY,
		dp_test_mac(), &host_mac, host, dp_test_mac(), DP_TEST_IP));
	m = dp_test_recv_q(500, &q);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(ether_type(m), RTE_BE16(RTE_ETHER_TYPE_IPV4));
	CU_ASSERT(rte_is_same_ether_addr(&rte_pktmbuf_mtod(m,
		struct rte_ether_hdr *)->dst_addr, &host_mac));
	rte_pktmbuf_free(m);
	dp_test_stats(&s);
	CU_ASSERT_EQUAL(s.arp_redirect_full, 0);
}

/* Stopping two lcores returns every mbuf. */
static void
test_two_lcores_stop_returns_every_mbuf(void)
{
	struct dp_lifecycle lc;

	dp_test_stop();
	dp_lifecycle_get(&lc);
	CU_ASSERT_EQUAL(lc.mbufs_lost, 0);
}

int
main(void)
{
	CU_pSuite s;
	unsigned int failed;

	if (dp_test_cpus() < 2) {
		fprintf(stderr, "FAIL: two lcores need two CPUs\n");
		return 1;
	}
	if (dp_test_start("t2", 2) != 0)
		return 1;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("dp_two_lcores", NULL, NULL);
	CU_add_test(s, "arp_on_second_lcore_is_answered",
		test_arp_on_second_lcore_is_answered);
	CU_add_test(s, "echo_on_second_lcore_is_answered_there",
		test_echo_on_second_lcore_is_answered_there);
	CU_add_test(s, "resolution_from_second_lcore_completes_on_lcore_0",
		test_resolution_from_second_lcore_completes_on_lcore_0);
	CU_add_test(s, "two_lcores_stop_returns_every_mbuf",
		test_two_lcores_stop_returns_every_mbuf);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}
