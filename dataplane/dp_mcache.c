/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mbufs for application threads.
 *
 * Application threads are not EAL lcores, so the pool has no cache for
 * them and every get/put would hit its shared ring (measured: 886 Mobj/s
 * alone, 114 with two threads; dpdk-22.11-notes.md §4). Each thread gets
 * a user-owned rte_mempool_cache instead, made on its first use and
 * remembered by the engine, which flushes and frees them all at
 * dp_stop() (the pool must be whole before it is freed). A thread that
 * exits leaves at most one cache's worth of mbufs there until then.
 *
 * The thread-local pointer carries the engine generation, so a cache of a
 * previous dp_start() is never used again.
 */
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "dp_sock_priv.h"

#define MCACHE_SIZE	64

static __thread struct {
	uint64_t gen;
	struct rte_mempool_cache *cache;
} tls;

static struct rte_mempool_cache *
cache_get(struct dp_engine *eng)
{
	struct dp_sock_table *t = eng->socks;
	struct rte_mempool_cache *c;

	if (likely(tls.gen == eng->gen))
		return tls.cache;
	c = NULL;
	rte_spinlock_lock(&t->caches_lock);
	if (t->nb_caches < RTE_DIM(t->caches)) {
		c = rte_mempool_cache_create(MCACHE_SIZE, SOCKET_ID_ANY);
		if (c != NULL)
			t->caches[t->nb_caches++] = c;
	}
	rte_spinlock_unlock(&t->caches_lock);
	/* Past the table's size threads share the pool's ring directly. */
	tls.gen = eng->gen;
	tls.cache = c;
	return c;
}

int
dp_mcache_alloc_bulk(struct dp_engine *eng, struct rte_mbuf **m,
		unsigned int n)
{
	if (rte_mempool_generic_get(eng->mp, (void **)m, n,
			cache_get(eng)) != 0)
		return -ENOBUFS;
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

/* Free a (single-segment) mbuf a socket delivered; it may be shared by
 * several sockets (broadcast fan-out), so the reference count decides. */
void
dp_mcache_free(struct dp_engine *eng, struct rte_mbuf *m)
{
	m = rte_pktmbuf_prefree_seg(m);
	if (m != NULL)
		rte_mempool_generic_put(eng->mp, (void **)&m, 1,
			cache_get(eng));
}

void
dp_mcache_flush_all(struct dp_engine *eng)
{
	struct dp_sock_table *t = eng->socks;

	for (unsigned int i = 0; i < t->nb_caches; i++) {
		rte_mempool_cache_flush(t->caches[i], eng->mp);
		rte_mempool_cache_free(t->caches[i]);
	}
	t->nb_caches = 0;
}
