/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * timer: what arming, cancelling, re-arming and expiring a timer cost
 * with 100 k and 1 M timers armed, for our wheel (dataplane/dp_timer.c)
 * and DPDK's rte_timer: same workload, same run, same CPU. Issue 11
 * chooses between them by these figures.
 *
 *   timer [--rounds N] [--sizes N,N...] [--span-ms MS] [--cpu N]
 *         [--file-prefix P]
 *
 * Each timer sits in a 256-byte "connection" (both kinds in the same
 * one, as a TCB would hold it), so both pay the same cache misses. Per
 * size n and round, for each implementation (their order alternates):
 *   idle    one loop iteration's call with nothing due (TSC read
 *           included: rte_timer_manage reads it itself); for the wheel
 *           also without the read (idle_given_tsc). Measured before the
 *           fill, one timer armed an hour away: both only compare with
 *           a cached earliest expiry, however many are armed, and a
 *           slow fill must not make timers due here.
 *   fill    arm n timers, expiries uniform in [span, 2 span) from now
 *   cancel  n/10 random armed timers
 *   arm     the same n/10 again, at their expiries
 *   rearm   n/10 other random armed timers, moved span/8..span/4 later
 *   expire  one call firing all n (rte_timer runs on the TSC: this waits
 *           until every expiry has passed, then calls rte_timer_manage)
 * Figures are nanoseconds per operation, the median of the rounds; a
 * ratio is wheel / rte_timer, the median of each round's own ratio.
 * rte_timer_reset takes ticks from now, so its re-arm is relative;
 * delays of at least span/8 keep it "later".
 *
 * EAL: --no-huge --no-pci --no-telemetry, one lcore on --cpu (default:
 * the first CPU this process may use: run it under taskset), its runtime
 * directory removed at exit. Prints "key=value" lines.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_timer.h>

#include "dp_timer.h"

#define MAX_ROUNDS	32
#define MAX_SIZES	8
#define IDLE_CALLS	100000

/* The rest of a TCB around its timers. */
struct conn {
	struct dp_timer wt;
	struct rte_timer rt;
	uint8_t rest[256 - sizeof(struct dp_timer) - sizeof(struct rte_timer)];
};

/* Both measured; then the wheel's idle call given the TSC (the lcore
 * reads it anyway), which rte_timer_manage cannot be asked for. */
enum op { FILL, IDLE, CANCEL, ARM, REARM, EXPIRE, NB_OPS,
	IDLE_TSC = NB_OPS, NB_FIGS };
static const char *const op_name[NB_OPS] = {
	"fill", "idle", "cancel", "arm", "rearm", "expire"
};

/* One size's workload, the same for both implementations in a round. */
struct load {
	unsigned int n, k;
	uint64_t *off;		/* n expiries, us from the start */
	uint32_t *cancel;	/* k distinct indices */
	uint32_t *move;		/* k distinct indices */
	uint64_t *delay;	/* k re-arm delays, us */
};

static struct conn *conns;
static struct dp_timer_wheel wheel;
static struct dp_timer_clock clk;
static uint64_t hz, fired, rng;
static double ns_per_tick;
static char runtime_dir[PATH_MAX];	/* EAL's, once started */

/* EAL leaves its runtime directory behind, even with --no-huge. */
static void
remove_runtime_dir(void)
{
	char f[PATH_MAX + 256];
	struct dirent *e;
	DIR *d;

	if (runtime_dir[0] == '\0' || (d = opendir(runtime_dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(f, sizeof(f), "%s/%s", runtime_dir, e->d_name);
		unlink(f);
	}
	closedir(d);
	rmdir(runtime_dir);
}

static void
die(const char *what, int err)
{
	fprintf(stderr, "timer: %s failed (%d)\n", what, err);
	remove_runtime_dir();
	exit(1);
}

static uint64_t
rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ull;
}

static void *
alloc(size_t size)
{
	void *p = NULL;

	/* 2 MB aligned, transparent huge pages asked for: fewer TLB
	 * misses where the kernel grants them (not hugetlbfs: on this
	 * VM its pages measured slower to chase than 4 KB ones). */
	if (posix_memalign(&p, 2u << 20, size) != 0)
		die("posix_memalign", -ENOMEM);
	madvise(p, size, MADV_HUGEPAGE);
	memset(p, 0, size);
	return p;
}

static double
per_op(uint64_t t0, uint64_t n)
{
	return n == 0 ? 0.0 : (double)(rte_rdtsc_precise() - t0) *
		ns_per_tick / (double)n;
}

/* k distinct indices of 0..n-1 in random order (partial Fisher-Yates). */
static void
pick(uint32_t *out, uint32_t *scratch, unsigned int n, unsigned int k)
{
	for (unsigned int i = 0; i < n; i++)
		scratch[i] = i;
	for (unsigned int i = 0; i < k; i++) {
		unsigned int j = i + (unsigned int)(rnd() % (n - i));
		uint32_t t = scratch[i];

		scratch[i] = scratch[j];
		scratch[j] = t;
		out[i] = scratch[i];
	}
}

static void
load_make(struct load *l, uint64_t span_us, uint32_t *scratch)
{
	for (unsigned int i = 0; i < l->n; i++)
		l->off[i] = span_us + rnd() % span_us;
	pick(l->cancel, scratch, l->n, l->k);
	pick(l->move, scratch, l->n, l->k);
	for (unsigned int i = 0; i < l->k; i++)
		l->delay[i] = span_us / 8 + rnd() % (span_us / 8);
}

/* ---- the wheel ---- */

static void
wheel_cb(struct dp_timer_wheel *w, struct dp_timer *t)
{
	fired++;
}

/* As the lcore loop would call it: TSC, to us, advance; then the same
 * on TSC values the loop already has (one tick apart). */
static void
wheel_idle(double *r, uint64_t now)
{
	static struct dp_timer far;
	uint64_t t0, n = 0, tsc;

	dp_timer_init(&far, wheel_cb);
	dp_timer_arm(&wheel, &far, now + 3600 * 1000000ull);
	t0 = rte_rdtsc_precise();

	for (unsigned int i = 0; i < IDLE_CALLS; i++)
		n += dp_timer_advance(&wheel, dp_timer_clock_us(&clk,
			rte_rdtsc()));
	r[IDLE] = per_op(t0, IDLE_CALLS);
	tsc = rte_rdtsc();
	t0 = rte_rdtsc_precise();
	for (unsigned int i = 0; i < IDLE_CALLS; i++)
		n += dp_timer_advance(&wheel, dp_timer_clock_us(&clk,
			tsc + i));
	r[IDLE_TSC] = per_op(t0, IDLE_CALLS);
	if (n != 0)
		die("wheel: a timer an hour away fired", (int)n);
	dp_timer_cancel(&wheel, &far);
}

static void
wheel_round(const struct load *l, uint64_t span_us, double *r)
{
	uint64_t now = dp_timer_clock_us(&clk, rte_rdtsc()), t0;
	unsigned int n = l->n, k = l->k;

	dp_timer_wheel_init(&wheel, now);
	wheel_idle(r, now);
	for (unsigned int i = 0; i < n; i++)
		dp_timer_init(&conns[i].wt, wheel_cb);
	t0 = rte_rdtsc_precise();
	for (unsigned int i = 0; i < n; i++)
		dp_timer_arm(&wheel, &conns[i].wt, now + l->off[i]);
	r[FILL] = per_op(t0, n);
	t0 = rte_rdtsc_precise();
	for (unsigned int i = 0; i < k; i++)
		dp_timer_cancel(&wheel, &conns[l->cancel[i]].wt);
	r[CANCEL] = per_op(t0, k);
	t0 = rte_rdtsc_precise();
	for (unsigned int i = 0; i < k; i++)
		dp_timer_arm(&wheel, &conns[l->cancel[i]].wt,
			now + l->off[l->cancel[i]]);
	r[ARM] = per_op(t0, k);
	t0 = rte_rdtsc_precise();
	for (unsigned int i = 0; i < k; i++) {
		struct dp_timer *t = &conns[l->move[i]].wt;

		dp_timer_arm(&wheel, t, dp_timer_expire(t) + l->delay[i]);
	}
	r[REARM] = per_op(t0, k);
	fired = 0;
	t0 = rte_rdtsc_precise();
	dp_timer_advance(&wheel, now + 3 * span_us);
	r[EXPIRE] = per_op(t0, fired);
	if (fired != n || dp_timer_count(&wheel) != 0)
		die("wheel: not every timer fired", (int)fired);
}

/* ---- rte_timer ---- */

static void
rte_cb(struct rte_timer *t, void *arg)
{
	fired++;
}

static uint64_t
ticks(uint64_t us)
{
	return us * hz / 1000000;
}

static void
rte_arm(struct rte_timer *t, uint64_t us)
{
	int ret = rte_timer_reset(t, ticks(us), SINGLE, rte_lcore_id(),
		rte_cb, NULL);

	if (ret != 0)
		die("rte_timer_reset", ret);
}

static double
rte_idle(void)
{
	static struct rte_timer far;
	uint64_t t0;

	rte_timer_init(&far);
	rte_arm(&far, 3600 * 1000000ull);
	fired = 0;
	t0 = rte_rdtsc_precise();
	for (unsigned int i = 0; i < IDLE_CALLS; i++)
		rte_timer_manage();
	t0 = rte_rdtsc_precise() - t0;
	if (fired != 0)
		die("rte_timer: a timer an hour away fired", (int)fired);
	rte_timer_stop(&far);
	return (double)t0 * ns_per_tick / IDLE_CALLS;
}

static void
rte_round(const struct load *l, uint64_t span_us, double *r)
{
	unsigned int n = l->n, k = l->k;
	uint64_t t0;

	r[IDLE] = rte_idle();
	for (unsigned int i = 0; i < n; i++)
		rte_timer_init(&conns[i].rt);
	t0 = rte_rdtsc_precise();
	for (unsigned int i = 0; i < n; i++)
		rte_arm(&conns[i].rt, l->off[i]);
	r[FILL] = per_op(t0, n);
	t0 = rte_rdtsc_precise();
	for (unsigned int i = 0; i < k; i++)
		rte_timer_stop(&conns[l->cancel[i]].rt);
	r[CANCEL] = per_op(t0, k);
	t0 = rte_rdtsc_precise();
	for (unsigned int i = 0; i < k; i++)
		rte_arm(&conns[l->cancel[i]].rt, l->off[l->cancel[i]]);
	r[ARM] = per_op(t0, k);
	t0 = rte_rdtsc_precise();
	for (unsigned int i = 0; i < k; i++)
		rte_arm(&conns[l->move[i]].rt, l->off[l->move[i]] +
			l->delay[i]);
	r[REARM] = per_op(t0, k);
	/* Every expiry behind us: the last arm was just now, its delay
	 * under 2 span + span / 4. */
	t0 = rte_get_timer_cycles();
	while (rte_get_timer_cycles() - t0 < ticks(2 * span_us +
			span_us / 4 + 1000))
		rte_pause();
	fired = 0;
	t0 = rte_rdtsc_precise();
	rte_timer_manage();
	r[EXPIRE] = per_op(t0, fired);
	if (fired != n)
		die("rte_timer: not every timer fired", (int)fired);
}

/* ---- the run ---- */

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

static void
print_size(unsigned int n, double (*w)[NB_FIGS], double (*r)[NB_FIGS],
		unsigned int rounds)
{
	double a[MAX_ROUNDS], b[MAX_ROUNDS], q[MAX_ROUNDS];

	for (int op = 0; op < NB_OPS; op++) {
		/* The ratio of each round (both measured back to back),
		 * then the median: drift between rounds cancels. */
		for (unsigned int i = 0; i < rounds; i++) {
			a[i] = w[i][op];
			b[i] = r[i][op];
			q[i] = a[i] / b[i];
		}
		printf("%s_%u_wheel_ns=%.1f\n", op_name[op], n,
			median(a, rounds));
		printf("%s_%u_rte_ns=%.1f\n", op_name[op], n,
			median(b, rounds));
		printf("%s_%u_ratio=%.3f\n", op_name[op], n,
			median(q, rounds));
	}
	for (unsigned int i = 0; i < rounds; i++)
		a[i] = w[i][IDLE_TSC];
	printf("idle_given_tsc_%u_wheel_ns=%.1f\n", n, median(a, rounds));
}

static void
run_size(unsigned int n, unsigned int rounds, uint64_t span_us)
{
	static double w[MAX_ROUNDS][NB_FIGS], r[MAX_ROUNDS][NB_FIGS];
	struct load l = { .n = n, .k = n / 10 > 0 ? n / 10 : 1 };
	uint32_t *scratch = malloc(n * sizeof(*scratch));

	l.off = malloc(n * sizeof(*l.off));
	l.cancel = malloc(l.k * sizeof(*l.cancel));
	l.move = malloc(l.k * sizeof(*l.move));
	l.delay = malloc(l.k * sizeof(*l.delay));
	if (scratch == NULL || l.off == NULL || l.cancel == NULL ||
			l.move == NULL || l.delay == NULL)
		die("malloc", -ENOMEM);
	for (unsigned int i = 0; i < rounds; i++) {
		load_make(&l, span_us, scratch);
		/* Alternate who goes first: drift hits both alike. */
		if (i % 2 == 0) {
			wheel_round(&l, span_us, w[i]);
			rte_round(&l, span_us, r[i]);
		} else {
			rte_round(&l, span_us, r[i]);
			wheel_round(&l, span_us, w[i]);
		}
	}
	print_size(n, w, r, rounds);
	fflush(stdout);
	free(scratch);
	free(l.off);
	free(l.cancel);
	free(l.move);
	free(l.delay);
}

/* The first CPU this process may run on (taskset's choice). */
static int
first_cpu(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return 0;
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &set))
			return c;
	return 0;
}

static void
eal_start(int cpu, const char *prefix)
{
	char pfx[PATH_MAX], lc[16];
	char *argv[] = { "timer", "--no-huge", "--no-pci", "--no-telemetry",
		pfx, "-l", lc, "--log-level=error", NULL };
	int ret;

	snprintf(pfx, sizeof(pfx), "--file-prefix=%s", prefix);
	snprintf(lc, sizeof(lc), "%d", cpu);
	ret = rte_eal_init(8, argv);
	if (ret < 0)
		die("rte_eal_init", ret);
	snprintf(runtime_dir, sizeof(runtime_dir), "%s",
		rte_eal_get_runtime_dir());
	ret = rte_timer_subsystem_init();
	if (ret != 0 && ret != -EALREADY)
		die("rte_timer_subsystem_init", ret);
}

static void
eal_stop(void)
{
	rte_timer_subsystem_finalize();
	rte_eal_cleanup();
	remove_runtime_dir();
}

static unsigned int
parse_sizes(const char *s, unsigned int *sizes)
{
	unsigned int n = 0;

	while (*s != '\0' && n < MAX_SIZES) {
		char *end;

		sizes[n] = (unsigned int)strtoul(s, &end, 10);
		if (end == s || sizes[n] == 0)
			die(s, -EINVAL);
		n++;
		s = *end == ',' ? end + 1 : end;
	}
	return n;
}

int
main(int argc, char **argv)
{
	unsigned int rounds = 5, sizes[MAX_SIZES] = { 100000, 1000000 };
	unsigned int nb_sizes = 2, max_n = 0;
	uint64_t span_ms = 1000;
	int cpu = first_cpu();
	char prefix[64];

	snprintf(prefix, sizeof(prefix), "wspdktimer%ld", (long)getpid());
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
			rounds = (unsigned int)atoi(argv[++i]);
		else if (strcmp(argv[i], "--sizes") == 0 && i + 1 < argc)
			nb_sizes = parse_sizes(argv[++i], sizes);
		else if (strcmp(argv[i], "--span-ms") == 0 && i + 1 < argc)
			span_ms = strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--cpu") == 0 && i + 1 < argc)
			cpu = atoi(argv[++i]);
		else if (strcmp(argv[i], "--file-prefix") == 0 && i + 1 < argc)
			snprintf(prefix, sizeof(prefix), "%s", argv[++i]);
		else
			die(argv[i], -EINVAL);
	}
	if (rounds < 1 || rounds > MAX_ROUNDS || span_ms < 8)
		die("--rounds 1..32, --span-ms >= 8", -EINVAL);
	eal_start(cpu, prefix);
	hz = rte_get_tsc_hz();
	ns_per_tick = 1e9 / (double)hz;
	dp_timer_clock_init(&clk, hz);
	rng = 0x9e3779b97f4a7c15ull;
	for (unsigned int i = 0; i < nb_sizes; i++)
		if (sizes[i] > max_n)
			max_n = sizes[i];
	conns = alloc((size_t)max_n * sizeof(*conns));
	printf("cpu=%d\ntsc_hz=%llu\nrounds=%u\nspan_ms=%llu\n"
		"wheel_timer_bytes=%zu\nrte_timer_bytes=%zu\n", cpu,
		(unsigned long long)hz, rounds, (unsigned long long)span_ms,
		sizeof(struct dp_timer), sizeof(struct rte_timer));
	for (unsigned int i = 0; i < nb_sizes; i++)
		run_size(sizes[i], rounds, span_ms * 1000);
	free(conns);
	eal_stop();
	return 0;
}
