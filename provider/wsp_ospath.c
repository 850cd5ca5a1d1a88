/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wsp_ospath.c: the OS path inside an accelerated process (issue #15
 * item 2). A socket whose traffic cannot go through the NIC (127.0.0.0/8,
 * a bind to a local address that is not ours, a destination with no
 * route through our interface: off our subnet with no gateway) is served
 * by the OS
 * provider (wsp_osprov.c) behind our handle: the application keeps the
 * SOCKET it got, and every call on it is forwarded to a "lower" socket of
 * the OS provider.
 *
 * Decided once, at bind, connect or the first send (wsp_ospath_route).
 * The dataplane socket behind the handle stays as its place in telemetry
 * (/wspdk/sockets lists it with path "os" and its reason, /wspdk/info
 * counts them by reason: dp_sock_os_mark).
 * Before that, options are set on the dataplane socket as usual and
 * noted here, then replayed onto the lower socket when it is made, with
 * FIONBIO and a bind to INADDR_ANY:port. Sockets of other families and
 * types (AF_INET6, SOCK_RAW) never reach us: our catalog entries are
 * AF_INET UDP and TCP only, so Ws2_32 hands those to the OS provider
 * itself.
 *
 * Overlapped sends and receives run on the lower socket with an
 * overlapped of ours and complete the application's through wspdk's own
 * completion path, exactly once (wsp_ospath_ovl.c). select and WSAPoll
 * over a mix use wsp_ospath_ready from their wait (wsp_wait.c).
 *
 * The state written here (path, lower, the noted options) is written by
 * application threads under os_lock, not by an lcore: these sockets never
 * reach the dataplane. path and lower are read lock-free (lower published
 * before path).
 *
 * A call uses the lower socket between wsp_ospath_enter and _leave
 * (os_ref counts them): closesocket from another thread must not close
 * it under them, or a call that has read lower could reach whatever
 * socket the OS provider opens next with the same handle. The close
 * marks it closed (later calls fail WSAENOTSOCK), wakes the blocked
 * ones (interrupt) and the last to leave closes it, as our own sockets'
 * get/put do (wsp_sock.h). A close and a decision racing are ordered by
 * os_lock: the decision is over before the close looks for the lower
 * socket, or it sees the socket closing and makes none.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wsp_addr.h"
#include "wsp_log.h"
#include "wsp_os.h"
#include "wsp_ospath.h"
#include "wsp_osprov.h"
#include "wsp_ovl.h"
#include "wsp_stream.h"

#define OS_OPTS_MAX	8

/* Options set before the path is decided: most sockets never set any,
 * and a decided one needs them no more, so they are allocated on the
 * first and freed at the decision. */
struct wsp_os_opts {
	unsigned int n;
	struct wsp_os_opt {
		int level;
		int name;
		int len;
		char v[16];
	} o[OS_OPTS_MAX];
};

static struct wsp_mutex os_lock = WSP_MUTEX_INITIALIZER;

/* Decided (or gone): the noted options are done with; os_lock held,
 * or the last reference. */
static void
opts_drop(struct wsp_sock *ws)
{
	free(ws->os_opts);
	ws->os_opts = NULL;
}

static const WSPPROC_TABLE *
lower(void)
{
	return wsp_osprov_lower_table();
}

static SOCKET
lower_of(const struct wsp_sock *ws)
{
	return __atomic_load_n(&ws->lower, __ATOMIC_RELAXED);
}

static void
close_lower(struct wsp_sock *ws)
{
	int err;

	if (lower()->lpWSPCloseSocket(lower_of(ws), &err) != 0)
		WSP_LOG(WARNING, "OS path: closing the lower socket: %d", err);
}

SOCKET
wsp_ospath_enter(struct wsp_sock *ws, LPINT err)
{
	uint32_t v = __atomic_load_n(&ws->os_ref, __ATOMIC_ACQUIRE);

	do {
		if (v & WSP_SOCK_CLOSING) {
			*err = WSAENOTSOCK;
			return INVALID_SOCKET;
		}
	} while (!__atomic_compare_exchange_n(&ws->os_ref, &v, v + 1, false,
			__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
	return lower_of(ws);
}

bool
wsp_ospath_leave(struct wsp_sock *ws)
{
	uint32_t v = __atomic_sub_fetch(&ws->os_ref, 1, __ATOMIC_ACQ_REL);

	if (v == WSP_SOCK_CLOSING)
		close_lower(ws);
	return (v & WSP_SOCK_CLOSING) != 0;
}

/* Wake the calls blocked on l, as MSAFD's closesocket ends them: a
 * shutdown (Linux's close wakes none: the stand-in's kernel sockets),
 * and on Windows the cancelling of its I/O from every thread. */
static void
interrupt(SOCKET l)
{
	int err;

	(void)lower()->lpWSPShutdown(l, SD_BOTH, &err);
#ifdef _WIN32
	(void)CancelIoEx((HANDLE)l, NULL);
#endif
}

/* The close: calls in flight keep the lower socket until they leave. */
static void
close_when_left(struct wsp_sock *ws)
{
	uint32_t v;

	/* A reference of our own while we wake them: the last one out
	 * closes it, which may then be us. */
	__atomic_fetch_add(&ws->os_ref, 1, __ATOMIC_ACQ_REL);
	v = __atomic_fetch_or(&ws->os_ref, WSP_SOCK_CLOSING,
		__ATOMIC_ACQ_REL);
	if ((v & ~WSP_SOCK_CLOSING) > 1)
		interrupt(lower_of(ws));
	wsp_ospath_leave(ws);
}

static int
done(struct wsp_sock *ws, int ret)
{
	wsp_sock_put(ws);
	return ret;
}

/* The start of a call on ws's lower socket (*l): false once it is
 * closed, the call failing WSAENOTSOCK and the caller's reference
 * dropped. */
static bool
entered(struct wsp_sock *ws, SOCKET *l, LPINT err)
{
	*l = wsp_ospath_enter(ws, err);
	if (*l != INVALID_SOCKET)
		return true;
	wsp_sock_put(ws);
	return false;
}

/* The end of a call that entered: leave, then drop the caller's
 * reference. */
static int
left(struct wsp_sock *ws, int ret)
{
	wsp_ospath_leave(ws);
	return done(ws, ret);
}

/* The same for a call that may block: cancelled by a close that came
 * meanwhile if it failed, or received nothing (*got 0, got given). */
static int
left_blocking(struct wsp_sock *ws, int ret, const DWORD *got, LPINT err)
{
	if (wsp_ospath_leave(ws) && (ret != 0 || (got != NULL &&
			*got == 0))) {
		*err = WSAEINTR;
		ret = SOCKET_ERROR;
	}
	return done(ws, ret);
}

static void
addr_str(uint32_t ip, char *s, size_t len)
{
	snprintf(s, len, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff,
		(ip >> 8) & 0xff, ip & 0xff);
}

/* Telemetry shows the OS socket's own addresses (the dataplane socket
 * behind our handle keeps them): after a bind, a connect (peer: its
 * name, as a connect in progress has no peer to ask for yet), an accept
 * and the first send, which binds an unbound socket. */
static void
note_names(struct wsp_sock *ws, SOCKET l, const struct sockaddr *peer,
		int peerlen)
{
	struct sockaddr_in sin;
	struct dp_addr a, p;
	int len = sizeof(sin), err;

	if (lower()->lpWSPGetSockName(l, (struct sockaddr *)&sin,
			&len, &err) == 0 && wsp_addr_from_sa(
			(struct sockaddr *)&sin, len, &a) == 0) {
		dp_sock_os_addrs(ws->dp, &a, NULL);
		if (a.port != 0)
			__atomic_store_n(&ws->os_named, true,
				__ATOMIC_RELAXED);
	}
	if (peer != NULL && wsp_addr_from_sa(peer, peerlen, &p) == 0)
		dp_sock_os_addrs(ws->dp, NULL, &p);
}

/* Replay what was set before the decision; os_lock held. */
static void
replay(struct wsp_sock *ws, const WSPPROC_TABLE *t, SOCKET l)
{
	struct dp_addr a;
	struct sockaddr_in sin;
	u_long nb = __atomic_load_n(&ws->nonblocking, __ATOMIC_RELAXED);
	DWORD bytes;
	int err, len = sizeof(sin);

	for (unsigned int i = 0; ws->os_opts != NULL &&
			i < ws->os_opts->n; i++) {
		const struct wsp_os_opt *o = &ws->os_opts->o[i];

		if (t->lpWSPSetSockOpt(l, o->level, o->name, o->v, o->len,
				&err) != 0)
			WSP_LOG(WARNING, "OS path: option %d/%d not replayed "
				"(%d)", o->level, o->name, err);
	}
	if (nb && t->lpWSPIoctl(l, FIONBIO, &nb, sizeof(nb), NULL, 0,
			&bytes, NULL, NULL, NULL, &err) != 0)
		WSP_LOG(WARNING, "OS path: FIONBIO not replayed (%d)", err);
	/* A bind to INADDR_ANY:port went to the dataplane socket. */
	if (dp_sock_name(ws->dp, &a) == 0 && a.port != 0 &&
			wsp_addr_to_sa(&a, (struct sockaddr *)&sin, &len) == 0 &&
			t->lpWSPBind(l, (struct sockaddr *)&sin, len, &err) != 0)
		WSP_LOG(WARNING, "OS path: bind to port %u not replayed "
			"(%d)", a.port, err);
}

/* Make the lower socket, bound to name if given (a bind that fails
 * decides nothing); os_lock held. 0 or a WSA error. */
static int
go_os(struct wsp_sock *ws, uint32_t ip, enum dp_os_why why,
		const struct sockaddr *name, int namelen)
{
	const WSAPROTOCOL_INFOW *entry;
	const WSPPROC_TABLE *t;
	char s[16];
	SOCKET l;
	int err = 0;

	/* Closed by another thread: it looked for no lower socket, or
	 * looks after us (wsp_ospath_close); none is made. */
	if (__atomic_load_n(&ws->ref, __ATOMIC_ACQUIRE) & WSP_SOCK_CLOSING)
		return WSAENOTSOCK;
	t = wsp_osprov_lower(ws->info, &entry, &err);
	if (t == NULL)
		return err;
	l = t->lpWSPSocket(AF_INET, ws->type, ws->protocol,
		(LPWSAPROTOCOL_INFOW)entry, 0,
		ws->overlapped ? WSA_FLAG_OVERLAPPED : 0, &err);
	if (l == INVALID_SOCKET)
		return err;
	replay(ws, t, l);
	if (name != NULL && t->lpWSPBind(l, name, namelen, &err) != 0) {
		int e;

		t->lpWSPCloseSocket(l, &e);
		return err;
	}
	opts_drop(ws);
	ws->os_why = (uint8_t)why;
	__atomic_store_n(&ws->os_named, false, __ATOMIC_RELAXED);
	__atomic_store_n(&ws->lower, l, __ATOMIC_RELAXED);
	__atomic_store_n(&ws->path, WSP_PATH_OS, __ATOMIC_RELEASE);
	dp_sock_os_mark(ws->dp, ws->handle, why, ip);
	if (name != NULL)
		note_names(ws, l, NULL, 0);
	addr_str(ip, s, sizeof(s));
	WSP_LOG(INFO, "socket %#llx: accelerated: no, %s %s",
		(unsigned long long)ws->handle, s, dp_os_why_str(why));
	return 0;
}

/* Multicast and broadcast binds are the dataplane's to take or refuse
 * (Windows refuses broadcast ones; Linux would take them). */
static bool
special(uint32_t ip, uint32_t ours, uint8_t prefix)
{
	uint32_t host = prefix >= 32 ? 0 : 0xffffffffu >> prefix;

	return (ip >> 28) == 0xe || ip == 0xffffffffu ||
		(host != 0 && (ip & ~host) == (ours & ~host) &&
		(ip & host) == host);
}

int
wsp_ospath_route(struct wsp_sock *ws, const struct dp_addr *a,
		const struct sockaddr *name, int namelen, LPINT err)
{
	bool local = name != NULL;
	enum dp_os_why why = DP_OS_NONE;
	uint32_t ours, mtu;
	uint8_t prefix;
	int path, e;

	wsp_mutex_lock(&os_lock);
	path = __atomic_load_n(&ws->path, __ATOMIC_ACQUIRE);
	if (path != WSP_PATH_UNDECIDED)
		goto out;
	dp_sock_local_if(&ours, &prefix, &mtu);
	if ((a->ip >> 24) == 127)
		why = DP_OS_LOOPBACK;
	else if (local && a->ip != 0 && a->ip != ours && !special(a->ip,
			ours, prefix))
		why = DP_OS_OTHER_LOCAL;
	else if (!local && a->ip != 0 && !dp_sock_routable(a->ip))
		why = DP_OS_NO_ROUTE;
	if (why == DP_OS_NONE) {
		/* INADDR_ANY is no decision: the next connect or send
		 * makes it. */
		if (!(local && a->ip == 0)) {
			path = WSP_PATH_DP;
			__atomic_store_n(&ws->path, path, __ATOMIC_RELEASE);
			opts_drop(ws);
		}
		goto out;
	}
	e = go_os(ws, a->ip, why, name, namelen);
	if (e != 0) {
		*err = e;
		path = -1;
	} else {
		path = WSP_PATH_OS;
	}
out:
	wsp_mutex_unlock(&os_lock);
	return path;
}

int
wsp_ospath_follow(struct wsp_sock *ws, const struct wsp_sock *like,
		uint32_t ip, LPINT err)
{
	int path, e = 0;

	wsp_mutex_lock(&os_lock);
	path = __atomic_load_n(&ws->path, __ATOMIC_ACQUIRE);
	if (path == WSP_PATH_UNDECIDED)
		e = go_os(ws, ip, like->os_why, NULL, 0);
	else if (path != WSP_PATH_OS)
		e = WSAEINVAL;	/* on the dataplane: bound or connected */
	wsp_mutex_unlock(&os_lock);
	if (e != 0)
		*err = e;
	return e;
}

void
wsp_ospath_note_opt(struct wsp_sock *ws, int level, int name,
		const char *v, int len)
{
	struct wsp_os_opts *all;
	struct wsp_os_opt *o = NULL;

	if (len < 0 || (size_t)len > sizeof(o->v))
		return;
	wsp_mutex_lock(&os_lock);
	if (__atomic_load_n(&ws->path, __ATOMIC_RELAXED) ==
			WSP_PATH_UNDECIDED) {
		if (ws->os_opts == NULL)
			ws->os_opts = calloc(1, sizeof(*ws->os_opts));
		all = ws->os_opts;
		/* The last value of an option is the one to replay. */
		for (unsigned int i = 0; all != NULL && i < all->n; i++)
			if (all->o[i].level == level &&
					all->o[i].name == name)
				o = &all->o[i];
		if (o == NULL && all != NULL && all->n < OS_OPTS_MAX)
			o = &all->o[all->n++];
		if (o == NULL)
			WSP_LOG(WARNING, "OS path: too many options to replay "
				"or no memory; %d/%d dropped", level, name);
	}
	if (o != NULL) {
		o->level = level;
		o->name = name;
		o->len = len;
		memcpy(o->v, v, (size_t)len);
	}
	wsp_mutex_unlock(&os_lock);
}

void
wsp_ospath_forget(struct wsp_sock *ws)
{
	opts_drop(ws);
}

void
wsp_ospath_close(struct wsp_sock *ws, bool notify)
{
	bool os = wsp_ospath(ws);

	/* A decision in flight (under os_lock) is over once we hold it;
	 * one after sees ws closing. */
	if (!os) {
		wsp_mutex_lock(&os_lock);
		os = wsp_ospath(ws);
		wsp_mutex_unlock(&os_lock);
		if (!os)
			return;
	}
	wsp_ospath_async_forget(ws);
	wsp_ospath_ovl_close(ws, notify, close_when_left);
}

int
wsp_ospath_bind(struct wsp_sock *ws, const struct sockaddr *name,
		int namelen, LPINT err)
{
	int r;
	SOCKET l;

	if (!entered(ws, &l, err))
		return SOCKET_ERROR;
	r = lower()->lpWSPBind(l, name, namelen, err);
	if (r == 0)
		note_names(ws, l, NULL, 0);
	return left(ws, r);
}

int
wsp_ospath_connect(struct wsp_sock *ws, const struct sockaddr *name,
		int namelen, LPINT err)
{
	int r;
	SOCKET l;

	if (!entered(ws, &l, err))
		return SOCKET_ERROR;
	r = lower()->lpWSPConnect(l, name, namelen, NULL, NULL, NULL, NULL,
		err);
	if (r == 0 || *err == WSAEWOULDBLOCK)
		note_names(ws, l, name, namelen);
	return left_blocking(ws, r, NULL, err);
}

int
wsp_ospath_listen(struct wsp_sock *ws, int backlog, LPINT err)
{
	SOCKET l;

	if (!entered(ws, &l, err))
		return SOCKET_ERROR;
	return left(ws, lower()->lpWSPListen(l, backlog, err));
}

/* An accepted socket is on the OS path for its listener's reason. */
static void
mark_accepted(struct wsp_sock *listener, SOCKET h)
{
	struct sockaddr_in sin;
	int len = sizeof(sin), e;
	struct wsp_sock *ws = wsp_sock_get(h, &e);
	struct dp_addr a = { 0, 0 };
	SOCKET l;

	if (ws == NULL)
		return;	/* closed by another thread already */
	l = wsp_ospath_enter(ws, &e);
	if (l == INVALID_SOCKET) {
		wsp_sock_put(ws);
		return;
	}
	ws->os_why = listener->os_why;
	if (lower()->lpWSPGetSockName(l, (struct sockaddr *)&sin, &len,
			&e) == 0)
		(void)wsp_addr_from_sa((struct sockaddr *)&sin, len, &a);
	dp_sock_os_mark(ws->dp, h, (enum dp_os_why)ws->os_why, a.ip);
	len = sizeof(sin);
	if (lower()->lpWSPGetPeerName(l, (struct sockaddr *)&sin, &len,
			&e) == 0)
		note_names(ws, l, (struct sockaddr *)&sin, len);
	else
		note_names(ws, l, NULL, 0);
	left(ws, 0);
}

SOCKET
wsp_ospath_accept(struct wsp_sock *ws, struct sockaddr *addr,
		LPINT addrlen, LPCONDITIONPROC cond, DWORD_PTR cbdata,
		LPINT err)
{
	struct wsp_sock_attr attr;
	SOCKET l, a, h;
	int e;

	if (!entered(ws, &l, err))
		return INVALID_SOCKET;
	a = lower()->lpWSPAccept(l, addr, addrlen, cond, cbdata, err);
	if (wsp_ospath_leave(ws) && a == INVALID_SOCKET)
		*err = WSAEINTR;
	if (a == INVALID_SOCKET) {
		wsp_sock_put(ws);
		return INVALID_SOCKET;
	}
	/* The accepted socket gets a handle of ours too. */
	attr = (struct wsp_sock_attr){ .type = ws->type,
		.protocol = ws->protocol, .overlapped = ws->overlapped,
		.info = ws->info, .parent = ws, .lower = a };
	h = wsp_sock_open(&attr, err);
	if (h == INVALID_SOCKET)
		lower()->lpWSPCloseSocket(a, &e);
	else
		mark_accepted(ws, h);
	wsp_sock_put(ws);
	return h;
}

void
wsp_ospath_sent(struct wsp_sock *ws, SOCKET l)
{
	/* The first send binds an unbound socket. */
	if (!__atomic_load_n(&ws->os_named, __ATOMIC_RELAXED))
		note_names(ws, l, NULL, 0);
}

int
wsp_ospath_send(struct wsp_sock *ws, LPWSABUF bufs, DWORD n, LPDWORD sent,
		DWORD flags, const struct sockaddr *to, int tolen,
		LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
		LPWSATHREADID tid, LPINT err)
{
	int r;
	SOCKET l;

	if (!entered(ws, &l, err))
		return SOCKET_ERROR;
	if (ov != NULL)
		r = wsp_ospath_ovl_io(ws, true, bufs, n, sent, NULL, flags,
			to, tolen, NULL, NULL, ov, cr, tid, err);
	else if (to != NULL)
		r = lower()->lpWSPSendTo(l, bufs, n, sent, flags, to, tolen,
			NULL, NULL, tid, err);
	else
		r = lower()->lpWSPSend(l, bufs, n, sent, flags, NULL, NULL,
			tid, err);
	wsp_ospath_sent(ws, l);
	if (ov != NULL)
		return left(ws, r);
	return left_blocking(ws, r, NULL, err);
}

int
wsp_ospath_recv(struct wsp_sock *ws, LPWSABUF bufs, DWORD n, LPDWORD rcvd,
		LPDWORD flags, struct sockaddr *from, LPINT fromlen,
		LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
		LPWSATHREADID tid, LPINT err)
{
	int r;
	SOCKET l;

	if (!entered(ws, &l, err))
		return SOCKET_ERROR;
	if (ov != NULL)
		return left(ws, wsp_ospath_ovl_io(ws, false, bufs, n, rcvd,
			flags, 0, NULL, 0, from, fromlen, ov, cr, tid, err));
	r = from != NULL ? lower()->lpWSPRecvFrom(l, bufs, n, rcvd, flags,
		from, fromlen, NULL, NULL, tid, err) :
		lower()->lpWSPRecv(l, bufs, n, rcvd, flags, NULL, NULL, tid,
		err);
	/* A shutdown by the close ends it with nothing. */
	return left_blocking(ws, r, r == 0 ? rcvd : NULL, err);
}

int
wsp_ospath_shutdown(struct wsp_sock *ws, int how, LPINT err)
{
	SOCKET l;

	if (!entered(ws, &l, err))
		return SOCKET_ERROR;
	return left(ws, lower()->lpWSPShutdown(l, how, err));
}

int
wsp_ospath_name(struct wsp_sock *ws, struct sockaddr *name, LPINT namelen,
		bool peer, LPINT err)
{
	SOCKET l;

	if (!entered(ws, &l, err))
		return SOCKET_ERROR;
	return left(ws, peer ?
		lower()->lpWSPGetPeerName(l, name, namelen, err) :
		lower()->lpWSPGetSockName(l, name, namelen, err));
}

int
wsp_ospath_set_opt(struct wsp_sock *ws, int level, int name, const char *v,
		int len, LPINT err)
{
	SOCKET l;

	if (!entered(ws, &l, err))
		return SOCKET_ERROR;
	if (level == SOL_SOCKET && name == SO_UPDATE_ACCEPT_CONTEXT)
		return left(ws, wsp_ospath_update_accept(ws, l, v, len, err));
	return left(ws, lower()->lpWSPSetSockOpt(l, level, name, v, len,
		err));
}

int
wsp_ospath_get_opt(struct wsp_sock *ws, int level, int name, char *v,
		LPINT len, LPINT err)
{
	SOCKET l;

	if (!entered(ws, &l, err))
		return SOCKET_ERROR;
	return left(ws, lower()->lpWSPGetSockOpt(l, level, name, v, len,
		err));
}

int
wsp_ospath_ioctl(struct wsp_sock *ws, DWORD code, LPVOID in, DWORD inlen,
		LPVOID out, DWORD outlen, LPDWORD ret, LPWSATHREADID tid,
		LPINT err)
{
	int r;
	SOCKET l;

	if (!entered(ws, &l, err))
		return SOCKET_ERROR;
	r = lower()->lpWSPIoctl(l, code, in, inlen, out, outlen, ret, NULL,
		NULL, tid, err);
	/* Keep our flag in step: accepted sockets inherit it. */
	if (r == 0 && code == FIONBIO && in != NULL && inlen >= sizeof(u_long))
		__atomic_store_n(&ws->nonblocking, *(u_long *)in != 0,
			__ATOMIC_RELAXED);
	return left(ws, r);
}

int
wsp_ospath_event_select(struct wsp_sock *ws, WSAEVENT ev, LONG events,
		LPINT err)
{
	SOCKET l;

	if (!entered(ws, &l, err))
		return SOCKET_ERROR;
	/* The application's event is Ws2_32's: the OS provider signals it
	 * itself, and the recorded events are its own. */
	return left(ws, lower()->lpWSPEventSelect(l, ev, events, err));
}

int
wsp_ospath_enum_events(struct wsp_sock *ws, WSAEVENT ev,
		LPWSANETWORKEVENTS ne, LPINT err)
{
	SOCKET l;

	if (!entered(ws, &l, err))
		return SOCKET_ERROR;
	return left(ws, lower()->lpWSPEnumNetworkEvents(l, ev, ne, err));
}

/* An fd_set of any size (Winsock's is a count and an array). */
struct big_set {
	u_int fd_count;
	SOCKET fd_array[];
};

static bool
in_set(const struct big_set *s, SOCKET h)
{
	for (u_int i = 0; i < s->fd_count; i++)
		if (s->fd_array[i] == h)
			return true;
	return false;
}

int
wsp_ospath_ready(struct wsp_sock *const *ws, const unsigned int *want,
		unsigned int *got, unsigned int n, LPINT err)
{
	static const unsigned int sel[3] = {
		WSP_SEL_READ, WSP_SEL_WRITE, WSP_SEL_EXCEPT
	};
	struct big_set *set[3];
	struct timeval zero = { 0, 0 };
	size_t size = sizeof(struct big_set) + n * sizeof(SOCKET);
	unsigned int in = 0;
	int ready = 0, r;

	if (n == 0)
		return 0;
	set[0] = malloc(3 * size);
	if (set[0] == NULL) {
		*err = WSAENOBUFS;
		return -1;
	}
	/* Each lower socket held until the lower select is over. */
	while (in < n && wsp_ospath_enter(ws[in], err) != INVALID_SOCKET)
		in++;
	if (in < n) {
		while (in > 0)
			wsp_ospath_leave(ws[--in]);
		free(set[0]);
		return -1;
	}
	set[1] = (struct big_set *)((char *)set[0] + size);
	set[2] = (struct big_set *)((char *)set[1] + size);
	for (unsigned int k = 0; k < 3; k++) {
		set[k]->fd_count = 0;
		for (unsigned int i = 0; i < n; i++)
			if (want[i] & sel[k])
				set[k]->fd_array[set[k]->fd_count++] =
					lower_of(ws[i]);
	}
	r = lower()->lpWSPSelect(0, set[0]->fd_count ? (fd_set *)set[0] : NULL,
		set[1]->fd_count ? (fd_set *)set[1] : NULL,
		set[2]->fd_count ? (fd_set *)set[2] : NULL, &zero, err);
	for (unsigned int i = 0; i < n; i++) {
		got[i] = 0;
		for (unsigned int k = 0; r > 0 && k < 3; k++)
			if ((want[i] & sel[k]) &&
					in_set(set[k], lower_of(ws[i])))
				got[i] |= sel[k];
		ready += got[i] != 0;
	}
	for (unsigned int i = 0; i < n; i++)
		wsp_ospath_leave(ws[i]);
	free(set[0]);
	return r < 0 ? -1 : ready;
}
