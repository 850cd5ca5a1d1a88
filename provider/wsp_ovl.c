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
 * Zero-copy sends (SO_SNDBUF 0): wsp_ovl_zc.c.
 *
 * Other sends never pend (a datagram is queued or refused at once). A receive
 * with nothing queued pends: its WSABUFs are captured and queued on its
 * socket, which is watched (wsp_watch.c) while anything is pending; the
 * service thread completes them, in order, after the socket's events.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "dp_sock.h"
#include "wsp_addr.h"
#include "wsp_error.h"
#include "wsp_evsel.h"
#include "wsp_ext.h"
#include "wsp_log.h"
#include "wsp_ovl.h"
#include "wsp_ovl_priv.h"
#include "wsp_priv.h"
#include "wsp_sock.h"
#include "wsp_stream.h"
#include "wsp_watch.h"

struct apc_ctx {
	LPWSAOVERLAPPED_COMPLETION_ROUTINE cr;
	LPWSAOVERLAPPED ov;
	DWORD err, bytes, flags;
};

static struct {
	struct wsp_mutex lock;
	struct wsp_cond cond;
	struct wsp_sock *socks;		/* lock: those with pending ops */
	struct ovl_op *busy;		/* lock: out of its queue, being
					 * tried */
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
void
wsp_ovl_record(LPWSAOVERLAPPED ov, DWORD err, DWORD bytes, DWORD flags)
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
	wsp_ovl_record(ov, err, bytes, flags);
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

static void advance(struct ovl_op *op, DWORD n);

/* Move what is queued into a MSG_WAITALL receive; true once it is
 * finished: full, at the peer's FIN, or failed (*err; what came before
 * stays counted in op->done, as Windows reports it). */
static bool
recv_all_step(struct ovl_op *op, DWORD *err)
{
	*err = 0;
	while (op->done < op->total) {
		long r = dp_sock_recv(op->ws->dp, op->iov + op->cur,
			op->nbufs - op->cur, NULL, NULL, DP_F_NONBLOCK);

		if (r == -EAGAIN)
			return false;
		if (r < 0)
			*err = (DWORD)wsp_error_from_errno((int)
				wsp_stream_result(r));
		if (r <= 0)
			return true;
		advance(op, (DWORD)r);
	}
	return true;
}

/* Complete one pending receive with what is queued now; false if there
 * is nothing (another thread took it) or, MSG_WAITALL, not enough yet.
 * op->iov covers every WSABUF the caller posted, however many. */
static bool
try_complete(struct ovl_op *op)
{
	struct dp_rx_meta meta;
	DWORD room = 0, flags = 0;
	long r;

	if (op->waitall) {
		DWORD err;

		if (!recv_all_step(op, &err))
			return false;
		wsp_ovl_complete(op->ws, op->ov, op->cr, &op->tid, err,
			op->done, 0);
		return true;
	}
	for (DWORD i = 0; i < op->nbufs; i++)
		room += op->bufs[i].len;
	r = dp_sock_recv_meta(op->ws->dp, op->iov, op->nbufs, &meta,
		op->dp_flags | DP_F_NONBLOCK);
	if (r == -EAGAIN)
		return false;
	/* A receive: FD_READ is enabled again. The service thread may
	 * have recorded it for this very data between our look and the
	 * data's arrival (on Windows the data goes to the pending
	 * receive and is never recorded); left disabled, the next
	 * datagram would signal nothing. */
	wsp_evsel_reenable(op->ws, FD_READ);
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
			(DWORD)wsp_error_from_errno((int)
			wsp_stream_result(r)), 0, 0);
	return true;
}

/* A stream send op moved n more bytes: its iovs past them. */
static void
advance(struct ovl_op *op, DWORD n)
{
	op->done += n;
	while (n > 0 && op->cur < op->nbufs) {
		struct dp_iov *v = &op->iov[op->cur];
		size_t k = n < v->len ? n : v->len;

		v->base = (char *)v->base + k;
		v->len -= k;
		n -= (DWORD)k;
		if (v->len == 0)
			op->cur++;
	}
}

/* Queue what fits of op's bytes from iov, without waiting: zero-copy
 * when the op is (and the port allows), copied otherwise. */
static long
send_step(struct ovl_op *op, const struct dp_iov *iov, DWORD n)
{
	if (op->zc) {
		long r = wsp_ovl_zc_send(op, iov, n);

		if (r != -EOPNOTSUPP)
			return r;
	}
	return dp_sock_send(op->ws->dp, iov, n, op->has_dst ? &op->dst :
		NULL, DP_F_NONBLOCK);
}

/* Queue what fits of a pending send (never waiting; a datagram goes
 * whole or not at all); true once it is all queued or failed, and
 * completed (a zero-copy send: handed to its releases, op->zc_refs). */
static bool
try_send(struct ovl_op *op)
{
	long r = send_step(op, op->iov + op->cur, op->nbufs - op->cur);

	if (r == -EAGAIN)
		return false;
	if (r < 0) {
		DWORD err = (DWORD)wsp_error_from_errno((int)
			wsp_stream_result(r));

		if (op->zc)
			__atomic_store_n(&op->zc_err, err, __ATOMIC_RELAXED);
		else
			wsp_ovl_complete(op->ws, op->ov, op->cr, &op->tid,
				err, op->done, 0);
		return true;
	}
	advance(op, (DWORD)r);
	if (op->done < op->total)
		return false;
	if (!op->zc)
		wsp_ovl_complete(op->ws, op->ov, op->cr, &op->tid, 0,
			op->done, 0);
	return true;
}

/* After the op's completion (its APC queued) or its abort. */
void
wsp_ovl_op_free(struct ovl_op *op)
{
	int e;

	if (op->own_tid)
		WSP_UPCALL(lpWPUCloseThread)(&op->tid, &e);
	wsp_sock_put(op->ws);
	free(op);
}

/* Take q's first op (lock held). */
static struct ovl_op *
unlink_first(struct wsp_ovl_queue *q)
{
	struct ovl_op *op = q->head;

	if (op == NULL)
		return NULL;
	q->head = op->next;
	if (q->head == NULL)
		q->tail = NULL;
	op->next = NULL;
	return op;
}

static void
append(struct wsp_ovl_queue *q, struct ovl_op *op)
{
	op->next = NULL;
	if (q->tail != NULL)
		q->tail->next = op;
	else
		q->head = op;
	q->tail = op;
}

static void
requeue_front(struct wsp_ovl_queue *q, struct ovl_op *op)
{
	op->next = q->head;
	q->head = op;
	if (q->tail == NULL)
		q->tail = op;
}

static bool
sock_has_ops(const struct wsp_sock *ws)
{
	return ws->ovl_recv.head != NULL || ws->ovl_send.head != NULL ||
		ws->ovl_ext.head != NULL;
}

static void
sock_list_del(struct wsp_sock *ws)
{
	if (ws->ovl_prev != NULL)
		ws->ovl_prev->ovl_next = ws->ovl_next;
	else
		ovl.socks = ws->ovl_next;
	if (ws->ovl_next != NULL)
		ws->ovl_next->ovl_prev = ws->ovl_prev;
	ws->ovl_next = ws->ovl_prev = NULL;
}

/* ws has nothing pending any more (lock held): stop following it. */
static void
sock_idle(struct wsp_sock *ws)
{
	sock_list_del(ws);
	wsp_watch_del(ws, WSP_WATCH_OVL);
}

static bool
try_ext(struct ovl_op *op)
{
	return op->ext->try_fn(op->ext);
}

/*
 * Complete q's ops while try_op can (lock held). In order: the first
 * that cannot stops the rest. In turn (extension ops): each is tried
 * once and, if it cannot, goes to the back, holding up none.
 */
static void
drain(struct wsp_sock *ws, struct wsp_ovl_queue *q,
		bool (*try_op)(struct ovl_op *), bool in_turn)
{
	unsigned int n = UINT_MAX;
	struct ovl_op *op;

	if (in_turn)
		for (n = 0, op = q->head; op != NULL; op = op->next)
			n++;
	while (n-- > 0 && (op = unlink_first(q)) != NULL) {
		bool done;

		/* Out of the queue, where a cancel cannot see it:
		 * wsp_ovl_cancel() waits until it is back or done. */
		ovl.busy = op;
		wsp_mutex_unlock(&ovl.lock);
		done = try_op(op);
		wsp_mutex_lock(&ovl.lock);
		ovl.busy = NULL;
		wsp_cond_broadcast(&ovl.cond);
		if (!done && in_turn) {
			append(q, op);
			continue;
		}
		if (!done) {
			requeue_front(q, op);
			break;
		}
		if (!sock_has_ops(ws))
			sock_idle(ws);
		wsp_mutex_unlock(&ovl.lock);
		if (op->ext != NULL)
			op->ext->end_fn(op->ext, false, false);
		if (op->zc)
			wsp_ovl_zc_queued(op, true);
		else
			wsp_ovl_op_free(op);
		wsp_mutex_lock(&ovl.lock);
	}
}

/* The service thread, after an event on ws: complete its pending
 * operations, each direction in order, while they can. */
static void
sock_ready(struct wsp_sock *ws)
{
	wsp_mutex_lock(&ovl.lock);
	drain(ws, &ws->ovl_ext, try_ext, true);
	drain(ws, &ws->ovl_send, try_send, false);
	drain(ws, &ws->ovl_recv, try_complete, false);
	wsp_mutex_unlock(&ovl.lock);
}

static struct ovl_op *
op_new(struct wsp_sock *ws, LPWSABUF bufs, DWORD nbufs,
		struct sockaddr *from, LPINT fromlen, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid)
{
	struct ovl_op *op;

	op = calloc(1, sizeof(*op) + nbufs * (sizeof(WSABUF) +
		sizeof(struct dp_iov)));
	if (op == NULL)
		return NULL;
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
	__atomic_fetch_add(&ws->ref, 1, __ATOMIC_ACQ_REL);
	op->ws = ws;
	return op;
}

/*
 * Queue op on q of its socket (lock held); 0 or an error (nothing
 * queued). A close that began after our caller resolved the handle has
 * cancelled, or will cancel under this lock, what is queued: an op
 * queued after that cancel would stay pending forever.
 */
static int
queue_op(struct wsp_ovl_queue *q, struct ovl_op *op)
{
	struct wsp_sock *ws = op->ws;
	int err = 0;

	if (__atomic_load_n(&ws->ref, __ATOMIC_ACQUIRE) & WSP_SOCK_CLOSING)
		return WSAENOTSOCK;
	/* Watched while something is pending, and only then. */
	if (!sock_has_ops(ws)) {
		err = wsp_watch_add(ws, WSP_WATCH_OVL, sock_ready);
		if (err != 0)
			return err;
		ws->ovl_next = ovl.socks;
		ws->ovl_prev = NULL;
		if (ovl.socks != NULL)
			ovl.socks->ovl_prev = ws;
		ovl.socks = ws;
	}
	/* In progress from here only: a call that fails leaves its
	 * WSAOVERLAPPED as it was. */
	op->ov->InternalHigh = 0;
	__atomic_store_n(&op->ov->Internal,
		(ULONG_PTR)WSS_OPERATION_IN_PROGRESS, __ATOMIC_RELEASE);
	append(q, op);
	return 0;
}

int
wsp_ovl_pend_ext(struct wsp_sock *ws, struct wsp_ovl_ext *x,
		LPWSAOVERLAPPED ov)
{
	struct ovl_op *op;
	int err;

	op = op_new(ws, NULL, 0, NULL, NULL, ov, NULL, NULL);
	if (op == NULL)
		return WSAENOBUFS;
	op->ext = x;
	wsp_mutex_lock(&ovl.lock);
	err = queue_op(&ws->ovl_ext, op);
	wsp_mutex_unlock(&ovl.lock);
	if (err != 0) {
		wsp_ovl_op_free(op);
		return err;
	}
	return WSA_IO_PENDING;
}

static int
pend(struct wsp_sock *ws, LPWSABUF bufs, DWORD nbufs, LPDWORD flags,
		struct sockaddr *from, LPINT fromlen, LPWSAMSG msg,
		LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
		LPWSATHREADID tid, bool own_tid)
{
	struct ovl_op *op;
	int err = 0;

	op = op_new(ws, bufs, nbufs, from, fromlen, ov, cr, tid);
	if (op == NULL)
		return WSAENOBUFS;
	op->msg = msg;
	/* A peek completes when data comes and leaves it queued: how a
	 * framework learns readability (libuv's zero-byte MSG_PEEK). */
	if (*flags & MSG_PEEK)
		op->dp_flags = DP_F_PEEK;
	*flags = 0;
	/* Set before it is queued, where the service thread may end it;
	 * not queued, it is the caller's again. */
	op->own_tid = own_tid;
	wsp_mutex_lock(&ovl.lock);
	err = queue_op(&ws->ovl_recv, op);
	wsp_mutex_unlock(&ovl.lock);
	if (err != 0) {
		op->own_tid = false;
		wsp_ovl_op_free(op);
		return err;
	}
	return WSA_IO_PENDING;
}

int
wsp_ovl_pend_recv(struct wsp_sock *ws, LPWSABUF bufs, DWORD nbufs,
		LPDWORD flags, struct sockaddr *from, LPINT fromlen,
		LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
		LPWSATHREADID tid)
{
	return pend(ws, bufs, nbufs, flags, from, fromlen, NULL, ov, cr,
		tid, false);
}

int
wsp_ovl_pend_recv_msg(struct wsp_sock *ws, LPWSAMSG msg,
		LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
		LPWSATHREADID tid, bool own_tid)
{
	return pend(ws, msg->lpBuffers, msg->dwBufferCount, &msg->dwFlags,
		msg->name, msg->name != NULL ? &msg->namelen : NULL, msg, ov,
		cr, tid, own_tid);
}

/*
 * Overlapped MSG_WAITALL on a stream (WSARecv remarks): completes only
 * when the buffers are full, at the peer's FIN, or on an error, with
 * what came. What is queued now is taken at once unless receives are
 * pending before it (order is kept); the rest pends. Returns 0 when it
 * finished now (completion indicated, *rcvd set), WSA_IO_PENDING, or an
 * error with nothing received (no completion).
 */
int
wsp_ovl_recv_all(struct wsp_sock *ws, LPWSABUF bufs, DWORD nbufs,
		LPDWORD rcvd, LPDWORD flags, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid)
{
	struct ovl_op *op;
	bool done = false;
	DWORD err = 0;
	int ret = 0;

	op = op_new(ws, bufs, nbufs, NULL, NULL, ov, cr, tid);
	if (op == NULL)
		return WSAENOBUFS;
	op->waitall = true;
	for (DWORD i = 0; i < nbufs; i++)
		op->total += bufs[i].len;
	*flags = 0;
	wsp_mutex_lock(&ovl.lock);
	if (ws->ovl_recv.head == NULL && (ovl.busy == NULL ||
			ovl.busy->ws != ws || ovl.busy->send ||
			ovl.busy->ext != NULL))
		done = recv_all_step(op, &err);
	if (!done)
		ret = queue_op(&ws->ovl_recv, op);
	wsp_mutex_unlock(&ovl.lock);
	if (!done && ret == 0)
		return WSA_IO_PENDING;
	if (done && err != 0 && op->done == 0)
		ret = (int)err;		/* failed at once: no completion */
	if (ret != 0) {
		wsp_ovl_op_free(op);
		return ret;
	}
	if (err == 0 && rcvd != NULL)
		*rcvd = op->done;
	wsp_ovl_complete(ws, ov, cr, tid, err, op->done, 0);
	wsp_ovl_op_free(op);
	return err == 0 ? 0 : WSA_IO_PENDING;
}

/*
 * An overlapped send never blocks its caller, even on a blocking
 * socket: LPWSPSend says the call returns at once, with WSA_IO_PENDING
 * if the operation could not complete then, and that a stream's
 * completes with every byte. So what fits is queued now; the rest (a
 * datagram that found its queue full, or a stream's tail) pends and is
 * queued by the service thread as room comes. Sends pending on the
 * socket go first (order is kept), including one the service thread
 * holds out of the queue. A zero-copy send always pends: it completes
 * when its buffers come back.
 */
int
wsp_ovl_send(struct wsp_sock *ws, LPWSABUF bufs, DWORD nbufs,
		const struct dp_addr *dst, LPDWORD sent, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid,
		bool own_tid)
{
	ULONG_PTR was = ov->Internal, was_high = ov->InternalHigh;
	struct ovl_op *op;
	bool done = false;
	int err = 0;

	op = op_new(ws, bufs, nbufs, NULL, NULL, ov, cr, tid);
	if (op == NULL)
		return WSAENOBUFS;
	op->send = true;
	for (DWORD i = 0; i < nbufs; i++)
		op->total += bufs[i].len;
	if (dst != NULL) {
		op->dst = *dst;
		op->has_dst = true;
	}
	if (wsp_ovl_zc_start(op, dst)) {
		/* In progress before any byte goes: its release may
		 * complete it before this call returns. */
		op->own_tid = own_tid;
		ov->InternalHigh = 0;
		__atomic_store_n(&ov->Internal,
			(ULONG_PTR)WSS_OPERATION_IN_PROGRESS,
			__ATOMIC_RELEASE);
	}
	wsp_mutex_lock(&ovl.lock);
	if (ws->ovl_send.head == NULL && (ovl.busy == NULL ||
			ovl.busy->ws != ws || !ovl.busy->send)) {
		long r = send_step(op, op->iov, nbufs);

		if (r < 0 && r != -EAGAIN) {
			err = wsp_error_from_errno((int)wsp_stream_result(r));
		} else if (r == (long)op->total) {
			op->done = op->total;
			done = true;
		} else if (r > 0) {
			advance(op, (DWORD)r);
		}
	}
	if (op->zc) {
		if (err == 0 && !done)
			err = queue_op(&ws->ovl_send, op);
		wsp_mutex_unlock(&ovl.lock);
		if (err != 0 && op->done == 0 &&
				__atomic_load_n(&op->zc_refs,
				__ATOMIC_ACQUIRE) == 1) {
			/* Failed with nothing queued: no completion, the
			 * WSAOVERLAPPED as it was. */
			ov->InternalHigh = was_high;
			__atomic_store_n(&ov->Internal, was,
				__ATOMIC_RELEASE);
			op->own_tid = false;
			__atomic_fetch_sub(&ws->zc_ops, 1, __ATOMIC_RELEASE);
			wsp_watch_unhold();
			wsp_ovl_op_free(op);
			return err;
		}
		if (err != 0)	/* what went is released, then it ends */
			__atomic_store_n(&op->zc_err, (DWORD)err,
				__ATOMIC_RELAXED);
		if (err != 0 || done)
			wsp_ovl_zc_queued(op, true);
		return WSA_IO_PENDING;
	}
	if (err == 0 && !done) {
		op->own_tid = own_tid;	/* as in pend() */
		err = queue_op(&ws->ovl_send, op);
		if (err != 0)
			op->own_tid = false;
	}
	wsp_mutex_unlock(&ovl.lock);
	if (err != 0) {
		ov->InternalHigh = was_high;	/* zc_start's, if it was */
		__atomic_store_n(&ov->Internal, was, __ATOMIC_RELEASE);
		wsp_ovl_op_free(op);
		return err;
	}
	if (!done)
		return WSA_IO_PENDING;
	if (sent != NULL)
		*sent = op->done;
	wsp_ovl_complete(ws, ov, cr, tid, 0, op->done, 0);
	wsp_ovl_op_free(op);
	return 0;
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
		struct wsp_sock *of;

		wsp_mutex_lock(&ovl.lock);
		while (ovl.busy != NULL && (ws == NULL || ovl.busy->ws == ws))
			wsp_cond_wait(&ovl.cond, &ovl.lock, 1000);
		of = ws != NULL ? ws : ovl.socks;
		op = NULL;
		if (of != NULL) {
			op = unlink_first(&of->ovl_ext);
			if (op == NULL)
				op = unlink_first(&of->ovl_send);
			if (op == NULL)
				op = unlink_first(&of->ovl_recv);
		}
		if (op != NULL && !sock_has_ops(of))
			sock_idle(of);
		wsp_mutex_unlock(&ovl.lock);
		if (op == NULL)
			break;
		if (op->ext != NULL)
			op->ext->end_fn(op->ext, true, notify);
		else if (op->zc) {
			/* Its queued bytes are released below. */
			__atomic_store_n(&op->zc_err, WSA_OPERATION_ABORTED,
				__ATOMIC_RELAXED);
			wsp_ovl_zc_queued(op, notify);
			continue;
		} else if (notify)
			wsp_ovl_complete(op->ws, op->ov, op->cr, &op->tid,
				WSA_OPERATION_ABORTED, op->done, 0);
		else
			wsp_ovl_record(op->ov, WSA_OPERATION_ABORTED,
				op->done, 0);
		wsp_ovl_op_free(op);
	}
	if (ws != NULL)
		wsp_ovl_zc_abort(ws, notify);
}

void
wsp_ovl_shutdown(void)
{
	wsp_ovl_cancel(NULL, false);
	wsp_watch_shutdown();
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
