/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SACK blocks we report as a receiver (RFC 2018) and D-SACK (RFC 2883),
 * on the owner lcore, when both sides sent SACK-permitted.
 *
 * The blocks are the contiguous runs of the out-of-order queue, kept in
 * the order RFC 2018 §4 asks for: the run holding the segment that
 * arrived last first, then the others as they were last reported. A
 * duplicate (data below RCV.NXT, or a repeat of held data) is reported
 * once, as the first block of the next ACK; a repeat of held data is
 * followed by the run that holds it (RFC 2883 §4). The option goes on
 * every segment that has room for it: 3 blocks beside timestamps, 4
 * without (40 bytes of options), fewer when a full segment leaves
 * less.
 */
#include <string.h>

#include "dp_tcp.h"

/* The held run [*start, *end) that covers seq; false if none does. */
static bool
run_of(const struct dp_tcp_pcb *tp, uint32_t seq, uint32_t *start,
		uint32_t *end)
{
	struct rte_mbuf *m;
	uint32_t cs = 0, ce = 0;
	bool open = false;

	for (m = tp->oq_head; m != NULL; m = dp_mbuf_priv(m)->next) {
		uint32_t s = dp_mbuf_priv(m)->addr, e = s + m->data_len;

		if (open && SEQ_LEQ(s, ce)) {
			if (SEQ_GT(e, ce))
				ce = e;
			continue;
		}
		if (open && SEQ_GEQ(seq, cs) && SEQ_LT(seq, ce))
			break;
		cs = s;
		ce = e;
		open = true;
	}
	if (!open || SEQ_LT(seq, cs) || SEQ_GEQ(seq, ce))
		return false;
	*start = cs;
	*end = ce;
	return true;
}

/* Block i out, the later ones moved up. */
static void
blk_remove(struct dp_tcp_pcb *tp, unsigned int i)
{
	memmove(&tp->sack_blk[i], &tp->sack_blk[i + 1],
		(tp->sack_n - i - 1) * sizeof(tp->sack_blk[0]));
	tp->sack_n--;
}

void
dp_tcp_sack_update(struct dp_tcp_pcb *tp, uint32_t seq)
{
	uint32_t s, e;
	unsigned int i;

	if (!(tp->tf & TF_SACK_OK) || !run_of(tp, seq, &s, &e))
		return;
	/* Blocks the run swallowed (it joined them) go. */
	for (i = 0; i < tp->sack_n; ) {
		if (SEQ_GEQ(tp->sack_blk[i][0], s) &&
				SEQ_LEQ(tp->sack_blk[i][1], e))
			blk_remove(tp, i);
		else
			i++;
	}
	if (tp->sack_n == DP_TCP_SACK_MAX)
		tp->sack_n--;		/* the least recently reported */
	memmove(&tp->sack_blk[1], &tp->sack_blk[0],
		tp->sack_n * sizeof(tp->sack_blk[0]));
	tp->sack_blk[0][0] = s;
	tp->sack_blk[0][1] = e;
	tp->sack_n++;
}

void
dp_tcp_sack_trim(struct dp_tcp_pcb *tp)
{
	unsigned int i;

	for (i = 0; i < tp->sack_n; ) {
		if (SEQ_LEQ(tp->sack_blk[i][1], tp->rcv_nxt)) {
			blk_remove(tp, i);
			continue;
		}
		if (SEQ_LT(tp->sack_blk[i][0], tp->rcv_nxt))
			tp->sack_blk[i][0] = tp->rcv_nxt;
		i++;
	}
}

void
dp_tcp_dsack(struct dp_tcp_pcb *tp, uint32_t seq, uint32_t end)
{
	if (!(tp->tf & TF_SACK_OK) || seq == end)
		return;
	/* One per ACK: a second duplicate before it went replaces it
	 * (the newest is what the sender wants to know about). */
	tp->dsack[0] = seq;
	tp->dsack[1] = end;
	tp->tf |= TF_DSACK;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

unsigned int
dp_tcp_sack_opt(struct dp_tcp_pcb *tp, uint8_t *o, unsigned int room)
{
	unsigned int max = room >= 4 ? (room - 4) / 8 : 0, n = 0, i;
	bool dsack = (tp->tf & TF_DSACK) != 0;

	if (max == 0 || (tp->sack_n == 0 && !dsack))
		return 0;
	o[0] = 1;			/* NOP NOP: the blocks 4-aligned */
	o[1] = 1;
	o[2] = 5;
	if (dsack) {
		put32(o + 4, tp->dsack[0]);
		put32(o + 8, tp->dsack[1]);
		n++;
		tp->tf &= ~TF_DSACK;	/* reported once (RFC 2883 §4) */
	}
	for (i = 0; i < tp->sack_n && n < max; i++, n++) {
		put32(o + 4 + 8 * n, tp->sack_blk[i][0]);
		put32(o + 8 + 8 * n, tp->sack_blk[i][1]);
	}
	o[3] = (uint8_t)(2 + 8 * n);
	return 4 + 8 * n;
}
