/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * UDP on a driven engine: input checksums (RFC 768, RFC 1122 §4.1.3.4),
 * delivery with the sender's address, peek and truncation, the connect
 * filter, broadcast and multicast fan-out (one mbuf shared by every
 * member), and what a send puts on the wire.
 */
#include <string.h>

#include <rte_icmp.h>
#include <rte_udp.h>

#include "ut.h"

#define PORT		7000
#define PEER_PORT	40000

static const char payload[] = "0123456789";

/* A datagram from the peer to port, delivered. */
static void
from_peer(uint32_t dst, uint16_t port, const char *p, uint16_t n,
		enum frame_csum c)
{
	uint8_t f[2048];

	ut_deliver(f, ut_udp_frame(f, UT_PEER, PEER_PORT, dst, port, p, n, c));
}

/* A datagram to a bound port reaches it, with the sender's address. */
static void
test_udp_datagram_is_delivered_with_its_source(void)
{
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, PORT);
	struct dp_addr from;
	char buf[64];

	from_peer(UT_IP, PORT, payload, 10, FRAME_CSUM_GOOD);
	CU_ASSERT_EQUAL(ut_recv(s, buf, sizeof(buf), &from, NULL, 0), 10);
	CU_ASSERT_EQUAL(memcmp(buf, payload, 10), 0);
	CU_ASSERT_EQUAL(from.ip, UT_PEER);
	CU_ASSERT_EQUAL(from.port, PEER_PORT);
	CU_ASSERT_EQUAL(ut_recv(s, buf, sizeof(buf), NULL, NULL, 0), -EAGAIN);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

/* A corrupt checksum is dropped, counted on the stack and the socket. */
static void
test_udp_bad_checksum_is_dropped_and_counted(void)
{
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, PORT);
	struct dp_sock_stats st;
	struct dp_stats a, b;
	char buf[64];

	ut_stats(&a);
	from_peer(UT_IP, PORT, payload, 10, FRAME_CSUM_BAD);
	ut_stats(&b);
	CU_ASSERT_EQUAL(ut_recv(s, buf, sizeof(buf), NULL, NULL, 0), -EAGAIN);
	CU_ASSERT_EQUAL(b.udp_bad_csum - a.udp_bad_csum, 1);
	dp_sock_stats_get(s, &st);
	CU_ASSERT_EQUAL(st.drop_csum, 1);
	CU_ASSERT_EQUAL(ut_sent_drop(), 0);	/* never answered */
	dp_sock_close(s, DP_CLOSE_ABORT);
}

/* No checksum (zero) is RFC 768's "not computed": delivered, counted. */
static void
test_udp_zero_checksum_is_accepted(void)
{
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, PORT);
	struct dp_stats a, b;
	char buf[64];

	ut_stats(&a);
	from_peer(UT_IP, PORT, payload, 10, FRAME_CSUM_ZERO);
	ut_stats(&b);
	CU_ASSERT_EQUAL(ut_recv(s, buf, sizeof(buf), NULL, NULL, 0), 10);
	CU_ASSERT_EQUAL(b.udp_zero_csum - a.udp_zero_csum, 1);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

/* What the NIC says of the checksum is trusted: bad is dropped however
 * good the sum, good is taken however bad. */
static void
test_udp_nic_checksum_verdict_is_trusted(void)
{
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, PORT);
	uint8_t f[256];
	char buf[64];
	uint16_t len;

	len = ut_udp_frame(f, UT_PEER, PEER_PORT, UT_IP, PORT, payload, 10,
		FRAME_CSUM_GOOD);
	ut_inject(0, f, len, RTE_MBUF_F_RX_L4_CKSUM_BAD);
	ut_settle();
	CU_ASSERT_EQUAL(ut_recv(s, buf, sizeof(buf), NULL, NULL, 0), -EAGAIN);
	len = ut_udp_frame(f, UT_PEER, PEER_PORT, UT_IP, PORT, payload, 10,
		FRAME_CSUM_BAD);
	ut_inject(0, f, len, RTE_MBUF_F_RX_L4_CKSUM_GOOD);
	ut_settle();
	CU_ASSERT_EQUAL(ut_recv(s, buf, sizeof(buf), NULL, NULL, 0), 10);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

/* A UDP length beyond the IP payload, or below 8, is malformed. */
static void
test_udp_bad_length_is_counted(void)
{
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, PORT);
	struct dp_stats a, b;
	uint8_t f[256];
	uint16_t len;
	struct rte_udp_hdr *udp;

	len = ut_udp_frame(f, UT_PEER, PEER_PORT, UT_IP, PORT, payload, 10,
		FRAME_CSUM_ZERO);
	udp = (struct rte_udp_hdr *)(f + 14 + 20);
	ut_stats(&a);
	udp->dgram_len = rte_cpu_to_be_16(19);
	ut_deliver(f, len);
	udp->dgram_len = rte_cpu_to_be_16(7);
	ut_deliver(f, len);
	ut_stats(&b);
	CU_ASSERT_EQUAL(b.udp_bad_len - a.udp_bad_len, 2);
	CU_ASSERT_EQUAL(dp_sock_rx_bytes(s), 0);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

/*
 * A frame scattered over two mbufs (a NIC's buffers; chains reach UDP
 * since the loop port keeps TSO bursts whole): split in the payload it
 * is delivered intact; split inside the UDP header it is dropped and
 * counted, never read past the first mbuf (fuzz_rx found that read).
 */
static void
test_udp_chained_frame_is_delivered_or_counted(void)
{
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, PORT);
	struct dp_stats a, b;
	uint8_t f[256];
	char buf[64];
	uint16_t len;

	len = ut_udp_frame(f, UT_PEER, PEER_PORT, UT_IP, PORT, payload, 10,
		FRAME_CSUM_GOOD);
	ut_stats(&a);
	ut_inject_split(0, f, len, 14 + 20 + 8 + 3);
	ut_settle();
	CU_ASSERT_EQUAL(ut_recv(s, buf, sizeof(buf), NULL, NULL, 0), 10);
	CU_ASSERT_EQUAL(memcmp(buf, payload, 10), 0);
	ut_inject_split(0, f, len, 14 + 20 + 4);
	ut_settle();
	ut_stats(&b);
	CU_ASSERT_EQUAL(ut_recv(s, buf, sizeof(buf), NULL, NULL, 0), -EAGAIN);
	CU_ASSERT_EQUAL(b.udp_chained - a.udp_chained, 1);
	CU_ASSERT_EQUAL(ut_sent_drop(), 0);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

/* A closed port answers port unreachable, quoting the datagram. */
static void
test_udp_closed_port_gets_port_unreachable(void)
{
	struct rte_mbuf *m;
	struct rte_icmp_hdr *icmp;

	from_peer(UT_IP, PORT + 1, payload, 10, FRAME_CSUM_GOOD);
	m = ut_sent(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(ut_ip_of(m)->next_proto_id, IPPROTO_ICMP);
	CU_ASSERT_EQUAL(ut_ip_of(m)->dst_addr, rte_cpu_to_be_32(UT_PEER));
	icmp = (struct rte_icmp_hdr *)(ut_ip_of(m) + 1);
	CU_ASSERT_EQUAL(icmp->icmp_type, 3);
	CU_ASSERT_EQUAL(icmp->icmp_code, 3);
	rte_pktmbuf_free(m);
}

/* Peeking leaves the datagram for the next read. */
static void
test_udp_peek_leaves_the_datagram_queued(void)
{
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, PORT);
	char buf[64];

	from_peer(UT_IP, PORT, payload, 10, FRAME_CSUM_GOOD);
	CU_ASSERT_EQUAL(ut_recv(s, buf, sizeof(buf), NULL, NULL, DP_F_PEEK),
		10);
	CU_ASSERT_EQUAL(ut_recv(s, buf, sizeof(buf), NULL, NULL, DP_F_PEEK),
		10);
	CU_ASSERT_EQUAL(dp_sock_rx_bytes(s), 10);
	CU_ASSERT_EQUAL(ut_recv(s, buf, sizeof(buf), NULL, NULL, 0), 10);
	CU_ASSERT_EQUAL(dp_sock_rx_bytes(s), 0);
	CU_ASSERT_EQUAL(ut_recv(s, buf, sizeof(buf), NULL, NULL, 0), -EAGAIN);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

/* A short buffer gets the head, -EMSGSIZE and the full length; the rest
 * of the datagram is gone (a peek keeps it). */
static void
test_udp_truncated_read_fails_emsgsize_and_consumes(void)
{
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, PORT);
	char buf[64] = "";
	size_t full = 0;

	from_peer(UT_IP, PORT, payload, 10, FRAME_CSUM_GOOD);
	CU_ASSERT_EQUAL(ut_recv(s, buf, 4, NULL, &full, DP_F_PEEK), -EMSGSIZE);
	CU_ASSERT_EQUAL(ut_recv(s, buf, 4, NULL, &full, 0), -EMSGSIZE);
	CU_ASSERT_EQUAL(full, 10);
	CU_ASSERT_EQUAL(memcmp(buf, "0123", 4), 0);
	CU_ASSERT_EQUAL(buf[4], '\0');
	CU_ASSERT_EQUAL(ut_recv(s, buf, sizeof(buf), NULL, NULL, 0), -EAGAIN);
	CU_ASSERT_EQUAL(ut_mbufs_in_use(), 0);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

/* A connected socket takes datagrams from its peer only; connecting
 * discards what others had queued. */
static void
test_udp_connect_filters_by_peer(void)
{
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, PORT);
	struct dp_addr peer = { UT_PEER, PEER_PORT };
	struct dp_sock_stats st;
	uint8_t f[256];
	char buf[64];

	/* Queued before connect: one from the peer, one from another port. */
	from_peer(UT_IP, PORT, payload, 10, FRAME_CSUM_GOOD);
	ut_deliver(f, ut_udp_frame(f, UT_PEER, PEER_PORT + 1, UT_IP, PORT,
		payload, 5, FRAME_CSUM_GOOD));
	CU_ASSERT_EQUAL_FATAL(dp_sock_connect(s, &peer), 0);
	dp_sock_stats_get(s, &st);
	CU_ASSERT_EQUAL(st.drop_unread, 1);
	CU_ASSERT_EQUAL(dp_sock_rx_bytes(s), 10);
	/* After: another host and another port are not taken. */
	ut_deliver(f, ut_udp_frame(f, FRAME_IP4(198, 18, 0, 3), PEER_PORT,
		UT_IP, PORT, payload, 3, FRAME_CSUM_GOOD));
	ut_deliver(f, ut_udp_frame(f, UT_PEER, PEER_PORT + 1, UT_IP, PORT,
		payload, 3, FRAME_CSUM_GOOD));
	ut_sent_drop();		/* the port unreachables */
	CU_ASSERT_EQUAL(ut_recv(s, buf, sizeof(buf), NULL, NULL, 0), 10);
	CU_ASSERT_EQUAL(ut_recv(s, buf, sizeof(buf), NULL, NULL, 0), -EAGAIN);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

/* Both broadcast addresses reach every wildcard socket of the port, as
 * references to one mbuf; a socket bound to our address alone does not
 * get them. */
static void
test_udp_broadcast_reaches_every_wildcard_socket(void)
{
	struct dp_sock *s[3];
	char buf[64];
	unsigned int base = ut_mbufs_in_use();

	for (int i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL_FATAL(dp_sock_create(IPPROTO_UDP, &s[i]), 0);
		dp_sock_set_opt(s[i], DP_OPT_REUSEADDR, 1);
		CU_ASSERT_EQUAL_FATAL(dp_sock_bind(s[i],
			&(struct dp_addr){ 0, 5353 }), 0);
	}
	s[2] = ut_sock(IPPROTO_UDP, UT_IP, 5354);
	from_peer(UT_BCAST, 5353, payload, 10, FRAME_CSUM_GOOD);
	CU_ASSERT_EQUAL(ut_mbufs_in_use(), base + 1);
	from_peer(0xffffffff, 5353, payload, 10, FRAME_CSUM_GOOD);
	from_peer(UT_BCAST, 5354, payload, 10, FRAME_CSUM_GOOD);
	for (int i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(ut_recv(s[i], buf, sizeof(buf), NULL, NULL, 0),
			10);
		CU_ASSERT_EQUAL(ut_recv(s[i], buf, sizeof(buf), NULL, NULL, 0),
			10);
		CU_ASSERT_EQUAL(ut_recv(s[i], buf, sizeof(buf), NULL, NULL, 0),
			-EAGAIN);
	}
	CU_ASSERT_EQUAL(ut_recv(s[2], buf, sizeof(buf), NULL, NULL, 0),
		-EAGAIN);
	CU_ASSERT_EQUAL(ut_sent_drop(), 0);	/* no unreachable for it */
	CU_ASSERT_EQUAL(ut_mbufs_in_use(), base);
	for (int i = 0; i < 3; i++)
		dp_sock_close(s[i], DP_CLOSE_ABORT);
}

/* A datagram to a group reaches each member listening on its port, as
 * one shared mbuf, and neither non-members nor members elsewhere. */
static void
test_udp_multicast_fans_out_to_members_only(void)
{
	const uint32_t group = FRAME_IP4(239, 1, 2, 3);
	struct dp_sock *s[4];
	char buf[64];
	unsigned int base;

	for (int i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL_FATAL(dp_sock_create(IPPROTO_UDP, &s[i]), 0);
		dp_sock_set_opt(s[i], DP_OPT_REUSEADDR, 1);
		CU_ASSERT_EQUAL_FATAL(dp_sock_bind(s[i],
			&(struct dp_addr){ 0, i == 3 ? 5001 : 5000 }), 0);
		if (i != 2)
			CU_ASSERT_EQUAL(dp_sock_mc_join(s[i], group, 0, 0), 0);
	}
	ut_settle();
	ut_sent_drop();		/* the IGMP reports */
	base = ut_mbufs_in_use();
	from_peer(group, 5000, payload, 10, FRAME_CSUM_GOOD);
	CU_ASSERT_EQUAL(ut_mbufs_in_use(), base + 1);
	for (int i = 0; i < 2; i++)
		CU_ASSERT_EQUAL(ut_recv(s[i], buf, sizeof(buf), NULL, NULL, 0),
			10);
	CU_ASSERT_EQUAL(ut_recv(s[2], buf, sizeof(buf), NULL, NULL, 0),
		-EAGAIN);
	CU_ASSERT_EQUAL(ut_recv(s[3], buf, sizeof(buf), NULL, NULL, 0),
		-EAGAIN);
	ut_close_all(s, 4, base);
}

/* A send leaves as one frame to the peer's MAC: ports, lengths and a
 * checksum that sums to zero with the pseudo-header. */
static void
test_udp_send_builds_ports_length_and_checksum(void)
{
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, PORT);
	struct rte_ipv4_hdr *ip;
	struct rte_udp_hdr *udp;
	struct rte_mbuf *m;

	CU_ASSERT_EQUAL(ut_send(s, UT_PEER, 9, payload, 10), 10);
	ut_settle();
	m = ut_sent(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT(rte_is_same_ether_addr(&rte_pktmbuf_mtod(m,
		struct rte_ether_hdr *)->dst_addr, &ut_peer_mac));
	ip = ut_ip_of(m);
	udp = (struct rte_udp_hdr *)(ip + 1);
	CU_ASSERT_EQUAL(ip->next_proto_id, IPPROTO_UDP);
	CU_ASSERT_EQUAL(udp->src_port, rte_cpu_to_be_16(PORT));
	CU_ASSERT_EQUAL(udp->dst_port, rte_cpu_to_be_16(9));
	CU_ASSERT_EQUAL(udp->dgram_len, rte_cpu_to_be_16(18));
	CU_ASSERT_EQUAL(memcmp(udp + 1, payload, 10), 0);
	if (!ut_eng()->udp_cksum_offload)
		CU_ASSERT_EQUAL(rte_ipv4_udptcp_cksum_verify(ip, udp), 0);
	rte_pktmbuf_free(m);
	CU_ASSERT_EQUAL(ut_sent_drop(), 0);
	dp_sock_close(s, DP_CLOSE_GRACEFUL);
}

/* Broadcast needs SO_BROADCAST; then it leaves to ff:ff:ff:ff:ff:ff. */
static void
test_udp_broadcast_send_needs_so_broadcast(void)
{
	static const struct rte_ether_addr all = {
		.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	struct dp_sock *s = ut_sock(IPPROTO_UDP, 0, PORT);
	struct rte_mbuf *m;

	CU_ASSERT_EQUAL(ut_send(s, UT_BCAST, 9, payload, 10), -EACCES);
	CU_ASSERT_EQUAL(ut_send(s, 0xffffffff, 9, payload, 10), -EACCES);
	CU_ASSERT_EQUAL(dp_sock_set_opt(s, DP_OPT_BROADCAST, 1), 0);
	CU_ASSERT_EQUAL(ut_send(s, UT_BCAST, 9, payload, 10), 10);
	ut_settle();
	m = ut_sent(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT(rte_is_same_ether_addr(&rte_pktmbuf_mtod(m,
		struct rte_ether_hdr *)->dst_addr, &all));
	rte_pktmbuf_free(m);
	dp_sock_close(s, DP_CLOSE_GRACEFUL);
}

/* To a group: the group's MAC (RFC 1112 §6.4), the multicast TTL, and
 * with IP_MULTICAST_LOOP our own member gets a copy. */
static void
test_udp_multicast_send_maps_mac_ttl_and_loops_back(void)
{
	const uint32_t group = FRAME_IP4(239, 129, 2, 3);
	static const struct rte_ether_addr gmac = {
		.addr_bytes = { 0x01, 0x00, 0x5e, 0x01, 0x02, 0x03 } };
	struct dp_sock *tx = ut_sock(IPPROTO_UDP, 0, PORT);
	struct dp_sock *rx = ut_sock(IPPROTO_UDP, 0, 5002);
	struct rte_mbuf *m;
	char buf[64];

	CU_ASSERT_EQUAL(dp_sock_mc_join(rx, group, 0, 0), 0);
	ut_settle();
	ut_sent_drop();
	CU_ASSERT_EQUAL(dp_sock_set_opt(tx, DP_OPT_MC_TTL, 3), 0);
	CU_ASSERT_EQUAL(ut_send(tx, group, 5002, payload, 10), 10);
	ut_settle();
	m = ut_sent(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT(rte_is_same_ether_addr(&rte_pktmbuf_mtod(m,
		struct rte_ether_hdr *)->dst_addr, &gmac));
	CU_ASSERT_EQUAL(ut_ip_of(m)->time_to_live, 3);
	rte_pktmbuf_free(m);
	CU_ASSERT_EQUAL(ut_recv(rx, buf, sizeof(buf), NULL, NULL, 0), 10);
	dp_sock_close(tx, DP_CLOSE_GRACEFUL);
	dp_sock_close(rx, DP_CLOSE_ABORT);
	ut_settle();
	ut_sent_drop();
}

static const struct wt_test tests[] = {
	WT_TEST(test_udp_datagram_is_delivered_with_its_source),
	WT_TEST(test_udp_bad_checksum_is_dropped_and_counted),
	WT_TEST(test_udp_zero_checksum_is_accepted),
	WT_TEST(test_udp_nic_checksum_verdict_is_trusted),
	WT_TEST(test_udp_bad_length_is_counted),
	WT_TEST(test_udp_chained_frame_is_delivered_or_counted),
	WT_TEST(test_udp_closed_port_gets_port_unreachable),
	WT_TEST(test_udp_peek_leaves_the_datagram_queued),
	WT_TEST(test_udp_truncated_read_fails_emsgsize_and_consumes),
	WT_TEST(test_udp_connect_filters_by_peer),
	WT_TEST(test_udp_broadcast_reaches_every_wildcard_socket),
	WT_TEST(test_udp_multicast_fans_out_to_members_only),
	WT_TEST(test_udp_send_builds_ports_length_and_checksum),
	WT_TEST(test_udp_broadcast_send_needs_so_broadcast),
	WT_TEST(test_udp_multicast_send_maps_mac_ttl_and_loops_back),
	WT_TEST_END
};

static const struct wt_suite suite =
	UT_SUITE("unit_udp", ut_suite_init, tests);

WT_MAIN(suite)
