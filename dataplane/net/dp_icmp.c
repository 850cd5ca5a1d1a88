/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP (RFC 792, RFC 1122 §3.2.2): echo replies, and the destination
 * unreachable errors the stack sends for datagrams it cannot deliver.
 *
 * Errors are rate limited per lcore the way Linux does by default
 * (icmp_msgs_per_sec 1000, burst 50), so a flood to a closed port costs a
 * bounded number of replies; the rest are counted.
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "dp_net.h"
#include "dp_tsan.h"

#define ICMP_DEST_UNREACH	3	/* RFC 792 type */
#define ICMP_ERR_PER_SEC	1000
#define ICMP_ERR_BURST		50
/* RFC 1812 §4.3.2.3: quote as much as fits in a 576-byte datagram. */
#define ICMP_QUOTE_MAX		(576 - 20 - 8)

static bool
checksum_ok(const void *p, uint32_t len)
{
	return rte_raw_cksum(p, len) == 0xffff;
}

static uint16_t
checksum(const void *p, uint32_t len)
{
	uint16_t ck = (uint16_t)~rte_raw_cksum(p, len);

	return ck;
}

/* Reply in the same buffer: the request's IPv4 header (options and all)
 * goes, a new one comes in its place. */
static void
echo_reply(struct dp_lcore *lc, struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ip =
		rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	struct dp_ip_hdr h = { .dst_be = ip->src_addr, .proto = IPPROTO_ICMP,
		.tos = ip->type_of_service, .ttl = 64 };
	struct rte_icmp_hdr *icmp;
	uint32_t icmp_len = m->pkt_len - m->l3_len;

	icmp = (struct rte_icmp_hdr *)rte_pktmbuf_adj(m, (uint16_t)m->l3_len);
	icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	icmp->icmp_cksum = 0;
	icmp->icmp_cksum = checksum(icmp, icmp_len);
	DP_STAT_INC(lc, icmp_echo_tx);
	dp_ip_send(lc, m, &h);
}

/*
 * An error's quote (RFC 792: the IPv4 header and at least 8 bytes of
 * what followed): a whole IPv4 header of version 4, and the transport's
 * first 8 bytes (its ports) after it. len: the bytes quoted.
 */
static bool
quote_ok(const struct rte_ipv4_hdr *ip, uint32_t len)
{
	uint32_t ihl;

	if (len < sizeof(*ip) || (ip->version_ihl >> 4) != 4)
		return false;
	ihl = (ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) * 4u;
	return ihl >= sizeof(*ip) && len >= ihl + 8;
}

/* Consumes m, whose data starts at the IPv4 header (l3_len set). */
void
dp_icmp_input(struct dp_lcore *lc, struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ip =
		rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	const struct rte_ipv4_hdr *quoted;
	const struct rte_icmp_hdr *icmp;
	uint32_t len = m->pkt_len - m->l3_len;
	void (*ctl)(struct dp_lcore *, const struct rte_ipv4_hdr *, uint8_t,
		uint8_t);

	if (unlikely(len < sizeof(*icmp))) {
		DP_STAT_INC(lc, icmp_short);
		goto drop;
	}
	icmp = rte_pktmbuf_mtod_offset(m, const struct rte_icmp_hdr *,
		m->l3_len);
	if (unlikely(!checksum_ok(icmp, len))) {
		DP_STAT_INC(lc, icmp_bad_csum);
		goto drop;
	}
	if (icmp->icmp_type == RTE_IP_ICMP_ECHO_REQUEST &&
			icmp->icmp_code == 0) {
		DP_STAT_INC(lc, icmp_echo_rx);
		/* RFC 1122 §3.2.2.6 lets us ignore broadcast echo; Linux
		 * does by default (smurf amplification). */
		if (ip->dst_addr != lc->eng->ip4) {
			DP_STAT_INC(lc, icmp_bcast_ignored);
			goto drop;
		}
		echo_reply(lc, m);
		return;
	}
	if (icmp->icmp_type == ICMP_DEST_UNREACH) {
		/* RFC 1122 §3.2.2.1: tell the transport the quoted datagram
		 * came from. */
		DP_STAT_INC(lc, icmp_unreach_rx);
		if (!quote_ok((const struct rte_ipv4_hdr *)(icmp + 1),
				len - (uint32_t)sizeof(*icmp))) {
			DP_STAT_INC(lc, icmp_bad_quote);
			goto drop;
		}
		quoted = (const struct rte_ipv4_hdr *)(icmp + 1);
		ctl = lc->eng->net->proto[quoted->next_proto_id].ctlinput;
		if (ctl != NULL)
			ctl(lc, quoted, icmp->icmp_type, icmp->icmp_code);
		goto drop;
	}
	DP_STAT_INC(lc, icmp_other);
drop:
	dp_pktmbuf_free(m);
}

/* Token bucket in the lcore's own state: no sharing, no locks. */
static bool
rate_ok(struct dp_lcore *lc)
{
	uint64_t per_token = lc->eng->tsc_hz / ICMP_ERR_PER_SEC;
	struct dp_net_lcore *nl = lc->net;
	uint64_t add = (lc->now - nl->icmp_err_last) / per_token;

	if (add > 0) {
		nl->icmp_err_tokens = (uint32_t)RTE_MIN(
			(uint64_t)ICMP_ERR_BURST, nl->icmp_err_tokens + add);
		nl->icmp_err_last = lc->now;
	}
	if (nl->icmp_err_tokens == 0)
		return false;
	nl->icmp_err_tokens--;
	return true;
}

/*
 * Send destination unreachable (code) about datagram m to its source.
 * Consumes m, whose data starts at its IPv4 header (l3_len set).
 */
void
dp_icmp_unreach(struct dp_lcore *lc, struct rte_mbuf *m, uint8_t code)
{
	const struct rte_ipv4_hdr *oip =
		rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	struct dp_ip_hdr h = { .proto = IPPROTO_ICMP, .ttl = 64 };
	struct rte_icmp_hdr *icmp;
	struct rte_mbuf *r;
	uint32_t quote = RTE_MIN(m->pkt_len, (uint32_t)ICMP_QUOTE_MAX);
	uint32_t len = sizeof(*icmp) + quote;

	/* RFC 1122 §3.2.2: never about broadcasts, multicasts, non-first
	 * fragments or a source that names no single host. */
	if (oip->dst_addr != lc->eng->ip4 || oip->src_addr == 0 ||
			(oip->fragment_offset &
			RTE_BE16(RTE_IPV4_HDR_OFFSET_MASK)) != 0)
		goto out;
	if (!rate_ok(lc)) {
		DP_STAT_INC(lc, icmp_unreach_limited);
		goto out;
	}
	r = dp_pktmbuf_alloc(lc->eng->mp);
	if (r == NULL) {
		DP_STAT_INC(lc, icmp_unreach_nombuf);
		goto out;
	}
	icmp = (struct rte_icmp_hdr *)rte_pktmbuf_append(r, (uint16_t)len);
	if (icmp == NULL) {
		/* Cannot happen with our pool's 2 KB buffers. */
		DP_STAT_INC(lc, icmp_unreach_nombuf);
		dp_pktmbuf_free(r);
		goto out;
	}
	memset(icmp, 0, sizeof(*icmp));
	icmp->icmp_type = ICMP_DEST_UNREACH;
	icmp->icmp_code = code;
	memcpy(icmp + 1, oip, quote);
	icmp->icmp_cksum = checksum(icmp, len);
	h.dst_be = oip->src_addr;
	DP_STAT_INC(lc, icmp_unreach_tx);
	dp_ip_send(lc, r, &h);
out:
	dp_pktmbuf_free(m);
}
