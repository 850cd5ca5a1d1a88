/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The drivers' seeded fault layer (drv_fault.h) under a driven engine:
 * datagrams numbered 0..N-1 cross it into a socket (RX) or out to the
 * wire (TX), and what arrives is compared with what the layer says it
 * did. Its clock is the lcores' (virtual here), so delays are exact.
 */
#include <string.h>

#include <CUnit/CUnit.h>

#include "drv_fault.h"
#include "ut.h"

#define N	2000
#define PORT	7100
#define SPORT	40000

static const char *spec;

static void
tune(struct dp_conf *c)
{
	snprintf(c->fault, sizeof(c->fault), "%s", spec);
	c->nb_mbufs = 8191;
}

static int
start(const char *s)
{
	spec = s;
	return ut_start(1, tune);
}

static void
stats(struct drv_fault_stats *rx, struct drv_fault_stats *tx)
{
	drv_fault_stats_get(ut_eng()->port->fault, rx, tx);
}

static uint32_t got[2 * N];
static unsigned int nb_got;

/* What s has queued, in order, appended to got. */
static void
drain(struct dp_sock *s)
{
	uint32_t v;

	while (nb_got < RTE_DIM(got) && ut_recv(s, &v, sizeof(v), NULL,
			NULL, 0) == (long)sizeof(v))
		got[nb_got++] = v;
}

/* Datagrams 0..n-1 from the peer to s, a few per burst as a NIC would
 * bring them, read as they arrive (into got, from the start). */
static void
inject(struct dp_sock *s, uint32_t n)
{
	uint8_t f[128];

	nb_got = 0;
	for (uint32_t i = 0; i < n; i++) {
		ut_inject(0, f, ut_udp_frame(f, UT_PEER, SPORT, UT_IP, PORT,
			&i, sizeof(i), FRAME_CSUM_GOOD), 0);
		if (i % 8 == 7 || i + 1 == n) {
			ut_step();
			drain(s);
		}
	}
}

/* Let the layer's held frames go (its hold and delay are below 2 ms). */
static void
release_held(struct dp_sock *s)
{
	ut_advance_us(2000);
	ut_step();
	ut_step();
	drain(s);
}

/* ---- specifications ---- */

static void
test_fault_spec_accepts_documented_items_and_rejects_others(void)
{
	static const char *const good[] = {
		"", "drop=1", "drop=0.0001,dup=100", "seed=18446744073709551615",
		"reorder=2.5,delay=1,delay_us=250,dir=rx", "dir=both",
		"reorder=1,reorder_depth=3", "reorder_depth=16",
	};
	static const char *const bad[] = {
		"drop", "drop=", "drop=100.1", "drop=101", "drop=-1",
		"drop=0.00001", "drop=1%", "jitter=1", "dir=up",
		"delay_us=10000001", "seed=x", "drop=1,,dup=1=2",
		"reorder_depth=0", "reorder_depth=17",
	};
	char err[256];

	for (unsigned int i = 0; i < RTE_DIM(good); i++)
		CU_ASSERT_EQUAL(drv_fault_check(good[i], err, sizeof(err)), 0);
	for (unsigned int i = 0; i < RTE_DIM(bad); i++) {
		err[0] = '\0';
		CU_ASSERT_EQUAL(drv_fault_check(bad[i], err, sizeof(err)),
			-EINVAL);
		CU_ASSERT(strstr(err, "fault") != NULL);
	}
}

/* ---- drop ---- */

static int
drop_init(void)
{
	return start("seed=7,drop=10");
}

static void
test_fault_rx_drop_loses_what_it_counts_and_keeps_order(void)
{
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, PORT);
	struct drv_fault_stats rx, tx;
	unsigned int n;

	inject(s, N);
	release_held(s);
	n = nb_got;
	stats(&rx, &tx);
	CU_ASSERT_EQUAL(rx.frames, N);
	CU_ASSERT_EQUAL(n + rx.dropped, N);
	/* 10 % of 2000 with a fixed seed: near 200, never wildly off. */
	CU_ASSERT(rx.dropped > 120 && rx.dropped < 280);
	for (unsigned int i = 1; i < n; i++)
		CU_ASSERT_FATAL(got[i] > got[i - 1]);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

/* ---- duplicate ---- */

static int
dup_init(void)
{
	return start("seed=11,dup=20");
}

static void
test_fault_rx_dup_delivers_copies_right_behind(void)
{
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, PORT);
	struct drv_fault_stats rx, tx;
	unsigned int n, twins = 0;

	inject(s, N);
	release_held(s);
	n = nb_got;
	stats(&rx, &tx);
	CU_ASSERT_EQUAL(rx.dropped, 0);
	CU_ASSERT_EQUAL(n, N + rx.duplicated);
	CU_ASSERT(rx.duplicated > 300 && rx.duplicated < 500);
	for (unsigned int i = 1; i < n; i++) {
		CU_ASSERT_FATAL(got[i] >= got[i - 1]);
		twins += got[i] == got[i - 1];
	}
	CU_ASSERT_EQUAL(twins, rx.duplicated);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

/* ---- reorder ---- */

static int
reorder_init(void)
{
	return start("seed=3,reorder=10");
}

static void
test_fault_rx_reorder_swaps_neighbours_and_loses_nothing(void)
{
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, PORT);
	struct drv_fault_stats rx, tx;
	unsigned int n, late = 0;

	inject(s, N);
	/* The last one held back leaves after the hold time. */
	release_held(s);
	n = nb_got;
	stats(&rx, &tx);
	CU_ASSERT_EQUAL_FATAL(n, N);
	CU_ASSERT(rx.reordered > 120 && rx.reordered < 280);
	/* Every number once; each one out of place came one late. */
	for (unsigned int i = 0; i < n; i++) {
		CU_ASSERT_FATAL(got[i] + 1 >= i && got[i] <= i + 1);
		late += got[i] + 1 == i;
	}
	CU_ASSERT_EQUAL(late, rx.reordered);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

static int
reorder3_init(void)
{
	return start("seed=3,reorder=5,reorder_depth=3");
}

/* Depth 3: a frame held back comes out right behind the next three (the
 * last one, held at the end, by its hold time). */
static void
test_fault_rx_reorder_depth_3_puts_a_frame_three_late(void)
{
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, PORT);
	struct drv_fault_stats rx, tx;
	unsigned int n, late3 = 0, late_end = 0;

	inject(s, N);
	release_held(s);
	n = nb_got;
	stats(&rx, &tx);
	CU_ASSERT_EQUAL_FATAL(n, N);
	CU_ASSERT(rx.reordered > 50 && rx.reordered < 150);
	for (unsigned int i = 0; i < n; i++) {
		CU_ASSERT_FATAL(got[i] + 3 >= i && got[i] <= i + 1);
		late3 += got[i] + 3 == i;
		late_end += got[i] < i && got[i] + 3 != i;
	}
	/* Only a frame held in the last three may come out less late
	 * (or in place, if it was the very last). */
	CU_ASSERT(rx.reordered >= late3 + late_end);
	CU_ASSERT(rx.reordered - late3 <= 1);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

/* ---- delay ---- */

static int
delay_init(void)
{
	return start("seed=5,delay=100,delay_us=500");
}

static void
test_fault_rx_delay_holds_for_exactly_delay_us(void)
{
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, PORT);
	struct drv_fault_stats rx, tx;

	inject(s, 100);
	CU_ASSERT_EQUAL(nb_got, 0);
	ut_advance_us(499);
	ut_step();
	drain(s);
	CU_ASSERT_EQUAL(nb_got, 0);
	ut_advance_us(1);
	for (int i = 0; i < 8; i++)
		ut_step();
	drain(s);
	CU_ASSERT_EQUAL(nb_got, 100);
	for (unsigned int i = 0; i < 100; i++)
		CU_ASSERT_EQUAL(got[i], i);
	stats(&rx, &tx);
	CU_ASSERT_EQUAL(rx.delayed, 100);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

/* ---- transmit ---- */

static int
tx_init(void)
{
	return start("seed=9,dir=tx,drop=10,dup=10");
}

static void
take_wire(unsigned int *wire)
{
	struct rte_mbuf *m;

	while ((m = ut_sent(NULL)) != NULL) {
		(*wire)++;
		rte_pktmbuf_free(m);
	}
}

static void
test_fault_tx_drops_and_dups_what_the_stack_sends(void)
{
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, PORT);
	struct drv_fault_stats rx, tx, tx0;
	unsigned int sent = 0, wire = 0;

	/* The start's own announcement went through it already. */
	stats(&rx, &tx0);
	for (uint32_t i = 0; i < N; i++) {
		if (ut_send(s, UT_PEER, SPORT, &i, sizeof(i)) ==
				(long)sizeof(i))
			sent++;
		if (i % 16 == 15)
			ut_settle();
		take_wire(&wire);
	}
	ut_settle();
	take_wire(&wire);
	stats(&rx, &tx);
	CU_ASSERT_EQUAL(sent, N);
	CU_ASSERT_EQUAL(rx.dropped + rx.duplicated, 0);
	CU_ASSERT_EQUAL(tx.frames - tx0.frames, N);
	CU_ASSERT(tx.dropped - tx0.dropped > 120 &&
		tx.dropped - tx0.dropped < 280);
	CU_ASSERT_EQUAL(wire, N - (tx.dropped - tx0.dropped) +
		(tx.duplicated - tx0.duplicated) - (tx.tx_full - tx0.tx_full));
	dp_sock_close(s, DP_CLOSE_ABORT);
}

#define FAULT_SUITE(var, nm, ini, ...)					\
	static const struct wt_test var##_tests[] = {			\
		__VA_ARGS__,						\
		WT_TEST_END						\
	};								\
	static const struct wt_suite var = {				\
		.name = nm, .init = ini, .clean = ut_suite_clean,	\
		.teardown = ut_case_end, .tests = var##_tests,		\
	}

FAULT_SUITE(drop_suite, "unit_fault_drop", drop_init,
	WT_TEST(test_fault_spec_accepts_documented_items_and_rejects_others),
	WT_TEST(test_fault_rx_drop_loses_what_it_counts_and_keeps_order));
FAULT_SUITE(dup_suite, "unit_fault_dup", dup_init,
	WT_TEST(test_fault_rx_dup_delivers_copies_right_behind));
FAULT_SUITE(reorder_suite, "unit_fault_reorder", reorder_init,
	WT_TEST(test_fault_rx_reorder_swaps_neighbours_and_loses_nothing));
FAULT_SUITE(reorder3_suite, "unit_fault_reorder3", reorder3_init,
	WT_TEST(test_fault_rx_reorder_depth_3_puts_a_frame_three_late));
FAULT_SUITE(delay_suite, "unit_fault_delay", delay_init,
	WT_TEST(test_fault_rx_delay_holds_for_exactly_delay_us));
FAULT_SUITE(tx_suite, "unit_fault_tx", tx_init,
	WT_TEST(test_fault_tx_drops_and_dups_what_the_stack_sends));

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = {
		&drop_suite, &dup_suite, &reorder_suite, &reorder3_suite,
		&delay_suite, &tx_suite, NULL
	};

	return wt_run_suites(argc, argv, suites);
}
