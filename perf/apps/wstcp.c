/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wstcp: the TCP benchmarks of issue 13 ("Speed"), plain Winsock 2 over
 * the provider (tests/ws2 on Linux). Both ends live in this process and
 * talk over the provider's own address (the in-memory loop port), except
 * bulk --peer, which sends to a kernel receiver (perf/base/ktcp --mode
 * sink) over the tap.
 *
 *   wstcp --mode pingpong  one thread ping-pongs --size bytes over one
 *                          connection: A -> B -> A is one round trip
 *                          (TCP_NODELAY; --nonblock spins on recv)
 *   wstcp --mode bulk      A sends, B drains, one thread, non-blocking;
 *                          goodput and the process's CPU (app thread +
 *                          lcore) over the window: Gbit/s per core
 *   wstcp --mode connrate  connect + accept + close, back to back;
 *                          --abort closes with a reset (no TIME-WAIT)
 *   wstcp --mode idle      open --conns connections (until the first
 *                          failure), then close them into TIME-WAIT;
 *                          memory per connection at each step. One
 *                          address has 16384 ephemeral ports: with
 *                          --listeners K the clients bind ports from
 *                          CPORT_LO themselves (SO_REUSEADDR), each
 *                          port once per listener: K x 55535 at most
 *
 * Every wait is bounded (SO_RCVTIMEO, deadlines from --seconds). Results
 * go to --out/--name (perf/lib/pf.h).
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf.h"
#include "pf_ws.h"
#include "wt.h"
#include "ws2.h"

#define RECV_TIMEOUT_MS	200
#define CPORT_LO	10000	/* idle --listeners: clients' first port */
#define LISTENERS_MAX	16
/* A round trip's bound: TCP loses nothing, so a late reply is a tail
 * sample (a loaded machine stalls either thread for 100s of ms), and only
 * a stream that stopped is a failure. */
#define RTT_TIMEOUT_MS	5000
#define CHUNK		65536
#define ZC_MAX		64	/* --zc-depth at most */

static struct {
	const char *mode, *self, *peer, *note;
	const char *tap;		/* ifname,mac,cidr of the kernel side */
	struct pf_out out;
	unsigned long iters, warmup, conns, bytes;
	unsigned int seconds, size, port, buf, listeners;
	int cpu;
	bool nonblock, abort, zc;
	unsigned int zc_depth;
} o = {
	.mode = "pingpong", .self = "198.18.0.2", .iters = 100000,
	.warmup = 10000, .conns = 1000, .seconds = 10, .size = 64,
	.port = 7100, .buf = 4u << 20, .cpu = 0, .zc_depth = 4,
	.out = { .dir = ".", .name = "wstcp" },
};

static void
usage(void)
{
	fprintf(stderr, "usage: wstcp --mode pingpong|bulk|connrate|idle "
		"[--out DIR] [--name N] [--cpu N]\n  [--iters N] [--warmup N] "
		"[--seconds S] [--size B] [--port P] [--self IP]\n"
		"  [--peer IP:PORT] [--buf BYTES (bulk)] [--conns N] [--nonblock] "
		"[--abort] [--note T]\n  [--tap IFNAME,MAC,CIDR] "
		"[--listeners K (idle)] [--bytes N (bulk)]\n"
		"  [--zc [--zc-depth K]] (bulk: SO_SNDBUF 0, K overlapped "
		"sends of --buf bytes)\n");
	exit(2);
}

static void
parse(int argc, char **argv)
{
	const struct pf_opt opts[] = {
		{ "--mode", PF_STR, &o.mode }, { "--out", PF_STR, &o.out.dir },
		{ "--name", PF_STR, &o.out.name }, { "--cpu", PF_INT, &o.cpu },
		{ "--iters", PF_ULONG, &o.iters },
		{ "--warmup", PF_ULONG, &o.warmup },
		{ "--conns", PF_ULONG, &o.conns },
		{ "--bytes", PF_ULONG, &o.bytes },
		{ "--seconds", PF_UINT, &o.seconds },
		{ "--size", PF_UINT, &o.size }, { "--port", PF_UINT, &o.port },
		{ "--buf", PF_UINT, &o.buf }, { "--self", PF_STR, &o.self },
		{ "--peer", PF_STR, &o.peer }, { "--note", PF_STR, &o.note },
		{ "--tap", PF_STR, &o.tap },
		{ "--listeners", PF_UINT, &o.listeners },
		{ "--nonblock", PF_FLAG, &o.nonblock },
		{ "--abort", PF_FLAG, &o.abort },
		{ "--zc", PF_FLAG, &o.zc },
		{ "--zc-depth", PF_UINT, &o.zc_depth },
		{ NULL, PF_FLAG, NULL },
	};

	if (pf_parse(argc, argv, opts) != 0 || o.size < 8 || o.size > 2048 ||
			o.seconds == 0 || o.conns == 0 ||
			o.listeners > LISTENERS_MAX || (o.listeners != 0 &&
			o.port + o.listeners > CPORT_LO) ||
			(o.zc && (o.zc_depth == 0 || o.zc_depth > ZC_MAX)))
		usage();
}

/* ---- sockets ---- */

static int
fail(const char *what)
{
	int e = WSAGetLastError();

	fprintf(stderr, "wstcp: %s: %d\n", what, e);
	return -e;
}

/* Bulk's buffers (window scaling); the others keep Windows' 64 KB, as an
 * idle connection has them. */
static int
buffers(SOCKET s)
{
	int b = (int)o.buf;

	if (strcmp(o.mode, "bulk") != 0)
		return 0;
	return setsockopt(s, SOL_SOCKET, SO_SNDBUF, (const char *)&b,
		sizeof(b)) != 0 || setsockopt(s, SOL_SOCKET, SO_RCVBUF,
		(const char *)&b, sizeof(b)) != 0 ? -1 : 0;
}

static SOCKET
listener(void)
{
	struct sockaddr_in a = pf_ws_addr(NULL, o.port);
	SOCKET l = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);

	if (l == INVALID_SOCKET || buffers(l) != 0 ||
			bind(l, (struct sockaddr *)&a, sizeof(a)) != 0 ||
			listen(l, SOMAXCONN) != 0) {
		fail("listener");
		if (l != INVALID_SOCKET)
			closesocket(l);
		return INVALID_SOCKET;
	}
	return l;
}

/*
 * A new connection to addr: *a the connecting end, *b (with a listener)
 * the accepted one. Returns 0 or -WSA code, nothing left open on error.
 */
static int
conn_open_from(SOCKET l, const struct sockaddr_in *from,
		const struct sockaddr_in *to, SOCKET *a, SOCKET *b)
{
	DWORD tmo = RECV_TIMEOUT_MS;
	BOOL one = TRUE;
	int e;

	*a = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	*b = INVALID_SOCKET;
	if (*a == INVALID_SOCKET)
		return -WSAGetLastError();
	if (from != NULL && (setsockopt(*a, SOL_SOCKET, SO_REUSEADDR,
			(const char *)&one, sizeof(one)) != 0 ||
			bind(*a, (const struct sockaddr *)from,
			sizeof(*from)) != 0))
		goto err;
	if (buffers(*a) != 0 || connect(*a, (const struct sockaddr *)to,
			sizeof(*to)) != 0)
		goto err;
	if (l != INVALID_SOCKET) {
		*b = accept(l, NULL, NULL);
		if (*b == INVALID_SOCKET)
			goto err;
	}
	for (int i = 0; i < 2; i++) {
		SOCKET s = i == 0 ? *a : *b;
		u_long nb = o.nonblock ? 1 : 0;

		if (s != INVALID_SOCKET && (setsockopt(s, IPPROTO_TCP,
				TCP_NODELAY, (const char *)&one,
				sizeof(one)) != 0 || setsockopt(s, SOL_SOCKET,
				SO_RCVTIMEO, (const char *)&tmo,
				sizeof(tmo)) != 0 || ioctlsocket(s, FIONBIO,
				&nb) != 0))
			goto err;
	}
	return 0;
err:
	e = WSAGetLastError();
	closesocket(*a);
	if (*b != INVALID_SOCKET)
		closesocket(*b);
	*a = *b = INVALID_SOCKET;
	return -e;
}

static int
conn_open(SOCKET l, const struct sockaddr_in *to, SOCKET *a, SOCKET *b)
{
	return conn_open_from(l, NULL, to, a, b);
}

static void
common_kv(char *kv, size_t len)
{
	pf_kv(kv, len, "mode", "%s", o.mode);
	pf_kv(kv, len, "app_cpu", "%d", o.cpu);
	if (getenv("WSPDK_PROFILE") != NULL)
		pf_kv(kv, len, "wspdk_profile", "%s", getenv("WSPDK_PROFILE"));
	if (getenv("WSPDK_LCORES") != NULL)
		pf_kv(kv, len, "lcore_cpu", "%s", getenv("WSPDK_LCORES"));
	if (getenv("WSPDK_DEVICE") != NULL)
		pf_kv(kv, len, "device", "%s", getenv("WSPDK_DEVICE"));
	if (o.note != NULL)
		pf_kv(kv, len, "note", "%s", o.note);
}

/* ---- pingpong ---- */

/* Exactly len bytes from s before the deadline: 0, or -1. */
static int
recv_full(SOCKET s, char *buf, int len, uint64_t deadline)
{
	int got = 0, n, err;

	for (unsigned int k = 0; got < len; k++) {
		n = recv(s, buf + got, len - got, 0);
		if (n > 0) {
			got += n;
			continue;
		}
		err = WSAGetLastError();
		if (n == 0 || (err != WSAEWOULDBLOCK && err != WSAETIMEDOUT))
			return -1;
		/* A busy-poll spin reads the clock now and then; a timed-out
		 * blocking wait (200 ms) every time, or a stall would count
		 * as lost only after 1024 of them. */
		if ((err == WSAETIMEDOUT || (k & 1023) == 0) &&
				pf_tsc() > deadline)
			return -1;
	}
	return 0;
}

static int
round_trip(SOCKET a, SOCKET b, char *buf, uint64_t seq, uint64_t tmo)
{
	uint64_t deadline = pf_tsc() + tmo;
	int len = (int)o.size;

	memcpy(buf, &seq, 8);
	if (send(a, buf, len, 0) != len || recv_full(b, buf, len,
			deadline) != 0 || send(b, buf, len, 0) != len ||
			recv_full(a, buf, len, deadline) != 0 ||
			memcmp(buf, &seq, 8) != 0)
		return -1;
	return 0;
}

static int
run_pingpong(SOCKET l, const struct sockaddr_in *to)
{
	uint64_t tmo = (uint64_t)(pf_tsc_hz() * RTT_TIMEOUT_MS / 1000);
	uint64_t end, seq = 1;
	struct pf_samples s;
	struct pf_lat lat;
	char buf[2048], kv[1024] = "";
	SOCKET a, b;
	int ret;

	if (conn_open(l, to, &a, &b) != 0)
		return fail("connect");
	if (pf_samples_init(&s, o.iters) != 0)
		return -1;
	memset(buf, 0xa5, sizeof(buf));
	end = pf_tsc() + (uint64_t)(pf_tsc_hz() * o.seconds);
	for (unsigned long i = 0; i < o.warmup && pf_tsc() < end; i++)
		round_trip(a, b, buf, seq++, tmo);
	/* A round trip that failed leaves bytes behind: the stream is out
	 * of step, so the run stops there (counted as lost). */
	while (s.n < o.iters && pf_tsc() < end) {
		uint64_t t0 = pf_tsc();

		if (round_trip(a, b, buf, seq++, tmo) != 0) {
			s.lost++;
			break;
		}
		pf_samples_add(&s, pf_tsc() - t0);
	}
	pf_lat_compute(&s, &lat);
	common_kv(kv, sizeof(kv));
	pf_kv(kv, sizeof(kv), "proto", "tcp");
	pf_kv(kv, sizeof(kv), "payload_bytes", "%u", o.size);
	pf_kv(kv, sizeof(kv), "recv", "%s", o.nonblock ?
		"non-blocking busy poll" : "blocking");
	ret = pf_write_lat(&o.out, &s, &lat, kv);
	pf_samples_free(&s);
	closesocket(a);
	closesocket(b);
	return ret == 0 && lat.n != 0 && s.lost == 0 ? 0 : -1;
}

/* ---- bulk ---- */

/* Drain everything b has now; bytes read, or -1 on error or EOF. */
static long
drain(SOCKET b, char *buf)
{
	long total = 0;
	int n;

	while ((n = recv(b, buf, CHUNK, 0)) > 0)
		total += n;
	if (n == 0 || WSAGetLastError() != WSAEWOULDBLOCK)
		return -1;
	return total;
}

/*
 * --zc: what a Windows application does to send without a copy: SO_SNDBUF
 * 0 and K overlapped sends outstanding, each of its own --buf bytes,
 * reposted as its completion comes off the port (the stack used the
 * buffer in place and is done with it).
 */
struct zc {
	HANDLE port;
	WSAOVERLAPPED ov[ZC_MAX];
	char *buf[ZC_MAX];
};

static int
zc_post(SOCKET a, struct zc *z, unsigned int i)
{
	WSABUF wb = { .len = o.buf, .buf = z->buf[i] };

	memset(&z->ov[i], 0, sizeof(z->ov[i]));
	return WSASend(a, &wb, 1, NULL, 0, &z->ov[i], NULL) == 0 ||
		WSAGetLastError() == WSA_IO_PENDING ? 0 : -1;
}

static int
zc_open(SOCKET a, struct zc *z)
{
	int zero = 0;

	memset(z, 0, sizeof(*z));
	z->port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
	if (z->port == NULL || CreateIoCompletionPort((HANDLE)a, z->port, 0,
			0) == NULL || setsockopt(a, SOL_SOCKET, SO_SNDBUF,
			(const char *)&zero, sizeof(zero)) != 0)
		return -1;
	for (unsigned int i = 0; i < o.zc_depth; i++) {
		z->buf[i] = malloc(o.buf);
		if (z->buf[i] == NULL)
			return -1;
		memset(z->buf[i], 0x5a, o.buf);
		if (zc_post(a, z, i) != 0)
			return -1;
	}
	return 0;
}

/* The completions within ms, each reposted: bytes they sent, or -1. */
static long
zc_pump(SOCKET a, struct zc *z, DWORD ms)
{
	OVERLAPPED_ENTRY e[ZC_MAX];
	ULONG n = 0;
	long bytes = 0;

	if (!GetQueuedCompletionStatusEx(z->port, e, ZC_MAX, &n, ms, FALSE))
		return GetLastError() == WAIT_TIMEOUT ? 0 : -1;
	for (ULONG j = 0; j < n; j++) {
		unsigned int i = (unsigned int)((WSAOVERLAPPED *)
			e[j].lpOverlapped - z->ov);

		if (e[j].Internal != 0 || i >= o.zc_depth)
			return -1;
		bytes += (long)e[j].dwNumberOfBytesTransferred;
		if (zc_post(a, z, i) != 0)
			return -1;
	}
	return bytes;
}

/* After the socket's close (which aborts what is in flight, each
 * completing before it returns): the port and the buffers. */
static void
zc_close(struct zc *z)
{
	if (z->port != NULL)
		CloseHandle(z->port);
	for (unsigned int i = 0; i < ZC_MAX; i++)
		free(z->buf[i]);
}

static int
run_bulk(SOCKET l, const struct sockaddr_in *to)
{
	char *tx = malloc(CHUNK), *rx = malloc(CHUNK), kv[8192] = "";
	uint64_t bytes = 0, t0 = 0, warm, end;
	struct zc z = { 0 };
	int ret = -1;
	double cpu0 = 0, wall, cores, gbps;
	bool counting = false;
	SOCKET a, b;
	long n;

	o.nonblock = o.peer == NULL;	/* the kernel sink: send blocks */
	if (tx == NULL || rx == NULL || conn_open(l, to, &a, &b) != 0) {
		free(tx);
		free(rx);
		return fail("connect");
	}
	memset(tx, 0x5a, CHUNK);
	if (o.zc && zc_open(a, &z) != 0) {
		fail("zero-copy sends");
		goto out;
	}
	/* --bytes: a fixed amount from the first byte, so that a run under
	 * callgrind counts instructions per byte whatever its speed. */
	warm = o.bytes != 0 ? 0 : pf_now_ns() +
		(uint64_t)o.seconds * 200000000ull;
	end = pf_now_ns() + (uint64_t)o.seconds * 1200000000ull;
	/* The clock every 64 turns: read each time, it cost the app
	 * thread a tenth of its samples (perf record). */
	for (uint64_t now = 0, k = 0; (k++ & 63) != 0 ||
			(now = pf_now_ns()) < end;) {
		if (!counting && now >= warm) {
			counting = true;
			bytes = 0;
			t0 = now;
			cpu0 = pf_cpu_s();
		}
		if (o.bytes != 0 && bytes >= o.bytes)
			break;
		if (o.zc)	/* the receiver's drain is the wait */
			n = zc_pump(a, &z, b == INVALID_SOCKET ? 100 : 0);
		else
			n = send(a, tx, CHUNK, 0);
		if (n < 0 && (o.zc || WSAGetLastError() != WSAEWOULDBLOCK))
			break;
		if (b == INVALID_SOCKET) {
			bytes += n > 0 ? (uint64_t)n : 0;
			continue;
		}
		n = drain(b, rx);
		if (n < 0)
			break;
		bytes += (uint64_t)n;
	}
	wall = (double)(pf_now_ns() - t0) / 1e9;
	cores = counting && wall > 0 ? (pf_cpu_s() - cpu0) / wall : 0;
	gbps = counting && wall > 0 ? (double)bytes * 8 / wall / 1e9 : 0;
	common_kv(kv, sizeof(kv));
	pf_kv(kv, sizeof(kv), "kind", "goodput");
	pf_kv(kv, sizeof(kv), "bytes", "%llu", (unsigned long long)bytes);
	pf_kv(kv, sizeof(kv), "seconds", "%.3f", wall);
	pf_kv(kv, sizeof(kv), "gbps", "%.3f", gbps);
	pf_kv(kv, sizeof(kv), "cpu_cores", "%.3f", cores);
	pf_kv(kv, sizeof(kv), "gbps_per_core", "%.3f",
		cores > 0 ? gbps / cores : 0);
	pf_kv(kv, sizeof(kv), "buf_bytes", "%u", o.buf);
	pf_kv(kv, sizeof(kv), "counted_at", "%s", b == INVALID_SOCKET ?
		"sender (bytes the kernel took)" : "receiver");
	if (o.peer != NULL)
		pf_kv(kv, sizeof(kv), "peer", "%s", o.peer);
	if (o.zc)
		pf_kv(kv, sizeof(kv), "zc_depth", "%u", o.zc_depth);
	pf_stat_all(kv, sizeof(kv));
	printf("%s: %.3f Gbit/s, %.2f cores\n", o.out.name, gbps, cores);
	ret = bytes != 0 ? pf_write_kv(&o.out, kv) : -1;
out:
	shutdown(a, SD_SEND);
	closesocket(a);
	if (b != INVALID_SOCKET)
		closesocket(b);
	zc_close(&z);
	free(tx);
	free(rx);
	return ret;
}

/* ---- connrate ---- */

static int
run_connrate(SOCKET l, const struct sockaddr_in *to)
{
	struct linger rst = { .l_onoff = 1, .l_linger = 0 };
	uint64_t t0 = pf_now_ns(), end = t0 + o.seconds * 1000000000ull;
	unsigned long n = 0;
	double secs;
	char kv[1024] = "";
	SOCKET a, b;
	int err = 0;

	while (n < o.iters && pf_now_ns() < end) {
		err = conn_open(l, to, &a, &b);
		if (err != 0)
			break;
		if (o.abort && setsockopt(a, SOL_SOCKET, SO_LINGER,
				(const char *)&rst, sizeof(rst)) != 0)
			err = -WSAGetLastError();
		/* The connecting end closes first: its side holds
		 * TIME-WAIT (unless reset). */
		closesocket(a);
		closesocket(b);
		if (err != 0)
			break;
		n++;
	}
	secs = (double)(pf_now_ns() - t0) / 1e9;
	common_kv(kv, sizeof(kv));
	pf_kv(kv, sizeof(kv), "kind", "connrate");
	pf_kv(kv, sizeof(kv), "close", "%s", o.abort ?
		"reset (SO_LINGER 0)" : "graceful, client first (TIME-WAIT)");
	pf_kv(kv, sizeof(kv), "conns", "%lu", n);
	pf_kv(kv, sizeof(kv), "seconds", "%.3f", secs);
	pf_kv(kv, sizeof(kv), "conns_per_s", "%.0f", n / secs);
	pf_kv(kv, sizeof(kv), "stopped_by", "%s", err != 0 ? "error" :
		(n >= o.iters ? "count" : "time"));
	if (err != 0)
		pf_kv(kv, sizeof(kv), "stop_wsa_error", "%d", -err);
	printf("%s: %lu connections, %.0f/s%s\n", o.out.name, n, n / secs,
		err != 0 ? " (stopped by an error)" : "");
	return n != 0 ? pf_write_kv(&o.out, kv) : -1;
}

/* ---- idle memory ---- */

struct mem {
	uint64_t heap_alloc;	/* DPDK malloc heaps (hugepages), bytes */
	uint64_t mbufs_used;	/* of the provider's pool */
	uint64_t malloc_used;	/* the C heap (mallinfo2) */
};

static void
mem_read(struct mem *m)
{
	char json[8192];
	uint64_t v = 0, avail = 0;

	memset(m, 0, sizeof(*m));
	for (int heap = 0; heap < 4; heap++) {
		char cmd[32];

		snprintf(cmd, sizeof(cmd), "/eal/heap_info,%d", heap);
		if (wt_tel(pf_tel_prefix(), cmd, json, sizeof(json)) == 0 &&
				wt_json_u64(json, "Alloc_size", &v) == 0)
			m->heap_alloc += v;
	}
	if (pf_stat_read("mbufs", &v) == 0 &&
			pf_stat_read("mbufs_avail", &avail) == 0 && v > avail)
		m->mbufs_used = v - avail;
	m->malloc_used = mallinfo2().uordblks;
}

/* The mbuf's size in the pool, header and data room (DPDK's default
 * pool element: rte_mbuf 128 + headroom 128 + 2048). */
#define MBUF_BYTES	2304

static void
mem_kv(char *kv, size_t len, const char *at, const struct mem *m0,
		const struct mem *m1, unsigned long n)
{
	double heap = (double)m1->heap_alloc - (double)m0->heap_alloc;
	double mb = ((double)m1->mbufs_used - (double)m0->mbufs_used) *
		MBUF_BYTES;
	double c = (double)m1->malloc_used - (double)m0->malloc_used;
	char k[64];

	if (n == 0)
		return;
	snprintf(k, sizeof(k), "%s_hugepage_bytes_per_conn", at);
	pf_kv(kv, len, k, "%.0f", heap / n);
	snprintf(k, sizeof(k), "%s_mbuf_bytes_per_conn", at);
	pf_kv(kv, len, k, "%.0f", mb / n);
	snprintf(k, sizeof(k), "%s_malloc_bytes_per_conn", at);
	pf_kv(kv, len, k, "%.0f", c / n);
	snprintf(k, sizeof(k), "%s_bytes_per_conn", at);
	pf_kv(kv, len, k, "%.0f", (heap + mb + c) / n);
}

/* Connection i of idle --listeners: listener i % K from client port
 * CPORT_LO + i / K, so no four-tuple repeats. */
static int
idle_open(SOCKET *ls, const struct sockaddr_in *to, unsigned long i,
		SOCKET *a, SOCKET *b)
{
	struct sockaddr_in from, dst = *to;
	unsigned long k = i % o.listeners, p = CPORT_LO + i / o.listeners;

	if (p > 65535)
		return -WSAEADDRINUSE;	/* every port taken */
	from = pf_ws_addr(o.self, (uint16_t)p);
	dst.sin_port = htons((uint16_t)(o.port + k));
	return conn_open_from(ls[k], &from, &dst, a, b);
}

static int
run_idle(SOCKET l, const struct sockaddr_in *to)
{
	SOCKET *a = calloc(o.conns, sizeof(*a)), *b = calloc(o.conns,
		sizeof(*b));
	uint64_t end = pf_now_ns() + o.seconds * 1000000000ull;
	SOCKET ls[LISTENERS_MAX] = { l };
	struct mem m0, m1, m2;
	char kv[2048] = "";
	unsigned long n = 0;
	int err = 0;

	if (a == NULL || b == NULL) {
		free(a);
		free(b);
		return -1;
	}
	for (unsigned int k = 1; k < o.listeners; k++) {
		unsigned int p0 = o.port;

		o.port = p0 + k;
		ls[k] = listener();
		o.port = p0;
		if (ls[k] == INVALID_SOCKET) {
			err = -1;
			o.listeners = k;	/* those made are closed */
			goto out;
		}
	}
	pf_sleep_ms(100);
	mem_read(&m0);
	while (n < o.conns && pf_now_ns() < end && (err = o.listeners > 0 ?
			idle_open(ls, to, n, &a[n], &b[n]) :
			conn_open(l, to, &a[n], &b[n])) == 0)
		n++;
	pf_sleep_ms(200);
	mem_read(&m1);
	/* Client ends first (they go to TIME-WAIT), then the accepted
	 * ones (LAST-ACK, then freed). */
	for (unsigned long i = 0; i < n; i++)
		closesocket(a[i]);
	for (unsigned long i = 0; i < n; i++)
		closesocket(b[i]);
	pf_sleep_ms(500);
	mem_read(&m2);
	common_kv(kv, sizeof(kv));
	pf_kv(kv, sizeof(kv), "kind", "connmem");
	pf_kv(kv, sizeof(kv), "conns_wanted", "%lu", o.conns);
	pf_kv(kv, sizeof(kv), "conns", "%lu", n);
	pf_kv(kv, sizeof(kv), "listeners", "%u",
		o.listeners != 0 ? o.listeners : 1);
	pf_kv(kv, sizeof(kv), "stopped_by", "%s", err != 0 ? "error" :
		(n >= o.conns ? "count" : "time"));
	if (err != 0)
		pf_kv(kv, sizeof(kv), "stop_wsa_error", "%d", -err);
	pf_kv(kv, sizeof(kv), "mbuf_bytes", "%u", MBUF_BYTES);
	/* Both ends of each connection are ours: established counts two
	 * sockets per connection, TIME-WAIT one (the accepted end is
	 * gone). */
	mem_kv(kv, sizeof(kv), "established", &m0, &m1, n);
	mem_kv(kv, sizeof(kv), "timewait", &m0, &m2, n);
out:
	for (unsigned int k = 1; k < o.listeners; k++)
		closesocket(ls[k]);
	free(a);
	free(b);
	printf("%s: %lu connections established then in TIME-WAIT%s\n",
		o.out.name, n, err != 0 ? " (stopped by an error)" : "");
	return n != 0 ? pf_write_kv(&o.out, kv) : -1;
}

/* ---- main ---- */

int
main(int argc, char **argv)
{
	struct sockaddr_in to;
	SOCKET l = INVALID_SOCKET;
	int ret;

	parse(argc, argv);
	if (pf_ws_start("wstcp", o.cpu, o.tap) != 0)
		return 1;
	if (o.peer != NULL) {
		if (pf_ws_peer(o.peer, &to) != 0 || strcmp(o.mode, "bulk") != 0)
			usage();
	} else {
		to = pf_ws_addr(o.self, o.port);
		l = listener();
	}
	if (o.peer == NULL && l == INVALID_SOCKET)
		ret = -1;
	else if (strcmp(o.mode, "pingpong") == 0)
		ret = run_pingpong(l, &to);
	else if (strcmp(o.mode, "bulk") == 0)
		ret = run_bulk(l, &to);
	else if (strcmp(o.mode, "connrate") == 0)
		ret = run_connrate(l, &to);
	else if (strcmp(o.mode, "idle") == 0)
		ret = run_idle(l, &to);
	else
		usage();
	if (l != INVALID_SOCKET)
		closesocket(l);
	if (WSACleanup() != 0)
		ret = -1;
	return ret == 0 ? 0 : 1;
}
