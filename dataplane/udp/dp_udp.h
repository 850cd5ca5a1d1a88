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
};

static inline struct dp_udp_pcb *
dp_udp_pcb(struct dp_sock *s)
{
	return dp_sock_pcb(s);
}

extern const struct dp_sock_ops dp_udp_ops;
extern const struct dp_layer dp_udp_layer;

/* dp_udp.c (lcores) */
void dp_udp_input(struct dp_lcore *lc, struct rte_mbuf *m);
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
