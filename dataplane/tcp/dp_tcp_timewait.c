/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TIME-WAIT on the owner lcore: entering it (2 MSL on the connection's
 * timer, the send queue gone), the RFC 6191 rule by which a new SYN may
 * take the four-tuple over, and an orphan's compact record.
 *
 * A connection the application has closed needs nothing of its socket
 * in TIME-WAIT: no ring, no buffer, no waiter. When it gets there its
 * owner writes a record (struct dp_tcp_tw, 64 bytes, as FreeBSD's tcptw
 * and Linux's inet_timewait_sock) into its own table and closes the TCB,
 * so the socket, its rings and mbufs go with the next reap instead of
 * 2 MSL later. A socket the application still holds stays a TCB in
 * TIME-WAIT, as before, until it is closed (dp_tcp_tw_orphan).
 *
 *   dp_tcp_input -> TCB miss -> dp_tcp_tw_lookup -> dp_tcp_tw_input
 *   2 MSL: the table's timer -> tw_expire (a bounded batch per tick)
 *
 * The table is a fixed pool sized at the layer's start; when it is full
 * the oldest record (the nearest its end) makes room and is counted
 * (tcp_tw_overflow), as Linux does past tcp_max_tw_buckets. Records
 * expire in the order they were made: each lasts 2 MSL from its making
 * or its last FIN, so the list in that order is in expiry order, and
 * the timer looks at its head only.
 */
#include <string.h>

#include <rte_byteorder.h>

#include "dp_tcp.h"

#define TW_EXPIRE_BUDGET	256	/* records ended per timer tick */
_Static_assert(sizeof(struct dp_tcp_tw) == 64, "a record is 64 bytes");
#define TW_BUCKETS_MIN		256

/* RFC 9293 MUST-2/RFC 6191: a bare SYN newer than the old connection,
 * by its timestamp when both sides use them, else by its sequence
 * number. */
static bool
reuse_ok(bool ts, uint32_t ts_recent, uint32_t rcv_nxt,
		const struct dp_tcp_seg *sg)
{
	if ((sg->flags & (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG |
			RTE_TCP_RST_FLAG)) != RTE_TCP_SYN_FLAG)
		return false;
	if (ts && sg->o.has_ts)
		return SEQ_GT(sg->o.tsval, ts_recent);
	return SEQ_GT(sg->seq, rcv_nxt);
}

bool
dp_tcp_tw_reuse(const struct dp_tcp_pcb *tp, const struct dp_tcp_seg *sg)
{
	return reuse_ok((tp->tf & TF_REQ_TS) != 0, tp->ts_recent,
		tp->rcv_nxt, sg);
}

/* ---- the table ---- */

struct dp_tcp_twtab *
dp_tcp_tw_create(uint32_t cap)
{
	uint32_t nb = rte_align32pow2(cap / 2);
	struct dp_tcp_twtab *t;

	if (nb < TW_BUCKETS_MIN)
		nb = TW_BUCKETS_MIN;
	t = dp_zmalloc("dp_tcp_tw", sizeof(*t) + (size_t)cap * sizeof(t->rec[0]),
		RTE_CACHE_LINE_SIZE);
	if (t == NULL)
		return NULL;
	t->hash = dp_zmalloc("dp_tcp_tw_hash", nb * sizeof(t->hash[0]), 0);
	if (t->hash == NULL) {
		dp_free(t);
		return NULL;
	}
	memset(t->hash, 0xff, nb * sizeof(t->hash[0]));
	t->cap = cap;
	t->mask = nb - 1;
	t->head = t->tail = DP_TCP_TW_NONE;
	for (uint32_t i = 0; i < cap; i++)
		t->rec[i].next = i + 1 < cap ? i + 1 : DP_TCP_TW_NONE;
	t->free = cap != 0 ? 0 : DP_TCP_TW_NONE;
	return t;
}

void
dp_tcp_tw_free(struct dp_lcore *lc)
{
	struct dp_tcp_twtab *t = lc->tcp->tw;

	if (t == NULL)
		return;
	dp_timer_cancel(&lc->timers, &t->timer);
	dp_free(t->hash);
	dp_free(t);
	lc->tcp->tw = NULL;
}

static uint32_t *
tw_bucket(struct dp_tcp_twtab *t, uint32_t laddr, uint16_t lport,
		uint32_t faddr, uint16_t fport)
{
	return &t->hash[dp_tcp_hash4(laddr, lport, faddr, fport) & t->mask];
}

struct dp_tcp_tw *
dp_tcp_tw_lookup(struct dp_lcore *lc, uint32_t laddr, uint16_t lport,
		uint32_t faddr, uint16_t fport)
{
	struct dp_tcp_twtab *t = lc->tcp->tw;
	uint32_t i;

	if (t->n == 0)
		return NULL;
	for (i = *tw_bucket(t, laddr, lport, faddr, fport);
			i != DP_TCP_TW_NONE; i = t->rec[i].hnext) {
		struct dp_tcp_tw *tw = &t->rec[i];

		if (tw->fport == fport && tw->lport == lport &&
				tw->faddr == faddr && tw->laddr == laddr)
			return tw;
	}
	return NULL;
}

/* The timer at the oldest record's end, or off. */
static void
tw_arm(struct dp_lcore *lc, struct dp_tcp_twtab *t)
{
	uint64_t e;

	if (t->head == DP_TCP_TW_NONE) {
		dp_timer_cancel(&lc->timers, &t->timer);
		return;
	}
	e = t->rec[t->head].expire_us;
	if (!dp_timer_armed(&t->timer) || dp_timer_expire(&t->timer) != e)
		dp_timer_arm(&lc->timers, &t->timer, e);
}

static void
list_unlink(struct dp_tcp_twtab *t, uint32_t i)
{
	struct dp_tcp_tw *tw = &t->rec[i];

	if (tw->prev != DP_TCP_TW_NONE)
		t->rec[tw->prev].next = tw->next;
	else
		t->head = tw->next;
	if (tw->next != DP_TCP_TW_NONE)
		t->rec[tw->next].prev = tw->prev;
	else
		t->tail = tw->prev;
}

/* At the tail: the newest end. Never before the tail's own, so the
 * list stays in expiry order (a record made from a TCB already part
 * way through TIME-WAIT may so last a little longer, never shorter). */
static void
list_append(struct dp_tcp_twtab *t, uint32_t i, uint64_t expire_us)
{
	struct dp_tcp_tw *tw = &t->rec[i];

	if (t->tail != DP_TCP_TW_NONE &&
			t->rec[t->tail].expire_us > expire_us)
		expire_us = t->rec[t->tail].expire_us;
	tw->expire_us = expire_us;
	tw->prev = t->tail;
	tw->next = DP_TCP_TW_NONE;
	if (t->tail != DP_TCP_TW_NONE)
		t->rec[t->tail].next = i;
	else
		t->head = i;
	t->tail = i;
}

/* Record i out of the hash and the list, onto the free list. */
static void
tw_drop(struct dp_lcore *lc, uint32_t i)
{
	struct dp_tcp_twtab *t = lc->tcp->tw;
	struct dp_tcp_tw *tw = &t->rec[i];
	uint32_t *p = tw_bucket(t, tw->laddr, tw->lport, tw->faddr,
		tw->fport);

	while (*p != i)
		p = &t->rec[*p].hnext;
	*p = tw->hnext;
	list_unlink(t, i);
	if (tw->flags & DP_TCP_TW_F_HOLD)
		dp_sock_tcp_port_hold(lc->eng, tw->lport, -1);
	tw->flags = 0;
	tw->next = t->free;
	t->free = i;
	t->n--;
}

/* 2 MSL over for the oldest: a batch a tick, the rest at the next. */
static void
tw_expire(struct dp_timer_wheel *w, struct dp_timer *tm)
{
	struct dp_lcore *lc = dp_lcore_of_timers(w);
	struct dp_tcp_twtab *t = lc->tcp->tw;
	uint64_t now = dp_timer_now(w);

	for (unsigned int n = 0; t->head != DP_TCP_TW_NONE &&
			t->rec[t->head].expire_us <= now; n++) {
		if (n == TW_EXPIRE_BUDGET) {
			dp_timer_arm(w, tm, now);
			return;
		}
		tw_drop(lc, t->head);
	}
	tw_arm(lc, t);
}

/* A record for tp, ending at expire_us; NULL if the pool is empty. */
static struct dp_tcp_tw *
tw_make(struct dp_lcore *lc, const struct dp_tcp_pcb *tp, uint64_t expire_us)
{
	struct dp_tcp_twtab *t = lc->tcp->tw;
	struct dp_tcp_tw *tw;
	uint32_t i, *b;

	if (t->free == DP_TCP_TW_NONE) {
		if (t->head == DP_TCP_TW_NONE)
			return NULL;
		DP_STAT_INC(lc, tcp_tw_overflow);
		tw_drop(lc, t->head);
	}
	if (t->timer.tm_fn == NULL)
		dp_timer_init(&t->timer, tw_expire);
	i = t->free;
	tw = &t->rec[i];
	t->free = tw->next;
	tw->laddr = tp->laddr;
	tw->faddr = tp->faddr;
	tw->lport = tp->lport;
	tw->fport = tp->fport;
	tw->snd_nxt = tp->snd_nxt;
	tw->rcv_nxt = tp->rcv_nxt;
	tw->ts_recent = tp->ts_recent;
	tw->ts_off = tp->ts_off;
	tw->wnd = __atomic_load_n(&tp->adv_wnd, __ATOMIC_RELAXED);
	tw->rcv_scale = (tp->tf & TF_REQ_WS) ? tp->rcv_scale : 0;
	tw->id = tp->s->id;
	tw->flags = DP_TCP_TW_F_USED |
		((tp->tf & TF_REQ_TS) ? DP_TCP_TW_F_TS : 0);
	/* Its socket's bind ends at the reap; the record keeps the port
	 * from the next ephemeral pick (a listener's children never held
	 * it). */
	if (!(__atomic_load_n(&tp->s->flags, __ATOMIC_ACQUIRE) &
			DP_SOCK_F_CHILD)) {
		tw->flags |= DP_TCP_TW_F_HOLD;
		dp_sock_tcp_port_hold(lc->eng, tw->lport, 1);
	}
	b = tw_bucket(t, tw->laddr, tw->lport, tw->faddr, tw->fport);
	tw->hnext = *b;
	*b = i;
	list_append(t, i, expire_us);
	t->n++;
	tw_arm(lc, t);
	DP_STAT_INC(lc, tcp_tw_records);
	return tw;
}

/* The record in tp's place: tp closed (out of the table, queues and
 * timer gone), its socket free to be reaped. */
static bool
tw_replace(struct dp_lcore *lc, struct dp_tcp_pcb *tp, uint64_t expire_us)
{
	if (tw_make(lc, tp, expire_us) == NULL)
		return false;
	dp_tcp_close_tcb(lc, tp, 0);
	return true;
}

bool
dp_tcp_enter_time_wait(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	uint64_t end = lc->now_us + 2 * lc->eng->tcp->msl_us;

	if ((tp->tf & TF_APP_CLOSED) && tw_replace(lc, tp, end))
		return true;
	dp_tcp_set_state(tp, DP_TCP_TIME_WAIT);
	tp->t_rexmt = tp->t_persist = tp->t_keep = 0;
	tp->t_2msl = end;
	/* Nothing more to send: what the peer ACKed is freed already. */
	dp_tcp_sq_free(tp->s, tp);
	dp_wait_note(lc, tp->s);
	dp_tcp_timer_update(lc, tp);
	return false;
}

bool
dp_tcp_tw_orphan(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	if (dp_tcp_state(tp) != DP_TCP_TIME_WAIT || tp->t_2msl == 0)
		return false;
	return tw_replace(lc, tp, tp->t_2msl);
}

/* ---- a record's segments ---- */

/* ACK with SEQ = SND.NXT, ACK = RCV.NXT, the window and (agreed) the
 * timestamps the connection had. */
static void
tw_ack(struct dp_lcore *lc, const struct dp_tcp_tw *tw)
{
	uint8_t o[12];
	unsigned int ol = 0;
	uint32_t f = tw->wnd >> tw->rcv_scale;

	if (tw->flags & DP_TCP_TW_F_TS) {
		uint32_t tsval = dp_tcp_tsval(lc, tw->ts_off);

		o[ol++] = 1;
		o[ol++] = 1;
		o[ol++] = 8;
		o[ol++] = 10;
		for (int i = 3; i >= 0; i--)
			o[ol++] = (uint8_t)(tsval >> (8 * i));
		for (int i = 3; i >= 0; i--)
			o[ol++] = (uint8_t)(tw->ts_recent >> (8 * i));
	}
	DP_STAT_INC(lc, tcp_tw_ack);
	dp_tcp_send_bare(lc, tw->faddr, tw->lport, tw->fport,
		RTE_TCP_ACK_FLAG, tw->snd_nxt, tw->rcv_nxt,
		(uint16_t)RTE_MIN(f, 65535u), o, ol);
}

/*
 * RFC 9293 §3.10.7.4 in TIME-WAIT, with Linux's choices where it leaves
 * them (tcp_timewait_state_process): a RST is ignored (RFC 1337); a new
 * SYN may reopen (RFC 6191); an old TSval is answered with an ACK
 * (PAWS); a bare ACK at RCV.NXT needs nothing; anything else (the
 * peer's FIN again, whose ACK was lost; data; a SYN too old to reopen)
 * gets an ACK, and a FIN restarts 2 MSL.
 */
bool
dp_tcp_tw_input(struct dp_lcore *lc, struct dp_tcp_tw *tw,
		const struct dp_tcp_seg *sg)
{
	struct dp_tcp_twtab *t = lc->tcp->tw;
	bool ts = (tw->flags & DP_TCP_TW_F_TS) && sg->o.has_ts;
	uint32_t i = (uint32_t)(tw - t->rec);

	if (sg->flags & RTE_TCP_RST_FLAG) {
		DP_STAT_INC(lc, tcp_rst_rx);
		return true;
	}
	if (reuse_ok((tw->flags & DP_TCP_TW_F_TS) != 0, tw->ts_recent,
			tw->rcv_nxt, sg)) {
		DP_STAT_INC(lc, tcp_timewait_reuse);
		tw_drop(lc, i);
		tw_arm(lc, t);
		return false;
	}
	if (ts && SEQ_LT(sg->o.tsval, tw->ts_recent)) {
		DP_STAT_INC(lc, tcp_paws_drop);
		tw_ack(lc, tw);
		return true;
	}
	if (sg->seq == tw->rcv_nxt && sg->len == 0 &&
			!(sg->flags & (RTE_TCP_SYN_FLAG | RTE_TCP_FIN_FLAG)))
		return true;
	/* RFC 7323 §4.3: at or before what we acknowledge. */
	if (ts && SEQ_LEQ(sg->seq, tw->rcv_nxt))
		tw->ts_recent = sg->o.tsval;
	if (sg->flags & RTE_TCP_FIN_FLAG) {
		list_unlink(t, i);
		list_append(t, i, lc->now_us + 2 * lc->eng->tcp->msl_us);
		tw_arm(lc, t);
	}
	tw_ack(lc, tw);
	return true;
}

unsigned int
dp_tcp_tw_flush(struct dp_lcore *lc)
{
	struct dp_tcp_twtab *t = lc->tcp->tw;
	unsigned int n = 0;

	while (t->head != DP_TCP_TW_NONE) {
		tw_drop(lc, t->head);
		n++;
	}
	dp_timer_cancel(&lc->timers, &t->timer);
	return n;
}

void
dp_tcp_tw_foreach(struct dp_lcore *lc,
		void (*fn)(struct dp_lcore *lc, const struct dp_tcp_tw *tw,
		void *arg), void *arg)
{
	struct dp_tcp_twtab *t = lc->tcp->tw;

	for (uint32_t i = t->head; i != DP_TCP_TW_NONE; i = t->rec[i].next)
		fn(lc, &t->rec[i], arg);
}
