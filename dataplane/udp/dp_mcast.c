/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Multicast membership (RFC 3376 §2-3, the socket API of RFC 3678):
 * IP_ADD/DROP_MEMBERSHIP, the source-specific and blocking variants, the
 * merge of a group's members into the interface's state, the port's MAC
 * filter, and the group table's life (dp_mcast.h).
 *
 *   app thread: dp_sock_mc_* -> (UDP's setopt) dp_mcast_change ->
 *               modify -> change (mc->lock): apply
 *               (Winsock's rules) -> set_build (+ merge) -> publish (RCU)
 *               -> notify lcore 0 (dp_igmp_poll) -> program_filter when
 *               a group came or went
 *   lcore:      dp_udp_input -> dp_mcast_group -> g->set's members
 *
 * One lock (mc->lock) orders every change; lcores never take it. A change
 * costs O(members of its group): nothing walks every socket, and only the
 * MAC filter, rebuilt when a group comes or goes, walks every group.
 * Member sets replaced go on an RCU defer queue (mc->sets_dq) instead of
 * a grace period per call: a join or leave never waits for the lcores
 * unless that queue is full.
 */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_pause.h>
#include <rte_rcu_qsbr.h>

#include "dp_mcast.h"
#include "dp_tsan.h"
#include "dp_udp.h"

#define IP_MC(a)	(((a) & RTE_BE32(0xf0000000)) == RTE_BE32(0xe0000000))
#define ALL_HOSTS	RTE_BE32(0xe0000001)	/* 224.0.0.1 */
#define SETS_RECLAIM	32	/* sets waiting before enqueue reclaims */
#define SOCK_LIST_MIN	8

enum mc_op {
	MC_JOIN,		/* any-source join: EXCLUDE {} */
	MC_LEAVE,
	MC_JOIN_SOURCE,		/* INCLUDE {.., src} */
	MC_LEAVE_SOURCE,
	MC_BLOCK,		/* EXCLUDE {.., src} */
	MC_UNBLOCK,
};

/* One socket's membership of one group, a private copy being changed. */
struct memb {
	bool present;
	uint8_t mode;
	uint8_t nsrc;
	uint32_t src[DP_MC_SRC_MAX];
};

static const char *const refusal_why[DP_MC_REFUSED_N] = {
	[DP_MC_REFUSED_GROUPS_FULL] = "WSPDK_MC_GROUPS groups joined",
	[DP_MC_REFUSED_SOURCES_FULL] = "64 sources in a membership or filter",
	[DP_MC_REFUSED_NOMEM] = "no memory",
};

/* The sets_dq's free function: an old member set nobody reads. */
static void
set_free_fn(void *p, void *e, unsigned int n)
{
	struct dp_mc_table *mc = p;
	struct dp_mc_set *set;

	RTE_SET_USED(n);	/* one at a time (rte_rcu_qsbr.h) */
	memcpy(&set, e, sizeof(set));
	mc->sets_dq_n--;
	dp_free(set);
}

/* The hash's defer queue returns a deleted key's slot; the record it
 * pointed to is lcore 0's to free, later. */
static void
key_data_keep(void *p, void *key_data)
{
	RTE_SET_USED(p);
	RTE_SET_USED(key_data);
}

int
dp_mcast_create(struct dp_engine *eng)
{
	uint32_t max = eng->conf.mc_groups;
	struct rte_hash_parameters hp = {
		.name = "wspdk_mc",
		/* Headroom: a deleted key's slot comes back only after a
		 * grace period, and cuckoo placement wants room. */
		.entries = max + max / 8 + 64,
		.key_len = sizeof(uint32_t),
		.hash_func = rte_hash_crc,
		.socket_id = SOCKET_ID_ANY,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF,
	};
	struct rte_hash_rcu_config hc = {
		.v = eng->qsbr,
		.mode = RTE_HASH_QSBR_MODE_DQ,
		.free_key_data_func = key_data_keep,
	};
	/* Only ever used under mc->lock: no multi-thread safety needed. */
	struct rte_rcu_qsbr_dq_parameters dq = {
		.name = "wspdk_mc_sets",
		.flags = RTE_RCU_QSBR_DQ_MT_UNSAFE,
		.size = max,
		.esize = sizeof(struct dp_mc_set *),
		.trigger_reclaim_limit = SETS_RECLAIM,
		.max_reclaim_size = max,
		.free_fn = set_free_fn,
		.v = eng->qsbr,
	};
	struct dp_mc_table *mc;

	mc = dp_zmalloc("dp_mc_table", sizeof(*mc), RTE_CACHE_LINE_SIZE);
	if (mc == NULL)
		return -ENOMEM;
	eng->mc = mc;
	rte_spinlock_init(&mc->lock);
	mc->max = max;
	dq.p = mc;
	mc->groups = rte_hash_create(&hp);
	mc->live = dp_zmalloc("dp_mc_live", max * sizeof(mc->live[0]), 0);
	mc->macs = dp_zmalloc("dp_mc_macs", (max + 1) * sizeof(mc->macs[0]),
		0);
	mc->sets_dq = rte_rcu_qsbr_dq_create(&dq);
	if (mc->groups == NULL || mc->live == NULL || mc->macs == NULL ||
			mc->sets_dq == NULL ||
			rte_hash_rcu_qsbr_add(mc->groups, &hc) != 0)
		return -ENOMEM;
	return dp_igmp_create(eng);
}

/*
 * Lcores are stopped: nothing reads any of it. Records lcore 0 tracks
 * are its to free (dp_igmp_free); the others are in the hash, or on the
 * change list (detached before lcore 0 saw them).
 */
void
dp_mcast_free(struct dp_engine *eng)
{
	struct dp_mc_table *mc = eng->mc;
	struct dp_mc_group *g, *next;

	if (mc == NULL)
		return;
	for (g = mc->changes; g != NULL; g = next) {
		next = g->next_change;
		if ((g->flags & DP_MC_F_DETACHED) &&
				!(g->igmp & DP_MC_I_TRACKED))
			dp_free(g);
	}
	for (uint32_t i = 0; i < mc->nlive; i++) {
		g = mc->live[i];
		dp_free(g->set);
		if (!(g->igmp & DP_MC_I_TRACKED))
			dp_free(g);
	}
	dp_igmp_free(eng);
	if (rte_rcu_qsbr_dq_delete(mc->sets_dq) != 0)
		DP_LOG(ERR, "multicast: member sets left unfreed");
	rte_hash_free(mc->groups);
	dp_free(mc->live);
	dp_free(mc->macs);
	dp_free(mc);
	eng->mc = NULL;
}

/* Any thread: the record of a group joined now, or NULL. */
struct dp_mc_group *
dp_mcast_group(const struct dp_engine *eng, uint32_t group)
{
	void *g;

	return rte_hash_lookup_data(eng->mc->groups, &group, &g) >= 0 ?
		g : NULL;
}

static int
find_src(const uint32_t *src, unsigned int n, uint32_t a)
{
	for (unsigned int i = 0; i < n; i++)
		if (src[i] == a)
			return (int)i;
	return -1;
}

/* mc->lock held: count a refused join, say why the first time. */
static int
refuse(struct dp_mc_table *mc, enum dp_mc_refusal why)
{
	mc->refused[why]++;
	if (!(mc->warned & (1u << why))) {
		mc->warned |= 1u << why;
		DP_LOG(WARNING, "multicast join refused (WSAENOBUFS): %s; "
			"counted in /wspdk/mcast, not logged again",
			refusal_why[why]);
	}
	return -ENOBUFS;
}

/*
 * RFC 3376 §3.2: the interface's state for a group is EXCLUDE (the
 * intersection of the excluding members' lists, minus what including
 * members want) if any member excludes, else INCLUDE (the union).
 * -ENOSPC if the union would not fit one state (DP_MC_SRC_MAX).
 */
static int
merge(const struct dp_mc_set *set, struct dp_mc_state *st)
{
	const uint32_t *all = dp_mc_set_src(set);
	uint32_t inc[DP_MC_SRC_MAX], ex[DP_MC_SRC_MAX];
	unsigned int ninc = 0, nex = 0;
	bool any_ex = false;

	for (uint32_t i = 0; i < set->n; i++) {
		const struct dp_mc_memb *m = &set->m[i];
		const uint32_t *src = all + m->src_off;

		if (m->mode == DP_MC_INCLUDE) {
			for (unsigned int k = 0; k < m->nsrc; k++) {
				if (find_src(inc, ninc, src[k]) >= 0)
					continue;
				if (ninc == DP_MC_SRC_MAX)
					return -ENOSPC;
				inc[ninc++] = src[k];
			}
			continue;
		}
		if (!any_ex) {
			memcpy(ex, src, m->nsrc * sizeof(ex[0]));
			nex = m->nsrc;
			any_ex = true;
			continue;
		}
		for (unsigned int k = 0; k < nex; )
			if (find_src(src, m->nsrc, ex[k]) < 0)
				ex[k] = ex[--nex];
			else
				k++;
	}
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
	return 0;
}

static const struct dp_mc_memb *
memb_find(const struct dp_mc_set *set, const struct dp_sock *s)
{
	for (uint32_t i = 0; set != NULL && i < set->n; i++)
		if (set->m[i].s == s)
			return &set->m[i];
	return NULL;
}

/* Append a member with its sources to a set being built. */
static void
memb_put(struct dp_mc_set *set, uint32_t *k, struct dp_sock *s,
		uint8_t mode, const uint32_t *src, uint8_t nsrc)
{
	uint32_t *area = (uint32_t *)(uintptr_t)dp_mc_set_src(set);

	set->m[*k] = (struct dp_mc_memb){ .s = s, .src_off = set->nsrc,
		.nsrc = nsrc, .mode = mode };
	memcpy(area + set->nsrc, src, nsrc * sizeof(src[0]));
	set->nsrc += nsrc;
	(*k)++;
}

/*
 * The group's next member set: old with s's membership replaced by e, or
 * dropped when e is absent, and merged. NULL with *err 0 when nobody is
 * left; NULL with -ENOMEM, or -ENOSPC (the interface's filter would not
 * fit), on failure.
 */
static struct dp_mc_set *
set_build(const struct dp_mc_set *old, struct dp_sock *s,
		const struct memb *e, int *err)
{
	const struct dp_mc_memb *m = memb_find(old, s);
	uint32_t n = (old != NULL ? old->n : 0) - (m != NULL) +
		e->present, k = 0;
	uint32_t nsrc = (old != NULL ? old->nsrc : 0) -
		(m != NULL ? m->nsrc : 0) + (e->present ? e->nsrc : 0);
	struct dp_mc_set *set;

	*err = 0;
	if (n == 0)
		return NULL;
	set = dp_malloc("dp_mc_set", sizeof(*set) + n * sizeof(set->m[0]) +
		nsrc * sizeof(uint32_t), 0);
	if (set == NULL) {
		*err = -ENOMEM;
		return NULL;
	}
	set->n = n;
	set->nsrc = 0;
	for (uint32_t i = 0; old != NULL && i < old->n; i++) {
		const struct dp_mc_memb *o = &old->m[i];

		if (o == m && e->present)
			memb_put(set, &k, s, e->mode, e->src, e->nsrc);
		else if (o != m)
			memb_put(set, &k, o->s, o->mode, dp_mc_set_src(old) +
				o->src_off, o->nsrc);
	}
	if (m == NULL)
		memb_put(set, &k, s, e->mode, e->src, e->nsrc);
	*err = merge(set, &set->want);
	if (*err != 0) {
		dp_free(set);
		return NULL;
	}
	return set;
}

/*
 * Apply op to e, s's membership (a private copy). Winsock's codes:
 * joining twice or dropping what was never joined is WSAEADDRNOTAVAIL;
 * mixing any-source and source-specific on one group is WSAEINVAL;
 * -ENOSPC: the socket's sources are full.
 */
static int
apply(struct memb *e, enum mc_op op, uint32_t src)
{
	int i;

	switch (op) {
	case MC_JOIN:
		if (e->present)
			return e->mode == DP_MC_EXCLUDE ? -EADDRNOTAVAIL :
				-EINVAL;
		*e = (struct memb){ .present = true, .mode = DP_MC_EXCLUDE };
		return 0;
	case MC_LEAVE:
		if (!e->present)
			return -EADDRNOTAVAIL;
		e->present = false;
		return 0;
	case MC_JOIN_SOURCE:
	case MC_BLOCK:
		if (!e->present && op == MC_JOIN_SOURCE)
			*e = (struct memb){ .present = true,
				.mode = DP_MC_INCLUDE };
		else if (!e->present)
			return -EADDRNOTAVAIL;
		else if (e->mode != (op == MC_BLOCK ? DP_MC_EXCLUDE :
				DP_MC_INCLUDE))
			return -EINVAL;
		else if (find_src(e->src, e->nsrc, src) >= 0)
			return -EADDRNOTAVAIL;
		if (e->nsrc == DP_MC_SRC_MAX)
			return -ENOSPC;
		e->src[e->nsrc++] = src;
		return 0;
	case MC_LEAVE_SOURCE:
	case MC_UNBLOCK:
		if (!e->present)
			return -EADDRNOTAVAIL;
		if (e->mode != (op == MC_UNBLOCK ? DP_MC_EXCLUDE :
				DP_MC_INCLUDE))
			return -EINVAL;
		i = find_src(e->src, e->nsrc, src);
		if (i < 0)
			return -EADDRNOTAVAIL;
		e->src[i] = e->src[--e->nsrc];
		/* The last source of a source-specific join ends it. */
		if (op == MC_LEAVE_SOURCE && e->nsrc == 0)
			e->present = false;
		return 0;
	}
	return -EINVAL;
}

/* mc->lock held: room in dp_udp_pcb(s)->mc for one more record. */
static int
sock_reserve(struct dp_sock *s)
{
	struct dp_mc_sock *l = dp_udp_pcb(s)->mc, *nl;
	uint32_t cap;

	if (l != NULL && l->n < l->cap)
		return 0;
	cap = l == NULL ? SOCK_LIST_MIN : l->cap * 2;
	nl = rte_realloc(l, sizeof(*nl) + cap * sizeof(nl->g[0]), 0);
	if (nl == NULL)
		return -ENOMEM;
	if (l == NULL)
		nl->n = 0;
	nl->cap = cap;
	dp_udp_pcb(s)->mc = nl;
	return 0;
}

static void
sock_remove(struct dp_sock *s, const struct dp_mc_group *g)
{
	struct dp_mc_sock *l = dp_udp_pcb(s)->mc;

	for (uint32_t i = 0; i < l->n; i++)
		if (l->g[i] == g) {
			l->g[i] = l->g[--l->n];
			return;
		}
}

/*
 * mc->lock held: the sets_dq takes an old set, freed when no lcore can
 * still be reading it. A full queue means a stalled lcore: wait it out
 * here, where waiting is allowed, and everything on the queue goes.
 */
static void
set_retire(struct dp_engine *eng, struct dp_mc_set *set)
{
	struct dp_mc_table *mc = eng->mc;

	if (set == NULL)
		return;
	if (mc->sets_dq_n >= mc->max) {
		dp_qsbr_wait(eng);
		rte_rcu_qsbr_dq_reclaim(mc->sets_dq, mc->max, NULL, NULL,
			NULL);
	}
	mc->sets_dq_n++;
	if (rte_rcu_qsbr_dq_enqueue(mc->sets_dq, &set) != 0) {
		/* Cannot happen (room was made); never leak it. */
		mc->sets_dq_n--;
		dp_qsbr_wait(eng);
		dp_free(set);
	}
}

/*
 * mc->lock held: hand g to lcore 0 (dp_igmp_poll), with extra flags. A
 * record already on the list is not queued again: lcore 0 reads its
 * state when it gets there, so nothing can overflow and a change is
 * never lost.
 */
static void
notify(struct dp_engine *eng, struct dp_mc_group *g, uint32_t extra)
{
	struct dp_mc_table *mc = eng->mc;
	uint32_t f = __atomic_fetch_or(&g->flags, DP_MC_F_QUEUED | extra,
		__ATOMIC_ACQ_REL);
	struct dp_mc_group *head;

	if (f & DP_MC_F_QUEUED)
		return;
	__atomic_fetch_add(&mc->pending, 1, __ATOMIC_RELEASE);
	head = __atomic_load_n(&mc->changes, __ATOMIC_RELAXED);
	do {
		g->next_change = head;
	} while (!__atomic_compare_exchange_n(&mc->changes, &head, g, true,
			__ATOMIC_RELEASE, __ATOMIC_RELAXED));
	dp_lcore_wake(eng->lcores[0]);
}

static struct rte_ether_addr
mac_of(uint32_t group)
{
	uint32_t h = rte_be_to_cpu_32(group);

	return (struct rte_ether_addr){ .addr_bytes = { 0x01, 0x00, 0x5e,
		(h >> 16) & 0x7f, (h >> 8) & 0xff, h & 0xff } };
}

/*
 * mc->lock held: the port listens to every group joined. macs[] follows
 * live[] entry for entry, so a group coming or going costs O(1) here
 * (what the PMD does with the list is its own).
 */
static void
program_filter(struct dp_engine *eng)
{
	struct dp_mc_table *mc = eng->mc;
	uint32_t n = mc->nlive;

	if (eng->port == NULL)
		return;
	if (n != 0)
		mc->macs[n++] = mac_of(ALL_HOSTS); /* queries come there */
	drv_port_set_mc_list(eng->port, mc->macs, n);
}

/* mc->lock held: a record for a group joined first, with its members. */
static int
group_create(struct dp_engine *eng, uint32_t group, struct dp_mc_set *set,
		struct dp_mc_group **out)
{
	struct dp_mc_table *mc = eng->mc;
	struct dp_mc_group *g;
	int ret;

	g = dp_zmalloc("dp_mc_group", sizeof(*g), RTE_CACHE_LINE_SIZE);
	if (g == NULL)
		return -ENOMEM;
	g->group = group;
	g->set = set;
	ret = rte_hash_add_key_data(mc->groups, &group, g);
	if (ret == -ENOSPC) {
		/* Slots of groups just left wait out a grace period; after
		 * one, the add takes them back. */
		dp_qsbr_wait(eng);
		ret = rte_hash_add_key_data(mc->groups, &group, g);
	}
	if (ret != 0) {
		dp_free(g);
		return ret;
	}
	g->live_idx = mc->nlive;
	mc->macs[mc->nlive] = mac_of(group);
	mc->live[mc->nlive++] = g;
	__atomic_fetch_add(&mc->nrecords, 1, __ATOMIC_RELAXED);
	*out = g;
	return 0;
}

/* mc->lock held: g's last member left. Out of the hash (its key slot
 * waits out a grace period in the hash's own defer queue) and lcore 0's
 * from now on: it reports the leave, then frees the record. */
static void
detach(struct dp_engine *eng, struct dp_mc_group *g)
{
	struct dp_mc_table *mc = eng->mc;
	struct dp_mc_group *last = mc->live[--mc->nlive];

	rte_hash_del_key(mc->groups, &g->group);
	last->live_idx = g->live_idx;
	mc->live[g->live_idx] = last;
	mc->macs[g->live_idx] = mc->macs[mc->nlive];
	notify(eng, g, DP_MC_F_DETACHED);
}

/* mc->lock held: g's members are now set (NULL: none). */
static void
publish(struct dp_engine *eng, struct dp_mc_group *g, struct dp_mc_set *set)
{
	struct dp_mc_set *old = g->set;

	__atomic_store_n(&g->set, set, __ATOMIC_RELEASE);
	set_retire(eng, old);
	if (set == NULL)
		detach(eng, g);
	else
		notify(eng, g, 0);
}

/* mc->lock held: s's copy of its membership of g (absent if none). */
static void
memb_load(struct memb *e, const struct dp_mc_set *set,
		const struct dp_mc_memb *m)
{
	e->present = m != NULL;
	if (m == NULL)
		return;
	e->mode = m->mode;
	e->nsrc = m->nsrc;
	memcpy(e->src, dp_mc_set_src(set) + m->src_off,
		m->nsrc * sizeof(e->src[0]));
}

/* mc->lock held: one membership change of s. */
static int
change(struct dp_sock *s, enum mc_op op, uint32_t group, uint32_t src)
{
	struct dp_engine *eng = s->eng;
	struct dp_mc_table *mc = eng->mc;
	struct dp_mc_group *g = dp_mcast_group(eng, group);
	struct dp_mc_set *old = g != NULL ? g->set : NULL, *set;
	const struct dp_mc_memb *m = memb_find(old, s);
	struct memb e;
	int ret;

	memb_load(&e, old, m);
	ret = apply(&e, op, src);
	if (ret == -ENOSPC)
		return refuse(mc, DP_MC_REFUSED_SOURCES_FULL);
	if (ret != 0)
		return ret;
	if (g == NULL && mc->nlive == mc->max)
		return refuse(mc, DP_MC_REFUSED_GROUPS_FULL);
	if (m == NULL && sock_reserve(s) != 0)
		return refuse(mc, DP_MC_REFUSED_NOMEM);
	set = set_build(old, s, &e, &ret);
	if (ret != 0)
		return refuse(mc, ret == -ENOSPC ?
			DP_MC_REFUSED_SOURCES_FULL : DP_MC_REFUSED_NOMEM);
	if (g == NULL) {
		/* A join (apply refuses anything else of a non-member). */
		ret = group_create(eng, group, set, &g);
		if (ret != 0) {
			dp_free(set);
			return refuse(mc, ret == -ENOMEM ?
				DP_MC_REFUSED_NOMEM :
				DP_MC_REFUSED_GROUPS_FULL);
		}
		dp_udp_pcb(s)->mc->g[dp_udp_pcb(s)->mc->n++] = g;
		notify(eng, g, 0);
		program_filter(eng);
		return 0;
	}
	if (m == NULL)
		dp_udp_pcb(s)->mc->g[dp_udp_pcb(s)->mc->n++] = g;
	else if (!e.present)
		sock_remove(s, g);
	publish(eng, g, set);
	if (set == NULL)
		program_filter(eng);
	return 0;
}

static int
modify(struct dp_sock *s, enum mc_op op, uint32_t group_h, uint32_t if_h,
		uint32_t src_h)
{
	struct dp_engine *eng = s->eng;
	uint32_t group = rte_cpu_to_be_32(group_h);
	uint32_t src = rte_cpu_to_be_32(src_h);
	int ret;

	if (!IP_MC(group))
		return -EINVAL;
	if (if_h != 0 && if_h != eng->conf.ip4)
		return -EADDRNOTAVAIL;
	if (op != MC_JOIN && op != MC_LEAVE && (src == 0 || IP_MC(src) ||
			src == RTE_BE32(0xffffffff)))
		return -EINVAL;
	rte_spinlock_lock(&eng->mc->lock);
	ret = change(s, op, group, src);
	rte_spinlock_unlock(&eng->mc->lock);
	return ret;
}

int
dp_mcast_change(struct dp_sock *s, enum dp_opt opt, const struct dp_optval *v)
{
	enum mc_op op;

	switch (opt) {
	case DP_OPT_MC_JOIN:
		op = v->source == 0 ? MC_JOIN : MC_JOIN_SOURCE;
		break;
	case DP_OPT_MC_LEAVE:
		op = v->source == 0 ? MC_LEAVE : MC_LEAVE_SOURCE;
		break;
	case DP_OPT_MC_BLOCK:
		op = MC_BLOCK;
		break;
	case DP_OPT_MC_UNBLOCK:
		op = MC_UNBLOCK;
		break;
	default:
		return -ENOPROTOOPT;
	}
	return modify(s, op, v->group, v->ifaddr, v->source);
}

/*
 * mc->lock held: s leaves g, whatever its filter. Cannot fail: with
 * memory short it waits for the sets lcores are done with rather than
 * leave a closing socket in a set (as dp_demux_unbind does). True if g
 * is gone.
 */
static bool
drop_member(struct dp_engine *eng, struct dp_sock *s, struct dp_mc_group *g)
{
	struct memb gone = { .present = false };
	struct dp_mc_set *set;
	int err;

	for (;;) {
		set = set_build(g->set, s, &gone, &err);
		if (err == 0)
			break;
		dp_qsbr_wait(eng);
		rte_rcu_qsbr_dq_reclaim(eng->mc->sets_dq, eng->mc->max, NULL,
			NULL, NULL);
		rte_pause();
	}
	publish(eng, g, set);
	return set == NULL;
}

/* Closing: every group the socket was in loses a member (and the router
 * hears of it); the MAC filter is rebuilt once, not per group. */
void
dp_mcast_sock_close(struct dp_sock *s)
{
	struct dp_engine *eng = s->eng;
	struct dp_mc_sock *l;
	bool gone = false;

	if (eng->mc == NULL)
		return;
	rte_spinlock_lock(&eng->mc->lock);
	l = dp_udp_pcb(s)->mc;
	dp_udp_pcb(s)->mc = NULL;
	for (uint32_t i = 0; l != NULL && i < l->n; i++)
		gone |= drop_member(eng, s, l->g[i]);
	if (gone)
		program_filter(eng);
	rte_spinlock_unlock(&eng->mc->lock);
	dp_free(l);
}

bool
dp_mcast_busy(const struct dp_engine *eng)
{
	return eng->mc != NULL &&
		__atomic_load_n(&eng->mc->pending, __ATOMIC_ACQUIRE) != 0;
}
