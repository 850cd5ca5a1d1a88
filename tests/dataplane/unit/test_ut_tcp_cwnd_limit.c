/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cwnd grows only while it limits the sender (RFC 9438 §5.8, RFC 7661;
 * Linux's tcp_is_cwnd_limited): a sender held back by the peer's
 * window or by an application that queues little, for many round trips
 * on the virtual clock, keeps cwnd where it was (congestion avoidance)
 * or within twice the largest flight it used (slow start), under
 * NewReno and CUBIC; once the window opens or the application fills
 * it, cwnd grows again. CUBIC does not count an idle period in its
 * time since the epoch. After an idle period longer than the RTO, cwnd
 * restarts (RFC 5681 §4.1, as Linux): halved per RTO idle, down to the
 * initial window, ssthresh keeping 3/4 of it; WSPDK_TCP_IDLE_RESTART=0
 * (the latency profile) keeps it.
 */
#include <string.h>

#include "dp_tcp.h"
#include "test_ut_tcp_peer.h"

#define MSS	1448u			/* 1460 less timestamps */
#define WIN	65535
#define RWND	(8 * MSS)		/* the peer's window when it limits */
#define ROUNDS	60			/* round trips held back */
#define GROW	12			/* round trips to show growth */

static uint8_t buf[64 * 1024];

/* Connected under algo, the peer's window then win. */
static struct dp_sock *
lim_connected(uint8_t algo, bool avoidance, uint16_t win)
{
	struct dp_tcp_pcb *tp;
	uint32_t iss;
	struct dp_sock *s;

	peer_opts = (struct peer_opts){ .sack_ok = true, .ts = true,
		.tsval = 100 };
	s = connected(&iss);
	tp = dp_tcp_pcb(s);
	/* The algorithm is taken at the handshake: set it as that does. */
	tp->cc_algo = algo;
	dp_tcp_cc(tp)->init(tp);
	if (avoidance)
		tp->ssthresh = tp->cwnd;	/* past slow start */
	peer(RTE_TCP_ACK_FLAG, PISS + 1, iss + 1, win, NULL, 0);
	CU_ASSERT_EQUAL(tp->snd_wnd, win);
	return s;
}

static void
lim_done(struct dp_sock *s)
{
	done(s);
	peer_opts = (struct peer_opts){ 0 };
}

/* The application queues what fits of n bytes. */
static void
app_queue(struct dp_sock *s, uint32_t n)
{
	long r = ut_send(s, 0, 0, buf, RTE_MIN(n, (uint32_t)sizeof(buf)));

	CU_ASSERT(r > 0 || r == -EAGAIN || r == -EWOULDBLOCK);
	steps();
}

/*
 * One round trip: what the stack sent is taken off the wire, 1 ms
 * passes, and the peer ACKs each data segment by itself, offering win.
 * Returns the flight the round started with (bytes).
 */
static uint32_t
round_trip(struct dp_sock *s, uint16_t win)
{
	struct dp_tcp_pcb *tp = dp_tcp_pcb(s);
	uint32_t ends[512], n = 0, flight;
	struct seg sg;

	while (sent(&sg))
		if (sg.len != 0 && n < RTE_DIM(ends))
			ends[n++] = sg.seq + sg.len;
	CU_ASSERT(n < RTE_DIM(ends));
	flight = tp->snd_max - tp->snd_una;
	ut_advance_us(1000);
	for (uint32_t i = 0; i < n; i++)
		peer(RTE_TCP_ACK_FLAG, PISS + 1, ends[i], win, NULL, 0);
	return flight;
}

/*
 * held: ROUNDS round trips held back by the peer's window (app false:
 * the queue kept full, the window RWND) or by the application (2 MSS a
 * round, the window open); then GROW round trips that cwnd limits.
 */
static void
held_then_grows(uint8_t algo, bool avoidance, bool app)
{
	struct dp_sock *s = lim_connected(algo, avoidance, app ? WIN : RWND);
	struct dp_tcp_pcb *tp = dp_tcp_pcb(s);
	uint32_t cwnd0 = tp->cwnd, max_flight = 0, held;

	for (int i = 0; i < ROUNDS; i++) {
		uint32_t f;

		app_queue(s, app ? 2 * MSS : sizeof(buf));
		f = round_trip(s, app ? WIN : RWND);
		max_flight = RTE_MAX(max_flight, f);
		CU_ASSERT(f <= (app ? 2 * MSS : RWND));
	}
	CU_ASSERT(max_flight != 0);
	held = tp->cwnd;
	if (avoidance) {
		/* It never used the window: not a byte more of it. */
		CU_ASSERT_EQUAL(held, cwnd0);
	} else {
		/* Linux's bound: twice the flight used (ABC's L = 2 SMSS
		 * may step over it once), or where it started. */
		CU_ASSERT(held <= RTE_MAX(cwnd0, 2 * max_flight + 2 * MSS));
	}
	/* The window opens, the application has plenty: cwnd grows. */
	for (int i = 0; i < GROW; i++) {
		app_queue(s, sizeof(buf));
		round_trip(s, WIN);
	}
	CU_ASSERT(tp->cwnd > held + (avoidance ? 2 * MSS : 8 * MSS));
	lim_done(s);
}

static void
test_tcp_rwnd_limited_slow_start_cwnd_within_twice_flight_then_grows(void)
{
	held_then_grows(DP_TCP_CC_NEWRENO, false, false);
	held_then_grows(DP_TCP_CC_CUBIC, false, false);
}

static void
test_tcp_rwnd_limited_avoidance_cwnd_unchanged_then_grows(void)
{
	held_then_grows(DP_TCP_CC_NEWRENO, true, false);
	held_then_grows(DP_TCP_CC_CUBIC, true, false);
}

static void
test_tcp_app_limited_slow_start_cwnd_unchanged_then_grows(void)
{
	held_then_grows(DP_TCP_CC_NEWRENO, false, true);
	held_then_grows(DP_TCP_CC_CUBIC, false, true);
}

static void
test_tcp_app_limited_avoidance_cwnd_unchanged_then_grows(void)
{
	held_then_grows(DP_TCP_CC_NEWRENO, true, true);
	held_then_grows(DP_TCP_CC_CUBIC, true, true);
}

/*
 * CUBIC past slow start: a few cwnd-limited round trips start its
 * epoch, the application then sends nothing for 10 s, then fills cwnd
 * again. The 10 s do not count in t (RFC 9438 §5.8): the next round
 * trip grows cwnd as the epoch's start does (a few per cent), not
 * towards W(10 s), which the 1.5 cwnd per round trip cap would reach.
 */
/* cwnd-limited round trips, then the queue drained and ACKed: idle. */
static void
busy_then_drained(struct dp_sock *s, int rounds)
{
	struct dp_tcp_pcb *tp = dp_tcp_pcb(s);

	for (int i = 0; i < rounds; i++) {
		app_queue(s, sizeof(buf));
		round_trip(s, WIN);
	}
	for (int i = 0; i < 64 && tp->snd_una != tp->sq_seq + tp->sq_bytes;
			i++)
		round_trip(s, WIN);
	CU_ASSERT_EQUAL(tp->snd_una, tp->snd_max);
}

static void
test_tcp_cubic_idle_period_not_counted_in_its_time(void)
{
	struct dp_sock *s = lim_connected(DP_TCP_CC_CUBIC, true, WIN);
	struct dp_tcp_pcb *tp = dp_tcp_pcb(s);
	uint32_t before;

	/* Restart after idle would cut cwnd: this is about t alone. */
	ut_eng()->tcp->idle_restart = false;
	busy_then_drained(s, 4);
	ut_advance_us(10 * 1000 * 1000);
	steps();
	before = tp->cwnd;
	app_queue(s, sizeof(buf));
	round_trip(s, WIN);
	CU_ASSERT(tp->cwnd >= before);
	CU_ASSERT(tp->cwnd < before + before / 10);
	ut_eng()->tcp->idle_restart = true;
	lim_done(s);
}

/* A sender grown to cwnd0 goes idle for idle_us, then queues a burst:
 * the cwnd its first flight leaves with (ssthresh into *ssthresh). */
static uint32_t
cwnd_after_idle(uint8_t algo, uint64_t idle_us, uint32_t *cwnd0,
		uint32_t *ssthresh)
{
	struct dp_sock *s = lim_connected(algo, false, WIN);
	struct dp_tcp_pcb *tp = dp_tcp_pcb(s);
	uint32_t flight = 0;
	struct seg sg;

	busy_then_drained(s, 6);
	*cwnd0 = tp->cwnd;
	CU_ASSERT(*cwnd0 > 32 * MSS);	/* well past the initial window */
	ut_advance_us(idle_us);
	steps();
	app_queue(s, sizeof(buf));
	while (sent(&sg))
		flight += sg.len;
	/* Whole segments, up to cwnd and the peer's window. */
	CU_ASSERT_EQUAL(flight, RTE_MIN(tp->cwnd, (uint32_t)WIN) / MSS * MSS);
	*ssthresh = tp->ssthresh;
	flight = tp->cwnd;
	lim_done(s);
	return flight;
}

/*
 * Idle for less than the RTO (200 ms here): cwnd stays. Idle for more,
 * but not two: halved once. Idle for many: back to the initial window
 * (10 segments), ssthresh keeping 3/4 of the old cwnd so slow start
 * finds it again in a few round trips. NewReno and CUBIC alike.
 */
static void
test_tcp_cwnd_restarts_after_idle_longer_than_the_rto(void)
{
	static const uint8_t algos[] = { DP_TCP_CC_NEWRENO,
		DP_TCP_CC_CUBIC };

	for (unsigned int a = 0; a < RTE_DIM(algos); a++) {
		uint32_t c0, ss, c;

		c = cwnd_after_idle(algos[a], 100 * 1000, &c0, &ss);
		CU_ASSERT_EQUAL(c, c0);
		c = cwnd_after_idle(algos[a], DP_TCP_RTO_MIN_US + 100 * 1000,
			&c0, &ss);
		CU_ASSERT_EQUAL(c, c0 / 2);
		CU_ASSERT(ss >= c0 / 4 * 3);
		c = cwnd_after_idle(algos[a], 10 * 1000 * 1000, &c0, &ss);
		CU_ASSERT_EQUAL(c, 10 * MSS);
		CU_ASSERT(ss >= c0 / 4 * 3);
	}
}

/* WSPDK_TCP_IDLE_RESTART=0: the same long idle keeps cwnd. */
static void
test_tcp_cwnd_kept_after_idle_when_restart_is_off(void)
{
	uint32_t c0, ss, c;

	ut_eng()->tcp->idle_restart = false;
	c = cwnd_after_idle(DP_TCP_CC_CUBIC, 10 * 1000 * 1000, &c0, &ss);
	CU_ASSERT_EQUAL(c, c0);
	ut_eng()->tcp->idle_restart = true;
}

static const struct wt_test tests[] = {
	WT_TEST(test_tcp_rwnd_limited_slow_start_cwnd_within_twice_flight_then_grows),
	WT_TEST(test_tcp_rwnd_limited_avoidance_cwnd_unchanged_then_grows),
	WT_TEST(test_tcp_app_limited_slow_start_cwnd_unchanged_then_grows),
	WT_TEST(test_tcp_app_limited_avoidance_cwnd_unchanged_then_grows),
	WT_TEST(test_tcp_cubic_idle_period_not_counted_in_its_time),
	WT_TEST(test_tcp_cwnd_restarts_after_idle_longer_than_the_rto),
	WT_TEST(test_tcp_cwnd_kept_after_idle_when_restart_is_off),
	WT_TEST_END
};

static const struct wt_suite suite =
	UT_SUITE("unit_tcp_cwnd_limit", suite_init, tests);

WT_MAIN(suite)
