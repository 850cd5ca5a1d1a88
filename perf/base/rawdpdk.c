/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rawdpdk: the raw-DPDK floors the provider is compared with (no stack,
 * no sockets, one thread).
 *
 *   rawdpdk --mode ring  [opts] -- EAL args
 *       rte_eth_from_rings port whose TX ring is its RX ring (what
 *       WSPDK_DEVICE=loop is): tx_burst -> rx_burst twice per round trip,
 *       the same two traversals as the provider's loop round trip.
 *   rawdpdk --mode memif [opts] -- EAL args with --vdev net_memif0,...
 *       one frame at a time to a reflector (testpmd 5tswap) and back.
 *   rawdpdk --mode cycle [opts] -- EAL args (two lcores)
 *       the provider's device cycle without the provider: mbuf pool,
 *       ring port, configure, start, launch a poll loop on a worker lcore,
 *       stop it, stop/close/remove the port, free ring and pool.
 *
 * Frames have the provider's wire size for a 64-byte payload (106 bytes:
 * Ethernet, IPv4, UDP, payload) unless --size says otherwise. The TSC is
 * read with rte_rdtsc_precise().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_bus_vdev.h>
#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_udp.h>

#include "pf.h"
#include "wt.h"

#define NB_MBUFS	8191	/* WSPDK_MBUFS default */
#define MBUF_CACHE	256
#define MBUF_PRIV	64	/* about the provider's per-mbuf area */
#define RING_SIZE	4096	/* the provider's loop ring */
#define NB_DESC		1024	/* WSPDK_RXD / WSPDK_TXD defaults */
#define TIMEOUT_MS	200
#define EAL_ARGS_MAX	64

static struct {
	const char *mode;
	struct pf_out out;
	unsigned long iters, warmup, cycles;
	unsigned int seconds, size;
} o = {
	.mode = "ring", .out = { .dir = ".", .name = "rawdpdk" },
	.iters = 100000, .warmup = 10000, .cycles = 10000, .seconds = 30,
	.size = 64,
};

static struct rte_mempool *
pool_create(const char *name)
{
	struct rte_mempool *mp = rte_pktmbuf_pool_create(name, NB_MBUFS,
		MBUF_CACHE, MBUF_PRIV, RTE_MBUF_DEFAULT_BUF_SIZE,
		SOCKET_ID_ANY);

	if (mp == NULL)
		fprintf(stderr, "rawdpdk: pool: %s\n", rte_strerror(rte_errno));
	return mp;
}

static int
port_start(uint16_t port, struct rte_mempool *mp)
{
	struct rte_eth_conf conf;

	memset(&conf, 0, sizeof(conf));
	if (rte_eth_dev_configure(port, 1, 1, &conf) != 0 ||
			rte_eth_rx_queue_setup(port, 0, NB_DESC, SOCKET_ID_ANY,
			NULL, mp) != 0 ||
			rte_eth_tx_queue_setup(port, 0, NB_DESC, SOCKET_ID_ANY,
			NULL) != 0 ||
			rte_eth_dev_start(port) != 0) {
		fprintf(stderr, "rawdpdk: port %u does not start\n", port);
		return -1;
	}
	return 0;
}

/* Ethernet/IPv4/UDP 198.18.0.2:7000 -> 198.18.0.1:7001, seq in payload. */
static void
frame(struct rte_mbuf *m, uint64_t seq)
{
	uint16_t len = (uint16_t)(sizeof(struct rte_ether_hdr) +
		sizeof(struct rte_ipv4_hdr) + sizeof(struct rte_udp_hdr) +
		o.size);
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)
		rte_pktmbuf_append(m, len);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);

	memset(eth, 0, len);
	eth->dst_addr.addr_bytes[0] = 0x02;
	eth->src_addr.addr_bytes[0] = 0x02;
	eth->src_addr.addr_bytes[5] = 0x02;
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(len -
		sizeof(*eth)));
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = RTE_BE32(0xc6120002);
	ip->dst_addr = RTE_BE32(0xc6120001);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp->src_port = RTE_BE16(7000);
	udp->dst_port = RTE_BE16(7001);
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(sizeof(*udp) + o.size));
	memcpy(udp + 1, &seq, sizeof(seq));
}

static uint64_t
seq_of(struct rte_mbuf *m)
{
	uint64_t seq = 0;
	size_t off = sizeof(struct rte_ether_hdr) +
		sizeof(struct rte_ipv4_hdr) + sizeof(struct rte_udp_hdr);

	if (rte_pktmbuf_data_len(m) >= off + sizeof(seq))
		memcpy(&seq, rte_pktmbuf_mtod_offset(m, char *, off),
			sizeof(seq));
	return seq;
}

/* Send one frame and spin until the frame with this seq comes back. */
static int
bounce(uint16_t port, struct rte_mempool *mp, uint64_t seq, uint64_t tmo)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp), *rx[32];
	uint64_t deadline = rte_rdtsc() + tmo;
	bool got = false;

	if (m == NULL)
		return -1;
	frame(m, seq);
	if (rte_eth_tx_burst(port, 0, &m, 1) != 1) {
		rte_pktmbuf_free(m);
		return -1;
	}
	while (!got) {
		uint16_t n = rte_eth_rx_burst(port, 0, rx, 32);

		for (uint16_t i = 0; i < n; i++) {
			got |= seq_of(rx[i]) == seq;
			rte_pktmbuf_free(rx[i]);
		}
		if (!got && rte_rdtsc() > deadline)
			return -1;
	}
	return 0;
}

static int
round_trips(uint16_t port, struct rte_mempool *mp, unsigned int hops)
{
	uint64_t tmo = rte_get_tsc_hz() / 1000 * TIMEOUT_MS;
	uint64_t end = rte_rdtsc() + rte_get_tsc_hz() * o.seconds, seq = 1;
	struct pf_samples s;
	struct pf_lat l;
	char kv[1024] = "";
	int ret = 0;

	if (pf_samples_init(&s, o.iters) != 0)
		return -1;
	for (unsigned long i = 0; i < o.warmup && rte_rdtsc() < end; i++)
		bounce(port, mp, seq++, tmo);
	while (s.n < o.iters && rte_rdtsc() < end) {
		uint64_t t0 = rte_rdtsc_precise();
		bool ok = true;

		for (unsigned int h = 0; h < hops && ok; h++)
			ok = bounce(port, mp, seq++, tmo) == 0;
		if (!ok) {
			s.lost++;
			continue;
		}
		pf_samples_add(&s, rte_rdtsc_precise() - t0);
	}
	pf_lat_compute(&s, &l);
	pf_kv(kv, sizeof(kv), "mode", "%s", o.mode);
	pf_kv(kv, sizeof(kv), "frame_bytes", "%zu", o.size +
		sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv4_hdr) +
		sizeof(struct rte_udp_hdr));
	pf_kv(kv, sizeof(kv), "traversals_per_round_trip", "%u", hops);
	pf_kv(kv, sizeof(kv), "app_cpu", "%d", sched_getcpu());
	if (pf_write_lat(&o.out, &s, &l, kv) != 0 || l.n == 0)
		ret = -1;
	pf_samples_free(&s);
	return ret;
}

static int
run_ring(void)
{
	struct rte_mempool *mp = pool_create("raw_pool");
	struct rte_ring *r;
	int port;

	if (mp == NULL)
		return -1;
	r = rte_ring_create("raw_loop", RING_SIZE, SOCKET_ID_ANY,
		RING_F_SP_ENQ | RING_F_SC_DEQ);
	port = r == NULL ? -1 : rte_eth_from_rings("rawloop", &r, 1, &r, 1,
		0);
	if (port < 0 || port_start((uint16_t)port, mp) != 0)
		return -1;
	return round_trips((uint16_t)port, mp, 2);
}

static int
run_memif(void)
{
	struct rte_mempool *mp = pool_create("raw_pool");
	struct rte_eth_link link;
	uint16_t port = 0;
	int ret;

	if (mp == NULL || rte_eth_dev_count_avail() == 0 ||
			port_start(port, mp) != 0)
		return -1;
	/* The client connects inside dev_start; wait for the link. */
	for (int i = 0; i < 500; i++) {
		if (rte_eth_link_get_nowait(port, &link) == 0 &&
				link.link_status == RTE_ETH_LINK_UP)
			break;
		rte_delay_ms(10);
	}
	if (link.link_status != RTE_ETH_LINK_UP) {
		fprintf(stderr, "rawdpdk: memif link down\n");
		return -1;
	}
	ret = round_trips(port, mp, 1);
	/* One orderly disconnect, never a cycle (dpdk-22.11-notes §1.3). */
	rte_eth_dev_stop(port);
	return ret;
}

/* ---- the bare device cycle ---- */

static volatile bool poll_stop;

static int
poll_loop(void *arg)
{
	uint16_t port = *(uint16_t *)arg;
	struct rte_mbuf *rx[32];

	while (!poll_stop) {
		uint16_t n = rte_eth_rx_burst(port, 0, rx, 32);

		for (uint16_t i = 0; i < n; i++)
			rte_pktmbuf_free(rx[i]);
	}
	return 0;
}

static int
one_cycle(unsigned int worker)
{
	struct rte_mempool *mp = pool_create("raw_cycle");
	struct rte_eth_dev_info info;
	struct rte_ring *r;
	int port;
	uint16_t pid;

	if (mp == NULL)
		return -1;
	r = rte_ring_create("raw_cycle_q0", RING_SIZE, SOCKET_ID_ANY,
		RING_F_SP_ENQ | RING_F_SC_DEQ);
	port = r == NULL ? -1 : rte_eth_from_rings("rawcycle", &r, 1, &r, 1,
		0);
	if (port < 0 || port_start((uint16_t)port, mp) != 0)
		return -1;
	pid = (uint16_t)port;
	poll_stop = false;
	if (rte_eal_remote_launch(poll_loop, &pid, worker) != 0)
		return -1;
	poll_stop = true;
	rte_eal_wait_lcore(worker);
	rte_eth_dev_info_get(pid, &info);
	rte_eth_dev_stop(pid);
	rte_eth_dev_close(pid);
	rte_dev_remove(info.device);
	rte_ring_free(r);
	rte_mempool_free(mp);
	return 0;
}

static int
run_cycle(uint64_t eal_ns)
{
	unsigned int worker = rte_get_next_lcore(-1, 1, 0);
	uint64_t t0 = pf_now_ns(), failed = 0, c0;
	uint64_t end = t0 + o.seconds * 1000000000ull;
	unsigned long i;
	struct pf_samples s;
	struct pf_lat l;
	char kv[4096] = "";
	int ret;

	if (worker >= RTE_MAX_LCORE || pf_samples_init(&s, o.cycles) != 0) {
		fprintf(stderr, "rawdpdk: cycle needs a worker lcore\n");
		return -1;
	}
	pf_kv(kv, sizeof(kv), "eal_init_ms", "%.2f", (double)eal_ns / 1e6);
	for (i = 1; i <= o.cycles && pf_now_ns() < end; i++) {
		c0 = pf_tsc();
		if (one_cycle(worker) != 0) {
			failed++;
			continue;
		}
		pf_samples_add(&s, pf_tsc() - c0);
		if (i == 1 || i == o.cycles / 10 || i == o.cycles)
			pf_checkpoint(kv, sizeof(kv), i);
	}
	if (--i < o.cycles)
		pf_checkpoint(kv, sizeof(kv), i);
	pf_kv(kv, sizeof(kv), "cycles", "%lu", i);
	pf_kv(kv, sizeof(kv), "cycles_planned", "%lu", o.cycles);
	pf_kv(kv, sizeof(kv), "cycles_failed", "%llu",
		(unsigned long long)failed);
	pf_kv(kv, sizeof(kv), "cycles_per_s", "%.1f", (double)i * 1e9 /
		(double)(pf_now_ns() - t0));
	pf_kv(kv, sizeof(kv), "checkpoints", "1,%lu,%lu", o.cycles / 10, i);
	pf_kv(kv, sizeof(kv), "device", "rte_eth_from_rings");
	pf_lat_compute(&s, &l);
	ret = pf_write_dist(&o.out, &s, &l, "lifecycle", "cycle", kv);
	pf_samples_free(&s);
	return ret == 0 && failed == 0 ? 0 : -1;
}

static void
parse(int argc, char **argv)
{
	const char *v;

	for (int i = 1; i < argc; i++) {
		if ((v = pf_arg(argc, argv, &i, "--mode")) != NULL)
			o.mode = v;
		else if ((v = pf_arg(argc, argv, &i, "--out")) != NULL)
			o.out.dir = v;
		else if ((v = pf_arg(argc, argv, &i, "--name")) != NULL)
			o.out.name = v;
		else if ((v = pf_arg(argc, argv, &i, "--iters")) != NULL)
			o.iters = strtoul(v, NULL, 10);
		else if ((v = pf_arg(argc, argv, &i, "--warmup")) != NULL)
			o.warmup = strtoul(v, NULL, 10);
		else if ((v = pf_arg(argc, argv, &i, "--cycles")) != NULL)
			o.cycles = strtoul(v, NULL, 10);
		else if ((v = pf_arg(argc, argv, &i, "--seconds")) != NULL)
			o.seconds = (unsigned int)atoi(v);
		else if ((v = pf_arg(argc, argv, &i, "--size")) != NULL)
			o.size = (unsigned int)atoi(v);
		else {
			fprintf(stderr, "usage: rawdpdk --mode ring|memif|cycle "
				"[--out DIR] [--name N] [--iters N] "
				"[--warmup N] [--cycles N] [--seconds S] "
				"[--size B] -- EAL args\n");
			exit(2);
		}
	}
	if (o.size < 8 || o.size > 1472 || o.cycles < 10)
		exit(2);
}

int
main(int argc, char **argv)
{
	char *eal[EAL_ARGS_MAX];
	uint64_t t0;
	int n, ne = 0, ret;

	/* Ours before "--", EAL's after it. */
	n = 1;
	while (n < argc && strcmp(argv[n], "--") != 0)
		n++;
	parse(n, argv);
	eal[ne++] = argv[0];
	for (int i = n + 1; i < argc && ne < EAL_ARGS_MAX - 1; i++)
		eal[ne++] = argv[i];
	eal[ne] = NULL;
	t0 = pf_now_ns();
	if (rte_eal_init(ne, eal) < 0) {
		fprintf(stderr, "rawdpdk: rte_eal_init failed\n");
		return 1;
	}
	if (strcmp(o.mode, "ring") == 0)
		ret = run_ring();
	else if (strcmp(o.mode, "memif") == 0)
		ret = run_memif();
	else if (strcmp(o.mode, "cycle") == 0)
		ret = run_cycle(pf_now_ns() - t0);
	else
		ret = -1;
	rte_eal_cleanup();
	return ret == 0 ? 0 : 1;
}
