/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Stream data and closing: WSPSend/WSPRecv semantics on a connection of
 * our stack to itself, WSPShutdown, WSPCloseSocket with every linger
 * choice.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "wt.h"
#include "tcp_api.h"

/* ---- data ---- */

/* Before a connection: send and recv fail WSAENOTCONN. */
static void
test_send_recv_before_connect_fail_enotconn(void)
{
	SOCKET s = ta_tcp();
	char b = 0;

	PT_FAILS(send(s, &b, 1, 0), WSAENOTCONN);
	PT_FAILS(recv(s, &b, 1, 0), WSAENOTCONN);
	pt_close(s);
}

/* Bytes, not messages: three sends come out as one stream, in order;
 * FIONREAD counts them and MSG_PEEK leaves them there. */
static void
test_stream_is_bytes_in_order_fionread_and_peek(void)
{
	char out[300], in[300], pk[10];
	u_long n = 0;
	SOCKET c, s;

	for (int i = 0; i < 300; i++)
		out[i] = ta_byte((uint64_t)i);
	ta_pair(&c, &s);
	ta_send_all(c, out, 100);
	ta_send_all(c, out + 100, 150);
	ta_send_all(c, out + 250, 50);
	for (int i = 0; i < 100 && n < 300; i++) {
		wt_sleep_ms(10);
		PT_OK(ioctlsocket(s, FIONREAD, &n));
	}
	CU_ASSERT_EQUAL(n, 300);
	CU_ASSERT_EQUAL(recv(s, pk, sizeof(pk), MSG_PEEK), (int)sizeof(pk));
	CU_ASSERT_EQUAL(memcmp(pk, out, sizeof(pk)), 0);
	CU_ASSERT_EQUAL(recv(s, in, sizeof(in), MSG_WAITALL), 300);
	CU_ASSERT_EQUAL(memcmp(in, out, sizeof(out)), 0);
	pt_close(c);
	pt_close(s);
}

/* The peer's shutdown(SD_SEND): data first, then recv returns 0, and
 * select says readable. */
static void
test_recv_returns_zero_after_graceful_close(void)
{
	char b[8];
	SOCKET c, s;

	ta_pair(&c, &s);
	ta_send_all(c, "abc", 3);
	PT_OK(shutdown(c, SD_SEND));
	CU_ASSERT_EQUAL(ta_recv_n(s, b, sizeof(b), PT_WAIT_MS), 3);
	CU_ASSERT_TRUE(ta_ready(s, 0, 0));
	CU_ASSERT_EQUAL(recv(s, b, sizeof(b), 0), 0);
	/* The other direction still works (half-close). */
	ta_send_all(s, "de", 2);
	CU_ASSERT_EQUAL(ta_recv_n(c, b, 2, PT_WAIT_MS), 2);
	pt_close(c);
	pt_close(s);
}

/* The peer reset the connection (SO_LINGER {1,0}): WSAECONNRESET. */
static void
test_recv_after_peer_reset_fails_econnreset(void)
{
	char b;
	SOCKET c, s;

	ta_pair(&c, &s);
	ta_linger(c, 1, 0);
	pt_close(c);
	CU_ASSERT_TRUE(pt_readable(s, PT_WAIT_MS));
	PT_FAILS(recv(s, &b, 1, 0), WSAECONNRESET);
	pt_close(s);
}

/* After shutdown: send fails WSAESHUTDOWN (SD_SEND), recv WSAESHUTDOWN
 * (SD_RECEIVE); a bad how is WSAEINVAL; unconnected, WSAENOTCONN. */
static void
test_shutdown_directions_and_misuse(void)
{
	SOCKET c, s, u = ta_tcp();
	char b = 0;

	ta_pair(&c, &s);
	PT_FAILS(shutdown(c, 7), WSAEINVAL);
	PT_FAILS(shutdown(u, SD_SEND), WSAENOTCONN);
	PT_OK(shutdown(c, SD_SEND));
	PT_FAILS(send(c, &b, 1, 0), WSAESHUTDOWN);
	PT_OK(shutdown(s, SD_RECEIVE));
	PT_FAILS(recv(s, &b, 1, 0), WSAESHUTDOWN);
	pt_close(c);
	pt_close(s);
	pt_close(u);
}

/* MSG_OOB is not offered (no XP1_EXPEDITED_DATA): WSAEOPNOTSUPP both
 * ways; MSG_WAITALL with MSG_PEEK or on a non-blocking socket too. */
static void
test_oob_and_bad_waitall_fail_eopnotsupp(void)
{
	SOCKET c, s;
	char b[4] = { 0 };

	ta_pair(&c, &s);
	PT_FAILS(send(c, b, 1, MSG_OOB), WSAEOPNOTSUPP);
	PT_FAILS(recv(s, b, 1, MSG_OOB), WSAEOPNOTSUPP);
	PT_FAILS(recv(s, b, 1, MSG_WAITALL | MSG_PEEK), WSAEOPNOTSUPP);
	pt_nonblocking(s, true);
	PT_FAILS(recv(s, b, 1, MSG_WAITALL), WSAEOPNOTSUPP);
	PT_FAILS(recv(s, b, 1, 0), WSAEWOULDBLOCK);
	pt_close(c);
	pt_close(s);
}

struct later {
	SOCKET s;
	int gap_ms;
};

static void *
send_in_two(void *arg)
{
	struct later *l = arg;

	send(l->s, "0123", 4, 0);
	wt_sleep_ms((unsigned int)l->gap_ms);
	send(l->s, "4567", 4, 0);
	return NULL;
}

/* MSG_WAITALL on a blocking socket waits for the whole buffer across
 * sends; at the peer's FIN it returns what came. */
static void
test_waitall_waits_for_full_buffer_or_fin(void)
{
	struct later l;
	pthread_t t;
	char b[16];
	SOCKET c, s;

	ta_pair(&c, &s);
	l = (struct later){ c, 100 };
	CU_ASSERT_FATAL(pthread_create(&t, NULL, send_in_two, &l) == 0);
	CU_ASSERT_EQUAL(recv(s, b, 8, MSG_WAITALL), 8);
	pthread_join(t, NULL);
	CU_ASSERT_EQUAL(memcmp(b, "01234567", 8), 0);
	ta_send_all(c, "ab", 2);
	PT_OK(shutdown(c, SD_SEND));
	CU_ASSERT_EQUAL(recv(s, b, sizeof(b), MSG_WAITALL), 2);
	pt_close(c);
	pt_close(s);
}

/* sendto on a connected stream ignores the address (even a bogus one);
 * recvfrom ignores its address arguments. */
static void
test_sendto_recvfrom_ignore_addresses_on_stream(void)
{
	struct sockaddr_in bogus = pt_sin(PT_FOREIGN, 1);
	int flen = 1;
	char b[4];
	SOCKET c, s;

	ta_pair(&c, &s);
	bogus.sin_family = AF_INET6;
	CU_ASSERT_EQUAL(sendto(c, "xy", 2, 0, PT_SA(bogus), 3), 2);
	CU_ASSERT_TRUE(pt_readable(s, PT_WAIT_MS));
	CU_ASSERT_EQUAL(recvfrom(s, b, 2, MSG_WAITALL, PT_SA(bogus), &flen),
		2);
	CU_ASSERT_EQUAL(flen, 1);
	pt_close(c);
	pt_close(s);
}

/* A non-blocking send into a full pipe (the peer does not read) takes
 * what fits, then fails WSAEWOULDBLOCK; select says not writable. */
static void
test_nonblocking_send_partial_then_wouldblock(void)
{
	static char big[1 << 20];
	int n, total = 0;
	SOCKET c, s;

	ta_pair(&c, &s);
	pt_setopt_int(c, SOL_SOCKET, SO_SNDBUF, 16384);
	pt_nonblocking(c, true);
	for (int i = 0; i < 64; i++) {
		n = send(c, big, sizeof(big), 0);
		if (n == SOCKET_ERROR)
			break;
		CU_ASSERT(n > 0 && n < (int)sizeof(big));
		total += n;
		wt_sleep_ms(5);
	}
	CU_ASSERT_EQUAL(n, SOCKET_ERROR);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAEWOULDBLOCK);
	CU_ASSERT(total > 0);
	CU_ASSERT_FALSE(ta_ready(c, 1, 0));
	ta_linger(c, 1, 0);
	pt_close(c);
	pt_close(s);
}

/* A blocking send that cannot finish within SO_SNDTIMEO (the peer does
 * not read): WSAETIMEDOUT. */
static void
test_blocking_send_times_out_with_sndtimeo(void)
{
	static char big[4 << 20];
	double t0;
	SOCKET c, s;

	ta_pair(&c, &s);
	pt_setopt_int(c, SOL_SOCKET, SO_SNDBUF, 16384);
	pt_setopt_int(c, SOL_SOCKET, SO_SNDTIMEO, 200);
	t0 = pt_ms();
	PT_FAILS(send(c, big, sizeof(big), 0), WSAETIMEDOUT);
	CU_ASSERT(pt_ms() - t0 >= 150 && pt_ms() - t0 < PT_WAIT_MS);
	ta_linger(c, 1, 0);
	pt_close(c);
	pt_close(s);
}

struct bulk {
	SOCKET s;
	const char *buf;
	int len, sent;
};

static void *
bulk_send(void *arg)
{
	struct bulk *b = arg;

	b->sent = send(b->s, b->buf, b->len, 0);
	return NULL;
}

/* len bytes from tx to rx through a sending thread; true if all came. */
static bool
through(SOCKET tx, SOCKET rx, const char *out, char *in, int len)
{
	struct bulk b = { tx, out, len, 0 };
	pthread_t t;
	int got;

	if (pthread_create(&t, NULL, bulk_send, &b) != 0)
		return false;
	got = recv(rx, in, len, MSG_WAITALL);
	pthread_join(t, NULL);
	return b.sent == len && got == len && memcmp(in, out, len) == 0;
}

/* A megabyte each way, larger than either buffer, every byte checked. */
static void
test_megabyte_each_way_arrives_intact(void)
{
	enum { N = 1 << 20 };
	char *out = malloc(N), *in = malloc(N);
	SOCKET c, s;

	CU_ASSERT_FATAL(out != NULL && in != NULL);
	for (int i = 0; i < N; i++)
		out[i] = ta_byte((uint64_t)i);
	ta_pair(&c, &s);
	CU_ASSERT_TRUE(through(c, s, out, in, N));
	CU_ASSERT_TRUE(through(s, c, out, in, N));
	pt_close(c);
	pt_close(s);
	free(out);
	free(in);
}

/* The engine's /wspdk/stats counter key, or UINT64_MAX. */
static uint64_t
stat_u64(const char *key)
{
	static char json[65536];
	uint64_t v = UINT64_MAX;

	if (wt_tel(wt_tel_prefix(), "/wspdk/stats", json, sizeof(json)) == 0)
		wt_json_u64(json, key, &v);
	return v;
}

/* The loop port offers TSO (WSPDK_TSO on by default): a bulk transfer
 * goes in bursts of many segments, each one chain the receiver takes
 * whole, and 4 MB each way still arrive byte for byte. */
static void
test_bulk_over_loop_goes_in_tso_bursts_intact(void)
{
	enum { N = 4 << 20 };
	char *out = malloc(N), *in = malloc(N);
	uint64_t b0 = stat_u64("tcp_tso_bursts");
	uint64_t s0 = stat_u64("tcp_tso_segs");
	SOCKET c, s;

	CU_ASSERT_FATAL(out != NULL && in != NULL);
	CU_ASSERT_FATAL(b0 != UINT64_MAX && s0 != UINT64_MAX);
	for (int i = 0; i < N; i++)
		out[i] = ta_byte((uint64_t)i * 3 + 1);
	ta_pair(&c, &s);
	CU_ASSERT_TRUE(through(c, s, out, in, N));
	CU_ASSERT_TRUE(through(s, c, out, in, N));
	CU_ASSERT(stat_u64("tcp_tso_bursts") > b0);
	/* Bursts of more than one segment each. */
	CU_ASSERT(stat_u64("tcp_tso_segs") - s0 >
		2 * (stat_u64("tcp_tso_bursts") - b0));
	pt_close(c);
	pt_close(s);
	free(out);
	free(in);
}

/* ---- close ---- */

/* Default close (SO_DONTLINGER TRUE): returns at once, and the peer
 * still reads every byte, then the end of the stream. */
static void
test_close_default_is_graceful_data_then_fin(void)
{
	enum { N = 100000 };	/* within both 64 KB buffers */
	static char out[N], in[N + 1];
	SOCKET c, s;

	for (int i = 0; i < N; i++)
		out[i] = ta_byte((uint64_t)i);
	ta_pair(&c, &s);
	CU_ASSERT_EQUAL(ta_getopt_int(c, SOL_SOCKET, SO_DONTLINGER), TRUE);
	ta_send_all(c, out, N);
	pt_close(c);
	CU_ASSERT_EQUAL(ta_recv_n(s, in, N + 1, PT_WAIT_MS), N);
	CU_ASSERT_EQUAL(memcmp(in, out, N), 0);
	CU_ASSERT_EQUAL(recv(s, in, 1, 0), 0);
	pt_close(s);
}

/* SO_LINGER {1,n} on a non-blocking socket whose data is not yet
 * acknowledged (the peer's window is full): WSAEWOULDBLOCK, the socket
 * stays open; then blocking, {1,1}: close waits about a second and
 * resets. */
static void
test_close_linger_nonblocking_wouldblock_then_blocking_resets(void)
{
	static char big[1 << 20];
	double t0;
	SOCKET c, s;
	int n;

	ta_pair_rcvbuf(&c, &s, 8192);
	pt_nonblocking(c, true);
	n = send(c, big, sizeof(big), 0);
	CU_ASSERT(n > 0);
	ta_linger(c, 1, 5);
	PT_FAILS(closesocket(c), WSAEWOULDBLOCK);
	CU_ASSERT_EQUAL(ta_getopt_int(c, SOL_SOCKET, SO_TYPE), SOCK_STREAM);
	pt_nonblocking(c, false);
	ta_linger(c, 1, 1);
	t0 = pt_ms();
	pt_close(c);
	CU_ASSERT(pt_ms() - t0 >= 900 && pt_ms() - t0 < 3000);
	/* The reset reaches the peer behind the data it holds. */
	for (int i = 0; i < 2000; i++) {
		char b[4096];

		n = recv(s, b, sizeof(b), 0);
		if (n <= 0)
			break;
	}
	CU_ASSERT_EQUAL(n, SOCKET_ERROR);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAECONNRESET);
	pt_close(s);
}

/* SO_LINGER {1,n} on a blocking socket whose data fits the peer's
 * window: close returns once it is acknowledged, and the peer has it
 * all. */
static void
test_close_linger_blocking_returns_when_acknowledged(void)
{
	enum { N = 100000 };
	static char out[N], in[N + 1];
	double t0;
	SOCKET c, s;

	ta_pair_rcvbuf(&c, &s, 4 * N);
	ta_send_all(c, out, N);
	ta_linger(c, 1, 5);
	t0 = pt_ms();
	pt_close(c);
	CU_ASSERT(pt_ms() - t0 < 1000);
	CU_ASSERT_EQUAL(ta_recv_n(s, in, N + 1, PT_WAIT_MS), N);
	pt_close(s);
}

static const struct wt_test data_tests[] = {
	WT_TEST(test_send_recv_before_connect_fail_enotconn),
	WT_TEST(test_stream_is_bytes_in_order_fionread_and_peek),
	WT_TEST(test_recv_returns_zero_after_graceful_close),
	WT_TEST(test_recv_after_peer_reset_fails_econnreset),
	WT_TEST(test_shutdown_directions_and_misuse),
	WT_TEST(test_oob_and_bad_waitall_fail_eopnotsupp),
	WT_TEST(test_waitall_waits_for_full_buffer_or_fin),
	WT_TEST(test_sendto_recvfrom_ignore_addresses_on_stream),
	WT_TEST(test_nonblocking_send_partial_then_wouldblock),
	WT_TEST(test_blocking_send_times_out_with_sndtimeo),
	WT_TEST(test_megabyte_each_way_arrives_intact),
	WT_TEST(test_bulk_over_loop_goes_in_tso_bursts_intact),
	WT_TEST_END
};

const struct wt_suite test_tcp_data_suite = {
	.name = "tcp_data",
	.clean = pt_suite_clean,
	.tests = data_tests,
};

static const struct wt_test close_tests[] = {
	WT_TEST(test_close_default_is_graceful_data_then_fin),
	WT_TEST(test_close_linger_nonblocking_wouldblock_then_blocking_resets),
	WT_TEST(test_close_linger_blocking_returns_when_acknowledged),
	WT_TEST_END
};

const struct wt_suite test_tcp_close_suite = {
	.name = "tcp_close",
	.clean = pt_suite_clean,
	.tests = close_tests,
};
