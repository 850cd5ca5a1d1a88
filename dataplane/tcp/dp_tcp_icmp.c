/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP errors about our segments, on the lcore they arrive on (its own
 * table; the quote names the connection): destination unreachable ends
 * a connect when hard (SHLD-26) and never aborts when soft (MUST-56);
 * fragmentation needed lowers the path MTU (RFC 1191).
 *
 * Anyone can send ICMP, so a quote must name a sequence number we have
 * in flight, [SND.UNA, SND.NXT) (RFC 5927 §4.1), before it may act;
 * one that does not is counted (icmp_bad_quote) and ignored.
 */
#include <errno.h>

#include <rte_byteorder.h>
#include <rte_icmp.h>
#include <rte_ip.h>

#include "dp_tcp.h"

#define ICMP_UNREACH		3
#define ICMP_UNREACH_NEEDFRAG	4
#define PMTU_MIN		552	/* Linux's min_pmtu: a forged or
					 * broken MTU cannot shrink segments
					 * to nothing */

/* RFC 5927 §4.1: the quoted segment's first byte is in flight. */
static bool
quote_in_flight(const struct dp_tcp_pcb *tp, uint32_t seq)
{
	return SEQ_GEQ(seq, tp->snd_una) && SEQ_LT(seq, tp->snd_max);
}

/*
 * Fragmentation needed (RFC 1191 §6.1): the next-hop MTU from the ICMP
 * header (which dp_icmp.c hands us the quote right behind), the MSS
 * lowered to it and what is in flight sent again in segments that fit;
 * cwnd stays, a smaller path is no congestion (Linux does the same).
 */
static void
frag_needed(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		const struct rte_ipv4_hdr *ip)
{
	const struct rte_icmp_hdr *icmp = (const struct rte_icmp_hdr *)ip - 1;
	uint32_t mtu = rte_be_to_cpu_16(icmp->icmp_seq_nb);
	uint32_t cur = tp->pmtu != 0 ? tp->pmtu : lc->eng->mtu;
	uint16_t mss;

	if (mtu == 0)			/* RFC 1191 §5: an old router */
		mtu = RTE_MIN(cur, (uint32_t)rte_be_to_cpu_16(
			ip->total_length)) - 1;
	if (mtu < PMTU_MIN)
		mtu = PMTU_MIN;
	if (mtu >= cur)
		return;
	tp->pmtu = mtu;
	mss = (uint16_t)(mtu - sizeof(struct rte_ipv4_hdr) -
		sizeof(struct rte_tcp_hdr));
	if (tp->tf & TF_REQ_TS)
		mss -= 12;
	if (mss >= tp->mss)
		return;
	tp->mss = mss;
	if (tp->snd_una != tp->snd_max && dp_tcp_synced(dp_tcp_state(tp))) {
		uint32_t nxt = tp->snd_nxt;

		dp_tcp_rexmit(lc, tp);
		if (SEQ_GT(nxt, tp->snd_nxt))
			tp->snd_nxt = nxt;
	}
}

void
dp_tcp_ctlinput(struct dp_lcore *lc, const struct rte_ipv4_hdr *ip,
		uint8_t type, uint8_t code)
{
	const struct rte_tcp_hdr *th = (const struct rte_tcp_hdr *)
		((const uint8_t *)ip + (ip->version_ihl & 0xf) * 4);
	struct dp_tcp_pcb *tp = dp_tcp_lookup(lc, ip->src_addr, th->src_port,
		ip->dst_addr, th->dst_port);
	uint32_t seq = rte_be_to_cpu_32(th->sent_seq);
	uint8_t st;

	if (tp == NULL || type != ICMP_UNREACH)
		return;
	st = dp_tcp_state(tp);
	if (!quote_in_flight(tp, seq)) {
		DP_STAT_INC(lc, icmp_bad_quote);
		return;
	}
	if (code == ICMP_UNREACH_NEEDFRAG) {
		frag_needed(lc, tp, ip);
		dp_tcp_timer_update(lc, tp);
		return;
	}
	/* Hard errors (SHLD-26) end a connect; soft ones (0, 1, 5) never
	 * abort (MUST-56). */
	if ((code != 2 && code != 3) || st != DP_TCP_SYN_SENT ||
			seq != tp->iss)
		return;
	dp_tcp_drop(lc, tp, ECONNREFUSED);
}
