/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ws2_iocp.c: I/O completion ports, as kernel32 has them, for sockets.
 *
 * CreateIoCompletionPort makes a port or associates a socket handle with
 * one and a completion key; WPUCompleteOverlappedRequest (ws2_event.c)
 * then calls ws2_iocp_complete, which queues a packet (key, bytes,
 * lpOverlapped, status) on the socket's port, unless bit 0 of the
 * caller's hEvent is set (GetQueuedCompletionStatus, MS-doc: "a valid
 * event handle whose low-order bit is set keeps I/O completion from
 * being queued").  GetQueuedCompletionStatus[Ex] dequeue FIFO.
 *
 * SetFileCompletionNotificationModes: our sockets are non-IFS handles, and
 * Microsoft's KB 2568167 ("SetFileCompletionNotificationModes API causes
 * an I/O completion port not to work correctly if a non-IFS LSP is
 * installed") says an application that sets
 * FILE_SKIP_COMPLETION_PORT_ON_SUCCESS on such a socket gets no completion
 * over the port for its later overlapped calls.  We behave the same: the
 * call succeeds and from then on the socket queues no packets (events and
 * the WSAOVERLAPPED are still completed), so a test shows what a framework
 * that sets it would see.
 *
 * Not emulated: the port's concurrency value (NumberOfConcurrentThreads is
 * accepted and ignored: every waiter may take a packet), LIFO wake-up of
 * waiting threads, alertable GetQueuedCompletionStatusEx (fAlertable is
 * ignored), handles other than sockets and ports.
 *
 * One lock (iocp_lock) guards the port queues and the associations; each
 * port has a condition variable its waiters sleep on.  A port lives until
 * CloseHandle and until no socket is associated with it (refs).
 */

#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "ws2_priv.h"

struct ws2_iocp_pkt {
	struct ws2_iocp_pkt *next;
	ULONG_PTR key;
	DWORD bytes;
	DWORD status;			/* Win32 error, 0: success */
	LPOVERLAPPED ov;
};

struct ws2_iocp_port {
	uint64_t po_handle;		/* (c) in ws2_ports */
	pthread_cond_t po_cond;		/* (c) */
	struct ws2_iocp_pkt *po_head;	/* (i) */
	struct ws2_iocp_pkt *po_tail;	/* (i) */
	unsigned po_refs;		/* (i) the handle + associated sockets */
	bool po_closed;			/* (i) CloseHandle was called */
};

/* A socket's completion state: its port and key, its modes. */
struct ws2_iocp_file {
	struct ws2_iocp_file *next;	/* (i) */
	SOCKET fi_sock;			/* (c) */
	struct ws2_iocp_port *fi_port;	/* (i) NULL until associated */
	ULONG_PTR fi_key;		/* (i) */
	UCHAR fi_modes;			/* (i) FILE_SKIP_* */
};

/* (i) = guarded by iocp_lock. */
static pthread_mutex_t iocp_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ws2_iocp_file *files;
WS2_HTAB_DEFINE(static, ws2_ports, 8);

/* Under iocp_lock. */
static struct ws2_iocp_port *
port_get(HANDLE h)
{
	uintptr_t ctx;

	if (ws2_htab_lookup(&ws2_ports, (uintptr_t)h, &ctx) != 0)
		return NULL;
	return (struct ws2_iocp_port *)ctx;
}

/* Under iocp_lock. */
static void
port_put(struct ws2_iocp_port *p)
{
	struct ws2_iocp_pkt *k;

	if (--p->po_refs != 0)
		return;
	while ((k = p->po_head) != NULL) {
		p->po_head = k->next;
		free(k);
	}
	pthread_cond_destroy(&p->po_cond);
	free(p);
}

/* Under iocp_lock. */
static struct ws2_iocp_file **
file_find(SOCKET s)
{
	struct ws2_iocp_file **f;

	for (f = &files; *f != NULL; f = &(*f)->next)
		if ((*f)->fi_sock == s)
			break;
	return f;
}

/* Under iocp_lock: s's record, created if needed; NULL if out of memory. */
static struct ws2_iocp_file *
file_get(SOCKET s)
{
	struct ws2_iocp_file **f = file_find(s);

	if (*f != NULL)
		return *f;
	*f = calloc(1, sizeof(**f));
	if (*f != NULL)
		(*f)->fi_sock = s;
	return *f;
}

/* Under iocp_lock. */
static int
port_enqueue(struct ws2_iocp_port *p, ULONG_PTR key, DWORD bytes,
	     DWORD status, LPOVERLAPPED ov)
{
	struct ws2_iocp_pkt *k = malloc(sizeof(*k));

	if (k == NULL)
		return -1;
	*k = (struct ws2_iocp_pkt){ NULL, key, bytes, status, ov };
	if (p->po_tail != NULL)
		p->po_tail->next = k;
	else
		p->po_head = k;
	p->po_tail = k;
	pthread_cond_signal(&p->po_cond);
	return 0;
}

static struct ws2_iocp_port *
port_create(void)
{
	struct ws2_iocp_port *p = calloc(1, sizeof(*p));
	pthread_condattr_t ca;

	if (p == NULL)
		return NULL;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->po_cond, &ca);
	pthread_condattr_destroy(&ca);
	p->po_refs = 1;
	p->po_handle = ws2_htab_alloc(&ws2_ports, (uintptr_t)p);
	if (p->po_handle == 0) {
		pthread_cond_destroy(&p->po_cond);
		free(p);
		return NULL;
	}
	return p;
}

/* Under iocp_lock: give s the port and key, once (Windows refuses a
 * second association with ERROR_INVALID_PARAMETER). */
static DWORD
associate(SOCKET s, struct ws2_iocp_port *p, ULONG_PTR key)
{
	struct ws2_iocp_file *f;

	if (ws2_htab_lookup(&ws2_sockets, s, NULL) != 0)
		return ERROR_INVALID_HANDLE;
	f = file_get(s);
	if (f == NULL)
		return ERROR_NOT_ENOUGH_MEMORY;
	if (f->fi_port != NULL)
		return ERROR_INVALID_PARAMETER;
	f->fi_port = p;
	f->fi_key = key;
	p->po_refs++;
	return 0;
}

HANDLE WINAPI
CreateIoCompletionPort(HANDLE file, HANDLE existing, ULONG_PTR key,
		       DWORD concurrency)
{
	struct ws2_iocp_port *p = NULL;
	DWORD err = 0;

	(void)concurrency;	/* not emulated: see the file comment */
	if (file == INVALID_HANDLE_VALUE && existing != NULL) {
		ws2_fail(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	pthread_mutex_lock(&iocp_lock);
	if (existing != NULL) {
		p = port_get(existing);
		if (p == NULL || p->po_closed)
			err = ERROR_INVALID_HANDLE;
	} else {
		p = port_create();
		if (p == NULL)
			err = ERROR_NOT_ENOUGH_MEMORY;
	}
	if (err == 0 && file != INVALID_HANDLE_VALUE)
		err = associate((SOCKET)(uintptr_t)file, p, key);
	if (err != 0 && existing == NULL && p != NULL) {
		ws2_htab_free(&ws2_ports, p->po_handle, NULL);
		port_put(p);
	}
	pthread_mutex_unlock(&iocp_lock);
	if (err != 0) {
		ws2_fail((int)err);
		return NULL;
	}
	return (HANDLE)(uintptr_t)p->po_handle;
}

BOOL WINAPI
SetFileCompletionNotificationModes(HANDLE file, UCHAR flags)
{
	SOCKET s = (SOCKET)(uintptr_t)file;
	struct ws2_iocp_file *f = NULL;

	pthread_mutex_lock(&iocp_lock);
	if (ws2_htab_lookup(&ws2_sockets, s, NULL) == 0)
		f = file_get(s);
	if (f != NULL)
		f->fi_modes |= flags;	/* a mode once set cannot be removed */
	pthread_mutex_unlock(&iocp_lock);
	if (f == NULL) {
		ws2_fail(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	return TRUE;
}

BOOL WINAPI
PostQueuedCompletionStatus(HANDLE port, DWORD bytes, ULONG_PTR key,
			   LPOVERLAPPED ov)
{
	struct ws2_iocp_port *p;
	DWORD err = 0;

	pthread_mutex_lock(&iocp_lock);
	p = port_get(port);
	if (p == NULL)
		err = ERROR_INVALID_HANDLE;
	else if (port_enqueue(p, key, bytes, 0, ov) != 0)
		err = ERROR_NOT_ENOUGH_MEMORY;
	pthread_mutex_unlock(&iocp_lock);
	if (err != 0) {
		ws2_fail((int)err);
		return FALSE;
	}
	return TRUE;
}

/*
 * Under iocp_lock: wait up to ms for a packet.  Returns 0 and the packet,
 * or the Win32 error: WAIT_TIMEOUT, ERROR_ABANDONED_WAIT_0 (the port was
 * closed while we waited), ERROR_INVALID_HANDLE.
 */
static DWORD
port_wait(HANDLE port, DWORD ms, struct ws2_iocp_pkt **pkt)
{
	struct ws2_iocp_port *p = port_get(port);
	struct timespec deadline;
	bool closed;

	if (p == NULL)
		return ERROR_INVALID_HANDLE;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += ms / 1000;
	deadline.tv_nsec += (long)(ms % 1000) * 1000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	/* The port may die while we sleep: hold a reference. */
	p->po_refs++;
	while (p->po_head == NULL && !p->po_closed) {
		if (ms == INFINITE)
			pthread_cond_wait(&p->po_cond, &iocp_lock);
		else if (ms == 0 || pthread_cond_timedwait(&p->po_cond,
				&iocp_lock, &deadline) == ETIMEDOUT)
			break;
	}
	closed = p->po_closed;
	*pkt = closed ? NULL : p->po_head;
	if (*pkt != NULL) {
		p->po_head = (*pkt)->next;
		if (p->po_head == NULL)
			p->po_tail = NULL;
	}
	/* Read before: this may free p. */
	port_put(p);
	if (*pkt != NULL)
		return 0;
	return closed ? ERROR_ABANDONED_WAIT_0 : WAIT_TIMEOUT;
}

BOOL WINAPI
GetQueuedCompletionStatus(HANDLE port, LPDWORD bytes, PULONG_PTR key,
			  LPOVERLAPPED *ov, DWORD ms)
{
	struct ws2_iocp_pkt *k;
	DWORD err;

	pthread_mutex_lock(&iocp_lock);
	err = port_wait(port, ms, &k);
	pthread_mutex_unlock(&iocp_lock);
	if (err != 0) {
		/* No packet: *lpOverlapped is NULL, the others undefined. */
		*ov = NULL;
		ws2_fail((int)err);
		return FALSE;
	}
	*bytes = k->bytes;
	*key = k->key;
	*ov = k->ov;
	err = k->status;
	free(k);
	if (err != 0) {
		/* A failed operation: FALSE with its overlapped. */
		ws2_fail((int)err);
		return FALSE;
	}
	return TRUE;
}

BOOL WINAPI
GetQueuedCompletionStatusEx(HANDLE port, LPOVERLAPPED_ENTRY entries,
			    ULONG count, PULONG removed, DWORD ms,
			    BOOL alertable)
{
	struct ws2_iocp_pkt *k;
	DWORD err;
	ULONG n = 0;

	(void)alertable;	/* not emulated: see the file comment */
	if (count == 0) {
		ws2_fail(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	pthread_mutex_lock(&iocp_lock);
	/* Wait for the first packet, then take what is queued. */
	err = port_wait(port, ms, &k);
	while (err == 0) {
		entries[n].lpCompletionKey = k->key;
		entries[n].lpOverlapped = k->ov;
		entries[n].Internal = k->status;
		entries[n].dwNumberOfBytesTransferred = k->bytes;
		free(k);
		if (++n == count || port_wait(port, 0, &k) != 0)
			break;
	}
	pthread_mutex_unlock(&iocp_lock);
	*removed = n;
	if (n == 0) {
		ws2_fail((int)err);
		return FALSE;
	}
	return TRUE;
}

/* Ports only: sockets close with closesocket, events with WSACloseEvent. */
BOOL WINAPI
CloseHandle(HANDLE h)
{
	uintptr_t ctx;
	struct ws2_iocp_port *p;

	pthread_mutex_lock(&iocp_lock);
	if (ws2_htab_free(&ws2_ports, (uintptr_t)h, &ctx) != 0) {
		pthread_mutex_unlock(&iocp_lock);
		ws2_fail(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	p = (struct ws2_iocp_port *)ctx;
	p->po_closed = true;
	pthread_cond_broadcast(&p->po_cond);
	port_put(p);
	pthread_mutex_unlock(&iocp_lock);
	return TRUE;
}

/* Kernel32 and Ws2_32 share one last-error slot per thread. */
DWORD WINAPI
GetLastError(void)
{
	return (DWORD)WSAGetLastError();
}

void WINAPI
SetLastError(DWORD err)
{
	WSASetLastError((int)err);
}

/*
 * The Win32 error a completion packet carries for the provider's Winsock
 * error.  On Windows the status goes through an NTSTATUS and
 * RtlNtStatusToDosError; the pairs below are the ones frameworks test
 * (asio maps ERROR_NETNAME_DELETED back to WSAECONNRESET, CPython's
 * _overlapped accepts ERROR_MORE_DATA for a truncated datagram).  XXX a
 * UDP reset may reach Windows applications as ERROR_PORT_UNREACHABLE
 * instead (asio maps both); not verifiable here.  Every other code is
 * passed unchanged (WSA_OPERATION_ABORTED is ERROR_OPERATION_ABORTED).
 */
static DWORD
win32_error(DWORD wsa)
{
	switch (wsa) {
	case WSAEMSGSIZE:
		return ERROR_MORE_DATA;
	case WSAECONNRESET:
		return ERROR_NETNAME_DELETED;
	default:
		return wsa;
	}
}

void
ws2_iocp_complete(SOCKET s, LPOVERLAPPED ov, uintptr_t hevent, DWORD error,
		  DWORD bytes)
{
	struct ws2_iocp_file *f;

	if ((hevent & 1) != 0)
		return;
	pthread_mutex_lock(&iocp_lock);
	f = *file_find(s);
	/* KB 2568167: skip-on-success on a non-IFS socket loses them all. */
	if (f != NULL && f->fi_port != NULL && !f->fi_port->po_closed &&
	    (f->fi_modes & FILE_SKIP_COMPLETION_PORT_ON_SUCCESS) == 0)
		port_enqueue(f->fi_port, f->fi_key, bytes, win32_error(error),
			     ov);
	pthread_mutex_unlock(&iocp_lock);
}

void
ws2_iocp_forget(SOCKET s)
{
	struct ws2_iocp_file **pf, *f;

	pthread_mutex_lock(&iocp_lock);
	pf = file_find(s);
	f = *pf;
	if (f != NULL) {
		*pf = f->next;
		if (f->fi_port != NULL)
			port_put(f->fi_port);
		free(f);
	}
	pthread_mutex_unlock(&iocp_lock);
}

unsigned
ws2_stub_port_count(void)
{
	return ws2_htab_live(&ws2_ports);
}
