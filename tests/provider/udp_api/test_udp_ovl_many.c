/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Overlapped receives at scale and as readiness: hundreds of sockets
 * with a receive pending each (no 64-socket service limit), and the
 * zero-byte and MSG_PEEK receives frameworks post to learn that a
 * socket is readable (libuv's UV_HANDLE_ZERO_READ).
 *
 * Operations live in static storage: a late completion after a failed
 * assertion must not write into a dead stack frame.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "wt.h"
#include "udp_api.h"

#define MANY	256

struct many_op {
	WSAOVERLAPPED ov;
	char buf[16];
	WSABUF wb;
	DWORD n, flags;
	int done;
	DWORD err, bytes;
};

static struct many_op many[MANY];
static SOCKET many_rx[MANY];
static int many_done;

static void CALLBACK
many_completion(DWORD err, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags)
{
	struct many_op *o = (struct many_op *)ov;

	(void)flags;
	o->done++;
	o->err = err;
	o->bytes = bytes;
	many_done++;
}

/* Wait (alertable) until want completion routines ran, or PT_WAIT_MS. */
static void
wait_done(int want)
{
	double end = pt_ms() + PT_WAIT_MS;

	while (many_done < want && pt_ms() < end)
		SleepEx(10, TRUE);
}

/* Send "dgram i" to to[i]. */
static void
send_index(SOCKET tx, const struct sockaddr_in *to, int i)
{
	char d[16];
	int len = snprintf(d, sizeof(d), "dgram %d", i);

	CU_ASSERT_EQUAL(sendto(tx, d, len, 0, (const struct sockaddr *)&to[i],
		PT_SIN_LEN), len);
}

/* 256 sockets, one receive pending on each. A datagram to the last one
 * completes its receive while the 255 before it stay idle (the service
 * thread follows every socket, not the first 64); then one to each of
 * the others completes every receive exactly once with its own. */
static void
test_overlapped_recvs_on_256_sockets_all_complete_once(void)
{
	SOCKET tx = ua_udp();
	struct sockaddr_in to[MANY];
	int bad = 0;

	many_done = 0;
	for (int i = 0; i < MANY; i++) {
		struct many_op *o = &many[i];

		many_rx[i] = ua_bound(&to[i]);
		memset(o, 0, sizeof(*o));
		o->wb = (WSABUF){ .len = sizeof(o->buf), .buf = o->buf };
		PT_FAILS(WSARecv(many_rx[i], &o->wb, 1, &o->n, &o->flags,
			&o->ov, many_completion), WSA_IO_PENDING);
	}
	send_index(tx, to, MANY - 1);
	wait_done(1);
	CU_ASSERT_EQUAL(many_done, 1);
	CU_ASSERT_EQUAL(many[MANY - 1].done, 1);
	for (int i = MANY - 2; i >= 0; i--)
		send_index(tx, to, i);
	wait_done(MANY);
	SleepEx(20, TRUE);
	CU_ASSERT_EQUAL(many_done, MANY);
	for (int i = 0; i < MANY; i++) {
		char d[16];
		int len = snprintf(d, sizeof(d), "dgram %d", i);
		struct many_op *o = &many[i];

		if (o->done != 1 || o->err != 0 || o->bytes != (DWORD)len ||
				memcmp(o->buf, d, (size_t)len) != 0)
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
	for (int i = 0; i < MANY; i++)
		pt_close(many_rx[i]);
	pt_close(tx);
}

/* One readiness receive. */
static struct {
	WSAOVERLAPPED ov;
	char buf[64];
	WSABUF wb;
	DWORD n, flags;
} rd;

/* Post a WSARecv with MSG_PEEK into len bytes of rd.buf, event ev. */
static int
post_peek(SOCKET s, ULONG len, WSAEVENT ev)
{
	memset(&rd, 0, sizeof(rd));
	rd.ov.hEvent = ev;
	rd.wb = (WSABUF){ .len = len, .buf = len != 0 ? rd.buf : NULL };
	rd.flags = MSG_PEEK;
	return WSARecv(s, &rd.wb, 1, &rd.n, &rd.flags, &rd.ov, NULL);
}

/* libuv's UDP readiness: a zero-byte overlapped WSARecv with MSG_PEEK
 * pends, completes once a datagram arrives (0 bytes, WSAEMSGSIZE: the
 * datagram is larger than the buffer, which libuv takes as "readable"),
 * and leaves the datagram queued for the read that follows. */
static void
test_overlapped_zero_byte_peek_readiness_leaves_datagram(void)
{
	struct sockaddr_in to;
	SOCKET rx = ua_bound(&to), tx = ua_udp();
	WSAEVENT ev = WSACreateEvent();
	DWORD n = 99, fl = 0;
	char buf[16];

	PT_FAILS(post_peek(rx, 0, ev), WSA_IO_PENDING);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ev, FALSE, 20, FALSE),
		WSA_WAIT_TIMEOUT);
	CU_ASSERT_EQUAL(sendto(tx, "ready", 5, 0, PT_SA(to), PT_SIN_LEN), 5);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ev, FALSE, PT_WAIT_MS,
		FALSE), WSA_WAIT_EVENT_0);
	CU_ASSERT_FALSE(WSAGetOverlappedResult(rx, &rd.ov, &n, FALSE, &fl));
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAEMSGSIZE);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(ua_recv(rx, buf, sizeof(buf), NULL, 0), 5);
	CU_ASSERT_EQUAL(memcmp(buf, "ready", 5), 0);
	WSACloseEvent(ev);
	pt_close(rx);
	pt_close(tx);
}

/* An overlapped MSG_PEEK with room: pending, it completes with the
 * datagram's bytes and leaves it queued; with one queued already, it
 * completes at once (0) the same way. */
static void
test_overlapped_peek_completes_with_datagram_left_queued(void)
{
	struct sockaddr_in to;
	SOCKET rx = ua_bound(&to), tx = ua_udp();
	WSAEVENT ev = WSACreateEvent();
	DWORD n = 0, fl = 0;
	char buf[16];

	PT_FAILS(post_peek(rx, sizeof(rd.buf), ev), WSA_IO_PENDING);
	CU_ASSERT_EQUAL(sendto(tx, "peek", 4, 0, PT_SA(to), PT_SIN_LEN), 4);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ev, FALSE, PT_WAIT_MS,
		FALSE), WSA_WAIT_EVENT_0);
	CU_ASSERT_TRUE(WSAGetOverlappedResult(rx, &rd.ov, &n, FALSE, &fl));
	CU_ASSERT_EQUAL(n, 4);
	CU_ASSERT_EQUAL(memcmp(rd.buf, "peek", 4), 0);
	WSAResetEvent(ev);
	PT_OK(post_peek(rx, sizeof(rd.buf), ev));
	CU_ASSERT_EQUAL(rd.n, 4);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ev, FALSE, 0, FALSE),
		WSA_WAIT_EVENT_0);
	CU_ASSERT_EQUAL(ua_recv(rx, buf, sizeof(buf), NULL, 0), 4);
	CU_ASSERT_EQUAL(ua_recv(rx, buf, sizeof(buf), NULL, 0), -1);
	WSACloseEvent(ev);
	pt_close(rx);
	pt_close(tx);
}

#define NBUFS	1024

/* Winsock documents no limit on dwBufferCount: 1024 one-byte WSABUFs
 * go out as one datagram from an overlapped send and come back, in
 * order, into 1024 WSABUFs of a pending overlapped receive. */
static void
test_overlapped_1024_wsabufs_send_and_recv(void)
{
	static WSABUF sb[NBUFS], rb[NBUFS];
	static char out[NBUFS], in[NBUFS];
	static WSAOVERLAPPED sov, rov;
	struct sockaddr_in to;
	SOCKET rx = ua_bound(&to), tx = ua_udp();
	WSAEVENT ev = WSACreateEvent();
	DWORD n = 0, fl = 0, sent = 0;

	for (int i = 0; i < NBUFS; i++) {
		out[i] = (char)(i * 7);
		in[i] = 0;
		sb[i] = (WSABUF){ .len = 1, .buf = &out[i] };
		rb[i] = (WSABUF){ .len = 1, .buf = &in[i] };
	}
	memset(&rov, 0, sizeof(rov));
	rov.hEvent = ev;
	PT_FAILS(WSARecv(rx, rb, NBUFS, &n, &fl, &rov, NULL),
		WSA_IO_PENDING);
	memset(&sov, 0, sizeof(sov));
	PT_OK(WSASendTo(tx, sb, NBUFS, &sent, 0, PT_SA(to), PT_SIN_LEN,
		&sov, NULL));
	CU_ASSERT_EQUAL(sent, NBUFS);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ev, FALSE, PT_WAIT_MS,
		FALSE), WSA_WAIT_EVENT_0);
	CU_ASSERT_TRUE(WSAGetOverlappedResult(rx, &rov, &n, FALSE, &fl));
	CU_ASSERT_EQUAL(n, NBUFS);
	CU_ASSERT_EQUAL(memcmp(in, out, NBUFS), 0);
	WSACloseEvent(ev);
	pt_close(rx);
	pt_close(tx);
}

static const struct wt_test many_tests[] = {
	WT_TEST(test_overlapped_recvs_on_256_sockets_all_complete_once),
	WT_TEST(test_overlapped_zero_byte_peek_readiness_leaves_datagram),
	WT_TEST(test_overlapped_peek_completes_with_datagram_left_queued),
	WT_TEST(test_overlapped_1024_wsabufs_send_and_recv),
	WT_TEST_END
};

const struct wt_suite test_udp_ovl_many_suite = {
	.name = "udp_overlapped_many",
	.clean = pt_suite_clean,
	.tests = many_tests,
};
