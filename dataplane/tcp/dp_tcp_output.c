/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP output on the owner lcore: what to send (window, cwnd, Nagle,
 * sender SWS, FIN after the data), building segments, ACKs, window
 * updates, RSTs and challenge ACKs.
 *
 * Every segment is a fresh mbuf: headers, options, and a copy of its
 * payload from the send queue, so a retransmission never touches an
 * mbuf the port may still hold, and segments are cut when sent (a
 * retransmission after an RTO may carry more than the original). A TSO
 * burst's payload references the send queue's mbufs where the port
 * lets go of it at once; over the loop port it is copied (dp_tcp_sq.c).
 * Segments go out as the stack's own frames (no socket accounting in
 * the net layer; the send queue keeps the bytes until they are ACKed):
 * one the ARP hold cannot take is dropped and counted, and the
 * retransmission timer recovers it.
 *
 * TSO: where the port segments (RTE_ETH_TX_OFFLOAD_TCP_TSO, WSPDK_TSO),
 * new data goes out in bursts of up to 64 KB, one mbuf chain the port
 * cuts into MSS frames. The scoreboard gets one record per MSS of the
 * burst, as if they had been sent one by one: what the peer ACKs, SACKs
 * or loses is a frame of the wire, never part of a record, so the
 * scoreboard, RACK and SACK code stay as they are (a record that splits
 * on partial SACK, Linux's tcp_fragment, saves records but needs a split
 * in every path that marks one). Retransmissions stay MSS-sized, and so
 * does new data while a loss is being repaired.
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "dp_tcp.h"

#define TCP_HDR		sizeof(struct rte_tcp_hdr)
#define IP_HDR		sizeof(struct rte_ipv4_hdr)
#define OPT_MAX		40
#define TXQ_BURST	32	/* send-queue mbufs taken per dequeue */
#define TSO_MAX		(65535u - IP_HDR - TCP_HDR - OPT_MAX)
#define TSO_SEGS	DP_TCP_TSO_SEGS

/* Our options for flags (SYN: what we offer, or echo what the SYN
 * offered; others: timestamps once agreed). Linux's SYN order: MSS,
 * SACK_PERM, TS, NOP, WS. Returns their length (a multiple of 4). */
static unsigned int
opts_build(struct dp_lcore *lc, struct dp_tcp_pcb *tp, uint8_t flags,
		uint8_t *o)
{
	bool syn = (flags & RTE_TCP_SYN_FLAG) != 0;
	bool active = syn && !(flags & RTE_TCP_ACK_FLAG);
	unsigned int n = 0;
	uint32_t tsval, tsecr;

	if (flags & RTE_TCP_RST_FLAG)
		return 0;
	if (!syn) {
		/* Every segment after the handshake: NOP, NOP, TS as three
		 * words (a byte loop cost ~60 instructions a segment). */
		uint32_t w[3];

		if (!(tp->tf & TF_REQ_TS))
			return 0;
		w[0] = rte_cpu_to_be_32(0x0101080a);
		w[1] = rte_cpu_to_be_32(dp_tcp_tsval(lc, tp->ts_off));
		w[2] = rte_cpu_to_be_32(tp->ts_recent);
		memcpy(o, w, sizeof(w));
		return sizeof(w);
	}
	if (syn) {
		uint16_t mss = (uint16_t)(lc->eng->mtu - IP_HDR - TCP_HDR);

		o[n++] = 2;
		o[n++] = 4;
		o[n++] = (uint8_t)(mss >> 8);
		o[n++] = (uint8_t)mss;
	}
	if (syn && (active || (tp->tf & TF_SACK_OK))) {
		if (active || (tp->tf & TF_REQ_TS)) {
			o[n++] = 4;
			o[n++] = 2;
		} else {
			o[n++] = 1;
			o[n++] = 1;
			o[n++] = 4;
			o[n++] = 2;
		}
	} else if (active || (tp->tf & TF_REQ_TS)) {
		o[n++] = 1;
		o[n++] = 1;
	}
	if (active || (tp->tf & TF_REQ_TS)) {
		tsval = dp_tcp_tsval(lc, tp->ts_off);
		tsecr = active ? 0 : tp->ts_recent;
		o[n++] = 8;
		o[n++] = 10;
		for (int i = 3; i >= 0; i--)
			o[n++] = (uint8_t)(tsval >> (8 * i));
		for (int i = 3; i >= 0; i--)
			o[n++] = (uint8_t)(tsecr >> (8 * i));
	}
	if (syn && (active || (tp->tf & TF_REQ_WS))) {
		o[n++] = 1;
		o[n++] = 3;
		o[n++] = 3;
		o[n++] = tp->rcv_scale;
	}
	return n;
}

#ifdef DP_TEST_HOOKS
void (*dp_tcp_test_hook)(struct dp_tcp_pcb *tp, enum dp_tcp_test_point pt);
#endif

static bool window_update_due(struct dp_tcp_pcb *tp);

/*
 * Store the window advertised, then look at the buffer again. A read
 * is the mirror image (window_kick, dp_tcp_usrreq.c): it lowers
 * rx_bytes_q, then reads adv_wnd, and rings the owner only if the
 * window could open past it. A read between the owner's first look
 * (seen: the space the window was computed from) and this store saw
 * the old window and did not ring; with acquire/release only, both
 * sides could also miss each other's store (store-load reordering).
 * Both pairs are seq_cst, so one side at least sees the other's store
 * (Dekker): this second look sees the read, or the read's window_kick
 * sees the window stored here. Only growth since the first look rings:
 * a window held back for another reason (the field's 64 KB without
 * scaling) must not ring for ever.
 */
static void
adv_publish(struct dp_tcp_pcb *tp, uint32_t adv, uint32_t seen)
{
	__atomic_store_n(&tp->adv_wnd, adv, __ATOMIC_SEQ_CST);
	/* dp_tcp_rcv_space() then reads this value of it or a later one. */
	(void)__atomic_load_n(&tp->s->rx_bytes_q, __ATOMIC_SEQ_CST);
	if (dp_tcp_rcv_space(tp) > seen && window_update_due(tp))
		dp_sock_tx_kick(tp->s);	/* the update, next iteration */
}

/*
 * The window to advertise: never shrinking the right edge (SHLD-14,
 * also through the scale's rounding), and moving it only by the
 * receiver's SWS threshold, min(RCV.BUFF/2, MSS) (MUST-39).
 */
static uint16_t
wnd_field(struct dp_tcp_pcb *tp, bool syn)
{
	uint32_t seen = dp_tcp_rcv_space(tp), space = seen;
	uint32_t cur = SEQ_GT(tp->rcv_adv, tp->rcv_nxt) ?
		tp->rcv_adv - tp->rcv_nxt : 0;
	uint32_t buf = __atomic_load_n(&tp->s->rcvbuf, __ATOMIC_RELAXED);
	uint32_t thr = RTE_MIN(buf / 2, (uint32_t)tp->mss);
	uint8_t sc = (tp->tf & TF_REQ_WS) ? tp->rcv_scale : 0;
	uint32_t f;

	if (syn) {
		f = RTE_MIN(space, 65535u);
		tp->rcv_adv = tp->rcv_nxt + f;
		__atomic_store_n(&tp->adv_wnd, f, __ATOMIC_RELEASE);
		return (uint16_t)f;
	}
	if (space < cur || space - cur < thr)
		space = cur;
	f = space >> sc;
	if (f > 65535)
		f = 65535;
	if ((f << sc) < cur && f < 65535)
		f++;			/* round up: never below the edge */
	if (SEQ_GT(tp->rcv_nxt + (f << sc), tp->rcv_adv))
		tp->rcv_adv = tp->rcv_nxt + (f << sc);
	DP_TCP_TEST_HOOK(tp, DP_TCP_TP_WND_COMPUTED);
	adv_publish(tp, f << sc, seen);
	return (uint16_t)f;
}

/*
 * Build and send one segment to dst/nexthop. payload: len bytes of the
 * send queue from sq_off (tp may be NULL for a RST without a TCB).
 * segsz != 0: a TSO burst the port cuts into segsz-byte segments (the
 * caller checked that the port does and that it is not to ourselves).
 */
static void
xmit(struct dp_lcore *lc, struct dp_tcp_pcb *tp, uint32_t dst,
		uint32_t nexthop, uint16_t sport, uint16_t dport, uint8_t flags,
		uint32_t seq, uint32_t ack, uint16_t wnd, const uint8_t *opts,
		unsigned int optlen, uint32_t sq_off, uint32_t len,
		uint16_t segsz)
{
	struct dp_engine *eng = lc->eng;
	struct dp_ip_hdr h = { .dst_be = dst, .proto = IPPROTO_TCP,
		.ttl = 64, .df = true };
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;
	struct dp_mbuf_priv *p;
	bool local, ref;
	struct rte_mbuf *m;
	uint32_t tl = (uint32_t)(TCP_HDR + optlen + len), head = len;

	if (tp != NULL) {
		h.ttl = tp->s->ttl;
		h.tos = tp->s->tos;
	}
	m = rte_pktmbuf_alloc(eng->mp);
	if (m == NULL) {
		DP_STAT_INC(lc, tcp_tx_nombuf);
		return;
	}
	/* A burst's payload is referenced where the port lets go of it at
	 * once (a tap's write, a NIC's TX completion). Over the loop port
	 * the receiving reader would hold the sender's buffers and free
	 * them from its own thread past every cache: copied there. */
	ref = segsz != 0 && eng->port->kind != DRV_KIND_LOOP;
	if (ref)
		head = 0;	/* headers only */
	else if (segsz != 0)
		head = RTE_MIN(len, (uint32_t)rte_pktmbuf_tailroom(m) -
			(IP_HDR + TCP_HDR + optlen));
	ip = (struct rte_ipv4_hdr *)rte_pktmbuf_append(m,
		(uint16_t)(IP_HDR + tl - (len - head)));
	if (ip == NULL) {
		DP_STAT_INC(lc, tx_no_headroom);
		rte_pktmbuf_free(m);
		return;
	}
	/* In sequence order: the copy walks on from its cursor. */
	if (head != 0)
		dp_tcp_sq_copy(tp, sq_off, head, (uint8_t *)ip + IP_HDR +
			TCP_HDR + optlen);
	if (head < len && dp_tcp_sq_chain(eng, tp, m, sq_off + head,
			len - head, ref) != 0) {
		DP_STAT_INC(lc, tcp_tx_nombuf);
		rte_pktmbuf_free(m);
		return;
	}
	dp_ip_header(eng, ip, &h, dp_ip_id(eng), 0, false, tl);
	th = (struct rte_tcp_hdr *)(ip + 1);
	th->src_port = sport;
	th->dst_port = dport;
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = rte_cpu_to_be_32(ack);
	th->data_off = (uint8_t)(((TCP_HDR + optlen) / 4) << 4);
	th->tcp_flags = flags;
	th->rx_win = rte_cpu_to_be_16(wnd);
	th->cksum = 0;
	th->tcp_urp = 0;
	if (optlen != 0)
		memcpy(th + 1, opts, optlen);
	/* To ourselves: a looped wire brings it back, other wires would
	 * not, so the IPv4 output hands it to our input at its next poll
	 * (never inside this call: our SYN's SYN-ACK must find the SYN
	 * done), with its header checksum computed, as no NIC will. */
	local = dst == eng->ip4 && eng->port->kind != DRV_KIND_LOOP;
	dp_ip_finish(eng, m, ip, !local);
	if (segsz != 0) {
		/* The port cuts it and sums every segment; it wants the
		 * pseudo-header's sum without the length (DPDK's TSO). */
		m->l4_len = (uint64_t)(TCP_HDR + optlen);
		m->tso_segsz = segsz;
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_SEG |
			RTE_MBUF_F_TX_TCP_CKSUM;
		th->cksum = rte_ipv4_phdr_cksum(ip, m->ol_flags);
	} else if (!local && (eng->port->tx_offloads &
			RTE_ETH_TX_OFFLOAD_TCP_CKSUM)) {
		/* The port sums the segment (the loop port: nobody needs
		 * to, its receiver sees it marked good). */
		m->l4_len = (uint64_t)(TCP_HDR + optlen);
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM;
		th->cksum = rte_ipv4_phdr_cksum(ip, m->ol_flags);
	} else {
		th->cksum = rte_ipv4_udptcp_cksum(ip, th);
	}
	p = dp_mbuf_priv(m);
	p->owner = NULL;
	p->addr = nexthop;
	p->flags = local ? DP_MBUF_F_LOCAL : 0;
	p->next = NULL;
	DP_STAT_INC(lc, tcp_tx);
	if (segsz != 0) {
		DP_STAT_INC(lc, tcp_tso_bursts);
		DP_STAT_ADD(lc, tcp_tso_segs, (len + segsz - 1) / segsz);
	}
	if (flags & RTE_TCP_RST_FLAG)
		DP_STAT_INC(lc, tcp_rst_tx);
	if (dp_ip_output_try(lc, m) != 0) {
		DP_STAT_INC(lc, tcp_tx_held_full);
		rte_pktmbuf_free(m);
	}
}

/* Option bytes left for SACK blocks beside ol others and len bytes of
 * payload: within 40 and within the MTU. */
static unsigned int
sack_room(struct dp_lcore *lc, const struct dp_tcp_pcb *tp, unsigned int ol,
		uint32_t len)
{
	uint32_t mtu_room = (tp->pmtu != 0 ? tp->pmtu : lc->eng->mtu) -
		IP_HDR - TCP_HDR;

	if (ol + len >= mtu_room)
		return 0;
	return RTE_MIN(OPT_MAX - ol, mtu_room - ol - len);
}

/* One segment of tp, or a TSO burst of segsz-byte segments (segsz !=
 * 0): header fields from the TCB. */
static void
send_burst(struct dp_lcore *lc, struct dp_tcp_pcb *tp, uint8_t flags,
		uint32_t seq, uint32_t sq_off, uint32_t len, uint16_t segsz)
{
	uint8_t o[OPT_MAX];
	unsigned int ol = opts_build(lc, tp, flags, o);
	bool syn = (flags & RTE_TCP_SYN_FLAG) != 0;
	uint16_t wnd = 0;
	uint32_t ack = 0;

	if ((tp->tf & TF_SACK_OK) && !syn && !(flags & RTE_TCP_RST_FLAG))
		ol += dp_tcp_sack_opt(tp, o + ol, sack_room(lc, tp, ol, len));

	if (flags & RTE_TCP_ACK_FLAG) {
		ack = tp->rcv_nxt;
		tp->last_ack_sent = ack;
		tp->tf &= ~TF_ACKNOW;
		tp->t_delack = 0;	/* a held ACK goes with it */
		tp->ack_segs = 0;
	}
	if (!(flags & RTE_TCP_RST_FLAG))
		wnd = wnd_field(tp, syn);
	tp->segs_out += segsz != 0 ? (len + segsz - 1) / segsz : 1;
	tp->tso_bursts += segsz != 0;
	xmit(lc, tp, tp->faddr, tp->nexthop, tp->lport, tp->fport, flags,
		seq, ack, wnd, o, ol, sq_off, len, segsz);
}

static void
send_seg(struct dp_lcore *lc, struct dp_tcp_pcb *tp, uint8_t flags,
		uint32_t seq, uint32_t sq_off, uint32_t len)
{
	send_burst(lc, tp, flags, seq, sq_off, len, 0);
}

void
dp_tcp_send_ctl(struct dp_lcore *lc, struct dp_tcp_pcb *tp, uint8_t flags,
		uint32_t seq)
{
	send_seg(lc, tp, flags, seq, 0, 0);
}

void
dp_tcp_send_ack(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	send_seg(lc, tp, RTE_TCP_ACK_FLAG, tp->snd_nxt, 0, 0);
}

void
dp_tcp_ack_flush(struct dp_lcore *lc)
{
	struct dp_tcp_pcb *tp, *next;

	for (tp = lc->tcp->acks; tp != NULL; tp = next) {
		next = tp->ack_next;
		tp->ack_next = NULL;
		tp->ack_pending = false;
		/* Still owed: no segment since carried it, not closed (a
		 * closed TCB's socket is freed only after this iteration's
		 * quiescent point, so tp is still ours to read). */
		if ((tp->tf & TF_ACKNOW) && dp_tcp_synced(dp_tcp_state(tp)))
			dp_tcp_send_ack(lc, tp);
	}
	lc->tcp->acks = NULL;
}

void
dp_tcp_challenge_ack(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	uint64_t now = lc->now_us;

	if (now - tp->chack_start >= DP_TCP_CHACK_WIN_US) {
		tp->chack_start = now;
		tp->chack_n = 0;
	}
	if (tp->chack_n >= DP_TCP_CHACK_MAX) {
		DP_STAT_INC(lc, tcp_challenge_limited);
		return;
	}
	tp->chack_n++;
	tp->chack_out++;
	DP_STAT_INC(lc, tcp_challenge_ack);
	dp_tcp_send_ack(lc, tp);
}

void
dp_tcp_send_bare(struct dp_lcore *lc, uint32_t faddr, uint16_t lport,
		uint16_t fport, uint8_t flags, uint32_t seq, uint32_t ack,
		uint16_t wnd, const uint8_t *opts, unsigned int optlen)
{
	uint32_t nh = dp_ip_nexthop(lc->eng, faddr);

	if (nh != 0)
		xmit(lc, NULL, faddr, nh, lport, fport, flags, seq, ack, wnd,
			opts, optlen, 0, 0, 0);
}

void
dp_tcp_respond_rst(struct dp_lcore *lc, const struct rte_ipv4_hdr *ip,
		const struct rte_tcp_hdr *th, uint32_t seglen)
{
	uint32_t nh = dp_ip_nexthop(lc->eng, ip->src_addr);

	if (th->tcp_flags & RTE_TCP_RST_FLAG)
		return;			/* never answer a RST */
	if (nh == 0)
		return;
	if (th->tcp_flags & RTE_TCP_ACK_FLAG)
		xmit(lc, NULL, ip->src_addr, nh, th->dst_port, th->src_port,
			RTE_TCP_RST_FLAG, rte_be_to_cpu_32(th->recv_ack), 0,
			0, NULL, 0, 0, 0, 0);
	else
		xmit(lc, NULL, ip->src_addr, nh, th->dst_port, th->src_port,
			RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG, 0,
			rte_be_to_cpu_32(th->sent_seq) + seglen, 0, NULL, 0,
			0, 0, 0);
}

void
dp_tcp_persist_probe(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	/* Linux's form: an old sequence number forces an ACK that
	 * carries the window (a probe at SND.NXT is a mere dup ACK). */
	DP_STAT_INC(lc, tcp_persist);
	tp->zwp_out++;
	send_seg(lc, tp, RTE_TCP_ACK_FLAG, tp->snd_una - 1, 0, 0);
}

/* Keepalive (RFC 9293 §3.8.4): zero length at SND.UNA - 1 (SHLD-12,
 * Linux's form). An old sequence number is unacceptable to the peer,
 * which must answer with an ACK; no garbage byte, which only stacks
 * that drop zero-length segments need and which a live peer's window
 * would then have to take. */
void
dp_tcp_keep_probe(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	tp->keep_out++;
	send_seg(lc, tp, RTE_TCP_ACK_FLAG, tp->snd_una - 1, 0, 0);
}

void
dp_tcp_rexmit(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	dp_tcp_sb_mark_all_lost(tp);
	dp_tcp_output(lc, tp);
}

void
dp_tcp_send_rec(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		struct dp_tcp_txrec *r)
{
	bool fin = (r->flags & TXR_FIN) != 0;
	uint32_t seq = SEQ_LT(r->seq, tp->snd_una) ? tp->snd_una : r->seq;
	uint32_t dend = r->end - (fin ? 1 : 0), bytes = 0;

	do {
		uint32_t len = SEQ_LT(seq, dend) ?
			RTE_MIN(dend - seq, (uint32_t)tp->mss) : 0;
		uint8_t flags = RTE_TCP_ACK_FLAG;

		if (seq + len == dend) {
			flags |= len != 0 ? RTE_TCP_PSH_FLAG : 0;
			flags |= fin ? RTE_TCP_FIN_FLAG : 0;
		}
		send_seg(lc, tp, flags, seq, seq - tp->sq_seq, len);
		seq += len;
		bytes += len;
	} while (SEQ_LT(seq, dend));
	tp->rtt_start = 0;		/* Karn: no sample while resending */
	dp_tcp_sb_resent(lc, tp, r, bytes);
	if (tp->recov == DP_TCP_CA_RECOVERY)
		tp->prr_out += bytes + (fin ? 1 : 0);
}

/* Records marked lost, first, as far as cwnd lets what is in flight
 * grow (RFC 6675 §5 NextSeg rule 1). */
static bool
rexmit_lost(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	struct dp_tcp_txrec *r;
	bool sent = false;

	while ((r = dp_tcp_sb_next_lost(tp)) != NULL &&
			dp_tcp_in_flight(tp) < tp->cwnd) {
		dp_tcp_send_rec(lc, tp, r);
		sent = true;
	}
	return sent;
}

/* States in which data and FIN may be sent. */
static bool
can_send(uint8_t st)
{
	return st == DP_TCP_ESTABLISHED || st == DP_TCP_CLOSE_WAIT ||
		st == DP_TCP_FIN_WAIT_1 || st == DP_TCP_CLOSING ||
		st == DP_TCP_LAST_ACK;
}

/* Sender SWS avoidance and Nagle (RFC 9293 §3.8.6.2.1, MUST-38). */
static bool
worth_sending(const struct dp_tcp_pcb *tp, uint32_t len, uint32_t avail)
{
	if (len >= tp->mss || (tp->tf & TF_SWS_OVERRIDE))
		return true;
	if (len == avail && ((tp->tf & (TF_NODELAY | TF_NODELAY_ONCE)) ||
			tp->snd_nxt == tp->snd_una))
		return true;
	return tp->max_snd_wnd != 0 && len >= tp->max_snd_wnd / 2;
}

/*
 * The most new data one send may carry as a TSO burst, whole segments;
 * 0: MSS at a time (no TSO at the port or WSPDK_TSO=0, to ourselves
 * through the IPv4 output's local path, a loss being repaired).
 */
static uint32_t
tso_max(const struct dp_lcore *lc, const struct dp_tcp_pcb *tp)
{
	const struct dp_engine *eng = lc->eng;
	const uint64_t need = RTE_ETH_TX_OFFLOAD_TCP_TSO |
		RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
	uint32_t cap = eng->conf.tso;

	if (cap == 0 || (eng->port->tx_offloads & need) != need ||
			tp->recov != DP_TCP_CA_OPEN || tp->lost_bytes != 0 ||
			tp->mss == 0 || (tp->faddr == eng->ip4 &&
			eng->port->kind != DRV_KIND_LOOP))
		return 0;
	if (cap == 1 || cap > TSO_MAX)
		cap = TSO_MAX;
	/* The chain's mbufs, besides the head's. */
	cap = RTE_MIN(cap, (uint32_t)rte_pktmbuf_data_room_size(eng->mp) *
		TSO_SEGS);
	return cap - cap % tp->mss;
}

/*
 * len bytes of new data, more than an MSS: as a burst of whole segments
 * (the tail, and a FIN, go by themselves after it: Nagle and SWS judge
 * them), as far as the scoreboard has a record for each; 0: one MSS.
 */
static uint32_t
tso_len(struct dp_tcp_pcb *tp, uint32_t len, uint32_t tso, uint32_t end)
{
	uint32_t n;

	len = RTE_MIN(len, tso);
	len -= len % tp->mss;
	if ((tp->tf & TF_FIN_WANTED) && tp->snd_nxt + len == end)
		len -= tp->mss;
	n = dp_tcp_sb_room_n(tp, len / tp->mss);
	return n < 2 ? 0 : n * tp->mss;
}

/*
 * New data went out (bytes of it): a prompt reply, within the hold's
 * bound of the peer's last data, counts towards pingpong mode (Linux's
 * rule); one that carried a held ACK (held) shows the mode pays and
 * ends any backoff (dp_tcp.h, "ACK policy").
 */
static void
pp_note(struct dp_lcore *lc, struct dp_tcp_pcb *tp, bool held)
{
	if (held)
		tp->pp_shift = 0;
	if (tp->data_rcvd_us != 0 && tp->pp_cnt < UINT8_MAX &&
			lc->now_us - tp->data_rcvd_us < DP_TCP_DELACK_US)
		tp->pp_cnt++;
}

void
dp_tcp_output(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	uint8_t st = dp_tcp_state(tp);
	uint32_t end = tp->sq_seq + tp->sq_bytes;
	uint32_t bytes = 0, tso;
	bool sent = false, sent_new = false, more;
	bool held = tp->t_delack != 0;

	if (can_send(st) && tp->lost_bytes != 0)
		sent = rexmit_lost(lc, tp);
	/* Nothing new and no FIN (after most ACKs): the loop would stop
	 * at once, so neither it nor the TSO bound runs. */
	more = can_send(st) && (SEQ_LT(tp->snd_nxt, end) ||
		(tp->tf & TF_FIN_WANTED));
	tso = more ? tso_max(lc, tp) : 0;
	if (more && tp->snd_una == tp->snd_max && SEQ_LT(tp->snd_nxt, end))
		dp_tcp_cc_idle(lc, tp);
	while (more) {
		uint32_t avail = SEQ_LT(tp->snd_nxt, end) ?
			end - tp->snd_nxt : 0;
		uint32_t rwnd = SEQ_LT(tp->snd_nxt, tp->snd_una + tp->snd_wnd) ?
			tp->snd_una + tp->snd_wnd - tp->snd_nxt : 0;
		uint32_t flight = dp_tcp_in_flight(tp);
		/* Limited transmit (RFC 3042) comes from the flight: a
		 * duplicate ACK's segment (SACKed, or counted as one
		 * without SACK) has left it, so one new one may go. */
		uint32_t cw = tp->cwnd;
		uint32_t len = RTE_MIN(avail, rwnd), burst = 0;
		bool fin;
		uint8_t flags = RTE_TCP_ACK_FLAG;

		if (flight >= cw)
			len = 0;
		else if (len > cw - flight)
			len = cw - flight;

		if (len > tp->mss && tso != 0)
			burst = tso_len(tp, len, tso, end);
		if (burst != 0)
			len = burst;
		else if (len > tp->mss)
			len = tp->mss;
		fin = (tp->tf & TF_FIN_WANTED) &&

			tp->snd_nxt + len == end && SEQ_LEQ(tp->snd_nxt, end) &&
			SEQ_LEQ(tp->snd_una, end);

		if (len == 0 && !fin)
			break;
		if (len != 0 && !fin && !worth_sending(tp, len, avail))
			break;
		if (!dp_tcp_sb_room(tp))
			break;		/* the scoreboard's bound */
		if (len != 0 && len == avail)
			flags |= RTE_TCP_PSH_FLAG;
		if (fin)
			flags |= RTE_TCP_FIN_FLAG;
		if (tp->rtt_start == 0 && len != 0) {
			tp->rtt_start = lc->now_us;
			tp->rtt_seq = tp->snd_nxt;
		}
		send_burst(lc, tp, flags, tp->snd_nxt,
			tp->snd_nxt - tp->sq_seq, len,
			burst != 0 ? tp->mss : 0);
		/* A burst: a record per segment the wire will carry. */
		for (uint32_t o = 0; burst != 0 && o < burst; o += tp->mss)
			dp_tcp_sb_sent(tp, tp->snd_nxt + o,
				tp->snd_nxt + o + tp->mss, false, lc->now_us);
		if (burst == 0)
			dp_tcp_sb_sent(tp, tp->snd_nxt,
				tp->snd_nxt + len + !!fin, fin, lc->now_us);
		if (tp->recov == DP_TCP_CA_RECOVERY)
			tp->prr_out += len + !!fin;
		tp->snd_nxt += len + (fin ? 1 : 0);
		if (fin) {
			tp->tf |= TF_FIN_SENT;
			tp->snd_fin = end;
		}
		if (SEQ_GT(tp->snd_nxt, tp->snd_max))
			tp->snd_max = tp->snd_nxt;
		sent = sent_new = true;
		bytes += len;
	}
	/* Whether cwnd held it back, for cwnd's growth; not for a loss
	 * probe, sent under a cwnd of its own (dp_tcp_rack.c). */
	if ((sent || more) && !(tp->tf & TF_NODELAY_ONCE))
		dp_tcp_cc_validate(tp, dp_tcp_in_flight(tp));
	if (sent && tp->t_rexmt == 0)
		dp_tcp_rexmt_arm(lc, tp);
	/* In recovery a retransmission arms the recovery probe too. */
	if (sent_new || (sent && tp->recov != DP_TCP_CA_OPEN))
		dp_tcp_tlp_arm(lc, tp);
	if (bytes != 0) {
		pp_note(lc, tp, held);
		tp->snd_last_us = lc->now_us;
	}
	if (can_send(st))
		dp_tcp_info_note(lc, tp, bytes);
	/* Data waits with nothing in flight: behind a zero window, only
	 * the persist timer can learn that it opened (MUST-35); behind one
	 * that sender SWS will not send into, it is the override timeout
	 * (MUST-38): nothing else would ever send it. */
	if (can_send(st) && SEQ_LT(tp->snd_nxt, end) &&
			tp->snd_una == tp->snd_max && tp->t_persist == 0) {
		tp->t_rexmt = 0;
		if (tp->persist_us == 0)
			tp->persist_us = RTE_MAX(tp->rto_us,
				(uint32_t)DP_TCP_PERSIST_MIN_US);
		tp->t_persist = lc->now_us + tp->persist_us;
	}
	if (!sent && (tp->tf & TF_ACKNOW) && dp_tcp_synced(st)) {
		if (!(tp->tf & TF_ACKBURST))
			dp_tcp_send_ack(lc, tp);
		else if (!tp->ack_pending) {
			/* One ACK for the burst (MUST-58): more segments of
			 * it may follow; the layer's poll sends it. */
			tp->ack_pending = true;
			tp->ack_next = lc->tcp->acks;
			lc->tcp->acks = tp;
		}
	}
	tp->tf &= ~(TF_ACKBURST | TF_SWS_OVERRIDE);
	dp_tcp_timer_update(lc, tp);
}

void
dp_tcp_txq_pull(struct dp_sock *s, struct dp_tcp_pcb *tp)
{
	struct rte_mbuf *m[TXQ_BURST];
	struct rte_ring *r;
	unsigned int n;

	if (__atomic_load_n(&s->txq.prod, __ATOMIC_ACQUIRE) == NULL)
		return;
	/* A burst at a time: a bulk sender queues 32 mbufs per call. */
	while ((r = dp_ringq_head(&s->txq)) != NULL &&
			(n = rte_ring_sc_dequeue_burst(r, (void **)m,
			TXQ_BURST, NULL)) != 0) {
		for (unsigned int j = 0; j < n; j++) {
			dp_mbuf_priv(m[j])->next = NULL;
			if (tp->sq_tail != NULL)
				dp_mbuf_priv(tp->sq_tail)->next = m[j];
			else
				tp->sq_head = m[j];
			tp->sq_tail = m[j];
			tp->sq_bytes += m[j]->data_len;
		}
		tp->sq_mbufs += n;
	}
}

/* Whether a window update is due: the edge we could advertise is past
 * the one we did by the SWS threshold (the application read). */
static bool
window_update_due(struct dp_tcp_pcb *tp)
{
	uint32_t space = dp_tcp_rcv_space(tp);
	uint32_t cur = SEQ_GT(tp->rcv_adv, tp->rcv_nxt) ?
		tp->rcv_adv - tp->rcv_nxt : 0;
	uint32_t buf = __atomic_load_n(&tp->s->rcvbuf, __ATOMIC_RELAXED);

	return space > cur && space - cur >= RTE_MIN(buf / 2,
		(uint32_t)tp->mss);
}

/* Owner lcore: s is on its doorbell (data queued, a window to open, a
 * FIN to send). */
void
dp_tcp_txdrain(struct dp_lcore *lc, struct dp_sock *s)
{
	struct dp_tcp_pcb *tp = dp_tcp_pcb(s);
	uint8_t st = dp_tcp_state(tp);

	if (st == DP_TCP_CLOSED || st == DP_TCP_LISTEN) {
		dp_tcp_txq_free(s);
		return;
	}
	dp_tcp_txq_pull(s, tp);
	if (unlikely(tp->bq_head != NULL))
		dp_tcp_bq_drain(lc, tp);	/* a read freed slots */
	if (dp_tcp_synced(st) && window_update_due(tp))
		tp->tf |= TF_ACKNOW;
	dp_tcp_output(lc, tp);
}
