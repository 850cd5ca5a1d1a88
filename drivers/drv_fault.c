/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The seeded fault layer (drv_fault.h).
 *
 * Each frame rolls, in this order: drop; reorder (only while no frame is
 * already held back: it goes out right after the next reorder_depth
 * frames that pass, or after hold_us if they do not come); delay (a FIFO, so delayed frames keep
 * their order among themselves); duplicate (a copy right behind it).
 * Each probability is in parts per million of one 64-bit draw, so a
 * given seed replays exactly.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>

#include "drv_fault.h"

#define PPM		1000000u
#define DELAY_SLOTS	256	/* frames one direction of a queue delays */
#define CHUNK		32	/* frames handled per step on TX */
#define HOLD_US		1000	/* a reordered frame waits at most this */
#define DEPTH_MAX	16	/* frames a reordered one may fall behind */

enum { DIR_RX, DIR_TX, NB_DIRS };

struct held {
	struct rte_mbuf *m;
	uint64_t at;		/* TSC it may leave */
	uint32_t behind;	/* reorder: frames still to pass it */
};

struct fault_dir {
	uint64_t rng;
	struct held reorder;		/* m NULL: none held */
	struct held delay[DELAY_SLOTS];	/* FIFO */
	uint32_t head, count;
	struct drv_fault_stats st;
} __rte_cache_aligned;

struct drv_fault {
	uint32_t drop, dup, reorder, delay;	/* ppm */
	uint32_t depth;				/* reorder depth */
	uint64_t delay_tsc, hold_tsc;
	uint32_t dirs;				/* 1 << DIR_* */
	uint64_t seed;
	struct rte_mempool *mp;
	uint16_t nb_queues;
	struct fault_dir q[][NB_DIRS];
};

/* ---- the specification ---- */

/* "P" percent with up to four decimals -> ppm. */
static int
parse_pct(const char *v, uint32_t *ppm)
{
	unsigned long whole = 0, frac = 0, scale = 10000;
	const char *p = v;

	if (*p < '0' || *p > '9')
		return -1;
	while (*p >= '0' && *p <= '9' && whole <= 100)
		whole = whole * 10 + (unsigned long)(*p++ - '0');
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9') {
			if (scale == 1)
				return -1;	/* finer than a ppm */
			scale /= 10;
			frac += (unsigned long)(*p++ - '0') * scale;
		}
	}
	if (*p != '\0' || whole > 100 || (whole == 100 && frac != 0))
		return -1;
	*ppm = (uint32_t)(whole * 10000 + frac);
	return 0;
}

static int
parse_u64(const char *v, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long x;

	if (*v < '0' || *v > '9')
		return -1;
	errno = 0;
	x = strtoull(v, &end, 10);
	if (errno != 0 || *end != '\0' || x > max)
		return -1;
	*out = x;
	return 0;
}

struct spec {
	uint32_t drop, dup, reorder, delay;
	uint64_t delay_us, seed, depth;
	uint32_t dirs;
};

static int
parse(const char *s, struct spec *sp, char *err, size_t errlen)
{
	char buf[DRV_FAULT_SPEC_MAX + 1], *save = NULL, *tok;

	*sp = (struct spec){ .delay_us = 1000, .seed = 1, .depth = 1,
		.dirs = 1u << DIR_RX | 1u << DIR_TX };
	if (strlen(s) > DRV_FAULT_SPEC_MAX) {
		snprintf(err, errlen, "fault specification longer than %d",
			DRV_FAULT_SPEC_MAX);
		return -EINVAL;
	}
	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
			tok = strtok_r(NULL, ",", &save)) {
		char *v = strchr(tok, '=');
		int bad;

		if (v == NULL)
			goto bad;
		*v++ = '\0';
		if (strcmp(tok, "drop") == 0)
			bad = parse_pct(v, &sp->drop);
		else if (strcmp(tok, "dup") == 0)
			bad = parse_pct(v, &sp->dup);
		else if (strcmp(tok, "reorder") == 0)
			bad = parse_pct(v, &sp->reorder);
		else if (strcmp(tok, "delay") == 0)
			bad = parse_pct(v, &sp->delay);
		else if (strcmp(tok, "delay_us") == 0)
			bad = parse_u64(v, 10000000, &sp->delay_us);
		else if (strcmp(tok, "seed") == 0)
			bad = parse_u64(v, UINT64_MAX, &sp->seed);
		else if (strcmp(tok, "reorder_depth") == 0)
			bad = parse_u64(v, DEPTH_MAX, &sp->depth) != 0 ||
				sp->depth == 0 ? -1 : 0;
		else if (strcmp(tok, "dir") == 0) {
			bad = 0;
			if (strcmp(v, "rx") == 0)
				sp->dirs = 1u << DIR_RX;
			else if (strcmp(v, "tx") == 0)
				sp->dirs = 1u << DIR_TX;
			else if (strcmp(v, "both") != 0)
				bad = -1;
		} else
			goto bad;
		if (bad != 0)
			goto bad;
		continue;
bad:
		snprintf(err, errlen, "fault specification: bad item '%s' "
			"(drop|dup|reorder|delay=percent, delay_us=N, "
			"reorder_depth=1-%d, seed=N, dir=rx|tx|both)", tok,
			DEPTH_MAX);
		return -EINVAL;
	}
	return 0;
}

int
drv_fault_check(const char *spec, char *err, size_t errlen)
{
	struct spec sp;

	return parse(spec, &sp, err, errlen);
}

/* ---- the generator: splitmix64 seeds xorshift64* per queue, direction */

static uint64_t
splitmix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static bool
roll(struct fault_dir *d, uint32_t ppm)
{
	uint64_t x = d->rng;

	if (ppm == 0)
		return false;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	d->rng = x;
	return (x * 0x2545f4914f6cdd1dull) % PPM < ppm;
}

struct drv_fault *
drv_fault_create(const char *spec, uint16_t nb_queues,
		struct rte_mempool *mp)
{
	struct drv_fault *f;
	struct spec sp;
	char err[160];

	if (parse(spec, &sp, err, sizeof(err)) != 0 || nb_queues == 0)
		return NULL;
	f = rte_zmalloc("drv_fault", sizeof(*f) +
		nb_queues * sizeof(f->q[0]), RTE_CACHE_LINE_SIZE);
	if (f == NULL)
		return NULL;
	f->drop = sp.drop;
	f->dup = sp.dup;
	f->reorder = sp.reorder;
	f->delay = sp.delay;
	f->depth = (uint32_t)sp.depth;
	f->delay_tsc = rte_get_tsc_hz() / 1000000 * sp.delay_us;
	f->hold_tsc = rte_get_tsc_hz() / 1000000 * HOLD_US;
	f->dirs = sp.dirs;
	f->seed = sp.seed;
	f->mp = mp;
	f->nb_queues = nb_queues;
	for (uint16_t q = 0; q < nb_queues; q++)
		for (unsigned int d = 0; d < NB_DIRS; d++)
			/* Never 0: xorshift would stay there. */
			f->q[q][d].rng = splitmix(sp.seed * 2 * nb_queues +
				q * 2u + d) | 1;
	return f;
}

void
drv_fault_free(struct drv_fault *f)
{
	if (f == NULL)
		return;
	for (uint16_t q = 0; q < f->nb_queues; q++) {
		for (unsigned int d = 0; d < NB_DIRS; d++) {
			struct fault_dir *fd = &f->q[q][d];

			rte_pktmbuf_free(fd->reorder.m);
			for (uint32_t i = 0; i < fd->count; i++)
				rte_pktmbuf_free(fd->delay[(fd->head + i) %
					DELAY_SLOTS].m);
		}
	}
	rte_free(f);
}

/* ---- one direction of one queue ---- */

/* Frames whose time has come, into out (room for cap). */
static uint16_t
release(struct fault_dir *d, struct rte_mbuf **out, uint16_t o,
		uint16_t cap, uint64_t now)
{
	while (d->count != 0 && o < cap && d->delay[d->head].at <= now) {
		out[o++] = d->delay[d->head].m;
		d->head = (d->head + 1) % DELAY_SLOTS;
		d->count--;
	}
	if (d->reorder.m != NULL && o < cap && d->reorder.at <= now) {
		d->st.reorder_expired++;
		out[o++] = d->reorder.m;
		d->reorder.m = NULL;
	}
	return o;
}

/*
 * One frame's fate; what goes out is written to out[o..]. reserve slots
 * stay free for the frames still to come (each needs one), so only the
 * extras (a copy, a held-back frame) may be refused for room.
 */
static uint16_t
one(const struct drv_fault *f, struct fault_dir *d, struct rte_mbuf *m,
		struct rte_mbuf **out, uint16_t o, uint16_t cap,
		uint16_t reserve, uint64_t now)
{
	d->st.frames++;
	if (roll(d, f->drop)) {
		d->st.dropped++;
		rte_pktmbuf_free(m);
		return o;
	}
	if (d->reorder.m == NULL && roll(d, f->reorder)) {
		d->st.reordered++;
		d->reorder = (struct held){ m, now + f->hold_tsc, f->depth };
		return o;
	}
	if (d->count < DELAY_SLOTS && roll(d, f->delay)) {
		d->st.delayed++;
		d->delay[(d->head + d->count++) % DELAY_SLOTS] =
			(struct held){ m, now + f->delay_tsc, 0 };
		return o;
	}
	out[o++] = m;
	if (roll(d, f->dup)) {
		struct rte_mbuf *c = NULL;

		if (o + reserve < cap)
			c = rte_pktmbuf_copy(m, f->mp, 0, UINT32_MAX);
		if (c != NULL) {
			d->st.duplicated++;
			out[o++] = c;
		} else {
			d->st.nombuf++;
		}
	}
	/* The one held back goes right behind the last frame that may
	 * pass it. */
	if (d->reorder.m != NULL && d->reorder.behind > 1)
		d->reorder.behind--;
	else if (d->reorder.m != NULL && o + reserve < cap) {
		out[o++] = d->reorder.m;
		d->reorder.m = NULL;
	}
	return o;
}

/* Send what is in out; what the PMD refuses is lost, as on a wire. */
static void
tx_out(struct fault_dir *d, uint16_t port_id, uint16_t q,
		struct rte_mbuf **out, uint16_t o)
{
	uint16_t sent = o != 0 ? rte_eth_tx_burst(port_id, q, out, o) : 0;

	for (uint16_t i = sent; i < o; i++) {
		d->st.tx_full++;
		rte_pktmbuf_free(out[i]);
	}
}

uint16_t
drv_fault_tx(struct drv_fault *f, uint16_t port_id, uint16_t q,
		struct rte_mbuf **pkts, uint16_t n, uint64_t now)
{
	struct fault_dir *d = &f->q[q][DIR_TX];
	struct rte_mbuf *out[3 * CHUNK];

	if (!(f->dirs & 1u << DIR_TX))
		return rte_eth_tx_burst(port_id, q, pkts, n);
	for (uint16_t i = 0; i < n; i += CHUNK) {
		uint16_t k = RTE_MIN((uint16_t)CHUNK, (uint16_t)(n - i));
		uint16_t o = release(d, out, 0, CHUNK, now);

		for (uint16_t j = 0; j < k; j++)
			o = one(f, d, pkts[i + j], out, o, RTE_DIM(out),
				(uint16_t)(k - j - 1), now);
		tx_out(d, port_id, q, out, o);
	}
	return n;
}

uint16_t
drv_fault_rx(struct drv_fault *f, uint16_t port_id, uint16_t q,
		struct rte_mbuf **pkts, uint16_t n, uint64_t now)
{
	struct fault_dir *d = &f->q[q][DIR_RX], *t = &f->q[q][DIR_TX];
	struct rte_mbuf *in[CHUNK];
	uint16_t o, k;

	/* TX frames held back leave even if nothing else is sent. */
	if (t->count != 0 || t->reorder.m != NULL) {
		struct rte_mbuf *out[CHUNK];

		tx_out(t, port_id, q, out, release(t, out, 0, CHUNK, now));
	}
	if (!(f->dirs & 1u << DIR_RX))
		return rte_eth_rx_burst(port_id, q, pkts, n);
	o = release(d, pkts, 0, n, now);
	if (o == n)
		return o;
	k = rte_eth_rx_burst(port_id, q, in,
		RTE_MIN((uint16_t)CHUNK, (uint16_t)(n - o)));
	for (uint16_t j = 0; j < k; j++)
		o = one(f, d, in[j], pkts, o, n, (uint16_t)(k - j - 1), now);
	return o;
}

void
drv_fault_stats_get(const struct drv_fault *f, struct drv_fault_stats *rx,
		struct drv_fault_stats *tx)
{
	struct drv_fault_stats *st[NB_DIRS] = { rx, tx };

	for (unsigned int d = 0; d < NB_DIRS; d++) {
		memset(st[d], 0, sizeof(*st[d]));
		for (uint16_t q = 0; q < f->nb_queues; q++) {
			const struct drv_fault_stats *s = &f->q[q][d].st;

			st[d]->frames += s->frames;
			st[d]->dropped += s->dropped;
			st[d]->duplicated += s->duplicated;
			st[d]->reordered += s->reordered;
			st[d]->reorder_expired += s->reorder_expired;
			st[d]->delayed += s->delayed;
			st[d]->tx_full += s->tx_full;
			st[d]->nombuf += s->nombuf;
		}
	}
}
