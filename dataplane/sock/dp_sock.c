/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Socket control path: creation, binding, options, close, and the socket
 * table's life with the engine. The data calls are in dp_udp.c.
 *
 * A closed socket whose TX ring still holds datagrams becomes an orphan:
 * its owner lcore keeps sending (or, for an abortive close, dropping)
 * until the ring is empty, and the next control call (or dp_stop) frees
 * it after a grace period. That is how closesocket() returns at once and
 * the data still goes out (winsock-spi.md §4.1, the seed's core rule).
 */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_ring.h>

#include "dp_mcast.h"
#include "dp_sock_priv.h"
#include "dp_tsan.h"

int
dp_sock_table_create(struct dp_engine *eng)
{
	struct rte_hash_parameters hp = {
		.name = "wspdk_binds",
		.entries = DP_SOCK_MAX * 2,
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
		struct dp_lcore *lc = eng->lcores[i];

		/* Any application thread rings; only the owner answers. */
		snprintf(name, sizeof(name), "dp_bell%u", i);
		lc->doorbell = rte_ring_create(name, DP_SOCK_MAX, SOCKET_ID_ANY,
			RING_F_MP_HTS_ENQ | RING_F_SC_DEQ | RING_F_EXACT_SZ);
		lc->parked = dp_zmalloc("dp_parked", sizeof(*lc->parked) *
			DP_SOCK_MAX, 0);
		lc->wake = dp_zmalloc("dp_wake", sizeof(*lc->wake) *
			DP_SOCK_MAX, 0);
		if (lc->doorbell == NULL || lc->parked == NULL ||
				lc->wake == NULL)
			return -ENOMEM;
	}
	return 0;
}

/* Datagrams received and never read, about to be discarded. */
static void
count_unread(struct dp_sock *s)
{
	uint64_t n = 0;

	for (uint8_t i = 0; i < s->rxq.n; i++)
		n += rte_ring_count(s->rxq.r[i]);
	if (n != 0)
		__atomic_fetch_add(&s->st.drop_unread, n, __ATOMIC_RELAXED);
}

static void
sock_free(struct dp_sock *s)
{
	struct dp_sock_stats *closed = &s->eng->socks->closed;

	/* What is still queued goes unread; then the counters outlive it. */
	count_unread(s);
#define DP_SOCK_STAT_ADD(name) \
	__atomic_fetch_add(&closed->name, __atomic_load_n(&s->st.name, \
		__ATOMIC_RELAXED), __ATOMIC_RELAXED);
	DP_SOCK_STATS_FOREACH(DP_SOCK_STAT_ADD)
#undef DP_SOCK_STAT_ADD
	dp_free(s->mc);		/* a socket never closed: dp_stop */
	dp_sock_rings_free(s);
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
		sock_free(s);
	}
	while ((s = TAILQ_FIRST(&t->orphans)) != NULL) {
		TAILQ_REMOVE(&t->orphans, s, link);
		sock_free(s);
	}
	for (unsigned int i = 0; i < eng->nb_lcores; i++) {
		rte_ring_free(eng->lcores[i]->doorbell);
		dp_free(eng->lcores[i]->parked);
		dp_free(eng->lcores[i]->wake);
		eng->lcores[i]->wake = NULL;
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
	dp_mcache_flush_all(eng);
	dp_free(t);
	eng->socks = NULL;
}

static bool
tx_idle(const struct dp_sock *s)
{
	return __atomic_load_n(&s->tx_pending, __ATOMIC_ACQUIRE) == 0 &&
		__atomic_load_n(&s->arp_inflight, __ATOMIC_ACQUIRE) == 0 &&
		__atomic_load_n(&s->tx_sched, __ATOMIC_ACQUIRE) == 0;
}

/* Free orphans that have nothing left to send. Table lock not held. */
void
dp_sock_reap(struct dp_engine *eng)
{
	struct dp_sock_table *t = eng->socks;
	struct dp_sock *s, *next, *dead[64];
	unsigned int n = 0;

	rte_spinlock_lock(&t->lock);
	for (s = TAILQ_FIRST(&t->orphans); s != NULL && n < RTE_DIM(dead);
			s = next) {
		next = TAILQ_NEXT(s, link);
		if (!tx_idle(s))
			continue;
		TAILQ_REMOVE(&t->orphans, s, link);
		t->count--;
		dead[n++] = s;
	}
	rte_spinlock_unlock(&t->lock);
	if (n == 0)
		return;
	/* The owner may still be finishing the visit that emptied it. */
	dp_qsbr_wait(eng);
	for (unsigned int i = 0; i < n; i++)
		sock_free(dead[i]);
}

bool
dp_sock_table_drained(struct dp_engine *eng)
{
	struct dp_sock_table *t = eng->socks;
	struct dp_sock *s;
	bool idle = true;

	rte_spinlock_lock(&t->lock);
	TAILQ_FOREACH(s, &t->orphans, link)
		idle &= tx_idle(s);
	TAILQ_FOREACH(s, &t->all, link)
		idle &= tx_idle(s);
	rte_spinlock_unlock(&t->lock);
	return idle;
}

int
dp_sock_create(struct dp_sock **out)
{
	struct dp_engine *eng = dp_engine_enter();
	struct dp_sock_table *t;
	struct dp_sock *s;
	int ret = 0;

	if (eng == NULL)
		return -ENETDOWN;
	t = eng->socks;
	dp_sock_reap(eng);
	s = dp_zmalloc("dp_sock", sizeof(*s), RTE_CACHE_LINE_SIZE);
	if (s == NULL) {
		ret = -ENOBUFS;
		goto out;
	}
	s->eng = eng;
	rte_spinlock_init(&s->lock);
	/* Windows' defaults (SO_RCVBUF/SO_SNDBUF 64 KB, TTL 128, multicast
	 * TTL 1 with loopback on, SIO_UDP_CONNRESET on). */
	s->rcvbuf = s->sndbuf = DP_SOCK_BUF_DEFAULT;
	s->ttl = 128;
	s->mc_ttl = 1;
	s->mc_loop = true;
	s->connreset = true;
	rte_spinlock_lock(&t->lock);
	if (t->count >= DP_SOCK_MAX) {
		rte_spinlock_unlock(&t->lock);
		dp_free(s);
		ret = -EMFILE;
		goto out;
	}
	t->count++;
	s->id = t->next_id++;
	s->owner = eng->lcores[t->next_owner++ % eng->nb_lcores];
	TAILQ_INSERT_TAIL(&t->all, s, link);
	rte_spinlock_unlock(&t->lock);
	*out = s;
out:
	dp_engine_exit();
	return ret;
}

/* s->lock held. The RX ring exists before the socket is findable. */
static int
bind_locked(struct dp_sock *s, const struct dp_addr *a)
{
	int ret = dp_sock_rxq_init(s);

	return ret != 0 ? ret : dp_demux_bind(s, a);
}

int
dp_sock_autobind(struct dp_sock *s)
{
	struct dp_addr any = { 0, 0 };
	int ret = 0;

	if (__atomic_load_n(&s->bound, __ATOMIC_ACQUIRE))
		return 0;
	rte_spinlock_lock(&s->lock);
	if (!s->bound)
		ret = bind_locked(s, &any);
	rte_spinlock_unlock(&s->lock);
	return ret;
}

static bool
is_broadcast(const struct dp_engine *eng, uint32_t ip)
{
	uint32_t be = rte_cpu_to_be_32(ip);

	return ip == 0xffffffff || be == eng->bcast;
}

int
dp_sock_bind(struct dp_sock *s, const struct dp_addr *a)
{
	int ret;

	if ((a->ip >> 28) == 0xe || is_broadcast(s->eng, a->ip))
		return -EADDRNOTAVAIL;
	rte_spinlock_lock(&s->lock);
	ret = s->bound ? -EINVAL : bind_locked(s, a);
	rte_spinlock_unlock(&s->lock);
	return ret;
}

/* Keep only datagrams from the new peer (connect's contract). */
static void
filter_ring(struct dp_sock *s, struct rte_ring *r, uint64_t peer)
{
	unsigned int n = rte_ring_count(r);
	struct rte_mbuf *m;

	for (unsigned int i = 0; i < n; i++) {
		const struct dp_mbuf_priv *p;

		if (rte_ring_dequeue(r, (void **)&m) != 0)
			break;
		p = dp_mbuf_priv(m);
		if (((uint64_t)rte_be_to_cpu_32(p->addr) << 16 |
				rte_be_to_cpu_16(p->port)) == peer &&
				rte_ring_enqueue(r, m) == 0)
			continue;
		__atomic_fetch_sub(&s->rx_bytes_q, p->dgram_len,
			__ATOMIC_RELAXED);
		__atomic_fetch_add(&s->st.drop_unread, 1, __ATOMIC_RELAXED);
		dp_mcache_free(s->eng, m);
	}
}

static void
filter_rx(struct dp_sock *s, uint64_t peer)
{
	for (uint8_t i = s->rxq.cons; i < s->rxq.n; i++)
		filter_ring(s, s->rxq.r[i], peer);
}

int
dp_sock_connect(struct dp_sock *s, const struct dp_addr *peer)
{
	uint64_t word;
	int ret;

	if (peer->ip == 0 && peer->port == 0) {
		__atomic_store_n(&s->peer, 0, __ATOMIC_RELEASE);
		return 0;
	}
	if (peer->ip == 0 || peer->port == 0)
		return -EADDRNOTAVAIL;
	if (is_broadcast(s->eng, peer->ip) &&
			!__atomic_load_n(&s->broadcast, __ATOMIC_RELAXED))
		return -EACCES;
	ret = dp_sock_autobind(s);
	if (ret != 0)
		return ret;
	word = (uint64_t)peer->ip << 16 | peer->port;
	__atomic_store_n(&s->peer, word, __ATOMIC_RELEASE);
	/* Lcores that read the old peer finish their iteration first. */
	dp_qsbr_wait(s->eng);
	filter_rx(s, word);
	return 0;
}

long
dp_sock_send(struct dp_sock *s, const struct dp_iov *iov, unsigned int niov,
		const struct dp_addr *to, int flags)
{
	long ret;

	if (dp_engine_enter() == NULL)
		return -ENETDOWN;
	ret = dp_udp_send(s, iov, niov, to, flags);
	dp_engine_exit();
	return ret;
}

long
dp_sock_recv(struct dp_sock *s, const struct dp_iov *iov, unsigned int niov,
		struct dp_addr *from, size_t *full_len, int flags)
{
	long ret;

	if (dp_engine_enter() == NULL)
		return -ENETDOWN;
	ret = dp_udp_recv(s, iov, niov, from, full_len, flags);
	dp_engine_exit();
	return ret;
}

int
dp_sock_wait_any(struct dp_sock *const *socks, const unsigned int *events,
		unsigned int n, int64_t timeout_us)
{
	int ret;

	if (n == 0)
		return -EINVAL;
	if (dp_engine_enter() == NULL)
		return -ENETDOWN;
	ret = dp_wait_any(socks, events, n, timeout_us);
	dp_engine_exit();
	return ret;
}

/*
 * Whether s's transmit queue takes a datagram of len bytes in nfrag
 * frames now: within SO_SNDBUF (an empty socket always takes one,
 * however large), and slots for every frame.
 */
bool
dp_sock_tx_room(struct dp_sock *s, unsigned int nfrag, size_t len)
{
	struct rte_ring *r = __atomic_load_n(&s->txq.prod, __ATOMIC_ACQUIRE);
	uint64_t q;

	if (r == NULL)
		return true;
	q = __atomic_load_n(&s->tx_bytes_q, __ATOMIC_ACQUIRE);
	return (q == 0 || q + len <= __atomic_load_n(&s->sndbuf,
		__ATOMIC_RELAXED)) && rte_ring_free_count(r) >= nfrag;
}

unsigned int
dp_sock_ready(struct dp_sock *s)
{
	uint32_t f = __atomic_load_n(&s->flags, __ATOMIC_ACQUIRE);
	unsigned int ev = 0;

	/* A shut-down direction never blocks: its calls fail at once, so
	 * a call blocked in it wakes and returns -ESHUTDOWN. */
	if (f & DP_SOCK_F_SHUT_RD)
		ev |= DP_EV_READ;
	if (f & DP_SOCK_F_SHUT_WR)
		ev |= DP_EV_WRITE;
	if (__atomic_load_n(&s->so_error, __ATOMIC_ACQUIRE) != 0)
		ev |= DP_EV_ERROR | DP_EV_READ;
	if (dp_ringq_pending(&s->rxq))
		ev |= DP_EV_READ;
	if (dp_sock_tx_room(s, 1, 1))
		ev |= DP_EV_WRITE;
	if (__atomic_load_n(&s->tx_pending, __ATOMIC_ACQUIRE) == 0 &&
			__atomic_load_n(&s->arp_inflight, __ATOMIC_ACQUIRE) == 0)
		ev |= DP_EV_DRAINED;
	return ev;
}

size_t
dp_sock_rx_bytes(struct dp_sock *s)
{
	return (size_t)__atomic_load_n(&s->rx_bytes_q, __ATOMIC_ACQUIRE);
}

int
dp_sock_name(struct dp_sock *s, struct dp_addr *a)
{
	if (!__atomic_load_n(&s->bound, __ATOMIC_ACQUIRE))
		return -EINVAL;
	*a = s->local;
	return 0;
}

int
dp_sock_peer(struct dp_sock *s, struct dp_addr *a)
{
	uint64_t peer = __atomic_load_n(&s->peer, __ATOMIC_ACQUIRE);

	if (peer == 0)
		return -ENOTCONN;
	a->ip = (uint32_t)(peer >> 16);
	a->port = (uint16_t)peer;
	return 0;
}

void
dp_sock_shutdown(struct dp_sock *s, bool rd, bool wr)
{
	uint32_t f = (rd ? DP_SOCK_F_SHUT_RD : 0) | (wr ? DP_SOCK_F_SHUT_WR : 0);

	__atomic_fetch_or(&s->flags, f, __ATOMIC_RELEASE);
	dp_wait_wake(s);
}

static int
set_flag(struct dp_sock *s, bool *field, bool *other, int64_t v)
{
	/* SO_REUSEADDR and SO_EXCLUSIVEADDRUSE exclude each other. */
	if (v && other != NULL && *other)
		return -EINVAL;
	*field = v != 0;
	RTE_SET_USED(s);
	return 0;
}

int
dp_sock_set_opt(struct dp_sock *s, enum dp_opt opt, int64_t v)
{
	int ret = 0;

	rte_spinlock_lock(&s->lock);
	switch (opt) {
	case DP_OPT_RCVBUF:
	case DP_OPT_SNDBUF:
		if (v < 0) {
			ret = -EINVAL;
			break;
		}
		if (v > DP_SOCK_BUF_MAX)
			v = DP_SOCK_BUF_MAX;
		__atomic_store_n(opt == DP_OPT_RCVBUF ? &s->rcvbuf :
			&s->sndbuf, (uint32_t)v, __ATOMIC_RELAXED);
		ret = opt == DP_OPT_RCVBUF ? dp_sock_rxq_grow(s, (uint32_t)v) :
			dp_sock_txq_grow(s, (uint32_t)v);
		break;
	case DP_OPT_REUSEADDR:
		ret = set_flag(s, &s->reuseaddr, &s->exclusive, v);
		break;
	case DP_OPT_EXCLUSIVEADDRUSE:
		ret = set_flag(s, &s->exclusive, &s->reuseaddr, v);
		break;
	case DP_OPT_BROADCAST:
		__atomic_store_n(&s->broadcast, v != 0, __ATOMIC_RELAXED);
		break;
	case DP_OPT_CONNRESET:
		__atomic_store_n(&s->connreset, v != 0, __ATOMIC_RELAXED);
		break;
	case DP_OPT_MC_LOOP:
		__atomic_store_n(&s->mc_loop, v != 0, __ATOMIC_RELAXED);
		break;
	case DP_OPT_TTL:
	case DP_OPT_TOS:
	case DP_OPT_MC_TTL:
		if (v < 0 || v > 255) {
			ret = -EINVAL;
			break;
		}
		if (opt == DP_OPT_TTL)
			s->ttl = (uint8_t)v;
		else if (opt == DP_OPT_TOS)
			s->tos = (uint8_t)v;
		else
			s->mc_ttl = (uint8_t)v;
		break;
	case DP_OPT_MC_IF:
		if (v != 0 && v != s->eng->conf.ip4) {
			ret = -EADDRNOTAVAIL;
			break;
		}
		s->mc_if = (uint32_t)v;
		break;
	case DP_OPT_RCVTIMEO:
	case DP_OPT_SNDTIMEO:
		if (v < 0) {
			ret = -EINVAL;
			break;
		}
		*(opt == DP_OPT_RCVTIMEO ? &s->rcvtimeo_ms : &s->sndtimeo_ms) =
			(uint32_t)v;
		break;
	default:
		ret = -ENOPROTOOPT;
		break;
	}
	rte_spinlock_unlock(&s->lock);
	return ret;
}

int
dp_sock_get_opt(struct dp_sock *s, enum dp_opt opt, int64_t *v)
{
	switch (opt) {
	case DP_OPT_RCVBUF:
		*v = s->rcvbuf;
		return 0;
	case DP_OPT_SNDBUF:
		*v = s->sndbuf;
		return 0;
	case DP_OPT_REUSEADDR:
		*v = s->reuseaddr;
		return 0;
	case DP_OPT_EXCLUSIVEADDRUSE:
		*v = s->exclusive;
		return 0;
	case DP_OPT_BROADCAST:
		*v = s->broadcast;
		return 0;
	case DP_OPT_CONNRESET:
		*v = s->connreset;
		return 0;
	case DP_OPT_MC_LOOP:
		*v = s->mc_loop;
		return 0;
	case DP_OPT_TTL:
		*v = s->ttl;
		return 0;
	case DP_OPT_TOS:
		*v = s->tos;
		return 0;
	case DP_OPT_MC_TTL:
		*v = s->mc_ttl;
		return 0;
	case DP_OPT_MC_IF:
		*v = s->mc_if;
		return 0;
	case DP_OPT_RCVTIMEO:
		*v = s->rcvtimeo_ms;
		return 0;
	case DP_OPT_SNDTIMEO:
		*v = s->sndtimeo_ms;
		return 0;
	}
	return -ENOPROTOOPT;
}

int
dp_sock_take_error(struct dp_sock *s)
{
	if (__atomic_load_n(&s->so_error, __ATOMIC_RELAXED) == 0)
		return 0;
	return __atomic_exchange_n(&s->so_error, 0, __ATOMIC_ACQ_REL);
}

void
dp_sock_kick_waiters(void)
{
	struct dp_engine *eng = dp_engine_running();

	if (eng == NULL)
		return;
	__atomic_fetch_add(&eng->socks->sel_seq, 1, __ATOMIC_SEQ_CST);
	dp_os_wake_all(&eng->socks->sel_seq);
}

void
dp_sock_interrupt(struct dp_sock *s)
{
	struct dp_sock_table *t = s->eng->socks;

	__atomic_store_n(&s->interrupted, true, __ATOMIC_RELEASE);
	dp_wait_wake(s);
	__atomic_fetch_add(&t->sel_seq, 1, __ATOMIC_SEQ_CST);
	dp_os_wake_all(&t->sel_seq);
}

void
dp_sock_close(struct dp_sock *s, enum dp_close_mode mode)
{
	struct dp_engine *eng = s->eng;
	struct dp_sock_table *t = eng->socks;

	/* Its groups lose a member (and the router hears of it). */
	dp_mcast_sock_close(s);
	rte_spinlock_lock(&s->lock);
	__atomic_fetch_or(&s->flags, DP_SOCK_F_CLOSED |
		(mode == DP_CLOSE_ABORT ? DP_SOCK_F_ABORT : 0),
		__ATOMIC_RELEASE);
	/* No lcore finds it after this (the unbind waits them out). */
	dp_demux_unbind(s);
	rte_spinlock_unlock(&s->lock);
	dp_sock_interrupt(s);
	/* What was received and never read is discarded. */
	count_unread(s);
	dp_sock_rxq_drain(s);
	__atomic_store_n(&s->rx_bytes_q, 0, __ATOMIC_RELAXED);
	rte_spinlock_lock(&t->lock);
	TAILQ_REMOVE(&t->all, s, link);
	TAILQ_INSERT_TAIL(&t->orphans, s, link);
	rte_spinlock_unlock(&t->lock);
	/* An abortive close must stop the owner sending what is queued;
	 * a socket that never sent has no TX ring and nothing to stop. */
	if (mode == DP_CLOSE_ABORT && __atomic_load_n(&s->txq.prod,
			__ATOMIC_ACQUIRE) != NULL)
		dp_sock_tx_kick(s);
	dp_sock_reap(eng);
}

void
dp_sock_stats_get(struct dp_sock *s, struct dp_sock_stats *st)
{
#define DP_SOCK_STAT_GET(name) \
	st->name = __atomic_load_n(&s->st.name, __ATOMIC_RELAXED);
	DP_SOCK_STATS_FOREACH(DP_SOCK_STAT_GET)
#undef DP_SOCK_STAT_GET
}

void
dp_sock_stats_closed(struct dp_sock_stats *st)
{
	struct dp_engine *eng = dp_engine_get();

	memset(st, 0, sizeof(*st));
	if (eng == NULL)
		return;
#define DP_SOCK_STAT_GET(name) \
	st->name = __atomic_load_n(&eng->socks->closed.name, __ATOMIC_RELAXED);
	DP_SOCK_STATS_FOREACH(DP_SOCK_STAT_GET)
#undef DP_SOCK_STAT_GET
	dp_engine_put();
}

void
dp_sock_local_if(uint32_t *ip, uint8_t *prefix, uint32_t *mtu)
{
	struct dp_engine *eng = dp_engine_running();

	*ip = 0;
	*prefix = 0;
	*mtu = 0;
	if (eng == NULL)
		return;
	*ip = eng->conf.ip4;
	*prefix = eng->conf.ip4_prefix;
	*mtu = eng->mtu;
}

void
dp_sock_quiesce(void)
{
	struct dp_engine *eng = dp_engine_running();
	struct dp_sock_table *t;
	struct dp_sock *s;

	if (eng == NULL)
		return;
	t = eng->socks;
	dp_engine_gate_close();
	rte_spinlock_lock(&t->lock);
	TAILQ_FOREACH(s, &t->all, link)
		dp_sock_interrupt(s);
	rte_spinlock_unlock(&t->lock);
	/* Calls already inside the dataplane return -EINTR or finish. */
	dp_engine_gate_drain();
}

static void
sock_info(struct dp_sock *s, bool orphan, struct dp_sock_info *out)
{
	uint64_t peer = __atomic_load_n(&s->peer, __ATOMIC_RELAXED);

	out->id = s->id;
	out->bound = __atomic_load_n(&s->bound, __ATOMIC_ACQUIRE);
	out->local = s->local;
	out->peer.ip = (uint32_t)(peer >> 16);
	out->peer.port = (uint16_t)peer;
	out->orphan = orphan;
	out->idle = tx_idle(s);
	out->rx_queued = __atomic_load_n(&s->rx_bytes_q, __ATOMIC_RELAXED);
	out->tx_queued = __atomic_load_n(&s->tx_bytes_q, __ATOMIC_RELAXED);
	dp_sock_stats_get(s, &out->st);
}

/* Telemetry: a snapshot of up to max sockets (table lock held, so none
 * is freed while it is read). */
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
