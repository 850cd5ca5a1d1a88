/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mbufs for application threads.
 *
 * Application threads are not EAL lcores, so the pool has no cache for
 * them and every get/put would hit its shared ring (measured: 886 Mobj/s
 * alone, 114 with two threads; dpdk-22.11-notes.md §4). A thread gets a
 * user-owned rte_mempool_cache on its first use instead, from a registry
 * of slots that outlives engines:
 *
 *  - a cache goes back (flushed to the pool, its slot free) when its
 *    thread exits, through the OS's thread-exit hook; dp_stop() flushes
 *    and frees every cache of its engine, whichever thread owns it;
 *  - all caches together hold at most an eighth of the pool: a cache
 *    holds up to 1.5x its size plus one request, so the number of slots
 *    handed out is bounded by that share, and threads beyond it use the
 *    pool's ring directly (slower, never short of mbufs others hoard).
 *
 * The registry lock orders a thread's exit against dp_stop(): whoever
 * takes a slot's cache first flushes it while the pool still exists.
 */
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_spinlock.h>

#include "dp_os.h"
#include "dp_core.h"
#include "dp_tsan.h"

#define MCACHE_SIZE	32
/* Most a cache holds: its flush threshold (frees come one at a time;
 * a get leaves exactly MCACHE_SIZE). */
#define MCACHE_HELD	(MCACHE_SIZE * 3 / 2)
#define MCACHE_SLOTS	256

struct mcache_slot {
	struct rte_mempool_cache *cache;	/* NULL: free */
	struct rte_mempool *mp;			/* the pool it caches */
	uint64_t gen;				/* engine it belongs to */
};

/* Process-wide by nature: threads outlive engines. */
static struct {
	rte_spinlock_t lock;
	struct mcache_slot slot[MCACHE_SLOTS];
	unsigned int used;			/* slots with a cache */
} reg = { .lock = RTE_SPINLOCK_INITIALIZER };

/* This thread's slot + 1 (0: none) for the engine of generation gen. */
static __thread struct {
	uint64_t gen;
	unsigned int slot;
} tls DP_TLS_IE;

/* Registry lock held: give a slot's cache back to its pool. */
static void
slot_release(struct mcache_slot *sl)
{
	rte_mempool_cache_flush(sl->cache, sl->mp);
	rte_mempool_cache_free(sl->cache);
	sl->cache = NULL;
	reg.used--;
}

/* The OS calls this when a thread that took a slot exits. */
static void
thread_exit(void *value)
{
	unsigned int i = (unsigned int)(uintptr_t)value - 1;
	uint64_t gen = tls.gen;

	rte_spinlock_lock(&reg.lock);
	/* dp_stop() may have released it already, and a new engine may
	 * have given the slot to another thread. */
	if (i < MCACHE_SLOTS && reg.slot[i].cache != NULL &&
			reg.slot[i].gen == gen)
		slot_release(&reg.slot[i]);
	rte_spinlock_unlock(&reg.lock);
}

static unsigned int
slots_allowed(const struct dp_engine *eng)
{
	unsigned int n = eng->conf.nb_mbufs / 8 / MCACHE_HELD;

	return n < MCACHE_SLOTS ? n : MCACHE_SLOTS;
}

static struct rte_mempool_cache *
cache_get(struct dp_engine *eng)
{
	struct mcache_slot *sl = NULL;
	unsigned int i;

	if (likely(tls.gen == eng->gen))
		return tls.slot != 0 ? reg.slot[tls.slot - 1].cache : NULL;
	tls.gen = eng->gen;
	tls.slot = 0;
	rte_spinlock_lock(&reg.lock);
	if (reg.used < slots_allowed(eng)) {
		for (i = 0; i < MCACHE_SLOTS && sl == NULL; i++)
			if (reg.slot[i].cache == NULL)
				sl = &reg.slot[i];
		sl->cache = rte_mempool_cache_create(MCACHE_SIZE,
			SOCKET_ID_ANY);
		if (sl->cache != NULL) {
			sl->mp = eng->mp;
			sl->gen = eng->gen;
			reg.used++;
			tls.slot = (unsigned int)(sl - reg.slot) + 1;
		}
	}
	rte_spinlock_unlock(&reg.lock);
	/* Past the share, this thread uses the pool's ring directly. */
	if (tls.slot == 0)
		return NULL;
	if (dp_os_thread_exit_set(thread_exit,
			(void *)(uintptr_t)tls.slot) != 0)
		DP_LOG(WARNING, "no thread-exit hook: this thread's mbuf "
			"cache stays until the engine stops");
	return sl->cache;
}

int
dp_mcache_alloc_bulk(struct dp_engine *eng, struct rte_mbuf **m,
		unsigned int n)
{
	if (rte_mempool_generic_get(eng->mp, (void **)m, n,
			cache_get(eng)) != 0)
		return -ENOBUFS;
	/* The pool's ring is a handoff TSan cannot see (dp_tsan.h). */
	DP_TSAN_ACQUIRE(eng->mp);
	for (unsigned int i = 0; i < n; i++)
		rte_pktmbuf_reset(m[i]);
	return 0;
}

struct rte_mbuf *
dp_mcache_alloc(struct dp_engine *eng)
{
	struct rte_mbuf *m;

	return dp_mcache_alloc_bulk(eng, &m, 1) == 0 ? m : NULL;
}

/* A chain, segment by segment (reassembled datagrams): each segment
 * holds a reference of every sharer, as rte_pktmbuf_free expects. */
static void
free_chain(struct dp_engine *eng, struct rte_mbuf *m)
{
	struct rte_mempool_cache *c = cache_get(eng);

	while (m != NULL) {
		/* Read before the segment may be reset and given away. */
		struct rte_mbuf *next = m->next, *seg;

		seg = rte_pktmbuf_prefree_seg(m);
		if (seg != NULL)
			rte_mempool_generic_put(eng->mp, (void **)&seg, 1, c);
		m = next;
	}
}

/* Free an mbuf a socket delivered; it may be shared by several sockets
 * (broadcast fan-out), so the reference count decides. */
void
dp_mcache_free(struct dp_engine *eng, struct rte_mbuf *m)
{
	DP_TSAN_RELEASE(eng->mp);
	if (unlikely(m->next != NULL)) {
		free_chain(eng, m);
		return;
	}
	m = rte_pktmbuf_prefree_seg(m);
	if (m != NULL)
		rte_mempool_generic_put(eng->mp, (void **)&m, 1,
			cache_get(eng));
}

/* The same for n of them, one cache look-up and one put for those of
 * one segment whose last reference this was. */
void
dp_mcache_free_bulk(struct dp_engine *eng, struct rte_mbuf **m,
		unsigned int n)
{
	struct rte_mempool_cache *c = cache_get(eng);
	struct rte_mbuf *put[64];
	unsigned int k = 0;

	DP_TSAN_RELEASE(eng->mp);
	for (unsigned int i = 0; i < n; i++) {
		struct rte_mbuf *seg;

		if (unlikely(m[i]->next != NULL)) {
			free_chain(eng, m[i]);
			continue;
		}
		seg = rte_pktmbuf_prefree_seg(m[i]);
		if (seg != NULL)
			put[k++] = seg;
		if (k == RTE_DIM(put)) {
			rte_mempool_generic_put(eng->mp, (void **)put, k, c);
			k = 0;
		}
	}
	if (k != 0)
		rte_mempool_generic_put(eng->mp, (void **)put, k, c);
}

/* Tests and fuzzers, with no other thread using the engine: mbufs free
 * but sitting in caches (the pool counts them in use). */
unsigned int
dp_mcache_held(const struct dp_engine *eng)
{
	unsigned int n = 0;

	rte_spinlock_lock(&reg.lock);
	for (unsigned int i = 0; i < MCACHE_SLOTS; i++)
		if (reg.slot[i].cache != NULL && reg.slot[i].gen == eng->gen)
			n += reg.slot[i].cache->len;
	rte_spinlock_unlock(&reg.lock);
	return n;
}

void
dp_mcache_flush_all(struct dp_engine *eng)
{
	rte_spinlock_lock(&reg.lock);
	for (unsigned int i = 0; i < MCACHE_SLOTS; i++)
		if (reg.slot[i].cache != NULL && reg.slot[i].gen == eng->gen)
			slot_release(&reg.slot[i]);
	rte_spinlock_unlock(&reg.lock);
}
