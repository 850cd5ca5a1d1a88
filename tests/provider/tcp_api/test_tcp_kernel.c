/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP against the Linux kernel through Winsock (testbed.md layout A):
 * the process moves into a network namespace of its own before any
 * thread exists, the provider's default tap (wsptap0, 198.18.0.2/24)
 * appears there, the kernel side is 198.18.0.1/24 and tcp_kpeer.py is
 * the Linux peer. Nothing outside the namespace is touched and it dies
 * with the process.
 *
 *   test_tcp_kernel [tcp_kernel]   (wt_run.h patterns)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "tcp_api.h"
#include "uk.h"
#include "wt.h"

#define MB		(1 << 20)
#define PEER_SECS	60

/* 198.18.0.1 (UK_KERNEL_IP): the kernel's side of the tap. */
static struct sockaddr_in
kernel_sin(uint16_t port)
{
	return pt_sin(0xc6120001u, port);
}

/* tcp_kpeer.py with its arguments, once it printed READY. */
static struct uk_child *
peer(const char *mode, const char *a1, const char *a2, const char *a3)
{
	const char *argv[] = { "/usr/bin/python3", uk_src("tcp_kpeer.py"),
		mode, a1, a2, a3, NULL };
	struct uk_child *c = uk_child_start(PEER_SECS, argv);
	char line[256];

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	if (uk_child_expect(c, "READY", line, sizeof(line), 10000) != 0) {
		uk_child_end(c, 1000);
		CU_FAIL_FATAL("the kernel peer did not start");
	}
	return c;
}

/* The peer's summary: it got n bytes, SHA-256 right, and sent n. */
static void
peer_done(struct uk_child *c, int n)
{
	char line[256], want[128];

	snprintf(want, sizeof(want), "DONE rx=%d sha=ok tx=%d", n, n);
	CU_ASSERT_EQUAL(uk_child_expect(c, "DONE", line, sizeof(line),
		30000), 0);
	if (strcmp(line, want) != 0)
		fprintf(stderr, "peer: %s (want %s)\n", line, want);
	CU_ASSERT_STRING_EQUAL(line, want);
	CU_ASSERT_EQUAL(uk_child_end(c, 5000), 0);
}

/* Our connect to a Linux listener: 1 MB each way, both directions
 * checked (Linux by SHA-256, we byte by byte). */
static void
test_kernel_our_connect_to_linux_megabyte_each_way(void)
{
	struct sockaddr_in a = kernel_sin(5101);
	struct uk_child *c = peer("server", "5101", "1048576", NULL);
	SOCKET s = ta_tcp();

	PT_OK(connect(s, PT_SA(a), PT_SIN_LEN));
	CU_ASSERT_EQUAL(ta_exchange(s, MB), MB);
	pt_close(s);
	peer_done(c, MB);
}

/* A Linux client connects to our WSPAccept: 1 MB each way. */
static void
test_kernel_linux_connects_to_our_accept_megabyte_each_way(void)
{
	struct sockaddr_in a = pt_sin(0, 5102), p;
	int len = PT_SIN_LEN;
	SOCKET l = ta_tcp(), s;
	struct uk_child *c;

	PT_OK(bind(l, PT_SA(a), PT_SIN_LEN));
	PT_OK(listen(l, SOMAXCONN));
	c = peer("client", UK_PROVIDER_IP, "5102", "1048576");
	CU_ASSERT_FATAL(ta_ready(l, 0, PT_WAIT_MS));
	s = accept(l, PT_SA(p), &len);
	CU_ASSERT_FATAL(s != INVALID_SOCKET);
	CU_ASSERT_EQUAL(p.sin_addr.s_addr, kernel_sin(0).sin_addr.s_addr);
	CU_ASSERT_EQUAL(ta_exchange(s, MB), MB);
	pt_close(s);
	pt_close(l);
	peer_done(c, MB);
}

/* Non-blocking connect to Linux: WSAEWOULDBLOCK, then writable, SO_ERROR
 * 0, and the connection carries data. */
static void
test_kernel_nonblocking_connect_writable_then_carries_data(void)
{
	struct sockaddr_in a = kernel_sin(5103);
	struct uk_child *c = peer("server", "5103", "1000", NULL);
	SOCKET s = ta_tcp();

	pt_nonblocking(s, true);
	PT_FAILS(connect(s, PT_SA(a), PT_SIN_LEN), WSAEWOULDBLOCK);
	CU_ASSERT_TRUE(ta_ready(s, 1, PT_WAIT_MS));
	CU_ASSERT_FALSE(ta_ready(s, 2, 0));
	CU_ASSERT_EQUAL(ta_getopt_int(s, SOL_SOCKET, SO_ERROR), 0);
	pt_nonblocking(s, false);
	CU_ASSERT_EQUAL(ta_exchange(s, 1000), 1000);
	pt_close(s);
	peer_done(c, 1000);
}

/* Non-blocking connect to a Linux port nobody listens on: Linux's RST
 * makes it exceptional, not writable, SO_ERROR WSAECONNREFUSED. */
static void
test_kernel_nonblocking_connect_refused_is_exceptional(void)
{
	struct sockaddr_in a = kernel_sin(5199);
	SOCKET s = ta_tcp();

	pt_nonblocking(s, true);
	PT_FAILS(connect(s, PT_SA(a), PT_SIN_LEN), WSAEWOULDBLOCK);
	CU_ASSERT_TRUE(ta_ready(s, 2, PT_WAIT_MS));
	CU_ASSERT_FALSE(ta_ready(s, 1, 0));
	CU_ASSERT_EQUAL(ta_getopt_int(s, SOL_SOCKET, SO_ERROR),
		WSAECONNREFUSED);
	pt_close(s);
}

/* closesocket with SO_LINGER {1,0}: Linux's recv fails ECONNRESET. */
static void
test_kernel_linger_zero_close_gives_linux_econnreset(void)
{
	struct sockaddr_in a = kernel_sin(5104);
	struct uk_child *c = peer("reset", "5104", NULL, NULL);
	SOCKET s = ta_tcp();
	char line[256];

	PT_OK(connect(s, PT_SA(a), PT_SIN_LEN));
	ta_send_all(s, "bytes before the reset", 22);
	ta_linger(s, 1, 0);
	pt_close(s);
	CU_ASSERT_EQUAL(uk_child_expect(c, "END", line, sizeof(line),
		10000), 0);
	CU_ASSERT_STRING_EQUAL(line, "END reset");
	CU_ASSERT_EQUAL(uk_child_end(c, 5000), 0);
}

static int
kernel_up(void)
{
	return pt_tap_startup(UK_IFACE, UK_KERNEL_MAC, UK_KERNEL_CIDR);
}

static int
kernel_down(void)
{
	return WSACleanup() == 0 ? 0 : -1;
}

static const struct wt_test kernel_tests[] = {
	WT_TEST(test_kernel_our_connect_to_linux_megabyte_each_way),
	WT_TEST(test_kernel_linux_connects_to_our_accept_megabyte_each_way),
	WT_TEST(test_kernel_nonblocking_connect_writable_then_carries_data),
	WT_TEST(test_kernel_nonblocking_connect_refused_is_exceptional),
	WT_TEST(test_kernel_linger_zero_close_gives_linux_econnreset),
	WT_TEST_END
};

static const struct wt_suite kernel_suite = {
	.name = "tcp_kernel",
	.init = kernel_up,
	.clean = kernel_down,
	.tests = kernel_tests,
};

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = {
		&kernel_suite,
		NULL
	};

	/* First, while the process has one thread. */
	if (wt_need_tools("ip py:hashlib") != 0 || wt_netns_enter() != 0 ||
			wt_hugepages_reserve(64) != 0)
		return 1;
	unsetenv("WSPDK_DEVICE");
	return wt_run_suites(argc, argv, suites);
}
