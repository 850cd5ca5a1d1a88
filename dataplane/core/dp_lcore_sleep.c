/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An idle lcore sleeps (WSPDK_LCORE_SLEEP_US, eng->sleep_after): after
 * iterations that found no work for that long, its thread blocks until
 * work comes, as Onload's interrupt mode does, so a throughput workload
 * on few cores is not charged a core for the lcore's empty polls.
 *
 * Where work comes from, and what wakes the sleeper:
 *   - its RX queue: the port's fd where it has one (vtap's tun fd,
 *     drv_port_rx_fd), slept on; a port without one (loop, pair, memif,
 *     NICs) is looked at again after DP_LCORE_SLEEP_NOFD_US at most;
 *   - its timers: the sleep ends at the wheel's next bound
 *     (dp_timer_next), and at DP_LCORE_SLEEP_MAX_US in any case (what
 *     the layers poll every iteration still runs that often);
 *   - other threads' posts (its control ring, redirect ring, the socket
 *     layer's doorbell ring, ARP requests and group changes for lcore
 *     0): each producer calls dp_lcore_wake(lc) after it posted, which
 *     rings the lcore's bell (an eventfd) if it sleeps.
 *
 * No wake-up is lost (Dekker): the lcore stores asleep, fences, then
 * re-checks every source (its rings and each layer's pending hook) and
 * only then sleeps; a producer posts, fences, then reads asleep. Either
 * the lcore sees the post, or the producer sees asleep and rings, and
 * the bell (an eventfd's count) stays rung until the lcore reads it. A
 * CAS from ASLEEP to RUNG makes only the first producer pay the write.
 *
 * Not with run to completion (eng->rtc, the latency profile): there the
 * application threads' spins drive the lcore and its thread keeps
 * polling; nor on a driven engine, nor on Windows (no bell: it polls).
 * While asleep the lcore is offline for QSBR, so a grace period does
 * not wait for its sleep.
 */
#include <stdbool.h>

#include <rte_cycles.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "dp_core.h"
#include "dp_os.h"

#define DP_LCORE_SLEEP_MAX_US	1000	/* longest sleep, any port */
#define DP_LCORE_SLEEP_NOFD_US	100	/* longest, a port without an fd */

int
dp_lcore_sleep_init(struct dp_lcore *lc)
{
	lc->bell = -1;
	lc->rx_fd = -1;
	if (lc->eng->sleep_after == 0)
		return 0;
	lc->bell = dp_os_bell_open();
	lc->rx_fd = drv_port_rx_fd(lc->eng->port, lc->queue);
	return 0;
}

void
dp_lcore_sleep_fini(struct dp_lcore *lc)
{
	dp_os_bell_close(lc->bell);
	lc->bell = -1;
}

void
dp_lcore_wake_slow(struct dp_lcore *lc)
{
	uint32_t st = DP_LCORE_ASLEEP;

	/* The post above is visible before asleep is read. */
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&lc->asleep, __ATOMIC_RELAXED) != st)
		return;
	if (__atomic_compare_exchange_n(&lc->asleep, &st, DP_LCORE_RUNG,
			false, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
		dp_os_bell_ring(lc->bell);
}

/* Work another thread posted, or the lcore left itself, that its next
 * iteration takes. */
static bool
pending(const struct dp_lcore *lc)
{
	const struct dp_stack *st = lc->eng->stack;

	if (lc->tx_n != 0 || !rte_ring_empty(lc->redirect) ||
			!rte_ring_empty(lc->ctl) ||
			__atomic_load_n(&lc->stop, __ATOMIC_ACQUIRE))
		return true;
	for (unsigned int i = 0; i < st->nb_layers; i++)
		if (st->layers[i]->pending != NULL &&
				st->layers[i]->pending(lc))
			return true;
	return false;
}

static void
stat_inc(uint64_t *v)
{
	__atomic_store_n(v, *v + 1, __ATOMIC_RELAXED);
}

void
dp_lcore_idle(struct dp_lcore *lc)
{
	struct dp_engine *eng = lc->eng;
	uint64_t now_us, next, timeout;
	unsigned int woke;
	uint32_t was;

	if (lc->now - lc->busy_tsc < eng->sleep_after || lc->bell < 0 ||
			dp_engine_closing())
		return;
	__atomic_store_n(&lc->asleep, DP_LCORE_ASLEEP, __ATOMIC_SEQ_CST);
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	now_us = dp_timer_clock_us(&eng->us_clock, rte_rdtsc());
	next = dp_timer_next(&lc->timers);
	if (pending(lc) || next <= now_us) {
		__atomic_store_n(&lc->asleep, DP_LCORE_AWAKE,
			__ATOMIC_RELAXED);
		stat_inc(&lc->sleep.aborts);
		return;
	}
	timeout = lc->rx_fd >= 0 ? DP_LCORE_SLEEP_MAX_US :
		DP_LCORE_SLEEP_NOFD_US;
	if (next - now_us < timeout)
		timeout = next - now_us;
	stat_inc(&lc->sleep.sleeps);
	rte_rcu_qsbr_thread_offline(eng->qsbr, lc->id);
	woke = dp_os_bell_sleep(lc->bell, lc->rx_fd, timeout);
	was = __atomic_exchange_n(&lc->asleep, DP_LCORE_AWAKE,
		__ATOMIC_SEQ_CST);
	rte_rcu_qsbr_thread_online(eng->qsbr, lc->id);
	/* A producer that rang after a timeout left the bell rung: the
	 * next sleep ends at once and reads it (counted a bell wake). */
	if (woke & DP_OS_WOKE_FD) {
		stat_inc(&lc->sleep.wake_rx);
		drv_port_rx_arm(eng->port, lc->queue);
	} else if ((woke & DP_OS_WOKE_BELL) || was == DP_LCORE_RUNG) {
		stat_inc(&lc->sleep.wake_bell);
	} else {
		stat_inc(&lc->sleep.wake_timeout);
	}
}
