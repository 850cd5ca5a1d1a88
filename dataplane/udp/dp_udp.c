/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * UDP (RFC 768, RFC 1122 §4.1) on the lcores: input, demultiplexing and
 * delivery, and the ICMP errors about what we sent. The application
 * side (send, receive, connect, options) is dp_udp_usrreq.c.
 *
 *   lcore: dp_ip_input -> dp_udp_input -> dp_demux_lookup -> deliver
 *          (one socket for unicast, every socket on the port for a
 *          broadcast: the mbuf is shared by reference, never copied)
 *          dp_udp_input -> mc_input -> dp_mcast_group -> multicast ->
 *          deliver (every member of the group listening on the port)
 *
 * A datagram reassembled from fragments is a chain of mbufs (dp_net.h);
 * the UDP header is in its first. Every path here takes chains, and a
 * single segment stays the fast path.
 */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_udp.h>

#include "dp_mcast.h"
#include "dp_tsan.h"
#include "dp_udp.h"

#define IP_MC(a)	IP_MC_BE(a)
#define UDP_HDR		sizeof(struct rte_udp_hdr)

/*
 * With one lcore, it is the only writer of these (application threads
 * only read them): plain adds, where several lcores need atomic ones.
 * Every member of a multicast datagram pays this, and two locked
 * instructions are about a quarter of what a member costs.
 */
static inline void
count_rx(const struct dp_lcore *lc, struct dp_sock *s, uint32_t n,
		uint64_t len)
{
	if (lc->eng->nb_lcores == 1) {
		__atomic_store_n(&s->st.rx_dgrams, s->st.rx_dgrams + n,
			__ATOMIC_RELAXED);
		__atomic_store_n(&s->st.rx_bytes, s->st.rx_bytes + len,
			__ATOMIC_RELAXED);
	} else {
		__atomic_fetch_add(&s->st.rx_dgrams, n, __ATOMIC_RELAXED);
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

/*
 * The bytes a socket may hold of reassembled datagrams (chains), past
 * which one more is refused, whatever SO_RCVBUF says. A socket's ring
 * holds at most a quarter of the pool in datagrams, which bounds mbufs
 * only for datagrams of one mbuf; a chain's mbufs carry DP_REASS_SEG_MIN
 * bytes or more on average, so this keeps a reader that stops from
 * holding much more than a quarter of the pool in chains (1 MB with the
 * default 8191 mbufs).
 */
static inline uint64_t
chain_cap(const struct dp_engine *eng)
{
	return (uint64_t)eng->conf.nb_mbufs / 8 * DP_REASS_SEG_MIN;
}

/*
 * Queue n datagrams (one reference of each) on s, in order, with one
 * ring enqueue; those SO_RCVBUF or the ring refuses are freed and counted
 * one by one (drop_rx_full, udp_rx_full), as if each had come alone.
 * Consumes the references; returns how many were queued.
 *
 * The bytes are counted before they are queued: a reader may take them
 * the moment they are, and must never subtract what was not yet added
 * (FIONREAD would wrap). Only what SO_RCVBUF takes is added, by a
 * compare-and-swap against the count the decision was made on, so
 * FIONREAD never shows more than the buffer holds (a run added whole and
 * taken back did, by up to a burst); datagrams the ring then refuses are
 * taken back, as one at a time did.
 */
static unsigned int
deliver_bulk(struct dp_lcore *lc, struct dp_sock *s, struct rte_mbuf **m,
		unsigned int n)
{
	struct rte_mbuf *ok[DP_RX_BURST], *no[DP_RX_BURST];
	uint32_t len[DP_RX_BURST];
	unsigned int k = 0, r = 0, put = 0;
	uint64_t total = 0, acc = 0, q, rcvbuf;

	q = __atomic_load_n(&s->rx_bytes_q, __ATOMIC_ACQUIRE);
	rcvbuf = __atomic_load_n(&s->rcvbuf, __ATOMIC_RELAXED);
	/* Readers only subtract, so a failed swap is rare; a bounded number
	 * of tries, then the last decision is added as it stands. */
	for (unsigned int tries = 0; ; tries++) {
		k = r = 0;
		acc = 0;
		/* SO_RCVBUF bounds the payload queued; an empty socket
		 * always takes one datagram, however large. */
		for (unsigned int i = 0; i < n; i++) {
			uint32_t l = dp_mbuf_priv(m[i])->dgram_len;
			uint64_t qi = q + acc;

			if (qi != 0 && (qi + l > rcvbuf ||
					(unlikely(m[i]->next != NULL) &&
					qi + l > chain_cap(lc->eng)))) {
				no[r++] = m[i];
				continue;
			}
			len[k] = l;
			ok[k++] = m[i];
			acc += l;
		}
		if (acc == 0)
			break;
		if (tries == 8) {
			__atomic_fetch_add(&s->rx_bytes_q, acc,
				__ATOMIC_ACQ_REL);
			break;
		}
		if (__atomic_compare_exchange_n(&s->rx_bytes_q, &q, q + acc,
				false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			break;
	}
	total = acc;
	if (k != 0)
		put = rte_ring_enqueue_burst(__atomic_load_n(&s->rxq.prod,
			__ATOMIC_ACQUIRE), (void **)ok, k, NULL);
	for (unsigned int i = put; i < k; i++) {
		acc -= len[i];
		no[r++] = ok[i];
	}
	if (acc != total)
		__atomic_fetch_sub(&s->rx_bytes_q, total - acc,
			__ATOMIC_RELAXED);
	if (r != 0) {
		__atomic_fetch_add(&s->st.drop_rx_full, r, __ATOMIC_RELAXED);
		DP_STAT_ADD(lc, udp_rx_full, r);
		dp_pktmbuf_free_bulk(no, r);
	}
	if (put != 0) {
		count_rx(lc, s, put, acc);
		dp_wait_note(lc, s);
	}
	return put;
}

/* Queue one reference of m on s now. Consumes that reference; false if
 * the socket had no room. */
static inline bool
deliver(struct dp_lcore *lc, struct dp_sock *s, struct rte_mbuf *m)
{
	return deliver_bulk(lc, s, &m, 1) == 1;
}

/* The run gathered over the burst so far, queued. */
static void
run_flush(struct dp_lcore *lc, struct dp_udp_lcore *ul)
{
	if (ul->run_n != 0)
		deliver_bulk(lc, ul->run_s, ul->run_m, ul->run_n);
	ul->run_n = 0;
	ul->run_s = NULL;
}

/*
 * A unicast datagram for s. Inside a burst from the port it joins the
 * run of datagrams for s, queued when the run ends (another socket's
 * datagram, a fan-out, the end of the burst), so a flood to one socket
 * costs one enqueue, one byte count and one wake note per burst. Order
 * on each socket is kept. Consumes m.
 */
static void
deliver_unicast(struct dp_lcore *lc, struct dp_sock *s, struct rte_mbuf *m)
{
	struct dp_udp_lcore *ul = lc->udp;

	if (!ul->batching) {
		deliver(lc, s, m);
		return;
	}
	if (ul->run_s != s || ul->run_n == DP_RX_BURST)
		run_flush(lc, ul);
	ul->run_s = s;
	ul->run_m[ul->run_n++] = m;
}

void
dp_udp_rx_begin(struct dp_lcore *lc)
{
	lc->udp->batching = true;
}

void
dp_udp_rx_end(struct dp_lcore *lc)
{
	struct dp_udp_lcore *ul = lc->udp;

	run_flush(lc, ul);
	ul->cached = false;
	ul->batching = false;
}

/* The bind groups for a unicast or broadcast datagram to dst:port (be).
 * Within a burst, a flood to one port costs one hash lookup. */
static unsigned int
lookup(struct dp_lcore *lc, uint32_t dst, uint16_t port,
		struct dp_bind_group **g)
{
	struct dp_udp_lcore *ul = lc->udp;

	if (!ul->batching)
		return dp_demux_lookup(lc->eng, IPPROTO_UDP, dst, port, g);
	if (!ul->cached || ul->c_dst != dst || ul->c_port != port) {
		ul->c_hits = dp_demux_lookup(lc->eng, IPPROTO_UDP, dst, port,
			ul->c_g);
		ul->c_dst = dst;
		ul->c_port = port;
		ul->cached = true;
	}
	g[0] = ul->c_g[0];
	g[1] = ul->c_g[1];
	return ul->c_hits;
}

/*
 * RFC 768: the sum over the pseudo-header and the datagram, both with the
 * UDP length (which may be less than the IP payload: the verify DPDK
 * offers uses the IP length). A chain is summed segment by segment
 * (rte_raw_cksum_mbuf minds segments of odd length).
 */
static bool
checksum_sums(const struct rte_mbuf *m, const struct rte_ipv4_hdr *ip,
		const struct rte_udp_hdr *udp, uint16_t ulen)
{
	uint32_t sum = __rte_raw_cksum(&ip->src_addr, 2 * sizeof(uint32_t),
		0);
	uint16_t data;

	sum += rte_cpu_to_be_16(IPPROTO_UDP) + rte_cpu_to_be_16(ulen);
	if (likely(m->next == NULL)) {
		sum = __rte_raw_cksum(udp, ulen, sum);
	} else {
		if (rte_raw_cksum_mbuf(m, m->l3_len, ulen, &data) != 0)
			return false;
		sum += data;
	}
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
	return checksum_sums(m, ip, udp, ulen);
}

/*
 * One datagram to many sockets, as references to the one mbuf: readers
 * only read it, so nothing is copied. Recipients are gathered in chunks;
 * a chunk's references are taken just before it is delivered, and we hold
 * one of our own until the last chunk, which inherits it. Without ours, a
 * fast reader could drop the last reference of an earlier chunk and free
 * the mbuf while we still gather the next; and no socket is counted twice
 * or missed by a second pass that sees the membership differently. There
 * is no other cap on recipients (a chunk only bounds the stack), but
 * WSPDK_SOCKETS may be above what the 16-bit count holds: recipients
 * past FAN_REFS_MAX are refused as a full ring refuses them.
 */
#define FAN_CHUNK	64
#define FAN_REFS_MAX	(UINT16_MAX - 1 - FAN_CHUNK)

struct fan {
	struct rte_mbuf *m;
	uint32_t len;
	unsigned int n;			/* gathered, not yet delivered */
	unsigned int delivered;		/* references handed out so far */
	unsigned int full;		/* of which refused (ring full) */
	struct dp_sock *to[FAN_CHUNK];
};

/* n more references to m: to every segment of a chain, as freeing one
 * (rte_pktmbuf_free) gives back a reference of every segment. */
static inline void
ref_add(struct rte_mbuf *m, int16_t n)
{
	do
		rte_mbuf_refcnt_update(m, n);
	while (unlikely((m = m->next) != NULL));
}

/* Deliver the chunk gathered; the last one takes our own reference. */
static void
fan_flush(struct dp_lcore *lc, struct fan *f, bool last)
{
	unsigned int more = last ? f->n - 1 : f->n;

	if (more != 0)
		ref_add(f->m, (int16_t)more);
	for (unsigned int i = 0; i < f->n; i++)
		f->full += !deliver(lc, f->to[i], f->m);
	f->delivered += f->n;
	f->n = 0;
}

static inline void
fan_add(struct dp_lcore *lc, struct fan *f, struct dp_sock *s)
{
	if (unlikely(f->delivered + f->n >= FAN_REFS_MAX)) {
		__atomic_fetch_add(&s->st.drop_rx_full, 1, __ATOMIC_RELAXED);
		DP_STAT_INC(lc, udp_rx_full);
		f->full++;
		return;
	}
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

	run_flush(lc, lc->udp);	/* what came before goes first */
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

	run_flush(lc, lc->udp);	/* what came before goes first */
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

/* Where the datagram came from and when its burst was pulled (its RX
 * timestamp: every datagram of a burst shares it), for the readers;
 * data moved to the payload. */
static void
note_source(const struct dp_lcore *lc, struct rte_mbuf *m,
		const struct rte_ipv4_hdr *ip,
		const struct rte_udp_hdr *udp, uint32_t ulen)
{
	struct dp_mbuf_priv *p = dp_mbuf_priv(m);

	p->addr = ip->src_addr;
	p->port = udp->src_port;
	p->dgram_len = ulen - UDP_HDR;
	/* The header goes with the adj below; its reader (recvmsg) wants
	 * these three, stored while the line is hot. */
	p->dst = ip->dst_addr;
	p->tos = ip->type_of_service;
	p->ttl = ip->time_to_live;
	p->rx_tsc = lc->rx_tsc;
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
	note_source(lc, m, ip, udp, ulen);
	multicast(lc, mg, set, first, m, port);
	return;
drop:
	dp_pktmbuf_free(m);
}

/* Cut a chain to len bytes (past the UDP length), freeing the segments
 * wholly beyond. */
static void
trim_chain(struct rte_mbuf *m, uint32_t len)
{
	struct rte_mbuf *seg = m;
	uint32_t left = len;

	while (left > seg->data_len) {
		left -= seg->data_len;
		seg = seg->next;
	}
	seg->data_len = (uint16_t)left;
	if (seg->next != NULL) {
		for (struct rte_mbuf *t = seg->next; t != NULL; t = t->next)
			m->nb_segs--;
		dp_pktmbuf_free(seg->next);
		seg->next = NULL;
	}
	m->pkt_len = len;
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
	/* A chain (a NIC's scattered frame) must hold the header in its
	 * first mbuf; reassembly's chains always do. */
	if (unlikely(m->data_len < m->l3_len + UDP_HDR)) {
		DP_STAT_INC(lc, udp_chained);
		goto drop;
	}
	udp = rte_pktmbuf_mtod_offset(m, struct rte_udp_hdr *, m->l3_len);
	ulen = rte_be_to_cpu_16(udp->dgram_len);
	if (unlikely(ulen < UDP_HDR || ulen > len)) {
		DP_STAT_INC(lc, udp_bad_len);
		goto drop;
	}
	if (ulen < len) {
		if (likely(m->next == NULL))
			rte_pktmbuf_trim(m, (uint16_t)(len - ulen));
		else
			trim_chain(m, m->l3_len + ulen);
	}
	if (IP_MC(ip->dst_addr)) {
		mc_input(lc, m, ip, udp, (uint16_t)ulen);
		return;
	}
	if (lookup(lc, ip->dst_addr, udp->dst_port, g) == 0) {
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
	note_source(lc, m, ip, udp, ulen);
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
	dp_sock_flow_rx(lc, s);
	deliver_unicast(lc, s, m);
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
dp_udp_ctlinput(struct dp_lcore *lc, const struct rte_ipv4_hdr *ip,
		uint8_t type, uint8_t code)
{
	const struct rte_udp_hdr *udp;
	struct dp_bind_group *g[2];
	uint32_t ihl = (ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) * 4u;

	/* The quote is whole (dp_icmp_input checked): IPv4 header, ports. */
	if (type != 3 || code != 3 || ip->src_addr != lc->eng->ip4)
		return;
	udp = (const struct rte_udp_hdr *)((const uint8_t *)ip + ihl);
	if (dp_demux_lookup(lc->eng, IPPROTO_UDP, ip->src_addr, udp->src_port,
			g) == 0)
		return;
	for (int i = 0; i < 2; i++) {
		for (uint32_t j = 0; g[i] != NULL && j < g[i]->n; j++) {
			struct dp_sock *s = g[i]->s[j];

			if (!__atomic_load_n(&dp_udp_pcb(s)->connreset,
					__ATOMIC_RELAXED) ||
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
