/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An orphan's TIME-WAIT as a compact record (dp_tcp_timewait.c), the
 * test playing the peer segment by segment on the virtual clock (MSL
 * 100 ms): the socket is freed when the record is made; the record ACKs
 * the peer's FIN again and restarts 2 MSL, ignores RSTs (RFC 1337),
 * lets a newer SYN reopen through the listener (RFC 6191), answers old
 * timestamps (PAWS), keeps its 4-tuple from connect, shows in telemetry
 * and expires; a full pool drops its oldest record, counted.
 */
#include <errno.h>
#include <string.h>

#include "dp_tcp.h"
#include "test_ut_tcp_peer.h"

#define MSL_US		100000

/* A segment from the peer to our port dport, injected, and steps(). */
static void
peer_to(uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack,
		const void *p, uint16_t n)
{
	uint8_t f[2048];

	ut_inject(0, f, frame(f, dport, flags, seq, ack, 65535, p, n, false),
		0);
	steps();
}

static uint64_t
stat_of(size_t off)
{
	struct dp_stats st;

	ut_stats(&st);
	return *(const uint64_t *)((const uint8_t *)&st + off);
}
#define STAT(name)	stat_of(offsetof(struct dp_stats, name))

/* TIME-WAIT connections (records and TCBs) telemetry counts; the
 * lowest id's in *t. */
static uint32_t
tw_count(struct dp_tcp_tel *t)
{
	uint32_t total, by_state[DP_TCP_TIME_WAIT + 1];
	struct dp_tcp_tel page[4];

	dp_tcp_tel_dump(ut_eng(), 0, page, 4, &total, by_state);
	if (t != NULL)
		*t = page[0];
	return by_state[DP_TCP_TIME_WAIT];
}

/* 2 MSL on: every record gone. */
static void
expire_all(void)
{
	ut_advance_us(2 * MSL_US + 1000);
	steps();
	CU_ASSERT_EQUAL(tw_count(NULL), 0);
}

/* Sockets in the table once the orphans that may go have gone. */
static unsigned int
sockets_held(void)
{
	dp_sock_reap(ut_eng());
	return ut_eng()->socks->count;
}

/* A TCP socket bound to port with SO_REUSEADDR: a record of an earlier
 * case may still hold the port (as TIME-WAIT held it). */
static struct dp_sock *
reuse_sock(uint16_t port)
{
	struct dp_addr a = { 0, port };
	struct dp_sock *s;

	CU_ASSERT_EQUAL_FATAL(dp_sock_create(IPPROTO_TCP, &s), 0);
	dp_sock_set_opt(s, DP_OPT_REUSEADDR, 1);
	CU_ASSERT_EQUAL_FATAL(dp_sock_bind(s, &a), 0);
	return s;
}

/* Our connection from port lport to the peer, closed by us (an
 * orphan) and the FINs exchanged: TIME-WAIT. *iss: our ISS. */
static void
orphan_in_time_wait(uint16_t lport, uint32_t *iss)
{
	struct dp_addr to = { UT_PEER, PEER_PORT };
	struct dp_sock *s = reuse_sock(lport);
	struct seg sg;

	CU_ASSERT_FATAL(s != NULL);
	CU_ASSERT_EQUAL(dp_sock_connect_flags(s, &to, DP_F_NONBLOCK),
		-EINPROGRESS);
	steps();
	CU_ASSERT_FATAL(sent(&sg));
	*iss = sg.seq;
	peer_to(lport, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG, PISS, *iss + 1,
		NULL, 0);
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(state(s), DP_TCP_ESTABLISHED);
	dp_sock_close(s, DP_CLOSE_GRACEFUL);	/* s is no longer ours */
	steps();
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT(sg.flags & RTE_TCP_FIN_FLAG);
	peer_to(lport, RTE_TCP_ACK_FLAG, PISS + 1, *iss + 2, NULL, 0);
	peer_to(lport, RTE_TCP_FIN_FLAG | RTE_TCP_ACK_FLAG, PISS + 1,
		*iss + 2, NULL, 0);
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.flags, RTE_TCP_ACK_FLAG);
	CU_ASSERT_EQUAL(sg.ack, PISS + 2);
}

/* The orphan's TCB gives way to a record: its socket is freed at the
 * next reap, telemetry still shows TIME-WAIT with its 4-tuple. */
static void
test_tcp_tw_orphan_becomes_record_and_its_socket_is_freed(void)
{
	uint64_t made = STAT(tcp_tw_records);
	struct dp_tcp_tel t;
	uint32_t iss;

	orphan_in_time_wait(PORT, &iss);
	CU_ASSERT_EQUAL(STAT(tcp_tw_records), made + 1);
	CU_ASSERT_EQUAL(sockets_held(), 0);
	CU_ASSERT_EQUAL(tw_count(&t), 1);
	CU_ASSERT_EQUAL(t.state, DP_TCP_TIME_WAIT);
	CU_ASSERT(t.orphan);
	CU_ASSERT_EQUAL(t.local.ip, UT_IP);
	CU_ASSERT_EQUAL(t.local.port, PORT);
	CU_ASSERT_EQUAL(t.peer.ip, UT_PEER);
	CU_ASSERT_EQUAL(t.peer.port, PEER_PORT);
	CU_ASSERT_EQUAL(t.snd_nxt, iss + 2);
	CU_ASSERT_EQUAL(t.rcv_nxt, PISS + 2);
	CU_ASSERT(t.tw_left_ms > 0 && t.tw_left_ms <= 2 * MSL_US / 1000);
	expire_all();
}

/* The peer's FIN again (our ACK was lost): ACKed, and 2 MSL starts
 * over from it. */
static void
test_tcp_tw_record_acks_retransmitted_fin_and_restarts_2msl(void)
{
	struct seg sg;
	uint32_t iss;

	orphan_in_time_wait(PORT, &iss);
	ut_advance_us(150000);
	steps();
	peer_to(PORT, RTE_TCP_FIN_FLAG | RTE_TCP_ACK_FLAG, PISS + 1,
		iss + 2, NULL, 0);
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.flags, RTE_TCP_ACK_FLAG);
	CU_ASSERT_EQUAL(sg.seq, iss + 2);
	CU_ASSERT_EQUAL(sg.ack, PISS + 2);
	CU_ASSERT(sg.win != 0);
	ut_advance_us(150000);
	steps();
	CU_ASSERT_EQUAL(tw_count(NULL), 1);	/* 300 ms from the first */
	ut_advance_us(60000);
	steps();
	CU_ASSERT_EQUAL(tw_count(NULL), 0);
}

/* RFC 1337: RSTs, at RCV.NXT or not, with or without ACK, neither end
 * the record nor get an answer. */
static void
test_tcp_tw_record_ignores_rst(void)
{
	uint64_t rst = STAT(tcp_rst_rx);
	struct seg sg;
	uint32_t iss;

	orphan_in_time_wait(PORT, &iss);
	peer_to(PORT, RTE_TCP_RST_FLAG, PISS + 2, 0, NULL, 0);
	peer_to(PORT, RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG, PISS + 2, iss + 2,
		NULL, 0);
	peer_to(PORT, RTE_TCP_RST_FLAG, PISS + 500, 0, NULL, 0);
	CU_ASSERT_FALSE(sent(&sg));
	CU_ASSERT_EQUAL(STAT(tcp_rst_rx), rst + 3);
	CU_ASSERT_EQUAL(tw_count(NULL), 1);
	expire_all();
}

/* A bare ACK at RCV.NXT needs no answer; data (after the peer's FIN)
 * and an old SYN get an ACK of RCV.NXT, the record staying. */
static void
test_tcp_tw_record_acks_data_and_old_syn_not_bare_ack(void)
{
	uint64_t acks = STAT(tcp_tw_ack);
	struct seg sg;
	uint32_t iss;

	orphan_in_time_wait(PORT, &iss);
	peer_to(PORT, RTE_TCP_ACK_FLAG, PISS + 2, iss + 2, NULL, 0);
	CU_ASSERT_FALSE(sent(&sg));
	peer_to(PORT, RTE_TCP_ACK_FLAG, PISS + 2, iss + 2, "late", 4);
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.flags, RTE_TCP_ACK_FLAG);
	CU_ASSERT_EQUAL(sg.ack, PISS + 2);
	CU_ASSERT_EQUAL(sg.len, 0);
	peer_to(PORT, RTE_TCP_SYN_FLAG, PISS, 0, NULL, 0);
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.flags, RTE_TCP_ACK_FLAG);
	CU_ASSERT_EQUAL(sg.ack, PISS + 2);
	CU_ASSERT_EQUAL(STAT(tcp_tw_ack), acks + 2);
	CU_ASSERT_EQUAL(tw_count(NULL), 1);
	expire_all();
}

/* RFC 6191: a SYN past RCV.NXT takes the 4-tuple over; the listener on
 * the port answers it and the record is gone. */
static void
test_tcp_tw_record_newer_syn_reopens_through_listener(void)
{
	uint64_t reuse = STAT(tcp_timewait_reuse);
	struct dp_sock *l;
	struct seg sg;
	uint32_t iss;

	orphan_in_time_wait(PORT, &iss);
	l = reuse_sock(PORT);
	CU_ASSERT_FATAL(l != NULL);
	CU_ASSERT_EQUAL(dp_sock_listen(l, 4), 0);
	peer_to(PORT, RTE_TCP_SYN_FLAG, PISS + 100000, 0, NULL, 0);
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.flags, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG);
	CU_ASSERT_EQUAL(sg.ack, PISS + 100001);
	CU_ASSERT_EQUAL(STAT(tcp_timewait_reuse), reuse + 1);
	CU_ASSERT_EQUAL(tw_count(NULL), 0);
	done(l);
	ut_settle();
}

/* With timestamps: an older TSval is dropped and ACKed (PAWS), the ACK
 * echoing the newest TSval; a SYN with a newer TSval reopens even below
 * RCV.NXT (RFC 6191). */
static void
test_tcp_tw_record_paws_and_timestamp_reuse(void)
{
	uint64_t paws = STAT(tcp_paws_drop);
	struct dp_sock *l;
	struct seg sg;
	uint32_t iss;

	peer_opts.ts = true;
	peer_opts.tsval = 5000;
	orphan_in_time_wait(PORT, &iss);
	peer_opts.tsval = 4000;
	peer_to(PORT, RTE_TCP_ACK_FLAG, PISS + 2, iss + 2, "x", 1);
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.ack, PISS + 2);
	CU_ASSERT(sg.ts);
	CU_ASSERT_EQUAL(STAT(tcp_paws_drop), paws + 1);
	l = reuse_sock(PORT);
	CU_ASSERT_FATAL(l != NULL);
	CU_ASSERT_EQUAL(dp_sock_listen(l, 4), 0);
	peer_opts.tsval = 6000;
	peer_to(PORT, RTE_TCP_SYN_FLAG, PISS - 1000, 0, NULL, 0);
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.flags, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG);
	CU_ASSERT_EQUAL(tw_count(NULL), 0);
	peer_opts.ts = false;
	done(l);
	ut_settle();
}

/* RFC 6056: while the record holds the 4-tuple, connect from its port
 * to that peer fails EADDRINUSE; once it expired, it succeeds. */
static void
test_tcp_tw_record_keeps_its_4tuple_from_connect(void)
{
	struct dp_addr to = { UT_PEER, PEER_PORT };
	struct dp_sock *s;
	uint32_t iss;

	orphan_in_time_wait(PORT, &iss);
	/* The record holds the port: SO_REUSEADDR to bind to it. */
	s = reuse_sock(PORT);
	CU_ASSERT_EQUAL(dp_sock_connect_flags(s, &to, DP_F_NONBLOCK),
		-EADDRINUSE);
	ut_advance_us(2 * MSL_US + 1000);
	steps();
	CU_ASSERT_EQUAL(dp_sock_connect_flags(s, &to, DP_F_NONBLOCK),
		-EINPROGRESS);
	done(s);
	ut_settle();
}

/*
 * The record's local port stays taken after its socket is gone, as it
 * was while TIME-WAIT kept the socket: a bind without SO_REUSEADDR fails
 * EADDRINUSE, and the ephemeral search passes over it. Before, a connect
 * whose search came round to it failed EADDRINUSE (perf's connrate
 * stopped after ~4000 connections when the cursor wrapped).
 */
static void
test_tcp_tw_record_holds_its_port_from_bind_and_ephemeral_pick(void)
{
	const uint16_t held = DP_EPHEMERAL_LO + 100;
	struct dp_addr to = { UT_PEER, PEER_PORT }, a = { 0, held }, name;
	struct dp_engine *eng = ut_eng();
	struct dp_sock *s;
	uint32_t iss;

	orphan_in_time_wait(held, &iss);
	CU_ASSERT_EQUAL_FATAL(dp_sock_create(IPPROTO_TCP, &s), 0);
	CU_ASSERT_EQUAL(dp_sock_bind(s, &a), -EADDRINUSE);
	dp_sock_close(s, DP_CLOSE_ABORT);
	/* The search starts at the held port. */
	rte_spinlock_lock(&eng->socks->lock);
	eng->socks->next_port = held - DP_EPHEMERAL_LO;
	rte_spinlock_unlock(&eng->socks->lock);
	CU_ASSERT_EQUAL_FATAL(dp_sock_create(IPPROTO_TCP, &s), 0);
	CU_ASSERT_EQUAL(dp_sock_connect_flags(s, &to, DP_F_NONBLOCK),
		-EINPROGRESS);
	dp_sock_name(s, &name);
	CU_ASSERT_EQUAL(name.port, held + 1);
	done(s);
	ut_advance_us(2 * MSL_US + 1000);
	steps();
	/* Expired: the port is free again. */
	CU_ASSERT_EQUAL_FATAL(dp_sock_create(IPPROTO_TCP, &s), 0);
	CU_ASSERT_EQUAL(dp_sock_bind(s, &a), 0);
	dp_sock_close(s, DP_CLOSE_ABORT);
	ut_settle();
}

/* A socket the application holds stays a TCB in TIME-WAIT; closing it
 * there makes the record, no later than the TCB would have ended. */
static void
test_tcp_tw_app_close_in_time_wait_makes_record(void)
{
	uint32_t iss;
	struct dp_sock *s = connected(&iss);
	struct dp_tcp_tel t;
	struct seg sg;

	dp_sock_shutdown(s, false, true);
	steps();
	CU_ASSERT_FATAL(sent(&sg));
	peer(RTE_TCP_FIN_FLAG | RTE_TCP_ACK_FLAG, PISS + 1, iss + 2, 65535,
		NULL, 0);
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(state(s), DP_TCP_TIME_WAIT);
	CU_ASSERT_EQUAL(sockets_held(), 1);
	ut_advance_us(100000);
	steps();
	dp_sock_close(s, DP_CLOSE_GRACEFUL);
	steps();
	CU_ASSERT_EQUAL(sockets_held(), 0);
	CU_ASSERT_EQUAL(tw_count(&t), 1);
	CU_ASSERT(t.orphan);
	CU_ASSERT(t.tw_left_ms <= 100);
	ut_advance_us(100000 + 1000);
	steps();
	CU_ASSERT_EQUAL(tw_count(NULL), 0);
}

static const struct wt_test tests[] = {
	WT_TEST(test_tcp_tw_orphan_becomes_record_and_its_socket_is_freed),
	WT_TEST(test_tcp_tw_record_acks_retransmitted_fin_and_restarts_2msl),
	WT_TEST(test_tcp_tw_record_ignores_rst),
	WT_TEST(test_tcp_tw_record_acks_data_and_old_syn_not_bare_ack),
	WT_TEST(test_tcp_tw_record_newer_syn_reopens_through_listener),
	WT_TEST(test_tcp_tw_record_paws_and_timestamp_reuse),
	WT_TEST(test_tcp_tw_record_keeps_its_4tuple_from_connect),
	WT_TEST(test_tcp_tw_record_holds_its_port_from_bind_and_ephemeral_pick),
	WT_TEST(test_tcp_tw_app_close_in_time_wait_makes_record),
	WT_TEST_END
};

static const struct wt_suite suite =
	UT_SUITE("unit_tcp_tw", suite_init, tests);

/* ---- a small pool ---- */

#define SMALL_SOCKETS	64

static void
tune_small(struct dp_conf *c)
{
	tune(c);
	c->sockets = SMALL_SOCKETS;
}

static int
small_init(void)
{
	return ut_start(1, tune_small);
}

/* One record more than the pool holds: the oldest (the first port)
 * makes room, counted; the rest stay, and the first 4-tuple is free
 * (a segment to it finds no connection: RST). */
static void
test_tcp_tw_pool_full_drops_oldest_counted(void)
{
	uint64_t over = STAT(tcp_tw_overflow);
	uint64_t nosock = STAT(tcp_no_socket);
	struct seg sg;
	uint32_t iss;

	for (uint16_t i = 0; i <= SMALL_SOCKETS; i++)
		orphan_in_time_wait((uint16_t)(PORT + i), &iss);
	CU_ASSERT_EQUAL(STAT(tcp_tw_overflow), over + 1);
	CU_ASSERT_EQUAL(tw_count(NULL), SMALL_SOCKETS);
	peer_to(PORT, RTE_TCP_ACK_FLAG, PISS + 2, 12345, "x", 1);
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT(sg.flags & RTE_TCP_RST_FLAG);
	CU_ASSERT_EQUAL(STAT(tcp_no_socket), nosock + 1);
	peer_to(PORT + SMALL_SOCKETS, RTE_TCP_ACK_FLAG, PISS + 2, iss + 2,
		"x", 1);
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.flags, RTE_TCP_ACK_FLAG);
	ut_advance_us(2 * MSL_US + 1000);
	for (int i = 0; i < 4; i++)
		steps();	/* a batch a tick */
	CU_ASSERT_EQUAL(tw_count(NULL), 0);
}

static const struct wt_test small_tests[] = {
	WT_TEST(test_tcp_tw_pool_full_drops_oldest_counted),
	WT_TEST_END
};

static const struct wt_suite small_suite =
	UT_SUITE("unit_tcp_tw_small_pool", small_init, small_tests);

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = { &suite,
		&small_suite, NULL };

	return wt_run_suites(argc, argv, suites);
}
