/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Provider socket objects: handles, references, close (see wsp_sock.h).
 */
#include <stdlib.h>
#include <string.h>

#include "dp_sock.h"
#include "wsp_error.h"
#include "wsp_evsel.h"
#include "wsp_log.h"
#include "wsp_ospath.h"
#include "wsp_ovl.h"
#include "wsp_pinfo.h"
#include "wsp_priv.h"
#include "wsp_sock.h"

#define CHUNK		64
#define CLOSE_ALL_WAIT_US	(10 * 1000 * 1000)

/* Type-stable storage: chunks are never freed (see wsp_sock.h). */
static struct wsp_mutex pool_lock = WSP_MUTEX_INITIALIZER;
static struct wsp_sock *free_list;	/* pool_lock */
static struct wsp_sock *open_list;	/* pool_lock */
static unsigned int open_count;		/* pool_lock */

/*
 * WSPSocket calls between dp_sock_create and their socket being listed:
 * wsp_sock_close_all() refuses new ones and waits these out, or a socket
 * made meanwhile would escape it and outlive the engine. (a) both.
 */
static uint32_t creating;
static bool refusing;

/*
 * Handle -> socket without the upcall: each entry, indexed by a
 * handle's low bits (handles are multiples of 4), is the socket last
 * opened with a handle there. Only a hint, never cleared: the socket is
 * taken as the upcall's would be (a reference, then its handle
 * compared), so an entry that is stale, recycled or shared by two
 * handles costs the upcall, never a wrong socket. (a) entries.
 */
#define HINT_BITS	12
static struct wsp_sock *hint[1u << HINT_BITS];

static inline struct wsp_sock **
hint_of(SOCKET s)
{
	return &hint[((uintptr_t)s >> 2) & ((1u << HINT_BITS) - 1)];
}

int
wsp_fail(int neg_errno, LPINT lpErrno)
{
	*lpErrno = wsp_error_from_errno(neg_errno);
	return SOCKET_ERROR;
}

static struct wsp_sock *
slot_alloc(void)
{
	struct wsp_sock *ws;

	wsp_mutex_lock(&pool_lock);
	if (free_list == NULL) {
		struct wsp_sock *chunk = calloc(CHUNK, sizeof(*chunk));

		for (int i = 0; chunk != NULL && i < CHUNK; i++) {
			chunk[i].next = free_list;
			free_list = &chunk[i];
		}
	}
	ws = free_list;
	if (ws != NULL)
		free_list = ws->next;
	wsp_mutex_unlock(&pool_lock);
	return ws;
}

static void
list_add(struct wsp_sock *ws)
{
	wsp_mutex_lock(&pool_lock);
	ws->prev = NULL;
	ws->next = open_list;
	if (open_list != NULL)
		open_list->prev = ws;
	open_list = ws;
	open_count++;
	wsp_mutex_unlock(&pool_lock);
}

/* Back to the pool; the memory stays valid for stale lookups. */
static void
slot_free(struct wsp_sock *ws, bool listed)
{
	wsp_mutex_lock(&pool_lock);
	if (listed) {
		if (ws->prev != NULL)
			ws->prev->next = ws->next;
		else
			open_list = ws->next;
		if (ws->next != NULL)
			ws->next->prev = ws->prev;
		open_count--;
	}
	__atomic_store_n(&ws->handle, INVALID_SOCKET, __ATOMIC_RELAXED);
	ws->dp = NULL;
	__atomic_store_n(&ws->ref, 0, __ATOMIC_RELEASE);
	ws->next = free_list;
	free_list = ws;
	wsp_mutex_unlock(&pool_lock);
}

void
wsp_sock_accept_new(void)
{
	__atomic_store_n(&refusing, false, __ATOMIC_SEQ_CST);
}

/* A new provider socket with its handle (the dataplane's half too). */
static SOCKET
sock_open(const struct wsp_sock_attr *attr, LPINT err)
{
	DWORD catalog_id = attr->info != NULL ? attr->info->dwCatalogEntryId :
		0;
	struct wsp_sock *ws;
	struct dp_sock *dp;
	SOCKET h;
	int ret;

	dp = attr->adopt;
	if (dp == NULL) {
		ret = dp_sock_create(attr->protocol, &dp);
		if (ret != 0) {
			*err = wsp_error_from_errno(ret);
			return INVALID_SOCKET;
		}
	}
	ws = slot_alloc();
	if (ws != NULL && (ws->info = wsp_pinfo_get(attr->info)) == NULL) {
		slot_free(ws, false);
		ws = NULL;
	}
	if (ws == NULL) {
		dp_sock_close(dp, DP_CLOSE_ABORT);
		*err = WSAENOBUFS;
		return INVALID_SOCKET;
	}
	ws->dp = dp;
	ws->type = attr->type;
	ws->protocol = attr->protocol;
	ws->overlapped = attr->overlapped;
	ws->nonblocking = false;
	ws->linger = 0;
	ws->keepalive = false;
	ws->pktinfo = false;
	ws->recvtos = false;
	ws->recvttl = false;
	ws->netreset = false;
	ws->unicast_if = 0;
	ws->ts_rx = false;
	ws->ts_tx = false;
	/* An accepted OS provider socket is on the OS path from birth, an
	 * accepted dataplane connection on the dataplane's (it notes no
	 * options for an OS socket it will never have). */
	ws->os_opts = NULL;
	__atomic_store_n(&ws->os_ref, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&ws->lower, attr->lower, __ATOMIC_RELAXED);
	__atomic_store_n(&ws->path, attr->lower != 0 ? WSP_PATH_OS :
		attr->adopt != NULL ? WSP_PATH_DP : WSP_PATH_UNDECIDED,
		__ATOMIC_RELAXED);
	if (attr->parent != NULL) {
		ws->nonblocking = __atomic_load_n(&attr->parent->nonblocking,
			__ATOMIC_RELAXED);
		ws->linger = __atomic_load_n(&attr->parent->linger,
			__ATOMIC_RELAXED);
		ws->keepalive = __atomic_load_n(&attr->parent->keepalive,
			__ATOMIC_RELAXED);
	}
	ws->abort_on_close = false;
	ws->connecting = false;
	ws->ext_ctx = 0;
	ws->deferred = NULL;
	wsp_evsel_init(ws);
	h = WSP_UPCALL(lpWPUCreateSocketHandle)(catalog_id, (DWORD_PTR)ws,
		err);
	if (h == INVALID_SOCKET) {
		wsp_pinfo_put(ws->info);
		slot_free(ws, false);
		dp_sock_close(dp, DP_CLOSE_ABORT);
		return INVALID_SOCKET;
	}
	/* Atomic: wsp_sock_get peeks at it through the hint unreferenced. */
	__atomic_store_n(&ws->handle, h, __ATOMIC_RELAXED);
	__atomic_store_n(hint_of(h), ws, __ATOMIC_RELEASE);
	/* Published last: a lookup sees a complete object or none, and
	 * ws is not ours to read once it is listed (a close may recycle it
	 * at once). */
	__atomic_store_n(&ws->ref, 1, __ATOMIC_RELEASE);
	list_add(ws);
	return h;
}

SOCKET
wsp_sock_open(const struct wsp_sock_attr *attr, LPINT err)
{
	SOCKET h = INVALID_SOCKET;

	/* Dekker with wsp_sock_close_all(): it sees our count, or we see
	 * it refusing. */
	__atomic_fetch_add(&creating, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&refusing, __ATOMIC_SEQ_CST)) {
		*err = WSAENETDOWN;
		if (attr->adopt != NULL)
			dp_sock_close(attr->adopt, DP_CLOSE_ABORT);
	} else {
		h = sock_open(attr, err);
	}
	__atomic_fetch_sub(&creating, 1, __ATOMIC_RELEASE);
	return h;
}

/* A reference on ws unless it is free, unpublished or closing. */
static inline bool
ref_take(struct wsp_sock *ws)
{
	uint32_t v = __atomic_load_n(&ws->ref, __ATOMIC_ACQUIRE);

	do {
		if (v == 0 || (v & WSP_SOCK_CLOSING))
			return false;
	} while (!__atomic_compare_exchange_n(&ws->ref, &v, v + 1, false,
			__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
	return true;
}

/* ws, referenced, if it is still s's (handle is constant while a
 * reference is held: a slot is recycled only after its last one). */
static inline bool
take_if(struct wsp_sock *ws, SOCKET s)
{
	if (!ref_take(ws))
		return false;
	if (ws->handle == s)
		return true;
	wsp_sock_put(ws);
	return false;
}

struct wsp_sock *
wsp_sock_get(SOCKET s, LPINT err)
{
	struct wsp_sock *ws = __atomic_load_n(hint_of(s), __ATOMIC_ACQUIRE);
	DWORD_PTR ctx = 0;
	int e;

	/* The handle first, without a reference: an entry another handle
	 * took over (more than 1 << HINT_BITS sockets) must not make every
	 * call bounce that socket's reference line. */
	if (ws != NULL && __atomic_load_n(&ws->handle, __ATOMIC_RELAXED) == s &&
			take_if(ws, s))
		return ws;
	if (WSP_UPCALL(lpWPUQuerySocketHandleContext)(s, &ctx, &e) == 0 &&
			ctx != 0 && take_if((struct wsp_sock *)ctx, s))
		return (struct wsp_sock *)ctx;
	*err = WSAENOTSOCK;
	return NULL;
}

void
wsp_sock_put(struct wsp_sock *ws)
{
	uint32_t v = __atomic_sub_fetch(&ws->ref, 1, __ATOMIC_ACQ_REL);

	if (v != WSP_SOCK_CLOSING)
		return;
	/* Last reference of a closed socket. A WSAEventSelect that
	 * resolved the handle before the close and registered after it
	 * (wsp_evsel_close had found nothing) would leave the slot
	 * watched: the next socket in it would inherit the registration
	 * and its own never reach the lcores. (Overlapped operations
	 * cannot: wsp_ovl.c queues none on a closing socket, under the
	 * lock its cancel takes.) */
	wsp_watch_del(ws, WSP_WATCH_EVSEL);
	/* A deferred connection was never accepted: it is refused as the
	 * listener's queue is. */
	if (ws->deferred != NULL)
		dp_sock_close(ws->deferred, DP_CLOSE_ABORT);
	ws->deferred = NULL;
	dp_sock_close(ws->dp, ws->abort_on_close ? DP_CLOSE_ABORT :
		DP_CLOSE_GRACEFUL);
	wsp_ospath_forget(ws);
	wsp_pinfo_put(ws->info);
	slot_free(ws, true);
}

bool
wsp_sock_close(struct wsp_sock *ws, bool abortive, bool notify)
{
	uint32_t v = __atomic_fetch_or(&ws->ref, WSP_SOCK_CLOSING,
		__ATOMIC_ACQ_REL);
	int err;

	if (v & WSP_SOCK_CLOSING) {
		wsp_sock_put(ws);
		return false;
	}
	__atomic_store_n(&ws->abort_on_close, abortive, __ATOMIC_RELAXED);
	/* Threads blocked on it return WSAEINTR and drop their refs; the
	 * overlapped receives pending on it drop theirs, completing
	 * through WPUCompleteOverlappedRequest, which needs the handle:
	 * release it only after them. */
	dp_sock_interrupt(ws->dp);
	if (wsp_ospath_maybe(ws))
		wsp_ospath_close(ws, notify);
	wsp_evsel_close(ws);
	wsp_ovl_cancel(ws, notify);
	WSP_UPCALL(lpWPUCloseSocketHandle)(ws->handle, &err);
	wsp_sock_put(ws);	/* the handle's own reference */
	wsp_sock_put(ws);	/* the caller's */
	return true;
}

static bool
linger_abortive(const struct wsp_sock *ws)
{
	uint32_t l = __atomic_load_n(&ws->linger, __ATOMIC_RELAXED);

	return (l >> 16) != 0 && (l & 0xffff) == 0;
}

void
wsp_sock_close_all(void)
{
	uint64_t deadline = wsp_clock_us() + CLOSE_ALL_WAIT_US;
	struct wsp_sock *ws;
	int err;

	__atomic_store_n(&refusing, true, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&creating, __ATOMIC_ACQUIRE) != 0)
		wsp_sleep_us(10);
	for (;;) {
		SOCKET h = INVALID_SOCKET;

		wsp_mutex_lock(&pool_lock);
		for (ws = open_list; ws != NULL; ws = ws->next) {
			if (!(__atomic_load_n(&ws->ref, __ATOMIC_ACQUIRE) &
					WSP_SOCK_CLOSING)) {
				h = ws->handle;
				break;
			}
		}
		wsp_mutex_unlock(&pool_lock);
		if (h == INVALID_SOCKET)
			break;
		ws = wsp_sock_get(h, &err);
		/* WSPCleanup: still-open sockets go as if closed, keeping
		 * their linger choice (graceful unless {1,0}). */
		if (ws != NULL)
			wsp_sock_close(ws, linger_abortive(ws), false);
	}
	/* Interrupted calls are on their way out; wait for the last. */
	for (;;) {
		unsigned int n;

		wsp_mutex_lock(&pool_lock);
		n = open_count;
		wsp_mutex_unlock(&pool_lock);
		if (n == 0)
			return;
		/* Never on: the dataplane would be freed under a call.
		 * Every blocked call has been interrupted, so only one
		 * the scheduler keeps off a CPU can still be inside. */
		if (deadline != 0 && wsp_clock_us() >= deadline) {
			WSP_LOG(WARNING, "%u sockets still in use by "
				"application threads after %u s; waiting",
				n, CLOSE_ALL_WAIT_US / 1000000);
			deadline = 0;
		}
		wsp_sleep_us(100);
	}
}

int
wsp_sock_wait(struct wsp_sock *ws, unsigned int events, int64_t timeout_us)
{
	return dp_sock_wait(ws->dp, events, timeout_us);
}
