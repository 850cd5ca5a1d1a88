/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Liveness and bulk against Linux (tcp-notes §6.3 "Keepalive", "User
 * timeout", "Graceful close flushing N bytes ... then teardown", 1 GiB
 * each way): keepalive probes that Linux answers, a peer gone dead
 * behind an nft drop detected by keepalive (ENETRESET: WSAENETRESET,
 * which Microsoft's SO_KEEPALIVE page names for a connection dropped
 * by keep-alives) and by TCP_MAXRT during a send (ETIMEDOUT:
 * WSAETIMEDOUT); graceful close of 10 MB then the engine stopped at
 * once, repeated; 64 MB each way (1 GiB with TK_LONG=1), hashed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "dp_core.h"
#include "tk.h"

static struct uk_child *kp;

static int
suite_up(void)
{
	if (tk_engine_up() != 0)
		return -1;
	/* Our own table: counters and drops on the kernel's side of the
	 * wire, for one Linux port at a time. */
	if (wt_sh("nft add table inet tkalive && "
			"nft add chain inet tkalive in '{ type filter hook "
			"input priority -300; }' && "
			"nft add chain inet tkalive out '{ type filter hook "
			"output priority -300; }'") != 0)
		return -1;
	kp = tk_peer_start(0, UK_KERNEL_IP);
	return kp != NULL ? 0 : -1;
}

static int
suite_down(void)
{
	tk_peer_end(kp);
	kp = NULL;
	wt_sh("nft delete table inet tkalive");
	tk_engine_down();
	return 0;
}

static uint64_t
stat_keepalive(bool drops)
{
	struct dp_engine *eng = dp_engine_get();
	struct dp_stats s;

	if (eng == NULL)
		return 0;
	dp_stats_sum(eng, &s);
	dp_engine_put();
	return drops ? s.tcp_keepalive_drop : s.tcp_keepalive;
}

/* Packets an nft rule of ours counted (the first "packets N"). */
static uint64_t
nft_packets(const char *chain)
{
	char out[64] = "";

	wt_sh_out(out, sizeof(out), "nft list chain inet tkalive %s | "
		"grep -o 'packets [0-9]*' | head -1 | cut -d' ' -f2", chain);
	return strtoull(out, NULL, 10);
}

/* A connection to Linux's listener on kport (a fresh one). */
static struct dp_sock *
connected(uint16_t kport)
{
	struct dp_sock *s = tk_socket();
	char ans[256];

	if (s == NULL)
		return NULL;
	if (tk_peer(kp, ans, sizeof(ans), 5000, "listen %u", kport) != 0 ||
			tk_connect(s, TK_KERNEL, kport, 5000, NULL) != 0 ||
			tk_peer(kp, ans, sizeof(ans), 5000, "accept") != 0) {
		dp_sock_close(s, DP_CLOSE_ABORT);
		return NULL;
	}
	return s;
}

/* Linux's host goes dark for our connection to kport: everything we
 * send it is dropped (nothing of it reaches its socket). */
static int
black_hole(uint16_t kport)
{
	return wt_sh("nft flush chain inet tkalive in && nft add rule inet "
		"tkalive in ip saddr %s tcp dport %u drop", UK_PROVIDER_IP,
		kport);
}

/* Lifts black_hole(), closes s and Linux's side. */
static void
end_dead(struct dp_sock *s)
{
	wt_sh("nft flush chain inet tkalive in");
	dp_sock_close(s, DP_CLOSE_ABORT);
	tk_peer(kp, (char[64]){ 0 }, 64, 5000, "close");
}

static void
keepalive_on(struct dp_sock *s, int64_t idle_ms, int64_t intvl_ms)
{
	CU_ASSERT_EQUAL(dp_sock_set_opt(s, DP_OPT_KEEPIDLE, idle_ms), 0);
	CU_ASSERT_EQUAL(dp_sock_set_opt(s, DP_OPT_KEEPINTVL, intvl_ms), 0);
	CU_ASSERT_EQUAL(dp_sock_set_opt(s, DP_OPT_KEEPALIVE, 1), 0);
}

/* Idle 300 ms then a probe every 100 ms: over 2 s Linux sees each
 * probe (nft counts them on its input) and answers (its output) at
 * most one per tcp_invalid_ratelimit (500 ms: a probe is an old
 * sequence number, and Linux rate-limits its dup ACKs to those), so
 * ours never gives up (10 unanswered in a row would drop it). */
static void
test_keepalive_probes_answered_by_linux(void)
{
	struct dp_sock *s = connected(5101);
	uint64_t k0, d0, k, in, out;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL_FATAL(wt_sh("nft flush chain inet tkalive in && "
		"nft flush chain inet tkalive out && "
		"nft add rule inet tkalive in ip saddr %s tcp dport 5101 "
		"counter && nft add rule inet tkalive out ip daddr %s tcp "
		"sport 5101 counter", UK_PROVIDER_IP, UK_PROVIDER_IP), 0);
	k0 = stat_keepalive(false);
	d0 = stat_keepalive(true);
	keepalive_on(s, 300, 100);
	wt_sleep_ms(2000);
	k = stat_keepalive(false) - k0;
	in = nft_packets("in");
	out = nft_packets("out");
	printf("keepalive: %lu probes sent, Linux got %lu segments, "
		"answered %lu\n", (unsigned long)k, (unsigned long)in,
		(unsigned long)out);
	CU_ASSERT(k >= 3);
	CU_ASSERT(in >= k);
	CU_ASSERT(out >= 2);
	CU_ASSERT_EQUAL(stat_keepalive(true) - d0, 0);
	CU_ASSERT_EQUAL(tk_state(s), DP_TCP_ESTABLISHED);
	dp_sock_close(s, DP_CLOSE_ABORT);
	tk_peer(kp, (char[64]){ 0 }, 64, 5000, "close");
}

/* The peer's host dies (nft drops all it would get): after the idle
 * time and 10 unanswered probes, a recv in progress fails with
 * ENETRESET (WSAENETRESET), the connection is gone. */
static void
test_keepalive_dead_peer_gives_enetreset(void)
{
	struct dp_sock *s = connected(5102);
	uint64_t d0, t0, ms;
	char b[16];
	struct dp_iov v = { b, sizeof(b) };
	long r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL_FATAL(black_hole(5102), 0);
	d0 = stat_keepalive(true);
	keepalive_on(s, 300, 100);
	t0 = wt_now_ns();
	r = dp_sock_recv(s, &v, 1, NULL, NULL, 0);
	ms = (wt_now_ns() - t0) / 1000000;
	printf("keepalive: dead peer detected in %lu ms (%ld)\n",
		(unsigned long)ms, r);
	CU_ASSERT_EQUAL(r, -ENETRESET);
	/* 300 ms idle + 10 probes 100 ms apart, a timer slot or so. */
	CU_ASSERT(ms >= 1200 && ms < 3000);
	CU_ASSERT_EQUAL(stat_keepalive(true) - d0, 1);
	CU_ASSERT_EQUAL(tk_state(s), DP_TCP_CLOSED);
	end_dead(s);
}

/* TCP_MAXRT 2 s, then the peer drops everything: the data is
 * retransmitted for 2 s, then the connection is dropped and the recv
 * in progress fails with ETIMEDOUT (WSAETIMEDOUT) -- well before the
 * socket's own 30 s receive timeout. */
static void
test_maxrt_blackhole_gives_etimedout(void)
{
	struct dp_sock *s = connected(5103);
	struct dp_iov o = { "order", 5 };
	uint64_t t0, ms;
	char b[16];
	struct dp_iov v = { b, sizeof(b) };
	long r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(dp_sock_set_opt(s, DP_OPT_MAXRT, 2), 0);
	CU_ASSERT_EQUAL_FATAL(black_hole(5103), 0);
	t0 = wt_now_ns();
	CU_ASSERT_EQUAL(dp_sock_send(s, &o, 1, NULL, 0), 5);
	r = dp_sock_recv(s, &v, 1, NULL, NULL, 0);
	ms = (wt_now_ns() - t0) / 1000000;
	printf("TCP_MAXRT 2 s: dropped after %lu ms (%ld)\n",
		(unsigned long)ms, r);
	CU_ASSERT_EQUAL(r, -ETIMEDOUT);
	CU_ASSERT(ms >= 1900 && ms < 5000);
	CU_ASSERT_EQUAL(tk_state(s), DP_TCP_CLOSED);
	end_dead(s);
}

static bool
long_run(void)
{
	const char *l = getenv("TK_LONG");

	return l != NULL && strcmp(l, "1") == 0;
}

/* 10 MB queued, graceful close, the engine stopped at once (the last
 * WSPCleanup's path): Linux reads exactly those bytes, hash equal, then
 * EOF -- no RST. 100 runs or 60 s, whichever first, at least 10 (with
 * TK_LONG=1 all 100, up to 600 s). */
static void
test_close_10mb_then_stop_repeated(void)
{
	const size_t n = 10 * TK_MB;
	const uint64_t budget = (long_run() ? 600ull : 60ull) * 1000000000;
	unsigned int runs = 0, bad = 0;
	uint64_t t0 = wt_now_ns();
	char ans[256], sha[65], want[128];

	while (runs < 100 && wt_now_ns() - t0 < budget) {
		struct dp_sock *s = connected(5110);
		long sent;

		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		CU_ASSERT_EQUAL_FATAL(uk_child_say(kp, "recv"), 0);
		sent = tk_send_n(s, n, sha);
		CU_ASSERT_EQUAL(sent, (long)n);
		dp_sock_close(s, DP_CLOSE_GRACEFUL);
		tk_engine_down();
		CU_ASSERT_EQUAL(uk_child_hear(kp, ans, sizeof(ans), 20000),
			0);
		snprintf(want, sizeof(want), "OK recv=%zu rsha=%s", n, sha);
		if (strcmp(ans, want) != 0) {
			fprintf(stderr, "FAIL: run %u: sent %zu sha %s; Linux: "
				"%s\n", runs, n, sha, ans);
			bad++;
		}
		tk_peer(kp, ans, sizeof(ans), 5000, "close");
		CU_ASSERT_EQUAL_FATAL(tk_engine_up(), 0);
		runs++;
	}
	printf("close 10 MB then stop: %u runs in %.1f s, %u bad\n", runs,
		(double)(wt_now_ns() - t0) / 1e9, bad);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(runs >= 10);
}

static void
each_way(size_t n)
{
	struct dp_sock *s = connected(5120);
	struct tk_xfer x;
	struct tk_watch w;
	char ans[512] = "", cmd[32];

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	/* tcp_kpeer.py draws and hashes all n bytes before it sends one:
	 * for 1 GiB that takes longer than our usual 30 s timeouts. */
	dp_sock_set_opt(s, DP_OPT_RCVTIMEO, 300000);
	dp_sock_set_opt(s, DP_OPT_SNDTIMEO, 300000);
	snprintf(cmd, sizeof(cmd), "xfer %zu", n);
	CU_ASSERT_EQUAL_FATAL(uk_child_say(kp, cmd), 0);
	/* Watched: a stall says what both ends held (stop 26 saw one). */
	tk_xfer_watched(s, n, &x, &w);
	CU_ASSERT_EQUAL(uk_child_hear(kp, ans, sizeof(ans), 590000), 0);
	CU_ASSERT(tk_xfer_ok("each way", &x, ans, n));
	printf("%zu MB each way, SHA-256 equal: %.2f s (%.0f MB/s each "
		"way)\n", n / TK_MB, x.secs, (double)n / TK_MB / x.secs);
	dp_sock_close(s, DP_CLOSE_GRACEFUL);
	tk_peer(kp, ans, sizeof(ans), 5000, "close");
}

/* 64 MB each way in CI; TK_LONG=1 makes it 1 GiB (run by hand). */
static void
test_bulk_each_way_sha256(void)
{
	each_way(long_run() ? 1024 * TK_MB : 64 * TK_MB);
}

static const struct wt_test alive_tests[] = {
	WT_TEST(test_keepalive_probes_answered_by_linux),
	WT_TEST(test_keepalive_dead_peer_gives_enetreset),
	WT_TEST(test_maxrt_blackhole_gives_etimedout),
	WT_TEST(test_close_10mb_then_stop_repeated),
	WT_TEST(test_bulk_each_way_sha256),
	WT_TEST_END
};

const struct wt_suite tk_alive_suite = {
	.name = "tk_alive",
	.init = suite_up,
	.clean = suite_down,
	.tests = alive_tests,
};
