/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The receive buffer of a connection (issue 13): an idle connection,
 * connecting or accepted, holds no receive ring (it was most of its
 * memory); the owner makes one at the first data, sized by SO_RCVBUF as
 * it is then, and every byte arrives in order.
 */
#include <string.h>

#include <rte_malloc.h>

#include "dp_tcp.h"
#include "test_ut_tcp_peer.h"

static struct rte_ring *
rx_ring(struct dp_sock *s)
{
	return __atomic_load_n(&s->rxq.prod, __ATOMIC_ACQUIRE);
}

/* Bytes of the DPDK heap in use (rings and sockets live there). */
static size_t
heap_used(void)
{
	struct rte_malloc_socket_stats st;
	size_t n = 0;

	for (int i = 0; i < RTE_MAX_NUMA_NODES; i++)
		if (rte_malloc_get_socket_stats(i, &st) == 0)
			n += st.heap_allocsz_bytes;
	return n;
}

/* Established by connect, nothing received: no ring, and the heap holds
 * less than one 64 KB ring's worth for it; the peer's first bytes make
 * the ring and are read in order. */
static void
test_tcp_idle_connected_socket_holds_no_rx_ring_until_data(void)
{
	size_t before = heap_used(), grew;
	uint32_t iss;
	struct dp_sock *s = connected(&iss);
	char buf[16];

	grew = heap_used() - before;
	CU_ASSERT_PTR_NULL(rx_ring(s));
	/* A 64 KB SO_RCVBUF's ring alone took 8.4 kB. */
	CU_ASSERT(grew < 4096);
	CU_ASSERT_EQUAL(ut_recv(s, buf, sizeof(buf), NULL, NULL, 0), -EAGAIN);
	CU_ASSERT_FALSE(dp_sock_ready(s) & DP_EV_READ);
	peer(RTE_TCP_ACK_FLAG, PISS + 1, iss + 1, 65535, "abc", 3);
	CU_ASSERT_PTR_NOT_NULL(rx_ring(s));
	CU_ASSERT(dp_sock_ready(s) & DP_EV_READ);
	peer(RTE_TCP_ACK_FLAG, PISS + 4, iss + 1, 65535, "de", 2);
	CU_ASSERT_EQUAL(ut_recv(s, buf, sizeof(buf), NULL, NULL, 0), 5);
	CU_ASSERT_EQUAL(memcmp(buf, "abcde", 5), 0);
	done(s);
}

/* Accepted with nothing received (the listener's spare and child): no
 * ring until the peer's data, which is then read. */
static void
test_tcp_idle_accepted_socket_holds_no_rx_ring_until_data(void)
{
	struct dp_sock *l = ut_sock(IPPROTO_TCP, 0, PORT), *c = NULL;
	struct seg sg;
	char buf[16];

	CU_ASSERT_EQUAL_FATAL(dp_sock_listen(l, 4), 0);
	syn_answered(&sg);
	peer(RTE_TCP_ACK_FLAG, PISS + 1, sg.seq + 1, 65535, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(dp_sock_accept(l, &c, NULL, DP_F_NONBLOCK), 0);
	CU_ASSERT_EQUAL(state(c), DP_TCP_ESTABLISHED);
	CU_ASSERT_PTR_NULL(rx_ring(c));
	CU_ASSERT_PTR_NULL(__atomic_load_n(&c->txq.prod, __ATOMIC_ACQUIRE));
	CU_ASSERT_EQUAL(ut_recv(c, buf, sizeof(buf), NULL, NULL, 0), -EAGAIN);
	peer(RTE_TCP_ACK_FLAG, PISS + 1, sg.seq + 1, 65535, "hello", 5);
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.ack, PISS + 6);
	CU_ASSERT_PTR_NOT_NULL(rx_ring(c));
	CU_ASSERT_EQUAL(ut_recv(c, buf, sizeof(buf), NULL, NULL, 0), 5);
	CU_ASSERT_EQUAL(memcmp(buf, "hello", 5), 0);
	done(c);
	done(l);
}

/* SO_RCVBUF raised while idle: the ring the first data makes is the
 * larger buffer's, not the 64 KB default's. */
static void
test_tcp_rx_ring_made_at_first_data_follows_rcvbuf_set_while_idle(void)
{
	uint32_t iss, small, big;
	struct dp_sock *a = connected(&iss);
	char buf[4];

	peer(RTE_TCP_ACK_FLAG, PISS + 1, iss + 1, 65535, "x", 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rx_ring(a));
	small = rte_ring_get_capacity(rx_ring(a));
	CU_ASSERT_EQUAL(ut_recv(a, buf, sizeof(buf), NULL, NULL, 0), 1);
	done(a);

	a = connected(&iss);
	CU_ASSERT_EQUAL(dp_sock_set_opt(a, DP_OPT_RCVBUF, 1 << 20), 0);
	CU_ASSERT_PTR_NULL(rx_ring(a));
	peer(RTE_TCP_ACK_FLAG, PISS + 1, iss + 1, 65535, "y", 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rx_ring(a));
	big = rte_ring_get_capacity(rx_ring(a));
	CU_ASSERT(big > small);
	CU_ASSERT_EQUAL(ut_recv(a, buf, sizeof(buf), NULL, NULL, 0), 1);
	CU_ASSERT_EQUAL(buf[0], 'y');
	done(a);
}

/* The peer fills our 64 KB window (the default SO_RCVBUF) in full
 * segments, ACKed as they come; the last ACK closes it. Returns the
 * next sequence number of the peer. */
static uint32_t
fill_window(uint32_t iss)
{
	static uint8_t p[1460];
	uint32_t seq = PISS + 1, right = PISS + 1 + 65535;
	struct seg sg;

	memset(p, 0x5a, sizeof(p));
	while (SEQ_LT(seq, right)) {
		uint16_t n = (uint16_t)RTE_MIN(right - seq,
			(uint32_t)sizeof(p));

		peer(RTE_TCP_ACK_FLAG, seq, iss + 1, 65535, p, n);
		seq += n;
		CU_ASSERT_FATAL(sent(&sg));
		CU_ASSERT_EQUAL(sg.ack, seq);
		/* The right edge never moves back (SHLD-14). */
		CU_ASSERT(SEQ_GEQ(sg.ack + sg.win, right));
		right = sg.ack + sg.win;
		while (sent(&sg))
			;
	}
	CU_ASSERT_EQUAL(right, seq);
	return seq;
}

/* Zero window, then the application reads: the owner opens it at its
 * next iteration (no timer, no probe of the peer's needed), first by
 * what half the buffer read freed, then by all of it. */
static void
test_tcp_window_closed_by_64k_reopens_as_the_application_reads(void)
{
	static uint8_t buf[65536];
	uint32_t iss, nxt;
	struct dp_sock *s = connected(&iss);
	struct seg sg;
	long n;

	nxt = fill_window(iss);
	n = ut_recv(s, buf, 32768, NULL, NULL, 0);
	CU_ASSERT_EQUAL(n, 32768);
	steps();
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.ack, nxt);
	CU_ASSERT(sg.win >= 32768 - 1460);
	n = ut_recv(s, buf, sizeof(buf), NULL, NULL, 0);
	CU_ASSERT_EQUAL(n, 65535 - 32768);
	steps();
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.ack, nxt);
	CU_ASSERT(sg.win >= 65535 - 1460);
	done(s);
}

static const struct wt_test tests[] = {
	WT_TEST(test_tcp_idle_connected_socket_holds_no_rx_ring_until_data),
	WT_TEST(test_tcp_idle_accepted_socket_holds_no_rx_ring_until_data),
	WT_TEST(test_tcp_rx_ring_made_at_first_data_follows_rcvbuf_set_while_idle),
	WT_TEST(test_tcp_window_closed_by_64k_reopens_as_the_application_reads),
	WT_TEST_END
};

/* A pool whose quarter (a ring's cap) is above a 64 KB buffer's ring,
 * so a larger buffer shows in the ring's size. */
static void
rxbuf_tune(struct dp_conf *c)
{
	tune(c);
	c->nb_mbufs = 16383;
}

static int
rxbuf_init(void)
{
	return ut_start(1, rxbuf_tune);
}

static const struct wt_suite suite =
	UT_SUITE("unit_tcp_rxbuf", rxbuf_init, tests);

WT_MAIN(suite)
