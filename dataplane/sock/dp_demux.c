/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The bind table: which sockets own which (protocol, address, port), with
 * Winsock's sharing rules, and the lookup the lcores do for every
 * datagram. Each protocol has a port space of its own.
 *
 * An rte_hash maps (protocol, address, port) -- address 0 being the
 * wildcard -- to an immutable group of sockets. Writers (bind, close) serialise on the
 * table lock, build a new group and swap it in; the old one is freed
 * after a grace period (dp_qsbr_wait), so lcores read without locks.
 *
 * Sharing follows Windows, not BSD: a bind over a port in use succeeds
 * only if the *new* socket set SO_REUSEADDR, and never over a socket that
 * set SO_EXCLUSIVEADDRUSE (WSAEACCES). A wildcard bind and a bind to our
 * address overlap.
 */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_hash.h>
#include <rte_malloc.h>
#include <rte_random.h>

#include "dp_sock_priv.h"
#include "dp_tsan.h"

static struct dp_bind_group *
group_of(struct rte_hash *h, uint8_t proto, uint32_t ip_be, uint16_t port_be)
{
	struct dp_bind_key k = { .ip = ip_be, .port = port_be,
		.proto = proto };
	void *g;

	return rte_hash_lookup_data(h, &k, &g) >= 0 ? g : NULL;
}

/* 0, -EADDRINUSE or -EACCES for s taking a group's port. */
static int
conflict(const struct dp_sock *s, const struct dp_bind_group *g)
{
	if (g == NULL)
		return 0;
	for (uint32_t i = 0; i < g->n; i++) {
		if (g->s[i]->exclusive)
			return -EACCES;
		if (!s->reuseaddr || s->exclusive)
			return -EADDRINUSE;
	}
	return 0;
}

void
dp_sock_tcp_port_hold(struct dp_engine *eng, uint16_t port_be, int delta)
{
	__atomic_fetch_add(&eng->socks->tcp_tw_held[rte_be_to_cpu_16(port_be)],
		(uint32_t)delta, __ATOMIC_RELEASE);
}

/* A TIME-WAIT record holds the TCP port (dp_sock_tcp_port_hold). */
static bool
tw_held(struct dp_engine *eng, const struct dp_sock *s, uint16_t port_be)
{
	return s->ops->proto == IPPROTO_TCP && __atomic_load_n(
		&eng->socks->tcp_tw_held[rte_be_to_cpu_16(port_be)],
		__ATOMIC_ACQUIRE) != 0;
}

static int
check_port(struct dp_engine *eng, const struct dp_sock *s, uint32_t ip_be,
		uint16_t port_be)
{
	struct rte_hash *h = eng->socks->binds;
	uint8_t pr = s->ops->proto;
	int ret = conflict(s, group_of(h, pr, ip_be, port_be));

	if (ret == 0 && (!s->reuseaddr || s->exclusive) &&
			tw_held(eng, s, port_be))
		return -EADDRINUSE;

	if (ret == 0 && ip_be == 0)
		ret = conflict(s, group_of(h, pr, eng->ip4, port_be));
	if (ret == 0 && ip_be != 0)
		ret = conflict(s, group_of(h, pr, 0, port_be));
	return ret;
}

static bool
port_free(struct dp_engine *eng, const struct dp_sock *s, uint32_t ip_be,
		uint16_t p)
{
	struct rte_hash *h = eng->socks->binds;

	return group_of(h, s->ops->proto, ip_be, rte_cpu_to_be_16(p)) ==
		NULL && group_of(h, s->ops->proto, ip_be == 0 ? eng->ip4 : 0,
		rte_cpu_to_be_16(p)) == NULL &&
		!tw_held(eng, s, rte_cpu_to_be_16(p));
}

/*
 * RFC 6056 §3.3.1-style: a random start, then the next free port. With
 * a peer and a port that places flows, the next free one whose flow
 * arrives on s's owner (about one in nb_lcores: log2(nb_lcores) bits of
 * the port's randomness go to placement); if every such port is taken,
 * any free one (the socket may then move, dp_sock_flow.c).
 */
static int
pick_ephemeral(struct dp_engine *eng, const struct dp_sock *s,
		uint32_t ip_be, const struct dp_addr *peer, uint16_t *port)
{
	const unsigned int span = DP_EPHEMERAL_HI - DP_EPHEMERAL_LO + 1;
	struct dp_sock_table *t = eng->socks;
	uint32_t lip = ip_be != 0 ? rte_be_to_cpu_32(ip_be) : eng->conf.ip4;
	bool placed = peer != NULL && dp_rss_on(&eng->rss);

	if (t->next_port == 0)
		t->next_port = (uint16_t)(rte_rand() % span);
	for (unsigned int off = 0; off < span; off++) {
		uint16_t p = (uint16_t)(DP_EPHEMERAL_LO +
			(t->next_port + off) % span);
		unsigned int f;

		if (placed) {
			if (dp_rss_port_search(&eng->rss, lip, peer->ip,
					peer->port, s->owner->queue,
					DP_EPHEMERAL_LO, DP_EPHEMERAL_HI, p,
					&p) != 0)
				break;
			f = (unsigned int)(p - DP_EPHEMERAL_LO + span -
				t->next_port) % span;
			if (f < off)
				break;	/* wrapped: every fitting port seen */
			off = f;
		}
		if (!port_free(eng, s, ip_be, p))
			continue;
		t->next_port = (uint16_t)((p - DP_EPHEMERAL_LO + 1) % span);
		*port = p;
		return 0;
	}
	return placed ? pick_ephemeral(eng, s, ip_be, NULL, port) : -ENOBUFS;
}

/*
 * A datagram racing a bind to our address may miss the new socket, as
 * it would had it come a moment earlier; once bind returns, the grace
 * period has passed and every lcore sees the bit.
 */
static void
spec_mark(struct dp_sock_table *t, uint16_t port_be, bool on)
{
	uint16_t p = rte_be_to_cpu_16(port_be);
	uint64_t bit = UINT64_C(1) << (p % 64);

	if (on)
		__atomic_fetch_or(&t->spec_ports[p / 64], bit,
			__ATOMIC_RELEASE);
	else
		__atomic_fetch_and(&t->spec_ports[p / 64], ~bit,
			__ATOMIC_RELEASE);
}

static bool
spec_bound(const struct dp_sock_table *t, uint16_t port_be)
{
	uint16_t p = rte_be_to_cpu_16(port_be);

	return (__atomic_load_n(&t->spec_ports[p / 64], __ATOMIC_ACQUIRE) >>
		(p % 64)) & 1;
}

/* Replace the group at k by old + add - del (add/del may be NULL). */
static int
regroup(struct dp_engine *eng, const struct dp_bind_key *k,
		struct dp_sock *add, struct dp_sock *del)
{
	struct rte_hash *h = eng->socks->binds;
	struct dp_bind_group *old = group_of(h, k->proto, k->ip, k->port), *g;
	uint32_t n = 0, cap = (old != NULL ? old->n : 0) + 1;
	int32_t pos;

	g = dp_malloc("dp_bind_group", sizeof(*g) + cap * sizeof(g->s[0]), 0);
	if (g == NULL)
		return -ENOBUFS;
	for (uint32_t i = 0; old != NULL && i < old->n; i++)
		if (old->s[i] != del)
			g->s[n++] = old->s[i];
	if (add != NULL)
		g->s[n++] = add;
	g->n = n;
	if (n == 0) {
		dp_free(g);
		pos = rte_hash_del_key(h, k);
		if (k->ip != 0)
			spec_mark(eng->socks, k->port, false);
		dp_qsbr_wait(eng);
		if (pos >= 0)
			rte_hash_free_key_with_position(h, pos);
	} else {
		if (rte_hash_add_key_data(h, k, g) != 0) {
			dp_free(g);
			return -ENOBUFS;
		}
		if (k->ip != 0)
			spec_mark(eng->socks, k->port, true);
		dp_qsbr_wait(eng);
	}
	dp_free(old);
	return 0;
}

int
dp_demux_bind(struct dp_sock *s, const struct dp_addr *a,
		const struct dp_addr *peer, uint16_t *bound)
{
	struct dp_engine *eng = s->eng;
	struct dp_sock_table *t = eng->socks;
	uint32_t ip_be = rte_cpu_to_be_32(a->ip);
	uint16_t port = a->port;
	struct dp_bind_key k;
	int ret;

	if (ip_be != 0 && ip_be != eng->ip4)
		return -EADDRNOTAVAIL;
	rte_spinlock_lock(&t->lock);
	ret = port == 0 ? pick_ephemeral(eng, s, ip_be, peer, &port) :
		check_port(eng, s, ip_be, rte_cpu_to_be_16(port));
	if (ret == 0) {
		k = (struct dp_bind_key){ .ip = ip_be,
			.port = rte_cpu_to_be_16(port),
			.proto = s->ops->proto };
		ret = regroup(eng, &k, s, NULL);
	}
	rte_spinlock_unlock(&t->lock);
	*bound = port;
	return ret;
}

void
dp_demux_unbind(struct dp_sock *s)
{
	struct dp_sock_table *t = s->eng->socks;
	struct dp_bind_key k;

	if (!__atomic_load_n(&s->bound, __ATOMIC_ACQUIRE) ||
			(__atomic_load_n(&s->flags, __ATOMIC_ACQUIRE) &
			DP_SOCK_F_CHILD))
		return;
	k = (struct dp_bind_key){ .ip = rte_cpu_to_be_32(s->local.ip),
		.port = rte_cpu_to_be_16(s->local.port),
		.proto = s->ops->proto };
	rte_spinlock_lock(&t->lock);
	/* Cannot fail: a smaller group, or none. If memory is short, keep
	 * the socket in place rather than free it under the lcores. */
	while (regroup(s->eng, &k, NULL, s) != 0)
		rte_pause();
	rte_spinlock_unlock(&t->lock);
}

/* The groups for a datagram of proto to dst:port: [0] exact, [1]
 * wildcard. */
unsigned int
dp_demux_lookup(struct dp_engine *eng, uint8_t proto, uint32_t dst_be,
		uint16_t port_be, struct dp_bind_group **groups)
{
	struct dp_bind_key k[2] = {
		{ .ip = dst_be == eng->ip4 ? dst_be : 0, .port = port_be,
			.proto = proto },
		{ .ip = 0, .port = port_be, .proto = proto },
	};
	const void *keys[2] = { &k[0], &k[1] };
	uint64_t hits = 0;

	/* Broadcasts and multicasts go to the wildcard group only; so do
	 * unicasts to a port nobody bound to our address specifically. */
	if (k[0].ip == 0 || !spec_bound(eng->socks, port_be)) {
		groups[0] = NULL;
		return rte_hash_lookup_data(eng->socks->binds, &k[1],
			(void **)&groups[1]) >= 0 ? 1 : 0;
	}
	groups[0] = groups[1] = NULL;
	rte_hash_lookup_bulk_data(eng->socks->binds, keys, 2, &hits,
		(void **)groups);
	if ((hits & 1) == 0)
		groups[0] = NULL;
	if ((hits & 2) == 0)
		groups[1] = NULL;
	return (unsigned int)__builtin_popcountll(hits);
}
