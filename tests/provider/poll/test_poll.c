/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * WSAPoll on UDP sockets and its error codes, with the rules of
 * Microsoft's WSAPoll and WSAPOLLFD pages; the ioctls Ws2_32 uses for a
 * non-IFS provider's WSAPoll and WSASendMsg (SIO_BSP_HANDLE_POLL,
 * SIO_EXT_POLL, SIO_EXT_SENDMSG, SIO_EXT_SELECT), answered as Microsoft's
 * LSP sample expects (nonifslsp/spi.cpp); WSAPoll as an extension
 * function.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "poll.h"

#define QUIET_MS	200
#define MANY		300

SOCKET
poll_udp(struct sockaddr_in *name)
{
	struct sockaddr_in sin = pt_sin(PT_IP, 0);
	int len = PT_SIN_LEN;
	SOCKET s = pt_socket(SOCK_DGRAM, IPPROTO_UDP);

	PT_OK(bind(s, PT_SA(sin), PT_SIN_LEN));
	PT_OK(getsockname(s, PT_SA(*name), &len));
	return s;
}

WSAPOLLFD
poll_fd(SOCKET s, SHORT events)
{
	WSAPOLLFD p = { .fd = s, .events = events, .revents = 0x7777 };

	return p;
}

static void
send_to(SOCKET from, const struct sockaddr_in *to, const char *msg)
{
	CU_ASSERT_EQUAL(sendto(from, msg, (int)strlen(msg), 0,
		(const struct sockaddr *)to, PT_SIN_LEN), (int)strlen(msg));
}

/* A datagram makes its socket POLLRDNORM; before it, timeout 0 says 0
 * and clears revents. */
static void
test_wsapoll_rdnorm_when_datagram_queued(void)
{
	struct sockaddr_in an, bn;
	SOCKET a = poll_udp(&an), b = poll_udp(&bn);
	WSAPOLLFD p = poll_fd(a, POLLRDNORM);
	char buf[8];

	CU_ASSERT_EQUAL(WSAPoll(&p, 1, 0), 0);
	CU_ASSERT_EQUAL(p.revents, 0);
	send_to(b, &an, "ping");
	p = poll_fd(a, POLLIN);
	CU_ASSERT_EQUAL(WSAPoll(&p, 1, PT_WAIT_MS), 1);
	CU_ASSERT_EQUAL(p.revents, POLLRDNORM);
	/* "a subsequent recv operation is guaranteed to complete without
	 * blocking" */
	CU_ASSERT_EQUAL(recv(a, buf, sizeof(buf), 0), 4);
	p = poll_fd(a, POLLRDNORM);
	CU_ASSERT_EQUAL(WSAPoll(&p, 1, 0), 0);
	pt_close(a);
	pt_close(b);
}

/* Datagrams queued together are taken off the ring by the first
 * receive (the receiver's batch): the rest still make the socket
 * readable to WSAPoll and select and count in FIONREAD, until the last
 * is read. */
static void
test_wsapoll_and_select_see_datagrams_left_after_a_receive(void)
{
	struct sockaddr_in an, bn;
	SOCKET a = poll_udp(&an), b = poll_udp(&bn);
	struct timeval tv = { 0, 0 };
	WSAPOLLFD p;
	double t0 = pt_ms();
	u_long n = 0;
	char buf[8];
	fd_set rd;

	for (int i = 0; i < 3; i++)
		send_to(b, &an, "ping");
	while (n < 12 && pt_ms() - t0 < PT_WAIT_MS)
		PT_OK(ioctlsocket(a, FIONREAD, &n));
	CU_ASSERT_EQUAL_FATAL(n, 12);
	for (int left = 2; left >= 0; left--) {
		CU_ASSERT_EQUAL(recv(a, buf, sizeof(buf), 0), 4);
		PT_OK(ioctlsocket(a, FIONREAD, &n));
		CU_ASSERT_EQUAL(n, (u_long)left * 4);
		p = poll_fd(a, POLLRDNORM);
		CU_ASSERT_EQUAL(WSAPoll(&p, 1, 0), left != 0);
		CU_ASSERT_EQUAL(p.revents, left != 0 ? POLLRDNORM : 0);
		FD_ZERO(&rd);
		FD_SET(a, &rd);
		CU_ASSERT_EQUAL(select(0, &rd, NULL, NULL, &tv), left != 0);
	}
	pt_close(a);
	pt_close(b);
}

/* Writable is POLLWRNORM, reported only when asked for. */
static void
test_wsapoll_wrnorm_only_when_asked(void)
{
	struct sockaddr_in an;
	SOCKET a = poll_udp(&an);
	WSAPOLLFD p[2] = { poll_fd(a, POLLWRNORM), poll_fd(a, POLLRDNORM) };

	CU_ASSERT_EQUAL(WSAPoll(p, 2, 0), 1);
	CU_ASSERT_EQUAL(p[0].revents, POLLWRNORM);
	CU_ASSERT_EQUAL(p[1].revents, 0);
	pt_close(a);
}

/* A positive timeout waits that long, then 0. */
static void
test_wsapoll_timeout_expires_with_zero(void)
{
	struct sockaddr_in an;
	SOCKET a = poll_udp(&an);
	WSAPOLLFD p = poll_fd(a, POLLRDNORM);
	double t0 = pt_ms(), dt;

	CU_ASSERT_EQUAL(WSAPoll(&p, 1, 150), 0);
	dt = pt_ms() - t0;
	CU_ASSERT(dt >= 140 && dt < 150 + PT_WAIT_MS);
	CU_ASSERT_EQUAL(p.revents, 0);
	pt_close(a);
}

struct later {
	SOCKET from;
	struct sockaddr_in to;
	SOCKET close_it;
};

static void *
later_thread(void *arg)
{
	struct later *l = arg;

	usleep(100 * 1000);
	if (l->close_it != INVALID_SOCKET)
		pt_close(l->close_it);
	else
		send_to(l->from, &l->to, "late");
	return NULL;
}

/* A negative timeout waits until a datagram comes. */
static void
test_wsapoll_infinite_timeout_woken_by_datagram(void)
{
	struct later l = { .close_it = INVALID_SOCKET };
	SOCKET a = poll_udp(&l.to);
	WSAPOLLFD p = poll_fd(a, POLLRDNORM);
	pthread_t t;

	l.from = poll_udp(&(struct sockaddr_in){ 0 });
	CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, later_thread, &l), 0);
	CU_ASSERT_EQUAL(WSAPoll(&p, 1, -1), 1);
	CU_ASSERT_EQUAL(p.revents, POLLRDNORM);
	pthread_join(t, NULL);
	pt_close(a);
	pt_close(l.from);
}

/* Closed while polled: POLLERR ("when the local socket is closed"),
 * and the call returns. */
static void
test_wsapoll_socket_closed_while_polled_reports_pollerr(void)
{
	struct later l = { .from = INVALID_SOCKET };
	SOCKET a = poll_udp(&l.to);
	WSAPOLLFD p = poll_fd(a, POLLRDNORM);
	pthread_t t;

	l.close_it = a;
	CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, later_thread, &l), 0);
	CU_ASSERT_EQUAL(WSAPoll(&p, 1, PT_WAIT_MS), 1);
	CU_ASSERT_EQUAL(p.revents, POLLERR);
	pthread_join(t, NULL);
}

/* Events other than POLLRDNORM, POLLRDBAND, POLLWRNORM: WSAEINVAL
 * (POLLPRI too, as Microsoft's provider). */
static void
test_wsapoll_unsupported_events_fail_einval(void)
{
	static const SHORT bad[] = { POLLPRI, POLLWRBAND, POLLERR, POLLHUP,
		POLLNVAL, (SHORT)0x8000, POLLIN | POLLPRI };
	struct sockaddr_in an;
	SOCKET a = poll_udp(&an);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		WSAPOLLFD p[2] = { poll_fd(a, POLLWRNORM), poll_fd(a, bad[i]) };

		PT_FAILS(WSAPoll(p, 2, 0), WSAEINVAL);
	}
	pt_close(a);
}

/* No valid socket at all, or no entry: WSAEINVAL; no array: WSAEFAULT. */
static void
test_wsapoll_no_valid_socket_fails_einval(void)
{
	struct sockaddr_in an;
	SOCKET a = poll_udp(&an);
	WSAPOLLFD p[2] = { poll_fd(INVALID_SOCKET, POLLRDNORM),
		poll_fd(a, POLLRDNORM) };

	pt_close(a);		/* a stale handle */
	PT_FAILS(WSAPoll(p, 2, 0), WSAEINVAL);
	PT_FAILS(WSAPoll(p, 0, 0), WSAEINVAL);
	PT_FAILS(WSAPoll(NULL, 1, 0), WSAEFAULT);
}

/* A negative fd and a handle that is not a socket of ours get
 * POLLNVAL, counted, beside a ready socket. */
static void
test_wsapoll_invalid_entries_get_pollnval(void)
{
	struct sockaddr_in an, bn, cn;
	SOCKET a = poll_udp(&an), b = poll_udp(&bn), c = poll_udp(&cn);
	WSAPOLLFD p[3] = { poll_fd(INVALID_SOCKET, POLLRDNORM),
		poll_fd(a, POLLRDNORM), poll_fd(c, POLLRDNORM) };

	pt_close(c);
	send_to(b, &an, "x");
	CU_ASSERT_FATAL(pt_readable(a, PT_WAIT_MS));
	CU_ASSERT_EQUAL(WSAPoll(p, 3, 0), 3);
	CU_ASSERT_EQUAL(p[0].revents, POLLNVAL);
	CU_ASSERT_EQUAL(p[1].revents, POLLRDNORM);
	CU_ASSERT_EQUAL(p[2].revents, POLLNVAL);
	pt_close(a);
	pt_close(b);
}

/* 300 sockets, three of them sent to: exactly those report, and the
 * wait ends when the first arrives. */
static void
test_wsapoll_300_sockets_reports_the_ready_ones(void)
{
	static const int hot[] = { 7, 150, MANY - 1 };
	struct sockaddr_in names[MANY], fn;
	SOCKET s[MANY], from = poll_udp(&fn);
	WSAPOLLFD *p = calloc(MANY, sizeof(*p));
	int got = 0;

	CU_ASSERT_FATAL(p != NULL);
	for (int i = 0; i < MANY; i++) {
		s[i] = poll_udp(&names[i]);
		p[i] = poll_fd(s[i], POLLRDNORM);
	}
	CU_ASSERT_EQUAL(WSAPoll(p, MANY, 0), 0);
	for (size_t k = 0; k < sizeof(hot) / sizeof(hot[0]); k++)
		send_to(from, &names[hot[k]], "hot");
	/* All three arrive within the wait; poll until they did. */
	for (double t0 = pt_ms(); got < 3 && pt_ms() - t0 < PT_WAIT_MS;)
		got = WSAPoll(p, MANY, PT_WAIT_MS);
	CU_ASSERT_EQUAL(got, 3);
	for (int i = 0; i < MANY; i++) {
		bool want = i == hot[0] || i == hot[1] || i == hot[2];

		CU_ASSERT_EQUAL(p[i].revents, want ? POLLRDNORM : 0);
	}
	for (int i = 0; i < MANY; i++)
		pt_close(s[i]);
	pt_close(from);
	free(p);
}

/* SIO_BSP_HANDLE_POLL answers the socket itself (a base provider), and
 * fails WSAEFAULT with an overlapped structure (Winsock IOCTLs). */
static void
test_sio_bsp_handle_poll_refuses_overlapped(void)
{
	struct sockaddr_in an;
	SOCKET a = poll_udp(&an), h = INVALID_SOCKET;
	WSAOVERLAPPED ov = { 0 };
	DWORD n = 0;

	PT_OK(WSAIoctl(a, SIO_BSP_HANDLE_POLL, NULL, 0, &h, sizeof(h), &n,
		NULL, NULL));
	CU_ASSERT_EQUAL(h, a);
	PT_FAILS(WSAIoctl(a, SIO_BSP_HANDLE_POLL, NULL, 0, &h, sizeof(h), &n,
		&ov, NULL), WSAEFAULT);
	PT_FAILS(WSAIoctl(a, SIO_BSP_HANDLE_POLL, NULL, 0, NULL, 0, &n,
		NULL, NULL), WSAEFAULT);
	pt_close(a);
}

/* SIO_EXT_POLL as Ws2_32 sends it: revents and result in the
 * WSAPOLLDATA; a buffer shorter than its entries fails WSAEFAULT. */
static void
test_sio_ext_poll_fills_pollddata_in_place(void)
{
	struct sockaddr_in an, bn;
	SOCKET a = poll_udp(&an), b = poll_udp(&bn);
	DWORD len = sizeof(WSAPOLLDATA) + 2 * sizeof(WSAPOLLFD), n = 0;
	WSAPOLLDATA *pd = calloc(1, len);

	CU_ASSERT_FATAL(pd != NULL);
	send_to(b, &an, "x");
	CU_ASSERT_FATAL(pt_readable(a, PT_WAIT_MS));
	pd->fds = 2;
	pd->timeout = 0;
	pd->fdArray[0] = poll_fd(a, POLLRDNORM | POLLWRNORM);
	pd->fdArray[1] = poll_fd(b, POLLRDNORM);
	PT_OK(WSAIoctl(a, SIO_EXT_POLL, pd, len, pd, len, &n, NULL, NULL));
	CU_ASSERT_EQUAL(pd->result, 1);
	CU_ASSERT_EQUAL(pd->fdArray[0].revents, POLLRDNORM | POLLWRNORM);
	CU_ASSERT_EQUAL(pd->fdArray[1].revents, 0);
	PT_FAILS(WSAIoctl(a, SIO_EXT_POLL, pd, len - 1, pd, len, &n, NULL,
		NULL), WSAEFAULT);
	pd->fdArray[1].events = POLLPRI;
	PT_FAILS(WSAIoctl(a, SIO_EXT_POLL, pd, len, pd, len, &n, NULL,
		NULL), WSAEINVAL);
	CU_ASSERT_EQUAL(pd->result, SOCKET_ERROR);
	free(pd);
	pt_close(a);
	pt_close(b);
}

/* SIO_EXT_SENDMSG: the error also in the output buffer, where Ws2_32
 * reads it (0 after a send). */
static void
test_sio_ext_sendmsg_reports_error_in_output(void)
{
	struct sockaddr_in an;
	SOCKET a = poll_udp(&an);
	WSABUF buf = { 2, "hi" };
	WSAMSG m = { .name = (LPSOCKADDR)&an, .namelen = PT_SIN_LEN,
		.lpBuffers = &buf, .dwBufferCount = 1 };
	DWORD sent = 0, code = 0x7777, n = 0;
	WSASENDMSG args = { .lpMsg = &m, .lpNumberOfBytesSent = &sent };

	PT_OK(WSAIoctl(a, SIO_EXT_SENDMSG, &args, sizeof(args), &code,
		sizeof(code), &n, NULL, NULL));
	CU_ASSERT_EQUAL(code, 0);
	CU_ASSERT_EQUAL(sent, 2);
	args.dwFlags = MSG_OOB;
	PT_FAILS(WSAIoctl(a, SIO_EXT_SENDMSG, &args, sizeof(args), &code,
		sizeof(code), &n, NULL, NULL), WSAEOPNOTSUPP);
	CU_ASSERT_EQUAL(code, WSAEOPNOTSUPP);
	pt_close(a);
}

/* SIO_EXT_SELECT has no documented layout: WSAEOPNOTSUPP. */
static void
test_sio_ext_select_fails_eopnotsupp(void)
{
	struct sockaddr_in an;
	SOCKET a = poll_udp(&an);
	char b[64] = { 0 };
	DWORD n = 0;

	PT_FAILS(WSAIoctl(a, SIO_EXT_SELECT, b, sizeof(b), b, sizeof(b), &n,
		NULL, NULL), WSAEOPNOTSUPP);
	pt_close(a);
}

/* WSAID_WSAPOLL gives our poll, errors through WSAGetLastError. */
static void
test_wsapoll_extension_function_polls(void)
{
	GUID id = WSAID_WSAPOLL;
	LPFN_WSAPOLL fn = NULL;
	struct sockaddr_in an;
	SOCKET a = poll_udp(&an);
	WSAPOLLFD p = poll_fd(a, POLLWRNORM);
	DWORD n = 0;

	PT_OK(WSAIoctl(a, SIO_GET_EXTENSION_FUNCTION_POINTER, &id,
		sizeof(id), &fn, sizeof(fn), &n, NULL, NULL));
	CU_ASSERT_FATAL(fn != NULL);
	CU_ASSERT_EQUAL(fn(&p, 1, 0), 1);
	CU_ASSERT_EQUAL(p.revents, POLLWRNORM);
	p.events = POLLPRI;
	PT_FAILS(fn(&p, 1, 0), WSAEINVAL);
	pt_close(a);
}

static const struct wt_test udp_tests[] = {
	WT_TEST(test_wsapoll_rdnorm_when_datagram_queued),
	WT_TEST(test_wsapoll_and_select_see_datagrams_left_after_a_receive),
	WT_TEST(test_wsapoll_wrnorm_only_when_asked),
	WT_TEST(test_wsapoll_timeout_expires_with_zero),
	WT_TEST(test_wsapoll_infinite_timeout_woken_by_datagram),
	WT_TEST(test_wsapoll_socket_closed_while_polled_reports_pollerr),
	WT_TEST(test_wsapoll_unsupported_events_fail_einval),
	WT_TEST(test_wsapoll_no_valid_socket_fails_einval),
	WT_TEST(test_wsapoll_invalid_entries_get_pollnval),
	WT_TEST(test_wsapoll_300_sockets_reports_the_ready_ones),
	WT_TEST(test_sio_bsp_handle_poll_refuses_overlapped),
	WT_TEST(test_sio_ext_poll_fills_pollddata_in_place),
	WT_TEST(test_sio_ext_sendmsg_reports_error_in_output),
	WT_TEST(test_sio_ext_select_fails_eopnotsupp),
	WT_TEST(test_wsapoll_extension_function_polls),
	WT_TEST_END
};

static const struct wt_suite udp_suite = {
	.name = "poll_udp",
	.tests = udp_tests,
	.clean = pt_suite_clean,
};

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = {
		&udp_suite,
		&test_poll_tcp_suite,
		NULL
	};

	if (pt_startup() != 0)
		return 1;
	return pt_run(argc, argv, suites);
}
