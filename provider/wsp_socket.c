/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Socket lifetime and naming entries: WSPSocket, WSPCloseSocket, WSPBind,
 * WSPConnect, WSPShutdown, WSPGetSockName, WSPGetPeerName (the stream
 * rules in wsp_stream.c).
 *
 * Each entry is a thin shim (style.md R5): resolve the handle, check the
 * arguments Winsock documents, call the dataplane, map its errno.
 */
#include <errno.h>
#include <string.h>

#include "dp_sock.h"
#include "wsp_addr.h"
#include "wsp_error.h"
#include "wsp_log.h"
#include "wsp_ospath.h"
#include "wsp_priv.h"
#include "wsp_sock.h"
#include "wsp_stream.h"

/* Resolve (af, type, protocol) the way Ws2_32 hands them to us: 0 and
 * FROM_PROTOCOL_INFO take the value from the catalog entry, and an entry
 * serves one type (another comes only with a caller's own entry). */
static int
resolve_triple(int *af, int *type, int *proto,
		const WSAPROTOCOL_INFOW *info)
{
	if (*af == FROM_PROTOCOL_INFO || *af == 0)
		*af = info != NULL ? info->iAddressFamily : AF_INET;
	if (*proto == FROM_PROTOCOL_INFO)
		*proto = info != NULL ? info->iProtocol : 0;
	if (*type == FROM_PROTOCOL_INFO || *type == 0)
		*type = info != NULL ? info->iSocketType :
			*proto == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM;
	if (*af != AF_INET)
		return WSAEAFNOSUPPORT;
	if ((*type != SOCK_DGRAM && *type != SOCK_STREAM) ||
			(info != NULL && *type != info->iSocketType))
		return WSAESOCKTNOSUPPORT;
	if (*proto == 0)
		*proto = *type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
	if (*proto != IPPROTO_UDP && *proto != IPPROTO_TCP)
		return WSAEPROTONOSUPPORT;
	if ((*proto == IPPROTO_TCP) != (*type == SOCK_STREAM))
		return WSAEPROTOTYPE;
	return 0;
}

SOCKET WSPAPI
wsp_socket(int af, int type, int protocol, LPWSAPROTOCOL_INFOW info,
		GROUP g, DWORD flags, LPINT lpErrno)
{
	struct wsp_sock_attr attr;
	int ret;

	ret = resolve_triple(&af, &type, &protocol, info);
	if (ret == 0 && g != 0)
		ret = WSAEINVAL;	/* socket groups are not supported */
	if (ret != 0) {
		*lpErrno = ret;
		return INVALID_SOCKET;
	}
	attr.type = type;
	attr.protocol = protocol;
	attr.overlapped = (flags & WSA_FLAG_OVERLAPPED) != 0;
	attr.info = info;
	attr.parent = NULL;
	attr.adopt = NULL;
	attr.lower = 0;
	return wsp_sock_open(&attr, lpErrno);
}

/*
 * SO_LINGER{1,n} on a blocking socket: wait up to n seconds for what is
 * queued to go, then drop the rest. A stream sends its FIN after the
 * data first and waits for it to be acknowledged, which is the moment
 * the peer has everything (tcp-notes §7.5). true: the wait ran out.
 */
static bool
linger_wait(struct wsp_sock *ws, uint32_t secs)
{
	if (wsp_sock_is_stream(ws) &&
			wsp_stream_state(ws) >= DP_TCP_ESTABLISHED)
		dp_sock_shutdown(ws->dp, false, true);
	return wsp_sock_wait(ws, DP_EV_DRAINED, (int64_t)secs * 1000000) != 0;
}

/*
 * winsock-spi.md §4.1: the default (SO_DONTLINGER) returns at once and
 * the queue still goes out (streams: then FIN); {1,0} drops it (streams:
 * RST); {1,n} waits up to n seconds on a blocking socket and then drops
 * what is left, and on a non-blocking one fails WSAEWOULDBLOCK leaving
 * the socket open.
 */
int WSPAPI
wsp_close_socket(SOCKET s, LPINT lpErrno)
{
	struct wsp_sock *ws = wsp_sock_get(s, lpErrno);
	uint32_t l;
	bool abortive = false;

	if (ws == NULL)
		return SOCKET_ERROR;
	l = __atomic_load_n(&ws->linger, __ATOMIC_RELAXED);
	/* The OS provider's socket lingers as it was told (forwarded). */
	if (wsp_ospath(ws))
		l = 0;
	if ((l >> 16) != 0) {
		uint32_t secs = l & 0xffff;

		if (secs == 0) {
			abortive = true;
		} else if (!(dp_sock_ready(ws->dp) & DP_EV_DRAINED)) {
			if (__atomic_load_n(&ws->nonblocking,
					__ATOMIC_RELAXED)) {
				wsp_sock_put(ws);
				*lpErrno = WSAEWOULDBLOCK;
				return SOCKET_ERROR;
			}
			abortive = linger_wait(ws, secs);
		}
	}
	if (!wsp_sock_close(ws, abortive, true)) {
		*lpErrno = WSAENOTSOCK;
		return SOCKET_ERROR;
	}
	return 0;
}

int WSPAPI
wsp_bind(SOCKET s, const struct sockaddr *name, int namelen, LPINT lpErrno)
{
	struct wsp_sock *ws = wsp_sock_get(s, lpErrno);
	struct dp_addr a;
	int ret;

	if (ws == NULL)
		return SOCKET_ERROR;
	ret = wsp_addr_from_sa(name, namelen, &a);
	if (ret != 0) {
		wsp_sock_put(ws);
		*lpErrno = ret;
		return SOCKET_ERROR;
	}
	if (wsp_ospath(ws))
		return wsp_ospath_bind(ws, name, namelen, lpErrno);
	switch (wsp_ospath_route(ws, &a, name, namelen, lpErrno)) {
	case WSP_PATH_OS:	/* bound by the decision */
		wsp_sock_put(ws);
		return 0;
	case -1:
		wsp_sock_put(ws);
		return SOCKET_ERROR;
	}
	ret = dp_sock_bind(ws->dp, &a);
	wsp_sock_put(ws);
	return ret == 0 ? 0 : wsp_fail(ret, lpErrno);
}

int WSPAPI
wsp_connect(SOCKET s, const struct sockaddr *name, int namelen,
		LPWSABUF caller, LPWSABUF callee, LPQOS sqos, LPQOS gqos,
		LPINT lpErrno)
{
	struct wsp_sock *ws = wsp_sock_get(s, lpErrno);
	const struct sockaddr_in *sin = (const struct sockaddr_in *)name;
	struct dp_addr a = { 0, 0 };
	int ret = 0;

	if (ws == NULL)
		return SOCKET_ERROR;
	/* Neither UDP nor TCP carries connect data; on a datagram socket
	 * AF_UNSPEC dissolves the association as the all-zero address
	 * does. */
	if (caller != NULL && caller->len != 0)
		ret = WSAEOPNOTSUPP;
	else if (name == NULL || namelen < (int)sizeof(*sin))
		ret = WSAEFAULT;
	else if (sin->sin_family != AF_UNSPEC || wsp_sock_is_stream(ws))
		ret = wsp_addr_from_sa(name, namelen, &a);
	if (ret == 0 && (a.ip != 0 || wsp_ospath(ws))) {
		switch (wsp_ospath_route(ws, &a, NULL, 0, lpErrno)) {
		case WSP_PATH_OS:
			return wsp_ospath_connect(ws, name, namelen, lpErrno);
		case -1:
			wsp_sock_put(ws);
			return SOCKET_ERROR;
		}
	}
	if (ret == 0 && wsp_sock_is_stream(ws))
		ret = wsp_stream_connect(ws, &a);
	else if (ret == 0 && (ret = dp_sock_connect(ws->dp, &a)) != 0)
		ret = wsp_error_from_errno(ret);
	wsp_sock_put(ws);
	if (ret != 0) {
		*lpErrno = ret;
		return SOCKET_ERROR;
	}
	return 0;
}

int WSPAPI
wsp_shutdown(SOCKET s, int how, LPINT lpErrno)
{
	struct wsp_sock *ws = wsp_sock_get(s, lpErrno);
	int err = 0;

	if (ws == NULL)
		return SOCKET_ERROR;
	if (wsp_ospath(ws))
		return wsp_ospath_shutdown(ws, how, lpErrno);
	if (how != SD_RECEIVE && how != SD_SEND && how != SD_BOTH) {
		wsp_sock_put(ws);
		*lpErrno = WSAEINVAL;
		return SOCKET_ERROR;
	}
	if (wsp_ext_ctx_stale(ws, WSP_EXT_CTX_ACCEPTED |
			WSP_EXT_CTX_CONNECTED))
		err = WSAENOTCONN;
	else if (wsp_sock_is_stream(ws))
		err = wsp_stream_shutdown(ws, how != SD_SEND,
			how != SD_RECEIVE);
	else
		dp_sock_shutdown(ws->dp, how != SD_SEND, how != SD_RECEIVE);
	wsp_sock_put(ws);
	if (err != 0) {
		*lpErrno = err;
		return SOCKET_ERROR;
	}
	return 0;
}

static int
name_of(SOCKET s, struct sockaddr *name, LPINT namelen, LPINT lpErrno,
		bool peer)
{
	struct wsp_sock *ws = wsp_sock_get(s, lpErrno);
	struct dp_addr a;
	int ret;

	if (ws == NULL)
		return SOCKET_ERROR;
	if (wsp_ospath(ws))
		return wsp_ospath_name(ws, name, namelen, peer, lpErrno);
	/* A stream has a peer while connected, not while connecting; an
	 * AcceptEx socket has no name either until its update. */
	if (peer && (wsp_ext_ctx_stale(ws, WSP_EXT_CTX_ACCEPTED |
			WSP_EXT_CTX_CONNECTED) || (wsp_sock_is_stream(ws) &&
			wsp_stream_state(ws) < DP_TCP_ESTABLISHED)))
		ret = -ENOTCONN;
	else if (!peer && wsp_ext_ctx_stale(ws, WSP_EXT_CTX_ACCEPTED))
		ret = -EINVAL;
	else
		ret = peer ? dp_sock_peer(ws->dp, &a) :
			dp_sock_name(ws->dp, &a);
	/* A connection's local address is the one it uses (our only
	 * one), whatever the bind said. */
	if (ret == 0 && !peer && a.ip == 0 && wsp_sock_is_stream(ws) &&
			wsp_stream_state(ws) >= DP_TCP_SYN_SENT) {
		uint32_t mtu;
		uint8_t prefix;

		dp_sock_local_if(&a.ip, &prefix, &mtu);
	}
	wsp_sock_put(ws);
	if (ret != 0)
		return wsp_fail(ret, lpErrno);
	ret = wsp_addr_to_sa(&a, name, namelen);
	if (ret != 0) {
		*lpErrno = ret;
		return SOCKET_ERROR;
	}
	return 0;
}

int WSPAPI
wsp_get_sock_name(SOCKET s, struct sockaddr *name, LPINT namelen,
		LPINT lpErrno)
{
	return name_of(s, name, namelen, lpErrno, false);
}

int WSPAPI
wsp_get_peer_name(SOCKET s, struct sockaddr *name, LPINT namelen,
		LPINT lpErrno)
{
	return name_of(s, name, namelen, lpErrno, true);
}
