/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tcp_api_many: 20 000 TCP connections open at once through the Winsock
 * API, both ends ours, with WSPDK_SOCKETS raised to hold them (the
 * default 4096 would stop at ~2000). Behaviour, not timings: every one
 * connects and is accepted, any of them carries data while all are
 * open, and each holds exactly its two places in the socket table; then
 * all close. The clients bind their ports themselves: one address has
 * only 16384 ephemeral ports. (How many places the closed ones hold
 * when is not checked: freed orphans wait for a later call to reap
 * them, and at this scale that count did not settle within 30 s.)
 *
 *   test_tcp_many [connections]	(default 20000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "tcp_api.h"
#include "wt.h"

#define CONNS		20000
#define SOCKETS		"41000"	/* 2 x CONNS, the listener, spares */
#define PORT0		10000	/* clients' ports: PORT0 .. PORT0+CONNS-1 */
#define HUGEPAGES	400	/* 2 MB each: ~21 kB a connection, spare */

static unsigned long conns = CONNS;

static uint64_t
sockets_open(void)
{
	return wt_stat("sockets_open");
}

static void
test_20000_connections_open_carry_data_and_close(void)
{
	SOCKET *c = calloc(conns, sizeof(*c)), *s = calloc(conns,
		sizeof(*s)), l;
	struct sockaddr_in a;
	uint64_t base;
	unsigned long n;

	CU_ASSERT_FATAL(c != NULL && s != NULL);
	CU_ASSERT_EQUAL(wt_stat("sockets_max"), strtoul(SOCKETS, NULL, 10));
	l = ta_listener(&a);
	base = sockets_open();		/* the listener and its spares */
	for (n = 0; n < conns; n++) {
		struct sockaddr_in me = pt_sin(PT_IP,
			(uint16_t)(PORT0 + n));

		c[n] = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
		if (c[n] == INVALID_SOCKET || bind(c[n], PT_SA(me),
				PT_SIN_LEN) != 0 || connect(c[n], PT_SA(a),
				PT_SIN_LEN) != 0)
			break;
		s[n] = accept(l, NULL, NULL);
		if (s[n] == INVALID_SOCKET)
			break;
	}
	if (n != conns)
		fprintf(stderr, "connection %lu: %d\n", n, WSAGetLastError());
	CU_ASSERT_EQUAL_FATAL(n, conns);
	/* Two places a connection; the listener's spares made again. */
	CU_ASSERT_EQUAL(sockets_open(), base + 2 * conns);
	/* All open: any of them (every 997th) still carries data. */
	for (unsigned long i = 0; i < conns; i += 997) {
		char b = 0;

		ta_send_all(c[i], "c", 1);
		CU_ASSERT_EQUAL(ta_recv_n(s[i], &b, 1, PT_WAIT_MS), 1);
		CU_ASSERT_EQUAL(b, 'c');
		ta_send_all(s[i], "s", 1);
		CU_ASSERT_EQUAL(ta_recv_n(c[i], &b, 1, PT_WAIT_MS), 1);
		CU_ASSERT_EQUAL(b, 's');
	}
	/* The clients close first (TIME-WAIT), then the accepted ends
	 * (LAST-ACK, freed when our FIN is ACKed). */
	for (unsigned long i = 0; i < conns; i++)
		pt_close(c[i]);
	for (unsigned long i = 0; i < conns; i++)
		pt_close(s[i]);
	pt_close(l);
	free(c);
	free(s);
}

static const struct wt_test tests[] = {
	WT_TEST(test_20000_connections_open_carry_data_and_close),
	WT_TEST_END
};

static const struct wt_suite suite = {
	.name = "tcp_api_many",
	.clean = pt_suite_clean,
	.tests = tests,
};

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = { &suite, NULL };

	ta_count_arg(&argc, &argv, &conns);
	setenv("WSPDK_SOCKETS", SOCKETS, 1);
	if (conns == 0 || conns > CONNS ||
			wt_hugepages_reserve(HUGEPAGES) != 0)
		return 1;
	if (pt_startup() != 0)
		return 1;
	return pt_run(argc, argv, suites);
}
