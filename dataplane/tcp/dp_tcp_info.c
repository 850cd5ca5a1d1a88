/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What an application asks of a connection: SIO_TCP_INFO's counters,
 * SO_CONNECT_TIME, and its user timeout, TCP_MAXRT.
 *
 * The owner lcore writes every counter as plain fields. A reader takes
 * its snapshot with a control-ring request to the owner
 * (dp_sock_owner_call) rather than a seqlock: the ioctl is rare and not
 * on any data path, a round trip of a few µs costs nothing there, the
 * owner's hot path stays free of sequence stores and fences, and the
 * ring's release/acquire hand-off makes the copy consistent and
 * race-free (TSan sees the happens-before) with nothing to keep in step
 * when fields are added.
 */
#include <errno.h>
#include <string.h>

#include <rte_common.h>

#include "dp_tcp.h"

#define MAXRT_FOREVER_RTO_US	60000000	/* Windows' cap at -1 */

/* ---- send limits (TCP_INFO_v1's SndLim*) ---- */

static uint8_t
limit_now(const struct dp_tcp_pcb *tp)
{
	uint32_t end = tp->sq_seq + tp->sq_bytes;
	uint32_t flight = tp->snd_nxt - tp->snd_una;

	if (!SEQ_LT(tp->snd_nxt, end))
		return DP_TCP_LIM_SND;		/* nothing left to send */
	if (flight >= tp->snd_wnd && tp->snd_wnd <= tp->cwnd)
		return DP_TCP_LIM_RWIN;
	if (flight >= tp->cwnd)
		return DP_TCP_LIM_CWND;
	return DP_TCP_LIM_SND;			/* Nagle, SWS */
}

void
dp_tcp_info_note(struct dp_lcore *lc, struct dp_tcp_pcb *tp, uint32_t bytes)
{
	uint8_t lim = limit_now(tp);

	tp->bytes_out += bytes;
	tp->lim_bytes[tp->lim] += bytes;
	if (lim == tp->lim)
		return;
	if (tp->lim_since != 0)
		tp->lim_ms[tp->lim] += (uint32_t)((lc->now_us - tp->lim_since) /
			1000);
	tp->lim = lim;
	tp->lim_since = lc->now_us;
	tp->lim_trans[lim]++;
}

/* ---- TCP_MAXRT ---- */

bool
dp_tcp_maxrt_expired(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		unsigned int max_retries)
{
	uint8_t st = dp_tcp_state(tp);

	if (tp->rxtshift == 0) {
		/* A new episode: its data went out one RTO ago. */
		tp->rxt_start = lc->now_us - RTE_MIN((uint64_t)tp->rto_us,
			lc->now_us);
		tp->timeouts++;
	}
	if (tp->rxtshift < UINT8_MAX)
		tp->rxtshift++;
	if (tp->maxrt_s > 0 && lc->now_us - tp->rxt_start >=
			(uint64_t)tp->maxrt_s * 1000000)
		return true;
	if (tp->maxrt_s == 0 && tp->rxtshift > max_retries)
		return true;
	if ((st == DP_TCP_SYN_SENT || st == DP_TCP_SYN_RECEIVED) &&
			tp->syn_retrans < UINT8_MAX)
		tp->syn_retrans++;
	return false;
}

void
dp_tcp_maxrt_clamp(struct dp_tcp_pcb *tp)
{
	uint64_t end;

	if (tp->maxrt_s < 0) {
		if (tp->rto_us > MAXRT_FOREVER_RTO_US)
			tp->rto_us = MAXRT_FOREVER_RTO_US;
		return;
	}
	if (tp->maxrt_s == 0 || tp->t_rexmt == 0)
		return;
	/* The drop comes at MAXRT, not at the backed-off RTO after it. */
	end = tp->rxt_start + (uint64_t)tp->maxrt_s * 1000000;
	if (tp->t_rexmt > end)
		tp->t_rexmt = end;
}

/* ---- the application's side ---- */

struct info_req {
	struct dp_sock *s;
	struct dp_tcp_info *out;
};

static int
info_owner(struct dp_lcore *lc, void *arg)
{
	struct info_req *r = arg;
	struct dp_tcp_info *o = r->out;
	struct dp_sock *s = r->s;
	struct dp_tcp_pcb *tp = dp_tcp_pcb(s);
	uint8_t st = dp_tcp_state(tp);

	memset(o, 0, sizeof(*o));
	o->state = st;
	o->timestamps = (tp->tf & TF_REQ_TS) != 0;
	o->syn_retrans = tp->syn_retrans;
	o->mss = tp->mss;
	if (tp->est_us != 0)
		o->conn_ms = (lc->now_us - tp->est_us) / 1000;
	o->rtt_us = tp->srtt_us;
	/* The least sample of any kind: RACK's (data segments, some that
	 * SRTT never takes) or SRTT's (the handshake's too), so it is
	 * never above the SRTT it is shown beside. */
	o->min_rtt_us = tp->min_rtt_us;
	if (tp->srtt_min_us != 0 && (o->min_rtt_us == 0 ||
			tp->srtt_min_us < o->min_rtt_us))
		o->min_rtt_us = tp->srtt_min_us;
	o->in_flight = dp_tcp_synced(st) ? tp->snd_max - tp->snd_una : 0;
	o->cwnd = tp->cwnd;
	o->snd_wnd = tp->snd_wnd;
	o->rcv_wnd = __atomic_load_n(&tp->adv_wnd, __ATOMIC_RELAXED);
	o->rcv_buf = __atomic_load_n(&s->rcvbuf, __ATOMIC_RELAXED);
	o->bytes_out = tp->bytes_out;
	o->bytes_in = tp->bytes_in;
	o->bytes_reordered = tp->bytes_reordered;
	o->bytes_retrans = tp->bytes_retrans;
	o->fast_retrans = tp->fast_retrans;
	o->dupacks_in = tp->dupacks_in;
	o->timeouts = tp->timeouts;
	for (unsigned int i = 0; i < RTE_DIM(o->lim_trans); i++) {
		o->lim_trans[i] = tp->lim_trans[i];
		o->lim_ms[i] = tp->lim_ms[i];
		o->lim_bytes[i] = tp->lim_bytes[i];
	}
	/* The state it is in counts until now. */
	if (tp->lim_since != 0)
		o->lim_ms[tp->lim] += (uint32_t)((lc->now_us - tp->lim_since) /
			1000);
	return 0;
}

int
dp_sock_tcp_info(struct dp_sock *s, struct dp_tcp_info *out)
{
	struct info_req r = { s, out };

	if (s->ops != &dp_tcp_ops)
		return -EOPNOTSUPP;
	return dp_sock_owner_call(s, info_owner, &r);
}

struct time_req {
	struct dp_sock *s;
	int64_t secs;
};

static int
connect_time_owner(struct dp_lcore *lc, void *arg)
{
	struct time_req *r = arg;
	struct dp_tcp_pcb *tp = dp_tcp_pcb(r->s);
	uint8_t st = dp_tcp_state(tp);

	/* Connected: established, or past it and not yet closed. */
	if (tp->est_us == 0 || !dp_tcp_synced(st))
		r->secs = -1;
	else
		r->secs = (int64_t)((lc->now_us - tp->est_us) / 1000000);
	return 0;
}

int
dp_tcp_info_setopt(struct dp_sock *s, enum dp_opt opt, int64_t v)
{
	struct dp_tcp_pcb *tp = dp_tcp_pcb(s);

	if (opt != DP_OPT_MAXRT)
		return -ENOPROTOOPT;
	if (v < -1 || v > INT32_MAX)
		return -EINVAL;
	return dp_sock_owner_store(s, &tp->maxrt_s, (uint64_t)(uint32_t)v,
		sizeof(tp->maxrt_s));
}

int
dp_tcp_info_getopt(struct dp_sock *s, enum dp_opt opt, int64_t *v)
{
	struct time_req r = { s, -1 };
	int ret;

	switch (opt) {
	case DP_OPT_MAXRT:
		*v = __atomic_load_n(&dp_tcp_pcb(s)->maxrt_s,
			__ATOMIC_RELAXED);
		return 0;
	case DP_OPT_CONNECT_TIME:
		ret = dp_sock_owner_call(s, connect_time_owner, &r);
		*v = r.secs;
		return ret;
	default:
		return -ENOPROTOOPT;
	}
}
