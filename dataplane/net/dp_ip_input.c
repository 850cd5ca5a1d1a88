/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 input (RFC 791, RFC 1122 §3.2.1): validation, reassembly of
 * fragments, then the protocol registered for the datagram's protocol
 * number.
 *
 *   dp_eth_input -> dp_ip_input [-> dp_ip_reass_input (dp_ip_reass.c)]
 *       -> dp_ip_deliver -> dp_icmp_input | transport input
 *
 * Every malformed header is dropped and counted by class; the checks run
 * in the order that names the most specific fault.
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "dp_net.h"
#include "dp_tsan.h"

#define IP_MULTICAST(a)	IP_MC_BE(a)
#define IP_BCAST	IP_BCAST_BE

bool
dp_ipv4_is_local(const struct dp_engine *eng, uint32_t dst)
{
	return dst == eng->ip4;
}

/*
 * The one's complement sum of an IPv4 header of ihl bytes (a multiple of
 * 4, at most 60), in the byte order of its words, as rte_raw_cksum gives
 * it: 32-bit words summed in 64 bits and folded. Without checksum
 * offload (memif, tap, ring) every frame pays this; the generic 16-bit
 * loop cost ~57 instructions for 20 bytes, this ~15.
 */
static inline uint32_t
word_at(const uint8_t *p, uint32_t i)
{
	uint32_t w;

	/* The header is 2-byte aligned behind Ethernet: one unaligned
	 * load, without the undefined behaviour of a cast. */
	memcpy(&w, p + 4 * i, sizeof(w));
	return w;
}

static inline uint16_t
ip_hdr_sum(const void *h, uint32_t ihl)
{
	const uint8_t *p = h;
	uint64_t s = (uint64_t)word_at(p, 0) + word_at(p, 1) +
		word_at(p, 2) + word_at(p, 3) + word_at(p, 4);

	for (uint32_t i = 5; unlikely(i < ihl / 4); i++)
		s += word_at(p, i);
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
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
	if (unlikely(tot < ihl || tot > m->pkt_len)) {
		DP_STAT_INC(lc, ip_bad_totlen);
		return false;
	}
	/* GOOD, or NONE ("not correct in the packet data, but the
	 * integrity of the header is verified"): the NIC checked it. */
	ck = m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;
	if (unlikely(ck == RTE_MBUF_F_RX_IP_CKSUM_BAD ||
			(ck == RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN &&
			ip_hdr_sum(ip, ihl) != 0xffff))) {
		DP_STAT_INC(lc, ip_bad_csum);
		return false;
	}
	/* Ethernet pads short frames; the datagram ends at total_length
	 * (a chain's padding must lie in its last mbuf). */
	if (unlikely(tot < m->pkt_len) && rte_pktmbuf_trim(m,
			(uint16_t)(m->pkt_len - tot)) != 0) {
		DP_STAT_INC(lc, ip_bad_totlen);
		return false;
	}
	m->l3_len = ihl;
	return true;
}

/*
 * A protocol that takes one segment gets a reassembled datagram copied
 * into one mbuf when it is no longer than our MTU, so that what it sends
 * back in the same buffer (an echo reply) fits a frame too; NULL
 * otherwise, m freed and counted.
 */
static struct rte_mbuf *
linearize(struct dp_lcore *lc, struct rte_mbuf *m)
{
	if (m->pkt_len > lc->eng->mtu) {
		DP_STAT_INC(lc, ip_reass_too_long);
		dp_pktmbuf_free(m);
		return NULL;
	}
	return dp_ip_reass_copy(lc, m);
}

void
dp_ip_deliver(struct dp_lcore *lc, struct rte_mbuf *m)
{
	const struct dp_engine *eng = lc->eng;
	const struct rte_ipv4_hdr *ip =
		rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	const struct dp_ip_proto *p = &eng->net->proto[ip->next_proto_id];

	if (likely(p->input != NULL)) {
		if (unlikely(m->next != NULL && p->linear)) {
			m = linearize(lc, m);
			if (m == NULL)
				return;
		}
		/* A protocol whose state has one writer, lcore 0, gets its
		 * datagrams there. */
		if (!p->lcore0 || lc->id == 0)
			p->input(lc, m);
		else if (dp_lcore_redirect(eng->lcores[0], m, p->input) != 0)
			DP_STAT_INC(lc, arp_redirect_full);
		return;
	}
	DP_STAT_INC(lc, ip_unknown_proto);
	/* RFC 1122 §3.2.2.1: SHOULD say protocol unreachable. */
	if (ip->dst_addr == eng->ip4) {
		dp_icmp_unreach(lc, m, 2);
		return;
	}
	dp_pktmbuf_free(m);
}

/* Consumes m, whose data starts at the IPv4 header. */
void
dp_ip_input(struct dp_lcore *lc, struct rte_mbuf *m)
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
		/* Reassembly chains fragments of one mbuf each. */
		if (unlikely(m->next != NULL)) {
			DP_STAT_INC(lc, ip_frag_chained);
			goto drop;
		}
		dp_ip_reass_input(lc, m);
		return;
	}
	dp_ip_deliver(lc, m);
	return;
drop:
	dp_pktmbuf_free(m);
}
