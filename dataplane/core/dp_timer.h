/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_timer: one lcore's timers, in microseconds (internal header).
 *
 * The lcore loop drives a wheel with one call per iteration:
 *
 *   now_us = dp_timer_clock_us(&clock, rte_rdtsc());
 *   ... RX, doorbells: protocols arm, re-arm and cancel timers ...
 *   dp_timer_advance(&lc->timers, now_us);   callbacks run in here
 *   dp_lcore_tx_flush(lc);                   what they sent leaves now
 *
 * dp_timer_advance is an inline compare when nothing is due; the work is
 * in dp_timer_run. A driven test or fuzzer passes a virtual clock instead.
 *
 * Timers are intrusive: struct dp_timer sits in its owner (a TCB holds
 * several) and arming never allocates. Arm, re-arm and cancel are O(1);
 * an advance costs O(levels) plus the timers it fires and moves down,
 * however far the clock jumps (dp_timer.c says how).
 *
 * Contract:
 * - Times are absolute microseconds, non-decreasing from call to call (a
 *   smaller one counts as the current time). A timer fires in the first
 *   dp_timer_advance whose time reaches its expiry: never early, late only
 *   by the caller's loop time.
 * - Timers due at the same microsecond fire in the order they were armed
 *   (a re-arm counts as a new arm). A timer armed at or before the
 *   wheel's current time fires at the start of the next advance, not the
 *   running one (a callback re-arming itself "now" cannot livelock).
 * - A callback runs with its timer already disarmed and may arm or cancel
 *   any timer, itself included, and free its timer's owner: the wheel does
 *   not touch a timer after calling it. It must not call dp_timer_advance.
 *   Freeing the owner of an armed timer without dp_timer_cancel is a bug.
 * - A zeroed struct dp_timer is valid and disarmed; dp_timer_init sets
 *   its callback once.
 *
 * Threading: a wheel and the timers armed on it belong to one lcore (or
 * one test thread). Nothing here locks or uses atomics.
 */
#ifndef _DP_TIMER_H_
#define _DP_TIMER_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Geometry: 6 levels of 64 slots, level L holds bits 6L..6L+5 of the
 * expiry; 2^36 us (19 h) in the levels, farther timers on one list.
 * Others build for experiments (-DDP_TIMER_SLOT_BITS=8
 * -DDP_TIMER_LEVELS=5 passes the unit test; dp_timer.c says why 6x6). */
#ifndef DP_TIMER_SLOT_BITS
#define DP_TIMER_SLOT_BITS	6
#define DP_TIMER_LEVELS		6
#endif
#define DP_TIMER_SLOTS		(1u << DP_TIMER_SLOT_BITS)
#define DP_TIMER_WORDS		((DP_TIMER_SLOTS + 63) / 64)
#define DP_TIMER_SPAN_BITS	(DP_TIMER_SLOT_BITS * DP_TIMER_LEVELS)

#define DP_TIMER_NEVER		UINT64_MAX

struct dp_timer;
struct dp_timer_wheel;

typedef void (*dp_timer_fn)(struct dp_timer_wheel *w, struct dp_timer *t);

/* A circular list; a wheel's slots are sentinels of it. */
struct dp_timer_link {
	struct dp_timer_link *next;	/* NULL in a disarmed timer */
	struct dp_timer_link *prev;
};

/* 32 bytes: two to a cache line. */
struct dp_timer {
	struct dp_timer_link tm_link;	/* (l) first: a link is a timer */
	uint64_t tm_expire;		/* (l) us, while armed */
	dp_timer_fn tm_fn;		/* (l) set by dp_timer_init */
};

/*
 * Key: (l) owner lcore only. tw_now and tw_next share the first cache
 * line, which is all an idle dp_timer_advance reads.
 */
struct dp_timer_wheel {
	uint64_t tw_now;		/* (l) us: all due by it have fired */
	uint64_t tw_next;		/* (l) us: no expiry or cascade before
					 *     it (a bound, never late) */
	uint64_t tw_count;		/* (l) armed timers */
	bool tw_running;		/* (l) inside dp_timer_run */
	uint64_t tw_bitmap[DP_TIMER_LEVELS][DP_TIMER_WORDS]; /* (l) non-empty
						       * slots */
	struct dp_timer_link tw_due;	/* (l) armed at or before tw_now */
	struct dp_timer_link tw_far;	/* (l) beyond the levels' span */
	struct dp_timer_link tw_slot[DP_TIMER_LEVELS][DP_TIMER_SLOTS]; /* (l) */
};

/* TSC to microseconds by one multiply (no division in the loop). */
struct dp_timer_clock {
	uint64_t tc_mult;		/* (c) 2^64 * 1e6 / hz */
};

void dp_timer_clock_init(struct dp_timer_clock *c, uint64_t hz);

static inline uint64_t
dp_timer_clock_us(const struct dp_timer_clock *c, uint64_t tsc)
{
	__extension__ typedef unsigned __int128 u128;

	return (uint64_t)(((u128)tsc * c->tc_mult) >> 64);
}

/* An empty wheel whose current time is now. */
void dp_timer_wheel_init(struct dp_timer_wheel *w, uint64_t now);

/* A disarmed timer that will call fn. */
static inline void
dp_timer_init(struct dp_timer *t, dp_timer_fn fn)
{
	t->tm_link.next = NULL;
	t->tm_link.prev = NULL;
	t->tm_expire = 0;
	t->tm_fn = fn;
}

static inline bool
dp_timer_armed(const struct dp_timer *t)
{
	return t->tm_link.next != NULL;
}

/* The expiry of an armed timer (us). */
static inline uint64_t
dp_timer_expire(const struct dp_timer *t)
{
	return t->tm_expire;
}

/* Arm t to fire at expire (absolute us); re-arms it if armed. */
void dp_timer_arm(struct dp_timer_wheel *w, struct dp_timer *t,
		uint64_t expire);

/* Disarm t; a disarmed timer is left as it is. */
void dp_timer_cancel(struct dp_timer_wheel *w, struct dp_timer *t);

/* Fire what is due at now; the number fired. See dp_timer_advance. */
uint64_t dp_timer_run(struct dp_timer_wheel *w, uint64_t now);

/* Fire every timer due at or before now, in time order; the number fired.
 * With nothing due it reads one cache line and writes tw_now. */
static inline uint64_t
dp_timer_advance(struct dp_timer_wheel *w, uint64_t now)
{
	if (now < w->tw_next) {
		if (now > w->tw_now)
			w->tw_now = now;
		return 0;
	}
	return dp_timer_run(w, now);
}

/* The wheel's current time: in a callback, the expiry being fired. */
static inline uint64_t
dp_timer_now(const struct dp_timer_wheel *w)
{
	return w->tw_now;
}

/* No timer fires before this time (DP_TIMER_NEVER: none armed). A bound:
 * the next expiry when it is within 64 us, else the next cascade or, after
 * cancels, earlier. An idle lcore may sleep until then, advance, ask again. */
static inline uint64_t
dp_timer_next(const struct dp_timer_wheel *w)
{
	return w->tw_next;
}

static inline uint64_t
dp_timer_count(const struct dp_timer_wheel *w)
{
	return w->tw_count;
}

/* Walk the whole wheel and check its invariants (tests, teardown):
 * 0, or -EINVAL with why in buf. O(armed timers). */
int dp_timer_check(const struct dp_timer_wheel *w, char *buf, size_t len);

#endif /* _DP_TIMER_H_ */
