/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP's application-facing extras on a driven engine, the test playing
 * the peer: TCP_MAXRT (data and SYN retransmission dropped at the
 * deadline with ETIMEDOUT, -1 never giving up), the SIO_TCP_INFO
 * snapshot's counters, SO_CONNECT_TIME's clock, and shutdown of
 * receives resetting the connection when data is queued or arrives.
 */
#include <errno.h>
#include <string.h>

#include "dp_tcp.h"
#include "test_ut_tcp_peer.h"

static void
set_maxrt(struct dp_sock *s, int64_t secs)
{
	int64_t v = 0;

	CU_ASSERT_EQUAL_FATAL(dp_sock_set_opt(s, DP_OPT_MAXRT, secs), 0);
	CU_ASSERT_EQUAL(dp_sock_get_opt(s, DP_OPT_MAXRT, &v), 0);
	CU_ASSERT_EQUAL(v, secs);
}

/* Advance the clock in steps of us until s leaves state st or max steps
 * pass; the µs it took. */
static uint64_t
run_until_not(struct dp_sock *s, int64_t st, uint64_t us, unsigned int max)
{
	uint64_t t = 0;
	struct seg sg;

	for (unsigned int i = 0; i < max && state(s) == st; i++) {
		ut_advance_us(us);
		t += us;
		steps();
		while (sent(&sg))
			;
	}
	return t;
}

/* MAXRT 2 s: unACKed data is retransmitted until 2 s after it was
 * sent, then the connection drops with ETIMEDOUT (the default retry
 * count would take minutes). */
static void
test_tcp_maxrt_drops_unacked_data_at_its_deadline(void)
{
	uint32_t iss;
	struct dp_sock *s = connected(&iss);
	struct dp_tcp_info ti;
	uint64_t t;

	set_maxrt(s, 2);
	CU_ASSERT_EQUAL(ut_send(s, 0, 0, "lost", 4), 4);
	steps();
	t = run_until_not(s, DP_TCP_ESTABLISHED, 10000, 1000);
	CU_ASSERT(t >= 1990000 && t <= 2100000);
	CU_ASSERT_EQUAL(state(s), DP_TCP_CLOSED);
	CU_ASSERT_EQUAL(ut_send(s, 0, 0, "x", 1), -ETIMEDOUT);
	CU_ASSERT_EQUAL(dp_sock_tcp_info(s, &ti), 0);
	CU_ASSERT_EQUAL(ti.timeouts, 1);
	CU_ASSERT(ti.bytes_retrans >= 4);
	done(s);
}

/* MAXRT 3 s on a connect the peer never answers: SYNs at 0, 1, 3 s,
 * then the connect fails ETIMEDOUT at 3 s (not after 6 retries). */
static void
test_tcp_maxrt_fails_connect_at_its_deadline(void)
{
	struct dp_addr to = { UT_PEER, PEER_PORT };
	struct dp_sock *s = ut_sock(IPPROTO_TCP, 0, PORT);
	uint64_t t;

	set_maxrt(s, 3);
	CU_ASSERT_EQUAL(dp_sock_connect_flags(s, &to, DP_F_NONBLOCK),
		-EINPROGRESS);
	steps();
	t = run_until_not(s, DP_TCP_SYN_SENT, 10000, 1000);
	CU_ASSERT(t >= 2990000 && t <= 3100000);
	CU_ASSERT_EQUAL(state(s), DP_TCP_CLOSED);
	CU_ASSERT_EQUAL(dp_sock_take_error(s), ETIMEDOUT);
	dp_sock_close(s, DP_CLOSE_GRACEFUL);
}

/* MAXRT -1: past the 15 retries that end a connection by default, the
 * data is still retransmitted, an RTO never longer than 60 s. */
static void
test_tcp_maxrt_minus_one_retransmits_forever(void)
{
	uint32_t iss;
	struct dp_sock *s = connected(&iss);
	struct dp_tcp_info ti;
	unsigned int n = 0;
	struct seg sg;

	set_maxrt(s, -1);
	CU_ASSERT_EQUAL(ut_send(s, 0, 0, "lost", 4), 4);
	steps();
	for (int i = 0; i < 40 * 60; i++) {
		ut_advance_us(1000000);
		steps();
		while (sent(&sg))
			n += sg.len == 4;
	}
	CU_ASSERT_EQUAL(state(s), DP_TCP_ESTABLISHED);
	CU_ASSERT(n > DP_TCP_DATA_RETRIES + 1);
	CU_ASSERT_EQUAL(dp_sock_tcp_info(s, &ti), 0);
	CU_ASSERT_EQUAL(ti.timeouts, 1);	/* one episode */
	CU_ASSERT(ti.bytes_retrans == 4 * (n - 1));
	CU_ASSERT_EQUAL(dp_sock_set_opt(s, DP_OPT_MAXRT, -2), -EINVAL);
	done(s);
}

/* The snapshot: RTT from a timed segment, bytes each way, a reordered
 * arrival, three duplicate ACKs and their fast retransmit. */
static void
test_tcp_info_counts_rtt_bytes_reordering_and_fast_retransmit(void)
{
	uint32_t iss;
	struct dp_sock *s = connected(&iss);
	struct dp_tcp_info ti;
	char buf[16];
	struct seg sg;

	CU_ASSERT_EQUAL(ut_send(s, 0, 0, "abcd", 4), 4);
	steps();
	CU_ASSERT(sent(&sg));
	ut_advance_us(5000);
	peer(RTE_TCP_ACK_FLAG, PISS + 1, iss + 5, 65535, NULL, 0);
	/* The peer's 6 bytes, the second 3 first. */
	peer(RTE_TCP_ACK_FLAG, PISS + 4, iss + 5, 65535, "def", 3);
	peer(RTE_TCP_ACK_FLAG, PISS + 1, iss + 5, 65535, "abc", 3);
	CU_ASSERT_EQUAL(ut_recv(s, buf, sizeof(buf), NULL, NULL, 0), 6);
	/* Two segments out; the first lost: three duplicate ACKs. */
	CU_ASSERT_EQUAL(dp_sock_set_opt(s, DP_OPT_NODELAY, 1), 0);
	CU_ASSERT_EQUAL(ut_send(s, 0, 0, "1111", 4), 4);
	CU_ASSERT_EQUAL(ut_send(s, 0, 0, "2222", 4), 4);
	steps();
	while (sent(&sg))
		;
	for (int i = 0; i < 3; i++)
		peer(RTE_TCP_ACK_FLAG, PISS + 7, iss + 5, 65535, NULL, 0);
	CU_ASSERT_EQUAL(dp_sock_tcp_info(s, &ti), 0);
	CU_ASSERT_EQUAL(ti.state, DP_TCP_ESTABLISHED);
	CU_ASSERT(ti.mss > 0);
	/* Smoothed over the handshake's instant sample and the 5 ms; the
	 * minimum is the least sample, the handshake's (never above the
	 * SRTT beside it: SIO_TCP_INFO's readers compare the two). */
	CU_ASSERT_EQUAL(ti.min_rtt_us, 1);
	CU_ASSERT(ti.rtt_us > 0 && ti.rtt_us <= 5000);
	CU_ASSERT(ti.min_rtt_us <= ti.rtt_us);
	CU_ASSERT(ti.bytes_out >= 12);
	CU_ASSERT_EQUAL(ti.bytes_in, 6);
	CU_ASSERT_EQUAL(ti.bytes_reordered, 3);
	CU_ASSERT_EQUAL(ti.dupacks_in, 3);
	CU_ASSERT_EQUAL(ti.fast_retrans, 1);
	CU_ASSERT(ti.bytes_retrans >= 4);
	CU_ASSERT_EQUAL(ti.timeouts, 0);
	CU_ASSERT_EQUAL(ti.syn_retrans, 0);
	CU_ASSERT_EQUAL(ti.in_flight, 8);
	CU_ASSERT(ti.rcv_buf > 0);
	CU_ASSERT_EQUAL(ti.lim_bytes[0] + ti.lim_bytes[1] + ti.lim_bytes[2],
		ti.bytes_out);
	done(s);
}

/* SO_CONNECT_TIME's source: -1 until established, then whole seconds
 * on the owner's clock; a SYN retransmission is counted. */
static void
test_tcp_connect_time_counts_seconds_from_established(void)
{
	struct dp_addr to = { UT_PEER, PEER_PORT };
	struct dp_sock *s = ut_sock(IPPROTO_TCP, 0, PORT);
	struct dp_tcp_info ti;
	struct seg sg;
	int64_t v = 0;

	CU_ASSERT_EQUAL(dp_sock_get_opt(s, DP_OPT_CONNECT_TIME, &v), 0);
	CU_ASSERT_EQUAL(v, -1);
	CU_ASSERT_EQUAL(dp_sock_connect_flags(s, &to, DP_F_NONBLOCK),
		-EINPROGRESS);
	steps();
	CU_ASSERT_FATAL(sent(&sg));
	ut_advance_us(1000000);			/* the SYN again */
	steps();
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(dp_sock_get_opt(s, DP_OPT_CONNECT_TIME, &v), 0);
	CU_ASSERT_EQUAL(v, -1);
	peer(RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG, PISS, sg.seq + 1, 65535,
		NULL, 0);
	CU_ASSERT_EQUAL(state(s), DP_TCP_ESTABLISHED);
	ut_advance_us(3500000);
	steps();
	CU_ASSERT_EQUAL(dp_sock_get_opt(s, DP_OPT_CONNECT_TIME, &v), 0);
	CU_ASSERT_EQUAL(v, 3);
	CU_ASSERT_EQUAL(dp_sock_tcp_info(s, &ti), 0);
	CU_ASSERT_EQUAL(ti.syn_retrans, 1);
	CU_ASSERT(ti.conn_ms >= 3500 && ti.conn_ms < 3600);
	done(s);
}

/* Receives shut down: the peer's next data gets a RST, and the
 * connection is reset for the application too. */
static void
test_tcp_data_after_shutdown_receive_resets(void)
{
	uint32_t iss;
	struct dp_sock *s = connected(&iss);
	struct seg sg;

	dp_sock_shutdown(s, true, false);
	steps();
	CU_ASSERT_FALSE(sent(&sg));
	CU_ASSERT_EQUAL(state(s), DP_TCP_ESTABLISHED);
	peer(RTE_TCP_ACK_FLAG, PISS + 1, iss + 1, 65535, "late", 4);
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT(sg.flags & RTE_TCP_RST_FLAG);
	CU_ASSERT_EQUAL(sg.seq, iss + 1);
	CU_ASSERT_EQUAL(state(s), DP_TCP_CLOSED);
	CU_ASSERT_EQUAL(ut_send(s, 0, 0, "x", 1), -ECONNRESET);
	done(s);
}

/* Receives shut down with data still unread: reset at once. */
static void
test_tcp_shutdown_receive_with_unread_data_resets_at_once(void)
{
	uint32_t iss;
	struct dp_sock *s = connected(&iss);
	struct seg sg;

	peer(RTE_TCP_ACK_FLAG, PISS + 1, iss + 1, 65535, "unread", 6);
	while (sent(&sg))
		;
	dp_sock_shutdown(s, true, false);
	steps();
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT(sg.flags & RTE_TCP_RST_FLAG);
	CU_ASSERT_EQUAL(state(s), DP_TCP_CLOSED);
	CU_ASSERT_EQUAL(ut_send(s, 0, 0, "x", 1), -ECONNRESET);
	done(s);
}

static const struct wt_test tests[] = {
	WT_TEST(test_tcp_maxrt_drops_unacked_data_at_its_deadline),
	WT_TEST(test_tcp_maxrt_fails_connect_at_its_deadline),
	WT_TEST(test_tcp_maxrt_minus_one_retransmits_forever),
	WT_TEST(test_tcp_info_counts_rtt_bytes_reordering_and_fast_retransmit),
	WT_TEST(test_tcp_connect_time_counts_seconds_from_established),
	WT_TEST(test_tcp_data_after_shutdown_receive_resets),
	WT_TEST(test_tcp_shutdown_receive_with_unread_data_resets_at_once),
	WT_TEST_END
};

static const struct wt_suite suite =
	UT_SUITE("unit_tcp_opt", suite_init, tests);

WT_MAIN(suite)
