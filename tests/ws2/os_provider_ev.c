/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * os_provider_ev.c: readiness in the stand-in's OS base provider:
 * WSPEventSelect (one watcher thread polling the selected sockets in
 * bounded 10 ms waits, recording FD_* with Windows' re-enabling rules),
 * WSPEnumNetworkEvents, WSPSelect and WSAPoll (SIO_EXT_POLL).
 */
#include <stdlib.h>
#include <string.h>

#include "os_provider.h"

pthread_mutex_t os_ev_lock = PTHREAD_MUTEX_INITIALIZER;
static struct os_sock *ev_list;			/* (os_ev_lock) */
static bool ev_run;				/* (os_ev_lock) */
static bool ev_started;				/* (os_lock) */
static pthread_t ev_thread;			/* (os_lock) */

void
os_ev_forget(struct os_sock *o)
{
	struct os_sock **p;

	pthread_mutex_lock(&os_ev_lock);
	for (p = &ev_list; *p != NULL; p = &(*p)->ev_next)
		if (*p == o) {
			*p = o->ev_next;
			break;
		}
	pthread_mutex_unlock(&os_ev_lock);
}


/* Readiness of one socket in Winsock's terms: FD_* bits. */
static LONG
ready_of(struct os_sock *o, unsigned int rev, int *conn_err)
{
	LONG ev = 0;
	int v, v2;

	*conn_err = 0;
	if (o->connecting && (rev & (OS_K_OUT | OS_K_ERR | OS_K_HUP))) {
		if (os_k_getopt(o->fd, OS_K_SO_ERROR, &v, &v2) == 0 && v != 0)
			*conn_err = wsp_error_from_errno(v);
		ev |= FD_CONNECT;
	}
	if (__atomic_load_n(&o->listening, __ATOMIC_RELAXED)) {
		if (rev & OS_K_IN)
			ev |= FD_ACCEPT;
		return ev;
	}
	if (rev & OS_K_OUT)
		ev |= FD_WRITE;
	if (rev & (OS_K_IN | OS_K_HUP | OS_K_ERR)) {
		if (o->type == SOCK_STREAM && os_k_peer_closed(o->fd))
			ev |= FD_CLOSE;
		else
			ev |= FD_READ;
	}
	return ev;
}

/* One pass of the watcher: record what became ready. */
static void
ev_scan(void)
{
	struct os_k_poll p[64];
	struct os_sock *os[64], *o;
	unsigned int n = 0, i;
	LONG want, got;
	int conn_err;

	pthread_mutex_lock(&os_ev_lock);
	for (o = ev_list; o != NULL && n < 64; o = o->ev_next) {
		want = o->mask & o->enabled & ~o->recorded;
		if (want == 0)
			continue;
		os[n] = o;
		p[n].fd = o->fd;
		p[n].events = ((want & (FD_READ | FD_ACCEPT | FD_CLOSE |
			FD_OOB)) ? OS_K_IN : 0) |
			((want & (FD_WRITE | FD_CONNECT)) ? OS_K_OUT : 0);
		n++;
	}
	pthread_mutex_unlock(&os_ev_lock);
	if (os_k_poll(p, n, 10) <= 0)
		return;
	pthread_mutex_lock(&os_ev_lock);
	for (i = 0; i < n; i++) {
		/* The socket may have left the list (closed) meanwhile. */
		for (o = ev_list; o != NULL && o != os[i]; o = o->ev_next)
			;
		if (o == NULL || p[i].revents == 0)
			continue;
		got = ready_of(o, p[i].revents, &conn_err);
		if (got & FD_CONNECT) {
			o->connecting = false;
			o->errs[FD_CONNECT_BIT] = conn_err;
		}
		got &= o->mask & o->enabled & ~o->recorded;
		if (got == 0)
			continue;
		/* FD_CONNECT and FD_CLOSE come once; the others again after
		 * the call that re-enables them. */
		o->recorded |= got;
		o->enabled &= ~got;
		os_up.lpWPUSetEvent(o->ev, &conn_err);
	}
	pthread_mutex_unlock(&os_ev_lock);
}

static void *
ev_main(void *arg)
{
	for (;;) {
		pthread_mutex_lock(&os_ev_lock);
		if (!ev_run) {
			pthread_mutex_unlock(&os_ev_lock);
			return NULL;
		}
		pthread_mutex_unlock(&os_ev_lock);
		ev_scan();
	}
}

static int
event_select_on(struct os_sock *o, WSAEVENT ev, LONG events, LPINT err)
{
	struct os_sock **p;
	int r = 0;

	if (events != 0 && ev == NULL)
		return os_fail(err, WSAEINVAL);
	pthread_mutex_lock(&os_lock);
	if (!ev_started && events != 0) {
		pthread_mutex_lock(&os_ev_lock);
		ev_run = true;
		pthread_mutex_unlock(&os_ev_lock);
		r = pthread_create(&ev_thread, NULL, ev_main, NULL);
		ev_started = r == 0;
	}
	pthread_mutex_unlock(&os_lock);
	if (r != 0)
		return os_fail(err, WSAENOBUFS);
	/* WSPEventSelect makes the socket non-blocking (MS-doc). */
	__atomic_store_n(&o->nonblocking, true, __ATOMIC_RELAXED);
	os_k_nonblock(o->fd, true);
	pthread_mutex_lock(&os_ev_lock);
	/* A close that took it off the list already would leave it on. */
	if (os_sock_closing(o)) {
		pthread_mutex_unlock(&os_ev_lock);
		return os_fail(err, WSAENOTSOCK);
	}
	for (p = &ev_list; *p != NULL && *p != o; p = &(*p)->ev_next)
		;
	if (*p == NULL && events != 0) {
		o->ev_next = ev_list;
		ev_list = o;
	} else if (*p != NULL && events == 0) {
		*p = o->ev_next;
	}
	o->ev = ev;
	__atomic_store_n(&o->mask, events, __ATOMIC_RELAXED);
	o->enabled = FD_ALL_EVENTS;
	o->recorded = 0;
	pthread_mutex_unlock(&os_ev_lock);
	return 0;
}

int WSPAPI
os_event_select(SOCKET s, WSAEVENT ev, LONG events, LPINT err)
{
	struct os_sock *o = os_sock_get(s, err);

	return o == NULL ? SOCKET_ERROR : os_done(o, event_select_on(o, ev,
		events, err));
}

int WSPAPI
os_enum_network_events(SOCKET s, WSAEVENT ev, LPWSANETWORKEVENTS ne,
		LPINT err)
{
	struct os_sock *o = os_sock_get(s, err);
	int i, e;

	if (o == NULL)
		return SOCKET_ERROR;
	if (ne == NULL)
		return os_done(o, os_fail(err, WSAEFAULT));
	pthread_mutex_lock(&os_ev_lock);
	ne->lNetworkEvents = o->recorded;
	for (i = 0; i < FD_MAX_EVENTS; i++)
		ne->iErrorCode[i] = (o->recorded & (1 << i)) ? o->errs[i] : 0;
	o->recorded = 0;
	pthread_mutex_unlock(&os_ev_lock);
	os_sock_put(o);
	if (ev != NULL)
		os_up.lpWPUResetEvent(ev, &e);
	return 0;
}

/* Winsock readiness wanted of a socket -> poll bits. Each socket is
 * held for the poll: a close meanwhile leaves its fd open until then. */
static int
poll_sockets(SOCKET *h, unsigned int *want, unsigned int *got,
		unsigned int n, int timeout_ms, LPINT err)
{
	struct os_k_poll p[FD_SETSIZE * 3];
	struct os_sock *o[FD_SETSIZE * 3];
	unsigned int i, held;
	int r;

	for (held = 0; held < n; held++) {
		o[held] = os_sock_get(h[held], err);
		if (o[held] == NULL)
			break;
		p[held].fd = o[held]->fd;
		p[held].events = want[held];
	}
	r = held < n ? SOCKET_ERROR : os_k_poll(p, n, timeout_ms);
	for (i = 0; i < held; i++)
		os_sock_put(o[i]);
	if (held < n)
		return SOCKET_ERROR;
	if (r < 0)
		return os_fail_errno(err, r);
	for (i = 0; i < n; i++)
		got[i] = p[i].revents;
	return r;
}

/* fd_set -> poll list, each set's index in set_of. */
static unsigned int
collect(fd_set *set, int which, SOCKET *h, unsigned int *want,
		int *set_of, unsigned int n)
{
	u_int i;

	if (set == NULL)
		return n;
	for (i = 0; i < set->fd_count && i < FD_SETSIZE; i++) {
		h[n] = set->fd_array[i];
		want[n] = which == 1 ? OS_K_OUT : OS_K_IN;
		set_of[n++] = which;
	}
	return n;
}

int WSPAPI
os_select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex,
		const PTIMEVAL tv, LPINT err)
{
	SOCKET h[FD_SETSIZE * 3];
	unsigned int want[FD_SETSIZE * 3], got[FD_SETSIZE * 3], n = 0, i;
	int set_of[FD_SETSIZE * 3], to = -1, r, total = 0;
	fd_set *sets[3] = { rd, wr, ex };
	bool hit;

	n = collect(rd, 0, h, want, set_of, n);
	n = collect(wr, 1, h, want, set_of, n);
	n = collect(ex, 2, h, want, set_of, n);
	if (n == 0)
		return os_fail(err, WSAEINVAL);
	if (tv != NULL)
		to = (int)(tv->tv_sec * 1000 + (tv->tv_usec + 999) / 1000);
	r = poll_sockets(h, want, got, n, to, err);
	if (r < 0)
		return SOCKET_ERROR;
	for (i = 0; i < 3; i++)
		if (sets[i] != NULL)
			sets[i]->fd_count = 0;
	for (i = 0; i < n; i++) {
		/* Windows: a failed connect is in the except set, not the
		 * write set; a reset or closed peer is readable. */
		if (set_of[i] == 0)
			hit = got[i] & (OS_K_IN | OS_K_HUP | OS_K_ERR);
		else if (set_of[i] == 1)
			hit = (got[i] & OS_K_OUT) && !(got[i] & OS_K_ERR);
		else
			hit = got[i] & OS_K_ERR;
		if (hit) {
			fd_set *f = sets[set_of[i]];

			f->fd_array[f->fd_count++] = h[i];
			total++;
		}
	}
	return total;
}

int
os_ext_poll(WSAPOLLDATA *pd, DWORD len, LPINT err)
{
	SOCKET h[FD_SETSIZE];
	unsigned int want[FD_SETSIZE], got[FD_SETSIZE], i;
	int r, n = 0;
	SHORT re;

	if (pd == NULL || len < sizeof(*pd) ||
			pd->fds > (len - sizeof(*pd)) / sizeof(WSAPOLLFD))
		return os_fail(err, WSAEFAULT);
	if (pd->fds > FD_SETSIZE)
		return os_fail(err, WSAENOBUFS);
	for (i = 0; i < pd->fds; i++) {
		h[i] = pd->fdArray[i].fd;
		want[i] = ((pd->fdArray[i].events & POLLIN) ? OS_K_IN : 0) |
			((pd->fdArray[i].events & POLLOUT) ? OS_K_OUT : 0);
	}
	r = poll_sockets(h, want, got, pd->fds, pd->timeout, err);
	if (r < 0)
		return SOCKET_ERROR;
	for (i = 0; i < pd->fds; i++) {
		re = 0;
		if (got[i] & OS_K_IN)
			re |= POLLRDNORM;
		if (got[i] & OS_K_OUT)
			re |= POLLWRNORM;
		if (got[i] & OS_K_ERR)
			re |= POLLERR;
		if (got[i] & OS_K_HUP)
			re |= POLLHUP;
		pd->fdArray[i].revents = re & (pd->fdArray[i].events |
			POLLERR | POLLHUP);
		n += re != 0;
	}
	pd->result = n;
	return 0;
}

void
os_ev_stop(void)
{
	if (!ev_started)
		return;
	pthread_mutex_lock(&os_ev_lock);
	ev_run = false;
	pthread_mutex_unlock(&os_ev_lock);
	ev_started = false;
	pthread_join(ev_thread, NULL);
}
