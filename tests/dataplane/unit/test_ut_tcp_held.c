/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * In-order data that found no ring slot (the owner's held queue, bq_*
 * in dp_tcp_reass.c) is ACKed data: the reader gets every byte of it,
 * in order, before the end of the stream, however the connection ends
 * (the peer's RST, TIME-WAIT running out on a socket still held), and
 * FIONREAD and readiness count it between a read and the owner's next
 * iteration. The peer sends 1-byte segments past the ring's slots, as
 * in unit_tcp_tiny, or chains of small pieces (a burst the port kept
 * whole), which go onto the ring as one run until it is full.
 */
#include <errno.h>

#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dp_tcp.h"
#include "test_ut_tcp_peer.h"

#define N	1500u		/* 1-byte segments: past the ring's slots */
#define MSL_US	100000		/* tune()'s */

static uint8_t
byte_of(uint32_t i)
{
	return (uint8_t)(i * 5 + 1);
}

/* n 1-byte segments from the peer from its sequence number seq, each
 * ACKed; some are held (the ring has fewer slots). */
static void
fill_past_the_ring(struct dp_sock *s, uint32_t seq, uint32_t ack)
{
	struct dp_stats a, b;
	struct seg sg;

	ut_stats(&a);
	for (uint32_t i = 0; i < N; i++) {
		uint8_t v = byte_of(i);
		bool acked = false;

		peer(RTE_TCP_ACK_FLAG, seq + i, ack, 65535, &v, 1);
		while (sent(&sg))
			acked = sg.ack == seq + i + 1;
		CU_ASSERT_FATAL(acked);
	}
	ut_stats(&b);
	CU_ASSERT_FATAL(rte_ring_get_capacity(s->rxq.prod) < N);
	CU_ASSERT_FATAL(b.tcp_rx_held - a.tcp_rx_held > 0);
	CU_ASSERT_EQUAL(b.tcp_rx_full - a.tcp_rx_full, 0);
}

/* The peer resets the connection while bytes wait behind the full ring:
 * like those on the ring, the reader gets all of them, then the reset
 * (WSAECONNRESET). Before: the held ones were freed, a hole before the
 * reset. */
static void
test_tcp_held_bytes_are_read_before_the_peers_reset(void)
{
	uint32_t iss, base = ut_mbufs_in_use(), got;
	struct dp_sock *s = connected(&iss);
	long end;

	fill_past_the_ring(s, PISS + 1, iss + 1);
	peer(RTE_TCP_RST_FLAG, PISS + 1 + N, 0, 0, NULL, 0);
	CU_ASSERT_EQUAL(state(s), DP_TCP_CLOSED);
	got = read_bytes(s, 0, byte_of, &end);
	CU_ASSERT_EQUAL(got, N);
	CU_ASSERT_EQUAL(end, -ECONNRESET);
	done(s);
	CU_ASSERT_EQUAL(ut_mbufs_in_use(), base);
}

/* We shut sends, the peer's bytes and FIN follow: TIME-WAIT with the
 * socket still the application's, which reads nothing for 2 MSL. When
 * the TCB ends, every byte is still there, then the end of the stream.
 * Before: what no ring slot took was freed, and the reader saw EOF
 * after the ring's bytes. */
static void
test_tcp_held_bytes_outlive_time_wait_of_a_socket_still_held(void)
{
	uint32_t iss, base = ut_mbufs_in_use(), got;
	struct dp_sock *s = connected(&iss);
	struct seg sg;
	long end;

	dp_sock_shutdown(s, false, true);
	steps();
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_FATAL(sg.flags & RTE_TCP_FIN_FLAG);
	peer(RTE_TCP_ACK_FLAG, PISS + 1, iss + 2, 65535, NULL, 0);
	CU_ASSERT_EQUAL(state(s), DP_TCP_FIN_WAIT_2);
	fill_past_the_ring(s, PISS + 1, iss + 2);
	peer(RTE_TCP_FIN_FLAG | RTE_TCP_ACK_FLAG, PISS + 1 + N, iss + 2,
		65535, NULL, 0);
	while (sent(&sg))
		;
	CU_ASSERT_EQUAL(state(s), DP_TCP_TIME_WAIT);
	ut_advance_us(2 * MSL_US + 1000);
	steps();
	CU_ASSERT_EQUAL(state(s), DP_TCP_CLOSED);
	got = read_bytes(s, 0, byte_of, &end);
	CU_ASSERT_EQUAL(got, N);
	CU_ASSERT_EQUAL(end, 0);
	done(s);
	CU_ASSERT_EQUAL(ut_mbufs_in_use(), base);
}

/*
 * Nobody steps the owner between reads: FIONREAD counts the held bytes
 * with the ring's (never more than a read then gets), readiness says
 * readable while any are held, and a non-blocking read takes them at
 * once. Before: after the ring's bytes were read FIONREAD said 0, no
 * readiness, and the read failed EWOULDBLOCK until the owner's next
 * iteration.
 */
static void
test_tcp_held_bytes_count_in_fionread_and_readiness_and_read_at_once(void)
{
	uint32_t iss, base = ut_mbufs_in_use(), got = 0;
	struct dp_sock *s = connected(&iss);
	uint8_t buf[256];
	long n;

	fill_past_the_ring(s, PISS + 1, iss + 1);
	for (int k = 0; k < 4 * (int)N && got < N; k++) {
		CU_ASSERT_EQUAL_FATAL(dp_sock_rx_bytes(s), N - got);
		CU_ASSERT_FATAL(dp_sock_ready(s) & DP_EV_READ);
		n = ut_recv(s, buf, sizeof(buf), NULL, NULL, 0);
		CU_ASSERT_FATAL(n > 0);
		for (long j = 0; j < n; j++)
			CU_ASSERT_EQUAL_FATAL(buf[j],
				byte_of(got + (uint32_t)j));
		got += (uint32_t)n;
	}
	CU_ASSERT_EQUAL(got, N);
	CU_ASSERT_EQUAL(dp_sock_rx_bytes(s), 0);
	CU_ASSERT_EQUAL(ut_recv(s, buf, sizeof(buf), NULL, NULL, 0), -EAGAIN);
	done(s);
	CU_ASSERT_EQUAL(ut_mbufs_in_use(), base);
}

#define PIECE	4u		/* bytes an mbuf of a chain carries */
#define PIECES	100u		/* a chain's: past DP_TCP_RUN_MAX */
#define CHAINS	20u		/* 2000 mbufs: past the ring's slots */

/* One segment of len bytes from the peer, byte_of(from...) as its
 * payload, as a chain of PIECE-byte mbufs (the first also holds the
 * headers), checksums good as a NIC would say. */
static void
peer_chain(uint32_t seq, uint32_t ack, uint32_t from, uint32_t len,
		uint8_t flags)
{
	static uint8_t f[4096], data[PIECE * PIECES];
	struct rte_mbuf *head = NULL, *m;
	uint16_t flen, hdr, k;

	CU_ASSERT_FATAL(len <= sizeof(data));
	for (uint32_t i = 0; i < len; i++)
		data[i] = byte_of(from + i);
	flen = frame(f, PORT, flags, seq, ack, 65535, data, (uint16_t)len,
		false);
	hdr = (uint16_t)(flen - len);
	for (uint16_t off = 0; off < flen; off = (uint16_t)(off + k)) {
		k = (uint16_t)RTE_MIN((uint32_t)flen - off,
			off == 0 ? hdr + PIECE : PIECE);
		m = rte_pktmbuf_alloc(ut_eng()->mp);
		CU_ASSERT_PTR_NOT_NULL_FATAL(m);
		memcpy(rte_pktmbuf_append(m, k), f + off, k);
		if (head == NULL)
			head = m;
		else
			CU_ASSERT_FATAL(rte_pktmbuf_chain(head, m) == 0);
	}
	head->ol_flags = RTE_MBUF_F_RX_IP_CKSUM_GOOD |
		RTE_MBUF_F_RX_L4_CKSUM_GOOD;
	ut_inject_mbuf(0, head);
	steps();
}

/*
 * Chains of 100 small pieces, 2000 mbufs in all, more than the ring has
 * slots: each chain goes onto the ring as runs of up to DP_TCP_RUN_MAX,
 * what the full ring cannot take is held behind it, and everything is
 * ACKed; the reader gets every byte in order, then the FIN's EOF, and
 * no mbuf is left over.
 */
static void
test_tcp_chain_past_the_ring_is_held_in_order_and_read_whole(void)
{
	const uint32_t each = PIECE * PIECES, total = each * CHAINS;
	uint32_t iss, base = ut_mbufs_in_use(), got;
	struct dp_sock *s = connected(&iss);
	struct dp_stats a, b;
	struct seg sg;
	long end;

	ut_stats(&a);
	for (uint32_t c = 0; c < CHAINS; c++) {
		bool acked = false;

		peer_chain(PISS + 1 + c * each, iss + 1, c * each, each,
			RTE_TCP_ACK_FLAG | (c == CHAINS - 1 ?
			RTE_TCP_FIN_FLAG : 0));
		while (sent(&sg))
			acked = sg.ack == PISS + 1 + (c + 1) * each +
				(c == CHAINS - 1);
		CU_ASSERT_FATAL(acked);
	}
	ut_stats(&b);
	CU_ASSERT_FATAL(rte_ring_get_capacity(s->rxq.prod) <
		PIECES * CHAINS);
	CU_ASSERT(b.tcp_rx_held - a.tcp_rx_held > 0);
	CU_ASSERT_EQUAL(b.tcp_rx_full - a.tcp_rx_full, 0);
	CU_ASSERT_EQUAL(dp_sock_rx_bytes(s), total);
	got = read_bytes(s, 0, byte_of, &end);
	CU_ASSERT_EQUAL(got, total);
	CU_ASSERT_EQUAL(end, 0);
	done(s);
	CU_ASSERT_EQUAL(ut_mbufs_in_use(), base);
}

static const struct wt_test tests[] = {
	WT_TEST(test_tcp_held_bytes_are_read_before_the_peers_reset),
	WT_TEST(test_tcp_held_bytes_outlive_time_wait_of_a_socket_still_held),
	WT_TEST(test_tcp_held_bytes_count_in_fionread_and_readiness_and_read_at_once),
	WT_TEST(test_tcp_chain_past_the_ring_is_held_in_order_and_read_whole),
	WT_TEST_END
};

static const struct wt_suite suite =
	UT_SUITE("unit_tcp_held", suite_init, tests);

WT_MAIN(suite)
