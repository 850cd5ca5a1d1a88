/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The sender's loss recovery, segment by segment on the virtual clock:
 * the peer's SACK blocks onto the scoreboard (RFC 6675, checked as RFC
 * 2883 asks), RACK's time-based loss marking and its reorder timer and
 * D-SACK widening (RFC 8985), the tail loss probe instead of an RTO,
 * limited transmit (RFC 3042), PRR (RFC 6937), NewReno without SACK
 * (RFC 6582). The congestion-control cases are in test_ut_tcp_cc.c,
 * the helpers both share in test_ut_tcp_rec.c.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "dp_tcp.h"
#include "test_ut_tcp_peer.h"
#include "test_ut_tcp_rec.h"

/* Four segments sent and all lost: the TLP resends the last, then the
 * RTO segment 0, alone. */
static void
all_four_lost_to_rto(struct dp_sock *s, uint32_t iss)
{
	uint32_t seqs[64];

	app_send(s, 4 * MSS);
	CU_ASSERT_EQUAL(drain(seqs, 64), 4);
	ut_advance_us(250000);			/* all lost: the TLP */
	steps();
	CU_ASSERT_EQUAL(drain(seqs, 64), 1);
	ut_advance_us(250000);			/* and the RTO */
	steps();
	CU_ASSERT_EQUAL(drain(seqs, 64), 1);
	CU_ASSERT_EQUAL(seqs[0], seg_seq(iss, 0));
}

/* The end of those: one RTO, the TLP and the recovery probe, all
 * ACKed and out of recovery. */
static void
one_rto_two_probes_all_acked(struct dp_sock *s, const struct dp_stats *a)
{
	struct dp_stats b;

	ut_stats(&b);
	CU_ASSERT_EQUAL(DELTA((*a), b, tcp_rto), 1);
	CU_ASSERT_EQUAL(DELTA((*a), b, tcp_tlp), 2);
	CU_ASSERT_EQUAL(dp_tcp_pcb(s)->snd_una, dp_tcp_pcb(s)->snd_max);
	CU_ASSERT_EQUAL(dp_tcp_pcb(s)->recov, DP_TCP_CA_OPEN);
	rec_done(s);
}

/* Three SACKed segments above a hole make RACK mark it lost at once (no
 * reordering seen); recovery resends the hole first, and only it, and
 * each duplicate before that lets one new segment out (limited
 * transmit). After an RTO the SACKed segments are never sent again. */
static void
test_tcp_sack_hole_resent_first_sacked_never_resent(void)
{
	uint32_t iss, seqs[64], n;
	struct dp_sock *s = rec_connected(&iss, true);
	struct dp_stats a, b;

	ut_stats(&a);
	app_send(s, 14 * MSS);
	CU_ASSERT_EQUAL(drain(seqs, 64), 10);		/* IW10 */
	CU_ASSERT_EQUAL(seqs[9], seg_seq(iss, 9));
	ut_advance_us(1000);
	dupack_sack(iss, 0, 1, (const uint32_t [][2]){ { 1, 2 } });
	n = drain(seqs, 64);
	CU_ASSERT_EQUAL(n, 1);				/* limited transmit */
	CU_ASSERT_EQUAL(seqs[0], seg_seq(iss, 10));
	dupack_sack(iss, 0, 1, (const uint32_t [][2]){ { 1, 3 } });
	n = drain(seqs, 64);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(seqs[0], seg_seq(iss, 11));
	dupack_sack(iss, 0, 1, (const uint32_t [][2]){ { 1, 4 } });
	n = drain(seqs, 64);
	CU_ASSERT_EQUAL(n, 1);				/* the hole */
	CU_ASSERT_EQUAL(seqs[0], seg_seq(iss, 0));
	ut_stats(&b);
	CU_ASSERT_EQUAL(DELTA(a, b, tcp_recovery), 1);
	CU_ASSERT_EQUAL(DELTA(a, b, tcp_rack_lost), 1);
	CU_ASSERT_EQUAL(DELTA(a, b, tcp_rto), 0);
	/* Nothing more: the recovery probe sends new data (a later
	 * segment for RACK); it is lost too, and the RTO resends the hole
	 * (lost again), alone. */
	ut_advance_us(10000);
	steps();
	n = drain(seqs, 64);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(seqs[0], seg_seq(iss, 12));
	ut_advance_us(250000);
	steps();
	n = drain(seqs, 64);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(seqs[0], seg_seq(iss, 0));
	/* The hole and the SACKed run ACKed: what follows starts at 4. */
	peer(RTE_TCP_ACK_FLAG, PISS + 1, seg_seq(iss, 4), WIN, NULL, 0);
	n = drain(seqs, 64);
	CU_ASSERT(n >= 1);
	for (uint32_t i = 0; i < n && i < 64; i++)
		CU_ASSERT(SEQ_GEQ(seqs[i], seg_seq(iss, 4)));
	CU_ASSERT_EQUAL(seqs[0], seg_seq(iss, 4));
	ut_stats(&b);
	CU_ASSERT_EQUAL(DELTA(a, b, tcp_rto), 1);
	CU_ASSERT_EQUAL(DELTA(a, b, tcp_rto_episodes), 1);
	rec_done(s);
}

/*
 * The fast retransmission lost too, with nothing sent after it (no more
 * data, or the window full): no later segment can be SACKed for RACK to
 * judge it by. The recovery probe resends it after about 2 SRTT (the
 * receiver holds out-of-order data, so it ACKs at once), not the RTO
 * 200 ms on; its ACK ends recovery.
 */
static void
test_tcp_lost_fast_rexmit_with_nothing_after_it_probed_before_rto(void)
{
	uint32_t iss, seqs[64];
	struct dp_sock *s = rec_connected(&iss, true);
	struct dp_stats a, b;

	ut_stats(&a);
	app_send(s, 10 * MSS);
	CU_ASSERT_EQUAL(drain(seqs, 64), 10);
	ut_advance_us(1000);
	dupack_sack(iss, 0, 1, (const uint32_t [][2]){ { 1, 10 } });
	CU_ASSERT_EQUAL(drain(seqs, 64), 1);		/* lost again */
	CU_ASSERT_EQUAL(seqs[0], seg_seq(iss, 0));
	ut_advance_us(2000);
	steps();
	CU_ASSERT_EQUAL(drain(seqs, 64), 0);		/* inside 2 SRTT */
	ut_advance_us(8000);
	steps();
	CU_ASSERT_EQUAL(drain(seqs, 64), 1);
	CU_ASSERT_EQUAL(seqs[0], seg_seq(iss, 0));
	peer(RTE_TCP_ACK_FLAG, PISS + 1, seg_seq(iss, 10), WIN, NULL, 0);
	ut_stats(&b);
	CU_ASSERT_EQUAL(DELTA(a, b, tcp_rto), 0);
	CU_ASSERT_EQUAL(DELTA(a, b, tcp_tlp), 1);
	CU_ASSERT_EQUAL(DELTA(a, b, tcp_recovery), 1);
	CU_ASSERT_EQUAL(dp_tcp_pcb(s)->recov, DP_TCP_CA_OPEN);
	CU_ASSERT_EQUAL(dp_tcp_pcb(s)->snd_una, dp_tcp_pcb(s)->snd_max);
	rec_done(s);
}

/*
 * After an RTO the path answered (SND.UNA moved), and the last
 * retransmission of the slow start's round was lost: the probe resends
 * it too. The RTO's own first retransmission is not probed: nothing has
 * answered since the timeout, and the backoff stands (RFC 6298 5.5).
 */
static void
test_tcp_lost_rexmit_after_rto_probed_once_path_answers(void)
{
	uint32_t iss, seqs[64], n;
	struct dp_sock *s = rec_connected(&iss, true);
	struct dp_stats a;

	ut_stats(&a);
	all_four_lost_to_rto(s, iss);
	ut_advance_us(20000);			/* nothing answered */
	steps();
	CU_ASSERT_EQUAL(drain(seqs, 64), 0);
	/* 0 arrives: slow start resends 1 and 2; they arrive: 3, lost. */
	peer(RTE_TCP_ACK_FLAG, PISS + 1, seg_seq(iss, 1), WIN, NULL, 0);
	n = drain(seqs, 64);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_EQUAL(seqs[0], seg_seq(iss, 1));
	ut_advance_us(1000);
	peer(RTE_TCP_ACK_FLAG, PISS + 1, seg_seq(iss, 3), WIN, NULL, 0);
	n = drain(seqs, 64);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(seqs[0], seg_seq(iss, 3));
	ut_advance_us(10000);
	steps();
	n = drain(seqs, 64);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(seqs[0], seg_seq(iss, 3));
	peer(RTE_TCP_ACK_FLAG, PISS + 1, seg_seq(iss, 4), WIN, NULL, 0);
	one_rto_two_probes_all_acked(s, &a);
}

/*
 * The RTO's own retransmission lost while the peer goes on sending its
 * data (a two-way transfer): each of its segments ACKs SND.UNA without a
 * SACK, so the path is alive and ours did not arrive. The probe sends
 * the next segment the RTO marked lost; its SACK makes RACK resend the
 * first. Before, the backed-off RTO (400 ms) was the only way on.
 */
static void
test_tcp_lost_rto_rexmit_probed_while_peer_talks(void)
{
	uint32_t iss, seqs[64], n;
	struct dp_sock *s = rec_connected(&iss, true);
	struct dp_stats a;

	ut_stats(&a);
	all_four_lost_to_rto(s, iss);
	ut_advance_us(2000);			/* the peer's data */
	peer(RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG, PISS + 1, seg_seq(iss, 0),
		WIN, rec_buf, 100);
	drain(seqs, 64);			/* our ACK of it */
	ut_advance_us(10000);
	steps();
	n = drain(seqs, 64);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(seqs[0], seg_seq(iss, 1));
	ut_advance_us(1000);
	peer_opts.nsack = 1;
	peer_opts.sack[0][0] = seg_seq(iss, 1);
	peer_opts.sack[0][1] = seg_seq(iss, 2);
	peer(RTE_TCP_ACK_FLAG, PISS + 101, seg_seq(iss, 0), WIN, NULL, 0);
	peer_opts.nsack = 0;
	n = drain(seqs, 64);
	CU_ASSERT(n >= 1);
	CU_ASSERT_EQUAL(seqs[0], seg_seq(iss, 0));	/* RACK */
	peer(RTE_TCP_ACK_FLAG, PISS + 101, seg_seq(iss, 4), WIN, NULL, 0);
	drain(seqs, 64);
	one_rto_two_probes_all_acked(s, &a);
}

/* One SACKed segment: the hole may be reordering, so RACK waits
 * min_RTT / 4 (the reorder timer) before it resends it. */
static void
test_tcp_rack_reorder_timer_resends_after_window(void)
{
	uint32_t iss, seqs[64], n;
	struct dp_sock *s = rec_connected(&iss, true);
	struct dp_stats a, b;

	ut_stats(&a);
	app_send(s, 10 * MSS);
	CU_ASSERT_EQUAL(drain(seqs, 64), 10);
	ut_advance_us(1000);			/* min_RTT 1 ms */
	dupack_sack(iss, 0, 1, (const uint32_t [][2]){ { 1, 2 } });
	CU_ASSERT_EQUAL(drain(seqs, 64), 0);	/* nothing new to send */
	ut_advance_us(200);
	steps();
	CU_ASSERT_EQUAL(drain(seqs, 64), 0);	/* inside 250 µs */
	ut_advance_us(100);
	steps();
	n = drain(seqs, 64);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(seqs[0], seg_seq(iss, 0));
	ut_stats(&b);
	CU_ASSERT_EQUAL(DELTA(a, b, tcp_rack_lost), 1);
	CU_ASSERT_EQUAL(DELTA(a, b, tcp_rto), 0);
	rec_done(s);
}

/* A D-SACK of our retransmission says it was spurious: counted, and
 * the reordering window grows (RFC 8985 §6.2 step 4), so the next
 * hole waits twice as long. */
static void
test_tcp_dsack_counts_spurious_and_widens_reorder_window(void)
{
	uint32_t iss, seqs[64];
	struct dp_sock *s = rec_connected(&iss, true);
	struct dp_stats a, b;

	ut_stats(&a);
	app_send(s, 10 * MSS);
	CU_ASSERT_EQUAL(drain(seqs, 64), 10);
	ut_advance_us(1000);
	dupack_sack(iss, 0, 1, (const uint32_t [][2]){ { 1, 2 } });
	ut_advance_us(300);
	steps();
	CU_ASSERT_EQUAL(drain(seqs, 64), 1);	/* segment 0 again */
	/* The original arrives late: 0-2 ACKed, 0 D-SACKed. */
	dupack_sack(iss, 2, 1, (const uint32_t [][2]){ { 0, 1 } });
	ut_stats(&b);
	CU_ASSERT_EQUAL(DELTA(a, b, tcp_dsack_rx), 1);
	CU_ASSERT_EQUAL(DELTA(a, b, tcp_dsack_spurious), 1);
	drain(seqs, 64);
	/* Segment 3 SACKed above hole 2: now 2 × 250 µs of patience. */
	ut_advance_us(1000);
	dupack_sack(iss, 2, 1, (const uint32_t [][2]){ { 3, 4 } });
	ut_advance_us(400);
	steps();
	ut_stats(&b);
	CU_ASSERT_EQUAL(DELTA(a, b, tcp_rack_lost), 1);
	ut_advance_us(200);
	steps();
	ut_stats(&b);
	CU_ASSERT_EQUAL(DELTA(a, b, tcp_rack_lost), 2);
	rec_done(s);
}

/* Blocks outside SND.UNA..SND.MAX, or empty, are counted and believed
 * in nothing: no loss marked, nothing sent. */
static void
test_tcp_sack_blocks_outside_window_ignored(void)
{
	uint32_t iss, seqs[64];
	struct dp_sock *s = rec_connected(&iss, true);
	struct dp_stats a, b;

	ut_stats(&a);
	app_send(s, 4 * MSS);
	CU_ASSERT_EQUAL(drain(seqs, 64), 4);
	ut_advance_us(1000);
	peer(RTE_TCP_ACK_FLAG, PISS + 1, seg_seq(iss, 1), WIN, NULL, 0);
	drain(seqs, 64);
	/* Past SND.MAX, empty, and straddling SND.MAX. */
	dupack_sack(iss, 1, 3, (const uint32_t [][2]){ { 5, 9 }, { 2, 2 },
		{ 3, 6 } });
	ut_advance_us(1000);
	steps();
	ut_stats(&b);
	CU_ASSERT_EQUAL(DELTA(a, b, tcp_sack_bad), 3);
	CU_ASSERT_EQUAL(DELTA(a, b, tcp_rack_lost), 0);
	CU_ASSERT_EQUAL(DELTA(a, b, tcp_recovery), 0);
	rec_done(s);
}

/* Without SACK: the first two duplicates each send a new segment, the
 * third resends the first unACKed one, a partial ACK resends the next
 * hole at once (RFC 6582), a full ACK ends recovery. */
static void
test_tcp_newreno_partial_ack_resends_next_hole(void)
{
	uint32_t iss, seqs[64], n;
	struct dp_sock *s = rec_connected(&iss, false);
	struct dp_stats a, b;
	bool hole3 = false;

	ut_stats(&a);
	app_send(s, 14 * MSS);
	CU_ASSERT_EQUAL(drain(seqs, 64), 10);
	ut_advance_us(1000);
	for (int i = 0; i < 2; i++) {
		peer(RTE_TCP_ACK_FLAG, PISS + 1, seg_seq(iss, 0), WIN, NULL,
			0);
		n = drain(seqs, 64);
		CU_ASSERT_EQUAL(n, 1);
		CU_ASSERT_EQUAL(seqs[0], seg_seq(iss, 10 + (uint32_t)i));
	}
	peer(RTE_TCP_ACK_FLAG, PISS + 1, seg_seq(iss, 0), WIN, NULL, 0);
	n = drain(seqs, 64);
	CU_ASSERT(n >= 1);
	CU_ASSERT_EQUAL(seqs[0], seg_seq(iss, 0));
	/* 0-2 arrive, 3 was lost too. */
	peer(RTE_TCP_ACK_FLAG, PISS + 1, seg_seq(iss, 3), WIN, NULL, 0);
	n = drain(seqs, 64);
	for (uint32_t i = 0; i < n && i < 64; i++)
		hole3 |= seqs[i] == seg_seq(iss, 3);
	CU_ASSERT(hole3);
	peer(RTE_TCP_ACK_FLAG, PISS + 1, dp_tcp_pcb(s)->snd_max, WIN, NULL,
		0);
	drain(seqs, 64);
	ut_stats(&b);
	CU_ASSERT_EQUAL(DELTA(a, b, tcp_recovery), 1);
	CU_ASSERT_EQUAL(DELTA(a, b, tcp_rto), 0);
	CU_ASSERT_EQUAL(dp_tcp_pcb(s)->recov, DP_TCP_CA_OPEN);
	CU_ASSERT_EQUAL(dp_tcp_pcb(s)->cwnd, dp_tcp_pcb(s)->ssthresh);
	rec_done(s);
}

/* A lost tail of several segments: the probe (the last segment again,
 * nothing new being queued) goes at about 2 SRTT, long before the RTO;
 * its ACK without a D-SACK says it repaired a loss. */
static void
test_tcp_tlp_probes_tail_before_rto(void)
{
	uint32_t iss, seqs[64], n;
	struct dp_sock *s = rec_connected(&iss, true);
	struct dp_stats a, b;

	ut_stats(&a);
	app_send(s, 3 * MSS);
	CU_ASSERT_EQUAL(drain(seqs, 64), 3);
	ut_advance_us(1000);
	peer(RTE_TCP_ACK_FLAG, PISS + 1, seg_seq(iss, 1), WIN, NULL, 0);
	CU_ASSERT_EQUAL(drain(seqs, 64), 0);
	ut_advance_us(5000);			/* 2 SRTT + 2 ms */
	steps();
	n = drain(seqs, 64);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(seqs[0], seg_seq(iss, 2));
	ut_stats(&b);
	CU_ASSERT_EQUAL(DELTA(a, b, tcp_tlp), 1);
	CU_ASSERT_EQUAL(DELTA(a, b, tcp_rto), 0);
	/* Segment 1 was lost: the probe's SACK, an RTT later, makes RACK
	 * resend it (an earlier one could be the original's). */
	ut_advance_us(1000);
	dupack_sack(iss, 1, 1, (const uint32_t [][2]){ { 2, 3 } });
	n = drain(seqs, 64);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(seqs[0], seg_seq(iss, 1));
	peer(RTE_TCP_ACK_FLAG, PISS + 1, seg_seq(iss, 3), WIN, NULL, 0);
	ut_stats(&b);
	CU_ASSERT_EQUAL(DELTA(a, b, tcp_rto), 0);
	CU_ASSERT_EQUAL(DELTA(a, b, tcp_recovery), 1);
	rec_done(s);
}

/* One small message in flight, its only copy lost: the probe waits for
 * a delayed ACK's worth (RFC 8985 §7.2; learnt from the warm-up's lone
 * segments, ACKed after 1 ms: ~3 ms, test_ut_tcp_tlp.c) but not for the
 * RTO, which it replaces. Its ACK (at the probe's end) could be the
 * original's; the next ACK beyond, with no D-SACK, counts a tail loss
 * repaired by TLP (RFC 8985 §7.4.2). */
static void
test_tcp_tlp_repairs_single_message_tail_loss_without_rto(void)
{
	uint32_t iss, seqs[8];
	struct dp_sock *s = rec_connected(&iss, true);
	struct dp_stats a, b;
	int64_t one = 1;

	CU_ASSERT_EQUAL(dp_sock_set_opt(s, DP_OPT_NODELAY, one), 0);
	ut_stats(&a);
	app_send(s, 100);
	CU_ASSERT_EQUAL(drain(seqs, 8), 1);
	ut_advance_us(3000);
	steps();
	CU_ASSERT_EQUAL(drain(seqs, 8), 0);
	ut_advance_us(3000);			/* 2 SRTT + ~3.3 ms */
	steps();
	CU_ASSERT_EQUAL(drain(seqs, 8), 1);
	CU_ASSERT_EQUAL(seqs[0], iss + 1);
	peer(RTE_TCP_ACK_FLAG, PISS + 1, iss + 101, WIN, NULL, 0);
	ut_stats(&b);
	CU_ASSERT_EQUAL(DELTA(a, b, tcp_tlp_recovered), 0); /* not yet */
	app_send(s, 100);			/* the next message's ACK */
	CU_ASSERT_EQUAL(drain(seqs, 8), 1);
	peer(RTE_TCP_ACK_FLAG, PISS + 1, iss + 201, WIN, NULL, 0);
	ut_stats(&b);
	CU_ASSERT_EQUAL(DELTA(a, b, tcp_tlp), 1);
	CU_ASSERT_EQUAL(DELTA(a, b, tcp_tlp_recovered), 1);
	CU_ASSERT_EQUAL(DELTA(a, b, tcp_rto), 0);
	{
		struct dp_sock_stats st;

		dp_sock_stats_get(s, &st);
		CU_ASSERT_EQUAL(st.tcp_tlp_probes, 1);
		CU_ASSERT_EQUAL(st.tcp_tlp_recovered, 1);
		CU_ASSERT_EQUAL(st.tcp_rto, 0);
	}
	rec_done(s);
}

/* The probe was not needed: the original's ACK reaches the probe's end
 * first, then the probe draws a D-SACK. No loss is counted and cwnd is
 * not cut (RFC 8985 §7.4.2). Before, the first ACK concluded the episode
 * as a repaired loss and the D-SACK came too late to say otherwise. */
static void
test_tcp_tlp_dsacked_after_the_originals_ack_cuts_nothing(void)
{
	uint32_t iss, seqs[8], cwnd;
	struct dp_sock *s = rec_connected(&iss, true);
	struct dp_stats a, b;
	int64_t one = 1;

	CU_ASSERT_EQUAL(dp_sock_set_opt(s, DP_OPT_NODELAY, one), 0);
	ut_stats(&a);
	app_send(s, 100);
	CU_ASSERT_EQUAL(drain(seqs, 8), 1);
	cwnd = dp_tcp_pcb(s)->cwnd;
	ut_advance_us(6000);			/* past the PTO */
	steps();
	CU_ASSERT_EQUAL(drain(seqs, 8), 1);	/* the probe */
	peer(RTE_TCP_ACK_FLAG, PISS + 1, iss + 101, WIN, NULL, 0);
	peer_opts.nsack = 1;
	peer_opts.sack[0][0] = iss + 1;
	peer_opts.sack[0][1] = iss + 101;
	peer(RTE_TCP_ACK_FLAG, PISS + 1, iss + 101, WIN, NULL, 0);
	peer_opts.nsack = 0;
	ut_stats(&b);
	CU_ASSERT_EQUAL(DELTA(a, b, tcp_tlp), 1);
	CU_ASSERT_EQUAL(DELTA(a, b, tcp_tlp_spurious), 1);
	CU_ASSERT_EQUAL(DELTA(a, b, tcp_tlp_recovered), 0);
	CU_ASSERT(dp_tcp_pcb(s)->cwnd >= cwnd);	/* grown, never cut */
	rec_done(s);
}

/* With the RTO's floor lowered (DP_OPT_RTO_MIN, a peer known to ACK at
 * once) the single-segment probe waits at most that floor (here less:
 * the delay learnt), not 200 ms. */
static void
test_tcp_tlp_single_segment_waits_rto_min(void)
{
	uint32_t iss, seqs[8];
	struct dp_sock *s;
	struct dp_stats a, b;

	s = rec_connected(&iss, true);
	CU_ASSERT_EQUAL(dp_sock_set_opt(s, DP_OPT_NODELAY, 1), 0);
	CU_ASSERT_EQUAL(dp_sock_set_opt(s, DP_OPT_RTO_MIN, 5000), 0);
	ut_stats(&a);
	app_send(s, 64);
	CU_ASSERT_EQUAL(drain(seqs, 8), 1);
	ut_advance_us(4000);
	steps();
	CU_ASSERT_EQUAL(drain(seqs, 8), 0);
	ut_advance_us(4000);			/* 2 SRTT + <= 5 ms */
	steps();
	CU_ASSERT_EQUAL(drain(seqs, 8), 1);
	ut_stats(&b);
	CU_ASSERT_EQUAL(DELTA(a, b, tcp_tlp), 1);
	CU_ASSERT_EQUAL(DELTA(a, b, tcp_rto), 0);
	rec_done(s);
}

/* PRR (RFC 6937): with half the flight as ssthresh, recovery sends
 * about one segment per two delivered, not a burst. */
static void
test_tcp_prr_sends_half_per_delivered(void)
{
	uint32_t iss, seqs[64], total = 0;
	struct dp_sock *s = rec_connected(&iss, true);

	app_send(s, 30 * MSS);
	CU_ASSERT_EQUAL(drain(seqs, 64), 10);
	ut_advance_us(1000);
	/* Segments 1..8 SACKed one ACK at a time, 0 lost. */
	for (uint32_t k = 2; k <= 9; k++) {
		dupack_sack(iss, 0, 1, (const uint32_t [][2]){ { 1, k } });
		total += drain(seqs, 64);
	}
	/* Limited transmit sent two new segments (k = 2, 3); then
	 * recovery with ssthresh 6 of a flight of 12: the retransmission
	 * of 0 and about one segment per two delivered after it. */
	CU_ASSERT(total >= 5 && total <= 7);
	rec_done(s);
}

/* Telemetry's view of the TCB (dp_tcp_tel_dump, as /wspdk/tcp takes
 * it): a tail loss probe and the RACK retransmission its SACK caused
 * are counted by cause, and the causes sum to the socket's total. */
static void
test_tcp_telemetry_counts_retransmissions_by_cause(void)
{
	uint32_t iss, seqs[64], total, by_state[DP_TCP_TIME_WAIT + 1];
	struct dp_sock *s = rec_connected(&iss, true);
	struct dp_tcp_tel t[4];

	app_send(s, 3 * MSS);
	CU_ASSERT_EQUAL(drain(seqs, 64), 3);
	ut_advance_us(1000);
	peer(RTE_TCP_ACK_FLAG, PISS + 1, seg_seq(iss, 1), WIN, NULL, 0);
	ut_advance_us(5000);
	steps();
	CU_ASSERT_EQUAL(drain(seqs, 64), 1);		/* the probe */
	ut_advance_us(1000);
	dupack_sack(iss, 1, 1, (const uint32_t [][2]){ { 2, 3 } });
	CU_ASSERT_EQUAL(drain(seqs, 64), 1);		/* RACK: 1 again */
	peer(RTE_TCP_ACK_FLAG, PISS + 1, seg_seq(iss, 3), WIN, NULL, 0);
	CU_ASSERT_EQUAL(dp_tcp_tel_dump(ut_eng(), 0, t, 4, &total,
		by_state), 1);
	CU_ASSERT_EQUAL(total, 1);
	CU_ASSERT_EQUAL(by_state[DP_TCP_ESTABLISHED], 1);
	CU_ASSERT_EQUAL(t[0].state, DP_TCP_ESTABLISHED);
	CU_ASSERT_EQUAL(t[0].local.port, PORT);
	CU_ASSERT_EQUAL(t[0].peer.port, PEER_PORT);
	CU_ASSERT_EQUAL(t[0].rexmit_tlp, 1);
	CU_ASSERT_EQUAL(t[0].rexmit_fast, 1);
	CU_ASSERT_EQUAL(t[0].rexmit_rto, 0);
	CU_ASSERT_EQUAL(t[0].rexmit_segs, 2);
	CU_ASSERT_EQUAL(t[0].tlp_probes, 1);
	CU_ASSERT_EQUAL(t[0].sack_acks_in, 1);
	CU_ASSERT_EQUAL(t[0].dsacks_in, 0);
	CU_ASSERT_EQUAL(t[0].snd_una, seg_seq(iss, 3));
	CU_ASSERT_EQUAL(t[0].snd_una, t[0].snd_max);
	CU_ASSERT_EQUAL(t[0].bytes_out, WARM * WARM_LEN + 5 * MSS);
	/* from past its id: none listed, still counted */
	CU_ASSERT_EQUAL(dp_tcp_tel_dump(ut_eng(), t[0].id + 1, t, 4, &total,
		by_state), 0);
	CU_ASSERT_EQUAL(total, 1);
	rec_done(s);
}

static const struct wt_test tests[] = {
	WT_TEST(test_tcp_sack_hole_resent_first_sacked_never_resent),
	WT_TEST(test_tcp_lost_fast_rexmit_with_nothing_after_it_probed_before_rto),
	WT_TEST(test_tcp_lost_rexmit_after_rto_probed_once_path_answers),
	WT_TEST(test_tcp_lost_rto_rexmit_probed_while_peer_talks),
	WT_TEST(test_tcp_rack_reorder_timer_resends_after_window),
	WT_TEST(test_tcp_dsack_counts_spurious_and_widens_reorder_window),
	WT_TEST(test_tcp_tlp_dsacked_after_the_originals_ack_cuts_nothing),
	WT_TEST(test_tcp_sack_blocks_outside_window_ignored),
	WT_TEST(test_tcp_newreno_partial_ack_resends_next_hole),
	WT_TEST(test_tcp_tlp_probes_tail_before_rto),
	WT_TEST(test_tcp_tlp_repairs_single_message_tail_loss_without_rto),
	WT_TEST(test_tcp_tlp_single_segment_waits_rto_min),
	WT_TEST(test_tcp_prr_sends_half_per_delivered),
	WT_TEST(test_tcp_telemetry_counts_retransmissions_by_cause),
	WT_TEST_END
};

static const struct wt_suite suite =
	UT_SUITE("unit_tcp_recovery", suite_init, tests);

WT_MAIN(suite)
