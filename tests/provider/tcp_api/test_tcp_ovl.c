/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Overlapped stream calls that must not block or complete twice: a send
 * larger than the room pends (even on a blocking socket) and completes
 * once with every byte; pending sends keep their order; closesocket
 * aborts a pending send once; a zero-byte receive is readiness (libuv's
 * TCP UV_HANDLE_ZERO_READ).
 *
 * Operations live in static storage: a late completion after a failed
 * assertion must not write into a dead stack frame.
 */
#include <string.h>

#include <CUnit/CUnit.h>

#include "wt.h"
#include "tcp_api.h"

#define BIG	(1 << 20)

static char big[BIG], got[BIG + 16];
static WSAOVERLAPPED ov1, ov2;

static struct {
	int calls;
	DWORD err, bytes;
} seen;

static void CALLBACK
count_completion(DWORD err, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags)
{
	(void)ov;
	(void)flags;
	seen.calls++;
	seen.err = err;
	seen.bytes = bytes;
}

static void
fill_big(void)
{
	for (int i = 0; i < BIG; i++)
		big[i] = ta_byte((uint64_t)i);
}

/* A blocking socket with a small send buffer and a peer that does not
 * read yet: an overlapped 1 MB WSASend returns WSA_IO_PENDING at once
 * (it may not block the caller), is incomplete until the peer reads,
 * then completes once with every byte, which arrive intact. */
static void
test_overlapped_send_on_full_blocking_socket_pends(void)
{
	WSABUF b = { BIG, big };
	DWORD n = 0, fl = 0;
	SOCKET c, s;

	fill_big();
	ta_pair(&c, &s);
	pt_setopt_int(c, SOL_SOCKET, SO_SNDBUF, 16384);
	memset(&ov1, 0, sizeof(ov1));
	ov1.hEvent = WSACreateEvent();
	PT_FAILS(WSASend(c, &b, 1, NULL, 0, &ov1, NULL), WSA_IO_PENDING);
	CU_ASSERT_FALSE(WSAGetOverlappedResult(c, &ov1, &n, FALSE, &fl));
	CU_ASSERT_EQUAL(WSAGetLastError(), WSA_IO_INCOMPLETE);
	CU_ASSERT_EQUAL(ta_recv_n(s, got, BIG, PT_WAIT_MS), BIG);
	CU_ASSERT_EQUAL(memcmp(got, big, BIG), 0);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ov1.hEvent, TRUE,
		PT_WAIT_MS, FALSE), WSA_WAIT_EVENT_0);
	CU_ASSERT_TRUE(WSAGetOverlappedResult(c, &ov1, &n, FALSE, &fl));
	CU_ASSERT_EQUAL(n, BIG);
	WSACloseEvent(ov1.hEvent);
	pt_close(c);
	pt_close(s);
}

/* Two overlapped sends, the first pending: the second queues behind it
 * (a stream keeps order) and each completes once with its bytes. */
static void
test_overlapped_sends_pending_keep_order_complete_once_each(void)
{
	WSABUF b1 = { BIG - 4, big }, b2 = { 4, (char *)"tail" };
	SOCKET c, s;

	fill_big();
	ta_pair(&c, &s);
	pt_setopt_int(c, SOL_SOCKET, SO_SNDBUF, 16384);
	memset(&seen, 0, sizeof(seen));
	memset(&ov1, 0, sizeof(ov1));
	memset(&ov2, 0, sizeof(ov2));
	PT_FAILS(WSASend(c, &b1, 1, NULL, 0, &ov1, count_completion),
		WSA_IO_PENDING);
	PT_FAILS(WSASend(c, &b2, 1, NULL, 0, &ov2, count_completion),
		WSA_IO_PENDING);
	CU_ASSERT_EQUAL(ta_recv_n(s, got, BIG, PT_WAIT_MS), BIG);
	CU_ASSERT_EQUAL(memcmp(got, big, BIG - 4), 0);
	CU_ASSERT_EQUAL(memcmp(got + BIG - 4, "tail", 4), 0);
	for (int i = 0; i < 100 && seen.calls < 2; i++)
		SleepEx(50, TRUE);
	SleepEx(20, TRUE);
	CU_ASSERT_EQUAL(seen.calls, 2);
	CU_ASSERT_EQUAL(seen.err, 0);
	CU_ASSERT_EQUAL(seen.bytes, 4);
	pt_close(c);
	pt_close(s);
}

/* closesocket with a send pending: it completes once, with
 * WSA_OPERATION_ABORTED. */
static void
test_closesocket_aborts_pending_send_once(void)
{
	WSABUF b = { BIG, big };
	SOCKET c, s;

	ta_pair(&c, &s);
	pt_setopt_int(c, SOL_SOCKET, SO_SNDBUF, 16384);
	memset(&seen, 0, sizeof(seen));
	memset(&ov1, 0, sizeof(ov1));
	PT_FAILS(WSASend(c, &b, 1, NULL, 0, &ov1, count_completion),
		WSA_IO_PENDING);
	ta_linger(c, 1, 0);
	pt_close(c);
	SleepEx(50, TRUE);
	SleepEx(20, TRUE);
	CU_ASSERT_EQUAL(seen.calls, 1);
	CU_ASSERT_EQUAL(seen.err, WSA_OPERATION_ABORTED);
	pt_close(s);
}

/* libuv's TCP readiness: a zero-byte overlapped WSARecv pends, then
 * completes with 0 bytes and no error when data arrives, which stays
 * for the read that follows. */
static void
test_overlapped_zero_byte_recv_is_readiness_data_stays(void)
{
	WSABUF b = { 0, NULL };
	DWORD n = 99, fl = 0;
	SOCKET c, s;

	ta_pair(&c, &s);
	memset(&ov1, 0, sizeof(ov1));
	ov1.hEvent = WSACreateEvent();
	PT_FAILS(WSARecv(s, &b, 1, &n, &fl, &ov1, NULL), WSA_IO_PENDING);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ov1.hEvent, TRUE, 20,
		FALSE), WSA_WAIT_TIMEOUT);
	ta_send_all(c, "data", 4);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ov1.hEvent, TRUE,
		PT_WAIT_MS, FALSE), WSA_WAIT_EVENT_0);
	CU_ASSERT_TRUE(WSAGetOverlappedResult(s, &ov1, &n, FALSE, &fl));
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(ta_recv_n(s, got, 4, PT_WAIT_MS), 4);
	CU_ASSERT_EQUAL(memcmp(got, "data", 4), 0);
	WSACloseEvent(ov1.hEvent);
	pt_close(c);
	pt_close(s);
}

static const struct wt_test ovl_tests[] = {
	WT_TEST(test_overlapped_send_on_full_blocking_socket_pends),
	WT_TEST(test_overlapped_sends_pending_keep_order_complete_once_each),
	WT_TEST(test_closesocket_aborts_pending_send_once),
	WT_TEST(test_overlapped_zero_byte_recv_is_readiness_data_stays),
	WT_TEST_END
};

const struct wt_suite test_tcp_ovl_suite = {
	.name = "tcp_overlapped_send",
	.clean = pt_suite_clean,
	.tests = ovl_tests,
};
