/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * listen and accept (application threads) and a listener's children.
 *
 * A listener creates its children's sockets ahead, on the application
 * thread (spares, one per backlog slot, refilled by accept): an lcore
 * that receives a SYN takes one and owns it, so no lcore ever allocates
 * a socket or takes the socket table's lock. A child that dies before
 * it is accepted becomes a spare again (dp_tcp_child_dead).
 */
#include <errno.h>
#include <string.h>

#include "dp_tcp.h"

/* A socket for a future child (application thread); its RX ring is
 * made by its owner at its first data (dp_tcp_deliver). */
static struct dp_sock *
spare_new(struct dp_sock *ls)
{
	struct dp_sock *c;

	if (dp_sock_create(IPPROTO_TCP, &c) != 0)
		return NULL;
	c->flags |= DP_SOCK_F_CHILD;	/* nobody else sees it yet */
	RTE_SET_USED(ls);
	return c;
}

/* Application thread: spares up to the backlog, as many as the socket
 * table has room for. */
static void
spares_fill(struct dp_sock *ls)
{
	struct dp_tcp_pcb *tp = dp_tcp_pcb(ls);
	struct dp_sock *c;

	while (rte_ring_count(tp->spares) < tp->backlog &&
			(c = spare_new(ls)) != NULL)
		if (rte_ring_enqueue(tp->spares, c) != 0) {
			dp_sock_close(c, DP_CLOSE_ABORT);
			break;
		}
}

void
dp_tcp_spares_starved(struct dp_sock *ls)
{
	struct dp_tcp_pcb *tp = dp_tcp_pcb(ls);

	if (__atomic_load_n(&tp->starved, __ATOMIC_ACQUIRE) != 0 &&
			__atomic_exchange_n(&tp->starved, 0,
			__ATOMIC_ACQ_REL) != 0 &&
			dp_tcp_state(tp) == DP_TCP_LISTEN)
		spares_fill(ls);
}

struct listen_req {
	struct dp_sock *s;
	uint32_t backlog;
};

static int
listen_owner(struct dp_lcore *lc, void *arg)
{
	struct listen_req *r = arg;
	struct dp_tcp_pcb *tp = dp_tcp_pcb(r->s);
	uint8_t st = dp_tcp_state(tp);

	RTE_SET_USED(lc);
	if (st != DP_TCP_CLOSED && st != DP_TCP_LISTEN)
		return -EINVAL;
	tp->backlog = r->backlog;
	dp_tcp_set_state(tp, DP_TCP_LISTEN);
	return 0;
}

int
dp_tcp_listen(struct dp_sock *s, int backlog)
{
	struct dp_tcp_pcb *tp = dp_tcp_pcb(s);
	struct listen_req r = { s, (uint32_t)RTE_MAX(backlog, 1) };
	uint8_t st = dp_tcp_state(tp);
	struct dp_sock *c;

	if (r.backlog > DP_TCP_BACKLOG_MAX)
		r.backlog = DP_TCP_BACKLOG_MAX;
	if ((st != DP_TCP_CLOSED && st != DP_TCP_LISTEN) ||
			__atomic_load_n(&s->peer, __ATOMIC_ACQUIRE) != 0)
		return -EINVAL;
	rte_spinlock_lock(&s->lock);
	if (tp->acceptq == NULL) {
		/* 255 slots: above DP_TCP_BACKLOG_MAX, MP/MC. */
		tp->acceptq = dp_sock_ring_new(s->eng, 0, 0);
		tp->spares = dp_sock_ring_new(s->eng, 0, 0);
	}
	rte_spinlock_unlock(&s->lock);
	if (tp->acceptq == NULL || tp->spares == NULL)
		return -ENOBUFS;
	while (rte_ring_count(tp->spares) < r.backlog &&
			(c = spare_new(s)) != NULL)
		if (rte_ring_enqueue(tp->spares, c) != 0) {
			dp_sock_close(c, DP_CLOSE_ABORT);
			break;
		}
	return dp_sock_owner_call(s, listen_owner, &r);
}

int
dp_tcp_accept(struct dp_sock *s, struct dp_sock **out, struct dp_addr *peer)
{
	struct dp_tcp_pcb *tp = dp_tcp_pcb(s);
	struct dp_sock *c;

	if (dp_tcp_state(tp) != DP_TCP_LISTEN)
		return -EINVAL;
	if (rte_ring_mc_dequeue(tp->acceptq, (void **)&c) != 0) {
		dp_tcp_spares_starved(s);
		return -EAGAIN;
	}
	/* Its slot gets a new spare, and so do those the socket table
	 * had no room for before. */
	spares_fill(s);
	if (peer != NULL)
		dp_sock_peer(c, peer);
	*out = c;
	return 0;
}

/* Owner lcore: a child that died unaccepted is a spare again. */
void
dp_tcp_child_dead(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	struct dp_sock *s = tp->s, *ls = tp->parent;
	struct dp_tcp_pcb *ltp = dp_tcp_pcb(ls);
	bool embryo = !(tp->tf & TF_QUEUED);

	RTE_SET_USED(lc);
	memset((uint8_t *)tp + sizeof(tp->s), 0, offsetof(struct dp_tcp_pcb,
		rlock) - sizeof(tp->s));
	tp->detached = true;
	tp->rto_min_us = DP_TCP_RTO_MIN_US;
	__atomic_store_n(&s->peer, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&s->bound, false, __ATOMIC_RELEASE);
	__atomic_store_n(&s->so_error, 0, __ATOMIC_RELEASE);
	if (embryo)
		__atomic_fetch_sub(&ltp->embryos, 1, __ATOMIC_RELAXED);
	/* The ring has room for every spare there ever was. */
	rte_ring_enqueue(ltp->spares, s);
	__atomic_fetch_sub(&ltp->children, 1, __ATOMIC_RELEASE);
}

/*
 * A listener's children and spares go with it: RST to those queued. The
 * spares are freed together, without a round trip each: no lcore takes
 * one from a listener that every lcore has seen closed (embryos_reset),
 * and a child that died went back among them. Lcores stopped: the
 * socket table frees them all.
 */
void
dp_tcp_listener_drain(struct dp_engine *eng, struct dp_tcp_pcb *tp,
		bool running)
{
	struct dp_sock *c, *v[DP_TCP_BACKLOG_MAX];
	unsigned int n;

	if (tp->acceptq != NULL)
		while (rte_ring_mc_dequeue(tp->acceptq, (void **)&c) == 0)
			if (running)
				dp_sock_close(c, DP_CLOSE_ABORT);
	if (tp->spares == NULL)
		return;
	do {
		n = rte_ring_mc_dequeue_burst(tp->spares, (void **)v,
			RTE_DIM(v), NULL);
		if (running)
			dp_sock_discard(eng, v, n);
	} while (n != 0);
}

/* On lcore lc: the children of the listener arg still in SYN-RECEIVED
 * here get a RST and die (becoming spares, closed with the rest). */
static int
embryos_reset(struct dp_lcore *lc, void *arg)
{
	struct dp_sock *ls = arg;

	for (unsigned int i = 0; i <= lc->tcp->mask; i++) {
		struct dp_tcp_pcb *tp = lc->tcp->hash[i], *next;

		for (; tp != NULL; tp = next) {
			next = tp->hnext;
			if (tp->parent != ls || (tp->tf & TF_QUEUED))
				continue;
			dp_tcp_send_ctl(lc, tp, RTE_TCP_RST_FLAG,
				tp->snd_nxt);
			dp_tcp_close_tcb(lc, tp, ECONNABORTED);
		}
	}
	return 0;
}

void
dp_tcp_listener_close(struct dp_sock *ls)
{
	struct dp_engine *eng = ls->eng;

	/* Its state is CLOSED already, so no lcore makes a new child after
	 * it has been through here: each is asked once, by its ring. */
	for (unsigned int i = 0; i < eng->nb_lcores; i++)
		dp_ctl_call(eng->lcores[i], embryos_reset, ls);
	dp_tcp_listener_drain(eng, dp_tcp_pcb(ls), true);
}
