/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A peer that sends 1-byte segments (issue 13: "tiny segments coalesced
 * so 1-byte segments cannot drain the pool"): in order to an application
 * that reads slowly, and beyond a hole, the bytes are kept in a few
 * buffers, not one mbuf each, and all of them arrive, in order.
 */
#include <string.h>

#include <rte_ring.h>

#include "dp_tcp.h"
#include "test_ut_tcp_peer.h"

#define N	1500u		/* 1-byte segments */

static uint8_t
byte_of(uint32_t i)
{
	return (uint8_t)(i * 7 + 3);
}

static void
tiny(uint32_t iss, uint32_t i)
{
	uint8_t b = byte_of(i);

	peer(RTE_TCP_ACK_FLAG, PISS + 1 + i, iss + 1, 65535, &b, 1);
	ut_sent_drop();
}

/* Read everything s holds, checking it is bytes from..; the count. */
static uint32_t
read_check(struct dp_sock *s, uint32_t from)
{
	return read_bytes(s, from, byte_of, NULL);
}

/* In order, the application reading one byte now and then (each read
 * pulls its ring onto its own list): the unread bytes share a few
 * buffers, not an mbuf a byte, and every byte comes in order. */
static void
test_tcp_tiny_in_order_segments_share_buffers_while_unread(void)
{
	uint32_t iss, base = ut_mbufs_in_use(), in_use, k = 0;
	struct dp_sock *s = connected(&iss);
	uint8_t b;

	CU_ASSERT_EQUAL_FATAL(ut_recv(s, &b, 1, NULL, NULL, 0), -EAGAIN);
	for (uint32_t i = 0; i < N; i++) {
		tiny(iss, i);
		if (i % 50 == 49) {
			CU_ASSERT_EQUAL(ut_recv(s, &b, 1, NULL, NULL, 0), 1);
			CU_ASSERT_EQUAL(b, byte_of(k));
			k++;
		}
	}
	in_use = ut_mbufs_in_use() - base;
	/* N - k bytes unread: a buffer or two, plus at most the 49
	 * segments the ring took since the last read (one mbuf a byte
	 * before: ~N). */
	if (in_use > 60)
		fprintf(stderr, "\n%u mbufs hold %u unread bytes\n", in_use,
			N - k);
	CU_ASSERT(in_use <= 60);
	CU_ASSERT_EQUAL(read_check(s, k), N - k);
	done(s);
}

/* Beyond a hole: 1-byte segments join the held one before them, so
 * more than DP_TCP_OOO_MAX of them are kept (none dropped) in a buffer
 * or two; the hole's byte brings all of them, in order. */
static void
test_tcp_tiny_segments_beyond_a_hole_join_and_fill_in_order(void)
{
	uint32_t iss, base = ut_mbufs_in_use(), in_use;
	struct dp_sock *s = connected(&iss);
	struct dp_stats a, b;
	const uint32_t n = 4 * DP_TCP_OOO_MAX;

	ut_stats(&a);
	for (uint32_t i = 1; i <= n; i++)
		tiny(iss, i);
	ut_stats(&b);
	in_use = ut_mbufs_in_use() - base;
	CU_ASSERT(in_use <= 4);
	CU_ASSERT_EQUAL(b.tcp_ooo_drop - a.tcp_ooo_drop, 0);
	CU_ASSERT_EQUAL(b.tcp_ooo_coalesced - a.tcp_ooo_coalesced, n - 1);
	tiny(iss, 0);
	CU_ASSERT_EQUAL(read_check(s, 0), n + 1);
	done(s);
}

/*
 * Nobody reads, the peer sends 1-byte segments within the window we
 * advertised: more of them than the receive ring has slots (a slot per
 * segment whatever its size; 511 with this pool). Every one is taken
 * and ACKed (none dropped for the ring, tcp_rx_full), the right edge
 * never moves left (SHLD-14), the held bytes share a few buffers, and
 * the reader gets all of them in order.
 */
static void
test_tcp_tiny_segments_past_the_ring_slots_are_acked_and_read(void)
{
	uint32_t iss, base = ut_mbufs_in_use(), right = 0, slots, got = 0;
	struct dp_sock *s = connected(&iss);
	struct dp_stats a, b;
	struct seg sg;

	ut_stats(&a);
	for (uint32_t i = 0; i < N; i++) {
		uint8_t v = byte_of(i);
		bool acked = false;

		peer(RTE_TCP_ACK_FLAG, PISS + 1 + i, iss + 1, 65535, &v, 1);
		while (sent(&sg)) {
			uint32_t edge = sg.ack + ((uint32_t)sg.win <<
				dp_tcp_pcb(s)->rcv_scale);

			acked = sg.ack == PISS + 2 + i;
			if (right != 0)
				CU_ASSERT(SEQ_GEQ(edge, right));
			right = edge;
		}
		CU_ASSERT_FATAL(acked);
	}
	ut_stats(&b);
	slots = rte_ring_get_capacity(s->rxq.prod);
	CU_ASSERT_FATAL(slots < N);
	CU_ASSERT_EQUAL(b.tcp_rx_full - a.tcp_rx_full, 0);
	CU_ASSERT(b.tcp_rx_held - a.tcp_rx_held > 0);
	CU_ASSERT(ut_mbufs_in_use() - base <= slots + 4);
	/* A read that frees slots rings the owner, which moves what it
	 * held onto the ring at its next iteration. */
	for (int k = 0; k < 16 && got < N; k++) {
		got += read_check(s, got);
		steps();
	}
	CU_ASSERT_EQUAL(got, N);
	done(s);
}

static const struct wt_test tests[] = {
	WT_TEST(test_tcp_tiny_in_order_segments_share_buffers_while_unread),
	WT_TEST(test_tcp_tiny_segments_beyond_a_hole_join_and_fill_in_order),
	WT_TEST(test_tcp_tiny_segments_past_the_ring_slots_are_acked_and_read),
	WT_TEST_END
};

static const struct wt_suite suite =
	UT_SUITE("unit_tcp_tiny", suite_init, tests);

WT_MAIN(suite)
