/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The network layer for the layers above it (not installed): Ethernet,
 * ARP, IPv4 in and out, IPv4 reassembly, ICMP.
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
 * A transport's input gets whole datagrams, reassembled from fragments
 * when they came in pieces: then m is a chain of mbufs (the IPv4 header
 * and the transport header in the first), unless the protocol asked for
 * one segment (linear).
 *
 *   dp_eth_input -> dp_arp_input (lcore 0) | dp_ip_input
 *       [-> dp_ip_reass_input] -> dp_ip_deliver -> transport
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
struct dp_reass;

/*
 * A reassembled datagram's mbufs carry at least this many bytes each on
 * average (dp_ip_reass.c copies a thinner chain into full mbufs), so a
 * limit on the bytes of reassembled datagrams queued somewhere is a
 * limit on the mbufs they hold there.
 */
#define DP_REASS_SEG_MIN	1024

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
	bool linear;			/* input takes one segment only: a
					 * reassembled datagram is copied into
					 * one mbuf, or dropped if longer */
};

struct dp_net {
	struct dp_arp_table *arp;	/* lcore 0 writes */
	dp_tx_fate_fn *tx_fate;		/* (c) */
	uint64_t arp_reachable_tsc;	/* (c) */
	uint32_t reass_max;		/* (c) datagrams in flight per lcore */
	uint32_t reass_budget;		/* (c) mbufs held per lcore, 0 = off */
	uint64_t reass_timeout_us;	/* (c) */
	uint32_t ip_id __rte_cache_aligned; /* (a) IPv4 identification */
	struct dp_ip_proto proto[256];	/* (c) by protocol number */
};

struct dp_net_lcore {
	struct dp_arp_hold *hold;	/* (l) frames waiting for ARP */
	uint32_t held;			/* (l, read by any) frames in hold */
	uint64_t icmp_err_last;		/* (l) ICMP error token bucket */
	uint32_t icmp_err_tokens;	/* (l) */
	struct dp_timer arp_timer;	/* (l) lcore 0: the cache's scan */
	struct dp_reass *reass;		/* (c) its fragments; NULL when off */
	/* Frames to our own address on a wire that does not bring them
	 * back: received at the next poll, not inside the output call that
	 * sent them (TCP's SYN-ACK would arrive before its SYN was done). */
	struct rte_mbuf *local_head, *local_tail; /* (l) */
	uint32_t local_n;		/* (l, read by any) */
};

extern const struct dp_layer dp_net_layer;

/* dp_ip_output.c: the frames of lc's local list, received; freed. */
void dp_ip_local_poll(struct dp_lcore *lc);
void dp_ip_local_free(struct dp_lcore *lc);

/* For the layers above, at their create (after this layer's). */
void dp_ip_proto_register(struct dp_engine *eng, uint8_t proto,
		const struct dp_ip_proto *p);
void dp_net_set_tx_fate(struct dp_engine *eng, dp_tx_fate_fn *fn);

/* dp_eth.c */
void dp_eth_input(struct dp_lcore *lc, struct rte_mbuf *m);
void dp_eth_input_burst(struct dp_lcore *lc, struct rte_mbuf **pkts,
		uint16_t n);
/*
 * Prepend the Ethernet header to a frame whose data starts at L3 and queue
 * it for transmission. Consumes m. Inline: IPv4 and ARP output end here.
 */
static inline void
dp_eth_output(struct dp_lcore *lc, struct rte_mbuf *m,
		const struct rte_ether_addr *dst, uint16_t ether_type)
{
	struct rte_ether_hdr *eh;

	eh = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*eh));
	if (unlikely(eh == NULL)) {
		/* Every frame we build reserves RTE_PKTMBUF_HEADROOM. */
		DP_STAT_INC(lc, tx_no_headroom);
		dp_pktmbuf_free(m);
		return;
	}
	rte_ether_addr_copy(dst, &eh->dst_addr);
	rte_ether_addr_copy(&lc->eng->mac, &eh->src_addr);
	eh->ether_type = rte_cpu_to_be_16(ether_type);
	m->l2_len = sizeof(*eh);
	dp_lcore_tx(lc, m);
}

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
/* Requests other lcores posted wait for lcore 0 (any thread). */
bool dp_arp_requests_posted(const struct dp_engine *eng);
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
/* A whole datagram for us (header checked, l3_len set) to its protocol.
 * Consumes m. */
void dp_ip_deliver(struct dp_lcore *lc, struct rte_mbuf *m);
bool dp_ipv4_is_local(const struct dp_engine *eng, uint32_t dst);

/* dp_ip_reass.c: reassembly, one table per lcore */
/* The limits per lcore, from the configuration (before any create). */
void dp_ip_reass_configure(struct dp_engine *eng);
int dp_ip_reass_create(struct dp_lcore *lc);
/* Frees every fragment held; the lcore is stopped. */
void dp_ip_reass_free(struct dp_lcore *lc);
/* A fragment for us (header checked, l3_len set): held until its
 * datagram is whole, which then goes to dp_ip_deliver, on the lcore that
 * reassembles its source's datagrams. Consumes m. */
void dp_ip_reass_input(struct dp_lcore *lc, struct rte_mbuf *m);
/* m copied into as few fresh mbufs as hold it; NULL (counted) when the
 * pool is dry. Consumes m. */
struct rte_mbuf *dp_ip_reass_copy(struct dp_lcore *lc, struct rte_mbuf *m);
/* Datagrams in flight and pool bytes held, all lcores (any thread). */
void dp_ip_reass_usage(const struct dp_engine *eng, uint64_t *dgrams,
		uint64_t *bytes);

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
/* An ICMP error (type, code) about datagram m to its source, rate
 * limited, quoting m (which may be a chain) from its IPv4 header (l3_len
 * set). Consumes m. */
void dp_icmp_error(struct dp_lcore *lc, struct rte_mbuf *m, uint8_t type,
		uint8_t code);
/* dp_icmp_error(lc, m, 3, code): destination unreachable. */
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
