/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Event select on TCP, our stack connecting to itself on the loop device
 * (as tests/provider/tcp_api does): FD_ACCEPT re-enabled by accept,
 * FD_CONNECT once, FD_WRITE once connected, FD_READ, FD_CLOSE once.
 */
#include <string.h>

#include "evsel.h"

/* Wait for ev and enumerate until every event of want was seen. */
static LONG
collect(SOCKET s, WSAEVENT ev, LONG want, WSANETWORKEVENTS *all)
{
	LONG seen = 0;

	memset(all, 0, sizeof(*all));
	while ((seen & want) != want && evsel_signalled(ev, PT_WAIT_MS)) {
		WSANETWORKEVENTS ne = evsel_enum(s, ev);

		for (int b = 0; b < FD_MAX_EVENTS; b++)
			if (ne.lNetworkEvents & (1 << b))
				all->iErrorCode[b] = ne.iErrorCode[b];
		seen |= ne.lNetworkEvents;
	}
	all->lNetworkEvents = seen;
	return seen;
}

static void
test_tcp_connect_close_and_accept_events(void)
{
	struct sockaddr_in ln;
	SOCKET l = pt_listener(&ln), c = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	SOCKET a;
	WSAEVENT lev = WSACreateEvent(), cev = WSACreateEvent();
	WSAEVENT aev = WSACreateEvent();
	WSANETWORKEVENTS ne;
	char buf[8];

	PT_OK(WSAEventSelect(l, lev, FD_ACCEPT));
	PT_OK(WSAEventSelect(c, cev, FD_CONNECT | FD_WRITE | FD_READ |
		FD_CLOSE));
	/* Not connected: not writable, nothing to record. */
	CU_ASSERT_FALSE(evsel_signalled(cev, 0));
	PT_FAILS(connect(c, PT_SA(ln), PT_SIN_LEN), WSAEWOULDBLOCK);
	CU_ASSERT_EQUAL(collect(l, lev, FD_ACCEPT, &ne), FD_ACCEPT);
	CU_ASSERT_EQUAL(ne.iErrorCode[FD_ACCEPT_BIT], 0);
	a = accept(l, NULL, NULL);
	CU_ASSERT_FATAL(a != INVALID_SOCKET);
	CU_ASSERT_EQUAL(collect(c, cev, FD_CONNECT | FD_WRITE, &ne),
		FD_CONNECT | FD_WRITE);
	CU_ASSERT_EQUAL(ne.iErrorCode[FD_CONNECT_BIT], 0);
	/* FD_CONNECT happens once: a new select does not bring it back. */
	PT_OK(WSAEventSelect(c, cev, FD_CONNECT | FD_READ | FD_CLOSE));
	CU_ASSERT_FALSE(evsel_signalled(cev, 200));
	/* No second connection: FD_ACCEPT stays quiet after accept. */
	CU_ASSERT_FALSE(evsel_signalled(lev, 200));

	PT_OK(WSAEventSelect(a, aev, FD_READ | FD_CLOSE));
	CU_ASSERT_EQUAL(send(c, "data", 4, 0), 4);
	CU_ASSERT_EQUAL(collect(a, aev, FD_READ, &ne) & FD_READ, FD_READ);
	CU_ASSERT_EQUAL(recv(a, buf, sizeof(buf), 0), 4);
	/* The peer's graceful close: FD_CLOSE with no error, once. */
	PT_OK(shutdown(c, SD_SEND));
	CU_ASSERT_EQUAL(collect(a, aev, FD_CLOSE, &ne) & FD_CLOSE, FD_CLOSE);
	CU_ASSERT_EQUAL(ne.iErrorCode[FD_CLOSE_BIT], 0);
	CU_ASSERT_EQUAL(recv(a, buf, sizeof(buf), 0), 0);
	CU_ASSERT_EQUAL(evsel_enum(a, aev).lNetworkEvents & FD_CLOSE, 0);

	pt_close(a);
	pt_close(c);
	pt_close(l);
	WSACloseEvent(lev);
	WSACloseEvent(cev);
	WSACloseEvent(aev);
}

/* A connection nobody listens for: FD_CONNECT with the error. */
static void
test_tcp_connect_refused_reports_fd_connect_error(void)
{
	struct sockaddr_in ln;
	SOCKET l = pt_listener(&ln), c = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	WSAEVENT cev = WSACreateEvent();
	WSANETWORKEVENTS ne;

	pt_close(l);		/* its port now refuses */
	PT_OK(WSAEventSelect(c, cev, FD_CONNECT));
	PT_FAILS(connect(c, PT_SA(ln), PT_SIN_LEN), WSAEWOULDBLOCK);
	CU_ASSERT_EQUAL(collect(c, cev, FD_CONNECT, &ne), FD_CONNECT);
	CU_ASSERT_EQUAL(ne.iErrorCode[FD_CONNECT_BIT], WSAECONNREFUSED);
	pt_close(c);
	WSACloseEvent(cev);
}

/* The accepted socket has its listener's event select ("the same
 * properties ... including asynchronous events registered with
 * WSAAsyncSelect or with WSAEventSelect", accept): the same event object
 * and events, non-blocking, FD_WRITE recorded at once, FD_READ when data
 * comes. */
static void
test_accepted_socket_inherits_listener_eventselect(void)
{
	struct sockaddr_in ln;
	SOCKET l = pt_listener(&ln), c = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	WSAEVENT lev = WSACreateEvent();
	WSANETWORKEVENTS ne;
	u_long zero = 0;
	SOCKET a;
	char buf[8];

	PT_OK(WSAEventSelect(l, lev, FD_ACCEPT | FD_READ | FD_WRITE |
		FD_CLOSE));
	PT_OK(connect(c, PT_SA(ln), PT_SIN_LEN));
	CU_ASSERT_EQUAL(collect(l, lev, FD_ACCEPT, &ne) & FD_ACCEPT,
		FD_ACCEPT);
	a = accept(l, NULL, NULL);
	CU_ASSERT_FATAL(a != INVALID_SOCKET);
	PT_FAILS(ioctlsocket(a, FIONBIO, &zero), WSAEINVAL);
	CU_ASSERT_EQUAL(collect(a, lev, FD_WRITE, &ne) & FD_WRITE, FD_WRITE);
	CU_ASSERT_EQUAL(send(c, "data", 4, 0), 4);
	CU_ASSERT_EQUAL(collect(a, lev, FD_READ, &ne) & FD_READ, FD_READ);
	CU_ASSERT_EQUAL(recv(a, buf, sizeof(buf), 0), 4);
	/* Its own from here: a new select on it leaves the listener's. */
	PT_OK(WSAEventSelect(a, NULL, 0));
	PT_OK(ioctlsocket(a, FIONBIO, &zero));
	pt_close(a);
	pt_close(c);
	pt_close(l);
	WSACloseEvent(lev);
}

/* The same for WSAAsyncSelect: messages for the accepted socket go to
 * the listener's window and message, wParam the new socket. */
static void
test_accepted_socket_inherits_listener_asyncselect(void)
{
	struct sockaddr_in ln;
	SOCKET l = pt_listener(&ln), c = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	HWND wnd = (HWND)(uintptr_t)0x4321;
	struct ws2_stub_msg m;
	bool read_seen = false;
	SOCKET a;

	ws2_stub_flush_messages();
	PT_OK(WSAAsyncSelect(l, wnd, 0x0402, FD_ACCEPT | FD_READ));
	PT_OK(connect(c, PT_SA(ln), PT_SIN_LEN));
	CU_ASSERT_FATAL(ws2_stub_get_message(&m, PT_WAIT_MS) == 1);
	CU_ASSERT_EQUAL(m.wparam, (WPARAM)l);
	CU_ASSERT_EQUAL(WSAGETSELECTEVENT(m.lparam), FD_ACCEPT);
	a = accept(l, NULL, NULL);
	CU_ASSERT_FATAL(a != INVALID_SOCKET);
	CU_ASSERT_EQUAL(send(c, "x", 1, 0), 1);
	while (!read_seen && ws2_stub_get_message(&m, PT_WAIT_MS) == 1)
		read_seen = m.wparam == (WPARAM)a && m.hwnd == wnd &&
			m.msg == 0x0402 &&
			WSAGETSELECTEVENT(m.lparam) == FD_READ &&
			WSAGETSELECTERROR(m.lparam) == 0;
	CU_ASSERT_TRUE(read_seen);
	PT_OK(WSAAsyncSelect(l, wnd, 0x0402, 0));
	pt_close(a);
	pt_close(c);
	pt_close(l);
	ws2_stub_flush_messages();
}

static const struct wt_test tcp_tests[] = {
	WT_TEST(test_tcp_connect_close_and_accept_events),
	WT_TEST(test_tcp_connect_refused_reports_fd_connect_error),
	WT_TEST(test_accepted_socket_inherits_listener_eventselect),
	WT_TEST(test_accepted_socket_inherits_listener_asyncselect),
	WT_TEST_END
};

const struct wt_suite test_evsel_tcp_suite = {
	.name = "evsel_tcp",
	.tests = tcp_tests,
	.clean = pt_suite_clean,
};
