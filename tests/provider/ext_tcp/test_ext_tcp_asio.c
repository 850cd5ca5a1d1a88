/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Boost.Asio's IOCP accept and connect, replayed. Read from boostorg/asio:
 * - include/boost/asio/detail/impl/win_iocp_socket_service_base.ipp:
 *   start_accept_op makes the peer socket (socket_ops::socket, i.e.
 *   WSASocketW with WSA_FLAG_OVERLAPPED) and calls AcceptEx(listener,
 *   peer, output_buffer, 0, address_length, address_length, &bytes_read,
 *   op); FALSE with anything but WSA_IO_PENDING completes the op at once,
 *   else it waits for the port's packet (on_pending). start_connect_op
 *   finds ConnectEx (get_connect_ex: SIO_GET_EXTENSION_FUNCTION_POINTER),
 *   binds the socket to a zeroed sockaddr of the family (tolerating
 *   invalid_argument, "already bound"), then ConnectEx(s, addr, addrlen,
 *   0, 0, 0, op) with the same pending rule.
 * - include/boost/asio/detail/win_iocp_socket_accept_op.hpp: the output
 *   buffer is (sizeof(sockaddr_storage) + 16) * 2 bytes, address_length
 *   sizeof(sockaddr_storage) + 16.
 * - include/boost/asio/detail/impl/socket_ops.ipp: complete_iocp_accept
 *   calls GetAcceptExSockaddrs(output_buffer, 0, address_length,
 *   address_length, ...), fails invalid_argument if the remote length is
 *   more than the endpoint's capacity (sizeof(sockaddr_in6) for tcp),
 *   copies the remote address, then setsockopt(new_socket, SOL_SOCKET,
 *   SO_UPDATE_ACCEPT_CONTEXT, &listener, sizeof(SOCKET)) whose error
 *   becomes the handler's; complete_iocp_connect sets
 *   SO_UPDATE_CONNECT_CONTEXT (0x7010) with no value, error likewise.
 *   ERROR_CONNECTION_REFUSED is mapped to connection_refused, which on
 *   Windows is WSAECONNREFUSED itself.
 * Sockets are associated with the port under key 0 (register_handle).
 */
#include <string.h>

#include <CUnit/CUnit.h>

#include "ext_tcp.h"

#define ASIO_ADDR_LEN	((DWORD)sizeof(SOCKADDR_STORAGE) + 16)
#define ASIO_EP_CAP	28	/* sizeof(sockaddr_in6): tcp::endpoint */

struct asio_op {
	WSAOVERLAPPED ov;
	unsigned char out[ASIO_ADDR_LEN * 2];
};

static struct asio_op acc_op, conn_op, rd_op, wr_op;

static SOCKET
asio_socket(HANDLE port)
{
	SOCKET s = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0,
		WSA_FLAG_OVERLAPPED);

	CU_ASSERT_FATAL(s != INVALID_SOCKET);
	CU_ASSERT_PTR_EQUAL_FATAL(CreateIoCompletionPort((HANDLE)s, port, 0,
		0), port);
	return s;
}

/* on_pending or on_completion: true if asio waits for a packet. */
static bool
pending(BOOL result)
{
	return result || WSAGetLastError() == WSA_IO_PENDING;
}

static bool
start_accept(SOCKET ls, SOCKET peer)
{
	DWORD bytes_read = 0;

	memset(&acc_op, 0, sizeof(acc_op));
	return pending(et.accept_ex(ls, peer, acc_op.out, 0, ASIO_ADDR_LEN,
		ASIO_ADDR_LEN, &bytes_read, &acc_op.ov));
}

static bool
start_connect(SOCKET s, const struct sockaddr_in *to)
{
	GUID id = WSAID_CONNECTEX;
	LPFN_CONNECTEX connect_ex = NULL;
	struct sockaddr_in any;
	DWORD n = 0;

	PT_OK(WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &id,
		sizeof(id), &connect_ex, sizeof(connect_ex), &n, NULL, NULL));
	CU_ASSERT_PTR_NOT_NULL_FATAL(connect_ex);
	memset(&any, 0, sizeof(any));
	any.sin_family = AF_INET;
	if (bind(s, PT_SA(any), PT_SIN_LEN) != 0)
		CU_ASSERT_EQUAL(WSAGetLastError(), WSAEINVAL);
	memset(&conn_op, 0, sizeof(conn_op));
	return pending(connect_ex(s, (const struct sockaddr *)to, PT_SIN_LEN,
		NULL, 0, NULL, &conn_op.ov));
}

/* do_one: the next packet; *err is the op's error. */
static LPOVERLAPPED
run_one(HANDLE port, DWORD *bytes, DWORD *err)
{
	LPOVERLAPPED ov = NULL;
	ULONG_PTR key = 1;

	fw_gqcs(port, PT_WAIT_MS, bytes, &key, &ov, err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ov);
	CU_ASSERT_EQUAL(key, 0);
	return ov;
}

/* complete_iocp_accept: the peer endpoint, then the update. */
static int
complete_accept(SOCKET ls, SOCKET peer, struct sockaddr_in *ep)
{
	struct sockaddr *local = NULL, *remote = NULL;
	int llen = 0, rlen = 0;

	et.sockaddrs(acc_op.out, 0, ASIO_ADDR_LEN, ASIO_ADDR_LEN, &local,
		&llen, &remote, &rlen);
	if (rlen > ASIO_EP_CAP)
		return WSAEINVAL;
	memcpy(ep, remote, (size_t)rlen);
	return setsockopt(peer, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT,
		(char *)&ls, sizeof(SOCKET)) == 0 ? 0 : WSAGetLastError();
}

static int
complete_connect(SOCKET s)
{
	return setsockopt(s, SOL_SOCKET, 0x7010, NULL, 0) == 0 ? 0 :
		WSAGetLastError();
}

/* async_accept + async_connect, then async_write/async_read over the
 * port: each op's one packet, the endpoints asio reports right. */
static void
test_asio_accept_and_connect_replay(void)
{
	HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
	SOCKET ls = asio_socket(port), peer = asio_socket(port);
	SOCKET c = asio_socket(port);
	struct sockaddr_in la = pt_sin(PT_IP, 0), ep, cname, pname;
	WSABUF wb = { 5, "hello" }, rb = { sizeof(rd_op.out),
		(char *)rd_op.out };
	bool got_acc = false, got_conn = false;
	int len = PT_SIN_LEN;
	DWORD bytes, err, flags = 0;

	PT_OK(bind(ls, PT_SA(la), PT_SIN_LEN));
	PT_OK(listen(ls, SOMAXCONN));
	PT_OK(getsockname(ls, PT_SA(la), &len));
	CU_ASSERT_TRUE_FATAL(start_accept(ls, peer));
	CU_ASSERT_TRUE_FATAL(start_connect(c, &la));
	for (int i = 0; i < 2; i++) {
		LPOVERLAPPED ov = run_one(port, &bytes, &err);

		CU_ASSERT_EQUAL(err, 0);
		CU_ASSERT_EQUAL(bytes, 0);
		if (ov == &acc_op.ov) {
			CU_ASSERT_FALSE(got_acc);
			got_acc = true;
			CU_ASSERT_EQUAL(complete_accept(ls, peer, &ep), 0);
		} else {
			CU_ASSERT_PTR_EQUAL(ov, &conn_op.ov);
			CU_ASSERT_FALSE(got_conn);
			got_conn = true;
			CU_ASSERT_EQUAL(complete_connect(c), 0);
		}
	}
	fw_no_packet(port);
	/* The peer endpoint is the client's name; the client's remote
	 * endpoint the listener's. */
	len = PT_SIN_LEN;
	PT_OK(getsockname(c, PT_SA(cname), &len));
	CU_ASSERT_TRUE(et_same_sin(PT_SA(ep), &cname));
	len = PT_SIN_LEN;
	PT_OK(getpeername(c, PT_SA(pname), &len));
	CU_ASSERT_TRUE(et_same_sin(PT_SA(pname), &la));
	len = PT_SIN_LEN;
	PT_OK(getpeername(peer, PT_SA(pname), &len));
	CU_ASSERT_TRUE(et_same_sin(PT_SA(pname), &cname));
	/* async_read_some on the accepted socket, async_write_some on the
	 * client: one packet each. */
	memset(&rd_op, 0, sizeof(rd_op));
	memset(&wr_op, 0, sizeof(wr_op));
	CU_ASSERT_TRUE(pending(WSARecv(peer, &rb, 1, &bytes, &flags,
		&rd_op.ov, NULL) == 0));
	CU_ASSERT_TRUE(pending(WSASend(c, &wb, 1, &bytes, 0, &wr_op.ov,
		NULL) == 0));
	for (int i = 0; i < 2; i++) {
		LPOVERLAPPED ov = run_one(port, &bytes, &err);

		CU_ASSERT_EQUAL(err, 0);
		CU_ASSERT_EQUAL(bytes, 5);
		CU_ASSERT(ov == &rd_op.ov || ov == &wr_op.ov);
	}
	CU_ASSERT_EQUAL(memcmp(rd_op.out, "hello", 5), 0);
	fw_no_packet(port);
	pt_close(c);
	pt_close(peer);
	pt_close(ls);
	CU_ASSERT_TRUE(CloseHandle(port));
}

/* acceptor.close() with an accept pending: its packet says
 * operation_aborted (ERROR_OPERATION_ABORTED), once; a connect nobody
 * answers: connection_refused, once. */
static void
test_asio_close_and_refused_replay(void)
{
	HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
	SOCKET ls = asio_socket(port), peer = asio_socket(port);
	SOCKET c = asio_socket(port);
	struct sockaddr_in la = pt_sin(PT_IP, 0);
	struct sockaddr_in to = pt_sin(PT_IP, ta_closed_port());
	DWORD bytes, err;

	PT_OK(bind(ls, PT_SA(la), PT_SIN_LEN));
	PT_OK(listen(ls, SOMAXCONN));
	CU_ASSERT_TRUE_FATAL(start_accept(ls, peer));
	pt_close(ls);
	CU_ASSERT_PTR_EQUAL(run_one(port, &bytes, &err), &acc_op.ov);
	CU_ASSERT_EQUAL(err, WSA_OPERATION_ABORTED);
	CU_ASSERT_TRUE_FATAL(start_connect(c, &to));
	CU_ASSERT_PTR_EQUAL(run_one(port, &bytes, &err), &conn_op.ov);
	CU_ASSERT_EQUAL(err, WSAECONNREFUSED);
	fw_no_packet(port);
	pt_close(c);
	pt_close(peer);
	CU_ASSERT_TRUE(CloseHandle(port));
}

static const struct wt_test asio_tests[] = {
	WT_TEST(test_asio_accept_and_connect_replay),
	WT_TEST(test_asio_close_and_refused_replay),
	WT_TEST_END
};

const struct wt_suite test_ext_tcp_asio_suite = {
	.name = "ext_tcp_asio",
	.clean = pt_suite_clean,
	.tests = asio_tests,
};
