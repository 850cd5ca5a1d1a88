/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Passive open on the owner lcore: a SYN to a listener makes a child
 * from one of its spare sockets (SYN-RECEIVED), the handshake's ACK
 * puts it on the accept queue; SYN options into the TCB for both
 * directions of open.
 */
#include <rte_byteorder.h>

#include "dp_tcp.h"

/* SYN options into the TCB (RFC 7323 §2.2, §3.2; MSS clamp). */
void
dp_tcp_syn_opts(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		const struct dp_tcp_seg *sg)
{
	uint16_t ours = (uint16_t)(lc->eng->mtu - sizeof(struct rte_ipv4_hdr) -
		sizeof(struct rte_tcp_hdr));

	tp->peer_mss = sg->o.has_mss ? RTE_MAX(sg->o.mss,
		(uint16_t)DP_TCP_MSS_MIN) : DP_TCP_MSS_DEFAULT;
	tp->mss = RTE_MIN(tp->peer_mss, ours);
	if (sg->o.has_ws) {
		tp->tf |= TF_REQ_WS;
		tp->snd_scale = RTE_MIN(sg->o.ws, (uint8_t)DP_TCP_WSCALE_MAX);
	} else {
		tp->rcv_scale = 0;
		tp->snd_scale = 0;
	}
	if (sg->o.has_ts) {
		tp->tf |= TF_REQ_TS;
		tp->ts_recent = sg->o.tsval;
		tp->ts_recent_us = lc->now_us;
		tp->mss -= 12;		/* every segment carries TS */
	}
	if (sg->o.sack_ok)
		tp->tf |= TF_SACK_OK;
	tp->irs = sg->seq;
	tp->rcv_nxt = sg->seq + 1;
	tp->rcv_adv = tp->rcv_nxt;
	tp->cwnd = dp_tcp_iw(tp);
	dp_tcp_cc(tp)->init(tp);
}

/* A new connection on the listener ls, from a SYN (this lcore). */
void
dp_tcp_listen_input(struct dp_lcore *lc, struct dp_sock *ls,
		struct dp_tcp_seg *sg)
{
	struct dp_tcp_pcb *ltp = dp_tcp_pcb(ls), *tp;
	struct dp_sock *cs;

	if (sg->flags & RTE_TCP_RST_FLAG)
		return;
	if ((sg->flags & RTE_TCP_ACK_FLAG) ||
			dp_tcp_state(ltp) != DP_TCP_LISTEN) {
		dp_tcp_respond_rst(lc, sg->ip, sg->th, sg->len +
			!!(sg->flags & RTE_TCP_SYN_FLAG) +
			!!(sg->flags & RTE_TCP_FIN_FLAG));
		return;
	}
	if (!(sg->flags & RTE_TCP_SYN_FLAG))
		return;
	if (__atomic_load_n(&ltp->embryos, __ATOMIC_RELAXED) +
			rte_ring_count(ltp->acceptq) >= ltp->backlog) {
		DP_STAT_INC(lc, tcp_listen_overflow);
		return;
	}
	if (rte_ring_mc_dequeue(ltp->spares, (void **)&cs) != 0) {
		/* The socket table was full when the application last
		 * made spares, and only it can make more: its waits
		 * (accept, select) look again now, and the peer's SYN
		 * retransmission finds one. */
		DP_STAT_INC(lc, tcp_listen_overflow);
		__atomic_store_n(&ltp->starved, 1, __ATOMIC_RELEASE);
		dp_wait_note(lc, ls);
		return;
	}
	/* The spare is nobody else's yet: this lcore takes it. */
	__atomic_fetch_add(&ltp->embryos, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&ltp->children, 1, __ATOMIC_RELAXED);
	tp = dp_tcp_pcb(cs);
	__atomic_store_n(&cs->doorbell, lc->sock->doorbell, __ATOMIC_RELEASE);
	__atomic_store_n(&cs->owner, lc, __ATOMIC_RELEASE);
	cs->local.ip = rte_be_to_cpu_32(sg->ip->dst_addr);
	cs->local.port = ls->local.port;
	cs->rcvbuf = ls->rcvbuf;
	cs->sndbuf = ls->sndbuf;
	cs->ttl = ls->ttl;
	cs->tos = ls->tos;
	tp->tf = ltp->tf & TF_NODELAY;
	tp->rto_min_us = ltp->rto_min_us;
	tp->cc_algo = ltp->cc_algo;
	tp->ack_freq = ltp->ack_freq;
	tp->keepalive = ltp->keepalive;	/* accepted sockets inherit it */
	tp->keep_idle_ms = ltp->keep_idle_ms;
	tp->keep_intvl_ms = ltp->keep_intvl_ms;
	__atomic_store_n(&cs->peer, (uint64_t)rte_be_to_cpu_32(
		sg->ip->src_addr) << 16 | rte_be_to_cpu_16(sg->th->src_port),
		__ATOMIC_RELEASE);
	__atomic_store_n(&cs->bound, true, __ATOMIC_RELEASE);
	dp_tcp_pcb_start(lc, tp, sg->ip->src_addr, sg->th->src_port);
	tp->tf |= TF_PASSIVE;
	tp->parent = ls;
	dp_tcp_syn_opts(lc, tp, sg);
	tp->snd_wnd = sg->win;		/* never scaled on a SYN */
	tp->max_snd_wnd = tp->snd_wnd;
	tp->snd_wl1 = sg->seq;
	dp_tcp_set_state(tp, DP_TCP_SYN_RECEIVED);
	/* In a table now: once closed, it is drained only when its TCB
	 * has left it (a spare came detached). */
	__atomic_store_n(&tp->detached, false, __ATOMIC_RELEASE);
	dp_tcp_table_add(lc, tp);
	dp_tcp_send_ctl(lc, tp, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG, tp->iss);
	tp->snd_nxt = tp->snd_max = tp->iss + 1;
	dp_tcp_rexmt_arm(lc, tp);
	dp_tcp_timer_update(lc, tp);
}

/* SYN-RECEIVED -> ESTABLISHED: a passive child goes to its listener's
 * accept queue (or is reset, the listener gone or full). */
bool
dp_tcp_established(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	struct dp_sock *ls = tp->parent;
	struct dp_tcp_pcb *ltp;

	dp_tcp_set_state(tp, DP_TCP_ESTABLISHED);
	tp->rxtshift = 0;
	tp->rcv_us = lc->now_us;
	dp_tcp_keep_arm(lc, tp);
	dp_wait_note(lc, tp->s);
	if (ls == NULL)
		return true;
	ltp = dp_tcp_pcb(ls);
	__atomic_fetch_sub(&ltp->embryos, 1, __ATOMIC_RELAXED);
	if (dp_tcp_state(ltp) != DP_TCP_LISTEN ||
			rte_ring_enqueue(ltp->acceptq, tp->s) != 0) {
		dp_tcp_send_ctl(lc, tp, RTE_TCP_RST_FLAG, tp->snd_nxt);
		dp_tcp_close_tcb(lc, tp, ECONNABORTED);
		return false;
	}
	tp->tf |= TF_QUEUED;
	tp->parent = NULL;
	__atomic_fetch_sub(&ltp->children, 1, __ATOMIC_RELEASE);
	dp_wait_note(lc, ls);
	return true;
}
