/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Socket options: those of every IP socket are kept here (buffers,
 * address reuse, broadcast, TTL, TOS, multicast sending, timeouts); the
 * rest, multicast membership included, are the protocol's.
 */
#include <errno.h>

#include "dp_sock_priv.h"

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
	default: {
		struct dp_optval ov = { .v = v };

		ret = s->ops->setopt != NULL ? s->ops->setopt(s, opt, &ov) :
			-ENOPROTOOPT;
		break;
	}
	}
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
