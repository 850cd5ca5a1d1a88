/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Loss detection on the owner lcore: RACK-TLP (RFC 8985) when the peer
 * SACKs, NewReno's duplicate ACKs (RFC 5681 §3.2, RFC 6582) when it
 * does not, and the recovery state each ACK leaves (entry, exit and the
 * amount to send are dp_tcp_cc.c's).
 *
 * RACK: a segment is lost once one sent after it was delivered and a
 * reordering window has passed since (time, not three duplicates). The
 * window is min_RTT/4 times a multiplier that each D-SACK round raises
 * (RFC 8985 §6.2 step 4) and that decays after 16 recoveries; it is 0
 * while no reordering was seen and recovery or three SACKed segments
 * already say "loss" (Linux's rule). Segments still inside the window
 * get the reorder timer (t_recov).
 *
 * TLP: with data in flight, nothing being repaired and no probe out,
 * t_recov is the probe timeout (PTO): 2 SRTT plus a delayed-ACK
 * allowance when one segment is out (RFC 8985 §7.2: WCDelAckT), never
 * past the RTO. It sends one new segment if the windows allow, else
 * the last one again; its ACK or the SACKs it draws repair a tail loss
 * in about an RTT instead of an RTO. One probe per episode. In
 * recovery the same timer is the recovery probe (ours, below): a lost
 * retransmission with nothing sent after it gives RACK nothing to judge
 * it by.
 *
 * The allowance is learnt per connection (§7.2 allows a smaller
 * WCDelAckT for a receiver whose delayed-ACK behaviour is known):
 * Linux and FreeBSD RACK add a constant (the RTO floor, 200 ms, and
 * 1.5 SRTT + 200 ms), so an order whose lone segment is lost waits 200
 * ms. We take, from each RTT sample of a segment alone in flight, its
 * ACK delay (the sample less the path's least RTT), keep the peak over
 * the last 1-2 windows of DACK_WIN_US, and allow that plus a quarter
 * plus DP_TCP_TLP_SLACK_US, within the RTO floor: a quick-ACKing
 * peer (Linux's quick-ACK or pingpong, our 500 us hold) gets ~2 ms, a
 * 40 ms delayed ACK ~52 ms. Before any sample: the floor, as before.
 * A D-SACKed lone-segment probe says the ACK was late or lost, and the
 * message gives no RTT sample (Karn). Two in a row with no clean lone
 * sample between are a peer holding its ACKs longer (a lost ACK is
 * rare and random, and must not inflate the peak): the peak becomes 4
 * times the allowance used, so a peer whose delays grow costs two or
 * three spurious probes, not one a message.
 */
#include <rte_common.h>

#include "dp_tcp.h"

#define REO_PERSIST	16		/* recoveries a raised window lasts */
#define DACK_WIN_US	(5ull * 1000000) /* ACK-delay peak's window half */

void
dp_tcp_rack_delivered(struct dp_tcp_pcb *tp, const struct dp_tcp_txrec *r,
		uint64_t now)
{
	uint32_t rtt = (uint32_t)RTE_MIN(now - r->xmit_us,
		(uint64_t)UINT32_MAX);

	if (r->flags & TXR_EVER_RETRANS) {
		/* Possibly the original's ACK (RFC 8985 step 2). */
		if (tp->min_rtt_us != 0 && rtt < tp->min_rtt_us)
			return;
	} else if (tp->min_rtt_us == 0 || rtt < tp->min_rtt_us) {
		tp->min_rtt_us = rtt != 0 ? rtt : 1;
	}
	if (r->xmit_us > tp->rack_xmit_us || (r->xmit_us == tp->rack_xmit_us &&
			SEQ_GT(r->end, tp->rack_end))) {
		tp->rack_xmit_us = r->xmit_us;
		tp->rack_end = r->end;
		tp->rack_rtt_us = rtt;
		if (!(r->flags & TXR_EVER_RETRANS))
			tp->ack_rtt_us = rtt != 0 ? rtt : 1;
	}
}

/* RFC 8985 §6.2 step 4, with Linux's zero window before reordering. */
static uint32_t
reo_wnd(const struct dp_tcp_pcb *tp)
{
	uint64_t w;

	if (!tp->rack_reord && (tp->recov != DP_TCP_CA_OPEN ||
			tp->sacked_bytes >= 3u * tp->mss))
		return 0;
	w = (uint64_t)tp->reo_wnd_mult * tp->min_rtt_us / 4;
	if (tp->srtt_us != 0 && w > tp->srtt_us)
		w = tp->srtt_us;
	return (uint32_t)w;
}

static void
reo_adapt(struct dp_tcp_pcb *tp, const struct dp_tcp_ackinfo *ai)
{
	if (tp->reo_wnd_mult == 0)
		tp->reo_wnd_mult = 1;
	if (ai->dsack && SEQ_GEQ(tp->snd_una, tp->dsack_round)) {
		/* One raise per round trip of D-SACKs. */
		tp->dsack_round = tp->snd_max;
		/* Doubled, not RFC 8985's +1: the step is min_rtt/4 and
		 * where a queue makes SRTT >> min RTT (the tap: 10 us
		 * against 400 us) +1 takes ~160 round trips of spurious
		 * retransmissions to cover a reordering of one SRTT. */
		if (tp->reo_wnd_mult < 1024)
			tp->reo_wnd_mult *= 2;
		tp->reo_persist = REO_PERSIST;
		tp->rack_reord = true;
	}
}

/* RFC 8985 §6.2 step 5: mark what is lost; the time until the first
 * segment still in its reordering window would be (0: none). */
static uint64_t
detect_loss(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	uint64_t now = lc->now_us, wait = 0;
	uint32_t reo = reo_wnd(tp);

	if (tp->rack_xmit_us == 0)
		return 0;
	for (uint32_t i = 0; i < tp->txr_n; i++) {
		struct dp_tcp_txrec *r = dp_tcp_txr(tp, i);
		uint64_t due;

		/* Sent after the newest delivered one: nothing to say. The
		 * walk stops at RACK's end (a later retransmission of a
		 * higher hole waits for the RTO). */
		if (SEQ_GEQ(r->seq, tp->rack_end))
			break;
		if (r->flags & TXR_SACKED)
			continue;
		if ((r->flags & TXR_LOST) && !(r->flags & TXR_RETRANS))
			continue;
		if (r->xmit_us > tp->rack_xmit_us)
			continue;
		due = r->xmit_us + tp->rack_rtt_us + reo;
		if (due <= now) {
			dp_tcp_sb_mark_lost(lc, tp, r);
			DP_STAT_INC(lc, tcp_rack_lost);
			DP_TCP_CSTAT_ADD(tp, rack_lost, 1);
		} else if (wait == 0 || due - now < wait) {
			wait = due - now;
		}
	}
	return wait;
}

static void
reorder_timer_set(struct dp_lcore *lc, struct dp_tcp_pcb *tp, uint64_t wait)
{
	if (wait != 0) {
		tp->t_recov = lc->now_us + wait;
		tp->t_recov_tlp = false;
	} else if (!tp->t_recov_tlp) {
		tp->t_recov = 0;
	}
}

/* A probe may go: data out, none on the way already, SACK to judge
 * its answer by, and a state that sends. */
static bool
probe_ok(const struct dp_tcp_pcb *tp)
{
	uint8_t st = dp_tcp_state(tp);

	/* Also after our FIN: a lost tail with the FIN is the common end
	 * of a transfer. */
	return (tp->tf & TF_SACK_OK) && !tp->tlp_out &&
		tp->snd_una != tp->snd_max &&
		(st == DP_TCP_ESTABLISHED || st == DP_TCP_CLOSE_WAIT ||
		st == DP_TCP_FIN_WAIT_1 || st == DP_TCP_CLOSING ||
		st == DP_TCP_LAST_ACK);
}

static bool
tlp_eligible(const struct dp_tcp_pcb *tp)
{
	return tp->recov == DP_TCP_CA_OPEN && probe_ok(tp);
}

/*
 * The recovery probe (ours; RFC 8985 §7.2 probes only outside
 * recovery). RACK finds a lost retransmission only when a segment sent
 * after it is delivered; when the retransmission is the newest segment
 * out (no more data, the window or the send buffer full) or its only
 * ACK is lost, nothing can be, and RFC 8985 leaves the RTO: 200 ms, and
 * 400 more if the RTO's copy is lost too (#13's 603 ms stall; captures
 * at 5 % loss show both). So in recovery, PTO after the last
 * transmission or delivery with no news, one probe an episode (tlp_out
 * until SND.UNA passes it; an RTO starts another) sends a lost segment
 * cwnd held back, else new data, else the newest segment again. No
 * delayed-ACK allowance: a receiver holding out-of-order data ACKs at
 * once (RFC 5681 §4.2).
 */
static bool
rprobe_eligible(const struct dp_tcp_pcb *tp)
{
	return tp->recov != DP_TCP_CA_OPEN && tp->srtt_us != 0 &&
		probe_ok(tp);
}

/* After an RTO, only a path shown alive: SND.UNA moved since, or the
 * peer sent a segment later than its answer to our newest one could
 * come (a peer sending data ACKs on each: ours did not arrive). A silent
 * peer leaves the backoff alone (RFC 6298 5.5). */
static bool
rprobe_path_alive(const struct dp_tcp_pcb *tp,
		const struct dp_tcp_txrec *newest)
{
	return tp->recov != DP_TCP_CA_LOSS || tp->rxtshift == 0 ||
		(newest != NULL &&
		tp->rcv_us > newest->xmit_us + tp->min_rtt_us);
}

/* In recovery: arm or clear the probe; false outside it (TLP's). */
static bool
rprobe_arm(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	if (tp->recov == DP_TCP_CA_OPEN)
		return false;
	if (!rprobe_eligible(tp)) {
		if (tp->t_recov_tlp)
			tp->t_recov = 0;
		return true;
	}
	tp->t_recov = lc->now_us + 2ull * tp->srtt_us + DP_TCP_TLP_SLACK_US;
	if (tp->t_rexmt != 0 && tp->t_recov > tp->t_rexmt)
		tp->t_recov = tp->t_rexmt;	/* the probe goes first */
	tp->t_recov_tlp = true;
	return true;
}

/* A probe's new segment, if the windows take one: sent beside cwnd. */
static void
probe_new_data(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	uint32_t end = tp->sq_seq + tp->sq_bytes, cwnd = tp->cwnd;

	if (!SEQ_LT(tp->snd_nxt, end) || !SEQ_LT(tp->snd_nxt,
			tp->snd_una + tp->snd_wnd))
		return;
	tp->cwnd = dp_tcp_in_flight(tp) + tp->mss;
	tp->tf |= TF_NODELAY_ONCE;
	dp_tcp_output(lc, tp);
	tp->tf &= ~TF_NODELAY_ONCE;
	tp->cwnd = cwnd;
}

/* A probe went: one an episode, counted; the RTO moves past it. */
static void
probe_sent(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	tp->tlp_out = true;
	tp->tlp_end = tp->snd_max;
	DP_STAT_INC(lc, tcp_tlp);
	DP_TCP_CSTAT_ADD(tp, tlp_probes, 1);
	dp_tcp_rexmt_arm(lc, tp);
}

/* The unSACKed record sent last (a walk, when a probe is due). */
static struct dp_tcp_txrec *
newest_unsacked(struct dp_tcp_pcb *tp)
{
	struct dp_tcp_txrec *n = NULL;

	for (uint32_t i = 0; i < tp->txr_n; i++) {
		struct dp_tcp_txrec *r = dp_tcp_txr(tp, i);

		if (!(r->flags & TXR_SACKED) &&
				(n == NULL || r->xmit_us >= n->xmit_us))
			n = r;
	}
	return n;
}

/* Marked lost and not resent yet (cwnd held it back): that first, else
 * new data if the windows take it (the later segment RACK needs), else
 * the newest segment again. Its SACK or ACK repairs through RACK. */
static void
rprobe_fire(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	uint32_t max = tp->snd_max;
	struct dp_tcp_txrec *r, *newest;

	if (!rprobe_eligible(tp))
		return;
	newest = newest_unsacked(tp);
	if (!rprobe_path_alive(tp, newest))
		return;			/* the RTO's */
	r = dp_tcp_sb_next_lost(tp);
	if (r == NULL)
		probe_new_data(lc, tp);
	if (tp->snd_max == max) {
		if (r == NULL)
			r = newest;
		if (r == NULL)
			return;
		tp->tf |= TF_TLP_SEND;
		dp_tcp_send_rec(lc, tp, r);
		tp->tf &= ~TF_TLP_SEND;
	}
	tp->tlp_rexmit = false;		/* recovery reduced cwnd already */
	probe_sent(lc, tp);
}

/* The peak's windows: this one becomes the last after DACK_WIN_US, and
 * a gap of two forgets both. */
static void
dack_roll(struct dp_tcp_pcb *tp, uint64_t now)
{
	if (tp->dack_t0 != 0 && now - tp->dack_t0 < DACK_WIN_US)
		return;
	tp->dack_us[1] = tp->dack_t0 != 0 && now - tp->dack_t0 <
		2 * DACK_WIN_US ? tp->dack_us[0] : 0;
	tp->dack_us[0] = 0;
	tp->dack_t0 = now != 0 ? now : 1;
}

void
dp_tcp_tlp_dack_sample(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		uint32_t rtt_us)
{
	uint32_t base = tp->min_rtt_us, d;

	/* The handshake's RTT too: a SYN is answered at once. */
	if (tp->srtt_min_us != 0 && (base == 0 || tp->srtt_min_us < base))
		base = tp->srtt_min_us;
	d = rtt_us > base ? rtt_us - base : 0;
	tp->dack_spur = 0;
	dack_roll(tp, lc->now_us);
	if (d > tp->dack_us[0])
		tp->dack_us[0] = d;
}

/* WCDelAckT for a lone segment: the learnt peak with a margin, within
 * the RTO floor; the floor itself before any sample. */
static uint32_t
dack_allowance(const struct dp_tcp_pcb *tp)
{
	uint64_t d, a;

	if (tp->dack_t0 == 0)
		return tp->rto_min_us;
	d = RTE_MAX(tp->dack_us[0], tp->dack_us[1]);
	a = d + d / 4 + DP_TCP_TLP_SLACK_US;
	return (uint32_t)RTE_MIN(a, (uint64_t)tp->rto_min_us);
}

/* A lone segment's probe was D-SACKed: its ACK was late or lost. */
static void
dack_spurious(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	uint64_t d = 4ull * tp->tlp_allow_us;

	if (tp->tlp_allow_us == 0 || tp->dack_t0 == 0)
		return;
	if (tp->dack_spur < UINT8_MAX)
		tp->dack_spur++;
	if (tp->dack_spur < 2)
		return;
	dack_roll(tp, lc->now_us);
	if (d > tp->rto_min_us)
		d = tp->rto_min_us;
	if (d > tp->dack_us[0])
		tp->dack_us[0] = (uint32_t)d;
}

void
dp_tcp_tlp_arm(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	uint64_t pto;

	if (tp->t_recov != 0 && !tp->t_recov_tlp)
		return;			/* the reorder timer runs */
	if (rprobe_arm(lc, tp))
		return;
	if (!tlp_eligible(tp)) {
		if (tp->t_recov_tlp)
			tp->t_recov = 0;
		return;
	}
	tp->tlp_allow_us = 0;
	if (tp->srtt_us == 0) {
		pto = DP_TCP_RTO_INIT_US;
	} else if (dp_tcp_in_flight(tp) <= tp->mss) {
		tp->tlp_allow_us = dack_allowance(tp);
		pto = 2ull * tp->srtt_us + tp->tlp_allow_us;
	} else {
		pto = 2ull * tp->srtt_us + DP_TCP_TLP_SLACK_US;
	}
	tp->t_recov = lc->now_us + pto;
	if (tp->t_rexmt != 0 && tp->t_recov > tp->t_rexmt)
		tp->t_recov = tp->t_rexmt;	/* the probe goes first */
	tp->t_recov_tlp = true;
}

/* RFC 8985 §7.3: new data if the windows take it, else the last
 * segment again. */
static void
tlp_fire(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	uint32_t max = tp->snd_max;

	if (tp->recov != DP_TCP_CA_OPEN) {
		rprobe_fire(lc, tp);
		return;
	}
	if (!tlp_eligible(tp))
		return;
	probe_new_data(lc, tp);
	if (tp->snd_max == max && tp->txr_n > 0) {
		struct dp_tcp_txrec *r = dp_tcp_txr(tp, tp->txr_n - 1);

		if (r->flags & TXR_SACKED)
			return;
		tp->tf |= TF_TLP_SEND;
		dp_tcp_send_rec(lc, tp, r);
		tp->tf &= ~TF_TLP_SEND;
		tp->tlp_rexmit = true;
	} else {
		tp->tlp_rexmit = false;
	}
	probe_sent(lc, tp);
}

/* RFC 8985 §7.4: did the probe repair a loss? */
static void
tlp_ack(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		const struct dp_tcp_ackinfo *ai)
{
	if (!tp->tlp_out)
		return;
	if (ai->dsack && tp->tlp_rexmit) {
		tp->tlp_out = false;	/* the original arrived too */
		DP_STAT_INC(lc, tcp_tlp_spurious);
		DP_TCP_CSTAT_ADD(tp, tlp_spurious, 1);
		dack_spurious(lc, tp);
		return;
	}
	if (!SEQ_GEQ(tp->snd_una, tp->tlp_end))
		return;
	/* SND.UNA at the probe's end says nothing yet: the original's ACK
	 * comes before the probe's D-SACK. A loss only once an ACK goes
	 * beyond with no D-SACK; a pure duplicate says both arrived
	 * (RFC 8985 §7.4.2, as Linux's tcp_process_tlp_ack). */
	if (tp->tlp_rexmit && tp->snd_una == tp->tlp_end) {
		if (ai->acked == 0 && !ai->sacks && ai->dupack)
			tp->tlp_out = false;
		return;
	}
	tp->tlp_out = false;
	if (tp->tlp_rexmit && tp->recov == DP_TCP_CA_OPEN) {
		/* The retransmitted tail was the only copy: a loss, one
		 * reduction. */
		DP_STAT_INC(lc, tcp_tlp_recovered);
		DP_TCP_CSTAT_ADD(tp, tlp_recovered, 1);
		tp->ssthresh = dp_tcp_cc(tp)->ssthresh(tp, lc->now_us);
		tp->cwnd = tp->ssthresh;
	}
}

/* RFC 5681 §3.2 / RFC 6582 without SACK: the third duplicate ACK, or a
 * partial ACK in recovery, resends the first unACKed segment. Each
 * duplicate counts as a segment delivered (RFC 6937 §3). */
static void
newreno_ack(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		struct dp_tcp_ackinfo *ai)
{
	uint32_t out = tp->snd_max - tp->snd_una;

	if (ai->acked != 0) {
		tp->sacked_bytes = tp->sacked_bytes > ai->acked ?
			tp->sacked_bytes - ai->acked : 0;
		if (tp->recov == DP_TCP_CA_RECOVERY &&
				SEQ_LT(tp->snd_una, tp->recover) &&
				tp->txr_n > 0)
			dp_tcp_sb_mark_lost(lc, tp, dp_tcp_txr(tp, 0));
		return;
	}
	if (!ai->dupack)
		return;
	if (tp->sacked_bytes + tp->mss < out)
		tp->sacked_bytes += tp->mss;
	ai->delivered += tp->mss;
	if (tp->dupacks == 3 && tp->recov == DP_TCP_CA_OPEN &&
			tp->txr_n > 0 && (tp->recover == 0 ||
			SEQ_GT(tp->snd_una, tp->recover) ||
			tp->recover == tp->snd_una)) {
		dp_tcp_sb_mark_lost(lc, tp, dp_tcp_txr(tp, 0));
		dp_tcp_cc_enter_recovery(lc, tp);
	}
}

void
dp_tcp_loss_ack(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		struct dp_tcp_ackinfo *ai)
{
	uint8_t was;

	if (ai->dupack) {
		DP_STAT_INC(lc, tcp_dupack_rx);
		DP_TCP_CSTAT_ADD(tp, dupacks_in, 1);
		tp->dupacks_in++;	/* SIO_TCP_INFO's DupAcksIn */
	}
	if (tp->tf & TF_SACK_OK) {
		uint32_t lost = tp->lost_bytes;

		reo_adapt(tp, ai);
		if (ai->delivered != 0 || ai->dsack)
			reorder_timer_set(lc, tp, detect_loss(lc, tp));
		/* Only a loss RACK found starts recovery (not records a
		 * smaller path MTU marked for resending). */
		if (tp->lost_bytes > lost && tp->recov == DP_TCP_CA_OPEN)
			dp_tcp_cc_enter_recovery(lc, tp);
	} else {
		newreno_ack(lc, tp, ai);
	}
	tlp_ack(lc, tp, ai);
	was = tp->recov;
	dp_tcp_cc_ack(lc, tp, ai);
	if (was != DP_TCP_CA_OPEN && tp->recov == DP_TCP_CA_OPEN &&
			tp->reo_persist != 0) {
		/* RFC 8985 §6.2 step 4: a raised window lasts 16 loss
		 * recoveries (not 16 ACKs: it would be gone before the
		 * next reordering). */
		if (--tp->reo_persist == 0)
			tp->reo_wnd_mult = 1;
	}
	/* In recovery SACKs are the news too (the recovery probe). */
	if (ai->acked != 0 || tp->snd_una == tp->snd_max ||
			(tp->recov != DP_TCP_CA_OPEN && ai->delivered != 0))
		dp_tcp_tlp_arm(lc, tp);
}

void
dp_tcp_rack_timer(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	bool tlp = tp->t_recov_tlp;
	uint32_t lost;

	tp->t_recov = 0;
	tp->t_recov_tlp = false;
	if (tlp) {
		tlp_fire(lc, tp);
		return;
	}
	lost = tp->lost_bytes;
	reorder_timer_set(lc, tp, detect_loss(lc, tp));
	if (tp->lost_bytes > lost && tp->recov == DP_TCP_CA_OPEN)
		dp_tcp_cc_enter_recovery(lc, tp);
	dp_tcp_output(lc, tp);
}

void
dp_tcp_loss_rto(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	DP_TCP_CSTAT_ADD(tp, rto, 1);
	if (tp->rxtshift == 1) {
		DP_STAT_INC(lc, tcp_rto_episodes);
		DP_TCP_CSTAT_ADD(tp, rto_episodes, 1);
		/* RFC 5681 (4), the algorithm's own for CUBIC; backed-off
		 * timeouts keep it. */
		tp->ssthresh = dp_tcp_cc(tp)->ssthresh(tp, lc->now_us);
	}
	tp->cwnd = tp->mss;
	tp->recov = DP_TCP_CA_LOSS;
	tp->recover = tp->snd_max;
	tp->dupacks = 0;
	tp->tlp_out = false;
	tp->t_recov = 0;
	tp->t_recov_tlp = false;
	tp->abc_acked = 0;
	if (!(tp->tf & TF_SACK_OK))
		tp->sacked_bytes = 0;
}
