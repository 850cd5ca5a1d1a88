/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP segmentation offload, white-box: the pair port is made to offer
 * TSO, and the peer plays the wire that cuts each burst into MSS frames
 * (and loses some of them): the bytes arrive exact, new data goes as
 * bursts of whole segments, and a burst partly SACKed and partly lost
 * has exactly its lost segments resent, each one MSS.
 */
#include <stddef.h>
#include <string.h>

#include "dp_tcp.h"
#include "test_ut_tcp_peer.h"

#define MSS	1460u			/* the peer's, no timestamps */
#define NSEG	40u			/* segments of the stream */
#define WIN	65535

static uint8_t pattern[NSEG * MSS];
static uint8_t got[NSEG * MSS];
static uint8_t burst[65536];

/* What the peer's end of the wire holds and what the stack sent. */
struct wire {
	bool rcvd[NSEG];
	uint32_t sent[NSEG];		/* times each segment went out */
	uint32_t lose;			/* bit k: segment k lost once */
	uint32_t bursts, max_burst;
	uint32_t lost_in_burst;		/* lost out of a burst */
};

static uint64_t
stat_delta(const struct dp_stats *a, const struct dp_stats *b, size_t off)
{
	return *(const uint64_t *)((const uint8_t *)b + off) -
		*(const uint64_t *)((const uint8_t *)a + off);
}
#define DELTA(a, b, f)	stat_delta(&(a), &(b), offsetof(struct dp_stats, f))

static struct dp_sock *
tso_connected(uint32_t *iss)
{
	for (uint32_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(i * 7 + i / 251);
	memset(got, 0, sizeof(got));
	peer_opts = (struct peer_opts){ .sack_ok = true };
	port_tso(true);
	return connected(iss);
}

static void
tso_done(struct dp_sock *s)
{
	done(s);
	port_tso(false);
	peer_opts = (struct peer_opts){ 0 };
}

/* The frames sent since, cut into segments as the wire would: each
 * segment whole (MSS, the stream's last maybe less), lost if w says. */
static void
wire_take(struct wire *w, uint32_t iss)
{
	struct seg sg;

	while (sent_full(&sg, burst, sizeof(burst))) {
		uint32_t off = sg.seq - (iss + 1);

		if (sg.len == 0)
			continue;
		CU_ASSERT_FATAL(off % MSS == 0 && off < sizeof(pattern));
		if (sg.tso != 0) {
			w->bursts++;
			w->max_burst = RTE_MAX(w->max_burst, sg.len);
			CU_ASSERT_EQUAL(sg.tso, MSS);
			CU_ASSERT_EQUAL(sg.len % MSS, 0);
			CU_ASSERT(sg.len > MSS);
		} else {
			CU_ASSERT(sg.len <= MSS);
		}
		for (uint32_t o = 0; o < sg.len; o += MSS) {
			uint32_t k = (off + o) / MSS;
			uint32_t n = RTE_MIN(MSS, sg.len - o);

			w->sent[k]++;
			/* lose names the first 32 segments only */
			if (k < 32 && (w->lose & (1u << k))) {
				w->lose &= ~(1u << k);
				w->lost_in_burst += sg.tso != 0;
				continue;
			}
			w->rcvd[k] = true;
			memcpy(got + off + o, burst + o, n);
		}
	}
}

/* The peer's ACK for what it holds: up to four SACK blocks above the
 * first hole. The segment index of its cumulative ACK. */
static uint32_t
wire_ack(const struct wire *w, uint32_t iss)
{
	uint32_t una = 0, k, nb = 0;

	while (una < NSEG && w->rcvd[una])
		una++;
	for (k = una; k < NSEG && nb < 4; ) {
		uint32_t a;

		while (k < NSEG && !w->rcvd[k])
			k++;
		if (k == NSEG)
			break;
		a = k;
		while (k < NSEG && w->rcvd[k])
			k++;
		peer_opts.sack[nb][0] = iss + 1 + a * MSS;
		peer_opts.sack[nb][1] = iss + 1 + k * MSS;
		nb++;
	}
	peer_opts.nsack = nb;
	peer(RTE_TCP_ACK_FLAG, PISS + 1, iss + 1 + una * MSS, WIN, NULL, 0);
	peer_opts.nsack = 0;
	return una;
}

/* Send the stream, and play the wire until it is all ACKed. */
static void
run(struct dp_sock *s, uint32_t iss, struct wire *w)
{
	uint32_t una = 0;

	CU_ASSERT_EQUAL(ut_send(s, 0, 0, pattern, sizeof(pattern)),
		(long)sizeof(pattern));
	steps();
	for (int round = 0; round < 200 && una < NSEG; round++) {
		wire_take(w, iss);
		una = wire_ack(w, iss);
	}
	CU_ASSERT_EQUAL(una, NSEG);
	CU_ASSERT_EQUAL(memcmp(got, pattern, sizeof(pattern)), 0);
}

/* A bulk send goes out as bursts of whole segments, each one chain of
 * up to 64 KB, every byte exact, and counted as bursts. */
static void
test_tcp_tso_bulk_goes_as_bursts_of_whole_segments(void)
{
	uint32_t iss;
	struct dp_sock *s = tso_connected(&iss);
	struct wire w = { 0 };
	struct dp_stats a, b;

	ut_stats(&a);
	run(s, iss, &w);
	ut_stats(&b);
	CU_ASSERT(w.bursts >= 2);
	CU_ASSERT(w.max_burst >= 10 * MSS);	/* IW10 at once */
	CU_ASSERT(w.max_burst + 20 + 20 + 40 <= 65535);
	CU_ASSERT_EQUAL(DELTA(a, b, tcp_tso_bursts), w.bursts);
	CU_ASSERT_EQUAL(DELTA(a, b, tcp_rexmit), 0);
	for (uint32_t k = 0; k < NSEG; k++)
		CU_ASSERT_EQUAL(w.sent[k], 1);
	tso_done(s);
}

/* The first burst's segments 2 and 6 are lost on the wire, the others
 * SACKed: exactly those two are resent, once each, one MSS each (none
 * of the SACKed ones, nothing spurious), and the stream completes. */
static void
test_tcp_tso_burst_partly_sacked_resends_exactly_lost_segments(void)
{
	uint32_t iss;
	struct dp_sock *s = tso_connected(&iss);
	struct wire w = { .lose = (1u << 2) | (1u << 6) };
	struct dp_stats a, b;

	ut_stats(&a);
	run(s, iss, &w);
	ut_stats(&b);
	CU_ASSERT_EQUAL(w.lost_in_burst, 2);
	for (uint32_t k = 0; k < NSEG; k++)
		CU_ASSERT_EQUAL(w.sent[k], k == 2 || k == 6 ? 2 : 1);
	CU_ASSERT_EQUAL(DELTA(a, b, tcp_rexmit), 2);
	CU_ASSERT_EQUAL(DELTA(a, b, tcp_rexmit_bytes), 2 * MSS);
	tso_done(s);
}

/* WSPDK_TSO=0: the same stream one MSS per frame. */
static void
test_tcp_tso_off_sends_one_segment_per_frame(void)
{
	uint32_t iss;
	struct dp_sock *s;
	struct wire w = { 0 };
	struct dp_stats a, b;
	uint32_t keep = ut_eng()->conf.tso;

	ut_eng()->conf.tso = 0;
	s = tso_connected(&iss);
	ut_stats(&a);
	run(s, iss, &w);
	ut_stats(&b);
	CU_ASSERT_EQUAL(w.bursts, 0);
	CU_ASSERT_EQUAL(DELTA(a, b, tcp_tso_bursts), 0);
	ut_eng()->conf.tso = keep;
	tso_done(s);
}

static const struct wt_test tests[] = {
	WT_TEST(test_tcp_tso_bulk_goes_as_bursts_of_whole_segments),
	WT_TEST(test_tcp_tso_burst_partly_sacked_resends_exactly_lost_segments),
	WT_TEST(test_tcp_tso_off_sends_one_segment_per_frame),
	WT_TEST_END
};

static const struct wt_suite suite =
	UT_SUITE("unit_tcp_tso", suite_init, tests);

WT_MAIN(suite)
