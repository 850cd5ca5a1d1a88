/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A protocol plugs in through the socket layer's operations table alone
 * (issue 11, item 2): "toy", IPv4 protocol 253 (experimental, RFC 3692),
 * is written here, in a test, against the headers of the layers below
 * it (sock's dp_sock_priv.h, net's dp_net.h, core's dp_core.h); nothing
 * under dataplane/ names it. It is registered before the engine starts,
 * and a socket of it sends, receives and closes through dp_sock_*.
 *
 * The protocol: ports, a length and a checksum, like UDP without the
 * pseudo-header; no fragmentation (a datagram must fit the MTU). Its
 * socket timer (ops->timer, s->timer on the owner's wheel) is armed and
 * cancelled on the owner through the control ring, as the rule of
 * dp_sock_priv.h says.
 *
 *   dp_sock_send -> toy_send -> dp_ip_header/dp_ip_finish -> s->txq ->
 *       owner lcore (dp_sock_tx_poll) -> dp_ip_output_try -> port
 *   port -> dp_ip_input -> toy_input -> dp_demux_lookup -> s->rxq ->
 *       dp_sock_recv -> toy_recv
 *
 * Its send and input repeat the socket layer's accounting that UDP's do
 * (tx_bytes_q/tx_pending around the TX ring, rx_bytes_q and the wake-up
 * around the RX ring): the generic socket offers no call for either
 * (see the closing note of issue 11).
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_udp.h>

#include "ut.h"

#define TOY_PROTO	253
#define TOY_MAGIC	0x70790000u
#define TOY_PORT	700
#define TOY_PEER_PORT	701

struct toy_hdr {
	rte_be16_t sport;
	rte_be16_t dport;
	rte_be16_t len;			/* header and payload */
	rte_be16_t cksum;		/* Internet checksum of both */
} __rte_packed;

#define TOY_HDR		sizeof(struct toy_hdr)
#define IP_HDR		sizeof(struct rte_ipv4_hdr)

/* Its part of a socket (dp_sock_pcb). */
struct toy_pcb {
	uint32_t magic;			/* init ran */
	uint32_t sent;			/* (a) datagrams queued */
	uint32_t received;		/* (a) datagrams delivered */
};

/* What the protocol saw happen to sockets after they are gone, its
 * timer's firings, and the drops of its input (a protocol's own
 * counters). */
static struct {
	uint32_t closed, freed;
	uint32_t timer_fired;
	uint64_t timer_fired_us;	/* the owner's clock when it fired */
	bool close_keeps_timer;		/* close forgets to cancel it */
	uint32_t rx_short, rx_bad_len, rx_bad_sum, rx_no_port, rx_full;
} toy;

static struct toy_pcb *
toy_pcb(struct dp_sock *s)
{
	return dp_sock_pcb(s);
}

static int
toy_init(struct dp_sock *s)
{
	toy_pcb(s)->magic = TOY_MAGIC;
	return 0;
}

static uint16_t
toy_sum(const struct toy_hdr *th, uint16_t len)
{
	return (uint16_t)~rte_raw_cksum(th, len);
}

static size_t
iov_copy_in(uint8_t *dst, const struct dp_iov *iov, unsigned int niov)
{
	size_t n = 0;

	for (unsigned int i = 0; i < niov; i++) {
		if (iov[i].len != 0)
			memcpy(dst + n, iov[i].base, iov[i].len);
		n += iov[i].len;
	}
	return n;
}

/* The generic TX ring's accounting, as UDP keeps it: bytes within
 * SO_SNDBUF, frames pending until they leave, the ring's epoch, the
 * owner's doorbell. */
static int
toy_enqueue(struct dp_sock *s, struct rte_mbuf *m, size_t len)
{
	uint64_t q = __atomic_fetch_add(&s->tx_bytes_q, len,
		__ATOMIC_ACQ_REL);
	unsigned int e;
	int ret = 0;

	__atomic_fetch_add(&s->tx_pending, 1, __ATOMIC_ACQ_REL);
	e = dp_sock_tx_enter(s);
	if ((q != 0 && q + len > s->sndbuf) ||
			rte_ring_enqueue(__atomic_load_n(&s->txq.prod,
			__ATOMIC_SEQ_CST), m) != 0)
		ret = -EAGAIN;
	dp_sock_tx_exit(s, e);
	if (ret != 0) {
		__atomic_fetch_sub(&s->tx_pending, 1, __ATOMIC_RELEASE);
		__atomic_fetch_sub(&s->tx_bytes_q, len, __ATOMIC_RELEASE);
		return ret;
	}
	dp_sock_tx_kick(s);
	return 0;
}

/* Application thread: one datagram, one frame, on the socket's TX ring. */
static long
toy_send(struct dp_sock *s, const struct dp_iov *iov, unsigned int niov,
		const struct dp_addr *to, int flags)
{
	struct dp_engine *eng = s->eng;
	size_t len = 0;
	struct dp_ip_hdr h;
	struct rte_ipv4_hdr *ip;
	struct toy_hdr *th;
	struct dp_mbuf_priv *p;
	struct rte_mbuf *m;
	uint32_t nexthop;
	int ret;

	RTE_SET_USED(flags);
	if (to == NULL)
		return -EDESTADDRREQ;
	for (unsigned int i = 0; i < niov; i++)
		len += iov[i].len;
	if (IP_HDR + TOY_HDR + len > eng->mtu)
		return -EMSGSIZE;
	h = (struct dp_ip_hdr){ .dst_be = rte_cpu_to_be_32(to->ip),
		.proto = TOY_PROTO, .tos = s->tos, .ttl = s->ttl };
	nexthop = dp_ip_nexthop(eng, h.dst_be);
	if (nexthop == 0)
		return -ENETUNREACH;
	ret = dp_sock_autobind(s);
	if (ret == 0)
		ret = dp_sock_txq_init(s);
	if (ret != 0)
		return ret;
	m = dp_mcache_alloc(eng);
	if (m == NULL)
		return -ENOBUFS;
	ip = (struct rte_ipv4_hdr *)rte_pktmbuf_append(m,
		(uint16_t)(IP_HDR + TOY_HDR + len));
	dp_ip_header(eng, ip, &h, dp_ip_id(eng), 0, false,
		(uint32_t)(TOY_HDR + len));
	th = (struct toy_hdr *)(ip + 1);
	th->sport = rte_cpu_to_be_16(s->local.port);
	th->dport = rte_cpu_to_be_16(to->port);
	th->len = rte_cpu_to_be_16((uint16_t)(TOY_HDR + len));
	th->cksum = 0;
	iov_copy_in((uint8_t *)(th + 1), iov, niov);
	th->cksum = toy_sum(th, (uint16_t)(TOY_HDR + len));
	dp_ip_finish(eng, m, ip, true);
	p = dp_mbuf_priv(m);
	p->owner = s;
	p->addr = nexthop;
	p->dgram_len = (uint32_t)len;
	p->flags = DP_MBUF_F_FIRST;
	ret = toy_enqueue(s, m, len);
	if (ret != 0) {
		dp_mcache_free(eng, m);
		return ret;
	}
	__atomic_fetch_add(&toy_pcb(s)->sent, 1, __ATOMIC_RELAXED);
	return (long)len;
}

/* Application thread: the oldest datagram of the socket's RX ring. */
static long
toy_recv(struct dp_sock *s, const struct dp_iov *iov, unsigned int niov,
		struct dp_rx_meta *meta, int flags)
{
	struct rte_ring *r = dp_ringq_head(&s->rxq);
	const struct dp_mbuf_priv *p;
	struct rte_mbuf *m;
	size_t len, done = 0;

	if (r == NULL)
		return -EINVAL;		/* never bound */
	if ((flags & DP_F_PEEK) || rte_ring_dequeue(r, (void **)&m) != 0)
		return (flags & DP_F_PEEK) ? -EOPNOTSUPP : -EAGAIN;
	p = dp_mbuf_priv(m);
	len = p->dgram_len;
	for (unsigned int i = 0; i < niov && done < len; i++) {
		size_t k = RTE_MIN(iov[i].len, len - done);

		memcpy(iov[i].base, rte_pktmbuf_mtod_offset(m, uint8_t *,
			done), k);
		done += k;
	}
	if (meta != NULL) {
		*meta = (struct dp_rx_meta){ .full_len = len };
		meta->from.ip = rte_be_to_cpu_32(p->addr);
		meta->from.port = rte_be_to_cpu_16(p->port);
	}
	__atomic_fetch_sub(&s->rx_bytes_q, len, __ATOMIC_RELAXED);
	dp_mcache_free(s->eng, m);
	return done < len ? -EMSGSIZE : (long)done;
}

/* Lcore: its socket's RX ring, with the generic accounting. Consumes m. */
static void
toy_deliver(struct dp_lcore *lc, struct dp_sock *s, struct rte_mbuf *m,
		uint32_t len)
{
	__atomic_fetch_add(&s->rx_bytes_q, len, __ATOMIC_ACQ_REL);
	if (rte_ring_enqueue(__atomic_load_n(&s->rxq.prod, __ATOMIC_ACQUIRE),
			m) != 0) {
		__atomic_fetch_sub(&s->rx_bytes_q, len, __ATOMIC_RELAXED);
		__atomic_fetch_add(&s->st.drop_rx_full, 1, __ATOMIC_RELAXED);
		toy.rx_full++;
		rte_pktmbuf_free(m);
		return;
	}
	__atomic_fetch_add(&s->st.rx_dgrams, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&s->st.rx_bytes, len, __ATOMIC_RELAXED);
	__atomic_fetch_add(&toy_pcb(s)->received, 1, __ATOMIC_RELAXED);
	dp_wait_note(lc, s);
}

/* Lcore: a datagram of protocol 253 (m's data at its IPv4 header). */
static void
toy_input(struct dp_lcore *lc, struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ip =
		rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	uint32_t avail = m->pkt_len - m->l3_len;
	struct dp_bind_group *g[2];
	struct dp_mbuf_priv *p;
	struct toy_hdr *th;
	uint16_t len;

	if (avail < TOY_HDR || m->data_len < m->l3_len + TOY_HDR) {
		toy.rx_short++;
		goto drop;
	}
	th = rte_pktmbuf_mtod_offset(m, struct toy_hdr *, m->l3_len);
	len = rte_be_to_cpu_16(th->len);
	if (len < TOY_HDR || len > avail || m->data_len < m->l3_len + len) {
		toy.rx_bad_len++;
		goto drop;
	}
	if (rte_raw_cksum(th, len) != 0xffff) {
		toy.rx_bad_sum++;
		goto drop;
	}
	if (dp_demux_lookup(lc->eng, TOY_PROTO, ip->dst_addr, th->dport,
			g) == 0) {
		toy.rx_no_port++;
		goto drop;
	}
	p = dp_mbuf_priv(m);
	p->addr = ip->src_addr;
	p->port = th->sport;
	p->dgram_len = (uint32_t)(len - TOY_HDR);
	rte_pktmbuf_adj(m, (uint16_t)(m->l3_len + TOY_HDR));
	toy_deliver(lc, g[0] != NULL ? g[0]->s[0] : g[1]->s[0], m,
		p->dgram_len);
	return;
drop:
	rte_pktmbuf_free(m);
}

/* The owner lcore: s->timer fired (a TCP's RTO would resend here). */
static void
toy_timer(struct dp_sock *s)
{
	toy.timer_fired++;
	toy.timer_fired_us = s->owner->now_us;
}

struct toy_timer_req {
	struct dp_sock *s;
	uint64_t at;			/* µs, the owner's clock; 0: cancel */
};

/* The owner lcore: s->timer is its to arm and cancel. */
static int
toy_timer_set(struct dp_lcore *lc, void *arg)
{
	const struct toy_timer_req *r = arg;

	if (r->at != 0)
		dp_sock_timer_arm(r->s, r->at);
	else
		dp_timer_cancel(&lc->timers, &r->s->timer);
	return 0;
}

/* Application thread: the timer goes before the socket can be freed
 * (unless a case plays a protocol that forgets it). */
static void
toy_close(struct dp_sock *s)
{
	struct toy_timer_req r = { .s = s, .at = 0 };

	if (!toy.close_keeps_timer)
		dp_sock_owner_call(s, toy_timer_set, &r);
	toy.closed++;
}

static void
toy_free(struct dp_sock *s)
{
	if (toy_pcb(s)->magic == TOY_MAGIC)
		toy.freed++;
}

static const struct dp_sock_ops toy_ops = {
	.name = "toy",
	.proto = TOY_PROTO,
	.pcb_size = sizeof(struct toy_pcb),
	.init = toy_init,
	.send = toy_send,
	.recv = toy_recv,
	.close = toy_close,
	.abort = toy_close,
	.input = toy_input,
	.timer = toy_timer,
	.free = toy_free,
};

/* A toy datagram from the peer's port to ours, checksum right. */
static uint16_t
toy_frame(uint8_t *f, uint16_t dport, const char *payload, uint16_t n)
{
	struct rte_ipv4_hdr *ip = frame_ipv4(f, &ut_eng()->mac, &ut_peer_mac,
		UT_PEER, UT_IP, TOY_PROTO, (uint16_t)(TOY_HDR + n));
	struct toy_hdr *th = (struct toy_hdr *)(ip + 1);

	th->sport = rte_cpu_to_be_16(TOY_PEER_PORT);
	th->dport = rte_cpu_to_be_16(dport);
	th->len = rte_cpu_to_be_16((uint16_t)(TOY_HDR + n));
	th->cksum = 0;
	memcpy(th + 1, payload, n);
	th->cksum = toy_sum(th, (uint16_t)(TOY_HDR + n));
	return (uint16_t)(sizeof(struct rte_ether_hdr) + IP_HDR + TOY_HDR + n);
}

/* ---- the cases ---- */

/* Registered before the start, it stays; the table refuses another
 * protocol 253, and a new protocol while an engine runs. */
static void
test_toy_is_registered_and_the_table_guards_it(void)
{
	static const struct dp_sock_ops other = { .name = "other",
		.proto = TOY_PROTO };
	static const struct dp_sock_ops late = { .name = "late",
		.proto = 252 };

	CU_ASSERT_PTR_EQUAL(dp_sock_proto(TOY_PROTO), &toy_ops);
	CU_ASSERT_EQUAL(dp_sock_proto_register(&toy_ops), 0);
	CU_ASSERT_EQUAL(dp_sock_proto_register(&other), -EEXIST);
	CU_ASSERT_EQUAL(dp_sock_proto_register(&late), -EBUSY);
	CU_ASSERT_PTR_NULL(dp_sock_proto(252));
}

/* dp_sock_create(253) makes a socket of it, its state after the
 * generic socket, its init run. */
static void
test_toy_socket_is_created_with_its_pcb(void)
{
	struct dp_sock *s = NULL;

	CU_ASSERT_EQUAL_FATAL(dp_sock_create(TOY_PROTO, &s), 0);
	CU_ASSERT_PTR_EQUAL(s->ops, &toy_ops);
	CU_ASSERT_EQUAL(toy_pcb(s)->magic, TOY_MAGIC);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

/* Its send builds the frame with net's IPv4 header and checksum and
 * queues it on the generic TX ring; the owner lcore sends it, and the
 * generic socket counts it. */
static void
test_toy_send_leaves_through_the_generic_tx_ring(void)
{
	struct dp_sock *s = ut_sock(TOY_PROTO, 0, TOY_PORT);
	struct dp_sock_stats st;
	struct rte_ipv4_hdr *ip;
	struct toy_hdr *th;
	struct rte_mbuf *m;

	CU_ASSERT_EQUAL(ut_send(s, UT_PEER, TOY_PEER_PORT, "hello", 5), 5);
	CU_ASSERT_EQUAL(toy_pcb(s)->sent, 1);
	CU_ASSERT_EQUAL(dp_sock_ready(s) & DP_EV_DRAINED, 0);
	CU_ASSERT_PTR_NULL(ut_sent(NULL));	/* the lcore has not run */
	ut_settle();
	m = ut_sent(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT(rte_is_same_ether_addr(&rte_pktmbuf_mtod(m,
		struct rte_ether_hdr *)->dst_addr, &ut_peer_mac));
	ip = ut_ip_of(m);
	CU_ASSERT_EQUAL(ip->next_proto_id, TOY_PROTO);
	CU_ASSERT_EQUAL(ip->src_addr, rte_cpu_to_be_32(UT_IP));
	CU_ASSERT_EQUAL(ip->dst_addr, rte_cpu_to_be_32(UT_PEER));
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip->total_length),
		IP_HDR + TOY_HDR + 5);
	if (!ut_eng()->ip_cksum_offload)
		CU_ASSERT_EQUAL(rte_raw_cksum(ip, IP_HDR), 0xffff);
	th = (struct toy_hdr *)(ip + 1);
	CU_ASSERT_EQUAL(th->sport, rte_cpu_to_be_16(TOY_PORT));
	CU_ASSERT_EQUAL(th->dport, rte_cpu_to_be_16(TOY_PEER_PORT));
	CU_ASSERT_EQUAL(rte_raw_cksum(th, TOY_HDR + 5), 0xffff);
	CU_ASSERT_EQUAL(memcmp(th + 1, "hello", 5), 0);
	rte_pktmbuf_free(m);
	dp_sock_stats_get(s, &st);
	CU_ASSERT_EQUAL(st.tx_dgrams, 1);
	CU_ASSERT_EQUAL(st.tx_bytes, 5);
	CU_ASSERT(dp_sock_ready(s) & DP_EV_DRAINED);
	dp_sock_close(s, DP_CLOSE_GRACEFUL);
}

/* A frame of protocol 253 from the wire reaches its input, which finds
 * the bound socket in the generic demux; its recv reads it. */
static void
test_toy_input_delivers_to_the_bound_socket(void)
{
	struct dp_sock *s = ut_sock(TOY_PROTO, 0, TOY_PORT);
	struct dp_sock_stats st;
	struct dp_addr from;
	uint8_t f[256];
	char buf[32];

	ut_deliver(f, toy_frame(f, TOY_PORT, "from the wire", 13));
	CU_ASSERT_EQUAL(toy_pcb(s)->received, 1);
	CU_ASSERT(dp_sock_ready(s) & DP_EV_READ);
	CU_ASSERT_EQUAL(dp_sock_rx_bytes(s), 13);
	CU_ASSERT_EQUAL(ut_recv(s, buf, sizeof(buf), &from, NULL, 0), 13);
	CU_ASSERT_EQUAL(memcmp(buf, "from the wire", 13), 0);
	CU_ASSERT_EQUAL(from.ip, UT_PEER);
	CU_ASSERT_EQUAL(from.port, TOY_PEER_PORT);
	CU_ASSERT_EQUAL(ut_recv(s, buf, sizeof(buf), NULL, NULL, 0), -EAGAIN);
	dp_sock_stats_get(s, &st);
	CU_ASSERT_EQUAL(st.rx_dgrams, 1);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

/* Its input drops what it cannot take, on its own counters: a port
 * nobody holds, a bad checksum, a length past the datagram. */
static void
test_toy_input_drops_are_its_own(void)
{
	struct dp_sock *s = ut_sock(TOY_PROTO, 0, TOY_PORT);
	uint8_t f[256];
	uint16_t len;

	toy.rx_no_port = toy.rx_bad_sum = toy.rx_bad_len = 0;
	ut_deliver(f, toy_frame(f, TOY_PORT + 5, "x", 1));
	len = toy_frame(f, TOY_PORT, "abc", 3);
	f[len - 1] ^= 0xff;
	ut_deliver(f, len);
	len = toy_frame(f, TOY_PORT, "abc", 3);
	((struct toy_hdr *)(f + 14 + IP_HDR))->len = rte_cpu_to_be_16(99);
	ut_deliver(f, len);
	CU_ASSERT_EQUAL(toy.rx_no_port, 1);
	CU_ASSERT_EQUAL(toy.rx_bad_sum, 1);
	CU_ASSERT_EQUAL(toy.rx_bad_len, 1);
	CU_ASSERT_EQUAL(dp_sock_rx_bytes(s), 0);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

/* Protocols have port spaces of their own: UDP and toy both hold port
 * 700, and each gets only its own datagrams. */
static void
test_toy_and_udp_port_spaces_are_separate(void)
{
	struct dp_sock *t = ut_sock(TOY_PROTO, 0, TOY_PORT);
	struct dp_sock *u = ut_sock(IPPROTO_UDP, 0, TOY_PORT);
	uint8_t f[256];
	char buf[32];

	ut_deliver(f, toy_frame(f, TOY_PORT, "toy", 3));
	ut_deliver(f, ut_udp_frame(f, UT_PEER, TOY_PEER_PORT, UT_IP, TOY_PORT,
		"udp!", 4, FRAME_CSUM_GOOD));
	CU_ASSERT_EQUAL(ut_recv(t, buf, sizeof(buf), NULL, NULL, 0), 3);
	CU_ASSERT_EQUAL(ut_recv(t, buf, sizeof(buf), NULL, NULL, 0), -EAGAIN);
	CU_ASSERT_EQUAL(ut_recv(u, buf, sizeof(buf), NULL, NULL, 0), 4);
	CU_ASSERT_EQUAL(ut_recv(u, buf, sizeof(buf), NULL, NULL, 0), -EAGAIN);
	dp_sock_close(t, DP_CLOSE_ABORT);
	dp_sock_close(u, DP_CLOSE_ABORT);
}

/* What its table leaves out fails as the generic socket says:
 * -EOPNOTSUPP for calls, -ENOPROTOOPT for options. */
static void
test_toy_operations_it_lacks_fail_eopnotsupp(void)
{
	struct dp_sock *s = ut_sock(TOY_PROTO, 0, TOY_PORT);
	int64_t v;

	CU_ASSERT_EQUAL(dp_sock_connect(s, &(struct dp_addr){ UT_PEER, 1 }),
		-EOPNOTSUPP);
	CU_ASSERT_EQUAL(dp_sock_set_opt(s, DP_OPT_CONNRESET, 1), -ENOPROTOOPT);
	CU_ASSERT_EQUAL(dp_sock_get_opt(s, DP_OPT_CONNRESET, &v),
		-ENOPROTOOPT);
	CU_ASSERT_EQUAL(dp_sock_mc_join(s, FRAME_IP4(239, 1, 1, 1), 0, 0),
		-ENOPROTOOPT);
	/* The generic options work for it as for any socket. */
	CU_ASSERT_EQUAL(dp_sock_set_opt(s, DP_OPT_TTL, 3), 0);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

/* Close runs its close, and, once the orphan has sent what it queued,
 * its free; every mbuf is back. */
static void
test_toy_close_runs_close_then_free_after_the_orphan_sent(void)
{
	struct dp_sock *s = ut_sock(TOY_PROTO, 0, TOY_PORT);
	uint32_t closed = toy.closed, freed = toy.freed;

	CU_ASSERT_EQUAL(ut_send(s, UT_PEER, TOY_PEER_PORT, "last", 4), 4);
	dp_sock_close(s, DP_CLOSE_GRACEFUL);
	CU_ASSERT_EQUAL(toy.closed, closed + 1);
	CU_ASSERT_EQUAL(toy.freed, freed);
	ut_settle();
	CU_ASSERT_EQUAL(ut_sent_drop(), 1);
	CU_ASSERT_EQUAL(dp_sock_create(TOY_PROTO, &s), 0);	/* reaps */
	CU_ASSERT_EQUAL(toy.freed, freed + 1);
	dp_sock_close(s, DP_CLOSE_ABORT);
	CU_ASSERT_EQUAL(ut_mbufs_in_use(), 0);
}

/* Its timer, armed through the owner, fires on the owner's wheel in the
 * first iteration whose clock reaches it, once; re-armed, it moves. */
static void
test_toy_timer_fires_on_the_owner_at_its_microsecond(void)
{
	struct dp_sock *s = ut_sock(TOY_PROTO, 0, TOY_PORT);
	struct toy_timer_req r = { .s = s, .at = ut_now_us() + 1500 };

	toy.timer_fired = 0;
	dp_sock_owner_call(s, toy_timer_set, &r);
	r.at += 1000;			/* moved on before it was due */
	dp_sock_owner_call(s, toy_timer_set, &r);
	ut_advance_us(2000);
	ut_step();
	CU_ASSERT(ut_now_us() < r.at);
	CU_ASSERT_EQUAL(toy.timer_fired, 0);
	ut_advance_us(600);
	ut_step();
	CU_ASSERT_EQUAL_FATAL(toy.timer_fired, 1);
	CU_ASSERT(toy.timer_fired_us >= r.at);
	CU_ASSERT_EQUAL(toy.timer_fired_us, ut_now_us());
	ut_advance_us(100000);
	ut_step();
	CU_ASSERT_EQUAL(toy.timer_fired, 1);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

/* A socket closed with its timer armed: the protocol's close cancels it
 * on the owner, so it never fires into a freed socket. */
static void
test_toy_timer_armed_at_close_never_fires(void)
{
	struct dp_sock *s = ut_sock(TOY_PROTO, 0, TOY_PORT);
	struct toy_timer_req r = { .s = s, .at = ut_now_us() + 1000 };
	struct dp_timer_wheel *w = &s->owner->timers;
	unsigned int armed_before = dp_timer_count(w);

	toy.timer_fired = 0;
	dp_sock_owner_call(s, toy_timer_set, &r);
	dp_sock_close(s, DP_CLOSE_ABORT);
	ut_advance_us(10000);
	ut_step();
	CU_ASSERT_EQUAL(toy.timer_fired, 0);
	CU_ASSERT_EQUAL(dp_timer_count(w), armed_before);
}

/* A protocol whose close leaves its timer armed: the generic socket
 * cancels it on the owner as it frees the socket, so it never fires into
 * freed memory (under ASan a use after free; here the callback would
 * count it, or the wheel would follow freed links). */
static void
test_toy_timer_left_armed_by_close_is_cancelled_at_free(void)
{
	struct dp_sock *s = ut_sock(TOY_PROTO, 0, TOY_PORT);
	struct toy_timer_req r = { .s = s, .at = ut_now_us() + 1000 };
	struct dp_timer_wheel *w = &s->owner->timers;
	unsigned int armed_before = dp_timer_count(w);
	uint32_t freed = toy.freed;

	toy.timer_fired = 0;
	dp_sock_owner_call(s, toy_timer_set, &r);
	CU_ASSERT_EQUAL(dp_timer_count(w), armed_before + 1);
	toy.close_keeps_timer = true;
	dp_sock_close(s, DP_CLOSE_ABORT);
	toy.close_keeps_timer = false;
	/* Nothing to send: the close reaped it. */
	CU_ASSERT_EQUAL(toy.freed, freed + 1);
	CU_ASSERT_EQUAL(dp_timer_count(w), armed_before);
	ut_advance_us(10000);
	ut_step();
	CU_ASSERT_EQUAL(toy.timer_fired, 0);
}

/* Registered before the engine starts: the socket layer hands net its
 * input for protocol 253 at create. */
static int
toy_suite_init(void)
{
	if (dp_sock_proto_register(&toy_ops) != 0)
		return -1;
	return ut_start(1, NULL);
}

static const struct wt_test tests[] = {
	WT_TEST(test_toy_is_registered_and_the_table_guards_it),
	WT_TEST(test_toy_socket_is_created_with_its_pcb),
	WT_TEST(test_toy_send_leaves_through_the_generic_tx_ring),
	WT_TEST(test_toy_input_delivers_to_the_bound_socket),
	WT_TEST(test_toy_input_drops_are_its_own),
	WT_TEST(test_toy_and_udp_port_spaces_are_separate),
	WT_TEST(test_toy_operations_it_lacks_fail_eopnotsupp),
	WT_TEST(test_toy_close_runs_close_then_free_after_the_orphan_sent),
	WT_TEST(test_toy_timer_fires_on_the_owner_at_its_microsecond),
	WT_TEST(test_toy_timer_armed_at_close_never_fires),
	WT_TEST(test_toy_timer_left_armed_by_close_is_cancelled_at_free),
	WT_TEST_END
};

static const struct wt_suite suite =
	UT_SUITE("unit_toy_proto", toy_suite_init, tests);

WT_MAIN(suite)
