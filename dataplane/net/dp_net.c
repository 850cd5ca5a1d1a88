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
		dp_arp_hold_free(lc);
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
	static const struct dp_ip_proto icmp = { .input = dp_icmp_input };
	int ret;

	eng->net = dp_zmalloc("dp_net", sizeof(*eng->net),
		RTE_CACHE_LINE_SIZE);
	if (eng->net == NULL)
		return -ENOMEM;
	eng->net->tx_fate = no_fate;
	eng->net->proto[IPPROTO_ICMP] = icmp;
	for (unsigned int i = 0; i < eng->nb_lcores; i++) {
		struct dp_lcore *lc = eng->lcores[i];

		lc->net = dp_zmalloc("dp_net_lcore", sizeof(*lc->net),
			RTE_CACHE_LINE_SIZE);
		if (lc->net == NULL)
			return -ENOMEM;
		ret = dp_arp_hold_create(lc);
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
}

static bool
net_busy(struct dp_engine *eng)
{
	return dp_arp_pending(eng) != 0;
}

static void
net_tel_info(struct rte_tel_data *d, struct dp_engine *eng)
{
	rte_tel_data_add_dict_u64(d, "arp_queued", dp_arp_pending(eng));
}

const struct dp_layer dp_net_layer = {
	.name = "net",
	.create = net_create,
	.destroy = net_destroy,
	.lcore_start = dp_arp_lcore_start,
	.poll = net_poll,
	.busy = net_busy,
	.telemetry = dp_arp_telemetry,
	.tel_info = net_tel_info,
};
