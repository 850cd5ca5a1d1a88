/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wt: test-bed helpers shared by the integration tests and perf apps.
 *
 * This header uses plain C types only, so Winsock programs (which include
 * ws2.h and therefore must not see <sys/socket.h>) can use it; the
 * implementation lives in its own translation units.
 *
 * Every helper that changes the machine (namespace, hugepages, child
 * processes) undoes it itself or through wt_cleanup(), which the tests
 * call at exit. Failures are loud: a helper that cannot do its job prints
 * what is missing and returns -1; it never skips.
 */
#ifndef _WT_H_
#define _WT_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- machine set-up (wt_env.c) ---- */

/*
 * Make sure at least n free 2 MB hugepages exist and hugetlbfs is
 * mounted, raising /proc/sys/vm/nr_hugepages if needed (the tests run as
 * root). Prints what is missing and returns -1 if it cannot.
 */
int wt_hugepages_reserve(unsigned int n);

/* Fail with a message unless running as root. */
int wt_require_root(const char *why);

/*
 * Move the whole process into a new network namespace of its own (call
 * before any thread exists): it dies with the process, so nothing is left
 * behind. Brings lo up and turns IPv6 off so the kernel stays quiet on
 * our taps.
 */
int wt_netns_enter(void);

/*
 * Fail with a message naming the Debian package (packages.txt) of each
 * tool missing from the blank-separated list: commands on PATH, or
 * py:<module> for a module of /usr/bin/python3. 0 if all are there.
 */
int wt_need_tools(const char *tools);

/* Run a shell command (printf-style); returns its exit status. */
int wt_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Run a shell command and capture its stdout (NUL-terminated). */
int wt_sh_out(char *out, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Configure the kernel side of our tap: its own MAC (the tap PMD copies
 * ours onto it at every probe), an address, link up.
 */
int wt_tap_kernel_up(const char *ifname, const char *mac, const char *cidr);

/* Wait (bounded) until a network interface exists. */
int wt_wait_ifname(const char *ifname, unsigned int timeout_ms);

/* Count how many of n pings (0.2 s apart, 1 s deadline each) answer. */
int wt_ping(const char *ip, unsigned int n);

/* Sleep in a way signals cannot cut short (the tap PMD signals on RX). */
void wt_sleep_ms(unsigned int ms);

/* Monotonic time in nanoseconds. */
uint64_t wt_now_ns(void);

/* ---- process figures (wt_proc.c) ---- */

struct wt_proc {
	uint64_t hugetlb_kb;	/* HugetlbPages of /proc/self/status */
	uint64_t rss_kb;	/* VmRSS */
	unsigned int fds;	/* entries in /proc/self/fd */
	unsigned int threads;	/* entries in /proc/self/task */
};

int wt_proc_read(struct wt_proc *p);

/* ---- telemetry client (wt_tel.c) ---- */

/*
 * Send one command to the DPDK telemetry socket of the process whose
 * file prefix is given, and return its JSON reply in out.
 */
int wt_tel(const char *prefix, const char *cmd, char *out, size_t len);

/* The prefix our own provider uses (wspdk<pid>). */
const char *wt_tel_prefix(void);

/* Find "key": <number> in a JSON text; returns 0 and sets *v if found. */
int wt_json_u64(const char *json, const char *key, uint64_t *v);

/* Find "key": "<string>"; copies the string into out. */
int wt_json_str(const char *json, const char *key, char *out, size_t len);

/* Count the elements of the first JSON array in the text. */
int wt_json_array_len(const char *json);

/* Read one counter of /wspdk/stats (0 if absent: the engine is down). */
uint64_t wt_stat(const char *name);

/* Read one number of /wspdk/info (lifecycle: answers while stopped too;
 * 0 if absent). */
uint64_t wt_info_u64(const char *key);

/* ---- statistics over samples (wt_stats.c) ---- */

/* Sort v in place and return the p-th percentile (0..100). */
double wt_percentile(double *v, size_t n, double p);

#endif /* _WT_H_ */
