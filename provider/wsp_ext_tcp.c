/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TCP extension functions (SIO_GET_EXTENSION_FUNCTION_POINTER):
 * AcceptEx, GetAcceptExSockaddrs, ConnectEx, DisconnectEx, TransmitFile
 * and TransmitPackets for memory buffers, and the SO_UPDATE_*_CONTEXT
 * options that follow AcceptEx and ConnectEx. Microsoft's page for each
 * call is the contract; each error below is the code it documents, or,
 * where it names none, the one Winsock uses for that kind of misuse.
 *
 * An overlapped call always pends (FALSE, WSA_IO_PENDING) and completes
 * once on the service thread (wsp_ovl_pend_ext); Windows may complete at
 * once too, and every framework handles both. One op moves through
 * phases: ConnectEx is connect then send, TransmitPackets send then,
 * with TF_DISCONNECT, disconnect; AcceptEx is accept then, with a
 * receive buffer, the first data.
 *
 * The accept socket becomes the connection: the handle the application
 * made is given the accepted dataplane socket, its own (never bound)
 * closed. TF_REUSE_SOCKET gives a disconnected socket a fresh dataplane
 * socket, as if just made. See wsp_sock.h on that exception to "dp is
 * constant".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dp_sock.h"
#include "wsp_addr.h"
#include "wsp_error.h"
#include "wsp_ext.h"
#include "wsp_ospath.h"
#include "wsp_ovl.h"
#include "wsp_sock.h"
#include "wsp_stream.h"

enum phase {
	PH_ACCEPT,		/* waiting for a connection */
	PH_ACCEPT_DATA,		/* ... and then for its first data */
	PH_CONNECT,		/* waiting for the handshake */
	PH_SEND,		/* queueing iov[cur..] */
	PH_DISCONNECT,		/* our FIN sent, waiting for its ACK */
};

struct tcp_op {
	struct wsp_ovl_ext x;		/* first: what wsp_ovl.c holds */
	struct wsp_sock *ws;		/* queued on (wsp_ovl.c holds it) */
	LPWSAOVERLAPPED ov;
	enum phase phase;
	DWORD flags;			/* TF_DISCONNECT, TF_REUSE_SOCKET */
	/* AcceptEx */
	struct wsp_accept_args a;	/* a.acc NULL: another op */
	struct dp_sock *child;		/* taken, not handed over yet */
	struct dp_addr peer;
	/* sends: iov[cur..] is what is left, done of total queued */
	DWORD done, total;
	unsigned int cur, niov;
	struct dp_iov iov[];
};

static BOOL
fail(int err)
{
	WSASetLastError(err);
	return FALSE;
}

static void
complete(struct tcp_op *op, DWORD err, DWORD bytes)
{
	wsp_ovl_complete(op->ws, op->ov, NULL, NULL, err, bytes, 0);
}

/* ws's dataplane socket becomes dp; the old one is closed. */
static void
replace_dp(struct wsp_sock *ws, struct dp_sock *dp, enum dp_close_mode m)
{
	struct dp_sock *old = ws->dp;

	__atomic_store_n(&ws->dp, dp, __ATOMIC_RELEASE);
	dp_sock_close(old, m);
}

/* TF_REUSE_SOCKET: a fresh, unbound socket behind the same handle. */
static int
reuse(struct wsp_sock *ws)
{
	struct dp_sock *dp;
	int ret = dp_sock_create(ws->protocol, &dp);

	if (ret != 0)
		return wsp_error_from_errno(ret);
	/* Whoever watches ws (a pending op) goes on hearing its events. */
	dp_sock_watch_set(ws->dp, NULL);
	dp_sock_watch_set(dp, ws);
	replace_dp(ws, dp, DP_CLOSE_GRACEFUL);
	__atomic_store_n(&ws->ext_ctx, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&ws->connecting, false, __ATOMIC_RELAXED);
	return 0;
}

/* The received data, then the local and the remote address, each at
 * the start of its own slot: GetAcceptExSockaddrs reads them there. */
static void
write_addrs(struct tcp_op *op)
{
	const struct wsp_accept_args *a = &op->a;
	char *l = a->out + a->data_len, *r = l + a->local_len;
	int ll = (int)a->local_len, rl = (int)a->remote_len;
	struct dp_addr local = { 0, 0 };

	dp_sock_name(op->child, &local);
	memset(l, 0, a->local_len + a->remote_len);
	wsp_addr_to_sa(&local, (struct sockaddr *)l, &ll);
	wsp_addr_to_sa(&op->peer, (struct sockaddr *)r, &rl);
}

static bool
accept_done(struct tcp_op *op, DWORD n)
{
	write_addrs(op);
	replace_dp(op->a.acc, op->child, DP_CLOSE_ABORT);
	op->child = NULL;
	__atomic_store_n(&op->a.acc->ext_ctx, WSP_EXT_CTX_ACCEPTED,
		__ATOMIC_RELEASE);
	complete(op, 0, n);
	return true;
}

static bool
try_accept(struct tcp_op *op)
{
	int ret;

	/* The accept socket was closed meanwhile: nothing to give the
	 * connection to, which stays queued for the next accept. */
	if (__atomic_load_n(&op->a.acc->ref, __ATOMIC_ACQUIRE) &
			WSP_SOCK_CLOSING) {
		complete(op, WSA_OPERATION_ABORTED, 0);
		return true;
	}
	ret = dp_sock_accept(op->ws->dp, &op->child, &op->peer,
		DP_F_NONBLOCK);
	if (ret == -EAGAIN)
		return false;
	if (ret != 0) {
		op->child = NULL;
		complete(op, (DWORD)wsp_error_from_errno(ret), 0);
		return true;
	}
	if (op->a.data_len == 0)
		return accept_done(op, 0);
	/* Its events now wake the listener, whose op this is. */
	op->phase = PH_ACCEPT_DATA;
	dp_sock_watch_set(op->child, op->ws);
	return false;
}

static bool
try_accept_data(struct tcp_op *op)
{
	struct dp_iov v = { op->a.out, op->a.data_len };
	long r;

	dp_sock_watch_rearm(op->child);
	r = dp_sock_recv(op->child, &v, 1, NULL, NULL, DP_F_NONBLOCK);
	if (r == -EAGAIN)
		return false;
	dp_sock_watch_set(op->child, NULL);
	if (r >= 0)		/* 0: the client closed without data */
		return accept_done(op, (DWORD)r);
	/* "The incoming connection was indicated, but was subsequently
	 * terminated by the remote peer prior to accepting the call." */
	dp_sock_close(op->child, DP_CLOSE_ABORT);
	op->child = NULL;
	complete(op, r == -ECONNRESET ? WSAECONNRESET :
		(DWORD)wsp_error_from_errno((int)r), 0);
	return true;
}

static bool try_disconnect(struct tcp_op *op);

static bool
try_send(struct tcp_op *op)
{
	while (op->done < op->total) {
		long r = dp_sock_send(op->ws->dp, op->iov + op->cur,
			op->niov - op->cur, NULL, DP_F_NONBLOCK);

		if (r == -EAGAIN)
			return false;
		if (r < 0) {
			complete(op, (DWORD)wsp_error_from_errno((int)
				wsp_stream_result(r)), op->done);
			return true;
		}
		op->done += (DWORD)r;
		while (r > 0 && op->cur < op->niov) {
			struct dp_iov *v = &op->iov[op->cur];
			size_t k = (size_t)r < v->len ? (size_t)r : v->len;

			v->base = (char *)v->base + k;
			v->len -= k;
			r -= (long)k;
			if (v->len == 0)
				op->cur++;
		}
	}
	if (!(op->flags & TF_DISCONNECT)) {
		complete(op, 0, op->done);
		return true;
	}
	dp_sock_shutdown(op->ws->dp, false, true);
	op->phase = PH_DISCONNECT;
	return try_disconnect(op);
}

static bool
try_connect(struct tcp_op *op)
{
	int st = wsp_stream_state(op->ws), e;

	if (st == DP_TCP_SYN_SENT || st == DP_TCP_SYN_RECEIVED)
		return false;
	if (st == DP_TCP_CLOSED) {
		e = dp_sock_take_error(op->ws->dp);
		complete(op, e != 0 ? (DWORD)wsp_error_from_errno(-e) :
			WSAECONNREFUSED, 0);
		return true;
	}
	__atomic_store_n(&op->ws->ext_ctx, WSP_EXT_CTX_CONNECTED,
		__ATOMIC_RELEASE);
	op->phase = PH_SEND;
	return try_send(op);
}

/* Our FIN acknowledged (or the connection gone): done; with
 * TF_REUSE_SOCKET the socket starts afresh. */
static bool
try_disconnect(struct tcp_op *op)
{
	int err = 0;

	if (!(dp_sock_ready(op->ws->dp) & DP_EV_DRAINED))
		return false;
	if (op->flags & TF_REUSE_SOCKET)
		err = reuse(op->ws);
	complete(op, (DWORD)err, op->done);
	return true;
}

static bool
op_try(struct wsp_ovl_ext *x)
{
	struct tcp_op *op = (struct tcp_op *)x;

	switch (op->phase) {
	case PH_ACCEPT:
		if (!try_accept(op))
			return op->phase == PH_ACCEPT_DATA &&
				try_accept_data(op);
		return true;
	case PH_ACCEPT_DATA:
		return try_accept_data(op);
	case PH_CONNECT:
		return try_connect(op);
	case PH_SEND:
		return try_send(op);
	case PH_DISCONNECT:
		return try_disconnect(op);
	}
	return true;
}

static void
op_end(struct wsp_ovl_ext *x, bool aborted, bool notify)
{
	struct tcp_op *op = (struct tcp_op *)x;

	if (op->child != NULL) {
		dp_sock_watch_set(op->child, NULL);
		dp_sock_close(op->child, DP_CLOSE_ABORT);
	}
	if (aborted && notify)
		complete(op, WSA_OPERATION_ABORTED, op->done);
	else if (aborted)
		wsp_ovl_record(op->ov, WSA_OPERATION_ABORTED, op->done, 0);
	if (op->a.acc != NULL) {
		uint8_t busy = WSP_EXT_CTX_PENDING;

		/* Not handed a connection: free for another AcceptEx. */
		__atomic_compare_exchange_n(&op->a.acc->ext_ctx, &busy, 0,
			false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
		wsp_sock_put(op->a.acc);
	}
	free(op);
}

static struct tcp_op *
op_new(struct wsp_sock *ws, LPWSAOVERLAPPED ov, enum phase ph,
		unsigned int niov)
{
	struct tcp_op *op = calloc(1, sizeof(*op) +
		niov * sizeof(struct dp_iov));

	if (op == NULL)
		return NULL;
	op->x.try_fn = op_try;
	op->x.end_fn = op_end;
	op->ws = ws;
	op->ov = ov;
	op->phase = ph;
	op->niov = niov;
	return op;
}

/* Queue op; FALSE with WSA_IO_PENDING, or its error (op freed). */
static BOOL
pend(struct tcp_op *op)
{
	int err = wsp_ovl_pend_ext(op->ws, &op->x, op->ov);

	if (err != WSA_IO_PENDING) {
		op->x.end_fn(&op->x, false, false);
		return fail(err);
	}
	return fail(WSA_IO_PENDING);
}

/* ---- AcceptEx, GetAcceptExSockaddrs ---- */

int
wsp_accept_check(const struct wsp_sock *ls, const struct wsp_accept_args *a,
		LPWSAOVERLAPPED ov)
{
	if (!wsp_sock_is_stream(ls) || !wsp_sock_is_stream(a->acc))
		return WSAEOPNOTSUPP;
	/* lpOverlapped "cannot be NULL"; lpOutputBuffer "must be
	 * specified". */
	if (ov == NULL)
		return WSAEINVAL;
	if (a->out == NULL)
		return WSAEFAULT;
	if (a->local_len < WSP_ACCEPT_ADDR_SLOT ||
			a->remote_len < WSP_ACCEPT_ADDR_SLOT || a->acc == ls)
		return WSAEINVAL;
	return 0;
}

static int
accept_check(struct wsp_sock *ls, const struct wsp_accept_args *a,
		LPWSAOVERLAPPED ov)
{
	struct dp_addr n;
	int err = wsp_accept_check(ls, a, ov);

	if (err != 0)
		return err;
	if (wsp_stream_state(ls) != DP_TCP_LISTEN)
		return WSAEINVAL;
	/* "This socket must not be bound or connected." */
	if (dp_sock_name(a->acc->dp, &n) == 0)
		return WSAEINVAL;
	return 0;
}

BOOL WSAAPI
wsp_accept_ex(SOCKET ls_h, SOCKET acc_h, PVOID out, DWORD data_len,
		DWORD local_len, DWORD remote_len, LPDWORD rcvd,
		LPWSAOVERLAPPED ov)
{
	struct wsp_accept_args a = { NULL, out, data_len, local_len,
		remote_len };
	struct wsp_sock *ls, *acc;
	struct tcp_op *op;
	uint8_t idle = 0;
	int err;

	(void)rcvd;	/* set only by a synchronous completion: never */
	ls = wsp_sock_get(ls_h, &err);
	if (ls == NULL)
		return fail(err);
	acc = wsp_sock_get(acc_h, &err);
	if (acc == NULL) {
		wsp_sock_put(ls);
		return fail(err);
	}
	if (wsp_ospath(ls))
		return wsp_ospath_accept_ex(ls, acc, out, data_len, local_len,
			remote_len, rcvd, ov);
	a.acc = acc;
	err = accept_check(ls, &a, ov);
	/* One AcceptEx at a time per accept socket. */
	if (err == 0 && !__atomic_compare_exchange_n(&acc->ext_ctx, &idle,
			WSP_EXT_CTX_PENDING, false, __ATOMIC_ACQ_REL,
			__ATOMIC_ACQUIRE))
		err = WSAEINVAL;
	op = err == 0 ? op_new(ls, ov, PH_ACCEPT, 0) : NULL;
	if (err == 0 && op == NULL) {
		__atomic_store_n(&acc->ext_ctx, 0, __ATOMIC_RELEASE);
		err = WSAENOBUFS;
	}
	if (err != 0) {
		wsp_sock_put(acc);
		wsp_sock_put(ls);
		return fail(err);
	}
	op->a = a;		/* acc's reference is the op's now */
	err = pend(op);
	wsp_sock_put(ls);
	return err;
}

void WSAAPI
wsp_get_acceptex_sockaddrs(PVOID out, DWORD data_len, DWORD local_len,
		DWORD remote_len, struct sockaddr **local, LPINT llen,
		struct sockaddr **remote, LPINT rlen)
{
	char *l = (char *)out + data_len;
	bool ok = out != NULL && local_len >= WSP_ACCEPT_ADDR_SLOT &&
		remote_len >= WSP_ACCEPT_ADDR_SLOT;

	/* It returns nothing: a layout AcceptEx cannot have written
	 * yields no addresses. */
	if (local != NULL)
		*local = ok ? (struct sockaddr *)l : NULL;
	if (llen != NULL)
		*llen = ok ? (int)sizeof(struct sockaddr_in) : 0;
	if (remote != NULL)
		*remote = ok ? (struct sockaddr *)(l + local_len) : NULL;
	if (rlen != NULL)
		*rlen = ok ? (int)sizeof(struct sockaddr_in) : 0;
}

/* ---- ConnectEx ---- */

static int
connect_check(struct wsp_sock *ws, const struct sockaddr *name,
		int namelen, PVOID buf, DWORD len, LPWSAOVERLAPPED ov,
		struct dp_addr *peer)
{
	struct dp_addr a;
	int err;

	if (!wsp_sock_is_stream(ws))
		return WSAEOPNOTSUPP;
	if (ov == NULL)		/* "must be valid, and cannot be NULL" */
		return WSAEINVAL;
	if (name == NULL || namelen < (int)sizeof(struct sockaddr_in) ||
			(buf == NULL && len != 0))
		return WSAEFAULT;
	err = wsp_addr_from_sa(name, namelen, peer);
	if (err != 0)
		return err;
	if (wsp_stream_state(ws) >= DP_TCP_ESTABLISHED)
		return WSAEISCONN;
	/* "An unconnected, previously bound socket." */
	if (dp_sock_name(ws->dp, &a) != 0)
		return WSAEINVAL;
	return 0;
}

BOOL WSAAPI
wsp_connect_ex(SOCKET s, const struct sockaddr *name, int namelen,
		PVOID buf, DWORD len, LPDWORD sent, LPWSAOVERLAPPED ov)
{
	struct wsp_sock *ws = NULL;
	struct tcp_op *op = NULL;
	struct dp_addr peer;
	int err, ret;
	BOOL r;

	(void)sent;	/* set only by a synchronous completion: never */
	ws = wsp_sock_get(s, &err);
	if (ws == NULL)
		return fail(err);
	/* The destination decides the path, as connect's does. */
	if (!wsp_ospath(ws)) {
		err = connect_check(ws, name, namelen, buf, len, ov, &peer);
		if (err == 0 && wsp_ospath_route(ws, &peer, NULL, 0, &err) < 0)
			err = err != 0 ? err : WSAEINVAL;
	}
	if (wsp_ospath(ws))
		return wsp_ospath_connect_ex(ws, name, namelen, buf, len, sent,
			ov);
	if (err == 0) {
		op = op_new(ws, ov, PH_CONNECT, 1);
		if (op == NULL)
			err = WSAENOBUFS;
	}
	if (err == 0) {
		ret = dp_sock_connect_flags(ws->dp, &peer, DP_F_NONBLOCK);
		if (ret != 0 && ret != -EINPROGRESS)
			err = wsp_error_from_errno(ret);
	}
	if (err != 0) {
		free(op);
		wsp_sock_put(ws);
		return fail(err);
	}
	op->iov[0] = (struct dp_iov){ buf, len };
	op->total = len;
	r = pend(op);
	wsp_sock_put(ws);
	return r;
}

/* ---- DisconnectEx, TransmitFile, TransmitPackets ---- */

static int
connected_stream(struct wsp_sock *ws)
{
	if (!wsp_sock_is_stream(ws))
		return WSAEOPNOTSUPP;
	if (wsp_stream_state(ws) < DP_TCP_ESTABLISHED)
		return WSAENOTCONN;
	return 0;
}

/* The calling thread's version: send it all, then disconnect if asked
 * and wait for our FIN's ACK. */
static int
transmit_now(struct wsp_sock *ws, const struct dp_iov *iov,
		unsigned int niov, DWORD total, DWORD flags)
{
	long r = total == 0 ? 0 : dp_sock_send(ws->dp, iov, niov, NULL, 0);
	int ret;

	if (r < 0)
		return wsp_error_from_errno((int)wsp_stream_result(r));
	if (!(flags & TF_DISCONNECT))
		return 0;
	dp_sock_shutdown(ws->dp, false, true);
	do
		ret = wsp_sock_wait(ws, DP_EV_DRAINED, -1);
	while (ret == -ETIMEDOUT);
	if (ret != 0)
		return wsp_error_from_errno(ret);
	return flags & TF_REUSE_SOCKET ? reuse(ws) : 0;
}

/* Send iov (then disconnect, with flags), overlapped or not. */
static BOOL
transmit(struct wsp_sock *ws, const struct dp_iov *iov, unsigned int niov,
		LPWSAOVERLAPPED ov, DWORD flags)
{
	struct tcp_op *op;
	DWORD total = 0;
	int err;

	for (unsigned int i = 0; i < niov; i++)
		total += (DWORD)iov[i].len;
	if (ov == NULL) {
		err = transmit_now(ws, iov, niov, total, flags);
		return err == 0 ? TRUE : fail(err);
	}
	op = op_new(ws, ov, PH_SEND, niov);
	if (op == NULL)
		return fail(WSAENOBUFS);
	if (niov > 0)
		memcpy(op->iov, iov, niov * sizeof(*iov));
	op->total = total;
	op->flags = flags;
	return pend(op);
}

static int
tf_flags_check(DWORD flags)
{
	if (flags & ~(DWORD)(TF_DISCONNECT | TF_REUSE_SOCKET |
			TF_WRITE_BEHIND | TF_USE_SYSTEM_THREAD |
			TF_USE_KERNEL_APC))
		return WSAEINVAL;
	/* TF_REUSE_SOCKET "is valid only if TF_DISCONNECT is also
	 * specified". */
	if ((flags & TF_REUSE_SOCKET) && !(flags & TF_DISCONNECT))
		return WSAEINVAL;
	return 0;
}

BOOL WSAAPI
wsp_disconnect_ex(SOCKET s, LPWSAOVERLAPPED ov, DWORD flags,
		DWORD reserved)
{
	struct wsp_sock *ws;
	int err;
	BOOL r;

	ws = wsp_sock_get(s, &err);
	if (ws == NULL)
		return fail(err);
	if (wsp_ospath(ws))
		return wsp_ospath_disconnect_ex(ws, ov, flags, reserved);
	/* Only TF_REUSE_SOCKET; dwReserved "must be zero". */
	if ((flags & ~(DWORD)TF_REUSE_SOCKET) || reserved != 0)
		err = WSAEINVAL;
	else
		err = connected_stream(ws);
	r = err != 0 ? fail(err) :
		transmit(ws, NULL, 0, ov, flags | TF_DISCONNECT);
	wsp_sock_put(ws);
	return r;
}

BOOL WSAAPI
wsp_transmit_file(SOCKET s, HANDLE file, DWORD nbytes, DWORD per_send,
		LPWSAOVERLAPPED ov, LPTRANSMIT_FILE_BUFFERS tfb, DWORD flags)
{
	struct dp_iov iov[2];
	unsigned int n = 0;
	struct wsp_sock *ws;
	int err;
	BOOL r;

	ws = wsp_sock_get(s, &err);
	if (ws == NULL)
		return fail(err);
	if (wsp_ospath(ws))
		return wsp_ospath_transmit_file(ws, file, nbytes, per_send, ov,
			tfb, flags);
	(void)nbytes;
	(void)per_send;		/* a hint; our segments are MSS-sized */
	err = tf_flags_check(flags);
	/* Files cannot be read here: only memory goes out. */
	if (err == 0 && file != NULL)
		err = WSAEOPNOTSUPP;
	if (err == 0 && tfb != NULL && ((tfb->Head == NULL &&
			tfb->HeadLength != 0) || (tfb->Tail == NULL &&
			tfb->TailLength != 0)))
		err = WSAEFAULT;
	if (err == 0)
		err = connected_stream(ws);
	if (err == 0 && tfb != NULL && tfb->HeadLength != 0)
		iov[n++] = (struct dp_iov){ tfb->Head, tfb->HeadLength };
	if (err == 0 && tfb != NULL && tfb->TailLength != 0)
		iov[n++] = (struct dp_iov){ tfb->Tail, tfb->TailLength };
	r = err != 0 ? fail(err) : transmit(ws, iov, n, ov, flags);
	wsp_sock_put(ws);
	return r;
}

/* The elements as iovs: 0, WSAEINVAL (a malformed element),
 * WSAEOPNOTSUPP (a file), WSAEFAULT (a memory element without memory). */
static int
packets_iov(const TRANSMIT_PACKETS_ELEMENT *el, DWORD n, struct dp_iov *iov)
{
	for (DWORD i = 0; i < n; i++) {
		ULONG kind = el[i].dwElFlags & (TP_ELEMENT_MEMORY |
			TP_ELEMENT_FILE);

		if ((el[i].dwElFlags & ~(ULONG)(TP_ELEMENT_MEMORY |
				TP_ELEMENT_FILE | TP_ELEMENT_EOP)) ||
				(kind != TP_ELEMENT_MEMORY &&
				kind != TP_ELEMENT_FILE))
			return WSAEINVAL;
		if (kind == TP_ELEMENT_FILE)
			return WSAEOPNOTSUPP;
		if (el[i].pBuffer == NULL && el[i].cLength != 0)
			return WSAEFAULT;
		iov[i] = (struct dp_iov){ el[i].pBuffer, el[i].cLength };
	}
	return 0;
}

BOOL WSAAPI
wsp_transmit_packets(SOCKET s, LPTRANSMIT_PACKETS_ELEMENT el, DWORD n,
		DWORD send_size, LPWSAOVERLAPPED ov, DWORD flags)
{
	struct dp_iov *iov = NULL;
	struct wsp_sock *ws;
	int err;
	BOOL r;

	ws = wsp_sock_get(s, &err);
	if (ws == NULL)
		return fail(err);
	if (wsp_ospath(ws))
		return wsp_ospath_transmit_packets(ws, el, n, send_size, ov,
			flags);
	(void)send_size;	/* a hint, as TransmitFile's */
	err = tf_flags_check(flags);
	if (err == 0 && el == NULL && n != 0)
		err = WSAEFAULT;
	if (err == 0 && n != 0 && (iov = calloc(n, sizeof(*iov))) == NULL)
		err = WSAENOBUFS;
	if (err == 0)
		err = packets_iov(el, n, iov);
	if (err == 0)
		err = connected_stream(ws);
	r = err != 0 ? fail(err) : transmit(ws, iov, n, ov, flags);
	free(iov);
	wsp_sock_put(ws);
	return r;
}

/* ---- SO_UPDATE_ACCEPT_CONTEXT, SO_UPDATE_CONNECT_CONTEXT ---- */

/* The listener's properties, which an AcceptEx socket does not inherit
 * until this option names the listener (AcceptEx remarks). */
static int
update_accept(struct wsp_sock *ws, const char *v, int len)
{
	struct wsp_sock *ls;
	SOCKET h;
	int err;

	if (v == NULL || len < (int)sizeof(h))
		return WSAEFAULT;
	if (!(__atomic_load_n(&ws->ext_ctx, __ATOMIC_ACQUIRE) &
			WSP_EXT_CTX_ACCEPTED))
		return WSAEINVAL;
	memcpy(&h, v, sizeof(h));
	ls = wsp_sock_get(h, &err);
	if (ls == NULL)
		return err;
	err = wsp_stream_state(ls) == DP_TCP_LISTEN ? 0 : WSAEINVAL;
	if (err == 0) {
		__atomic_store_n(&ws->nonblocking, __atomic_load_n(
			&ls->nonblocking, __ATOMIC_RELAXED), __ATOMIC_RELAXED);
		__atomic_store_n(&ws->linger, __atomic_load_n(&ls->linger,
			__ATOMIC_RELAXED), __ATOMIC_RELAXED);
		wsp_stream_inherit_opts(ls->dp, ws->dp);
		err = wsp_sock_set_keepalive(ws, __atomic_load_n(
			&ls->keepalive, __ATOMIC_RELAXED), 0, 0);
	}
	wsp_sock_put(ls);
	if (err == 0)
		__atomic_fetch_or(&ws->ext_ctx, WSP_EXT_CTX_UPDATED,
			__ATOMIC_ACQ_REL);
	return err;
}

int
wsp_ext_tcp_update_context(struct wsp_sock *ws, int name, const char *v,
		int len)
{
	if (!wsp_sock_is_stream(ws))
		return WSAENOPROTOOPT;
	if (name == SO_UPDATE_ACCEPT_CONTEXT)
		return update_accept(ws, v, len);
	/* SO_UPDATE_CONNECT_CONTEXT takes no value: it checks there was a
	 * ConnectEx and lets the socket be named and shut down. */
	if (!(__atomic_load_n(&ws->ext_ctx, __ATOMIC_ACQUIRE) &
			WSP_EXT_CTX_CONNECTED))
		return WSAENOTCONN;
	__atomic_fetch_or(&ws->ext_ctx, WSP_EXT_CTX_UPDATED,
		__ATOMIC_ACQ_REL);
	return 0;
}
