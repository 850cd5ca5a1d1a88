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

#include "dp_mcast.h"
#include "dp_sock_priv.h"
#include "dp_tsan.h"

#define IP_MC(a)	(((a) & RTE_BE32(0xf0000000)) == RTE_BE32(0xe0000000))

/* Application thread, after enqueuing on s->txq. */
void
dp_sock_tx_kick(struct dp_sock *s)
{
	/* The doorbell has room for every socket once (RING_F_EXACT_SZ,
	 * DP_SOCK_MAX), and tx_sched keeps each socket on it at most once. */
	if (__atomic_exchange_n(&s->tx_sched, 1, __ATOMIC_SEQ_CST) == 0)
		rte_ring_enqueue(s->owner->doorbell, s);
}

/*
 * A frame's fate, known: counted on its socket (the first frame of a
 * datagram counts the datagram). No-op for a frame of no socket. Before
 * m is consumed: it reads m's private area.
 */
void
dp_sock_tx_settle(struct dp_lcore *lc, struct rte_mbuf *m,
		enum dp_tx_outcome o)
{
	const struct dp_mbuf_priv *p = dp_mbuf_priv(m);
	struct dp_sock *s = p->sock;

	RTE_SET_USED(lc);
	if (s == NULL || !(p->flags & DP_MBUF_F_FIRST))
		return;
	switch (o) {
	case DP_TX_SENT:
		__atomic_fetch_add(&s->st.tx_dgrams, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&s->st.tx_bytes, p->dgram_len,
			__ATOMIC_RELAXED);
		break;
	case DP_TX_DROP_ABORT:
		__atomic_fetch_add(&s->st.drop_abort, 1, __ATOMIC_RELAXED);
		break;
	case DP_TX_DROP_NO_ARP:
		__atomic_fetch_add(&s->st.drop_no_arp, 1, __ATOMIC_RELAXED);
		break;
	}
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

static void
link_dst(const struct dp_engine *eng, uint32_t dst, struct rte_ether_addr *mac)
{
	uint32_t h = rte_be_to_cpu_32(dst);

	if (IP_MC(dst))
		*mac = (struct rte_ether_addr){ .addr_bytes = { 0x01, 0x00,
			0x5e, (h >> 16) & 0x7f, (h >> 8) & 0xff, h & 0xff } };
	else
		memset(mac, 0xff, sizeof(*mac));
	RTE_SET_USED(eng);
}

/* A multicast frame on its way out: count it, and give our own members
 * a copy when the socket asked for IP_MULTICAST_LOOP. */
static void
multicast_local(struct dp_lcore *lc, struct rte_mbuf *m, uint32_t group,
		bool first)
{
	struct dp_mc_group *g = dp_mcast_group(lc->eng, group);
	struct rte_mbuf *c;

	if (g == NULL)
		return;
	if (first)
		__atomic_fetch_add(&g->tx_dgrams, 1, __ATOMIC_RELAXED);
	if (!(dp_mbuf_priv(m)->flags & DP_MBUF_F_MCLOOP) ||
			__atomic_load_n(&g->set, __ATOMIC_RELAXED) == NULL)
		return;
	c = rte_pktmbuf_copy(m, lc->eng->mp, 0, UINT32_MAX);
	if (c == NULL) {
		DP_STAT_INC(lc, udp_mcloop_nombuf);
		return;
	}
	dp_ipv4_input(lc, c);
}

/*
 * Move one frame towards the wire. Returns false when it could not (the
 * ARP hold is full): the caller keeps it.
 */
static bool
send_one(struct dp_lcore *lc, struct dp_sock *s, struct rte_mbuf *m)
{
	const struct dp_engine *eng = lc->eng;
	struct dp_mbuf_priv *p = dp_mbuf_priv(m);
	uint32_t len = p->dgram_len, nh = p->addr;
	bool first = (p->flags & DP_MBUF_F_FIRST) != 0;
	struct rte_ether_addr mac;

	if (__atomic_load_n(&s->flags, __ATOMIC_RELAXED) & DP_SOCK_F_ABORT) {
		dp_sock_tx_settle(lc, m, DP_TX_DROP_ABORT);
		dp_pktmbuf_free(m);
	} else if (p->flags & DP_MBUF_F_LOCAL) {
		/* To our own address on a wire that would not bring it back:
		 * the stack receives it directly. */
		dp_sock_tx_settle(lc, m, DP_TX_SENT);
		dp_ipv4_input(lc, m);
	} else if (nh == RTE_BE32(0xffffffff) || nh == eng->bcast ||
			IP_MC(nh)) {
		if (IP_MC(nh))
			multicast_local(lc, m, nh, first);
		link_dst(eng, nh, &mac);
		dp_sock_tx_settle(lc, m, DP_TX_SENT);
		dp_eth_output(lc, m, &mac, RTE_ETHER_TYPE_IPV4);
	} else if (nh == eng->ip4) {
		/* Our own address over a looped wire: our own MAC, no ARP. */
		dp_sock_tx_settle(lc, m, DP_TX_SENT);
		dp_eth_output(lc, m, &eng->mac, RTE_ETHER_TYPE_IPV4);
	} else if (dp_arp_output_try(lc, m, nh) != 0) {
		return false;
	}
	left(lc, s, len, first);
	return true;
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
			s->tx_stash = m;
			s->parked = true;
			lc->parked[lc->nb_parked++] = s;
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

	n = rte_ring_sc_dequeue_burst(lc->doorbell, (void **)socks,
		DP_RX_BURST, NULL);
	for (unsigned int i = 0; i < n; i++) {
		struct dp_sock *s = socks[i];

		/* Cleared before draining: a datagram queued meanwhile rings
		 * again rather than being missed. */
		__atomic_store_n(&s->tx_sched, 0, __ATOMIC_SEQ_CST);
		if (!s->parked)
			drain(lc, s);
	}
}

/* Each tick: parked sockets try again (ARP may have made room). */
void
dp_sock_tx_unpark(struct dp_lcore *lc)
{
	unsigned int n = lc->nb_parked;

	lc->nb_parked = 0;
	for (unsigned int i = 0; i < n; i++) {
		struct dp_sock *s = lc->parked[i];

		s->parked = false;
		drain(lc, s);
	}
}
