/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * WSAPoll for our sockets, as Microsoft's WSAPoll and WSAPOLLFD pages
 * describe it.
 *
 * Ws2_32 reaches a non-IFS provider's poll through WSPIoctl: it asks
 * SIO_BSP_HANDLE_POLL which socket's provider answers (we are a base
 * provider: the socket itself, wsp_ioctl.c), then sends the whole call
 * there as SIO_EXT_POLL, a WSAPOLLDATA (mswsock.h) in the input buffer,
 * where the provider writes each revents and the result. That protocol
 * is not documented beyond the header; it is what Microsoft's LSP sample
 * does (Windows-classic-samples, Samples/Win7Samples/netds/winsock/lsp/
 * nonifslsp/spi.cpp WSPIoctl, extension.cpp ExtWSAPoll). The same poll
 * is our WSAID_WSAPOLL extension function.
 *
 * Readiness is select's (wsp_stream_sel_ready for streams), and so is
 * the wait: spin, then sleep until an lcore reports an event on one of
 * the sockets, each waiting only for the events it does not have yet.
 * What revents says (WSAPoll's remarks):
 * - POLLRDNORM: a datagram, stream data, the peer's FIN (recv returns 0)
 *   or a connection to accept; POLLWRNORM: room to send, a connect done;
 * - POLLHUP: the peer closed the connection (FIN or reset), POLLERR with
 *   it after a reset; a connect that failed is POLLHUP | POLLERR |
 *   POLLWRNORM (Windows 10 2004 and later);
 * - POLLERR: the socket was closed while the call waited;
 * - POLLNVAL: not one of our sockets, or a negative fd (the WSAPoll page
 *   says so; the WSAPOLLFD page says negative fds are cleared: we follow
 *   the function's page). These count in the result.
 * POLLHUP, POLLERR and POLLNVAL are reported whatever events asked for.
 * Events other than POLLRDNORM, POLLRDBAND and POLLWRNORM fail
 * WSAEINVAL, POLLPRI included, as Microsoft's provider does; POLLRDBAND
 * is never reported (no urgent data).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dp_sock.h"
#include "wsp_error.h"
#include "wsp_ext.h"
#include "wsp_os.h"
#include "wsp_ospath.h"
#include "wsp_priv.h"
#include "wsp_sock.h"
#include "wsp_stream.h"
#include "wsp_wait.h"

#define POLL_ASKABLE	(POLLRDNORM | POLLRDBAND | POLLWRNORM)
#define POLL_ALWAYS	(POLLERR | POLLHUP | POLLNVAL)

struct poll_set {
	WSAPOLLFD *fds;
	ULONG n;
	struct wsp_sock **ws;		/* per entry, NULL: not ours */
	int *os;			/* per entry, its OS path index or
					 * -1 */
	struct dp_sock **socks;		/* the dataplane ones, for the wait */
	unsigned int *events;
	unsigned int nvalid;
	/* the OS path entries, asked through the OS provider */
	struct wsp_sock **os_ws;
	unsigned int *os_want;
	unsigned int *os_got;
	unsigned int nos;
	int err;			/* a failed collect's WSA error */
};

static bool
negative(SOCKET s)
{
	return (intptr_t)s < 0;
}

/* The peer's FIN or reset came after the connection was up. */
static bool
peer_closed(struct wsp_sock *ws, int st)
{
	struct dp_addr a;

	if (st == DP_TCP_CLOSE_WAIT || st == DP_TCP_CLOSING ||
			st == DP_TCP_LAST_ACK || st == DP_TCP_TIME_WAIT)
		return true;
	return st == DP_TCP_CLOSED && dp_sock_peer(ws->dp, &a) == 0 &&
		!__atomic_load_n(&ws->connecting, __ATOMIC_RELAXED);
}

static SHORT
stream_revents(struct wsp_sock *ws, unsigned int ev)
{
	unsigned int sel = wsp_stream_sel_ready(ws, ev);
	int st = wsp_stream_state(ws);
	SHORT r = 0;

	if (sel & WSP_SEL_EXCEPT)	/* the connect failed */
		return POLLHUP | POLLERR | POLLWRNORM;
	if (sel & WSP_SEL_READ)
		r |= POLLRDNORM;
	if (sel & WSP_SEL_WRITE)
		r |= POLLWRNORM;
	if (st != DP_TCP_LISTEN && peer_closed(ws, st)) {
		r |= POLLHUP;
		if (ev & DP_EV_ERROR)
			r |= POLLERR;
	}
	return r;
}

/* An OS path socket's readiness, from select's sets. */
static SHORT
os_revents(unsigned int sel)
{
	if (sel & WSP_SEL_EXCEPT)	/* the connect failed */
		return POLLHUP | POLLERR | POLLWRNORM;
	return ((sel & WSP_SEL_READ) ? POLLRDNORM : 0) |
		((sel & WSP_SEL_WRITE) ? POLLWRNORM : 0);
}

/* What entry i reports now. */
static SHORT
revents_of(const struct poll_set *p, ULONG i)
{
	struct wsp_sock *ws = p->ws[i];
	unsigned int ev;
	SHORT r;

	if (ws == NULL)
		return POLLNVAL;
	/* "when the local socket is closed" */
	if (__atomic_load_n(&ws->ref, __ATOMIC_ACQUIRE) & WSP_SOCK_CLOSING)
		return POLLERR;
	if (p->os[i] >= 0)
		return os_revents(p->os_got[p->os[i]]) &
			(p->fds[i].events | POLL_ALWAYS);
	ev = dp_sock_ready(ws->dp);
	if (wsp_sock_is_stream(ws))
		r = stream_revents(ws, ev);
	else
		r = ((ev & DP_EV_READ) ? POLLRDNORM : 0) |
			((ev & DP_EV_WRITE) ? POLLWRNORM : 0);
	return r & (p->fds[i].events | POLL_ALWAYS);
}

/* How many entries report something; with keep, their revents. -1:
 * the OS provider failed (p->err). */
static int
collect_fds(struct poll_set *p, bool keep)
{
	int ready = 0;

	if (p->nos > 0 && wsp_ospath_ready(p->os_ws, p->os_want, p->os_got,
			p->nos, &p->err) < 0)
		return -1;
	for (ULONG i = 0; i < p->n; i++) {
		SHORT r = revents_of(p, i);

		ready += r != 0;
		if (keep)
			p->fds[i].revents = r;
	}
	return ready;
}

/* What each valid socket waits for: what it may report and does not
 * have up yet (one that is up, and not asked for, must not end every
 * wait at once). */
static int
collect(void *ctx)
{
	return collect_fds(ctx, false);
}

/* A close of one of them is reported (POLLERR); only the dataplane
 * stopping (WSPCleanup) ends the call. */
static bool
go_on(void *ctx)
{
	return collect_fds(ctx, false) > 0;
}

static void
wait_events(void *ctx)
{
	struct poll_set *p = ctx;
	unsigned int j = 0;

	for (ULONG i = 0; i < p->n; i++) {
		unsigned int ev = DP_EV_ERROR;

		if (p->ws[i] == NULL || p->os[i] >= 0)
			continue;
		/* The peer's FIN and a listener's connection come as
		 * readability, and are always reported as POLLHUP or
		 * asked for. */
		if ((p->fds[i].events & POLLRDNORM) ||
				wsp_sock_is_stream(p->ws[i]))
			ev |= DP_EV_READ;
		if (p->fds[i].events & POLLWRNORM)
			ev |= DP_EV_WRITE;
		p->events[j] = ev & ~dp_sock_ready(p->socks[j]);
		j++;
	}
}

static void
put_all(struct poll_set *p)
{
	for (ULONG i = 0; i < p->n; i++)
		if (p->ws[i] != NULL)
			wsp_sock_put(p->ws[i]);
	free(p->ws);
}

/* Resolve every entry: 0, or WSAEINVAL (bad events, no socket of ours),
 * WSAENOBUFS. */
static int
resolve(struct poll_set *p)
{
	const size_t per = sizeof(*p->ws) + sizeof(*p->socks) +
		sizeof(*p->os_ws) + sizeof(*p->os) + sizeof(*p->events) +
		2 * sizeof(*p->os_want);

	if ((size_t)p->n > SIZE_MAX / per)
		return WSAENOBUFS;
	for (ULONG i = 0; i < p->n; i++)
		if (!negative(p->fds[i].fd) &&
				(p->fds[i].events & ~POLL_ASKABLE) != 0)
			return WSAEINVAL;
	p->ws = malloc(per * p->n);
	if (p->ws == NULL)
		return WSAENOBUFS;
	p->socks = (struct dp_sock **)(p->ws + p->n);
	p->os_ws = (struct wsp_sock **)(p->socks + p->n);
	p->os = (int *)(p->os_ws + p->n);
	p->events = (unsigned int *)(p->os + p->n);
	p->os_want = p->events + p->n;
	p->os_got = p->os_want + p->n;
	p->nvalid = 0;
	p->nos = 0;
	for (ULONG i = 0; i < p->n; i++) {
		struct wsp_sock *ws;
		int e;

		ws = p->ws[i] = negative(p->fds[i].fd) ? NULL :
			wsp_sock_get(p->fds[i].fd, &e);
		p->os[i] = -1;
		if (ws != NULL && wsp_ospath(ws)) {
			p->os[i] = (int)p->nos;
			p->os_ws[p->nos] = ws;
			p->os_want[p->nos++] = WSP_SEL_EXCEPT |
				((p->fds[i].events & POLLRDNORM) ?
				WSP_SEL_READ : 0) |
				((p->fds[i].events & POLLWRNORM) ?
				WSP_SEL_WRITE : 0);
		} else if (ws != NULL) {
			p->socks[p->nvalid++] = ws->dp;
		}
	}
	if (p->nvalid == 0 && p->nos == 0) {
		put_all(p);
		return WSAEINVAL;
	}
	return 0;
}

/* The poll itself: 0 with *ready, or a WSA error. */
static int
poll_fds(WSAPOLLFD *fds, ULONG n, INT timeout, int *ready)
{
	struct poll_set p = { .fds = fds, .n = n };
	struct wsp_wait w;
	int err, ret;

	if (n == 0)
		return WSAEINVAL;
	if (fds == NULL)
		return WSAEFAULT;
	err = resolve(&p);
	if (err != 0)
		return err;
	w = (struct wsp_wait){ .socks = p.socks, .events = p.events,
		.ns = p.nvalid, .os = p.nos > 0, .ctx = &p,
		.prepare = wait_events, .collect = collect, .go_on = go_on };
	ret = wsp_wait_run(&w, timeout < 0 ? -1 : (int64_t)timeout * 1000);
	*ready = ret <= 0 ? collect_fds(&p, true) : -1;
	put_all(&p);
	if (ret > 0 || *ready < 0)
		return p.err;
	if (ret < 0)
		return wsp_error_from_errno(ret);
	return 0;
}

int
wsp_poll_ioctl(SOCKET s, LPVOID in, DWORD inlen, LPINT lpErrno)
{
	WSAPOLLDATA *pd = in;
	struct wsp_sock *ws;
	int err, ready = 0;

	ws = wsp_sock_get(s, lpErrno);
	if (ws == NULL)
		return SOCKET_ERROR;
	wsp_sock_put(ws);
	if (pd == NULL || inlen < sizeof(*pd) ||
			(inlen - sizeof(*pd)) / sizeof(WSAPOLLFD) < pd->fds) {
		*lpErrno = WSAEFAULT;
		return SOCKET_ERROR;
	}
	err = poll_fds(pd->fdArray, pd->fds, pd->timeout, &ready);
	pd->result = err != 0 ? SOCKET_ERROR : ready;
	if (err != 0) {
		*lpErrno = err;
		return SOCKET_ERROR;
	}
	return 0;
}

INT WSAAPI
wsp_poll(LPWSAPOLLFD fds, ULONG n, INT timeout)
{
	int ready = 0, err = poll_fds(fds, n, timeout, &ready);

	if (err != 0) {
		WSASetLastError(err);
		return SOCKET_ERROR;
	}
	return ready;
}
