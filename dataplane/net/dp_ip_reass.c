/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 reassembly (RFC 791 §3.2, RFC 815, RFC 1122 §3.3.2), one table
 * per lcore.
 *
 *   dp_ip_input -> dp_ip_reass_input [-> the datagram's lcore]
 *       -> insert (runs of contiguous fragments) -> finish -> dp_ip_deliver
 *   timer (the lcore's wheel) -> expire -> ICMP time exceeded
 *
 * The datagram is built from the fragments' own mbufs, never copied: a
 * fragment's payload joins the mbuf chain of the run it extends, and the
 * first fragment's mbuf, which keeps its IPv4 header, heads the chain
 * handed up. A datagram is held as runs, maximal stretches of contiguous
 * data, sorted by offset; fragments arriving in order make one run that
 * grows at its tail (O(1)), and the datagram is whole when a single run
 * covers it from 0 to the end the last fragment named.
 *
 * Linux's rules for the odd cases (net/ipv4/inet_fragment.c, after
 * FragmentSmack): a fragment wholly inside data already held is a
 * duplicate and alone is dropped; any other overlap drops the whole
 * datagram (RFC 5722's rule, which IPv4 stacks adopted), as do fragments
 * that disagree on where it ends and data past 65535 bytes.
 *
 * Limits, each counted when it drops something: datagrams in flight and
 * mbufs held per lcore (the configuration's totals shared out; the mbufs
 * never above a quarter of the pool), and the time from a datagram's
 * first fragment (one timer per lcore, armed for the oldest: every
 * datagram has the same timeout, so age order is expiry order).
 *
 * Why not DPDK's librte_ip_frag: Debian's build (RTE_LIBRTE_IP_FRAG_
 * MAX_FRAG 8, fixed in the shared library) gives up on a datagram of more
 * than 8 fragments, and a 65507-byte datagram from a 1500-byte MTU is 45
 * of them; it also drops the whole datagram on a duplicate fragment and
 * reports none of its drops by reason (all go to one death row).
 * Measured on 22.11.11: 3 and 8 fragments reassembled, 9 and 45 not, one
 * duplicate middle fragment lost a 6-fragment datagram.
 *
 * Which lcore: with several, every fragment goes to the lcore a hash of
 * (source, destination, protocol) names, whatever queue RSS put it on. A
 * NIC hashes the first fragment (which has ports) and the others (which
 * have none) differently unless its RSS types exclude ports for
 * fragments; the handoff makes reassembly independent of that, and
 * keeps the fragmented datagrams between two hosts in order.
 */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_jhash.h>
#include <rte_mbuf.h>
#include <rte_random.h>

#include "dp_net.h"
#include "dp_tsan.h"

#define NIL		UINT32_MAX
#define IP_HDR_MIN	((uint32_t)sizeof(struct rte_ipv4_hdr))
/* RFC 1122 §3.3.2: ICMP time exceeded, fragment reassembly time. */
#define ICMP_TIME_EXCEEDED	11
#define ICMP_EXC_FRAGTIME	1

/* Payload bytes [off, end) of a datagram, held as one mbuf chain. */
struct frag_run {
	uint32_t off, end;
	struct rte_mbuf *first, *last;	/* last->next is NULL */
	uint32_t nseg;
	uint32_t next;			/* the next run by offset, or NIL */
};

/* A datagram being reassembled; key (src, dst, id, proto). */
struct reass_dgram {
	uint32_t src, dst;		/* network order */
	uint16_t id;			/* network order */
	uint8_t proto;
	uint8_t ihl;			/* the first fragment's, 0 until it
					 * came */
	uint32_t end;			/* payload bytes, named by the last
					 * fragment; 0 until it came */
	uint32_t nseg;			/* mbufs held */
	uint32_t runs, tail;		/* first and last run */
	uint32_t hnext;			/* hash chain; free list when free */
	uint32_t older, newer;		/* age list */
	uint64_t expire;		/* us */
};

/*
 * One lcore's table. Key: (c) constant after create, (l) the owner lcore
 * only, (l, a) the owner writes, telemetry reads.
 */
struct dp_reass {
	struct dp_timer timer;		/* (l) armed for the oldest */
	uint32_t n;			/* (l, a) datagrams in flight */
	uint32_t held;			/* (l, a) mbufs held */
	uint32_t max;			/* (c) datagrams */
	uint32_t budget;		/* (c) mbufs */
	uint64_t timeout_us;		/* (c) */
	uint32_t seed;			/* (c) of the hash */
	uint32_t mask;			/* (c) buckets - 1 */
	uint32_t free_dgram;		/* (l) */
	uint32_t free_run;		/* (l) */
	uint32_t oldest, newest;	/* (l) age list ends */
	uint32_t *bucket;		/* (l) [mask + 1] */
	struct reass_dgram *dgram;	/* (l) [max] */
	struct frag_run *run;		/* (l) [budget] */
};

static inline void
set_gauge(uint32_t *g, uint32_t v)
{
	__atomic_store_n(g, v, __ATOMIC_RELAXED);
}

/* ---- the table ---- */

static uint32_t
bucket_of(const struct dp_reass *r, uint32_t src, uint32_t dst,
		uint16_t id, uint8_t proto)
{
	return rte_jhash_3words(src, dst, (uint32_t)id << 8 | proto,
		r->seed) & r->mask;
}

static uint32_t
lookup(const struct dp_reass *r, const struct rte_ipv4_hdr *ip)
{
	uint32_t i = r->bucket[bucket_of(r, ip->src_addr, ip->dst_addr,
		ip->packet_id, ip->next_proto_id)];

	while (i != NIL) {
		const struct reass_dgram *d = &r->dgram[i];

		if (d->src == ip->src_addr && d->dst == ip->dst_addr &&
				d->id == ip->packet_id &&
				d->proto == ip->next_proto_id)
			return i;
		i = d->hnext;
	}
	return NIL;
}

/* A new datagram for ip's key, the newest; its expiry armed if it is the
 * only one. The caller checked there is room. */
static uint32_t
dgram_new(struct dp_lcore *lc, struct dp_reass *r,
		const struct rte_ipv4_hdr *ip)
{
	uint32_t i = r->free_dgram, b;
	struct reass_dgram *d = &r->dgram[i];

	r->free_dgram = d->hnext;
	*d = (struct reass_dgram){ .src = ip->src_addr, .dst = ip->dst_addr,
		.id = ip->packet_id, .proto = ip->next_proto_id,
		.runs = NIL, .tail = NIL, .older = r->newest, .newer = NIL,
		.expire = lc->now_us + r->timeout_us };
	b = bucket_of(r, d->src, d->dst, d->id, d->proto);
	d->hnext = r->bucket[b];
	r->bucket[b] = i;
	if (r->newest != NIL)
		r->dgram[r->newest].newer = i;
	else
		r->oldest = i;
	r->newest = i;
	set_gauge(&r->n, r->n + 1);
	if (!dp_timer_armed(&r->timer))
		dp_timer_arm(&lc->timers, &r->timer, d->expire);
	return i;
}

/* Take datagram i out of the hash and the age list, its runs back to
 * the free list (their mbufs are the caller's). */
static void
dgram_release(struct dp_reass *r, uint32_t i)
{
	struct reass_dgram *d = &r->dgram[i];
	uint32_t *p = &r->bucket[bucket_of(r, d->src, d->dst, d->id,
		d->proto)];

	while (*p != i)
		p = &r->dgram[*p].hnext;
	*p = d->hnext;
	if (d->older != NIL)
		r->dgram[d->older].newer = d->newer;
	else
		r->oldest = d->newer;
	if (d->newer != NIL)
		r->dgram[d->newer].older = d->older;
	else
		r->newest = d->older;
	for (uint32_t k = d->runs, next; k != NIL; k = next) {
		next = r->run[k].next;
		r->run[k].next = r->free_run;
		r->free_run = k;
	}
	set_gauge(&r->held, r->held - d->nseg);
	set_gauge(&r->n, r->n - 1);
	d->hnext = r->free_dgram;
	r->free_dgram = i;
}

/* Drop datagram i and every fragment it holds. */
static void
dgram_drop(struct dp_reass *r, uint32_t i)
{
	for (uint32_t k = r->dgram[i].runs; k != NIL; k = r->run[k].next)
		dp_pktmbuf_free(r->run[k].first);
	dgram_release(r, i);
}

/* ---- fragments into runs ---- */

enum insert_result {
	INS_OK,
	INS_DUPLICATE,			/* m is still the caller's */
	INS_OVERLAP,			/* m is still the caller's */
};

static uint32_t
run_new(struct dp_reass *r, struct rte_mbuf *m, uint32_t off, uint32_t end,
		uint32_t next)
{
	uint32_t k = r->free_run;
	struct frag_run *f = &r->run[k];

	r->free_run = f->next;
	*f = (struct frag_run){ .off = off, .end = end, .first = m,
		.last = m, .nseg = 1, .next = next };
	return k;
}

/* Run k absorbs the run after it, which it now touches. */
static void
run_join_next(struct dp_reass *r, struct reass_dgram *d, uint32_t k)
{
	struct frag_run *f = &r->run[k];
	uint32_t j = f->next;
	struct frag_run *g = &r->run[j];

	f->last->next = g->first;
	f->last = g->last;
	f->end = g->end;
	f->nseg += g->nseg;
	f->next = g->next;
	if (d->tail == j)
		d->tail = k;
	g->next = r->free_run;
	r->free_run = j;
}

/*
 * Put fragment m, payload [off, end), among datagram d's runs: after the
 * runs that end at or before off, before the first that starts at or
 * after end. The common case, in order, appends to the last run.
 */
static enum insert_result
insert(struct dp_reass *r, struct reass_dgram *d, struct rte_mbuf *m,
		uint32_t off, uint32_t end)
{
	uint32_t prev = NIL, k = d->runs;

	if (d->tail != NIL && r->run[d->tail].end <= off) {
		prev = d->tail;
		k = NIL;
	}
	while (k != NIL && r->run[k].end <= off) {
		prev = k;
		k = r->run[k].next;
	}
	if (k != NIL && r->run[k].off < end)
		return r->run[k].off <= off && end <= r->run[k].end ?
			INS_DUPLICATE : INS_OVERLAP;
	if (prev != NIL && r->run[prev].end == off) {
		struct frag_run *f = &r->run[prev];

		f->last->next = m;
		f->last = m;
		f->end = end;
		f->nseg++;
		if (k != NIL && r->run[k].off == end)
			run_join_next(r, d, prev);
	} else if (k != NIL && r->run[k].off == end) {
		m->next = r->run[k].first;
		r->run[k].first = m;
		r->run[k].off = off;
		r->run[k].nseg++;
	} else {
		uint32_t n = run_new(r, m, off, end, k);

		if (prev == NIL)
			d->runs = n;
		else
			r->run[prev].next = n;
		if (k == NIL)
			d->tail = n;
	}
	d->nseg++;
	return INS_OK;
}

/* ---- whole datagrams ---- */

/* Copy m into as few fresh mbufs as hold it (consumes m); NULL, counted,
 * when the pool has none. */
struct rte_mbuf *
dp_ip_reass_copy(struct dp_lcore *lc, struct rte_mbuf *m)
{
	struct rte_mbuf *c = rte_pktmbuf_copy(m, lc->eng->mp, 0, UINT32_MAX);

	DP_TSAN_ACQUIRE(lc->eng->mp);
	if (c == NULL)
		DP_STAT_INC(lc, ip_reass_copy_nombuf);
	dp_pktmbuf_free(m);
	return c;
}

/*
 * Datagram i is whole: its chain, headed by the first fragment, becomes
 * one datagram (header rewritten as if it had come in one piece), leaves
 * the table, and goes up.
 */
static void
finish(struct dp_lcore *lc, struct dp_reass *r, uint32_t i)
{
	struct reass_dgram *d = &r->dgram[i];
	const struct frag_run *f = &r->run[d->runs];
	struct rte_mbuf *m = f->first;
	uint32_t len = d->ihl + d->end, nseg = f->nseg;
	struct rte_ipv4_hdr *ip;

	dgram_release(r, i);
	m->nb_segs = (uint16_t)nseg;
	m->pkt_len = len;
	if (unlikely(len > RTE_IPV4_MAX_PKT_LEN)) {
		/* Options in the first fragment took it past the limit. */
		DP_STAT_INC(lc, ip_reass_too_big);
		dp_pktmbuf_free(m);
		return;
	}
	ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	ip->total_length = rte_cpu_to_be_16((uint16_t)len);
	ip->fragment_offset = 0;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	m->l3_len = d->ihl;
	/* No NIC verified a checksum across fragments. */
	m->ol_flags &= ~(RTE_MBUF_F_RX_L4_CKSUM_MASK |
		RTE_MBUF_F_RX_IP_CKSUM_MASK);
	DP_STAT_INC(lc, ip_reass_ok);
	/* Thin fragments (a small path MTU, or a sender's trick) would
	 * hold many mbufs per byte wherever the datagram is queued; copy
	 * such a chain into full mbufs so bytes bound mbufs (dp_net.h). */
	if (unlikely(nseg > len / DP_REASS_SEG_MIN + 1)) {
		m = dp_ip_reass_copy(lc, m);
		if (m == NULL)
			return;
	}
	dp_ip_deliver(lc, m);
}

/*
 * The datagram's time is up. RFC 1122 §3.3.2: tell the source, if its
 * first fragment came (that fragment is the quote; only it carries the
 * transport header).
 */
static void
timeout(struct dp_lcore *lc, struct dp_reass *r, uint32_t i)
{
	struct reass_dgram *d = &r->dgram[i];
	struct frag_run *f = &r->run[d->runs];
	struct rte_mbuf *first = NULL;

	DP_STAT_INC(lc, ip_reass_timeout);
	if (d->ihl != 0) {
		/* The first fragment heads the first run: detach it (the
		 * run may be left empty, which dgram_drop allows). */
		first = f->first;
		f->first = first->next;
		first->next = NULL;
	}
	dgram_drop(r, i);
	if (first != NULL)
		dp_icmp_error(lc, first, ICMP_TIME_EXCEEDED,
			ICMP_EXC_FRAGTIME);
}

/* The lcore's reassembly timer: every datagram past its time goes. */
static void
expire(struct dp_timer_wheel *w, struct dp_timer *t)
{
	struct dp_lcore *lc = dp_lcore_of_timers(w);
	struct dp_reass *r = lc->net->reass;

	RTE_SET_USED(t);
	while (r->oldest != NIL && r->dgram[r->oldest].expire <= lc->now_us)
		timeout(lc, r, r->oldest);
	if (r->oldest != NIL)
		dp_timer_arm(w, &r->timer, r->dgram[r->oldest].expire);
}

/* ---- fragments in ---- */

/* A datagram's last fragment names its end; all must agree with it, and
 * nothing may lie past it. */
static bool
ends_agree(const struct dp_reass *r, const struct reass_dgram *d,
		bool more, uint32_t end)
{
	if (more)
		return d->end == 0 || end <= d->end;
	if (d->end != 0)
		return end == d->end;
	return d->tail == NIL || r->run[d->tail].end <= end;
}

static inline bool
complete(const struct dp_reass *r, const struct reass_dgram *d)
{
	const struct frag_run *f = &r->run[d->runs];

	return d->end != 0 && f->off == 0 && f->end == d->end;
}

/* Consumes m: a fragment for us on its datagram's lcore, its header
 * checked (l3_len set). */
static void
reass(struct dp_lcore *lc, struct rte_mbuf *m)
{
	struct dp_reass *r = lc->net->reass;
	const struct rte_ipv4_hdr *ip =
		rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	uint16_t fo = rte_be_to_cpu_16(ip->fragment_offset);
	bool more = (fo & RTE_IPV4_HDR_MF_FLAG) != 0;
	uint32_t ihl = m->l3_len, len = m->pkt_len - ihl;
	uint32_t off = (uint32_t)(fo & RTE_IPV4_HDR_OFFSET_MASK) *
		RTE_IPV4_HDR_OFFSET_UNITS, end = off + len, i;
	struct reass_dgram *d;

	/* RFC 791: every fragment but the last carries whole 8-byte
	 * units; an empty one carries nothing to place. */
	if (unlikely(len == 0 || (more && len % 8 != 0))) {
		DP_STAT_INC(lc, ip_reass_bad_len);
		goto drop;
	}
	i = lookup(r, ip);
	if (unlikely(end + IP_HDR_MIN > RTE_IPV4_MAX_PKT_LEN)) {
		DP_STAT_INC(lc, ip_reass_too_big);
		if (i != NIL)
			dgram_drop(r, i);
		goto drop;
	}
	if (unlikely(r->held == r->budget)) {
		DP_STAT_INC(lc, ip_reass_nomem);
		goto drop;
	}
	if (i == NIL) {
		if (unlikely(r->n == r->max)) {
			DP_STAT_INC(lc, ip_reass_table_full);
			goto drop;
		}
		i = dgram_new(lc, r, ip);
	}
	d = &r->dgram[i];
	if (unlikely(!ends_agree(r, d, more, end))) {
		DP_STAT_INC(lc, ip_reass_bad_end);
		dgram_drop(r, i);
		goto drop;
	}
	/* The first fragment's header heads the datagram; the others
	 * bring their payload only. */
	if (off != 0)
		rte_pktmbuf_adj(m, (uint16_t)ihl);
	switch (insert(r, d, m, off, end)) {
	case INS_OK:
		break;
	case INS_DUPLICATE:
		DP_STAT_INC(lc, ip_reass_duplicate);
		goto drop;
	case INS_OVERLAP:
		DP_STAT_INC(lc, ip_reass_overlap);
		dgram_drop(r, i);
		goto drop;
	}
	set_gauge(&r->held, r->held + 1);
	if (off == 0)
		d->ihl = (uint8_t)ihl;
	if (!more)
		d->end = end;
	if (complete(r, d))
		finish(lc, r, i);
	return;
drop:
	dp_pktmbuf_free(m);
}

/* The lcore that reassembles what src sends dst over proto. */
static struct dp_lcore *
owner(const struct dp_engine *eng, const struct rte_ipv4_hdr *ip)
{
	uint32_t h;

	if (eng->nb_lcores == 1)
		return eng->lcores[0];
	h = rte_jhash_3words(ip->src_addr, ip->dst_addr, ip->next_proto_id,
		0);
	return eng->lcores[((uint64_t)h * eng->nb_lcores) >> 32];
}

void
dp_ip_reass_input(struct dp_lcore *lc, struct rte_mbuf *m)
{
	struct dp_lcore *to;

	DP_STAT_INC(lc, ip_fragment);
	if (unlikely(lc->net->reass == NULL)) {
		DP_STAT_INC(lc, ip_reass_off);
		dp_pktmbuf_free(m);
		return;
	}
	to = owner(lc->eng, rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *));
	if (to == lc)
		reass(lc, m);
	else if (dp_lcore_redirect(to, m, reass) != 0)
		DP_STAT_INC(lc, ip_reass_redirect_full);
}

/* ---- life with the engine ---- */

/* Bytes of pool memory one mbuf is. */
static uint32_t
mbuf_size(const struct dp_engine *eng)
{
	return eng->mp->header_size + eng->mp->elt_size +
		eng->mp->trailer_size;
}

void
dp_ip_reass_configure(struct dp_engine *eng)
{
	const struct dp_conf *c = &eng->conf;
	struct dp_net *net = eng->net;
	uint64_t total = c->reass_memory / mbuf_size(eng);

	/* Like a socket (dp_sock_ring.c), reassembly never holds more than
	 * a quarter of the pool, whatever memory it is given. */
	total = RTE_MIN(total, (uint64_t)c->nb_mbufs / 4);
	net->reass_budget = (uint32_t)(total / eng->nb_lcores);
	net->reass_max = RTE_MAX(c->reass_max / eng->nb_lcores, 1u);
	net->reass_timeout_us = (uint64_t)c->reass_timeout_ms * 1000;
	if (c->reass_memory != 0 && net->reass_budget == 0)
		net->reass_budget = 1;
}

int
dp_ip_reass_create(struct dp_lcore *lc)
{
	const struct dp_net *net = lc->eng->net;
	uint32_t nb = rte_align32pow2(net->reass_max);
	size_t hdr = RTE_ALIGN(sizeof(struct dp_reass), RTE_CACHE_LINE_SIZE);
	size_t sz = hdr + nb * sizeof(uint32_t) +
		net->reass_max * sizeof(struct reass_dgram) +
		net->reass_budget * sizeof(struct frag_run);
	struct dp_reass *r;

	if (net->reass_budget == 0)
		return 0;		/* off: fragments are dropped */
	r = dp_zmalloc("dp_reass", sz, RTE_CACHE_LINE_SIZE);
	if (r == NULL)
		return -ENOMEM;
	r->bucket = (uint32_t *)((uint8_t *)r + hdr);
	r->dgram = (struct reass_dgram *)(r->bucket + nb);
	r->run = (struct frag_run *)(r->dgram + net->reass_max);
	r->mask = nb - 1;
	r->max = net->reass_max;
	r->budget = net->reass_budget;
	r->timeout_us = net->reass_timeout_us;
	/* Keys come from the wire: a seed nobody knows keeps a sender
	 * from aiming every datagram at one bucket. */
	r->seed = (uint32_t)rte_rand();
	memset(r->bucket, 0xff, nb * sizeof(uint32_t));
	for (uint32_t i = 0; i < r->max; i++)
		r->dgram[i].hnext = i + 1 < r->max ? i + 1 : NIL;
	for (uint32_t i = 0; i < r->budget; i++)
		r->run[i].next = i + 1 < r->budget ? i + 1 : NIL;
	r->oldest = r->newest = NIL;
	dp_timer_init(&r->timer, expire);
	lc->net->reass = r;
	return 0;
}

/* The lcore is stopped: what it holds goes back to the pool. */
void
dp_ip_reass_free(struct dp_lcore *lc)
{
	struct dp_reass *r = lc->net->reass;

	if (r == NULL)
		return;
	while (r->oldest != NIL)
		dgram_drop(r, r->oldest);
	dp_timer_cancel(&lc->timers, &r->timer);
	dp_free(r);
	lc->net->reass = NULL;
}

void
dp_ip_reass_usage(const struct dp_engine *eng, uint64_t *dgrams,
		uint64_t *bytes)
{
	uint64_t n = 0, held = 0;

	for (unsigned int i = 0; i < eng->nb_lcores; i++) {
		const struct dp_reass *r = eng->lcores[i]->net->reass;

		if (r == NULL)
			continue;
		n += __atomic_load_n(&r->n, __ATOMIC_RELAXED);
		held += __atomic_load_n(&r->held, __ATOMIC_RELAXED);
	}
	*dgrams = n;
	*bytes = held * mbuf_size(eng);
}
