/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The far end of fuzz_api's pair: device (see fuzz_api.h).
 *
 * Frames put on the wire live in heap buffers of exactly their length
 * (an external buffer attached to an mbuf of the provider's pool, with
 * the usual headroom in front), so ASan sees a parser that reads one
 * byte past a frame; a 2 KB mbuf room would hide it.
 *
 * Mbuf accounting uses the dataplane's own counters, reached with dlsym
 * in the provider the stand-in loaded (the fuzzing build exports them):
 * in use = the pool's count less what sits in application-thread caches,
 * which must come back to the baseline plus frames held for ARP.
 */
#include <dlfcn.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <rte_arp.h>
#include <rte_ethdev.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>
#include <rte_udp.h>

#include "fuzz_api.h"

#define HEADROOM	RTE_PKTMBUF_HEADROOM
#define FRAME_MAX	9216		/* a jumbo frame and then some */
#define QUOTE_MAX	64		/* of the newest datagram we sent */
#define BURST		32
#define PUMP_BURSTS	8

struct dp_engine;

static struct {
	struct rte_ring *in[2], *out[2];
	unsigned int nq;
	struct rte_mempool *mp;
	struct rte_ether_addr mac;	/* the provider's */
	struct dp_engine *(*engine)(void);
	unsigned int (*cache_held)(const struct dp_engine *);
	unsigned int (*arp_held)(const struct dp_engine *);
	unsigned int baseline;
	uint8_t quote[QUOTE_MAX];	/* IP header on, as sent */
	unsigned int quote_len;
} w;

static const struct rte_ether_addr peer_mac = {
	.addr_bytes = { 0x02, 0x00, 0xc6, 0x12, 0x00, 0x01 } };


bool fa_ospath_on;

/*
 * With FUZZ_API_OSPATH set, 127.0.0.1 for the top sixteenth of v:
 * loopback sockets are served by the OS provider (here the Linux
 * stand-in for MSAFD, tests/ws2/os_*.c) behind wspdk's handles, so the
 * calls reach wspdk's forwarding and the stand-in, whose codes the same
 * oracle judges; their traffic stays in the fuzzer's own namespace
 * (fa_netns_enter). The others keep their values. Off by default (CI)
 * until the stand-in's known faults are fixed (a TCP option on a UDP
 * socket fails WSAEOPNOTSUPP, not WSAENOPROTOOPT).
 */
uint32_t
fa_addr_pick(uint8_t v)
{
	static const uint32_t a[] = { FA_IP, FA_PEER, FA_OTHER, FA_SILENT,
		FA_BCAST, FA_MCAST, FA_OFFNET, 0, 0xffffffffu, 0xc6120063u,
		0xc6120000u, 0xe0000001u };

	if (fa_ospath_on && v >= 0xf0)
		return FA_LOOPBACK;
	return a[v % RTE_DIM(a)];
}

/* A network namespace of our own, lo up: the OS path's kernel sockets
 * (127.0.0.1, random ports) meet nothing of the machine's. */
void
fa_netns_enter(void)
{
	struct ifreq ifr;
	int fd;

	if (unshare(CLONE_NEWNET) != 0)
		fa_die("unshare(CLONE_NEWNET): %s (run as root)",
			strerror(errno));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) != 0)
		fa_die("lo: %s", strerror(errno));
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) != 0)
		fa_die("lo up: %s", strerror(errno));
	close(fd);
}

static void *
hook(void *dl, const char *name)
{
	void *p = dlsym(dl, name);

	if (p == NULL)
		fa_die("the provider has no %s (not the fuzzing build?)", name);
	return p;
}

static void
find_rings(unsigned int nq)
{
	char name[64];

	w.nq = nq;
	for (unsigned int q = 0; q < nq; q++) {
		snprintf(name, sizeof(name), nq == 1 ? "%s_in" : "%s_in%u",
			FA_RING, q);
		w.in[q] = rte_ring_lookup(name);
		snprintf(name, sizeof(name), nq == 1 ? "%s_out" : "%s_out%u",
			FA_RING, q);
		w.out[q] = rte_ring_lookup(name);
		if (w.in[q] == NULL || w.out[q] == NULL)
			fa_die("the pair device's rings are not there");
	}
}

void
fa_wire_init(const char *provider_path, unsigned int nb_queues)
{
	void *dl = dlopen(provider_path, RTLD_NOW | RTLD_NOLOAD);
	uint16_t port;

	if (dl == NULL)
		fa_die("the provider is not loaded");
	w.engine = (struct dp_engine *(*)(void))hook(dl,
		"dp_engine_running");
	w.cache_held = (unsigned int (*)(const struct dp_engine *))hook(dl,
		"dp_mcache_held");
	w.arp_held = (unsigned int (*)(const struct dp_engine *))hook(dl,
		"dp_arp_pending");
	find_rings(nb_queues);
	w.mp = rte_mempool_lookup("wspdk_mbuf");
	port = rte_eth_find_next_owned_by(0, RTE_ETH_DEV_NO_OWNER);
	if (w.mp == NULL || port >= RTE_MAX_ETHPORTS ||
			rte_eth_macaddr_get(port, &w.mac) != 0)
		fa_die("no pool or port");
}

/* Frames on the wire are the provider's mbufs with our buffers. */
static void
ext_free(void *addr, void *opaque)
{
	free(addr);
	free(opaque);
}

static void
wire_put(unsigned int q, const uint8_t *f, uint16_t len)
{
	struct rte_mbuf_ext_shared_info *sh = malloc(sizeof(*sh));
	uint8_t *buf = malloc((size_t)HEADROOM + len);
	struct rte_mbuf *m = rte_pktmbuf_alloc(w.mp);

	if (sh == NULL || buf == NULL || m == NULL) {
		free(sh);
		free(buf);
		rte_pktmbuf_free(m);
		return;		/* the pool may be short: the stack's business */
	}
	memcpy(buf + HEADROOM, f, len);
	sh->free_cb = ext_free;
	sh->fcb_opaque = sh;
	rte_mbuf_ext_refcnt_set(sh, 1);
	rte_pktmbuf_attach_extbuf(m, buf, rte_mem_virt2iova(buf),
		(uint16_t)(HEADROOM + len), sh);
	m->data_off = HEADROOM;
	m->data_len = len;
	m->pkt_len = len;
	if (rte_ring_enqueue(w.in[q % w.nq], m) != 0)
		rte_pktmbuf_free(m);
}

static uint8_t *
eth(uint8_t *f, const struct rte_ether_addr *dst, uint16_t type)
{
	struct rte_ether_hdr *e = (struct rte_ether_hdr *)f;

	e->dst_addr = *dst;
	e->src_addr = peer_mac;
	e->ether_type = rte_cpu_to_be_16(type);
	return f + sizeof(*e);
}

static void
arp_reply_to(unsigned int q, uint32_t ip_be, const struct rte_ether_addr *ha)
{
	uint8_t f[sizeof(struct rte_ether_hdr) + sizeof(struct rte_arp_hdr)];
	struct rte_arp_hdr *a = (struct rte_arp_hdr *)eth(f, &w.mac,
		RTE_ETHER_TYPE_ARP);

	a->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	a->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = RTE_ETHER_ADDR_LEN;
	a->arp_plen = 4;
	a->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REPLY);
	a->arp_data.arp_sha = *ha;
	a->arp_data.arp_sip = ip_be;
	a->arp_data.arp_tha = w.mac;
	a->arp_data.arp_tip = rte_cpu_to_be_32(FA_IP);
	wire_put(q, f, sizeof(f));
}

/* What the provider sent: answer ARP, remember UDP for ICMP quotes. */
static void
look_at(unsigned int q, const struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	const struct rte_ether_hdr *e = (const struct rte_ether_hdr *)p;
	const struct rte_arp_hdr *a;
	uint32_t tip;

	if (m->data_len < sizeof(*e) + sizeof(*a))
		return;
	if (e->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4)) {
		const struct rte_ipv4_hdr *ip =
			(const struct rte_ipv4_hdr *)(e + 1);
		uint32_t dst = rte_be_to_cpu_32(ip->dst_addr);

		if (ip->next_proto_id == IPPROTO_UDP) {
			w.quote_len = RTE_MIN(m->data_len - sizeof(*e),
				(unsigned int)QUOTE_MAX);
			memcpy(w.quote, p + sizeof(*e), w.quote_len);
		}
		/* The wire loops back what is for us, everyone or a
		 * group: our sockets talk to each other through the
		 * whole stack, as on the loop device. */
		if (dst == FA_IP || dst == FA_BCAST || dst == 0xffffffffu ||
				(dst >> 28) == 0xe)
			wire_put(q, p, m->data_len);
		return;
	}
	if (e->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP))
		return;
	a = (const struct rte_arp_hdr *)(e + 1);
	tip = rte_be_to_cpu_32(a->arp_data.arp_tip);
	/* Everyone on the subnet answers but FA_SILENT (and us). */
	if (a->arp_opcode == rte_cpu_to_be_16(RTE_ARP_OP_REQUEST) &&
			(tip >> 8) == (FA_IP >> 8) && tip != FA_IP &&
			tip != FA_SILENT) {
		struct rte_ether_addr ha = peer_mac;

		ha.addr_bytes[5] = (uint8_t)tip;
		arp_reply_to(q, a->arp_data.arp_tip, &ha);
	}
}

void
fa_wire_pump(void)
{
	struct rte_mbuf *m[BURST];

	for (unsigned int q = 0; q < w.nq; q++) {
		for (int b = 0; b < PUMP_BURSTS; b++) {
			unsigned int n = rte_ring_dequeue_burst(w.out[q],
				(void **)m, BURST, NULL);

			for (unsigned int i = 0; i < n; i++) {
				look_at(q, m[i]);
				rte_pktmbuf_free(m[i]);
			}
			if (n < BURST)
				break;
		}
	}
}

static uint8_t *
ip4(uint8_t *p, uint8_t proto, uint32_t src, uint32_t dst, uint16_t len)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)p;

	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(len);
	ip->time_to_live = 64;
	ip->next_proto_id = proto;
	ip->src_addr = rte_cpu_to_be_32(src);
	ip->dst_addr = rte_cpu_to_be_32(dst);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return p + sizeof(*ip);
}

static const struct rte_ether_addr *
dst_mac(uint32_t dst)
{
	static const struct rte_ether_addr bcast = {
		.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	static struct rte_ether_addr mc = {
		.addr_bytes = { 0x01, 0x00, 0x5e, 0, 0, 0 } };

	if (dst == FA_BCAST || dst == 0xffffffffu)
		return &bcast;
	if ((dst >> 28) == 0xe) {
		mc.addr_bytes[3] = (uint8_t)(dst >> 16) & 0x7f;
		mc.addr_bytes[4] = (uint8_t)(dst >> 8);
		mc.addr_bytes[5] = (uint8_t)dst;
		return &mc;
	}
	return &w.mac;
}

/*
 * Damage a built IPv4 packet as flags say, after its checksums: the
 * parser must not trust lengths, header sizes or fragment fields.
 */
static uint16_t
damage(uint8_t *ip_p, uint16_t len, uint8_t flags, struct fa_in *in)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)ip_p;

	if (flags & 0x01)
		ip->hdr_checksum ^= 0x0101;
	if (flags & 0x02)
		ip->version_ihl = (uint8_t)(0x40 | (fa_u8(in) & 0xf));
	if (flags & 0x04)
		ip->total_length = rte_cpu_to_be_16(fa_u16(in));
	if (flags & 0x08)
		ip->fragment_offset = rte_cpu_to_be_16(fa_u16(in));
	if (flags & 0x10)
		len = (uint16_t)(fa_u16(in) % (len + 1));	/* cut short */
	if (flags & 0x20)
		ip->version_ihl = (uint8_t)fa_u8(in);
	return len;
}

static void
inject_udp(struct fa_in *in, unsigned int q, const uint16_t *ports,
		unsigned int nports)
{
	static uint8_t f[FRAME_MAX];
	uint8_t sel = fa_u8(in), flags = fa_u8(in), opt = fa_u8(in);
	uint32_t dst = fa_addr_pick(sel >> 4), src = fa_addr_pick(sel);
	uint16_t dport = nports > 0 && !(opt & 1) ?
		ports[fa_u8(in) % nports] : fa_u16(in);
	uint16_t plen = fa_u16(in) % 1600, len;
	uint8_t *ipp = eth(f, dst_mac(dst), RTE_ETHER_TYPE_IPV4), *p;
	struct rte_udp_hdr *u;

	if (opt & 2)
		plen = fa_u16(in) % (FRAME_MAX - 64);	/* past the MTU */
	p = ip4(ipp, IPPROTO_UDP, src, dst, (uint16_t)(20 + 8 + plen));
	u = (struct rte_udp_hdr *)p;
	u->src_port = rte_cpu_to_be_16(fa_u16(in));
	u->dst_port = rte_cpu_to_be_16(dport);
	u->dgram_len = rte_cpu_to_be_16((uint16_t)(8 + plen));
	u->dgram_cksum = 0;
	fa_bytes(in, u + 1, plen);
	if (!(opt & 4))		/* else 0: no checksum */
		u->dgram_cksum = rte_ipv4_udptcp_cksum(
			(struct rte_ipv4_hdr *)ipp, u);
	len = damage(ipp, (uint16_t)(20 + 8 + plen), flags, in);
	wire_put(q, f, (uint16_t)(14 + len));
}

/* An ICMP error quoting the newest datagram we saw the provider send. */
static void
inject_icmp_error(struct fa_in *in, unsigned int q)
{
	static const uint8_t types[][2] = { { 3, 3 }, { 3, 1 }, { 3, 4 },
		{ 3, 13 }, { 11, 0 }, { 12, 0 }, { 4, 0 }, { 5, 1 } };
	uint8_t f[14 + 20 + 8 + QUOTE_MAX + 8];
	uint8_t t = fa_u8(in), flags = fa_u8(in), *ipp, *p;
	unsigned int ql = fa_u8(in) % (w.quote_len + 1);
	struct rte_icmp_hdr *ic;
	uint16_t len;

	ipp = eth(f, &w.mac, RTE_ETHER_TYPE_IPV4);
	p = ip4(ipp, IPPROTO_ICMP, fa_addr_pick(t >> 4), FA_IP,
		(uint16_t)(20 + 8 + ql));
	ic = (struct rte_icmp_hdr *)p;
	memset(ic, 0, sizeof(*ic));
	ic->icmp_type = types[t % RTE_DIM(types)][0];
	ic->icmp_code = (flags & 0x40) ? fa_u8(in) :
		types[t % RTE_DIM(types)][1];
	memcpy(ic + 1, w.quote, ql);
	if (flags & 0x80 && ql > 0)
		((uint8_t *)(ic + 1))[0] = fa_u8(in);	/* the quote's IHL */
	ic->icmp_cksum = (uint16_t)~rte_raw_cksum(ic, 8 + ql);
	len = damage(ipp, (uint16_t)(20 + 8 + ql), flags & 0x3f, in);
	wire_put(q, f, (uint16_t)(14 + len));
}

static void
inject_arp(struct fa_in *in, unsigned int q)
{
	uint8_t f[sizeof(struct rte_ether_hdr) + sizeof(struct rte_arp_hdr)];
	uint8_t sel = fa_u8(in), flags = fa_u8(in);
	struct rte_arp_hdr *a = (struct rte_arp_hdr *)eth(f,
		(flags & 1) ? dst_mac(FA_BCAST) : &w.mac, RTE_ETHER_TYPE_ARP);
	struct rte_ether_addr ha = peer_mac;

	ha.addr_bytes[5] = fa_u8(in);
	a->arp_hardware = rte_cpu_to_be_16((flags & 2) ? fa_u16(in) :
		RTE_ARP_HRD_ETHER);
	a->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = (flags & 4) ? fa_u8(in) : RTE_ETHER_ADDR_LEN;
	a->arp_plen = (flags & 4) ? fa_u8(in) : 4;
	a->arp_opcode = rte_cpu_to_be_16((flags & 8) ? RTE_ARP_OP_REPLY :
		RTE_ARP_OP_REQUEST);
	a->arp_data.arp_sha = ha;
	a->arp_data.arp_sip = rte_cpu_to_be_32(fa_addr_pick(sel));
	memset(&a->arp_data.arp_tha, 0, sizeof(a->arp_data.arp_tha));
	a->arp_data.arp_tip = rte_cpu_to_be_32(fa_addr_pick(sel >> 4));
	wire_put(q, f, (flags & 0x10) ? (uint16_t)(fa_u8(in) % sizeof(f)) :
		(uint16_t)sizeof(f));
}

static void
inject_echo(struct fa_in *in, unsigned int q)
{
	uint8_t f[14 + 20 + 8 + 256], *ipp, *p;
	uint16_t plen = fa_u8(in);
	uint8_t flags = fa_u8(in);
	struct rte_icmp_hdr *ic;

	ipp = eth(f, &w.mac, RTE_ETHER_TYPE_IPV4);
	p = ip4(ipp, IPPROTO_ICMP, fa_addr_pick(fa_u8(in)), FA_IP,
		(uint16_t)(20 + 8 + plen));
	ic = (struct rte_icmp_hdr *)p;
	memset(ic, 0, sizeof(*ic));
	ic->icmp_type = RTE_IP_ICMP_ECHO_REQUEST;
	ic->icmp_ident = fa_u16(in);
	fa_bytes(in, ic + 1, plen);
	ic->icmp_cksum = (uint16_t)~rte_raw_cksum(ic, 8 + plen);
	wire_put(q, f, (uint16_t)(14 + damage(ipp, (uint16_t)(20 + 8 + plen),
		flags, in)));
}

/* Any bytes at all, with an Ethernet header that reaches a parser. */
static void
inject_junk(struct fa_in *in, unsigned int q)
{
	static const uint16_t types[] = { RTE_ETHER_TYPE_IPV4,
		RTE_ETHER_TYPE_ARP, RTE_ETHER_TYPE_VLAN, 0x88cc };
	uint8_t f[14 + 256];
	uint8_t sel = fa_u8(in);
	uint16_t len = fa_u8(in);

	fa_bytes(in, eth(f, (sel & 4) ? dst_mac(FA_BCAST) : &w.mac,
		types[sel & 3]), len);
	wire_put(q, f, (uint16_t)((sel & 8) ? len % 14 : 14 + len));
}

void
fa_wire_inject(struct fa_in *in, const uint16_t *ports, unsigned int nports)
{
	uint8_t kind = fa_u8(in);
	unsigned int q = kind >> 7;

	switch (kind % 5) {
	case 0:
		inject_udp(in, q, ports, nports);
		break;
	case 1:
		inject_icmp_error(in, q);
		break;
	case 2:
		inject_arp(in, q);
		break;
	case 3:
		inject_echo(in, q);
		break;
	default:
		inject_junk(in, q);
		break;
	}
}

static unsigned int
in_use(struct dp_engine *eng)
{
	return rte_mempool_in_use_count(w.mp) - w.cache_held(eng);
}

void
fa_wire_set_baseline(void)
{
	struct dp_engine *eng = w.engine();

	/* What the start sent (a gratuitous ARP) is off the wire, and the
	 * lcores have been idle a while. */
	for (int i = 0; i < 200; i++) {
		fa_wire_pump();
		rte_delay_us_sleep(1000);
	}
	w.baseline = in_use(eng) - w.arp_held(eng);
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

bool
fa_wire_settle(unsigned int ms, char *why, size_t len)
{
	struct dp_engine *eng = w.engine();
	uint64_t deadline = now_ms() + ms;
	unsigned int used = 0, held = 0, wire = 0;

	if (eng == NULL)
		fa_die("the engine is not running");
	for (;;) {
		fa_wire_pump();
		wire = 0;
		for (unsigned int q = 0; q < w.nq; q++)
			wire += rte_ring_count(w.in[q]);
		used = in_use(eng);
		held = w.arp_held(eng);
		if (wire == 0 && used == w.baseline + held)
			return true;
		if (now_ms() >= deadline)
			break;
		rte_delay_us_sleep(20);
	}
	snprintf(why, len, "%u mbufs in use, baseline %u, %u held for ARP, "
		"%u frames still on the wire", used, w.baseline, held, wire);
	return false;
}
