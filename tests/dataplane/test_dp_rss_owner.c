/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Two lcores on a port with two queues whose far end (this test) plays a
 * NIC with RSS: a connected socket lives on the lcore its flow hashes
 * to, and its datagrams are taken in there, never off its owner.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <rte_ip.h>
#include <rte_udp.h>


#include "dp_sock.h"
#include "dp_sock_priv.h"
#include "dp_test.h"
#include "test_dp.h"
#include "wt.h"
#include "wt_run.h"

#define NB_DGRAMS	16

static struct dp_lcore *
owner_of(struct dp_sock *s)
{
	return __atomic_load_n(&s->owner, __ATOMIC_ACQUIRE);
}

static struct dp_engine *
engine(void)
{
	struct dp_engine *eng = dp_engine_get();

	/* Running until the last case: the pointer outlives the hold. */
	CU_ASSERT_PTR_NOT_NULL_FATAL(eng);
	dp_engine_put();
	return eng;
}

/* A socket the round robin gives to lcore id. */
static struct dp_sock *
sock_on_lcore(unsigned int id)
{
	struct dp_sock *s[4];
	struct dp_sock *found = NULL;

	for (int i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL_FATAL(dp_sock_create(IPPROTO_UDP, &s[i]), 0);
		if (found == NULL && owner_of(s[i])->id == id)
			found = s[i];
		else
			dp_sock_close(s[i], DP_CLOSE_ABORT);
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(found);
	return found;
}

/* A peer port whose flow with our lport arrives on lcore `want`. */
static uint16_t
peer_port_for(uint16_t lport, unsigned int want)
{
	struct dp_engine *eng = engine();

	for (uint16_t rp = 5000; rp < 6000; rp++)
		if (dp_rss_lcore(eng, DP_TEST_IP, lport, DP_TEST_PEER,
				rp)->id == want)
			return rp;
	CU_FAIL_FATAL("no peer port");
	return 0;
}

static uint16_t
udp_from_peer(uint8_t *f, uint16_t sport, uint16_t dport, uint16_t n)
{
	struct rte_ipv4_hdr *ip = dp_test_ipv4(f, dp_test_mac(), DP_TEST_PEER,
		DP_TEST_IP, IPPROTO_UDP, (uint16_t)(sizeof(struct rte_udp_hdr) +
		n));
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);

	udp->src_port = rte_cpu_to_be_16(sport);
	udp->dst_port = rte_cpu_to_be_16(dport);
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(sizeof(*udp) + n));
	udp->dgram_cksum = 0;
	memset(udp + 1, 'r', n);
	udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
	return (uint16_t)(sizeof(struct rte_ether_hdr) + sizeof(*ip) +
		sizeof(*udp) + n);
}

static uint64_t
lcore_rx(unsigned int id)
{
	struct dp_stats st;

	dp_stats_read(&engine()->lcores[id]->stats, &st);
	return st.rx_pkts;
}

/* Datagrams readable on s within ms, each read. */
static unsigned int
read_all(struct dp_sock *s, unsigned int ms)
{
	char buf[64];
	struct dp_iov iov = { buf, sizeof(buf) };
	unsigned int n = 0;

	while (dp_sock_wait(s, DP_EV_READ, (int64_t)ms * 1000) == 0 &&
			dp_sock_recv(s, &iov, 1, NULL, NULL, DP_F_NONBLOCK) > 0)
		n++;
	return n;
}

/* An unbound socket that connects keeps its lcore: its ephemeral port
 * is one whose flow hashes there. */
static void
test_unbound_connect_picks_port_hashing_to_owner(void)
{
	struct dp_engine *eng = engine();

	for (unsigned int id = 0; id < 2; id++) {
		for (uint16_t k = 0; k < 8; k++) {
			struct dp_sock *s = sock_on_lcore(id);
			struct dp_addr peer = { DP_TEST_PEER,
				(uint16_t)(7000 + k) }, me;

			CU_ASSERT_EQUAL(dp_sock_connect(s, &peer), 0);
			CU_ASSERT_EQUAL(dp_sock_name(s, &me), 0);
			CU_ASSERT_EQUAL(owner_of(s)->id, id);
			CU_ASSERT_PTR_EQUAL(dp_rss_lcore(eng, DP_TEST_IP,
				me.port, peer.ip, peer.port), owner_of(s));
			dp_sock_close(s, DP_CLOSE_ABORT);
		}
	}
}

/*
 * A socket bound to a port, connecting to a flow that hashes to the
 * other lcore, is handed over: owner calls then reach the new owner and
 * its datagrams leave by the new owner's queue.
 */
static void
test_bound_connect_moves_to_flow_lcore(void)
{
	struct dp_sock *s = sock_on_lcore(0);
	struct dp_addr me = { 0, 7100 }, peer = { DP_TEST_PEER, 0 };
	struct dp_iov iov = { (void *)"m", 1 };
	struct rte_mbuf *m;
	unsigned int q = 9;
	int64_t v = 0;

	dp_test_learn_peer();
	CU_ASSERT_EQUAL_FATAL(dp_sock_bind(s, &me), 0);
	peer.port = peer_port_for(me.port, 1);
	CU_ASSERT_EQUAL(dp_sock_connect(s, &peer), 0);
	CU_ASSERT_EQUAL(owner_of(s)->id, 1);
	CU_ASSERT_EQUAL(dp_sock_set_opt(s, DP_OPT_TTL, 33), 0);
	CU_ASSERT_EQUAL(dp_sock_get_opt(s, DP_OPT_TTL, &v), 0);
	CU_ASSERT_EQUAL(v, 33);
	CU_ASSERT_EQUAL(dp_sock_send(s, &iov, 1, NULL, 0), 1);
	m = dp_test_recv_q(500, &q);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(q, 1);
	CU_ASSERT_EQUAL(rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *,
		sizeof(struct rte_ether_hdr))->time_to_live, 33);
	rte_pktmbuf_free(m);
	dp_sock_close(s, DP_CLOSE_GRACEFUL);
}

/* A socket that has sent stays where it is when it connects (its
 * frames may still be on its owner); connect still succeeds. */
static void
test_socket_that_sent_stays_on_connect(void)
{
	struct dp_sock *s = sock_on_lcore(0);
	struct dp_addr to = { DP_TEST_PEER, 9 }, me, peer = { DP_TEST_PEER,
		0 };
	struct dp_iov iov = { (void *)"s", 1 };

	dp_test_learn_peer();
	CU_ASSERT_EQUAL_FATAL(dp_sock_send(s, &iov, 1, &to, 0), 1);
	CU_ASSERT_EQUAL_FATAL(dp_sock_name(s, &me), 0);
	peer.port = peer_port_for(me.port, 1);
	CU_ASSERT_EQUAL(dp_sock_connect(s, &peer), 0);
	CU_ASSERT_EQUAL(owner_of(s)->id, 0);
	dp_test_drain();
	dp_sock_close(s, DP_CLOSE_ABORT);
}

/*
 * The test, as a NIC, puts each datagram of a connected flow on the
 * queue its hash picks: all arrive on the owner's lcore, none off it.
 * One put on the other queue is still delivered, and counted.
 */
static void
test_connected_flow_is_received_on_owner(void)
{
	for (unsigned int id = 0; id < 2; id++) {
		struct dp_sock *s = sock_on_lcore(id);
		struct dp_addr peer = { DP_TEST_PEER, 7200 }, me;
		struct dp_stats a, b;
		uint64_t rx_own, rx_other;
		uint8_t f[128];
		uint16_t len;
		unsigned int q;

		CU_ASSERT_EQUAL_FATAL(dp_sock_connect(s, &peer), 0);
		CU_ASSERT_EQUAL_FATAL(dp_sock_name(s, &me), 0);
		len = udp_from_peer(f, peer.port, me.port, 8);
		q = dp_test_rss_queue(f);
		CU_ASSERT_EQUAL(q, id);
		dp_test_stats(&a);
		rx_own = lcore_rx(id);
		rx_other = lcore_rx(1 - id);
		for (int i = 0; i < NB_DGRAMS; i++)
			dp_test_inject_q(q, f, len);
		CU_ASSERT_EQUAL(read_all(s, 200), NB_DGRAMS);
		dp_test_stats(&b);
		CU_ASSERT_EQUAL(b.sock_rx_off_owner - a.sock_rx_off_owner, 0);
		CU_ASSERT_EQUAL(lcore_rx(id) - rx_own, NB_DGRAMS);
		CU_ASSERT_EQUAL(lcore_rx(1 - id) - rx_other, 0);
		dp_test_inject_wait_q(1 - q, f, len);
		CU_ASSERT_EQUAL(read_all(s, 200), 1);
		dp_test_stats(&b);
		CU_ASSERT_EQUAL(b.sock_rx_off_owner - a.sock_rx_off_owner, 1);
		dp_sock_close(s, DP_CLOSE_ABORT);
	}
}

/* Stopping returns every mbuf. */
static void
test_rss_owner_stop_returns_every_mbuf(void)
{
	struct dp_lifecycle lc;

	dp_test_stop();
	dp_lifecycle_get(&lc);
	CU_ASSERT_EQUAL(lc.mbufs_lost, 0);
}

static const struct wt_test tests[] = {
	WT_TEST(test_unbound_connect_picks_port_hashing_to_owner),
	WT_TEST(test_bound_connect_moves_to_flow_lcore),
	WT_TEST(test_socket_that_sent_stays_on_connect),
	WT_TEST(test_connected_flow_is_received_on_owner),
	WT_TEST(test_rss_owner_stop_returns_every_mbuf),
	WT_TEST_END
};

static const struct wt_suite suite = {
	.name = "dp_rss_owner",
	.tests = tests,
};

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = { &suite, NULL };
	struct dp_engine *eng;
	bool on;

	if (dp_test_cpus() < 2) {
		fprintf(stderr, "FAIL: two lcores need two CPUs\n");
		return 1;
	}
	if (dp_test_start("rs", 2) != 0)
		return 1;
	eng = dp_engine_get();
	on = eng != NULL && dp_rss_on(&eng->rss);
	if (eng != NULL)
		dp_engine_put();
	if (!on) {
		fprintf(stderr, "FAIL: a two-queue pair port places flows\n");
		return 1;
	}
	return wt_run_suites(argc, argv, suites);
}
