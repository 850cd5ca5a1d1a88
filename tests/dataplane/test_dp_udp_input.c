/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * UDP input to a port nobody holds (RFC 1122 §4.1.3.1, §4.1.3.4): a valid
 * datagram, or one without a checksum, is answered with ICMP port
 * unreachable; a corrupt one is discarded silently and counted as such.
 */
#include <errno.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <rte_arp.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "dp_sock.h"
#include "dp_test.h"
#include "test_dp.h"

#define CLOSED_PORT	4444

enum csum { CSUM_GOOD, CSUM_ZERO, CSUM_BAD };

/* Ethernet + IPv4 + UDP to CLOSED_PORT with n payload bytes. */
static uint16_t
udp_frame(uint8_t *f, uint16_t n, enum csum c)
{
	struct rte_ipv4_hdr *ip = dp_test_ipv4(f, dp_test_mac(), DP_TEST_PEER,
		DP_TEST_IP, IPPROTO_UDP, (uint16_t)(sizeof(struct rte_udp_hdr) +
		n));
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);

	udp->src_port = RTE_BE16(40000);
	udp->dst_port = rte_cpu_to_be_16(CLOSED_PORT);
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(sizeof(*udp) + n));
	udp->dgram_cksum = 0;
	memset(udp + 1, 'u', n);
	if (c != CSUM_ZERO)
		udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
	if (c == CSUM_BAD)
		udp->dgram_cksum ^= RTE_BE16(0x0101);
	return (uint16_t)(sizeof(struct rte_ether_hdr) + sizeof(*ip) +
		sizeof(*udp) + n);
}

static void
check_port_unreachable(enum csum c)
{
	uint8_t f[128];
	struct dp_stats a, b;
	struct rte_mbuf *m;
	struct rte_ipv4_hdr *ip;
	struct rte_icmp_hdr *icmp;
	uint16_t len;

	dp_test_learn_peer();
	len = udp_frame(f, 16, c);
	dp_test_stats(&a);
	dp_test_inject_wait(f, len);
	m = dp_test_recv(500);
	dp_test_stats(&b);
	CU_ASSERT_EQUAL(b.udp_no_port - a.udp_no_port, 1);
	CU_ASSERT_EQUAL(b.icmp_unreach_tx - a.icmp_unreach_tx, 1);
	CU_ASSERT_EQUAL(b.udp_bad_csum - a.udp_bad_csum, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *,
		sizeof(struct rte_ether_hdr));
	icmp = (struct rte_icmp_hdr *)(ip + 1);
	CU_ASSERT_EQUAL(ip->next_proto_id, IPPROTO_ICMP);
	CU_ASSERT_EQUAL(ip->dst_addr, rte_cpu_to_be_32(DP_TEST_PEER));
	CU_ASSERT_EQUAL(icmp->icmp_type, 3);
	CU_ASSERT_EQUAL(icmp->icmp_code, 3);
	/* It quotes the offending datagram from its IPv4 header on. */
	CU_ASSERT_EQUAL(memcmp(icmp + 1, f + sizeof(struct rte_ether_hdr),
		len - sizeof(struct rte_ether_hdr)), 0);
	rte_pktmbuf_free(m);
}

/* A valid datagram to a closed port gets ICMP port unreachable. */
static void
test_udp_closed_port_gets_port_unreachable(void)
{
	check_port_unreachable(CSUM_GOOD);
}

/* So does one the sender sent without a checksum (RFC 768). */
static void
test_udp_zero_csum_closed_port_gets_port_unreachable(void)
{
	check_port_unreachable(CSUM_ZERO);
}

/* A corrupt datagram to a closed port is dropped silently: counted as a
 * bad checksum, never answered (RFC 1122 §4.1.3.4). */
static void
test_udp_bad_csum_closed_port_is_silent(void)
{
	uint8_t f[128];
	struct dp_stats a, b;
	struct rte_mbuf *m;
	uint16_t len;

	dp_test_learn_peer();
	len = udp_frame(f, 16, CSUM_BAD);
	dp_test_stats(&a);
	dp_test_inject_wait(f, len);
	m = dp_test_recv(50);
	dp_test_stats(&b);
	CU_ASSERT_PTR_NULL(m);
	if (m != NULL)
		rte_pktmbuf_free(m);
	CU_ASSERT_EQUAL(b.udp_bad_csum - a.udp_bad_csum, 1);
	CU_ASSERT_EQUAL(b.udp_no_port - a.udp_no_port, 0);
	CU_ASSERT_EQUAL(b.icmp_unreach_tx - a.icmp_unreach_tx, 0);
}

/* ---- delivery to a bound socket ---- */

#define OPEN_PORT	4555

/* A socket bound to OPEN_PORT. */
static struct dp_sock *
open_sock(void)
{
	struct dp_addr a = { 0, OPEN_PORT };
	struct dp_sock *s;

	CU_ASSERT_EQUAL_FATAL(dp_sock_create(IPPROTO_UDP, &s), 0);
	CU_ASSERT_EQUAL_FATAL(dp_sock_bind(s, &a), 0);
	return s;
}

/* Bytes of the next datagram on s, or -errno. */
static long
recv_now(struct dp_sock *s, uint8_t *buf, size_t len)
{
	struct dp_iov iov = { buf, len };

	return dp_sock_recv(s, &iov, 1, NULL, NULL, DP_F_NONBLOCK);
}

/*
 * A UDP length shorter than the IPv4 payload (bytes after the datagram
 * inside the IP packet): the checksum covers the UDP length, so a
 * correct one is accepted and the datagram delivered without the tail.
 * (The verify once used the IP length and dropped it as corrupt.)
 */
static void
test_udp_checksum_covers_the_udp_length(void)
{
	uint8_t f[128], buf[64];
	struct dp_sock *s = open_sock();
	struct rte_ipv4_hdr *ip;
	struct rte_udp_hdr *udp;
	struct dp_stats a, b;
	uint16_t len;

	len = udp_frame(f, 10, CSUM_ZERO);
	ip = (struct rte_ipv4_hdr *)(f + sizeof(struct rte_ether_hdr));
	udp = (struct rte_udp_hdr *)(ip + 1);
	udp->dst_port = RTE_BE16(OPEN_PORT);
	/* Six bytes the IP packet carries after the datagram. */
	memset(f + len, 0xee, 6);
	len += 6;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(len -
		sizeof(struct rte_ether_hdr)));
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	/* The pseudo-header and sum over the UDP length (RFC 768). */
	ip->total_length = rte_cpu_to_be_16(sizeof(*ip) + 18);
	udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
	ip->total_length = rte_cpu_to_be_16((uint16_t)(len -
		sizeof(struct rte_ether_hdr)));
	dp_test_stats(&a);
	dp_test_inject_wait(f, len);
	dp_test_stats(&b);
	CU_ASSERT_EQUAL(b.udp_bad_csum - a.udp_bad_csum, 0);
	CU_ASSERT_EQUAL(recv_now(s, buf, sizeof(buf)), 10);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

/*
 * RTE_MBUF_F_RX_L4_CKSUM_NONE (virtio's "data valid") and
 * RTE_MBUF_F_RX_IP_CKSUM_NONE: the checksum in the packet is not right,
 * but the NIC verified the data: delivered. L4 BAD: dropped and counted.
 */
static void
test_nic_verified_checksums_are_trusted(void)
{
	uint8_t f[128], buf[64];
	struct dp_sock *s = open_sock();
	struct rte_ipv4_hdr *ip;
	struct rte_udp_hdr *udp;
	struct dp_stats a, b;
	uint16_t len;

	len = udp_frame(f, 12, CSUM_BAD);
	ip = (struct rte_ipv4_hdr *)(f + sizeof(struct rte_ether_hdr));
	udp = (struct rte_udp_hdr *)(ip + 1);
	udp->dst_port = RTE_BE16(OPEN_PORT);
	ip->hdr_checksum ^= RTE_BE16(0x0101);
	dp_test_stats(&a);
	dp_test_inject_wait_flags(f, len, RTE_MBUF_F_RX_L4_CKSUM_NONE |
		RTE_MBUF_F_RX_IP_CKSUM_NONE);
	dp_test_stats(&b);
	CU_ASSERT_EQUAL(b.udp_bad_csum - a.udp_bad_csum, 0);
	CU_ASSERT_EQUAL(b.ip_bad_csum - a.ip_bad_csum, 0);
	CU_ASSERT_EQUAL(recv_now(s, buf, sizeof(buf)), 12);
	dp_test_inject_wait_flags(f, len, RTE_MBUF_F_RX_L4_CKSUM_BAD |
		RTE_MBUF_F_RX_IP_CKSUM_GOOD);
	dp_test_stats(&a);
	CU_ASSERT_EQUAL(a.udp_bad_csum - b.udp_bad_csum, 1);
	CU_ASSERT_EQUAL(recv_now(s, buf, sizeof(buf)), -EAGAIN);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

/*
 * ICMP destination unreachable quoting less than a whole IPv4 header,
 * or one whose IHL is under 5: counted (icmp_bad_quote), nothing read
 * beyond what was quoted, no socket told.
 */
static void
test_icmp_error_with_a_short_quote_is_counted(void)
{
	static const struct { uint8_t vhl; uint16_t quoted; } bad[] = {
		{ 0x45, 8 },		/* 8 bytes of a 20-byte header */
		{ 0x40, 8 },		/* IHL 0 */
		{ 0x43, 20 },		/* IHL 3 */
		{ 0x46, 24 },		/* IHL 6: no room for the UDP ports */
	};
	uint8_t f[128];

	for (size_t i = 0; i < RTE_DIM(bad); i++) {
		struct rte_ipv4_hdr *ip = dp_test_ipv4(f, dp_test_mac(),
			DP_TEST_PEER, DP_TEST_IP, IPPROTO_ICMP,
			(uint16_t)(sizeof(struct rte_icmp_hdr) +
			bad[i].quoted));
		struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)(ip + 1);
		uint8_t *q = (uint8_t *)(icmp + 1);
		uint16_t len = (uint16_t)(sizeof(struct rte_ether_hdr) +
			sizeof(*ip) + sizeof(*icmp) + bad[i].quoted);
		struct dp_stats a, b;

		memset(icmp, 0, sizeof(*icmp) + bad[i].quoted);
		icmp->icmp_type = 3;
		icmp->icmp_code = 3;
		q[0] = bad[i].vhl;
		icmp->icmp_cksum = ~rte_raw_cksum(icmp, sizeof(*icmp) +
			bad[i].quoted);
		dp_test_stats(&a);
		dp_test_inject_wait(f, len);
		dp_test_stats(&b);
		CU_ASSERT_EQUAL(b.icmp_unreach_rx - a.icmp_unreach_rx, 1);
		CU_ASSERT_EQUAL(b.icmp_bad_quote - a.icmp_bad_quote, 1);
		CU_ASSERT_EQUAL(b.udp_connreset - a.udp_connreset, 0);
	}
}

int
test_dp_udp_input_register(void)
{
	CU_pSuite s = CU_add_suite("dp_udp_input", NULL, NULL);

	if (s == NULL)
		return -1;
	CU_add_test(s, "udp_closed_port_gets_port_unreachable",
		test_udp_closed_port_gets_port_unreachable);
	CU_add_test(s, "udp_zero_csum_closed_port_gets_port_unreachable",
		test_udp_zero_csum_closed_port_gets_port_unreachable);
	CU_add_test(s, "udp_bad_csum_closed_port_is_silent",
		test_udp_bad_csum_closed_port_is_silent);
	CU_add_test(s, "udp_checksum_covers_the_udp_length",
		test_udp_checksum_covers_the_udp_length);
	CU_add_test(s, "nic_verified_checksums_are_trusted",
		test_nic_verified_checksums_are_trusted);
	CU_add_test(s, "icmp_error_with_a_short_quote_is_counted",
		test_icmp_error_with_a_short_quote_is_counted);
	return 0;
}
