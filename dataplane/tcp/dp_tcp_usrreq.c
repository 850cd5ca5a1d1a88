/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP's socket calls on application threads (struct dp_sock_ops): they
 * read the TCB's handoff words and change it through the owner
 * (dp_sock_owner_call); data moves through the socket's rings
 * (dp_tcp.h has the path); listen and accept are dp_tcp_listen.c's.
 */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>

#include "dp_tcp.h"

#define SEG_BYTES	2048	/* payload per send-side mbuf, at most */
#define SEND_BATCH	32	/* mbufs a send fills per handoff */

static int
tcp_init(struct dp_sock *s)
{
	struct dp_tcp_pcb *tp = dp_tcp_pcb(s);

	tp->s = s;
	rte_spinlock_init(&tp->rlock);
	tp->rto_min_us = DP_TCP_RTO_MIN_US;
	tp->keep_idle_ms = DP_TCP_KEEP_IDLE_MS;
	tp->keep_intvl_ms = DP_TCP_KEEP_INTVL_MS;
	tp->detached = true;		/* in no table yet */
	return 0;
}

static int
wait_for(struct dp_sock *s, unsigned int ev, uint32_t timeo_ms)
{
	return dp_sock_wait(s, ev | DP_EV_ERROR, timeo_ms != 0 ?
		(int64_t)timeo_ms * 1000 : -1);
}

/* ---- connect ---- */

struct conn_req {
	struct dp_sock *s;
	const struct dp_addr *peer;
};

static int
connect_owner(struct dp_lcore *lc, void *arg)
{
	struct conn_req *r = arg;
	struct dp_sock *s = r->s;
	struct dp_tcp_pcb *tp = dp_tcp_pcb(s);

	if (dp_tcp_state(tp) != DP_TCP_CLOSED)
		return -EALREADY;
	/* Two sockets on one port (SO_REUSEADDR) to one peer would name
	 * one connection twice; a four-tuple's flows have one owner, this
	 * lcore, so its table knows every connection of it. */
	if (dp_tcp_tuple_busy(lc, lc->eng->ip4,
			rte_cpu_to_be_16(s->local.port),
			rte_cpu_to_be_32(r->peer->ip),
			rte_cpu_to_be_16(r->peer->port)))
		return -EADDRINUSE;
	__atomic_store_n(&s->peer, (uint64_t)r->peer->ip << 16 |
		r->peer->port, __ATOMIC_RELEASE);
	dp_tcp_pcb_start(lc, tp, rte_cpu_to_be_32(r->peer->ip),
		rte_cpu_to_be_16(r->peer->port));
	__atomic_store_n(&tp->detached, false, __ATOMIC_RELEASE);
	dp_tcp_set_state(tp, DP_TCP_SYN_SENT);
	dp_tcp_table_add(lc, tp);
	dp_tcp_send_ctl(lc, tp, RTE_TCP_SYN_FLAG, tp->iss);
	tp->snd_nxt = tp->snd_max = tp->iss + 1;
	tp->rtt_start = lc->now_us;
	dp_tcp_rexmt_arm(lc, tp);
	dp_tcp_timer_update(lc, tp);
	return 0;
}

static int
tcp_connect(struct dp_sock *s, const struct dp_addr *peer, int flags)
{
	struct dp_tcp_pcb *tp = dp_tcp_pcb(s);
	struct conn_req r = { s, peer };
	uint32_t be = rte_cpu_to_be_32(peer->ip);
	uint8_t st = dp_tcp_state(tp);
	int ret;

	if (st == DP_TCP_LISTEN)
		return -EINVAL;
	if (st == DP_TCP_SYN_SENT || st == DP_TCP_SYN_RECEIVED)
		return -EALREADY;
	if (st != DP_TCP_CLOSED || __atomic_load_n(&s->peer,
			__ATOMIC_ACQUIRE) != 0)
		return -EISCONN;
	if (peer->ip == 0 || peer->port == 0)
		return -EADDRNOTAVAIL;
	if (IP_MC_BE(be) || be == IP_BCAST_BE || be == s->eng->bcast)
		return -ENETUNREACH;
	/* No route (off the subnet, no gateway): fail now, as UDP does,
	 * rather than retransmit a SYN nobody can carry. */
	if (dp_ip_nexthop(s->eng, be) == 0)
		return -ENETUNREACH;
	/* Bound, and on the lcore its flow arrives on, before the SYN. */
	ret = dp_sock_flow_bind(s, peer);
	if (ret == 0)
		ret = dp_sock_owner_call(s, connect_owner, &r);
	if (ret != 0)
		return ret;
	if (flags & DP_F_NONBLOCK)
		return -EINPROGRESS;
	for (;;) {
		st = dp_tcp_state(tp);
		if (st != DP_TCP_SYN_SENT && st != DP_TCP_SYN_RECEIVED)
			break;
		ret = wait_for(s, DP_EV_WRITE, 0);
		if (ret != 0)
			return ret;
	}
	if (st == DP_TCP_CLOSED) {
		ret = dp_sock_take_error(s);
		return -(ret != 0 ? ret : __atomic_load_n(&tp->err,
			__ATOMIC_ACQUIRE));
	}
	return 0;
}

/* ---- send ---- */

/* Copy up to n bytes from the iovs (at *i, *off) into dst. */
static size_t
iov_take(const struct dp_iov *iov, unsigned int niov, unsigned int *i,
		size_t *off, uint8_t *dst, size_t n)
{
	size_t done = 0;

	while (done < n && *i < niov) {
		size_t k = RTE_MIN(n - done, iov[*i].len - *off);

		memcpy(dst + done, (const uint8_t *)iov[*i].base + *off, k);
		done += k;
		*off += k;
		if (*off == iov[*i].len) {
			(*i)++;
			*off = 0;
		}
	}
	return done;
}

/* Payload per send-side mbuf: SEG_BYTES, or what the pool's mbufs hold
 * past their headroom. */
static size_t
send_seg_bytes(const struct dp_sock *s)
{
	size_t room = rte_pktmbuf_data_room_size(s->eng->mp) -
		RTE_PKTMBUF_HEADROOM;

	return RTE_MIN(room, (size_t)SEG_BYTES);
}

/* Room in SO_SNDBUF for more bytes (an empty buffer takes one mbuf). */
static size_t
snd_room(struct dp_sock *s)
{
	uint64_t q = __atomic_load_n(&s->tx_bytes_q, __ATOMIC_ACQUIRE);
	uint32_t buf = __atomic_load_n(&s->sndbuf, __ATOMIC_RELAXED);

	if (q == 0)
		return RTE_MAX(buf, (uint32_t)SEG_BYTES);
	return q >= buf ? 0 : (size_t)(buf - q);
}

/* nm mbufs holding n bytes onto the TX ring, as one handoff (one
 * epoch, one add per counter: per call, not per mbuf). Returns how many
 * went on (those not are freed here): 0 with the ring full, or
 * -ESHUTDOWN sends were shut down meanwhile (checked inside the epoch,
 * so shutdown's grace period either sees these mbufs queued or this
 * sender sees the flag: nothing lands behind the FIN). */
int
dp_tcp_enqueue(struct dp_sock *s, struct rte_mbuf **m, unsigned int nm,
		size_t n)
{
	unsigned int e, k = 0;
	size_t left = 0;
	int ret = 0;

	__atomic_fetch_add(&s->tx_bytes_q, n, __ATOMIC_ACQ_REL);
	__atomic_fetch_add(&s->tx_pending, nm, __ATOMIC_ACQ_REL);
	e = dp_sock_tx_enter(s);
	if (__atomic_load_n(&s->flags, __ATOMIC_SEQ_CST) &
			(DP_SOCK_F_SHUT_WR | DP_SOCK_F_CLOSED))
		ret = -ESHUTDOWN;
	else
		k = rte_ring_enqueue_burst(__atomic_load_n(&s->txq.prod,
			__ATOMIC_SEQ_CST), (void **)m, nm, NULL);
	dp_sock_tx_exit(s, e);
	if (k == nm)
		return (int)k;
	/* Not queued: those bytes count for nothing. */
	for (unsigned int j = k; j < nm; j++) {
		left += m[j]->data_len;
		dp_mcache_free(s->eng, m[j]);
	}
	__atomic_fetch_sub(&s->tx_pending, nm - k, __ATOMIC_RELEASE);
	__atomic_fetch_sub(&s->tx_bytes_q, left, __ATOMIC_RELEASE);
	return ret != 0 ? ret : (int)k;
}

/* Up to nm mbufs into m: a pool short of a batch still gives what it
 * has. Returns how many (0: none). */
static unsigned int
alloc_batch(struct dp_engine *eng, struct rte_mbuf **m, unsigned int nm)
{
	for (; nm > 0; nm /= 2)
		if (dp_mcache_alloc_bulk(eng, m, nm) == 0)
			return nm;
	return 0;
}

/* Fill m[0..nm) with the next n bytes of the iovs, seg bytes each (the
 * last one the rest). */
static void
fill(struct rte_mbuf **m, unsigned int nm, size_t seg, size_t n,
		const struct dp_iov *iov, unsigned int niov, unsigned int *i,
		size_t *off)
{
	for (unsigned int j = 0; j < nm; j++) {
		size_t k = RTE_MIN(seg, n);

		iov_take(iov, niov, i, off, (uint8_t *)rte_pktmbuf_append(
			m[j], (uint16_t)k), k);
		n -= k;
	}
}

int
dp_tcp_send_error(struct dp_sock *s, struct dp_tcp_pcb *tp)
{
	/* The state first: the owner stores err before it, so a reset
	 * that closed the TCB is never seen as a mere "not connected". */
	uint8_t st = dp_tcp_state(tp);
	int err = __atomic_load_n(&tp->err, __ATOMIC_ACQUIRE);

	if (err != 0)
		return -err;
	if (__atomic_load_n(&s->flags, __ATOMIC_ACQUIRE) &
			(DP_SOCK_F_SHUT_WR | DP_SOCK_F_CLOSED))
		return -ESHUTDOWN;
	if (st == DP_TCP_ESTABLISHED || st == DP_TCP_CLOSE_WAIT)
		return 0;
	if (st >= DP_TCP_FIN_WAIT_1)
		return -ESHUTDOWN;
	return -ENOTCONN;
}

static long
tcp_send(struct dp_sock *s, const struct dp_iov *iov, unsigned int niov,
		const struct dp_addr *to, int flags)
{
	struct dp_tcp_pcb *tp = dp_tcp_pcb(s);
	struct rte_mbuf *m[SEND_BATCH];
	size_t total = 0, done = 0, off = 0, seg = send_seg_bytes(s);
	unsigned int i = 0, nm;
	int ret;

	RTE_SET_USED(to);
	for (unsigned int k = 0; k < niov; k++)
		total += iov[k].len;
	while (done < total || total == 0) {
		size_t room, n;

		ret = dp_tcp_send_error(s, tp);
		if (ret == 0 && __atomic_load_n(&s->txq.prod,
				__ATOMIC_ACQUIRE) == NULL)
			ret = dp_sock_txq_init(s);	/* at the first send:
							 * an idle connection
							 * holds no TX ring */
		if (ret != 0 || total == 0)
			break;
		room = snd_room(s);
		if (room == 0) {
			dp_sock_tx_kick(s);
			if (flags & DP_F_NONBLOCK) {
				ret = -EAGAIN;
				break;
			}
			ret = wait_for(s, DP_EV_WRITE, s->sndtimeo_ms);
			if (ret != 0)
				break;
			continue;
		}
		n = RTE_MIN(total - done, room);
		if (n > SEND_BATCH * seg)
			n = SEND_BATCH * seg;
		nm = (unsigned int)((n + seg - 1) / seg);
		nm = alloc_batch(s->eng, m, nm);
		if (nm == 0) {
			ret = -ENOBUFS;
			break;
		}
		n = RTE_MIN(n, nm * seg);
		fill(m, nm, seg, n, iov, niov, &i, &off);
		ret = dp_tcp_enqueue(s, m, nm, n);
		if (ret < 0)
			break;
		if ((unsigned int)ret < nm) {
			/* The ring is full: what went on is sent. */
			done += (size_t)ret * seg;
			ret = ret == 0 ? -EAGAIN : 0;
			break;
		}
		ret = 0;
		done += n;
	}
	if (done != 0)
		dp_sock_tx_kick(s);
	if (done != 0)
		return (long)done;
	return total == 0 ? (ret != 0 ? ret : 0) : ret;
}

/* ---- receive ---- */

/* rlock held: everything on the RX ring onto the reader's list, a
 * burst at a time (one look at the ring's lines per burst, not per
 * mbuf: the owner writes them). */
static void
rx_pull(struct dp_sock *s, struct dp_tcp_pcb *tp)
{
	struct rte_mbuf *mb[32];
	struct rte_ring *r;
	uint32_t bytes = tp->r_bytes;
	unsigned int n;

	/* The owner makes the ring at the first delivery: nothing to
	 * look at before it published it. */
	if (__atomic_load_n(&s->rxq.prod, __ATOMIC_ACQUIRE) == NULL)
		return;
	r = dp_ringq_head(&s->rxq);
	while (r != NULL && (n = rte_ring_dequeue_burst(r, (void **)mb,
			RTE_DIM(mb), NULL)) != 0) {
		for (unsigned int i = 0; i < n; i++) {
			struct rte_mbuf *m = mb[i], *t = tp->r_tail;
			uint16_t len = m->data_len;
			uint8_t *d;

			/* A short segment goes into the tail of the one
			 * before: a peer's 1-byte segments must not keep
			 * an mbuf each while the application reads slowly
			 * (the pool). Not into a buffer that is not t's
			 * alone (the sender's send queue, under a burst
			 * over the loop port). */
			if (t != NULL && len <= DP_TCP_SMALL_SEG &&
					dp_tcp_mbuf_writable(t) &&
					(d = (uint8_t *)rte_pktmbuf_append(t,
					len)) != NULL) {
				memcpy(d, rte_pktmbuf_mtod(m, const uint8_t *),
					len);
				dp_mcache_free(s->eng, m);
			} else {
				dp_tcp_mlist_append(&tp->r_head, &tp->r_tail,
					m);
			}
			bytes += len;
		}
		/* Atomic: tcp_events reads it without rlock. */
		__atomic_store_n(&tp->r_bytes, bytes, __ATOMIC_RELAXED);
		r = dp_ringq_head(&s->rxq);
	}
}

/*
 * Owner, the TCB ending (dp_tcp_close_tcb) with bytes held behind the
 * ring: they were ACKed, so they go onto the reader's list behind the
 * ring's (pulled first: those came before), read before the end. Their
 * bytes are in rx_bytes_q already. The reader finds them under rlock;
 * one that sees bq_n 0 (released after) or err or CLOSED (stored after,
 * dp_tcp_close_tcb) finds them there.
 */
void
dp_tcp_rx_adopt(struct dp_tcp_pcb *tp)
{
	struct dp_sock *s = tp->s;
	struct rte_mbuf *m, *tail;
	uint32_t bytes;

	rte_spinlock_lock(&tp->rlock);
	rx_pull(s, tp);
	m = dp_tcp_bq_take(tp, &tail, &bytes);
	if (m != NULL) {
		dp_tcp_mlist_splice(&tp->r_head, &tp->r_tail, m, tail);
		__atomic_store_n(&tp->r_bytes, tp->r_bytes + bytes,
			__ATOMIC_RELAXED);
	}
	rte_spinlock_unlock(&tp->rlock);
	__atomic_store_n(&tp->bq_n, 0, __ATOMIC_RELEASE);
}

/* Owner: a read found only held bytes (tcp_recv). */
static int
bq_drain_owner(struct dp_lcore *lc, void *arg)
{
	dp_tcp_bq_drain(lc, arg);
	return 0;
}

/* rlock held: copy up to the iovs' length; consume unless peek. */
static size_t
rx_copy(struct dp_sock *s, struct dp_tcp_pcb *tp, const struct dp_iov *iov,
		unsigned int niov, bool peek)
{
	struct rte_mbuf *m = tp->r_head;
	uint32_t off = tp->r_off;
	size_t done = 0;

	for (unsigned int i = 0; i < niov && m != NULL; i++) {
		size_t got = 0;

		while (got < iov[i].len && m != NULL) {
			size_t k = RTE_MIN(iov[i].len - got,
				(size_t)m->data_len - off);

			memcpy((uint8_t *)iov[i].base + got,
				rte_pktmbuf_mtod_offset(m, uint8_t *, off), k);
			got += k;
			off += (uint32_t)k;
			if (off == m->data_len) {
				struct rte_mbuf *next = dp_mbuf_priv(m)->next;

				if (!peek) {
					tp->r_head = next;
					dp_mcache_free(s->eng, m);
				}
				m = next;
				off = 0;
			}
		}
		done += got;
	}
	if (!peek) {
		tp->r_off = off;
		if (tp->r_head == NULL)
			tp->r_tail = NULL;
		__atomic_store_n(&tp->r_bytes, tp->r_bytes - (uint32_t)done,
			__ATOMIC_RELAXED);
		/* seq_cst: window_kick's pair with adv_publish (Dekker) */
		__atomic_fetch_sub(&s->rx_bytes_q, done, __ATOMIC_SEQ_CST);
	}
	return done;
}

/*
 * After a read: if the window can open by the SWS threshold over what
 * the owner last advertised, it must say so (smoltcp#199). The read's
 * seq_cst lowering of rx_bytes_q (rx_copy), then the seq_cst load of
 * adv_wnd, pair with the owner's store of adv_wnd, then its second
 * look at rx_bytes_q (adv_publish, dp_tcp_output.c): whichever store
 * the other side misses, that side's check sees it, so a window
 * computed before the read is never left closed unannounced. Data held
 * behind a full ring (bq_n, dp_tcp_reass.c) is the same pair's other
 * half: the owner stores bq_n, fences, tries the ring again; the read
 * dequeued, then its seq_cst subtraction, then this load.
 */
static void
window_kick(struct dp_sock *s, struct dp_tcp_pcb *tp)
{
	uint64_t q = __atomic_load_n(&s->rx_bytes_q, __ATOMIC_ACQUIRE);
	uint32_t buf = __atomic_load_n(&s->rcvbuf, __ATOMIC_RELAXED);
	uint32_t adv = __atomic_load_n(&tp->adv_wnd, __ATOMIC_SEQ_CST);
	uint32_t free = q >= buf ? 0 : (uint32_t)(buf - q);
	uint32_t thr = tp->mss != 0 ? tp->mss : DP_TCP_MSS_DEFAULT;

	if (thr > buf / 2)
		thr = buf / 2;
	if ((free > adv && free - adv >= thr) ||
			__atomic_load_n(&tp->bq_n, __ATOMIC_SEQ_CST) != 0)
		dp_sock_tx_kick(s);
}

/* The FIN counts once nothing before it waits behind the ring (bq_n,
 * read after the state: the owner queues, then lowers it). */
static bool
fin_reached(struct dp_tcp_pcb *tp)
{
	uint8_t st = dp_tcp_state(tp);

	if (__atomic_load_n(&tp->bq_n, __ATOMIC_ACQUIRE) != 0)
		return false;	/* after the state: see above */
	return st == DP_TCP_CLOSE_WAIT || st == DP_TCP_LAST_ACK ||
		st == DP_TCP_CLOSING || st == DP_TCP_TIME_WAIT ||
		(st == DP_TCP_CLOSED && __atomic_load_n(&tp->err,
		__ATOMIC_ACQUIRE) == 0 && __atomic_load_n(&tp->s->peer,
		__ATOMIC_ACQUIRE) != 0);
}

static long
tcp_recv(struct dp_sock *s, const struct dp_iov *iov, unsigned int niov,
		struct dp_rx_meta *meta, int flags)
{
	struct dp_tcp_pcb *tp = dp_tcp_pcb(s);
	size_t n;
	int ret, err;
	bool fin, asked = false;

	for (;;) {
		if (__atomic_load_n(&s->flags, __ATOMIC_ACQUIRE) &
				DP_SOCK_F_SHUT_RD)
			return -ESHUTDOWN;
		/* The FIN's word before the ring: data the owner queued
		 * ahead of the FIN is seen with it. */
		fin = fin_reached(tp);
		err = __atomic_load_n(&tp->err, __ATOMIC_ACQUIRE);
		rte_spinlock_lock(&tp->rlock);
		rx_pull(s, tp);
		n = tp->r_bytes != 0 ? rx_copy(s, tp, iov, niov,
			(flags & DP_F_PEEK) != 0) : 0;
		ret = tp->r_bytes != 0 || n != 0;
		rte_spinlock_unlock(&tp->rlock);
		if (ret) {
			if (!(flags & DP_F_PEEK))
				window_kick(s, tp);
			break;
		}
		if (!asked && __atomic_load_n(&tp->bq_n,
				__ATOMIC_ACQUIRE) != 0) {
			/* Only held bytes, which FIONREAD counted and
			 * readiness reported: the owner puts them on the
			 * ring now, not at its next iteration. */
			asked = true;
			dp_sock_owner_call(s, bq_drain_owner, tp);
			continue;
		}
		if (err != 0)
			return -err;
		if (fin)
			break;
		if (!dp_tcp_synced(dp_tcp_state(tp))) {
			/* A RST may have closed it since err was read: the
			 * owner stores err before the state. */
			err = __atomic_load_n(&tp->err, __ATOMIC_ACQUIRE);
			return err != 0 ? -err : -ENOTCONN;
		}
		if (flags & DP_F_NONBLOCK)
			return -EAGAIN;
		ret = wait_for(s, DP_EV_READ, s->rcvtimeo_ms);
		if (ret != 0)
			return ret;
		asked = false;
	}
	if (meta != NULL) {
		*meta = (struct dp_rx_meta){ .full_len = n };
		dp_sock_peer(s, &meta->from);
	}
	return (long)n;
}

/* ---- shutdown, close, abort ---- */

/* Owner: FIN after what is queued (RFC 9293 §3.10.4). */
static void
fin_wanted(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	uint8_t st = dp_tcp_state(tp);

	dp_tcp_txq_pull(tp->s, tp);
	if (st == DP_TCP_ESTABLISHED || st == DP_TCP_SYN_RECEIVED)
		dp_tcp_set_state(tp, DP_TCP_FIN_WAIT_1);
	else if (st == DP_TCP_CLOSE_WAIT)
		dp_tcp_set_state(tp, DP_TCP_LAST_ACK);
	else
		return;
	tp->tf |= TF_FIN_WANTED;
	dp_tcp_output(lc, tp);
}

static int
shut_owner(struct dp_lcore *lc, void *arg)
{
	fin_wanted(lc, dp_tcp_pcb(arg));
	return 0;
}

/* No send may queue behind the FIN: the flag first, then the senders
 * already inside enqueue() leave, then the FIN. */
static void
shut_senders(struct dp_sock *s)
{
	dp_sock_owner_or(s, &s->flags, DP_SOCK_F_SHUT_WR);
	dp_sock_tx_grace(s);
}

/* Owner: receives shut (Winsock's shutdown page): data queued unread,
 * or arriving later (dp_tcp_input.c), resets the connection. */
static int
shut_rd_owner(struct dp_lcore *lc, void *arg)
{
	struct dp_sock *s = arg;
	struct dp_tcp_pcb *tp = dp_tcp_pcb(s);
	uint8_t st = dp_tcp_state(tp);

	tp->tf |= TF_SHUT_RD;
	if (!dp_tcp_synced(st) || st == DP_TCP_TIME_WAIT ||
			(__atomic_load_n(&s->rx_bytes_q, __ATOMIC_ACQUIRE) == 0 &&
			tp->bq_bytes == 0))
		return 0;
	dp_tcp_send_ctl(lc, tp, RTE_TCP_RST_FLAG, tp->snd_nxt);
	dp_tcp_close_tcb(lc, tp, ECONNRESET);
	return 0;
}

static int
tcp_shutdown(struct dp_sock *s, bool rd, bool wr)
{
	if (rd)
		dp_sock_owner_call(s, shut_rd_owner, s);
	if (wr) {
		shut_senders(s);
		dp_sock_owner_call(s, shut_owner, s);
	}
	return 0;
}

struct close_req {
	struct dp_sock *s;
	bool abort;
	bool unread;
};

static int
close_owner(struct dp_lcore *lc, void *arg)
{
	struct close_req *r = arg;
	struct dp_tcp_pcb *tp = dp_tcp_pcb(r->s);
	uint8_t st = dp_tcp_state(tp);

	tp->tf |= TF_APP_CLOSED;
	switch (st) {
	case DP_TCP_CLOSED:
		return 0;
	case DP_TCP_LISTEN:
		dp_tcp_set_state(tp, DP_TCP_CLOSED);
		return 0;
	case DP_TCP_SYN_SENT:
		dp_tcp_close_tcb(lc, tp, 0);
		return 0;
	case DP_TCP_TIME_WAIT:
		dp_tcp_tw_orphan(lc, tp);	/* a record, the socket freed */
		return 0;
	default:
		break;
	}
	if (r->abort || r->unread || tp->bq_bytes != 0) {
		/* SO_LINGER{1,0}, or data nobody read (SHLD-3): RST with
		 * SEQ = SND.NXT, the queues dropped. */
		if (st != DP_TCP_TIME_WAIT)
			dp_tcp_send_ctl(lc, tp, RTE_TCP_RST_FLAG, tp->snd_nxt);
		dp_tcp_close_tcb(lc, tp, 0);
		return 0;
	}
	if (st == DP_TCP_FIN_WAIT_2)
		tp->t_2msl = lc->now_us + DP_TCP_FIN_WAIT2_US;
	fin_wanted(lc, tp);
	dp_tcp_timer_update(lc, tp);
	return 0;
}

static void
rx_list_free(struct dp_sock *s, struct dp_tcp_pcb *tp)
{
	rte_spinlock_lock(&tp->rlock);
	dp_tcp_mlist_free(tp->r_head);
	tp->r_head = tp->r_tail = NULL;
	tp->r_off = 0;
	__atomic_store_n(&tp->r_bytes, 0, __ATOMIC_RELAXED);
	rte_spinlock_unlock(&tp->rlock);
	RTE_SET_USED(s);
}

static void
do_close(struct dp_sock *s, bool abort)
{
	struct dp_tcp_pcb *tp = dp_tcp_pcb(s);
	struct close_req r = { s, abort,
		__atomic_load_n(&s->rx_bytes_q, __ATOMIC_ACQUIRE) != 0 };
	bool listener = dp_tcp_state(tp) == DP_TCP_LISTEN;

	if (!abort)
		shut_senders(s);
	dp_sock_owner_call(s, close_owner, &r);
	rx_list_free(s, tp);
	if (listener)
		dp_tcp_listener_close(s);
}

static void
tcp_close(struct dp_sock *s)
{
	do_close(s, false);
}

static void
tcp_abort(struct dp_sock *s)
{
	do_close(s, true);
}

/* ---- options, readiness, life ---- */

struct opt_req {
	struct dp_sock *s;
	bool nodelay;
};

static int
nodelay_owner(struct dp_lcore *lc, void *arg)
{
	struct opt_req *r = arg;
	struct dp_tcp_pcb *tp = dp_tcp_pcb(r->s);

	if (r->nodelay)
		tp->tf |= TF_NODELAY;
	else
		tp->tf &= ~TF_NODELAY;
	/* What Nagle held goes now. */
	if (r->nodelay && dp_tcp_synced(dp_tcp_state(tp)))
		dp_tcp_output(lc, tp);
	return 0;
}

struct keep_req {
	struct dp_sock *s;
	bool on;
	uint32_t idle_ms, intvl_ms;
};

static int
keep_owner(struct dp_lcore *lc, void *arg)
{
	struct keep_req *r = arg;
	struct dp_tcp_pcb *tp = dp_tcp_pcb(r->s);

	tp->keepalive = r->on;
	if (r->idle_ms != 0)
		tp->keep_idle_ms = r->idle_ms;
	if (r->intvl_ms != 0)
		tp->keep_intvl_ms = r->intvl_ms;
	tp->keep_probes = 0;
	if (dp_tcp_state(tp) == DP_TCP_LISTEN)
		return 0;		/* for the children */
	dp_tcp_keep_arm(lc, tp);
	dp_tcp_timer_update(lc, tp);
	return 0;
}

int
dp_tcp_set_keepalive(struct dp_sock *s, bool on, uint32_t idle_ms,
		uint32_t intvl_ms)
{
	struct keep_req r = { s, on, idle_ms, intvl_ms };

	return dp_sock_owner_call(s, keep_owner, &r);
}

static int
tcp_setopt(struct dp_sock *s, enum dp_opt opt, const struct dp_optval *v)
{
	struct opt_req r = { s, v->v != 0 };

	switch (opt) {
	case DP_OPT_NODELAY:
		return dp_sock_owner_call(s, nodelay_owner, &r);
	case DP_OPT_RTO_MIN:
		if (v->v < 1000 || v->v > DP_TCP_RTO_INIT_US)
			return -EINVAL;
		return dp_sock_owner_store(s, &dp_tcp_pcb(s)->rto_min_us,
			(uint64_t)v->v, sizeof(uint32_t));
	case DP_OPT_KEEPALIVE:
		return dp_tcp_set_keepalive(s, v->v != 0, 0, 0);
	case DP_OPT_MAXRT:
		return dp_tcp_info_setopt(s, opt, v->v);
	case DP_OPT_TCP_CC:
		if (v->v < 0 || v->v >= DP_TCP_CC_COUNT)
			return -EINVAL;
		/* Taken at the handshake (dp_tcp_syn_opts), children
		 * inherit the listener's. */
		return dp_sock_owner_store(s, &dp_tcp_pcb(s)->cc_algo,
			(uint64_t)v->v, sizeof(uint8_t));
	case DP_OPT_ACK_FREQ:
		if (v->v < 0 || v->v > UINT8_MAX)
			return -EINVAL;
		return dp_sock_owner_store(s, &dp_tcp_pcb(s)->ack_freq,
			(uint64_t)v->v, sizeof(uint8_t));
	case DP_OPT_KEEPIDLE:
	case DP_OPT_KEEPINTVL:
		if (v->v < 1 || v->v > UINT32_MAX)
			return -EINVAL;
		return dp_tcp_set_keepalive(s, __atomic_load_n(
			&dp_tcp_pcb(s)->keepalive, __ATOMIC_RELAXED),
			opt == DP_OPT_KEEPIDLE ? (uint32_t)v->v : 0,
			opt == DP_OPT_KEEPINTVL ? (uint32_t)v->v : 0);
	default:
		return -ENOPROTOOPT;
	}
}

static int
tcp_getopt(struct dp_sock *s, enum dp_opt opt, struct dp_optval *v)
{
	struct dp_tcp_pcb *tp = dp_tcp_pcb(s);

	switch (opt) {
	case DP_OPT_NODELAY:
		v->v = (__atomic_load_n(&tp->tf, __ATOMIC_RELAXED) &
			TF_NODELAY) != 0;
		return 0;
	case DP_OPT_RTO_MIN:
		v->v = __atomic_load_n(&tp->rto_min_us, __ATOMIC_RELAXED);
		return 0;
	case DP_OPT_KEEPALIVE:
		v->v = __atomic_load_n(&tp->keepalive, __ATOMIC_RELAXED);
		return 0;
	case DP_OPT_KEEPIDLE:
		v->v = __atomic_load_n(&tp->keep_idle_ms, __ATOMIC_RELAXED);
		return 0;
	case DP_OPT_KEEPINTVL:
		v->v = __atomic_load_n(&tp->keep_intvl_ms, __ATOMIC_RELAXED);
		return 0;
	case DP_OPT_STATE:
		v->v = dp_tcp_state(tp);
		return 0;
	case DP_OPT_MAXRT:
	case DP_OPT_CONNECT_TIME:
		return dp_tcp_info_getopt(s, opt, &v->v);
	case DP_OPT_TCP_CC:
		v->v = __atomic_load_n(&tp->cc_algo, __ATOMIC_RELAXED);
		return 0;
	case DP_OPT_ACK_FREQ:
		v->v = __atomic_load_n(&tp->ack_freq, __ATOMIC_RELAXED);
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

static unsigned int
tcp_events(struct dp_sock *s, unsigned int ev)
{
	struct dp_tcp_pcb *tp = dp_tcp_pcb(s);
	uint8_t st = dp_tcp_state(tp);

	if (st == DP_TCP_LISTEN) {
		dp_tcp_spares_starved(s);
		ev &= ~(unsigned int)(DP_EV_READ | DP_EV_WRITE);
		if (rte_ring_count(tp->acceptq) != 0)
			ev |= DP_EV_READ;
		return ev;
	}
	/* Drained: every byte sent acknowledged, our FIN too (SO_LINGER's
	 * wait); the owner notes the ACKs and state changes that end it. */
	if (__atomic_load_n(&s->tx_bytes_q, __ATOMIC_ACQUIRE) != 0 ||
			st == DP_TCP_FIN_WAIT_1 || st == DP_TCP_CLOSING ||
			st == DP_TCP_LAST_ACK)
		ev &= ~(unsigned int)DP_EV_DRAINED;
	if (st == DP_TCP_SYN_SENT || st == DP_TCP_SYN_RECEIVED) {
		/* Connecting: nothing to report until the TCB leaves it. A
		 * failure's SO_ERROR and err are stored before CLOSED, so a
		 * waiter woken by them always finds the state CLOSED too. */
		ev &= ~(unsigned int)(DP_EV_WRITE | DP_EV_ERROR);
		if (!(__atomic_load_n(&s->flags, __ATOMIC_ACQUIRE) &
				DP_SOCK_F_SHUT_RD))
			ev &= ~(unsigned int)DP_EV_READ;
		return ev;
	}
	/* Bytes held behind the ring are readable (tcp_recv asks the
	 * owner for them). bq_n first: the owner lowers it (release) after
	 * the enqueue, so at 0 the ring looked at after it (acquire) shows
	 * what it moved, even if the caller's look (dp_sock_ready) did
	 * not. */
	if (__atomic_load_n(&tp->bq_n, __ATOMIC_ACQUIRE) != 0 ||
			(!(ev & DP_EV_READ) && dp_sock_rx_pending(s)) ||
			__atomic_load_n(&tp->r_bytes, __ATOMIC_RELAXED) != 0 ||
			fin_reached(tp))
		ev |= DP_EV_READ;
	if (__atomic_load_n(&tp->err, __ATOMIC_ACQUIRE) != 0)
		ev |= DP_EV_READ | DP_EV_WRITE | DP_EV_ERROR;
	return ev;
}

/* Nothing of s is left to send, or (an orphan) it may be freed. */
static bool
tcp_drained(struct dp_sock *s)
{
	struct dp_tcp_pcb *tp = dp_tcp_pcb(s);
	uint8_t st = dp_tcp_state(tp);

	if (__atomic_load_n(&tp->children, __ATOMIC_ACQUIRE) != 0)
		return false;
	if (!(__atomic_load_n(&s->flags, __ATOMIC_ACQUIRE) &
			DP_SOCK_F_CLOSED))
		return st != DP_TCP_FIN_WAIT_1 && st != DP_TCP_CLOSING &&
			st != DP_TCP_LAST_ACK;
	/* At cleanup, the owner drops TIME-WAIT records and resets an
	 * idle FIN-WAIT-2 (dp_tcp_teardown.c): out of its table first, so
	 * nothing frees a TCB its owner still finds there. */
	return __atomic_load_n(&tp->detached, __ATOMIC_ACQUIRE);
}

static void
tcp_free(struct dp_sock *s)
{
	struct dp_tcp_pcb *tp = dp_tcp_pcb(s);
	bool running = dp_engine_running() != NULL;

	rx_list_free(s, tp);
	dp_tcp_sq_free(s, tp);
	dp_tcp_oq_free(tp);
	dp_tcp_bq_free(tp);
	dp_tcp_listener_drain(s->eng, tp, running);
	dp_free(tp->acceptq);
	dp_free(tp->spares);
}

const struct dp_sock_ops dp_tcp_ops = {
	.name = "tcp",
	.proto = IPPROTO_TCP,
	.pcb_size = sizeof(struct dp_tcp_pcb),
	.init = tcp_init,
	.connect = tcp_connect,
	.listen = dp_tcp_listen,
	.accept = dp_tcp_accept,
	.send = tcp_send,
	.recv = tcp_recv,
	.shutdown = tcp_shutdown,
	.close = tcp_close,
	.abort = tcp_abort,
	.setopt = tcp_setopt,
	.getopt = tcp_getopt,
	.events = tcp_events,
	.txdrain = dp_tcp_txdrain,
	.input = dp_tcp_input,
	.ctlinput = dp_tcp_ctlinput,
	.input_linear = false,	/* takes chains (text_in) */
	.rxq_lazy = true,
	.timer = dp_tcp_timer,
	.drained = tcp_drained,
	.detach = dp_tcp_detach,
	.free = tcp_free,
};
