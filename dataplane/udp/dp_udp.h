/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * UDP (not installed): its part of a socket, its operations behind the
 * generic socket, and the layer's life with the engine.
 *
 *   lcore: net -> dp_udp_input -> demux -> deliver | multicast fan-out
 *          net (ICMP) -> dp_udp_ctlinput -> SIO_UDP_CONNRESET error
 *   app:   dp_sock_* -> dp_udp_ops (dp_udp_usrreq.c) -> send / recv /
 *          connect / options / multicast membership (dp_mcast.c)
 */
#ifndef _DP_UDP_H_
#define _DP_UDP_H_

#include <stdbool.h>

#include "dp_sock_priv.h"

struct dp_mc_sock;

/* UDP's part of a socket (dp_sock_pcb). */
struct dp_udp_pcb {
	bool connreset;			/* (a) SIO_UDP_CONNRESET */
	struct dp_mc_sock *mc;		/* groups joined: the multicast
					 * table's lock (dp_mcast.c) */
	/* the receivers' batch (s->rxc): a line of its own, away from
	 * what lcores read per datagram */
	struct dp_rxc rxc __rte_cache_aligned;
};

static inline struct dp_udp_pcb *
dp_udp_pcb(struct dp_sock *s)
{
	return dp_sock_pcb(s);
}

extern const struct dp_sock_ops dp_udp_ops;
extern const struct dp_layer dp_udp_layer;

/*
 * UDP's per-lcore state over one burst from the port: the datagrams for
 * one socket gathered to be queued with one ring enqueue, and the last
 * bind-table lookup (valid only until the burst ends: the groups it
 * names are freed after a grace period, whose quiescent point is the end
 * of the iteration).
 */
struct dp_udp_lcore {
	bool batching;			/* (l) in a burst from the port */
	bool cached;			/* (l) the lookup below is valid */
	uint16_t c_port;		/* (l) its destination port (be) */
	uint32_t c_dst;			/* (l) its destination (be) */
	unsigned int c_hits;		/* (l) dp_demux_lookup's result */
	struct dp_bind_group *c_g[2];	/* (l) and its groups */
	struct dp_sock *run_s;		/* (l) the run's socket */
	unsigned int run_n;		/* (l) datagrams in the run */
	struct rte_mbuf *run_m[DP_RX_BURST]; /* (l) */
};

/* dp_udp.c (lcores) */
void dp_udp_input(struct dp_lcore *lc, struct rte_mbuf *m);
/* Around a burst from the port (dp_stack.c): deliveries are gathered
 * from begin and queued by end. */
void dp_udp_rx_begin(struct dp_lcore *lc);
void dp_udp_rx_end(struct dp_lcore *lc);
void dp_udp_ctlinput(struct dp_lcore *lc, const struct rte_ipv4_hdr *ip,
		uint8_t type, uint8_t code);

/* dp_udp_usrreq.c (application threads) */
long dp_udp_send(struct dp_sock *s, const struct dp_iov *iov,
		unsigned int niov, const struct dp_addr *to, int flags);
/* The same, asking for a TX timestamp with SO_TIMESTAMP_ID ts_id. */
long dp_udp_send_ts(struct dp_sock *s, const struct dp_iov *iov,
		unsigned int niov, const struct dp_addr *to, int flags,
		uint32_t ts_id);
long dp_udp_recv(struct dp_sock *s, const struct dp_iov *iov,
		unsigned int niov, struct dp_rx_meta *meta, int flags);

#endif /* _DP_UDP_H_ */
