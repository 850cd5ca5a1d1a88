/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Engine and lcore state shared by the dataplane's modules (not installed).
 *
 * Ownership key used on every field:
 *   (c) constant between dp_start() and dp_stop()
 *   (l) written only by the owning lcore
 *   (0) written only by lcore 0 (the ARP owner), read by any lcore
 *   (a) atomic, any thread
 */
#ifndef _DP_PRIV_H_
#define _DP_PRIV_H_

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dp.h"
#include "dp_log.h"
#include "dp_stats.h"
#include "drv_port.h"

/*
 * DPDK 22.11's RTE_IPV4_VHL_DEF uses IPVERSION, which on Windows only an
 * EAL shim that DPDK does not install defines.
 */
#ifndef IPVERSION
#define IPVERSION	4
#endif

#define DP_RX_BURST	32
#define DP_TX_BUF	128		/* frames buffered per lcore per loop */
#define DP_TICK_US	1000		/* timer granularity */
#define DP_REDIRECT_SIZE 1024		/* frames handed to another lcore */
#define DP_PARK_MAX	4096		/* sockets waiting for ARP room */

struct dp_arp_hold;
struct dp_arp_table;
struct dp_sock;
struct dp_sock_table;
struct dp_mc_table;
struct rte_rcu_qsbr;

/*
 * Private area of every mbuf of our pool (rte_mbuf_to_priv): lets frames
 * wait on intrusive lists (ARP queue), carry their next hop from the
 * thread that built them to the lcore that sends them, and carry the
 * sender's address from the lcore to the thread that receives them.
 */
struct dp_mbuf_priv {
	struct rte_mbuf *next;		/* ARP pending list link */
	struct dp_sock *sock;		/* TX: accounted to */
	uint32_t addr;			/* TX: next hop; RX: source (be) */
	uint16_t port;			/* RX: source port (be) */
	uint16_t kind;			/* enum dp_redirect_kind */
	uint32_t dgram_len;		/* TX: payload on the first fragment;
					 * RX: payload length */
	uint32_t flags;			/* TX: DP_MBUF_F_* */
};

#define DP_MBUF_F_FIRST	0x1		/* first frame of a datagram */
#define DP_MBUF_F_LOCAL	0x2		/* to our own address: loop it back */
#define DP_MBUF_F_MCLOOP 0x4		/* multicast: our members get a copy */

enum dp_redirect_kind {
	DP_REDIRECT_ARP = 1,		/* received ARP (data at Ethernet) */
	DP_REDIRECT_IGMP,		/* received IGMP (data at IPv4) */
};

static inline struct dp_mbuf_priv *
dp_mbuf_priv(struct rte_mbuf *m)
{
	return rte_mbuf_to_priv(m);
}

struct dp_engine;

struct dp_lcore {
	struct dp_engine *eng;		/* (c) */
	unsigned int id;		/* (c) 0 .. nb_lcores-1 */
	unsigned int lcore_id;		/* (c) EAL lcore */
	uint16_t queue;			/* (c) RX/TX queue pair */
	struct rte_ring *redirect;	/* (a) MP/SC: frames from other lcores */
	struct rte_ring *doorbell;	/* (a) MP/SC: sockets with TX work */
	bool stop;			/* (a) set by dp_stop() */
	/* The lcore writes what follows every iteration; application
	 * threads read the line above on every send (doorbell). */
	uint64_t now __rte_cache_aligned; /* (l) TSC at the top of the
					   * iteration */
	uint64_t next_tick;		/* (l) */
	uint64_t iterations;		/* (l, read by telemetry) */
	unsigned int nb_wake;		/* (l) sockets noted this iteration */
	uint32_t wake_gen;		/* (l) */
	struct dp_sock **wake;		/* (l) [DP_SOCK_MAX]: every socket fits,
					 * one multicast datagram may note
					 * them all */
	unsigned int nb_parked;		/* (l) sockets waiting for ARP room */
	struct dp_sock **parked;	/* (l) */
	struct dp_arp_hold *hold;	/* (l) frames waiting for ARP */
	uint32_t held;			/* (l, read by any) frames in hold */
	uint64_t icmp_err_last;		/* (l) ICMP error token bucket */
	uint32_t icmp_err_tokens;	/* (l) */
	uint16_t tx_n;			/* (l, read by drain) in tx_pkts */
	struct rte_mbuf *tx_pkts[DP_TX_BUF]; /* (l) */
	struct dp_stats stats;		/* (l) */
} __rte_cache_aligned;

struct dp_engine {
	struct dp_conf conf;		/* (c) */
	struct drv_port *port;		/* (c) NULL: TX frames are dropped
					 *     (fuzzing, unit tests) */
	struct rte_mempool *mp;		/* (c) */
	struct rte_ether_addr mac;	/* (c) */
	uint32_t ip4;			/* (c) network order */
	uint32_t netmask;		/* (c) network order */
	uint32_t bcast;			/* (c) subnet broadcast, network order */
	uint32_t gateway;		/* (c) network order, 0 = none */
	uint16_t mtu;			/* (c) IP MTU: the port's, never more
					 * than its mbufs hold */
	uint64_t tsc_hz;		/* (c) */
	uint64_t arp_reachable_tsc;	/* (c) */
	unsigned int nb_lcores;		/* (c) */
	struct dp_lcore *lcores[DP_MAX_LCORES];	/* (c) */
	struct dp_arp_table *arp;	/* (0) */
	struct dp_sock_table *socks;	/* sockets, demux (dp_sock_priv.h) */
	struct dp_mc_table *mc;		/* multicast, IGMP (dp_mcast.h) */
	struct rte_rcu_qsbr *qsbr;	/* (c) lcores' quiescent states: the
					 * grace periods of every lock-free
					 * structure lcores read */
	uint64_t gen;			/* (c) unique per dp_start() */
	bool ip_cksum_offload;		/* (c) port computes IPv4 checksums */
	bool udp_cksum_offload;		/* (c) port computes UDP checksums */
	bool rx_cksum_offload;		/* (c) port validates checksums */
};

/* dp_lcore.c */
int dp_lcore_main(void *arg);
void dp_lcore_tx(struct dp_lcore *lc, struct rte_mbuf *m);
void dp_lcore_tx_flush(struct dp_lcore *lc);
int dp_lcore_redirect(struct dp_lcore *to, struct rte_mbuf *m,
		enum dp_redirect_kind kind, uint32_t nexthop);
/* Driven engines (dp_start_driven): one iteration at TSC time now. */
void dp_lcore_step(struct dp_lcore *lc, uint64_t now);
struct dp_lcore *dp_lcore_create(struct dp_engine *eng, unsigned int id,
		unsigned int lcore_id);
void dp_lcore_free(struct dp_lcore *lc);

/* dp_eth.c */
void dp_eth_input(struct dp_lcore *lc, struct rte_mbuf *m);
void dp_eth_output(struct dp_lcore *lc, struct rte_mbuf *m,
		const struct rte_ether_addr *dst, uint16_t ether_type);

/* dp_arp.c */
enum dp_arp_state {
	DP_ARP_UNKNOWN,			/* no entry */
	DP_ARP_PENDING,			/* being resolved */
	DP_ARP_USABLE,			/* reachable, stale or static */
	DP_ARP_FAILED,			/* unanswered lately */
};
int dp_arp_create(struct dp_engine *eng);
void dp_arp_free(struct dp_engine *eng);
void dp_arp_input(struct dp_lcore *lc, struct rte_mbuf *m);
bool dp_arp_resolve(struct dp_lcore *lc, uint32_t nexthop);
void dp_arp_poll(struct dp_lcore *lc);
enum dp_arp_state dp_arp_lookup(const struct dp_engine *eng,
		uint32_t nexthop, struct rte_ether_addr *mac);
void dp_arp_timer(struct dp_lcore *lc);
void dp_arp_announce(struct dp_lcore *lc);

/* dp_arp_hold.c */
int dp_arp_hold_create(struct dp_lcore *lc);
void dp_arp_hold_free(struct dp_lcore *lc);
void dp_arp_output(struct dp_lcore *lc, struct rte_mbuf *m,
		uint32_t nexthop);
int dp_arp_output_try(struct dp_lcore *lc, struct rte_mbuf *m,
		uint32_t nexthop);
void dp_arp_hold_poll(struct dp_lcore *lc);
void dp_arp_hold_purge(struct dp_lcore *lc, struct dp_sock *s);
unsigned int dp_arp_pending(const struct dp_engine *eng);
uint32_t dp_arp_held_for(const struct dp_engine *eng, uint32_t ip);

/* What became of a socket's frame (dp_sock_tx.c counts it). */
enum dp_tx_outcome {
	DP_TX_SENT,
	DP_TX_DROP_NO_ARP,		/* its next hop never answered */
	DP_TX_DROP_ABORT,		/* its socket closed abortively */
};
void dp_sock_tx_settle(struct dp_lcore *lc, struct rte_mbuf *m,
		enum dp_tx_outcome o);

struct dp_arp_info {
	uint32_t ip;			/* network order */
	struct rte_ether_addr mac;
	const char *state;
	uint32_t queued;
};
unsigned int dp_arp_dump(const struct dp_engine *eng,
		struct dp_arp_info *out, unsigned int max);

/* dp_ipv4.c */
void dp_ipv4_input(struct dp_lcore *lc, struct rte_mbuf *m);
void dp_ipv4_output(struct dp_lcore *lc, struct rte_mbuf *m);
bool dp_ipv4_is_local(const struct dp_engine *eng, uint32_t dst);

/* dp_icmp.c */
void dp_icmp_input(struct dp_lcore *lc, struct rte_mbuf *m);
void dp_icmp_unreach(struct dp_lcore *lc, struct rte_mbuf *m, uint8_t code);

/* dp_telemetry.c */
void dp_telemetry_register(void);

struct dp_engine *dp_engine_running(void);

/*
 * Application threads use the engine only between dp_engine_enter()
 * (NULL: none running, or it is stopping) and dp_engine_exit(); dp_stop()
 * closes the gate, waits for the calls inside, then frees.
 */
struct dp_engine *dp_engine_enter(void);
void dp_engine_exit(void);
bool dp_engine_closing(void);
void dp_engine_gate_close(void);
void dp_engine_gate_drain(void);

/*
 * dp_engine.c, for fuzzers and white-box tests: dp_start() with its port
 * but no lcore launched. One thread drives every lcore itself, in turn,
 * with dp_lcore_step() and a clock of its choosing, so a run is the same
 * each time. The lcores never report to the grace-period variable, so a
 * grace period passes at once (no reader runs concurrently). dp_stop()
 * ends it. NULL on failure.
 */
struct dp_engine *dp_start_driven(const struct dp_conf *conf);

/* dp_engine.c: nothing queued or held is still to reach the port (what
 * WSPCleanup's drain waits for; a driven engine's settle point). */
bool dp_engine_flushed(struct dp_engine *eng);

/* dp_engine.c: the running engine, for telemetry (NULL when stopped;
 * otherwise held until dp_engine_put()). */
struct dp_lifecycle {
	uint64_t starts;
	uint64_t stops;
	uint64_t last_start_us;
	uint64_t last_stop_us;
	uint64_t mbufs_lost;		/* in use when a pool was freed */
};
void dp_lifecycle_get(struct dp_lifecycle *out);
struct dp_engine *dp_engine_get(void);
void dp_engine_put(void);
void dp_stats_sum(const struct dp_engine *eng, struct dp_stats *sum);

#endif /* _DP_PRIV_H_ */
