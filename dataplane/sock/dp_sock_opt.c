/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Socket options: those of every IP socket are kept here (buffers,
 * address reuse, broadcast, TTL, TOS, multicast sending, timeouts); the
 * rest, multicast membership included, are the protocol's. The socket's
 * owner lcore stores them (dp_sock_owner_call); any thread reads them.
 */
#include <errno.h>

#include "dp_sock_priv.h"

#define LOAD(f)		__atomic_load_n(&(f), __ATOMIC_RELAXED)
#define STORE(f, v)	__atomic_store_n(&(f), (v), __ATOMIC_RELAXED)

struct opt_req {
	struct dp_sock *s;
	enum dp_opt opt;
	int64_t v;
};

/* The owner lcore: check and store one option the socket keeps. */
static int
store(struct dp_lcore *lc, void *arg)
{
	struct opt_req *r = arg;
	struct dp_sock *s = r->s;
	int64_t v = r->v;

	RTE_SET_USED(lc);
	switch (r->opt) {
	case DP_OPT_RCVBUF:
		STORE(s->rcvbuf, (uint32_t)v);
		return 0;
	case DP_OPT_SNDBUF:
		STORE(s->sndbuf, (uint32_t)v);
		return 0;
	case DP_OPT_REUSEADDR:
	case DP_OPT_EXCLUSIVEADDRUSE:
		/* They exclude each other. */
		if (v != 0 && (r->opt == DP_OPT_REUSEADDR ?
				LOAD(s->exclusive) : LOAD(s->reuseaddr)))
			return -EINVAL;
		if (r->opt == DP_OPT_REUSEADDR)
			STORE(s->reuseaddr, v != 0);
		else
			STORE(s->exclusive, v != 0);
		return 0;
	case DP_OPT_BROADCAST:
		STORE(s->broadcast, v != 0);
		return 0;
	case DP_OPT_MC_LOOP:
		STORE(s->mc_loop, v != 0);
		return 0;
	case DP_OPT_DONTFRAG:
		STORE(s->dontfrag, v != 0);
		return 0;
	case DP_OPT_TTL:
	case DP_OPT_TOS:
	case DP_OPT_MC_TTL:
		if (v < 0 || v > 255)
			return -EINVAL;
		if (r->opt == DP_OPT_TTL)
			STORE(s->ttl, (uint8_t)v);
		else if (r->opt == DP_OPT_TOS)
			STORE(s->tos, (uint8_t)v);
		else
			STORE(s->mc_ttl, (uint8_t)v);
		return 0;
	case DP_OPT_MC_IF:
		if (v != 0 && v != s->eng->conf.ip4)
			return -EADDRNOTAVAIL;
		STORE(s->mc_if, (uint32_t)v);
		return 0;
	case DP_OPT_RCVTIMEO:
	case DP_OPT_SNDTIMEO:
		if (v < 0)
			return -EINVAL;
		if (r->opt == DP_OPT_RCVTIMEO)
			STORE(s->rcvtimeo_ms, (uint32_t)v);
		else
			STORE(s->sndtimeo_ms, (uint32_t)v);
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

int
dp_sock_set_opt(struct dp_sock *s, enum dp_opt opt, int64_t v)
{
	struct opt_req r = { .s = s, .opt = opt, .v = v };
	int ret = 0;

	rte_spinlock_lock(&s->lock);
	if (opt == DP_OPT_RCVBUF || opt == DP_OPT_SNDBUF) {
		if (v < 0) {
			ret = -EINVAL;
			goto out;
		}
		r.v = RTE_MIN(v, (int64_t)DP_SOCK_BUF_MAX);
		/* The rings grow here: replacing what lcores read waits for
		 * grace periods, which only an application thread can. */
		ret = opt == DP_OPT_RCVBUF ? dp_sock_rxq_grow(s,
			(uint32_t)r.v) : dp_sock_txq_grow(s, (uint32_t)r.v);
		if (ret != 0)
			goto out;
	}
	ret = dp_sock_owner_call(s, store, &r);
	/* A lazy receive ring its owner made meanwhile, from the old
	 * size, grows too (a no-op when it holds enough). */
	if (ret == 0 && opt == DP_OPT_RCVBUF)
		ret = dp_sock_rxq_grow(s, (uint32_t)r.v);
	if (ret == -ENOPROTOOPT) {
		struct dp_optval ov = { .v = v };

		ret = s->ops->setopt != NULL ? s->ops->setopt(s, opt, &ov) :
			-ENOPROTOOPT;
	}
out:
	rte_spinlock_unlock(&s->lock);
	return ret;
}

/* A membership change: the protocol's (s->lock held there too). */
static int
mc_change(struct dp_sock *s, enum dp_opt opt, uint32_t group,
		uint32_t ifaddr, uint32_t source)
{
	struct dp_optval ov = { .group = group, .ifaddr = ifaddr,
		.source = source };
	int ret;

	if (s->ops->setopt == NULL)
		return -ENOPROTOOPT;
	rte_spinlock_lock(&s->lock);
	ret = s->ops->setopt(s, opt, &ov);
	rte_spinlock_unlock(&s->lock);
	return ret;
}

int
dp_sock_mc_join(struct dp_sock *s, uint32_t group, uint32_t ifaddr,
		uint32_t source)
{
	return mc_change(s, DP_OPT_MC_JOIN, group, ifaddr, source);
}

int
dp_sock_mc_leave(struct dp_sock *s, uint32_t group, uint32_t ifaddr,
		uint32_t source)
{
	return mc_change(s, DP_OPT_MC_LEAVE, group, ifaddr, source);
}

int
dp_sock_mc_block(struct dp_sock *s, uint32_t group, uint32_t ifaddr,
		uint32_t source, bool block)
{
	return mc_change(s, block ? DP_OPT_MC_BLOCK : DP_OPT_MC_UNBLOCK,
		group, ifaddr, source);
}

int
dp_sock_get_opt(struct dp_sock *s, enum dp_opt opt, int64_t *v)
{
	switch (opt) {
	case DP_OPT_RCVBUF:
		*v = LOAD(s->rcvbuf);
		return 0;
	case DP_OPT_SNDBUF:
		*v = LOAD(s->sndbuf);
		return 0;
	case DP_OPT_REUSEADDR:
		*v = LOAD(s->reuseaddr);
		return 0;
	case DP_OPT_EXCLUSIVEADDRUSE:
		*v = LOAD(s->exclusive);
		return 0;
	case DP_OPT_BROADCAST:
		*v = LOAD(s->broadcast);
		return 0;
	case DP_OPT_MC_LOOP:
		*v = LOAD(s->mc_loop);
		return 0;
	case DP_OPT_DONTFRAG:
		*v = LOAD(s->dontfrag);
		return 0;
	case DP_OPT_TTL:
		*v = LOAD(s->ttl);
		return 0;
	case DP_OPT_TOS:
		*v = LOAD(s->tos);
		return 0;
	case DP_OPT_MC_TTL:
		*v = LOAD(s->mc_ttl);
		return 0;
	case DP_OPT_MC_IF:
		*v = LOAD(s->mc_if);
		return 0;
	case DP_OPT_RCVTIMEO:
		*v = LOAD(s->rcvtimeo_ms);
		return 0;
	case DP_OPT_SNDTIMEO:
		*v = LOAD(s->sndtimeo_ms);
		return 0;
	default: {
		struct dp_optval ov = { 0 };
		int ret;

		if (s->ops->getopt == NULL)
			return -ENOPROTOOPT;
		ret = s->ops->getopt(s, opt, &ov);
		*v = ov.v;
		return ret;
	}
	}
}
