/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * /wspdk/mcast: the table (groups joined, the limit, groups still
 * leaving, joins refused by reason), then "group_<n>": {group, members,
 * filter, counters}.
 */
#include <string.h>

#include <rte_telemetry.h>

#include "dp_mcast.h"
#include "dp_telemetry.h"

/* Telemetry: the groups joined now (mc->lock: none is freed meanwhile). */
static unsigned int
mcast_dump(struct dp_engine *eng, struct dp_mc_info *out,
		unsigned int max)
{
	struct dp_mc_table *mc = eng->mc;
	unsigned int n = 0;

	rte_spinlock_lock(&mc->lock);
	for (uint32_t i = 0; i < mc->nlive && n < max; i++) {
		const struct dp_mc_group *g = mc->live[i];

		out[n++] = (struct dp_mc_info){
			.group = g->group,
			.members = g->set->n,
			.mode = g->set->want.mode,
			.nsrc = g->set->want.nsrc,
			.rx_dgrams = __atomic_load_n(&g->rx_dgrams,
				__ATOMIC_RELAXED),
			.rx_bytes = __atomic_load_n(&g->rx_bytes,
				__ATOMIC_RELAXED),
			.drop_filtered = __atomic_load_n(&g->drop_filtered,
				__ATOMIC_RELAXED),
			.drop_rx_full = __atomic_load_n(&g->drop_rx_full,
				__ATOMIC_RELAXED),
			.tx_dgrams = __atomic_load_n(&g->tx_dgrams,
				__ATOMIC_RELAXED),
		};
	}
	rte_spinlock_unlock(&mc->lock);
	return n;
}

static void
mcast_summary(struct dp_engine *eng, struct dp_mc_summary *out)
{
	struct dp_mc_table *mc = eng->mc;

	rte_spinlock_lock(&mc->lock);
	out->groups = mc->nlive;
	out->max = mc->max;
	out->leaving = __atomic_load_n(&mc->nrecords, __ATOMIC_RELAXED) -
		mc->nlive;
	memcpy(out->refused, mc->refused, sizeof(out->refused));
	rte_spinlock_unlock(&mc->lock);
}

static unsigned int
dump_mcast(struct dp_engine *eng, void *items, unsigned int max)
{
	return mcast_dump(eng, items, max);
}

static uint32_t
fill_mcast(struct rte_tel_data *e, const void *item, unsigned int index)
{
	const struct dp_mc_info *g = item;

	dp_tel_add_ip(e, "group", g->group);
	rte_tel_data_add_dict_u64(e, "members", g->members);
	rte_tel_data_add_dict_string(e, "filter",
		g->mode == DP_MC_EXCLUDE ? "exclude" : "include");
	rte_tel_data_add_dict_u64(e, "filter_sources", g->nsrc);
	rte_tel_data_add_dict_u64(e, "rx_dgrams", g->rx_dgrams);
	rte_tel_data_add_dict_u64(e, "rx_bytes", g->rx_bytes);
	rte_tel_data_add_dict_u64(e, "drop_filtered", g->drop_filtered);
	rte_tel_data_add_dict_u64(e, "drop_rx_full", g->drop_rx_full);
	rte_tel_data_add_dict_u64(e, "tx_dgrams", g->tx_dgrams);
	return index;
}

static void
head_mcast(struct rte_tel_data *d, struct dp_engine *eng)
{
	struct dp_mc_summary sum;

	mcast_summary(eng, &sum);
	rte_tel_data_add_dict_u64(d, "groups", sum.groups);
	rte_tel_data_add_dict_u64(d, "groups_max", sum.max);
	rte_tel_data_add_dict_u64(d, "groups_leaving", sum.leaving);
	rte_tel_data_add_dict_u64(d, "refused_groups_full",
		sum.refused[DP_MC_REFUSED_GROUPS_FULL]);
	rte_tel_data_add_dict_u64(d, "refused_sources_full",
		sum.refused[DP_MC_REFUSED_SOURCES_FULL]);
	rte_tel_data_add_dict_u64(d, "refused_nomem",
		sum.refused[DP_MC_REFUSED_NOMEM]);
}

static int
cmd_mcast(const char *cmd, const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	return dp_tel_dump_dicts(d, "group", sizeof(struct dp_mc_info),
		dump_mcast, fill_mcast, head_mcast);
}

void
dp_mcast_telemetry(void)
{
	rte_telemetry_register_cmd("/wspdk/mcast", cmd_mcast,
		"wspdk multicast groups: members, filter, counters");
}
