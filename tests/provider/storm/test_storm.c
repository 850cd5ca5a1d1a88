/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The storm: eight threads doing a random mix of everything Winsock
 * offers (nested WSAStartup/WSACleanup, socket, bind, connect, sendto,
 * recvfrom, MSG_PEEK, SO_LINGER closes, select, overlapped receives,
 * shutdown, options, FIONREAD) on the loop device, for STORM_SECONDS
 * (60 under AddressSanitizer, where CI runs it for its reports; 20 under
 * ThreadSanitizer; 10 otherwise).
 *
 * Time is cut into epochs. An accounted epoch ends with every thread at
 * a barrier, its sockets closed; once the engine is idle every datagram
 * sendto accepted is either one a thread received, exactly once, or one
 * a counter names (RX queue full, no port, unread at close, abortive
 * close). Then the last WSACleanup takes everything down and WSAStartup
 * brings it back. A chaos epoch ends with the last WSACleanup racing the
 * threads' calls instead: nothing is counted, every call must fail or
 * succeed with a code Winsock documents for the situation.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "wt.h"
#include "ws2.h"

#define THREADS		8
#define SOCKS		6		/* per thread */
#define OPS		4		/* overlapped receives per thread */
#define PORTS		24		/* bind and send within [base, +24) */
#define OUR_IP		0xc6120002u	/* 198.18.0.2 */
#define EPOCH_MS	2500
#define SEQ_BITS	22		/* datagrams per thread per epoch */

struct dgram {
	uint32_t magic;
	uint32_t thread;
	uint32_t epoch;
	uint32_t seq;
};
#define MAGIC		0x53544f52u	/* "STOR" */

/* An overlapped receive: its memory lives until it completes. */
struct ovl {
	WSAOVERLAPPED ov;
	WSABUF wb;
	struct dgram d;
	struct sockaddr_in from;
	int fromlen;
	DWORD n, flags;
	SOCKET s;
	bool busy;
};

struct worker {
	unsigned int id;
	uint64_t rng;
	pthread_t thread;
	SOCKET s[SOCKS];
	bool overlapped[SOCKS];		/* made with WSA_FLAG_OVERLAPPED */
	struct ovl ops[OPS];
	WSAEVENT ev;
	uint32_t seq;			/* datagrams sent this epoch */
	uint64_t calls, odd;		/* calls made; unexpected results */
	int last_odd_op, last_odd_err;
};

static struct {
	unsigned int seconds;
	uint16_t base;			/* first port of the range */
	uint32_t epoch;			/* atomic */
	bool chaos;			/* atomic: this epoch ends racing */
	bool pause;			/* atomic: go to the barrier */
	bool done;			/* atomic */
	pthread_barrier_t stop, go;
	uint64_t sent, received, dups, bogus;	/* atomic, per epoch */
	uint8_t *seen[THREADS];		/* bit per seq, per sender */
	struct worker w[THREADS];
} st;

static uint32_t
rnd(struct worker *w, uint32_t n)
{
	w->rng ^= w->rng << 13;
	w->rng ^= w->rng >> 7;
	w->rng ^= w->rng << 17;
	return (uint32_t)(w->rng % n);
}

static struct sockaddr_in
sin_of(uint16_t port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(OUR_IP);
	a.sin_port = htons(port);
	return a;
}

/* Codes any call may meet only while cleanup races it. */
static bool
chaos_code(int err)
{
	return err == WSANOTINITIALISED || err == WSAENETDOWN ||
		err == WSAENOTSOCK || err == WSAEINTR ||
		err == WSA_OPERATION_ABORTED;
}

/* Check a failed call's code against what it may return. */
static void
check(struct worker *w, int op, int err, const int *ok)
{
	w->calls++;
	for (; *ok != 0; ok++)
		if (err == *ok)
			return;
	if (__atomic_load_n(&st.chaos, __ATOMIC_ACQUIRE) && chaos_code(err))
		return;
	w->odd++;
	w->last_odd_op = op;
	w->last_odd_err = err;
}

#define CHECK(w, op, ret, ...) do {					\
	static const int ok_[] = { __VA_ARGS__, 0 };			\
	if ((ret) == SOCKET_ERROR)					\
		check((w), (op), WSAGetLastError(), ok_);		\
	else								\
		(w)->calls++;						\
} while (0)

/* A datagram received: counted once, or as a duplicate or stray. */
static void
take(const struct dgram *d, int n)
{
	uint32_t epoch = __atomic_load_n(&st.epoch, __ATOMIC_ACQUIRE);
	uint8_t bit;

	if (n != (int)sizeof(*d) || d->magic != MAGIC ||
			d->thread >= THREADS || d->seq >= (1u << SEQ_BITS)) {
		__atomic_fetch_add(&st.bogus, 1, __ATOMIC_RELAXED);
		return;
	}
	if (d->epoch != epoch)
		return;		/* sent in a chaos epoch before: not ours */
	bit = (uint8_t)(1u << (d->seq & 7));
	if (__atomic_fetch_or(&st.seen[d->thread][d->seq >> 3], bit,
			__ATOMIC_RELAXED) & bit)
		__atomic_fetch_add(&st.dups, 1, __ATOMIC_RELAXED);
	else
		__atomic_fetch_add(&st.received, 1, __ATOMIC_RELAXED);
}

static SOCKET *
pick(struct worker *w)
{
	return &w->s[rnd(w, SOCKS)];
}

/* Every blocking call of the storm is bounded: 1-3 ms timeouts. */
static void
bounded(struct worker *w, SOCKET s)
{
	int tmo = 1 + (int)rnd(w, 3);

	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, (char *)&tmo, sizeof(tmo));
	setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, (char *)&tmo, sizeof(tmo));
}

static void
op_socket(struct worker *w, SOCKET *s)
{
	u_long nb = rnd(w, 5) != 0;	/* mostly non-blocking: more calls */
	bool ovl = rnd(w, 3) != 0;

	/* socket() makes overlapped-capable sockets, as on Windows. */
	*s = ovl && rnd(w, 2) ? socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP) :
		WSASocketW(AF_INET, SOCK_DGRAM, IPPROTO_UDP, NULL, 0,
		ovl ? WSA_FLAG_OVERLAPPED : 0);
	w->overlapped[s - w->s] = ovl;
	CHECK(w, 1, *s == INVALID_SOCKET ? SOCKET_ERROR : 0, WSAENOBUFS,
		WSAEMFILE);
	if (*s == INVALID_SOCKET)
		return;
	bounded(w, *s);
	ioctlsocket(*s, FIONBIO, &nb);
}

static void
op_bind(struct worker *w, SOCKET s)
{
	struct sockaddr_in a = sin_of(rnd(w, 4) == 0 ? 0 :
		(uint16_t)(st.base + rnd(w, PORTS)));
	int v = 1;

	if (rnd(w, 3) == 0)
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, (char *)&v, sizeof(v));
	CHECK(w, 2, bind(s, (struct sockaddr *)&a, sizeof(a)),
		WSAEINVAL, WSAEADDRINUSE, WSAEACCES, WSAENOTSOCK);
}

static void
op_send(struct worker *w, SOCKET s)
{
	struct sockaddr_in to = sin_of((uint16_t)(st.base + rnd(w, PORTS)));
	struct dgram d = { MAGIC, w->id,
		__atomic_load_n(&st.epoch, __ATOMIC_ACQUIRE), w->seq };
	int ret;

	if (w->seq >= (1u << SEQ_BITS) - 1)
		return;
	ret = rnd(w, 4) == 0 ? send(s, (char *)&d, sizeof(d), 0) :
		sendto(s, (char *)&d, sizeof(d), 0, (struct sockaddr *)&to,
		sizeof(to));
	if (ret == (int)sizeof(d)) {
		w->seq++;
		__atomic_fetch_add(&st.sent, 1, __ATOMIC_RELAXED);
	}
	CHECK(w, 3, ret, WSAEWOULDBLOCK, WSAETIMEDOUT, WSAENOBUFS,
		WSAENOTCONN, WSAESHUTDOWN, WSAENOTSOCK, WSAEINTR);
}

static void
op_recv(struct worker *w, SOCKET s)
{
	struct dgram d;
	struct sockaddr_in from;
	int len = sizeof(from), ret;
	int flags = rnd(w, 4) == 0 ? MSG_PEEK : 0;

	ret = recvfrom(s, (char *)&d, sizeof(d), flags,
		(struct sockaddr *)&from, &len);
	if (ret >= 0 && flags == 0)
		take(&d, ret);
	CHECK(w, 4, ret, WSAEWOULDBLOCK, WSAETIMEDOUT, WSAEINVAL,
		WSAECONNRESET, WSAESHUTDOWN, WSAEMSGSIZE, WSAENOTSOCK,
		WSAEINTR);
}

static void
op_option(struct worker *w, SOCKET s)
{
	static const int bufs[] = { 256, 4096, 65536, 1 << 20 };
	LINGER l = { (u_short)rnd(w, 2), (u_short)rnd(w, 2) };
	int v = bufs[rnd(w, 4)], tmo = 1 + (int)rnd(w, 3);
	u_long nb = rnd(w, 2);

	switch (rnd(w, 6)) {
	case 0:
		CHECK(w, 5, setsockopt(s, SOL_SOCKET, SO_RCVBUF, (char *)&v,
			sizeof(v)), WSAENOTSOCK, WSAENOBUFS);
		break;
	case 1:
		CHECK(w, 5, setsockopt(s, SOL_SOCKET, SO_SNDBUF, (char *)&v,
			sizeof(v)), WSAENOTSOCK, WSAENOBUFS);
		break;
	case 2:
		CHECK(w, 5, setsockopt(s, SOL_SOCKET, SO_LINGER, (char *)&l,
			sizeof(l)), WSAENOTSOCK);
		break;
	case 3:
		CHECK(w, 5, setsockopt(s, SOL_SOCKET, rnd(w, 2) ? SO_RCVTIMEO :
			SO_SNDTIMEO, (char *)&tmo, sizeof(tmo)), WSAENOTSOCK);
		break;
	case 4:
		CHECK(w, 5, ioctlsocket(s, FIONBIO, &nb), WSAENOTSOCK);
		break;
	default:
		CHECK(w, 5, ioctlsocket(s, FIONREAD, &nb), WSAENOTSOCK);
		break;
	}
}

static void
op_connect(struct worker *w, SOCKET s)
{
	struct sockaddr_in to = sin_of((uint16_t)(st.base + rnd(w, PORTS)));

	if (rnd(w, 3) == 0)
		memset(&to, 0, sizeof(to));	/* dissolve the association */
	CHECK(w, 6, connect(s, (struct sockaddr *)&to, sizeof(to)),
		WSAENOTSOCK, WSAEINTR);
}

static void
op_shutdown(struct worker *w, SOCKET s)
{
	CHECK(w, 7, shutdown(s, (int)rnd(w, 3)), WSAENOTSOCK);
}

static void
op_select(struct worker *w)
{
	struct timeval tv = { 0, (long)rnd(w, 2) * 500 };
	fd_set rd, wr;
	int n = 0;

	FD_ZERO(&rd);
	FD_ZERO(&wr);
	for (int i = 0; i < SOCKS; i++) {
		if (w->s[i] == INVALID_SOCKET || rnd(w, 2))
			continue;
		FD_SET(w->s[i], rnd(w, 2) ? &rd : &wr);
		n++;
	}
	if (n == 0)
		return;
	CHECK(w, 8, select(0, &rd, &wr, NULL, &tv), WSAENOTSOCK, WSAEINTR);
}

/* An overlapped receive that completed: its datagram counted. */
static void
ovl_reap(struct worker *w, struct ovl *o)
{
	if (!o->busy || __atomic_load_n(&o->ov.Internal, __ATOMIC_ACQUIRE) ==
			WSS_OPERATION_IN_PROGRESS)
		return;
	/* The result is in the WSAOVERLAPPED, handle open or not. */
	if ((DWORD)o->ov.OffsetHigh == 0)
		take(&o->d, (int)o->ov.InternalHigh);
	o->busy = false;
	w->calls++;
}

static void
op_overlapped(struct worker *w, SOCKET s, bool overlapped)
{
	struct ovl *o = &w->ops[rnd(w, OPS)];
	int ret;

	ovl_reap(w, o);
	if (o->busy)
		return;
	memset(&o->ov, 0, sizeof(o->ov));
	o->ov.hEvent = w->ev;
	o->wb = (WSABUF){ .len = sizeof(o->d), .buf = (char *)&o->d };
	o->fromlen = sizeof(o->from);
	o->flags = 0;
	o->s = s;
	ret = WSARecvFrom(s, &o->wb, 1, &o->n, &o->flags,
		(struct sockaddr *)&o->from, &o->fromlen, &o->ov, NULL);
	if (!overlapped) {
		/* A socket made without WSA_FLAG_OVERLAPPED ignores the
		 * WSAOVERLAPPED: an ordinary receive. */
		if (ret == 0)
			take(&o->d, (int)o->n);
		CHECK(w, 9, ret, WSAEWOULDBLOCK, WSAETIMEDOUT, WSAEINVAL,
			WSAECONNRESET, WSAESHUTDOWN, WSAENOTSOCK, WSAEINTR);
		return;
	}
	if (ret == 0 || WSAGetLastError() == WSA_IO_PENDING) {
		/* Completed at once or later: the result comes through the
		 * WSAOVERLAPPED either way (one completion per call). */
		o->busy = true;
		w->calls++;
		return;
	}
	CHECK(w, 9, ret, WSAEINVAL, WSAECONNRESET, WSAESHUTDOWN,
		WSAENOTSOCK, WSAEMSGSIZE);
}

static void
op_close(struct worker *w, SOCKET *s)
{
	int ret = closesocket(*s);

	/* A non-blocking socket lingering {1,n} with data queued says
	 * WSAEWOULDBLOCK and stays open. */
	if (ret == 0 || WSAGetLastError() != WSAEWOULDBLOCK)
		*s = INVALID_SOCKET;
	CHECK(w, 10, ret, WSAEWOULDBLOCK, WSAENOTSOCK);
}

static void
op_nested_startup(struct worker *w)
{
	WSADATA d;

	if (WSAStartup(MAKEWORD(2, 2), &d) != 0) {
		check(w, 11, WSASYSNOTREADY, (const int[]){ 0 });
		return;
	}
	CHECK(w, 11, WSACleanup(), WSANOTINITIALISED);
}

static void
one_op(struct worker *w)
{
	SOCKET *s = pick(w);

	if (*s == INVALID_SOCKET) {
		op_socket(w, s);
		return;
	}
	switch (rnd(w, 20)) {
	case 0: case 1:
		op_bind(w, *s);
		break;
	case 2: case 3: case 4: case 5: case 6: case 7:
		op_send(w, *s);
		break;
	case 8: case 9: case 10: case 11:
		op_recv(w, *s);
		break;
	case 12: case 13:
		op_option(w, *s);
		break;
	case 14:
		op_connect(w, *s);
		break;
	case 15:
		op_select(w);
		break;
	case 16:
		op_overlapped(w, *s, w->overlapped[s - w->s]);
		break;
	case 17:
		if (rnd(w, 8) == 0)
			op_shutdown(w, *s);
		else
			op_nested_startup(w);
		break;
	default:
		op_close(w, s);
		break;
	}
}

/* Close everything, waiting for the overlapped receives to end. */
static void
settle(struct worker *w)
{
	LINGER dont = { 0, 0 };

	for (int i = 0; i < SOCKS; i++) {
		if (w->s[i] == INVALID_SOCKET)
			continue;
		/* A graceful close that cannot refuse (SO_DONTLINGER). */
		setsockopt(w->s[i], SOL_SOCKET, SO_LINGER, (char *)&dont,
			sizeof(dont));
		closesocket(w->s[i]);
		w->s[i] = INVALID_SOCKET;
	}
	for (int i = 0; i < OPS; i++) {
		for (int t = 0; t < 5000 && w->ops[i].busy &&
				__atomic_load_n(&w->ops[i].ov.Internal,
				__ATOMIC_ACQUIRE) == WSS_OPERATION_IN_PROGRESS;
				t++)
			wt_sleep_ms(1);
		ovl_reap(w, &w->ops[i]);
		if (w->ops[i].busy)
			w->odd++;	/* never completed */
		w->ops[i].busy = false;
	}
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;

	while (!__atomic_load_n(&st.done, __ATOMIC_ACQUIRE)) {
		if (__atomic_load_n(&st.pause, __ATOMIC_ACQUIRE)) {
			settle(w);
			pthread_barrier_wait(&st.stop);
			pthread_barrier_wait(&st.go);
			continue;
		}
		one_op(w);
	}
	settle(w);
	return NULL;
}

static uint64_t
tel_stat(const char *json, const char *key)
{
	uint64_t v = 0;

	wt_json_u64(json, key, &v);
	return v;
}

/*
 * Idle: no socket left (a closed one is freed only once its queued
 * frames are sent, and only then are its drops in closed_sockets_*),
 * and the port's rx_pkts unchanged over three reads 20 ms apart.
 */
static bool
wait_idle(char *json, size_t len)
{
	static char socks[1 << 17];
	uint64_t before = UINT64_MAX;
	int still = 0;

	for (int t = 0; t < 1000; t++) {
		uint64_t now;

		if (wt_tel(wt_tel_prefix(), "/wspdk/sockets", socks,
				sizeof(socks)) != 0 ||
				wt_tel(wt_tel_prefix(), "/wspdk/stats", json,
				len) != 0)
			return false;
		now = tel_stat(json, "rx_pkts");
		if (strstr(socks, "\"sock_") == NULL && now == before) {
			if (++still == 3)
				return true;
		} else {
			still = 0;
		}
		before = now;
		wt_sleep_ms(20);
	}
	return false;
}

/* Every counter of the stats that is not zero: what a mismatch needs. */
static void
print_nonzero(const char *json)
{
	const char *p = json;

	printf("\n    nonzero:");
	while ((p = strchr(p, '"')) != NULL) {
		const char *k = p + 1, *e = strchr(k, '"');
		unsigned long long v;

		if (e == NULL)
			break;
		if (sscanf(e + 1, ":%llu", &v) == 1 && v != 0)
			printf(" %.*s=%llu", (int)(e - k), k, v);
		p = e + 1;
	}
}

/* Every datagram sendto accepted this epoch, accounted for. */
static void
account(unsigned int epoch)
{
	static const char *const drops[] = { "udp_rx_full", "udp_no_port",
		"closed_sockets_drop_unread", "closed_sockets_drop_abort",
		"closed_sockets_drop_no_arp" };
	char json[32768];
	uint64_t dropped = 0, sent, received;

	CU_ASSERT_FATAL(wait_idle(json, sizeof(json)));
	for (size_t i = 0; i < sizeof(drops) / sizeof(drops[0]); i++)
		dropped += tel_stat(json, drops[i]);
	sent = __atomic_load_n(&st.sent, __ATOMIC_ACQUIRE);
	received = __atomic_load_n(&st.received, __ATOMIC_ACQUIRE);
	printf("\n    epoch %u: sent %llu = received %llu + dropped %llu "
		"(rx_full %llu, no_port %llu, unread %llu, abort %llu)", epoch,
		(unsigned long long)sent, (unsigned long long)received,
		(unsigned long long)dropped,
		(unsigned long long)tel_stat(json, "udp_rx_full"),
		(unsigned long long)tel_stat(json, "udp_no_port"),
		(unsigned long long)tel_stat(json, "closed_sockets_drop_unread"),
		(unsigned long long)tel_stat(json, "closed_sockets_drop_abort"));
	if (sent != received + dropped)
		print_nonzero(json);
	CU_ASSERT_EQUAL(sent, received + dropped);
	CU_ASSERT_EQUAL(__atomic_load_n(&st.dups, __ATOMIC_ACQUIRE), 0);
	CU_ASSERT(sent > 0);
}

static void
new_epoch(unsigned int epoch)
{
	__atomic_store_n(&st.sent, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&st.received, 0, __ATOMIC_RELAXED);
	for (int i = 0; i < THREADS; i++) {
		memset(st.seen[i], 0, (1u << SEQ_BITS) / 8);
		st.w[i].seq = 0;
	}
	__atomic_store_n(&st.epoch, epoch, __ATOMIC_RELEASE);
	__atomic_store_n(&st.chaos, epoch % 3 == 2, __ATOMIC_RELEASE);
}

/*
 * Eight threads, a random mix of every call, epochs of 2.5 s: every
 * datagram of an accounted epoch received exactly once or counted as a
 * drop by reason; calls return only codes Winsock documents for them;
 * the last WSACleanup, at a barrier or racing the calls, then WSAStartup,
 * bring it all back.
 */
static void
test_storm_of_eight_threads_accounts_for_every_datagram(void)
{
	WSADATA d;
	unsigned int epoch = 1, accounted = 0, chaos = 0;
	uint64_t calls = 0, odd = 0;
	double t0 = (double)wt_now_ns() / 1e6;

	CU_ASSERT_EQUAL_FATAL(pthread_barrier_init(&st.stop, NULL,
		THREADS + 1), 0);
	CU_ASSERT_EQUAL_FATAL(pthread_barrier_init(&st.go, NULL,
		THREADS + 1), 0);
	new_epoch(epoch);
	for (int i = 0; i < THREADS; i++) {
		struct worker *w = &st.w[i];

		w->id = (unsigned int)i;
		w->rng = 0x9e3779b97f4a7c15ull * (uint64_t)(i + 1);
		w->ev = WSACreateEvent();
		for (int k = 0; k < SOCKS; k++)
			w->s[k] = INVALID_SOCKET;
		CU_ASSERT_EQUAL_FATAL(pthread_create(&w->thread, NULL,
			worker_main, w), 0);
	}
	while ((double)wt_now_ns() / 1e6 - t0 < st.seconds * 1000.0) {
		bool race = __atomic_load_n(&st.chaos, __ATOMIC_ACQUIRE);

		wt_sleep_ms(EPOCH_MS);
		if (race) {
			/* The last cleanup while every thread calls on (a
			 * thread's own WSAStartup may bring it back up for a
			 * while: its WSACleanup takes it down again). */
			CU_ASSERT_EQUAL(WSACleanup(), 0);
			wt_sleep_ms(20);
			__atomic_store_n(&st.pause, true, __ATOMIC_RELEASE);
			pthread_barrier_wait(&st.stop);
			CU_ASSERT_EQUAL(ws2_stub_startup_count(), 0);
			CU_ASSERT_EQUAL_FATAL(WSAStartup(MAKEWORD(2, 2), &d),
				0);
			chaos++;
		} else {
			__atomic_store_n(&st.pause, true, __ATOMIC_RELEASE);
			pthread_barrier_wait(&st.stop);
			account(epoch);
			accounted++;
			CU_ASSERT_EQUAL(WSACleanup(), 0);
			CU_ASSERT_EQUAL(ws2_stub_socket_count(), 0);
			CU_ASSERT_EQUAL_FATAL(WSAStartup(MAKEWORD(2, 2), &d),
				0);
		}
		new_epoch(++epoch);
		__atomic_store_n(&st.pause, false, __ATOMIC_RELEASE);
		pthread_barrier_wait(&st.go);
	}
	__atomic_store_n(&st.done, true, __ATOMIC_RELEASE);
	for (int i = 0; i < THREADS; i++) {
		pthread_join(st.w[i].thread, NULL);
		calls += st.w[i].calls;
		odd += st.w[i].odd;
		if (st.w[i].odd != 0)
			fprintf(stderr, "\nthread %d: %llu unexpected results, "
				"the last op %d error %d\n", i,
				(unsigned long long)st.w[i].odd,
				st.w[i].last_odd_op, st.w[i].last_odd_err);
		WSACloseEvent(st.w[i].ev);
	}
	printf("\n    %u accounted and %u racing epochs, %llu calls\n",
		accounted, chaos, (unsigned long long)calls);
	CU_ASSERT_EQUAL(odd, 0);
	CU_ASSERT_EQUAL(__atomic_load_n(&st.bogus, __ATOMIC_ACQUIRE), 0);
	CU_ASSERT(accounted >= 1);
	pthread_barrier_destroy(&st.stop);
	pthread_barrier_destroy(&st.go);
}

/* The default duration: CI runs the storm for its sanitizer reports. */
static unsigned int
default_seconds(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return 60;
#elif defined(__SANITIZE_THREAD__)
	return 20;
#else
	return 10;
#endif
}

int
main(void)
{
	const char *secs = getenv("STORM_SECONDS");
	unsigned int failed;
	WSADATA d;
	CU_pSuite s;

	st.seconds = secs != NULL ? (unsigned int)atoi(secs) :
		default_seconds();
	st.base = (uint16_t)(20000 + getpid() % 20000);
	for (int i = 0; i < THREADS; i++) {
		st.seen[i] = calloc(1, (1u << SEQ_BITS) / 8);
		if (st.seen[i] == NULL)
			return 1;
	}
	if (wt_hugepages_reserve(64) != 0)
		return 1;
	setenv("WSPDK_DEVICE", "loop", 1);
	/* Deep pool: eight threads' queues at once. */
	setenv("WSPDK_MBUFS", "32767", 1);
	setenv("WSPDK_LOG_LEVEL", "err", 1);
	if (WSAStartup(MAKEWORD(2, 2), &d) != 0) {
		fprintf(stderr, "FAIL: WSAStartup\n");
		return 1;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("storm", NULL, NULL);
	CU_add_test(s, "storm_of_eight_threads_accounts_for_every_datagram",
		test_storm_of_eight_threads_accounts_for_every_datagram);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	WSACleanup();
	for (int i = 0; i < THREADS; i++)
		free(st.seen[i]);
	return failed == 0 ? 0 : 1;
}
