/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A TSO burst references the send queue (dp_tcp_sq.c), white-box: the
 * pair port is made to offer TSO; the burst the stack sends is taken off
 * the wire whole, as the loop port hands it to its receiver, and either
 * held (a port still sending it) or forwarded to a second connection of
 * the stack, whose receive side then holds the sender's buffers. The
 * bytes stay exact everywhere: at the receiver, in the sender's queue
 * after the receiver took small segments beside them, in what is sent
 * after an ACK freed part of the queue, and every mbuf comes back.
 */
#include <string.h>

#include "dp_tcp.h"
#include "test_ut_tcp_peer.h"

#define MSS	1460u			/* the peer's, no timestamps */
#define BURST	(10u * MSS)		/* IW10, one burst */
#define LEN	20000u			/* the stream: more than the burst */
#define B_PORT	7001			/* the receiving connection */
#define HOLE	100u

static uint8_t pattern[LEN];
static uint8_t got[LEN + 1024];

/* A connected, its stream queued and its first burst sent, taken off
 * the wire (the caller's). */
static struct rte_mbuf *
first_burst(struct dp_sock **a, uint32_t *iss)
{
	struct rte_mbuf *m;

	for (uint32_t i = 0; i < LEN; i++)
		pattern[i] = (uint8_t)(i * 7 + i / 251);
	port_tso(true);
	*a = connected(iss);
	ut_sent_drop();
	CU_ASSERT_EQUAL(ut_send(*a, 0, 0, pattern, LEN), (long)LEN);
	steps();
	m = ut_sent(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_FATAL((m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) != 0);
	CU_ASSERT_EQUAL_FATAL(m->pkt_len, 14 + 20 + 20 + BURST);
	return m;
}

/* The burst's payload is the stream's first bytes. */
static void
expect_burst_exact(const struct rte_mbuf *m)
{
	static uint8_t buf[BURST];
	const void *p = rte_pktmbuf_read(m, 14 + 20 + 20, BURST, buf);

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(memcmp(p, pattern, BURST), 0);
}

/* The bytes a's send queue holds are the stream's. */
static void
expect_sq_exact(struct dp_sock *a, uint32_t iss)
{
	struct dp_tcp_pcb *tp = dp_tcp_pcb(a);
	uint32_t off = tp->sq_seq - (iss + 1);

	for (struct rte_mbuf *m = tp->sq_head; m != NULL;
			m = dp_mbuf_priv(m)->next) {
		CU_ASSERT_FATAL(off + m->data_len <= LEN);
		CU_ASSERT_EQUAL(memcmp(rte_pktmbuf_mtod(m, uint8_t *),
			pattern + off, m->data_len), 0);
		off += m->data_len;
	}
	CU_ASSERT_EQUAL(off, LEN);
}

/* What a sent with data until none is left on the wire: each segment's
 * payload the stream's at its sequence number. The end reached. */
static uint32_t
expect_sent_exact(uint32_t iss)
{
	static struct seg sg;
	static uint8_t buf[65536];
	uint32_t end = 0;

	while (sent_full(&sg, buf, sizeof(buf))) {
		uint32_t off = sg.seq - (iss + 1);

		if (sg.len == 0)
			continue;
		CU_ASSERT_FATAL(off + sg.len <= LEN);
		CU_ASSERT_EQUAL(memcmp(buf, pattern + off, sg.len), 0);
		end = RTE_MAX(end, off + sg.len);
	}
	return end;
}

/* m, a burst of a's, made a segment from the peer to b at seq (as the
 * loop port would carry it to b, the same mbufs), checksums in
 * software. */
static void
forward(struct rte_mbuf *m, uint32_t seq, uint32_t ack)
{
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eh + 1);
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);

	eh->dst_addr = ut_eng()->mac;
	eh->src_addr = ut_peer_mac;
	ip->src_addr = rte_cpu_to_be_32(UT_PEER);
	ip->dst_addr = rte_cpu_to_be_32(UT_IP);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	th->src_port = rte_cpu_to_be_16(PEER_PORT);
	th->dst_port = rte_cpu_to_be_16(B_PORT);
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = rte_cpu_to_be_32(ack);
	th->rx_win = rte_cpu_to_be_16(65535);
	th->cksum = 0;
	th->cksum = rte_ipv4_udptcp_cksum_mbuf(m, ip, 14 + 20);
	m->ol_flags &= ~RTE_MBUF_F_TX_OFFLOAD_MASK;
	ut_inject_mbuf(0, m);
	steps();
}

/* All b holds: want bytes, the stream's from its start then tail. */
static void
expect_read(struct dp_sock *b, uint32_t want, const char *tail)
{
	uint32_t n = 0, tl = (uint32_t)strlen(tail);
	long r;

	while (n < want + tl && (r = ut_recv(b, got + n, sizeof(got) - n,
			NULL, NULL, 0)) > 0)
		n += (uint32_t)r;
	CU_ASSERT_EQUAL(n, want + tl);
	CU_ASSERT_EQUAL(memcmp(got, pattern, want), 0);
	CU_ASSERT_EQUAL(memcmp(got + want, tail, tl), 0);
}

static void
zc_done(struct dp_sock *a, struct dp_sock *b)
{
	if (b != NULL)
		done(b);
	done(a);
	port_tso(false);
}

/* The burst's payload is the send queue's own buffers, not a copy, and
 * reads exact. */
static void
test_tcp_tso_burst_references_the_send_queue(void)
{
	uint32_t iss;
	struct dp_sock *a;
	struct rte_mbuf *m = first_burst(&a, &iss);
	struct dp_tcp_pcb *tp = dp_tcp_pcb(a);
	unsigned int refs = 0;

	expect_burst_exact(m);
	for (struct rte_mbuf *s = m->next; s != NULL; s = s->next) {
		struct rte_mbuf *d = rte_mbuf_from_indirect(s);

		CU_ASSERT(RTE_MBUF_CLONED(s) != 0);
		for (struct rte_mbuf *q = tp->sq_head; q != NULL;
				q = dp_mbuf_priv(q)->next)
			refs += q == d;
	}
	CU_ASSERT_EQUAL(refs, m->nb_segs - 1u);
	CU_ASSERT(refs >= BURST / 2048);
	rte_pktmbuf_free(m);
	zc_done(a, NULL);
}

/*
 * The port still holds the burst when the peer ACKs part of it (the
 * queue frees two buffers, trims a third) and the stack sends on (fresh
 * buffers, perhaps those): the burst still reads exact; so does the
 * retransmission after an RTO, from the trimmed buffer; and every mbuf
 * comes back (ut_case_end).
 */
static void
test_tcp_tso_burst_held_past_its_ack_and_rexmit_stay_exact(void)
{
	uint32_t iss, end;
	struct dp_sock *a;
	struct rte_mbuf *m = first_burst(&a, &iss);

	peer(RTE_TCP_ACK_FLAG, PISS + 1, iss + 1 + 3 * MSS, 65535, NULL, 0);
	end = expect_sent_exact(iss);
	CU_ASSERT(end > BURST);
	expect_burst_exact(m);
	rte_pktmbuf_free(m);
	/* Nothing more ACKed: the RTO resends from SND.UNA. */
	ut_advance_us(DP_TCP_RTO_INIT_US + 1000);
	steps();
	CU_ASSERT(expect_sent_exact(iss) >= 4 * MSS);
	CU_ASSERT(dp_tcp_pcb(a)->rexmit_rto >= 1);
	expect_sq_exact(a, iss);
	zc_done(a, NULL);
}

/*
 * Over the loop port the receiver's ring holds the sender's buffers. A
 * short segment after the burst must not go into the tail of the last
 * one (its tailroom is the sender's unsent bytes): the sender's queue
 * is unchanged, what it sends next is exact, and the receiver reads
 * the burst and the short segment exact.
 */
static void
test_tcp_burst_received_then_short_segment_leaves_sender_bytes(void)
{
	uint32_t iss, iss_b;
	struct dp_sock *a, *b;
	struct rte_mbuf *m = first_burst(&a, &iss);

	b = connected_on(B_PORT, PISS, &iss_b);
	ut_sent_drop();
	forward(m, PISS + 1, iss_b + 1);
	peer_on(B_PORT, RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG,
		PISS + 1 + BURST, iss_b + 1, 65535, "xyz", 3);
	expect_read(b, BURST, "xyz");
	expect_sq_exact(a, iss);
	ut_sent_drop();
	peer(RTE_TCP_ACK_FLAG, PISS + 1, iss + 1 + BURST, 65535, NULL, 0);
	CU_ASSERT(expect_sent_exact(iss) > BURST);
	zc_done(a, b);
}

/* The same beyond a hole: the short segment is held after the burst's
 * last piece, not written into it. */
static void
test_tcp_burst_held_out_of_order_then_short_segment_leaves_sender_bytes(
		void)
{
	uint32_t iss, iss_b;
	struct dp_sock *a, *b;
	struct rte_mbuf *m = first_burst(&a, &iss);
	static uint8_t hole[HOLE];

	b = connected_on(B_PORT, PISS - HOLE, &iss_b);
	ut_sent_drop();
	forward(m, PISS - HOLE + 1 + HOLE, iss_b + 1);
	peer_on(B_PORT, RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG,
		PISS + 1 + BURST, iss_b + 1, 65535, "xyz", 3);
	expect_sq_exact(a, iss);
	/* The hole filled: the receiver's stream is the hole's bytes,
	 * then the burst's, then the short segment's. */
	memset(hole, 0x5a, sizeof(hole));
	peer_on(B_PORT, RTE_TCP_ACK_FLAG, PISS - HOLE + 1, iss_b + 1, 65535,
		hole, HOLE);
	expect_sq_exact(a, iss);
	{
		uint32_t n = 0;
		long r;

		while ((r = ut_recv(b, got + n, sizeof(got) - n, NULL, NULL,
				0)) > 0)
			n += (uint32_t)r;
		CU_ASSERT_EQUAL(n, HOLE + BURST + 3);
		CU_ASSERT_EQUAL(memcmp(got, hole, HOLE), 0);
		CU_ASSERT_EQUAL(memcmp(got + HOLE, pattern, BURST), 0);
		CU_ASSERT_EQUAL(memcmp(got + HOLE + BURST, "xyz", 3), 0);
	}
	ut_sent_drop();
	peer(RTE_TCP_ACK_FLAG, PISS + 1, iss + 1 + BURST, 65535, NULL, 0);
	CU_ASSERT(expect_sent_exact(iss) > BURST);
	zc_done(a, b);
}

static const struct wt_test tests[] = {
	WT_TEST(test_tcp_tso_burst_references_the_send_queue),
	WT_TEST(test_tcp_tso_burst_held_past_its_ack_and_rexmit_stay_exact),
	WT_TEST(test_tcp_burst_received_then_short_segment_leaves_sender_bytes),
	WT_TEST(test_tcp_burst_held_out_of_order_then_short_segment_leaves_sender_bytes),
	WT_TEST_END
};

static const struct wt_suite suite =
	UT_SUITE("unit_tcp_zc", suite_init, tests);

WT_MAIN(suite)
