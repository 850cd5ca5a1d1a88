/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rxpath: what the receive path costs per frame, in-process, so that it
 * can be counted in instructions (callgrind Ir: counts hold on a loaded
 * machine, nanoseconds do not) as well as timed.
 *
 * A driven engine on a "pair" port plays the lcore on this thread: each
 * round puts a burst of 32 64-byte UDP datagrams to our address on the
 * port's far ring (outside what is measured) and runs one lcore step
 * (rxp_lcore: rx_burst, Ethernet, IPv4, UDP, demux, delivery, the rest of
 * the iteration). Two cases, as perf/run.sh's rx scenario has them:
 *
 *   full   nobody reads the socket: once it is full every datagram is
 *          refused and counted (udp_rx_full), the lcore-alone figure;
 *   read   the socket is drained after each burst by dp_sock_recv
 *          (rxp_app, measured apart: the application's share).
 *
 *   rxpath [--rounds N] [--udp-cksum] [--no-huge] [--file-prefix P]
 *
 * prints "key=value" lines: frames per case, ns/frame (TSC, median of
 * rounds), and checks that every frame was either delivered or counted.
 * Instructions per frame: perf/micro/rxpath_ir.sh runs it under callgrind
 * and divides the inclusive Ir of rxp_lcore_full, rxp_lcore_read and
 * rxp_app by the frames printed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_udp.h>

#include "dp.h"
/* RXPATH_BASE: the pre-#11 tree (4f1cd04), for a same-code baseline */
#ifdef RXPATH_BASE
#include "dp_priv.h"
#define sock_create(s)	dp_sock_create(s)
#else
#include "dp_stack.h"
#define sock_create(s)	dp_sock_create(IPPROTO_UDP, s)
#endif
#include "dp_sock.h"
#include "dp_sock_priv.h"
#include "micro.h"

#define IP4		MICRO_IP4
#define BURST		32
#define PORT		7000

static struct dp_lcore *lc;
static struct dp_engine *eng;
static struct rte_ring *wire;
static uint8_t frame[64];

static void
die(const char *what, int err)
{
	micro_die("rxpath", what, err);
}

/* A burst on the wire, not yet taken by the port. */
static void
inject(void)
{
	struct rte_mbuf *m[BURST];

	if (rte_pktmbuf_alloc_bulk(eng->mp, m, BURST) != 0)
		die("rte_pktmbuf_alloc_bulk", -ENOBUFS);
	for (int i = 0; i < BURST; i++)
		memcpy(rte_pktmbuf_append(m[i], 64), frame, 64);
	if (rte_ring_enqueue_bulk(wire, (void **)m, BURST, NULL) != BURST)
		die("rte_ring_enqueue_bulk", -ENOBUFS);
}

/*
 * The measured parts, each a function of its own so that callgrind
 * counts it (--toggle-collect): the volatile counts keep the compiler
 * from folding the identical ones into one. Warm-up goes through
 * warm_step and warm_read, which are not counted.
 */
static volatile unsigned int calls[4];

static __attribute__((noinline)) void
rxp_lcore_full(void)
{
	calls[0]++;
	dp_lcore_step(lc, rte_rdtsc());
}

static __attribute__((noinline)) void
rxp_lcore_read(void)
{
	calls[1]++;
	dp_lcore_step(lc, rte_rdtsc());
}

static __attribute__((noinline)) void
warm_step(void)
{
	calls[2]++;
	dp_lcore_step(lc, rte_rdtsc());
}

static unsigned int
drain(struct dp_sock *s)
{
	static uint8_t buf[2048];
	struct dp_iov iov = { buf, sizeof(buf) };
	unsigned int got = 0;

	while (dp_sock_recv(s, &iov, 1, NULL, NULL, DP_F_NONBLOCK) >= 0)
		got++;
	return got;
}

static __attribute__((noinline)) unsigned int
rxp_app(struct dp_sock *s)
{
	calls[3]++;
	return drain(s);
}

static uint64_t
lcore_stat_rx_full(void)
{
	return __atomic_load_n(&lc->stats.udp_rx_full, __ATOMIC_RELAXED);
}

int
main(int argc, char **argv)
{
	struct micro_opts o = { .rounds = 2000 };
	unsigned int rounds;
	struct dp_addr a = { 0, PORT };
	struct dp_sock *s;
	double hz, *lc_ns, *app_ns;
	uint64_t full0, got = 0;
	int ret;

	micro_parse("rxpath", argc, argv, &o, true);
	rounds = o.rounds;
	lc_ns = calloc(rounds, sizeof(double));
	app_ns = calloc(rounds, sizeof(double));
	if (lc_ns == NULL || app_ns == NULL)
		die("calloc", -ENOMEM);
	eng = micro_start("rxpath", &o);
	lc = eng->lcores[0];
	wire = rte_ring_lookup("rxpath_in");
	if (wire == NULL)
		die("rte_ring_lookup(rxpath_in)", -ENOENT);
	hz = (double)rte_get_tsc_hz();
	micro_udp_frame(frame, IP4(198, 18, 0, 2), &eng->mac, PORT, 64,
		o.udp_cksum);
	ret = sock_create(&s);
	if (ret != 0)
		die("dp_sock_create", ret);
	ret = dp_sock_bind(s, &a);
	if (ret != 0)
		die("dp_sock_bind", ret);

	/* Read: every datagram delivered, then taken by the application. */
	for (unsigned int r = 0; r < rounds / 10; r++) {	/* warm up */
		inject();
		warm_step();
		got += drain(s);
	}
	got = 0;
	full0 = lcore_stat_rx_full();
	for (unsigned int r = 0; r < rounds; r++) {
		uint64_t t0, t1, t2;

		inject();
		t0 = rte_rdtsc_precise();
		rxp_lcore_read();
		t1 = rte_rdtsc_precise();
		got += rxp_app(s);
		t2 = rte_rdtsc_precise();
		lc_ns[r] = (double)(t1 - t0) * 1e9 / hz / BURST;
		app_ns[r] = (double)(t2 - t1) * 1e9 / hz / BURST;
	}
	printf("read_frames=%llu\n", (unsigned long long)rounds * BURST);
	printf("read_delivered=%llu\n", (unsigned long long)got);
	printf("read_refused=%llu\n",
		(unsigned long long)(lcore_stat_rx_full() - full0));
	printf("read_lcore_ns_per_frame=%.1f\n", micro_median(lc_ns, rounds));
	printf("read_app_ns_per_dgram=%.1f\n", micro_median(app_ns, rounds));

	/* Full: nobody reads; fill the socket first, then every frame of
	 * the measured rounds is refused (and must be counted). */
	for (unsigned int r = 0; r < rounds / 4; r++) {
		inject();
		warm_step();
	}
	full0 = lcore_stat_rx_full();
	for (unsigned int r = 0; r < rounds; r++) {
		uint64_t t0, t1;

		inject();
		t0 = rte_rdtsc_precise();
		rxp_lcore_full();
		t1 = rte_rdtsc_precise();
		lc_ns[r] = (double)(t1 - t0) * 1e9 / hz / BURST;
	}
	printf("full_frames=%llu\n", (unsigned long long)rounds * BURST);
	printf("full_refused=%llu\n",
		(unsigned long long)(lcore_stat_rx_full() - full0));
	printf("full_lcore_ns_per_frame=%.1f\n", micro_median(lc_ns, rounds));
	printf("ns_note=TSC on a shared machine: a figure, not a check\n");
	dp_sock_close(s, DP_CLOSE_ABORT);
	dp_stop();
	free(lc_ns);
	free(app_ns);
	return 0;
}
