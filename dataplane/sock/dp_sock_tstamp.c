/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet timestamps (Winsock's SIO_TIMESTAMPING) in the socket layer.
 *
 * RX needs nothing here. Each lcore reads the TSC once per burst it
 * pulls (dp_lcore_rx_stamp: from the port, from another lcore, or our
 * own output looped back) and UDP input copies it into every datagram of
 * that burst (dp_mbuf_priv.rx_tsc); the reader gets it with the datagram
 * (dp_rx_meta.rx_tsc). The TSC is read only while some socket of the
 * engine wants receive timestamps (eng->ts_rx_socks, dp_sock_tstamp_rx):
 * a read is ~10 ns at best here but 90-115 ns in a loop on this loaded
 * VM, and off must cost nothing. Otherwise it
 * is 0 and the datagram has no timestamp (one pulled before its socket
 * asked shows none). The per-datagram store goes into a line the input
 * writes anyway.
 *
 * TX: a datagram sent with an id carries it on its first frame
 * (DP_MBUF_F_TSTAMP, ts_id). When its owner lcore hands that frame to the
 * port (dp_sock_tx_fate, DP_TX_SENT) it notes (socket, id) as due; the
 * lcore's next flush reads the TSC once, just before rte_eth_tx_burst,
 * and records each due timestamp in its socket's store. Due entries live
 * within one lcore iteration, so the socket they name cannot be freed
 * under them (freeing waits for a grace period).
 *
 * The store, struct dp_sock_ts: a single-producer single-consumer ring
 * from the owner lcore (the only writer of head and of the slots) to the
 * application threads taking timestamps, which drain it under s->lock
 * into a list they search by id. count (ring and list) is atomic: the
 * lcore adds one only below max, and being the only thread that adds,
 * its check-then-add is safe; takers subtract. A full store discards
 * the new timestamp, as Windows does (counted, tx_tstamp_drop).
 */
#include <errno.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_spinlock.h>

#include "dp_sock_priv.h"

struct dp_ts_ent {
	uint32_t id;
	uint64_t tsc;
};

struct dp_sock_ts {
	uint32_t max;			/* (c) TxTimestampsBuffered */
	uint32_t mask;			/* (c) ring slots - 1 */
	uint32_t count;			/* (a) buffered: ring and list */
	uint32_t head;			/* (a) written by the owner lcore */
	uint32_t tail;			/* (a) written by takers (s->lock) */
	uint32_t nheld;			/* (k) entries in held */
	struct dp_ts_ent *held;		/* (k) [max], oldest first */
	struct dp_ts_ent ring[];	/* [mask + 1]: slots the lcore
					 * writes below head */
};

static struct dp_sock_ts *
ts_alloc(uint16_t max)
{
	uint32_t slots = rte_align32pow2(max == 0 ? 1 : max);
	size_t sz = sizeof(struct dp_sock_ts) +
		(size_t)(slots + max) * sizeof(struct dp_ts_ent);
	struct dp_sock_ts *ts = dp_zmalloc("dp_sock_ts", sz, 0);

	if (ts == NULL)
		return NULL;
	ts->max = max;
	ts->mask = slots - 1;
	ts->held = ts->ring + slots;
	return ts;
}

/* The owner lcore: one timestamp into the store, or discarded. */
static void
record(struct dp_sock *s, struct dp_sock_ts *ts, uint32_t id, uint64_t tsc)
{
	uint32_t h = ts->head;

	/* count bounds the ring; the tail load orders the slot's reuse
	 * after the taker's read of it. */
	if (__atomic_load_n(&ts->count, __ATOMIC_ACQUIRE) >= ts->max ||
			h - __atomic_load_n(&ts->tail, __ATOMIC_ACQUIRE) >
			ts->mask) {
		__atomic_fetch_add(&s->st.tx_tstamp_drop, 1,
			__ATOMIC_RELAXED);
		return;
	}
	ts->ring[h & ts->mask] = (struct dp_ts_ent){ .id = id, .tsc = tsc };
	__atomic_fetch_add(&ts->count, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&ts->head, h + 1, __ATOMIC_RELEASE);
}

void
dp_sock_tstamp_flush(struct dp_lcore *lc, uint64_t tsc)
{
	struct dp_sock_lcore *sl = lc->sock;

	for (unsigned int i = 0; i < sl->nb_ts; i++) {
		struct dp_sock *s = sl->ts_due[i].s;
		struct dp_sock_ts *ts = __atomic_load_n(&s->ts,
			__ATOMIC_ACQUIRE);

		if (ts != NULL)
			record(s, ts, sl->ts_due[i].id, tsc);
	}
	sl->nb_ts = 0;
	lc->tx_stamps = 0;
}

void
dp_sock_tstamp_due(struct dp_lcore *lc, struct dp_sock *s, uint32_t id)
{
	struct dp_sock_lcore *sl = lc->sock;

	if (__atomic_load_n(&s->ts, __ATOMIC_RELAXED) == NULL)
		return;
	/* More due than one flush notes: those already waiting go out
	 * with the frames in the TX buffer now. */
	if (sl->nb_ts == DP_TS_DUE_MAX)
		dp_lcore_tx_flush(lc);
	sl->ts_due[sl->nb_ts++] = (struct dp_ts_due){ .s = s, .id = id };
	lc->tx_stamps = (uint16_t)sl->nb_ts;
}

long
dp_sock_send_ts(struct dp_sock *s, const struct dp_iov *iov,
		unsigned int niov, const struct dp_addr *to, int flags,
		uint32_t ts_id)
{
	long ret;

	if (dp_engine_enter() == NULL)
		return -ENETDOWN;
	ret = s->ops->send_ts != NULL ? s->ops->send_ts(s, iov, niov, to,
		flags, ts_id) : -EOPNOTSUPP;
	dp_engine_exit();
	return ret;
}

int
dp_sock_tstamp_tx(struct dp_sock *s, bool on, uint16_t max)
{
	struct dp_sock_ts *ts = NULL, *old;
	struct dp_engine *eng;

	if (s->ops->send_ts == NULL)
		return -EOPNOTSUPP;
	eng = dp_engine_enter();
	if (eng == NULL)
		return -ENETDOWN;
	if (on) {
		ts = ts_alloc(max);
		if (ts == NULL) {
			dp_engine_exit();
			return -ENOMEM;
		}
	}
	/* Takers hold s->lock while they use the store; the lcores may
	 * hold it until their next quiescent state. */
	rte_spinlock_lock(&s->lock);
	old = s->ts;
	__atomic_store_n(&s->ts, ts, __ATOMIC_RELEASE);
	rte_spinlock_unlock(&s->lock);
	if (old != NULL) {
		dp_qsbr_wait(eng);
		dp_free(old);
	}
	dp_engine_exit();
	return 0;
}

/* s->lock held: move what the lcore recorded to the list. */
static void
drain(struct dp_sock_ts *ts)
{
	uint32_t t = ts->tail;
	uint32_t h = __atomic_load_n(&ts->head, __ATOMIC_ACQUIRE);

	/* count <= max keeps the list from overflowing. */
	while (t != h && ts->nheld < ts->max)
		ts->held[ts->nheld++] = ts->ring[t++ & ts->mask];
	__atomic_store_n(&ts->tail, t, __ATOMIC_RELEASE);
}

int
dp_sock_tstamp_take(struct dp_sock *s, uint32_t ts_id, uint64_t *tsc)
{
	struct dp_sock_ts *ts;
	int ret = -EAGAIN;

	rte_spinlock_lock(&s->lock);
	ts = s->ts;
	if (ts != NULL) {
		drain(ts);
		for (uint32_t i = 0; i < ts->nheld; i++) {
			if (ts->held[i].id != ts_id)
				continue;
			*tsc = ts->held[i].tsc;
			memmove(&ts->held[i], &ts->held[i + 1],
				(ts->nheld - i - 1) * sizeof(ts->held[0]));
			ts->nheld--;
			__atomic_fetch_sub(&ts->count, 1, __ATOMIC_RELEASE);
			ret = 0;
			break;
		}
	}
	rte_spinlock_unlock(&s->lock);
	return ret;
}

void
dp_sock_tstamp_rx(struct dp_sock *s, bool on)
{
	if (__atomic_exchange_n(&s->ts_rx, on, __ATOMIC_RELAXED) == on)
		return;
	if (on)
		__atomic_fetch_add(&s->eng->ts_rx_socks, 1, __ATOMIC_RELAXED);
	else
		__atomic_fetch_sub(&s->eng->ts_rx_socks, 1, __ATOMIC_RELAXED);
}

void
dp_sock_tstamp_free(struct dp_sock *s)
{
	dp_sock_tstamp_rx(s, false);
	dp_free(s->ts);
	s->ts = NULL;
}

uint64_t
dp_tstamp_to_os(uint64_t tsc)
{
	uint64_t hz = rte_get_tsc_hz(), pc_hz = dp_os_pc_hz();
	uint64_t t0 = 0, t1 = 0, pc = 0, mid, d;

	/* A pair read within 2 µs of TSC: not split by preemption. */
	for (int i = 0; i < 8; i++) {
		t0 = rte_rdtsc();
		pc = dp_os_pc();
		t1 = rte_rdtsc();
		if (t1 - t0 < hz / 500000)
			break;
	}
	mid = t0 + (t1 - t0) / 2;
	if (mid >= tsc) {
		d = (uint64_t)((unsigned __int128)(mid - tsc) * pc_hz / hz);
		return pc - d;
	}
	d = (uint64_t)((unsigned __int128)(tsc - mid) * pc_hz / hz);
	return pc + d;
}
