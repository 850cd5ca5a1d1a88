/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * os_provider_io.c: sends and receives in the stand-in's OS base
 * provider, blocking, non-blocking and overlapped (with an event, as
 * MSAFD serves a layered caller), and WSPGetOverlappedResult.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "os_provider.h"

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
	struct os_sock *o;			/* its close aborts it */
	LPWSAOVERLAPPED ov;
	bool send;
	unsigned int kf;			/* OS_K_F_* */
	bool has_to;
	uint32_t ip;
	uint16_t port;
	struct sockaddr *from;		/* the caller keeps them valid */
	LPINT fromlen;
	LPWSAMSG msg;			/* WSARecvMsg's, else NULL */
	int n, cur;				/* iov[cur..n) is left */
	DWORD done, total;
	DWORD res_err, res_flags;		/* once finished */
	struct os_xop x;			/* an extension function's */
	struct os_k_iov iov[OS_MAX_IOV];
};

static pthread_mutex_t ov_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ov_cond = PTHREAD_COND_INITIALIZER;
static struct os_op *ov_ops;			/* (ov_lock) in order */
static bool ov_run;				/* (ov_lock) */
static bool ov_started;				/* (os_lock) */
static pthread_t ov_thread;			/* (os_lock) */

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
		os_up.lpWPUSetEvent(ev, &e);
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
	struct os_k_pktinfo pi;
	uint32_t ip = 0;
	uint16_t port = 0;
	bool trunc = false;
	long r;

	if (op->x.kind != OS_OP_IO)
		return os_xop_try(&op->x, o, &op->done, &op->res_err);
	if (op->send)
		r = os_k_send(o->fd, op->iov + op->cur, op->n - op->cur,
			op->kf | OS_K_F_NOWAIT, op->has_to ? &op->ip : NULL,
			&op->port);
	else
		r = os_k_recv_pi(o->fd, op->iov, op->n,
			op->kf | OS_K_F_NOWAIT, &trunc, &ip, &port,
			op->msg != NULL ? &pi : NULL);
	if (!op->send)
		os_reenable(o, FD_READ | FD_OOB);
	if (r == -EAGAIN) {
		if (op->send)
			os_reenable(o, FD_WRITE);
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
		if (op->done < op->total)
			return false;
		/* TransmitFile's, TransmitPackets', DisconnectEx's end. */
		if (op->x.tf_flags != 0)
			os_tf_finish(o, op->x.tf_flags);
		return true;
	}
	if (op->from != NULL && o->type == SOCK_DGRAM)
		os_addr_out(ip, port, op->from, op->fromlen);
	if (op->msg != NULL)
		op->res_flags = os_msg_fill(op->msg, &pi, trunc);
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
				if (n < 64 && op->x.kind != OS_OP_IO)
					p[n++] = os_xop_poll(&op->x, op->o);
				else if (n < 64)
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
		/* A socket closed meanwhile is a spurious wake-os_up. */
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

	pthread_mutex_lock(&os_lock);
	if (!ov_started) {
		pthread_mutex_lock(&ov_lock);
		ov_run = true;
		pthread_mutex_unlock(&ov_lock);
		r = pthread_create(&ov_thread, NULL, ov_main, NULL);
		ov_started = r == 0;
	}
	pthread_mutex_unlock(&os_lock);
	return r;
}

void
os_ov_abort(const struct os_sock *o)
{
	struct os_op **pp = &ov_ops, *op;

	pthread_mutex_lock(&ov_lock);
	while ((op = *pp) != NULL) {
		/* AcceptEx's also ends with its accept socket. */
		if (o != NULL && op->o != o && op->x.acc != o) {
			pp = &op->next;
			continue;
		}
		*pp = op->next;
		ov_record(op->ov, WSA_OPERATION_ABORTED, op->done, 0);
		free(op);
	}
	pthread_mutex_unlock(&ov_lock);
}

void
os_ov_stop(void)
{
	if (!ov_started)
		return;
	pthread_mutex_lock(&ov_lock);
	ov_run = false;
	pthread_cond_broadcast(&ov_cond);
	pthread_mutex_unlock(&ov_lock);
	pthread_join(ov_thread, NULL);
	ov_started = false;
	os_ov_abort(NULL);
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
		return os_fail(err, WSAEOPNOTSUPP);
	if (ov_start() != 0)
		return os_fail(err, WSAENOBUFS);
	op = malloc(sizeof(*op));
	if (op == NULL)
		return os_fail(err, WSAENOBUFS);
	*op = *t;
	op->ov = ov;
	op->next = NULL;
	pthread_mutex_lock(&ov_lock);
	/* Queued after its close's os_ov_abort, it would outlive o. */
	if (os_sock_closing(op->o) || (op->x.acc != NULL &&
			os_sock_closing(op->x.acc))) {
		pthread_mutex_unlock(&ov_lock);
		free(op);
		return os_fail(err, WSAENOTSOCK);
	}
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
		return os_fail(err, WSA_IO_PENDING);
	e = op->res_err;
	n = op->done;
	f = op->res_flags;
	free(op);
	if (e != 0 && e != WSAEMSGSIZE)
		return os_fail(err, (int)e);
	ov_record(ov, e, n, f);
	if (bytes != NULL)
		*bytes = n;
	if (flags != NULL)
		*flags = f;
	return e != 0 ? os_fail(err, (int)e) : 0;
}


int
os_send_on(struct os_sock *o, LPWSABUF bufs, DWORD n, LPDWORD sent,
		DWORD flags, const struct sockaddr *to, int tolen,
		LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
		LPINT err)
{
	struct os_op t = { .send = true };
	long r;
	int e;

	if ((flags & ~(DWORD)MSG_OOB) != 0)
		return os_fail(err, WSAEOPNOTSUPP);
	if (sent == NULL && ov == NULL)
		return os_fail(err, WSAEFAULT);
	e = iov_of(bufs, n, t.iov);
	if (e == 0 && to != NULL && o->type == SOCK_DGRAM) {
		e = os_addr_in(to, tolen, &t.ip, &t.port);
		t.has_to = true;
	}
	if (e != 0)
		return os_fail(err, e);
	t.o = o;
	t.n = (int)n;
	t.kf = (flags & MSG_OOB) ? OS_K_F_OOB : 0;
	for (DWORD i = 0; i < n; i++)
		t.total += bufs[i].len;
	if (ov != NULL)
		return ov_begin(&t, ov, cr, sent, NULL, err);
	if (!os_enter(o, err))
		return SOCKET_ERROR;
	r = os_k_send(o->fd, t.iov, (int)n, t.kf, t.has_to ? &t.ip : NULL,
		&t.port);
	if (os_leave(o))
		return os_fail(err, WSAEINTR);
	if (r == -EAGAIN)
		os_reenable(o, FD_WRITE);
	if (r == -EAGAIN && !__atomic_load_n(&o->nonblocking,
			__ATOMIC_RELAXED))
		return os_fail(err, WSAETIMEDOUT);	/* SO_SNDTIMEO passed */
	if (r < 0)
		return os_fail(err, io_err(o, r, to == NULL));
	*sent = (DWORD)r;
	return 0;
}

static int
send_common(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD sent, DWORD flags,
		const struct sockaddr *to, int tolen, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPINT err)
{
	struct os_sock *o = os_sock_get(s, err);

	return o == NULL ? SOCKET_ERROR : os_done(o, os_send_on(o, bufs, n,
		sent, flags, to, tolen, ov, cr, err));
}

int WSPAPI
os_send(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD sent, DWORD flags,
		LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
		LPWSATHREADID tid, LPINT err)
{
	return send_common(s, bufs, n, sent, flags, NULL, 0, ov, cr, err);
}

int WSPAPI
os_send_to(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD sent, DWORD flags,
		const struct sockaddr *to, int tolen, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid,
		LPINT err)
{
	return send_common(s, bufs, n, sent, flags, to, tolen, ov, cr,
		err);
}

int
os_recv_on(struct os_sock *o, LPWSABUF bufs, DWORD n, LPDWORD rcvd,
		LPDWORD flags, struct sockaddr *from, LPINT fromlen,
		LPWSAMSG msg, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPINT err)
{
	struct os_op t = { .send = false, .msg = msg };
	struct os_k_pktinfo pi;
	uint32_t ip = 0;
	uint16_t port = 0;
	bool trunc = false;
	long r;
	int e;

	if ((rcvd == NULL && ov == NULL) || flags == NULL)
		return os_fail(err, WSAEFAULT);
	if ((*flags & ~(DWORD)(MSG_PEEK | MSG_OOB)) != 0)
		return os_fail(err, WSAEOPNOTSUPP);
	if (from != NULL && (fromlen == NULL ||
			*fromlen < (int)sizeof(struct sockaddr_in)))
		return os_fail(err, WSAEFAULT);
	e = iov_of(bufs, n, t.iov);
	if (e != 0)
		return os_fail(err, e);
	t.o = o;
	t.n = (int)n;
	t.kf = ((*flags & MSG_PEEK) ? OS_K_F_PEEK : 0) |
		((*flags & MSG_OOB) ? OS_K_F_OOB : 0);
	t.from = from;
	t.fromlen = fromlen;
	if (ov != NULL)
		return ov_begin(&t, ov, cr, rcvd, flags, err);
	if (!os_enter(o, err))
		return SOCKET_ERROR;
	r = os_k_recv_pi(o->fd, t.iov, (int)n, t.kf, &trunc, &ip, &port,
		msg != NULL ? &pi : NULL);
	if (os_leave(o))
		return os_fail(err, WSAEINTR);
	os_reenable(o, FD_READ | FD_OOB);
	if (r == -EAGAIN && !__atomic_load_n(&o->nonblocking,
			__ATOMIC_RELAXED))
		return os_fail(err, WSAETIMEDOUT);	/* SO_RCVTIMEO passed */
	if (r < 0)
		return os_fail(err, io_err(o, r, false));
	*rcvd = (DWORD)r;
	*flags = trunc ? MSG_PARTIAL : 0;
	if (from != NULL && o->type == SOCK_DGRAM)
		os_addr_out(ip, port, from, fromlen);
	/* flags is msg's dwFlags then. */
	if (msg != NULL)
		os_msg_fill(msg, &pi, trunc);
	if (trunc && o->type == SOCK_DGRAM) {
		if (msg == NULL)
			*flags = 0;
		return os_fail(err, WSAEMSGSIZE);
	}
	return 0;
}

static int
recv_common(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD rcvd, LPDWORD flags,
		struct sockaddr *from, LPINT fromlen, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPINT err)
{
	struct os_sock *o = os_sock_get(s, err);

	return o == NULL ? SOCKET_ERROR : os_done(o, os_recv_on(o, bufs, n,
		rcvd, flags, from, fromlen, NULL, ov, cr, err));
}

int WSPAPI
os_recv(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD rcvd, LPDWORD flags,
		LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
		LPWSATHREADID tid, LPINT err)
{
	return recv_common(s, bufs, n, rcvd, flags, NULL, NULL, ov, cr, err);
}

int WSPAPI
os_recv_from(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD rcvd, LPDWORD flags,
		struct sockaddr *from, LPINT fromlen, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid,
		LPINT err)
{
	return recv_common(s, bufs, n, rcvd, flags, from, fromlen, ov, cr,
		err);
}


BOOL WSPAPI
os_get_overlapped_result(SOCKET s, LPWSAOVERLAPPED ov, LPDWORD bytes,
		BOOL wait, LPDWORD flags, LPINT err)
{
	struct os_sock *o = os_sock_get(s, err);

	if (o == NULL)
		return FALSE;
	os_sock_put(o);	/* ov is the caller's to keep */
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

int
os_ov_begin_ext(struct os_sock *o, const struct os_xop *x, bool send,
		LPWSAOVERLAPPED ov, LPDWORD bytes, LPINT err)
{
	struct os_op t = { .o = o, .send = send, .x = *x };

	return ov_begin(&t, ov, NULL, bytes, NULL, err);
}

int
os_ov_send_tf(struct os_sock *o, LPWSABUF bufs, DWORD n, DWORD tf,
		LPWSAOVERLAPPED ov, LPINT err)
{
	struct os_op t = { .o = o, .send = true, .x.tf_flags = tf };
	WSAOVERLAPPED own;
	int e = iov_of(bufs, n, t.iov), r;

	if (e != 0)
		return os_fail(err, e);
	t.n = (int)n;
	for (DWORD i = 0; i < n; i++)
		t.total += bufs[i].len;
	if (ov != NULL)
		return ov_begin(&t, ov, NULL, NULL, NULL, err);
	/* No overlapped: "does not return until" it is done. */
	memset(&own, 0, sizeof(own));
	r = ov_begin(&t, &own, NULL, NULL, NULL, err);
	if (r == 0 || *err != WSA_IO_PENDING)
		return r;
	while (__atomic_load_n(&own.Internal, __ATOMIC_ACQUIRE) ==
			(ULONG_PTR)WSS_OPERATION_IN_PROGRESS)
		usleep(100);
	return own.OffsetHigh != 0 ? os_fail(err, (int)own.OffsetHigh) : 0;
}
