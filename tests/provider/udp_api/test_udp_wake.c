/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Blocking receives whose spin budget keeps changing never lose a
 * wake-up: two threads ping-pong datagrams through blocking receives
 * while the pace of the answers changes every few rounds (at once, after
 * a short busy delay, after a sleep past the spin cap), so each socket's
 * learned budget grows, shrinks, gives up and resumes (dataplane
 * dp_spin.c) while the lcore wakes the sleepers. Run under TSan by the
 * threads suite.
 *
 * A lost wake-up would not hang the receive (sleepers look again every
 * 100 ms, dp_wait.c's slice): the provider counts the sleeps the clock
 * ended with the data there and no wake-up posted (/wspdk/info
 * wait_late_wakes), which must stay 0 while sleeps (wait_sleeps) happen;
 * and every datagram comes back once, in order.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <CUnit/CUnit.h>

#include "wt.h"
#include "udp_api.h"

#define ROUNDS		640
#define PHASE		40	/* rounds at one pace */

enum pace { AT_ONCE, BUSY_20US, SLEEP_300US, SLEEP_5MS, NB_PACES };

struct ping {
	uint32_t round;
	uint32_t pace;
};

struct echo {
	SOCKET s;
	struct sockaddr_in to;
	unsigned int echoed;
	int err;			/* first failure's error, or 0 */
	pthread_t thread;
};

static void
delay(enum pace p)
{
	struct timespec ts = { 0, 0 };
	double t0;

	switch (p) {
	case BUSY_20US:
		for (t0 = pt_ms(); pt_ms() - t0 < 0.02;)
			;
		return;
	case SLEEP_300US:
		ts.tv_nsec = 300000;
		break;
	case SLEEP_5MS:
		ts.tv_nsec = 5000000;
		break;
	default:
		return;
	}
	nanosleep(&ts, NULL);
}

/* The pace of round i: phases in an order that visits every change. */
static enum pace
pace_of(unsigned int i)
{
	static const enum pace order[] = { AT_ONCE, BUSY_20US, AT_ONCE,
		SLEEP_300US, BUSY_20US, SLEEP_5MS, AT_ONCE, SLEEP_300US };

	return order[(i / PHASE) % (sizeof(order) / sizeof(order[0]))];
}

/* A counter of /wspdk/info. */
static uint64_t
info(const char *key)
{
	char json[8192];
	uint64_t v = UINT64_MAX;

	CU_ASSERT_EQUAL_FATAL(wt_tel(wt_tel_prefix(), "/wspdk/info", json,
		sizeof(json)), 0);
	CU_ASSERT_EQUAL(wt_json_u64(json, key, &v), 0);
	return v;
}

static void
set_rcvtimeo(SOCKET s)
{
	DWORD ms = PT_WAIT_MS;

	CU_ASSERT_EQUAL(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, (char *)&ms,
		sizeof(ms)), 0);
}

/* Answers every ping after its pace, through blocking receives. */
static void *
echo_main(void *arg)
{
	struct echo *e = arg;

	for (unsigned int i = 0; i < ROUNDS; i++) {
		struct ping p;
		int n = recv(e->s, (char *)&p, sizeof(p), 0);

		if (n != (int)sizeof(p)) {
			e->err = n < 0 ? WSAGetLastError() : -1;
			break;
		}
		delay((enum pace)p.pace);
		if (sendto(e->s, (char *)&p, sizeof(p), 0, PT_SA(e->to),
				PT_SIN_LEN) != (int)sizeof(p)) {
			e->err = WSAGetLastError();
			break;
		}
		e->echoed++;
	}
	return NULL;
}

static void
test_ping_pong_at_changing_paces_never_loses_a_wake_up(void)
{
	struct sockaddr_in a_name, b_name;
	SOCKET a = ua_bound(&a_name), b = ua_bound(&b_name);
	struct echo e = { .s = b, .to = a_name };
	unsigned int got = 0, paces[NB_PACES] = { 0 };
	uint64_t sleeps = info("wait_sleeps"), late = info("wait_late_wakes");

	set_rcvtimeo(a);
	set_rcvtimeo(b);
	CU_ASSERT_FATAL(pthread_create(&e.thread, NULL, echo_main, &e) == 0);
	for (unsigned int i = 0; i < ROUNDS; i++) {
		struct ping p = { .round = i, .pace = pace_of(i) }, r;
		int n;

		/* The echo's receives wait at changing paces too. */
		delay((enum pace)pace_of(i + PHASE / 2));
		if (sendto(a, (char *)&p, sizeof(p), 0, PT_SA(b_name),
				PT_SIN_LEN) != (int)sizeof(p))
			break;
		n = recv(a, (char *)&r, sizeof(r), 0);
		if (n != (int)sizeof(r) || r.round != i)
			break;
		got++;
		paces[p.pace]++;
	}
	/* A failed round leaves the echo blocked: closing b ends it. */
	if (got != ROUNDS)
		closesocket(b);
	pthread_join(e.thread, NULL);
	sleeps = info("wait_sleeps") - sleeps;
	late = info("wait_late_wakes") - late;
	printf("\n    %u rounds, %llu sleeps\n", got,
		(unsigned long long)sleeps);
	CU_ASSERT_EQUAL(got, ROUNDS);
	CU_ASSERT_EQUAL(e.echoed, ROUNDS);
	CU_ASSERT_EQUAL(e.err, 0);
	CU_ASSERT_EQUAL(late, 0);
	/* The sleeping side was exercised: a quarter of the rounds answer
	 * past the spin cap and both sides wait (a receiver kept off its
	 * CPU longer than the pace finds its data there, so not all do).
	 * A wait that returned without sleeping or data would spin the
	 * caller instead, and count none. */
	CU_ASSERT(sleeps >= ROUNDS / 4);
	for (unsigned int k = 0; k < NB_PACES; k++)
		CU_ASSERT(paces[k] > 0);
	pt_close(a);
	if (got == ROUNDS)
		pt_close(b);
}

static const struct wt_test wake_tests[] = {
	WT_TEST(test_ping_pong_at_changing_paces_never_loses_a_wake_up),
	WT_TEST_END
};

const struct wt_suite test_udp_wake_suite = {
	.name = "udp_wake",
	.clean = pt_suite_clean,
	.tests = wake_tests,
};
