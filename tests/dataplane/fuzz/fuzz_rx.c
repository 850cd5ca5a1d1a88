/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: arbitrary bytes through the RX parser and demux
 * (dp_eth_input -> ARP | IPv4 -> ICMP | IGMP | UDP -> sockets).
 *
 * Input: one control byte, then the frame.
 *   bit 0-1  IPv4 checksum flag the "NIC" sets: none, good, bad, unknown
 *   bit 2-3  L4 checksum flag: none, good, bad, unknown
 *   bit 4    deliver the frame as two chained segments
 *
 * The engine is a portless one (dp_start_portless): EAL without
 * hugepages, no port, lcore 0 driven from this thread, every frame the
 * stack sends dropped. A few sockets are bound (wildcard, our address,
 * two sharing a port with SO_REUSEADDR and SO_BROADCAST, a connected
 * one, multicast members: of one group one more than a fan-out chunk
 * holds, of another exactly a chunk, a source-specific one, one blocking
 * a source, one on another port) so
 * demux and delivery run. After every input
 * the sockets are drained through dp_sock_recv and the test asserts that
 * no mbuf leaked: in use = baseline + frames held for ARP resolution.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "dp.h"
#include "dp_priv.h"
#include "dp_sock_priv.h"

#define IP4(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

#define NSOCK		80
#define MC_MEMBERS	65	/* of 239.1.2.3 on 5000: FAN_CHUNK + 1; all
				 * but one of 239.1.2.6: FAN_CHUNK */
#define FRAME_MAX	(RTE_MBUF_DEFAULT_BUF_SIZE - RTE_PKTMBUF_HEADROOM)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dp_lcore *lc;
static struct dp_engine *eng;
static struct dp_sock *socks[NSOCK];
static unsigned int nsocks;
static unsigned int baseline;

static void
die(const char *what, int err)
{
	fprintf(stderr, "fuzz_rx: %s failed (%d)\n", what, err);
	abort();
}

static struct dp_sock *
sock(uint32_t ip, uint16_t port, bool reuse)
{
	struct dp_addr a = { ip, port };
	struct dp_sock *s;
	int ret = dp_sock_create(&s);

	if (ret != 0)
		die("dp_sock_create", ret);
	if (reuse) {
		dp_sock_set_opt(s, DP_OPT_REUSEADDR, 1);
		dp_sock_set_opt(s, DP_OPT_BROADCAST, 1);
	}
	ret = dp_sock_bind(s, &a);
	if (ret != 0)
		die("dp_sock_bind", ret);
	socks[nsocks++] = s;
	return s;
}

/* A member of 239.1.2.5 that blocks 198.18.0.3. */
static int
mc_blocking(struct dp_sock *s)
{
	int ret = dp_sock_mc_join(s, IP4(239, 1, 2, 5), 0, 0);

	return ret != 0 ? ret : dp_sock_mc_block(s, IP4(239, 1, 2, 5), 0,
		IP4(198, 18, 0, 3), true);
}

/* Mbufs really in use: the pool's count less what sits in the
 * application-thread caches (dp_mcache.c), which the pool counts as in
 * use although they are free. */
static unsigned int
in_use(void)
{
	return rte_mempool_in_use_count(eng->mp) - dp_mcache_held(eng);
}

/* Read everything the input delivered, as an application would. */
static void
drain(void)
{
	static uint8_t buf[65536];
	struct dp_iov iov = { buf, 100 };
	struct dp_addr from;
	size_t full;

	for (unsigned int i = 0; i < nsocks; i++) {
		/* A short buffer on odd sockets: the truncation path too. */
		iov.len = i & 1 ? 100 : sizeof(buf);
		for (int k = 0; k < 4096; k++) {
			long n = dp_sock_recv(socks[i], &iov, 1, &from, &full,
				DP_F_NONBLOCK);

			if (n == -EAGAIN)
				break;
		}
		dp_sock_take_error(socks[i]);
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct dp_addr peer = { IP4(198, 18, 0, 1), 9 };
	struct dp_conf c;
	int ret;

	(void)argc;
	(void)argv;
	dp_conf_defaults(&c);
	/* No hugepages, no PCI, no telemetry socket, a prefix of our own:
	 * nothing on the machine is touched or left behind. */
	snprintf(c.eal_args, sizeof(c.eal_args), "--no-huge -m 256 "
		"--no-telemetry --file-prefix=wspdkfuzz%ld", (long)getpid());
	snprintf(c.device, sizeof(c.device), "pair:fuzz");
	c.nb_mbufs = 8191;
	c.arp_qlen = 4;		/* bounds what unresolved neighbours hold */
	c.cleanup_ms = 0;
	c.log_level = DP_LOG_ERR;
	lc = dp_start_portless(&c);
	if (lc == NULL)
		die("dp_start_portless", -1);
	eng = lc->eng;
	sock(0, 7, false);				/* echo, wildcard */
	sock(IP4(198, 18, 0, 2), 53, false);		/* our address */
	sock(0, 5353, true);				/* shared port */
	sock(0, 5353, true);
	ret = dp_sock_connect(sock(0, 9000, false), &peer);
	if (ret != 0)
		die("dp_sock_connect", ret);
	for (int i = 0; i < MC_MEMBERS && ret == 0; i++) {
		struct dp_sock *s = sock(0, 5000, true);

		ret = dp_sock_mc_join(s, IP4(239, 1, 2, 3), 0, 0);
		if (ret == 0 && i != 0)
			ret = dp_sock_mc_join(s, IP4(239, 1, 2, 6), 0, 0);
	}
	if (ret == 0)
		ret = dp_sock_mc_join(sock(0, 5000, true), IP4(239, 1, 2, 4), 0,
			IP4(198, 18, 0, 1));
	if (ret == 0)
		ret = mc_blocking(sock(0, 5000, true));
	if (ret == 0)
		ret = dp_sock_mc_join(sock(0, 5001, true), IP4(239, 1, 2, 3), 0,
			0);
	if (ret != 0)
		die("dp_sock_mc_join", ret);
	lc->now = rte_rdtsc();
	dp_lcore_settle(lc);
	baseline = in_use();
	return 0;
}

static const uint64_t ip_flags[4] = {
	RTE_MBUF_F_RX_IP_CKSUM_NONE, RTE_MBUF_F_RX_IP_CKSUM_GOOD,
	RTE_MBUF_F_RX_IP_CKSUM_BAD, RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN,
};
static const uint64_t l4_flags[4] = {
	RTE_MBUF_F_RX_L4_CKSUM_NONE, RTE_MBUF_F_RX_L4_CKSUM_GOOD,
	RTE_MBUF_F_RX_L4_CKSUM_BAD, RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN,
};

static struct rte_mbuf *
frame(const uint8_t *p, size_t len, bool chain)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(eng->mp), *t;
	size_t first = chain ? len / 2 : len;

	if (m == NULL)
		die("rte_pktmbuf_alloc", -1);
	memcpy(rte_pktmbuf_append(m, (uint16_t)first), p, first);
	if (!chain)
		return m;
	t = rte_pktmbuf_alloc(eng->mp);
	if (t == NULL)
		die("rte_pktmbuf_alloc", -1);
	memcpy(rte_pktmbuf_append(t, (uint16_t)(len - first)), p + first,
		len - first);
	if (rte_pktmbuf_chain(m, t) != 0)
		die("rte_pktmbuf_chain", -1);
	return m;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rte_mbuf *m;
	unsigned int now, held;
	uint8_t ctl;

	if (size < 1 || size - 1 > FRAME_MAX)
		return -1;	/* not a frame: keep it out of the corpus */
	ctl = data[0];
	m = frame(data + 1, size - 1, (ctl & 0x10) != 0 && size >= 3);
	m->ol_flags |= ip_flags[ctl & 3] | l4_flags[(ctl >> 2) & 3];
	lc->now = rte_rdtsc();
	dp_eth_input(lc, m);
	dp_lcore_settle(lc);
	drain();
	now = in_use();
	held = dp_arp_pending(eng);
	if (now != baseline + held) {
		fprintf(stderr, "fuzz_rx: mbuf leak: %u in use, baseline %u, "
			"%u held for ARP\n", now, baseline, held);
		abort();
	}
	return 0;
}
