/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * WSARecvMsg and WSASendMsg for datagram sockets: the data calls with a
 * name, flags and control data (WSAMSG), blocking, non-blocking and
 * overlapped. The application calls them directly (extension functions)
 * or, for WSASendMsg, through Ws2_32's SIO_EXT_SENDMSG.
 *
 * Received control data: IP_PKTINFO (when enabled) says where the
 * datagram was sent, our address, a broadcast or a multicast group, and
 * through which interface. Layout as ws2def.h/mswsock.h: each header
 * WSA_CMSGHDR_ALIGNed, data at WSA_CMSG_DATA. What does not fit is left
 * out and flagged MSG_CTRUNC; Control.len becomes the bytes written.
 * MSG_BCAST/MSG_MCAST say how the datagram was addressed, MSG_TRUNC
 * that it was cut (the call then fails WSAEMSGSIZE, as WSARecvFrom).
 *
 * Timestamps (SIO_TIMESTAMPING, wsp_tstamp.c) have their own functions
 * below: SO_TIMESTAMP received (put_timestamp), SO_TIMESTAMP_ID sent
 * (tstamp_id; an overlapped WSASendMsg does not carry it yet).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dp_sock.h"
#include "wsp_addr.h"
#include "wsp_cmsg.h"
#include "wsp_error.h"
#include "wsp_evsel.h"
#include "wsp_ext.h"
#include "wsp_iov.h"
#include "wsp_ospath.h"
#include "wsp_ovl.h"
#include "wsp_priv.h"
#include "wsp_sock.h"


static bool
is_broadcast(uint32_t dst)
{
	uint32_t ip, mtu, mask;
	uint8_t prefix;

	if (dst == 0xffffffffu)
		return true;
	dp_sock_local_if(&ip, &prefix, &mtu);
	mask = prefix == 0 ? 0 : ~(uint32_t)0 << (32 - prefix);
	return prefix < 31 && dst == (ip | ~mask);
}

/* SO_TIMESTAMP, when SIO_TIMESTAMPING asked for receive timestamps:
 * when the lcore pulled the datagram's burst, on QPC's scale. Returns
 * MSG_CTRUNC if it did not fit. */
static DWORD
put_timestamp(const struct wsp_sock *ws, WSABUF *ctl, DWORD *used,
		const struct dp_rx_meta *meta)
{
	uint64_t t;

	if (!__atomic_load_n(&ws->ts_rx, __ATOMIC_RELAXED) ||
			meta->rx_tsc == 0)
		return 0;
	t = dp_tstamp_to_os(meta->rx_tsc);
	return wsp_cmsg_put(ctl, used, SOL_SOCKET, SO_TIMESTAMP, &t,
		sizeof(t)) ? 0 : MSG_CTRUNC;
}

/*
 * IP_RECVTOS and IP_RECVTTL (IPPROTO_IP socket options, Windows 10 and
 * later): the datagram's TOS byte, DSCP and ECN bits, as an IP_TOS
 * message ("The returned message type will be IP_TOS") and its TTL as an
 * IP_TTL message. Microsoft does not give their data's size; each is an
 * INT here, as Windows' IP_ECN message and msquic's IP_TOS on Windows
 * (datapath_winuser.c) are. Returns MSG_CTRUNC if one did not fit.
 */
static DWORD
fill_tos_ttl(const struct wsp_sock *ws, WSABUF *ctl, DWORD *used,
		const struct dp_rx_meta *meta)
{
	DWORD flags = 0;
	INT v;

	if (__atomic_load_n(&ws->recvtos, __ATOMIC_RELAXED)) {
		v = meta->tos;
		if (!wsp_cmsg_put(ctl, used, IPPROTO_IP, IP_TOS, &v, sizeof(v)))
			flags |= MSG_CTRUNC;
	}
	if (__atomic_load_n(&ws->recvttl, __ATOMIC_RELAXED)) {
		v = meta->ttl;
		if (!wsp_cmsg_put(ctl, used, IPPROTO_IP, IP_TTL, &v, sizeof(v)))
			flags |= MSG_CTRUNC;
	}
	return flags;
}

DWORD
wsp_msg_fill(const struct wsp_sock *ws, LPWSAMSG msg,
		const struct dp_rx_meta *meta, bool truncated)
{
	DWORD flags = truncated ? MSG_TRUNC : 0, used = 0;

	if ((meta->dst >> 28) == 0xe)
		flags |= MSG_MCAST;
	else if (is_broadcast(meta->dst))
		flags |= MSG_BCAST;
	if (__atomic_load_n(&ws->pktinfo, __ATOMIC_RELAXED)) {
		IN_PKTINFO pi = { .ipi_ifindex = WSP_IF_INDEX };

		pi.ipi_addr.s_addr = htonl(meta->dst);
		if (!wsp_cmsg_put(&msg->Control, &used, IPPROTO_IP, IP_PKTINFO,
				&pi, sizeof(pi)))
			flags |= MSG_CTRUNC;
	}
	flags |= put_timestamp(ws, &msg->Control, &used, meta);
	flags |= fill_tos_ttl(ws, &msg->Control, &used, meta);
	msg->Control.len = used;
	msg->dwFlags = flags;
	return flags;
}

/* An SPI-style call's result: 0, or SOCKET_ERROR with *err set. */
static int
fail(int err, LPINT lpErrno)
{
	*lpErrno = err;
	return SOCKET_ERROR;
}

/*
 * tid_taken, if not NULL: tid was opened for this call, and an operation
 * that pends takes it over (*tid_taken set), closing it when it ends.
 */
static int
recv_msg(struct wsp_sock *ws, LPWSAMSG msg, LPDWORD rcvd,
		LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
		LPWSATHREADID tid, bool *tid_taken, LPINT lpErrno)
{
	struct wsp_iov v;
	struct dp_rx_meta meta;
	DWORD room = 0, flags;
	int err, f;
	long n;

	if (wsp_ospath(ws))
		return wsp_ospath_msg(ws, true, msg, 0, rcvd, ov, cr, tid,
			tid_taken, lpErrno);
	if (msg == NULL || (rcvd == NULL && ov == NULL) ||
			(msg->name != NULL &&
			msg->namelen < (INT)sizeof(struct sockaddr_in)))
		return fail(WSAEFAULT, lpErrno);
	/* Datagram and raw sockets only (WSARecvMsg). */
	if (wsp_sock_is_stream(ws))
		return fail(WSAEOPNOTSUPP, lpErrno);
	/* A peek that pends completes when data comes and leaves it
	 * queued (wsp_ovl.c): readiness, as for WSARecv. */
	if (msg->dwFlags & ~(DWORD)MSG_PEEK)
		return fail(WSAEOPNOTSUPP, lpErrno);
	err = wsp_iov_from(&v, msg->lpBuffers, msg->dwBufferCount);
	if (err != 0)
		return fail(err, lpErrno);
	f = (msg->dwFlags & MSG_PEEK) ? DP_F_PEEK : 0;
	if (ov != NULL || __atomic_load_n(&ws->nonblocking, __ATOMIC_RELAXED))
		f |= DP_F_NONBLOCK;
	n = dp_sock_recv_meta(ws->dp, v.iov, v.n, &meta, f);
	wsp_evsel_reenable(ws, FD_READ);
	wsp_iov_done(&v);
	if (n == -EAGAIN && ov != NULL) {
		err = wsp_ovl_pend_recv_msg(ws, msg, ov, cr, tid,
			tid_taken != NULL);
		if (err == WSA_IO_PENDING && tid_taken != NULL)
			*tid_taken = true;
		return fail(err, lpErrno);
	}
	if (n < 0 && n != -EMSGSIZE)
		return fail(wsp_error_from_errno((int)n), lpErrno);
	if (msg->name != NULL)
		wsp_addr_to_sa(&meta.from, msg->name, &msg->namelen);
	flags = wsp_msg_fill(ws, msg, &meta, n < 0);
	for (DWORD i = 0; i < msg->dwBufferCount; i++)
		room += msg->lpBuffers[i].len;
	if (rcvd != NULL)
		*rcvd = n < 0 ? room : (DWORD)n;
	if (n < 0) {
		if (ov == NULL)
			return fail(WSAEMSGSIZE, lpErrno);
		/* Consumed, so it completes, as a pended one would. */
		wsp_ovl_complete(ws, ov, cr, tid, WSAEMSGSIZE, room, flags);
		return fail(WSA_IO_PENDING, lpErrno);
	}
	if (ov != NULL)
		wsp_ovl_complete(ws, ov, cr, tid, 0, (DWORD)n, flags);
	return 0;
}

int
wsp_msg_parse_control(const WSABUF *ctl)
{
	uint32_t ip, mtu;
	uint8_t prefix;
	DWORD off = 0;

	if (ctl->len == 0)
		return 0;
	if (ctl->buf == NULL)
		return WSAEFAULT;
	dp_sock_local_if(&ip, &prefix, &mtu);
	while (off < ctl->len) {
		const size_t data = WSA_CMSGDATA_ALIGN(sizeof(WSACMSGHDR));
		WSACMSGHDR h;
		IN_PKTINFO pi;
		int err = wsp_cmsg_get(ctl, off, &h);

		if (err != 0)
			return err;
		if (h.cmsg_level == SOL_SOCKET &&
				h.cmsg_type == SO_TIMESTAMP_ID) {
			if (h.cmsg_len != WSA_CMSG_LEN(sizeof(uint32_t)))
				return WSAEINVAL;
			goto next;	/* tstamp_id's */
		}
		/* The source we send from: only our address and
		 * interface exist. */
		if (h.cmsg_level != IPPROTO_IP || h.cmsg_type != IP_PKTINFO ||
				h.cmsg_len != WSA_CMSG_LEN(sizeof(pi)))
			return WSAEINVAL;
		memcpy(&pi, ctl->buf + off + data, sizeof(pi));
		if ((pi.ipi_addr.s_addr != 0 &&
				ntohl(pi.ipi_addr.s_addr) != ip) ||
				(pi.ipi_ifindex != 0 &&
				pi.ipi_ifindex != WSP_IF_INDEX))
			return WSAEADDRNOTAVAIL;
next:
		off = wsp_cmsg_next(ctl, off, &h);
	}
	return 0;
}

/* A checked control buffer's SO_TIMESTAMP_ID (the first), if any. */
static bool
tstamp_id(const WSABUF *ctl, uint32_t *id)
{
	const size_t data = WSA_CMSGDATA_ALIGN(sizeof(WSACMSGHDR));
	DWORD off = 0;
	WSACMSGHDR h;

	while (off < ctl->len && wsp_cmsg_get(ctl, off, &h) == 0) {
		if (h.cmsg_level == SOL_SOCKET &&
				h.cmsg_type == SO_TIMESTAMP_ID) {
			memcpy(id, ctl->buf + off + data, sizeof(*id));
			return true;
		}
		off = wsp_cmsg_next(ctl, off, &h);
	}
	return false;
}

/* The send, with a TX timestamp id when it has one and SIO_TIMESTAMPING
 * asked for them. */
static long
send_dp(struct wsp_sock *ws, const WSABUF *ctl, const struct wsp_iov *v,
		const struct dp_addr *dstp, int f)
{
	uint32_t id;

	if (__atomic_load_n(&ws->ts_tx, __ATOMIC_RELAXED) &&
			tstamp_id(ctl, &id))
		return dp_sock_send_ts(ws->dp, v->iov, v->n, dstp, f, id);
	return dp_sock_send(ws->dp, v->iov, v->n, dstp, f);
}

/* tid_taken as for recv_msg. */
static int
send_msg(struct wsp_sock *ws, LPWSAMSG msg, DWORD flags, LPDWORD sent,
		LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
		LPWSATHREADID tid, bool *tid_taken, LPINT lpErrno)
{
	struct wsp_iov v;
	struct dp_addr dst, *dstp = NULL;
	int err;
	long n;

	if (msg == NULL || (sent == NULL && ov == NULL))
		return fail(WSAEFAULT, lpErrno);
	/* The path as a send decides it: its name, if it has one. */
	if (__atomic_load_n(&ws->path, __ATOMIC_RELAXED) != WSP_PATH_DP) {
		switch (wsp_io_send_path(ws, msg->name, msg->namelen,
				lpErrno)) {
		case WSP_PATH_OS:
			return wsp_ospath_msg(ws, false, msg, flags, sent, ov,
				cr, tid, tid_taken, lpErrno);
		case -1:
			return SOCKET_ERROR;
		}
	}
	if (wsp_sock_is_stream(ws))
		return fail(WSAEOPNOTSUPP, lpErrno);
	if (flags & ~(DWORD)MSG_DONTROUTE)
		return fail(WSAEOPNOTSUPP, lpErrno);
	if (msg->name != NULL) {
		err = wsp_addr_from_sa(msg->name, msg->namelen, &dst);
		if (err != 0)
			return fail(err, lpErrno);
		dstp = &dst;
	}
	err = wsp_msg_parse_control(&msg->Control);
	if (err != 0)
		return fail(err, lpErrno);
	/* An overlapped send never blocks: what does not fit pends
	 * (wsp_ovl.c), as WSASend's does. */
	if (ov != NULL) {
		err = wsp_ovl_send(ws, msg->lpBuffers, msg->dwBufferCount,
			dstp, sent, ov, cr, tid, tid_taken != NULL);
		if (err == WSA_IO_PENDING && tid_taken != NULL)
			*tid_taken = true;
		return err == 0 ? 0 : fail(err, lpErrno);
	}
	err = wsp_iov_from(&v, msg->lpBuffers, msg->dwBufferCount);
	if (err != 0)
		return fail(err, lpErrno);
	n = send_dp(ws, &msg->Control, &v, dstp,
		__atomic_load_n(&ws->nonblocking, __ATOMIC_RELAXED) ?
		DP_F_NONBLOCK : 0);
	wsp_iov_done(&v);
	if (n == -EAGAIN)
		wsp_evsel_reenable(ws, FD_WRITE);
	if (n < 0)
		return fail(wsp_error_from_errno((int)n), lpErrno);
	if (sent != NULL)
		*sent = (DWORD)n;
	return 0;
}

/* Resolve, drop what a socket without WSA_FLAG_OVERLAPPED ignores. */
static struct wsp_sock *
get(SOCKET s, LPWSAOVERLAPPED *ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE *cr,
		LPINT lpErrno)
{
	struct wsp_sock *ws = wsp_sock_get(s, lpErrno);

	if (ws != NULL && !ws->overlapped) {
		*ov = NULL;
		*cr = NULL;
	}
	return ws;
}

/*
 * The application calls an extension function itself, not through
 * Ws2_32: a completion routine needs the calling thread's id from
 * WPUOpenCurrentThread, closed when the call returns, or by the
 * operation that took it over when that one ends.
 */
static int
ext_call(SOCKET s, LPWSAMSG msg, DWORD flags, LPDWORD n,
		LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
		bool rx)
{
	WSATHREADID tid = { 0 };
	struct wsp_sock *ws;
	bool taken = false;
	int err = 0, ret;

	ws = get(s, &ov, &cr, &err);
	if (ws == NULL) {
		WSASetLastError(err);
		return SOCKET_ERROR;
	}
	if (cr != NULL && WSP_UPCALL(lpWPUOpenCurrentThread)(&tid, &err) != 0)
		ret = SOCKET_ERROR;
	else if (rx)
		ret = recv_msg(ws, msg, n, ov, cr, &tid,
			cr != NULL ? &taken : NULL, &err);
	else
		ret = send_msg(ws, msg, flags, n, ov, cr, &tid,
			cr != NULL ? &taken : NULL, &err);
	if (cr != NULL && tid.ThreadHandle != NULL && !taken) {
		int e;

		WSP_UPCALL(lpWPUCloseThread)(&tid, &e);
	}
	wsp_sock_put(ws);
	if (ret != 0)
		WSASetLastError(err);
	return ret;
}

INT WSAAPI
wsp_recv_msg(SOCKET s, LPWSAMSG msg, LPDWORD rcvd, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr)
{
	return ext_call(s, msg, 0, rcvd, ov, cr, true);
}

INT WSAAPI
wsp_send_msg(SOCKET s, LPWSAMSG msg, DWORD flags, LPDWORD sent,
		LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr)
{
	return ext_call(s, msg, flags, sent, ov, cr, false);
}

/* Ws2_32's WSASendMsg: the call's arguments in a WSASENDMSG; WSPIoctl's
 * own overlapped arguments play no part. */
int
wsp_msg_ext_sendmsg(SOCKET s, LPVOID in, DWORD inlen, LPWSATHREADID tid,
		LPINT lpErrno)
{
	LPWSAOVERLAPPED ov;
	LPWSAOVERLAPPED_COMPLETION_ROUTINE cr;
	struct wsp_sock *ws;
	WSASENDMSG a;
	int ret;

	if (in == NULL || inlen < sizeof(a))
		return fail(WSAEFAULT, lpErrno);
	memcpy(&a, in, sizeof(a));
	ov = a.lpOverlapped;
	cr = a.lpCompletionRoutine;
	ws = get(s, &ov, &cr, lpErrno);
	if (ws == NULL)
		return SOCKET_ERROR;
	ret = send_msg(ws, a.lpMsg, a.dwFlags, a.lpNumberOfBytesSent, ov, cr,
		tid, NULL, lpErrno);
	wsp_sock_put(ws);
	return ret;
}
