/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libuv's TCP poller, replayed.  Read from libuv/libuv:
 * - src/win/winsock.c uv__winsock_init: getsockopt(SO_PROTOCOL_INFOW) of
 *   a socket(AF_INET, SOCK_STREAM, IPPROTO_IP); without XP1_IFS_HANDLES
 *   (wspdk's entries) uv_tcp_non_ifs_lsp_ipv4 = 1;
 * - src/win/tcp.c uv__tcp_set_socket: FIONBIO, CreateIoCompletionPort
 *   with the socket as key, and, because of non_ifs_lsp, no
 *   SetFileCompletionNotificationModes: every overlapped call that
 *   returns 0 or WSA_IO_PENDING is expected on the port
 *   (UV_SUCCEEDED_WITH_IOCP);
 * - uv__tcp_queue_read: a zero-byte overlapped WSARecv (flags 0);
 *   uv__process_tcp_read_req: then non-blocking 64 kB WSARecv until one
 *   returns less than the buffer, 0 bytes meaning EOF, WSAEWOULDBLOCK an
 *   empty read; then the next zero-byte read;
 * - uv__tcp_write: an overlapped WSASend, completed through the port;
 * - uv__tcp_try_cancel_reqs on close: with a non-IFS LSP it asks
 *   SIO_BASE_HANDLE (CancelIoEx does nothing on a non-IFS handle), then
 *   closesocket aborts the pending read: one packet.
 * Connections are made here with connect/accept: libuv uses ConnectEx
 * and AcceptEx (uv__tcp_try_connect, uv__tcp_queue_accept), which are
 * another part of issue #12, not replayed.
 */
#include <string.h>

#include <CUnit/CUnit.h>

#include "fw.h"

static WSAOVERLAPPED read_ov, write_ov;	/* static: outlive a failed test */

static void
tcp_pair(SOCKET *c, SOCKET *a)
{
	struct sockaddr_in sin;
	SOCKET l = pt_listener(&sin);

	*c = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	PT_OK(connect(*c, PT_SA(sin), PT_SIN_LEN));
	*a = accept(l, NULL, NULL);
	CU_ASSERT_FATAL(*a != INVALID_SOCKET);
	pt_close(l);
}

/* uv__tcp_queue_read: true if the zero read went to the port. */
static bool
queue_read(SOCKET s)
{
	WSABUF b = { .len = 0, .buf = "" };
	DWORD n, flags = 0;
	int r;

	memset(&read_ov, 0, sizeof(read_ov));
	r = WSARecv(s, &b, 1, &n, &flags, &read_ov, NULL);
	return r == 0 || WSAGetLastError() == WSA_IO_PENDING;
}

/* uv__process_tcp_read_req after the zero read's packet: the bytes
 * read, or -1 at EOF. */
static int
process_read(HANDLE port, SOCKET s)
{
	static char buf[65536];
	WSABUF b = { .len = sizeof(buf), .buf = buf };
	LPOVERLAPPED ov;
	ULONG_PTR key;
	DWORD bytes, err, flags;
	int total = 0;

	CU_ASSERT_TRUE(fw_gqcs(port, PT_WAIT_MS, &bytes, &key, &ov, &err));
	CU_ASSERT_PTR_EQUAL_FATAL(ov, &read_ov);
	CU_ASSERT_EQUAL(key, (ULONG_PTR)s);
	CU_ASSERT_EQUAL(bytes, 0);
	for (int count = 32; count > 0; count--) {
		flags = 0;
		if (WSARecv(s, &b, 1, &bytes, &flags, NULL, NULL) ==
				SOCKET_ERROR) {
			CU_ASSERT_EQUAL(WSAGetLastError(), WSAEWOULDBLOCK);
			break;
		}
		if (bytes == 0)
			return -1;	/* UV_EOF */
		total += (int)bytes;
		if (bytes < b.len)
			break;
	}
	return total;
}

static void
test_libuv_tcp_zero_read_poller(void)
{
	HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
	WSAPROTOCOL_INFOW info;
	int len = sizeof(info);
	SOCKET c, a, base = INVALID_SOCKET;
	WSABUF w = { .len = 6, .buf = "libuv!" };
	LPOVERLAPPED ov;
	ULONG_PTR key;
	DWORD bytes, err, n;
	u_long yes = 1;
	int r;

	tcp_pair(&c, &a);
	/* uv__winsock_init: a non-IFS provider. */
	PT_OK(getsockopt(a, SOL_SOCKET, SO_PROTOCOL_INFOW, (char *)&info,
		&len));
	CU_ASSERT_EQUAL(info.dwServiceFlags1 & XP1_IFS_HANDLES, 0);
	/* uv__tcp_set_socket, no skip-on-success. */
	PT_OK(ioctlsocket(a, FIONBIO, &yes));
	CU_ASSERT_PTR_EQUAL(CreateIoCompletionPort((HANDLE)a, port,
		(ULONG_PTR)a, 0), port);
	for (int round = 0; round < 3; round++) {
		CU_ASSERT_TRUE(queue_read(a));
		CU_ASSERT_EQUAL(send(c, "hello", 5, 0), 5);
		CU_ASSERT_EQUAL(process_read(port, a), 5);
	}
	/* uv__tcp_write: one packet for a send that returned 0. */
	memset(&write_ov, 0, sizeof(write_ov));
	r = WSASend(a, &w, 1, &n, 0, &write_ov, NULL);
	CU_ASSERT_TRUE(r == 0 || WSAGetLastError() == WSA_IO_PENDING);
	CU_ASSERT_TRUE(fw_gqcs(port, PT_WAIT_MS, &bytes, &key, &ov, &err));
	CU_ASSERT_PTR_EQUAL(ov, &write_ov);
	CU_ASSERT_EQUAL(bytes, 6);
	/* The peer's FIN: the zero read completes, the next read is EOF,
	 * and libuv stops reading. */
	CU_ASSERT_TRUE(queue_read(a));
	PT_OK(shutdown(c, SD_SEND));
	CU_ASSERT_EQUAL(process_read(port, a), -1);
	fw_no_packet(port);
	pt_close(a);
	pt_close(c);
	/* uv_close with a read pending: SIO_BASE_HANDLE answers the socket
	 * itself (no other handle to cancel on), closesocket aborts the
	 * read, once. */
	tcp_pair(&c, &a);
	PT_OK(ioctlsocket(a, FIONBIO, &yes));
	CreateIoCompletionPort((HANDLE)a, port, (ULONG_PTR)a, 0);
	CU_ASSERT_TRUE(queue_read(a));
	PT_OK(WSAIoctl(a, SIO_BASE_HANDLE, NULL, 0, &base, sizeof(base), &n,
		NULL, NULL));
	CU_ASSERT_EQUAL(base, a);
	pt_close(a);
	CU_ASSERT_FALSE(fw_gqcs(port, PT_WAIT_MS, &bytes, &key, &ov, &err));
	CU_ASSERT_PTR_EQUAL(ov, &read_ov);
	CU_ASSERT_EQUAL(err, ERROR_OPERATION_ABORTED);
	fw_no_packet(port);
	pt_close(c);
	CloseHandle(port);
}

static const struct wt_test libuv_tcp_tests[] = {
	WT_TEST(test_libuv_tcp_zero_read_poller),
	WT_TEST_END
};

const struct wt_suite test_fw_libuv_tcp_suite = {
	.name = "fw_libuv_tcp",
	.clean = pt_suite_clean,
	.tests = libuv_tcp_tests,
};
