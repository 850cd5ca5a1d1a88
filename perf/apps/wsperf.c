/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wsperf: the Winsock benchmark app. Plain Winsock 2 (through tests/ws2 on
 * Linux, Ws2_32 on Windows); the provider is configured by WSPDK_* keys in
 * the environment, as any application's would be.
 *
 *   wsperf --mode loop    one thread ping-pongs a datagram between two of
 *                         its own sockets (A -> B -> A is one round trip,
 *                         two traversals of the wire)
 *   wsperf --mode client  ping-pong with a peer that echoes: testpmd
 *                         5tswap, a kernel echo, sockperf's server
 *                         (--sockperf puts sockperf's header in front)
 *   wsperf --mode echo    echo every datagram back (pktgen latency mode)
 *   wsperf --mode sink    app threads drain sockets; datagrams/s and the
 *                         provider's drop counters (telemetry). With
 *                         --group G --members N: N sockets share the port
 *                         (SO_REUSEADDR), each joins G, and the threads
 *                         drain them round robin (multicast fan-out)
 *
 * Every wait is bounded: receives time out (SO_RCVTIMEO), a lost round
 * trip is counted and the next one starts, and each phase has a deadline
 * (--seconds). Results go to --out/--name (see perf/lib/pf.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf.h"
#include "pf_ws.h"
#include "wt.h"
#include "ws2.h"

#define RECV_TIMEOUT_MS	200
#define MAX_SINK	8
#define MAX_MEMBERS	8

struct opts {
	const char *mode;
	struct pf_out out;
	int cpu;
	unsigned long iters, warmup;
	unsigned int seconds;
	unsigned int size;
	unsigned int port;
	const char *self;		/* our address (loop mode) */
	const char *peer;		/* ip:port (client mode) */
	bool sockperf;
	bool nonblock;
	const char *tap;		/* ifname,mac,cidr of the kernel side */
	unsigned int threads;
	const char *cpus;		/* sink threads' CPUs, "0,1" */
	unsigned int rcvbuf;
	const char *ready_file;
	const char *progress_file;	/* sink: app_dgrams=N, every 100 ms */
	const char *note;
	const char *group;		/* sink: multicast group to join */
	unsigned int members;		/* sink: sockets joined to it */
};

static struct opts o = {
	.mode = "loop", .cpu = 0, .iters = 100000, .warmup = 10000,
	.seconds = 30, .size = 64, .port = 7000, .self = "198.18.0.2",
	.threads = 1, .cpus = "0", .rcvbuf = 8u << 20, .members = 1,
	.out = { .dir = ".", .name = "wsperf" },
};

static void
usage(void)
{
	fprintf(stderr, "usage: wsperf --mode loop|client|echo|sink "
		"[--out DIR] [--name NAME] [--cpu N] [--iters N] [--warmup N]\n"
		"  [--seconds S] [--size BYTES] [--port P] [--self IP] "
		"[--peer IP:PORT] [--sockperf]\n  [--nonblock] "
		"[--tap IFNAME,MAC,CIDR] [--threads N] [--cpus LIST] "
		"[--rcvbuf BYTES]\n  [--ready-file PATH] [--progress-file PATH] "
		"[--note TEXT] "
		"[--group IP --members N]\n");
	exit(2);
}

static void
parse(int argc, char **argv)
{
	const char *v;

	for (int i = 1; i < argc; i++) {
		if ((v = pf_arg(argc, argv, &i, "--mode")) != NULL)
			o.mode = v;
		else if ((v = pf_arg(argc, argv, &i, "--out")) != NULL)
			o.out.dir = v;
		else if ((v = pf_arg(argc, argv, &i, "--name")) != NULL)
			o.out.name = v;
		else if ((v = pf_arg(argc, argv, &i, "--cpus")) != NULL)
			o.cpus = v;
		else if ((v = pf_arg(argc, argv, &i, "--cpu")) != NULL)
			o.cpu = atoi(v);
		else if ((v = pf_arg(argc, argv, &i, "--iters")) != NULL)
			o.iters = strtoul(v, NULL, 10);
		else if ((v = pf_arg(argc, argv, &i, "--warmup")) != NULL)
			o.warmup = strtoul(v, NULL, 10);
		else if ((v = pf_arg(argc, argv, &i, "--seconds")) != NULL)
			o.seconds = (unsigned int)atoi(v);
		else if ((v = pf_arg(argc, argv, &i, "--size")) != NULL)
			o.size = (unsigned int)atoi(v);
		else if ((v = pf_arg(argc, argv, &i, "--port")) != NULL)
			o.port = (unsigned int)atoi(v);
		else if ((v = pf_arg(argc, argv, &i, "--self")) != NULL)
			o.self = v;
		else if ((v = pf_arg(argc, argv, &i, "--peer")) != NULL)
			o.peer = v;
		else if (strcmp(argv[i], "--sockperf") == 0)
			o.sockperf = true;
		else if (strcmp(argv[i], "--nonblock") == 0)
			o.nonblock = true;
		else if ((v = pf_arg(argc, argv, &i, "--tap")) != NULL)
			o.tap = v;
		else if ((v = pf_arg(argc, argv, &i, "--threads")) != NULL)
			o.threads = (unsigned int)atoi(v);
		else if ((v = pf_arg(argc, argv, &i, "--rcvbuf")) != NULL)
			o.rcvbuf = (unsigned int)atoi(v);
		else if ((v = pf_arg(argc, argv, &i, "--ready-file")) != NULL)
			o.ready_file = v;
		else if ((v = pf_arg(argc, argv, &i, "--progress-file")) != NULL)
			o.progress_file = v;
		else if ((v = pf_arg(argc, argv, &i, "--note")) != NULL)
			o.note = v;
		else if ((v = pf_arg(argc, argv, &i, "--group")) != NULL)
			o.group = v;
		else if ((v = pf_arg(argc, argv, &i, "--members")) != NULL)
			o.members = (unsigned int)atoi(v);
		else
			usage();
	}
	if (o.size < 16 || o.size > 1472 || o.threads > MAX_SINK ||
			(o.threads == 0 && strcmp(o.mode, "sink") != 0) ||
			o.members < 1 || o.members > MAX_MEMBERS ||
			(o.group == NULL && o.members != 1) ||
			(o.group != NULL && o.threads > o.members))
		usage();
}

/* ---- sockets ---- */

static SOCKET
udp_socket(unsigned int port)
{
	struct sockaddr_in a = pf_ws_addr(NULL, port);
	DWORD tmo = RECV_TIMEOUT_MS;
	u_long nb = o.nonblock ? 1 : 0;
	SOCKET s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);

	BOOL share = o.group != NULL;

	if (s == INVALID_SOCKET) {
		fprintf(stderr, "wsperf: socket: %d\n", WSAGetLastError());
		return s;
	}
	if (setsockopt(s, SOL_SOCKET, SO_REUSEADDR, (const char *)&share,
			sizeof(share)) != 0 ||
			bind(s, (struct sockaddr *)&a, sizeof(a)) != 0 ||
			setsockopt(s, SOL_SOCKET, SO_RCVTIMEO,
			(const char *)&tmo, sizeof(tmo)) != 0 ||
			setsockopt(s, SOL_SOCKET, SO_RCVBUF,
			(const char *)&o.rcvbuf, sizeof(o.rcvbuf)) != 0 ||
			ioctlsocket(s, FIONBIO, &nb) != 0) {
		fprintf(stderr, "wsperf: socket setup (port %u): %d\n", port,
			WSAGetLastError());
		closesocket(s);
		return INVALID_SOCKET;
	}
	return s;
}

/*
 * Receive one datagram before the deadline (TSC). Blocking sockets wait
 * in the provider (which spins forever under WSPDK_PROFILE=latency, up to
 * SO_RCVTIMEO); non-blocking ones are polled here.
 */
static int
recv_until(SOCKET s, char *buf, int len, struct sockaddr_in *from,
		uint64_t deadline)
{
	int fl = sizeof(*from), n;

	for (unsigned int k = 0;; k++) {
		n = recvfrom(s, buf, len, 0, (struct sockaddr *)from, &fl);
		if (n >= 0)
			return n;
		n = WSAGetLastError();
		if (n != WSAEWOULDBLOCK && n != WSAETIMEDOUT)
			return -n;
		if ((k & 1023) == 0 && pf_tsc() > deadline)
			return -WSAETIMEDOUT;
	}
}

/* Payload: our sequence number, or sockperf's 14-byte header. */
static void
stamp(char *buf, uint64_t seq)
{
	if (o.sockperf) {
		uint64_t be = ((uint64_t)htonl((u_long)(seq & 0xffffffff)) <<
			32) | htonl((u_long)(seq >> 32));
		uint32_t len = htonl(o.size);

		memcpy(buf, &be, 8);
		buf[8] = 0;
		buf[9] = 3;	/* client | pong request */
		memcpy(buf + 10, &len, 4);
	} else {
		memcpy(buf, &seq, 8);
	}
}

static bool
is_reply(const char *buf, int n, uint64_t seq)
{
	char want[16];

	if (n < 8)
		return false;
	stamp(want, seq);
	return memcmp(buf, want, 8) == 0;
}

/* ---- latency: loop and client ---- */

struct pingpong {
	SOCKET a, b;			/* loop: A and B; client: a only */
	struct sockaddr_in to_b, to_a;	/* loop: each other; client: peer */
	uint64_t timeout;		/* TSC ticks for one round trip */
};

/* One round trip: A -> B -> A (loop) or A -> peer -> A (client). */
static int
round_trip(struct pingpong *p, char *buf, uint64_t seq)
{
	struct sockaddr_in from;
	uint64_t deadline = pf_tsc() + p->timeout;
	int n;

	stamp(buf, seq);
	if (sendto(p->a, buf, (int)o.size, 0, (struct sockaddr *)&p->to_b,
			sizeof(p->to_b)) != (int)o.size)
		return -1;
	if (p->b != INVALID_SOCKET) {
		do {
			n = recv_until(p->b, buf, (int)o.size, &from, deadline);
		} while (n >= 0 && !is_reply(buf, n, seq));
		if (n < 0)
			return n;
		if (sendto(p->b, buf, n, 0, (struct sockaddr *)&p->to_a,
				sizeof(p->to_a)) != n)
			return -1;
	}
	do {
		n = recv_until(p->a, buf, (int)o.size, &from, deadline);
	} while (n >= 0 && !is_reply(buf, n, seq));
	return n < 0 ? n : 0;
}

static int
measure(struct pingpong *p, struct pf_samples *s)
{
	char buf[2048];
	uint64_t end = pf_tsc() + (uint64_t)(pf_tsc_hz() * o.seconds);
	/* Warm-up takes at most a fifth of the time: where each round trip
	 * waits for a scheduler slice, samples matter more. */
	uint64_t warm_end = pf_tsc() + (uint64_t)(pf_tsc_hz() * o.seconds / 5);
	uint64_t seq = 1;
	int ret;

	memset(buf, 0xa5, sizeof(buf));
	for (unsigned long i = 0; i < o.warmup && pf_tsc() < warm_end; i++)
		if (round_trip(p, buf, seq++) == -1)
			return -1;
	while (s->n < o.iters && pf_tsc() < end) {
		uint64_t t0 = pf_tsc();

		ret = round_trip(p, buf, seq++);
		if (ret == -1)
			return -1;
		if (ret < 0) {
			s->lost++;
			continue;
		}
		pf_samples_add(s, pf_tsc() - t0);
	}
	return 0;
}

static void
extra_common(char *kv, size_t len)
{
	pf_kv(kv, len, "mode", "%s", o.mode);
	pf_kv(kv, len, "payload_bytes", "%u", o.size);
	pf_kv(kv, len, "app_cpu", "%d", o.cpu);
	pf_kv(kv, len, "recv", "%s", o.nonblock ? "non-blocking busy poll" :
		"blocking");
	if (getenv("WSPDK_PROFILE") != NULL)
		pf_kv(kv, len, "wspdk_profile", "%s", getenv("WSPDK_PROFILE"));
	if (getenv("WSPDK_LCORES") != NULL)
		pf_kv(kv, len, "lcore_cpu", "%s", getenv("WSPDK_LCORES"));
	if (getenv("WSPDK_DEVICE") != NULL)
		pf_kv(kv, len, "device", "%s", getenv("WSPDK_DEVICE"));
	if (o.note != NULL)
		pf_kv(kv, len, "note", "%s", o.note);
}

static void
signal_ready(void)
{
	FILE *f;

	printf("READY\n");
	fflush(stdout);
	if (o.ready_file != NULL && (f = fopen(o.ready_file, "w")) != NULL)
		fclose(f);
}

static int
run_latency(void)
{
	struct pingpong p = { .b = INVALID_SOCKET };
	struct pf_samples s;
	struct pf_lat l;
	char kv[2048] = "";
	int ret;

	p.timeout = (uint64_t)(pf_tsc_hz() * RECV_TIMEOUT_MS / 1000);
	p.a = udp_socket(o.port);
	if (p.a == INVALID_SOCKET)
		return -1;
	if (strcmp(o.mode, "loop") == 0) {
		p.b = udp_socket(o.port + 1);
		p.to_b = pf_ws_addr(o.self, o.port + 1);
		p.to_a = pf_ws_addr(o.self, o.port);
		if (p.b == INVALID_SOCKET)
			return -1;
	} else if (pf_ws_peer(o.peer, &p.to_b) != 0) {
		fprintf(stderr, "wsperf: --peer IP:PORT needed\n");
		return -1;
	}
	if (pf_samples_init(&s, o.iters) != 0)
		return -1;
	signal_ready();
	ret = measure(&p, &s);
	if (ret == 0) {
		pf_lat_compute(&s, &l);
		extra_common(kv, sizeof(kv));
		if (o.peer != NULL)
			pf_kv(kv, sizeof(kv), "peer", "%s", o.peer);
		ret = pf_write_lat(&o.out, &s, &l, kv);
		if (l.n == 0)
			ret = -1;
	} else {
		fprintf(stderr, "wsperf: sendto failed: %d\n",
			WSAGetLastError());
	}
	pf_samples_free(&s);
	closesocket(p.a);
	if (p.b != INVALID_SOCKET)
		closesocket(p.b);
	return ret;
}

/* ---- echo ---- */

static int
run_echo(void)
{
	SOCKET s = udp_socket(o.port);
	uint64_t end, echoed = 0;
	struct sockaddr_in from;
	char buf[2048], kv[1024] = "";
	int n;

	if (s == INVALID_SOCKET)
		return -1;
	signal_ready();
	end = pf_tsc() + (uint64_t)(pf_tsc_hz() * o.seconds);
	while (pf_tsc() < end) {
		n = recv_until(s, buf, sizeof(buf), &from, end);
		if (n < 0)
			continue;
		if (sendto(s, buf, n, 0, (struct sockaddr *)&from,
				sizeof(from)) == n)
			echoed++;
	}
	closesocket(s);
	pf_kv(kv, sizeof(kv), "kind", "echo");
	pf_kv(kv, sizeof(kv), "echoed", "%llu", (unsigned long long)echoed);
	extra_common(kv, sizeof(kv));
	printf("%s: echoed %llu datagrams\n", o.out.name,
		(unsigned long long)echoed);
	return pf_write_kv(&o.out, kv);
}

/* ---- sink ---- */

struct sink {
	pthread_t tid;
	SOCKET s[MAX_MEMBERS];		/* one blocks; several are polled */
	unsigned int ns;
	int cpu;
	volatile bool stop;
	uint64_t dgrams, bytes;		/* written by the thread */
};

static struct sink sinks[MAX_SINK];
static SOCKET members[MAX_MEMBERS];

static void *
sink_main(void *arg)
{
	struct sink *k = arg;
	struct sockaddr_in from;
	char buf[2048];
	unsigned int j = 0;
	int fl, n;

	pf_pin(k->cpu);
	while (!k->stop) {
		fl = sizeof(from);
		n = recvfrom(k->s[j], buf, sizeof(buf), 0,
			(struct sockaddr *)&from, &fl);
		if (++j == k->ns)
			j = 0;
		if (n >= 0) {
			__atomic_store_n(&k->dgrams, k->dgrams + 1,
				__ATOMIC_RELAXED);
			k->bytes += (uint64_t)n;
		}
	}
	return NULL;
}

static uint64_t
sink_total(void)
{
	uint64_t t = 0;

	for (unsigned int i = 0; i < o.threads; i++)
		t += __atomic_load_n(&sinks[i].dgrams, __ATOMIC_RELAXED);
	return t;
}

/*
 * What the application has read so far, for a generator that steps its
 * load (perf/pktgen/sink.lua reads it before and after each step):
 * written to a temporary name and renamed, so a reader never sees half.
 */
static void
sink_progress(void)
{
	char tmp[4096];
	FILE *f;

	if (o.progress_file == NULL)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", o.progress_file);
	f = fopen(tmp, "w");
	if (f == NULL)
		return;
	fprintf(f, "app_dgrams=%llu\n", (unsigned long long)sink_total());
	if (fclose(f) == 0)
		rename(tmp, o.progress_file);
}

/* --threads 0: one socket nobody reads, so the lcore's own rate (demux,
 * then a full socket) is what is measured. */
static int
sink_sockets(void)
{
	struct ip_mreq mr;
	u_long nb = 1;

	memset(&mr, 0, sizeof(mr));
	for (unsigned int i = 0; i < o.members; i++) {
		members[i] = udp_socket(o.port);
		if (members[i] == INVALID_SOCKET)
			return -1;
		if (inet_pton(AF_INET, o.group, &mr.imr_multiaddr) != 1 ||
				setsockopt(members[i], IPPROTO_IP,
				IP_ADD_MEMBERSHIP, (const char *)&mr,
				sizeof(mr)) != 0) {
			fprintf(stderr, "wsperf: join %s: %d\n", o.group,
				WSAGetLastError());
			return -1;
		}
		/* A thread polling several sockets must not block in one. */
		if (o.threads != 0 && o.members > o.threads &&
				ioctlsocket(members[i], FIONBIO, &nb) != 0)
			return -1;
	}
	return 0;
}

static int
sink_start(void)
{
	const char *c = o.cpus;

	if (o.group != NULL) {
		if (sink_sockets() != 0)
			return -1;
		/* Member i to thread i % threads. */
		for (unsigned int i = 0; o.threads != 0 && i < o.members; i++)
			sinks[i % o.threads].s[sinks[i % o.threads].ns++] =
				members[i];
	}
	if (o.threads == 0) {
		if (o.group == NULL)
			members[0] = udp_socket(o.port);
		return members[0] == INVALID_SOCKET ? -1 : 0;
	}
	for (unsigned int i = 0; i < o.threads; i++) {
		if (o.group == NULL) {
			members[i] = udp_socket(o.port + i);
			if (members[i] == INVALID_SOCKET)
				return -1;
			sinks[i].s[0] = members[i];
			sinks[i].ns = 1;
		}
		sinks[i].cpu = atoi(c);
		if (strchr(c, ',') != NULL)
			c = strchr(c, ',') + 1;
		if (pthread_create(&sinks[i].tid, NULL, sink_main,
				&sinks[i]) != 0)
			return -1;
	}
	return 0;
}

/*
 * Rates per 100 ms window after the first second (ramp-up): the median
 * window is the figure, robust to a scheduler slice lost here or there.
 */
static int
run_sink(void)
{
	unsigned int nwin = o.seconds * 10, w = 0;
	double *rate = calloc(nwin + 1, sizeof(double)), med;
	uint64_t prev, now, t_prev, t_now = 0, first = 0, t_first = 0;
	uint64_t rx0 = 0, rx1 = 0, full0 = 0, full1 = 0, ts0 = 0, ts1 = 0;
	unsigned int nsock = o.group != NULL ? o.members :
		(o.threads != 0 ? o.threads : 1);
	char kv[16384] = "";	/* every /wspdk/stats counter */

	if (rate == NULL || sink_start() != 0)
		return -1;
	signal_ready();
	prev = sink_total();
	t_prev = pf_now_ns();
	for (unsigned int i = 0; i < nwin; i++) {
		pf_sleep_ms(100);
		now = sink_total();
		sink_progress();
		t_now = pf_now_ns();
		if (i == 9) {
			first = now;
			t_first = t_now;
			pf_stat_read("rx_pkts", &rx0);
			pf_stat_read("udp_rx_full", &full0);
			ts0 = pf_now_ns();
		}
		if (i >= 10)
			rate[w++] = (double)(now - prev) * 1e9 /
				(double)(t_now - t_prev);
		prev = now;
		t_prev = t_now;
	}
	pf_stat_read("rx_pkts", &rx1);
	pf_stat_read("udp_rx_full", &full1);
	ts1 = pf_now_ns();
	for (unsigned int i = 0; i < o.threads; i++)
		sinks[i].stop = true;
	for (unsigned int i = 0; i < o.threads; i++)
		pthread_join(sinks[i].tid, NULL);
	med = w != 0 ? wt_percentile(rate, w, 50) : 0;
	pf_kv(kv, sizeof(kv), "kind", "throughput");
	if (o.threads != 0) {
		pf_kv(kv, sizeof(kv), "app_dgrams", "%llu",
			(unsigned long long)sink_total());
		pf_kv(kv, sizeof(kv), "app_rate_median_pps", "%.0f", med);
		pf_kv(kv, sizeof(kv), "app_rate_mean_pps", "%.0f",
			t_prev > t_first ? (double)(prev - first) * 1e9 /
			(double)(t_prev - t_first) : 0);
	}
	if (ts1 > ts0 && rx1 > rx0) {
		pf_kv(kv, sizeof(kv), "lcore_rx_rate_pps", "%.0f",
			(double)(rx1 - rx0) * 1e9 / (double)(ts1 - ts0));
		/* The two counters are read one after the other; each
		 * frame is one delivery per member (a drop per member if
		 * that socket is full). */
		double in = (double)(rx1 - rx0) * o.members -
			(double)(full1 - full0);

		pf_kv(kv, sizeof(kv), "into_sockets_rate_pps", "%.0f",
			(in > 0 ? in : 0) * 1e9 / (double)(ts1 - ts0));
	}
	pf_kv(kv, sizeof(kv), "threads", "%u", o.threads);
	pf_kv(kv, sizeof(kv), "thread_cpus", "%s", o.cpus);
	if (o.group != NULL) {
		pf_kv(kv, sizeof(kv), "group", "%s", o.group);
		pf_kv(kv, sizeof(kv), "members", "%u", o.members);
	}
	extra_common(kv, sizeof(kv));
	pf_stat_all(kv, sizeof(kv));
	for (unsigned int i = 0; i < nsock; i++)
		closesocket(members[i]);
	printf("%s: %llu datagrams to the application, median %.0f/s\n",
		o.out.name, (unsigned long long)sink_total(), med);
	free(rate);
	return pf_write_kv(&o.out, kv);
}

/* ---- main ---- */

int
main(int argc, char **argv)
{
	int ret;

	parse(argc, argv);
	if (pf_ws_start("wsperf", o.cpu, o.tap) != 0)
		return 1;
	if (strcmp(o.mode, "loop") == 0 || strcmp(o.mode, "client") == 0)
		ret = run_latency();
	else if (strcmp(o.mode, "echo") == 0)
		ret = run_echo();
	else if (strcmp(o.mode, "sink") == 0)
		ret = run_sink();
	else
		usage();
	if (WSACleanup() != 0)
		ret = -1;
	return ret == 0 ? 0 : 1;
}
