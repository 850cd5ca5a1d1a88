/* SPDX-License-Identifier: BSD-3-Clause */
/* The TCP unit tests' peer (test_ut_tcp_peer.h). */
#include <errno.h>
#include <string.h>

#include "test_ut_tcp_peer.h"

struct peer_opts peer_opts;

void
tune(struct dp_conf *c)
{
	c->tcp_msl_ms = 100;
}

int
suite_init(void)
{
	return ut_start(1, tune);
}

void
steps(void)
{
	for (int i = 0; i < 4; i++)
		ut_step();
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}

/* The peer's options for flags: MSS 1460 on a SYN, then what
 * peer_opts asks for (SACK-permitted on a SYN, timestamps on all). */
static uint16_t
opts(uint8_t *o, uint8_t flags)
{
	uint16_t n = 0;

	if (flags & RTE_TCP_SYN_FLAG) {
		static const uint8_t mss[4] = { 2, 4, 0x05, 0xb4 };

		memcpy(o, mss, 4);
		n = 4;
		if (peer_opts.sack_ok) {
			o[n++] = 1;
			o[n++] = 1;
			o[n++] = 4;
			o[n++] = 2;
		}
	}
	if (peer_opts.ts && !(flags & RTE_TCP_RST_FLAG)) {
		o[n++] = 1;
		o[n++] = 1;
		o[n++] = 8;
		o[n++] = 10;
		put32(o + n, peer_opts.tsval);
		put32(o + n + 4, peer_opts.tsecr);
		n += 8;
	}
	if (peer_opts.nsack != 0 && !(flags & (RTE_TCP_SYN_FLAG |
			RTE_TCP_RST_FLAG))) {
		o[n++] = 1;
		o[n++] = 1;
		o[n++] = 5;
		o[n++] = (uint8_t)(2 + 8 * peer_opts.nsack);
		for (uint32_t k = 0; k < peer_opts.nsack; k++, n += 8) {
			put32(o + n, peer_opts.sack[k][0]);
			put32(o + n + 4, peer_opts.sack[k][1]);
		}
	}
	return n;
}

/* A segment from the peer to port; csum_bad spoils it. */
uint16_t
frame(uint8_t *f, uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack,
		uint16_t win, const void *p, uint16_t n, bool csum_bad)
{
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;
	uint8_t opt[40];
	uint16_t ol = opts(opt, flags);

	ip = frame_ipv4(f, &ut_eng()->mac, &ut_peer_mac, UT_PEER, UT_IP,
		IPPROTO_TCP, (uint16_t)(sizeof(*th) + ol + n));
	th = (struct rte_tcp_hdr *)(ip + 1);
	memset(th, 0, sizeof(*th));
	th->src_port = rte_cpu_to_be_16(PEER_PORT);
	th->dst_port = rte_cpu_to_be_16(dport);
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = rte_cpu_to_be_32(ack);
	th->data_off = (uint8_t)(((sizeof(*th) + ol) / 4) << 4);
	th->tcp_flags = flags;
	th->rx_win = rte_cpu_to_be_16(win);
	memcpy(th + 1, opt, ol);
	if (n != 0)
		memcpy((uint8_t *)(th + 1) + ol, p, n);
	th->cksum = rte_ipv4_udptcp_cksum(ip, th);
	if (csum_bad)
		th->cksum ^= 0x5555;
	return (uint16_t)(sizeof(struct rte_ether_hdr) + sizeof(*ip) +
		sizeof(*th) + ol + n);
}

void
peer(uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win, const void *p,
		uint16_t n)
{
	peer_on(PORT, flags, seq, ack, win, p, n);
}

void
peer_on(uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack,
		uint16_t win, const void *p, uint16_t n)
{
	uint8_t f[2048];

	ut_inject(0, f, frame(f, dport, flags, seq, ack, win, p, n, false),
		0);
	steps();
}

/* The options of a segment we sent that the tests look at. */
static void
parse_opts(struct seg *sg, const uint8_t *o, uint32_t n)
{
	uint32_t i = 0;

	sg->ts = false;
	sg->nsack = 0;
	sg->optlen = n;
	while (i < n && o[i] != 0) {
		if (o[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= n || o[i + 1] < 2 || i + o[i + 1] > n) {
			CU_FAIL("malformed options sent");
			return;
		}
		if (o[i] == 8 && o[i + 1] == 10) {
			sg->ts = true;
			sg->tsval = get32(o + i + 2);
		}
		if (o[i] == 5) {
			sg->nsack = (o[i + 1] - 2) / 8;
			CU_ASSERT_EQUAL(o[i + 1], 2 + 8 * sg->nsack);
			for (uint32_t k = 0; k < sg->nsack && k < 4; k++) {
				sg->sack[k][0] = get32(o + i + 2 + 8 * k);
				sg->sack[k][1] = get32(o + i + 6 + 8 * k);
			}
		}
		i += o[i + 1];
	}
}

/* n bytes of m from off into buf, whether m is one mbuf or a chain. */
static void
payload(const struct rte_mbuf *m, uint32_t off, uint32_t n, uint8_t *buf)
{
	const void *p = rte_pktmbuf_read(m, off, n, buf);

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	if (p != buf)
		memcpy(buf, p, n);
}

/* The next TCP segment the stack sent; false if none. */
bool
sent(struct seg *sg)
{
	return sent_full(sg, NULL, 0);
}

bool
sent_full(struct seg *sg, uint8_t *all, uint32_t cap)
{
	struct rte_mbuf *m;

	while ((m = ut_sent(NULL)) != NULL) {
		struct rte_ipv4_hdr *ip = ut_ip_of(m);
		struct rte_tcp_hdr *th;
		uint32_t hl;

		if (ut_ether_type(m) != RTE_ETHER_TYPE_IPV4 ||
				ip->next_proto_id != IPPROTO_TCP) {
			rte_pktmbuf_free(m);
			continue;
		}
		th = (struct rte_tcp_hdr *)(ip + 1);
		hl = (uint32_t)(th->data_off >> 4) * 4;
		sg->flags = th->tcp_flags;
		sg->seq = rte_be_to_cpu_32(th->sent_seq);
		sg->ack = rte_be_to_cpu_32(th->recv_ack);
		sg->win = rte_be_to_cpu_16(th->rx_win);
		sg->len = rte_be_to_cpu_16(ip->total_length) - 20 - hl;
		sg->mss = hl > 20 && ((uint8_t *)(th + 1))[0] == 2;
		parse_opts(sg, (const uint8_t *)(th + 1), hl - 20);
		/* A TSO burst is a chain; the port fills its checksum
		 * (and any other segment's it was asked to). */
		sg->tso = (m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) ?
			m->tso_segsz : 0;
		payload(m, (uint32_t)((uint8_t *)th + hl -
			rte_pktmbuf_mtod(m, uint8_t *)), RTE_MIN(sg->len,
			(uint32_t)sizeof(sg->data)), sg->data);
		if (all != NULL)
			payload(m, (uint32_t)((uint8_t *)th + hl -
				rte_pktmbuf_mtod(m, uint8_t *)),
				RTE_MIN(sg->len, cap), all);
		if (m->ol_flags & (RTE_MBUF_F_TX_TCP_SEG |
				RTE_MBUF_F_TX_TCP_CKSUM)) {
			CU_ASSERT_EQUAL(th->cksum,
				rte_ipv4_phdr_cksum(ip, m->ol_flags));
		} else {
			CU_ASSERT_EQUAL(rte_ipv4_udptcp_cksum_verify(ip, th),
				0);
		}
		rte_pktmbuf_free(m);
		return true;
	}
	return false;
}

int64_t
state(struct dp_sock *s)
{
	int64_t v = -1;

	dp_sock_get_opt(s, DP_OPT_STATE, &v);
	return v;
}

void
syn_answered(struct seg *sg)
{
	peer(RTE_TCP_SYN_FLAG, PISS, 0, 65535, NULL, 0);
	CU_ASSERT_FATAL(sent(sg));
	CU_ASSERT_EQUAL(sg->flags, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG);
	CU_ASSERT_EQUAL(sg->ack, PISS + 1);
}

/* Our connect to the peer, established; *iss our ISS. */
struct dp_sock *
connected(uint32_t *iss)
{
	return connected_from(PISS, iss);
}

struct dp_sock *
connected_from(uint32_t piss, uint32_t *iss)
{
	return connected_on(PORT, piss, iss);
}

struct dp_sock *
connected_on(uint16_t lport, uint32_t piss, uint32_t *iss)
{
	struct dp_addr to = { UT_PEER, PEER_PORT };
	struct dp_sock *s = ut_sock(IPPROTO_TCP, 0, lport);
	struct seg sg;

	CU_ASSERT_EQUAL(dp_sock_connect_flags(s, &to, DP_F_NONBLOCK),
		-EINPROGRESS);
	steps();
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.flags, RTE_TCP_SYN_FLAG);
	CU_ASSERT(sg.mss);
	CU_ASSERT_EQUAL(state(s), DP_TCP_SYN_SENT);
	CU_ASSERT_FALSE(dp_sock_ready(s) & DP_EV_WRITE);
	*iss = sg.seq;
	peer_on(lport, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG, piss,
		sg.seq + 1, 65535, NULL, 0);
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(sg.flags, RTE_TCP_ACK_FLAG);
	CU_ASSERT_EQUAL(sg.ack, piss + 1);
	CU_ASSERT_EQUAL(state(s), DP_TCP_ESTABLISHED);
	CU_ASSERT(dp_sock_ready(s) & DP_EV_WRITE);
	return s;
}

void
port_tso(bool on)
{
	const uint64_t f = RTE_ETH_TX_OFFLOAD_TCP_TSO |
		RTE_ETH_TX_OFFLOAD_TCP_CKSUM;

	if (on)
		ut_eng()->port->tx_offloads |= f;
	else
		ut_eng()->port->tx_offloads &= ~f;
}

/* Abort s and let the stack give back what it held. */
void
done(struct dp_sock *s)
{
	dp_sock_close(s, DP_CLOSE_ABORT);
	steps();
	ut_sent_drop();
}


uint32_t
read_bytes(struct dp_sock *s, uint32_t from, uint8_t (*want)(uint32_t),
		long *end)
{
	uint8_t buf[512];
	uint32_t got = 0;
	long n = 0;

	for (int k = 0; k < 100000; k++) {
		n = ut_recv(s, buf, sizeof(buf), NULL, NULL, 0);
		if (n <= 0)
			break;
		for (long j = 0; j < n; j++)
			if (buf[j] != want(from + got + (uint32_t)j)) {
				CU_FAIL("byte out of order or wrong");
				n = -EPROTO;
				goto out;
			}
		got += (uint32_t)n;
	}
out:
	if (end != NULL)
		*end = n;
	return got;
}
