/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_timer: a hierarchical timer wheel with 1 us slots (dp_timer.h has the
 * contract).
 *
 * Why a wheel: TCP arms tens of thousands of timers per lcore and moves
 * most of them before they fire (every ACK restarts the RTO), so arm and
 * cancel must be O(1) and touch little memory. rte_timer keeps a skip
 * list (O(log n) per arm, a lock and an atomic status per call, 120 bytes
 * a timer). perf/micro/timer.c compares the two, same workload, same run
 * (perf/run.sh --only timer, 2-vCPU EPYC VM under foreign load, ns per
 * operation, median of 5 rounds, wheel against rte_timer):
 *
 *   armed   arm         cancel      re-arm later  expire     idle call
 *   100 k   31 / 2187   24 / 2134   48 / 5237     550 / 581  9.6 / 10.4
 *   1 M     91 / 2395   71 / 4636   105 / 7731    667 / 539  9.6 / 9.6
 *
 * Moving a timer costs 1 to 4 % of rte_timer's; expiring one is at par
 * (a 1-2 s timer is touched four times here, three cascades and the fire,
 * each a cache miss at 1 M), and TCP moves timers far more often than it
 * fires them. The idle call is mostly the TSC read: given the TSC the loop
 * already has, 0.8 ns.
 *
 * Geometry: DP_TIMER_LEVELS levels of 64 slots, a 64-bit occupancy word
 * per level. A timer expiring at t sits at the level of the highest bit
 * in which t differs from the current time now, L = msb(t ^ now) / 6, in
 * slot (t >> 6L) & 63: level 0 holds exact microseconds, level 5 bits
 * 30..35, 2^36 us (19 h) in all. Timers beyond that wait on one list,
 * tw_far, looked at each time now crosses a multiple of 2^36 us.
 *
 * Because placement is by the bits t shares with now (not by t - now),
 * every timer of level L lies in the current level-(L+1) block, ahead of
 * now's own level-L slot. So the lowest non-empty level holds the next
 * event, its first set bit the slot, and that slot's start is the event's
 * time: an expiry at level 0, a cascade above (the slot's timers move
 * down, to the level of their new t ^ now; none can stay). An advance
 * repeats "find the next event, take it" until the next event is beyond
 * the caller's time: O(levels) per event, never a slot per microsecond,
 * so a jump of hours costs what fires and cascades, not what is skipped.
 * Every timer of one expiry is always in one slot (it is a function of
 * t and now) and lists are FIFO, so equal expiries fire in arm order.
 *
 * Cost: a timer cascades at most once per level it starts above 0 (a 60 s
 * TIME-WAIT four times, a 2 h keepalive five); arm and cancel are a list
 * link or unlink and a bit. tw_next, a lower bound on the next event,
 * lets an advance with nothing due return after one compare. Levels of
 * 8 bits (five) would save a cascade beyond 262 ms, but their 65 ms
 * level-2 slots cascade more timers than a cache holds: measured 0.83 to
 * 0.89x the expiry cost for 1-2 s timers, 1.31x for 200-400 ms ones,
 * moves alike: 6 bits kept. A 16 us slot saves the same one cascade
 * (measured 0.8 to 0.95x the expiry cost) for a firing error 16 times
 * larger; RACK and TLP at colo RTTs want the microsecond: 1 us kept.
 */
#include <errno.h>
#include <stdio.h>

#include "dp_timer.h"

#define SLOT_MASK	((uint64_t)DP_TIMER_SLOTS - 1)
#define FAR		DP_TIMER_LEVELS		/* next_event's level: tw_far */
#define NONE		(DP_TIMER_LEVELS + 1)	/* ... the wheel is empty */

#ifdef DP_FASTPATH_DEBUG
#include <stdlib.h>
#define TIMER_ASSERT(c) do {						\
	if (!(c)) {							\
		fprintf(stderr, "%s: assertion '%s' failed\n", __func__, #c); \
		abort();						\
	}								\
} while (0)
#else
#define TIMER_ASSERT(c) do { } while (0)
#endif

static inline void
bit_set(struct dp_timer_wheel *w, unsigned int l, unsigned int s)
{
	w->tw_bitmap[l][s / 64] |= (uint64_t)1 << (s % 64);
}

static inline void
bit_clear(struct dp_timer_wheel *w, unsigned int l, unsigned int s)
{
	w->tw_bitmap[l][s / 64] &= ~((uint64_t)1 << (s % 64));
}

static inline bool
bit_test(const struct dp_timer_wheel *w, unsigned int l, unsigned int s)
{
	return (w->tw_bitmap[l][s / 64] >> (s % 64)) & 1;
}

/* The lowest non-empty slot of level l, or DP_TIMER_SLOTS. */
static inline unsigned int
bit_first(const struct dp_timer_wheel *w, unsigned int l)
{
	for (unsigned int i = 0; i < DP_TIMER_WORDS; i++)
		if (w->tw_bitmap[l][i] != 0)
			return i * 64 + (unsigned int)__builtin_ctzll(
				w->tw_bitmap[l][i]);
	return DP_TIMER_SLOTS;
}

static inline void
list_init(struct dp_timer_link *h)
{
	h->next = h;
	h->prev = h;
}

static inline bool
list_empty(const struct dp_timer_link *h)
{
	return h->next == h;
}

static inline void
list_append(struct dp_timer_link *h, struct dp_timer_link *l)
{
	l->prev = h->prev;
	l->next = h;
	h->prev->next = l;
	h->prev = l;
}

/* Move every entry of from to the empty list to, keeping their order. */
static inline void
list_splice(struct dp_timer_link *from, struct dp_timer_link *to)
{
	if (list_empty(from)) {
		list_init(to);
		return;
	}
	to->next = from->next;
	to->prev = from->prev;
	to->next->prev = to;
	to->prev->next = to;
	list_init(from);
}

void
dp_timer_clock_init(struct dp_timer_clock *c, uint64_t hz)
{
	__extension__ typedef unsigned __int128 u128;

	/* Rounded up, so a whole number of microseconds in ticks converts
	 * to itself (rounded down it would read one less); the excess,
	 * under 2^-64 per tick, is 1/16 us after ten years at 3 GHz.
	 * hz > 1 MHz (any TSC) keeps the quotient below 2^64. */
	c->tc_mult = (uint64_t)((((u128)1000000 << 64) + hz - 1) / hz);
}

void
dp_timer_wheel_init(struct dp_timer_wheel *w, uint64_t now)
{
	w->tw_now = now;
	w->tw_next = DP_TIMER_NEVER;
	w->tw_count = 0;
	w->tw_running = false;
	for (unsigned int l = 0; l < DP_TIMER_LEVELS; l++) {
		for (unsigned int s = 0; s < DP_TIMER_SLOTS; s++) {
			bit_clear(w, l, s);
			list_init(&w->tw_slot[l][s]);
		}
	}
	list_init(&w->tw_due);
	list_init(&w->tw_far);
}

static inline unsigned int
level_of(uint64_t t, uint64_t now)
{
	uint64_t x = t ^ now;

	if (x <= SLOT_MASK)
		return 0;
	return (unsigned int)(63 - __builtin_clzll(x)) / DP_TIMER_SLOT_BITS;
}

/* When the slot holding t at level l is taken: t itself at level 0, the
 * start of the slot above (where a cascade moves it down). */
static inline uint64_t
event_of(uint64_t t, unsigned int l)
{
	return t & ~(((uint64_t)1 << (l * DP_TIMER_SLOT_BITS)) - 1);
}

static inline uint64_t
far_event(uint64_t now)
{
	return ((now >> DP_TIMER_SPAN_BITS) + 1) << DP_TIMER_SPAN_BITS;
}

/* Link t (t->tm_expire >= tw_now) where it belongs at tw_now; the time
 * of the event that will take it. */
static inline uint64_t
place(struct dp_timer_wheel *w, struct dp_timer *t)
{
	uint64_t e = t->tm_expire;
	unsigned int l = level_of(e, w->tw_now), s;

	if (l >= DP_TIMER_LEVELS) {
		list_append(&w->tw_far, &t->tm_link);
		return far_event(w->tw_now);
	}
	s = (unsigned int)(e >> (l * DP_TIMER_SLOT_BITS)) & SLOT_MASK;
	list_append(&w->tw_slot[l][s], &t->tm_link);
	bit_set(w, l, s);
	return event_of(e, l);
}

/*
 * Unlink t. When that empties a list, next == prev is its sentinel; if
 * the sentinel is a slot, clear the slot's bit. Other sentinels (tw_due,
 * tw_far, the on-stack list an advance fires from) have no bit.
 */
static inline void
unlink_timer(struct dp_timer_wheel *w, struct dp_timer *t)
{
	struct dp_timer_link *n = t->tm_link.next, *p = t->tm_link.prev;
	uintptr_t off;

	n->prev = p;
	p->next = n;
	t->tm_link.next = NULL;
	if (n != p)
		return;
	off = (uintptr_t)n - (uintptr_t)&w->tw_slot[0][0];
	if (off < sizeof(w->tw_slot)) {
		off /= sizeof(struct dp_timer_link);
		bit_clear(w, (unsigned int)off / DP_TIMER_SLOTS,
			(unsigned int)off % DP_TIMER_SLOTS);
	}
}

void
dp_timer_arm(struct dp_timer_wheel *w, struct dp_timer *t, uint64_t expire)
{
	uint64_t ev;

	TIMER_ASSERT(t->tm_fn != NULL);
	if (dp_timer_armed(t))
		unlink_timer(w, t);
	else
		w->tw_count++;
	t->tm_expire = expire;
	if (expire <= w->tw_now) {
		/* Fires at the start of the next advance, in arm order. */
		list_append(&w->tw_due, &t->tm_link);
		w->tw_next = 0;
		return;
	}
	ev = place(w, t);
	if (ev < w->tw_next)
		w->tw_next = ev;
}

void
dp_timer_cancel(struct dp_timer_wheel *w, struct dp_timer *t)
{
	if (!dp_timer_armed(t))
		return;
	unlink_timer(w, t);
	w->tw_count--;
	/* tw_next stays: a bound that is too early costs one empty pass. */
}

/* The next event at or after tw_now: its time, *level (FAR, or NONE and
 * DP_TIMER_NEVER when the wheel is empty) and *slot. */
static uint64_t
next_event(const struct dp_timer_wheel *w, unsigned int *level,
		unsigned int *slot)
{
	for (unsigned int l = 0; l < DP_TIMER_LEVELS; l++) {
		unsigned int sh = l * DP_TIMER_SLOT_BITS;
		unsigned int s = bit_first(w, l);

		if (s == DP_TIMER_SLOTS)
			continue;
		*level = l;
		*slot = s;
		return (w->tw_now & ~(((uint64_t)1 << (sh +
			DP_TIMER_SLOT_BITS)) - 1)) | ((uint64_t)s << sh);
	}
	*slot = 0;
	if (list_empty(&w->tw_far)) {
		*level = NONE;
		return DP_TIMER_NEVER;
	}
	*level = FAR;
	return far_event(w->tw_now);
}

/* Fire the timers of one list, first to last, each disarmed before its
 * callback runs; the callback may unlink any other one from the list. */
static uint64_t
fire(struct dp_timer_wheel *w, struct dp_timer_link *h)
{
	uint64_t n = 0;

	while (!list_empty(h)) {
		struct dp_timer *t = (struct dp_timer *)h->next;

		unlink_timer(w, t);
		w->tw_count--;
		n++;
		t->tm_fn(w, t);		/* t may be gone from here on */
	}
	return n;
}

/* Move a slot's timers down (or tw_far's into the levels) at tw_now. */
static void
cascade(struct dp_timer_wheel *w, struct dp_timer_link *h)
{
	struct dp_timer_link l;

	list_splice(h, &l);
	while (!list_empty(&l)) {
		struct dp_timer *t = (struct dp_timer *)l.next;

		unlink_timer(w, t);
		TIMER_ASSERT(t->tm_expire >= w->tw_now);
		(void)place(w, t);
	}
}

uint64_t
dp_timer_run(struct dp_timer_wheel *w, uint64_t now)
{
	struct dp_timer_link due;
	unsigned int l, s;
	uint64_t n = 0, ev;

	TIMER_ASSERT(!w->tw_running);
	w->tw_running = true;
	/* What was armed in the past goes first: it is the earliest. What
	 * its callbacks arm in the past waits for the next advance. */
	if (!list_empty(&w->tw_due)) {
		list_splice(&w->tw_due, &due);
		n += fire(w, &due);
	}
	for (;;) {
		ev = next_event(w, &l, &s);
		/* NONE: its DP_TIMER_NEVER is no time (now may equal it). */
		if (ev > now || l == NONE)
			break;
		w->tw_now = ev;
		if (l == 0) {
			n += fire(w, &w->tw_slot[0][s]);
		} else if (l < FAR) {
			bit_clear(w, l, s);
			cascade(w, &w->tw_slot[l][s]);
		} else {
			cascade(w, &w->tw_far);
		}
	}
	if (now > w->tw_now)
		w->tw_now = now;
	/* Callbacks may have armed in the past (tw_next = 0): keep that. */
	w->tw_next = list_empty(&w->tw_due) ? ev : 0;
	w->tw_running = false;
	return n;
}

static int
fail(char *buf, size_t len, const char *what, unsigned int l, unsigned int s)
{
	snprintf(buf, len, "%s (level %u slot %u)", what, l, s);
	return -EINVAL;
}

/* Why a timer expiring at e does not belong on list h (slot l, s), or
 * NULL when it does. */
static const char *
misplaced(const struct dp_timer_wheel *w, const struct dp_timer_link *h,
		unsigned int l, unsigned int s, uint64_t e)
{
	if (h == &w->tw_due)
		return e > w->tw_now ? "due in the future" : NULL;
	if (e < w->tw_now)
		return "expiry passed, not fired";
	if (h == &w->tw_far)
		return level_of(e, w->tw_now) < DP_TIMER_LEVELS ?
			"far but in span" : NULL;
	if (level_of(e, w->tw_now) != l ||
			((e >> (l * DP_TIMER_SLOT_BITS)) & SLOT_MASK) != s)
		return "timer in the wrong slot";
	return NULL;
}

/* One list: linked both ways, every timer where tw_now says it belongs. */
static int
check_list(const struct dp_timer_wheel *w, const struct dp_timer_link *h,
		unsigned int l, unsigned int s, uint64_t *n, char *buf,
		size_t len)
{
	const struct dp_timer_link *p = h;

	for (const struct dp_timer_link *k = h->next; k != h; k = k->next) {
		const char *why = misplaced(w, h, l, s,
			((const struct dp_timer *)k)->tm_expire);

		if (k->prev != p)
			why = "broken prev link";
		if (why != NULL)
			return fail(buf, len, why, l, s);
		p = k;
		(*n)++;
	}
	if (h->prev != p)
		return fail(buf, len, "broken tail link", l, s);
	return 0;
}

int
dp_timer_check(const struct dp_timer_wheel *w, char *buf, size_t len)
{
	uint64_t n = 0, ev;
	unsigned int el, es;
	int ret;

	for (unsigned int l = 0; l < DP_TIMER_LEVELS; l++)
		for (unsigned int s = 0; s < DP_TIMER_SLOTS; s++) {
			const struct dp_timer_link *h = &w->tw_slot[l][s];
			if (bit_test(w, l, s) == list_empty(h))
				return fail(buf, len, "bitmap disagrees", l, s);
			ret = check_list(w, h, l, s, &n, buf, len);
			if (ret != 0)
				return ret;
		}
	ret = check_list(w, &w->tw_far, DP_TIMER_LEVELS, 0, &n, buf, len);
	if (ret == 0)
		ret = check_list(w, &w->tw_due, DP_TIMER_LEVELS + 1, 0, &n,
			buf, len);
	if (ret != 0)
		return ret;
	if (n != w->tw_count)
		return fail(buf, len, "tw_count is not the timers linked",
			(unsigned int)n, (unsigned int)w->tw_count);
	ev = list_empty(&w->tw_due) ? next_event(w, &el, &es) : 0;
	if (w->tw_next > ev)
		return fail(buf, len, "tw_next later than the next event",
			0, 0);
	return 0;
}
