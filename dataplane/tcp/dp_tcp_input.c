/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP input on the lcore that owns the connection: the segment checked
 * (every malformed one counted by class, freed, never acted on), its
 * connection found (this lcore's table, the next lcore's, a listener,
 * or a RST back), then RFC 9293 §3.10.7 in its order: acceptability
 * (with PAWS, RFC 7323), RST and SYN (RFC 5961: exact or challenge
 * ACK), ACK (with RFC 5961 §5's bound), text, FIN.
 *
 * Header prediction: an ESTABLISHED segment with the expected sequence
 * number, only ACK/PSH, an unchanged window and nothing held out of
 * order skips the checks it cannot fail and joins the slow path at the
 * ACK step, so both reach the same state.
 */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

#include "dp_tcp.h"

#define PAWS_IDLE_US	(24ull * 24 * 3600 * 1000000) /* RFC 7323 §5.5 */

static void
seg_free(struct dp_tcp_seg *sg)
{
	if (sg->m != NULL)
		rte_pktmbuf_free(sg->m);
	sg->m = NULL;
}

/* The peer's FIN, in order (RFC 9293 §3.10.7.4 "eighth"). */
void
dp_tcp_fin_in(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	uint8_t st = dp_tcp_state(tp);

	if (!(tp->tf & TF_RCVD_FIN)) {
		tp->rcv_nxt++;
		tp->tf |= TF_RCVD_FIN;
	}
	tp->tf |= TF_ACKNOW;
	switch (st) {
	case DP_TCP_SYN_RECEIVED:
	case DP_TCP_ESTABLISHED:
		dp_tcp_set_state(tp, DP_TCP_CLOSE_WAIT);
		break;
	case DP_TCP_FIN_WAIT_1:
		dp_tcp_set_state(tp, DP_TCP_CLOSING);
		break;
	case DP_TCP_FIN_WAIT_2:
		dp_tcp_send_ack(lc, tp);
		dp_tcp_enter_time_wait(lc, tp);
		break;
	case DP_TCP_TIME_WAIT:		/* retransmitted: restart 2 MSL */
		dp_tcp_enter_time_wait(lc, tp);
		break;
	default:
		break;
	}
	dp_wait_note(lc, tp->s);
}

/* SYN-SENT (RFC 9293 §3.10.7.3). */
static void
syn_sent_input(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		struct dp_tcp_seg *sg)
{
	bool ack = (sg->flags & RTE_TCP_ACK_FLAG) != 0;

	if (ack && (SEQ_LEQ(sg->ack, tp->iss) ||
			SEQ_GT(sg->ack, tp->snd_max))) {
		if (!(sg->flags & RTE_TCP_RST_FLAG))
			dp_tcp_respond_rst(lc, sg->ip, sg->th, sg->len);
		return;
	}
	if (sg->flags & RTE_TCP_RST_FLAG) {
		/* Acceptable only with an acceptable ACK. */
		DP_STAT_INC(lc, tcp_rst_rx);
		if (ack)
			dp_tcp_drop(lc, tp, ECONNREFUSED);
		return;
	}
	if (!(sg->flags & RTE_TCP_SYN_FLAG))
		return;
	dp_tcp_syn_opts(lc, tp, sg);
	tp->snd_wnd = sg->win;
	tp->max_snd_wnd = tp->snd_wnd;
	tp->snd_wl1 = sg->seq;
	if (!ack) {
		/* Simultaneous open (MUST-10): our ISS again. */
		dp_tcp_set_state(tp, DP_TCP_SYN_RECEIVED);
		dp_tcp_send_ctl(lc, tp, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG,
			tp->iss);
		return;
	}
	tp->snd_una = sg->ack;
	tp->snd_wl2 = sg->ack;
	if (tp->rtt_start != 0 && tp->rxtshift == 0)
		dp_tcp_rtt_sample(tp, (uint32_t)(lc->now_us - tp->rtt_start));
	tp->rtt_start = 0;
	tp->t_rexmt = 0;
	dp_tcp_established(lc, tp);
	tp->tf |= TF_ACKNOW;
}

/* The ACK field (RFC 9293 §3.10.7.4 "fifth"); false: drop the rest. */
static bool
ack_in(struct dp_lcore *lc, struct dp_tcp_pcb *tp, struct dp_tcp_seg *sg)
{
	struct dp_sock *s = tp->s;
	struct dp_tcp_ackinfo ai = { 0 };
	uint32_t out = tp->snd_max - tp->snd_una;
	uint8_t st;
	bool finacked;

	if (SEQ_GT(sg->ack, tp->snd_max) ||
			SEQ_LT(sg->ack, tp->snd_una - tp->max_snd_wnd)) {
		DP_STAT_INC(lc, tcp_ack_bad);
		tp->tf |= TF_ACKNOW;
		return false;
	}
	/* RFC 5681 §2's duplicate ACK (the window unchanged, nothing
	 * else in it). */
	ai.dupack = sg->len == 0 && sg->ack == tp->snd_una &&
		tp->snd_una != tp->snd_max &&
		((uint32_t)sg->win << tp->snd_scale) == tp->snd_wnd &&
		!(sg->flags & (RTE_TCP_FIN_FLAG | RTE_TCP_SYN_FLAG));
	tp->ack_rtt_us = 0;
	dp_tcp_sb_ack(lc, tp, sg, &ai);
	if (tp->ack_rtt_us != 0) {
		/* A sample from every ACK (or SACK) delivering a segment
		 * sent once, as Linux takes them: Karn's rule holds per
		 * segment, so retransmissions elsewhere no longer starve
		 * the estimator and keep a backed-off RTO (5.5-5.7) for
		 * the rest of a lossy transfer. */
		dp_tcp_rtt_sample(tp, tp->ack_rtt_us);
		/* It was alone in flight: the peer's ACK delay (TLP). */
		if (out <= tp->mss && sg->ack == tp->snd_max)
			dp_tcp_tlp_dack_sample(lc, tp, tp->ack_rtt_us);
		tp->ack_rtt_us = 0;
		tp->rtt_start = 0;
	}
	if (SEQ_GT(sg->ack, tp->snd_una)) {
		uint32_t data = RTE_MIN(sg->ack - tp->sq_seq, tp->sq_bytes);
		uint32_t freed = 0, nm = 0;

		if (tp->rtt_start != 0 && SEQ_GT(sg->ack, tp->rtt_seq)) {
			dp_tcp_rtt_sample(tp, (uint32_t)(lc->now_us -
				tp->rtt_start));
			tp->rtt_start = 0;
		}
		tp->rxtshift = 0;
		/* The send queue loses what was ACKed; SO_SNDBUF room. */
		while (data > 0 && tp->sq_head != NULL) {
			struct rte_mbuf *m = tp->sq_head;

			if (m == tp->sq_cur)
				tp->sq_cur = NULL;	/* freed or moved */
			dp_tcp_zc_acked(m, RTE_MIN(data,
				(uint32_t)m->data_len));
			if (m->data_len <= data) {
				data -= m->data_len;
				freed += m->data_len;
				tp->sq_seq += m->data_len;
				tp->sq_head = dp_mbuf_priv(m)->next;
				nm++;
				rte_pktmbuf_free(m);
			} else {
				rte_pktmbuf_adj(m, (uint16_t)data);
				freed += data;
				tp->sq_seq += data;
				data = 0;
			}
		}
		if (tp->sq_head == NULL)
			tp->sq_tail = NULL;
		tp->sq_bytes -= freed;
		tp->sq_mbufs -= nm;
		__atomic_fetch_sub(&s->tx_bytes_q, freed, __ATOMIC_RELEASE);
		__atomic_fetch_sub(&s->tx_pending, nm, __ATOMIC_RELEASE);
		tp->snd_una = sg->ack;
		if (SEQ_LT(tp->snd_nxt, tp->snd_una))
			tp->snd_nxt = tp->snd_una;
		tp->dupacks = 0;
		tp->persist_us = 0;
		if (tp->snd_una == tp->snd_max)
			tp->t_rexmt = 0;
		else
			dp_tcp_rexmt_arm(lc, tp);
		dp_wait_note(lc, s);
	} else if (ai.dupack && tp->dupacks < UINT8_MAX) {
		tp->dupacks++;
	}
	/* Loss detection, recovery and cwnd (dp_tcp_rack.c). */
	if (dp_tcp_synced(dp_tcp_state(tp)))
		dp_tcp_loss_ack(lc, tp, &ai);
	/* Window update from newer segments only. */
	if (SEQ_LT(tp->snd_wl1, sg->seq) || (tp->snd_wl1 == sg->seq &&
			SEQ_LEQ(tp->snd_wl2, sg->ack))) {
		tp->snd_wnd = (uint32_t)sg->win << tp->snd_scale;
		tp->snd_wl1 = sg->seq;
		tp->snd_wl2 = sg->ack;
		if (tp->snd_wnd > tp->max_snd_wnd)
			tp->max_snd_wnd = tp->snd_wnd;
		if (tp->snd_wnd != 0)
			tp->t_persist = 0;
	}
	finacked = (tp->tf & TF_FIN_SENT) && SEQ_GT(sg->ack, tp->snd_fin);
	st = dp_tcp_state(tp);
	if (finacked && st == DP_TCP_FIN_WAIT_1) {
		dp_tcp_set_state(tp, DP_TCP_FIN_WAIT_2);
		if (tp->tf & TF_APP_CLOSED)
			tp->t_2msl = lc->now_us + DP_TCP_FIN_WAIT2_US;
		dp_wait_note(lc, s);
	} else if (finacked && st == DP_TCP_CLOSING) {
		if (dp_tcp_enter_time_wait(lc, tp))
			return false;	/* an orphan's record now */
	} else if (finacked && st == DP_TCP_LAST_ACK) {
		dp_tcp_close_tcb(lc, tp, 0);
		return false;
	}
	return true;
}

/* RFC 9293 §3.3.5's four cases on what we advertised. */
static bool
acceptable(const struct dp_tcp_pcb *tp, const struct dp_tcp_seg *sg)
{
	uint32_t wnd = SEQ_GT(tp->rcv_adv, tp->rcv_nxt) ?
		tp->rcv_adv - tp->rcv_nxt : 0;
	uint32_t sl = sg->len + !!(sg->flags & RTE_TCP_SYN_FLAG) +
		!!(sg->flags & RTE_TCP_FIN_FLAG);

	if (sl == 0)
		return wnd == 0 ? sg->seq == tp->rcv_nxt :
			SEQ_GEQ(sg->seq, tp->rcv_nxt) &&
			SEQ_LT(sg->seq, tp->rcv_nxt + wnd);
	if (wnd == 0)
		return false;
	return (SEQ_GEQ(sg->seq, tp->rcv_nxt) &&
		SEQ_LT(sg->seq, tp->rcv_nxt + wnd)) ||
		(SEQ_GEQ(sg->seq + sl - 1, tp->rcv_nxt) &&
		SEQ_LT(sg->seq + sl - 1, tp->rcv_nxt + wnd));
}

/* Trim to the window: old bytes off the front, bytes past the right
 * edge (and a FIN beyond them) off the end. */
static void
trim(struct dp_tcp_pcb *tp, struct dp_tcp_seg *sg)
{
	uint32_t wnd = tp->rcv_adv - tp->rcv_nxt;

	if (sg->flags & RTE_TCP_SYN_FLAG) {
		sg->flags &= (uint8_t)~RTE_TCP_SYN_FLAG;
		sg->seq++;
	}
	if (SEQ_LT(sg->seq, tp->rcv_nxt)) {
		uint32_t d = tp->rcv_nxt - sg->seq;

		if (d >= sg->len) {
			/* Only the FIN may remain (seq + len == rcv_nxt). */
			if (d > sg->len)
				sg->flags &= (uint8_t)~RTE_TCP_FIN_FLAG;
			d = sg->len;
		}
		dp_tcp_dsack(tp, sg->seq, sg->seq + d);	/* bytes again */
		sg->off += d;
		sg->len -= d;
		sg->seq += d;
	}
	if (SEQ_GT(sg->seq + sg->len, tp->rcv_nxt + wnd)) {
		sg->len = tp->rcv_nxt + wnd - sg->seq;
		sg->flags &= (uint8_t)~RTE_TCP_FIN_FLAG;
	}
}

/* RST and SYN in SYN-RECEIVED and the synchronized states (RFC 5961
 * §3.2, §4). true: the segment is done with. */
static bool
rst_syn_in(struct dp_lcore *lc, struct dp_tcp_pcb *tp, struct dp_tcp_seg *sg)
{
	uint8_t st = dp_tcp_state(tp);
	int err;

	if (sg->flags & RTE_TCP_RST_FLAG) {
		DP_STAT_INC(lc, tcp_rst_rx);
		if (sg->seq != tp->rcv_nxt) {
			dp_tcp_challenge_ack(lc, tp);
			return true;
		}
		if (st == DP_TCP_TIME_WAIT)
			return true;	/* RFC 1337: no assassination */
		if (st == DP_TCP_SYN_RECEIVED)
			err = (tp->tf & TF_PASSIVE) ? 0 : ECONNREFUSED;
		else if (st >= DP_TCP_CLOSING && st != DP_TCP_CLOSE_WAIT)
			err = 0;
		else
			err = ECONNRESET;
		if (err != 0)
			dp_tcp_drop(lc, tp, err);
		else
			dp_tcp_close_tcb(lc, tp, 0);
		return true;
	}
	if (sg->flags & RTE_TCP_SYN_FLAG) {
		if (st == DP_TCP_SYN_RECEIVED && sg->seq == tp->irs) {
			/* Our SYN,ACK was lost: again. */
			dp_tcp_send_ctl(lc, tp, RTE_TCP_SYN_FLAG |
				RTE_TCP_ACK_FLAG, tp->iss);
			return true;
		}
		dp_tcp_challenge_ack(lc, tp);
		return true;
	}
	return false;
}

/*
 * In-order data of len bytes just delivered (RCV.NXT moved past it):
 * whether its ACK may wait for our reply (dp_tcp.h, "ACK policy"). Not
 * in pingpong mode, for a full-size segment, a second one, one that
 * filled a hole or carried old bytes (D-SACK), or when what is left of
 * the window we advertised is short: the peer may be waiting on it.
 */
static bool
ack_hold(const struct dp_tcp_pcb *tp, uint32_t len, bool filled)
{
	uint32_t buf, left;

	if (tp->pp_cnt < (1u << tp->pp_shift) || len >= tp->mss || filled ||
			tp->t_delack != 0 || (tp->tf & (TF_ACKNOW | TF_DSACK)) ||
			dp_tcp_state(tp) != DP_TCP_ESTABLISHED ||
			!SEQ_GT(tp->rcv_adv, tp->rcv_nxt))
		return false;
	buf = __atomic_load_n(&tp->s->rcvbuf, __ATOMIC_RELAXED);
	left = tp->rcv_adv - tp->rcv_nxt;
	return left >= RTE_MAX(buf / 2, (uint32_t)tp->mss);
}

/* In-order payload onto the ring, or held beyond a hole; then the FIN.
 * false: the ring had no room (the segment and its FIN dropped). */
static bool
data_in(struct dp_lcore *lc, struct dp_tcp_pcb *tp, struct dp_tcp_seg *sg)
{
	bool fin = (sg->flags & RTE_TCP_FIN_FLAG) != 0;

	if (sg->seq != tp->rcv_nxt) {
		/* Beyond a hole: held, and ACKed at once (MAY-13). */
		dp_tcp_reass_insert(lc, tp, sg);
		tp->tf |= TF_ACKNOW;
		return true;
	}
	if (sg->len != 0) {
		struct rte_mbuf *m = dp_tcp_seg_take(sg);

		if (!dp_tcp_deliver_held(lc, tp, m)) {
			DP_STAT_INC(lc, tcp_rx_full);
			rte_pktmbuf_free(m);
			tp->tf |= TF_ACKNOW;
			return false;	/* its FIN too (ofp#152) */
		}
		tp->rcv_nxt += sg->len;
		tp->data_rcvd_us = lc->now_us;
		/* SIO_TCP_SET_ACK_FREQUENCY: the n-th segment is ACKed
		 * at once, not at the burst's end. */
		if (tp->ack_freq != 0 && ++tp->ack_segs >= tp->ack_freq)
			tp->tf |= TF_ACKNOW;
		else if (ack_hold(tp, sg->len, tp->oq_head != NULL))
			tp->t_delack = lc->now_us + DP_TCP_DELACK_US;
		else
			tp->tf |= TF_ACKNOW | TF_ACKBURST;
		if (tp->oq_head != NULL)
			dp_tcp_reass_drain(lc, tp);
		dp_tcp_sack_trim(tp);
	}
	if (fin && tp->rcv_nxt == sg->seq + sg->len)
		dp_tcp_fin_in(lc, tp);
	return true;
}

/*
 * A run of a chain's in-order mbufs onto the ring in one go (*n of
 * them, n emptied): RCV.NXT, the ACK and what the ring could not take
 * as data_in would do them one by one (held behind the ring, or the
 * rest dropped with the FIN). false: something was dropped.
 */
static bool
run_flush(struct dp_lcore *lc, struct dp_tcp_pcb *tp, struct rte_mbuf **run,
		unsigned int *n)
{
	/* Read before: what goes on the ring is the reader's. */
	uint32_t len, first = run[0]->data_len;
	unsigned int k, segs, acks, i;
	bool ok = true;

	k = dp_tcp_deliver_bulk(lc, tp, run, *n);
	segs = k;
	for (i = k; i < *n; i++) {
		len = run[i]->data_len;
		if (ok && dp_tcp_deliver_held(lc, tp, run[i])) {
			segs++;
			continue;
		}
		if (ok) {
			DP_STAT_INC(lc, tcp_rx_full);
			tp->tf |= TF_ACKNOW;
			ok = false;
		}
		tp->rcv_nxt -= len;	/* the run's tail: not received */
		rte_pktmbuf_free(run[i]);
	}
	*n = 0;
	if (segs == 0)
		return ok;
	tp->data_rcvd_us = lc->now_us;
	/* SIO_TCP_SET_ACK_FREQUENCY counts every segment of the run. */
	acks = tp->ack_freq != 0 ? tp->ack_segs + segs : 0;
	if (tp->ack_freq != 0 && acks >= tp->ack_freq)
		tp->tf |= TF_ACKNOW;
	else if (segs == 1 && ack_hold(tp, first, false))
		tp->t_delack = lc->now_us + DP_TCP_DELACK_US;
	else
		tp->tf |= TF_ACKNOW | TF_ACKBURST;
	tp->ack_segs = (uint8_t)RTE_MIN(acks, 255u);
	dp_tcp_sack_trim(tp);
	return ok;
}

/*
 * A chain's payload (a TSO burst the port kept whole, a reassembled
 * datagram) mbuf by mbuf, each as a segment of its own: the receive
 * ring, the out-of-order queue and the reader hold single mbufs. While
 * they come in order with nothing held or out of order (a burst over
 * the loop port, a GSO frame), they go onto the ring as one run; any
 * other goes through data_in. The FIN goes with the last. Consumes the
 * chain (sg->ip and sg->th point into its head: nobody reads them
 * after the text).
 */
static void
data_chain(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		struct dp_tcp_seg *sg)
{
	struct rte_mbuf *m = sg->m, *next, *run[DP_TCP_RUN_MAX];
	uint32_t off = sg->off, left = sg->len, seq = sg->seq;
	unsigned int n = 0;
	bool more = true;

	sg->m = NULL;
	for (; m != NULL; m = next) {
		struct dp_tcp_seg p = *sg;

		next = m->next;
		m->next = NULL;
		m->nb_segs = 1;
		m->pkt_len = m->data_len;
		if (!more || left == 0 || off >= m->data_len) {
			off -= RTE_MIN(off, (uint32_t)m->data_len);
			rte_pktmbuf_free(m);
			continue;
		}
		p.m = m;
		p.off = off;
		p.len = RTE_MIN(left, (uint32_t)m->data_len - off);
		p.seq = seq;
		if (p.len != left)
			p.flags &= (uint8_t)~RTE_TCP_FIN_FLAG;
		seq += p.len;
		left -= p.len;
		off = 0;
		if (p.seq == tp->rcv_nxt && !(p.flags & RTE_TCP_FIN_FLAG) &&
				tp->oq_head == NULL && tp->bq_head == NULL) {
			/* In order: RCV.NXT moves as it joins the run (the
			 * run goes on, or is dropped, before anything else
			 * looks at it). */
			run[n++] = dp_tcp_seg_take(&p);
			tp->rcv_nxt += p.len;
			if (n == DP_TCP_RUN_MAX)
				more = run_flush(lc, tp, run, &n);
			continue;
		}
		if (n != 0)
			more = run_flush(lc, tp, run, &n);
		if (more)
			more = data_in(lc, tp, &p);
		if (p.m != NULL)
			rte_pktmbuf_free(p.m);
	}
	if (n != 0)
		run_flush(lc, tp, run, &n);
}

/* Text (RFC 9293 §3.10.7.4 "seventh") and FIN. */
static void
text_in(struct dp_lcore *lc, struct dp_tcp_pcb *tp, struct dp_tcp_seg *sg)
{
	uint8_t st = dp_tcp_state(tp);

	if (sg->len != 0 && st != DP_TCP_ESTABLISHED &&
			st != DP_TCP_FIN_WAIT_1 && st != DP_TCP_FIN_WAIT_2)
		return;			/* after their FIN: ignored */
	if (sg->len != 0 && (tp->tf & (TF_APP_CLOSED | TF_SHUT_RD))) {
		/* Nobody will read it (SHLD-3, as Linux; Winsock's
		 * shutdown(SD_RECEIVE) resets too, and says so). */
		dp_tcp_send_ctl(lc, tp, RTE_TCP_RST_FLAG, tp->snd_nxt);
		dp_tcp_close_tcb(lc, tp, (tp->tf & TF_APP_CLOSED) ? 0 :
			ECONNRESET);
		return;
	}
	if (unlikely(sg->m != NULL && sg->m->next != NULL) &&
			sg->len != 0)
		data_chain(lc, tp, sg);
	else
		data_in(lc, tp, sg);
}

/* Everything after SYN-SENT. false: the TCB let go of the segment for a
 * listener (TIME-WAIT reuse). */
static bool
established_input(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		struct dp_tcp_seg *sg)
{
	uint8_t st = dp_tcp_state(tp);

	if (st == DP_TCP_TIME_WAIT && dp_tcp_tw_reuse(tp, sg)) {
		DP_STAT_INC(lc, tcp_timewait_reuse);
		dp_tcp_close_tcb(lc, tp, 0);
		return false;
	}
	/* Header prediction. */
	if (st == DP_TCP_ESTABLISHED && sg->seq == tp->rcv_nxt &&
			(sg->flags & ~RTE_TCP_PSH_FLAG) == RTE_TCP_ACK_FLAG &&
			((uint32_t)sg->win << tp->snd_scale) == tp->snd_wnd &&
			tp->oq_head == NULL && SEQ_LEQ(sg->ack, tp->snd_max) &&
			SEQ_GEQ(sg->ack, tp->snd_una) &&
			(!(tp->tf & TF_REQ_TS) || !sg->o.has_ts ||
			SEQ_GEQ(sg->o.tsval, tp->ts_recent)) &&
			SEQ_LEQ(sg->seq + sg->len, tp->rcv_adv))
		goto ack;
	/* PAWS (RFC 7323 §5): a segment without TS is let in (Linux). */
	if ((tp->tf & TF_REQ_TS) && sg->o.has_ts &&
			!(sg->flags & RTE_TCP_RST_FLAG) &&
			SEQ_LT(sg->o.tsval, tp->ts_recent) &&
			lc->now_us - tp->ts_recent_us < PAWS_IDLE_US) {
		DP_STAT_INC(lc, tcp_paws_drop);
		dp_tcp_send_ack(lc, tp);
		return true;
	}
	if (!acceptable(tp, sg)) {
		if (!(sg->flags & RTE_TCP_RST_FLAG)) {
			DP_STAT_INC(lc, tcp_out_of_window);
			if (sg->len != 0 && !(sg->flags & RTE_TCP_SYN_FLAG) &&
					SEQ_LEQ(sg->seq + sg->len, tp->rcv_nxt))
				dp_tcp_dsack(tp, sg->seq, sg->seq + sg->len);
			dp_tcp_send_ack(lc, tp);
		}
		return true;
	}
	if (rst_syn_in(lc, tp, sg))
		return true;
	trim(tp, sg);
	if (!(sg->flags & RTE_TCP_ACK_FLAG))
		return true;
	if (st == DP_TCP_SYN_RECEIVED) {
		if (SEQ_LEQ(sg->ack, tp->snd_una) ||
				SEQ_GT(sg->ack, tp->snd_max)) {
			dp_tcp_respond_rst(lc, sg->ip, sg->th, sg->len);
			return true;
		}
		tp->snd_wnd = (uint32_t)sg->win << tp->snd_scale;
		tp->snd_wl1 = sg->seq;
		tp->snd_wl2 = sg->ack;
		if (!dp_tcp_established(lc, tp))
			return true;
	}
ack:
	dp_tcp_keep_heard(lc, tp);
	if ((tp->tf & TF_REQ_TS) && sg->o.has_ts &&
			SEQ_LEQ(sg->seq, tp->last_ack_sent)) {
		tp->ts_recent = sg->o.tsval;
		tp->ts_recent_us = lc->now_us;
	}
	if (!ack_in(lc, tp, sg))
		return true;
	st = dp_tcp_state(tp);
	if (st == DP_TCP_TIME_WAIT) {
		if (sg->flags & RTE_TCP_FIN_FLAG)
			dp_tcp_fin_in(lc, tp);
		return true;
	}
	text_in(lc, tp, sg);
	return true;
}

/* The options. The layout every segment after the handshake carries
 * (RFC 7323 Appendix A: NOP, NOP, TS) is read as three words; any other
 * takes the list walk, which gives the same result for this one. */
static bool
opts_parse(const struct rte_tcp_hdr *th, uint32_t hl, struct dp_tcp_opts *o)
{
	const uint8_t *p = (const uint8_t *)(th + 1);
	uint32_t w[3];

	if (hl != sizeof(*th) + sizeof(w))
		return dp_tcp_opts_parse(th, hl, o);
	memcpy(w, p, sizeof(w));
	if (w[0] != RTE_BE32(0x0101080a))
		return dp_tcp_opts_parse(th, hl, o);
	memset(o, 0, sizeof(*o));
	o->has_ts = true;
	o->tsval = rte_be_to_cpu_32(w[1]);
	o->tsecr = rte_be_to_cpu_32(w[2]);
	return true;
}

/* The header, checked; the counters say why not. */
static bool
parse(struct dp_lcore *lc, struct rte_mbuf *m, struct dp_tcp_seg *sg)
{
	const struct rte_ipv4_hdr *ip =
		rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	uint32_t l3 = m->l3_len, tl, hl;
	const struct rte_tcp_hdr *th;
	uint8_t f;

	tl = rte_be_to_cpu_16(ip->total_length) - l3;
	if (rte_be_to_cpu_16(ip->total_length) < l3 + sizeof(*th) ||
			m->pkt_len < l3 + sizeof(*th)) {
		DP_STAT_INC(lc, tcp_short);
		return false;
	}
	/* A chain (TSO burst, reassembled datagram): the headers in its
	 * first mbuf, the payload anywhere (text_in). */
	if (m->data_len < l3 + sizeof(*th)) {
		DP_STAT_INC(lc, tcp_chained);
		return false;
	}
	th = (const struct rte_tcp_hdr *)((const uint8_t *)ip + l3);
	hl = (uint32_t)(th->data_off >> 4) * 4;
	if (hl < sizeof(*th) || hl > tl || l3 + tl > m->pkt_len) {
		DP_STAT_INC(lc, tcp_bad_doff);
		return false;
	}
	if (l3 + hl > m->data_len) {
		DP_STAT_INC(lc, tcp_chained);
		return false;
	}
	if (!(lc->eng->rx_cksum_offload && (m->ol_flags &
			RTE_MBUF_F_RX_L4_CKSUM_MASK) ==
			RTE_MBUF_F_RX_L4_CKSUM_GOOD) &&
			(m->next == NULL ?
			rte_ipv4_udptcp_cksum_verify(ip, th) :
			rte_ipv4_udptcp_cksum_mbuf_verify(m, ip, (uint16_t)l3))
			!= 0) {
		DP_STAT_INC(lc, tcp_bad_csum);
		return false;
	}
	if (IP_MC_BE(ip->dst_addr) || ip->dst_addr == IP_BCAST_BE ||
			ip->dst_addr == lc->eng->bcast ||
			IP_MC_BE(ip->src_addr) || ip->src_addr == IP_BCAST_BE) {
		DP_STAT_INC(lc, tcp_bad_dst);	/* MUST-57 */
		return false;
	}
	f = th->tcp_flags;
	/* Neither ACK, SYN nor RST is no malformation: a connection drops
	 * it (§3.10.7.4 "fifth"), no connection answers it with a RST,ACK
	 * (§3.10.7.1). */
	if ((f & RTE_TCP_SYN_FLAG) && (f & (RTE_TCP_FIN_FLAG |
			RTE_TCP_RST_FLAG))) {
		DP_STAT_INC(lc, tcp_odd_flags);
		return false;
	}
	if (!opts_parse(th, hl, &sg->o)) {
		/* MUST-7: a list we cannot walk; the segment goes (the
		 * peer retransmits), the connection stays. */
		DP_STAT_INC(lc, tcp_bad_opt);
		if (sg->o.overrun)
			DP_STAT_INC(lc, tcp_opt_overrun);
		else
			DP_STAT_INC(lc, tcp_opt_bad_len);
		return false;
	}
	if (sg->o.bad_size != 0)
		DP_STAT_ADD(lc, tcp_opt_bad_size, sg->o.bad_size);
	if (sg->o.unknown != 0)
		DP_STAT_ADD(lc, tcp_opt_unknown, sg->o.unknown);
	sg->m = m;
	sg->ip = ip;
	sg->th = th;
	sg->seq = rte_be_to_cpu_32(th->sent_seq);
	sg->ack = rte_be_to_cpu_32(th->recv_ack);
	sg->off = l3 + hl;
	sg->len = tl - hl;
	sg->win = rte_be_to_cpu_16(th->rx_win);
	sg->flags = f & (RTE_TCP_FIN_FLAG | RTE_TCP_SYN_FLAG |
		RTE_TCP_RST_FLAG | RTE_TCP_PSH_FLAG | RTE_TCP_ACK_FLAG);
	return true;
}

/* No connection on any lcore: its listener, or a RST. */
static void
no_connection(struct dp_lcore *lc, struct dp_tcp_seg *sg)
{
	struct dp_bind_group *g[2];
	struct dp_sock *ls = NULL;

	if (dp_demux_lookup(lc->eng, IPPROTO_TCP, sg->ip->dst_addr,
			sg->th->dst_port, g) != 0)
		ls = g[0] != NULL ? g[0]->s[0] : g[1]->s[0];
	if (ls != NULL && dp_tcp_state(dp_tcp_pcb(ls)) == DP_TCP_LISTEN) {
		dp_tcp_listen_input(lc, ls, sg);
		return;
	}
	DP_STAT_INC(lc, tcp_no_socket);
	dp_tcp_respond_rst(lc, sg->ip, sg->th, sg->len +
		!!(sg->flags & RTE_TCP_SYN_FLAG) +
		!!(sg->flags & RTE_TCP_FIN_FLAG));
}

static void hop_input(struct dp_lcore *lc, struct rte_mbuf *m);

/* m after hops lcores' tables missed it. Consumes m. */
static void
input(struct dp_lcore *lc, struct rte_mbuf *m, uint32_t hops)
{
	struct dp_engine *eng = lc->eng;
	struct dp_tcp_pcb *tp;
	struct dp_tcp_tw *tw;
	struct dp_tcp_seg sg;

	if (!parse(lc, m, &sg)) {
		rte_pktmbuf_free(m);
		return;
	}
	if (hops == 0)
		DP_STAT_INC(lc, tcp_rx);
	tp = dp_tcp_lookup(lc, sg.ip->dst_addr, sg.th->dst_port,
		sg.ip->src_addr, sg.th->src_port);
	if (tp == NULL && (tw = dp_tcp_tw_lookup(lc, sg.ip->dst_addr,
			sg.th->dst_port, sg.ip->src_addr,
			sg.th->src_port)) != NULL) {
		/* An orphan's TIME-WAIT (dp_tcp_timewait.c). */
		if (!dp_tcp_tw_input(lc, tw, &sg))
			no_connection(lc, &sg);
		seg_free(&sg);
		return;
	}
	if (tp == NULL && !dp_rss_on(&eng->rss) &&
			hops + 1 < eng->nb_lcores) {
		/* Without RSS any lcore may receive any flow: ask the next
		 * one's table. */
		dp_mbuf_priv(m)->dgram_len = hops + 1;
		DP_STAT_INC(lc, tcp_rx_redirect);
		dp_lcore_redirect(eng->lcores[(lc->id + 1) % eng->nb_lcores],
			m, hop_input);
		return;
	}
	/* An LRO'd burst (the loop port's TSO): the segments it holds. */
	if (tp != NULL)
		tp->segs_in += (m->ol_flags & RTE_MBUF_F_RX_LRO) &&
			m->tso_segsz != 0 && sg.len > m->tso_segsz ?
			(sg.len + m->tso_segsz - 1) / m->tso_segsz : 1;
	if (tp == NULL) {
		no_connection(lc, &sg);
	} else if (dp_tcp_state(tp) == DP_TCP_SYN_SENT) {
		syn_sent_input(lc, tp, &sg);
		if (dp_tcp_state(tp) != DP_TCP_CLOSED)
			dp_tcp_output(lc, tp);
	} else if (!established_input(lc, tp, &sg)) {
		no_connection(lc, &sg);
	} else if (dp_tcp_state(tp) != DP_TCP_CLOSED) {
		dp_tcp_output(lc, tp);
	}
	seg_free(&sg);
}

/* Handed on by another lcore, which counted the hops. */
static void
hop_input(struct dp_lcore *lc, struct rte_mbuf *m)
{
	input(lc, m, dp_mbuf_priv(m)->dgram_len);
}

void
dp_tcp_input(struct dp_lcore *lc, struct rte_mbuf *m)
{
	input(lc, m, 0);
}
