/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_ws2_stub.c: tests of the Ws2_32 stand-in's own machinery.
 *
 * Suite "ws2_stub" needs no provider: fd_set macros, byte order, address
 * parsing, the handle table, events, APCs and messages, reached through
 * the API and the upcall table.  Suite "ws2_stub_fake" loads
 * fake_provider.so (WSPDK_PROVIDER, set by meson) to test loading,
 * WSAStartup/WSACleanup, socket routing and dispatch.  Suite "ws2_iocp"
 * (test_ws2_iocp.c) tests the completion ports.
 */

#include <CUnit/CUnit.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ws2.h"
#include "wsp_catalog.h"
#include "wt_run.h"

static const WSPUPCALLTABLE *up;

extern const struct wt_suite test_ws2_iocp_suite;	/* test_ws2_iocp.c */

/* fd_set macros behave like Windows': ordered array, no duplicates. */
static void
test_fd_set_macros(void)
{
	fd_set s;
	SOCKET i;

	FD_ZERO(&s);
	CU_ASSERT_EQUAL(s.fd_count, 0);
	FD_SET((SOCKET)8, &s);
	FD_SET((SOCKET)4, &s);
	FD_SET((SOCKET)8, &s);
	CU_ASSERT_EQUAL(s.fd_count, 2);
	CU_ASSERT(FD_ISSET((SOCKET)4, &s));
	CU_ASSERT(!FD_ISSET((SOCKET)12, &s));
	FD_CLR((SOCKET)8, &s);
	CU_ASSERT_EQUAL(s.fd_count, 1);
	CU_ASSERT_EQUAL(s.fd_array[0], 4);
	for (i = 0; i < 2 * FD_SETSIZE; i++)
		FD_SET((i + 1) * 4, &s);
	CU_ASSERT_EQUAL(s.fd_count, FD_SETSIZE);
	CU_ASSERT(up->lpWPUFDIsSet((SOCKET)4, &s));
}

static void
test_byte_order(void)
{
	CU_ASSERT_EQUAL(htons(0x1234), 0x3412);
	CU_ASSERT_EQUAL(ntohl(htonl(0x01020304)), 0x01020304);
	CU_ASSERT_EQUAL(htonl(0x01020304), 0x04030201);
}

/* inet_pton and inet_ntop round-trip; bad strings are rejected. */
static void
test_inet_pton_ntop_roundtrip(void)
{
	static const char *bad[] = { "", "1.2.3", "1.2.3.4.5", "256.1.1.1",
				     "01.2.3.4", "1.2.3.4 ", "a.b.c.d" };
	struct in_addr a;
	char buf[INET_ADDRSTRLEN];
	size_t i;

	CU_ASSERT_EQUAL(inet_pton(AF_INET, "198.18.0.2", &a), 1);
	CU_ASSERT_EQUAL(a.s_addr, htonl(0xc6120002));
	CU_ASSERT_PTR_EQUAL(inet_ntop(AF_INET, &a, buf, sizeof(buf)), buf);
	CU_ASSERT_STRING_EQUAL(buf, "198.18.0.2");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(inet_pton(AF_INET, bad[i], &a), 0);
	CU_ASSERT_EQUAL(inet_pton(AF_INET6, "::1", &a), -1);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAEAFNOSUPPORT);
	CU_ASSERT_PTR_NULL(inet_ntop(AF_INET, &a, buf, 8));
	CU_ASSERT_EQUAL(WSAGetLastError(), WSA_INVALID_PARAMETER);
}

/* inet_addr takes the BSD forms (a, a.b, a.b.c, hex, octal). */
static void
test_inet_addr_forms(void)
{
	CU_ASSERT_EQUAL(inet_addr("127.0.0.1"), htonl(INADDR_LOOPBACK));
	CU_ASSERT_EQUAL(inet_addr("127.1"), htonl(INADDR_LOOPBACK));
	CU_ASSERT_EQUAL(inet_addr("0x7f.0.0.01"), htonl(INADDR_LOOPBACK));
	CU_ASSERT_EQUAL(inet_addr("2130706433"), htonl(INADDR_LOOPBACK));
	CU_ASSERT_EQUAL(inet_addr("1.2.3.256"), INADDR_NONE);
	CU_ASSERT_EQUAL(inet_addr("1.2.3.4.5"), INADDR_NONE);
	CU_ASSERT_EQUAL(inet_addr(""), INADDR_NONE);
}

/* Handles are Windows-like and carry their context. */
static void
test_socket_handles(void)
{
	SOCKET s[3];
	DWORD_PTR ctx;
	unsigned base = ws2_stub_socket_count();
	int err, i;

	for (i = 0; i < 3; i++) {
		s[i] = up->lpWPUCreateSocketHandle(1001, (DWORD_PTR)&s[i],
						   &err);
		CU_ASSERT(s[i] != 0 && s[i] != INVALID_SOCKET);
		CU_ASSERT_EQUAL(s[i] % 4, 0);
		CU_ASSERT(s[i] < (1ull << 31));
	}
	CU_ASSERT_EQUAL(ws2_stub_socket_count(), base + 3);
	CU_ASSERT_EQUAL(up->lpWPUQuerySocketHandleContext(s[1], &ctx, &err), 0);
	CU_ASSERT_EQUAL(ctx, (DWORD_PTR)&s[1]);
	for (i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(up->lpWPUCloseSocketHandle(s[i], &err), 0);
	CU_ASSERT_EQUAL(ws2_stub_socket_count(), base);
	CU_ASSERT_EQUAL(up->lpWPUQuerySocketHandleContext(s[1], &ctx, &err),
			SOCKET_ERROR);
	CU_ASSERT_EQUAL(err, WSAENOTSOCK);
	CU_ASSERT_EQUAL(up->lpWPUCloseSocketHandle(s[1], &err), SOCKET_ERROR);
	CU_ASSERT_EQUAL(err, WSAENOTSOCK);
	CU_ASSERT_EQUAL(up->lpWPUModifyIFSHandle(1001, s[0], &err),
			INVALID_SOCKET);
	CU_ASSERT_EQUAL(err, WSAEINVAL);
}

/* A closed handle value does not come back on the next allocations. */
static void
test_socket_handle_not_reused(void)
{
	SOCKET first, s;
	int err, i, reused = 0;

	first = up->lpWPUCreateSocketHandle(1001, 1, &err);
	up->lpWPUCloseSocketHandle(first, &err);
	for (i = 0; i < 1000; i++) {
		s = up->lpWPUCreateSocketHandle(1001, 1, &err);
		reused |= s == first;
		up->lpWPUCloseSocketHandle(s, &err);
	}
	CU_ASSERT_EQUAL(reused, 0);
}

/* Manual-reset events: wait any, wait all, timeout, invalid handle. */
static void
test_events_wait(void)
{
	WSAEVENT ev[2] = { WSACreateEvent(), WSACreateEvent() };
	unsigned base = ws2_stub_event_count();

	CU_ASSERT(ev[0] != WSA_INVALID_EVENT && ev[1] != WSA_INVALID_EVENT);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(2, ev, FALSE, 0, FALSE),
			WSA_WAIT_TIMEOUT);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(2, ev, FALSE, 20, FALSE),
			WSA_WAIT_TIMEOUT);
	CU_ASSERT(WSASetEvent(ev[1]));
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(2, ev, FALSE, 0, FALSE),
			WSA_WAIT_EVENT_0 + 1);
	/* Manual reset: still signaled. */
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ev[1], FALSE, 0, FALSE),
			WSA_WAIT_EVENT_0);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(2, ev, TRUE, 0, FALSE),
			WSA_WAIT_TIMEOUT);
	CU_ASSERT(up->lpWPUSetEvent(ev[0], &(int){ 0 }));
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(2, ev, TRUE, 0, FALSE),
			WSA_WAIT_EVENT_0);
	CU_ASSERT(WSAResetEvent(ev[0]));
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, ev, FALSE, 0, FALSE),
			WSA_WAIT_TIMEOUT);
	CU_ASSERT(WSACloseEvent(ev[0]));
	CU_ASSERT(WSACloseEvent(ev[1]));
	CU_ASSERT_EQUAL(ws2_stub_event_count(), base - 2);
	CU_ASSERT(!WSASetEvent(ev[0]));
	CU_ASSERT_EQUAL(WSAGetLastError(), WSA_INVALID_HANDLE);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, ev, FALSE, 0, FALSE),
			WSA_WAIT_FAILED);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(0, ev, FALSE, 0, FALSE),
			WSA_WAIT_FAILED);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSA_INVALID_PARAMETER);
}

static void *
set_later(void *arg)
{
	SleepEx(30, FALSE);
	WSASetEvent(arg);
	return NULL;
}

/* Another thread's WSASetEvent wakes an infinite wait. */
static void
test_event_cross_thread(void)
{
	WSAEVENT ev = WSACreateEvent();
	pthread_t t;

	pthread_create(&t, NULL, set_later, ev);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ev, FALSE, WSA_INFINITE,
						 FALSE), WSA_WAIT_EVENT_0);
	pthread_join(t, NULL);
	WSACloseEvent(ev);
}

static int apc_runs;

static void CALLBACK
count_apc(DWORD_PTR ctx)
{
	apc_runs += (int)ctx;
}

static void *
queue_later(void *arg)
{
	int err;

	SleepEx(30, FALSE);
	up->lpWPUQueueApc(arg, count_apc, 1, &err);
	return NULL;
}

/* APCs run in their thread, only in alertable waits, and end them. */
static void
test_apc_delivery(void)
{
	WSATHREADID self;
	WSAEVENT ev = WSACreateEvent();
	pthread_t t;
	int err;

	apc_runs = 0;
	CU_ASSERT_EQUAL(up->lpWPUOpenCurrentThread(&self, &err), 0);
	CU_ASSERT_EQUAL(up->lpWPUQueueApc(&self, count_apc, 2, &err), 0);
	CU_ASSERT_EQUAL(SleepEx(0, FALSE), 0);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ev, FALSE, 10, FALSE),
			WSA_WAIT_TIMEOUT);
	CU_ASSERT_EQUAL(apc_runs, 0);
	CU_ASSERT_EQUAL(SleepEx(WSA_INFINITE, TRUE), WSA_WAIT_IO_COMPLETION);
	CU_ASSERT_EQUAL(apc_runs, 2);

	pthread_create(&t, NULL, queue_later, &self);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ev, FALSE, WSA_INFINITE,
						 TRUE), WSA_WAIT_IO_COMPLETION);
	pthread_join(t, NULL);
	CU_ASSERT_EQUAL(apc_runs, 3);
	CU_ASSERT_EQUAL(up->lpWPUCloseThread(&self, &err), 0);
	WSACloseEvent(ev);
}

static void *
thread_id_of(void *arg)
{
	int err;

	up->lpWPUOpenCurrentThread(arg, &err);
	return NULL;
}

/* A thread that exited can no longer be sent APCs. */
static void
test_apc_dead_thread(void)
{
	WSATHREADID tid;
	pthread_t t;
	int err = 0;

	pthread_create(&t, NULL, thread_id_of, &tid);
	pthread_join(t, NULL);
	CU_ASSERT_EQUAL(up->lpWPUQueueApc(&tid, count_apc, 1, &err),
			SOCKET_ERROR);
	CU_ASSERT_EQUAL(err, WSAEFAULT);
}

/* WPUPostMessage records messages in order. */
static void
test_post_message(void)
{
	struct ws2_stub_msg m;

	ws2_stub_flush_messages();
	CU_ASSERT(up->lpWPUPostMessage((HWND)(uintptr_t)0x10, 0x401, 8,
				       WSAMAKESELECTREPLY(FD_READ, 0)));
	CU_ASSERT(up->lpWPUPostMessage(NULL, 0x402, 12, 0));
	CU_ASSERT_EQUAL(ws2_stub_get_message(&m, 100), 1);
	CU_ASSERT_EQUAL(m.msg, 0x401);
	CU_ASSERT_EQUAL(m.wparam, 8);
	CU_ASSERT_EQUAL(WSAGETSELECTEVENT(m.lparam), FD_READ);
	CU_ASSERT_EQUAL(ws2_stub_get_message(&m, 100), 1);
	CU_ASSERT_EQUAL(m.msg, 0x402);
	CU_ASSERT_EQUAL(ws2_stub_get_message(&m, 10), 0);
}

/* Completion publishes bytes, clears Internal, signals the event. */
static void
test_complete_overlapped(void)
{
	WSAOVERLAPPED ov;
	SOCKET s;
	int err;

	memset(&ov, 0, sizeof(ov));
	ov.Internal = WSS_OPERATION_IN_PROGRESS;
	ov.hEvent = WSACreateEvent();
	s = up->lpWPUCreateSocketHandle(1001, 0, &err);
	CU_ASSERT_EQUAL(WPUCompleteOverlappedRequest(s, &ov, 0, 42, &err), 0);
	CU_ASSERT_EQUAL(ov.Internal, 0);
	CU_ASSERT_EQUAL(ov.InternalHigh, 42);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ov.hEvent, FALSE, 0,
						 FALSE), WSA_WAIT_EVENT_0);
	up->lpWPUCloseSocketHandle(s, &err);
	CU_ASSERT_EQUAL(WPUCompleteOverlappedRequest(s, &ov, 0, 1, &err),
			SOCKET_ERROR);
	CU_ASSERT_EQUAL(err, WSAEINVAL);
	WSACloseEvent(ov.hEvent);
}

/* Before WSAStartup: WSANOTINITIALISED, as Ws2_32. */
static void
test_not_initialised(void)
{
	CU_ASSERT_EQUAL(ws2_stub_startup_count(), 0);
	CU_ASSERT_EQUAL(socket(AF_INET, SOCK_DGRAM, 0), INVALID_SOCKET);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSANOTINITIALISED);
	CU_ASSERT_EQUAL(closesocket((SOCKET)4), SOCKET_ERROR);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSANOTINITIALISED);
	CU_ASSERT_EQUAL(WSACleanup(), SOCKET_ERROR);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSANOTINITIALISED);
	CU_ASSERT_PTR_NULL(ws2_stub_proc_table());
}

/* Suite ws2_stub_fake --------------------------------------------------- */

static int
fake_refcount(void)
{
	void *dl = dlopen(ws2_stub_provider_path(), RTLD_NOW | RTLD_NOLOAD);
	int (*fn)(void);

	if (dl == NULL)
		return -1;
	fn = (int (*)(void))(uintptr_t)dlsym(dl, "fake_provider_refcount");
	dlclose(dl);	/* drops only our reference */
	return fn != NULL ? fn() : -1;
}

/* Version negotiation and WSADATA as Ws2_32 fills them. */
static void
test_startup_versions(void)
{
	WSADATA d;

	CU_ASSERT_EQUAL(WSAStartup(MAKEWORD(0, 1), &d), WSAVERNOTSUPPORTED);
	CU_ASSERT_EQUAL(d.wHighVersion, MAKEWORD(2, 2));
	CU_ASSERT_EQUAL(WSAStartup(MAKEWORD(1, 1), &d), 0);
	CU_ASSERT_EQUAL(d.wVersion, MAKEWORD(1, 1));
	CU_ASSERT_EQUAL(d.iMaxSockets, 32767);
	CU_ASSERT_EQUAL(WSAStartup(MAKEWORD(3, 0), &d), 0);
	CU_ASSERT_EQUAL(d.wVersion, MAKEWORD(2, 2));
	CU_ASSERT_EQUAL(d.iMaxSockets, 0);
	CU_ASSERT_STRING_EQUAL(d.szDescription, "WinSock 2.0");
	CU_ASSERT_EQUAL(WSAStartup(MAKEWORD(2, 2), NULL), WSAEFAULT);
	CU_ASSERT_EQUAL(WSACleanup(), 0);
	CU_ASSERT_EQUAL(WSACleanup(), 0);
}

/* One WSPStartup per WSAStartup, one WSPCleanup per WSACleanup. */
static void
test_startup_refcount(void)
{
	WSADATA d;
	int base = ws2_stub_startup_count(), fbase = fake_refcount();

	CU_ASSERT_EQUAL(WSAStartup(MAKEWORD(2, 2), &d), 0);
	CU_ASSERT_EQUAL(WSAStartup(MAKEWORD(2, 2), &d), 0);
	CU_ASSERT_EQUAL(ws2_stub_startup_count(), base + 2);
	CU_ASSERT_EQUAL(fake_refcount(), fbase + 2);
	CU_ASSERT_EQUAL(WSACleanup(), 0);
	CU_ASSERT_EQUAL(WSACleanup(), 0);
	CU_ASSERT_EQUAL(fake_refcount(), fbase);
	CU_ASSERT_EQUAL(ws2_stub_startup_count(), base);
}

/* A failing WSPStartup's own code comes back from WSAStartup. */
static void
test_startup_provider_error(void)
{
	WSADATA d;
	int base = ws2_stub_startup_count();

	setenv("WS2FAKE_STARTUP_ERROR", "10091", 1);
	CU_ASSERT_EQUAL(WSAStartup(MAKEWORD(2, 2), &d), WSASYSNOTREADY);
	unsetenv("WS2FAKE_STARTUP_ERROR");
	CU_ASSERT_EQUAL(ws2_stub_startup_count(), base);
}

/* WSPStartup called directly with odd arguments. */
static void
test_wsp_startup_direct(void)
{
	WSPPROC_TABLE t;
	WSPDATA d;
	int err;

	CU_ASSERT_EQUAL(ws2_stub_wsp_startup(MAKEWORD(1, 1), &d,
		(LPWSAPROTOCOL_INFOW)ws2_stub_catalog_entry(0), &t),
		WSAVERNOTSUPPORTED);
	CU_ASSERT_EQUAL(ws2_stub_wsp_startup(MAKEWORD(2, 2), NULL,
		(LPWSAPROTOCOL_INFOW)ws2_stub_catalog_entry(0), &t),
		WSAEFAULT);
	CU_ASSERT_EQUAL(ws2_stub_wsp_startup(MAKEWORD(2, 2), &d,
		(LPWSAPROTOCOL_INFOW)ws2_stub_catalog_entry(1), &t), 0);
	CU_ASSERT_EQUAL(d.wVersion, MAKEWORD(2, 2));
	CU_ASSERT_EQUAL(t.lpWSPCleanup(&err), 0);
}

/* Catalog routing errors as socket() documents them. */
static void
test_socket_routing(void)
{
	static const struct {
		int af, type, proto, err;
	} c[] = {
		{ AF_INET6, SOCK_DGRAM, 0, WSAEAFNOSUPPORT },
		{ AF_INET, SOCK_RAW, 0, WSAESOCKTNOSUPPORT },
		{ AF_INET, SOCK_DGRAM, IPPROTO_TCP, WSAEPROTOTYPE },
		{ AF_INET, SOCK_STREAM, 200, WSAEPROTONOSUPPORT },
		{ AF_UNSPEC, 0, 0, WSAEINVAL },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		CU_ASSERT_EQUAL(socket(c[i].af, c[i].type, c[i].proto),
				INVALID_SOCKET);
		CU_ASSERT_EQUAL(WSAGetLastError(), c[i].err);
	}
}

/* socket() lands on the right entry; closesocket frees the handle. */
static void
test_socket_create_close(void)
{
	unsigned base = ws2_stub_socket_count();
	DWORD_PTR type;
	SOCKET u, t;
	int err;

	u = socket(AF_INET, SOCK_DGRAM, 0);
	t = socket(AF_UNSPEC, SOCK_STREAM, IPPROTO_TCP);
	CU_ASSERT(u != INVALID_SOCKET && t != INVALID_SOCKET);
	CU_ASSERT_EQUAL(ws2_stub_socket_count(), base + 2);
	up->lpWPUQuerySocketHandleContext(t, &type, &err);
	CU_ASSERT_EQUAL(type, SOCK_STREAM);
	CU_ASSERT_EQUAL(send(u, "abc", 3, 0), 3);
	CU_ASSERT_EQUAL(closesocket(u), 0);
	CU_ASSERT_EQUAL(closesocket(t), 0);
	CU_ASSERT_EQUAL(ws2_stub_socket_count(), base);
	CU_ASSERT_EQUAL(closesocket(u), SOCKET_ERROR);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAENOTSOCK);
	CU_ASSERT_EQUAL(send(u, "abc", 3, 0), SOCKET_ERROR);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAENOTSOCK);
	CU_ASSERT_EQUAL(recv((SOCKET)8, NULL, 0, 0), SOCKET_ERROR);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAENOTSOCK);
}

/* Provider errors reach WSAGetLastError. */
static void
test_provider_error_passthrough(void)
{
	SOCKET s = socket(AF_INET, SOCK_DGRAM, 0);
	char buf[4];
	int v = 0, len = sizeof(v);

	CU_ASSERT_EQUAL(recv(s, buf, sizeof(buf), 0), SOCKET_ERROR);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAEWOULDBLOCK);
	CU_ASSERT_EQUAL(getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&v, &len),
			SOCKET_ERROR);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAENOPROTOOPT);
	closesocket(s);
}

/* Overlapped send completed through WPUCompleteOverlappedRequest. */
static void
test_overlapped_event(void)
{
	SOCKET s = socket(AF_INET, SOCK_DGRAM, 0);
	WSABUF b = { .len = 5, .buf = "hello" };
	WSAOVERLAPPED ov;
	DWORD n = 0, flags = 0;

	memset(&ov, 0, sizeof(ov));
	ov.hEvent = WSACreateEvent();
	CU_ASSERT_EQUAL(WSASend(s, &b, 1, &n, 0, &ov, NULL), SOCKET_ERROR);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSA_IO_PENDING);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ov.hEvent, FALSE, 1000,
						 FALSE), WSA_WAIT_EVENT_0);
	CU_ASSERT(WSAGetOverlappedResult(s, &ov, &n, FALSE, &flags));
	CU_ASSERT_EQUAL(n, 5);
	WSACloseEvent(ov.hEvent);
	closesocket(s);
}

static DWORD completed_bytes;

static void CALLBACK
on_complete(DWORD err, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags)
{
	completed_bytes = err == 0 ? bytes : 0;
}

/* Completion routine delivered by WPUQueueApc to this thread. */
static void
test_overlapped_routine(void)
{
	SOCKET s = socket(AF_INET, SOCK_DGRAM, 0);
	WSABUF b[2] = { { 3, "abc" }, { 2, "de" } };
	WSAOVERLAPPED ov;
	DWORD n;

	memset(&ov, 0, sizeof(ov));
	completed_bytes = 0;
	CU_ASSERT_EQUAL(WSASend(s, b, 2, &n, 0, &ov, on_complete),
			SOCKET_ERROR);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSA_IO_PENDING);
	CU_ASSERT_EQUAL(completed_bytes, 0);
	CU_ASSERT_EQUAL(SleepEx(1000, TRUE), WSA_WAIT_IO_COMPLETION);
	CU_ASSERT_EQUAL(completed_bytes, 5);
	closesocket(s);
}

/* select() goes to WSPSelect; empty sets are WSAEINVAL. */
static void
test_select(void)
{
	SOCKET s = socket(AF_INET, SOCK_DGRAM, 0);
	TIMEVAL tv = { 0, 0 };
	fd_set r, w;

	FD_ZERO(&r);
	FD_ZERO(&w);
	CU_ASSERT_EQUAL(select(0, &r, &w, NULL, &tv), SOCKET_ERROR);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAEINVAL);
	FD_SET(s, &r);
	FD_SET(s, &w);
	CU_ASSERT_EQUAL(select(0, &r, &w, NULL, &tv), 1);
	CU_ASSERT(FD_ISSET(s, &w));
	CU_ASSERT(!FD_ISSET(s, &r));
	FD_ZERO(&w);
	FD_SET((SOCKET)0x7ffffffc, &w);
	CU_ASSERT_EQUAL(select(0, NULL, &w, NULL, &tv), SOCKET_ERROR);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAENOTSOCK);
	closesocket(s);
}

/* WSAAsyncSelect notifications arrive through WPUPostMessage. */
static void
test_async_select(void)
{
	SOCKET s = socket(AF_INET, SOCK_DGRAM, 0);
	struct ws2_stub_msg m;

	ws2_stub_flush_messages();
	CU_ASSERT_EQUAL(WSAAsyncSelect(s, (HWND)(uintptr_t)0x20, 0x400 + 1,
				       FD_WRITE), 0);
	CU_ASSERT_EQUAL(ws2_stub_get_message(&m, 1000), 1);
	CU_ASSERT_EQUAL(m.wparam, s);
	CU_ASSERT_EQUAL(WSAGETSELECTEVENT(m.lparam), FD_WRITE);
	closesocket(s);
}

/* Ours first, then the OS base provider's twins (another GUID). */
static void
test_enum_protocols(void)
{
	WSAPROTOCOL_INFOW p[4];
	INT tcp[] = { IPPROTO_TCP, 0 };
	DWORD len = 0;
	int err = 0;

	CU_ASSERT_EQUAL(WSAEnumProtocolsW(NULL, NULL, &len), SOCKET_ERROR);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAENOBUFS);
	CU_ASSERT_EQUAL(len, 4 * sizeof(p[0]));
	len = sizeof(p);
	CU_ASSERT_EQUAL(WSAEnumProtocolsW(NULL, p, &len), 4);
	CU_ASSERT_EQUAL(p[0].dwCatalogEntryId, 1001);
	CU_ASSERT_EQUAL(p[1].dwCatalogEntryId, 1002);
	CU_ASSERT_EQUAL(p[1].iProtocol, IPPROTO_TCP);
	CU_ASSERT_EQUAL(p[0].dwServiceFlags1 & XP1_IFS_HANDLES, 0);
	CU_ASSERT_EQUAL(memcmp(&p[0].ProviderId, &wsp_provider_guid,
		sizeof(GUID)), 0);
	CU_ASSERT_NOT_EQUAL(memcmp(&p[2].ProviderId, &wsp_provider_guid,
		sizeof(GUID)), 0);
	CU_ASSERT_EQUAL(p[3].iProtocol, IPPROTO_TCP);
	CU_ASSERT_EQUAL(p[3].ProtocolChain.ChainLen, BASE_PROTOCOL);
	CU_ASSERT_EQUAL(WSAEnumProtocolsW(tcp, p, &len), 2);
	CU_ASSERT_EQUAL(p[0].iSocketType, SOCK_STREAM);
	/* WSCEnumProtocols: the same catalog, errors through lpErrno. */
	len = 0;
	CU_ASSERT_EQUAL(WSCEnumProtocols(NULL, NULL, &len, &err),
		SOCKET_ERROR);
	CU_ASSERT_EQUAL(err, WSAENOBUFS);
	CU_ASSERT_EQUAL(len, 4 * sizeof(p[0]));
	CU_ASSERT_EQUAL(WSCEnumProtocols(NULL, p, &len, &err), 4);
}

/* WSCGetProviderPath names the OS base provider's DLL by its GUID. */
static void
test_os_provider_path(void)
{
	WSAPROTOCOL_INFOW p[4];
	WCHAR path[512];
	DWORD len = sizeof(p);
	GUID none = { 0 };
	int n = 0, err = 0, i;
	const char *want = ws2_stub_os_provider_path();

	CU_ASSERT_EQUAL(WSCEnumProtocols(NULL, p, &len, &err), 4);
	CU_ASSERT_EQUAL(WSCGetProviderPath(&p[2].ProviderId, NULL, &n, &err),
		SOCKET_ERROR);
	CU_ASSERT_EQUAL(err, WSAEFAULT);
	CU_ASSERT_EQUAL(n, (int)strlen(want) + 1);
	n = 512;
	CU_ASSERT_EQUAL(WSCGetProviderPath(&p[2].ProviderId, path, &n, &err),
		0);
	for (i = 0; want[i] != '\0'; i++)
		if (path[i] != (WCHAR)want[i])
			break;
	CU_ASSERT_EQUAL(want[i], '\0');
	CU_ASSERT_EQUAL(WSCGetProviderPath(&none, path, &n, &err),
		SOCKET_ERROR);
	CU_ASSERT_EQUAL(err, WSAEINVAL);
}

/* WSAStringToAddress and WSAAddressToString round-trip, A and W. */
static void
test_string_address(void)
{
	static WCHAR wstr[] = { '1', '0', '.', '0', '.', '0', '.', '1', 0 };
	struct sockaddr_in sin;
	char str[] = "198.18.0.2:5001", out[32];
	WCHAR wout[32];
	DWORD n = sizeof(out);
	int len = sizeof(sin);

	CU_ASSERT_EQUAL(WSAStringToAddressA(str, AF_INET, NULL,
					    (LPSOCKADDR)&sin, &len), 0);
	CU_ASSERT_EQUAL(sin.sin_family, AF_INET);
	CU_ASSERT_EQUAL(ntohs(sin.sin_port), 5001);
	CU_ASSERT_EQUAL(WSAAddressToStringA((LPSOCKADDR)&sin, sizeof(sin),
					    NULL, out, &n), 0);
	CU_ASSERT_STRING_EQUAL(out, str);
	CU_ASSERT_EQUAL(n, strlen(str) + 1);
	n = 4;
	CU_ASSERT_EQUAL(WSAAddressToStringA((LPSOCKADDR)&sin, sizeof(sin),
					    NULL, out, &n), SOCKET_ERROR);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAEFAULT);
	CU_ASSERT_EQUAL(n, strlen(str) + 1);
	len = 8;
	CU_ASSERT_EQUAL(WSAStringToAddressA(str, AF_INET, NULL,
					    (LPSOCKADDR)&sin, &len),
			SOCKET_ERROR);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAEFAULT);
	CU_ASSERT_EQUAL(len, sizeof(sin));
	CU_ASSERT_EQUAL(WSAStringToAddressW(wstr, AF_INET, NULL,
					    (LPSOCKADDR)&sin, &len), 0);
	CU_ASSERT_EQUAL(sin.sin_addr.s_addr, htonl(0x0a000001));
	CU_ASSERT_EQUAL(sin.sin_port, 0);
	n = 32;
	CU_ASSERT_EQUAL(WSAAddressToStringW((LPSOCKADDR)&sin, sizeof(sin),
					    NULL, wout, &n), 0);
	CU_ASSERT_EQUAL(memcmp(wout, wstr, sizeof(wstr)), 0);
	CU_ASSERT_EQUAL(WSAStringToAddressA("1.2.3.4:99999", AF_INET, NULL,
					    (LPSOCKADDR)&sin, &len),
			SOCKET_ERROR);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAEINVAL);
}

/* WPUGetProviderPath knows our GUID and the loaded path. */
static void
test_provider_path(void)
{
	GUID g = wsp_provider_guid, other = { 0 };
	WCHAR path[512];
	int len = 1, err, i;

	CU_ASSERT_EQUAL(up->lpWPUGetProviderPath(&g, path, &len, &err),
			SOCKET_ERROR);
	CU_ASSERT_EQUAL(err, WSAEFAULT);
	CU_ASSERT_EQUAL(len, (int)strlen(ws2_stub_provider_path()) + 1);
	len = 512;
	CU_ASSERT_EQUAL(up->lpWPUGetProviderPath(&g, path, &len, &err), 0);
	for (i = 0; i < len; i++)
		CU_ASSERT_EQUAL(path[i],
				(WCHAR)ws2_stub_provider_path()[i]);
	CU_ASSERT_EQUAL(up->lpWPUGetProviderPath(&other, path, &len, &err),
			SOCKET_ERROR);
	CU_ASSERT_EQUAL(err, WSAEINVAL);
}

static int
fake_init(void)
{
	WSADATA d;

	return WSAStartup(MAKEWORD(2, 2), &d);
}

/* The suite must leave no socket, no event and no startup behind. */
static int
fake_clean(void)
{
	if (WSACleanup() != 0 || ws2_stub_startup_count() != 0)
		return -1;
	return ws2_stub_socket_count() == 0 ? 0 : -1;
}

static const struct wt_test base_tests[] = {
	WT_TEST(test_not_initialised),
	WT_TEST(test_fd_set_macros),
	WT_TEST(test_byte_order),
	WT_TEST(test_inet_pton_ntop_roundtrip),
	WT_TEST(test_inet_addr_forms),
	WT_TEST(test_socket_handles),
	WT_TEST(test_socket_handle_not_reused),
	WT_TEST(test_events_wait),
	WT_TEST(test_event_cross_thread),
	WT_TEST(test_apc_delivery),
	WT_TEST(test_apc_dead_thread),
	WT_TEST(test_post_message),
	WT_TEST(test_complete_overlapped),
	WT_TEST_END
};

static const struct wt_test fake_tests[] = {
	WT_TEST(test_startup_versions),
	WT_TEST(test_startup_refcount),
	WT_TEST(test_startup_provider_error),
	WT_TEST(test_wsp_startup_direct),
	WT_TEST(test_socket_routing),
	WT_TEST(test_socket_create_close),
	WT_TEST(test_provider_error_passthrough),
	WT_TEST(test_overlapped_event),
	WT_TEST(test_overlapped_routine),
	WT_TEST(test_select),
	WT_TEST(test_async_select),
	WT_TEST(test_enum_protocols),
	WT_TEST(test_os_provider_path),
	WT_TEST(test_string_address),
	WT_TEST(test_provider_path),
	WT_TEST_END
};

static const struct wt_suite base_suite = {
	.name = "ws2_stub",
	.tests = base_tests,
};

static const struct wt_suite fake_suite = {
	.name = "ws2_stub_fake",
	.init = fake_init,
	.clean = fake_clean,
	.tests = fake_tests,
};

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = {
		&base_suite,
		&test_ws2_iocp_suite,
		&fake_suite,
		NULL
	};

	up = ws2_stub_upcall_table();
	return wt_run_suites(argc, argv, suites);
}
