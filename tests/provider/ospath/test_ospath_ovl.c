/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Overlapped I/O on OS path sockets (issue #15 item 2), through the
 * stand-in's public Winsock API, the provider on the loop device:
 * sockets on 127.0.0.1 behind wspdk's handles run WSASend/WSARecv/
 * WSASendTo/WSARecvFrom with an event, a completion routine or a
 * completion port associated with wspdk's handle, each completing
 * exactly once, a close ending what waits WSA_OPERATION_ABORTED
 * (asyncio's Proactor and libuv run everything overlapped).
 */
#include <pthread.h>
#include <string.h>

#include "ospath_util.h"

static struct sockaddr_in
name_of(SOCKET s)
{
	struct sockaddr_in sin;
	int len = sizeof(sin);

	memset(&sin, 0, sizeof(sin));
	CU_ASSERT_EQUAL(getsockname(s, PT_SA(sin), &len), 0);
	return sin;
}

static SOCKET
udp_loopback(struct sockaddr_in *name)
{
	SOCKET s = pt_socket(SOCK_DGRAM, IPPROTO_UDP);
	struct sockaddr_in sin = pt_sin(INADDR_LOOPBACK, 0);

	PT_OK(bind(s, PT_SA(sin), PT_SIN_LEN));
	*name = name_of(s);
	return s;
}

/* A connected TCP pair on 127.0.0.1, both wspdk handles. */
static void
tcp_pair(SOCKET *c, SOCKET *a)
{
	SOCKET l = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	struct sockaddr_in la = pt_sin(INADDR_LOOPBACK, 0);

	*c = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	PT_OK(bind(l, PT_SA(la), PT_SIN_LEN));
	PT_OK(listen(l, 1));
	la = name_of(l);
	PT_OK(connect(*c, PT_SA(la), PT_SIN_LEN));
	*a = accept(l, NULL, NULL);
	CU_ASSERT_NOT_EQUAL_FATAL(*a, INVALID_SOCKET);
	pt_close(l);
}

static void
test_recvfrom_that_waits_completes_once_through_its_event(void)
{
	struct sockaddr_in an, bn, from;
	SOCKET a = udp_loopback(&an), b = udp_loopback(&bn);
	WSAOVERLAPPED ov;
	char data[16];
	WSABUF buf = { sizeof(data), data };
	DWORD got = 0, flags = 0, bytes = 0;
	int flen = sizeof(from);

	memset(&ov, 0, sizeof(ov));
	memset(&from, 0, sizeof(from));
	ov.hEvent = WSACreateEvent();
	PT_FAILS(WSARecvFrom(a, &buf, 1, &got, &flags, PT_SA(from), &flen,
		&ov, NULL), WSA_IO_PENDING);
	CU_ASSERT_FALSE(WSAGetOverlappedResult(a, &ov, &bytes, FALSE,
		&flags));
	CU_ASSERT_EQUAL(WSAGetLastError(), WSA_IO_INCOMPLETE);
	CU_ASSERT_EQUAL(sendto(b, "later", 5, 0, PT_SA(an), PT_SIN_LEN), 5);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ov.hEvent, FALSE,
		PT_WAIT_MS, FALSE), WSA_WAIT_EVENT_0);
	CU_ASSERT_TRUE(WSAGetOverlappedResult(a, &ov, &bytes, TRUE, &flags));
	CU_ASSERT_EQUAL(bytes, 5);
	CU_ASSERT_EQUAL(memcmp(data, "later", 5), 0);
	CU_ASSERT_EQUAL(from.sin_port, bn.sin_port);
	CU_ASSERT_EQUAL(from.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	ou_no_second_signal(ov.hEvent);
	WSACloseEvent(ov.hEvent);
	pt_close(a);
	pt_close(b);
}

static void
test_sendto_completes_at_once_and_signals_once(void)
{
	struct sockaddr_in an, bn;
	SOCKET a = udp_loopback(&an), b = udp_loopback(&bn);
	WSAOVERLAPPED ov;
	WSABUF buf = { 4, "ovls" };
	DWORD sent = 0, flags = 0, bytes = 0;
	char data[8];

	memset(&ov, 0, sizeof(ov));
	ov.hEvent = WSACreateEvent();
	PT_OK(WSASendTo(b, &buf, 1, &sent, 0, PT_SA(an), PT_SIN_LEN, &ov,
		NULL));
	CU_ASSERT_EQUAL(sent, 4);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ov.hEvent, FALSE,
		PT_WAIT_MS, FALSE), WSA_WAIT_EVENT_0);
	CU_ASSERT_TRUE(WSAGetOverlappedResult(b, &ov, &bytes, FALSE,
		&flags));
	CU_ASSERT_EQUAL(bytes, 4);
	ou_no_second_signal(ov.hEvent);
	CU_ASSERT_TRUE(pt_readable(a, PT_WAIT_MS));
	CU_ASSERT_EQUAL(recv(a, data, sizeof(data), 0), 4);
	WSACloseEvent(ov.hEvent);
	pt_close(a);
	pt_close(b);
}

static int routine_calls;
static DWORD routine_err, routine_bytes;
static LPWSAOVERLAPPED routine_ov;

static void CALLBACK
routine(DWORD err, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags)
{
	routine_calls++;
	routine_err = err;
	routine_bytes = bytes;
	routine_ov = ov;
}

/* The routine runs on the thread that posted, in an alertable wait,
 * once. */
static void
test_recv_with_completion_routine_runs_it_once(void)
{
	SOCKET c, a;
	WSAOVERLAPPED ov;
	char data[16];
	WSABUF buf = { sizeof(data), data };
	DWORD got = 0, flags = 0;

	tcp_pair(&c, &a);
	memset(&ov, 0, sizeof(ov));
	routine_calls = 0;
	PT_FAILS(WSARecv(a, &buf, 1, &got, &flags, &ov, routine),
		WSA_IO_PENDING);
	CU_ASSERT_EQUAL(send(c, "apc!", 4, 0), 4);
	for (int i = 0; i < PT_WAIT_MS / 10 && routine_calls == 0; i++)
		SleepEx(10, TRUE);
	CU_ASSERT_EQUAL(routine_calls, 1);
	CU_ASSERT_EQUAL(routine_err, 0);
	CU_ASSERT_EQUAL(routine_bytes, 4);
	CU_ASSERT_PTR_EQUAL(routine_ov, &ov);
	CU_ASSERT_EQUAL(memcmp(data, "apc!", 4), 0);
	SleepEx(100, TRUE);
	CU_ASSERT_EQUAL(routine_calls, 1);
	pt_close(c);
	pt_close(a);
}

/* A completion port associated with wspdk's handles (what IOCP
 * frameworks do): each op's packet comes there, once, with the key of
 * its socket, in the order the receives were posted. */
static void
test_iocp_gets_one_packet_per_op_with_the_sockets_key(void)
{
	HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
	SOCKET c, a;
	WSAOVERLAPPED r1, r2, w;
	char d1[3], d2[16];
	WSABUF b1 = { sizeof(d1), d1 }, b2 = { sizeof(d2), d2 };
	WSABUF wb = { 8, "iocp-ovl" };
	DWORD got, flags = 0, bytes, err, sent = 0;
	ULONG_PTR key;
	LPOVERLAPPED ov;
	int seen_w = 0, seen_r = 0;

	tcp_pair(&c, &a);
	CU_ASSERT_PTR_EQUAL_FATAL(CreateIoCompletionPort((HANDLE)a, port, 7,
		0), port);
	CU_ASSERT_PTR_EQUAL_FATAL(CreateIoCompletionPort((HANDLE)c, port, 9,
		0), port);
	memset(&r1, 0, sizeof(r1));
	memset(&r2, 0, sizeof(r2));
	memset(&w, 0, sizeof(w));
	PT_FAILS(WSARecv(a, &b1, 1, &got, &flags, &r1, NULL), WSA_IO_PENDING);
	flags = 0;
	PT_FAILS(WSARecv(a, &b2, 1, &got, &flags, &r2, NULL), WSA_IO_PENDING);
	PT_OK(WSASend(c, &wb, 1, &sent, 0, &w, NULL));
	CU_ASSERT_EQUAL(sent, 8);
	/* The send's packet may come before or after the receives'. */
	for (int i = 0; i < 3; i++) {
		ov = ou_one_packet(port, &key, &bytes, &err);
		CU_ASSERT_EQUAL(err, 0);
		if (ov == &w) {
			CU_ASSERT_EQUAL(key, 9);
			CU_ASSERT_EQUAL(bytes, 8);
			CU_ASSERT_EQUAL(seen_w++, 0);
			continue;
		}
		CU_ASSERT_EQUAL(key, 7);
		CU_ASSERT_PTR_EQUAL(ov, seen_r == 0 ? &r1 : &r2);
		CU_ASSERT_EQUAL(bytes, seen_r == 0 ? 3 : 5);
		seen_r++;
	}
	CU_ASSERT_EQUAL(seen_w, 1);
	CU_ASSERT_EQUAL(seen_r, 2);
	CU_ASSERT_EQUAL(memcmp(d1, "ioc", 3), 0);
	CU_ASSERT_EQUAL(memcmp(d2, "p-ovl", 5), 0);
	ou_no_packet(port);
	pt_close(c);
	pt_close(a);
	CU_ASSERT_TRUE(CloseHandle(port));
}

/* closesocket with receives pending: each ends WSA_OPERATION_ABORTED,
 * once (LPWSPCloseSocket), its packet on the port or its event set. */
static void
test_close_aborts_pending_receives_once(void)
{
	HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
	struct sockaddr_in an, bn;
	SOCKET a = udp_loopback(&an), b = udp_loopback(&bn);
	WSAOVERLAPPED r1, r2;
	char d1[8], d2[8];
	WSABUF b1 = { sizeof(d1), d1 }, b2 = { sizeof(d2), d2 };
	DWORD got, flags = 0, bytes, err;
	ULONG_PTR key;

	CU_ASSERT_PTR_EQUAL_FATAL(CreateIoCompletionPort((HANDLE)a, port, 3,
		0), port);
	memset(&r1, 0, sizeof(r1));
	memset(&r2, 0, sizeof(r2));
	r2.hEvent = WSACreateEvent();
	PT_FAILS(WSARecv(a, &b1, 1, &got, &flags, &r1, NULL), WSA_IO_PENDING);
	flags = 0;
	PT_FAILS(WSARecv(b, &b2, 1, &got, &flags, &r2, NULL), WSA_IO_PENDING);
	pt_close(a);
	CU_ASSERT_PTR_EQUAL(ou_one_packet(port, &key, &bytes, &err), &r1);
	CU_ASSERT_EQUAL(err, WSA_OPERATION_ABORTED);
	CU_ASSERT_EQUAL(key, 3);
	ou_no_packet(port);
	pt_close(b);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &r2.hEvent, FALSE,
		PT_WAIT_MS, FALSE), WSA_WAIT_EVENT_0);
	CU_ASSERT_EQUAL(r2.OffsetHigh, WSA_OPERATION_ABORTED);
	ou_no_second_signal(r2.hEvent);
	WSACloseEvent(r2.hEvent);
	CU_ASSERT_TRUE(CloseHandle(port));
}

/* A send on a datagram socket that is not connected fails at once
 * (WSAENOTCONN, send's page) and indicates no completion. */
static void
test_failed_overlapped_send_indicates_nothing(void)
{
	struct sockaddr_in an;
	SOCKET a = udp_loopback(&an);
	WSAOVERLAPPED ov;
	WSABUF buf = { 1, "x" };
	DWORD sent = 0;

	memset(&ov, 0, sizeof(ov));
	ov.hEvent = WSACreateEvent();
	PT_FAILS(WSASend(a, &buf, 1, &sent, 0, &ov, NULL), WSAENOTCONN);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ov.hEvent, FALSE, 100,
		FALSE), WSA_WAIT_TIMEOUT);
	WSACloseEvent(ov.hEvent);
	pt_close(a);
}

/* A datagram larger than UDP can carry fails WSAEMSGSIZE at once and,
 * unlike a receive that truncates one, indicates no completion (the API
 * fuzzer over the OS path found it signalled). */
static void
test_oversized_overlapped_sendto_indicates_nothing(void)
{
	struct sockaddr_in an, bn;
	SOCKET a = udp_loopback(&an), b = udp_loopback(&bn);
	static char big[65536];
	WSABUF buf = { sizeof(big), big };
	WSAOVERLAPPED ov;
	DWORD sent = 0;

	memset(&ov, 0, sizeof(ov));
	ov.hEvent = WSACreateEvent();
	PT_FAILS(WSASendTo(b, &buf, 1, &sent, 0, PT_SA(an), PT_SIN_LEN, &ov,
		NULL), WSAEMSGSIZE);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ov.hEvent, FALSE, 100,
		FALSE), WSA_WAIT_TIMEOUT);
	CU_ASSERT_EQUAL(ov.Internal, 0);
	WSACloseEvent(ov.hEvent);
	pt_close(a);
	pt_close(b);
}

/* An overlapped WSAIoctl that finishes at once (FIONREAD) reads the OS
 * socket and completes once: its event set, its packet on the port with
 * the socket's key (WSAIoctl: "the completion indication occurs"). */
static void
test_overlapped_fionread_on_loopback_completes_once(void)
{
	HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
	SOCKET c, a;
	WSAOVERLAPPED ov, pov;
	u_long v = 0, pv = 0;
	DWORD ret = 0, bytes, err;
	ULONG_PTR key;

	tcp_pair(&c, &a);
	CU_ASSERT_EQUAL(send(c, "fionread", 8, 0), 8);
	CU_ASSERT_TRUE(pt_readable(a, PT_WAIT_MS));
	memset(&ov, 0, sizeof(ov));
	ov.hEvent = WSACreateEvent();
	PT_OK(WSAIoctl(a, FIONREAD, NULL, 0, &v, sizeof(v), &ret, &ov, NULL));
	CU_ASSERT_EQUAL(v, 8);
	CU_ASSERT_EQUAL(ret, sizeof(v));
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ov.hEvent, FALSE,
		PT_WAIT_MS, FALSE), WSA_WAIT_EVENT_0);
	CU_ASSERT_TRUE(WSAGetOverlappedResult(a, &ov, &bytes, FALSE, &err));
	CU_ASSERT_EQUAL(bytes, sizeof(v));
	ou_no_second_signal(ov.hEvent);
	CU_ASSERT_PTR_EQUAL_FATAL(CreateIoCompletionPort((HANDLE)a, port, 4,
		0), port);
	memset(&pov, 0, sizeof(pov));
	PT_OK(WSAIoctl(a, FIONREAD, NULL, 0, &pv, sizeof(pv), &ret, &pov,
		NULL));
	CU_ASSERT_EQUAL(pv, 8);
	CU_ASSERT_PTR_EQUAL(ou_one_packet(port, &key, &bytes, &err), &pov);
	CU_ASSERT_EQUAL(err, 0);
	CU_ASSERT_EQUAL(key, 4);
	CU_ASSERT_EQUAL(bytes, sizeof(pv));
	ou_no_packet(port);
	WSACloseEvent(ov.hEvent);
	pt_close(c);
	pt_close(a);
	CU_ASSERT_TRUE(CloseHandle(port));
}

struct blocked {
	SOCKET s;
	bool accept;
	int ret, err;
	bool done;
};

static void *
block_in_call(void *arg)
{
	struct blocked *b = arg;
	char buf[8];

	if (b->accept)
		b->ret = accept(b->s, NULL, NULL) == INVALID_SOCKET ?
			SOCKET_ERROR : 0;
	else
		b->ret = recv(b->s, buf, sizeof(buf), 0);
	b->err = WSAGetLastError();
	__atomic_store_n(&b->done, true, __ATOMIC_RELEASE);
	return NULL;
}

/* closesocket while another thread is blocked in recv or accept on the
 * same loopback socket: the blocked call returns, failing WSAEINTR (or
 * WSAENOTSOCK if the close came first), and the close neither hangs nor
 * frees what the call still uses (ASan). */
static void
close_wakes(SOCKET s, bool acc)
{
	struct blocked b = { .s = s, .accept = acc };
	pthread_t t;

	CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, block_in_call, &b), 0);
	/* Let it block (if it has not, it fails WSAENOTSOCK instead). */
	SleepEx(100, FALSE);
	CU_ASSERT_FALSE(__atomic_load_n(&b.done, __ATOMIC_ACQUIRE));
	PT_OK(closesocket(s));
	for (int i = 0; i < PT_WAIT_MS && !__atomic_load_n(&b.done,
			__ATOMIC_ACQUIRE); i++)
		SleepEx(1, FALSE);
	CU_ASSERT_TRUE_FATAL(__atomic_load_n(&b.done, __ATOMIC_ACQUIRE));
	pthread_join(t, NULL);
	CU_ASSERT_EQUAL(b.ret, SOCKET_ERROR);
	CU_ASSERT(b.err == WSAEINTR || b.err == WSAENOTSOCK);
}

static void
test_close_wakes_a_call_blocked_on_the_socket(void)
{
	SOCKET c, a, l = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	struct sockaddr_in la = pt_sin(INADDR_LOOPBACK, 0);

	tcp_pair(&c, &a);
	close_wakes(a, false);
	pt_close(c);
	PT_OK(bind(l, PT_SA(la), PT_SIN_LEN));
	PT_OK(listen(l, 1));
	close_wakes(l, true);
}

static const struct wt_test tests[] = {
	WT_TEST(test_recvfrom_that_waits_completes_once_through_its_event),
	WT_TEST(test_sendto_completes_at_once_and_signals_once),
	WT_TEST(test_recv_with_completion_routine_runs_it_once),
	WT_TEST(test_iocp_gets_one_packet_per_op_with_the_sockets_key),
	WT_TEST(test_close_aborts_pending_receives_once),
	WT_TEST(test_failed_overlapped_send_indicates_nothing),
	WT_TEST(test_oversized_overlapped_sendto_indicates_nothing),
	WT_TEST(test_overlapped_fionread_on_loopback_completes_once),
	WT_TEST(test_close_wakes_a_call_blocked_on_the_socket),
	WT_TEST_END
};

static const struct wt_suite ospath_ovl_suite = {
	.name = "ospath_ovl",
	.tests = tests,
	.clean = pt_suite_clean,
};

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = {
		&ospath_ovl_suite, NULL };

	if (pt_startup() != 0)
		return 1;
	return pt_run(argc, argv, suites);
}
