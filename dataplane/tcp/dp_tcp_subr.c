/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP's layer and the life of a TCB: the per-lcore connection tables,
 * ISN and TSval offsets, option parsing, teardown of a connection.
 *
 * ISN (RFC 6528): M + F(4-tuple, secret), M a 4 µs clock, F SipHash-2-4
 * keyed with a 128-bit secret. The secret and both clocks are
 * process-global and monotonic across engine stop/start, so a peer that
 * still holds TIME-WAIT for a reused 4-tuple sees a newer sequence
 * number and TSval and lets the new SYN in at once (RFC 6191).
 */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_random.h>
#include <rte_ring.h>

#include "dp_os.h"
#include "dp_tcp.h"

/* ---- SipHash-2-4 (Aumasson, Bernstein), on whole 64-bit words ---- */

#define ROTL(x, b)	(uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static void
sip_round(uint64_t v[4])
{
	v[0] += v[1]; v[1] = ROTL(v[1], 13); v[1] ^= v[0];
	v[0] = ROTL(v[0], 32);
	v[2] += v[3]; v[3] = ROTL(v[3], 16); v[3] ^= v[2];
	v[0] += v[3]; v[3] = ROTL(v[3], 21); v[3] ^= v[0];
	v[2] += v[1]; v[1] = ROTL(v[1], 17); v[1] ^= v[2];
	v[2] = ROTL(v[2], 32);
}

uint64_t
dp_tcp_siphash(const uint64_t k[2], const uint64_t *w, unsigned int n)
{
	uint64_t v[4] = {
		k[0] ^ UINT64_C(0x736f6d6570736575),
		k[1] ^ UINT64_C(0x646f72616e646f6d),
		k[0] ^ UINT64_C(0x6c7967656e657261),
		k[1] ^ UINT64_C(0x7465646279746573),
	};
	uint64_t last = (uint64_t)(n * 8) << 56;

	for (unsigned int i = 0; i < n; i++) {
		v[3] ^= w[i];
		sip_round(v);
		sip_round(v);
		v[0] ^= w[i];
	}
	v[3] ^= last;
	sip_round(v);
	sip_round(v);
	v[0] ^= last;
	v[2] ^= 0xff;
	for (int i = 0; i < 4; i++)
		sip_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

/* Process-global: drawn once, kept across engines (RFC 6528 §3). */
static uint64_t secret[2];
static uint32_t secret_set;

static const uint64_t *
key(void)
{
	if (__atomic_load_n(&secret_set, __ATOMIC_ACQUIRE) == 0) {
		static rte_spinlock_t lock = RTE_SPINLOCK_INITIALIZER;

		rte_spinlock_lock(&lock);
		if (secret_set == 0) {
			secret[0] = rte_rand() ^ dp_os_now_us();
			secret[1] = rte_rand();
			__atomic_store_n(&secret_set, 1, __ATOMIC_RELEASE);
		}
		rte_spinlock_unlock(&lock);
	}
	return secret;
}

uint32_t
dp_tcp_isn(uint32_t laddr, uint32_t faddr, uint16_t lport, uint16_t fport)
{
	uint64_t w[2] = { (uint64_t)laddr << 32 | faddr,
		(uint64_t)lport << 16 | fport };

	/* M: a 4 µs clock (RFC 9293 §3.4.1), from the OS's monotonic one,
	 * which engines come and go under. */
	return (uint32_t)(dp_os_now_us() / 4) +
		(uint32_t)dp_tcp_siphash(key(), w, 2);
}

/* dp_tcp_test_iss_next's value, bit 32 set while armed. */
static uint64_t test_iss;

void
dp_tcp_test_iss_next(uint32_t iss)
{
	__atomic_store_n(&test_iss, UINT64_C(1) << 32 | iss,
		__ATOMIC_RELEASE);
}

/* The armed test ISS, taken once; else RFC 6528's. */
static uint32_t
iss_for(uint32_t laddr, uint32_t faddr, uint16_t lport, uint16_t fport)
{
	uint64_t t;

	if (likely(__atomic_load_n(&test_iss, __ATOMIC_RELAXED) == 0))
		return dp_tcp_isn(laddr, faddr, lport, fport);
	t = __atomic_exchange_n(&test_iss, 0, __ATOMIC_ACQ_REL);
	return t != 0 ? (uint32_t)t : dp_tcp_isn(laddr, faddr, lport, fport);
}

uint32_t
dp_tcp_ts_offset(uint32_t laddr, uint32_t faddr)
{
	/* A domain word keeps it unrelated to the ISN's F. */
	uint64_t w[2] = { (uint64_t)laddr << 32 | faddr, 0x7473 };

	return (uint32_t)dp_tcp_siphash(key(), w, 2);
}

/* The iteration's clock, on the OS's origin: no clock read per segment
 * (a system-clock read was ~7 % of a run-to-completion thread's time in
 * a TCP ping-pong, four a round trip). TSC time moves on from the
 * engine's start as the OS's does, so TSvals keep growing across
 * engines (PAWS at a reused 4-tuple). A driven engine's clock is its
 * test's: the OS's then. */
uint32_t
dp_tcp_tsval(const struct dp_lcore *lc, uint32_t off)
{
	const struct dp_engine *eng = lc->eng;

	if (unlikely(eng->driven))
		return (uint32_t)(dp_os_now_us() / 1000) + off;
	return (uint32_t)((lc->now_us + eng->tcp->ts_base_us) / 1000) + off;
}

/* ---- the owner's connection table ---- */

uint32_t
dp_tcp_hash4(uint32_t laddr, uint16_t lport, uint32_t faddr, uint16_t fport)
{
	uint32_t h = faddr ^ (faddr >> 16) ^ ((uint32_t)fport << 5) ^
		lport ^ laddr;

	h ^= h >> 11;
	h *= 0x9e3779b1u;
	return h >> 16 ^ h << 16;
}

static unsigned int
bucket(const struct dp_tcp_lcore *t, uint32_t laddr, uint16_t lport,
		uint32_t faddr, uint16_t fport)
{
	return dp_tcp_hash4(laddr, lport, faddr, fport) & t->mask;
}

struct dp_tcp_pcb *
dp_tcp_lookup(struct dp_lcore *lc, uint32_t laddr, uint16_t lport,
		uint32_t faddr, uint16_t fport)
{
	struct dp_tcp_pcb *tp = lc->tcp->hash[bucket(lc->tcp, laddr, lport,
		faddr, fport)];

	for (; tp != NULL; tp = tp->hnext)
		if (tp->fport == fport && tp->lport == lport &&
				tp->faddr == faddr && tp->laddr == laddr)
			return tp;
	return NULL;
}

bool
dp_tcp_tuple_busy(struct dp_lcore *lc, uint32_t laddr, uint16_t lport,
		uint32_t faddr, uint16_t fport)
{
	return dp_tcp_lookup(lc, laddr, lport, faddr, fport) != NULL ||
		dp_tcp_tw_lookup(lc, laddr, lport, faddr, fport) != NULL;
}

void
dp_tcp_table_add(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	struct dp_tcp_pcb **b = &lc->tcp->hash[bucket(lc->tcp, tp->laddr, tp->lport,
		tp->faddr, tp->fport)];

	tp->hnext = *b;
	*b = tp;
	tp->tf |= TF_IN_TABLE;
	/* Atomic for dp_tcp_teardown_abort's look from the app thread. */
	__atomic_store_n(&lc->tcp->count, lc->tcp->count + 1,
		__ATOMIC_RELAXED);
}

static void
table_del(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	struct dp_tcp_pcb **p = &lc->tcp->hash[bucket(lc->tcp, tp->laddr, tp->lport,
		tp->faddr, tp->fport)];

	for (; *p != NULL; p = &(*p)->hnext) {
		if (*p == tp) {
			*p = tp->hnext;
			tp->tf &= ~TF_IN_TABLE;
			__atomic_store_n(&lc->tcp->count, lc->tcp->count - 1,
				__ATOMIC_RELAXED);
			return;
		}
	}
}

/* The owner, before tp's socket is freed (dp_sock_ops.detach); with the
 * lcores stopped the tables may be gone already, and nobody looks. */
void
dp_tcp_detach(struct dp_lcore *lc, struct dp_sock *s)
{
	struct dp_tcp_pcb *tp = dp_tcp_pcb(s);

	if (lc->tcp != NULL && (tp->tf & TF_IN_TABLE))
		table_del(lc, tp);
}

void
dp_tcp_set_state(struct dp_tcp_pcb *tp, uint8_t st)
{
	/* SO_CONNECT_TIME and SIO_TCP_INFO count from here. */
	if (st == DP_TCP_ESTABLISHED && tp->est_us == 0 && tp->s->owner)
		tp->est_us = RTE_MAX(tp->s->owner->now_us, (uint64_t)1);
	__atomic_store_n(&tp->state, st, __ATOMIC_RELEASE);
}

uint32_t
dp_tcp_rcv_space(struct dp_tcp_pcb *tp)
{
	struct dp_sock *s = tp->s;
	/* rx_bytes_q counts the held bytes (bq_*) too. */
	uint64_t used = __atomic_load_n(&s->rx_bytes_q, __ATOMIC_ACQUIRE) +
		tp->oq_bytes;
	uint32_t buf = __atomic_load_n(&s->rcvbuf, __ATOMIC_RELAXED);
	struct rte_ring *r = __atomic_load_n(&s->rxq.prod, __ATOMIC_ACQUIRE);
	uint64_t space = used >= buf ? 0 : buf - used;

	/*
	 * Never more than the receive ring can take: a segment fills a
	 * slot whatever its size, and a ring is capped at a share of the
	 * pool (dp_sock_ring.c), so a large SO_RCVBUF can promise more
	 * bytes than there are slots for (4 MB against 2047 slots of
	 * 1448 B: segments dropped on a lossless path). A slot is counted
	 * at what slots have carried lately, at most an MSS: short
	 * segments (a writer's tails, small messages) take slots faster
	 * than their bytes say. Out-of-order segments take their slots
	 * when they come in order.
	 */
	if (r != NULL) {
		uint32_t slots = rte_ring_free_count(r);
		uint32_t per = tp->mss != 0 ? tp->mss : DP_TCP_MSS_DEFAULT;

		if (tp->rx_slot_avg != 0 && tp->rx_slot_avg < per)
			per = tp->rx_slot_avg;
		/* A sixteenth held back for segments shorter than that. */
		slots -= slots / 16;
		slots = slots > tp->oq_n + tp->bq_n ?
			slots - tp->oq_n - tp->bq_n : 0;
		space = RTE_MIN(space, (uint64_t)slots * per);
	}
	return (uint32_t)space;
}

void
dp_tcp_pcb_start(struct dp_lcore *lc, struct dp_tcp_pcb *tp, uint32_t faddr,
		uint16_t fport)
{
	struct dp_engine *eng = lc->eng;
	uint32_t buf = __atomic_load_n(&tp->s->rcvbuf, __ATOMIC_RELAXED);

	tp->laddr = eng->ip4;
	tp->lport = rte_cpu_to_be_16(tp->s->local.port);
	tp->faddr = faddr;
	tp->fport = fport;
	tp->nexthop = dp_ip_nexthop(eng, faddr);
	tp->iss = iss_for(tp->laddr, faddr, tp->lport, fport);
	tp->snd_una = tp->snd_nxt = tp->snd_max = tp->iss;
	tp->sq_seq = tp->iss + 1;
	tp->ts_off = dp_tcp_ts_offset(tp->laddr, faddr);
	tp->peer_mss = DP_TCP_MSS_DEFAULT;
	tp->mss = DP_TCP_MSS_DEFAULT;
	tp->rto_us = DP_TCP_RTO_INIT_US;
	if (tp->rto_min_us == 0)
		tp->rto_min_us = DP_TCP_RTO_MIN_US;
	/* The smallest shift whose 16-bit field covers the buffer. */
	tp->rcv_scale = 0;
	while (tp->rcv_scale < DP_TCP_WSCALE_MAX &&
			(UINT32_C(65535) << tp->rcv_scale) < buf)
		tp->rcv_scale++;
	tp->ssthresh = UINT32_MAX;
	tp->recover = tp->iss;
	tp->dsack_round = tp->iss;	/* sequence marks start at the ISS */
	tp->fack = tp->iss;
	tp->recov = DP_TCP_CA_OPEN;
}

void
dp_tcp_sq_free(struct dp_sock *s, struct dp_tcp_pcb *tp)
{
	dp_tcp_mlist_free(tp->sq_head);
	__atomic_fetch_sub(&s->tx_bytes_q, tp->sq_bytes, __ATOMIC_RELEASE);
	__atomic_fetch_sub(&s->tx_pending, tp->sq_mbufs, __ATOMIC_RELEASE);
	tp->sq_head = tp->sq_tail = tp->sq_cur = NULL;
	tp->sq_bytes = tp->sq_mbufs = 0;
	dp_tcp_sb_free(tp);
}

void
dp_tcp_oq_free(struct dp_tcp_pcb *tp)
{
	dp_tcp_mlist_free(tp->oq_head);
	tp->oq_head = NULL;
	tp->oq_n = tp->oq_bytes = 0;
	tp->sack_n = 0;
	tp->tf &= ~TF_OOO_FIN;
}

/* The application's frames still on s->txq: nobody will send them
 * (through the send queue, whose freeing settles the accounts). */
void
dp_tcp_txq_free(struct dp_sock *s)
{
	struct dp_tcp_pcb *tp = dp_tcp_pcb(s);

	dp_tcp_txq_pull(s, tp);
	dp_tcp_sq_free(s, tp);
}

void
dp_tcp_close_tcb(struct dp_lcore *lc, struct dp_tcp_pcb *tp, int err)
{
	struct dp_sock *s = tp->s;

	if (tp->tf & TF_IN_TABLE)
		table_del(lc, tp);
	dp_timer_cancel(&lc->timers, &s->timer);
	tp->t_rexmt = tp->t_persist = tp->t_2msl = tp->t_keep = 0;
	tp->t_recov = 0;
	dp_tcp_txq_free(s);
	dp_tcp_oq_free(tp);
	/* What still waits for a slot was ACKed: onto the ring if it can
	 * be, the rest to the reader, before err and the state say the
	 * end (the reader looks at them first: tcp_recv). */
	dp_tcp_bq_drain(lc, tp);
	if (tp->bq_head != NULL)
		dp_tcp_rx_adopt(tp);
	if (err != 0 && __atomic_load_n(&tp->err, __ATOMIC_RELAXED) == 0)
		__atomic_store_n(&tp->err, err, __ATOMIC_RELEASE);
	dp_tcp_set_state(tp, DP_TCP_CLOSED);
	dp_wait_note(lc, s);
	if (tp->parent != NULL && !(tp->tf & TF_QUEUED)) {
		/* Died before anyone could accept it. */
		dp_tcp_child_dead(lc, tp);
		return;
	}
	__atomic_store_n(&tp->detached, true, __ATOMIC_RELEASE);
}

/* A connection dropped with an error the application must see (a reset,
 * a refused connect, retries or keepalives exhausted): SO_ERROR first,
 * then err and the state (dp_tcp_close_tcb). Whoever sees the TCB
 * CLOSED, or tcp_events' error, also finds SO_ERROR set: a selector's
 * getsockopt(SO_ERROR) after writability never reads 0. */
void
dp_tcp_drop(struct dp_lcore *lc, struct dp_tcp_pcb *tp, int err)
{
	__atomic_store_n(&tp->s->so_error, err, __ATOMIC_RELEASE);
	dp_tcp_close_tcb(lc, tp, err);
}

/* ---- options (RFC 9293 §3.2, MUST-5/6/7/64) ---- */

bool
dp_tcp_opts_parse(const struct rte_tcp_hdr *th, unsigned int hlen,
		struct dp_tcp_opts *o)
{
	const uint8_t *p = (const uint8_t *)(th + 1);
	unsigned int n = hlen - sizeof(*th), i = 0;

	memset(o, 0, sizeof(*o));
	while (i < n) {
		uint8_t kind = p[i], len;

		if (kind == 0)			/* end of list */
			break;
		if (kind == 1) {		/* NOP */
			i++;
			continue;
		}
		if (i + 1 >= n) {
			o->overrun = true;	/* no room for its length */
			return false;
		}
		len = p[i + 1];
		if (len < 2 || i + len > n) {
			o->overrun = len >= 2;
			return false;
		}
		/* A known kind of the wrong size is skipped, as Linux
		 * does; the rest of the list still counts. */
		switch (kind) {
		case 2:
			if (len == 4) {
				o->has_mss = true;
				o->mss = (uint16_t)(p[i + 2] << 8 | p[i + 3]);
			} else {
				o->bad_size++;
			}
			break;
		case 3:
			if (len == 3) {
				o->has_ws = true;
				o->ws = p[i + 2];
			} else {
				o->bad_size++;
			}
			break;
		case 4:
			if (len == 2)
				o->sack_ok = true;
			else
				o->bad_size++;
			break;
		case 5:			/* SACK (RFC 2018) */
			if ((len - 2u) % 8 != 0 || len == 2) {
				o->bad_size++;
				break;
			}
			for (unsigned int k = 0; k < (len - 2u) / 8 &&
					o->nsack < DP_TCP_SACK_MAX; k++) {
				const uint8_t *b = p + i + 2 + 8 * k;

				o->sack[o->nsack][0] = (uint32_t)b[0] << 24 |
					(uint32_t)b[1] << 16 |
					(uint32_t)b[2] << 8 | b[3];
				o->sack[o->nsack][1] = (uint32_t)b[4] << 24 |
					(uint32_t)b[5] << 16 |
					(uint32_t)b[6] << 8 | b[7];
				o->nsack++;
			}
			break;
		case 8:
			if (len == 10) {
				o->has_ts = true;
				o->tsval = (uint32_t)p[i + 2] << 24 |
					(uint32_t)p[i + 3] << 16 |
					(uint32_t)p[i + 4] << 8 | p[i + 5];
				o->tsecr = (uint32_t)p[i + 6] << 24 |
					(uint32_t)p[i + 7] << 16 |
					(uint32_t)p[i + 8] << 8 | p[i + 9];
			} else {
				o->bad_size++;
			}
			break;
		default:			/* MUST-6: ignored */
			o->unknown++;
			break;
		}
		i += len;
	}
	return true;
}

/* ---- the layer ---- */

static int
tcp_create(struct dp_engine *eng)
{
	eng->tcp = dp_zmalloc("dp_tcp", sizeof(*eng->tcp), 0);
	if (eng->tcp == NULL)
		return -ENOMEM;
	eng->tcp->msl_us = (uint64_t)eng->conf.tcp_msl_ms * 1000;
	eng->tcp->idle_restart = eng->conf.tcp_idle_restart != 0;
	/* Every lcore's now_us is read later than this: the sum with it
	 * never wraps. */
	eng->tcp->ts_base_us = dp_os_now_us() -
		dp_timer_clock_us(&eng->us_clock, rte_rdtsc());
	/* Any lcore may own every connection (one queue, or one RSS bucket):
	 * one bucket per two sockets keeps chains short at any table size
	 * (1024 fixed buckets made 100 000 connections open 6x slower). */
	uint32_t nb = rte_align32pow2(eng->conf.sockets / 2);

	if (nb < DP_TCP_HASH_MIN)
		nb = DP_TCP_HASH_MIN;
	for (unsigned int i = 0; i < eng->nb_lcores; i++) {
		struct dp_tcp_lcore *t = dp_zmalloc("dp_tcp_lcore",
			sizeof(*t) + nb * sizeof(t->hash[0]),
			RTE_CACHE_LINE_SIZE);

		if (t == NULL)
			return -ENOMEM;
		t->mask = nb - 1;
		eng->lcores[i]->tcp = t;
		/* TIME-WAIT records: WSPDK_SOCKETS of them shared out, the
		 * number of TIME-WAITs the socket table used to bound (a
		 * record is 64 bytes, a socket in TIME-WAIT 12.6 kB). */
		t->tw = dp_tcp_tw_create(RTE_MAX(eng->conf.sockets /
			eng->nb_lcores, 64u));
		if (t->tw == NULL)
			return -ENOMEM;
	}
	return 0;
}

/* The lcores are stopped; the sockets (and their TCBs) are freed by the
 * socket layer after this. */
static void
tcp_destroy(struct dp_engine *eng)
{
	for (unsigned int i = 0; i < eng->nb_lcores; i++) {
		if (eng->lcores[i] == NULL || eng->lcores[i]->tcp == NULL)
			continue;
		dp_tcp_tw_free(eng->lcores[i]);
		dp_free(eng->lcores[i]->tcp);
		eng->lcores[i]->tcp = NULL;
	}
	dp_free(eng->tcp);
	eng->tcp = NULL;
}

const struct dp_layer dp_tcp_layer = {
	.name = "tcp",
	.create = tcp_create,
	.destroy = tcp_destroy,
	.poll = dp_tcp_ack_flush,	/* after RX: one ACK a burst */
	.poll_end = dp_tcp_teardown_poll, /* cleanup: TIME-WAIT, FIN-WAIT-2 */
	.abort = dp_tcp_teardown_abort,	/* cleanup's deadline */
	.telemetry = dp_tcp_telemetry,	/* /wspdk/tcp */
};
