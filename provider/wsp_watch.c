/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The service thread and the sockets it follows (wsp_watch.h).
 *
 * Each watched socket's dataplane half carries the socket as its watch
 * context; lcores queue the contexts of those that saw an event and the
 * thread takes them in batches (dp_sock_watch_take). Its work grows with
 * the events, not with the sockets watched, and nothing caps their
 * number: on Windows this is not a WaitForMultipleObjects over socket
 * events (64 at most), it is one dataplane queue.
 *
 * A context taken from the queue may be stale (the socket stopped being
 * watched, or its slot was recycled): provider sockets are type-stable,
 * so it is still a wsp_sock, and the thread runs a callback only if one
 * is registered now, under the lock, with a reference taken then.
 *
 * The thread starts on first need and stops in WSPCleanup.
 */
#include <stdbool.h>
#include <stdlib.h>

#include "dp_sock.h"
#include "wsp_error.h"
#include "wsp_log.h"
#include "wsp_ovl.h"
#include "wsp_os.h"
#include "wsp_priv.h"
#include "wsp_sock.h"
#include "wsp_watch.h"

#define TAKE_BATCH	64
#define TAKE_SLICE_US	100000	/* stop is looked at this often */
#define TAKE_HELD_US	1000	/* with zero-copy sends in flight: a
				 * release's kick that came just before
				 * a take began waits no longer */

static struct {
	struct wsp_mutex lock;
	struct wsp_cond cond;
	struct wsp_sock *head;		/* lock: every watched socket */
	unsigned int count;		/* lock */
	struct wsp_thread *thread;	/* lock */
	bool stop;			/* lock */
	unsigned int held;		/* lock: zero-copy sends in flight,
					 * which the thread reaps */
} watch = {
	.lock = WSP_MUTEX_INITIALIZER,
	.cond = WSP_COND_INITIALIZER,
};

/* Whether any user follows ws (lock held). */
static bool
watched(const struct wsp_sock *ws)
{
	for (int u = 0; u < WSP_WATCH_USERS; u++)
		if (ws->watch_fn[u] != NULL)
			return true;
	return false;
}

/* Run ws's callbacks, those it still has (a stale context has none). */
static void
run(struct wsp_sock *ws)
{
	wsp_watch_fn fn[WSP_WATCH_USERS];
	bool any;

	wsp_mutex_lock(&watch.lock);
	for (int u = 0; u < WSP_WATCH_USERS; u++)
		fn[u] = ws->watch_fn[u];
	any = watched(ws);
	if (any)		/* the watchers' reference keeps it open */
		__atomic_fetch_add(&ws->ref, 1, __ATOMIC_ACQ_REL);
	wsp_mutex_unlock(&watch.lock);
	if (!any)
		return;
	/* Events from here on queue it again. */
	dp_sock_watch_rearm(ws->dp);
	for (int u = 0; u < WSP_WATCH_USERS; u++)
		if (fn[u] != NULL)
			fn[u](ws);
	wsp_sock_put(ws);
}

/* The queue overflowed: some events are known only by looking. */
static void
run_all(void)
{
	struct wsp_sock **all;
	unsigned int n = 0;

	wsp_mutex_lock(&watch.lock);
	all = malloc(sizeof(*all) * (watch.count + 1));
	for (struct wsp_sock *ws = watch.head; all != NULL && ws != NULL;
			ws = ws->watch_next) {
		__atomic_fetch_add(&ws->ref, 1, __ATOMIC_ACQ_REL);
		all[n++] = ws;
	}
	wsp_mutex_unlock(&watch.lock);
	if (all == NULL) {
		WSP_LOG(ERR, "no memory to look at every watched socket");
		return;
	}
	for (unsigned int i = 0; i < n; i++) {
		run(all[i]);
		wsp_sock_put(all[i]);
	}
	free(all);
}

static void
service_thread(void *arg)
{
	void *ctx[TAKE_BATCH];

	(void)arg;
	for (;;) {
		bool overflow = false;
		int n;

		wsp_mutex_lock(&watch.lock);
		int64_t slice;

		if (!watch.stop && watch.count == 0 && watch.held == 0)
			wsp_cond_wait(&watch.cond, &watch.lock, 1000);
		if (watch.stop) {
			wsp_mutex_unlock(&watch.lock);
			return;
		}
		slice = watch.held != 0 ? TAKE_HELD_US : TAKE_SLICE_US;
		wsp_mutex_unlock(&watch.lock);
		wsp_ovl_zc_reap(true);
		n = dp_sock_watch_take(ctx, TAKE_BATCH, slice, &overflow);
		if (n < 0) {		/* the dataplane is stopping */
			wsp_sleep_us(1000);
			continue;
		}
		if (overflow)
			run_all();
		for (int i = 0; i < n; i++)
			run(ctx[i]);
		wsp_ovl_zc_reap(true);
	}
}

/* The service thread, started on first need (lock held): 0, or
 * WSAENOBUFS. */
static int
thread_up(void)
{
	if (watch.thread == NULL && wsp_thread_start(&watch.thread,
			service_thread, NULL) != 0) {
		watch.thread = NULL;
		return WSAENOBUFS;
	}
	return 0;
}

int
wsp_watch_hold(void)
{
	int err;

	wsp_mutex_lock(&watch.lock);
	err = thread_up();
	if (err == 0) {
		watch.held++;
		wsp_cond_broadcast(&watch.cond);
	}
	wsp_mutex_unlock(&watch.lock);
	return err;
}

void
wsp_watch_unhold(void)
{
	wsp_mutex_lock(&watch.lock);
	watch.held--;
	wsp_mutex_unlock(&watch.lock);
}

int
wsp_watch_add(struct wsp_sock *ws, enum wsp_watch_user u, wsp_watch_fn fn)
{
	int err;

	wsp_mutex_lock(&watch.lock);
	err = thread_up();
	if (err == 0 && !watched(ws)) {
		ws->watch_fn[u] = fn;
		ws->watch_prev = NULL;
		ws->watch_next = watch.head;
		if (watch.head != NULL)
			watch.head->watch_prev = ws;
		watch.head = ws;
		watch.count++;
		dp_sock_watch_set(ws->dp, ws);
		wsp_cond_broadcast(&watch.cond);
	} else if (err == 0) {
		ws->watch_fn[u] = fn;
	}
	wsp_mutex_unlock(&watch.lock);
	/* What happened before the watch began was queued for nobody. */
	if (err == 0)
		dp_sock_watch_signal(ws->dp);
	return err;
}

void
wsp_watch_del(struct wsp_sock *ws, enum wsp_watch_user u)
{
	bool was;

	wsp_mutex_lock(&watch.lock);
	was = watched(ws);
	ws->watch_fn[u] = NULL;
	if (was && !watched(ws)) {
		dp_sock_watch_set(ws->dp, NULL);
		if (ws->watch_prev != NULL)
			ws->watch_prev->watch_next = ws->watch_next;
		else
			watch.head = ws->watch_next;
		if (ws->watch_next != NULL)
			ws->watch_next->watch_prev = ws->watch_prev;
		ws->watch_next = ws->watch_prev = NULL;
		watch.count--;
	}
	wsp_mutex_unlock(&watch.lock);
}

void
wsp_watch_shutdown(void)
{
	struct wsp_thread *t;

	wsp_mutex_lock(&watch.lock);
	watch.stop = true;
	t = watch.thread;
	watch.thread = NULL;
	wsp_cond_broadcast(&watch.cond);
	wsp_mutex_unlock(&watch.lock);
	dp_sock_watch_kick();
	if (t != NULL)
		wsp_thread_join(t);
	wsp_mutex_lock(&watch.lock);
	watch.stop = false;
	wsp_mutex_unlock(&watch.lock);
}
