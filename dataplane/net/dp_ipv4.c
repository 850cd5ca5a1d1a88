/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 input validation (RFC 791, RFC 1122 §3.2.1) and output (checksum,
 * next hop, link address).
 *
 *   dp_eth_input -> dp_ipv4_input -> dp_icmp_input | (udp, tcp, igmp)
 *   dp_ipv4_output -> dp_arp_output | dp_eth_output
 *
 * Every malformed header is dropped and counted by class; the checks run
 * in the order that names the most specific fault.
 */
#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "dp_priv.h"
#include "dp_mcast.h"
#include "dp_sock_priv.h"
#include "dp_tsan.h"

#define IP_MULTICAST(a)	(((a) & RTE_BE32(0xf0000000)) == RTE_BE32(0xe0000000))
#define IP_BCAST	RTE_BE32(0xffffffff)

bool
dp_ipv4_is_local(const struct dp_engine *eng, uint32_t dst)
{
	return dst == eng->ip4;
}

static bool
header_ok(struct dp_lcore *lc, struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ip;
	uint32_t len = m->data_len, ihl, tot;
	uint64_t ck;

	if (unlikely(len < sizeof(*ip))) {
		DP_STAT_INC(lc, ip_short);
		return false;
	}
	ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	if (unlikely((ip->version_ihl >> 4) != 4)) {
		DP_STAT_INC(lc, ip_bad_version);
		return false;
	}
	ihl = (uint32_t)(ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) * 4;
	if (unlikely(ihl < sizeof(*ip) || ihl > len)) {
		DP_STAT_INC(lc, ip_bad_ihl);
		return false;
	}
	tot = rte_be_to_cpu_16(ip->total_length);
	if (unlikely(tot < ihl || tot > len)) {
		DP_STAT_INC(lc, ip_bad_totlen);
		return false;
	}
	/* GOOD, or NONE ("not correct in the packet data, but the
	 * integrity of the header is verified"): the NIC checked it. */
	ck = m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;
	if (unlikely(ck == RTE_MBUF_F_RX_IP_CKSUM_BAD ||
			(ck == RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN &&
			rte_raw_cksum(ip, ihl) != 0xffff))) {
		DP_STAT_INC(lc, ip_bad_csum);
		return false;
	}
	/* Ethernet pads short frames; the datagram ends at total_length. */
	if (tot < len)
		rte_pktmbuf_trim(m, (uint16_t)(len - tot));
	m->l3_len = ihl;
	return true;
}

/* Consumes m, whose data starts at the IPv4 header. */
void
dp_ipv4_input(struct dp_lcore *lc, struct rte_mbuf *m)
{
	const struct dp_engine *eng = lc->eng;
	const struct rte_ipv4_hdr *ip;
	uint32_t dst, src;

	if (!header_ok(lc, m))
		goto drop;
	ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	src = ip->src_addr;
	dst = ip->dst_addr;
	/* RFC 1122 §3.2.1.3: discard martian sources. */
	if (unlikely(IP_MULTICAST(src) || src == IP_BCAST ||
			(src != 0 && src == eng->bcast))) {
		DP_STAT_INC(lc, ip_bad_src);
		goto drop;
	}
	if (unlikely(dst != eng->ip4 && dst != IP_BCAST &&
			dst != eng->bcast && !IP_MULTICAST(dst))) {
		DP_STAT_INC(lc, ip_not_for_us);
		goto drop;
	}
	if (unlikely(m->l3_len > sizeof(*ip)))
		DP_STAT_INC(lc, ip_options);	/* accepted, not acted on */
	if (unlikely(ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG |
			RTE_IPV4_HDR_OFFSET_MASK))) {
		DP_STAT_INC(lc, ip_fragment);
		goto drop;
	}
	switch (ip->next_proto_id) {
	case IPPROTO_ICMP:
		dp_icmp_input(lc, m);
		return;
	case IPPROTO_UDP:
		dp_udp_input(lc, m);
		return;
	case IPPROTO_TCP:
		DP_STAT_INC(lc, tcp_unhandled);
		break;
	case IPPROTO_IGMP:
		/* Group state has one writer, lcore 0 (dp_igmp.c). */
		if (lc->id == 0)
			dp_igmp_input(lc, m);
		else if (dp_lcore_redirect(lc->eng->lcores[0], m,
				DP_REDIRECT_IGMP, 0) != 0)
			DP_STAT_INC(lc, arp_redirect_full);
		return;
	default:
		DP_STAT_INC(lc, ip_unknown_proto);
		/* RFC 1122 §3.2.2.1: SHOULD say protocol unreachable. */
		if (dst == eng->ip4) {
			dp_icmp_unreach(lc, m, 2);
			return;
		}
		break;
	}
drop:
	dp_pktmbuf_free(m);
}

/*
 * Send a datagram whose data starts at a complete IPv4 header (checksum
 * excepted). Consumes m.
 */
void
dp_ipv4_output(struct dp_lcore *lc, struct rte_mbuf *m)
{
	const struct dp_engine *eng = lc->eng;
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	struct rte_ether_addr dst_mac;
	uint32_t dst = ip->dst_addr, nexthop;

	/* Frames the stack builds belong to no socket (the private area of
	 * a recycled mbuf still holds its last user's). */
	dp_mbuf_priv(m)->sock = NULL;
	m->l3_len = (uint64_t)(ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) * 4;
	ip->hdr_checksum = 0;
	if (eng->ip_cksum_offload)
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
	else
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	if (dst == IP_BCAST || dst == eng->bcast) {
		memset(&dst_mac, 0xff, sizeof(dst_mac));
		dp_eth_output(lc, m, &dst_mac, RTE_ETHER_TYPE_IPV4);
		return;
	}
	if (IP_MULTICAST(dst)) {
		/* RFC 1112 §6.4: 01:00:5e + low 23 bits of the group. */
		uint32_t h = rte_be_to_cpu_32(dst);

		dst_mac = (struct rte_ether_addr){ .addr_bytes = { 0x01, 0x00,
			0x5e, (h >> 16) & 0x7f, (h >> 8) & 0xff, h & 0xff } };
		dp_eth_output(lc, m, &dst_mac, RTE_ETHER_TYPE_IPV4);
		return;
	}
	if ((dst & eng->netmask) == (eng->ip4 & eng->netmask))
		nexthop = dst;
	else
		nexthop = eng->gateway;
	if (unlikely(nexthop == 0)) {
		DP_STAT_INC(lc, ip_no_route);
		dp_pktmbuf_free(m);
		return;
	}
	dp_arp_output(lc, m, nexthop);
}
