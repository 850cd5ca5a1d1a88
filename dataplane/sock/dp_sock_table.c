/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The socket layer's life with the engine (struct dp_layer): the
 * protocols registered, the socket table and each lcore's doorbell and
 * wake-up list, orphans reaped, and the drain at cleanup.
 *
 * A closed socket whose TX ring still holds datagrams becomes an orphan:
 * its owner lcore keeps sending (or, for an abortive close, dropping)
 * until the ring is empty, and the next control call (or dp_stop) frees
 * it after a grace period. That is how closesocket() returns at once and
 * the data still goes out (winsock-spi.md §4.1, the seed's core rule).
 */
#include <errno.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_ring.h>
#include <rte_telemetry.h>

#include "dp_sock_priv.h"
#include "dp_tsan.h"

/* Protocols by IPv4 protocol number, registered before an engine starts
 * (or between engines): read by any thread, never changed under one. */
static const struct dp_sock_ops *protos[256];

int
dp_sock_proto_register(const struct dp_sock_ops *ops)
{
	if (ops == NULL || (protos[ops->proto] != NULL &&
			protos[ops->proto] != ops))
		return -EEXIST;
	if (dp_engine_running() != NULL && protos[ops->proto] == NULL)
		return -EBUSY;
	protos[ops->proto] = ops;
	return 0;
}

const struct dp_sock_ops *
dp_sock_proto(uint8_t proto)
{
	return protos[proto];
}

int
dp_sock_table_create(struct dp_engine *eng)
{
	struct rte_hash_parameters hp = {
		.name = "wspdk_binds",
		.entries = eng->conf.sockets * 2,
		.key_len = sizeof(struct dp_bind_key),
		.hash_func = rte_hash_crc,
		.socket_id = SOCKET_ID_ANY,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF,
	};
	struct dp_sock_table *t;
	char name[RTE_RING_NAMESIZE];

	t = dp_zmalloc("dp_sock_table", sizeof(*t), RTE_CACHE_LINE_SIZE);
	if (t == NULL)
		return -ENOMEM;
	eng->socks = t;
	rte_spinlock_init(&t->lock);
	TAILQ_INIT(&t->all);
	TAILQ_INIT(&t->orphans);
	t->binds = rte_hash_create(&hp);
	if (t->binds == NULL)
		return -ENOMEM;
	for (unsigned int i = 0; i < eng->nb_lcores; i++) {
		struct dp_sock_lcore *sl;

		sl = dp_zmalloc("dp_sock_lcore", sizeof(*sl),
			RTE_CACHE_LINE_SIZE);
		if (sl == NULL)
			return -ENOMEM;
		eng->lcores[i]->sock = sl;
		sl->wake_gen = 1;	/* sockets start with tag 0: never noted */
		/* Any application thread rings; only the owner answers. */
		snprintf(name, sizeof(name), "dp_bell%u", i);
		sl->doorbell = rte_ring_create(name, eng->conf.sockets,
			SOCKET_ID_ANY,
			RING_F_MP_HTS_ENQ | RING_F_SC_DEQ | RING_F_EXACT_SZ);
		sl->parked = dp_zmalloc("dp_parked", sizeof(*sl->parked) *
			eng->conf.sockets, 0);
		sl->wake = dp_zmalloc("dp_wake", sizeof(*sl->wake) *
			eng->conf.sockets, 0);
		if (sl->doorbell == NULL || sl->parked == NULL ||
				sl->wake == NULL)
			return -ENOMEM;
	}
	/* Each watched socket is queued once until taken; twice the
	 * sockets leaves room for stale contexts of closed ones. Any
	 * thread enqueues; the watcher alone dequeues. */
	t->watch = rte_ring_create("dp_watch", eng->conf.sockets * 2,
		SOCKET_ID_ANY, RING_F_SC_DEQ | RING_F_EXACT_SZ);
	if (t->watch == NULL)
		return -ENOMEM;
	/* The protocols' datagrams come to them through the net layer. */
	for (unsigned int p = 0; p < RTE_DIM(protos); p++) {
		struct dp_ip_proto ip;

		if (protos[p] == NULL || protos[p]->input == NULL)
			continue;
		ip = (struct dp_ip_proto){ .input = protos[p]->input,
			.ctlinput = protos[p]->ctlinput,
			.lcore0 = protos[p]->input_lcore0,
			.linear = protos[p]->input_linear };
		dp_ip_proto_register(eng, (uint8_t)p, &ip);
	}
	dp_net_set_tx_fate(eng, dp_sock_tx_fate);
	return 0;
}

void
dp_sock_count_unread(struct dp_sock *s)
{
	uint64_t n = 0;

	for (uint8_t i = 0; i < s->rxq.n; i++)
		n += rte_ring_count(s->rxq.r[i]);
	if (s->rxc != NULL)
		n += __atomic_load_n(&s->rxc->avail, __ATOMIC_ACQUIRE);
	if (n != 0)
		__atomic_fetch_add(&s->st.drop_unread, n, __ATOMIC_RELAXED);
}

/* The owner (or, lcores stopped, whoever frees): s->timer is on its
 * wheel. */
/* On the owner (or with the lcores stopped): nothing there refers to s
 * any more, neither its timer nor its protocol's tables. */
static int
sock_detach(struct dp_lcore *lc, void *arg)
{
	struct dp_sock *s = arg;

	dp_timer_cancel(&lc->timers, &s->timer);
	if (s->ops->detach != NULL)
		s->ops->detach(lc, s);
	return 0;
}

static void
sock_free(struct dp_sock *s)
{
	struct dp_sock_stats *closed = &s->eng->socks->closed;

	/* What is still queued goes unread; then the counters outlive it. */
	dp_sock_count_unread(s);
#define DP_SOCK_STAT_ADD(name) \
	__atomic_fetch_add(&closed->name, __atomic_load_n(&s->st.name, \
		__ATOMIC_RELAXED), __ATOMIC_RELAXED);
	DP_SOCK_STATS_FOREACH(DP_SOCK_STAT_ADD)
#undef DP_SOCK_STAT_ADD
	if (s->rxc != NULL)
		dp_rxc_drain(s, s->rxc, false);
	if (s->ops->free != NULL)
		s->ops->free(s);
	dp_sock_rings_free(s);
	dp_sock_tstamp_free(s);
	if (s->tx_stash != NULL)
		dp_pktmbuf_free(s->tx_stash);
	dp_free(s);
}

/* Lcores are stopped: free everything left, whatever its state. */
void
dp_sock_table_free(struct dp_engine *eng)
{
	struct dp_sock_table *t = eng->socks;
	struct dp_sock *s;

	if (t == NULL)
		return;
	while ((s = TAILQ_FIRST(&t->all)) != NULL) {
		TAILQ_REMOVE(&t->all, s, link);
		sock_detach(s->owner, s);
		sock_free(s);
	}
	while ((s = TAILQ_FIRST(&t->orphans)) != NULL) {
		TAILQ_REMOVE(&t->orphans, s, link);
		sock_detach(s->owner, s);
		sock_free(s);
	}
	for (unsigned int i = 0; i < eng->nb_lcores; i++) {
		struct dp_sock_lcore *sl = eng->lcores[i]->sock;

		if (sl == NULL)
			continue;
		rte_ring_free(sl->doorbell);
		dp_free(sl->parked);
		dp_free(sl->wake);
		dp_free(sl);
		eng->lcores[i]->sock = NULL;
	}
	/* Group arrays are owned by the hash entries. */
	if (t->binds != NULL) {
		const void *key;
		void *g;
		uint32_t it = 0;

		while (rte_hash_iterate(t->binds, &key, &g, &it) >= 0)
			dp_free(g);
		rte_hash_free(t->binds);
	}
	rte_ring_free(t->watch);
	dp_mcache_flush_all(eng);
	dp_free(t);
	eng->socks = NULL;
}

bool
dp_sock_tx_idle(struct dp_sock *s)
{
	return __atomic_load_n(&s->tx_pending, __ATOMIC_ACQUIRE) == 0 &&
		__atomic_load_n(&s->arp_inflight, __ATOMIC_ACQUIRE) == 0 &&
		__atomic_load_n(&s->tx_sched, __ATOMIC_ACQUIRE) == 0 &&
		(s->ops->drained == NULL || s->ops->drained(s));
}

/* Orphans one reap looks at while the table has room. */
#define REAP_LOOK	256

/*
 * Free orphans that have nothing left to send. Table lock not held.
 * Every close and socket() comes here, and a TCP orphan stays busy for
 * all of TIME-WAIT: walking every orphan each time made closing n
 * connections cost n^2 (minutes for 20 000). Those still busy go to the
 * back, so each call looks at REAP_LOOK and the list turns; with the
 * table full, a socket() about to fail looks at each once.
 */
void
dp_sock_reap(struct dp_engine *eng)
{
	struct dp_sock_table *t = eng->socks;
	struct dp_sock *s, *dead[64];
	unsigned int n = 0, look;

	rte_spinlock_lock(&t->lock);
	look = t->count >= eng->conf.sockets ? t->count : REAP_LOOK;
	while (n < RTE_DIM(dead) && look-- > 0 &&
			(s = TAILQ_FIRST(&t->orphans)) != NULL) {
		TAILQ_REMOVE(&t->orphans, s, link);
		if (!dp_sock_tx_idle(s)) {
			TAILQ_INSERT_TAIL(&t->orphans, s, link);
			continue;
		}
		t->count--;
		dead[n++] = s;
	}
	rte_spinlock_unlock(&t->lock);
	if (n == 0)
		return;
	/* The owner may still be finishing the visit that emptied it. */
	dp_qsbr_wait(eng);
	for (unsigned int i = 0; i < n; i++) {
		/* Its protocol may have left the timer armed (one that
		 * times an orphan, as TCP does, has to) or the socket in
		 * its tables (TCP's TIME-WAIT and FIN-WAIT-2 are reaped
		 * at cleanup): the owner forgets it, or the timer fires
		 * and the next lookup walks into freed memory. A protocol
		 * with neither never needs the round trip. */
		if (dead[i]->ops->timer != NULL ||
				dead[i]->ops->detach != NULL)
			dp_sock_owner_call(dead[i], sock_detach, dead[i]);
		sock_free(dead[i]);
	}
}

void
dp_sock_discard(struct dp_engine *eng, struct dp_sock **v, unsigned int n)
{
	struct dp_sock_table *t = eng->socks;

	if (n == 0)
		return;
	rte_spinlock_lock(&t->lock);
	for (unsigned int i = 0; i < n; i++) {
		TAILQ_REMOVE(&t->all, v[i], link);
		t->count--;
	}
	rte_spinlock_unlock(&t->lock);
	/* An owner may still be finishing the visit that handed one back
	 * (a child that died unaccepted). */
	dp_qsbr_wait(eng);
	for (unsigned int i = 0; i < n; i++)
		sock_free(v[i]);
}

bool
dp_sock_table_drained(struct dp_engine *eng)
{
	struct dp_sock_table *t = eng->socks;
	struct dp_sock *s;
	bool idle = true;

	rte_spinlock_lock(&t->lock);
	TAILQ_FOREACH(s, &t->orphans, link)
		idle &= dp_sock_tx_idle(s);
	TAILQ_FOREACH(s, &t->all, link)
		idle &= dp_sock_tx_idle(s);
	rte_spinlock_unlock(&t->lock);
	return idle;
}

static void
sock_poll(struct dp_lcore *lc)
{
	if (!rte_ring_empty(lc->sock->doorbell))
		dp_sock_tx_poll(lc);
}

static bool
sock_pending(const struct dp_lcore *lc)
{
	return !rte_ring_empty(lc->sock->doorbell);
}

static bool
sock_busy(struct dp_engine *eng)
{
	return !dp_sock_table_drained(eng);
}

/* dp_stop: every blocked call returns (-EINTR). */
static void
sock_quiesce(struct dp_engine *eng)
{
	struct dp_sock_table *t = eng->socks;
	struct dp_sock *s;

	rte_spinlock_lock(&t->lock);
	TAILQ_FOREACH(s, &t->all, link)
		dp_sock_interrupt(s);
	rte_spinlock_unlock(&t->lock);
}

void
dp_sock_quiesce(void)
{
	struct dp_engine *eng = dp_engine_running();

	if (eng == NULL)
		return;
	dp_engine_gate_close();
	sock_quiesce(eng);
	/* Calls already inside the dataplane return -EINTR or finish. */
	dp_engine_gate_drain();
}

/* The table's use; sockets closed and gone: their counters stay
 * counted. */
static void
sock_tel_stats(struct rte_tel_data *d, struct dp_engine *eng)
{
	struct dp_sock_table *t = eng->socks;
	unsigned int open;

	rte_spinlock_lock(&t->lock);
	open = t->count;
	rte_spinlock_unlock(&t->lock);
	/* The table: its places taken (open, spares, orphans) of all. */
	rte_tel_data_add_dict_u64(d, "sockets_open", open);
	rte_tel_data_add_dict_u64(d, "sockets_max", eng->conf.sockets);
#define DP_SOCK_STAT_TEL(name) rte_tel_data_add_dict_u64(d, \
	"closed_sockets_" #name, __atomic_load_n(&eng->socks->closed.name, \
	__ATOMIC_RELAXED));
	DP_SOCK_STATS_FOREACH(DP_SOCK_STAT_TEL)
#undef DP_SOCK_STAT_TEL
}

const struct dp_layer dp_sock_layer = {
	.name = "sock",
	.create = dp_sock_table_create,
	.destroy = dp_sock_table_free,
	.poll = sock_poll,
	.poll_end = dp_wait_flush,
	.pending = sock_pending,
	.quiesce = sock_quiesce,
	.busy = sock_busy,
	.telemetry = dp_sock_telemetry,
	.tel_info = dp_sock_tel_info,
	.tel_stats = sock_tel_stats,
};
