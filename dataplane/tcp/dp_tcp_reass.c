/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP reassembly on the owner lcore: in-order payload onto the
 * application's ring, segments beyond a hole held (sorted, bounded by
 * DP_TCP_OOO_MAX) until RCV.NXT reaches them (RFC 9293 SHLD-31).
 */
#include <string.h>

#include <rte_atomic.h>
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

/* Payload mbufs m[0..n) onto the application's ring (made by the first
 * delivery: an idle connection holds none), as many as it has room for
 * and in one enqueue: a chain's are one burst, so the lines the reader
 * shares (the ring's, rx_bytes_q) move once a burst, not once an mbuf.
 * How many went on. counted: their bytes are in rx_bytes_q already
 * (held, bq_add). */
static unsigned int
ring_put(struct dp_lcore *lc, struct dp_tcp_pcb *tp, struct rte_mbuf **m,
		unsigned int n, bool counted)
{
	struct dp_sock *s = tp->s;
	struct rte_ring *r = __atomic_load_n(&s->rxq.prod, __ATOMIC_ACQUIRE);
	uint32_t bytes = 0, put = 0, avg = tp->rx_slot_avg;
	uint16_t lens[DP_TCP_RUN_MAX];
	unsigned int k;

	RTE_ASSERT(n <= DP_TCP_RUN_MAX);
	if (unlikely(r == NULL) && (r = dp_sock_rxq_make(s)) == NULL)
		return 0;
	/* Lengths first: once on the ring, an mbuf is the reader's. */
	for (unsigned int i = 0; i < n; i++) {
		lens[i] = m[i]->data_len;
		bytes += lens[i];
	}
	if (!counted)
		__atomic_fetch_add(&s->rx_bytes_q, bytes, __ATOMIC_ACQ_REL);
	k = rte_ring_enqueue_burst(r, (void **)m, n, NULL);
	for (unsigned int i = 0; i < k; i++) {
		uint32_t len = lens[i];

		put += len;
		/* What a ring slot carries, on average (1/8 EWMA): the
		 * window's slot bound (dp_tcp_rcv_space). */
		avg = avg == 0 ? len : (uint32_t)(((uint64_t)avg * 7 + len) / 8);
	}
	if (!counted && put != bytes)
		__atomic_fetch_sub(&s->rx_bytes_q, bytes - put,
			__ATOMIC_RELAXED);
	if (k == 0)
		return 0;
	tp->rx_slot_avg = avg;
	__atomic_fetch_add(&s->st.rx_dgrams, k, __ATOMIC_RELAXED);
	__atomic_fetch_add(&s->st.rx_bytes, put, __ATOMIC_RELAXED);
	tp->bytes_in += put;
	dp_wait_note(lc, s);
	return k;
}

bool
dp_tcp_deliver(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		struct rte_mbuf *m)
{
	return ring_put(lc, tp, &m, 1, false) == 1;
}

unsigned int
dp_tcp_deliver_bulk(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		struct rte_mbuf **m, unsigned int n)
{
	return tp->bq_head == NULL ? ring_put(lc, tp, m, n, false) : 0;
}

/*
 * The ring holds a segment a slot whatever its size, so a peer's short
 * segments can fill it while the window we advertised (which never
 * shrinks, SHLD-14) still has bytes: what comes in order then waits
 * here, ACKed, small ones copied into the tail's room, and goes onto
 * the ring as the reader frees slots (its read rings us: window_kick;
 * a read that finds only held bytes asks us for them: tcp_recv).
 *
 * Held bytes are in rx_bytes_q from the moment they are held, so
 * FIONREAD and the window count them once, in one word the reader
 * lowers as it copies: no sum of two counters that a move between them
 * could show twice. bq_n is stored after each change and fenced before
 * the ring is tried again: a read that emptied the ring in between sees
 * it (Dekker with window_kick, dp_tcp_usrreq.c). Its release store
 * after the enqueue pairs with the acquire load of readiness
 * (tcp_events), which then looks at the ring: never "nothing" while
 * bytes are held or on the ring.
 */
void
dp_tcp_bq_drain(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	struct rte_mbuf *m;

	while ((m = tp->bq_head) != NULL) {
		struct rte_mbuf *next = dp_mbuf_priv(m)->next;
		uint32_t len = m->data_len;

		if (ring_put(lc, tp, &m, 1, true) != 1)
			return;
		tp->bq_head = next;
		if (next == NULL)
			tp->bq_tail = NULL;
		tp->bq_bytes -= len;
		/* Release: a reader that finds 0 finds the data queued. */
		__atomic_store_n(&tp->bq_n, tp->bq_n - 1, __ATOMIC_RELEASE);
	}
}

static bool
bq_add(struct dp_tcp_pcb *tp, struct rte_mbuf *m)
{
	struct rte_mbuf *t = tp->bq_tail;
	uint32_t len = m->data_len;
	uint8_t *d;

	/* Into the tail's room only if that buffer is the tail's alone: a
	 * burst from the loop port references its sender's send queue. */
	if (t != NULL && dp_tcp_mbuf_writable(t) &&
			len <= rte_pktmbuf_tailroom(t)) {
		d = (uint8_t *)rte_pktmbuf_append(t, (uint16_t)len);
		memcpy(d, rte_pktmbuf_mtod(m, const uint8_t *), len);
		dp_mbuf_priv(t)->dgram_len += len;
		rte_pktmbuf_free(m);
	} else if (tp->bq_n >= DP_TCP_BQ_MAX) {
		return false;
	} else {
		dp_tcp_mlist_append(&tp->bq_head, &tp->bq_tail, m);
		__atomic_store_n(&tp->bq_n, tp->bq_n + 1, __ATOMIC_SEQ_CST);
	}
	tp->bq_bytes += len;
	/* Readable from now on (FIONREAD): a read gets it (tcp_recv). */
	__atomic_fetch_add(&tp->s->rx_bytes_q, len, __ATOMIC_ACQ_REL);
	return true;
}

bool
dp_tcp_deliver_held(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		struct rte_mbuf *m)
{
	if (likely(tp->bq_head == NULL) && dp_tcp_deliver(lc, tp, m))
		return true;
	dp_tcp_bq_drain(lc, tp);
	if (tp->bq_head == NULL && dp_tcp_deliver(lc, tp, m))
		return true;
	if (!bq_add(tp, m))
		return false;
	DP_STAT_INC(lc, tcp_rx_held);
	/* The reader may have emptied the ring since it was tried. */
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	dp_tcp_bq_drain(lc, tp);
	return true;
}

/* Owner: the held queue, emptied (its bytes stay in rx_bytes_q: the
 * caller hands them to the reader, dp_tcp_rx_adopt); NULL if none. */
struct rte_mbuf *
dp_tcp_bq_take(struct dp_tcp_pcb *tp, struct rte_mbuf **tail,
		uint32_t *bytes)
{
	struct rte_mbuf *m = tp->bq_head;

	*tail = tp->bq_tail;
	*bytes = tp->bq_bytes;
	tp->bq_head = tp->bq_tail = NULL;
	tp->bq_bytes = 0;
	return m;
}

/* The socket is being freed: rx_bytes_q no longer matters. */
void
dp_tcp_bq_free(struct dp_tcp_pcb *tp)
{
	struct rte_mbuf *tail;
	uint32_t bytes;

	dp_tcp_mlist_free(dp_tcp_bq_take(tp, &tail, &bytes));
	__atomic_store_n(&tp->bq_n, 0, __ATOMIC_RELEASE);
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
		if (!dp_tcp_deliver_held(lc, tp, m)) {
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
