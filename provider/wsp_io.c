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
#include "wsp_priv.h"
#include "wsp_sock.h"

#define IOV_STACK	16

struct io_args {
	struct wsp_sock *ws;
	struct dp_iov stack[IOV_STACK];
	struct dp_iov *iov;
	unsigned int niov;
};

static int
iov_from(struct io_args *a, LPWSABUF bufs, DWORD n)
{
	if (n != 0 && bufs == NULL)
		return WSAEFAULT;
	a->iov = n <= IOV_STACK ? a->stack : malloc(sizeof(*a->iov) * n);
	if (a->iov == NULL)
		return WSAENOBUFS;
	for (DWORD i = 0; i < n; i++) {
		if (bufs[i].len != 0 && bufs[i].buf == NULL) {
			if (a->iov != a->stack)
				free(a->iov);
			return WSAEFAULT;
		}
		a->iov[i] = (struct dp_iov){ bufs[i].buf, bufs[i].len };
	}
	a->niov = n;
	return 0;
}

static void
iov_done(struct io_args *a)
{
	if (a->iov != a->stack)
		free(a->iov);
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

static int
send_common(SOCKET s, LPWSABUF bufs, DWORD nbufs, LPDWORD sent, DWORD flags,
		const struct sockaddr *to, int tolen, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid,
		LPINT lpErrno)
{
	struct io_args a = { .ws = wsp_sock_get(s, lpErrno) };
	struct dp_addr dst, *dstp = NULL;
	long n;
	int err;

	if (a.ws == NULL)
		return SOCKET_ERROR;
	overlapped_or_not(a.ws, &ov, &cr);
	if (sent == NULL && ov == NULL)
		err = WSAEFAULT;
	else if (flags & ~(DWORD)MSG_DONTROUTE)
		err = WSAEOPNOTSUPP;	/* no OOB or partial datagrams */
	else
		err = iov_from(&a, bufs, nbufs);
	/* lpTo overrides a connected socket's peer for this datagram only
	 * (LPWSPSendTo, sendto remarks). */
	if (err == 0 && to != NULL) {
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
	n = dp_sock_send(a.ws->dp, a.iov, a.niov, dstp, io_flags(a.ws));
	iov_done(&a);
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

static int
recv_common(SOCKET s, LPWSABUF bufs, DWORD nbufs, LPDWORD rcvd,
		LPDWORD lpflags, struct sockaddr *from, LPINT fromlen,
		LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
		LPWSATHREADID tid, LPINT lpErrno)
{
	struct io_args a = { .ws = wsp_sock_get(s, lpErrno) };
	struct dp_addr src;
	size_t full = 0;
	int err = 0, f;
	DWORD flags;
	long n;

	if (a.ws == NULL)
		return SOCKET_ERROR;
	overlapped_or_not(a.ws, &ov, &cr);
	if (lpflags == NULL || (rcvd == NULL && ov == NULL) ||
			(from != NULL && (fromlen == NULL ||
			*fromlen < (int)sizeof(struct sockaddr_in))))
		err = WSAEFAULT;
	if (err == 0) {
		flags = *lpflags;
		/* Datagrams have no urgent data and cannot wait for "all"
		 * of a message; a peek cannot be overlapped. */
		if ((flags & ~(DWORD)MSG_PEEK) ||
				((flags & MSG_PEEK) && ov != NULL))
			err = WSAEOPNOTSUPP;
	}
	if (err == 0)
		err = iov_from(&a, bufs, nbufs);
	if (err != 0) {
		wsp_sock_put(a.ws);
		*lpErrno = err;
		return SOCKET_ERROR;
	}
	f = ((flags & MSG_PEEK) ? DP_F_PEEK : 0) | io_flags(a.ws);
	/* Overlapped: never block the caller; no data yet means pending. */
	if (ov != NULL)
		f |= DP_F_NONBLOCK;
	n = dp_sock_recv(a.ws->dp, a.iov, a.niov, &src, &full, f);
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
		/* The datagram is consumed, so this must complete: as an
		 * operation that pended and ended truncated, exactly as one
		 * posted before the datagram came would. */
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
