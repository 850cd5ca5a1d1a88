/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Provider sockets against the Linux kernel's own UDP through the tap:
 * socat and python peers send and receive, 10 000 random-size datagrams
 * echo back complete and in order, ICMP port unreachable works both
 * ways, and datagrams larger than the MTU leave as fragments the kernel
 * reassembles, and arrive as the kernel's fragments, which we reassemble.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "test_uk.h"

#define ECHO_PORT	7000
#define SOCAT_PORT	7001
#define CLOSED_PORT	7999
#define KSINK_PORT	9300
#define KCLOSED_PORT	9399
#define BCAST_PORT	7002
#define FRAG_PORT	7003
#define KBCAST_PORT	9301
#define ECHO_COUNT	10000

#define STR(x)		#x
#define XSTR(x)		STR(x)

static int
suite_init(void)
{
	return ukt_up();
}

static int
suite_clean(void)
{
	return ukt_down();
}

/* A receive timeout, so no wait in these tests is unbounded. */
static void
rcvtimeo(SOCKET s, int ms)
{
	CU_ASSERT_EQUAL(ukt_opt(s, SO_RCVTIMEO, ms), 0);
}

/* socat (a kernel socket) sends to a provider socket, which sees the
 * kernel's address as the source and replies; socat prints the reply. */
static void
test_socat_datagram_gets_reply(void)
{
	static const char msg[] = "hello-from-socat";
	static const char reply[] = "HELLO-FROM-WSPDK\n";
	const char *argv[] = { "sh", "-c", "printf hello-from-socat | "
		"socat -t 2 - UDP4:" UK_PROVIDER_IP ":" XSTR(SOCAT_PORT),
		NULL };
	SOCKET s = ukt_udp(SOCAT_PORT);
	struct sockaddr_in from;
	int fromlen = sizeof(from), n;
	struct uk_child *c;
	char buf[256], line[256], ip[32];

	CU_ASSERT_FATAL(s != INVALID_SOCKET);
	rcvtimeo(s, 5000);
	c = uk_child_start(10, argv);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	n = recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&from,
		&fromlen);
	CU_ASSERT_EQUAL(n, (int)strlen(msg));
	if (n > 0) {
		CU_ASSERT_EQUAL(memcmp(buf, msg, strlen(msg)), 0);
		inet_ntop(AF_INET, &from.sin_addr, ip, sizeof(ip));
		CU_ASSERT_STRING_EQUAL(ip, UK_KERNEL_IP);
		CU_ASSERT_EQUAL(sendto(s, reply, (int)strlen(reply), 0,
			(struct sockaddr *)&from, fromlen), (int)strlen(reply));
	}
	CU_ASSERT_EQUAL(uk_child_hear(c, line, sizeof(line), 5000), 0);
	CU_ASSERT_STRING_EQUAL(line, "HELLO-FROM-WSPDK");
	CU_ASSERT_EQUAL(uk_child_end(c, 5000), 0);
	closesocket(s);
}

/* The socket /wspdk/sockets lists at local address `local` counted
 * dgrams datagrams of bytes in all, in and out, and dropped none. */
static void
check_sock_counters(const char *local, uint64_t dgrams, uint64_t bytes)
{
	static const char *const zero[] = { "drop_rx_full", "drop_tx_full",
		"drop_no_arp", "drop_csum", "drop_nombuf" };
	char json[16384], pat[64];
	const char *p;
	uint64_t v;

	CU_ASSERT_EQUAL_FATAL(wt_tel(wt_tel_prefix(), "/wspdk/sockets", json,
		sizeof(json)), 0);
	snprintf(pat, sizeof(pat), "\"local\":\"%s\"", local);
	p = strstr(json, pat);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	/* The keys after "local" in that socket's object. */
	CU_ASSERT(wt_json_u64(p, "rx_dgrams", &v) == 0 && v == dgrams);
	CU_ASSERT(wt_json_u64(p, "tx_dgrams", &v) == 0 && v == dgrams);
	CU_ASSERT(wt_json_u64(p, "rx_bytes", &v) == 0 && v == bytes);
	CU_ASSERT(wt_json_u64(p, "tx_bytes", &v) == 0 && v == bytes);
	for (size_t i = 0; i < sizeof(zero) / sizeof(zero[0]); i++)
		CU_ASSERT(wt_json_u64(p, zero[i], &v) == 0 && v == 0);
}

/* 10 000 datagrams of random sizes 0..1472 from a kernel socket come back
 * from a provider echo socket complete, byte for byte and in order; the
 * socket's own counters (telemetry) agree. */
static void
test_echo_10000_random_sizes_complete_in_order(void)
{
	const char *argv[] = { "/usr/bin/python3", uk_src("kpeer.py"), "echo",
		"--dst", UK_PROVIDER_IP, "--port", XSTR(ECHO_PORT), "--count",
		XSTR(ECHO_COUNT), "--seed", "20260", "--window", "16", NULL };
	SOCKET s = ukt_udp(ECHO_PORT);
	struct sockaddr_in from;
	uint64_t ok = 0, bad = 1, gaps = 1, late = 1, lost = 1, foreign = 1;
	uint64_t bytes = 0;
	unsigned int echoed = 0;
	struct uk_child *c;
	char buf[2048], line[512];

	CU_ASSERT_FATAL(s != INVALID_SOCKET);
	rcvtimeo(s, 10000);
	c = uk_child_start(120, argv);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	while (echoed < ECHO_COUNT) {
		int fromlen = sizeof(from);
		int n = recvfrom(s, buf, sizeof(buf), 0,
			(struct sockaddr *)&from, &fromlen);

		if (n < 0) {
			fprintf(stderr, "echo: recvfrom %d after %u\n",
				WSAGetLastError(), echoed);
			break;
		}
		if (sendto(s, buf, n, 0, (struct sockaddr *)&from, fromlen) !=
				n) {
			fprintf(stderr, "echo: sendto %d\n", WSAGetLastError());
			break;
		}
		echoed++;
	}
	CU_ASSERT_EQUAL(echoed, ECHO_COUNT);
	CU_ASSERT_EQUAL_FATAL(uk_child_expect(c, "ECHO", line, sizeof(line),
		60000), 0);
	printf("\n    %s\n", line);
	CU_ASSERT_EQUAL(ukt_field(line, "ok", &ok), 0);
	ukt_field(line, "bad", &bad);
	ukt_field(line, "gaps", &gaps);
	ukt_field(line, "late", &late);
	ukt_field(line, "lost", &lost);
	ukt_field(line, "foreign", &foreign);
	ukt_field(line, "bytes", &bytes);
	CU_ASSERT_EQUAL(ok, ECHO_COUNT);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(gaps, 0);
	CU_ASSERT_EQUAL(late, 0);
	CU_ASSERT_EQUAL(lost, 0);
	CU_ASSERT_EQUAL(foreign, 0);
	CU_ASSERT_EQUAL(uk_child_end(c, 5000), 0);
	check_sock_counters("0.0.0.0:" XSTR(ECHO_PORT), ECHO_COUNT, bytes);
	closesocket(s);
}

/* A kernel datagram to a port nobody holds gets ICMP port unreachable,
 * which the kernel's connected socket reports as ECONNREFUSED. */
static void
test_closed_port_gives_kernel_econnrefused(void)
{
	const char *argv[] = { "/usr/bin/python3", uk_src("kpeer.py"),
		"refused", "--dst", UK_PROVIDER_IP, "--port", XSTR(CLOSED_PORT),
		NULL };
	struct ukt_stats a, b;
	struct uk_child *c;
	char line[256];

	CU_ASSERT_EQUAL_FATAL(ukt_stats_read(&a), 0);
	c = uk_child_start(20, argv);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(uk_child_expect(c, "", line, sizeof(line), 10000), 0);
	CU_ASSERT_STRING_EQUAL(line, "REFUSED errno=111");
	CU_ASSERT_EQUAL(uk_child_end(c, 5000), 0);
	CU_ASSERT_EQUAL_FATAL(ukt_stats_read(&b), 0);
	CU_ASSERT_EQUAL(ukt_stats_get(&b, "udp_no_port") -
		ukt_stats_get(&a, "udp_no_port"), 1);
	CU_ASSERT_EQUAL(ukt_stats_get(&b, "icmp_unreach_tx") -
		ukt_stats_get(&a, "icmp_unreach_tx"), 1);
}

/* The kernel answers our datagram to a closed kernel port with ICMP port
 * unreachable: the provider socket's next receive fails WSAECONNRESET
 * (Windows' SIO_UDP_CONNRESET default), once. */
static void
test_kernel_closed_port_gives_wsaeconnreset(void)
{
	struct sockaddr_in to = ukt_sin(UK_KERNEL_IP, KCLOSED_PORT);
	SOCKET s = ukt_udp(0);
	u_long nb = 1;
	char buf[64];
	int n;

	CU_ASSERT_FATAL(s != INVALID_SOCKET);
	rcvtimeo(s, 5000);
	CU_ASSERT_EQUAL(sendto(s, "x", 1, 0, (struct sockaddr *)&to,
		sizeof(to)), 1);
	n = recv(s, buf, sizeof(buf), 0);
	CU_ASSERT_EQUAL(n, SOCKET_ERROR);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAECONNRESET);
	/* Reported once: the next receive finds nothing. */
	CU_ASSERT_EQUAL(ioctlsocket(s, FIONBIO, &nb), 0);
	CU_ASSERT_EQUAL(recv(s, buf, sizeof(buf), 0), SOCKET_ERROR);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAEWOULDBLOCK);
	closesocket(s);
}

static const uint32_t frag_sizes[] = {
	1473, 2952, 2953, 4000, 8192, 16384, 30000, 65507,
};

/* Datagrams larger than the MTU (up to 65507 bytes) leave as IPv4
 * fragments; the kernel reassembles every one and the bytes are intact. */
static void
test_fragmented_datagrams_reassembled_by_kernel(void)
{
	const char *argv[] = { "/usr/bin/python3", uk_src("kpeer.py"), "sink",
		"--port", XSTR(KSINK_PORT), "--max-time", "60", NULL };
	struct sockaddr_in to = ukt_sin(UK_KERNEL_IP, KSINK_PORT);
	const unsigned int nsz = sizeof(frag_sizes) / sizeof(frag_sizes[0]);
	uint64_t reasm0, n = 0, bytes = 0, bad = 1, ooo = 1, dup = 1;
	uint64_t want_bytes = 0;
	static uint8_t buf[65508];
	struct uk_child *c;
	char line[1024];
	SOCKET s;

	c = uk_child_start(70, argv);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL_FATAL(uk_child_expect(c, "READY", line, sizeof(line),
		10000), 0);
	s = ukt_udp(0);
	CU_ASSERT_FATAL(s != INVALID_SOCKET);
	reasm0 = uk_snmp("Ip", "ReasmOKs");
	for (uint32_t i = 0; i < nsz; i++) {
		ukt_sink_payload(buf, i, frag_sizes[i]);
		CU_ASSERT_EQUAL(sendto(s, (char *)buf, (int)frag_sizes[i], 0,
			(struct sockaddr *)&to, sizeof(to)),
			(int)frag_sizes[i]);
		want_bytes += frag_sizes[i];
	}
	/* One byte more than an IPv4 datagram can carry. */
	CU_ASSERT_EQUAL(sendto(s, (char *)buf, 65508, 0,
		(struct sockaddr *)&to, sizeof(to)), SOCKET_ERROR);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAEMSGSIZE);
	for (int t = 0; t < 100 && n < nsz; t++) {
		uk_child_say(c, "COUNT");
		if (uk_child_expect(c, "COUNT", line, sizeof(line), 5000) != 0)
			break;
		ukt_field(line, "n", &n);
		if (n < nsz)
			wt_sleep_ms(50);
	}
	printf("\n    %s\n", line);
	ukt_field(line, "bytes", &bytes);
	ukt_field(line, "bad", &bad);
	ukt_field(line, "ooo", &ooo);
	ukt_field(line, "dup", &dup);
	CU_ASSERT_EQUAL(n, nsz);
	CU_ASSERT_EQUAL(bytes, want_bytes);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(ooo, 0);
	CU_ASSERT_EQUAL(dup, 0);
	/* Every one of them was reassembled by the kernel, not sent whole. */
	CU_ASSERT_EQUAL(uk_snmp("Ip", "ReasmOKs") - reasm0, nsz);
	uk_child_say(c, "QUIT");
	CU_ASSERT_EQUAL(uk_child_end(c, 5000), 0);
	closesocket(s);
}

/* Broadcast both ways: a kernel datagram to the subnet broadcast reaches
 * a provider socket bound to the wildcard; a provider socket reaches the
 * kernel's only with SO_BROADCAST, and fails WSAEACCES without it. */
static void
test_subnet_broadcast_both_ways(void)
{
	const char *kargv[] = { "sh", "-c", "printf to-everyone | socat -u - "
		"UDP4-DATAGRAM:198.18.0.255:" XSTR(BCAST_PORT) ",broadcast",
		NULL };
	const char *sargv[] = { "/usr/bin/python3", uk_src("kpeer.py"), "sink",
		"--port", XSTR(KBCAST_PORT), "--max-time", "30", NULL };
	struct sockaddr_in to = ukt_sin("198.18.0.255", KBCAST_PORT);
	struct sockaddr_in from;
	int fromlen = sizeof(from), n;
	uint64_t got = 0;
	struct uk_child *c;
	uint8_t buf[64];
	char line[256];
	SOCKET s = ukt_udp(BCAST_PORT);

	CU_ASSERT_FATAL(s != INVALID_SOCKET);
	rcvtimeo(s, 5000);
	c = uk_child_start(10, kargv);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	n = recvfrom(s, (char *)buf, sizeof(buf), 0, (struct sockaddr *)&from,
		&fromlen);
	CU_ASSERT_EQUAL(n, 11);
	CU_ASSERT_EQUAL(n == 11 ? memcmp(buf, "to-everyone", 11) : -1, 0);
	CU_ASSERT_EQUAL(uk_child_end(c, 5000), 0);

	c = uk_child_start(40, sargv);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL_FATAL(uk_child_expect(c, "READY", line, sizeof(line),
		10000), 0);
	ukt_sink_payload(buf, 0, 32);
	CU_ASSERT_EQUAL(sendto(s, (char *)buf, 32, 0, (struct sockaddr *)&to,
		sizeof(to)), SOCKET_ERROR);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAEACCES);
	CU_ASSERT_EQUAL(ukt_opt(s, SO_BROADCAST, 1), 0);
	CU_ASSERT_EQUAL(sendto(s, (char *)buf, 32, 0, (struct sockaddr *)&to,
		sizeof(to)), 32);
	for (int t = 0; t < 100 && got == 0; t++) {
		uk_child_say(c, "COUNT");
		if (uk_child_expect(c, "COUNT", line, sizeof(line), 5000) != 0)
			break;
		ukt_field(line, "n", &got);
		if (got == 0)
			wt_sleep_ms(20);
	}
	CU_ASSERT_EQUAL(got, 1);
	uk_child_say(c, "QUIT");
	CU_ASSERT_EQUAL(uk_child_end(c, 5000), 0);
	closesocket(s);
}

/* Byte i of a datagram of n bytes from the kernel (kernel_send_big). */
static uint8_t
big_byte(uint32_t n, uint32_t i)
{
	return (uint8_t)(i * 7 + n);
}

/* The next datagram on s is the kernel's of n bytes, intact. */
static void
check_big(SOCKET s, uint32_t n)
{
	static uint8_t buf[65536];
	struct sockaddr_in from;
	int fromlen = sizeof(from), got;
	uint32_t bad = 0;

	got = recvfrom(s, (char *)buf, sizeof(buf), 0,
		(struct sockaddr *)&from, &fromlen);
	CU_ASSERT_EQUAL_FATAL(got, (int)n);
	for (uint32_t i = 0; i < n; i++)
		bad += buf[i] != big_byte(n, i);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(from.sin_addr.s_addr, ukt_sin(UK_KERNEL_IP,
		0).sin_addr.s_addr);
}

/* Kernel datagrams larger than the MTU (4000 and 65507 bytes: 3 and 45
 * fragments of 1480 bytes) are reassembled and received whole, byte for
 * byte; FIONREAD counts their full length; the next whole datagram still
 * arrives. A fragmented echo request longer than our MTU is not answered
 * and counted (README). */
static void
test_kernel_fragments_reassembled(void)
{
	const char *argv[] = { "/usr/bin/python3", "-c",
		"import socket\n"
		"s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
		"for n in (4000, 65507):\n"
		"    s.sendto(bytes((i * 7 + n) & 255 for i in range(n)), "
		"('" UK_PROVIDER_IP "', " XSTR(FRAG_PORT) "))\n"
		"s.sendto(b'whole', ('" UK_PROVIDER_IP "', " XSTR(FRAG_PORT)
		"))\n", NULL };
	const char *ping[] = { "ping", "-q", "-c", "1", "-W", "2", "-s", "4000",
		UK_PROVIDER_IP, NULL };
	const uint32_t want = 4000 + 65507 + 5;
	struct ukt_stats a, b;
	struct uk_child *c;
	u_long avail = 0;
	char buf[16];
	SOCKET s = ukt_udp(FRAG_PORT);
	int n;

	CU_ASSERT_FATAL(s != INVALID_SOCKET);
	rcvtimeo(s, 5000);
	/* Room for all three (the default, 64 KiB, takes one of them). */
	CU_ASSERT_EQUAL(ukt_opt(s, SO_RCVBUF, 1 << 20), 0);
	CU_ASSERT_EQUAL_FATAL(ukt_stats_read(&a), 0);
	c = uk_child_start(20, argv);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(uk_child_end(c, 10000), 0);
	for (int t = 0; t < 500 && avail < want; t++) {
		CU_ASSERT_EQUAL(ioctlsocket(s, FIONREAD, &avail), 0);
		if (avail < want)
			wt_sleep_ms(10);
	}
	CU_ASSERT_EQUAL(avail, want);
	check_big(s, 4000);
	check_big(s, 65507);
	n = recv(s, buf, sizeof(buf), 0);
	CU_ASSERT_EQUAL(n, 5);
	CU_ASSERT_EQUAL(n == 5 ? memcmp(buf, "whole", 5) : -1, 0);

	c = uk_child_start(10, ping);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_NOT_EQUAL(uk_child_end(c, 8000), 0);	/* no reply */
	CU_ASSERT_EQUAL_FATAL(ukt_stats_read(&b), 0);
	printf("\n    ip_fragment +%" PRIu64 " ip_reass_ok +%" PRIu64
		" ip_reass_too_long +%" PRIu64 " ip_reass_timeout +%" PRIu64
		"\n", ukt_stats_get(&b, "ip_fragment") -
		ukt_stats_get(&a, "ip_fragment"),
		ukt_stats_get(&b, "ip_reass_ok") -
		ukt_stats_get(&a, "ip_reass_ok"),
		ukt_stats_get(&b, "ip_reass_too_long") -
		ukt_stats_get(&a, "ip_reass_too_long"),
		ukt_stats_get(&b, "ip_reass_timeout") -
		ukt_stats_get(&a, "ip_reass_timeout"));
	/* 3 + 45 fragments, then the echo's 3. */
	CU_ASSERT_EQUAL(ukt_stats_get(&b, "ip_fragment") -
		ukt_stats_get(&a, "ip_fragment"), 3 + 45 + 3);
	CU_ASSERT_EQUAL(ukt_stats_get(&b, "ip_reass_ok") -
		ukt_stats_get(&a, "ip_reass_ok"), 3);
	CU_ASSERT_EQUAL(ukt_stats_get(&b, "ip_reass_too_long") -
		ukt_stats_get(&a, "ip_reass_too_long"), 1);
	closesocket(s);
}

static const struct wt_test tests[] = {
	WT_TEST(test_socat_datagram_gets_reply),
	WT_TEST(test_echo_10000_random_sizes_complete_in_order),
	WT_TEST(test_closed_port_gives_kernel_econnrefused),
	WT_TEST(test_kernel_closed_port_gives_wsaeconnreset),
	WT_TEST(test_fragmented_datagrams_reassembled_by_kernel),
	WT_TEST(test_subnet_broadcast_both_ways),
	WT_TEST(test_kernel_fragments_reassembled),
	WT_TEST_END
};

const struct wt_suite test_uk_interop_suite = {
	.name = "uk_interop",
	.init = suite_init,
	.clean = suite_clean,
	.tests = tests,
};
