/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Socket lifetime and naming entries: WSPSocket, WSPCloseSocket, WSPBind,
 * WSPConnect, WSPShutdown, WSPGetSockName, WSPGetPeerName, and the
 * stream-only WSPListen/WSPAccept for datagram sockets.
 *
 * Each entry is a thin shim (style.md R5): resolve the handle, check the
 * arguments Winsock documents, call the dataplane, map its errno.
 */
#include <string.h>

#include "dp_sock.h"
#include "wsp_addr.h"
#include "wsp_log.h"
#include "wsp_priv.h"
#include "wsp_sock.h"

/* Resolve (af, type, protocol) the way Ws2_32 hands them to us: 0 and
 * FROM_PROTOCOL_INFO take the value from the catalog entry. */
static int
resolve_triple(int *af, int *type, int *proto,
		const WSAPROTOCOL_INFOW *info)
{
	if (*af == FROM_PROTOCOL_INFO || *af == 0)
		*af = info != NULL ? info->iAddressFamily : AF_INET;
	if (*type == FROM_PROTOCOL_INFO || *type == 0)
		*type = info != NULL ? info->iSocketType : SOCK_DGRAM;
	if (*proto == FROM_PROTOCOL_INFO)
		*proto = info != NULL ? info->iProtocol : 0;
	if (*af != AF_INET)
		return WSAEAFNOSUPPORT;
	if (*type != SOCK_DGRAM)
		return WSAESOCKTNOSUPPORT;	/* TCP: a later stage */
	if (*proto == 0)
		*proto = IPPROTO_UDP;
	if (*proto == IPPROTO_TCP)
		return WSAEPROTOTYPE;
	if (*proto != IPPROTO_UDP)
		return WSAEPROTONOSUPPORT;
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
	return wsp_sock_open(&attr, lpErrno);
}

/*
 * winsock-spi.md §4.1: the default (SO_DONTLINGER) returns at once and
 * the queue still goes out; {1,0} drops it; {1,n} waits up to n seconds
 * on a blocking socket and then drops what is left, and on a
 * non-blocking one fails WSAEWOULDBLOCK leaving the socket open.
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
			abortive = wsp_sock_wait(ws, DP_EV_DRAINED,
				(int64_t)secs * 1000000) != 0;
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
	/* UDP carries no connect data; AF_UNSPEC dissolves the association
	 * as the all-zero address does. */
	if (caller != NULL && caller->len != 0)
		ret = WSAEOPNOTSUPP;
	else if (name == NULL || namelen < (int)sizeof(*sin))
		ret = WSAEFAULT;
	else if (sin->sin_family != AF_UNSPEC)
		ret = wsp_addr_from_sa(name, namelen, &a);
	if (ret != 0) {
		wsp_sock_put(ws);
		*lpErrno = ret;
		return SOCKET_ERROR;
	}
	ret = dp_sock_connect(ws->dp, &a);
	wsp_sock_put(ws);
	return ret == 0 ? 0 : wsp_fail(ret, lpErrno);
}

int WSPAPI
wsp_shutdown(SOCKET s, int how, LPINT lpErrno)
{
	struct wsp_sock *ws = wsp_sock_get(s, lpErrno);

	if (ws == NULL)
		return SOCKET_ERROR;
	if (how != SD_RECEIVE && how != SD_SEND && how != SD_BOTH) {
		wsp_sock_put(ws);
		*lpErrno = WSAEINVAL;
		return SOCKET_ERROR;
	}
	dp_sock_shutdown(ws->dp, how != SD_SEND, how != SD_RECEIVE);
	wsp_sock_put(ws);
	return 0;
}

static int
name_of(SOCKET s, struct sockaddr *name, LPINT namelen, LPINT lpErrno,
		int (*get)(struct dp_sock *, struct dp_addr *))
{
	struct wsp_sock *ws = wsp_sock_get(s, lpErrno);
	struct dp_addr a;
	int ret;

	if (ws == NULL)
		return SOCKET_ERROR;
	ret = get(ws->dp, &a);
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
	return name_of(s, name, namelen, lpErrno, dp_sock_name);
}

int WSPAPI
wsp_get_peer_name(SOCKET s, struct sockaddr *name, LPINT namelen,
		LPINT lpErrno)
{
	return name_of(s, name, namelen, lpErrno, dp_sock_peer);
}

/* Stream-only calls on our (datagram) sockets. */
static int
stream_only(SOCKET s, LPINT lpErrno)
{
	struct wsp_sock *ws = wsp_sock_get(s, lpErrno);

	if (ws == NULL)
		return SOCKET_ERROR;
	wsp_sock_put(ws);
	*lpErrno = WSAEOPNOTSUPP;
	return SOCKET_ERROR;
}

int WSPAPI
wsp_listen(SOCKET s, int backlog, LPINT lpErrno)
{
	return stream_only(s, lpErrno);
}

SOCKET WSPAPI
wsp_accept(SOCKET s, struct sockaddr *addr, LPINT addrlen,
		LPCONDITIONPROC cond, DWORD_PTR cbdata, LPINT lpErrno)
{
	stream_only(s, lpErrno);
	return INVALID_SOCKET;
}

int WSPAPI
wsp_send_disconnect(SOCKET s, LPWSABUF data, LPINT lpErrno)
{
	return stream_only(s, lpErrno);
}

int WSPAPI
wsp_recv_disconnect(SOCKET s, LPWSABUF data, LPINT lpErrno)
{
	return stream_only(s, lpErrno);
}
