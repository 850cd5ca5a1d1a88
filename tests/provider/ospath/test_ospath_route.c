/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which path a socket took, and why, in telemetry; and the no-route
 * decision (issue #15 item 2), through the public Winsock API of the
 * stand-in, the provider on the loop device (198.18.0.2/24, no gateway).
 *
 * A destination with no route through wspdk's interface (off its subnet,
 * no gateway) goes to the OS path at connect or the first send; here the
 * OS is this test's own network namespace, whose kernel routes only
 * 198.19.2.0/24, to an echo peer in a second namespace (kpeer.h). On
 * the subnet, or with a gateway configured, sockets stay accelerated.
 *
 * OS path sockets are listed in /wspdk/sockets with "path": "os", their
 * handle, reason and the OS provider's addresses, and counted by reason
 * in /wspdk/info; a closed one is in neither.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpeer.h"
#include "ospath_util.h"
#include "pt.h"
#include "wt.h"

/* A name, kept for the call (C has no address of a returned struct). */
static const struct sockaddr_in *
addr_of(SOCKET s, bool peer)
{
	static struct sockaddr_in keep[4];
	static unsigned int next;
	struct sockaddr_in *k = &keep[next++ % 4];

	*k = pt_name_of(s, peer);
	return k;
}

static void
addr_text(const struct sockaddr_in *sin, char *out, size_t len)
{
	uint32_t ip = ntohl(sin->sin_addr.s_addr);

	snprintf(out, len, "%u.%u.%u.%u:%u", ip >> 24, (ip >> 16) & 0xff,
		(ip >> 8) & 0xff, ip & 0xff, ntohs(sin->sin_port));
}

/* The entry of an OS path socket, by its handle. */
static bool
os_entry(SOCKET s, char *entry, size_t len)
{
	char pat[48];

	snprintf(pat, sizeof(pat), "\"handle\":\"%#llx\"",
		(unsigned long long)s);
	return pt_sock_entry(pat, entry, len);
}

/* The entry of a socket, by its local name. */
static bool
local_entry(SOCKET s, char *entry, size_t len)
{
	struct sockaddr_in me = pt_name_of(s, false);
	char a[24], pat[48];

	addr_text(&me, a, sizeof(a));
	snprintf(pat, sizeof(pat), "\"local\":\"%s\"", a);
	return pt_sock_entry(pat, entry, len);
}

static bool
has(const char *entry, const char *key, const char *want)
{
	char v[128];

	if (wt_json_str(entry, key, v, sizeof(v)) != 0) {
		fprintf(stderr, "\nno %s in %s\n", key, entry);
		return false;
	}
	if (strcmp(v, want) != 0) {
		fprintf(stderr, "\n%s: \"%s\", want \"%s\"\n", key, v, want);
		return false;
	}
	return true;
}

static bool
has_addr(const char *entry, const char *key, const struct sockaddr_in *sin)
{
	char a[24];

	addr_text(sin, a, sizeof(a));
	return has(entry, key, a);
}

/* A number of /wspdk/info; UINT64_MAX if it is not there. */
static uint64_t
info(const char *key)
{
	static char json[8192];
	uint64_t v;

	if (wt_tel(wt_tel_prefix(), "/wspdk/info", json, sizeof(json)) != 0 ||
			wt_json_u64(json, key, &v) != 0)
		return UINT64_MAX;
	return v;
}

static void
expect_counts(uint64_t all, uint64_t loopback, uint64_t other_local,
		uint64_t no_route)
{
	CU_ASSERT_EQUAL(info("os_sockets"), all);
	CU_ASSERT_EQUAL(info("os_sockets_loopback"), loopback);
	CU_ASSERT_EQUAL(info("os_sockets_other_local"), other_local);
	CU_ASSERT_EQUAL(info("os_sockets_no_route"), no_route);
}

static void
expect_os(SOCKET s, const char *key, const char *reason)
{
	char e[4096];

	CU_ASSERT(os_entry(s, e, sizeof(e)));
	CU_ASSERT_TRUE(has(e, "path", "os"));
	CU_ASSERT_TRUE(has(e, "reason_key", key));
	CU_ASSERT_TRUE(has(e, "reason", reason));
}

static void
expect_gone(SOCKET s)
{
	char e[4096];

	CU_ASSERT_FALSE(os_entry(s, e, sizeof(e)));
}

static SOCKET
tcp_to_peer(void)
{
	SOCKET s = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	struct sockaddr_in to = pt_sin(KP_PEER_IP, KP_TCP_PORT);

	PT_OK(connect(s, PT_SA(to), PT_SIN_LEN));
	return s;
}

#define NO_ROUTE	"198.19.2.2 has no route through wspdk's interface"

static void
test_off_subnet_without_gateway_goes_to_the_os_path_and_reaches_the_peer(
		void)
{
	struct sockaddr_in to = pt_sin(KP_PEER_IP, KP_UDP_PORT), from;
	unsigned int dg0, cn0, dg, cn;
	int flen = sizeof(from);
	char buf[16], e[4096];
	SOCKET c, u;

	/* Before connecting: the peer counts a connection at accept. */
	CU_ASSERT_EQUAL_FATAL(kp_served(&dg0, &cn0), 0);
	c = tcp_to_peer();
	u = pt_socket(SOCK_DGRAM, IPPROTO_UDP);
	/* TCP, decided at connect: the kernel peer echoes. */
	CU_ASSERT_EQUAL(send(c, "hello", 5, 0), 5);
	CU_ASSERT_TRUE(pt_readable(c, PT_WAIT_MS));
	CU_ASSERT_EQUAL(recv(c, buf, sizeof(buf), 0), 5);
	CU_ASSERT_EQUAL(memcmp(buf, "hello", 5), 0);
	CU_ASSERT_EQUAL(pt_name_of(c, false).sin_addr.s_addr, htonl(KP_OUR_IP));
	expect_os(c, "no_route", NO_ROUTE);
	CU_ASSERT(os_entry(c, e, sizeof(e)));
	CU_ASSERT_TRUE(has_addr(e, "local", addr_of(c, false)));
	to.sin_port = htons(KP_TCP_PORT);
	CU_ASSERT_TRUE(has_addr(e, "peer", &to));
	/* UDP, decided by the first sendto of an unbound socket. */
	to.sin_port = htons(KP_UDP_PORT);
	CU_ASSERT_EQUAL(sendto(u, "ping", 4, 0, PT_SA(to), PT_SIN_LEN), 4);
	CU_ASSERT_TRUE(pt_readable(u, PT_WAIT_MS));
	CU_ASSERT_EQUAL(recvfrom(u, buf, sizeof(buf), 0, PT_SA(from), &flen),
		4);
	CU_ASSERT_EQUAL(memcmp(buf, "ping", 4), 0);
	CU_ASSERT_EQUAL(from.sin_addr.s_addr, to.sin_addr.s_addr);
	CU_ASSERT_EQUAL(from.sin_port, to.sin_port);
	expect_os(u, "no_route", NO_ROUTE);
	CU_ASSERT(os_entry(u, e, sizeof(e)));
	CU_ASSERT_TRUE(has_addr(e, "local", addr_of(u, false)));
	expect_counts(2, 0, 0, 2);
	/* Graceful close: the peer's echo ends at our FIN. */
	PT_OK(shutdown(c, SD_SEND));
	CU_ASSERT_EQUAL(recv(c, buf, sizeof(buf), 0), 0);
	pt_close(c);
	pt_close(u);
	CU_ASSERT_EQUAL_FATAL(kp_served(&dg, &cn), 0);
	CU_ASSERT_EQUAL(dg, dg0 + 1);
	CU_ASSERT_EQUAL(cn, cn0 + 1);
	expect_counts(0, 0, 0, 0);
}

/* Our own subnet: the dataplane, over the loop device. */
static void
test_on_subnet_destinations_stay_accelerated(void)
{
	SOCKET rx = ou_udp_bound(PT_IP, NULL);
	SOCKET tx = pt_socket(SOCK_DGRAM, IPPROTO_UDP);
	struct sockaddr_in rn = pt_name_of(rx, false), ln;
	SOCKET l = pt_listener(&ln), c = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	SOCKET a;
	char buf[8], e[4096];

	CU_ASSERT_EQUAL(sendto(tx, "on", 2, 0, PT_SA(rn), PT_SIN_LEN), 2);
	CU_ASSERT_TRUE(pt_readable(rx, PT_WAIT_MS));
	CU_ASSERT_EQUAL(recv(rx, buf, sizeof(buf), 0), 2);
	PT_OK(connect(c, PT_SA(ln), PT_SIN_LEN));
	a = accept(l, NULL, NULL);
	CU_ASSERT_NOT_EQUAL(a, INVALID_SOCKET);
	expect_counts(0, 0, 0, 0);
	CU_ASSERT(local_entry(rx, e, sizeof(e)) && has(e, "path", "wspdk"));
	CU_ASSERT(local_entry(l, e, sizeof(e)) &&
		has(e, "path", "wspdk") && has(e, "protocol", "tcp"));
	expect_gone(tx);
	expect_gone(c);
	pt_close(a);
	pt_close(c);
	pt_close(l);
	pt_close(tx);
	pt_close(rx);
}

/* Every reason at once, counted; each closed one leaves both lists. */
static void
test_telemetry_counts_os_sockets_by_reason_and_forgets_closed_ones(void)
{
	struct sockaddr_in ln = pt_sin(INADDR_LOOPBACK, 0);
	struct sockaddr_in ud = pt_sin(KP_PEER_IP, KP_UDP_PORT);
	SOCKET lo = ou_udp_bound(INADDR_LOOPBACK, NULL);
	SOCKET ol = ou_udp_bound(KP_OUR_IP, NULL);
	SOCKET l = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	SOCKET c = pt_socket(SOCK_STREAM, IPPROTO_TCP), a;
	SOCKET nt = tcp_to_peer(), nu = pt_socket(SOCK_DGRAM, IPPROTO_UDP);
	SOCKET all[7];
	uint64_t left[4] = { 7, 4, 1, 2 };
	char e[4096];

	PT_OK(bind(l, PT_SA(ln), PT_SIN_LEN));
	PT_OK(listen(l, 4));
	ln = pt_name_of(l, false);
	PT_OK(connect(c, PT_SA(ln), PT_SIN_LEN));
	a = accept(l, NULL, NULL);
	CU_ASSERT_NOT_EQUAL_FATAL(a, INVALID_SOCKET);
	PT_OK(connect(nu, PT_SA(ud), PT_SIN_LEN));
	expect_counts(7, 4, 1, 2);
	expect_os(lo, "loopback", "127.0.0.1 is loopback");
	expect_os(l, "loopback", "127.0.0.1 is loopback");
	expect_os(c, "loopback", "127.0.0.1 is loopback");
	/* Accepted: its listener's reason, its own addresses. */
	expect_os(a, "loopback", "127.0.0.1 is loopback");
	CU_ASSERT(os_entry(a, e, sizeof(e)));
	CU_ASSERT_TRUE(has_addr(e, "local", addr_of(a, false)));
	CU_ASSERT_TRUE(has_addr(e, "peer", addr_of(c, false)));
	CU_ASSERT_TRUE(has(e, "protocol", "tcp"));
	expect_os(ol, "other_local", "198.19.2.1 is a local address that is "
		"not wspdk's");
	CU_ASSERT(os_entry(ol, e, sizeof(e)));
	CU_ASSERT_TRUE(has_addr(e, "local", addr_of(ol, false)));
	CU_ASSERT_TRUE(has(e, "protocol", "udp"));
	expect_os(nt, "no_route", NO_ROUTE);
	expect_os(nu, "no_route", NO_ROUTE);
	CU_ASSERT(os_entry(nu, e, sizeof(e)));
	CU_ASSERT_TRUE(has_addr(e, "peer", &ud));
	/* Close in turn: gone at once, counts follow. */
	all[0] = a; all[1] = c; all[2] = l; all[3] = lo;
	all[4] = ol; all[5] = nt; all[6] = nu;
	for (unsigned int i = 0; i < 7; i++) {
		pt_close(all[i]);
		expect_gone(all[i]);
		left[0]--;
		left[i < 4 ? 1 : i == 4 ? 2 : 3]--;
		expect_counts(left[0], left[1], left[2], left[3]);
	}
}

/* A gateway routes every destination through our port: accelerated. */
static void
test_with_a_gateway_off_subnet_stays_accelerated(void)
{
	struct sockaddr_in to = pt_sin(KP_PEER_IP, KP_UDP_PORT);
	WSADATA d;
	SOCKET u;
	char e[4096];

	CU_ASSERT_EQUAL_FATAL(WSACleanup(), 0);
	setenv("WSPDK_GATEWAY", "198.18.0.1", 1);
	CU_ASSERT_EQUAL_FATAL(WSAStartup(MAKEWORD(2, 2), &d), 0);
	u = pt_socket(SOCK_DGRAM, IPPROTO_UDP);
	/* Queued for the gateway's ARP on the loop device. */
	CU_ASSERT_EQUAL(sendto(u, "gw", 2, 0, PT_SA(to), PT_SIN_LEN), 2);
	expect_gone(u);
	expect_counts(0, 0, 0, 0);
	CU_ASSERT(local_entry(u, e, sizeof(e)));
	CU_ASSERT_TRUE(has(e, "path", "wspdk"));
	pt_close(u);
	CU_ASSERT_EQUAL_FATAL(WSACleanup(), 0);
	unsetenv("WSPDK_GATEWAY");
	CU_ASSERT_EQUAL_FATAL(WSAStartup(MAKEWORD(2, 2), &d), 0);
}

static const struct wt_test tests[] = {
	WT_TEST(test_off_subnet_without_gateway_goes_to_the_os_path_and_reaches_the_peer),
	WT_TEST(test_on_subnet_destinations_stay_accelerated),
	WT_TEST(test_telemetry_counts_os_sockets_by_reason_and_forgets_closed_ones),
	WT_TEST(test_with_a_gateway_off_subnet_stays_accelerated),
	WT_TEST_END
};

static const struct wt_suite route_suite = {
	.name = "ospath_route",
	.tests = tests,
	.clean = pt_suite_clean,
};

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = {
		&route_suite, NULL };
	int ret;

	/* Before any thread: the namespaces, then the provider. */
	if (kp_start() != 0)
		return 1;
	if (pt_startup() != 0) {
		kp_stop();
		return 1;
	}
	ret = pt_run(argc, argv, suites);
	kp_stop();
	return ret;
}
