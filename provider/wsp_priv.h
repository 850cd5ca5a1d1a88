/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Provider-internal declarations: the process-wide provider state and the
 * WSPPROC_TABLE entries (each defined in the file of its concern and
 * wired up in one place, wsp_startup.c).
 */
#ifndef _WSP_PRIV_H_
#define _WSP_PRIV_H_

#include <stdbool.h>

#include "wsp_abi.h"
#include "wsp_os.h"

/*
 * Process-wide provider state. Key: (L) under lock.
 */
struct wsp_global {
	struct wsp_mutex lock;		/* the lifecycle lock */
	unsigned int refcount;		/* (L) WSPStartup - WSPCleanup */
	WSPUPCALLTABLE upcalls;		/* (L, read by any) newest table */
	bool decided;			/* (L) the policy was asked */
	bool accelerated;		/* (L) and its answer, for the life
					 * of the process */
};

extern struct wsp_global wsp_g;

/* Every WSPStartup brings the upcall table anew, by value, while other
 * threads call through the one before: each entry is stored and loaded
 * on its own, so a reader sees one whole pointer, old or new. */
#define WSP_UPCALL_FOREACH(X) \
	X(lpWPUCloseEvent) X(lpWPUCloseSocketHandle) X(lpWPUCreateEvent) \
	X(lpWPUCreateSocketHandle) X(lpWPUFDIsSet) X(lpWPUGetProviderPath) \
	X(lpWPUModifyIFSHandle) X(lpWPUPostMessage) \
	X(lpWPUQueryBlockingCallback) X(lpWPUQuerySocketHandleContext) \
	X(lpWPUQueueApc) X(lpWPUResetEvent) X(lpWPUSetEvent) \
	X(lpWPUOpenCurrentThread) X(lpWPUCloseThread)

#define WSP_UPCALL(name) \
	__atomic_load_n(&wsp_g.upcalls.name, __ATOMIC_RELAXED)

/* wsp_startup.c */
int WSPAPI wsp_cleanup(LPINT lpErrno);

/* wsp_stubs.c: entries a later stage implements (WSAEOPNOTSUPP). */
SOCKET WSPAPI wsp_accept(SOCKET s, struct sockaddr *addr, LPINT addrlen,
		LPCONDITIONPROC cond, DWORD_PTR cbdata, LPINT lpErrno);
INT WSPAPI wsp_address_to_string(LPSOCKADDR sa, DWORD salen,
		LPWSAPROTOCOL_INFOW info, LPWSTR str, LPDWORD strsize,
		LPINT lpErrno);
int WSPAPI wsp_async_select(SOCKET s, HWND hwnd, unsigned int msg,
		LONG events, LPINT lpErrno);
int WSPAPI wsp_bind(SOCKET s, const struct sockaddr *name, int namelen,
		LPINT lpErrno);
int WSPAPI wsp_cancel_blocking_call(LPINT lpErrno);
int WSPAPI wsp_close_socket(SOCKET s, LPINT lpErrno);
int WSPAPI wsp_connect(SOCKET s, const struct sockaddr *name, int namelen,
		LPWSABUF caller, LPWSABUF callee, LPQOS sqos, LPQOS gqos,
		LPINT lpErrno);
int WSPAPI wsp_duplicate_socket(SOCKET s, DWORD pid,
		LPWSAPROTOCOL_INFOW info, LPINT lpErrno);
int WSPAPI wsp_enum_network_events(SOCKET s, WSAEVENT ev,
		LPWSANETWORKEVENTS ne, LPINT lpErrno);
int WSPAPI wsp_event_select(SOCKET s, WSAEVENT ev, LONG events,
		LPINT lpErrno);
BOOL WSPAPI wsp_get_overlapped_result(SOCKET s, LPWSAOVERLAPPED ov,
		LPDWORD bytes, BOOL wait, LPDWORD flags, LPINT lpErrno);
int WSPAPI wsp_get_peer_name(SOCKET s, struct sockaddr *name, LPINT len,
		LPINT lpErrno);
int WSPAPI wsp_get_sock_name(SOCKET s, struct sockaddr *name, LPINT len,
		LPINT lpErrno);
int WSPAPI wsp_get_sock_opt(SOCKET s, int level, int optname, char *optval,
		LPINT optlen, LPINT lpErrno);
BOOL WSPAPI wsp_get_qos_by_name(SOCKET s, LPWSABUF name, LPQOS qos,
		LPINT lpErrno);
int WSPAPI wsp_ioctl(SOCKET s, DWORD code, LPVOID in, DWORD inlen,
		LPVOID out, DWORD outlen, LPDWORD ret, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid,
		LPINT lpErrno);
SOCKET WSPAPI wsp_join_leaf(SOCKET s, const struct sockaddr *name,
		int namelen, LPWSABUF caller, LPWSABUF callee, LPQOS sqos,
		LPQOS gqos, DWORD flags, LPINT lpErrno);
int WSPAPI wsp_listen(SOCKET s, int backlog, LPINT lpErrno);
int WSPAPI wsp_recv(SOCKET s, LPWSABUF bufs, DWORD nbufs, LPDWORD rcvd,
		LPDWORD flags, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid,
		LPINT lpErrno);
int WSPAPI wsp_recv_disconnect(SOCKET s, LPWSABUF data, LPINT lpErrno);
int WSPAPI wsp_recv_from(SOCKET s, LPWSABUF bufs, DWORD nbufs,
		LPDWORD rcvd, LPDWORD flags, struct sockaddr *from,
		LPINT fromlen, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid,
		LPINT lpErrno);
int WSPAPI wsp_select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex,
		const PTIMEVAL timeout, LPINT lpErrno);
int WSPAPI wsp_send(SOCKET s, LPWSABUF bufs, DWORD nbufs, LPDWORD sent,
		DWORD flags, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid,
		LPINT lpErrno);
int WSPAPI wsp_send_disconnect(SOCKET s, LPWSABUF data, LPINT lpErrno);
int WSPAPI wsp_send_to(SOCKET s, LPWSABUF bufs, DWORD nbufs, LPDWORD sent,
		DWORD flags, const struct sockaddr *to, int tolen,
		LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
		LPWSATHREADID tid, LPINT lpErrno);
int WSPAPI wsp_set_sock_opt(SOCKET s, int level, int optname,
		const char *optval, int optlen, LPINT lpErrno);
int WSPAPI wsp_shutdown(SOCKET s, int how, LPINT lpErrno);
SOCKET WSPAPI wsp_socket(int af, int type, int protocol,
		LPWSAPROTOCOL_INFOW info, GROUP g, DWORD flags, LPINT lpErrno);
INT WSPAPI wsp_string_to_address(LPWSTR str, INT af,
		LPWSAPROTOCOL_INFOW info, LPSOCKADDR sa, LPINT salen,
		LPINT lpErrno);

#endif /* _WSP_PRIV_H_ */
