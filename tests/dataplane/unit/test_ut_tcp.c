/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP on a driven engine, the test playing the peer (198.18.0.1:40000)
 * segment by segment: handshakes both ways, data both ways across
 * segment boundaries, out-of-order data held, RFC 5961's RST and SYN
 * rules, retransmission with backoff on the virtual clock, zero window
 * and persist probes, FIN exchanges from each side and simultaneous
 * close, TIME-WAIT expiry, RST for a closed port, malformed segments
 * counted. Segments go in with ut_inject and a few lcore steps (not
 * ut_settle, which would move the clock while data is unACKed).
 */
#include <string.h>

#include <rte_icmp.h>

#include "dp_tcp.h"
#include "test_ut_tcp_peer.h"

/* connect: SYN with MSS, SYN,ACK, ACK; writable only once established. */
static void
test_tcp_active_open_completes_three_way_handshake(void)
{
	uint32_t iss;
	struct dp_sock *s = connected(&iss);

	done(s);
}

/* Data both ways: ours in one segment, the peer's two segments read
 * as one byte stream, then a read across a segment boundary. */
static void
test_tcp_data_flows_both_ways_across_segment_boundaries(void)
{
	uint32_t iss;
	struct dp_sock *s = connected(&iss);
	struct seg sg;
	char buf[64];

	CU_ASSERT_EQUAL(ut_send(s, 0, 0, "hello", 5), 5);
	steps();
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.seq, iss + 1);
	CU_ASSERT_EQUAL(sg.len, 5);
	CU_ASSERT_EQUAL(memcmp(sg.data, "hello", 5), 0);
	peer(RTE_TCP_ACK_FLAG, PISS + 1, iss + 6, 65535, "abc", 3);
	peer(RTE_TCP_ACK_FLAG, PISS + 4, iss + 6, 65535, "defg", 4);
	CU_ASSERT(sent(&sg));
	CU_ASSERT_EQUAL(ut_recv(s, buf, 2, NULL, NULL, 0), 2);
	CU_ASSERT_EQUAL(memcmp(buf, "ab", 2), 0);
	CU_ASSERT_EQUAL(ut_recv(s, buf, 3, NULL, NULL, DP_F_PEEK), 3);
	CU_ASSERT_EQUAL(memcmp(buf, "cde", 3), 0);
	CU_ASSERT_EQUAL(ut_recv(s, buf, sizeof(buf), NULL, NULL, 0), 5);
	CU_ASSERT_EQUAL(memcmp(buf, "cdefg", 5), 0);
	CU_ASSERT_EQUAL(ut_recv(s, buf, sizeof(buf), NULL, NULL, 0), -EAGAIN);
	done(s);
}

/* A segment beyond a hole is held and ACKed at once (dup ACK); the
 * hole's filling delivers both. */
static void
test_tcp_out_of_order_segment_is_held_until_the_hole_fills(void)
{
	uint32_t iss;
	struct dp_sock *s = connected(&iss);
	struct seg sg;
	char buf[64];

	peer(RTE_TCP_ACK_FLAG, PISS + 4, iss + 1, 65535, "def", 3);
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.ack, PISS + 1);
	CU_ASSERT_EQUAL(ut_recv(s, buf, sizeof(buf), NULL, NULL, 0), -EAGAIN);
	peer(RTE_TCP_ACK_FLAG, PISS + 1, iss + 1, 65535, "abc", 3);
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.ack, PISS + 7);
	CU_ASSERT_EQUAL(ut_recv(s, buf, sizeof(buf), NULL, NULL, 0), 6);
	CU_ASSERT_EQUAL(memcmp(buf, "abcdef", 6), 0);
	done(s);
}

/* listen, SYN -> SYN,ACK, ACK -> accept gives the child, which talks. */
static void
test_tcp_passive_open_is_accepted(void)
{
	struct dp_sock *l = ut_sock(IPPROTO_TCP, 0, PORT), *c = NULL;
	struct dp_addr from;
	struct seg sg;
	char buf[16];

	CU_ASSERT_EQUAL(dp_sock_accept(l, &c, NULL, DP_F_NONBLOCK), -EINVAL);
	CU_ASSERT_EQUAL(dp_sock_listen(l, 4), 0);
	CU_ASSERT_EQUAL(dp_sock_accept(l, &c, NULL, DP_F_NONBLOCK), -EAGAIN);
	syn_answered(&sg);
	CU_ASSERT(sg.mss);
	CU_ASSERT_FALSE(dp_sock_ready(l) & DP_EV_READ);
	peer(RTE_TCP_ACK_FLAG, PISS + 1, sg.seq + 1, 65535, "hi", 2);
	CU_ASSERT(dp_sock_ready(l) & DP_EV_READ);
	CU_ASSERT_EQUAL_FATAL(dp_sock_accept(l, &c, &from, DP_F_NONBLOCK), 0);
	CU_ASSERT_EQUAL(from.ip, UT_PEER);
	CU_ASSERT_EQUAL(from.port, PEER_PORT);
	CU_ASSERT_EQUAL(state(c), DP_TCP_ESTABLISHED);
	CU_ASSERT_EQUAL(ut_recv(c, buf, sizeof(buf), NULL, NULL, 0), 2);
	CU_ASSERT_EQUAL(ut_send(c, 0, 0, "yo", 2), 2);
	steps();
	while (sent(&sg) && sg.len == 0)
		;
	CU_ASSERT_EQUAL(sg.len, 2);
	done(c);
	done(l);
}

/* A SYN to a port nobody listens on: RST,ACK acking it; a bare ACK:
 * RST with SEQ = SEG.ACK; a RST: nothing. */
static void
test_tcp_segment_to_closed_port_gets_rst(void)
{
	uint8_t f[256];
	struct seg sg;

	ut_inject(0, f, frame(f, 7999, RTE_TCP_SYN_FLAG, 5, 0, 100, NULL, 0,
		false), 0);
	steps();
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.flags, RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG);
	CU_ASSERT_EQUAL(sg.ack, 6);
	ut_inject(0, f, frame(f, 7999, RTE_TCP_ACK_FLAG, 5, 777, 100, NULL, 0,
		false), 0);
	steps();
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.flags, RTE_TCP_RST_FLAG);
	CU_ASSERT_EQUAL(sg.seq, 777);
	ut_inject(0, f, frame(f, 7999, RTE_TCP_RST_FLAG, 5, 0, 100, NULL, 0,
		false), 0);
	steps();
	CU_ASSERT_FALSE(sent(&sg));
}

/* RFC 5961: an in-window RST that is not exact gets a challenge ACK, an
 * exact one resets (recv -ECONNRESET), an out-of-window one nothing. */
static void
test_tcp_rst_in_window_is_challenged_exact_resets(void)
{
	uint32_t iss;
	struct dp_sock *s = connected(&iss);
	struct seg sg;
	char buf[8];

	peer(RTE_TCP_RST_FLAG, PISS + 100, 0, 0, NULL, 0);
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.flags, RTE_TCP_ACK_FLAG);
	CU_ASSERT_EQUAL(sg.ack, PISS + 1);
	CU_ASSERT_EQUAL(state(s), DP_TCP_ESTABLISHED);
	peer(RTE_TCP_RST_FLAG, PISS + 1 + 1000000, 0, 0, NULL, 0);
	CU_ASSERT_FALSE(sent(&sg));
	peer(RTE_TCP_RST_FLAG, PISS + 1, 0, 0, NULL, 0);
	CU_ASSERT_FALSE(sent(&sg));
	CU_ASSERT_EQUAL(state(s), DP_TCP_CLOSED);
	CU_ASSERT_EQUAL(ut_recv(s, buf, sizeof(buf), NULL, NULL, 0),
		-ECONNRESET);
	CU_ASSERT_EQUAL(ut_send(s, 0, 0, "x", 1), -ECONNRESET);
	done(s);
}

/* A SYN on an established connection: challenge ACK, nothing else. */
static void
test_tcp_syn_in_established_gets_challenge_ack(void)
{
	uint32_t iss;
	struct dp_sock *s = connected(&iss);
	struct seg sg;

	peer(RTE_TCP_SYN_FLAG, PISS + 5, 0, 65535, NULL, 0);
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.flags, RTE_TCP_ACK_FLAG);
	CU_ASSERT_EQUAL(sg.seq, iss + 1);
	CU_ASSERT_EQUAL(sg.ack, PISS + 1);
	CU_ASSERT_EQUAL(state(s), DP_TCP_ESTABLISHED);
	done(s);
}

/* Unanswered data is sent again after the RTO (200 ms: the floor, the
 * handshake's sample being ~0), then after twice that (backoff), never
 * before. */
static void
test_tcp_data_is_retransmitted_after_rto_with_backoff(void)
{
	uint32_t iss;
	struct dp_sock *s = connected(&iss);
	struct seg sg;
	struct dp_stats a, b;

	ut_stats(&a);
	CU_ASSERT_EQUAL(ut_send(s, 0, 0, "lost", 4), 4);
	steps();
	CU_ASSERT(sent(&sg));
	ut_advance_us(190000);
	steps();
	CU_ASSERT_FALSE(sent(&sg));
	ut_advance_us(20000);
	steps();
	CU_ASSERT(sent(&sg));
	CU_ASSERT_EQUAL(sg.seq, iss + 1);
	CU_ASSERT_EQUAL(sg.len, 4);
	ut_advance_us(380000);
	steps();
	CU_ASSERT_FALSE(sent(&sg));
	ut_advance_us(40000);
	steps();
	CU_ASSERT(sent(&sg));
	ut_stats(&b);
	CU_ASSERT_EQUAL(b.tcp_rto - a.tcp_rto, 2);
	peer(RTE_TCP_ACK_FLAG, PISS + 1, iss + 5, 65535, NULL, 0);
	CU_ASSERT(dp_sock_ready(s) & DP_EV_DRAINED);
	done(s);
}

/* The RTO pushed later (an ACK, then new data) leaves the wheel armed
 * at the old deadline: the timer firing there sends nothing, and the
 * new deadline still resends. */
static void
test_tcp_rto_moved_later_fires_at_the_new_deadline_only(void)
{
	uint32_t iss;
	struct dp_sock *s = connected(&iss);
	struct seg sg;
	struct dp_stats a, b;

	CU_ASSERT_EQUAL(ut_send(s, 0, 0, "aaaa", 4), 4);
	steps();
	CU_ASSERT_FATAL(sent(&sg));
	ut_advance_us(100000);
	peer(RTE_TCP_ACK_FLAG, PISS + 1, iss + 5, 65535, NULL, 0);
	CU_ASSERT_EQUAL(ut_send(s, 0, 0, "bbbb", 4), 4);
	steps();
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.seq, iss + 5);
	ut_stats(&a);
	ut_advance_us(110000);		/* past the first send's RTO */
	steps();
	CU_ASSERT_FALSE(sent(&sg));
	ut_advance_us(400000);		/* past the second's (at most 300 ms) */
	steps();
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.seq, iss + 5);
	CU_ASSERT_EQUAL(sg.len, 4);
	ut_stats(&b);
	CU_ASSERT_EQUAL(b.tcp_rto - a.tcp_rto, 1);
	peer(RTE_TCP_ACK_FLAG, PISS + 1, iss + 9, 65535, NULL, 0);
	CU_ASSERT(dp_sock_ready(s) & DP_EV_DRAINED);
	done(s);
}

/* A zero window holds our data; persist probes (SEQ = SND.UNA - 1)
 * come after an RTO (200 ms here) and back off; the window's opening
 * releases it. */
static void
test_tcp_zero_window_gets_persist_probes(void)
{
	uint32_t iss;
	struct dp_sock *s = connected(&iss);
	struct seg sg;

	peer(RTE_TCP_ACK_FLAG, PISS + 1, iss + 1, 0, NULL, 0);
	CU_ASSERT_EQUAL(ut_send(s, 0, 0, "wait", 4), 4);
	steps();
	CU_ASSERT_FALSE(sent(&sg));
	ut_advance_us(200001);
	steps();
	CU_ASSERT(sent(&sg));
	CU_ASSERT_EQUAL(sg.seq, iss);
	CU_ASSERT_EQUAL(sg.len, 0);
	ut_advance_us(200001);
	steps();
	CU_ASSERT_FALSE(sent(&sg));		/* backed off to 400 ms */
	ut_advance_us(200001);
	steps();
	CU_ASSERT(sent(&sg));
	peer(RTE_TCP_ACK_FLAG, PISS + 1, iss + 1, 100, NULL, 0);
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.len, 4);
	done(s);
}

/* A window below the MSS and half the largest the peer offered, with
 * nothing in flight: sender SWS holds the data back, but only until the
 * override timeout (MUST-38; the persist interval, 200 ms here); then
 * the window is filled, and the rest goes as the peer opens it. */
static void
test_tcp_window_below_mss_is_filled_after_the_override_timeout(void)
{
	static uint8_t p[5000];
	uint32_t iss;
	struct dp_sock *s = connected(&iss);
	struct seg sg;

	peer(RTE_TCP_ACK_FLAG, PISS + 1, iss + 1, 500, NULL, 0);
	CU_ASSERT_EQUAL(ut_send(s, 0, 0, p, sizeof(p)), (long)sizeof(p));
	steps();
	CU_ASSERT_FALSE(sent(&sg));		/* not at once */
	ut_advance_us(200001);
	steps();
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.seq, iss + 1);
	CU_ASSERT_EQUAL(sg.len, 500);
	CU_ASSERT_FALSE(sent(&sg));
	peer(RTE_TCP_ACK_FLAG, PISS + 1, iss + 501, 65535, NULL, 0);
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.seq, iss + 501);
	done(s);
}

/* The peer closes first: recv 0, CLOSE-WAIT; our close sends FIN,
 * LAST-ACK, and its ACK ends it. */
static void
test_tcp_peer_fin_then_our_close(void)
{
	uint32_t iss;
	struct dp_sock *s = connected(&iss);
	struct seg sg;
	char buf[8];

	peer(RTE_TCP_FIN_FLAG | RTE_TCP_ACK_FLAG, PISS + 1, iss + 1, 65535,
		NULL, 0);
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.ack, PISS + 2);
	CU_ASSERT_EQUAL(state(s), DP_TCP_CLOSE_WAIT);
	CU_ASSERT_EQUAL(ut_recv(s, buf, sizeof(buf), NULL, NULL, 0), 0);
	dp_sock_shutdown(s, false, true);
	steps();
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT(sg.flags & RTE_TCP_FIN_FLAG);
	CU_ASSERT_EQUAL(state(s), DP_TCP_LAST_ACK);
	CU_ASSERT_EQUAL(ut_send(s, 0, 0, "x", 1), -ESHUTDOWN);
	peer(RTE_TCP_ACK_FLAG, PISS + 2, iss + 2, 65535, NULL, 0);
	CU_ASSERT_EQUAL(state(s), DP_TCP_CLOSED);
	dp_sock_close(s, DP_CLOSE_GRACEFUL);
}

/* We close first: FIN after the data, FIN-WAIT-1, -2, the peer's FIN,
 * TIME-WAIT for 2 MSL, then gone. */
static void
test_tcp_our_fin_then_time_wait_expires(void)
{
	uint32_t iss;
	struct dp_sock *s = connected(&iss);
	struct seg sg;

	CU_ASSERT_EQUAL(ut_send(s, 0, 0, "bye", 3), 3);
	dp_sock_shutdown(s, false, true);
	steps();
	CU_ASSERT_FATAL(sent(&sg));
	if (!(sg.flags & RTE_TCP_FIN_FLAG))
		CU_ASSERT_FATAL(sent(&sg) || true);
	CU_ASSERT(sg.flags & RTE_TCP_FIN_FLAG);
	CU_ASSERT_EQUAL(state(s), DP_TCP_FIN_WAIT_1);
	peer(RTE_TCP_ACK_FLAG, PISS + 1, iss + 5, 65535, NULL, 0);
	CU_ASSERT_EQUAL(state(s), DP_TCP_FIN_WAIT_2);
	peer(RTE_TCP_FIN_FLAG | RTE_TCP_ACK_FLAG, PISS + 1, iss + 5, 65535,
		NULL, 0);
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.ack, PISS + 2);
	CU_ASSERT_EQUAL(state(s), DP_TCP_TIME_WAIT);
	ut_advance_us(150000);
	steps();
	CU_ASSERT_EQUAL(state(s), DP_TCP_TIME_WAIT);
	ut_advance_us(60000);
	steps();
	CU_ASSERT_EQUAL(state(s), DP_TCP_CLOSED);
	dp_sock_close(s, DP_CLOSE_GRACEFUL);
}

/* RFC 1337: a RST that reaches a connection in TIME-WAIT, even one at
 * RCV.NXT exactly, does not end it (an old duplicate must not
 * assassinate it); 2 MSL still runs to its end. */
static void
test_tcp_rst_in_time_wait_does_not_assassinate_it(void)
{
	uint32_t iss;
	struct dp_sock *s = connected(&iss);
	struct seg sg;

	dp_sock_shutdown(s, false, true);
	steps();
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT(sg.flags & RTE_TCP_FIN_FLAG);
	peer(RTE_TCP_FIN_FLAG | RTE_TCP_ACK_FLAG, PISS + 1, iss + 2, 65535,
		NULL, 0);
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(state(s), DP_TCP_TIME_WAIT);
	peer(RTE_TCP_RST_FLAG, PISS + 2, 0, 0, NULL, 0);
	CU_ASSERT_EQUAL(state(s), DP_TCP_TIME_WAIT);
	peer(RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG, PISS + 2, iss + 2, 0,
		NULL, 0);
	CU_ASSERT_EQUAL(state(s), DP_TCP_TIME_WAIT);
	while (sent(&sg))
		CU_ASSERT_FALSE(sg.flags & RTE_TCP_RST_FLAG);
	ut_advance_us(210000);
	steps();
	CU_ASSERT_EQUAL(state(s), DP_TCP_CLOSED);
	dp_sock_close(s, DP_CLOSE_GRACEFUL);
}

/* Both FINs cross: FIN-WAIT-1 -> CLOSING -> TIME-WAIT. */
static void
test_tcp_simultaneous_close_goes_through_closing(void)
{
	uint32_t iss;
	struct dp_sock *s = connected(&iss);
	struct seg sg;

	dp_sock_shutdown(s, false, true);
	steps();
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT(sg.flags & RTE_TCP_FIN_FLAG);
	peer(RTE_TCP_FIN_FLAG | RTE_TCP_ACK_FLAG, PISS + 1, iss + 1, 65535,
		NULL, 0);
	CU_ASSERT_EQUAL(state(s), DP_TCP_CLOSING);
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.ack, PISS + 2);
	peer(RTE_TCP_ACK_FLAG, PISS + 2, iss + 2, 65535, NULL, 0);
	CU_ASSERT_EQUAL(state(s), DP_TCP_TIME_WAIT);
	ut_advance_us(250000);
	steps();
	CU_ASSERT_EQUAL(state(s), DP_TCP_CLOSED);
	dp_sock_close(s, DP_CLOSE_GRACEFUL);
}

/* An unanswered SYN is retried, then connect fails -ETIMEDOUT. */
static void
test_tcp_connect_times_out_after_syn_retries(void)
{
	struct dp_addr to = { UT_PEER, PEER_PORT };
	struct dp_sock *s = ut_sock(IPPROTO_TCP, 0, PORT);
	struct seg sg;
	unsigned int syns = 0;

	CU_ASSERT_EQUAL(dp_sock_connect_flags(s, &to, DP_F_NONBLOCK),
		-EINPROGRESS);
	for (int i = 0; i < 200 && state(s) == DP_TCP_SYN_SENT; i++) {
		steps();
		while (sent(&sg))
			syns += sg.flags == RTE_TCP_SYN_FLAG;
		ut_advance_us(1000000);
	}
	CU_ASSERT_EQUAL(syns, 1 + 6);
	CU_ASSERT_EQUAL(state(s), DP_TCP_CLOSED);
	CU_ASSERT(dp_sock_ready(s) & DP_EV_ERROR);
	CU_ASSERT_EQUAL(dp_sock_take_error(s), ETIMEDOUT);	/* SO_ERROR */
	dp_sock_close(s, DP_CLOSE_GRACEFUL);
}

/* A RST answering our SYN: refused. The owner stores SO_ERROR, then
 * err, then CLOSED; a selector woken between two of those stores must
 * not report the failure yet (it would read SO_ERROR 0, or find the
 * state still SYN-SENT): each midpoint is staged by hand here. */
static void
test_tcp_connect_refused_is_reported_only_once_closed(void)
{
	struct dp_addr to = { UT_PEER, PEER_PORT };
	struct dp_sock *s = ut_sock(IPPROTO_TCP, 0, PORT);
	struct dp_tcp_pcb *tp = dp_tcp_pcb(s);
	const unsigned int any = DP_EV_READ | DP_EV_WRITE | DP_EV_ERROR;
	struct seg sg;

	dp_sock_connect_flags(s, &to, DP_F_NONBLOCK);
	steps();
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(dp_sock_ready(s) & any, 0);
	__atomic_store_n(&s->so_error, ECONNREFUSED, __ATOMIC_RELEASE);
	CU_ASSERT_EQUAL(dp_sock_ready(s) & any, 0);
	__atomic_store_n(&tp->err, ECONNREFUSED, __ATOMIC_RELEASE);
	CU_ASSERT_EQUAL(dp_sock_ready(s) & any, 0);
	__atomic_store_n(&tp->err, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&s->so_error, 0, __ATOMIC_RELEASE);
	peer(RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG, 0, sg.seq + 1, 0, NULL, 0);
	CU_ASSERT_EQUAL(state(s), DP_TCP_CLOSED);
	CU_ASSERT_EQUAL(dp_sock_ready(s) & any, any);
	CU_ASSERT_EQUAL(dp_sock_take_error(s), ECONNREFUSED);
	dp_sock_close(s, DP_CLOSE_GRACEFUL);
}

/* Bad checksum, bad data offset, a short segment, SYN+FIN: counted,
 * dropped, nothing sent, no mbuf kept. */
static void
test_tcp_malformed_segments_are_counted(void)
{
	uint8_t f[256];
	struct dp_stats a, b;
	struct seg sg;
	uint16_t n;

	ut_stats(&a);
	ut_inject(0, f, frame(f, PORT, RTE_TCP_SYN_FLAG, 1, 0, 10, NULL, 0,
		true), 0);
	n = frame(f, PORT, RTE_TCP_ACK_FLAG, 1, 0, 10, NULL, 0, false);
	f[14 + 20 + 12] = 0xf0;			/* doff 15 */
	ut_inject(0, f, n, 0);
	n = frame(f, PORT, RTE_TCP_ACK_FLAG, 1, 0, 10, NULL, 0, false);
	f[14 + 12] = 0;	/* spoil nothing but shorten the IP length below */
	{
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + 14);

		ip->total_length = rte_cpu_to_be_16(30);
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	ut_inject(0, f, n, 0);
	ut_inject(0, f, frame(f, PORT, RTE_TCP_SYN_FLAG | RTE_TCP_FIN_FLAG, 1,
		0, 10, NULL, 0, false), 0);
	steps();
	ut_stats(&b);
	CU_ASSERT_EQUAL(b.tcp_bad_csum - a.tcp_bad_csum, 1);
	CU_ASSERT_EQUAL(b.tcp_bad_doff - a.tcp_bad_doff, 1);
	CU_ASSERT_EQUAL(b.tcp_short - a.tcp_short, 1);
	CU_ASSERT_EQUAL(b.tcp_odd_flags - a.tcp_odd_flags, 1);
	CU_ASSERT_FALSE(sent(&sg));
}

/* Keepalive (RFC 9293 §3.8.4): off by default (MUST-25); on, after the
 * idle time a probe SEQ = SND.UNA - 1 with no data; an answer restarts
 * the idle time; 10 unanswered probes (Windows' count) at the interval
 * drop the connection with a RST and ENETRESET (WSAENETRESET). */
static void
test_tcp_keepalive_probes_then_drops_with_enetreset(void)
{
	uint32_t iss;
	struct dp_sock *s = connected(&iss);
	struct seg sg;
	char buf[8];
	int probes = 0;

	ut_advance_us(7201ull * 1000000);
	steps();
	CU_ASSERT_FALSE(sent(&sg));		/* off by default */
	CU_ASSERT_EQUAL(dp_tcp_set_keepalive(s, true, 1000, 100), 0);
	steps();
	CU_ASSERT(sent(&sg));			/* idle for 2 h already */
	CU_ASSERT_EQUAL(sg.seq, iss);
	peer(RTE_TCP_ACK_FLAG, PISS + 1, iss + 1, 65535, NULL, 0);
	CU_ASSERT_FALSE(sent(&sg));
	ut_advance_us(999000);
	steps();
	CU_ASSERT_FALSE(sent(&sg));
	ut_advance_us(2000);
	steps();
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.flags, RTE_TCP_ACK_FLAG);
	CU_ASSERT_EQUAL(sg.seq, iss);		/* SND.UNA - 1 */
	CU_ASSERT_EQUAL(sg.ack, PISS + 1);
	CU_ASSERT_EQUAL(sg.len, 0);
	probes = 1;
	for (int i = 0; i < 30 && state(s) == DP_TCP_ESTABLISHED; i++) {
		ut_advance_us(50000);
		steps();
		while (sent(&sg)) {
			if (sg.flags == RTE_TCP_ACK_FLAG) {
				CU_ASSERT_EQUAL(sg.seq, iss);
				probes++;
			} else {
				CU_ASSERT_EQUAL(sg.flags, RTE_TCP_RST_FLAG);
				CU_ASSERT_EQUAL(sg.seq, iss + 1);
			}
		}
	}
	CU_ASSERT_EQUAL(probes, 10);
	CU_ASSERT_EQUAL(state(s), DP_TCP_CLOSED);
	CU_ASSERT_EQUAL(ut_recv(s, buf, sizeof(buf), NULL, NULL, 0),
		-ENETRESET);
	done(s);
}

/* ICMP fragmentation needed from a router on the path, quoting our
 * segment at seq with next-hop MTU mtu (RFC 1191). */
static void
frag_needed(uint32_t seq, uint16_t mtu)
{
	uint8_t f[256];
	struct rte_ipv4_hdr *ip, *q;
	struct rte_icmp_hdr *icmp;
	struct rte_tcp_hdr *th;
	uint16_t l4 = (uint16_t)(sizeof(*icmp) + sizeof(*q) + 8);

	ip = frame_ipv4(f, &ut_eng()->mac, &ut_peer_mac, UT_PEER, UT_IP,
		IPPROTO_ICMP, l4);
	icmp = (struct rte_icmp_hdr *)(ip + 1);
	memset(icmp, 0, l4);
	icmp->icmp_type = 3;
	icmp->icmp_code = 4;
	icmp->icmp_seq_nb = rte_cpu_to_be_16(mtu);
	q = (struct rte_ipv4_hdr *)(icmp + 1);
	q->version_ihl = 0x45;
	q->total_length = rte_cpu_to_be_16(1500);
	q->time_to_live = 64;
	q->next_proto_id = IPPROTO_TCP;
	q->src_addr = rte_cpu_to_be_32(UT_IP);
	q->dst_addr = rte_cpu_to_be_32(UT_PEER);
	th = (struct rte_tcp_hdr *)(q + 1);	/* its first 8 bytes */
	th->src_port = rte_cpu_to_be_16(PORT);
	th->dst_port = rte_cpu_to_be_16(PEER_PORT);
	th->sent_seq = rte_cpu_to_be_32(seq);
	icmp->icmp_cksum = (uint16_t)~rte_raw_cksum(icmp, l4);
	ut_inject(0, f, (uint16_t)(sizeof(struct rte_ether_hdr) +
		sizeof(*ip) + l4), 0);
	steps();
}

/* RFC 1191 with RFC 5927's check: a frag-needed quoting a sequence
 * number outside [SND.UNA, SND.NXT) is ignored (counted); one inside
 * lowers the MSS to the MTU's and what is in flight goes again in
 * smaller segments; never below the floor. */
static void
test_tcp_frag_needed_lowers_mss_and_retransmits(void)
{
	static char big[1460];
	uint32_t iss;
	struct dp_sock *s = connected(&iss);
	struct dp_stats a, b;
	struct seg sg;
	uint32_t got = 0;

	dp_sock_set_opt(s, DP_OPT_NODELAY, 1);
	CU_ASSERT_EQUAL(ut_send(s, 0, 0, big, sizeof(big)), 1460);
	steps();
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.len, 1460);
	ut_stats(&a);
	frag_needed(iss + 1 + 1460, 1000);	/* not in flight */
	frag_needed(iss - 5000, 1000);
	CU_ASSERT_FALSE(sent(&sg));
	ut_stats(&b);
	CU_ASSERT_EQUAL(b.icmp_bad_quote - a.icmp_bad_quote, 2);
	frag_needed(iss + 1, 1000);
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.seq, iss + 1);
	CU_ASSERT_EQUAL(sg.len, 960);
	got = sg.len;
	while (sent(&sg))
		got += sg.len;
	CU_ASSERT_EQUAL(got, 1460);
	frag_needed(iss + 1, 100);		/* below the floor: 552 */
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.len, 512);
	ut_sent_drop();
	peer(RTE_TCP_ACK_FLAG, PISS + 1, iss + 1461, 65535, NULL, 0);
	CU_ASSERT(dp_sock_ready(s) & DP_EV_DRAINED);
	done(s);
}

static unsigned int
socks_count(void)
{
	return __atomic_load_n(&ut_eng()->socks->count, __ATOMIC_ACQUIRE);
}

/* A SYN from the peer's port pport to the listener; our SYN,ACK's
 * sequence number. */
static uint32_t
syn_from(uint16_t pport)
{
	uint8_t f[256];
	uint16_t n = frame(f, PORT, RTE_TCP_SYN_FLAG, PISS, 0, 65535, NULL,
		0, false);
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(f + 14 + 20);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + 14);
	struct seg sg;

	th->src_port = rte_cpu_to_be_16(pport);
	th->cksum = 0;
	th->cksum = rte_ipv4_udptcp_cksum(ip, th);
	ut_inject(0, f, n, 0);
	steps();
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.flags, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG);
	return sg.seq;
}

/* A listener closed with a child in SYN-RECEIVED and one established
 * but not accepted: both peers get a RST (the embryo's at once, not
 * after its SYN,ACK retries), the late ACK of the embryo's peer finds
 * nothing, and every socket, timer and mbuf is given back. */
static void
test_tcp_listener_close_resets_embryonic_and_queued_children(void)
{
	struct dp_sock *l;
	uint32_t iss_a, iss_b;
	struct seg sg;
	int rsts = 0;

	l = ut_sock(IPPROTO_TCP, 0, PORT);
	CU_ASSERT_EQUAL_FATAL(dp_sock_listen(l, 4), 0);
	iss_a = syn_from(PEER_PORT);		/* stays in SYN-RECEIVED */
	iss_b = syn_from(PEER_PORT + 1);
	{
		uint8_t f[256];
		uint16_t n = frame(f, PORT, RTE_TCP_ACK_FLAG, PISS + 1,
			iss_b + 1, 65535, NULL, 0, false);
		struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(f + 34);

		th->src_port = rte_cpu_to_be_16(PEER_PORT + 1);
		th->cksum = 0;
		th->cksum = rte_ipv4_udptcp_cksum(
			(struct rte_ipv4_hdr *)(f + 14), th);
		ut_inject(0, f, n, 0);
		steps();
	}
	CU_ASSERT(dp_sock_ready(l) & DP_EV_READ);	/* B queued */
	dp_sock_close(l, DP_CLOSE_GRACEFUL);
	steps();
	while (sent(&sg)) {
		CU_ASSERT(sg.flags & RTE_TCP_RST_FLAG);
		if (sg.seq == iss_a + 1 || sg.seq == iss_b + 1)
			rsts++;
	}
	CU_ASSERT_EQUAL(rsts, 2);
	/* The embryo's peer ACKs late: no connection, a plain RST. */
	peer(RTE_TCP_ACK_FLAG, PISS + 1, iss_a + 1, 65535, NULL, 0);
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.flags, RTE_TCP_RST_FLAG);
	CU_ASSERT_EQUAL(sg.seq, iss_a + 1);
	CU_ASSERT_EQUAL(ut_settle(), 0);
	/* Nothing of it left: listener, spares, children (and earlier
	 * tests' sockets, settled too). */
	CU_ASSERT_EQUAL(socks_count(), 0);
	ut_sent_drop();
	CU_ASSERT_EQUAL(ut_mbufs_in_use(), 0);
}

/* In-order segments taken in by one RX burst get one ACK, for all of
 * them, at the end of the burst (MUST-58, no delayed-ACK timer); one
 * beyond a hole is still ACKed at once (its duplicate ACK drives the
 * peer's fast retransmit). */
static void
test_tcp_acks_of_one_burst_are_aggregated(void)
{
	uint32_t iss;
	struct dp_sock *s = connected(&iss);
	uint8_t f[3][256];
	struct seg sg;
	char buf[64];

	for (uint32_t i = 0; i < 3; i++)
		ut_inject(0, f[i], frame(f[i], PORT, RTE_TCP_ACK_FLAG,
			PISS + 1 + 4 * i, iss + 1, 65535, "abcd", 4, false),
			0);
	steps();
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.ack, PISS + 13);
	CU_ASSERT_FALSE(sent(&sg));
	ut_inject(0, f[0], frame(f[0], PORT, RTE_TCP_ACK_FLAG, PISS + 13,
		iss + 1, 65535, "abcd", 4, false), 0);
	ut_inject(0, f[1], frame(f[1], PORT, RTE_TCP_ACK_FLAG, PISS + 21,
		iss + 1, 65535, "abcd", 4, false), 0);
	steps();
	CU_ASSERT_FATAL(sent(&sg));		/* the hole's dup ACK */
	CU_ASSERT_EQUAL(sg.ack, PISS + 17);
	CU_ASSERT_FALSE(sent(&sg));		/* it covered the first */
	CU_ASSERT_EQUAL(ut_recv(s, buf, sizeof(buf), NULL, NULL, 0), 16);
	done(s);
}

static const struct wt_test tests[] = {
	WT_TEST(test_tcp_active_open_completes_three_way_handshake),
	WT_TEST(test_tcp_data_flows_both_ways_across_segment_boundaries),
	WT_TEST(test_tcp_out_of_order_segment_is_held_until_the_hole_fills),
	WT_TEST(test_tcp_passive_open_is_accepted),
	WT_TEST(test_tcp_segment_to_closed_port_gets_rst),
	WT_TEST(test_tcp_rst_in_window_is_challenged_exact_resets),
	WT_TEST(test_tcp_syn_in_established_gets_challenge_ack),
	WT_TEST(test_tcp_data_is_retransmitted_after_rto_with_backoff),
	WT_TEST(test_tcp_rto_moved_later_fires_at_the_new_deadline_only),
	WT_TEST(test_tcp_zero_window_gets_persist_probes),
	WT_TEST(test_tcp_window_below_mss_is_filled_after_the_override_timeout),
	WT_TEST(test_tcp_peer_fin_then_our_close),
	WT_TEST(test_tcp_our_fin_then_time_wait_expires),
	WT_TEST(test_tcp_rst_in_time_wait_does_not_assassinate_it),
	WT_TEST(test_tcp_simultaneous_close_goes_through_closing),
	WT_TEST(test_tcp_connect_times_out_after_syn_retries),
	WT_TEST(test_tcp_connect_refused_is_reported_only_once_closed),
	WT_TEST(test_tcp_malformed_segments_are_counted),
	WT_TEST(test_tcp_keepalive_probes_then_drops_with_enetreset),
	WT_TEST(test_tcp_frag_needed_lowers_mss_and_retransmits),
	WT_TEST(test_tcp_listener_close_resets_embryonic_and_queued_children),
	WT_TEST(test_tcp_acks_of_one_burst_are_aggregated),
	WT_TEST_END
};

static const struct wt_suite suite =
	UT_SUITE("unit_tcp", suite_init, tests);

WT_MAIN(suite)
