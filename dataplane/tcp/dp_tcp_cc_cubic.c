/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CUBIC (RFC 9438): after a reduction to beta = 0.7 of the window, cwnd
 * follows W(t) = C (t - K)^3 + W_max (C = 0.4, segments, seconds) back to
 * the old maximum and past it, never below the Reno-friendly estimate
 * (§4.3, alpha = 3 (1 - beta) / (1 + beta)); fast convergence (§4.7)
 * lowers W_max when a loss comes before it was reached again. Slow start
 * is the shared one (dp_tcp_cc.c). cwnd grows only while it limits the
 * sender, and time the sender spent held back or idle does not count in
 * t (§5.8): the curve shifts later by it, as Linux does after an idle
 * period. Floating point on the owner lcore only; the state lives in
 * tp->cc_priv.
 */
#include <rte_common.h>

#include "dp_tcp.h"

#define CUBIC_C		0.4
#define CUBIC_BETA	0.7
#define CUBIC_ALPHA	(3.0 * (1.0 - CUBIC_BETA) / (1.0 + CUBIC_BETA))

struct cubic {
	uint64_t epoch_us;		/* start of this growth; 0: none */
	double w_max;			/* segments at the last reduction */
	double k;			/* seconds to reach it again */
	double w_est;			/* Reno-friendly window, segments */
	uint64_t last_us;		/* the last ACK that came here */
	uint64_t held_us;		/* since when cwnd has not limited
					 * the sender; 0: it does */
};

_Static_assert(sizeof(struct cubic) <= sizeof(((struct dp_tcp_pcb *)0)
	->cc_priv), "cubic state fits cc_priv");

static struct cubic *
cubic_of(struct dp_tcp_pcb *tp)
{
	return (struct cubic *)(void *)tp->cc_priv;
}

/* Cube root by Newton's method (no libm in the dataplane). */
static double
cbrt_pos(double x)
{
	double y = x > 1.0 ? x / 3.0 : 1.0;

	if (x <= 0.0)
		return 0.0;
	for (int i = 0; i < 40; i++) {
		double n = y - (y * y * y - x) / (3.0 * y * y);

		if (n == y)
			break;
		y = n;
	}
	return y;
}

static void
cubic_init(struct dp_tcp_pcb *tp)
{
	struct cubic *c = cubic_of(tp);

	c->epoch_us = 0;
	c->w_max = 0;
	c->k = 0;
	c->w_est = 0;
	c->last_us = 0;
	c->held_us = 0;
}

/*
 * §5.8: no growth while cwnd does not limit the sender, and that time
 * (from the ACK before the first such one), or a silence longer than
 * the RTO (idle: had anything been in flight, the RTO would have
 * fired), is taken out of t by moving the epoch on. False: no growth
 * now.
 */
static bool
cubic_limited(struct dp_tcp_pcb *tp, struct cubic *c, uint64_t now)
{
	uint64_t last = c->last_us;

	c->last_us = now;
	if (!dp_tcp_cwnd_limited(tp)) {
		if (c->held_us == 0)
			c->held_us = last != 0 ? last : now;
		return false;
	}
	if (c->held_us == 0 && last != 0 && tp->rto_us != 0 &&
			now - last > tp->rto_us)
		c->held_us = last;	/* idle: no RTO, nothing in flight */
	if (c->held_us != 0 && c->epoch_us != 0) {
		c->epoch_us += now - c->held_us;
		if (c->epoch_us > now)
			c->epoch_us = now;
	}
	c->held_us = 0;
	return true;
}

static void
cubic_cong_avoid(struct dp_tcp_pcb *tp, uint32_t acked, uint64_t now)
{
	struct cubic *c = cubic_of(tp);
	double mss = tp->mss, cwnd, t, target, d;

	if (!cubic_limited(tp, c, now) || dp_tcp_cc_slow_start(tp, &acked))
		return;
	cwnd = tp->cwnd / mss;
	if (c->epoch_us == 0) {
		c->epoch_us = now != 0 ? now : 1;
		if (cwnd < c->w_max) {
			c->k = cbrt_pos((c->w_max - cwnd) / CUBIC_C);
		} else {
			c->k = 0;
			c->w_max = cwnd;
		}
		c->w_est = cwnd;
	}
	/* §4.2: the target one RTT ahead. */
	t = (double)(now - c->epoch_us + tp->srtt_us) / 1e6;
	d = t - c->k;
	target = CUBIC_C * d * d * d + c->w_max;
	if (target < cwnd)
		target = cwnd;
	if (target > 1.5 * cwnd)
		target = 1.5 * cwnd;
	c->w_est += CUBIC_ALPHA * (acked / mss) / cwnd;
	if (c->w_est > target) {
		/* Reno-friendly region (§4.3). */
		if (c->w_est > cwnd)
			tp->cwnd = (uint32_t)(c->w_est * mss);
		return;
	}
	tp->abc_acked += (uint32_t)((target - cwnd) / cwnd * acked);
	if (tp->abc_acked >= tp->mss) {
		tp->cwnd += tp->abc_acked;
		tp->abc_acked = 0;
	}
}

static uint32_t
cubic_ssthresh(struct dp_tcp_pcb *tp, uint64_t now)
{
	struct cubic *c = cubic_of(tp);
	double cwnd = (double)tp->cwnd / tp->mss;

	(void)now;
	c->epoch_us = 0;
	if (cwnd < c->w_max)		/* §4.7 fast convergence */
		c->w_max = cwnd * (1.0 + CUBIC_BETA) / 2.0;
	else
		c->w_max = cwnd;
	return RTE_MAX((uint32_t)(tp->cwnd * CUBIC_BETA), 2u * tp->mss);
}

const struct dp_tcp_cc_ops dp_tcp_cc_cubic = {
	.name = "cubic",
	.init = cubic_init,
	.cong_avoid = cubic_cong_avoid,
	.ssthresh = cubic_ssthresh,
};
