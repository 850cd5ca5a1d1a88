/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Following many sockets from one service thread (wsp_watch.c).
 *
 * A socket registers a callback; the service thread runs it after the
 * socket saw an event (the dataplane queues the sockets that changed,
 * dp_sock_watch_*), never scanning the sockets that did not. Callbacks
 * run on the service thread only, one at a time, and must re-check
 * what they wait for: a run may be spurious.
 *
 * Threading: any thread adds and removes; the caller keeps a reference
 * on ws from wsp_watch_add until wsp_watch_del returns (the overlapped
 * module: its pending operations hold them).
 */
#ifndef _WSP_WATCH_H_
#define _WSP_WATCH_H_

struct wsp_sock;

typedef void (*wsp_watch_fn)(struct wsp_sock *ws);

/* Who follows a socket: each has its own callback, so event select and
 * pending overlapped operations watch one socket at once. */
enum wsp_watch_user {
	WSP_WATCH_OVL,		/* wsp_ovl.c: pending operations */
	WSP_WATCH_EVSEL,	/* wsp_evsel.c: selected network events */
	WSP_WATCH_USERS
};

/* Run fn on the service thread after each event on ws, and once soon
 * (for what happened before the call), beside the other users'
 * callbacks. 0, or WSAENOBUFS when the service thread cannot be
 * started. Re-adding replaces the user's fn. */
int wsp_watch_add(struct wsp_sock *ws, enum wsp_watch_user u,
		wsp_watch_fn fn);

/* Stop running the user's callback for ws (a run already begun may
 * still finish); ws stops being followed when no user is left. */
void wsp_watch_del(struct wsp_sock *ws, enum wsp_watch_user u);

/* WSPCleanup, after every watch was removed: stop the thread. */
void wsp_watch_shutdown(void);

/* A zero-copy send went in flight (0, or WSAENOBUFS: no thread), or was
 * reaped: the thread runs, reaping (wsp_ovl_zc_reap), while any is. */
int wsp_watch_hold(void);
void wsp_watch_unhold(void);

#endif /* _WSP_WATCH_H_ */
