/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Order entry at 1 % loss (issue 13): bursts of 1-4 messages of 64-512
 * bytes with TCP_NODELAY, each burst sent once the previous one is all
 * ACKed (request/response: every burst ends in a tail), to Linux, while
 * our fault layer (seeded) drops 1 % of the frames each way. For each
 * burst the layer says how many of ours and of Linux's it dropped, our
 * counters what repaired it. A burst that lost exactly one of our
 * frames and none of Linux's (a single loss, often the tail) must be
 * repaired without an RTO: by the tail loss probe (RFC 8985 §7) or by
 * RACK. Linux must read every byte (hash checked). The time from the
 * burst's first send to its last ACK is printed (p50/p99/p99.9), and
 * the connection's probes: those D-SACKed (spurious: the ACK was only
 * late) must stay rare, not one a burst (the lone segment's delayed-ACK
 * allowance is learnt, dp_tcp_rack.c).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dp_sock_priv.h"

#include <CUnit/CUnit.h>

#include "drv_fault.h"
#include "tk.h"

#define BURSTS	2000
#define STALL_US	(20ull * 1000000)

/* Everything sent on s ACKed; false after STALL_US. */
static bool
acked(struct dp_sock *s)
{
	uint64_t t0 = wt_now_ns() / 1000;

	while (__atomic_load_n(&s->tx_bytes_q, __ATOMIC_ACQUIRE) != 0) {
		if (wt_now_ns() / 1000 - t0 > STALL_US)
			return false;
		usleep(10);
	}
	return true;
}

/* One burst of k messages from the generator *rnd; bytes or -1. */
static long
burst(struct dp_sock *s, unsigned int k, uint64_t *rnd, struct tk_sha256 *h)
{
	uint8_t msg[512];
	long total = 0;

	for (unsigned int m = 0; m < k; m++) {
		struct dp_iov iov = { msg, 0 };

		*rnd = *rnd * 6364136223846793005ull + 1442695040888963407ull;
		iov.len = 64 + (size_t)((*rnd >> 33) % 449);
		for (size_t i = 0; i < iov.len; i++)
			msg[i] = (uint8_t)(*rnd >> (i % 56));
		if (dp_sock_send(s, &iov, 1, NULL, 0) != (long)iov.len)
			return -1;
		tk_sha256_add(h, msg, iov.len);
		total += (long)iov.len;
	}
	return total;
}

static void
test_order_entry_single_losses_repaired_without_rto(void)
{
	static uint64_t lat[BURSTS];
	struct uk_child *kp = NULL;
	struct dp_sock *s = NULL;
	struct dp_sock_stats st;
	struct tk_sha256 h;
	char ans[512] = "";
	uint64_t bytes = 0, rnd = 2026, single = 0, by_tlp = 0, by_rto = 0;
	uint64_t by_other = 0, worst_single = 0;
	unsigned int done = 0;
	bool ok = true;

	CU_ASSERT_EQUAL_FATAL(tk_engine_up_fault("seed=13,drop=1"), 0);
	kp = tk_peer_start(0, UK_KERNEL_IP);
	s = tk_socket();
	if (kp == NULL || s == NULL ||
			dp_sock_set_opt(s, DP_OPT_NODELAY, 1) != 0 ||
			tk_peer(kp, ans, sizeof(ans), 5000, "listen 5500") ||
			tk_connect(s, TK_KERNEL, 5500, 10000, NULL) != 0 ||
			tk_peer(kp, ans, sizeof(ans), 10000, "accept") != 0) {
		CU_FAIL("no connection to Linux");
		goto out;
	}
	uk_child_say(kp, "recv");
	tk_sha256_init(&h);
	for (; done < BURSTS && ok; done++) {
		struct drv_fault_stats rx0, tx0, rx1, tx1;
		struct dp_sock_stats a, b;
		unsigned int k = 1 + (unsigned int)((rnd >> 40) % 4);
		uint64_t t0 = wt_now_ns() / 1000;
		long n;

		tk_fault_stats(&rx0, &tx0);
		dp_sock_stats_get(s, &a);
		n = burst(s, k, &rnd, &h);
		ok = n > 0 && acked(s);
		lat[done] = wt_now_ns() / 1000 - t0;
		bytes += n > 0 ? (uint64_t)n : 0;
		dp_sock_stats_get(s, &b);
		tk_fault_stats(&rx1, &tx1);
		if (tx1.dropped - tx0.dropped != 1 ||
				rx1.dropped != rx0.dropped)
			continue;
		single++;
		if (lat[done] > worst_single)
			worst_single = lat[done];
		if (b.tcp_rto != a.tcp_rto)
			by_rto++;
		else if (b.tcp_tlp_recovered != a.tcp_tlp_recovered)
			by_tlp++;
		else
			by_other++;
	}
	CU_ASSERT(ok);				/* no stall */
	CU_ASSERT(tk_peer_read_all(kp, s, bytes, &h));
	qsort(lat, done, sizeof(lat[0]), tk_cmp_u64);
	if (done > 0)
		printf("order entry at 1 %% (fault layer): %u bursts of 1-4 "
			"NODELAY messages (64-512 B, %llu B); %llu lost one "
			"frame of ours and none of Linux's: repaired by the "
			"tail loss probe %llu, by RACK/SACK %llu, by an RTO "
			"%llu (target 0), slowest %llu us; burst sent to all "
			"ACKed: p50 %llu us, p99 %llu us, p99.9 %llu us, max "
			"%llu us\n", done, (unsigned long long)bytes,
			(unsigned long long)single,
			(unsigned long long)by_tlp,
			(unsigned long long)by_other,
			(unsigned long long)by_rto,
			(unsigned long long)worst_single,
			(unsigned long long)lat[done / 2],
			(unsigned long long)lat[done * 99 / 100],
			(unsigned long long)lat[done * 999 / 1000],
			(unsigned long long)lat[done - 1]);
	dp_sock_stats_get(s, &st);
	printf("order entry: probes %llu (repaired a loss %llu, spurious "
		"%llu), RTOs %llu, over %u bursts\n",
		(unsigned long long)st.tcp_tlp_probes,
		(unsigned long long)st.tcp_tlp_recovered,
		(unsigned long long)st.tcp_tlp_spurious,
		(unsigned long long)st.tcp_rto, done);
	/* The layer did drop single frames, or this proves nothing. */
	CU_ASSERT(single > 0);
	CU_ASSERT_EQUAL(by_rto, 0);
	CU_ASSERT(st.tcp_tlp_spurious <= done / 4);
	tk_peer(kp, ans, sizeof(ans), 5000, "close");
out:
	if (s != NULL)
		dp_sock_close(s, DP_CLOSE_GRACEFUL);
	tk_peer_end(kp);
	tk_engine_down();
}

static const struct wt_test tail_tests[] = {
	WT_TEST(test_order_entry_single_losses_repaired_without_rto),
	WT_TEST_END
};

/* The test starts its engine (with the fault layer). */
const struct wt_suite tk_tail_suite = {
	.name = "tk_tail",
	.tests = tail_tests,
};
