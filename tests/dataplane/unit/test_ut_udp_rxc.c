/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The receiving application's batch (dp_sock_rxc.c): a receive takes up
 * to DP_RXC_BATCH datagrams off the ring at once and serves the next
 * receives from them. Everything that looks at what a socket holds sees
 * the batch as queued: peeks, FIONREAD, readiness, truncation, connect's
 * filter, shutdown, close; SO_RCVBUF bounds ring and batch together, the
 * room coming back once the batch is used up.
 *
 * Datagrams are put on the wire and taken in by lcore steps before the
 * application reads, so the first receive finds a full ring.
 */
#include <stdio.h>
#include <string.h>

#include "ut.h"

#define PORT		7000
#define PEER_PORT	40000

/* A datagram on the wire from the peer's sport, its payload "d<i>". */
static void
put_from(uint16_t sport, unsigned int i)
{
	uint8_t f[256];
	char p[16];
	int n = snprintf(p, sizeof(p), "d%03u", i);

	ut_inject(0, f, ut_udp_frame(f, UT_PEER, sport, UT_IP, PORT, p,
		(uint16_t)n, FRAME_CSUM_GOOD), 0);
}

/* n datagrams "d<first>".. on the wire, then taken in. */
static void
put_n(unsigned int first, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		put_from(PEER_PORT, first + i);
	CU_ASSERT_EQUAL(ut_settle(), 0);
}

/* The next datagram on s (flags: DP_F_PEEK or 0) is "d<i>". */
static void
expect(struct dp_sock *s, unsigned int i, int flags)
{
	char want[16];

	snprintf(want, sizeof(want), "d%03u", i);
	ut_expect_dgram(s, want, flags);
}

/* Peek then receive each datagram of more than a batch: the peek sees
 * the one the receive then takes, at the batch's end and after the
 * refill alike, and every mbuf comes back. */
static void
test_udp_rxc_peek_then_recv_across_a_batch_boundary(void)
{
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, PORT);
	unsigned int base = ut_mbufs_in_use(), n = DP_RXC_BATCH + 8;

	put_n(0, n);
	CU_ASSERT_EQUAL(ut_mbufs_in_use(), base + n);
	for (unsigned int i = 0; i < n; i++) {
		expect(s, i, DP_F_PEEK);
		expect(s, i, DP_F_PEEK);
		expect(s, i, 0);
	}
	ut_expect_drained_close(s, base);
}

/* FIONREAD (dp_sock_rx_bytes) counts what is left to read, batch and
 * ring: less each datagram taken, unchanged by a peek. */
static void
test_udp_rxc_fionread_counts_what_the_batch_has_left(void)
{
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, PORT);
	unsigned int n = DP_RXC_BATCH + 3;

	put_n(0, n);
	CU_ASSERT_EQUAL(dp_sock_rx_bytes(s), (size_t)n * 4);
	for (unsigned int i = 0; i < n; i++) {
		expect(s, i, DP_F_PEEK);
		CU_ASSERT_EQUAL(dp_sock_rx_bytes(s), (size_t)(n - i) * 4);
		expect(s, i, 0);
		CU_ASSERT_EQUAL(dp_sock_rx_bytes(s), (size_t)(n - i - 1) * 4);
	}
	dp_sock_close(s, DP_CLOSE_ABORT);
}

/* SO_RCVBUF bounds ring and batch together: datagrams already in the
 * batch, taken or not, still count until the batch is used up; then
 * the lcore sees the room again. */
static void
test_udp_rxc_rcvbuf_bounds_ring_and_batch_together(void)
{
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, PORT);
	struct dp_sock_stats st;

	/* 4-byte datagrams, 18 bytes: 4 fit. */
	CU_ASSERT_EQUAL(dp_sock_set_opt(s, DP_OPT_RCVBUF, 18), 0);
	put_n(0, 4);
	expect(s, 0, 0);	/* all 4 now in the batch, 1 taken */
	CU_ASSERT_EQUAL(dp_sock_rx_bytes(s), 12);
	put_n(4, 4);
	dp_sock_stats_get(s, &st);
	CU_ASSERT_EQUAL(st.rx_dgrams, 4);
	CU_ASSERT_EQUAL(st.drop_rx_full, 4);
	for (unsigned int i = 1; i < 4; i++)
		expect(s, i, 0);
	ut_expect_empty(s);
	CU_ASSERT_EQUAL(dp_sock_rx_bytes(s), 0);
	/* The batch used up: room for 4 again. */
	put_n(8, 5);
	dp_sock_stats_get(s, &st);
	CU_ASSERT_EQUAL(st.rx_dgrams, 8);
	CU_ASSERT_EQUAL(st.drop_rx_full, 5);
	CU_ASSERT_EQUAL(dp_sock_rx_bytes(s), 16);
	for (unsigned int i = 8; i < 12; i++)
		expect(s, i, 0);
	ut_expect_empty(s);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

/* A datagram left in the batch, the ring empty: the socket is readable
 * (select, poll, a wait), until it is taken. */
static void
test_udp_rxc_readiness_sees_a_datagram_left_in_the_batch(void)
{
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, PORT);

	put_n(0, 2);
	expect(s, 0, 0);
	CU_ASSERT_TRUE(rte_ring_empty(s->rxq.prod));
	CU_ASSERT_NOT_EQUAL(dp_sock_ready(s) & DP_EV_READ, 0);
	CU_ASSERT_EQUAL(dp_sock_wait(s, DP_EV_READ, 0), 0);
	expect(s, 1, 0);
	CU_ASSERT_EQUAL(dp_sock_ready(s) & DP_EV_READ, 0);
	CU_ASSERT_EQUAL(dp_sock_wait(s, DP_EV_READ, 0), -ETIMEDOUT);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

/* A datagram too large for the buffer, in the middle of a batch: it is
 * reported truncated with its full length and consumed; the next one
 * follows. */
static void
test_udp_rxc_truncated_datagram_is_consumed_from_the_batch(void)
{
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, PORT);
	char buf[8];
	size_t full = 0;

	put_n(0, 3);
	expect(s, 0, 0);
	memset(buf, 0, sizeof(buf));
	CU_ASSERT_EQUAL(ut_recv(s, buf, 2, NULL, &full, 0), -EMSGSIZE);
	CU_ASSERT_EQUAL(full, 4);
	CU_ASSERT_EQUAL(memcmp(buf, "d0", 2), 0);
	CU_ASSERT_EQUAL(dp_sock_rx_bytes(s), 4);
	expect(s, 2, 0);
	ut_expect_empty(s);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

/* Connecting keeps, of what the batch and the ring hold, only the new
 * peer's datagrams, in order; the others are counted unread. */
static void
test_udp_rxc_connect_filters_the_batch_and_the_ring(void)
{
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, PORT);
	struct dp_addr peer = { UT_PEER, PEER_PORT };
	struct dp_sock_stats st;
	unsigned int n = DP_RXC_BATCH + 8, kept = 0;

	/* Even ones from the peer, odd ones from another port. */
	for (unsigned int i = 0; i < n; i++)
		put_from(i % 2 == 0 ? PEER_PORT : PEER_PORT + 1, i);
	CU_ASSERT_EQUAL(ut_settle(), 0);
	expect(s, 0, 0);
	CU_ASSERT_EQUAL_FATAL(dp_sock_connect(s, &peer), 0);
	dp_sock_stats_get(s, &st);
	CU_ASSERT_EQUAL(st.drop_unread, n / 2);
	CU_ASSERT_EQUAL(dp_sock_rx_bytes(s), (size_t)(n / 2 - 1) * 4);
	for (unsigned int i = 2; i < n; i += 2, kept++)
		expect(s, i, 0);
	CU_ASSERT_EQUAL(kept, n / 2 - 1);
	ut_expect_empty(s);
	CU_ASSERT_EQUAL(dp_sock_rx_bytes(s), 0);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

/* Shut down for receiving with datagrams in the batch: receives fail
 * at once, and the socket reads as readable (the call would not
 * block). */
static void
test_udp_rxc_shutdown_receive_with_a_batch_fails_receives(void)
{
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, PORT);
	char buf[64];

	put_n(0, 3);
	expect(s, 0, 0);
	dp_sock_shutdown(s, true, false);
	CU_ASSERT_EQUAL(ut_recv(s, buf, sizeof(buf), NULL, NULL, 0),
		-ESHUTDOWN);
	CU_ASSERT_EQUAL(ut_recv(s, buf, sizeof(buf), NULL, NULL, DP_F_PEEK),
		-ESHUTDOWN);
	CU_ASSERT_NOT_EQUAL(dp_sock_ready(s) & DP_EV_READ, 0);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

/* Closing a socket with a batch part taken and more in the ring frees
 * every mbuf and counts every datagram never read. */
static void
test_udp_rxc_close_with_a_batch_frees_every_mbuf(void)
{
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, PORT);
	unsigned int base = ut_mbufs_in_use(), n = DP_RXC_BATCH + 8;
	struct dp_sock_stats a, b;

	dp_sock_stats_closed(&a);
	put_n(0, n);
	expect(s, 0, 0);
	expect(s, 1, 0);
	dp_sock_close(s, DP_CLOSE_ABORT);
	CU_ASSERT_EQUAL(ut_settle(), 0);
	CU_ASSERT_EQUAL(ut_mbufs_in_use(), base);
	dp_sock_stats_closed(&b);
	CU_ASSERT_EQUAL(b.drop_unread - a.drop_unread, n - 2);
	CU_ASSERT_EQUAL(b.rx_dgrams - a.rx_dgrams, n);
}

static const struct wt_test tests[] = {
	WT_TEST(test_udp_rxc_peek_then_recv_across_a_batch_boundary),
	WT_TEST(test_udp_rxc_fionread_counts_what_the_batch_has_left),
	WT_TEST(test_udp_rxc_rcvbuf_bounds_ring_and_batch_together),
	WT_TEST(test_udp_rxc_readiness_sees_a_datagram_left_in_the_batch),
	WT_TEST(test_udp_rxc_truncated_datagram_is_consumed_from_the_batch),
	WT_TEST(test_udp_rxc_connect_filters_the_batch_and_the_ring),
	WT_TEST(test_udp_rxc_shutdown_receive_with_a_batch_fails_receives),
	WT_TEST(test_udp_rxc_close_with_a_batch_frees_every_mbuf),
	WT_TEST_END
};

static const struct wt_suite suite =
	UT_SUITE("unit_udp_rxc", ut_suite_init, tests);

WT_MAIN(suite)
