/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * /wspdk/sockets: "sock_<id>": {protocol, state, addresses, queues,
 * counters and drops by reason}, open sockets and orphans alike.
 */
#include <rte_telemetry.h>

#include "dp_sock_priv.h"
#include "dp_telemetry.h"

static void
sock_info(struct dp_sock *s, bool orphan, struct dp_sock_info *out)
{
	uint64_t peer = __atomic_load_n(&s->peer, __ATOMIC_RELAXED);

	out->id = s->id;
	out->proto = s->ops->name;
	out->bound = __atomic_load_n(&s->bound, __ATOMIC_ACQUIRE);
	out->local = s->local;
	out->peer.ip = (uint32_t)(peer >> 16);
	out->peer.port = (uint16_t)peer;
	out->orphan = orphan;
	out->idle = dp_sock_tx_idle(s);
	out->rx_queued = dp_sock_rx_bytes(s);
	out->tx_queued = __atomic_load_n(&s->tx_bytes_q, __ATOMIC_RELAXED);
	dp_sock_stats_get(s, &out->st);
}

/* A snapshot of up to max sockets (table lock held, so none is freed
 * while it is read). */
unsigned int
dp_sock_dump(struct dp_engine *eng, struct dp_sock_info *out,
		unsigned int max)
{
	struct dp_sock_table *t = eng->socks;
	struct dp_sock *s;
	unsigned int n = 0;

	rte_spinlock_lock(&t->lock);
	TAILQ_FOREACH(s, &t->all, link)
		if (n < max)
			sock_info(s, false, &out[n++]);
	TAILQ_FOREACH(s, &t->orphans, link)
		if (n < max)
			sock_info(s, true, &out[n++]);
	rte_spinlock_unlock(&t->lock);
	return n;
}

static unsigned int
dump_sockets(struct dp_engine *eng, void *items, unsigned int max)
{
	return dp_sock_dump(eng, items, max);
}

static uint32_t
fill_socket(struct rte_tel_data *e, const void *item, unsigned int index)
{
	const struct dp_sock_info *si = item;
	const struct dp_sock_stats *st = &si->st;

	rte_tel_data_add_dict_u64(e, "id", si->id);
	rte_tel_data_add_dict_string(e, "protocol", si->proto);
	rte_tel_data_add_dict_string(e, "state", !si->orphan ?
		(si->bound ? "bound" : "open") :
		si->idle ? "closed" : "closed, sending");
	dp_tel_add_addr(e, "local", &si->local);
	dp_tel_add_addr(e, "peer", &si->peer);
	rte_tel_data_add_dict_u64(e, "rx_queued_bytes", si->rx_queued);
	rte_tel_data_add_dict_u64(e, "tx_queued_bytes", si->tx_queued);
#define DP_SOCK_STAT_TEL(name) \
	rte_tel_data_add_dict_u64(e, #name, st->name);
	DP_SOCK_STATS_FOREACH(DP_SOCK_STAT_TEL)
#undef DP_SOCK_STAT_TEL
	RTE_SET_USED(index);
	return si->id;
}

static int
cmd_sockets(const char *cmd, const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	return dp_tel_dump_dicts(d, "sock", sizeof(struct dp_sock_info),
		dump_sockets, fill_socket, NULL);
}

void
dp_sock_telemetry(void)
{
	rte_telemetry_register_cmd("/wspdk/sockets", cmd_sockets,
		"wspdk sockets: addresses, queues, counters and drops");
}
