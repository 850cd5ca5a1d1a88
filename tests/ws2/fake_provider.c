/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fake_provider.c: a minimal Winsock provider for testing the stand-in.
 *
 * Loaded by libws2stub exactly like libwspdk.so (dlopen, WSPStartup with
 * the upcall table), it lets test_ws2_stub exercise loading, refcounting,
 * handle creation, dispatch, overlapped completion and APC delivery
 * without DPDK.  Sockets have no data path: WSPSend "sends" everything at
 * once; every other call fails WSAEOPNOTSUPP.  WS2FAKE_STARTUP_ERROR=<n>
 * makes WSPStartup return n.
 */

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "wsp_abi.h"

/* Exported for dlsym only; declared here to satisfy -Wmissing-prototypes. */
int fake_provider_refcount(void);

static WSPUPCALLTABLE up;
static atomic_int refcount;

int
fake_provider_refcount(void)
{
	return atomic_load(&refcount);
}

static int
fail(LPINT err, int code)
{
	*err = code;
	return SOCKET_ERROR;
}

static SOCKET WSPAPI
fake_socket(int af, int type, int protocol, LPWSAPROTOCOL_INFOW info,
	    GROUP g, DWORD flags, LPINT err)
{
	return up.lpWPUCreateSocketHandle(info->dwCatalogEntryId,
					  (DWORD_PTR)info->iSocketType, err);
}

static int WSPAPI
fake_close(SOCKET s, LPINT err)
{
	return up.lpWPUCloseSocketHandle(s, err);
}

/* Completion as a non-IFS provider does it (winsock-spi.md 3.2). */
static void CALLBACK
fake_apc(DWORD_PTR ctx)
{
	LPWSAOVERLAPPED ov = (LPWSAOVERLAPPED)ctx;
	LPWSAOVERLAPPED_COMPLETION_ROUTINE cr =
		(LPWSAOVERLAPPED_COMPLETION_ROUTINE)ov->Pointer;

	ov->Offset = 0;		/* Pointer overlaid Offset/OffsetHigh */
	ov->OffsetHigh = 0;
	ov->Internal = 0;
	cr(0, (DWORD)ov->InternalHigh, ov, 0);
}

static int WSPAPI
fake_send(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD sent, DWORD flags,
	  LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
	  LPWSATHREADID tid, LPINT err)
{
	DWORD i, total = 0;
	DWORD_PTR ctx;

	if (up.lpWPUQuerySocketHandleContext(s, &ctx, err) != 0)
		return SOCKET_ERROR;
	for (i = 0; i < n; i++)
		total += bufs[i].len;
	if (ov == NULL) {
		*sent = total;
		return 0;
	}
	ov->Internal = WSS_OPERATION_IN_PROGRESS;
	ov->Offset = 0;
	ov->OffsetHigh = 0;
	if (cr != NULL) {
		/* XXX: Pointer is the app's; fine for a test fake only. */
		ov->InternalHigh = total;
		ov->Pointer = (PVOID)(uintptr_t)cr;
		if (up.lpWPUQueueApc(tid, fake_apc, (DWORD_PTR)ov, err) != 0)
			return SOCKET_ERROR;
	} else if (WPUCompleteOverlappedRequest(s, ov, 0, total, err) != 0) {
		return SOCKET_ERROR;
	}
	*err = WSA_IO_PENDING;
	return SOCKET_ERROR;
}

static BOOL WSPAPI
fake_get_overlapped_result(SOCKET s, LPWSAOVERLAPPED ov, LPDWORD bytes,
			   BOOL wait, LPDWORD flags, LPINT err)
{
	if (__atomic_load_n(&ov->Internal, __ATOMIC_ACQUIRE) ==
	    WSS_OPERATION_IN_PROGRESS) {
		*err = WSA_IO_INCOMPLETE;
		return FALSE;
	}
	*bytes = (DWORD)ov->InternalHigh;
	*flags = ov->Offset;
	if (ov->OffsetHigh != 0) {
		*err = (int)ov->OffsetHigh;
		return FALSE;
	}
	return TRUE;
}

/* Write sets: every socket writable; the rest: nothing ready. */
static int WSPAPI
fake_select(int nfds, fd_set *r, fd_set *w, fd_set *e, const PTIMEVAL tv,
	    LPINT err)
{
	if (r != NULL)
		r->fd_count = 0;
	if (e != NULL)
		e->fd_count = 0;
	return w != NULL ? (int)w->fd_count : 0;
}

static int WSPAPI
fake_cleanup(LPINT err)
{
	if (atomic_load(&refcount) == 0)
		return fail(err, WSANOTINITIALISED);
	atomic_fetch_sub(&refcount, 1);
	return 0;
}

static int WSPAPI
fake_async_select(SOCKET s, HWND h, unsigned int m, LONG ev, LPINT err)
{
	/* Post one FD_WRITE at once so the test sees WPUPostMessage work. */
	if (ev & FD_WRITE)
		up.lpWPUPostMessage(h, m, (WPARAM)s,
				    WSAMAKESELECTREPLY(FD_WRITE, 0));
	return 0;
}

/* Everything below is unsupported. */
static SOCKET WSPAPI
nop_accept(SOCKET s, struct sockaddr *a, LPINT l, LPCONDITIONPROC c,
	   DWORD_PTR d, LPINT err)
{
	return (SOCKET)fail(err, WSAEOPNOTSUPP);
}

static INT WSPAPI
nop_addr_to_str(LPSOCKADDR a, DWORD l, LPWSAPROTOCOL_INFOW i, LPWSTR s,
		LPDWORD sl, LPINT err)
{
	return fail(err, WSAEOPNOTSUPP);
}

static int WSPAPI
nop_bind(SOCKET s, const struct sockaddr *n, int l, LPINT err)
{
	return fail(err, WSAEOPNOTSUPP);
}

static int WSPAPI
nop_cancel(LPINT err)
{
	return fail(err, WSAEINVAL);
}

static int WSPAPI
nop_connect(SOCKET s, const struct sockaddr *n, int l, LPWSABUF a,
	    LPWSABUF b, LPQOS q, LPQOS g, LPINT err)
{
	return fail(err, WSAEOPNOTSUPP);
}

static int WSPAPI
nop_dup(SOCKET s, DWORD p, LPWSAPROTOCOL_INFOW i, LPINT err)
{
	return fail(err, WSAEOPNOTSUPP);
}

static int WSPAPI
nop_enum_events(SOCKET s, WSAEVENT e, LPWSANETWORKEVENTS n, LPINT err)
{
	return fail(err, WSAEOPNOTSUPP);
}

static int WSPAPI
nop_event_select(SOCKET s, WSAEVENT e, LONG n, LPINT err)
{
	return fail(err, WSAEOPNOTSUPP);
}

static int WSPAPI
nop_name(SOCKET s, struct sockaddr *n, LPINT l, LPINT err)
{
	return fail(err, WSAEOPNOTSUPP);
}

static int WSPAPI
nop_getsockopt(SOCKET s, int lv, int o, char *v, LPINT l, LPINT err)
{
	return fail(err, WSAENOPROTOOPT);
}

static BOOL WSPAPI
nop_qos(SOCKET s, LPWSABUF n, LPQOS q, LPINT err)
{
	*err = WSAEOPNOTSUPP;
	return FALSE;
}

static int WSPAPI
nop_ioctl(SOCKET s, DWORD c, LPVOID i, DWORD il, LPVOID o, DWORD ol,
	  LPDWORD r, LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
	  LPWSATHREADID t, LPINT err)
{
	return fail(err, WSAEOPNOTSUPP);
}

static SOCKET WSPAPI
nop_join(SOCKET s, const struct sockaddr *n, int l, LPWSABUF a, LPWSABUF b,
	 LPQOS q, LPQOS g, DWORD f, LPINT err)
{
	return (SOCKET)fail(err, WSAEOPNOTSUPP);
}

static int WSPAPI
nop_listen(SOCKET s, int b, LPINT err)
{
	return fail(err, WSAEOPNOTSUPP);
}

static int WSPAPI
nop_recv(SOCKET s, LPWSABUF b, DWORD n, LPDWORD r, LPDWORD f,
	 LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
	 LPWSATHREADID t, LPINT err)
{
	return fail(err, WSAEWOULDBLOCK);
}

static int WSPAPI
nop_disconnect(SOCKET s, LPWSABUF d, LPINT err)
{
	return fail(err, WSAEOPNOTSUPP);
}

static int WSPAPI
nop_recvfrom(SOCKET s, LPWSABUF b, DWORD n, LPDWORD r, LPDWORD f,
	     struct sockaddr *a, LPINT l, LPWSAOVERLAPPED ov,
	     LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID t, LPINT err)
{
	return fail(err, WSAEWOULDBLOCK);
}

static int WSPAPI
nop_sendto(SOCKET s, LPWSABUF b, DWORD n, LPDWORD r, DWORD f,
	   const struct sockaddr *a, int l, LPWSAOVERLAPPED ov,
	   LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID t, LPINT err)
{
	return fail(err, WSAEOPNOTSUPP);
}

static int WSPAPI
nop_setsockopt(SOCKET s, int lv, int o, const char *v, int l, LPINT err)
{
	return fail(err, WSAENOPROTOOPT);
}

static int WSPAPI
nop_shutdown(SOCKET s, int how, LPINT err)
{
	return fail(err, WSAENOTCONN);
}

static INT WSPAPI
nop_str_to_addr(LPWSTR s, INT af, LPWSAPROTOCOL_INFOW i, LPSOCKADDR a,
		LPINT l, LPINT err)
{
	return fail(err, WSAEOPNOTSUPP);
}

static const WSPPROC_TABLE fake_procs = {
	.lpWSPAccept = nop_accept,
	.lpWSPAddressToString = nop_addr_to_str,
	.lpWSPAsyncSelect = fake_async_select,
	.lpWSPBind = nop_bind,
	.lpWSPCancelBlockingCall = nop_cancel,
	.lpWSPCleanup = fake_cleanup,
	.lpWSPCloseSocket = fake_close,
	.lpWSPConnect = nop_connect,
	.lpWSPDuplicateSocket = nop_dup,
	.lpWSPEnumNetworkEvents = nop_enum_events,
	.lpWSPEventSelect = nop_event_select,
	.lpWSPGetOverlappedResult = fake_get_overlapped_result,
	.lpWSPGetPeerName = nop_name,
	.lpWSPGetSockName = nop_name,
	.lpWSPGetSockOpt = nop_getsockopt,
	.lpWSPGetQOSByName = nop_qos,
	.lpWSPIoctl = nop_ioctl,
	.lpWSPJoinLeaf = nop_join,
	.lpWSPListen = nop_listen,
	.lpWSPRecv = nop_recv,
	.lpWSPRecvDisconnect = nop_disconnect,
	.lpWSPRecvFrom = nop_recvfrom,
	.lpWSPSelect = fake_select,
	.lpWSPSend = fake_send,
	.lpWSPSendDisconnect = nop_disconnect,
	.lpWSPSendTo = nop_sendto,
	.lpWSPSetSockOpt = nop_setsockopt,
	.lpWSPShutdown = nop_shutdown,
	.lpWSPSocket = fake_socket,
	.lpWSPStringToAddress = nop_str_to_addr,
};

int WSPAPI
WSPStartup(WORD version, LPWSPDATA data, LPWSAPROTOCOL_INFOW info,
	   WSPUPCALLTABLE upcalls, LPWSPPROC_TABLE table)
{
	const char *forced = getenv("WS2FAKE_STARTUP_ERROR");

	if (forced != NULL && forced[0] != '\0')
		return atoi(forced);
	if (data == NULL || table == NULL)
		return WSAEFAULT;
	if (LOBYTE(version) < 2 || (LOBYTE(version) == 2 &&
				    HIBYTE(version) < 2))
		return WSAVERNOTSUPPORTED;
	data->wVersion = MAKEWORD(2, 2);
	data->wHighVersion = MAKEWORD(2, 2);
	memset(data->szDescription, 0, sizeof(data->szDescription));
	data->szDescription[0] = 'f';
	up = upcalls;
	*table = fake_procs;
	atomic_fetch_add(&refcount, 1);
	return 0;
}
