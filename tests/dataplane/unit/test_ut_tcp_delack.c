/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ACK hold of an interactive connection (dp_tcp.h, "ACK policy";
 * issue 13): once our application answers the peer's data promptly, a
 * small in-order request's ACK waits for the reply that carries it, or
 * for DP_TCP_DELACK_US on the unit harness's clock. A second segment, a
 * full-size one, a segment beyond a hole and a FIN are ACKed as before,
 * and a receiver that never answers ACKs every burst.
 */
#include <string.h>

#include "dp_tcp.h"
#include "test_ut_tcp_peer.h"

#define REQ	10u		/* bytes of a request and of a reply */

static char zeros[2048];

/* The peer's data at offset off (bytes after its SYN), n bytes, ACKing
 * acked bytes of ours; flags besides ACK. */
static void
data_at(uint32_t iss, uint32_t off, uint32_t acked, uint16_t n,
		uint8_t flags)
{
	peer(RTE_TCP_ACK_FLAG | flags, PISS + 1 + off, iss + 1 + acked, 65535,
		zeros, n);
}

/* Our pure ACK of acked bytes of the peer's, and nothing else. */
static void
expect_ack(uint32_t acked)
{
	struct seg sg;

	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.flags, RTE_TCP_ACK_FLAG);
	CU_ASSERT_EQUAL(sg.len, 0);
	CU_ASSERT_EQUAL(sg.ack, PISS + 1 + acked);
	CU_ASSERT_FALSE(sent(&sg));
}

/* The application reads what came and answers REQ bytes: one segment
 * with them, ACKing acked bytes of the peer's. */
static void
reply(struct dp_sock *s, uint32_t acked)
{
	char buf[4096];
	struct seg sg;

	CU_ASSERT(ut_recv(s, buf, sizeof(buf), NULL, NULL, 0) > 0);
	CU_ASSERT_EQUAL(ut_send(s, 0, 0, zeros, REQ), REQ);
	steps();
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.len, REQ);
	CU_ASSERT_EQUAL(sg.ack, PISS + 1 + acked);
	CU_ASSERT_FALSE(sent(&sg));
}

/* Connected, one request ACKed at once (nothing says the application
 * answers yet) and answered at once: the connection is interactive.
 * The peer has sent REQ bytes, we REQ. */
static struct dp_sock *
interactive(uint32_t *iss)
{
	struct dp_sock *s = connected(iss);

	data_at(*iss, 0, 0, REQ, RTE_TCP_PSH_FLAG);
	expect_ack(REQ);
	reply(s, REQ);
	return s;
}

/* The request/reply exchange: the request's ACK rides on the reply, no
 * pure ACK goes out in between. */
static void
test_tcp_delack_reply_carries_the_requests_ack(void)
{
	uint32_t iss;
	struct dp_sock *s = interactive(&iss);
	struct seg sg;

	for (uint32_t i = 1; i < 5; i++) {
		data_at(iss, i * REQ, i * REQ, REQ, RTE_TCP_PSH_FLAG);
		CU_ASSERT_FALSE(sent(&sg));
		reply(s, (i + 1) * REQ);
	}
	done(s);
}

/* Unanswered: the ACK goes when the hold's bound passes, not before;
 * the mode ends with it, so the next request is ACKed at once. */
static void
test_tcp_delack_unanswered_request_acked_at_the_bound(void)
{
	uint32_t iss;
	struct dp_sock *s = interactive(&iss);
	struct seg sg;

	data_at(iss, REQ, REQ, REQ, RTE_TCP_PSH_FLAG);
	CU_ASSERT_FALSE(sent(&sg));
	ut_advance_us(DP_TCP_DELACK_US - 1);
	steps();
	CU_ASSERT_FALSE(sent(&sg));
	ut_advance_us(1);
	steps();
	expect_ack(2 * REQ);
	data_at(iss, 2 * REQ, REQ, REQ, RTE_TCP_PSH_FLAG);
	expect_ack(3 * REQ);
	done(s);
}

/* A second segment while one's ACK is held: both ACKed at once, so the
 * sender never has two segments waiting on us. */
static void
test_tcp_delack_second_segment_acked_at_once(void)
{
	uint32_t iss;
	struct dp_sock *s = interactive(&iss);
	struct seg sg;

	data_at(iss, REQ, REQ, REQ, 0);
	CU_ASSERT_FALSE(sent(&sg));
	data_at(iss, 2 * REQ, REQ, REQ, RTE_TCP_PSH_FLAG);
	expect_ack(3 * REQ);
	done(s);
}

/* A full-size segment is never held, in the mode or not. */
static void
test_tcp_delack_full_size_segment_acked_at_once(void)
{
	uint32_t iss;
	struct dp_sock *s = interactive(&iss);
	uint16_t mss = dp_tcp_pcb(s)->mss;

	data_at(iss, REQ, REQ, mss, RTE_TCP_PSH_FLAG);
	expect_ack(REQ + mss);
	done(s);
}

/* The peer's FIN after a request is ACKed at once. */
static void
test_tcp_delack_fin_acked_at_once(void)
{
	uint32_t iss;
	struct dp_sock *s = interactive(&iss);

	data_at(iss, REQ, REQ, REQ, RTE_TCP_FIN_FLAG);
	expect_ack(2 * REQ + 1);
	done(s);
}

/* Beyond a hole: a duplicate ACK with its SACK block at once, as
 * without the mode; the segment that fills the hole is ACKed at once
 * too. */
static void
test_tcp_delack_out_of_order_dup_ack_with_sack_at_once(void)
{
	uint32_t iss;
	struct dp_sock *s;
	struct seg sg;

	peer_opts = (struct peer_opts){ .sack_ok = true };
	s = interactive(&iss);
	data_at(iss, 2 * REQ, REQ, REQ, RTE_TCP_PSH_FLAG);
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.flags, RTE_TCP_ACK_FLAG);
	CU_ASSERT_EQUAL(sg.len, 0);
	CU_ASSERT_EQUAL(sg.ack, PISS + 1 + REQ);
	CU_ASSERT_EQUAL(sg.nsack, 1);
	CU_ASSERT_EQUAL(sg.sack[0][0], PISS + 1 + 2 * REQ);
	CU_ASSERT_EQUAL(sg.sack[0][1], PISS + 1 + 3 * REQ);
	CU_ASSERT_FALSE(sent(&sg));
	data_at(iss, REQ, REQ, REQ, 0);
	expect_ack(3 * REQ);
	done(s);
	peer_opts = (struct peer_opts){ 0 };
}

/* A receiver that never answers: every burst of small segments is
 * ACKed at its end, as before the hold existed. */
static void
test_tcp_delack_bulk_receiver_acks_every_burst(void)
{
	uint32_t iss;
	struct dp_sock *s = connected(&iss);

	for (uint32_t i = 0; i < 32; i++) {
		data_at(iss, i * 100, 0, 100, RTE_TCP_PSH_FLAG);
		expect_ack((i + 1) * 100);
	}
	done(s);
}

/*
 * A Nagle peer (write-write-read): its request's second half waits on
 * the ACK of the first. The first round stalls for the bound; the
 * mode then needs two prompt replies, so the next round's request is
 * ACKed at once, and only the round after that is held again.
 */
static void
test_tcp_delack_nagle_peer_stall_backs_off(void)
{
	uint32_t iss, in = REQ, out = REQ;
	struct dp_sock *s = interactive(&iss);
	struct seg sg;

	data_at(iss, in, out, REQ, 0);		/* first half: held */
	in += REQ;
	CU_ASSERT_FALSE(sent(&sg));
	ut_advance_us(DP_TCP_DELACK_US);
	steps();
	expect_ack(in);
	data_at(iss, in, out, REQ, RTE_TCP_PSH_FLAG);	/* out of the mode */
	in += REQ;
	expect_ack(in);
	reply(s, in);				/* one prompt reply of two */
	out += REQ;
	data_at(iss, in, out, REQ, 0);
	in += REQ;
	expect_ack(in);
	data_at(iss, in, out, REQ, RTE_TCP_PSH_FLAG);
	in += REQ;
	expect_ack(in);
	reply(s, in);				/* two: the mode again */
	out += REQ;
	data_at(iss, in, out, REQ, 0);
	in += REQ;
	CU_ASSERT_FALSE(sent(&sg));
	done(s);
}

static const struct wt_test tests[] = {
	WT_TEST(test_tcp_delack_reply_carries_the_requests_ack),
	WT_TEST(test_tcp_delack_unanswered_request_acked_at_the_bound),
	WT_TEST(test_tcp_delack_second_segment_acked_at_once),
	WT_TEST(test_tcp_delack_full_size_segment_acked_at_once),
	WT_TEST(test_tcp_delack_fin_acked_at_once),
	WT_TEST(test_tcp_delack_out_of_order_dup_ack_with_sack_at_once),
	WT_TEST(test_tcp_delack_bulk_receiver_acks_every_burst),
	WT_TEST(test_tcp_delack_nagle_peer_stall_backs_off),
	WT_TEST_END
};

static const struct wt_suite suite =
	UT_SUITE("unit_tcp_delack", suite_init, tests);

WT_MAIN(suite)
