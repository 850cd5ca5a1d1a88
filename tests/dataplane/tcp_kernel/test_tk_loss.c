/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * 1 MB each way, at once, between us and Linux one routed hop away
 * while that hop drops 0, 0.1 and 1 % of TCP segments in each
 * direction (nft, tk_loss); then the same between two Linux sockets
 * over the same hop and rules (the baseline). The bytes must be exact;
 * the times and our retransmission counters are printed.
 */
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "tk.h"

#define RUNS	3	/* per loss rate: the drops are random */

static int
loss_up(void)
{
	if (tk_engine_up() != 0)
		return -1;
	if (tk_routed_up() != 0) {
		tk_engine_down();
		return -1;
	}
	return 0;
}

static int
loss_down(void)
{
	tk_routed_down();
	tk_engine_down();
	return 0;
}

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
	uint64_t rexmit = 0, rto = 0, fast = 0, drops = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(kp);
	CU_ASSERT_EQUAL_FATAL(tk_loss(permille), 0);
	for (int i = 0; i < RUNS; i++) {
		struct tk_counters d;
		uint64_t dr;
		double t = ours(kp, (uint16_t)(port + i), &d, &dr), l;

		CU_ASSERT(t >= 0);
		if (t < 0)
			break;
		l = tk_baseline_xfer((uint16_t)(port + 100 + i), TK_MB);
		CU_ASSERT(l >= 0);
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
		"%.3f), Linux<->Linux %.3f s; ours per run: %.1f segments "
		"retransmitted, %.1f RTOs, %.1f fast retransmits; the hop "
		"dropped %.1f of ours+Linux's\n", permille / 10.0, RUNS,
		t_us / RUNS, worst, t_lx / RUNS, (double)rexmit / RUNS,
		(double)rto / RUNS, (double)fast / RUNS, (double)drops / RUNS);
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

static const struct wt_test loss_tests[] = {
	WT_TEST(test_no_loss),
	WT_TEST(test_loss_0_1_percent),
	WT_TEST(test_loss_1_percent),
	WT_TEST_END
};

const struct wt_suite tk_loss_suite = {
	.name = "tk_loss",
	.init = loss_up,
	.clean = loss_down,
	.tests = loss_tests,
};
