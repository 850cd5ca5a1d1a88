/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The mbuf pool shared by many application threads: per-thread caches
 * go back when their thread exits and together never hold more than a
 * small share of the pool, so threads that come and go, or many that
 * live at once, never make sends fail for want of mbufs others hoard.
 * A blocking send that finds the pool dry waits for it (SO_SNDTIMEO
 * bounds the wait), as it waits for room in its ring.
 *
 * Each case restarts Winsock with the pool size it needs, and puts back
 * the runner's afterwards.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "wt.h"
#include "udp_api.h"

static char runner_mbufs[32];

/* Winsock again, with a pool of n mbufs. */
static void
restart_with_mbufs(const char *n)
{
	WSADATA d;

	CU_ASSERT_EQUAL_FATAL(WSACleanup(), 0);
	if (n[0] != '\0')
		setenv("WSPDK_MBUFS", n, 1);
	else
		unsetenv("WSPDK_MBUFS");
	CU_ASSERT_EQUAL_FATAL(WSAStartup(MAKEWORD(2, 2), &d), 0);
}

struct job {
	SOCKET tx;
	struct sockaddr_in to;
	int per_thread;
	int ok, failed, last_error;	/* atomic */
	pthread_barrier_t *hold;	/* NULL: exit at once */
};

static void *
sender(void *arg)
{
	struct job *j = arg;

	for (int i = 0; i < j->per_thread; i++) {
		if (sendto(j->tx, "x", 1, 0, PT_SA(j->to), PT_SIN_LEN) == 1) {
			__atomic_fetch_add(&j->ok, 1, __ATOMIC_RELAXED);
		} else {
			__atomic_store_n(&j->last_error, WSAGetLastError(),
				__ATOMIC_RELAXED);
			__atomic_fetch_add(&j->failed, 1, __ATOMIC_RELAXED);
		}
	}
	if (j->hold != NULL)
		pthread_barrier_wait(j->hold);
	return NULL;
}

/* Read everything queued on rx (non-blocking); the count. */
static int
drain(SOCKET rx)
{
	char buf[8];
	int n = 0;

	while (pt_readable(rx, 200))
		while (recv(rx, buf, sizeof(buf), 0) == 1)
			n++;
	return n;
}

/*
 * 1000 short-lived threads, one after another, each sending one
 * datagram on the default pool (8191 mbufs): every send succeeds. Each
 * thread's cache once kept 65 mbufs after it exited, and from about the
 * 158th thread every send failed WSAENOBUFS.
 */
static void
test_thousand_short_lived_threads_each_send_once(void)
{
	enum { THREADS = 1000 };
	struct job j = { .per_thread = 1 };
	SOCKET rx;
	int got = 0;

	restart_with_mbufs("");
	rx = ua_bound(&j.to);
	pt_nonblocking(rx, true);
	j.tx = ua_udp();
	for (int i = 0; i < THREADS; i++) {
		pthread_t t;

		CU_ASSERT_FATAL(pthread_create(&t, NULL, sender, &j) == 0);
		pthread_join(t, NULL);
		if (i % 100 == 99)
			got += drain(rx);
	}
	got += drain(rx);
	if (j.failed != 0)
		fprintf(stderr, "\n%d of %d sends failed (last %d)\n",
			j.failed, THREADS, j.last_error);
	CU_ASSERT_EQUAL(j.ok, THREADS);
	CU_ASSERT_EQUAL(got, THREADS);
	pt_close(rx);
	pt_close(j.tx);
	restart_with_mbufs(runner_mbufs);
}

/*
 * 128 threads alive at once on a pool of 2047 mbufs, each sending 4
 * datagrams before any exits: every send succeeds (139 of 256 failed
 * with 64 threads when each cache kept what it took), and every
 * datagram is read or counted as a drop.
 */
static void
test_128_live_threads_share_a_small_pool(void)
{
	enum { THREADS = 128, EACH = 4 };
	struct job j = { .per_thread = EACH };
	pthread_barrier_t hold;
	pthread_t t[THREADS];
	SOCKET rx;
	int got;
	uint64_t drops;

	restart_with_mbufs("2047");
	rx = ua_bound(&j.to);
	pt_setopt_int(rx, SOL_SOCKET, SO_RCVBUF, 1 << 20);
	pt_nonblocking(rx, true);
	j.tx = ua_udp();
	CU_ASSERT_FATAL(pthread_barrier_init(&hold, NULL, THREADS + 1) == 0);
	j.hold = &hold;
	for (int i = 0; i < THREADS; i++)
		CU_ASSERT_FATAL(pthread_create(&t[i], NULL, sender, &j) == 0);
	pthread_barrier_wait(&hold);	/* every thread has sent */
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&hold);
	got = drain(rx);
	drops = pt_sock_counter(rx, "drop_rx_full");
	if (j.failed != 0)
		fprintf(stderr, "\n%d of %d sends failed (last %d)\n",
			j.failed, THREADS * EACH, j.last_error);
	CU_ASSERT_EQUAL(j.ok, THREADS * EACH);
	CU_ASSERT_EQUAL((uint64_t)got + drops, (uint64_t)THREADS * EACH);
	pt_close(rx);
	pt_close(j.tx);
	restart_with_mbufs(runner_mbufs);
}

/*
 * Sockets nobody reads, each filled to its cap (a quarter of the pool),
 * until the pool stays dry: a non-blocking send fails WSAENOBUFS and
 * still does 100 ms later, with nothing left in flight to come back.
 * Returns how many sockets it took.
 */
static int
dry_pool(SOCKET tx, SOCKET *sinks, int max)
{
	struct sockaddr_in to;
	int n;

	pt_nonblocking(tx, true);
	for (n = 0; n < max; n++) {
		int dry = 0;

		sinks[n] = ua_bound(&to);
		pt_setopt_int(sinks[n], SOL_SOCKET, SO_RCVBUF, 1 << 20);
		for (double t0 = pt_ms(); pt_ms() - t0 < PT_WAIT_MS; ) {
			if (sendto(tx, "f", 1, 0, PT_SA(to), PT_SIN_LEN) == 1) {
				dry = 0;
				continue;
			}
			if (WSAGetLastError() == WSAENOBUFS && ++dry == 10)
				break;
			CU_ASSERT_FATAL(WSAGetLastError() == WSAENOBUFS ||
				WSAGetLastError() == WSAEWOULDBLOCK);
			/* Full sinks drop: when this one does, the next. */
			if (pt_sock_counter(sinks[n], "drop_rx_full") > 0)
				break;
			wt_sleep_ms(10);
		}
		if (dry == 10)
			break;
	}
	pt_nonblocking(tx, false);
	return n + 1;
}

struct blocked_send {
	SOCKET tx;
	struct sockaddr_in to;
	int ret, err;
	bool done;			/* atomic */
};

static void *
blocked_send_main(void *arg)
{
	struct blocked_send *b = arg;

	b->ret = sendto(b->tx, "w", 1, 0, PT_SA(b->to), PT_SIN_LEN);
	b->err = WSAGetLastError();
	__atomic_store_n(&b->done, true, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * A blocking send that finds the pool dry waits for mbufs (it once
 * failed WSAENOBUFS at once): it is still waiting a while later, and
 * succeeds once a full socket's queue goes back to the pool; with
 * SO_SNDTIMEO it fails WSAETIMEDOUT instead. A non-blocking one fails
 * WSAENOBUFS.
 */
static void
test_blocking_send_waits_for_the_pool(void)
{
	struct blocked_send b = { 0 };
	SOCKET sinks[16], rx;
	pthread_t t;
	int n;

	restart_with_mbufs("2047");
	b.tx = ua_udp();
	n = dry_pool(b.tx, sinks, 16);
	CU_ASSERT_FATAL(n > 0 && n < 16);
	rx = ua_bound(&b.to);
	pt_setopt_int(b.tx, SOL_SOCKET, SO_SNDTIMEO, 200);
	PT_FAILS(sendto(b.tx, "w", 1, 0, PT_SA(b.to), PT_SIN_LEN),
		WSAETIMEDOUT);
	pt_setopt_int(b.tx, SOL_SOCKET, SO_SNDTIMEO, 0);
	CU_ASSERT_FATAL(pthread_create(&t, NULL, blocked_send_main, &b) == 0);
	wt_sleep_ms(200);
	CU_ASSERT_FALSE(__atomic_load_n(&b.done, __ATOMIC_ACQUIRE));
	pt_close(sinks[0]);
	for (double t0 = pt_ms(); !__atomic_load_n(&b.done,
			__ATOMIC_ACQUIRE) && pt_ms() - t0 < PT_WAIT_MS; )
		wt_sleep_ms(1);
	if (!__atomic_load_n(&b.done, __ATOMIC_ACQUIRE))
		closesocket(b.tx);	/* unblock it: the test failed */
	pthread_join(t, NULL);
	CU_ASSERT_EQUAL(b.ret, 1);
	if (b.ret != 1)
		fprintf(stderr, "\nblocked send: %d (%d)\n", b.ret, b.err);
	for (int i = 1; i < n; i++)
		pt_close(sinks[i]);
	pt_close(rx);
	if (b.ret == 1)
		pt_close(b.tx);
	restart_with_mbufs(runner_mbufs);
}

static const struct wt_test pool_tests[] = {
	WT_TEST(test_thousand_short_lived_threads_each_send_once),
	WT_TEST(test_128_live_threads_share_a_small_pool),
	WT_TEST(test_blocking_send_waits_for_the_pool),
	WT_TEST_END
};

/* The pool size the runner chose, which each case restores. */
static int
pool_init(void)
{
	const char *was = getenv("WSPDK_MBUFS");

	snprintf(runner_mbufs, sizeof(runner_mbufs), "%s",
		was != NULL ? was : "");
	return 0;
}

const struct wt_suite test_udp_pool_suite = {
	.name = "udp_pool",
	.init = pool_init,
	.clean = pt_suite_clean,
	.tests = pool_tests,
};
