/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IP_RECVTOS and IP_RECVTTL (IPPROTO_IP socket options): WSARecvMsg
 * reports each datagram's TOS as an IP_TOS message and its TTL as an
 * IP_TTL message, each an INT, after IP_PKTINFO's; UDP only.
 */
#include <string.h>

#include "ext.h"

/* The INT of msg's (IPPROTO_IP, type) message, or -1. */
static int
ctl_int(WSAMSG *msg, int type)
{
	INT v;

	for (WSACMSGHDR *c = WSA_CMSG_FIRSTHDR(msg); c != NULL;
			c = WSA_CMSG_NXTHDR(msg, c))
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == type &&
				c->cmsg_len == WSA_CMSG_LEN(sizeof(INT))) {
			memcpy(&v, WSA_CMSG_DATA(c), sizeof(v));
			return v;
		}
	return -1;
}

/* tx sends with TOS 0xb9 (DSCP 46, ECT(1)) and TTL 37 to rx; rx reads
 * it with a control buffer of ctl_len bytes. */
static void
send_marked_and_read(SOCKET rx, const struct sockaddr_in *to, WSAMSG *msg,
		char *ctl, DWORD ctl_len)
{
	SOCKET tx = pt_socket(SOCK_DGRAM, IPPROTO_UDP);
	static char data[16];
	static WSABUF buf = { sizeof(data), data };
	DWORD n = 0;

	pt_setopt_int(tx, IPPROTO_IP, IP_TOS, 0xb9);
	pt_setopt_int(tx, IPPROTO_IP, IP_TTL, 37);
	PT_OK(sendto(tx, "tos", 3, 0, (const struct sockaddr *)to,
		PT_SIN_LEN));
	CU_ASSERT_FATAL(pt_readable(rx, PT_WAIT_MS));
	memset(msg, 0, sizeof(*msg));
	msg->lpBuffers = &buf;
	msg->dwBufferCount = 1;
	msg->Control = (WSABUF){ ctl_len, ctl };
	PT_OK(ext_recvmsg(rx)(rx, msg, &n, NULL, NULL));
	CU_ASSERT_EQUAL(n, 3);
	pt_close(tx);
}

static void
test_recvmsg_reports_tos_and_ttl_when_asked(void)
{
	struct sockaddr_in name;
	SOCKET rx = ext_bound(PT_IP, &name);
	char ctl[128];
	WSAMSG msg;
	int v = 0, len = sizeof(v);

	/* Off by default: no control data. */
	send_marked_and_read(rx, &name, &msg, ctl, sizeof(ctl));
	CU_ASSERT_EQUAL(msg.Control.len, 0);
	pt_setopt_int(rx, IPPROTO_IP, IP_PKTINFO, 1);
	pt_setopt_int(rx, IPPROTO_IP, IP_RECVTOS, 1);
	pt_setopt_int(rx, IPPROTO_IP, IP_RECVTTL, 1);
	PT_OK(getsockopt(rx, IPPROTO_IP, IP_RECVTOS, (char *)&v, &len));
	CU_ASSERT_EQUAL(v, 1);
	send_marked_and_read(rx, &name, &msg, ctl, sizeof(ctl));
	CU_ASSERT_EQUAL(msg.dwFlags, 0);
	CU_ASSERT_EQUAL(msg.Control.len, WSA_CMSG_SPACE(sizeof(IN_PKTINFO)) +
		2 * WSA_CMSG_SPACE(sizeof(INT)));
	CU_ASSERT_EQUAL(ctl_int(&msg, IP_TOS), 0xb9);
	CU_ASSERT_EQUAL(ctl_int(&msg, IP_TTL), 37);
	/* One switched off: its message goes. */
	pt_setopt_int(rx, IPPROTO_IP, IP_RECVTOS, 0);
	send_marked_and_read(rx, &name, &msg, ctl, sizeof(ctl));
	CU_ASSERT_EQUAL(ctl_int(&msg, IP_TOS), -1);
	CU_ASSERT_EQUAL(ctl_int(&msg, IP_TTL), 37);
	pt_close(rx);
}

/* A control buffer with room for IP_PKTINFO only: MSG_CTRUNC. */
static void
test_recvmsg_tos_ttl_that_do_not_fit_set_ctrunc(void)
{
	struct sockaddr_in name;
	SOCKET rx = ext_bound(PT_IP, &name);
	char ctl[64];
	WSAMSG msg;

	pt_setopt_int(rx, IPPROTO_IP, IP_PKTINFO, 1);
	pt_setopt_int(rx, IPPROTO_IP, IP_RECVTTL, 1);
	send_marked_and_read(rx, &name, &msg, ctl,
		WSA_CMSG_SPACE(sizeof(IN_PKTINFO)));
	CU_ASSERT_EQUAL(msg.dwFlags, MSG_CTRUNC);
	CU_ASSERT_EQUAL(msg.Control.len, WSA_CMSG_SPACE(sizeof(IN_PKTINFO)));
	CU_ASSERT_EQUAL(ctl_int(&msg, IP_TTL), -1);
	pt_close(rx);
}

/* Datagram sockets only: a stream socket does not know them. */
static void
test_recvtos_recvttl_unknown_to_streams(void)
{
	SOCKET s = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	int one = 1;

	PT_FAILS(setsockopt(s, IPPROTO_IP, IP_RECVTOS, (char *)&one,
		sizeof(one)), WSAENOPROTOOPT);
	PT_FAILS(setsockopt(s, IPPROTO_IP, IP_RECVTTL, (char *)&one,
		sizeof(one)), WSAENOPROTOOPT);
	pt_close(s);
}

static const struct wt_test tos_ttl_tests[] = {
	WT_TEST(test_recvmsg_reports_tos_and_ttl_when_asked),
	WT_TEST(test_recvmsg_tos_ttl_that_do_not_fit_set_ctrunc),
	WT_TEST(test_recvtos_recvttl_unknown_to_streams),
	WT_TEST_END
};

const struct wt_suite test_ext_tos_ttl_suite = {
	.name = "ext_tos_ttl",
	.tests = tos_ttl_tests,
	.clean = pt_suite_clean,
};
