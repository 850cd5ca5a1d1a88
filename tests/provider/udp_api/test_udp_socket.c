/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Socket life and naming: WSPSocket, WSPBind, WSPConnect, WSPGetSockName,
 * WSPGetPeerName, WSPShutdown, WSPCloseSocket -- each documented error
 * path with its exact code, and the successes next to them.
 */
#include <string.h>

#include <CUnit/CUnit.h>

#include "udp_api.h"

/* ---- WSPSocket ---- */

/* 0 and FROM_PROTOCOL_INFO take af, type and protocol from the entry. */
static void
test_socket_wildcards_take_the_catalog_entry(void)
{
	WSAPROTOCOL_INFOW e = *ua_udp_entry();
	WSAPROTOCOL_INFOW got;
	int len = sizeof(got);
	SOCKET s;

	s = WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO,
		FROM_PROTOCOL_INFO, &e, 0, 0);
	CU_ASSERT_FATAL(s != INVALID_SOCKET);
	UA_OK(getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOW, (char *)&got,
		&len));
	CU_ASSERT_EQUAL(got.dwCatalogEntryId, e.dwCatalogEntryId);
	ua_close(s);
	s = WSASocketW(0, 0, 0, &e, 0, WSA_FLAG_OVERLAPPED);
	CU_ASSERT(s != INVALID_SOCKET);
	ua_close(s);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	CU_ASSERT(s != INVALID_SOCKET);
	ua_close(s);
}

/* An address family other than AF_INET: WSAEAFNOSUPPORT. */
static void
test_socket_af_inet6_fails_eafnosupport(void)
{
	WSAPROTOCOL_INFOW e = *ua_udp_entry();

	UA_FAILS(WSASocketW(AF_INET6, SOCK_DGRAM, IPPROTO_UDP, &e, 0, 0),
		WSAEAFNOSUPPORT);
}

/* A socket type the entry does not serve: WSAESOCKTNOSUPPORT. */
static void
test_socket_stream_or_raw_fails_esocktnosupport(void)
{
	WSAPROTOCOL_INFOW e = *ua_udp_entry();

	UA_FAILS(WSASocketW(AF_INET, SOCK_STREAM, 0, &e, 0, 0),
		WSAESOCKTNOSUPPORT);
	UA_FAILS(WSASocketW(AF_INET, SOCK_RAW, 0, &e, 0, 0),
		WSAESOCKTNOSUPPORT);
}

/* TCP asked for on a datagram socket: WSAEPROTOTYPE. */
static void
test_socket_tcp_protocol_on_dgram_fails_eprototype(void)
{
	WSAPROTOCOL_INFOW e = *ua_udp_entry();

	UA_FAILS(WSASocketW(AF_INET, SOCK_DGRAM, IPPROTO_TCP, &e, 0, 0),
		WSAEPROTOTYPE);
}

/* A protocol number nobody serves: WSAEPROTONOSUPPORT. */
static void
test_socket_unknown_protocol_fails_eprotonosupport(void)
{
	WSAPROTOCOL_INFOW e = *ua_udp_entry();

	UA_FAILS(WSASocketW(AF_INET, SOCK_DGRAM, 99, &e, 0, 0),
		WSAEPROTONOSUPPORT);
}

/* Socket groups are not supported: any g != 0 is WSAEINVAL. */
static void
test_socket_group_fails_einval(void)
{
	enum { SG_UNCONSTRAINED_GROUP = 1, SG_CONSTRAINED_GROUP = 2 };
	WSAPROTOCOL_INFOW e = *ua_udp_entry();

	UA_FAILS(WSASocketW(AF_INET, SOCK_DGRAM, 0, &e,
		SG_UNCONSTRAINED_GROUP, 0), WSAEINVAL);
	UA_FAILS(WSASocketW(AF_INET, SOCK_DGRAM, 0, &e, SG_CONSTRAINED_GROUP,
		0), WSAEINVAL);
}

/* When Ws2_32 cannot give the new socket a handle: WSAENOBUFS, the
 * provider's half is undone (an abortive close of a socket that never
 * sent), and the next socket() works. */
static void
test_socket_without_a_handle_fails_enobufs(void)
{
	SOCKET s;

	ws2_stub_fail_socket_handles(1);
	UA_FAILS(socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP), WSAENOBUFS);
	s = ua_bound(NULL);
	CU_ASSERT_EQUAL(ws2_stub_socket_count(), 1);
	ua_close(s);
}

/* ---- WSPBind ---- */

/* Port 0 picks an ephemeral port in Windows' dynamic range. */
static void
test_bind_port_zero_picks_ephemeral(void)
{
	struct sockaddr_in a;
	SOCKET s = ua_bound(&a);

	CU_ASSERT(ntohs(a.sin_port) >= 49152);
	CU_ASSERT_EQUAL(ntohl(a.sin_addr.s_addr), UA_IP);
	ua_close(s);
}

/* INADDR_ANY binds and getsockname reports 0.0.0.0 with a port. */
static void
test_bind_inaddr_any_succeeds(void)
{
	struct sockaddr_in a = ua_sin(0, 0);
	int len = UA_SIN_LEN;
	SOCKET s = ua_udp();

	UA_OK(bind(s, UA_SA(a), UA_SIN_LEN));
	UA_OK(getsockname(s, UA_SA(a), &len));
	CU_ASSERT_EQUAL(a.sin_addr.s_addr, 0);
	CU_ASSERT_NOT_EQUAL(a.sin_port, 0);
	ua_close(s);
}

/* A NULL name or one shorter than sockaddr_in: WSAEFAULT. */
static void
test_bind_null_or_short_name_fails_efault(void)
{
	struct sockaddr_in a = ua_sin(UA_IP, 0);
	SOCKET s = ua_udp();

	UA_FAILS(bind(s, NULL, UA_SIN_LEN), WSAEFAULT);
	UA_FAILS(bind(s, UA_SA(a), UA_SIN_LEN - 1), WSAEFAULT);
	UA_FAILS(bind(s, UA_SA(a), 0), WSAEFAULT);
	/* None of them bound the socket. */
	UA_OK(bind(s, UA_SA(a), UA_SIN_LEN));
	ua_close(s);
}

/*
 * A name of another family: WSAEAFNOSUPPORT (what Windows is reported to
 * return; LPWSPBind's page documents WSAEFAULT for this case).
 */
static void
test_bind_other_family_fails_eafnosupport(void)
{
	struct sockaddr_in a = ua_sin(UA_IP, 0);
	SOCKET s = ua_udp();

	a.sin_family = AF_INET6;
	UA_FAILS(bind(s, UA_SA(a), UA_SIN_LEN), WSAEAFNOSUPPORT);
	ua_close(s);
}

/*
 * An address that is not ours (foreign, multicast, broadcast, loopback):
 * WSAEADDRNOTAVAIL. (bind's page says a broadcast bind without
 * SO_BROADCAST fails WSAEACCES; LPWSPBind's page does not list it.)
 */
static void
test_bind_not_our_address_fails_eaddrnotavail(void)
{
	static const uint32_t bad[] = {
		UA_FOREIGN, UA_MCAST, UA_BCAST, 0xffffffffu, 0x7f000001u,
	};
	SOCKET s = ua_udp();

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sockaddr_in a = ua_sin(bad[i], 5000);

		UA_FAILS(bind(s, UA_SA(a), UA_SIN_LEN), WSAEADDRNOTAVAIL);
	}
	ua_close(s);
}

/* A second bind of a bound socket: WSAEINVAL. */
static void
test_bind_twice_fails_einval(void)
{
	struct sockaddr_in a = ua_sin(UA_IP, 0);
	SOCKET s = ua_bound(NULL);

	UA_FAILS(bind(s, UA_SA(a), UA_SIN_LEN), WSAEINVAL);
	ua_close(s);
}

/* The same address:port twice, or the wildcard over it: WSAEADDRINUSE. */
static void
test_bind_port_in_use_fails_eaddrinuse(void)
{
	struct sockaddr_in a;
	SOCKET s1 = ua_bound(&a), s2 = ua_udp(), s3 = ua_udp();
	struct sockaddr_in any = ua_sin(0, ntohs(a.sin_port));

	UA_FAILS(bind(s2, UA_SA(a), UA_SIN_LEN), WSAEADDRINUSE);
	UA_FAILS(bind(s3, UA_SA(any), UA_SIN_LEN), WSAEADDRINUSE);
	ua_close(s1);
	ua_close(s2);
	ua_close(s3);
}

/* Closing a socket frees its port for the next bind. */
static void
test_bind_after_close_reuses_port(void)
{
	struct sockaddr_in a;
	SOCKET s1 = ua_bound(&a), s2 = ua_udp();

	ua_close(s1);
	UA_OK(bind(s2, UA_SA(a), UA_SIN_LEN));
	ua_close(s2);
}

/* SO_REUSEADDR on the second socket lets it share the port. */
static void
test_bind_reuseaddr_allows_second_bind(void)
{
	struct sockaddr_in a;
	SOCKET s1 = ua_bound(&a), s2 = ua_udp();

	ua_setopt_int(s2, SOL_SOCKET, SO_REUSEADDR, 1);
	UA_OK(bind(s2, UA_SA(a), UA_SIN_LEN));
	ua_close(s1);
	ua_close(s2);
}

/* Over a socket that set SO_EXCLUSIVEADDRUSE, even SO_REUSEADDR gets
 * WSAEACCES. */
static void
test_bind_over_exclusiveaddruse_fails_eacces(void)
{
	struct sockaddr_in a = ua_sin(UA_IP, 0);
	int len = UA_SIN_LEN;
	SOCKET s1 = ua_udp(), s2 = ua_udp(), s3 = ua_udp();

	ua_setopt_int(s1, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1);
	UA_OK(bind(s1, UA_SA(a), UA_SIN_LEN));
	UA_OK(getsockname(s1, UA_SA(a), &len));
	ua_setopt_int(s2, SOL_SOCKET, SO_REUSEADDR, 1);
	UA_FAILS(bind(s2, UA_SA(a), UA_SIN_LEN), WSAEACCES);
	UA_FAILS(bind(s3, UA_SA(a), UA_SIN_LEN), WSAEACCES);
	ua_close(s1);
	ua_close(s2);
	ua_close(s3);
}

/* ---- WSPConnect, WSPGetPeerName ---- */

/* connect sets the default peer: getpeername reports it, send goes to
 * it, and the socket is bound implicitly. */
static void
test_connect_sets_default_peer(void)
{
	struct sockaddr_in b, p, n;
	int len = UA_SIN_LEN;
	SOCKET rx = ua_bound(&b), tx = ua_udp();
	char buf[16];

	UA_OK(connect(tx, UA_SA(b), UA_SIN_LEN));
	UA_OK(getpeername(tx, UA_SA(p), &len));
	CU_ASSERT_EQUAL(len, UA_SIN_LEN);
	CU_ASSERT_EQUAL(memcmp(&p, &b, sizeof(p)), 0);
	len = UA_SIN_LEN;
	UA_OK(getsockname(tx, UA_SA(n), &len));
	CU_ASSERT_NOT_EQUAL(n.sin_port, 0);
	CU_ASSERT_EQUAL(send(tx, "peer", 4, 0), 4);
	CU_ASSERT_EQUAL(ua_recv(rx, buf, sizeof(buf), NULL, UA_WAIT_MS), 4);
	CU_ASSERT_EQUAL(memcmp(buf, "peer", 4), 0);
	ua_close(rx);
	ua_close(tx);
}

/* Connecting to the all-zero address dissolves the association. */
static void
test_connect_all_zero_disconnects(void)
{
	struct sockaddr_in b, zero = ua_sin(0, 0), p;
	int len = UA_SIN_LEN;
	SOCKET rx = ua_bound(&b), tx = ua_udp();

	UA_OK(connect(tx, UA_SA(b), UA_SIN_LEN));
	UA_OK(connect(tx, UA_SA(zero), UA_SIN_LEN));
	UA_FAILS(getpeername(tx, UA_SA(p), &len), WSAENOTCONN);
	UA_FAILS(send(tx, "x", 1, 0), WSAENOTCONN);
	/* AF_UNSPEC does the same. */
	UA_OK(connect(tx, UA_SA(b), UA_SIN_LEN));
	zero.sin_family = AF_UNSPEC;
	UA_OK(connect(tx, UA_SA(zero), UA_SIN_LEN));
	UA_FAILS(getpeername(tx, UA_SA(p), &len), WSAENOTCONN);
	ua_close(rx);
	ua_close(tx);
}

/* A remote port 0 or address 0: WSAEADDRNOTAVAIL. */
static void
test_connect_port_or_address_zero_fails_eaddrnotavail(void)
{
	struct sockaddr_in p0 = ua_sin(UA_IP, 0), a0 = ua_sin(0, 5000);
	SOCKET s = ua_udp();

	UA_FAILS(connect(s, UA_SA(p0), UA_SIN_LEN), WSAEADDRNOTAVAIL);
	UA_FAILS(connect(s, UA_SA(a0), UA_SIN_LEN), WSAEADDRNOTAVAIL);
	ua_close(s);
}

/* A broadcast peer needs SO_BROADCAST: WSAEACCES without, fine with. */
static void
test_connect_broadcast_needs_so_broadcast(void)
{
	struct sockaddr_in bc = ua_sin(UA_BCAST, 5000),
		all = ua_sin(0xffffffffu, 5000);
	SOCKET s = ua_udp();

	UA_FAILS(connect(s, UA_SA(bc), UA_SIN_LEN), WSAEACCES);
	UA_FAILS(connect(s, UA_SA(all), UA_SIN_LEN), WSAEACCES);
	ua_setopt_int(s, SOL_SOCKET, SO_BROADCAST, 1);
	UA_OK(connect(s, UA_SA(bc), UA_SIN_LEN));
	UA_OK(connect(s, UA_SA(all), UA_SIN_LEN));
	ua_close(s);
}

/* A NULL or short name: WSAEFAULT; another family: WSAEAFNOSUPPORT. */
static void
test_connect_bad_name_fails_efault_or_eafnosupport(void)
{
	struct sockaddr_in a = ua_sin(UA_IP, 5000);
	SOCKET s = ua_udp();

	UA_FAILS(connect(s, NULL, UA_SIN_LEN), WSAEFAULT);
	UA_FAILS(connect(s, UA_SA(a), UA_SIN_LEN - 1), WSAEFAULT);
	a.sin_family = AF_INET6;
	UA_FAILS(connect(s, UA_SA(a), UA_SIN_LEN), WSAEAFNOSUPPORT);
	ua_close(s);
}

/* UDP has no connect data: WSAConnect with caller data is
 * WSAEOPNOTSUPP. */
static void
test_connect_with_caller_data_fails_eopnotsupp(void)
{
	struct sockaddr_in a = ua_sin(UA_IP, 5000);
	WSABUF data = { .len = 4, .buf = (char *)"data" };
	SOCKET s = ua_udp();

	UA_FAILS(WSAConnect(s, UA_SA(a), UA_SIN_LEN, &data, NULL, NULL, NULL),
		WSAEOPNOTSUPP);
	ua_close(s);
}

/* getpeername of an unconnected socket: WSAENOTCONN; a short buffer on
 * a connected one: WSAEFAULT. */
static void
test_getpeername_errors(void)
{
	struct sockaddr_in a = ua_sin(UA_IP, 5000), p;
	int len = UA_SIN_LEN;
	SOCKET s = ua_udp();

	UA_FAILS(getpeername(s, UA_SA(p), &len), WSAENOTCONN);
	UA_OK(connect(s, UA_SA(a), UA_SIN_LEN));
	len = UA_SIN_LEN - 1;
	UA_FAILS(getpeername(s, UA_SA(p), &len), WSAEFAULT);
	UA_FAILS(getpeername(s, UA_SA(p), NULL), WSAEFAULT);
	ua_close(s);
}

/* ---- WSPGetSockName ---- */

/* getsockname of an unbound socket: WSAEINVAL. */
static void
test_getsockname_unbound_fails_einval(void)
{
	struct sockaddr_in a;
	int len = UA_SIN_LEN;
	SOCKET s = ua_udp();

	UA_FAILS(getsockname(s, UA_SA(a), &len), WSAEINVAL);
	ua_close(s);
}

/* A short, NULL-length or NULL buffer: WSAEFAULT. */
static void
test_getsockname_short_buffer_fails_efault(void)
{
	struct sockaddr_in a;
	int len = UA_SIN_LEN - 1;
	SOCKET s = ua_bound(NULL);

	UA_FAILS(getsockname(s, UA_SA(a), &len), WSAEFAULT);
	UA_FAILS(getsockname(s, UA_SA(a), NULL), WSAEFAULT);
	len = UA_SIN_LEN;
	UA_FAILS(getsockname(s, NULL, &len), WSAEFAULT);
	ua_close(s);
}

/* sendto binds implicitly: to 0.0.0.0 and an ephemeral port. */
static void
test_getsockname_after_sendto_reports_implicit_bind(void)
{
	struct sockaddr_in to = ua_sin(UA_IP, ua_closed_port()), a;
	int len = UA_SIN_LEN;
	SOCKET s = ua_udp();
	u_long off = 0;

	/* The datagram goes to a closed port: the ICMP reply is not the
	 * point here. */
	UA_OK(WSAIoctl(s, SIO_UDP_CONNRESET, &off, sizeof(off), NULL, 0,
		&(DWORD){ 0 }, NULL, NULL));
	CU_ASSERT_EQUAL(sendto(s, "x", 1, 0, UA_SA(to), UA_SIN_LEN), 1);
	UA_OK(getsockname(s, UA_SA(a), &len));
	CU_ASSERT_EQUAL(a.sin_addr.s_addr, 0);
	CU_ASSERT(ntohs(a.sin_port) >= 49152);
	ua_close(s);
}

/* ---- WSPShutdown, WSPCloseSocket ---- */

/* A how other than SD_RECEIVE/SD_SEND/SD_BOTH: WSAEINVAL. */
static void
test_shutdown_bad_how_fails_einval(void)
{
	SOCKET s = ua_bound(NULL);

	UA_FAILS(shutdown(s, 3), WSAEINVAL);
	UA_FAILS(shutdown(s, -1), WSAEINVAL);
	UA_OK(shutdown(s, SD_BOTH));
	ua_close(s);
}

/* After WSPCloseSocket, every entry fails WSAENOTSOCK for the handle. */
static void
test_closed_handle_fails_enotsock_everywhere(void)
{
	const WSPPROC_TABLE *p = ws2_stub_proc_table();
	struct sockaddr_in a = ua_sin(UA_IP, 5000);
	SOCKET s = ua_bound(NULL), other = ua_udp();
	char buf[8];
	WSABUF wb = { .len = sizeof(buf), .buf = buf };
	DWORD n = 0, fl = 0;
	int len = UA_SIN_LEN, v = 1, vl = sizeof(v), err = 0;
	fd_set rd;
	LINGER lg;

	ua_close(s);
	/* Through Ws2_32 first: the handle is gone from its table. */
	UA_FAILS(closesocket(s), WSAENOTSOCK);
	UA_FAILS(send(s, "x", 1, 0), WSAENOTSOCK);
	/* Then straight at the provider, as a racing call would arrive. */
	UA_WSP_FAILS(p->lpWSPBind(s, UA_SA(a), len, &err), err, WSAENOTSOCK);
	UA_WSP_FAILS(p->lpWSPConnect(s, UA_SA(a), len, NULL, NULL, NULL,
		NULL, &err), err, WSAENOTSOCK);
	UA_WSP_FAILS(p->lpWSPSend(s, &wb, 1, &n, 0, NULL, NULL, NULL, &err),
		err, WSAENOTSOCK);
	UA_WSP_FAILS(p->lpWSPSendTo(s, &wb, 1, &n, 0, UA_SA(a), len, NULL,
		NULL, NULL, &err), err, WSAENOTSOCK);
	UA_WSP_FAILS(p->lpWSPRecv(s, &wb, 1, &n, &fl, NULL, NULL, NULL, &err),
		err, WSAENOTSOCK);
	UA_WSP_FAILS(p->lpWSPRecvFrom(s, &wb, 1, &n, &fl, UA_SA(a), &len,
		NULL, NULL, NULL, &err), err, WSAENOTSOCK);
	UA_WSP_FAILS(p->lpWSPGetSockName(s, UA_SA(a), &len, &err), err,
		WSAENOTSOCK);
	UA_WSP_FAILS(p->lpWSPGetPeerName(s, UA_SA(a), &len, &err), err,
		WSAENOTSOCK);
	UA_WSP_FAILS(p->lpWSPSetSockOpt(s, SOL_SOCKET, SO_BROADCAST,
		(char *)&v, vl, &err), err, WSAENOTSOCK);
	UA_WSP_FAILS(p->lpWSPGetSockOpt(s, SOL_SOCKET, SO_BROADCAST,
		(char *)&v, &vl, &err), err, WSAENOTSOCK);
	vl = sizeof(lg);
	UA_WSP_FAILS(p->lpWSPGetSockOpt(s, SOL_SOCKET, SO_LINGER,
		(char *)&lg, &vl, &err), err, WSAENOTSOCK);
	UA_WSP_FAILS(p->lpWSPIoctl(s, FIONREAD, NULL, 0, &v, sizeof(v), &n,
		NULL, NULL, NULL, &err), err, WSAENOTSOCK);
	UA_WSP_FAILS(p->lpWSPShutdown(s, SD_BOTH, &err), err, WSAENOTSOCK);
	UA_WSP_FAILS(p->lpWSPCloseSocket(s, &err), err, WSAENOTSOCK);
	CU_ASSERT_FALSE(p->lpWSPGetOverlappedResult(s,
		&(WSAOVERLAPPED){ 0 }, &n, FALSE, &fl, &err));
	CU_ASSERT_EQUAL(err, WSAENOTSOCK);
	/* select: a live socket first, the dead one second. */
	FD_ZERO(&rd);
	FD_SET(other, &rd);
	FD_SET(s, &rd);
	UA_WSP_FAILS(p->lpWSPSelect(0, &rd, NULL, NULL,
		&(struct timeval){ 0, 0 }, &err), err, WSAENOTSOCK);
	ua_close(other);
}

/* SO_LINGER {1,0}, then closesocket of a socket that never sent (bound,
 * or not even that): the abortive close succeeds and the stack goes on
 * working (the lcore once dequeued from the missing TX ring and died). */
static void
test_abortive_close_of_socket_that_never_sent(void)
{
	LINGER l = { .l_onoff = 1, .l_linger = 0 };
	struct sockaddr_in to;
	SOCKET s[2] = { ua_bound(NULL), ua_udp() }, rx, tx;
	char buf[8];

	for (int i = 0; i < 2; i++) {
		UA_OK(setsockopt(s[i], SOL_SOCKET, SO_LINGER, (char *)&l,
			sizeof(l)));
		ua_close(s[i]);
	}
	/* A round trip through the lcore that handled both closes. */
	rx = ua_bound(&to);
	tx = ua_udp();
	ua_send_wait(tx, rx, &to, "alive", 5);
	CU_ASSERT_EQUAL(ua_recv(rx, buf, sizeof(buf), NULL, UA_WAIT_MS), 5);
	ua_close(rx);
	ua_close(tx);
}

/* A handle value that was never a socket: WSAENOTSOCK. */
static void
test_bogus_handle_fails_enotsock(void)
{
	const WSPPROC_TABLE *p = ws2_stub_proc_table();
	struct sockaddr_in a = ua_sin(UA_IP, 0);
	int err = 0;

	UA_FAILS(bind((SOCKET)0x7ffffff0, UA_SA(a), UA_SIN_LEN), WSAENOTSOCK);
	UA_WSP_FAILS(p->lpWSPBind((SOCKET)0x7ffffff0, UA_SA(a), UA_SIN_LEN,
		&err), err, WSAENOTSOCK);
	UA_WSP_FAILS(p->lpWSPCloseSocket(INVALID_SOCKET, &err), err,
		WSAENOTSOCK);
}

static const struct wt_test socket_tests[] = {
	WT_TEST(test_socket_wildcards_take_the_catalog_entry),
	WT_TEST(test_socket_af_inet6_fails_eafnosupport),
	WT_TEST(test_socket_stream_or_raw_fails_esocktnosupport),
	WT_TEST(test_socket_tcp_protocol_on_dgram_fails_eprototype),
	WT_TEST(test_socket_unknown_protocol_fails_eprotonosupport),
	WT_TEST(test_socket_group_fails_einval),
	WT_TEST(test_socket_without_a_handle_fails_enobufs),
	WT_TEST_END
};

static const struct wt_test bind_tests[] = {
	WT_TEST(test_bind_port_zero_picks_ephemeral),
	WT_TEST(test_bind_inaddr_any_succeeds),
	WT_TEST(test_bind_null_or_short_name_fails_efault),
	WT_TEST(test_bind_other_family_fails_eafnosupport),
	WT_TEST(test_bind_not_our_address_fails_eaddrnotavail),
	WT_TEST(test_bind_twice_fails_einval),
	WT_TEST(test_bind_port_in_use_fails_eaddrinuse),
	WT_TEST(test_bind_after_close_reuses_port),
	WT_TEST(test_bind_reuseaddr_allows_second_bind),
	WT_TEST(test_bind_over_exclusiveaddruse_fails_eacces),
	WT_TEST_END
};

static const struct wt_test name_tests[] = {
	WT_TEST(test_connect_sets_default_peer),
	WT_TEST(test_connect_all_zero_disconnects),
	WT_TEST(test_connect_port_or_address_zero_fails_eaddrnotavail),
	WT_TEST(test_connect_broadcast_needs_so_broadcast),
	WT_TEST(test_connect_bad_name_fails_efault_or_eafnosupport),
	WT_TEST(test_connect_with_caller_data_fails_eopnotsupp),
	WT_TEST(test_getpeername_errors),
	WT_TEST(test_getsockname_unbound_fails_einval),
	WT_TEST(test_getsockname_short_buffer_fails_efault),
	WT_TEST(test_getsockname_after_sendto_reports_implicit_bind),
	WT_TEST_END
};

static const struct wt_test close_tests[] = {
	WT_TEST(test_shutdown_bad_how_fails_einval),
	WT_TEST(test_closed_handle_fails_enotsock_everywhere),
	WT_TEST(test_abortive_close_of_socket_that_never_sent),
	WT_TEST(test_bogus_handle_fails_enotsock),
	WT_TEST_END
};

const struct wt_suite test_udp_socket_suite = {
	.name = "udp_socket",
	.clean = ua_suite_clean,
	.tests = socket_tests,
};

const struct wt_suite test_udp_bind_suite = {
	.name = "udp_bind",
	.clean = ua_suite_clean,
	.tests = bind_tests,
};

const struct wt_suite test_udp_connect_names_suite = {
	.name = "udp_connect_names",
	.clean = ua_suite_clean,
	.tests = name_tests,
};

const struct wt_suite test_udp_shutdown_close_suite = {
	.name = "udp_shutdown_close",
	.clean = ua_suite_clean,
	.tests = close_tests,
};
