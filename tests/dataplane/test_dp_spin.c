/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The learned spin budget (dataplane/core/dp_spin.c) on synthetic waits:
 * no DPDK, no EAL, no root. Each case feeds the arrivals a socket would
 * see and checks the budget the next wait would spin for.
 */
#include <stdbool.h>
#include <stdint.h>

#include <CUnit/CUnit.h>

#include "dp_spin.h"
#include "wt_run.h"

#define US		1000u
#define CAP		(50 * US)	/* WSPDK_SPIN_US's default */

/* What a waiter does: the budget it spins for decides whether an arrival
 * waited_ns after the empty look is caught spinning. */
static dp_spin_t
wait_for(dp_spin_t st, uint32_t cap, uint64_t waited_ns)
{
	bool slept = waited_ns > dp_spin_budget(st, cap);

	return dp_spin_learn(st, cap, waited_ns, slept);
}

static void
test_nothing_learned_spins_the_configured_time(void)
{
	CU_ASSERT_EQUAL(dp_spin_budget(0, CAP), CAP);
	CU_ASSERT_EQUAL(dp_spin_budget(0, 0), 0);
	/* WSPDK_SPIN_US=0 never spins, so never learns. */
	CU_ASSERT_EQUAL(dp_spin_learn(0, 0, 5 * US, true), 0);
}

static void
test_quick_arrivals_tighten_the_budget_to_twice_their_interval(void)
{
	dp_spin_t st = 0;

	for (int i = 0; i < 100; i++)
		st = wait_for(st, CAP, 4 * US);
	CU_ASSERT_EQUAL(dp_spin_budget(st, CAP), 8 * US);
	/* Never below what catches them, whatever the history. */
	for (int i = 0; i < 100; i++) {
		st = wait_for(st, CAP, 4 * US);
		CU_ASSERT(dp_spin_budget(st, CAP) >= 4 * US);
	}
}

static void
test_an_arrival_just_missed_grows_the_budget_to_catch_the_next(void)
{
	dp_spin_t st = 0;

	for (int i = 0; i < 100; i++)
		st = wait_for(st, CAP, 2 * US);
	CU_ASSERT_EQUAL(dp_spin_budget(st, CAP), 4 * US);
	/* The producer slows to 10 µs: one miss, and the next is caught. */
	st = wait_for(st, CAP, 10 * US);
	CU_ASSERT_EQUAL(dp_spin_budget(st, CAP), 20 * US);
	st = wait_for(st, CAP, 10 * US);
	CU_ASSERT(dp_spin_budget(st, CAP) >= 10 * US);
	/* Growth stops at the cap. */
	st = wait_for(st, CAP, 45 * US);
	CU_ASSERT_EQUAL(dp_spin_budget(st, CAP), CAP);
}

static void
test_arrivals_slower_than_the_cap_stop_the_spinning(void)
{
	dp_spin_t st = 0;
	unsigned int spun = 0;

	for (int i = 0; i < 1000; i++) {
		spun += dp_spin_budget(st, CAP) > 0;
		st = wait_for(st, CAP, 1000 * US);
	}
	/* Three misses give up; probes find them past the cap and never
	 * spin again. */
	CU_ASSERT_EQUAL(spun, DP_SPIN_MISSES);
	CU_ASSERT_EQUAL(dp_spin_budget(st, CAP), 0);
}

/* A producer that needs our core (a peer on the application's CPU): the
 * data comes a fixed time after the waiter stops spinning, so every spin
 * is a miss however long. */
static void
test_spinning_that_delays_the_data_is_given_up_and_probed_rarely(void)
{
	dp_spin_t st = 0;
	unsigned int spun = 0, late_spun = 0;

	for (int i = 0; i < 20000; i++) {
		uint32_t b = dp_spin_budget(st, CAP);

		spun += b > 0;
		if (i >= 10000)
			late_spun += b > 0;
		st = dp_spin_learn(st, CAP, b + 17 * US, true);
	}
	/* Give-ups double their hold: a few probes, not one in four. */
	CU_ASSERT(spun >= DP_SPIN_MISSES);
	CU_ASSERT(spun <= 10 * DP_SPIN_MISSES);
	CU_ASSERT(late_spun <= 3 * DP_SPIN_MISSES);
	CU_ASSERT(late_spun >= 1);	/* it does probe again */
}

static void
test_a_caught_spin_after_giving_up_resumes_spinning(void)
{
	dp_spin_t st = 0;
	int i;

	for (i = 0; i < 3; i++)
		st = dp_spin_learn(st, CAP, dp_spin_budget(st, CAP) + 17 * US,
			true);
	CU_ASSERT_EQUAL(dp_spin_budget(st, CAP), 0);
	/* The producer moves to another core: arrivals at 5 µs. The hold
	 * ends, the probe catches them and the budget settles on them. */
	for (i = 0; i < DP_SPIN_HOLD_MAX && dp_spin_budget(st, CAP) == 0; i++)
		st = wait_for(st, CAP, 5 * US);
	CU_ASSERT(i <= DP_SPIN_HOLD);
	for (i = 0; i < 100; i++)
		st = wait_for(st, CAP, 5 * US);
	CU_ASSERT_EQUAL(dp_spin_budget(st, CAP), 10 * US);
}

static void
test_a_lower_cap_bounds_what_was_learned(void)
{
	dp_spin_t st = 0;

	for (int i = 0; i < 10; i++)
		st = wait_for(st, CAP, 20 * US);
	CU_ASSERT_EQUAL(dp_spin_budget(st, CAP), 40 * US);
	CU_ASSERT_EQUAL(dp_spin_budget(st, 10 * US), 10 * US);
	/* A cap past the largest budget is held at it. */
	CU_ASSERT_EQUAL(dp_spin_budget(0, UINT32_MAX), DP_SPIN_MAX_NS);
}

static const struct wt_test tests[] = {
	WT_TEST(test_nothing_learned_spins_the_configured_time),
	WT_TEST(test_quick_arrivals_tighten_the_budget_to_twice_their_interval),
	WT_TEST(test_an_arrival_just_missed_grows_the_budget_to_catch_the_next),
	WT_TEST(test_arrivals_slower_than_the_cap_stop_the_spinning),
	WT_TEST(test_spinning_that_delays_the_data_is_given_up_and_probed_rarely),
	WT_TEST(test_a_caught_spin_after_giving_up_resumes_spinning),
	WT_TEST(test_a_lower_cap_bounds_what_was_learned),
	WT_TEST_END
};

static const struct wt_suite spin_suite = {
	.name = "dp_spin",
	.tests = tests,
};

WT_MAIN(spin_suite)
