/* SPDX-License-Identifier: BSD-3-Clause */
/* Frames for dataplane tests (see frame.h). */
#include <string.h>

#include <rte_arp.h>
#include <rte_icmp.h>
#include <rte_udp.h>

#include "frame.h"

struct rte_ipv4_hdr *
frame_ipv4(uint8_t *buf, const struct rte_ether_addr *eth_dst,
		const struct rte_ether_addr *eth_src, uint32_t src,
		uint32_t dst, uint8_t proto, uint16_t l4_len)
{
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)buf;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eh + 1);

	eh->dst_addr = *eth_dst;
	eh->src_addr = *eth_src;
	eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(sizeof(*ip) + l4_len));
	ip->packet_id = RTE_BE16(0x1234);
	ip->time_to_live = 64;
	ip->next_proto_id = proto;
	ip->src_addr = rte_cpu_to_be_32(src);
	ip->dst_addr = rte_cpu_to_be_32(dst);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return ip;
}

uint16_t
frame_arp(uint8_t *buf, uint16_t op, const struct rte_ether_addr *eth_dst,
		const struct rte_ether_addr *sha, uint32_t sip,
		const struct rte_ether_addr *tha, uint32_t tip)
{
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)buf;
	struct rte_arp_hdr *a = (struct rte_arp_hdr *)(eh + 1);

	eh->dst_addr = *eth_dst;
	eh->src_addr = *sha;
	eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
	a->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	a->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = RTE_ETHER_ADDR_LEN;
	a->arp_plen = 4;
	a->arp_opcode = rte_cpu_to_be_16(op);
	a->arp_data.arp_sha = *sha;
	a->arp_data.arp_sip = rte_cpu_to_be_32(sip);
	a->arp_data.arp_tha = *tha;
	a->arp_data.arp_tip = rte_cpu_to_be_32(tip);
	return sizeof(*eh) + sizeof(*a);
}

uint16_t
frame_echo(uint8_t *buf, const struct rte_ether_addr *eth_dst,
		const struct rte_ether_addr *eth_src, uint32_t src,
		uint32_t dst, uint16_t id, uint16_t seq, uint16_t n)
{
	struct rte_ipv4_hdr *ip = frame_ipv4(buf, eth_dst, eth_src, src, dst,
		IPPROTO_ICMP, (uint16_t)(sizeof(struct rte_icmp_hdr) + n));
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)(ip + 1);
	uint8_t *payload = (uint8_t *)(icmp + 1);

	icmp->icmp_type = RTE_IP_ICMP_ECHO_REQUEST;
	icmp->icmp_code = 0;
	icmp->icmp_cksum = 0;
	icmp->icmp_ident = rte_cpu_to_be_16(id);
	icmp->icmp_seq_nb = rte_cpu_to_be_16(seq);
	for (uint16_t i = 0; i < n; i++)
		payload[i] = (uint8_t)(i * 7 + seq);
	icmp->icmp_cksum = (uint16_t)~rte_raw_cksum(icmp,
		sizeof(*icmp) + n);
	return (uint16_t)(sizeof(struct rte_ether_hdr) + sizeof(*ip) +
		sizeof(*icmp) + n);
}

/* The UDP header after ip, its payload (n bytes) in place. */
static void
udp_finish(struct rte_ipv4_hdr *ip, uint16_t sport, uint16_t dport,
		uint16_t n, enum frame_csum c)
{
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);

	udp->src_port = rte_cpu_to_be_16(sport);
	udp->dst_port = rte_cpu_to_be_16(dport);
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(sizeof(*udp) + n));
	udp->dgram_cksum = 0;
	if (c != FRAME_CSUM_ZERO)
		udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
	if (c == FRAME_CSUM_BAD)
		udp->dgram_cksum ^= RTE_BE16(0x0101);
}

uint16_t
frame_udp(uint8_t *buf, const struct rte_ether_addr *eth_dst,
		const struct rte_ether_addr *eth_src, uint32_t src,
		uint16_t sport, uint32_t dst, uint16_t dport,
		const void *payload, uint16_t n, enum frame_csum c)
{
	struct rte_ipv4_hdr *ip = frame_ipv4(buf, eth_dst, eth_src, src, dst,
		IPPROTO_UDP, (uint16_t)(sizeof(struct rte_udp_hdr) + n));

	memcpy((struct rte_udp_hdr *)(ip + 1) + 1, payload, n);
	udp_finish(ip, sport, dport, n, c);
	return (uint16_t)(sizeof(struct rte_ether_hdr) + sizeof(*ip) +
		sizeof(struct rte_udp_hdr) + n);
}

uint32_t
frame_udp_dgram(uint8_t *buf, const struct rte_ether_addr *eth_dst,
		const struct rte_ether_addr *eth_src, uint32_t src,
		uint16_t sport, uint32_t dst, uint16_t dport, uint16_t id,
		uint32_t n)
{
	struct rte_ipv4_hdr *ip = frame_ipv4(buf, eth_dst, eth_src, src, dst,
		IPPROTO_UDP, (uint16_t)(sizeof(struct rte_udp_hdr) + n));
	uint8_t *p = (uint8_t *)((struct rte_udp_hdr *)(ip + 1) + 1);

	ip->packet_id = rte_cpu_to_be_16(id);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	/* Not periodic in 256 or in a fragment's length: a byte in the
	 * wrong place shows. */
	for (uint32_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 131 + (i >> 9) + id);
	udp_finish(ip, sport, dport, (uint16_t)n, FRAME_CSUM_GOOD);
	return (uint32_t)sizeof(struct rte_udp_hdr) + n;
}

uint16_t
frame_fragment(uint8_t *buf, const uint8_t *dgram, uint32_t off,
		uint32_t len, bool more)
{
	const struct rte_ether_hdr *eh = (const struct rte_ether_hdr *)dgram;
	const struct rte_ipv4_hdr *w = (const struct rte_ipv4_hdr *)(eh + 1);
	struct rte_ipv4_hdr *ip = frame_ipv4(buf, &eh->dst_addr,
		&eh->src_addr, rte_be_to_cpu_32(w->src_addr),
		rte_be_to_cpu_32(w->dst_addr), w->next_proto_id,
		(uint16_t)len);

	ip->packet_id = w->packet_id;
	ip->fragment_offset = rte_cpu_to_be_16((uint16_t)(off / 8 |
		(more ? RTE_IPV4_HDR_MF_FLAG : 0)));
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	memcpy(ip + 1, (const uint8_t *)(w + 1) + off, len);
	return (uint16_t)(sizeof(*eh) + sizeof(*ip) + len);
}

uint16_t
frame_fragment_i(uint8_t *buf, const uint8_t *dgram, uint32_t plen,
		unsigned int i)
{
	uint32_t off = i * FRAME_FRAG, len = RTE_MIN(FRAME_FRAG, plen - off);

	return frame_fragment(buf, dgram, off, len, off + len < plen);
}
