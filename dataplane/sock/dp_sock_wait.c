/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Sockets' blocking calls and their wake-ups.
 *
 * Blocked application threads sleep on the socket's sequence word
 * (s->seq), or on the table's select word for select() (dp_wait.c has the
 * protocol). Lcores never make a system call per packet: they note which
 * sockets saw events during an iteration and, once per iteration (the
 * layer's poll_end), wake only those that have sleepers.
 */
#include <errno.h>

#include <rte_atomic.h>

#include "dp_os.h"
#include "dp_sock_priv.h"
#include "dp_wait.h"

/* dp_wait_note's first note of s this iteration (dp_sock_priv.h). */
void
dp_wait_note_new(struct dp_lcore *lc, struct dp_sock *s)
{
	uint64_t tag = dp_wait_tag(lc);

	/* Room for every socket: only two lcores taking turns at a tag
	 * could fill it, and then the notes so far are flushed. */
	if (lc->sock->nb_wake == lc->eng->conf.sockets) {
		dp_wait_flush(lc);
		tag = dp_wait_tag(lc);
	}
	__atomic_store_n(&s->wake_tag, tag, __ATOMIC_RELAXED);
	lc->sock->wake[lc->sock->nb_wake++] = s;
}

void
dp_wait_wake(struct dp_sock *s)
{
	__atomic_fetch_add(&s->seq, 1, __ATOMIC_SEQ_CST);
	dp_os_wake_all(&s->seq);
}

static void
wake_selectors(struct dp_sock_table *t)
{
	if (__atomic_load_n(&t->sel_waiters, __ATOMIC_SEQ_CST) == 0)
		return;
	__atomic_fetch_add(&t->sel_seq, 1, __ATOMIC_SEQ_CST);
	dp_os_wake_all(&t->sel_seq);
}

void
dp_wait_flush(struct dp_lcore *lc)
{
	bool watched = false;

	if (lc->sock->nb_wake == 0)
		return;
	/* Our ring stores must be visible before we read the waiters. */
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (unsigned int i = 0; i < lc->sock->nb_wake; i++) {
		struct dp_sock *s = lc->sock->wake[i];

		if (__atomic_load_n(&s->waiters, __ATOMIC_RELAXED) != 0)
			dp_wait_wake(s);
		if (__atomic_load_n(&s->watch_ctx, __ATOMIC_RELAXED) != NULL)
			watched |= dp_sock_watch_push(s);
	}
	wake_selectors(lc->eng->socks);
	if (watched)
		dp_sock_watch_wake(lc->eng->socks);
	lc->sock->nb_wake = 0;
	lc->sock->wake_gen++;
}

static bool
cancelled(const struct dp_sock *s)
{
	return __atomic_load_n(&s->interrupted, __ATOMIC_ACQUIRE) ||
		dp_engine_closing();
}

struct one_wait {
	struct dp_sock *s;
	unsigned int events;
};

static bool
one_ready(void *arg)
{
	struct one_wait *w = arg;
	struct dp_sock *s = w->s;

	/* A receive waits for data, an error or its direction shut down
	 * (dp_sock_ready's READ cases): a spinning receiver reads those
	 * words only, not the transmit side's lines. */
	if ((w->events & DP_EV_READ) && s->ops->events == NULL &&
			(w->events & ~(DP_EV_READ | DP_EV_ERROR)) == 0)
		return (__atomic_load_n(&s->flags, __ATOMIC_ACQUIRE) &
			DP_SOCK_F_SHUT_RD) ||
			__atomic_load_n(&s->so_error, __ATOMIC_ACQUIRE) != 0 ||
			dp_sock_rx_pending(s);
	return (dp_sock_ready(s) & w->events) != 0;
}

static bool
one_stop(void *arg)
{
	return cancelled(((struct one_wait *)arg)->s);
}

int
dp_sock_wait(struct dp_sock *s, unsigned int events, int64_t timeout_us)
{
	struct one_wait ow = { .s = s, .events = events };
	struct dp_wait w = { .ready = one_ready, .stop = one_stop, .arg = &ow,
		.seq = &s->seq, .waiters = &s->waiters, .spin = &s->spin,
		.drive = dp_sock_rtc(s) };

	return dp_wait_block_for(s->eng, &w, timeout_us);
}

struct tx_wait {
	struct dp_sock *s;
	unsigned int nfrag;
	size_t len;
};

static bool
tx_ready(void *arg)
{
	struct tx_wait *w = arg;

	/* A shut-down direction fails the send when it looks again. */
	return dp_sock_tx_room(w->s, w->nfrag, w->len) ||
		(__atomic_load_n(&w->s->flags, __ATOMIC_ACQUIRE) &
		DP_SOCK_F_SHUT_WR);
}

static bool
tx_stop(void *arg)
{
	return cancelled(((struct tx_wait *)arg)->s);
}

/* Until s's queue has room for this datagram; lcores signal as frames
 * leave it (dp_wait_note). 0, -ETIMEDOUT or -EINTR. */
int
dp_sock_wait_tx(struct dp_sock *s, unsigned int nfrag, size_t len,
		uint64_t deadline_us)
{
	struct tx_wait tw = { .s = s, .nfrag = nfrag, .len = len };
	struct dp_wait w = { .ready = tx_ready, .stop = tx_stop, .arg = &tw,
		.seq = &s->seq, .waiters = &s->waiters,
		.drive = dp_sock_rtc(s) };

	return dp_wait_block(s->eng, &w, deadline_us);
}

struct mbuf_wait {
	struct dp_sock *s;
	struct rte_mbuf **m;
	unsigned int n;
};

static bool
mbufs_ready(void *arg)
{
	struct mbuf_wait *w = arg;

	return dp_mcache_alloc_bulk(w->s->eng, w->m, w->n) == 0;
}

static bool
mbufs_stop(void *arg)
{
	return cancelled(((struct mbuf_wait *)arg)->s);
}

/* Until n mbufs can be had (they are in m then). Nobody signals mbufs
 * coming back to the pool, so this polls. 0, -ETIMEDOUT or -EINTR. */
int
dp_sock_wait_mbufs(struct dp_sock *s, struct rte_mbuf **m, unsigned int n,
		uint64_t deadline_us)
{
	struct mbuf_wait mw = { .s = s, .m = m, .n = n };
	struct dp_wait w = { .ready = mbufs_ready, .stop = mbufs_stop,
		.arg = &mw };

	return dp_wait_block(s->eng, &w, deadline_us);
}

struct any_wait {
	struct dp_sock *const *socks;
	const unsigned int *events;
	unsigned int n;
	uint32_t *seq;		/* the table's select word */
	uint32_t seq0;		/* its value when the wait began */
};

static bool
any_ready(void *arg)
{
	struct any_wait *w = arg;

	/* A kick (the caller's set changed) counts as ready. */
	if (__atomic_load_n(w->seq, __ATOMIC_ACQUIRE) != w->seq0)
		return true;
	for (unsigned int i = 0; i < w->n; i++)
		if ((dp_sock_ready(w->socks[i]) & w->events[i]) != 0)
			return true;
	return false;
}

static bool
any_stop(void *arg)
{
	struct any_wait *w = arg;

	for (unsigned int i = 0; i < w->n; i++)
		if (cancelled(w->socks[i]))
			return true;
	return false;
}

int
dp_wait_any(struct dp_sock *const *socks, const unsigned int *events,
		unsigned int n, int64_t timeout_us)
{
	struct dp_sock_table *t = socks[0]->eng->socks;
	struct any_wait aw = { .socks = socks, .events = events, .n = n,
		.seq = &t->sel_seq };
	struct dp_wait w = { .ready = any_ready, .stop = any_stop, .arg = &aw,
		.seq = &t->sel_seq, .waiters = &t->sel_waiters };

	aw.seq0 = __atomic_load_n(&t->sel_seq, __ATOMIC_ACQUIRE);
	return dp_wait_block_for(socks[0]->eng, &w, timeout_us);
}

