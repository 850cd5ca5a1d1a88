/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Socket rings: their size from SO_RCVBUF/SO_SNDBUF, and the receive
 * queue that grows when SO_RCVBUF is raised after bind.
 *
 * Applications commonly bind, then raise SO_RCVBUF (market-data feeds do
 * it to ride out bursts), so the RX ring cannot be sized once at bind. A
 * ring cannot grow in place under lock-free producers and consumers, so
 * growing makes a bigger one and chains it after the old:
 *
 *   rxq[0] ... rxq[n-1]      every ring since bind, oldest first
 *   rx = rxq[n-1]            where lcores enqueue
 *   rxq_cons                 the oldest ring that may still hold datagrams
 *   rxq_sealed               rings below it get no more datagrams
 *
 * After rx moves to the new ring, a grace period (dp_qsbr_wait) waits
 * out any lcore still enqueueing into the old one; only then is the old
 * ring sealed, and consumers move past it once it is empty. Order is
 * kept: everything in a sealed ring is older than anything in the next.
 * Each ring is at least twice the last and capped, so a socket has at
 * most DP_RXQ_RINGS of them; they are freed with the socket.
 */
#include <errno.h>

#include <rte_malloc.h>
#include <rte_ring.h>

#include "dp_sock_priv.h"

#define RING_MIN	256
#define RING_MAX	65536
#define BYTES_PER_SLOT	64	/* smallest datagram we size rings for */

/*
 * Usable slots for a byte limit, capped so that one socket never holds
 * more than a quarter of the mbuf pool: a reader that stops, or a sender
 * to a neighbour that never answers, with a large buffer must not starve
 * the rest of the stack (ARP, ICMP, every other socket) of mbufs.
 */
static uint32_t
slots_for(const struct dp_engine *eng, uint32_t bytes)
{
	uint32_t slots = rte_align32pow2(RTE_MAX(bytes / BYTES_PER_SLOT,
		1u)) - 1;
	uint32_t cap = eng->conf.nb_mbufs / 4;

	if (cap > RING_MAX - 1)
		cap = RING_MAX - 1;
	if (slots < RING_MIN - 1)
		slots = RING_MIN - 1;
	return slots > cap ? RTE_MAX(cap, (uint32_t)RING_MIN - 1) : slots;
}

struct rte_ring *
dp_sock_ring_new(const struct dp_engine *eng, uint32_t bytes,
		unsigned int flags)
{
	uint32_t slots = slots_for(eng, bytes);
	/* A power of two minus one fits its ring exactly; the cap needs
	 * RING_F_EXACT_SZ (the next power of two, only cap usable). */
	unsigned int exact = rte_is_power_of_2(slots + 1) ? 0 :
		RING_F_EXACT_SZ;
	ssize_t sz = rte_ring_get_memsize(rte_align32pow2(slots + 1));
	struct rte_ring *r;

	if (sz < 0)
		return NULL;
	/* Socket rings live in the heap, not in memzones: thousands of
	 * sockets would exhaust RTE_MAX_MEMZONE. */
	r = rte_zmalloc("dp_sock_ring", (size_t)sz, RTE_CACHE_LINE_SIZE);
	if (r == NULL)
		return NULL;
	if (rte_ring_init(r, "dp_sock", exact ? slots : slots + 1,
			flags | exact) != 0) {
		rte_free(r);
		return NULL;
	}
	return r;
}

void
dp_sock_ring_free(struct dp_engine *eng, struct rte_ring *r)
{
	struct rte_mbuf *m;

	if (r == NULL)
		return;
	while (rte_ring_dequeue(r, (void **)&m) == 0)
		dp_mcache_free(eng, m);
	rte_free(r);
}

/* s->lock held, before the socket is findable by lcores. */
int
dp_sock_rxq_init(struct dp_sock *s)
{
	struct rte_ring *r;

	if (s->rx != NULL)
		return 0;
	r = dp_sock_ring_new(s->eng, s->rcvbuf, RING_F_MC_HTS_DEQ);
	if (r == NULL)
		return -ENOBUFS;
	s->rxq[0] = r;
	s->rxq_n = 1;
	__atomic_store_n(&s->rx, r, __ATOMIC_RELEASE);
	return 0;
}

/*
 * s->lock held. Never shrinks: a smaller SO_RCVBUF is enforced in bytes
 * (deliver), and the ring keeps the datagrams already queued.
 */
int
dp_sock_rxq_grow(struct dp_sock *s, uint32_t bytes)
{
	uint8_t n = s->rxq_n;
	struct rte_ring *r;

	if (s->rx == NULL || n == DP_RXQ_RINGS ||
			slots_for(s->eng, bytes) <= rte_ring_get_capacity(s->rx))
		return 0;
	r = dp_sock_ring_new(s->eng, bytes, RING_F_MC_HTS_DEQ);
	if (r == NULL)
		return -ENOBUFS;
	s->rxq[n] = r;
	__atomic_store_n(&s->rxq_n, n + 1, __ATOMIC_RELEASE);
	__atomic_store_n(&s->rx, r, __ATOMIC_RELEASE);
	dp_qsbr_wait(s->eng);
	__atomic_store_n(&s->rxq_sealed, n, __ATOMIC_RELEASE);
	return 0;
}

bool
dp_sock_rxq_pending(struct dp_sock *s)
{
	uint8_t n = __atomic_load_n(&s->rxq_n, __ATOMIC_ACQUIRE);

	for (uint8_t i = __atomic_load_n(&s->rxq_cons, __ATOMIC_ACQUIRE);
			i < n; i++)
		if (!rte_ring_empty(s->rxq[i]))
			return true;
	return false;
}

/* The slow half of dp_sock_rxq_head: step over sealed, empty rings. */
struct rte_ring *
dp_sock_rxq_advance(struct dp_sock *s, uint8_t c)
{
	while (c < __atomic_load_n(&s->rxq_sealed, __ATOMIC_ACQUIRE) &&
			rte_ring_empty(s->rxq[c]))
		/* On failure c is reloaded: another consumer moved on. */
		if (__atomic_compare_exchange_n(&s->rxq_cons, &c,
				(uint8_t)(c + 1), false, __ATOMIC_ACQ_REL,
				__ATOMIC_ACQUIRE))
			c++;
	return s->rxq[c];
}

/* What was received and never read, in every ring. */
void
dp_sock_rxq_drain(struct dp_sock *s)
{
	struct rte_mbuf *m;

	for (uint8_t i = 0; i < s->rxq_n; i++)
		while (rte_ring_dequeue(s->rxq[i], (void **)&m) == 0)
			dp_mcache_free(s->eng, m);
}

void
dp_sock_rxq_free(struct dp_sock *s)
{
	for (uint8_t i = 0; i < s->rxq_n; i++)
		dp_sock_ring_free(s->eng, s->rxq[i]);
	s->rxq_n = 0;
	s->rx = NULL;
}
