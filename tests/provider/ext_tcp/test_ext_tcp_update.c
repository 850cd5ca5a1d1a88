/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Before SO_UPDATE_ACCEPT_CONTEXT / SO_UPDATE_CONNECT_CONTEXT. The
 * ConnectEx page lists what a socket it connected may be passed to
 * until the update (send, recv, closesocket, setsockopt for the update
 * ...), getpeername, getsockname and shutdown only after it; AcceptEx's
 * says its socket does not take the listener's properties until the
 * update. Windows' user-mode view of such a socket is the one it had
 * before the call: an AcceptEx socket is unbound (getsockname:
 * WSAEINVAL), neither is connected (getpeername, shutdown: WSAENOTCONN;
 * Len Holgate documents the ConnectEx shutdown case). Data flows
 * meanwhile; after the update every call works.
 */
#include <string.h>

#include "ext_tcp.h"

static char out[2 * ET_SLOT];
static WSAOVERLAPPED ov;

static void
test_acceptex_socket_before_update_context(void)
{
	struct sockaddr_in la, a;
	int len = sizeof(a);
	SOCKET ls = ta_listener(&la), acc = ta_tcp(), c = ta_tcp();
	DWORD n = 0;
	char b[4];

	memset(&ov, 0, sizeof(ov));
	ET_PENDS(et.accept_ex(ls, acc, out, 0, ET_SLOT, ET_SLOT, &n, &ov));
	PT_OK(connect(c, PT_SA(la), PT_SIN_LEN));
	CU_ASSERT_EQUAL_FATAL(et_result(ls, &ov, &n, PT_WAIT_MS), 0);
	PT_FAILS(getpeername(acc, PT_SA(a), &len), WSAENOTCONN);
	len = sizeof(a);
	PT_FAILS(getsockname(acc, PT_SA(a), &len), WSAEINVAL);
	PT_FAILS(shutdown(acc, SD_SEND), WSAENOTCONN);
	/* Data flows meanwhile. */
	ta_send_all(c, "ping", 4);
	CU_ASSERT_EQUAL(ta_recv_n(acc, b, 4, PT_WAIT_MS), 4);
	ta_send_all(acc, "pong", 4);
	CU_ASSERT_EQUAL(ta_recv_n(c, b, 4, PT_WAIT_MS), 4);
	PT_OK(setsockopt(acc, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT,
		(char *)&ls, sizeof(ls)));
	len = sizeof(a);
	PT_OK(getsockname(acc, PT_SA(a), &len));
	CU_ASSERT_EQUAL(a.sin_port, la.sin_port);
	len = sizeof(a);
	PT_OK(getpeername(acc, PT_SA(a), &len));
	PT_OK(shutdown(acc, SD_SEND));
	CU_ASSERT_EQUAL(ta_recv_n(c, b, 1, PT_WAIT_MS), 0);
	pt_close(c);
	pt_close(acc);
	pt_close(ls);
}

static void
test_connectex_socket_before_update_context(void)
{
	struct sockaddr_in la, a;
	int len = sizeof(a);
	SOCKET ls = ta_listener(&la), c = et_bound(NULL), s;
	DWORD n = 0;
	char b[4];

	memset(&ov, 0, sizeof(ov));
	ET_PENDS(et.connect_ex(c, PT_SA(la), PT_SIN_LEN, NULL, 0, &n, &ov));
	CU_ASSERT_EQUAL_FATAL(et_result(c, &ov, &n, PT_WAIT_MS), 0);
	CU_ASSERT_FATAL(ta_ready(ls, 0, PT_WAIT_MS));
	s = accept(ls, NULL, NULL);
	CU_ASSERT_FATAL(s != INVALID_SOCKET);
	PT_FAILS(getpeername(c, PT_SA(a), &len), WSAENOTCONN);
	PT_FAILS(shutdown(c, SD_SEND), WSAENOTCONN);
	/* Bound before ConnectEx (it requires that): it has a name. */
	len = sizeof(a);
	PT_OK(getsockname(c, PT_SA(a), &len));
	ta_send_all(c, "ping", 4);
	CU_ASSERT_EQUAL(ta_recv_n(s, b, 4, PT_WAIT_MS), 4);
	PT_OK(setsockopt(c, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, NULL, 0));
	len = sizeof(a);
	PT_OK(getpeername(c, PT_SA(a), &len));
	CU_ASSERT_TRUE(et_same_sin(PT_SA(a), &la));
	PT_OK(shutdown(c, SD_SEND));
	CU_ASSERT_EQUAL(ta_recv_n(s, b, 1, PT_WAIT_MS), 0);
	pt_close(s);
	pt_close(c);
	pt_close(ls);
}

static const struct wt_test update_tests[] = {
	WT_TEST(test_acceptex_socket_before_update_context),
	WT_TEST(test_connectex_socket_before_update_context),
	WT_TEST_END
};

const struct wt_suite test_ext_tcp_update_suite = {
	.name = "ext_tcp_update",
	.clean = pt_suite_clean,
	.tests = update_tests,
};
