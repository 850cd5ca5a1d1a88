/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Overlapped receives (winsock-spi.md §3.2): completion by event and
 * WSAGetOverlappedResult, by completion routine in an alertable wait,
 * and cancellation by closesocket (WSA_OPERATION_ABORTED, notified).
 *
 * The WSAOVERLAPPED, buffers and lpFrom of an operation live in static
 * storage: if a test fails while one is still pending, its late
 * completion must not write into a dead stack frame.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "wt.h"
#include "udp_api.h"

/* One overlapped receive. */
struct op {
	WSAOVERLAPPED ov;
	char buf[64];
	WSABUF wb;
	struct sockaddr_in from;
	int fromlen;
	DWORD n, flags;
};

static struct op ops[4];

/* What completion routines saw. */
static struct {
	int calls;
	DWORD err, bytes, flags;
	LPWSAOVERLAPPED ov;
	pthread_t thread;
} cr_seen;

static void CALLBACK
record_completion(DWORD err, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags)
{
	cr_seen.calls++;
	cr_seen.err = err;
	cr_seen.bytes = bytes;
	cr_seen.ov = ov;
	cr_seen.flags = flags;
	cr_seen.thread = pthread_self();
}

/* Post a WSARecvFrom on op (event: may be WSA_INVALID_EVENT). */
static int
post(SOCKET s, struct op *o, WSAEVENT ev,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr)
{
	memset(o, 0, sizeof(*o));
	o->ov.hEvent = ev;
	o->wb = (WSABUF){ .len = sizeof(o->buf), .buf = o->buf };
	o->fromlen = PT_SIN_LEN;
	return WSARecvFrom(s, &o->wb, 1, &o->n, &o->flags, PT_SA(o->from),
		&o->fromlen, &o->ov, cr);
}

/* Pending with an event: not complete (WSA_IO_INCOMPLETE, event clear)
 * until a datagram comes; then the event is set and
 * WSAGetOverlappedResult gives its size, flags and source. */
static void
test_overlapped_recv_event_pends_then_completes(void)
{
	struct sockaddr_in to, txa;
	SOCKET rx = ua_bound(&to), tx = ua_bound(&txa);
	WSAEVENT ev = WSACreateEvent();
	struct op *o = &ops[0];
	DWORD n = 0, fl = 99;

	CU_ASSERT_FATAL(ev != WSA_INVALID_EVENT);
	PT_FAILS(post(rx, o, ev, NULL), WSA_IO_PENDING);
	CU_ASSERT_FALSE(WSAGetOverlappedResult(rx, &o->ov, &n, FALSE, &fl));
	CU_ASSERT_EQUAL(WSAGetLastError(), WSA_IO_INCOMPLETE);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ev, FALSE, 50, FALSE),
		WSA_WAIT_TIMEOUT);
	CU_ASSERT_EQUAL(sendto(tx, "overlap", 7, 0, PT_SA(to), PT_SIN_LEN), 7);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ev, FALSE, PT_WAIT_MS,
		FALSE), WSA_WAIT_EVENT_0);
	CU_ASSERT_TRUE(WSAGetOverlappedResult(rx, &o->ov, &n, TRUE, &fl));
	CU_ASSERT_EQUAL(n, 7);
	CU_ASSERT_EQUAL(fl, 0);
	CU_ASSERT_EQUAL(memcmp(o->buf, "overlap", 7), 0);
	CU_ASSERT_EQUAL(o->fromlen, PT_SIN_LEN);
	CU_ASSERT_EQUAL(memcmp(&o->from, &txa, sizeof(txa)), 0);
	WSACloseEvent(ev);
	pt_close(rx);
	pt_close(tx);
}

/* With a datagram already queued, the overlapped receive completes at
 * once: returns 0 with the byte count, and the event is set. */
static void
test_overlapped_recv_with_data_queued_completes_at_once(void)
{
	struct sockaddr_in to;
	SOCKET rx = ua_bound(&to), tx = ua_udp();
	WSAEVENT ev = WSACreateEvent();
	struct op *o = &ops[0];

	ua_send_wait(tx, rx, &to, "now", 3);
	PT_OK(post(rx, o, ev, NULL));
	CU_ASSERT_EQUAL(o->n, 3);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ev, FALSE, 0, FALSE),
		WSA_WAIT_EVENT_0);
	CU_ASSERT_EQUAL(memcmp(o->buf, "now", 3), 0);
	WSACloseEvent(ev);
	pt_close(rx);
	pt_close(tx);
}

/*
 * A pending receive scatters over all its WSABUFs, however many: 20
 * one-byte buffers pend (not WSAENOBUFS, which WSARecv does not
 * document) and take 20 bytes, one each, as a receive with the datagram
 * already queued does.
 */
static void
test_overlapped_recv_twenty_bufs_pends_and_fills_all(void)
{
	enum { N = 20 };
	static char bytes[N];
	static WSABUF wb[N];
	struct sockaddr_in to;
	SOCKET rx = ua_bound(&to), tx = ua_udp();
	WSAEVENT ev = WSACreateEvent();
	struct op *o = &ops[0];
	DWORD n = 0, fl = 0;

	memset(o, 0, sizeof(*o));
	memset(bytes, 0, sizeof(bytes));
	o->ov.hEvent = ev;
	for (int i = 0; i < N; i++)
		wb[i] = (WSABUF){ .len = 1, .buf = &bytes[i] };
	PT_FAILS(WSARecv(rx, wb, N, &o->n, &o->flags, &o->ov, NULL),
		WSA_IO_PENDING);
	CU_ASSERT_EQUAL(sendto(tx, "abcdefghijklmnopqrst", N, 0, PT_SA(to),
		PT_SIN_LEN), N);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ev, FALSE, PT_WAIT_MS,
		FALSE), WSA_WAIT_EVENT_0);
	CU_ASSERT_TRUE(WSAGetOverlappedResult(rx, &o->ov, &n, TRUE, &fl));
	CU_ASSERT_EQUAL(n, N);
	CU_ASSERT_EQUAL(memcmp(bytes, "abcdefghijklmnopqrst", N), 0);
	WSACloseEvent(ev);
	pt_close(rx);
	pt_close(tx);
}

/* No WSABUF at all (a NULL array, count 0) pends like any receive, and
 * closing the socket ends it, WSA_OPERATION_ABORTED. */
static void
test_overlapped_recv_without_bufs_pends_until_close(void)
{
	SOCKET rx = ua_bound(NULL);
	WSAEVENT ev = WSACreateEvent();
	struct op *o = &ops[0];

	memset(o, 0, sizeof(*o));
	o->ov.hEvent = ev;
	PT_FAILS(WSARecv(rx, NULL, 0, &o->n, &o->flags, &o->ov, NULL),
		WSA_IO_PENDING);
	pt_close(rx);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ev, FALSE, PT_WAIT_MS,
		FALSE), WSA_WAIT_EVENT_0);
	/* The handle is gone: the result is read from the WSAOVERLAPPED. */
	CU_ASSERT_EQUAL(o->ov.Internal, 0);
	CU_ASSERT_EQUAL(o->ov.OffsetHigh, WSA_OPERATION_ABORTED);
	WSACloseEvent(ev);
}

/* Several pending receives complete in the order they were posted. */
static void
test_overlapped_recvs_complete_in_posting_order(void)
{
	enum { N = 3 };
	struct sockaddr_in to;
	SOCKET rx = ua_bound(&to), tx = ua_udp();
	WSAEVENT ev[N];
	DWORD n, fl;

	for (int i = 0; i < N; i++) {
		ev[i] = WSACreateEvent();
		PT_FAILS(post(rx, &ops[i], ev[i], NULL), WSA_IO_PENDING);
	}
	for (char c = '0'; c < '0' + N; c++)
		CU_ASSERT_EQUAL(sendto(tx, &c, 1, 0, PT_SA(to), PT_SIN_LEN), 1);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(N, ev, TRUE, PT_WAIT_MS,
		FALSE), WSA_WAIT_EVENT_0);
	for (int i = 0; i < N; i++) {
		CU_ASSERT_TRUE(WSAGetOverlappedResult(rx, &ops[i].ov, &n,
			FALSE, &fl));
		CU_ASSERT_EQUAL(n, 1);
		CU_ASSERT_EQUAL(ops[i].buf[0], '0' + i);
		WSACloseEvent(ev[i]);
	}
	pt_close(rx);
	pt_close(tx);
}

/* A datagram longer than the posted buffers completes the receive with
 * WSAEMSGSIZE and the part that fit. */
static void
test_overlapped_recv_truncated_completes_emsgsize(void)
{
	struct sockaddr_in to;
	SOCKET rx = ua_bound(&to), tx = ua_udp();
	WSAEVENT ev = WSACreateEvent();
	struct op *o = &ops[0];
	char big[100];
	DWORD n = 0, fl = 0;

	memset(big, 'T', sizeof(big));
	PT_FAILS(post(rx, o, ev, NULL), WSA_IO_PENDING);
	CU_ASSERT_EQUAL(sendto(tx, big, sizeof(big), 0, PT_SA(to),
		PT_SIN_LEN), (int)sizeof(big));
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ev, FALSE, PT_WAIT_MS,
		FALSE), WSA_WAIT_EVENT_0);
	CU_ASSERT_FALSE(WSAGetOverlappedResult(rx, &o->ov, &n, TRUE, &fl));
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAEMSGSIZE);
	CU_ASSERT_EQUAL(n, sizeof(o->buf));
	CU_ASSERT_EQUAL(memcmp(o->buf, big, sizeof(o->buf)), 0);
	WSACloseEvent(ev);
	pt_close(rx);
	pt_close(tx);
}

/* ---- immediate failures: no completion at all ---- */

/* One overlapped call that must fail at once with `want`. */
struct failing_call {
	const char *what;
	int want;
	int (*call)(SOCKET s, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr);
};

static char big[65508];

static int
send_too_big(SOCKET s, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr)
{
	struct sockaddr_in to = pt_sin(PT_IP, 9);
	WSABUF b = { .len = sizeof(big), .buf = big };

	return WSASendTo(s, &b, 1, &(DWORD){ 0 }, 0, PT_SA(to), PT_SIN_LEN,
		ov, cr);
}

static int
send_to(SOCKET s, LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
		uint32_t ip, uint16_t port)
{
	struct sockaddr_in to = pt_sin(ip, port);
	WSABUF b = { .len = 1, .buf = big };

	return WSASendTo(s, &b, 1, &(DWORD){ 0 }, 0, PT_SA(to), PT_SIN_LEN,
		ov, cr);
}

static int
send_broadcast(SOCKET s, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr)
{
	return send_to(s, ov, cr, UA_BCAST, 9);
}

/* Bound to our address: unbound, it would go to the OS path. The second
 * call's bind fails (bound already) and changes nothing. */
static int
send_off_subnet(SOCKET s, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr)
{
	struct sockaddr_in me = pt_sin(PT_IP, 0);

	bind(s, PT_SA(me), PT_SIN_LEN);
	return send_to(s, ov, cr, 0xc6130001u, 9);	/* 198.19.0.1 */
}

static int
send_port_zero(SOCKET s, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr)
{
	return send_to(s, ov, cr, PT_FOREIGN, 0);
}

static int
send_unconnected(SOCKET s, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr)
{
	WSABUF b = { .len = 1, .buf = big };

	return WSASend(s, &b, 1, &(DWORD){ 0 }, 0, ov, cr);
}

static int
ioctl_unknown(SOCKET s, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr)
{
	return WSAIoctl(s, 0x12345678, NULL, 0, NULL, 0, &(DWORD){ 0 }, ov,
		cr);
}

static int
recv_unbound(SOCKET s, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr)
{
	static char buf[8];
	WSABUF b = { .len = sizeof(buf), .buf = buf };

	return WSARecv(s, &b, 1, &(DWORD){ 0 }, &(DWORD){ 0 }, ov, cr);
}

static int
recv_oob(SOCKET s, LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr)
{
	static char buf[8];
	WSABUF b = { .len = sizeof(buf), .buf = buf };

	return WSARecv(s, &b, 1, &(DWORD){ 0 }, &(DWORD){ MSG_OOB }, ov, cr);
}

/*
 * An overlapped call that fails at once returns SOCKET_ERROR with its
 * code and nothing else: the event is not set, no completion routine
 * runs (LPWSPSend, LPWSPRecv, LPWSPIoctl: "any other error code
 * indicates that ... no completion indication will occur"). Frameworks
 * free their operation on the error; a completion on top of it would
 * complete it twice.
 */
static void
test_overlapped_immediate_errors_complete_nothing(void)
{
	static const struct failing_call calls[] = {
		{ "send 65508 bytes", WSAEMSGSIZE, send_too_big },
		{ "send to broadcast", WSAEACCES, send_broadcast },
		{ "send off-subnet", WSAENETUNREACH, send_off_subnet },
		{ "send to port 0", WSAEADDRNOTAVAIL, send_port_zero },
		{ "send unconnected", WSAENOTCONN, send_unconnected },
		{ "unknown ioctl", WSAEINVAL, ioctl_unknown },
		{ "recv unbound", WSAEINVAL, recv_unbound },
		{ "recv MSG_OOB", WSAEOPNOTSUPP, recv_oob },
	};
	static WSAOVERLAPPED ov;
	WSAEVENT ev = WSACreateEvent();

	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		SOCKET s = ua_udp();
		int ret, err;

		memset(&ov, 0, sizeof(ov));
		ov.hEvent = ev;
		WSAResetEvent(ev);
		ret = calls[i].call(s, &ov, NULL);
		err = WSAGetLastError();
		CU_ASSERT_EQUAL(ret, SOCKET_ERROR);
		CU_ASSERT_EQUAL(err, calls[i].want);
		CU_ASSERT_EQUAL(ov.Internal, 0);	/* never in progress */
		CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ev, FALSE, 20,
			FALSE), WSA_WAIT_TIMEOUT);
		memset(&cr_seen, 0, sizeof(cr_seen));
		memset(&ov, 0, sizeof(ov));
		ret = calls[i].call(s, &ov, record_completion);
		CU_ASSERT_EQUAL(ret, SOCKET_ERROR);
		CU_ASSERT_EQUAL(WSAGetLastError(), calls[i].want);
		CU_ASSERT_EQUAL(SleepEx(20, TRUE), 0);
		CU_ASSERT_EQUAL(cr_seen.calls, 0);
		if (err != calls[i].want || cr_seen.calls != 0)
			fprintf(stderr, "\n%s: error %d, %d completions\n",
				calls[i].what, err, cr_seen.calls);
		pt_close(s);
	}
	WSACloseEvent(ev);
}

/* A queued datagram longer than the buffers of an overlapped receive:
 * WSA_IO_PENDING, then exactly one completion with WSAEMSGSIZE and the
 * part that fit (an immediate WSAEMSGSIZE would be a failure that must
 * not complete, yet the datagram was consumed). */
static void
test_overlapped_recv_truncated_at_once_completes_once(void)
{
	struct sockaddr_in to;
	SOCKET rx = ua_bound(&to), tx = ua_udp();
	WSAEVENT ev = WSACreateEvent();
	struct op *o = &ops[0];
	char data[100];
	DWORD n = 0, fl = 0;

	memset(data, 'T', sizeof(data));
	ua_send_wait(tx, rx, &to, data, sizeof(data));
	PT_FAILS(post(rx, o, ev, NULL), WSA_IO_PENDING);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ev, FALSE, PT_WAIT_MS,
		FALSE), WSA_WAIT_EVENT_0);
	CU_ASSERT_FALSE(WSAGetOverlappedResult(rx, &o->ov, &n, FALSE, &fl));
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAEMSGSIZE);
	CU_ASSERT_EQUAL(n, sizeof(o->buf));
	ua_send_wait(tx, rx, &to, data, sizeof(data));
	memset(&cr_seen, 0, sizeof(cr_seen));
	PT_FAILS(post(rx, o, WSA_INVALID_EVENT, record_completion),
		WSA_IO_PENDING);
	CU_ASSERT_EQUAL(SleepEx(PT_WAIT_MS, TRUE), WSA_WAIT_IO_COMPLETION);
	CU_ASSERT_EQUAL(SleepEx(20, TRUE), 0);
	CU_ASSERT_EQUAL(cr_seen.calls, 1);
	CU_ASSERT_EQUAL(cr_seen.err, WSAEMSGSIZE);
	CU_ASSERT_EQUAL(cr_seen.bytes, sizeof(o->buf));
	WSACloseEvent(ev);
	pt_close(rx);
	pt_close(tx);
}

/* An overlapped send completes at once (a datagram is queued or
 * refused): 0, the byte count, the event set, and the datagram sent. */
static void
test_overlapped_send_completes_at_once(void)
{
	struct sockaddr_in to;
	SOCKET rx = ua_bound(&to), tx = ua_udp();
	WSAEVENT ev = WSACreateEvent();
	static WSAOVERLAPPED ov;
	WSABUF b = { .len = 4, .buf = (char *)"sent" };
	DWORD n = 0, fl = 0;
	char buf[8];

	memset(&ov, 0, sizeof(ov));
	ov.hEvent = ev;
	PT_OK(WSASendTo(tx, &b, 1, &n, 0, PT_SA(to), PT_SIN_LEN, &ov, NULL));
	CU_ASSERT_EQUAL(n, 4);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ev, FALSE, 0, FALSE),
		WSA_WAIT_EVENT_0);
	n = 0;
	CU_ASSERT_TRUE(WSAGetOverlappedResult(tx, &ov, &n, FALSE, &fl));
	CU_ASSERT_EQUAL(n, 4);
	CU_ASSERT_EQUAL(ua_recv(rx, buf, sizeof(buf), NULL, PT_WAIT_MS), 4);
	WSACloseEvent(ev);
	pt_close(rx);
	pt_close(tx);
}

/* WSAGetOverlappedResult without somewhere to put the count or flags:
 * WSAEFAULT. */
static void
test_get_overlapped_result_null_arguments_fail_efault(void)
{
	SOCKET rx = ua_bound(NULL);
	WSAOVERLAPPED ov;
	DWORD n, fl;

	memset(&ov, 0, sizeof(ov));
	CU_ASSERT_FALSE(WSAGetOverlappedResult(rx, &ov, NULL, FALSE, &fl));
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAEFAULT);
	CU_ASSERT_FALSE(WSAGetOverlappedResult(rx, &ov, &n, FALSE, NULL));
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAEFAULT);
	CU_ASSERT_FALSE(WSAGetOverlappedResult(rx, NULL, &n, FALSE, &fl));
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAEFAULT);
	pt_close(rx);
}

/* A completion routine runs in the initiating thread, and only during an
 * alertable wait (SleepEx). */
static void
test_completion_routine_runs_in_alertable_sleepex(void)
{
	struct sockaddr_in to;
	SOCKET rx = ua_bound(&to), tx = ua_udp();
	struct op *o = &ops[0];

	memset(&cr_seen, 0, sizeof(cr_seen));
	PT_FAILS(post(rx, o, WSA_INVALID_EVENT, record_completion),
		WSA_IO_PENDING);
	CU_ASSERT_EQUAL(sendto(tx, "apc", 3, 0, PT_SA(to), PT_SIN_LEN), 3);
	/* Completed by now or soon, but not delivered outside an
	 * alertable wait. */
	CU_ASSERT_EQUAL(SleepEx(200, FALSE), 0);
	CU_ASSERT_EQUAL(cr_seen.calls, 0);
	CU_ASSERT_EQUAL(SleepEx(PT_WAIT_MS, TRUE), WSA_WAIT_IO_COMPLETION);
	CU_ASSERT_EQUAL(cr_seen.calls, 1);
	CU_ASSERT_EQUAL(cr_seen.err, 0);
	CU_ASSERT_EQUAL(cr_seen.bytes, 3);
	CU_ASSERT_PTR_EQUAL(cr_seen.ov, &o->ov);
	CU_ASSERT(pthread_equal(cr_seen.thread, pthread_self()));
	CU_ASSERT_EQUAL(memcmp(o->buf, "apc", 3), 0);
	CU_ASSERT_EQUAL(ntohl(o->from.sin_addr.s_addr), PT_IP);
	pt_close(rx);
	pt_close(tx);
}

/* The same routine is delivered by an alertable
 * WSAWaitForMultipleEvents, which returns WSA_WAIT_IO_COMPLETION. */
static void
test_completion_routine_runs_in_alertable_event_wait(void)
{
	struct sockaddr_in to;
	SOCKET rx = ua_bound(&to), tx = ua_udp();
	WSAEVENT never = WSACreateEvent();

	memset(&cr_seen, 0, sizeof(cr_seen));
	PT_FAILS(post(rx, &ops[0], WSA_INVALID_EVENT, record_completion),
		WSA_IO_PENDING);
	CU_ASSERT_EQUAL(sendto(tx, "wfme", 4, 0, PT_SA(to), PT_SIN_LEN), 4);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &never, FALSE, PT_WAIT_MS,
		TRUE), WSA_WAIT_IO_COMPLETION);
	CU_ASSERT_EQUAL(cr_seen.calls, 1);
	CU_ASSERT_EQUAL(cr_seen.bytes, 4);
	WSACloseEvent(never);
	pt_close(rx);
	pt_close(tx);
}

/* An ICMP port unreachable for our datagram fails the pending receive
 * with WSAECONNRESET. */
static void
test_overlapped_recv_fails_econnreset_on_port_unreachable(void)
{
	struct sockaddr_in closed = pt_sin(PT_IP, ua_closed_port());
	SOCKET s = ua_bound(NULL);
	WSAEVENT ev = WSACreateEvent();
	struct op *o = &ops[0];
	DWORD n = 0, fl = 0;

	PT_FAILS(post(s, o, ev, NULL), WSA_IO_PENDING);
	CU_ASSERT_EQUAL(sendto(s, "x", 1, 0, PT_SA(closed), PT_SIN_LEN), 1);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ev, FALSE, PT_WAIT_MS,
		FALSE), WSA_WAIT_EVENT_0);
	CU_ASSERT_FALSE(WSAGetOverlappedResult(s, &o->ov, &n, FALSE, &fl));
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAECONNRESET);
	CU_ASSERT_EQUAL(n, 0);
	WSACloseEvent(ev);
	pt_close(s);
}

/* closesocket aborts a pending receive: its completion routine runs
 * with WSA_OPERATION_ABORTED and no data. */
static void
test_closesocket_aborts_pending_recv_routine(void)
{
	SOCKET rx = ua_bound(NULL);

	memset(&cr_seen, 0, sizeof(cr_seen));
	PT_FAILS(post(rx, &ops[0], WSA_INVALID_EVENT, record_completion),
		WSA_IO_PENDING);
	pt_close(rx);
	CU_ASSERT_EQUAL(SleepEx(PT_WAIT_MS, TRUE), WSA_WAIT_IO_COMPLETION);
	CU_ASSERT_EQUAL(cr_seen.calls, 1);
	CU_ASSERT_EQUAL(cr_seen.err, WSA_OPERATION_ABORTED);
	CU_ASSERT_EQUAL(cr_seen.bytes, 0);
	CU_ASSERT_PTR_EQUAL(cr_seen.ov, &ops[0].ov);
}

/* closesocket aborts a pending receive with an event: the event is set
 * and the operation is no longer in progress. */
static void
test_closesocket_aborts_pending_recv_event(void)
{
	SOCKET rx = ua_bound(NULL);
	WSAEVENT ev = WSACreateEvent();
	struct op *o = &ops[0];

	PT_FAILS(post(rx, o, ev, NULL), WSA_IO_PENDING);
	pt_close(rx);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ev, FALSE, PT_WAIT_MS,
		FALSE), WSA_WAIT_EVENT_0);
	CU_ASSERT_NOT_EQUAL(o->ov.Internal, WSS_OPERATION_IN_PROGRESS);
	CU_ASSERT_EQUAL(o->ov.InternalHigh, 0);
	WSACloseEvent(ev);
}

/* A receive posted from one thread while another closes the socket. */
static struct race {
	SOCKET s;
	WSAEVENT ev;
	int ret, err;
	pthread_barrier_t go;
} r;

static void *
post_after_barrier(void *arg)
{
	struct race *rc = arg;

	pthread_barrier_wait(&rc->go);
	rc->ret = post(rc->s, &ops[3], rc->ev, NULL);
	rc->err = WSAGetLastError();
	return NULL;
}

/* A receive posted while another thread closes the socket either fails
 * at once or is completed (aborted): it never stays pending. */
static void
test_recv_posted_during_close_never_stays_pending(void)
{
	enum { ROUNDS = 1000 };
	int stuck = 0, pended = 0;
	double t0 = pt_ms();

	CU_ASSERT_FATAL(pthread_barrier_init(&r.go, NULL, 2) == 0);
	r.ev = WSACreateEvent();
	for (int i = 0; i < ROUNDS && stuck == 0 && pt_ms() - t0 < 3000;
			i++) {
		pthread_t t;

		r.s = ua_bound(NULL);
		WSAResetEvent(r.ev);
		CU_ASSERT_FATAL(pthread_create(&t, NULL, post_after_barrier,
			&r) == 0);
		pthread_barrier_wait(&r.go);
		closesocket(r.s);
		pthread_join(t, NULL);
		if (r.ret == SOCKET_ERROR && r.err == WSA_IO_PENDING) {
			pended++;
			stuck += WSAWaitForMultipleEvents(1, &r.ev, FALSE,
				PT_WAIT_MS, FALSE) != WSA_WAIT_EVENT_0;
		}
	}
	CU_ASSERT_EQUAL(stuck, 0);
	WSACloseEvent(r.ev);
	pthread_barrier_destroy(&r.go);
	if (stuck != 0)
		fprintf(stderr, "\n%d of %d pending receives never "
			"completed\n", stuck, pended);
}

struct late_send {
	SOCKET tx;
	struct sockaddr_in to;
};

static void *
send_later(void *arg)
{
	struct late_send *l = arg;

	wt_sleep_ms(100);
	sendto(l->tx, "late", 4, 0, PT_SA(l->to), PT_SIN_LEN);
	return NULL;
}

/* A socket made without WSA_FLAG_OVERLAPPED ignores lpOverlapped: the
 * receive blocks until data comes and returns it, never WSA_IO_PENDING,
 * and the event is not touched. */
static void
test_non_overlapped_socket_ignores_lpoverlapped(void)
{
	struct late_send l = { .tx = ua_udp() };
	struct sockaddr_in a = pt_sin(PT_IP, 0);
	WSAEVENT ev = WSACreateEvent();
	struct op *o = &ops[0];
	int len = PT_SIN_LEN;
	pthread_t t;
	SOCKET rx;

	rx = WSASocketW(AF_INET, SOCK_DGRAM, IPPROTO_UDP, NULL, 0, 0);
	CU_ASSERT_FATAL(rx != INVALID_SOCKET);
	PT_OK(bind(rx, PT_SA(a), PT_SIN_LEN));
	PT_OK(getsockname(rx, PT_SA(l.to), &len));
	CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, send_later, &l), 0);
	PT_OK(post(rx, o, ev, NULL));
	CU_ASSERT_EQUAL(o->n, 4);
	CU_ASSERT_EQUAL(memcmp(o->buf, "late", 4), 0);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ev, FALSE, 0, FALSE),
		WSA_WAIT_TIMEOUT);
	pthread_join(t, NULL);
	WSACloseEvent(ev);
	pt_close(rx);
	pt_close(l.tx);
}

/* WSAIoctl on such a socket ignores lpOverlapped too ("ignored for
 * non-overlapped sockets", WSAIoctl): it answers as ioctlsocket would,
 * the WSAOVERLAPPED and its event untouched. */
static void
test_non_overlapped_socket_ioctl_ignores_lpoverlapped(void)
{
	WSAEVENT ev = WSACreateEvent();
	WSAOVERLAPPED ov;
	u_long avail = 1;
	DWORD ret = 0;
	SOCKET s = WSASocketW(AF_INET, SOCK_DGRAM, IPPROTO_UDP, NULL, 0, 0);

	CU_ASSERT_FATAL(s != INVALID_SOCKET);
	memset(&ov, 0, sizeof(ov));
	ov.Internal = 0x5afe;		/* nobody's value: "untouched" */
	ov.hEvent = ev;
	PT_OK(WSAIoctl(s, FIONREAD, NULL, 0, &avail, sizeof(avail), &ret,
		&ov, NULL));
	CU_ASSERT_EQUAL(avail, 0);
	CU_ASSERT_EQUAL(ret, sizeof(avail));
	CU_ASSERT_EQUAL(ov.Internal, 0x5afe);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ev, FALSE, 0, FALSE),
		WSA_WAIT_TIMEOUT);
	WSACloseEvent(ev);
	pt_close(s);
}

static const struct wt_test overlapped_tests[] = {
	WT_TEST(test_overlapped_recv_event_pends_then_completes),
	WT_TEST(test_overlapped_recv_with_data_queued_completes_at_once),
	WT_TEST(test_overlapped_recvs_complete_in_posting_order),
	WT_TEST(test_overlapped_recv_twenty_bufs_pends_and_fills_all),
	WT_TEST(test_overlapped_recv_without_bufs_pends_until_close),
	WT_TEST(test_overlapped_recv_truncated_completes_emsgsize),
	WT_TEST(test_overlapped_recv_fails_econnreset_on_port_unreachable),
	WT_TEST(test_overlapped_send_completes_at_once),
	WT_TEST(test_overlapped_immediate_errors_complete_nothing),
	WT_TEST(test_overlapped_recv_truncated_at_once_completes_once),
	WT_TEST(test_get_overlapped_result_null_arguments_fail_efault),
	WT_TEST(test_completion_routine_runs_in_alertable_sleepex),
	WT_TEST(test_completion_routine_runs_in_alertable_event_wait),
	WT_TEST(test_closesocket_aborts_pending_recv_routine),
	WT_TEST(test_closesocket_aborts_pending_recv_event),
	WT_TEST(test_recv_posted_during_close_never_stays_pending),
	WT_TEST(test_non_overlapped_socket_ignores_lpoverlapped),
	WT_TEST(test_non_overlapped_socket_ioctl_ignores_lpoverlapped),
	WT_TEST_END
};

const struct wt_suite test_udp_overlapped_suite = {
	.name = "udp_overlapped",
	.clean = pt_suite_clean,
	.tests = overlapped_tests,
};
