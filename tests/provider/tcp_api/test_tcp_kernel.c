/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP against the Linux kernel through Winsock (testbed.md layout A):
 * the process moves into a network namespace of its own before any
 * thread exists, the provider's default tap (wsptap0, 198.18.0.2/24)
 * appears there, the kernel side is 198.18.0.1/24, and the Linux peer
 * is the dataplane tests' tcp_kpeer.py, driven line by line. Transfers
 * are checked by SHA-256 on both sides. Nothing outside the namespace
 * is touched and it dies with the process.
 *
 * With TK_VTAP=1 in the environment the same tests run over the
 * vnet-hdr tap (WSPDK_DEVICE=vtap:wsptap0), and the tcp_vtap suite
 * checks what it is for: 16 MB each way crosses as GSO frames with TSO
 * on, as MSS frames with it off; the namespace's ping is answered;
 * WSAStartup/WSACleanup cycles leave no tun fd behind.
 *
 *   test_tcp_kernel [tcp_kernel|tcp_vtap]   (wt_run.h patterns)
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "tcp_api.h"
#include "tk.h"

#define PEER_SECS	60

/* 198.18.0.1 (UK_KERNEL_IP): the kernel's side of the tap. */
static struct sockaddr_in
kernel_sin(uint16_t port)
{
	return pt_sin(TK_KERNEL, port);
}

/* The kernel peer, once it printed READY. */
static struct uk_child *
peer_start(void)
{
	const char *argv[] = { "/usr/bin/python3", uk_src("tcp_kpeer.py"),
		NULL };
	struct uk_child *c = uk_child_start(PEER_SECS, argv);
	char line[256];

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	if (uk_child_expect(c, "READY", line, sizeof(line), 10000) != 0) {
		uk_child_end(c, 1000);
		CU_FAIL_FATAL("the kernel peer did not start");
	}
	return c;
}

/* One command to the peer and its answer line; asserts it starts with
 * want ("OK", "ERR"). */
static void
peer_cmd(struct uk_child *c, const char *cmd, const char *want, char *line,
		size_t len)
{
	CU_ASSERT_EQUAL_FATAL(uk_child_say(c, cmd), 0);
	CU_ASSERT_EQUAL_FATAL(uk_child_hear(c, line, len, 30000), 0);
	if (strncmp(line, want, strlen(want)) != 0)
		fprintf(stderr, "peer: %s -> %s\n", cmd, line);
	CU_ASSERT_EQUAL(strncmp(line, want, strlen(want)), 0);
}

static void
peer_end(struct uk_child *c)
{
	uk_child_say(c, "quit");
	CU_ASSERT_EQUAL(uk_child_end(c, 5000), 0);
}

/* Our side of a transfer: n bytes out then shutdown (a thread), in to
 * the end of the peer's stream; the SHA-256 of each. */
struct xfer {
	SOCKET s;
	int n;
	bool zc;		/* sent zero-copy (ta_zc_send) */
	unsigned int zc_bad;
	int sent;
	uint64_t got;
	char ssha[65], rsha[65];
};

static void *
xfer_send(void *arg)
{
	struct xfer *x = arg;
	struct tk_sha256 h;
	char *b = malloc((size_t)x->n);

	if (b == NULL)
		return NULL;
	for (int i = 0; i < x->n; i++)
		b[i] = ta_byte((uint64_t)i);
	tk_sha256_init(&h);
	tk_sha256_add(&h, b, (size_t)x->n);
	tk_sha256_hex(&h, x->ssha);
	if (x->zc)
		x->sent = (int)ta_zc_send(x->s, (uint64_t)x->n, NULL, NULL,
			&x->zc_bad);
	else
		x->sent = send(x->s, b, x->n, 0);
	shutdown(x->s, SD_SEND);
	free(b);
	return NULL;
}

static bool xfer_zc;	/* the next transfers send zero-copy */

static void
xfer(struct xfer *x, SOCKET s, int n)
{
	struct tk_sha256 h;
	char b[16384];
	pthread_t t;
	int k;

	*x = (struct xfer){ .s = s, .n = n, .sent = -1, .zc = xfer_zc };
	CU_ASSERT_FATAL(pthread_create(&t, NULL, xfer_send, x) == 0);
	tk_sha256_init(&h);
	while ((k = recv(s, b, sizeof(b), 0)) > 0) {
		tk_sha256_add(&h, b, (size_t)k);
		x->got += (uint64_t)k;
	}
	tk_sha256_hex(&h, x->rsha);
	pthread_join(t, NULL);
	CU_ASSERT_EQUAL(k, 0);
}

/* Both transfers at once, n bytes each way; both hashes must match. */
static void
both_ways(struct uk_child *c, SOCKET s, int n)
{
	char cmd[64], line[512], want[256];
	struct xfer x;

	snprintf(cmd, sizeof(cmd), "xfer %d", n);
	CU_ASSERT_EQUAL_FATAL(uk_child_say(c, cmd), 0);
	xfer(&x, s, n);
	CU_ASSERT_EQUAL(x.sent, n);
	CU_ASSERT_EQUAL(x.zc_bad, 0);
	CU_ASSERT_EQUAL(uk_child_hear(c, line, sizeof(line), 30000), 0);
	/* The peer got what we sent, and sent what we got. */
	snprintf(want, sizeof(want), "OK recv=%d rsha=%s sent=%llu ssha=%s",
		n, x.ssha, (unsigned long long)x.got, x.rsha);
	if (strncmp(line, want, strlen(want)) != 0)
		fprintf(stderr, "peer: %s\nwant: %s\n", line, want);
	CU_ASSERT_EQUAL(strncmp(line, want, strlen(want)), 0);
	CU_ASSERT_EQUAL(x.got, (uint64_t)n);
}

/* Our connect to a Linux listener: 1 MB each way at once. */
static void
test_kernel_our_connect_to_linux_megabyte_each_way(void)
{
	struct sockaddr_in a = kernel_sin(5101);
	struct uk_child *c = peer_start();
	char line[256];
	SOCKET s = ta_tcp();

	peer_cmd(c, "listen 5101", "OK", line, sizeof(line));
	PT_OK(connect(s, PT_SA(a), PT_SIN_LEN));
	peer_cmd(c, "accept", "OK peer=198.18.0.2:", line, sizeof(line));
	both_ways(c, s, TK_MB);
	pt_close(s);
	peer_end(c);
}

/* A Linux client connects to our WSPAccept: 1 MB each way at once. */
static void
test_kernel_linux_connects_to_our_accept_megabyte_each_way(void)
{
	struct sockaddr_in a = pt_sin(0, 5102), p;
	struct uk_child *c = peer_start();
	int len = PT_SIN_LEN;
	char line[256];
	SOCKET l = ta_tcp(), s;

	PT_OK(bind(l, PT_SA(a), PT_SIN_LEN));
	PT_OK(listen(l, SOMAXCONN));
	peer_cmd(c, "connect 198.18.0.2 5102", "OK lport=", line,
		sizeof(line));
	CU_ASSERT_FATAL(ta_ready(l, 0, PT_WAIT_MS));
	s = accept(l, PT_SA(p), &len);
	CU_ASSERT_FATAL(s != INVALID_SOCKET);
	CU_ASSERT_EQUAL(ntohl(p.sin_addr.s_addr), TK_KERNEL);
	CU_ASSERT_EQUAL(ntohs(p.sin_port), atoi(line + strlen("OK lport=")));
	both_ways(c, s, TK_MB);
	pt_close(s);
	pt_close(l);
	peer_end(c);
}

/* Non-blocking connect to Linux: WSAEWOULDBLOCK, then writable, not
 * exceptional, SO_ERROR 0, and the connection carries data. */
static void
test_kernel_nonblocking_connect_writable_then_carries_data(void)
{
	struct sockaddr_in a = kernel_sin(5103);
	struct uk_child *c = peer_start();
	char line[256];
	SOCKET s = ta_tcp();

	peer_cmd(c, "listen 5103", "OK", line, sizeof(line));
	pt_nonblocking(s, true);
	PT_FAILS(connect(s, PT_SA(a), PT_SIN_LEN), WSAEWOULDBLOCK);
	CU_ASSERT_TRUE(ta_ready(s, 1, PT_WAIT_MS));
	CU_ASSERT_FALSE(ta_ready(s, 2, 0));
	CU_ASSERT_EQUAL(ta_getopt_int(s, SOL_SOCKET, SO_ERROR), 0);
	peer_cmd(c, "accept", "OK", line, sizeof(line));
	pt_nonblocking(s, false);
	both_ways(c, s, 1000);
	pt_close(s);
	peer_end(c);
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

/* closesocket with SO_LINGER {1,0}: Linux's recv fails ECONNRESET
 * (after the bytes sent before it). */
static void
test_kernel_linger_zero_close_gives_linux_econnreset(void)
{
	struct sockaddr_in a = kernel_sin(5104);
	struct uk_child *c = peer_start();
	char line[256];
	SOCKET s = ta_tcp();

	peer_cmd(c, "listen 5104", "OK", line, sizeof(line));
	PT_OK(connect(s, PT_SA(a), PT_SIN_LEN));
	peer_cmd(c, "accept", "OK", line, sizeof(line));
	ta_send_all(s, "bytes before the reset", 22);
	wt_sleep_ms(50);
	ta_linger(s, 1, 0);
	pt_close(s);
	peer_cmd(c, "recv", "ERR errno=104 ", line, sizeof(line));
	peer_end(c);
}

/* A packet counter of the kernel's side of the tap (rx: frames we
 * wrote, tx: frames it handed us). From /proc/net/dev, which is this
 * namespace's: /sys/class/net is the namespace's that mounted /sys. */
static uint64_t
tap_stat(bool tx)
{
	char out[64] = "";

	wt_sh_out(out, sizeof(out), "sed -n 's/^ *%s: *//p' /proc/net/dev |"
		" awk '{print $%d}'", UK_IFACE, tx ? 10 : 2);
	CU_ASSERT(out[0] >= '0' && out[0] <= '9');
	return strtoull(out, NULL, 10);
}

static uint64_t
tap_rx_packets(void)
{
	return tap_stat(false);
}

/* A connection from our stack to itself on the tap, whose wire does not
 * bring frames back: it is made, carries 100 000 bytes each way and
 * closes both ways, and its segments never reach the kernel. */
static void
test_kernel_connection_to_our_own_address_stays_inside(void)
{
	static char out[100000], in[100000];
	uint64_t rx0 = tap_rx_packets();
	SOCKET c, s;

	for (int i = 0; i < (int)sizeof(out); i++)
		out[i] = ta_byte((uint64_t)i);
	ta_pair(&c, &s);
	ta_send_all(c, out, sizeof(out));
	CU_ASSERT_EQUAL(ta_recv_n(s, in, sizeof(in), PT_WAIT_MS),
		(int)sizeof(in));
	CU_ASSERT(memcmp(in, out, sizeof(in)) == 0);
	ta_send_all(s, out, sizeof(out));
	memset(in, 0, sizeof(in));
	CU_ASSERT_EQUAL(ta_recv_n(c, in, sizeof(in), PT_WAIT_MS),
		(int)sizeof(in));
	CU_ASSERT(memcmp(in, out, sizeof(in)) == 0);
	PT_OK(shutdown(c, SD_SEND));
	CU_ASSERT_EQUAL(ta_recv_n(s, in, 1, PT_WAIT_MS), 0);
	PT_OK(shutdown(s, SD_SEND));
	CU_ASSERT_EQUAL(ta_recv_n(c, in, 1, PT_WAIT_MS), 0);
	pt_close(c);
	pt_close(s);
	/* 200 kB is 140 segments or more; an ARP or two may pass. */
	CU_ASSERT(tap_rx_packets() - rx0 < 10);
}

static int
kernel_up(void)
{
	return pt_tap_startup(UK_IFACE, UK_KERNEL_MAC, UK_KERNEL_CIDR);
}

/* WSACleanup (refcount to zero) timed, in ms; the provider comes back
 * up for the next test, with WSPDK_CLEANUP_MS as the suite had it. */
static uint64_t
cleanup_timed(void)
{
	uint64_t t0 = wt_now_ns(), ms;

	CU_ASSERT_EQUAL(WSACleanup(), 0);
	ms = (wt_now_ns() - t0) / 1000000;
	unsetenv("WSPDK_CLEANUP_MS");
	CU_ASSERT_EQUAL_FATAL(kernel_up(), 0);
	return ms;
}

/* WSPCleanup with a graceful close of 1 MB under way to a Linux peer
 * that reads: it gets every byte, then EOF (no reset). */
static void
test_kernel_cleanup_after_graceful_close_peer_reads_all_then_eof(void)
{
	struct sockaddr_in a = kernel_sin(5105);
	struct uk_child *c = peer_start();
	char line[512], want[256], sha[65];
	struct tk_sha256 h;
	int n = TK_MB;
	char *b = malloc((size_t)n);
	SOCKET s = ta_tcp();

	CU_ASSERT_FATAL(b != NULL);
	for (int i = 0; i < n; i++)
		b[i] = ta_byte((uint64_t)i);
	tk_sha256_init(&h);
	tk_sha256_add(&h, b, (size_t)n);
	tk_sha256_hex(&h, sha);
	peer_cmd(c, "listen 5105", "OK", line, sizeof(line));
	PT_OK(connect(s, PT_SA(a), PT_SIN_LEN));
	peer_cmd(c, "accept", "OK", line, sizeof(line));
	CU_ASSERT_EQUAL_FATAL(uk_child_say(c, "recv"), 0);
	CU_ASSERT_EQUAL(send(s, b, n, 0), n);
	pt_close(s);
	CU_ASSERT(cleanup_timed() < 2000 + 1000);
	CU_ASSERT_EQUAL(uk_child_hear(c, line, sizeof(line), 30000), 0);
	snprintf(want, sizeof(want), "OK recv=%d rsha=%s", n, sha);
	if (strncmp(line, want, strlen(want)) != 0)
		fprintf(stderr, "peer: %s\nwant: %s\n", line, want);
	CU_ASSERT_EQUAL(strncmp(line, want, strlen(want)), 0);
	free(b);
	peer_end(c);
}

/* WSPCleanup with data a Linux peer never reads (its SO_RCVBUF small,
 * the window shut): at WSPDK_CLEANUP_MS (300) the connection is reset,
 * and the peer's read ends in ECONNRESET after what it had. */
static void
test_kernel_cleanup_resets_a_peer_that_stopped_reading(void)
{
	struct sockaddr_in a = kernel_sin(5106);
	struct uk_child *c = peer_start();
	static char b[16384];
	char line[256];
	uint64_t ms;
	long sent = 0;
	int k;
	SOCKET s;

	CU_ASSERT_EQUAL(WSACleanup(), 0);
	setenv("WSPDK_CLEANUP_MS", "300", 1);
	CU_ASSERT_EQUAL_FATAL(kernel_up(), 0);
	s = ta_tcp();
	peer_cmd(c, "rcvbuf 4096", "OK", line, sizeof(line));
	peer_cmd(c, "listen 5106", "OK", line, sizeof(line));
	PT_OK(connect(s, PT_SA(a), PT_SIN_LEN));
	peer_cmd(c, "accept", "OK", line, sizeof(line));
	pt_nonblocking(s, true);
	/* Until its window and our SO_SNDBUF are full. */
	for (int i = 0; i < 2000; i++) {
		k = send(s, b, sizeof(b), 0);
		if (k > 0) {
			sent += k;
			continue;
		}
		CU_ASSERT_EQUAL(WSAGetLastError(), WSAEWOULDBLOCK);
		if (i > 100)
			break;
		wt_sleep_ms(5);
	}
	CU_ASSERT(sent > 16384);
	pt_close(s);
	ms = cleanup_timed();
	CU_ASSERT(ms >= 300 && ms < 300 + 500);
	peer_cmd(c, "recv", "ERR errno=104 ", line, sizeof(line));
	peer_end(c);
}

static int
kernel_down(void)
{
	return WSACleanup() == 0 ? 0 : -1;
}

#define VT_BYTES	(16 * TK_MB)
#define VT_MSS		1460	/* the most a 1500-MTU segment carries */

/*
 * 16 MB each way to a Linux listener; returns the frames the kernel
 * took from us and handed us meanwhile (the tap's own counters).
 */
static void
vtap_16mb_each_way(uint16_t port, uint64_t *to_kernel, uint64_t *from_kernel)
{
	struct sockaddr_in a = kernel_sin(port);
	struct uk_child *c = peer_start();
	char line[256], cmd[32];
	uint64_t rx0, tx0;
	SOCKET s = ta_tcp();

	snprintf(cmd, sizeof(cmd), "listen %u", port);
	peer_cmd(c, cmd, "OK", line, sizeof(line));
	PT_OK(connect(s, PT_SA(a), PT_SIN_LEN));
	peer_cmd(c, "accept", "OK peer=198.18.0.2:", line, sizeof(line));
	rx0 = tap_stat(false);
	tx0 = tap_stat(true);
	both_ways(c, s, VT_BYTES);
	*to_kernel = tap_stat(false) - rx0;
	*from_kernel = tap_stat(true) - tx0;
	pt_close(s);
	peer_end(c);
}

/* With TSO on, our 16 MB reach the kernel in frames of many segments
 * each (GSO: fewer than one frame per 4 MSS, ACKs included), and the
 * kernel's 16 MB reach us the same way; byte-exact both. */
static void
test_vtap_16mb_each_way_cross_as_gso_frames(void)
{
	uint64_t to, from;

	vtap_16mb_each_way(5110, &to, &from);
	CU_ASSERT(to * 4 * VT_MSS < VT_BYTES);
	CU_ASSERT(from * 4 * VT_MSS < VT_BYTES);
}

/* WSPDK_TSO=0: the same, our side one segment per frame (at least one
 * frame per MSS), the kernel's still GSO: fewer frames from it than its
 * 16 MB make MSS segments. Its frames include its ACKs of our ~11 500
 * segments, as many as its ACK timing makes (on a quiet machine more
 * than a quarter of them), so no tighter bound is the kernel's to keep. */
static void
test_vtap_16mb_each_way_tso_off_one_segment_per_frame(void)
{
	uint64_t to, from;

	CU_ASSERT_EQUAL(WSACleanup(), 0);
	setenv("WSPDK_TSO", "0", 1);
	CU_ASSERT_EQUAL_FATAL(kernel_up(), 0);
	vtap_16mb_each_way(5111, &to, &from);
	unsetenv("WSPDK_TSO");
	CU_ASSERT_EQUAL(WSACleanup(), 0);
	CU_ASSERT_EQUAL_FATAL(kernel_up(), 0);
	CU_ASSERT(to >= VT_BYTES / VT_MSS);
	CU_ASSERT(from * VT_MSS < VT_BYTES);
}

/* Zero-copy overlapped sends (SO_SNDBUF 0, 8 outstanding, odd-sized
 * WSABUFs, each buffer scribbled over and freed at its completion) to
 * Linux while it sends to us: both SHA-256 match, each send completed
 * once with every byte, and they still cross as GSO frames. */
static void
test_vtap_16mb_zero_copy_sends_intact_each_way(void)
{
	uint64_t to, from;

	xfer_zc = true;
	vtap_16mb_each_way(5112, &to, &from);
	xfer_zc = false;
	CU_ASSERT(to * 4 * VT_MSS < VT_BYTES);
}

/* The namespace's ping (ARP, then ICMP echo) is answered. */
static void
test_vtap_ping_from_the_kernel_is_answered(void)
{
	CU_ASSERT_EQUAL(wt_ping("198.18.0.2", 3), 3);
}

/* The process's fds on /dev/net/tun (EAL's own fds, hugepage maps
 * among them, come and go with its memory: not counted). */
static unsigned int
tun_fds(void)
{
	char out[32] = "";

	wt_sh_out(out, sizeof(out), "ls -l /proc/%d/fd | grep -c "
		"/dev/net/tun", (int)getpid());
	return (unsigned int)strtoul(out, NULL, 10);
}

/* 20 WSACleanup/WSAStartup cycles: each start makes the interface
 * again (it went with our last fd), it carries a ping, and the process
 * holds one tun fd (one queue) while started, none after cleanup. */
static void
test_vtap_20_cycles_remake_the_tap_and_leak_no_fd(void)
{
	for (int i = 0; i < 20; i++) {
		CU_ASSERT_EQUAL_FATAL(WSACleanup(), 0);
		CU_ASSERT_EQUAL(tun_fds(), 0);
		CU_ASSERT_NOT_EQUAL(wt_sh("ip link show %s >/dev/null 2>&1",
			UK_IFACE), 0);
		CU_ASSERT_EQUAL_FATAL(kernel_up(), 0);
		CU_ASSERT_EQUAL(tun_fds(), 1);
	}
	CU_ASSERT_EQUAL(wt_ping("198.18.0.2", 1), 1);
}

static const struct wt_test vtap_tests[] = {
	WT_TEST(test_vtap_16mb_each_way_cross_as_gso_frames),
	WT_TEST(test_vtap_16mb_each_way_tso_off_one_segment_per_frame),
	WT_TEST(test_vtap_16mb_zero_copy_sends_intact_each_way),
	WT_TEST(test_vtap_ping_from_the_kernel_is_answered),
	WT_TEST(test_vtap_20_cycles_remake_the_tap_and_leak_no_fd),
	WT_TEST_END
};

static const struct wt_suite vtap_suite = {
	.name = "tcp_vtap",
	.init = kernel_up,
	.clean = kernel_down,
	.tests = vtap_tests,
};

static const struct wt_test kernel_tests[] = {
	WT_TEST(test_kernel_our_connect_to_linux_megabyte_each_way),
	WT_TEST(test_kernel_linux_connects_to_our_accept_megabyte_each_way),
	WT_TEST(test_kernel_nonblocking_connect_writable_then_carries_data),
	WT_TEST(test_kernel_nonblocking_connect_refused_is_exceptional),
	WT_TEST(test_kernel_linger_zero_close_gives_linux_econnreset),
	WT_TEST(test_kernel_connection_to_our_own_address_stays_inside),
	WT_TEST(test_kernel_cleanup_after_graceful_close_peer_reads_all_then_eof),
	WT_TEST(test_kernel_cleanup_resets_a_peer_that_stopped_reading),
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
	static const struct wt_suite *const vtap_suites[] = {
		&kernel_suite,
		&vtap_suite,
		NULL
	};
	bool vtap = getenv("TK_VTAP") != NULL;

	/* First, while the process has one thread. */
	if (wt_need_tools("ip py:hashlib") != 0 || wt_netns_enter() != 0 ||
			wt_hugepages_reserve(64) != 0)
		return 1;
	if (vtap)
		setenv("WSPDK_DEVICE", "vtap:" UK_IFACE, 1);
	else
		unsetenv("WSPDK_DEVICE");
	return wt_run_suites(argc, argv, vtap ? vtap_suites : suites);
}
