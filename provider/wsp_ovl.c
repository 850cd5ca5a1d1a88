/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Overlapped I/O for a non-IFS provider (winsock-spi.md §3.2).
 *
 * Completion: with a completion routine, an APC is queued to the
 * initiating thread (WPUQueueApc); otherwise WPUCompleteOverlappedRequest
 * lets Ws2_32 set the event or post to the completion port. The result
 * is kept in the WSAOVERLAPPED as the convention says (Offset = flags,
 * OffsetHigh = error, InternalHigh = bytes, Internal != in-progress).
 *
 * Sends never pend (a datagram is queued or refused at once). A receive
 * with nothing queued pends: its WSABUFs are captured and a service
 * thread, started on first need and stopped by WSPCleanup, waits on the
 * sockets with pending receives and completes them in order.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dp_sock.h"
#include "wsp_addr.h"
#include "wsp_error.h"
#include "wsp_ext.h"
#include "wsp_log.h"
#include "wsp_ovl.h"
#include "wsp_priv.h"
#include "wsp_sock.h"

#define WAIT_SLICE_US	100000

struct ovl_op {
	struct ovl_op *next;
	struct wsp_sock *ws;		/* holds a reference */
	LPWSAOVERLAPPED ov;
	LPWSAOVERLAPPED_COMPLETION_ROUTINE cr;
	WSATHREADID tid;
	struct sockaddr *from;		/* caller keeps them valid */
	LPINT fromlen;
	LPWSAMSG msg;			/* WSARecvMsg's, or NULL */
	struct dp_iov *iov;		/* nbufs, after bufs */
	DWORD nbufs;
	WSABUF bufs[];
};

struct apc_ctx {
	LPWSAOVERLAPPED_COMPLETION_ROUTINE cr;
	LPWSAOVERLAPPED ov;
	DWORD err, bytes, flags;
};

static struct {
	struct wsp_mutex lock;
	struct wsp_cond cond;
	struct ovl_op *head, *tail;	/* lock: FIFO over all sockets */
	struct ovl_op *busy;		/* lock: out of the FIFO, being tried */
	struct wsp_thread *thread;	/* lock */
	bool stop;			/* lock */
} ovl = {
	.lock = WSP_MUTEX_INITIALIZER,
	.cond = WSP_COND_INITIALIZER,
};

static void CALLBACK
apc_trampoline(DWORD_PTR p)
{
	struct apc_ctx c = *(struct apc_ctx *)p;

	free((void *)p);
	c.cr(c.err, c.bytes, c.ov, c.flags);
}

/* The result in ov, the byte count before the word that says it is done
 * (WPUCompleteOverlappedRequest's order), and nobody told. */
static void
record(LPWSAOVERLAPPED ov, DWORD err, DWORD bytes, DWORD flags)
{
	ov->Offset = flags;
	ov->OffsetHigh = err;
	ov->InternalHigh = bytes;
	__atomic_store_n(&ov->Internal, 0, __ATOMIC_RELEASE);
}

void
wsp_ovl_complete(struct wsp_sock *ws, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid,
		DWORD err, DWORD bytes, DWORD flags)
{
	struct apc_ctx *c;
	int e;

	if (cr == NULL) {
		ov->Offset = flags;
		ov->OffsetHigh = err;
		WPUCompleteOverlappedRequest(ws->handle, ov, err, bytes, &e);
		return;
	}
	record(ov, err, bytes, flags);
	c = malloc(sizeof(*c));
	if (c == NULL) {
		WSP_LOG(ERR, "no memory for a completion routine APC");
		return;
	}
	*c = (struct apc_ctx){ cr, ov, err, bytes, flags };
	if (WSP_UPCALL(lpWPUQueueApc)(tid, apc_trampoline, (DWORD_PTR)c,
			&e) != 0)
		free(c);
}

/* Complete one pending receive with what is queued now; false if there
 * is nothing (another thread took it). op->iov covers every WSABUF the
 * caller posted, however many. */
static bool
try_complete(struct ovl_op *op)
{
	struct dp_rx_meta meta;
	DWORD room = 0, flags = 0;
	long r;

	for (DWORD i = 0; i < op->nbufs; i++)
		room += op->bufs[i].len;
	r = dp_sock_recv_meta(op->ws->dp, op->iov, op->nbufs, &meta,
		DP_F_NONBLOCK);
	if (r == -EAGAIN)
		return false;
	if ((r >= 0 || r == -EMSGSIZE) && op->from != NULL)
		wsp_addr_to_sa(&meta.from, op->from, op->fromlen);
	if ((r >= 0 || r == -EMSGSIZE) && op->msg != NULL)
		flags = wsp_msg_fill(op->ws, op->msg, &meta, r < 0);
	if (r >= 0)
		wsp_ovl_complete(op->ws, op->ov, op->cr, &op->tid, 0,
			(DWORD)r, flags);
	else if (r == -EMSGSIZE)
		wsp_ovl_complete(op->ws, op->ov, op->cr, &op->tid,
			WSAEMSGSIZE, room, flags);
	else
		wsp_ovl_complete(op->ws, op->ov, op->cr, &op->tid,
			(DWORD)wsp_error_from_errno((int)r), 0, 0);
	return true;
}

static void
op_free(struct ovl_op *op)
{
	wsp_sock_put(op->ws);
	free(op);
}

/* Take the first pending op of socket ws (lock held). */
static struct ovl_op *
unlink_first(struct wsp_sock *ws)
{
	struct ovl_op **pp, *prev = NULL;

	for (pp = &ovl.head; *pp != NULL; prev = *pp, pp = &(*pp)->next) {
		struct ovl_op *op = *pp;

		if (op->ws != ws)
			continue;
		*pp = op->next;
		if (ovl.tail == op)
			ovl.tail = prev;
		return op;
	}
	return NULL;
}

static void
requeue_front(struct ovl_op *op)
{
	op->next = ovl.head;
	ovl.head = op;
	if (ovl.tail == NULL)
		ovl.tail = op;
}

static void
service_thread(void *arg)
{
	struct dp_sock *socks[64];
	struct wsp_sock *owners[64];
	unsigned int events[64];

	wsp_mutex_lock(&ovl.lock);
	while (!ovl.stop) {
		unsigned int n = 0;

		for (struct ovl_op *op = ovl.head; op != NULL && n < 64;
				op = op->next) {
			bool seen = false;

			for (unsigned int i = 0; i < n; i++)
				seen |= owners[i] == op->ws;
			if (!seen) {
				/* A close may cancel the op (and drop its
				 * reference) while we wait: hold our own. */
				__atomic_fetch_add(&op->ws->ref, 1,
					__ATOMIC_ACQ_REL);
				owners[n] = op->ws;
				socks[n] = op->ws->dp;
				events[n++] = DP_EV_READ;
			}
		}
		if (n == 0) {
			wsp_cond_wait(&ovl.cond, &ovl.lock, 1000);
			continue;
		}
		wsp_mutex_unlock(&ovl.lock);
		dp_sock_wait_any(socks, events, n, WAIT_SLICE_US);
		wsp_mutex_lock(&ovl.lock);
		for (unsigned int i = 0; i < n && !ovl.stop; i++) {
			struct ovl_op *op = unlink_first(owners[i]);
			bool done;

			if (op == NULL)
				continue;
			/* Out of the FIFO, where a cancel cannot see it:
			 * wsp_ovl_cancel() waits until it is back or done. */
			ovl.busy = op;
			wsp_mutex_unlock(&ovl.lock);
			done = try_complete(op);
			wsp_mutex_lock(&ovl.lock);
			ovl.busy = NULL;
			if (!done)
				requeue_front(op);
			wsp_cond_broadcast(&ovl.cond);
			if (done) {
				wsp_mutex_unlock(&ovl.lock);
				op_free(op);
				wsp_mutex_lock(&ovl.lock);
			}
		}
		wsp_mutex_unlock(&ovl.lock);
		for (unsigned int i = 0; i < n; i++)
			wsp_sock_put(owners[i]);
		wsp_mutex_lock(&ovl.lock);
	}
	wsp_mutex_unlock(&ovl.lock);
}

static int
pend(struct wsp_sock *ws, LPWSABUF bufs, DWORD nbufs, LPDWORD flags,
		struct sockaddr *from, LPINT fromlen, LPWSAMSG msg,
		LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
		LPWSATHREADID tid)
{
	struct ovl_op *op;
	int err = 0;

	/* Any number of WSABUFs: only memory can refuse one now. */
	op = calloc(1, sizeof(*op) + nbufs * (sizeof(WSABUF) +
		sizeof(struct dp_iov)));
	if (op == NULL)
		return WSAENOBUFS;
	/* The WSABUF array is transient; the buffers it points to are not
	 * (LPWSPRecv remarks). */
	if (nbufs > 0)		/* bufs may be NULL then */
		memcpy(op->bufs, bufs, nbufs * sizeof(WSABUF));
	op->iov = (struct dp_iov *)(op->bufs + nbufs);
	for (DWORD i = 0; i < nbufs; i++)
		op->iov[i] = (struct dp_iov){ bufs[i].buf, bufs[i].len };
	op->nbufs = nbufs;
	op->ov = ov;
	op->cr = cr;
	if (tid != NULL)
		op->tid = *tid;
	op->from = from;
	op->fromlen = fromlen;
	op->msg = msg;
	*flags = 0;
	ov->InternalHigh = 0;
	__atomic_store_n(&ov->Internal, (ULONG_PTR)WSS_OPERATION_IN_PROGRESS,
		__ATOMIC_RELEASE);
	__atomic_fetch_add(&ws->ref, 1, __ATOMIC_ACQ_REL);
	op->ws = ws;
	wsp_mutex_lock(&ovl.lock);
	/* A close that began after our caller resolved the handle has
	 * cancelled, or will cancel under this lock, what is queued: an
	 * op queued after that cancel would stay pending forever. */
	if (__atomic_load_n(&ws->ref, __ATOMIC_ACQUIRE) & WSP_SOCK_CLOSING) {
		err = WSAENOTSOCK;
	} else if (ovl.thread == NULL && wsp_thread_start(&ovl.thread,
			service_thread, NULL) != 0) {
		ovl.thread = NULL;
		err = WSAENOBUFS;
	} else {
		if (ovl.tail != NULL)
			ovl.tail->next = op;
		else
			ovl.head = op;
		ovl.tail = op;
		wsp_cond_broadcast(&ovl.cond);
	}
	wsp_mutex_unlock(&ovl.lock);
	if (err != 0) {
		op_free(op);
		return err;
	}
	/* Wake the service thread out of a wait on the old set. */
	dp_sock_kick_waiters();
	return WSA_IO_PENDING;
}

int
wsp_ovl_pend_recv(struct wsp_sock *ws, LPWSABUF bufs, DWORD nbufs,
		LPDWORD flags, struct sockaddr *from, LPINT fromlen,
		LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
		LPWSATHREADID tid)
{
	return pend(ws, bufs, nbufs, flags, from, fromlen, NULL, ov, cr,
		tid);
}

int
wsp_ovl_pend_recv_msg(struct wsp_sock *ws, LPWSAMSG msg,
		LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
		LPWSATHREADID tid)
{
	return pend(ws, msg->lpBuffers, msg->dwBufferCount, &msg->dwFlags,
		msg->name, msg->name != NULL ? &msg->namelen : NULL, msg, ov,
		cr, tid);
}

/*
 * Close: the socket's pending receives fail WSA_OPERATION_ABORTED, with
 * their notification (LPWSPCloseSocket). Cleanup (notify false): they
 * fail the same way without notification (§1.6), but the result is
 * recorded, so a thread waiting in WSPGetOverlappedResult returns.
 */
void
wsp_ovl_cancel(struct wsp_sock *ws, bool notify)
{
	struct ovl_op *op;

	for (;;) {
		wsp_mutex_lock(&ovl.lock);
		while (ovl.busy != NULL && (ws == NULL || ovl.busy->ws == ws))
			wsp_cond_wait(&ovl.cond, &ovl.lock, 1000);
		op = ws != NULL ? unlink_first(ws) : ovl.head;
		if (op != NULL && ws == NULL) {
			ovl.head = op->next;
			if (ovl.head == NULL)
				ovl.tail = NULL;
		}
		wsp_mutex_unlock(&ovl.lock);
		if (op == NULL)
			return;
		if (notify)
			wsp_ovl_complete(op->ws, op->ov, op->cr, &op->tid,
				WSA_OPERATION_ABORTED, 0, 0);
		else
			record(op->ov, WSA_OPERATION_ABORTED, 0, 0);
		op_free(op);
	}
}

void
wsp_ovl_shutdown(void)
{
	struct wsp_thread *t;

	wsp_ovl_cancel(NULL, false);
	wsp_mutex_lock(&ovl.lock);
	ovl.stop = true;
	t = ovl.thread;
	ovl.thread = NULL;
	wsp_cond_broadcast(&ovl.cond);
	wsp_mutex_unlock(&ovl.lock);
	dp_sock_kick_waiters();
	if (t != NULL)
		wsp_thread_join(t);
	wsp_mutex_lock(&ovl.lock);
	ovl.stop = false;
	wsp_mutex_unlock(&ovl.lock);
}

BOOL WSPAPI
wsp_get_overlapped_result(SOCKET s, LPWSAOVERLAPPED ov, LPDWORD bytes,
		BOOL wait, LPDWORD flags, LPINT lpErrno)
{
	struct wsp_sock *ws = wsp_sock_get(s, lpErrno);
	unsigned int spins = 0;

	if (ws == NULL)
		return FALSE;
	/* The wait is on ov alone: holding the socket through it would
	 * hold up WSPCleanup, which ends every pending operation. */
	wsp_sock_put(ws);
	if (ov == NULL || bytes == NULL || flags == NULL) {
		*lpErrno = WSAEFAULT;
		return FALSE;
	}
	while (__atomic_load_n(&ov->Internal, __ATOMIC_ACQUIRE) ==
			(ULONG_PTR)WSS_OPERATION_IN_PROGRESS) {
		if (!wait) {
			*lpErrno = WSA_IO_INCOMPLETE;
			return FALSE;
		}
		/* The event belongs to Ws2_32; the result word is ours. */
		if (++spins > 1000)
			wsp_sleep_us(50);
	}
	*bytes = (DWORD)ov->InternalHigh;
	*flags = ov->Offset;
	if (ov->OffsetHigh != 0) {
		*lpErrno = (int)ov->OffsetHigh;
		return FALSE;
	}
	return TRUE;
}
