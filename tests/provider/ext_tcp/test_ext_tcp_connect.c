/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ConnectEx (with its send buffer), SO_UPDATE_CONNECT_CONTEXT and
 * DisconnectEx with and without TF_REUSE_SOCKET, overlapped and not: the
 * completions they report, what the peer sees, the reuse Microsoft
 * documents, and each misuse's code.
 */
#include <string.h>

#include <CUnit/CUnit.h>

#include "ext_tcp.h"

static WSAOVERLAPPED ov1, ov2;
static char out[2 * ET_SLOT];

/* The listener's next connection (blocking accept). */
static SOCKET
take(SOCKET ls)
{
	SOCKET s;

	CU_ASSERT_FATAL(ta_ready(ls, 0, PT_WAIT_MS));
	s = accept(ls, NULL, NULL);
	CU_ASSERT_FATAL(s != INVALID_SOCKET);
	return s;
}

/* A bound socket, ConnectEx with an order: it completes once with the
 * bytes sent, which the server reads; the socket then takes
 * SO_UPDATE_CONNECT_CONTEXT and knows its peer. */
static void
test_connectex_sends_its_buffer_and_reports_bytes(void)
{
	struct sockaddr_in la, pa;
	SOCKET ls = ta_listener(&la), c = et_bound(NULL), s;
	int len = PT_SIN_LEN;
	DWORD n = 0;
	char b[16];

	memset(&ov1, 0, sizeof(ov1));
	ET_PENDS(et.connect_ex(c, PT_SA(la), PT_SIN_LEN, "35=D|11=1|", 10,
		&n, &ov1));
	CU_ASSERT_EQUAL_FATAL(et_result(c, &ov1, &n, PT_WAIT_MS), 0);
	CU_ASSERT_EQUAL(n, 10);
	s = take(ls);
	CU_ASSERT_EQUAL(ta_recv_n(s, b, 10, PT_WAIT_MS), 10);
	CU_ASSERT_EQUAL(memcmp(b, "35=D|11=1|", 10), 0);
	PT_OK(setsockopt(c, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, NULL, 0));
	PT_OK(getpeername(c, PT_SA(pa), &len));
	CU_ASSERT_TRUE(et_same_sin(PT_SA(pa), &la));
	ta_send_all(s, "ack", 3);
	CU_ASSERT_EQUAL(ta_recv_n(c, b, 3, PT_WAIT_MS), 3);
	PT_OK(shutdown(c, SD_SEND));
	CU_ASSERT_EQUAL(ta_recv_n(s, b, 1, PT_WAIT_MS), 0);
	pt_close(s);
	pt_close(c);
	pt_close(ls);
}

/* Without data it completes with 0 bytes, through a completion port
 * once. */
static void
test_connectex_without_data_completes_once_on_port(void)
{
	HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
	struct sockaddr_in la;
	SOCKET ls = ta_listener(&la), c = et_bound(NULL), s;
	LPOVERLAPPED ov = NULL;
	ULONG_PTR key = 0;
	DWORD n = 0, err;

	CU_ASSERT_PTR_EQUAL(CreateIoCompletionPort((HANDLE)c, port, 3, 0),
		port);
	memset(&ov1, 0, sizeof(ov1));
	ET_PENDS(et.connect_ex(c, PT_SA(la), PT_SIN_LEN, NULL, 0, &n, &ov1));
	CU_ASSERT_TRUE(fw_gqcs(port, PT_WAIT_MS, &n, &key, &ov, &err));
	CU_ASSERT_PTR_EQUAL(ov, &ov1);
	CU_ASSERT_EQUAL(key, 3);
	CU_ASSERT_EQUAL(n, 0);
	fw_no_packet(port);
	s = take(ls);
	pt_close(s);
	pt_close(c);
	pt_close(ls);
	CU_ASSERT_TRUE(CloseHandle(port));
}

/* Nobody listens: it completes with WSAECONNREFUSED. */
static void
test_connectex_refused_completes_econnrefused(void)
{
	struct sockaddr_in to = pt_sin(PT_IP, ta_closed_port());
	SOCKET c = et_bound(NULL);
	DWORD n = 0;

	memset(&ov1, 0, sizeof(ov1));
	ET_PENDS(et.connect_ex(c, PT_SA(to), PT_SIN_LEN, "x", 1, &n, &ov1));
	CU_ASSERT_EQUAL(et_result(c, &ov1, &n, PT_WAIT_MS), WSAECONNREFUSED);
	CU_ASSERT_EQUAL(n, 0);
	pt_close(c);
}

/* Unbound: WSAEINVAL; connected: WSAEISCONN; one under way: WSAEALREADY
 * (a peer that never answers ARP), and closing aborts it once; no
 * OVERLAPPED: WSAEINVAL; no name or a short one, or a send buffer
 * missing: WSAEFAULT; a datagram socket: WSAEOPNOTSUPP. */
static void
test_connectex_misuse_fails_with_documented_codes(void)
{
	struct sockaddr_in la, far = pt_sin(PT_FOREIGN, 9);
	SOCKET ls = ta_listener(&la), c = ta_tcp(), b = et_bound(NULL);
	SOCKET u = pt_socket(SOCK_DGRAM, IPPROTO_UDP), cc, sc;
	DWORD n = 0;

	memset(&ov1, 0, sizeof(ov1));
	ET_FAILS(et.connect_ex(c, PT_SA(la), PT_SIN_LEN, NULL, 0, &n, &ov1),
		WSAEINVAL);
	ET_FAILS(et.connect_ex(b, PT_SA(la), PT_SIN_LEN, NULL, 0, &n, NULL),
		WSAEINVAL);
	ET_FAILS(et.connect_ex(b, NULL, PT_SIN_LEN, NULL, 0, &n, &ov1),
		WSAEFAULT);
	ET_FAILS(et.connect_ex(b, PT_SA(la), PT_SIN_LEN - 1, NULL, 0, &n,
		&ov1), WSAEFAULT);
	ET_FAILS(et.connect_ex(b, PT_SA(la), PT_SIN_LEN, NULL, 5, &n, &ov1),
		WSAEFAULT);
	ET_FAILS(et.connect_ex(u, PT_SA(la), PT_SIN_LEN, NULL, 0, &n, &ov1),
		WSAEOPNOTSUPP);
	/* SO_UPDATE_CONNECT_CONTEXT: only after a ConnectEx. */
	PT_FAILS(setsockopt(b, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, NULL,
		0), WSAENOTCONN);
	ta_pair(&cc, &sc);
	ET_FAILS(et.connect_ex(cc, PT_SA(la), PT_SIN_LEN, NULL, 0, &n,
		&ov1), WSAEISCONN);
	ET_PENDS(et.connect_ex(b, PT_SA(far), PT_SIN_LEN, NULL, 0, &n,
		&ov1));
	memset(&ov2, 0, sizeof(ov2));
	ET_FAILS(et.connect_ex(b, PT_SA(far), PT_SIN_LEN, NULL, 0, &n,
		&ov2), WSAEALREADY);
	PT_FAILS(connect(b, PT_SA(far), PT_SIN_LEN), WSAEALREADY);
	pt_close(b);
	CU_ASSERT_EQUAL(et_result(c, &ov1, &n, PT_WAIT_MS),
		WSA_OPERATION_ABORTED);
	pt_close(cc);
	pt_close(sc);
	pt_close(c);
	pt_close(u);
	pt_close(ls);
}

/* DisconnectEx without flags, not overlapped: the peer reads the end of
 * the stream; the socket sends no more (WSAESHUTDOWN). */
static void
test_disconnectex_blocking_sends_fin(void)
{
	SOCKET c, s;
	char b[4];

	ta_pair(&c, &s);
	CU_ASSERT_TRUE(et.disconnect_ex(c, NULL, 0, 0));
	CU_ASSERT_EQUAL(ta_recv_n(s, b, 1, PT_WAIT_MS), 0);
	PT_FAILS(send(c, "x", 1, 0), WSAESHUTDOWN);
	pt_close(s);
	pt_close(c);
}

/* Flags other than TF_REUSE_SOCKET, dwReserved not 0: WSAEINVAL; a
 * socket never connected: WSAENOTCONN. */
static void
test_disconnectex_misuse_fails_with_documented_codes(void)
{
	SOCKET c, s, idle = ta_tcp();

	ta_pair(&c, &s);
	memset(&ov1, 0, sizeof(ov1));
	ET_FAILS(et.disconnect_ex(c, &ov1, TF_DISCONNECT, 0), WSAEINVAL);
	ET_FAILS(et.disconnect_ex(c, &ov1, 0x80, 0), WSAEINVAL);
	ET_FAILS(et.disconnect_ex(c, &ov1, 0, 1), WSAEINVAL);
	ET_FAILS(et.disconnect_ex(idle, &ov1, 0, 0), WSAENOTCONN);
	ET_FAILS(et.disconnect_ex((SOCKET)0x7777, &ov1, 0, 0), WSAENOTSOCK);
	pt_close(s);
	pt_close(c);
	pt_close(idle);
}

/* AcceptEx of acc on ls, ConnectEx of c (bound) to it with msg (3
 * bytes): both complete, msg arrives on acc. */
static void
connect_pair(SOCKET ls, const struct sockaddr_in *la, SOCKET acc, SOCKET c,
		const char *msg)
{
	DWORD n = 0;
	char b[4];

	memset(&ov1, 0, sizeof(ov1));
	memset(&ov2, 0, sizeof(ov2));
	ET_PENDS(et.accept_ex(ls, acc, out, 0, ET_SLOT, ET_SLOT, &n, &ov2));
	ET_PENDS(et.connect_ex(c, (const struct sockaddr *)la, PT_SIN_LEN,
		(PVOID)msg, 3, &n, &ov1));
	CU_ASSERT_EQUAL_FATAL(et_result(c, &ov1, &n, PT_WAIT_MS), 0);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_EQUAL_FATAL(et_result(acc, &ov2, &n, PT_WAIT_MS), 0);
	CU_ASSERT_EQUAL(ta_recv_n(acc, b, 3, PT_WAIT_MS), 3);
	CU_ASSERT_EQUAL(memcmp(b, msg, 3), 0);
}

/* DisconnectEx(TF_REUSE_SOCKET) overlapped on the client: completes
 * once our FIN is acknowledged; the socket is then as new: bound again
 * it ConnectEx'es to another listener and carries data. On the server,
 * an AcceptEx socket disconnected with TF_REUSE_SOCKET (not overlapped)
 * takes the next AcceptEx and its connection. */
static void
test_disconnectex_reuse_socket_serves_connectex_and_acceptex(void)
{
	struct sockaddr_in la, a = pt_sin(PT_IP, 0);
	SOCKET ls = ta_listener(&la), c = et_bound(NULL), acc = ta_tcp();
	DWORD n = 0;
	char b[8];

	connect_pair(ls, &la, acc, c, "one");
	/* Both ends disconnect for reuse. */
	memset(&ov1, 0, sizeof(ov1));
	ET_PENDS(et.disconnect_ex(c, &ov1, TF_REUSE_SOCKET, 0));
	CU_ASSERT_EQUAL(ta_recv_n(acc, b, 1, PT_WAIT_MS), 0);
	CU_ASSERT_TRUE(et.disconnect_ex(acc, NULL, TF_REUSE_SOCKET, 0));
	CU_ASSERT_EQUAL_FATAL(et_result(c, &ov1, &n, PT_WAIT_MS), 0);
	CU_ASSERT_EQUAL(n, 0);
	/* Second round on the same handles. */
	PT_OK(bind(c, PT_SA(a), PT_SIN_LEN));
	connect_pair(ls, &la, acc, c, "two");
	ta_send_all(acc, "back", 4);
	CU_ASSERT_EQUAL(ta_recv_n(c, b, 4, PT_WAIT_MS), 4);
	/* Without TF_REUSE_SOCKET the socket stays spent: AcceptEx refuses
	 * it (bound). */
	CU_ASSERT_TRUE(et.disconnect_ex(acc, NULL, 0, 0));
	memset(&ov2, 0, sizeof(ov2));
	ET_FAILS(et.accept_ex(ls, acc, out, 0, ET_SLOT, ET_SLOT, &n, &ov2),
		WSAEINVAL);
	pt_close(c);
	pt_close(acc);
	pt_close(ls);
}

static const struct wt_test connect_tests[] = {
	WT_TEST(test_connectex_sends_its_buffer_and_reports_bytes),
	WT_TEST(test_connectex_without_data_completes_once_on_port),
	WT_TEST(test_connectex_refused_completes_econnrefused),
	WT_TEST(test_connectex_misuse_fails_with_documented_codes),
	WT_TEST(test_disconnectex_blocking_sends_fin),
	WT_TEST(test_disconnectex_misuse_fails_with_documented_codes),
	WT_TEST(test_disconnectex_reuse_socket_serves_connectex_and_acceptex),
	WT_TEST_END
};

const struct wt_suite test_ext_tcp_connect_suite = {
	.name = "ext_tcp_connect",
	.clean = pt_suite_clean,
	.tests = connect_tests,
};
