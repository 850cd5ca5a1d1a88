/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wsp_ospath_async.c: WSPAsyncSelect on OS path sockets (issue #15 item
 * 2).
 *
 * The messages must carry our handle, and the window is the
 * application's: the OS provider's own WSPAsyncSelect would post its
 * handle. So the lower socket is event-selected for the same events with
 * an event of ours (WPUCreateEvent); the OS provider keeps Windows'
 * recording and re-enabling rules (the calls that re-enable reach it,
 * forwarded), and the OS path's poller (wsp_ospath_poll.c) collects
 * what it recorded every millisecond (WSPEnumNetworkEvents, which also
 * resets the event) and posts one message per event with our handle
 * (WPUPostMessage), as wsp_evsel.c does for accelerated sockets. Up to
 * 1 ms of latency, as the OS path's overlapped I/O.
 *
 * State: the list under as_lock; an entry leaves it (wsp_ospath_async_
 * forget) before its lower socket is closed or event-selected anew, so
 * the poller never collects from a closed lower socket.
 */
#include <stdlib.h>

#include "wsp_log.h"
#include "wsp_os.h"
#include "wsp_ospath.h"
#include "wsp_osprov.h"
#include "wsp_priv.h"

struct as_entry {
	struct as_entry *next;
	struct wsp_sock *ws;		/* no reference: leaves at close */
	WSAEVENT ev;			/* ours, for the lower socket */
	HWND hwnd;
	unsigned int msg;
};

static struct {
	struct wsp_mutex lock;
	struct as_entry *list;		/* lock */
} as = {
	.lock = WSP_MUTEX_INITIALIZER,
};

static SOCKET
lower_of(const struct wsp_sock *ws)
{
	return __atomic_load_n(&ws->lower, __ATOMIC_RELAXED);
}

/* Post what the lower socket recorded (as.lock held). */
static void
collect(struct as_entry *e)
{
	WSANETWORKEVENTS ne;
	int err;

	if (wsp_osprov_lower_table()->lpWSPEnumNetworkEvents(lower_of(e->ws),
			e->ev, &ne, &err) != 0)
		return;
	for (int i = 0; i < FD_MAX_EVENTS; i++)
		if (ne.lNetworkEvents & (1L << i))
			WSP_UPCALL(lpWPUPostMessage)(e->hwnd, e->msg,
				(WPARAM)e->ws->handle,
				WSAMAKESELECTREPLY(1L << i,
				ne.iErrorCode[i]));
}

bool
wsp_ospath_async_tick(void)
{
	bool left;

	wsp_mutex_lock(&as.lock);
	for (struct as_entry *e = as.list; e != NULL; e = e->next)
		collect(e);
	left = as.list != NULL;
	wsp_mutex_unlock(&as.lock);
	return left;
}

/* Take ws's entry out of the list (as.lock held); NULL if none. */
static struct as_entry *
take(const struct wsp_sock *ws)
{
	for (struct as_entry **pp = &as.list; *pp != NULL; pp = &(*pp)->next)
		if ((*pp)->ws == ws) {
			struct as_entry *e = *pp;

			*pp = e->next;
			return e;
		}
	return NULL;
}

static void
entry_free(struct as_entry *e)
{
	int err;

	if (e == NULL)
		return;
	WSP_UPCALL(lpWPUCloseEvent)(e->ev, &err);
	free(e);
}

void
wsp_ospath_async_forget(struct wsp_sock *ws)
{
	struct as_entry *e;

	wsp_mutex_lock(&as.lock);
	e = take(ws);
	wsp_mutex_unlock(&as.lock);
	entry_free(e);
}

int
wsp_ospath_async_select(struct wsp_sock *ws, HWND hwnd, unsigned int msg,
		LONG events, LPINT err)
{
	const WSPPROC_TABLE *t = wsp_osprov_lower_table();
	struct as_entry *e, *old;
	SOCKET l;
	int r;

	wsp_mutex_lock(&as.lock);
	/* A close that began after our caller resolved the handle has
	 * taken, or takes under this lock, the socket's entry: one made
	 * after that would outlive the socket. */
	l = __atomic_load_n(&ws->ref, __ATOMIC_ACQUIRE) & WSP_SOCK_CLOSING ?
		INVALID_SOCKET : wsp_ospath_enter(ws, err);
	if (l == INVALID_SOCKET) {
		wsp_mutex_unlock(&as.lock);
		wsp_sock_put(ws);
		*err = WSAENOTSOCK;
		return SOCKET_ERROR;
	}
	old = take(ws);
	if (events == 0) {
		/* "To cancel all notification": nothing selected below. */
		r = t->lpWSPEventSelect(l, NULL, 0, err);
		wsp_mutex_unlock(&as.lock);
		wsp_ospath_leave(ws);
		entry_free(old);
		wsp_sock_put(ws);
		return r;
	}
	e = old != NULL ? old : calloc(1, sizeof(*e));
	if (e != NULL && old == NULL) {
		e->ws = ws;
		e->ev = WSP_UPCALL(lpWPUCreateEvent)(err);
		if (e->ev == NULL) {
			free(e);
			e = NULL;
		}
	} else if (e == NULL) {
		*err = WSAENOBUFS;
	}
	r = e == NULL ? SOCKET_ERROR : 0;
	if (r == 0 && (r = wsp_ospath_poll_start()) != 0) {
		*err = r;
		r = SOCKET_ERROR;
	}
	/* It makes the socket non-blocking, as WSPAsyncSelect does. */
	if (r == 0)
		r = t->lpWSPEventSelect(l, e->ev, events, err);
	if (r == 0) {
		__atomic_store_n(&ws->nonblocking, true, __ATOMIC_RELAXED);
		e->hwnd = hwnd;
		e->msg = msg;
		e->next = as.list;
		as.list = e;
		e = NULL;
	}
	wsp_mutex_unlock(&as.lock);
	wsp_ospath_leave(ws);
	if (r == 0)
		wsp_ospath_poll_kick();
	entry_free(e);
	wsp_sock_put(ws);
	return r;
}
