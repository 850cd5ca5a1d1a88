/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * /wspdk/tcp[,<first id>]: every TCB (TIME-WAIT and listeners too, and
 * orphans' TIME-WAIT records under the id their socket had) with
 * its state, owner, sequence space, windows, congestion and RTT state
 * and counters, as "tcb_<socket id>" dicts in socket id order, a page
 * at a time behind a head that counts them all:
 *
 *   connections    TCBs now; "<state>" how many are in each
 *   first, listed  the page's lowest id asked, the dicts that follow
 *   next           0, or the id to ask for the next page from
 *
 * A connection's fields are its owner's (plain fields, written by it
 * alone): each lcore copies those of its table on itself, through its
 * control ring, so each copy is taken between two of its segments,
 * never torn, and TSan sees the ring's hand-off. Listeners are not in
 * any lcore's table: their few shown words are atomic ones, read under
 * the socket table's lock. A page is as many TCBs as the worst case of
 * their JSON fits in telemetry's 16 KB reply (22.11 drops what does
 * not fit, silently).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_telemetry.h>

#include "dp_tcp.h"
#include "dp_telemetry.h"

/* The longest dict below is ~1.4 KB (every number at its widest): 9
 * of them and the head stay under 16 KB. */
#define TEL_PAGE	9

static const char *const state_names[] = {
	"CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED",
	"FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT", "CLOSING", "LAST-ACK",
	"TIME-WAIT",
};

static const char *const recov_names[] = { "open", "recovery", "loss" };

const char *
dp_tcp_state_name(uint8_t st)
{
	return st < RTE_DIM(state_names) ? state_names[st] : "?";
}

struct tel_req {
	uint32_t from;
	struct dp_tcp_tel *out;
	unsigned int max, n;		/* the page, lowest ids, sorted */
	unsigned int at_from;		/* TCBs with id >= from */
	uint32_t total;
	uint32_t *by_state;
};

/* A slot for id in the sorted page, or NULL if the page is full of
 * lower ones (it is still counted). */
static struct dp_tcp_tel *
page_slot(struct tel_req *r, uint32_t id)
{
	unsigned int i;

	r->total++;
	if (id < r->from)
		return NULL;
	r->at_from++;
	for (i = r->n; i > 0 && r->out[i - 1].id > id; i--)
		;
	if (i == r->max)
		return NULL;
	if (r->n == r->max)
		r->n--;			/* the highest falls off */
	memmove(&r->out[i + 1], &r->out[i], (r->n - i) * sizeof(*r->out));
	r->n++;
	memset(&r->out[i], 0, sizeof(*r->out));
	r->out[i].id = id;
	return &r->out[i];
}

/* One connection, on its owner. */
static void
tcb_copy(struct dp_lcore *lc, struct dp_tcp_pcb *tp, struct dp_tcp_tel *t)
{
	struct dp_sock *s = tp->s;

	t->state = dp_tcp_state(tp);
	t->recov = tp->recov;
	t->cc = tp->cc_algo;
	t->orphan = (tp->tf & TF_APP_CLOSED) != 0;
	t->lcore = (uint16_t)lc->id;
	t->local.ip = rte_be_to_cpu_32(tp->laddr);
	t->local.port = rte_be_to_cpu_16(tp->lport);
	t->peer.ip = rte_be_to_cpu_32(tp->faddr);
	t->peer.port = rte_be_to_cpu_16(tp->fport);
	t->snd_una = tp->snd_una;
	t->snd_nxt = tp->snd_nxt;
	t->snd_max = tp->snd_max;
	t->rcv_nxt = tp->rcv_nxt;
	t->snd_wnd = tp->snd_wnd;
	t->rcv_wnd = __atomic_load_n(&tp->adv_wnd, __ATOMIC_RELAXED);
	t->snd_scale = tp->snd_scale;
	t->rcv_scale = tp->rcv_scale;
	t->mss = tp->mss;
	t->cwnd = tp->cwnd;
	t->ssthresh = tp->ssthresh;
	t->in_flight = dp_tcp_synced(t->state) ? dp_tcp_in_flight(tp) : 0;
	t->srtt_us = tp->srtt_us;
	t->rttvar_us = tp->rttvar_us;
	/* As SIO_TCP_INFO shows it: the least of RACK's and SRTT's. */
	t->min_rtt_us = tp->min_rtt_us;
	if (tp->srtt_min_us != 0 && (t->min_rtt_us == 0 ||
			tp->srtt_min_us < t->min_rtt_us))
		t->min_rtt_us = tp->srtt_min_us;
	t->rto_us = tp->rto_us;
	t->bytes_in = tp->bytes_in;
	t->bytes_out = tp->bytes_out;
	t->segs_in = tp->segs_in;
	t->segs_out = tp->segs_out;
	t->tso_bursts = tp->tso_bursts;
	t->rexmit_segs = __atomic_load_n(&s->st.tcp_rexmit_segs,
		__ATOMIC_RELAXED);
	t->rexmit_bytes = __atomic_load_n(&s->st.tcp_rexmit_bytes,
		__ATOMIC_RELAXED);
	t->rto = __atomic_load_n(&s->st.tcp_rto,
		__ATOMIC_RELAXED);
	t->tlp_probes = __atomic_load_n(&s->st.tcp_tlp_probes,
		__ATOMIC_RELAXED);
	t->recoveries = __atomic_load_n(&s->st.tcp_fast_recoveries,
		__ATOMIC_RELAXED);
	t->dsack_spurious = __atomic_load_n(&s->st.tcp_dsack_spurious,
		__ATOMIC_RELAXED);
	t->rexmit_rto = tp->rexmit_rto;
	t->rexmit_tlp = tp->rexmit_tlp;
	t->rexmit_fast = tp->rexmit_fast;
	t->dupacks_in = tp->dupacks_in;
	t->sack_acks_in = tp->sack_acks_in;
	t->dsacks_in = tp->dsacks_in;
	t->ooo_bytes = tp->oq_bytes;
	t->ooo_segs = tp->oq_n;
	t->zwp_out = tp->zwp_out;
	t->chack_out = tp->chack_out;
	t->keep_out = tp->keep_out;
	if (t->state == DP_TCP_TIME_WAIT && tp->t_2msl > lc->now_us)
		t->tw_left_ms = (tp->t_2msl - lc->now_us) / 1000;
}

/* An orphan's TIME-WAIT record, on its owner: what it kept. */
static void
tw_copy(struct dp_lcore *lc, const struct dp_tcp_tw *tw, void *arg)
{
	struct tel_req *r = arg;
	struct dp_tcp_tel *t = page_slot(r, tw->id);

	r->by_state[DP_TCP_TIME_WAIT]++;
	if (t == NULL)
		return;
	t->state = DP_TCP_TIME_WAIT;
	t->orphan = true;
	t->lcore = (uint16_t)lc->id;
	t->local.ip = rte_be_to_cpu_32(tw->laddr);
	t->local.port = rte_be_to_cpu_16(tw->lport);
	t->peer.ip = rte_be_to_cpu_32(tw->faddr);
	t->peer.port = rte_be_to_cpu_16(tw->fport);
	t->snd_una = t->snd_nxt = t->snd_max = tw->snd_nxt;
	t->rcv_nxt = tw->rcv_nxt;
	t->rcv_wnd = tw->wnd;
	t->rcv_scale = tw->rcv_scale;
	if (tw->expire_us > lc->now_us)
		t->tw_left_ms = (tw->expire_us - lc->now_us) / 1000;
}

/* On each lcore: its table, then its TIME-WAIT records. */
static int
lcore_walk(struct dp_lcore *lc, void *arg)
{
	struct tel_req *r = arg;

	for (unsigned int b = 0; b <= lc->tcp->mask; b++)
		for (struct dp_tcp_pcb *tp = lc->tcp->hash[b]; tp != NULL;
				tp = tp->hnext) {
			struct dp_tcp_tel *t = page_slot(r, tp->s->id);

			r->by_state[dp_tcp_state(tp)]++;
			if (t != NULL)
				tcb_copy(lc, tp, t);
		}
	dp_tcp_tw_foreach(lc, tw_copy, r);
	return 0;
}

/* Listeners, from the socket table: atomic words only. */
static void
listeners(struct dp_engine *eng, struct tel_req *r)
{
	struct dp_sock_table *t = eng->socks;
	struct dp_sock *s;

	rte_spinlock_lock(&t->lock);
	TAILQ_FOREACH(s, &t->all, link) {
		struct dp_tcp_pcb *tp;
		struct dp_lcore *owner;
		struct dp_tcp_tel *e;

		if (s->ops != &dp_tcp_ops)
			continue;
		tp = dp_tcp_pcb(s);
		if (dp_tcp_state(tp) != DP_TCP_LISTEN ||
				!__atomic_load_n(&s->bound, __ATOMIC_ACQUIRE))
			continue;
		r->by_state[DP_TCP_LISTEN]++;
		e = page_slot(r, s->id);
		if (e == NULL)
			continue;
		owner = __atomic_load_n(&s->owner, __ATOMIC_ACQUIRE);
		e->state = DP_TCP_LISTEN;
		e->lcore = (uint16_t)owner->id;
		e->local = s->local;
		e->children = __atomic_load_n(&tp->children,
			__ATOMIC_RELAXED);
	}
	rte_spinlock_unlock(&t->lock);
}

unsigned int
dp_tcp_tel_dump(struct dp_engine *eng, uint32_t from, struct dp_tcp_tel *out,
		unsigned int max, uint32_t *total,
		uint32_t by_state[DP_TCP_TIME_WAIT + 1])
{
	struct tel_req r = { .from = from, .out = out, .max = max,
		.by_state = by_state };

	memset(by_state, 0, sizeof(uint32_t) * (DP_TCP_TIME_WAIT + 1));
	for (unsigned int i = 0; i < eng->nb_lcores; i++)
		dp_ctl_call(eng->lcores[i], lcore_walk, &r);
	listeners(eng, &r);
	*total = r.total;
	return r.at_from;
}

static uint32_t
fill_tcb(struct rte_tel_data *e, const void *item, unsigned int index)
{
	const struct dp_tcp_tel *t = item;

	RTE_SET_USED(index);
	rte_tel_data_add_dict_string(e, "state", dp_tcp_state_name(t->state));
	rte_tel_data_add_dict_u64(e, "lcore", t->lcore);
	dp_tel_add_addr(e, "local", &t->local);
	if (t->state == DP_TCP_LISTEN) {
		rte_tel_data_add_dict_u64(e, "children", t->children);
		return t->id;
	}
	dp_tel_add_addr(e, "peer", &t->peer);
	rte_tel_data_add_dict_u64(e, "orphan", t->orphan);
#define U64(f)	rte_tel_data_add_dict_u64(e, #f, t->f)
	U64(snd_una);
	U64(snd_nxt);
	U64(snd_max);
	U64(rcv_nxt);
	U64(snd_wnd);
	U64(snd_scale);
	U64(rcv_wnd);
	U64(rcv_scale);
	U64(mss);
	rte_tel_data_add_dict_string(e, "cc", t->cc < DP_TCP_CC_COUNT ?
		(t->cc == DP_TCP_CC_CUBIC ? "cubic" : "newreno") : "?");
	rte_tel_data_add_dict_string(e, "ca_state",
		t->recov < RTE_DIM(recov_names) ? recov_names[t->recov] : "?");
	U64(cwnd);
	U64(ssthresh);
	U64(in_flight);
	U64(srtt_us);
	U64(rttvar_us);
	U64(min_rtt_us);
	U64(rto_us);
	U64(bytes_in);
	U64(bytes_out);
	U64(segs_in);
	U64(segs_out);
	U64(tso_bursts);
	U64(rexmit_segs);
	U64(rexmit_bytes);
	U64(rexmit_rto);
	U64(rexmit_tlp);
	U64(rexmit_fast);
	U64(rto);
	U64(tlp_probes);
	U64(recoveries);
	U64(dupacks_in);
	U64(sack_acks_in);
	U64(dsacks_in);
	U64(dsack_spurious);
	U64(ooo_bytes);
	U64(ooo_segs);
	U64(zwp_out);
	U64(chack_out);
	U64(keep_out);
	if (t->state == DP_TCP_TIME_WAIT)
		U64(tw_left_ms);
#undef U64
	return t->id;
}

static int
cmd_tcp(const char *cmd, const char *params, struct rte_tel_data *d)
{
	uint32_t total = 0, by_state[DP_TCP_TIME_WAIT + 1] = { 0 };
	struct dp_tcp_tel *page;
	unsigned int at = 0, n = 0;
	struct dp_engine *eng;
	unsigned long from = 0;
	char *end;

	RTE_SET_USED(cmd);
	if (params != NULL && *params != '\0') {
		from = strtoul(params, &end, 10);
		if (*end != '\0' || from > UINT32_MAX)
			return -1;
	}
	page = calloc(TEL_PAGE, sizeof(*page));
	if (page == NULL)
		return -1;
	rte_tel_data_start_dict(d);
	eng = dp_engine_get();
	if (eng != NULL && eng->driven) {
		/* Its lcores are the stepping thread's: no owner to ask. */
		dp_engine_put();
		eng = NULL;
	}
	if (eng != NULL) {
		at = dp_tcp_tel_dump(eng, (uint32_t)from, page, TEL_PAGE,
			&total, by_state);
		dp_engine_put();
	}
	n = RTE_MIN(at, (unsigned int)TEL_PAGE);
	rte_tel_data_add_dict_u64(d, "connections", total);
	for (unsigned int i = DP_TCP_LISTEN; i <= DP_TCP_TIME_WAIT; i++)
		rte_tel_data_add_dict_u64(d, state_names[i], by_state[i]);
	rte_tel_data_add_dict_u64(d, "first", from);
	rte_tel_data_add_dict_u64(d, "listed", n);
	rte_tel_data_add_dict_u64(d, "next", at > n ? page[n - 1].id + 1 : 0);
	dp_tel_add_items(d, "tcb", page, sizeof(*page), n, fill_tcb);
	free(page);
	return 0;
}

void
dp_tcp_telemetry(void)
{
	rte_telemetry_register_cmd("/wspdk/tcp", cmd_tcp,
		"wspdk TCBs: state, windows, RTT, counters. "
		"Parameters: first socket id (pages)");
}
