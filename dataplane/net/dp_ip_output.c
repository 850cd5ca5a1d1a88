/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 output, the one every protocol uses: the header (options, DF,
 * fragmentation by RFC 791's rules), the checksum (the port's when it
 * can), the route (our subnet, the gateway, broadcast, multicast,
 * ourselves), the link address (ARP, or computed), the per-lcore TX
 * buffer.
 *
 *   stack frames (ICMP, IGMP) -> dp_ip_send -> header -> route -> link
 *   socket frames (built on application threads with dp_ip_frag_size,
 *       dp_ip_header, dp_ip_finish) -> owner lcore -> dp_ip_output_try
 *       -> link
 *   link: a usable neighbour -> dp_eth_output (inline) -> dp_lcore_tx
 *       (inline); else dp_arp_output[_try] (hold, then eth)
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "dp_net.h"
#include "dp_tsan.h"

uint32_t
dp_ip_nexthop(const struct dp_engine *eng, uint32_t dst_be)
{
	if (dst_be == IP_BCAST_BE || dst_be == eng->bcast || IP_MC_BE(dst_be) ||
			(dst_be & eng->netmask) == (eng->ip4 & eng->netmask))
		return dst_be;
	return eng->gateway;
}

/* Broadcast, or RFC 1112 §6.4: 01:00:5e + the low 23 bits of the group. */
static void
link_dst(uint32_t dst_be, struct rte_ether_addr *mac)
{
	uint32_t h = rte_be_to_cpu_32(dst_be);

	if (IP_MC_BE(dst_be))
		*mac = (struct rte_ether_addr){ .addr_bytes = { 0x01, 0x00,
			0x5e, (h >> 16) & 0x7f, (h >> 8) & 0xff, h & 0xff } };
	else
		memset(mac, 0xff, sizeof(*mac));
}

static bool
link_computed(const struct dp_engine *eng, uint32_t nh)
{
	return nh == IP_BCAST_BE || nh == eng->bcast || IP_MC_BE(nh);
}

/*
 * To a unicast next hop: the common case here, a usable neighbour with
 * nothing held on this lcore (frames held for it go first, in order);
 * else the ARP hold decides. try: -ENOBUFS when the hold is full, m not
 * consumed, so a socket can wait with it.
 */
static int
to_neighbour(struct dp_lcore *lc, struct rte_mbuf *m, uint32_t nh, bool try)
{
	struct rte_ether_addr mac;

	if (likely(__atomic_load_n(&lc->net->held, __ATOMIC_RELAXED) == 0) &&
			dp_arp_lookup(lc->eng, nh, &mac) == DP_ARP_USABLE) {
		if (likely(dp_net_tx_fate(lc, m, DP_TX_SENT))) {
			dp_eth_output(lc, m, &mac, RTE_ETHER_TYPE_IPV4);
			return 0;
		}
		dp_net_tx_fate(lc, m, DP_TX_DROP_ABORT);
		dp_pktmbuf_free(m);
		return 0;
	}
	if (try)
		return dp_arp_output_try(lc, m, nh);
	dp_arp_output(lc, m, nh);
	return 0;
}

uint32_t
dp_ip_frag_size(const struct dp_engine *eng, uint32_t len, unsigned int *nfrag)
{
	uint32_t per = (uint32_t)(eng->mtu - sizeof(struct rte_ipv4_hdr));

	/* Only fragments other than the last must carry a multiple of 8. */
	if (len > per)
		per &= ~7u;
	*nfrag = len == 0 ? 1 : (len + per - 1) / per;
	return per;
}

void
dp_ip_header(const struct dp_engine *eng, struct rte_ipv4_hdr *ip,
		const struct dp_ip_hdr *h, uint16_t id, uint32_t off,
		bool more, uint32_t plen)
{
	uint32_t hl = (uint32_t)sizeof(*ip) + h->optlen;

	ip->version_ihl = (uint8_t)(0x40 | hl / 4);
	ip->type_of_service = h->tos;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(hl + plen));
	ip->packet_id = rte_cpu_to_be_16(id);
	ip->fragment_offset = rte_cpu_to_be_16((uint16_t)((off / 8) |
		(more ? RTE_IPV4_HDR_MF_FLAG : 0) |
		(h->df ? RTE_IPV4_HDR_DF_FLAG : 0)));
	ip->time_to_live = h->ttl;
	ip->next_proto_id = h->proto;
	ip->hdr_checksum = 0;
	ip->src_addr = eng->ip4;
	ip->dst_addr = h->dst_be;
	if (h->optlen != 0)
		memcpy(ip + 1, h->opts, h->optlen);
}

void
dp_ip_finish(const struct dp_engine *eng, struct rte_mbuf *m,
		struct rte_ipv4_hdr *ip, bool offload)
{
	m->l3_len = (uint64_t)(ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) * 4;
	if (offload && eng->ip_cksum_offload)
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
	else
		ip->hdr_checksum = rte_ipv4_cksum(ip);
}

void
dp_ip_send(struct dp_lcore *lc, struct rte_mbuf *m, const struct dp_ip_hdr *h)
{
	const struct dp_engine *eng = lc->eng;
	uint32_t plen = m->pkt_len, hl = sizeof(struct rte_ipv4_hdr) + h->optlen;
	struct rte_ipv4_hdr *ip;
	struct rte_ether_addr dst_mac;
	uint32_t nexthop;

	ip = (struct rte_ipv4_hdr *)rte_pktmbuf_prepend(m, (uint16_t)hl);
	if (unlikely(ip == NULL)) {
		/* Every frame we build reserves RTE_PKTMBUF_HEADROOM. */
		DP_STAT_INC(lc, tx_no_headroom);
		dp_pktmbuf_free(m);
		return;
	}
	dp_ip_header(eng, ip, h, dp_ip_id(eng), 0, false, plen);
	dp_ip_finish(eng, m, ip, true);
	/* The stack's own frame: no owner to tell (the private area of a
	 * recycled mbuf still holds its last user's). */
	dp_mbuf_priv(m)->owner = NULL;
	dp_mbuf_priv(m)->flags = 0;
	nexthop = dp_ip_nexthop(eng, ip->dst_addr);
	if (link_computed(eng, nexthop)) {
		link_dst(nexthop, &dst_mac);
		dp_eth_output(lc, m, &dst_mac, RTE_ETHER_TYPE_IPV4);
		return;
	}
	if (unlikely(nexthop == 0)) {
		DP_STAT_INC(lc, ip_no_route);
		dp_pktmbuf_free(m);
		return;
	}
	to_neighbour(lc, m, nexthop, false);
}

/* A multicast datagram we send is also ours to receive when its socket
 * asked (IP_MULTICAST_LOOP): a copy goes up as if it had arrived. */
static void
multicast_loop(struct dp_lcore *lc, struct rte_mbuf *m)
{
	struct rte_mbuf *c = rte_pktmbuf_copy(m, lc->eng->mp, 0, UINT32_MAX);

	if (c == NULL) {
		DP_STAT_INC(lc, udp_mcloop_nombuf);
		return;
	}
	DP_TSAN_ACQUIRE(lc->eng->mp);
	dp_lcore_rx_stamp(lc);	/* it arrives now */
	dp_ip_input(lc, c);
}

static void
local_append(struct dp_net_lcore *nl, struct rte_mbuf *m)
{
	dp_mbuf_priv(m)->next = NULL;
	if (nl->local_tail != NULL)
		dp_mbuf_priv(nl->local_tail)->next = m;
	else
		nl->local_head = m;
	nl->local_tail = m;
	__atomic_store_n(&nl->local_n, nl->local_n + 1, __ATOMIC_RELEASE);
}

/* What was queued before this call; what its input sends to ourselves
 * waits for the next one (one round of a conversation per poll). */
void
dp_ip_local_poll(struct dp_lcore *lc)
{
	struct dp_net_lcore *nl = lc->net;
	struct rte_mbuf *m = nl->local_head, *next;

	nl->local_head = nl->local_tail = NULL;
	__atomic_store_n(&nl->local_n, 0, __ATOMIC_RELEASE);
	dp_lcore_rx_stamp(lc);	/* they arrive now */
	for (; m != NULL; m = next) {
		next = dp_mbuf_priv(m)->next;
		dp_ip_input(lc, m);
	}
}

void
dp_ip_local_free(struct dp_lcore *lc)
{
	struct rte_mbuf *m = lc->net->local_head, *next;

	for (; m != NULL; m = next) {
		next = dp_mbuf_priv(m)->next;
		dp_pktmbuf_free(m);
	}
	lc->net->local_head = lc->net->local_tail = NULL;
	lc->net->local_n = 0;
}

int
dp_ip_output_try(struct dp_lcore *lc, struct rte_mbuf *m)
{
	const struct dp_engine *eng = lc->eng;
	struct dp_mbuf_priv *p = dp_mbuf_priv(m);
	uint32_t nh = p->addr;
	struct rte_ether_addr mac;

	if (p->flags & DP_MBUF_F_LOCAL) {
		/* To our own address on a wire that would not bring it back:
		 * the stack receives it at its next poll. */
		dp_net_tx_fate(lc, m, DP_TX_SENT);
		local_append(lc->net, m);
		return 0;
	}
	if (link_computed(eng, nh)) {
		if (!dp_net_tx_fate(lc, m, DP_TX_SENT)) {
			dp_net_tx_fate(lc, m, DP_TX_DROP_ABORT);
			dp_pktmbuf_free(m);
			return 0;
		}
		if (p->flags & DP_MBUF_F_MCLOOP)
			multicast_loop(lc, m);
		link_dst(nh, &mac);
		dp_eth_output(lc, m, &mac, RTE_ETHER_TYPE_IPV4);
		return 0;
	}
	if (nh == eng->ip4) {
		/* Our own address over a looped wire: our own MAC, no ARP. */
		dp_net_tx_fate(lc, m, DP_TX_SENT);
		dp_eth_output(lc, m, &eng->mac, RTE_ETHER_TYPE_IPV4);
		return 0;
	}
	return to_neighbour(lc, m, nh, true);
}
