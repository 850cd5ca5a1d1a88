/* SPDX-License-Identifier: BSD-3-Clause */
/* Overlapped completion and pending receives (wsp_ovl.c). */
#ifndef _WSP_OVL_H_
#define _WSP_OVL_H_

#include <stdbool.h>

#include "dp_sock.h"
#include "wsp_abi.h"

struct wsp_sock;

/* Record the result in ov and notify (APC, event or completion port). */
void wsp_ovl_complete(struct wsp_sock *ws, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid,
		DWORD err, DWORD bytes, DWORD flags);

/* Queue a receive that found nothing; returns WSA_IO_PENDING or an
 * error (nothing queued then). */
int wsp_ovl_pend_recv(struct wsp_sock *ws, LPWSABUF bufs, DWORD nbufs,
		LPDWORD flags, struct sockaddr *from, LPINT fromlen,
		LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
		LPWSATHREADID tid);

/* An overlapped stream receive with MSG_WAITALL (wsp_ovl.c): 0 done
 * now, WSA_IO_PENDING, or an error (no completion then). */
int wsp_ovl_recv_all(struct wsp_sock *ws, LPWSABUF bufs, DWORD nbufs,
		LPDWORD rcvd, LPDWORD flags, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid);

/* The same for WSARecvMsg: name, flags and control data are filled in
 * msg on completion. With own_tid, an op that pends takes over tid (from
 * WPUOpenCurrentThread) and closes it when it ends; otherwise, as for
 * any other return, tid stays the caller's. */
int wsp_ovl_pend_recv_msg(struct wsp_sock *ws, LPWSAMSG msg,
		LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
		LPWSATHREADID tid, bool own_tid);

/* An overlapped send (dst: lpTo or NULL): 0 (all queued now, *sent
 * set, completion indicated), WSA_IO_PENDING (the rest is queued as
 * room comes), or an error (no completion). own_tid as above. */
int wsp_ovl_send(struct wsp_sock *ws, LPWSABUF bufs, DWORD nbufs,
		const struct dp_addr *dst, LPDWORD sent, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid,
		bool own_tid);

/*
 * An extension function's pending operation (wsp_ext_tcp.c), embedded in
 * its own state. A socket's are tried in turn after each of its events,
 * not in order: one waiting (an AcceptEx for its first data) holds up
 * no other.
 */
struct wsp_ovl_ext {
	/* Service thread: true once it has completed (and notified). */
	bool (*try_fn)(struct wsp_ovl_ext *x);
	/* It leaves: done, or aborted by a close (notify: report
	 * WSA_OPERATION_ABORTED) or WSPCleanup (record it only). Frees
	 * x. */
	void (*end_fn)(struct wsp_ovl_ext *x, bool aborted, bool notify);
};

/* Queue x on ws (watched until it leaves): WSA_IO_PENDING, or an error
 * (nothing queued, end_fn not called). ov is marked in progress. */
int wsp_ovl_pend_ext(struct wsp_sock *ws, struct wsp_ovl_ext *x,
		LPWSAOVERLAPPED ov);

/* The result in ov, nobody notified (an abort during WSPCleanup). */
void wsp_ovl_record(LPWSAOVERLAPPED ov, DWORD err, DWORD bytes,
		DWORD flags);

/* Fail ws's pending operations (all sockets' if ws is NULL) with
 * WSA_OPERATION_ABORTED, notifying only if notify (the result is in
 * their WSAOVERLAPPED either way). */
void wsp_ovl_cancel(struct wsp_sock *ws, bool notify);

/* WSPCleanup: abort every pending receive silently, stop the thread. */
void wsp_ovl_shutdown(void);

/* wsp_ovl_zc.c: complete the zero-copy sends whose buffers the
 * dataplane let go of (notify false: record the results only, as at
 * cleanup). Any thread. */
void wsp_ovl_zc_reap(bool notify);

#endif /* _WSP_OVL_H_ */
