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
	/* event select, under os_ev_lock */
	WSAEVENT ev;
	LONG mask;
	LONG enabled;			/* FD_* that may be recorded */
	LONG recorded;
	int errs[FD_MAX_EVENTS];
	bool connecting;
	struct os_sock *ev_next;	/* on the watched list while mask != 0 */
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
struct os_sock *os_sock_of(SOCKET s, LPINT err);
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
BOOL WSPAPI os_get_overlapped_result(SOCKET s, LPWSAOVERLAPPED ov,
		LPDWORD bytes, BOOL wait, LPDWORD flags, LPINT err);
/* Close (o) or the last WSPCleanup (NULL): abort what waits. */
void os_ov_abort(const struct os_sock *o);
/* Last WSPCleanup (os_lock held). */
void os_ov_stop(void);

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
