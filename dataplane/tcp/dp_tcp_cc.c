/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Congestion control on the owner lcore: the algorithms' table (NewReno
 * here, CUBIC in dp_tcp_cc_cubic.c; tp->cc_algo picks, DP_OPT_TCP_CC
 * sets it per socket, DP_TCP_CC_DEFAULT otherwise), what they share
 * (slow start with appropriate byte counting, RFC 3465, L = 2 SMSS),
 * and recovery: entry (ssthresh from the algorithm), Proportional Rate
 * Reduction for the amount sent while in it (RFC 6937, PRR-SSRB), exit
 * at the first ACK covering `recover' with cwnd = ssthresh.
 *
 * cwnd is in bytes and, as in Linux, limits what is in flight
 * (dp_tcp_in_flight), not SND.NXT - SND.UNA: SACKed and lost segments
 * leave room for retransmissions and new data. It grows only while it
 * limits the sender (dp_tcp_cwnd_limited): one held back by the peer's
 * window or by the application would otherwise grow it without bound,
 * and burst into it once the limit lifts.
 */
#include <rte_common.h>

#include "dp_tcp.h"

static const struct dp_tcp_cc_ops *const algos[DP_TCP_CC_COUNT] = {
	[DP_TCP_CC_NEWRENO] = &dp_tcp_cc_newreno,
	[DP_TCP_CC_CUBIC] = &dp_tcp_cc_cubic,
};

const struct dp_tcp_cc_ops *
dp_tcp_cc(const struct dp_tcp_pcb *tp)
{
	return tp->cc_algo < DP_TCP_CC_COUNT ? algos[tp->cc_algo] :
		&dp_tcp_cc_newreno;
}

bool
dp_tcp_cc_slow_start(struct dp_tcp_pcb *tp, uint32_t *acked)
{
	uint32_t room, inc;

	if (tp->cwnd >= tp->ssthresh)
		return false;
	room = tp->ssthresh - tp->cwnd;
	inc = RTE_MIN(*acked, 2u * tp->mss);	/* ABC, L = 2 */
	if (inc > room)
		inc = room;
	tp->cwnd += inc;
	*acked -= inc;
	return *acked == 0 || tp->cwnd < tp->ssthresh;
}

/*
 * Linux's tcp_cwnd_validate, in bytes: a window (up to cwnd_seq, the
 * SND.NXT it began at) is cwnd-limited if any output in it left less
 * than a segment of cwnd free; otherwise its largest flight is kept for
 * slow start's bound. A new window begins once SND.UNA passes cwnd_seq,
 * so the verdict follows the sender within a round trip.
 */
void
dp_tcp_cc_validate(struct dp_tcp_pcb *tp, uint32_t flight)
{
	bool lim = flight >= tp->cwnd || tp->cwnd - flight < tp->mss;

	if (!SEQ_LT(tp->snd_una, tp->cwnd_seq) || lim ||
			(!tp->cwnd_lim && flight > tp->max_flight)) {
		tp->cwnd_lim = lim;
		tp->max_flight = flight;
		tp->cwnd_seq = tp->snd_nxt;
	}
}

/* RFC 5681 §3.1 with RFC 3465: one SMSS per cwnd's worth of bytes ACKed. */
static void
newreno_cong_avoid(struct dp_tcp_pcb *tp, uint32_t acked, uint64_t now)
{
	(void)now;
	if (!dp_tcp_cwnd_limited(tp))
		return;
	if (dp_tcp_cc_slow_start(tp, &acked))
		return;
	tp->abc_acked += acked;
	if (tp->abc_acked >= tp->cwnd) {
		tp->abc_acked -= tp->cwnd;
		tp->cwnd += tp->mss;
	}
}

/* RFC 5681 (4). */
static uint32_t
newreno_ssthresh(struct dp_tcp_pcb *tp, uint64_t now)
{
	(void)now;
	return RTE_MAX((tp->snd_max - tp->snd_una) / 2, 2u * tp->mss);
}

static void
newreno_init(struct dp_tcp_pcb *tp)
{
	tp->abc_acked = 0;
}

const struct dp_tcp_cc_ops dp_tcp_cc_newreno = {
	.name = "newreno",
	.init = newreno_init,
	.cong_avoid = newreno_cong_avoid,
	.ssthresh = newreno_ssthresh,
};

uint32_t
dp_tcp_iw(const struct dp_tcp_pcb *tp)
{
	/* RFC 6928 §2: min(10 MSS, max(2 MSS, 14600)) */
	uint32_t iw = RTE_MAX(2u * tp->mss, (uint32_t)DP_TCP_IW_BYTES);

	return RTE_MIN((uint32_t)DP_TCP_IW * tp->mss, iw);
}

/*
 * RFC 5681 §4.1, as Linux's tcp_cwnd_restart (RFC 2861's decay): a
 * cwnd not used for longer than the RTO no longer says what the path
 * takes. It is halved per RTO idle, down to the restart window, min(IW,
 * cwnd); ssthresh keeps 3/4 of the old one, so slow start finds it
 * again in a few round trips. Off with WSPDK_TCP_IDLE_RESTART=0 (the
 * latency profile): an order burst after a quiet spell then leaves at
 * once. CUBIC's epoch already leaves the idle time out (§5.8).
 */
void
dp_tcp_cc_idle(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	uint64_t idle = lc->now_us - tp->snd_last_us;
	uint32_t rw, cwnd = tp->cwnd;

	if (!lc->eng->tcp->idle_restart || tp->snd_last_us == 0 ||
			tp->rto_us == 0 || idle <= tp->rto_us ||
			tp->recov != DP_TCP_CA_OPEN)
		return;
	rw = RTE_MIN(dp_tcp_iw(tp), cwnd);
	tp->ssthresh = RTE_MAX(tp->ssthresh, (cwnd >> 1) + (cwnd >> 2));
	while (idle > tp->rto_us && cwnd > rw) {
		idle -= tp->rto_us;
		cwnd >>= 1;
	}
	tp->cwnd = RTE_MAX(cwnd, rw);
	tp->abc_acked = 0;
	DP_STAT_INC(lc, tcp_cwnd_restart);
}

void
dp_tcp_cc_enter_recovery(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	tp->ssthresh = dp_tcp_cc(tp)->ssthresh(tp, lc->now_us);
	tp->recov = DP_TCP_CA_RECOVERY;
	tp->recover = tp->snd_max;
	tp->prr_delivered = 0;
	tp->prr_out = 0;
	tp->recover_fs = RTE_MAX(tp->snd_max - tp->snd_una, 1u);
	tp->abc_acked = 0;
	/* The first retransmission goes at once (RFC 6675 §5 (3)). */
	tp->cwnd = dp_tcp_in_flight(tp) + tp->mss;
	DP_STAT_INC(lc, tcp_fast_rexmit);
	DP_STAT_INC(lc, tcp_recovery);
	DP_TCP_CSTAT_ADD(tp, fast_recoveries, 1);
	tp->fast_retrans++;		/* SIO_TCP_INFO's FastRetrans */
}

/* RFC 6937 §3.1, per ACK in recovery: cwnd becomes what is in flight
 * plus what PRR lets out now. */
static void
prr(struct dp_tcp_pcb *tp, const struct dp_tcp_ackinfo *ai)
{
	uint32_t pipe = dp_tcp_in_flight(tp);
	int64_t sndcnt;

	tp->prr_delivered += ai->delivered;
	if (pipe > tp->ssthresh) {
		uint64_t n = (uint64_t)tp->prr_delivered * tp->ssthresh;

		sndcnt = (int64_t)((n + tp->recover_fs - 1) / tp->recover_fs) -
			tp->prr_out;
	} else {
		/* PRR-SSRB: back towards ssthresh, at most one SMSS more
		 * than was delivered. */
		int64_t limit = RTE_MAX((int64_t)tp->prr_delivered -
			tp->prr_out, (int64_t)ai->delivered) + tp->mss;

		sndcnt = RTE_MIN((int64_t)tp->ssthresh - pipe, limit);
	}
	if (sndcnt < 0)
		sndcnt = 0;
	if (tp->prr_out == 0 && sndcnt < tp->mss)
		sndcnt = tp->mss;	/* the fast retransmit itself */
	tp->cwnd = pipe + (uint32_t)sndcnt;
}

void
dp_tcp_cc_ack(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		const struct dp_tcp_ackinfo *ai)
{
	if (tp->recov != DP_TCP_CA_OPEN && ai->acked != 0 &&
			SEQ_GEQ(tp->snd_una, tp->recover)) {
		/* Recovery over (RFC 6582's full ACK; RFC 6937 §3). */
		if (tp->recov == DP_TCP_CA_RECOVERY)
			tp->cwnd = RTE_MAX(tp->ssthresh, (uint32_t)tp->mss);
		tp->recov = DP_TCP_CA_OPEN;
		if (!(tp->tf & TF_SACK_OK))
			tp->sacked_bytes = 0;
		return;
	}
	if (tp->recov == DP_TCP_CA_RECOVERY) {
		prr(tp, ai);
		return;
	}
	if (ai->acked != 0)
		dp_tcp_cc(tp)->cong_avoid(tp, ai->acked, lc->now_us);
}
