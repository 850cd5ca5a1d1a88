/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The poll loop of one dataplane lcore.
 *
 *   dp_lcore_main -> poll_once -> iterate:
 *     rx_burst -> dp_eth_input (per frame)
 *     redirect ring (frames other lcores handed over) ->
 *         dp_arp_input / dp_igmp_input
 *     doorbell (sockets with frames to send) -> dp_sock_tx_poll
 *     lcore 0: ARP resolve requests, IGMP membership changes
 *     timers (tick) -> dp_arp_timer, dp_igmp_timer, parked sockets
 *     dp_lcore_tx_flush -> tx_burst
 *
 * Fuzzers and white-box tests drive an engine's lcores themselves, one
 * step at a time on a clock they choose (dp_lcore_step).
 *
 * Frames built by the stack go through a per-lcore TX buffer flushed once
 * per iteration, so a burst of replies costs one tx_burst. Frames the PMD
 * does not take stay in the buffer for the next iteration; only when the
 * buffer itself is full is a new frame dropped (tx_full).
 */
#include <stdbool.h>
#include <stdio.h>

#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "dp_priv.h"
#include "dp_mcast.h"
#include "dp_sock_priv.h"
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
	lc->wake_gen = 1;	/* sockets start with tag 0: never noted */
	/* Several lcores may hand frames to this one: multi-producer.
	 * HTS keeps producers from spinning behind a preempted one. */
	snprintf(name, sizeof(name), "dp_redir%u", id);
	lc->redirect = rte_ring_create(name, DP_REDIRECT_SIZE, SOCKET_ID_ANY,
		RING_F_MP_HTS_ENQ | RING_F_SC_DEQ);
	if (lc->redirect == NULL || dp_arp_hold_create(lc) != 0) {
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
	dp_arp_hold_free(lc);
	dp_free(lc);
}

void
dp_lcore_tx_flush(struct dp_lcore *lc)
{
	const struct drv_port *port = lc->eng->port;
	uint32_t len[DP_TX_BUF];
	uint16_t sent, left;

	if (lc->tx_n == 0)
		return;
	/* Lengths are read before the PMD owns (and may free) the frames. */
	for (uint16_t i = 0; i < lc->tx_n; i++)
		len[i] = lc->tx_pkts[i]->pkt_len;
	DP_TSAN_RELEASE(lc->eng->mp);	/* the PMD frees them to the pool */
	sent = drv_tx_burst(port, lc->queue, lc->tx_pkts, lc->tx_n);
	DP_STAT_ADD(lc, tx_pkts, sent);
	for (uint16_t i = 0; i < sent; i++)
		DP_STAT_ADD(lc, tx_bytes, len[i]);
	left = (uint16_t)(lc->tx_n - sent);
	for (uint16_t i = 0; i < left; i++)
		lc->tx_pkts[i] = lc->tx_pkts[sent + i];
	tx_n_set(lc, left);
}

/* Consumes m. */
void
dp_lcore_tx(struct dp_lcore *lc, struct rte_mbuf *m)
{
	if (unlikely(lc->tx_n == DP_TX_BUF)) {
		dp_lcore_tx_flush(lc);
		if (lc->tx_n == DP_TX_BUF) {
			DP_STAT_INC(lc, tx_full);
			dp_pktmbuf_free(m);
			return;
		}
	}
	lc->tx_pkts[lc->tx_n] = m;
	tx_n_set(lc, lc->tx_n + 1);
}

/* Consumes m. Returns 0, or -ENOBUFS if the ring was full (m freed). */
int
dp_lcore_redirect(struct dp_lcore *to, struct rte_mbuf *m,
		enum dp_redirect_kind kind, uint32_t nexthop)
{
	struct dp_mbuf_priv *mp = dp_mbuf_priv(m);

	mp->kind = (uint16_t)kind;
	mp->addr = nexthop;
	if (rte_ring_enqueue(to->redirect, m) == 0)
		return 0;
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
	for (unsigned int i = 0; i < n; i++) {
		struct dp_mbuf_priv *mp = dp_mbuf_priv(pkts[i]);

		if (mp->kind == DP_REDIRECT_IGMP)
			dp_igmp_input(lc, pkts[i]);
		else
			dp_arp_input(lc, pkts[i]);
	}
}

static void
tick(struct dp_lcore *lc)
{
	lc->next_tick = lc->now + lc->eng->tsc_hz / (1000000 / DP_TICK_US);
	if (lc->id == 0) {
		dp_arp_timer(lc);
		dp_igmp_timer(lc);
	}
	if (lc->nb_parked != 0)
		dp_sock_tx_unpark(lc);
}

/* Lcore 0's own work: the ARP requests and IGMP changes others post. */
static void
lcore0_poll(struct dp_lcore *lc)
{
	dp_arp_poll(lc);
	if (dp_igmp_pending(lc->eng->mc))
		dp_igmp_poll(lc);
}

/* One iteration of the loop, at lc->now. */
static void
iterate(struct dp_lcore *lc)
{
	const struct drv_port *port = lc->eng->port;
	struct rte_mbuf *pkts[DP_RX_BURST];
	uint16_t n;

	n = drv_rx_burst(port, lc->queue, pkts, DP_RX_BURST);
	if (n != 0)
		DP_TSAN_ACQUIRE(lc->eng->mp);	/* the PMD took them from it */
	for (uint16_t i = 0; i < n; i++) {
		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		dp_eth_input(lc, pkts[i]);
	}
	if (!rte_ring_empty(lc->redirect))
		redirect_input(lc);
	if (!rte_ring_empty(lc->doorbell))
		dp_sock_tx_poll(lc);
	if (lc->id == 0)
		lcore0_poll(lc);
	if (unlikely(lc->held != 0))
		dp_arp_hold_poll(lc);
	if (unlikely(lc->now >= lc->next_tick))
		tick(lc);
	dp_lcore_tx_flush(lc);
	dp_wait_flush(lc);
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

	DP_TSAN_ACQUIRE(lc);	/* dp_start's launch */
	lc->now = rte_rdtsc();
	lc->next_tick = lc->now;
	/* Grace periods wait for this lcore from here until it leaves. */
	rte_rcu_qsbr_thread_online(lc->eng->qsbr, lc->id);
	if (lc->id == 0)
		dp_arp_announce(lc);
	while (!__atomic_load_n(&lc->stop, __ATOMIC_ACQUIRE))
		poll_once(lc);
	/* Frames the stack already built still go out (bounded: the PMD
	 * either takes them or they are dropped when the port stops). */
	for (int i = 0; i < 1000 && lc->tx_n != 0; i++)
		dp_lcore_tx_flush(lc);
	dp_wait_flush(lc);
	rte_rcu_qsbr_thread_offline(lc->eng->qsbr, lc->id);
	DP_TSAN_RELEASE(lc);	/* dp_stop's wait */
	return 0;
}
