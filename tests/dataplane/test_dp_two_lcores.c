/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Two lcores, two queue pairs: whatever queue a frame arrives on, ARP and
 * IGMP state has one writer (lcore 0) and replies still go out. On a NIC
 * RSS picks the queue; here the test does.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <rte_arp.h>
#include <rte_icmp.h>
#include <rte_ip.h>

#include "wt.h"

#include "dp_sock.h"
#include "dp_sock_priv.h"
#include "dp_test.h"
#include "test_dp.h"

static const struct rte_ether_addr bcast = {
	.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
static const struct rte_ether_addr zero;

static uint16_t
ether_type(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->ether_type;
}

/* An ARP request on lcore 1's queue is handed to lcore 0 and answered. */
static void
test_arp_on_second_lcore_is_answered(void)
{
	uint8_t f[64];
	struct rte_mbuf *m;
	uint16_t len;

	dp_test_drain();
	len = dp_test_arp(f, RTE_ARP_OP_REQUEST, &bcast, &dp_test_peer_mac,
		DP_TEST_PEER, &zero, DP_TEST_IP);
	dp_test_inject_wait_q(1, f, len);
	m = dp_test_recv(500);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(ether_type(m), RTE_BE16(RTE_ETHER_TYPE_ARP));
	CU_ASSERT_EQUAL(rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *,
		14)->arp_opcode, RTE_BE16(RTE_ARP_OP_REPLY));
	rte_pktmbuf_free(m);
}

/* An echo on lcore 1's queue is answered by lcore 1 from the cache lcore
 * 0 filled. */
static void
test_echo_on_second_lcore_is_answered_there(void)
{
	uint8_t f[256];
	struct rte_mbuf *m;
	unsigned int q = 9;

	dp_test_drain();
	dp_test_inject_wait_q(1, f, dp_test_echo(f, DP_TEST_PEER, DP_TEST_IP,
		1, 1, 32));
	m = dp_test_recv_q(500, &q);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(q, 1);
	CU_ASSERT_EQUAL(ether_type(m), RTE_BE16(RTE_ETHER_TYPE_IPV4));
	rte_pktmbuf_free(m);
}

/* A reply lcore 1 cannot address waits on lcore 1 while lcore 0
 * resolves the host (its request leaves by queue 0); when the (also
 * handed over) ARP reply arrives, lcore 1 sends it by its own queue. */
static void
test_resolution_for_second_lcore_sends_from_it(void)
{
	const uint32_t host = DP_TEST_IP4(198, 18, 0, 60);
	const struct rte_ether_addr host_mac = {
		.addr_bytes = { 0x02, 0, 0, 0, 0, 0x60 } };
	uint8_t f[256];
	struct rte_mbuf *m;
	unsigned int q = 9;
	struct dp_stats s;

	dp_test_drain();
	dp_test_inject_wait_q(1, f, dp_test_echo(f, host, DP_TEST_IP, 2, 2,
		32));
	m = dp_test_recv_q(500, &q);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(q, 0);
	CU_ASSERT_EQUAL(ether_type(m), RTE_BE16(RTE_ETHER_TYPE_ARP));
	rte_pktmbuf_free(m);
	dp_test_inject_wait_q(1, f, dp_test_arp(f, RTE_ARP_OP_REPLY,
		dp_test_mac(), &host_mac, host, dp_test_mac(), DP_TEST_IP));
	m = dp_test_recv_q(500, &q);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(q, 1);
	CU_ASSERT_EQUAL(ether_type(m), RTE_BE16(RTE_ETHER_TYPE_IPV4));
	CU_ASSERT(rte_is_same_ether_addr(&rte_pktmbuf_mtod(m,
		struct rte_ether_hdr *)->dst_addr, &host_mac));
	rte_pktmbuf_free(m);
	dp_test_stats(&s);
	CU_ASSERT_EQUAL(s.arp_redirect_full, 0);
}

/* A socket the round robin gives to lcore id. */
static struct dp_sock *
sock_on_lcore(unsigned int id)
{
	struct dp_sock *s[4];
	struct dp_sock *found = NULL;

	for (int i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL_FATAL(dp_sock_create(IPPROTO_UDP, &s[i]), 0);
		if (found == NULL && s[i]->owner->id == id)
			found = s[i];
		else
			dp_sock_close(s[i], DP_CLOSE_ABORT);
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(found);
	return found;
}

/* UDP frames the stack sent to host, drained until none came for ms. */
static unsigned int
count_udp_out(uint32_t host, unsigned int ms)
{
	unsigned int n = 0;
	struct rte_mbuf *m;

	while ((m = dp_test_recv(ms)) != NULL) {
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m,
			struct rte_ipv4_hdr *, sizeof(struct rte_ether_hdr));

		if (ether_type(m) == RTE_BE16(RTE_ETHER_TYPE_IPV4) &&
				ip->next_proto_id == IPPROTO_UDP &&
				ip->dst_addr == rte_cpu_to_be_32(host))
			n++;
		rte_pktmbuf_free(m);
	}
	return n;
}

/*
 * A socket owned by lcore 1 sends to a neighbour being resolved until
 * the neighbour's hold is full: its sends then wait (EAGAIN), nothing is
 * dropped, and once the neighbour answers every datagram accepted goes
 * out. (Frames handed to lcore 0 for resolution were dropped when its
 * queue was full: only lcore 0's own sockets could wait.)
 */
static void
test_second_lcore_socket_waits_for_arp_without_loss(void)
{
	const uint32_t host = DP_TEST_IP4(198, 18, 0, 70);
	const struct rte_ether_addr host_mac = {
		.addr_bytes = { 0x02, 0, 0, 0, 0, 0x70 } };
	struct dp_sock *s = sock_on_lcore(1);
	struct dp_addr to = { host, 9 };
	struct dp_iov iov = { (void *)"d", 1 };
	struct dp_sock_stats st;
	struct dp_stats a, b;
	unsigned int accepted = 0, out;
	uint8_t f[64];

	dp_test_drain();
	dp_test_stats(&a);
	/* Bounded: a socket whose frames are dropped never waits. */
	for (int idle = 0; idle < 3 && accepted < 20000; ) {
		if (dp_sock_send(s, &iov, 1, &to, DP_F_NONBLOCK) == 1) {
			accepted++;
			idle = 0;
			continue;
		}
		idle++;
		wt_sleep_ms(20);
	}
	dp_test_stats(&b);
	dp_sock_stats_get(s, &st);
	CU_ASSERT(accepted > 0);
	CU_ASSERT_EQUAL(st.drop_no_arp, 0);
	CU_ASSERT_EQUAL(b.arp_queue_full - a.arp_queue_full, 0);
	dp_test_drain();	/* the ARP requests */
	dp_test_inject_wait_q(1, f, dp_test_arp(f, RTE_ARP_OP_REPLY,
		dp_test_mac(), &host_mac, host, dp_test_mac(), DP_TEST_IP));
	out = count_udp_out(host, 200);
	printf("\n    %u accepted, %u sent\n", accepted, out);
	CU_ASSERT_EQUAL(out, accepted);
	dp_sock_stats_get(s, &st);
	CU_ASSERT_EQUAL(st.drop_no_arp, 0);
	CU_ASSERT_EQUAL(st.tx_dgrams, accepted);
	dp_sock_close(s, DP_CLOSE_GRACEFUL);
}

/* Stopping two lcores returns every mbuf. */
static void
test_two_lcores_stop_returns_every_mbuf(void)
{
	struct dp_lifecycle lc;

	dp_test_stop();
	dp_lifecycle_get(&lc);
	CU_ASSERT_EQUAL(lc.mbufs_lost, 0);
}

int
main(void)
{
	CU_pSuite s;
	unsigned int failed;

	if (dp_test_cpus() < 2) {
		fprintf(stderr, "FAIL: two lcores need two CPUs\n");
		return 1;
	}
	if (dp_test_start("t2", 2) != 0)
		return 1;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("dp_two_lcores", NULL, NULL);
	CU_add_test(s, "arp_on_second_lcore_is_answered",
		test_arp_on_second_lcore_is_answered);
	CU_add_test(s, "echo_on_second_lcore_is_answered_there",
		test_echo_on_second_lcore_is_answered_there);
	CU_add_test(s, "resolution_for_second_lcore_sends_from_it",
		test_resolution_for_second_lcore_sends_from_it);
	CU_add_test(s, "second_lcore_socket_waits_for_arp_without_loss",
		test_second_lcore_socket_waits_for_arp_without_loss);
	CU_add_test(s, "two_lcores_stop_returns_every_mbuf",
		test_two_lcores_stop_returns_every_mbuf);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}
