/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Winsock timestamping through the Winsock API ("Winsock timestamping",
 * mstcpip.h), against the Linux kernel on the provider's default tap, in
 * a network namespace of the process's own (testbed.md layout A):
 *   - RX: SO_TIMESTAMP on WSARecvMsg once SIO_TIMESTAMPING asks, within
 *     the window the kernel sender measures around its sendto and our
 *     receive (one clock: QueryPerformanceCounter), never decreasing;
 *     gone when switched off; MSG_CTRUNC when it does not fit;
 *   - TX: SO_TIMESTAMP_ID on WSASendMsg, SIO_GET_TX_TIMESTAMP by id
 *     (WSAEWOULDBLOCK before it exists, taken once), within the send's
 *     window; TxTimestampsBuffered honoured (new ones discarded); off
 *     stops them;
 *   - the documented errors (stream sockets, short buffers, bad flags).
 *
 *   test_tstamp [tstamp ...]   (wt_run.h patterns; none: all)
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "pt.h"
#include "ts_kernel.h"
#include "wt.h"

#define OUR_PORT	5100
#define KERNEL_PORT	5200
#define RX_COUNT	200
#define PROVIDER_IP	0xc6120002u	/* 198.18.0.2 */

static LPFN_WSARECVMSG recvmsg_fn;
static LPFN_WSASENDMSG sendmsg_fn;

static uint64_t
qpc(void)
{
	LARGE_INTEGER c;

	QueryPerformanceCounter(&c);
	return (uint64_t)c.QuadPart;
}

static int
ts_config(SOCKET s, ULONG flags, USHORT n)
{
	TIMESTAMPING_CONFIG c = { .Flags = flags, .TxTimestampsBuffered = n };
	DWORD ret = 0;

	return WSAIoctl(s, SIO_TIMESTAMPING, &c, sizeof(c), NULL, 0, &ret,
		NULL, NULL);
}

static int
tx_get(SOCKET s, uint32_t id, uint64_t *t)
{
	DWORD ret = 0;

	return WSAIoctl(s, SIO_GET_TX_TIMESTAMP, &id, sizeof(id), t,
		sizeof(*t), &ret, NULL, NULL);
}

/* SIO_GET_TX_TIMESTAMP until it has one (true) or PT_WAIT_MS passed;
 * any failure other than WSAEWOULDBLOCK is asserted away. */
static bool
tx_poll(SOCKET s, uint32_t id, uint64_t *t)
{
	double end = pt_ms() + PT_WAIT_MS;

	while (pt_ms() < end) {
		if (tx_get(s, id, t) == 0)
			return true;
		CU_ASSERT_EQUAL_FATAL(WSAGetLastError(), WSAEWOULDBLOCK);
		SleepEx(1, FALSE);
	}
	return false;
}

/* Wait until a counter of s reaches v (true) or PT_WAIT_MS passed. */
static bool
counter_reaches(SOCKET s, const char *key, uint64_t v)
{
	double end = pt_ms() + PT_WAIT_MS;

	while (pt_ms() < end) {
		if (pt_sock_counter(s, key) == v)
			return true;
		SleepEx(1, FALSE);
	}
	return false;
}

/* A UDP socket bound to our address and OUR_PORT, receives bounded. */
static SOCKET
udp_bound(void)
{
	struct sockaddr_in a = pt_sin(PROVIDER_IP, OUR_PORT);
	SOCKET s = pt_socket(SOCK_DGRAM, IPPROTO_UDP);
	DWORD ret = 0;
	GUID rid = WSAID_WSARECVMSG, sid = WSAID_WSASENDMSG;

	PT_OK(bind(s, PT_SA(a), PT_SIN_LEN));
	pt_setopt_int(s, SOL_SOCKET, SO_RCVTIMEO, PT_WAIT_MS);
	PT_OK(WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &rid,
		sizeof(rid), &recvmsg_fn, sizeof(recvmsg_fn), &ret, NULL,
		NULL));
	PT_OK(WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &sid,
		sizeof(sid), &sendmsg_fn, sizeof(sendmsg_fn), &ret, NULL,
		NULL));
	return s;
}

struct rx {
	char data[256];
	char ctl[64];
	WSABUF buf;
	WSAMSG msg;
};

/* WSARecvMsg of one datagram with ctl_len bytes of control room; its
 * length (asserted to succeed). */
static DWORD
rx_msg(SOCKET s, struct rx *r, DWORD ctl_len)
{
	DWORD n = 0;

	memset(r, 0, sizeof(*r));
	r->buf = (WSABUF){ sizeof(r->data), r->data };
	r->msg.lpBuffers = &r->buf;
	r->msg.dwBufferCount = 1;
	r->msg.Control = (WSABUF){ ctl_len, r->ctl };
	PT_OK(recvmsg_fn(s, &r->msg, &n, NULL, NULL));
	return n;
}

/* The SO_TIMESTAMP of a received message (true), if any. */
static bool
rx_stamp(WSAMSG *msg, uint64_t *t)
{
	for (WSACMSGHDR *c = WSA_CMSG_FIRSTHDR(msg); c != NULL;
			c = WSA_CMSG_NXTHDR(msg, c))
		if (c->cmsg_level == SOL_SOCKET &&
				c->cmsg_type == SO_TIMESTAMP &&
				c->cmsg_len == WSA_CMSG_LEN(sizeof(*t))) {
			memcpy(t, WSA_CMSG_DATA(c), sizeof(*t));
			return true;
		}
	return false;
}

/* WSASendMsg of payload to the kernel socket, with SO_TIMESTAMP_ID id
 * when id is not NULL. */
static void
tx_msg(SOCKET s, const char *payload, const uint32_t *id)
{
	struct sockaddr_in to = pt_sin(TSK_IP, KERNEL_PORT);
	char ctl[WSA_CMSG_SPACE(sizeof(uint32_t))];
	WSABUF b = { (ULONG)strlen(payload), (char *)payload };
	WSAMSG m = { .name = PT_SA(to), .namelen = PT_SIN_LEN,
		.lpBuffers = &b, .dwBufferCount = 1 };
	DWORD n = 0;

	memset(ctl, 0, sizeof(ctl));
	if (id != NULL) {
		WSACMSGHDR *c = (WSACMSGHDR *)ctl;

		c->cmsg_len = WSA_CMSG_LEN(sizeof(*id));
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SO_TIMESTAMP_ID;
		memcpy(WSA_CMSG_DATA(c), id, sizeof(*id));
		m.Control = (WSABUF){ sizeof(ctl), ctl };
	}
	PT_OK(sendmsg_fn(s, &m, 0, &n, NULL, NULL));
	CU_ASSERT_EQUAL(n, b.len);
}

/*
 * RX_COUNT datagrams from the kernel, one at a time: each one's
 * SO_TIMESTAMP lies between the sender's QueryPerformanceCounter before
 * its sendto and ours after WSARecvMsg returned, and none is earlier
 * than the one before.
 */
static void
test_rx_timestamp_within_kernel_send_to_receive_window(void)
{
	SOCKET s = udp_bound();
	int k = tsk_open(KERNEL_PORT);
	uint64_t prev = 0;
	unsigned int ok = 0;

	CU_ASSERT_FATAL(k >= 0);
	PT_OK(ts_config(s, TIMESTAMPING_FLAG_RX, 0));
	for (unsigned int i = 0; i < RX_COUNT; i++) {
		uint64_t t0, t1, ts = 0;
		struct rx r;

		t0 = qpc();
		CU_ASSERT_EQUAL_FATAL(tsk_send(k, PROVIDER_IP, OUR_PORT, "md",
			2), 0);
		CU_ASSERT_EQUAL_FATAL(rx_msg(s, &r, sizeof(r.ctl)), 2);
		t1 = qpc();
		CU_ASSERT_FATAL(rx_stamp(&r.msg, &ts));
		CU_ASSERT_EQUAL(r.msg.Control.len,
			WSA_CMSG_SPACE(sizeof(uint64_t)));
		CU_ASSERT_EQUAL(r.msg.dwFlags, 0);
		if (t0 <= ts && ts <= t1 && ts >= prev)
			ok++;
		else
			printf("\n  #%u: sent %llu stamped %llu received %llu "
				"(previous %llu)", i, (unsigned long long)t0,
				(unsigned long long)ts,
				(unsigned long long)t1,
				(unsigned long long)prev);
		prev = ts;
	}
	CU_ASSERT_EQUAL(ok, RX_COUNT);
	tsk_close(k);
	pt_close(s);
}

/* Off by default; SIO_TIMESTAMPING with RX turns it on, without turns
 * it off again. */
static void
test_rx_timestamp_only_while_switched_on(void)
{
	SOCKET s = udp_bound();
	int k = tsk_open(KERNEL_PORT);
	uint64_t ts;
	struct rx r;

	CU_ASSERT_FATAL(k >= 0);
	for (int phase = 0; phase < 3; phase++) {
		if (phase == 1)
			PT_OK(ts_config(s, TIMESTAMPING_FLAG_RX, 0));
		if (phase == 2)
			PT_OK(ts_config(s, 0, 0));
		CU_ASSERT_EQUAL_FATAL(tsk_send(k, PROVIDER_IP, OUR_PORT, "x",
			1), 0);
		CU_ASSERT_EQUAL_FATAL(rx_msg(s, &r, sizeof(r.ctl)), 1);
		CU_ASSERT_EQUAL(rx_stamp(&r.msg, &ts), phase == 1);
		CU_ASSERT_EQUAL(r.msg.Control.len, phase == 1 ?
			WSA_CMSG_SPACE(sizeof(uint64_t)) : 0);
	}
	tsk_close(k);
	pt_close(s);
}

/* Control room one byte short of the timestamp: the datagram is read,
 * the timestamp left out and MSG_CTRUNC set. */
static void
test_rx_timestamp_without_control_room_sets_ctrunc(void)
{
	SOCKET s = udp_bound();
	int k = tsk_open(KERNEL_PORT);
	uint64_t ts;
	struct rx r;

	CU_ASSERT_FATAL(k >= 0);
	PT_OK(ts_config(s, TIMESTAMPING_FLAG_RX, 0));
	CU_ASSERT_EQUAL_FATAL(tsk_send(k, PROVIDER_IP, OUR_PORT, "abc", 3), 0);
	CU_ASSERT_EQUAL(rx_msg(s, &r, WSA_CMSG_SPACE(sizeof(uint64_t)) - 1),
		3);
	CU_ASSERT_EQUAL(memcmp(r.data, "abc", 3), 0);
	CU_ASSERT_EQUAL(r.msg.dwFlags, MSG_CTRUNC);
	CU_ASSERT_EQUAL(r.msg.Control.len, 0);
	CU_ASSERT_FALSE(rx_stamp(&r.msg, &ts));
	tsk_close(k);
	pt_close(s);
}

/*
 * A datagram sent with SO_TIMESTAMP_ID: before it is sent its id has no
 * timestamp (WSAEWOULDBLOCK); afterwards one comes, within the window
 * around WSASendMsg and the poll that got it, the datagram reaches the
 * kernel, and the timestamp is taken once.
 */
static void
test_tx_timestamp_by_id_after_wouldblock(void)
{
	SOCKET s = udp_bound();
	int k = tsk_open(KERNEL_PORT);
	uint32_t id = 0x12345678;
	uint64_t t0, t1, ts = 0;
	char buf[16];

	CU_ASSERT_FATAL(k >= 0);
	PT_OK(ts_config(s, TIMESTAMPING_FLAG_TX, 4));
	PT_FAILS(tx_get(s, id, &ts), WSAEWOULDBLOCK);
	t0 = qpc();
	tx_msg(s, "order", &id);
	CU_ASSERT_FATAL(tx_poll(s, id, &ts));
	t1 = qpc();
	CU_ASSERT(t0 <= ts && ts <= t1);
	CU_ASSERT_EQUAL(tsk_recv(k, buf, sizeof(buf), PT_WAIT_MS), 5);
	PT_FAILS(tx_get(s, id, &ts), WSAEWOULDBLOCK);
	tsk_close(k);
	pt_close(s);
}

/* TxTimestampsBuffered 2, three datagrams with ids: the third finds the
 * buffer full and is discarded (counted); the two first are there. */
static void
test_tx_timestamp_buffer_full_discards_new(void)
{
	SOCKET s = udp_bound();
	int k = tsk_open(KERNEL_PORT);
	uint64_t ts;

	CU_ASSERT_FATAL(k >= 0);
	PT_OK(ts_config(s, TIMESTAMPING_FLAG_TX, 2));
	for (uint32_t id = 1; id <= 3; id++)
		tx_msg(s, "fill", &id);
	CU_ASSERT_FATAL(counter_reaches(s, "tx_tstamp_drop", 1));
	PT_OK(tx_get(s, 2, &ts));
	PT_OK(tx_get(s, 1, &ts));
	PT_FAILS(tx_get(s, 3, &ts), WSAEWOULDBLOCK);
	/* Taking them made room: the next one is kept. */
	tx_msg(s, "more", &(uint32_t){ 4 });
	CU_ASSERT(tx_poll(s, 4, &ts));
	tsk_close(k);
	pt_close(s);
}

/* Turned off (RX only left on), a datagram sent with an id gets no
 * timestamp; the ones buffered before are gone too. */
static void
test_tx_timestamp_switched_off_stops_them(void)
{
	SOCKET s = udp_bound();
	int k = tsk_open(KERNEL_PORT);
	uint64_t ts;

	CU_ASSERT_FATAL(k >= 0);
	PT_OK(ts_config(s, TIMESTAMPING_FLAG_TX, 8));
	tx_msg(s, "a", &(uint32_t){ 1 });
	CU_ASSERT_FATAL(counter_reaches(s, "tx_dgrams", 1));
	PT_OK(ts_config(s, TIMESTAMPING_FLAG_RX, 8));
	PT_FAILS(tx_get(s, 1, &ts), WSAEWOULDBLOCK);
	tx_msg(s, "b", &(uint32_t){ 2 });
	CU_ASSERT_FATAL(counter_reaches(s, "tx_dgrams", 2));
	PT_FAILS(tx_get(s, 2, &ts), WSAEWOULDBLOCK);
	CU_ASSERT_EQUAL(pt_sock_counter(s, "tx_tstamp_drop"), 0);
	/* A datagram without an id never gets one either. */
	PT_OK(ts_config(s, TIMESTAMPING_FLAG_TX, 8));
	tx_msg(s, "c", NULL);
	CU_ASSERT_FATAL(counter_reaches(s, "tx_dgrams", 3));
	PT_FAILS(tx_get(s, 0, &ts), WSAEWOULDBLOCK);
	tsk_close(k);
	pt_close(s);
}

/* "Valid only for datagram sockets": a TCP socket gets WSAEINVAL from
 * both ioctls (WSAIoctl's code for a command not applicable to the
 * type of socket). */
static void
test_tcp_socket_timestamping_fails_einval(void)
{
	SOCKET s = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	uint64_t ts;

	PT_FAILS(ts_config(s, TIMESTAMPING_FLAG_RX | TIMESTAMPING_FLAG_TX, 4),
		WSAEINVAL);
	PT_FAILS(tx_get(s, 1, &ts), WSAEINVAL);
	pt_close(s);
}

/* Short or missing buffers fail WSAEFAULT, unknown flags WSAEINVAL. */
static void
test_timestamping_bad_arguments_fail(void)
{
	SOCKET s = udp_bound();
	TIMESTAMPING_CONFIG c = { .Flags = 0x4 };
	uint32_t id = 1;
	uint64_t ts;
	DWORD ret;

	PT_FAILS(WSAIoctl(s, SIO_TIMESTAMPING, &c, sizeof(c), NULL, 0, &ret,
		NULL, NULL), WSAEINVAL);
	PT_FAILS(WSAIoctl(s, SIO_TIMESTAMPING, &c, sizeof(c.Flags), NULL, 0,
		&ret, NULL, NULL), WSAEFAULT);
	PT_FAILS(WSAIoctl(s, SIO_TIMESTAMPING, NULL, 0, NULL, 0, &ret, NULL,
		NULL), WSAEFAULT);
	PT_FAILS(WSAIoctl(s, SIO_GET_TX_TIMESTAMP, &id, sizeof(id), &ts,
		sizeof(uint32_t), &ret, NULL, NULL), WSAEFAULT);
	PT_FAILS(WSAIoctl(s, SIO_GET_TX_TIMESTAMP, &id, 2, &ts, sizeof(ts),
		&ret, NULL, NULL), WSAEFAULT);
	/* Transmit timestamps off: none is available. */
	PT_FAILS(tx_get(s, id, &ts), WSAEWOULDBLOCK);
	/* A malformed SO_TIMESTAMP_ID (wrong length) is refused. */
	{
		struct sockaddr_in to = pt_sin(TSK_IP, KERNEL_PORT);
		char ctl[WSA_CMSG_SPACE(sizeof(uint64_t))] = { 0 };
		WSACMSGHDR *h = (WSACMSGHDR *)ctl;
		WSABUF b = { 1, (char *)"x" };
		WSAMSG m = { .name = PT_SA(to), .namelen = PT_SIN_LEN,
			.lpBuffers = &b, .dwBufferCount = 1,
			.Control = { sizeof(ctl), ctl } };
		DWORD n;

		h->cmsg_len = WSA_CMSG_LEN(sizeof(uint64_t));
		h->cmsg_level = SOL_SOCKET;
		h->cmsg_type = SO_TIMESTAMP_ID;
		PT_FAILS(sendmsg_fn(s, &m, 0, &n, NULL, NULL), WSAEINVAL);
	}
	pt_close(s);
}

static const struct wt_test tests[] = {
	WT_TEST(test_rx_timestamp_within_kernel_send_to_receive_window),
	WT_TEST(test_rx_timestamp_only_while_switched_on),
	WT_TEST(test_rx_timestamp_without_control_room_sets_ctrunc),
	WT_TEST(test_tx_timestamp_by_id_after_wouldblock),
	WT_TEST(test_tx_timestamp_buffer_full_discards_new),
	WT_TEST(test_tx_timestamp_switched_off_stops_them),
	WT_TEST(test_tcp_socket_timestamping_fails_einval),
	WT_TEST(test_timestamping_bad_arguments_fail),
	WT_TEST_END
};

static const struct wt_suite tstamp_suite = {
	.name = "tstamp",
	.clean = pt_suite_clean,
	.tests = tests,
};

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = { &tstamp_suite, NULL };

	if (wt_need_tools("ip") != 0 || wt_netns_enter() != 0 ||
			wt_hugepages_reserve(64) != 0 ||
			pt_tap_startup(TSK_IFACE, TSK_MAC, TSK_CIDR) != 0)
		return 1;
	return pt_run(argc, argv, suites);
}
