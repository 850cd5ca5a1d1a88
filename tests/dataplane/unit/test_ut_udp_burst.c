/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * UDP delivery over a whole RX burst (dp_udp.c: a run of datagrams for
 * one socket is queued with one ring enqueue at the run's end): each
 * socket still gets its datagrams in arrival order, whatever else the
 * burst holds (other sockets, a multicast fan-out), and what SO_RCVBUF or
 * the ring refuses is counted one by one, exactly as datagram by
 * datagram delivery counted it.
 *
 * Every frame of a case is put on the wire first and taken in by one
 * lcore step, so they arrive as one burst (or a known few).
 */
#include <stdio.h>
#include <string.h>

#include <rte_ring.h>

#include "ut.h"

#define PORT_A		7000
#define PORT_B		7001
#define PEER_PORT	40000
#define GROUP		FRAME_IP4(239, 1, 2, 3)

/* A datagram on the wire (not yet taken in), its payload "<tag><i>". */
static void
put(uint32_t dst, uint16_t port, char tag, unsigned int i)
{
	uint8_t f[256];
	char p[16];
	int n = snprintf(p, sizeof(p), "%c%03u", tag, i);

	ut_inject(0, f, ut_udp_frame(f, UT_PEER, PEER_PORT, dst, port, p,
		(uint16_t)n, FRAME_CSUM_GOOD), 0);
}

/* The next datagram on s is "<tag><i>". */
static void
expect(struct dp_sock *s, char tag, unsigned int i)
{
	char want[16];

	snprintf(want, sizeof(want), "%c%03u", tag, i);
	ut_expect_dgram(s, want, 0);
}

/* SO_RCVBUF refuses the tail of a burst: the head is queued in order,
 * every refused datagram counted on the stack and on the socket, the
 * bytes queued exactly the head's. */
static void
test_udp_burst_over_rcvbuf_keeps_the_head_and_counts_the_rest(void)
{
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, PORT_A);
	struct dp_sock_stats st;
	struct dp_stats a, b;
	unsigned int base = ut_mbufs_in_use();

	/* 4-byte datagrams, 18 bytes of room: 4 fit (the 5th would make
	 * 20), the next 4 are refused. */
	CU_ASSERT_EQUAL(dp_sock_set_opt(s, DP_OPT_RCVBUF, 18), 0);
	ut_stats(&a);
	for (unsigned int i = 0; i < 8; i++)
		put(UT_IP, PORT_A, 'a', i);
	ut_step();
	ut_stats(&b);
	CU_ASSERT_EQUAL(b.udp_rx_full - a.udp_rx_full, 4);
	CU_ASSERT_EQUAL(b.rx_pkts - a.rx_pkts, 8);
	dp_sock_stats_get(s, &st);
	CU_ASSERT_EQUAL(st.drop_rx_full, 4);
	CU_ASSERT_EQUAL(st.rx_dgrams, 4);
	CU_ASSERT_EQUAL(st.rx_bytes, 16);
	CU_ASSERT_EQUAL(dp_sock_rx_bytes(s), 16);
	CU_ASSERT_EQUAL(ut_mbufs_in_use(), base + 4);
	for (unsigned int i = 0; i < 4; i++)
		expect(s, 'a', i);
	ut_expect_drained_close(s, base);
}

/* An empty socket takes one datagram however large, in a burst too: the
 * first of the burst is queued past SO_RCVBUF, the rest refused. */
static void
test_udp_burst_to_an_empty_socket_takes_one_past_rcvbuf(void)
{
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, PORT_A);
	struct dp_sock_stats st;

	CU_ASSERT_EQUAL(dp_sock_set_opt(s, DP_OPT_RCVBUF, 1), 0);
	for (unsigned int i = 0; i < 3; i++)
		put(UT_IP, PORT_A, 'a', i);
	ut_step();
	dp_sock_stats_get(s, &st);
	CU_ASSERT_EQUAL(st.rx_dgrams, 1);
	CU_ASSERT_EQUAL(st.drop_rx_full, 2);
	expect(s, 'a', 0);
	ut_expect_empty(s);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

/* The ring fills in the middle of a burst: what it took is queued in
 * order, the rest refused and counted, the bytes queued exactly what the
 * ring holds. */
static void
test_udp_burst_past_a_full_ring_counts_each_refusal(void)
{
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, PORT_A);
	struct dp_sock_stats st;
	struct dp_stats a, b;
	unsigned int cap, sent = 0, bursts = 0;

	/* The ring's slots, not SO_RCVBUF, are the limit here: 4-byte
	 * datagrams and the default 64 KB. */
	cap = rte_ring_get_capacity(s->rxq.prod);
	CU_ASSERT_FATAL(cap > 0 && cap < 2047 / 2);
	ut_stats(&a);
	/* Bursts of 30: the one that fills the ring is cut part way. */
	while (sent < cap + 40) {
		for (unsigned int i = 0; i < 30; i++)
			put(UT_IP, PORT_A, 'a', (sent + i) % 1000);
		sent += 30;
		bursts++;
		ut_step();
	}
	ut_stats(&b);
	dp_sock_stats_get(s, &st);
	CU_ASSERT_EQUAL(st.rx_dgrams, cap);
	CU_ASSERT_EQUAL(st.drop_rx_full, sent - cap);
	CU_ASSERT_EQUAL(b.udp_rx_full - a.udp_rx_full, sent - cap);
	CU_ASSERT_EQUAL(dp_sock_rx_bytes(s), (size_t)cap * 4);
	for (unsigned int i = 0; i < cap; i++)
		expect(s, 'a', i % 1000);
	ut_expect_empty(s);
	CU_ASSERT(bursts > 1);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

/* Datagrams for two sockets interleaved in one burst: each socket gets
 * its own in order, and nothing of the other's. */
static void
test_udp_burst_interleaved_sockets_each_keep_their_order(void)
{
	struct dp_sock *sa = ut_sock(IPPROTO_UDP, 0, PORT_A);
	struct dp_sock *sb = ut_sock(IPPROTO_UDP, UT_IP, PORT_B);
	static const char order[] = "aabababbba";
	unsigned int na = 0, nb = 0;

	for (const char *c = order; *c != '\0'; c++) {
		if (*c == 'a')
			put(UT_IP, PORT_A, 'a', na++);
		else
			put(UT_IP, PORT_B, 'b', nb++);
	}
	ut_step();
	for (unsigned int i = 0; i < na; i++)
		expect(sa, 'a', i);
	for (unsigned int i = 0; i < nb; i++)
		expect(sb, 'b', i);
	ut_expect_empty(sa);
	ut_expect_empty(sb);
	dp_sock_close(sa, DP_CLOSE_ABORT);
	dp_sock_close(sb, DP_CLOSE_ABORT);
}

/* A multicast and a broadcast datagram between unicast ones, all in one
 * burst: the fan-out reaches every member, and a member that also gets
 * the unicast ones reads all of them in arrival order. */
static void
test_udp_burst_fan_out_between_unicasts_keeps_arrival_order(void)
{
	struct dp_sock *s[2];
	unsigned int base;

	for (int i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL_FATAL(dp_sock_create(IPPROTO_UDP, &s[i]), 0);
		dp_sock_set_opt(s[i], DP_OPT_REUSEADDR, 1);
		CU_ASSERT_EQUAL_FATAL(dp_sock_bind(s[i],
			&(struct dp_addr){ 0, PORT_A }), 0);
		CU_ASSERT_EQUAL(dp_sock_mc_join(s[i], GROUP, 0, 0), 0);
	}
	ut_settle();
	ut_sent_drop();		/* the IGMP reports */
	base = ut_mbufs_in_use();
	put(UT_IP, PORT_A, 'u', 0);
	put(GROUP, PORT_A, 'm', 1);
	put(UT_IP, PORT_A, 'u', 2);
	put(UT_BCAST, PORT_A, 'b', 3);
	put(UT_IP, PORT_A, 'u', 4);
	ut_step();
	/* Unicast goes to one socket (the first eligible), the fan-outs to
	 * both, one mbuf each. */
	CU_ASSERT_EQUAL(ut_mbufs_in_use(), base + 5);
	expect(s[0], 'u', 0);
	expect(s[0], 'm', 1);
	expect(s[0], 'u', 2);
	expect(s[0], 'b', 3);
	expect(s[0], 'u', 4);
	ut_expect_empty(s[0]);
	expect(s[1], 'm', 1);
	expect(s[1], 'b', 3);
	ut_expect_empty(s[1]);
	ut_close_all(s, 2, base);
}

/* A socket bound in the middle of a flood gets the bursts after its bind
 * (the burst's lookup is not kept past the burst). */
static void
test_udp_burst_lookup_does_not_outlive_the_burst(void)
{
	struct dp_sock *s;
	struct dp_stats a, b;

	ut_stats(&a);
	for (unsigned int i = 0; i < 4; i++)
		put(UT_IP, PORT_B, 'x', i);
	ut_step();
	ut_stats(&b);
	CU_ASSERT_EQUAL(b.udp_no_port - a.udp_no_port, 4);
	ut_sent_drop();		/* the port unreachables */
	s = ut_sock(IPPROTO_UDP, 0, PORT_B);
	for (unsigned int i = 0; i < 4; i++)
		put(UT_IP, PORT_B, 'y', i);
	ut_step();
	for (unsigned int i = 0; i < 4; i++)
		expect(s, 'y', i);
	ut_expect_empty(s);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

static const struct wt_test tests[] = {
	WT_TEST(test_udp_burst_over_rcvbuf_keeps_the_head_and_counts_the_rest),
	WT_TEST(test_udp_burst_to_an_empty_socket_takes_one_past_rcvbuf),
	WT_TEST(test_udp_burst_past_a_full_ring_counts_each_refusal),
	WT_TEST(test_udp_burst_interleaved_sockets_each_keep_their_order),
	WT_TEST(test_udp_burst_fan_out_between_unicasts_keeps_arrival_order),
	WT_TEST(test_udp_burst_lookup_does_not_outlive_the_burst),
	WT_TEST_END
};

static const struct wt_suite suite =
	UT_SUITE("unit_udp_burst", ut_suite_init, tests);

WT_MAIN(suite)
