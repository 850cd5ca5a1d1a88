/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fanout: what multicast delivery costs the lcore as members are added.
 *
 * A driven engine (dp_start_driven) on this thread plays the lcore:
 * bursts of a 64-byte UDP datagram to 239.1.2.3:30001 go through
 * dp_eth_input into N joined sockets (N = 0, 1, 8, 64, 512: a feed
 * handler's few members, and the fan-out a large one needs), timed with
 * the TSC; the sockets are drained between bursts, outside the timing.
 * The same datagram sent unicast to one socket is the reference (ratios
 * are against it, measured in the same run). It also proves the fan-out
 * is by reference: delivering one datagram to N members takes exactly
 * one more mbuf out of the pool, not N; and it counts what the members
 * really got, so a cap on recipients shows as fewer deliveries than
 * members rather than as a cheaper datagram.
 *
 *   fanout [--rounds N] [--no-huge] [--file-prefix P]
 *
 * prints "key=value" lines.
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
#include <rte_udp.h>

#include "dp.h"
#include "dp_sock_priv.h"
#include "dp_stack.h"
#include "dp_sock.h"
#include "dp_sock_priv.h"
#include "micro.h"

#define IP4		MICRO_IP4
#define BURST		32
#define MAX_MEMBERS	512
#define PORT		30001

static struct dp_lcore *lc;
static struct dp_engine *eng;
static uint8_t frame_mc[64], frame_uc[64];

static void
die(const char *what, int err)
{
	micro_die("fanout", what, err);
}

static struct dp_sock *
member(bool join)
{
	struct dp_addr a = { 0, PORT };
	struct dp_sock *s;
	int ret = dp_sock_create(IPPROTO_UDP, &s);

	if (ret != 0)
		die("dp_sock_create", ret);
	dp_sock_set_opt(s, DP_OPT_REUSEADDR, 1);
	dp_sock_set_opt(s, DP_OPT_RCVBUF, 4 << 20);
	ret = dp_sock_bind(s, &a);
	if (ret != 0)
		die("dp_sock_bind", ret);
	if (join) {
		ret = dp_sock_mc_join(s, IP4(239, 1, 2, 3), 0, 0);
		if (ret != 0)
			die("dp_sock_mc_join", ret);
	}
	return s;
}

/* Datagrams the n sockets held, now read. */
static uint64_t
drain(struct dp_sock **s, unsigned int n)
{
	static uint8_t buf[2048];
	struct dp_iov iov = { buf, sizeof(buf) };
	uint64_t got = 0;

	for (unsigned int i = 0; i < n; i++)
		while (dp_sock_recv(s[i], &iov, 1, NULL, NULL,
				DP_F_NONBLOCK) >= 0)
			got++;
	return got;
}


/* Cycles per frame through dp_eth_input, median of rounds; *per_dgram
 * (if given) receives the deliveries per datagram the sockets saw. */
static double
run(const uint8_t *f, struct dp_sock **s, unsigned int n, unsigned int rounds,
		double *per_dgram)
{
	uint64_t got = 0;
	double *per = calloc(rounds, sizeof(double)), med;
	struct rte_mbuf *m[BURST];

	if (per == NULL)
		die("calloc", -ENOMEM);
	for (unsigned int r = 0; r < rounds; r++) {
		uint64_t t0, t1;

		if (rte_pktmbuf_alloc_bulk(eng->mp, m, BURST) != 0)
			die("rte_pktmbuf_alloc_bulk", -ENOBUFS);
		for (int i = 0; i < BURST; i++)
			memcpy(rte_pktmbuf_append(m[i], 64), f, 64);
		lc->now = rte_rdtsc();
		t0 = rte_rdtsc_precise();
		for (int i = 0; i < BURST; i++)
			dp_eth_input(lc, m[i]);
		dp_lcore_step(lc, lc->now);
		t1 = rte_rdtsc_precise();
		per[r] = (double)(t1 - t0) / BURST;
		got += drain(s, n);
	}
	if (per_dgram != NULL)
		*per_dgram = (double)got / ((double)rounds * BURST);
	med = micro_median(per, rounds);
	free(per);
	return med;
}

/* One datagram to n members costs one mbuf, whatever n is. */
static int
pool_delta_one(struct dp_sock **s, unsigned int n)
{
	unsigned int before = rte_mempool_in_use_count(eng->mp), after;
	struct rte_mbuf *m = rte_pktmbuf_alloc(eng->mp);

	if (m == NULL)
		die("rte_pktmbuf_alloc", -ENOBUFS);
	memcpy(rte_pktmbuf_append(m, 64), frame_mc, 64);
	dp_eth_input(lc, m);
	dp_lcore_step(lc, rte_rdtsc());
	after = rte_mempool_in_use_count(eng->mp);
	drain(s, n);
	return (int)after - (int)before;
}

int
main(int argc, char **argv)
{
	static const struct rte_ether_addr mc_mac = { .addr_bytes = { 0x01,
		0x00, 0x5e, 0x01, 0x02, 0x03 } };
	static const unsigned int sizes[] = { 0, 1, 8, 64, 512 };
	struct dp_sock *s[MAX_MEMBERS], *uc;
	struct micro_opts o = { .rounds = 20000 };
	unsigned int rounds, have = 0;
	double hz, base_cyc, one_cyc = 0;

	micro_parse("fanout", argc, argv, &o, false);
	rounds = o.rounds;
	eng = micro_start("fanout", &o);
	lc = eng->lcores[0];
	hz = (double)rte_get_tsc_hz();
	micro_udp_frame(frame_mc, IP4(239, 1, 2, 3), &mc_mac, PORT, 1, true);
	micro_udp_frame(frame_uc, IP4(198, 18, 0, 2), &eng->mac, PORT, 1,
		true);
	/* Unicast into one socket: the reference path. */
	uc = member(false);
	(void)run(frame_uc, &uc, 1, rounds / 10, NULL);	/* warm up */
	base_cyc = run(frame_uc, &uc, 1, rounds, NULL);
	printf("unicast_1_ns=%.1f\n", base_cyc * 1e9 / hz);
	dp_sock_close(uc, DP_CLOSE_ABORT);
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		/* Draining hundreds of sockets per round dominates the run:
		 * fewer rounds for large groups (a median of thousands). */
		unsigned int r = sizes[k] >= 64 ? RTE_MAX(rounds / 4, 10u) :
			rounds;
		double cyc, got;

		while (have < sizes[k])
			s[have++] = member(true);
		cyc = run(frame_mc, s, have, r, &got);
		printf("members_%u_ns=%.1f\n", have, cyc * 1e9 / hz);
		printf("members_%u_delivered=%.1f\n", have, got);
		printf("members_%u_vs_unicast=%.2f\n", have, cyc / base_cyc);
		if (have == 1)
			one_cyc = cyc;
		if (have > 1)
			printf("members_%u_ns_per_added_member=%.1f\n", have,
				(cyc - one_cyc) * 1e9 / hz / (have - 1));
		printf("members_%u_mdgram_s=%.2f\n", have,
			have == 0 ? 0.0 : hz / cyc / 1e6);
		printf("members_%u_deliveries_s=%.2f\n", have,
			hz / cyc * got / 1e6);
		if (have > 0)
			printf("members_%u_mbufs_per_datagram=%d\n", have,
				pool_delta_one(s, have));
	}
	for (unsigned int i = 0; i < have; i++)
		dp_sock_close(s[i], DP_CLOSE_ABORT);
	dp_stop();
	return 0;
}
