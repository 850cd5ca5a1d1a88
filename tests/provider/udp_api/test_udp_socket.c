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
	PT_OK(getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOW, (char *)&got,
		&len));
	CU_ASSERT_EQUAL(got.dwCatalogEntryId, e.dwCatalogEntryId);
	pt_close(s);
	s = WSASocketW(0, 0, 0, &e, 0, WSA_FLAG_OVERLAPPED);
	CU_ASSERT(s != INVALID_SOCKET);
	pt_close(s);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	CU_ASSERT(s != INVALID_SOCKET);
	pt_close(s);
}

/*
 * SO_PROTOCOL_INFOW gives each socket the entry it was made with, byte
 * for byte, however many distinct ones the application passed (sockets
 * share their entries; more distinct ones than are kept shared get a
 * copy each), and after the others closed.
 */
#define PINFO_SOCKETS	40

static void
test_protocol_info_is_each_sockets_own_entry(void)
{
	WSAPROTOCOL_INFOW e[PINFO_SOCKETS], got;
	SOCKET s[PINFO_SOCKETS];
	int len;

	for (int i = 0; i < PINFO_SOCKETS; i++) {
		e[i] = *ua_udp_entry();
		e[i].dwProviderReserved = 1000 + (i % (PINFO_SOCKETS / 2));
		s[i] = WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO,
			FROM_PROTOCOL_INFO, &e[i], 0, 0);
		CU_ASSERT_FATAL(s[i] != INVALID_SOCKET);
	}
	for (int i = 0; i < PINFO_SOCKETS; i += 2)
		pt_close(s[i]);
	for (int i = 1; i < PINFO_SOCKETS; i += 2) {
		memset(&got, 0xa5, sizeof(got));
		len = sizeof(got);
		PT_OK(getsockopt(s[i], SOL_SOCKET, SO_PROTOCOL_INFOW,
			(char *)&got, &len));
		CU_ASSERT_EQUAL(len, (int)sizeof(got));
		CU_ASSERT(memcmp(&got, &e[i], sizeof(got)) == 0);
		pt_close(s[i]);
	}
}

/* An address family other than AF_INET: WSAEAFNOSUPPORT. */
static void
test_socket_af_inet6_fails_eafnosupport(void)
{
	WSAPROTOCOL_INFOW e = *ua_udp_entry();

	PT_FAILS(WSASocketW(AF_INET6, SOCK_DGRAM, IPPROTO_UDP, &e, 0, 0),
		WSAEAFNOSUPPORT);
}

/* A socket type the entry does not serve: WSAESOCKTNOSUPPORT. */
static void
test_socket_stream_or_raw_fails_esocktnosupport(void)
{
	WSAPROTOCOL_INFOW e = *ua_udp_entry();

	PT_FAILS(WSASocketW(AF_INET, SOCK_STREAM, 0, &e, 0, 0),
		WSAESOCKTNOSUPPORT);
	PT_FAILS(WSASocketW(AF_INET, SOCK_RAW, 0, &e, 0, 0),
		WSAESOCKTNOSUPPORT);
}

/* TCP asked for on a datagram socket: WSAEPROTOTYPE. */
static void
test_socket_tcp_protocol_on_dgram_fails_eprototype(void)
{
	WSAPROTOCOL_INFOW e = *ua_udp_entry();

	PT_FAILS(WSASocketW(AF_INET, SOCK_DGRAM, IPPROTO_TCP, &e, 0, 0),
		WSAEPROTOTYPE);
}

/* A protocol number nobody serves: WSAEPROTONOSUPPORT. */
static void
test_socket_unknown_protocol_fails_eprotonosupport(void)
{
	WSAPROTOCOL_INFOW e = *ua_udp_entry();

	PT_FAILS(WSASocketW(AF_INET, SOCK_DGRAM, 99, &e, 0, 0),
		WSAEPROTONOSUPPORT);
}

/* Socket groups are not supported: any g != 0 is WSAEINVAL. */
static void
test_socket_group_fails_einval(void)
{
	enum { SG_UNCONSTRAINED_GROUP = 1, SG_CONSTRAINED_GROUP = 2 };
	WSAPROTOCOL_INFOW e = *ua_udp_entry();

	PT_FAILS(WSASocketW(AF_INET, SOCK_DGRAM, 0, &e,
		SG_UNCONSTRAINED_GROUP, 0), WSAEINVAL);
	PT_FAILS(WSASocketW(AF_INET, SOCK_DGRAM, 0, &e, SG_CONSTRAINED_GROUP,
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
	PT_FAILS(socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP), WSAENOBUFS);
	s = ua_bound(NULL);
	CU_ASSERT_EQUAL(ws2_stub_socket_count(), 1);
	pt_close(s);
}

/* ---- WSPBind ---- */

/* Port 0 picks an ephemeral port in Windows' dynamic range. */
static void
test_bind_port_zero_picks_ephemeral(void)
{
	struct sockaddr_in a;
	SOCKET s = ua_bound(&a);

	CU_ASSERT(ntohs(a.sin_port) >= 49152);
	CU_ASSERT_EQUAL(ntohl(a.sin_addr.s_addr), PT_IP);
	pt_close(s);
}

/* INADDR_ANY binds and getsockname reports 0.0.0.0 with a port. */
static void
test_bind_inaddr_any_succeeds(void)
{
	struct sockaddr_in a = pt_sin(0, 0);
	int len = PT_SIN_LEN;
	SOCKET s = ua_udp();

	PT_OK(bind(s, PT_SA(a), PT_SIN_LEN));
	PT_OK(getsockname(s, PT_SA(a), &len));
	CU_ASSERT_EQUAL(a.sin_addr.s_addr, 0);
	CU_ASSERT_NOT_EQUAL(a.sin_port, 0);
	pt_close(s);
}

/* A NULL name or one shorter than sockaddr_in: WSAEFAULT. */
static void
test_bind_null_or_short_name_fails_efault(void)
{
	struct sockaddr_in a = pt_sin(PT_IP, 0);
	SOCKET s = ua_udp();

	PT_FAILS(bind(s, NULL, PT_SIN_LEN), WSAEFAULT);
	PT_FAILS(bind(s, PT_SA(a), PT_SIN_LEN - 1), WSAEFAULT);
	PT_FAILS(bind(s, PT_SA(a), 0), WSAEFAULT);
	/* None of them bound the socket. */
	PT_OK(bind(s, PT_SA(a), PT_SIN_LEN));
	pt_close(s);
}

/*
 * A name of another family: WSAEAFNOSUPPORT (what Windows is reported to
 * return; LPWSPBind's page documents WSAEFAULT for this case).
 */
static void
test_bind_other_family_fails_eafnosupport(void)
{
	struct sockaddr_in a = pt_sin(PT_IP, 0);
	SOCKET s = ua_udp();

	a.sin_family = AF_INET6;
	PT_FAILS(bind(s, PT_SA(a), PT_SIN_LEN), WSAEAFNOSUPPORT);
	pt_close(s);
}

/*
 * An address that is not ours, nor the OS's (foreign, multicast,
 * broadcast): WSAEADDRNOTAVAIL. (bind's page says a broadcast bind without
 * SO_BROADCAST fails WSAEACCES; LPWSPBind's page does not list it.)
 * Loopback binds go to the OS provider (tests/provider/ospath).
 */
static void
test_bind_not_our_address_fails_eaddrnotavail(void)
{
	static const uint32_t bad[] = {
		PT_FOREIGN, UA_MCAST, UA_BCAST, 0xffffffffu,
	};
	SOCKET s = ua_udp();

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sockaddr_in a = pt_sin(bad[i], 5000);

		PT_FAILS(bind(s, PT_SA(a), PT_SIN_LEN), WSAEADDRNOTAVAIL);
	}
	pt_close(s);
}

/* A second bind of a bound socket: WSAEINVAL. */
static void
test_bind_twice_fails_einval(void)
{
	struct sockaddr_in a = pt_sin(PT_IP, 0);
	SOCKET s = ua_bound(NULL);

	PT_FAILS(bind(s, PT_SA(a), PT_SIN_LEN), WSAEINVAL);
	pt_close(s);
}

/* The same address:port twice, or the wildcard over it: WSAEADDRINUSE. */
static void
test_bind_port_in_use_fails_eaddrinuse(void)
{
	struct sockaddr_in a;
	SOCKET s1 = ua_bound(&a), s2 = ua_udp(), s3 = ua_udp();
	struct sockaddr_in any = pt_sin(0, ntohs(a.sin_port));

	PT_FAILS(bind(s2, PT_SA(a), PT_SIN_LEN), WSAEADDRINUSE);
	PT_FAILS(bind(s3, PT_SA(any), PT_SIN_LEN), WSAEADDRINUSE);
	pt_close(s1);
	pt_close(s2);
	pt_close(s3);
}

/* Closing a socket frees its port for the next bind. */
static void
test_bind_after_close_reuses_port(void)
{
	struct sockaddr_in a;
	SOCKET s1 = ua_bound(&a), s2 = ua_udp();

	pt_close(s1);
	PT_OK(bind(s2, PT_SA(a), PT_SIN_LEN));
	pt_close(s2);
}

/* SO_REUSEADDR on the second socket lets it share the port. */
static void
test_bind_reuseaddr_allows_second_bind(void)
{
	struct sockaddr_in a;
	SOCKET s1 = ua_bound(&a), s2 = ua_udp();

	pt_setopt_int(s2, SOL_SOCKET, SO_REUSEADDR, 1);
	PT_OK(bind(s2, PT_SA(a), PT_SIN_LEN));
	pt_close(s1);
	pt_close(s2);
}

/* Over a socket that set SO_EXCLUSIVEADDRUSE, even SO_REUSEADDR gets
 * WSAEACCES. */
static void
test_bind_over_exclusiveaddruse_fails_eacces(void)
{
	struct sockaddr_in a = pt_sin(PT_IP, 0);
	int len = PT_SIN_LEN;
	SOCKET s1 = ua_udp(), s2 = ua_udp(), s3 = ua_udp();

	pt_setopt_int(s1, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1);
	PT_OK(bind(s1, PT_SA(a), PT_SIN_LEN));
	PT_OK(getsockname(s1, PT_SA(a), &len));
	pt_setopt_int(s2, SOL_SOCKET, SO_REUSEADDR, 1);
	PT_FAILS(bind(s2, PT_SA(a), PT_SIN_LEN), WSAEACCES);
	PT_FAILS(bind(s3, PT_SA(a), PT_SIN_LEN), WSAEACCES);
	pt_close(s1);
	pt_close(s2);
	pt_close(s3);
}

/* ---- WSPConnect, WSPGetPeerName ---- */

/* connect sets the default peer: getpeername reports it, send goes to
 * it, and the socket is bound implicitly. */
static void
test_connect_sets_default_peer(void)
{
	struct sockaddr_in b, p, n;
	int len = PT_SIN_LEN;
	SOCKET rx = ua_bound(&b), tx = ua_udp();
	char buf[16];

	PT_OK(connect(tx, PT_SA(b), PT_SIN_LEN));
	PT_OK(getpeername(tx, PT_SA(p), &len));
	CU_ASSERT_EQUAL(len, PT_SIN_LEN);
	CU_ASSERT_EQUAL(memcmp(&p, &b, sizeof(p)), 0);
	len = PT_SIN_LEN;
	PT_OK(getsockname(tx, PT_SA(n), &len));
	CU_ASSERT_NOT_EQUAL(n.sin_port, 0);
	CU_ASSERT_EQUAL(send(tx, "peer", 4, 0), 4);
	CU_ASSERT_EQUAL(ua_recv(rx, buf, sizeof(buf), NULL, PT_WAIT_MS), 4);
	CU_ASSERT_EQUAL(memcmp(buf, "peer", 4), 0);
	pt_close(rx);
	pt_close(tx);
}

/* Connecting to the all-zero address dissolves the association. */
static void
test_connect_all_zero_disconnects(void)
{
	struct sockaddr_in b, zero = pt_sin(0, 0), p;
	int len = PT_SIN_LEN;
	SOCKET rx = ua_bound(&b), tx = ua_udp();

	PT_OK(connect(tx, PT_SA(b), PT_SIN_LEN));
	PT_OK(connect(tx, PT_SA(zero), PT_SIN_LEN));
	PT_FAILS(getpeername(tx, PT_SA(p), &len), WSAENOTCONN);
	PT_FAILS(send(tx, "x", 1, 0), WSAENOTCONN);
	/* AF_UNSPEC does the same. */
	PT_OK(connect(tx, PT_SA(b), PT_SIN_LEN));
	zero.sin_family = AF_UNSPEC;
	PT_OK(connect(tx, PT_SA(zero), PT_SIN_LEN));
	PT_FAILS(getpeername(tx, PT_SA(p), &len), WSAENOTCONN);
	pt_close(rx);
	pt_close(tx);
}

/* A remote port 0 or address 0: WSAEADDRNOTAVAIL. */
static void
test_connect_port_or_address_zero_fails_eaddrnotavail(void)
{
	struct sockaddr_in p0 = pt_sin(PT_IP, 0), a0 = pt_sin(0, 5000);
	SOCKET s = ua_udp();

	PT_FAILS(connect(s, PT_SA(p0), PT_SIN_LEN), WSAEADDRNOTAVAIL);
	PT_FAILS(connect(s, PT_SA(a0), PT_SIN_LEN), WSAEADDRNOTAVAIL);
	pt_close(s);
}

/* A broadcast peer needs SO_BROADCAST: WSAEACCES without, fine with. */
static void
test_connect_broadcast_needs_so_broadcast(void)
{
	struct sockaddr_in bc = pt_sin(UA_BCAST, 5000),
		all = pt_sin(0xffffffffu, 5000);
	SOCKET s = ua_udp();

	PT_FAILS(connect(s, PT_SA(bc), PT_SIN_LEN), WSAEACCES);
	PT_FAILS(connect(s, PT_SA(all), PT_SIN_LEN), WSAEACCES);
	pt_setopt_int(s, SOL_SOCKET, SO_BROADCAST, 1);
	PT_OK(connect(s, PT_SA(bc), PT_SIN_LEN));
	PT_OK(connect(s, PT_SA(all), PT_SIN_LEN));
	pt_close(s);
}

/* A NULL or short name: WSAEFAULT; another family: WSAEAFNOSUPPORT. */
static void
test_connect_bad_name_fails_efault_or_eafnosupport(void)
{
	SOCKET s = ua_udp();

	pt_connect_bad_names_fail(s);
	pt_close(s);
}

/* UDP has no connect data: WSAConnect with caller data is
 * WSAEOPNOTSUPP. */
static void
test_connect_with_caller_data_fails_eopnotsupp(void)
{
	struct sockaddr_in a = pt_sin(PT_IP, 5000);
	WSABUF data = { .len = 4, .buf = (char *)"data" };
	SOCKET s = ua_udp();

	PT_FAILS(WSAConnect(s, PT_SA(a), PT_SIN_LEN, &data, NULL, NULL, NULL),
		WSAEOPNOTSUPP);
	pt_close(s);
}

/* getpeername of an unconnected socket: WSAENOTCONN; a short buffer on
 * a connected one: WSAEFAULT. */
static void
test_getpeername_errors(void)
{
	struct sockaddr_in a = pt_sin(PT_IP, 5000), p;
	int len = PT_SIN_LEN;
	SOCKET s = ua_udp();

	PT_FAILS(getpeername(s, PT_SA(p), &len), WSAENOTCONN);
	PT_OK(connect(s, PT_SA(a), PT_SIN_LEN));
	len = PT_SIN_LEN - 1;
	PT_FAILS(getpeername(s, PT_SA(p), &len), WSAEFAULT);
	PT_FAILS(getpeername(s, PT_SA(p), NULL), WSAEFAULT);
	pt_close(s);
}

/* ---- WSPGetSockName ---- */

/* getsockname of an unbound socket: WSAEINVAL. */
static void
test_getsockname_unbound_fails_einval(void)
{
	struct sockaddr_in a;
	int len = PT_SIN_LEN;
	SOCKET s = ua_udp();

	PT_FAILS(getsockname(s, PT_SA(a), &len), WSAEINVAL);
	pt_close(s);
}

/* A short, NULL-length or NULL buffer: WSAEFAULT. */
static void
test_getsockname_short_buffer_fails_efault(void)
{
	struct sockaddr_in a;
	int len = PT_SIN_LEN - 1;
	SOCKET s = ua_bound(NULL);

	PT_FAILS(getsockname(s, PT_SA(a), &len), WSAEFAULT);
	PT_FAILS(getsockname(s, PT_SA(a), NULL), WSAEFAULT);
	len = PT_SIN_LEN;
	PT_FAILS(getsockname(s, NULL, &len), WSAEFAULT);
	pt_close(s);
}

/* sendto binds implicitly: to 0.0.0.0 and an ephemeral port. */
static void
test_getsockname_after_sendto_reports_implicit_bind(void)
{
	struct sockaddr_in to = pt_sin(PT_IP, ua_closed_port()), a;
	int len = PT_SIN_LEN;
	SOCKET s = ua_udp();
	u_long off = 0;

	/* The datagram goes to a closed port: the ICMP reply is not the
	 * point here. */
	PT_OK(WSAIoctl(s, SIO_UDP_CONNRESET, &off, sizeof(off), NULL, 0,
		&(DWORD){ 0 }, NULL, NULL));
	CU_ASSERT_EQUAL(sendto(s, "x", 1, 0, PT_SA(to), PT_SIN_LEN), 1);
	PT_OK(getsockname(s, PT_SA(a), &len));
	CU_ASSERT_EQUAL(a.sin_addr.s_addr, 0);
	CU_ASSERT(ntohs(a.sin_port) >= 49152);
	pt_close(s);
}

/* ---- WSPShutdown, WSPCloseSocket ---- */

/* A how other than SD_RECEIVE/SD_SEND/SD_BOTH: WSAEINVAL. */
static void
test_shutdown_bad_how_fails_einval(void)
{
	SOCKET s = ua_bound(NULL);

	PT_FAILS(shutdown(s, 3), WSAEINVAL);
	PT_FAILS(shutdown(s, -1), WSAEINVAL);
	PT_OK(shutdown(s, SD_BOTH));
	pt_close(s);
}

/* After WSPCloseSocket, every entry fails WSAENOTSOCK for the handle. */
static void
test_closed_handle_fails_enotsock_everywhere(void)
{
	const WSPPROC_TABLE *p = ws2_stub_proc_table();
	struct sockaddr_in a = pt_sin(PT_IP, 5000);
	SOCKET s = ua_bound(NULL), other = ua_udp();
	char buf[8];
	WSABUF wb = { .len = sizeof(buf), .buf = buf };
	DWORD n = 0, fl = 0;
	int len = PT_SIN_LEN, v = 1, vl = sizeof(v), err = 0;
	fd_set rd;
	LINGER lg;

	pt_close(s);
	/* Through Ws2_32 first: the handle is gone from its table. */
	PT_FAILS(closesocket(s), WSAENOTSOCK);
	PT_FAILS(send(s, "x", 1, 0), WSAENOTSOCK);
	/* Then straight at the provider, as a racing call would arrive. */
	PT_WSP_FAILS(p->lpWSPBind(s, PT_SA(a), len, &err), err, WSAENOTSOCK);
	PT_WSP_FAILS(p->lpWSPConnect(s, PT_SA(a), len, NULL, NULL, NULL,
		NULL, &err), err, WSAENOTSOCK);
	PT_WSP_FAILS(p->lpWSPSend(s, &wb, 1, &n, 0, NULL, NULL, NULL, &err),
		err, WSAENOTSOCK);
	PT_WSP_FAILS(p->lpWSPSendTo(s, &wb, 1, &n, 0, PT_SA(a), len, NULL,
		NULL, NULL, &err), err, WSAENOTSOCK);
	PT_WSP_FAILS(p->lpWSPRecv(s, &wb, 1, &n, &fl, NULL, NULL, NULL, &err),
		err, WSAENOTSOCK);
	PT_WSP_FAILS(p->lpWSPRecvFrom(s, &wb, 1, &n, &fl, PT_SA(a), &len,
		NULL, NULL, NULL, &err), err, WSAENOTSOCK);
	PT_WSP_FAILS(p->lpWSPGetSockName(s, PT_SA(a), &len, &err), err,
		WSAENOTSOCK);
	PT_WSP_FAILS(p->lpWSPGetPeerName(s, PT_SA(a), &len, &err), err,
		WSAENOTSOCK);
	PT_WSP_FAILS(p->lpWSPSetSockOpt(s, SOL_SOCKET, SO_BROADCAST,
		(char *)&v, vl, &err), err, WSAENOTSOCK);
	PT_WSP_FAILS(p->lpWSPGetSockOpt(s, SOL_SOCKET, SO_BROADCAST,
		(char *)&v, &vl, &err), err, WSAENOTSOCK);
	vl = sizeof(lg);
	PT_WSP_FAILS(p->lpWSPGetSockOpt(s, SOL_SOCKET, SO_LINGER,
		(char *)&lg, &vl, &err), err, WSAENOTSOCK);
	PT_WSP_FAILS(p->lpWSPIoctl(s, FIONREAD, NULL, 0, &v, sizeof(v), &n,
		NULL, NULL, NULL, &err), err, WSAENOTSOCK);
	PT_WSP_FAILS(p->lpWSPShutdown(s, SD_BOTH, &err), err, WSAENOTSOCK);
	PT_WSP_FAILS(p->lpWSPCloseSocket(s, &err), err, WSAENOTSOCK);
	CU_ASSERT_FALSE(p->lpWSPGetOverlappedResult(s,
		&(WSAOVERLAPPED){ 0 }, &n, FALSE, &fl, &err));
	CU_ASSERT_EQUAL(err, WSAENOTSOCK);
	/* select: a live socket first, the dead one second. */
	FD_ZERO(&rd);
	FD_SET(other, &rd);
	FD_SET(s, &rd);
	PT_WSP_FAILS(p->lpWSPSelect(0, &rd, NULL, NULL,
		&(struct timeval){ 0, 0 }, &err), err, WSAENOTSOCK);
	pt_close(other);
}

/*
 * A closed handle whose provider socket has been recycled for a new
 * socket (a racing call arrives after the close and the next socket()):
 * WSAENOTSOCK, and the new socket is untouched.
 */
static void
test_stale_handle_after_reuse_fails_enotsock(void)
{
	const WSPPROC_TABLE *p = ws2_stub_proc_table();
	struct sockaddr_in a = pt_sin(PT_IP, 0), name;
	SOCKET s = ua_udp(), s2;
	char buf[8];
	WSABUF wb = { .len = sizeof(buf), .buf = buf };
	DWORD n = 0, fl = 0;
	int len = PT_SIN_LEN, err = 0;

	/* A call through the handle first: it is the one the provider
	 * resolves fastest. */
	PT_FAILS(getsockname(s, PT_SA(name), &len), WSAEINVAL);
	pt_close(s);
	s2 = ua_udp();
	CU_ASSERT_NOT_EQUAL(s2, s);
	len = PT_SIN_LEN;
	PT_WSP_FAILS(p->lpWSPBind(s, PT_SA(a), len, &err), err, WSAENOTSOCK);
	PT_WSP_FAILS(p->lpWSPSendTo(s, &wb, 1, &n, 0, PT_SA(a), len, NULL,
		NULL, NULL, &err), err, WSAENOTSOCK);
	PT_WSP_FAILS(p->lpWSPRecv(s, &wb, 1, &n, &fl, NULL, NULL, NULL, &err),
		err, WSAENOTSOCK);
	PT_WSP_FAILS(p->lpWSPCloseSocket(s, &err), err, WSAENOTSOCK);
	/* The bind did not land on the new socket, nor the close. */
	PT_FAILS(getsockname(s2, PT_SA(name), &len), WSAEINVAL);
	PT_OK(bind(s2, PT_SA(a), PT_SIN_LEN));
	pt_close(s2);
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
		PT_OK(setsockopt(s[i], SOL_SOCKET, SO_LINGER, (char *)&l,
			sizeof(l)));
		pt_close(s[i]);
	}
	/* A round trip through the lcore that handled both closes. */
	rx = ua_bound(&to);
	tx = ua_udp();
	ua_send_wait(tx, rx, &to, "alive", 5);
	CU_ASSERT_EQUAL(ua_recv(rx, buf, sizeof(buf), NULL, PT_WAIT_MS), 5);
	pt_close(rx);
	pt_close(tx);
}

/* A handle value that was never a socket: WSAENOTSOCK. */
static void
test_bogus_handle_fails_enotsock(void)
{
	const WSPPROC_TABLE *p = ws2_stub_proc_table();
	struct sockaddr_in a = pt_sin(PT_IP, 0);
	int err = 0;

	PT_FAILS(bind((SOCKET)0x7ffffff0, PT_SA(a), PT_SIN_LEN), WSAENOTSOCK);
	PT_WSP_FAILS(p->lpWSPBind((SOCKET)0x7ffffff0, PT_SA(a), PT_SIN_LEN,
		&err), err, WSAENOTSOCK);
	PT_WSP_FAILS(p->lpWSPCloseSocket(INVALID_SOCKET, &err), err,
		WSAENOTSOCK);
}

static const struct wt_test socket_tests[] = {
	WT_TEST(test_socket_wildcards_take_the_catalog_entry),
	WT_TEST(test_protocol_info_is_each_sockets_own_entry),
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
	WT_TEST(test_stale_handle_after_reuse_fails_enotsock),
	WT_TEST(test_abortive_close_of_socket_that_never_sent),
	WT_TEST(test_bogus_handle_fails_enotsock),
	WT_TEST_END
};

const struct wt_suite test_udp_socket_suite = {
	.name = "udp_socket",
	.clean = pt_suite_clean,
	.tests = socket_tests,
};

const struct wt_suite test_udp_bind_suite = {
	.name = "udp_bind",
	.clean = pt_suite_clean,
	.tests = bind_tests,
};

const struct wt_suite test_udp_connect_names_suite = {
	.name = "udp_connect_names",
	.clean = pt_suite_clean,
	.tests = name_tests,
};

const struct wt_suite test_udp_shutdown_close_suite = {
	.name = "udp_shutdown_close",
	.clean = pt_suite_clean,
	.tests = close_tests,
};
