/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Congestion control on the virtual clock: the algorithm's choice
 * (NewReno, CUBIC) and their curves, the initial window (RFC 6928),
 * byte counting (RFC 3465) and limited transmit (RFC 3042). The
 * connection and its helpers are the recovery tests' (test_ut_tcp_rec.c).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "dp_tcp.h"
#include "test_ut_tcp_peer.h"
#include "test_ut_tcp_rec.h"

/* DP_OPT_TCP_CC: NewReno by default, CUBIC on request, nothing else. */
static void
test_tcp_cc_option_selects_algorithm(void)
{
	struct dp_sock *s = ut_sock(IPPROTO_TCP, 0, PORT + 1);
	int64_t v = -1;

	CU_ASSERT_EQUAL(dp_sock_get_opt(s, DP_OPT_TCP_CC, &v), 0);
	CU_ASSERT_EQUAL(v, DP_TCP_CC_NEWRENO);
	CU_ASSERT_EQUAL(dp_sock_set_opt(s, DP_OPT_TCP_CC, DP_TCP_CC_CUBIC),
		0);
	CU_ASSERT_EQUAL(dp_sock_get_opt(s, DP_OPT_TCP_CC, &v), 0);
	CU_ASSERT_EQUAL(v, DP_TCP_CC_CUBIC);
	CU_ASSERT_EQUAL(dp_sock_set_opt(s, DP_OPT_TCP_CC, 2), -EINVAL);
	CU_ASSERT_EQUAL(dp_sock_set_opt(s, DP_OPT_TCP_CC, -1), -EINVAL);
	dp_sock_close(s, DP_CLOSE_ABORT);
	steps();
}

/* The algorithms on a bare TCB: NewReno halves the flight and grows a
 * segment per window (ABC); CUBIC keeps 0.7 of cwnd, climbs back to
 * the old maximum concavely (fast at first, flat near it), then
 * convexly past it. */
static void
test_tcp_cc_newreno_and_cubic_curves(void)
{
	static struct dp_tcp_pcb tp;
	uint32_t w0, w1, w2, w3;
	uint64_t now = 1000000;

	memset(&tp, 0, sizeof(tp));
	tp.cwnd_lim = true;		/* cwnd limits the sender */
	tp.mss = 1000;
	tp.snd_una = 0;
	tp.snd_max = 40000;
	tp.cwnd = 40000;
	CU_ASSERT_EQUAL(dp_tcp_cc_newreno.ssthresh(&tp, now), 20000);
	tp.cwnd = tp.ssthresh = 20000;
	dp_tcp_cc_newreno.init(&tp);
	dp_tcp_cc_newreno.cong_avoid(&tp, 19000, now);
	CU_ASSERT_EQUAL(tp.cwnd, 20000);
	dp_tcp_cc_newreno.cong_avoid(&tp, 1000, now);
	CU_ASSERT_EQUAL(tp.cwnd, 21000);
	/* Slow start: at most 2 SMSS per ACK (RFC 3465). */
	tp.ssthresh = 100000;
	dp_tcp_cc_newreno.cong_avoid(&tp, 8000, now);
	CU_ASSERT_EQUAL(tp.cwnd, 23000);

	memset(&tp, 0, sizeof(tp));
	tp.cwnd_lim = true;
	tp.mss = 1000;
	tp.srtt_us = 10000;
	tp.cwnd = 100000;
	dp_tcp_cc_cubic.init(&tp);
	tp.ssthresh = dp_tcp_cc_cubic.ssthresh(&tp, now);
	CU_ASSERT_EQUAL(tp.ssthresh, 70000);
	tp.cwnd = tp.ssthresh;
	/* K = cbrt(30 / 0.4) ≈ 4.2 s to regain 100 segments. */
	w0 = tp.cwnd;
	for (int i = 0; i < 100; i++)		/* first second */
		dp_tcp_cc_cubic.cong_avoid(&tp, tp.cwnd / 10, now +=
			10000);
	w1 = tp.cwnd;
	for (int i = 0; i < 300; i++)		/* to ~4 s */
		dp_tcp_cc_cubic.cong_avoid(&tp, tp.cwnd / 10, now +=
			10000);
	w2 = tp.cwnd;
	for (int i = 0; i < 400; i++)		/* to ~8 s */
		dp_tcp_cc_cubic.cong_avoid(&tp, tp.cwnd / 10, now +=
			10000);
	w3 = tp.cwnd;
	/* W(t) = 0.4 (t - K)^3 + 100: +16 in the first second, +13 in
	 * the next three, +22 in the four after. */
	CU_ASSERT(w1 - w0 > (w2 - w1) / 2);	/* concave */
	CU_ASSERT(w2 > 95000 && w2 < 105000);	/* near W_max at K */
	CU_ASSERT(w3 > 110000);			/* convex past it */
}

/* cwnd as the owner has it (the engine is driven: read inline). */
static uint32_t
cwnd_of(struct dp_sock *s)
{
	struct dp_tcp_info ti;

	CU_ASSERT_EQUAL(dp_sock_tcp_info(s, &ti), 0);
	return ti.cwnd;
}

/* RFC 6928: the first flight is 10 segments (min(10 MSS, max(2 MSS,
 * 14600)) with MSS 1448), not more, and the ACK of them all lets the
 * next flight out. */
static void
test_tcp_initial_window_is_ten_segments(void)
{
	uint32_t iss, seqs[64];
	struct dp_sock *s;

	peer_opts = (struct peer_opts){ .sack_ok = true, .ts = true,
		.tsval = 100 };
	s = connected(&iss);
	CU_ASSERT_EQUAL(cwnd_of(s), 10 * MSS);
	app_send(s, 20 * MSS);
	CU_ASSERT_EQUAL(drain(seqs, 64), 10);
	CU_ASSERT_EQUAL(seqs[9], seg_seq(iss, 9));
	ut_advance_us(1000);
	peer(RTE_TCP_ACK_FLAG, PISS + 1, seg_seq(iss, 10), WIN, NULL, 0);
	CU_ASSERT(drain(seqs, 64) >= 10);
	rec_done(s);
}

/* RFC 6928 §2 at every MSS: min(10 MSS, max(2 MSS, 14600)), so a
 * jumbo MSS starts with 2 segments (17920 bytes), not 10 (89600). */
static void
test_tcp_initial_window_formula_caps_jumbo_mss(void)
{
	static const struct {
		uint16_t mtu, peer_mss;
		uint32_t iw;
	} c[] = {
		{ 1500, 536, 5360 },		/* 10 MSS */
		{ 1500, 1460, 14600 },
		{ 9000, 1460, 14600 },
		{ 9000, 4000, 14600 },		/* 14600 > 2 MSS */
		{ 9000, 8960, 17920 },		/* 2 MSS */
	};
	static struct dp_engine eng;
	static struct dp_lcore lc;
	static struct dp_tcp_pcb tp;
	struct dp_tcp_seg sg;

	lc.eng = &eng;
	for (unsigned int i = 0; i < RTE_DIM(c); i++) {
		memset(&tp, 0, sizeof(tp));
		memset(&sg, 0, sizeof(sg));
		eng.mtu = c[i].mtu;
		sg.o.has_mss = true;
		sg.o.mss = c[i].peer_mss;
		dp_tcp_syn_opts(&lc, &tp, &sg);
		CU_ASSERT_EQUAL(tp.mss, c[i].peer_mss);
		CU_ASSERT_EQUAL(tp.cwnd, c[i].iw);
	}
}

/* RFC 3465 in slow start: cwnd grows by the bytes an ACK covers (a
 * 100-byte ACK by 100, not a segment), at most L = 2 SMSS per ACK (a
 * stretch ACK of 4 segments gives 2). The flight fills cwnd, so cwnd
 * may grow at all (dp_tcp_cwnd_limited). */
static void
test_tcp_abc_grows_cwnd_by_bytes_acked_capped_at_two_smss(void)
{
	uint32_t iss, seqs[64], w;
	struct dp_sock *s;

	peer_opts = (struct peer_opts){ .sack_ok = true, .ts = true,
		.tsval = 100 };
	s = connected(&iss);
	w = cwnd_of(s);
	CU_ASSERT_EQUAL(ut_send(s, 0, 0, rec_buf, 100), 100);
	steps();
	CU_ASSERT_EQUAL(drain(seqs, 64), 1);
	app_send(s, 9 * MSS);		/* less than a segment of cwnd left */
	CU_ASSERT_EQUAL(drain(seqs, 64), 9);
	peer(RTE_TCP_ACK_FLAG, PISS + 1, iss + 101, WIN, NULL, 0);
	CU_ASSERT_EQUAL(cwnd_of(s), w + 100);
	iss += 100;			/* seg_seq counts from here */
	w = cwnd_of(s);
	peer(RTE_TCP_ACK_FLAG, PISS + 1, seg_seq(iss, 1), WIN, NULL, 0);
	CU_ASSERT_EQUAL(cwnd_of(s), w + MSS);
	peer(RTE_TCP_ACK_FLAG, PISS + 1, seg_seq(iss, 5), WIN, NULL, 0);
	CU_ASSERT_EQUAL(cwnd_of(s), w + 3 * MSS);	/* 4 ACKed: +2 */
	peer(RTE_TCP_ACK_FLAG, PISS + 1, seg_seq(iss, 8), WIN, NULL, 0);
	CU_ASSERT_EQUAL(cwnd_of(s), w + 5 * MSS);	/* 3 ACKed: +2 */
	rec_done(s);
}

/* RFC 3042 without SACK: the first and second duplicate ACKs each send
 * one new segment, cwnd unchanged; the third resends the first
 * unACKed one (fast retransmit), no new data with it. */
static void
test_tcp_limited_transmit_one_new_segment_per_first_two_dupacks(void)
{
	uint32_t iss, seqs[64], w;
	struct dp_sock *s = rec_connected(&iss, false);

	w = cwnd_of(s);
	/* the warm-up's 100 bytes a round trip did not grow it */
	CU_ASSERT_EQUAL(w, 10 * MSS);
	app_send(s, 16 * MSS);
	/* the flight: cwnd's whole segments */
	CU_ASSERT_EQUAL(drain(seqs, 64), 10);
	ut_advance_us(1000);
	peer(RTE_TCP_ACK_FLAG, PISS + 1, seg_seq(iss, 0), WIN, NULL, 0);
	CU_ASSERT_EQUAL(drain(seqs, 64), 1);
	CU_ASSERT_EQUAL(seqs[0], seg_seq(iss, 10));
	CU_ASSERT_EQUAL(cwnd_of(s), w);
	peer(RTE_TCP_ACK_FLAG, PISS + 1, seg_seq(iss, 0), WIN, NULL, 0);
	CU_ASSERT_EQUAL(drain(seqs, 64), 1);
	CU_ASSERT_EQUAL(seqs[0], seg_seq(iss, 11));
	CU_ASSERT_EQUAL(cwnd_of(s), w);
	peer(RTE_TCP_ACK_FLAG, PISS + 1, seg_seq(iss, 0), WIN, NULL, 0);
	CU_ASSERT(drain(seqs, 64) >= 1);
	CU_ASSERT_EQUAL(seqs[0], seg_seq(iss, 0));
	rec_done(s);
}

static const struct wt_test tests[] = {
	WT_TEST(test_tcp_cc_option_selects_algorithm),
	WT_TEST(test_tcp_cc_newreno_and_cubic_curves),
	WT_TEST(test_tcp_initial_window_is_ten_segments),
	WT_TEST(test_tcp_initial_window_formula_caps_jumbo_mss),
	WT_TEST(test_tcp_abc_grows_cwnd_by_bytes_acked_capped_at_two_smss),
	WT_TEST(test_tcp_limited_transmit_one_new_segment_per_first_two_dupacks),
	WT_TEST_END
};

static const struct wt_suite suite =
	UT_SUITE("unit_tcp_cc", suite_init, tests);

WT_MAIN(suite)
