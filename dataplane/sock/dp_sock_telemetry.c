/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * /wspdk/sockets: "sock_<id>": {protocol, path, state, addresses, queues,
 * counters and drops by reason}, open sockets and orphans alike. A socket
 * the OS provider serves (path "os") shows its handle, its reason and the
 * OS provider's addresses, and is gone once closed; /wspdk/info counts
 * them by reason.
 */
#include <stdio.h>

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
	out->os_why = __atomic_load_n(&s->os_why, __ATOMIC_ACQUIRE);
	if (out->os_why != DP_OS_NONE) {
		out->os_dst = __atomic_load_n(&s->os_dst, __ATOMIC_RELAXED);
		out->os_handle = __atomic_load_n(&s->os_handle,
			__ATOMIC_RELAXED);
		out->local = dp_sock_os_unpack(__atomic_load_n(&s->os_local,
			__ATOMIC_RELAXED));
		peer = __atomic_load_n(&s->os_peer, __ATOMIC_RELAXED);
	} else {
		out->local = s->local;
	}
	out->peer = dp_sock_os_unpack(peer);
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
	/* A closed OS path socket is the OS provider's to linger. */
	TAILQ_FOREACH(s, &t->orphans, link)
		if (n < max && __atomic_load_n(&s->os_why,
				__ATOMIC_RELAXED) == DP_OS_NONE)
			sock_info(s, true, &out[n++]);
	rte_spinlock_unlock(&t->lock);
	return n;
}

static unsigned int
dump_sockets(struct dp_engine *eng, void *items, unsigned int max)
{
	return dp_sock_dump(eng, items, max);
}

/* The OS path's keys: the handle as the log line names it, the reason
 * as "<address> <why>". */
static void
add_os(struct rte_tel_data *e, const struct dp_sock_info *si)
{
	char buf[96];
	uint32_t ip = si->os_dst;

	rte_tel_data_add_dict_string(e, "path", "os");
	rte_tel_data_add_dict_string(e, "state", "os");
	snprintf(buf, sizeof(buf), "%#llx",
		(unsigned long long)si->os_handle);
	rte_tel_data_add_dict_string(e, "handle", buf);
	rte_tel_data_add_dict_string(e, "reason_key",
		dp_os_why_key(si->os_why));
	snprintf(buf, sizeof(buf), "%u.%u.%u.%u %s", ip >> 24,
		(ip >> 16) & 0xff, (ip >> 8) & 0xff, ip & 0xff,
		dp_os_why_str(si->os_why));
	rte_tel_data_add_dict_string(e, "reason", buf);
}

static uint32_t
fill_socket(struct rte_tel_data *e, const void *item, unsigned int index)
{
	const struct dp_sock_info *si = item;
	const struct dp_sock_stats *st = &si->st;

	rte_tel_data_add_dict_u64(e, "id", si->id);
	rte_tel_data_add_dict_string(e, "protocol", si->proto);
	dp_tel_add_addr(e, "local", &si->local);
	dp_tel_add_addr(e, "peer", &si->peer);
	/* The OS provider's queues and counters are its own. */
	if (si->os_why != DP_OS_NONE) {
		add_os(e, si);
		return si->id;
	}
	rte_tel_data_add_dict_string(e, "path", "wspdk");
	rte_tel_data_add_dict_string(e, "state", !si->orphan ?
		(si->bound ? "bound" : "open") :
		si->idle ? "closed" : "closed, sending");
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

/* /wspdk/info: the open OS path sockets, all and by reason. */
void
dp_sock_tel_info(struct rte_tel_data *d, struct dp_engine *eng)
{
	struct dp_sock_table *t = eng->socks;
	unsigned int n[DP_OS_WHY_MAX] = { 0 }, all = 0;
	struct dp_sock *s;
	char key[48];

	rte_spinlock_lock(&t->lock);
	TAILQ_FOREACH(s, &t->all, link) {
		uint8_t why = __atomic_load_n(&s->os_why, __ATOMIC_RELAXED);

		if (why != DP_OS_NONE && why < DP_OS_WHY_MAX) {
			n[why]++;
			all++;
		}
	}
	rte_spinlock_unlock(&t->lock);
	rte_tel_data_add_dict_u64(d, "os_sockets", all);
	for (unsigned int i = DP_OS_NONE + 1; i < DP_OS_WHY_MAX; i++) {
		snprintf(key, sizeof(key), "os_sockets_%s",
			dp_os_why_key((enum dp_os_why)i));
		rte_tel_data_add_dict_u64(d, key, n[i]);
	}
}
