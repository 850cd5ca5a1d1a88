/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * kudp: the loop scenario's pattern on the Linux kernel's UDP sockets
 * (a separate program: Winsock programs may not include <sys/socket.h>).
 * One thread ping-pongs a datagram between two of its own sockets on
 * 127.0.0.1, exactly as wsperf --mode loop does over the provider:
 * A -> B -> A is one round trip.
 *
 *   kudp --recv busy|block [--out DIR] [--name N] [--iters N]
 *        [--warmup N] [--seconds S] [--size B] [--cpu N] [--port P]
 *
 * busy: non-blocking sockets, recv polled until data (sockperf
 * --nonblocked); block: blocking recv with SO_RCVTIMEO. With a single
 * thread the loopback delivers inside sendto(), so a blocking recv finds
 * its datagram already queued: the two differ by the syscall path only.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "pf.h"

#define TIMEOUT_MS	200

static struct {
	struct pf_out out;
	unsigned long iters, warmup;
	unsigned int seconds, size, port;
	int cpu;
	bool busy;
} o = {
	.out = { .dir = ".", .name = "kudp" }, .iters = 100000,
	.warmup = 10000, .seconds = 30, .size = 64, .port = 0, .cpu = 0,
	.busy = true,
};

/* A socket bound to 127.0.0.1:port (0: an ephemeral port, so two runs
 * at once never meet); *name is where it is bound. */
static int
udp_socket(unsigned int port, struct sockaddr_in *name)
{
	socklen_t len = sizeof(*name);
	struct sockaddr_in a = { .sin_family = AF_INET,
		.sin_port = htons((uint16_t)port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct timeval tv = { .tv_sec = 0, .tv_usec = TIMEOUT_MS * 1000 };
	int s = socket(AF_INET, SOCK_DGRAM | (o.busy ? SOCK_NONBLOCK : 0), 0);

	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) != 0 ||
			setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv,
			sizeof(tv)) != 0 || getsockname(s,
			(struct sockaddr *)name, &len) != 0) {
		perror("kudp: socket");
		return -1;
	}
	return s;
}

static int
recv_until(int s, char *buf, uint64_t seq, uint64_t deadline)
{
	for (unsigned int k = 0;; k++) {
		ssize_t n = recv(s, buf, o.size, 0);

		if (n >= 8 && memcmp(buf, &seq, 8) == 0)
			return (int)n;
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		if ((k & 1023) == 0 && pf_tsc() > deadline)
			return -1;
	}
}

static int
round_trip(int a, int b, const struct sockaddr_in *ta,
		const struct sockaddr_in *tb, char *buf, uint64_t seq)
{
	uint64_t deadline = pf_tsc() + (uint64_t)(pf_tsc_hz() * TIMEOUT_MS /
		1000);

	memcpy(buf, &seq, 8);
	if (sendto(a, buf, o.size, 0, (const struct sockaddr *)tb,
			sizeof(*tb)) != (ssize_t)o.size ||
			recv_until(b, buf, seq, deadline) < 0 ||
			sendto(b, buf, o.size, 0, (const struct sockaddr *)ta,
			sizeof(*ta)) != (ssize_t)o.size ||
			recv_until(a, buf, seq, deadline) < 0)
		return -1;
	return 0;
}

static void
parse(int argc, char **argv)
{
	const char *v;

	for (int i = 1; i < argc; i++) {
		if ((v = pf_arg(argc, argv, &i, "--out")) != NULL)
			o.out.dir = v;
		else if ((v = pf_arg(argc, argv, &i, "--name")) != NULL)
			o.out.name = v;
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
		else if ((v = pf_arg(argc, argv, &i, "--cpu")) != NULL)
			o.cpu = atoi(v);
		else if ((v = pf_arg(argc, argv, &i, "--recv")) != NULL)
			o.busy = strcmp(v, "busy") == 0;
		else {
			fprintf(stderr, "usage: kudp --recv busy|block [--out "
				"DIR] [--name N] [--iters N] [--warmup N] "
				"[--seconds S] [--size B] [--cpu N] "
				"[--port P]\n");
			exit(2);
		}
	}
	if (o.size < 8 || o.size > 1472)
		exit(2);
}

int
main(int argc, char **argv)
{
	struct sockaddr_in ta, tb;
	struct pf_samples s;
	struct pf_lat l;
	char buf[2048], kv[1024] = "";
	uint64_t end, seq = 1;
	int a, b, ret;

	parse(argc, argv);
	if (pf_pin(o.cpu) != 0 || pf_samples_init(&s, o.iters) != 0)
		return 1;
	a = udp_socket(o.port, &ta);
	b = udp_socket(o.port != 0 ? o.port + 1 : 0, &tb);
	if (a < 0 || b < 0)
		return 1;
	memset(buf, 0xa5, sizeof(buf));
	end = pf_tsc() + (uint64_t)(pf_tsc_hz() * o.seconds);
	for (unsigned long i = 0; i < o.warmup && pf_tsc() < end; i++)
		round_trip(a, b, &ta, &tb, buf, seq++);
	while (s.n < o.iters && pf_tsc() < end) {
		uint64_t t0 = pf_tsc();

		if (round_trip(a, b, &ta, &tb, buf, seq++) != 0) {
			s.lost++;
			continue;
		}
		pf_samples_add(&s, pf_tsc() - t0);
	}
	pf_lat_compute(&s, &l);
	pf_kv(kv, sizeof(kv), "mode", "kernel loop");
	pf_kv(kv, sizeof(kv), "payload_bytes", "%u", o.size);
	pf_kv(kv, sizeof(kv), "app_cpu", "%d", o.cpu);
	pf_kv(kv, sizeof(kv), "recv", "%s", o.busy ?
		"non-blocking busy poll" : "blocking");
	ret = pf_write_lat(&o.out, &s, &l, kv);
	close(a);
	close(b);
	pf_samples_free(&s);
	return ret == 0 && l.n != 0 ? 0 : 1;
}
