/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wsp_ospath_poll.c: the one thread that looks at the OS path's pending
 * work every millisecond while there is some (issue #15 item 2): the
 * overlapped ops' ends (wsp_ospath_ovl.c) and the events recorded for
 * WSPAsyncSelect (wsp_ospath_async.c). Each user's tick takes its own
 * lock and says whether work is left; with none the thread sleeps
 * until a user kicks it (bounded 1 s waits). Up to 1 ms of latency.
 *
 * State: under pl.lock; the ticks run without it, so a user may start
 * or kick the thread under its own lock.
 */
#include "wsp_os.h"
#include "wsp_ospath.h"

static struct {
	struct wsp_mutex lock;
	struct wsp_cond cond;
	struct wsp_thread *thread;	/* lock */
	bool run;			/* lock */
	bool kicked;			/* lock: work came since the tick */
} pl = {
	.lock = WSP_MUTEX_INITIALIZER,
	.cond = WSP_COND_INITIALIZER,
};

static void
poll_main(void *arg)
{
	(void)arg;
	wsp_mutex_lock(&pl.lock);
	while (pl.run) {
		bool busy;

		pl.kicked = false;
		wsp_mutex_unlock(&pl.lock);
		busy = wsp_ospath_ovl_tick();
		busy = wsp_ospath_async_tick() || busy;
		wsp_mutex_lock(&pl.lock);
		if (pl.run && !pl.kicked)
			wsp_cond_wait(&pl.cond, &pl.lock, busy ? 1 : 1000);
	}
	wsp_mutex_unlock(&pl.lock);
}

int
wsp_ospath_poll_start(void)
{
	int e = 0;

	wsp_mutex_lock(&pl.lock);
	if (pl.thread == NULL) {
		pl.run = true;
		if (wsp_thread_start(&pl.thread, poll_main, NULL) != 0) {
			pl.thread = NULL;
			e = WSAENOBUFS;
		}
	}
	wsp_mutex_unlock(&pl.lock);
	return e;
}

void
wsp_ospath_poll_kick(void)
{
	wsp_mutex_lock(&pl.lock);
	pl.kicked = true;
	wsp_cond_broadcast(&pl.cond);
	wsp_mutex_unlock(&pl.lock);
}

void
wsp_ospath_poll_stop(void)
{
	struct wsp_thread *t;

	wsp_mutex_lock(&pl.lock);
	t = pl.thread;
	pl.thread = NULL;
	pl.run = false;
	wsp_cond_broadcast(&pl.cond);
	wsp_mutex_unlock(&pl.lock);
	if (t != NULL)
		wsp_thread_join(t);
}
