/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * WSACleanup with work outstanding (winsock-spi.md §1.6): each case takes
 * Winsock to zero and starts it again, so it needs the extra startup the
 * other suites avoid. The final suite takes it down for good and checks
 * nothing leaked.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "wt.h"
#include "udp_api.h"

static int apc_calls;

static void CALLBACK
count_completion(DWORD err, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags)
{
	apc_calls++;
}

/* Winsock back up after a case took it down. */
static void
restart(void)
{
	WSADATA d;

	CU_ASSERT_EQUAL_FATAL(WSAStartup(MAKEWORD(2, 2), &d), 0);
}

/* Pending overlapped receives are dropped without notification: no
 * completion routine runs, no event is set. */
static void
test_cleanup_drops_pending_overlapped_silently(void)
{
	static WSAOVERLAPPED ov[2];
	static char buf[2][16];
	static WSABUF wb[2];
	static DWORD n[2], fl[2];
	SOCKET s = ua_bound(NULL);
	WSAEVENT ev = WSACreateEvent();

	apc_calls = 0;
	memset(ov, 0, sizeof(ov));
	for (int i = 0; i < 2; i++)
		wb[i] = (WSABUF){ .len = sizeof(buf[i]), .buf = buf[i] };
	ov[0].hEvent = ev;
	PT_FAILS(WSARecv(s, &wb[0], 1, &n[0], &fl[0], &ov[0], NULL),
		WSA_IO_PENDING);
	PT_FAILS(WSARecv(s, &wb[1], 1, &n[1], &fl[1], &ov[1],
		count_completion), WSA_IO_PENDING);
	CU_ASSERT_EQUAL_FATAL(WSACleanup(), 0);
	CU_ASSERT_EQUAL(SleepEx(200, TRUE), 0);
	CU_ASSERT_EQUAL(apc_calls, 0);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ev, FALSE, 0, FALSE),
		WSA_WAIT_TIMEOUT);
	WSACloseEvent(ev);
	restart();
}

struct result_waiter {
	SOCKET s;
	WSAOVERLAPPED *ov;
	BOOL ok;
	int err;
	bool done;			/* atomic */
};

static void *
wait_result(void *arg)
{
	struct result_waiter *w = arg;
	DWORD n = 0, fl = 0;

	w->ok = WSAGetOverlappedResult(w->s, w->ov, &n, TRUE, &fl);
	w->err = WSAGetLastError();
	__atomic_store_n(&w->done, true, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * A thread blocked in WSAGetOverlappedResult(fWait) on a pending
 * receive does not hold up WSACleanup (it once waited 10 s for it, and
 * stopped the engine under it): cleanup returns at once, the receive is
 * aborted, and the waiter returns FALSE with WSA_OPERATION_ABORTED.
 * Nothing is notified.
 */
static void
test_cleanup_ends_a_wait_for_an_overlapped_result(void)
{
	static WSAOVERLAPPED ov;
	static char buf[16];
	static DWORD n, fl;
	WSABUF wb = { .len = sizeof(buf), .buf = buf };
	struct result_waiter w = { .s = ua_bound(NULL), .ov = &ov };
	WSAEVENT ev = WSACreateEvent();
	pthread_t t;
	double t0;

	memset(&ov, 0, sizeof(ov));
	ov.hEvent = ev;
	PT_FAILS(WSARecv(w.s, &wb, 1, &n, &fl, &ov, NULL), WSA_IO_PENDING);
	CU_ASSERT_FATAL(pthread_create(&t, NULL, wait_result, &w) == 0);
	wt_sleep_ms(100);
	CU_ASSERT_FALSE(__atomic_load_n(&w.done, __ATOMIC_ACQUIRE));
	t0 = pt_ms();
	CU_ASSERT_EQUAL(WSACleanup(), 0);
	CU_ASSERT(pt_ms() - t0 < PT_WAIT_MS);
	while (!__atomic_load_n(&w.done, __ATOMIC_ACQUIRE) &&
			pt_ms() - t0 < PT_WAIT_MS)
		wt_sleep_ms(1);
	CU_ASSERT_FATAL(__atomic_load_n(&w.done, __ATOMIC_ACQUIRE));
	pthread_join(t, NULL);
	CU_ASSERT_FALSE(w.ok);
	CU_ASSERT_EQUAL(w.err, WSA_OPERATION_ABORTED);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ev, FALSE, 0, FALSE),
		WSA_WAIT_TIMEOUT);
	WSACloseEvent(ev);
	restart();
}

struct blocked {
	SOCKET s;
	int ret, err;
	bool done;
};

static void *
blocked_recv(void *arg)
{
	struct blocked *b = arg;
	char buf[8];

	b->ret = recv(b->s, buf, sizeof(buf), 0);
	b->err = WSAGetLastError();
	__atomic_store_n(&b->done, true, __ATOMIC_RELEASE);
	return NULL;
}

/* A receive blocked in another thread returns WSAEINTR. */
static void
test_cleanup_interrupts_blocked_recv_eintr(void)
{
	struct blocked b = { .s = ua_bound(NULL) };
	pthread_t t;
	double t0;

	CU_ASSERT_FATAL(pthread_create(&t, NULL, blocked_recv, &b) == 0);
	wt_sleep_ms(100);
	CU_ASSERT_FALSE(__atomic_load_n(&b.done, __ATOMIC_ACQUIRE));
	CU_ASSERT_EQUAL(WSACleanup(), 0);
	for (t0 = pt_ms(); !__atomic_load_n(&b.done, __ATOMIC_ACQUIRE) &&
			pt_ms() - t0 < PT_WAIT_MS; )
		wt_sleep_ms(1);
	CU_ASSERT_FATAL(__atomic_load_n(&b.done, __ATOMIC_ACQUIRE));
	pthread_join(t, NULL);
	CU_ASSERT_EQUAL(b.ret, SOCKET_ERROR);
	CU_ASSERT_EQUAL(b.err, WSAEINTR);
	restart();
}

/* Sockets left open are closed: their handles are gone and their port
 * is free after the restart. */
static void
test_cleanup_closes_open_sockets(void)
{
	struct sockaddr_in a;
	SOCKET s = ua_bound(&a);

	CU_ASSERT_EQUAL(ws2_stub_socket_count(), 1);
	CU_ASSERT_EQUAL(WSACleanup(), 0);
	CU_ASSERT_EQUAL(ws2_stub_socket_count(), 0);
	restart();
	PT_FAILS(closesocket(s), WSAENOTSOCK);
	s = ua_udp();
	PT_OK(bind(s, PT_SA(a), PT_SIN_LEN));
	pt_close(s);
}

/* A socket left open with SO_LINGER {1,0} that never sent: cleanup
 * closes it abortively, and Winsock comes back and works. */
static void
test_cleanup_of_abortive_socket_that_never_sent(void)
{
	LINGER l = { .l_onoff = 1, .l_linger = 0 };
	struct sockaddr_in to;
	SOCKET s = ua_bound(NULL), rx, tx;
	char buf[8];

	PT_OK(setsockopt(s, SOL_SOCKET, SO_LINGER, (char *)&l, sizeof(l)));
	CU_ASSERT_EQUAL(WSACleanup(), 0);
	restart();
	rx = ua_bound(&to);
	tx = ua_udp();
	ua_send_wait(tx, rx, &to, "alive", 5);
	CU_ASSERT_EQUAL(ua_recv(rx, buf, sizeof(buf), NULL, PT_WAIT_MS), 5);
	pt_close(rx);
	pt_close(tx);
}

/* Threads creating sockets straight through the proc table (as calls
 * that resolved it before cleanup began arrive) while the last
 * WSPCleanup runs. */
struct creator {
	const WSPPROC_TABLE *p;
	bool stop;			/* atomic */
	int made, refused, other, other_err;
	pthread_t thread;
};

static void *
creator_main(void *arg)
{
	struct creator *c = arg;

	while (!__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE)) {
		int err = 0;
		SOCKET s = c->p->lpWSPSocket(AF_INET, SOCK_DGRAM, IPPROTO_UDP,
			(LPWSAPROTOCOL_INFOW)ua_udp_entry(), 0,
			WSA_FLAG_OVERLAPPED, &err);

		if (s != INVALID_SOCKET) {
			c->made++;
			c->p->lpWSPCloseSocket(s, &err);
		} else if (err == WSAENETDOWN || err == WSANOTINITIALISED) {
			c->refused++;
			sched_yield();	/* let cleanup (or startup) run */
		} else {
			c->other++;
			c->other_err = err;
		}
	}
	return NULL;
}

/*
 * WSPSocket racing the last WSPCleanup, 50 times: every call either
 * makes a socket or fails WSAENETDOWN, cleanup leaves no handle behind,
 * and nothing is used after it is freed (socket creation was not
 * counted as a call in flight).
 */
static void
test_socket_racing_cleanup_fails_enetdown_or_is_closed(void)
{
	enum { ROUNDS = 50, THREADS = 3 };
	struct creator c[THREADS];
	int made = 0, refused = 0, leaked = 0;

	for (int round = 0; round < ROUNDS; round++) {
		memset(c, 0, sizeof(c));
		for (int i = 0; i < THREADS; i++) {
			c[i].p = ws2_stub_proc_table();
			CU_ASSERT_FATAL(pthread_create(&c[i].thread, NULL,
				creator_main, &c[i]) == 0);
		}
		wt_sleep_ms(1 + round % 3);
		CU_ASSERT_EQUAL(WSACleanup(), 0);
		for (int i = 0; i < THREADS; i++) {
			__atomic_store_n(&c[i].stop, true, __ATOMIC_RELEASE);
			pthread_join(c[i].thread, NULL);
			made += c[i].made;
			refused += c[i].refused;
			CU_ASSERT_EQUAL(c[i].other, 0);
			if (c[i].other != 0)
				fprintf(stderr, "\nsocket failed %d\n",
					c[i].other_err);
		}
		leaked += ws2_stub_socket_count() != 0;
		restart();
	}
	printf("\n    made %d, refused %d\n", made, refused);
	CU_ASSERT_EQUAL(leaked, 0);
	CU_ASSERT(made > 0);
	CU_ASSERT(refused > 0);
}

/* WSACleanup to zero stops the engine with every mbuf back in its pool
 * and as many stops as starts. */
static void
test_cleanup_returns_every_mbuf(void)
{
	char json[4096];
	uint64_t lost = UINT64_MAX, starts = 0, stops = 0;

	CU_ASSERT_EQUAL_FATAL(WSACleanup(), 0);
	CU_ASSERT_EQUAL(ws2_stub_startup_count(), 0);
	CU_ASSERT_EQUAL_FATAL(wt_tel(wt_tel_prefix(), "/wspdk/info", json,
		sizeof(json)), 0);
	CU_ASSERT_EQUAL(wt_json_u64(json, "starts", &starts), 0);
	CU_ASSERT_EQUAL(wt_json_u64(json, "stops", &stops), 0);
	CU_ASSERT(stops >= 1);
	CU_ASSERT_EQUAL(stops, starts);
	CU_ASSERT_EQUAL(wt_json_u64(json, "mbufs_lost", &lost), 0);
	CU_ASSERT_EQUAL(lost, 0);
}

static const struct wt_test cleanup_tests[] = {
	WT_TEST(test_cleanup_drops_pending_overlapped_silently),
	WT_TEST(test_cleanup_interrupts_blocked_recv_eintr),
	WT_TEST(test_cleanup_ends_a_wait_for_an_overlapped_result),
	WT_TEST(test_cleanup_closes_open_sockets),
	WT_TEST(test_cleanup_of_abortive_socket_that_never_sent),
	WT_TEST(test_socket_racing_cleanup_fails_enetdown_or_is_closed),
	WT_TEST_END
};

static const struct wt_test final_tests[] = {
	WT_TEST(test_cleanup_returns_every_mbuf),
	WT_TEST_END
};

const struct wt_suite test_udp_cleanup_suite = {
	.name = "udp_cleanup",
	.clean = pt_suite_clean,
	.tests = cleanup_tests,
};

const struct wt_suite test_udp_final_suite = {
	.name = "udp_final",
	.clean = pt_suite_clean,
	.tests = final_tests,
};
