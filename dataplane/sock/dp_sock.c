/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The generic socket: creation, binding, close, readiness, and the calls
 * it hands its protocol (struct dp_sock_ops). Options are in
 * dp_sock_opt.c, the socket table's life with the engine in
 * dp_sock_table.c.
 */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ring.h>

#include "dp_sock_priv.h"
#include "dp_tsan.h"

static void
sock_timer(struct dp_timer_wheel *w, struct dp_timer *t)
{
	struct dp_sock *s = container_of(t, struct dp_sock, timer);

	RTE_SET_USED(w);
	s->ops->timer(s);
}

/* The owner lcore only; an armed timer keeps s from being handed over
 * (dp_sock_flow.c). */
void
dp_sock_timer_arm(struct dp_sock *s, uint64_t at)
{
	dp_timer_arm(&s->owner->timers, &s->timer, at);
}

int
dp_sock_create(int proto, struct dp_sock **out)
{
	const struct dp_sock_ops *ops = proto >= 0 && proto < 256 ?
		dp_sock_proto((uint8_t)proto) : NULL;
	struct dp_engine *eng;
	struct dp_sock_table *t;
	struct dp_sock *s;
	int ret = 0;

	if (ops == NULL)
		return -EPROTONOSUPPORT;
	eng = dp_engine_enter();
	if (eng == NULL)
		return -ENETDOWN;
	t = eng->socks;
	dp_sock_reap(eng);
	s = dp_zmalloc("dp_sock", sizeof(*s) + ops->pcb_size,
		RTE_CACHE_LINE_SIZE);
	if (s == NULL) {
		ret = -ENOBUFS;
		goto out;
	}
	s->eng = eng;
	s->ops = ops;
	rte_spinlock_init(&s->lock);
	dp_timer_init(&s->timer, sock_timer);
	/* Windows' defaults (SO_RCVBUF/SO_SNDBUF 64 KB, TTL 128, multicast
	 * TTL 1 with loopback on). */
	s->rcvbuf = s->sndbuf = DP_SOCK_BUF_DEFAULT;
	s->ttl = 128;
	s->mc_ttl = 1;
	s->mc_loop = true;
	if (ops->init != NULL && (ret = ops->init(s)) != 0) {
		dp_free(s);
		goto out;
	}
	rte_spinlock_lock(&t->lock);
	if (t->count >= eng->conf.sockets) {
		rte_spinlock_unlock(&t->lock);
		if (ops->free != NULL)
			ops->free(s);
		dp_free(s);
		ret = -EMFILE;
		goto out;
	}
	t->count++;
	s->id = t->next_id++;
	s->owner = eng->lcores[t->next_owner++ % eng->nb_lcores];
	s->doorbell = s->owner->sock->doorbell;
	TAILQ_INSERT_TAIL(&t->all, s, link);
	rte_spinlock_unlock(&t->lock);
	*out = s;
out:
	dp_engine_exit();
	return ret;
}

struct local_req {
	struct dp_sock *s;
	struct dp_addr a;
};

/* The owner: the address the bind table gave s, published by bound. */
static int
set_local(struct dp_lcore *lc, void *arg)
{
	struct local_req *r = arg;

	RTE_SET_USED(lc);
	r->s->local = r->a;
	__atomic_store_n(&r->s->bound, true, __ATOMIC_RELEASE);
	return 0;
}

/* The RX ring exists before the socket is findable, unless its owner
 * makes it at the first delivery (ops->rxq_lazy). */
int
dp_sock_bind_locked(struct dp_sock *s, const struct dp_addr *a,
		const struct dp_addr *peer)
{
	struct local_req r = { .s = s, .a = *a };
	int ret = s->ops->rxq_lazy ? 0 : dp_sock_rxq_init(s);

	if (ret == 0)
		ret = dp_demux_bind(s, a, peer, &r.a.port);
	if (ret != 0)
		return ret;
	dp_sock_owner_call(s, set_local, &r);
	if (s->ops->bind != NULL) {
		ret = s->ops->bind(s, a);
		if (ret != 0)
			dp_demux_unbind(s);
	}
	return ret;
}

int
dp_sock_autobind(struct dp_sock *s)
{
	struct dp_addr any = { 0, 0 };
	int ret = 0;

	if (__atomic_load_n(&s->bound, __ATOMIC_ACQUIRE))
		return 0;
	rte_spinlock_lock(&s->lock);
	if (!__atomic_load_n(&s->bound, __ATOMIC_ACQUIRE))
		ret = dp_sock_bind_locked(s, &any, NULL);
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
	ret = __atomic_load_n(&s->bound, __ATOMIC_ACQUIRE) ? -EINVAL :
		dp_sock_bind_locked(s, a, NULL);
	rte_spinlock_unlock(&s->lock);
	return ret;
}

int
dp_sock_connect_flags(struct dp_sock *s, const struct dp_addr *peer,
		int flags)
{
	int ret;

	if (s->ops->connect == NULL)
		return -EOPNOTSUPP;
	if (dp_engine_enter() == NULL)
		return -ENETDOWN;
	ret = s->ops->connect(s, peer, flags);
	dp_engine_exit();
	return ret;
}

int
dp_sock_connect(struct dp_sock *s, const struct dp_addr *peer)
{
	return dp_sock_connect_flags(s, peer, 0);
}

int
dp_sock_listen(struct dp_sock *s, int backlog)
{
	int ret;

	if (s->ops->listen == NULL)
		return -EOPNOTSUPP;
	if (!__atomic_load_n(&s->bound, __ATOMIC_ACQUIRE))
		return -EINVAL;
	if (dp_engine_enter() == NULL)
		return -ENETDOWN;
	ret = s->ops->listen(s, backlog);
	dp_engine_exit();
	return ret;
}

int
dp_sock_accept(struct dp_sock *s, struct dp_sock **child,
		struct dp_addr *peer, int flags)
{
	uint32_t to_ms = __atomic_load_n(&s->rcvtimeo_ms, __ATOMIC_RELAXED);
	int ret;

	if (s->ops->accept == NULL)
		return -EOPNOTSUPP;
	if (dp_engine_enter() == NULL)
		return -ENETDOWN;
	/* The protocol never blocks: a blocking accept waits here for its
	 * listener to turn readable. */
	while ((ret = s->ops->accept(s, child, peer)) == -EAGAIN &&
			!(flags & DP_F_NONBLOCK)) {
		ret = dp_sock_wait(s, DP_EV_READ, to_ms != 0 ?
			(int64_t)to_ms * 1000 : -1);
		if (ret != 0)
			break;
	}
	dp_engine_exit();
	return ret;
}

long
dp_sock_send(struct dp_sock *s, const struct dp_iov *iov, unsigned int niov,
		const struct dp_addr *to, int flags)
{
	long ret;

	if (dp_engine_enter() == NULL)
		return -ENETDOWN;
	ret = s->ops->send != NULL ? s->ops->send(s, iov, niov, to, flags) :
		-EOPNOTSUPP;
	/* Run to completion: what was just queued goes out from this
	 * core now, when the lcore is not already at it. */
	if (ret >= 0 && dp_sock_rtc(s) != NULL)
		dp_lcore_poll_try(dp_sock_rtc(s));
	dp_engine_exit();
	return ret;
}

long
dp_sock_recv_meta(struct dp_sock *s, const struct dp_iov *iov,
		unsigned int niov, struct dp_rx_meta *meta, int flags)
{
	long ret;

	if (dp_engine_enter() == NULL)
		return -ENETDOWN;
	ret = s->ops->recv != NULL ? s->ops->recv(s, iov, niov, meta,
		flags) : -EOPNOTSUPP;
	/* Run to completion: a poll that finds nothing runs the iteration
	 * that may bring it, and looks once more. */
	if (ret == -EAGAIN && (flags & DP_F_NONBLOCK) &&
			dp_sock_rtc(s) != NULL &&
			dp_lcore_poll_try(dp_sock_rtc(s)))
		ret = s->ops->recv(s, iov, niov, meta, flags);
	dp_engine_exit();
	return ret;
}

long
dp_sock_recv(struct dp_sock *s, const struct dp_iov *iov, unsigned int niov,
		struct dp_addr *from, size_t *full_len, int flags)
{
	struct dp_rx_meta meta;
	long ret;

	ret = dp_sock_recv_meta(s, iov, niov, &meta, flags);
	if (ret >= 0 || ret == -EMSGSIZE) {
		if (from != NULL)
			*from = meta.from;
		if (full_len != NULL)
			*full_len = meta.full_len;
	}
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
	if (dp_sock_rx_pending(s))
		ev |= DP_EV_READ;
	if (dp_sock_tx_room(s, 1, 1))
		ev |= DP_EV_WRITE;
	if (__atomic_load_n(&s->tx_pending, __ATOMIC_ACQUIRE) == 0 &&
			__atomic_load_n(&s->arp_inflight, __ATOMIC_ACQUIRE) == 0)
		ev |= DP_EV_DRAINED;
	if (s->ops->events != NULL)
		ev = s->ops->events(s, ev);
	return ev;
}

size_t
dp_sock_rx_bytes(struct dp_sock *s)
{
	if (s->rxc != NULL)
		return dp_rxc_bytes(s, s->rxc);
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

struct store_req {
	void *field;
	uint64_t v;
	uint8_t size;			/* 1, 4 or 8 bytes */
	bool or;			/* 4 bytes: |= rather than = */
};

/* The owner: one word of socket state that only it writes. */
static int
owner_store(struct dp_lcore *lc, void *arg)
{
	const struct store_req *r = arg;

	RTE_SET_USED(lc);
	switch (r->size) {
	case 1:
		__atomic_store_n((uint8_t *)r->field, (uint8_t)r->v,
			__ATOMIC_RELEASE);
		break;
	case 4:
		if (r->or)
			__atomic_fetch_or((uint32_t *)r->field, (uint32_t)r->v,
				__ATOMIC_RELEASE);
		else
			__atomic_store_n((uint32_t *)r->field, (uint32_t)r->v,
				__ATOMIC_RELEASE);
		break;
	default:
		__atomic_store_n((uint64_t *)r->field, r->v,
			__ATOMIC_RELEASE);
		break;
	}
	return 0;
}

int
dp_sock_owner_store(struct dp_sock *s, void *field, uint64_t v,
		unsigned int size)
{
	struct store_req r = { field, v, (uint8_t)size, false };

	return dp_sock_owner_call(s, owner_store, &r);
}

int
dp_sock_owner_or(struct dp_sock *s, uint32_t *field, uint32_t bits)
{
	struct store_req r = { field, bits, 4, true };

	return dp_sock_owner_call(s, owner_store, &r);
}

void
dp_sock_shutdown(struct dp_sock *s, bool rd, bool wr)
{
	if (s->ops->shutdown != NULL)
		s->ops->shutdown(s, rd, wr);
	dp_sock_owner_or(s, &s->flags, (rd ? DP_SOCK_F_SHUT_RD : 0) |
		(wr ? DP_SOCK_F_SHUT_WR : 0));
	dp_wait_wake(s);
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

	/* The protocol first (UDP: its groups lose a member). */
	if (mode == DP_CLOSE_ABORT && s->ops->abort != NULL)
		s->ops->abort(s);
	else if (s->ops->close != NULL)
		s->ops->close(s);
	rte_spinlock_lock(&s->lock);
	dp_sock_owner_or(s, &s->flags, DP_SOCK_F_CLOSED |
		(mode == DP_CLOSE_ABORT ? DP_SOCK_F_ABORT : 0));
	/* No lcore finds it after this (the unbind waits them out). */
	dp_demux_unbind(s);
	rte_spinlock_unlock(&s->lock);
	dp_sock_interrupt(s);
	/* What was received and never read is discarded; a receiver still
	 * inside (interrupted above) finishes its datagram first. */
	if (s->rxc != NULL)
		dp_rxc_lock(s->rxc);
	dp_sock_count_unread(s);
	if (s->rxc != NULL)
		dp_rxc_drain(s, s->rxc, false);
	dp_sock_rxq_drain(s);
	__atomic_store_n(&s->rx_bytes_q, 0, __ATOMIC_RELAXED);
	if (s->rxc != NULL)
		dp_rxc_unlock(s->rxc);
	/* An abortive close must stop the owner sending what is queued;
	 * a socket that never sent has no TX ring and nothing to stop.
	 * Before it is an orphan: from then on any thread's reap may free
	 * it (a kicked socket is not idle until its owner has been). */
	if (mode == DP_CLOSE_ABORT && __atomic_load_n(&s->txq.prod,
			__ATOMIC_ACQUIRE) != NULL)
		dp_sock_tx_kick(s);
	rte_spinlock_lock(&t->lock);
	TAILQ_REMOVE(&t->all, s, link);
	TAILQ_INSERT_TAIL(&t->orphans, s, link);
	rte_spinlock_unlock(&t->lock);
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
