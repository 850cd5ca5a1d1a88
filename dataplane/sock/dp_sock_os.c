/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The OS path as the dataplane sees it (issue #15): whether a destination
 * can leave through our port at all, and the marks that make a provider
 * socket served by the OS provider visible in telemetry (the dataplane
 * socket behind its handle carries nothing; it is its place in
 * /wspdk/sockets and in /wspdk/info's counts).
 *
 * The marks are written by the application thread that decided, once,
 * and read by telemetry: relaxed atomics, no lcore involved.
 */
#include <rte_byteorder.h>

#include "dp_sock_priv.h"

static const struct {
	const char *key;
	const char *str;
} whys[DP_OS_WHY_MAX] = {
	[DP_OS_NONE] = { "none", "is wspdk's" },
	[DP_OS_LOOPBACK] = { "loopback", "is loopback" },
	[DP_OS_OTHER_LOCAL] = { "other_local",
		"is a local address that is not wspdk's" },
	[DP_OS_NO_ROUTE] = { "no_route",
		"has no route through wspdk's interface" },
};

const char *
dp_os_why_str(enum dp_os_why why)
{
	return (unsigned int)why < DP_OS_WHY_MAX ? whys[why].str : "?";
}

const char *
dp_os_why_key(enum dp_os_why why)
{
	return (unsigned int)why < DP_OS_WHY_MAX ? whys[why].key : "?";
}

bool
dp_sock_routable(uint32_t ip)
{
	struct dp_engine *eng = dp_engine_running();

	return eng == NULL || dp_ip_nexthop(eng, rte_cpu_to_be_32(ip)) != 0;
}

static uint64_t
pack(const struct dp_addr *a)
{
	return (uint64_t)a->ip << 16 | a->port;
}

struct dp_addr
dp_sock_os_unpack(uint64_t v)
{
	return (struct dp_addr){ .ip = (uint32_t)(v >> 16),
		.port = (uint16_t)v };
}

void
dp_sock_os_mark(struct dp_sock *s, uint64_t handle, enum dp_os_why why,
		uint32_t dst)
{
	__atomic_store_n(&s->os_handle, handle, __ATOMIC_RELAXED);
	__atomic_store_n(&s->os_dst, dst, __ATOMIC_RELAXED);
	__atomic_store_n(&s->os_why, (uint8_t)why, __ATOMIC_RELEASE);
}

void
dp_sock_os_addrs(struct dp_sock *s, const struct dp_addr *local,
		const struct dp_addr *peer)
{
	if (local != NULL)
		__atomic_store_n(&s->os_local, pack(local), __ATOMIC_RELAXED);
	if (peer != NULL)
		__atomic_store_n(&s->os_peer, pack(peer), __ATOMIC_RELAXED);
}
