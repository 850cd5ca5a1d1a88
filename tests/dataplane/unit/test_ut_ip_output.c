/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one IPv4 output (dataplane/net/dp_ip_output.c) on a driven engine:
 * the header it writes (fields, options, DF, checksum), fragmentation by
 * RFC 791's rules for the largest UDP datagram, and the route: our
 * subnet, the gateway, broadcast, multicast, and no route at all.
 */
#include <string.h>

#include <rte_arp.h>
#include <rte_icmp.h>
#include <rte_udp.h>

#include "ut.h"

#define HDR	sizeof(struct rte_ipv4_hdr)

/* The header sums to zero with its checksum in place. */
static bool
ip_cksum_ok(const struct rte_ipv4_hdr *ip)
{
	uint32_t hl = (ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) * 4u;

	return rte_raw_cksum(ip, hl) == 0xffff;
}

/* dp_ip_header: every field as asked, options copied, DF and MF, the
 * fragment offset in 8-byte units; dp_ip_finish computes the checksum
 * when the port does not. */
static void
test_ip_header_writes_fields_options_and_checksum(void)
{
	static const uint8_t ra[4] = { 0x94, 4, 0, 0 };
	const struct dp_ip_hdr h = { .dst_be = RTE_BE32(0xc6120009),
		.proto = 253, .tos = 0x10, .ttl = 7, .df = true, .optlen = 4,
		.opts = ra };
	struct rte_mbuf *m = rte_pktmbuf_alloc(ut_eng()->mp);
	struct rte_ipv4_hdr *ip;

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	ip = (struct rte_ipv4_hdr *)rte_pktmbuf_append(m, HDR + 4 + 100);
	dp_ip_header(ut_eng(), ip, &h, 0x4242, 1480, true, 100);
	CU_ASSERT_EQUAL(ip->version_ihl, 0x46);
	CU_ASSERT_EQUAL(ip->type_of_service, 0x10);
	CU_ASSERT_EQUAL(ip->total_length, rte_cpu_to_be_16(24 + 100));
	CU_ASSERT_EQUAL(ip->packet_id, rte_cpu_to_be_16(0x4242));
	CU_ASSERT_EQUAL(ip->fragment_offset, rte_cpu_to_be_16(
		RTE_IPV4_HDR_DF_FLAG | RTE_IPV4_HDR_MF_FLAG | 1480 / 8));
	CU_ASSERT_EQUAL(ip->time_to_live, 7);
	CU_ASSERT_EQUAL(ip->next_proto_id, 253);
	CU_ASSERT_EQUAL(ip->src_addr, rte_cpu_to_be_32(UT_IP));
	CU_ASSERT_EQUAL(ip->dst_addr, h.dst_be);
	CU_ASSERT_EQUAL(memcmp(ip + 1, ra, 4), 0);
	dp_ip_finish(ut_eng(), m, ip, false);
	CU_ASSERT_EQUAL(m->l3_len, 24);
	CU_ASSERT(ip_cksum_ok(ip));
	rte_pktmbuf_free(m);
}

/* Fragments carry a multiple of 8 bytes but the last (RFC 791), and a
 * datagram that fits is one frame. */
static void
test_ip_frag_size_is_whole_8_byte_units_below_the_mtu(void)
{
	struct dp_engine e = { .mtu = 1006 };
	unsigned int n;

	CU_ASSERT_EQUAL(dp_ip_frag_size(&e, 986, &n), 986);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(dp_ip_frag_size(&e, 987, &n), 984);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_EQUAL(dp_ip_frag_size(&e, 0, &n), 986);
	CU_ASSERT_EQUAL(n, 1);
	e.mtu = 1500;
	CU_ASSERT_EQUAL(dp_ip_frag_size(&e, 65515, &n), 1480);
	CU_ASSERT_EQUAL(n, 45);
}

/* What one socket sent, in order, as flat copies of the IPv4 datagrams. */
static unsigned int
collect(struct rte_mbuf **out, unsigned int max)
{
	unsigned int n = 0;
	struct rte_mbuf *m;

	ut_settle();
	while ((m = ut_sent(NULL)) != NULL) {
		if (n < max)
			out[n++] = m;
		else
			rte_pktmbuf_free(m);
	}
	return n;
}

/*
 * The largest UDP datagram (65507 bytes) leaves as 45 fragments of one
 * identification: 1480 bytes each at offsets of 185 units apart, MF on
 * all but the last (395 bytes), each header's checksum right, and the
 * pieces put back together give the datagram, UDP checksum included.
 */
static void
test_ip_largest_udp_datagram_leaves_as_45_fragments(void)
{
	static uint8_t payload[DP_UDP_MAX_PAYLOAD], whole[65536];
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, 7001);
	struct rte_mbuf *f[64];
	uint16_t id = 0;
	uint32_t off = 0;
	unsigned int n;

	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 13 + 1);
	CU_ASSERT_EQUAL(ut_send(s, UT_PEER, 9, payload, sizeof(payload)),
		(long)sizeof(payload));
	n = collect(f, RTE_DIM(f));
	CU_ASSERT_EQUAL_FATAL(n, 45);
	for (unsigned int i = 0; i < n; i++) {
		struct rte_ipv4_hdr *ip = ut_ip_of(f[i]);
		uint16_t fo = rte_be_to_cpu_16(ip->fragment_offset);
		uint16_t plen = (uint16_t)(rte_be_to_cpu_16(ip->total_length) -
			HDR);

		if (i == 0)
			id = ip->packet_id;
		CU_ASSERT_EQUAL(ip->packet_id, id);
		CU_ASSERT(ip_cksum_ok(ip));
		CU_ASSERT_EQUAL(fo & RTE_IPV4_HDR_OFFSET_MASK, off / 8);
		CU_ASSERT_EQUAL((fo & RTE_IPV4_HDR_MF_FLAG) != 0, i + 1 < n);
		CU_ASSERT_EQUAL(fo & RTE_IPV4_HDR_DF_FLAG, 0);
		CU_ASSERT_EQUAL(plen, i + 1 < n ? 1480 : 395);
		if (off + plen <= sizeof(whole))
			memcpy(whole + off, ip + 1, plen);
		off += plen;
		rte_pktmbuf_free(f[i]);
	}
	CU_ASSERT_EQUAL(off, sizeof(payload) + 8);
	CU_ASSERT_EQUAL(memcmp(whole + 8, payload, sizeof(payload)), 0);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(((struct rte_udp_hdr *)whole)->
		dgram_len), sizeof(payload) + 8);
	/* The checksum is over the whole datagram: sum it as a receiver
	 * would after reassembly (pseudo-header with the UDP length). */
	{
		uint32_t sum = rte_raw_cksum(whole, off);
		uint32_t ph = rte_cpu_to_be_32(UT_IP), pd = rte_cpu_to_be_32(
			UT_PEER);

		sum += __rte_raw_cksum(&ph, 4, 0) + __rte_raw_cksum(&pd, 4, 0) +
			rte_cpu_to_be_16(IPPROTO_UDP) + rte_cpu_to_be_16(
			(uint16_t)off);
		CU_ASSERT_EQUAL(__rte_raw_cksum_reduce(sum), 0xffff);
	}
	dp_sock_close(s, DP_CLOSE_GRACEFUL);
}

/* One byte over the MTU's payload makes two fragments; one under, one. */
static void
test_ip_fragments_only_past_the_mtu(void)
{
	static uint8_t payload[1500];
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, 7001);
	struct rte_mbuf *f[4];
	unsigned int n;

	CU_ASSERT_EQUAL(ut_send(s, UT_PEER, 9, payload, 1472), 1472);
	n = collect(f, RTE_DIM(f));
	CU_ASSERT_EQUAL(n, 1);
	for (unsigned int i = 0; i < n; i++)
		rte_pktmbuf_free(f[i]);
	CU_ASSERT_EQUAL(ut_send(s, UT_PEER, 9, payload, 1473), 1473);
	n = collect(f, RTE_DIM(f));
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(ut_ip_of(f[1])->total_length),
		HDR + 1);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(ut_ip_of(f[1])->fragment_offset),
		1480 / 8);
	for (unsigned int i = 0; i < n; i++)
		rte_pktmbuf_free(f[i]);
	dp_sock_close(s, DP_CLOSE_GRACEFUL);
}

/* A socket's TTL and TOS are the header's. */
static void
test_ip_header_carries_the_socket_ttl_and_tos(void)
{
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, 7001);
	struct rte_mbuf *m = NULL;

	CU_ASSERT_EQUAL(dp_sock_set_opt(s, DP_OPT_TTL, 9), 0);
	CU_ASSERT_EQUAL(dp_sock_set_opt(s, DP_OPT_TOS, 0x28), 0);
	CU_ASSERT_EQUAL(ut_send(s, UT_PEER, 9, "x", 1), 1);
	CU_ASSERT_EQUAL_FATAL(collect(&m, 1), 1);
	CU_ASSERT_EQUAL(ut_ip_of(m)->time_to_live, 9);
	CU_ASSERT_EQUAL(ut_ip_of(m)->type_of_service, 0x28);
	CU_ASSERT_EQUAL(ut_ip_of(m)->version_ihl, 0x45);
	CU_ASSERT(ip_cksum_ok(ut_ip_of(m)));
	rte_pktmbuf_free(m);
	dp_sock_close(s, DP_CLOSE_GRACEFUL);
}

/* IGMP's report (RFC 3376 §4): Router Alert (RFC 2113) as the only
 * option, TTL 1, to 224.0.0.22, through dp_ip_send on lcore 0. */
static void
test_ip_igmp_report_carries_router_alert_and_ttl_1(void)
{
	static const uint8_t ra[4] = { 0x94, 4, 0, 0 };
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, 7002);
	struct rte_mbuf *m = NULL;
	struct rte_ipv4_hdr *ip;

	CU_ASSERT_EQUAL(dp_sock_mc_join(s, FRAME_IP4(239, 9, 9, 9), 0, 0), 0);
	CU_ASSERT_EQUAL_FATAL(collect(&m, 1), 1);
	ip = ut_ip_of(m);
	CU_ASSERT_EQUAL(ip->next_proto_id, IPPROTO_IGMP);
	CU_ASSERT_EQUAL(ip->version_ihl, 0x46);
	CU_ASSERT_EQUAL(memcmp(ip + 1, ra, 4), 0);
	CU_ASSERT_EQUAL(ip->time_to_live, 1);
	CU_ASSERT_EQUAL(ip->dst_addr, rte_cpu_to_be_32(FRAME_IP4(224, 0, 0,
		22)));
	CU_ASSERT(ip_cksum_ok(ip));
	rte_pktmbuf_free(m);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

/* The next hop: the destination on our subnet and for broadcast and
 * multicast, the gateway elsewhere. */
static void
test_ip_route_subnet_broadcast_multicast_gateway(void)
{
	static const struct {
		uint32_t dst, nexthop;
	} r[] = {
		{ FRAME_IP4(198, 18, 0, 77), FRAME_IP4(198, 18, 0, 77) },
		{ UT_BCAST, UT_BCAST },
		{ 0xffffffff, 0xffffffff },
		{ FRAME_IP4(239, 1, 2, 3), FRAME_IP4(239, 1, 2, 3) },
		{ FRAME_IP4(203, 0, 113, 9), UT_GATEWAY },
		{ FRAME_IP4(198, 19, 0, 1), UT_GATEWAY },
	};

	for (size_t i = 0; i < RTE_DIM(r); i++)
		CU_ASSERT_EQUAL(dp_ip_nexthop(ut_eng(), rte_cpu_to_be_32(
			r[i].dst)), rte_cpu_to_be_32(r[i].nexthop));
}

/* Off the subnet, the frame waits for the gateway's MAC: ARP asks for
 * the gateway, not for the destination. */
static void
test_ip_off_subnet_resolves_the_gateway(void)
{
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, 7001);
	struct rte_arp_hdr *a;
	struct rte_mbuf *m;

	CU_ASSERT_EQUAL(ut_send(s, FRAME_IP4(203, 0, 113, 9), 9, "x", 1), 1);
	ut_step();
	ut_step();
	m = ut_sent(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(ut_ether_type(m), RTE_ETHER_TYPE_ARP);
	a = rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *,
		sizeof(struct rte_ether_hdr));
	CU_ASSERT_EQUAL(a->arp_data.arp_tip, rte_cpu_to_be_32(UT_GATEWAY));
	rte_pktmbuf_free(m);
	/* The gateway never answers: the frame is dropped, counted. */
	dp_sock_close(s, DP_CLOSE_GRACEFUL);
}

static const struct wt_test tests[] = {
	WT_TEST(test_ip_header_writes_fields_options_and_checksum),
	WT_TEST(test_ip_frag_size_is_whole_8_byte_units_below_the_mtu),
	WT_TEST(test_ip_largest_udp_datagram_leaves_as_45_fragments),
	WT_TEST(test_ip_fragments_only_past_the_mtu),
	WT_TEST(test_ip_header_carries_the_socket_ttl_and_tos),
	WT_TEST(test_ip_igmp_report_carries_router_alert_and_ttl_1),
	WT_TEST(test_ip_route_subnet_broadcast_multicast_gateway),
	WT_TEST(test_ip_off_subnet_resolves_the_gateway),
	WT_TEST_END
};

static const struct wt_suite suite =
	UT_SUITE("unit_ip_output", ut_suite_init, tests);

/* ---- an engine without a gateway ---- */

static void
no_gateway(struct dp_conf *c)
{
	c->gateway = 0;
}

static int
no_route_init(void)
{
	return ut_start(1, no_gateway);
}

/* Without a gateway, off the subnet there is no route: a send fails at
 * once, and the stack's own reply is dropped and counted. */
static void
test_ip_no_route_without_a_gateway(void)
{
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, 7001);
	const uint32_t far = FRAME_IP4(203, 0, 113, 9);
	struct dp_stats a, b;
	uint8_t f[128];

	CU_ASSERT_EQUAL(dp_ip_nexthop(ut_eng(), rte_cpu_to_be_32(far)), 0);
	CU_ASSERT_EQUAL(ut_send(s, far, 9, "x", 1), -ENETUNREACH);
	ut_stats(&a);
	ut_deliver(f, frame_echo(f, &ut_eng()->mac, &ut_peer_mac, far, UT_IP,
		1, 1, 8));
	ut_stats(&b);
	CU_ASSERT_EQUAL(b.ip_no_route - a.ip_no_route, 1);
	CU_ASSERT_EQUAL(ut_sent_drop(), 0);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

static const struct wt_test no_route_tests[] = {
	WT_TEST(test_ip_no_route_without_a_gateway),
	WT_TEST_END
};

static const struct wt_suite no_route_suite =
	UT_SUITE("unit_ip_output_no_gateway", no_route_init, no_route_tests);

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = {
		&suite,
		&no_route_suite,
		NULL
	};

	return wt_run_suites(argc, argv, suites);
}
