/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ethernet: the station filter a NIC would apply (the tap PMD hands us
 * every frame the kernel sends, whatever its destination), then dispatch
 * by EtherType. Frames shorter than 60 bytes are accepted: the kernel does
 * not pad what it writes to a tap.
 *
 *   dp_eth_input_burst -> dp_eth_input -> dp_arp_input (lcore 0) |
 *       dp_ip_input
 */
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "dp_net.h"
#include "dp_tsan.h"

/* Consumes m. */
void
dp_eth_input(struct dp_lcore *lc, struct rte_mbuf *m)
{
	const struct dp_engine *eng = lc->eng;
	struct rte_ether_hdr *eh;
	uint16_t type;

	DP_STAT_INC(lc, rx_pkts);
	DP_STAT_ADD(lc, rx_bytes, m->pkt_len);
	/* A chain (a TSO burst the loop port kept whole, a jumbo frame)
	 * goes up: the IPv4 input wants its header in the first mbuf,
	 * and a protocol that takes one segment gets it linearized. */
	if (unlikely(m->nb_segs != 1))
		DP_STAT_INC(lc, eth_multiseg);
	if (unlikely(m->data_len < sizeof(*eh))) {
		DP_STAT_INC(lc, eth_short);
		goto drop;
	}
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	if (unlikely(!rte_is_same_ether_addr(&eh->dst_addr, &eng->mac))) {
		if (rte_is_broadcast_ether_addr(&eh->dst_addr)) {
			DP_STAT_INC(lc, rx_broadcast);
		} else if (rte_is_multicast_ether_addr(&eh->dst_addr)) {
			DP_STAT_INC(lc, rx_multicast);
		} else {
			DP_STAT_INC(lc, eth_not_our_mac);
			goto drop;
		}
	}
	if (unlikely(rte_is_multicast_ether_addr(&eh->src_addr))) {
		DP_STAT_INC(lc, eth_bad_src);
		goto drop;
	}
	type = rte_be_to_cpu_16(eh->ether_type);
	switch (type) {
	case RTE_ETHER_TYPE_IPV4:
		rte_pktmbuf_adj(m, sizeof(*eh));
		m->l2_len = sizeof(*eh);
		dp_ip_input(lc, m);
		return;
	case RTE_ETHER_TYPE_ARP:
		/* Neighbour state has one writer, lcore 0 (dp_arp.c). */
		if (lc->id != 0) {
			if (dp_lcore_redirect(lc->eng->lcores[0], m,
					dp_arp_input) != 0)
				DP_STAT_INC(lc, arp_redirect_full);
			return;
		}
		dp_arp_input(lc, m);
		return;
	case RTE_ETHER_TYPE_VLAN:
	case RTE_ETHER_TYPE_QINQ:
		DP_STAT_INC(lc, eth_vlan);
		break;
	case RTE_ETHER_TYPE_IPV6:
		DP_STAT_INC(lc, eth_ipv6);
		break;
	default:
		DP_STAT_INC(lc, eth_unknown_type);
		break;
	}
drop:
	dp_pktmbuf_free(m);
}


/* A burst from the port, frame by frame; the next frame's headers are
 * fetched while this one is classified. Consumes the frames. */
void
dp_eth_input_burst(struct dp_lcore *lc, struct rte_mbuf **pkts, uint16_t n)
{
	for (uint16_t i = 0; i < n; i++) {
		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		dp_eth_input(lc, pkts[i]);
	}
}
