/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wststamp: what Winsock timestamping costs and what it shows, on the
 * loop device, one thread (a Winsock program through tests/ws2).
 *
 *   wststamp --cpu 0 --iters N --seconds S --out DIR --name NAME
 *
 * Socket A sends one datagram to socket B (WSASendMsg), B reads it
 * (WSARecvMsg), over and over, in blocks that cycle through three
 * settings so drift hits them alike:
 *   off   no SIO_TIMESTAMPING;
 *   rx    B has receive timestamps (SO_TIMESTAMP converted and written);
 *   rxtx  and A sends with SO_TIMESTAMP_ID and takes the TX timestamp
 *         back (SIO_GET_TX_TIMESTAMP, polled until it is there).
 * ns per datagram (send to received, plus the TX take in rxtx), median
 * of each; the difference to off is the cost. The lcore's part that is always
 * pays per RX burst while receive timestamps are on, one TSC read, is
 * shown as the cost of one read.
 *
 * In the rx blocks, each datagram also gives the new figure: A's
 * QueryPerformanceCounter before WSASendMsg -> B's SO_TIMESTAMP (the
 * lcore pulled it) -> B's QueryPerformanceCounter after WSARecvMsg, one
 * clock in one process: "send_to_stamp" and "stamp_to_app".
 *
 * Writes NAME.summary (kind=tstamp) and the two distributions'
 * NAME_send_to_stamp / NAME_stamp_to_app summaries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf.h"
#include "wt.h"
#include "ws2.h"

#define PORT		7400
#define BLOCK		200	/* datagrams per block */
#define RECV_TMO_MS	200

enum setting { OFF, RX, RXTX, NB_SETTINGS };

static const char *const setting_name[NB_SETTINGS] = { "off", "rx", "rxtx" };

static struct {
	struct pf_out out;
	int cpu;
	unsigned long iters;
	unsigned int seconds;
} o = { .out = { ".", "wststamp" }, .cpu = 0, .iters = 20000,
	.seconds = 5 };

static LPFN_WSARECVMSG recvmsg_fn;
static LPFN_WSASENDMSG sendmsg_fn;

static uint64_t
qpc(void)
{
	LARGE_INTEGER c;

	QueryPerformanceCounter(&c);
	return (uint64_t)c.QuadPart;
}

static SOCKET
udp_socket(unsigned int port)
{
	struct sockaddr_in a;
	DWORD tmo = RECV_TMO_MS, ret;
	GUID rid = WSAID_WSARECVMSG, sid = WSAID_WSASENDMSG;
	SOCKET s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((u_short)port);
	inet_pton(AF_INET, "198.18.0.2", &a.sin_addr);
	if (s == INVALID_SOCKET || bind(s, (struct sockaddr *)&a,
			sizeof(a)) != 0 || setsockopt(s, SOL_SOCKET,
			SO_RCVTIMEO, (const char *)&tmo, sizeof(tmo)) != 0 ||
			WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &rid,
			sizeof(rid), &recvmsg_fn, sizeof(recvmsg_fn), &ret,
			NULL, NULL) != 0 ||
			WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &sid,
			sizeof(sid), &sendmsg_fn, sizeof(sendmsg_fn), &ret,
			NULL, NULL) != 0) {
		fprintf(stderr, "wststamp: socket %u: %d\n", port,
			WSAGetLastError());
		return INVALID_SOCKET;
	}
	return s;
}

static int
configure(SOCKET a, SOCKET b, enum setting st)
{
	TIMESTAMPING_CONFIG ca = { .Flags = st == RXTX ? TIMESTAMPING_FLAG_TX :
		0, .TxTimestampsBuffered = 16 };
	TIMESTAMPING_CONFIG cb = { .Flags = st == OFF ? 0 :
		TIMESTAMPING_FLAG_RX };
	DWORD ret;

	return WSAIoctl(a, SIO_TIMESTAMPING, &ca, sizeof(ca), NULL, 0, &ret,
		NULL, NULL) | WSAIoctl(b, SIO_TIMESTAMPING, &cb, sizeof(cb),
		NULL, 0, &ret, NULL, NULL);
}

struct run {
	SOCKET a, b;
	struct sockaddr_in to_b;
	uint32_t id;
	struct pf_samples per[NB_SETTINGS];	/* TSC ticks per datagram */
	struct pf_samples s2stamp, stamp2app;
	unsigned long outside;		/* stamps outside their window */
};

/* One datagram A -> B under setting st; 0, or -1 (lost / failed). */
static int
one(struct run *r, enum setting st)
{
	char data[64], ctl[WSA_CMSG_SPACE(sizeof(uint64_t))];
	char sctl[WSA_CMSG_SPACE(sizeof(uint32_t))];
	WSABUF sb = { sizeof(data), data }, rb = { sizeof(data), data };
	WSAMSG sm = { .name = (struct sockaddr *)&r->to_b,
		.namelen = sizeof(r->to_b), .lpBuffers = &sb,
		.dwBufferCount = 1 };
	WSAMSG rm = { .lpBuffers = &rb, .dwBufferCount = 1,
		.Control = { sizeof(ctl), ctl } };
	uint64_t t0, q0, q1, ts = 0, tx;
	DWORD n;
	WSACMSGHDR *c;

	memset(data, 0x5a, sizeof(data));
	if (st == RXTX) {
		c = (WSACMSGHDR *)sctl;
		memset(sctl, 0, sizeof(sctl));
		c->cmsg_len = WSA_CMSG_LEN(sizeof(uint32_t));
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SO_TIMESTAMP_ID;
		memcpy(WSA_CMSG_DATA(c), &r->id, sizeof(r->id));
		sm.Control = (WSABUF){ sizeof(sctl), sctl };
	}
	t0 = pf_tsc();
	q0 = qpc();
	if (sendmsg_fn(r->a, &sm, 0, &n, NULL, NULL) != 0 ||
			recvmsg_fn(r->b, &rm, &n, NULL, NULL) != 0)
		return -1;
	q1 = qpc();
	if (st == RXTX) {
		DWORD ret;
		uint64_t end = t0 + (uint64_t)(pf_tsc_hz() / 10);

		while (WSAIoctl(r->a, SIO_GET_TX_TIMESTAMP, &r->id,
				sizeof(r->id), &tx, sizeof(tx), &ret, NULL,
				NULL) != 0)
			if (WSAGetLastError() != WSAEWOULDBLOCK ||
					pf_tsc() > end)
				return -1;
		r->id++;
	}
	pf_samples_add(&r->per[st], pf_tsc() - t0);
	if (st != RX)
		return 0;
	c = WSA_CMSG_FIRSTHDR(&rm);
	if (c == NULL || c->cmsg_type != SO_TIMESTAMP)
		return -1;
	memcpy(&ts, WSA_CMSG_DATA(c), sizeof(ts));
	if (ts < q0 || ts > q1) {
		r->outside++;
		return 0;
	}
	/* Samples are TSC ticks (pf_lat_compute); QPC is in ns here. */
	pf_samples_add(&r->s2stamp, (uint64_t)((double)(ts - q0) *
		pf_tsc_hz() / 1e9));
	pf_samples_add(&r->stamp2app, (uint64_t)((double)(q1 - ts) *
		pf_tsc_hz() / 1e9));
	return 0;
}

/* One TSC read (rdtsc alone, as rte_rdtsc; pf_tsc adds a fence): the
 * lcore's part per RX burst while receive timestamps are on. The best
 * of 200 blocks of 1000, so preemption on a shared machine stays out. */
static double
tsc_read_ns(void)
{
	volatile uint64_t sink;
	uint64_t best = UINT64_MAX;

	for (int b = 0; b < 200; b++) {
		uint64_t t0 = pf_tsc();

		for (int i = 0; i < 1000; i++)
			sink = __builtin_ia32_rdtsc();
		if (pf_tsc() - t0 < best)
			best = pf_tsc() - t0;
	}
	(void)sink;
	return (double)best * 1e9 / pf_tsc_hz() / 1000;
}

static int
write_results(struct run *r, unsigned long lost)
{
	char kv[2048] = "", name[256];
	struct pf_out d = o.out;
	struct pf_lat l;
	double ns[NB_SETTINGS];

	/* Medians: this machine's CPUs are shared, and a mean is the
	 * scheduler's figure more than ours. */
	for (int i = 0; i < NB_SETTINGS; i++) {
		pf_lat_compute(&r->per[i], &l);
		ns[i] = l.n == 0 ? 0 : l.p50;
	}
	pf_kv(kv, sizeof(kv), "kind", "tstamp");
	for (int i = 0; i < NB_SETTINGS; i++) {
		char k[64];

		snprintf(k, sizeof(k), "%s_ns_per_dgram", setting_name[i]);
		pf_kv(kv, sizeof(kv), k, "%.1f", ns[i]);
		snprintf(k, sizeof(k), "%s_dgrams", setting_name[i]);
		pf_kv(kv, sizeof(kv), k, "%zu", r->per[i].n);
	}
	pf_kv(kv, sizeof(kv), "rx_cost_ns", "%.1f", ns[RX] - ns[OFF]);
	pf_kv(kv, sizeof(kv), "rxtx_cost_ns", "%.1f", ns[RXTX] - ns[OFF]);
	pf_kv(kv, sizeof(kv), "tsc_read_ns", "%.1f", tsc_read_ns());
	pf_kv(kv, sizeof(kv), "lost", "%lu", lost);
	pf_kv(kv, sizeof(kv), "stamps_outside_window", "%lu", r->outside);
	pf_kv(kv, sizeof(kv), "source", "software (lcore TSC per burst)");
	printf("%s: ns/datagram p50 off %.0f rx %.0f rxtx %.0f\n", o.out.name,
		ns[OFF], ns[RX], ns[RXTX]);
	if (pf_write_kv(&o.out, kv) != 0)
		return -1;
	snprintf(name, sizeof(name), "%s_send_to_stamp", o.out.name);
	d.name = name;
	pf_lat_compute(&r->s2stamp, &l);
	if (l.n == 0 || pf_write_dist(&d, &r->s2stamp, &l, "tstamp_dist",
			"t", NULL) != 0)
		return -1;
	snprintf(name, sizeof(name), "%s_stamp_to_app", o.out.name);
	pf_lat_compute(&r->stamp2app, &l);
	return l.n == 0 ? -1 : pf_write_dist(&d, &r->stamp2app, &l,
		"tstamp_dist", "t", NULL);
}

static int
run(void)
{
	struct run r = { .id = 1 };
	uint64_t end;
	unsigned long lost = 0, done = 0;
	int ret = -1;

	r.a = udp_socket(PORT);
	r.b = udp_socket(PORT + 1);
	memset(&r.to_b, 0, sizeof(r.to_b));
	r.to_b.sin_family = AF_INET;
	r.to_b.sin_port = htons(PORT + 1);
	inet_pton(AF_INET, "198.18.0.2", &r.to_b.sin_addr);
	if (r.a == INVALID_SOCKET || r.b == INVALID_SOCKET ||
			pf_samples_init(&r.per[OFF], o.iters) != 0 ||
			pf_samples_init(&r.per[RX], o.iters) != 0 ||
			pf_samples_init(&r.per[RXTX], o.iters) != 0 ||
			pf_samples_init(&r.s2stamp, o.iters) != 0 ||
			pf_samples_init(&r.stamp2app, o.iters) != 0)
		goto out;
	/* Warm-up: one block of each, not counted. */
	for (int st = 0; st < NB_SETTINGS; st++) {
		if (configure(r.a, r.b, (enum setting)st) != 0)
			goto out;
		for (int i = 0; i < BLOCK; i++)
			(void)one(&r, (enum setting)st);
	}
	for (int st = 0; st < NB_SETTINGS; st++)
		r.per[st].n = 0;
	r.s2stamp.n = 0;
	r.stamp2app.n = 0;
	r.outside = 0;
	end = pf_tsc() + (uint64_t)(pf_tsc_hz() * o.seconds);
	while (done < o.iters && pf_tsc() < end) {
		for (int st = 0; st < NB_SETTINGS; st++) {
			if (configure(r.a, r.b, (enum setting)st) != 0)
				goto out;
			for (int i = 0; i < BLOCK; i++)
				if (one(&r, (enum setting)st) != 0)
					lost++;
		}
		done += BLOCK;
	}
	ret = write_results(&r, lost);
out:
	for (int st = 0; st < NB_SETTINGS; st++)
		pf_samples_free(&r.per[st]);
	pf_samples_free(&r.s2stamp);
	pf_samples_free(&r.stamp2app);
	if (r.a != INVALID_SOCKET)
		closesocket(r.a);
	if (r.b != INVALID_SOCKET)
		closesocket(r.b);
	return ret;
}

int
main(int argc, char **argv)
{
	WSADATA wd;
	const char *v;
	int ret;

	for (int i = 1; i < argc; i++) {
		if ((v = pf_arg(argc, argv, &i, "--cpu")) != NULL)
			o.cpu = atoi(v);
		else if ((v = pf_arg(argc, argv, &i, "--iters")) != NULL)
			o.iters = strtoul(v, NULL, 10);
		else if ((v = pf_arg(argc, argv, &i, "--seconds")) != NULL)
			o.seconds = (unsigned int)atoi(v);
		else if ((v = pf_arg(argc, argv, &i, "--out")) != NULL)
			o.out.dir = v;
		else if ((v = pf_arg(argc, argv, &i, "--name")) != NULL)
			o.out.name = v;
		else {
			fprintf(stderr, "usage: wststamp [--cpu N] [--iters N]"
				" [--seconds S] [--out DIR] [--name NAME]\n");
			return 2;
		}
	}
	if (pf_pin(o.cpu) != 0)
		return 1;
	pf_tsc_hz();
	ret = WSAStartup(MAKEWORD(2, 2), &wd);
	if (ret != 0) {
		fprintf(stderr, "wststamp: WSAStartup: %d\n", ret);
		return 1;
	}
	ret = run();
	if (WSACleanup() != 0)
		ret = -1;
	return ret == 0 ? 0 : 1;
}
