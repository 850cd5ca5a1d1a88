/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The owner lcore's half of socket transmission.
 *
 * An application thread that queues a datagram rings the owner's doorbell
 * once (s->tx_sched guards against ringing twice); the owner visits the
 * sockets on its doorbell ring, moves up to DP_TX_DRAIN_BUDGET frames of
 * each towards the wire, and rings again for sockets it left non-empty,
 * so one busy socket cannot starve the others.
 *
 * Nothing is lost on the way: when a next hop is unresolved and the ARP
 * hold is full, the frame is stashed on the socket and the socket parks
 * until there is room (the TX ring behind it applies back-pressure to the
 * application); when the port's queue is full, draining pauses.
 */
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dp_sock_priv.h"
#include "dp_tsan.h"

/* Application thread, after enqueuing on s->txq. */
void
dp_sock_tx_kick(struct dp_sock *s)
{
	/* The doorbell has room for every socket once (RING_F_EXACT_SZ,
	 * conf.sockets), and tx_sched keeps each socket on it at most once. */
	struct rte_ring *r;

	if (__atomic_exchange_n(&s->tx_sched, 1, __ATOMIC_SEQ_CST) != 0)
		return;
	r = __atomic_load_n(&s->doorbell, __ATOMIC_ACQUIRE);
	rte_ring_enqueue(r, s);
	/* The lcore whose ring it is, if it sleeps (a hand-over may have
	 * moved s meanwhile: the ring says whom this post is for). */
	if (unlikely(s->eng->sleep_after != 0))
		for (unsigned int i = 0; i < s->eng->nb_lcores; i++)
			if (s->eng->lcores[i]->sock->doorbell == r)
				dp_lcore_wake(s->eng->lcores[i]);
}

/*
 * A frame's fate, told by the net layer (dp_net_set_tx_fate): counted on
 * its socket (the first frame of a datagram counts the datagram), and
 * while ARP holds it, the socket is not drained. A frame of a socket
 * closed abortively is not sent.
 */
bool
dp_sock_tx_fate(struct dp_lcore *lc, struct rte_mbuf *m, enum dp_tx_fate f)
{
	const struct dp_mbuf_priv *p = dp_mbuf_priv(m);
	struct dp_sock *s = p->owner;
	bool first = (p->flags & DP_MBUF_F_FIRST) != 0;

	if (f == DP_TX_HELD) {
		__atomic_fetch_add(&s->arp_inflight, 1, __ATOMIC_RELAXED);
		return true;
	}
	if (f == DP_TX_SENT && (__atomic_load_n(&s->flags,
			__ATOMIC_RELAXED) & DP_SOCK_F_ABORT))
		return false;
	if (p->flags & DP_MBUF_F_HELD) {
		__atomic_fetch_sub(&s->arp_inflight, 1, __ATOMIC_RELEASE);
		dp_wait_note(lc, s);
	}
	if (!first)
		return true;
	switch (f) {
	case DP_TX_SENT:
		__atomic_fetch_add(&s->st.tx_dgrams, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&s->st.tx_bytes, p->dgram_len,
			__ATOMIC_RELAXED);
		if (unlikely(p->flags & DP_MBUF_F_NOTIFY) &&
				s->ops->sent != NULL)
			s->ops->sent(lc, s, m);
		if (unlikely(p->flags & DP_MBUF_F_TSTAMP))
			dp_sock_tstamp_due(lc, s, p->ts_id);
		break;
	case DP_TX_DROP_ABORT:
		__atomic_fetch_add(&s->st.drop_abort, 1, __ATOMIC_RELAXED);
		break;
	case DP_TX_DROP_NO_ARP:
		__atomic_fetch_add(&s->st.drop_no_arp, 1, __ATOMIC_RELAXED);
		break;
	default:
		break;
	}
	return true;
}

/* The frame has left the socket's queue (to the wire, the ARP hold, or
 * dropped): settle the queue's accounts. */
static void
left(struct dp_lcore *lc, struct dp_sock *s, uint32_t dgram_len, bool first)
{
	if (first)
		__atomic_fetch_sub(&s->tx_bytes_q, dgram_len, __ATOMIC_RELEASE);
	__atomic_fetch_sub(&s->tx_pending, 1, __ATOMIC_RELEASE);
	dp_wait_note(lc, s);
}

/*
 * Move one frame towards the wire. Returns false when it could not (the
 * ARP hold is full): the caller keeps it.
 */
static bool
send_one(struct dp_lcore *lc, struct dp_sock *s, struct rte_mbuf *m)
{
	struct dp_mbuf_priv *p = dp_mbuf_priv(m);
	uint32_t len = p->dgram_len;
	bool first = (p->flags & DP_MBUF_F_FIRST) != 0;

	if (__atomic_load_n(&s->flags, __ATOMIC_RELAXED) & DP_SOCK_F_ABORT) {
		dp_sock_tx_fate(lc, m, DP_TX_DROP_ABORT);
		dp_pktmbuf_free(m);
	} else if (dp_ip_output_try(lc, m) != 0) {
		return false;
	}
	left(lc, s, len, first);
	return true;
}

static void unpark(struct dp_timer_wheel *w, struct dp_timer *t);

/* s waits, with the frame it could not send, until there is ARP room. */
static void
park(struct dp_lcore *lc, struct dp_sock *s, struct rte_mbuf *m)
{
	struct dp_sock_lcore *sl = lc->sock;

	s->tx_stash = m;
	s->parked = true;
	sl->parked[sl->nb_parked++] = s;
	if (!dp_timer_armed(&sl->unpark)) {
		dp_timer_init(&sl->unpark, unpark);
		dp_timer_arm(&lc->timers, &sl->unpark,
			lc->now_us + DP_UNPARK_US);
	}
}

static void
drain(struct dp_lcore *lc, struct dp_sock *s)
{
	struct rte_mbuf *m;

	/* An abortive close: what waits for ARP goes too, at once. */
	if (__atomic_load_n(&s->flags, __ATOMIC_RELAXED) & DP_SOCK_F_ABORT)
		dp_arp_hold_purge(lc, s);
	for (unsigned int n = 0; n < DP_TX_DRAIN_BUDGET; n++) {
		if (lc->tx_n == DP_TX_BUF) {
			dp_lcore_tx_flush(lc);
			if (lc->tx_n == DP_TX_BUF)
				break;		/* the port is full: later */
		}
		if (s->tx_stash != NULL) {
			m = s->tx_stash;
			s->tx_stash = NULL;
		} else if (rte_ring_sc_dequeue(dp_ringq_head(&s->txq),
				(void **)&m) != 0) {
			return;
		}
		if (!send_one(lc, s, m)) {
			park(lc, s, m);
			return;
		}
	}
	/* Budget spent or port full: come back on a later iteration. */
	dp_sock_tx_kick(s);
}

void
dp_sock_tx_poll(struct dp_lcore *lc)
{
	struct dp_sock *socks[DP_RX_BURST];
	unsigned int n;

	n = rte_ring_sc_dequeue_burst(lc->sock->doorbell, (void **)socks,
		DP_RX_BURST, NULL);
	for (unsigned int i = 0; i < n; i++) {
		struct dp_sock *s = socks[i];

		/* Cleared before draining: a datagram queued meanwhile rings
		 * again rather than being missed. */
		__atomic_store_n(&s->tx_sched, 0, __ATOMIC_SEQ_CST);
		if (s->ops->txdrain != NULL)
			s->ops->txdrain(lc, s);
		else if (!s->parked)
			drain(lc, s);
	}
}

/* Every DP_UNPARK_US while any is parked: they try again (ARP may have
 * made room); those still stuck park again, re-arming the timer. */
static void
unpark(struct dp_timer_wheel *w, struct dp_timer *t)
{
	struct dp_lcore *lc = dp_lcore_of_timers(w);
	struct dp_sock_lcore *sl = lc->sock;
	unsigned int n = sl->nb_parked;

	RTE_SET_USED(t);
	sl->nb_parked = 0;
	for (unsigned int i = 0; i < n; i++) {
		struct dp_sock *s = sl->parked[i];

		s->parked = false;
		drain(lc, s);
	}
}
