/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The poll loop of one dataplane lcore: RX, the layers' work, timers,
 * TX, and nothing else (the loop knows no protocol).
 *
 *   dp_lcore_main -> poll_once -> iterate:
 *     rx_burst -> stack->rx (the whole burst)
 *     redirect ring (frames other lcores handed over) -> their handler
 *     control ring (requests of application threads) -> dp_ctl_poll
 *     each layer's poll (bottom up)
 *     timers due (dp_timer_advance): their callbacks
 *     dp_lcore_tx_flush -> tx_burst
 *     each layer's poll_end (wake-ups of what the iteration made ready)
 *
 * Frames built by the stack go through a per-lcore TX buffer flushed once
 * per iteration, so a burst of replies costs one tx_burst. Frames the PMD
 * does not take stay in the buffer for the next iteration; only when the
 * buffer itself is full is a new frame dropped (tx_full).
 *
 * An idle lcore may sleep (WSPDK_LCORE_SLEEP_US, dp_lcore_sleep.c): an
 * iteration that took frames in, found posts on its rings or sent
 * anything stamps busy_tsc; the loop calls dp_lcore_idle after each.
 *
 * Fuzzers and white-box tests drive an engine's lcores themselves, one
 * step at a time on a clock they choose (dp_lcore_step).
 *
 * Run to completion (eng->rtc; dataplane/README.md has the figures): an
 * application thread that would spin on a socket runs an iteration of
 * the socket's lcore itself (dp_lcore_poll_try), so its datagram goes
 * from its ring to the port and back without crossing to the lcore's
 * core. poll_lock makes whoever holds it the lcore's owner for that
 * iteration: every (l) field still has one writer at a time, ordered by
 * the lock. The lcore thread takes it around each of its iterations and
 * steps back for DP_RTC_IDLE_US after an application thread's (its
 * taking the lock would pull every line that thread works on back to
 * its own core). What an iteration finds thread-local, audited for a
 * thread that is not the lcore's:
 *   - rte_lcore_id(): the runner takes the lcore's EAL id for the
 *     iteration (dp_lcore_poll_try), so what the stack allocates and
 *     frees goes through the lcore's mempool cache, as on the lcore
 *     thread: LIFO, its mbufs still in cache, where a thread without an
 *     id would take the pool's FIFO ring and the coldest mbuf in it.
 *     The lcore thread uses that cache only inside its iterations,
 *     under the lock too. dp_ctl_call (run inline on one's own lcore)
 *     sees the same lcore through dp_lcore_self() and the id;
 *   - dp_mcache (__thread): the caller's own cache, as on its sends;
 *   - stats, TX buffer, timer wheel, now/now_us: fields of lc (TSC is
 *     invariant across cores), written under the lock;
 *   - QSBR: the runner reports lc's quiescent state under the lock,
 *     and so does the lcore thread, so a grace period never ends while
 *     either is inside an iteration.
 */
#include <stdbool.h>
#include <stdio.h>

#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "dp_core.h"
#include "dp_tsan.h"

struct dp_lcore *
dp_lcore_create(struct dp_engine *eng, unsigned int id,
		unsigned int lcore_id)
{
	struct dp_lcore *lc;
	char name[RTE_RING_NAMESIZE];

	lc = dp_zmalloc("dp_lcore", sizeof(*lc), RTE_CACHE_LINE_SIZE);
	if (lc == NULL)
		return NULL;
	lc->eng = eng;
	lc->id = id;
	lc->lcore_id = lcore_id;
	lc->queue = (uint16_t)id;
	lc->now = rte_rdtsc();
	lc->now_us = dp_timer_clock_us(&eng->us_clock, lc->now);
	dp_timer_wheel_init(&lc->timers, lc->now_us);
	/* Several lcores may hand frames to this one: multi-producer.
	 * HTS keeps producers from spinning behind a preempted one. */
	snprintf(name, sizeof(name), "dp_redir%u", id);
	lc->redirect = rte_ring_create(name, DP_REDIRECT_SIZE, SOCKET_ID_ANY,
		RING_F_MP_HTS_ENQ | RING_F_SC_DEQ);
	if (lc->redirect == NULL || dp_ctl_create(lc) != 0 ||
			dp_lcore_sleep_init(lc) != 0) {
		dp_lcore_free(lc);
		return NULL;
	}
	return lc;
}

/* Only the owner writes tx_n; the drain on another thread reads it. */
static inline void
tx_n_set(struct dp_lcore *lc, uint16_t n)
{
	__atomic_store_n(&lc->tx_n, n, __ATOMIC_RELAXED);
}

/* The lcores are stopped and the layers destroyed: what is left goes. */
void
dp_lcore_free(struct dp_lcore *lc)
{
	struct rte_mbuf *m;

	if (lc == NULL)
		return;
	for (uint16_t i = 0; i < lc->tx_n; i++)
		dp_pktmbuf_free(lc->tx_pkts[i]);
	tx_n_set(lc, 0);
	while (lc->redirect != NULL &&
			rte_ring_dequeue(lc->redirect, (void **)&m) == 0)
		dp_pktmbuf_free(m);
	rte_ring_free(lc->redirect);
	dp_ctl_free(lc);
	dp_lcore_sleep_fini(lc);
	dp_free(lc);
}

void
dp_lcore_tx_flush(struct dp_lcore *lc)
{
	const struct drv_port *port = lc->eng->port;
	uint32_t len[DP_TX_BUF];
	uint16_t sent, left;

	/* Before the burst: one TSC read for the timestamps of every
	 * frame it hands over. */
	if (unlikely(lc->tx_stamps != 0))
		lc->eng->stack->tx_stamp(lc, rte_rdtsc());
	if (lc->tx_n == 0)
		return;
	/* Lengths are read before the PMD owns (and may free) the frames. */
	for (uint16_t i = 0; i < lc->tx_n; i++)
		len[i] = lc->tx_pkts[i]->pkt_len;
	DP_TSAN_RELEASE(lc->eng->mp);	/* the PMD frees them to the pool */
	sent = drv_tx_burst(port, lc->queue, lc->tx_pkts, lc->tx_n,
		lc->now);
	DP_STAT_ADD(lc, tx_pkts, sent);
	for (uint16_t i = 0; i < sent; i++)
		DP_STAT_ADD(lc, tx_bytes, len[i]);
	left = (uint16_t)(lc->tx_n - sent);
	for (uint16_t i = 0; i < left; i++)
		lc->tx_pkts[i] = lc->tx_pkts[sent + i];
	tx_n_set(lc, left);
}

int
dp_lcore_redirect(struct dp_lcore *to, struct rte_mbuf *m, dp_input_fn *fn)
{
	dp_mbuf_priv(m)->redirect = fn;
	if (rte_ring_enqueue(to->redirect, m) == 0) {
		dp_lcore_wake(to);
		return 0;
	}
	dp_pktmbuf_free(m);
	return -ENOBUFS;
}

static void
redirect_input(struct dp_lcore *lc)
{
	struct rte_mbuf *pkts[DP_RX_BURST];
	unsigned int n;

	n = rte_ring_dequeue_burst(lc->redirect, (void **)pkts, DP_RX_BURST,
		NULL);
	if (n != 0)
		dp_lcore_rx_stamp(lc);
	for (unsigned int i = 0; i < n; i++)
		dp_mbuf_priv(pkts[i])->redirect(lc, pkts[i]);
}

/* One iteration of the loop, at lc->now. */
static void
iterate(struct dp_lcore *lc)
{
	const struct dp_engine *eng = lc->eng;
	const struct dp_stack *st = eng->stack;
	struct rte_mbuf *pkts[DP_RX_BURST];
	uint64_t tx0 = lc->stats.tx_pkts;
	bool busy;
	uint16_t n;

	lc->now_us = dp_timer_clock_us(&eng->us_clock, lc->now);
	n = drv_rx_burst(eng->port, lc->queue, pkts, DP_RX_BURST,
		lc->now);
	if (n != 0) {
		DP_TSAN_ACQUIRE(eng->mp);	/* the PMD took them from it */
		dp_lcore_rx_stamp(lc);
	}
	if (n != 0)
		st->rx(lc, pkts, n);
	busy = n != 0;
	if (!rte_ring_empty(lc->redirect)) {
		redirect_input(lc);
		busy = true;
	}
	if (!rte_ring_empty(lc->ctl)) {
		dp_ctl_poll(lc);
		busy = true;
	}
	for (unsigned int i = 0; i < st->nb_layers; i++)
		if (st->layers[i]->poll != NULL)
			st->layers[i]->poll(lc);
	/* Before the flush: what a timer sends (a retransmission) leaves
	 * in this iteration's burst. */
	dp_timer_advance(&lc->timers, lc->now_us);
	dp_lcore_tx_flush(lc);
	/* What the layers' polls did (a doorbell's sends, a timer's)
	 * shows as frames sent. */
	if (busy || lc->stats.tx_pkts != tx0 || lc->tx_n != 0)
		lc->busy_tsc = lc->now;
	for (unsigned int i = 0; i < st->nb_layers; i++)
		if (st->layers[i]->poll_end != NULL)
			st->layers[i]->poll_end(lc);
	__atomic_store_n(&lc->iterations, lc->iterations + 1,
		__ATOMIC_RELAXED);
}

static void
poll_once(struct dp_lcore *lc)
{
	lc->now = rte_rdtsc();
	iterate(lc);
	/* Quiescent point: nothing read above is held past here. */
	rte_rcu_qsbr_quiescent(lc->eng->qsbr, lc->id);
}

/* Whose iteration this thread runs (dp_ctl_call's "am I the lcore"). */
static __thread struct dp_lcore *self DP_TLS_IE;

struct dp_lcore *
dp_lcore_self(void)
{
	return self;
}

/* The poll lock: plain atomics, which TSan sees (rte_spinlock is inline
 * assembly on x86). */
static inline bool
poll_trylock(struct dp_lcore *lc)
{
	return __atomic_load_n(&lc->poll_lock, __ATOMIC_RELAXED) == 0 &&
		__atomic_exchange_n(&lc->poll_lock, 1, __ATOMIC_ACQUIRE) == 0;
}

static inline void
poll_unlock(struct dp_lcore *lc)
{
	__atomic_store_n(&lc->poll_lock, 0, __ATOMIC_RELEASE);
}

bool
dp_lcore_poll_try(struct dp_lcore *lc)
{
	unsigned int n = 1, own, *idp;
	uint64_t tx0;

	/* Inside an iteration already (a control call it runs): never a
	 * second lock, never the same one twice. */
	if (self != NULL || !poll_trylock(lc))
		return false;
	/* Nobody runs an lcore before its thread has started it (its
	 * layers' lcore_start, QSBR online) or once it stopped (it left
	 * its loop and QSBR). */
	if (!__atomic_load_n(&lc->started, __ATOMIC_RELAXED) ||
			__atomic_load_n(&lc->stop, __ATOMIC_ACQUIRE)) {
		poll_unlock(lc);
		return false;
	}
	self = lc;
	/* The lcore's EAL id for the iteration (see the top); EAL's
	 * thread-local is general dynamic: one lookup of its address. */
	idp = &RTE_PER_LCORE(_lcore_id);
	own = *idp;
	*idp = lc->lcore_id;
	tx0 = lc->stats.tx_pkts;
	poll_once(lc);
	/* It sent: on a loop wire (or a peer that fast) the answer may be
	 * in already, and what the thread waits for next is that. Once
	 * more at the same clock: a TSC read costs 100-200 ns on this
	 * loaded VM, and the clock is an iteration old at most. */
	if (lc->stats.tx_pkts != tx0) {
		iterate(lc);
		rte_rcu_qsbr_quiescent(lc->eng->qsbr, lc->id);
		n++;
	}
	__atomic_store_n(&lc->rtc_tsc, lc->now, __ATOMIC_RELAXED);
	__atomic_store_n(&lc->rtc_polls, lc->rtc_polls + n,
		__ATOMIC_RELAXED);
	*idp = own;
	self = NULL;
	poll_unlock(lc);
	return true;
}

void
dp_lcore_quiesce_try(struct dp_lcore *lc)
{
	if (self != NULL || !poll_trylock(lc))
		return;
	/* Nobody is inside an iteration of lc: it holds nothing. */
	if (__atomic_load_n(&lc->started, __ATOMIC_RELAXED) &&
			!__atomic_load_n(&lc->stop, __ATOMIC_ACQUIRE))
		rte_rcu_qsbr_quiescent(lc->eng->qsbr, lc->id);
	poll_unlock(lc);
}

/* The lcore thread's turn with run to completion on: an iteration under
 * the lock, unless it makes way, and then a short pause (reading the
 * spinners' words less often keeps their line on their core). It makes
 * way while an application thread ran an iteration within
 * DP_RTC_IDLE_US, and for that long when threads start spinning on it
 * (they would seldom win the lock from a thread that takes it back at
 * once); a spinner that takes no turn in that window (preempted) gets
 * no more until it does, so the lcore is never left unpolled. A test's
 * hold stops it outright. *yield_at: when this window began, 0 none.
 * Valgrind runs one thread at a time under a lock that, without
 * --fair-sched=yes, the thread giving it up (this one, at each pause)
 * mostly takes back at once: the application thread then gets ~1 % of
 * the CPU and a ping-pong round trip takes seconds (measured: 7.8 s of
 * which the application thread ran 70 ms). Run valgrind with
 * --fair-sched=yes on anything with an lcore thread. */
static void
rtc_turn(struct dp_lcore *lc, uint64_t *yield_at)
{
	uint64_t now = rte_rdtsc(), idle = lc->eng->rtc_idle;

	if (__atomic_load_n(&lc->hold, __ATOMIC_RELAXED))
		goto make_way;
	if (now - __atomic_load_n(&lc->rtc_tsc, __ATOMIC_RELAXED) < idle) {
		*yield_at = 0;
		goto make_way;
	}
	if (__atomic_load_n(&lc->rtc_spinners, __ATOMIC_RELAXED) != 0) {
		if (*yield_at == 0)
			*yield_at = now;
		if (now - *yield_at < idle)
			goto make_way;
	} else {
		*yield_at = 0;
	}
	while (!poll_trylock(lc))
		rte_pause();
	/* Held while it waited: no iteration once the holder has run one
	 * of its own (tests rely on it). */
	if (!__atomic_load_n(&lc->hold, __ATOMIC_RELAXED))
		poll_once(lc);
	poll_unlock(lc);
	return;
make_way:
	for (int i = 0; i < 32; i++)
		rte_pause();
}

void
dp_lcore_step(struct dp_lcore *lc, uint64_t now)
{
	lc->now = now;
	iterate(lc);
}

int
dp_lcore_main(void *arg)
{
	struct dp_lcore *lc = arg;
	uint64_t yield_at = 0;

	DP_TSAN_ACQUIRE(lc);	/* dp_engine_start's launch */
	/* Under the lock: run-to-completion threads wait for started. */
	while (lc->eng->rtc && !poll_trylock(lc))
		rte_pause();
	lc->now = rte_rdtsc();
	lc->now_us = dp_timer_clock_us(&lc->eng->us_clock, lc->now);
	lc->busy_tsc = lc->now;
	/* Grace periods wait for this lcore from here until it leaves. */
	rte_rcu_qsbr_thread_online(lc->eng->qsbr, lc->id);
	dp_engine_lcore_start(lc);
	self = lc;
	if (lc->eng->rtc) {
		__atomic_store_n(&lc->started, true, __ATOMIC_RELAXED);
		poll_unlock(lc);
	}
	while (!__atomic_load_n(&lc->stop, __ATOMIC_ACQUIRE)) {
		if (lc->eng->rtc) {
			rtc_turn(lc, &yield_at);
		} else {
			poll_once(lc);
			if (lc->eng->sleep_after != 0)
				dp_lcore_idle(lc);
		}
	}
	/* The gate is drained: no application thread runs an iteration
	 * now; the lock only orders their last one before what follows. */
	while (lc->eng->rtc && !poll_trylock(lc))
		rte_pause();
	/* One more iteration after the stop: what the cleanup's last steps
	 * made (RSTs of its abort, a group's leave) goes to the wire here,
	 * so dp_engine_stop waits for the lcore once, not for a grace
	 * period and then for its exit. */
	poll_once(lc);
	dp_ctl_poll(lc);	/* nobody posts now (the gate is closed) */
	/* Frames the stack already built still go out (bounded: the PMD
	 * either takes them or they are dropped when the port stops). */
	for (int i = 0; i < 1000 && lc->tx_n != 0; i++)
		dp_lcore_tx_flush(lc);
	for (unsigned int i = 0; i < lc->eng->stack->nb_layers; i++)
		if (lc->eng->stack->layers[i]->poll_end != NULL)
			lc->eng->stack->layers[i]->poll_end(lc);
	rte_rcu_qsbr_thread_offline(lc->eng->qsbr, lc->id);
	self = NULL;
	if (lc->eng->rtc)
		poll_unlock(lc);
	DP_TSAN_RELEASE(lc);	/* dp_engine_stop's wait */
	return 0;
}
