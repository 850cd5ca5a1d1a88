/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Blocking calls and threads: a blocked receive woken by another
 * thread's send or close, select timeouts, FIONBIO, SO_RCVTIMEO, and
 * many threads on one socket with every datagram accounted for.
 *
 * Every wait is bounded: a helper thread that does not finish in time is
 * unblocked by closing its socket, and the test fails.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <CUnit/CUnit.h>

#include "wt.h"
#include "udp_api.h"

/* ---- helper threads ---- */

struct recv_job {
	SOCKET s;
	char buf[64];
	int ret, err;
	bool done;			/* atomic */
	pthread_t thread;
};

static void *
recv_main(void *arg)
{
	struct recv_job *j = arg;
	struct sockaddr_in from;
	int len = PT_SIN_LEN;

	j->ret = recvfrom(j->s, j->buf, sizeof(j->buf), 0, PT_SA(from), &len);
	j->err = j->ret == SOCKET_ERROR ? WSAGetLastError() : 0;
	__atomic_store_n(&j->done, true, __ATOMIC_RELEASE);
	return NULL;
}

static void
recv_start(struct recv_job *j, SOCKET s)
{
	memset(j, 0, sizeof(*j));
	j->s = s;
	CU_ASSERT_FATAL(pthread_create(&j->thread, NULL, recv_main, j) == 0);
}

/* Wait up to ms for the job; true if it finished. */
static bool
job_wait(const bool *done, unsigned int ms)
{
	for (double t0 = pt_ms(); pt_ms() - t0 < ms; wt_sleep_ms(1))
		if (__atomic_load_n(done, __ATOMIC_ACQUIRE))
			return true;
	return __atomic_load_n(done, __ATOMIC_ACQUIRE);
}

/* Join, closing s first if the thread is still blocked (a failure). */
static void
recv_join(struct recv_job *j, bool *closed)
{
	if (!job_wait(&j->done, PT_WAIT_MS)) {
		CU_FAIL("receiving thread still blocked");
		closesocket(j->s);
		*closed = true;
	}
	pthread_join(j->thread, NULL);
}

struct send_later {
	SOCKET s;
	struct sockaddr_in to;
	unsigned int delay_ms;
	int ret, err;			/* sendto's, once joined */
	pthread_t thread;
};

static void *
send_later_main(void *arg)
{
	struct send_later *l = arg;

	wt_sleep_ms(l->delay_ms);
	l->ret = sendto(l->s, "late", 4, 0, PT_SA(l->to), PT_SIN_LEN);
	l->err = l->ret < 0 ? WSAGetLastError() : 0;
	if (l->ret != 4)
		fprintf(stderr, "send_later: sendto %d, error %d\n", l->ret,
			l->err);
	return NULL;
}

/*
 * A wait without timeout must still end if what should end it went
 * missing: after 3 * PT_WAIT_MS the watchdog says so and sends to the
 * socket itself, so the test fails with a message rather than hanging.
 */
struct watchdog {
	SOCKET s;
	struct sockaddr_in to;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool done, fired;
	pthread_t thread;
};

static void *
watchdog_main(void *arg)
{
	struct watchdog *w = arg;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 3 * PT_WAIT_MS / 1000;
	pthread_mutex_lock(&w->lock);
	while (!w->done)
		if (pthread_cond_timedwait(&w->cond, &w->lock, &ts) != 0)
			break;
	w->fired = !w->done;
	pthread_mutex_unlock(&w->lock);
	if (w->fired) {
		fprintf(stderr, "watchdog: still waiting after %d ms\n",
			3 * PT_WAIT_MS);
		sendto(w->s, "dog", 3, 0, PT_SA(w->to), PT_SIN_LEN);
	}
	return NULL;
}

static void
watchdog_start(struct watchdog *w, SOCKET s, const struct sockaddr_in *to)
{
	w->s = s;
	w->to = *to;
	w->done = w->fired = false;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	CU_ASSERT_FATAL(pthread_create(&w->thread, NULL, watchdog_main,
		w) == 0);
}

/* False if the watchdog had to end the wait. */
static bool
watchdog_stop(struct watchdog *w)
{
	pthread_mutex_lock(&w->lock);
	w->done = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	return !w->fired;
}

/* The late datagram was sent (a test waiting for it otherwise proves
 * nothing about the wait). */
static void
send_later_join(struct send_later *l)
{
	pthread_join(l->thread, NULL);
	CU_ASSERT_EQUAL(l->ret, 4);
}

static void
send_later(struct send_later *l, SOCKET s, const struct sockaddr_in *to,
		unsigned int delay_ms)
{
	l->s = s;
	l->to = *to;
	l->delay_ms = delay_ms;
	CU_ASSERT_FATAL(pthread_create(&l->thread, NULL, send_later_main,
		l) == 0);
}

/* ---- blocking receive ---- */

/* A blocking receive waits, and another thread's send wakes it with the
 * datagram. */
static void
test_blocking_recv_woken_by_send_from_another_thread(void)
{
	struct sockaddr_in to;
	SOCKET rx = ua_bound(&to), tx = ua_udp();
	struct recv_job j;
	bool closed = false;

	recv_start(&j, rx);
	wt_sleep_ms(100);
	CU_ASSERT_FALSE(__atomic_load_n(&j.done, __ATOMIC_ACQUIRE));
	CU_ASSERT_EQUAL(sendto(tx, "wake", 4, 0, PT_SA(to), PT_SIN_LEN), 4);
	recv_join(&j, &closed);
	CU_ASSERT_EQUAL(j.ret, 4);
	CU_ASSERT_EQUAL(memcmp(j.buf, "wake", 4), 0);
	if (!closed)
		pt_close(rx);
	pt_close(tx);
}

/* closesocket from another thread ends a blocked receive with
 * WSAEINTR. */
static void
test_blocking_recv_interrupted_by_closesocket_fails_eintr(void)
{
	SOCKET rx = ua_bound(NULL);
	struct recv_job j;
	bool closed = false;

	recv_start(&j, rx);
	wt_sleep_ms(100);
	CU_ASSERT_FALSE(__atomic_load_n(&j.done, __ATOMIC_ACQUIRE));
	pt_close(rx);
	recv_join(&j, &closed);
	CU_ASSERT_EQUAL(j.ret, SOCKET_ERROR);
	CU_ASSERT_EQUAL(j.err, WSAEINTR);
}

/* shutdown(SD_RECEIVE) from another thread ends a blocked receive with
 * WSAESHUTDOWN. */
static void
test_blocking_recv_ended_by_shutdown_fails_eshutdown(void)
{
	SOCKET rx = ua_bound(NULL);
	struct recv_job j;
	bool closed = false;

	recv_start(&j, rx);
	wt_sleep_ms(100);
	CU_ASSERT_FALSE(__atomic_load_n(&j.done, __ATOMIC_ACQUIRE));
	PT_OK(shutdown(rx, SD_RECEIVE));
	recv_join(&j, &closed);
	CU_ASSERT_EQUAL(j.ret, SOCKET_ERROR);
	CU_ASSERT_EQUAL(j.err, WSAESHUTDOWN);
	if (!closed)
		pt_close(rx);
}

/* Several threads blocked on one socket each take a different datagram:
 * none is delivered twice, none is lost. */
static void
test_concurrent_receivers_take_each_datagram_once(void)
{
	enum { N = 4 };
	struct sockaddr_in to;
	SOCKET rx = ua_bound(&to), tx = ua_udp();
	struct recv_job j[N];
	bool closed = false, seen[N] = { false };

	for (int i = 0; i < N; i++)
		recv_start(&j[i], rx);
	wt_sleep_ms(50);
	for (char i = 0; i < N; i++)
		CU_ASSERT_EQUAL(sendto(tx, &i, 1, 0, PT_SA(to), PT_SIN_LEN), 1);
	for (int i = 0; i < N; i++) {
		recv_join(&j[i], &closed);
		CU_ASSERT_EQUAL(j[i].ret, 1);
		if (j[i].ret == 1 && j[i].buf[0] >= 0 && j[i].buf[0] < N) {
			CU_ASSERT_FALSE(seen[(int)j[i].buf[0]]);
			seen[(int)j[i].buf[0]] = true;
		}
	}
	if (!closed)
		pt_close(rx);
	pt_close(tx);
}

/* FIONBIO on: an empty receive fails WSAEWOULDBLOCK at once; off again:
 * it blocks until a datagram comes. */
static void
test_fionbio_toggles_blocking(void)
{
	struct sockaddr_in to;
	SOCKET rx = ua_bound(&to), tx = ua_udp();
	struct send_later l;
	char buf[8];
	double t0;

	pt_nonblocking(rx, true);
	t0 = pt_ms();
	PT_FAILS(recv(rx, buf, sizeof(buf), 0), WSAEWOULDBLOCK);
	CU_ASSERT(pt_ms() - t0 < 1000);
	pt_nonblocking(rx, false);
	/* Bounded: the timeout only guards against a lost wake-up. */
	pt_setopt_int(rx, SOL_SOCKET, SO_RCVTIMEO, PT_WAIT_MS);
	send_later(&l, tx, &to, 100);
	t0 = pt_ms();
	CU_ASSERT_EQUAL(recv(rx, buf, sizeof(buf), 0), 4);
	CU_ASSERT(pt_ms() - t0 >= 50);
	send_later_join(&l);
	pt_nonblocking(rx, true);
	PT_FAILS(recv(rx, buf, sizeof(buf), 0), WSAEWOULDBLOCK);
	pt_close(rx);
	pt_close(tx);
}

/* SO_RCVTIMEO reads back and a blocking receive with nothing to read
 * fails WSAETIMEDOUT once it has passed. */
static void
test_so_rcvtimeo_fails_etimedout(void)
{
	SOCKET rx = ua_bound(NULL);
	int v = 0, len = sizeof(v);
	char buf[8];
	double t0, dt;

	pt_setopt_int(rx, SOL_SOCKET, SO_RCVTIMEO, 100);
	PT_OK(getsockopt(rx, SOL_SOCKET, SO_RCVTIMEO, (char *)&v, &len));
	CU_ASSERT_EQUAL(v, 100);
	t0 = pt_ms();
	PT_FAILS(recv(rx, buf, sizeof(buf), 0), WSAETIMEDOUT);
	dt = pt_ms() - t0;
	CU_ASSERT(dt >= 99);
	CU_ASSERT(dt < PT_WAIT_MS);
	pt_close(rx);
}

/* Thread CPU time, ms. */
static double
thread_cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* A socket whose TX queue is full and stays full: datagrams of len
 * bytes to a neighbour that never answers ARP, once the neighbour's hold
 * queue is full too. Non-blocking sends fill it (in slots with small
 * datagrams, in bytes with large ones); the socket is left blocking.
 * Each call asks for a neighbour nobody asked for before: one asked for
 * earlier in the run may be about to fail (3 s after the first request)
 * and drop what it holds, and the queue would drain under the test. */
static SOCKET
stuck_sender(struct sockaddr_in *to, int len)
{
	static uint32_t next = 0xc61200c8u;	/* 198.18.0.200 up */
	static char buf[1000];
	SOCKET tx = ua_udp();
	bool stuck = false;
	int n = 0;

	CU_ASSERT_FATAL(next < UA_BCAST);
	*to = pt_sin(next++, 9);
	pt_setopt_int(tx, SOL_SOCKET, SO_SNDBUF, 4096);
	pt_nonblocking(tx, true);
	for (double t0 = pt_ms(); !stuck && pt_ms() - t0 < PT_WAIT_MS; ) {
		if (sendto(tx, buf, len, 0, PT_SA(*to), PT_SIN_LEN) == len) {
			n++;
			continue;
		}
		CU_ASSERT_EQUAL_FATAL(WSAGetLastError(), WSAEWOULDBLOCK);
		/* Full: and still full, tried every millisecond for 50 ms
		 * (the lcore has parked it), not merely behind. Polling
		 * fast matters: the hold takes WSPDK_ARP_QLEN (64 in
		 * this runner) frames, which a slow (sanitized) run must
		 * fill well before ARP gives up on the neighbour at ~3 s. */
		stuck = true;
		for (int t = 0; t < 50; t++) {
			wt_sleep_ms(1);
			if (sendto(tx, buf, len, 0, PT_SA(*to),
					PT_SIN_LEN) == len) {
				n++;
				stuck = false;
				break;
			}
			CU_ASSERT_EQUAL_FATAL(WSAGetLastError(),
				WSAEWOULDBLOCK);
		}
	}
	CU_ASSERT(n > 0);
	if (!stuck)
		printf("\n    %d-byte datagrams to %u.%u.%u.%u: %d sent in %d "
			"ms and the queue never stayed full\n", len,
			(unsigned int)(next - 1) >> 24,
			((unsigned int)(next - 1) >> 16) & 0xff,
			((unsigned int)(next - 1) >> 8) & 0xff,
			(unsigned int)(next - 1) & 0xff, n, PT_WAIT_MS);
	CU_ASSERT_FATAL(stuck);
	pt_nonblocking(tx, false);
	return tx;
}

/*
 * A blocking send on a socket whose TX queue stays full -- in slots, or
 * in bytes with room for less than its datagram -- waits quietly and
 * fails WSAETIMEDOUT when SO_SNDTIMEO passes. (With bytes, it once spun
 * at 100 % CPU forever: the readiness it waited for was room in the
 * ring, not room for its datagram.)
 */
static void
test_blocking_send_on_full_queue_honours_sndtimeo(void)
{
	static const int lens[] = { 1, 1000 };
	LINGER abort_close = { .l_onoff = 1, .l_linger = 0 };
	static char buf[1000];

	for (size_t i = 0; i < 2; i++) {
		struct sockaddr_in to;
		SOCKET tx = stuck_sender(&to, lens[i]);
		double t0, cpu0, dt, cpu;

		pt_setopt_int(tx, SOL_SOCKET, SO_SNDTIMEO, 300);
		t0 = pt_ms();
		cpu0 = thread_cpu_ms();
		PT_FAILS(sendto(tx, buf, lens[i], 0, PT_SA(to), PT_SIN_LEN),
			WSAETIMEDOUT);
		dt = pt_ms() - t0;
		cpu = thread_cpu_ms() - cpu0;
		printf("\n    %d-byte datagrams: waited %.0f ms, %.1f ms of "
			"CPU", lens[i], dt, cpu);
		CU_ASSERT(dt >= 299);
		CU_ASSERT(dt < PT_WAIT_MS);
		CU_ASSERT(cpu < dt / 4);
		PT_OK(setsockopt(tx, SOL_SOCKET, SO_LINGER,
			(char *)&abort_close, sizeof(abort_close)));
		pt_close(tx);
	}
}

/*
 * SO_SNDBUF raised after the first send takes effect at once: a socket
 * whose queue was full (in datagrams, not bytes) takes as many more as
 * the larger buffer holds, and they leave in order.
 */
static void
test_sndbuf_raised_after_first_send_queues_more(void)
{
	LINGER abort_close = { .l_onoff = 1, .l_linger = 0 };
	struct sockaddr_in to;
	SOCKET tx = stuck_sender(&to, 1);
	int more = 0;

	pt_setopt_int(tx, SOL_SOCKET, SO_SNDBUF, 1 << 20);
	pt_nonblocking(tx, true);
	while (sendto(tx, "z", 1, 0, PT_SA(to), PT_SIN_LEN) == 1 &&
			more < 100000)
		more++;
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAEWOULDBLOCK);
	printf("\n    %d more datagrams queued\n", more);
	/* 1 MB of 1-byte datagrams is limited by slots: a quarter of the
	 * pool, against the 255 a 4 KB buffer had. */
	CU_ASSERT(more >= 1000);
	PT_OK(setsockopt(tx, SOL_SOCKET, SO_LINGER, (char *)&abort_close,
		sizeof(abort_close)));
	pt_close(tx);
}

/* ---- select ---- */

/* A {0,0} timeout polls: 0 ready, at once. */
static void
test_select_zero_timeout_polls(void)
{
	struct timeval tv = { 0, 0 };
	SOCKET s = ua_bound(NULL);
	fd_set rd;
	double t0 = pt_ms();

	FD_ZERO(&rd);
	FD_SET(s, &rd);
	CU_ASSERT_EQUAL(select(0, &rd, NULL, NULL, &tv), 0);
	CU_ASSERT(pt_ms() - t0 < 1000);
	CU_ASSERT_EQUAL(rd.fd_count, 0);
	pt_close(s);
}

/* A 50 ms timeout with nothing ready returns 0 after at least 50 ms. */
static void
test_select_timeout_returns_zero_after_timeout(void)
{
	struct timeval tv = { 0, 50000 };
	SOCKET s = ua_bound(NULL);
	fd_set rd;
	double t0 = pt_ms(), dt;

	FD_ZERO(&rd);
	FD_SET(s, &rd);
	CU_ASSERT_EQUAL(select(0, &rd, NULL, NULL, &tv), 0);
	dt = pt_ms() - t0;
	CU_ASSERT(dt >= 49.9);
	CU_ASSERT(dt < PT_WAIT_MS);
	pt_close(s);
}

/* A datagram arriving during a long timeout wakes select early. */
static void
test_select_woken_early_by_readiness(void)
{
	struct timeval tv = { 30, 0 };
	struct sockaddr_in to;
	SOCKET rx = ua_bound(&to), tx = ua_udp();
	struct send_later l;
	fd_set rd;
	double t0 = pt_ms();

	send_later(&l, tx, &to, 50);
	FD_ZERO(&rd);
	FD_SET(rx, &rd);
	CU_ASSERT_EQUAL(select(0, &rd, NULL, NULL, &tv), 1);
	CU_ASSERT(FD_ISSET(rx, &rd));
	CU_ASSERT(pt_ms() - t0 < PT_WAIT_MS);
	send_later_join(&l);
	pt_close(rx);
	pt_close(tx);
}

/* A NULL timeout waits for readiness, whichever socket of the set gets
 * it. */
static void
test_select_without_timeout_waits_for_readiness(void)
{
	struct sockaddr_in to;
	SOCKET quiet = ua_bound(NULL), rx = ua_bound(&to), tx = ua_udp();
	SOCKET dog = ua_udp();
	struct send_later l;
	struct watchdog w;
	fd_set rd;

	send_later(&l, tx, &to, 50);
	watchdog_start(&w, dog, &to);
	FD_ZERO(&rd);
	FD_SET(quiet, &rd);
	FD_SET(rx, &rd);
	CU_ASSERT_EQUAL(select(0, &rd, NULL, NULL, NULL), 1);
	CU_ASSERT(FD_ISSET(rx, &rd));
	CU_ASSERT(watchdog_stop(&w));
	send_later_join(&l);
	pt_close(dog);
	pt_close(quiet);
	pt_close(rx);
	pt_close(tx);
}

/* ---- many threads, one socket ---- */

/* All of them fit one socket's queue (a quarter of the pool the runner
 * asks for, WSPDK_MBUFS=32767: 8191), so a reader that falls behind
 * never makes "room for them" false. */
#define SENDERS		8
#define PER_SENDER	1000
#define TOTAL		(SENDERS * PER_SENDER)

struct dgram {
	uint32_t thread, seq;
};

struct storm {
	SOCKET tx, rx;
	struct sockaddr_in to;
	int sent[SENDERS];		/* per sender: accepted by sendto */
	int nobufs[SENDERS];		/* refused with WSAENOBUFS */
	int failed[SENDERS];		/* refused with anything else */
	int last_error[SENDERS];
	int accepted;			/* atomic: sum of sent[] */
	int finished;			/* atomic: senders done */
	uint8_t seen[SENDERS][PER_SENDER];
	int received, duplicates, bogus;
};

struct sender {
	struct storm *st;
	uint32_t id;
	pthread_t thread;
};

static void *
sender_main(void *arg)
{
	struct sender *s = arg;
	struct storm *st = s->st;

	for (uint32_t seq = 0; seq < PER_SENDER; seq++) {
		struct dgram d = { s->id, seq };
		int err;

		if (sendto(st->tx, (char *)&d, sizeof(d), 0, PT_SA(st->to),
				PT_SIN_LEN) == (int)sizeof(d)) {
			st->sent[s->id]++;
			__atomic_fetch_add(&st->accepted, 1, __ATOMIC_RELEASE);
			continue;
		}
		err = WSAGetLastError();
		if (err == WSAENOBUFS) {
			st->nobufs[s->id]++;
		} else {
			st->failed[s->id]++;
			st->last_error[s->id] = err;
		}
	}
	__atomic_fetch_add(&st->finished, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void
take(struct storm *st, const struct dgram *d, int n)
{
	if (n != (int)sizeof(*d) || d->thread >= SENDERS ||
			d->seq >= PER_SENDER) {
		st->bogus++;
		return;
	}
	if (st->seen[d->thread][d->seq]++)
		st->duplicates++;
	else
		st->received++;
}

/* Receive (non-blocking, waiting in select) until every sender is done
 * and all they sent came, or nothing came for idle_ms. */
static void
drain(struct storm *st, unsigned int idle_ms)
{
	struct dgram d;

	while (__atomic_load_n(&st->finished, __ATOMIC_ACQUIRE) < SENDERS ||
			st->received + st->duplicates + st->bogus <
			__atomic_load_n(&st->accepted, __ATOMIC_ACQUIRE)) {
		int n = recv(st->rx, (char *)&d, sizeof(d), 0);

		if (n != SOCKET_ERROR)
			take(st, &d, n);
		else if (WSAGetLastError() != WSAEWOULDBLOCK ||
				!pt_readable(st->rx, idle_ms))
			break;
	}
}

static struct storm *
storm_open(int rcvbuf)
{
	struct storm *st = calloc(1, sizeof(*st));
	int len = PT_SIN_LEN;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	st->tx = ua_udp();
	st->rx = ua_udp();
	st->to = pt_sin(PT_IP, 0);
	pt_setopt_int(st->rx, SOL_SOCKET, SO_RCVBUF, rcvbuf);
	PT_OK(bind(st->rx, PT_SA(st->to), PT_SIN_LEN));
	PT_OK(getsockname(st->rx, PT_SA(st->to), &len));
	pt_nonblocking(st->rx, true);
	return st;
}

static void
storm_run(struct storm *st, bool read_along)
{
	struct sender s[SENDERS];

	for (uint32_t i = 0; i < SENDERS; i++) {
		s[i] = (struct sender){ .st = st, .id = i };
		CU_ASSERT_FATAL(pthread_create(&s[i].thread, NULL, sender_main,
			&s[i]) == 0);
	}
	if (read_along)
		drain(st, 2000);
	for (int i = 0; i < SENDERS; i++)
		pthread_join(s[i].thread, NULL);
}

/*
 * Datagrams sendto accepted. Every attempt is: the senders block, and a
 * blocking send waits for the pool as for room in its queue, so none is
 * refused WSAENOBUFS (nor counted in drop_nombuf) or anything else.
 */
static int
storm_sent(const struct storm *st)
{
	int n = 0, nobufs = 0;

	for (int i = 0; i < SENDERS; i++) {
		CU_ASSERT_EQUAL(st->sent[i] + st->nobufs[i], PER_SENDER);
		CU_ASSERT_EQUAL(st->failed[i], 0);
		if (st->failed[i] != 0)
			fprintf(stderr, "\nsender %d: %d failed, last with "
				"%d\n", i, st->failed[i], st->last_error[i]);
		n += st->sent[i];
		nobufs += st->nobufs[i];
	}
	CU_ASSERT_EQUAL(nobufs, 0);
	CU_ASSERT_EQUAL(pt_sock_counter(st->tx, "drop_nombuf"), 0);
	return n;
}

static void
storm_close(struct storm *st)
{
	pt_close(st->tx);
	pt_close(st->rx);
	free(st);
}

/* 8 threads x 1000 datagrams on one socket to a receiver with room for
 * them: every datagram sent arrives, exactly once. */
static void
test_eight_senders_one_socket_all_arrive(void)
{
	struct storm *st = storm_open(4 << 20);
	int sent;

	storm_run(st, true);
	drain(st, 2000);
	sent = storm_sent(st);
	CU_ASSERT(sent > 0);
	CU_ASSERT_EQUAL(st->received, sent);
	CU_ASSERT_EQUAL(st->duplicates, 0);
	CU_ASSERT_EQUAL(st->bogus, 0);
	CU_ASSERT_EQUAL(pt_sock_counter(st->rx, "drop_rx_full"), 0);
	CU_ASSERT_EQUAL(pt_sock_counter(st->rx, "rx_dgrams"), (uint64_t)sent);
	CU_ASSERT_EQUAL(pt_sock_counter(st->tx, "tx_dgrams"), (uint64_t)sent);
	if (st->received != sent)
		fprintf(stderr, "\nsent %d received %d\n", sent, st->received);
	storm_close(st);
}

/* The same into a small SO_RCVBUF nobody reads meanwhile: received +
 * drop_rx_full == sent, nothing lost uncounted. */
static void
test_eight_senders_small_rcvbuf_every_datagram_accounted(void)
{
	struct storm *st = storm_open(2048);
	uint64_t rx = 0, drops = 0;
	int sent;

	storm_run(st, false);
	sent = storm_sent(st);
	/* The lcore judges every datagram; wait until it has. */
	for (double t0 = pt_ms(); pt_ms() - t0 < PT_WAIT_MS;
			wt_sleep_ms(5)) {
		rx = pt_sock_counter(st->rx, "rx_dgrams");
		drops = pt_sock_counter(st->rx, "drop_rx_full");
		if (rx != UINT64_MAX && drops != UINT64_MAX &&
				rx + drops >= (uint64_t)sent)
			break;
	}
	drain(st, 200);
	CU_ASSERT_EQUAL(pt_sock_counter(st->tx, "tx_dgrams"), (uint64_t)sent);
	CU_ASSERT(drops > 0);
	CU_ASSERT_EQUAL(rx + drops, (uint64_t)sent);
	CU_ASSERT_EQUAL((uint64_t)st->received, rx);
	CU_ASSERT_EQUAL(st->duplicates, 0);
	if (rx + drops != (uint64_t)sent)
		fprintf(stderr, "\nsent %d rx %llu drops %llu received %d\n",
			sent, (unsigned long long)rx,
			(unsigned long long)drops, st->received);
	storm_close(st);
}

/* ---- MSG_PEEK racing a reader ---- */

struct peek_race {
	SOCKET rx, tx;
	struct sockaddr_in to;
	bool stop;			/* atomic: peekers and sender end */
	uint32_t sent;			/* atomic */
	uint32_t peeks;
	pthread_t peekers[3], sender;
};

static void *
peeker_main(void *arg)
{
	struct peek_race *r = arg;
	uint32_t seq;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE))
		if (recv(r->rx, (char *)&seq, sizeof(seq), MSG_PEEK) ==
				sizeof(seq))
			__atomic_fetch_add(&r->peeks, 1, __ATOMIC_RELAXED);
	return NULL;
}

static void *
peek_sender_main(void *arg)
{
	struct peek_race *r = arg;

	for (uint32_t seq = 0; !__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE);
			seq++) {
		if (sendto(r->tx, (char *)&seq, sizeof(seq), 0, PT_SA(r->to),
				PT_SIN_LEN) != sizeof(seq))
			break;
		__atomic_store_n(&r->sent, seq + 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

/*
 * Three threads peek -- mostly at an empty socket -- while one thread
 * reads it non-blocking under traffic, for two seconds: every datagram
 * is read exactly once or counted as a drop. (A peek at an empty ring
 * once released the consumer head another thread held: datagrams came
 * out twice and others were lost.)
 */
static void
test_peekers_racing_a_reader_never_duplicate_or_lose(void)
{
	enum { MAX = 1 << 22 };
	static struct peek_race r;
	uint8_t *seen = calloc(MAX, 1);
	uint32_t seq, dups = 0, got = 0, bogus = 0, sent;
	uint64_t rx = 0, drops = 0;
	double t0 = pt_ms();

	CU_ASSERT_PTR_NOT_NULL_FATAL(seen);
	memset(&r, 0, sizeof(r));
	r.rx = ua_bound(&r.to);
	r.tx = ua_udp();
	pt_setopt_int(r.rx, SOL_SOCKET, SO_RCVBUF, 1 << 20);
	pt_nonblocking(r.rx, true);
	for (int i = 0; i < 3; i++)
		CU_ASSERT_FATAL(pthread_create(&r.peekers[i], NULL,
			peeker_main, &r) == 0);
	CU_ASSERT_FATAL(pthread_create(&r.sender, NULL, peek_sender_main,
		&r) == 0);
	for (;;) {
		bool ending = pt_ms() - t0 > 2000;

		if (ending && !__atomic_load_n(&r.stop, __ATOMIC_ACQUIRE)) {
			__atomic_store_n(&r.stop, true, __ATOMIC_RELEASE);
			pthread_join(r.sender, NULL);
		}
		if (recv(r.rx, (char *)&seq, sizeof(seq), 0) == sizeof(seq)) {
			if (seq >= MAX)
				bogus++;
			else if (seen[seq]++ != 0)
				dups++;
			else
				got++;
			continue;
		}
		CU_ASSERT_EQUAL_FATAL(WSAGetLastError(), WSAEWOULDBLOCK);
		if (!ending)
			continue;
		/* Done once the lcore judged every datagram and we read all
		 * it queued. */
		sent = __atomic_load_n(&r.sent, __ATOMIC_ACQUIRE);
		rx = pt_sock_counter(r.rx, "rx_dgrams");
		drops = pt_sock_counter(r.rx, "drop_rx_full");
		if ((rx + drops >= sent && got + dups + bogus >= rx) ||
				pt_ms() - t0 > 2000 + PT_WAIT_MS)
			break;
	}
	for (int i = 0; i < 3; i++)
		pthread_join(r.peekers[i], NULL);
	sent = __atomic_load_n(&r.sent, __ATOMIC_ACQUIRE);
	printf("\n    sent %u, read %u, dropped %llu, peeked %u\n", sent, got,
		(unsigned long long)drops, r.peeks);
	CU_ASSERT_EQUAL(dups, 0);
	CU_ASSERT_EQUAL(bogus, 0);
	CU_ASSERT_EQUAL((uint64_t)got, rx);
	CU_ASSERT_EQUAL(rx + drops, (uint64_t)sent);
	CU_ASSERT(got > 0);
	free(seen);
	pt_close(r.rx);
	pt_close(r.tx);
}

/* ---- FIONREAD under traffic ---- */

struct fionread_probe {
	SOCKET s;
	bool stop;			/* atomic */
	u_long worst;			/* atomic: the sender looks */
	long samples, read;
	pthread_t prober, reader;
};

static void *
fionread_main(void *arg)
{
	struct fionread_probe *p = arg;

	while (!__atomic_load_n(&p->stop, __ATOMIC_ACQUIRE)) {
		u_long n = 0;

		if (ioctlsocket(p->s, FIONREAD, &n) == 0) {
			p->samples++;
			if (n > p->worst)
				__atomic_store_n(&p->worst, n,
						__ATOMIC_RELAXED);
		}
	}
	return NULL;
}

static void *
eager_reader_main(void *arg)
{
	struct fionread_probe *p = arg;
	char buf[64];

	while (!__atomic_load_n(&p->stop, __ATOMIC_ACQUIRE))
		if (recv(p->s, buf, sizeof(buf), 0) > 0)
			p->read++;
	return NULL;
}

/*
 * FIONREAD polled while datagrams are delivered and a reader takes each
 * the moment it is queued never reports more than the buffer holds (a
 * reader that took a datagram before the lcore had counted its bytes
 * made the count wrap, and FIONREAD said 0xFFFFFFFF).
 */
static void
test_fionread_never_exceeds_what_is_queued(void)
{
	struct fionread_probe p = { 0 };
	struct sockaddr_in to;
	SOCKET tx = ua_udp();
	char buf[64] = { 0 };
	int n = 0;

	p.s = ua_bound(&to);
	pt_nonblocking(p.s, true);
	CU_ASSERT_FATAL(pthread_create(&p.prober, NULL, fionread_main, &p) ==
		0);
	CU_ASSERT_FATAL(pthread_create(&p.reader, NULL, eager_reader_main,
		&p) == 0);
	for (double t0 = pt_ms(); pt_ms() - t0 < 2000 &&
			__atomic_load_n(&p.worst, __ATOMIC_RELAXED) <= 65536;
			n++)
		sendto(tx, buf, 32, 0, PT_SA(to), PT_SIN_LEN);
	__atomic_store_n(&p.stop, true, __ATOMIC_RELEASE);
	pthread_join(p.prober, NULL);
	pthread_join(p.reader, NULL);
	printf("\n    %d datagrams, %ld read, %ld samples, most %lu bytes\n",
		n, p.read, p.samples, (unsigned long)p.worst);
	CU_ASSERT(p.samples > 0);
	CU_ASSERT(p.worst <= 65536);
	pt_close(p.s);
	pt_close(tx);
}

/* ---- SO_RCVBUF raised while datagrams flow ---- */

struct grow_reader {
	SOCKET s;
	uint32_t expect;		/* datagrams to wait for, at most */
	uint32_t got, last, disorder;
	pthread_t thread;
};

static void *
grow_reader_main(void *arg)
{
	struct grow_reader *r = arg;
	uint32_t seq;

	r->last = UINT32_MAX;
	while (r->got < r->expect) {
		if (recv(r->s, (char *)&seq, sizeof(seq), 0) != sizeof(seq))
			break;			/* SO_RCVTIMEO: the flow ended */
		if (r->last != UINT32_MAX && seq <= r->last)
			r->disorder++;
		r->last = seq;
		r->got++;
	}
	return NULL;
}

/*
 * A blocked reader drains while a sender streams and SO_RCVBUF is raised
 * six times under them: datagrams come out in the order sent, and every
 * one is either read or counted as a drop (the lcore switches rings
 * while both sides run).
 */
static void
test_rcvbuf_raised_under_traffic_keeps_order(void)
{
	enum { N = 20000 };
	static const int sizes[] = { 32 << 10, 64 << 10, 128 << 10,
		256 << 10, 512 << 10, 1 << 20 };
	struct grow_reader r = { .expect = N };
	struct sockaddr_in to;
	SOCKET tx = ua_udp();
	uint64_t rx = 0, drops = 0;
	DWORD tmo = 1000;

	r.s = ua_bound(&to);
	pt_setopt_int(r.s, SOL_SOCKET, SO_RCVBUF, 16 << 10);
	PT_OK(setsockopt(r.s, SOL_SOCKET, SO_RCVTIMEO, (const char *)&tmo,
		sizeof(tmo)));
	CU_ASSERT_FATAL(pthread_create(&r.thread, NULL, grow_reader_main,
		&r) == 0);
	for (uint32_t i = 0; i < N; i++) {
		if (i % (N / 7) == N / 7 - 1 && i / (N / 7) < 6)
			pt_setopt_int(r.s, SOL_SOCKET, SO_RCVBUF,
				sizes[i / (N / 7)]);
		CU_ASSERT_EQUAL(sendto(tx, (char *)&i, 4, 0, PT_SA(to),
			PT_SIN_LEN), 4);
	}
	pthread_join(r.thread, NULL);
	rx = pt_sock_counter(r.s, "rx_dgrams");
	drops = pt_sock_counter(r.s, "drop_rx_full");
	printf("\n    read %u, dropped %llu\n", r.got, (unsigned long long)drops);
	CU_ASSERT_EQUAL(r.disorder, 0);
	CU_ASSERT_EQUAL(rx, r.got);
	CU_ASSERT_EQUAL(rx + drops, N);
	CU_ASSERT(r.got > 0);
	pt_close(r.s);
	pt_close(tx);
}

static const struct wt_test blocking_tests[] = {
	WT_TEST(test_blocking_recv_woken_by_send_from_another_thread),
	WT_TEST(test_blocking_recv_interrupted_by_closesocket_fails_eintr),
	WT_TEST(test_blocking_recv_ended_by_shutdown_fails_eshutdown),
	WT_TEST(test_concurrent_receivers_take_each_datagram_once),
	WT_TEST(test_fionbio_toggles_blocking),
	WT_TEST(test_so_rcvtimeo_fails_etimedout),
	WT_TEST(test_blocking_send_on_full_queue_honours_sndtimeo),
	WT_TEST(test_sndbuf_raised_after_first_send_queues_more),
	WT_TEST(test_rcvbuf_raised_under_traffic_keeps_order),
	WT_TEST(test_peekers_racing_a_reader_never_duplicate_or_lose),
	WT_TEST(test_fionread_never_exceeds_what_is_queued),
	WT_TEST_END
};

static const struct wt_test select_tests[] = {
	WT_TEST(test_select_zero_timeout_polls),
	WT_TEST(test_select_timeout_returns_zero_after_timeout),
	WT_TEST(test_select_woken_early_by_readiness),
	WT_TEST(test_select_without_timeout_waits_for_readiness),
	WT_TEST_END
};

static const struct wt_test storm_tests[] = {
	WT_TEST(test_eight_senders_one_socket_all_arrive),
	WT_TEST(test_eight_senders_small_rcvbuf_every_datagram_accounted),
	WT_TEST_END
};

const struct wt_suite test_udp_blocking_suite = {
	.name = "udp_blocking",
	.clean = pt_suite_clean,
	.tests = blocking_tests,
};

const struct wt_suite test_udp_select_wait_suite = {
	.name = "udp_select_wait",
	.clean = pt_suite_clean,
	.tests = select_tests,
};

const struct wt_suite test_udp_threads_suite = {
	.name = "udp_threads",
	.clean = pt_suite_clean,
	.tests = storm_tests,
};
