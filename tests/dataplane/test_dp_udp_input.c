/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * UDP input to a port nobody holds (RFC 1122 §4.1.3.1, §4.1.3.4): a valid
 * datagram, or one without a checksum, is answered with ICMP port
 * unreachable; a corrupt one is discarded silently and counted as such.
 */
#include <string.h>

#include <CUnit/CUnit.h>
#include <rte_arp.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_udp.h>

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
	return 0;
}
