/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The OS path inside an accelerated process (issue #15 item 2), through
 * the public Winsock API of the stand-in, the provider on the loop
 * device: sockets to or on 127.0.0.1 are served by the OS provider (the
 * stand-in's kernel-socket provider) behind wspdk's own handles, next to
 * accelerated sockets in the same select and WSAPoll.
 */
#include <pthread.h>
#include <string.h>

#include "kserver.h"
#include "ospath_util.h"
#include "pt.h"

static struct sockaddr_in
loopback(uint16_t port)
{
	return pt_sin(INADDR_LOOPBACK, port);
}

static void
test_tcp_client_talks_to_a_kernel_server_both_ways_and_closes(void)
{
	SOCKET c = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	struct sockaddr_in to;
	struct ks_result r;
	uint16_t port;
	char buf[16];

	CU_ASSERT_EQUAL_FATAL(ks_start(&port, 5, "world"), 0);
	to = loopback(port);
	PT_OK(connect(c, PT_SA(to), PT_SIN_LEN));
	CU_ASSERT_EQUAL(pt_name_of(c, true).sin_port, htons(port));
	CU_ASSERT_EQUAL(pt_name_of(c, false).sin_addr.s_addr,
		htonl(INADDR_LOOPBACK));
	CU_ASSERT_EQUAL(send(c, "hello", 5, 0), 5);
	CU_ASSERT_EQUAL(recv(c, buf, sizeof(buf), 0), 5);
	CU_ASSERT_EQUAL(memcmp(buf, "world", 5), 0);
	CU_ASSERT_EQUAL(send(c, "!", 1, 0), 1);
	/* Graceful close: our FIN reaches the server, then its own. */
	PT_OK(shutdown(c, SD_SEND));
	CU_ASSERT_EQUAL(recv(c, buf, sizeof(buf), 0), 0);
	pt_close(c);
	CU_ASSERT_EQUAL(ks_join(&r), 0);
	CU_ASSERT_EQUAL(r.len, 6);
	CU_ASSERT_EQUAL(memcmp(r.got, "hello!", 6), 0);
	CU_ASSERT_TRUE(r.eof);
}

/* asio's socket_select_interrupter: listener on 127.0.0.1:0, connect,
 * accept, both non-blocking with TCP_NODELAY, the names must match. */
static void
test_asio_style_loopback_pair_connects_and_exchanges(void)
{
	SOCKET l = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	SOCKET c = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	struct sockaddr_in la = loopback(0), peer;
	int plen = sizeof(peer);
	SOCKET a;
	char buf[8];

	pt_setopt_int(l, SOL_SOCKET, SO_REUSEADDR, 1);
	PT_OK(bind(l, PT_SA(la), PT_SIN_LEN));
	PT_OK(listen(l, SOMAXCONN));
	la = pt_name_of(l, false);
	CU_ASSERT_EQUAL(la.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	PT_OK(connect(c, PT_SA(la), PT_SIN_LEN));
	a = accept(l, PT_SA(peer), &plen);
	CU_ASSERT_NOT_EQUAL_FATAL(a, INVALID_SOCKET);
	/* asio checks the accepted peer is the connecting socket. */
	CU_ASSERT_EQUAL(peer.sin_port, pt_name_of(c, false).sin_port);
	CU_ASSERT_EQUAL(pt_name_of(a, false).sin_port, la.sin_port);
	pt_nonblocking(c, true);
	pt_nonblocking(a, true);
	pt_setopt_int(c, IPPROTO_TCP, TCP_NODELAY, 1);
	pt_setopt_int(a, IPPROTO_TCP, TCP_NODELAY, 1);
	/* Nothing yet: a non-blocking read would block. */
	PT_FAILS(recv(a, buf, sizeof(buf), 0), WSAEWOULDBLOCK);
	CU_ASSERT_EQUAL(send(c, "!", 1, 0), 1);
	CU_ASSERT_TRUE(pt_readable(a, PT_WAIT_MS));
	CU_ASSERT_EQUAL(recv(a, buf, sizeof(buf), 0), 1);
	CU_ASSERT_EQUAL(send(a, "ab", 2, 0), 2);
	CU_ASSERT_TRUE(pt_readable(c, PT_WAIT_MS));
	CU_ASSERT_EQUAL(recv(c, buf, sizeof(buf), 0), 2);
	/* l, c and a are wspdk handles, each with an OS provider socket
	 * behind it: six handles, where handing the OS provider's own to
	 * the application would make five. */
	CU_ASSERT_EQUAL(ws2_stub_socket_count(), 6);
	pt_close(a);
	pt_close(c);
	pt_close(l);
}

static void
test_udp_to_loopback_first_send_decides(void)
{
	struct sockaddr_in an, from;
	SOCKET a = ou_udp_bound(INADDR_LOOPBACK, &an);
	SOCKET b = pt_socket(SOCK_DGRAM, IPPROTO_UDP);
	int flen = sizeof(from);
	char buf[16];

	/* b is unbound: its first sendto (to loopback) picks the OS. */
	CU_ASSERT_EQUAL(sendto(b, "ping", 4, 0, PT_SA(an), PT_SIN_LEN), 4);
	CU_ASSERT_TRUE(pt_readable(a, PT_WAIT_MS));
	CU_ASSERT_EQUAL(recvfrom(a, buf, sizeof(buf), 0, PT_SA(from),
		&flen), 4);
	CU_ASSERT_EQUAL(from.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	CU_ASSERT_EQUAL(from.sin_port, pt_name_of(b, false).sin_port);
	CU_ASSERT_EQUAL(sendto(a, "pong", 4, 0, PT_SA(from), PT_SIN_LEN), 4);
	CU_ASSERT_TRUE(pt_readable(b, PT_WAIT_MS));
	CU_ASSERT_EQUAL(recv(b, buf, sizeof(buf), 0), 4);
	CU_ASSERT_EQUAL(memcmp(buf, "pong", 4), 0);
	pt_close(a);
	pt_close(b);
}

/*
 * Winsock's codes on a loopback socket, as on a local one (found by
 * fuzz_api): a blocking receive past SO_RCVTIMEO fails WSAETIMEDOUT
 * (not WSAEWOULDBLOCK), send on an unconnected datagram socket
 * WSAENOTCONN (Linux's EDESTADDRREQ is sendto's code only).
 */
static void
test_loopback_timeouts_and_unconnected_send_codes(void)
{
	struct sockaddr_in an;
	SOCKET a = ou_udp_bound(INADDR_LOOPBACK, &an);
	DWORD ms = 50, got = 0;
	int len = sizeof(got);
	char buf[16];

	PT_OK(setsockopt(a, SOL_SOCKET, SO_RCVTIMEO, (const char *)&ms,
		sizeof(ms)));
	PT_OK(getsockopt(a, SOL_SOCKET, SO_RCVTIMEO, (char *)&got, &len));
	CU_ASSERT_EQUAL(got, 50);
	CU_ASSERT_EQUAL(recv(a, buf, sizeof(buf), 0), SOCKET_ERROR);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAETIMEDOUT);
	CU_ASSERT_EQUAL(send(a, "x", 1, 0), SOCKET_ERROR);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAENOTCONN);
	pt_close(a);
}

/* A port on 127.0.0.1 nobody listens on (bound, then closed). */
static struct sockaddr_in
closed_loopback_port(void)
{
	SOCKET t = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	struct sockaddr_in sin = loopback(0);

	PT_OK(bind(t, PT_SA(sin), PT_SIN_LEN));
	sin = pt_name_of(t, false);
	pt_close(t);
	return sin;
}

/* A one-byte send on non-blocking s, again while it would block (a
 * connect under way), for up to PT_WAIT_MS: what it ended with. */
static int
send_settled(SOCKET s)
{
	int r = SOCKET_ERROR;

	for (int i = 0; i < PT_WAIT_MS / 10; i++) {
		r = send(s, "x", 1, 0);
		if (r != SOCKET_ERROR || WSAGetLastError() != WSAEWOULDBLOCK)
			break;
		SleepEx(10, FALSE);
	}
	return r;
}

/*
 * After a refused connect a stream socket is not connected: send and
 * recv fail WSAENOTCONN, as MSAFD says, not Linux's EPIPE (which the
 * stand-in gave as WSAESHUTDOWN) nor the refusal again (found by
 * fuzz_api). Blocking and non-blocking connects alike; shutdown(SD_SEND)
 * keeps WSAESHUTDOWN.
 */
static void
test_stream_calls_after_a_refused_connect_fail_wsaenotconn(void)
{
	struct sockaddr_in to = closed_loopback_port(), la = loopback(0);
	SOCKET c = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	SOCKET n = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	SOCKET l = pt_socket(SOCK_STREAM, IPPROTO_TCP), a, s;
	char buf[4];
	int r;

	PT_FAILS(connect(c, PT_SA(to), PT_SIN_LEN), WSAECONNREFUSED);
	PT_FAILS(send(c, "x", 1, 0), WSAENOTCONN);
	PT_FAILS(recv(c, buf, sizeof(buf), 0), WSAENOTCONN);
	pt_nonblocking(n, true);
	PT_FAILS(connect(n, PT_SA(to), PT_SIN_LEN), WSAEWOULDBLOCK);
	/* The first send after the refusal arrives, then the next. */
	r = send_settled(n);
	CU_ASSERT_EQUAL(r, SOCKET_ERROR);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAENOTCONN);
	PT_FAILS(send(n, "x", 1, 0), WSAENOTCONN);
	PT_OK(bind(l, PT_SA(la), PT_SIN_LEN));
	PT_OK(listen(l, 1));
	la = pt_name_of(l, false);
	s = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	PT_OK(connect(s, PT_SA(la), PT_SIN_LEN));
	a = accept(l, NULL, NULL);
	CU_ASSERT_NOT_EQUAL_FATAL(a, INVALID_SOCKET);
	PT_OK(shutdown(s, SD_SEND));
	PT_FAILS(send(s, "x", 1, 0), WSAESHUTDOWN);
	pt_close(a);
	pt_close(s);
	pt_close(l);
	pt_close(n);
	pt_close(c);
}

/*
 * A refused attempt whose error a send reported is over: connect may be
 * called again on the socket (connect's page: after WSAECONNREFUSED "the
 * application can call connect again") and starts a new attempt. Linux
 * answers that connect ECONNABORTED, which connect's page does not list
 * (found by fuzz_api on the OS path).
 */
static void
test_connect_again_after_a_refusal_a_send_reported_starts_anew(void)
{
	struct sockaddr_in to = closed_loopback_port(), la = loopback(0);
	SOCKET n = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	SOCKET l = pt_socket(SOCK_STREAM, IPPROTO_TCP), a;
	int r;

	PT_OK(bind(l, PT_SA(la), PT_SIN_LEN));
	PT_OK(listen(l, 1));
	la = pt_name_of(l, false);
	pt_nonblocking(n, true);
	PT_FAILS(connect(n, PT_SA(to), PT_SIN_LEN), WSAEWOULDBLOCK);
	r = send_settled(n);
	CU_ASSERT_EQUAL(r, SOCKET_ERROR);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAENOTCONN);
	PT_FAILS(connect(n, PT_SA(la), PT_SIN_LEN), WSAEWOULDBLOCK);
	r = send_settled(n);
	CU_ASSERT_EQUAL(r, 1);
	pt_nonblocking(l, true);	/* bounded, if nothing came */
	a = accept(l, NULL, NULL);
	CU_ASSERT_NOT_EQUAL(a, INVALID_SOCKET);
	if (a != INVALID_SOCKET)
		pt_close(a);
	pt_close(l);
	pt_close(n);
}

struct delayed {
	SOCKET from;
	struct sockaddr_in to;
};

static void *
send_later(void *arg)
{
	struct delayed *d = arg;

	SleepEx(100, FALSE);
	sendto(d->from, "x", 1, 0, PT_SA(d->to), PT_SIN_LEN);
	return NULL;
}

/* One accelerated UDP socket (loop device) and one loopback socket: a
 * datagram that comes while select waits wakes it, for either kind. */
static void
test_select_over_a_mix_wakes_for_each_kind(void)
{
	struct sockaddr_in dn, on, xn;
	SOCKET d = ou_udp_bound(PT_IP, &dn);
	SOCKET o = ou_udp_bound(INADDR_LOOPBACK, &on);
	SOCKET dsend = ou_udp_bound(PT_IP, &xn);
	SOCKET osend = ou_udp_bound(INADDR_LOOPBACK, &xn);
	struct delayed job[2] = { { osend, on }, { dsend, dn } };
	SOCKET want[2] = { o, d };
	struct timeval tv = { 5, 0 };
	char buf[8];

	for (int k = 0; k < 2; k++) {
		pthread_t t;
		fd_set r;

		FD_ZERO(&r);
		FD_SET(d, &r);
		FD_SET(o, &r);
		CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, send_later,
			&job[k]), 0);
		CU_ASSERT_EQUAL(select(0, &r, NULL, NULL, &tv), 1);
		CU_ASSERT_EQUAL(r.fd_count, 1);
		CU_ASSERT_TRUE(FD_ISSET(want[k], &r));
		pthread_join(t, NULL);
		CU_ASSERT_EQUAL(recv(want[k], buf, sizeof(buf), 0), 1);
	}
	pt_close(d);
	pt_close(o);
	pt_close(dsend);
	pt_close(osend);
}

static void
test_wsapoll_over_a_mix_wakes_for_each_kind(void)
{
	struct sockaddr_in dn, on, xn;
	SOCKET d = ou_udp_bound(PT_IP, &dn);
	SOCKET o = ou_udp_bound(INADDR_LOOPBACK, &on);
	SOCKET dsend = ou_udp_bound(PT_IP, &xn);
	SOCKET osend = ou_udp_bound(INADDR_LOOPBACK, &xn);
	struct delayed job[2] = { { osend, on }, { dsend, dn } };
	char buf[8];

	for (int k = 0; k < 2; k++) {
		WSAPOLLFD p[2] = { { d, POLLRDNORM, 0 }, { o, POLLRDNORM, 0 } };
		pthread_t t;

		CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, send_later,
			&job[k]), 0);
		CU_ASSERT_EQUAL(WSAPoll(p, 2, 5000), 1);
		CU_ASSERT_EQUAL(p[0].revents, k == 1 ? POLLRDNORM : 0);
		CU_ASSERT_EQUAL(p[1].revents, k == 0 ? POLLRDNORM : 0);
		pthread_join(t, NULL);
		CU_ASSERT_EQUAL(recv(k == 0 ? o : d, buf, sizeof(buf), 0), 1);
	}
	pt_close(d);
	pt_close(o);
	pt_close(dsend);
	pt_close(osend);
}

static void
test_overlapped_recv_on_loopback_completes_once(void)
{
	struct sockaddr_in an, bn;
	SOCKET a = ou_udp_bound(INADDR_LOOPBACK, &an);
	SOCKET b = ou_udp_bound(INADDR_LOOPBACK, &bn);
	WSAOVERLAPPED ov;
	char data[8];
	WSABUF buf = { sizeof(data), data };
	DWORD got = 0, flags = 0, bytes = 0;

	memset(&ov, 0, sizeof(ov));
	ov.hEvent = WSACreateEvent();
	CU_ASSERT_EQUAL(sendto(b, "abc", 3, 0, PT_SA(an), PT_SIN_LEN), 3);
	CU_ASSERT_TRUE(pt_readable(a, PT_WAIT_MS));
	PT_OK(WSARecv(a, &buf, 1, &got, &flags, &ov, NULL));
	CU_ASSERT_EQUAL(got, 3);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ov.hEvent, FALSE, 1000,
		FALSE), WSA_WAIT_EVENT_0);
	CU_ASSERT_TRUE(WSAGetOverlappedResult(a, &ov, &bytes, FALSE,
		&flags));
	CU_ASSERT_EQUAL(bytes, 3);
	/* Once: nothing signals the event again. */
	WSAResetEvent(ov.hEvent);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ov.hEvent, FALSE, 200,
		FALSE), WSA_WAIT_TIMEOUT);
	WSACloseEvent(ov.hEvent);
	pt_close(a);
	pt_close(b);
}

static void
test_event_select_on_loopback_signals_fd_read(void)
{
	struct sockaddr_in an, bn;
	SOCKET a = ou_udp_bound(INADDR_LOOPBACK, &an);
	SOCKET b = ou_udp_bound(INADDR_LOOPBACK, &bn);
	WSAEVENT ev = WSACreateEvent();
	WSANETWORKEVENTS ne;

	PT_OK(WSAEventSelect(a, ev, FD_READ));
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ev, FALSE, 100, FALSE),
		WSA_WAIT_TIMEOUT);
	CU_ASSERT_EQUAL(sendto(b, "e", 1, 0, PT_SA(an), PT_SIN_LEN), 1);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ev, FALSE, PT_WAIT_MS,
		FALSE), WSA_WAIT_EVENT_0);
	PT_OK(WSAEnumNetworkEvents(a, ev, &ne));
	CU_ASSERT_EQUAL(ne.lNetworkEvents, FD_READ);
	CU_ASSERT_EQUAL(ne.iErrorCode[FD_READ_BIT], 0);
	PT_OK(WSAEventSelect(a, NULL, 0));
	WSACloseEvent(ev);
	pt_close(a);
	pt_close(b);
}

#define WND	((HWND)(uintptr_t)0x5150)
#define WM_SOCK	0x0401

/* The next message: for s, event ev, no error. */
static void
message_is(SOCKET s, LONG ev)
{
	struct ws2_stub_msg m;

	CU_ASSERT_FATAL(ws2_stub_get_message(&m, PT_WAIT_MS));
	CU_ASSERT_PTR_EQUAL(m.hwnd, WND);
	CU_ASSERT_EQUAL(m.msg, WM_SOCK);
	CU_ASSERT_EQUAL((SOCKET)m.wparam, s);
	CU_ASSERT_EQUAL(WSAGETSELECTEVENT(m.lparam), ev);
	CU_ASSERT_EQUAL(WSAGETSELECTERROR(m.lparam), 0);
}

/* WSAAsyncSelect on a loopback stream: one message per event, carrying
 * wspdk's handle, under Windows' re-enabling rules (FD_READ again only
 * after a recv), FD_CLOSE at the peer's close; 0 events stops them. */
static void
test_async_select_on_loopback_posts_wspdks_handle(void)
{
	SOCKET l = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	SOCKET c = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	struct sockaddr_in la = loopback(0);
	struct ws2_stub_msg m;
	char buf[8];
	SOCKET a;

	PT_OK(bind(l, PT_SA(la), PT_SIN_LEN));
	PT_OK(listen(l, 1));
	la = pt_name_of(l, false);
	PT_OK(connect(c, PT_SA(la), PT_SIN_LEN));
	a = accept(l, NULL, NULL);
	CU_ASSERT_NOT_EQUAL_FATAL(a, INVALID_SOCKET);
	ws2_stub_flush_messages();
	PT_OK(WSAAsyncSelect(a, WND, WM_SOCK, FD_READ | FD_WRITE |
		FD_CLOSE));
	message_is(a, FD_WRITE);
	CU_ASSERT_EQUAL(send(c, "m1", 2, 0), 2);
	message_is(a, FD_READ);
	CU_ASSERT_EQUAL(send(c, "m2", 2, 0), 2);
	/* Not re-enabled yet: no second FD_READ. */
	CU_ASSERT_FALSE(ws2_stub_get_message(&m, 100));
	CU_ASSERT_EQUAL(recv(a, buf, 2, 0), 2);
	message_is(a, FD_READ);
	CU_ASSERT_EQUAL(recv(a, buf, sizeof(buf), 0), 2);
	pt_close(c);
	message_is(a, FD_CLOSE);
	PT_OK(WSAAsyncSelect(a, WND, WM_SOCK, 0));
	ws2_stub_flush_messages();
	pt_close(a);
	pt_close(l);
}

static int
getopt_int(SOCKET s, int level, int name)
{
	int v = -1, len = sizeof(v);

	PT_OK(getsockopt(s, level, name, (char *)&v, &len));
	return v;
}

static void
test_options_set_before_connect_are_applied(void)
{
	SOCKET l = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	SOCKET c = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	struct sockaddr_in la = loopback(0);
	int plen = PT_SIN_LEN;
	SOCKET a;

	PT_OK(bind(l, PT_SA(la), PT_SIN_LEN));
	PT_OK(listen(l, 1));
	la = pt_name_of(l, false);
	/* Set while the socket is still wspdk's, replayed at connect. */
	pt_setopt_int(c, SOL_SOCKET, SO_RCVBUF, 65536);
	pt_setopt_int(c, IPPROTO_TCP, TCP_NODELAY, 1);
	PT_OK(connect(c, PT_SA(la), PT_SIN_LEN));
	CU_ASSERT_EQUAL(getopt_int(c, SOL_SOCKET, SO_RCVBUF), 65536);
	CU_ASSERT_EQUAL(getopt_int(c, IPPROTO_TCP, TCP_NODELAY), 1);
	a = accept(l, PT_SA(la), &plen);
	CU_ASSERT_NOT_EQUAL(a, INVALID_SOCKET);
	/* Not set on the accepted one: the kernel's defaults. */
	CU_ASSERT_EQUAL(getopt_int(a, IPPROTO_TCP, TCP_NODELAY), 0);
	pt_close(a);
	pt_close(c);
	pt_close(l);
}

/* A TCP option on a datagram socket is WSAENOPROTOOPT ("unknown or
 * unsupported for the specified provider or socket"), on either path:
 * the OS path passed Linux's EOPNOTSUPP through as WSAEOPNOTSUPP
 * (fuzz_api on the OS path found it). */
static void
test_tcp_option_on_a_udp_socket_is_wsaenoprotoopt_on_either_path(void)
{
	struct sockaddr_in n;
	SOCKET s[2] = { ou_udp_bound(PT_IP, &n), ou_udp_bound(INADDR_LOOPBACK, &n) };
	int v = 1, len = sizeof(v);

	for (int i = 0; i < 2; i++) {
		PT_FAILS(getsockopt(s[i], IPPROTO_TCP, TCP_NODELAY, (char *)&v,
			&len), WSAENOPROTOOPT);
		PT_FAILS(setsockopt(s[i], IPPROTO_TCP, TCP_NODELAY,
			(const char *)&v, sizeof(v)), WSAENOPROTOOPT);
		pt_close(s[i]);
	}
}

static const struct wt_test tests[] = {
	WT_TEST(test_tcp_client_talks_to_a_kernel_server_both_ways_and_closes),
	WT_TEST(test_asio_style_loopback_pair_connects_and_exchanges),
	WT_TEST(test_udp_to_loopback_first_send_decides),
	WT_TEST(test_loopback_timeouts_and_unconnected_send_codes),
	WT_TEST(test_stream_calls_after_a_refused_connect_fail_wsaenotconn),
	WT_TEST(test_connect_again_after_a_refusal_a_send_reported_starts_anew),
	WT_TEST(test_select_over_a_mix_wakes_for_each_kind),
	WT_TEST(test_wsapoll_over_a_mix_wakes_for_each_kind),
	WT_TEST(test_overlapped_recv_on_loopback_completes_once),
	WT_TEST(test_event_select_on_loopback_signals_fd_read),
	WT_TEST(test_async_select_on_loopback_posts_wspdks_handle),
	WT_TEST(test_options_set_before_connect_are_applied),
	WT_TEST(test_tcp_option_on_a_udp_socket_is_wsaenoprotoopt_on_either_path),
	WT_TEST_END
};

static const struct wt_suite ospath_suite = {
	.name = "ospath",
	.tests = tests,
	.clean = pt_suite_clean,
};

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = {
		&ospath_suite, NULL };

	if (pt_startup() != 0)
		return 1;
	return pt_run(argc, argv, suites);
}
