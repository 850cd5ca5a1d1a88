/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * WSARecvMsg with a completion routine: called directly (an extension
 * function), it opens the calling thread's id with WPUOpenCurrentThread
 * for the APC and must close it (WPUCloseThread, a thread handle on
 * Windows) however the call ends: at once, after pending, or aborted.
 */
#include <string.h>
#include <unistd.h>

#include "ext.h"

static unsigned int routine_runs;
static DWORD routine_err, routine_bytes;

static void CALLBACK
routine(DWORD err, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags)
{
	(void)ov;
	(void)flags;
	routine_err = err;
	routine_bytes = bytes;
	routine_runs++;
}

/* Alertable waits until the routine ran once more than before. */
static bool
routine_ran(unsigned int before)
{
	for (double t0 = pt_ms(); routine_runs == before &&
			pt_ms() - t0 < PT_WAIT_MS;)
		SleepEx(50, TRUE);
	return routine_runs == before + 1;
}

/* The thread ids open are back to n (the service thread closes a
 * pending one's after queueing its APC, which may have run already). */
static bool
ids_back_to(unsigned int n)
{
	for (double t0 = pt_ms(); ws2_stub_thread_ids_open() != n &&
			pt_ms() - t0 < PT_WAIT_MS;)
		usleep(1000);
	return ws2_stub_thread_ids_open() == n;
}

static void
test_recvmsg_completion_routine_closes_thread_id(void)
{
	struct sockaddr_in name;
	SOCKET rx = ext_bound(PT_IP, &name), tx = pt_socket(SOCK_DGRAM,
		IPPROTO_UDP);
	LPFN_WSARECVMSG recvmsg = ext_recvmsg(rx);
	unsigned int ids = ws2_stub_thread_ids_open(), runs = routine_runs;
	char data[16];
	WSABUF buf = { sizeof(data), data };
	WSAMSG msg = { .lpBuffers = &buf, .dwBufferCount = 1 };
	WSAOVERLAPPED ov = { 0 };
	DWORD n = 0;

	/* Pends: the id is held while it does, closed once it is done. */
	PT_FAILS(recvmsg(rx, &msg, NULL, &ov, routine), WSA_IO_PENDING);
	CU_ASSERT_EQUAL(ws2_stub_thread_ids_open(), ids + 1);
	PT_OK(sendto(tx, "one", 3, 0, PT_SA(name), PT_SIN_LEN));
	CU_ASSERT_TRUE(routine_ran(runs));
	CU_ASSERT_EQUAL(routine_err, 0);
	CU_ASSERT_EQUAL(routine_bytes, 3);
	CU_ASSERT_TRUE(ids_back_to(ids));
	/* Completes at once: closed before the call returns. */
	PT_OK(sendto(tx, "two", 3, 0, PT_SA(name), PT_SIN_LEN));
	CU_ASSERT_FATAL(pt_readable(rx, PT_WAIT_MS));
	msg.dwFlags = 0;
	PT_OK(recvmsg(rx, &msg, &n, &ov, routine));
	CU_ASSERT_EQUAL(ws2_stub_thread_ids_open(), ids);
	CU_ASSERT_TRUE(routine_ran(runs + 1));
	/* Pends, then aborted by closesocket: closed too. */
	msg.dwFlags = 0;
	PT_FAILS(recvmsg(rx, &msg, NULL, &ov, routine), WSA_IO_PENDING);
	pt_close(rx);
	CU_ASSERT_TRUE(routine_ran(runs + 2));
	CU_ASSERT_EQUAL(routine_err, WSA_OPERATION_ABORTED);
	CU_ASSERT_TRUE(ids_back_to(ids));
	pt_close(tx);
}

static const struct wt_test thread_tests[] = {
	WT_TEST(test_recvmsg_completion_routine_closes_thread_id),
	WT_TEST_END
};

const struct wt_suite test_ext_msg_thread_suite = {
	.name = "ext_msg_thread",
	.tests = thread_tests,
	.clean = pt_suite_clean,
};
