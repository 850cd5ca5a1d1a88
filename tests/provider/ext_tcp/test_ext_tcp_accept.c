/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AcceptEx, GetAcceptExSockaddrs and SO_UPDATE_ACCEPT_CONTEXT: the
 * accept socket the application made becomes the connection; the
 * addresses come back in the slots after the received data; each
 * pre-posted AcceptEx completes once with a connection of its own;
 * closing the listener aborts the pending ones once; each misuse fails
 * with its code.
 */
#include <string.h>

#include <CUnit/CUnit.h>

#include "ext_tcp.h"

#define N_PRE	8
#define DATA	64

static WSAOVERLAPPED ovs[N_PRE];
static char outs[N_PRE][DATA + 2 * ET_SLOT];

/* The addresses AcceptEx wrote, through GetAcceptExSockaddrs. */
static void
parse(char *out, DWORD data_len, struct sockaddr **l, struct sockaddr **r)
{
	int ll = 0, rl = 0;

	et.sockaddrs(out, data_len, ET_SLOT, ET_SLOT, l, &ll, r, &rl);
	CU_ASSERT_EQUAL(ll, PT_SIN_LEN);
	CU_ASSERT_EQUAL(rl, PT_SIN_LEN);
}

static void
linger_is(SOCKET s, u_short onoff, u_short secs)
{
	LINGER lg = { 7, 7 };
	int len = sizeof(lg);

	PT_OK(getsockopt(s, SOL_SOCKET, SO_LINGER, (char *)&lg, &len));
	CU_ASSERT_EQUAL(lg.l_onoff, onoff);
	CU_ASSERT_EQUAL(lg.l_linger, secs);
}

static void
update(SOCKET acc, SOCKET l)
{
	PT_OK(setsockopt(acc, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT,
		(char *)&l, sizeof(l)));
}

/* No receive buffer: it completes as the connection is accepted, with 0
 * bytes; the addresses are the listener's and the client's; the handle
 * the application made carries the connection both ways. */
static void
test_acceptex_turns_accept_socket_into_the_connection(void)
{
	struct sockaddr_in la, ca, pa;
	struct sockaddr *l, *r;
	SOCKET ls = ta_listener(&la), acc = ta_tcp(), c = ta_tcp();
	int len = PT_SIN_LEN;
	DWORD n = 0;
	char b[8];

	memset(&ovs[0], 0, sizeof(ovs[0]));
	ET_PENDS(et.accept_ex(ls, acc, outs[0], 0, ET_SLOT, ET_SLOT, &n,
		&ovs[0]));
	CU_ASSERT_EQUAL(et_result(ls, &ovs[0], &n, 50), WSA_IO_INCOMPLETE);
	PT_OK(connect(c, PT_SA(la), PT_SIN_LEN));
	PT_OK(getsockname(c, PT_SA(ca), &len));
	CU_ASSERT_EQUAL_FATAL(et_result(ls, &ovs[0], &n, PT_WAIT_MS), 0);
	CU_ASSERT_EQUAL(n, 0);
	parse(outs[0], 0, &l, &r);
	CU_ASSERT_TRUE(et_same_sin(l, &la));
	CU_ASSERT_TRUE(et_same_sin(r, &ca));
	update(acc, ls);
	len = PT_SIN_LEN;
	PT_OK(getpeername(acc, PT_SA(pa), &len));
	CU_ASSERT_TRUE(et_same_sin(PT_SA(pa), &ca));
	ta_send_all(c, "ping", 4);
	CU_ASSERT_EQUAL(ta_recv_n(acc, b, 4, PT_WAIT_MS), 4);
	CU_ASSERT_EQUAL(memcmp(b, "ping", 4), 0);
	ta_send_all(acc, "pong", 4);
	CU_ASSERT_EQUAL(ta_recv_n(c, b, 4, PT_WAIT_MS), 4);
	CU_ASSERT_EQUAL(memcmp(b, "pong", 4), 0);
	pt_close(c);
	pt_close(acc);
	pt_close(ls);
}

/* With a receive buffer it waits for the first data, completes with
 * its byte count, the data at offset 0 and the addresses after it. */
static void
test_acceptex_with_receive_buffer_completes_on_first_data(void)
{
	struct sockaddr_in la, ca;
	struct sockaddr *l, *r;
	SOCKET ls = ta_listener(&la), acc = ta_tcp(), c = ta_tcp();
	int len = PT_SIN_LEN;
	DWORD n = 0;

	memset(&ovs[0], 0, sizeof(ovs[0]));
	memset(outs[0], 0x5a, sizeof(outs[0]));
	ET_PENDS(et.accept_ex(ls, acc, outs[0], DATA, ET_SLOT, ET_SLOT, &n,
		&ovs[0]));
	PT_OK(connect(c, PT_SA(la), PT_SIN_LEN));
	PT_OK(getsockname(c, PT_SA(ca), &len));
	/* Connected, but no data yet. */
	CU_ASSERT_EQUAL(et_result(ls, &ovs[0], &n, 100), WSA_IO_INCOMPLETE);
	ta_send_all(c, "NewOrderSingle", 14);
	CU_ASSERT_EQUAL_FATAL(et_result(ls, &ovs[0], &n, PT_WAIT_MS), 0);
	CU_ASSERT_EQUAL(n, 14);
	CU_ASSERT_EQUAL(memcmp(outs[0], "NewOrderSingle", 14), 0);
	parse(outs[0], DATA, &l, &r);
	CU_ASSERT_PTR_EQUAL(l, outs[0] + DATA);
	CU_ASSERT_PTR_EQUAL(r, outs[0] + DATA + ET_SLOT);
	CU_ASSERT_TRUE(et_same_sin(l, &la));
	CU_ASSERT_TRUE(et_same_sin(r, &ca));
	pt_close(c);
	pt_close(acc);
	pt_close(ls);
}

/* Eight AcceptEx pre-posted on one listener associated with a port,
 * eight clients: eight packets, one per OVERLAPPED, each with another
 * client as its peer, then none. */
static void
test_acceptex_x8_each_completes_once_with_its_own_peer(void)
{
	HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
	struct sockaddr_in la, ca[N_PRE];
	SOCKET ls = ta_listener(&la), acc[N_PRE], c[N_PRE];
	bool seen[N_PRE] = { false }, peer_seen[N_PRE] = { false };
	DWORD n = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(port);
	CU_ASSERT_PTR_EQUAL(CreateIoCompletionPort((HANDLE)ls, port, 7, 0),
		port);
	for (int i = 0; i < N_PRE; i++) {
		acc[i] = ta_tcp();
		memset(&ovs[i], 0, sizeof(ovs[i]));
		ET_PENDS(et.accept_ex(ls, acc[i], outs[i], 0, ET_SLOT,
			ET_SLOT, &n, &ovs[i]));
	}
	for (int i = 0; i < N_PRE; i++) {
		int len = PT_SIN_LEN;

		c[i] = ta_tcp();
		PT_OK(connect(c[i], PT_SA(la), PT_SIN_LEN));
		PT_OK(getsockname(c[i], PT_SA(ca[i]), &len));
	}
	for (int k = 0; k < N_PRE; k++) {
		struct sockaddr *l, *r;
		LPOVERLAPPED ov = NULL;
		ULONG_PTR key = 0;
		DWORD bytes, err;
		int i, j;

		CU_ASSERT_TRUE_FATAL(fw_gqcs(port, PT_WAIT_MS, &bytes, &key,
			&ov, &err));
		CU_ASSERT_EQUAL(key, 7);
		CU_ASSERT_EQUAL(bytes, 0);
		i = (int)((WSAOVERLAPPED *)ov - ovs);
		CU_ASSERT_FATAL(i >= 0 && i < N_PRE);
		CU_ASSERT_FALSE(seen[i]);
		seen[i] = true;
		parse(outs[i], 0, &l, &r);
		CU_ASSERT_TRUE(et_same_sin(l, &la));
		for (j = 0; j < N_PRE && !et_same_sin(r, &ca[j]); j++)
			;
		CU_ASSERT_FATAL(j < N_PRE);
		CU_ASSERT_FALSE(peer_seen[j]);
		peer_seen[j] = true;
		/* The accept socket is that client's connection. */
		update(acc[i], ls);
		ta_send_all(c[j], (char *)&j, sizeof(j));
		CU_ASSERT_EQUAL(ta_recv_n(acc[i], (char *)&bytes,
			sizeof(j), PT_WAIT_MS), (int)sizeof(j));
		CU_ASSERT_EQUAL(bytes, (DWORD)j);
	}
	fw_no_packet(port);
	for (int i = 0; i < N_PRE; i++) {
		pt_close(c[i]);
		pt_close(acc[i]);
	}
	pt_close(ls);
	CU_ASSERT_TRUE(CloseHandle(port));
}

/* closesocket on the listener: each pending AcceptEx completes once with
 * WSA_OPERATION_ABORTED, and its accept socket may take another. */
static void
test_closing_listener_aborts_pending_acceptex_once(void)
{
	HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
	SOCKET ls = ta_listener(NULL), acc[3], ls2;
	DWORD n = 0;

	CU_ASSERT_PTR_EQUAL(CreateIoCompletionPort((HANDLE)ls, port, 1, 0),
		port);
	for (int i = 0; i < 3; i++) {
		acc[i] = ta_tcp();
		memset(&ovs[i], 0, sizeof(ovs[i]));
		ET_PENDS(et.accept_ex(ls, acc[i], outs[i], DATA, ET_SLOT,
			ET_SLOT, &n, &ovs[i]));
	}
	pt_close(ls);
	for (int k = 0; k < 3; k++) {
		LPOVERLAPPED ov = NULL;
		ULONG_PTR key;
		DWORD bytes, err;

		CU_ASSERT_FALSE(fw_gqcs(port, PT_WAIT_MS, &bytes, &key, &ov,
			&err));
		CU_ASSERT_PTR_NOT_NULL(ov);
		CU_ASSERT_EQUAL(err, WSA_OPERATION_ABORTED);
	}
	fw_no_packet(port);
	ls2 = ta_listener(NULL);
	memset(&ovs[0], 0, sizeof(ovs[0]));
	ET_PENDS(et.accept_ex(ls2, acc[0], outs[0], 0, ET_SLOT, ET_SLOT, &n,
		&ovs[0]));
	pt_close(ls2);
	CU_ASSERT_EQUAL(et_result(acc[0], &ovs[0], &n, PT_WAIT_MS),
		WSA_OPERATION_ABORTED);
	for (int i = 0; i < 3; i++)
		pt_close(acc[i]);
	CU_ASSERT_TRUE(CloseHandle(port));
}

/* Each misuse: its code, and nothing pends. */
static void
test_acceptex_misuse_fails_with_documented_codes(void)
{
	struct sockaddr_in la;
	SOCKET ls = ta_listener(&la), acc = ta_tcp(), idle = ta_tcp();
	SOCKET bound = et_bound(NULL), u = pt_socket(SOCK_DGRAM, IPPROTO_UDP);
	DWORD n = 0;

	memset(&ovs[0], 0, sizeof(ovs[0]));
	/* lpOverlapped "cannot be NULL"; lpOutputBuffer must be given. */
	ET_FAILS(et.accept_ex(ls, acc, outs[0], 0, ET_SLOT, ET_SLOT, &n,
		NULL), WSAEINVAL);
	ET_FAILS(et.accept_ex(ls, acc, NULL, 0, ET_SLOT, ET_SLOT, &n,
		&ovs[0]), WSAEFAULT);
	/* Address slots of less than sizeof(sockaddr_in) + 16. */
	ET_FAILS(et.accept_ex(ls, acc, outs[0], 0, ET_SLOT - 1, ET_SLOT, &n,
		&ovs[0]), WSAEINVAL);
	ET_FAILS(et.accept_ex(ls, acc, outs[0], 0, ET_SLOT, PT_SIN_LEN, &n,
		&ovs[0]), WSAEINVAL);
	/* A listener that does not listen; an accept socket bound. */
	ET_FAILS(et.accept_ex(idle, acc, outs[0], 0, ET_SLOT, ET_SLOT, &n,
		&ovs[0]), WSAEINVAL);
	ET_FAILS(et.accept_ex(ls, bound, outs[0], 0, ET_SLOT, ET_SLOT, &n,
		&ovs[0]), WSAEINVAL);
	ET_FAILS(et.accept_ex(ls, ls, outs[0], 0, ET_SLOT, ET_SLOT, &n,
		&ovs[0]), WSAEINVAL);
	/* Not sockets; not a stream. */
	ET_FAILS(et.accept_ex((SOCKET)0x7777, acc, outs[0], 0, ET_SLOT,
		ET_SLOT, &n, &ovs[0]), WSAENOTSOCK);
	ET_FAILS(et.accept_ex(ls, (SOCKET)0x7777, outs[0], 0, ET_SLOT,
		ET_SLOT, &n, &ovs[0]), WSAENOTSOCK);
	ET_FAILS(et.accept_ex(ls, u, outs[0], 0, ET_SLOT, ET_SLOT, &n,
		&ovs[0]), WSAEOPNOTSUPP);
	/* One AcceptEx at a time on an accept socket. */
	ET_PENDS(et.accept_ex(ls, acc, outs[0], 0, ET_SLOT, ET_SLOT, &n,
		&ovs[0]));
	memset(&ovs[1], 0, sizeof(ovs[1]));
	ET_FAILS(et.accept_ex(ls, acc, outs[1], 0, ET_SLOT, ET_SLOT, &n,
		&ovs[1]), WSAEINVAL);
	pt_close(ls);
	CU_ASSERT_EQUAL(et_result(acc, &ovs[0], &n, PT_WAIT_MS),
		WSA_OPERATION_ABORTED);
	pt_close(acc);
	pt_close(idle);
	pt_close(bound);
	pt_close(u);
}

/* Before SO_UPDATE_ACCEPT_CONTEXT the accept socket does not have the
 * listener's properties (AcceptEx remarks: here SO_KEEPALIVE and
 * SO_LINGER); after it, it has them. The option takes the listener's
 * handle. */
static void
test_update_accept_context_brings_listener_properties(void)
{
	struct sockaddr_in la;
	SOCKET ls = ta_listener(&la), acc = ta_tcp(), c = ta_tcp();
	SOCKET plain = ta_tcp(), bogus = (SOCKET)0x7777;
	DWORD n = 0;

	pt_setopt_int(ls, SOL_SOCKET, SO_KEEPALIVE, 1);
	ta_linger(ls, 1, 5);
	memset(&ovs[0], 0, sizeof(ovs[0]));
	ET_PENDS(et.accept_ex(ls, acc, outs[0], 0, ET_SLOT, ET_SLOT, &n,
		&ovs[0]));
	PT_OK(connect(c, PT_SA(la), PT_SIN_LEN));
	CU_ASSERT_EQUAL_FATAL(et_result(ls, &ovs[0], &n, PT_WAIT_MS), 0);
	CU_ASSERT_EQUAL(ta_getopt_int(acc, SOL_SOCKET, SO_KEEPALIVE), 0);
	linger_is(acc, 0, 0);
	/* Its value is a SOCKET, whole; a listener handle. */
	PT_FAILS(setsockopt(acc, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT,
		(char *)&ls, 4), WSAEFAULT);
	PT_FAILS(setsockopt(acc, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT,
		NULL, sizeof(ls)), WSAEFAULT);
	PT_FAILS(setsockopt(acc, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT,
		(char *)&bogus, sizeof(bogus)), WSAENOTSOCK);
	PT_FAILS(setsockopt(acc, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT,
		(char *)&plain, sizeof(plain)), WSAEINVAL);
	/* Only a socket AcceptEx connected takes it. */
	PT_FAILS(setsockopt(plain, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT,
		(char *)&ls, sizeof(ls)), WSAEINVAL);
	update(acc, ls);
	CU_ASSERT_EQUAL(ta_getopt_int(acc, SOL_SOCKET, SO_KEEPALIVE), 1);
	linger_is(acc, 1, 5);
	pt_close(c);
	pt_close(acc);
	pt_close(plain);
	pt_close(ls);
}

/* GetAcceptExSockaddrs points into the buffer: local after the data,
 * remote after the local slot, whatever their sizes; slots too small
 * for AcceptEx to have written give no addresses. */
static void
test_getacceptexsockaddrs_points_into_each_slot(void)
{
	static char buf[200];
	struct sockaddr *l = (void *)1, *r = (void *)1;
	int ll = -1, rl = -1;

	et.sockaddrs(buf, 10, 40, 50, &l, &ll, &r, &rl);
	CU_ASSERT_PTR_EQUAL(l, buf + 10);
	CU_ASSERT_PTR_EQUAL(r, buf + 50);
	CU_ASSERT_EQUAL(ll, PT_SIN_LEN);
	CU_ASSERT_EQUAL(rl, PT_SIN_LEN);
	et.sockaddrs(buf, 0, ET_SLOT - 1, ET_SLOT, &l, &ll, &r, &rl);
	CU_ASSERT_PTR_NULL(l);
	CU_ASSERT_PTR_NULL(r);
	CU_ASSERT_EQUAL(ll, 0);
	CU_ASSERT_EQUAL(rl, 0);
}

static const struct wt_test accept_tests[] = {
	WT_TEST(test_acceptex_turns_accept_socket_into_the_connection),
	WT_TEST(test_acceptex_with_receive_buffer_completes_on_first_data),
	WT_TEST(test_acceptex_x8_each_completes_once_with_its_own_peer),
	WT_TEST(test_closing_listener_aborts_pending_acceptex_once),
	WT_TEST(test_acceptex_misuse_fails_with_documented_codes),
	WT_TEST(test_update_accept_context_brings_listener_properties),
	WT_TEST(test_getacceptexsockaddrs_points_into_each_slot),
	WT_TEST_END
};

const struct wt_suite test_ext_tcp_accept_suite = {
	.name = "ext_tcp_accept",
	.clean = pt_suite_clean,
	.tests = accept_tests,
};
