/* SPDX-License-Identifier: BSD-3-Clause */
/* The unit tests' driven engine (see ut.h). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "dp_os.h"
#include "ut.h"

#define UT_NQ_MAX	2
#define SETTLE_ROUNDS	64
#define SETTLE_STEP_US	100000	/* ARP gives up after 3 s */

const struct rte_ether_addr ut_peer_mac = {
	.addr_bytes = { 0x02, 0x00, 0xc6, 0x12, 0x00, 0x01 } };

static struct dp_engine *eng;
static struct rte_ring *wire_in[UT_NQ_MAX], *wire_out[UT_NQ_MAX];
static unsigned int nq;
static uint64_t vnow;			/* the lcores' clock, TSC */
static uint64_t lost_before;		/* mbufs_lost at the start */

static void
defaults(struct dp_conf *c, unsigned int n)
{
	dp_conf_defaults(c);
	/*
	 * No hugepages, no PCI bus, no telemetry socket, a prefix of our
	 * own: any user may run it and nothing on the machine is touched.
	 * The provider's EAL checks refuse --in-memory (it keeps hugepages
	 * until exit); with --no-huge our own --no-shconf does its job:
	 * no file is created, the runtime directory goes at exit.
	 */
	snprintf(c->eal_args, sizeof(c->eal_args), "--no-huge -m 256 "
		"--no-telemetry --file-prefix=wspdkut%ld", (long)getpid());
	snprintf(c->device, sizeof(c->device), "pair:ut");
	c->nb_lcores = n;
	for (unsigned int i = 0; i < n; i++)
		c->lcore_cpus[i] = (uint16_t)(i % dp_os_cpu_count());
	c->gateway = UT_GATEWAY;
	c->static_arp[0].ip = UT_PEER;
	memcpy(c->static_arp[0].mac, ut_peer_mac.addr_bytes, 6);
	c->nb_static_arp = 1;
	c->nb_mbufs = 2047;
	c->cleanup_ms = 0;		/* a driven engine never drains alone */
	c->log_level = DP_LOG_ERR;
}

int
ut_start(unsigned int n, ut_tune_fn *tune)
{
	struct dp_lifecycle lc;
	struct dp_conf c;
	char name[32];

	if (n == 0 || n > UT_NQ_MAX || eng != NULL)
		return -1;
	defaults(&c, n);
	if (tune != NULL)
		tune(&c);
	eng = dp_start_driven(&c);
	if (eng == NULL) {
		fprintf(stderr, "ut: dp_start_driven failed\n");
		return -1;
	}
	/* What the suite promises, checked rather than assumed: the PCI bus
	 * off (--no-pci, a hard rule), no hugepage taken. */
	if (rte_eal_has_pci() != 0 || rte_eal_has_hugepages() != 0) {
		fprintf(stderr, "ut: EAL has the PCI bus or hugepages\n");
		return -1;
	}
	nq = n;
	for (unsigned int q = 0; q < nq; q++) {
		snprintf(name, sizeof(name), nq == 1 ? "ut_in" : "ut_in%u", q);
		wire_in[q] = rte_ring_lookup(name);
		snprintf(name, sizeof(name), nq == 1 ? "ut_out" : "ut_out%u",
			q);
		wire_out[q] = rte_ring_lookup(name);
		if (wire_in[q] == NULL || wire_out[q] == NULL) {
			fprintf(stderr, "ut: pair rings not found\n");
			return -1;
		}
	}
	dp_lifecycle_get(&lc);
	lost_before = lc.mbufs_lost;
	vnow = rte_rdtsc();
	if (ut_settle() != 0)
		return -1;
	ut_sent_drop();		/* the announcement (RFC 5227) */
	return 0;
}

int
ut_stop(void)
{
	struct dp_lifecycle lc;
	int ret = 0;

	if (eng == NULL)
		return 0;
	if (ut_settle() != 0)
		ret = -1;
	ut_sent_drop();
	dp_stop();
	eng = NULL;
	dp_lifecycle_get(&lc);
	if (lc.mbufs_lost != lost_before) {
		fprintf(stderr, "ut: %llu mbufs not returned at stop\n",
			(unsigned long long)(lc.mbufs_lost - lost_before));
		ret = -1;
	}
	return ret;
}

int
ut_suite_init(void)
{
	return ut_start(1, NULL);
}

int
ut_suite_clean(void)
{
	return ut_stop();
}

struct dp_engine *
ut_eng(void)
{
	return eng;
}

void
ut_step(void)
{
	for (unsigned int i = 0; i < eng->nb_lcores; i++)
		dp_lcore_step(eng->lcores[i], vnow);
}

void
ut_advance_us(uint64_t us)
{
	vnow += eng->tsc_hz / 1000000 * us;
}

uint64_t
ut_now_us(void)
{
	return eng->lcores[0]->now_us;
}

static bool
quiet(void)
{
	for (unsigned int i = 0; i < eng->nb_lcores; i++)
		if (!rte_ring_empty(eng->lcores[i]->redirect) ||
				!rte_ring_empty(wire_in[i]))
			return false;
	return dp_engine_flushed(eng);
}

void
ut_case_end(void)
{
	CU_ASSERT_EQUAL(ut_settle(), 0);
	ut_sent_drop();
	CU_ASSERT_EQUAL(ut_mbufs_in_use(), 0);
}

int
ut_settle(void)
{
	for (int i = 0; i < SETTLE_ROUNDS; i++) {
		ut_step();
		if (quiet())
			return 0;
		ut_advance_us(SETTLE_STEP_US);
	}
	fprintf(stderr, "ut: the engine did not settle\n");
	return -1;
}

void
ut_inject(unsigned int q, const void *frame, uint16_t len, uint64_t ol_flags)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(eng->mp);
	char *p = m == NULL ? NULL : rte_pktmbuf_append(m, len);

	if (p == NULL) {
		rte_pktmbuf_free(m);
		return;
	}
	memcpy(p, frame, len);
	m->ol_flags |= ol_flags;
	if (rte_ring_enqueue(wire_in[q], m) != 0)
		rte_pktmbuf_free(m);
}

void
ut_inject_split(unsigned int q, const void *frame, uint16_t len, uint16_t at)
{
	struct rte_mbuf *a = rte_pktmbuf_alloc(eng->mp);
	struct rte_mbuf *b = rte_pktmbuf_alloc(eng->mp);
	char *pa = a == NULL ? NULL : rte_pktmbuf_append(a, at);
	char *pb = b == NULL ? NULL : rte_pktmbuf_append(b,
		(uint16_t)(len - at));

	if (pa == NULL || pb == NULL || rte_pktmbuf_chain(a, b) != 0) {
		rte_pktmbuf_free(a);
		rte_pktmbuf_free(b);
		CU_FAIL("no mbufs for a chained frame");
		return;
	}
	memcpy(pa, frame, at);
	memcpy(pb, (const char *)frame + at, len - at);
	if (rte_ring_enqueue(wire_in[q], a) != 0)
		rte_pktmbuf_free(a);
}

void
ut_inject_mbuf(unsigned int q, struct rte_mbuf *m)
{
	if (rte_ring_enqueue(wire_in[q], m) != 0)
		rte_pktmbuf_free(m);
}

void
ut_deliver(const void *frame, uint16_t len)
{
	ut_inject(0, frame, len, 0);
	ut_settle();
}

struct rte_mbuf *
ut_sent(unsigned int *q)
{
	struct rte_mbuf *m;

	for (unsigned int k = 0; k < nq; k++) {
		if (rte_ring_dequeue(wire_out[k], (void **)&m) == 0) {
			if (q != NULL)
				*q = k;
			return m;
		}
	}
	return NULL;
}

unsigned int
ut_sent_drop(void)
{
	struct rte_mbuf *m;
	unsigned int n = 0;

	while ((m = ut_sent(NULL)) != NULL) {
		rte_pktmbuf_free(m);
		n++;
	}
	return n;
}

struct rte_ipv4_hdr *
ut_ip_of(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *,
		sizeof(struct rte_ether_hdr));
}

uint16_t
ut_ether_type(struct rte_mbuf *m)
{
	return rte_be_to_cpu_16(rte_pktmbuf_mtod(m,
		struct rte_ether_hdr *)->ether_type);
}

unsigned int
ut_mbufs_in_use(void)
{
	return rte_mempool_in_use_count(eng->mp) - dp_mcache_held(eng);
}

void
ut_stats(struct dp_stats *s)
{
	dp_stats_sum(eng, s);
}

struct dp_sock *
ut_sock(int proto, uint32_t ip, uint16_t port)
{
	struct dp_addr a = { ip, port };
	struct dp_sock *s;

	CU_ASSERT_EQUAL_FATAL(dp_sock_create(proto, &s), 0);
	CU_ASSERT_EQUAL_FATAL(dp_sock_bind(s, &a), 0);
	return s;
}

long
ut_send(struct dp_sock *s, uint32_t ip, uint16_t port, const void *buf,
		size_t n)
{
	struct dp_addr to = { ip, port };
	struct dp_iov iov = { (void *)(uintptr_t)buf, n };

	return dp_sock_send(s, &iov, 1, ip == 0 ? NULL : &to, DP_F_NONBLOCK);
}

long
ut_recv(struct dp_sock *s, void *buf, size_t len, struct dp_addr *from,
		size_t *full_len, int flags)
{
	struct dp_iov iov = { buf, len };

	return dp_sock_recv(s, &iov, 1, from, full_len, flags | DP_F_NONBLOCK);
}

void
ut_expect_dgram(struct dp_sock *s, const char *want, int flags)
{
	char buf[64];

	memset(buf, 0, sizeof(buf));
	CU_ASSERT_EQUAL(ut_recv(s, buf, sizeof(buf) - 1, NULL, NULL, flags),
		(long)strlen(want));
	CU_ASSERT_STRING_EQUAL(buf, want);
}

void
ut_expect_empty(struct dp_sock *s)
{
	char buf[64];

	CU_ASSERT_EQUAL(ut_recv(s, buf, sizeof(buf), NULL, NULL, 0), -EAGAIN);
}

void
ut_expect_drained_close(struct dp_sock *s, unsigned int base)
{
	ut_expect_empty(s);
	CU_ASSERT_EQUAL(dp_sock_rx_bytes(s), 0);
	CU_ASSERT_EQUAL(ut_mbufs_in_use(), base);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

void
ut_close_all(struct dp_sock **s, int n, unsigned int base)
{
	CU_ASSERT_EQUAL(ut_mbufs_in_use(), base);
	for (int i = 0; i < n; i++)
		dp_sock_close(s[i], DP_CLOSE_ABORT);
	ut_settle();
	ut_sent_drop();
}

uint16_t
ut_udp_frame(uint8_t *buf, uint32_t src, uint16_t sport, uint32_t dst,
		uint16_t dport, const void *payload, uint16_t n,
		enum frame_csum c)
{
	return frame_udp(buf, &eng->mac, &ut_peer_mac, src, sport, dst, dport,
		payload, n, c);
}
