/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Blocking without lost wake-ups, and grace periods.
 *
 * A blocked application thread spins for WSPDK_SPIN_US, then sleeps on a
 * sequence word that whoever makes its condition true bumps. The pairing
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
#include <rte_pause.h>
#include <rte_rcu_qsbr.h>

#include "dp_core.h"
#include "dp_os.h"
#include "dp_wait.h"

#define SLEEP_SLICE_US	100000	/* re-check interruption at least this often */
#define POLL_SLICE_US	200	/* a polled condition is looked at this often */

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

/* Spin for WSPDK_SPIN_US (forever with the latency profile), then sleep
 * until an lcore bumps *seq, the deadline passes or the call is
 * cancelled. Returns 0, -ETIMEDOUT or -EINTR. */
int
dp_wait_block(struct dp_engine *eng, const struct dp_wait *w,
		uint64_t deadline)
{
	int32_t spin_us = eng->conf.spin_us;
	uint64_t until = spin_us < 0 ? UINT64_MAX :
		dp_os_now_us() + (uint64_t)spin_us;
	unsigned int n = 0;

	for (;;) {
		if (w->ready(w->arg))
			return 0;
		if (w->stop(w->arg))
			return -EINTR;
		/* The clock is read every 64 turns only. */
		if ((++n & 63) == 0) {
			uint64_t now = dp_os_now_us();

			if (now >= deadline)
				return -ETIMEDOUT;
			if (now >= until)
				break;
		}
		rte_pause();
	}
	for (;;) {
		int64_t left = remaining(deadline);
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
		if (!w->ready(w->arg) && !w->stop(w->arg))
			dp_os_wait(w->seq, v, RTE_MIN(left,
				(int64_t)SLEEP_SLICE_US));
		__atomic_fetch_sub(w->waiters, 1, __ATOMIC_RELAXED);
		if (w->ready(w->arg))
			return 0;
		if (w->stop(w->arg))
			return -EINTR;
	}
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

	rte_rcu_qsbr_check(eng->qsbr, t, true);
}
