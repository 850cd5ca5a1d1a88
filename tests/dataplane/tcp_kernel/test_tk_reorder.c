/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reordering (issue 13): 4 MB each way with Linux while our fault layer
 * (drv_fault.h, seeded) holds back 1 or 5 % of the frames in each
 * direction until the next 1, 2 or 3 have passed. The bytes must be
 * exact, and once the first D-SACK told us a retransmission was
 * spurious, RACK's reordering window (RFC 8985 §6.2) must stop us
 * resending what was only late: the spurious retransmissions D-SACKed
 * after the first one are bounded (TK_SPURIOUS_AFTER, see there).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "drv_fault.h"
#include "tk.h"

/*
 * After the first D-SACK the window grows one step of min_rtt/4 per
 * round trip that brings one (up to SRTT); until it covers the depth,
 * a few more may be spurious, and those already in flight when the
 * first D-SACK came are D-SACKed later. Once per round trip, with a
 * frame held at most 1 ms (the layer's hold): a handful, not one per
 * reordered frame. The bound: 1/4 of the frames the layer reordered
 * on our way out, and at most 8.
 */
#define TK_REORDER_BYTES	(4 * TK_MB)
#define TK_SPURIOUS_AFTER(reord)	((reord) / 4 < 8 ? (reord) / 4 : 8)

static void
reorder_run(unsigned int depth, const char *pct, uint16_t port)
{
	struct uk_child *kp = NULL;
	struct dp_sock *s = NULL;
	struct drv_fault_stats rx, tx;
	struct tk_watch w;
	struct tk_xfer x;
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
	if (uk_child_hear(kp, ans, sizeof(ans), 60000) != 0)
		CU_FAIL("Linux never finished");
	CU_ASSERT(tk_xfer_ok("reordered", &x, ans, TK_REORDER_BYTES));
	lx1 = tk_tcpext((long)getpid(), "TCPDSACKRecv");
	tk_fault_stats(&rx, &tx);
	after = w.dsack_us != 0 ? w.end.tcp_dsack_spurious -
		w.first.tcp_dsack_spurious : 0;
	printf("reorder depth %u at %s %%: %u MB each way in %.3f s; the "
		"layer reordered %llu of ours, %llu of Linux's; we "
		"retransmitted %llu segments (RACK-lost %llu, RTOs %llu), "
		"%llu D-SACKed as spurious: %llu before the first D-SACK "
		"(at %.1f ms), %llu after (bound %llu); Linux's D-SACKs "
		"received %lld\n", depth, pct, TK_REORDER_BYTES / TK_MB, x.secs,
		(unsigned long long)tx.reordered,
		(unsigned long long)rx.reordered,
		(unsigned long long)w.end.tcp_rexmit_segs,
		(unsigned long long)w.end.tcp_rack_lost,
		(unsigned long long)w.end.tcp_rto,
		(unsigned long long)w.end.tcp_dsack_spurious,
		(unsigned long long)w.first.tcp_dsack_spurious,
		w.dsack_us / 1000.0, (unsigned long long)after,
		(unsigned long long)TK_SPURIOUS_AFTER(tx.reordered),
		lx1 - lx0);
	/* The layer did reorder our frames, or this proves nothing. */
	CU_ASSERT(tx.reordered > 0);
	CU_ASSERT(after <= TK_SPURIOUS_AFTER(tx.reordered));
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
