/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Stream (TCP) entries: WSPListen, WSPAccept with WSAAccept's condition
 * function, and the stream halves of WSPConnect, WSPShutdown and
 * WSPSelect (wsp_stream.h). The protocol is the dataplane's
 * (dataplane/tcp); this file holds the Winsock rules on top of it.
 *
 * An accepted socket inherits its listener's properties (WSPAccept):
 * FIONBIO, linger, SO_KEEPALIVE, the overlapped flag and the event
 * select (WSPEventSelect or WSPAsyncSelect) on the provider side,
 * buffer sizes, timeouts, TCP_NODELAY, TTL and TOS in the dataplane.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "dp_sock.h"
#include "wsp_addr.h"
#include "wsp_error.h"
#include "wsp_evsel.h"
#include "wsp_ospath.h"
#include "wsp_priv.h"
#include "wsp_sock.h"
#include "wsp_stream.h"

int
wsp_stream_state(struct wsp_sock *ws)
{
	int64_t v = DP_TCP_CLOSED;

	dp_sock_get_opt(ws->dp, DP_OPT_STATE, &v);
	return (int)v;
}

static bool
synced(int st)
{
	return st >= DP_TCP_ESTABLISHED;
}

static bool
has_peer(struct wsp_sock *ws)
{
	struct dp_addr a;

	return dp_sock_peer(ws->dp, &a) == 0;
}

int
wsp_stream_connect(struct wsp_sock *ws, const struct dp_addr *peer)
{
	bool nb = __atomic_load_n(&ws->nonblocking, __ATOMIC_RELAXED);
	int ret, e;

	ret = dp_sock_connect_flags(ws->dp, peer, nb ? DP_F_NONBLOCK : 0);
	if (ret == -EINPROGRESS) {
		__atomic_store_n(&ws->connecting, true, __ATOMIC_RELAXED);
		/* A refusal can come before connecting is set: the service
		 * thread then saw no connect to fail, and no event follows.
		 * Event select looks again (FD_CONNECT's error). */
		wsp_evsel_reenable(ws, 0);
		return WSAEWOULDBLOCK;
	}
	/* A connect after a non-blocking one failed reports that failure
	 * (if SO_ERROR did not take it); the socket is spent. */
	if (ret == -EISCONN && wsp_stream_state(ws) == DP_TCP_CLOSED) {
		e = dp_sock_take_error(ws->dp);
		return e != 0 ? wsp_error_from_errno(e) : WSAEINVAL;
	}
	return ret == 0 ? 0 : wsp_error_from_errno(ret);
}

int
wsp_stream_shutdown(struct wsp_sock *ws, bool rd, bool wr)
{
	if (!has_peer(ws) || wsp_stream_state(ws) == DP_TCP_LISTEN)
		return WSAENOTCONN;
	/* SD_RECEIVE: data queued or arriving later resets the
	 * connection (the dataplane's TCP does it). */
	dp_sock_shutdown(ws->dp, rd, wr);
	return 0;
}

/*
 * Winsock's select rules for streams: a listener is readable while a
 * connection waits; a non-blocking connect is writable once it is
 * established and exceptional once it failed, never both; a socket that
 * was never connected is not writable; no out-of-band data, so nothing
 * else is exceptional.
 */
unsigned int
wsp_stream_sel_ready(struct wsp_sock *ws, unsigned int ev)
{
	int st = wsp_stream_state(ws);
	unsigned int sel = 0;

	if (st == DP_TCP_LISTEN)
		return (ev & DP_EV_READ) || __atomic_load_n(&ws->deferred,
			__ATOMIC_ACQUIRE) != NULL ? WSP_SEL_READ : 0;
	if (__atomic_load_n(&ws->connecting, __ATOMIC_RELAXED)) {
		if (st == DP_TCP_SYN_SENT || st == DP_TCP_SYN_RECEIVED)
			return 0;
		if (st == DP_TCP_CLOSED)
			return WSP_SEL_EXCEPT;
		__atomic_store_n(&ws->connecting, false, __ATOMIC_RELAXED);
	}
	if (ev & DP_EV_READ)
		sel |= WSP_SEL_READ;
	if ((ev & DP_EV_WRITE) && (synced(st) || has_peer(ws)))
		sel |= WSP_SEL_WRITE;
	return sel;
}

/* SOMAXCONN asks for the most; SOMAXCONN_HINT(n) is -n. The dataplane
 * clamps to 1..DP_TCP_BACKLOG_MAX. */
static int
backlog_of(int backlog)
{
	if (backlog < 0)
		return backlog == INT_MIN ? INT_MAX : -backlog;
	return backlog;
}

int WSPAPI
wsp_listen(SOCKET s, int backlog, LPINT lpErrno)
{
	struct wsp_sock *ws = wsp_sock_get(s, lpErrno);
	int ret;

	if (ws == NULL)
		return SOCKET_ERROR;
	if (wsp_ospath(ws))
		return wsp_ospath_listen(ws, backlog, lpErrno);
	if (!wsp_sock_is_stream(ws))
		ret = -EOPNOTSUPP;
	else if (synced(wsp_stream_state(ws)))
		ret = -EISCONN;
	else
		ret = dp_sock_listen(ws->dp, backlog_of(backlog));
	wsp_sock_put(ws);
	return ret == 0 ? 0 : wsp_fail(ret, lpErrno);
}

static int
accept_check(struct wsp_sock *ws, const struct sockaddr *addr,
		const int *addrlen)
{
	if (!wsp_sock_is_stream(ws))
		return WSAEOPNOTSUPP;
	if (wsp_stream_state(ws) != DP_TCP_LISTEN)
		return WSAEINVAL;
	/* Checked before a connection is taken, so a bad buffer leaves it
	 * queued for the next call. */
	if (addr != NULL && (addrlen == NULL ||
			*addrlen < (int)sizeof(struct sockaddr_in)))
		return WSAEFAULT;
	return 0;
}

/* The deferred connection, or the next one queued (blocking or not). */
static int
take(struct wsp_sock *ws, struct dp_sock **child, struct dp_addr *peer)
{
	bool nb = __atomic_load_n(&ws->nonblocking, __ATOMIC_RELAXED);
	int ret;

	*child = __atomic_exchange_n(&ws->deferred, NULL, __ATOMIC_ACQ_REL);
	if (*child != NULL) {
		dp_sock_peer(*child, peer);
		return 0;
	}
	/* SO_RCVTIMEO does not bound accept in Winsock: a blocking accept
	 * waits until a connection comes or the socket is closed. */
	do
		ret = dp_sock_accept(ws->dp, child, peer,
			nb ? DP_F_NONBLOCK : 0);
	while (ret == -ETIMEDOUT && !nb);
	return ret == 0 ? 0 : wsp_error_from_errno(ret);
}

/*
 * WSAAccept's condition function, in the calling thread. The handshake
 * is already complete (Winsock's default, without SO_CONDITIONAL_ACCEPT),
 * so CF_REJECT resets the connection; CF_DEFER keeps it for the next
 * accept, which asks again.
 */
static int
ask(struct wsp_sock *ws, struct dp_sock *child, const struct dp_addr *peer,
		LPCONDITIONPROC cond, DWORD_PTR cbdata)
{
	struct sockaddr_in caller, callee;
	int clen = sizeof(caller), elen = sizeof(callee);
	WSABUF caller_id = { sizeof(caller), (char *)&caller };
	WSABUF callee_id = { sizeof(callee), (char *)&callee };
	struct dp_addr local;
	GROUP g = 0;
	int r;

	wsp_addr_to_sa(peer, (struct sockaddr *)&caller, &clen);
	if (dp_sock_name(child, &local) != 0)
		local = (struct dp_addr){ 0, 0 };
	wsp_addr_to_sa(&local, (struct sockaddr *)&callee, &elen);
	r = cond(&caller_id, NULL, NULL, NULL, &callee_id, NULL, &g, cbdata);
	if (r == CF_ACCEPT)
		return 0;
	if (r == CF_DEFER) {
		struct dp_sock *none = NULL;

		/* One connection is held; another thread's deferral in the
		 * same instant loses its connection to a reset (XXX). */
		if (__atomic_compare_exchange_n(&ws->deferred, &none, child,
				false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			return WSATRY_AGAIN;
	}
	dp_sock_close(child, DP_CLOSE_ABORT);
	return r == CF_REJECT || r == CF_DEFER ? WSAECONNREFUSED : WSAEINVAL;
}

void
wsp_stream_inherit_opts(struct dp_sock *from, struct dp_sock *to)
{
	static const enum dp_opt opts[] = {
		DP_OPT_RCVBUF, DP_OPT_SNDBUF, DP_OPT_RCVTIMEO,
		DP_OPT_SNDTIMEO, DP_OPT_NODELAY, DP_OPT_TTL, DP_OPT_TOS,
	};
	int64_t v;

	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (dp_sock_get_opt(from, opts[i], &v) == 0)
			dp_sock_set_opt(to, opts[i], v);
}

SOCKET WSPAPI
wsp_accept(SOCKET s, struct sockaddr *addr, LPINT addrlen,
		LPCONDITIONPROC cond, DWORD_PTR cbdata, LPINT lpErrno)
{
	struct wsp_sock *ws = wsp_sock_get(s, lpErrno);
	struct wsp_sock_attr attr;
	struct dp_sock *child;
	struct dp_addr peer;
	SOCKET h = INVALID_SOCKET;
	int err;

	if (ws == NULL)
		return INVALID_SOCKET;
	if (wsp_ospath(ws))
		return wsp_ospath_accept(ws, addr, addrlen, cond, cbdata,
			lpErrno);
	err = accept_check(ws, addr, addrlen);
	if (err == 0) {
		err = take(ws, &child, &peer);
		wsp_evsel_reenable(ws, FD_ACCEPT);
	}
	if (err == 0 && cond != NULL)
		err = ask(ws, child, &peer, cond, cbdata);
	if (err == 0) {
		wsp_stream_inherit_opts(ws->dp, child);
		attr = (struct wsp_sock_attr){ .type = ws->type,
			.protocol = ws->protocol, .overlapped = ws->overlapped,
			.info = ws->info, .parent = ws, .adopt = child };
		h = wsp_sock_open(&attr, &err);
	}
	if (h != INVALID_SOCKET) {
		int e;

		err = wsp_evsel_inherit(ws, h);
		if (err != 0) {
			wsp_close_socket(h, &e);
			h = INVALID_SOCKET;
		}
	}
	if (h != INVALID_SOCKET && addr != NULL)
		wsp_addr_to_sa(&peer, addr, addrlen);
	wsp_sock_put(ws);
	if (h == INVALID_SOCKET)
		*lpErrno = err;
	return h;
}

/* Disconnect data is not part of TCP (WSPSendDisconnect et al.). */
static int
disconnect(SOCKET s, LPWSABUF data, bool rd, LPINT lpErrno)
{
	struct wsp_sock *ws = wsp_sock_get(s, lpErrno);
	int err;

	if (ws == NULL)
		return SOCKET_ERROR;
	if (!wsp_sock_is_stream(ws))
		err = WSAEOPNOTSUPP;
	else if (data != NULL && data->len != 0)
		err = WSAENOPROTOOPT;
	else
		err = wsp_stream_shutdown(ws, rd, !rd);
	wsp_sock_put(ws);
	if (err != 0) {
		*lpErrno = err;
		return SOCKET_ERROR;
	}
	return 0;
}

int WSPAPI
wsp_send_disconnect(SOCKET s, LPWSABUF data, LPINT lpErrno)
{
	return disconnect(s, data, false, lpErrno);
}

int WSPAPI
wsp_recv_disconnect(SOCKET s, LPWSABUF data, LPINT lpErrno)
{
	return disconnect(s, data, true, lpErrno);
}
