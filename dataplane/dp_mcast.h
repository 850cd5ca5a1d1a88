/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Multicast state (not installed): what sockets joined (dp_mcast.c), the
 * interface's merged state and its IGMP machinery (dp_igmp.c).
 *
 * Three levels, three owners:
 *   socket     s->mc, an immutable list replaced whole under the engine's
 *              multicast lock and read by any lcore (RCU): who may receive
 *   interface  merged from all sockets (RFC 3376 §3.2) by the thread that
 *              changed a socket, under the same lock: what the port filters
 *              and what IGMP reports
 *   IGMP       lcore 0 only: reports, retransmissions, query answers
 *
 * Addresses are in network byte order throughout.
 */
#ifndef _DP_MCAST_H_
#define _DP_MCAST_H_

#include <stdbool.h>
#include <stdint.h>

#include <rte_spinlock.h>

#include "dp_priv.h"

#define DP_MC_GROUPS	256	/* groups per engine (power of two) */
#define DP_MC_SOCK_MAX	20	/* groups per socket (Windows' limit) */
#define DP_MC_SRC_MAX	64	/* sources per (socket, group) */

enum dp_mc_mode {
	DP_MC_INCLUDE,		/* only from the listed sources (SSM) */
	DP_MC_EXCLUDE,		/* from anyone but the listed sources */
};

/* One socket's membership of one group. */
struct dp_mc_memb {
	uint32_t group;
	uint8_t mode;			/* enum dp_mc_mode */
	uint8_t nsrc;
	uint32_t src[DP_MC_SRC_MAX];
};

/* A socket's memberships: immutable once published in s->mc. */
struct dp_mc_list {
	uint32_t n;
	struct dp_mc_memb m[];
};

/* A filter state: a socket's, or the interface's. */
struct dp_mc_state {
	uint8_t mode;
	uint16_t nsrc;
	uint32_t src[DP_MC_SRC_MAX];
};

/*
 * A group the engine has seen joined. Slots are claimed once and never
 * re-keyed while the engine runs, so lcores find them without locks.
 */
struct dp_mc_group {
	uint32_t group;			/* (c once set) 0 = free slot */
	uint32_t members;		/* (mc->lock) sockets in it */
	/* counters: any lcore, relaxed atomics */
	uint64_t rx_dgrams, rx_bytes;
	uint64_t drop_filtered;		/* nobody's filter let it in */
	uint64_t drop_rx_full;		/* a member's RX ring was full */
	uint64_t tx_dgrams;
	/* IGMP: lcore 0 only */
	struct dp_mc_state iface;	/* as last reported */
	uint64_t retransmit_at;		/* TSC, 0 = none */
	uint8_t retransmits;		/* state-change reports still due */
	uint64_t answer_at;		/* group-specific query answer, TSC */
};

/* A new interface state for lcore 0 to report. */
struct dp_mc_change {
	uint32_t group;
	struct dp_mc_state state;
};

struct dp_mc_table {
	rte_spinlock_t lock;		/* socket lists + merges */
	struct rte_ring *changes;	/* MP/SC: to lcore 0 */
	uint32_t pending;		/* (a) changes not yet reported */
	struct dp_mc_group g[DP_MC_GROUPS];
	/* IGMP host state, lcore 0 only */
	uint64_t v2_until;		/* TSC: an IGMPv2 querier is present */
	uint64_t general_at;		/* TSC: general query answer due */
	uint64_t next_scan;
};

struct dp_mc_info {
	uint32_t group, members;
	uint8_t mode;
	uint16_t nsrc;
	uint64_t rx_dgrams, rx_bytes, drop_filtered, drop_rx_full, tx_dgrams;
};

/* dp_mcast.c */
bool dp_mcast_busy(const struct dp_engine *eng);
unsigned int dp_mcast_dump(struct dp_engine *eng, struct dp_mc_info *out,
		unsigned int max);
int dp_mcast_create(struct dp_engine *eng);
void dp_mcast_free(struct dp_engine *eng);
struct dp_mc_group *dp_mcast_group(const struct dp_engine *eng,
		uint32_t group);
bool dp_mcast_accepts(const struct dp_mc_list *l, uint32_t group,
		uint32_t src);
void dp_mcast_sock_close(struct dp_sock *s);

/* dp_igmp.c (lcore 0) */
void dp_igmp_input(struct dp_lcore *lc, struct rte_mbuf *m);
void dp_igmp_poll(struct dp_lcore *lc);
void dp_igmp_timer(struct dp_lcore *lc);

#endif /* _DP_MCAST_H_ */
