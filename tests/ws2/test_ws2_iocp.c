/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_ws2_iocp.c: the stand-in's completion ports against Microsoft's
 * documented semantics (CreateIoCompletionPort, GetQueuedCompletionStatus,
 * GetQueuedCompletionStatusEx, PostQueuedCompletionStatus,
 * SetFileCompletionNotificationModes and KB 2568167,
 * WPUCompleteOverlappedRequest).  No provider: the test plays it, with a
 * handle from WPUCreateSocketHandle and WPUCompleteOverlappedRequest.
 */

#include <CUnit/CUnit.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "ws2.h"
#include "wt_run.h"

static SOCKET
sock_new(void)
{
	int err;

	return ws2_stub_upcall_table()->lpWPUCreateSocketHandle(1001, 0, &err);
}

static void
sock_free(SOCKET s)
{
	int err;

	ws2_stub_upcall_table()->lpWPUCloseSocketHandle(s, &err);
}

/* What the provider does when an overlapped call finishes. */
static void
complete(SOCKET s, WSAOVERLAPPED *ov, DWORD error, DWORD bytes)
{
	int err;

	ov->Internal = WSS_OPERATION_IN_PROGRESS;
	ov->OffsetHigh = error;
	CU_ASSERT_EQUAL(WPUCompleteOverlappedRequest(s, ov, error, bytes,
						     &err), 0);
}

/* A port's creation and its documented argument errors. */
static void
test_iocp_create_close(void)
{
	HANDLE p = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
	unsigned n = ws2_stub_port_count();

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_PTR_NULL(CreateIoCompletionPort(INVALID_HANDLE_VALUE, p,
						  0, 0));
	CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);
	CU_ASSERT_PTR_NULL(CreateIoCompletionPort((HANDLE)(uintptr_t)4000,
						  p, 0, 0));
	CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_HANDLE);
	CU_ASSERT_TRUE(CloseHandle(p));
	CU_ASSERT_EQUAL(ws2_stub_port_count(), n - 1);
	CU_ASSERT_FALSE(CloseHandle(p));
	CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_HANDLE);
}

/* An empty port times out: FALSE, *lpOverlapped NULL, WAIT_TIMEOUT. */
static void
test_iocp_timeout(void)
{
	HANDLE p = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
	LPOVERLAPPED ov = (LPOVERLAPPED)1;
	ULONG_PTR key;
	DWORD bytes;

	CU_ASSERT_FALSE(GetQueuedCompletionStatus(p, &bytes, &key, &ov, 0));
	CU_ASSERT_PTR_NULL(ov);
	CU_ASSERT_EQUAL(GetLastError(), WAIT_TIMEOUT);
	ov = (LPOVERLAPPED)1;
	CU_ASSERT_FALSE(GetQueuedCompletionStatus(p, &bytes, &key, &ov, 20));
	CU_ASSERT_PTR_NULL(ov);
	CU_ASSERT_EQUAL(GetLastError(), WAIT_TIMEOUT);
	CloseHandle(p);
}

/* A completion on an associated socket queues (key, bytes, overlapped). */
static void
test_iocp_completion_packet(void)
{
	SOCKET s = sock_new();
	HANDLE p = CreateIoCompletionPort((HANDLE)s, NULL, 77, 0);
	WSAOVERLAPPED o, *ov;
	ULONG_PTR key;
	DWORD bytes;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	memset(&o, 0, sizeof(o));
	complete(s, &o, 0, 42);
	CU_ASSERT_EQUAL(o.Internal, 0);
	CU_ASSERT_TRUE(GetQueuedCompletionStatus(p, &bytes, &key, &ov, 0));
	CU_ASSERT_PTR_EQUAL(ov, &o);
	CU_ASSERT_EQUAL(key, 77);
	CU_ASSERT_EQUAL(bytes, 42);
	/* Exactly one packet. */
	CU_ASSERT_FALSE(GetQueuedCompletionStatus(p, &bytes, &key, &ov, 0));
	CU_ASSERT_EQUAL(GetLastError(), WAIT_TIMEOUT);
	sock_free(s);
	CloseHandle(p);
}

/* A failed operation: FALSE with its overlapped, the error as Win32's. */
static void
test_iocp_failed_op(void)
{
	SOCKET s = sock_new();
	HANDLE p = CreateIoCompletionPort((HANDLE)s, NULL, 5, 0);
	WSAOVERLAPPED o, *ov;
	ULONG_PTR key;
	DWORD bytes;

	memset(&o, 0, sizeof(o));
	complete(s, &o, WSA_OPERATION_ABORTED, 0);
	CU_ASSERT_FALSE(GetQueuedCompletionStatus(p, &bytes, &key, &ov, 0));
	CU_ASSERT_PTR_EQUAL(ov, &o);
	CU_ASSERT_EQUAL(key, 5);
	CU_ASSERT_EQUAL(GetLastError(), ERROR_OPERATION_ABORTED);
	/* A truncated datagram: STATUS_BUFFER_OVERFLOW, ERROR_MORE_DATA. */
	complete(s, &o, WSAEMSGSIZE, 8);
	CU_ASSERT_FALSE(GetQueuedCompletionStatus(p, &bytes, &key, &ov, 0));
	CU_ASSERT_PTR_EQUAL(ov, &o);
	CU_ASSERT_EQUAL(bytes, 8);
	CU_ASSERT_EQUAL(GetLastError(), ERROR_MORE_DATA);
	sock_free(s);
	CloseHandle(p);
}

/* hEvent with bit 0 set: the event is signalled, no packet is queued. */
static void
test_iocp_event_low_bit(void)
{
	SOCKET s = sock_new();
	HANDLE p = CreateIoCompletionPort((HANDLE)s, NULL, 1, 0);
	WSAEVENT ev = WSACreateEvent();
	WSAOVERLAPPED o, *ov;
	ULONG_PTR key;
	DWORD bytes;

	memset(&o, 0, sizeof(o));
	o.hEvent = (HANDLE)((uintptr_t)ev | 1);
	complete(s, &o, 0, 3);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ev, FALSE, 0, FALSE),
			WSA_WAIT_EVENT_0);
	CU_ASSERT_FALSE(GetQueuedCompletionStatus(p, &bytes, &key, &ov, 0));
	CU_ASSERT_EQUAL(GetLastError(), WAIT_TIMEOUT);
	/* Without the bit: both. */
	WSAResetEvent(ev);
	o.hEvent = ev;
	complete(s, &o, 0, 3);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ev, FALSE, 0, FALSE),
			WSA_WAIT_EVENT_0);
	CU_ASSERT_TRUE(GetQueuedCompletionStatus(p, &bytes, &key, &ov, 0));
	WSACloseEvent(ev);
	sock_free(s);
	CloseHandle(p);
}

/* One association per handle; an unassociated socket queues nothing. */
static void
test_iocp_association(void)
{
	SOCKET s = sock_new(), t = sock_new();
	HANDLE p = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
	WSAOVERLAPPED o, *ov;
	ULONG_PTR key;
	DWORD bytes;

	CU_ASSERT_PTR_EQUAL(CreateIoCompletionPort((HANDLE)s, p, 9, 0), p);
	CU_ASSERT_PTR_NULL(CreateIoCompletionPort((HANDLE)s, p, 10, 0));
	CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_PARAMETER);
	memset(&o, 0, sizeof(o));
	complete(t, &o, 0, 1);
	CU_ASSERT_FALSE(GetQueuedCompletionStatus(p, &bytes, &key, &ov, 0));
	complete(s, &o, 0, 1);
	CU_ASSERT_TRUE(GetQueuedCompletionStatus(p, &bytes, &key, &ov, 0));
	CU_ASSERT_EQUAL(key, 9);
	/* The port outlives its handle while a socket uses it. */
	CU_ASSERT_TRUE(CloseHandle(p));
	complete(s, &o, 0, 1);
	sock_free(s);
	sock_free(t);
}

/* Posted packets come out FIFO; the Ex form takes several at once. */
static void
test_iocp_post_and_ex(void)
{
	HANDLE p = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
	SOCKET s = sock_new();
	OVERLAPPED_ENTRY e[4];
	WSAOVERLAPPED o;
	ULONG n = 99;

	CU_ASSERT_PTR_EQUAL(CreateIoCompletionPort((HANDLE)s, p, 3, 0), p);
	CU_ASSERT_TRUE(PostQueuedCompletionStatus(p, 1, 11, NULL));
	CU_ASSERT_TRUE(PostQueuedCompletionStatus(p, 2, 12, NULL));
	memset(&o, 0, sizeof(o));
	complete(s, &o, WSA_OPERATION_ABORTED, 0);
	CU_ASSERT_TRUE(GetQueuedCompletionStatusEx(p, e, 4, &n, 0, FALSE));
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_EQUAL(e[0].lpCompletionKey, 11);
	CU_ASSERT_EQUAL(e[0].dwNumberOfBytesTransferred, 1);
	CU_ASSERT_EQUAL(e[1].lpCompletionKey, 12);
	CU_ASSERT_EQUAL(e[2].lpCompletionKey, 3);
	CU_ASSERT_PTR_EQUAL(e[2].lpOverlapped, &o);
	CU_ASSERT_EQUAL(e[2].Internal, ERROR_OPERATION_ABORTED);
	CU_ASSERT_FALSE(GetQueuedCompletionStatusEx(p, e, 4, &n, 0, FALSE));
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(GetLastError(), WAIT_TIMEOUT);
	CU_ASSERT_FALSE(PostQueuedCompletionStatus((HANDLE)(uintptr_t)8, 0,
						   0, NULL));
	CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_HANDLE);
	sock_free(s);
	CloseHandle(p);
}

/* KB 2568167: skip-on-success on a non-IFS socket loses its packets. */
static void
test_iocp_skip_on_success_non_ifs(void)
{
	SOCKET s = sock_new();
	HANDLE p = CreateIoCompletionPort((HANDLE)s, NULL, 1, 0);
	WSAOVERLAPPED o, *ov;
	ULONG_PTR key;
	DWORD bytes;

	CU_ASSERT_TRUE(SetFileCompletionNotificationModes((HANDLE)s,
			FILE_SKIP_COMPLETION_PORT_ON_SUCCESS |
			FILE_SKIP_SET_EVENT_ON_HANDLE));
	memset(&o, 0, sizeof(o));
	complete(s, &o, 0, 4);
	CU_ASSERT_EQUAL(o.InternalHigh, 4);
	CU_ASSERT_FALSE(GetQueuedCompletionStatus(p, &bytes, &key, &ov, 0));
	CU_ASSERT_EQUAL(GetLastError(), WAIT_TIMEOUT);
	CU_ASSERT_FALSE(SetFileCompletionNotificationModes(
			(HANDLE)(uintptr_t)8, FILE_SKIP_SET_EVENT_ON_HANDLE));
	CU_ASSERT_EQUAL(GetLastError(), ERROR_INVALID_HANDLE);
	sock_free(s);
	CloseHandle(p);
}

static void *
close_later(void *arg)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	nanosleep(&ts, NULL);
	CloseHandle(arg);
	return NULL;
}

/* Closing the port ends a wait: FALSE, ERROR_ABANDONED_WAIT_0. */
static void
test_iocp_close_wakes_waiter(void)
{
	HANDLE p = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
	LPOVERLAPPED ov = (LPOVERLAPPED)1;
	ULONG_PTR key;
	DWORD bytes;
	pthread_t t;

	pthread_create(&t, NULL, close_later, p);
	CU_ASSERT_FALSE(GetQueuedCompletionStatus(p, &bytes, &key, &ov,
						  INFINITE));
	CU_ASSERT_PTR_NULL(ov);
	CU_ASSERT_EQUAL(GetLastError(), ERROR_ABANDONED_WAIT_0);
	pthread_join(t, NULL);
}

static void *
post_later(void *arg)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	nanosleep(&ts, NULL);
	PostQueuedCompletionStatus(arg, 7, 8, NULL);
	return NULL;
}

/* A waiter sleeps until a packet comes from another thread. */
static void
test_iocp_cross_thread(void)
{
	HANDLE p = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
	LPOVERLAPPED ov;
	ULONG_PTR key;
	DWORD bytes;
	pthread_t t;

	pthread_create(&t, NULL, post_later, p);
	CU_ASSERT_TRUE(GetQueuedCompletionStatus(p, &bytes, &key, &ov,
						 5000));
	CU_ASSERT_EQUAL(bytes, 7);
	CU_ASSERT_EQUAL(key, 8);
	pthread_join(t, NULL);
	CloseHandle(p);
}

static int
iocp_clean(void)
{
	return ws2_stub_port_count() == 0 && ws2_stub_socket_count() == 0 ?
		0 : -1;
}

static const struct wt_test iocp_tests[] = {
	WT_TEST(test_iocp_create_close),
	WT_TEST(test_iocp_timeout),
	WT_TEST(test_iocp_completion_packet),
	WT_TEST(test_iocp_failed_op),
	WT_TEST(test_iocp_event_low_bit),
	WT_TEST(test_iocp_association),
	WT_TEST(test_iocp_post_and_ex),
	WT_TEST(test_iocp_skip_on_success_non_ifs),
	WT_TEST(test_iocp_close_wakes_waiter),
	WT_TEST(test_iocp_cross_thread),
	WT_TEST_END
};

const struct wt_suite test_ws2_iocp_suite = {
	.name = "ws2_iocp",
	.clean = iocp_clean,
	.tests = iocp_tests,
};
