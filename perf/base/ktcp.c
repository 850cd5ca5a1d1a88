/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ktcp: the kernel's TCP for the baselines of wstcp's scenarios (a
 * separate program: Winsock programs may not include <sys/socket.h>).
 *
 *   ktcp --mode pingpong --recv busy|block   one thread, one connection
 *        on 127.0.0.1, A -> B -> A per round trip (as wstcp pingpong)
 *   ktcp --mode bulk      sender thread on --cpu, receiver on --cpu2,
 *        blocking, 127.0.0.1 (what iperf3 measures on loopback); goodput
 *        at the receiver and the process's CPU over the window
 *   ktcp --mode sink --bind IP:PORT   accept one connection, count what
 *        arrives until EOF or --seconds (the receiver of wstcp bulk
 *        --peer, in the tap's namespace)
 *   ktcp --mode connrate [--abort]    connect + accept + close (as wstcp)
 *
 * The CPU figure is getrusage(RUSAGE_SELF): loopback's softirq work runs
 * in the sending thread's context and is counted; ksoftirqd's is not.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "pf.h"

#define TIMEOUT_MS	200
/* A round trip's bound: TCP loses nothing, so a late reply is a tail
 * sample (a loaded machine stalls either thread for 100s of ms), and only
 * a stream that stopped is a failure. */
#define RTT_TIMEOUT_MS	5000
#define CHUNK		65536

static struct {
	struct pf_out out;
	const char *mode, *bind;
	unsigned long iters, warmup;
	unsigned int seconds, size, port, buf;
	int cpu, cpu2;
	bool busy, abort;
} o = {
	.out = { .dir = ".", .name = "ktcp" }, .mode = "pingpong",
	.iters = 100000, .warmup = 10000, .seconds = 10, .size = 64,
	.port = 0, .buf = 4u << 20, .cpu = 0, .cpu2 = 1, .busy = true,
};

static void
usage(void)
{
	fprintf(stderr, "usage: ktcp --mode pingpong|bulk|sink|connrate "
		"[--recv busy|block] [--out DIR]\n  [--name N] [--iters N] "
		"[--warmup N] [--seconds S] [--size B] [--cpu N]\n  [--cpu2 N] "
		"[--port P] [--buf BYTES] [--bind IP:PORT] [--abort]\n");
	exit(2);
}

static void
parse(int argc, char **argv)
{
	const char *recv = "busy";
	const struct pf_opt opts[] = {
		{ "--mode", PF_STR, &o.mode }, { "--out", PF_STR, &o.out.dir },
		{ "--name", PF_STR, &o.out.name },
		{ "--iters", PF_ULONG, &o.iters },
		{ "--warmup", PF_ULONG, &o.warmup },
		{ "--seconds", PF_UINT, &o.seconds },
		{ "--size", PF_UINT, &o.size }, { "--port", PF_UINT, &o.port },
		{ "--buf", PF_UINT, &o.buf }, { "--cpu", PF_INT, &o.cpu },
		{ "--cpu2", PF_INT, &o.cpu2 }, { "--recv", PF_STR, &recv },
		{ "--bind", PF_STR, &o.bind }, { "--abort", PF_FLAG, &o.abort },
		{ NULL, PF_FLAG, NULL },
	};

	if (pf_parse(argc, argv, opts) != 0 || o.size < 8 || o.size > 2048 ||
			o.seconds == 0)
		usage();
	o.busy = strcmp(recv, "busy") == 0;
}

static struct sockaddr_in
loopback(void)
{
	return (struct sockaddr_in){ .sin_family = AF_INET,
		.sin_port = htons((uint16_t)o.port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
}

static int
tcp_socket(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0), one = 1, b = (int)o.buf;

	/* Bulk's buffers only, as wstcp sets them. */
	if (strcmp(o.mode, "pingpong") == 0 || strcmp(o.mode, "connrate") == 0)
		b = 0;
	if (s >= 0 && (setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one,
			sizeof(one)) != 0 || (b != 0 && (setsockopt(s,
			SOL_SOCKET, SO_SNDBUF, &b, sizeof(b)) != 0 ||
			setsockopt(s, SOL_SOCKET, SO_RCVBUF, &b,
			sizeof(b)) != 0)))) {
		close(s);
		return -1;
	}
	return s;
}

static int
listener(const struct sockaddr_in *a)
{
	int l = tcp_socket();

	struct sockaddr_in got;
	socklen_t len = sizeof(got);

	if (l < 0 || bind(l, (const struct sockaddr *)a, sizeof(*a)) != 0 ||
			listen(l, 1024) != 0 || getsockname(l,
			(struct sockaddr *)&got, &len) != 0) {
		perror("ktcp: listener");
		if (l >= 0)
			close(l);
		return -1;
	}
	/* Port 0 (the default) took an ephemeral one: two runs at once
	 * never meet on a fixed port. */
	o.port = ntohs(got.sin_port);
	return l;
}

/* Connect to the listener l and accept: 0, or -errno (nothing open). */
static int
conn_open(int l, int *a, int *b)
{
	struct sockaddr_in to = loopback();
	struct timeval tv = { .tv_sec = 0, .tv_usec = TIMEOUT_MS * 1000 };
	int one = 1, e;

	*b = -1;
	*a = tcp_socket();
	if (*a < 0)
		return -errno;
	if (connect(*a, (struct sockaddr *)&to, sizeof(to)) != 0 ||
			(*b = accept(l, NULL, NULL)) < 0)
		goto err;
	for (int i = 0; i < 2; i++) {
		int s = i == 0 ? *a : *b;

		if (setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one,
				sizeof(one)) != 0 || setsockopt(s, SOL_SOCKET,
				SO_RCVTIMEO, &tv, sizeof(tv)) != 0)
			goto err;
	}
	return 0;
err:
	e = errno;
	close(*a);
	if (*b >= 0)
		close(*b);
	return -e;
}

/* ---- pingpong ---- */

static int
recv_full(int s, char *buf, size_t len, uint64_t deadline)
{
	size_t got = 0;

	for (unsigned int k = 0; got < len; k++) {
		ssize_t n = recv(s, buf + got, len - got,
			o.busy ? MSG_DONTWAIT : 0);

		if (n > 0) {
			got += (size_t)n;
			continue;
		}
		if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
			return -1;
		if ((k & 1023) == 0 && pf_tsc() > deadline)
			return -1;
	}
	return 0;
}

static int
round_trip(int a, int b, char *buf, uint64_t seq, uint64_t tmo)
{
	uint64_t deadline = pf_tsc() + tmo;

	memcpy(buf, &seq, 8);
	if (send(a, buf, o.size, 0) != (ssize_t)o.size ||
			recv_full(b, buf, o.size, deadline) != 0 ||
			send(b, buf, o.size, 0) != (ssize_t)o.size ||
			recv_full(a, buf, o.size, deadline) != 0 ||
			memcmp(buf, &seq, 8) != 0)
		return -1;
	return 0;
}

static int
run_pingpong(int l)
{
	uint64_t tmo = (uint64_t)(pf_tsc_hz() * RTT_TIMEOUT_MS / 1000);
	uint64_t end, seq = 1;
	struct pf_samples s;
	struct pf_lat lat;
	char buf[2048], kv[1024] = "";
	int a, b, ret;

	if (conn_open(l, &a, &b) != 0 || pf_samples_init(&s, o.iters) != 0)
		return -1;
	memset(buf, 0xa5, sizeof(buf));
	end = pf_tsc() + (uint64_t)(pf_tsc_hz() * o.seconds);
	for (unsigned long i = 0; i < o.warmup && pf_tsc() < end; i++)
		round_trip(a, b, buf, seq++, tmo);
	while (s.n < o.iters && pf_tsc() < end) {
		uint64_t t0 = pf_tsc();

		if (round_trip(a, b, buf, seq++, tmo) != 0) {
			s.lost++;	/* the stream is out of step: stop */
			break;
		}
		pf_samples_add(&s, pf_tsc() - t0);
	}
	pf_lat_compute(&s, &lat);
	pf_kv(kv, sizeof(kv), "mode", "kernel tcp pingpong");
	pf_kv(kv, sizeof(kv), "proto", "tcp");
	pf_kv(kv, sizeof(kv), "payload_bytes", "%u", o.size);
	pf_kv(kv, sizeof(kv), "app_cpu", "%d", o.cpu);
	pf_kv(kv, sizeof(kv), "recv", "%s", o.busy ?
		"non-blocking busy poll" : "blocking");
	ret = pf_write_lat(&o.out, &s, &lat, kv);
	close(a);
	close(b);
	pf_samples_free(&s);
	return ret == 0 && lat.n != 0 && s.lost == 0 ? 0 : -1;
}

/* ---- bulk and sink ---- */

struct flow {
	int s, cpu;
	uint64_t bytes;		/* receiver: atomic, read by main */
	uint64_t end_ns;
	volatile bool stop;
};

static void *
sender(void *arg)
{
	struct flow *f = arg;
	char *buf = calloc(1, CHUNK);

	pf_pin(f->cpu);
	while (buf != NULL && !f->stop && pf_now_ns() < f->end_ns)
		if (send(f->s, buf, CHUNK, 0) < 0 && errno != EAGAIN)
			break;
	shutdown(f->s, SHUT_WR);
	free(buf);
	return NULL;
}

static void *
receiver(void *arg)
{
	struct flow *f = arg;
	char *buf = malloc(CHUNK);
	ssize_t n;

	pf_pin(f->cpu);
	while (buf != NULL && pf_now_ns() < f->end_ns) {
		n = recv(f->s, buf, CHUNK, 0);
		if (n == 0 || (n < 0 && errno != EAGAIN))
			break;
		if (n > 0)
			__atomic_fetch_add(&f->bytes, (uint64_t)n,
				__ATOMIC_RELAXED);
	}
	free(buf);
	return NULL;
}

/* Goodput over the window after a fifth of --seconds (ramp-up). */
static int
window(struct flow *rx, const char *counted, char *kv, size_t len)
{
	uint64_t b0, b1, t0, t1;
	double c0, wall, cores, gbps;

	pf_sleep_ms(o.seconds * 200);
	b0 = __atomic_load_n(&rx->bytes, __ATOMIC_RELAXED);
	t0 = pf_now_ns();
	c0 = pf_cpu_s();
	pf_sleep_ms(o.seconds * 1000);
	b1 = __atomic_load_n(&rx->bytes, __ATOMIC_RELAXED);
	t1 = pf_now_ns();
	wall = (double)(t1 - t0) / 1e9;
	cores = (pf_cpu_s() - c0) / wall;
	gbps = (double)(b1 - b0) * 8 / wall / 1e9;
	pf_kv(kv, len, "kind", "goodput");
	pf_kv(kv, len, "bytes", "%llu", (unsigned long long)(b1 - b0));
	pf_kv(kv, len, "seconds", "%.3f", wall);
	pf_kv(kv, len, "gbps", "%.3f", gbps);
	pf_kv(kv, len, "cpu_cores", "%.3f", cores);
	pf_kv(kv, len, "gbps_per_core", "%.3f", cores > 0 ? gbps / cores : 0);
	pf_kv(kv, len, "buf_bytes", "%u", o.buf);
	pf_kv(kv, len, "counted_at", "%s", counted);
	printf("%s: %.3f Gbit/s, %.2f cores\n", o.out.name, gbps, cores);
	return b1 > b0 ? 0 : -1;
}

static int
run_bulk(int l)
{
	struct flow tx = { .cpu = o.cpu }, rx = { .cpu = o.cpu2 };
	char kv[1024] = "";
	pthread_t tt, rt;
	int ret;

	if (conn_open(l, &tx.s, &rx.s) != 0)
		return -1;
	tx.end_ns = rx.end_ns = pf_now_ns() + o.seconds * 1300000000ull;
	if (pthread_create(&rt, NULL, receiver, &rx) != 0)
		return -1;
	if (pthread_create(&tt, NULL, sender, &tx) != 0) {
		rx.end_ns = 0;
		pthread_join(rt, NULL);
		return -1;
	}
	ret = window(&rx, "receiver", kv, sizeof(kv));
	pf_kv(kv, sizeof(kv), "mode", "kernel tcp bulk 127.0.0.1");
	pf_kv(kv, sizeof(kv), "threads", "sender CPU%d, receiver CPU%d, "
		"blocking", o.cpu, o.cpu2);
	tx.stop = true;
	pthread_join(tt, NULL);
	pthread_join(rt, NULL);
	close(tx.s);
	close(rx.s);
	return ret == 0 ? pf_write_kv(&o.out, kv) : -1;
}

static int
run_sink(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct flow rx = { .cpu = o.cpu };
	char ip[64], kv[1024] = "";
	const char *colon = o.bind != NULL ? strrchr(o.bind, ':') : NULL;
	pthread_t rt;
	int l, ret;

	if (colon == NULL || colon - o.bind >= (int)sizeof(ip))
		usage();
	snprintf(ip, sizeof(ip), "%.*s", (int)(colon - o.bind), o.bind);
	inet_pton(AF_INET, ip, &a.sin_addr);
	a.sin_port = htons((uint16_t)atoi(colon + 1));
	l = listener(&a);
	if (l < 0)
		return -1;
	printf("READY\n");
	fflush(stdout);
	rx.s = accept(l, NULL, NULL);	/* bounded by run.sh's timeout */
	if (rx.s < 0)
		return -1;
	rx.end_ns = pf_now_ns() + o.seconds * 1300000000ull;
	if (pthread_create(&rt, NULL, receiver, &rx) != 0)
		return -1;
	ret = window(&rx, "kernel receiver", kv, sizeof(kv));
	pf_kv(kv, sizeof(kv), "mode", "kernel tcp sink");
	pthread_join(rt, NULL);
	close(rx.s);
	close(l);
	return ret == 0 ? pf_write_kv(&o.out, kv) : -1;
}

/* ---- connrate ---- */

static int
run_connrate(int l)
{
	struct linger rst = { .l_onoff = 1, .l_linger = 0 };
	uint64_t t0 = pf_now_ns(), end = t0 + o.seconds * 1000000000ull;
	unsigned long n = 0;
	char kv[1024] = "";
	double secs;
	int a, b, err = 0;

	while (n < o.iters && pf_now_ns() < end) {
		err = conn_open(l, &a, &b);
		if (err != 0)
			break;
		if (o.abort)
			setsockopt(a, SOL_SOCKET, SO_LINGER, &rst, sizeof(rst));
		close(a);
		close(b);
		n++;
	}
	secs = (double)(pf_now_ns() - t0) / 1e9;
	pf_kv(kv, sizeof(kv), "mode", "kernel tcp connrate 127.0.0.1");
	pf_kv(kv, sizeof(kv), "kind", "connrate");
	pf_kv(kv, sizeof(kv), "close", "%s", o.abort ?
		"reset (SO_LINGER 0)" : "graceful, client first (TIME-WAIT)");
	pf_kv(kv, sizeof(kv), "conns", "%lu", n);
	pf_kv(kv, sizeof(kv), "seconds", "%.3f", secs);
	pf_kv(kv, sizeof(kv), "conns_per_s", "%.0f", n / secs);
	pf_kv(kv, sizeof(kv), "stopped_by", "%s", err != 0 ? "error" :
		(n >= o.iters ? "count" : "time"));
	if (err != 0)
		pf_kv(kv, sizeof(kv), "stop_errno", "%s", strerror(-err));
	printf("%s: %lu connections, %.0f/s\n", o.out.name, n, n / secs);
	return n != 0 ? pf_write_kv(&o.out, kv) : -1;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in lo;
	int l = -1, ret;

	parse(argc, argv);
	if (pf_pin(o.cpu) != 0)
		return 1;
	pf_tsc_hz();
	if (strcmp(o.mode, "sink") == 0)
		return run_sink() == 0 ? 0 : 1;
	lo = loopback();
	l = listener(&lo);
	if (l < 0)
		return 1;
	if (strcmp(o.mode, "pingpong") == 0)
		ret = run_pingpong(l);
	else if (strcmp(o.mode, "bulk") == 0)
		ret = run_bulk(l);
	else if (strcmp(o.mode, "connrate") == 0)
		ret = run_connrate(l);
	else
		usage();
	close(l);
	return ret == 0 ? 0 : 1;
}
