/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * UDP multicast against the Linux kernel, through a tap in the test's own
 * network namespace (kernel 198.18.0.1 and 198.18.0.3, us 198.18.0.2):
 * delivery to every member and no one else, source-specific joins and
 * blocks, our sends reaching a kernel member, loopback, the IGMP reports
 * the kernel side sees (join, leave, cleanup, queries, IGMPv2), Winsock's
 * error codes, and malformed IGMP/multicast frames counted and survived.
 * At feed scale: long join/leave churn, hundreds of members in one group,
 * thousands of groups held at once, every group coming back when its
 * last member leaves or closes, and each real limit refused and counted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "wt.h"
#include "ws2.h"
#include "wt_run.h"

#define TAP	"wsptap0"
#define GROUP	"239.1.2.3"
#define PORT	30001
#define PEER	"/usr/bin/python3 " MCAST_DIR "/mc_peer.py"
#define CAPTURE	"/tmp/wspdk-mcast-%ld.pcap"
#define DRAIN_QUIET_MS	400	/* drain: silence that ends it */
#define CAPTURE_MAX_S	60	/* bounds a capture the test never stops */
#define FEED_PORT	30002
#define GROUPS_MAX	4096	/* WSPDK_MC_GROUPS' default */

static char pcap[64];

static int
startup(void)
{
	WSADATA wd;

	if (WSAStartup(MAKEWORD(2, 2), &wd) != 0)
		return -1;
	if (wt_tap_kernel_up(TAP, "02:00:c6:12:00:01", "198.18.0.1/24") != 0)
		return -1;
	/* A second kernel source, and multicast out of the tap. */
	return wt_sh("ip addr replace 198.18.0.3/24 dev " TAP " && "
		"ip route replace 239.0.0.0/8 dev " TAP);
}

static struct in_addr
addr(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a;
}

static int
mreq(SOCKET s, int opt, const char *group, const char *ifaddr)
{
	IP_MREQ m = { .imr_multiaddr = addr(group),
		.imr_interface = addr(ifaddr) };

	return setsockopt(s, IPPROTO_IP, opt, (const char *)&m, sizeof(m)) ==
		0 ? 0 : WSAGetLastError();
}

static int
mreq_source(SOCKET s, int opt, const char *group, const char *src)
{
	IP_MREQ_SOURCE m = { .imr_multiaddr = addr(group),
		.imr_sourceaddr = addr(src), .imr_interface = addr("0.0.0.0") };

	return setsockopt(s, IPPROTO_IP, opt, (const char *)&m, sizeof(m)) ==
		0 ? 0 : WSAGetLastError();
}

static SOCKET
member(unsigned short port)
{
	SOCKET s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
	struct sockaddr_in a = { .sin_family = AF_INET,
		.sin_port = htons(port) };
	BOOL on = TRUE;
	int big = 1 << 20;

	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, (const char *)&on, sizeof(on));
	setsockopt(s, SOL_SOCKET, SO_RCVBUF, (const char *)&big, sizeof(big));
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) != 0)
		CU_FAIL("bind");
	return s;
}

/* A kernel send happened since the last drain. */
static bool settle;

/* Datagrams queued on s; with src, how many came from that source. */
static int
drain(SOCKET s, const char *src, int *from_src)
{
	struct timeval quiet = { 0, DRAIN_QUIET_MS * 1000 };
	char buf[2048];
	u_long nb = 1;
	int n = 0, len;
	fd_set r;

	ioctlsocket(s, FIONBIO, &nb);
	if (from_src != NULL)
		*from_src = 0;
	/* The first drain after a kernel send reads until nothing more
	 * came for DRAIN_QUIET_MS: on a loaded machine the last datagrams
	 * trail the sender's exit by more than its 100 ms (bounded: the
	 * senders are finite). Every member got them in the same lcore
	 * turn, so the drains after it need not wait again. */
	for (;;) {
		while ((len = recv(s, buf, sizeof(buf) - 1, 0)) >= 0) {
			buf[len] = '\0';
			n++;
			if (src != NULL && strstr(buf, src) != NULL)
				(*from_src)++;
		}
		FD_ZERO(&r);
		FD_SET(s, &r);
		if (!settle || select(0, &r, NULL, NULL, &quiet) != 1)
			break;
	}
	settle = false;
	nb = 0;
	ioctlsocket(s, FIONBIO, &nb);
	return n;
}

static void
kernel_sends(const char *src, int count)
{
	CU_ASSERT_EQUAL(wt_sh(PEER " send %s " GROUP " %d %d", src, PORT,
		count), 0);
	settle = true;
	wt_sleep_ms(100);	/* the last datagrams reach the sockets */
}

/* Group n of a block: 239.<block>.<n / 256>.<n % 256>. */
static const char *
group_n(char *buf, int block, int n)
{
	snprintf(buf, 16, "239.%d.%d.%d", block, n / 256, n % 256);
	return buf;
}

/* Join count groups of a block on s; returns how many failed (the first
 * failure's code in *err). */
static int
join_block(SOCKET s, int block, int first, int count, int *err)
{
	char g[16];
	int failed = 0;

	*err = 0;
	for (int i = first; i < first + count; i++) {
		int e = mreq(s, IP_ADD_MEMBERSHIP, group_n(g, block, i),
			"0.0.0.0");

		if (e != 0 && failed++ == 0)
			*err = e;
	}
	return failed;
}

/* A top-level counter of /wspdk/mcast (UINT64_MAX if absent). */
static uint64_t
mc_stat(const char *name)
{
	static char json[16384];
	uint64_t v = UINT64_MAX;

	if (wt_tel(wt_tel_prefix(), "/wspdk/mcast", json, sizeof(json)) == 0)
		wt_json_u64(json, name, &v);
	return v;
}

/* Until the engine holds no group, not even one still retransmitting
 * its leave (bounded: a retransmission is due within a second). */
static bool
table_empties(void)
{
	for (int i = 0; i < 40; i++) {
		if (mc_stat("groups") == 0 && mc_stat("groups_leaving") == 0)
			return true;
		wt_sleep_ms(100);
	}
	return false;
}

/* Two joined sockets get every datagram; one on the same port that did
 * not join gets none. */
static void
test_every_member_gets_every_datagram_and_only_members(void)
{
	SOCKET a = member(PORT), b = member(PORT), c = member(PORT);

	CU_ASSERT_EQUAL(mreq(a, IP_ADD_MEMBERSHIP, GROUP, "0.0.0.0"), 0);
	CU_ASSERT_EQUAL(mreq(b, IP_ADD_MEMBERSHIP, GROUP, "198.18.0.2"), 0);
	kernel_sends("198.18.0.1", 200);
	CU_ASSERT_EQUAL(drain(a, NULL, NULL), 200);
	CU_ASSERT_EQUAL(drain(b, NULL, NULL), 200);
	CU_ASSERT_EQUAL(drain(c, NULL, NULL), 0);
	/* After a drop, that socket hears nothing more. */
	CU_ASSERT_EQUAL(mreq(b, IP_DROP_MEMBERSHIP, GROUP, "0.0.0.0"), 0);
	kernel_sends("198.18.0.1", 50);
	CU_ASSERT_EQUAL(drain(a, NULL, NULL), 50);
	CU_ASSERT_EQUAL(drain(b, NULL, NULL), 0);
	closesocket(a);
	closesocket(b);
	closesocket(c);
}

/* A source-specific join takes one kernel source and not the other. */
static void
test_source_specific_join_accepts_only_its_source(void)
{
	SOCKET s = member(PORT);
	int from1;

	CU_ASSERT_EQUAL(mreq_source(s, IP_ADD_SOURCE_MEMBERSHIP, GROUP,
		"198.18.0.1"), 0);
	kernel_sends("198.18.0.1", 50);
	kernel_sends("198.18.0.3", 50);
	CU_ASSERT_EQUAL(drain(s, "src=198.18.0.1", &from1), 50);
	CU_ASSERT_EQUAL(from1, 50);
	closesocket(s);
}

/* IP_BLOCK_SOURCE keeps one source out of an any-source membership;
 * unblocking lets it back in. */
static void
test_blocked_source_is_kept_out(void)
{
	SOCKET s = member(PORT);
	int from3;

	CU_ASSERT_EQUAL(mreq(s, IP_ADD_MEMBERSHIP, GROUP, "0.0.0.0"), 0);
	CU_ASSERT_EQUAL(mreq_source(s, IP_BLOCK_SOURCE, GROUP, "198.18.0.3"),
		0);
	kernel_sends("198.18.0.1", 30);
	kernel_sends("198.18.0.3", 30);
	CU_ASSERT_EQUAL(drain(s, "src=198.18.0.3", &from3), 30);
	CU_ASSERT_EQUAL(from3, 0);
	CU_ASSERT_EQUAL(mreq_source(s, IP_UNBLOCK_SOURCE, GROUP,
		"198.18.0.3"), 0);
	kernel_sends("198.18.0.3", 30);
	CU_ASSERT_EQUAL(drain(s, "src=198.18.0.3", &from3), 30);
	CU_ASSERT_EQUAL(from3, 30);
	closesocket(s);
}

/* A kernel socket that joined the group receives what we send, with the
 * group's MAC mapping and TTL 1 (it is one hop away). */
static void
test_our_sends_reach_a_kernel_member(void)
{
	struct sockaddr_in g = { .sin_family = AF_INET,
		.sin_port = htons(PORT + 1), .sin_addr = addr(GROUP) };
	SOCKET s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
	char out[256];
	int got = -1;

	CU_ASSERT_EQUAL(wt_sh(PEER " recv " GROUP " 198.18.0.1 %d 100 3000 "
		"> /tmp/wspdk-mc-recv-%ld.txt 2>&1 &", PORT + 1,
		(long)getpid()), 0);
	wt_sleep_ms(800);	/* the kernel socket has joined */
	for (int i = 0; i < 100; i++)
		CU_ASSERT_EQUAL(sendto(s, "to the kernel", 13, 0,
			(struct sockaddr *)&g, sizeof(g)), 13);
	wt_sleep_ms(3500);
	wt_sh_out(out, sizeof(out), "cat /tmp/wspdk-mc-recv-%ld.txt; rm -f "
		"/tmp/wspdk-mc-recv-%ld.txt", (long)getpid(), (long)getpid());
	sscanf(strstr(out, "received=") ? strstr(out, "received=") : "",
		"received=%d", &got);
	CU_ASSERT_EQUAL(got, 100);
	closesocket(s);
}

/* IP_MULTICAST_LOOP on: our own member gets our sends; off: it does not. */
static void
test_multicast_loop_reaches_our_own_members(void)
{
	struct sockaddr_in g = { .sin_family = AF_INET,
		.sin_port = htons(PORT), .sin_addr = addr(GROUP) };
	SOCKET m = member(PORT), s = socket(AF_INET, SOCK_DGRAM, 0);
	DWORD off = 0, v = 7;
	int len = sizeof(v);

	CU_ASSERT_EQUAL(getsockopt(s, IPPROTO_IP, IP_MULTICAST_LOOP,
		(char *)&v, &len), 0);
	CU_ASSERT_EQUAL(v, 1);		/* Windows' default */
	CU_ASSERT_EQUAL(mreq(m, IP_ADD_MEMBERSHIP, GROUP, "0.0.0.0"), 0);
	for (int i = 0; i < 10; i++)
		sendto(s, "loop", 4, 0, (struct sockaddr *)&g, sizeof(g));
	wt_sleep_ms(100);
	CU_ASSERT_EQUAL(drain(m, NULL, NULL), 10);
	CU_ASSERT_EQUAL(setsockopt(s, IPPROTO_IP, IP_MULTICAST_LOOP,
		(const char *)&off, sizeof(off)), 0);
	for (int i = 0; i < 10; i++)
		sendto(s, "loop", 4, 0, (struct sockaddr *)&g, sizeof(g));
	wt_sleep_ms(100);
	CU_ASSERT_EQUAL(drain(m, NULL, NULL), 0);
	closesocket(m);
	closesocket(s);
}

static int
capture_start(void)
{
	char out[128] = "";

	snprintf(pcap, sizeof(pcap), CAPTURE, (long)getpid());
	wt_sh(PEER " capture %d %s > %s.log 2>&1 &", CAPTURE_MAX_S, pcap,
		pcap);
	for (int i = 0; i < 100; i++) {
		wt_sh_out(out, sizeof(out), "cat %s.log 2>/dev/null", pcap);
		if (strstr(out, "capturing=1") != NULL)
			return 0;
		wt_sleep_ms(100);
	}
	return -1;
}

/* settle_ms after the test's last action (for what it sends later:
 * retransmissions, a query's answer), the capture stops; its records. */
static void
capture_wait(char *records, size_t len, unsigned int settle_ms)
{
	char out[128] = "";

	wt_sleep_ms(settle_ms);
	wt_sh("touch %s.stop", pcap);
	for (int i = 0; i < 10 * (CAPTURE_MAX_S + 10); i++) {
		wt_sh_out(out, sizeof(out), "cat %s.log 2>/dev/null", pcap);
		if (strstr(out, "captured=") != NULL)
			break;
		wt_sleep_ms(100);
	}
	wt_sh_out(records, len, PEER " reports %s; rm -f %s %s.log %s.stop",
		pcap, pcap, pcap, pcap);
}

/* The kernel side sees our IGMPv3 reports: a join (TO_EX {}), a
 * source-specific join (ALLOW / TO_IN with the source), and a leave
 * (TO_IN {}), each with TTL 1 and the Router Alert option. */
static void
test_kernel_sees_igmp_reports_on_join_and_leave(void)
{
	char rec[8192];
	SOCKET s = member(PORT), t = member(PORT);

	CU_ASSERT_EQUAL_FATAL(capture_start(), 0);
	CU_ASSERT_EQUAL(mreq(s, IP_ADD_MEMBERSHIP, "239.9.9.9", "0.0.0.0"), 0);
	CU_ASSERT_EQUAL(mreq_source(t, IP_ADD_SOURCE_MEMBERSHIP, "239.9.9.8",
		"198.18.0.1"), 0);
	wt_sleep_ms(1500);
	CU_ASSERT_EQUAL(mreq(s, IP_DROP_MEMBERSHIP, "239.9.9.9", "0.0.0.0"), 0);
	closesocket(t);
	closesocket(s);
	capture_wait(rec, sizeof(rec), 1500);
	CU_ASSERT_PTR_NOT_NULL(strstr(rec, "type=to_ex group=239.9.9.9 "
		"sources=- ttl=1 ra=1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(rec, "group=239.9.9.8 "
		"sources=198.18.0.1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(rec, "type=to_in group=239.9.9.9 "
		"sources=-"));
	if (strstr(rec, "type=to_in group=239.9.9.9") == NULL)
		fprintf(stderr, "records seen:\n%s\n", rec);
}

/* A group left and joined again at once: the old membership's leave is
 * never retransmitted after the new join's report (the router would
 * believe we left). */
static void
test_rejoin_is_not_undone_by_the_old_leave(void)
{
	char rec[8192], *join, *p;
	SOCKET s = member(PORT);

	CU_ASSERT_EQUAL(mreq(s, IP_ADD_MEMBERSHIP, "239.9.9.4", "0.0.0.0"), 0);
	wt_sleep_ms(1200);	/* past the join's retransmission */
	CU_ASSERT_EQUAL_FATAL(capture_start(), 0);
	CU_ASSERT_EQUAL(mreq(s, IP_DROP_MEMBERSHIP, "239.9.9.4", "0.0.0.0"),
		0);
	CU_ASSERT_EQUAL(mreq(s, IP_ADD_MEMBERSHIP, "239.9.9.4", "0.0.0.0"), 0);
	capture_wait(rec, sizeof(rec), 2000);
	/* The leave, then the rejoin; after that, joins only. */
	p = strstr(rec, "type=to_in group=239.9.9.4");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	join = strstr(p, "type=to_ex group=239.9.9.4");
	CU_ASSERT_PTR_NOT_NULL_FATAL(join);
	CU_ASSERT_PTR_NULL(strstr(join, "type=to_in group=239.9.9.4"));
	if (strstr(join, "type=to_in group=239.9.9.4") != NULL)
		fprintf(stderr, "records seen:\n%s\n", rec);
	closesocket(s);
}

/* A general query is answered with our current state. */
static void
test_general_query_is_answered(void)
{
	char rec[8192];
	SOCKET s = member(PORT);

	CU_ASSERT_EQUAL(mreq(s, IP_ADD_MEMBERSHIP, "239.9.9.7", "0.0.0.0"), 0);
	wt_sleep_ms(1200);	/* past our own retransmission */
	CU_ASSERT_EQUAL_FATAL(capture_start(), 0);
	CU_ASSERT_EQUAL(wt_sh(PEER " query v3 0.0.0.0"), 0);
	capture_wait(rec, sizeof(rec), 2000);
	CU_ASSERT_PTR_NOT_NULL(strstr(rec, "type=is_ex group=239.9.9.7"));
	closesocket(s);
}

/* After an IGMPv2 query, reports are IGMPv2 reports and leaves. */
static void
test_v2_querier_gets_v2_reports_and_leaves(void)
{
	char rec[8192];
	SOCKET s = member(PORT);

	CU_ASSERT_EQUAL_FATAL(capture_start(), 0);
	CU_ASSERT_EQUAL(wt_sh(PEER " query v2 0.0.0.0"), 0);
	/* Room for the lcore to hear the query on a loaded machine. */
	wt_sleep_ms(800);
	CU_ASSERT_EQUAL(mreq(s, IP_ADD_MEMBERSHIP, "239.9.9.6", "0.0.0.0"), 0);
	wt_sleep_ms(500);
	CU_ASSERT_EQUAL(mreq(s, IP_DROP_MEMBERSHIP, "239.9.9.6", "0.0.0.0"),
		0);
	capture_wait(rec, sizeof(rec), 1500);
	CU_ASSERT_PTR_NOT_NULL(strstr(rec, "v2report group=239.9.9.6"));
	CU_ASSERT_PTR_NOT_NULL(strstr(rec, "v2leave group=239.9.9.6"));
	if (strstr(rec, "v2leave group=239.9.9.6") == NULL)
		fprintf(stderr, "records seen:\n%s\n", rec);
	closesocket(s);
}

/* WSPCleanup leaves every group before the port stops. */
static void
test_cleanup_leaves_every_group(void)
{
	char rec[8192];
	SOCKET s;

	CU_ASSERT_EQUAL_FATAL(WSACleanup(), 0);
	/* A fresh start: no IGMPv2 querier remembered. */
	CU_ASSERT_EQUAL_FATAL(startup(), 0);
	s = member(PORT);
	CU_ASSERT_EQUAL_FATAL(capture_start(), 0);
	CU_ASSERT_EQUAL(mreq(s, IP_ADD_MEMBERSHIP, "239.9.9.5", "0.0.0.0"), 0);
	wt_sleep_ms(300);
	CU_ASSERT_EQUAL(WSACleanup(), 0);	/* s still open */
	capture_wait(rec, sizeof(rec), 1000);
	CU_ASSERT_PTR_NOT_NULL(strstr(rec, "type=to_ex group=239.9.9.5"));
	CU_ASSERT_PTR_NOT_NULL(strstr(rec, "type=to_in group=239.9.9.5 "
		"sources=-"));
	CU_ASSERT_EQUAL_FATAL(startup(), 0);
}

/* Winsock's error codes for the multicast options. */
static void
test_multicast_option_errors(void)
{
	SOCKET s = member(PORT);
	IP_MREQ m = { .imr_multiaddr = addr(GROUP) };
	DWORD ttl = 300, v = 0;
	int len = sizeof(v);
	struct in_addr bad = addr("10.9.9.9");

	CU_ASSERT_EQUAL(mreq(s, IP_ADD_MEMBERSHIP, "198.18.0.9", "0.0.0.0"),
		WSAEINVAL);
	CU_ASSERT_EQUAL(mreq(s, IP_ADD_MEMBERSHIP, GROUP, "10.1.1.1"),
		WSAEADDRNOTAVAIL);
	CU_ASSERT_EQUAL(mreq(s, IP_DROP_MEMBERSHIP, GROUP, "0.0.0.0"),
		WSAEADDRNOTAVAIL);
	CU_ASSERT_EQUAL(mreq(s, IP_ADD_MEMBERSHIP, GROUP, "0.0.0.0"), 0);
	CU_ASSERT_EQUAL(mreq(s, IP_ADD_MEMBERSHIP, GROUP, "0.0.0.0"),
		WSAEADDRNOTAVAIL);
	CU_ASSERT_EQUAL(setsockopt(s, IPPROTO_IP, IP_ADD_MEMBERSHIP,
		(const char *)&m, sizeof(m) - 1), SOCKET_ERROR);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAEFAULT);
	/* any-source and source-specific do not mix on one group */
	CU_ASSERT_EQUAL(mreq_source(s, IP_ADD_SOURCE_MEMBERSHIP, GROUP,
		"198.18.0.1"), WSAEINVAL);
	CU_ASSERT_EQUAL(mreq_source(s, IP_UNBLOCK_SOURCE, GROUP,
		"198.18.0.1"), WSAEADDRNOTAVAIL);
	CU_ASSERT_EQUAL(mreq_source(s, IP_BLOCK_SOURCE, GROUP, "198.18.0.1"),
		0);
	CU_ASSERT_EQUAL(mreq_source(s, IP_BLOCK_SOURCE, GROUP, "198.18.0.1"),
		WSAEADDRNOTAVAIL);
	CU_ASSERT_EQUAL(mreq_source(s, IP_ADD_SOURCE_MEMBERSHIP, "239.7.7.7",
		"198.18.0.1"), 0);
	CU_ASSERT_EQUAL(mreq_source(s, IP_ADD_SOURCE_MEMBERSHIP, "239.7.7.7",
		"198.18.0.1"), WSAEADDRNOTAVAIL);
	CU_ASSERT_EQUAL(mreq_source(s, IP_BLOCK_SOURCE, "239.7.7.7",
		"198.18.0.3"), WSAEINVAL);
	CU_ASSERT_EQUAL(mreq_source(s, IP_DROP_SOURCE_MEMBERSHIP, "239.7.7.7",
		"198.18.0.3"), WSAEADDRNOTAVAIL);
	CU_ASSERT_EQUAL(mreq(s, IP_ADD_MEMBERSHIP, "239.7.7.7", "0.0.0.0"),
		WSAEINVAL);
	CU_ASSERT_EQUAL(setsockopt(s, IPPROTO_IP, IP_MULTICAST_IF,
		(const char *)&bad, sizeof(bad)), SOCKET_ERROR);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAEADDRNOTAVAIL);
	CU_ASSERT_EQUAL(setsockopt(s, IPPROTO_IP, IP_MULTICAST_TTL,
		(const char *)&ttl, sizeof(ttl)), SOCKET_ERROR);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAEINVAL);
	CU_ASSERT_EQUAL(getsockopt(s, IPPROTO_IP, IP_MULTICAST_TTL,
		(char *)&v, &len), 0);
	CU_ASSERT_EQUAL(v, 1);		/* the default: one hop */
	len = sizeof(m);
	CU_ASSERT_EQUAL(getsockopt(s, IPPROTO_IP, IP_ADD_MEMBERSHIP,
		(char *)&m, &len), SOCKET_ERROR);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAENOPROTOOPT);
	closesocket(s);
}

/* A feed handler's churn: one socket joins and drops 10 000 distinct
 * groups one after another. Every call succeeds (a group's slot comes
 * back when its last member leaves) and nothing is left held. */
static void
test_join_leave_churn_of_10000_groups(void)
{
	SOCKET s = member(FEED_PORT);
	int failed_at = -1, err = 0;
	char g[16];

	for (int i = 0; i < 10000 && failed_at < 0; i++) {
		group_n(g, 2, i);
		err = mreq(s, IP_ADD_MEMBERSHIP, g, "0.0.0.0");
		if (err == 0)
			err = mreq(s, IP_DROP_MEMBERSHIP, g, "0.0.0.0");
		if (err != 0)
			failed_at = i;
	}
	if (failed_at >= 0)
		fprintf(stderr, "pair %d failed with %d\n", failed_at + 1, err);
	CU_ASSERT_EQUAL(failed_at, -1);
	CU_ASSERT_TRUE(table_empties());
	/* The socket still works as a member. */
	CU_ASSERT_EQUAL(mreq(s, IP_ADD_MEMBERSHIP, GROUP, "0.0.0.0"), 0);
	closesocket(s);
	s = member(PORT);
	CU_ASSERT_EQUAL(mreq(s, IP_ADD_MEMBERSHIP, GROUP, "0.0.0.0"), 0);
	kernel_sends("198.18.0.1", 20);
	CU_ASSERT_EQUAL(drain(s, NULL, NULL), 20);
	closesocket(s);
}

/* 200 sockets of one process in one group: every one receives every
 * datagram, none is left out however many share the group. */
static void
test_200_members_of_one_group_all_receive(void)
{
	enum { N = 200, SENT = 50 };
	SOCKET s[N];
	int short_of = 0, nothing = 0;

	for (int i = 0; i < N; i++) {
		s[i] = member(FEED_PORT + 1);
		CU_ASSERT_EQUAL(mreq(s[i], IP_ADD_MEMBERSHIP, "239.3.0.1",
			"0.0.0.0"), 0);
	}
	CU_ASSERT_EQUAL(wt_sh(PEER " send 198.18.0.1 239.3.0.1 %d %d",
		FEED_PORT + 1, SENT), 0);
	settle = true;
	wt_sleep_ms(200);
	for (int i = 0; i < N; i++) {
		int n = drain(s[i], NULL, NULL);

		short_of += n != SENT;
		nothing += n == 0;
		closesocket(s[i]);
	}
	if (short_of != 0)
		fprintf(stderr, "%d of %d members short, %d got nothing\n",
			short_of, N, nothing);
	CU_ASSERT_EQUAL(short_of, 0);
}

/* 4096 groups held at once by four sockets on one port, 1024 each: a
 * datagram to each group from the kernel reaches exactly the socket that
 * joined it, once, and no other. One more group is past the limit:
 * refused with WSAENOBUFS and counted. */
static void
test_4096_groups_held_at_once_each_gets_its_own(void)
{
	enum { HOLDERS = 4 };
	static uint8_t seen[GROUPS_MAX];
	SOCKET s[HOLDERS];
	int failed = 0, err = 0, wrong = 0, dup = 0, got[HOLDERS] = { 0 };
	uint64_t refused;
	char g[16], buf[64];
	u_long nb = 1;

	memset(seen, 0, sizeof(seen));
	for (int h = 0; h < HOLDERS; h++)
		s[h] = member(FEED_PORT + 2);
	for (int i = 0; i < GROUPS_MAX; i++)
		if (mreq(s[i % HOLDERS], IP_ADD_MEMBERSHIP, group_n(g, 4, i),
				"0.0.0.0") != 0 && failed++ == 0)
			err = i;
	if (failed != 0)
		fprintf(stderr, "%d joins failed, the first at %d\n", failed,
			err);
	CU_ASSERT_EQUAL_FATAL(failed, 0);
	CU_ASSERT_EQUAL(mc_stat("groups"), GROUPS_MAX);
	refused = mc_stat("refused_groups_full");
	CU_ASSERT_EQUAL(mreq(s[0], IP_ADD_MEMBERSHIP, group_n(g, 4,
		GROUPS_MAX), "0.0.0.0"), WSAENOBUFS);
	CU_ASSERT_EQUAL(mc_stat("refused_groups_full"), refused + 1);
	CU_ASSERT_EQUAL(wt_sh(PEER " groups 198.18.0.1 239.4.0.0 %d %d",
		GROUPS_MAX, FEED_PORT + 2), 0);
	wt_sleep_ms(300);
	for (int h = 0; h < HOLDERS; h++) {
		int len, i;

		ioctlsocket(s[h], FIONBIO, &nb);
		while ((len = recv(s[h], buf, sizeof(buf) - 1, 0)) >= 0) {
			buf[len] = '\0';
			if (sscanf(buf, "g=%d", &i) != 1 || i < 0 ||
					i >= GROUPS_MAX || i % HOLDERS != h) {
				wrong++;
				continue;
			}
			dup += seen[i]++ != 0;
			got[h]++;
		}
	}
	for (int h = 0; h < HOLDERS; h++) {
		if (got[h] != GROUPS_MAX / HOLDERS)
			fprintf(stderr, "socket %d: %d datagrams\n", h, got[h]);
		CU_ASSERT_EQUAL(got[h], GROUPS_MAX / HOLDERS);
		closesocket(s[h]);
	}
	CU_ASSERT_EQUAL(wrong, 0);
	CU_ASSERT_EQUAL(dup, 0);
	CU_ASSERT_EQUAL(mc_stat("groups"), 0);
}

/* With room for exactly 1000 groups, a socket holding all of them that
 * closes gives every one back: the next 1000 joins succeed. */
static void
close_gives_back_1000(void)
{
	SOCKET a = member(FEED_PORT + 3), b = member(FEED_PORT + 3);
	uint64_t refused = mc_stat("refused_groups_full");
	char g[16];
	int err;

	CU_ASSERT_EQUAL(join_block(a, 5, 0, 1000, &err), 0);
	CU_ASSERT_EQUAL(mc_stat("groups"), 1000);
	CU_ASSERT_EQUAL(mreq(b, IP_ADD_MEMBERSHIP, group_n(g, 6, 0),
		"0.0.0.0"), WSAENOBUFS);
	CU_ASSERT_EQUAL(mc_stat("refused_groups_full"), refused + 1);
	closesocket(a);
	CU_ASSERT_EQUAL(mc_stat("groups"), 0);
	CU_ASSERT_EQUAL(join_block(b, 6, 0, 1000, &err), 0);
	if (err != 0)
		fprintf(stderr, "a join after the close failed with %d\n", err);
	closesocket(b);
}

/* The same, on an engine restarted by WSPCleanup and WSPStartup while a
 * socket held 1000 groups (WSPDK_MC_GROUPS=1000 for both runs). */
static void
test_close_frees_every_group_and_so_after_restart(void)
{
	SOCKET c;
	int err;

	CU_ASSERT_EQUAL_FATAL(WSACleanup(), 0);
	setenv("WSPDK_MC_GROUPS", "1000", 1);
	CU_ASSERT_EQUAL_FATAL(startup(), 0);
	CU_ASSERT_EQUAL(mc_stat("groups_max"), 1000);
	close_gives_back_1000();
	c = member(FEED_PORT + 3);
	CU_ASSERT_EQUAL(join_block(c, 7, 0, 1000, &err), 0);
	CU_ASSERT_EQUAL(WSACleanup(), 0);	/* c still open */
	CU_ASSERT_EQUAL_FATAL(startup(), 0);
	CU_ASSERT_EQUAL(mc_stat("groups"), 0);
	close_gives_back_1000();
	CU_ASSERT_TRUE(table_empties());
	CU_ASSERT_EQUAL(WSACleanup(), 0);
	unsetenv("WSPDK_MC_GROUPS");
	CU_ASSERT_EQUAL_FATAL(startup(), 0);
	CU_ASSERT_EQUAL(mc_stat("groups_max"), GROUPS_MAX);
}

/* 64 sources per (socket, group) is a limit: the 65th is refused with
 * WSAENOBUFS and counted by its reason. */
static void
test_source_limit_is_refused_and_counted(void)
{
	SOCKET s = member(PORT);
	uint64_t refused = mc_stat("refused_sources_full");
	char src[16];
	int failed = 0;

	for (int i = 0; i < 64; i++) {
		snprintf(src, sizeof(src), "198.18.1.%d", i + 1);
		failed += mreq_source(s, IP_ADD_SOURCE_MEMBERSHIP, GROUP,
			src) != 0;
	}
	CU_ASSERT_EQUAL(failed, 0);
	CU_ASSERT_EQUAL(mreq_source(s, IP_ADD_SOURCE_MEMBERSHIP, GROUP,
		"198.18.1.65"), WSAENOBUFS);
	CU_ASSERT_EQUAL(mc_stat("refused_sources_full"), refused + 1);
	closesocket(s);
}

/* Per-group counters in telemetry follow the traffic. */
static void
test_group_counters_in_telemetry(void)
{
	SOCKET s = member(PORT);
	char json[16384], *g;
	uint64_t rx = 0;

	CU_ASSERT_EQUAL(mreq(s, IP_ADD_MEMBERSHIP, "239.1.2.4", "0.0.0.0"), 0);
	CU_ASSERT_EQUAL(wt_sh(PEER " send 198.18.0.1 239.1.2.4 %d 25", PORT),
		0);
	wt_sleep_ms(100);
	CU_ASSERT_EQUAL(wt_tel(wt_tel_prefix(), "/wspdk/mcast", json,
		sizeof(json)), 0);
	g = strstr(json, "\"239.1.2.4\"");
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	CU_ASSERT_EQUAL(wt_json_u64(g, "rx_dgrams", &rx), 0);
	CU_ASSERT_EQUAL(rx, 25);
	closesocket(s);
}

/* Malformed IGMP and multicast frames are counted by class, and a valid
 * multicast datagram still arrives afterwards. */
static void
test_malformed_igmp_and_multicast_are_counted(void)
{
	const char *c[] = { "igmp_bad_csum", "igmp_short", "igmp_unknown_type",
		"igmp_bad_query", "udp_bad_csum", "udp_bad_len" };
	uint64_t before[6], after;
	SOCKET s = member(PORT);

	CU_ASSERT_EQUAL(mreq(s, IP_ADD_MEMBERSHIP, GROUP, "0.0.0.0"), 0);
	for (int i = 0; i < 6; i++)
		before[i] = wt_stat(c[i]);
	CU_ASSERT_EQUAL(wt_sh(PEER " malformed ff:ff:ff:ff:ff:ff "
		"02:00:c6:12:00:01"), 0);
	wt_sleep_ms(200);
	for (int i = 0; i < 6; i++) {
		after = wt_stat(c[i]);
		if (after - before[i] != 1)
			fprintf(stderr, "%s moved by %llu\n", c[i],
				(unsigned long long)(after - before[i]));
		CU_ASSERT_EQUAL(after - before[i], 1);
	}
	kernel_sends("198.18.0.1", 5);
	CU_ASSERT_EQUAL(drain(s, NULL, NULL), 5);
	closesocket(s);
}

static const struct wt_test tests[] = {
	WT_TEST(test_every_member_gets_every_datagram_and_only_members),
	WT_TEST(test_source_specific_join_accepts_only_its_source),
	WT_TEST(test_blocked_source_is_kept_out),
	WT_TEST(test_our_sends_reach_a_kernel_member),
	WT_TEST(test_multicast_loop_reaches_our_own_members),
	WT_TEST(test_kernel_sees_igmp_reports_on_join_and_leave),
	WT_TEST(test_rejoin_is_not_undone_by_the_old_leave),
	WT_TEST(test_general_query_is_answered),
	WT_TEST(test_multicast_option_errors),
	WT_TEST(test_group_counters_in_telemetry),
	WT_TEST(test_malformed_igmp_and_multicast_are_counted),
	WT_TEST(test_join_leave_churn_of_10000_groups),
	WT_TEST(test_200_members_of_one_group_all_receive),
	WT_TEST(test_4096_groups_held_at_once_each_gets_its_own),
	WT_TEST(test_source_limit_is_refused_and_counted),
	WT_TEST(test_close_frees_every_group_and_so_after_restart),
	WT_TEST(test_v2_querier_gets_v2_reports_and_leaves),
	WT_TEST(test_cleanup_leaves_every_group),
	WT_TEST_END
};

static const struct wt_suite suite = {
	.name = "wsp_multicast",
	.tests = tests,
};

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = {
		&suite,
		NULL
	};
	int ret;

	if (wt_need_tools("ip py:scapy") != 0 || wt_netns_enter() != 0 ||
			wt_hugepages_reserve(64) != 0)
		return 1;
	setenv("WSPDK_LOG_LEVEL", "warning", 1);
	/* persist: the tap outlives WSPCleanup, so a capture on it sees the
	 * last reports; the namespace takes it when the test exits. */
	setenv("WSPDK_DEVICE", "net_tap0,iface=" TAP ",persist", 1);
	if (startup() != 0) {
		fprintf(stderr, "FAIL: provider did not start on the tap\n");
		return 1;
	}
	ret = wt_run_suites(argc, argv, suites);
	WSACleanup();
	return ret;
}
