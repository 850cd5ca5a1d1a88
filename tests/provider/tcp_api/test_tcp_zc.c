/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Zero-copy overlapped sends (SO_SNDBUF 0) over the loop port, through
 * the Winsock API: the bytes arrive intact although each buffer is
 * scribbled over and freed at its completion; each send completes once,
 * with every byte; a close, a peer's reset or WSACleanup with sends
 * outstanding completes (or records) each once with an error, only
 * after the stack let go of the buffer, and no mbuf is lost.
 *
 * Operations live in static storage: a late completion after a failed
 * assertion must not write into a dead stack frame.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "wt.h"
#include "tcp_api.h"

#define OPS		4
#define OP_BYTES	(256 * 1024)

/* The receiving end of a loop transfer, checked byte by byte. */
struct sink {
	SOCKET s;
	uint64_t got, wrong;
	bool eof;
};

static void
sink_pump(void *arg)
{
	static char b[65536];
	struct sink *k = arg;
	int n = -1;

	while (!k->eof && (n = recv(k->s, b, sizeof(b), 0)) > 0) {
		for (int i = 0; i < n; i++)
			if (b[i] != ta_byte(k->got + (uint64_t)i))
				k->wrong++;
		k->got += (uint64_t)n;
	}
	if (n == 0)
		k->eof = true;
}

/* 24 MB in sends of 3 odd-sized WSABUFs, 8 outstanding, the receiver
 * in the same thread: every byte right, each send completed once with
 * all of its bytes. */
static void
test_zc_sends_many_outstanding_arrive_intact_complete_once(void)
{
	const uint64_t n = 24u << 20;
	struct sink k = { 0 };
	unsigned int bad = 0;
	SOCKET c, s;

	ta_pair(&c, &s);
	pt_nonblocking(s, true);
	k.s = s;
	CU_ASSERT_EQUAL(ta_zc_send(c, n, sink_pump, &k, &bad), (int64_t)n);
	CU_ASSERT_EQUAL(bad, 0);
	PT_OK(shutdown(c, SD_SEND));
	for (int i = 0; i < 5000 && !k.eof; i++) {
		sink_pump(&k);
		wt_sleep_ms(1);
	}
	CU_ASSERT_TRUE(k.eof);
	CU_ASSERT_EQUAL(k.got, n);
	CU_ASSERT_EQUAL(k.wrong, 0);
	pt_close(c);
	pt_close(s);
}

/* OPS sends held up by a receiver that does not read. */
static WSAOVERLAPPED hov[OPS];
static char *hbuf[OPS];

static HANDLE
post_held(SOCKET c)
{
	HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);

	CU_ASSERT_PTR_NOT_NULL_FATAL(port);
	CU_ASSERT_PTR_NOT_NULL_FATAL(CreateIoCompletionPort((HANDLE)c, port,
		0, 0));
	pt_setopt_int(c, SOL_SOCKET, SO_SNDBUF, 0);
	for (int i = 0; i < OPS; i++) {
		WSABUF b;

		hbuf[i] = malloc(OP_BYTES);
		CU_ASSERT_PTR_NOT_NULL_FATAL(hbuf[i]);
		memset(hbuf[i], 'a' + i, OP_BYTES);
		b = (WSABUF){ .len = OP_BYTES, .buf = hbuf[i] };
		memset(&hov[i], 0, sizeof(hov[i]));
		PT_FAILS(WSASend(c, &b, 1, NULL, 0, &hov[i], NULL),
			WSA_IO_PENDING);
	}
	/* The window is shut well before all of it is ACKed. */
	wt_sleep_ms(50);
	for (int i = 0; i < OPS; i++)
		CU_ASSERT_EQUAL(hov[i].Internal, WSS_OPERATION_IN_PROGRESS);
	return port;
}

/* Each held send completes exactly once, failed with want; its buffer
 * is freed then (ASan: nothing reads it after). */
static void
expect_failed(HANDLE port, DWORD want)
{
	bool seen[OPS] = { false };

	for (int i = 0; i < OPS; i++) {
		LPOVERLAPPED ov = NULL;
		ULONG_PTR key;
		DWORD bytes;
		int j;

		CU_ASSERT_FALSE(GetQueuedCompletionStatus(port, &bytes, &key,
			&ov, PT_WAIT_MS));
		CU_ASSERT_PTR_NOT_NULL_FATAL(ov);
		if (GetLastError() != want)
			fprintf(stderr, "completion error %lu, want %lu\n",
				(unsigned long)GetLastError(),
				(unsigned long)want);
		CU_ASSERT_EQUAL(GetLastError(), want);
		j = (int)(ov - hov);
		CU_ASSERT_FATAL(j >= 0 && j < OPS);
		CU_ASSERT_FALSE(seen[j]);
		seen[j] = true;
		memset(hbuf[j], 0xee, OP_BYTES);
		free(hbuf[j]);
		hbuf[j] = NULL;
	}
	{
		LPOVERLAPPED ov = NULL;
		ULONG_PTR key;
		DWORD bytes;

		CU_ASSERT_FALSE(GetQueuedCompletionStatus(port, &bytes, &key,
			&ov, 50));
		CU_ASSERT_PTR_NULL(ov);
	}
	CloseHandle(port);
}

/* OPS sends held up, then one end closed (the peer: it resets, with
 * abortive): each send completes once with want (a close of our own
 * end: by the time it returns). */
static void
close_with_sends_held(bool peer, bool abortive, DWORD want)
{
	SOCKET c, s, x;
	HANDLE port;

	ta_pair_rcvbuf(&c, &s, 4096);
	port = post_held(c);
	x = peer ? s : c;
	if (abortive)
		ta_linger(x, 1, 0);
	pt_close(x);
	for (int i = 0; i < OPS && !peer; i++)
		CU_ASSERT_NOT_EQUAL(hov[i].Internal,
			WSS_OPERATION_IN_PROGRESS);
	expect_failed(port, want);
	pt_close(peer ? c : s);
}

/* closesocket (abortive, SO_LINGER {1,0}) with sends outstanding: each
 * completes once, WSA_OPERATION_ABORTED, by the time it returns. */
static void
test_zc_abortive_close_completes_each_send_once_aborted(void)
{
	close_with_sends_held(false, true, WSA_OPERATION_ABORTED);
}

/* A graceful closesocket with sends outstanding: the same (a pending
 * send is cancelled; its buffer must come back first). */
static void
test_zc_graceful_close_completes_each_send_once_aborted(void)
{
	close_with_sends_held(false, false, WSA_OPERATION_ABORTED);
}

/* The peer resets the connection: each send completes once,
 * WSAECONNRESET (which a completion port reports as Windows does,
 * ERROR_NETNAME_DELETED). */
static void
test_zc_peer_reset_completes_each_send_once_connreset(void)
{
	close_with_sends_held(true, true, ERROR_NETNAME_DELETED);
}

/* WSACleanup with sends outstanding: each is recorded aborted (no
 * notification, §1.6), no mbuf is lost at the stop, and the next start
 * finds the pool full. */
static void
test_zc_cleanup_with_sends_outstanding_records_aborted_loses_no_mbuf(void)
{
	uint64_t avail, lost;
	WSADATA wd;
	SOCKET c, s;
	HANDLE port;

	/* The pool of a fresh start, the one to compare with. */
	CU_ASSERT_EQUAL_FATAL(WSACleanup(), 0);
	CU_ASSERT_EQUAL_FATAL(WSAStartup(MAKEWORD(2, 2), &wd), 0);
	avail = wt_info_u64("mbufs_avail");
	lost = wt_info_u64("mbufs_lost");
	ta_pair_rcvbuf(&c, &s, 4096);
	port = post_held(c);
	CU_ASSERT_EQUAL_FATAL(WSACleanup(), 0);
	for (int i = 0; i < OPS; i++) {
		CU_ASSERT_NOT_EQUAL(hov[i].Internal,
			WSS_OPERATION_IN_PROGRESS);
		CU_ASSERT_EQUAL(hov[i].OffsetHigh, WSA_OPERATION_ABORTED);
		free(hbuf[i]);
		hbuf[i] = NULL;
	}
	CloseHandle(port);
	CU_ASSERT_EQUAL(wt_info_u64("mbufs_lost"), lost);
	CU_ASSERT_EQUAL_FATAL(WSAStartup(MAKEWORD(2, 2), &wd), 0);
	CU_ASSERT_EQUAL(wt_info_u64("mbufs_avail"), avail);
}

static const struct wt_test tests[] = {
	WT_TEST(test_zc_sends_many_outstanding_arrive_intact_complete_once),
	WT_TEST(test_zc_abortive_close_completes_each_send_once_aborted),
	WT_TEST(test_zc_graceful_close_completes_each_send_once_aborted),
	WT_TEST(test_zc_peer_reset_completes_each_send_once_connreset),
	WT_TEST(test_zc_cleanup_with_sends_outstanding_records_aborted_loses_no_mbuf),
	WT_TEST_END
};

static const struct wt_suite zc_suite = {
	.name = "tcp_zc",
	.tests = tests,
	.clean = pt_suite_clean,
};

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = { &zc_suite, NULL };

	if (pt_startup() != 0)
		return 1;
	return pt_run(argc, argv, suites);
}
