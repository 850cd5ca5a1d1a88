/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * WSPSetSockOpt / WSPGetSockOpt for datagram and stream sockets.
 *
 * One table says, per (level, option), how the value is typed and where
 * it lives, so get and set cannot disagree. Errors are Winsock's: an
 * unknown level is WSAEINVAL, an unknown option WSAENOPROTOOPT, a NULL or
 * short buffer WSAEFAULT, a value out of range WSAEINVAL.
 *
 * Integer and BOOL values are read with the length the caller gives (1
 * to 4 bytes, little-endian), as Winsock tolerates `char on = 1` for BOOL
 * options; they are always written back as 4 bytes.
 */
#include <string.h>

#include "dp_sock.h"
#include "wsp_error.h"
#include "wsp_ext.h"
#include "wsp_ospath.h"
#include "wsp_priv.h"
#include "wsp_sock.h"
#include "wsp_stream.h"

enum opt_kind {
	OPT_BOOL,		/* BOOL, stored in the dataplane */
	OPT_INT,		/* int/DWORD, stored in the dataplane */
	OPT_LINGER,		/* struct linger */
	OPT_DONTLINGER,		/* BOOL: !l_onoff */
	OPT_TYPE,		/* get only */
	OPT_ERROR,		/* get (and clear) only */
	OPT_PROTOCOL_INFO,	/* get only */
	OPT_MAX_MSG,		/* get only */
	OPT_ACCEPTCONN,		/* get only: listening */
	OPT_KEEPALIVE,		/* BOOL: the dataplane's DP_OPT_KEEPALIVE,
				 * kept here too for accepted sockets */
	OPT_ZERO,		/* get only: always 0 */
	OPT_INADDR,		/* struct in_addr, stored in the dataplane */
	OPT_MREQ,		/* set only: struct ip_mreq */
	OPT_MREQ_SOURCE,	/* set only: struct ip_mreq_source */
	OPT_CTL,		/* BOOL, the provider's: a recvmsg control
				 * message (ctl_flag) */
	OPT_UNICAST_IF,		/* DWORD interface index, network order */
	OPT_RO_INT,		/* get only, from the dataplane */
};

struct opt {
	int level, name;
	enum opt_kind kind;
	enum dp_opt dp;
	int only;		/* the one socket type it is for, or 0 */
};

/* Options of one socket type only. */
#define DG	SOCK_DGRAM
#define ST	SOCK_STREAM

static const struct opt opts[] = {
	{ SOL_SOCKET, SO_BROADCAST, OPT_BOOL, DP_OPT_BROADCAST, DG },
	{ SOL_SOCKET, SO_REUSEADDR, OPT_BOOL, DP_OPT_REUSEADDR, 0 },
	{ SOL_SOCKET, SO_EXCLUSIVEADDRUSE, OPT_BOOL,
		DP_OPT_EXCLUSIVEADDRUSE, 0 },
	{ SOL_SOCKET, SO_RCVBUF, OPT_INT, DP_OPT_RCVBUF, 0 },
	{ SOL_SOCKET, SO_SNDBUF, OPT_INT, DP_OPT_SNDBUF, 0 },
	{ SOL_SOCKET, SO_RCVTIMEO, OPT_INT, DP_OPT_RCVTIMEO, 0 },
	{ SOL_SOCKET, SO_SNDTIMEO, OPT_INT, DP_OPT_SNDTIMEO, 0 },
	{ SOL_SOCKET, SO_LINGER, OPT_LINGER, 0, 0 },
	{ SOL_SOCKET, SO_DONTLINGER, OPT_DONTLINGER, 0, 0 },
	{ SOL_SOCKET, SO_TYPE, OPT_TYPE, 0, 0 },
	{ SOL_SOCKET, SO_ERROR, OPT_ERROR, 0, 0 },
	{ SOL_SOCKET, SO_PROTOCOL_INFOW, OPT_PROTOCOL_INFO, 0, 0 },
	{ SOL_SOCKET, SO_MAX_MSG_SIZE, OPT_MAX_MSG, 0, DG },
	{ SOL_SOCKET, SO_ACCEPTCONN, OPT_ACCEPTCONN, 0, 0 },
	{ SOL_SOCKET, SO_KEEPALIVE, OPT_KEEPALIVE, 0, ST },
	{ SOL_SOCKET, SO_GROUP_ID, OPT_ZERO, 0, 0 },
	{ SOL_SOCKET, SO_GROUP_PRIORITY, OPT_ZERO, 0, 0 },
	{ IPPROTO_IP, IP_TTL, OPT_INT, DP_OPT_TTL, 0 },
	{ IPPROTO_IP, IP_TOS, OPT_INT, DP_OPT_TOS, 0 },
	{ IPPROTO_IP, IP_MULTICAST_TTL, OPT_INT, DP_OPT_MC_TTL, DG },
	{ IPPROTO_IP, IP_MULTICAST_LOOP, OPT_BOOL, DP_OPT_MC_LOOP, DG },
	{ IPPROTO_IP, IP_MULTICAST_IF, OPT_INADDR, DP_OPT_MC_IF, DG },
	{ IPPROTO_IP, IP_ADD_MEMBERSHIP, OPT_MREQ, 0, DG },
	{ IPPROTO_IP, IP_DROP_MEMBERSHIP, OPT_MREQ, 0, DG },
	{ IPPROTO_IP, IP_ADD_SOURCE_MEMBERSHIP, OPT_MREQ_SOURCE, 0, DG },
	{ IPPROTO_IP, IP_DROP_SOURCE_MEMBERSHIP, OPT_MREQ_SOURCE, 0, DG },
	{ IPPROTO_IP, IP_BLOCK_SOURCE, OPT_MREQ_SOURCE, 0, DG },
	{ IPPROTO_IP, IP_UNBLOCK_SOURCE, OPT_MREQ_SOURCE, 0, DG },
	{ IPPROTO_IP, IP_PKTINFO, OPT_CTL, 0, DG },
	{ IPPROTO_IP, IP_RECVTOS, OPT_CTL, 0, DG },
	{ IPPROTO_IP, IP_RECVTTL, OPT_CTL, 0, DG },
	{ IPPROTO_IP, IP_DONTFRAGMENT, OPT_BOOL, DP_OPT_DONTFRAG, DG },
	{ IPPROTO_IP, IP_UNICAST_IF, OPT_UNICAST_IF, 0, 0 },
	{ SOL_SOCKET, SO_CONNECT_TIME, OPT_RO_INT, DP_OPT_CONNECT_TIME, ST },
	{ IPPROTO_TCP, TCP_NODELAY, OPT_BOOL, DP_OPT_NODELAY, ST },
	/* Seconds; -1 retransmits forever (IPPROTO_TCP options page). */
	{ IPPROTO_TCP, TCP_MAXRT, OPT_INT, DP_OPT_MAXRT, ST },
};

/* The switch of the control message an OPT_CTL option asks for. */
static bool *
ctl_flag(struct wsp_sock *ws, int name)
{
	switch (name) {
	case IP_RECVTOS:
		return &ws->recvtos;
	case IP_RECVTTL:
		return &ws->recvttl;
	default:
		return &ws->pktinfo;
	}
}

/* An option of another socket type, or of the other protocol's level,
 * is unknown to this socket: WSAENOPROTOOPT. */
static const struct opt *
find(const struct wsp_sock *ws, int level, int name, int *err)
{
	if (level != SOL_SOCKET && level != IPPROTO_IP &&
			level != IPPROTO_UDP && level != IPPROTO_TCP) {
		*err = WSAEINVAL;
		return NULL;
	}
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (opts[i].level == level && opts[i].name == name &&
				(opts[i].only == 0 || opts[i].only == ws->type))
			return &opts[i];
	*err = WSAENOPROTOOPT;
	return NULL;
}

static bool
settable(enum opt_kind k)
{
	return k == OPT_BOOL || k == OPT_INT || k == OPT_LINGER ||
		k == OPT_DONTLINGER || k == OPT_INADDR || k == OPT_MREQ ||
		k == OPT_MREQ_SOURCE || k == OPT_KEEPALIVE ||
		k == OPT_CTL || k == OPT_UNICAST_IF;
}

static bool
gettable(enum opt_kind k)
{
	return k != OPT_MREQ && k != OPT_MREQ_SOURCE;
}

/* IP_ADD/DROP_MEMBERSHIP and the source-specific family (RFC 3678). */
static int
membership(struct wsp_sock *ws, int name, const char *v, int len)
{
	uint32_t grp, src = 0, ifa;
	int ret;

	if (name == IP_ADD_MEMBERSHIP || name == IP_DROP_MEMBERSHIP) {
		IP_MREQ mr;

		if (len < (int)sizeof(mr))
			return WSAEFAULT;
		memcpy(&mr, v, sizeof(mr));
		grp = ntohl(mr.imr_multiaddr.s_addr);
		ifa = ntohl(mr.imr_interface.s_addr);
	} else {
		IP_MREQ_SOURCE mr;

		if (len < (int)sizeof(mr))
			return WSAEFAULT;
		memcpy(&mr, v, sizeof(mr));
		grp = ntohl(mr.imr_multiaddr.s_addr);
		src = ntohl(mr.imr_sourceaddr.s_addr);
		ifa = ntohl(mr.imr_interface.s_addr);
		/* A source-specific call needs a source. */
		if (src == 0)
			return WSAEINVAL;
	}
	switch (name) {
	case IP_ADD_MEMBERSHIP:
	case IP_ADD_SOURCE_MEMBERSHIP:
		ret = dp_sock_mc_join(ws->dp, grp, ifa, src);
		break;
	case IP_DROP_MEMBERSHIP:
	case IP_DROP_SOURCE_MEMBERSHIP:
		ret = dp_sock_mc_leave(ws->dp, grp, ifa, src);
		break;
	default:
		ret = dp_sock_mc_block(ws->dp, grp, ifa, src,
			name == IP_BLOCK_SOURCE);
		break;
	}
	return ret == 0 ? 0 : wsp_error_from_errno(ret);
}

static int64_t
read_value(const char *v, int len)
{
	uint32_t x = 0;

	memcpy(&x, v, len < 4 ? (size_t)len : 4);	/* little-endian */
	return len >= 4 ? (int32_t)x : (int64_t)x;
}

/* The address of interface idx; an index we do not have maps to one no
 * interface holds, which the dataplane refuses (WSAEADDRNOTAVAIL). */
static uint32_t
ip_of_index(uint32_t idx)
{
	uint32_t ip, mtu;
	uint8_t prefix;

	if (idx != WSP_IF_INDEX)
		return 0xffffffffu;
	dp_sock_local_if(&ip, &prefix, &mtu);
	return ip;
}

static int
set_one(struct wsp_sock *ws, const struct opt *o, const char *v, int len)
{
	int64_t x;
	int ret;

	switch (o->kind) {
	case OPT_LINGER: {
		LINGER l;

		if (len < (int)sizeof(l))
			return WSAEFAULT;
		memcpy(&l, v, sizeof(l));
		__atomic_store_n(&ws->linger, (uint32_t)(l.l_onoff != 0) << 16 |
			l.l_linger, __ATOMIC_RELAXED);
		return 0;
	}
	case OPT_DONTLINGER: {
		uint32_t cur = __atomic_load_n(&ws->linger, __ATOMIC_RELAXED);

		if (len < 1)
			return WSAEFAULT;
		/* SO_DONTLINGER TRUE clears l_onoff, keeping l_linger. */
		__atomic_store_n(&ws->linger, (read_value(v, len) != 0 ? 0u :
			1u << 16) | (cur & 0xffff), __ATOMIC_RELAXED);
		return 0;
	}
	case OPT_KEEPALIVE:
		if (len < 1)
			return WSAEFAULT;
		return wsp_sock_set_keepalive(ws, read_value(v, len) != 0, 0,
			0);
	case OPT_MREQ:
	case OPT_MREQ_SOURCE:
		return membership(ws, o->name, v, len);
	case OPT_CTL:
		if (len < 1)
			return WSAEFAULT;
		__atomic_store_n(ctl_flag(ws, o->name),
			read_value(v, len) != 0, __ATOMIC_RELAXED);
		return 0;
	case OPT_UNICAST_IF: {
		uint32_t idx;

		if (len < (int)sizeof(idx))
			return WSAEFAULT;
		memcpy(&idx, v, sizeof(idx));
		/* 0 (any) or our one interface's index. */
		if (idx != 0 && ntohl(idx) != WSP_IF_INDEX)
			return WSAEINVAL;
		__atomic_store_n(&ws->unicast_if, idx, __ATOMIC_RELAXED);
		return 0;
	}
	case OPT_INADDR: {
		struct in_addr a;
		uint32_t ip;

		if (len < (int)sizeof(a))
			return WSAEFAULT;
		memcpy(&a, v, sizeof(a));
		ip = ntohl(a.s_addr);
		/* IP_MULTICAST_IF: 0.0.0.N (N != 0) is interface index N. */
		if (o->name == IP_MULTICAST_IF && ip != 0 && ip >> 24 == 0)
			ip = ip_of_index(ip);
		ret = dp_sock_set_opt(ws->dp, o->dp, ip);
		return ret == 0 ? 0 : wsp_error_from_errno(ret);
	}
	default:
		break;
	}
	if (len < 1)
		return WSAEFAULT;
	x = read_value(v, len);
	if (o->kind == OPT_BOOL)
		x = x != 0;
	ret = dp_sock_set_opt(ws->dp, o->dp, x);
	return ret == 0 ? 0 : wsp_error_from_errno(ret);
}

int
wsp_sock_set_keepalive(struct wsp_sock *ws, bool on, uint32_t idle_ms,
		uint32_t intvl_ms)
{
	int ret = 0;

	if (idle_ms != 0)
		ret = dp_sock_set_opt(ws->dp, DP_OPT_KEEPIDLE, idle_ms);
	if (ret == 0 && intvl_ms != 0)
		ret = dp_sock_set_opt(ws->dp, DP_OPT_KEEPINTVL, intvl_ms);
	if (ret == 0)
		ret = dp_sock_set_opt(ws->dp, DP_OPT_KEEPALIVE, on);
	if (ret != 0)
		return wsp_error_from_errno(ret);
	__atomic_store_n(&ws->keepalive, on, __ATOMIC_RELAXED);
	return 0;
}

int WSPAPI
wsp_set_sock_opt(SOCKET s, int level, int optname, const char *optval,
		int optlen, LPINT lpErrno)
{
	struct wsp_sock *ws = wsp_sock_get(s, lpErrno);
	const struct opt *o;
	int err;

	if (ws == NULL)
		return SOCKET_ERROR;
	if (wsp_ospath(ws))
		return wsp_ospath_set_opt(ws, level, optname, optval, optlen,
			lpErrno);
	if (level == SOL_SOCKET && (optname == SO_UPDATE_ACCEPT_CONTEXT ||
			optname == SO_UPDATE_CONNECT_CONTEXT)) {
		err = wsp_ext_tcp_update_context(ws, optname, optval, optlen);
		goto out;
	}
	o = find(ws, level, optname, &err);
	if (o != NULL && !settable(o->kind))
		o = NULL, err = WSAENOPROTOOPT;
	if (o != NULL)
		err = optval == NULL ? WSAEFAULT :
			set_one(ws, o, optval, optlen);
	/* Set here too if the socket goes to the OS provider later. */
	if (err == 0 && o != NULL)
		wsp_ospath_note_opt(ws, level, optname, optval, optlen);
out:
	wsp_sock_put(ws);
	if (err != 0) {
		*lpErrno = err;
		return SOCKET_ERROR;
	}
	return 0;
}

static int
put_int(char *v, LPINT len, int32_t x)
{
	if (*len < (int)sizeof(x))
		return WSAEFAULT;
	memcpy(v, &x, sizeof(x));
	*len = sizeof(x);
	return 0;
}

static int
get_one(struct wsp_sock *ws, const struct opt *o, char *v, LPINT len)
{
	uint32_t l = __atomic_load_n(&ws->linger, __ATOMIC_RELAXED);
	int64_t x;
	int ret;

	switch (o->kind) {
	case OPT_LINGER: {
		LINGER lg = { .l_onoff = (u_short)(l >> 16),
			.l_linger = (u_short)l };

		if (*len < (int)sizeof(lg))
			return WSAEFAULT;
		memcpy(v, &lg, sizeof(lg));
		*len = sizeof(lg);
		return 0;
	}
	case OPT_DONTLINGER:
		return put_int(v, len, (l >> 16) == 0);
	case OPT_TYPE:
		return put_int(v, len, ws->type);
	case OPT_ERROR:
		ret = dp_sock_take_error(ws->dp);
		return put_int(v, len, ret == 0 ? 0 :
			wsp_error_from_errno(ret));
	case OPT_PROTOCOL_INFO:
		if (*len < (int)sizeof(*ws->info))
			return WSAEFAULT;
		memcpy(v, ws->info, sizeof(*ws->info));
		*len = sizeof(*ws->info);
		return 0;
	case OPT_MAX_MSG:
		return put_int(v, len, DP_UDP_MAX_PAYLOAD);
	case OPT_ACCEPTCONN:
		return put_int(v, len, wsp_sock_is_stream(ws) &&
			wsp_stream_state(ws) == DP_TCP_LISTEN);
	case OPT_KEEPALIVE:
		return put_int(v, len, __atomic_load_n(&ws->keepalive,
			__ATOMIC_RELAXED));
	case OPT_ZERO:
		return put_int(v, len, 0);
	case OPT_CTL:
		return put_int(v, len, __atomic_load_n(ctl_flag(ws, o->name),
			__ATOMIC_RELAXED));
	case OPT_UNICAST_IF:
		return put_int(v, len, (int32_t)__atomic_load_n(
			&ws->unicast_if, __ATOMIC_RELAXED));
	case OPT_INADDR: {
		struct in_addr a;

		ret = dp_sock_get_opt(ws->dp, o->dp, &x);
		if (ret != 0)
			return wsp_error_from_errno(ret);
		if (*len < (int)sizeof(a))
			return WSAEFAULT;
		a.s_addr = htonl((uint32_t)x);
		memcpy(v, &a, sizeof(a));
		*len = sizeof(a);
		return 0;
	}
	case OPT_BOOL:
	case OPT_INT:
	case OPT_RO_INT:
	case OPT_MREQ:
	case OPT_MREQ_SOURCE:
		break;
	}
	ret = dp_sock_get_opt(ws->dp, o->dp, &x);
	if (ret != 0)
		return wsp_error_from_errno(ret);
	return put_int(v, len, (int32_t)x);
}

int WSPAPI
wsp_get_sock_opt(SOCKET s, int level, int optname, char *optval,
		LPINT optlen, LPINT lpErrno)
{
	struct wsp_sock *ws = wsp_sock_get(s, lpErrno);
	const struct opt *o;
	int err;

	if (ws == NULL)
		return SOCKET_ERROR;
	if (wsp_ospath(ws))
		return wsp_ospath_get_opt(ws, level, optname, optval, optlen,
			lpErrno);
	o = find(ws, level, optname, &err);
	if (o != NULL && !gettable(o->kind))
		o = NULL, err = WSAENOPROTOOPT;
	if (o != NULL)
		err = optval == NULL || optlen == NULL ? WSAEFAULT :
			get_one(ws, o, optval, optlen);
	wsp_sock_put(ws);
	if (err != 0) {
		*lpErrno = err;
		return SOCKET_ERROR;
	}
	return 0;
}
