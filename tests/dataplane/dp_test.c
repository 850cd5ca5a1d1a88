/* SPDX-License-Identifier: BSD-3-Clause */
/* Harness for dataplane tests (see dp_test.h). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_arp.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "dp.h"
#include "dp_core.h"
#include "dp_sock.h"
#include "dp_test.h"
#include "dp_tsan.h"
#include "frame.h"
#include "wt.h"

const struct rte_ether_addr dp_test_peer_mac = {
	.addr_bytes = { 0x02, 0x00, 0xc6, 0x12, 0x00, 0x01 } };

static struct rte_ring *ring_in[2], *ring_out[2];
static unsigned int nb_queues;
static struct rte_mempool *pool;
static struct rte_ether_addr stack_mac;

int
dp_test_start(const char *name, unsigned int nq)
{
	return dp_test_start_conf(name, nq, NULL);
}

int
dp_test_start_conf(const char *name, unsigned int nq,
		void (*tweak)(struct dp_conf *c))
{
	struct dp_conf c;
	char rname[64];
	struct dp_engine *eng;
	struct rte_mbuf *m;

	if (wt_hugepages_reserve(64) != 0 || nq == 0 || nq > 2)
		return -1;
	dp_conf_defaults(&c);
	snprintf(c.device, sizeof(c.device), "pair:%s", name);
	c.nb_mbufs = 4095;
	c.log_level = DP_LOG_WARNING;
	/* Two lcores need two CPUs; they may share them with the test. */
	c.nb_lcores = nq;
	for (unsigned int i = 0; i < nq; i++)
		c.lcore_cpus[i] = (uint16_t)(dp_test_cpus() - nq + i);
	if (tweak != NULL)
		tweak(&c);
	if (dp_start(&c) != 0) {
		fprintf(stderr, "FAIL: dp_start on pair:%s\n", name);
		return -1;
	}
	nb_queues = nq;
	for (unsigned int q = 0; q < nq; q++) {
		snprintf(rname, sizeof(rname), nq == 1 ? "%s_in" : "%s_in%u",
			name, q);
		ring_in[q] = rte_ring_lookup(rname);
		snprintf(rname, sizeof(rname), nq == 1 ? "%s_out" :
			"%s_out%u", name, q);
		ring_out[q] = rte_ring_lookup(rname);
		if (ring_in[q] == NULL || ring_out[q] == NULL) {
			fprintf(stderr, "FAIL: pair rings not found\n");
			return -1;
		}
	}
	pool = rte_mempool_lookup("wspdk_mbuf");
	eng = dp_engine_get();
	if (eng == NULL || pool == NULL) {
		if (eng != NULL)
			dp_engine_put();
		fprintf(stderr, "FAIL: engine or pool not found\n");
		return -1;
	}
	stack_mac = eng->mac;
	dp_engine_put();
	/* The stack announces itself when lcore 0 starts (RFC 5227);
	 * take that frame out of the way of the first test. */
	m = dp_test_recv(2000);
	if (m == NULL) {
		fprintf(stderr, "FAIL: no gratuitous ARP at start\n");
		return -1;
	}
	rte_pktmbuf_free(m);
	return 0;
}

unsigned int
dp_test_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (unsigned int)n : 1;
}

void
dp_test_stop(void)
{
	dp_test_drain();
	dp_stop();
}

const struct rte_ether_addr *
dp_test_mac(void)
{
	return &stack_mac;
}

void
dp_test_stats(struct dp_stats *s)
{
	struct dp_engine *eng = dp_engine_get();

	memset(s, 0, sizeof(*s));
	if (eng == NULL)
		return;
	dp_stats_sum(eng, s);
	dp_engine_put();
}

void
dp_test_inject(const void *frame, uint16_t len)
{
	dp_test_inject_q(0, frame, len);
}

static void
inject(unsigned int q, const void *frame, uint16_t len, uint64_t ol_flags)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	char *p;

	if (m == NULL)
		return;
	p = rte_pktmbuf_append(m, len);
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return;
	}
	memcpy(p, frame, len);
	m->ol_flags |= ol_flags;
	DP_TSAN_RELEASE(pool);	/* the ring PMD hands it to an lcore */
	if (rte_ring_enqueue(ring_in[q], m) != 0)
		rte_pktmbuf_free(m);
}

unsigned int
dp_test_rss_queue(const void *frame)
{
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)
		((const uint8_t *)frame + sizeof(struct rte_ether_hdr));
	const rte_be16_t *ports = (const rte_be16_t *)(ip + 1);
	struct dp_engine *eng = dp_engine_get();
	unsigned int q = 0;

	if (eng == NULL)
		return 0;
	if (dp_rss_on(&eng->rss))
		q = dp_rss_queue(&eng->rss, rte_be_to_cpu_32(ip->src_addr),
			rte_be_to_cpu_32(ip->dst_addr),
			rte_be_to_cpu_16(ports[0]), rte_be_to_cpu_16(ports[1]));
	dp_engine_put();
	return q;
}

void
dp_test_inject_q(unsigned int q, const void *frame, uint16_t len)
{
	inject(q, frame, len, 0);
}

static void
inject_wait(unsigned int q, const void *frame, uint16_t len,
		uint64_t ol_flags)
{
	struct dp_stats s;
	uint64_t before;

	dp_test_stats(&s);
	before = s.rx_pkts;
	inject(q, frame, len, ol_flags);
	for (int i = 0; i < 2000; i++) {
		dp_test_stats(&s);
		if (s.rx_pkts > before)
			break;
		wt_sleep_ms(1);
	}
	/* A little longer, so the frame's consequences (replies, hand-overs
	 * to lcore 0) are out. */
	wt_sleep_ms(nb_queues > 1 ? 10 : 2);
}

void
dp_test_inject_wait_q(unsigned int q, const void *frame, uint16_t len)
{
	inject_wait(q, frame, len, 0);
}

void
dp_test_inject_wait(const void *frame, uint16_t len)
{
	inject_wait(0, frame, len, 0);
}

void
dp_test_inject_wait_flags(const void *frame, uint16_t len, uint64_t ol_flags)
{
	inject_wait(0, frame, len, ol_flags);
}

struct rte_mbuf *
dp_test_recv_q(unsigned int ms, unsigned int *q)
{
	struct rte_mbuf *m;

	for (unsigned int i = 0; i <= ms; i++) {
		for (unsigned int k = 0; k < nb_queues; k++) {
			if (rte_ring_dequeue(ring_out[k], (void **)&m) == 0) {
				/* Sent by an lcore through the ring PMD. */
				DP_TSAN_ACQUIRE(pool);
				if (q != NULL)
					*q = k;
				return m;
			}
		}
		wt_sleep_ms(1);
	}
	return NULL;
}

struct rte_mbuf *
dp_test_recv(unsigned int ms)
{
	return dp_test_recv_q(ms, NULL);
}

void
dp_test_drain(void)
{
	struct rte_mbuf *m;

	for (unsigned int k = 0; k < nb_queues; k++)
		while (rte_ring_dequeue(ring_out[k], (void **)&m) == 0) {
			/* As dp_test_recv_q: the lcore released it into the
			 * ring PMD, uninstrumented. */
			DP_TSAN_ACQUIRE(pool);
			rte_pktmbuf_free(m);
		}
}

void
dp_test_learn_peer(void)
{
	static const struct rte_ether_addr zero;
	static const struct rte_ether_addr bcast = {
		.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	uint8_t f[64];
	uint16_t len;

	len = dp_test_arp(f, RTE_ARP_OP_REQUEST, &bcast, &dp_test_peer_mac,
		DP_TEST_PEER, &zero, DP_TEST_IP);
	dp_test_inject_wait(f, len);
	dp_test_drain();
}

struct rte_ipv4_hdr *
dp_test_ipv4(uint8_t *buf, const struct rte_ether_addr *dst, uint32_t src,
		uint32_t dst_ip, uint8_t proto, uint16_t l4_len)
{
	return frame_ipv4(buf, dst, &dp_test_peer_mac, src, dst_ip, proto,
		l4_len);
}

uint16_t
dp_test_arp(uint8_t *buf, uint16_t op, const struct rte_ether_addr *eth_dst,
		const struct rte_ether_addr *sha, uint32_t sip,
		const struct rte_ether_addr *tha, uint32_t tip)
{
	return frame_arp(buf, op, eth_dst, sha, sip, tha, tip);
}

uint16_t
dp_test_echo(uint8_t *buf, uint32_t src, uint32_t dst, uint16_t id,
		uint16_t seq, uint16_t n)
{
	return frame_echo(buf, dp_test_mac(), &dp_test_peer_mac, src, dst, id,
		seq, n);
}

struct dp_lcore *
dp_test_lcore(unsigned int i)
{
	struct dp_engine *eng = dp_engine_get();
	struct dp_lcore *lc = NULL;

	if (eng == NULL)
		return NULL;
	if (i < eng->nb_lcores)
		lc = eng->lcores[i];
	dp_engine_put();
	return lc;
}

struct dp_sock *
dp_test_udp_bound(uint16_t port, unsigned int ms)
{
	struct dp_addr a = { .ip = DP_TEST_IP, .port = port };
	struct dp_sock *s = NULL;

	if (dp_sock_create(17, &s) != 0)
		return NULL;
	if (dp_sock_bind(s, &a) != 0 ||
			dp_sock_set_opt(s, DP_OPT_RCVTIMEO, ms) != 0) {
		dp_sock_close(s, DP_CLOSE_ABORT);
		return NULL;
	}
	return s;
}
