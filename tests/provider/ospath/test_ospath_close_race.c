/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * closesocket on an OS path socket (127.0.0.1, served by the OS provider
 * behind wspdk's handle) while other threads are in calls on it, through
 * the public Winsock API of the stand-in. A call that had looked up the
 * OS provider's socket must never land on a socket opened after the
 * close (its handle number and memory reused), nor on freed memory
 * (ASan); a blocking call the close cancels fails WSAEINTR, one that
 * starts after WSAENOTSOCK. A close that races the call deciding the
 * path (the first bind, connect or send to 127.0.0.1) closes the OS
 * provider's socket whichever wins: none is left open. Run opted out
 * too (meson.build): the calls land in the OS provider itself.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "pt.h"

/* Rounds of close-under-calls; each caller bounded in time too. */
#define ROUNDS		300
#define CALLER_MS	10000
#define FRESH		4

struct caller {
	SOCKET s;
	uint16_t port;			/* s's, network order */
	unsigned int started;		/* (a) calls begun */
	unsigned int ok, wrong;		/* names read: s's, another's */
	unsigned int fails;		/* failures, all ... */
	int bad_err;			/* ... WSAENOTSOCK, or this */
};

static void *
name_loop(void *arg)
{
	struct caller *c = arg;
	double until = pt_ms() + CALLER_MS;

	while (pt_ms() < until) {
		struct sockaddr_in sin;
		int len = sizeof(sin);

		__atomic_fetch_add(&c->started, 1, __ATOMIC_RELEASE);
		if (getsockname(c->s, PT_SA(sin), &len) != 0) {
			int e = WSAGetLastError();

			c->fails++;
			if (e != WSAENOTSOCK)
				c->bad_err = e;
			break;	/* closed: every later call fails too */
		}
		if (sin.sin_port == c->port)
			c->ok++;
		else
			c->wrong++;
	}
	return NULL;
}

static SOCKET
udp_loopback(uint16_t *port)
{
	SOCKET s = pt_socket(SOCK_DGRAM, IPPROTO_UDP);
	struct sockaddr_in sin = pt_sin(INADDR_LOOPBACK, 0);

	PT_OK(bind(s, PT_SA(sin), PT_SIN_LEN));
	if (port != NULL)
		*port = pt_name_of(s, false).sin_port;
	return s;
}

static void
test_calls_racing_close_on_a_loopback_socket_never_reach_another_socket(void)
{
	unsigned int ok = 0, wrong = 0, fails = 0;
	int bad_err = 0;

	for (int r = 0; r < ROUNDS; r++) {
		struct caller c = { 0 };
		SOCKET fresh[FRESH];
		pthread_t t;
		double until = pt_ms() + 2000;

		c.s = udp_loopback(&c.port);
		CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, name_loop, &c),
			0);
		/* Close while it calls (bounded: it may have finished). */
		while (__atomic_load_n(&c.started, __ATOMIC_ACQUIRE) < 2 &&
				pt_ms() < until)
			sched_yield();
		PT_OK(closesocket(c.s));
		/* New OS path sockets take what the close freed. */
		for (int i = 0; i < FRESH; i++)
			fresh[i] = udp_loopback(NULL);
		pthread_join(t, NULL);
		for (int i = 0; i < FRESH; i++)
			pt_close(fresh[i]);
		ok += c.ok;
		wrong += c.wrong;
		fails += c.fails;
		if (c.bad_err != 0)
			bad_err = c.bad_err;
	}
	CU_ASSERT_EQUAL(wrong, 0);
	CU_ASSERT_EQUAL(bad_err, 0);
	CU_ASSERT_TRUE(ok > 0);
	/* Every round's caller saw the close. */
	CU_ASSERT_EQUAL(fails, ROUNDS);
}

struct blocked {
	SOCKET s;
	int ret, err;
	bool entered;			/* (a) */
};

static void *
recv_blocked(void *arg)
{
	struct blocked *b = arg;
	char buf[16];

	__atomic_store_n(&b->entered, true, __ATOMIC_RELEASE);
	b->ret = recv(b->s, buf, sizeof(buf), 0);
	b->err = b->ret < 0 ? WSAGetLastError() : 0;
	return NULL;
}

static void
test_recv_blocked_on_a_loopback_socket_fails_wsaeintr_at_close(void)
{
	int eintr = 0;

	for (int r = 0; r < 5; r++) {
		struct blocked b = { .s = udp_loopback(NULL) };
		pthread_t t;

		CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, recv_blocked,
			&b), 0);
		while (!__atomic_load_n(&b.entered, __ATOMIC_ACQUIRE))
			SleepEx(1, FALSE);
		/* Long enough to be inside recv, almost always; a recv
		 * that starts after the close fails WSAENOTSOCK. */
		SleepEx(50, FALSE);
		PT_OK(closesocket(b.s));
		pthread_join(t, NULL);
		CU_ASSERT_EQUAL(b.ret, SOCKET_ERROR);
		CU_ASSERT_TRUE(b.err == WSAEINTR || b.err == WSAENOTSOCK);
		eintr += b.err == WSAEINTR;
	}
	CU_ASSERT_TRUE(eintr > 0);
}

/* The OS provider's sockets still open (tests/ws2/os_provider.c), -1 if
 * it cannot be asked. */
static int
os_open_sockets(void)
{
	void *dl = dlopen(ws2_stub_os_provider_path(), RTLD_NOW | RTLD_NOLOAD);
	int (*fn)(void);

	if (dl == NULL)
		return -1;
	fn = (int (*)(void))(uintptr_t)dlsym(dl, "os_provider_open_sockets");
	dlclose(dl);	/* drops only our reference */
	return fn != NULL ? fn() : -1;
}

#define DECIDE_ROUNDS	3000
#define DECIDE_MS	20000
#define DECIDE_SPREAD	128	/* close offsets tried ... */
#define DECIDE_STEP	200	/* ... this many spins apart */

struct decider {
	SOCKET s;
	int how;			/* bind, connect or sendto */
	bool ready, go;			/* (a) */
	int ret, err;
};

/* The first call that needs a path, at 127.0.0.1: the OS path. */
static void *
decide(void *arg)
{
	struct decider *d = arg;
	struct sockaddr_in lo = pt_sin(INADDR_LOOPBACK, 0);
	struct sockaddr_in to = pt_sin(INADDR_LOOPBACK, 9);
	double until = pt_ms() + 2000;

	__atomic_store_n(&d->ready, true, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&d->go, __ATOMIC_ACQUIRE) && pt_ms() < until)
		;
	if (d->how == 0)
		d->ret = bind(d->s, PT_SA(lo), PT_SIN_LEN);
	else if (d->how == 1)
		d->ret = connect(d->s, PT_SA(to), PT_SIN_LEN);
	else
		d->ret = sendto(d->s, "x", 1, 0, PT_SA(to), PT_SIN_LEN) == 1 ?
			0 : SOCKET_ERROR;
	d->err = d->ret != 0 ? WSAGetLastError() : 0;
	return NULL;
}

static void
test_close_racing_the_os_path_decision_leaves_no_os_socket_open(void)
{
	unsigned int won = 0, failed = 0, rounds = 0;
	int base = os_open_sockets(), bad_err = 0, left;
	double until = pt_ms() + DECIDE_MS;

	CU_ASSERT_FATAL(base >= 0);
	for (int r = 0; r < DECIDE_ROUNDS && pt_ms() < until; r++) {
		struct decider d = { .s = pt_socket(SOCK_DGRAM, IPPROTO_UDP),
			.how = r % 3 };
		volatile unsigned int spin = 0;
		double ready_by = pt_ms() + 2000;
		pthread_t t;

		CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, decide, &d),
			0);
		while (!__atomic_load_n(&d.ready, __ATOMIC_ACQUIRE) &&
				pt_ms() < ready_by)
			sched_yield();
		__atomic_store_n(&d.go, true, __ATOMIC_RELEASE);
		/* Each round closes a little later than the last: some
		 * land inside the decision, whatever the machine's speed. */
		while (spin < (unsigned int)(r % DECIDE_SPREAD) * DECIDE_STEP)
			spin = spin + 1;
		PT_OK(closesocket(d.s));
		pthread_join(t, NULL);
		rounds++;
		if (d.ret == 0)
			won++;
		/* Too late, or cut short by the close (WSAEINTR, as a
		 * blocking call the close ends). */
		else if (d.err == WSAENOTSOCK || d.err == WSAEINTR)
			failed++;
		else
			bad_err = d.err;
	}
	left = os_open_sockets() - base;
	printf("\n    %u rounds: the call won %u, failed %u; %d OS "
		"socket(s) left open\n", rounds, won, failed, left);
	/* Either outcome: the close closed what the decision made. */
	CU_ASSERT_EQUAL(left, 0);
	CU_ASSERT_EQUAL(bad_err, 0);
	CU_ASSERT_TRUE(rounds > 0);
}

static const struct wt_test tests[] = {
	WT_TEST(test_calls_racing_close_on_a_loopback_socket_never_reach_another_socket),
	WT_TEST(test_recv_blocked_on_a_loopback_socket_fails_wsaeintr_at_close),
	WT_TEST(test_close_racing_the_os_path_decision_leaves_no_os_socket_open),
	WT_TEST_END
};

static const struct wt_suite close_race_suite = {
	.name = "ospath_close_race",
	.tests = tests,
	.clean = pt_suite_clean,
};

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = {
		&close_race_suite, NULL };

	if (pt_startup() != 0)
		return 1;
	return pt_run(argc, argv, suites);
}
