/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The send queue's bytes into segments, on the owner lcore: copied
 * behind a segment's headers, or, for a TSO burst, referenced.
 *
 * A burst's payload is a chain of indirect mbufs attached to the send
 * queue's own (rte_pktmbuf_attach), so the lcore does not copy every
 * byte a second time: the reference count keeps a send-queue buffer
 * alive after its bytes are ACKed and freed from the queue, until the
 * port lets go of the burst. The bytes referenced never change: the
 * application filled them before queueing, the send queue only moves
 * its own data_off when a part is ACKed, and every receive-side writer
 * into a buffer's tailroom checks the mbuf is its own
 * (dp_tcp_mbuf_writable). SO_SNDBUF (tx_bytes_q) still counts what is
 * unACKed, as Linux's sk_wmem_queued does while a clone sits in a qdisc.
 *
 * Copied instead: over the loop port (the caller says), whose receiver
 * keeps the burst's mbufs in its socket until its reader frees them
 * from an application thread, where a reference's last free goes past
 * every cache to the pool's ring (measured: loop bulk 35 % slower); and
 * a burst whose bytes lie in more send-queue mbufs than a chain may
 * hold (small writes).
 */
#include <string.h>

#include <rte_mbuf.h>

#include "dp_tcp.h"

/*
 * The send queue's mbuf holding byte off of it, the offset of that byte
 * in it and the sequence number of its first byte (*m NULL past the
 * end). The walk starts at the cursor when the byte lies at or past it:
 * segments go out in order, and a walk from the head made each one cost
 * the queue's length in mbufs (a 4 MB window: thousands per segment).
 */
static void
sq_seek(const struct dp_tcp_pcb *tp, uint32_t off, struct rte_mbuf **m,
		uint32_t *moff, uint32_t *mseq)
{
	uint32_t seq = tp->sq_seq + off;

	*m = tp->sq_head;
	*mseq = tp->sq_seq;
	if (tp->sq_cur != NULL && SEQ_GEQ(seq, tp->sq_cur_seq)) {
		*m = tp->sq_cur;
		*mseq = tp->sq_cur_seq;
		off = seq - *mseq;
	}
	while (*m != NULL && off >= (*m)->data_len) {
		off -= (*m)->data_len;
		*mseq += (*m)->data_len;
		*m = dp_mbuf_priv(*m)->next;
	}
	*moff = off;
}

void
dp_tcp_sq_copy(struct dp_tcp_pcb *tp, uint32_t off, uint32_t len,
		uint8_t *dst)
{
	struct rte_mbuf *m;
	uint32_t mseq;

	sq_seek(tp, off, &m, &off, &mseq);
	while (m != NULL && len > 0) {
		uint32_t k = RTE_MIN(len, (uint32_t)m->data_len - off);

		memcpy(dst, rte_pktmbuf_mtod_offset(m, uint8_t *, off), k);
		dst += k;
		len -= k;
		tp->sq_cur = m;
		tp->sq_cur_seq = mseq;
		if (len == 0)
			break;
		off = 0;
		mseq += m->data_len;
		m = dp_mbuf_priv(m)->next;
	}
}

/* One send-queue mbuf's share of a burst. */
struct sq_piece {
	struct rte_mbuf *m;
	uint16_t off, len;
};

/*
 * The send-queue mbufs under len bytes from off, into pc; how many, or
 * 0 if they are more than DP_TCP_TSO_SEGS (the cursor then unmoved).
 */
static unsigned int
sq_pieces(struct dp_tcp_pcb *tp, uint32_t off, uint32_t len,
		struct sq_piece *pc)
{
	struct rte_mbuf *m;
	uint32_t mseq;
	unsigned int n = 0;

	sq_seek(tp, off, &m, &off, &mseq);
	while (m != NULL) {
		uint32_t k = RTE_MIN(len, (uint32_t)m->data_len - off);

		if (n == DP_TCP_TSO_SEGS)
			return 0;
		pc[n++] = (struct sq_piece){ m, (uint16_t)off, (uint16_t)k };
		len -= k;
		if (len == 0) {
			tp->sq_cur = m;
			tp->sq_cur_seq = mseq;
			return n;
		}
		off = 0;
		mseq += m->data_len;
		m = dp_mbuf_priv(m)->next;
	}
	return 0;
}

/* n fresh mbufs chained behind last, m's chain growing by k bytes. */
static void
chain_add(struct rte_mbuf *m, struct rte_mbuf *last, struct rte_mbuf **seg,
		unsigned int n, uint32_t k)
{
	for (unsigned int i = 0; i < n; i++) {
		last->next = seg[i];
		last = seg[i];
	}
	m->pkt_len += k;
	m->nb_segs = (uint16_t)(m->nb_segs + n);
}

/* The burst's payload copied into fresh mbufs, each filled from its
 * buffer's start (no header goes in front). */
static int
chain_copy(struct dp_engine *eng, struct dp_tcp_pcb *tp, struct rte_mbuf *m,
		struct rte_mbuf *last, uint32_t off, uint32_t len)
{
	uint32_t room = rte_pktmbuf_data_room_size(eng->mp), k = len;
	uint32_t n = (len + room - 1) / room;
	struct rte_mbuf *seg[DP_TCP_TSO_SEGS];

	if (n > DP_TCP_TSO_SEGS || rte_pktmbuf_alloc_bulk(eng->mp, seg, n))
		return -ENOBUFS;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t c = RTE_MIN(len, room);

		seg[i]->data_off = 0;
		seg[i]->data_len = (uint16_t)c;
		seg[i]->pkt_len = c;
		dp_tcp_sq_copy(tp, off, c, rte_pktmbuf_mtod(seg[i],
			uint8_t *));
		off += c;
		len -= c;
	}
	chain_add(m, last, seg, n, k);
	return 0;
}

int
dp_tcp_sq_chain(struct dp_engine *eng, struct dp_tcp_pcb *tp,
		struct rte_mbuf *m, uint32_t off, uint32_t len, bool ref)
{
	struct sq_piece pc[DP_TCP_TSO_SEGS];
	struct rte_mbuf *seg[DP_TCP_TSO_SEGS], *last = rte_pktmbuf_lastseg(m);
	unsigned int n = ref ? sq_pieces(tp, off, len, pc) : 0;

	if (n == 0)
		return chain_copy(eng, tp, m, last, off, len);
	if (rte_pktmbuf_alloc_bulk(eng->mp, seg, n) != 0)
		return -ENOBUFS;
	for (unsigned int i = 0; i < n; i++) {
		rte_pktmbuf_attach(seg[i], pc[i].m);
		seg[i]->data_off = (uint16_t)(seg[i]->data_off + pc[i].off);
		seg[i]->data_len = pc[i].len;
		seg[i]->pkt_len = pc[i].len;
	}
	chain_add(m, last, seg, n, len);
	return 0;
}
