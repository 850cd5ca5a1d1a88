/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The network layer for the layers above it (not installed): Ethernet,
 * ARP, IPv4 in and out, ICMP.
 *
 * It knows no transport. A transport registers itself for its IPv4
 * protocol number (dp_ip_proto_register): datagrams for it and ICMP
 * errors quoting it are handed to its functions. Frames a transport
 * sends carry their owner (a socket, opaque here) in the mbuf's private
 * area, and the layer reports each one's fate (sent, held for ARP,
 * dropped) to the function registered with dp_net_set_tx_fate, so the
 * socket layer can account for them without the network layer ever
 * knowing what a socket is.
 *
 *   dp_eth_input -> dp_arp_input (lcore 0) | dp_ip_input -> transport
 *   transport -> dp_ip_output[_try] -> dp_arp_output -> dp_eth_output
 */
#ifndef _DP_NET_H_
#define _DP_NET_H_

#include <stdbool.h>
#include <stdint.h>

#include <rte_ip.h>

#include "dp_core.h"

#define IP_MC_BE(a)	(((a) & RTE_BE32(0xf0000000)) == RTE_BE32(0xe0000000))
#define IP_BCAST_BE	RTE_BE32(0xffffffff)

struct dp_arp_table;
struct dp_arp_hold;

/* What became of a frame a socket sent. */
enum dp_tx_fate {
	DP_TX_HELD,			/* waits for ARP (fate still to come) */
	DP_TX_SENT,
	DP_TX_DROP_NO_ARP,		/* its next hop never answered */
	DP_TX_DROP_ABORT,		/* its owner closed abortively */
};

/* Told every fate of a frame with an owner, before m is consumed; for
 * DP_TX_SENT it may answer false (the owner is gone abortively): the
 * frame is dropped instead, and told so. */
typedef bool dp_tx_fate_fn(struct dp_lcore *lc, struct rte_mbuf *m,
		enum dp_tx_fate fate);

/* A transport's entry points (any may be NULL). */
struct dp_ip_proto {
	dp_input_fn *input;		/* m's data at its IPv4 header */
	/* An ICMP error whose quote (an IPv4 header of ours and at least
	 * 8 bytes of its payload, checked) names this protocol. */
	void (*ctlinput)(struct dp_lcore *lc, const struct rte_ipv4_hdr *ip,
			uint8_t type, uint8_t code);
	bool lcore0;			/* its state has one writer, lcore 0:
					 * other lcores hand its datagrams
					 * over */
};

struct dp_net {
	struct dp_arp_table *arp;	/* lcore 0 writes */
	dp_tx_fate_fn *tx_fate;		/* (c) */
	uint64_t arp_reachable_tsc;	/* (c) */
	uint32_t ip_id __rte_cache_aligned; /* (a) IPv4 identification */
	struct dp_ip_proto proto[256];	/* (c) by protocol number */
};

struct dp_net_lcore {
	struct dp_arp_hold *hold;	/* (l) frames waiting for ARP */
	uint32_t held;			/* (l, read by any) frames in hold */
	uint64_t icmp_err_last;		/* (l) ICMP error token bucket */
	uint32_t icmp_err_tokens;	/* (l) */
	struct dp_timer arp_timer;	/* (l) lcore 0: the cache's scan */
};

extern const struct dp_layer dp_net_layer;

/* For the layers above, at their create (after this layer's). */
void dp_ip_proto_register(struct dp_engine *eng, uint8_t proto,
		const struct dp_ip_proto *p);
void dp_net_set_tx_fate(struct dp_engine *eng, dp_tx_fate_fn *fn);

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
void dp_arp_lcore_start(struct dp_lcore *lc);
void dp_arp_telemetry(void);

/* dp_arp_hold.c */
int dp_arp_hold_create(struct dp_lcore *lc);
void dp_arp_hold_free(struct dp_lcore *lc);
void dp_arp_output(struct dp_lcore *lc, struct rte_mbuf *m,
		uint32_t nexthop);
int dp_arp_output_try(struct dp_lcore *lc, struct rte_mbuf *m,
		uint32_t nexthop);
void dp_arp_hold_poll(struct dp_lcore *lc);
/* Drop (telling DP_TX_DROP_ABORT) every frame held for owner. */
void dp_arp_hold_purge(struct dp_lcore *lc, const void *owner);
unsigned int dp_arp_pending(const struct dp_engine *eng);
uint32_t dp_arp_held_for(const struct dp_engine *eng, uint32_t ip);

/* Tell a frame's owner its fate (no-op for the stack's own frames). */
static inline bool
dp_net_tx_fate(struct dp_lcore *lc, struct rte_mbuf *m, enum dp_tx_fate f)
{
	if (dp_mbuf_priv(m)->owner == NULL)
		return true;
	return lc->eng->net->tx_fate(lc, m, f);
}

/* dp_ip_input.c */
void dp_ip_input(struct dp_lcore *lc, struct rte_mbuf *m);
bool dp_ipv4_is_local(const struct dp_engine *eng, uint32_t dst);

/* dp_ip_output.c: the one IPv4 output */

/* What goes in the IPv4 header of a datagram we send. */
struct dp_ip_hdr {
	uint32_t dst_be;
	uint8_t proto;
	uint8_t tos;
	uint8_t ttl;
	bool df;			/* don't fragment */
	uint8_t optlen;			/* option bytes, a multiple of 4 */
	const uint8_t *opts;
};

/* Payload bytes per fragment for a datagram of len payload bytes (all
 * of it when it fits the MTU, else a multiple of 8: RFC 791); how many
 * frames in *nfrag. */
uint32_t dp_ip_frag_size(const struct dp_engine *eng, uint32_t len,
		unsigned int *nfrag);
/*
 * Write the IPv4 header of one frame at ip (room for 20 + optlen bytes):
 * fragment offset off (bytes), more fragments, plen payload bytes. Any
 * thread. The checksum is dp_ip_finish's.
 */
void dp_ip_header(const struct dp_engine *eng, struct rte_ipv4_hdr *ip,
		const struct dp_ip_hdr *h, uint16_t id, uint32_t off,
		bool more, uint32_t plen);
/* The header's checksum: the port's when it can and offload is allowed
 * (never for what we deliver to ourselves), else computed. */
void dp_ip_finish(const struct dp_engine *eng, struct rte_mbuf *m,
		struct rte_ipv4_hdr *ip, bool offload);
/* The stack's own datagram (lcore): m's data at its transport header; a
 * header is prepended and it is routed and sent. Consumes m. */
void dp_ip_send(struct dp_lcore *lc, struct rte_mbuf *m,
		const struct dp_ip_hdr *h);
/*
 * Send a frame a socket built (header and checksum done, next hop in the
 * private area's addr, DP_MBUF_F_LOCAL/MCLOOP in its flags): 0 when
 * consumed (its fate told), -ENOBUFS when the ARP hold has no room for
 * it (m still the caller's, which waits before it tries again).
 */
int dp_ip_output_try(struct dp_lcore *lc, struct rte_mbuf *m);
/* The next hop for dst (network order), 0 when there is no route. */
uint32_t dp_ip_nexthop(const struct dp_engine *eng, uint32_t dst_be);
/* A fresh IPv4 identification. */
static inline uint16_t
dp_ip_id(const struct dp_engine *eng)
{
	return (uint16_t)__atomic_fetch_add(&eng->net->ip_id, 1,
		__ATOMIC_RELAXED);
}

/* dp_icmp.c */
void dp_icmp_input(struct dp_lcore *lc, struct rte_mbuf *m);
void dp_icmp_unreach(struct dp_lcore *lc, struct rte_mbuf *m, uint8_t code);

struct dp_arp_info {
	uint32_t ip;			/* network order */
	struct rte_ether_addr mac;
	const char *state;
	uint32_t queued;
};
unsigned int dp_arp_dump(const struct dp_engine *eng,
		struct dp_arp_info *out, unsigned int max);

#endif /* _DP_NET_H_ */
