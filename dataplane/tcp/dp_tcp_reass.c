/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP reassembly on the owner lcore: in-order payload onto the
 * application's ring, segments beyond a hole held (sorted, bounded by
 * DP_TCP_OOO_MAX) until RCV.NXT reaches them (RFC 9293 SHLD-31).
 */
#include <string.h>

#include <rte_mbuf.h>

#include "dp_tcp.h"

/* m's payload only, as the receive side keeps it. */
struct rte_mbuf *
dp_tcp_seg_take(struct dp_tcp_seg *sg)
{
	struct rte_mbuf *m = sg->m;

	sg->m = NULL;
	rte_pktmbuf_adj(m, (uint16_t)sg->off);
	rte_pktmbuf_trim(m, (uint16_t)(m->data_len - sg->len));
	dp_mbuf_priv(m)->next = NULL;
	dp_mbuf_priv(m)->addr = sg->seq;
	dp_mbuf_priv(m)->dgram_len = sg->len;
	return m;
}

/* Payload onto the application's ring (made by the first delivery: an
 * idle connection holds none); false if it has no room. */
bool
dp_tcp_deliver(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		struct rte_mbuf *m)
{
	struct dp_sock *s = tp->s;
	struct rte_ring *r = __atomic_load_n(&s->rxq.prod, __ATOMIC_ACQUIRE);
	uint32_t len = m->data_len;

	if (unlikely(r == NULL) && (r = dp_sock_rxq_make(s)) == NULL)
		return false;
	__atomic_fetch_add(&s->rx_bytes_q, len, __ATOMIC_ACQ_REL);
	if (rte_ring_enqueue(r, m) != 0) {
		__atomic_fetch_sub(&s->rx_bytes_q, len, __ATOMIC_RELAXED);
		return false;
	}
	__atomic_fetch_add(&s->st.rx_dgrams, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&s->st.rx_bytes, len, __ATOMIC_RELAXED);
	tp->bytes_in += len;
	/* What a ring slot carries, on average (1/8 EWMA): the window's
	 * slot bound (dp_tcp_rcv_space). */
	tp->rx_slot_avg = tp->rx_slot_avg == 0 ? len :
		(uint32_t)(((uint64_t)tp->rx_slot_avg * 7 + len) / 8);
	dp_wait_note(lc, s);
	return true;
}

/* Held segments that the hole's filling made in order move on. */
void
dp_tcp_reass_drain(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	struct rte_mbuf *m;

	while ((m = tp->oq_head) != NULL &&
			SEQ_LEQ(dp_mbuf_priv(m)->addr, tp->rcv_nxt)) {
		uint32_t seq = dp_mbuf_priv(m)->addr, len = m->data_len;
		uint32_t skip = tp->rcv_nxt - seq;

		tp->oq_head = dp_mbuf_priv(m)->next;
		tp->oq_n--;
		tp->oq_bytes -= len;
		if (skip >= len) {
			rte_pktmbuf_free(m);
			continue;
		}
		rte_pktmbuf_adj(m, (uint16_t)skip);
		len -= skip;
		if (!dp_tcp_deliver(lc, tp, m)) {
			DP_STAT_INC(lc, tcp_rx_full);
			rte_pktmbuf_free(m);
			break;
		}
		tp->rcv_nxt += len;
	}
	if ((tp->tf & TF_OOO_FIN) && tp->oq_fin_seq == tp->rcv_nxt) {
		tp->tf &= ~TF_OOO_FIN;
		dp_tcp_oq_free(tp);
		dp_tcp_fin_in(lc, tp);
	}
}

/*
 * A short segment that continues the held one before it (and does not
 * reach into the one after) goes into that one's tail: 1-byte segments
 * beyond a hole must not take an mbuf, and an entry of DP_TCP_OOO_MAX,
 * each. Never into a buffer that is not prev's alone (a burst over the
 * loop port references the sender's send queue). The segment's own
 * mbuf stays the caller's to free.
 */
static bool
reass_append(struct rte_mbuf *prev, struct rte_mbuf *next,
		const struct dp_tcp_seg *sg)
{
	uint8_t *d;

	if (prev == NULL || sg->len > DP_TCP_SMALL_SEG ||
			!dp_tcp_mbuf_writable(prev) ||
			dp_mbuf_priv(prev)->addr + prev->data_len != sg->seq ||
			(next != NULL && SEQ_LT(dp_mbuf_priv(next)->addr,
			sg->seq + sg->len)))
		return false;
	d = (uint8_t *)rte_pktmbuf_append(prev, (uint16_t)sg->len);
	if (d == NULL)
		return false;		/* no tailroom: an mbuf of its own */
	memcpy(d, rte_pktmbuf_mtod_offset(sg->m, const uint8_t *, sg->off),
		sg->len);
	dp_mbuf_priv(prev)->dgram_len += sg->len;
	return true;
}

/* Hold a segment beyond RCV.NXT (SHLD-31), sorted by sequence number. */
void
dp_tcp_reass_insert(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		struct dp_tcp_seg *sg)
{
	struct rte_mbuf *m, **p = &tp->oq_head, *prev = NULL;
	bool fin = (sg->flags & RTE_TCP_FIN_FLAG) != 0;
	uint32_t seq = sg->seq, len = sg->len;

	if (len == 0) {
		DP_STAT_INC(lc, tcp_ooo_drop);
		return;
	}
	while (*p != NULL && SEQ_LT(dp_mbuf_priv(*p)->addr, seq)) {
		prev = *p;
		p = &dp_mbuf_priv(*p)->next;
	}
	if (*p != NULL && dp_mbuf_priv(*p)->addr == seq &&
			(*p)->data_len >= len) {
		DP_STAT_INC(lc, tcp_ooo_drop);	/* a duplicate */
		dp_tcp_dsack(tp, seq, seq + len);
		dp_tcp_sack_update(tp, seq);
		return;
	}
	if (reass_append(prev, *p, sg)) {
		DP_STAT_INC(lc, tcp_ooo_coalesced);
	} else if (tp->oq_n >= DP_TCP_OOO_MAX) {
		DP_STAT_INC(lc, tcp_ooo_drop);
		return;
	} else {
		m = dp_tcp_seg_take(sg);
		dp_mbuf_priv(m)->next = *p;
		*p = m;
		tp->oq_n++;
	}
	tp->oq_bytes += len;
	tp->bytes_reordered += len;
	if (fin) {
		tp->tf |= TF_OOO_FIN;
		tp->oq_fin_seq = seq + len;
	}
	DP_STAT_INC(lc, tcp_ooo_held);
	dp_tcp_sack_update(tp, seq);
}
