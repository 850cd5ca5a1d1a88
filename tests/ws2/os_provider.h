/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * os_provider.h: what the stand-in's OS base provider's files share
 * (os_provider.c: sockets, options, the proc table; os_provider_io.c:
 * sends, receives and overlapped I/O; os_provider_ev.c: event select,
 * select and WSAPoll).
 */
#ifndef _OS_PROVIDER_H_
#define _OS_PROVIDER_H_

#include <errno.h>
#include <pthread.h>

#include "os_kernel.h"
#include "wsp_abi.h"
#include "wsp_error.h"

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
	/* (os_busy_lock) references: the handle's and each call's (the
	 * last closes fd and frees it); blocking calls in the kernel, and
	 * a close waiting for them; closed */
	unsigned int ref;
	unsigned int busy;
	bool closing;
	/* event select, under os_ev_lock */
	WSAEVENT ev;
	LONG mask;
	LONG enabled;			/* FD_* that may be recorded */
	LONG recorded;
	int errs[FD_MAX_EVENTS];
	bool connecting;
	struct os_sock *ev_next;	/* watched while mask != 0 */
};

#define OS_MAX_IOV	64

/* An extension function's overlapped op (os_provider_ext.c), run by
 * the overlapped thread (os_provider_io.c). */
enum os_op_kind { OS_OP_IO, OS_OP_ACCEPT, OS_OP_CONNECT };

struct os_xop {
	enum os_op_kind kind;
	int phase;
	struct os_sock *acc;		/* AcceptEx's accept socket */
	char *out;			/* AcceptEx's buffer */
	DWORD data_len, local_len, remote_len;
	const char *buf;		/* ConnectEx's data, len bytes */
	DWORD len;
	DWORD tf_flags;			/* a send's TF_DISCONNECT, ... */
};

extern WSPUPCALLTABLE os_up;
extern pthread_mutex_t os_lock;
extern pthread_mutex_t os_ev_lock;

static inline int
os_fail(LPINT err, int code)
{
	*err = code;
	return SOCKET_ERROR;
}

static inline int
os_fail_errno(LPINT err, long neg_errno)
{
	/* A send after shutdown(SD_SEND) is WSAESHUTDOWN on Windows. */
	if (neg_errno == -EPIPE)
		return os_fail(err, WSAESHUTDOWN);
	return os_fail(err, wsp_error_from_errno((int)-neg_errno));
}

/* os_provider.c */
/* s's socket, referenced: a close meanwhile keeps it (and its fd) until
 * os_sock_put; NULL (WSAENOTSOCK) once closed. */
struct os_sock *os_sock_get(SOCKET s, LPINT err);
void os_sock_put(struct os_sock *o);
/* Whether o is closed (os_ov_begin, os_event_select: added after the
 * close looked would be left behind). */
bool os_sock_closing(struct os_sock *o);

/* A call on o is over: its reference dropped, its result returned. */
static inline int
os_done(struct os_sock *o, int ret)
{
	os_sock_put(o);
	return ret;
}

/* Around a call that may block in the kernel: a close wakes it and
 * waits until it has left. enter fails (WSAENOTSOCK) once closing;
 * leave says whether a close woke it (the call fails WSAEINTR). */
bool os_enter(struct os_sock *o, LPINT err);
bool os_leave(struct os_sock *o);
/* An FD_* event may be recorded again (the call that re-enables it). */
void os_reenable(struct os_sock *o, LONG ev);
int os_addr_in(const struct sockaddr *name, int len, uint32_t *ip,
		uint16_t *port);
int os_addr_out(uint32_t ip, uint16_t port, struct sockaddr *name,
		LPINT len);

/* os_provider_io.c */
int WSPAPI os_send(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD sent,
		DWORD flags, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid,
		LPINT err);
int WSPAPI os_send_to(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD sent,
		DWORD flags, const struct sockaddr *to, int tolen,
		LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
		LPWSATHREADID tid, LPINT err);
int WSPAPI os_recv(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD rcvd,
		LPDWORD flags, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid,
		LPINT err);
int WSPAPI os_recv_from(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD rcvd,
		LPDWORD flags, struct sockaddr *from, LPINT fromlen,
		LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
		LPWSATHREADID tid, LPINT err);
/* A send or receive on o, the caller's reference held; msg: WSARecvMsg's
 * (from, fromlen and flags are its name, namelen and dwFlags), whose
 * control data and dwFlags the receive fills (os_msg_fill). */
int os_send_on(struct os_sock *o, LPWSABUF bufs, DWORD n, LPDWORD sent,
		DWORD flags, const struct sockaddr *to, int tolen,
		LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
		LPINT err);
int os_recv_on(struct os_sock *o, LPWSABUF bufs, DWORD n, LPDWORD rcvd,
		LPDWORD flags, struct sockaddr *from, LPINT fromlen,
		LPWSAMSG msg, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPINT err);
BOOL WSPAPI os_get_overlapped_result(SOCKET s, LPWSAOVERLAPPED ov,
		LPDWORD bytes, BOOL wait, LPDWORD flags, LPINT err);
/* Close (o) or the last WSPCleanup (NULL): abort what waits. */
void os_ov_abort(const struct os_sock *o);
/* Last WSPCleanup (os_lock held). */
void os_ov_stop(void);

/* Start an extension op on o (send: ordered with o's sends, else with
 * its receives), as an overlapped send or receive starts. */
int os_ov_begin_ext(struct os_sock *o, const struct os_xop *x, bool send,
		LPWSAOVERLAPPED ov, LPDWORD bytes, LPINT err);

/* A send of TransmitFile/TransmitPackets/DisconnectEx, then what tf
 * (TF_DISCONNECT, TF_REUSE_SOCKET) asks; waits if ov is NULL. */
int os_ov_send_tf(struct os_sock *o, LPWSABUF bufs, DWORD n, DWORD tf,
		LPWSAOVERLAPPED ov, LPINT err);

/* os_provider_ext.c */
/* After such a send: shut down sending, and with TF_REUSE_SOCKET give
 * the handle a fresh socket. */
void os_tf_finish(struct os_sock *o, DWORD tf);
/* SIO_GET_EXTENSION_FUNCTION_POINTER: 0 or a WSA error. */
int os_ext_function(LPVOID in, DWORD inlen, LPVOID out, DWORD outlen,
		LPDWORD ret);
/* SO_UPDATE_ACCEPT_CONTEXT, SO_UPDATE_CONNECT_CONTEXT. */
int os_ext_update_context(struct os_sock *o, int name, const char *val,
		int len, LPINT err);
/* One attempt of x on o, never waiting: true once finished (*done
 * bytes, *res_err). */
bool os_xop_try(struct os_xop *x, struct os_sock *o, DWORD *done,
		DWORD *res_err);
/* What x waits for. */
struct os_k_poll os_xop_poll(const struct os_xop *x,
		const struct os_sock *o);

/* os_provider_msg.c */
/* WSARecvMsg, the extension function. */
INT WSAAPI os_recv_msg(SOCKET s, LPWSAMSG msg, LPDWORD rcvd,
		LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr);
/* A received datagram's control data (pi: IP_PKTINFO if the socket
 * asked for it) and dwFlags (MSG_TRUNC if cut, MSG_CTRUNC if the control
 * buffer was short) in msg; returns dwFlags. */
DWORD os_msg_fill(LPWSAMSG msg, const struct os_k_pktinfo *pi,
		bool trunc);
/* SIO_EXT_SENDMSG: Ws2_32's WSASendMsg, its error also in out. */
int os_ext_sendmsg(struct os_sock *o, LPVOID in, DWORD inlen, LPVOID out,
		DWORD outlen, LPINT err);

/* os_provider_ev.c */
int WSPAPI os_event_select(SOCKET s, WSAEVENT ev, LONG events, LPINT err);
int WSPAPI os_enum_network_events(SOCKET s, WSAEVENT ev,
		LPWSANETWORKEVENTS ne, LPINT err);
int WSPAPI os_select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex,
		const PTIMEVAL tv, LPINT err);
/* SIO_EXT_POLL: WSAPoll as Ws2_32 hands it to the provider. */
int os_ext_poll(WSAPOLLDATA *pd, DWORD len, LPINT err);
/* Close: the socket leaves the event-select watcher's list. */
void os_ev_forget(struct os_sock *o);
/* Last WSPCleanup (os_lock held): stop the watcher. */
void os_ev_stop(void);

#endif /* _OS_PROVIDER_H_ */
