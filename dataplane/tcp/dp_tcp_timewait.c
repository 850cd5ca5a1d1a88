/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TIME-WAIT on the owner lcore: entering it (2 MSL on the connection's
 * timer, the send queue gone) and the RFC 6191 rule by which a new SYN
 * may take the four-tuple over.
 */
#include "dp_tcp.h"

void
dp_tcp_enter_time_wait(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	dp_tcp_set_state(tp, DP_TCP_TIME_WAIT);
	tp->t_rexmt = tp->t_persist = tp->t_keep = 0;
	tp->t_2msl = lc->now_us + 2 * lc->eng->tcp->msl_us;
	/* Nothing more to send: what the peer ACKed is freed already. */
	dp_tcp_sq_free(tp->s, tp);
	dp_wait_note(lc, tp->s);
	dp_tcp_timer_update(lc, tp);
}

/* A TIME-WAIT connection may let a new SYN in (RFC 9293 MAY-2,
 * RFC 6191): sequence number past the old one, or a newer TSval. */
bool
dp_tcp_tw_reuse(const struct dp_tcp_pcb *tp, const struct dp_tcp_seg *sg)
{
	if ((sg->flags & (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG |
			RTE_TCP_RST_FLAG)) != RTE_TCP_SYN_FLAG)
		return false;
	if ((tp->tf & TF_REQ_TS) && sg->o.has_ts)
		return SEQ_GT(sg->o.tsval, tp->ts_recent);
	return SEQ_GT(sg->seq, tp->rcv_nxt);
}
