/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wsp_ospath_msg.c: WSARecvMsg and WSASendMsg on OS path sockets (a UDP
 * socket on 127.0.0.1: .NET's ReceiveMessageFrom, asyncio, libuv).
 *
 * The call goes to the OS provider on the lower socket, as a layered
 * provider's does: WSARecvMsg is its extension function (asked of it
 * through its WSPIoctl, as MSAFD hands it out), WSASendMsg its WSPIoctl
 * SIO_EXT_SENDMSG (what Ws2_32 makes of WSASendMsg). The lower socket
 * has the options the application set (SO_RCVTIMEO, IP_PKTINFO) and
 * the datagrams; the application's WSAMSG is handed down as it is (the
 * caller keeps it valid until an overlapped call completes), so the
 * name, the control data (Windows' layout) and dwFlags are the OS
 * provider's. Overlapped calls run as wsp_ospath_ovl.c's ops: an
 * overlapped of ours on the lower call, the application's completion
 * exactly once.
 */
#include <stdlib.h>
#include <string.h>

#include "wsp_ext.h"
#include "wsp_ospath.h"
#include "wsp_osprov.h"
#include "wsp_priv.h"

/* One call, as the application made it. */
struct msg_arg {
	bool recv;
	LPFN_WSARECVMSG fn;		/* recv */
	LPWSAMSG msg;
	DWORD flags;			/* send */
	WSATHREADID tid;		/* own_tid: ours to close */
	bool own_tid;
};

/* The lower call: lov NULL waits (blocking socket) or not, as the
 * lower socket does. */
static int
msg_call(const struct msg_arg *m, SOCKET l, LPWSAOVERLAPPED lov,
		LPDWORD bytes, LPWSATHREADID tid, LPINT err)
{
	WSASENDMSG a = { m->msg, m->flags, bytes, lov, NULL };
	DWORD code = 0, n = 0;

	if (m->recv) {
		if (m->fn(l, m->msg, bytes, lov, NULL) == 0)
			return 0;
		*err = WSAGetLastError();
		return SOCKET_ERROR;
	}
	/* Its error also comes in code; *err has it already. */
	return wsp_osprov_lower_table()->lpWSPIoctl(l, SIO_EXT_SENDMSG, &a,
		sizeof(a), &code, sizeof(code), &n, NULL, NULL, tid, err);
}

static int
msg_start(void *xarg, SOCKET l, LPWSAOVERLAPPED lov, LPDWORD bytes,
		LPINT err)
{
	struct msg_arg *m = xarg;

	return msg_call(m, l, lov, bytes, NULL, err);
}

/* A receive's flags are the ones the OS provider left in the WSAMSG. */
static void
msg_end(void *xarg, DWORD *res_err, DWORD bytes, DWORD *flags)
{
	struct msg_arg *m = xarg;

	(void)res_err;
	(void)bytes;
	if (m->recv)
		*flags = m->msg->dwFlags;
}

static void
msg_release(void *xarg)
{
	struct msg_arg *m = xarg;
	int e;

	if (m->own_tid && m->tid.ThreadHandle != NULL)
		WSP_UPCALL(lpWPUCloseThread)(&m->tid, &e);
	free(m);
}

static const struct wsp_ospath_xfn recv_xfn = {
	.start = msg_start,
	.end = msg_end,
	.release = msg_release,
	.recv = true,
};

static const struct wsp_ospath_xfn send_xfn = {
	.start = msg_start,
	.end = msg_end,
	.release = msg_release,
};

int
wsp_ospath_msg(struct wsp_sock *ws, bool recv, LPWSAMSG msg, DWORD flags,
		LPDWORD n, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid,
		bool *tid_taken, LPINT err)
{
	struct msg_arg now = { .recv = recv, .msg = msg, .flags = flags };
	struct msg_arg *m;
	bool closed;
	int r;
	SOCKET l = wsp_ospath_enter(ws, err);

	if (l == INVALID_SOCKET)
		return SOCKET_ERROR;
	if (recv)
		now.fn = (LPFN_WSARECVMSG)wsp_ospath_lower_fn(l,
			(GUID)WSAID_WSARECVMSG, err);
	if (recv && now.fn == NULL) {
		wsp_ospath_leave(ws);
		return SOCKET_ERROR;
	}
	if (ov == NULL) {
		r = msg_call(&now, l, NULL, n, tid, err);
		if (!recv)
			wsp_ospath_sent(ws, l);
		closed = wsp_ospath_leave(ws);
		/* A close ended the wait (see wsp_ospath_leave). */
		if (closed && (r != 0 || (recv && n != NULL && *n == 0))) {
			*err = WSAEINTR;
			return SOCKET_ERROR;
		}
		return r;
	}
	m = malloc(sizeof(*m));
	if (m == NULL) {
		wsp_ospath_leave(ws);
		*err = WSAENOBUFS;
		return SOCKET_ERROR;
	}
	*m = now;
	/* The op keeps the thread handle a completion routine needs and
	 * closes it (msg_release) however it ends. */
	if (tid != NULL)
		m->tid = *tid;
	m->own_tid = tid_taken != NULL;
	if (tid_taken != NULL)
		*tid_taken = true;
	r = wsp_ospath_ovl_ext(ws, recv ? &recv_xfn : &send_xfn, m, n, ov,
		cr, tid, err);
	if (!recv)
		wsp_ospath_sent(ws, l);
	wsp_ospath_leave(ws);
	return r;
}
