/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tcp_cycles: WSAStartup/WSACleanup up to 1000 times in one process with
 * TCP connections left in every state the application can leave them
 * in, then nothing lost: every WSACleanup succeeds, no mbuf is missing at
 * any stop, the process holds no hugepage, fd or thread more than after
 * the first cycle, and a new start finds its pool as full and its socket
 * table as empty as the first one did.
 *
 * The cycles that fit in BUDGET_S are run (a quiet machine does 1000 in
 * ~30 s, one at load 20 ~700 in 420 s): what each proves is checked on
 * each, and a leak of one anything per cycle shows in any number of
 * them. Fewer than FLOOR is a failure: too few to show a slow leak.
 *
 * Our stack talks to itself on the in-memory loop device (pt.h), so both
 * ends of every connection are torn down by the same WSACleanup: the
 * case where nothing outside can finish a close for us.
 *
 *   test_tcp_cycles [cycles]		(at most; default 1000, 200 under
 *					ASan)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "tcp_api.h"
#include "wt.h"

/* Under AddressSanitizer each cycle costs several times as much; what
 * it checks is what every cycle touches, which fewer show as well. */
#if defined(__SANITIZE_ADDRESS__)
#define CYCLES		200
#else
#define CYCLES		1000
#endif
/* Cycles stop at this, well inside the test's timeout (480 s); at
 * least FLOOR (or all asked for, if fewer) must have run by then. */
#define BUDGET_S	360
#define FLOOR		100
#define CLEANUP_MS	"20"	/* graceful data that cannot drain: 20 ms */

static unsigned long cycles = CYCLES;

struct baseline {
	uint64_t mbufs_avail;
	struct wt_proc proc;
};

static uint64_t
info(const char *key)
{
	return wt_info_u64(key);
}

/* No socket in the telemetry's socket list. */
static bool
no_sockets(void)
{
	static char socks[1 << 16];

	if (wt_tel(wt_tel_prefix(), "/wspdk/sockets", socks,
			sizeof(socks)) != 0)
		return false;
	return strstr(socks, "\"sock_") == NULL;
}

/* A non-blocking sender fills s until WSAEWOULDBLOCK: data that stays
 * queued because the peer's window is shut. */
static void
fill(SOCKET s)
{
	static char buf[16384];
	int n = 0;

	pt_nonblocking(s, true);
	for (int i = 0; i < 4096; i++) {
		n = send(s, buf, sizeof(buf), 0);
		if (n <= 0)
			break;
	}
	CU_ASSERT_EQUAL(n, SOCKET_ERROR);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAEWOULDBLOCK);
}

/*
 * One of every state, left to WSACleanup:
 *   LISTEN with two connections queued and never accepted;
 *   ESTABLISHED with unread data on both sides;
 *   ESTABLISHED with a full send queue behind a shut window;
 *   FIN-WAIT-2 / CLOSE-WAIT (half-closed);
 *   TIME-WAIT (closed first) with its peer gone through LAST-ACK;
 *   SYN-SENT (non-blocking connect to a host that never answers ARP);
 *   closed gracefully with unsent data behind a shut window (orphan);
 *   closed abortively (SO_LINGER {1, 0}).
 * Handles still open are WSACleanup's to close.
 */
static void
leave_every_state(void)
{
	struct sockaddr_in la, far = pt_sin(PT_FOREIGN, 9);
	SOCKET l, q1, q2, c1, s1, c2, s2, c3, s3, c4, s4, c5, s5, c6, s6, ss;
	char b[2000];

	memset(b, 'x', sizeof(b));
	l = ta_listener(&la);
	q1 = ta_tcp();
	q2 = ta_tcp();
	CU_ASSERT_EQUAL(connect(q1, PT_SA(la), PT_SIN_LEN), 0);
	CU_ASSERT_EQUAL(connect(q2, PT_SA(la), PT_SIN_LEN), 0);

	ta_pair(&c1, &s1);
	ta_send_all(c1, b, sizeof(b));
	ta_send_all(s1, b, 1000);

	ta_pair_rcvbuf(&c2, &s2, 4096);
	fill(c2);

	ta_pair(&c3, &s3);
	CU_ASSERT_EQUAL(shutdown(c3, SD_SEND), 0);
	/* s3 sees the FIN: CLOSE-WAIT there, FIN-WAIT-2 here. */
	CU_ASSERT(ta_recv_n(s3, b, 1, PT_WAIT_MS) == 0);

	ta_pair(&c4, &s4);
	pt_close(c4);
	CU_ASSERT(ta_recv_n(s4, b, 1, PT_WAIT_MS) == 0);
	pt_close(s4);

	ss = ta_tcp();
	pt_nonblocking(ss, true);
	CU_ASSERT_EQUAL(connect(ss, PT_SA(far), PT_SIN_LEN), SOCKET_ERROR);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAEWOULDBLOCK);

	ta_pair_rcvbuf(&c5, &s5, 4096);
	fill(c5);
	pt_close(c5);

	ta_pair(&c6, &s6);
	ta_send_all(c6, b, 100);
	ta_linger(c6, 1, 0);
	pt_close(c6);
	(void)l;
	(void)s5;
	(void)s6;
}

static void
test_cycles_with_tcp_in_every_state_lose_nothing(void)
{
	uint64_t t0 = wt_now_ns(), lost0 = info("mbufs_lost");
	uint64_t starts0, stops0, tl = t0;
	struct baseline b;
	struct wt_proc p;
	unsigned long i, failed = 0;
	WSADATA wd;

	/* The first start of this run (pt_startup's): the full pool. */
	b.mbufs_avail = info("mbufs_avail");
	CU_ASSERT_FATAL(b.mbufs_avail > 0);
	CU_ASSERT_EQUAL_FATAL(WSACleanup(), 0);
	starts0 = info("starts");
	stops0 = info("stops");
	for (i = 0; i < cycles; i++) {
		if (wt_now_ns() - t0 > BUDGET_S * 1000000000ull) {
			printf("    budget: %lu of %lu cycles in %d s\n", i,
				cycles, BUDGET_S);
			break;
		}
		if (WSAStartup(MAKEWORD(2, 2), &wd) != 0) {
			failed++;
			continue;
		}
		leave_every_state();
		if (WSACleanup() != 0)
			failed++;
		/* What the first cycle leaves is what every later one
		 * may leave. */
		if (i == 0)
			CU_ASSERT_EQUAL_FATAL(wt_proc_read(&b.proc), 0);
		/* Informational: a cost that grows with the cycle count
		 * points at something kept across restarts. */
		if ((i + 1) % 100 == 0) {
			uint64_t now = wt_now_ns();

			printf("    cycles %lu-%lu: %.1f ms each\n", i - 98, i + 1,
				(double)(now - tl) / 1e6 / 100);
			tl = now;
		}
		if (info("mbufs_lost") != lost0) {
			fprintf(stderr, "FAIL: cycle %lu: %llu mbufs not "
				"returned at stop\n", i, (unsigned long long)
				(info("mbufs_lost") - lost0));
			break;
		}
	}
	if (i < cycles && i < FLOOR)
		fprintf(stderr, "FAIL: only %lu cycles in %d s (at least %d)"
			"\n", i, BUDGET_S, FLOOR);
	CU_ASSERT(i == cycles || i >= FLOOR);
	CU_ASSERT_EQUAL(failed, 0);
	CU_ASSERT_EQUAL(info("starts") - starts0, info("stops") - stops0);
	CU_ASSERT_EQUAL(info("mbufs_lost"), lost0);

	/* Stopped: nothing held beyond what the first cycle left (a
	 * thread that is ending may take a moment to be gone). */
	for (int t = 0; t < 100; t++) {
		CU_ASSERT_EQUAL_FATAL(wt_proc_read(&p), 0);
		if (p.fds <= b.proc.fds && p.threads <= b.proc.threads)
			break;
		wt_sleep_ms(10);
	}
	CU_ASSERT(p.hugetlb_kb <= b.proc.hugetlb_kb);
	CU_ASSERT(p.fds <= b.proc.fds);
	CU_ASSERT(p.threads <= b.proc.threads);
	if (p.fds > b.proc.fds || p.threads > b.proc.threads ||
			p.hugetlb_kb > b.proc.hugetlb_kb)
		fprintf(stderr, "FAIL: after %lu cycles: fds %u (then %u), "
			"threads %u (then %u), hugetlb %llu kB (then %llu)\n", i,
			p.fds, b.proc.fds, p.threads, b.proc.threads,
			(unsigned long long)p.hugetlb_kb,
			(unsigned long long)b.proc.hugetlb_kb);

	/* A new start: pool as full and socket table as empty as the
	 * first start's. */
	CU_ASSERT_EQUAL_FATAL(WSAStartup(MAKEWORD(2, 2), &wd), 0);
	CU_ASSERT_EQUAL(info("mbufs_avail"), b.mbufs_avail);
	CU_ASSERT(no_sockets());
	printf("\n    %lu cycles in %.1f s, mbufs_avail %llu (first start "
		"%llu)\n", i, (double)(wt_now_ns() - t0) / 1e9,
		(unsigned long long)info("mbufs_avail"),
		(unsigned long long)b.mbufs_avail);
}

static const struct wt_test tests[] = {
	WT_TEST(test_cycles_with_tcp_in_every_state_lose_nothing),
	WT_TEST_END
};

static const struct wt_suite suite = {
	.name = "tcp_cycles",
	.clean = pt_suite_clean,
	.tests = tests,
};

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = { &suite, NULL };

	ta_count_arg(&argc, &argv, &cycles);
	/* Graceful data that can never drain (its peer is torn down with
	 * it) holds each WSACleanup for this long. */
	setenv("WSPDK_CLEANUP_MS", CLEANUP_MS, 1);
	if (pt_startup() != 0)
		return 1;
	return pt_run(argc, argv, suites);
}
