/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Multicast state (not installed): what sockets joined (dp_mcast.c), the
 * interface's merged state and its IGMP machinery (dp_igmp.c).
 *
 * One record (struct dp_mc_group) per group joined, which the lcores find
 * through an rte_hash keyed by the group address (lock-free reads). Three
 * levels, three owners:
 *   members    g->set: an immutable array of (socket, filter) and the
 *              interface state merged from it (RFC 3376 §3.2), replaced
 *              whole under RCU when the group's membership changes.
 *              Written by application threads under mc->lock; read by
 *              every lcore (delivery) and lcore 0 (reports)
 *   sockets    s->mc: the records a socket is in, for Winsock's error
 *              rules and for close (mc->lock only)
 *   IGMP       what was reported, retransmissions, query answers: lcore 0
 *
 * A record's life:
 *   first join        created, added to the hash
 *   last member goes  removed from the hash (a rejoin creates a new
 *   (leave, close)    record), marked DETACHED and handed to lcore 0 on
 *                     the change list; application threads never touch
 *                     it again
 *   lcore 0           reports the leave, retransmits it once, then puts
 *                     the record on its RCU defer queue: freed once every
 *                     lcore that may have found it in the hash has passed
 *                     a quiescent state. Lcore 0 never waits for that.
 *   dp_stop           lcores stopped: whatever is left is freed
 *
 * Ownership key: (c) constant while it exists, (m) under mc->lock,
 * (a) atomic, any thread, (0) lcore 0 only.
 *
 * Addresses are in network byte order throughout.
 */
#ifndef _DP_MCAST_H_
#define _DP_MCAST_H_

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include <rte_spinlock.h>

#include "dp_sock_priv.h"

#define DP_MC_SRC_MAX	64	/* sources per (socket, group), and in the
				 * interface's filter (one IGMPv3 record) */

enum dp_mc_mode {
	DP_MC_INCLUDE,		/* only from the listed sources (SSM) */
	DP_MC_EXCLUDE,		/* from anyone but the listed sources */
};

/* A filter state: the interface's for a group, merged or reported. */
struct dp_mc_state {
	uint8_t mode;
	uint16_t nsrc;
	uint32_t src[DP_MC_SRC_MAX];
};

/* One socket's membership of a group: an entry of a member set. */
struct dp_mc_memb {
	struct dp_sock *s;
	uint32_t src_off;		/* its sources: dp_mc_set_src() + off */
	uint8_t nsrc;
	uint8_t mode;			/* enum dp_mc_mode */
};

/*
 * A group's members, immutable once published in g->set: the lcores walk
 * it for every datagram to the group, lcore 0 reports its merged state.
 * The members' sources follow m[n].
 */
struct dp_mc_set {
	uint32_t n;
	uint32_t nsrc;			/* sources of all members */
	struct dp_mc_state want;	/* merged (RFC 3376 §3.2) */
	struct dp_mc_memb m[];
};

static inline const uint32_t *
dp_mc_set_src(const struct dp_mc_set *set)
{
	return (const uint32_t *)&set->m[set->n];
}

/* Does this member's filter let a datagram from src in? */
static inline bool
dp_mc_memb_accepts(const struct dp_mc_set *set, const struct dp_mc_memb *m,
		uint32_t src)
{
	const uint32_t *a;

	if (m->nsrc == 0)
		return m->mode == DP_MC_EXCLUDE;
	a = dp_mc_set_src(set) + m->src_off;
	for (unsigned int i = 0; i < m->nsrc; i++)
		if (a[i] == src)
			return m->mode == DP_MC_INCLUDE;
	return m->mode == DP_MC_EXCLUDE;
}

/* g->flags */
#define DP_MC_F_QUEUED		0x1	/* on the change list */
#define DP_MC_F_DETACHED	0x2	/* out of the hash: lcore 0's now */

/* g->igmp (lcore 0) */
#define DP_MC_I_TRACKED		0x1	/* on mc->tracked */
#define DP_MC_I_TIMED		0x2	/* on mc->timed */
#define DP_MC_I_LEAVING		0x4	/* on mc->leaving */

struct dp_mc_group {
	/* what the lcores read for every datagram */
	uint32_t group;			/* (c) */
	uint32_t flags;			/* (a) DP_MC_F_* */
	struct dp_mc_set *set;		/* (a, written under m) NULL: none */
	/* counters: any lcore, relaxed atomics */
	uint64_t rx_dgrams, rx_bytes;
	uint64_t drop_filtered;		/* nobody's filter let it in */
	uint64_t drop_rx_full;		/* a member's RX ring was full */
	uint64_t tx_dgrams;
	/* control path */
	uint32_t live_idx;		/* (m) index in mc->live */
	struct dp_mc_group *next_change; /* (a) change list link */
	/* IGMP */
	uint8_t igmp;			/* (0) DP_MC_I_* */
	uint8_t retransmits;		/* (0) state-change reports still due */
	struct dp_mc_state iface;	/* (0) as last reported */
	uint64_t retransmit_at;		/* (0) TSC, 0 = none */
	uint64_t answer_at;		/* (0) query answer due, TSC */
	TAILQ_ENTRY(dp_mc_group) tracked_link;	/* (0) */
	TAILQ_ENTRY(dp_mc_group) timed_link;	/* (0) */
	TAILQ_ENTRY(dp_mc_group) leave_link;	/* (0) */
};

TAILQ_HEAD(dp_mc_list, dp_mc_group);

/* The records a socket is in (s->mc): the control path's, under m. */
struct dp_mc_sock {
	uint32_t n, cap;
	struct dp_mc_group *g[];
};

/* Why a join was refused (each counted, and logged once). */
enum dp_mc_refusal {
	DP_MC_REFUSED_GROUPS_FULL,	/* WSPDK_MC_GROUPS groups joined */
	DP_MC_REFUSED_SOURCES_FULL,	/* DP_MC_SRC_MAX sources */
	DP_MC_REFUSED_NOMEM,		/* no memory for a record or set */
	DP_MC_REFUSED_N,
};

struct rte_hash;
struct rte_rcu_qsbr_dq;

struct dp_mc_table {
	rte_spinlock_t lock;		/* memberships; the hash's writers */
	struct rte_hash *groups;	/* group -> record: written (m),
					 * read by any lcore */
	struct rte_rcu_qsbr_dq *sets_dq; /* (m) replaced member sets */
	uint32_t sets_dq_n;		/* (m) sets on it */
	uint32_t max;			/* (c) WSPDK_MC_GROUPS */
	uint32_t nlive;			/* (m) records in the hash */
	uint32_t nrecords;		/* (a) records not yet freed */
	struct dp_mc_group **live;	/* (m) [max]: the records in the hash */
	struct rte_ether_addr *macs;	/* (m) [max + 1]: the port's filter,
					 * macs[i] for live[i] */
	uint64_t refused[DP_MC_REFUSED_N]; /* (m) */
	uint32_t warned;		/* (m) refusals logged, a bit each */
	/* application threads to lcore 0 */
	struct dp_mc_group *changes;	/* (a) records to look at, LIFO */
	uint32_t pending;		/* (a) records on it */
	/* IGMP host state, lcore 0 only */
	struct rte_rcu_qsbr_dq *free_dq; /* (0) records to free */
	uint32_t free_dq_n;		/* (0) records on it */
	struct dp_mc_list tracked;	/* (0) every record reported */
	struct dp_mc_list timed;	/* (0) records with a timer set */
	struct dp_mc_list leaving;	/* (0) detached, leave still due,
					 * oldest first */
	struct dp_mc_list graveyard;	/* (0) to free, the queue was full */
	uint32_t nleaving;		/* (0) records on leaving */
	uint64_t v2_until;		/* (0) TSC: a v2 querier is present */
	uint64_t general_at;		/* (0) TSC: general query answer due */
	struct dp_timer scan;		/* (0) every SCAN_MS */
};

/* One group, for telemetry. */
struct dp_mc_info {
	uint32_t group, members;
	uint8_t mode;
	uint16_t nsrc;
	uint64_t rx_dgrams, rx_bytes, drop_filtered, drop_rx_full, tx_dgrams;
};

/* The table, for telemetry. */
struct dp_mc_summary {
	uint32_t groups;		/* joined now */
	uint32_t max;			/* WSPDK_MC_GROUPS */
	uint32_t leaving;		/* records kept for their leave */
	uint64_t refused[DP_MC_REFUSED_N];
};

/* dp_mcast.c */
bool dp_mcast_busy(const struct dp_engine *eng);
int dp_mcast_create(struct dp_engine *eng);
void dp_mcast_free(struct dp_engine *eng);
struct dp_mc_group *dp_mcast_group(const struct dp_engine *eng,
		uint32_t group);
void dp_mcast_sock_close(struct dp_sock *s);

/* dp_igmp.c (lcore 0, but create/free) */
int dp_igmp_create(struct dp_engine *eng);
void dp_igmp_free(struct dp_engine *eng);
void dp_igmp_input(struct dp_lcore *lc, struct rte_mbuf *m);
void dp_igmp_poll(struct dp_lcore *lc);
void dp_igmp_lcore_start(struct dp_lcore *lc);

/* dp_mcast.c: a membership change of s (DP_OPT_MC_*, s->lock held) */
int dp_mcast_change(struct dp_sock *s, enum dp_opt opt,
		const struct dp_optval *v);

/* dp_mcast_telemetry.c */
void dp_mcast_telemetry(void);

/* Lcore 0: has an application thread handed over records to look at? */
static inline bool
dp_igmp_pending(const struct dp_mc_table *mc)
{
	return __atomic_load_n(&mc->changes, __ATOMIC_RELAXED) != NULL;
}

#endif /* _DP_MCAST_H_ */
