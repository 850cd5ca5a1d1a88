/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * WSAEventSelect, WSAEnumNetworkEvents and WSAAsyncSelect on UDP
 * sockets, with the rules of Microsoft's pages for them: recording,
 * re-enabling, resetting, cancelling, the error codes, no 64-socket cap,
 * and a plain WSAEventSelect gateway loop.
 */
#include <pthread.h>
#include <string.h>

#include "evsel.h"

#define QUIET_MS	200	/* long enough for an event that should not
				 * come to have come */
#define WND		((HWND)(uintptr_t)0x1234)
#define WM_SOCK		0x0401

SOCKET
evsel_bound(struct sockaddr_in *name)
{
	struct sockaddr_in sin = pt_sin(PT_IP, 0);
	int len = PT_SIN_LEN;
	SOCKET s = pt_socket(SOCK_DGRAM, IPPROTO_UDP);

	PT_OK(bind(s, PT_SA(sin), PT_SIN_LEN));
	PT_OK(getsockname(s, PT_SA(*name), &len));
	return s;
}

bool
evsel_signalled(WSAEVENT ev, DWORD ms)
{
	return WSAWaitForMultipleEvents(1, &ev, FALSE, ms, FALSE) ==
		WSA_WAIT_EVENT_0;
}

WSANETWORKEVENTS
evsel_enum(SOCKET s, WSAEVENT ev)
{
	WSANETWORKEVENTS ne;

	memset(&ne, 0xa5, sizeof(ne));
	PT_OK(WSAEnumNetworkEvents(s, ev, &ne));
	return ne;
}

static void
send_to(SOCKET from, const struct sockaddr_in *to, const char *msg)
{
	CU_ASSERT_EQUAL(sendto(from, msg, (int)strlen(msg), 0,
		(const struct sockaddr *)to, PT_SIN_LEN), (int)strlen(msg));
}

static void
test_eventselect_read_signalled_when_datagram_arrives(void)
{
	struct sockaddr_in an, bn;
	SOCKET a = evsel_bound(&an), b = evsel_bound(&bn);
	WSAEVENT ev = WSACreateEvent();
	WSANETWORKEVENTS ne;

	PT_OK(WSAEventSelect(a, ev, FD_READ));
	CU_ASSERT_FALSE(evsel_signalled(ev, QUIET_MS));
	send_to(b, &an, "ping");
	CU_ASSERT_TRUE(evsel_signalled(ev, PT_WAIT_MS));
	ne = evsel_enum(a, ev);
	CU_ASSERT_EQUAL(ne.lNetworkEvents, FD_READ);
	CU_ASSERT_EQUAL(ne.iErrorCode[FD_READ_BIT], 0);
	WSACloseEvent(ev);
	pt_close(a);
	pt_close(b);
}

static void
test_eventselect_read_rearmed_only_by_recv(void)
{
	struct sockaddr_in an, bn;
	SOCKET a = evsel_bound(&an), b = evsel_bound(&bn);
	WSAEVENT ev = WSACreateEvent();
	char buf[16];
	u_long queued = 0;
	double t0;

	PT_OK(WSAEventSelect(a, ev, FD_READ));
	send_to(b, &an, "one");
	send_to(b, &an, "two");
	t0 = pt_ms();
	while (queued < 6 && pt_ms() - t0 < PT_WAIT_MS)
		PT_OK(ioctlsocket(a, FIONREAD, &queued));
	CU_ASSERT_EQUAL(queued, 6);
	CU_ASSERT_TRUE(evsel_signalled(ev, PT_WAIT_MS));
	CU_ASSERT_EQUAL(evsel_enum(a, ev).lNetworkEvents, FD_READ);
	/* Data is still queued, but nothing re-enabled FD_READ. */
	CU_ASSERT_FALSE(evsel_signalled(ev, QUIET_MS));
	CU_ASSERT_EQUAL(evsel_enum(a, ev).lNetworkEvents, 0);
	/* A receive re-enables it; data remains, so it is recorded. */
	CU_ASSERT_EQUAL(recv(a, buf, sizeof(buf), 0), 3);
	CU_ASSERT_TRUE(evsel_signalled(ev, PT_WAIT_MS));
	CU_ASSERT_EQUAL(evsel_enum(a, ev).lNetworkEvents, FD_READ);
	CU_ASSERT_EQUAL(recv(a, buf, sizeof(buf), 0), 3);
	/* Nothing left: re-enabled, but not true. */
	CU_ASSERT_FALSE(evsel_signalled(ev, QUIET_MS));
	PT_FAILS(recv(a, buf, sizeof(buf), 0), WSAEWOULDBLOCK);
	send_to(b, &an, "three");
	CU_ASSERT_TRUE(evsel_signalled(ev, PT_WAIT_MS));
	WSACloseEvent(ev);
	pt_close(a);
	pt_close(b);
}

static void
test_eventselect_write_recorded_at_once_when_writable(void)
{
	struct sockaddr_in an;
	SOCKET a = evsel_bound(&an);
	WSAEVENT ev = WSACreateEvent();
	WSANETWORKEVENTS ne;

	PT_OK(WSAEventSelect(a, ev, FD_READ | FD_WRITE));
	/* Recorded by the call itself, not later by the service thread. */
	CU_ASSERT_TRUE(evsel_signalled(ev, 0));
	ne = evsel_enum(a, ev);
	CU_ASSERT_EQUAL(ne.lNetworkEvents, FD_WRITE);
	CU_ASSERT_EQUAL(ne.iErrorCode[FD_WRITE_BIT], 0);
	/* Only a send failing WSAEWOULDBLOCK re-enables it. */
	send_to(a, &an, "self");
	CU_ASSERT_TRUE(evsel_signalled(ev, PT_WAIT_MS));
	CU_ASSERT_EQUAL(evsel_enum(a, ev).lNetworkEvents, FD_READ);
	WSACloseEvent(ev);
	pt_close(a);
}

static void
test_enumnetworkevents_resets_event_and_clears(void)
{
	struct sockaddr_in an;
	SOCKET a = evsel_bound(&an);
	WSAEVENT ev = WSACreateEvent(), other = WSACreateEvent();
	WSANETWORKEVENTS ne;

	PT_OK(WSAEventSelect(a, ev, FD_WRITE));
	CU_ASSERT_TRUE(evsel_signalled(ev, 0));
	/* Without an event object: cleared, the event left alone. */
	WSASetEvent(other);
	ne = evsel_enum(a, NULL);
	CU_ASSERT_EQUAL(ne.lNetworkEvents, FD_WRITE);
	CU_ASSERT_TRUE(evsel_signalled(ev, 0));
	CU_ASSERT_EQUAL(evsel_enum(a, NULL).lNetworkEvents, 0);
	/* With one: it is reset (whichever event it is). */
	ne = evsel_enum(a, other);
	CU_ASSERT_EQUAL(ne.lNetworkEvents, 0);
	CU_ASSERT_FALSE(evsel_signalled(other, 0));
	ne = evsel_enum(a, ev);
	CU_ASSERT_FALSE(evsel_signalled(ev, 0));
	PT_FAILS(WSAEnumNetworkEvents(a, ev, NULL), WSAEFAULT);
	WSACloseEvent(ev);
	WSACloseEvent(other);
	pt_close(a);
	PT_FAILS(WSAEnumNetworkEvents(a, NULL, &ne), WSAENOTSOCK);
	PT_FAILS(WSAEventSelect(a, NULL, 0), WSAENOTSOCK);
	PT_FAILS(WSAAsyncSelect(a, WND, WM_SOCK, 0), WSAENOTSOCK);
}

static void
test_eventselect_makes_socket_nonblocking_and_fionbio_0_fails_einval(void)
{
	struct sockaddr_in an;
	SOCKET a = evsel_bound(&an);
	WSAEVENT ev = WSACreateEvent();
	u_long off = 0, on = 1;
	char buf[8];

	PT_FAILS(WSAEventSelect(a, ev, FD_ALL_EVENTS + 1), WSAEINVAL);
	PT_FAILS(WSAEventSelect(a, NULL, FD_READ), WSAEINVAL);
	PT_OK(WSAEventSelect(a, ev, FD_READ));
	PT_FAILS(recv(a, buf, sizeof(buf), 0), WSAEWOULDBLOCK);
	PT_FAILS(ioctlsocket(a, FIONBIO, &off), WSAEINVAL);
	PT_OK(ioctlsocket(a, FIONBIO, &on));
	PT_OK(WSAAsyncSelect(a, WND, WM_SOCK, FD_READ));
	PT_FAILS(ioctlsocket(a, FIONBIO, &off), WSAEINVAL);
	/* Cancelled: blocking may come back. */
	PT_OK(WSAEventSelect(a, NULL, 0));
	PT_OK(ioctlsocket(a, FIONBIO, &off));
	ws2_stub_flush_messages();
	WSACloseEvent(ev);
	pt_close(a);
}

static void
test_eventselect_zero_cancels(void)
{
	struct sockaddr_in an, bn;
	SOCKET a = evsel_bound(&an), b = evsel_bound(&bn);
	WSAEVENT ev = WSACreateEvent();

	PT_OK(WSAEventSelect(a, ev, FD_READ));
	PT_OK(WSAEventSelect(a, ev, 0));
	send_to(b, &an, "late");
	CU_ASSERT_TRUE(pt_readable(a, PT_WAIT_MS));
	CU_ASSERT_FALSE(evsel_signalled(ev, QUIET_MS));
	CU_ASSERT_EQUAL(evsel_enum(a, ev).lNetworkEvents, 0);
	WSACloseEvent(ev);
	pt_close(a);
	pt_close(b);
}

static void
test_asyncselect_posts_messages_with_wsagetselectevent_encoding(void)
{
	struct sockaddr_in an, bn;
	SOCKET a = evsel_bound(&an), b = evsel_bound(&bn);
	WSAEVENT ev = WSACreateEvent();
	struct ws2_stub_msg m;
	char buf[8];

	ws2_stub_flush_messages();
	PT_OK(WSAAsyncSelect(a, WND, WM_SOCK, FD_READ | FD_WRITE));
	CU_ASSERT_FATAL(ws2_stub_get_message(&m, PT_WAIT_MS));
	CU_ASSERT_PTR_EQUAL(m.hwnd, WND);
	CU_ASSERT_EQUAL(m.msg, WM_SOCK);
	CU_ASSERT_EQUAL((SOCKET)m.wparam, a);
	CU_ASSERT_EQUAL(WSAGETSELECTEVENT(m.lparam), FD_WRITE);
	CU_ASSERT_EQUAL(WSAGETSELECTERROR(m.lparam), 0);
	send_to(b, &an, "msg");
	CU_ASSERT_FATAL(ws2_stub_get_message(&m, PT_WAIT_MS));
	CU_ASSERT_EQUAL((SOCKET)m.wparam, a);
	CU_ASSERT_EQUAL(WSAGETSELECTEVENT(m.lparam), FD_READ);
	CU_ASSERT_EQUAL(WSAGETSELECTERROR(m.lparam), 0);
	CU_ASSERT_FALSE(ws2_stub_get_message(&m, QUIET_MS));
	/* WSAEventSelect replaces it: the next datagram signals the
	 * event and posts nothing. */
	CU_ASSERT_EQUAL(recv(a, buf, sizeof(buf), 0), 3);
	PT_OK(WSAEventSelect(a, ev, FD_READ));
	send_to(b, &an, "evt");
	CU_ASSERT_TRUE(evsel_signalled(ev, PT_WAIT_MS));
	CU_ASSERT_FALSE(ws2_stub_get_message(&m, QUIET_MS));
	/* And back: the event is no longer signalled for it. */
	PT_OK(WSAAsyncSelect(a, WND, WM_SOCK, FD_READ));
	WSAResetEvent(ev);
	CU_ASSERT_FATAL(ws2_stub_get_message(&m, PT_WAIT_MS));
	CU_ASSERT_EQUAL(WSAGETSELECTEVENT(m.lparam), FD_READ);
	CU_ASSERT_FALSE(evsel_signalled(ev, 0));
	PT_OK(WSAAsyncSelect(a, WND, WM_SOCK, 0));
	ws2_stub_flush_messages();
	WSACloseEvent(ev);
	pt_close(a);
	pt_close(b);
}

#define MANY	300

/* WSAEventSelect has no 64-socket cap (only one wait does). */
static void
test_eventselect_on_300_sockets_each_signalled(void)
{
	static SOCKET s[MANY];
	static WSAEVENT ev[MANY];
	static struct sockaddr_in name[MANY];
	struct sockaddr_in bn;
	SOCKET b = evsel_bound(&bn);
	int ok = 0;

	for (int i = 0; i < MANY; i++) {
		s[i] = evsel_bound(&name[i]);
		ev[i] = WSACreateEvent();
		PT_OK(WSAEventSelect(s[i], ev[i], FD_READ));
	}
	for (int i = 0; i < MANY; i++)
		send_to(b, &name[i], "x");
	for (int i = 0; i < MANY; i++)
		ok += evsel_signalled(ev[i], PT_WAIT_MS) &&
			evsel_enum(s[i], ev[i]).lNetworkEvents == FD_READ;
	CU_ASSERT_EQUAL(ok, MANY);
	for (int i = 0; i < MANY; i++) {
		pt_close(s[i]);
		WSACloseEvent(ev[i]);
	}
	pt_close(b);
}

/*
 * Replay: the plain WSAEventSelect gateway loop (Microsoft's
 * WSAEventSelect / WSAEnumNetworkEvents examples): one event per socket,
 * WSAWaitForMultipleEvents over all, WSAEnumNetworkEvents on the one
 * signalled, then receive until WSAEWOULDBLOCK (which re-enables
 * FD_READ). Nothing may be lost or left unsignalled.
 */
#define GW_SOCKS	8
#define GW_EACH		200

struct gw_feed {
	SOCKET from;
	struct sockaddr_in to[GW_SOCKS];
};

static void *
gw_sender(void *arg)
{
	struct gw_feed *f = arg;

	for (int k = 0; k < GW_EACH; k++)
		for (int i = 0; i < GW_SOCKS; i++) {
			while (sendto(f->from, "tick", 4, 0,
					PT_SA(f->to[i]), PT_SIN_LEN) != 4)
				SleepEx(1, FALSE);
			if (k % 16 == 0)
				SleepEx(1, FALSE);	/* let the queues drain */
		}
	return NULL;
}

static void
test_gateway_eventselect_loop_replay(void)
{
	struct gw_feed f;
	struct sockaddr_in bn;
	SOCKET s[GW_SOCKS];
	WSAEVENT ev[GW_SOCKS];
	int got[GW_SOCKS] = { 0 }, total = 0;
	pthread_t t;

	f.from = evsel_bound(&bn);
	for (int i = 0; i < GW_SOCKS; i++) {
		s[i] = evsel_bound(&f.to[i]);
		ev[i] = WSACreateEvent();
		PT_OK(WSAEventSelect(s[i], ev[i], FD_READ | FD_CLOSE));
	}
	CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, gw_sender, &f), 0);
	while (total < GW_SOCKS * GW_EACH) {
		DWORD w = WSAWaitForMultipleEvents(GW_SOCKS, ev, FALSE,
			PT_WAIT_MS, FALSE);
		WSANETWORKEVENTS ne;
		int i;
		char buf[16];

		if (w == WSA_WAIT_TIMEOUT)
			break;
		i = (int)(w - WSA_WAIT_EVENT_0);
		CU_ASSERT_FATAL(i >= 0 && i < GW_SOCKS);
		PT_OK(WSAEnumNetworkEvents(s[i], ev[i], &ne));
		if (!(ne.lNetworkEvents & FD_READ))
			continue;
		CU_ASSERT_EQUAL(ne.iErrorCode[FD_READ_BIT], 0);
		while (recv(s[i], buf, sizeof(buf), 0) == 4) {
			got[i]++;
			total++;
		}
		CU_ASSERT_EQUAL(WSAGetLastError(), WSAEWOULDBLOCK);
	}
	pthread_join(t, NULL);
	CU_ASSERT_EQUAL(total, GW_SOCKS * GW_EACH);
	for (int i = 0; i < GW_SOCKS; i++) {
		CU_ASSERT_EQUAL(got[i], GW_EACH);
		pt_close(s[i]);
		WSACloseEvent(ev[i]);
	}
	pt_close(f.from);
}

/* An overlapped receive on a with ov (its own event), pending. */
static void
pend_recv(SOCKET a, WSAOVERLAPPED *ov, WSABUF *buf)
{
	DWORD flags = 0;

	memset(ov, 0, sizeof(*ov));
	ov->hEvent = WSACreateEvent();
	PT_FAILS(WSARecv(a, buf, 1, NULL, &flags, ov, NULL), WSA_IO_PENDING);
}

/* ov's receive completed with want bytes. */
static void
recv_done(SOCKET a, WSAOVERLAPPED *ov, DWORD want)
{
	DWORD n = 0, flags = 0;

	CU_ASSERT_TRUE(evsel_signalled(ov->hEvent, PT_WAIT_MS));
	CU_ASSERT_TRUE(WSAGetOverlappedResult(a, ov, &n, FALSE, &flags));
	CU_ASSERT_EQUAL(n, want);
	WSACloseEvent(ov->hEvent);
}

/*
 * Event select and an overlapped receive on one socket, the select made
 * before or after the receive pended: the receive completes when data
 * comes, and once nothing is pending FD_READ is still recorded (both
 * follow the socket at once).
 */
static void
select_and_pending_recv(bool select_first)
{
	struct sockaddr_in an, bn;
	SOCKET a = evsel_bound(&an), b = evsel_bound(&bn);
	WSAEVENT ev = WSACreateEvent();
	WSAOVERLAPPED ov;
	char got[16];
	WSABUF buf = { sizeof(got), got };

	if (select_first)
		PT_OK(WSAEventSelect(a, ev, FD_READ));
	pend_recv(a, &ov, &buf);
	if (!select_first) {
		PT_OK(WSAEventSelect(a, ev, FD_READ | FD_WRITE));
		CU_ASSERT_EQUAL(evsel_enum(a, ev).lNetworkEvents, FD_WRITE);
	}
	send_to(b, &an, "first");
	recv_done(a, &ov, 5);
	evsel_enum(a, ev);
	send_to(b, &an, "second");
	CU_ASSERT_TRUE(evsel_signalled(ev, PT_WAIT_MS));
	CU_ASSERT_EQUAL(evsel_enum(a, ev).lNetworkEvents & FD_READ, FD_READ);
	WSACloseEvent(ev);
	pt_close(a);
	pt_close(b);
}

static void
test_eventselect_and_pending_overlapped_recv_both_work(void)
{
	select_and_pending_recv(false);
}

static void
test_pending_overlapped_recv_after_eventselect_keeps_select(void)
{
	select_and_pending_recv(true);
}

static const struct wt_test udp_tests[] = {
	WT_TEST(test_eventselect_read_signalled_when_datagram_arrives),
	WT_TEST(test_eventselect_read_rearmed_only_by_recv),
	WT_TEST(test_eventselect_write_recorded_at_once_when_writable),
	WT_TEST(test_enumnetworkevents_resets_event_and_clears),
	WT_TEST(test_eventselect_makes_socket_nonblocking_and_fionbio_0_fails_einval),
	WT_TEST(test_eventselect_zero_cancels),
	WT_TEST(test_asyncselect_posts_messages_with_wsagetselectevent_encoding),
	WT_TEST(test_eventselect_on_300_sockets_each_signalled),
	WT_TEST(test_gateway_eventselect_loop_replay),
	WT_TEST(test_eventselect_and_pending_overlapped_recv_both_work),
	WT_TEST(test_pending_overlapped_recv_after_eventselect_keeps_select),
	WT_TEST_END
};

static const struct wt_suite udp_suite = {
	.name = "evsel_udp",
	.tests = udp_tests,
	.clean = pt_suite_clean,
};

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = {
		&udp_suite,
		&test_evsel_tcp_suite,
		NULL
	};

	if (pt_startup() != 0)
		return 1;
	return pt_run(argc, argv, suites);
}
