/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * .NET's SocketAsyncEventArgs path (ReceiveFromAsync, SendToAsync),
 * replayed.  Read from dotnet/runtime, src/libraries/System.Net.Sockets/
 * src/System/Net/Sockets/:
 * - SafeSocketHandle.Windows.cs, GetOrAllocateThreadPoolBoundHandle: the
 *   handle is bound to the thread pool's port, then
 *   CompletionPortHelper.SkipCompletionPortOnSuccess calls
 *   SetFileCompletionNotificationModes(FILE_SKIP_COMPLETION_PORT_ON_SUCCESS
 *   | FILE_SKIP_SET_EVENT_ON_HANDLE) -- for UDP unless
 *   PlatformHasUdpIssue (old Windows 6.x builds), with no check of
 *   XP1_IFS_HANDLES;
 * - SocketAsyncEventArgs.Windows.cs, ProcessIOCPResult/GetIOCPResult: a
 *   call returning 0 on a skip-on-success handle finishes synchronously
 *   (no packet awaited); any other error but WSA_IO_PENDING finishes as a
 *   synchronous failure; WSA_IO_PENDING waits for the port.
 * What .NET sees from wspdk: the synchronous paths work; an operation
 * that pends never completes, because Windows does not queue packets for
 * a non-IFS socket in skip-on-success mode (KB 2568167; the stand-in
 * does the same).  The last test pins that down.
 */
#include <string.h>

#include <CUnit/CUnit.h>

#include "fw.h"

struct saea {
	WSAOVERLAPPED ov;
	char buf[256];
	WSABUF wb;
	struct sockaddr_in addr;
	int addrlen;
	DWORD flags;
};

static struct saea args;	/* static: outlives a failed test */

/* The socket as .NET binds it; true if skip-on-success was taken. */
static bool
bind_handle(SOCKET s, HANDLE port)
{
	CU_ASSERT_PTR_EQUAL(CreateIoCompletionPort((HANDLE)s, port,
						   (ULONG_PTR)s, 0), port);
	return SetFileCompletionNotificationModes((HANDLE)s,
			FILE_SKIP_COMPLETION_PORT_ON_SUCCESS |
			FILE_SKIP_SET_EVENT_ON_HANDLE);
}

/* DoOperationReceiveFrom: WSARecvFrom's result and bytes. */
static int
receive_from(SOCKET s, DWORD *n)
{
	memset(&args, 0, sizeof(args));
	args.wb = (WSABUF){ .len = sizeof(args.buf), .buf = args.buf };
	args.addrlen = PT_SIN_LEN;
	return WSARecvFrom(s, &args.wb, 1, n, &args.flags, PT_SA(args.addr),
			   &args.addrlen, &args.ov, NULL);
}

/* SendToAsync completing at once: 0, the bytes, and no packet. */
static void
test_dotnet_send_to_sync(void)
{
	HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
	SOCKET s = fw_udp(7201), peer = fw_udp(7202);
	struct sockaddr_in to = pt_sin(PT_IP, 7202);
	DWORD n = 0;

	CU_ASSERT_TRUE(bind_handle(s, port));
	memset(&args, 0, sizeof(args));
	args.wb = (WSABUF){ .len = 120, .buf = args.buf };
	CU_ASSERT_EQUAL(WSASendTo(s, &args.wb, 1, &n, 0, PT_SA(to),
				  PT_SIN_LEN, &args.ov, NULL), 0);
	CU_ASSERT_EQUAL(n, 120);
	fw_no_packet(port);
	pt_close(s);
	pt_close(peer);
	CloseHandle(port);
}

/* ReceiveFromAsync with a datagram queued: 0, bytes and sender at once. */
static void
test_dotnet_receive_from_sync(void)
{
	HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
	SOCKET s = fw_udp(7203), peer = fw_udp(7204);
	DWORD n = 0;

	CU_ASSERT_TRUE(bind_handle(s, port));
	fw_send(peer, 7203, 77);
	CU_ASSERT_TRUE(pt_readable(s, PT_WAIT_MS));
	CU_ASSERT_EQUAL(receive_from(s, &n), 0);
	CU_ASSERT_EQUAL(n, 77);
	CU_ASSERT_EQUAL(ntohs(args.addr.sin_port), 7204);
	fw_no_packet(port);
	pt_close(s);
	pt_close(peer);
	CloseHandle(port);
}

/* An immediate failure is final: .NET reports it, no packet follows. */
static void
test_dotnet_receive_from_sync_failure(void)
{
	HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
	SOCKET s = fw_udp(7205);
	DWORD n = 0;

	CU_ASSERT_TRUE(bind_handle(s, port));
	PT_OK(shutdown(s, SD_RECEIVE));
	PT_FAILS(receive_from(s, &n), WSAESHUTDOWN);
	fw_no_packet(port);
	pt_close(s);
	CloseHandle(port);
}

/*
 * A receive that pends (WSA_IO_PENDING) is finished by the provider (the
 * WSAOVERLAPPED says so) but, skip-on-success being set on a non-IFS
 * socket, no packet reaches the port: .NET would wait forever.
 */
static void
test_dotnet_pending_receive_lost_non_ifs(void)
{
	HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
	SOCKET s = fw_udp(7207), peer = fw_udp(7208);
	DWORD n = 0, flags = 0;

	CU_ASSERT_TRUE(bind_handle(s, port));
	PT_FAILS(receive_from(s, &n), WSA_IO_PENDING);
	fw_send(peer, 7207, 33);
	CU_ASSERT_TRUE(WSAGetOverlappedResult(s, &args.ov, &n, TRUE, &flags));
	CU_ASSERT_EQUAL(n, 33);
	fw_no_packet(port);
	pt_close(s);
	pt_close(peer);
	CloseHandle(port);
}

static const struct wt_test dotnet_tests[] = {
	WT_TEST(test_dotnet_send_to_sync),
	WT_TEST(test_dotnet_receive_from_sync),
	WT_TEST(test_dotnet_receive_from_sync_failure),
	WT_TEST(test_dotnet_pending_receive_lost_non_ifs),
	WT_TEST_END
};

const struct wt_suite test_fw_dotnet_suite = {
	.name = "fw_dotnet",
	.clean = pt_suite_clean,
	.tests = dotnet_tests,
};
