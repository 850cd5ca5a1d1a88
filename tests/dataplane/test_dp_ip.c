/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ethernet, IPv4 and ICMP through a running engine: echo replies are
 * right to the byte, and every malformed class is dropped and counted by
 * its own counter.
 */
#include <string.h>

#include <CUnit/CUnit.h>
#include <rte_arp.h>
#include <rte_icmp.h>
#include <rte_ip.h>

#include "dp_test.h"
#include "test_dp.h"

/* An echo request gets a reply carrying the same id, seq and payload,
 * with valid IPv4 and ICMP checksums. */
static void
test_icmp_echo_reply_mirrors_request(void)
{
	uint8_t f[1600];
	struct rte_mbuf *m;
	struct rte_ipv4_hdr *ip;
	struct rte_icmp_hdr *icmp, *req;
	uint16_t len;

	dp_test_learn_peer();
	len = dp_test_echo(f, DP_TEST_PEER, DP_TEST_IP, 0x4242, 9, 1000);
	dp_test_inject_wait(f, len);
	m = dp_test_recv(500);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->pkt_len, len);
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *,
		sizeof(struct rte_ether_hdr));
	icmp = (struct rte_icmp_hdr *)(ip + 1);
	req = (struct rte_icmp_hdr *)(f + sizeof(struct rte_ether_hdr) +
		sizeof(*ip));
	CU_ASSERT_EQUAL(ip->src_addr, rte_cpu_to_be_32(DP_TEST_IP));
	CU_ASSERT_EQUAL(ip->dst_addr, rte_cpu_to_be_32(DP_TEST_PEER));
	CU_ASSERT_EQUAL(rte_raw_cksum(ip, sizeof(*ip)), 0xffff);
	CU_ASSERT_EQUAL(icmp->icmp_type, RTE_IP_ICMP_ECHO_REPLY);
	CU_ASSERT_EQUAL(icmp->icmp_ident, req->icmp_ident);
	CU_ASSERT_EQUAL(icmp->icmp_seq_nb, req->icmp_seq_nb);
	CU_ASSERT_EQUAL(memcmp(icmp + 1, req + 1, 1000), 0);
	CU_ASSERT_EQUAL(rte_raw_cksum(icmp, 1008), 0xffff);
	rte_pktmbuf_free(m);
}

/* An echo request with IP options is answered, options not reflected. */
static void
test_icmp_echo_with_ip_options_is_answered(void)
{
	uint8_t f[256], g[256];
	struct dp_stats a, b;
	struct rte_mbuf *m;
	struct rte_ipv4_hdr *ip;
	uint16_t len;

	dp_test_learn_peer();
	len = dp_test_echo(f, DP_TEST_PEER, DP_TEST_IP, 1, 1, 32);
	/* Insert 4 bytes of options (NOP NOP NOP EOL) after the header. */
	memcpy(g, f, 34);
	memset(g + 34, 1, 3);
	g[37] = 0;
	memcpy(g + 38, f + 34, len - 34);
	ip = (struct rte_ipv4_hdr *)(g + 14);
	ip->version_ihl = 0x46;
	ip->total_length = rte_cpu_to_be_16(rte_be_to_cpu_16(
		ip->total_length) + 4);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = (uint16_t)~rte_raw_cksum(ip, 24);
	dp_test_stats(&a);
	dp_test_inject_wait(g, (uint16_t)(len + 4));
	m = dp_test_recv(500);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
	CU_ASSERT_EQUAL(ip->version_ihl, 0x45);
	CU_ASSERT_EQUAL(m->pkt_len, len);
	rte_pktmbuf_free(m);
	dp_test_stats(&b);
	CU_ASSERT_EQUAL(b.ip_options - a.ip_options, 1);
}

/* Echo to the subnet broadcast is ignored (no smurf amplifier). */
static void
test_icmp_broadcast_echo_is_ignored(void)
{
	uint8_t f[256];
	struct dp_stats a, b;
	uint16_t len;

	dp_test_learn_peer();
	len = dp_test_echo(f, DP_TEST_PEER, DP_TEST_IP4(198, 18, 0, 255), 1, 1,
		8);
	memset(f, 0xff, 6);
	dp_test_stats(&a);
	dp_test_inject_wait(f, len);
	CU_ASSERT_PTR_NULL(dp_test_recv(30));
	dp_test_stats(&b);
	CU_ASSERT_EQUAL(b.icmp_bcast_ignored - a.icmp_bcast_ignored, 1);
}

/* An unknown IP protocol to us gets ICMP protocol unreachable quoting
 * the offending header. */
static void
test_ip_unknown_protocol_gets_protocol_unreachable(void)
{
	uint8_t f[128];
	struct rte_mbuf *m;
	struct rte_ipv4_hdr *ip, *quoted;
	struct rte_icmp_hdr *icmp;

	dp_test_learn_peer();
	memset(f, 0, sizeof(f));
	dp_test_ipv4(f, dp_test_mac(), DP_TEST_PEER, DP_TEST_IP, 253, 20);
	dp_test_inject_wait(f, 14 + 20 + 20);
	m = dp_test_recv(500);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
	icmp = (struct rte_icmp_hdr *)(ip + 1);
	quoted = (struct rte_ipv4_hdr *)(icmp + 1);
	CU_ASSERT_EQUAL(ip->next_proto_id, IPPROTO_ICMP);
	CU_ASSERT_EQUAL(icmp->icmp_type, 3);
	CU_ASSERT_EQUAL(icmp->icmp_code, 2);
	CU_ASSERT_EQUAL(quoted->next_proto_id, 253);
	CU_ASSERT_EQUAL(rte_raw_cksum(icmp, m->pkt_len - 34), 0xffff);
	rte_pktmbuf_free(m);
}

struct bad_case {
	const char *what;
	size_t counter;
	void (*mutate)(uint8_t *f, uint16_t *len);
};

static void
fix_csum(uint8_t *f)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + 14);

	ip->hdr_checksum = 0;
	ip->hdr_checksum = (uint16_t)~rte_raw_cksum(ip,
		(ip->version_ihl & 0xf) * 4u);
}

static void eth_short(uint8_t *f, uint16_t *l) { (void)f; *l = 10; }
static void eth_other_mac(uint8_t *f, uint16_t *l) { (void)l; f[5] ^= 1; }
static void eth_mcast_src(uint8_t *f, uint16_t *l) { (void)l; f[6] = 1; }
static void eth_vlan(uint8_t *f, uint16_t *l) { (void)l; f[12] = 0x81; f[13] = 0; }
static void eth_ipv6(uint8_t *f, uint16_t *l) { (void)l; f[12] = 0x86; f[13] = 0xdd; }
static void eth_type(uint8_t *f, uint16_t *l) { (void)l; f[12] = 0x88; f[13] = 0xb5; }
static void ip_short(uint8_t *f, uint16_t *l) { (void)f; *l = 14 + 12; }
static void ip_version(uint8_t *f, uint16_t *l) { (void)l; f[14] = 0x65; fix_csum(f); }
static void ip_ihl_small(uint8_t *f, uint16_t *l) { (void)l; f[14] = 0x43; }
static void ip_ihl_big(uint8_t *f, uint16_t *l) { f[14] = 0x4f; *l = 14 + 40; }
static void ip_totlen_big(uint8_t *f, uint16_t *l) { (void)l; f[16] = 0x10; fix_csum(f); }
static void ip_totlen_small(uint8_t *f, uint16_t *l) { (void)l; f[16] = 0; f[17] = 10; fix_csum(f); }
static void ip_csum(uint8_t *f, uint16_t *l) { (void)l; f[24] ^= 0x5a; }
/* Fragments that can never be reassembled (valid ones are held: see
 * test_dp_reass.c): not whole 8-byte units before the last; past 65535. */
static void ip_frag_odd(uint8_t *f, uint16_t *l) { f[20] = 0x20; f[17] -= 4; *l -= 4; fix_csum(f); }
static void ip_frag_big(uint8_t *f, uint16_t *l) { (void)l; f[20] = 0x1f; f[21] = 0xff; fix_csum(f); }
static void ip_mcast_src(uint8_t *f, uint16_t *l) { (void)l; f[26] = 224; fix_csum(f); }
static void ip_not_us(uint8_t *f, uint16_t *l) { (void)l; f[33] = 77; fix_csum(f); }
static void icmp_short(uint8_t *f, uint16_t *l) { f[17] = 20 + 4; *l = 14 + 24; fix_csum(f); }
static void icmp_csum(uint8_t *f, uint16_t *l) { (void)l; f[36] ^= 0x33; }

#define CASE(w, c, fn) { w, offsetof(struct dp_stats, c), fn }

static const struct bad_case bad[] = {
	CASE("frame shorter than ethernet", eth_short, eth_short),
	CASE("frame for another MAC", eth_not_our_mac, eth_other_mac),
	CASE("multicast source MAC", eth_bad_src, eth_mcast_src),
	CASE("802.1Q tag", eth_vlan, eth_vlan),
	CASE("IPv6", eth_ipv6, eth_ipv6),
	CASE("unknown ethertype", eth_unknown_type, eth_type),
	CASE("truncated IPv4 header", ip_short, ip_short),
	CASE("IP version 6 in IPv4", ip_bad_version, ip_version),
	CASE("IHL 3", ip_bad_ihl, ip_ihl_small),
	CASE("IHL 15 beyond frame", ip_bad_ihl, ip_ihl_big),
	CASE("total length beyond frame", ip_bad_totlen, ip_totlen_big),
	CASE("total length below IHL", ip_bad_totlen, ip_totlen_small),
	CASE("bad header checksum", ip_bad_csum, ip_csum),
	CASE("fragment not in 8-byte units", ip_reass_bad_len, ip_frag_odd),
	CASE("fragment past 65535 bytes", ip_reass_too_big, ip_frag_big),
	CASE("multicast source IP", ip_bad_src, ip_mcast_src),
	CASE("IP for another host", ip_not_for_us, ip_not_us),
	CASE("ICMP shorter than its header", icmp_short, icmp_short),
	CASE("bad ICMP checksum", icmp_bad_csum, icmp_csum),
};

static uint64_t
counter(const struct dp_stats *s, size_t off)
{
	return *(const uint64_t *)((const uint8_t *)s + off);
}

/* Each malformed class is dropped, moves its own counter by one, sends
 * nothing, and the stack still answers a valid echo afterwards. */
static void
test_ip_malformed_are_counted_by_class(void)
{
	uint8_t f[256];
	struct rte_mbuf *m;

	dp_test_learn_peer();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct dp_stats a, b;
		uint16_t len = dp_test_echo(f, DP_TEST_PEER, DP_TEST_IP, 3,
			(uint16_t)i, 40);

		bad[i].mutate(f, &len);
		dp_test_stats(&a);
		dp_test_inject_wait(f, len);
		dp_test_stats(&b);
		if (counter(&b, bad[i].counter) - counter(&a, bad[i].counter)
				!= 1)
			fprintf(stderr, "case '%s' not counted\n", bad[i].what);
		CU_ASSERT_EQUAL(counter(&b, bad[i].counter) -
			counter(&a, bad[i].counter), 1);
		m = dp_test_recv(10);
		CU_ASSERT_PTR_NULL(m);
		if (m != NULL)
			rte_pktmbuf_free(m);
	}
	dp_test_inject_wait(f, dp_test_echo(f, DP_TEST_PEER, DP_TEST_IP, 3,
		999, 40));
	m = dp_test_recv(500);
	CU_ASSERT_PTR_NOT_NULL(m);
	rte_pktmbuf_free(m);
}

static const struct wt_test tests[] = {
	WT_TEST(test_icmp_echo_reply_mirrors_request),
	WT_TEST(test_icmp_echo_with_ip_options_is_answered),
	WT_TEST(test_icmp_broadcast_echo_is_ignored),
	WT_TEST(test_ip_unknown_protocol_gets_protocol_unreachable),
	WT_TEST(test_ip_malformed_are_counted_by_class),
	WT_TEST_END
};

const struct wt_suite test_dp_ip_suite = {
	.name = "dp_ip",
	.tests = tests,
};
