/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The network layer's life with the engine (struct dp_layer): its tables
 * and per-lcore state, its share of each loop iteration, its telemetry.
 */
#include <errno.h>
#include <stdio.h>

#include <rte_malloc.h>
#include <rte_telemetry.h>

#include "dp_net.h"
#include "dp_tsan.h"

static bool
no_fate(struct dp_lcore *lc, struct rte_mbuf *m, enum dp_tx_fate f)
{
	RTE_SET_USED(lc);
	RTE_SET_USED(m);
	RTE_SET_USED(f);
	return true;
}

static void
net_destroy(struct dp_engine *eng)
{
	for (unsigned int i = 0; i < eng->nb_lcores; i++) {
		struct dp_lcore *lc = eng->lcores[i];

		if (lc == NULL || lc->net == NULL)
			continue;
		dp_ip_reass_free(lc);
		dp_arp_hold_free(lc);
		dp_ip_local_free(lc);
		dp_free(lc->net);
		lc->net = NULL;
	}
	dp_arp_free(eng);
	dp_free(eng->net);
	eng->net = NULL;
}

static int
net_create(struct dp_engine *eng)
{
	/* Echo replies go out whole, in one frame (dp_ip_send). */
	static const struct dp_ip_proto icmp = { .input = dp_icmp_input,
		.linear = true };
	int ret;

	eng->net = dp_zmalloc("dp_net", sizeof(*eng->net),
		RTE_CACHE_LINE_SIZE);
	if (eng->net == NULL)
		return -ENOMEM;
	eng->net->tx_fate = no_fate;
	eng->net->proto[IPPROTO_ICMP] = icmp;
	dp_ip_reass_configure(eng);
	for (unsigned int i = 0; i < eng->nb_lcores; i++) {
		struct dp_lcore *lc = eng->lcores[i];

		lc->net = dp_zmalloc("dp_net_lcore", sizeof(*lc->net),
			RTE_CACHE_LINE_SIZE);
		if (lc->net == NULL)
			return -ENOMEM;
		ret = dp_arp_hold_create(lc);
		if (ret == 0)
			ret = dp_ip_reass_create(lc);
		if (ret != 0)
			return ret;
	}
	return dp_arp_create(eng);
}

void
dp_ip_proto_register(struct dp_engine *eng, uint8_t proto,
		const struct dp_ip_proto *p)
{
	eng->net->proto[proto] = *p;
}

void
dp_net_set_tx_fate(struct dp_engine *eng, dp_tx_fate_fn *fn)
{
	eng->net->tx_fate = fn;
}

static void
net_poll(struct dp_lcore *lc)
{
	if (lc->id == 0)
		dp_arp_poll(lc);
	if (unlikely(lc->net->held != 0))
		dp_arp_hold_poll(lc);
	if (unlikely(lc->net->local_head != NULL))
		dp_ip_local_poll(lc);
}

/* ARP requests other lcores posted to lcore 0, and what this lcore holds
 * for ARP or loops back to itself. */
static bool
net_pending(const struct dp_lcore *lc)
{
	return (lc->id == 0 && dp_arp_requests_posted(lc->eng)) ||
		lc->net->held != 0 || lc->net->local_head != NULL;
}

static bool
net_busy(struct dp_engine *eng)
{
	for (unsigned int i = 0; i < eng->nb_lcores; i++)
		if (__atomic_load_n(&eng->lcores[i]->net->local_n,
				__ATOMIC_ACQUIRE) != 0)
			return true;
	return dp_arp_pending(eng) != 0;
}

static void
net_tel_info(struct rte_tel_data *d, struct dp_engine *eng)
{
	const struct dp_net *net = eng->net;
	uint64_t dgrams, bytes;

	rte_tel_data_add_dict_u64(d, "arp_queued", dp_arp_pending(eng));
	dp_ip_reass_usage(eng, &dgrams, &bytes);
	rte_tel_data_add_dict_u64(d, "reass_datagrams", dgrams);
	rte_tel_data_add_dict_u64(d, "reass_bytes", bytes);
	rte_tel_data_add_dict_u64(d, "reass_max_datagrams",
		(uint64_t)net->reass_max * eng->nb_lcores);
	rte_tel_data_add_dict_u64(d, "reass_max_mbufs",
		(uint64_t)net->reass_budget * eng->nb_lcores);
	rte_tel_data_add_dict_u64(d, "reass_timeout_ms",
		net->reass_timeout_us / 1000);
}

const struct dp_layer dp_net_layer = {
	.name = "net",
	.create = net_create,
	.destroy = net_destroy,
	.lcore_start = dp_arp_lcore_start,
	.poll = net_poll,
	.pending = net_pending,
	.busy = net_busy,
	.telemetry = dp_arp_telemetry,
	.tel_info = net_tel_info,
};
