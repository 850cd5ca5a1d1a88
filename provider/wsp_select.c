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
 * event on any of the sockets (wsp_wait.c, which also asks the OS
 * provider about OS path sockets in the sets). A socket waits only for
 * events it does not have yet: one whose events are up but not ready for
 * its set (a failed connect in writefds) must not wake the wait again
 * and again.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#include "dp_sock.h"
#include "wsp_error.h"
#include "wsp_ospath.h"
#include "wsp_priv.h"
#include "wsp_sock.h"
#include "wsp_stream.h"
#include "wsp_wait.h"

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
	int os;				/* index among the OS path ones,
					 * or -1 */
};

/* One select's state, for its wait (wsp_wait.c). */
struct sel {
	fd_set **sets;
	struct entry *e;
	unsigned int n;
	struct dp_sock **socks;
	unsigned int *events;
	unsigned int ns;
	/* the OS path entries, asked through the OS provider */
	struct wsp_sock **os_ws;
	unsigned int *os_want;
	unsigned int *os_got;
	unsigned int nos;
	int err;			/* a failed collect's WSA error */
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
wait_events(void *ctx)
{
	struct sel *p = ctx;

	for (unsigned int j = 0; j < p->ns; j++)
		p->events[j] = 0;
	for (unsigned int i = 0; i < p->n; i++) {
		unsigned int j;

		if (p->e[i].os >= 0)
			continue;
		for (j = 0; j < p->ns && p->socks[j] != p->e[i].ws->dp; j++)
			;
		p->events[j] |= set_event[p->e[i].set];
	}
	for (unsigned int j = 0; j < p->ns; j++)
		p->events[j] &= ~dp_sock_ready(p->socks[j]);
}

/* How many entries are ready; with keep, rewrite the sets to them. -1:
 * the OS provider failed (p->err). */
static int
collect_sets(struct sel *p, bool keep)
{
	unsigned int pos[SETS] = { 0 };
	int ready = 0;

	if (p->nos > 0 && wsp_ospath_ready(p->os_ws, p->os_want, p->os_got,
			p->nos, &p->err) < 0)
		return -1;
	for (unsigned int i = 0; i < p->n; i++) {
		struct entry *e = &p->e[i];
		unsigned int got = e->os >= 0 ? p->os_got[e->os] :
			sel_ready(e->ws);
		bool r = (got & set_sel[e->set]) != 0;

		ready += r;
		if (keep && r)
			handles(p->sets[e->set])[pos[e->set]++] =
				e->ws->handle;
	}
	for (unsigned int s = 0; keep && s < SETS; s++)
		if (p->sets[s] != NULL)
			p->sets[s]->fd_count = pos[s];
	return ready;
}

static int
collect(void *ctx)
{
	return collect_sets(ctx, false);
}

/* A close or WSPCleanup ends select with its error. */
static bool
go_on(void *ctx)
{
	return false;
}

static int64_t
timeout_us(const struct timeval *tv)
{
	if (tv == NULL)
		return -1;
	return (int64_t)tv->tv_sec * 1000000 + tv->tv_usec;
}

/* Resolve every handle: 0 or a WSA error (all put then). */
static int
resolve(struct sel *p, LPINT lpErrno)
{
	for (unsigned int s = 0; s < SETS; s++) {
		for (u_int i = 0; p->sets[s] != NULL &&
				i < p->sets[s]->fd_count; i++) {
			struct entry *e = &p->e[p->n];

			e->ws = wsp_sock_get(handles(p->sets[s])[i], lpErrno);
			if (e->ws == NULL) {
				put_all(p->e, p->n);
				return *lpErrno;
			}
			e->set = s;
			e->os = -1;
			if (wsp_ospath(e->ws)) {
				e->os = (int)p->nos;
				p->os_ws[p->nos] = e->ws;
				p->os_want[p->nos++] = set_sel[s];
			}
			p->n++;
		}
	}
	/* One wait entry per dataplane socket. */
	for (unsigned int i = 0; i < p->n; i++) {
		unsigned int j;

		if (p->e[i].os >= 0)
			continue;
		for (j = 0; j < p->ns && p->socks[j] != p->e[i].ws->dp; j++)
			;
		if (j == p->ns)
			p->socks[p->ns++] = p->e[i].ws->dp;
	}
	return 0;
}

int WSPAPI
wsp_select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex,
		const PTIMEVAL timeout, LPINT lpErrno)
{
	fd_set *sets[SETS] = { rd, wr, ex };
	struct sel p = { .sets = sets };
	struct wsp_wait w;
	unsigned int total = 0;
	size_t per;
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
	per = sizeof(*p.e) + sizeof(*p.socks) + sizeof(*p.events) +
		sizeof(*p.os_ws) + 2 * sizeof(*p.os_want);
	p.e = malloc(per * total);
	if (p.e == NULL) {
		*lpErrno = WSAENOBUFS;
		return SOCKET_ERROR;
	}
	p.socks = (struct dp_sock **)(p.e + total);
	p.os_ws = (struct wsp_sock **)(p.socks + total);
	p.events = (unsigned int *)(p.os_ws + total);
	p.os_want = p.events + total;
	p.os_got = p.os_want + total;
	if (resolve(&p, lpErrno) != 0) {
		free(p.e);
		return SOCKET_ERROR;
	}
	w = (struct wsp_wait){ .socks = p.socks, .events = p.events,
		.ns = p.ns, .os = p.nos > 0, .ctx = &p,
		.prepare = wait_events, .collect = collect, .go_on = go_on };
	ret = wsp_wait_run(&w, timeout_us(timeout));
	ready = ret == 0 ? collect_sets(&p, true) : -1;
	put_all(p.e, p.n);
	free(p.e);
	if (ret < 0)
		/* Cancelled by a close or by WSPCleanup. */
		return wsp_fail(ret, lpErrno);
	if (ret > 0 || ready < 0) {
		*lpErrno = p.err;
		return SOCKET_ERROR;
	}
	return ready;
}
