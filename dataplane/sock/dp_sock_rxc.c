/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The receiving application's batch (struct dp_rxc): a datagram socket's
 * consumer takes up to DP_RXC_BATCH datagrams off its receive queue with
 * one ring access and serves the next receives from them, so a reader
 * that keeps up pays the ring's shared lines, the byte count's locked
 * subtraction and the pool's put once per batch instead of once per
 * datagram.
 *
 *   dp_udp_recv -> dp_rxc_lock -> dp_rxc_first (refill: one dequeue)
 *               -> copy -> dp_rxc_pop (batch done: one rx_bytes_q
 *               subtraction, one bulk free) -> dp_rxc_unlock
 *
 * What serializes concurrent receivers on one socket: before the batch,
 * the MC/HTS ring (each dequeue took a whole datagram); now c->lock,
 * held only while a receive looks at or copies one datagram, never
 * across a wait. Everything else that reads or drops what a socket
 * holds (close, connect's filter, FIONREAD) takes it too; readiness
 * reads c->avail without it (dp_sock_rx_pending).
 *
 * SO_RCVBUF: the batch's bytes stay in rx_bytes_q until the batch is
 * used up, so the lcores never queue more than SO_RCVBUF in ring and
 * batch together; the room comes back once per batch.
 */
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_ring_peek.h>

#include "dp_sock_priv.h"

/*
 * Refill an empty batch from the oldest ring. The entries are copied
 * between the start and the finish of the dequeue, and avail published
 * before the finish: a reader that finds the ring empty (it reads the
 * ring first) finds them in the batch.
 */
struct rte_mbuf *
dp_rxc_refill(struct dp_sock *s, struct dp_rxc *c)
{
	struct rte_ring *r = dp_ringq_head(&s->rxq);
	unsigned int k;

	if (r == NULL)
		return NULL;
	k = rte_ring_dequeue_burst_start(r, (void **)c->m, DP_RXC_BATCH,
		NULL);
	if (k == 0)
		return NULL;	/* an empty start holds nothing to finish */
	c->head = 0;
	c->n = (uint16_t)k;
	__atomic_store_n(&c->avail, k, __ATOMIC_RELEASE);
	rte_ring_dequeue_finish(r, k);
	return c->m[0];
}

/* The batch is used up: its bytes leave the count, its mbufs the pool's
 * cache, each once. */
void
dp_rxc_done(struct dp_sock *s, struct dp_rxc *c)
{
	__atomic_fetch_sub(&s->rx_bytes_q, c->taken, __ATOMIC_RELEASE);
	__atomic_store_n(&c->taken, 0, __ATOMIC_RELAXED);
	dp_mcache_free_bulk(s->eng, c->m, c->n);
	c->head = c->n = 0;
}

/*
 * Keep only the cached datagrams keep() accepts (connect's filter), in
 * order; the others are dropped as unread. c->lock held.
 */
void
dp_rxc_filter(struct dp_sock *s, struct dp_rxc *c,
		bool (*keep)(struct rte_mbuf *m, uint64_t arg),
		uint64_t arg)
{
	uint16_t k = c->head;

	for (uint16_t i = c->head; i < c->n; i++) {
		struct rte_mbuf *m = c->m[i];
		uint32_t len = dp_mbuf_priv(m)->dgram_len;

		if (keep(m, arg)) {
			c->m[k++] = m;
			continue;
		}
		__atomic_fetch_sub(&s->rx_bytes_q, len, __ATOMIC_RELAXED);
		__atomic_fetch_add(&s->st.drop_unread, 1, __ATOMIC_RELAXED);
		dp_mcache_free(s->eng, m);
	}
	/* Those before head were taken: they stay, freed with the batch. */
	c->n = k;
	__atomic_store_n(&c->avail, (uint32_t)(c->n - c->head),
		__ATOMIC_RELEASE);
	if (c->head == c->n && c->n != 0)
		dp_rxc_done(s, c);
}

/*
 * Everything cached goes, unread (close, or the socket freed): counted
 * in drop_unread when count is set, bytes out of rx_bytes_q, mbufs
 * freed. c->lock held, or no other thread can reach s.
 */
void
dp_rxc_drain(struct dp_sock *s, struct dp_rxc *c, bool count)
{
	uint32_t left = (uint32_t)(c->n - c->head);
	uint64_t bytes = 0;

	if (c->n == 0)
		return;
	for (uint16_t i = c->head; i < c->n; i++)
		bytes += dp_mbuf_priv(c->m[i])->dgram_len;
	if (count && left != 0)
		__atomic_fetch_add(&s->st.drop_unread, left,
			__ATOMIC_RELAXED);
	__atomic_store_n(&c->taken, c->taken + bytes, __ATOMIC_RELAXED);
	__atomic_store_n(&c->avail, 0, __ATOMIC_RELEASE);
	dp_rxc_done(s, c);
}

size_t
dp_rxc_bytes(struct dp_sock *s, struct dp_rxc *c)
{
	uint64_t q;

	dp_rxc_lock(c);
	q = __atomic_load_n(&s->rx_bytes_q, __ATOMIC_ACQUIRE) - c->taken;
	dp_rxc_unlock(c);
	return (size_t)q;
}
