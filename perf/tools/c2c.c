/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * c2c: the cache-line round trip between two CPUs (benchmarking.md "vCPU
 * placement flips"). Two threads pinned to --cpus A,B bounce one cache
 * line; the figure is the median of --bounces round trips, in ns.
 * On the machines this project runs on it is bimodal: "near" ~60-80 ns,
 * "far" ~330-480 ns; every cross-core figure is labelled with it.
 *
 *   c2c [--cpus 0,1] [--bounces 100000]   prints: c2c_ns=<median>
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf.h"

#define TIMEOUT_S	5

static struct {
	volatile uint64_t v;
	char pad[56];
} line __attribute__((aligned(64)));

static int cpu_b = 1;
static unsigned long bounces = 100000;
static volatile int quit;

/* B answers every odd value with the next even one. */
static void *
responder(void *arg)
{
	uint64_t want = 1;

	(void)arg;
	pf_pin(cpu_b);
	while (!quit) {
		if (line.v == want) {
			line.v = want + 1;
			want += 2;
		}
	}
	return NULL;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	int cpu_a = 0;
	uint64_t *t, end;
	unsigned long n = 0;
	pthread_t tid;
	const char *v;

	for (int i = 1; i < argc; i++) {
		if ((v = pf_arg(argc, argv, &i, "--cpus")) != NULL &&
				sscanf(v, "%d,%d", &cpu_a, &cpu_b) == 2)
			continue;
		if ((v = pf_arg(argc, argv, &i, "--bounces")) != NULL)
			bounces = strtoul(v, NULL, 10);
		else {
			fprintf(stderr, "usage: c2c [--cpus A,B] "
				"[--bounces N]\n");
			return 2;
		}
	}
	t = malloc(sizeof(*t) * (bounces ? bounces : 1));
	if (t == NULL || pf_pin(cpu_a) != 0)
		return 1;
	end = pf_tsc() + (uint64_t)(pf_tsc_hz() * TIMEOUT_S);
	if (pthread_create(&tid, NULL, responder, NULL) != 0)
		return 1;
	for (uint64_t k = 1; n < bounces && pf_tsc() < end; k += 2) {
		uint64_t t0 = pf_tsc();

		line.v = k;
		while (line.v != k + 1 && pf_tsc() < end)
			;
		t[n++] = pf_tsc() - t0;
	}
	quit = 1;
	pthread_join(tid, NULL);
	if (n < bounces) {
		fprintf(stderr, "c2c: only %lu bounces in %d s (CPU %d busy?)\n",
			n, TIMEOUT_S, cpu_b);
		printf("c2c_ns=nan\n");
		return 1;
	}
	qsort(t, n, sizeof(*t), cmp_u64);
	printf("c2c_ns=%.0f\n", (double)t[n / 2] * 1e9 / pf_tsc_hz());
	free(t);
	return 0;
}
