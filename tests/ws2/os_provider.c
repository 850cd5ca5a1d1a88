/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * os_provider.c: the stand-in's OS base provider, over Linux kernel
 * sockets (the Linux twin of Microsoft's MSAFD, issue #15).
 *
 * The catalog lists it after wspdk (ws2_startup.c); wspdk loads it through
 * WSCEnumProtocols / WSCGetProviderPath exactly as it loads MSAFD on
 * Windows, to hand a process that is not opted in to it, and to serve the
 * sockets wspdk cannot (loopback, other networks) behind its own handles.
 *
 * Handles are non-IFS (WPUCreateSocketHandle), each carrying its os_sock.
 * Calls map one to one onto kernel calls (os_kernel.c); Windows rules
 * kept: sockets block until FIONBIO or WSPEventSelect; a datagram too
 * big for the buffer fills it and fails WSAEMSGSIZE. WSPEventSelect is
 * served by one watcher thread (os_provider_ev.c) polling the selected
 * sockets (bounded 10 ms waits) and recording FD_* with Windows'
 * re-enabling rules. Overlapped sends and receives with an event, as
 * wspdk's OS path uses them (os_provider_io.c); AcceptEx and ConnectEx
 * the same way (os_provider_ext.c). Not served
 * (WSAEOPNOTSUPP): completion routines, overlapped ioctls,
 * WSPAsyncSelect, duplicate, QoS, join leaf, condition functions of
 * WSPAccept (ignored).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dp.h"
#include "os_provider.h"

/* For dlsym only (tests read the refcount and the sockets open). */
int os_provider_refcount(void);
int os_provider_open_sockets(void);

/* How long a close waits for the calls it woke to leave. */
#define CLOSE_WAIT_S	2

WSPUPCALLTABLE os_up;
pthread_mutex_t os_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned int refcount;			/* (os_lock) */
static int open_sockets;			/* (a) made, not yet freed */
static pthread_mutex_t os_busy_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t os_busy_cond = PTHREAD_COND_INITIALIZER;

void
dp_log(enum dp_log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level > DP_LOG_WARNING)
		return;
	va_start(ap, fmt);
	fputs("ws2os: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

int
os_provider_refcount(void)
{
	int n;

	pthread_mutex_lock(&os_lock);
	n = (int)refcount;
	pthread_mutex_unlock(&os_lock);
	return n;
}

__attribute__((visibility("default"))) int
os_provider_open_sockets(void)
{
	return __atomic_load_n(&open_sockets, __ATOMIC_ACQUIRE);
}

struct os_sock *
os_sock_get(SOCKET s, LPINT err)
{
	struct os_sock *o = NULL;
	DWORD_PTR ctx;

	/* Under the lock the close marks it with, and that its last
	 * reference is dropped under: a socket the handle still names is
	 * alive, and one being closed is not taken. */
	pthread_mutex_lock(&os_busy_lock);
	if (os_up.lpWPUQuerySocketHandleContext(s, &ctx, err) == 0) {
		o = (struct os_sock *)ctx;
		if (o->closing) {
			*err = WSAENOTSOCK;
			o = NULL;
		} else {
			o->ref++;
		}
	}
	pthread_mutex_unlock(&os_busy_lock);
	return o;
}

void
os_sock_put(struct os_sock *o)
{
	bool last;

	pthread_mutex_lock(&os_busy_lock);
	last = --o->ref == 0;
	pthread_mutex_unlock(&os_busy_lock);
	if (!last)
		return;
	os_k_close(o->fd);
	free(o);
	__atomic_fetch_sub(&open_sockets, 1, __ATOMIC_RELEASE);
}

bool
os_sock_closing(struct os_sock *o)
{
	bool closing;

	pthread_mutex_lock(&os_busy_lock);
	closing = o->closing;
	pthread_mutex_unlock(&os_busy_lock);
	return closing;
}

void
os_reenable(struct os_sock *o, LONG ev)
{
	if (__atomic_load_n(&o->mask, __ATOMIC_RELAXED) == 0)
		return;
	pthread_mutex_lock(&os_ev_lock);
	o->enabled |= ev;
	pthread_mutex_unlock(&os_ev_lock);
}

int
os_addr_in(const struct sockaddr *name, int len, uint32_t *ip,
		uint16_t *port)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)name;

	if (name == NULL || len < (int)sizeof(*sin))
		return WSAEFAULT;
	if (sin->sin_family != AF_INET)
		return WSAEAFNOSUPPORT;
	*ip = sin->sin_addr.s_addr;
	*port = sin->sin_port;
	return 0;
}

int
os_addr_out(uint32_t ip, uint16_t port, struct sockaddr *name,
		LPINT len)
{
	struct sockaddr_in sin;

	if (name == NULL || len == NULL || *len < (int)sizeof(sin))
		return WSAEFAULT;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = ip;
	sin.sin_port = port;
	memcpy(name, &sin, sizeof(sin));
	*len = sizeof(sin);
	return 0;
}

static SOCKET
sock_new(int fd, int type, DWORD catalog_id, bool nonblocking, LPINT err)
{
	struct os_sock *o = calloc(1, sizeof(*o));
	SOCKET s;

	if (o == NULL) {
		os_k_close(fd);
		*err = WSAENOBUFS;
		return INVALID_SOCKET;
	}
	o->fd = fd;
	o->ref = 1;	/* the handle's */
	o->type = type;
	o->catalog_id = catalog_id;
	o->nonblocking = nonblocking;
	if (nonblocking)
		os_k_nonblock(fd, true);
	s = os_up.lpWPUCreateSocketHandle(catalog_id, (DWORD_PTR)o, err);
	if (s == INVALID_SOCKET) {
		os_k_close(fd);
		free(o);
	} else {
		__atomic_fetch_add(&open_sockets, 1, __ATOMIC_RELEASE);
	}
	return s;
}

static SOCKET WSPAPI
os_socket(int af, int type, int protocol, LPWSAPROTOCOL_INFOW info,
		GROUP g, DWORD flags, LPINT err)
{
	int fd;

	if (af == FROM_PROTOCOL_INFO || af == 0)
		af = info->iAddressFamily;
	if (type == FROM_PROTOCOL_INFO || type == 0)
		type = info->iSocketType;
	if (af != AF_INET)
		return (SOCKET)os_fail(err, WSAEAFNOSUPPORT);
	if (type != SOCK_STREAM && type != SOCK_DGRAM)
		return (SOCKET)os_fail(err, WSAESOCKTNOSUPPORT);
	fd = os_k_socket(type == SOCK_STREAM);
	if (fd < 0)
		return (SOCKET)os_fail_errno(err, fd);
	return sock_new(fd, type, info->dwCatalogEntryId, false, err);
}


bool
os_enter(struct os_sock *o, LPINT err)
{
	bool ok;

	pthread_mutex_lock(&os_busy_lock);
	ok = !o->closing;
	if (ok)
		o->busy++;
	pthread_mutex_unlock(&os_busy_lock);
	if (!ok)
		*err = WSAENOTSOCK;
	return ok;
}

bool
os_leave(struct os_sock *o)
{
	bool woken;

	pthread_mutex_lock(&os_busy_lock);
	woken = o->closing;
	if (--o->busy == 0 && woken)
		pthread_cond_broadcast(&os_busy_cond);
	pthread_mutex_unlock(&os_busy_lock);
	return woken;
}

/*
 * closesocket while other threads are blocked on the socket (o closing):
 * Linux's close(2) wakes none of them. A shutdown wakes each (accept,
 * connect, send, recv), as MSAFD ends them (WSAEINTR); then wait
 * (bounded) until they have left. False if one did not.
 */
static bool
close_blocked(struct os_sock *o)
{
	struct timespec until;
	bool idle;

	pthread_mutex_lock(&os_busy_lock);
	idle = o->busy == 0;
	pthread_mutex_unlock(&os_busy_lock);
	if (idle)
		return true;
	os_k_shutdown(o->fd, SD_BOTH);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += CLOSE_WAIT_S;
	pthread_mutex_lock(&os_busy_lock);
	while (o->busy != 0 && pthread_cond_timedwait(&os_busy_cond,
			&os_busy_lock, &until) == 0)
		;
	idle = o->busy == 0;
	pthread_mutex_unlock(&os_busy_lock);
	return idle;
}

/* Marked closed first: no call takes it, enters it, starts an
 * overlapped op or event-selects it after (each looks under a lock the
 * steps below take after it); the last reference closes the fd. */
static int WSPAPI
os_close(SOCKET s, LPINT err)
{
	struct os_sock *o = os_sock_get(s, err);
	bool closed;

	if (o == NULL)
		return SOCKET_ERROR;
	pthread_mutex_lock(&os_busy_lock);
	closed = o->closing;
	o->closing = true;
	pthread_mutex_unlock(&os_busy_lock);
	if (closed)	/* another thread's close got here first */
		return os_done(o, os_fail(err, WSAENOTSOCK));
	os_up.lpWPUCloseSocketHandle(s, err);
	os_ev_forget(o);
	os_ov_abort(o);
	/* Still in the kernel: the call keeps o and its fd. */
	if (!close_blocked(o))
		dp_log(DP_LOG_ERR, "close: a blocked call did not return");
	os_sock_put(o);		/* the handle's */
	return os_done(o, 0);
}

static int
bind_on(struct os_sock *o, const struct sockaddr *name, int len, LPINT err)
{
	uint32_t ip;
	uint16_t port;
	int r;

	r = os_addr_in(name, len, &ip, &port);
	if (r != 0)
		return os_fail(err, r);
	r = os_k_bind(o->fd, ip, port);
	return r < 0 ? os_fail_errno(err, r) : 0;
}

static int WSPAPI
os_bind(SOCKET s, const struct sockaddr *name, int len, LPINT err)
{
	struct os_sock *o = os_sock_get(s, err);

	return o == NULL ? SOCKET_ERROR : os_done(o, bind_on(o, name, len,
		err));
}

static int
connect_on(struct os_sock *o, const struct sockaddr *name, int len,
		LPWSABUF caller, LPINT err)
{
	uint32_t ip = 0;
	uint16_t port = 0;
	int r;

	if (caller != NULL && caller->len != 0)
		return os_fail(err, WSAEOPNOTSUPP);
	if (name == NULL || len < (int)sizeof(struct sockaddr_in))
		return os_fail(err, WSAEFAULT);
	if (o->type == SOCK_STREAM ||
			((const struct sockaddr_in *)name)->sin_family !=
			AF_UNSPEC) {
		r = os_addr_in(name, len, &ip, &port);
		if (r != 0)
			return os_fail(err, r);
	}
	pthread_mutex_lock(&os_ev_lock);
	o->connecting = o->type == SOCK_STREAM;
	pthread_mutex_unlock(&os_ev_lock);
	if (!os_enter(o, err))
		return SOCKET_ERROR;
	r = os_k_connect(o->fd, ip, port);
	/*
	 * Linux: the attempt under way failed and its error went to a send
	 * or receive (ECONNABORTED, and the socket is unconnected again).
	 * Windows lets connect be called again after a failed attempt, and
	 * that call starts a new one: so does this.
	 */
	if (r == -ECONNABORTED && o->type == SOCK_STREAM)
		r = os_k_connect(o->fd, ip, port);
	if (os_leave(o))
		return os_fail(err, WSAEINTR);
	if (r == -EINPROGRESS)
		return os_fail(err, WSAEWOULDBLOCK);
	return r < 0 ? os_fail_errno(err, r) : 0;
}

static int WSPAPI
os_connect(SOCKET s, const struct sockaddr *name, int len, LPWSABUF caller,
		LPWSABUF callee, LPQOS sqos, LPQOS gqos, LPINT err)
{
	struct os_sock *o = os_sock_get(s, err);

	return o == NULL ? SOCKET_ERROR : os_done(o, connect_on(o, name, len,
		caller, err));
}

static int
listen_on(struct os_sock *o, int backlog, LPINT err)
{
	int r;

	if (o->type != SOCK_STREAM)
		return os_fail(err, WSAEOPNOTSUPP);
	r = os_k_listen(o->fd, backlog);
	if (r < 0)
		return os_fail_errno(err, r);
	__atomic_store_n(&o->listening, true, __ATOMIC_RELAXED);
	return 0;
}

static int WSPAPI
os_listen(SOCKET s, int backlog, LPINT err)
{
	struct os_sock *o = os_sock_get(s, err);

	return o == NULL ? SOCKET_ERROR : os_done(o, listen_on(o, backlog,
		err));
}

static SOCKET
accept_on(struct os_sock *o, struct sockaddr *addr, LPINT addrlen,
		LPINT err)
{
	bool nb;
	uint32_t ip;
	uint16_t port;
	int fd;

	if (!__atomic_load_n(&o->listening, __ATOMIC_RELAXED))
		return (SOCKET)os_fail(err, WSAEINVAL);
	if (addr != NULL && (addrlen == NULL ||
			*addrlen < (int)sizeof(struct sockaddr_in)))
		return (SOCKET)os_fail(err, WSAEFAULT);
	if (!os_enter(o, err))
		return INVALID_SOCKET;
	fd = os_k_accept(o->fd, &ip, &port);
	if (os_leave(o)) {
		if (fd >= 0)
			os_k_close(fd);
		return (SOCKET)os_fail(err, WSAEINTR);
	}
	os_reenable(o, FD_ACCEPT);
	if (fd < 0)
		return (SOCKET)os_fail_errno(err, fd);
	if (addr != NULL)
		os_addr_out(ip, port, addr, addrlen);
	/* The accepted socket has the listener's properties (FIONBIO). */
	nb = __atomic_load_n(&o->nonblocking, __ATOMIC_RELAXED);
	return sock_new(fd, SOCK_STREAM, o->catalog_id, nb, err);
}

static SOCKET WSPAPI
os_accept(SOCKET s, struct sockaddr *addr, LPINT addrlen,
		LPCONDITIONPROC cond, DWORD_PTR cbdata, LPINT err)
{
	struct os_sock *o = os_sock_get(s, err);
	SOCKET a;

	if (o == NULL)
		return INVALID_SOCKET;
	a = accept_on(o, addr, addrlen, err);
	os_sock_put(o);
	return a;
}

static int
shutdown_on(struct os_sock *o, int how, LPINT err)
{
	int r;

	if (how != SD_RECEIVE && how != SD_SEND && how != SD_BOTH)
		return os_fail(err, WSAEINVAL);
	r = os_k_shutdown(o->fd, how);	/* SD_* == SHUT_* */
	if (r == 0 && how != SD_RECEIVE)
		__atomic_store_n(&o->shut_send, true, __ATOMIC_RELAXED);
	return r < 0 ? os_fail_errno(err, r) : 0;
}

static int WSPAPI
os_shutdown(SOCKET s, int how, LPINT err)
{
	struct os_sock *o = os_sock_get(s, err);

	return o == NULL ? SOCKET_ERROR : os_done(o, shutdown_on(o, how,
		err));
}

static int
name_on(struct os_sock *o, struct sockaddr *name, LPINT len, bool peer,
		LPINT err)
{
	uint32_t ip;
	uint16_t port;
	int r;

	r = os_k_name(o->fd, peer, &ip, &port);
	if (r < 0)
		return os_fail_errno(err, r);
	/* Windows: an unbound socket has no name. */
	if (!peer && ip == 0 && port == 0)
		return os_fail(err, WSAEINVAL);
	r = os_addr_out(ip, port, name, len);
	return r != 0 ? os_fail(err, r) : 0;
}

static int
name_of(SOCKET s, struct sockaddr *name, LPINT len, bool peer, LPINT err)
{
	struct os_sock *o = os_sock_get(s, err);

	return o == NULL ? SOCKET_ERROR : os_done(o, name_on(o, name, len,
		peer, err));
}

static int WSPAPI
os_get_sock_name(SOCKET s, struct sockaddr *name, LPINT len, LPINT err)
{
	return name_of(s, name, len, false, err);
}

static int WSPAPI
os_get_peer_name(SOCKET s, struct sockaddr *name, LPINT len, LPINT err)
{
	return name_of(s, name, len, true, err);
}

/* Winsock option -> kernel option; -1 if not served. */
static int
opt_of(int level, int name)
{
	static const struct {
		int level, name;
		enum os_k_opt k;
	} map[] = {
		{ SOL_SOCKET, SO_REUSEADDR, OS_K_SO_REUSEADDR },
		{ SOL_SOCKET, SO_KEEPALIVE, OS_K_SO_KEEPALIVE },
		{ SOL_SOCKET, SO_BROADCAST, OS_K_SO_BROADCAST },
		{ SOL_SOCKET, SO_SNDBUF, OS_K_SO_SNDBUF },
		{ SOL_SOCKET, SO_RCVBUF, OS_K_SO_RCVBUF },
		{ SOL_SOCKET, SO_ERROR, OS_K_SO_ERROR },
		{ SOL_SOCKET, SO_TYPE, OS_K_SO_TYPE },
		{ SOL_SOCKET, SO_ACCEPTCONN, OS_K_SO_ACCEPTCONN },
		{ SOL_SOCKET, SO_LINGER, OS_K_SO_LINGER },
		{ IPPROTO_TCP, TCP_NODELAY, OS_K_TCP_NODELAY },
		{ IPPROTO_IP, IP_TTL, OS_K_IP_TTL },
		{ IPPROTO_IP, IP_TOS, OS_K_IP_TOS },
		{ SOL_SOCKET, SO_RCVTIMEO, OS_K_SO_RCVTIMEO },
		{ SOL_SOCKET, SO_SNDTIMEO, OS_K_SO_SNDTIMEO },
		{ IPPROTO_IP, IP_PKTINFO, OS_K_IP_PKTINFO },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].level == level && map[i].name == name)
			return (int)map[i].k;
	return -1;
}

/* MSAFD answers a TCP option on a datagram socket WSAENOPROTOOPT;
 * Linux's EOPNOTSUPP would map to WSAEOPNOTSUPP. */
static bool
tcp_on_dgram(const struct os_sock *o, int level)
{
	return level == IPPROTO_TCP && o->type != SOCK_STREAM;
}

static int
set_opt_on(struct os_sock *o, int level, int name, const char *val,
		int len, LPINT err)
{
	struct linger l;
	int k, v = 0, r;

	if (level == SOL_SOCKET && (name == SO_UPDATE_ACCEPT_CONTEXT ||
			name == SO_UPDATE_CONNECT_CONTEXT))
		return os_ext_update_context(o, name, val, len, err);
	k = opt_of(level, name);
	if (k < 0 || k == OS_K_SO_ERROR || k == OS_K_SO_TYPE ||
			k == OS_K_SO_ACCEPTCONN || tcp_on_dgram(o, level))
		return os_fail(err, WSAENOPROTOOPT);
	if (val == NULL)
		return os_fail(err, WSAEFAULT);
	if (k == OS_K_SO_LINGER) {
		if (len < (int)sizeof(l))
			return os_fail(err, WSAEFAULT);
		memcpy(&l, val, sizeof(l));
		r = os_k_setopt(o->fd, OS_K_SO_LINGER, l.l_onoff != 0,
			l.l_linger);
	} else {
		/* BOOL options take one byte too, as on Windows. */
		if (len < 1)
			return os_fail(err, WSAEFAULT);
		memcpy(&v, val, len < (int)sizeof(v) ? (size_t)len :
			sizeof(v));
		r = os_k_setopt(o->fd, (enum os_k_opt)k, v, 0);
		if (r == 0 && (k == OS_K_SO_RCVTIMEO || k == OS_K_SO_SNDTIMEO))
			__atomic_store_n(&o->timeo[k == OS_K_SO_SNDTIMEO], v,
				__ATOMIC_RELAXED);
	}
	return r < 0 ? os_fail_errno(err, r) : 0;
}

static int WSPAPI
os_set_sock_opt(SOCKET s, int level, int name, const char *val, int len,
		LPINT err)
{
	struct os_sock *o = os_sock_get(s, err);

	return o == NULL ? SOCKET_ERROR : os_done(o, set_opt_on(o, level,
		name, val, len, err));
}

static int
get_opt_on(struct os_sock *o, int level, int name, char *val, LPINT len,
		LPINT err)
{
	struct linger l;
	int k, v, v2, r;

	if (val == NULL || len == NULL)
		return os_fail(err, WSAEFAULT);
	if (level == SOL_SOCKET && name == SO_TYPE) {
		v = o->type;	/* Winsock's SOCK_* values */
	} else {
		k = opt_of(level, name);
		if (k < 0 || tcp_on_dgram(o, level))
			return os_fail(err, WSAENOPROTOOPT);
		r = os_k_getopt(o->fd, (enum os_k_opt)k, &v, &v2);
		if (r < 0)
			return os_fail_errno(err, r);
		if (k == OS_K_SO_LINGER) {
			if (*len < (int)sizeof(l))
				return os_fail(err, WSAEFAULT);
			l.l_onoff = (u_short)v;
			l.l_linger = (u_short)v2;
			memcpy(val, &l, sizeof(l));
			*len = sizeof(l);
			return 0;
		}
		/* Linux doubles the buffer sizes it is given; report what
		 * was set, as Windows does. */
		if (k == OS_K_SO_SNDBUF || k == OS_K_SO_RCVBUF)
			v /= 2;
		if (k == OS_K_SO_ERROR)
			v = v != 0 ? wsp_error_from_errno(v) : 0;
		if (k == OS_K_SO_RCVTIMEO || k == OS_K_SO_SNDTIMEO)
			v = __atomic_load_n(&o->timeo[k == OS_K_SO_SNDTIMEO],
				__ATOMIC_RELAXED);
	}
	if (*len < (int)sizeof(v))
		return os_fail(err, WSAEFAULT);
	memcpy(val, &v, sizeof(v));
	*len = sizeof(v);
	return 0;
}

static int WSPAPI
os_get_sock_opt(SOCKET s, int level, int name, char *val, LPINT len,
		LPINT err)
{
	struct os_sock *o = os_sock_get(s, err);

	return o == NULL ? SOCKET_ERROR : os_done(o, get_opt_on(o, level,
		name, val, len, err));
}

static int
ioctl_on(struct os_sock *o, SOCKET s, DWORD code, LPVOID in, DWORD inlen,
		LPVOID out, DWORD outlen, LPDWORD ret, LPINT err)
{
	u_long v;
	int r;

	switch (code) {
	case FIONBIO:
		if (in == NULL || inlen < sizeof(v))
			return os_fail(err, WSAEFAULT);
		memcpy(&v, in, sizeof(v));
		/* Windows refuses blocking while event-selected. */
		if (v == 0 && __atomic_load_n(&o->mask, __ATOMIC_RELAXED))
			return os_fail(err, WSAEINVAL);
		r = os_k_nonblock(o->fd, v != 0);
		if (r < 0)
			return os_fail_errno(err, r);
		__atomic_store_n(&o->nonblocking, v != 0, __ATOMIC_RELAXED);
		return 0;
	case FIONREAD:
		if (out == NULL || outlen < sizeof(v) || ret == NULL)
			return os_fail(err, WSAEFAULT);
		r = os_k_nread(o->fd);
		if (r < 0)
			return os_fail_errno(err, r);
		v = (u_long)r;
		memcpy(out, &v, sizeof(v));
		*ret = sizeof(v);
		return 0;
	case SIO_BSP_HANDLE_POLL:
		/* We are the base: WSAPoll's sockets come to us. */
		if (out == NULL || outlen < sizeof(SOCKET) || ret == NULL)
			return os_fail(err, WSAEFAULT);
		memcpy(out, &s, sizeof(s));
		*ret = sizeof(s);
		return 0;
	case SIO_EXT_POLL:
		return os_ext_poll(in, inlen, err);
	case SIO_EXT_SENDMSG:
		return os_ext_sendmsg(o, in, inlen, out, outlen, err);
	case SIO_GET_EXTENSION_FUNCTION_POINTER:
		r = os_ext_function(in, inlen, out, outlen, ret);
		return r != 0 ? os_fail(err, r) : 0;
	default:
		return os_fail(err, WSAEOPNOTSUPP);
	}
}

static int WSPAPI
os_ioctl(SOCKET s, DWORD code, LPVOID in, DWORD inlen, LPVOID out,
		DWORD outlen, LPDWORD ret, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid,
		LPINT err)
{
	struct os_sock *o = os_sock_get(s, err);

	if (o == NULL)
		return SOCKET_ERROR;
	if (ov != NULL)
		return os_done(o, os_fail(err, WSAEOPNOTSUPP));
	return os_done(o, ioctl_on(o, s, code, in, inlen, out, outlen, ret,
		err));
}

static int WSPAPI
os_cleanup(LPINT err)
{
	pthread_mutex_lock(&os_lock);
	if (refcount == 0) {
		pthread_mutex_unlock(&os_lock);
		return os_fail(err, WSANOTINITIALISED);
	}
	if (--refcount == 0) {
		os_ev_stop();
		os_ov_stop();
	}
	pthread_mutex_unlock(&os_lock);
	return 0;
}

/* Unsupported entries (see the file comment). */
static SOCKET WSPAPI
os_join_leaf(SOCKET s, const struct sockaddr *name, int namelen,
		LPWSABUF caller, LPWSABUF callee, LPQOS sqos, LPQOS gqos,
		DWORD flags, LPINT err)
{
	return (SOCKET)os_fail(err, WSAEOPNOTSUPP);
}

static int WSPAPI
os_async_select(SOCKET s, HWND hwnd, unsigned int msg, LONG events,
		LPINT err)
{
	return os_fail(err, WSAEOPNOTSUPP);
}

static int WSPAPI
os_cancel_blocking_call(LPINT err)
{
	return os_fail(err, WSAEOPNOTSUPP);
}

static int WSPAPI
os_duplicate_socket(SOCKET s, DWORD pid, LPWSAPROTOCOL_INFOW info,
		LPINT err)
{
	return os_fail(err, WSAEOPNOTSUPP);
}

static BOOL WSPAPI
os_get_qos_by_name(SOCKET s, LPWSABUF name, LPQOS qos, LPINT err)
{
	*err = WSAEOPNOTSUPP;
	return FALSE;
}

static int WSPAPI
os_recv_disconnect(SOCKET s, LPWSABUF data, LPINT err)
{
	return os_fail(err, WSAEOPNOTSUPP);
}

static int WSPAPI
os_send_disconnect(SOCKET s, LPWSABUF data, LPINT err)
{
	return os_fail(err, WSAEOPNOTSUPP);
}

static INT WSPAPI
os_address_to_string(LPSOCKADDR sa, DWORD salen, LPWSAPROTOCOL_INFOW info,
		LPWSTR str, LPDWORD strsize, LPINT err)
{
	return os_fail(err, WSAEOPNOTSUPP);
}

static INT WSPAPI
os_string_to_address(LPWSTR str, INT af, LPWSAPROTOCOL_INFOW info,
		LPSOCKADDR sa, LPINT salen, LPINT err)
{
	return os_fail(err, WSAEOPNOTSUPP);
}

static const WSPPROC_TABLE os_procs = {
	.lpWSPAccept = os_accept,
	.lpWSPAddressToString = os_address_to_string,
	.lpWSPAsyncSelect = os_async_select,
	.lpWSPBind = os_bind,
	.lpWSPCancelBlockingCall = os_cancel_blocking_call,
	.lpWSPCleanup = os_cleanup,
	.lpWSPCloseSocket = os_close,
	.lpWSPConnect = os_connect,
	.lpWSPDuplicateSocket = os_duplicate_socket,
	.lpWSPEnumNetworkEvents = os_enum_network_events,
	.lpWSPEventSelect = os_event_select,
	.lpWSPGetOverlappedResult = os_get_overlapped_result,
	.lpWSPGetPeerName = os_get_peer_name,
	.lpWSPGetSockName = os_get_sock_name,
	.lpWSPGetSockOpt = os_get_sock_opt,
	.lpWSPGetQOSByName = os_get_qos_by_name,
	.lpWSPIoctl = os_ioctl,
	.lpWSPJoinLeaf = os_join_leaf,
	.lpWSPListen = os_listen,
	.lpWSPRecv = os_recv,
	.lpWSPRecvDisconnect = os_recv_disconnect,
	.lpWSPRecvFrom = os_recv_from,
	.lpWSPSelect = os_select,
	.lpWSPSend = os_send,
	.lpWSPSendDisconnect = os_send_disconnect,
	.lpWSPSendTo = os_send_to,
	.lpWSPSetSockOpt = os_set_sock_opt,
	.lpWSPShutdown = os_shutdown,
	.lpWSPSocket = os_socket,
	.lpWSPStringToAddress = os_string_to_address,
};

__attribute__((visibility("default"))) int WSPAPI
WSPStartup(WORD version, LPWSPDATA data, LPWSAPROTOCOL_INFOW info,
		WSPUPCALLTABLE upcalls, LPWSPPROC_TABLE procs)
{
	const char *d = "Linux kernel sockets (ws2 stand-in OS provider)";
	size_t i;

	if (data == NULL || procs == NULL)
		return WSAEFAULT;
	if (LOBYTE(version) < 2 || (LOBYTE(version) == 2 &&
			HIBYTE(version) < 2))
		return WSAVERNOTSUPPORTED;
	pthread_mutex_lock(&os_lock);
	/* The stand-in's upcall table never changes: keep the first, so
	 * that calls running unlocked never see it written. */
	if (refcount++ == 0 && os_up.lpWPUCreateSocketHandle == NULL)
		os_up = upcalls;
	pthread_mutex_unlock(&os_lock);
	data->wVersion = MAKEWORD(2, 2);
	data->wHighVersion = MAKEWORD(2, 2);
	for (i = 0; d[i] != '\0' && i < WSPDESCRIPTION_LEN; i++)
		data->szDescription[i] = (WCHAR)(unsigned char)d[i];
	data->szDescription[i] = 0;
	*procs = os_procs;
	return 0;
}
