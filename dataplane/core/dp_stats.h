/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-lcore counters. Every drop in the stack bumps exactly one of these
 * at the place it happens; telemetry sums them across lcores when read.
 * The list is an X-macro so the telemetry dump can never miss a counter.
 */
#ifndef _DP_STATS_H_
#define _DP_STATS_H_

#include <stdint.h>

#define DP_STATS_FOREACH(X)						\
	/* port traffic as the stack saw it */				\
	X(rx_pkts)		X(rx_bytes)				\
	X(tx_pkts)		X(tx_bytes)				\
	X(tx_full)		/* stack frame dropped: TX queue full */\
	X(tx_no_headroom)	/* frame without room for headers (bug) */\
	X(rx_broadcast)		X(rx_multicast)				\
	/* ethernet */							\
	X(eth_short)		/* shorter than an Ethernet header */	\
	X(eth_multiseg)		/* chained RX mbuf (jumbo) */		\
	X(eth_not_our_mac)	/* unicast to another station */	\
	X(eth_bad_src)		/* multicast/broadcast source MAC */	\
	X(eth_vlan)		/* 802.1Q tagged */			\
	X(eth_ipv6)		/* IPv6 (not served) */			\
	X(eth_unknown_type)						\
	/* arp */							\
	X(arp_short)		X(arp_bad_format)			\
	X(arp_bad_op)		X(arp_bad_sender)			\
	X(arp_not_for_us)	X(arp_conflict)				\
	X(arp_req_rx)		X(arp_reply_rx)				\
	X(arp_req_tx)		X(arp_reply_tx)				\
	X(arp_unsolicited)	/* reply/gratuitous with no entry */	\
	X(arp_table_full)	X(arp_nombuf)				\
	X(arp_queue_full)	/* frame dropped: neighbour queue full */\
	X(arp_resolve_fail)	/* frame dropped: neighbour unanswered */\
	X(arp_redirect_full)	/* handoff to the ARP lcore failed */	\
	/* ipv4 */							\
	X(ip_short)		X(ip_bad_version)			\
	X(ip_bad_ihl)		X(ip_bad_totlen)			\
	X(ip_bad_csum)		X(ip_bad_src)				\
	X(ip_not_for_us)	X(ip_options)				\
	X(ip_fragment)		/* fragments dropped (no reassembly) */	\
	X(ip_unknown_proto)	X(ip_no_route)				\
	/* icmp */							\
	X(icmp_short)		X(icmp_bad_csum)			\
	X(icmp_echo_rx)		X(icmp_echo_tx)				\
	X(icmp_bcast_ignored)	X(icmp_other)				\
	X(icmp_unreach_tx)	X(icmp_unreach_limited)			\
	X(icmp_unreach_rx)	X(icmp_bad_quote)			\
	X(icmp_unreach_nombuf)						\
	/* udp */							\
	X(udp_short)		X(udp_bad_len)				\
	X(udp_bad_csum)		X(udp_zero_csum)			\
	X(udp_no_port)		/* no socket: port unreachable */	\
	X(udp_rx_full)		/* socket RX ring/SO_RCVBUF full */	\
	X(udp_mc_no_member)	X(udp_connreset)			\
	X(udp_mcloop_nombuf)						\
	/* igmp */							\
	X(igmp_short)		X(igmp_bad_csum)			\
	X(igmp_bad_query)	X(igmp_unknown_type)			\
	X(igmp_query_rx)	X(igmp_v2_query_rx)			\
	X(igmp_other_rx)	X(igmp_report_tx)			\
	X(igmp_nombuf)							\
	X(igmp_rexmit_dropped)	/* a leave not retransmitted: more	\
				 * groups leaving than the table holds */\
	/* transport not yet served */					\
	X(tcp_unhandled)

struct dp_stats {
#define DP_STATS_FIELD(name) uint64_t name;
	DP_STATS_FOREACH(DP_STATS_FIELD)
#undef DP_STATS_FIELD
};

/*
 * One writer (the owning lcore), readers on any thread (telemetry): the
 * writer's store is a relaxed atomic (a plain mov on x86, no lock), so
 * a reader's relaxed load is no data race. dp_stats_sum reads them.
 */
#define DP_STAT_ADD(lc, name, n)					\
	__atomic_store_n(&(lc)->stats.name, (lc)->stats.name + (n),	\
		__ATOMIC_RELAXED)
#define DP_STAT_INC(lc, name)		DP_STAT_ADD(lc, name, 1)

/* A snapshot of one lcore's counters, from any thread. */
static inline void
dp_stats_read(const struct dp_stats *from, struct dp_stats *to)
{
#define DP_STATS_READ(name) \
	to->name = __atomic_load_n(&from->name, __ATOMIC_RELAXED);
	DP_STATS_FOREACH(DP_STATS_READ)
#undef DP_STATS_READ
}

#endif /* _DP_STATS_H_ */
