/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a trader asks of a connection through Winsock: SIO_TCP_INFO
 * (TCP_INFO_v0 and v1, and its errors), SO_CONNECT_TIME, TCP_MAXRT;
 * and shutdown(SD_RECEIVE), after which data resets the connection;
 * and every TCB's state and counters in telemetry (/wspdk/tcp).
 */
#include <stdio.h>
#include <stdlib.h>
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

/* ---- /wspdk/tcp ---- */

#define TEL_MAX		(1 << 16)
#define TEL_PAGES	64

/* Every page of /wspdk/tcp, one after another into all (replies
 * concatenated); each page's dicts all there (none dropped for size)
 * and the pages' "listed" summing to its "connections". */
static void
tel_all(char *all, size_t len)
{
	static char page[TEL_MAX];
	uint64_t from = 0, total = 0, listed, sum = 0, conns = 0;
	size_t used = 0;
	int pages = 0;

	all[0] = '\0';
	do {
		char cmd[64];
		const char *p = page;
		uint64_t dicts = 0;

		snprintf(cmd, sizeof(cmd), "/wspdk/tcp,%llu",
			(unsigned long long)from);
		CU_ASSERT_EQUAL_FATAL(wt_tel(wt_tel_prefix(), cmd, page,
			sizeof(page)), 0);
		CU_ASSERT_EQUAL_FATAL(wt_json_u64(page, "listed", &listed), 0);
		CU_ASSERT_EQUAL_FATAL(wt_json_u64(page, "next", &from), 0);
		CU_ASSERT_EQUAL_FATAL(wt_json_u64(page, "connections",
			&total), 0);
		while ((p = strstr(p, "\"tcb_")) != NULL) {
			dicts++;
			p++;
		}
		CU_ASSERT_EQUAL(dicts, listed);
		CU_ASSERT(listed > 0);
		if (pages == 0)
			conns = total;
		sum += listed;
		CU_ASSERT_FATAL(used + strlen(page) < len);
		memcpy(all + used, page, strlen(page) + 1);
		used += strlen(page);
	} while (from != 0 && ++pages < TEL_PAGES);
	CU_ASSERT_EQUAL(from, 0);
	CU_ASSERT_EQUAL(sum, conns);
}

/* The dict of the TCB local:lport -> peer:pport in the replies, copied
 * into out; false if there is none. */
static bool
tel_tcb(const char *all, uint16_t lport, uint16_t pport, char *out,
		size_t len)
{
	char key[96];
	const char *p, *b, *e;

	snprintf(key, sizeof(key), "\"local\":\"198.18.0.2:%u\",\"peer\":"
		"\"198.18.0.2:%u\"", lport, pport);
	p = strstr(all, key);
	if (p == NULL)
		return false;
	for (b = p; b > all && *b != '{'; b--)
		;
	e = strchr(p, '}');
	if (e == NULL || (size_t)(e - b) + 1 >= len)
		return false;
	memcpy(out, b, (size_t)(e - b) + 1);
	out[e - b + 1] = '\0';
	return true;
}

static uint16_t
port_of(SOCKET s, bool peer)
{
	struct sockaddr_in a;
	int n = sizeof(a);

	PT_OK(peer ? getpeername(s, PT_SA(a), &n) :
		getsockname(s, PT_SA(a), &n));
	return ntohs(a.sin_port);
}

static uint64_t
tcb_u64(const char *tcb, const char *key)
{
	uint64_t v = UINT64_MAX;

	CU_ASSERT_EQUAL(wt_json_u64(tcb, key, &v), 0);
	return v;
}

static bool
tcb_state(const char *tcb, const char *want)
{
	char st[32] = "";

	return wt_json_str(tcb, "state", st, sizeof(st)) == 0 &&
		strcmp(st, want) == 0;
}

#define EXTRA_PAIRS	6

/* Connections in several states at once, read through the telemetry
 * socket a page at a time: each one's state, the bytes the test sent
 * and received, sequence numbers that agree across its two ends,
 * TIME-WAIT's time left, the listener; nothing retransmitted. */
static void
test_telemetry_lists_every_tcb_with_state_and_counters(void)
{
	static char all[TEL_MAX * TEL_PAGES / 4], a[4096], b[4096];
	SOCKET c1, s1, c2, s2, c3, s3, l, xc[EXTRA_PAIRS], xs[EXTRA_PAIRS];
	uint16_t c3p, s3p;
	struct sockaddr_in la;
	static char buf[3000];
	uint64_t v;

	memset(buf, 'x', sizeof(buf));
	ta_pair(&c1, &s1);			/* ESTABLISHED, 3000 bytes */
	ta_send_all(c1, buf, sizeof(buf));
	CU_ASSERT_EQUAL(ta_recv_n(s1, buf, sizeof(buf), PT_WAIT_MS), 3000);
	ta_send_all(s1, buf, 700);
	CU_ASSERT_EQUAL(ta_recv_n(c1, buf, 700, PT_WAIT_MS), 700);
	ta_pair(&c2, &s2);			/* FIN-WAIT-2 / CLOSE-WAIT */
	PT_OK(shutdown(c2, SD_SEND));
	CU_ASSERT_EQUAL(ta_recv_n(s2, buf, 1, PT_WAIT_MS), 0);
	ta_pair(&c3, &s3);			/* TIME-WAIT, then gone */
	c3p = port_of(c3, false);
	s3p = port_of(s3, false);
	pt_close(c3);
	CU_ASSERT_EQUAL(ta_recv_n(s3, buf, 1, PT_WAIT_MS), 0);
	pt_close(s3);
	for (int i = 0; i < EXTRA_PAIRS; i++)	/* more than a page */
		ta_pair(&xc[i], &xs[i]);
	l = ta_listener(&la);
	wt_sleep_ms(50);			/* the last ACKs */

	tel_all(all, sizeof(all));
	CU_ASSERT(wt_json_u64(all, "ESTABLISHED", &v) == 0 &&
		v >= 2 + 2 * EXTRA_PAIRS);
	CU_ASSERT(wt_json_u64(all, "connections", &v) == 0 &&
		v >= 6 + 2 * EXTRA_PAIRS);

	/* the sender's end and the receiver's: bytes as sent, one
	 * sequence space seen from both sides */
	CU_ASSERT_FATAL(tel_tcb(all, port_of(c1, false), port_of(c1, true), a,
		sizeof(a)));
	CU_ASSERT_FATAL(tel_tcb(all, port_of(s1, false), port_of(s1, true), b,
		sizeof(b)));
	CU_ASSERT(tcb_state(a, "ESTABLISHED"));
	CU_ASSERT(tcb_state(b, "ESTABLISHED"));
	CU_ASSERT_EQUAL(tcb_u64(a, "bytes_out"), 3000);
	CU_ASSERT_EQUAL(tcb_u64(a, "bytes_in"), 700);
	CU_ASSERT_EQUAL(tcb_u64(b, "bytes_in"), 3000);
	CU_ASSERT_EQUAL(tcb_u64(b, "bytes_out"), 700);
	CU_ASSERT_EQUAL(tcb_u64(a, "snd_nxt"), tcb_u64(b, "rcv_nxt"));
	CU_ASSERT_EQUAL(tcb_u64(b, "snd_nxt"), tcb_u64(a, "rcv_nxt"));
	CU_ASSERT_EQUAL(tcb_u64(a, "snd_una"), tcb_u64(a, "snd_nxt"));
	CU_ASSERT_EQUAL(tcb_u64(a, "in_flight"), 0);
	CU_ASSERT(tcb_u64(a, "segs_out") >= 3 + 2);	/* SYN, data, ACK */
	CU_ASSERT(tcb_u64(b, "segs_in") >= 3);
	/* all but the SYN, which the listener took */
	CU_ASSERT_EQUAL(tcb_u64(a, "segs_out"), tcb_u64(b, "segs_in") + 1);
	CU_ASSERT(tcb_u64(a, "mss") >= 536 && tcb_u64(a, "mss") <= 1460);
	CU_ASSERT(tcb_u64(a, "cwnd") >= tcb_u64(a, "mss"));
	CU_ASSERT(tcb_u64(a, "srtt_us") > 0);
	CU_ASSERT(tcb_u64(a, "rto_us") >= 200000);
	CU_ASSERT(tcb_u64(b, "rcv_wnd") > 0 && tcb_u64(a, "snd_wnd") > 0);
	CU_ASSERT_EQUAL(tcb_u64(a, "rexmit_segs"), 0);
	CU_ASSERT_EQUAL(tcb_u64(a, "rto"), 0);
	CU_ASSERT_EQUAL(tcb_u64(a, "orphan"), 0);

	CU_ASSERT_FATAL(tel_tcb(all, port_of(c2, false), port_of(c2, true), a,
		sizeof(a)));
	CU_ASSERT_FATAL(tel_tcb(all, port_of(s2, false), port_of(s2, true), b,
		sizeof(b)));
	CU_ASSERT(tcb_state(a, "FIN-WAIT-2"));
	CU_ASSERT(tcb_state(b, "CLOSE-WAIT"));
	CU_ASSERT_EQUAL(tcb_u64(a, "snd_nxt"), tcb_u64(b, "rcv_nxt"));

	/* the active closer: an orphan in TIME-WAIT (2 MSL left, never
	 * more); its peer's TCB is gone */
	CU_ASSERT_FATAL(tel_tcb(all, c3p, s3p, a, sizeof(a)));
	CU_ASSERT(tcb_state(a, "TIME-WAIT"));
	CU_ASSERT_EQUAL(tcb_u64(a, "orphan"), 1);
	v = tcb_u64(a, "tw_left_ms");
	CU_ASSERT(v > 0 && v <= 60000);
	CU_ASSERT_FALSE(tel_tcb(all, s3p, c3p, b, sizeof(b)));

	{
		char key[64];

		snprintf(key, sizeof(key), "\"state\":\"LISTEN\",\"lcore\":");
		CU_ASSERT_PTR_NOT_NULL(strstr(all, key));
		snprintf(key, sizeof(key), "\"local\":\"198.18.0.2:%u\","
			"\"children\":0", ntohs(la.sin_port));
		CU_ASSERT_PTR_NOT_NULL(strstr(all, key));
	}
	/* a parameter that is not a socket id: an error, not a list */
	CU_ASSERT_EQUAL(wt_tel(wt_tel_prefix(), "/wspdk/tcp,x1", a,
		sizeof(a)), 0);
	CU_ASSERT_PTR_NULL(strstr(a, "\"tcb_"));

	for (int i = 0; i < EXTRA_PAIRS; i++) {
		pt_close(xc[i]);
		pt_close(xs[i]);
	}
	pt_close(c1);
	pt_close(s1);
	pt_close(c2);
	pt_close(s2);
	pt_close(l);
}

static const struct wt_test info_tests[] = {
	WT_TEST(test_sio_tcp_info_v0_and_v1_report_the_connection),
	WT_TEST(test_sio_tcp_info_errors_and_listener_state),
	WT_TEST(test_so_connect_time_is_ffffffff_then_seconds),
	WT_TEST(test_tcp_maxrt_set_and_read_back),
	WT_TEST(test_data_after_shutdown_receive_resets_the_connection),
	WT_TEST(test_telemetry_lists_every_tcb_with_state_and_counters),
	WT_TEST_END
};

const struct wt_suite test_tcp_info_suite = {
	.name = "tcp_info",
	.clean = pt_suite_clean,
	.tests = info_tests,
};
