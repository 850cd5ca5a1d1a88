/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vnet-hdr tap (drv_vtap.h): Linux's tun/tap takes a whole TSO chain
 * as one GSO skb when it is written with a virtio_net_hdr, and hands us
 * GSO frames the same way, where net_tap writes and reads one MTU frame
 * per syscall (linux drivers/net/tun.c, include/linux/virtio_net.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>

#include "drv_log.h"
#include "drv_vtap.h"

/* "vtap_": telemetry shows them beside rte_eth_stats' names. */
const char *const drv_vtap_xstat_names[] = {
	"vtap_ipackets", "vtap_ibytes", "vtap_rx_gso", "vtap_rx_nombuf",
	"vtap_rx_short", "vtap_rx_too_long", "vtap_rx_bad_hdr",
	"vtap_rx_errors", "vtap_opackets", "vtap_obytes", "vtap_tx_gso",
	"vtap_tx_bad", "vtap_tx_errors",
};

#define IFNAME_MAX	15	/* IFNAMSIZ - 1 */

#ifdef __linux__

static int
parse_mac(const char *s, size_t n, struct rte_ether_addr *mac)
{
	char buf[RTE_ETHER_ADDR_FMT_SIZE];

	if (n != 17)
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (i % 3 == 2 ? buf[i] != ':' :
				!isxdigit((unsigned char)buf[i]))
			return -EINVAL;
	return rte_ether_unformat_addr(buf, mac) == 0 ? 0 : -EINVAL;
}

/* "IFNAME[,mac=MAC]": the name's length, the MAC if asked for. */
static int
parse_spec(const char *spec, size_t *name_len, struct rte_ether_addr *mac,
		bool *has_mac, char *err, size_t errlen)
{
	const char *comma = strchr(spec, ',');
	size_t n = comma != NULL ? (size_t)(comma - spec) : strlen(spec);

	*has_mac = false;
	if (n == 0 || n > IFNAME_MAX) {
		snprintf(err, errlen, "vtap interface name must have 1-%d "
			"characters", IFNAME_MAX);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		if (!isalnum((unsigned char)spec[i]) && spec[i] != '_' &&
				spec[i] != '-') {
			snprintf(err, errlen, "vtap interface name '%.*s' may "
				"only hold letters, digits, '_' and '-'",
				(int)n, spec);
			return -EINVAL;
		}
	}
	*name_len = n;
	if (comma == NULL)
		return 0;
	if (strncmp(comma + 1, "mac=", 4) != 0 ||
			parse_mac(comma + 5, strlen(comma + 5), mac) != 0) {
		snprintf(err, errlen, "vtap takes only ',mac=xx:xx:xx:xx:xx:xx'"
			" after the interface name");
		return -EINVAL;
	}
	*has_mac = true;
	return 0;
}

int
drv_vtap_check(const char *spec, char *err, size_t errlen)
{
	struct rte_ether_addr mac;
	size_t n;
	bool has_mac;

	return parse_spec(spec, &n, &mac, &has_mac, err, errlen);
}

#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/if_tun.h>
#include <linux/virtio_net.h>

#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "drv_port.h"

/* Largest frame the kernel hands a tap (its GSO limit, 64 KB with the
 * Ethernet header, and a VLAN tag's slack); a read that fills more than
 * this may have been cut, and is dropped. */
#define FRAME_MAX	(65536 + 64)
#define RX_SEGS_MAX	64	/* mbufs one read may fill */
#define TX_IOV_MAX	128	/* segments one chain may have, +1 hdr */

struct vtap_queue {
	int fd;
	bool wrote;			/* written since the fd was read */
	uint16_t nb_stash;		/* mbufs ready in stash[] */
	uint64_t rx_next;		/* TSC: the fd's next look, idle */
	uint64_t rx_gap;		/* TSC: the idle back-off now */
	struct rte_mbuf *stash[RX_SEGS_MAX];
	struct drv_vtap_qstats st;
} __rte_cache_aligned;

struct drv_vtap {
	struct rte_mempool *mp;
	uint16_t port_id;
	uint16_t nb_queues;
	uint16_t rx_segs;		/* stash size: FRAME_MAX + 1 fits */
	uint16_t room;			/* data room of one mbuf */
	uint64_t gap_min, gap_max;	/* TSC: the back-off's bounds */
	struct vtap_queue q[DRV_MAX_QUEUES];
};

/* Single writer (the queue's lcore), readers anywhere. */
#define ST_ADD(vq, f, v) __atomic_store_n(&(vq)->st.f, (vq)->st.f + (v), \
	__ATOMIC_RELAXED)

struct drv_vtap *
drv_vtap_attach(const int *fds, uint16_t nb_queues, struct rte_mempool *mp,
		uint16_t port_id)
{
	struct drv_vtap *vt;
	uint32_t room;

	room = rte_pktmbuf_data_room_size(mp) - RTE_PKTMBUF_HEADROOM;
	if (nb_queues == 0 || nb_queues > DRV_MAX_QUEUES || room < 256 ||
			(FRAME_MAX + 1 + room - 1) / room > RX_SEGS_MAX) {
		for (uint16_t q = 0; q < nb_queues && q < DRV_MAX_QUEUES; q++)
			close(fds[q]);
		rte_errno = EINVAL;
		return NULL;
	}
	vt = rte_zmalloc("drv_vtap", sizeof(*vt), RTE_CACHE_LINE_SIZE);
	if (vt == NULL) {
		for (uint16_t q = 0; q < nb_queues; q++)
			close(fds[q]);
		rte_errno = ENOMEM;
		return NULL;
	}
	vt->mp = mp;
	vt->port_id = port_id;
	vt->nb_queues = nb_queues;
	vt->room = (uint16_t)room;
	vt->rx_segs = (uint16_t)((FRAME_MAX + 1 + room - 1) / room);
	vt->gap_min = rte_get_tsc_hz() / 1000000;
	vt->gap_max = vt->gap_min * DRV_VTAP_RX_IDLE_MAX_US;
	for (uint16_t q = 0; q < nb_queues; q++)
		vt->q[q].fd = fds[q];
	return vt;
}

void
drv_vtap_close(struct drv_vtap *vt)
{
	if (vt == NULL)
		return;
	for (uint16_t q = 0; q < vt->nb_queues; q++) {
		struct vtap_queue *vq = &vt->q[q];

		rte_pktmbuf_free_bulk(vq->stash, vq->nb_stash);
		vq->nb_stash = 0;
		if (vq->fd >= 0)
			close(vq->fd);
	}
	rte_free(vt);
}

/* The kernel side: MTU and link up, as net_tap does at start. */
static int
iface_setup(const char *ifname, uint16_t mtu)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int ret = 0;

	if (s < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (mtu != 0) {
		ifr.ifr_mtu = mtu;
		if (ioctl(s, SIOCSIFMTU, &ifr) != 0) {
			ret = -errno;
			DRV_LOG(ERR, "vtap %s: MTU %u refused: %s", ifname,
				mtu, strerror(errno));
		}
	}
	if (ret == 0 && ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(s, SIOCSIFFLAGS, &ifr) != 0)
			ret = -errno;
	} else if (ret == 0) {
		ret = -errno;
	}
	close(s);
	return ret;
}

/* One queue's fd: a tap with vnet headers that takes and gives
 * checksum-partial and TCPv4 GSO frames. IPv6 GSO is not asked for: we
 * speak no IPv6, and the kernel would only hand us what we drop. */
static int
tun_open(const char *ifname, bool multi)
{
	struct ifreq ifr;
	int hdr = (int)sizeof(struct virtio_net_hdr);
	unsigned int off = TUN_F_CSUM | TUN_F_TSO4;
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR |
		(multi ? IFF_MULTI_QUEUE : 0);
	if (ioctl(fd, TUNSETIFF, &ifr) != 0 ||
			ioctl(fd, TUNSETVNETHDRSZ, &hdr) != 0 ||
			ioctl(fd, TUNSETOFFLOAD, off) != 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

struct drv_vtap *
drv_vtap_open(const char *spec, uint16_t nb_queues, struct rte_mempool *mp,
		uint16_t port_id, uint16_t mtu, struct rte_ether_addr *mac)
{
	int fds[DRV_MAX_QUEUES];
	char ifname[IFNAME_MAX + 1], err[128];
	struct rte_ether_addr m;
	struct drv_vtap *vt;
	bool has_mac;
	size_t n;
	int ret;

	if (nb_queues == 0 || nb_queues > DRV_MAX_QUEUES ||
			parse_spec(spec, &n, &m, &has_mac, err,
				sizeof(err)) != 0) {
		rte_errno = EINVAL;
		return NULL;
	}
	snprintf(ifname, sizeof(ifname), "%.*s", (int)n, spec);
	for (uint16_t q = 0; q < nb_queues; q++) {
		fds[q] = tun_open(ifname, nb_queues > 1);
		if (fds[q] >= 0)
			continue;
		DRV_LOG(ERR, "vtap %s: queue %u: %s", ifname, q,
			strerror(-fds[q]));
		rte_errno = -fds[q];
		while (q-- > 0)
			close(fds[q]);
		return NULL;
	}
	vt = drv_vtap_attach(fds, nb_queues, mp, port_id);
	if (vt == NULL)
		return NULL;
	ret = iface_setup(ifname, mtu);
	if (ret != 0) {
		DRV_LOG(ERR, "vtap %s: cannot bring it up: %s", ifname,
			strerror(-ret));
		drv_vtap_close(vt);
		rte_errno = -ret;
		return NULL;
	}
	if (has_mac)
		*mac = m;
	return vt;
}

int
drv_vtap_fd(const struct drv_vtap *vt, uint16_t q)
{
	return vt->q[q].fd;
}

/* As after a write: the fd is looked at on the next call, and the idle
 * back-off starts over (its owner slept on the fd and woke). */
void
drv_vtap_rx_arm(struct drv_vtap *vt, uint16_t q)
{
	vt->q[q].wrote = true;
}

uint16_t
drv_vtap_nb_queues(const struct drv_vtap *vt)
{
	return vt->nb_queues;
}

void
drv_vtap_qstats(const struct drv_vtap *vt, uint16_t q,
		struct drv_vtap_qstats *out)
{
	const uint64_t *src = (const uint64_t *)&vt->q[q].st;
	uint64_t *dst = (uint64_t *)out;

	for (size_t i = 0; i < DRV_VTAP_NB_XSTATS; i++)
		dst[i] = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
}

/* ---- RX ---- */

/* The header against the frame it came with: what it claims must lie
 * inside the frame and be what we negotiated (checksum, TCPv4 GSO). */
static int
rx_mark(struct rte_mbuf *m, const struct virtio_net_hdr *h)
{
	uint32_t len = m->pkt_len;
	uint64_t f = 0;

	if (h->flags & ~(VIRTIO_NET_HDR_F_NEEDS_CSUM |
			VIRTIO_NET_HDR_F_DATA_VALID))
		return -1;
	if (h->hdr_len > len)
		return -1;
	if (h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		/* The local kernel left the sum to us: nothing on the way
		 * can have damaged it (as the loop port's frames). */
		if (h->csum_start < RTE_ETHER_HDR_LEN +
				sizeof(struct rte_ipv4_hdr) ||
				(uint32_t)h->csum_start + h->csum_offset + 2 >
				len)
			return -1;
		f |= RTE_MBUF_F_RX_L4_CKSUM_GOOD;
	} else if (h->flags & VIRTIO_NET_HDR_F_DATA_VALID) {
		f |= RTE_MBUF_F_RX_L4_CKSUM_GOOD;
	}
	switch (h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) {
	case VIRTIO_NET_HDR_GSO_NONE:
		if (h->gso_type & VIRTIO_NET_HDR_GSO_ECN)
			return -1;
		break;
	case VIRTIO_NET_HDR_GSO_TCPV4:
		/* A GSO frame always leaves its sum to the receiver. */
		if (h->gso_size == 0 || h->hdr_len == 0 ||
				!(h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM))
			return -1;
		f |= RTE_MBUF_F_RX_LRO;
		m->tso_segsz = h->gso_size;
		break;
	default:
		return -1;
	}
	m->ol_flags |= f;
	return 0;
}

/* Enough mbufs in the stash for the largest frame; 0, or -1 (none). */
static int
stash_fill(struct drv_vtap *vt, struct vtap_queue *vq)
{
	unsigned int need = vt->rx_segs - vq->nb_stash;

	if (need == 0)
		return 0;
	if (rte_pktmbuf_alloc_bulk(vt->mp, vq->stash + vq->nb_stash,
			need) != 0)
		return -1;
	vq->nb_stash = vt->rx_segs;
	return 0;
}

/* The first mbufs of the stash, len bytes read into them, as a chain. */
static struct rte_mbuf *
stash_take(struct drv_vtap *vt, struct vtap_queue *vq, uint32_t len)
{
	uint16_t used = (uint16_t)((len + vt->room - 1) / vt->room);
	struct rte_mbuf *head = vq->stash[0], *m = head;
	uint32_t left = len;

	for (uint16_t i = 0; i < used; i++) {
		m = vq->stash[i];
		m->data_len = (uint16_t)RTE_MIN(left, vt->room);
		left -= m->data_len;
		m->next = i + 1 < used ? vq->stash[i + 1] : NULL;
	}
	head->pkt_len = len;
	head->nb_segs = used;
	head->port = vt->port_id;
	vq->nb_stash = (uint16_t)(vq->nb_stash - used);
	memmove(vq->stash, vq->stash + used,
		vq->nb_stash * sizeof(vq->stash[0]));
	return head;
}

/* One readv: 1 frame kept, 0 dropped (counted), -1 nothing to read. */
static int
rx_one(struct drv_vtap *vt, struct vtap_queue *vq, struct rte_mbuf **out)
{
	struct iovec iov[1 + RX_SEGS_MAX];
	struct virtio_net_hdr h;
	struct rte_mbuf *m;
	ssize_t r;

	if (stash_fill(vt, vq) != 0) {
		ST_ADD(vq, rx_nombuf, 1);
		return -1;
	}
	iov[0] = (struct iovec){ &h, sizeof(h) };
	for (uint16_t i = 0; i < vt->rx_segs; i++)
		iov[1 + i] = (struct iovec){
			rte_pktmbuf_mtod(vq->stash[i], void *), vt->room };
	r = readv(vq->fd, iov, 1 + vt->rx_segs);
	if (r < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK &&
				errno != EINTR)
			ST_ADD(vq, rx_errors, 1);
		return -1;
	}
	/* The stash keeps its mbufs when the frame is not taken. */
	if ((size_t)r < sizeof(h) + RTE_ETHER_HDR_LEN) {
		ST_ADD(vq, rx_short, 1);
		return 0;
	}
	r -= (ssize_t)sizeof(h);
	if (r > FRAME_MAX) {
		ST_ADD(vq, rx_too_long, 1);
		return 0;
	}
	m = stash_take(vt, vq, (uint32_t)r);
	if (rx_mark(m, &h) != 0) {
		ST_ADD(vq, rx_bad_hdr, 1);
		rte_pktmbuf_free(m);
		return 0;
	}
	ST_ADD(vq, ipackets, 1);
	ST_ADD(vq, ibytes, (uint64_t)r);
	if (m->ol_flags & RTE_MBUF_F_RX_LRO)
		ST_ADD(vq, rx_gso, 1);
	*out = m;
	return 1;
}

/*
 * Whether to look at the fd now. A syscall that finds nothing was a
 * quarter of a bulk sender's lcore: it looked once per iteration, some
 * thirty times per frame it wrote. Now it looks on the call after a
 * write (the kernel's ACK is made inside it) or a read that found
 * something (more may follow: a flood is read burst after burst), and
 * otherwise once its idle back-off ran out. Both start the back-off
 * over; it doubles on every empty look (1, 2, 4 ... us) up to
 * DRV_VTAP_RX_IDLE_MAX_US. So a frame waits about as long as the queue
 * had been quiet before it came (an ACK the receiver sends soon after
 * our write is read soon), and never longer than the bound, given an
 * lcore that calls at least that often.
 */
static bool
rx_due(struct vtap_queue *vq, uint64_t now)
{
	if (vq->wrote) {
		vq->wrote = false;
		vq->rx_gap = 0;
		return true;
	}
	return now >= vq->rx_next;
}

static void
rx_backoff(const struct drv_vtap *vt, struct vtap_queue *vq, uint64_t now,
		bool found)
{
	uint64_t gap = vq->rx_gap * 2;

	if (found)
		gap = 0;
	else if (gap < vt->gap_min)
		gap = vt->gap_min;
	else if (gap > vt->gap_max)
		gap = vt->gap_max;
	vq->rx_gap = gap;
	vq->rx_next = now + gap;
}

uint16_t
drv_vtap_rx(struct drv_vtap *vt, uint16_t q, struct rte_mbuf **pkts,
		uint16_t n, uint64_t now)
{
	struct vtap_queue *vq = &vt->q[q];
	struct pollfd pfd = { .fd = vq->fd, .events = POLLIN };
	uint16_t k = 0;

	if (!rx_due(vq, now))
		return 0;
	/* A readv of 1 + rx_segs iovecs costs the kernel an iovec import
	 * (kmalloc beyond 8) even when nothing is there; poll(2) says so
	 * for much less. */
	if (poll(&pfd, 1, 0) <= 0) {
		rx_backoff(vt, vq, now, false);
		return 0;
	}
	rx_backoff(vt, vq, now, true);
	/* Bounded: every read either takes a frame or counts a drop, and
	 * as many drops as frames wanted end the burst. */
	for (uint16_t tries = 0; k < n && tries < n; tries++) {
		int r = rx_one(vt, vq, &pkts[k]);

		if (r < 0)
			break;
		k = (uint16_t)(k + r);
	}
	return k;
}

/* ---- TX ---- */

/* One's complement sum s plus the 16-bit word w (both network order in
 * memory), folded. */
static uint16_t
cksum_add(uint16_t s, uint16_t w)
{
	uint32_t t = (uint32_t)s + w;

	return (uint16_t)((t & 0xffff) + (t >> 16));
}

/*
 * The header that tells the kernel what we left to the port. DPDK's TSO
 * leaves the pseudo-header sum without the length in the TCP checksum;
 * Linux (and virtio) want it with the L4 length of the whole frame, as
 * its own stack writes it before GSO: add it. -1: the chain's headers
 * are not where its offload fields say.
 */
static int
tx_hdr(struct rte_mbuf *m, struct virtio_net_hdr *h)
{
	uint64_t f = m->ol_flags;
	uint32_t l2 = m->l2_len != 0 ? m->l2_len : RTE_ETHER_HDR_LEN;
	uint32_t l3 = m->l3_len, l4, hl;
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;

	memset(h, 0, sizeof(*h));
	if (!(f & (RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_L4_MASK |
			RTE_MBUF_F_TX_TCP_SEG)))
		return 0;
	if (l3 < sizeof(*ip) || l2 + l3 > m->data_len)
		return -1;
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l2);
	/* virtio has no IPv4 header checksum offload: 20 bytes, here. */
	if (f & RTE_MBUF_F_TX_IP_CKSUM) {
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	h->csum_start = (uint16_t)(l2 + l3);
	if (f & RTE_MBUF_F_TX_TCP_SEG || (f & RTE_MBUF_F_TX_L4_MASK) ==
			RTE_MBUF_F_TX_TCP_CKSUM) {
		h->csum_offset = offsetof(struct rte_tcp_hdr, cksum);
	} else if ((f & RTE_MBUF_F_TX_L4_MASK) == RTE_MBUF_F_TX_UDP_CKSUM) {
		h->csum_offset = offsetof(struct rte_udp_hdr, dgram_cksum);
	} else {
		h->csum_start = 0;
		return 0;
	}
	if (l2 + l3 + h->csum_offset + 2u > m->data_len)
		return -1;
	h->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	if (!(f & RTE_MBUF_F_TX_TCP_SEG))
		return 0;
	l4 = m->pkt_len - l2 - l3;
	hl = l2 + l3 + m->l4_len;
	if (m->l4_len < sizeof(*th) || hl > m->data_len || hl > m->pkt_len)
		return -1;
	th = rte_pktmbuf_mtod_offset(m, struct rte_tcp_hdr *, l2 + l3);
	th->cksum = cksum_add(th->cksum, rte_cpu_to_be_16((uint16_t)l4));
	/* One segment's worth is not GSO (the kernel would say so too). */
	if (m->tso_segsz != 0 && m->pkt_len - hl > m->tso_segsz) {
		h->gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
		h->gso_size = m->tso_segsz;
		h->hdr_len = (uint16_t)hl;
	}
	return 0;
}

/* 1: written or dropped (counted, freed); 0: the fd is full, keep it. */
static int
tx_one(struct vtap_queue *vq, struct rte_mbuf *m)
{
	struct iovec iov[1 + TX_IOV_MAX];
	struct virtio_net_hdr h;
	unsigned int n = 1;
	ssize_t want = sizeof(h), r;

	if (m->pkt_len > FRAME_MAX || tx_hdr(m, &h) != 0) {
		ST_ADD(vq, tx_bad, 1);
		rte_pktmbuf_free(m);
		return 1;
	}
	iov[0] = (struct iovec){ &h, sizeof(h) };
	for (struct rte_mbuf *s = m; s != NULL; s = s->next) {
		if (s->data_len == 0)
			continue;
		if (n == RTE_DIM(iov)) {
			ST_ADD(vq, tx_bad, 1);
			rte_pktmbuf_free(m);
			return 1;
		}
		iov[n++] = (struct iovec){ rte_pktmbuf_mtod(s, void *),
			s->data_len };
		want += s->data_len;
	}
	r = writev(vq->fd, iov, (int)n);
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
			errno == ENOBUFS))
		return 0;
	if (r != want) {
		ST_ADD(vq, tx_errors, 1);
	} else {
		ST_ADD(vq, opackets, 1);
		ST_ADD(vq, obytes, m->pkt_len);
		if (h.gso_type != VIRTIO_NET_HDR_GSO_NONE)
			ST_ADD(vq, tx_gso, 1);
	}
	rte_pktmbuf_free(m);
	return 1;
}

uint16_t
drv_vtap_tx(struct drv_vtap *vt, uint16_t q, struct rte_mbuf **pkts,
		uint16_t n)
{
	struct vtap_queue *vq = &vt->q[q];
	uint16_t i;

	for (i = 0; i < n; i++)
		if (tx_one(vq, pkts[i]) == 0)
			break;
	if (i != 0)
		vq->wrote = true;
	return i;
}

#else /* !__linux__: drv_vtap_check refuses every vtap device. */

int
drv_vtap_check(const char *spec, char *err, size_t errlen)
{
	RTE_SET_USED(spec);
	snprintf(err, errlen, "vtap: is Linux's tun/tap with vnet headers; "
		"there is none on this system (use net_tap or a NIC)");
	return -EINVAL;
}

struct drv_vtap *
drv_vtap_open(const char *spec, uint16_t nb_queues, struct rte_mempool *mp,
		uint16_t port_id, uint16_t mtu, struct rte_ether_addr *mac)
{
	RTE_SET_USED(spec);
	RTE_SET_USED(nb_queues);
	RTE_SET_USED(mp);
	RTE_SET_USED(port_id);
	RTE_SET_USED(mtu);
	RTE_SET_USED(mac);
	rte_errno = ENOTSUP;
	return NULL;
}

void
drv_vtap_close(struct drv_vtap *vt)
{
	RTE_SET_USED(vt);
}

void
drv_vtap_qstats(const struct drv_vtap *vt, uint16_t q,
		struct drv_vtap_qstats *out)
{
	RTE_SET_USED(vt);
	RTE_SET_USED(q);
	memset(out, 0, sizeof(*out));
}

int
drv_vtap_fd(const struct drv_vtap *vt, uint16_t q)
{
	RTE_SET_USED(vt);
	RTE_SET_USED(q);
	return -1;
}

void
drv_vtap_rx_arm(struct drv_vtap *vt, uint16_t q)
{
	RTE_SET_USED(vt);
	RTE_SET_USED(q);
}

uint16_t
drv_vtap_nb_queues(const struct drv_vtap *vt)
{
	RTE_SET_USED(vt);
	return 0;
}

#endif /* __linux__ */
