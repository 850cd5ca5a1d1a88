/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The generic socket (dataplane/sock) through dp_sock_*, on a driven
 * engine, with UDP as the protocol behind it: creation, binding and the
 * port space, connect, options, readiness, receive buffer limits, and
 * close: what was unread is counted, a graceful close's orphan still
 * sends and is then freed, an abortive one drops.
 */
#include <string.h>

#include "ut.h"

#define PEER_PORT	40000

static struct dp_sock *
udp_unbound(void)
{
	struct dp_sock *s = NULL;

	CU_ASSERT_EQUAL_FATAL(dp_sock_create(IPPROTO_UDP, &s), 0);
	return s;
}

static int
bind_to(struct dp_sock *s, uint32_t ip, uint16_t port)
{
	return dp_sock_bind(s, &(struct dp_addr){ ip, port });
}

/* Sockets of each kind in the table: open, and closed still sending. */
static void
count_socks(unsigned int *open, unsigned int *orphans)
{
	static struct dp_sock_info info[DP_SOCKETS_DEFAULT];
	unsigned int n = dp_sock_dump(ut_eng(), info, RTE_DIM(info));

	*open = *orphans = 0;
	for (unsigned int i = 0; i < n; i++)
		(*(info[i].orphan ? orphans : open))++;
}

/* A protocol nobody registered, or no protocol number at all. */
static void
test_sock_create_unknown_protocol_fails_eprotonosupport(void)
{
	struct dp_sock *s;

	CU_ASSERT_EQUAL(dp_sock_create(99, &s), -EPROTONOSUPPORT);
	CU_ASSERT_EQUAL(dp_sock_create(-1, &s), -EPROTONOSUPPORT);
	CU_ASSERT_EQUAL(dp_sock_create(256, &s), -EPROTONOSUPPORT);
}

/* Only our address or the wildcard can be bound. */
static void
test_sock_bind_refuses_addresses_not_ours(void)
{
	struct dp_sock *s = udp_unbound();

	CU_ASSERT_EQUAL(bind_to(s, FRAME_IP4(239, 1, 2, 3), 1), -EADDRNOTAVAIL);
	CU_ASSERT_EQUAL(bind_to(s, 0xffffffff, 1), -EADDRNOTAVAIL);
	CU_ASSERT_EQUAL(bind_to(s, UT_BCAST, 1), -EADDRNOTAVAIL);
	CU_ASSERT_EQUAL(bind_to(s, FRAME_IP4(198, 18, 0, 9), 1),
		-EADDRNOTAVAIL);
	CU_ASSERT_EQUAL(bind_to(s, UT_IP, 1), 0);
	CU_ASSERT_EQUAL(bind_to(s, UT_IP, 2), -EINVAL);	/* bound already */
	dp_sock_close(s, DP_CLOSE_ABORT);
}

/* Windows' rules: a taken port is shared with a newcomer that asks
 * (SO_REUSEADDR, whatever the holder set), unless the holder took it
 * exclusively (WSAEACCES); closing gives it back. */
static void
test_sock_port_sharing_follows_windows_reuseaddr(void)
{
	struct dp_sock *a = udp_unbound(), *b = udp_unbound();
	struct dp_sock *c = udp_unbound();

	CU_ASSERT_EQUAL(bind_to(a, 0, 6000), 0);
	CU_ASSERT_EQUAL(bind_to(b, 0, 6000), -EADDRINUSE);
	CU_ASSERT_EQUAL(dp_sock_set_opt(c, DP_OPT_REUSEADDR, 1), 0);
	CU_ASSERT_EQUAL(bind_to(c, 0, 6000), 0);
	dp_sock_close(a, DP_CLOSE_ABORT);
	dp_sock_close(c, DP_CLOSE_ABORT);
	CU_ASSERT_EQUAL(bind_to(b, 0, 6000), 0);

	a = udp_unbound();
	c = udp_unbound();
	CU_ASSERT_EQUAL(dp_sock_set_opt(a, DP_OPT_EXCLUSIVEADDRUSE, 1), 0);
	CU_ASSERT_EQUAL(bind_to(a, 0, 6002), 0);
	CU_ASSERT_EQUAL(dp_sock_set_opt(c, DP_OPT_REUSEADDR, 1), 0);
	CU_ASSERT_EQUAL(bind_to(c, 0, 6002), -EACCES);
	/* The two flags exclude each other on one socket. */
	CU_ASSERT_EQUAL(dp_sock_set_opt(c, DP_OPT_EXCLUSIVEADDRUSE, 1),
		-EINVAL);
	dp_sock_close(a, DP_CLOSE_ABORT);
	dp_sock_close(b, DP_CLOSE_ABORT);
	dp_sock_close(c, DP_CLOSE_ABORT);
}

/* Port 0 takes a port of Windows' dynamic range, each time another. */
static void
test_sock_bind_port_0_takes_an_ephemeral_port(void)
{
	struct dp_sock *a = ut_sock(IPPROTO_UDP, 0, 0);
	struct dp_sock *b = ut_sock(IPPROTO_UDP, 0, 0);
	struct dp_addr na = { 1, 1 }, nb = { 1, 1 };

	CU_ASSERT_EQUAL(dp_sock_name(a, &na), 0);
	CU_ASSERT_EQUAL(dp_sock_name(b, &nb), 0);
	CU_ASSERT_EQUAL(na.ip, 0);
	CU_ASSERT(na.port >= DP_EPHEMERAL_LO);
	CU_ASSERT(nb.port >= DP_EPHEMERAL_LO);
	CU_ASSERT_NOT_EQUAL(na.port, nb.port);
	dp_sock_close(a, DP_CLOSE_ABORT);
	dp_sock_close(b, DP_CLOSE_ABORT);
}

/* Connect binds implicitly and sets the peer; 0:0 clears it. */
static void
test_sock_connect_binds_and_sets_then_clears_the_peer(void)
{
	struct dp_sock *s = udp_unbound();
	struct dp_addr peer = { UT_PEER, 9 }, got, none = { 0, 0 };

	CU_ASSERT_EQUAL(dp_sock_name(s, &got), -EINVAL);
	CU_ASSERT_EQUAL(dp_sock_peer(s, &got), -ENOTCONN);
	CU_ASSERT_EQUAL(dp_sock_connect(s, &peer), 0);
	CU_ASSERT_EQUAL(dp_sock_name(s, &got), 0);
	CU_ASSERT(got.port >= DP_EPHEMERAL_LO);
	CU_ASSERT_EQUAL(dp_sock_peer(s, &got), 0);
	CU_ASSERT_EQUAL(got.ip, UT_PEER);
	CU_ASSERT_EQUAL(got.port, 9);
	CU_ASSERT_EQUAL(dp_sock_connect(s, &none), 0);
	CU_ASSERT_EQUAL(dp_sock_peer(s, &got), -ENOTCONN);
	CU_ASSERT_EQUAL(dp_sock_connect(s, &(struct dp_addr){ UT_PEER, 0 }),
		-EADDRNOTAVAIL);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

/* Options read back what was set; bad values and unknown options are
 * refused; Windows' defaults before. */
static void
test_sock_options_round_trip_with_windows_defaults(void)
{
	static const struct {
		enum dp_opt opt;
		int64_t def, v;
	} o[] = {
		{ DP_OPT_RCVBUF, DP_SOCK_BUF_DEFAULT, 1 << 20 },
		{ DP_OPT_SNDBUF, DP_SOCK_BUF_DEFAULT, 4096 },
		{ DP_OPT_TTL, 128, 5 },
		{ DP_OPT_TOS, 0, 0x20 },
		{ DP_OPT_MC_TTL, 1, 16 },
		{ DP_OPT_MC_LOOP, 1, 0 },
		{ DP_OPT_BROADCAST, 0, 1 },
		{ DP_OPT_REUSEADDR, 0, 1 },
		{ DP_OPT_RCVTIMEO, 0, 250 },
		{ DP_OPT_CONNRESET, 1, 0 },	/* UDP's, through setopt */
	};
	struct dp_sock *s = udp_unbound();
	int64_t v;

	for (size_t i = 0; i < RTE_DIM(o); i++) {
		CU_ASSERT_EQUAL(dp_sock_get_opt(s, o[i].opt, &v), 0);
		CU_ASSERT_EQUAL(v, o[i].def);
		CU_ASSERT_EQUAL(dp_sock_set_opt(s, o[i].opt, o[i].v), 0);
		CU_ASSERT_EQUAL(dp_sock_get_opt(s, o[i].opt, &v), 0);
		CU_ASSERT_EQUAL(v, o[i].v);
	}
	CU_ASSERT_EQUAL(dp_sock_set_opt(s, DP_OPT_TTL, 256), -EINVAL);
	CU_ASSERT_EQUAL(dp_sock_set_opt(s, DP_OPT_RCVBUF, -1), -EINVAL);
	CU_ASSERT_EQUAL(dp_sock_set_opt(s, DP_OPT_MC_IF,
		FRAME_IP4(198, 18, 0, 9)), -EADDRNOTAVAIL);
	CU_ASSERT_EQUAL(dp_sock_set_opt(s, (enum dp_opt)999, 1), -ENOPROTOOPT);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

/* Readiness: writable and drained when idle, readable with data queued,
 * both directions once shut down; shut-down calls fail -ESHUTDOWN. */
static void
test_sock_ready_and_shutdown(void)
{
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, 6100);
	uint8_t f[128];
	char buf[16];

	CU_ASSERT_EQUAL(dp_sock_ready(s), DP_EV_WRITE | DP_EV_DRAINED);
	ut_deliver(f, ut_udp_frame(f, UT_PEER, PEER_PORT, UT_IP, 6100, "abc",
		3, FRAME_CSUM_GOOD));
	CU_ASSERT(dp_sock_ready(s) & DP_EV_READ);
	CU_ASSERT_EQUAL(dp_sock_rx_bytes(s), 3);
	dp_sock_shutdown(s, true, true);
	CU_ASSERT_EQUAL(dp_sock_ready(s) & (DP_EV_READ | DP_EV_WRITE),
		DP_EV_READ | DP_EV_WRITE);
	CU_ASSERT_EQUAL(ut_recv(s, buf, sizeof(buf), NULL, NULL, 0),
		-ESHUTDOWN);
	CU_ASSERT_EQUAL(ut_send(s, UT_PEER, 9, "x", 1), -ESHUTDOWN);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

/* SO_RCVBUF bounds the payload queued (an empty socket takes one
 * datagram however large); what does not fit is dropped, counted. */
static void
test_sock_rcvbuf_bounds_what_is_queued(void)
{
	static char big[200];
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, 6101);
	struct dp_sock_stats st;
	struct dp_stats a, b;
	uint8_t f[512];

	CU_ASSERT_EQUAL(dp_sock_set_opt(s, DP_OPT_RCVBUF, 100), 0);
	ut_stats(&a);
	for (int i = 0; i < 3; i++)
		ut_deliver(f, ut_udp_frame(f, UT_PEER, PEER_PORT, UT_IP, 6101,
			big, i == 0 ? 200 : 60, FRAME_CSUM_GOOD));
	ut_stats(&b);
	CU_ASSERT_EQUAL(dp_sock_rx_bytes(s), 200);
	dp_sock_stats_get(s, &st);
	CU_ASSERT_EQUAL(st.rx_dgrams, 1);
	CU_ASSERT_EQUAL(st.drop_rx_full, 2);
	CU_ASSERT_EQUAL(b.udp_rx_full - a.udp_rx_full, 2);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

/* Close discards what was never read, and the totals of closed sockets
 * keep it counted. */
static void
test_sock_close_counts_unread_datagrams(void)
{
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, 6102);
	struct dp_sock_stats before, after;
	uint8_t f[128];

	dp_sock_stats_closed(&before);
	for (int i = 0; i < 2; i++)
		ut_deliver(f, ut_udp_frame(f, UT_PEER, PEER_PORT, UT_IP, 6102,
			"abc", 3, FRAME_CSUM_GOOD));
	CU_ASSERT_EQUAL(ut_mbufs_in_use(), 2);
	dp_sock_close(s, DP_CLOSE_GRACEFUL);
	CU_ASSERT_EQUAL(ut_mbufs_in_use(), 0);
	dp_sock_stats_closed(&after);
	CU_ASSERT_EQUAL(after.drop_unread - before.drop_unread, 2);
	CU_ASSERT_EQUAL(after.rx_dgrams - before.rx_dgrams, 2);
}

/* A graceful close returns at once; the socket lives on as an orphan
 * until its owner lcore has sent what it queued, then it is freed. */
static void
test_sock_graceful_close_orphan_sends_then_is_freed(void)
{
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, 6103);
	struct dp_sock_stats before, after;
	unsigned int open, orphans;

	dp_sock_stats_closed(&before);
	CU_ASSERT_EQUAL(ut_send(s, UT_PEER, 9, "bye", 3), 3);
	dp_sock_close(s, DP_CLOSE_GRACEFUL);
	count_socks(&open, &orphans);
	CU_ASSERT_EQUAL(open, 0);
	CU_ASSERT_EQUAL(orphans, 1);
	CU_ASSERT_EQUAL(ut_sent_drop(), 0);	/* nothing stepped yet */
	ut_settle();
	CU_ASSERT_EQUAL(ut_sent_drop(), 1);
	/* The next control call reaps it. */
	s = udp_unbound();
	dp_sock_close(s, DP_CLOSE_ABORT);
	count_socks(&open, &orphans);
	CU_ASSERT_EQUAL(orphans, 0);
	dp_sock_stats_closed(&after);
	CU_ASSERT_EQUAL(after.tx_dgrams - before.tx_dgrams, 1);
}

/* An abortive close drops what is queued: nothing reaches the wire. */
static void
test_sock_abortive_close_drops_queued_datagrams(void)
{
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, 6104);
	struct dp_sock_stats before, after;

	dp_sock_stats_closed(&before);
	CU_ASSERT_EQUAL(ut_send(s, UT_PEER, 9, "a", 1), 1);
	CU_ASSERT_EQUAL(ut_send(s, UT_PEER, 9, "b", 1), 1);
	dp_sock_close(s, DP_CLOSE_ABORT);
	ut_settle();
	CU_ASSERT_EQUAL(ut_sent_drop(), 0);
	s = udp_unbound();		/* reaps the orphan */
	dp_sock_close(s, DP_CLOSE_ABORT);
	dp_sock_stats_closed(&after);
	CU_ASSERT_EQUAL(after.drop_abort - before.drop_abort, 2);
	CU_ASSERT_EQUAL(after.tx_dgrams - before.tx_dgrams, 0);
}

/* The table holds WSPDK_SOCKETS (its default here); one more is -EMFILE. */
static void
test_sock_table_is_full_at_wspdk_sockets(void)
{
	static struct dp_sock *s[DP_SOCKETS_DEFAULT];
	struct dp_sock *extra;
	unsigned int n = 0;

	while (n < DP_SOCKETS_DEFAULT &&
			dp_sock_create(IPPROTO_UDP, &s[n]) == 0)
		n++;
	CU_ASSERT_EQUAL(n, DP_SOCKETS_DEFAULT);
	CU_ASSERT_EQUAL(dp_sock_create(IPPROTO_UDP, &extra), -EMFILE);
	while (n > 0)
		dp_sock_close(s[--n], DP_CLOSE_ABORT);
	CU_ASSERT_EQUAL(dp_sock_create(IPPROTO_UDP, &extra), 0);
	dp_sock_close(extra, DP_CLOSE_ABORT);
}

static void
check_nothing_held(void)
{
	unsigned int open, orphans;

	ut_case_end();
	count_socks(&open, &orphans);
	CU_ASSERT_EQUAL(open, 0);
}

static const struct wt_test tests[] = {
	WT_TEST(test_sock_create_unknown_protocol_fails_eprotonosupport),
	WT_TEST(test_sock_bind_refuses_addresses_not_ours),
	WT_TEST(test_sock_port_sharing_follows_windows_reuseaddr),
	WT_TEST(test_sock_bind_port_0_takes_an_ephemeral_port),
	WT_TEST(test_sock_connect_binds_and_sets_then_clears_the_peer),
	WT_TEST(test_sock_options_round_trip_with_windows_defaults),
	WT_TEST(test_sock_ready_and_shutdown),
	WT_TEST(test_sock_rcvbuf_bounds_what_is_queued),
	WT_TEST(test_sock_close_counts_unread_datagrams),
	WT_TEST(test_sock_graceful_close_orphan_sends_then_is_freed),
	WT_TEST(test_sock_abortive_close_drops_queued_datagrams),
	WT_TEST(test_sock_table_is_full_at_wspdk_sockets),
	WT_TEST_END
};

static const struct wt_suite suite = {
	.name = "unit_sock",
	.init = ut_suite_init,
	.clean = ut_suite_clean,
	.teardown = check_nothing_held,
	.tests = tests,
};

WT_MAIN(suite)
