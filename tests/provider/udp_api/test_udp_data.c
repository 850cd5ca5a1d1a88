/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Data calls: WSPSend, WSPSendTo, WSPRecv, WSPRecvFrom -- every
 * documented error path with its exact code, and the datagram semantics
 * the codes guard (truncation, peeking, gathering, empty datagrams).
 */
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "udp_api.h"

/* A receiver bound to our address and an unbound sender. */
struct pair {
	SOCKET rx, tx;
	struct sockaddr_in to;
};

static struct pair
pair_open(void)
{
	struct pair p;

	p.rx = ua_bound(&p.to);
	p.tx = ua_udp();
	return p;
}

static void
pair_close(struct pair *p)
{
	pt_close(p->rx);
	pt_close(p->tx);
}

/* A sender whose datagrams to closed ports raise no error later. */
static SOCKET
quiet_sender(void)
{
	SOCKET s = ua_udp();
	u_long off = 0;

	PT_OK(WSAIoctl(s, SIO_UDP_CONNRESET, &off, sizeof(off), NULL, 0,
		&(DWORD){ 0 }, NULL, NULL));
	return s;
}

/* ---- WSPSend / WSPSendTo ---- */

/* send (no address) on an unconnected socket: WSAENOTCONN; so is
 * WSASendTo with no address. */
static void
test_send_unconnected_fails_enotconn(void)
{
	SOCKET s = ua_udp();
	WSABUF b = { .len = 1, .buf = (char *)"x" };
	DWORD n;

	PT_FAILS(send(s, "x", 1, 0), WSAENOTCONN);
	PT_FAILS(WSASendTo(s, &b, 1, &n, 0, NULL, 0, NULL, NULL),
		WSAENOTCONN);
	pt_close(s);
}

/* To 0.0.0.0 or to port 0: WSAEADDRNOTAVAIL. */
static void
test_sendto_zero_address_or_port_fails_eaddrnotavail(void)
{
	struct sockaddr_in a0 = pt_sin(0, 5000), p0 = pt_sin(PT_IP, 0);
	SOCKET s = ua_udp();

	PT_FAILS(sendto(s, "x", 1, 0, PT_SA(a0), PT_SIN_LEN),
		WSAEADDRNOTAVAIL);
	PT_FAILS(sendto(s, "x", 1, 0, PT_SA(p0), PT_SIN_LEN),
		WSAEADDRNOTAVAIL);
	pt_close(s);
}

/* 65507 bytes is the largest payload; one more: WSAEMSGSIZE, also when
 * gathered from several buffers. */
static void
test_sendto_over_65507_fails_emsgsize(void)
{
	struct sockaddr_in to = pt_sin(PT_IP, ua_closed_port());
	char *big = calloc(1, 65508);
	WSABUF b[2];
	DWORD n;
	SOCKET s = quiet_sender();

	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	CU_ASSERT_EQUAL(sendto(s, big, 65507, 0, PT_SA(to), PT_SIN_LEN),
		65507);
	PT_FAILS(sendto(s, big, 65508, 0, PT_SA(to), PT_SIN_LEN),
		WSAEMSGSIZE);
	b[0] = (WSABUF){ .len = 60000, .buf = big };
	b[1] = (WSABUF){ .len = 5508, .buf = big };
	PT_FAILS(WSASendTo(s, b, 2, &n, 0, PT_SA(to), PT_SIN_LEN, NULL, NULL),
		WSAEMSGSIZE);
	free(big);
	pt_close(s);
}

/* To a broadcast address: WSAEACCES until SO_BROADCAST is set. */
static void
test_sendto_broadcast_needs_so_broadcast(void)
{
	uint16_t port = ua_closed_port();
	struct sockaddr_in bc = pt_sin(UA_BCAST, port),
		all = pt_sin(0xffffffffu, port);
	SOCKET s = ua_udp();

	PT_FAILS(sendto(s, "b", 1, 0, PT_SA(bc), PT_SIN_LEN), WSAEACCES);
	PT_FAILS(sendto(s, "b", 1, 0, PT_SA(all), PT_SIN_LEN), WSAEACCES);
	pt_setopt_int(s, SOL_SOCKET, SO_BROADCAST, 1);
	CU_ASSERT_EQUAL(sendto(s, "b", 1, 0, PT_SA(bc), PT_SIN_LEN), 1);
	CU_ASSERT_EQUAL(sendto(s, "b", 1, 0, PT_SA(all), PT_SIN_LEN), 1);
	pt_close(s);
}

/* After shutdown(SD_SEND), send and sendto: WSAESHUTDOWN. */
static void
test_send_after_shutdown_send_fails_eshutdown(void)
{
	struct pair p = pair_open();

	PT_OK(connect(p.tx, PT_SA(p.to), PT_SIN_LEN));
	PT_OK(shutdown(p.tx, SD_SEND));
	PT_FAILS(send(p.tx, "x", 1, 0), WSAESHUTDOWN);
	PT_FAILS(sendto(p.tx, "x", 1, 0, PT_SA(p.to), PT_SIN_LEN),
		WSAESHUTDOWN);
	pair_close(&p);
}

/* MSG_OOB (and MSG_PARTIAL) on a datagram socket: WSAEOPNOTSUPP. */
static void
test_send_oob_fails_eopnotsupp(void)
{
	struct pair p = pair_open();
	WSABUF b = { .len = 1, .buf = (char *)"x" };
	DWORD n;

	PT_FAILS(sendto(p.tx, "x", 1, MSG_OOB, PT_SA(p.to), PT_SIN_LEN),
		WSAEOPNOTSUPP);
	PT_FAILS(WSASendTo(p.tx, &b, 1, &n, MSG_PARTIAL, PT_SA(p.to),
		PT_SIN_LEN, NULL, NULL), WSAEOPNOTSUPP);
	pair_close(&p);
}

/* Buffers that cannot be read, a short lpTo or no byte count:
 * WSAEFAULT, and nothing is sent. */
static void
test_send_bad_buffers_fail_efault(void)
{
	struct pair p = pair_open();
	WSABUF nul = { .len = 8, .buf = NULL }, ok = { .len = 1,
		.buf = (char *)"x" };
	DWORD n;

	PT_FAILS(WSASendTo(p.tx, NULL, 1, &n, 0, PT_SA(p.to), PT_SIN_LEN,
		NULL, NULL), WSAEFAULT);
	PT_FAILS(WSASendTo(p.tx, &nul, 1, &n, 0, PT_SA(p.to), PT_SIN_LEN,
		NULL, NULL), WSAEFAULT);
	PT_FAILS(WSASendTo(p.tx, &ok, 1, NULL, 0, PT_SA(p.to), PT_SIN_LEN,
		NULL, NULL), WSAEFAULT);
	PT_FAILS(sendto(p.tx, "x", 1, 0, PT_SA(p.to), PT_SIN_LEN - 1),
		WSAEFAULT);
	PT_FAILS(sendto(p.tx, "x", -1, 0, PT_SA(p.to), PT_SIN_LEN),
		WSAEFAULT);
	CU_ASSERT_FALSE(pt_readable(p.rx, 100));
	pair_close(&p);
}

/* lpTo of another family: WSAEAFNOSUPPORT. */
static void
test_sendto_other_family_fails_eafnosupport(void)
{
	struct sockaddr_in to = pt_sin(PT_IP, 5000);
	SOCKET s = ua_udp();

	to.sin_family = AF_INET6;
	PT_FAILS(sendto(s, "x", 1, 0, PT_SA(to), PT_SIN_LEN),
		WSAEAFNOSUPPORT);
	pt_close(s);
}

/* A non-blocking sender whose TX ring is full (a 1-byte SO_SNDBUF and
 * 60000-byte datagrams): WSAEWOULDBLOCK, counted as drop_tx_full. */
static void
test_send_nonblocking_full_ring_fails_ewouldblock(void)
{
	/* A neighbour nobody else uses and that never answers ARP: what
	 * the lcore takes waits for ARP, and once that queue is full the
	 * socket stays parked, so the ring fills whatever the scheduling
	 * (to our own closed port, the lcore could drain each datagram
	 * before the next send and the test would race). */
	struct sockaddr_in to = pt_sin(0xc61200c9u, 9);	/* 198.18.0.201 */
	SOCKET s = quiet_sender();
	char *big = calloc(1, 60000);
	double t0 = pt_ms();
	int sent = 0, would_block = 0, other = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	pt_setopt_int(s, SOL_SOCKET, SO_SNDBUF, 1);
	pt_nonblocking(s, true);
	for (int i = 0; i < 5000 && would_block == 0 &&
			pt_ms() - t0 < PT_WAIT_MS; i++) {
		if (sendto(s, big, 60000, 0, PT_SA(to), PT_SIN_LEN) == 60000)
			sent++;
		else if (WSAGetLastError() == WSAEWOULDBLOCK)
			would_block++;
		else
			other++;
	}
	CU_ASSERT(sent >= 1);
	CU_ASSERT_EQUAL(would_block, 1);
	CU_ASSERT_EQUAL(other, 0);
	CU_ASSERT_EQUAL(pt_sock_counter(s, "drop_tx_full"), 1);
	free(big);
	/* Abortive: nothing is left waiting on an address that never
	 * answers. */
	PT_OK(setsockopt(s, SOL_SOCKET, SO_LINGER,
		(const char *)&(LINGER){ 1, 0 }, sizeof(LINGER)));
	pt_close(s);
}

/* ---- WSPRecv / WSPRecvFrom ---- */

/* A socket never bound (explicitly or by a send): WSAEINVAL. */
static void
test_recv_unbound_fails_einval(void)
{
	struct sockaddr_in a;
	int len = PT_SIN_LEN;
	char buf[8];
	SOCKET s = ua_udp();

	PT_FAILS(recv(s, buf, sizeof(buf), 0), WSAEINVAL);
	PT_FAILS(recvfrom(s, buf, sizeof(buf), 0, PT_SA(a), &len), WSAEINVAL);
	pt_close(s);
}

/* Non-blocking with nothing queued: WSAEWOULDBLOCK. */
static void
test_recv_nonblocking_empty_fails_ewouldblock(void)
{
	SOCKET s = ua_bound(NULL);
	char buf[8];

	pt_nonblocking(s, true);
	PT_FAILS(recv(s, buf, sizeof(buf), 0), WSAEWOULDBLOCK);
	pt_close(s);
}

/* A datagram longer than the buffers: WSAEMSGSIZE, the first part is
 * delivered with its source, and the datagram is gone. */
static void
test_recv_truncated_fails_emsgsize_and_consumes(void)
{
	struct pair p = pair_open();
	char msg[100], buf[10];
	WSABUF b = { .len = sizeof(buf), .buf = buf };
	struct sockaddr_in from, txa;
	int flen = PT_SIN_LEN, tlen = PT_SIN_LEN;
	DWORD n = 0, fl = 0;

	for (int i = 0; i < (int)sizeof(msg); i++)
		msg[i] = (char)i;
	ua_send_wait(p.tx, p.rx, &p.to, msg, sizeof(msg));
	PT_FAILS(WSARecvFrom(p.rx, &b, 1, &n, &fl, PT_SA(from), &flen, NULL,
		NULL), WSAEMSGSIZE);
	CU_ASSERT_EQUAL(n, sizeof(buf));
	CU_ASSERT_EQUAL(memcmp(buf, msg, sizeof(buf)), 0);
	PT_OK(getsockname(p.tx, PT_SA(txa), &tlen));
	CU_ASSERT_EQUAL(from.sin_port, txa.sin_port);
	CU_ASSERT_EQUAL(ntohl(from.sin_addr.s_addr), PT_IP);
	pt_nonblocking(p.rx, true);
	PT_FAILS(recv(p.rx, buf, sizeof(buf), 0), WSAEWOULDBLOCK);
	pair_close(&p);
}

/* MSG_PEEK copies the datagram and leaves it queued. */
static void
test_recv_peek_leaves_datagram_queued(void)
{
	struct pair p = pair_open();
	char buf[16];

	ua_send_wait(p.tx, p.rx, &p.to, "peekaboo", 8);
	memset(buf, 0, sizeof(buf));
	CU_ASSERT_EQUAL(recv(p.rx, buf, sizeof(buf), MSG_PEEK), 8);
	CU_ASSERT_STRING_EQUAL(buf, "peekaboo");
	memset(buf, 0, sizeof(buf));
	CU_ASSERT_EQUAL(recv(p.rx, buf, sizeof(buf), MSG_PEEK), 8);
	CU_ASSERT_STRING_EQUAL(buf, "peekaboo");
	memset(buf, 0, sizeof(buf));
	CU_ASSERT_EQUAL(recv(p.rx, buf, sizeof(buf), 0), 8);
	CU_ASSERT_STRING_EQUAL(buf, "peekaboo");
	pt_nonblocking(p.rx, true);
	PT_FAILS(recv(p.rx, buf, sizeof(buf), MSG_PEEK), WSAEWOULDBLOCK);
	pair_close(&p);
}

/* A truncating MSG_PEEK: WSAEMSGSIZE, and the whole datagram stays. */
static void
test_recv_peek_truncated_fails_emsgsize_and_keeps(void)
{
	struct pair p = pair_open();
	char buf[16];

	ua_send_wait(p.tx, p.rx, &p.to, "0123456789", 10);
	PT_FAILS(recv(p.rx, buf, 4, MSG_PEEK), WSAEMSGSIZE);
	CU_ASSERT_EQUAL(memcmp(buf, "0123", 4), 0);
	CU_ASSERT_EQUAL(recv(p.rx, buf, sizeof(buf), 0), 10);
	CU_ASSERT_EQUAL(memcmp(buf, "0123456789", 10), 0);
	pair_close(&p);
}

/* Several WSABUFs are filled in order, packed, with no holes. */
static void
test_recv_scatters_over_several_wsabufs(void)
{
	struct pair p = pair_open();
	char a[3], b[1], c[20];
	WSABUF bufs[4] = {
		{ .len = sizeof(a), .buf = a },
		{ .len = 0, .buf = NULL },
		{ .len = sizeof(b), .buf = b },
		{ .len = sizeof(c), .buf = c },
	};
	DWORD n = 0, fl = 0;

	ua_send_wait(p.tx, p.rx, &p.to, "abcdefghij", 10);
	PT_OK(WSARecv(p.rx, bufs, 4, &n, &fl, NULL, NULL));
	CU_ASSERT_EQUAL(n, 10);
	CU_ASSERT_EQUAL(memcmp(a, "abc", 3), 0);
	CU_ASSERT_EQUAL(b[0], 'd');
	CU_ASSERT_EQUAL(memcmp(c, "efghij", 6), 0);
	CU_ASSERT_EQUAL(fl, 0);
	pair_close(&p);
}

/* Several WSABUFs sent are one datagram, in order. */
static void
test_send_gathers_several_wsabufs(void)
{
	struct pair p = pair_open();
	WSABUF bufs[3] = {
		{ .len = 4, .buf = (char *)"gath" },
		{ .len = 0, .buf = NULL },
		{ .len = 3, .buf = (char *)"ers" },
	};
	char buf[16];
	DWORD n = 0;

	PT_OK(WSASendTo(p.tx, bufs, 3, &n, 0, PT_SA(p.to), PT_SIN_LEN, NULL,
		NULL));
	CU_ASSERT_EQUAL(n, 7);
	CU_ASSERT_EQUAL(ua_recv(p.rx, buf, sizeof(buf), NULL, PT_WAIT_MS), 7);
	CU_ASSERT_EQUAL(memcmp(buf, "gathers", 7), 0);
	pair_close(&p);
}

/* A from buffer shorter than sockaddr_in, or no fromlen: WSAEFAULT, and
 * the datagram stays queued. */
static void
test_recvfrom_short_fromlen_fails_efault(void)
{
	struct pair p = pair_open();
	struct sockaddr_in from;
	int flen = PT_SIN_LEN - 1;
	char buf[8];

	ua_send_wait(p.tx, p.rx, &p.to, "keep", 4);
	PT_FAILS(recvfrom(p.rx, buf, sizeof(buf), 0, PT_SA(from), &flen),
		WSAEFAULT);
	PT_FAILS(recvfrom(p.rx, buf, sizeof(buf), 0, PT_SA(from), NULL),
		WSAEFAULT);
	flen = PT_SIN_LEN;
	CU_ASSERT_EQUAL(recvfrom(p.rx, buf, sizeof(buf), 0, PT_SA(from),
		&flen), 4);
	CU_ASSERT_EQUAL(flen, PT_SIN_LEN);
	pair_close(&p);
}

/* No lpFlags, no byte count, or unreadable buffers: WSAEFAULT. */
static void
test_recv_bad_arguments_fail_efault(void)
{
	SOCKET s = ua_bound(NULL);
	char buf[8];
	WSABUF ok = { .len = sizeof(buf), .buf = buf },
		nul = { .len = 8, .buf = NULL };
	DWORD n, fl = 0;

	PT_FAILS(WSARecv(s, &ok, 1, &n, NULL, NULL, NULL), WSAEFAULT);
	PT_FAILS(WSARecv(s, &ok, 1, NULL, &fl, NULL, NULL), WSAEFAULT);
	PT_FAILS(WSARecv(s, NULL, 1, &n, &fl, NULL, NULL), WSAEFAULT);
	PT_FAILS(WSARecv(s, &nul, 1, &n, &fl, NULL, NULL), WSAEFAULT);
	PT_FAILS(recv(s, buf, -1, 0), WSAEFAULT);
	pt_close(s);
}

/* After shutdown(SD_RECEIVE): WSAESHUTDOWN, even with data queued. */
static void
test_recv_after_shutdown_receive_fails_eshutdown(void)
{
	struct pair p = pair_open();
	char buf[8];

	ua_send_wait(p.tx, p.rx, &p.to, "late", 4);
	PT_OK(shutdown(p.rx, SD_RECEIVE));
	PT_FAILS(recv(p.rx, buf, sizeof(buf), 0), WSAESHUTDOWN);
	pair_close(&p);
}

/* MSG_OOB and MSG_WAITALL mean nothing for datagrams: WSAEOPNOTSUPP. */
static void
test_recv_oob_or_waitall_fails_eopnotsupp(void)
{
	SOCKET s = ua_bound(NULL);
	char buf[8];

	PT_FAILS(recv(s, buf, sizeof(buf), MSG_OOB), WSAEOPNOTSUPP);
	PT_FAILS(recv(s, buf, sizeof(buf), MSG_WAITALL), WSAEOPNOTSUPP);
	pt_close(s);
}

/* A zero-length datagram is sent (0 bytes), makes the socket readable
 * and is received as 0 bytes with its source. */
static void
test_zero_length_datagram_round_trip(void)
{
	struct pair p = pair_open();
	struct sockaddr_in from;
	int flen = PT_SIN_LEN;
	u_long avail = 99;
	char buf[8];

	ua_send_wait(p.tx, p.rx, &p.to, "", 0);
	PT_OK(ioctlsocket(p.rx, FIONREAD, &avail));
	CU_ASSERT_EQUAL(avail, 0);
	CU_ASSERT_EQUAL(recvfrom(p.rx, buf, sizeof(buf), 0, PT_SA(from),
		&flen), 0);
	CU_ASSERT_EQUAL(ntohl(from.sin_addr.s_addr), PT_IP);
	pt_nonblocking(p.rx, true);
	PT_FAILS(recv(p.rx, buf, sizeof(buf), 0), WSAEWOULDBLOCK);
	pair_close(&p);
}

/* recvfrom on a connected socket works and reports the peer (the SPI
 * page's WSAEISCONN for this case is not what Winsock does). */
static void
test_recvfrom_connected_reports_peer(void)
{
	struct pair p = pair_open();
	struct sockaddr_in txa, from;
	int tlen = PT_SIN_LEN, flen = PT_SIN_LEN;
	char buf[8];

	CU_ASSERT_EQUAL(sendto(p.tx, "c", 1, 0, PT_SA(p.to), PT_SIN_LEN), 1);
	PT_OK(getsockname(p.tx, PT_SA(txa), &tlen));
	txa.sin_addr.s_addr = htonl(PT_IP);
	PT_OK(connect(p.rx, PT_SA(txa), PT_SIN_LEN));
	CU_ASSERT_FATAL(pt_readable(p.rx, PT_WAIT_MS));
	CU_ASSERT_EQUAL(recvfrom(p.rx, buf, sizeof(buf), 0, PT_SA(from),
		&flen), 1);
	CU_ASSERT_EQUAL(memcmp(&from, &txa, sizeof(from)), 0);
	pair_close(&p);
}

static const struct wt_test send_tests[] = {
	WT_TEST(test_send_unconnected_fails_enotconn),
	WT_TEST(test_sendto_zero_address_or_port_fails_eaddrnotavail),
	WT_TEST(test_sendto_over_65507_fails_emsgsize),
	WT_TEST(test_sendto_broadcast_needs_so_broadcast),
	WT_TEST(test_send_after_shutdown_send_fails_eshutdown),
	WT_TEST(test_send_oob_fails_eopnotsupp),
	WT_TEST(test_send_bad_buffers_fail_efault),
	WT_TEST(test_sendto_other_family_fails_eafnosupport),
	WT_TEST(test_send_nonblocking_full_ring_fails_ewouldblock),
	WT_TEST(test_send_gathers_several_wsabufs),
	WT_TEST_END
};

static const struct wt_test recv_tests[] = {
	WT_TEST(test_recv_unbound_fails_einval),
	WT_TEST(test_recv_nonblocking_empty_fails_ewouldblock),
	WT_TEST(test_recv_truncated_fails_emsgsize_and_consumes),
	WT_TEST(test_recv_peek_leaves_datagram_queued),
	WT_TEST(test_recv_peek_truncated_fails_emsgsize_and_keeps),
	WT_TEST(test_recv_scatters_over_several_wsabufs),
	WT_TEST(test_recvfrom_short_fromlen_fails_efault),
	WT_TEST(test_recv_bad_arguments_fail_efault),
	WT_TEST(test_recv_after_shutdown_receive_fails_eshutdown),
	WT_TEST(test_recv_oob_or_waitall_fails_eopnotsupp),
	WT_TEST(test_zero_length_datagram_round_trip),
	WT_TEST(test_recvfrom_connected_reports_peer),
	WT_TEST_END
};

const struct wt_suite test_udp_send_suite = {
	.name = "udp_send",
	.clean = pt_suite_clean,
	.tests = send_tests,
};

const struct wt_suite test_udp_recv_suite = {
	.name = "udp_recv",
	.clean = pt_suite_clean,
	.tests = recv_tests,
};
