/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARP through a running engine: answering, learning, resolving for
 * output, giving up, and every malformed class counted.
 */
#include <string.h>

#include <CUnit/CUnit.h>
#include <rte_arp.h>
#include <rte_icmp.h>
#include <rte_ip.h>

#include "dp_sock.h"
#include "dp_test.h"
#include "wt.h"
#include "test_dp.h"

static const struct rte_ether_addr bcast = {
	.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
static const struct rte_ether_addr zero;

static struct rte_arp_hdr *
arp_of(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *,
		sizeof(struct rte_ether_hdr));
}

/* A request for our address is answered, unicast, with our MAC. */
static void
test_arp_request_for_us_is_answered(void)
{
	uint8_t f[64];
	struct dp_stats a, b;
	struct rte_mbuf *m;
	struct rte_ether_hdr *eh;
	struct rte_arp_hdr *r;
	uint16_t len;

	dp_test_drain();
	dp_test_stats(&a);
	len = dp_test_arp(f, RTE_ARP_OP_REQUEST, &bcast, &dp_test_peer_mac,
		DP_TEST_PEER, &zero, DP_TEST_IP);
	CU_ASSERT_EQUAL(len, 42);	/* unpadded, as a tap delivers it */
	dp_test_inject_wait(f, len);
	m = dp_test_recv(500);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	r = arp_of(m);
	CU_ASSERT(rte_is_same_ether_addr(&eh->dst_addr, &dp_test_peer_mac));
	CU_ASSERT(rte_is_same_ether_addr(&eh->src_addr, dp_test_mac()));
	CU_ASSERT_EQUAL(r->arp_opcode, RTE_BE16(RTE_ARP_OP_REPLY));
	CU_ASSERT(rte_is_same_ether_addr(&r->arp_data.arp_sha,
		dp_test_mac()));
	CU_ASSERT_EQUAL(r->arp_data.arp_sip, rte_cpu_to_be_32(DP_TEST_IP));
	CU_ASSERT(rte_is_same_ether_addr(&r->arp_data.arp_tha,
		&dp_test_peer_mac));
	CU_ASSERT_EQUAL(r->arp_data.arp_tip, rte_cpu_to_be_32(DP_TEST_PEER));
	rte_pktmbuf_free(m);
	dp_test_stats(&b);
	CU_ASSERT_EQUAL(b.arp_req_rx - a.arp_req_rx, 1);
	CU_ASSERT_EQUAL(b.arp_reply_tx - a.arp_reply_tx, 1);
}

/* The same request padded to 60 bytes by a NIC is answered too. */
static void
test_arp_request_padded_is_answered(void)
{
	uint8_t f[64] = { 0 };
	struct rte_mbuf *m;

	dp_test_drain();
	dp_test_arp(f, RTE_ARP_OP_REQUEST, &bcast, &dp_test_peer_mac,
		DP_TEST_PEER, &zero, DP_TEST_IP);
	dp_test_inject_wait(f, 60);
	m = dp_test_recv(500);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(arp_of(m)->arp_opcode, RTE_BE16(RTE_ARP_OP_REPLY));
	rte_pktmbuf_free(m);
}

/* A request for another address is counted and not answered. */
static void
test_arp_request_for_other_ip_is_not_answered(void)
{
	uint8_t f[64];
	struct dp_stats a, b;
	uint16_t len;

	dp_test_drain();
	dp_test_stats(&a);
	len = dp_test_arp(f, RTE_ARP_OP_REQUEST, &bcast, &dp_test_peer_mac,
		DP_TEST_PEER, &zero, DP_TEST_IP4(198, 18, 0, 77));
	dp_test_inject_wait(f, len);
	CU_ASSERT_PTR_NULL(dp_test_recv(50));
	dp_test_stats(&b);
	CU_ASSERT_EQUAL(b.arp_not_for_us - a.arp_not_for_us, 1);
	CU_ASSERT_EQUAL(b.arp_reply_tx, a.arp_reply_tx);
}

struct arp_bad_case {
	const char *what;
	size_t counter;		/* offsetof(struct dp_stats, x) */
	void (*mutate)(uint8_t *f, uint16_t *len);
};

static void bad_short(uint8_t *f, uint16_t *len) { (void)f; *len = 30; }
static void bad_hw(uint8_t *f, uint16_t *len) { (void)len; f[15] = 6; }
static void bad_plen(uint8_t *f, uint16_t *len) { (void)len; f[19] = 16; }
static void bad_op(uint8_t *f, uint16_t *len) { (void)len; f[21] = 9; }
static void bad_sha(uint8_t *f, uint16_t *len) { (void)len; f[22] = 0x01; }
static void bad_sip(uint8_t *f, uint16_t *len) { (void)len; f[28] = 224; }

static void
conflict(uint8_t *f, uint16_t *len)
{
	uint32_t ip = rte_cpu_to_be_32(DP_TEST_IP);

	(void)len;
	memcpy(f + 28, &ip, 4);		/* somebody else claims our IP */
}

#define CASE(w, c, fn) { w, offsetof(struct dp_stats, c), fn }

static const struct arp_bad_case arp_bad[] = {
	CASE("truncated", arp_short, bad_short),
	CASE("hardware type", arp_bad_format, bad_hw),
	CASE("protocol length", arp_bad_format, bad_plen),
	CASE("opcode", arp_bad_op, bad_op),
	CASE("multicast sender MAC", arp_bad_sender, bad_sha),
	CASE("multicast sender IP", arp_bad_sender, bad_sip),
	CASE("address conflict", arp_conflict, conflict),
};

static uint64_t
counter(const struct dp_stats *s, size_t off)
{
	return *(const uint64_t *)((const uint8_t *)s + off);
}

/* Each malformed class moves its own counter, and nothing is sent. */
static void
test_arp_malformed_are_counted_by_class(void)
{
	for (size_t i = 0; i < sizeof(arp_bad) / sizeof(arp_bad[0]); i++) {
		uint8_t f[64];
		uint16_t len;
		struct dp_stats a, b;

		dp_test_drain();
		len = dp_test_arp(f, RTE_ARP_OP_REQUEST, &bcast,
			&dp_test_peer_mac, DP_TEST_PEER, &zero, DP_TEST_IP);
		arp_bad[i].mutate(f, &len);
		dp_test_stats(&a);
		dp_test_inject_wait(f, len);
		dp_test_stats(&b);
		CU_ASSERT_EQUAL_FATAL(counter(&b, arp_bad[i].counter) -
			counter(&a, arp_bad[i].counter), 1);
		CU_ASSERT_PTR_NULL(dp_test_recv(20));
	}
}

/*
 * An echo request from a host we never heard of: the reply waits while
 * ARP resolves the host, then goes out to the MAC the reply taught us.
 */
static void
test_arp_resolves_next_hop_then_sends_queued_frame(void)
{
	const uint32_t host = DP_TEST_IP4(198, 18, 0, 50);
	const struct rte_ether_addr host_mac = {
		.addr_bytes = { 0x02, 0, 0, 0, 0, 0x50 } };
	uint8_t f[128];
	struct rte_mbuf *m;
	struct rte_arp_hdr *r;
	struct rte_ether_hdr *eh;
	uint16_t len;

	dp_test_drain();
	len = dp_test_echo(f, host, DP_TEST_IP, 7, 1, 16);
	dp_test_inject_wait(f, len);
	m = dp_test_recv(500);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	CU_ASSERT_EQUAL_FATAL(eh->ether_type, RTE_BE16(RTE_ETHER_TYPE_ARP));
	r = arp_of(m);
	CU_ASSERT_EQUAL(r->arp_opcode, RTE_BE16(RTE_ARP_OP_REQUEST));
	CU_ASSERT_EQUAL(r->arp_data.arp_tip, rte_cpu_to_be_32(host));
	CU_ASSERT(rte_is_broadcast_ether_addr(&eh->dst_addr));
	rte_pktmbuf_free(m);
	CU_ASSERT_PTR_NULL(dp_test_recv(20));	/* the reply is held */
	len = dp_test_arp(f, RTE_ARP_OP_REPLY, dp_test_mac(), &host_mac, host,
		dp_test_mac(), DP_TEST_IP);
	dp_test_inject_wait(f, len);
	m = dp_test_recv(500);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	CU_ASSERT_EQUAL(eh->ether_type, RTE_BE16(RTE_ETHER_TYPE_IPV4));
	CU_ASSERT(rte_is_same_ether_addr(&eh->dst_addr, &host_mac));
	rte_pktmbuf_free(m);
}

/* A neighbour that never answers: three requests a second apart, then
 * the held frame is dropped and counted. */
static void
test_arp_unanswered_gives_up_after_three_requests(void)
{
	const uint32_t host = DP_TEST_IP4(198, 18, 0, 51);
	uint8_t f[128];
	struct dp_stats a, b;
	struct rte_mbuf *m;
	int requests = 0;
	uint16_t len;

	dp_test_drain();
	dp_test_stats(&a);
	len = dp_test_echo(f, host, DP_TEST_IP, 7, 2, 16);
	dp_test_inject_wait(f, len);
	for (int t = 0; t < 45; t++) {
		while ((m = dp_test_recv(0)) != NULL) {
			if (arp_of(m)->arp_data.arp_tip ==
					rte_cpu_to_be_32(host))
				requests++;
			rte_pktmbuf_free(m);
		}
		dp_test_stats(&b);
		if (b.arp_resolve_fail > a.arp_resolve_fail)
			break;
		wt_sleep_ms(100);
	}
	CU_ASSERT_EQUAL(requests, 3);
	CU_ASSERT_EQUAL(b.arp_resolve_fail - a.arp_resolve_fail, 1);
}

/*
 * Frames a socket queued for a neighbour being resolved are dropped,
 * not sent, when the socket is closed abortively (SO_LINGER {1,0}): once
 * the neighbour answers, none of them goes out and nothing stays held.
 */
static void
test_abortive_close_drops_frames_held_for_arp(void)
{
	const uint32_t host = DP_TEST_IP4(198, 18, 0, 52);
	const struct rte_ether_addr host_mac = {
		.addr_bytes = { 0x02, 0, 0, 0, 0, 0x52 } };
	struct dp_addr to = { host, 9 };
	struct dp_iov iov = { (void *)"held", 4 };
	struct dp_sock *s;
	struct rte_mbuf *m;
	uint8_t f[64];
	int udp = 0;

	dp_test_drain();
	CU_ASSERT_EQUAL_FATAL(dp_sock_create(IPPROTO_UDP, &s), 0);
	for (int i = 0; i < 10; i++)
		CU_ASSERT_EQUAL(dp_sock_send(s, &iov, 1, &to, DP_F_NONBLOCK),
			4);
	wt_sleep_ms(20);		/* in the hold, behind the request */
	dp_sock_close(s, DP_CLOSE_ABORT);
	wt_sleep_ms(20);
	dp_test_inject_wait(f, dp_test_arp(f, RTE_ARP_OP_REPLY, dp_test_mac(),
		&host_mac, host, dp_test_mac(), DP_TEST_IP));
	while ((m = dp_test_recv(100)) != NULL) {
		udp += rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->ether_type ==
			RTE_BE16(RTE_ETHER_TYPE_IPV4);
		rte_pktmbuf_free(m);
	}
	CU_ASSERT_EQUAL(udp, 0);
	CU_ASSERT_EQUAL(dp_arp_pending(dp_engine_running()), 0);
}

int
test_dp_arp_register(void)
{
	CU_pSuite s = CU_add_suite("dp_arp", NULL, NULL);

	if (s == NULL)
		return -1;
	CU_add_test(s, "arp_request_for_us_is_answered",
		test_arp_request_for_us_is_answered);
	CU_add_test(s, "arp_request_padded_is_answered",
		test_arp_request_padded_is_answered);
	CU_add_test(s, "arp_request_for_other_ip_is_not_answered",
		test_arp_request_for_other_ip_is_not_answered);
	CU_add_test(s, "arp_malformed_are_counted_by_class",
		test_arp_malformed_are_counted_by_class);
	CU_add_test(s, "arp_resolves_next_hop_then_sends_queued_frame",
		test_arp_resolves_next_hop_then_sends_queued_frame);
	CU_add_test(s, "abortive_close_drops_frames_held_for_arp",
		test_abortive_close_drops_frames_held_for_arp);
	CU_add_test(s, "arp_unanswered_gives_up_after_three_requests",
		test_arp_unanswered_gives_up_after_three_requests);
	return 0;
}
