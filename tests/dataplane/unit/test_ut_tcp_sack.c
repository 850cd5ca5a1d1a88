/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SACK and D-SACK generation (RFC 2018, RFC 2883) frame by frame: the
 * peer offers SACK-permitted, sends segments beyond holes, repeats some,
 * and reads the blocks on our ACKs: most recent first, as many as the
 * option space leaves (3 beside timestamps, 4 without), a duplicate
 * reported once in a D-SACK first block.
 */
#include <string.h>

#include "test_ut_tcp_peer.h"

static char zeros[512];

/* The peer's data at offset off (bytes after its SYN), n bytes. */
static void
data_at(uint32_t iss, uint32_t off, uint16_t n)
{
	peer(RTE_TCP_ACK_FLAG, PISS + 1 + off, iss + 1, 65535, zeros, n);
}

/* Our ACK to it, with ack = PISS + 1 + acked and the blocks given as
 * offsets {start, end}. */
static void
expect_ack(uint32_t acked, uint32_t nb, const uint32_t (*b)[2])
{
	struct seg sg;

	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.flags, RTE_TCP_ACK_FLAG);
	CU_ASSERT_EQUAL(sg.ack, PISS + 1 + acked);
	CU_ASSERT_EQUAL(sg.nsack, nb);
	for (uint32_t i = 0; i < nb && i < sg.nsack; i++) {
		CU_ASSERT_EQUAL(sg.sack[i][0], PISS + 1 + b[i][0]);
		CU_ASSERT_EQUAL(sg.sack[i][1], PISS + 1 + b[i][1]);
	}
	CU_ASSERT(sg.optlen <= 40);
	CU_ASSERT_FALSE(sent(&sg));
}

static struct dp_sock *
sack_connected(uint32_t *iss, bool ts)
{
	peer_opts = (struct peer_opts){ .sack_ok = true, .ts = ts,
		.tsval = 100 };
	return connected(iss);
}

static void
sack_done(struct dp_sock *s)
{
	done(s);
	peer_opts = (struct peer_opts){ 0 };
}

/* Beside timestamps: three blocks, the newest first, the others in the
 * order they were last reported; a segment joining two blocks makes
 * one; filling the hole drops what the ACK covers. */
static void
test_tcp_sack_blocks_most_recent_first_three_with_timestamps(void)
{
	uint32_t iss;
	struct dp_sock *s = sack_connected(&iss, true);

	data_at(iss, 100, 10);
	expect_ack(0, 1, (const uint32_t [][2]){ { 100, 110 } });
	data_at(iss, 300, 10);
	expect_ack(0, 2, (const uint32_t [][2]){ { 300, 310 },
		{ 100, 110 } });
	data_at(iss, 200, 10);
	expect_ack(0, 3, (const uint32_t [][2]){ { 200, 210 },
		{ 300, 310 }, { 100, 110 } });
	data_at(iss, 400, 10);
	expect_ack(0, 3, (const uint32_t [][2]){ { 400, 410 },
		{ 200, 210 }, { 300, 310 } });
	data_at(iss, 110, 90);		/* joins 100-110 and 200-210 */
	expect_ack(0, 3, (const uint32_t [][2]){ { 100, 210 },
		{ 400, 410 }, { 300, 310 } });
	data_at(iss, 0, 100);		/* the first hole */
	expect_ack(210, 2, (const uint32_t [][2]){ { 400, 410 },
		{ 300, 310 } });
	data_at(iss, 210, 200);		/* all of it */
	expect_ack(410, 0, NULL);
	sack_done(s);
}

/* Without timestamps the option has room for four. */
static void
test_tcp_sack_four_blocks_without_timestamps(void)
{
	uint32_t iss;
	struct dp_sock *s = sack_connected(&iss, false);

	for (uint32_t k = 1; k <= 5; k++)
		data_at(iss, 100 * k, 10);
	for (uint32_t k = 0; k < 4; k++)
		CU_ASSERT(sent(&(struct seg){ 0 }));
	expect_ack(0, 4, (const uint32_t [][2]){ { 500, 510 },
		{ 400, 410 }, { 300, 310 }, { 200, 210 } });
	sack_done(s);
}

/* RFC 2883: a segment below RCV.NXT is reported in a D-SACK first
 * block, once; a repeat of held data is D-SACKed and followed by the
 * block that holds it; part old, part new: the old part. */
static void
test_tcp_dsack_reports_duplicates_once(void)
{
	uint32_t iss;
	struct dp_sock *s = sack_connected(&iss, true);
	data_at(iss, 0, 50);
	expect_ack(50, 0, NULL);
	data_at(iss, 10, 20);			/* old */
	expect_ack(50, 1, (const uint32_t [][2]){ { 10, 30 } });
	data_at(iss, 100, 10);			/* the D-SACK is not repeated */
	expect_ack(50, 1, (const uint32_t [][2]){ { 100, 110 } });
	data_at(iss, 200, 10);
	expect_ack(50, 2, (const uint32_t [][2]){ { 200, 210 },
		{ 100, 110 } });
	data_at(iss, 100, 10);			/* held already */
	expect_ack(50, 3, (const uint32_t [][2]){ { 100, 110 },
		{ 100, 110 }, { 200, 210 } });
	data_at(iss, 40, 20);			/* 40-50 old, 50-60 new */
	expect_ack(60, 3, (const uint32_t [][2]){ { 40, 50 },
		{ 100, 110 }, { 200, 210 } });
	sack_done(s);
}

/* No SACK-permitted from the peer: no SACK option, ever. */
static void
test_tcp_no_sack_without_sack_permitted(void)
{
	uint32_t iss;
	struct dp_sock *s;

	peer_opts = (struct peer_opts){ .ts = true, .tsval = 1 };
	s = connected(&iss);
	data_at(iss, 100, 10);
	expect_ack(0, 0, NULL);
	data_at(iss, 0, 20);
	expect_ack(20, 0, NULL);
	data_at(iss, 0, 20);
	expect_ack(20, 0, NULL);
	sack_done(s);
}

static const struct wt_test tests[] = {
	WT_TEST(test_tcp_sack_blocks_most_recent_first_three_with_timestamps),
	WT_TEST(test_tcp_sack_four_blocks_without_timestamps),
	WT_TEST(test_tcp_dsack_reports_duplicates_once),
	WT_TEST(test_tcp_no_sack_without_sack_permitted),
	WT_TEST_END
};

static const struct wt_suite suite =
	UT_SUITE("unit_tcp_sack", suite_init, tests);

WT_MAIN(suite)
