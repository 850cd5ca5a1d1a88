/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the dataplane from the wire in, and what it sends out.
 *
 * A driven engine (dp_start_driven): EAL without hugepages, a "pair" port
 * with two queues, two lcores this thread steps in turn on a clock the
 * input sets, so a run is the same each time. Frames reach the stack as
 * a NIC hands them over: through the port's RX queues, each in a buffer
 * exactly as long as headroom + frame (an external buffer from malloc),
 * so ASan sees a read one byte past the end of a frame.
 *
 * Input: up to MAX_RECORDS records, each an op byte and its arguments.
 *   op 0 frame:  flags, len (2 bytes, little endian), the frame
 *      flags bit 0-1 IPv4 checksum flag the "NIC" sets (none, good,
 *                    bad, unknown), bit 2-3 the L4 one, bit 4 two
 *                    segments, bit 5 RX queue 1 (else 0), bit 6 a
 *                    segment of the live TCP connection (below)
 *   op 1 send:   socket, destination, len (2 bytes): a non-blocking send
 *                (socket bit 7: on the live TCP connection)
 *   op 2 clock:  n: the clock moves 2^(n & 31) microseconds
 *   op 3 step:   every lcore runs one iteration
 *   (op & 3 picks the op; the other bits are free for the mutator.)
 *
 * Sockets bound at start, owned by the lcores in turn: 7 (wildcard), 53
 * (our address), 5353 twice (SO_REUSEADDR, SO_BROADCAST), 9000 connected
 * to 198.18.0.1:9, and multicast members on 5000: of 239.1.2.3 one more
 * than a fan-out chunk holds, of 239.1.2.6 exactly a chunk, one of
 * 239.1.2.4 for 198.18.0.1 only, one blocking 198.18.0.3 from 239.1.2.5;
 * and one of 239.1.2.3 on 5001.
 *
 * And for each input a live TCP connection: a listener on 198.18.0.2:80
 * (backlog 1) accepts 198.18.0.1:40000 after a handshake the harness
 * plays (MSS, window scale, SACK-permitted, timestamps; the peer's ISS
 * near 2^32 so its sequence numbers wrap). A frame with flag bit 6 is a
 * segment of that connection whatever its header says: the harness
 * writes the connection's addresses and ports, adds the peer's ISS to
 * the sequence number, ours to the ACK and to SACK block edges, and the
 * connection's timestamps to the TS option, then the checksums. So the
 * fuzzer's small numbers land in the window, against a TCB in whatever
 * state the input has driven it to. The connection and its listener are
 * aborted before the engine settles.
 *
 * After every input the engine is settled (stepped, the clock moved on
 * until ARP gives up on silent neighbours), the sockets are read dry,
 * and the fuzzer asserts:
 *  - every frame the stack sent is well formed (addresses ours, IPv4
 *    header and its checksum, lengths, UDP/ICMP/IGMP checksums);
 *  - no mbuf leaked: in use = the baseline once nothing is held (ARP
 *    queues, reassembly tables: settling runs the clock past both).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "dp.h"
#include "dp_net.h"
#include "dp_os.h"
#include "dp_sock_priv.h"
#include "dp_stack.h"
#include "dp_sock_priv.h"

#define IP4(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

#define OUR_IP		IP4(198, 18, 0, 2)
#define NSOCK		80
#define MC_MEMBERS	65	/* of 239.1.2.3 on 5000: FAN_CHUNK + 1; all
				 * but one of 239.1.2.6: FAN_CHUNK */
#define NQ		2		/* queues = lcores */
#define FRAME_MAX	9018		/* a jumbo frame and a VLAN tag */
#define SEND_MAX	9000
#define MAX_RECORDS	16
#define SETTLE_ROUNDS	64
#define TCP_PORT	80
#define TCP_PEER	IP4(198, 18, 0, 1)
#define TCP_PEER_PORT	40000
#define TCP_PEER_ISS	0xfffff000u	/* wraps after 4 KB */
#define TCP_PEER_TSVAL	1000u

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dp_engine *eng;
static struct rte_ring *wire_in[NQ], *wire_out[NQ];
static struct dp_sock *socks[NSOCK];
static unsigned int nsocks;
static unsigned int baseline;
static uint64_t vnow;			/* the driven lcores' clock, TSC */

/* The peer's MAC (a static ARP entry) and the live connection. */
static const struct rte_ether_addr peer_mac = {
	{ 0x02, 0x00, 0xc6, 0x12, 0x00, 0x01 } };
static struct dp_sock *tcp_ls, *tcp_conn;
static uint32_t tcp_iss, tcp_tsval;	/* ours, from the SYN-ACK */
static bool tcp_synack;

static void
die(const char *what, long err)
{
	fprintf(stderr, "fuzz_rx: %s (%ld)\n", what, err);
	abort();
}

static struct dp_sock *
sock(uint32_t ip, uint16_t port, bool reuse)
{
	struct dp_addr a = { ip, port };
	struct dp_sock *s;
	int ret = dp_sock_create(IPPROTO_UDP, &s);

	if (ret != 0)
		die("dp_sock_create failed", ret);
	if (reuse) {
		dp_sock_set_opt(s, DP_OPT_REUSEADDR, 1);
		dp_sock_set_opt(s, DP_OPT_BROADCAST, 1);
	}
	ret = dp_sock_bind(s, &a);
	if (ret != 0)
		die("dp_sock_bind failed", ret);
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

static void
step_all(void)
{
	for (unsigned int i = 0; i < eng->nb_lcores; i++)
		dp_lcore_step(eng->lcores[i], vnow);
}

static void
clock_advance_us(uint64_t us)
{
	vnow += eng->tsc_hz / 1000000 * us;
}

/* --- the oracle: what the stack sends must be well formed ----------- */

static void
bad_frame(const char *why, const struct rte_mbuf *m)
{
	fprintf(stderr, "fuzz_rx: the stack sent a malformed frame: %s\n",
		why);
	rte_pktmbuf_dump(stderr, m, 128);
	abort();
}

/* The frame as one flat copy (the stack may chain what it sends). */
static const uint8_t *
flat(const struct rte_mbuf *m, uint8_t *buf)
{
	uint32_t off = 0;

	if (m->pkt_len > FRAME_MAX + 64)
		bad_frame("longer than any MTU", m);
	for (const struct rte_mbuf *s = m; s != NULL; s = s->next) {
		if (off + s->data_len > m->pkt_len)
			bad_frame("segments longer than pkt_len", m);
		memcpy(buf + off, rte_pktmbuf_mtod(s, const void *),
			s->data_len);
		off += s->data_len;
	}
	if (off != m->pkt_len)
		bad_frame("segments shorter than pkt_len", m);
	return buf;
}

/* Internet checksum of len bytes folded with sum; 0 when correct. */
static uint16_t
cksum_ok(const void *p, size_t len, uint32_t sum)
{
	sum = __rte_raw_cksum(p, len, sum);
	return (uint16_t)~__rte_raw_cksum_reduce(sum);
}

static void
check_l4(const struct rte_mbuf *m, const struct rte_ipv4_hdr *ip,
		const uint8_t *l4, uint16_t len)
{
	uint32_t ph = 0;

	switch (ip->next_proto_id) {
	case IPPROTO_UDP: {
		const struct rte_udp_hdr *u = (const void *)l4;

		if (len < sizeof(*u) || rte_be_to_cpu_16(u->dgram_len) != len)
			bad_frame("UDP length", m);
		if (u->dgram_cksum == 0)
			return;
		ph = __rte_raw_cksum(&ip->src_addr, 8, 0) +
			rte_cpu_to_be_16(IPPROTO_UDP) + u->dgram_len;
		if (cksum_ok(l4, len, ph) != 0)
			bad_frame("UDP checksum", m);
		return;
	}
	case IPPROTO_TCP: {
		const struct rte_tcp_hdr *t = (const void *)l4;
		uint8_t fl;

		if (len < sizeof(*t) || (t->data_off >> 4) < 5 ||
				(t->data_off >> 4) * 4u > len)
			bad_frame("TCP header length", m);
		fl = t->tcp_flags;
		/* Never SYN with FIN or RST, never RST with FIN. */
		if ((fl & RTE_TCP_SYN_FLAG) && (fl & (RTE_TCP_FIN_FLAG |
				RTE_TCP_RST_FLAG)))
			bad_frame("TCP flags", m);
		if ((fl & RTE_TCP_RST_FLAG) && (fl & RTE_TCP_FIN_FLAG))
			bad_frame("TCP flags", m);
		if (m->ol_flags & RTE_MBUF_F_TX_TCP_CKSUM)
			return;
		ph = __rte_raw_cksum(&ip->src_addr, 8, 0) +
			rte_cpu_to_be_16(IPPROTO_TCP) +
			rte_cpu_to_be_16(len);
		if (cksum_ok(l4, len, ph) != 0)
			bad_frame("TCP checksum", m);
		return;
	}
	case IPPROTO_ICMP:
	case IPPROTO_IGMP:
		if (len < 8 || cksum_ok(l4, len, 0) != 0)
			bad_frame("ICMP/IGMP checksum or length", m);
		return;
	default:
		bad_frame("a protocol the stack never sends", m);
	}
}

static void
check_sent(const struct rte_mbuf *m)
{
	static uint8_t buf[FRAME_MAX + 64];
	const uint8_t *f = flat(m, buf);
	const struct rte_ether_hdr *eh = (const void *)f;
	const struct rte_ipv4_hdr *ip;
	uint16_t hl, tot, off;

	if (m->pkt_len < sizeof(*eh) ||
			!rte_is_same_ether_addr(&eh->src_addr, &eng->mac))
		bad_frame("source MAC not ours", m);
	if (eh->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP)) {
		const struct rte_arp_hdr *a = (const void *)(eh + 1);

		if (m->pkt_len < sizeof(*eh) + sizeof(*a) ||
				a->arp_hardware !=
				rte_cpu_to_be_16(RTE_ARP_HRD_ETHER) ||
				a->arp_protocol !=
				rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
				a->arp_hlen != 6 || a->arp_plen != 4 ||
				a->arp_data.arp_sip != rte_cpu_to_be_32(OUR_IP) ||
				!rte_is_same_ether_addr(&a->arp_data.arp_sha,
					&eng->mac))
			bad_frame("ARP", m);
		return;
	}
	if (eh->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4))
		bad_frame("an ethertype the stack never sends", m);
	ip = (const void *)(eh + 1);
	hl = (uint16_t)((ip->version_ihl & 0xf) * 4);
	if (m->pkt_len < sizeof(*eh) + sizeof(*ip) ||
			ip->version_ihl >> 4 != 4 || hl < sizeof(*ip) ||
			m->pkt_len < sizeof(*eh) + hl)
		bad_frame("IPv4 header", m);
	tot = rte_be_to_cpu_16(ip->total_length);
	/* Short frames may be padded to the Ethernet minimum, no more. */
	if (tot < hl || tot > m->pkt_len - sizeof(*eh) ||
			(m->pkt_len > 60 && tot != m->pkt_len - sizeof(*eh)))
		bad_frame("IPv4 total length", m);
	if (cksum_ok(ip, hl, 0) != 0)
		bad_frame("IPv4 header checksum", m);
	if (ip->src_addr != rte_cpu_to_be_32(OUR_IP) || ip->time_to_live == 0)
		bad_frame("IPv4 source or TTL", m);
	off = rte_be_to_cpu_16(ip->fragment_offset);
	if ((off & RTE_IPV4_HDR_OFFSET_MASK) != 0 ||
			(off & RTE_IPV4_HDR_MF_FLAG) != 0) {
		/* A fragment: whole 8-byte units but the last. */
		if ((off & RTE_IPV4_HDR_MF_FLAG) != 0 && (tot - hl) % 8 != 0)
			bad_frame("fragment not a multiple of 8", m);
		return;
	}
	check_l4(m, ip, (const uint8_t *)ip + hl, (uint16_t)(tot - hl));
}

/* The handshake's SYN-ACK (a well-formed frame, check_sent said):
 * our ISS and TSval. */
static void
note_synack(const struct rte_mbuf *m)
{
	static uint8_t buf[FRAME_MAX + 64];
	const uint8_t *f = flat(m, buf);
	const struct rte_ipv4_hdr *ip = (const void *)(f + RTE_ETHER_HDR_LEN);
	const struct rte_tcp_hdr *th;
	const uint8_t *o;
	unsigned int hl, n;

	if (m->pkt_len < RTE_ETHER_HDR_LEN + sizeof(*ip) + sizeof(*th) ||
			ip->next_proto_id != IPPROTO_TCP ||
			(ip->fragment_offset & rte_cpu_to_be_16(
			RTE_IPV4_HDR_OFFSET_MASK | RTE_IPV4_HDR_MF_FLAG)))
		return;
	hl = (ip->version_ihl & 0xf) * 4u;
	th = (const void *)((const uint8_t *)ip + hl);
	if (th->src_port != rte_cpu_to_be_16(TCP_PORT) ||
			th->tcp_flags != (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG))
		return;
	tcp_iss = rte_be_to_cpu_32(th->sent_seq);
	tcp_synack = true;
	o = (const uint8_t *)(th + 1);
	n = (th->data_off >> 4) * 4u - sizeof(*th);
	for (unsigned int i = 0; i < n && o[i] != 0; ) {
		if (o[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= n || o[i + 1] < 2)
			break;
		if (o[i] == 8 && o[i + 1] == 10 && i + 10 <= n)
			memcpy(&tcp_tsval, o + i + 2, 4);
		i += o[i + 1];
	}
	tcp_tsval = rte_be_to_cpu_32(tcp_tsval);
}

/* Everything the stack sent since the last look: checked, freed. */
static void
wire_drain(void)
{
	struct rte_mbuf *m;

	for (unsigned int q = 0; q < NQ; q++)
		while (rte_ring_dequeue(wire_out[q], (void **)&m) == 0) {
			check_sent(m);
			if (!tcp_synack)
				note_synack(m);
			rte_pktmbuf_free(m);
		}
}

/* --- frames in buffers of their own size ---------------------------- */

static void
extbuf_free(void *addr, void *shinfo)
{
	free(addr);
	free(shinfo);
}

/* An mbuf over a malloc'd buffer of exactly headroom + len bytes. */
static struct rte_mbuf *
segment(const uint8_t *p, uint16_t len)
{
	struct rte_mbuf_ext_shared_info *sh = malloc(sizeof(*sh));
	uint16_t room = (uint16_t)(RTE_PKTMBUF_HEADROOM + len);
	struct rte_mbuf *m = rte_pktmbuf_alloc(eng->mp);
	uint8_t *buf = malloc(room);

	if (m == NULL || sh == NULL || buf == NULL)
		die("no memory for a frame", 0);
	sh->free_cb = extbuf_free;
	sh->fcb_opaque = sh;
	rte_mbuf_ext_refcnt_set(sh, 1);
	rte_pktmbuf_attach_extbuf(m, buf, RTE_BAD_IOVA, room, sh);
	m->data_off = RTE_PKTMBUF_HEADROOM;
	memcpy(buf + RTE_PKTMBUF_HEADROOM, p, len);
	m->data_len = len;
	m->pkt_len = len;
	return m;
}

static const uint64_t ip_flags[4] = {
	RTE_MBUF_F_RX_IP_CKSUM_NONE, RTE_MBUF_F_RX_IP_CKSUM_GOOD,
	RTE_MBUF_F_RX_IP_CKSUM_BAD, RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN,
};
static const uint64_t l4_flags[4] = {
	RTE_MBUF_F_RX_L4_CKSUM_NONE, RTE_MBUF_F_RX_L4_CKSUM_GOOD,
	RTE_MBUF_F_RX_L4_CKSUM_BAD, RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN,
};

/* Add base to the big-endian word at p. */
static void
be32_add(uint8_t *p, uint32_t base)
{
	uint32_t v;

	memcpy(&v, p, 4);
	v = rte_cpu_to_be_32(rte_be_to_cpu_32(v) + base);
	memcpy(p, &v, 4);
}

/* Frame f (len bytes, a private copy) made a segment of the live
 * connection; left as it is if it has no room for the headers. */
static void
tcp_relative(uint8_t *f, uint16_t len)
{
	struct rte_ether_hdr *eh = (void *)f;
	struct rte_ipv4_hdr *ip = (void *)(eh + 1);
	struct rte_tcp_hdr *th;
	unsigned int hl, l4, n;
	uint8_t *o;
	uint32_t ph;

	if (tcp_ls == NULL || len < sizeof(*eh) + sizeof(*ip) + sizeof(*th))
		return;
	hl = (ip->version_ihl & 0xf) * 4u;
	if (hl < sizeof(*ip) || sizeof(*eh) + hl + sizeof(*th) > len)
		return;
	th = (void *)((uint8_t *)ip + hl);
	eh->dst_addr = eng->mac;
	eh->src_addr = peer_mac;
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip->next_proto_id = IPPROTO_TCP;
	ip->src_addr = rte_cpu_to_be_32(TCP_PEER);
	ip->dst_addr = rte_cpu_to_be_32(OUR_IP);
	th->src_port = rte_cpu_to_be_16(TCP_PEER_PORT);
	th->dst_port = rte_cpu_to_be_16(TCP_PORT);
	be32_add((uint8_t *)&th->sent_seq, TCP_PEER_ISS + 1);
	be32_add((uint8_t *)&th->recv_ack, tcp_iss + 1);
	/* Options as far as they are well formed and inside the frame. */
	l4 = RTE_MIN((unsigned int)rte_be_to_cpu_16(ip->total_length),
		len - sizeof(*eh));
	l4 = l4 > hl ? l4 - hl : 0;
	n = RTE_MIN((th->data_off >> 4) * 4u, l4);
	o = (uint8_t *)(th + 1);
	n = n > sizeof(*th) ? n - sizeof(*th) : 0;
	for (unsigned int i = 0; i < n && o[i] != 0; ) {
		if (o[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= n || o[i + 1] < 2 || i + o[i + 1] > n)
			break;
		if (o[i] == 8 && o[i + 1] == 10) {
			be32_add(o + i + 2, TCP_PEER_TSVAL);
			be32_add(o + i + 6, tcp_tsval);
		}
		for (unsigned int k = 2; o[i] == 5 && k + 4 <= o[i + 1];
				k += 4)
			be32_add(o + i + k, tcp_iss + 1);
		i += o[i + 1];
	}
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	if (l4 < sizeof(*th))
		return;
	th->cksum = 0;
	ph = __rte_raw_cksum(&ip->src_addr, 8, 0) +
		rte_cpu_to_be_16(IPPROTO_TCP) + rte_cpu_to_be_16((uint16_t)l4);
	th->cksum = cksum_ok(th, l4, ph);
}

static void
frame_in(uint8_t flags, const uint8_t *p, uint16_t len)
{
	static uint8_t copy[FRAME_MAX];

	if (flags & 0x40) {
		memcpy(copy, p, len);
		tcp_relative(copy, len);
		p = copy;
	}

	bool chain = (flags & 0x10) != 0 && len >= 2;
	uint16_t first = chain ? len / 2 : len;
	struct rte_mbuf *m = segment(p, first);

	if (chain && rte_pktmbuf_chain(m, segment(p + first,
			(uint16_t)(len - first))) != 0)
		die("rte_pktmbuf_chain failed", 0);
	m->ol_flags |= ip_flags[flags & 3] | l4_flags[(flags >> 2) & 3];
	if (rte_ring_enqueue(wire_in[(flags >> 5) & 1], m) != 0)
		rte_pktmbuf_free(m);	/* the "NIC" ring is full: lost */
}

/* --- sends from the application's side ------------------------------ */

static const uint32_t destinations[8] = {
	0,				/* the connected peer, if any */
	IP4(198, 18, 0, 1),		/* the peer */
	IP4(198, 18, 0, 77),		/* a neighbour that never answers */
	IP4(198, 18, 0, 255),		/* subnet broadcast */
	IP4(255, 255, 255, 255),
	IP4(239, 1, 2, 3),		/* the group one socket joined */
	OUR_IP,
	IP4(203, 0, 113, 9),		/* off the subnet: the gateway */
};

static void
send_out(uint8_t which, uint8_t dest, uint16_t len)
{
	static uint8_t payload[SEND_MAX];
	struct dp_sock *s = (which & 0x80) && tcp_conn != NULL ? tcp_conn :
		socks[which % nsocks];
	struct dp_addr to = { destinations[dest & 7], 9 };
	struct dp_iov iov = { payload, len % (SEND_MAX + 1) };

	dp_sock_send(s, &iov, 1, to.ip == 0 || s == tcp_conn ? NULL : &to,
		DP_F_NONBLOCK);
}

/* --- the live TCP connection --------------------------------------- */

/* A segment of the peer's in relative numbers (tcp_relative): flags,
 * seq, ack, and on a SYN the options a Linux peer offers. */
static void
tcp_peer_segment(uint8_t fl, uint32_t seq, uint32_t ack, uint32_t tsval)
{
	static const uint8_t syn_opts[] = {
		2, 4, 0x05, 0xb4,		/* MSS 1460 */
		4, 2,				/* SACK permitted */
		8, 10, 0, 0, 0, 0, 0, 0, 0, 0,	/* timestamps */
		1, 3, 3, 7,			/* NOP, window scale 7 */
	};
	static const uint8_t ts_opts[] = {
		1, 1, 8, 10, 0, 0, 0, 0, 0, 0, 0, 0,
	};
	uint8_t f[RTE_ETHER_HDR_LEN + 20 + 20 + sizeof(syn_opts)];
	const uint8_t *o = fl & RTE_TCP_SYN_FLAG ? syn_opts : ts_opts;
	uint16_t ol = fl & RTE_TCP_SYN_FLAG ? sizeof(syn_opts) :
		sizeof(ts_opts);
	struct rte_ipv4_hdr *ip = (void *)(f + RTE_ETHER_HDR_LEN);
	struct rte_tcp_hdr *th = (void *)(ip + 1);
	uint8_t *ts;

	memset(f, 0, sizeof(f));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(20 + 20 + ol));
	ip->time_to_live = 64;
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = rte_cpu_to_be_32(ack);
	th->data_off = (uint8_t)((20 + ol) / 4 << 4);
	th->tcp_flags = fl;
	th->rx_win = rte_cpu_to_be_16(65535);
	memcpy(th + 1, o, ol);
	ts = (uint8_t *)(th + 1) + (fl & RTE_TCP_SYN_FLAG ? 8 : 4);
	tsval = rte_cpu_to_be_32(tsval);
	memcpy(ts, &tsval, 4);
	tcp_relative(f, (uint16_t)(RTE_ETHER_HDR_LEN + 40 + ol));
	frame_in(0, f, (uint16_t)(RTE_ETHER_HDR_LEN + 40 + ol));
	step_all();
	wire_drain();
}

/* A listener, and a connection to it from the peer, accepted. */
static void
tcp_open(void)
{
	struct dp_addr a = { OUR_IP, TCP_PORT }, from;
	int ret = dp_sock_create(IPPROTO_TCP, &tcp_ls);

	if (ret == 0)
		ret = dp_sock_bind(tcp_ls, &a);
	if (ret == 0)
		ret = dp_sock_listen(tcp_ls, 1);
	if (ret != 0)
		die("TCP listener", ret);
	tcp_synack = false;
	tcp_iss = tcp_tsval = 0;
	tcp_peer_segment(RTE_TCP_SYN_FLAG, UINT32_MAX, 0, 0);
	step_all();
	wire_drain();
	if (!tcp_synack)
		die("no SYN-ACK to the handshake", 0);
	tcp_peer_segment(RTE_TCP_ACK_FLAG, 0, 0, 1);
	ret = dp_sock_accept(tcp_ls, &tcp_conn, &from,
		DP_F_NONBLOCK);
	if (ret != 0)
		die("the handshake's connection not accepted", ret);
}

/* Read it dry as an application would, then abort both. */
static void
tcp_close(void)
{
	static uint8_t buf[65536];
	struct dp_iov iov = { buf, sizeof(buf) };

	for (int k = 0; k < 4096; k++)
		if (dp_sock_recv(tcp_conn, &iov, 1, NULL, NULL,
				DP_F_NONBLOCK) <= 0)
			break;
	dp_sock_take_error(tcp_conn);
	dp_sock_close(tcp_conn, DP_CLOSE_ABORT);
	dp_sock_close(tcp_ls, DP_CLOSE_ABORT);
	tcp_conn = tcp_ls = NULL;
}

/* --- settling and reading ------------------------------------------- */

static bool
quiet(void)
{
	uint64_t dgrams, bytes;

	for (unsigned int i = 0; i < eng->nb_lcores; i++)
		if (!rte_ring_empty(eng->lcores[i]->redirect) ||
				!rte_ring_empty(wire_in[i]))
			return false;
	/* Fragments held wait for the clock (reassembly timeout). */
	dp_ip_reass_usage(eng, &dgrams, &bytes);
	return dgrams == 0 && dp_engine_flushed(eng);
}

/* Step until nothing is left in flight, moving the clock on so that
 * neighbours that never answer are given up on (ARP: 3 s) and
 * incomplete datagrams expire (reassembly: 1 s). */
static void
settle(void)
{
	for (int i = 0; i < SETTLE_ROUNDS && !quiet(); i++) {
		step_all();
		wire_drain();
		clock_advance_us(100000);
	}
	step_all();
	wire_drain();
	if (!quiet())
		die("the engine did not settle", SETTLE_ROUNDS);
}

/* Read everything the input delivered, as an application would. */
static void
read_all(void)
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
	char name[32];
	struct dp_conf c;
	int ret;

	(void)argc;
	(void)argv;
	dp_conf_defaults(&c);
	/* No hugepages, no PCI, no telemetry socket, a prefix of our own:
	 * nothing on the machine is touched or left behind. */
	snprintf(c.eal_args, sizeof(c.eal_args), "--no-huge -m 512 "
		"--no-telemetry --file-prefix=wspdkfuzz%ld", (long)getpid());
	snprintf(c.device, sizeof(c.device), "pair:fuzz");
	c.nb_lcores = NQ;
	for (unsigned int i = 0; i < NQ; i++)
		c.lcore_cpus[i] = (uint16_t)(i % dp_os_cpu_count());
	c.gateway = IP4(198, 18, 0, 254);	/* never answers */
	c.nb_mbufs = 8191;
	c.mtu = 9000;		/* jumbo frames and their fragments too */
	c.arp_qlen = 4;		/* bounds what unresolved neighbours hold */
	/* The TCP peer: its SYN-ACK goes out without an ARP exchange. */
	c.static_arp[0].ip = TCP_PEER;
	memcpy(c.static_arp[0].mac, peer_mac.addr_bytes, 6);
	c.nb_static_arp = 1;
	c.cleanup_ms = 0;
	c.log_level = DP_LOG_ERR;
	eng = dp_start_driven(&c);
	if (eng == NULL)
		die("dp_start_driven failed", -1);
	if (eng->nb_lcores != NQ)
		die("lcores", eng->nb_lcores);
	for (unsigned int q = 0; q < NQ; q++) {
		snprintf(name, sizeof(name), "fuzz_in%u", q);
		wire_in[q] = rte_ring_lookup(name);
		snprintf(name, sizeof(name), "fuzz_out%u", q);
		wire_out[q] = rte_ring_lookup(name);
		if (wire_in[q] == NULL || wire_out[q] == NULL)
			die("pair rings not found", q);
	}
	vnow = rte_rdtsc();
	sock(0, 7, false);				/* echo, wildcard */
	sock(OUR_IP, 53, false);			/* our address */
	sock(0, 5353, true);				/* shared port */
	sock(0, 5353, true);
	ret = dp_sock_connect(sock(0, 9000, false), &peer);
	if (ret != 0)
		die("dp_sock_connect failed", ret);
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
		die("dp_sock_mc_join failed", ret);
	settle();
	baseline = in_use();
	/* gen_corpus.py aims its frames at this address. */
	fprintf(stderr, "fuzz_rx: station " RTE_ETHER_ADDR_PRT_FMT
		" 198.18.0.2/24, %u lcores, %u mbufs in use\n",
		RTE_ETHER_ADDR_BYTES(&eng->mac), eng->nb_lcores, baseline);
	return 0;
}

static uint16_t
le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* Play the input's records; a record cut short ends it. */
static void
play(const uint8_t *p, const uint8_t *end)
{
	for (int r = 0; r < MAX_RECORDS && p < end; r++) {
		uint8_t op = *p++;
		uint16_t len;

		switch (op & 3) {
		case 0:
			if (end - p < 3)
				return;
			len = RTE_MIN(le16(p + 1), (uint16_t)(end - p - 3));
			frame_in(p[0], p + 3, RTE_MIN(len, FRAME_MAX));
			p += 3 + len;
			break;
		case 1:
			if (end - p < 4)
				return;
			send_out(p[0], p[1], le16(p + 2));
			p += 4;
			break;
		case 2:
			if (p == end)
				return;
			clock_advance_us(1ull << (*p++ & 31));
			break;
		case 3:
			step_all();
			wire_drain();
			break;
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int now;

	tcp_open();
	play(data, data + size);
	tcp_close();
	settle();
	read_all();
	now = in_use();
	if (now != baseline) {
		fprintf(stderr, "fuzz_rx: mbuf leak: %u in use, baseline %u, "
			"%u held for ARP\n", now, baseline,
			dp_arp_pending(eng));
		abort();
	}
	return 0;
}
