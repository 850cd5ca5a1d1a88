/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wsp_ospath_ext.c: AcceptEx, ConnectEx and SO_UPDATE_ACCEPT_CONTEXT on
 * OS path sockets (issue #15 item 2; provider/README.md, "Overlapped I/O
 * on the OS path").
 *
 * The application got our extension functions (wsp_ext.c) and calls them
 * with our handles; for an OS path socket each is the OS provider's own
 * function (asked of it through its WSPIoctl, as a layered provider does)
 * called on the lower sockets with an overlapped of ours, its end turned
 * into the application's completion exactly once by wsp_ospath_ovl.c.
 *
 * AcceptEx: the accept socket, still undecided, follows its listener to
 * the OS path (its lower socket made now); the completion is the
 * listener's, as on Windows. The address slots are rewritten in our
 * layout from the OS provider's GetAcceptExSockaddrs, since the
 * application reads them with ours (GetAcceptExSockaddrs is asked of
 * whichever socket, before any path is decided).
 * ConnectEx: the destination decides the path, as connect's does; a
 * socket bound to INADDR_ANY (what asyncio and Asio do first) goes to the
 * OS path for 127.0.0.1 and is bound there to the same port.
 * DisconnectEx, TransmitFile, TransmitPackets: forwarded as they are
 * (without an overlapped the lower call waits, as the call's caller
 * does); TF_REUSE_SOCKET leaves the socket on the OS path, its lower
 * socket reused by the OS provider.
 */
#include <stdlib.h>
#include <string.h>

#include "wsp_addr.h"
#include "wsp_ext.h"
#include "wsp_ospath.h"
#include "wsp_osprov.h"
#include "wsp_priv.h"

static BOOL
fail(int err)
{
	WSASetLastError(err);
	return FALSE;
}

void *
wsp_ospath_lower_fn(SOCKET l, GUID id, LPINT err)
{
	void *fn = NULL;
	DWORD ret = 0;

	if (wsp_osprov_lower_table()->lpWSPIoctl(l,
			SIO_GET_EXTENSION_FUNCTION_POINTER, &id, sizeof(id),
			&fn, sizeof(fn), &ret, NULL, NULL, NULL, err) != 0)
		return NULL;
	if (fn == NULL)
		*err = WSAEOPNOTSUPP;
	return fn;
}

/* ---- AcceptEx ---- */

struct accept_arg {
	struct wsp_accept_args a;
	LPFN_ACCEPTEX fn;
	LPFN_GETACCEPTEXSOCKADDRS addrs;
};

static int
accept_start(void *xarg, SOCKET l, LPWSAOVERLAPPED lov, LPDWORD bytes,
		LPINT err)
{
	struct accept_arg *x = xarg;
	const struct wsp_accept_args *a = &x->a;
	SOCKET acc = wsp_ospath_enter(a->acc, err);
	BOOL ok;

	if (acc == INVALID_SOCKET)
		return SOCKET_ERROR;
	ok = x->fn(l, acc, a->out, a->data_len, a->local_len,
		a->remote_len, bytes, lov);
	if (!ok)
		*err = WSAGetLastError();
	wsp_ospath_leave(a->acc);
	return ok ? 0 : SOCKET_ERROR;
}

/* One address into the start of its slot (zeroed). */
static void
put_addr(char *slot, DWORD size, const struct sockaddr *sa, int len)
{
	char tmp[sizeof(struct sockaddr_in)];
	size_t n = sa == NULL || len <= 0 ? 0 :
		(size_t)len < sizeof(tmp) ? (size_t)len : sizeof(tmp);

	if (n > 0)
		memcpy(tmp, sa, n);
	memset(slot, 0, size);
	memcpy(slot, tmp, n);
}

static void
accept_end(void *xarg, DWORD *res_err, DWORD bytes, DWORD *flags)
{
	struct accept_arg *x = xarg;
	const struct wsp_accept_args *a = &x->a;
	struct sockaddr *l = NULL, *r = NULL;
	struct sockaddr_in ls, rs;
	int ll = 0, rl = 0;

	(void)bytes;
	(void)flags;
	if (*res_err != 0)
		return;
	x->addrs(a->out, a->data_len, a->local_len, a->remote_len, &l, &ll,
		&r, &rl);
	/* Both read before either slot is written: they may overlap. */
	memset(&ls, 0, sizeof(ls));
	memset(&rs, 0, sizeof(rs));
	if (l != NULL && ll > 0)
		memcpy(&ls, l, (size_t)ll < sizeof(ls) ? (size_t)ll :
			sizeof(ls));
	if (r != NULL && rl > 0)
		memcpy(&rs, r, (size_t)rl < sizeof(rs) ? (size_t)rl :
			sizeof(rs));
	put_addr(a->out + a->data_len, a->local_len,
		(struct sockaddr *)&ls, ll);
	put_addr(a->out + a->data_len + a->local_len, a->remote_len,
		(struct sockaddr *)&rs, rl);
}

static void
accept_release(void *xarg)
{
	struct accept_arg *x = xarg;

	wsp_sock_put(x->a.acc);
	free(x);
}

static const struct wsp_ospath_xfn accept_xfn = {
	.start = accept_start,
	.end = accept_end,
	.release = accept_release,
};

/* The listener's local address (for the accept socket's log line). */
static uint32_t
bound_ip(SOCKET l)
{
	struct sockaddr_in sin;
	int len = sizeof(sin), e;

	if (wsp_osprov_lower_table()->lpWSPGetSockName(l,
			(struct sockaddr *)&sin, &len, &e) != 0)
		return 0;
	return ntohl(sin.sin_addr.s_addr);
}

BOOL
wsp_ospath_accept_ex(struct wsp_sock *ls, struct wsp_sock *acc, PVOID out,
		DWORD data_len, DWORD local_len, DWORD remote_len,
		LPDWORD rcvd, LPWSAOVERLAPPED ov)
{
	struct wsp_accept_args args = { acc, out, data_len, local_len,
		remote_len };
	struct accept_arg *x = NULL;
	int err, r;
	SOCKET l = wsp_ospath_enter(ls, &err);

	if (l == INVALID_SOCKET) {
		wsp_sock_put(acc);
		wsp_sock_put(ls);
		return fail(err);
	}
	err = wsp_accept_check(ls, &args, ov);
	/* "This socket must not be bound or connected." */
	if (err == 0 && !wsp_ospath(acc) && dp_sock_name(acc->dp,
			&(struct dp_addr){ 0, 0 }) == 0)
		err = WSAEINVAL;
	if (err == 0) {
		x = calloc(1, sizeof(*x));
		if (x == NULL)
			err = WSAENOBUFS;
	}
	if (err == 0) {
		x->fn = (LPFN_ACCEPTEX)wsp_ospath_lower_fn(l,
			(GUID)WSAID_ACCEPTEX, &err);
		x->addrs = (LPFN_GETACCEPTEXSOCKADDRS)wsp_ospath_lower_fn(l,
			(GUID)WSAID_GETACCEPTEXSOCKADDRS, &err);
	}
	if (x != NULL && (x->fn == NULL || x->addrs == NULL)) {
		free(x);
		x = NULL;
	}
	if (x != NULL)
		wsp_ospath_follow(acc, ls, bound_ip(l), &err);
	wsp_ospath_leave(ls);
	if (x == NULL || err != 0) {
		free(x);
		wsp_sock_put(acc);
		wsp_sock_put(ls);
		return fail(err);
	}
	x->a = args;		/* acc's reference is the op's now */
	r = wsp_ospath_ovl_ext(ls, &accept_xfn, x, rcvd, ov, NULL,
		NULL, &err);
	wsp_sock_put(ls);
	return r == 0 ? TRUE : fail(err);
}

int
wsp_ospath_update_accept(struct wsp_sock *ws, SOCKET lower, const char *v,
		int len, LPINT err)
{
	struct wsp_sock *ls;
	SOCKET h, l;
	int r;

	if (v == NULL || len < (int)sizeof(h)) {
		*err = WSAEFAULT;
		return SOCKET_ERROR;
	}
	memcpy(&h, v, sizeof(h));
	ls = wsp_sock_get(h, err);
	if (ls == NULL)
		return SOCKET_ERROR;
	if (!wsp_ospath(ls)) {
		wsp_sock_put(ls);
		*err = WSAEINVAL;	/* not the listener it came from */
		return SOCKET_ERROR;
	}
	l = wsp_ospath_enter(ls, err);
	r = l == INVALID_SOCKET ? SOCKET_ERROR :
		wsp_osprov_lower_table()->lpWSPSetSockOpt(lower, SOL_SOCKET,
		SO_UPDATE_ACCEPT_CONTEXT, (const char *)&l, sizeof(l), err);
	if (l != INVALID_SOCKET)
		wsp_ospath_leave(ls);
	wsp_sock_put(ls);
	return r;
}

/* ---- ConnectEx ---- */

struct connect_arg {
	LPFN_CONNECTEX fn;
	struct sockaddr_in to;
	int tolen;
	PVOID buf;
	DWORD len;
};

static int
connect_start(void *xarg, SOCKET l, LPWSAOVERLAPPED lov, LPDWORD bytes,
		LPINT err)
{
	struct connect_arg *c = xarg;

	if (c->fn(l, (struct sockaddr *)&c->to, c->tolen, c->buf, c->len,
			bytes, lov))
		return 0;
	*err = WSAGetLastError();
	return SOCKET_ERROR;
}

static const struct wsp_ospath_xfn connect_xfn = {
	.start = connect_start,
	.release = free,
};

BOOL
wsp_ospath_connect_ex(struct wsp_sock *ws, const struct sockaddr *name,
		int namelen, PVOID buf, DWORD len, LPDWORD sent,
		LPWSAOVERLAPPED ov)
{
	struct connect_arg *c = NULL;
	int err = 0, r;

	if (!wsp_sock_is_stream(ws))
		err = WSAEOPNOTSUPP;
	else if (ov == NULL)	/* "must be valid, and cannot be NULL" */
		err = WSAEINVAL;
	else if (name == NULL || namelen < (int)sizeof(c->to) ||
			(buf == NULL && len != 0))
		err = WSAEFAULT;
	if (err == 0) {
		c = calloc(1, sizeof(*c));
		if (c == NULL)
			err = WSAENOBUFS;
	}
	if (c != NULL) {
		SOCKET l = wsp_ospath_enter(ws, &err);

		c->fn = l == INVALID_SOCKET ? NULL :
			(LPFN_CONNECTEX)wsp_ospath_lower_fn(l,
			(GUID)WSAID_CONNECTEX, &err);
		if (l != INVALID_SOCKET)
			wsp_ospath_leave(ws);
		if (c->fn == NULL) {
			free(c);
			c = NULL;
		}
	}
	if (c == NULL) {
		wsp_sock_put(ws);
		return fail(err);
	}
	memcpy(&c->to, name, sizeof(c->to));
	c->tolen = (int)sizeof(c->to);
	c->buf = buf;
	c->len = len;
	r = wsp_ospath_ovl_ext(ws, &connect_xfn, c, sent, ov, NULL,
		NULL, &err);
	wsp_sock_put(ws);
	return r == 0 ? TRUE : fail(err);
}

/* ---- DisconnectEx, TransmitFile, TransmitPackets ---- */

enum tf_kind { TF_KIND_DISCONNECT, TF_KIND_FILE, TF_KIND_PACKETS };

/* The call as the application made it, for the lower socket. */
struct tf_arg {
	enum tf_kind kind;
	void *fn;
	HANDLE file;
	DWORD nbytes, per_send, flags, reserved;
	LPTRANSMIT_FILE_BUFFERS tfb;
	LPTRANSMIT_PACKETS_ELEMENT el;
	DWORD n;
};

static BOOL
tf_call(const struct tf_arg *t, SOCKET l, LPWSAOVERLAPPED ov)
{
	switch (t->kind) {
	case TF_KIND_DISCONNECT:
		return ((LPFN_DISCONNECTEX)t->fn)(l, ov, t->flags,
			t->reserved);
	case TF_KIND_FILE:
		return ((LPFN_TRANSMITFILE)t->fn)(l, t->file, t->nbytes,
			t->per_send, ov, t->tfb, t->flags);
	default:
		return ((LPFN_TRANSMITPACKETS)t->fn)(l, t->el, t->n,
			t->per_send, ov, t->flags);
	}
}

static int
tf_start(void *xarg, SOCKET l, LPWSAOVERLAPPED lov, LPDWORD bytes,
		LPINT err)
{
	DWORD flags = 0;

	if (!tf_call(xarg, l, lov)) {
		*err = WSAGetLastError();
		return SOCKET_ERROR;
	}
	/* Finished now: these calls have no byte count of their own. */
	if (!wsp_osprov_lower_table()->lpWSPGetOverlappedResult(l, lov, bytes,
			FALSE, &flags, err))
		*bytes = 0;
	return 0;
}

static const struct wsp_ospath_xfn tf_xfn = {
	.start = tf_start,
	.release = free,
};

/* Forward t (a copy) on ws: at once without an overlapped (the lower
 * call waits), else as an op completing the application's. */
static BOOL
tf_forward(struct wsp_sock *ws, const struct tf_arg *t, LPWSAOVERLAPPED ov)
{
	static const GUID ids[] = {
		WSAID_DISCONNECTEX, WSAID_TRANSMITFILE, WSAID_TRANSMITPACKETS,
	};
	struct tf_arg *c;
	int err = 0, r;
	BOOL ok = FALSE;
	bool closed;
	void *fn;
	SOCKET l = wsp_ospath_enter(ws, &err);

	if (l == INVALID_SOCKET) {
		wsp_sock_put(ws);
		return fail(err);
	}
	fn = wsp_ospath_lower_fn(l, ids[t->kind], &err);
	if (fn != NULL && ov == NULL) {
		struct tf_arg now = *t;

		now.fn = fn;
		ok = tf_call(&now, l, NULL);
		err = ok ? 0 : WSAGetLastError();
	}
	closed = wsp_ospath_leave(ws);
	if (fn == NULL || ov == NULL) {
		/* Without an overlapped it waited: a close ended it. */
		if (fn != NULL && !ok && closed)
			err = WSAEINTR;
		wsp_sock_put(ws);
		return ok ? TRUE : fail(err);
	}
	c = malloc(sizeof(*c));
	if (c == NULL) {
		wsp_sock_put(ws);
		return fail(WSAENOBUFS);
	}
	*c = *t;
	c->fn = fn;
	r = wsp_ospath_ovl_ext(ws, &tf_xfn, c, NULL, ov, NULL, NULL,
		&err);
	wsp_sock_put(ws);
	return r == 0 ? TRUE : fail(err);
}

BOOL
wsp_ospath_disconnect_ex(struct wsp_sock *ws, LPWSAOVERLAPPED ov,
		DWORD flags, DWORD reserved)
{
	struct tf_arg t = { .kind = TF_KIND_DISCONNECT, .flags = flags,
		.reserved = reserved };

	return tf_forward(ws, &t, ov);
}

BOOL
wsp_ospath_transmit_file(struct wsp_sock *ws, HANDLE file, DWORD nbytes,
		DWORD per_send, LPWSAOVERLAPPED ov, LPTRANSMIT_FILE_BUFFERS tfb,
		DWORD flags)
{
	struct tf_arg t = { .kind = TF_KIND_FILE, .file = file,
		.nbytes = nbytes, .per_send = per_send, .tfb = tfb,
		.flags = flags };

	return tf_forward(ws, &t, ov);
}

BOOL
wsp_ospath_transmit_packets(struct wsp_sock *ws,
		LPTRANSMIT_PACKETS_ELEMENT el, DWORD n, DWORD send_size,
		LPWSAOVERLAPPED ov, DWORD flags)
{
	struct tf_arg t = { .kind = TF_KIND_PACKETS, .el = el, .n = n,
		.per_send = send_size, .flags = flags };

	return tf_forward(ws, &t, ov);
}
