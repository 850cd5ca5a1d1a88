/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control ring: an application thread asks an lcore to run a
 * function on its behalf and waits for the answer.
 *
 * State an lcore owns is written by that lcore only; a thread that needs
 * it changed (a socket's address, peer, flags, options) posts a request
 * on the owner's ring (MPSC) and sleeps on the request's done word. The
 * lcore runs requests once per iteration, in the order posted, and wakes
 * the poster. The request lives on the poster's stack: the lcore never
 * touches it after done is set.
 *
 * A driven engine's lcores are stepped by the calling thread itself, and
 * an lcore asking itself runs the function at once: both run inline.
 */
#include <errno.h>
#include <stdio.h>

#include <rte_lcore.h>
#include <rte_pause.h>
#include <rte_ring.h>

#include "dp_core.h"
#include "dp_os.h"
#include "dp_tsan.h"

#define CTL_RING	1024
#define CTL_SPIN_US	50	/* an lcore answers within an iteration */

enum {
	CTL_POSTED,
	CTL_SLEEPING,			/* the poster waits in the OS */
	CTL_DONE,			/* the lcore is done with it */
};

struct dp_ctl {
	dp_ctl_fn *fn;
	void *arg;
	int ret;
	uint32_t state;			/* (a) CTL_* */
};

int
dp_ctl_create(struct dp_lcore *lc)
{
	char name[RTE_RING_NAMESIZE];

	snprintf(name, sizeof(name), "dp_ctl%u", lc->id);
	lc->ctl = rte_ring_create(name, CTL_RING, SOCKET_ID_ANY,
		RING_F_MP_HTS_ENQ | RING_F_SC_DEQ);
	return lc->ctl == NULL ? -ENOMEM : 0;
}

void
dp_ctl_free(struct dp_lcore *lc)
{
	rte_ring_free(lc->ctl);
	lc->ctl = NULL;
}

static void
run(struct dp_lcore *lc, struct dp_ctl *c)
{
	c->ret = c->fn(lc, c->arg);
	/* One exchange publishes the answer and says whether the poster
	 * sleeps: after it, c (on the poster's stack) may be gone, and the
	 * wake uses its address only, never its memory. */
	if (__atomic_exchange_n(&c->state, CTL_DONE, __ATOMIC_ACQ_REL) ==
			CTL_SLEEPING)
		dp_os_wake_all(&c->state);
}

/* The lcore, each iteration (and as it stops, so no poster waits for an
 * lcore that is gone). */
void
dp_ctl_poll(struct dp_lcore *lc)
{
	struct dp_ctl *req[DP_RX_BURST];
	unsigned int n;

	n = rte_ring_sc_dequeue_burst(lc->ctl, (void **)req, DP_RX_BURST,
		NULL);
	for (unsigned int i = 0; i < n; i++)
		run(lc, req[i]);
}

int
dp_ctl_call(struct dp_lcore *lc, dp_ctl_fn *fn, void *arg)
{
	struct dp_ctl c = { .fn = fn, .arg = arg, .state = CTL_POSTED };
	uint64_t until;
	uint32_t st;

	/* On lc's iteration (its thread, or a thread running it to
	 * completion): run inline, nobody else will poll the ring. */
	if (lc->eng->driven || dp_lcore_self() == lc ||
			rte_lcore_id() == lc->lcore_id)
		return fn(lc, arg);
	/* Full means many threads at once; the lcore empties it every
	 * iteration. */
	while (rte_ring_enqueue(lc->ctl, &c) != 0)
		rte_pause();
	dp_lcore_wake(lc);
	until = dp_os_now_us() + CTL_SPIN_US;
	while ((st = __atomic_load_n(&c.state, __ATOMIC_ACQUIRE)) != CTL_DONE) {
		/* Run to completion: run the iteration that takes the
		 * request when the lcore is not running it -- after a
		 * sleep too: a caller preempted past its spin found the
		 * lcore thread held (a test's hold) and slept for ever. */
		if (lc->eng->rtc && dp_lcore_poll_try(lc))
			continue;
		if (dp_os_now_us() < until) {
			rte_pause();
			continue;
		}
		st = CTL_POSTED;
		if (__atomic_compare_exchange_n(&c.state, &st, CTL_SLEEPING,
				false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) ||
				st == CTL_SLEEPING)
			dp_os_wait(&c.state, CTL_SLEEPING, 100000);
	}
	return c.ret;
}
