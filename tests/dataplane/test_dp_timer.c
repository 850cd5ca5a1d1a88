/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The timer wheel (dataplane/dp_timer.c) on a virtual clock: no DPDK, no
 * EAL, no root.
 *
 * Suite "timer_exact": every timer fires at its microsecond, never
 * before, across level boundaries, cascades, the far list and jumps of
 * hours; equal expiries fire in arm order.
 * Suite "timer_callbacks": what a callback may do -- arm, re-arm and
 * cancel itself and others due at the same instant, free its owner.
 * Suite "timer_model": millions of random operations against a sorted
 * list, seeded (TIMER_SEED in the environment replays a failure).
 * Every case ends with the wheel empty and consistent (dp_timer_check).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "dp_timer.h"

#define US_S		1000000ull
#define TWO_HOURS	(7200 * US_S)

/* A timer with what the tests learn from its firing. */
struct tt {
	struct dp_timer t;
	unsigned int id;
	unsigned int fired;
	uint64_t fired_at;		/* dp_timer_now() in the callback */
};

static struct dp_timer_wheel w;
static unsigned int order[64];		/* ids in firing order */
static unsigned int n_order;

static void
check_wheel(void)
{
	char why[128];
	int ret = dp_timer_check(&w, why, sizeof(why));

	if (ret != 0)
		fprintf(stderr, "\n dp_timer_check: %s\n", why);
	CU_ASSERT_EQUAL_FATAL(ret, 0);
}

/* Every case ends here: nothing armed, nothing linked. */
static void
check_empty(void)
{
	CU_ASSERT_EQUAL(dp_timer_count(&w), 0);
	check_wheel();
}

static void
record(struct dp_timer_wheel *wh, struct dp_timer *t)
{
	struct tt *x = (struct tt *)t;

	x->fired++;
	x->fired_at = dp_timer_now(wh);
	if (n_order < sizeof(order) / sizeof(order[0]))
		order[n_order++] = x->id;
}

static void
tt_init(struct tt *x, unsigned int id, dp_timer_fn fn)
{
	memset(x, 0, sizeof(*x));
	dp_timer_init(&x->t, fn);
	x->id = id;
}

static void
setup(uint64_t now)
{
	dp_timer_wheel_init(&w, now);
	n_order = 0;
}

/* ---- timer_exact ---- */

/* One timer at now0 + d: not at expiry - 1, at expiry exactly, once. */
static void
one_exact(uint64_t now0, uint64_t d)
{
	struct tt x;

	setup(now0);
	tt_init(&x, 1, record);
	dp_timer_arm(&w, &x.t, now0 + d);
	CU_ASSERT_EQUAL(dp_timer_count(&w), 1);
	CU_ASSERT(dp_timer_next(&w) <= now0 + d);
	check_wheel();
	if (d > 1) {
		CU_ASSERT_EQUAL(dp_timer_advance(&w, now0 + d - 1), 0);
		check_wheel();
	}
	CU_ASSERT_EQUAL(x.fired, 0);
	CU_ASSERT_EQUAL(dp_timer_advance(&w, now0 + d), 1);
	CU_ASSERT_EQUAL(x.fired, 1);
	CU_ASSERT_EQUAL(x.fired_at, now0 + d);
	CU_ASSERT_EQUAL(dp_timer_advance(&w, now0 + d + 100), 0);
	CU_ASSERT_EQUAL(dp_timer_count(&w), 0);
	CU_ASSERT_EQUAL(dp_timer_next(&w), DP_TIMER_NEVER);
	check_wheel();
}

/* Delays on each side of every level boundary, from aligned and
 * unaligned starts: the level-0 case, each cascade depth, the far list. */
static void
test_exact_across_level_boundaries(void)
{
	static const uint64_t starts[] = { 0, 1, 63, 64, 4095, 123456789,
		(1ull << DP_TIMER_SPAN_BITS) - 1, (1ull << 42) + 77,
		1ull << 62 };

	for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
		one_exact(starts[i], 1);
		one_exact(starts[i], 60 * US_S);	/* TIME-WAIT */
		one_exact(starts[i], TWO_HOURS);	/* keepalive */
		for (unsigned int b = DP_TIMER_SLOT_BITS;
				b <= DP_TIMER_SPAN_BITS + DP_TIMER_SLOT_BITS;
				b += DP_TIMER_SLOT_BITS) {
			one_exact(starts[i], (1ull << b) - 1);
			one_exact(starts[i], 1ull << b);
			one_exact(starts[i], (1ull << b) + 1);
		}
	}
}

/* Advancing one microsecond at a time through cascade points: a timer
 * moved down a level fires neither early nor late. */
static void
test_exact_stepping_through_cascades(void)
{
	struct tt x[8];
	uint64_t now = 4000, want[8];

	setup(now);
	for (unsigned int i = 0; i < 8; i++) {
		tt_init(&x[i], i, record);
		want[i] = 4096 + i * 4093 + (i % 3) * 64;
		dp_timer_arm(&w, &x[i].t, want[i]);
	}
	while (dp_timer_count(&w) != 0) {
		dp_timer_advance(&w, ++now);
		for (unsigned int i = 0; i < 8; i++)
			CU_ASSERT_EQUAL(x[i].fired, now >= want[i] ? 1 : 0);
	}
	for (unsigned int i = 0; i < 8; i++)
		CU_ASSERT_EQUAL(x[i].fired_at, want[i]);
	check_wheel();
}

/* A stalled lcore: 1000 timers over three hours, one jump of 2^31 us and
 * then of 2^40 us. Each fires once at its own time, in time order, and
 * the jumps take the time of what fires (a slot per microsecond skipped
 * would not finish). */
static void
test_exact_jump_of_hours(void)
{
	static struct tt x[1000];
	uint64_t now = 987654321, last = 0;
	unsigned int fired = 0;

	setup(now);
	for (unsigned int i = 0; i < 1000; i++) {
		tt_init(&x[i], i, record);
		dp_timer_arm(&w, &x[i].t, now + 1 +
			(uint64_t)i * i * 10811 % (3 * 3600 * US_S));
	}
	CU_ASSERT_EQUAL(dp_timer_advance(&w, now + (1ull << 31)) +
		dp_timer_advance(&w, now + (1ull << 40)), 1000);
	for (unsigned int i = 0; i < 1000; i++) {
		CU_ASSERT_EQUAL(x[i].fired, 1);
		CU_ASSERT_EQUAL(x[i].fired_at, dp_timer_expire(&x[i].t));
		fired += x[i].fired;
	}
	CU_ASSERT_EQUAL(fired, 1000);
	/* Time order: n_order holds the first 64 firings. */
	for (unsigned int i = 0; i < n_order; i++) {
		CU_ASSERT(x[order[i]].fired_at >= last);
		last = x[order[i]].fired_at;
	}
	check_empty();
}

/* The end of time: a timer at UINT64_MAX fires when the clock gets there;
 * an empty wheel advanced to it does nothing. */
static void
test_exact_end_of_time(void)
{
	struct tt x;

	setup(UINT64_MAX - 100);
	tt_init(&x, 0, record);
	dp_timer_arm(&w, &x.t, UINT64_MAX);
	CU_ASSERT_EQUAL(dp_timer_advance(&w, UINT64_MAX - 1), 0);
	CU_ASSERT_EQUAL(dp_timer_advance(&w, UINT64_MAX), 1);
	CU_ASSERT_EQUAL(x.fired_at, UINT64_MAX);
	CU_ASSERT_EQUAL(dp_timer_advance(&w, UINT64_MAX), 0);
	check_empty();
}

/* Equal expiries, armed from far, nearer and at the last moment (so at
 * levels 3, 1 and 0), plus one re-armed to the same time: arm order. */
static void
test_exact_same_instant_in_arm_order(void)
{
	struct tt x[5];
	uint64_t t = 5000000;

	setup(0);
	for (unsigned int i = 0; i < 5; i++)
		tt_init(&x[i], i, record);
	dp_timer_arm(&w, &x[0].t, t);
	dp_timer_arm(&w, &x[1].t, t);		/* re-armed below: last */
	dp_timer_advance(&w, t - 5000);
	dp_timer_arm(&w, &x[2].t, t);
	dp_timer_advance(&w, t - 10);
	dp_timer_arm(&w, &x[3].t, t);
	dp_timer_arm(&w, &x[1].t, t);
	dp_timer_arm(&w, &x[4].t, t + 1);	/* the next microsecond */
	check_wheel();
	CU_ASSERT_EQUAL(dp_timer_advance(&w, t + 1), 5);
	CU_ASSERT_EQUAL(n_order, 5);
	CU_ASSERT_EQUAL(order[0], 0);
	CU_ASSERT_EQUAL(order[1], 2);
	CU_ASSERT_EQUAL(order[2], 3);
	CU_ASSERT_EQUAL(order[3], 1);
	CU_ASSERT_EQUAL(order[4], 4);
}

/* Armed in the past or at the current time: fires at the next advance,
 * even one that does not move the clock, at the wheel's time. */
static void
test_exact_armed_in_the_past_fires_next_advance(void)
{
	struct tt x[2];

	setup(1000);
	tt_init(&x[0], 0, record);
	tt_init(&x[1], 1, record);
	dp_timer_arm(&w, &x[0].t, 10);
	dp_timer_arm(&w, &x[1].t, 1000);
	CU_ASSERT_EQUAL(dp_timer_next(&w), 0);
	CU_ASSERT_EQUAL(dp_timer_advance(&w, 1000), 2);
	CU_ASSERT_EQUAL(x[0].fired_at, 1000);
	CU_ASSERT_EQUAL(order[0], 0);
	CU_ASSERT_EQUAL(order[1], 1);
	check_empty();
}

/* Cancel and re-arm: a cancelled timer never fires, cancelling twice or
 * a never-armed timer changes nothing, a re-arm moves the one expiry. */
static void
test_exact_cancel_and_rearm(void)
{
	struct tt x[3];

	setup(0);
	for (unsigned int i = 0; i < 3; i++)
		tt_init(&x[i], i, record);
	dp_timer_cancel(&w, &x[2].t);		/* never armed */
	dp_timer_arm(&w, &x[0].t, 100);
	dp_timer_arm(&w, &x[1].t, 200);
	dp_timer_cancel(&w, &x[0].t);
	dp_timer_cancel(&w, &x[0].t);
	CU_ASSERT(!dp_timer_armed(&x[0].t));
	for (uint64_t t = 300; t < 300000; t += 1000)
		dp_timer_arm(&w, &x[1].t, t);	/* TCP: RTO per ACK */
	CU_ASSERT_EQUAL(dp_timer_count(&w), 1);
	check_wheel();
	CU_ASSERT_EQUAL(dp_timer_advance(&w, 299299), 0);
	CU_ASSERT_EQUAL(dp_timer_advance(&w, 299300), 1);
	CU_ASSERT_EQUAL(x[0].fired, 0);
	CU_ASSERT_EQUAL(x[1].fired_at, 299300);
	CU_ASSERT_EQUAL(dp_timer_count(&w), 0);
}

/* The TSC converts to whole microseconds exactly (rounded down, as a
 * division would), at TSC rates in and out of whole MHz, up to 2^50
 * ticks; within one up to ten years of uptime. */
static void
test_exact_clock_conversion(void)
{
	static const uint64_t hzs[] = { 2400000000ull, 3000000000ull,
		1999999999ull, 2596010000ull };

	for (size_t i = 0; i < sizeof(hzs) / sizeof(hzs[0]); i++) {
		struct dp_timer_clock c;

		dp_timer_clock_init(&c, hzs[i]);
		for (uint64_t tsc = 0; tsc < 10 * 365 * 86400 * hzs[i];
				tsc = tsc * 3 + 7) {
			__extension__ unsigned __int128 x = tsc;
			uint64_t want = (uint64_t)(x * US_S / hzs[i]);
			uint64_t got = dp_timer_clock_us(&c, tsc);

			CU_ASSERT(got == want ||
				(got == want + 1 && tsc > 1ull << 50));
		}
		CU_ASSERT_EQUAL(dp_timer_clock_us(&c, hzs[i]), US_S);
	}
}

/* ---- timer_callbacks ---- */

static struct tt cbx[4];

/* cbx[0] cancels cbx[1] and re-arms itself 10 us later, once. */
static void
cancel_other_rearm_self(struct dp_timer_wheel *wh, struct dp_timer *t)
{
	record(wh, t);
	dp_timer_cancel(wh, &cbx[1].t);
	if (cbx[0].fired == 1)
		dp_timer_arm(wh, t, dp_timer_now(wh) + 10);
}

/* A callback cancels another timer due at the same instant (it does not
 * fire) and re-arms itself (it fires again, in the same advance). */
static void
test_cb_cancel_same_instant_and_rearm_self(void)
{
	setup(0);
	tt_init(&cbx[0], 0, cancel_other_rearm_self);
	tt_init(&cbx[1], 1, record);
	dp_timer_arm(&w, &cbx[0].t, 500);
	dp_timer_arm(&w, &cbx[1].t, 500);
	CU_ASSERT_EQUAL(dp_timer_advance(&w, 1000), 2);
	CU_ASSERT_EQUAL(cbx[0].fired, 2);
	CU_ASSERT_EQUAL(cbx[0].fired_at, 510);
	CU_ASSERT_EQUAL(cbx[1].fired, 0);
	check_empty();
}

/* cbx[0] arms cbx[1] now (next advance) and cbx[2] 1 us later (this
 * advance), and re-arms cbx[3], due at the same instant, 5 us later. */
static void
arm_others(struct dp_timer_wheel *wh, struct dp_timer *t)
{
	record(wh, t);
	dp_timer_arm(wh, &cbx[1].t, dp_timer_now(wh));
	dp_timer_arm(wh, &cbx[2].t, dp_timer_now(wh) + 1);
	dp_timer_arm(wh, &cbx[3].t, dp_timer_now(wh) + 5);
}

static void
test_cb_arm_others_now_and_later(void)
{
	setup(0);
	tt_init(&cbx[0], 0, arm_others);
	for (unsigned int i = 1; i < 4; i++)
		tt_init(&cbx[i], i, record);
	dp_timer_arm(&w, &cbx[0].t, 700);
	dp_timer_arm(&w, &cbx[3].t, 700);
	CU_ASSERT_EQUAL(dp_timer_advance(&w, 800), 3);
	CU_ASSERT_EQUAL(cbx[1].fired, 0);	/* armed "now": next advance */
	CU_ASSERT_EQUAL(cbx[2].fired_at, 701);
	CU_ASSERT_EQUAL(cbx[3].fired_at, 705);
	CU_ASSERT_EQUAL(dp_timer_next(&w), 0);
	CU_ASSERT_EQUAL(dp_timer_advance(&w, 800), 1);
	CU_ASSERT_EQUAL(cbx[1].fired_at, 800);
	check_empty();
}

/* A callback re-arming itself "now" fires once per advance: no livelock. */
static void
rearm_now(struct dp_timer_wheel *wh, struct dp_timer *t)
{
	record(wh, t);
	dp_timer_arm(wh, t, dp_timer_now(wh));
}

static void
test_cb_rearm_now_fires_once_per_advance(void)
{
	setup(0);
	tt_init(&cbx[0], 0, rearm_now);
	dp_timer_arm(&w, &cbx[0].t, 50);
	for (uint64_t t = 50; t < 55; t++)
		CU_ASSERT_EQUAL(dp_timer_advance(&w, t), 1);
	CU_ASSERT_EQUAL(cbx[0].fired, 5);
	dp_timer_cancel(&w, &cbx[0].t);
	check_empty();
}

/* An owner freed in its own callback, and one freed by another's
 * callback after cancelling its timer; both poisoned before free(), so
 * a wheel that touched them afterwards would trip. */
struct owner {
	struct dp_timer t;
	struct owner *victim;	/* cancelled and freed by our callback */
	unsigned int *fired;
};

static void
free_owner(struct dp_timer_wheel *wh, struct dp_timer *t)
{
	struct owner *o = (struct owner *)t;

	(*o->fired)++;
	if (o->victim != NULL) {
		dp_timer_cancel(wh, &o->victim->t);
		memset(o->victim, 0x5a, sizeof(*o->victim));
		free(o->victim);
	}
	memset(o, 0x5a, sizeof(*o));
	free(o);
}

static void
test_cb_self_free_in_callback(void)
{
	unsigned int fired = 0;

	setup(0);
	for (unsigned int i = 0; i < 100; i++) {
		struct owner *a = calloc(1, sizeof(*a));
		struct owner *b = calloc(1, sizeof(*b));

		CU_ASSERT_PTR_NOT_NULL_FATAL(a);
		CU_ASSERT_PTR_NOT_NULL_FATAL(b);
		dp_timer_init(&a->t, free_owner);
		dp_timer_init(&b->t, free_owner);
		a->fired = b->fired = &fired;
		a->victim = b;
		/* Same instant (b after a), or b later, or b earlier in
		 * the same slot list (i odd: a is armed first). */
		dp_timer_arm(&w, &a->t, 1000 + i % 7);
		dp_timer_arm(&w, &b->t, 1000 + i % 7 + i % 3);
	}
	CU_ASSERT_EQUAL(dp_timer_advance(&w, 2000), 100);
	CU_ASSERT_EQUAL(fired, 100);
	check_empty();
}

/* ---- timer_model ---- */

#define M_TIMERS	512
#define M_STEPS		10000000
#define M_DUEQ		(1u << 16)

/*
 * The reference: armed timers sorted by (expire, arm sequence), and a
 * FIFO of those armed at or before the current time, each with the
 * advance ("round") that fires it. FIFO entries of a timer re-armed or
 * cancelled since are skipped (their seq is stale).
 */
struct m_timer {
	struct dp_timer t;
	unsigned int id;
	bool armed, due;
	uint64_t expire, seq, round;
};

struct m_key {
	uint64_t expire, seq;
	unsigned int id;
};

static struct m_timer mt[M_TIMERS];
static struct m_key sorted[M_TIMERS];
static struct m_key dueq[M_DUEQ];	/* expire = round */
static unsigned int n_sorted, n_due, dueq_head, dueq_tail;
static uint64_t m_seq, m_round, m_rng, m_target, m_fired;
static bool m_bad, m_quiet;		/* m_quiet: callbacks only check */

static uint64_t
rnd(void)
{
	/* xorshift64* */
	m_rng ^= m_rng >> 12;
	m_rng ^= m_rng << 25;
	m_rng ^= m_rng >> 27;
	return m_rng * 2685821657736338717ull;
}

static unsigned int
key_find(const struct m_timer *x)
{
	unsigned int lo = 0, hi = n_sorted;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;
		const struct m_key *k = &sorted[mid];

		if (k->expire < x->expire ||
				(k->expire == x->expire && k->seq < x->seq))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
ref_remove(struct m_timer *x)
{
	unsigned int i;

	if (!x->armed)
		return;
	x->armed = false;
	if (x->due) {
		n_due--;
		return;
	}
	i = key_find(x);
	memmove(&sorted[i], &sorted[i + 1],
		(n_sorted - i - 1) * sizeof(sorted[0]));
	n_sorted--;
}

static void
ref_arm(struct m_timer *x, uint64_t expire)
{
	unsigned int i;

	ref_remove(x);
	x->armed = true;
	x->expire = expire;
	x->seq = ++m_seq;
	x->due = expire <= dp_timer_now(&w);
	if (x->due) {
		x->round = m_round + 1;
		n_due++;
		dueq[dueq_tail++ % M_DUEQ] = (struct m_key){ x->round,
			x->seq, x->id };
		CU_ASSERT_FATAL(dueq_tail - dueq_head < M_DUEQ);
		return;
	}
	i = key_find(x);
	memmove(&sorted[i + 1], &sorted[i], (n_sorted - i) * sizeof(sorted[0]));
	sorted[i] = (struct m_key){ expire, x->seq, x->id };
	n_sorted++;
}

/* The first live entry of the FIFO, or NULL. */
static const struct m_key *
dueq_first(void)
{
	while (dueq_head != dueq_tail) {
		const struct m_key *k = &dueq[dueq_head % M_DUEQ];
		const struct m_timer *x = &mt[k->id];

		if (x->armed && x->due && x->seq == k->seq)
			return k;
		dueq_head++;
	}
	return NULL;
}

/* An expiry biased to the edges: now, the past, boundaries, each level. */
static uint64_t
rnd_expire(uint64_t now)
{
	unsigned int bits;

	switch (rnd() % 8) {
	case 0:
		return now - rnd() % 3;
	case 1:
		return now + 1 + rnd() % 64;
	case 2:	/* on or just past a boundary of a random level */
		bits = DP_TIMER_SLOT_BITS *
			(1 + (unsigned int)(rnd() % (DP_TIMER_LEVELS + 1)));
		return (((now >> bits) + 1 + rnd() % 2) << bits) +
			(rnd() % 3 == 0 ? 0 : rnd() % 3);
	default:
		bits = 1 + (unsigned int)(rnd() % 44);
		return now + 1 + rnd() % (1ull << bits);
	}
}

static void model_op(bool in_callback);

/* Is x what the reference fires next: the first due timer of this round
 * (in arm order), else the earliest armed one, at its expiry? */
static bool
expected(const struct m_timer *x, uint64_t now)
{
	const struct m_key *k = dueq_first();

	if (k != NULL && k->expire <= m_round)
		return k->id == x->id && now >= x->expire;
	return n_sorted != 0 && sorted[0].id == x->id &&
		now == x->expire && x->expire <= m_target;
}

/* The callback: the firing the reference expects; then, sometimes, arm
 * and cancel from inside the callback. */
static void
m_fire(struct dp_timer_wheel *wh, struct dp_timer *t)
{
	struct m_timer *x = (struct m_timer *)t;

	if (!expected(x, dp_timer_now(wh))) {
		fprintf(stderr, "\n unexpected: %u fired at %llu (expire "
			"%llu)\n", x->id, (unsigned long long)dp_timer_now(wh),
			(unsigned long long)x->expire);
		m_bad = true;
	}
	ref_remove(x);
	m_fired++;
	while (!m_quiet && rnd() % 4 == 0)
		model_op(true);
}

/* Arm (35 %), cancel (15 %), advance (50 %: mostly by 0..3 us, sometimes
 * by up to 2^20, rarely by up to 2^31). In a callback: arm or cancel. */
static void
model_op(bool in_callback)
{
	uint64_t r = rnd() % 100, now = dp_timer_now(&w), step;
	struct m_timer *x = &mt[rnd() % M_TIMERS];

	if (r < 35 || (in_callback && r < 70)) {
		uint64_t e = rnd_expire(now);

		ref_arm(x, e);
		dp_timer_arm(&w, &x->t, e);
		return;
	}
	if (r < 50 || in_callback) {
		ref_remove(x);
		dp_timer_cancel(&w, &x->t);
		return;
	}
	step = rnd() % 4;
	if (r >= 98)
		step = rnd() % (1ull << 31);
	else if (r >= 90)
		step = rnd() % (1ull << 20);
	m_target = now + step;
	m_round++;
	dp_timer_advance(&w, m_target);
}

/* Between operations: the same timers armed, nothing due left behind. */
static void
model_agrees(void)
{
	const struct m_key *k = dueq_first();

	CU_ASSERT_FATAL(!m_bad);
	CU_ASSERT_EQUAL_FATAL(dp_timer_count(&w), (uint64_t)n_sorted + n_due);
	CU_ASSERT_FATAL(k == NULL || k->expire > m_round);
	if (n_sorted != 0) {
		CU_ASSERT_FATAL(sorted[0].expire > dp_timer_now(&w));
		CU_ASSERT_FATAL(dp_timer_next(&w) <= sorted[0].expire);
	}
}

static void
test_model_random_against_sorted_list(void)
{
	const char *env = getenv("TIMER_SEED");
	uint64_t seed = env != NULL ? strtoull(env, NULL, 0) : 20261206;

	printf("(seed %llu) ", (unsigned long long)seed);
	m_rng = seed | 1;
	setup(rnd() % (1ull << 40));
	for (unsigned int i = 0; i < M_TIMERS; i++) {
		memset(&mt[i], 0, sizeof(mt[i]));
		dp_timer_init(&mt[i].t, m_fire);
		mt[i].id = i;
	}
	for (uint64_t step = 0; step < M_STEPS; step++) {
		model_op(false);
		model_agrees();
		if (step % 4096 == 0)
			check_wheel();
	}
	/* Drain, callbacks arming nothing more: one advance fires what was
	 * armed in the past, the next reaches the farthest timer. */
	m_quiet = true;
	m_target = dp_timer_now(&w);
	m_round++;
	dp_timer_advance(&w, m_target);
	m_target = DP_TIMER_NEVER - 1;
	m_round++;
	dp_timer_advance(&w, m_target);
	model_agrees();
	CU_ASSERT(m_fired > M_STEPS / 10);
	CU_ASSERT_EQUAL(n_sorted + n_due, 0);
	check_empty();
}

int
main(void)
{
	CU_pSuite s;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("timer_exact", NULL, NULL);
	CU_add_test(s, "exact_across_level_boundaries",
		test_exact_across_level_boundaries);
	CU_add_test(s, "exact_stepping_through_cascades",
		test_exact_stepping_through_cascades);
	CU_add_test(s, "exact_jump_of_hours", test_exact_jump_of_hours);
	CU_add_test(s, "exact_end_of_time", test_exact_end_of_time);
	CU_add_test(s, "exact_same_instant_in_arm_order",
		test_exact_same_instant_in_arm_order);
	CU_add_test(s, "exact_armed_in_the_past_fires_next_advance",
		test_exact_armed_in_the_past_fires_next_advance);
	CU_add_test(s, "exact_cancel_and_rearm", test_exact_cancel_and_rearm);
	CU_add_test(s, "exact_clock_conversion", test_exact_clock_conversion);
	s = CU_add_suite("timer_callbacks", NULL, NULL);
	CU_add_test(s, "cb_cancel_same_instant_and_rearm_self",
		test_cb_cancel_same_instant_and_rearm_self);
	CU_add_test(s, "cb_arm_others_now_and_later",
		test_cb_arm_others_now_and_later);
	CU_add_test(s, "cb_rearm_now_fires_once_per_advance",
		test_cb_rearm_now_fires_once_per_advance);
	CU_add_test(s, "cb_self_free_in_callback",
		test_cb_self_free_in_callback);
	s = CU_add_suite("timer_model", NULL, NULL);
	CU_add_test(s, "model_random_against_sorted_list",
		test_model_random_against_sorted_list);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}
