/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A spin budget learned from arrivals, per socket.
 *
 * Spinning pays when the data comes soon after the wait begins and the
 * producer runs elsewhere; it costs a core, and delays the data itself
 * when the producer needs our core (a peer sharing the application's CPU
 * cannot answer while we spin). The rules, after each wait that got its
 * data (waited = from the empty look to the data):
 *
 *   - caught while spinning: the budget tightens towards twice the
 *     interval (a tenth of the gap per wait), never below it;
 *   - caught asleep, within the cap: a miss; the budget grows to twice
 *     the interval (or doubles) so the next spin may catch it;
 *   - caught asleep, past the cap: a miss; the budget halves;
 *   - DP_SPIN_MISSES misses in a row: spinning does not bring the data
 *     sooner (or nothing comes that fast): no spin for DP_SPIN_HOLD
 *     waits, doubled for each give-up in a row, then one probe at twice
 *     the last interval (none if that is past the cap, and the hold
 *     starts again). A caught spin ends the give-ups.
 *
 * The same scheme as KVM's halt polling (grow on a short sleep, shrink
 * on a long one), with the give-up added because here the producer may
 * be starved by the spin, which halt polling's guests never are.
 */
#include "dp_spin.h"

#define MIN_NS		1000u	/* a budget shorter than the wake-up cost
				 * buys nothing */
#define LEVEL_MAX	6	/* DP_SPIN_HOLD << 6 = DP_SPIN_HOLD_MAX */

/* budget ns: bits 0-31; misses: 32-39; level: 40-46; valid: 47;
 * hold: 48-63. */
#define VALID		(1ull << 47)

struct spin {
	uint32_t budget;
	uint32_t misses;
	uint32_t level;
	uint32_t hold;
};

static struct spin
unpack(dp_spin_t st)
{
	return (struct spin){
		.budget = (uint32_t)st,
		.misses = (uint32_t)(st >> 32) & 0xff,
		.level = (uint32_t)(st >> 40) & 0x7f,
		.hold = (uint32_t)(st >> 48),
	};
}

static dp_spin_t
pack(struct spin s)
{
	return (dp_spin_t)s.budget | (dp_spin_t)s.misses << 32 |
		(dp_spin_t)s.level << 40 | VALID | (dp_spin_t)s.hold << 48;
}

static uint32_t
clamp(uint64_t ns, uint32_t cap_ns)
{
	if (ns > cap_ns)
		return cap_ns;
	return ns < MIN_NS ? (MIN_NS < cap_ns ? MIN_NS : cap_ns) :
		(uint32_t)ns;
}

uint32_t
dp_spin_budget(dp_spin_t st, uint32_t cap_ns)
{
	uint32_t b = (uint32_t)st;

	if (cap_ns > DP_SPIN_MAX_NS)
		cap_ns = DP_SPIN_MAX_NS;
	/* Nothing learned: the configured spin, as before learning. */
	if (!(st & VALID))
		return cap_ns;
	return b < cap_ns ? b : cap_ns;
}

/* The next hold after a give-up at level lv. */
static uint32_t
hold_of(uint32_t lv)
{
	uint32_t h = DP_SPIN_HOLD << (lv < LEVEL_MAX ? lv : LEVEL_MAX);

	return h < DP_SPIN_HOLD_MAX ? h : DP_SPIN_HOLD_MAX;
}

dp_spin_t
dp_spin_learn(dp_spin_t st, uint32_t cap_ns, uint64_t waited_ns,
		bool slept)
{
	struct spin s;
	uint64_t w = waited_ns;

	if (cap_ns > DP_SPIN_MAX_NS)
		cap_ns = DP_SPIN_MAX_NS;
	if (cap_ns == 0)
		return st;	/* never spins: nothing to learn */
	if (st & VALID)
		s = unpack(st);
	else
		s = (struct spin){ .budget = cap_ns };
	if (s.budget > cap_ns)
		s.budget = cap_ns;
	if (s.hold > 0) {
		/* Giving up: the wait slept at once, nothing to judge. */
		if (--s.hold == 0) {
			if (w <= cap_ns)
				s.budget = clamp(2 * w, cap_ns);
			else
				s.hold = hold_of(s.level);
		}
		return pack(s);
	}
	if (!slept) {
		uint32_t down = s.budget - s.budget / 10;

		s.misses = 0;
		s.level = 0;
		s.budget = clamp(2 * w > down ? 2 * w : down, cap_ns);
		return pack(s);
	}
	if (s.budget == 0) {
		/* Not spinning, not holding: start when arrivals are near. */
		if (w <= cap_ns)
			s.budget = clamp(2 * w, cap_ns);
		return pack(s);
	}
	if (++s.misses >= DP_SPIN_MISSES) {
		s.misses = 0;
		s.budget = 0;
		s.hold = hold_of(s.level);
		if (s.level < LEVEL_MAX)
			s.level++;
		return pack(s);
	}
	if (w <= cap_ns) {
		uint64_t up = 2 * (uint64_t)s.budget;

		s.budget = clamp(2 * w > up ? 2 * w : up, cap_ns);
	} else {
		s.budget /= 2;
	}
	return pack(s);
}
