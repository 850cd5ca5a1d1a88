/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP's timers on the owner lcore: retransmission (RFC 6298, µs),
 * persist (zero-window probes), keepalive, a held ACK's bound (pingpong
 * mode, dp_tcp.h "ACK policy"), and the deadlines of TIME-WAIT
 * (dp_tcp_timewait.c) and of an orphan's FIN-WAIT-2. One dp_timer per
 * socket, armed at the earliest of the TCB's deadlines; an ACK only
 * moves a deadline, the wheel is touched when the earliest one comes
 * sooner (one that moved later waits for the timer to fire early).
 */
#include <errno.h>

#include <rte_common.h>

#include "dp_tcp.h"

static uint64_t
earliest(const struct dp_tcp_pcb *tp)
{
	uint64_t t = UINT64_MAX;

	if (tp->t_rexmt != 0)
		t = tp->t_rexmt;
	if (tp->t_persist != 0 && tp->t_persist < t)
		t = tp->t_persist;
	if (tp->t_2msl != 0 && tp->t_2msl < t)
		t = tp->t_2msl;
	if (tp->t_keep != 0 && tp->t_keep < t)
		t = tp->t_keep;
	if (tp->t_recov != 0 && tp->t_recov < t)
		t = tp->t_recov;
	if (tp->t_delack != 0 && tp->t_delack < t)
		t = tp->t_delack;
	return t;
}

void
dp_tcp_timer_update(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	struct dp_sock *s = tp->s;
	uint64_t t = earliest(tp);

	/* Lazy, as FreeBSD's callouts: a deadline that moved later (each
	 * ACK or send pushes the RTO on) or went away leaves the wheel
	 * alone; the timer fires at the earlier time, finds nothing due
	 * and re-arms (or stays off). The wheel is touched once an RTO,
	 * not twice a round trip. */
	if (dp_timer_armed(&s->timer) && dp_timer_expire(&s->timer) <= t)
		return;
	if (t != UINT64_MAX)
		dp_timer_arm(&lc->timers, &s->timer, t);
}

void
dp_tcp_rexmt_arm(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	tp->t_rexmt = lc->now_us + tp->rto_us;
	tp->t_persist = 0;
}

/* RFC 6298 (2.2)/(2.3), with Linux's floor on the variance term so a
 * long path keeps its headroom (tcp-notes §2). */
void
dp_tcp_rtt_sample(struct dp_tcp_pcb *tp, uint32_t r)
{
	uint32_t d;

	if (r == 0)
		r = 1;
	if (tp->srtt_min_us == 0 || r < tp->srtt_min_us)
		tp->srtt_min_us = r;
	if (tp->srtt_us == 0) {
		tp->srtt_us = r;
		tp->rttvar_us = r / 2;
	} else {
		d = tp->srtt_us > r ? tp->srtt_us - r : r - tp->srtt_us;
		tp->rttvar_us = (3 * tp->rttvar_us + d) / 4;
		tp->srtt_us = (7 * tp->srtt_us + r) / 8;
	}
	tp->rto_us = tp->srtt_us + RTE_MAX(4 * tp->rttvar_us, tp->rto_min_us);
	if (tp->rto_us > DP_TCP_RTO_MAX_US)
		tp->rto_us = DP_TCP_RTO_MAX_US;
}

static void
rexmt_fire(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	uint8_t st = dp_tcp_state(tp);
	unsigned int max = st == DP_TCP_SYN_SENT || st == DP_TCP_SYN_RECEIVED ?
		DP_TCP_SYN_RETRIES : DP_TCP_DATA_RETRIES;

	tp->t_rexmt = 0;
	if (dp_tcp_maxrt_expired(lc, tp, max)) {
		/* SO_ERROR too: a non-blocking connect reports it. */
		dp_tcp_drop(lc, tp, ETIMEDOUT);
		return;
	}
	DP_STAT_INC(lc, tcp_rto);
	/* Backoff (5.5), kept until a new sample (Karn). */
	tp->rto_us = (uint32_t)RTE_MIN((uint64_t)tp->rto_us * 2,
		(uint64_t)DP_TCP_RTO_MAX_US);
	tp->rtt_start = 0;
	/* RFC 5681 (4): one segment after a timeout (dp_tcp_rack.c). */
	dp_tcp_loss_rto(lc, tp);
	if (st == DP_TCP_SYN_SENT) {
		DP_STAT_INC(lc, tcp_rexmit);
		dp_tcp_send_ctl(lc, tp, RTE_TCP_SYN_FLAG, tp->iss);
		dp_tcp_rexmt_arm(lc, tp);
	} else if (st == DP_TCP_SYN_RECEIVED) {
		DP_STAT_INC(lc, tcp_rexmit);
		dp_tcp_send_ctl(lc, tp, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG,
			tp->iss);
		dp_tcp_rexmt_arm(lc, tp);
	} else {
		dp_tcp_rexmt_arm(lc, tp);
		dp_tcp_rexmit(lc, tp);
	}
	dp_tcp_maxrt_clamp(tp);
}

/* States in which an idle connection is probed: the peer can still
 * ACK, and no retransmission is watching it already. */
static bool
keep_state(uint8_t st)
{
	return st == DP_TCP_ESTABLISHED || st == DP_TCP_CLOSE_WAIT ||
		st == DP_TCP_FIN_WAIT_1 || st == DP_TCP_FIN_WAIT_2 ||
		st == DP_TCP_CLOSING || st == DP_TCP_LAST_ACK;
}

void
dp_tcp_keep_arm(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	if (!tp->keepalive || !keep_state(dp_tcp_state(tp))) {
		tp->t_keep = 0;
		return;
	}
	if (tp->keep_probes != 0)
		return;			/* the interval runs */
	tp->t_keep = tp->rcv_us + (uint64_t)tp->keep_idle_ms * 1000;
	if (tp->t_keep <= lc->now_us)
		tp->t_keep = lc->now_us;	/* idle long enough already */
}

void
dp_tcp_keep_heard(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	tp->rcv_us = lc->now_us;
	if (tp->keep_probes != 0) {
		tp->keep_probes = 0;
		dp_tcp_keep_arm(lc, tp);
	}
	/* Otherwise t_keep stays: when it fires, keep_fire finds the
	 * peer heard since and moves it (no wheel work per segment). */
}

/* Idle: probe, or (DP_TCP_KEEP_CNT unanswered) drop the connection. The
 * error is ENETRESET: Winsock's WSAENETRESET, which Microsoft's SPI
 * pages define as the connection "broken due to keep-alive activity
 * detecting a failure" (e.g. WSPSetSockOpt, ms742293). */
static void
keep_fire(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	uint64_t idle = (uint64_t)tp->keep_idle_ms * 1000;

	tp->t_keep = 0;
	if (!tp->keepalive || !keep_state(dp_tcp_state(tp)))
		return;
	if (tp->keep_probes == 0 && lc->now_us - tp->rcv_us < idle) {
		tp->t_keep = tp->rcv_us + idle;
		return;
	}
	if (tp->snd_una != tp->snd_max || tp->t_persist != 0) {
		/* Retransmission or persist is probing already (Linux). */
		tp->keep_probes = 0;
		tp->t_keep = lc->now_us + idle;
		return;
	}
	if (tp->keep_probes >= DP_TCP_KEEP_CNT) {
		DP_STAT_INC(lc, tcp_keepalive_drop);
		dp_tcp_send_ctl(lc, tp, RTE_TCP_RST_FLAG, tp->snd_nxt);
		dp_tcp_drop(lc, tp, ENETRESET);
		return;
	}
	tp->keep_probes++;
	DP_STAT_INC(lc, tcp_keepalive);
	dp_tcp_keep_probe(lc, tp);
	tp->t_keep = lc->now_us + (uint64_t)tp->keep_intvl_ms * 1000;
}

/* A held ACK's bound passed: our application did not answer in time.
 * The ACK goes and pingpong mode ends (Linux); entering it again takes
 * twice the prompt replies: a peer's Nagle may have waited on this ACK
 * (dp_tcp.h, "ACK policy"). */
static void
delack_fire(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	tp->t_delack = 0;
	tp->pp_cnt = 0;
	if (tp->pp_shift < DP_TCP_PP_SHIFT_MAX)
		tp->pp_shift++;
	if (dp_tcp_synced(dp_tcp_state(tp)))
		dp_tcp_send_ack(lc, tp);
}

static void
persist_fire(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	tp->t_persist = 0;
	if (tp->snd_wnd != 0) {
		/* Open, or too small for sender SWS: the override timeout
		 * (MUST-38) sends what it takes. */
		tp->tf |= TF_SWS_OVERRIDE;
		dp_tcp_output(lc, tp);
		return;
	}
	dp_tcp_persist_probe(lc, tp);
	/* SHLD-30: back off; never give up while the probes are ACKed
	 * (MUST-37). */
	tp->persist_us = (uint32_t)RTE_MIN((uint64_t)tp->persist_us * 2,
		(uint64_t)DP_TCP_PERSIST_MAX_US);
	tp->t_persist = lc->now_us + tp->persist_us;
}

/* s->timer fired on the owner. */
void
dp_tcp_timer(struct dp_sock *s)
{
	struct dp_tcp_pcb *tp = dp_tcp_pcb(s);
	struct dp_lcore *lc = s->owner;
	uint64_t now = dp_timer_now(&lc->timers);

	if (dp_tcp_state(tp) == DP_TCP_CLOSED)
		return;
	if (tp->t_2msl != 0 && tp->t_2msl <= now) {
		/* TIME-WAIT over, or an orphan's FIN-WAIT-2 bound. */
		tp->t_2msl = 0;
		dp_tcp_close_tcb(lc, tp, 0);
		return;
	}
	if (tp->t_delack != 0 && tp->t_delack <= now)
		delack_fire(lc, tp);
	/* A loss probe due with the RTO goes first and moves it. */
	if (tp->t_recov != 0 && tp->t_recov <= now)
		dp_tcp_rack_timer(lc, tp);
	if (tp->t_rexmt != 0 && tp->t_rexmt <= now) {
		rexmt_fire(lc, tp);
		if (dp_tcp_state(tp) == DP_TCP_CLOSED)
			return;
	}
	if (tp->t_persist != 0 && tp->t_persist <= now)
		persist_fire(lc, tp);
	if (tp->t_keep != 0 && tp->t_keep <= now) {
		keep_fire(lc, tp);
		if (dp_tcp_state(tp) == DP_TCP_CLOSED)
			return;
	}
	dp_tcp_timer_update(lc, tp);
}
