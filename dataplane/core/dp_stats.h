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
	X(eth_multiseg)		/* chained RX mbuf (TSO burst, jumbo) */\
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
	X(ip_frag_chained)	/* a fragment in a chain: dropped */	\
	X(ip_bad_csum)		X(ip_bad_src)				\
	X(ip_not_for_us)	X(ip_options)				\
	X(ip_unknown_proto)	X(ip_no_route)				\
	/* ipv4 reassembly (net/dp_ip_reass.c) */			\
	X(ip_fragment)		/* fragments received */		\
	X(ip_reass_ok)		/* datagrams reassembled */		\
	X(ip_reass_timeout)	/* datagram dropped: incomplete in time */\
	X(ip_reass_table_full)	/* fragment dropped: datagrams in	\
				 * flight at the limit */		\
	X(ip_reass_nomem)	/* fragment dropped: memory at the limit */\
	X(ip_reass_duplicate)	/* fragment dropped: its data held */	\
	X(ip_reass_overlap)	/* datagram dropped: fragments overlap */\
	X(ip_reass_too_big)	/* datagram dropped: past 65535 bytes */\
	X(ip_reass_bad_len)	/* fragment dropped: empty, or not whole\
				 * 8-byte units before the last */	\
	X(ip_reass_bad_end)	/* datagram dropped: fragments disagree	\
				 * on where it ends */			\
	X(ip_reass_off)		/* fragment dropped: reassembly off */	\
	X(ip_reass_redirect_full) /* fragment dropped: handoff to its	\
				 * datagram's lcore failed */		\
	X(ip_reass_too_long)	/* datagram dropped: longer than the MTU\
				 * for a protocol that takes one segment\
				 * (ICMP, IGMP) */			\
	X(ip_reass_copy_nombuf)	/* datagram dropped: no mbuf to copy	\
				 * it into */				\
	/* icmp */							\
	X(icmp_short)		X(icmp_bad_csum)			\
	X(icmp_echo_rx)		X(icmp_echo_tx)				\
	X(icmp_bcast_ignored)	X(icmp_other)				\
	X(icmp_unreach_tx)	X(icmp_unreach_limited)			\
	X(icmp_unreach_rx)	X(icmp_bad_quote)			\
	X(icmp_unreach_nombuf)	/* (and _limited: any ICMP error) */	\
	X(icmp_timxceed_tx)	/* reassembly time exceeded sent */	\
	/* udp */							\
	X(udp_short)		X(udp_bad_len)				\
	X(udp_chained)		/* header not in a chain's first mbuf */\
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
	/* sockets */							\
	X(sock_rx_off_owner)	/* connected flow received off its	\
				 * owner lcore (RSS placement missed) */\
	/* tcp: malformed input, by class (tcp/dp_tcp_input.c) */	\
	X(tcp_short)		/* shorter than its header */		\
	X(tcp_bad_doff)		/* data offset < 5 or past the segment */\
	X(tcp_bad_csum)						\
	X(tcp_odd_flags)	/* SYN+FIN, SYN+RST */			\
	X(tcp_bad_opt)		/* option list unusable: dropped */	\
	X(tcp_opt_bad_len)	/* ... an option length of 0 or 1 */	\
	X(tcp_opt_overrun)	/* ... an option past the header */	\
	X(tcp_opt_bad_size)	/* known kind, wrong length: skipped */	\
	X(tcp_opt_unknown)	/* unknown kind: skipped (MUST-6) */	\
	X(tcp_chained)		/* header not in a chain's first mbuf */\
	X(tcp_bad_dst)		/* to/from broadcast or multicast */	\
	/* tcp: segments and what became of them */			\
	X(tcp_rx)		X(tcp_tx)				\
	X(tcp_rx_redirect)	/* handed to another lcore's table */	\
	X(tcp_no_socket)	/* no connection, no listener: RST */	\
	X(tcp_rst_tx)		X(tcp_rst_rx)				\
	X(tcp_challenge_ack)	X(tcp_challenge_limited)		\
	X(tcp_out_of_window)	/* unacceptable: dropped, ACKed */	\
	X(tcp_paws_drop)	/* older TSval: dropped, ACKed */	\
	X(tcp_ack_bad)		/* acks unsent or ancient data */	\
	X(tcp_ooo_held)		/* out of order, queued */		\
	X(tcp_ooo_drop)		/* out of order, queue full */		\
	X(tcp_ooo_coalesced)	/* out of order, into the one before */	\
	X(tcp_rx_full)		/* in order, no room: dropped */	\
	X(tcp_rx_held)		/* in order, ring full: held (bq) */	\
	X(tcp_listen_overflow)	/* SYN dropped: no spare or backlog */	\
	X(tcp_rexmit)		/* segments retransmitted */		\
	X(tcp_rto)		/* retransmission timeouts */		\
	X(tcp_persist)		/* zero-window probes */		\
	X(tcp_fast_rexmit)						\
	X(tcp_tx_nombuf)	/* no mbuf for a segment */		\
	X(tcp_tso_bursts)	/* segments sent as one TSO burst */	\
	X(tcp_tso_segs)		/* ... the segments they carried */	\
	X(tcp_tx_held_full)	/* ARP hold full: segment dropped */	\
	X(tcp_timewait_reuse)	/* SYN reopened a TIME-WAIT */		\
	X(tcp_tw_records)	/* orphans' TIME-WAIT made records */	\
	X(tcp_tw_overflow)	/* record pool full: oldest dropped */	\
	X(tcp_tw_ack)		/* ACKs a TIME-WAIT record sent */	\
	X(tcp_keepalive)	/* keepalive probes sent */		\
	X(tcp_keepalive_drop)	/* connections dropped unanswered */	\
	/* tcp loss recovery (dp_tcp_scoreboard.c, dp_tcp_rack.c) */	\
	X(tcp_rexmit_bytes)	/* payload bytes sent again */		\
	X(tcp_rto_episodes)	/* first timeouts of a run (rxtshift 1) */\
	X(tcp_recovery)		/* fast recovery episodes entered */	\
	X(tcp_cwnd_restart)	/* cwnd restarted after idle */	\
	X(tcp_tlp)		/* tail loss probes sent */		\
	X(tcp_tlp_recovered)	/* probes that repaired a tail loss */	\
	X(tcp_tlp_spurious)	/* probes D-SACKed: the tail had arrived */\
	X(tcp_rack_lost)	/* segments RACK marked lost */		\
	X(tcp_dsack_rx)		/* D-SACK blocks received */		\
	X(tcp_dsack_spurious)	/* D-SACK of a retransmission: spurious */\
	X(tcp_dupack_rx)	/* duplicate ACKs received */		\
	X(tcp_reorder_bytes)	/* delivered below the highest SACKed */\
	X(tcp_sack_bad)		/* SACK blocks outside SND.UNA..SND.MAX */

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
