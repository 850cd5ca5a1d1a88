/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Data entries: WSPSend, WSPSendTo, WSPRecv, WSPRecvFrom.
 *
 * Blocking is the dataplane's (spin, then sleep until an lcore signals);
 * this file checks the Winsock arguments, turns WSABUFs into dp_iovs and
 * reports results the Winsock way, including overlapped completion
 * (wsp_ovl.c) when the caller passed a WSAOVERLAPPED.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dp_sock.h"
#include "wsp_addr.h"
#include "wsp_ovl.h"
#include "wsp_error.h"
#include "wsp_evsel.h"
#include "wsp_iov.h"
#include "wsp_ospath.h"
#include "wsp_priv.h"
#include "wsp_sock.h"
#include "wsp_stream.h"

/* Not zeroed at the start of a call: its iovs' storage alone is a quarter
 * of a kilobyte, and iov_from sets what is read. */
struct io_args {
	struct wsp_sock *ws;
	struct wsp_iov v;
	struct dp_iov *iov;		/* the part not yet done */
	unsigned int niov;
};

static int
iov_from(struct io_args *a, LPWSABUF bufs, DWORD n)
{
	int err = wsp_iov_from(&a->v, bufs, n);

	a->iov = a->v.iov;
	a->niov = a->v.n;
	return err;
}

static void
iov_done(struct io_args *a)
{
	wsp_iov_done(&a->v);
}

static int
io_flags(const struct wsp_sock *ws)
{
	return __atomic_load_n(&ws->nonblocking, __ATOMIC_RELAXED) ?
		DP_F_NONBLOCK : 0;
}

/*
 * Report a finished call: synchronously, or as a completed overlapped
 * operation (the result is then also in the WSAOVERLAPPED). Only success
 * is also indicated as a completion: an overlapped call that fails at
 * once "indicates no completion" (LPWSPSend/LPWSPRecv return values),
 * and frameworks free their operation on the error alone.
 */
static int
finish(struct wsp_sock *ws, int err, DWORD bytes, DWORD flags,
		LPDWORD out_bytes, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid,
		LPINT lpErrno)
{
	if (out_bytes != NULL)
		*out_bytes = bytes;
	if (ov != NULL && err == 0)
		wsp_ovl_complete(ws, ov, cr, tid, 0, bytes, flags);
	wsp_sock_put(ws);
	if (err != 0) {
		*lpErrno = err;
		return SOCKET_ERROR;
	}
	return 0;
}

/* The iovs past n bytes (a stream call that moved n of them). */
static void
iov_advance(struct io_args *a, size_t n)
{
	while (n > 0 && a->niov > 0) {
		size_t k = n < a->iov->len ? n : a->iov->len;

		a->iov->base = (char *)a->iov->base + k;
		a->iov->len -= k;
		n -= k;
		if (a->iov->len == 0) {
			a->iov++;
			a->niov--;
		}
	}
}

static size_t
iov_total(const struct io_args *a)
{
	size_t t = 0;

	for (unsigned int i = 0; i < a->niov; i++)
		t += a->iov[i].len;
	return t;
}

/*
 * A blocking stream send returns once every byte is queued (LPWSPSend);
 * a non-blocking one queues what fits. The dataplane's blocking send
 * stops short when its wait ends: SO_SNDTIMEO passed (WSAETIMEDOUT; the
 * connection is then in an indeterminate state, as Winsock says), the
 * connection failed, or the TX ring was momentarily full (go on). Each
 * round queues bytes or ends, so the loop is bounded by the buffers.
 */
static long
stream_send(struct io_args *a, int f)
{
	struct dp_iov *first = a->iov;
	size_t total = iov_total(a), done = 0;
	int64_t timeo = 0;
	long n;

	for (;;) {
		n = dp_sock_send(a->ws->dp, a->iov, a->niov, NULL, f);
		if (n < 0)
			break;
		done += (size_t)n;
		if (done == total || (f & DP_F_NONBLOCK))
			break;
		iov_advance(a, (size_t)n);
		/* A zero-byte send reports the connection's error. */
		n = dp_sock_send(a->ws->dp, NULL, 0, NULL, DP_F_NONBLOCK);
		dp_sock_get_opt(a->ws->dp, DP_OPT_SNDTIMEO, &timeo);
		if (n == 0 && timeo != 0)
			n = -ETIMEDOUT;
		if (n < 0)
			break;
	}
	a->iov = first;
	return n < 0 ? wsp_stream_result(n) : (long)done;
}

/* MSG_WAITALL on a blocking stream: until the buffers are full, the
 * peer's FIN or an error (what came before those is returned). */
static long
stream_recv_all(struct io_args *a, int f)
{
	struct dp_iov *first = a->iov;
	size_t total = iov_total(a), got = 0;
	long n;

	for (;;) {
		n = dp_sock_recv(a->ws->dp, a->iov, a->niov, NULL, NULL, f);
		if (n <= 0)
			break;
		got += (size_t)n;
		if (got == total)
			break;
		iov_advance(a, (size_t)n);
	}
	a->iov = first;
	return got != 0 ? (long)got : wsp_stream_result(n);
}

/* A socket made without WSA_FLAG_OVERLAPPED ignores lpOverlapped and
 * the completion routine: the call is an ordinary one (LPWSPSend,
 * LPWSPRecv remarks). */
static void
overlapped_or_not(const struct wsp_sock *ws, LPWSAOVERLAPPED *ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE *cr)
{
	if (!ws->overlapped) {
		*ov = NULL;
		*cr = NULL;
	}
}

/* Not on the dataplane (yet): an OS path socket, or one whose first
 * send to an address decides. WSP_PATH_*, or -1 with *lpErrno set. */
int
wsp_io_send_path(struct wsp_sock *ws, const struct sockaddr *to, int tolen,
		LPINT lpErrno)
{
	struct dp_addr dst;

	if (wsp_ospath(ws))
		return WSP_PATH_OS;
	/* A bad address is the dataplane path's to report. */
	if (to == NULL || wsp_sock_is_stream(ws) ||
			wsp_addr_from_sa(to, tolen, &dst) != 0)
		return WSP_PATH_UNDECIDED;
	return wsp_ospath_route(ws, &dst, NULL, 0, lpErrno);
}

static int
send_common(SOCKET s, LPWSABUF bufs, DWORD nbufs, LPDWORD sent, DWORD flags,
		const struct sockaddr *to, int tolen, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid,
		LPINT lpErrno)
{
	struct dp_addr dst, *dstp = NULL;
	struct io_args a;
	long n;
	int err;

	a.ws = wsp_sock_get(s, lpErrno);
	if (a.ws == NULL)
		return SOCKET_ERROR;
	overlapped_or_not(a.ws, &ov, &cr);
	if (__atomic_load_n(&a.ws->path, __ATOMIC_RELAXED) != WSP_PATH_DP) {
		switch (wsp_io_send_path(a.ws, to, tolen, lpErrno)) {
		case WSP_PATH_OS:
			return wsp_ospath_send(a.ws, bufs, nbufs, sent, flags,
				wsp_sock_is_stream(a.ws) ? NULL : to, tolen,
				ov, cr, tid, lpErrno);
		case -1:
			wsp_sock_put(a.ws);
			return SOCKET_ERROR;
		}
	}
	if (sent == NULL && ov == NULL)
		err = WSAEFAULT;
	else if (flags & ~(DWORD)MSG_DONTROUTE)
		err = WSAEOPNOTSUPP;	/* no OOB or partial datagrams */
	else
		err = iov_from(&a, bufs, nbufs);
	/* lpTo overrides a connected socket's peer for this datagram only
	 * (LPWSPSendTo, sendto remarks); a stream ignores it. */
	if (err == 0 && to != NULL && !wsp_sock_is_stream(a.ws)) {
		err = wsp_addr_from_sa(to, tolen, &dst);
		dstp = &dst;
		if (err != 0)
			iov_done(&a);
	}
	if (err != 0) {
		wsp_sock_put(a.ws);
		*lpErrno = err;
		return SOCKET_ERROR;
	}
	/* An overlapped send never blocks: what does not fit pends
	 * (wsp_ovl.c). */
	if (ov != NULL) {
		iov_done(&a);
		err = wsp_ovl_send(a.ws, bufs, nbufs, dstp, sent, ov, cr,
			tid, false);
		wsp_sock_put(a.ws);
		if (err == 0)
			return 0;
		*lpErrno = err;
		return SOCKET_ERROR;
	}
	if (wsp_sock_is_stream(a.ws))
		n = stream_send(&a, io_flags(a.ws));
	else
		n = dp_sock_send(a.ws->dp, a.iov, a.niov, dstp,
			io_flags(a.ws));
	iov_done(&a);
	if (n == -EAGAIN)
		wsp_evsel_reenable(a.ws, FD_WRITE);
	if (n < 0)
		return finish(a.ws, wsp_error_from_errno((int)n), 0, 0, sent,
			ov, cr, tid, lpErrno);
	return finish(a.ws, 0, (DWORD)n, 0, sent, ov, cr, tid, lpErrno);
}

int WSPAPI
wsp_send(SOCKET s, LPWSABUF bufs, DWORD nbufs, LPDWORD sent, DWORD flags,
		LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
		LPWSATHREADID tid, LPINT lpErrno)
{
	return send_common(s, bufs, nbufs, sent, flags, NULL, 0, ov, cr, tid,
		lpErrno);
}

int WSPAPI
wsp_send_to(SOCKET s, LPWSABUF bufs, DWORD nbufs, LPDWORD sent, DWORD flags,
		const struct sockaddr *to, int tolen, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid,
		LPINT lpErrno)
{
	return send_common(s, bufs, nbufs, sent, flags, to, tolen, ov, cr,
		tid, lpErrno);
}

/*
 * Datagrams have no urgent data and cannot wait for "all" of a message.
 * A peek may be overlapped: it completes when data is there and leaves
 * it queued, which frameworks use as readiness (libuv posts a zero-byte
 * MSG_PEEK WSARecv on UDP sockets). Streams take MSG_WAITALL, but not
 * with a peek nor on a non-blocking socket (WSARecv's page, overlapped
 * or not). No MSG_OOB: the catalog entry offers no expedited data.
 */
static int
recv_flags_check(const struct wsp_sock *ws, DWORD flags, bool ov)
{
	DWORD ok = MSG_PEEK;

	if (wsp_sock_is_stream(ws))
		ok |= MSG_WAITALL;
	if (flags & ~ok)
		return WSAEOPNOTSUPP;
	if ((flags & MSG_WAITALL) && ((flags & MSG_PEEK) ||
			__atomic_load_n(&ws->nonblocking, __ATOMIC_RELAXED)))
		return WSAEOPNOTSUPP;
	return 0;
}

static int
recv_common(SOCKET s, LPWSABUF bufs, DWORD nbufs, LPDWORD rcvd,
		LPDWORD lpflags, struct sockaddr *from, LPINT fromlen,
		LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
		LPWSATHREADID tid, LPINT lpErrno)
{
	struct dp_addr src;
	struct io_args a;
	size_t full = 0;
	int err = 0, f;
	DWORD flags;
	long n;

	a.ws = wsp_sock_get(s, lpErrno);
	if (a.ws == NULL)
		return SOCKET_ERROR;
	overlapped_or_not(a.ws, &ov, &cr);
	/* A stream ignores lpFrom (recvfrom remarks). */
	if (wsp_sock_is_stream(a.ws))
		from = NULL;
	if (wsp_ospath(a.ws))
		return wsp_ospath_recv(a.ws, bufs, nbufs, rcvd, lpflags, from,
			fromlen, ov, cr, tid, lpErrno);
	if (lpflags == NULL || (rcvd == NULL && ov == NULL) ||
			(from != NULL && (fromlen == NULL ||
			*fromlen < (int)sizeof(struct sockaddr_in))))
		err = WSAEFAULT;
	if (err == 0)
		err = recv_flags_check(a.ws, *lpflags, ov != NULL);
	if (err == 0)
		err = iov_from(&a, bufs, nbufs);
	if (err != 0) {
		wsp_sock_put(a.ws);
		*lpErrno = err;
		return SOCKET_ERROR;
	}
	flags = *lpflags;
	if (ov != NULL && (flags & MSG_WAITALL)) {
		/* Pends until the buffers are full (wsp_ovl.c). */
		iov_done(&a);
		err = wsp_ovl_recv_all(a.ws, bufs, nbufs, rcvd, lpflags, ov,
			cr, tid);
		wsp_sock_put(a.ws);
		if (err == 0)
			return 0;
		*lpErrno = err;
		return SOCKET_ERROR;
	}
	f = ((flags & MSG_PEEK) ? DP_F_PEEK : 0) | io_flags(a.ws);
	/* Overlapped: never block the caller; no data yet means pending. */
	if (ov != NULL)
		f |= DP_F_NONBLOCK;
	if ((flags & MSG_WAITALL) && !(f & DP_F_NONBLOCK))
		n = stream_recv_all(&a, f);
	else
		n = dp_sock_recv(a.ws->dp, a.iov, a.niov, &src, &full, f);
	if (wsp_sock_is_stream(a.ws))
		n = wsp_stream_result(n);
	wsp_evsel_reenable(a.ws, FD_READ);
	if (n == -EAGAIN && ov != NULL) {
		err = wsp_ovl_pend_recv(a.ws, bufs, nbufs, lpflags, from,
			fromlen, ov, cr, tid);
		iov_done(&a);
		wsp_sock_put(a.ws);
		*lpErrno = err;
		return SOCKET_ERROR;
	}
	iov_done(&a);
	if (n >= 0 || n == -EMSGSIZE) {
		if (from != NULL)
			wsp_addr_to_sa(&src, from, fromlen);
		*lpflags = 0;
	}
	if (n == -EMSGSIZE) {
		DWORD room = 0;

		for (DWORD i = 0; i < nbufs; i++)
			room += bufs[i].len;
		if (ov == NULL)
			return finish(a.ws, WSAEMSGSIZE, room, 0, rcvd, NULL,
				NULL, NULL, lpErrno);
		/* The datagram is consumed (or, peeked, still there), and
		 * this must complete: as an operation that pended and ended
		 * truncated, exactly as one posted before it came would. A
		 * zero-byte peek on a datagram ends here: WSAEMSGSIZE with
		 * 0 bytes, as recv documents for a datagram larger than
		 * the buffer, and libuv takes as "readable". */
		wsp_ovl_complete(a.ws, ov, cr, tid, WSAEMSGSIZE, room, 0);
		wsp_sock_put(a.ws);
		*lpErrno = WSA_IO_PENDING;
		return SOCKET_ERROR;
	}
	if (n < 0)
		return finish(a.ws, wsp_error_from_errno((int)n), 0, 0, rcvd,
			ov, cr, tid, lpErrno);
	return finish(a.ws, 0, (DWORD)n, 0, rcvd, ov, cr, tid, lpErrno);
}

int WSPAPI
wsp_recv(SOCKET s, LPWSABUF bufs, DWORD nbufs, LPDWORD rcvd,
		LPDWORD flags, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid,
		LPINT lpErrno)
{
	/* A thread that sends zero-copy and reads in turn (one look when
	 * none was released): its completions need not wait for the
	 * service thread's turn on a busy CPU. */
	wsp_ovl_zc_reap(true);
	return recv_common(s, bufs, nbufs, rcvd, flags, NULL, NULL, ov, cr,
		tid, lpErrno);
}

int WSPAPI
wsp_recv_from(SOCKET s, LPWSABUF bufs, DWORD nbufs, LPDWORD rcvd,
		LPDWORD flags, struct sockaddr *from, LPINT fromlen,
		LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
		LPWSATHREADID tid, LPINT lpErrno)
{
	return recv_common(s, bufs, nbufs, rcvd, flags, from, fromlen, ov, cr,
		tid, lpErrno);
}
