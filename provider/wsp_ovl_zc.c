/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Zero-copy overlapped sends (wsp_ovl.c has the rest of overlapped I/O).
 *
 * On a stream whose SO_SNDBUF is 0 (Windows' own rule: the application's
 * buffers are used in place, the send completes when the stack is done
 * with them), an overlapped send's bytes are queued as mbufs over its
 * buffers (dp_sock_send_zc). The op counts the dataplane calls that took
 * bytes (each ends with one release, on whatever thread let go last,
 * mostly an lcore) plus its own reference until all is queued; the last
 * drop puts it on a lock-free list and kicks the service thread, which
 * completes it (wsp_ovl_zc_reap): no upcall on an lcore. A close with
 * zero-copy sends in flight resets the connection (its queues drop, the
 * buffers come back; a cancelled send leaves the stream in an unknown
 * state, which Winsock says must reset it) and waits for them: they
 * complete WSA_OPERATION_ABORTED before the handle goes, never while the
 * lcore still reads the buffers.
 */
#include <errno.h>

#include "dp_sock.h"
#include "wsp_error.h"
#include "wsp_log.h"
#include "wsp_ovl.h"
#include "wsp_ovl_priv.h"
#include "wsp_priv.h"
#include "wsp_sock.h"
#include "wsp_stream.h"
#include "wsp_watch.h"

#define ZC_ABORT_WAIT_US	5000000	/* a close waits for its
					 * zero-copy sends this long */
#define ZC_ERR_LOOKS		200	/* 10 ms for a cut connection's
					 * error to show */

/* Released zero-copy sends, pushed lock-free by any thread. */
static struct ovl_op *zc_done;

/* Whether an overlapped send on ws goes zero-copy: a stream with
 * SO_SNDBUF 0 (then the op is set up for it: counted, the service
 * thread held). */
bool
wsp_ovl_zc_start(struct ovl_op *op, const struct dp_addr *dst)
{
	struct wsp_sock *ws = op->ws;
	int64_t v;

	if (!wsp_sock_is_stream(ws) || dst != NULL || op->total == 0 ||
			dp_sock_get_opt(ws->dp, DP_OPT_SNDBUF, &v) != 0 ||
			v != 0 || wsp_watch_hold() != 0)
		return false;
	__atomic_fetch_add(&ws->zc_ops, 1, __ATOMIC_ACQ_REL);
	op->zc = true;
	op->zc_refs = 1;
	return true;
}

/* A zero-copy send's buffers are all back: its completion, then the
 * op's end. Aborted by a close, or ended by the connection's: an
 * error, with the bytes queued. */
static void
zc_end(struct ovl_op *op, bool notify)
{
	struct wsp_sock *ws = op->ws;
	DWORD err = __atomic_load_n(&op->zc_err, __ATOMIC_ACQUIRE);
	DWORD bytes = op->done;
	bool cut = __atomic_load_n(&op->zc_cut, __ATOMIC_ACQUIRE);

	/* Cut short by the close (all of it ACKed first: a success). */
	if ((cut || err != 0) && (__atomic_load_n(&ws->ref,
			__ATOMIC_ACQUIRE) & WSP_SOCK_CLOSING)) {
		err = WSA_OPERATION_ABORTED;
	} else if (err == 0 && cut) {
		/* The connection's own error (a reset, a timeout). The
		 * owner drops the queues just before it stores the error:
		 * a reaper that came that quickly looks again. */
		long r = 0;

		for (int i = 0; i < ZC_ERR_LOOKS && r >= 0; i++) {
			if (i != 0)
				wsp_sleep_us(50);
			r = dp_sock_send(ws->dp, NULL, 0, NULL,
				DP_F_NONBLOCK);
		}
		err = r < 0 ? (DWORD)wsp_error_from_errno((int)
			wsp_stream_result(r)) : WSAECONNABORTED;
	}
	if (notify)
		wsp_ovl_complete(ws, op->ov, op->cr, &op->tid, err, bytes, 0);
	else
		wsp_ovl_record(op->ov, err, bytes, 0);
	__atomic_fetch_sub(&ws->zc_ops, 1, __ATOMIC_RELEASE);
	wsp_watch_unhold();
	wsp_ovl_op_free(op);
}

/* Drop one of op's references; true if it was the last. */
static bool
zc_drop(struct ovl_op *op)
{
	return __atomic_sub_fetch(&op->zc_refs, 1, __ATOMIC_ACQ_REL) == 0;
}

/* The dataplane let go of one call's bytes (any thread, mostly an
 * lcore: no lock, no upcall; one kick when the list was empty). */
static void
zc_released(void *arg, int err)
{
	struct ovl_op *op = arg, *head;

	if (err != 0)
		__atomic_store_n(&op->zc_cut, true, __ATOMIC_RELEASE);
	if (!zc_drop(op))
		return;
	head = __atomic_load_n(&zc_done, __ATOMIC_RELAXED);
	do
		op->zc_next = head;
	while (!__atomic_compare_exchange_n(&zc_done, &head, op, true,
		__ATOMIC_RELEASE, __ATOMIC_RELAXED));
	if (head == NULL)
		dp_sock_watch_kick();
}

void
wsp_ovl_zc_reap(bool notify)
{
	struct ovl_op *op, *rev = NULL;

	if (__atomic_load_n(&zc_done, __ATOMIC_RELAXED) == NULL)
		return;
	op = __atomic_exchange_n(&zc_done, NULL, __ATOMIC_ACQUIRE);
	while (op != NULL) {		/* posting order, mostly */
		struct ovl_op *next = op->zc_next;

		op->zc_next = rev;
		rev = op;
		op = next;
	}
	while ((op = rev) != NULL) {
		rev = op->zc_next;
		zc_end(op, notify);
	}
}

/* Drop op's own reference: all of it is queued, or no more will be. */
void
wsp_ovl_zc_queued(struct ovl_op *op, bool notify)
{
	if (zc_drop(op))
		zc_end(op, notify);
}

/* Queue what fits of op's bytes from iov without copying them:
 * -EOPNOTSUPP if the port DMAs (op is then an ordinary send: the port
 * does not change, nothing of it went zero-copy). */
long
wsp_ovl_zc_send(struct ovl_op *op, const struct dp_iov *iov, DWORD n)
{
	long r;

	/* The release may come before the call returns. */
	__atomic_fetch_add(&op->zc_refs, 1, __ATOMIC_ACQ_REL);
	r = dp_sock_send_zc(op->ws->dp, iov, n, zc_released, op);
	if (r <= 0)
		__atomic_fetch_sub(&op->zc_refs, 1, __ATOMIC_ACQ_REL);
	if (r != -EOPNOTSUPP)
		return r;
	op->zc = false;
	op->zc_refs = 0;
	__atomic_fetch_sub(&op->ws->zc_ops, 1, __ATOMIC_RELEASE);
	wsp_watch_unhold();
	return r;
}

/* Close with zero-copy sends in flight: the connection reset drops its
 * queues, so the lcore lets go of the buffers; they complete (aborted,
 * ws is closing) before the caller releases the handle. Reaped here
 * too: at cleanup the service thread is gone. */
void
wsp_ovl_zc_abort(struct wsp_sock *ws, bool notify)
{
	uint64_t deadline;

	if (__atomic_load_n(&ws->zc_ops, __ATOMIC_ACQUIRE) == 0)
		return;
	dp_sock_send_zc_abort(ws->dp);
	deadline = wsp_clock_us() + ZC_ABORT_WAIT_US;
	while (__atomic_load_n(&ws->zc_ops, __ATOMIC_ACQUIRE) != 0) {
		wsp_ovl_zc_reap(notify);
		if (wsp_clock_us() > deadline) {
			WSP_LOG(ERR, "zero-copy sends still held after "
				"a reset: left in flight");
			return;
		}
		wsp_sleep_us(100);
	}
}
