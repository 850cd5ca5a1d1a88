/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libuv's UDP poller, replayed.  Read from libuv/libuv src/win/udp.c:
 * - uv_udp_set_socket: FIONBIO, CreateIoCompletionPort with the socket as
 *   key, then getsockopt(SO_PROTOCOL_INFOW) and, if ProtocolChain.ChainLen
 *   is 1 (a base provider: wspdk's entries are), SetFileCompletionNotification
 *   Modes(FILE_SKIP_SET_EVENT_ON_HANDLE | FILE_SKIP_COMPLETION_PORT_ON_SUCCESS)
 *   and, on success, func_wsarecv = uv_wsarecv_workaround (src/win/winsock.c,
 *   not re-read here: it issues AFD_RECEIVE with NtDeviceIoControlFile on
 *   the handle, which a non-IFS handle cannot serve);
 * - uv_udp_queue_recv: a zero-byte overlapped WSARecv with MSG_PEEK;
 * - uv_process_udp_recv_req: WSAEMSGSIZE on it "is not a real error";
 *   then a non-blocking WSARecvFrom into a 64 kB buffer, WSAEWOULDBLOCK
 *   meaning empty, and the next zero-byte read is queued.
 * The first test pins down the setup libuv does on wspdk (it takes the
 * AFD path: see README, Frameworks).  The second replays the poller with
 * plain WSARecv, as libuv runs when SetFileCompletionNotificationModes
 * fails with ERROR_INVALID_FUNCTION or the chain is longer.
 */
#include <string.h>

#include <CUnit/CUnit.h>

#include "fw.h"

static WSAOVERLAPPED recv_ov;	/* static: outlives a failed test */

/* The socket setup: ChainLen 1, so libuv sets skip-on-success. */
static void
test_libuv_setup_takes_sync_bypass(void)
{
	HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
	SOCKET s = fw_udp(7301);
	WSAPROTOCOL_INFOW info;
	int len = sizeof(info);
	u_long yes = 1;

	PT_OK(ioctlsocket(s, FIONBIO, &yes));
	CU_ASSERT_PTR_EQUAL(CreateIoCompletionPort((HANDLE)s, port,
						   (ULONG_PTR)s, 0), port);
	PT_OK(getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOW, (char *)&info,
			 &len));
	CU_ASSERT_EQUAL(info.ProtocolChain.ChainLen, 1);
	CU_ASSERT_EQUAL(info.dwServiceFlags1 & XP1_IFS_HANDLES, 0);
	CU_ASSERT_TRUE(SetFileCompletionNotificationModes((HANDLE)s,
			FILE_SKIP_SET_EVENT_ON_HANDLE |
			FILE_SKIP_COMPLETION_PORT_ON_SUCCESS));
	pt_close(s);
	CloseHandle(port);
}

/* uv_udp_queue_recv: true if the zero-byte peek went to the port. */
static bool
queue_recv(SOCKET s)
{
	WSABUF b = { .len = 0, .buf = "" };
	DWORD n, flags = MSG_PEEK;
	int r;

	memset(&recv_ov, 0, sizeof(recv_ov));
	r = WSARecv(s, &b, 1, &n, &flags, &recv_ov, NULL);
	return r == 0 || WSAGetLastError() == WSA_IO_PENDING;
}

/* One loop turn: the peek's packet, then read until WSAEWOULDBLOCK.
 * Returns the datagrams read. */
static int
process_recv(HANDLE port, SOCKET s, int want_len)
{
	static char buf[65536];
	struct sockaddr_in from;
	LPOVERLAPPED ov;
	ULONG_PTR key;
	DWORD bytes, err, flags;
	int fromlen, got = 0;
	WSABUF b = { .len = sizeof(buf), .buf = buf };

	fw_gqcs(port, PT_WAIT_MS, &bytes, &key, &ov, &err);
	CU_ASSERT_PTR_EQUAL_FATAL(ov, &recv_ov);
	CU_ASSERT_EQUAL(key, (ULONG_PTR)s);
	CU_ASSERT_EQUAL(bytes, 0);
	/* GET_REQ_SOCK_ERROR: a datagram larger than 0 bytes. */
	CU_ASSERT_FALSE(WSAGetOverlappedResult(s, ov, &bytes, FALSE, &flags));
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAEMSGSIZE);
	for (;;) {
		fromlen = PT_SIN_LEN;
		flags = 0;
		if (WSARecvFrom(s, &b, 1, &bytes, &flags, PT_SA(from),
				&fromlen, NULL, NULL) == SOCKET_ERROR)
			break;
		CU_ASSERT_EQUAL(bytes, (DWORD)want_len);
		got++;
	}
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAEWOULDBLOCK);
	return got;
}

/* Peek, read, re-arm: each datagram read once, one packet per peek. */
static void
test_libuv_zero_read_poller(void)
{
	HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
	SOCKET s = fw_udp(7303), peer = fw_udp(7304);
	u_long yes = 1;
	int round;

	PT_OK(ioctlsocket(s, FIONBIO, &yes));
	CreateIoCompletionPort((HANDLE)s, port, (ULONG_PTR)s, 0);
	for (round = 0; round < 3; round++) {
		CU_ASSERT_TRUE(queue_recv(s));
		fw_send(peer, 7303, 500);
		CU_ASSERT_EQUAL(process_recv(port, s, 500), 1);
	}
	/* uv_udp_close with a peek pending: it is aborted, once. */
	CU_ASSERT_TRUE(queue_recv(s));
	pt_close(s);
	{
		LPOVERLAPPED ov;
		ULONG_PTR key;
		DWORD bytes, err;

		CU_ASSERT_FALSE(fw_gqcs(port, PT_WAIT_MS, &bytes, &key, &ov,
					&err));
		CU_ASSERT_PTR_EQUAL(ov, &recv_ov);
		CU_ASSERT_EQUAL(err, ERROR_OPERATION_ABORTED);
	}
	fw_no_packet(port);
	pt_close(peer);
	CloseHandle(port);
}

static const struct wt_test libuv_tests[] = {
	WT_TEST(test_libuv_setup_takes_sync_bypass),
	WT_TEST(test_libuv_zero_read_poller),
	WT_TEST_END
};

const struct wt_suite test_fw_libuv_suite = {
	.name = "fw_libuv",
	.clean = pt_suite_clean,
	.tests = libuv_tests,
};
