/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the sender-side tests (recovery, TLP, congestion control, cwnd
 * validation) share: a connection with SACK and timestamps warmed to a
 * 1 ms RTT, segments by number, the peer's duplicate ACKs with SACK
 * blocks, counter deltas.
 */
#include <stddef.h>

#include "dp_tcp.h"
#include "test_ut_tcp_peer.h"
#include "test_ut_tcp_rec.h"

/* What the application sends (its bytes do not matter here). */
uint8_t rec_buf[32 * MSS];

/* Connected, then WARM exchanges of WARM_LEN bytes answered after 1 ms,
 * so SRTT and min_RTT are ~1 ms (the handshake's sample is 0); *iss is
 * then the sequence number before the next byte to send, as if it were
 * the ISS (seg_seq counts from it). */
struct dp_sock *
rec_connected(uint32_t *iss, bool sack)
{
	struct dp_sock *s;
	struct seg sg;

	peer_opts = (struct peer_opts){ .sack_ok = sack, .ts = true,
		.tsval = 100 };
	s = connected(iss);
	for (int i = 0; i < WARM; i++) {
		CU_ASSERT_EQUAL(ut_send(s, 0, 0, rec_buf, WARM_LEN), WARM_LEN);
		steps();
		CU_ASSERT(sent(&sg));
		ut_advance_us(1000);
		*iss += WARM_LEN;
		peer(RTE_TCP_ACK_FLAG, PISS + 1, *iss + 1, WIN, NULL, 0);
		while (sent(&sg))
			;
	}
	return s;
}

void
rec_done(struct dp_sock *s)
{
	done(s);
	peer_opts = (struct peer_opts){ 0 };
}

/* Segment k's first byte (the k-th full segment after the SYN). */
uint32_t
seg_seq(uint32_t iss, uint32_t k)
{
	return iss + 1 + k * MSS;
}

/* n bytes from the application, then what went out: the sequence
 * numbers of the data segments into seqs (at most max), their count. */
uint32_t
app_send(struct dp_sock *s, uint32_t n)
{
	CU_ASSERT_EQUAL(ut_send(s, 0, 0, rec_buf, n), (long)n);
	steps();
	return n;
}

uint32_t
drain(uint32_t *seqs, uint32_t max)
{
	struct seg sg;
	uint32_t k = 0;

	while (sent(&sg)) {
		if (sg.len == 0)
			continue;
		if (k < max)
			seqs[k] = sg.seq;
		k++;
	}
	return k;
}

/* A duplicate ACK at snd_una with blocks of whole segments [a, b). */
void
dupack_sack(uint32_t iss, uint32_t ack_seg, uint32_t n,
		const uint32_t (*blk)[2])
{
	peer_opts.nsack = n;
	for (uint32_t i = 0; i < n; i++) {
		peer_opts.sack[i][0] = seg_seq(iss, blk[i][0]);
		peer_opts.sack[i][1] = seg_seq(iss, blk[i][1]);
	}
	peer(RTE_TCP_ACK_FLAG, PISS + 1, seg_seq(iss, ack_seg), WIN, NULL, 0);
	peer_opts.nsack = 0;
}

uint64_t
stat_delta(const struct dp_stats *a, const struct dp_stats *b, size_t off)
{
	return *(const uint64_t *)((const uint8_t *)b + off) -
		*(const uint64_t *)((const uint8_t *)a + off);
}

