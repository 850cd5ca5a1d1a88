/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * UDP on application threads (the user requests, as FreeBSD's
 * udp_usrreq.c): its operations behind the generic socket -- datagram
 * building and sending, reading, connect, its options -- and its
 * counters of what went to a multicast group.
 *
 *   dp_sock_send -> dp_udp_send -> build -> s->txq -> owner lcore
 *   dp_sock_recv -> dp_udp_recv <- s->rxc batch (dp_sock_rxc.c)
 *                                  <- s->rxq (dp_sock_ring.c)
 *
 * Datagrams larger than the MTU are sent as IPv4 fragments (RFC 791).
 */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_udp.h>

#include "dp_mcast.h"
#include "dp_os.h"
#include "dp_tsan.h"
#include "dp_udp.h"

#define IP_MC(a)	IP_MC_BE(a)
#define UDP_HDR		sizeof(struct rte_udp_hdr)
#define IP_HDR		sizeof(struct rte_ipv4_hdr)
#define FRAG_MAX	((DP_UDP_MAX_PAYLOAD + UDP_HDR) / 8 + 1)
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

struct build {
	struct dp_sock *s;
	uint32_t dst_be, nexthop;
	uint16_t dport_be;
	size_t len;
	bool local;		/* to our own address on a real wire */
	bool mcloop;		/* multicast our own members also get */
	bool offload;		/* port fills the checksums */
	bool tstamp;		/* a TX timestamp wanted, id ts_id */
	uint32_t ts_id;
};

/* The IPv4 header of one fragment (checksum: dp_ip_finish). */
static struct rte_ipv4_hdr *
ip_header(const struct build *b, struct rte_mbuf *m, uint16_t id,
		uint32_t off, uint32_t plen, bool more)
{
	struct dp_sock *s = b->s;
	const struct dp_ip_hdr h = { .dst_be = b->dst_be,
		.proto = IPPROTO_UDP,
		.tos = __atomic_load_n(&s->tos, __ATOMIC_RELAXED),
		.ttl = IP_MC(b->dst_be) ?
			__atomic_load_n(&s->mc_ttl, __ATOMIC_RELAXED) :
			__atomic_load_n(&s->ttl, __ATOMIC_RELAXED),
		.df = __atomic_load_n(&s->dontfrag, __ATOMIC_RELAXED) };
	struct rte_ipv4_hdr *ip;

	ip = (struct rte_ipv4_hdr *)rte_pktmbuf_append(m, (uint16_t)(IP_HDR +
		plen));
	dp_ip_header(s->eng, ip, &h, id, off, more, plen);
	m->l3_len = IP_HDR;
	return ip;
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
	uint16_t id = dp_ip_id(b->s->eng);
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
		p->owner = b->s;
		p->addr = b->nexthop;
		p->dgram_len = i == 0 ? (uint32_t)b->len : 0;
		p->flags = (i == 0 ? DP_MBUF_F_FIRST : 0) |
			(b->local ? DP_MBUF_F_LOCAL : 0) |
			(b->mcloop ? DP_MBUF_F_MCLOOP : 0) |
			(IP_MC(b->dst_be) ? DP_MBUF_F_NOTIFY : 0) |
			(i == 0 && b->tstamp ? DP_MBUF_F_TSTAMP : 0);
		p->ts_id = b->ts_id;
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
		dp_ip_finish(b->s->eng, frags[i], rte_pktmbuf_mtod(frags[i],
			struct rte_ipv4_hdr *), b->offload);
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

/* ts_id: the datagram's SO_TIMESTAMP_ID, or NULL. */
static long
udp_send(struct dp_sock *s, const struct dp_iov *iov, unsigned int niov,
		const struct dp_addr *to, int flags, const uint32_t *ts_id)
{
	struct dp_engine *eng = s->eng;
	struct rte_mbuf *frags[FRAG_MAX];
	struct iov_cursor cur = { .iov = iov, .n = niov };
	struct build b = { .s = s, .tstamp = ts_id != NULL,
		.ts_id = ts_id != NULL ? *ts_id : 0 };
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
	b.nexthop = dp_ip_nexthop(eng, b.dst_be);
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
	per_frag = dp_ip_frag_size(eng, (uint32_t)(b.len + UDP_HDR), &nfrag);
	/* IP_DONTFRAGMENT: what would need fragments is refused. */
	if (nfrag > 1 && __atomic_load_n(&s->dontfrag, __ATOMIC_RELAXED))
		return -EMSGSIZE;
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

long
dp_udp_send(struct dp_sock *s, const struct dp_iov *iov, unsigned int niov,
		const struct dp_addr *to, int flags)
{
	return udp_send(s, iov, niov, to, flags, NULL);
}

long
dp_udp_send_ts(struct dp_sock *s, const struct dp_iov *iov,
		unsigned int niov, const struct dp_addr *to, int flags,
		uint32_t ts_id)
{
	return udp_send(s, iov, niov, to, flags, &ts_id);
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

/* The same from a reassembled datagram, a chain whose segments hold
 * len bytes from m's data on (the first may hold none). */
static size_t
copy_chain_to(const struct dp_iov *iov, unsigned int n,
		const struct rte_mbuf *m, size_t len)
{
	size_t done = 0, off = 0;	/* off: into the current iov */
	unsigned int i = 0;

	for (; m != NULL && done < len && i < n; m = m->next) {
		const uint8_t *src = rte_pktmbuf_mtod(m, const uint8_t *);
		size_t have = RTE_MIN((size_t)m->data_len, len - done);

		while (have > 0 && i < n) {
			size_t k = RTE_MIN(have, iov[i].len - off);

			if (k != 0)	/* an empty buffer may have no base */
				memcpy((uint8_t *)iov[i].base + off, src, k);
			src += k;
			have -= k;
			done += k;
			off += k;
			if (off == iov[i].len) {
				i++;
				off = 0;
			}
		}
	}
	return done;
}

/* Copy m out (not taken: the caller pops it unless peeking). Inline:
 * a call's saves and restores cost as much as the rest of it. */
static __rte_always_inline long
take(struct rte_mbuf *m, const struct dp_iov *iov, unsigned int niov,
		struct dp_rx_meta *meta)
{
	const struct dp_mbuf_priv *p = dp_mbuf_priv(m);
	size_t len = p->dgram_len, got;

	/* One buffer that holds it: the common case, without the loop. */
	if (likely(m->next == NULL && niov == 1 && iov[0].len >= len)) {
		got = len;
		if (len != 0)
			memcpy(iov[0].base, rte_pktmbuf_mtod(m, uint8_t *),
				len);
	} else if (m->next == NULL) {
		got = copy_to(iov, niov, rte_pktmbuf_mtod(m, uint8_t *), len);
	} else {
		got = copy_chain_to(iov, niov, m, len);
	}

	if (meta != NULL) {
		meta->from.ip = rte_be_to_cpu_32(p->addr);
		meta->from.port = rte_be_to_cpu_16(p->port);
		meta->dst = rte_be_to_cpu_32(p->dst);
		meta->tos = p->tos;
		meta->ttl = p->ttl;
		meta->full_len = len;
		meta->rx_tsc = p->rx_tsc;
	}
	return got < len ? -EMSGSIZE : (long)got;
}

/* One datagram out of s's batch (dp_sock_rxc.c), refilled from rxq a
 * whole ring access at a time; a peek leaves it there. -EAGAIN: none. */
static __rte_always_inline long
recv_one(struct dp_sock *s, struct dp_rxc *c, const struct dp_iov *iov,
		unsigned int niov, struct dp_rx_meta *meta, int flags)
{
	struct rte_mbuf *m;
	long ret = -EAGAIN;

	dp_rxc_lock(c);
	m = dp_rxc_first(s, c);
	if (m != NULL) {
		ret = take(m, iov, niov, meta);
		if (!(flags & DP_F_PEEK))
			dp_rxc_pop(s, c, dp_mbuf_priv(m)->dgram_len);
	}
	dp_rxc_unlock(c);
	return ret;
}

/* Everything but a datagram ready to take: errors, shutdown, waiting. */
static __rte_noinline long
recv_slow(struct dp_sock *s, const struct dp_iov *iov, unsigned int niov,
		struct dp_rx_meta *meta, int flags)
{
	uint32_t rcvtimeo = __atomic_load_n(&s->rcvtimeo_ms,
		__ATOMIC_RELAXED);
	long ret;
	int err;

	for (;;) {
		if (__atomic_load_n(&s->flags, __ATOMIC_ACQUIRE) &
				DP_SOCK_F_SHUT_RD)
			return -ESHUTDOWN;
		err = dp_sock_take_error(s);
		if (err != 0)
			return -err;
		ret = recv_one(s, s->rxc, iov, niov, meta, flags);
		if (ret != -EAGAIN || (flags & DP_F_NONBLOCK))
			return ret;
		err = dp_sock_wait(s, DP_EV_READ | DP_EV_ERROR,
			rcvtimeo == 0 ? -1 : (int64_t)rcvtimeo * 1000);
		if (err != 0)
			return err;
	}
}

/* The common case inline: neither shut down nor an error pending, a
 * datagram there or a non-blocking call. */
long
dp_udp_recv(struct dp_sock *s, const struct dp_iov *iov, unsigned int niov,
		struct dp_rx_meta *meta, int flags)
{
	long ret;

	if (!__atomic_load_n(&s->bound, __ATOMIC_ACQUIRE))
		return -EINVAL;
	if (likely(!(__atomic_load_n(&s->flags, __ATOMIC_ACQUIRE) &
			DP_SOCK_F_SHUT_RD) &&
			__atomic_load_n(&s->so_error, __ATOMIC_RELAXED) == 0)) {
		ret = recv_one(s, s->rxc, iov, niov, meta, flags);
		if (ret != -EAGAIN || (flags & DP_F_NONBLOCK))
			return ret;
	}
	return recv_slow(s, iov, niov, meta, flags);
}

static bool
from_peer(struct rte_mbuf *m, uint64_t peer)
{
	const struct dp_mbuf_priv *p = dp_mbuf_priv(m);

	return ((uint64_t)rte_be_to_cpu_32(p->addr) << 16 |
		rte_be_to_cpu_16(p->port)) == peer;
}

/* Keep only datagrams from the new peer (connect's contract). */
static void
filter_ring(struct dp_sock *s, struct rte_ring *r, uint64_t peer)
{
	unsigned int n = rte_ring_count(r);
	struct rte_mbuf *m;

	for (unsigned int i = 0; i < n; i++) {
		const struct dp_mbuf_priv *p;

		if (rte_ring_dequeue(r, (void **)&m) != 0)
			break;
		p = dp_mbuf_priv(m);
		if (from_peer(m, peer) && rte_ring_enqueue(r, m) == 0)
			continue;
		__atomic_fetch_sub(&s->rx_bytes_q, p->dgram_len,
			__ATOMIC_RELAXED);
		__atomic_fetch_add(&s->st.drop_unread, 1, __ATOMIC_RELAXED);
		dp_mcache_free(s->eng, m);
	}
}

static int
udp_connect(struct dp_sock *s, const struct dp_addr *peer, int flags)
{
	uint32_t be = rte_cpu_to_be_32(peer->ip);
	uint64_t to;
	int ret;

	RTE_SET_USED(flags);
	if (peer->ip == 0 && peer->port == 0)
		return dp_sock_owner_store(s, &s->peer, 0, sizeof(s->peer));
	if (peer->ip == 0 || peer->port == 0)
		return -EADDRNOTAVAIL;
	if ((be == IP_BCAST_BE || be == s->eng->bcast) &&
			!__atomic_load_n(&s->broadcast, __ATOMIC_RELAXED))
		return -EACCES;
	/* Bound, and on the lcore its flow arrives on where RSS says. */
	ret = dp_sock_flow_bind(s, peer);
	if (ret != 0)
		return ret;
	to = (uint64_t)peer->ip << 16 | peer->port;
	dp_sock_owner_store(s, &s->peer, to, sizeof(s->peer));
	/* Lcores that read the old peer finish their iteration first. */
	dp_qsbr_wait(s->eng);
	/* Receivers wait: the batch holds the oldest, the rings the rest. */
	dp_rxc_lock(s->rxc);
	dp_rxc_filter(s, s->rxc, from_peer, to);
	for (uint8_t i = s->rxq.cons; i < s->rxq.n; i++)
		filter_ring(s, s->rxq.r[i], to);
	dp_rxc_unlock(s->rxc);
	return 0;
}

/* Before anyone else sees s: the creator writes its state. */
static int
udp_init(struct dp_sock *s)
{
	/* Windows' default: SIO_UDP_CONNRESET on. */
	dp_udp_pcb(s)->connreset = true;
	rte_spinlock_init(&dp_udp_pcb(s)->rxc.lock);
	s->rxc = &dp_udp_pcb(s)->rxc;
	return 0;
}

/* Application thread (s->lock held): options of UDP's own, through its
 * owner; membership changes the group table itself (dp_mcast.c). */
static int
udp_setopt(struct dp_sock *s, enum dp_opt opt, const struct dp_optval *v)
{
	switch (opt) {
	case DP_OPT_CONNRESET:
		return dp_sock_owner_store(s, &dp_udp_pcb(s)->connreset,
			v->v != 0, sizeof(bool));
	case DP_OPT_MC_JOIN:
	case DP_OPT_MC_LEAVE:
	case DP_OPT_MC_BLOCK:
	case DP_OPT_MC_UNBLOCK:
		return dp_mcast_change(s, opt, v);
	default:
		return -ENOPROTOOPT;
	}
}

static int
udp_getopt(struct dp_sock *s, enum dp_opt opt, struct dp_optval *v)
{
	if (opt != DP_OPT_CONNRESET)
		return -ENOPROTOOPT;
	v->v = __atomic_load_n(&dp_udp_pcb(s)->connreset, __ATOMIC_RELAXED);
	return 0;
}

/* Its groups lose a member (and the router hears of it). */
static void
udp_close(struct dp_sock *s)
{
	dp_mcast_sock_close(s);
}

/* A socket never closed (dp_stop): its list of groups, which are gone. */
static void
udp_free(struct dp_sock *s)
{
	dp_free(dp_udp_pcb(s)->mc);
	dp_udp_pcb(s)->mc = NULL;
}

/* A datagram to a group left for the wire (the owner lcore). */
static void
udp_sent(struct dp_lcore *lc, struct dp_sock *s, struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ip =
		rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	struct dp_mc_group *g = dp_mcast_group(lc->eng, ip->dst_addr);

	RTE_SET_USED(s);
	if (g != NULL)
		__atomic_fetch_add(&g->tx_dgrams, 1, __ATOMIC_RELAXED);
}

const struct dp_sock_ops dp_udp_ops = {
	.name = "udp",
	.proto = IPPROTO_UDP,
	.pcb_size = sizeof(struct dp_udp_pcb),
	.init = udp_init,
	.connect = udp_connect,
	.send = dp_udp_send,
	.recv = dp_udp_recv,
	.close = udp_close,
	.abort = udp_close,
	.setopt = udp_setopt,
	.getopt = udp_getopt,
	.input = dp_udp_input,
	.ctlinput = dp_udp_ctlinput,
	.sent = udp_sent,
	.send_ts = dp_udp_send_ts,
	.free = udp_free,
};
