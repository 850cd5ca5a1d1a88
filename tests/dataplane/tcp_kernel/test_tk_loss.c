/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * 1 MB each way, at once, between us and Linux one routed hop away
 * while that hop drops 0, 0.1, 1 and 5 % of TCP segments in each
 * direction (nft, tk_loss); then the same between two Linux sockets
 * over the same hop and rules (the baseline). The bytes must be exact
 * and no transfer may stall (TK_STALL_S); the times, the ratio to
 * Linux, our recovery counters and Linux's TCPTimeouts (ours: Linux in
 * B sending to us; baseline: B and C) are printed, not asserted (the
 * drops are random).
 *
 * Order entry at 1 %: bursts of 1-4 messages of 64-512 bytes with
 * TCP_NODELAY, each sent once the previous one is all ACKed, so each
 * burst ends in a tail; Linux reads them all (hash checked). Printed:
 * tail losses repaired by TLP against RTOs, and the time to ACK a
 * burst (p50/p99/p99.9).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dp_sock_priv.h"

#include <CUnit/CUnit.h>

#include "tk.h"

#define RUNS	3	/* per loss rate: the drops are random */
#define TK_STALL_S	20.0	/* 1 MB each way slower than this: stall */
#define OE_BURSTS	1500	/* order-entry bursts */

/* One exchange with Linux in B: seconds, or < 0. */
static double
ours(struct uk_child *kp, uint16_t port, struct tk_counters *d,
		uint64_t *drops)
{
	struct tk_counters a, b;
	struct dp_sock *s = tk_socket();
	struct tk_xfer x;
	char ans[512] = "", cmd[32];
	uint64_t d0 = tk_loss_drops();
	bool ok;

	if (s == NULL)
		return -1;
	if (tk_peer(kp, ans, sizeof(ans), 5000, "listen %u", port) != 0 ||
			tk_connect(s, TK_B, port, 10000, NULL) != 0 ||
			tk_peer(kp, ans, sizeof(ans), 10000, "accept") != 0) {
		fprintf(stderr, "FAIL: no connection to Linux in B :%u\n",
			port);
		dp_sock_close(s, DP_CLOSE_ABORT);
		return -1;
	}
	tk_counters(&a);
	snprintf(cmd, sizeof(cmd), "xfer %u", TK_MB);
	uk_child_say(kp, cmd);
	tk_xfer(s, TK_MB, &x);
	if (uk_child_hear(kp, ans, sizeof(ans), 120000) != 0)
		fprintf(stderr, "FAIL: Linux never finished\n");
	tk_counters(&b);
	tk_counters_diff(d, &a, &b);
	*drops = tk_loss_drops() - d0;
	ok = tk_xfer_ok("under loss", &x, ans, TK_MB);
	CU_ASSERT(ok);
	dp_sock_close(s, DP_CLOSE_GRACEFUL);
	tk_peer(kp, ans, sizeof(ans), 5000, "close");
	return ok ? x.secs : -1;
}

static void
loss_run(unsigned int permille, uint16_t port)
{
	struct uk_child *kp = tk_peer_start(tk_ns_b(), "198.18.1.2");
	double t_us = 0, t_lx = 0, worst = 0;
	uint64_t rexmit = 0, rto = 0, fast = 0, drops = 0, tlp = 0, rack = 0;
	long long lx_ours = 0, lx_base = 0;
	uint64_t lc_run = 0, lc_wait = 0;	/* ns, our lcore */

	CU_ASSERT_PTR_NOT_NULL_FATAL(kp);
	CU_ASSERT_EQUAL_FATAL(tk_loss(permille), 0);
	for (int i = 0; i < RUNS; i++) {
		struct tk_counters d;
		uint64_t dr = 0;
		long long b0 = tk_tcpext(tk_ns_b(), "TCPTimeouts"), b1, c0, c1;
		uint64_t r0, w0, r1, w1;
		double t, l;

		tk_lcore_sched(&r0, &w0);
		t = ours(kp, (uint16_t)(port + i), &d, &dr);
		tk_lcore_sched(&r1, &w1);
		lc_run += r1 - r0;
		lc_wait += w1 - w0;

		CU_ASSERT(t >= 0);
		if (t < 0)
			break;
		CU_ASSERT(t < TK_STALL_S);
		b1 = tk_tcpext(tk_ns_b(), "TCPTimeouts");
		c0 = tk_tcpext(tk_ns_c(), "TCPTimeouts");
		l = tk_baseline_xfer((uint16_t)(port + 100 + i), TK_MB);
		CU_ASSERT(l >= 0);
		CU_ASSERT(l < TK_STALL_S);
		c1 = tk_tcpext(tk_ns_c(), "TCPTimeouts");
		lx_ours += b1 - b0;
		lx_base += (tk_tcpext(tk_ns_b(), "TCPTimeouts") - b1) +
			(c1 - c0);
		tlp += d.tlp;
		rack += d.rack_lost;
		t_us += t;
		t_lx += l;
		worst = t > worst ? t : worst;
		rexmit += d.rexmit;
		rto += d.rto;
		fast += d.fast_rexmit;
		drops += dr;
	}
	tk_loss(0);
	tk_peer_end(kp);
	printf("loss %.1f %%: 1 MB each way, mean of %d: ours %.3f s (worst "
		"%.3f), Linux<->Linux %.3f s, ratio %.2f; ours per run: %.1f "
		"segments retransmitted, %.1f RTOs, %.1f recoveries, %.1f "
		"RACK-lost, %.1f TLPs; Linux TCPTimeouts per run: %.1f "
		"sending to us, %.1f in the baseline (both senders); the hop "
		"dropped %.1f of ours+Linux's; our lcore ran %.0f ms and "
		"waited %.0f ms for its CPU per run\n", permille / 10.0, RUNS,
		t_us / RUNS, worst, t_lx / RUNS, t_lx > 0 ? t_us / t_lx : 0,
		(double)rexmit / RUNS, (double)rto / RUNS, (double)fast / RUNS,
		(double)rack / RUNS, (double)tlp / RUNS,
		(double)lx_ours / RUNS, (double)lx_base / RUNS,
		(double)drops / RUNS, lc_run / 1e6 / RUNS,
		lc_wait / 1e6 / RUNS);
}

static void
test_no_loss(void)
{
	loss_run(0, 5100);
}

static void
test_loss_0_1_percent(void)
{
	loss_run(1, 5110);
}

static void
test_loss_1_percent(void)
{
	loss_run(10, 5120);
}

static void
test_loss_5_percent(void)
{
	loss_run(50, 5130);
}

static uint64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Until everything sent is ACKed (tx_bytes_q counts queued and
 * unACKed bytes); false after TK_STALL_S. */
static bool
all_acked(struct dp_sock *s)
{
	uint64_t t0 = mono_us();

	while (__atomic_load_n(&s->tx_bytes_q, __ATOMIC_ACQUIRE) != 0) {
		if (mono_us() - t0 > (uint64_t)(TK_STALL_S * 1e6))
			return false;
		usleep(20);
	}
	return true;
}

/* Tail losses of small NODELAY bursts at 1 %: repaired, byte-exact, no
 * stall; TLP against RTO printed. */
static void
test_order_entry_1_percent_tail_losses_repaired(void)
{
	static uint64_t lat[OE_BURSTS];
	struct uk_child *kp = tk_peer_start(tk_ns_b(), "198.18.1.2");
	struct dp_sock *s = tk_socket();
	struct tk_counters a, b, d;
	struct tk_sha256 h;
	char ans[512] = "";
	uint64_t bytes = 0, d0, rnd = 12345;
	uint8_t msg[512];
	unsigned int done = 0;
	bool ok = true;

	CU_ASSERT_PTR_NOT_NULL_FATAL(kp);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(dp_sock_set_opt(s, DP_OPT_NODELAY, 1), 0);
	if (tk_peer(kp, ans, sizeof(ans), 5000, "listen 5140") != 0 ||
			tk_connect(s, TK_B, 5140, 10000, NULL) != 0 ||
			tk_peer(kp, ans, sizeof(ans), 10000, "accept") != 0) {
		CU_FAIL("no connection to Linux in B");
		dp_sock_close(s, DP_CLOSE_ABORT);
		tk_peer_end(kp);
		return;
	}
	uk_child_say(kp, "recv");
	CU_ASSERT_EQUAL_FATAL(tk_loss(10), 0);
	tk_counters(&a);
	d0 = tk_loss_drops();
	tk_sha256_init(&h);
	for (; done < OE_BURSTS && ok; done++) {
		unsigned int k = 1 + (unsigned int)((rnd >> 33) % 4);
		uint64_t t0 = mono_us();

		for (unsigned int m = 0; m < k && ok; m++) {
			struct dp_iov iov = { msg, 0 };

			rnd = rnd * 6364136223846793005ull + 1442695040888963407ull;
			iov.len = 64 + (size_t)((rnd >> 33) % 449);
			for (size_t i = 0; i < iov.len; i++)
				msg[i] = (uint8_t)(rnd >> (i % 56));
			ok = dp_sock_send(s, &iov, 1, NULL, 0) ==
				(long)iov.len;
			tk_sha256_add(&h, msg, iov.len);
			bytes += iov.len;
		}
		ok = ok && all_acked(s);
		lat[done] = mono_us() - t0;
	}
	tk_counters(&b);
	tk_counters_diff(&d, &a, &b);
	d0 = tk_loss_drops() - d0;
	tk_loss(0);
	CU_ASSERT(ok);				/* no stall */
	CU_ASSERT(tk_peer_read_all(kp, s, bytes, &h));
	qsort(lat, done, sizeof(lat[0]), tk_cmp_u64);
	if (done > 0)
		printf("order entry at 1 %%: %u bursts of 1-4 NODELAY messages "
			"(64-512 B, %llu B), the hop dropped %llu; tail loss "
			"probes %llu (repaired a lost tail: %llu), recoveries "
			"%llu, RACK-lost %llu, RTOs %llu; burst sent to all "
			"ACKed: p50 %llu us, p99 %llu us, p99.9 %llu us, max "
			"%llu us\n", done, (unsigned long long)bytes,
			(unsigned long long)d0, (unsigned long long)d.tlp,
			(unsigned long long)d.tlp_recovered,
			(unsigned long long)d.recovery,
			(unsigned long long)d.rack_lost,
			(unsigned long long)d.rto,
			(unsigned long long)lat[done / 2],
			(unsigned long long)lat[done * 99 / 100],
			(unsigned long long)lat[done * 999 / 1000],
			(unsigned long long)lat[done - 1]);
	dp_sock_close(s, DP_CLOSE_GRACEFUL);
	tk_peer(kp, ans, sizeof(ans), 5000, "close");
	tk_peer_end(kp);
}

static const struct wt_test loss_tests[] = {
	WT_TEST(test_no_loss),
	WT_TEST(test_loss_0_1_percent),
	WT_TEST(test_loss_1_percent),
	WT_TEST(test_loss_5_percent),
	WT_TEST(test_order_entry_1_percent_tail_losses_repaired),
	WT_TEST_END
};

const struct wt_suite tk_loss_suite = {
	.name = "tk_loss",
	.init = tk_routed_engine_up,
	.clean = tk_routed_engine_down,
	.tests = loss_tests,
};
