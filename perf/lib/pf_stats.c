/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Latency summaries and the result files the report reads (see pf.h).
 *
 * Percentiles are nearest-rank on the sorted samples, the same rule
 * tools/pf_report.py applies to sockperf's full logs, so kernel,
 * raw-DPDK and provider figures are comparable.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf.h"

int
pf_samples_init(struct pf_samples *s, size_t cap)
{
	memset(s, 0, sizeof(*s));
	s->tsc = malloc(sizeof(*s->tsc) * (cap != 0 ? cap : 1));
	if (s->tsc == NULL)
		return -ENOMEM;
	s->cap = cap;
	return 0;
}

void
pf_samples_free(struct pf_samples *s)
{
	free(s->tsc);
	s->tsc = NULL;
	s->n = s->cap = 0;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Nearest rank: the smallest sample with at least q of them at or below. */
static uint64_t
rank(const struct pf_samples *s, double q)
{
	size_t i = (size_t)ceil(q * (double)s->n);

	if (i == 0)
		i = 1;
	if (i > s->n)
		i = s->n;
	return s->tsc[i - 1];
}

void
pf_lat_compute(struct pf_samples *s, struct pf_lat *out)
{
	double ns = 1e9 / pf_tsc_hz(), sum = 0;

	memset(out, 0, sizeof(*out));
	out->n = s->n;
	out->lost = s->lost;
	if (s->n == 0)
		return;
	qsort(s->tsc, s->n, sizeof(*s->tsc), cmp_u64);
	for (size_t i = 0; i < s->n; i++)
		sum += (double)s->tsc[i];
	out->min = (double)s->tsc[0] * ns;
	out->p50 = (double)rank(s, 0.50) * ns;
	out->p90 = (double)rank(s, 0.90) * ns;
	out->p99 = (double)rank(s, 0.99) * ns;
	out->p999 = (double)rank(s, 0.999) * ns;
	out->p9999 = (double)rank(s, 0.9999) * ns;
	out->max = (double)s->tsc[s->n - 1] * ns;
	out->mean = sum / (double)s->n * ns;
}

void
pf_kv(char *buf, size_t len, const char *key, const char *fmt, ...)
{
	size_t off = strlen(buf);
	va_list ap;
	int n, m;

	/* Whole lines or nothing: a cut one would run into the next
	 * line a runner appends to the summary. */
	if (off + 1 >= len)
		return;
	n = snprintf(buf + off, len - off, "%s=", key);
	if (n < 0 || off + (size_t)n + 1 >= len) {
		buf[off] = '\0';
		return;
	}
	va_start(ap, fmt);
	m = vsnprintf(buf + off + n, len - off - (size_t)n, fmt, ap);
	va_end(ap);
	if (m < 0 || off + (size_t)n + (size_t)m + 1 >= len) {
		buf[off] = '\0';
		return;
	}
	snprintf(buf + off + n + m, len - off - (size_t)n - (size_t)m, "\n");
}

static FILE *
open_out(const struct pf_out *o, const char *suffix)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.%s", o->dir != NULL ? o->dir : ".",
		o->name != NULL ? o->name : "result", suffix);
	f = fopen(path, "w");
	if (f == NULL)
		fprintf(stderr, "pf: cannot write %s: %s\n", path,
			strerror(errno));
	return f;
}

int
pf_write_kv(const struct pf_out *o, const char *kv)
{
	FILE *f = open_out(o, "summary");

	if (f == NULL)
		return -1;
	fprintf(f, "name=%s\n%s", o->name != NULL ? o->name : "result", kv);
	return fclose(f) == 0 ? 0 : -1;
}

/* The CDF: every 0.1 % up to 99 %, then finer into the tail. */
static int
write_cdf(const struct pf_out *o, const struct pf_samples *s)
{
	double ns = 1e9 / pf_tsc_hz();
	FILE *f = open_out(o, "cdf.csv");

	if (f == NULL)
		return -1;
	fprintf(f, "quantile,ns\n");
	for (int i = 1; i <= 990; i++)
		fprintf(f, "%.5f,%.1f\n", i / 1000.0,
			(double)rank(s, i / 1000.0) * ns);
	for (int i = 1; i <= 90; i++)
		fprintf(f, "%.5f,%.1f\n", 0.99 + i / 10000.0,
			(double)rank(s, 0.99 + i / 10000.0) * ns);
	for (int i = 1; i <= 100; i++)
		fprintf(f, "%.6f,%.1f\n", 0.999 + i / 100000.0,
			(double)rank(s, 0.999 + i / 100000.0) * ns);
	return fclose(f) == 0 ? 0 : -1;
}

int
pf_write_dist(const struct pf_out *o, struct pf_samples *s,
		const struct pf_lat *l, const char *kind, const char *what,
		const char *extra)
{
	static const char *const q[] = { "min", "p50", "p90", "p99",
		"p99.9", "p99.99", "max", "mean" };
	const double v[] = { l->min, l->p50, l->p90, l->p99, l->p999,
		l->p9999, l->max, l->mean };
	char kv[8192] = "", key[64];

	pf_kv(kv, sizeof(kv), "kind", "%s", kind);
	pf_kv(kv, sizeof(kv), "samples", "%zu", l->n);
	pf_kv(kv, sizeof(kv), "lost", "%llu", (unsigned long long)l->lost);
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		snprintf(key, sizeof(key), "%s_%s_ns", what, q[i]);
		pf_kv(kv, sizeof(kv), key, "%.1f", v[i]);
	}
	pf_kv(kv, sizeof(kv), "tsc_hz", "%.0f", pf_tsc_hz());
	if (extra != NULL && strlen(kv) + strlen(extra) + 1 < sizeof(kv))
		strcat(kv, extra);
	printf("%s: %zu samples (%llu lost), %s p50 %.0f ns p99 %.0f ns "
		"p99.9 %.0f ns max %.0f ns mean %.0f ns\n",
		o->name != NULL ? o->name : "result", l->n,
		(unsigned long long)l->lost, what, l->p50, l->p99, l->p999,
		l->max, l->mean);
	fflush(stdout);
	if (l->n != 0 && write_cdf(o, s) != 0)
		return -1;
	return pf_write_kv(o, kv);
}

int
pf_write_lat(const struct pf_out *o, struct pf_samples *s,
		const struct pf_lat *l, const char *extra)
{
	return pf_write_dist(o, s, l, "latency", "rtt", extra);
}

const char *
pf_arg(int argc, char **argv, int *i, const char *key)
{
	size_t n = strlen(key);
	const char *a = argv[*i];

	if (strncmp(a, key, n) != 0)
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n] == '\0' && *i + 1 < argc)
		return argv[++*i];
	return NULL;
}

int
pf_parse(int argc, char **argv, const struct pf_opt *opts)
{
	for (int i = 1; i < argc; i++) {
		const struct pf_opt *o;
		const char *v = NULL;

		for (o = opts; o->key != NULL; o++) {
			if (o->type == PF_FLAG) {
				if (strcmp(argv[i], o->key) == 0)
					break;
			} else if ((v = pf_arg(argc, argv, &i, o->key)) != NULL) {
				break;
			}
		}
		if (o->key == NULL)
			return -1;
		switch (o->type) {
		case PF_STR:
			*(const char **)o->ptr = v;
			break;
		case PF_INT:
			*(int *)o->ptr = atoi(v);
			break;
		case PF_UINT:
			*(unsigned int *)o->ptr = (unsigned int)strtoul(v, NULL,
				10);
			break;
		case PF_ULONG:
			*(unsigned long *)o->ptr = strtoul(v, NULL, 10);
			break;
		case PF_FLAG:
			*(bool *)o->ptr = true;
			break;
		}
	}
	return 0;
}
