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
 * served by one watcher thread polling the selected sockets (bounded
 * 10 ms waits) and recording FD_* with Windows' re-enabling rules.
 * Overlapped sends and receives with an event, as wspdk's OS path uses
 * them (see "Overlapped I/O" below). Not served (WSAEOPNOTSUPP):
 * completion routines, overlapped ioctls, WSPAsyncSelect, duplicate, QoS, join leaf, condition
 * functions of WSPAccept (ignored).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>

#include "dp.h"
#include "os_kernel.h"
#include "wsp_abi.h"
#include "wsp_error.h"

/* For dlsym only (tests read the refcount). */
int os_provider_refcount(void);

struct os_sock {
	int fd;				/* (c) */
	int type;			/* (c) */
	DWORD catalog_id;		/* (c) */
	bool nonblocking;		/* (a) */
	bool listening;			/* (a) */
	/* SO_RCVTIMEO/SO_SNDTIMEO as set: Linux keeps them in jiffies
	 * and reads back rounded; Windows gives back the value set. */
	int timeo[2];			/* (a) */
	bool shut_send;			/* (a) shutdown SD_SEND or SD_BOTH */
	bool reset;			/* (a) a call saw the peer's reset */
	/* event select, under ev_lock */
	WSAEVENT ev;
	LONG mask;
	LONG enabled;			/* FD_* that may be recorded */
	LONG recorded;
	int errs[FD_MAX_EVENTS];
	bool connecting;
	struct os_sock *ev_next;	/* on ev_list while mask != 0 */
};

static WSPUPCALLTABLE up;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned int refcount;			/* (lock) */
static pthread_mutex_t ev_lock = PTHREAD_MUTEX_INITIALIZER;
static struct os_sock *ev_list;			/* (ev_lock) */
static bool ev_run;				/* (ev_lock) */
static bool ev_started;				/* (lock) */
static pthread_t ev_thread;			/* (lock) */

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

	pthread_mutex_lock(&lock);
	n = (int)refcount;
	pthread_mutex_unlock(&lock);
	return n;
}

static int
fail(LPINT err, int code)
{
	*err = code;
	return SOCKET_ERROR;
}

static int
fail_errno(LPINT err, long neg_errno)
{
	/* A send after shutdown(SD_SEND) is WSAESHUTDOWN on Windows. */
	if (neg_errno == -EPIPE)
		return fail(err, WSAESHUTDOWN);
	return fail(err, wsp_error_from_errno((int)-neg_errno));
}

static struct os_sock *
sock_of(SOCKET s, LPINT err)
{
	DWORD_PTR ctx;

	if (up.lpWPUQuerySocketHandleContext(s, &ctx, err) != 0)
		return NULL;
	return (struct os_sock *)ctx;
}

/* An FD_* event may be recorded again (the call that re-enables it). */
static void
reenable(struct os_sock *o, LONG ev)
{
	if (__atomic_load_n(&o->mask, __ATOMIC_RELAXED) == 0)
		return;
	pthread_mutex_lock(&ev_lock);
	o->enabled |= ev;
	pthread_mutex_unlock(&ev_lock);
}

static int
addr_in(const struct sockaddr *name, int len, uint32_t *ip, uint16_t *port)
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

static int
addr_out(uint32_t ip, uint16_t port, struct sockaddr *name, LPINT len)
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
	o->type = type;
	o->catalog_id = catalog_id;
	o->nonblocking = nonblocking;
	if (nonblocking)
		os_k_nonblock(fd, true);
	s = up.lpWPUCreateSocketHandle(catalog_id, (DWORD_PTR)o, err);
	if (s == INVALID_SOCKET) {
		os_k_close(fd);
		free(o);
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
		return (SOCKET)fail(err, WSAEAFNOSUPPORT);
	if (type != SOCK_STREAM && type != SOCK_DGRAM)
		return (SOCKET)fail(err, WSAESOCKTNOSUPPORT);
	fd = os_k_socket(type == SOCK_STREAM);
	if (fd < 0)
		return (SOCKET)fail_errno(err, fd);
	return sock_new(fd, type, info->dwCatalogEntryId, false, err);
}

static void
ev_forget(struct os_sock *o)
{
	struct os_sock **p;

	pthread_mutex_lock(&ev_lock);
	for (p = &ev_list; *p != NULL; p = &(*p)->ev_next)
		if (*p == o) {
			*p = o->ev_next;
			break;
		}
	pthread_mutex_unlock(&ev_lock);
}

static void ov_abort(const struct os_sock *o);

static int WSPAPI
os_close(SOCKET s, LPINT err)
{
	struct os_sock *o = sock_of(s, err);

	if (o == NULL)
		return SOCKET_ERROR;
	if (up.lpWPUCloseSocketHandle(s, err) != 0)
		return SOCKET_ERROR;	/* another thread closed it */
	ev_forget(o);
	ov_abort(o);
	os_k_close(o->fd);
	free(o);
	return 0;
}

static int WSPAPI
os_bind(SOCKET s, const struct sockaddr *name, int len, LPINT err)
{
	struct os_sock *o = sock_of(s, err);
	uint32_t ip;
	uint16_t port;
	int r;

	if (o == NULL)
		return SOCKET_ERROR;
	r = addr_in(name, len, &ip, &port);
	if (r != 0)
		return fail(err, r);
	r = os_k_bind(o->fd, ip, port);
	return r < 0 ? fail_errno(err, r) : 0;
}

static int WSPAPI
os_connect(SOCKET s, const struct sockaddr *name, int len, LPWSABUF caller,
		LPWSABUF callee, LPQOS sqos, LPQOS gqos, LPINT err)
{
	struct os_sock *o = sock_of(s, err);
	uint32_t ip = 0;
	uint16_t port = 0;
	int r;

	if (o == NULL)
		return SOCKET_ERROR;
	if (caller != NULL && caller->len != 0)
		return fail(err, WSAEOPNOTSUPP);
	if (name == NULL || len < (int)sizeof(struct sockaddr_in))
		return fail(err, WSAEFAULT);
	if (o->type == SOCK_STREAM ||
			((const struct sockaddr_in *)name)->sin_family !=
			AF_UNSPEC) {
		r = addr_in(name, len, &ip, &port);
		if (r != 0)
			return fail(err, r);
	}
	pthread_mutex_lock(&ev_lock);
	o->connecting = o->type == SOCK_STREAM;
	pthread_mutex_unlock(&ev_lock);
	r = os_k_connect(o->fd, ip, port);
	if (r == -EINPROGRESS)
		return fail(err, WSAEWOULDBLOCK);
	return r < 0 ? fail_errno(err, r) : 0;
}

static int WSPAPI
os_listen(SOCKET s, int backlog, LPINT err)
{
	struct os_sock *o = sock_of(s, err);
	int r;

	if (o == NULL)
		return SOCKET_ERROR;
	if (o->type != SOCK_STREAM)
		return fail(err, WSAEOPNOTSUPP);
	r = os_k_listen(o->fd, backlog);
	if (r < 0)
		return fail_errno(err, r);
	__atomic_store_n(&o->listening, true, __ATOMIC_RELAXED);
	return 0;
}

static SOCKET WSPAPI
os_accept(SOCKET s, struct sockaddr *addr, LPINT addrlen,
		LPCONDITIONPROC cond, DWORD_PTR cbdata, LPINT err)
{
	struct os_sock *o = sock_of(s, err);
	bool nb;
	uint32_t ip;
	uint16_t port;
	int fd;

	if (o == NULL)
		return INVALID_SOCKET;
	if (!__atomic_load_n(&o->listening, __ATOMIC_RELAXED))
		return (SOCKET)fail(err, WSAEINVAL);
	if (addr != NULL && (addrlen == NULL ||
			*addrlen < (int)sizeof(struct sockaddr_in)))
		return (SOCKET)fail(err, WSAEFAULT);
	fd = os_k_accept(o->fd, &ip, &port);
	reenable(o, FD_ACCEPT);
	if (fd < 0)
		return (SOCKET)fail_errno(err, fd);
	if (addr != NULL)
		addr_out(ip, port, addr, addrlen);
	/* The accepted socket has the listener's properties (FIONBIO). */
	nb = __atomic_load_n(&o->nonblocking, __ATOMIC_RELAXED);
	return sock_new(fd, SOCK_STREAM, o->catalog_id, nb, err);
}

#define OS_MAX_IOV	64

static int
iov_of(LPWSABUF bufs, DWORD n, struct os_k_iov *iov)
{
	DWORD i;

	if (n > OS_MAX_IOV)
		return WSAENOBUFS;
	if (n > 0 && bufs == NULL)
		return WSAEFAULT;
	for (i = 0; i < n; i++) {
		iov[i].base = bufs[i].buf;
		iov[i].len = bufs[i].len;
	}
	return 0;
}

/*
 * dgram_refused: an ICMP port unreachable for an earlier datagram is
 * Linux's ECONNREFUSED on the next call; Windows (send, sendto, recv,
 * recvfrom pages) reports it as WSAECONNRESET on a datagram socket.
 */
static int
io_err(struct os_sock *o, long r, bool send_no_to)
{
	bool stream = o->type == SOCK_STREAM;

	if (r == -ECONNRESET && stream)
		__atomic_store_n(&o->reset, true, __ATOMIC_RELAXED);
	/*
	 * Linux's EPIPE is any send on a stream that cannot send: after
	 * shutdown(SD_SEND) Windows says WSAESHUTDOWN, after the peer's
	 * reset WSAECONNRESET, and on a socket never connected (a connect
	 * refused, or none) WSAENOTCONN (send's page, MSAFD).
	 */
	if (r == -EPIPE && __atomic_load_n(&o->shut_send, __ATOMIC_RELAXED))
		return WSAESHUTDOWN;
	if (r == -EPIPE && __atomic_load_n(&o->reset, __ATOMIC_RELAXED))
		return WSAECONNRESET;
	if (r == -EPIPE)
		return WSAENOTCONN;
	/* A refused connect is connect's, SO_ERROR's or FD_CONNECT's to
	 * report; Linux also hands it to the next send or receive, which
	 * on Windows fails WSAENOTCONN. */
	if (r == -ECONNREFUSED && stream)
		return WSAENOTCONN;
	/* send on an unconnected socket: WSAENOTCONN, as send's page and
	 * MSAFD say (Linux: EDESTADDRREQ, which only sendto documents). */
	if (r == -EDESTADDRREQ && send_no_to)
		return WSAENOTCONN;
	if (r == -ECONNREFUSED)
		return WSAECONNRESET;	/* see dgram_refused */
	return wsp_error_from_errno((int)-r);
}

/*
 * Overlapped I/O, as MSAFD gives it to a layered caller: with an
 * event (set on completion, the result read back by
 * WSPGetOverlappedResult); completion routines are not served (wspdk
 * passes none down: it completes the application's own operation
 * itself). An op that can finish at once does, its completion still
 * indicated; the rest wait in order per socket and direction and are
 * finished by one thread polling their sockets (bounded 10 ms waits).
 * A close or the last WSPCleanup ends them WSA_OPERATION_ABORTED.
 */
struct os_op {
	struct os_op *next;			/* (ov_lock) */
	struct os_sock *o;
	LPWSAOVERLAPPED ov;
	bool send;
	unsigned int kf;			/* OS_K_F_* */
	bool has_to;
	uint32_t ip;
	uint16_t port;
	struct sockaddr *from;		/* the caller keeps them valid */
	LPINT fromlen;
	int n, cur;				/* iov[cur..n) is left */
	DWORD done, total;
	DWORD res_err, res_flags;		/* once finished */
	struct os_k_iov iov[OS_MAX_IOV];
};

static pthread_mutex_t ov_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ov_cond = PTHREAD_COND_INITIALIZER;
static struct os_op *ov_ops;			/* (ov_lock) in order */
static bool ov_run;				/* (ov_lock) */
static bool ov_started;				/* (lock) */
static pthread_t ov_thread;			/* (lock) */

/* The result in ov, then its event (read first: ov may be gone once
 * Internal says done). */
static void
ov_record(LPWSAOVERLAPPED ov, DWORD err, DWORD bytes, DWORD flags)
{
	WSAEVENT ev = ov->hEvent;
	int e;

	ov->Offset = flags;
	ov->OffsetHigh = err;
	ov->InternalHigh = bytes;
	__atomic_store_n(&ov->Internal, 0, __ATOMIC_RELEASE);
	if (ev != NULL)
		up.lpWPUSetEvent(ev, &e);
}

/* Whether an op of op's socket and direction waits before it. */
static bool
ov_blocked(const struct os_op *op)
{
	for (const struct os_op *q = ov_ops; q != NULL && q != op;
			q = q->next)
		if (q->o == op->o && q->send == op->send)
			return true;
	return false;
}

/* One attempt, never waiting (ov_lock held): true once finished, the
 * result in res_err, done and res_flags. */
static bool
ov_try(struct os_op *op)
{
	struct os_sock *o = op->o;
	uint32_t ip = 0;
	uint16_t port = 0;
	bool trunc = false;
	long r;

	if (op->send)
		r = os_k_send(o->fd, op->iov + op->cur, op->n - op->cur,
			op->kf | OS_K_F_NOWAIT, op->has_to ? &op->ip : NULL,
			&op->port);
	else
		r = os_k_recv(o->fd, op->iov, op->n, op->kf | OS_K_F_NOWAIT,
			&trunc, &ip, &port);
	if (!op->send)
		reenable(o, FD_READ | FD_OOB);
	if (r == -EAGAIN) {
		if (op->send)
			reenable(o, FD_WRITE);
		return false;
	}
	if (r < 0) {
		op->res_err = (DWORD)io_err(o, r, op->send && !op->has_to);
		return true;
	}
	op->done += (DWORD)r;
	if (op->send) {
		/* A stream's completes with every byte (LPWSPSend). */
		while (r > 0 && op->cur < op->n) {
			size_t k = (size_t)r < op->iov[op->cur].len ?
				(size_t)r : op->iov[op->cur].len;

			op->iov[op->cur].base = (char *)op->iov[op->cur].base
				+ k;
			op->iov[op->cur].len -= k;
			r -= (long)k;
			if (op->iov[op->cur].len == 0)
				op->cur++;
		}
		return op->done >= op->total;
	}
	if (op->from != NULL && o->type == SOCK_DGRAM)
		addr_out(ip, port, op->from, op->fromlen);
	if (trunc && o->type == SOCK_DGRAM)
		op->res_err = WSAEMSGSIZE;
	else if (trunc)
		op->res_flags = MSG_PARTIAL;
	return true;
}

static void *
ov_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&ov_lock);
	while (ov_run) {
		struct os_k_poll p[64];
		struct os_op **pp = &ov_ops, *op;
		unsigned int n = 0;

		while ((op = *pp) != NULL) {
			if (ov_blocked(op) || !ov_try(op)) {
				if (n < 64)
					p[n++] = (struct os_k_poll){ op->o->fd,
						op->send ? OS_K_OUT : OS_K_IN,
						0 };
				pp = &op->next;
				continue;
			}
			*pp = op->next;
			ov_record(op->ov, op->res_err, op->done, op->res_flags);
			free(op);
		}
		if (ov_ops == NULL) {
			pthread_cond_wait(&ov_cond, &ov_lock);
			continue;
		}
		/* A socket closed meanwhile is a spurious wake-up. */
		pthread_mutex_unlock(&ov_lock);
		os_k_poll(p, n, 10);
		pthread_mutex_lock(&ov_lock);
	}
	pthread_mutex_unlock(&ov_lock);
	return NULL;
}

static int
ov_start(void)
{
	int r = 0;

	pthread_mutex_lock(&lock);
	if (!ov_started) {
		pthread_mutex_lock(&ov_lock);
		ov_run = true;
		pthread_mutex_unlock(&ov_lock);
		r = pthread_create(&ov_thread, NULL, ov_main, NULL);
		ov_started = r == 0;
	}
	pthread_mutex_unlock(&lock);
	return r;
}

/* Close (o) or the last WSPCleanup (NULL): abort what waits. */
static void
ov_abort(const struct os_sock *o)
{
	struct os_op **pp = &ov_ops, *op;

	pthread_mutex_lock(&ov_lock);
	while ((op = *pp) != NULL) {
		if (o != NULL && op->o != o) {
			pp = &op->next;
			continue;
		}
		*pp = op->next;
		ov_record(op->ov, WSA_OPERATION_ABORTED, op->done, 0);
		free(op);
	}
	pthread_mutex_unlock(&ov_lock);
}

/* Last WSPCleanup (lock held). */
static void
ov_stop(void)
{
	if (!ov_started)
		return;
	pthread_mutex_lock(&ov_lock);
	ov_run = false;
	pthread_cond_broadcast(&ov_cond);
	pthread_mutex_unlock(&ov_lock);
	pthread_join(ov_thread, NULL);
	ov_started = false;
	ov_abort(NULL);
}

/*
 * An overlapped send or receive (t: its parameters): 0 if it finished
 * now (completion indicated too, *bytes and *flags set), else
 * SOCKET_ERROR with WSA_IO_PENDING (it waits) or the error it failed
 * with at once (no completion; a datagram too big for the buffers
 * fails WSAEMSGSIZE with its completion, as a receive finishing later
 * would).
 */
static int
ov_begin(const struct os_op *t, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPDWORD bytes,
		LPDWORD flags, LPINT err)
{
	struct os_op *op;
	DWORD e, n, f;
	bool now;

	if (cr != NULL)
		return fail(err, WSAEOPNOTSUPP);
	if (ov_start() != 0)
		return fail(err, WSAENOBUFS);
	op = malloc(sizeof(*op));
	if (op == NULL)
		return fail(err, WSAENOBUFS);
	*op = *t;
	op->ov = ov;
	op->next = NULL;
	pthread_mutex_lock(&ov_lock);
	now = !ov_blocked(op) && ov_try(op);
	if (!now) {
		struct os_op **pp = &ov_ops;

		ov->InternalHigh = 0;
		__atomic_store_n(&ov->Internal,
			(ULONG_PTR)WSS_OPERATION_IN_PROGRESS,
			__ATOMIC_RELEASE);
		while (*pp != NULL)
			pp = &(*pp)->next;
		*pp = op;
		pthread_cond_signal(&ov_cond);
	}
	pthread_mutex_unlock(&ov_lock);
	if (!now)
		return fail(err, WSA_IO_PENDING);
	e = op->res_err;
	n = op->done;
	f = op->res_flags;
	free(op);
	if (e != 0 && e != WSAEMSGSIZE)
		return fail(err, (int)e);
	ov_record(ov, e, n, f);
	if (bytes != NULL)
		*bytes = n;
	if (flags != NULL)
		*flags = f;
	return e != 0 ? fail(err, (int)e) : 0;
}


static int
send_common(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD sent, DWORD flags,
		const struct sockaddr *to, int tolen, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPINT err)
{
	struct os_sock *o = sock_of(s, err);
	struct os_op t = { .send = true };
	long r;
	int e;

	if (o == NULL)
		return SOCKET_ERROR;
	if ((flags & ~(DWORD)MSG_OOB) != 0)
		return fail(err, WSAEOPNOTSUPP);
	if (sent == NULL && ov == NULL)
		return fail(err, WSAEFAULT);
	e = iov_of(bufs, n, t.iov);
	if (e == 0 && to != NULL && o->type == SOCK_DGRAM) {
		e = addr_in(to, tolen, &t.ip, &t.port);
		t.has_to = true;
	}
	if (e != 0)
		return fail(err, e);
	t.o = o;
	t.n = (int)n;
	t.kf = (flags & MSG_OOB) ? OS_K_F_OOB : 0;
	for (DWORD i = 0; i < n; i++)
		t.total += bufs[i].len;
	if (ov != NULL)
		return ov_begin(&t, ov, cr, sent, NULL, err);
	r = os_k_send(o->fd, t.iov, (int)n, t.kf, t.has_to ? &t.ip : NULL,
		&t.port);
	if (r == -EAGAIN)
		reenable(o, FD_WRITE);
	if (r == -EAGAIN && !__atomic_load_n(&o->nonblocking,
			__ATOMIC_RELAXED))
		return fail(err, WSAETIMEDOUT);	/* SO_SNDTIMEO passed */
	if (r < 0)
		return fail(err, io_err(o, r, to == NULL));
	*sent = (DWORD)r;
	return 0;
}

static int WSPAPI
os_send(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD sent, DWORD flags,
		LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
		LPWSATHREADID tid, LPINT err)
{
	return send_common(s, bufs, n, sent, flags, NULL, 0, ov, cr, err);
}

static int WSPAPI
os_send_to(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD sent, DWORD flags,
		const struct sockaddr *to, int tolen, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid,
		LPINT err)
{
	return send_common(s, bufs, n, sent, flags, to, tolen, ov, cr,
		err);
}

static int
recv_common(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD rcvd, LPDWORD flags,
		struct sockaddr *from, LPINT fromlen, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPINT err)
{
	struct os_sock *o = sock_of(s, err);
	struct os_op t = { .send = false };
	uint32_t ip = 0;
	uint16_t port = 0;
	bool trunc = false;
	long r;
	int e;

	if (o == NULL)
		return SOCKET_ERROR;
	if ((rcvd == NULL && ov == NULL) || flags == NULL)
		return fail(err, WSAEFAULT);
	if ((*flags & ~(DWORD)(MSG_PEEK | MSG_OOB)) != 0)
		return fail(err, WSAEOPNOTSUPP);
	if (from != NULL && (fromlen == NULL ||
			*fromlen < (int)sizeof(struct sockaddr_in)))
		return fail(err, WSAEFAULT);
	e = iov_of(bufs, n, t.iov);
	if (e != 0)
		return fail(err, e);
	t.o = o;
	t.n = (int)n;
	t.kf = ((*flags & MSG_PEEK) ? OS_K_F_PEEK : 0) |
		((*flags & MSG_OOB) ? OS_K_F_OOB : 0);
	t.from = from;
	t.fromlen = fromlen;
	if (ov != NULL)
		return ov_begin(&t, ov, cr, rcvd, flags, err);
	r = os_k_recv(o->fd, t.iov, (int)n, t.kf, &trunc, &ip, &port);
	reenable(o, FD_READ | FD_OOB);
	if (r == -EAGAIN && !__atomic_load_n(&o->nonblocking,
			__ATOMIC_RELAXED))
		return fail(err, WSAETIMEDOUT);	/* SO_RCVTIMEO passed */
	if (r < 0)
		return fail(err, io_err(o, r, false));
	*rcvd = (DWORD)r;
	*flags = trunc ? MSG_PARTIAL : 0;
	if (from != NULL && o->type == SOCK_DGRAM)
		addr_out(ip, port, from, fromlen);
	if (trunc && o->type == SOCK_DGRAM) {
		*flags = 0;
		return fail(err, WSAEMSGSIZE);
	}
	return 0;
}

static int WSPAPI
os_recv(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD rcvd, LPDWORD flags,
		LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
		LPWSATHREADID tid, LPINT err)
{
	return recv_common(s, bufs, n, rcvd, flags, NULL, NULL, ov, cr, err);
}

static int WSPAPI
os_recv_from(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD rcvd, LPDWORD flags,
		struct sockaddr *from, LPINT fromlen, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid,
		LPINT err)
{
	return recv_common(s, bufs, n, rcvd, flags, from, fromlen, ov, cr,
		err);
}

static int WSPAPI
os_shutdown(SOCKET s, int how, LPINT err)
{
	struct os_sock *o = sock_of(s, err);
	int r;

	if (o == NULL)
		return SOCKET_ERROR;
	if (how != SD_RECEIVE && how != SD_SEND && how != SD_BOTH)
		return fail(err, WSAEINVAL);
	r = os_k_shutdown(o->fd, how);	/* SD_* == SHUT_* */
	if (r == 0 && how != SD_RECEIVE)
		__atomic_store_n(&o->shut_send, true, __ATOMIC_RELAXED);
	return r < 0 ? fail_errno(err, r) : 0;
}

static int
name_of(SOCKET s, struct sockaddr *name, LPINT len, bool peer, LPINT err)
{
	struct os_sock *o = sock_of(s, err);
	uint32_t ip;
	uint16_t port;
	int r;

	if (o == NULL)
		return SOCKET_ERROR;
	r = os_k_name(o->fd, peer, &ip, &port);
	if (r < 0)
		return fail_errno(err, r);
	/* Windows: an unbound socket has no name. */
	if (!peer && ip == 0 && port == 0)
		return fail(err, WSAEINVAL);
	r = addr_out(ip, port, name, len);
	return r != 0 ? fail(err, r) : 0;
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
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].level == level && map[i].name == name)
			return (int)map[i].k;
	return -1;
}

static int WSPAPI
os_set_sock_opt(SOCKET s, int level, int name, const char *val, int len,
		LPINT err)
{
	struct os_sock *o = sock_of(s, err);
	struct linger l;
	int k, v = 0, r;

	if (o == NULL)
		return SOCKET_ERROR;
	k = opt_of(level, name);
	if (k < 0 || k == OS_K_SO_ERROR || k == OS_K_SO_TYPE ||
			k == OS_K_SO_ACCEPTCONN)
		return fail(err, WSAENOPROTOOPT);
	if (val == NULL)
		return fail(err, WSAEFAULT);
	if (k == OS_K_SO_LINGER) {
		if (len < (int)sizeof(l))
			return fail(err, WSAEFAULT);
		memcpy(&l, val, sizeof(l));
		r = os_k_setopt(o->fd, OS_K_SO_LINGER, l.l_onoff != 0,
			l.l_linger);
	} else {
		/* BOOL options take one byte too, as on Windows. */
		if (len < 1)
			return fail(err, WSAEFAULT);
		memcpy(&v, val, len < (int)sizeof(v) ? (size_t)len :
			sizeof(v));
		r = os_k_setopt(o->fd, (enum os_k_opt)k, v, 0);
		if (r == 0 && (k == OS_K_SO_RCVTIMEO || k == OS_K_SO_SNDTIMEO))
			__atomic_store_n(&o->timeo[k == OS_K_SO_SNDTIMEO], v,
				__ATOMIC_RELAXED);
	}
	return r < 0 ? fail_errno(err, r) : 0;
}

static int WSPAPI
os_get_sock_opt(SOCKET s, int level, int name, char *val, LPINT len,
		LPINT err)
{
	struct os_sock *o = sock_of(s, err);
	struct linger l;
	int k, v, v2, r;

	if (o == NULL)
		return SOCKET_ERROR;
	if (val == NULL || len == NULL)
		return fail(err, WSAEFAULT);
	if (level == SOL_SOCKET && name == SO_TYPE) {
		v = o->type;	/* Winsock's SOCK_* values */
	} else {
		k = opt_of(level, name);
		if (k < 0)
			return fail(err, WSAENOPROTOOPT);
		r = os_k_getopt(o->fd, (enum os_k_opt)k, &v, &v2);
		if (r < 0)
			return fail_errno(err, r);
		if (k == OS_K_SO_LINGER) {
			if (*len < (int)sizeof(l))
				return fail(err, WSAEFAULT);
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
		return fail(err, WSAEFAULT);
	memcpy(val, &v, sizeof(v));
	*len = sizeof(v);
	return 0;
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

	pthread_mutex_lock(&ev_lock);
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
	pthread_mutex_unlock(&ev_lock);
	if (os_k_poll(p, n, 10) <= 0)
		return;
	pthread_mutex_lock(&ev_lock);
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
		up.lpWPUSetEvent(o->ev, &conn_err);
	}
	pthread_mutex_unlock(&ev_lock);
}

static void *
ev_main(void *arg)
{
	for (;;) {
		pthread_mutex_lock(&ev_lock);
		if (!ev_run) {
			pthread_mutex_unlock(&ev_lock);
			return NULL;
		}
		pthread_mutex_unlock(&ev_lock);
		ev_scan();
	}
}

static int WSPAPI
os_event_select(SOCKET s, WSAEVENT ev, LONG events, LPINT err)
{
	struct os_sock *o = sock_of(s, err);
	struct os_sock **p;
	int r = 0;

	if (o == NULL)
		return SOCKET_ERROR;
	if (events != 0 && ev == NULL)
		return fail(err, WSAEINVAL);
	pthread_mutex_lock(&lock);
	if (!ev_started && events != 0) {
		pthread_mutex_lock(&ev_lock);
		ev_run = true;
		pthread_mutex_unlock(&ev_lock);
		r = pthread_create(&ev_thread, NULL, ev_main, NULL);
		ev_started = r == 0;
	}
	pthread_mutex_unlock(&lock);
	if (r != 0)
		return fail(err, WSAENOBUFS);
	/* WSPEventSelect makes the socket non-blocking (MS-doc). */
	__atomic_store_n(&o->nonblocking, true, __ATOMIC_RELAXED);
	os_k_nonblock(o->fd, true);
	pthread_mutex_lock(&ev_lock);
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
	pthread_mutex_unlock(&ev_lock);
	return 0;
}

static int WSPAPI
os_enum_network_events(SOCKET s, WSAEVENT ev, LPWSANETWORKEVENTS ne,
		LPINT err)
{
	struct os_sock *o = sock_of(s, err);
	int i, e;

	if (o == NULL)
		return SOCKET_ERROR;
	if (ne == NULL)
		return fail(err, WSAEFAULT);
	pthread_mutex_lock(&ev_lock);
	ne->lNetworkEvents = o->recorded;
	for (i = 0; i < FD_MAX_EVENTS; i++)
		ne->iErrorCode[i] = (o->recorded & (1 << i)) ? o->errs[i] : 0;
	o->recorded = 0;
	pthread_mutex_unlock(&ev_lock);
	if (ev != NULL)
		up.lpWPUResetEvent(ev, &e);
	return 0;
}

/* Winsock readiness wanted of a socket -> poll bits. */
static int
poll_sockets(SOCKET *h, unsigned int *want, unsigned int *got,
		unsigned int n, int timeout_ms, LPINT err)
{
	struct os_k_poll p[FD_SETSIZE * 3];
	struct os_sock *o;
	unsigned int i;
	int r;

	for (i = 0; i < n; i++) {
		o = sock_of(h[i], err);
		if (o == NULL)
			return SOCKET_ERROR;
		p[i].fd = o->fd;
		p[i].events = want[i];
	}
	r = os_k_poll(p, n, timeout_ms);
	if (r < 0)
		return fail_errno(err, r);
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

static int WSPAPI
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
		return fail(err, WSAEINVAL);
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

/* SIO_EXT_POLL: WSAPoll as Ws2_32 hands it to the provider. */
static int
ext_poll(WSAPOLLDATA *pd, DWORD len, LPINT err)
{
	SOCKET h[FD_SETSIZE];
	unsigned int want[FD_SETSIZE], got[FD_SETSIZE], i;
	int r, n = 0;
	SHORT re;

	if (pd == NULL || len < sizeof(*pd) ||
			pd->fds > (len - sizeof(*pd)) / sizeof(WSAPOLLFD))
		return fail(err, WSAEFAULT);
	if (pd->fds > FD_SETSIZE)
		return fail(err, WSAENOBUFS);
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

static int WSPAPI
os_ioctl(SOCKET s, DWORD code, LPVOID in, DWORD inlen, LPVOID out,
		DWORD outlen, LPDWORD ret, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid,
		LPINT err)
{
	struct os_sock *o = sock_of(s, err);
	u_long v;
	int r;

	if (o == NULL)
		return SOCKET_ERROR;
	if (ov != NULL)
		return fail(err, WSAEOPNOTSUPP);
	switch (code) {
	case FIONBIO:
		if (in == NULL || inlen < sizeof(v))
			return fail(err, WSAEFAULT);
		memcpy(&v, in, sizeof(v));
		/* Windows refuses blocking while event-selected. */
		if (v == 0 && __atomic_load_n(&o->mask, __ATOMIC_RELAXED))
			return fail(err, WSAEINVAL);
		r = os_k_nonblock(o->fd, v != 0);
		if (r < 0)
			return fail_errno(err, r);
		__atomic_store_n(&o->nonblocking, v != 0, __ATOMIC_RELAXED);
		return 0;
	case FIONREAD:
		if (out == NULL || outlen < sizeof(v) || ret == NULL)
			return fail(err, WSAEFAULT);
		r = os_k_nread(o->fd);
		if (r < 0)
			return fail_errno(err, r);
		v = (u_long)r;
		memcpy(out, &v, sizeof(v));
		*ret = sizeof(v);
		return 0;
	case SIO_BSP_HANDLE_POLL:
		/* We are the base: WSAPoll's sockets come to us. */
		if (out == NULL || outlen < sizeof(SOCKET) || ret == NULL)
			return fail(err, WSAEFAULT);
		memcpy(out, &s, sizeof(s));
		*ret = sizeof(s);
		return 0;
	case SIO_EXT_POLL:
		return ext_poll(in, inlen, err);
	default:
		return fail(err, WSAEOPNOTSUPP);
	}
}

static BOOL WSPAPI
os_get_overlapped_result(SOCKET s, LPWSAOVERLAPPED ov, LPDWORD bytes,
		BOOL wait, LPDWORD flags, LPINT err)
{
	if (sock_of(s, err) == NULL)
		return FALSE;
	if (ov == NULL || bytes == NULL || flags == NULL) {
		*err = WSAEFAULT;
		return FALSE;
	}
	while (__atomic_load_n(&ov->Internal, __ATOMIC_ACQUIRE) ==
			(ULONG_PTR)WSS_OPERATION_IN_PROGRESS) {
		if (!wait) {
			*err = WSA_IO_INCOMPLETE;
			return FALSE;
		}
		usleep(100);
	}
	*bytes = (DWORD)ov->InternalHigh;
	*flags = ov->Offset;
	if (ov->OffsetHigh != 0) {
		*err = (int)ov->OffsetHigh;
		return FALSE;
	}
	return TRUE;
}

static int WSPAPI
os_cleanup(LPINT err)
{
	bool join = false;

	pthread_mutex_lock(&lock);
	if (refcount == 0) {
		pthread_mutex_unlock(&lock);
		return fail(err, WSANOTINITIALISED);
	}
	if (--refcount == 0 && ev_started) {
		pthread_mutex_lock(&ev_lock);
		ev_run = false;
		pthread_mutex_unlock(&ev_lock);
		ev_started = false;
		join = true;
	}
	if (join)
		pthread_join(ev_thread, NULL);
	if (refcount == 0)
		ov_stop();
	pthread_mutex_unlock(&lock);
	return 0;
}

/* Unsupported entries (see the file comment). */
static SOCKET WSPAPI
os_join_leaf(SOCKET s, const struct sockaddr *name, int namelen,
		LPWSABUF caller, LPWSABUF callee, LPQOS sqos, LPQOS gqos,
		DWORD flags, LPINT err)
{
	return (SOCKET)fail(err, WSAEOPNOTSUPP);
}

static int WSPAPI
os_async_select(SOCKET s, HWND hwnd, unsigned int msg, LONG events,
		LPINT err)
{
	return fail(err, WSAEOPNOTSUPP);
}

static int WSPAPI
os_cancel_blocking_call(LPINT err)
{
	return fail(err, WSAEOPNOTSUPP);
}

static int WSPAPI
os_duplicate_socket(SOCKET s, DWORD pid, LPWSAPROTOCOL_INFOW info,
		LPINT err)
{
	return fail(err, WSAEOPNOTSUPP);
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
	return fail(err, WSAEOPNOTSUPP);
}

static int WSPAPI
os_send_disconnect(SOCKET s, LPWSABUF data, LPINT err)
{
	return fail(err, WSAEOPNOTSUPP);
}

static INT WSPAPI
os_address_to_string(LPSOCKADDR sa, DWORD salen, LPWSAPROTOCOL_INFOW info,
		LPWSTR str, LPDWORD strsize, LPINT err)
{
	return fail(err, WSAEOPNOTSUPP);
}

static INT WSPAPI
os_string_to_address(LPWSTR str, INT af, LPWSAPROTOCOL_INFOW info,
		LPSOCKADDR sa, LPINT salen, LPINT err)
{
	return fail(err, WSAEOPNOTSUPP);
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
	pthread_mutex_lock(&lock);
	/* The stand-in's upcall table never changes: keep the first, so
	 * that calls running unlocked never see it written. */
	if (refcount++ == 0 && up.lpWPUCreateSocketHandle == NULL)
		up = upcalls;
	pthread_mutex_unlock(&lock);
	data->wVersion = MAKEWORD(2, 2);
	data->wHighVersion = MAKEWORD(2, 2);
	for (i = 0; d[i] != '\0' && i < WSPDESCRIPTION_LEN; i++)
		data->szDescription[i] = (WCHAR)(unsigned char)d[i];
	data->szDescription[i] = 0;
	*procs = os_procs;
	return 0;
}
