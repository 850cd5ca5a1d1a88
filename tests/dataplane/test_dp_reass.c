/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 reassembly through a running engine (net/dp_ip_reass.c): the test
 * plays a peer that sends fragments in any order, duplicates, overlaps,
 * lies about the end, or stops sending; the stack delivers whole
 * datagrams to a socket byte for byte, drops the rest counted by reason,
 * and gives every mbuf back (checked when the engine stops).
 *
 * Its own engine, with limits a test can reach: MAX_DGRAMS in flight,
 * TIMEOUT_MS.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "dp.h"
#include "dp_net.h"
#include "dp_sock.h"
#include "dp_test.h"
#include "wt.h"

#define PORT		4666
#define MAX_DGRAMS	4
#define TIMEOUT_MS	200
#define ETH_IP		((uint32_t)(sizeof(struct rte_ether_hdr) + \
			sizeof(struct rte_ipv4_hdr)))

/* The datagram being cut, a frame (frame_fragment): Ethernet and IPv4
 * headers, then its payload, and room for a fragment past 65535. */
static uint8_t whole[sizeof(struct rte_ether_hdr) + RTE_IPV4_MAX_PKT_LEN +
	128];
static uint8_t got[RTE_IPV4_MAX_PKT_LEN + 1];
static struct dp_sock *sock;
static uint64_t rx_base;		/* rx_pkts when the suite began */
static uint64_t sent;			/* frames injected since */

static void
tweak(struct dp_conf *c)
{
	c->reass_max = MAX_DGRAMS;
	c->reass_timeout_ms = TIMEOUT_MS;
}

/* whole = a UDP datagram from the peer to PORT with n payload bytes (a
 * pattern of id); returns the IPv4 payload length. */
static uint32_t
udp_dgram(uint16_t id, uint32_t n)
{
	return frame_udp_dgram(whole, dp_test_mac(), &dp_test_peer_mac,
		DP_TEST_PEER, 40001, DP_TEST_IP, PORT, id, n);
}

/* Inject bytes [off, off + len) of whole's payload as one fragment. */
static void
frag(uint32_t off, uint32_t len, bool mf)
{
	uint8_t f[RTE_ETHER_MAX_LEN + FRAME_FRAG];

	dp_test_inject(f, frame_fragment(f, whole, off, len, mf));
	sent++;
}

static void
learn_peer(void)
{
	dp_test_learn_peer();
	sent++;
}

/* Fragment i of a payload of plen bytes, cut as a 1500 MTU would. */
static void
frag_i(uint32_t plen, unsigned int i)
{
	uint8_t f[RTE_ETHER_MAX_LEN + FRAME_FRAG];

	dp_test_inject(f, frame_fragment_i(f, whole, plen, i));
	sent++;
}

static uint64_t
stat(size_t off)
{
	struct dp_stats s;

	dp_test_stats(&s);
	return *(const uint64_t *)((const uint8_t *)&s + off);
}

#define STAT(name)	stat(offsetof(struct dp_stats, name))

/* Wait (bounded) until counter off passes v; its value then. */
static uint64_t
wait_stat(size_t off, uint64_t v, unsigned int ms)
{
	uint64_t now = stat(off);

	for (unsigned int i = 0; i < ms && now <= v; i++) {
		wt_sleep_ms(1);
		now = stat(off);
	}
	return now;
}

#define WAIT_STAT(name, v, ms) wait_stat(offsetof(struct dp_stats, name), \
	(v), (ms))

/* Wait (bounded) until the lcore has taken in every frame injected,
 * then a little longer for it to act on the last burst. */
static void
settle(void)
{
	for (int i = 0; i < 2000 && STAT(rx_pkts) < rx_base + sent; i++)
		wt_sleep_ms(1);
	wt_sleep_ms(5);
}

/* Datagrams held in the tables now. */
static uint64_t
in_flight(void)
{
	struct dp_engine *eng = dp_engine_get();
	uint64_t n = 0, bytes;

	if (eng != NULL) {
		dp_ip_reass_usage(eng, &n, &bytes);
		dp_engine_put();
	}
	return n;
}

/* The next datagram on the socket is whole's payload (ulen bytes). */
static void
check_delivered(uint32_t ulen)
{
	struct dp_iov iov[2] = { { got, 1000 }, { got + 1000,
		sizeof(got) - 1000 } };
	long n = -EAGAIN;

	/* Two buffers: the copy crosses both segment and buffer edges. */
	for (int i = 0; i < 1000 && n == -EAGAIN; i++) {
		n = dp_sock_recv(sock, iov, 2, NULL, NULL, DP_F_NONBLOCK);
		if (n == -EAGAIN)
			wt_sleep_ms(1);
	}
	CU_ASSERT_EQUAL_FATAL(n, (long)(ulen - sizeof(struct rte_udp_hdr)));
	CU_ASSERT_EQUAL(memcmp(got, whole + ETH_IP +
		sizeof(struct rte_udp_hdr), (size_t)n), 0);
}

static void
check_nothing_delivered(void)
{
	struct dp_iov iov = { got, sizeof(got) };

	CU_ASSERT_EQUAL(dp_sock_recv(sock, &iov, 1, NULL, NULL,
		DP_F_NONBLOCK), -EAGAIN);
}

/* A 4000-byte datagram in order: one datagram, whole, counted ok. */
static void
test_reass_in_order(void)
{
	uint32_t plen = udp_dgram(1, 4000);
	uint64_t ok = STAT(ip_reass_ok);
	size_t q;

	for (unsigned int i = 0; i < frame_nb_frags(plen); i++)
		frag_i(plen, i);
	CU_ASSERT_EQUAL(WAIT_STAT(ip_reass_ok, ok, 1000), ok + 1);
	/* FIONREAD is the datagram's whole length, not its first mbuf's. */
	q = dp_sock_rx_bytes(sock);
	CU_ASSERT_EQUAL(q, 4000);
	check_delivered(plen);
	CU_ASSERT_EQUAL(in_flight(), 0);
}

/* The largest UDP datagram (65507 bytes, 45 fragments) last fragment
 * first, then the rest from both ends inwards. */
static void
test_reass_65507_out_of_order(void)
{
	uint32_t plen = udp_dgram(2, 65507);
	unsigned int n = frame_nb_frags(plen), lo = 0, hi = n - 1;
	uint64_t ok = STAT(ip_reass_ok);

	CU_ASSERT_EQUAL(n, 45);
	while (lo <= hi) {
		frag_i(plen, hi--);
		if (lo <= hi)
			frag_i(plen, lo++);
	}
	CU_ASSERT_EQUAL(WAIT_STAT(ip_reass_ok, ok, 2000), ok + 1);
	check_delivered(plen);
	CU_ASSERT_EQUAL(in_flight(), 0);
}

/* A fragment wholly inside data held is dropped alone (duplicate); the
 * datagram still completes. */
static void
test_reass_duplicate_is_dropped_alone(void)
{
	uint32_t plen = udp_dgram(3, 5000);
	uint64_t ok = STAT(ip_reass_ok), dup = STAT(ip_reass_duplicate);

	frag_i(plen, 0);
	frag_i(plen, 1);
	frag_i(plen, 1);		/* exact copy */
	frag(FRAME_FRAG, 8, true);		/* its first 8 bytes again */
	frag_i(plen, 0);
	frag_i(plen, 2);
	frag_i(plen, 3);
	CU_ASSERT_EQUAL(WAIT_STAT(ip_reass_ok, ok, 1000), ok + 1);
	settle();
	CU_ASSERT_EQUAL(STAT(ip_reass_duplicate) - dup, 3);
	check_delivered(plen);
	CU_ASSERT_EQUAL(in_flight(), 0);
}

/* A fragment that overlaps data held in part drops the whole datagram
 * (Linux after FragmentSmack); what comes after starts afresh. */
static void
test_reass_overlap_drops_datagram(void)
{
	uint32_t plen = udp_dgram(4, 4000);
	uint64_t ov = STAT(ip_reass_overlap), ok = STAT(ip_reass_ok);

	frag_i(plen, 0);
	frag(FRAME_FRAG - 16, 64, true);	/* across fragments 0 and 1 */
	CU_ASSERT_EQUAL(WAIT_STAT(ip_reass_overlap, ov, 1000), ov + 1);
	settle();
	CU_ASSERT_EQUAL(in_flight(), 0);
	/* The rest alone cannot make it whole. */
	frag_i(plen, 1);
	frag_i(plen, 2);
	settle();
	CU_ASSERT_EQUAL(STAT(ip_reass_ok), ok);
	check_nothing_delivered();
	CU_ASSERT_EQUAL(in_flight(), 1);
	/* Resent whole, it is. */
	frag_i(plen, 0);
	CU_ASSERT_EQUAL(WAIT_STAT(ip_reass_ok, ok, 1000), ok + 1);
	check_delivered(plen);
}

/* Two last fragments naming different ends: dropped, counted. */
static void
test_reass_disagreeing_ends(void)
{
	uint32_t plen = udp_dgram(5, 4000);
	uint64_t be = STAT(ip_reass_bad_end);

	frag(2 * FRAME_FRAG, plen - 2 * FRAME_FRAG, false);
	frag(2 * FRAME_FRAG, plen - 2 * FRAME_FRAG - 8, false);
	CU_ASSERT_EQUAL(WAIT_STAT(ip_reass_bad_end, be, 1000), be + 1);
	settle();
	CU_ASSERT_EQUAL(in_flight(), 0);
}

/* A fragment whose data ends past 65535 bytes of datagram: dropped and
 * counted, and so is the datagram it belonged to. */
static void
test_reass_past_65535(void)
{
	uint32_t plen = udp_dgram(6, 3000);
	uint64_t tb = STAT(ip_reass_too_big);

	frag_i(plen, 0);
	settle();
	CU_ASSERT_EQUAL(in_flight(), 1);
	/* Offset 65520 (the last whole unit before the limit) + 24. */
	frag(65520, 24, false);
	CU_ASSERT_EQUAL(WAIT_STAT(ip_reass_too_big, tb, 1000), tb + 1);
	settle();
	CU_ASSERT_EQUAL(in_flight(), 0);
	check_nothing_delivered();
}

/* An incomplete datagram is dropped after the timeout, counted, and the
 * source told (ICMP time exceeded, reassembly, quoting the first
 * fragment). */
static void
test_reass_timeout(void)
{
	uint32_t plen = udp_dgram(7, 4000);
	uint64_t to = STAT(ip_reass_timeout);
	const struct rte_ipv4_hdr *ip, *quoted;
	const struct rte_icmp_hdr *icmp;
	struct rte_mbuf *m;

	learn_peer();
	frag_i(plen, 0);
	frag_i(plen, 2);
	settle();
	CU_ASSERT_EQUAL(in_flight(), 1);
	CU_ASSERT_EQUAL(WAIT_STAT(ip_reass_timeout, to, 4 * TIMEOUT_MS),
		to + 1);
	CU_ASSERT_EQUAL(in_flight(), 0);
	m = dp_test_recv(500);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *,
		sizeof(struct rte_ether_hdr));
	icmp = (const struct rte_icmp_hdr *)(ip + 1);
	quoted = (const struct rte_ipv4_hdr *)(icmp + 1);
	CU_ASSERT_EQUAL(ip->next_proto_id, IPPROTO_ICMP);
	CU_ASSERT_EQUAL(icmp->icmp_type, 11);
	CU_ASSERT_EQUAL(icmp->icmp_code, 1);
	CU_ASSERT_EQUAL(quoted->packet_id, rte_cpu_to_be_16(7));
	rte_pktmbuf_free(m);
	check_nothing_delivered();
}

/* MAX_DGRAMS datagrams in flight: a fragment of one more is dropped and
 * counted; all expire (no first fragment came: no ICMP). */
static void
test_reass_table_full(void)
{
	uint64_t tf = STAT(ip_reass_table_full), to = STAT(ip_reass_timeout);
	uint32_t plen = 0;

	for (uint16_t id = 100; id < 100 + MAX_DGRAMS + 1; id++) {
		plen = udp_dgram(id, 4000);
		frag_i(plen, 1);
	}
	CU_ASSERT_EQUAL(WAIT_STAT(ip_reass_table_full, tf, 1000), tf + 1);
	settle();
	CU_ASSERT_EQUAL(in_flight(), MAX_DGRAMS);
	CU_ASSERT_EQUAL(WAIT_STAT(ip_reass_timeout, to + MAX_DGRAMS - 1,
		4 * TIMEOUT_MS), to + MAX_DGRAMS);
	CU_ASSERT_EQUAL(in_flight(), 0);
	CU_ASSERT_PTR_NULL(dp_test_recv(20));
	check_nothing_delivered();
}

/* A fragmented echo request that fits the MTU once whole is answered in
 * one frame; one longer than the MTU is dropped and counted. */
static void
test_reass_icmp_echo(void)
{
	uint8_t f[4200];
	struct rte_ipv4_hdr *ip;
	struct rte_mbuf *m;
	uint64_t tl = STAT(ip_reass_too_long);
	uint16_t len;

	learn_peer();
	len = dp_test_echo(f, DP_TEST_PEER, DP_TEST_IP, 77, 1, 1200);
	memcpy(whole, f, len);
	frag(0, 800, true);
	frag(800, len - ETH_IP - 800, false);
	m = dp_test_recv(1000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->pkt_len, len);
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *,
		sizeof(struct rte_ether_hdr));
	CU_ASSERT_EQUAL(ip->fragment_offset, 0);
	CU_ASSERT_EQUAL(rte_raw_cksum(ip + 1, len - ETH_IP), 0xffff);
	rte_pktmbuf_free(m);

	len = dp_test_echo(f, DP_TEST_PEER, DP_TEST_IP, 77, 2, 4000);
	memcpy(whole, f, len);
	for (uint32_t off = 0; off < len - ETH_IP; off += FRAME_FRAG)
		frag(off, RTE_MIN(FRAME_FRAG, len - ETH_IP - off),
			off + FRAME_FRAG < len - ETH_IP);
	CU_ASSERT_EQUAL(WAIT_STAT(ip_reass_too_long, tl, 1000), tl + 1);
	CU_ASSERT_PTR_NULL(dp_test_recv(20));
}

/* Stopping the engine returns every mbuf, fragments held included. */
static void
test_stop_returns_every_mbuf(void)
{
	struct dp_lifecycle lc;
	uint32_t plen = udp_dgram(200, 30000);

	/* Leave a datagram half done for the stop to free. */
	for (unsigned int i = 0; i < frame_nb_frags(plen) - 1; i++)
		frag_i(plen, i);
	settle();
	CU_ASSERT_EQUAL(in_flight(), 1);
	dp_sock_close(sock, DP_CLOSE_ABORT);
	dp_test_stop();
	dp_lifecycle_get(&lc);
	CU_ASSERT_EQUAL(lc.mbufs_lost, 0);
}

int
main(void)
{
	struct dp_addr a = { 0, PORT };
	CU_pSuite s;
	unsigned int failed;

	if (dp_test_start_conf("r", 1, tweak) != 0)
		return 1;
	if (dp_sock_create(IPPROTO_UDP, &sock) != 0 ||
			dp_sock_set_opt(sock, DP_OPT_RCVBUF, 1 << 20) != 0 ||
			dp_sock_bind(sock, &a) != 0) {
		fprintf(stderr, "FAIL: socket on port %d\n", PORT);
		return 1;
	}
	rx_base = STAT(rx_pkts);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("dp_reass", NULL, NULL);
	CU_add_test(s, "in_order", test_reass_in_order);
	CU_add_test(s, "65507_out_of_order", test_reass_65507_out_of_order);
	CU_add_test(s, "duplicate_is_dropped_alone",
		test_reass_duplicate_is_dropped_alone);
	CU_add_test(s, "overlap_drops_datagram",
		test_reass_overlap_drops_datagram);
	CU_add_test(s, "disagreeing_ends", test_reass_disagreeing_ends);
	CU_add_test(s, "past_65535", test_reass_past_65535);
	CU_add_test(s, "timeout", test_reass_timeout);
	CU_add_test(s, "table_full", test_reass_table_full);
	CU_add_test(s, "icmp_echo", test_reass_icmp_echo);
	CU_add_test(s, "stop_returns_every_mbuf",
		test_stop_returns_every_mbuf);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}
