/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ws2_event.c: events, waits, APCs, posted messages, overlapped completion.
 *
 * Events are manual-reset, as WSACreateEvent's are.  All event and APC
 * state is guarded by one lock (sync_lock); each thread that may wait owns
 * a record with its condition variable and APC queue.  A thread blocked in
 * a wait is on the `waiters` list with the events it waits for, so
 * WSASetEvent wakes only the threads concerned.  An APC runs in the
 * thread it was queued to, and only during an alertable wait
 * (WSAWaitForMultipleEvents, SleepEx), as on Windows.  A thread's record
 * dies with the thread: pending APCs are dropped and later WPUQueueApc
 * calls naming it fail.
 *
 * WPUCompleteOverlappedRequest completes the WSAOVERLAPPED, signals its
 * event and queues a packet on the socket's completion port (ws2_iocp.c).
 */

#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "ws2_priv.h"

struct ws2_apc {
	struct ws2_apc *next;
	LPWSAUSERAPC fn;
	DWORD_PTR ctx;
};

struct ws2_thread {
	uint64_t th_handle;		/* (c) in ws2_threads */
	pthread_cond_t th_cond;		/* (c) signalled under sync_lock */
	struct ws2_apc *th_apc_head;	/* (s) */
	struct ws2_apc *th_apc_tail;	/* (s) */
	const WSAEVENT *th_wait;	/* (s) events waited for, if waiting */
	DWORD th_nwait;			/* (s) */
	struct ws2_thread *th_next;	/* (s) on the waiters list */
};

struct ws2_event {
	bool ev_signaled;		/* (s) */
};

struct ws2_msgq {
	struct ws2_msgq *next;
	struct ws2_stub_msg m;
};

/* (s) = guarded by sync_lock. */
static pthread_mutex_t sync_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ws2_thread *waiters;
WS2_HTAB_DEFINE(static, ws2_events, 12);
WS2_HTAB_DEFINE(static, ws2_threads, 12);

static pthread_once_t thread_once = PTHREAD_ONCE_INIT;
static pthread_key_t thread_key;
/* initial-exec: as last_error (ws2_startup.c), read on every call that
 * passes its WSATHREADID. */
static _Thread_local struct ws2_thread *thread_self
	__attribute__((tls_model("initial-exec")));

static pthread_mutex_t msg_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t msg_cond = PTHREAD_COND_INITIALIZER;
static struct ws2_msgq *msg_head, *msg_tail;

static void
thread_exit(void *arg)
{
	struct ws2_thread *t = arg;
	struct ws2_apc *a;

	pthread_mutex_lock(&sync_lock);
	ws2_htab_free(&ws2_threads, t->th_handle, NULL);
	while ((a = t->th_apc_head) != NULL) {
		t->th_apc_head = a->next;
		free(a);
	}
	pthread_mutex_unlock(&sync_lock);
	pthread_cond_destroy(&t->th_cond);
	free(t);
}

static void
thread_key_init(void)
{
	pthread_key_create(&thread_key, thread_exit);
}

/* The calling thread's record, created on first use; NULL if out of memory. */
static struct ws2_thread *
thread_get(void)
{
	struct ws2_thread *t = thread_self;
	pthread_condattr_t ca;

	if (t != NULL)
		return t;
	pthread_once(&thread_once, thread_key_init);
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&t->th_cond, &ca);
	pthread_condattr_destroy(&ca);
	t->th_handle = ws2_htab_alloc(&ws2_threads, (uintptr_t)t);
	if (t->th_handle == 0) {
		pthread_cond_destroy(&t->th_cond);
		free(t);
		return NULL;
	}
	pthread_setspecific(thread_key, t);
	thread_self = t;
	return t;
}

void
ws2_thread_id(LPWSATHREADID id)
{
	struct ws2_thread *t = thread_get();

	id->ThreadHandle = t != NULL ? (HANDLE)(uintptr_t)t->th_handle : NULL;
	id->Reserved = 0;
}

/* Under sync_lock. */
static struct ws2_event *
event_get(WSAEVENT h)
{
	uintptr_t ctx;

	if (ws2_htab_lookup(&ws2_events, (uintptr_t)h, &ctx) != 0)
		return NULL;
	return (struct ws2_event *)ctx;
}

/* Under sync_lock: wake the threads waiting for h. */
static void
event_wake(WSAEVENT h)
{
	struct ws2_thread *w;
	DWORD i;

	for (w = waiters; w != NULL; w = w->th_next)
		for (i = 0; i < w->th_nwait; i++)
			if (w->th_wait[i] == h) {
				pthread_cond_signal(&w->th_cond);
				break;
			}
}

static int
event_set(WSAEVENT h, bool signaled)
{
	struct ws2_event *ev;

	pthread_mutex_lock(&sync_lock);
	ev = event_get(h);
	if (ev != NULL) {
		ev->ev_signaled = signaled;
		if (signaled)
			event_wake(h);
	}
	pthread_mutex_unlock(&sync_lock);
	return ev != NULL ? 0 : -1;
}

WSAEVENT WSPAPI
ws2_wpu_create_event(LPINT err)
{
	struct ws2_event *ev = calloc(1, sizeof(*ev));
	uint64_t h;

	if (ev == NULL) {
		*err = WSA_NOT_ENOUGH_MEMORY;
		return WSA_INVALID_EVENT;
	}
	h = ws2_htab_alloc(&ws2_events, (uintptr_t)ev);
	if (h == 0) {
		free(ev);
		*err = WSA_NOT_ENOUGH_MEMORY;
		return WSA_INVALID_EVENT;
	}
	return (WSAEVENT)(uintptr_t)h;
}

BOOL WSPAPI
ws2_wpu_close_event(WSAEVENT h, LPINT err)
{
	uintptr_t ctx;
	int ret;

	/* Under sync_lock so that no waiter still reads the event. */
	pthread_mutex_lock(&sync_lock);
	ret = ws2_htab_free(&ws2_events, (uintptr_t)h, &ctx);
	pthread_mutex_unlock(&sync_lock);
	if (ret != 0) {
		*err = WSA_INVALID_HANDLE;
		return FALSE;
	}
	free((struct ws2_event *)ctx);
	return TRUE;
}

BOOL WSPAPI
ws2_wpu_set_event(WSAEVENT h, LPINT err)
{
	if (event_set(h, true) != 0) {
		*err = WSA_INVALID_HANDLE;
		return FALSE;
	}
	return TRUE;
}

BOOL WSPAPI
ws2_wpu_reset_event(WSAEVENT h, LPINT err)
{
	if (event_set(h, false) != 0) {
		*err = WSA_INVALID_HANDLE;
		return FALSE;
	}
	return TRUE;
}

WSAEVENT WSAAPI
WSACreateEvent(void)
{
	int err;
	WSAEVENT h = ws2_wpu_create_event(&err);

	if (h == WSA_INVALID_EVENT)
		ws2_fail(err);
	return h;
}

BOOL WSAAPI
WSACloseEvent(WSAEVENT h)
{
	int err;

	return ws2_wpu_close_event(h, &err) ? TRUE : (ws2_fail(err), FALSE);
}

BOOL WSAAPI
WSASetEvent(WSAEVENT h)
{
	int err;

	return ws2_wpu_set_event(h, &err) ? TRUE : (ws2_fail(err), FALSE);
}

BOOL WSAAPI
WSAResetEvent(WSAEVENT h)
{
	int err;

	return ws2_wpu_reset_event(h, &err) ? TRUE : (ws2_fail(err), FALSE);
}

unsigned
ws2_stub_event_count(void)
{
	return ws2_htab_live(&ws2_events);
}

/* Under sync_lock: WSA_WAIT_EVENT_0 + i, WSA_WAIT_TIMEOUT if none ready. */
static DWORD
events_ready(DWORD n, const WSAEVENT *evs, BOOL all)
{
	struct ws2_event *ev;
	DWORD i, nset = 0;

	for (i = 0; i < n; i++) {
		ev = event_get(evs[i]);
		if (ev == NULL) {
			ws2_fail(WSA_INVALID_HANDLE);
			return WSA_WAIT_FAILED;
		}
		if (!ev->ev_signaled)
			continue;
		if (!all)
			return WSA_WAIT_EVENT_0 + i;
		nset++;
	}
	return all && nset == n ? WSA_WAIT_EVENT_0 : WSA_WAIT_TIMEOUT;
}

/* Under sync_lock, which is dropped while each APC runs. */
static void
run_apcs(struct ws2_thread *t)
{
	struct ws2_apc *a;

	while ((a = t->th_apc_head) != NULL) {
		t->th_apc_head = a->next;
		if (t->th_apc_head == NULL)
			t->th_apc_tail = NULL;
		pthread_mutex_unlock(&sync_lock);
		a->fn(a->ctx);
		free(a);
		pthread_mutex_lock(&sync_lock);
	}
}

static void
waiters_remove(struct ws2_thread *t)
{
	struct ws2_thread **p;

	for (p = &waiters; *p != NULL; p = &(*p)->th_next)
		if (*p == t) {
			*p = t->th_next;
			break;
		}
	t->th_nwait = 0;
	t->th_wait = NULL;
}

/* WSAWaitForMultipleEvents and SleepEx (n == 0). */
static DWORD
wait_common(DWORD n, const WSAEVENT *evs, BOOL all, DWORD ms, BOOL alertable)
{
	struct ws2_thread *t = thread_get();
	struct timespec deadline;
	bool expired = false;
	DWORD ret;

	if (t == NULL) {
		ws2_fail(WSA_NOT_ENOUGH_MEMORY);
		return WSA_WAIT_FAILED;
	}
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += ms / 1000;
	deadline.tv_nsec += (long)(ms % 1000) * 1000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&sync_lock);
	for (;;) {
		/* Windows delivers queued APCs before looking at the objects. */
		if (alertable && t->th_apc_head != NULL) {
			run_apcs(t);
			ret = WSA_WAIT_IO_COMPLETION;
			break;
		}
		ret = events_ready(n, evs, all);
		if (ret != WSA_WAIT_TIMEOUT || ms == 0 || expired)
			break;
		t->th_wait = evs;
		t->th_nwait = n;
		t->th_next = waiters;
		waiters = t;
		if (ms == WSA_INFINITE)
			pthread_cond_wait(&t->th_cond, &sync_lock);
		else if (pthread_cond_timedwait(&t->th_cond, &sync_lock,
						&deadline) == ETIMEDOUT)
			expired = true;
		waiters_remove(t);
	}
	pthread_mutex_unlock(&sync_lock);
	return ret;
}

DWORD WSAAPI
WSAWaitForMultipleEvents(DWORD n, const WSAEVENT *evs, BOOL all, DWORD ms,
			 BOOL alertable)
{
	if (n == 0 || n > WSA_MAXIMUM_WAIT_EVENTS || evs == NULL) {
		ws2_fail(WSA_INVALID_PARAMETER);
		return WSA_WAIT_FAILED;
	}
	return wait_common(n, evs, all, ms, alertable);
}

/* kernel32's SleepEx: 0 when the time elapsed, WAIT_IO_COMPLETION (0xC0). */
DWORD WSAAPI
SleepEx(DWORD ms, BOOL alertable)
{
	DWORD ret = wait_common(0, NULL, FALSE, ms, alertable);

	return ret == WSA_WAIT_IO_COMPLETION ? ret : 0;
}

int WSPAPI
ws2_wpu_queue_apc(LPWSATHREADID tid, LPWSAUSERAPC fn, DWORD_PTR ctx,
		  LPINT err)
{
	struct ws2_apc *a;
	uintptr_t t;

	if (tid == NULL || fn == NULL) {
		*err = WSAEFAULT;
		return SOCKET_ERROR;
	}
	a = malloc(sizeof(*a));
	if (a == NULL) {
		*err = WSA_NOT_ENOUGH_MEMORY;
		return SOCKET_ERROR;
	}
	a->next = NULL;
	a->fn = fn;
	a->ctx = ctx;
	pthread_mutex_lock(&sync_lock);
	if (ws2_htab_lookup(&ws2_threads, (uintptr_t)tid->ThreadHandle,
			    &t) != 0) {
		pthread_mutex_unlock(&sync_lock);
		free(a);
		*err = WSAEFAULT;
		return SOCKET_ERROR;
	}
	if (((struct ws2_thread *)t)->th_apc_tail != NULL)
		((struct ws2_thread *)t)->th_apc_tail->next = a;
	else
		((struct ws2_thread *)t)->th_apc_head = a;
	((struct ws2_thread *)t)->th_apc_tail = a;
	pthread_cond_signal(&((struct ws2_thread *)t)->th_cond);
	pthread_mutex_unlock(&sync_lock);
	return 0;
}

/* Ids opened and not closed: on Windows each holds a thread handle
 * (WPUOpenCurrentThread duplicates one, WPUCloseThread closes it). */
static unsigned int thread_ids_open;

int WSPAPI
ws2_wpu_open_current_thread(LPWSATHREADID tid, LPINT err)
{
	if (tid == NULL) {
		*err = WSAEFAULT;
		return SOCKET_ERROR;
	}
	ws2_thread_id(tid);
	if (tid->ThreadHandle == NULL) {
		*err = WSA_NOT_ENOUGH_MEMORY;
		return SOCKET_ERROR;
	}
	__atomic_fetch_add(&thread_ids_open, 1, __ATOMIC_RELAXED);
	return 0;
}

/* The record belongs to its thread; closing an id validates it and
 * counts the handle Windows would close. */
int WSPAPI
ws2_wpu_close_thread(LPWSATHREADID tid, LPINT err)
{
	if (tid == NULL || ws2_htab_lookup(&ws2_threads,
			(uintptr_t)tid->ThreadHandle, NULL) != 0) {
		*err = WSAEINVAL;
		return SOCKET_ERROR;
	}
	__atomic_fetch_sub(&thread_ids_open, 1, __ATOMIC_RELAXED);
	return 0;
}

unsigned
ws2_stub_thread_ids_open(void)
{
	return __atomic_load_n(&thread_ids_open, __ATOMIC_RELAXED);
}

BOOL WSPAPI
ws2_wpu_post_message(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp)
{
	struct ws2_msgq *q = malloc(sizeof(*q));

	if (q == NULL)
		return FALSE;
	q->next = NULL;
	q->m = (struct ws2_stub_msg){ hwnd, msg, wp, lp };
	pthread_mutex_lock(&msg_lock);
	if (msg_tail != NULL)
		msg_tail->next = q;
	else
		msg_head = q;
	msg_tail = q;
	pthread_cond_broadcast(&msg_cond);
	pthread_mutex_unlock(&msg_lock);
	return TRUE;
}

int
ws2_stub_get_message(struct ws2_stub_msg *m, DWORD timeout_ms)
{
	struct ws2_msgq *q;
	struct timespec deadline;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&msg_lock);
	while (msg_head == NULL &&
	       pthread_cond_timedwait(&msg_cond, &msg_lock, &deadline) == 0)
		;
	q = msg_head;
	if (q != NULL) {
		msg_head = q->next;
		if (msg_head == NULL)
			msg_tail = NULL;
	}
	pthread_mutex_unlock(&msg_lock);
	if (q == NULL)
		return 0;
	*m = q->m;
	free(q);
	return 1;
}

void
ws2_stub_flush_messages(void)
{
	struct ws2_stub_msg m;

	while (ws2_stub_get_message(&m, 0))
		;
}

/*
 * Exported by Ws2_32 itself (not an upcall): the provider .so resolves it
 * against this library when it is dlopened.  InternalHigh is published
 * before Internal leaves WSS_OPERATION_IN_PROGRESS, as the SPI promises;
 * the provider has already stored the error and flags in OffsetHigh and
 * Offset.  Bit 0 of hEvent means "no IOCP packet", as on Windows.
 */
int WSPAPI
WPUCompleteOverlappedRequest(SOCKET s, LPWSAOVERLAPPED ov, DWORD error,
			     DWORD bytes, LPINT err)
{
	WSAEVENT ev;
	uintptr_t hev;
	int e;

	if (ws2_htab_lookup(&ws2_sockets, s, NULL) != 0) {
		*err = WSAEINVAL;
		return SOCKET_ERROR;
	}
	if (ov == NULL) {
		*err = WSAEFAULT;
		return SOCKET_ERROR;
	}
	/* The event is read first: once Internal says done, the WSAOVERLAPPED
	 * is the caller's again and may already be reused. */
	hev = (uintptr_t)ov->hEvent;
	ev = (WSAEVENT)(hev & ~(uintptr_t)1);
	ov->InternalHigh = bytes;
	__atomic_store_n(&ov->Internal, 0, __ATOMIC_RELEASE);
	if (ev != WSA_INVALID_EVENT)
		ws2_wpu_set_event(ev, &e);
	/* The packet comes last: its consumer reads the finished overlapped. */
	ws2_iocp_complete(s, ov, hev, error, bytes);
	return 0;
}
