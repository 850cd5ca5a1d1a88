/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The window update of a read that races the owner's advertising. The
 * application, after a read, rings the owner when the window it could
 * open is past the one last advertised (window_kick, dp_tcp_usrreq.c);
 * the owner computes the window it advertises from the bytes queued,
 * then stores it (wnd_field, dp_tcp_output.c). A read between the two
 * sees the old, open window and does not ring, and the owner
 * advertises the closed one it computed before the read: an empty
 * buffer behind a closed window, and nothing to open it but the peer's
 * persist probe. The test hook (DP_TCP_TEST_HOOK) runs the read there.
 */
#include <string.h>

#include "dp_tcp.h"
#include "test_ut_tcp_peer.h"

#define NSEG	16
#define MSS	1460
#define RCVBUF	(NSEG * MSS)

static struct dp_sock *reader;
static long nb_read;

/* At the owner's first window computed: the application reads it all. */
static void
read_between(struct dp_tcp_pcb *tp, enum dp_tcp_test_point pt)
{
	static uint8_t buf[RCVBUF];

	if (pt != DP_TCP_TP_WND_COMPUTED || tp->s != reader)
		return;
	dp_tcp_test_hook = NULL;
	nb_read = ut_recv(reader, buf, sizeof(buf), NULL, NULL, 0);
}

/* Connected with SO_RCVBUF rcvbuf (set before the SYN: it sizes the
 * window the SYN opens); *iss our ISS. */
static struct dp_sock *
connected_rcvbuf(uint32_t rcvbuf, uint32_t *iss)
{
	struct dp_addr to = { UT_PEER, PEER_PORT };
	struct dp_sock *s = ut_sock(IPPROTO_TCP, 0, PORT);
	struct seg sg;

	CU_ASSERT_EQUAL(dp_sock_set_opt(s, DP_OPT_RCVBUF, rcvbuf), 0);
	CU_ASSERT_EQUAL(dp_sock_connect_flags(s, &to, DP_F_NONBLOCK),
		-EINPROGRESS);
	steps();
	CU_ASSERT_FATAL(sent(&sg));
	*iss = sg.seq;
	peer(RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG, PISS, sg.seq + 1, 65535,
		NULL, 0);
	CU_ASSERT_FATAL(sent(&sg));
	CU_ASSERT_EQUAL(state(s), DP_TCP_ESTABLISHED);
	CU_ASSERT_EQUAL(sg.win, rcvbuf);
	return s;
}

/* The peer fills the whole window in one burst; the application reads
 * all of it between the owner's look at the buffer (full) and its
 * store of the window (closed). The owner still opens it at once. */
static void
test_tcp_read_between_window_computed_and_stored_still_opens_it(void)
{
	static uint8_t p[MSS];
	uint32_t iss, seq = PISS + 1;
	uint32_t right = 0, ack = 0;
	struct seg sg;
	uint8_t f[2048];

	reader = connected_rcvbuf(RCVBUF, &iss);
	memset(p, 0x5a, sizeof(p));
	for (int i = 0; i < NSEG; i++, seq += MSS)
		ut_inject(0, f, frame(f, PORT, RTE_TCP_ACK_FLAG, seq, iss + 1,
			65535, p, MSS, false), 0);
	nb_read = 0;
	dp_tcp_test_hook = read_between;
	steps();
	dp_tcp_test_hook = NULL;
	CU_ASSERT_EQUAL_FATAL(nb_read, RCVBUF);
	/* A few more iterations of the owner: what it sent by then. */
	steps();
	while (sent(&sg)) {
		ack = sg.ack;
		right = sg.ack + sg.win;
	}
	CU_ASSERT_EQUAL(ack, seq);
	/* The buffer is empty: the window open again by all of it but the
	 * SWS threshold, without the peer having to probe. */
	CU_ASSERT(SEQ_GEQ(right, seq + RCVBUF - MSS));
	done(reader);
}

static const struct wt_test tests[] = {
	WT_TEST(test_tcp_read_between_window_computed_and_stored_still_opens_it),
	WT_TEST_END
};

static const struct wt_suite suite =
	UT_SUITE("unit_tcp_wnd_race", suite_init, tests);

WT_MAIN(suite)
