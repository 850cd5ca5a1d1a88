/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * WSPSelect: readiness of our sockets in Winsock fd_sets (arrays of
 * handles, not bitmaps), tested with the WPUFDIsSet upcall's semantics
 * and rewritten in place to hold only the ready ones.
 *
 * Datagram sockets: readable with a datagram or a pending error (which
 * the next receive reports), writable while the TX ring has room, never
 * exceptional (no out-of-band data, no connect to fail). Streams follow
 * wsp_stream_sel_ready().
 * Waiting is the dataplane's: spin, then sleep until an lcore reports an
 * event on any of the sockets. A socket waits only for events it does
 * not have yet: one whose events are up but not ready for its set (a
 * failed connect in writefds) must not wake the wait again and again.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#include "dp_sock.h"
#include "wsp_error.h"
#include "wsp_priv.h"
#include "wsp_sock.h"
#include "wsp_stream.h"

#define SETS		3
#define MAX_ENTRIES	(3 * 1024)

static const unsigned int set_sel[SETS] = {
	WSP_SEL_READ, WSP_SEL_WRITE, WSP_SEL_EXCEPT
};

/* The dataplane events that can make a socket ready for a set. */
static const unsigned int set_event[SETS] = {
	DP_EV_READ, DP_EV_WRITE | DP_EV_ERROR, DP_EV_ERROR
};

struct entry {
	struct wsp_sock *ws;
	unsigned int set;
};

/*
 * A set's handles. An application may define FD_SETSIZE past the 64 of
 * the header, so there are fd_count of them whatever fd_set's declared
 * array says: indexing that array past 64 would be undefined.
 */
static SOCKET *
handles(fd_set *set)
{
	return (SOCKET *)((char *)set + offsetof(fd_set, fd_array));
}

static void
put_all(struct entry *e, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		wsp_sock_put(e[i].ws);
}

static unsigned int
sel_ready(struct wsp_sock *ws)
{
	unsigned int ev = dp_sock_ready(ws->dp);

	if (wsp_sock_is_stream(ws))
		return wsp_stream_sel_ready(ws, ev);
	return ((ev & DP_EV_READ) ? WSP_SEL_READ : 0) |
		((ev & DP_EV_WRITE) ? WSP_SEL_WRITE : 0);
}

/* What each socket waits for: its sets' events it does not have yet. */
static void
wait_events(struct entry *e, unsigned int n, struct dp_sock *const *socks,
		unsigned int *events, unsigned int ns)
{
	for (unsigned int j = 0; j < ns; j++)
		events[j] = 0;
	for (unsigned int i = 0; i < n; i++) {
		unsigned int j;

		for (j = 0; j < ns && socks[j] != e[i].ws->dp; j++)
			;
		events[j] |= set_event[e[i].set];
	}
	for (unsigned int j = 0; j < ns; j++)
		events[j] &= ~dp_sock_ready(socks[j]);
}

/* How many entries are ready; with keep, rewrite the sets to them. */
static int
collect(fd_set **sets, struct entry *e, unsigned int n, bool keep)
{
	unsigned int pos[SETS] = { 0 };
	int ready = 0;

	for (unsigned int i = 0; i < n; i++) {
		bool r = (sel_ready(e[i].ws) & set_sel[e[i].set]) != 0;

		ready += r;
		if (keep && r)
			handles(sets[e[i].set])[pos[e[i].set]++] =
				e[i].ws->handle;
	}
	for (unsigned int s = 0; keep && s < SETS; s++)
		if (sets[s] != NULL)
			sets[s]->fd_count = pos[s];
	return ready;
}

static int64_t
timeout_us(const struct timeval *tv)
{
	if (tv == NULL)
		return -1;
	return (int64_t)tv->tv_sec * 1000000 + tv->tv_usec;
}

int WSPAPI
wsp_select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex,
		const PTIMEVAL timeout, LPINT lpErrno)
{
	fd_set *sets[SETS] = { rd, wr, ex };
	struct dp_sock *socks[MAX_ENTRIES];
	unsigned int events[MAX_ENTRIES];
	struct entry *e;
	unsigned int n = 0, total = 0, ns = 0;
	uint64_t deadline = 0;
	int ready, ret;

	/* Each count is checked before it is added: counts near 2^31
	 * would wrap the sum to something small. */
	for (unsigned int s = 0; s < SETS; s++) {
		if (sets[s] == NULL)
			continue;
		if (sets[s]->fd_count > MAX_ENTRIES - total) {
			*lpErrno = WSAEINVAL;
			return SOCKET_ERROR;
		}
		total += sets[s]->fd_count;
	}
	if (total == 0 || (timeout != NULL &&
			(timeout->tv_sec < 0 || timeout->tv_usec < 0))) {
		*lpErrno = WSAEINVAL;
		return SOCKET_ERROR;
	}
	if (timeout_us(timeout) > 0)
		deadline = wsp_clock_us() + (uint64_t)timeout_us(timeout);
	e = malloc(sizeof(*e) * total);
	if (e == NULL) {
		*lpErrno = WSAENOBUFS;
		return SOCKET_ERROR;
	}
	for (unsigned int s = 0; s < SETS; s++) {
		for (u_int i = 0; sets[s] != NULL && i < sets[s]->fd_count;
				i++) {
			e[n].ws = wsp_sock_get(handles(sets[s])[i], lpErrno);
			if (e[n].ws == NULL) {
				put_all(e, n);
				free(e);
				return SOCKET_ERROR;
			}
			e[n++].set = s;
		}
	}
	/* One wait entry per socket. */
	for (unsigned int i = 0; i < n; i++) {
		unsigned int j;

		for (j = 0; j < ns && socks[j] != e[i].ws->dp; j++)
			;
		if (j == ns)
			socks[ns++] = e[i].ws->dp;
	}
	for (;;) {
		int64_t left = timeout_us(timeout);

		if (left > 0) {
			uint64_t now = wsp_clock_us();

			left = now >= deadline ? 0 : (int64_t)(deadline - now);
		}
		/* What to wait for is read before what is ready: an event
		 * between the two is then either seen by collect or makes
		 * the wait return at once. The other order waited for
		 * nothing until the deadline when the event came between. */
		wait_events(e, n, socks, events, ns);
		ready = collect(sets, e, n, false);
		if (ready > 0 || left == 0)
			break;
		ret = dp_sock_wait_any(socks, events, ns, left);
		if (ret == -ETIMEDOUT)
			break;
		if (ret != 0) {
			/* Cancelled by a close or by WSPCleanup. */
			put_all(e, n);
			free(e);
			return wsp_fail(ret, lpErrno);
		}
	}
	ready = collect(sets, e, n, true);
	put_all(e, n);
	free(e);
	return ready;
}
