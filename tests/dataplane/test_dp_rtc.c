/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Run to completion (WSPDK_RTC, dp_lcore.c): application threads that
 * spin on a socket run its lcore's iteration themselves. Proven on the
 * in-memory loop port, whose frames go out and come back through the
 * port: data flows with the lcore thread held (only the callers run the
 * loop, control calls included), two threads and the lcore thread share
 * one lcore's sockets without a datagram lost or misdelivered (TSan, the
 * threads suite), and dp_stop() with a thread inside the loop returns
 * it and every mbuf.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dp.h"
#include "dp_core.h"
#include "dp_sock.h"
#include "dp_test.h"
#include "dp_tsan.h"
#include "frame.h"
#include "wt.h"
#include "wt_run.h"

#define SELF_IP		((198u << 24) | (18u << 16) | 2u) /* 198.18.0.2 */
#define ROUND_TRIPS	500
#define RECV_MS		20000	/* generous: only a failure waits it out */

static uint64_t
now_ms(void)
{
	return wt_now_ns() / 1000000;
}

static uint64_t
rd(const uint64_t *v)
{
	return __atomic_load_n(v, __ATOMIC_RELAXED);
}

static int
send_seq(struct dp_sock *s, uint16_t to_port, uint32_t seq)
{
	struct dp_addr to = { .ip = SELF_IP, .port = to_port };
	struct dp_iov iov = { .base = &seq, .len = sizeof(seq) };

	return dp_sock_send(s, &iov, 1, &to, 0) == sizeof(seq) ? 0 : -1;
}

/* The next datagram's sequence number (blocking, or polling with
 * DP_F_NONBLOCK for at most RECV_MS), or -1. */
static int64_t
recv_seq(struct dp_sock *s, bool nonblock)
{
	uint64_t until = now_ms() + RECV_MS;
	struct dp_iov iov;
	uint32_t seq;
	long n;

	iov.base = &seq;
	iov.len = sizeof(seq);
	do {
		n = dp_sock_recv(s, &iov, 1, NULL, NULL,
			nonblock ? DP_F_NONBLOCK : 0);
	} while (nonblock && n == -EAGAIN && now_ms() < until);
	return n == sizeof(seq) ? (int64_t)seq : -1;
}

/* Round trips A -> B -> A; the number that came back right. */
static unsigned int
ping_pong(struct dp_sock *a, uint16_t pa, struct dp_sock *b, uint16_t pb,
		unsigned int n, bool nonblock)
{
	unsigned int ok = 0;

	for (uint32_t i = 0; i < n; i++) {
		if (send_seq(a, pb, i) != 0 || recv_seq(b, nonblock) != i)
			break;
		if (send_seq(b, pa, i) != 0 || recv_seq(a, nonblock) != i)
			break;
		ok++;
	}
	return ok;
}

/* The hold ends: ok round trips all came back, and every iteration
 * since it began was a caller's, but the one the lcore thread may have
 * been in when it was set. */
static void
held_end(struct dp_lcore *lc, uint64_t it0, uint64_t p0, unsigned int ok)
{
	uint64_t it = rd(&lc->iterations) - it0;
	uint64_t p = rd(&lc->rtc_polls) - p0;

	__atomic_store_n(&lc->hold, false, __ATOMIC_RELAXED);
	CU_ASSERT_EQUAL(ok, ROUND_TRIPS);
	CU_ASSERT(p > 0);
	CU_ASSERT(it >= p && it - p <= 1);
}

static void
run_held(uint16_t port, bool nonblock)
{
	struct dp_lcore *lc = dp_test_lcore(0);
	struct dp_sock *a, *b;
	uint64_t it0, p0;
	unsigned int ok;

	CU_ASSERT_PTR_NOT_NULL_FATAL(lc);
	__atomic_store_n(&lc->hold, true, __ATOMIC_RELAXED);
	it0 = rd(&lc->iterations);
	p0 = rd(&lc->rtc_polls);
	/* Created and bound through control calls: the callers run the
	 * iteration that takes them. */
	a = dp_test_udp_bound(port, RECV_MS);
	b = dp_test_udp_bound((uint16_t)(port + 1), RECV_MS);
	CU_ASSERT_PTR_NOT_NULL(a);
	CU_ASSERT_PTR_NOT_NULL(b);
	ok = a != NULL && b != NULL ? ping_pong(a, port, b,
		(uint16_t)(port + 1), ROUND_TRIPS, nonblock) : 0;
	held_end(lc, it0, p0, ok);
	if (a != NULL)
		dp_sock_close(a, DP_CLOSE_ABORT);
	if (b != NULL)
		dp_sock_close(b, DP_CLOSE_ABORT);
}

/* Blocking receives that spin run the loop: the round trips complete
 * with the lcore thread held. */
static void
test_blocking_round_trips_flow_with_lcore_thread_held(void)
{
	run_held(6001, false);
}

/* Non-blocking receives that find nothing run the loop too. */
static void
test_nonblocking_round_trips_flow_with_lcore_thread_held(void)
{
	run_held(6011, true);
}

/* A datagram from 198.18.0.9 to port on the loop wire's RX ring, as if
 * it had come in. Only while nobody runs the loop: the ring has one
 * producer, the lcore's TX. */
static int
inject_udp(uint16_t port, uint32_t seq)
{
	static const struct rte_ether_addr peer = {
		.addr_bytes = { 0x02, 0, 0, 0, 0, 0x09 } };
	struct rte_mempool *mp = rte_mempool_lookup("wspdk_mbuf");
	struct rte_ring *r = rte_ring_lookup("rtc_q0");
	struct dp_engine *eng = dp_engine_get();
	struct rte_ether_addr mac;
	struct rte_mbuf *m;
	uint8_t f[128];
	uint16_t len;
	char *p;

	if (eng == NULL)
		return -1;
	mac = eng->mac;
	dp_engine_put();
	if (mp == NULL || r == NULL || (m = rte_pktmbuf_alloc(mp)) == NULL)
		return -1;
	len = frame_udp(f, &mac, &peer, SELF_IP - 2 + 9, 7000, SELF_IP,
		port, &seq, sizeof(seq), FRAME_CSUM_GOOD);
	p = rte_pktmbuf_append(m, len);
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return -1;
	}
	memcpy(p, f, len);
	DP_TSAN_RELEASE(mp);	/* the ring PMD hands it to the loop */
	if (rte_ring_enqueue(r, m) != 0) {
		rte_pktmbuf_free(m);
		return -1;
	}
	return 0;
}

/* A blocking receive with nothing in its ring and the lcore thread held
 * runs the iteration that takes the datagram from the port itself. */
static void
test_blocking_receive_takes_arrival_with_lcore_thread_held(void)
{
	struct dp_lcore *lc = dp_test_lcore(0);
	struct dp_sock *s = dp_test_udp_bound(6021, RECV_MS);
	uint64_t p0, until;

	CU_ASSERT_PTR_NOT_NULL_FATAL(lc);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	__atomic_store_n(&lc->hold, true, __ATOMIC_RELAXED);
	/* Once an iteration of ours ran after the hold, the lcore thread
	 * runs none (it looks at the hold under the lock): the frame
	 * below is for the receive's iterations alone. */
	until = now_ms() + RECV_MS;
	while (!dp_lcore_poll_try(lc) && now_ms() < until)
		usleep(100);
	p0 = rd(&lc->rtc_polls);
	CU_ASSERT_EQUAL_FATAL(inject_udp(6021, 77), 0);
	CU_ASSERT_EQUAL(recv_seq(s, false), 77);
	CU_ASSERT(rd(&lc->rtc_polls) > p0);
	__atomic_store_n(&lc->hold, false, __ATOMIC_RELAXED);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

/* A connected TCP pair on the loop (a to b), made with the lcore thread
 * held: connect and accept wait, and their waits run the handshake. */
static int
tcp_pair(uint16_t port, struct dp_sock **a, struct dp_sock **b)
{
	struct dp_addr la = { .ip = SELF_IP, .port = port }, peer;
	struct dp_sock *l = NULL;
	int ret;

	*a = *b = NULL;
	if (dp_sock_create(6, &l) != 0)
		return -1;
	ret = dp_sock_bind(l, &la) != 0 || dp_sock_listen(l, 4) != 0 ||
		dp_sock_set_opt(l, DP_OPT_RCVTIMEO, RECV_MS) != 0 ||
		dp_sock_create(6, a) != 0 ||
		dp_sock_set_opt(*a, DP_OPT_RCVTIMEO, RECV_MS) != 0 ||
		dp_sock_set_opt(*a, DP_OPT_SNDTIMEO, RECV_MS) != 0 ||
		dp_sock_set_opt(*a, DP_OPT_NODELAY, 1) != 0 ||
		dp_sock_connect(*a, &la) != 0 ||
		dp_sock_accept(l, b, &peer, 0) != 0 ||
		dp_sock_set_opt(*b, DP_OPT_RCVTIMEO, RECV_MS) != 0 ||
		dp_sock_set_opt(*b, DP_OPT_NODELAY, 1) != 0 ? -1 : 0;
	dp_sock_close(l, DP_CLOSE_ABORT);
	if (ret != 0) {
		if (*a != NULL)
			dp_sock_close(*a, DP_CLOSE_ABORT);
		if (*b != NULL)
			dp_sock_close(*b, DP_CLOSE_ABORT);
		*a = *b = NULL;
	}
	return ret;
}

/* Exactly 64 bytes carrying seq from a blocking TCP receive, or -1. */
static int64_t
tcp_recv64(struct dp_sock *s)
{
	uint8_t buf[64];
	struct dp_iov iov;
	size_t got = 0;
	uint32_t seq;
	long n;

	do {
		iov.base = buf + got;
		iov.len = sizeof(buf) - got;
		n = dp_sock_recv(s, &iov, 1, NULL, NULL, 0);
		if (n > 0)
			got += (size_t)n;
	} while (n > 0 && got < sizeof(buf));
	if (got != sizeof(buf))
		return -1;
	memcpy(&seq, buf, sizeof(seq));
	return seq;
}

static int
tcp_send64(struct dp_sock *s, uint32_t seq)
{
	uint8_t buf[64] = { 0 };
	struct dp_iov iov = { .base = buf, .len = sizeof(buf) };

	memcpy(buf, &seq, sizeof(seq));
	return dp_sock_send(s, &iov, 1, NULL, 0) == sizeof(buf) ? 0 : -1;
}

/* With the lcore thread held, only the callers' sends and blocking
 * receives can move a segment: the TCP round trips complete, and every
 * iteration since the hold was theirs. */
static void
test_tcp_blocking_round_trips_flow_with_lcore_thread_held(void)
{
	struct dp_lcore *lc = dp_test_lcore(0);
	struct dp_sock *a, *b;
	uint64_t it0, p0;
	unsigned int ok = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(lc);
	__atomic_store_n(&lc->hold, true, __ATOMIC_RELAXED);
	it0 = rd(&lc->iterations);
	p0 = rd(&lc->rtc_polls);
	CU_ASSERT_EQUAL(tcp_pair(6401, &a, &b), 0);
	for (uint32_t i = 0; a != NULL && i < ROUND_TRIPS; i++) {
		if (tcp_send64(a, i) != 0 || tcp_recv64(b) != i ||
				tcp_send64(b, i) != 0 || tcp_recv64(a) != i)
			break;
		ok++;
	}
	held_end(lc, it0, p0, ok);
	if (a != NULL) {
		dp_sock_close(a, DP_CLOSE_ABORT);
		dp_sock_close(b, DP_CLOSE_ABORT);
	}
}

#define BULK	(48u * 1024)	/* bytes a send blocks on: 12 times SO_SNDBUF */

/* A blocking send of more than SO_SNDBUF waits for ACKs to make room;
 * with the lcore thread held, its wait must run the iterations that
 * carry the segments and bring the ACKs back. */
static void
test_tcp_blocking_send_past_sndbuf_completes_with_lcore_thread_held(void)
{
	static uint8_t out[BULK], in[BULK];
	struct dp_lcore *lc = dp_test_lcore(0);
	struct dp_iov iov = { .base = out, .len = sizeof(out) };
	struct dp_sock *a, *b;
	uint64_t p0;
	size_t got = 0;
	long n = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(lc);
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 7);
	__atomic_store_n(&lc->hold, true, __ATOMIC_RELAXED);
	CU_ASSERT_EQUAL(tcp_pair(6501, &a, &b), 0);
	if (a != NULL) {
		CU_ASSERT_EQUAL(dp_sock_set_opt(a, DP_OPT_SNDBUF, 4096), 0);
		p0 = rd(&lc->rtc_polls);
		n = dp_sock_send(a, &iov, 1, NULL, 0);
		CU_ASSERT(rd(&lc->rtc_polls) > p0);
		while (n == (long)sizeof(out) && got < sizeof(in)) {
			struct dp_iov r = { .base = in + got,
				.len = sizeof(in) - got };
			long k = dp_sock_recv(b, &r, 1, NULL, NULL, 0);

			if (k <= 0)
				break;
			got += (size_t)k;
		}
	}
	__atomic_store_n(&lc->hold, false, __ATOMIC_RELAXED);
	CU_ASSERT_EQUAL(n, (long)sizeof(out));
	CU_ASSERT_EQUAL(got, sizeof(in));
	CU_ASSERT(memcmp(in, out, sizeof(in)) == 0);
	if (a != NULL) {
		dp_sock_close(a, DP_CLOSE_ABORT);
		dp_sock_close(b, DP_CLOSE_ABORT);
	}
}

struct pp_arg {
	uint16_t port;
	unsigned int ok;
};

static void *
pp_thread(void *arg)
{
	struct pp_arg *t = arg;
	struct dp_sock *a = dp_test_udp_bound(t->port, RECV_MS);
	struct dp_sock *b = dp_test_udp_bound((uint16_t)(t->port + 1), RECV_MS);

	if (a != NULL && b != NULL)
		t->ok = ping_pong(a, t->port, b, (uint16_t)(t->port + 1),
			ROUND_TRIPS, false);
	if (a != NULL)
		dp_sock_close(a, DP_CLOSE_ABORT);
	if (b != NULL)
		dp_sock_close(b, DP_CLOSE_ABORT);
	return NULL;
}

/* Two threads and the lcore thread take turns at one lcore: each
 * thread's datagrams all come back, in order, to its own sockets. */
static void
test_two_threads_and_lcore_share_one_lcore(void)
{
	struct pp_arg t[2] = { { .port = 6101 }, { .port = 6201 } };
	pthread_t th[2];
	uint64_t p0 = rd(&dp_test_lcore(0)->rtc_polls);

	for (int i = 0; i < 2; i++)
		CU_ASSERT_EQUAL_FATAL(pthread_create(&th[i], NULL, pp_thread,
			&t[i]), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	CU_ASSERT_EQUAL(t[0].ok, ROUND_TRIPS);
	CU_ASSERT_EQUAL(t[1].ok, ROUND_TRIPS);
	CU_ASSERT(rd(&dp_test_lcore(0)->rtc_polls) > p0);
}

struct spin_arg {
	struct dp_sock *s;
	long ret;
};

static void *
spin_thread(void *arg)
{
	struct spin_arg *t = arg;
	struct dp_iov iov;
	uint32_t v;

	iov.base = &v;
	iov.len = sizeof(v);
	/* Nothing comes: it spins, running the loop, until dp_stop(). */
	t->ret = dp_sock_recv(t->s, &iov, 1, NULL, NULL, 0);
	return NULL;
}

/* dp_stop() while a thread is inside the loop: the receive ends with an
 * error, the engine stops, every mbuf comes back. */
static void
test_stop_while_a_thread_runs_the_loop(void)
{
	struct spin_arg t = { .s = dp_test_udp_bound(6301, RECV_MS) };
	struct dp_lcore *lc = dp_test_lcore(0);
	struct dp_lifecycle life;
	uint64_t p0, until;
	pthread_t th;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t.s);
	CU_ASSERT_EQUAL_FATAL(dp_sock_set_opt(t.s, DP_OPT_RCVTIMEO, 0), 0);
	p0 = rd(&lc->rtc_polls);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&th, NULL, spin_thread, &t), 0);
	/* Until the thread has run the loop a few times. */
	until = now_ms() + RECV_MS;
	while (rd(&lc->rtc_polls) - p0 < 100 && now_ms() < until)
		usleep(1000);
	CU_ASSERT(rd(&lc->rtc_polls) - p0 >= 100);
	dp_stop();
	pthread_join(th, NULL);
	CU_ASSERT(t.ret == -EINTR || t.ret == -ENETDOWN);
	CU_ASSERT_FALSE(dp_running());
	dp_lifecycle_get(&life);
	CU_ASSERT_EQUAL(life.mbufs_lost, 0);
}

static const struct wt_test tests[] = {
	WT_TEST(test_blocking_round_trips_flow_with_lcore_thread_held),
	WT_TEST(test_nonblocking_round_trips_flow_with_lcore_thread_held),
	WT_TEST(test_blocking_receive_takes_arrival_with_lcore_thread_held),
	WT_TEST(test_tcp_blocking_round_trips_flow_with_lcore_thread_held),
	WT_TEST(test_tcp_blocking_send_past_sndbuf_completes_with_lcore_thread_held),
	WT_TEST(test_two_threads_and_lcore_share_one_lcore),
	WT_TEST(test_stop_while_a_thread_runs_the_loop),
	WT_TEST_END
};

static const struct wt_suite suite = {
	.name = "dp_rtc",
	.tests = tests,
};

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = { &suite, NULL };
	struct dp_conf c;

	if (wt_hugepages_reserve(64) != 0)
		return 1;
	dp_conf_defaults(&c);
	snprintf(c.device, sizeof(c.device), "loop:rtc");
	c.nb_mbufs = 4095;
	c.log_level = DP_LOG_WARNING;
	c.nb_lcores = 1;
	c.lcore_cpus[0] = (uint16_t)(dp_test_cpus() - 1);
	c.spin_us = -1;		/* the latency profile: receives spin */
	c.rtc = 1;
	if (dp_start(&c) != 0) {
		fprintf(stderr, "FAIL: dp_start on loop:rtc\n");
		return 1;
	}
	return wt_run_suites(argc, argv, suites);
}
