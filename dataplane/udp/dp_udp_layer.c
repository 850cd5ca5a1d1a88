/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * UDP's life with the engine (struct dp_layer): the multicast table and
 * IGMP, whose state has one writer, lcore 0. UDP's own datagrams reach it
 * through the socket layer, which registered dp_udp_ops with the network
 * layer; IGMP is registered here.
 *
 * Multicast membership lives here, with UDP, rather than in net/: only
 * UDP sockets join groups, and the member sets, the group records, IGMP
 * and the fan-out share one RCU lifecycle best kept in one place. Should
 * another transport join groups, the group table moves down to net/
 * behind the same calls.
 */
#include <errno.h>

#include <rte_telemetry.h>

#include "dp_mcast.h"
#include "dp_udp.h"

static void
udp_destroy(struct dp_engine *eng)
{
	for (unsigned int i = 0; i < eng->nb_lcores; i++) {
		dp_free(eng->lcores[i]->udp);
		eng->lcores[i]->udp = NULL;
	}
	dp_mcast_free(eng);
}

static int
udp_create(struct dp_engine *eng)
{
	static const struct dp_ip_proto igmp = {
		.input = dp_igmp_input,
		.lcore0 = true,
		.linear = true,
	};
	int ret;

	for (unsigned int i = 0; i < eng->nb_lcores; i++) {
		eng->lcores[i]->udp = dp_zmalloc("dp_udp_lcore",
			sizeof(struct dp_udp_lcore), RTE_CACHE_LINE_SIZE);
		if (eng->lcores[i]->udp == NULL)
			return -ENOMEM;
	}
	ret = dp_mcast_create(eng);
	if (ret == 0)
		dp_ip_proto_register(eng, IPPROTO_IGMP, &igmp);
	return ret;
}

static void
udp_poll(struct dp_lcore *lc)
{
	if (lc->id == 0 && dp_igmp_pending(lc->eng->mc))
		dp_igmp_poll(lc);
}

static bool
udp_pending(const struct dp_lcore *lc)
{
	return lc->id == 0 && dp_igmp_pending(lc->eng->mc);
}

static bool
udp_busy(struct dp_engine *eng)
{
	return dp_mcast_busy(eng);
}

const struct dp_layer dp_udp_layer = {
	.name = "udp",
	.create = udp_create,
	.destroy = udp_destroy,
	.lcore_start = dp_igmp_lcore_start,
	.poll = udp_poll,
	.pending = udp_pending,
	.busy = udp_busy,
	.telemetry = dp_mcast_telemetry,
};
