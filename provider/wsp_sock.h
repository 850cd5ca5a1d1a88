/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Provider sockets: what a SOCKET handle from WPUCreateSocketHandle
 * stands for, and how concurrent calls on it stay safe.
 *
 * Every WSP* entry resolves its handle with wsp_sock_get(), which takes a
 * reference, and drops it with wsp_sock_put(). The lookup takes no lock
 * and, while the handle is the last one opened at its place in
 * wsp_sock.c's hint table, no upcall either. WSPCloseSocket marks the
 * socket closing (new lookups fail with WSAENOTSOCK), interrupts blocked
 * calls and drops the handle's own reference; whoever drops the last one
 * closes the dataplane socket. The objects are type-stable (recycled,
 * never freed while the process lives), so a lookup racing a close reads
 * a valid object and fails cleanly instead of touching freed memory.
 *
 * Key: (c) constant while open; (a) atomic; (v) under wsp_ovl.c's lock;
 * (w) under wsp_watch.c's lock; (e) under wsp_evsel.c's lock; (o) under
 * wsp_ospath.c's lock.
 */
#ifndef _WSP_SOCK_H_
#define _WSP_SOCK_H_

#include <stdbool.h>
#include <stdint.h>

#include "dp_sock.h"
#include "wsp_abi.h"
#include "wsp_watch.h"

struct ovl_op;
struct wsp_os_opts;

struct wsp_ovl_queue {
	struct ovl_op *head;
	struct ovl_op *tail;
};

struct wsp_sock {
	uint32_t ref;			/* (a) references | WSP_SOCK_CLOSING */
	SOCKET handle;			/* (c) */
	struct dp_sock *dp;		/* (c) but for one exception: AcceptEx
					 * and DisconnectEx(TF_REUSE_SOCKET)
					 * replace it on the service thread
					 * (wsp_ext_tcp.c), while the socket
					 * is in a state where Winsock allows
					 * the application no other call */
	int type;			/* (c) SOCK_DGRAM, SOCK_STREAM */
	int protocol;			/* (c) IPPROTO_UDP, IPPROTO_TCP */
	bool overlapped;		/* (c) WSA_FLAG_OVERLAPPED */
	bool nonblocking;		/* (a) FIONBIO */
	uint32_t linger;		/* (a) l_onoff << 16 | l_linger */
	bool abort_on_close;		/* (a) decided by close */
	bool keepalive;			/* (a) SO_KEEPALIVE, as last set */
	bool pktinfo;			/* (a) IP_PKTINFO: recvmsg reports
					 * each datagram's destination */
	bool recvtos;			/* (a) IP_RECVTOS: and its TOS */
	bool recvttl;			/* (a) IP_RECVTTL: and its TTL */
	bool netreset;			/* (a) SIO_UDP_NETRESET, stored only
					 * (no ICMP time exceeded is
					 * reported to sockets) */
	uint32_t unicast_if;		/* (a) IP_UNICAST_IF, as given */
	bool ts_rx;			/* (a) SIO_TIMESTAMPING: WSARecvMsg
					 * reports SO_TIMESTAMP */
	bool ts_tx;			/* (a) SIO_TIMESTAMPING: SO_TIMESTAMP_ID
					 * sends get TX timestamps */
	bool connecting;		/* (a) streams: a non-blocking connect
					 * whose outcome select has not seen */
	uint8_t ext_ctx;		/* (a) WSP_EXT_CTX_*: what an
					 * extension function made of it */
	struct dp_sock *deferred;	/* (a) listeners: the connection a
					 * CF_DEFER left for the next accept */
	const WSAPROTOCOL_INFOW *info;	/* (c) the catalog entry, shared
					 * (wsp_pinfo.c) */
	/* the OS path (wsp_ospath.c): traffic the NIC cannot carry */
	uint8_t path;			/* (a) WSP_PATH_*, set once */
	uint8_t os_why;			/* (o) why WSP_PATH_OS (DP_OS_*) */
	bool os_named;			/* (a) its OS socket's local name is
					 * in telemetry (else the next send
					 * looks again) */
	SOCKET lower;			/* (a) the OS provider's socket,
					 * published before path */
	uint32_t os_ref;		/* (a) calls using lower |
					 * WSP_SOCK_CLOSING once closed
					 * (wsp_ospath_enter) */
	struct wsp_os_opts *os_opts;	/* (o) options noted before deciding;
					 * NULL: none, or decided */
	/* overlapped operations (wsp_ovl.c), each queue in posting order */
	struct wsp_ovl_queue ovl_recv;	/* (v) pending receives */
	struct wsp_ovl_queue ovl_send;	/* (v) pending stream sends */
	uint32_t zc_ops;		/* (a) zero-copy sends not completed
					 * (wsp_ovl.c) */
	struct wsp_ovl_queue ovl_ext;	/* (v) pending extension ops
					 * (wsp_ext_tcp.c), tried in turn */
	struct wsp_sock *ovl_next;	/* (v) sockets with pending ops */
	struct wsp_sock *ovl_prev;	/* (v) */
	/* watching (wsp_watch.c) */
	wsp_watch_fn watch_fn[WSP_WATCH_USERS]; /* (w) all NULL: not
					 * watched */
	struct wsp_sock *watch_next;	/* (w) watched sockets */
	struct wsp_sock *watch_prev;	/* (w) */
	/* event select (wsp_evsel.c) */
	LONG ev_mask;			/* (e, a) FD_* selected; 0: none */
	LONG ev_enabled;		/* (e) FD_* that may be recorded */
	LONG ev_recorded;		/* (e) recorded, not enumerated yet */
	int ev_error[FD_MAX_EVENTS];	/* (e) their iErrorCode */
	WSAEVENT ev_event;		/* (e) WSPEventSelect's, or NULL */
	HWND ev_hwnd;			/* (e) WSPAsyncSelect's window */
	unsigned int ev_msg;		/* (e) and message */
	bool ev_async;			/* (e) WSPAsyncSelect, not Event */
	bool ev_connect_done;		/* (e) FD_CONNECT recorded or moot */
	bool ev_close_done;		/* (e) FD_CLOSE recorded */
	bool ev_synced;			/* (e) seen established */
	struct wsp_sock *next;		/* free list / open list link */
	struct wsp_sock *prev;
};

#define WSP_SOCK_CLOSING	0x80000000u

/* path: decided at bind, connect or the first send (wsp_ospath.c). */
#define WSP_PATH_UNDECIDED	0
#define WSP_PATH_DP		1	/* wspdk's dataplane */
#define WSP_PATH_OS		2	/* the OS provider, behind us */

/* ext_ctx: connected by AcceptEx / ConnectEx, its context not updated
 * yet (SO_UPDATE_ACCEPT_CONTEXT / SO_UPDATE_CONNECT_CONTEXT). */
#define WSP_EXT_CTX_ACCEPTED	1
#define WSP_EXT_CTX_CONNECTED	2
/* An AcceptEx waits to hand it a connection. */
#define WSP_EXT_CTX_PENDING	4
/* SO_UPDATE_*_CONTEXT was set since. */
#define WSP_EXT_CTX_UPDATED	8

/*
 * AcceptEx / ConnectEx connected it and the application has not updated
 * its context yet: Winsock's own view of it is still what it was before
 * the call (ConnectEx remarks: getpeername, getsockname and shutdown
 * only after the update), so those fail as for an unconnected socket.
 */
static inline bool
wsp_ext_ctx_stale(const struct wsp_sock *ws, uint8_t which)
{
	uint8_t c = __atomic_load_n(&ws->ext_ctx, __ATOMIC_ACQUIRE);

	return (c & which) != 0 && !(c & WSP_EXT_CTX_UPDATED);
}

/* Resolve a handle and take a reference; NULL with *err = WSAENOTSOCK. */
struct wsp_sock *wsp_sock_get(SOCKET s, LPINT err);
void wsp_sock_put(struct wsp_sock *ws);

/* What a new socket is, fixed before anyone else can see it. */
struct wsp_sock_attr {
	int type;
	int protocol;
	bool overlapped;
	const WSAPROTOCOL_INFOW *info;	/* the catalog entry, or NULL */
	const struct wsp_sock *parent;	/* a listener whose FIONBIO, linger
					 * and SO_KEEPALIVE it inherits */
	struct dp_sock *adopt;		/* an accepted connection, or NULL:
					 * create one */
	SOCKET lower;			/* an accepted OS provider socket it
					 * stands for, or 0 */
};

/* A new provider socket, its dataplane socket and its handle, or
 * INVALID_SOCKET with *err set (WSAENETDOWN once WSPCleanup has begun
 * closing sockets). The handle is returned, not the object: from the
 * moment it is published another thread may close it. An adopted
 * dataplane socket is the new socket's even on failure (it is closed
 * abortively then). */
SOCKET wsp_sock_open(const struct wsp_sock_attr *attr, LPINT err);

/* WSPStartup from zero: sockets may be made again. */
void wsp_sock_accept_new(void);

/*
 * Close ws (the caller holds one reference, which this drops): no new
 * lookups, blocked calls interrupted, pending overlapped receives
 * aborted (notified only if notify), the handle released. Returns false
 * if another thread got there first.
 */
bool wsp_sock_close(struct wsp_sock *ws, bool abortive, bool notify);

/* WSPCleanup: close every socket still open, wait for the last calls. */
void wsp_sock_close_all(void);

/* 0 -> SOCKET_ERROR with *lpErrno from a negative errno. */
int wsp_fail(int neg_errno, LPINT lpErrno);

/* Wait (up to timeout_us, < 0 forever) for dp events; -errno. */
int wsp_sock_wait(struct wsp_sock *ws, unsigned int events,
		int64_t timeout_us);

static inline bool
wsp_sock_is_stream(const struct wsp_sock *ws)
{
	return ws->type == SOCK_STREAM;
}

/* SO_KEEPALIVE / SIO_KEEPALIVE_VALS on a stream socket: idle and
 * interval in ms, 0 keeping the current ones. 0 or a WSA error. */
int wsp_sock_set_keepalive(struct wsp_sock *ws, bool on, uint32_t idle_ms,
		uint32_t intvl_ms);

#endif /* _WSP_SOCK_H_ */
