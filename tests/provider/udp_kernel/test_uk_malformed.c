/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Malformed frames through the tap (testbed.md §B2): scapy writes each
 * case on the kernel side of wsptap0 and the test reads /wspdk/stats
 * before and after, asserting the exact delta of every counter -- the
 * ones the case names move by exactly their count, every other drop or
 * protocol counter stays put. Only the counters that the kernel's own
 * chatter can move are left out (port totals, ARP), with rx_pkts checked
 * to cover at least the frames sent. Cases that carry a valid datagram
 * to the bound socket must deliver it, byte for byte; the others must
 * leave the socket empty. A broadcast storm comes last but one, then a
 * valid datagram that must still arrive.
 */
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "test_uk.h"

#define BOUND_PORT	7100
#define CLOSED_PORT	7999
#define STORM		10000

#define STR(x)		#x
#define XSTR(x)		STR(x)

/* Counters one case may move. */
#define NB_MOVED	5

struct moved {
	const char *counter;
	uint64_t delta;
};

struct mcase {
	const char *name;
	const char *delivered;	/* payload the socket receives, or NULL */
	uint64_t sock_drop_csum; /* per-socket drop_csum delta */
	bool per_frame;		/* every counter moves once per frame */
	struct moved moved[NB_MOVED];
};

static const struct mcase cases[] = {
	/* The kernel refuses to put a frame shorter than the Ethernet
	 * header on the tap (EINVAL), and scapy then pads it to 60 zeroed
	 * bytes: what reaches us is EtherType 0. eth_short itself is
	 * covered on the pair device (tests/dataplane) and by the fuzzer. */
	{ "eth_runt", NULL, 0, false, { { "eth_unknown_type", 1 },
		{ "rx_bytes", 60 } } },
	{ "ip_truncated", NULL, 0, false, { { "ip_short", 1 } } },
	{ "udp_truncated", NULL, 0, false, { { "udp_short", 1 } } },
	{ "ip_bad_ihl", NULL, 0, false, { { "ip_bad_ihl", 2 } } },
	{ "ip_bad_version", NULL, 0, false, { { "ip_bad_version", 1 } } },
	{ "ip_bad_totlen", NULL, 0, false, { { "ip_bad_totlen", 2 } } },
	{ "ip_bad_csum", NULL, 0, false, { { "ip_bad_csum", 1 } } },
	/* Three fragments reassembled (to the closed port), one bad. */
	{ "ip_fragments", NULL, 0, false, { { "ip_fragment", 4 },
		{ "ip_reass_ok", 1 }, { "ip_reass_bad_len", 1 },
		{ "udp_no_port", 1 }, { "icmp_unreach_tx", 1 } } },
	{ "udp_bad_len", NULL, 0, false, { { "udp_bad_len", 2 } } },
	{ "udp_bad_csum", NULL, 1, false, { { "udp_bad_csum", 1 } } },
	/* RFC 1122 §4.1.3.4: silently discarded, no port unreachable. */
	{ "udp_bad_csum_closed_port", NULL, 0, false,
		{ { "udp_bad_csum", 1 } } },
	{ "udp_zero_csum", "zero-checksum", 0, false,
		{ { "udp_zero_csum", 1 } } },
	{ "eth_other_mac", NULL, 0, false, { { "eth_not_our_mac", 1 } } },
	{ "eth_mcast_src", NULL, 0, false, { { "eth_bad_src", 1 } } },
	{ "ip_other_host", NULL, 0, false, { { "ip_not_for_us", 1 } } },
	{ "ip_mcast_src", NULL, 0, false, { { "ip_bad_src", 1 } } },
	{ "ip_options", "with-options", 0, false, { { "ip_options", 1 } } },
	{ "eth_vlan", NULL, 0, false, { { "eth_vlan", 1 } } },
	{ "eth_ipv6", NULL, 0, false, { { "eth_ipv6", 1 } } },
	{ "eth_unknown_type", NULL, 0, false, { { "eth_unknown_type", 1 } } },
	/* A SYN to a closed port is answered with a RST. */
	{ "tcp_syn", NULL, 0, false, { { "tcp_rx", 1 },
		{ "tcp_no_socket", 1 }, { "tcp_tx", 1 }, { "tcp_rst_tx", 1 } } },
	{ "ip_unknown_proto", NULL, 0, false, { { "ip_unknown_proto", 1 },
		{ "icmp_unreach_tx", 1 } } },
	{ "udp_closed_port", NULL, 0, false, { { "udp_no_port", 1 },
		{ "icmp_unreach_tx", 1 } } },
	{ "icmp_truncated", NULL, 0, false, { { "icmp_short", 1 } } },
	{ "icmp_bad_csum", NULL, 0, false, { { "icmp_bad_csum", 1 } } },
	{ "icmp_echo", NULL, 0, false, { { "icmp_echo_rx", 1 },
		{ "icmp_echo_tx", 1 } } },
	{ "bcast_storm", NULL, 0, true, { { "rx_broadcast", STORM },
		{ "udp_no_port", STORM } } },
	{ "valid_final", "still-delivered-after-malformed", 0, false,
		{ { NULL } } },
};

static struct uk_child *scapy;
static SOCKET bound = INVALID_SOCKET;

static int
suite_init(void)
{
	char mac[32], json[8192], line[256];
	const char *argv[] = { "/usr/bin/python3", uk_src("scapy_malformed.py"),
		"--iface", UK_IFACE, "--dst-mac", mac, "--src-mac",
		UK_KERNEL_MAC, "--dst-ip", UK_PROVIDER_IP, "--src-ip",
		UK_KERNEL_IP, "--port", XSTR(BOUND_PORT), "--closed-port",
		XSTR(CLOSED_PORT), "--storm", XSTR(STORM), NULL };

	if (ukt_up() != 0)
		return -1;
	/* Room in the tap's queue for the whole storm (tun's default is
	 * 500 frames, and our lcore shares the CPUs with scapy). */
	if (wt_sh("ip link set %s txqueuelen %u", UK_IFACE, STORM * 2) != 0)
		return -1;
	if (wt_tel(wt_tel_prefix(), "/wspdk/info", json, sizeof(json)) != 0 ||
			wt_json_str(json, "mac", mac, sizeof(mac)) != 0) {
		fprintf(stderr, "FAIL: no MAC in /wspdk/info\n");
		return -1;
	}
	bound = ukt_udp(BOUND_PORT);
	if (bound == INVALID_SOCKET)
		return -1;
	scapy = uk_child_start(170, argv);
	if (scapy == NULL || uk_child_expect(scapy, "READY", line,
			sizeof(line), 30000) != 0)
		return -1;
	return 0;
}

static int
suite_clean(void)
{
	int ret = 0;

	uk_child_say(scapy, "QUIT");
	if (uk_child_end(scapy, 5000) != 0)
		ret = -1;
	closesocket(bound);
	return ukt_down() == 0 ? ret : -1;
}

/* Counters the kernel's own traffic (ARP for the ICMP errors we send,
 * its replies) or our transmissions move: not the case's doing. */
static bool
background(const char *name)
{
	return strcmp(name, "rx_pkts") == 0 || strcmp(name, "rx_bytes") == 0 ||
		strcmp(name, "tx_pkts") == 0 || strcmp(name, "tx_bytes") == 0 ||
		strncmp(name, "arp_", 4) == 0 || strncmp(name, "port_", 5) == 0;
}

static uint64_t
expected(const struct mcase *c, const char *name)
{
	for (int i = 0; i < NB_MOVED && c->moved[i].counter != NULL; i++)
		if (strcmp(c->moved[i].counter, name) == 0)
			return c->moved[i].delta;
	return 0;
}

/*
 * Every frame the kernel put on the tap (nframes less what it dropped
 * for lack of queue room: only the storm may lose any) has been taken
 * in, and the case's counters got that far.
 */
static bool
reached(const struct mcase *c, const struct ukt_stats *a,
		const struct ukt_stats *b, uint64_t nframes, uint64_t kdrop)
{
	if (ukt_stats_get(b, "rx_pkts") - ukt_stats_get(a, "rx_pkts") <
			nframes - kdrop)
		return false;
	for (int i = 0; i < NB_MOVED && c->moved[i].counter != NULL; i++)
		if (ukt_stats_get(b, c->moved[i].counter) -
				ukt_stats_get(a, c->moved[i].counter) <
				c->moved[i].delta - (c->per_frame ? kdrop : 0))
			return false;
	return true;
}

static uint64_t
sock_drop_csum(void)
{
	char json[16384];
	uint64_t v = 0;

	if (wt_tel(wt_tel_prefix(), "/wspdk/sockets", json, sizeof(json)) ==
			0)
		wt_json_u64(json, "drop_csum", &v);
	return v;
}

/* The case's datagram, if any, is on the bound socket (and nothing
 * else is). */
static void
check_socket(const struct mcase *c)
{
	struct sockaddr_in from;
	char buf[2048], ip[32];
	u_long avail = 0;
	int n = SOCKET_ERROR, fromlen;

	if (c->delivered == NULL) {
		CU_ASSERT_EQUAL(ioctlsocket(bound, FIONREAD, &avail), 0);
		CU_ASSERT_EQUAL(avail, 0);
		/* Take what should not be there, so later cases start
		 * from an empty socket. */
		while (recv(bound, buf, sizeof(buf), 0) >= 0)
			;
		return;
	}
	for (int t = 0; t < 100 && n == SOCKET_ERROR; t++) {
		fromlen = sizeof(from);
		n = recvfrom(bound, buf, sizeof(buf), 0,
			(struct sockaddr *)&from, &fromlen);
		if (n == SOCKET_ERROR) {
			CU_ASSERT_EQUAL_FATAL(WSAGetLastError(),
				WSAEWOULDBLOCK);
			wt_sleep_ms(10);
		}
	}
	CU_ASSERT_EQUAL(n, (int)strlen(c->delivered));
	if (n == (int)strlen(c->delivered))
		CU_ASSERT_EQUAL(memcmp(buf, c->delivered, (size_t)n), 0);
	inet_ntop(AF_INET, &from.sin_addr, ip, sizeof(ip));
	CU_ASSERT_STRING_EQUAL(ip, UK_KERNEL_IP);
	CU_ASSERT_EQUAL(ntohs(from.sin_port), 40000);
	CU_ASSERT_EQUAL(ioctlsocket(bound, FIONREAD, &avail), 0);
	CU_ASSERT_EQUAL(avail, 0);
}

static void
run_case(const char *name)
{
	const struct mcase *c = NULL;
	struct ukt_stats a, b;
	uint64_t nframes = 0, csum0, drop0, kdrop = 0;
	char line[256], want[128];
	u_long nb = 1;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (strcmp(cases[i].name, name) == 0)
			c = &cases[i];
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL_FATAL(ioctlsocket(bound, FIONBIO, &nb), 0);
	drop0 = uk_if_stat(UK_IFACE, "tx_dropped");
	csum0 = sock_drop_csum();
	CU_ASSERT_EQUAL_FATAL(ukt_stats_read(&a), 0);
	CU_ASSERT_EQUAL_FATAL(uk_child_say(scapy, name), 0);
	snprintf(want, sizeof(want), "SENT %s ", name);
	CU_ASSERT_EQUAL_FATAL(uk_child_expect(scapy, want, line, sizeof(line),
		60000), 0);
	nframes = strtoull(line + strlen(want), NULL, 10);
	/* Until the lcore has taken every frame in (bounded), then one more
	 * moment so a counter that would over-count has the chance to. */
	for (int t = 0; t < 500; t++) {
		kdrop = uk_if_stat(UK_IFACE, "tx_dropped") - drop0;
		CU_ASSERT_EQUAL_FATAL(ukt_stats_read(&b), 0);
		if (reached(c, &a, &b, nframes, kdrop))
			break;
		wt_sleep_ms(10);
	}
	wt_sleep_ms(50);
	kdrop = uk_if_stat(UK_IFACE, "tx_dropped") - drop0;
	CU_ASSERT_EQUAL_FATAL(ukt_stats_read(&b), 0);
	/* The kernel handed the tap every frame scapy wrote, or (storm)
	 * counted the ones its queue had no room for. */
	if (!c->per_frame)
		CU_ASSERT_EQUAL(kdrop, 0);
	if (kdrop != 0)
		printf("\n    %s: the kernel dropped %llu of %llu frames "
			"(tap queue full)\n", name, (unsigned long long)kdrop,
			(unsigned long long)nframes);
	CU_ASSERT(ukt_stats_get(&b, "rx_pkts") - ukt_stats_get(&a, "rx_pkts")
		>= nframes - kdrop);
	for (unsigned int i = 0; i < b.n; i++) {
		const char *k = b.name[i];
		uint64_t d = b.v[i] - ukt_stats_get(&a, k), e = expected(c, k);

		if (background(k) && e == 0)
			continue;
		if (c->per_frame && e != 0)
			e -= kdrop;
		/* A broadcast ARP from the kernel may land in any case. */
		if (strcmp(k, "rx_broadcast") == 0 && d > e && d - e <=
				ukt_stats_get(&b, "arp_req_rx") -
				ukt_stats_get(&a, "arp_req_rx"))
			d = e;
		if (d != e)
			fprintf(stderr, "\n    case %s: %s moved %llu, want "
				"%llu\n", name, k, (unsigned long long)d,
				(unsigned long long)e);
		CU_ASSERT_EQUAL(d, e);
	}
	CU_ASSERT_EQUAL(sock_drop_csum() - csum0, c->sock_drop_csum);
	check_socket(c);
}

#define CASE(n) static void test_##n(void) { run_case(#n); }
CASE(eth_runt)
CASE(ip_truncated)
CASE(udp_truncated)
CASE(ip_bad_ihl)
CASE(ip_bad_version)
CASE(ip_bad_totlen)
CASE(ip_bad_csum)
CASE(ip_fragments)
CASE(udp_bad_len)
CASE(udp_bad_csum)
CASE(udp_bad_csum_closed_port)
CASE(udp_zero_csum)
CASE(eth_other_mac)
CASE(eth_mcast_src)
CASE(ip_other_host)
CASE(ip_mcast_src)
CASE(ip_options)
CASE(eth_vlan)
CASE(eth_ipv6)
CASE(eth_unknown_type)
CASE(tcp_syn)
CASE(ip_unknown_proto)
CASE(udp_closed_port)
CASE(icmp_truncated)
CASE(icmp_bad_csum)
CASE(icmp_echo)
CASE(bcast_storm)
CASE(valid_final)
#undef CASE

static const struct wt_test tests[] = {
	WT_TEST(test_eth_runt),
	WT_TEST(test_ip_truncated),
	WT_TEST(test_udp_truncated),
	WT_TEST(test_ip_bad_ihl),
	WT_TEST(test_ip_bad_version),
	WT_TEST(test_ip_bad_totlen),
	WT_TEST(test_ip_bad_csum),
	WT_TEST(test_ip_fragments),
	WT_TEST(test_udp_bad_len),
	WT_TEST(test_udp_bad_csum),
	WT_TEST(test_udp_bad_csum_closed_port),
	WT_TEST(test_udp_zero_csum),
	WT_TEST(test_eth_other_mac),
	WT_TEST(test_eth_mcast_src),
	WT_TEST(test_ip_other_host),
	WT_TEST(test_ip_mcast_src),
	WT_TEST(test_ip_options),
	WT_TEST(test_eth_vlan),
	WT_TEST(test_eth_ipv6),
	WT_TEST(test_eth_unknown_type),
	WT_TEST(test_tcp_syn),
	WT_TEST(test_ip_unknown_proto),
	WT_TEST(test_udp_closed_port),
	WT_TEST(test_icmp_truncated),
	WT_TEST(test_icmp_bad_csum),
	WT_TEST(test_icmp_echo),
	WT_TEST(test_bcast_storm),
	WT_TEST(test_valid_final),
	WT_TEST_END
};

const struct wt_suite test_uk_malformed_suite = {
	.name = "uk_malformed",
	.init = suite_init,
	.clean = suite_clean,
	.tests = tests,
};
