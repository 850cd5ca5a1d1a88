/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ThreadSanitizer annotations for handoffs it cannot see (not installed).
 *
 * TSan follows C11 atomics, and in a TSan build the rings our code
 * inlines use them (meson sets RTE_USE_C11_MEM_MODEL there). What it
 * cannot follow is synchronisation inside DPDK's uninstrumented
 * libraries: the mempool's ring, a PMD's queues, the EAL's lcore launch
 * and wait, the rte_malloc heap. Each such handoff is annotated where it happens, a release
 * by the thread that gives an object up and an acquire by the one that
 * takes it; outside TSan builds the macros are empty.
 */
#ifndef _DP_TSAN_H_
#define _DP_TSAN_H_

#include <stddef.h>

#include <rte_hash.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_ring_peek.h>

#if defined(__SANITIZE_THREAD__)
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
#define DP_TSAN_ACQUIRE(p)	__tsan_acquire((void *)(p))
#define DP_TSAN_RELEASE(p)	__tsan_release((void *)(p))
#else
#define DP_TSAN_ACQUIRE(p)	do { } while (0)
#define DP_TSAN_RELEASE(p)	do { } while (0)
#endif

/*
 * The dataplane's heap: rte_malloc, whose lock (in EAL) orders a free by
 * one thread before another thread's allocation of the same memory.
 * These wrappers annotate that handoff on one object, the heap itself.
 */
extern char dp_tsan_heap;

static inline void *
dp_zmalloc(const char *type, size_t size, unsigned int align)
{
	void *p = rte_zmalloc(type, size, align);

	DP_TSAN_ACQUIRE(&dp_tsan_heap);
	return p;
}

static inline void *
dp_malloc(const char *type, size_t size, unsigned int align)
{
	void *p = rte_malloc(type, size, align);

	DP_TSAN_ACQUIRE(&dp_tsan_heap);
	return p;
}

static inline void
dp_free(void *p)
{
	DP_TSAN_RELEASE(&dp_tsan_heap);
	rte_free(p);
}

/*
 * Mbufs the stack takes from and gives back to its pool: another thread
 * may get the same mbuf next (through caches and the pool's ring).
 */
static inline struct rte_mbuf *
dp_pktmbuf_alloc(struct rte_mempool *mp)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);

	DP_TSAN_ACQUIRE(mp);
	return m;
}

static inline void
dp_pktmbuf_free(struct rte_mbuf *m)
{
	if (m != NULL)
		DP_TSAN_RELEASE(m->pool);
	rte_pktmbuf_free(m);
}

/*
 * n of them at once. Plain frames of one pool (direct, one segment, one
 * reference: what RX refuses) go straight back to it with one put, as a
 * PMD's fast free does; anything else through rte_pktmbuf_free_bulk.
 */
static inline void
dp_pktmbuf_free_bulk(struct rte_mbuf **m, unsigned int n)
{
	struct rte_mempool *mp = n != 0 ? m[0]->pool : NULL;

	for (unsigned int i = 0; i < n; i++) {
		DP_TSAN_RELEASE(m[i]->pool);
		if (m[i]->pool != mp || m[i]->next != NULL ||
				!RTE_MBUF_DIRECT(m[i]) ||
				rte_mbuf_refcnt_read(m[i]) != 1)
			mp = NULL;
	}
	if (mp != NULL)
		rte_mempool_put_bulk(mp, (void **)m, n);
	else
		rte_pktmbuf_free_bulk(m, n);
}

/*
 * Rings: what a producer wrote before it enqueued is the consumer's once
 * it has dequeued. TSan cannot follow rte_ring's multi-producer and HTS
 * handoffs (tests/tsan.supp says why), so in a TSan build every ring call
 * of the dataplane is wrapped here: a release on the ring before an
 * enqueue, an acquire after a dequeue that took something. The names stay
 * DPDK's, so no call site changes and none is forgotten -- as long as the
 * file includes this header, which every dataplane file using rings does.
 */
#if defined(__SANITIZE_THREAD__)
#define DP_TSAN_GIVE(r, call) __extension__ ({				\
	DP_TSAN_RELEASE(r);						\
	call;								\
})
#define DP_TSAN_TOOK(r, call, took) __extension__ ({			\
	__typeof__(call) took_ = (call);				\
	if (took_ took)							\
		DP_TSAN_ACQUIRE(r);					\
	took_;								\
})
#define rte_ring_enqueue(r, o) __extension__ ({				\
	struct rte_ring *r_ = (r);					\
	DP_TSAN_GIVE(r_, (rte_ring_enqueue)(r_, o));			\
})
#define rte_ring_enqueue_bulk(r, o, n, f) __extension__ ({		\
	struct rte_ring *r_ = (r);					\
	DP_TSAN_GIVE(r_, (rte_ring_enqueue_bulk)(r_, o, n, f));		\
})
#define rte_ring_enqueue_burst(r, o, n, f) __extension__ ({		\
	struct rte_ring *r_ = (r);					\
	DP_TSAN_GIVE(r_, (rte_ring_enqueue_burst)(r_, o, n, f));	\
})
#define rte_ring_dequeue(r, o) __extension__ ({				\
	struct rte_ring *r_ = (r);					\
	DP_TSAN_TOOK(r_, (rte_ring_dequeue)(r_, o), == 0);		\
})
#define rte_ring_sc_dequeue(r, o) __extension__ ({			\
	struct rte_ring *r_ = (r);					\
	DP_TSAN_TOOK(r_, (rte_ring_sc_dequeue)(r_, o), == 0);		\
})
#define rte_ring_dequeue_burst(r, o, n, a) __extension__ ({		\
	struct rte_ring *r_ = (r);					\
	DP_TSAN_TOOK(r_, (rte_ring_dequeue_burst)(r_, o, n, a), != 0);	\
})
#define rte_ring_sc_dequeue_burst(r, o, n, a) __extension__ ({		\
	struct rte_ring *r_ = (r);					\
	DP_TSAN_TOOK(r_, (rte_ring_sc_dequeue_burst)(r_, o, n, a), != 0); \
})
#define rte_ring_dequeue_bulk_start(r, o, n, a) __extension__ ({	\
	struct rte_ring *r_ = (r);					\
	DP_TSAN_TOOK(r_, (rte_ring_dequeue_bulk_start)(r_, o, n, a), != 0); \
})

/*
 * Hash tables the lcores read without locks (the bind table, multicast
 * groups): a writer fills an object, then publishes its pointer with
 * rte_hash_add_key_data; an lcore that finds it reads the object. The
 * publication happens inside librte_hash, so each add is a release on
 * the table and each lookup that found something an acquire.
 */
#define rte_hash_add_key_data(h, k, d) __extension__ ({			\
	const struct rte_hash *h_ = (h);				\
	DP_TSAN_GIVE(h_, (rte_hash_add_key_data)(h_, k, d));		\
})
#define rte_hash_lookup_data(h, k, d) __extension__ ({			\
	const struct rte_hash *h_ = (h);				\
	DP_TSAN_TOOK(h_, (rte_hash_lookup_data)(h_, k, d), >= 0);	\
})
#define rte_hash_lookup_bulk_data(h, k, n, hits, d) __extension__ ({	\
	const struct rte_hash *h_ = (h);				\
	DP_TSAN_TOOK(h_, (rte_hash_lookup_bulk_data)(h_, k, n, hits, d), \
		> 0);							\
})
#endif

#endif /* _DP_TSAN_H_ */
