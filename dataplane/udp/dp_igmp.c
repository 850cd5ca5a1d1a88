/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IGMP, host side (RFC 3376 IGMPv3, with RFC 2236 IGMPv2 compatibility),
 * run entirely by lcore 0.
 *
 *   dp_lcore (lcore 0) -> dp_igmp_poll:  records dp_mcast.c handed over
 *                         (the change list) -> state-change reports
 *   dp_ipv4_input -> dp_igmp_input:      queries -> timers (other lcores
 *                         hand IGMP over to lcore 0)
 *   tick -> dp_igmp_timer:               retransmissions, query answers,
 *                         records freed
 *
 * Lcore 0 keeps its own lists of records (dp_mcast.h): every one it has
 * reported (tracked: general query answers), those with a timer due
 * (timed: the 10 ms scan visits only these), and those whose last member
 * left, oldest first (leaving). A leaving record is freed once its leave
 * is retransmitted, through an RCU defer queue: lcore 0 never waits for
 * the other lcores. At most WSPDK_MC_GROUPS records may be leaving; past
 * that the oldest gives up its retransmission (igmp_rexmit_dropped), so
 * churn of any speed holds bounded memory.
 *
 * A group left and joined again has two records. The old one's leave must
 * not be retransmitted after the new one's join, or the router would
 * believe we left: before retransmitting, lcore 0 looks the group up, and
 * stays silent if a newer record holds it.
 *
 * A state change is reported at once and once more after a random delay
 * up to the Unsolicited Report Interval (Robustness Variable 2). Queries
 * are answered after a random delay up to their Max Response Time. While
 * an IGMPv2 querier has been heard (Older Version Querier Present
 * Timeout, 260 s with the defaults) reports are IGMPv2 reports and
 * leaves. Reports carry the Router Alert option, TTL 1.
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_random.h>
#include <rte_rcu_qsbr.h>

#include "dp_mcast.h"
#include "dp_udp.h"
#include "dp_tsan.h"

#define IGMP_QUERY		0x11
#define IGMP_V1_REPORT		0x12
#define IGMP_V2_REPORT		0x16
#define IGMP_V2_LEAVE		0x17
#define IGMP_V3_REPORT		0x22

#define REC_IS_IN		1
#define REC_IS_EX		2
#define REC_TO_IN		3
#define REC_TO_EX		4
#define REC_ALLOW		5
#define REC_BLOCK		6

#define ALL_HOSTS		RTE_BE32(0xe0000001)	/* 224.0.0.1 */
#define ALL_ROUTERS		RTE_BE32(0xe0000002)	/* 224.0.0.2 */
#define IGMPV3_ROUTERS		RTE_BE32(0xe0000016)	/* 224.0.0.22 */
#define IP_MC(a)	(((a) & RTE_BE32(0xf0000000)) == RTE_BE32(0xe0000000))

#define UNSOLICITED_MS		1000	/* RFC 3376 §8.11 */
#define V2_PRESENT_MS		260000	/* RFC 3376 §8.12 */
#define SCAN_MS			10
#define FREE_RECLAIM		32	/* records waiting before enqueue
					 * reclaims */
#define IP_RA_LEN		4	/* Router Alert option (RFC 2113) */

struct igmp_hdr {
	uint8_t type;
	uint8_t code;
	uint16_t cksum;
	uint32_t group;
} __rte_packed;

struct igmp_v3_query {
	struct igmp_hdr h;
	uint8_t s_qrv;
	uint8_t qqic;
	uint16_t nsrc;
	uint32_t src[];
} __rte_packed;

struct igmp_v3_report {
	uint8_t type;
	uint8_t reserved1;
	uint16_t cksum;
	uint16_t reserved2;
	uint16_t nrec;
} __rte_packed;

struct igmp_v3_rec {
	uint8_t type;
	uint8_t auxlen;
	uint16_t nsrc;
	uint32_t group;
	uint32_t src[];
} __rte_packed;

/* A report being filled; flushed when the next record would not fit. */
struct report {
	struct rte_mbuf *m;
	uint16_t nrec;
	uint32_t len;			/* IGMP bytes so far */
};

static uint64_t
ms_tsc(const struct dp_lcore *lc, uint64_t ms)
{
	return lc->eng->tsc_hz / 1000 * ms;
}

static uint64_t
random_delay(const struct dp_lcore *lc, uint64_t max_ms)
{
	return max_ms == 0 ? 0 : ms_tsc(lc, rte_rand() % max_ms);
}

static bool
v2_mode(const struct dp_lcore *lc)
{
	return lc->now < lc->eng->mc->v2_until;
}

/* Send an IGMP message (data at its first byte) to dst: TTL 1, with the
 * Router Alert option (RFC 2113), internetwork control. Consumes m. */
static void
send_igmp(struct dp_lcore *lc, struct rte_mbuf *m, uint32_t dst)
{
	static const uint8_t ra[IP_RA_LEN] = { 0x94, 4, 0, 0 };
	const struct dp_ip_hdr h = { .dst_be = dst, .proto = IPPROTO_IGMP,
		.tos = 0xc0, .ttl = 1, .optlen = IP_RA_LEN, .opts = ra };

	DP_STAT_INC(lc, igmp_report_tx);
	dp_ip_send(lc, m, &h);
}

static void
v2_message(struct dp_lcore *lc, uint8_t type, uint32_t group)
{
	struct rte_mbuf *m = dp_pktmbuf_alloc(lc->eng->mp);
	struct igmp_hdr *h;

	if (m == NULL) {
		DP_STAT_INC(lc, igmp_nombuf);
		return;
	}
	h = (struct igmp_hdr *)rte_pktmbuf_append(m, sizeof(*h));
	if (h == NULL) {
		dp_pktmbuf_free(m);
		return;
	}
	h->type = type;
	h->code = 0;
	h->group = group;
	h->cksum = 0;
	h->cksum = (uint16_t)~rte_raw_cksum(h, sizeof(*h));
	send_igmp(lc, m, type == IGMP_V2_LEAVE ? ALL_ROUTERS : group);
}

static void
report_flush(struct dp_lcore *lc, struct report *r)
{
	struct igmp_v3_report *h;

	if (r->m == NULL)
		return;
	if (r->nrec == 0) {
		dp_pktmbuf_free(r->m);
		r->m = NULL;
		return;
	}
	h = rte_pktmbuf_mtod(r->m, struct igmp_v3_report *);
	h->nrec = rte_cpu_to_be_16(r->nrec);
	h->cksum = 0;
	h->cksum = (uint16_t)~rte_raw_cksum(h, r->len);
	send_igmp(lc, r->m, IGMPV3_ROUTERS);
	r->m = NULL;
}

static void
report_add(struct dp_lcore *lc, struct report *r, uint8_t type,
		uint32_t group, const uint32_t *src, uint16_t nsrc)
{
	uint32_t need = sizeof(struct igmp_v3_rec) + 4u * nsrc;
	uint32_t room = lc->eng->mtu;
	struct igmp_v3_rec *rec;

	room -= sizeof(struct rte_ipv4_hdr) + IP_RA_LEN;
	if (r->m != NULL && r->len + need > room)
		report_flush(lc, r);
	if (r->m == NULL) {
		struct igmp_v3_report *h;

		r->m = dp_pktmbuf_alloc(lc->eng->mp);
		if (r->m == NULL) {
			DP_STAT_INC(lc, igmp_nombuf);
			return;
		}
		h = (struct igmp_v3_report *)rte_pktmbuf_append(r->m,
			sizeof(*h));
		if (h == NULL) {
			dp_pktmbuf_free(r->m);
			r->m = NULL;
			return;
		}
		memset(h, 0, sizeof(*h));
		h->type = IGMP_V3_REPORT;
		r->nrec = 0;
		r->len = sizeof(*h);
	}
	rec = (struct igmp_v3_rec *)rte_pktmbuf_append(r->m, (uint16_t)need);
	if (rec == NULL) {
		DP_STAT_INC(lc, igmp_nombuf);
		return;
	}
	rec->type = type;
	rec->auxlen = 0;
	rec->nsrc = rte_cpu_to_be_16(nsrc);
	rec->group = group;
	memcpy(rec->src, src, 4u * nsrc);
	r->nrec++;
	r->len += need;
}

/* Sources in a but not in b. */
static uint16_t
minus(const struct dp_mc_state *a, const struct dp_mc_state *b,
		uint32_t *out)
{
	uint16_t n = 0;

	for (uint16_t i = 0; i < a->nsrc; i++) {
		bool found = false;

		for (uint16_t j = 0; j < b->nsrc && !found; j++)
			found = a->src[i] == b->src[j];
		if (!found)
			out[n++] = a->src[i];
	}
	return n;
}

static bool
empty(const struct dp_mc_state *st)
{
	return st->mode == DP_MC_INCLUDE && st->nsrc == 0;
}

/* RFC 3376 §5.1: the records that take a router from old to new. */
static void
change_records(struct dp_lcore *lc, struct report *r, uint32_t group,
		const struct dp_mc_state *old, const struct dp_mc_state *new)
{
	uint32_t src[DP_MC_SRC_MAX];
	uint16_t n;

	if (old->mode != new->mode) {
		report_add(lc, r, new->mode == DP_MC_EXCLUDE ? REC_TO_EX :
			REC_TO_IN, group, new->src, new->nsrc);
		return;
	}
	n = new->mode == DP_MC_INCLUDE ? minus(new, old, src) :
		minus(old, new, src);
	if (n != 0)
		report_add(lc, r, REC_ALLOW, group, src, n);
	n = new->mode == DP_MC_INCLUDE ? minus(old, new, src) :
		minus(new, old, src);
	if (n != 0)
		report_add(lc, r, REC_BLOCK, group, src, n);
}

/* The current state as a record of the given kind (IS_* or TO_*). */
static void
state_record(struct dp_lcore *lc, struct report *r,
		const struct dp_mc_group *g, bool change)
{
	const struct dp_mc_state *st = &g->iface;
	uint8_t type = st->mode == DP_MC_EXCLUDE ?
		(change ? REC_TO_EX : REC_IS_EX) :
		(change ? REC_TO_IN : REC_IS_IN);

	report_add(lc, r, type, g->group, st->src, st->nsrc);
}

static void
v2_state(struct dp_lcore *lc, const struct dp_mc_group *g, bool was_empty)
{
	if (!empty(&g->iface))
		v2_message(lc, IGMP_V2_REPORT, g->group);
	else if (!was_empty)
		v2_message(lc, IGMP_V2_LEAVE, g->group);
}

/* The same filter (sources in any order)? */
static bool
same(const struct dp_mc_state *a, const struct dp_mc_state *b)
{
	uint32_t src[DP_MC_SRC_MAX];

	return a->mode == b->mode && a->nsrc == b->nsrc &&
		minus(a, b, src) == 0;
}

/* The free_dq's free function: a record no lcore can still hold. */
static void
record_free_fn(void *p, void *e, unsigned int n)
{
	struct dp_mc_table *mc = p;
	struct dp_mc_group *g;

	RTE_SET_USED(n);	/* one at a time (rte_rcu_qsbr.h) */
	memcpy(&g, e, sizeof(g));
	mc->free_dq_n--;
	__atomic_fetch_sub(&mc->nrecords, 1, __ATOMIC_RELAXED);
	dp_free(g);
}

int
dp_igmp_create(struct dp_engine *eng)
{
	struct dp_mc_table *mc = eng->mc;
	/* Lcore 0 alone enqueues and reclaims (dp_stop's thread once the
	 * lcores are stopped): no multi-thread safety, and so no lock a
	 * preempted thread could hold. */
	struct rte_rcu_qsbr_dq_parameters dq = {
		.name = "wspdk_mc_free",
		.flags = RTE_RCU_QSBR_DQ_MT_UNSAFE,
		.size = mc->max,
		.esize = sizeof(struct dp_mc_group *),
		.trigger_reclaim_limit = FREE_RECLAIM,
		.max_reclaim_size = mc->max,
		.free_fn = record_free_fn,
		.p = mc,
		.v = eng->qsbr,
	};

	TAILQ_INIT(&mc->tracked);
	TAILQ_INIT(&mc->timed);
	TAILQ_INIT(&mc->leaving);
	TAILQ_INIT(&mc->graveyard);
	mc->free_dq = rte_rcu_qsbr_dq_create(&dq);
	return mc->free_dq == NULL ? -ENOMEM : 0;
}

/* Lcores stopped: every record lcore 0 still holds goes. */
void
dp_igmp_free(struct dp_engine *eng)
{
	struct dp_mc_table *mc = eng->mc;
	struct dp_mc_group *g;

	while ((g = TAILQ_FIRST(&mc->tracked)) != NULL) {
		TAILQ_REMOVE(&mc->tracked, g, tracked_link);
		dp_free(g);
	}
	while ((g = TAILQ_FIRST(&mc->graveyard)) != NULL) {
		TAILQ_REMOVE(&mc->graveyard, g, tracked_link);
		dp_free(g);
	}
	if (rte_rcu_qsbr_dq_delete(mc->free_dq) != 0)
		DP_LOG(ERR, "multicast: group records left unfreed");
}

/* The record's freeing starts: once no lcore can hold it. The defer
 * queue full (a stalled lcore), it waits on the graveyard instead. */
static void
record_free(struct dp_mc_table *mc, struct dp_mc_group *g)
{
	if (mc->free_dq_n >= mc->max)
		rte_rcu_qsbr_dq_reclaim(mc->free_dq, mc->max, NULL, NULL,
			NULL);
	if (mc->free_dq_n < mc->max) {
		mc->free_dq_n++;
		if (rte_rcu_qsbr_dq_enqueue(mc->free_dq, &g) == 0)
			return;
		mc->free_dq_n--;
	}
	TAILQ_INSERT_TAIL(&mc->graveyard, g, tracked_link);
}

/* Each scan: the defer queue's due records go, the graveyard's move on. */
static void
records_reclaim(struct dp_mc_table *mc)
{
	struct dp_mc_group *g;

	if (mc->free_dq_n != 0)
		rte_rcu_qsbr_dq_reclaim(mc->free_dq, mc->max, NULL, NULL,
			NULL);
	while ((g = TAILQ_FIRST(&mc->graveyard)) != NULL &&
			mc->free_dq_n < mc->max) {
		TAILQ_REMOVE(&mc->graveyard, g, tracked_link);
		record_free(mc, g);
	}
}

static void
timer_set(struct dp_mc_table *mc, struct dp_mc_group *g, uint64_t *at,
		uint64_t when)
{
	if (*at == 0 || when < *at)
		*at = when;
	if (!(g->igmp & DP_MC_I_TIMED)) {
		g->igmp |= DP_MC_I_TIMED;
		TAILQ_INSERT_TAIL(&mc->timed, g, timed_link);
	}
}

static void
timer_set_general(struct dp_mc_table *mc, uint64_t when)
{
	if (mc->general_at == 0 || when < mc->general_at)
		mc->general_at = when;
}

/* A detached record is done with: off lcore 0's lists, to be freed. */
static void
retire(struct dp_mc_table *mc, struct dp_mc_group *g)
{
	if (g->igmp & DP_MC_I_TRACKED)
		TAILQ_REMOVE(&mc->tracked, g, tracked_link);
	if (g->igmp & DP_MC_I_TIMED)
		TAILQ_REMOVE(&mc->timed, g, timed_link);
	if (g->igmp & DP_MC_I_LEAVING) {
		TAILQ_REMOVE(&mc->leaving, g, leave_link);
		mc->nleaving--;
	}
	g->igmp = 0;
	record_free(mc, g);
}

/*
 * A detached record (its last member left, and application threads will
 * not touch it again): kept while its leave is due for retransmission,
 * else freed. Past WSPDK_MC_GROUPS such records, the oldest one's
 * retransmission is given up: churn cannot grow memory without bound.
 */
static void
detached(struct dp_lcore *lc, struct dp_mc_group *g)
{
	struct dp_mc_table *mc = lc->eng->mc;
	struct dp_mc_group *old;

	if (g->retransmit_at == 0) {
		retire(mc, g);
		return;
	}
	g->igmp |= DP_MC_I_LEAVING;
	TAILQ_INSERT_TAIL(&mc->leaving, g, leave_link);
	if (++mc->nleaving > mc->max) {
		old = TAILQ_FIRST(&mc->leaving);
		DP_STAT_INC(lc, igmp_rexmit_dropped);
		retire(mc, old);
	}
}

/* One record handed over by dp_mcast.c: report what changed. */
static void
changed(struct dp_lcore *lc, struct report *r, struct dp_mc_group *g)
{
	struct dp_mc_table *mc = lc->eng->mc;
	/* Taken off the list before its state is read: a change made
	 * after this read queues it again. Detached seen here is final. */
	uint32_t f = __atomic_fetch_and(&g->flags, ~DP_MC_F_QUEUED,
		__ATOMIC_ACQ_REL);
	const struct dp_mc_set *set = __atomic_load_n(&g->set,
		__ATOMIC_ACQUIRE);
	struct dp_mc_state old = g->iface;

	if (!(g->igmp & DP_MC_I_TRACKED)) {
		g->igmp |= DP_MC_I_TRACKED;
		TAILQ_INSERT_TAIL(&mc->tracked, g, tracked_link);
	}
	if (set != NULL)
		g->iface = set->want;
	else
		memset(&g->iface, 0, sizeof(g->iface));	/* INCLUDE {} */
	if (!same(&old, &g->iface)) {
		if (v2_mode(lc))
			v2_state(lc, g, empty(&old));
		else
			change_records(lc, r, g->group, &old, &g->iface);
		g->retransmits = 1;
		timer_set(mc, g, &g->retransmit_at, lc->now +
			random_delay(lc, UNSOLICITED_MS) + 1);
	}
	if (f & DP_MC_F_DETACHED)
		detached(lc, g);
}

/* Lcore 0: the records application threads handed over. */
void
dp_igmp_poll(struct dp_lcore *lc)
{
	struct dp_mc_table *mc = lc->eng->mc;
	struct dp_mc_group *g, *next, *fifo = NULL;
	struct report r = { .m = NULL };
	uint32_t n = 0;

	/* The list is pushed LIFO: turned around, a group's old record
	 * (its leave) is reported before a new one (the rejoin). */
	g = __atomic_exchange_n(&mc->changes, NULL, __ATOMIC_ACQUIRE);
	for (; g != NULL; g = next) {
		next = g->next_change;
		g->next_change = fifo;
		fifo = g;
	}
	for (g = fifo; g != NULL; g = next) {
		next = g->next_change;	/* changed() may free g */
		changed(lc, &r, g);
		n++;
	}
	report_flush(lc, &r);
	/* Reported, or at least queued to the port: dp_stop may go on. */
	__atomic_fetch_sub(&mc->pending, n, __ATOMIC_RELEASE);
}

/* Max Resp Code to milliseconds (RFC 3376 §4.1.1; tenths of seconds). */
static uint64_t
max_resp_ms(uint8_t code, bool v3)
{
	uint32_t v = code;

	if (v3 && code >= 128)
		v = ((uint32_t)(code & 0x0f) | 0x10) << (((code >> 4) & 7) + 3);
	return (uint64_t)v * 100;
}

/*
 * A query: a general IGMPv3 one is answered with one report of every
 * group; a group-specific one, and an IGMPv2 general one (one report per
 * group, RFC 2236), schedule the groups' own answers.
 */
static void
query(struct dp_lcore *lc, uint32_t group, uint64_t resp_ms, bool v2)
{
	struct dp_mc_table *mc = lc->eng->mc;
	struct dp_mc_group *g;

	if (group == 0 && !v2) {
		timer_set_general(mc, lc->now + random_delay(lc, resp_ms) + 1);
		return;
	}
	if (group != 0) {
		g = dp_mcast_group(lc->eng, group);
		if (g != NULL && !empty(&g->iface))
			timer_set(mc, g, &g->answer_at, lc->now +
				random_delay(lc, resp_ms) + 1);
		return;
	}
	TAILQ_FOREACH(g, &mc->tracked, tracked_link)
		if (!empty(&g->iface))
			timer_set(mc, g, &g->answer_at, lc->now +
				random_delay(lc, resp_ms) + 1);
}

/* Lcore 0. Consumes m, whose data starts at the IPv4 header. */
void
dp_igmp_input(struct dp_lcore *lc, struct rte_mbuf *m)
{
	const struct igmp_hdr *h;
	uint32_t len = m->pkt_len - m->l3_len;

	if (len < sizeof(*h)) {
		DP_STAT_INC(lc, igmp_short);
		goto drop;
	}
	h = rte_pktmbuf_mtod_offset(m, const struct igmp_hdr *, m->l3_len);
	if (rte_raw_cksum(h, len) != 0xffff) {
		DP_STAT_INC(lc, igmp_bad_csum);
		goto drop;
	}
	switch (h->type) {
	case IGMP_QUERY:
		if (h->group != 0 && !IP_MC(h->group)) {
			DP_STAT_INC(lc, igmp_bad_query);
			break;
		}
		if (len == sizeof(*h)) {
			/* IGMPv1 (code 0) or v2: older-version mode. */
			DP_STAT_INC(lc, igmp_v2_query_rx);
			lc->eng->mc->v2_until = lc->now +
				ms_tsc(lc, V2_PRESENT_MS);
			query(lc, h->group, h->code == 0 ? 10000 :
				max_resp_ms(h->code, false), true);
		} else if (len >= sizeof(struct igmp_v3_query) &&
				len >= sizeof(struct igmp_v3_query) + 4u *
				rte_be_to_cpu_16(((const struct igmp_v3_query *)
				h)->nsrc)) {
			DP_STAT_INC(lc, igmp_query_rx);
			query(lc, h->group, max_resp_ms(h->code, true), false);
		} else {
			DP_STAT_INC(lc, igmp_short);
		}
		break;
	case IGMP_V1_REPORT:
	case IGMP_V2_REPORT:
	case IGMP_V2_LEAVE:
	case IGMP_V3_REPORT:
		DP_STAT_INC(lc, igmp_other_rx);	/* other hosts' business */
		break;
	default:
		DP_STAT_INC(lc, igmp_unknown_type);
		break;
	}
drop:
	dp_pktmbuf_free(m);
}

static void
answer_general(struct dp_lcore *lc)
{
	struct dp_mc_table *mc = lc->eng->mc;
	struct report r = { .m = NULL };
	struct dp_mc_group *g;

	TAILQ_FOREACH(g, &mc->tracked, tracked_link)
		if (!empty(&g->iface))
			state_record(lc, &r, g, false);
	report_flush(lc, &r);
}

/*
 * A leaving record's retransmission: unless the group was joined again
 * meanwhile (a newer record in the table), when our leave following the
 * new join's report would tell the router we left.
 */
static bool
superseded(const struct dp_lcore *lc, const struct dp_mc_group *g)
{
	const struct dp_mc_group *now = dp_mcast_group(lc->eng, g->group);

	return now != NULL && now != g;
}

/* One record's due timers. True if it has none left. */
static bool
timers(struct dp_lcore *lc, struct report *r, struct dp_mc_group *g)
{
	if (g->answer_at != 0 && lc->now >= g->answer_at) {
		g->answer_at = 0;
		if (empty(&g->iface))
			;	/* left meanwhile: nothing to say */
		else if (v2_mode(lc))
			v2_message(lc, IGMP_V2_REPORT, g->group);
		else
			state_record(lc, r, g, false);
	}
	if (g->retransmit_at != 0 && lc->now >= g->retransmit_at) {
		g->retransmit_at = 0;
		if (g->retransmits != 0 && !((g->igmp & DP_MC_I_LEAVING) &&
				superseded(lc, g))) {
			g->retransmits--;
			if (v2_mode(lc))
				v2_state(lc, g, false);
			else
				state_record(lc, r, g, true);
		}
	}
	return g->answer_at == 0 && g->retransmit_at == 0;
}

/* Lcore 0, every SCAN_MS: answers and retransmissions due. */
static void
scan(struct dp_timer_wheel *w, struct dp_timer *t)
{
	struct dp_lcore *lc = dp_lcore_of_timers(w);
	struct dp_mc_table *mc = lc->eng->mc;
	struct report r = { .m = NULL };
	struct dp_mc_group *g, *next;

	/* From now: periods a stalled lcore missed are not made up. */
	dp_timer_arm(w, t, lc->now_us + SCAN_MS * 1000);
	if (mc->general_at != 0 && lc->now >= mc->general_at) {
		mc->general_at = 0;
		answer_general(lc);
	}
	for (g = TAILQ_FIRST(&mc->timed); g != NULL; g = next) {
		next = TAILQ_NEXT(g, timed_link);
		if (!timers(lc, &r, g))
			continue;
		if (g->igmp & DP_MC_I_LEAVING) {
			retire(mc, g);	/* its leave is said: done */
			continue;
		}
		TAILQ_REMOVE(&mc->timed, g, timed_link);
		g->igmp &= ~DP_MC_I_TIMED;
	}
	report_flush(lc, &r);
	records_reclaim(mc);
}

void
dp_igmp_lcore_start(struct dp_lcore *lc)
{
	struct dp_mc_table *mc = lc->eng->mc;

	if (lc->id != 0)
		return;
	dp_timer_init(&mc->scan, scan);
	dp_timer_arm(&lc->timers, &mc->scan, lc->now_us + SCAN_MS * 1000);
}
