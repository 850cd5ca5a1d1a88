/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wscycle: the provider's lifecycle as an application sees it.
 *
 *   1. time to first socket: WSAStartup (EAL init included, the first
 *      time in the process) until a UDP socket is bound; then WSACleanup;
 *   2. --cycles N WSAStartup/WSACleanup pairs on the configured device
 *      (the runner uses the in-memory ring port, WSPDK_DEVICE=loop), each
 *      timed, with what the process holds (own hugepages, RSS, fds,
 *      threads) after cycle 1, N/10 and N -- or after the last cycle that
 *      fitted in --seconds, which the summary then says (cycles < planned).
 *
 * perf/base/rawdpdk.c --mode cycle does the same device cycle with bare
 * DPDK calls in its own process: the baseline.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf.h"
#include "wt.h"
#include "ws2.h"

/* WSAStartup until a socket is bound: what an application waits for. */
static int
first_socket(char *kv, size_t len)
{
	struct sockaddr_in a;
	WSADATA wd;
	uint64_t t0 = pf_now_ns(), t1, t2;
	SOCKET s;
	int ret;

	ret = WSAStartup(MAKEWORD(2, 2), &wd);
	t1 = pf_now_ns();
	if (ret != 0) {
		fprintf(stderr, "wscycle: WSAStartup: %d\n", ret);
		return -1;
	}
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(7000);
	s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
	if (s == INVALID_SOCKET ||
			bind(s, (struct sockaddr *)&a, sizeof(a)) != 0) {
		fprintf(stderr, "wscycle: first socket: %d\n",
			WSAGetLastError());
		WSACleanup();
		return -1;
	}
	t2 = pf_now_ns();
	closesocket(s);
	pf_kv(kv, len, "first_startup_ms", "%.2f", (double)(t1 - t0) / 1e6);
	pf_kv(kv, len, "time_to_first_socket_ms", "%.2f",
		(double)(t2 - t0) / 1e6);
	printf("time to first socket %.1f ms (WSAStartup %.1f ms, EAL init "
		"included)\n", (double)(t2 - t0) / 1e6,
		(double)(t1 - t0) / 1e6);
	return WSACleanup() == 0 ? 0 : -1;
}

/* n cycles, or as many as fit in the time budget (then said so). */
static int
cycles(unsigned long n, unsigned int seconds, struct pf_samples *s, char *kv,
		size_t len)
{
	uint64_t t0 = pf_now_ns(), end = t0 + seconds * 1000000000ull, c0;
	uint64_t failed = 0;
	unsigned long i;
	WSADATA wd;

	for (i = 1; i <= n && pf_now_ns() < end; i++) {
		c0 = pf_tsc();
		if (WSAStartup(MAKEWORD(2, 2), &wd) != 0 || WSACleanup() != 0) {
			failed++;
			continue;
		}
		pf_samples_add(s, pf_tsc() - c0);
		if (i == 1 || i == n / 10 || i == n)
			pf_checkpoint(kv, len, i);
	}
	if (--i < n) {
		pf_checkpoint(kv, len, i);
		fprintf(stderr, "wscycle: time budget (%u s) spent after %lu "
			"of %lu cycles\n", seconds, i, n);
	}
	pf_kv(kv, len, "cycles", "%lu", i);
	pf_kv(kv, len, "cycles_planned", "%lu", n);
	pf_kv(kv, len, "cycles_failed", "%llu", (unsigned long long)failed);
	pf_kv(kv, len, "cycles_per_s", "%.1f", (double)i * 1e9 /
		(double)(pf_now_ns() - t0));
	pf_kv(kv, len, "checkpoints", "1,%lu,%lu", n / 10, i);
	return failed == 0 ? 0 : -1;
}

int
main(int argc, char **argv)
{
	struct pf_out out = { .dir = ".", .name = "wscycle" };
	unsigned long n = 10000;
	unsigned int seconds = 600;
	struct pf_samples s;
	struct pf_lat l;
	char kv[4096] = "";
	const char *v;
	int ret;

	for (int i = 1; i < argc; i++) {
		if ((v = pf_arg(argc, argv, &i, "--out")) != NULL)
			out.dir = v;
		else if ((v = pf_arg(argc, argv, &i, "--name")) != NULL)
			out.name = v;
		else if ((v = pf_arg(argc, argv, &i, "--cycles")) != NULL)
			n = strtoul(v, NULL, 10);
		else if ((v = pf_arg(argc, argv, &i, "--seconds")) != NULL)
			seconds = (unsigned int)atoi(v);
		else if ((v = pf_arg(argc, argv, &i, "--cpu")) != NULL)
			pf_pin(atoi(v));
		else {
			fprintf(stderr, "usage: wscycle [--out DIR] [--name N] "
				"[--cycles N] [--seconds S] [--cpu N]\n");
			return 2;
		}
	}
	if (n < 10 || pf_samples_init(&s, n) != 0)
		return 2;
	pf_tsc_hz();
	if (first_socket(kv, sizeof(kv)) != 0)
		return 1;
	ret = cycles(n, seconds, &s, kv, sizeof(kv));
	pf_lat_compute(&s, &l);
	pf_kv(kv, sizeof(kv), "device", "%s", getenv("WSPDK_DEVICE") != NULL ?
		getenv("WSPDK_DEVICE") : "default");
	if (pf_write_dist(&out, &s, &l, "lifecycle", "cycle", kv) != 0)
		ret = -1;
	pf_samples_free(&s);
	return ret == 0 ? 0 : 1;
}
