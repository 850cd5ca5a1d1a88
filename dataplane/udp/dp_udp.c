/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * UDP (RFC 768, RFC 1122 §4.1): input and demultiplexing on the lcores,
 * datagram building and reading on application threads.
 *
 *   lcore: dp_ipv4_input -> dp_udp_input -> dp_demux_lookup -> deliver
 *          (one socket for unicast, every socket on the port for a
 *          broadcast: the mbuf is shared by reference, never copied)
 *          dp_udp_input -> mc_input -> dp_mcast_group -> multicast ->
 *          deliver (every member of the group listening on the port)
 *   app:   dp_sock_send -> dp_udp_send -> build -> s->txq -> owner lcore
 *          dp_sock_recv -> dp_udp_recv <- s->rxq (dp_sock_ring.c)
 *
 * Datagrams larger than the MTU are sent as IPv4 fragments (RFC 791);
 * received fragments are dropped and counted (no reassembly, see README).
 */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_ring_peek.h>
#include <rte_udp.h>

#include "dp_mcast.h"
#include "dp_os.h"
#include "dp_sock_priv.h"
#include "dp_tsan.h"

#define IP_MC(a)	(((a) & RTE_BE32(0xf0000000)) == RTE_BE32(0xe0000000))
#define UDP_HDR		sizeof(struct rte_udp_hdr)
#define IP_HDR		sizeof(struct rte_ipv4_hdr)
#define FRAG_MAX	((DP_UDP_MAX_PAYLOAD + UDP_HDR) / 8 + 1)

/*
 * With one lcore, it is the only writer of these (application threads
 * only read them): plain adds, where several lcores need atomic ones.
 * Every member of a multicast datagram pays this, and two locked
 * instructions are about a quarter of what a member costs.
 */
static inline void
count_rx(const struct dp_lcore *lc, struct dp_sock *s, uint32_t len)
{
	if (lc->eng->nb_lcores == 1) {
		__atomic_store_n(&s->st.rx_dgrams, s->st.rx_dgrams + 1,
			__ATOMIC_RELAXED);
		__atomic_store_n(&s->st.rx_bytes, s->st.rx_bytes + len,
			__ATOMIC_RELAXED);
	} else {
		__atomic_fetch_add(&s->st.rx_dgrams, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&s->st.rx_bytes, len, __ATOMIC_RELAXED);
	}
}

/* Would s accept a datagram from src (be) : sport (be)? */
static bool
eligible(const struct dp_sock *s, uint32_t src_be, uint16_t sport_be)
{
	uint64_t peer = __atomic_load_n(&s->peer, __ATOMIC_ACQUIRE);

	if (__atomic_load_n(&s->flags, __ATOMIC_RELAXED) & DP_SOCK_F_CLOSED)
		return false;
	return peer == 0 || peer == ((uint64_t)rte_be_to_cpu_32(src_be) << 16 |
		rte_be_to_cpu_16(sport_be));
}

/* Queue one reference of m on s. Consumes that reference; false if the
 * socket had no room. */
static bool
deliver(struct dp_lcore *lc, struct dp_sock *s, struct rte_mbuf *m,
		uint32_t len)
{
	/* Counted before it is queued: a reader may take it the moment it
	 * is, and must never subtract what was not yet added (FIONREAD
	 * would wrap). */
	uint64_t q = __atomic_fetch_add(&s->rx_bytes_q, len, __ATOMIC_ACQ_REL);

	/* SO_RCVBUF bounds the payload queued; an empty socket always
	 * takes one datagram, however large. */
	if ((q != 0 && q + len > __atomic_load_n(&s->rcvbuf,
			__ATOMIC_RELAXED)) || rte_ring_enqueue(
			__atomic_load_n(&s->rxq.prod, __ATOMIC_ACQUIRE),
			m) != 0) {
		__atomic_fetch_sub(&s->rx_bytes_q, len, __ATOMIC_RELAXED);
		__atomic_fetch_add(&s->st.drop_rx_full, 1, __ATOMIC_RELAXED);
		DP_STAT_INC(lc, udp_rx_full);
		dp_pktmbuf_free(m);
		return false;
	}
	count_rx(lc, s, len);
	dp_wait_note(lc, s);
	return true;
}

/*
 * RFC 768: the sum over the pseudo-header and the datagram, both with the
 * UDP length (which may be less than the IP payload: the verify DPDK
 * offers uses the IP length). The datagram is in the first segment.
 */
static bool
checksum_sums(const struct rte_ipv4_hdr *ip, const struct rte_udp_hdr *udp,
		uint16_t ulen)
{
	uint32_t sum = __rte_raw_cksum(&ip->src_addr, 2 * sizeof(uint32_t),
		0);

	sum += rte_cpu_to_be_16(IPPROTO_UDP) + rte_cpu_to_be_16(ulen);
	sum = __rte_raw_cksum(udp, ulen, sum);
	return __rte_raw_cksum_reduce(sum) == 0xffff;
}

static bool
checksum_ok(struct dp_lcore *lc, struct rte_mbuf *m,
		const struct rte_ipv4_hdr *ip, const struct rte_udp_hdr *udp,
		uint16_t ulen)
{
	uint64_t f = m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK;

	if (udp->dgram_cksum == 0) {
		/* RFC 768: the sender did not compute one. */
		DP_STAT_INC(lc, udp_zero_csum);
		return true;
	}
	/* GOOD, or NONE ("not correct in the packet data, but the
	 * integrity of the L4 data is verified": virtio's data valid). */
	if (f == RTE_MBUF_F_RX_L4_CKSUM_GOOD ||
			f == RTE_MBUF_F_RX_L4_CKSUM_NONE)
		return true;
	if (f == RTE_MBUF_F_RX_L4_CKSUM_BAD)
		return false;
	return checksum_sums(ip, udp, ulen);
}

/*
 * One datagram to many sockets, as references to the one mbuf: readers
 * only read it, so nothing is copied. Recipients are gathered in chunks;
 * a chunk's references are taken just before it is delivered, and we hold
 * one of our own until the last chunk, which inherits it. Without ours, a
 * fast reader could drop the last reference of an earlier chunk and free
 * the mbuf while we still gather the next; and no socket is counted twice
 * or missed by a second pass that sees the membership differently. There
 * is no cap on recipients: a chunk only bounds the stack, and sockets
 * (DP_SOCK_MAX) bound the references far below the 16-bit count.
 */
#define FAN_CHUNK	64

struct fan {
	struct rte_mbuf *m;
	uint32_t len;
	unsigned int n;			/* gathered, not yet delivered */
	unsigned int delivered;		/* references handed out so far */
	unsigned int full;		/* of which refused (ring full) */
	struct dp_sock *to[FAN_CHUNK];
};

/* Deliver the chunk gathered; the last one takes our own reference. */
static void
fan_flush(struct dp_lcore *lc, struct fan *f, bool last)
{
	unsigned int more = last ? f->n - 1 : f->n;

	if (more != 0)
		rte_mbuf_refcnt_update(f->m, (int16_t)more);
	for (unsigned int i = 0; i < f->n; i++)
		f->full += !deliver(lc, f->to[i], f->m, f->len);
	f->delivered += f->n;
	f->n = 0;
}

static inline void
fan_add(struct dp_lcore *lc, struct fan *f, struct dp_sock *s)
{
	f->to[f->n++] = s;
	if (unlikely(f->n == FAN_CHUNK))
		fan_flush(lc, f, false);
}

/* The recipients are all gathered: deliver the rest and give up our own
 * reference. Consumes f->m; returns how many sockets it went to. */
static unsigned int
fan_end(struct dp_lcore *lc, struct fan *f)
{
	if (f->n != 0)
		fan_flush(lc, f, true);
	else
		dp_pktmbuf_free(f->m);
	return f->delivered;
}

/* Broadcast: every eligible socket bound to the port's wildcard. Consumes
 * m. */
static void
broadcast(struct dp_lcore *lc, const struct dp_bind_group *g,
		struct rte_mbuf *m, uint32_t src, uint16_t sport, uint32_t len)
{
	struct fan f = { .m = m, .len = len };

	for (uint32_t i = 0; i < g->n; i++)
		if (eligible(g->s[i], src, sport))
			fan_add(lc, &f, g->s[i]);
	if (fan_end(lc, &f) == 0)
		DP_STAT_INC(lc, udp_no_port);
}

/* Would s, a member of the datagram's group, take it on this port? The
 * wildcard binding only, as for broadcasts (dp_demux_lookup). */
static inline bool
listens(const struct dp_sock *s, uint16_t port)
{
	return __atomic_load_n(&s->bound, __ATOMIC_ACQUIRE) &&
		s->local.port == port && s->local.ip == 0;
}

/* The first of a group's members listening on port, or set->n. */
static uint32_t
first_listener(const struct dp_mc_set *set, uint16_t port)
{
	uint32_t i = 0;

	while (i < set->n && !listens(set->m[i].s, port))
		i++;
	return i;
}

/*
 * Multicast: the group's members (not the port's sockets: a feed handler
 * binds the sockets of thousands of groups to one port) that listen on
 * the datagram's port and whose filter takes its source, from the first
 * listener on. Consumes m.
 */
static void
multicast(struct dp_lcore *lc, struct dp_mc_group *mg,
		const struct dp_mc_set *set, uint32_t first, struct rte_mbuf *m,
		uint16_t port)
{
	const struct dp_mbuf_priv *p = dp_mbuf_priv(m);
	struct fan f = { .m = m, .len = p->dgram_len };

	for (uint32_t i = first; i < set->n; i++) {
		const struct dp_mc_memb *mb = &set->m[i];

		if (dp_mc_memb_accepts(set, mb, p->addr) &&
				listens(mb->s, port) &&
				eligible(mb->s, p->addr, p->port))
			fan_add(lc, &f, mb->s);
	}
	if (fan_end(lc, &f) == 0) {
		DP_STAT_INC(lc, udp_mc_no_member);
		__atomic_fetch_add(&mg->drop_filtered, 1, __ATOMIC_RELAXED);
		return;
	}
	__atomic_fetch_add(&mg->rx_dgrams, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&mg->rx_bytes, f.len, __ATOMIC_RELAXED);
	if (f.full != 0)
		__atomic_fetch_add(&mg->drop_rx_full, f.full,
			__ATOMIC_RELAXED);
}

/* Where the datagram came from, for the readers; data moved to the
 * payload. */
static void
note_source(struct rte_mbuf *m, const struct rte_ipv4_hdr *ip,
		const struct rte_udp_hdr *udp, uint32_t ulen)
{
	struct dp_mbuf_priv *p = dp_mbuf_priv(m);

	p->addr = ip->src_addr;
	p->port = udp->src_port;
	p->dgram_len = ulen - UDP_HDR;
	rte_pktmbuf_adj(m, (uint16_t)(m->l3_len + UDP_HDR));
}

/*
 * A multicast datagram goes by its group's record, not by the bind table:
 * one hash lookup, and only the group's members are looked at. Consumes
 * m (trimmed to the UDP length).
 */
static void
mc_input(struct dp_lcore *lc, struct rte_mbuf *m,
		const struct rte_ipv4_hdr *ip, const struct rte_udp_hdr *udp,
		uint16_t ulen)
{
	struct dp_mc_group *mg = dp_mcast_group(lc->eng, ip->dst_addr);
	const struct dp_mc_set *set = mg == NULL ? NULL :
		__atomic_load_n(&mg->set, __ATOMIC_ACQUIRE);
	uint16_t port = rte_be_to_cpu_16(udp->dst_port);
	uint32_t first = set == NULL ? 0 : first_listener(set, port);

	if (set == NULL || first == set->n) {
		/* Not joined, or nobody in the group listens here. */
		DP_STAT_INC(lc, udp_mc_no_member);
		if (mg != NULL)
			__atomic_fetch_add(&mg->drop_filtered, 1,
				__ATOMIC_RELAXED);
		goto drop;
	}
	if (unlikely(!checksum_ok(lc, m, ip, udp, ulen))) {
		DP_STAT_INC(lc, udp_bad_csum);
		__atomic_fetch_add(&set->m[first].s->st.drop_csum, 1,
			__ATOMIC_RELAXED);
		goto drop;
	}
	note_source(m, ip, udp, ulen);
	multicast(lc, mg, set, first, m, port);
	return;
drop:
	dp_pktmbuf_free(m);
}

/* Consumes m, whose data starts at the IPv4 header (l3_len set). */
void
dp_udp_input(struct dp_lcore *lc, struct rte_mbuf *m)
{
	struct dp_engine *eng = lc->eng;
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	struct rte_udp_hdr *udp;
	struct dp_bind_group *g[2];
	uint32_t len = m->pkt_len - m->l3_len, ulen;
	struct dp_mbuf_priv *p;
	struct dp_sock *s = NULL;

	if (unlikely(len < UDP_HDR)) {
		DP_STAT_INC(lc, udp_short);
		goto drop;
	}
	udp = rte_pktmbuf_mtod_offset(m, struct rte_udp_hdr *, m->l3_len);
	ulen = rte_be_to_cpu_16(udp->dgram_len);
	if (unlikely(ulen < UDP_HDR || ulen > len)) {
		DP_STAT_INC(lc, udp_bad_len);
		goto drop;
	}
	if (ulen < len)
		rte_pktmbuf_trim(m, (uint16_t)(len - ulen));
	if (IP_MC(ip->dst_addr)) {
		mc_input(lc, m, ip, udp, (uint16_t)ulen);
		return;
	}
	if (dp_demux_lookup(eng, ip->dst_addr, udp->dst_port, g) == 0) {
		/* RFC 1122 §4.1.3.4: a corrupt datagram is discarded
		 * silently, never answered with port unreachable. */
		if (unlikely(!checksum_ok(lc, m, ip, udp, ulen))) {
			DP_STAT_INC(lc, udp_bad_csum);
			goto drop;
		}
		DP_STAT_INC(lc, udp_no_port);
		/* RFC 1122 §4.1.3.1: port unreachable, for unicast only. */
		if (ip->dst_addr == eng->ip4) {
			dp_icmp_unreach(lc, m, 3);
			return;
		}
		goto drop;
	}
	if (unlikely(!checksum_ok(lc, m, ip, udp, ulen))) {
		DP_STAT_INC(lc, udp_bad_csum);
		s = g[0] != NULL ? g[0]->s[0] : g[1]->s[0];
		__atomic_fetch_add(&s->st.drop_csum, 1, __ATOMIC_RELAXED);
		goto drop;
	}
	note_source(m, ip, udp, ulen);
	p = dp_mbuf_priv(m);
	if (ip->dst_addr != eng->ip4) {
		broadcast(lc, g[1], m, p->addr, p->port, p->dgram_len);
		return;
	}
	/* Unicast: the most specific binding that will take it. */
	for (int i = 0; i < 2 && s == NULL; i++)
		for (uint32_t j = 0; g[i] != NULL && j < g[i]->n; j++)
			if (eligible(g[i]->s[j], p->addr, p->port)) {
				s = g[i]->s[j];
				break;
			}
	if (s == NULL) {
		DP_STAT_INC(lc, udp_no_port);
		goto drop;
	}
	deliver(lc, s, m, p->dgram_len);
	return;
drop:
	dp_pktmbuf_free(m);
}

/*
 * An ICMP destination unreachable quoting one of our datagrams. Windows
 * reports port unreachable as WSAECONNRESET on the socket's next receive
 * (SIO_UDP_CONNRESET, on by default), connected or not.
 */
void
dp_udp_icmp_error(struct dp_lcore *lc, const struct rte_ipv4_hdr *ip,
		uint8_t type, uint8_t code)
{
	const struct rte_udp_hdr *udp;
	struct dp_bind_group *g[2];
	uint32_t ihl = (ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) * 4u;

	/* The quote is whole (dp_icmp_input checked): IPv4 header, ports. */
	if (type != 3 || code != 3 || ip->src_addr != lc->eng->ip4)
		return;
	udp = (const struct rte_udp_hdr *)((const uint8_t *)ip + ihl);
	if (dp_demux_lookup(lc->eng, ip->src_addr, udp->src_port, g) == 0)
		return;
	for (int i = 0; i < 2; i++) {
		for (uint32_t j = 0; g[i] != NULL && j < g[i]->n; j++) {
			struct dp_sock *s = g[i]->s[j];

			if (!__atomic_load_n(&s->connreset, __ATOMIC_RELAXED) ||
					!eligible(s, ip->dst_addr,
					udp->dst_port))
				continue;
			__atomic_store_n(&s->so_error, ECONNRESET,
				__ATOMIC_RELEASE);
			DP_STAT_INC(lc, udp_connreset);
			dp_wait_note(lc, s);
		}
	}
}

/* ---- application side ---- */

static size_t
iov_total(const struct dp_iov *iov, unsigned int n)
{
	size_t t = 0;

	for (unsigned int i = 0; i < n; i++)
		t += iov[i].len;
	return t;
}

struct iov_cursor {
	const struct dp_iov *iov;
	unsigned int n, i;
	size_t off;
};

static void
copy_from(struct iov_cursor *c, uint8_t *dst, size_t len)
{
	while (len > 0 && c->i < c->n) {
		size_t k = RTE_MIN(len, c->iov[c->i].len - c->off);

		/* An empty buffer may have no base at all. */
		if (k != 0)
			memcpy(dst, (const uint8_t *)c->iov[c->i].base +
				c->off, k);
		dst += k;
		len -= k;
		c->off += k;
		if (c->off == c->iov[c->i].len) {
			c->i++;
			c->off = 0;
		}
	}
}

static uint32_t
nexthop_of(const struct dp_engine *eng, uint32_t dst_be)
{
	if (dst_be == RTE_BE32(0xffffffff) || dst_be == eng->bcast ||
			IP_MC(dst_be) ||
			(dst_be & eng->netmask) == (eng->ip4 & eng->netmask))
		return dst_be;
	return eng->gateway;
}

struct build {
	struct dp_sock *s;
	uint32_t dst_be, nexthop;
	uint16_t dport_be;
	size_t len;
	bool local;		/* to our own address on a real wire */
	bool mcloop;		/* multicast our own members also get */
	bool offload;		/* port fills the checksums */
};

/* Fill the IPv4 header of one fragment (checksum left to finish()). */
static struct rte_ipv4_hdr *
ip_header(const struct build *b, struct rte_mbuf *m, uint16_t id,
		uint32_t off, uint32_t plen, bool more)
{
	struct dp_sock *s = b->s;
	struct rte_ipv4_hdr *ip;

	ip = (struct rte_ipv4_hdr *)rte_pktmbuf_append(m, (uint16_t)(IP_HDR +
		plen));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = s->tos;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(IP_HDR + plen));
	ip->packet_id = rte_cpu_to_be_16(id);
	ip->fragment_offset = rte_cpu_to_be_16((uint16_t)((off / 8) |
		(more ? RTE_IPV4_HDR_MF_FLAG : 0)));
	ip->time_to_live = IP_MC(b->dst_be) ? s->mc_ttl : s->ttl;
	ip->next_proto_id = IPPROTO_UDP;
	ip->hdr_checksum = 0;
	ip->src_addr = s->eng->ip4;
	ip->dst_addr = b->dst_be;
	m->l3_len = IP_HDR;
	return ip;
}

static void
finish_ip(const struct build *b, struct rte_mbuf *m, struct rte_ipv4_hdr *ip)
{
	if (b->offload && b->s->eng->ip_cksum_offload)
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
	else
		ip->hdr_checksum = rte_ipv4_cksum(ip);
}

/*
 * Build the datagram as nfrag mbufs: the first carries the UDP header.
 * The UDP checksum is the port's job when it can and the datagram is a
 * single frame; otherwise it is summed here, fragment by fragment (each
 * fragment's data starts at an even offset of the datagram, RFC 1071).
 */
static void
build(const struct build *b, struct rte_mbuf **frags, unsigned int nfrag,
		uint32_t per_frag, struct iov_cursor *cur)
{
	uint16_t id = (uint16_t)__atomic_fetch_add(&b->s->eng->socks->ip_id,
		1, __ATOMIC_RELAXED);
	uint32_t total = (uint32_t)b->len + UDP_HDR, off = 0, sum = 0;
	bool hw_csum = b->offload && nfrag == 1 &&
		b->s->eng->udp_cksum_offload;
	struct rte_ipv4_hdr *ip0 = NULL;
	struct rte_udp_hdr *udp = NULL;

	for (unsigned int i = 0; i < nfrag; i++) {
		struct rte_mbuf *m = frags[i];
		uint32_t plen = RTE_MIN(per_frag, total - off);
		struct rte_ipv4_hdr *ip = ip_header(b, m, id, off, plen,
			i + 1 < nfrag);
		uint8_t *data = (uint8_t *)(ip + 1);
		struct dp_mbuf_priv *p = dp_mbuf_priv(m);

		if (i == 0) {
			ip0 = ip;
			udp = (struct rte_udp_hdr *)data;
			udp->src_port = rte_cpu_to_be_16(b->s->local.port);
			udp->dst_port = b->dport_be;
			udp->dgram_len = rte_cpu_to_be_16((uint16_t)total);
			udp->dgram_cksum = 0;
			copy_from(cur, data + UDP_HDR, plen - UDP_HDR);
			m->l4_len = UDP_HDR;
		} else {
			copy_from(cur, data, plen);
		}
		if (!hw_csum)
			sum += rte_raw_cksum(data, plen);
		p->sock = b->s;
		p->addr = b->nexthop;
		p->dgram_len = i == 0 ? (uint32_t)b->len : 0;
		p->flags = (i == 0 ? DP_MBUF_F_FIRST : 0) |
			(b->local ? DP_MBUF_F_LOCAL : 0) |
			(b->mcloop ? DP_MBUF_F_MCLOOP : 0);
		off += plen;
	}
	if (hw_csum) {
		frags[0]->ol_flags |= RTE_MBUF_F_TX_IPV4 |
			RTE_MBUF_F_TX_UDP_CKSUM;
		udp->dgram_cksum = rte_ipv4_phdr_cksum(ip0,
			frags[0]->ol_flags);
	} else {
		uint16_t ck;

		/* The pseudo-header sum wants the real total length. */
		ip0->total_length = rte_cpu_to_be_16((uint16_t)(IP_HDR +
			total));
		sum += rte_ipv4_phdr_cksum(ip0, 0);
		ip0->total_length = rte_cpu_to_be_16((uint16_t)(IP_HDR +
			RTE_MIN(per_frag, total)));
		sum = (sum & 0xffff) + (sum >> 16);
		sum = (sum & 0xffff) + (sum >> 16);
		ck = (uint16_t)~sum;
		udp->dgram_cksum = ck == 0 ? 0xffff : ck;
	}
	for (unsigned int i = 0; i < nfrag; i++)
		finish_ip(b, frags[i], rte_pktmbuf_mtod(frags[i],
			struct rte_ipv4_hdr *));
}

/* Put the built frames on the transmit queue within SO_SNDBUF. */
static int
enqueue(struct dp_sock *s, struct rte_mbuf **frags, unsigned int nfrag,
		size_t len)
{
	uint64_t q = __atomic_fetch_add(&s->tx_bytes_q, len,
		__ATOMIC_ACQ_REL);
	unsigned int e;
	int ret = 0;

	__atomic_fetch_add(&s->tx_pending, nfrag, __ATOMIC_ACQ_REL);
	e = dp_sock_tx_enter(s);
	if ((q != 0 && q + len > __atomic_load_n(&s->sndbuf,
			__ATOMIC_RELAXED)) ||
			rte_ring_enqueue_bulk(__atomic_load_n(&s->txq.prod,
			__ATOMIC_SEQ_CST), (void **)frags, nfrag,
			NULL) != nfrag)
		ret = -EAGAIN;
	dp_sock_tx_exit(s, e);
	if (ret != 0) {
		__atomic_fetch_sub(&s->tx_pending, nfrag, __ATOMIC_RELEASE);
		__atomic_fetch_sub(&s->tx_bytes_q, len, __ATOMIC_RELEASE);
		return ret;
	}
	dp_sock_tx_kick(s);
	return 0;
}

long
dp_udp_send(struct dp_sock *s, const struct dp_iov *iov, unsigned int niov,
		const struct dp_addr *to, int flags)
{
	struct dp_engine *eng = s->eng;
	struct rte_mbuf *frags[FRAG_MAX];
	struct iov_cursor cur = { .iov = iov, .n = niov };
	struct build b = { .s = s };
	struct dp_addr dst;
	uint64_t peer, deadline;
	uint32_t per_frag, sndtimeo = __atomic_load_n(&s->sndtimeo_ms,
		__ATOMIC_RELAXED);
	unsigned int nfrag;
	int ret;

	if (__atomic_load_n(&s->flags, __ATOMIC_ACQUIRE) & DP_SOCK_F_SHUT_WR)
		return -ESHUTDOWN;
	if (to == NULL) {
		peer = __atomic_load_n(&s->peer, __ATOMIC_ACQUIRE);
		if (peer == 0)
			return -ENOTCONN;
		dst = (struct dp_addr){ .ip = (uint32_t)(peer >> 16),
			.port = (uint16_t)peer };
	} else {
		dst = *to;
	}
	if (dst.ip == 0 || dst.port == 0)
		return -EADDRNOTAVAIL;
	b.len = iov_total(iov, niov);
	if (b.len > DP_UDP_MAX_PAYLOAD)
		return -EMSGSIZE;
	b.dst_be = rte_cpu_to_be_32(dst.ip);
	b.dport_be = rte_cpu_to_be_16(dst.port);
	if ((b.dst_be == RTE_BE32(0xffffffff) || b.dst_be == eng->bcast) &&
			!__atomic_load_n(&s->broadcast, __ATOMIC_RELAXED))
		return -EACCES;
	b.nexthop = nexthop_of(eng, b.dst_be);
	if (b.nexthop == 0)
		return -ENETUNREACH;
	/* To ourselves: a looped wire brings it back, a real one would not,
	 * so the owner lcore delivers it (with software checksums). */
	b.local = b.dst_be == eng->ip4 && eng->port->kind != DRV_KIND_LOOP;
	/* IP_MULTICAST_LOOP: our own members get a copy, which must carry
	 * real checksums like anything received. */
	b.mcloop = IP_MC(b.dst_be) && __atomic_load_n(&s->mc_loop,
		__ATOMIC_RELAXED);
	b.offload = !b.local && !b.mcloop;
	ret = dp_sock_autobind(s);
	if (ret == 0)
		ret = dp_sock_txq_init(s);
	if (ret != 0)
		return ret;
	/* A datagram that fits the MTU is one frame; only fragments other
	 * than the last must carry a multiple of 8 bytes (RFC 791). */
	per_frag = (uint32_t)(eng->mtu - IP_HDR);
	if (b.len + UDP_HDR > per_frag)
		per_frag &= ~7u;
	nfrag = (unsigned int)((b.len + UDP_HDR + per_frag - 1) / per_frag);
	/* SO_SNDTIMEO bounds the whole call, whatever it waits for. */
	deadline = sndtimeo == 0 ? UINT64_MAX : dp_os_now_us() +
		(uint64_t)sndtimeo * 1000;
	if (dp_mcache_alloc_bulk(eng, frags, nfrag) != 0) {
		/* A blocking send waits for the pool as for room in its
		 * queue; a non-blocking one says there is no buffer. */
		ret = (flags & DP_F_NONBLOCK) ? -ENOBUFS :
			dp_sock_wait_mbufs(s, frags, nfrag, deadline);
		if (ret != 0) {
			__atomic_fetch_add(&s->st.drop_nombuf, 1,
				__ATOMIC_RELAXED);
			return ret;
		}
	}
	build(&b, frags, nfrag, per_frag, &cur);
	for (;;) {
		ret = enqueue(s, frags, nfrag, b.len);
		if (ret == 0)
			return (long)b.len;
		if (flags & DP_F_NONBLOCK) {
			__atomic_fetch_add(&s->st.drop_tx_full, 1,
				__ATOMIC_RELAXED);
			break;
		}
		/* Room for this datagram, not merely for one more. */
		ret = dp_sock_wait_tx(s, nfrag, b.len, deadline);
		if (ret != 0)
			break;
	}
	for (unsigned int i = 0; i < nfrag; i++)
		dp_mcache_free(eng, frags[i]);
	return ret;
}

static size_t
copy_to(const struct dp_iov *iov, unsigned int n, const uint8_t *src,
		size_t len)
{
	size_t done = 0;

	for (unsigned int i = 0; i < n && done < len; i++) {
		size_t k = RTE_MIN(iov[i].len, len - done);

		if (k != 0)	/* an empty buffer may have no base */
			memcpy(iov[i].base, src + done, k);
		done += k;
	}
	return done;
}

static long
take(struct dp_sock *s, struct rte_mbuf *m, const struct dp_iov *iov,
		unsigned int niov, struct dp_addr *from, size_t *full_len,
		bool peek)
{
	const struct dp_mbuf_priv *p = dp_mbuf_priv(m);
	size_t len = p->dgram_len;
	size_t got = copy_to(iov, niov, rte_pktmbuf_mtod(m, uint8_t *), len);

	if (from != NULL) {
		from->ip = rte_be_to_cpu_32(p->addr);
		from->port = rte_be_to_cpu_16(p->port);
	}
	if (full_len != NULL)
		*full_len = len;
	if (!peek) {
		__atomic_fetch_sub(&s->rx_bytes_q, len, __ATOMIC_RELAXED);
		dp_mcache_free(s->eng, m);
	}
	return got < len ? -EMSGSIZE : (long)got;
}

long
dp_udp_recv(struct dp_sock *s, const struct dp_iov *iov, unsigned int niov,
		struct dp_addr *from, size_t *full_len, int flags)
{
	struct rte_ring *r;
	struct rte_mbuf *m;
	long ret;
	int err;

	if (!__atomic_load_n(&s->bound, __ATOMIC_ACQUIRE))
		return -EINVAL;
	for (;;) {
		if (__atomic_load_n(&s->flags, __ATOMIC_ACQUIRE) &
				DP_SOCK_F_SHUT_RD)
			return -ESHUTDOWN;
		err = dp_sock_take_error(s);
		if (err != 0)
			return -err;
		r = dp_ringq_head(&s->rxq);
		if (flags & DP_F_PEEK) {
			/* HTS consumers may look without taking. Only a
			 * start that got the entry may be finished: an
			 * empty one holds nothing, and its finish would
			 * release the head another consumer holds. */
			if (rte_ring_dequeue_bulk_start(r, (void **)&m, 1,
					NULL) == 1) {
				ret = take(s, m, iov, niov, from, full_len,
					true);
				rte_ring_dequeue_finish(r, 0);
				return ret;
			}
		} else if (rte_ring_dequeue(r, (void **)&m) == 0) {
			return take(s, m, iov, niov, from, full_len, false);
		}
		if (flags & DP_F_NONBLOCK)
			return -EAGAIN;
		err = dp_sock_wait(s, DP_EV_READ | DP_EV_ERROR,
			s->rcvtimeo_ms == 0 ? -1 :
			(int64_t)s->rcvtimeo_ms * 1000);
		if (err != 0)
			return err;
	}
}
