/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Boost.Asio's IOCP backend for UDP, replayed.  Read from boostorg/asio:
 * include/boost/asio/detail/impl/win_iocp_socket_service_base.ipp
 * (start_receive_from_op, start_send_to_op: WSARecvFrom/WSASendTo with the
 * op as the OVERLAPPED; result 0 or WSA_IO_PENDING -> on_pending, which
 * waits for the port's packet; any other error -> on_completion, no
 * packet expected).  That version sets no
 * SetFileCompletionNotificationModes: an immediate success also waits
 * for its packet, so a provider must queue exactly one.  The loop
 * (win_iocp_io_context::do_one, not re-read: its GQCS loop is as
 * documented) takes a packet, and a FALSE with an overlapped is the op's
 * error from GetLastError().  Sockets come from WSASocketW with
 * WSA_FLAG_OVERLAPPED and are associated with key 0 (register_handle).
 */
#include <string.h>

#include <CUnit/CUnit.h>

#include "fw.h"

/* An asio op: the OVERLAPPED first, then what the handler needs. */
struct asio_op {
	WSAOVERLAPPED ov;
	char buf[256];
	WSABUF wb;
	struct sockaddr_in from;
	int fromlen;
	DWORD flags;
};

static struct asio_op op;	/* static: outlives a failed test */

/* start_receive_from_op: true if asio would wait for a packet. */
static bool
start_receive_from(SOCKET s, struct asio_op *o)
{
	DWORD n = 0;
	int r;

	memset(o, 0, sizeof(*o));
	o->wb = (WSABUF){ .len = sizeof(o->buf), .buf = o->buf };
	o->fromlen = PT_SIN_LEN;
	r = WSARecvFrom(s, &o->wb, 1, &n, &o->flags, PT_SA(o->from),
			&o->fromlen, &o->ov, NULL);
	return r == 0 || WSAGetLastError() == WSA_IO_PENDING;
}

/* do_one: the packet for o, with its bytes and error. */
static void
run_one(HANDLE port, struct asio_op *o, DWORD want_bytes, DWORD want_err)
{
	LPOVERLAPPED ov;
	ULONG_PTR key;
	DWORD bytes, err;

	fw_gqcs(port, PT_WAIT_MS, &bytes, &key, &ov, &err);
	CU_ASSERT_PTR_EQUAL(ov, &o->ov);
	CU_ASSERT_EQUAL(key, 0);
	CU_ASSERT_EQUAL(bytes, want_bytes);
	CU_ASSERT_EQUAL(err, want_err);
}

/* A receive that pends completes once through the port, with its peer. */
static void
test_asio_receive_pending(void)
{
	HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
	SOCKET s = fw_udp(7101), peer = fw_udp(7102);

	CU_ASSERT_PTR_EQUAL(CreateIoCompletionPort((HANDLE)s, port, 0, 0),
			    port);
	CU_ASSERT_TRUE(start_receive_from(s, &op));
	CU_ASSERT_EQUAL(WSAGetLastError(), WSA_IO_PENDING);
	fw_send(peer, 7101, 100);
	run_one(port, &op, 100, 0);
	CU_ASSERT_EQUAL(op.fromlen, PT_SIN_LEN);
	CU_ASSERT_EQUAL(ntohs(op.from.sin_port), 7102);
	fw_no_packet(port);
	pt_close(s);
	pt_close(peer);
	CloseHandle(port);
}

/* A receive that succeeds at once (0) still gets exactly one packet. */
static void
test_asio_receive_immediate(void)
{
	HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
	SOCKET s = fw_udp(7103), peer = fw_udp(7104);

	CreateIoCompletionPort((HANDLE)s, port, 0, 0);
	fw_send(peer, 7103, 60);
	CU_ASSERT_TRUE(pt_readable(s, PT_WAIT_MS));
	CU_ASSERT_TRUE(start_receive_from(s, &op));
	run_one(port, &op, 60, 0);
	fw_no_packet(port);
	pt_close(s);
	pt_close(peer);
	CloseHandle(port);
}

/* async_send_to: one packet with the datagram's length. */
static void
test_asio_send_to(void)
{
	HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
	SOCKET s = fw_udp(7105), peer = fw_udp(7106);
	struct sockaddr_in to = pt_sin(PT_IP, 7106);
	DWORD n = 0;
	int r;

	CreateIoCompletionPort((HANDLE)s, port, 0, 0);
	memset(&op, 0, sizeof(op));
	op.wb = (WSABUF){ .len = 200, .buf = op.buf };
	r = WSASendTo(s, &op.wb, 1, &n, 0, PT_SA(to), PT_SIN_LEN, &op.ov,
		      NULL);
	CU_ASSERT_TRUE(r == 0 || WSAGetLastError() == WSA_IO_PENDING);
	run_one(port, &op, 200, 0);
	fw_no_packet(port);
	pt_close(s);
	pt_close(peer);
	CloseHandle(port);
}

/* An immediate error (not WSA_IO_PENDING): asio completes the op itself,
 * so no packet may follow. */
static void
test_asio_immediate_error_no_packet(void)
{
	HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
	SOCKET s = fw_udp(7107);
	DWORD n = 0;

	CreateIoCompletionPort((HANDLE)s, port, 0, 0);
	PT_OK(shutdown(s, SD_RECEIVE));
	memset(&op, 0, sizeof(op));
	op.wb = (WSABUF){ .len = sizeof(op.buf), .buf = op.buf };
	op.fromlen = PT_SIN_LEN;
	PT_FAILS(WSARecvFrom(s, &op.wb, 1, &n, &op.flags, PT_SA(op.from),
			     &op.fromlen, &op.ov, NULL), WSAESHUTDOWN);
	fw_no_packet(port);
	pt_close(s);
	CloseHandle(port);
}

static const struct wt_test asio_tests[] = {
	WT_TEST(test_asio_receive_pending),
	WT_TEST(test_asio_receive_immediate),
	WT_TEST(test_asio_send_to),
	WT_TEST(test_asio_immediate_error_no_packet),
	WT_TEST_END
};

const struct wt_suite test_fw_asio_suite = {
	.name = "fw_asio",
	.clean = pt_suite_clean,
	.tests = asio_tests,
};
