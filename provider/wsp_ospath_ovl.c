/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wsp_ospath_ovl.c: overlapped sends and receives on OS path sockets
 * (issue #15 item 2; provider/README.md, "Overlapped I/O on the OS
 * path").
 *
 * The application's WSAOVERLAPPED, its event, completion routine or
 * completion port are bound to wspdk's handle, never to the lower
 * socket: Ws2_32 associated the port with our handle, and only
 * WPUCompleteOverlappedRequest / WPUQueueApc on our handle reach it
 * (wsp_ovl_complete). So the op runs on the lower socket with a
 * WSAOVERLAPPED of ours (no event, no routine: nothing of the
 * application's is handed down), and its end is turned into the
 * application's completion: at once if the lower call finished at once,
 * else by the OS path's poller (wsp_ospath_poll.c), which looks at the
 * pending ops' own WSAOVERLAPPED every millisecond
 * (HasOverlappedIoCompleted: Internal leaves STATUS_PENDING), reads the
 * result with the lower WSPGetOverlappedResult and completes the
 * application's. The same code runs over MSAFD and over
 * the stand-in's kernel-socket provider.
 *
 * A close takes its socket's ops first (one that already finished is
 * completed with its result), closes the lower socket, which aborts the
 * rest, then waits (bounded) until the lower provider has let go of each
 * (its buffers are the application's) and completes it
 * WSA_OPERATION_ABORTED: exactly one completion each, before the handle
 * goes (WPUCompleteOverlappedRequest needs it).
 *
 * State: the op list under ovl_lock; ops are made by application threads
 * and ended by the thread here or by the closing thread.
 */
#include <stdlib.h>
#include <string.h>

#include "wsp_log.h"
#include "wsp_os.h"
#include "wsp_ospath.h"
#include "wsp_osprov.h"
#include "wsp_ovl.h"
#include "wsp_priv.h"

/* How long a close waits for the lower provider to let go of an op. */
#define CLOSE_WAIT_US	2000000u

struct os_op {
	struct os_op *next;		/* (ovl_lock) */
	struct wsp_sock *ws;		/* holds a reference */
	LPWSAOVERLAPPED ov;		/* the application's */
	LPWSAOVERLAPPED_COMPLETION_ROUTINE cr;
	WSATHREADID tid;
	WSAOVERLAPPED lov;		/* the lower op's */
	DWORD bytes, flags;		/* the lower call's out values */
	DWORD res_err;			/* once ended */
	/* an extension function's (wsp_ospath_ext.c), else NULL */
	const struct wsp_ospath_xfn *xfn;
	void *xarg;
	DWORD nbufs;
	WSABUF bufs[];
};

static struct {
	struct wsp_mutex lock;
	struct os_op *ops;		/* lock: pending, in order */
} ovl = {
	.lock = WSP_MUTEX_INITIALIZER,
};

static bool
lower_done(const struct os_op *op)
{
	/* HasOverlappedIoCompleted: what MSAFD and the stand-in both
	 * keep in Internal while the op is under way. */
	return __atomic_load_n(&op->lov.Internal, __ATOMIC_ACQUIRE) !=
		(ULONG_PTR)WSS_OPERATION_IN_PROGRESS;
}

/* Read a finished op's result from the lower provider (ovl.lock held,
 * the lower socket still open). */
static void
lower_result(struct os_op *op)
{
	int e = 0;

	op->bytes = 0;
	op->flags = 0;
	if (!wsp_osprov_lower_table()->lpWSPGetOverlappedResult(
			__atomic_load_n(&op->ws->lower, __ATOMIC_RELAXED),
			&op->lov, &op->bytes, FALSE, &op->flags, &e))
		op->res_err = (DWORD)(e != 0 ? e : WSAEINVAL);
}

static void
op_free(struct os_op *op)
{
	if (op->xfn != NULL)
		op->xfn->release(op->xarg);
	wsp_sock_put(op->ws);
	free(op);
}

static void
op_end(struct os_op *op, bool notify)
{
	if (op->xfn != NULL && op->xfn->end != NULL)
		op->xfn->end(op->xarg, &op->res_err, op->bytes, &op->flags);
	if (notify)
		wsp_ovl_complete(op->ws, op->ov, op->cr, &op->tid,
			op->res_err, op->bytes, op->flags);
	else
		wsp_ovl_record(op->ov, op->res_err, op->bytes, op->flags);
	op_free(op);
}

/* Take the finished ops out of the list, their results read (lock
 * held); only ws's if ws, and then every one of them, finished or not,
 * in *rest. */
static struct os_op *
take(const struct wsp_sock *ws, struct os_op **rest)
{
	struct os_op **pp = &ovl.ops, *op, *done = NULL, **dt = &done;

	while ((op = *pp) != NULL) {
		if (ws != NULL ? op->ws != ws : !lower_done(op)) {
			pp = &op->next;
			continue;
		}
		*pp = op->next;
		op->next = NULL;
		if (lower_done(op)) {
			lower_result(op);
			*dt = op;
			dt = &op->next;
		} else {
			op->next = *rest;
			*rest = op;
		}
	}
	return done;
}

static void
end_all(struct os_op *op, bool notify)
{
	while (op != NULL) {
		struct os_op *next = op->next;

		op_end(op, notify);
		op = next;
	}
}

bool
wsp_ospath_ovl_tick(void)
{
	struct os_op *done;
	bool left;

	wsp_mutex_lock(&ovl.lock);
	done = ovl.ops != NULL ? take(NULL, NULL) : NULL;
	wsp_mutex_unlock(&ovl.lock);
	end_all(done, true);
	wsp_mutex_lock(&ovl.lock);
	left = ovl.ops != NULL;
	wsp_mutex_unlock(&ovl.lock);
	return left;
}

/* An extension op (xfn != NULL: no buffers) or a send or a receive;
 * see wsp_ospath_ovl_io. xarg is released in every case. */
static int
ovl_op(struct wsp_sock *ws, const struct wsp_ospath_xfn *xfn, void *xarg,
		bool send, LPWSABUF bufs, DWORD n, LPDWORD bytes,
		LPDWORD flags, DWORD send_flags, const struct sockaddr *to,
		int tolen, struct sockaddr *from, LPINT fromlen,
		LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
		LPWSATHREADID tid, LPINT err)
{
	const WSPPROC_TABLE *t = wsp_osprov_lower_table();
	struct os_op *op, **pp;
	int r, e = 0;
	SOCKET l;

	if ((n > 0 && bufs == NULL) || (!send && flags == NULL))
		e = WSAEFAULT;
	op = e == 0 ? calloc(1, sizeof(*op) + n * sizeof(WSABUF)) : NULL;
	if (op == NULL) {
		if (xfn != NULL)
			xfn->release(xarg);
		*err = e != 0 ? e : WSAENOBUFS;
		return SOCKET_ERROR;
	}
	l = wsp_ospath_enter(ws, &e);
	if (l == INVALID_SOCKET) {
		if (xfn != NULL)
			xfn->release(xarg);
		free(op);
		*err = e;
		return SOCKET_ERROR;
	}
	op->xfn = xfn;
	op->xarg = xarg;
	/* The WSABUF array is the caller's only for the call. */
	if (n > 0)
		memcpy(op->bufs, bufs, n * sizeof(WSABUF));
	op->nbufs = n;
	op->ov = ov;
	op->cr = cr;
	if (tid != NULL)
		op->tid = *tid;
	op->flags = send ? 0 : *flags;
	op->lov.Internal = (ULONG_PTR)WSS_OPERATION_IN_PROGRESS;
	__atomic_fetch_add(&ws->ref, 1, __ATOMIC_ACQ_REL);
	op->ws = ws;
	wsp_mutex_lock(&ovl.lock);
	/* A close that began after our caller resolved the handle has
	 * taken, or takes under this lock, the socket's ops: one started
	 * after that would never end. */
	if (__atomic_load_n(&ws->ref, __ATOMIC_ACQUIRE) & WSP_SOCK_CLOSING)
		e = WSAENOTSOCK;
	else
		e = wsp_ospath_poll_start();
	if (e != 0) {
		wsp_mutex_unlock(&ovl.lock);
		wsp_ospath_leave(ws);
		op_free(op);
		*err = e;
		return SOCKET_ERROR;
	}
	if (xfn != NULL)
		r = xfn->start(xarg, l, &op->lov, &op->bytes, &e);
	else if (send)
		r = to != NULL ? t->lpWSPSendTo(l, op->bufs, n, &op->bytes,
			send_flags, to, tolen, &op->lov, NULL, tid, &e) :
			t->lpWSPSend(l, op->bufs, n, &op->bytes, send_flags,
			&op->lov, NULL, tid, &e);
	else
		r = from != NULL ? t->lpWSPRecvFrom(l, op->bufs, n,
			&op->bytes, &op->flags, from, fromlen, &op->lov, NULL,
			tid, &e) :
			t->lpWSPRecv(l, op->bufs, n, &op->bytes, &op->flags,
			&op->lov, NULL, tid, &e);
	if (r != 0 && e == WSA_IO_PENDING) {
		/* In progress from here only: a call that fails leaves the
		 * caller's WSAOVERLAPPED as it was. */
		ov->InternalHigh = 0;
		__atomic_store_n(&ov->Internal,
			(ULONG_PTR)WSS_OPERATION_IN_PROGRESS,
			__ATOMIC_RELEASE);
		/* In order: completions keep the order the calls had. */
		for (pp = &ovl.ops; *pp != NULL; pp = &(*pp)->next)
			;
		*pp = op;
		wsp_mutex_unlock(&ovl.lock);
		wsp_ospath_leave(ws);
		wsp_ospath_poll_kick();
		*err = WSA_IO_PENDING;
		return SOCKET_ERROR;
	}
	wsp_mutex_unlock(&ovl.lock);
	wsp_ospath_leave(ws);
	/* Finished now. A received datagram too big for the buffers still
	 * has its completion (the lower provider's too); other failures,
	 * a send's WSAEMSGSIZE (a datagram UDP cannot carry) among them,
	 * none. */
	if (r != 0 && (send || e != WSAEMSGSIZE)) {
		op_free(op);
		*err = e;
		return SOCKET_ERROR;
	}
	if (bytes != NULL)
		*bytes = op->bytes;
	if (!send)
		*flags = op->flags;
	op->res_err = r != 0 ? (DWORD)e : 0;
	op_end(op, true);
	if (r != 0)
		*err = e;
	return r;
}

int
wsp_ospath_ovl_io(struct wsp_sock *ws, bool send, LPWSABUF bufs, DWORD n,
		LPDWORD bytes, LPDWORD flags, DWORD send_flags,
		const struct sockaddr *to, int tolen, struct sockaddr *from,
		LPINT fromlen, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid,
		LPINT err)
{
	return ovl_op(ws, NULL, NULL, send, bufs, n, bytes, flags,
		send_flags, to, tolen, from, fromlen, ov, cr, tid, err);
}

int
wsp_ospath_ovl_ext(struct wsp_sock *ws, const struct wsp_ospath_xfn *xfn,
		void *xarg, LPDWORD bytes, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid,
		LPINT err)
{
	DWORD flags = 0;

	return ovl_op(ws, xfn, xarg, !xfn->recv, NULL, 0, bytes, &flags, 0,
		NULL, 0, NULL, NULL, ov, cr, tid, err);
}

int
wsp_ospath_ioctl_ovl(struct wsp_sock *ws, DWORD code, LPVOID in,
		DWORD inlen, LPVOID out, DWORD outlen, LPDWORD ret,
		LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
		LPWSATHREADID tid, LPINT err)
{
	DWORD n = 0;
	SOCKET l;
	int r;

	/* Without an overlapped of its own the lower call would wait for
	 * the change (MSAFD blocks on them). */
	if (code == SIO_ADDRESS_LIST_CHANGE ||
			code == SIO_ROUTING_INTERFACE_CHANGE) {
		wsp_sock_put(ws);
		*err = WSAEOPNOTSUPP;
		return SOCKET_ERROR;
	}
	l = wsp_ospath_enter(ws, err);
	if (l == INVALID_SOCKET) {
		wsp_sock_put(ws);
		return SOCKET_ERROR;
	}
	r = wsp_osprov_lower_table()->lpWSPIoctl(l, code, in, inlen, out,
		outlen, &n, NULL, NULL, tid, err);
	wsp_ospath_leave(ws);
	if (ret != NULL)
		*ret = n;
	/* Keep our flag in step, as wsp_ospath_ioctl does. */
	if (r == 0 && code == FIONBIO && in != NULL && inlen >= sizeof(u_long))
		__atomic_store_n(&ws->nonblocking, *(u_long *)in != 0,
			__ATOMIC_RELAXED);
	if (r == 0)
		wsp_ovl_complete(ws, ov, cr, tid, 0, n, 0);
	wsp_sock_put(ws);
	return r;
}

void
wsp_ospath_ovl_close(struct wsp_sock *ws, bool notify,
		void (*close_lower)(struct wsp_sock *ws))
{
	uint64_t deadline = wsp_clock_us() + CLOSE_WAIT_US;
	struct os_op *done, *rest = NULL, *op;

	wsp_mutex_lock(&ovl.lock);
	done = take(ws, &rest);
	wsp_mutex_unlock(&ovl.lock);
	end_all(done, notify);
	close_lower(ws);
	while ((op = rest) != NULL) {
		rest = op->next;
		while (!lower_done(op) && wsp_clock_us() < deadline)
			wsp_sleep_us(100);
		if (!lower_done(op)) {
			/* The lower provider may still write into it and
			 * the application's buffers: neither is freed. */
			WSP_LOG(ERR, "OS path: an operation outlived its "
				"socket's close; left pending");
			continue;
		}
		op->res_err = WSA_OPERATION_ABORTED;
		op->bytes = 0;
		op->flags = 0;
		op_end(op, notify);
	}
}
