/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Bulk transfers under loss against Linux one routed hop away (issue
 * 13): N bytes each way at once at 0, 0.1, 1 and 5 % loss per direction
 * (nft on the hop), then Linux to Linux over the same hop and rules in
 * the same run (the baseline). Asserted: the bytes exact (SHA-256).
 * Judged and printed, as figures (a shared machine's times are not
 * behaviour; CI showed the 0.1 % ratio at 1.91 and our 5 % RTOs above
 * Linux's on one run, below on the next): no stall, i.e. no wait for
 * data at either receiver longer than 2 RTO_min (400 ms) or than
 * Linux's own longest in the baseline; at 1 % our time at most 2x
 * Linux's; our RTOs against Linux's TCPTimeouts. N is 16 MB in CI;
 * WSPDK_LONG=1 makes it 100 MB (the figure; minutes).
 *
 * Times, stalls and RTOs are judged only when our lcore had its CPU:
 * it busy-polls pinned to one, and on a shared machine it may wait
 * there longer than it runs (schedstat; measured: 5 s waiting against
 * 1.4 s running for 16 MB at load 36 on 2 CPUs), when every ACK waits
 * with it and no protocol figure means anything. Such a run prints
 * "starved" and only its bytes are asserted (if no rate can be judged,
 * the run says so). Under a sanitizer only the bytes are.
 */
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "dp_tcp.h"
#include "tk.h"

#define STALL_US	(2ull * DP_TCP_RTO_MIN_US)
/* An instrumented stack's times say nothing of ours: bytes only. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED	1
#else
#define SANITIZED	0
#endif
#define RATIO_MAX	2.0	/* at 1 % */

static size_t
bulk_bytes(void)
{
	const char *l = getenv("WSPDK_LONG");

	return l != NULL && strcmp(l, "1") == 0 ? 100u * TK_MB : 16u * TK_MB;
}

struct bulk {
	double ours, linux;
	uint64_t rto, rexmit, tlp, rack, drops, gap_rx, gap_tx;
	double gap_lx, gap_base;	/* ms: Linux receiving from us, and
					 * in the baseline */
	uint64_t lc_run, lc_wait;	/* ns: our lcore on a CPU, waiting */
	long long lx_to_us, lx_base;
};

static bool
ours(struct uk_child *kp, uint16_t port, size_t n, struct bulk *r)
{
	struct dp_sock *s = tk_socket();
	struct tk_counters a, b, d;
	struct tk_watch w;
	struct tk_xfer x;
	char ans[512] = "", cmd[32], gap[32] = "";
	uint64_t d0 = tk_loss_drops(), r0, w0;
	long long t0 = tk_tcpext(tk_ns_b(), "TCPTimeouts");
	bool ok;

	if (s == NULL || tk_peer(kp, ans, sizeof(ans), 5000, "listen %u",
			port) != 0 ||
			tk_connect(s, TK_B, port, 10000, NULL) != 0 ||
			tk_peer(kp, ans, sizeof(ans), 10000, "accept") != 0) {
		fprintf(stderr, "FAIL: no connection to Linux in B :%u\n",
			port);
		if (s != NULL)
			dp_sock_close(s, DP_CLOSE_ABORT);
		return false;
	}
	tk_counters(&a);
	tk_lcore_sched(&r0, &w0);
	snprintf(cmd, sizeof(cmd), "xfer %zu", n);
	uk_child_say(kp, cmd);
	tk_xfer_watched(s, n, &x, &w);
	tk_lcore_sched(&r->lc_run, &r->lc_wait);
	r->lc_run -= r0;
	r->lc_wait -= w0;
	if (uk_child_hear(kp, ans, sizeof(ans), 600000) != 0)
		fprintf(stderr, "FAIL: Linux never finished\n");
	tk_counters(&b);
	tk_counters_diff(&d, &a, &b);
	ok = tk_xfer_ok("bulk", &x, ans, n);
	r->ours = x.secs;
	r->rto = d.rto;
	r->rexmit = d.rexmit;
	r->tlp = d.tlp;
	r->rack = d.rack_lost;
	r->gap_rx = w.gap_rx_us;
	r->gap_tx = w.gap_tx_us;
	r->gap_lx = tk_field_str(ans, "gap", gap, sizeof(gap)) == 0 ?
		atof(gap) : -1;
	r->drops = tk_loss_drops() - d0;
	r->lx_to_us = tk_tcpext(tk_ns_b(), "TCPTimeouts") - t0;
	dp_sock_close(s, DP_CLOSE_GRACEFUL);
	tk_peer(kp, ans, sizeof(ans), 5000, "close");
	return ok;
}

/*
 * TK_PCAP=DIR: our transfer's headers, as the hop saw them in this
 * namespace, into DIR/bulk-<permille>.pcap; tk_gaps.py names each long
 * gap's sends, drops and ACKs. A stall seen once in CI (#13's 603 ms)
 * can then be read the next time. Off by default; bounded by timeout.
 */
static void
pcap_start(unsigned int permille, uint16_t port)
{
	const char *d = getenv("TK_PCAP");

	if (d == NULL || *d == '\0')
		return;
	if (wt_sh("timeout 900 tcpdump -i any -s 96 -w %s/bulk-%u.pcap "
			"tcp port %u >/dev/null 2>&1 & echo $! > %s/.tk_pcap;"
			" sleep 0.5", d, permille, port, d) != 0)
		fprintf(stderr, "bulk: no capture into %s\n", d);
}

static void
pcap_stop(void)
{
	const char *d = getenv("TK_PCAP");

	if (d != NULL && *d != '\0')
		wt_sh("sleep 0.2; kill $(cat %s/.tk_pcap) 2>/dev/null;"
			" rm -f %s/.tk_pcap", d, d);
}

/* Sums over the judged loss rates of the run. */
static uint64_t sum_rto;
static long long sum_lx;
static unsigned int judged;

static void
bulk_run(unsigned int permille, uint16_t port)
{
	struct uk_child *kp = tk_peer_start(tk_ns_b(), "198.18.1.2");
	size_t n = bulk_bytes();
	struct bulk r = { 0 };
	long long b0, c0;
	double stall;
	bool ok;

	CU_ASSERT_PTR_NOT_NULL_FATAL(kp);
	CU_ASSERT_EQUAL_FATAL(tk_loss(permille), 0);
	pcap_start(permille, port);
	ok = ours(kp, port, n, &r);
	pcap_stop();
	CU_ASSERT(ok);
	tk_peer_end(kp);
	b0 = tk_tcpext(tk_ns_b(), "TCPTimeouts");
	c0 = tk_tcpext(tk_ns_c(), "TCPTimeouts");
	r.gap_base = -1;
	r.linux = tk_baseline_xfer_gap((uint16_t)(port + 100), n,
		&r.gap_base);
	CU_ASSERT(r.linux > 0);
	r.lx_base = tk_tcpext(tk_ns_b(), "TCPTimeouts") - b0 +
		tk_tcpext(tk_ns_c(), "TCPTimeouts") - c0;
	tk_loss(0);
	stall = STALL_US / 1000.0 > r.gap_base ? STALL_US / 1000.0 :
		r.gap_base;
	printf("bulk %zu MB each way at %.1f %% loss: ours %.3f s, "
		"Linux<->Linux %.3f s, ratio %.2f (target <= %.1f at 1 %%); "
		"our RTOs %llu, Linux TCPTimeouts %lld in the baseline (2 "
		"senders), %lld sending to us; longest wait for data: ours "
		"%.1f ms, Linux's from us %.1f ms, in the baseline %.1f ms "
		"(target %.0f, bound here %.1f); our ACKed-bytes gap %.1f ms;"
		" we retransmitted %llu (RACK-lost %llu, TLPs %llu); the hop "
		"dropped %llu of ours and Linux's; our lcore ran %.0f ms and "
		"waited %.0f ms for its CPU\n", n >> 20,
		permille / 10.0, r.ours, r.linux,
		r.linux > 0 ? r.ours / r.linux : 0, RATIO_MAX,
		(unsigned long long)r.rto, r.lx_base, r.lx_to_us,
		r.gap_rx / 1000.0, r.gap_lx, r.gap_base, STALL_US / 1000.0,
		stall, r.gap_tx / 1000.0, (unsigned long long)r.rexmit,
		(unsigned long long)r.rack, (unsigned long long)r.tlp,
		(unsigned long long)r.drops, r.lc_run / 1e6,
		r.lc_wait / 1e6);
	CU_ASSERT(r.gap_base >= 0 && r.gap_lx >= 0);
	if (SANITIZED) {
		printf("bulk at %.1f %%: sanitizer build: times not judged\n",
			permille / 10.0);
		return;
	}
	if (r.lc_wait > r.lc_run) {
		printf("bulk at %.1f %%: starved (our lcore waited longer "
			"for its CPU than it ran): times not judged\n",
			permille / 10.0);
		return;
	}
	judged++;
	/* #13's targets, judged and printed: times on a shared machine
	 * are figures, not behaviour (the bytes are asserted above). */
	printf("bulk at %.1f %%: stall target %s, ratio target %s\n",
		permille / 10.0, r.gap_rx / 1000.0 <= stall &&
		r.gap_lx <= stall ? "met" : "MISSED",
		permille != 10 || r.linux <= 0 ? "n/a" :
		r.ours <= RATIO_MAX * r.linux ? "met" : "MISSED");
	sum_rto += r.rto;
	sum_lx += r.lx_base;
}

static void
test_bulk_no_loss(void)
{
	sum_rto = 0;
	sum_lx = 0;
	judged = 0;
	bulk_run(0, 5400);
}

static void
test_bulk_0_1_percent(void)
{
	bulk_run(1, 5410);
}

static void
test_bulk_1_percent_within_2x_linux(void)
{
	bulk_run(10, 5420);
}

/*
 * Then our RTOs against Linux's TCPTimeouts over the judged rates, as a
 * figure: at 16 MB each count is a handful and either side may be the
 * larger (CI: ours 19, Linux's 9; before: 5 and 16); #13's target is
 * reported by the long run (WSPDK_LONG=1), not asserted here.
 */
static void
test_bulk_5_percent(void)
{
	bulk_run(50, 5430);
	printf("bulk: our RTOs %llu over the %u judged rates, Linux's "
		"TCPTimeouts %lld (baseline)%s\n", (unsigned long long)sum_rto,
		judged, sum_lx, judged == 0 ? (SANITIZED ?
		": sanitizer build, bytes checked only" :
		": our lcore starved, bytes checked only") : "");
}

static const struct wt_test bulk_tests[] = {
	WT_TEST(test_bulk_no_loss),
	WT_TEST(test_bulk_0_1_percent),
	WT_TEST(test_bulk_1_percent_within_2x_linux),
	WT_TEST(test_bulk_5_percent),
	WT_TEST_END
};

const struct wt_suite tk_bulk_suite = {
	.name = "tk_bulk",
	.init = tk_routed_engine_up,
	.clean = tk_routed_engine_down,
	.tests = bulk_tests,
};
