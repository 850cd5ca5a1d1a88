/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 reassembly (dataplane/net/dp_ip_reass.c) on a driven engine: the
 * test plays a peer that sends fragments in order or not, twice, across
 * each other, past 65535 bytes, or never all of them; the stack delivers
 * whole datagrams to a UDP socket byte for byte, drops the rest counted
 * by reason, times out on the driven clock with ICMP time exceeded, and
 * holds no mbuf once a datagram is done or dropped.
 *
 * The integration test (../test_dp_reass.c) does the same with a running
 * lcore; here every step is ours, so the timeout is exact to the
 * microsecond we move the clock and nothing waits on wall time.
 */
#include <string.h>

#include <rte_icmp.h>
#include <rte_udp.h>

#include "ut.h"

#define PORT		4666
#define PEER_PORT	40001
#define MAX_DGRAMS	4	/* WSPDK_REASS_MAX_DATAGRAMS */
#define TIMEOUT_MS	1000	/* WSPDK_REASS_TIMEOUT_MS */
#define ETH_IP		((uint32_t)(sizeof(struct rte_ether_hdr) + \
			sizeof(struct rte_ipv4_hdr)))
#define UDP_HDR		sizeof(struct rte_udp_hdr)

/* The datagram being cut (frame_fragment), and room for a fragment past
 * 65535 bytes. */
static uint8_t whole[sizeof(struct rte_ether_hdr) + RTE_IPV4_MAX_PKT_LEN +
	128];
static uint8_t got[RTE_IPV4_MAX_PKT_LEN + 1];
static struct dp_sock *sock;

/* whole = a UDP datagram from the peer to PORT with n payload bytes (a
 * pattern of id); returns the IPv4 payload length. */
static uint32_t
udp_dgram(uint16_t id, uint32_t n)
{
	return frame_udp_dgram(whole, &ut_eng()->mac, &ut_peer_mac, UT_PEER,
		PEER_PORT, UT_IP, PORT, id, n);
}

/* Bytes [off, off + len) of whole's payload onto the wire, one fragment;
 * the lcore takes it in at the next step. */
static void
frag(uint32_t off, uint32_t len, bool mf)
{
	uint8_t f[RTE_ETHER_MAX_LEN + FRAME_FRAG];

	ut_inject(0, f, frame_fragment(f, whole, off, len, mf), 0);
}

/* Fragment i of a payload of plen bytes, cut as a 1500 MTU would. */
static void
frag_i(uint32_t plen, unsigned int i)
{
	uint8_t f[RTE_ETHER_MAX_LEN + FRAME_FRAG];

	ut_inject(0, f, frame_fragment_i(f, whole, plen, i), 0);
}

/* Datagrams the tables hold now. */
static uint64_t
in_flight(void)
{
	uint64_t n, bytes;

	dp_ip_reass_usage(ut_eng(), &n, &bytes);
	return n;
}

/* The next datagram on the socket is whole's payload (plen bytes). */
static void
check_delivered(uint32_t plen)
{
	struct dp_iov iov[2] = { { got, 1000 }, { got + 1000,
		sizeof(got) - 1000 } };
	long n;

	/* Two buffers: the copy crosses both segment and buffer edges. */
	n = dp_sock_recv(sock, iov, 2, NULL, NULL, DP_F_NONBLOCK);
	CU_ASSERT_EQUAL_FATAL(n, (long)(plen - UDP_HDR));
	CU_ASSERT_EQUAL(memcmp(got, whole + ETH_IP + UDP_HDR, (size_t)n), 0);
}

static void
check_nothing_delivered(void)
{
	CU_ASSERT_EQUAL(ut_recv(sock, got, sizeof(got), NULL, NULL, 0),
		-EAGAIN);
}

static void
tune(struct dp_conf *c)
{
	c->reass_max = MAX_DGRAMS;
	c->reass_timeout_ms = TIMEOUT_MS;
}

/* The engine, with limits small enough to reach, and the socket, with
 * room for the largest datagram. */
static int
reass_start(void)
{
	struct dp_addr a = { 0, PORT };

	if (ut_start(1, tune) != 0 || dp_sock_create(IPPROTO_UDP, &sock) != 0)
		return -1;
	if (dp_sock_set_opt(sock, DP_OPT_RCVBUF, 1 << 20) != 0 ||
			dp_sock_bind(sock, &a) != 0)
		return -1;
	return 0;
}

/* ---- the cases ---- */

/* The largest UDP datagram (65507 bytes, 45 fragments) in order: one
 * run grows at its tail, and the socket gets it whole. */
static void
test_reass_65507_in_order_reaches_the_socket(void)
{
	uint32_t plen = udp_dgram(1, DP_UDP_MAX_PAYLOAD);
	struct dp_stats a, b;

	CU_ASSERT_EQUAL_FATAL(frame_nb_frags(plen), 45);
	ut_stats(&a);
	for (unsigned int i = 0; i < frame_nb_frags(plen); i++)
		frag_i(plen, i);
	ut_settle();
	ut_stats(&b);
	CU_ASSERT_EQUAL(b.ip_fragment - a.ip_fragment, 45);
	CU_ASSERT_EQUAL(b.ip_reass_ok - a.ip_reass_ok, 1);
	/* FIONREAD is the datagram's whole length, not its first mbuf's. */
	CU_ASSERT_EQUAL(dp_sock_rx_bytes(sock), DP_UDP_MAX_PAYLOAD);
	check_delivered(plen);
	CU_ASSERT_EQUAL(in_flight(), 0);
}

/* The same out of order: the last fragment first, then a stride through
 * the rest (7 is prime to 45), so runs start apart and join. */
static void
test_reass_65507_out_of_order_reaches_the_socket(void)
{
	uint32_t plen = udp_dgram(2, DP_UDP_MAX_PAYLOAD);
	unsigned int n = frame_nb_frags(plen);
	struct dp_stats a, b;

	ut_stats(&a);
	frag_i(plen, n - 1);
	for (unsigned int k = 0; k < n - 1; k++)
		frag_i(plen, k * 7 % (n - 1));
	ut_step();
	CU_ASSERT_EQUAL(in_flight(), 1);	/* a burst of 32 taken in */
	ut_settle();
	ut_stats(&b);
	CU_ASSERT_EQUAL(b.ip_reass_ok - a.ip_reass_ok, 1);
	check_delivered(plen);
	CU_ASSERT_EQUAL(in_flight(), 0);
}

/* A fragment wholly inside data held is dropped alone (duplicate); the
 * datagram still completes. */
static void
test_reass_duplicate_is_dropped_alone(void)
{
	uint32_t plen = udp_dgram(3, 5000);
	struct dp_stats a, b;

	ut_stats(&a);
	frag_i(plen, 0);
	frag_i(plen, 1);
	frag_i(plen, 1);			/* an exact copy */
	frag(FRAME_FRAG, 8, true);		/* its first 8 bytes again */
	frag_i(plen, 0);
	ut_settle();
	CU_ASSERT_EQUAL(in_flight(), 1);
	frag_i(plen, 2);
	frag_i(plen, 3);
	ut_settle();
	ut_stats(&b);
	CU_ASSERT_EQUAL(b.ip_reass_duplicate - a.ip_reass_duplicate, 3);
	CU_ASSERT_EQUAL(b.ip_reass_ok - a.ip_reass_ok, 1);
	check_delivered(plen);
}

/* A fragment that overlaps data held in part drops the whole datagram
 * (Linux after FragmentSmack); what comes after starts afresh. */
static void
test_reass_overlap_drops_the_datagram(void)
{
	uint32_t plen = udp_dgram(4, 4000);
	struct dp_stats a, b;

	ut_stats(&a);
	frag_i(plen, 0);
	frag(FRAME_FRAG - 16, 64, true);	/* across fragments 0 and 1 */
	ut_settle();
	ut_stats(&b);
	CU_ASSERT_EQUAL(b.ip_reass_overlap - a.ip_reass_overlap, 1);
	CU_ASSERT_EQUAL(in_flight(), 0);
	CU_ASSERT_EQUAL(ut_mbufs_in_use(), 0);
	/* The rest alone cannot make it whole... */
	frag_i(plen, 1);
	frag_i(plen, 2);
	ut_settle();
	CU_ASSERT_EQUAL(in_flight(), 1);
	check_nothing_delivered();
	/* ... resent, the first fragment does. */
	frag_i(plen, 0);
	ut_settle();
	ut_stats(&b);
	CU_ASSERT_EQUAL(b.ip_reass_ok - a.ip_reass_ok, 1);
	check_delivered(plen);
}

/* Two last fragments naming different ends: dropped, counted. */
static void
test_reass_disagreeing_ends_drop_the_datagram(void)
{
	uint32_t plen = udp_dgram(5, 4000);
	struct dp_stats a, b;

	ut_stats(&a);
	frag(2 * FRAME_FRAG, plen - 2 * FRAME_FRAG, false);
	frag(2 * FRAME_FRAG, plen - 2 * FRAME_FRAG - 8, false);
	ut_settle();
	ut_stats(&b);
	CU_ASSERT_EQUAL(b.ip_reass_bad_end - a.ip_reass_bad_end, 1);
	CU_ASSERT_EQUAL(in_flight(), 0);
}

/* A fragment whose data ends past 65535 bytes of datagram: dropped and
 * counted, and so is the datagram it belonged to. */
static void
test_reass_past_65535_drops_the_datagram(void)
{
	uint32_t plen = udp_dgram(6, 3000);
	struct dp_stats a, b;

	ut_stats(&a);
	frag_i(plen, 0);
	ut_settle();
	CU_ASSERT_EQUAL(in_flight(), 1);
	/* Offset 65520 (the last whole unit below the limit) + 24. */
	frag(65520, 24, false);
	ut_settle();
	ut_stats(&b);
	CU_ASSERT_EQUAL(b.ip_reass_too_big - a.ip_reass_too_big, 1);
	CU_ASSERT_EQUAL(in_flight(), 0);
	check_nothing_delivered();
}

/*
 * An incomplete datagram lives TIMEOUT_MS from its first fragment on the
 * lcore's clock, no longer: then it is dropped, counted, and the source
 * told (RFC 1122 §3.3.2: ICMP time exceeded, reassembly, quoting the
 * first fragment).
 */
static void
test_reass_timeout_drops_and_sends_time_exceeded(void)
{
	uint32_t plen = udp_dgram(7, 4000);
	const struct rte_ipv4_hdr *ip, *quoted;
	const struct rte_icmp_hdr *icmp;
	struct dp_stats a, b;
	struct rte_mbuf *m;

	ut_stats(&a);
	frag_i(plen, 0);
	frag_i(plen, 2);
	ut_step();
	CU_ASSERT_EQUAL_FATAL(in_flight(), 1);
	ut_advance_us(TIMEOUT_MS * 1000 - 1000);
	ut_step();
	ut_stats(&b);
	CU_ASSERT_EQUAL(b.ip_reass_timeout, a.ip_reass_timeout);
	CU_ASSERT_EQUAL(in_flight(), 1);
	CU_ASSERT_PTR_NULL(ut_sent(NULL));
	ut_advance_us(5000);
	ut_step();
	ut_stats(&b);
	CU_ASSERT_EQUAL(b.ip_reass_timeout - a.ip_reass_timeout, 1);
	CU_ASSERT_EQUAL(b.icmp_timxceed_tx - a.icmp_timxceed_tx, 1);
	CU_ASSERT_EQUAL(in_flight(), 0);
	ut_settle();
	m = ut_sent(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	ip = ut_ip_of(m);
	icmp = (const struct rte_icmp_hdr *)(ip + 1);
	quoted = (const struct rte_ipv4_hdr *)(icmp + 1);
	CU_ASSERT_EQUAL(ip->next_proto_id, IPPROTO_ICMP);
	CU_ASSERT_EQUAL(ip->dst_addr, rte_cpu_to_be_32(UT_PEER));
	CU_ASSERT_EQUAL(icmp->icmp_type, 11);
	CU_ASSERT_EQUAL(icmp->icmp_code, 1);
	CU_ASSERT_EQUAL(quoted->packet_id, rte_cpu_to_be_16(7));
	rte_pktmbuf_free(m);
	CU_ASSERT_PTR_NULL(ut_sent(NULL));
	check_nothing_delivered();
}

/* MAX_DGRAMS datagrams in flight: a fragment of one more is dropped and
 * counted; all expire, silently (no first fragment came: nothing to
 * quote). */
static void
test_reass_table_full_drops_a_new_datagram(void)
{
	struct dp_stats a, b;

	ut_stats(&a);
	for (uint16_t id = 100; id < 100 + MAX_DGRAMS + 1; id++)
		frag_i(udp_dgram(id, 4000), 1);
	ut_step();
	ut_stats(&b);
	CU_ASSERT_EQUAL(b.ip_reass_table_full - a.ip_reass_table_full, 1);
	CU_ASSERT_EQUAL(in_flight(), MAX_DGRAMS);
	ut_advance_us(TIMEOUT_MS * 1000 + 1000);
	ut_settle();
	ut_stats(&b);
	CU_ASSERT_EQUAL(b.ip_reass_timeout - a.ip_reass_timeout, MAX_DGRAMS);
	CU_ASSERT_EQUAL(b.icmp_timxceed_tx, a.icmp_timxceed_tx);
	CU_ASSERT_EQUAL(in_flight(), 0);
	CU_ASSERT_PTR_NULL(ut_sent(NULL));
	check_nothing_delivered();
}

/* Stopping the engine with a datagram half done gives back every mbuf
 * the table held (ut_stop checks the engine's count). */
static void
test_reass_stop_returns_the_fragments_held(void)
{
	uint32_t plen = udp_dgram(200, 30000);

	for (unsigned int i = 0; i < frame_nb_frags(plen) - 1; i++)
		frag_i(plen, i);
	ut_settle();
	CU_ASSERT_EQUAL(in_flight(), 1);
	CU_ASSERT_EQUAL(ut_mbufs_in_use(), frame_nb_frags(plen) - 1);
	dp_sock_close(sock, DP_CLOSE_ABORT);
	CU_ASSERT_EQUAL(ut_stop(), 0);
	/* The next case (and the suite's clean) want an engine. */
	CU_ASSERT_EQUAL_FATAL(reass_start(), 0);
}

static int
reass_suite_clean(void)
{
	dp_sock_close(sock, DP_CLOSE_ABORT);
	return ut_stop();
}

/* Every case ends with nothing held: no datagram, no mbuf. */
static void
check_nothing_held(void)
{
	ut_case_end();
	CU_ASSERT_EQUAL(in_flight(), 0);
}

static const struct wt_test tests[] = {
	WT_TEST(test_reass_65507_in_order_reaches_the_socket),
	WT_TEST(test_reass_65507_out_of_order_reaches_the_socket),
	WT_TEST(test_reass_duplicate_is_dropped_alone),
	WT_TEST(test_reass_overlap_drops_the_datagram),
	WT_TEST(test_reass_disagreeing_ends_drop_the_datagram),
	WT_TEST(test_reass_past_65535_drops_the_datagram),
	WT_TEST(test_reass_timeout_drops_and_sends_time_exceeded),
	WT_TEST(test_reass_table_full_drops_a_new_datagram),
	WT_TEST(test_reass_stop_returns_the_fragments_held),
	WT_TEST_END
};

static const struct wt_suite suite = {
	.name = "unit_ip_reass",
	.init = reass_start,
	.clean = reass_suite_clean,
	.teardown = check_nothing_held,
	.tests = tests,
};

WT_MAIN(suite)
