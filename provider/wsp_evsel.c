/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * WSPEventSelect, WSPAsyncSelect and WSPEnumNetworkEvents (winsock-spi.md;
 * Microsoft's WSAEventSelect, WSAAsyncSelect, WSAEnumNetworkEvents).
 *
 * A socket with events selected is watched (wsp_watch.c): after each of
 * its dataplane events the service thread looks at what is true now and
 * records the selected events that are enabled, each with its
 * iErrorCode, then signals the event object (WPUSetEvent) or posts one
 * message per event (WPUPostMessage). A recorded event is not recorded
 * again until the call that re-enables it (wsp_evsel_reenable): FD_READ
 * by a receive, FD_WRITE by a send that failed WSAEWOULDBLOCK,
 * FD_ACCEPT by an accept; FD_CONNECT and FD_CLOSE happen once. The
 * readiness rules are select's (wsp_stream_sel_ready for streams).
 *
 * One lock for all sockets: the work under it is a few loads, and
 * enumerating must be atomic with recording.
 */
#include "dp_sock.h"
#include "wsp_error.h"
#include "wsp_evsel.h"
#include "wsp_os.h"
#include "wsp_ospath.h"
#include "wsp_priv.h"
#include "wsp_sock.h"
#include "wsp_stream.h"
#include "wsp_watch.h"

/* Re-enabled by a call, not once-only. */
#define REARMABLE	(FD_READ | FD_WRITE | FD_OOB | FD_ACCEPT)

static struct wsp_mutex evsel_lock = WSP_MUTEX_INITIALIZER;

void
wsp_evsel_init(struct wsp_sock *ws)
{
	__atomic_store_n(&ws->ev_mask, 0, __ATOMIC_RELAXED);
	ws->ev_enabled = 0;
	ws->ev_recorded = 0;
	ws->ev_event = NULL;
	ws->ev_hwnd = NULL;
	ws->ev_msg = 0;
	ws->ev_async = false;
	ws->ev_connect_done = false;
	ws->ev_close_done = false;
	ws->ev_synced = false;
}

/* Streams: what is true now, with each event's error in err[]. */
static LONG
stream_now(struct wsp_sock *ws, unsigned int ev, int *err)
{
	int st = wsp_stream_state(ws);
	unsigned int sel = wsp_stream_sel_ready(ws, ev);
	LONG now = 0;

	if (st == DP_TCP_LISTEN)
		return (sel & WSP_SEL_READ) ? FD_ACCEPT : 0;
	if (st >= DP_TCP_ESTABLISHED)
		ws->ev_synced = true;
	if (!ws->ev_connect_done && (sel & WSP_SEL_EXCEPT)) {
		int e = dp_sock_take_error(ws->dp);

		err[FD_CONNECT_BIT] = e != 0 ? wsp_error_from_errno(-e) :
			WSAECONNREFUSED;
		return FD_CONNECT;
	}
	if (!ws->ev_connect_done && st >= DP_TCP_ESTABLISHED)
		now |= FD_CONNECT;
	if (dp_sock_rx_bytes(ws->dp) > 0)
		now |= FD_READ;
	if (sel & WSP_SEL_WRITE)
		now |= FD_WRITE;
	/* The peer's FIN (or a reset) after the connection was up. */
	if (ws->ev_synced && (st == DP_TCP_CLOSE_WAIT ||
			st == DP_TCP_CLOSING || st == DP_TCP_LAST_ACK ||
			st == DP_TCP_TIME_WAIT || st == DP_TCP_CLOSED)) {
		now |= FD_CLOSE;
		err[FD_CLOSE_BIT] = st == DP_TCP_CLOSED &&
			(ev & DP_EV_ERROR) ? WSAECONNRESET : 0;
	}
	return now;
}

static LONG
dgram_now(struct wsp_sock *ws)
{
	unsigned int ev = dp_sock_ready(ws->dp);

	return ((ev & DP_EV_READ) ? FD_READ : 0) |
		((ev & DP_EV_WRITE) ? FD_WRITE : 0);
}

/* Record what is true, selected and enabled, and tell (lock held). */
static void
record(struct wsp_sock *ws)
{
	int err[FD_MAX_EVENTS] = { 0 };
	LONG mask = __atomic_load_n(&ws->ev_mask, __ATOMIC_RELAXED);
	LONG now, fresh;
	int e;

	if (mask == 0)
		return;
	now = wsp_sock_is_stream(ws) ?
		stream_now(ws, dp_sock_ready(ws->dp), err) : dgram_now(ws);
	/* FD_CONNECT is spent when it happens, selected or not. */
	if (now & FD_CONNECT)
		ws->ev_connect_done = true;
	fresh = now & mask & ws->ev_enabled;
	if (fresh & FD_CLOSE)
		ws->ev_close_done = true;
	if (fresh == 0)
		return;
	ws->ev_enabled &= ~fresh;
	ws->ev_recorded |= fresh;
	for (int b = 0; b < FD_MAX_EVENTS; b++)
		if (fresh & (1 << b))
			ws->ev_error[b] = err[b];
	if (!ws->ev_async) {
		WSP_UPCALL(lpWPUSetEvent)(ws->ev_event, &e);
		return;
	}
	for (int b = 0; b < FD_MAX_EVENTS; b++)
		if (fresh & (1 << b))
			WSP_UPCALL(lpWPUPostMessage)(ws->ev_hwnd, ws->ev_msg,
				(WPARAM)ws->handle,
				(LPARAM)WSAMAKESELECTREPLY(1 << b, err[b]));
}

/* The service thread, after an event on ws. */
static void
watch_fn(struct wsp_sock *ws)
{
	wsp_mutex_lock(&evsel_lock);
	record(ws);
	wsp_mutex_unlock(&evsel_lock);
}

void
wsp_evsel_reenable(struct wsp_sock *ws, LONG events)
{
	if (__atomic_load_n(&ws->ev_mask, __ATOMIC_RELAXED) == 0)
		return;
	wsp_mutex_lock(&evsel_lock);
	ws->ev_enabled |= events & REARMABLE;
	/* Winsock records it again at once while it stays true. */
	record(ws);
	wsp_mutex_unlock(&evsel_lock);
}

bool
wsp_evsel_active(const struct wsp_sock *ws)
{
	return __atomic_load_n(&ws->ev_mask, __ATOMIC_RELAXED) != 0;
}

void
wsp_evsel_close(struct wsp_sock *ws)
{
	bool was;

	wsp_mutex_lock(&evsel_lock);
	was = ws->ev_mask != 0;
	__atomic_store_n(&ws->ev_mask, 0, __ATOMIC_RELAXED);
	wsp_mutex_unlock(&evsel_lock);
	if (was)
		wsp_watch_del(ws, WSP_WATCH_EVSEL);
}

/*
 * Both selects: replace what was selected (either kind), clear the
 * record, make the socket non-blocking, and record at once what is
 * already true (FD_WRITE on a writable socket, data already queued).
 */
static int
select_common(SOCKET s, bool async, WSAEVENT ev, HWND hwnd,
		unsigned int msg, LONG events, LPINT lpErrno)
{
	struct wsp_sock *ws;
	int err = 0;

	if (events & ~FD_ALL_EVENTS) {
		*lpErrno = WSAEINVAL;
		return SOCKET_ERROR;
	}
	ws = wsp_sock_get(s, lpErrno);
	if (ws == NULL)
		return SOCKET_ERROR;
	/* WSPAsyncSelect's messages carry the handle: the OS provider's
	 * would name its own (wsp_ospath_async.c posts ours). */
	if (wsp_ospath(ws) && async)
		return wsp_ospath_async_select(ws, hwnd, msg, events,
			lpErrno);
	if (wsp_ospath(ws)) {
		wsp_ospath_async_forget(ws);	/* replaced */
		return wsp_ospath_event_select(ws, ev, events, lpErrno);
	}
	if (!async && events != 0 && ev == NULL) {
		wsp_sock_put(ws);
		*lpErrno = WSAEINVAL;
		return SOCKET_ERROR;
	}
	/* Only what this protocol can report; the rest never happens. */
	events &= FD_READ | FD_WRITE | FD_OOB | FD_ACCEPT | FD_CONNECT |
		FD_CLOSE;
	__atomic_store_n(&ws->nonblocking, true, __ATOMIC_RELAXED);
	wsp_mutex_lock(&evsel_lock);
	/* Closed since we resolved it: its wsp_evsel_close has run or
	 * waits for this lock; nothing is selected on a closed socket. */
	if (__atomic_load_n(&ws->ref, __ATOMIC_ACQUIRE) & WSP_SOCK_CLOSING) {
		wsp_mutex_unlock(&evsel_lock);
		wsp_sock_put(ws);
		*lpErrno = WSAENOTSOCK;
		return SOCKET_ERROR;
	}
	if (ws->ev_mask == 0 && !ws->ev_synced && wsp_sock_is_stream(ws)) {
		int st = wsp_stream_state(ws);

		/* Connected before anything was selected: no FD_CONNECT
		 * to report. */
		ws->ev_connect_done |= st >= DP_TCP_ESTABLISHED &&
			!__atomic_load_n(&ws->connecting, __ATOMIC_RELAXED);
	}
	ws->ev_async = async;
	ws->ev_event = ev;
	ws->ev_hwnd = hwnd;
	ws->ev_msg = msg;
	ws->ev_recorded = 0;
	ws->ev_enabled = events & ~(ws->ev_connect_done ? FD_CONNECT : 0) &
		~(ws->ev_close_done ? FD_CLOSE : 0);
	__atomic_store_n(&ws->ev_mask, events, __ATOMIC_RELAXED);
	if (events != 0)
		record(ws);
	wsp_mutex_unlock(&evsel_lock);
	if (events != 0)
		err = wsp_watch_add(ws, WSP_WATCH_EVSEL, watch_fn);
	else
		wsp_watch_del(ws, WSP_WATCH_EVSEL);
	if (err != 0) {
		wsp_evsel_close(ws);
		wsp_sock_put(ws);
		*lpErrno = err;
		return SOCKET_ERROR;
	}
	wsp_sock_put(ws);
	return 0;
}

int
wsp_evsel_inherit(struct wsp_sock *from, SOCKET to)
{
	bool async;
	WSAEVENT ev;
	HWND hwnd;
	unsigned int msg;
	LONG events;
	int err = 0;

	if (__atomic_load_n(&from->ev_mask, __ATOMIC_RELAXED) == 0)
		return 0;
	wsp_mutex_lock(&evsel_lock);
	events = from->ev_mask;
	async = from->ev_async;
	ev = from->ev_event;
	hwnd = from->ev_hwnd;
	msg = from->ev_msg;
	wsp_mutex_unlock(&evsel_lock);
	if (events == 0)
		return 0;
	return select_common(to, async, ev, hwnd, msg, events, &err) == 0 ?
		0 : err;
}

int WSPAPI
wsp_event_select(SOCKET s, WSAEVENT ev, LONG events, LPINT lpErrno)
{
	return select_common(s, false, ev, NULL, 0, events, lpErrno);
}

int WSPAPI
wsp_async_select(SOCKET s, HWND hwnd, unsigned int msg, LONG events,
		LPINT lpErrno)
{
	return select_common(s, true, NULL, hwnd, msg, events, lpErrno);
}

/* The record and the reset of ev are one step: an event recorded after
 * the copy signals ev again. */
int WSPAPI
wsp_enum_network_events(SOCKET s, WSAEVENT ev, LPWSANETWORKEVENTS ne,
		LPINT lpErrno)
{
	struct wsp_sock *ws = wsp_sock_get(s, lpErrno);
	int e;

	if (ws == NULL)
		return SOCKET_ERROR;
	if (wsp_ospath(ws))
		return wsp_ospath_enum_events(ws, ev, ne, lpErrno);
	if (ne == NULL) {
		wsp_sock_put(ws);
		*lpErrno = WSAEFAULT;
		return SOCKET_ERROR;
	}
	wsp_mutex_lock(&evsel_lock);
	ne->lNetworkEvents = ws->ev_recorded;
	for (int b = 0; b < FD_MAX_EVENTS; b++)
		ne->iErrorCode[b] = (ws->ev_recorded & (1 << b)) ?
			ws->ev_error[b] : 0;
	ws->ev_recorded = 0;
	if (ev != NULL)
		WSP_UPCALL(lpWPUResetEvent)(ev, &e);
	wsp_mutex_unlock(&evsel_lock);
	wsp_sock_put(ws);
	return 0;
}
