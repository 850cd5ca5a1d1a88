/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frames waiting for their next hop to resolve, held by the lcore that
 * sends them (RFC 1122 §2.3.2.2: "SHOULD save at least one").
 *
 * Each lcore keeps its own hold: a frame never crosses lcores to wait,
 * so a socket's frames stay on its owner, which can tell it "no room"
 * (it waits, with its frame, instead of losing it) whatever lcore it is.
 * The hold asks lcore 0 to resolve (dp_arp_resolve) and, while it holds
 * anything, looks at the neighbour cache each iteration: usable, the
 * frames go out (a TX buffer's worth per iteration, in order, so none is
 * dropped for a full port); failed, they are dropped and counted.
 *
 * Limits: WSPDK_ARP_QLEN frames per next hop, and all lcores together at
 * most a quarter of the mbuf pool (each its share): neighbours that
 * never answer cannot starve the pool, and receiving -- the ARP reply
 * included -- goes on.
 *
 *   dp_ip_output[_try] -> dp_arp_output[_try] -> hold
 *   each iteration -> dp_arp_hold_poll -> dp_eth_output
 *
 * A held frame's owner (a socket, opaque here) hears of it and of its
 * fate through dp_net_tx_fate.
 */
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "dp_net.h"
#include "dp_tsan.h"

#define HOLD_ENTRIES	64	/* next hops one lcore waits for at once */
#define ASK_AGAIN_MS	100	/* a request lcore 0 has not acted on */
#define GIVE_UP_MS	3500	/* never resolved: ARP's 3 tries and more */

struct hold_entry {
	uint32_t nexthop;		/* (l, read by telemetry) network
					 * order, 0 = free */
	uint32_t len;			/* (l, read by telemetry) frames */
	struct rte_mbuf *head;		/* (l) oldest */
	struct rte_mbuf *tail;		/* (l) */
	uint64_t since;			/* (l) TSC of the first frame */
	uint64_t asked;			/* (l) TSC of the last request, 0 =
					 * not posted */
};

struct dp_arp_hold {
	uint32_t cap;			/* (c) this lcore's share */
	struct hold_entry e[HOLD_ENTRIES]; /* (l) */
};

static uint64_t
ms_tsc(const struct dp_lcore *lc, uint64_t ms)
{
	return lc->eng->tsc_hz / 1000 * ms;
}

int
dp_arp_hold_create(struct dp_lcore *lc)
{
	const struct dp_engine *eng = lc->eng;
	struct dp_arp_hold *h;

	h = dp_zmalloc("dp_arp_hold", sizeof(*h), RTE_CACHE_LINE_SIZE);
	if (h == NULL)
		return -ENOMEM;
	h->cap = RTE_MAX(eng->conf.nb_mbufs / 4 / eng->nb_lcores, 1u);
	lc->net->hold = h;
	return 0;
}

static void
unlink_all(struct hold_entry *e)
{
	e->head = e->tail = NULL;
	__atomic_store_n(&e->len, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&e->nexthop, 0, __ATOMIC_RELAXED);
}

/* Engine stopping (lcores stopped): what is still held goes. */
void
dp_arp_hold_free(struct dp_lcore *lc)
{
	struct dp_arp_hold *h = lc->net->hold;

	if (h == NULL)
		return;
	for (unsigned int i = 0; i < HOLD_ENTRIES; i++) {
		struct rte_mbuf *m = h->e[i].head, *next;

		for (; m != NULL; m = next) {
			next = dp_mbuf_priv(m)->next;
			dp_pktmbuf_free(m);
		}
	}
	dp_free(h);
	lc->net->hold = NULL;
}

/* lc->net->held: read by other threads (cleanup, telemetry). */
static void
count_frames(struct dp_lcore *lc, int delta)
{
	__atomic_store_n(&lc->net->held, lc->net->held + delta, __ATOMIC_RELAXED);
}

/* A held frame's fate, told to its owner. Consumes m (sent, or freed). */
static void
release(struct dp_lcore *lc, struct rte_mbuf *m,
		const struct rte_ether_addr *mac, enum dp_tx_fate f)
{
	if (f == DP_TX_SENT && !dp_net_tx_fate(lc, m, f))
		f = DP_TX_DROP_ABORT;	/* its owner is gone abortively */
	if (f == DP_TX_SENT) {
		dp_eth_output(lc, m, mac, RTE_ETHER_TYPE_IPV4);
		return;
	}
	if (f == DP_TX_DROP_NO_ARP)
		DP_STAT_INC(lc, arp_resolve_fail);
	dp_net_tx_fate(lc, m, f);
	dp_pktmbuf_free(m);
}

/* Post a resolve request for e; if lcore 0's ring is full, the next poll
 * posts it. */
static void
ask(struct dp_lcore *lc, struct hold_entry *e)
{
	if (dp_arp_resolve(lc, e->nexthop))
		e->asked = lc->now | 1;
}

static struct hold_entry *
entry_for(struct dp_arp_hold *h, uint32_t nexthop, bool create)
{
	struct hold_entry *free_e = NULL;

	for (unsigned int i = 0; i < HOLD_ENTRIES; i++) {
		if (h->e[i].nexthop == nexthop)
			return &h->e[i];
		if (free_e == NULL && h->e[i].nexthop == 0)
			free_e = &h->e[i];
	}
	return create ? free_e : NULL;
}

/*
 * Hold m until nexthop resolves. 0: consumed (held, or dropped and
 * counted); -ENOBUFS: no room and try, m is still the caller's.
 */
static int
hold(struct dp_lcore *lc, struct rte_mbuf *m, uint32_t nexthop, bool try)
{
	struct dp_arp_hold *h = lc->net->hold;
	struct hold_entry *e = entry_for(h, nexthop, true);

	if (e == NULL || e->len >= lc->eng->conf.arp_qlen ||
			lc->net->held >= h->cap) {
		if (try)
			return -ENOBUFS;
		DP_STAT_INC(lc, arp_queue_full);
		dp_net_tx_fate(lc, m, DP_TX_DROP_NO_ARP);
		dp_pktmbuf_free(m);
		return 0;
	}
	if (e->nexthop == 0) {
		__atomic_store_n(&e->nexthop, nexthop, __ATOMIC_RELAXED);
		e->since = lc->now;
		e->asked = 0;
	}
	dp_mbuf_priv(m)->flags |= DP_MBUF_F_HELD;
	dp_net_tx_fate(lc, m, DP_TX_HELD);
	dp_mbuf_priv(m)->next = NULL;
	if (e->tail == NULL)
		e->head = m;
	else
		dp_mbuf_priv(e->tail)->next = m;
	e->tail = m;
	__atomic_store_n(&e->len, e->len + 1, __ATOMIC_RELAXED);
	count_frames(lc, 1);
	if (e->asked == 0)
		ask(lc, e);
	return 0;
}

static int
output(struct dp_lcore *lc, struct rte_mbuf *m, uint32_t nexthop, bool try)
{
	struct rte_ether_addr mac;

	switch (dp_arp_lookup(lc->eng, nexthop, &mac)) {
	case DP_ARP_USABLE:
		/* Behind frames still held for it, never ahead of them. */
		if (unlikely(lc->net->held != 0) &&
				entry_for(lc->net->hold, nexthop, false) != NULL)
			return hold(lc, m, nexthop, try);
		if (dp_net_tx_fate(lc, m, DP_TX_SENT)) {
			dp_eth_output(lc, m, &mac, RTE_ETHER_TYPE_IPV4);
			return 0;
		}
		dp_net_tx_fate(lc, m, DP_TX_DROP_ABORT);
		dp_pktmbuf_free(m);
		return 0;
	case DP_ARP_FAILED:
		/* Failed lately: lcore 0 asks again once its hold-down has
		 * passed; this frame would only wait for the same answer. */
		dp_arp_resolve(lc, nexthop);
		DP_STAT_INC(lc, arp_resolve_fail);
		dp_net_tx_fate(lc, m, DP_TX_DROP_NO_ARP);
		dp_pktmbuf_free(m);
		return 0;
	default:
		return hold(lc, m, nexthop, try);
	}
}

/*
 * Send m (data at L3, an IPv4 datagram) to nexthop (network order),
 * resolving it first if needed. Consumes m. dp_mbuf_priv(m)->owner names
 * what the frame is accounted to, or is NULL.
 */
void
dp_arp_output(struct dp_lcore *lc, struct rte_mbuf *m, uint32_t nexthop)
{
	output(lc, m, nexthop, false);
}

/* As dp_arp_output, but returns -ENOBUFS (m not consumed) when the hold
 * is full, so a socket can wait instead of losing it. */
int
dp_arp_output_try(struct dp_lcore *lc, struct rte_mbuf *m, uint32_t nexthop)
{
	return output(lc, m, nexthop, true);
}

/* Send e's frames to mac, as many as the TX buffer takes now; true when
 * none is left. */
static bool
flush(struct dp_lcore *lc, struct hold_entry *e,
		const struct rte_ether_addr *mac)
{
	while (e->head != NULL) {
		struct rte_mbuf *m = e->head;

		if (lc->tx_n == DP_TX_BUF) {
			dp_lcore_tx_flush(lc);
			if (lc->tx_n == DP_TX_BUF)
				return false;	/* the port is full: later */
		}
		e->head = dp_mbuf_priv(m)->next;
		if (e->head == NULL)
			e->tail = NULL;
		__atomic_store_n(&e->len, e->len - 1, __ATOMIC_RELAXED);
		count_frames(lc, -1);
		release(lc, m, mac, DP_TX_SENT);
	}
	return true;
}

static void
drop_all(struct dp_lcore *lc, struct hold_entry *e)
{
	struct rte_mbuf *m = e->head, *next;

	for (; m != NULL; m = next) {
		next = dp_mbuf_priv(m)->next;
		count_frames(lc, -1);
		release(lc, m, NULL, DP_TX_DROP_NO_ARP);
	}
	unlink_all(e);
}

/* Each iteration while anything is held: what resolved goes out. */
void
dp_arp_hold_poll(struct dp_lcore *lc)
{
	struct dp_arp_hold *h = lc->net->hold;
	struct rte_ether_addr mac;

	for (unsigned int i = 0; i < HOLD_ENTRIES && lc->net->held != 0; i++) {
		struct hold_entry *e = &h->e[i];

		if (e->nexthop == 0)
			continue;
		switch (dp_arp_lookup(lc->eng, e->nexthop, &mac)) {
		case DP_ARP_USABLE:
			if (flush(lc, e, &mac))
				unlink_all(e);
			break;
		case DP_ARP_FAILED:
			drop_all(lc, e);
			break;
		default:
			/* Lcore 0 has not taken it up (its request ring was
			 * full, or its table): ask again, then give up. */
			if (lc->now - e->since > ms_tsc(lc, GIVE_UP_MS))
				drop_all(lc, e);
			else if (e->asked == 0 || lc->now - e->asked >
					ms_tsc(lc, ASK_AGAIN_MS))
				ask(lc, e);
			break;
		}
	}
}

/* After owner's abortive close: its held frames go now, not when their
 * neighbour answers. */
void
dp_arp_hold_purge(struct dp_lcore *lc, const void *owner)
{
	struct dp_arp_hold *h = lc->net->hold;

	for (unsigned int i = 0; i < HOLD_ENTRIES && lc->net->held != 0; i++) {
		struct hold_entry *e = &h->e[i];
		struct rte_mbuf **pp = &e->head, *last = NULL;

		while (*pp != NULL) {
			struct rte_mbuf *m = *pp;

			if (dp_mbuf_priv(m)->owner != owner) {
				last = m;
				pp = &dp_mbuf_priv(m)->next;
				continue;
			}
			*pp = dp_mbuf_priv(m)->next;
			__atomic_store_n(&e->len, e->len - 1,
				__ATOMIC_RELAXED);
			count_frames(lc, -1);
			release(lc, m, NULL, DP_TX_DROP_ABORT);
		}
		e->tail = last;
		if (e->head == NULL && e->nexthop != 0)
			unlink_all(e);
	}
}

/* Any thread: frames held on every lcore. */
unsigned int
dp_arp_pending(const struct dp_engine *eng)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < eng->nb_lcores; i++)
		n += __atomic_load_n(&eng->lcores[i]->net->held,
			__ATOMIC_RELAXED);
	return n;
}

/* Telemetry: frames held for ip (network order), over every lcore. */
uint32_t
dp_arp_held_for(const struct dp_engine *eng, uint32_t ip)
{
	uint32_t n = 0;

	for (unsigned int i = 0; i < eng->nb_lcores; i++) {
		const struct dp_arp_hold *h = eng->lcores[i]->net->hold;

		for (unsigned int k = 0; k < HOLD_ENTRIES; k++)
			if (__atomic_load_n(&h->e[k].nexthop,
					__ATOMIC_RELAXED) == ip)
				n += __atomic_load_n(&h->e[k].len,
					__ATOMIC_RELAXED);
	}
	return n;
}
