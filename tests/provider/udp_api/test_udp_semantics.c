/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Datagram semantics over the loop wire: what arrives, from whom, what
 * is dropped (and counted), and how ICMP port unreachable surfaces.
 */
#include <string.h>

#include <CUnit/CUnit.h>

#include "wt.h"
#include "udp_api.h"

/* A datagram between two of our sockets arrives intact, from the
 * sender's address, and the reply makes it back. */
static void
test_round_trip_between_two_sockets(void)
{
	struct sockaddr_in a, b, from;
	SOCKET sa = ua_bound(&a), sb = ua_bound(&b);
	char msg[1000], buf[1500];

	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (char)(i * 7 + 3);
	CU_ASSERT_EQUAL(sendto(sa, msg, sizeof(msg), 0, PT_SA(b), PT_SIN_LEN),
		(int)sizeof(msg));
	CU_ASSERT_EQUAL(ua_recv(sb, buf, sizeof(buf), &from, PT_WAIT_MS),
		(int)sizeof(msg));
	CU_ASSERT_EQUAL(memcmp(buf, msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL(memcmp(&from, &a, sizeof(a)), 0);
	CU_ASSERT_EQUAL(sendto(sb, "pong", 4, 0, PT_SA(from), PT_SIN_LEN), 4);
	CU_ASSERT_EQUAL(ua_recv(sa, buf, sizeof(buf), &from, PT_WAIT_MS), 4);
	CU_ASSERT_EQUAL(memcmp(buf, "pong", 4), 0);
	CU_ASSERT_EQUAL(memcmp(&from, &b, sizeof(b)), 0);
	pt_close(sa);
	pt_close(sb);
}

/* Datagrams of every size class up to one frame arrive byte-exact. */
static void
test_round_trip_sizes_up_to_one_frame(void)
{
	static const int sizes[] = { 1, 2, 17, 63, 64, 65, 511, 1024, 1471,
		1472 };
	struct sockaddr_in b;
	SOCKET sa = ua_bound(NULL), sb = ua_bound(&b);
	char msg[1472], buf[2000];

	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (char)(i ^ (i >> 8));
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		CU_ASSERT_EQUAL(sendto(sa, msg, sizes[i], 0, PT_SA(b),
			PT_SIN_LEN), sizes[i]);
		CU_ASSERT_EQUAL(ua_recv(sb, buf, sizeof(buf), NULL,
			PT_WAIT_MS), sizes[i]);
		CU_ASSERT_EQUAL(memcmp(buf, msg, (size_t)sizes[i]), 0);
	}
	pt_close(sa);
	pt_close(sb);
}

/* A connected socket receives only from its peer, and connect drops
 * what others had already queued. */
static void
test_connected_socket_receives_only_from_peer(void)
{
	struct sockaddr_in c, peer, from;
	SOCKET sc = ua_bound(&c), sp = ua_bound(&peer), so = ua_bound(NULL);
	char buf[16];

	ua_send_wait(so, sc, &c, "early", 5);
	PT_OK(connect(sc, PT_SA(peer), PT_SIN_LEN));
	CU_ASSERT_EQUAL(sendto(so, "other", 5, 0, PT_SA(c), PT_SIN_LEN), 5);
	CU_ASSERT_EQUAL(sendto(sp, "peer", 4, 0, PT_SA(c), PT_SIN_LEN), 4);
	CU_ASSERT_EQUAL(ua_recv(sc, buf, sizeof(buf), &from, PT_WAIT_MS), 4);
	CU_ASSERT_EQUAL(memcmp(buf, "peer", 4), 0);
	CU_ASSERT_EQUAL(memcmp(&from, &peer, sizeof(peer)), 0);
	CU_ASSERT_FALSE(pt_readable(sc, 100));
	pt_close(sc);
	pt_close(sp);
	pt_close(so);
}

/* sendto on a connected socket goes to its lpTo, not to the peer
 * (LPWSPSendTo: "lpTo overrides the destination address for that
 * particular datagram only"). */
static void
test_sendto_on_connected_socket_overrides_peer(void)
{
	struct sockaddr_in peer, other;
	SOCKET sp = ua_bound(&peer), so = ua_bound(&other), tx = ua_udp();
	char buf[16];

	PT_OK(connect(tx, PT_SA(peer), PT_SIN_LEN));
	CU_ASSERT_EQUAL(sendto(tx, "there", 5, 0, PT_SA(other), PT_SIN_LEN),
		5);
	CU_ASSERT_EQUAL(ua_recv(so, buf, sizeof(buf), NULL, PT_WAIT_MS), 5);
	CU_ASSERT_EQUAL(send(tx, "here", 4, 0), 4);
	CU_ASSERT_EQUAL(ua_recv(sp, buf, sizeof(buf), NULL, PT_WAIT_MS), 4);
	CU_ASSERT_EQUAL(memcmp(buf, "here", 4), 0);
	CU_ASSERT_FALSE(pt_readable(sp, 50));
	pt_close(sp);
	pt_close(so);
	pt_close(tx);
}

/* With SO_REUSEADDR sharing a port, a unicast datagram reaches exactly
 * one of the sockets. */
static void
test_shared_port_delivers_unicast_once(void)
{
	struct sockaddr_in a;
	SOCKET s1 = ua_bound(&a), s2 = ua_udp(), tx = ua_udp();
	char buf[8];
	int got = 0;

	pt_setopt_int(s2, SOL_SOCKET, SO_REUSEADDR, 1);
	PT_OK(bind(s2, PT_SA(a), PT_SIN_LEN));
	CU_ASSERT_EQUAL(sendto(tx, "one", 3, 0, PT_SA(a), PT_SIN_LEN), 3);
	CU_ASSERT(pt_readable(s1, 200) || pt_readable(s2, PT_WAIT_MS));
	pt_nonblocking(s1, true);
	pt_nonblocking(s2, true);
	got += recv(s1, buf, sizeof(buf), 0) == 3;
	got += recv(s2, buf, sizeof(buf), 0) == 3;
	CU_ASSERT_EQUAL(got, 1);
	pt_close(s1);
	pt_close(s2);
	pt_close(tx);
}

/* A unicast datagram goes to the socket bound to our address rather
 * than to the one bound to the wildcard on the same port. */
static void
test_unicast_prefers_specific_binding_over_wildcard(void)
{
	struct sockaddr_in any = pt_sin(0, 0), spec;
	int len = PT_SIN_LEN;
	SOCKET wild = ua_udp(), exact = ua_udp(), tx = ua_udp();
	char buf[8];

	PT_OK(bind(wild, PT_SA(any), PT_SIN_LEN));
	PT_OK(getsockname(wild, PT_SA(any), &len));
	spec = pt_sin(PT_IP, ntohs(any.sin_port));
	pt_setopt_int(exact, SOL_SOCKET, SO_REUSEADDR, 1);
	PT_OK(bind(exact, PT_SA(spec), PT_SIN_LEN));
	CU_ASSERT_EQUAL(sendto(tx, "spec", 4, 0, PT_SA(spec), PT_SIN_LEN), 4);
	CU_ASSERT_EQUAL(ua_recv(exact, buf, sizeof(buf), NULL, PT_WAIT_MS), 4);
	CU_ASSERT_FALSE(pt_readable(wild, 50));
	/* Once the specific binding is gone, the wildcard takes it. */
	pt_close(exact);
	CU_ASSERT_EQUAL(sendto(tx, "wild", 4, 0, PT_SA(spec), PT_SIN_LEN), 4);
	CU_ASSERT_EQUAL(ua_recv(wild, buf, sizeof(buf), NULL, PT_WAIT_MS), 4);
	pt_close(wild);
	pt_close(tx);
}

/* A socket bound to our address alone takes unicast on its port; a
 * wildcard socket on another port is not confused by it. */
static void
test_specific_binding_alone_receives_unicast(void)
{
	struct sockaddr_in spec = pt_sin(PT_IP, 0), other = pt_sin(0, 0);
	int len = PT_SIN_LEN;
	SOCKET exact = ua_udp(), wild = ua_udp(), tx = ua_udp();
	char buf[8];

	PT_OK(bind(exact, PT_SA(spec), PT_SIN_LEN));
	PT_OK(getsockname(exact, PT_SA(spec), &len));
	PT_OK(bind(wild, PT_SA(other), PT_SIN_LEN));
	len = PT_SIN_LEN;
	PT_OK(getsockname(wild, PT_SA(other), &len));
	other.sin_addr.s_addr = htonl(PT_IP);
	CU_ASSERT_EQUAL(sendto(tx, "spec", 4, 0, PT_SA(spec), PT_SIN_LEN), 4);
	CU_ASSERT_EQUAL(sendto(tx, "wild", 4, 0, PT_SA(other), PT_SIN_LEN), 4);
	CU_ASSERT_EQUAL(ua_recv(exact, buf, sizeof(buf), NULL, PT_WAIT_MS), 4);
	CU_ASSERT_EQUAL(memcmp(buf, "spec", 4), 0);
	CU_ASSERT_EQUAL(ua_recv(wild, buf, sizeof(buf), NULL, PT_WAIT_MS), 4);
	CU_ASSERT_EQUAL(memcmp(buf, "wild", 4), 0);
	pt_close(exact);
	pt_close(wild);
	pt_close(tx);
}

/* A broadcast reaches every wildcard socket sharing the port. */
static void
test_broadcast_reaches_every_socket_on_the_port(void)
{
	struct sockaddr_in any = pt_sin(0, 0), bc;
	int len = PT_SIN_LEN;
	SOCKET r1 = ua_udp(), r2 = ua_udp(), tx = ua_udp();
	char buf[8];

	PT_OK(bind(r1, PT_SA(any), PT_SIN_LEN));
	PT_OK(getsockname(r1, PT_SA(any), &len));
	pt_setopt_int(r2, SOL_SOCKET, SO_REUSEADDR, 1);
	PT_OK(bind(r2, PT_SA(any), PT_SIN_LEN));
	bc = pt_sin(0xffffffffu, ntohs(any.sin_port));
	pt_setopt_int(tx, SOL_SOCKET, SO_BROADCAST, 1);
	CU_ASSERT_EQUAL(sendto(tx, "both", 4, 0, PT_SA(bc), PT_SIN_LEN), 4);
	CU_ASSERT_EQUAL(ua_recv(r1, buf, sizeof(buf), NULL, PT_WAIT_MS), 4);
	CU_ASSERT_EQUAL(ua_recv(r2, buf, sizeof(buf), NULL, PT_WAIT_MS), 4);
	pt_close(r1);
	pt_close(r2);
	pt_close(tx);
}

/* A broadcast (sent with SO_BROADCAST) reaches a socket bound to the
 * wildcard address on that port, from our address. */
static void
test_broadcast_reaches_wildcard_socket(void)
{
	struct sockaddr_in any = pt_sin(0, 0), bc, from;
	int len = PT_SIN_LEN;
	SOCKET rx = ua_udp(), tx = ua_udp();
	char buf[8];

	PT_OK(bind(rx, PT_SA(any), PT_SIN_LEN));
	PT_OK(getsockname(rx, PT_SA(any), &len));
	bc = pt_sin(UA_BCAST, ntohs(any.sin_port));
	pt_setopt_int(tx, SOL_SOCKET, SO_BROADCAST, 1);
	CU_ASSERT_EQUAL(sendto(tx, "all", 3, 0, PT_SA(bc), PT_SIN_LEN), 3);
	CU_ASSERT_EQUAL(ua_recv(rx, buf, sizeof(buf), &from, PT_WAIT_MS), 3);
	CU_ASSERT_EQUAL(ntohl(from.sin_addr.s_addr), PT_IP);
	pt_close(rx);
	pt_close(tx);
}

/* Datagrams beyond SO_RCVBUF are dropped and counted (drop_rx_full in
 * /wspdk/sockets): received + dropped == sent. */
static void
test_rcvbuf_limit_drops_are_counted(void)
{
	enum { N = 20, LEN = 200, RCVBUF = 1000 };
	struct sockaddr_in to = pt_sin(PT_IP, 0);
	int len = PT_SIN_LEN, got = 0;
	SOCKET rx = ua_udp(), tx = ua_udp();
	char msg[LEN] = { 0 };
	uint64_t rx_dgrams = 0, drops = 0;

	pt_setopt_int(rx, SOL_SOCKET, SO_RCVBUF, RCVBUF);
	PT_OK(bind(rx, PT_SA(to), PT_SIN_LEN));
	PT_OK(getsockname(rx, PT_SA(to), &len));
	for (int i = 0; i < N; i++)
		CU_ASSERT_EQUAL(sendto(tx, msg, LEN, 0, PT_SA(to), PT_SIN_LEN),
			LEN);
	/* Wait until the lcore has judged every datagram. */
	for (double t0 = pt_ms(); pt_ms() - t0 < PT_WAIT_MS;
			wt_sleep_ms(5)) {
		rx_dgrams = pt_sock_counter(rx, "rx_dgrams");
		drops = pt_sock_counter(rx, "drop_rx_full");
		if (rx_dgrams != UINT64_MAX && drops != UINT64_MAX &&
				rx_dgrams + drops >= N)
			break;
	}
	CU_ASSERT_EQUAL(rx_dgrams + drops, N);
	CU_ASSERT(drops > 0);
	pt_nonblocking(rx, true);
	while (got <= N && recv(rx, msg, LEN, 0) == LEN)
		got++;
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAEWOULDBLOCK);
	CU_ASSERT_EQUAL((uint64_t)got, rx_dgrams);
	CU_ASSERT(got * LEN <= RCVBUF);
	pt_close(rx);
	pt_close(tx);
}

/* Wait (bounded) until the lcore has judged n datagrams for rx. */
static void
wait_judged(SOCKET rx, uint64_t n, uint64_t *dgrams, uint64_t *drops)
{
	for (double t0 = pt_ms(); pt_ms() - t0 < PT_WAIT_MS;
			wt_sleep_ms(5)) {
		*dgrams = pt_sock_counter(rx, "rx_dgrams");
		*drops = pt_sock_counter(rx, "drop_rx_full");
		if (*dgrams != UINT64_MAX && *drops != UINT64_MAX &&
				*dgrams + *drops >= n)
			return;
	}
}

/*
 * SO_RCVBUF raised after bind, with datagrams already queued, takes
 * effect at once: more than the 64 KB default's ring (1024 slots) holds
 * arrive with no drop, and they are read back in the order sent.
 */
static void
test_rcvbuf_raised_after_bind_queues_more_in_order(void)
{
	/* Within a quarter of the default pool (8191 mbufs): 2047. */
	enum { BEFORE = 600, AFTER = 1800, N = BEFORE + AFTER };
	struct sockaddr_in to;
	SOCKET rx = ua_bound(&to), tx = ua_udp();
	uint64_t dgrams = 0, drops = 0;
	uint32_t seq, i;

	for (i = 0; i < BEFORE; i++)
		CU_ASSERT_EQUAL(sendto(tx, (char *)&i, 4, 0, PT_SA(to),
			PT_SIN_LEN), 4);
	wait_judged(rx, BEFORE, &dgrams, &drops);
	CU_ASSERT_EQUAL(dgrams, BEFORE);
	pt_setopt_int(rx, SOL_SOCKET, SO_RCVBUF, 1 << 20);
	for (; i < N; i++)
		CU_ASSERT_EQUAL(sendto(tx, (char *)&i, 4, 0, PT_SA(to),
			PT_SIN_LEN), 4);
	wait_judged(rx, N, &dgrams, &drops);
	CU_ASSERT_EQUAL(dgrams, N);
	CU_ASSERT_EQUAL(drops, 0);
	CU_ASSERT_TRUE(pt_readable(rx, 0));
	pt_nonblocking(rx, true);
	for (i = 0; i < N; i++) {
		if (recv(rx, (char *)&seq, 4, 0) != 4 || seq != i)
			break;
	}
	CU_ASSERT_EQUAL(i, N);
	PT_FAILS(recv(rx, (char *)&seq, 4, 0), WSAEWOULDBLOCK);
	pt_close(rx);
	pt_close(tx);
}

/*
 * However large its SO_RCVBUF, a socket nobody reads holds at most a
 * quarter of the mbuf pool (the rest is dropped and counted), so the
 * stack and every other socket keep working.
 */
static void
test_unread_socket_cannot_starve_the_pool(void)
{
	enum { N = 4000, QUARTER = 8191 / 4 };	/* the default pool */
	struct sockaddr_in to, to2;
	SOCKET rx = ua_bound(&to), rx2 = ua_bound(&to2), tx = ua_udp();
	uint64_t dgrams = 0, drops = 0;
	char buf[8];

	pt_setopt_int(rx, SOL_SOCKET, SO_RCVBUF, 64 << 20);
	for (uint32_t i = 0; i < N; i++)
		CU_ASSERT_EQUAL(sendto(tx, (char *)&i, 4, 0, PT_SA(to),
			PT_SIN_LEN), 4);
	wait_judged(rx, N, &dgrams, &drops);
	CU_ASSERT_EQUAL(dgrams + drops, N);
	CU_ASSERT_EQUAL(dgrams, QUARTER);
	/* Everyone else is unaffected. */
	CU_ASSERT_EQUAL(sendto(tx, "ok", 2, 0, PT_SA(to2), PT_SIN_LEN), 2);
	CU_ASSERT_EQUAL(ua_recv(rx2, buf, sizeof(buf), NULL, PT_WAIT_MS), 2);
	pt_close(rx);
	pt_close(rx2);
	pt_close(tx);
}

/*
 * Eight sockets flooding eight neighbours that never answer ARP: frames
 * held for resolution never take more than a quarter of the pool, the
 * senders wait (WSAEWOULDBLOCK, never WSAENOBUFS), and every other
 * socket keeps working. (The hold was capped per neighbour only: eight
 * neighbours' worth took every mbuf.) Small send buffers keep what the
 * sockets' own queues hold (8 x 255) out of the way.
 */
static void
test_unresolved_neighbours_cannot_starve_the_pool(void)
{
	enum { SOCKS = 8, QUARTER = 8191 / 4 };	/* the default pool */
	LINGER abort_close = { .l_onoff = 1, .l_linger = 0 };
	struct sockaddr_in to2;
	SOCKET tx[SOCKS], rx2 = ua_bound(&to2), tx2 = ua_udp();
	uint64_t held = UINT64_MAX;
	char buf[8], json[4096];
	int nobufs = 0;

	for (int i = 0; i < SOCKS; i++) {
		struct sockaddr_in to = pt_sin(PT_FOREIGN + 1 + i, 9);

		tx[i] = ua_udp();
		pt_setopt_int(tx[i], SOL_SOCKET, SO_SNDBUF, 4096);
		pt_nonblocking(tx[i], true);
		for (int idle = 0, n = 0; idle < 3 && n < 10000; n++) {
			if (sendto(tx[i], "f", 1, 0, PT_SA(to), PT_SIN_LEN) ==
					1) {
				idle = 0;
				continue;
			}
			nobufs += WSAGetLastError() == WSAENOBUFS;
			idle++;
			wt_sleep_ms(10);
		}
	}
	CU_ASSERT_EQUAL(nobufs, 0);
	if (wt_tel(wt_tel_prefix(), "/wspdk/info", json, sizeof(json)) == 0)
		wt_json_u64(json, "arp_queued", &held);
	printf("\n    %llu frames held for ARP\n", (unsigned long long)held);
	CU_ASSERT(held <= QUARTER);
	pt_nonblocking(tx2, true);
	CU_ASSERT_EQUAL(sendto(tx2, "ok", 2, 0, PT_SA(to2), PT_SIN_LEN), 2);
	CU_ASSERT_EQUAL(ua_recv(rx2, buf, sizeof(buf), NULL, PT_WAIT_MS), 2);
	for (int i = 0; i < SOCKS; i++) {
		PT_OK(setsockopt(tx[i], SOL_SOCKET, SO_LINGER,
			(char *)&abort_close, sizeof(abort_close)));
		pt_close(tx[i]);
	}
	pt_close(rx2);
	pt_close(tx2);
}

/* Our datagram to a closed port brings back ICMP port unreachable: the
 * next receive fails WSAECONNRESET once, then the socket is normal. */
static void
test_icmp_port_unreachable_fails_next_recv_econnreset_once(void)
{
	struct sockaddr_in closed = pt_sin(PT_IP, ua_closed_port()), self;
	SOCKET s = ua_bound(&self);
	char buf[8];

	CU_ASSERT_EQUAL(sendto(s, "x", 1, 0, PT_SA(closed), PT_SIN_LEN), 1);
	CU_ASSERT_FATAL(pt_readable(s, PT_WAIT_MS));
	PT_FAILS(recv(s, buf, sizeof(buf), 0), WSAECONNRESET);
	pt_nonblocking(s, true);
	PT_FAILS(recv(s, buf, sizeof(buf), 0), WSAEWOULDBLOCK);
	/* Still usable. */
	CU_ASSERT_EQUAL(sendto(s, "y", 1, 0, PT_SA(self), PT_SIN_LEN), 1);
	CU_ASSERT_EQUAL(ua_recv(s, buf, sizeof(buf), NULL, PT_WAIT_MS), 1);
	pt_close(s);
}

/* The pending port-unreachable error is SO_ERROR, which reading
 * clears. */
static void
test_icmp_port_unreachable_is_so_error_once(void)
{
	struct sockaddr_in closed = pt_sin(PT_IP, ua_closed_port());
	SOCKET s = ua_bound(NULL);
	int v = 0, len = sizeof(v);
	char buf[8];

	CU_ASSERT_EQUAL(sendto(s, "x", 1, 0, PT_SA(closed), PT_SIN_LEN), 1);
	CU_ASSERT_FATAL(pt_readable(s, PT_WAIT_MS));
	PT_OK(getsockopt(s, SOL_SOCKET, SO_ERROR, (char *)&v, &len));
	CU_ASSERT_EQUAL(v, WSAECONNRESET);
	PT_OK(getsockopt(s, SOL_SOCKET, SO_ERROR, (char *)&v, &len));
	CU_ASSERT_EQUAL(v, 0);
	pt_nonblocking(s, true);
	PT_FAILS(recv(s, buf, sizeof(buf), 0), WSAEWOULDBLOCK);
	pt_close(s);
}

/* SIO_UDP_CONNRESET FALSE: the port unreachable arrives and is ignored. */
static void
test_udp_connreset_false_ignores_port_unreachable(void)
{
	struct sockaddr_in closed = pt_sin(PT_IP, ua_closed_port());
	SOCKET s = ua_bound(NULL);
	uint64_t before = wt_stat("icmp_unreach_rx");
	BOOL off = FALSE;
	DWORD n;
	char buf[8];

	PT_OK(WSAIoctl(s, SIO_UDP_CONNRESET, &off, sizeof(off), NULL, 0, &n,
		NULL, NULL));
	CU_ASSERT_EQUAL(sendto(s, "x", 1, 0, PT_SA(closed), PT_SIN_LEN), 1);
	for (double t0 = pt_ms(); wt_stat("icmp_unreach_rx") == before &&
			pt_ms() - t0 < PT_WAIT_MS; )
		wt_sleep_ms(5);
	CU_ASSERT(wt_stat("icmp_unreach_rx") > before);
	CU_ASSERT_FALSE(pt_readable(s, 50));
	pt_nonblocking(s, true);
	PT_FAILS(recv(s, buf, sizeof(buf), 0), WSAEWOULDBLOCK);
	pt_close(s);
}

/* A connected socket learns of its own peer's closed port too. */
static void
test_icmp_port_unreachable_reaches_connected_socket(void)
{
	struct sockaddr_in closed = pt_sin(PT_IP, ua_closed_port());
	SOCKET s = ua_udp();
	char buf[8];

	PT_OK(connect(s, PT_SA(closed), PT_SIN_LEN));
	CU_ASSERT_EQUAL(send(s, "x", 1, 0), 1);
	CU_ASSERT_FATAL(pt_readable(s, PT_WAIT_MS));
	PT_FAILS(recv(s, buf, sizeof(buf), 0), WSAECONNRESET);
	pt_close(s);
}

static const struct wt_test semantics_tests[] = {
	WT_TEST(test_round_trip_between_two_sockets),
	WT_TEST(test_round_trip_sizes_up_to_one_frame),
	WT_TEST(test_connected_socket_receives_only_from_peer),
	WT_TEST(test_sendto_on_connected_socket_overrides_peer),
	WT_TEST(test_shared_port_delivers_unicast_once),
	WT_TEST(test_unicast_prefers_specific_binding_over_wildcard),
	WT_TEST(test_specific_binding_alone_receives_unicast),
	WT_TEST(test_broadcast_reaches_wildcard_socket),
	WT_TEST(test_broadcast_reaches_every_socket_on_the_port),
	WT_TEST(test_rcvbuf_limit_drops_are_counted),
	WT_TEST(test_rcvbuf_raised_after_bind_queues_more_in_order),
	WT_TEST(test_unread_socket_cannot_starve_the_pool),
	WT_TEST(test_unresolved_neighbours_cannot_starve_the_pool),
	WT_TEST_END
};

static const struct wt_test icmp_tests[] = {
	WT_TEST(test_icmp_port_unreachable_fails_next_recv_econnreset_once),
	WT_TEST(test_icmp_port_unreachable_is_so_error_once),
	WT_TEST(test_udp_connreset_false_ignores_port_unreachable),
	WT_TEST(test_icmp_port_unreachable_reaches_connected_socket),
	WT_TEST_END
};

const struct wt_suite test_udp_semantics_suite = {
	.name = "udp_semantics",
	.clean = pt_suite_clean,
	.tests = semantics_tests,
};

const struct wt_suite test_udp_icmp_suite = {
	.name = "udp_icmp",
	.clean = pt_suite_clean,
	.tests = icmp_tests,
};
