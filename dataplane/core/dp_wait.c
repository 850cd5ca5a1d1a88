/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Blocking without lost wake-ups, and grace periods.
 *
 * A blocked application thread spins (for WSPDK_SPIN_US, or for what its
 * socket learned under that cap: dp_spin.c), then sleeps on a sequence
 * word that whoever makes its condition true bumps. The pairing
 * that makes this safe:
 *
 *   sleeper: waiters++ ; v = seq ; re-check condition ; futex_wait(seq, v)
 *   waker:   publish (ring) ; full fence ; if (waiters) seq++, wake
 *
 * Either the sleeper's re-check sees the data, or the waker sees the
 * sleeper and bumps seq, which makes futex_wait return at once.
 *
 * dp_qsbr_wait() is the grace period of the lock-free structures lcores
 * read: after it, no lcore still holds a pointer it read before the call.
 */
#include <errno.h>

#include <rte_atomic.h>
#include <rte_cycles.h>
#include <rte_pause.h>
#include <rte_rcu_qsbr.h>

#include "dp_core.h"
#include "dp_os.h"
#include "dp_spin.h"
#include "dp_wait.h"

#define SLEEP_SLICE_US	100000	/* re-check interruption at least this often */
#define QUICK_TURNS	16	/* first turns: no clock, no shared write */
#define POLL_SLICE_US	200	/* a polled condition is looked at this often */
/* Timeouts counted on the TSC, at most (days; longer ones on the OS's
 * clock, the conversion then would overflow). */
#define TSC_TIMEOUT_MAX_US	(INT64_C(1) << 40)

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

/* TSC cycles and ns, without overflow for any wait. */
static uint64_t
ns_cycles(uint64_t ns)
{
	uint64_t hz = rte_get_tsc_hz();

	return ns / 1000 * hz / 1000000 + ns % 1000 * hz / 1000000000u;
}

static uint64_t
cycles_ns(uint64_t c)
{
	uint64_t hz = rte_get_tsc_hz();

	return c / hz * 1000000000u + c % hz * 1000000000u / hz;
}

/* The spin of this wait (ns; UINT64_MAX: forever): WSPDK_SPIN_US, or
 * what the socket learned under it (dp_spin.c). */
static uint64_t
spin_ns(const struct dp_engine *eng, const struct dp_wait *w, dp_spin_t *st)
{
	int32_t spin_us = eng->conf.spin_us;
	uint64_t cap;

	if (spin_us < 0)
		return UINT64_MAX;
	cap = (uint64_t)spin_us * 1000;
	if (w->spin == NULL)
		return cap;
	*st = __atomic_load_n(w->spin, __ATOMIC_RELAXED);
	return dp_spin_budget(*st, (uint32_t)RTE_MIN(cap,
		(uint64_t)DP_SPIN_MAX_NS));
}

/* When a wait ends: at a deadline on the OS's clock (µs), or on the TSC
 * for a timeout counted from the call (dp_wait_block_for: no system
 * clock read to start it). UINT64_MAX: none. */
struct wait_end {
	uint64_t us;
	uint64_t tsc;
};

static bool
ended(const struct wait_end *e)
{
	if (e->tsc != UINT64_MAX)
		return rte_get_tsc_cycles() >= e->tsc;
	return e->us != UINT64_MAX && dp_os_now_us() >= e->us;
}

/* The OS-clock deadline a sleep needs, read when the spin gave up. */
static uint64_t
end_us(const struct wait_end *e)
{
	uint64_t now;

	if (e->tsc == UINT64_MAX)
		return e->us;
	now = rte_get_tsc_cycles();
	return dp_os_now_us() + (now >= e->tsc ? 0 :
		cycles_ns(e->tsc - now) / 1000);
}

/* One turn of a spin. Run to completion: the iteration that brings the
 * data, on this core, when the lcore is not running one. 1: ready() was
 * seen, -EINTR: stop(), 0: neither. */
static int
turn(const struct dp_wait *w)
{
	if (w->drive != NULL)
		dp_lcore_poll_try(w->drive);
	if (w->ready(w->arg))
		return 1;
	return w->stop(w->arg) ? -EINTR : 0;
}

/* Spin for the budget (spin_ns), checking ready() and stop() each turn.
 * true: ready() was seen; *rc the return otherwise, 1: go to sleep. */
static bool
spin(const struct dp_wait *w, uint64_t budget_ns, uint64_t t0,
		const struct wait_end *end, int *rc)
{
	uint64_t until = UINT64_MAX;
	unsigned int n = 0;

	if (budget_ns != UINT64_MAX)
		until = t0 + ns_cycles(budget_ns);
	*rc = 1;
	for (;;) {
		int t = turn(w);

		if (t < 0)
			*rc = t;
		if (t != 0)
			return t > 0;
		/* The TSC costs ~100 ns a read on a loaded VM: not read
		 * by a spin without end (the latency profile). */
		if (until != UINT64_MAX && rte_get_tsc_cycles() >= until)
			return false;
		/* The deadline's clock is a system call on some OSes: read
		 * it every 64 turns only, and never without a deadline. */
		if ((++n & 63) == 0 && ended(end)) {
			*rc = -ETIMEDOUT;
			return false;
		}
		rte_pause();
	}
}

/* Sleep until an lcore bumps *seq, the deadline passes or the call is
 * cancelled. 0, -ETIMEDOUT or -EINTR. A sleep the clock ends with the
 * condition true and *seq never bumped is a lost wake-up, counted. */
static int
sleep_on(struct dp_engine *eng, const struct dp_wait *w, uint64_t deadline)
{
	for (;;) {
		int64_t left = remaining(deadline);
		bool timed_out;
		uint32_t v;

		if (left == 0)
			return -ETIMEDOUT;
		if (w->seq == NULL) {
			uint32_t never = 0;

			dp_os_wait(&never, 0, RTE_MIN(left,
				(int64_t)POLL_SLICE_US));
			if (w->ready(w->arg))
				return 0;
			if (w->stop(w->arg))
				return -EINTR;
			continue;
		}
		__atomic_fetch_add(w->waiters, 1, __ATOMIC_SEQ_CST);
		v = __atomic_load_n(w->seq, __ATOMIC_SEQ_CST);
		timed_out = false;
		if (!w->ready(w->arg) && !w->stop(w->arg)) {
			__atomic_fetch_add(&eng->wait_sleeps, 1,
				__ATOMIC_RELAXED);
			timed_out = dp_os_wait(w->seq, v, RTE_MIN(left,
				(int64_t)SLEEP_SLICE_US)) == -ETIMEDOUT;
		}
		__atomic_fetch_sub(w->waiters, 1, __ATOMIC_RELAXED);
		if (w->ready(w->arg)) {
			if (timed_out &&
					__atomic_load_n(w->seq, __ATOMIC_SEQ_CST) == v)
				__atomic_fetch_add(&eng->wait_late, 1,
					__ATOMIC_RELAXED);
			return 0;
		}
		if (w->stop(w->arg))
			return -EINTR;
	}
}

/*
 * The first turns of a wait, for data that comes within a microsecond
 * or so (a run-to-completion iteration brings it): what block() sets up
 * next costs more than they do -- a TSC read and two divisions for the
 * timeout, the spin's start, and the spinners count, an atomic on the
 * lcore's line that the lcore thread reads (a cross-core miss). A
 * timeout then counts from after them. true: ready() was seen; *rc
 * -EINTR if stop() was.
 */
static bool
quick(const struct dp_wait *w, int *rc)
{
	for (unsigned int i = 0; i < QUICK_TURNS; i++) {
		int t = turn(w);

		if (t < 0)
			*rc = t;
		if (t != 0)
			return t > 0;
		rte_pause();
	}
	return false;
}

/* Spin (see spin_ns), then sleep until an lcore bumps *seq, the deadline
 * (or timeout_us from now, >= 0) passes or the call is cancelled; a wait
 * that got its data teaches the socket's spin how long it took. Returns
 * 0, -ETIMEDOUT or -EINTR. */
static int
block(struct dp_engine *eng, const struct dp_wait *w, uint64_t deadline,
		int64_t timeout_us)
{
	struct wait_end end = { .us = deadline, .tsc = UINT64_MAX };
	dp_spin_t st = 0;
	uint64_t budget, t0, ns;
	bool slept = false;
	int rc = 1;		/* spin()'s "go to sleep", for a zero budget */

	/* Ready at once (the run-to-completion sender brought it): no
	 * clock read at all. */
	if (w->ready(w->arg))
		return 0;
	if (w->stop(w->arg))
		return -EINTR;
	budget = spin_ns(eng, w, &st);
	/* Only a spin without end, which learns nothing: a learning one
	 * times the whole wait from its start. */
	if (budget == UINT64_MAX && timeout_us != 0) {
		if (quick(w, &rc))
			return 0;
		if (rc != 1)
			return rc;
	}
	if (timeout_us > TSC_TIMEOUT_MAX_US)
		end.us = dp_wait_deadline(timeout_us);
	else if (timeout_us >= 0)
		end.tsc = rte_get_tsc_cycles() + (uint64_t)timeout_us /
			1000000 * rte_get_tsc_hz() + (uint64_t)timeout_us %
			1000000 * rte_get_tsc_hz() / 1000000;
	/* Only a budget to learn or end needs the start. */
	t0 = budget == UINT64_MAX ? 0 : rte_get_tsc_cycles();
	/* Run to completion: the lcore makes way for its spinners. */
	if (w->drive != NULL && budget != 0)
		__atomic_fetch_add(&w->drive->rtc_spinners, 1,
			__ATOMIC_RELAXED);
	/* A zero budget goes to sleep at once: the producer may be waiting
	 * for this very core. */
	if (budget != 0 && spin(w, budget, t0, &end, &rc))
		rc = 0;
	if (w->drive != NULL && budget != 0)
		__atomic_fetch_sub(&w->drive->rtc_spinners, 1,
			__ATOMIC_RELAXED);
	if (rc != 0) {
		if (rc != 1)
			return rc;
		slept = true;
		rc = sleep_on(eng, w, end_us(&end));
		if (rc != 0)
			return rc;
	}
	if (w->spin == NULL || budget == UINT64_MAX)
		return 0;
	ns = cycles_ns(rte_get_tsc_cycles() - t0);
	__atomic_store_n(w->spin, dp_spin_learn(st, (uint32_t)RTE_MIN(
		(uint64_t)eng->conf.spin_us * 1000, (uint64_t)DP_SPIN_MAX_NS),
		ns, slept), __ATOMIC_RELAXED);
	return 0;
}

int
dp_wait_block(struct dp_engine *eng, const struct dp_wait *w,
		uint64_t deadline)
{
	return block(eng, w, deadline, -1);
}

int
dp_wait_block_for(struct dp_engine *eng, const struct dp_wait *w,
		int64_t timeout_us)
{
	return block(eng, w, UINT64_MAX, timeout_us);
}

uint64_t
dp_wait_deadline(int64_t timeout_us)
{
	return timeout_us < 0 ? UINT64_MAX :
		dp_os_now_us() + (uint64_t)timeout_us;
}

/*
 * A grace period: once it returns, no lcore holds a pointer it read
 * before the call (each has reported a quiescent state since, or is
 * offline). rte_rcu_qsbr orders the caller's unpublishing before the
 * token the lcores must see, which a plain counter snapshot did not.
 */
void
dp_qsbr_wait(struct dp_engine *eng)
{
	/* rte_rcu_qsbr_synchronize() is start + check, but compiled in the
	 * library: the inline pair is the same and lets TSan see the
	 * acquire that orders the caller's free after the lcores' reads. */
	uint64_t t = rte_rcu_qsbr_start(eng->qsbr);

	if (!eng->rtc) {
		rte_rcu_qsbr_check(eng->qsbr, t, true);
		return;
	}
	/* Run to completion: an lcore whose thread makes way for spinners
	 * reports only when one of them runs it; whoever holds its poll
	 * lock outside an iteration may report for it. */
	while (rte_rcu_qsbr_check(eng->qsbr, t, false) == 0) {
		for (unsigned int i = 0; i < eng->nb_lcores; i++)
			dp_lcore_quiesce_try(eng->lcores[i]);
		rte_pause();
	}
}
