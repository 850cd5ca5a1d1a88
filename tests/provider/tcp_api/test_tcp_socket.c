/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * WSPSocket, WSPConnect, WSPListen, WSPAccept on TCP sockets: each call's
 * documented error codes and the state rules around them.
 */
#include <string.h>

#include <CUnit/CUnit.h>

#include "tcp_api.h"

/* ---- socket ---- */

/* socket(AF_INET, SOCK_STREAM, 0) is a TCP socket (SO_TYPE, the entry
 * SO_PROTOCOL_INFOW returns). */
static void
test_socket_stream_protocol_zero_is_tcp(void)
{
	SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
	WSAPROTOCOL_INFOW pi;
	int len = sizeof(pi);

	CU_ASSERT_FATAL(s != INVALID_SOCKET);
	CU_ASSERT_EQUAL(ta_getopt_int(s, SOL_SOCKET, SO_TYPE), SOCK_STREAM);
	PT_OK(getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOW, (char *)&pi,
		&len));
	CU_ASSERT_EQUAL(pi.iProtocol, IPPROTO_TCP);
	CU_ASSERT_EQUAL(pi.iSocketType, SOCK_STREAM);
	pt_close(s);
}

/* The entry says what we offer: reliable, ordered, graceful close; no
 * expedited data (MSG_OOB is refused) and no IFS handles. */
static void
test_socket_tcp_entry_flags_say_what_is_supported(void)
{
	const WSAPROTOCOL_INFOW *e = ta_tcp_entry();

	CU_ASSERT_EQUAL(e->dwServiceFlags1, XP1_GUARANTEED_DELIVERY |
		XP1_GUARANTEED_ORDER | XP1_GRACEFUL_CLOSE);
	CU_ASSERT_EQUAL(e->dwMessageSize, 0);
}

/* UDP asked for on the stream entry: WSAEPROTOTYPE; the TCP entry with
 * SOCK_DGRAM: WSAESOCKTNOSUPPORT; SOCK_RAW: WSAESOCKTNOSUPPORT. */
static void
test_socket_mismatched_triples_fail_as_documented(void)
{
	WSAPROTOCOL_INFOW e = *ta_tcp_entry();

	PT_FAILS(WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_UDP, &e, 0, 0),
		WSAEPROTOTYPE);
	PT_FAILS(WSASocketW(AF_INET, SOCK_DGRAM, 0, &e, 0, 0),
		WSAESOCKTNOSUPPORT);
	PT_FAILS(WSASocketW(AF_INET, SOCK_RAW, 0, &e, 0, 0),
		WSAESOCKTNOSUPPORT);
	PT_FAILS(WSASocketW(AF_INET, SOCK_STREAM, 99, &e, 0, 0),
		WSAEPROTONOSUPPORT);
}

/* ---- connect ---- */

/* A blocking connect to a port nobody listens on: the RST answers it,
 * WSAECONNREFUSED. */
static void
test_connect_to_closed_port_fails_econnrefused(void)
{
	struct sockaddr_in a = pt_sin(PT_IP, ta_closed_port());
	SOCKET s = ta_tcp();

	PT_FAILS(connect(s, PT_SA(a), PT_SIN_LEN), WSAECONNREFUSED);
	pt_close(s);
}

/* No name or a short one: WSAEFAULT; another family: WSAEAFNOSUPPORT. */
static void
test_connect_bad_name_fails_efault_or_eafnosupport(void)
{
	SOCKET s = ta_tcp();

	pt_connect_bad_names_fail(s);
	pt_close(s);
}

/* The any address or port 0 is no peer: WSAEADDRNOTAVAIL. */
static void
test_connect_any_address_or_port_zero_fails_eaddrnotavail(void)
{
	struct sockaddr_in any = pt_sin(0, 9), p0 = pt_sin(PT_IP, 0);
	SOCKET s = ta_tcp();

	PT_FAILS(connect(s, PT_SA(any), PT_SIN_LEN), WSAEADDRNOTAVAIL);
	PT_FAILS(connect(s, PT_SA(p0), PT_SIN_LEN), WSAEADDRNOTAVAIL);
	pt_close(s);
}

/* Broadcast and multicast cannot be connected to: WSAENETUNREACH. */
static void
test_connect_broadcast_fails_enetunreach(void)
{
	struct sockaddr_in b = pt_sin(0xffffffffu, 9);
	struct sockaddr_in m = pt_sin(0xef010203u, 9);
	SOCKET s = ta_tcp();

	PT_FAILS(connect(s, PT_SA(b), PT_SIN_LEN), WSAENETUNREACH);
	PT_FAILS(connect(s, PT_SA(m), PT_SIN_LEN), WSAENETUNREACH);
	pt_close(s);
}

/* Bound to our address, off our subnet with no gateway (198.19.0.1):
 * WSAENETUNREACH. (Unbound, such a connect goes to the OS path:
 * ospath_route_and_telemetry_say_which_path_and_why.) */
static void
test_connect_off_subnet_without_gateway_fails_enetunreach(void)
{
	struct sockaddr_in a = pt_sin(0xc6130001u, 9), me = pt_sin(PT_IP, 0);
	SOCKET s = ta_tcp();

	PT_OK(bind(s, PT_SA(me), PT_SIN_LEN));
	PT_FAILS(connect(s, PT_SA(a), PT_SIN_LEN), WSAENETUNREACH);
	pt_close(s);
}

/* Two sockets on one local port (SO_REUSEADDR) to one peer: the second
 * connection would repeat the first's four-tuple, WSAEADDRINUSE. */
static void
test_connect_same_four_tuple_twice_fails_eaddrinuse(void)
{
	struct sockaddr_in a, me = pt_sin(PT_IP, 0);
	int len = PT_SIN_LEN;
	SOCKET l = ta_listener(&a), c1 = ta_tcp(), c2 = ta_tcp(), s;

	pt_setopt_int(c1, SOL_SOCKET, SO_REUSEADDR, 1);
	pt_setopt_int(c2, SOL_SOCKET, SO_REUSEADDR, 1);
	PT_OK(bind(c1, PT_SA(me), PT_SIN_LEN));
	PT_OK(getsockname(c1, PT_SA(me), &len));
	PT_OK(bind(c2, PT_SA(me), PT_SIN_LEN));
	PT_OK(connect(c1, PT_SA(a), PT_SIN_LEN));
	PT_FAILS(connect(c2, PT_SA(a), PT_SIN_LEN), WSAEADDRINUSE);
	CU_ASSERT_FATAL(ta_ready(l, 0, PT_WAIT_MS));
	s = accept(l, NULL, NULL);
	CU_ASSERT(s != INVALID_SOCKET);
	pt_close(s);
	pt_close(c1);
	pt_close(c2);
	pt_close(l);
}

/* connect on a listening socket: WSAEINVAL. */
static void
test_connect_listening_socket_fails_einval(void)
{
	struct sockaddr_in a;
	SOCKET l = ta_listener(&a);

	PT_FAILS(connect(l, PT_SA(a), PT_SIN_LEN), WSAEINVAL);
	pt_close(l);
}

/* A connected socket: WSAEISCONN; the connect bound it implicitly. */
static void
test_connect_twice_fails_eisconn_and_bound_implicitly(void)
{
	struct sockaddr_in a, me;
	int len = PT_SIN_LEN;
	SOCKET c, s;

	ta_pair(&c, &s);
	PT_OK(getpeername(c, PT_SA(a), &len));
	PT_FAILS(connect(c, PT_SA(a), PT_SIN_LEN), WSAEISCONN);
	len = PT_SIN_LEN;
	PT_OK(getsockname(c, PT_SA(me), &len));
	CU_ASSERT_EQUAL(ntohl(me.sin_addr.s_addr), PT_IP);
	CU_ASSERT_NOT_EQUAL(me.sin_port, 0);
	pt_close(c);
	pt_close(s);
}

/* Non-blocking: WSAEWOULDBLOCK, then writable (not exceptional), then
 * connect says WSAEISCONN and SO_ERROR is 0. */
static void
test_connect_nonblocking_wouldblock_then_writable_then_eisconn(void)
{
	struct sockaddr_in a;
	SOCKET l = ta_listener(&a), c = ta_tcp(), s;

	pt_nonblocking(c, true);
	PT_FAILS(connect(c, PT_SA(a), PT_SIN_LEN), WSAEWOULDBLOCK);
	CU_ASSERT_TRUE(ta_ready(c, 1, PT_WAIT_MS));
	CU_ASSERT_FALSE(ta_ready(c, 2, 0));
	PT_FAILS(connect(c, PT_SA(a), PT_SIN_LEN), WSAEISCONN);
	CU_ASSERT_EQUAL(ta_getopt_int(c, SOL_SOCKET, SO_ERROR), 0);
	CU_ASSERT_FATAL(ta_ready(l, 0, PT_WAIT_MS));
	s = accept(l, NULL, NULL);
	CU_ASSERT(s != INVALID_SOCKET);
	pt_close(s);
	pt_close(c);
	pt_close(l);
}

/* Non-blocking to a peer that never answers (no ARP reply): while it is
 * in progress, connect fails WSAEALREADY and select reports nothing. */
static void
test_connect_nonblocking_in_progress_fails_ealready(void)
{
	struct sockaddr_in a = pt_sin(PT_FOREIGN, 9);
	SOCKET c = ta_tcp();

	pt_nonblocking(c, true);
	PT_FAILS(connect(c, PT_SA(a), PT_SIN_LEN), WSAEWOULDBLOCK);
	PT_FAILS(connect(c, PT_SA(a), PT_SIN_LEN), WSAEALREADY);
	CU_ASSERT_FALSE(ta_ready(c, 1, 50));
	CU_ASSERT_FALSE(ta_ready(c, 2, 0));
	pt_close(c);
}

/* Non-blocking and refused: in exceptfds, never writefds (Winsock's
 * rule); SO_ERROR says WSAECONNREFUSED once. */
static void
test_connect_nonblocking_refused_is_exceptional_with_so_error(void)
{
	struct sockaddr_in a = pt_sin(PT_IP, ta_closed_port());
	SOCKET c = ta_tcp();

	pt_nonblocking(c, true);
	PT_FAILS(connect(c, PT_SA(a), PT_SIN_LEN), WSAEWOULDBLOCK);
	CU_ASSERT_TRUE(ta_ready(c, 2, PT_WAIT_MS));
	CU_ASSERT_FALSE(ta_ready(c, 1, 0));
	CU_ASSERT_EQUAL(ta_getopt_int(c, SOL_SOCKET, SO_ERROR),
		WSAECONNREFUSED);
	CU_ASSERT_EQUAL(ta_getopt_int(c, SOL_SOCKET, SO_ERROR), 0);
	pt_close(c);
}

/* ---- listen ---- */

/* Unbound: WSAEINVAL. Connected: WSAEISCONN. UDP: WSAEOPNOTSUPP. */
static void
test_listen_unbound_connected_or_udp_fails_as_documented(void)
{
	SOCKET s = ta_tcp(), c, a;
	SOCKET u = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in any = pt_sin(0, 0);

	PT_FAILS(listen(s, 5), WSAEINVAL);
	ta_pair(&c, &a);
	PT_FAILS(listen(c, 5), WSAEISCONN);
	PT_FAILS(listen(a, 5), WSAEISCONN);
	PT_OK(bind(u, PT_SA(any), PT_SIN_LEN));
	PT_FAILS(listen(u, 5), WSAEOPNOTSUPP);
	pt_close(s);
	pt_close(c);
	pt_close(a);
	pt_close(u);
}

/* SOMAXCONN, a SOMAXCONN_HINT (negative) and 0 are all taken; listen
 * again is allowed; SO_ACCEPTCONN turns TRUE. */
static void
test_listen_backlogs_are_clamped_and_acceptconn_reports(void)
{
	struct sockaddr_in a = pt_sin(PT_IP, 0);
	SOCKET s = ta_tcp();

	PT_OK(bind(s, PT_SA(a), PT_SIN_LEN));
	CU_ASSERT_EQUAL(ta_getopt_int(s, SOL_SOCKET, SO_ACCEPTCONN), FALSE);
	PT_OK(listen(s, SOMAXCONN));
	PT_OK(listen(s, -200));
	PT_OK(listen(s, 0));
	CU_ASSERT_EQUAL(ta_getopt_int(s, SOL_SOCKET, SO_ACCEPTCONN), TRUE);
	pt_close(s);
}

/* ---- accept ---- */

/* Not listening: WSAEINVAL. UDP: WSAEOPNOTSUPP. Non-blocking with none
 * waiting: WSAEWOULDBLOCK. */
static void
test_accept_misuse_fails_as_documented(void)
{
	SOCKET s = ta_tcp(), l = ta_listener(NULL);
	SOCKET u = socket(AF_INET, SOCK_DGRAM, 0);

	PT_FAILS(accept(s, NULL, NULL), WSAEINVAL);
	PT_FAILS(accept(u, NULL, NULL), WSAEOPNOTSUPP);
	pt_nonblocking(l, true);
	PT_FAILS(accept(l, NULL, NULL), WSAEWOULDBLOCK);
	pt_close(s);
	pt_close(l);
	pt_close(u);
}

/* A short addrlen, or addr without addrlen: WSAEFAULT, and the
 * connection stays queued for the next accept. */
static void
test_accept_short_addrlen_fails_efault_keeps_connection(void)
{
	struct sockaddr_in a, peer;
	int len = PT_SIN_LEN - 1;
	SOCKET l = ta_listener(&a), c = ta_tcp(), s;

	PT_OK(connect(c, PT_SA(a), PT_SIN_LEN));
	CU_ASSERT_TRUE(ta_ready(l, 0, PT_WAIT_MS));
	PT_FAILS(accept(l, PT_SA(peer), &len), WSAEFAULT);
	PT_FAILS(accept(l, PT_SA(peer), NULL), WSAEFAULT);
	len = PT_SIN_LEN;
	s = accept(l, PT_SA(peer), &len);
	CU_ASSERT_FATAL(s != INVALID_SOCKET);
	CU_ASSERT_EQUAL(len, PT_SIN_LEN);
	pt_close(s);
	pt_close(c);
	pt_close(l);
}

/* The listener is readable only while a connection waits; accept's
 * address is the client's name; the accepted socket's names are the
 * listener's address and the client. */
static void
test_accept_reports_peer_and_names_of_accepted_socket(void)
{
	struct sockaddr_in a, peer, cn, sn, sp;
	int len = PT_SIN_LEN;
	SOCKET l = ta_listener(&a), c = ta_tcp(), s;

	CU_ASSERT_FALSE(ta_ready(l, 0, 0));
	PT_OK(connect(c, PT_SA(a), PT_SIN_LEN));
	CU_ASSERT_TRUE(ta_ready(l, 0, PT_WAIT_MS));
	s = accept(l, PT_SA(peer), &len);
	CU_ASSERT_FATAL(s != INVALID_SOCKET);
	CU_ASSERT_FALSE(ta_ready(l, 0, 0));
	len = PT_SIN_LEN;
	PT_OK(getsockname(c, PT_SA(cn), &len));
	CU_ASSERT_EQUAL(peer.sin_port, cn.sin_port);
	CU_ASSERT_EQUAL(peer.sin_addr.s_addr, cn.sin_addr.s_addr);
	len = PT_SIN_LEN;
	PT_OK(getsockname(s, PT_SA(sn), &len));
	CU_ASSERT_EQUAL(sn.sin_port, a.sin_port);
	CU_ASSERT_EQUAL(ntohl(sn.sin_addr.s_addr), PT_IP);
	len = PT_SIN_LEN;
	PT_OK(getpeername(s, PT_SA(sp), &len));
	CU_ASSERT_EQUAL(sp.sin_port, cn.sin_port);
	pt_close(s);
	pt_close(c);
	pt_close(l);
}

static struct sockaddr_in cond_caller;
static int cond_answer;
static unsigned int cond_calls;

static int CALLBACK
condition(LPWSABUF caller_id, LPWSABUF caller_data, LPQOS sqos,
		LPQOS gqos, LPWSABUF callee_id, LPWSABUF callee_data,
		GROUP *g, DWORD_PTR cb)
{
	cond_calls++;
	if (caller_id != NULL && caller_id->len >= sizeof(cond_caller))
		memcpy(&cond_caller, caller_id->buf, sizeof(cond_caller));
	return cb == 42 ? cond_answer : CF_REJECT;
}

/* One client connected to a fresh listener, waiting to be accepted. */
static void
queued(SOCKET *l, SOCKET *c)
{
	struct sockaddr_in a;

	*l = ta_listener(&a);
	*c = ta_tcp();
	PT_OK(connect(*c, PT_SA(a), PT_SIN_LEN));
	CU_ASSERT_FATAL(ta_ready(*l, 0, PT_WAIT_MS));
	cond_calls = 0;
}

/* CF_ACCEPT: the condition function sees the caller's address and
 * WSAAccept returns the connection. */
static void
test_accept_condition_accept_sees_caller_id(void)
{
	struct sockaddr_in cn;
	int len = PT_SIN_LEN;
	SOCKET l, c, s;

	queued(&l, &c);
	cond_answer = CF_ACCEPT;
	s = WSAAccept(l, NULL, NULL, condition, 42);
	CU_ASSERT_FATAL(s != INVALID_SOCKET);
	CU_ASSERT_EQUAL(cond_calls, 1);
	PT_OK(getsockname(c, PT_SA(cn), &len));
	CU_ASSERT_EQUAL(cond_caller.sin_port, cn.sin_port);
	CU_ASSERT_EQUAL(cond_caller.sin_addr.s_addr, cn.sin_addr.s_addr);
	pt_close(s);
	pt_close(c);
	pt_close(l);
}

/* CF_REJECT: WSAECONNREFUSED, and the client's connection is reset. */
static void
test_accept_condition_reject_refuses_and_resets_client(void)
{
	char b;
	SOCKET l, c;

	queued(&l, &c);
	cond_answer = CF_REJECT;
	PT_FAILS(WSAAccept(l, NULL, NULL, condition, 42), WSAECONNREFUSED);
	CU_ASSERT_TRUE(pt_readable(c, PT_WAIT_MS));
	PT_FAILS(recv(c, &b, 1, 0), WSAECONNRESET);
	pt_close(c);
	pt_close(l);
}

/* CF_DEFER: WSATRY_AGAIN; the listener stays readable and the next
 * accept returns that connection. */
static void
test_accept_condition_defer_keeps_connection_for_next_accept(void)
{
	SOCKET l, c, s;

	queued(&l, &c);
	cond_answer = CF_DEFER;
	PT_FAILS(WSAAccept(l, NULL, NULL, condition, 42), WSATRY_AGAIN);
	CU_ASSERT_TRUE(ta_ready(l, 0, 0));
	cond_answer = CF_ACCEPT;
	s = WSAAccept(l, NULL, NULL, condition, 42);
	CU_ASSERT_FATAL(s != INVALID_SOCKET);
	CU_ASSERT_EQUAL(cond_calls, 2);
	ta_send_all(c, "x", 1);
	CU_ASSERT_EQUAL(ta_recv_n(s, (char[1]){ 0 }, 1, PT_WAIT_MS), 1);
	pt_close(s);
	pt_close(c);
	pt_close(l);
}

/* A value that is none of CF_*: WSAEINVAL. */
static void
test_accept_condition_bad_value_fails_einval(void)
{
	SOCKET l, c;

	queued(&l, &c);
	cond_answer = 7;
	PT_FAILS(WSAAccept(l, NULL, NULL, condition, 42), WSAEINVAL);
	pt_close(c);
	pt_close(l);
}

/* The accepted socket has its listener's properties: non-blocking mode,
 * linger, TCP_NODELAY, SO_KEEPALIVE, SO_RCVBUF. */
static void
test_accept_inherits_listener_options(void)
{
	struct sockaddr_in a;
	SOCKET l = ta_listener(&a), c = ta_tcp(), s;
	LINGER lg;
	int len = sizeof(lg);
	char b;

	pt_setopt_int(l, IPPROTO_TCP, TCP_NODELAY, 1);
	pt_setopt_int(l, SOL_SOCKET, SO_KEEPALIVE, 1);
	pt_setopt_int(l, SOL_SOCKET, SO_RCVBUF, 32768);
	ta_linger(l, 1, 7);
	pt_nonblocking(l, true);
	PT_OK(connect(c, PT_SA(a), PT_SIN_LEN));
	CU_ASSERT_FATAL(ta_ready(l, 0, PT_WAIT_MS));
	s = accept(l, NULL, NULL);
	CU_ASSERT_FATAL(s != INVALID_SOCKET);
	CU_ASSERT_EQUAL(ta_getopt_int(s, IPPROTO_TCP, TCP_NODELAY), 1);
	CU_ASSERT_EQUAL(ta_getopt_int(s, SOL_SOCKET, SO_KEEPALIVE), 1);
	CU_ASSERT_EQUAL(ta_getopt_int(s, SOL_SOCKET, SO_RCVBUF), 32768);
	PT_OK(getsockopt(s, SOL_SOCKET, SO_LINGER, (char *)&lg, &len));
	CU_ASSERT_EQUAL(lg.l_onoff, 1);
	CU_ASSERT_EQUAL(lg.l_linger, 7);
	PT_FAILS(recv(s, &b, 1, 0), WSAEWOULDBLOCK);
	ta_linger(s, 0, 0);
	pt_close(s);
	pt_close(c);
	ta_linger(l, 0, 0);
	pt_close(l);
}

/* ---- names, reuse ---- */

/* getpeername before a connection: WSAENOTCONN; getsockname unbound:
 * WSAEINVAL. */
static void
test_names_of_unconnected_socket_fail_enotconn_einval(void)
{
	struct sockaddr_in a;
	int len = PT_SIN_LEN;
	SOCKET s = ta_tcp();

	PT_FAILS(getsockname(s, PT_SA(a), &len), WSAEINVAL);
	PT_FAILS(getpeername(s, PT_SA(a), &len), WSAENOTCONN);
	pt_close(s);
}

/* A TCP port bound twice: WSAEADDRINUSE; with SO_REUSEADDR on the
 * second, allowed; SO_EXCLUSIVEADDRUSE on the first: WSAEACCES. */
static void
test_bind_port_twice_follows_reuse_rules(void)
{
	struct sockaddr_in a;
	SOCKET l = ta_listener(&a), s = ta_tcp(), r = ta_tcp();
	SOCKET x = ta_tcp(), y = ta_tcp();
	struct sockaddr_in b = pt_sin(PT_IP, 0);
	int len = PT_SIN_LEN;

	PT_FAILS(bind(s, PT_SA(a), PT_SIN_LEN), WSAEADDRINUSE);
	pt_setopt_int(r, SOL_SOCKET, SO_REUSEADDR, 1);
	PT_OK(bind(r, PT_SA(a), PT_SIN_LEN));
	pt_setopt_int(x, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1);
	PT_OK(bind(x, PT_SA(b), PT_SIN_LEN));
	PT_OK(getsockname(x, PT_SA(b), &len));
	pt_setopt_int(y, SOL_SOCKET, SO_REUSEADDR, 1);
	PT_FAILS(bind(y, PT_SA(b), PT_SIN_LEN), WSAEACCES);
	pt_close(l);
	pt_close(s);
	pt_close(r);
	pt_close(x);
	pt_close(y);
}

static const struct wt_test socket_tests[] = {
	WT_TEST(test_socket_stream_protocol_zero_is_tcp),
	WT_TEST(test_socket_tcp_entry_flags_say_what_is_supported),
	WT_TEST(test_socket_mismatched_triples_fail_as_documented),
	WT_TEST(test_names_of_unconnected_socket_fail_enotconn_einval),
	WT_TEST(test_bind_port_twice_follows_reuse_rules),
	WT_TEST_END
};

const struct wt_suite test_tcp_socket_suite = {
	.name = "tcp_socket",
	.clean = pt_suite_clean,
	.tests = socket_tests,
};

static const struct wt_test connect_tests[] = {
	WT_TEST(test_connect_to_closed_port_fails_econnrefused),
	WT_TEST(test_connect_bad_name_fails_efault_or_eafnosupport),
	WT_TEST(test_connect_any_address_or_port_zero_fails_eaddrnotavail),
	WT_TEST(test_connect_broadcast_fails_enetunreach),
	WT_TEST(test_connect_off_subnet_without_gateway_fails_enetunreach),
	WT_TEST(test_connect_same_four_tuple_twice_fails_eaddrinuse),
	WT_TEST(test_connect_listening_socket_fails_einval),
	WT_TEST(test_connect_twice_fails_eisconn_and_bound_implicitly),
	WT_TEST(test_connect_nonblocking_wouldblock_then_writable_then_eisconn),
	WT_TEST(test_connect_nonblocking_in_progress_fails_ealready),
	WT_TEST(test_connect_nonblocking_refused_is_exceptional_with_so_error),
	WT_TEST_END
};

const struct wt_suite test_tcp_connect_suite = {
	.name = "tcp_connect",
	.clean = pt_suite_clean,
	.tests = connect_tests,
};

static const struct wt_test listen_accept_tests[] = {
	WT_TEST(test_listen_unbound_connected_or_udp_fails_as_documented),
	WT_TEST(test_listen_backlogs_are_clamped_and_acceptconn_reports),
	WT_TEST(test_accept_misuse_fails_as_documented),
	WT_TEST(test_accept_short_addrlen_fails_efault_keeps_connection),
	WT_TEST(test_accept_reports_peer_and_names_of_accepted_socket),
	WT_TEST(test_accept_condition_accept_sees_caller_id),
	WT_TEST(test_accept_condition_reject_refuses_and_resets_client),
	WT_TEST(test_accept_condition_defer_keeps_connection_for_next_accept),
	WT_TEST(test_accept_condition_bad_value_fails_einval),
	WT_TEST(test_accept_inherits_listener_options),
	WT_TEST_END
};

const struct wt_suite test_tcp_listen_accept_suite = {
	.name = "tcp_listen_accept",
	.clean = pt_suite_clean,
	.tests = listen_accept_tests,
};
