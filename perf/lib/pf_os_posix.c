/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The clock and CPU bits of pf on Linux. A Windows build of the Winsock
 * benchmark apps would supply the same functions from
 * QueryPerformanceFrequency, SetThreadAffinityMask and Sleep.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "pf.h"

uint64_t
pf_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void
pf_sleep_ms(unsigned int ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000
	};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/*
 * Ticks per second over a 100 ms window of the raw monotonic clock: good
 * to ~1e-5, far below the run-to-run noise of this kind of machine.
 */
double
pf_tsc_hz(void)
{
	static double hz;
	uint64_t t0, c0, t1, c1;

	if (hz != 0)
		return hz;
	t0 = pf_now_ns();
	c0 = pf_tsc();
	do {
		t1 = pf_now_ns();
	} while (t1 - t0 < 100000000ull);
	c1 = pf_tsc();
	hz = (double)(c1 - c0) * 1e9 / (double)(t1 - t0);
	return hz;
}

int
pf_pin(int cpu)
{
	cpu_set_t set;
	int ret;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	ret = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	if (ret != 0) {
		fprintf(stderr, "pf: cannot pin to CPU %d: %s\n", cpu,
			strerror(ret));
		return -1;
	}
	return 0;
}

/* CPU seconds (user + system) of every thread of this process so far. */
double
pf_cpu_s(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
		(double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}
