/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vnet-hdr tap's bursts (drivers/drv_vtap.c) over a datagram
 * socketpair standing in for the tun fd: one datagram per read or
 * write, as tun gives and takes frames. The test plays the kernel:
 * it writes virtio_net_hdr + frame, lies included, and reads what the
 * port writes. Every drop is counted in its class, and every mbuf is
 * back once the device is closed. The receive's clock is the test's
 * (vt_env.now): most tests read once the idle bound has passed.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/virtio_net.h>

#include <CUnit/CUnit.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "drv_vtap.h"
#include "ut.h"

#define HDRS	(RTE_ETHER_HDR_LEN + 20 + 20)	/* Ethernet, IPv4, TCP */
#define MSS	1448
#define BIG	64000				/* a GSO frame's length */

struct vt_env {
	struct drv_vtap *vt;
	int peer;		/* the "kernel" end */
	unsigned int mbufs0;	/* in use before */
	uint64_t now;		/* the receive's TSC clock */
};

/* TSC cycles per microsecond: the receive's idle back-off counts in
 * them. */
static uint64_t
us_tsc(void)
{
	return rte_get_tsc_hz() / 1000000;
}

static void
vt_up(struct vt_env *e)
{
	int sv[2];

	e->mbufs0 = ut_mbufs_in_use();
	CU_ASSERT_EQUAL_FATAL(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	CU_ASSERT_EQUAL_FATAL(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
	e->peer = sv[1];
	e->now = 1;
	e->vt = drv_vtap_attach(&sv[0], 1, ut_eng()->mp, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e->vt);
}

/* A receive once the idle bound has passed: the fd is looked at. */
static uint16_t
vt_rx(struct vt_env *e, struct rte_mbuf **m, uint16_t n)
{
	e->now += us_tsc() * DRV_VTAP_RX_IDLE_MAX_US;
	return drv_vtap_rx(e->vt, 0, m, n, e->now);
}

/* Close it: every mbuf it kept for reading is back. */
static void
vt_down(struct vt_env *e)
{
	drv_vtap_close(e->vt);
	close(e->peer);
	CU_ASSERT_EQUAL(ut_mbufs_in_use(), e->mbufs0);
}

/* An Ethernet/IPv4/TCP frame of len bytes, payload byte i = i * 7. */
static uint8_t *
tcp_frame(uint32_t len)
{
	uint8_t *f = calloc(1, len);
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)f;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eh + 1);
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(len -
		RTE_ETHER_HDR_LEN));
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_TCP;
	ip->src_addr = rte_cpu_to_be_32(UT_PEER);
	ip->dst_addr = rte_cpu_to_be_32(UT_IP);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	th->data_off = 5 << 4;
	th->tcp_flags = RTE_TCP_ACK_FLAG;
	for (uint32_t i = HDRS; i < len; i++)
		f[i] = (uint8_t)(i * 7);
	return f;
}

static void
peer_write(struct vt_env *e, const struct virtio_net_hdr *h,
		const void *frame, size_t len)
{
	struct iovec iov[2] = {
		{ (void *)(uintptr_t)h, sizeof(*h) },
		{ (void *)(uintptr_t)frame, len },
	};

	CU_ASSERT_EQUAL_FATAL(writev(e->peer, iov, 2),
		(ssize_t)(sizeof(*h) + len));
}

static struct virtio_net_hdr
gso_hdr(void)
{
	return (struct virtio_net_hdr){
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		.gso_type = VIRTIO_NET_HDR_GSO_TCPV4,
		.hdr_len = HDRS, .gso_size = MSS,
		.csum_start = RTE_ETHER_HDR_LEN + 20,
		.csum_offset = offsetof(struct rte_tcp_hdr, cksum),
	};
}

/* A 64 000-byte GSO frame is one read: one chain, byte-exact, marked as
 * LRO would mark it with the kernel's segment size, its sum good. */
static void
test_vtap_rx_gso_frame_arrives_as_one_lro_chain_checksum_good(void)
{
	struct virtio_net_hdr h = gso_hdr();
	uint8_t *f = tcp_frame(BIG), *got = malloc(BIG);
	struct drv_vtap_qstats st;
	struct rte_mbuf *m[4];
	struct vt_env e;

	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	vt_up(&e);
	peer_write(&e, &h, f, BIG);
	CU_ASSERT_EQUAL_FATAL(vt_rx(&e, m, 4), 1);
	CU_ASSERT_EQUAL(m[0]->pkt_len, BIG);
	CU_ASSERT(m[0]->nb_segs > 1);
	CU_ASSERT(m[0]->ol_flags & RTE_MBUF_F_RX_LRO);
	CU_ASSERT_EQUAL(m[0]->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK,
		RTE_MBUF_F_RX_L4_CKSUM_GOOD);
	CU_ASSERT_EQUAL(m[0]->tso_segsz, MSS);
	CU_ASSERT(memcmp(rte_pktmbuf_read(m[0], 0, BIG, got), f, BIG) == 0);
	rte_pktmbuf_free(m[0]);
	/* Nothing more to read: no frame, nothing counted. */
	CU_ASSERT_EQUAL(vt_rx(&e, m, 4), 0);
	drv_vtap_qstats(e.vt, 0, &st);
	CU_ASSERT_EQUAL(st.ipackets, 1);
	CU_ASSERT_EQUAL(st.ibytes, BIG);
	CU_ASSERT_EQUAL(st.rx_gso, 1);
	CU_ASSERT_EQUAL(st.rx_bad_hdr + st.rx_short + st.rx_too_long +
		st.rx_errors + st.rx_nombuf, 0);
	vt_down(&e);
	free(f);
	free(got);
}

/* A plain frame (flags 0) arrives unmarked: the stack verifies it. */
static void
test_vtap_rx_plain_frame_arrives_unmarked(void)
{
	struct virtio_net_hdr h = { 0 };
	uint8_t *f = tcp_frame(100);
	struct rte_mbuf *m;
	struct vt_env e;

	vt_up(&e);
	peer_write(&e, &h, f, 100);
	CU_ASSERT_EQUAL_FATAL(vt_rx(&e, &m, 1), 1);
	CU_ASSERT_EQUAL(m->pkt_len, 100);
	CU_ASSERT_EQUAL(m->nb_segs, 1);
	CU_ASSERT_EQUAL(m->ol_flags & (RTE_MBUF_F_RX_LRO |
		RTE_MBUF_F_RX_L4_CKSUM_MASK | RTE_MBUF_F_RX_IP_CKSUM_MASK), 0);
	rte_pktmbuf_free(m);
	vt_down(&e);
	free(f);
}

/* Headers that lie about their frame, or ask for what was not
 * negotiated; reads too short or too long: each dropped in its class,
 * and a good frame behind them still arrives. */
static void
test_vtap_rx_lies_short_and_long_reads_are_counted_not_kept(void)
{
	static const uint32_t lens[] = { 60, 1514, BIG };
	struct virtio_net_hdr lies[8];
	uint8_t *f = tcp_frame(65536 + 64 + 1);
	struct virtio_net_hdr h = gso_hdr();
	struct drv_vtap_qstats st;
	struct rte_mbuf *m[8];
	unsigned int nl = 0, bad = 0;
	struct vt_env e;

	vt_up(&e);
	/* gso_size 0; csum_start beyond the frame; hdr_len > len;
	 * RSC_INFO (not negotiated); UFO; ECN without GSO; GSO without
	 * NEEDS_CSUM; TCPv6 GSO (not negotiated). */
	lies[nl] = gso_hdr();
	lies[nl++].gso_size = 0;
	lies[nl] = gso_hdr();
	lies[nl++].csum_start = 65000;
	lies[nl] = gso_hdr();
	lies[nl++].hdr_len = 65535;
	lies[nl] = gso_hdr();
	lies[nl++].flags |= VIRTIO_NET_HDR_F_RSC_INFO;
	lies[nl] = gso_hdr();
	lies[nl++].gso_type = VIRTIO_NET_HDR_GSO_UDP;
	lies[nl] = (struct virtio_net_hdr){
		.gso_type = VIRTIO_NET_HDR_GSO_ECN };
	nl++;
	lies[nl] = gso_hdr();
	lies[nl++].flags = VIRTIO_NET_HDR_F_DATA_VALID;
	lies[nl] = gso_hdr();
	lies[nl++].gso_type = VIRTIO_NET_HDR_GSO_TCPV6;
	for (unsigned int i = 0; i < nl; i++) {
		for (unsigned int j = 0; j < RTE_DIM(lens); j++) {
			peer_write(&e, &lies[i], f, lens[j]);
			CU_ASSERT_EQUAL(vt_rx(&e, m, 8), 0);
			bad++;
		}
	}
	/* Shorter than the header; a header and no Ethernet; nothing. */
	CU_ASSERT_EQUAL(write(e.peer, f, 5), 5);
	CU_ASSERT_EQUAL(write(e.peer, f, sizeof(h) + 10),
		(ssize_t)(sizeof(h) + 10));
	CU_ASSERT_EQUAL(write(e.peer, f, 0), 0);
	/* Larger than any frame the kernel gives: maybe cut. */
	peer_write(&e, &h, f, 65536 + 64 + 1);
	/* Then a good one. */
	peer_write(&e, &h, f, BIG);
	CU_ASSERT_EQUAL(vt_rx(&e, m, 8), 1);
	rte_pktmbuf_free(m[0]);
	drv_vtap_qstats(e.vt, 0, &st);
	CU_ASSERT_EQUAL(st.rx_bad_hdr, bad);
	CU_ASSERT_EQUAL(st.rx_short, 3);
	CU_ASSERT_EQUAL(st.rx_too_long, 1);
	CU_ASSERT_EQUAL(st.ipackets, 1);
	CU_ASSERT_EQUAL(st.rx_errors, 0);
	vt_down(&e);
	free(f);
}

/* Random headers over random lengths (seeded): never a crash, every
 * read either kept or counted, no mbuf lost. */
static void
test_vtap_rx_random_headers_are_kept_or_counted(void)
{
	uint8_t *f = tcp_frame(BIG);
	struct drv_vtap_qstats st;
	struct rte_mbuf *m[4];
	unsigned int kept = 0, n = 2000;
	struct vt_env e;

	srand(13);
	vt_up(&e);
	for (unsigned int i = 0; i < n; i++) {
		struct virtio_net_hdr h;
		uint32_t len = (uint32_t)rand() % (i % 10 == 0 ? BIG : 1600);

		for (size_t b = 0; b < sizeof(h); b++)
			((uint8_t *)&h)[b] = (uint8_t)rand();
		if (i % 3 == 0) {	/* a plausible one */
			h.flags &= VIRTIO_NET_HDR_F_NEEDS_CSUM;
			h.gso_type &= VIRTIO_NET_HDR_GSO_TCPV4;
			h.hdr_len %= 80;
			h.csum_start %= 100;
			h.csum_offset %= 20;
		}
		peer_write(&e, &h, f, len);
		if (vt_rx(&e, m, 4) == 1) {
			kept++;
			CU_ASSERT_EQUAL(m[0]->pkt_len, len);
			rte_pktmbuf_free(m[0]);
		}
	}
	drv_vtap_qstats(e.vt, 0, &st);
	CU_ASSERT_EQUAL(st.ipackets, kept);
	CU_ASSERT_EQUAL(st.ipackets + st.rx_bad_hdr + st.rx_short, n);
	CU_ASSERT(kept > 0);
	vt_down(&e);
	free(f);
}

/* Sum from byte `start` to the end into the field at start + off, as
 * the kernel finishes a NEEDS_CSUM frame. */
static void
finish_csum(uint8_t *f, uint32_t len, uint16_t start, uint16_t off)
{
	uint16_t s = rte_raw_cksum(f + start, len - start);

	s = (uint16_t)~s;
	memcpy(f + start + off, &s, 2);
}

/* A TSO chain of a header mbuf, direct payload mbufs and one attached
 * (indirect) one goes out as ONE write: a TCPv4 GSO header whose
 * fields describe it, the IPv4 header summed, the TCP sum completed
 * by NEEDS_CSUM's rule valid, the bytes in order. */
static void
test_vtap_tx_tso_chain_is_one_gso_write_the_kernel_can_finish(void)
{
	const uint32_t pay = 20 * 1000, len = HDRS + pay;
	uint8_t *f = tcp_frame(len), *got = malloc(len + 64);
	struct rte_mempool *mp = ut_eng()->mp;
	struct rte_mbuf *head, *m, *ind, *src;
	struct virtio_net_hdr h;
	struct drv_vtap_qstats st;
	struct rte_ipv4_hdr *ip;
	struct vt_env e;
	ssize_t r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	vt_up(&e);
	head = rte_pktmbuf_alloc(mp);
	CU_ASSERT_PTR_NOT_NULL_FATAL(head);
	memcpy(rte_pktmbuf_append(head, HDRS), f, HDRS);
	for (uint32_t o = HDRS; o < len; o += 1000) {
		m = rte_pktmbuf_alloc(mp);
		CU_ASSERT_PTR_NOT_NULL_FATAL(m);
		memcpy(rte_pktmbuf_append(m, 1000), f + o, 1000);
		if (o == HDRS + 5000) {
			/* Payload another mbuf owns, as a zero-copy TSO. */
			src = m;
			ind = rte_pktmbuf_alloc(mp);
			CU_ASSERT_PTR_NOT_NULL_FATAL(ind);
			rte_pktmbuf_attach(ind, src);
			rte_pktmbuf_free(src);
			m = ind;
		}
		CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_chain(head, m), 0);
	}
	ip = rte_pktmbuf_mtod_offset(head, struct rte_ipv4_hdr *,
		RTE_ETHER_HDR_LEN);
	ip->hdr_checksum = 0;
	head->l2_len = RTE_ETHER_HDR_LEN;
	head->l3_len = 20;
	head->l4_len = 20;
	head->tso_segsz = MSS;
	head->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM |
		RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_TCP_CKSUM;
	rte_pktmbuf_mtod_offset(head, struct rte_tcp_hdr *, 34)->cksum =
		rte_ipv4_phdr_cksum(ip, head->ol_flags);
	CU_ASSERT_EQUAL(drv_vtap_tx(e.vt, 0, &head, 1), 1);
	{
		struct iovec iov[2] = { { &h, sizeof(h) },
			{ got, len + 64 } };

		r = readv(e.peer, iov, 2);
	}
	CU_ASSERT_EQUAL_FATAL(r, (ssize_t)(sizeof(h) + len));
	CU_ASSERT_EQUAL(h.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	CU_ASSERT_EQUAL(h.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
	CU_ASSERT_EQUAL(h.gso_size, MSS);
	CU_ASSERT_EQUAL(h.hdr_len, HDRS);
	CU_ASSERT_EQUAL(h.csum_start, RTE_ETHER_HDR_LEN + 20);
	CU_ASSERT_EQUAL(h.csum_offset, offsetof(struct rte_tcp_hdr, cksum));
	ip = (struct rte_ipv4_hdr *)(got + RTE_ETHER_HDR_LEN);
	{
		uint16_t sum = ip->hdr_checksum;

		ip->hdr_checksum = 0;
		CU_ASSERT_EQUAL(rte_ipv4_cksum(ip), sum);
		ip->hdr_checksum = sum;
	}
	finish_csum(got, len, h.csum_start, h.csum_offset);
	CU_ASSERT_EQUAL(rte_ipv4_udptcp_cksum_verify(ip, ip + 1), 0);
	CU_ASSERT(memcmp(got + HDRS, f + HDRS, pay) == 0);
	drv_vtap_qstats(e.vt, 0, &st);
	CU_ASSERT_EQUAL(st.opackets, 1);
	CU_ASSERT_EQUAL(st.tx_gso, 1);
	CU_ASSERT_EQUAL(st.obytes, len);
	vt_down(&e);
	free(f);
	free(got);
}

/* A UDP datagram whose sum was left to the port goes out NEEDS_CSUM at
 * the UDP checksum; one that asked nothing goes out with a zero
 * header; a chain whose headers are not in its first mbuf is counted
 * and freed. */
static void
test_vtap_tx_single_frames_needs_csum_only_when_left_to_the_port(void)
{
	struct rte_mempool *mp = ut_eng()->mp;
	struct virtio_net_hdr h, zero = { 0 };
	struct drv_vtap_qstats st;
	struct rte_mbuf *m[3];
	uint8_t buf[256];
	struct vt_env e;

	vt_up(&e);
	for (unsigned int i = 0; i < 3; i++) {
		m[i] = rte_pktmbuf_alloc(mp);
		CU_ASSERT_PTR_NOT_NULL_FATAL(m[i]);
		memset(rte_pktmbuf_append(m[i], 60), 0, 60);
		m[i]->l2_len = RTE_ETHER_HDR_LEN;
		m[i]->l3_len = 20;
	}
	rte_pktmbuf_mtod_offset(m[0], struct rte_ipv4_hdr *,
		RTE_ETHER_HDR_LEN)->version_ihl = RTE_IPV4_VHL_DEF;
	m[0]->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_UDP_CKSUM;
	m[2]->data_len = m[2]->pkt_len = 20;	/* headers cut short */
	m[2]->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM;
	CU_ASSERT_EQUAL(drv_vtap_tx(e.vt, 0, m, 3), 3);
	{
		struct iovec iov[2] = { { &h, sizeof(h) },
			{ buf, sizeof(buf) } };

		CU_ASSERT_EQUAL(readv(e.peer, iov, 2),
			(ssize_t)(sizeof(h) + 60));
		CU_ASSERT_EQUAL(h.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
		CU_ASSERT_EQUAL(h.gso_type, VIRTIO_NET_HDR_GSO_NONE);
		CU_ASSERT_EQUAL(h.csum_start, RTE_ETHER_HDR_LEN + 20);
		CU_ASSERT_EQUAL(h.csum_offset,
			offsetof(struct rte_udp_hdr, dgram_cksum));
		CU_ASSERT_EQUAL(readv(e.peer, iov, 2),
			(ssize_t)(sizeof(h) + 60));
		CU_ASSERT(memcmp(&h, &zero, sizeof(h)) == 0);
	}
	drv_vtap_qstats(e.vt, 0, &st);
	CU_ASSERT_EQUAL(st.opackets, 2);
	CU_ASSERT_EQUAL(st.tx_bad, 1);
	vt_down(&e);
}

/* Idle: look at the empty fd until the back-off is at its bound. */
static void
vt_idle(struct vt_env *e)
{
	struct rte_mbuf *m;

	for (unsigned int i = 0; i < 8; i++)
		CU_ASSERT_EQUAL(vt_rx(e, &m, 1), 0);
}

/* One 60-byte frame of ours written, and the kernel's end reads it. */
static void
vt_write_one(struct vt_env *e)
{
	uint8_t buf[128];
	struct rte_mbuf *m = rte_pktmbuf_alloc(ut_eng()->mp);

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	memset(rte_pktmbuf_append(m, 60), 0, 60);
	CU_ASSERT_EQUAL(drv_vtap_tx(e->vt, 0, &m, 1), 1);
	CU_ASSERT_EQUAL(read(e->peer, buf, sizeof(buf)),
		(ssize_t)(sizeof(struct virtio_net_hdr) + 60));
}

/* A frame that comes while the receive backs off is not looked for at
 * once (the syscalls an idle lcore saves), and is read within
 * DRV_VTAP_RX_IDLE_MAX_US of the clock, called every microsecond. */
static void
test_vtap_rx_frame_arriving_while_idle_is_read_within_the_bound(void)
{
	struct virtio_net_hdr h = { 0 };
	uint8_t *f = tcp_frame(100);
	struct rte_mbuf *m = NULL;
	struct vt_env e;
	unsigned int us;

	vt_up(&e);
	vt_idle(&e);
	peer_write(&e, &h, f, 100);
	CU_ASSERT_EQUAL(drv_vtap_rx(e.vt, 0, &m, 1, e.now), 0);
	for (us = 1; us <= DRV_VTAP_RX_IDLE_MAX_US; us++)
		if (drv_vtap_rx(e.vt, 0, &m, 1, e.now + us * us_tsc()) == 1)
			break;
	CU_ASSERT(us <= DRV_VTAP_RX_IDLE_MAX_US);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->pkt_len, 100);
	rte_pktmbuf_free(m);
	vt_down(&e);
	free(f);
}

/* The kernel answers inside our write (its ACK is made as the write
 * is received): the receive after a write looks at once, however long
 * the back-off. */
static void
test_vtap_rx_after_a_write_reads_the_answer_at_once(void)
{
	struct virtio_net_hdr h = { 0 };
	uint8_t *f = tcp_frame(100);
	struct rte_mbuf *m;
	struct vt_env e;

	vt_up(&e);
	vt_idle(&e);
	vt_write_one(&e);
	peer_write(&e, &h, f, 100);
	CU_ASSERT_EQUAL_FATAL(drv_vtap_rx(e.vt, 0, &m, 1, e.now), 1);
	CU_ASSERT_EQUAL(m->pkt_len, 100);
	rte_pktmbuf_free(m);
	vt_down(&e);
	free(f);
}

/* The back-off starts over at a write: a frame that comes after the
 * write's own look found nothing is read within a microsecond, as the
 * receiver's ACK to what we wrote, however idle the queue was before. */
static void
test_vtap_rx_back_off_starts_over_at_a_write(void)
{
	struct virtio_net_hdr h = { 0 };
	uint8_t *f = tcp_frame(100);
	struct rte_mbuf *m;
	struct vt_env e;

	vt_up(&e);
	vt_idle(&e);
	vt_write_one(&e);
	CU_ASSERT_EQUAL(drv_vtap_rx(e.vt, 0, &m, 1, e.now), 0);
	peer_write(&e, &h, f, 100);
	CU_ASSERT_EQUAL_FATAL(drv_vtap_rx(e.vt, 0, &m, 1,
		e.now + us_tsc()), 1);
	rte_pktmbuf_free(m);
	vt_down(&e);
	free(f);
}

/* An idle lcore sleeps on the queue's fd (dp_lcore_sleep.c): it polls
 * readable once a frame waits, and after the wake-up (rx_arm) the next
 * receive reads it at once, however far the idle back-off had gone. */
static void
test_vtap_fd_wakes_a_sleeper_and_the_armed_receive_reads_at_once(void)
{
	struct virtio_net_hdr h = { 0 };
	uint8_t *f = tcp_frame(100);
	struct rte_mbuf *m;
	struct vt_env e;
	struct pollfd pfd;

	vt_up(&e);
	vt_idle(&e);
	pfd = (struct pollfd){ .fd = drv_vtap_fd(e.vt, 0), .events = POLLIN };
	CU_ASSERT_EQUAL(poll(&pfd, 1, 0), 0);
	peer_write(&e, &h, f, 100);
	CU_ASSERT_EQUAL(poll(&pfd, 1, 1000), 1);
	CU_ASSERT_EQUAL(drv_vtap_rx(e.vt, 0, &m, 1, e.now), 0);
	drv_vtap_rx_arm(e.vt, 0);
	CU_ASSERT_EQUAL_FATAL(drv_vtap_rx(e.vt, 0, &m, 1, e.now), 1);
	CU_ASSERT_EQUAL(m->pkt_len, 100);
	rte_pktmbuf_free(m);
	vt_down(&e);
	free(f);
}

/* A flood is not held back: once a look finds frames, the next call
 * looks again at the same clock, burst after burst until it is read. */
static void
test_vtap_rx_flood_is_read_burst_after_burst_without_waiting(void)
{
	struct virtio_net_hdr h = { 0 };
	uint8_t *f = tcp_frame(100);
	struct drv_vtap_qstats st;
	struct rte_mbuf *m[4];
	unsigned int got = 0;
	struct vt_env e;
	uint16_t k;

	vt_up(&e);
	vt_idle(&e);
	for (unsigned int i = 0; i < 40; i++)
		peer_write(&e, &h, f, 100);
	k = vt_rx(&e, m, 4);
	do {
		got += k;
		rte_pktmbuf_free_bulk(m, k);
		k = drv_vtap_rx(e.vt, 0, m, 4, e.now);
	} while (k != 0 && got < 40);
	CU_ASSERT_EQUAL(got, 40);
	drv_vtap_qstats(e.vt, 0, &st);
	CU_ASSERT_EQUAL(st.ipackets, 40);
	vt_down(&e);
	free(f);
}

int
main(int argc, char **argv)
{
	static const struct wt_test tests[] = {
		WT_TEST(test_vtap_rx_gso_frame_arrives_as_one_lro_chain_checksum_good),
		WT_TEST(test_vtap_rx_plain_frame_arrives_unmarked),
		WT_TEST(test_vtap_rx_lies_short_and_long_reads_are_counted_not_kept),
		WT_TEST(test_vtap_rx_random_headers_are_kept_or_counted),
		WT_TEST(test_vtap_tx_tso_chain_is_one_gso_write_the_kernel_can_finish),
		WT_TEST(test_vtap_tx_single_frames_needs_csum_only_when_left_to_the_port),
		WT_TEST(test_vtap_rx_frame_arriving_while_idle_is_read_within_the_bound),
		WT_TEST(test_vtap_rx_after_a_write_reads_the_answer_at_once),
		WT_TEST(test_vtap_rx_back_off_starts_over_at_a_write),
		WT_TEST(test_vtap_rx_flood_is_read_burst_after_burst_without_waiting),
		WT_TEST(test_vtap_fd_wakes_a_sleeper_and_the_armed_receive_reads_at_once),
		WT_TEST_END
	};
	static const struct wt_suite suite = UT_SUITE("unit_vtap",
		ut_suite_init, tests);
	static const struct wt_suite *const suites[] = { &suite, NULL };

	return wt_run_suites(argc, argv, suites);
}
