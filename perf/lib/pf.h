/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pf: what every benchmark program shares -- the TSC clock, CPU pinning,
 * latency samples and the files the report is built from.
 *
 * Plain C types only, like tests/lib/wt.h: the Winsock benchmark apps
 * (which include ws2.h and must never see <sys/socket.h>) and the kernel
 * and raw-DPDK baselines use the same code, so every figure in a report
 * is computed the same way.
 *
 * Output of one measurement NAME in directory DIR:
 *   DIR/NAME.summary   key=value lines (what the report table shows)
 *   DIR/NAME.cdf.csv   quantile,ns (the CDF plot), distributions only
 * Latency samples are round trips in nanoseconds; one-way (RTT/2, as
 * sockperf reports) is derived by the report.
 *
 * Threading: pf_samples is owned by one thread; the rest is reentrant.
 */
#ifndef _PF_H_
#define _PF_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- clock and CPUs (pf_os_posix.c) ---- */

/*
 * The TSC behind a full fence, as rte_rdtsc_precise() reads it: no load
 * or store of the measured code moves across the read.
 */
static inline uint64_t
pf_tsc(void)
{
#if defined(__x86_64__) || defined(__i386__)
	uint32_t lo, hi;

	__asm__ __volatile__("mfence\n\trdtsc" : "=a"(lo), "=d"(hi) : :
		"memory");
	return (uint64_t)hi << 32 | lo;
#else
#error "pf_tsc: only x86 is measured so far"
#endif
}

/* TSC ticks per second, calibrated once against the monotonic clock. */
double pf_tsc_hz(void);

/* Monotonic wall clock in nanoseconds. */
uint64_t pf_now_ns(void);

/* Pin the calling thread to one CPU; 0 or -1 (message printed). */
int pf_pin(int cpu);

/* Sleep that signals cannot cut short (the tap PMD signals on RX). */
void pf_sleep_ms(unsigned int ms);

/* CPU seconds (user + system) of all this process's threads so far:
 * goodput per core divides by its growth over the measured window. */
double pf_cpu_s(void);

/* ---- latency samples (pf_stats.c) ---- */

struct pf_samples {
	uint64_t *tsc;		/* round trips in TSC ticks */
	size_t n, cap;
	uint64_t lost;		/* round trips that timed out */
};

int pf_samples_init(struct pf_samples *s, size_t cap);
void pf_samples_free(struct pf_samples *s);

static inline void
pf_samples_add(struct pf_samples *s, uint64_t ticks)
{
	if (s->n < s->cap)
		s->tsc[s->n++] = ticks;
}

struct pf_lat {
	size_t n;
	uint64_t lost;
	double min, p50, p90, p99, p999, p9999, max, mean;	/* ns */
};

/* Sort the samples and compute the summary (nanoseconds). */
void pf_lat_compute(struct pf_samples *s, struct pf_lat *out);

/* ---- result files (pf_stats.c) ---- */

/* Where results go: --out DIR and --name NAME of every program. */
struct pf_out {
	const char *dir;
	const char *name;
};

/*
 * Write DIR/NAME.summary with the latency summary and DIR/NAME.cdf.csv
 * from sorted samples (after pf_lat_compute), then append the extra
 * key=value lines (may be NULL). Also prints one line to stdout.
 */
int pf_write_lat(const struct pf_out *o, struct pf_samples *s,
		const struct pf_lat *l, const char *extra);

/*
 * The same for any distribution: keys "<what>_p50_ns" ..., kind=<kind>
 * (pf_write_lat is kind "latency", what "rtt").
 */
int pf_write_dist(const struct pf_out *o, struct pf_samples *s,
		const struct pf_lat *l, const char *kind, const char *what,
		const char *extra);

/* Write DIR/NAME.summary from key=value lines (throughput, lifecycle). */
int pf_write_kv(const struct pf_out *o, const char *kv);

/* Append "key=value\n" to a growing buffer (bounded, truncates). */
void pf_kv(char *buf, size_t len, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Append "at<cycle>_{hugetlb_kb,rss_kb,fds,threads}" for this process
 * (lifecycle checkpoints; pf_proc.c, through tests/lib's wt_proc_read). */
void pf_checkpoint(char *kv, size_t len, unsigned long cycle);

/* ---- the provider's telemetry (pf_proc.c) ---- */

/* Its prefix: --file-prefix in WSPDK_EAL_ARGS, or wspdk<pid>. */
const char *pf_tel_prefix(void);

/* One number of /wspdk/stats (0 and -1 when unreadable). */
int pf_stat_read(const char *key, uint64_t *v);

/* Every counter of /wspdk/stats as "stat_<name>=<n>" lines (the report
 * shows those that moved). */
void pf_stat_all(char *kv, size_t len);

/* ---- command lines ---- */

/* Value of "--key=value" or "--key value" at argv[*i]; NULL if not key. */
const char *pf_arg(int argc, char **argv, int *i, const char *key);

/* A table of options: "--key value", "--key=value" or a bare flag. */
enum pf_opt_type { PF_STR, PF_INT, PF_UINT, PF_ULONG, PF_FLAG };

struct pf_opt {
	const char *key;	/* NULL ends the table */
	enum pf_opt_type type;
	void *ptr;		/* const char *, int, unsigned, ulong, bool */
};

/* Set each option argv names; -1 on one the table does not know (the
 * caller prints its usage). */
int pf_parse(int argc, char **argv, const struct pf_opt *opts);

#endif /* _PF_H_ */
