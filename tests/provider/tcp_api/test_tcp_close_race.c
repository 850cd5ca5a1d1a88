/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * closesocket from one thread while another is inside a call on the
 * same dataplane socket (Boost.Asio, .NET, libuv and asyncio all do
 * this), through the public Winsock API. Each round closes a little
 * later than the last, so some closes land before the call, some while
 * it is resolving the handle and some while it blocks. What Winsock
 * promises (LPWSPCloseSocket): a call that starts after closesocket
 * returned fails WSAENOTSOCK; a blocking call the close cancels fails
 * WSAEINTR; an overlapped operation pending at the close completes once
 * with WSA_OPERATION_ABORTED, and one that could not be posted any more
 * fails at once (WSAENOTSOCK) and never completes. Rounds and time are
 * bounded; ASan and TSan builds check the memory and the ordering.
 *
 * Operations live in static storage: a late completion after a failed
 * assertion must not write into a dead stack frame.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "wt.h"
#include "tcp_api.h"

#define ROUNDS		400
#define BUDGET_MS	10000
#define SPREAD		64	/* close offsets tried ... */
#define STEP		300	/* ... this many spins apart */
#define BIG		(1 << 20)

static char big[BIG];

/* What a racing call saw; one per round, reused. */
struct racer {
	SOCKET s;
	int how;
	bool ready, go;			/* (a) */
	bool closed;			/* (a) closesocket has returned */
	bool after;			/* the call began after that */
	int ret, err;
	/* overlapped receive */
	WSAOVERLAPPED ov;
	int completions;
	DWORD cerr;
};

static struct racer rc;

/* The outcomes seen over a test's rounds. */
struct tally {
	unsigned int rounds, eintr, enotsock, late_ok, aborted;
	int bad_err;			/* an error Winsock does not give */
	unsigned int after_not_enotsock; /* began after close, not ENOTSOCK */
	unsigned int completions_wrong;	/* pending op not completed once */
};

static void
wait_go(struct racer *r)
{
	double until = pt_ms() + 2000;

	__atomic_store_n(&r->ready, true, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&r->go, __ATOMIC_ACQUIRE) && pt_ms() < until)
		;
}

static void CALLBACK
recv_done(DWORD err, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags)
{
	(void)bytes;
	(void)ov;
	(void)flags;
	rc.completions++;
	rc.cerr = err;
}

/* The call under test, from its own thread. */
static void *
call(void *arg)
{
	struct racer *r = arg;
	char buf[64];

	wait_go(r);
	r->after = __atomic_load_n(&r->closed, __ATOMIC_ACQUIRE);
	switch (r->how) {
	case 0:			/* blocking recv, nothing to read */
		r->ret = recv(r->s, buf, sizeof(buf), 0);
		break;
	case 1:			/* blocking send into a full window */
		r->ret = send(r->s, big, BIG, 0);
		break;
	case 3:			/* blocking UDP recvfrom */
		r->ret = recvfrom(r->s, buf, sizeof(buf), 0, NULL, NULL);
		break;
	default: {		/* overlapped WSARecv */
		WSABUF b = { sizeof(buf), buf };
		DWORD n = 0, fl = 0;
		double until = pt_ms() + PT_WAIT_MS;

		r->ret = WSARecv(r->s, &b, 1, &n, &fl, &r->ov, recv_done);
		r->err = r->ret != 0 ? WSAGetLastError() : 0;
		/* Completion routines run in this thread, alertable. Once
		 * pending, it must complete; then a little longer, to see
		 * a second completion if there were one. */
		while (r->ret != 0 && r->err == WSA_IO_PENDING &&
				r->completions == 0 && pt_ms() < until)
			SleepEx(10, TRUE);
		SleepEx(20, TRUE);
		return NULL;
	}
	}
	r->err = r->ret < 0 ? WSAGetLastError() : 0;
	return NULL;
}

static void
count(struct tally *t, const struct racer *r)
{
	t->rounds++;
	if (r->how == 2 && r->ret != 0 && r->err == WSA_IO_PENDING) {
		/* Pending: aborted by the close, exactly once. */
		if (r->completions != 1 || r->cerr != WSA_OPERATION_ABORTED)
			t->completions_wrong++;
		else
			t->aborted++;
		if (r->after)
			t->after_not_enotsock++;
		return;
	}
	if (r->how == 2 && r->completions != 0)
		t->completions_wrong++;	/* failed at once: no completion */
	if (r->ret >= 0) {
		t->late_ok++;		/* no call can succeed here */
		return;
	}
	if (r->err == WSAEINTR)
		t->eintr++;
	else if (r->err == WSAENOTSOCK)
		t->enotsock++;
	else
		t->bad_err = r->err;
	if (r->after && r->err != WSAENOTSOCK)
		t->after_not_enotsock++;
}

/* Rounds of: a fresh connection, the call racing closesocket. */
static void
race(int how, struct tally *t)
{
	double until = pt_ms() + BUDGET_MS;

	memset(t, 0, sizeof(*t));
	for (int r = 0; r < ROUNDS && pt_ms() < until; r++) {
		volatile unsigned int spin = 0;
		double ready_by = pt_ms() + 2000;
		pthread_t th;
		SOCKET c, s;

		if (how == 3) {
			struct sockaddr_in a = pt_sin(PT_IP, 0);

			c = pt_socket(SOCK_DGRAM, IPPROTO_UDP);
			PT_OK(bind(c, PT_SA(a), PT_SIN_LEN));
			s = INVALID_SOCKET;
		} else {
			ta_pair(&c, &s);
		}
		if (how == 1)
			pt_setopt_int(c, SOL_SOCKET, SO_SNDBUF, 16384);
		memset(&rc, 0, sizeof(rc));
		rc.s = c;
		rc.how = how;
		CU_ASSERT_EQUAL_FATAL(pthread_create(&th, NULL, call, &rc), 0);
		while (!__atomic_load_n(&rc.ready, __ATOMIC_ACQUIRE) &&
				pt_ms() < ready_by)
			sched_yield();
		__atomic_store_n(&rc.go, true, __ATOMIC_RELEASE);
		/* Each round a little later; every fourth long after the
		 * call is surely blocked. */
		if (r % 4 == 3)
			SleepEx(20, FALSE);
		while (spin < (unsigned int)(r % SPREAD) * STEP)
			spin = spin + 1;
		PT_OK(closesocket(c));
		__atomic_store_n(&rc.closed, true, __ATOMIC_RELEASE);
		pthread_join(th, NULL);
		count(t, &rc);
		if (s != INVALID_SOCKET)
			pt_close(s);
	}
	printf("\n    %u rounds: WSAEINTR %u, WSAENOTSOCK %u, aborted %u, "
		"succeeded %u, wrong completions %u, began after the close "
		"but not WSAENOTSOCK %u, other error %d\n", t->rounds,
		t->eintr, t->enotsock, t->aborted, t->late_ok,
		t->completions_wrong, t->after_not_enotsock, t->bad_err);
	CU_ASSERT_TRUE(t->rounds > 0);
	CU_ASSERT_EQUAL(t->late_ok, 0);
	CU_ASSERT_EQUAL(t->bad_err, 0);
	CU_ASSERT_EQUAL(t->after_not_enotsock, 0);
	CU_ASSERT_EQUAL(t->completions_wrong, 0);
}

static void
test_blocking_recv_racing_closesocket_fails_eintr_or_enotsock(void)
{
	struct tally t;

	race(0, &t);
	/* Some closes found it blocked. */
	CU_ASSERT_TRUE(t.eintr > 0);
}

static void
test_blocking_send_on_a_full_window_racing_closesocket_fails_eintr_or_enotsock(void)
{
	struct tally t;

	race(1, &t);
	CU_ASSERT_TRUE(t.eintr > 0);
}

static void
test_blocking_udp_recvfrom_racing_closesocket_fails_eintr_or_enotsock(void)
{
	struct tally t;

	race(3, &t);
	CU_ASSERT_TRUE(t.eintr > 0);
}

static void
test_overlapped_recv_racing_closesocket_aborts_once_or_fails_enotsock(void)
{
	struct tally t;

	race(2, &t);
	CU_ASSERT_TRUE(t.aborted > 0);
}

/*
 * Calls in a loop on a connected socket while it is closed: every call
 * that begins after closesocket returned fails WSAENOTSOCK, whatever it
 * is, and none before fails otherwise than the socket's state says.
 */
struct looper {
	SOCKET s;
	bool closed;			/* (a) */
	bool started;			/* (a) */
	unsigned int calls, after, after_wrong, bad;
	int bad_err;
};

static struct looper lp;

static void *
loop_calls(void *arg)
{
	struct looper *l = arg;
	double until = pt_ms() + 2000;
	char buf[8];

	for (unsigned int i = 0; pt_ms() < until; i++) {
		bool after = __atomic_load_n(&l->closed, __ATOMIC_ACQUIRE);
		u_long nb = 1;
		int ret, err;

		__atomic_store_n(&l->started, true, __ATOMIC_RELEASE);
		switch (i % 4) {
		case 0:
			ret = recv(l->s, buf, sizeof(buf), 0);
			break;
		case 1:
			ret = send(l->s, "x", 1, 0);
			break;
		case 2:
			ret = ioctlsocket(l->s, FIONREAD, &nb);
			break;
		default:
			ret = shutdown(l->s, SD_RECEIVE + 3);	/* invalid */
			break;
		}
		err = ret < 0 ? WSAGetLastError() : 0;
		l->calls++;
		if (after) {
			l->after++;
			if (err != WSAENOTSOCK)
				l->after_wrong++;
			if (l->after >= 8)
				break;
			continue;
		}
		/* Before or during the close: what the socket's state
		 * says, or the close's own codes. */
		if (err != 0 && err != WSAEWOULDBLOCK && err != WSAEINVAL &&
				err != WSAENOTSOCK && err != WSAEINTR) {
			l->bad++;
			l->bad_err = err;
		}
	}
	return NULL;
}

static void
test_calls_beginning_after_closesocket_returned_fail_enotsock(void)
{
	unsigned int rounds = 0, after = 0, after_wrong = 0, bad = 0;
	double until = pt_ms() + BUDGET_MS;
	int bad_err = 0;

	for (int r = 0; r < ROUNDS / 4 && pt_ms() < until; r++) {
		volatile unsigned int spin = 0;
		double ready_by = pt_ms() + 2000;
		pthread_t th;
		SOCKET c, s;

		ta_pair(&c, &s);
		pt_nonblocking(c, true);
		memset(&lp, 0, sizeof(lp));
		lp.s = c;
		CU_ASSERT_EQUAL_FATAL(pthread_create(&th, NULL, loop_calls,
			&lp), 0);
		while (!__atomic_load_n(&lp.started, __ATOMIC_ACQUIRE) &&
				pt_ms() < ready_by)
			sched_yield();
		while (spin < (unsigned int)(r % SPREAD) * STEP)
			spin = spin + 1;
		PT_OK(closesocket(c));
		__atomic_store_n(&lp.closed, true, __ATOMIC_RELEASE);
		pthread_join(th, NULL);
		rounds++;
		after += lp.after;
		after_wrong += lp.after_wrong;
		bad += lp.bad;
		if (lp.bad_err != 0)
			bad_err = lp.bad_err;
		pt_close(s);
	}
	printf("\n    %u rounds: %u calls after the close, %u of them not "
		"WSAENOTSOCK; %u unexpected errors before (last %d)\n",
		rounds, after, after_wrong, bad, bad_err);
	CU_ASSERT_TRUE(after > 0);
	CU_ASSERT_EQUAL(after_wrong, 0);
	CU_ASSERT_EQUAL(bad, 0);
}

/*
 * WSAEventSelect racing closesocket: whichever wins, nothing of the
 * closed socket stays registered. The slot it leaves is the next
 * socket's (the pool is LIFO): a watch left on it would make that
 * socket look watched already, and its own WSAEventSelect would then
 * never be signalled.
 */
struct selector {
	SOCKET s;
	WSAEVENT ev;
	bool ready, go;			/* (a) */
	int ret, err;
};

static struct selector sel;

static void *
select_call(void *arg)
{
	struct selector *x = arg;
	double until = pt_ms() + 2000;

	__atomic_store_n(&x->ready, true, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&x->go, __ATOMIC_ACQUIRE) && pt_ms() < until)
		;
	x->ret = WSAEventSelect(x->s, x->ev, FD_READ | FD_WRITE | FD_CLOSE);
	x->err = x->ret != 0 ? WSAGetLastError() : 0;
	return NULL;
}

/* A datagram socket opened now (taking the freed slot) reports FD_READ
 * through its own event. */
static bool
next_socket_signals(SOCKET tx)
{
	struct sockaddr_in a = pt_sin(PT_IP, 0);
	SOCKET u = pt_socket(SOCK_DGRAM, IPPROTO_UDP);
	WSAEVENT ev = WSACreateEvent();
	bool ok;

	PT_OK(bind(u, PT_SA(a), PT_SIN_LEN));
	a = pt_name_of(u, false);
	PT_OK(WSAEventSelect(u, ev, FD_READ));
	CU_ASSERT_EQUAL(sendto(tx, "x", 1, 0, PT_SA(a), PT_SIN_LEN), 1);
	ok = WSAWaitForMultipleEvents(1, &ev, TRUE, 2000, FALSE) ==
		WSA_WAIT_EVENT_0;
	pt_close(u);
	WSACloseEvent(ev);
	return ok;
}

static void
test_event_select_racing_closesocket_leaves_nothing_registered(void)
{
	unsigned int rounds = 0, won = 0, failed = 0, deaf = 0;
	struct sockaddr_in a = pt_sin(PT_IP, 0);
	double until = pt_ms() + BUDGET_MS;
	SOCKET tx = pt_socket(SOCK_DGRAM, IPPROTO_UDP);
	int bad_err = 0;

	PT_OK(bind(tx, PT_SA(a), PT_SIN_LEN));
	for (int r = 0; r < ROUNDS && pt_ms() < until; r++) {
		volatile unsigned int spin = 0;
		double ready_by = pt_ms() + 2000;
		pthread_t th;

		memset(&sel, 0, sizeof(sel));
		sel.s = pt_socket(SOCK_DGRAM, IPPROTO_UDP);
		PT_OK(bind(sel.s, PT_SA(a), PT_SIN_LEN));
		sel.ev = WSACreateEvent();
		CU_ASSERT_EQUAL_FATAL(pthread_create(&th, NULL, select_call,
			&sel), 0);
		while (!__atomic_load_n(&sel.ready, __ATOMIC_ACQUIRE) &&
				pt_ms() < ready_by)
			sched_yield();
		__atomic_store_n(&sel.go, true, __ATOMIC_RELEASE);
		if (r % 4 == 3)
			SleepEx(2, FALSE);	/* the select surely won */
		while (spin < (unsigned int)(r % SPREAD) * STEP)
			spin = spin + 1;
		PT_OK(closesocket(sel.s));
		pthread_join(th, NULL);
		rounds++;
		if (sel.ret == 0)
			won++;
		else if (sel.err == WSAENOTSOCK)
			failed++;
		else
			bad_err = sel.err;
		if (!next_socket_signals(tx))
			deaf++;
		WSACloseEvent(sel.ev);
	}
	pt_close(tx);
	printf("\n    %u rounds: the select won %u, failed %u; the next "
		"socket's event never came %u times\n", rounds, won, failed,
		deaf);
	CU_ASSERT_TRUE(rounds > 0);
	CU_ASSERT_EQUAL(bad_err, 0);
	CU_ASSERT_EQUAL(deaf, 0);
}

static const struct wt_test tests[] = {
	WT_TEST(test_blocking_recv_racing_closesocket_fails_eintr_or_enotsock),
	WT_TEST(test_blocking_send_on_a_full_window_racing_closesocket_fails_eintr_or_enotsock),
	WT_TEST(test_blocking_udp_recvfrom_racing_closesocket_fails_eintr_or_enotsock),
	WT_TEST(test_overlapped_recv_racing_closesocket_aborts_once_or_fails_enotsock),
	WT_TEST(test_calls_beginning_after_closesocket_returned_fail_enotsock),
	WT_TEST(test_event_select_racing_closesocket_leaves_nothing_registered),
	WT_TEST_END
};

static const struct wt_suite close_race_suite = {
	.name = "tcp_close_race",
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
