/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The tail loss probe's delayed-ACK allowance for a lone segment (RFC
 * 8985 §7.2, WCDelAckT), learnt per connection on the virtual clock:
 * the RTO floor before anything is known, then the ACK delay the peer
 * showed for lone segments with a margin, and raised again, at the cost
 * of a spurious probe or two (D-SACKed), when the peer starts holding
 * its ACKs longer.
 */
#include <stddef.h>

#include "dp_tcp.h"
#include "test_ut_tcp_peer.h"

#define WIN	65535
#define LEN	100u			/* one small order */
#define QUICK_US 1000			/* a peer that ACKs at once */
#define DELACK_US 40000			/* Linux's delayed-ACK timer */

static uint8_t msg[LEN];
static uint32_t nxt;			/* our next sequence number */

/* Connected to a peer that SACKs (and D-SACKs), TCP_NODELAY. */
static struct dp_sock *
tlp_connected(void)
{
	struct dp_sock *s;
	uint32_t iss;

	peer_opts = (struct peer_opts){ .sack_ok = true, .ts = true,
		.tsval = 100 };
	s = connected(&iss);
	nxt = iss + 1;
	CU_ASSERT_EQUAL(dp_sock_set_opt(s, DP_OPT_NODELAY, 1), 0);
	return s;
}

static void
tlp_done(struct dp_sock *s)
{
	done(s);
	peer_opts = (struct peer_opts){ 0 };
}

/* One message alone in flight: it went out once; its first byte. */
static uint32_t
lone_send(struct dp_sock *s)
{
	struct seg sg;
	uint32_t seq = nxt, k = 0;

	CU_ASSERT_EQUAL(ut_send(s, 0, 0, msg, LEN), (long)LEN);
	steps();
	while (sent(&sg)) {
		if (sg.len == 0)
			continue;
		CU_ASSERT_EQUAL(sg.seq, seq);
		k++;
	}
	CU_ASSERT_EQUAL(k, 1);
	nxt += LEN;
	return seq;
}

/* The peer ACKs the message at seq, D-SACKing it if it came twice. */
static void
ack_msg(uint32_t seq, bool dsack)
{
	struct seg sg;

	if (dsack) {
		peer_opts.nsack = 1;
		peer_opts.sack[0][0] = seq;
		peer_opts.sack[0][1] = seq + LEN;
	}
	peer(RTE_TCP_ACK_FLAG, PISS + 1, seq + LEN, WIN, NULL, 0);
	peer_opts.nsack = 0;
	while (sent(&sg))
		;
}

/* Up to us on the clock in 1 ms steps (a timer fires within a step of
 * its time), stopping at the first data segment sent (a probe, the
 * message again): 1 if one went, else 0. */
static uint32_t
wait_probe(uint64_t us)
{
	struct seg sg;

	while (us > 0) {
		uint64_t d = us < 1000 ? us : 1000;

		ut_advance_us(d);
		us -= d;
		steps();
		while (sent(&sg))
			if (sg.len != 0)
				return 1;
	}
	return 0;
}

/* n messages, each ACKed delay_us after it went, as by a receiver that
 * holds its ACK that long; a probe before that is ACKed at once with a
 * D-SACK, as a receiver does for a duplicate. The probes sent. */
static uint32_t
exchange(struct dp_sock *s, unsigned int n, uint64_t delay_us)
{
	uint32_t probes = 0;

	for (unsigned int i = 0; i < n; i++) {
		uint32_t seq = lone_send(s), p = wait_probe(delay_us);

		ack_msg(seq, p != 0);
		probes += p;
	}
	return probes;
}

/* A lone message lost: no probe until pto less a step, then one, the
 * message again. Its ACK could be the original's; the next message's,
 * beyond it with no D-SACK, counts a tail loss repaired (RFC 8985
 * §7.4.2). */
static void
lost_then_probed(struct dp_sock *s, uint32_t seq, uint64_t pto)
{
	struct dp_sock_stats a, b;

	dp_sock_stats_get(s, &a);
	CU_ASSERT_EQUAL(wait_probe(pto - 1000), 0);
	CU_ASSERT_EQUAL(wait_probe(2000), 1);
	ack_msg(seq, false);
	dp_sock_stats_get(s, &b);
	CU_ASSERT_EQUAL(b.tcp_tlp_recovered - a.tcp_tlp_recovered, 0);
	ack_msg(lone_send(s), false);
	dp_sock_stats_get(s, &b);
	CU_ASSERT_EQUAL(b.tcp_tlp_probes - a.tcp_tlp_probes, 1);
	CU_ASSERT_EQUAL(b.tcp_tlp_recovered - a.tcp_tlp_recovered, 1);
	CU_ASSERT_EQUAL(b.tcp_tlp_spurious - a.tcp_tlp_spurious, 0);
	CU_ASSERT_EQUAL(b.tcp_rto - a.tcp_rto, 0);
}

/* Nothing known of the peer's ACKs: the probe waits 2 SRTT plus the RTO
 * floor, 200 ms, as Linux (no earlier, no RTO first). */
static void
test_tcp_tlp_lone_segment_waits_rto_floor_before_any_sample(void)
{
	struct dp_sock *s = tlp_connected();
	struct dp_tcp_pcb *tp = dp_tcp_pcb(s);
	uint32_t seq = lone_send(s);

	CU_ASSERT_EQUAL(tp->tlp_allow_us, DP_TCP_RTO_MIN_US);
	lost_then_probed(s, seq, RTE_MIN(2ull * tp->srtt_us +
		DP_TCP_RTO_MIN_US, (uint64_t)tp->rto_us));
	tlp_done(s);
}

/* A peer that ACKs lone segments at once: the lost message is probed
 * at 2 SRTT plus the delay seen with its margin (a few ms), not 200 ms;
 * and the exchanges before drew no probe. */
static void
test_tcp_tlp_lone_segment_probed_after_learnt_ack_delay(void)
{
	struct dp_sock *s = tlp_connected();
	struct dp_tcp_pcb *tp = dp_tcp_pcb(s);
	uint64_t pto;
	uint32_t seq;

	CU_ASSERT_EQUAL(exchange(s, 8, QUICK_US), 0);
	seq = lone_send(s);
	/* 1 ms seen (the handshake's RTT was 0): 1.25 ms + 2 ms. */
	CU_ASSERT(tp->tlp_allow_us >= QUICK_US + DP_TCP_TLP_SLACK_US);
	CU_ASSERT(tp->tlp_allow_us <= QUICK_US * 5 / 4 +
		DP_TCP_TLP_SLACK_US);
	pto = 2ull * tp->srtt_us + tp->tlp_allow_us;
	CU_ASSERT(pto < 10000);
	lost_then_probed(s, seq, pto);
	tlp_done(s);
}

/* The peer starts holding its ACKs 40 ms: the first such messages draw
 * a probe each (D-SACKed: counted spurious); the second in a row and
 * any after raise the allowance, then none come; once the old peaks aged out, a lost message is probed at 2 SRTT
 * plus ~50 ms (the 40 ms seen and its margin), still not 200 ms. */
static void
test_tcp_tlp_growing_ack_delay_raises_allowance_without_probe_storm(void)
{
	struct dp_sock *s = tlp_connected();
	struct dp_tcp_pcb *tp = dp_tcp_pcb(s);
	struct dp_sock_stats a, b;
	uint32_t first, rest, seq;

	CU_ASSERT_EQUAL(exchange(s, 8, QUICK_US), 0);
	dp_sock_stats_get(s, &a);
	first = exchange(s, 10, DELACK_US);
	rest = exchange(s, 30, DELACK_US);
	dp_sock_stats_get(s, &b);
	CU_ASSERT(first >= 2 && first <= 3);
	CU_ASSERT_EQUAL(rest, 0);
	CU_ASSERT_EQUAL(b.tcp_tlp_probes - a.tcp_tlp_probes, first);
	CU_ASSERT_EQUAL(b.tcp_tlp_spurious - a.tcp_tlp_spurious, first);
	CU_ASSERT_EQUAL(b.tcp_tlp_recovered - a.tcp_tlp_recovered, 0);
	CU_ASSERT_EQUAL(b.tcp_rto - a.tcp_rto, 0);
	CU_ASSERT(tp->tlp_allow_us <= tp->rto_min_us);
	/* Idle past both windows, then one message ACKed after 40 ms:
	 * the peak is that message's delay alone. */
	ut_advance_us(11000000);
	steps();
	CU_ASSERT_EQUAL(exchange(s, 1, DELACK_US), 0);
	seq = lone_send(s);
	CU_ASSERT(tp->tlp_allow_us >= DELACK_US + DP_TCP_TLP_SLACK_US);
	CU_ASSERT(tp->tlp_allow_us <= DELACK_US * 5 / 4 +
		DP_TCP_TLP_SLACK_US);
	lost_then_probed(s, seq, RTE_MIN(2ull * tp->srtt_us +
		tp->tlp_allow_us, (uint64_t)tp->rto_us));
	tlp_done(s);
}

/* A quick peer whose ACK of one message was lost: the probe is
 * D-SACKed (spurious), but one is no pattern: the next lost message is
 * still probed after the few ms learnt. */
static void
test_tcp_tlp_one_lost_ack_keeps_learnt_allowance(void)
{
	struct dp_sock *s = tlp_connected();
	struct dp_tcp_pcb *tp = dp_tcp_pcb(s);
	struct dp_sock_stats a, b;
	uint32_t seq, allow;

	CU_ASSERT_EQUAL(exchange(s, 8, QUICK_US), 0);
	seq = lone_send(s);
	allow = tp->tlp_allow_us;
	dp_sock_stats_get(s, &a);
	CU_ASSERT_EQUAL(wait_probe(20000), 1);	/* its ACK lost */
	ack_msg(seq, true);
	dp_sock_stats_get(s, &b);
	CU_ASSERT_EQUAL(b.tcp_tlp_spurious - a.tcp_tlp_spurious, 1);
	seq = lone_send(s);
	CU_ASSERT_EQUAL(tp->tlp_allow_us, allow);
	lost_then_probed(s, seq, 2ull * tp->srtt_us + tp->tlp_allow_us);
	tlp_done(s);
}

static const struct wt_test tests[] = {
	WT_TEST(test_tcp_tlp_lone_segment_waits_rto_floor_before_any_sample),
	WT_TEST(test_tcp_tlp_lone_segment_probed_after_learnt_ack_delay),
	WT_TEST(test_tcp_tlp_growing_ack_delay_raises_allowance_without_probe_storm),
	WT_TEST(test_tcp_tlp_one_lost_ack_keeps_learnt_allowance),
	WT_TEST_END
};

static const struct wt_suite suite =
	UT_SUITE("unit_tcp_tlp", suite_init, tests);

WT_MAIN(suite)
