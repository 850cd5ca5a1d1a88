/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control ring (dataplane/core/dp_ctl.c): an application thread asks
 * the lcore that owns some state to change it, and waits for the answer.
 *
 * On the driven engine (ut.c) a call runs inline, as it does on the
 * lcore asking itself. The ring itself is exercised on a stand-in lcore
 * of a running (not driven) engine: its ring is made by dp_ctl_create,
 * the test's main thread plays the lcore (dp_ctl_poll), and pthreads,
 * which are not EAL lcores, post.
 *
 *   poster: dp_ctl_call -> lc->ctl (MP) -> spin, then sleep on done
 *   lcore:  dp_ctl_poll -> fn(lc, arg) -> done, wake the poster
 */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include <rte_lcore.h>
#include <rte_pause.h>

#include "dp_os.h"
#include "ut.h"

#define FAR_LCORE	90	/* an EAL lcore id no thread runs as */
#define N_POSTERS	8
#define N_STRESS	4
#define STRESS_CALLS	250
#define WAIT_US		(5 * 1000000)	/* bound of every wait here */

/* The stand-in lcore and its engine, running (not driven). */
static struct dp_engine far_eng;
static struct dp_lcore far_lc;

/* What the requests saw when they ran. */
static struct {
	pthread_t thread;		/* the last one's */
	struct dp_lcore *lc;		/* the last one's */
	unsigned int runs;		/* not atomic: one writer, the lcore */
	unsigned int order[N_POSTERS];	/* args in the order they ran */
	unsigned int running;		/* requests inside fn now */
	unsigned int overlaps;		/* a second one found running */
} ran;

struct req {
	unsigned int arg;
	int ret;			/* what dp_ctl_call returned */
	uint64_t returned_us;		/* when */
	unsigned int bad;		/* answers not our own (stress) */
};

/* Runs on the lcore: records where, answers 10 * arg + 1. */
static int
note(struct dp_lcore *lc, void *arg)
{
	const struct req *r = arg;

	if (__atomic_fetch_add(&ran.running, 1, __ATOMIC_ACQ_REL) != 0)
		ran.overlaps++;
	ran.thread = pthread_self();
	ran.lc = lc;
	if (ran.runs < N_POSTERS)
		ran.order[ran.runs] = r->arg;
	ran.runs++;
	__atomic_fetch_sub(&ran.running, 1, __ATOMIC_ACQ_REL);
	return (int)(10 * r->arg + 1);
}

static void *
post_one(void *arg)
{
	struct req *r = arg;

	r->ret = dp_ctl_call(&far_lc, note, r);
	r->returned_us = dp_os_now_us();
	return NULL;
}

static void *
post_many(void *arg)
{
	struct req *r = arg;

	for (unsigned int i = 0; i < STRESS_CALLS; i++) {
		struct req mine = { .arg = r->arg * STRESS_CALLS + i };

		if (dp_ctl_call(&far_lc, note, &mine) !=
				(int)(10 * mine.arg + 1))
			r->bad++;
	}
	__atomic_store_n(&r->ret, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Wait (sleeping) until the stand-in's ring holds n requests. */
static bool
wait_posted(unsigned int n)
{
	uint64_t until = dp_os_now_us() + WAIT_US;

	while (rte_ring_count(far_lc.ctl) < n)
		if (dp_os_now_us() > until)
			return false;
		else
			usleep(100);
	return true;
}

static void
reset_ran(void)
{
	memset(&ran, 0, sizeof(ran));
}

/* ---- the cases ---- */

/* A driven engine's thread steps the lcores itself: a call runs at once,
 * on the caller, with the lcore it named, and returns fn's answer; the
 * ring is never used. */
static void
test_ctl_call_on_a_driven_engine_runs_inline(void)
{
	struct dp_lcore *lc = ut_eng()->lcores[0];
	struct req r = { .arg = 4 };

	CU_ASSERT_EQUAL(dp_ctl_call(lc, note, &r), 41);
	CU_ASSERT_EQUAL(ran.runs, 1);
	CU_ASSERT(pthread_equal(ran.thread, pthread_self()));
	CU_ASSERT_PTR_EQUAL(ran.lc, lc);
	CU_ASSERT_EQUAL(rte_ring_count(lc->ctl), 0);
}

/* An lcore asking itself runs the request at once: it would otherwise
 * wait for an answer only it can give. */
static void
test_ctl_call_from_the_owner_itself_runs_inline(void)
{
	struct req r = { .arg = 2 };

	far_lc.lcore_id = rte_lcore_id();
	CU_ASSERT_EQUAL(dp_ctl_call(&far_lc, note, &r), 21);
	far_lc.lcore_id = FAR_LCORE;
	CU_ASSERT_EQUAL(ran.runs, 1);
	CU_ASSERT(pthread_equal(ran.thread, pthread_self()));
	CU_ASSERT_EQUAL(rte_ring_count(far_lc.ctl), 0);
}

/* Another thread's request waits on the ring until the owner polls; it
 * runs on the owner, and the poster, asleep by then, is woken with the
 * answer at once (not at the end of its 100 ms sleep). */
static void
test_ctl_request_runs_on_the_owner_and_wakes_the_poster(void)
{
	struct req r = { .arg = 7, .ret = -1 };
	uint64_t polled;
	pthread_t t;

	CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, post_one, &r), 0);
	CU_ASSERT_FATAL(wait_posted(1));
	usleep(5000);			/* past the poster's 50 us spin */
	CU_ASSERT_EQUAL(ran.runs, 0);
	CU_ASSERT_EQUAL(__atomic_load_n(&r.ret, __ATOMIC_ACQUIRE), -1);
	polled = dp_os_now_us();
	dp_ctl_poll(&far_lc);
	CU_ASSERT_EQUAL(ran.runs, 1);
	CU_ASSERT(pthread_equal(ran.thread, pthread_self()));
	CU_ASSERT_PTR_EQUAL(ran.lc, &far_lc);
	pthread_join(t, NULL);
	CU_ASSERT_EQUAL(r.ret, 71);
	/* Unwoken, it would sleep out its 100 ms: 95 ms from here. */
	CU_ASSERT(r.returned_us - polled < 50000);
	CU_ASSERT_EQUAL(rte_ring_count(far_lc.ctl), 0);
}

/* Requests posted one after another by different threads run in the
 * order posted, all in one poll, each poster getting its own answer. */
static void
test_ctl_requests_run_in_the_order_posted(void)
{
	struct req r[N_POSTERS];
	pthread_t t[N_POSTERS];

	for (unsigned int i = 0; i < N_POSTERS; i++) {
		r[i] = (struct req){ .arg = N_POSTERS - i, .ret = -1 };
		CU_ASSERT_EQUAL_FATAL(pthread_create(&t[i], NULL, post_one,
			&r[i]), 0);
		CU_ASSERT_FATAL(wait_posted(i + 1));
	}
	CU_ASSERT_EQUAL(ran.runs, 0);
	dp_ctl_poll(&far_lc);
	CU_ASSERT_EQUAL(ran.runs, N_POSTERS);
	for (unsigned int i = 0; i < N_POSTERS; i++) {
		pthread_join(t[i], NULL);
		CU_ASSERT_EQUAL(ran.order[i], N_POSTERS - i);
		CU_ASSERT_EQUAL(r[i].ret, (int)(10 * (N_POSTERS - i) + 1));
	}
}

/* Threads calling at once, hundreds of times each: every request runs
 * exactly once, never two at a time (the owner is the one writer), and
 * each answer reaches the thread that asked. */
static void
test_ctl_concurrent_posters_are_served_one_at_a_time(void)
{
	struct req r[N_STRESS];
	pthread_t t[N_STRESS];
	uint64_t until = dp_os_now_us() + 10 * WAIT_US;
	unsigned int done;

	for (unsigned int i = 0; i < N_STRESS; i++) {
		r[i] = (struct req){ .arg = i };
		CU_ASSERT_EQUAL_FATAL(pthread_create(&t[i], NULL, post_many,
			&r[i]), 0);
	}
	do {
		dp_ctl_poll(&far_lc);
		rte_pause();
		done = 0;
		for (unsigned int i = 0; i < N_STRESS; i++)
			done += __atomic_load_n(&r[i].ret, __ATOMIC_ACQUIRE);
	} while (done < N_STRESS && dp_os_now_us() < until);
	CU_ASSERT_EQUAL_FATAL(done, N_STRESS);
	for (unsigned int i = 0; i < N_STRESS; i++) {
		pthread_join(t[i], NULL);
		CU_ASSERT_EQUAL(r[i].bad, 0);
	}
	CU_ASSERT_EQUAL(ran.runs, N_STRESS * STRESS_CALLS);
	CU_ASSERT_EQUAL(ran.overlaps, 0);
	CU_ASSERT_EQUAL(rte_ring_count(far_lc.ctl), 0);
}

/* The driven engine for EAL, and the stand-in lcore's ring. */
static int
ctl_suite_init(void)
{
	if (ut_start(1, NULL) != 0)
		return -1;
	far_eng.driven = false;
	far_lc.eng = &far_eng;
	far_lc.id = FAR_LCORE;
	far_lc.lcore_id = FAR_LCORE;
	return dp_ctl_create(&far_lc) == 0 ? 0 : -1;
}

static int
ctl_suite_clean(void)
{
	dp_ctl_free(&far_lc);
	return ut_stop();
}

static const struct wt_test tests[] = {
	WT_TEST(test_ctl_call_on_a_driven_engine_runs_inline),
	WT_TEST(test_ctl_call_from_the_owner_itself_runs_inline),
	WT_TEST(test_ctl_request_runs_on_the_owner_and_wakes_the_poster),
	WT_TEST(test_ctl_requests_run_in_the_order_posted),
	WT_TEST(test_ctl_concurrent_posters_are_served_one_at_a_time),
	WT_TEST_END
};

static const struct wt_suite suite = {
	.name = "unit_ctl",
	.init = ctl_suite_init,
	.clean = ctl_suite_clean,
	.setup = reset_ran,
	.tests = tests,
};

WT_MAIN(suite)
