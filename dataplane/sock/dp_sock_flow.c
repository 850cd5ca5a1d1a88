/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A socket's owner lcore and its flow: calls to the owner, and placing a
 * connecting socket on the lcore whose RX queue its flow hashes to (the
 * rule is in dp_sock_priv.h).
 *
 *   connect -> dp_sock_flow_bind -> dp_sock_bind_locked (unbound: a port
 *              whose flow arrives on the owner) or place (bound: the
 *              owner hands the socket over, if nothing of it is queued)
 *
 * Why not move a socket that has sent: its frames sit on the old owner's
 * doorbell, ARP hold, TX buffer and timer wheel, each of which assumes
 * one lcore; draining them first would make connect wait on the wire.
 * UDP loses nothing by staying (any lcore delivers to its RX ring); TCP
 * places before its SYN, when there is nothing to move.
 */
#include <errno.h>

#include <rte_byteorder.h>

#include "dp_sock_priv.h"

struct owner_req {
	struct dp_sock *s;
	dp_ctl_fn *fn;
	void *arg;
	bool moved;			/* s left the lcore asked */
};

/* On the lcore asked: run fn if it still owns s. */
static int
owner_run(struct dp_lcore *lc, void *arg)
{
	struct owner_req *r = arg;

	if (__atomic_load_n(&r->s->owner, __ATOMIC_ACQUIRE) != lc) {
		r->moved = true;
		return 0;
	}
	return r->fn(lc, r->arg);
}

int
dp_sock_owner_call(struct dp_sock *s, dp_ctl_fn *fn, void *arg)
{
	struct owner_req r = { .s = s, .fn = fn, .arg = arg };
	int ret;

	/* A socket moves once at most per connect, under s->lock: this
	 * retries rarely, and never more than it moved. */
	do {
		r.moved = false;
		ret = dp_ctl_call(__atomic_load_n(&s->owner, __ATOMIC_ACQUIRE),
			owner_run, &r);
	} while (r.moved);
	return ret;
}

struct move_req {
	struct dp_sock *s;
	struct dp_lcore *to;
};

/* The owner, s->lock held by the caller: give s to r->to if nothing of
 * s is queued on, held by or timed on this lcore. The TX ring is made
 * under s->lock, so none appears meanwhile; a sender that makes it
 * later rings the new owner's doorbell. */
static int
hand_over(struct dp_lcore *lc, void *arg)
{
	struct move_req *r = arg;
	struct dp_sock *s = r->s;

	RTE_SET_USED(lc);
	if (__atomic_load_n(&s->txq.prod, __ATOMIC_ACQUIRE) != NULL ||
			__atomic_load_n(&s->tx_pending, __ATOMIC_ACQUIRE) != 0 ||
			__atomic_load_n(&s->arp_inflight,
				__ATOMIC_ACQUIRE) != 0 ||
			s->tx_stash != NULL || s->parked ||
			dp_timer_armed(&s->timer))
		return -EBUSY;
	__atomic_store_n(&s->doorbell, r->to->sock->doorbell,
		__ATOMIC_RELEASE);
	__atomic_store_n(&s->owner, r->to, __ATOMIC_RELEASE);
	return 0;
}

/* Whether a flow with peer arrives through RSS at all: not to or from
 * ourselves (delivered by the sender's lcore), nor a group or a
 * broadcast (never a source). */
static bool
placeable(const struct dp_engine *eng, const struct dp_addr *peer)
{
	uint32_t be = rte_cpu_to_be_32(peer->ip);

	return dp_rss_on(&eng->rss) && peer->ip != 0 && peer->port != 0 &&
		(peer->ip >> 28) != 0xe && peer->ip != 0xffffffff &&
		be != eng->bcast && be != eng->ip4;
}

/* s->lock held, s bound. */
static void
place(struct dp_sock *s, const struct dp_addr *peer)
{
	const struct dp_engine *eng = s->eng;
	uint32_t lip = s->local.ip != 0 ? s->local.ip : eng->conf.ip4;
	struct move_req r = { .s = s };

	r.to = dp_rss_lcore(eng, lip, s->local.port, peer->ip, peer->port);
	if (r.to == NULL || r.to == __atomic_load_n(&s->owner,
			__ATOMIC_ACQUIRE))
		return;
	/* -EBUSY: it has sent; it stays, and its datagrams reach it
	 * through whichever lcore receives them (sock_rx_off_owner). */
	dp_sock_owner_call(s, hand_over, &r);
}

int
dp_sock_flow_bind(struct dp_sock *s, const struct dp_addr *peer)
{
	const struct dp_addr any = { 0, 0 };
	int ret = 0;

	if (!placeable(s->eng, peer))
		return dp_sock_autobind(s);
	rte_spinlock_lock(&s->lock);
	if (!__atomic_load_n(&s->bound, __ATOMIC_ACQUIRE))
		ret = dp_sock_bind_locked(s, &any, peer);
	if (ret == 0)
		place(s, peer);
	rte_spinlock_unlock(&s->lock);
	return ret;
}
