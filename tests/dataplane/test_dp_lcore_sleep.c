/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An idle lcore sleeps (WSPDK_LCORE_SLEEP_US, dp_lcore_sleep.c) and
 * loses nothing: on a pair port (no fd: its sleeps are capped short), a
 * sleeping lcore still takes a UDP datagram and a TCP segment from the
 * port, fires a timer, serves a control call (woken by its bell) and
 * sends an application's datagram; with run to completion (the latency
 * profile) it never sleeps. No timing is asserted: that it happened,
 * and what the lcore's sleep counters say.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <rte_ip.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "wt.h"

#include "dp_core.h"
#include "dp_sock.h"
#include "dp_test.h"
#include "wt_run.h"

#define SLEEP_US	20
#define WAIT_MS		2000	/* generous: only a failure waits it out */

static uint64_t
rd(const uint64_t *v)
{
	return __atomic_load_n(v, __ATOMIC_RELAXED);
}

/* Until the lcore went to sleep once more than it had (bounded). */
static bool
slept_again(void)
{
	struct dp_lcore *lc = dp_test_lcore(0);
	uint64_t n0 = rd(&lc->sleep.sleeps);

	for (int i = 0; i < WAIT_MS; i++) {
		if (rd(&lc->sleep.sleeps) > n0)
			return true;
		wt_sleep_ms(1);
	}
	return false;
}

/* Spin (bounded) until the lcore is inside a sleep. */
static bool
asleep_now(void)
{
	struct dp_lcore *lc = dp_test_lcore(0);
	uint64_t until = wt_now_ns() + (uint64_t)WAIT_MS * 1000000;

	while (wt_now_ns() < until)
		if (__atomic_load_n(&lc->asleep, __ATOMIC_SEQ_CST) !=
				DP_LCORE_AWAKE)
			return true;
	return false;
}

static void
test_idle_lcore_sleeps(void)
{
	struct dp_lcore *lc = dp_test_lcore(0);

	CU_ASSERT_PTR_NOT_NULL_FATAL(lc);
	CU_ASSERT_TRUE(slept_again());
	/* Nothing comes: its sleeps end on their own (counted as it
	 * wakes, after the sleep was counted). */
	for (int i = 0; i < WAIT_MS && rd(&lc->sleep.wake_timeout) == 0; i++)
		wt_sleep_ms(1);
	CU_ASSERT_TRUE(rd(&lc->sleep.wake_timeout) > 0);
}

static void
test_sleeping_lcore_delivers_udp_datagram(void)
{
	struct dp_sock *s = dp_test_udp_bound(4000, WAIT_MS);
	uint8_t f[128];
	char buf[16] = "";
	struct dp_iov iov = { .base = buf, .len = sizeof(buf) };
	uint16_t len;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	len = frame_udp(f, dp_test_mac(), &dp_test_peer_mac, DP_TEST_PEER,
		5000, DP_TEST_IP, 4000, "asleep", 6, FRAME_CSUM_GOOD);
	CU_ASSERT_TRUE(slept_again());
	CU_ASSERT_TRUE(asleep_now());
	dp_test_inject(f, len);
	CU_ASSERT_EQUAL(dp_sock_recv(s, &iov, 1, NULL, NULL, 0), 6);
	CU_ASSERT_EQUAL(memcmp(buf, "asleep", 6), 0);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

/* A SYN to a port nobody listens on: the sleeping lcore takes it in and
 * answers it with a RST. */
static void
test_sleeping_lcore_answers_tcp_segment(void)
{
	uint8_t f[128];
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m;
	bool rst = false;

	dp_test_learn_peer();
	dp_test_drain();
	ip = dp_test_ipv4(f, dp_test_mac(), DP_TEST_PEER, DP_TEST_IP,
		IPPROTO_TCP, sizeof(*th));
	th = (struct rte_tcp_hdr *)(ip + 1);
	memset(th, 0, sizeof(*th));
	th->src_port = RTE_BE16(5001);
	th->dst_port = RTE_BE16(4001);
	th->sent_seq = RTE_BE32(1000);
	th->data_off = 5 << 4;
	th->tcp_flags = RTE_TCP_SYN_FLAG;
	th->rx_win = RTE_BE16(65535);
	th->cksum = rte_ipv4_udptcp_cksum(ip, th);
	CU_ASSERT_TRUE(slept_again());
	CU_ASSERT_TRUE(asleep_now());
	dp_test_inject(f, (uint16_t)(sizeof(struct rte_ether_hdr) +
		sizeof(*ip) + sizeof(*th)));
	for (int i = 0; i < 10 && !rst; i++) {
		m = dp_test_recv(WAIT_MS / 10);
		if (m == NULL)
			continue;
		ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *,
			sizeof(struct rte_ether_hdr));
		th = (struct rte_tcp_hdr *)(ip + 1);
		rst = ip->next_proto_id == IPPROTO_TCP &&
			(th->tcp_flags & RTE_TCP_RST_FLAG) != 0 &&
			th->dst_port == RTE_BE16(5001);
		rte_pktmbuf_free(m);
	}
	CU_ASSERT_TRUE(rst);
}

static uint32_t fired;

static void
on_timer(struct dp_timer_wheel *w, struct dp_timer *t)
{
	RTE_SET_USED(w);
	RTE_SET_USED(t);
	__atomic_store_n(&fired, 1, __ATOMIC_RELEASE);
}

static struct dp_timer timer;

/* On the lcore: its wheel is its own. */
static int
arm_timer(struct dp_lcore *lc, void *arg)
{
	RTE_SET_USED(arg);
	dp_timer_init(&timer, on_timer);
	dp_timer_arm(&lc->timers, &timer, lc->now_us + 3000);
	return 0;
}

static void
test_sleeping_lcore_fires_timer(void)
{
	struct dp_lcore *lc = dp_test_lcore(0);
	uint64_t sleeps;

	CU_ASSERT_EQUAL_FATAL(dp_ctl_call(lc, arm_timer, NULL), 0);
	sleeps = rd(&lc->sleep.sleeps);
	for (int i = 0; i < WAIT_MS &&
			!__atomic_load_n(&fired, __ATOMIC_ACQUIRE); i++)
		wt_sleep_ms(1);
	CU_ASSERT_EQUAL(__atomic_load_n(&fired, __ATOMIC_ACQUIRE), 1);
	/* Idle meanwhile, it slept (a loaded machine may have kept it
	 * from doing so before the timer was due: bounded wait). */
	for (int i = 0; i < WAIT_MS && rd(&lc->sleep.sleeps) == sleeps; i++)
		wt_sleep_ms(1);
	CU_ASSERT_TRUE(rd(&lc->sleep.sleeps) > sleeps);
}

static int
answer(struct dp_lcore *lc, void *arg)
{
	RTE_SET_USED(lc);
	return *(int *)arg;
}

/* Posted while the lcore sleeps: its bell wakes it (a sleep may end on
 * its own just before the post: tried until one was rung). */
static void
test_sleeping_lcore_serves_control_call_woken_by_bell(void)
{
	struct dp_lcore *lc = dp_test_lcore(0);
	uint64_t bell = rd(&lc->sleep.wake_bell);
	int v = 42;

	for (int i = 0; i < 100 && rd(&lc->sleep.wake_bell) == bell; i++) {
		CU_ASSERT_TRUE_FATAL(asleep_now());
		CU_ASSERT_EQUAL(dp_ctl_call(lc, answer, &v), 42);
	}
	CU_ASSERT_TRUE(rd(&lc->sleep.wake_bell) > bell);
}

static void
test_sleeping_lcore_sends_application_datagram(void)
{
	struct dp_sock *s = dp_test_udp_bound(4002, WAIT_MS);
	struct dp_addr to = { .ip = DP_TEST_PEER, .port = 5002 };
	struct dp_iov iov = { .base = "out", .len = 3 };
	struct rte_udp_hdr *uh;
	struct rte_mbuf *m;
	bool seen = false;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	dp_test_learn_peer();
	dp_test_drain();
	CU_ASSERT_TRUE(slept_again());
	CU_ASSERT_TRUE(asleep_now());
	CU_ASSERT_EQUAL(dp_sock_send(s, &iov, 1, &to, 0), 3);
	for (int i = 0; i < 10 && !seen; i++) {
		m = dp_test_recv(WAIT_MS / 10);
		if (m == NULL)
			continue;
		uh = rte_pktmbuf_mtod_offset(m, struct rte_udp_hdr *,
			sizeof(struct rte_ether_hdr) +
			sizeof(struct rte_ipv4_hdr));
		seen = uh->dst_port == RTE_BE16(5002);
		rte_pktmbuf_free(m);
	}
	CU_ASSERT_TRUE(seen);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

static void
rtc_sleep(struct dp_conf *c)
{
	c->lcore_sleep_us = SLEEP_US;
	c->rtc = 1;		/* as WSPDK_PROFILE=latency sets it */
}

/* Run to completion (the latency profile): the lcore polls, whatever
 * WSPDK_LCORE_SLEEP_US says. */
static void
test_run_to_completion_lcore_never_sleeps(void)
{
	struct dp_engine *eng;
	struct dp_lcore *lc;

	dp_test_stop();
	CU_ASSERT_EQUAL_FATAL(dp_test_start_conf("lsr", 1, rtc_sleep), 0);
	lc = dp_test_lcore(0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(lc);
	eng = lc->eng;
	CU_ASSERT_EQUAL(eng->sleep_after, 0);
	wt_sleep_ms(20);
	CU_ASSERT_TRUE(rd(&lc->iterations) > 0);
	CU_ASSERT_EQUAL(rd(&lc->sleep.sleeps), 0);
	CU_ASSERT_EQUAL(rd(&lc->sleep.aborts), 0);
}

static void
test_stop_returns_every_mbuf(void)
{
	struct dp_lifecycle lcs;

	dp_test_stop();
	dp_lifecycle_get(&lcs);
	CU_ASSERT_EQUAL(lcs.mbufs_lost, 0);
}

static const struct wt_test tests[] = {
	WT_TEST(test_idle_lcore_sleeps),
	WT_TEST(test_sleeping_lcore_delivers_udp_datagram),
	WT_TEST(test_sleeping_lcore_answers_tcp_segment),
	WT_TEST(test_sleeping_lcore_fires_timer),
	WT_TEST(test_sleeping_lcore_serves_control_call_woken_by_bell),
	WT_TEST(test_sleeping_lcore_sends_application_datagram),
	WT_TEST(test_run_to_completion_lcore_never_sleeps),
	WT_TEST(test_stop_returns_every_mbuf),
	WT_TEST_END
};

static const struct wt_suite suite = {
	.name = "dp_lcore_sleep",
	.tests = tests,
};

static void
sleep_on(struct dp_conf *c)
{
	c->lcore_sleep_us = SLEEP_US;
	c->rtc = 0;
}

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = {
		&suite,
		NULL
	};

	if (dp_test_start_conf("ls", 1, sleep_on) != 0)
		return 1;
	return wt_run_suites(argc, argv, suites);
}
