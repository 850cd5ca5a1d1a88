/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Watching many sockets: the queue of those that saw an event.
 *
 * A watcher marks a socket with a context (dp_sock_watch_set). When an
 * lcore ends an iteration (dp_wait_flush), each socket it noted that is
 * watched and not queued yet has its context enqueued on the table's
 * watch ring, and the taker is woken once if it sleeps. The taker
 * clears the socket's queued word (dp_sock_watch_rearm) before it looks
 * at the socket, so an event after the look queues it again:
 *
 *   lcore:  publish (rxq) ; full fence ; xchg(queued, 1) == 0 -> enqueue
 *   taker:  queued = 0 ; full fence ; look at the socket
 *
 * Either the look sees the event or the lcore sees queued == 0. The
 * cost is the taker's, per socket that changed, never per socket
 * watched; an idle watched socket costs nothing.
 *
 * watch_queued is written by whoever queues the socket and by the
 * taker, not by the owner alone: only the taker knows when it has
 * looked, and events come from every lcore (a socket's datagrams may
 * arrive on any queue).
 */
#include <errno.h>

#include <rte_atomic.h>
#include <rte_ring.h>

#include "dp_os.h"
#include "dp_sock_priv.h"
#include "dp_tsan.h"
#include "dp_wait.h"

bool
dp_sock_watch_push(struct dp_sock *s)
{
	struct dp_sock_table *t = s->eng->socks;
	void *ctx = __atomic_load_n(&s->watch_ctx, __ATOMIC_ACQUIRE);

	if (ctx == NULL || __atomic_exchange_n(&s->watch_queued, 1,
			__ATOMIC_ACQ_REL) != 0)
		return false;
	DP_TSAN_RELEASE(t->watch);
	/* Full: the taker checks every socket it watches instead. */
	if (rte_ring_mp_enqueue(t->watch, ctx) != 0)
		__atomic_store_n(&t->watch_overflow, 1, __ATOMIC_RELEASE);
	return true;
}

void
dp_sock_watch_wake(struct dp_sock_table *t)
{
	/* The enqueue must be visible before we read the waiters. */
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&t->watch_waiters, __ATOMIC_SEQ_CST) == 0)
		return;
	__atomic_fetch_add(&t->watch_seq, 1, __ATOMIC_SEQ_CST);
	dp_os_wake_all(&t->watch_seq);
}

void
dp_sock_watch_set(struct dp_sock *s, void *ctx)
{
	__atomic_store_n(&s->watch_ctx, ctx, __ATOMIC_RELEASE);
	/* A context queued for an earlier watch may have been dropped by
	 * its taker without a rearm: start unqueued (a duplicate in the
	 * queue costs one more look). */
	__atomic_store_n(&s->watch_queued, 0, __ATOMIC_RELEASE);
}

void
dp_sock_watch_signal(struct dp_sock *s)
{
	if (dp_sock_watch_push(s))
		dp_sock_watch_wake(s->eng->socks);
}

void
dp_sock_watch_rearm(struct dp_sock *s)
{
	__atomic_store_n(&s->watch_queued, 0, __ATOMIC_SEQ_CST);
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
}

struct take_wait {
	struct dp_sock_table *t;
	uint32_t seq0;		/* watch_seq when the wait began */
};

static bool
take_ready(void *arg)
{
	struct take_wait *w = arg;

	return !rte_ring_empty(w->t->watch) ||
		__atomic_load_n(&w->t->watch_overflow, __ATOMIC_ACQUIRE) ||
		__atomic_load_n(&w->t->watch_seq, __ATOMIC_ACQUIRE) != w->seq0;
}

static bool
take_stop(void *arg)
{
	(void)arg;
	return dp_engine_closing();
}

int
dp_sock_watch_take(void **ctx, unsigned int max, int64_t timeout_us,
		bool *overflow)
{
	struct dp_engine *eng = dp_engine_enter();
	struct dp_sock_table *t;
	struct take_wait tw;
	struct dp_wait w = { .ready = take_ready, .stop = take_stop,
		.arg = &tw };
	unsigned int n;

	if (eng == NULL)
		return -ENETDOWN;
	t = eng->socks;
	tw = (struct take_wait){ .t = t,
		.seq0 = __atomic_load_n(&t->watch_seq, __ATOMIC_ACQUIRE) };
	w.seq = &t->watch_seq;
	w.waiters = &t->watch_waiters;
	dp_wait_block(eng, &w, dp_wait_deadline(timeout_us));
	*overflow = __atomic_exchange_n(&t->watch_overflow, 0,
		__ATOMIC_ACQ_REL) != 0;
	n = rte_ring_sc_dequeue_burst(t->watch, ctx, max, NULL);
	if (n != 0)
		DP_TSAN_ACQUIRE(t->watch);
	dp_engine_exit();
	return (int)n;
}

void
dp_sock_watch_kick(void)
{
	struct dp_engine *eng = dp_engine_running();

	if (eng == NULL)
		return;
	__atomic_fetch_add(&eng->socks->watch_seq, 1, __ATOMIC_SEQ_CST);
	dp_os_wake_all(&eng->socks->watch_seq);
}
