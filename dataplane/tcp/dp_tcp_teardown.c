/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The end of the engine (WSPCleanup at refcount zero, tcp-notes §7.5):
 * dp_stop's drain gave graceful connections until WSPDK_CLEANUP_MS to
 * have their data ACKed and FINs exchanged; what is still open then
 * (data unACKed, a peer that stopped reading, FIN-WAIT-2 with a peer
 * that never closes) is reset by its owner with SEQ = SND.NXT, and RX
 * keeps running a grace window so a peer whose RCV.NXT differs, after
 * loss, gets its challenge ACK answered by a no-TCB RST with SEQ =
 * SEG.ACK, which RFC 5961's exact-match rule accepts. TIME-WAIT (a
 * TCB, or an orphan's record in the lcore's TIME-WAIT table) is only
 * dropped: that side already closed.
 *
 * A TCB leaves its owner's table before its socket counts as drained
 * (and may be freed): every end here goes through dp_tcp_close_tcb.
 */
#include <errno.h>

#include <rte_cycles.h>

#include "dp_tcp.h"

#define GRACE_US	20000	/* > a few RTTs on the paths we serve */

/* End tp: a TIME-WAIT record is dropped, anything else reset (a
 * SYN-SENT peer holds nothing to reset). True if a RST went out. */
static bool
end_one(struct dp_lcore *lc, struct dp_tcp_pcb *tp)
{
	uint8_t st = dp_tcp_state(tp);

	if (st == DP_TCP_TIME_WAIT) {
		dp_tcp_close_tcb(lc, tp, 0);
		return false;
	}
	if (st != DP_TCP_SYN_SENT)
		dp_tcp_send_ctl(lc, tp, RTE_TCP_RST_FLAG, tp->snd_nxt);
	dp_tcp_close_tcb(lc, tp, ECONNABORTED);
	return st != DP_TCP_SYN_SENT;
}

/* Every TCB of lc that sel picks, ended; the RSTs sent. */
static unsigned int
sweep(struct dp_lcore *lc, bool (*sel)(const struct dp_tcp_pcb *tp))
{
	unsigned int n = 0;

	for (unsigned int b = 0; b <= lc->tcp->mask && lc->tcp->count != 0;
			b++) {
		struct dp_tcp_pcb *tp, *next;

		for (tp = lc->tcp->hash[b]; tp != NULL; tp = next) {
			next = tp->hnext;
			if (sel(tp))
				n += end_one(lc, tp);
		}
	}
	return n;
}

static bool
any(const struct dp_tcp_pcb *tp)
{
	RTE_SET_USED(tp);
	return true;
}

/* An orphan with nothing left to exchange but the peer's FIN. */
static bool
finished(const struct dp_tcp_pcb *tp)
{
	uint8_t st = dp_tcp_state(tp);

	return (tp->tf & TF_APP_CLOSED) && (st == DP_TCP_TIME_WAIT ||
		st == DP_TCP_FIN_WAIT_2);
}

void
dp_tcp_teardown_poll(struct dp_lcore *lc)
{
	if ((lc->tcp->count != 0 || lc->tcp->tw->n != 0) &&
			dp_engine_closing()) {
		sweep(lc, finished);
		/* Orphans' compact records: nothing to send, only gone. */
		dp_tcp_tw_flush(lc);
	}
}

static int
reset_all(struct dp_lcore *lc, void *arg)
{
	unsigned int *n = arg;

	*n += sweep(lc, any);
	dp_tcp_tw_flush(lc);
	return 0;
}

void
dp_tcp_teardown_abort(struct dp_engine *eng)
{
	unsigned int n = 0;

	/* An lcore with no TCB is not asked (a round trip to a thread
	 * that may not be running, in every WSPCleanup, UDP-only ones
	 * too): one born after this look is no different from one born
	 * after the call would have returned. */
	for (unsigned int i = 0; i < eng->nb_lcores; i++)
		if (eng->lcores[i]->tcp != NULL && __atomic_load_n(
				&eng->lcores[i]->tcp->count, __ATOMIC_RELAXED) != 0)
			dp_ctl_call(eng->lcores[i], reset_all, &n);
	if (n == 0)
		return;
	DP_LOG(INFO, "cleanup: %u TCP connection(s) reset", n);
	if (!eng->driven)
		rte_delay_us_sleep(GRACE_US);
}
