/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a trader asks of a connection through Winsock: SIO_TCP_INFO
 * (TCP_INFO_v0 and v1, and its errors), SO_CONNECT_TIME, TCP_MAXRT;
 * and shutdown(SD_RECEIVE), after which data resets the connection.
 */
#include <string.h>

#include <CUnit/CUnit.h>

#include "wt.h"
#include "tcp_api.h"

static int
tcp_info(SOCKET s, DWORD ver, void *out, DWORD outlen, DWORD *n)
{
	return WSAIoctl(s, SIO_TCP_INFO, &ver, sizeof(ver), out, outlen, n,
		NULL, NULL);
}

/* v0 and v1 on a connection that carried 1000 bytes each way: sizes,
 * state, MSS, bytes both ways, an RTT, nothing retransmitted. */
static void
test_sio_tcp_info_v0_and_v1_report_the_connection(void)
{
	SOCKET c, s;
	TCP_INFO_v0 t0;
	TCP_INFO_v1 t1;
	char buf[1000];
	DWORD n = 0;

	ta_pair(&c, &s);
	memset(buf, 'x', sizeof(buf));
	ta_send_all(c, buf, sizeof(buf));
	CU_ASSERT_EQUAL(ta_recv_n(s, buf, sizeof(buf), PT_WAIT_MS), 1000);
	ta_send_all(s, buf, sizeof(buf));
	CU_ASSERT_EQUAL(ta_recv_n(c, buf, sizeof(buf), PT_WAIT_MS), 1000);
	wt_sleep_ms(20);			/* the last ACKs */
	memset(&t0, 0xee, sizeof(t0));
	PT_OK(tcp_info(c, 0, &t0, sizeof(t0), &n));
	CU_ASSERT_EQUAL(n, sizeof(TCP_INFO_v0));
	CU_ASSERT_EQUAL(n, 88);
	CU_ASSERT_EQUAL(t0.State, TCPSTATE_ESTABLISHED);
	CU_ASSERT(t0.Mss >= 536 && t0.Mss <= 1460);
	CU_ASSERT_EQUAL(t0.BytesOut, 1000);
	CU_ASSERT_EQUAL(t0.BytesIn, 1000);
	CU_ASSERT_EQUAL(t0.BytesInFlight, 0);
	CU_ASSERT(t0.RttUs > 0 && t0.MinRttUs > 0 &&
		t0.MinRttUs <= t0.RttUs + 1);
	CU_ASSERT(t0.Cwnd >= t0.Mss);
	CU_ASSERT(t0.SndWnd > 0 && t0.RcvWnd > 0 && t0.RcvBuf > 0);
	CU_ASSERT_EQUAL(t0.BytesRetrans, 0);
	CU_ASSERT_EQUAL(t0.TimeoutEpisodes, 0);
	CU_ASSERT_EQUAL(t0.SynRetrans, 0);
	CU_ASSERT_EQUAL(t0.TimestampsEnabled, 1);	/* both ours */
	CU_ASSERT(t0.ConnectionTimeMs < 60000);
	memset(&t1, 0xee, sizeof(t1));
	PT_OK(tcp_info(s, 1, &t1, sizeof(t1), &n));
	CU_ASSERT_EQUAL(n, 136);
	CU_ASSERT_EQUAL(t1.State, TCPSTATE_ESTABLISHED);
	CU_ASSERT_EQUAL(t1.BytesOut, 1000);
	CU_ASSERT_EQUAL(t1.BytesIn, 1000);
	CU_ASSERT_EQUAL(t1.SndLimBytesRwin + t1.SndLimBytesCwnd +
		t1.SndLimBytesSnd, 1000);
	CU_ASSERT(t1.SndLimTransSnd >= 1);
	pt_close(c);
	pt_close(s);
}

/* The documented failures: version 2 or a UDP socket WSAEINVAL; a
 * short output or input buffer WSAEFAULT; a listener answers LISTEN. */
static void
test_sio_tcp_info_errors_and_listener_state(void)
{
	SOCKET l = ta_listener(NULL), u = pt_socket(SOCK_DGRAM, IPPROTO_UDP);
	TCP_INFO_v1 t;
	DWORD n = 0, ver = 0;

	PT_FAILS(tcp_info(l, 2, &t, sizeof(t), &n), WSAEINVAL);
	PT_FAILS(tcp_info(l, 0, &t, sizeof(TCP_INFO_v0) - 1, &n), WSAEFAULT);
	PT_FAILS(tcp_info(l, 1, &t, sizeof(TCP_INFO_v0), &n), WSAEFAULT);
	PT_FAILS(WSAIoctl(l, SIO_TCP_INFO, &ver, 2, &t, sizeof(t), &n, NULL,
		NULL), WSAEFAULT);
	PT_FAILS(WSAIoctl(l, SIO_TCP_INFO, NULL, 4, &t, sizeof(t), &n, NULL,
		NULL), WSAEFAULT);
	PT_FAILS(tcp_info(u, 0, &t, sizeof(t), &n), WSAEINVAL);
	PT_OK(tcp_info(l, 0, &t, sizeof(TCP_INFO_v0), &n));
	CU_ASSERT_EQUAL(t.State, TCPSTATE_LISTEN);
	pt_close(u);
	pt_close(l);
}

/* SO_CONNECT_TIME: 0xFFFFFFFF before the connection, then its seconds;
 * read only; not an option of datagram sockets. */
static void
test_so_connect_time_is_ffffffff_then_seconds(void)
{
	SOCKET t = ta_tcp(), u = pt_socket(SOCK_DGRAM, IPPROTO_UDP), c, s;
	DWORD v = 0;
	int len = sizeof(v);

	CU_ASSERT_EQUAL((DWORD)ta_getopt_int(t, SOL_SOCKET, SO_CONNECT_TIME),
		0xFFFFFFFFu);
	PT_FAILS(getsockopt(u, SOL_SOCKET, SO_CONNECT_TIME, (char *)&v, &len),
		WSAENOPROTOOPT);
	PT_FAILS(setsockopt(t, SOL_SOCKET, SO_CONNECT_TIME, (char *)&v,
		sizeof(v)), WSAENOPROTOOPT);
	ta_pair(&c, &s);
	CU_ASSERT_EQUAL(ta_getopt_int(c, SOL_SOCKET, SO_CONNECT_TIME), 0);
	wt_sleep_ms(1100);
	CU_ASSERT_EQUAL(ta_getopt_int(c, SOL_SOCKET, SO_CONNECT_TIME), 1);
	CU_ASSERT_EQUAL(ta_getopt_int(s, SOL_SOCKET, SO_CONNECT_TIME), 1);
	pt_close(c);
	pt_close(s);
	pt_close(u);
	pt_close(t);
}

/* TCP_MAXRT (IPPROTO_TCP, 5): 0 by default, seconds or -1 read back,
 * below -1 WSAEINVAL, not an option of datagram sockets. */
static void
test_tcp_maxrt_set_and_read_back(void)
{
	SOCKET t = ta_tcp(), u = pt_socket(SOCK_DGRAM, IPPROTO_UDP);
	int v = -2;

	CU_ASSERT_EQUAL(TCP_MAXRT, 5);
	CU_ASSERT_EQUAL(ta_getopt_int(t, IPPROTO_TCP, TCP_MAXRT), 0);
	pt_setopt_int(t, IPPROTO_TCP, TCP_MAXRT, 7);
	CU_ASSERT_EQUAL(ta_getopt_int(t, IPPROTO_TCP, TCP_MAXRT), 7);
	pt_setopt_int(t, IPPROTO_TCP, TCP_MAXRT, -1);
	CU_ASSERT_EQUAL(ta_getopt_int(t, IPPROTO_TCP, TCP_MAXRT), -1);
	PT_FAILS(setsockopt(t, IPPROTO_TCP, TCP_MAXRT, (char *)&v, sizeof(v)),
		WSAEINVAL);
	PT_FAILS(setsockopt(u, IPPROTO_TCP, TCP_MAXRT, (char *)&v, sizeof(v)),
		WSAENOPROTOOPT);
	pt_close(u);
	pt_close(t);
}

/* shutdown(SD_RECEIVE), then the peer sends: the connection is reset
 * (the sender's next call fails WSAECONNRESET, ours too). */
static void
test_data_after_shutdown_receive_resets_the_connection(void)
{
	SOCKET c, s;
	char b[8];

	ta_pair(&c, &s);
	PT_OK(shutdown(s, SD_RECEIVE));
	PT_FAILS(recv(s, b, sizeof(b), 0), WSAESHUTDOWN);
	ta_send_all(c, "late", 4);
	CU_ASSERT(ta_ready(c, 0, PT_WAIT_MS));
	PT_FAILS(recv(c, b, sizeof(b), 0), WSAECONNRESET);
	PT_FAILS(send(s, "x", 1, 0), WSAECONNRESET);
	pt_close(c);
	pt_close(s);
}

static const struct wt_test info_tests[] = {
	WT_TEST(test_sio_tcp_info_v0_and_v1_report_the_connection),
	WT_TEST(test_sio_tcp_info_errors_and_listener_state),
	WT_TEST(test_so_connect_time_is_ffffffff_then_seconds),
	WT_TEST(test_tcp_maxrt_set_and_read_back),
	WT_TEST(test_data_after_shutdown_receive_resets_the_connection),
	WT_TEST_END
};

const struct wt_suite test_tcp_info_suite = {
	.name = "tcp_info",
	.clean = pt_suite_clean,
	.tests = info_tests,
};
