/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Zero-copy stream sends (dp_sock_send_zc): the application's bytes
 * become external-buffer mbufs on the TX ring, then the send queue, in
 * place of copies. One control block per call holds the mbufs' shared
 * info; its reference count is the mbufs built on the bytes, the burst
 * references the send queue attaches to them (dp_tcp_sq.c's
 * rte_pktmbuf_attach counts an extbuf's shared info), and the call's own
 * until it has queued all it will. The last free, wherever it happens
 * (the ACK on the owner lcore, the port after its writev, a close that
 * drops the queues, the engine's stop), ends the call: done() once,
 * with 0 if the owner saw every byte ACKed.
 *
 * Only on a port no device DMAs from (drv_port_sw_tx): user memory has
 * no IOVA. Everything else about the send path sees ordinary mbufs: the
 * loop port's copies read them, dp_tcp_mbuf_writable says no (they are
 * not direct), SO_SNDBUF counts their bytes until ACKed (tx_bytes_q) but
 * does not refuse them: the TX ring and the pool bound a call.
 */
#include <errno.h>
#include <stdlib.h>

#include <rte_mbuf.h>

#include "dp_tcp.h"
#include "drv_port.h"

/* Bytes per mbuf (data_len is 16 bits): whole pages, so a segment that
 * crosses one crosses at most one more. */
#define ZC_SEG		61440
/* mbufs per handoff, and per call (the shared info counts in 16 bits,
 * burst references included) */
#define ZC_BATCH	32
#define ZC_CALL_MAX	1024

struct zc_call {
	struct rte_mbuf_ext_shared_info sh;
	dp_zc_done_fn *done;
	void *arg;
	uint64_t total;		/* queued: stored before the call's
				 * reference goes */
	uint64_t acked;		/* the owner lcore's ACK path adds */
};

static void
zc_release(void *addr, void *opaque)
{
	struct zc_call *c = opaque;
	uint64_t total, acked;

	RTE_SET_USED(addr);
	/* The last reference may have gone through DPDK's relaxed
	 * refcnt==1 shortcut: an acquire look at the count orders this
	 * after every holder's releasing drop (and says so to TSan, which
	 * takes no fences). */
	(void)__atomic_load_n(&c->sh.refcnt, __ATOMIC_ACQUIRE);
	total = __atomic_load_n(&c->total, __ATOMIC_ACQUIRE);
	acked = __atomic_load_n(&c->acked, __ATOMIC_ACQUIRE);
	c->done(c->arg, acked >= total ? 0 : -ECONNABORTED);
	free(c);
}

void
dp_tcp_zc_ack(struct rte_mbuf *m, uint32_t n)
{
	struct zc_call *c;

	if (m->shinfo == NULL || m->shinfo->free_cb != zc_release)
		return;
	c = m->shinfo->fcb_opaque;
	__atomic_fetch_add(&c->acked, n, __ATOMIC_RELEASE);
}

/* Drop one reference of c's shared info (the call's, or a batch's that
 * never left). */
static void
zc_put(struct zc_call *c)
{
	if (rte_mbuf_ext_refcnt_update(&c->sh, -1) == 0)
		zc_release(NULL, c);
}

/* Up to ZC_BATCH mbufs over the iovs' next bytes (from *i, *off) into m,
 * at most ZC_SEG each and never across two iovs; their bytes in *n, each
 * one's in mlen (once queued, an mbuf is the owner's to read). */
static unsigned int
zc_build(struct dp_engine *eng, struct zc_call *c, struct rte_mbuf **m,
		uint32_t *mlen, const struct dp_iov *iov, unsigned int niov,
		unsigned int *i, size_t *off, size_t *n)
{
	unsigned int nm = 0, k = 0;
	unsigned int j = *i;
	size_t o = *off;

	while (nm < ZC_BATCH && j < niov) {
		size_t len = RTE_MIN(iov[j].len - o, (size_t)ZC_SEG);

		if (len == 0) {
			j++;
			o = 0;
			continue;
		}
		nm++;
		o += len;
		if (o == iov[j].len) {
			j++;
			o = 0;
		}
	}
	if (nm == 0)
		*i = niov;	/* only empty iovs left */
	if (nm == 0 || dp_mcache_alloc_bulk(eng, m, nm) != 0)
		return 0;
	rte_mbuf_ext_refcnt_update(&c->sh, (int16_t)nm);
	*n = 0;
	while (k < nm) {
		size_t len = RTE_MIN(iov[*i].len - *off, (size_t)ZC_SEG);
		char *base = (char *)iov[*i].base + *off;

		if (len == 0) {
			(*i)++;
			*off = 0;
			continue;
		}
		rte_pktmbuf_attach_extbuf(m[k], base, RTE_BAD_IOVA,
			(uint16_t)len, &c->sh);
		m[k]->data_len = (uint16_t)len;
		m[k]->pkt_len = (uint32_t)len;
		mlen[k] = (uint32_t)len;
		*n += len;
		k++;
		*off += len;
		if (*off == iov[*i].len) {
			(*i)++;
			*off = 0;
		}
	}
	return nm;
}

static long
zc_send(struct dp_sock *s, const struct dp_iov *iov, unsigned int niov,
		dp_zc_done_fn *done, void *arg)
{
	struct dp_tcp_pcb *tp = dp_tcp_pcb(s);
	struct rte_mbuf *m[ZC_BATCH];
	uint32_t mlen[ZC_BATCH];
	unsigned int i = 0, built = 0;
	size_t off = 0, sent = 0;
	struct zc_call *c;
	int ret;

	ret = dp_tcp_send_error(s, tp);
	if (ret == 0 && __atomic_load_n(&s->txq.prod,
			__ATOMIC_ACQUIRE) == NULL)
		ret = dp_sock_txq_init(s);
	if (ret != 0)
		return ret;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -ENOBUFS;
	c->done = done;
	c->arg = arg;
	c->sh.free_cb = zc_release;
	c->sh.fcb_opaque = c;
	rte_mbuf_ext_refcnt_set(&c->sh, 1);	/* the call's */
	while (built < ZC_CALL_MAX) {
		size_t n = 0;
		unsigned int nm = zc_build(s->eng, c, m, mlen, iov, niov, &i,
			&off, &n);
		int k;

		if (nm == 0) {
			ret = i < niov ? -ENOBUFS : 0;
			break;
		}
		built += nm;
		k = dp_tcp_enqueue(s, m, nm, n);
		if (k < 0) {
			ret = k;
			break;
		}
		for (int j = 0; j < k; j++)
			sent += mlen[j];
		if ((unsigned int)k < nm) {
			ret = -EAGAIN;
			break;
		}
	}
	if (sent == 0) {
		/* Nothing queued: no done() for this call. The batches that
		 * did not go were freed, so the call's reference is the
		 * last. */
		free(c);
		return ret != 0 ? ret : -EAGAIN;
	}
	__atomic_store_n(&c->total, sent, __ATOMIC_RELEASE);
	dp_sock_tx_kick(s);
	zc_put(c);
	return (long)sent;
}

long
dp_sock_send_zc(struct dp_sock *s, const struct dp_iov *iov,
		unsigned int niov, dp_zc_done_fn *done, void *arg)
{
	struct dp_engine *eng;
	long ret;

	if (s->ops != &dp_tcp_ops)
		return -EOPNOTSUPP;
	eng = dp_engine_enter();
	if (eng == NULL)
		return -ENETDOWN;
	ret = drv_port_sw_tx(eng->port) ? zc_send(s, iov, niov, done, arg) :
		-EOPNOTSUPP;
	if (ret >= 0 && dp_sock_rtc(s) != NULL)
		dp_lcore_poll_try(dp_sock_rtc(s));
	dp_engine_exit();
	return ret;
}

static int
reset_owner(struct dp_lcore *lc, void *arg)
{
	struct dp_tcp_pcb *tp = dp_tcp_pcb(arg);
	uint8_t st = dp_tcp_state(tp);

	if (!dp_tcp_synced(st))
		return 0;
	if (st != DP_TCP_TIME_WAIT)
		dp_tcp_send_ctl(lc, tp, RTE_TCP_RST_FLAG, tp->snd_nxt);
	dp_tcp_drop(lc, tp, ECONNABORTED);
	return 0;
}

int
dp_sock_send_zc_abort(struct dp_sock *s)
{
	int ret;

	if (s->ops != &dp_tcp_ops)
		return -EOPNOTSUPP;
	if (dp_engine_enter() == NULL)
		return -ENETDOWN;
	ret = dp_sock_owner_call(s, reset_owner, s);
	dp_engine_exit();
	return ret;
}
