/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RSS: a port with several RX queues spreads IPv4 TCP/UDP flows by the
 * Toeplitz hash of their 4-tuple under a symmetric key, through a
 * redirection table that deals the queues out in turn. The dataplane
 * computes the same hash in software (dataplane/core/dp_rss.c) to put a
 * connected socket on the lcore whose queue receives its flow, so the key
 * and the table the port really uses are kept in struct drv_port.
 *
 * The key is 0x6d5a repeated: its period is 16 bits, so swapping source
 * and destination (addresses of 32 bits, ports of 16) leaves the hash
 * unchanged and both directions of a flow land on one queue (Woo and
 * Park, "Scalable TCP Session Monitoring with Symmetric Receive-side
 * Scaling", 2012).
 *
 * DPDK 22.11 cannot choose the hash function through ethdev (the
 * algorithm field came in 23.11); Toeplitz is every PMD's default.
 * XXX: a NIC set to another function would defeat placement silently.
 */
#include <stdint.h>
#include <string.h>

#include <rte_ethdev.h>

#include "drv_log.h"
#include "drv_port.h"
#include "drv_rss.h"

/* Flows the socket placement relies on; fragments hash on addresses
 * only (the ports are in the first fragment alone). */
#define RSS_NEED	(RTE_ETH_RSS_NONFRAG_IPV4_TCP | \
			 RTE_ETH_RSS_NONFRAG_IPV4_UDP)
#define RSS_WANT	(RSS_NEED | RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_FRAG_IPV4 | \
			 RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP | RTE_ETH_RSS_TCP)
#define RSS_KEY_DEFAULT	40	/* Microsoft's RSS key length */
#define PEER_RETA_SIZE	128

#define K2 0x6d, 0x5a
#define K8 K2, K2, K2, K2
const uint8_t drv_rss_key[DRV_RSS_KEY_MAX] = {
	K8, K8, K8, K8, K8, K8, K2, K2,
};

/* Queues dealt out in turn: bucket i -> queue i % nb_queues. */
static void
reta_spread(struct drv_port *p, uint16_t size)
{
	p->rss_reta_size = size;
	for (uint16_t i = 0; i < size; i++)
		p->rss_reta[i] = (uint16_t)(i % p->nb_queues);
}

void
drv_rss_conf(struct drv_port *p, const struct rte_eth_dev_info *info,
		struct rte_eth_conf *ec)
{
	uint64_t hf = info->flow_type_rss_offloads & RSS_WANT;

	p->rss = DRV_RSS_NONE;
	p->rss_reta_size = 0;
	p->rss_key_len = RSS_KEY_DEFAULT;
	if (p->nb_queues < 2)
		return;
	if (p->kind == DRV_KIND_PAIR) {
		/* The far end is a program of ours playing the NIC. */
		p->rss = DRV_RSS_PEER;
		reta_spread(p, PEER_RETA_SIZE);
		return;
	}
	if (hf != 0) {
		ec->rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		ec->rx_adv_conf.rss_conf.rss_hf = hf;
	}
	if ((hf & RSS_NEED) != RSS_NEED || info->reta_size == 0 ||
			info->reta_size > DRV_RETA_MAX) {
		/* tap, rings, memif: the port (or its peer) picks the
		 * queue; the dataplane cannot predict it. */
		DRV_LOG(NOTICE, "%s (%s): no RSS over IPv4 TCP/UDP; each "
			"frame arrives on the queue the device picks and "
			"sockets stay on the lcore they were created on",
			p->name, p->driver);
		return;
	}
	if (info->hash_key_size != 0 && info->hash_key_size <= DRV_RSS_KEY_MAX)
		p->rss_key_len = info->hash_key_size;
	ec->rx_adv_conf.rss_conf.rss_key = (uint8_t *)(uintptr_t)drv_rss_key;
	ec->rx_adv_conf.rss_conf.rss_key_len = p->rss_key_len;
	p->rss = DRV_RSS_HW;
	reta_spread(p, info->reta_size);
}

/* The key the port reports is ours (a PMD may ignore what it is given). */
static bool
key_taken(const struct drv_port *p)
{
	uint8_t key[DRV_RSS_KEY_MAX];
	struct rte_eth_rss_conf rc = { .rss_key = key,
		.rss_key_len = p->rss_key_len };

	if (rte_eth_dev_rss_hash_conf_get(p->port_id, &rc) != 0)
		return true;	/* cannot tell: trust configure's 0 */
	return memcmp(key, drv_rss_key, p->rss_key_len) == 0;
}

static void
reta_fill(struct rte_eth_rss_reta_entry64 *c, const struct drv_port *p,
		bool values)
{
	memset(c, 0, sizeof(*c) * (DRV_RETA_MAX / RTE_ETH_RETA_GROUP_SIZE));
	for (uint16_t i = 0; i < p->rss_reta_size; i++) {
		c[i / RTE_ETH_RETA_GROUP_SIZE].mask |=
			UINT64_C(1) << (i % RTE_ETH_RETA_GROUP_SIZE);
		if (values)
			c[i / RTE_ETH_RETA_GROUP_SIZE].reta[i %
				RTE_ETH_RETA_GROUP_SIZE] = p->rss_reta[i];
	}
}

/* A PMD that keeps its own table: learn it, since the hash goes
 * through it. 0, or -1 if it cannot be read or names a queue we lack. */
static int
reta_learn(struct drv_port *p)
{
	struct rte_eth_rss_reta_entry64 c[DRV_RETA_MAX /
		RTE_ETH_RETA_GROUP_SIZE];

	reta_fill(c, p, false);
	if (rte_eth_dev_rss_reta_query(p->port_id, c, p->rss_reta_size) != 0)
		return -1;
	for (uint16_t i = 0; i < p->rss_reta_size; i++) {
		uint16_t q = c[i / RTE_ETH_RETA_GROUP_SIZE].reta[i %
			RTE_ETH_RETA_GROUP_SIZE];

		if (q >= p->nb_queues)
			return -1;
		p->rss_reta[i] = q;
	}
	return 0;
}

void
drv_rss_start(struct drv_port *p)
{
	struct rte_eth_rss_reta_entry64 c[DRV_RETA_MAX /
		RTE_ETH_RETA_GROUP_SIZE];
	int ret;

	if (p->rss != DRV_RSS_HW)
		return;
	if (!key_taken(p)) {
		DRV_LOG(WARNING, "%s (%s) did not take our RSS key; sockets "
			"are not placed by flow", p->name, p->driver);
		p->rss = DRV_RSS_NONE;
		return;
	}
	reta_fill(c, p, true);
	ret = rte_eth_dev_rss_reta_update(p->port_id, c, p->rss_reta_size);
	if (ret != 0 && reta_learn(p) != 0) {
		DRV_LOG(WARNING, "%s (%s): redirection table neither set "
			"(%s) nor readable; sockets are not placed by flow",
			p->name, p->driver, rte_strerror(-ret));
		p->rss = DRV_RSS_NONE;
		return;
	}
	DRV_LOG(INFO, "%s: RSS over %u queues, %u-byte symmetric key, "
		"%u-entry table", p->name, p->nb_queues, p->rss_key_len,
		p->rss_reta_size);
}
