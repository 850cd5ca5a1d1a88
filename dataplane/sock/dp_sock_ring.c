/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Socket rings: their size from SO_RCVBUF/SO_SNDBUF, and the queue of
 * rings (struct dp_ringq) that lets either direction grow when the
 * buffer is raised while it is in use.
 *
 * Applications commonly raise SO_RCVBUF after bind (market-data feeds do
 * it to ride out bursts) and SO_SNDBUF after their first send, so a ring
 * cannot be sized once. A ring cannot grow in place under lock-free
 * producers and consumers, so growing makes a bigger one and chains it
 * after the old:
 *
 *   r[0] ... r[n-1]   every ring since the first, oldest first
 *   prod = r[n-1]     where producers enqueue
 *   cons              the oldest ring that may still hold entries
 *   sealed            rings below it get no more entries
 *
 * After prod moves to the new ring, a grace period waits out any
 * producer still enqueueing into the old one; only then is the old ring
 * sealed, and consumers move past it once it is empty. Order is kept:
 * everything in a sealed ring is older than anything in the next. Each
 * ring is at least twice the last and capped, so a queue has at most
 * DP_RINGQ_MAX of them; they are freed with the socket.
 *
 * The grace period is the producers': lcores for receive (the QSBR
 * wait), application threads for transmit (dp_sock_tx_enter/exit, an
 * epoch pair of counters on the socket).
 */
#include <errno.h>

#include <rte_malloc.h>
#include <rte_pause.h>
#include <rte_ring.h>

#include "dp_sock_priv.h"
#include "dp_tsan.h"

#define RING_MIN	256
#define RING_MAX	65536
#define BYTES_PER_SLOT	64	/* smallest datagram we size rings for */

/* Receive rings: any lcore enqueues, application threads dequeue (HTS
 * keeps preempted consumers from stalling the others). Transmit rings:
 * application threads enqueue (HTS, same reason), the owner dequeues. */
#define RX_RING_FLAGS	RING_F_MC_HTS_DEQ
#define TX_RING_FLAGS	(RING_F_MP_HTS_ENQ | RING_F_SC_DEQ)

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
	r = dp_zmalloc("dp_sock_ring", (size_t)sz, RTE_CACHE_LINE_SIZE);
	if (r == NULL)
		return NULL;
	if (rte_ring_init(r, "dp_sock", exact ? slots : slots + 1,
			flags | exact) != 0) {
		dp_free(r);
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
	dp_free(r);
}

/* ---- a queue of rings ---- */

/* The first ring, before any producer or consumer uses q. */
static int
ringq_init(struct dp_engine *eng, struct dp_ringq *q, uint32_t bytes,
		unsigned int flags)
{
	struct rte_ring *r;

	if (__atomic_load_n(&q->prod, __ATOMIC_ACQUIRE) != NULL)
		return 0;
	r = dp_sock_ring_new(eng, bytes, flags);
	if (r == NULL)
		return -ENOBUFS;
	/* n publishes r[0] to readers that look at a queue being set up
	 * (dp_ringq_pending from select or event select on another
	 * thread), as ringq_grow publishes the next ring. */
	q->r[0] = r;
	__atomic_store_n(&q->n, 1, __ATOMIC_RELEASE);
	__atomic_store_n(&q->prod, r, __ATOMIC_RELEASE);
	return 0;
}

/*
 * Chain a ring sized for bytes after the others, if that holds more
 * than the newest (a smaller buffer is enforced in bytes by the caller;
 * the rings keep what they hold). grace(s) returns once no producer can
 * still be enqueueing into the old newest ring. s->lock held.
 */
static int
ringq_grow(struct dp_sock *s, struct dp_ringq *q, uint32_t bytes,
		unsigned int flags, void (*grace)(struct dp_sock *))
{
	/* prod before n: a lazy receive ring's owner (dp_sock_rxq_make)
	 * stores n, then prod. */
	struct rte_ring *r = __atomic_load_n(&q->prod, __ATOMIC_ACQUIRE);
	uint8_t n;

	if (r == NULL)
		return 0;
	n = __atomic_load_n(&q->n, __ATOMIC_ACQUIRE);
	if (n == DP_RINGQ_MAX || slots_for(s->eng, bytes) <=
			rte_ring_get_capacity(r))
		return 0;
	r = dp_sock_ring_new(s->eng, bytes, flags);
	if (r == NULL)
		return -ENOBUFS;
	q->r[n] = r;
	__atomic_store_n(&q->n, n + 1, __ATOMIC_RELEASE);
	__atomic_store_n(&q->prod, r, __ATOMIC_SEQ_CST);
	grace(s);
	__atomic_store_n(&q->sealed, n, __ATOMIC_RELEASE);
	return 0;
}

bool
dp_ringq_pending(struct dp_ringq *q)
{
	uint8_t n = __atomic_load_n(&q->n, __ATOMIC_ACQUIRE);

	for (uint8_t i = __atomic_load_n(&q->cons, __ATOMIC_ACQUIRE);
			i < n; i++)
		if (!rte_ring_empty(q->r[i]))
			return true;
	return false;
}

/* The slow half of dp_ringq_head: step over sealed, empty rings. */
struct rte_ring *
dp_ringq_advance(struct dp_ringq *q, uint8_t c)
{
	while (c < __atomic_load_n(&q->sealed, __ATOMIC_ACQUIRE) &&
			rte_ring_empty(q->r[c]))
		/* On failure c is reloaded: another consumer moved on. */
		if (__atomic_compare_exchange_n(&q->cons, &c,
				(uint8_t)(c + 1), false, __ATOMIC_ACQ_REL,
				__ATOMIC_ACQUIRE))
			c++;
	return q->r[c];
}

/* What is queued in every ring, gone (its mbufs freed). */
static void
ringq_drain(struct dp_engine *eng, struct dp_ringq *q)
{
	struct rte_mbuf *m;

	for (uint8_t i = 0; i < q->n; i++)
		while (rte_ring_dequeue(q->r[i], (void **)&m) == 0)
			dp_mcache_free(eng, m);
}

static void
ringq_free(struct dp_engine *eng, struct dp_ringq *q)
{
	for (uint8_t i = 0; i < q->n; i++)
		dp_sock_ring_free(eng, q->r[i]);
	q->n = 0;
	q->prod = NULL;
}

/* ---- receive ---- */

/* Lcores are the receive queue's producers: an iteration of each. */
static void
rx_grace(struct dp_sock *s)
{
	dp_qsbr_wait(s->eng);
}

/* s->lock held, before the socket is findable by lcores. */
int
dp_sock_rxq_init(struct dp_sock *s)
{
	return ringq_init(s->eng, &s->rxq, s->rcvbuf, RX_RING_FLAGS);
}

/*
 * The owner lcore, at its protocol's first delivery to s (ops->rxq_lazy):
 * the first receive ring, sized by SO_RCVBUF as it is then. An idle
 * connection holds none; the ring was most of its memory. The owner
 * writes r[0], n and prod (ringq_init's order), which only it does while
 * prod is NULL; application threads look at the ring only after an
 * acquire load of prod or n, and grow it (s->lock) only once prod is
 * set. NULL: no memory for it (the caller drops, as when it is full).
 */
struct rte_ring *
dp_sock_rxq_make(struct dp_sock *s)
{
	if (ringq_init(s->eng, &s->rxq, __atomic_load_n(&s->rcvbuf,
			__ATOMIC_RELAXED), RX_RING_FLAGS) != 0)
		return NULL;
	return s->rxq.prod;
}

/* s->lock held. */
int
dp_sock_rxq_grow(struct dp_sock *s, uint32_t bytes)
{
	return ringq_grow(s, &s->rxq, bytes, RX_RING_FLAGS, rx_grace);
}

void
dp_sock_rxq_drain(struct dp_sock *s)
{
	ringq_drain(s->eng, &s->rxq);
}

/* ---- transmit ---- */

/*
 * Application threads are the transmit queue's producers. Each enters
 * (counted under the current epoch) before it reads txq.prod and leaves
 * after its enqueue. The grace period moves the epoch on and waits for
 * the old one's count to drain: a sender that entered under the new
 * epoch cannot have read the old ring (prod was stored first). Two
 * counters, so a steady stream of senders cannot keep it from draining.
 */
unsigned int
dp_sock_tx_enter(struct dp_sock *s)
{
	unsigned int e = __atomic_load_n(&s->tx_epoch, __ATOMIC_SEQ_CST) & 1;

	__atomic_fetch_add(&s->tx_senders[e], 1, __ATOMIC_SEQ_CST);
	return e;
}

void
dp_sock_tx_exit(struct dp_sock *s, unsigned int e)
{
	__atomic_fetch_sub(&s->tx_senders[e], 1, __ATOMIC_RELEASE);
}

void
dp_sock_tx_grace(struct dp_sock *s)
{
	unsigned int e = __atomic_fetch_add(&s->tx_epoch, 1,
		__ATOMIC_SEQ_CST) & 1;

	while (__atomic_load_n(&s->tx_senders[e], __ATOMIC_ACQUIRE) != 0)
		rte_pause();
}

/* The transmit queue is made on first use, so SO_SNDBUF set after
 * socket() still sizes it. */
int
dp_sock_txq_init(struct dp_sock *s)
{
	int ret;

	if (__atomic_load_n(&s->txq.prod, __ATOMIC_ACQUIRE) != NULL)
		return 0;
	rte_spinlock_lock(&s->lock);
	ret = ringq_init(s->eng, &s->txq, s->sndbuf, TX_RING_FLAGS);
	rte_spinlock_unlock(&s->lock);
	return ret;
}

/* s->lock held. */
int
dp_sock_txq_grow(struct dp_sock *s, uint32_t bytes)
{
	return ringq_grow(s, &s->txq, bytes, TX_RING_FLAGS, dp_sock_tx_grace);
}

void
dp_sock_rings_free(struct dp_sock *s)
{
	ringq_free(s->eng, &s->rxq);
	ringq_free(s->eng, &s->txq);
}
