/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wsp_ospath.h: sockets of an accelerated process whose traffic cannot
 * go through the NIC, served by the OS provider behind our own handle
 * (issue #15 item 2; provider/README.md).
 *
 * The entries test wsp_ospath() (one predictable branch) and hand an OS
 * path socket to the wsp_ospath_* function of the call, which takes over
 * the caller's reference. Decisions happen at bind, connect and the first
 * send (wsp_ospath_route).
 */
#ifndef _WSP_OSPATH_H_
#define _WSP_OSPATH_H_

#include <stdbool.h>

#include "dp_sock.h"
#include "wsp_abi.h"
#include "wsp_sock.h"

static inline bool
wsp_ospath(const struct wsp_sock *ws)
{
	return __builtin_expect(__atomic_load_n(&ws->path, __ATOMIC_ACQUIRE) ==
		WSP_PATH_OS, 0);
}

/* Whether a close must look for a lower socket (wsp_ospath_close): on
 * the OS path, or not decided yet (a decision may be in flight). */
static inline bool
wsp_ospath_maybe(const struct wsp_sock *ws)
{
	return __atomic_load_n(&ws->path, __ATOMIC_ACQUIRE) != WSP_PATH_DP;
}

/*
 * Decide where an undecided socket goes, given the address it binds to
 * (name: the bind's, a its parse) or talks to (name NULL): loopback, a
 * local address that is not ours, or a destination our interface has no
 * route to (off the subnet, no gateway: dp_sock_routable) goes to the OS
 * provider (the lower socket is made, the options set so far are
 * replayed onto it, and it is bound to name: a bind the OS refuses
 * decides nothing); our address or any other destination stays on the
 * dataplane; a bind to INADDR_ANY
 * decides nothing. Returns the socket's path (WSP_PATH_*), or -1 with
 * *err set.
 */
int wsp_ospath_route(struct wsp_sock *ws, const struct dp_addr *a,
		const struct sockaddr *name, int namelen, LPINT err);

/* A send's path (wsp_io.c): the socket's if decided, else the one its
 * destination to (NULL: none yet) decides (wsp_ospath_route). WSP_PATH_*,
 * or -1 with *err set. */
int wsp_io_send_path(struct wsp_sock *ws, const struct sockaddr *to,
		int tolen, LPINT err);

/* Note an option set before the decision, to replay it. */
void wsp_ospath_note_opt(struct wsp_sock *ws, int level, int name,
		const char *v, int len);

/* The socket's last reference is gone: what was noted for it goes too. */
void wsp_ospath_forget(struct wsp_sock *ws);

/*
 * The lower socket for the length of a call: a close (wsp_ospath_close)
 * wakes the calls blocked on it, and the last to leave closes it, so no
 * call reaches a socket the OS provider opened after (the handle reused).
 * enter: INVALID_SOCKET with *err WSAENOTSOCK once closed; leave: true if
 * a close came meanwhile (a blocking call that failed or got nothing
 * fails WSAEINTR, as MSAFD's closesocket ends it).
 */
SOCKET wsp_ospath_enter(struct wsp_sock *ws, LPINT err);
bool wsp_ospath_leave(struct wsp_sock *ws);

/* WSPCloseSocket / WSPCleanup, ws marked closing: close the lower
 * socket (once the calls in it have left), if a decision made one; its
 * pending overlapped ops end WSA_OPERATION_ABORTED, notified if notify
 * (else only recorded, as at WSPCleanup). A decision that comes after
 * makes none: the call fails WSAENOTSOCK. */
void wsp_ospath_close(struct wsp_sock *ws, bool notify);

/* A send went out on ws's lower socket l (entered): telemetry gets the
 * name the OS gave an unbound socket. */
void wsp_ospath_sent(struct wsp_sock *ws, SOCKET l);

/* The calls, forwarded; each drops the caller's reference on ws. */
int wsp_ospath_bind(struct wsp_sock *ws, const struct sockaddr *name,
		int namelen, LPINT err);
int wsp_ospath_connect(struct wsp_sock *ws, const struct sockaddr *name,
		int namelen, LPINT err);
int wsp_ospath_listen(struct wsp_sock *ws, int backlog, LPINT err);
SOCKET wsp_ospath_accept(struct wsp_sock *ws, struct sockaddr *addr,
		LPINT addrlen, LPCONDITIONPROC cond, DWORD_PTR cbdata,
		LPINT err);
int wsp_ospath_send(struct wsp_sock *ws, LPWSABUF bufs, DWORD n,
		LPDWORD sent, DWORD flags, const struct sockaddr *to,
		int tolen, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid,
		LPINT err);
int wsp_ospath_recv(struct wsp_sock *ws, LPWSABUF bufs, DWORD n,
		LPDWORD rcvd, LPDWORD flags, struct sockaddr *from,
		LPINT fromlen, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid,
		LPINT err);
int wsp_ospath_shutdown(struct wsp_sock *ws, int how, LPINT err);
int wsp_ospath_name(struct wsp_sock *ws, struct sockaddr *name,
		LPINT namelen, bool peer, LPINT err);
int wsp_ospath_set_opt(struct wsp_sock *ws, int level, int name,
		const char *v, int len, LPINT err);
int wsp_ospath_get_opt(struct wsp_sock *ws, int level, int name, char *v,
		LPINT len, LPINT err);
int wsp_ospath_ioctl(struct wsp_sock *ws, DWORD code, LPVOID in,
		DWORD inlen, LPVOID out, DWORD outlen, LPDWORD ret,
		LPWSATHREADID tid, LPINT err);
int wsp_ospath_event_select(struct wsp_sock *ws, WSAEVENT ev, LONG events,
		LPINT err);
int wsp_ospath_enum_events(struct wsp_sock *ws, WSAEVENT ev,
		LPWSANETWORKEVENTS ne, LPINT err);

/*
 * An overlapped send (to: lpTo or NULL) or receive (from: lpFrom or NULL)
 * on an OS path socket (wsp_ospath_ovl.c); the caller keeps its
 * reference. 0 if it finished now (its completion indicated, *bytes and,
 * receiving, *flags set), else SOCKET_ERROR with *err: WSA_IO_PENDING,
 * or the error it failed with at once (no completion, except
 * WSAEMSGSIZE's).
 */
int wsp_ospath_ovl_io(struct wsp_sock *ws, bool send, LPWSABUF bufs,
		DWORD n, LPDWORD bytes, LPDWORD flags, DWORD send_flags,
		const struct sockaddr *to, int tolen, struct sockaddr *from,
		LPINT fromlen, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid,
		LPINT err);

/*
 * An extension function's op on an OS path socket (wsp_ospath_ext.c):
 * start makes the lower call with the lower overlapped lov (0, or
 * SOCKET_ERROR with *err: WSA_IO_PENDING or its failure); end, if any,
 * runs before the application's completion, with the result (which it
 * may change); release frees xarg, once, whatever happened.
 */
struct wsp_ospath_xfn {
	int (*start)(void *xarg, SOCKET lower, LPWSAOVERLAPPED lov,
		LPDWORD bytes, LPINT err);
	void (*end)(void *xarg, DWORD *res_err, DWORD bytes, DWORD *flags);
	void (*release)(void *xarg);
	/* A receive: a datagram cut to the buffers (WSAEMSGSIZE) still
	 * completes, as wsp_ospath_ovl_io's receive does. */
	bool recv;
};

/* Run it as wsp_ospath_ovl_io runs a send (or a receive, xfn->recv):
 * 0 (finished, completion indicated, *bytes set) or SOCKET_ERROR with
 * *err. cr and tid (may be NULL): the application's completion routine
 * and its thread. */
int wsp_ospath_ovl_ext(struct wsp_sock *ws, const struct wsp_ospath_xfn *xfn,
		void *xarg, LPDWORD bytes, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid,
		LPINT err);

/* The OS provider's extension function id, asked of its socket l
 * (wsp_ospath_ext.c): NULL with *err if it has none. */
void *wsp_ospath_lower_fn(SOCKET l, GUID id, LPINT err);

#ifndef _WIN32
/* Exported by Ws2_32 (<winsock2.h> declares it on Windows): how the OS
 * provider's extension functions report their errors. */
int WSAAPI WSAGetLastError(void);
#endif

/*
 * WSARecvMsg (recv) or WSASendMsg (flags) on an OS path socket
 * (wsp_ospath_msg.c), on the lower socket; the caller keeps its
 * reference. Without ov it waits as the lower socket does; with ov, 0
 * (finished now, completion indicated) or SOCKET_ERROR with *err
 * (WSA_IO_PENDING or the failure). tid_taken, if not NULL: tid came from
 * WPUOpenCurrentThread for this call; an overlapped op takes it over
 * (*tid_taken set) and closes it when it ends.
 */
int wsp_ospath_msg(struct wsp_sock *ws, bool recv, LPWSAMSG msg,
		DWORD flags, LPDWORD n, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid,
		bool *tid_taken, LPINT err);

/* The extension functions on OS path sockets (wsp_ospath_ext.c); each
 * drops the caller's references. */
BOOL wsp_ospath_accept_ex(struct wsp_sock *ls, struct wsp_sock *acc,
		PVOID out, DWORD data_len, DWORD local_len, DWORD remote_len,
		LPDWORD rcvd, LPWSAOVERLAPPED ov);
BOOL wsp_ospath_connect_ex(struct wsp_sock *ws, const struct sockaddr *name,
		int namelen, PVOID buf, DWORD len, LPDWORD sent,
		LPWSAOVERLAPPED ov);
BOOL wsp_ospath_disconnect_ex(struct wsp_sock *ws, LPWSAOVERLAPPED ov,
		DWORD flags, DWORD reserved);
BOOL wsp_ospath_transmit_file(struct wsp_sock *ws, HANDLE file,
		DWORD nbytes, DWORD per_send, LPWSAOVERLAPPED ov,
		LPTRANSMIT_FILE_BUFFERS tfb, DWORD flags);
BOOL wsp_ospath_transmit_packets(struct wsp_sock *ws,
		LPTRANSMIT_PACKETS_ELEMENT el, DWORD n, DWORD send_size,
		LPWSAOVERLAPPED ov, DWORD flags);
/* SO_UPDATE_ACCEPT_CONTEXT on ws (lower: its lower socket, entered):
 * the listener's handle becomes its lower one; the caller keeps its
 * reference. */
int wsp_ospath_update_accept(struct wsp_sock *ws, SOCKET lower,
		const char *v, int len, LPINT err);

/* AcceptEx's accept socket follows its listener like (bound to ip) to
 * the OS path: its lower socket is made now. 0 or a WSA error. */
int wsp_ospath_follow(struct wsp_sock *ws, const struct wsp_sock *like,
		uint32_t ip, LPINT err);

/* An overlapped WSPIoctl on an OS path socket: the codes that finish at
 * once run on the lower socket and complete the application's op once
 * (success only, as wsp_ioctl's); those that wait for a change fail
 * WSAEOPNOTSUPP. Drops the caller's reference. */
int wsp_ospath_ioctl_ovl(struct wsp_sock *ws, DWORD code, LPVOID in,
		DWORD inlen, LPVOID out, DWORD outlen, LPDWORD ret,
		LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
		LPWSATHREADID tid, LPINT err);

/* Close: end ws's pending overlapped ops around close_lower(ws), which
 * closes the lower socket or has the last call in it close it. */
void wsp_ospath_ovl_close(struct wsp_sock *ws, bool notify,
		void (*close_lower)(struct wsp_sock *ws));

/*
 * WSPAsyncSelect on an OS path socket (wsp_ospath_async.c): messages
 * with our handle for what the OS provider records; drops the caller's
 * reference. forget: ws no longer async-selected (close, or
 * WSPEventSelect replacing it).
 */
int wsp_ospath_async_select(struct wsp_sock *ws, HWND hwnd, unsigned int msg,
		LONG events, LPINT err);
void wsp_ospath_async_forget(struct wsp_sock *ws);

/*
 * The OS path's poller (wsp_ospath_poll.c): one thread runs the ticks
 * every millisecond while one says it has work left. start: 0 or
 * WSAENOBUFS; kick: work came; stop: WSPCleanup, every socket closed.
 */
int wsp_ospath_poll_start(void);
void wsp_ospath_poll_kick(void);
void wsp_ospath_poll_stop(void);
/* Its ticks: end the finished overlapped ops, post the recorded
 * async-select events; each true while it has work left. */
bool wsp_ospath_ovl_tick(void);
bool wsp_ospath_async_tick(void);

/*
 * select/WSAPoll over OS path sockets, without waiting: for each of the
 * n sockets, which of WSP_SEL_READ/WRITE/EXCEPT in want[i] it is ready
 * for (got[i]). Returns how many have something, or -1 (WSA error in
 * *err).
 */
int wsp_ospath_ready(struct wsp_sock *const *ws, const unsigned int *want,
		unsigned int *got, unsigned int n, LPINT err);

#endif /* _WSP_OSPATH_H_ */
