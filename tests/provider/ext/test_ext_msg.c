/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * WSARecvMsg and WSASendMsg on UDP: IP_PKTINFO's destination and
 * interface, the message flags Windows sets, control-buffer truncation,
 * blocking, non-blocking and overlapped calls, SIO_EXT_SENDMSG.
 */
#include <string.h>

#include "ext.h"

struct rx {
	char data[64];
	char ctl[64];
	struct sockaddr_in from;
	WSABUF buf;
	WSAMSG msg;
};

static void
rx_init(struct rx *r, DWORD ctl_len)
{
	memset(r, 0, sizeof(*r));
	r->buf = (WSABUF){ sizeof(r->data), r->data };
	r->msg.name = PT_SA(r->from);
	r->msg.namelen = PT_SIN_LEN;
	r->msg.lpBuffers = &r->buf;
	r->msg.dwBufferCount = 1;
	r->msg.Control = (WSABUF){ ctl_len, r->ctl };
}

/* The IN_PKTINFO of msg, or NULL. */
static const IN_PKTINFO *
pktinfo(WSAMSG *msg)
{
	for (WSACMSGHDR *c = WSA_CMSG_FIRSTHDR(msg); c != NULL;
			c = WSA_CMSG_NXTHDR(msg, c))
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO &&
				c->cmsg_len == WSA_CMSG_LEN(sizeof(IN_PKTINFO)))
			return (const IN_PKTINFO *)WSA_CMSG_DATA(c);
	return NULL;
}

static void
send_to(SOCKET tx, uint32_t ip, uint16_t port, const char *s)
{
	struct sockaddr_in to = pt_sin(ip, port);

	PT_OK(sendto(tx, s, (int)strlen(s), 0, PT_SA(to), PT_SIN_LEN));
}

/*
 * tx (prepared by the caller) sends payload to dst at rx's port; rx,
 * with IP_PKTINFO on, reads it through WSARecvMsg: the flags say how it
 * was addressed and the IN_PKTINFO names dst on interface 1.
 */
static void
recvmsg_sees(SOCKET rx, SOCKET tx, uint16_t port, uint32_t dst,
		const char *payload, DWORD want_flags)
{
	LPFN_WSARECVMSG recvmsg = ext_recvmsg(rx);
	const IN_PKTINFO *pi;
	struct rx r;
	DWORD n = 0;

	pt_setopt_int(rx, IPPROTO_IP, IP_PKTINFO, 1);
	send_to(tx, dst, port, payload);
	CU_ASSERT_FATAL(pt_readable(rx, PT_WAIT_MS));
	rx_init(&r, sizeof(r.ctl));
	PT_OK(recvmsg(rx, &r.msg, &n, NULL, NULL));
	CU_ASSERT_EQUAL(n, strlen(payload));
	CU_ASSERT_EQUAL(memcmp(r.data, payload, n), 0);
	CU_ASSERT_EQUAL(ntohl(r.from.sin_addr.s_addr), PT_IP);
	CU_ASSERT_EQUAL(r.msg.dwFlags, want_flags);
	CU_ASSERT_EQUAL(r.msg.Control.len,
		WSA_CMSG_SPACE(sizeof(IN_PKTINFO)));
	pi = pktinfo(&r.msg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pi);
	CU_ASSERT_EQUAL(ntohl(pi->ipi_addr.s_addr), dst);
	CU_ASSERT_EQUAL(pi->ipi_ifindex, 1);
	pt_close(rx);
	pt_close(tx);
}

static void
test_recvmsg_reports_destination_in_pktinfo(void)
{
	struct sockaddr_in name;
	SOCKET rx = ext_bound(0, &name);

	recvmsg_sees(rx, pt_socket(SOCK_DGRAM, IPPROTO_UDP),
		ntohs(name.sin_port), PT_IP, "hello", 0);
}

static void
test_recvmsg_reports_multicast_group_in_pktinfo(void)
{
	struct sockaddr_in name;
	SOCKET rx = ext_bound(0, &name), tx = pt_socket(SOCK_DGRAM,
		IPPROTO_UDP);
	IP_MREQ mr;

	mr.imr_multiaddr.s_addr = htonl(EXT_GROUP);
	mr.imr_interface.s_addr = 0;
	PT_OK(setsockopt(rx, IPPROTO_IP, IP_ADD_MEMBERSHIP, (char *)&mr,
		sizeof(mr)));
	pt_setopt_int(tx, IPPROTO_IP, IP_MULTICAST_LOOP, 1);
	recvmsg_sees(rx, tx, ntohs(name.sin_port), EXT_GROUP, "group",
		MSG_MCAST);
}

static void
test_recvmsg_flags_broadcast_with_bcast(void)
{
	struct sockaddr_in name;
	SOCKET rx = ext_bound(0, &name), tx = pt_socket(SOCK_DGRAM,
		IPPROTO_UDP);

	pt_setopt_int(tx, SOL_SOCKET, SO_BROADCAST, 1);
	recvmsg_sees(rx, tx, ntohs(name.sin_port), 0xffffffffu, "all",
		MSG_BCAST);
}

static void
test_recvmsg_small_control_buffer_sets_ctrunc(void)
{
	struct sockaddr_in name;
	SOCKET rx = ext_bound(PT_IP, &name), tx = pt_socket(SOCK_DGRAM,
		IPPROTO_UDP);
	LPFN_WSARECVMSG recvmsg = ext_recvmsg(rx);
	struct rx r;
	DWORD n = 0;

	pt_setopt_int(rx, IPPROTO_IP, IP_PKTINFO, 1);
	send_to(tx, PT_IP, ntohs(name.sin_port), "x");
	rx_init(&r, WSA_CMSG_SPACE(sizeof(IN_PKTINFO)) - 1);
	PT_OK(recvmsg(rx, &r.msg, &n, NULL, NULL));
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(r.msg.dwFlags, MSG_CTRUNC);
	CU_ASSERT_EQUAL(r.msg.Control.len, 0);
	pt_close(rx);
	pt_close(tx);
}

static void
test_recvmsg_without_pktinfo_option_writes_no_control(void)
{
	struct sockaddr_in name;
	SOCKET rx = ext_bound(PT_IP, &name), tx = pt_socket(SOCK_DGRAM,
		IPPROTO_UDP);
	LPFN_WSARECVMSG recvmsg = ext_recvmsg(rx);
	struct rx r;
	DWORD n = 0;

	send_to(tx, PT_IP, ntohs(name.sin_port), "x");
	rx_init(&r, sizeof(r.ctl));
	PT_OK(recvmsg(rx, &r.msg, &n, NULL, NULL));
	CU_ASSERT_EQUAL(r.msg.Control.len, 0);
	CU_ASSERT_EQUAL(r.msg.dwFlags, 0);
	pt_close(rx);
	pt_close(tx);
}

static void
test_recvmsg_truncated_datagram_sets_trunc_fails_emsgsize(void)
{
	struct sockaddr_in name;
	SOCKET rx = ext_bound(PT_IP, &name), tx = pt_socket(SOCK_DGRAM,
		IPPROTO_UDP);
	LPFN_WSARECVMSG recvmsg = ext_recvmsg(rx);
	struct rx r;
	DWORD n = 0;

	send_to(tx, PT_IP, ntohs(name.sin_port), "0123456789");
	rx_init(&r, sizeof(r.ctl));
	r.buf.len = 4;
	PT_FAILS(recvmsg(rx, &r.msg, &n, NULL, NULL), WSAEMSGSIZE);
	CU_ASSERT_EQUAL(n, 4);
	CU_ASSERT_EQUAL(r.msg.dwFlags, MSG_TRUNC);
	CU_ASSERT_EQUAL(memcmp(r.data, "0123", 4), 0);
	pt_close(rx);
	pt_close(tx);
}

static void
test_recvmsg_nonblocking_empty_fails_ewouldblock(void)
{
	struct sockaddr_in name;
	SOCKET rx = ext_bound(PT_IP, &name);
	LPFN_WSARECVMSG recvmsg = ext_recvmsg(rx);
	struct rx r;
	DWORD n = 0;

	pt_nonblocking(rx, true);
	rx_init(&r, sizeof(r.ctl));
	PT_FAILS(recvmsg(rx, &r.msg, &n, NULL, NULL), WSAEWOULDBLOCK);
	pt_close(rx);
}

static void
test_recvmsg_bad_arguments_fail(void)
{
	struct sockaddr_in name;
	SOCKET rx = ext_bound(PT_IP, &name);
	SOCKET st = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	LPFN_WSARECVMSG recvmsg = ext_recvmsg(rx);
	struct rx r;
	DWORD n = 0;

	PT_FAILS(recvmsg(rx, NULL, &n, NULL, NULL), WSAEFAULT);
	rx_init(&r, sizeof(r.ctl));
	r.msg.namelen = 4;
	PT_FAILS(recvmsg(rx, &r.msg, &n, NULL, NULL), WSAEFAULT);
	rx_init(&r, sizeof(r.ctl));
	r.msg.dwFlags = MSG_OOB;
	PT_FAILS(recvmsg(rx, &r.msg, &n, NULL, NULL), WSAEOPNOTSUPP);
	rx_init(&r, sizeof(r.ctl));
	PT_FAILS(ext_recvmsg(st)(st, &r.msg, &n, NULL, NULL),
		WSAEOPNOTSUPP);
	PT_FAILS(recvmsg((SOCKET)0x7777, &r.msg, &n, NULL, NULL),
		WSAENOTSOCK);
	pt_close(rx);
	pt_close(st);
}

/* Posted before the datagram: pends, then completes with its data,
 * sender and control data. */
static void
test_recvmsg_overlapped_pends_then_fills_pktinfo(void)
{
	struct sockaddr_in name;
	SOCKET rx = ext_bound(0, &name), tx = pt_socket(SOCK_DGRAM,
		IPPROTO_UDP);
	LPFN_WSARECVMSG recvmsg = ext_recvmsg(rx);
	WSAOVERLAPPED ov;
	const IN_PKTINFO *pi;
	DWORD n = 0, flags = 0;
	struct rx r;

	memset(&ov, 0, sizeof(ov));
	ov.hEvent = WSACreateEvent();
	pt_setopt_int(rx, IPPROTO_IP, IP_PKTINFO, 1);
	rx_init(&r, sizeof(r.ctl));
	PT_FAILS(recvmsg(rx, &r.msg, NULL, &ov, NULL), WSA_IO_PENDING);
	send_to(tx, PT_IP, ntohs(name.sin_port), "later");
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ov.hEvent, TRUE,
		PT_WAIT_MS, FALSE), WSA_WAIT_EVENT_0);
	PT_OK(WSAGetOverlappedResult(rx, &ov, &n, FALSE, &flags));
	CU_ASSERT_EQUAL(n, 5);
	CU_ASSERT_EQUAL(memcmp(r.data, "later", 5), 0);
	CU_ASSERT_EQUAL(ntohl(r.from.sin_addr.s_addr), PT_IP);
	pi = pktinfo(&r.msg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pi);
	CU_ASSERT_EQUAL(ntohl(pi->ipi_addr.s_addr), PT_IP);
	WSACloseEvent(ov.hEvent);
	pt_close(rx);
	pt_close(tx);
}

/* An overlapped peek pends like a receive and completes when a datagram
 * comes, leaving it queued for the next receive (readiness, as libuv
 * uses a peek). */
static void
test_recvmsg_overlapped_peek_completes_and_leaves_datagram(void)
{
	struct sockaddr_in name;
	SOCKET rx = ext_bound(0, &name), tx = pt_socket(SOCK_DGRAM,
		IPPROTO_UDP);
	LPFN_WSARECVMSG recvmsg = ext_recvmsg(rx);
	WSAOVERLAPPED ov;
	DWORD n = 0, flags = 0;
	struct rx r;
	char buf[16];

	memset(&ov, 0, sizeof(ov));
	ov.hEvent = WSACreateEvent();
	rx_init(&r, 0);
	r.msg.dwFlags = MSG_PEEK;
	PT_FAILS(recvmsg(rx, &r.msg, NULL, &ov, NULL), WSA_IO_PENDING);
	send_to(tx, PT_IP, ntohs(name.sin_port), "peek");
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ov.hEvent, TRUE,
		PT_WAIT_MS, FALSE), WSA_WAIT_EVENT_0);
	PT_OK(WSAGetOverlappedResult(rx, &ov, &n, FALSE, &flags));
	CU_ASSERT_EQUAL(n, 4);
	CU_ASSERT_EQUAL(memcmp(r.data, "peek", 4), 0);
	CU_ASSERT_EQUAL(recv(rx, buf, sizeof(buf), 0), 4);
	CU_ASSERT_EQUAL(memcmp(buf, "peek", 4), 0);
	WSACloseEvent(ov.hEvent);
	pt_close(rx);
	pt_close(tx);
}

/* A datagram already queued: the overlapped call completes at once
 * (0) and its completion is indicated once. */
static void
test_recvmsg_overlapped_with_data_completes_at_once(void)
{
	struct sockaddr_in name;
	SOCKET rx = ext_bound(PT_IP, &name), tx = pt_socket(SOCK_DGRAM,
		IPPROTO_UDP);
	LPFN_WSARECVMSG recvmsg = ext_recvmsg(rx);
	WSAOVERLAPPED ov;
	DWORD n = 0, flags = 0;
	struct rx r;

	memset(&ov, 0, sizeof(ov));
	ov.hEvent = WSACreateEvent();
	send_to(tx, PT_IP, ntohs(name.sin_port), "now");
	CU_ASSERT_FATAL(pt_readable(rx, PT_WAIT_MS));
	rx_init(&r, sizeof(r.ctl));
	PT_OK(recvmsg(rx, &r.msg, &n, &ov, NULL));
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ov.hEvent, TRUE,
		PT_WAIT_MS, FALSE), WSA_WAIT_EVENT_0);
	PT_OK(WSAGetOverlappedResult(rx, &ov, &n, FALSE, &flags));
	CU_ASSERT_EQUAL(n, 3);
	WSACloseEvent(ov.hEvent);
	pt_close(rx);
	pt_close(tx);
}

/* The sendmsg side: a control message for our own address is taken. */
static WSAMSG
tx_msg(struct sockaddr_in *to, WSABUF *buf, char *ctl, DWORD ctl_len)
{
	WSAMSG m = { .name = PT_SA(*to), .namelen = PT_SIN_LEN,
		.lpBuffers = buf, .dwBufferCount = 1,
		.Control = { ctl_len, ctl } };

	return m;
}

static void
put_pktinfo(char *ctl, uint32_t ip, UINT ifindex)
{
	WSACMSGHDR *c = (WSACMSGHDR *)ctl;
	IN_PKTINFO pi = { .ipi_ifindex = ifindex };

	pi.ipi_addr.s_addr = htonl(ip);
	c->cmsg_len = WSA_CMSG_LEN(sizeof(pi));
	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_PKTINFO;
	memcpy(WSA_CMSG_DATA(c), &pi, sizeof(pi));
}

static void
test_sendmsg_with_our_pktinfo_is_received(void)
{
	struct sockaddr_in name;
	SOCKET rx = ext_bound(PT_IP, &name), tx = pt_socket(SOCK_DGRAM,
		IPPROTO_UDP);
	LPFN_WSASENDMSG sendmsg = ext_sendmsg(tx);
	union { WSACMSGHDR h; char b[64]; } ctl;
	WSABUF buf = { 4, "ping" };
	WSAMSG m;
	char got[8];
	DWORD n = 0;

	memset(&ctl, 0, sizeof(ctl));
	put_pktinfo(ctl.b, PT_IP, 1);
	m = tx_msg(&name, &buf, ctl.b, WSA_CMSG_SPACE(sizeof(IN_PKTINFO)));
	PT_OK(sendmsg(tx, &m, 0, &n, NULL, NULL));
	CU_ASSERT_EQUAL(n, 4);
	CU_ASSERT_FATAL(pt_readable(rx, PT_WAIT_MS));
	CU_ASSERT_EQUAL(recv(rx, got, sizeof(got), 0), 4);
	CU_ASSERT_EQUAL(memcmp(got, "ping", 4), 0);
	pt_close(rx);
	pt_close(tx);
}

static void
test_sendmsg_bad_control_data_fails(void)
{
	struct sockaddr_in name = pt_sin(PT_IP, 9);
	SOCKET tx = pt_socket(SOCK_DGRAM, IPPROTO_UDP);
	LPFN_WSASENDMSG sendmsg = ext_sendmsg(tx);
	union { WSACMSGHDR h; char b[64]; } ctl;
	WSABUF buf = { 4, "ping" };
	WSAMSG m;
	DWORD n = 0;

	memset(&ctl, 0, sizeof(ctl));
	put_pktinfo(ctl.b, PT_FOREIGN, 0);
	m = tx_msg(&name, &buf, ctl.b, WSA_CMSG_SPACE(sizeof(IN_PKTINFO)));
	PT_FAILS(sendmsg(tx, &m, 0, &n, NULL, NULL), WSAEADDRNOTAVAIL);
	put_pktinfo(ctl.b, PT_IP, 5);
	PT_FAILS(sendmsg(tx, &m, 0, &n, NULL, NULL), WSAEADDRNOTAVAIL);
	/* A length past the buffer, and one below a header. */
	put_pktinfo(ctl.b, PT_IP, 1);
	ctl.h.cmsg_len = 1000;
	PT_FAILS(sendmsg(tx, &m, 0, &n, NULL, NULL), WSAEINVAL);
	ctl.h.cmsg_len = 2;
	PT_FAILS(sendmsg(tx, &m, 0, &n, NULL, NULL), WSAEINVAL);
	put_pktinfo(ctl.b, PT_IP, 1);
	ctl.h.cmsg_type = IP_TTL + 100;
	PT_FAILS(sendmsg(tx, &m, 0, &n, NULL, NULL), WSAEINVAL);
	PT_FAILS(sendmsg(tx, NULL, 0, &n, NULL, NULL), WSAEFAULT);
	m.Control.len = 0;
	PT_FAILS(sendmsg(tx, &m, MSG_OOB, &n, NULL, NULL), WSAEOPNOTSUPP);
	pt_close(tx);
}

/* Ws2_32's WSASendMsg reaches the provider as SIO_EXT_SENDMSG. */
static void
test_sio_ext_sendmsg_sends_the_message(void)
{
	struct sockaddr_in name;
	SOCKET rx = ext_bound(PT_IP, &name), tx = pt_socket(SOCK_DGRAM,
		IPPROTO_UDP);
	WSABUF buf = { 3, "ext" };
	WSAMSG m = tx_msg(&name, &buf, NULL, 0);
	DWORD n = 0, ret = 0;
	WSASENDMSG a = { .lpMsg = &m, .lpNumberOfBytesSent = &n };
	char got[8];

	PT_OK(WSAIoctl(tx, SIO_EXT_SENDMSG, &a, sizeof(a), NULL, 0, &ret,
		NULL, NULL));
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_FATAL(pt_readable(rx, PT_WAIT_MS));
	CU_ASSERT_EQUAL(recv(rx, got, sizeof(got), 0), 3);
	PT_FAILS(WSAIoctl(tx, SIO_EXT_SENDMSG, &a, sizeof(a) - 1, NULL, 0,
		&ret, NULL, NULL), WSAEFAULT);
	pt_close(rx);
	pt_close(tx);
}

static const struct wt_test msg_tests[] = {
	WT_TEST(test_recvmsg_reports_destination_in_pktinfo),
	WT_TEST(test_recvmsg_reports_multicast_group_in_pktinfo),
	WT_TEST(test_recvmsg_flags_broadcast_with_bcast),
	WT_TEST(test_recvmsg_small_control_buffer_sets_ctrunc),
	WT_TEST(test_recvmsg_without_pktinfo_option_writes_no_control),
	WT_TEST(test_recvmsg_truncated_datagram_sets_trunc_fails_emsgsize),
	WT_TEST(test_recvmsg_nonblocking_empty_fails_ewouldblock),
	WT_TEST(test_recvmsg_bad_arguments_fail),
	WT_TEST(test_recvmsg_overlapped_pends_then_fills_pktinfo),
	WT_TEST(test_recvmsg_overlapped_with_data_completes_at_once),
	WT_TEST(test_recvmsg_overlapped_peek_completes_and_leaves_datagram),
	WT_TEST(test_sendmsg_with_our_pktinfo_is_received),
	WT_TEST(test_sendmsg_bad_control_data_fails),
	WT_TEST(test_sio_ext_sendmsg_sends_the_message),
	WT_TEST_END
};

const struct wt_suite test_ext_msg_suite = {
	.name = "ext_msg",
	.tests = msg_tests,
	.clean = pt_suite_clean,
};
