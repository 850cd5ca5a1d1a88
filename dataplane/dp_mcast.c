/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Multicast membership (RFC 3376 §2-3, the socket API of RFC 3678):
 * IP_ADD/DROP_MEMBERSHIP, the source-specific and blocking variants, the
 * merge of every socket's filter into the interface's, the port's MAC
 * filter, and the lcores' delivery check.
 *
 *   app thread: dp_sock_mc_* -> modify (new s->mc, RCU) -> merge ->
 *               change to lcore 0 (dp_igmp_poll) + MAC filter
 *   lcore:      dp_udp_input -> dp_mcast_accepts(s->mc, group, source)
 *
 * One lock (mc->lock) orders every change: socket lists are replaced
 * whole, so lcores read them without locks, and a merge never reads a
 * list another thread is freeing.
 */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_malloc.h>
#include <rte_ring.h>

#include "dp_mcast.h"
#include "dp_sock_priv.h"
#include "dp_tsan.h"

#define IP_MC(a)	(((a) & RTE_BE32(0xf0000000)) == RTE_BE32(0xe0000000))
#define ALL_HOSTS	RTE_BE32(0xe0000001)	/* 224.0.0.1 */
#define CHANGES_SIZE	1024

enum mc_op {
	MC_JOIN,		/* any-source join: EXCLUDE {} */
	MC_LEAVE,
	MC_JOIN_SOURCE,		/* INCLUDE {.., src} */
	MC_LEAVE_SOURCE,
	MC_BLOCK,		/* EXCLUDE {.., src} */
	MC_UNBLOCK,
};

int
dp_mcast_create(struct dp_engine *eng)
{
	struct dp_mc_table *mc;

	mc = rte_zmalloc("dp_mc_table", sizeof(*mc), RTE_CACHE_LINE_SIZE);
	if (mc == NULL)
		return -ENOMEM;
	rte_spinlock_init(&mc->lock);
	mc->changes = rte_ring_create("dp_mc_changes", CHANGES_SIZE,
		SOCKET_ID_ANY, RING_F_SC_DEQ);
	if (mc->changes == NULL) {
		rte_free(mc);
		return -ENOMEM;
	}
	eng->mc = mc;
	return 0;
}

void
dp_mcast_free(struct dp_engine *eng)
{
	struct dp_mc_change *c;

	if (eng->mc == NULL)
		return;
	while (rte_ring_dequeue(eng->mc->changes, (void **)&c) == 0)
		rte_free(c);
	rte_ring_free(eng->mc->changes);
	rte_free(eng->mc);
	eng->mc = NULL;
}

static uint32_t
slot_of(uint32_t group, unsigned int i)
{
	return (rte_be_to_cpu_32(group) * 2654435761u + i) &
		(DP_MC_GROUPS - 1);
}

/* Any thread: the record of a group, or NULL. */
struct dp_mc_group *
dp_mcast_group(const struct dp_engine *eng, uint32_t group)
{
	for (unsigned int i = 0; i < DP_MC_GROUPS; i++) {
		struct dp_mc_group *g = &eng->mc->g[slot_of(group, i)];
		uint32_t k = __atomic_load_n(&g->group, __ATOMIC_ACQUIRE);

		if (k == group)
			return g;
		if (k == 0)
			return NULL;
	}
	return NULL;
}

/* mc->lock held: the group's record, claimed on first use. */
static struct dp_mc_group *
group_claim(struct dp_engine *eng, uint32_t group)
{
	for (unsigned int i = 0; i < DP_MC_GROUPS; i++) {
		struct dp_mc_group *g = &eng->mc->g[slot_of(group, i)];

		if (g->group == group)
			return g;
		if (g->group == 0) {
			__atomic_store_n(&g->group, group, __ATOMIC_RELEASE);
			return g;
		}
	}
	return NULL;
}

static int
find_src(const uint32_t *src, unsigned int n, uint32_t a)
{
	for (unsigned int i = 0; i < n; i++)
		if (src[i] == a)
			return (int)i;
	return -1;
}

/* Lcore: does this socket's filter let (group, source) in? */
bool
dp_mcast_accepts(const struct dp_mc_list *l, uint32_t group, uint32_t src)
{
	for (uint32_t i = 0; l != NULL && i < l->n; i++) {
		const struct dp_mc_memb *m = &l->m[i];

		if (m->group != group)
			continue;
		return (find_src(m->src, m->nsrc, src) >= 0) ==
			(m->mode == DP_MC_INCLUDE);
	}
	return false;
}

/*
 * RFC 3376 §3.2: the interface's state for a group is EXCLUDE (the
 * intersection of the excluding sockets' lists, minus what including
 * sockets want) if any socket excludes, else INCLUDE (the union).
 */
static void
merge(struct dp_engine *eng, uint32_t group, struct dp_mc_state *st,
		uint32_t *members)
{
	struct dp_sock_table *t = eng->socks;
	uint32_t inc[DP_MC_SRC_MAX], ex[DP_MC_SRC_MAX];
	unsigned int ninc = 0, nex = 0;
	bool any_ex = false;
	struct dp_sock *s;

	*members = 0;
	rte_spinlock_lock(&t->lock);
	TAILQ_FOREACH(s, &t->all, link) {
		const struct dp_mc_list *l = s->mc;

		for (uint32_t i = 0; l != NULL && i < l->n; i++) {
			const struct dp_mc_memb *m = &l->m[i];

			if (m->group != group)
				continue;
			(*members)++;
			if (m->mode == DP_MC_INCLUDE) {
				for (unsigned int k = 0; k < m->nsrc; k++)
					if (find_src(inc, ninc, m->src[k]) < 0
							&& ninc < DP_MC_SRC_MAX)
						inc[ninc++] = m->src[k];
				continue;
			}
			if (!any_ex) {
				memcpy(ex, m->src, m->nsrc * sizeof(ex[0]));
				nex = m->nsrc;
				any_ex = true;
				continue;
			}
			for (unsigned int k = 0; k < nex; )
				if (find_src(m->src, m->nsrc, ex[k]) < 0)
					ex[k] = ex[--nex];
				else
					k++;
		}
	}
	rte_spinlock_unlock(&t->lock);
	memset(st, 0, sizeof(*st));
	if (any_ex) {
		st->mode = DP_MC_EXCLUDE;
		for (unsigned int k = 0; k < nex; k++)
			if (find_src(inc, ninc, ex[k]) < 0)
				st->src[st->nsrc++] = ex[k];
	} else {
		st->mode = DP_MC_INCLUDE;
		memcpy(st->src, inc, ninc * sizeof(inc[0]));
		st->nsrc = (uint16_t)ninc;
	}
}

/* mc->lock held: the port listens to every group someone wants. */
static void
program_filter(struct dp_engine *eng)
{
	struct rte_ether_addr macs[DP_MC_GROUPS + 1];
	uint32_t n = 0;

	for (unsigned int i = 0; i <= DP_MC_GROUPS; i++) {
		uint32_t grp, h;

		if (i == DP_MC_GROUPS) {
			if (n == 0)
				break;
			grp = ALL_HOSTS;	/* queries come to 224.0.0.1 */
		} else {
			grp = eng->mc->g[i].group;
			if (grp == 0 || eng->mc->g[i].members == 0)
				continue;
		}
		h = rte_be_to_cpu_32(grp);
		macs[n++] = (struct rte_ether_addr){ .addr_bytes = { 0x01,
			0x00, 0x5e, (h >> 16) & 0x7f, (h >> 8) & 0xff,
			h & 0xff } };
	}
	if (eng->port != NULL)
		drv_port_set_mc_list(eng->port, macs, n);
}

/* mc->lock held: tell lcore 0 the group's new interface state. */
static int
publish_change(struct dp_engine *eng, struct dp_mc_group *g)
{
	struct dp_mc_change *c;

	c = rte_malloc("dp_mc_change", sizeof(*c), 0);
	if (c == NULL)
		return -ENOBUFS;
	c->group = g->group;
	merge(eng, g->group, &c->state, &g->members);
	__atomic_fetch_add(&eng->mc->pending, 1, __ATOMIC_RELEASE);
	if (rte_ring_enqueue(eng->mc->changes, c) != 0) {
		__atomic_fetch_sub(&eng->mc->pending, 1, __ATOMIC_RELEASE);
		rte_free(c);
		return -ENOBUFS;
	}
	program_filter(eng);
	return 0;
}

static struct dp_mc_list *
list_copy(const struct dp_mc_list *old, uint32_t extra)
{
	uint32_t n = old != NULL ? old->n : 0;
	struct dp_mc_list *l;

	l = rte_malloc("dp_mc_list", sizeof(*l) + (n + extra) *
		sizeof(l->m[0]), 0);
	if (l == NULL)
		return NULL;
	l->n = n;
	if (n != 0)
		memcpy(l->m, old->m, n * sizeof(l->m[0]));
	return l;
}

static struct dp_mc_memb *
memb_of(struct dp_mc_list *l, uint32_t group)
{
	for (uint32_t i = 0; i < l->n; i++)
		if (l->m[i].group == group)
			return &l->m[i];
	return NULL;
}

static void
memb_remove(struct dp_mc_list *l, struct dp_mc_memb *m)
{
	*m = l->m[--l->n];
}

/* Apply op to list l (a private copy). Winsock's codes: joining twice or
 * dropping what was never joined is WSAEADDRNOTAVAIL; mixing any-source
 * and source-specific on one group is WSAEINVAL. */
static int
apply(struct dp_mc_list *l, enum mc_op op, uint32_t group, uint32_t src)
{
	struct dp_mc_memb *m = memb_of(l, group);
	int i;

	switch (op) {
	case MC_JOIN:
		if (m != NULL)
			return m->mode == DP_MC_EXCLUDE ? -EADDRNOTAVAIL :
				-EINVAL;
		if (l->n == DP_MC_SOCK_MAX)
			return -ENOBUFS;
		l->m[l->n++] = (struct dp_mc_memb){ .group = group,
			.mode = DP_MC_EXCLUDE };
		return 0;
	case MC_LEAVE:
		if (m == NULL)
			return -EADDRNOTAVAIL;
		memb_remove(l, m);
		return 0;
	case MC_JOIN_SOURCE:
		if (m == NULL) {
			if (l->n == DP_MC_SOCK_MAX)
				return -ENOBUFS;
			m = &l->m[l->n++];
			*m = (struct dp_mc_memb){ .group = group,
				.mode = DP_MC_INCLUDE };
		} else if (m->mode != DP_MC_INCLUDE) {
			return -EINVAL;
		} else if (find_src(m->src, m->nsrc, src) >= 0) {
			return -EADDRNOTAVAIL;
		}
		if (m->nsrc == DP_MC_SRC_MAX)
			return -ENOBUFS;
		m->src[m->nsrc++] = src;
		return 0;
	case MC_BLOCK:
		if (m == NULL)
			return -EADDRNOTAVAIL;
		if (m->mode != DP_MC_EXCLUDE)
			return -EINVAL;
		if (find_src(m->src, m->nsrc, src) >= 0)
			return -EADDRNOTAVAIL;
		if (m->nsrc == DP_MC_SRC_MAX)
			return -ENOBUFS;
		m->src[m->nsrc++] = src;
		return 0;
	case MC_LEAVE_SOURCE:
	case MC_UNBLOCK:
		if (m == NULL)
			return -EADDRNOTAVAIL;
		if (m->mode != (op == MC_UNBLOCK ? DP_MC_EXCLUDE :
				DP_MC_INCLUDE))
			return -EINVAL;
		i = find_src(m->src, m->nsrc, src);
		if (i < 0)
			return -EADDRNOTAVAIL;
		m->src[i] = m->src[--m->nsrc];
		/* The last source of a source-specific join ends it. */
		if (op == MC_LEAVE_SOURCE && m->nsrc == 0)
			memb_remove(l, m);
		return 0;
	}
	return -EINVAL;
}

static int
modify(struct dp_sock *s, enum mc_op op, uint32_t group_h, uint32_t if_h,
		uint32_t src_h)
{
	struct dp_engine *eng = s->eng;
	struct dp_mc_table *mc = eng->mc;
	uint32_t group = rte_cpu_to_be_32(group_h);
	uint32_t src = rte_cpu_to_be_32(src_h);
	struct dp_mc_list *old, *l;
	struct dp_mc_group *g;
	bool replaced = false;
	int ret;

	if (!IP_MC(group))
		return -EINVAL;
	if (if_h != 0 && if_h != eng->conf.ip4)
		return -EADDRNOTAVAIL;
	if (op != MC_JOIN && op != MC_LEAVE && (src == 0 || IP_MC(src) ||
			src == RTE_BE32(0xffffffff)))
		return -EINVAL;
	rte_spinlock_lock(&mc->lock);
	old = s->mc;
	l = list_copy(old, 1);
	if (l == NULL) {
		ret = -ENOBUFS;
		goto unlock;
	}
	ret = apply(l, op, group, src);
	g = ret == 0 ? group_claim(eng, group) : NULL;
	if (ret == 0 && g == NULL)
		ret = -ENOBUFS;
	if (ret != 0) {
		rte_free(l);
		goto unlock;
	}
	__atomic_store_n(&s->mc, l, __ATOMIC_RELEASE);
	replaced = true;
	ret = publish_change(eng, g);
unlock:
	rte_spinlock_unlock(&mc->lock);
	if (replaced) {
		/* Lcores may still be reading the list it replaced. */
		dp_qsbr_wait(eng);
		rte_free(old);
	}
	return ret;
}

int
dp_sock_mc_join(struct dp_sock *s, uint32_t group, uint32_t ifaddr,
		uint32_t source)
{
	return modify(s, source == 0 ? MC_JOIN : MC_JOIN_SOURCE, group,
		ifaddr, source);
}

int
dp_sock_mc_leave(struct dp_sock *s, uint32_t group, uint32_t ifaddr,
		uint32_t source)
{
	return modify(s, source == 0 ? MC_LEAVE : MC_LEAVE_SOURCE, group,
		ifaddr, source);
}

int
dp_sock_mc_block(struct dp_sock *s, uint32_t group, uint32_t ifaddr,
		uint32_t source, bool block)
{
	return modify(s, block ? MC_BLOCK : MC_UNBLOCK, group, ifaddr,
		source);
}

/* Closing: every group the socket was in loses a member. */
void
dp_mcast_sock_close(struct dp_sock *s)
{
	struct dp_engine *eng = s->eng;
	struct dp_mc_list *old;

	if (eng->mc == NULL || s->mc == NULL)
		return;
	rte_spinlock_lock(&eng->mc->lock);
	old = s->mc;
	__atomic_store_n(&s->mc, NULL, __ATOMIC_RELEASE);
	for (uint32_t i = 0; i < old->n; i++) {
		struct dp_mc_group *g = group_claim(eng, old->m[i].group);

		if (g != NULL)
			publish_change(eng, g);
	}
	rte_spinlock_unlock(&eng->mc->lock);
	dp_qsbr_wait(eng);
	rte_free(old);
}

bool
dp_mcast_busy(const struct dp_engine *eng)
{
	return eng->mc != NULL &&
		__atomic_load_n(&eng->mc->pending, __ATOMIC_ACQUIRE) != 0;
}

unsigned int
dp_mcast_dump(struct dp_engine *eng, struct dp_mc_info *out,
		unsigned int max)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < DP_MC_GROUPS && n < max; i++) {
		const struct dp_mc_group *g = &eng->mc->g[i];
		uint32_t grp = __atomic_load_n(&g->group, __ATOMIC_ACQUIRE);

		if (grp == 0)
			continue;
		out[n] = (struct dp_mc_info){
			.group = grp,
			.members = __atomic_load_n(&g->members,
				__ATOMIC_RELAXED),
			.mode = g->iface.mode,
			.nsrc = g->iface.nsrc,
			.rx_dgrams = __atomic_load_n(&g->rx_dgrams,
				__ATOMIC_RELAXED),
			.rx_bytes = __atomic_load_n(&g->rx_bytes,
				__ATOMIC_RELAXED),
			.drop_filtered = __atomic_load_n(&g->drop_filtered,
				__ATOMIC_RELAXED),
			.drop_rx_full = __atomic_load_n(&g->drop_rx_full,
				__ATOMIC_RELAXED),
			.tx_dgrams = __atomic_load_n(&g->tx_dgrams,
				__ATOMIC_RELAXED),
		};
		n++;
	}
	return n;
}
