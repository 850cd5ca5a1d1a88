/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * uk_kecho: the kernel's half of the round-trip measurement
 * (test_uk_rtt.c), on plain Linux sockets, in C so that the kernel peer
 * costs the same on both paths being compared.
 *
 *   uk_kecho client <ip> <port> <count> <warmup> <size>
 *       ping-pong count (+ warmup, neither measured nor counted as lost)
 *       datagrams of size bytes;
 *       prints "RTT n=.. lost=.. median_ns=.. p99_ns=.. min_ns=.. max_ns=.."
 *   uk_kecho netns-server <ifname> <cidr> <port> <count> <secs>
 *       moves into a network namespace of its own, prints "NETNS pid=..",
 *       waits for <ifname> to be moved in, configures it, prints "READY",
 *       then echoes count datagrams (or stops after secs).
 *
 * Every wait is bounded; the namespace dies with the process.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wt.h"

#define RECV_TIMEOUT_MS	1000

static int
udp_socket(const char *ip, uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
		.sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0)
		return -1;
	inet_pton(AF_INET, ip, &a.sin_addr);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
wait_readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int r;

	do {
		r = poll(&p, 1, ms);
	} while (r < 0 && errno == EINTR);
	return r;
}

static int
client(const char *ip, unsigned int port, unsigned int count,
		unsigned int warmup, unsigned int size)
{
	struct sockaddr_in to = { .sin_family = AF_INET,
		.sin_port = htons((uint16_t)port) };
	double *rtt = calloc(count, sizeof(*rtt));
	char buf[2048], back[2048];
	unsigned int n = 0, lost = 0;
	int fd = udp_socket("0.0.0.0", 0);

	if (fd < 0 || rtt == NULL || size > sizeof(buf)) {
		printf("RTT error=setup\n");
		return 1;
	}
	inet_pton(AF_INET, ip, &to.sin_addr);
	if (connect(fd, (struct sockaddr *)&to, sizeof(to)) != 0) {
		printf("RTT error=connect\n");
		return 1;
	}
	for (unsigned int i = 0; i < warmup + count; i++) {
		uint64_t t0;
		ssize_t r;

		memset(buf, (int)(i & 0xff), size);
		memcpy(buf, &i, size >= sizeof(i) ? sizeof(i) : 0);
		t0 = wt_now_ns();
		if (send(fd, buf, size, 0) != (ssize_t)size) {
			lost += i >= warmup;
			continue;
		}
		/* Skip stale replies to a datagram already given up on. */
		for (;;) {
			if (wait_readable(fd, RECV_TIMEOUT_MS) <= 0) {
				r = -1;
				break;
			}
			r = recv(fd, back, sizeof(back), 0);
			if (r == (ssize_t)size && memcmp(back, buf, size) == 0)
				break;
		}
		if (r < 0) {
			/* Warm-up covers a link still coming up. */
			lost += i >= warmup;
			continue;
		}
		if (i >= warmup)
			rtt[n++] = (double)(wt_now_ns() - t0);
	}
	if (n == 0) {
		printf("RTT n=0 lost=%u\n", lost);
		return 1;
	}
	printf("RTT n=%u lost=%u median_ns=%.0f p99_ns=%.0f min_ns=%.0f "
		"max_ns=%.0f\n", n, lost, wt_percentile(rtt, n, 50),
		wt_percentile(rtt, n, 99), wt_percentile(rtt, n, 0),
		wt_percentile(rtt, n, 100));
	free(rtt);
	close(fd);
	return 0;
}

static int
echo(int fd, unsigned int count, unsigned int secs)
{
	uint64_t deadline = wt_now_ns() + (uint64_t)secs * 1000000000ull;
	char buf[2048];
	unsigned int done = 0;

	while (done < count && wt_now_ns() < deadline) {
		struct sockaddr_in from;
		socklen_t flen = sizeof(from);
		ssize_t r;

		if (wait_readable(fd, 100) <= 0)
			continue;
		r = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from,
			&flen);
		if (r < 0)
			continue;
		sendto(fd, buf, (size_t)r, 0, (struct sockaddr *)&from, flen);
		done++;
	}
	printf("ECHOED n=%u\n", done);
	return done == count ? 0 : 1;
}

static int
netns_server(const char *ifname, const char *cidr, unsigned int port,
		unsigned int count, unsigned int secs)
{
	int fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (unshare(CLONE_NEWNET) != 0) {
		printf("ERROR unshare: %s\n", strerror(errno));
		return 1;
	}
	printf("NETNS pid=%ld\n", (long)getpid());
	if (wt_wait_ifname(ifname, 10000) != 0) {
		printf("ERROR %s never arrived\n", ifname);
		return 1;
	}
	if (wt_sh("ip link set lo up && ip addr add %s dev %s && "
			"ip link set %s up", cidr, ifname, ifname) != 0) {
		printf("ERROR cannot configure %s\n", ifname);
		return 1;
	}
	fd = udp_socket("0.0.0.0", (uint16_t)port);
	if (fd < 0) {
		printf("ERROR bind\n");
		return 1;
	}
	printf("READY\n");
	return echo(fd, count, secs);
}

int
main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 7 && strcmp(argv[1], "client") == 0)
		return client(argv[2], (unsigned int)atoi(argv[3]),
			(unsigned int)atoi(argv[4]),
			(unsigned int)atoi(argv[5]),
			(unsigned int)atoi(argv[6]));
	if (argc == 7 && strcmp(argv[1], "netns-server") == 0)
		return netns_server(argv[2], argv[3],
			(unsigned int)atoi(argv[4]),
			(unsigned int)atoi(argv[5]),
			(unsigned int)atoi(argv[6]));
	fprintf(stderr, "usage: uk_kecho client <ip> <port> <count> <warmup> "
		"<size>\n       uk_kecho netns-server <ifname> <cidr> <port> "
		"<count> <secs>\n");
	return 2;
}
