/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The sender's scoreboard (RFC 6675), on the owner lcore: one record per
 * transmitted segment, in sequence order from SND.UNA, with the time it
 * last went out (RACK, RFC 8985) and what we know of it: SACKed by the
 * peer, marked lost, sent again since. The records live in a ring that
 * grows by doubling up to DP_TCP_TXR_MAX (output stops sending new data
 * when it is full), allocated on the first transmission, freed with the
 * send queue.
 *
 * The peer's SACK blocks are checked before they are believed: a first
 * block below the cumulative ACK or inside the second is a D-SACK (RFC
 * 2883 §4); any other block must lie within SND.UNA..SND.MAX, or it is
 * counted and ignored. A block marks only records it covers whole (we
 * cut the segments, the peer SACKs what it got). Work per ACK is bounded
 * by the records the blocks cover, found by binary search.
 */
#include <string.h>

#include "dp_tcp.h"

static inline uint32_t
rec_len(const struct dp_tcp_txrec *r)
{
	return r->end - r->seq;
}

/* r's share of the sacked/lost/retrans byte counts, off or on. */
static void
account(struct dp_tcp_pcb *tp, const struct dp_tcp_txrec *r, int sign)
{
	uint32_t n = rec_len(r);

	if (r->flags & TXR_SACKED) {
		tp->sacked_bytes += (uint32_t)sign * n;
		return;
	}
	if (r->flags & TXR_LOST)
		tp->lost_bytes += (uint32_t)sign * n;
	if (r->flags & TXR_RETRANS)
		tp->retrans_bytes += (uint32_t)sign * n;
}

uint32_t
dp_tcp_in_flight(const struct dp_tcp_pcb *tp)
{
	uint32_t out = tp->snd_max - tp->snd_una;
	uint32_t gone = tp->sacked_bytes + tp->lost_bytes;

	if (gone >= out + tp->retrans_bytes)
		return 0;
	return out + tp->retrans_bytes - gone;
}

static bool
grow(struct dp_tcp_pcb *tp)
{
	uint32_t cap = tp->txr_cap != 0 ? tp->txr_cap * 2 : DP_TCP_TXR_MIN;
	struct dp_tcp_txrec *n;

	if (cap > DP_TCP_TXR_MAX)
		return false;
	n = dp_malloc("dp_tcp_txr", cap * sizeof(*n), 0);
	if (n == NULL)
		return false;
	for (uint32_t i = 0; i < tp->txr_n; i++)
		n[i] = *dp_tcp_txr(tp, i);
	if (tp->txr != NULL)
		dp_free(tp->txr);
	tp->txr = n;
	tp->txr_cap = cap;
	tp->txr_first = 0;
	return true;
}

bool
dp_tcp_sb_room(struct dp_tcp_pcb *tp)
{
	return tp->txr_n < tp->txr_cap || grow(tp);
}

uint32_t
dp_tcp_sb_room_n(struct dp_tcp_pcb *tp, uint32_t n)
{
	while (tp->txr_cap - tp->txr_n < n && grow(tp))
		;
	return RTE_MIN(n, tp->txr_cap - tp->txr_n);
}

void
dp_tcp_sb_sent(struct dp_tcp_pcb *tp, uint32_t seq, uint32_t end, bool fin,
		uint64_t now)
{
	struct dp_tcp_txrec *r;

	if (seq == end || !dp_tcp_sb_room(tp))
		return;			/* output checked the room */
	r = dp_tcp_txr(tp, tp->txr_n++);
	r->seq = seq;
	r->end = end;
	r->xmit_us = now;
	r->flags = fin ? TXR_FIN : 0;
}

void
dp_tcp_sb_resent(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		struct dp_tcp_txrec *r, uint32_t bytes)
{
	account(tp, r, -1);
	if (r->flags & TXR_LOST)
		r->flags |= TXR_RETRANS;
	r->flags |= TXR_EVER_RETRANS;
	r->xmit_us = lc->now_us;
	account(tp, r, 1);
	DP_STAT_INC(lc, tcp_rexmit);
	DP_STAT_ADD(lc, tcp_rexmit_bytes, bytes);
	DP_TCP_CSTAT_ADD(tp, rexmit_segs, 1);
	DP_TCP_CSTAT_ADD(tp, rexmit_bytes, bytes);
	/* SIO_TCP_INFO: BytesRetrans, and BytesOut counts them too. */
	tp->bytes_retrans += bytes;
	/* Telemetry's by cause (an RTO's recovery lasts until snd_max). */
	if (tp->tf & TF_TLP_SEND)
		tp->rexmit_tlp++;
	else if (tp->recov == DP_TCP_CA_LOSS)
		tp->rexmit_rto++;
	else
		tp->rexmit_fast++;
	dp_tcp_info_note(lc, tp, bytes);
}

void
dp_tcp_sb_mark_lost(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		struct dp_tcp_txrec *r)
{
	uint32_t i = (uint32_t)((r - tp->txr - tp->txr_first) &
		(tp->txr_cap - 1));

	if (r->flags & TXR_SACKED)
		return;
	if ((r->flags & TXR_LOST) && !(r->flags & TXR_RETRANS))
		return;			/* marked, not sent yet */
	account(tp, r, -1);
	r->flags = (uint16_t)((r->flags | TXR_LOST) & ~TXR_RETRANS);
	account(tp, r, 1);
	if (i < tp->txr_hint)
		tp->txr_hint = i;
	(void)lc;
}

void
dp_tcp_sb_mark_all_lost(struct dp_tcp_pcb *tp)
{
	for (uint32_t i = 0; i < tp->txr_n; i++) {
		struct dp_tcp_txrec *r = dp_tcp_txr(tp, i);

		if (r->flags & TXR_SACKED)
			continue;
		account(tp, r, -1);
		r->flags = (uint16_t)((r->flags | TXR_LOST) & ~TXR_RETRANS);
		account(tp, r, 1);
	}
	tp->txr_hint = 0;
}

struct dp_tcp_txrec *
dp_tcp_sb_next_lost(struct dp_tcp_pcb *tp)
{
	for (; tp->txr_hint < tp->txr_n; tp->txr_hint++) {
		struct dp_tcp_txrec *r = dp_tcp_txr(tp, tp->txr_hint);

		if ((r->flags & (TXR_SACKED | TXR_LOST | TXR_RETRANS)) ==
				TXR_LOST)
			return r;
	}
	return NULL;
}

/* The first record whose end is past seq (records are in order). */
static uint32_t
find(const struct dp_tcp_pcb *tp, uint32_t seq)
{
	uint32_t lo = 0, hi = tp->txr_n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (SEQ_LEQ(dp_tcp_txr(tp, mid)->end, seq))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* A record reached the peer (SACKed now, or ACKed without having been
 * SACKed): RACK's view, and reordering if it filled a hole below one
 * SACKed before without being sent again. */
static void
delivered(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		const struct dp_tcp_txrec *r)
{
	if (!(r->flags & TXR_EVER_RETRANS) && SEQ_LT(r->end, tp->fack)) {
		tp->rack_reord = true;
		DP_STAT_ADD(lc, tcp_reorder_bytes, rec_len(r));
		DP_TCP_CSTAT_ADD(tp, reorder_bytes, rec_len(r));
	}
	dp_tcp_rack_delivered(tp, r, lc->now_us);
}

/* A D-SACK for [s, e): was it a retransmission of ours (spurious)? */
static void
dsack(struct dp_lcore *lc, struct dp_tcp_pcb *tp, uint32_t s, uint32_t e,
		struct dp_tcp_ackinfo *ai)
{
	ai->dsack = true;
	DP_STAT_INC(lc, tcp_dsack_rx);
	if (SEQ_LT(s, tp->snd_una)) {
		/* Below SND.UNA the records are gone: a retransmission
		 * sent once RACK or an RTO judged it lost. */
		DP_STAT_INC(lc, tcp_dsack_spurious);
		DP_TCP_CSTAT_ADD(tp, dsack_spurious, 1);
		return;
	}
	for (uint32_t i = find(tp, s); i < tp->txr_n; i++) {
		struct dp_tcp_txrec *r = dp_tcp_txr(tp, i);

		if (SEQ_GEQ(r->seq, e))
			break;
		if (r->flags & TXR_EVER_RETRANS) {
			DP_STAT_INC(lc, tcp_dsack_spurious);
			DP_TCP_CSTAT_ADD(tp, dsack_spurious, 1);
			break;
		}
	}
}

static void
sack_block(struct dp_lcore *lc, struct dp_tcp_pcb *tp, uint32_t s,
		uint32_t e, struct dp_tcp_ackinfo *ai)
{
	for (uint32_t i = find(tp, s); i < tp->txr_n; i++) {
		struct dp_tcp_txrec *r = dp_tcp_txr(tp, i);

		if (SEQ_GT(r->end, e))
			break;
		if (SEQ_LT(r->seq, s) || (r->flags & TXR_SACKED))
			continue;
		account(tp, r, -1);
		r->flags = (uint16_t)((r->flags | TXR_SACKED) &
			~(TXR_LOST | TXR_RETRANS));
		account(tp, r, 1);
		ai->newly_sacked += rec_len(r);
		delivered(lc, tp, r);
	}
	if (SEQ_GT(e, tp->fack))
		tp->fack = e;
}

/* The SACK option's blocks, checked (RFC 2883 §4 for the first). */
static void
sack_in(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		const struct dp_tcp_seg *sg, struct dp_tcp_ackinfo *ai)
{
	const struct dp_tcp_opts *o = &sg->o;
	uint32_t i = 0;

	if (o->nsack == 0 || !(tp->tf & TF_SACK_OK))
		return;
	if (SEQ_LT(o->sack[0][0], o->sack[0][1]) &&
			(SEQ_LEQ(o->sack[0][1], sg->ack) || (o->nsack > 1 &&
			SEQ_GEQ(o->sack[0][0], o->sack[1][0]) &&
			SEQ_LEQ(o->sack[0][1], o->sack[1][1])))) {
		dsack(lc, tp, o->sack[0][0], o->sack[0][1], ai);
		i = 1;
	}
	for (; i < o->nsack; i++) {
		uint32_t s = o->sack[i][0], e = o->sack[i][1];

		if (!SEQ_LT(s, e) || SEQ_LT(s, tp->snd_una) ||
				SEQ_GT(e, tp->snd_max)) {
			DP_STAT_INC(lc, tcp_sack_bad);
			continue;
		}
		if (SEQ_LEQ(e, sg->ack))
			continue;	/* ACKed by this very segment */
		ai->sacks = true;
		sack_block(lc, tp, s, e, ai);
	}
}

void
dp_tcp_sb_ack(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		const struct dp_tcp_seg *sg, struct dp_tcp_ackinfo *ai)
{
	uint32_t ack = sg->ack;

	sack_in(lc, tp, sg, ai);
	if (!SEQ_GT(ack, tp->snd_una))
		goto out;
	ai->acked = ack - tp->snd_una;
	while (tp->txr_n > 0) {
		struct dp_tcp_txrec *r = dp_tcp_txr(tp, 0);

		if (SEQ_LEQ(r->end, ack)) {
			if (!(r->flags & TXR_SACKED))
				delivered(lc, tp, r);
			account(tp, r, -1);
			tp->txr_first = (tp->txr_first + 1) &
				(tp->txr_cap - 1);
			tp->txr_n--;
			if (tp->txr_hint > 0)
				tp->txr_hint--;
			continue;
		}
		if (SEQ_LT(r->seq, ack)) {	/* partly ACKed */
			account(tp, r, -1);
			r->seq = ack;
			account(tp, r, 1);
		}
		break;
	}
out:
	ai->delivered = ai->acked + ai->newly_sacked;
	tp->sack_acks_in += ai->sacks;
	tp->dsacks_in += ai->dsack;
	if (tp->txr_n == 0)
		tp->sacked_bytes = tp->lost_bytes = tp->retrans_bytes = 0;
}

void
dp_tcp_sb_free(struct dp_tcp_pcb *tp)
{
	if (tp->txr != NULL)
		dp_free(tp->txr);
	tp->txr = NULL;
	tp->txr_cap = tp->txr_n = tp->txr_first = tp->txr_hint = 0;
	tp->sacked_bytes = tp->lost_bytes = tp->retrans_bytes = 0;
}
