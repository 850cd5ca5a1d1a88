/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A process that is not opted in (WSPDK_ACCELERATE=0, set by meson) is
 * handed to the OS provider by wspdk's WSPStartup (issue #15 item 1): UDP
 * and TCP to 127.0.0.1 work through the public Winsock API, every call
 * lands in the OS provider's own code, and DPDK never starts: no
 * hugepages, no EAL thread, no /var/run/dpdk/<prefix>.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "pt.h"
#include "wt.h"

static unsigned int threads_before;

static struct sockaddr_in
loopback(uint16_t port)
{
	return pt_sin(INADDR_LOOPBACK, port);
}

static struct sockaddr_in
name_of(SOCKET s)
{
	struct sockaddr_in sin;
	int len = sizeof(sin);

	memset(&sin, 0, sizeof(sin));
	CU_ASSERT_EQUAL(getsockname(s, PT_SA(sin), &len), 0);
	return sin;
}

/* The DLL a function pointer lives in. */
static const char *
dll_of(const void *fn)
{
	Dl_info di;

	if (dladdr(fn, &di) == 0 || di.dli_fname == NULL)
		return "";
	return di.dli_fname;
}

static int
startup(void)
{
	struct wt_proc p;
	WSADATA wsa;

	if (wt_proc_read(&p) != 0)
		return -1;
	threads_before = p.threads;
	return WSAStartup(MAKEWORD(2, 2), &wsa);
}

static int
cleanup(void)
{
	return WSACleanup();
}

/* Ws2_32 got the OS provider's table: its calls never enter wspdk. */
static void
test_calls_go_straight_to_the_os_provider(void)
{
	const WSPPROC_TABLE *t = ws2_stub_proc_table();

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_PTR_NOT_NULL(strstr(dll_of((const void *)(uintptr_t)
		t->lpWSPSend), "ws2os"));
	CU_ASSERT_PTR_NOT_NULL(strstr(dll_of((const void *)(uintptr_t)
		t->lpWSPSelect), "ws2os"));
	CU_ASSERT_PTR_NOT_NULL(strstr(dll_of((const void *)(uintptr_t)
		t->lpWSPCleanup), "ws2os"));
}

static void
test_udp_to_loopback_works(void)
{
	SOCKET a = pt_socket(SOCK_DGRAM, IPPROTO_UDP);
	SOCKET b = pt_socket(SOCK_DGRAM, IPPROTO_UDP);
	struct sockaddr_in la = loopback(0), from;
	int fromlen = sizeof(from);
	char buf[64];

	PT_OK(bind(a, PT_SA(la), PT_SIN_LEN));
	PT_OK(bind(b, PT_SA(la), PT_SIN_LEN));
	la = name_of(a);
	CU_ASSERT_NOT_EQUAL(la.sin_port, 0);
	CU_ASSERT_EQUAL(sendto(b, "ping", 4, 0, PT_SA(la), PT_SIN_LEN), 4);
	CU_ASSERT_TRUE(pt_readable(a, PT_WAIT_MS));
	CU_ASSERT_EQUAL(recvfrom(a, buf, sizeof(buf), 0, PT_SA(from),
		&fromlen), 4);
	CU_ASSERT_EQUAL(memcmp(buf, "ping", 4), 0);
	CU_ASSERT_EQUAL(from.sin_port, name_of(b).sin_port);
	CU_ASSERT_EQUAL(from.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	/* A datagram larger than the buffer: filled, then WSAEMSGSIZE. */
	CU_ASSERT_EQUAL(sendto(b, "0123456789", 10, 0, PT_SA(la),
		PT_SIN_LEN), 10);
	PT_FAILS(recv(a, buf, 4, 0), WSAEMSGSIZE);
	pt_close(a);
	pt_close(b);
}

static void
test_tcp_to_loopback_works_both_ways_and_closes_gracefully(void)
{
	SOCKET l = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	SOCKET c = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	struct sockaddr_in la = loopback(0), peer;
	int plen = sizeof(peer);
	SOCKET a;
	char buf[64];

	PT_OK(bind(l, PT_SA(la), PT_SIN_LEN));
	PT_OK(listen(l, 4));
	la = name_of(l);
	PT_OK(connect(c, PT_SA(la), PT_SIN_LEN));
	a = accept(l, PT_SA(peer), &plen);
	CU_ASSERT_NOT_EQUAL_FATAL(a, INVALID_SOCKET);
	CU_ASSERT_EQUAL(peer.sin_port, name_of(c).sin_port);
	CU_ASSERT_EQUAL(send(c, "hello", 5, 0), 5);
	CU_ASSERT_EQUAL(recv(a, buf, sizeof(buf), 0), 5);
	CU_ASSERT_EQUAL(memcmp(buf, "hello", 5), 0);
	CU_ASSERT_EQUAL(send(a, "world!", 6, 0), 6);
	CU_ASSERT_EQUAL(recv(c, buf, sizeof(buf), 0), 6);
	CU_ASSERT_EQUAL(memcmp(buf, "world!", 6), 0);
	/* Graceful close: the peer reads 0, then sends are refused. */
	PT_OK(shutdown(c, SD_SEND));
	CU_ASSERT_EQUAL(recv(a, buf, sizeof(buf), 0), 0);
	PT_FAILS(send(c, "x", 1, 0), WSAESHUTDOWN);
	pt_close(a);
	pt_close(c);
	pt_close(l);
}

/* Runs last: after real traffic, nothing of DPDK exists. */
static void
test_dpdk_never_started(void)
{
	char dir[128], buf[512];
	struct wt_proc p;
	struct stat st;

	snprintf(dir, sizeof(dir), "/var/run/dpdk/%s", wt_tel_prefix());
	CU_ASSERT_NOT_EQUAL(stat(dir, &st), 0);
	CU_ASSERT_EQUAL_FATAL(wt_proc_read(&p), 0);
	CU_ASSERT_EQUAL(p.hugetlb_kb, 0);
	/* No EAL interrupt, telemetry or lcore thread. */
	CU_ASSERT_EQUAL(p.threads, threads_before);
	/* No telemetry socket answers for this process. */
	CU_ASSERT_NOT_EQUAL(wt_tel(wt_tel_prefix(), "/wspdk/stats", buf,
		sizeof(buf)), 0);
}

static const struct wt_test tests[] = {
	WT_TEST(test_calls_go_straight_to_the_os_provider),
	WT_TEST(test_udp_to_loopback_works),
	WT_TEST(test_tcp_to_loopback_works_both_ways_and_closes_gracefully),
	WT_TEST(test_dpdk_never_started),
	WT_TEST_END
};

static const struct wt_suite optout_suite = {
	.name = "ospath_optout",
	.init = startup,
	.clean = cleanup,
	.tests = tests,
};

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = {
		&optout_suite, NULL };

	return wt_run_suites(argc, argv, suites);
}
