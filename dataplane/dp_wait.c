/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Blocking without lost wake-ups, and grace periods.
 *
 * Blocked application threads spin for WSPDK_SPIN_US, then sleep on the
 * socket's sequence word (s->seq), or on the table's select word for
 * select(). Lcores never make a system call per packet: they note which
 * sockets saw events during an iteration and, once per iteration, wake
 * only those that have sleepers. The pairing that makes this safe:
 *
 *   sleeper: waiters++ ; v = seq ; re-check condition ; futex_wait(seq, v)
 *   lcore:   publish data (ring) ; full fence ; if (waiters) seq++, wake
 *
 * Either the sleeper's re-check sees the data, or the lcore sees the
 * sleeper and bumps seq, which makes futex_wait return at once.
 *
 * dp_qsbr_wait() is the grace period for the demux's RCU: after it, no
 * lcore still holds a pointer it read before the call.
 */
#include <errno.h>

#include <rte_atomic.h>
#include <rte_pause.h>

#include "dp_sock_priv.h"

#define SLEEP_SLICE_US	100000	/* re-check interruption at least this often */

void
dp_wait_note(struct dp_lcore *lc, struct dp_sock *s)
{
	/* The tag names (iteration, lcore), so two lcores never mistake
	 * each other's notes; a race only costs a duplicate wake. */
	uint64_t tag = (uint64_t)lc->wake_gen << 8 | lc->id;

	if (s->wake_tag == tag)
		return;
	if (lc->nb_wake == DP_WAKE_MAX) {
		dp_wait_flush(lc);
		tag = (uint64_t)lc->wake_gen << 8 | lc->id;
	}
	s->wake_tag = tag;
	lc->wake[lc->nb_wake++] = s;
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
	if (lc->nb_wake == 0)
		return;
	/* Our ring stores must be visible before we read the waiters. */
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (unsigned int i = 0; i < lc->nb_wake; i++) {
		struct dp_sock *s = lc->wake[i];

		if (__atomic_load_n(&s->waiters, __ATOMIC_RELAXED) != 0)
			dp_wait_wake(s);
	}
	wake_selectors(lc->eng->socks);
	lc->nb_wake = 0;
	lc->wake_gen++;
}

static bool
cancelled(const struct dp_sock *s)
{
	return __atomic_load_n(&s->interrupted, __ATOMIC_ACQUIRE) ||
		__atomic_load_n(&s->eng->socks->stopping, __ATOMIC_ACQUIRE);
}

/* Microseconds to the deadline, capped so it stays positive. */
static int64_t
remaining(uint64_t deadline)
{
	uint64_t now = dp_os_now_us();

	if (now >= deadline)
		return 0;
	return deadline - now > INT64_MAX ? INT64_MAX :
		(int64_t)(deadline - now);
}

/* Spin phase shared by both waits: true when ready() fired. */
static int
spin(struct dp_engine *eng, bool (*ready)(void *), void *arg,
		bool (*stop)(void *), uint64_t deadline)
{
	int32_t spin_us = eng->conf.spin_us;
	uint64_t until = spin_us < 0 ? UINT64_MAX :
		dp_os_now_us() + (uint64_t)spin_us;
	unsigned int n = 0;

	for (;;) {
		if (ready(arg))
			return 0;
		if (stop(arg))
			return -EINTR;
		/* The clock is read every 64 turns only. */
		if ((++n & 63) == 0) {
			uint64_t now = dp_os_now_us();

			if (now >= deadline)
				return -ETIMEDOUT;
			if (now >= until)
				return -EAGAIN;
		}
		rte_pause();
	}
}

struct one_wait {
	struct dp_sock *s;
	unsigned int events;
};

static bool
one_ready(void *arg)
{
	struct one_wait *w = arg;

	return (dp_sock_ready(w->s) & w->events) != 0;
}

static bool
one_stop(void *arg)
{
	return cancelled(((struct one_wait *)arg)->s);
}

int
dp_sock_wait(struct dp_sock *s, unsigned int events, int64_t timeout_us)
{
	struct one_wait w = { .s = s, .events = events };
	uint64_t deadline = timeout_us < 0 ? UINT64_MAX :
		dp_os_now_us() + (uint64_t)timeout_us;
	int ret = spin(s->eng, one_ready, &w, one_stop, deadline);

	if (ret != -EAGAIN)
		return ret;
	for (;;) {
		int64_t left = remaining(deadline);
		uint32_t v;

		if (left == 0)
			return -ETIMEDOUT;
		__atomic_fetch_add(&s->waiters, 1, __ATOMIC_SEQ_CST);
		v = __atomic_load_n(&s->seq, __ATOMIC_SEQ_CST);
		if (one_ready(&w) || one_stop(&w)) {
			__atomic_fetch_sub(&s->waiters, 1, __ATOMIC_RELAXED);
			return one_stop(&w) && !one_ready(&w) ? -EINTR : 0;
		}
		dp_os_wait(&s->seq, v, RTE_MIN(left, (int64_t)SLEEP_SLICE_US));
		__atomic_fetch_sub(&s->waiters, 1, __ATOMIC_RELAXED);
		if (one_ready(&w))
			return 0;
		if (one_stop(&w))
			return -EINTR;
	}
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
	struct any_wait w = { .socks = socks, .events = events, .n = n,
		.seq = &t->sel_seq };
	uint64_t deadline = timeout_us < 0 ? UINT64_MAX :
		dp_os_now_us() + (uint64_t)timeout_us;
	int ret;

	w.seq0 = __atomic_load_n(&t->sel_seq, __ATOMIC_ACQUIRE);
	ret = spin(socks[0]->eng, any_ready, &w, any_stop, deadline);
	if (ret != -EAGAIN)
		return ret;
	for (;;) {
		int64_t left = remaining(deadline);
		uint32_t v;

		if (left == 0)
			return -ETIMEDOUT;
		__atomic_fetch_add(&t->sel_waiters, 1, __ATOMIC_SEQ_CST);
		v = __atomic_load_n(&t->sel_seq, __ATOMIC_SEQ_CST);
		if (any_ready(&w) || any_stop(&w)) {
			__atomic_fetch_sub(&t->sel_waiters, 1, __ATOMIC_RELAXED);
			return any_ready(&w) ? 0 : -EINTR;
		}
		dp_os_wait(&t->sel_seq, v, RTE_MIN(left,
			(int64_t)SLEEP_SLICE_US));
		__atomic_fetch_sub(&t->sel_waiters, 1, __ATOMIC_RELAXED);
		if (any_ready(&w))
			return 0;
		if (any_stop(&w))
			return -EINTR;
	}
}

void
dp_qsbr_wait(struct dp_engine *eng)
{
	uint64_t snap[DP_MAX_LCORES];

	for (unsigned int i = 0; i < eng->nb_lcores; i++)
		snap[i] = __atomic_load_n(&eng->lcores[i]->iterations,
			__ATOMIC_ACQUIRE);
	for (unsigned int i = 0; i < eng->nb_lcores; i++) {
		const struct dp_lcore *lc = eng->lcores[i];

		while (__atomic_load_n(&lc->iterations, __ATOMIC_ACQUIRE) ==
				snap[i] && !__atomic_load_n(&lc->exited,
				__ATOMIC_ACQUIRE))
			rte_pause();
	}
}
