/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Options on TCP sockets and overlapped WSASend/WSARecv on a connection.
 */
#include <string.h>

#include <CUnit/CUnit.h>

#include "wt.h"
#include "tcp_api.h"

/* ---- options ---- */

/* TCP_NODELAY (IPPROTO_TCP, 1) is off by default, set and read back. */
static void
test_tcp_nodelay_set_and_read_back(void)
{
	SOCKET s = ta_tcp();

	CU_ASSERT_EQUAL(TCP_NODELAY, 1);
	CU_ASSERT_EQUAL(ta_getopt_int(s, IPPROTO_TCP, TCP_NODELAY), 0);
	pt_setopt_int(s, IPPROTO_TCP, TCP_NODELAY, 1);
	CU_ASSERT_EQUAL(ta_getopt_int(s, IPPROTO_TCP, TCP_NODELAY), 1);
	pt_close(s);
}

/* SO_KEEPALIVE is off by default, set and read back. */
static void
test_so_keepalive_accepted_and_reported(void)
{
	SOCKET s = ta_tcp();

	CU_ASSERT_EQUAL(ta_getopt_int(s, SOL_SOCKET, SO_KEEPALIVE), 0);
	pt_setopt_int(s, SOL_SOCKET, SO_KEEPALIVE, 1);
	CU_ASSERT_EQUAL(ta_getopt_int(s, SOL_SOCKET, SO_KEEPALIVE), 1);
	pt_close(s);
}

/* The engine's count of keepalive probes sent (/wspdk/stats). */
static uint64_t
keepalive_probes(void)
{
	char json[16384];
	uint64_t v = UINT64_MAX;

	if (wt_tel(wt_tel_prefix(), "/wspdk/stats", json, sizeof(json)) == 0)
		wt_json_u64(json, "tcp_keepalive", &v);
	return v;
}

/*
 * SIO_KEEPALIVE_VALS {on, 50 ms, 20 ms} on an idle connection: probes
 * go out (our own stack answers them on the loop device) and the
 * connection still carries data; SO_KEEPALIVE then reads 1. On a
 * datagram socket the ioctl does not apply (WSAEINVAL); a short input
 * buffer is WSAEFAULT.
 */
static void
test_sio_keepalive_vals_probes_an_idle_connection(void)
{
	struct tcp_keepalive k = { 1, 50, 20 };
	SOCKET c, d, u = socket(AF_INET, SOCK_DGRAM, 0);
	uint64_t before, after;
	char b[4];
	DWORD n;

	ta_pair(&c, &d);
	before = keepalive_probes();
	CU_ASSERT_NOT_EQUAL_FATAL(before, UINT64_MAX);
	PT_OK(WSAIoctl(c, SIO_KEEPALIVE_VALS, &k, sizeof(k), NULL, 0, &n,
		NULL, NULL));
	CU_ASSERT_EQUAL(ta_getopt_int(c, SOL_SOCKET, SO_KEEPALIVE), 1);
	for (int i = 0; i < 100 && keepalive_probes() < before + 3; i++)
		wt_sleep_ms(20);
	after = keepalive_probes();
	CU_ASSERT(after >= before + 3);
	ta_send_all(c, "ping", 4);
	CU_ASSERT_EQUAL(ta_recv_n(d, b, 4, PT_WAIT_MS), 4);
	k.onoff = 0;
	PT_OK(WSAIoctl(c, SIO_KEEPALIVE_VALS, &k, sizeof(k), NULL, 0, &n,
		NULL, NULL));
	CU_ASSERT_EQUAL(ta_getopt_int(c, SOL_SOCKET, SO_KEEPALIVE), 0);
	PT_FAILS(WSAIoctl(c, SIO_KEEPALIVE_VALS, &k, sizeof(k) - 1, NULL, 0,
		&n, NULL, NULL), WSAEFAULT);
	PT_FAILS(WSAIoctl(u, SIO_KEEPALIVE_VALS, &k, sizeof(k), NULL, 0, &n,
		NULL, NULL), WSAEINVAL);
	pt_close(u);
	pt_close(c);
	pt_close(d);
}

/* SO_RCVBUF and SO_SNDBUF: 64 KB by default, set and read back. */
static void
test_buffers_default_set_and_read_back(void)
{
	SOCKET s = ta_tcp();

	CU_ASSERT_EQUAL(ta_getopt_int(s, SOL_SOCKET, SO_RCVBUF), 65536);
	CU_ASSERT_EQUAL(ta_getopt_int(s, SOL_SOCKET, SO_SNDBUF), 65536);
	pt_setopt_int(s, SOL_SOCKET, SO_RCVBUF, 1 << 20);
	pt_setopt_int(s, SOL_SOCKET, SO_SNDBUF, 8192);
	CU_ASSERT_EQUAL(ta_getopt_int(s, SOL_SOCKET, SO_RCVBUF), 1 << 20);
	CU_ASSERT_EQUAL(ta_getopt_int(s, SOL_SOCKET, SO_SNDBUF), 8192);
	pt_close(s);
}

/*
 * A 4 MB SO_RCVBUF promises more than the receive ring holds (it is
 * capped at a share of the pool, 2047 slots of one segment each with
 * the default pool): the window must follow the slots, so a receiver
 * that does not read makes its peer wait, never drops what came in
 * order (tcp_rx_full) or out of it. Then every byte arrives.
 */
static void
test_large_rcvbuf_window_never_outruns_the_receive_ring(void)
{
	static char buf[65536];
	uint64_t full0 = wt_stat("tcp_rx_full");
	uint64_t ooo0 = wt_stat("tcp_ooo_drop");
	size_t sent = 0, got = 0;
	SOCKET c, s;
	int n;

	ta_pair_rcvbuf(&c, &s, 4 << 20);
	pt_setopt_int(c, SOL_SOCKET, SO_SNDBUF, 4 << 20);
	pt_nonblocking(c, true);
	memset(buf, 'w', sizeof(buf));
	/* Far more than the window: the sender runs into it. */
	for (int i = 0; i < 2000 && sent < (16u << 20); i++) {
		n = send(c, buf, sizeof(buf), 0);
		if (n > 0) {
			sent += (size_t)n;
			continue;
		}
		CU_ASSERT_EQUAL_FATAL(WSAGetLastError(), WSAEWOULDBLOCK);
		wt_sleep_ms(5);
	}
	CU_ASSERT(sent > (4u << 20));
	CU_ASSERT_EQUAL(wt_stat("tcp_rx_full"), full0);
	CU_ASSERT_EQUAL(wt_stat("tcp_ooo_drop"), ooo0);
	pt_nonblocking(c, false);
	while (got < sent) {
		n = ta_recv_n(s, buf, (int)(sent - got < sizeof(buf) ?
			sent - got : sizeof(buf)), PT_WAIT_MS);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	CU_ASSERT_EQUAL(got, sent);
	CU_ASSERT_EQUAL(wt_stat("tcp_rx_full"), full0);
	pt_close(c);
	pt_close(s);
}

/* Options of the other socket type are unknown: datagram ones on TCP,
 * TCP_NODELAY and SO_KEEPALIVE on UDP (WSAENOPROTOOPT). */
static void
test_options_of_other_type_fail_enoprotoopt(void)
{
	SOCKET t = ta_tcp(), u = socket(AF_INET, SOCK_DGRAM, 0);
	int one = 1, v, len = sizeof(v);

	PT_FAILS(setsockopt(t, SOL_SOCKET, SO_BROADCAST, (char *)&one,
		sizeof(one)), WSAENOPROTOOPT);
	PT_FAILS(getsockopt(t, SOL_SOCKET, SO_MAX_MSG_SIZE, (char *)&v,
		&len), WSAENOPROTOOPT);
	PT_FAILS(setsockopt(t, IPPROTO_IP, IP_MULTICAST_TTL, (char *)&one,
		sizeof(one)), WSAENOPROTOOPT);
	PT_FAILS(setsockopt(u, IPPROTO_TCP, TCP_NODELAY, (char *)&one,
		sizeof(one)), WSAENOPROTOOPT);
	PT_FAILS(setsockopt(u, SOL_SOCKET, SO_KEEPALIVE, (char *)&one,
		sizeof(one)), WSAENOPROTOOPT);
	pt_close(t);
	pt_close(u);
}

/* SO_ERROR of a healthy connection is 0; SO_ACCEPTCONN FALSE on both
 * of its ends; SO_TYPE read-only. */
static void
test_connected_error_acceptconn_and_type(void)
{
	int v = SOCK_DGRAM;
	SOCKET c, s;

	ta_pair(&c, &s);
	CU_ASSERT_EQUAL(ta_getopt_int(c, SOL_SOCKET, SO_ERROR), 0);
	CU_ASSERT_EQUAL(ta_getopt_int(c, SOL_SOCKET, SO_ACCEPTCONN), FALSE);
	CU_ASSERT_EQUAL(ta_getopt_int(s, SOL_SOCKET, SO_ACCEPTCONN), FALSE);
	PT_FAILS(setsockopt(c, SOL_SOCKET, SO_TYPE, (char *)&v, sizeof(v)),
		WSAENOPROTOOPT);
	pt_close(c);
	pt_close(s);
}

/* ---- overlapped ---- */

/* A WSARecv with nothing there pends (WSA_IO_PENDING), then completes
 * once with the bytes; WSASend completes at once with every byte. */
static void
test_overlapped_recv_pends_then_completes_send_completes(void)
{
	WSAOVERLAPPED ro, so;
	char b[16];
	WSABUF rb = { sizeof(b), b }, sb = { 5, "hello" };
	DWORD n = 0, fl = 0, sent = 0;
	SOCKET c, s;

	ta_pair(&c, &s);
	memset(&ro, 0, sizeof(ro));
	memset(&so, 0, sizeof(so));
	ro.hEvent = WSACreateEvent();
	so.hEvent = WSACreateEvent();
	PT_FAILS(WSARecv(s, &rb, 1, &n, &fl, &ro, NULL), WSA_IO_PENDING);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ro.hEvent, TRUE, 0,
		FALSE), WSA_WAIT_TIMEOUT);
	PT_OK(WSASend(c, &sb, 1, &sent, 0, &so, NULL));
	CU_ASSERT_EQUAL(sent, 5);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &so.hEvent, TRUE,
		PT_WAIT_MS, FALSE), WSA_WAIT_EVENT_0);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ro.hEvent, TRUE,
		PT_WAIT_MS, FALSE), WSA_WAIT_EVENT_0);
	CU_ASSERT_TRUE(WSAGetOverlappedResult(s, &ro, &n, FALSE, &fl));
	CU_ASSERT_EQUAL(n, 5);
	CU_ASSERT_EQUAL(memcmp(b, "hello", 5), 0);
	WSACloseEvent(ro.hEvent);
	WSACloseEvent(so.hEvent);
	pt_close(c);
	pt_close(s);
}

/* A pending WSARecv completes with 0 bytes at the peer's FIN. */
static void
test_overlapped_recv_completes_zero_at_fin(void)
{
	WSAOVERLAPPED ro;
	char b[16];
	WSABUF rb = { sizeof(b), b };
	DWORD n = 1, fl = 0;
	SOCKET c, s;

	ta_pair(&c, &s);
	memset(&ro, 0, sizeof(ro));
	ro.hEvent = WSACreateEvent();
	PT_FAILS(WSARecv(s, &rb, 1, &n, &fl, &ro, NULL), WSA_IO_PENDING);
	PT_OK(shutdown(c, SD_SEND));
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ro.hEvent, TRUE,
		PT_WAIT_MS, FALSE), WSA_WAIT_EVENT_0);
	CU_ASSERT_TRUE(WSAGetOverlappedResult(s, &ro, &n, FALSE, &fl));
	CU_ASSERT_EQUAL(n, 0);
	WSACloseEvent(ro.hEvent);
	pt_close(c);
	pt_close(s);
}

/* An overlapped call that fails at once (not connected, MSG_OOB,
 * MSG_WAITALL with MSG_PEEK) indicates no completion: the event stays
 * unset. */
static void
test_overlapped_immediate_error_has_no_completion(void)
{
	WSAOVERLAPPED ov;
	char b[4];
	WSABUF wb = { sizeof(b), b };
	DWORD n = 0, fl = 0;
	SOCKET u = ta_tcp(), c, s;

	memset(&ov, 0, sizeof(ov));
	ov.hEvent = WSACreateEvent();
	PT_FAILS(WSASend(u, &wb, 1, &n, 0, &ov, NULL), WSAENOTCONN);
	PT_FAILS(WSARecv(u, &wb, 1, &n, &fl, &ov, NULL), WSAENOTCONN);
	ta_pair(&c, &s);
	PT_FAILS(WSASend(c, &wb, 1, &n, MSG_OOB, &ov, NULL), WSAEOPNOTSUPP);
	fl = MSG_WAITALL | MSG_PEEK;
	PT_FAILS(WSARecv(s, &wb, 1, &n, &fl, &ov, NULL), WSAEOPNOTSUPP);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ov.hEvent, TRUE, 50,
		FALSE), WSA_WAIT_TIMEOUT);
	WSACloseEvent(ov.hEvent);
	pt_close(u);
	pt_close(c);
	pt_close(s);
}

static const struct wt_test options_tests[] = {
	WT_TEST(test_tcp_nodelay_set_and_read_back),
	WT_TEST(test_so_keepalive_accepted_and_reported),
	WT_TEST(test_sio_keepalive_vals_probes_an_idle_connection),
	WT_TEST(test_buffers_default_set_and_read_back),
	WT_TEST(test_large_rcvbuf_window_never_outruns_the_receive_ring),
	WT_TEST(test_options_of_other_type_fail_enoprotoopt),
	WT_TEST(test_connected_error_acceptconn_and_type),
	WT_TEST_END
};

const struct wt_suite test_tcp_options_suite = {
	.name = "tcp_options",
	.clean = pt_suite_clean,
	.tests = options_tests,
};

static const struct wt_test overlapped_tests[] = {
	WT_TEST(test_overlapped_recv_pends_then_completes_send_completes),
	WT_TEST(test_overlapped_recv_completes_zero_at_fin),
	WT_TEST(test_overlapped_immediate_error_has_no_completion),
	WT_TEST_END
};

const struct wt_suite test_tcp_overlapped_suite = {
	.name = "tcp_overlapped",
	.clean = pt_suite_clean,
	.tests = overlapped_tests,
};
