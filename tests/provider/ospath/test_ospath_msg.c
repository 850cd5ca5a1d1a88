/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * WSARecvMsg and WSASendMsg on OS path sockets, through the stand-in's
 * public Winsock API, the provider on the loop device: a UDP socket on
 * 127.0.0.1 (.NET's ReceiveMessageFrom, asyncio and libuv in a test
 * suite) receives with IP_PKTINFO, blocking, non-blocking and
 * overlapped (event, completion routine), each completing once, and
 * sends with WSASendMsg (Ws2_32's SIO_EXT_SENDMSG and the extension
 * pointer), connected or to a name; SO_RCVTIMEO bounds a WSARecvMsg.
 * OVERLAPPEDs live in static storage: a late completion after a failed
 * assertion must not write into a dead stack frame.
 */
#include <stdio.h>
#include <string.h>

#include "ospath_util.h"

static LPFN_WSARECVMSG recv_msg;
static LPFN_WSASENDMSG send_msg;

static WSAOVERLAPPED ov;
static WSAMSG om;
static struct sockaddr_in ofrom;
static char odata[16], octl[64];
static WSABUF obuf;

/* A UDP socket on 127.0.0.1 with IP_PKTINFO on; the functions asked of
 * it. */
static SOCKET
pktinfo_bound(struct sockaddr_in *name)
{
	SOCKET s = ou_udp_bound(INADDR_LOOPBACK, name);

	pt_setopt_int(s, IPPROTO_IP, IP_PKTINFO, 1);
	recv_msg = ou_ext_fn(s, (GUID)WSAID_WSARECVMSG);
	send_msg = ou_ext_fn(s, (GUID)WSAID_WSASENDMSG);
	return s;
}

static void
msg_init(WSAMSG *m, struct sockaddr_in *from, WSABUF *buf, char *data,
		ULONG len, char *ctl, ULONG ctllen)
{
	memset(m, 0, sizeof(*m));
	memset(from, 0, sizeof(*from));
	buf->buf = data;
	buf->len = len;
	m->name = PT_SA(*from);
	m->namelen = PT_SIN_LEN;
	m->lpBuffers = buf;
	m->dwBufferCount = 1;
	m->Control.buf = ctl;
	m->Control.len = ctllen;
}

/* m got a datagram from tx with IP_PKTINFO for 127.0.0.1. */
static void
check_msg(const WSAMSG *m, const struct sockaddr_in *tx)
{
	const struct sockaddr_in *from = (const struct sockaddr_in *)m->name;
	WSACMSGHDR *c = WSA_CMSG_FIRSTHDR(m);
	IN_PKTINFO pi;

	CU_ASSERT_EQUAL(m->namelen, PT_SIN_LEN);
	CU_ASSERT_EQUAL(from->sin_family, AF_INET);
	CU_ASSERT_EQUAL(from->sin_port, tx->sin_port);
	CU_ASSERT_EQUAL(from->sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	CU_ASSERT_EQUAL(m->dwFlags, 0);
	CU_ASSERT_EQUAL(m->Control.len, WSA_CMSG_SPACE(sizeof(pi)));
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->cmsg_level, IPPROTO_IP);
	CU_ASSERT_EQUAL(c->cmsg_type, IP_PKTINFO);
	CU_ASSERT_EQUAL(c->cmsg_len, WSA_CMSG_LEN(sizeof(pi)));
	memcpy(&pi, WSA_CMSG_DATA(c), sizeof(pi));
	CU_ASSERT_EQUAL(pi.ipi_addr.s_addr, htonl(INADDR_LOOPBACK));
	/* The OS path's interface: the kernel's loopback, never none. */
	CU_ASSERT_NOT_EQUAL(pi.ipi_ifindex, 0);
	CU_ASSERT_PTR_NULL(WSA_CMSG_NXTHDR(m, c));
}

static void
send_to(SOCKET tx, const struct sockaddr_in *to, const char *s)
{
	CU_ASSERT_EQUAL(sendto(tx, s, (int)strlen(s), 0,
		(const struct sockaddr *)to, PT_SIN_LEN), (int)strlen(s));
}

/* A blocking or non-blocking WSARecvMsg on rx gets s from tx (named
 * tn). */
static void
recv_checked(SOCKET rx, const struct sockaddr_in *tn, const char *s)
{
	struct sockaddr_in from;
	char data[16], ctl[64];
	WSABUF buf;
	WSAMSG m;
	DWORD n = 0;

	msg_init(&m, &from, &buf, data, sizeof(data), ctl, sizeof(ctl));
	PT_OK(recv_msg(rx, &m, &n, NULL, NULL));
	CU_ASSERT_EQUAL(n, strlen(s));
	CU_ASSERT_EQUAL(memcmp(data, s, strlen(s)), 0);
	check_msg(&m, tn);
}

/* Non-blocking: nothing there is WSAEWOULDBLOCK; a datagram sent is
 * read with its sender and IP_PKTINFO. */
static void
test_nonblocking_wsarecvmsg_reads_a_loopback_datagram(void)
{
	struct sockaddr_in rn, tn, from;
	SOCKET rx = pktinfo_bound(&rn), tx = ou_udp_bound(INADDR_LOOPBACK,
		&tn);
	char data[16], ctl[64];
	WSABUF buf;
	WSAMSG m;
	DWORD n = 0;

	pt_nonblocking(rx, true);
	msg_init(&m, &from, &buf, data, sizeof(data), ctl, sizeof(ctl));
	PT_FAILS(recv_msg(rx, &m, &n, NULL, NULL), WSAEWOULDBLOCK);
	send_to(tx, &rn, "nonblock");
	CU_ASSERT_TRUE(pt_readable(rx, PT_WAIT_MS));
	recv_checked(rx, &tn, "nonblock");
	pt_close(tx);
	pt_close(rx);
}

/* Short buffers: MSG_TRUNC and MSG_CTRUNC in dwFlags, WSAEMSGSIZE, no
 * control data written (as Windows sets them). */
static void
test_wsarecvmsg_into_short_buffers_sets_trunc_and_ctrunc(void)
{
	struct sockaddr_in rn, tn, from;
	SOCKET rx = pktinfo_bound(&rn), tx = ou_udp_bound(INADDR_LOOPBACK,
		&tn);
	char data[4], ctl[8];
	WSABUF buf;
	WSAMSG m;
	DWORD n = 0;

	pt_nonblocking(rx, true);
	send_to(tx, &rn, "too long here");
	CU_ASSERT_TRUE(pt_readable(rx, PT_WAIT_MS));
	msg_init(&m, &from, &buf, data, sizeof(data), ctl, sizeof(ctl));
	PT_FAILS(recv_msg(rx, &m, &n, NULL, NULL), WSAEMSGSIZE);
	CU_ASSERT_EQUAL(memcmp(data, "too ", 4), 0);
	CU_ASSERT_EQUAL(m.dwFlags, MSG_TRUNC | MSG_CTRUNC);
	CU_ASSERT_EQUAL(m.Control.len, 0);
	CU_ASSERT_EQUAL(from.sin_port, tn.sin_port);
	pt_close(tx);
	pt_close(rx);
}

/* Overlapped with an event: it pends, then completes once with the
 * datagram, its sender and IP_PKTINFO. */
static void
test_overlapped_wsarecvmsg_completes_once_through_its_event(void)
{
	struct sockaddr_in rn, tn;
	SOCKET rx = pktinfo_bound(&rn), tx = ou_udp_bound(INADDR_LOOPBACK,
		&tn);
	DWORD n = 0, bytes = 0, flags = 0;

	msg_init(&om, &ofrom, &obuf, odata, sizeof(odata), octl,
		sizeof(octl));
	memset(&ov, 0, sizeof(ov));
	ov.hEvent = WSACreateEvent();
	PT_FAILS(recv_msg(rx, &om, &n, &ov, NULL), WSA_IO_PENDING);
	send_to(tx, &rn, "later");
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ov.hEvent, FALSE,
		PT_WAIT_MS, FALSE), WSA_WAIT_EVENT_0);
	CU_ASSERT_TRUE(WSAGetOverlappedResult(rx, &ov, &bytes, FALSE,
		&flags));
	CU_ASSERT_EQUAL(bytes, 5);
	CU_ASSERT_EQUAL(memcmp(odata, "later", 5), 0);
	check_msg(&om, &tn);
	ou_no_second_signal(ov.hEvent);
	WSACloseEvent(ov.hEvent);
	pt_close(tx);
	pt_close(rx);
}

static int routine_calls;
static DWORD routine_err, routine_bytes;
static LPWSAOVERLAPPED routine_ov;

static void CALLBACK
routine(DWORD err, DWORD bytes, LPWSAOVERLAPPED o, DWORD flags)
{
	(void)flags;
	routine_calls++;
	routine_err = err;
	routine_bytes = bytes;
	routine_ov = o;
}

/* With a completion routine: it runs once, in an alertable wait of the
 * thread that posted. */
static void
test_overlapped_wsarecvmsg_runs_its_completion_routine_once(void)
{
	struct sockaddr_in rn, tn;
	SOCKET rx = pktinfo_bound(&rn), tx = ou_udp_bound(INADDR_LOOPBACK,
		&tn);
	DWORD n = 0;

	msg_init(&om, &ofrom, &obuf, odata, sizeof(odata), octl,
		sizeof(octl));
	memset(&ov, 0, sizeof(ov));
	routine_calls = 0;
	PT_FAILS(recv_msg(rx, &om, &n, &ov, routine), WSA_IO_PENDING);
	send_to(tx, &rn, "apc!");
	for (int i = 0; i < PT_WAIT_MS / 10 && routine_calls == 0; i++)
		SleepEx(10, TRUE);
	CU_ASSERT_EQUAL(routine_calls, 1);
	CU_ASSERT_EQUAL(routine_err, 0);
	CU_ASSERT_EQUAL(routine_bytes, 4);
	CU_ASSERT_PTR_EQUAL(routine_ov, &ov);
	CU_ASSERT_EQUAL(memcmp(odata, "apc!", 4), 0);
	check_msg(&om, &tn);
	SleepEx(100, TRUE);
	CU_ASSERT_EQUAL(routine_calls, 1);
	pt_close(tx);
	pt_close(rx);
}

/* A close ends a pending WSARecvMsg once, WSA_OPERATION_ABORTED. */
static void
test_close_aborts_a_pending_wsarecvmsg_once(void)
{
	struct sockaddr_in rn;
	SOCKET rx = pktinfo_bound(&rn);
	DWORD n = 0;

	msg_init(&om, &ofrom, &obuf, odata, sizeof(odata), octl,
		sizeof(octl));
	memset(&ov, 0, sizeof(ov));
	ov.hEvent = WSACreateEvent();
	PT_FAILS(recv_msg(rx, &om, &n, &ov, NULL), WSA_IO_PENDING);
	pt_close(rx);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ov.hEvent, FALSE,
		PT_WAIT_MS, FALSE), WSA_WAIT_EVENT_0);
	CU_ASSERT_EQUAL(ov.OffsetHigh, WSA_OPERATION_ABORTED);
	ou_no_second_signal(ov.hEvent);
	WSACloseEvent(ov.hEvent);
}

/* One datagram through Ws2_32's WSASendMsg (SIO_EXT_SENDMSG) on tx. */
static void
ws2_sendmsg(SOCKET tx, const struct sockaddr_in *to, const char *s)
{
	WSABUF buf = { (ULONG)strlen(s), (char *)s };
	WSAMSG m;
	DWORD n = 0, ret = 0;
	WSASENDMSG a = { .lpMsg = &m, .lpNumberOfBytesSent = &n };

	memset(&m, 0, sizeof(m));
	m.name = (struct sockaddr *)to;
	m.namelen = to != NULL ? PT_SIN_LEN : 0;
	m.lpBuffers = &buf;
	m.dwBufferCount = 1;
	PT_OK(WSAIoctl(tx, SIO_EXT_SENDMSG, &a, sizeof(a), NULL, 0, &ret,
		NULL, NULL));
	CU_ASSERT_EQUAL(n, strlen(s));
}

static void
recv_one(SOCKET rx, const char *s, const struct sockaddr_in *tx)
{
	struct sockaddr_in from;
	int len = sizeof(from);
	char got[16];

	memset(&from, 0, sizeof(from));
	CU_ASSERT_FATAL(pt_readable(rx, PT_WAIT_MS));
	CU_ASSERT_EQUAL(recvfrom(rx, got, sizeof(got), 0, PT_SA(from), &len),
		(int)strlen(s));
	CU_ASSERT_EQUAL(memcmp(got, s, strlen(s)), 0);
	CU_ASSERT_EQUAL(from.sin_port, tx->sin_port);
}

/* WSASendMsg on OS path sockets reaches a loopback receiver: to a name
 * and connected, through Ws2_32 and through the extension pointer
 * (blocking, then overlapped completing once). */
static void
test_wsasendmsg_on_loopback_reaches_the_receiver(void)
{
	struct sockaddr_in rn, tn;
	SOCKET rx = pktinfo_bound(&rn), tx = ou_udp_bound(INADDR_LOOPBACK,
		&tn);
	WSABUF buf = { 3, "ptr" };
	WSAMSG m;
	DWORD n = 0, bytes = 0, flags = 0;

	ws2_sendmsg(tx, &rn, "named");
	recv_one(rx, "named", &tn);
	PT_OK(connect(tx, PT_SA(rn), PT_SIN_LEN));
	ws2_sendmsg(tx, NULL, "connected");
	recv_one(rx, "connected", &tn);
	memset(&m, 0, sizeof(m));
	m.lpBuffers = &buf;
	m.dwBufferCount = 1;
	PT_OK(send_msg(tx, &m, 0, &n, NULL, NULL));
	CU_ASSERT_EQUAL(n, 3);
	recv_one(rx, "ptr", &tn);
	memset(&ov, 0, sizeof(ov));
	ov.hEvent = WSACreateEvent();
	n = 0;
	if (send_msg(tx, &m, 0, &n, &ov, NULL) != 0)
		CU_ASSERT_EQUAL(WSAGetLastError(), WSA_IO_PENDING);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ov.hEvent, FALSE,
		PT_WAIT_MS, FALSE), WSA_WAIT_EVENT_0);
	CU_ASSERT_TRUE(WSAGetOverlappedResult(tx, &ov, &bytes, FALSE,
		&flags));
	CU_ASSERT_EQUAL(bytes, 3);
	ou_no_second_signal(ov.hEvent);
	recv_one(rx, "ptr", &tn);
	WSACloseEvent(ov.hEvent);
	pt_close(tx);
	pt_close(rx);
}

/* An unbound socket's first WSASendMsg to 127.0.0.1 decides the OS
 * path, as its first sendto would, and telemetry shows the local name
 * the OS gave it. */
static void
test_first_wsasendmsg_to_loopback_decides_the_os_path(void)
{
	struct sockaddr_in rn, me;
	SOCKET rx = pktinfo_bound(&rn), tx = pt_socket(SOCK_DGRAM,
		IPPROTO_UDP);
	char got[8], pat[48], e[1024];

	ws2_sendmsg(tx, &rn, "first");
	CU_ASSERT_FATAL(pt_readable(rx, PT_WAIT_MS));
	CU_ASSERT_EQUAL(recv(rx, got, sizeof(got), 0), 5);
	CU_ASSERT_EQUAL(memcmp(got, "first", 5), 0);
	/* The kernel bound it to INADDR_ANY and a port of its choice. */
	me = pt_name_of(tx, false);
	CU_ASSERT_NOT_EQUAL(me.sin_port, 0);
	snprintf(pat, sizeof(pat), "\"handle\":\"%#llx\"",
		(unsigned long long)tx);
	CU_ASSERT_TRUE_FATAL(pt_sock_entry(pat, e, sizeof(e)));
	snprintf(pat, sizeof(pat), "\"local\":\"0.0.0.0:%u\"",
		ntohs(me.sin_port));
	CU_ASSERT_PTR_NOT_NULL(strstr(e, pat));
	pt_close(tx);
	pt_close(rx);
}

/* Blocking: a datagram already there is read; SO_RCVTIMEO, set on the
 * socket, ends a wait for the next WSAETIMEDOUT. */
static void
test_blocking_wsarecvmsg_reads_and_honours_so_rcvtimeo(void)
{
	struct sockaddr_in rn, tn, from;
	SOCKET rx = pktinfo_bound(&rn), tx = ou_udp_bound(INADDR_LOOPBACK,
		&tn);
	char data[16], ctl[64];
	WSABUF buf;
	WSAMSG m;
	DWORD n = 0;

	pt_setopt_int(rx, SOL_SOCKET, SO_RCVTIMEO, 200);
	send_to(tx, &rn, "blocking");
	recv_checked(rx, &tn, "blocking");
	msg_init(&m, &from, &buf, data, sizeof(data), ctl, sizeof(ctl));
	PT_FAILS(recv_msg(rx, &m, &n, NULL, NULL), WSAETIMEDOUT);
	pt_close(tx);
	pt_close(rx);
}

static const struct wt_test tests[] = {
	WT_TEST(test_nonblocking_wsarecvmsg_reads_a_loopback_datagram),
	WT_TEST(test_wsarecvmsg_into_short_buffers_sets_trunc_and_ctrunc),
	WT_TEST(test_overlapped_wsarecvmsg_completes_once_through_its_event),
	WT_TEST(test_overlapped_wsarecvmsg_runs_its_completion_routine_once),
	WT_TEST(test_close_aborts_a_pending_wsarecvmsg_once),
	WT_TEST(test_wsasendmsg_on_loopback_reaches_the_receiver),
	WT_TEST(test_first_wsasendmsg_to_loopback_decides_the_os_path),
	WT_TEST(test_blocking_wsarecvmsg_reads_and_honours_so_rcvtimeo),
	WT_TEST_END
};

static const struct wt_suite ospath_msg_suite = {
	.name = "ospath_msg",
	.tests = tests,
	.clean = pt_suite_clean,
};

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = {
		&ospath_msg_suite, NULL };

	if (pt_startup() != 0)
		return 1;
	return pt_run(argc, argv, suites);
}
