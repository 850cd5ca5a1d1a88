/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dataplane's OS seam: the few calls that differ between Linux
 * (dp_os_linux.c) and Windows (dp_os_windows.c). Nothing else in
 * dataplane/ calls the OS directly.
 */
#ifndef _DP_OS_H_
#define _DP_OS_H_

#include <stdbool.h>
#include <stdint.h>

/*
 * Whether path is a directory on a mounted hugetlbfs (EAL's --huge-dir):
 * EAL creates and deletes page files there, so any other directory is
 * refused. Always false where EAL has no --huge-dir (Windows).
 */
bool dp_os_is_hugetlbfs(const char *path);

/*
 * The EAL options that make it leave nothing behind on this OS (memory
 * mode, file naming), written into out[] (NUL-terminated strings of 64
 * bytes). prefix: our file prefix; no_huge: the user asked for --no-huge.
 * Returns how many.
 */
unsigned int dp_os_eal_mode_args(const char *prefix, bool no_huge,
		char out[][64], unsigned int max);

/* Run fn(arg) on a new thread and wait for it to return. */
int dp_os_run_thread(void (*fn)(void *), void *arg);

/* CPUs the process may run on, ascending; returns how many (<= max). */
unsigned int dp_os_cpus_allowed(uint16_t *cpus, unsigned int max);

/* CPUs the machine has (highest id + 1). */
unsigned int dp_os_cpu_count(void);

/*
 * Have fn(value) called when the calling thread exits (value != NULL).
 * One hook per process (the first fn given); a thread's later call
 * replaces its value. Returns 0, or -1 if the OS gave no hook.
 */
int dp_os_thread_exit_set(void (*fn)(void *), void *value);

long dp_os_pid(void);

/* Remove an empty directory; errors are ignored. */
void dp_os_rmdir(const char *path);

/*
 * Sleep while *addr == val, at most timeout_us (< 0: no limit). Returns
 * 0 when woken or the value changed, -ETIMEDOUT; spurious returns are
 * allowed, callers re-check.
 */
int dp_os_wait(uint32_t *addr, uint32_t val, int64_t timeout_us);

/* Wake every thread sleeping on addr. */
void dp_os_wake_all(uint32_t *addr);

/*
 * An idle lcore's doorbell (dp_lcore_sleep.c): Linux an eventfd; -1
 * where the OS gives none (Windows: lcores never sleep there).
 */
int dp_os_bell_open(void);
void dp_os_bell_close(int bell);
void dp_os_bell_ring(int bell);

#define DP_OS_WOKE_BELL	0x1	/* the bell rang (it is drained) */
#define DP_OS_WOKE_FD	0x2	/* fd is readable */

/*
 * Sleep until bell rings, fd (>= 0; -1 none) is readable or timeout_us
 * passed; DP_OS_WOKE_* bits, 0 on the timeout (or an interruption).
 */
unsigned int dp_os_bell_sleep(int bell, int fd, uint64_t timeout_us);

/* Monotonic clock, microseconds. */
uint64_t dp_os_now_us(void);

/*
 * The OS performance counter packet timestamps are given in, and its
 * ticks per second: QueryPerformanceCounter/Frequency on Windows; on
 * Linux CLOCK_MONOTONIC_RAW in ns, which is what the Ws2_32 stand-in's
 * QueryPerformanceCounter returns (tests/ws2).
 */
uint64_t dp_os_pc(void);
uint64_t dp_os_pc_hz(void);

#endif /* _DP_OS_H_ */
