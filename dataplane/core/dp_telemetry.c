/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Telemetry commands (read live with dpdk-telemetry.py -f <prefix>):
 *
 *   /wspdk/info          lifecycle and, while running, port/address/lcores
 *                        and the open OS path sockets by reason
 *   /wspdk/stats         every counter summed over lcores, plus the port's
 *   /wspdk/lcore,<n>     one lcore's counters
 *   /wspdk/arp           the neighbour cache, "neigh_<n>": {ip, mac, ...}
 *   /wspdk/sockets       "sock_<id>": {path (wspdk or os, with its
 *                        reason), addresses, queues, counters}
 *   /wspdk/mcast         the table (groups joined, the limit, groups
 *                        still leaving, joins refused by reason), then
 *                        "group_<n>": {group, members, filter, counters}
 *                        (22.11 nests dicts only in dicts, and entry
 *                        names may not hold dots: hence the keys)
 *
 * The first three are the core's (this file); the layers register the
 * others (dp_layer.telemetry) and add their keys to info and stats.
 * Callbacks run on telemetry's own thread; they see the engine only
 * between dp_engine_get() and dp_engine_put(), which dp_stop() waits out
 * before freeing anything. DPDK has no unregister and shadows duplicates,
 * so commands are registered once per process.
 */
#include <stdio.h>
#include <stdlib.h>

#include <rte_ethdev.h>
#include <rte_telemetry.h>

#include "dp_core.h"
#include "dp_eal.h"
#include "dp_telemetry.h"

void
dp_tel_add_ip(struct rte_tel_data *d, const char *name, uint32_t ip_be)
{
	uint32_t ip = rte_be_to_cpu_32(ip_be);
	char buf[16];

	snprintf(buf, sizeof(buf), "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff,
		(ip >> 8) & 0xff, ip & 0xff);
	rte_tel_data_add_dict_string(d, name, buf);
}

void
dp_tel_add_mac(struct rte_tel_data *d, const char *name,
		const struct rte_ether_addr *mac)
{
	char buf[RTE_ETHER_ADDR_FMT_SIZE];

	rte_ether_format_addr(buf, sizeof(buf), mac);
	rte_tel_data_add_dict_string(d, name, buf);
}

static void
add_stats(struct rte_tel_data *d, const struct dp_stats *s)
{
#define DP_STATS_TEL(name) rte_tel_data_add_dict_u64(d, #name, s->name);
	DP_STATS_FOREACH(DP_STATS_TEL)
#undef DP_STATS_TEL
}

static int
cmd_info(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct dp_lifecycle lc;
	struct dp_engine *eng;

	dp_lifecycle_get(&lc);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "prefix", dp_eal_prefix());
	rte_tel_data_add_dict_u64(d, "starts", lc.starts);
	rte_tel_data_add_dict_u64(d, "stops", lc.stops);
	rte_tel_data_add_dict_u64(d, "last_start_us", lc.last_start_us);
	rte_tel_data_add_dict_u64(d, "last_stop_us", lc.last_stop_us);
	rte_tel_data_add_dict_u64(d, "mbufs_lost", lc.mbufs_lost);
	eng = dp_engine_get();
	if (eng == NULL) {
		rte_tel_data_add_dict_string(d, "state", "stopped");
		return 0;
	}
	rte_tel_data_add_dict_string(d, "state", "running");
	rte_tel_data_add_dict_string(d, "device", eng->port->name);
	rte_tel_data_add_dict_string(d, "driver", eng->port->driver);
	rte_tel_data_add_dict_u64(d, "port_id", eng->port->port_id);
	dp_tel_add_mac(d, "mac", &eng->mac);
	dp_tel_add_ip(d, "ipv4", eng->ip4);
	rte_tel_data_add_dict_u64(d, "prefix_len", eng->conf.ip4_prefix);
	dp_tel_add_ip(d, "gateway", eng->gateway);
	rte_tel_data_add_dict_u64(d, "mtu", eng->mtu);
	rte_tel_data_add_dict_u64(d, "lcores", eng->nb_lcores);
	rte_tel_data_add_dict_u64(d, "mbufs", eng->conf.nb_mbufs);
	rte_tel_data_add_dict_u64(d, "mbufs_avail",
		rte_mempool_avail_count(eng->mp));
	rte_tel_data_add_dict_u64(d, "rx_cksum_offload",
		eng->rx_cksum_offload);
	rte_tel_data_add_dict_u64(d, "tx_cksum_offload",
		eng->ip_cksum_offload);
	rte_tel_data_add_dict_u64(d, "mc_filter", eng->port->mc_filter);
	rte_tel_data_add_dict_string(d, "timestamps",
		dp_engine_tstamp_source(eng));
	rte_tel_data_add_dict_u64(d, "wait_sleeps",
		__atomic_load_n(&eng->wait_sleeps, __ATOMIC_RELAXED));
	rte_tel_data_add_dict_u64(d, "wait_late_wakes",
		__atomic_load_n(&eng->wait_late, __ATOMIC_RELAXED));
	for (unsigned int i = 0; i < eng->stack->nb_layers; i++)
		if (eng->stack->layers[i]->tel_info != NULL)
			eng->stack->layers[i]->tel_info(d, eng);
	dp_engine_put();
	return 0;
}

/* A port's own drop classes (vtap), as port_<name>. */
static void
add_port_xstats(struct rte_tel_data *d, const struct drv_port *port)
{
	const char *names[32];
	uint64_t vals[RTE_DIM(names)];
	unsigned int n = drv_port_xstats(port, names, vals, RTE_DIM(names));
	char key[RTE_TEL_MAX_STRING_LEN];

	for (unsigned int i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "port_%s", names[i]);
		rte_tel_data_add_dict_u64(d, key, vals[i]);
	}
}

static int
cmd_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct rte_eth_stats es;
	struct dp_engine *eng;
	struct dp_stats sum;

	rte_tel_data_start_dict(d);
	eng = dp_engine_get();
	if (eng == NULL) {
		rte_tel_data_add_dict_string(d, "state", "stopped");
		return 0;
	}
	dp_stats_sum(eng, &sum);
	add_stats(d, &sum);
	for (unsigned int i = 0; i < eng->stack->nb_layers; i++)
		if (eng->stack->layers[i]->tel_stats != NULL)
			eng->stack->layers[i]->tel_stats(d, eng);
	if (drv_port_stats(eng->port, &es) == 0) {
		rte_tel_data_add_dict_u64(d, "port_ipackets", es.ipackets);
		rte_tel_data_add_dict_u64(d, "port_opackets", es.opackets);
		rte_tel_data_add_dict_u64(d, "port_imissed", es.imissed);
		rte_tel_data_add_dict_u64(d, "port_ierrors", es.ierrors);
		rte_tel_data_add_dict_u64(d, "port_oerrors", es.oerrors);
		rte_tel_data_add_dict_u64(d, "port_rx_nombuf", es.rx_nombuf);
		rte_tel_data_add_dict_u64(d, "port_ibytes", es.ibytes);
		rte_tel_data_add_dict_u64(d, "port_obytes", es.obytes);
	}
	add_port_xstats(d, eng->port);
	dp_engine_put();
	return 0;
}

/* Its idle sleeps (dp_lcore_sleep.c) and what ended them. */
static void
add_sleep(struct rte_tel_data *d, const struct dp_lcore_sleep_stats *s)
{
#define SLEEP_TEL(name) rte_tel_data_add_dict_u64(d, "lcore_" #name, \
	__atomic_load_n(&s->name, __ATOMIC_RELAXED))
	SLEEP_TEL(sleeps);
	SLEEP_TEL(aborts);
	SLEEP_TEL(wake_bell);
	SLEEP_TEL(wake_rx);
	SLEEP_TEL(wake_timeout);
#undef SLEEP_TEL
}

static int
cmd_lcore(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct dp_stats one;
	struct dp_engine *eng;
	unsigned long i;
	char *end;

	if (params == NULL || *params == '\0')
		return -1;
	i = strtoul(params, &end, 10);
	if (*end != '\0')
		return -1;
	eng = dp_engine_get();
	if (eng == NULL)
		return -1;
	if (i >= eng->nb_lcores) {
		dp_engine_put();
		return -1;
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "lcore_id", eng->lcores[i]->lcore_id);
	rte_tel_data_add_dict_u64(d, "queue", eng->lcores[i]->queue);
	rte_tel_data_add_dict_u64(d, "iterations",
		__atomic_load_n(&eng->lcores[i]->iterations,
		__ATOMIC_RELAXED));
	add_sleep(d, &eng->lcores[i]->sleep);
	dp_stats_read(&eng->lcores[i]->stats, &one);
	add_stats(d, &one);
	dp_engine_put();
	return 0;
}

#define DUMP_MAX 255	/* a telemetry dict holds 256 entries */
#define HEAD_MAX 15	/* of which a list's own keys take at most */

void
dp_tel_add_addr(struct rte_tel_data *d, const char *name,
		const struct dp_addr *a)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%u.%u.%u.%u:%u", a->ip >> 24,
		(a->ip >> 16) & 0xff, (a->ip >> 8) & 0xff, a->ip & 0xff,
		a->port);
	rte_tel_data_add_dict_string(d, name, buf);
}

int
dp_tel_dump_dicts(struct rte_tel_data *d, const char *kind, size_t item_size,
		dp_tel_dump_fn dump, dp_tel_fill_fn fill, dp_tel_head_fn head)
{
	unsigned int n = 0, max = DUMP_MAX - (head != NULL ? HEAD_MAX : 0);
	struct dp_engine *eng;
	uint8_t *items;

	rte_tel_data_start_dict(d);
	items = malloc(item_size * max);
	if (items == NULL)
		return -1;
	eng = dp_engine_get();
	if (eng != NULL) {
		if (head != NULL)
			head(d, eng);
		n = dump(eng, items, max);
		dp_engine_put();
	}
	dp_tel_add_items(d, kind, items, item_size, n, fill);
	free(items);
	return 0;
}

void
dp_tel_add_items(struct rte_tel_data *d, const char *kind, const void *items,
		size_t item_size, unsigned int n, dp_tel_fill_fn fill)
{
	for (unsigned int i = 0; i < n; i++) {
		struct rte_tel_data *e = rte_tel_data_alloc();
		char name[32];
		uint32_t key;

		if (e == NULL)
			break;
		rte_tel_data_start_dict(e);
		key = fill(e, (const uint8_t *)items + i * item_size, i);
		snprintf(name, sizeof(name), "%s_%u", kind, key);
		if (rte_tel_data_add_dict_container(d, name, e, 0) != 0) {
			rte_tel_data_free(e);
			break;
		}
	}
}

void
dp_telemetry_register(const struct dp_stack *st)
{
	static bool done;

	if (done)
		return;
	done = true;
	rte_telemetry_register_cmd("/wspdk/info", cmd_info,
		"wspdk lifecycle, port, address and lcores");
	rte_telemetry_register_cmd("/wspdk/stats", cmd_stats,
		"wspdk counters summed over lcores, and the port's");
	rte_telemetry_register_cmd("/wspdk/lcore", cmd_lcore,
		"wspdk counters of one lcore. Parameters: lcore index");
	for (unsigned int i = 0; i < st->nb_layers; i++)
		if (st->layers[i]->telemetry != NULL)
			st->layers[i]->telemetry();
}
