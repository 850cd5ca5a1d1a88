/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reordering (issue 13): 4 MB each way with Linux while our fault layer
 * (drv_fault.h, seeded) holds back 1 or 5 % of the frames in each
 * direction until the next 1, 2 or 3 have passed. The bytes must be
 * exact, and once the first D-SACK told us a retransmission was
 * spurious, RACK's reordering window (RFC 8985 §6.2) must stop us
 * resending what was only late: the spurious retransmissions D-SACKed
 * after the first one are bounded (spurious_bound, see there).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "drv_fault.h"
#include "tk.h"

#define TK_REORDER_BYTES	(4 * TK_MB)

/*
 * The bound. After the first D-SACK the reordering window min_rtt/4 x
 * mult doubles once per round trip that brings one, up to SRTT
 * (dp_tcp_rack.c): log2(4 SRTT / min RTT) raises at most, each a round
 * trip in which a frame held longer than the window so far is resent
 * once more; 2 more for those in flight when the first D-SACK came
 * (sampled every 0.5 ms). A frame the layer held until its hold time
 * (1 ms: nothing passed it) may be later than SRTT, which RACK's window
 * never exceeds (RFC 8985): resending it is right, one each; so is one
 * whose three followers took longer than SRTT to be sent (a sender
 * waiting for ACKs), which the layer cannot tell: 1 in 16 of those it
 * reordered (at most 12 in 158 measured). Before RFC 8985's
 * persistence was counted in recoveries (not ACKs) and the raise
 * doubled (not +1), depth 3 at 5 % gave 26-40 here against about 20.
 * Linux's own spurious retransmissions towards us, under the same
 * reordering of our receive side, are printed beside ours.
 */
static uint64_t
spurious_bound(const struct dp_tcp_info *ti, uint64_t expired,
		uint64_t reordered)
{
	uint64_t r = 4ull * ti->rtt_us, n = 0;

	while (ti->min_rtt_us != 0 && r > ti->min_rtt_us) {
		r /= 2;
		n++;
	}
	return n + 2 + expired + reordered / 16;
}

static void
reorder_run(unsigned int depth, const char *pct, uint16_t port)
{
	struct uk_child *kp = NULL;
	struct dp_sock *s = NULL;
	struct drv_fault_stats rx, tx;
	struct tk_watch w;
	struct tk_xfer x;
	struct dp_tcp_info ti = { 0 };
	char spec[96], ans[512] = "", cmd[32];
	long long lx0, lx1;
	uint64_t after;

	snprintf(spec, sizeof(spec), "seed=%u,reorder=%s,reorder_depth=%u",
		port, pct, depth);
	CU_ASSERT_EQUAL_FATAL(tk_engine_up_fault(spec), 0);
	kp = tk_peer_start(0, UK_KERNEL_IP);
	s = tk_socket();
	if (kp == NULL || s == NULL ||
			tk_peer(kp, ans, sizeof(ans), 5000, "listen %u",
				port) != 0 ||
			tk_connect(s, TK_KERNEL, port, 10000, NULL) != 0 ||
			tk_peer(kp, ans, sizeof(ans), 10000, "accept") != 0) {
		CU_FAIL("no connection to Linux");
		goto out;
	}
	lx0 = tk_tcpext((long)getpid(), "TCPDSACKRecv");
	snprintf(cmd, sizeof(cmd), "xfer %u", TK_REORDER_BYTES);
	uk_child_say(kp, cmd);
	tk_xfer_watched(s, TK_REORDER_BYTES, &x, &w);
	dp_sock_tcp_info(s, &ti);
	if (uk_child_hear(kp, ans, sizeof(ans), 60000) != 0)
		CU_FAIL("Linux never finished");
	CU_ASSERT(tk_xfer_ok("reordered", &x, ans, TK_REORDER_BYTES));
	lx1 = tk_tcpext((long)getpid(), "TCPDSACKRecv");
	tk_fault_stats(&rx, &tx);
	after = w.dsack_us != 0 ? w.end.tcp_dsack_spurious -
		w.first.tcp_dsack_spurious : 0;
	printf("reorder depth %u at %s %%: %u MB each way in %.3f s; the "
		"layer reordered %llu of ours (%llu by its hold time), %llu "
		"of Linux's; we "
		"retransmitted %llu segments (RACK-lost %llu, RTOs %llu), "
		"%llu D-SACKed as spurious: %llu before the first D-SACK "
		"(at %.1f ms), %llu after (bound %llu); Linux's D-SACKs "
		"received %lld; our SRTT %u us, min RTT %u us\n", depth, pct, TK_REORDER_BYTES / TK_MB, x.secs,
		(unsigned long long)tx.reordered,
		(unsigned long long)tx.reorder_expired,
		(unsigned long long)rx.reordered,
		(unsigned long long)w.end.tcp_rexmit_segs,
		(unsigned long long)w.end.tcp_rack_lost,
		(unsigned long long)w.end.tcp_rto,
		(unsigned long long)w.end.tcp_dsack_spurious,
		(unsigned long long)w.first.tcp_dsack_spurious,
		w.dsack_us / 1000.0, (unsigned long long)after,
		(unsigned long long)spurious_bound(&ti, tx.reorder_expired,
		tx.reordered),
		lx1 - lx0, ti.rtt_us, ti.min_rtt_us);
	/* The layer did reorder our frames, or this proves nothing. */
	CU_ASSERT(tx.reordered > 0);
	CU_ASSERT(ti.min_rtt_us != 0);
	CU_ASSERT(after <= spurious_bound(&ti, tx.reorder_expired,
		tx.reordered));
	tk_peer(kp, ans, sizeof(ans), 5000, "close");
out:
	if (s != NULL)
		dp_sock_close(s, DP_CLOSE_GRACEFUL);
	tk_peer_end(kp);
	tk_engine_down();
}

static void
test_reorder_depth_1_at_1_percent_no_spurious_after_dsack(void)
{
	reorder_run(1, "1", 5200);
}

static void
test_reorder_depth_2_at_1_percent_no_spurious_after_dsack(void)
{
	reorder_run(2, "1", 5201);
}

static void
test_reorder_depth_3_at_1_percent_no_spurious_after_dsack(void)
{
	reorder_run(3, "1", 5202);
}

static void
test_reorder_depth_1_at_5_percent_no_spurious_after_dsack(void)
{
	reorder_run(1, "5", 5203);
}

static void
test_reorder_depth_2_at_5_percent_no_spurious_after_dsack(void)
{
	reorder_run(2, "5", 5204);
}

static void
test_reorder_depth_3_at_5_percent_no_spurious_after_dsack(void)
{
	reorder_run(3, "5", 5205);
}

static const struct wt_test reorder_tests[] = {
	WT_TEST(test_reorder_depth_1_at_1_percent_no_spurious_after_dsack),
	WT_TEST(test_reorder_depth_2_at_1_percent_no_spurious_after_dsack),
	WT_TEST(test_reorder_depth_3_at_1_percent_no_spurious_after_dsack),
	WT_TEST(test_reorder_depth_1_at_5_percent_no_spurious_after_dsack),
	WT_TEST(test_reorder_depth_2_at_5_percent_no_spurious_after_dsack),
	WT_TEST(test_reorder_depth_3_at_5_percent_no_spurious_after_dsack),
	WT_TEST_END
};

/* Each test starts its engine (its own fault specification). */
const struct wt_suite tk_reorder_suite = {
	.name = "tk_reorder",
	.tests = reorder_tests,
};
