/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Receiving across the peer's sequence wrap (2^32): its ISS just below
 * it, data in order, a window that shuts and opens again with the wrap
 * inside it. Our sending side across a wrap is tcp_kernel_window's;
 * Linux's ISS cannot be chosen, the unit peer's can.
 */
#include <string.h>

#include "dp_tcp.h"
#include "test_ut_tcp_peer.h"

#define WISS	0xfffff000u	/* the peer's ISS: 4 KB below the wrap */
#define SEG	1000u

/* The last segment we sent; false if none. */
static bool
last_sent(struct seg *last)
{
	struct seg sg;
	bool any = false;

	while (sent(&sg)) {
		*last = sg;
		any = true;
	}
	return any;
}

/* The stream's bytes: each a function of its sequence number. */
static void
fill(uint8_t *b, uint32_t seq)
{
	for (uint32_t i = 0; i < SEG; i++)
		b[i] = (uint8_t)((seq + i) * 7);
}

/* Segments that straddle and pass the wrap arrive in order, are read
 * back intact, and our ACKs follow them through 0. */
static void
test_tcp_receive_in_order_across_the_peer_wrap(void)
{
	uint32_t iss, seq = WISS + 1;
	struct dp_sock *s = connected_from(WISS, &iss);
	uint8_t in[SEG], got[SEG];
	struct seg sg;

	for (int i = 0; i < 10; i++) {
		fill(in, seq);
		peer(RTE_TCP_ACK_FLAG, seq, iss + 1, 65535, in, SEG);
		seq += SEG;
		CU_ASSERT_EQUAL(ut_recv(s, got, sizeof(got), NULL, NULL, 0),
			(long)SEG);
		CU_ASSERT_EQUAL(memcmp(got, in, SEG), 0);
		CU_ASSERT(last_sent(&sg));
		CU_ASSERT_EQUAL(sg.ack, seq);
	}
	CU_ASSERT(seq < WISS);		/* it did wrap */
	done(s);
}

/* got[0..n) is the stream's bytes from seq on. */
static bool
intact(const uint8_t *got, long n, uint32_t seq)
{
	for (long i = 0; i < n; i++)
		if (got[i] != (uint8_t)((seq + (uint32_t)i) * 7))
			return false;
	return true;
}

/* The window shuts with the wrap inside it (the reader away): the
 * segment at its edge is cut to it, the next refused with an ACK; then
 * reading opens it again: the update carries the same ACK and the
 * rest arrives intact. */
static void
test_tcp_window_shuts_and_reopens_across_the_peer_wrap(void)
{
	uint32_t iss, seq = WISS + 1, rd = WISS + 1, edge;
	struct dp_sock *s = connected_from(WISS, &iss);
	uint8_t in[SEG], got[SEG];
	struct seg sg = { 0 };
	long r;

	/* Send until a segment is not taken whole. */
	for (int i = 0; i < 200; i++) {
		fill(in, seq);
		peer(RTE_TCP_ACK_FLAG, seq, iss + 1, 65535, in, SEG);
		CU_ASSERT_FATAL(last_sent(&sg));
		if (sg.ack != seq + SEG)
			break;
		seq += SEG;
	}
	CU_ASSERT(seq - (WISS + 1) > 5 * SEG);	/* past the wrap */
	edge = sg.ack;				/* what was taken */
	CU_ASSERT(edge - seq < SEG);
	/* Beyond the edge now: refused, ACKed with the same number. */
	fill(in, edge);
	peer(RTE_TCP_ACK_FLAG, edge, iss + 1, 65535, in, SEG);
	CU_ASSERT_FATAL(last_sent(&sg));
	CU_ASSERT_EQUAL(sg.ack, edge);
	/* Read all: a window update goes out with that ACK. */
	while ((r = ut_recv(s, got, sizeof(got), NULL, NULL, 0)) > 0) {
		CU_ASSERT(intact(got, r, rd));
		rd += (uint32_t)r;
	}
	CU_ASSERT_EQUAL(rd, edge);
	steps();
	CU_ASSERT_FATAL(last_sent(&sg));
	CU_ASSERT_EQUAL(sg.ack, edge);
	CU_ASSERT(sg.win >= SEG);
	/* From the edge on, taken again. */
	seq = edge;
	for (int i = 0; i < 3; i++) {
		fill(in, seq);
		peer(RTE_TCP_ACK_FLAG, seq, iss + 1, 65535, in, SEG);
		seq += SEG;
		CU_ASSERT(last_sent(&sg));
		CU_ASSERT_EQUAL(sg.ack, seq);
		r = ut_recv(s, got, sizeof(got), NULL, NULL, 0);
		CU_ASSERT_EQUAL(r, (long)SEG);
		CU_ASSERT(intact(got, r, seq - SEG));
	}
	done(s);
}

static const struct wt_test tests[] = {
	WT_TEST(test_tcp_receive_in_order_across_the_peer_wrap),
	WT_TEST(test_tcp_window_shuts_and_reopens_across_the_peer_wrap),
	WT_TEST_END
};

static const struct wt_suite suite =
	UT_SUITE("unit_tcp_wrap", suite_init, tests);

WT_MAIN(suite)
