/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tcp_api_table: a full socket table, through the Winsock API, with a
 * small one (WSPDK_SOCKETS=64) so filling it is quick. socket() fails
 * WSAEMFILE, as Microsoft documents ("no more socket descriptors are
 * available"); a connection whose sockets exist needs no new place; a
 * listener that met the full table takes connections again once there is
 * room, whatever the application waits in; closes make every place
 * usable again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "tcp_api.h"
#include "wt.h"

#define SOCKETS		"64"	/* WSPDK_SOCKETS for this runner */
#define FILL_MAX	1000	/* bounds every fill loop */
#define ACCEPT_MS	10000	/* > the client's second SYN (1 s + 2 s) */

static SOCKET fill[FILL_MAX];
static unsigned int nb_fill;

/* UDP sockets until socket() fails: its code is WSAEMFILE. Returns how
 * many were made. */
static unsigned int
fill_table(void)
{
	unsigned int n = 0;
	SOCKET s = INVALID_SOCKET;

	while (nb_fill < FILL_MAX) {
		s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
		if (s == INVALID_SOCKET)
			break;
		fill[nb_fill++] = s;
		n++;
	}
	CU_ASSERT_EQUAL(s, INVALID_SOCKET);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAEMFILE);
	return n;
}

/* k of the fillers closed (the newest). */
static void
unfill(unsigned int k)
{
	while (k-- > 0 && nb_fill > 0)
		pt_close(fill[--nb_fill]);
}

/* A connection's sockets closed with a RST: no TIME-WAIT holds a place
 * after the test. */
static void
abort_close(SOCKET s)
{
	ta_linger(s, 1, 0);
	pt_close(s);
}

/* A listener on an ephemeral port with backlog spares: a backlog of
 * SOMAXCONN would take every place of this small table for them. */
static SOCKET
listener(struct sockaddr_in *a, int backlog)
{
	SOCKET l = ta_tcp();
	int len = PT_SIN_LEN;

	*a = pt_sin(PT_IP, 0);
	PT_OK(bind(l, PT_SA(*a), PT_SIN_LEN));
	PT_OK(listen(l, backlog));
	PT_OK(getsockname(l, PT_SA(*a), &len));
	return l;
}

/* One byte each way over a connection. */
static void
exchange(SOCKET a, SOCKET b)
{
	char c = 'x';

	ta_send_all(a, "a", 1);
	CU_ASSERT_EQUAL(ta_recv_n(b, &c, 1, PT_WAIT_MS), 1);
	CU_ASSERT_EQUAL(c, 'a');
	ta_send_all(b, "b", 1);
	CU_ASSERT_EQUAL(ta_recv_n(a, &c, 1, PT_WAIT_MS), 1);
	CU_ASSERT_EQUAL(c, 'b');
}

/* socket() and WSASocket() of either kind fail WSAEMFILE on a full
 * table; one close makes one place; closing all of them gives back
 * exactly as many places as there were. */
static void
test_full_table_socket_fails_wsaemfile_until_a_close(void)
{
	unsigned int first, again;

	first = fill_table();
	CU_ASSERT(first > 0 && first <= 64);
	PT_FAILS(socket(AF_INET, SOCK_STREAM, IPPROTO_TCP), WSAEMFILE);
	PT_FAILS(WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0,
		WSA_FLAG_OVERLAPPED), WSAEMFILE);
	PT_FAILS(WSASocketW(AF_INET, SOCK_DGRAM, IPPROTO_UDP, NULL, 0, 0),
		WSAEMFILE);
	unfill(1);
	fill[nb_fill] = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	CU_ASSERT_FATAL(fill[nb_fill] != INVALID_SOCKET);
	nb_fill++;
	PT_FAILS(socket(AF_INET, SOCK_STREAM, IPPROTO_TCP), WSAEMFILE);
	unfill(nb_fill);
	again = fill_table();
	CU_ASSERT_EQUAL(again, first);
	unfill(nb_fill);
}

/* Sockets made before the table filled connect, are accepted and carry
 * data: a connection takes no new place (the accepted socket was the
 * listener's spare). */
static void
test_full_table_connect_accept_use_sockets_made_before(void)
{
	struct sockaddr_in a;
	SOCKET l = listener(&a, 2), c = ta_tcp(), s;

	fill_table();
	PT_OK(connect(c, PT_SA(a), PT_SIN_LEN));
	CU_ASSERT_FATAL(ta_ready(l, 0, PT_WAIT_MS));
	s = accept(l, NULL, NULL);
	CU_ASSERT_FATAL(s != INVALID_SOCKET);
	exchange(c, s);
	PT_FAILS(socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP), WSAEMFILE);
	abort_close(c);
	abort_close(s);
	pt_close(l);
	unfill(nb_fill);
}

/*
 * A listener whose spares all went while the table was full: each
 * accept's new spare found no place. Places freed later must reach it:
 * a connection that comes then is accepted, seen by select (no call
 * that would make spares on the way) within the client's SYN
 * retransmissions. Before, no spare was ever made again and the
 * listener never accepted another connection.
 */
static void
test_listener_starved_by_full_table_accepts_when_room(void)
{
	struct sockaddr_in a;
	SOCKET l = listener(&a, 2), c[3], s[3];	/* two spares */
	fill_table();
	/* Two clients in two places; each accept's spare finds none. */
	unfill(2);
	for (int i = 0; i < 2; i++) {
		c[i] = ta_tcp();
		CU_ASSERT_FATAL(c[i] != INVALID_SOCKET);
	}
	for (int i = 0; i < 2; i++) {
		PT_OK(connect(c[i], PT_SA(a), PT_SIN_LEN));
		CU_ASSERT_FATAL(ta_ready(l, 0, PT_WAIT_MS));
		s[i] = accept(l, NULL, NULL);
		CU_ASSERT_FATAL(s[i] != INVALID_SOCKET);
	}
	PT_FAILS(socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP), WSAEMFILE);
	/* Room for a third client and one spare. */
	unfill(2);
	c[2] = ta_tcp();
	CU_ASSERT_FATAL(c[2] != INVALID_SOCKET);
	pt_nonblocking(c[2], true);
	PT_FAILS(connect(c[2], PT_SA(a), PT_SIN_LEN), WSAEWOULDBLOCK);
	CU_ASSERT_FATAL(ta_ready(l, 0, ACCEPT_MS));
	s[2] = accept(l, NULL, NULL);
	CU_ASSERT_FATAL(s[2] != INVALID_SOCKET);
	CU_ASSERT(ta_ready(c[2], 1, PT_WAIT_MS));
	pt_nonblocking(c[2], false);
	for (int i = 0; i < 3; i++) {
		exchange(c[i], s[i]);
		abort_close(c[i]);
		abort_close(s[i]);
	}
	pt_close(l);
	unfill(nb_fill);
}

/*
 * Graceful connect, accept, close (client first), one thread, three
 * times the table's size: the connecting end's TIME-WAIT must not hold
 * a place (Linux and Windows keep a small record, not the socket), so
 * the listener's spares always find one and no connect waits for an
 * accept the application only makes after it. Before, once TIME-WAIT
 * sockets filled the table a SYN found no spare and a blocking connect
 * hung (perf's tcp_conn_provider timed out).
 */
static void
test_graceful_cycles_past_the_table_size_never_starve(void)
{
	struct sockaddr_in a;
	SOCKET l = listener(&a, 2), c, s;
	int i;

	for (i = 0; i < 3 * 64; i++) {
		c = ta_tcp();
		if (c == INVALID_SOCKET)
			break;
		pt_nonblocking(c, true);
		PT_FAILS(connect(c, PT_SA(a), PT_SIN_LEN), WSAEWOULDBLOCK);
		s = ta_ready(c, 1, ACCEPT_MS) ? accept(l, NULL, NULL) :
			INVALID_SOCKET;
		if (s == INVALID_SOCKET) {
			abort_close(c);
			break;
		}
		pt_nonblocking(c, false);
		exchange(c, s);
		pt_close(c);
		pt_close(s);
	}
	if (i != 3 * 64)
		fprintf(stderr, "FAIL: cycle %d of %d did not connect: %d\n",
			i, 3 * 64, WSAGetLastError());
	CU_ASSERT_EQUAL(i, 3 * 64);
	pt_close(l);
}

static const struct wt_test tests[] = {
	WT_TEST(test_full_table_socket_fails_wsaemfile_until_a_close),
	WT_TEST(test_full_table_connect_accept_use_sockets_made_before),
	WT_TEST(test_listener_starved_by_full_table_accepts_when_room),
	WT_TEST(test_graceful_cycles_past_the_table_size_never_starve),
	WT_TEST_END
};

static const struct wt_suite suite = {
	.name = "tcp_api_table",
	.clean = pt_suite_clean,
	.tests = tests,
};

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = { &suite, NULL };

	setenv("WSPDK_SOCKETS", SOCKETS, 1);
	if (pt_startup() != 0)
		return 1;
	return pt_run(argc, argv, suites);
}
