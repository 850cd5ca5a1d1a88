/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Graceful close, the seed's core rule (winsock-spi.md §4.1, issue 3 item
 * 4), judged by a kernel receiver that counts what reaches it.
 *
 * To make "still queued at close" a fact rather than a race, the kernel
 * side stops answering ARP (`ip link set wsptap0 arp off`) while the
 * datagrams are sent: they wait in the provider on the unresolved
 * neighbour. ARP is turned back on before WSACleanup (or while a
 * lingering close blocks); the provider's next ARP retry (1 s) resolves
 * it and whatever the close mode kept goes out.
 *
 * Each test cycles WSAStartup .. WSACleanup, so every case also checks
 * that cleanup takes the provider down and up again cleanly.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "test_uk.h"

#define SINK_PORT	9200
#define NDGRAMS		3000		/* issue: N >= 2000 */
#define DGRAM_LEN	1000
#define SNDBUF		(16 << 20)	/* all N fit: no send blocks */

#define STR(x)		#x
#define XSTR(x)		STR(x)

static struct uk_child *sink;

/* The kernel receiver lives for the whole suite: it is bound to
 * 0.0.0.0, so it outlives every tap the provider creates and deletes. */
static int
suite_init(void)
{
	const char *argv[] = { "/usr/bin/python3", uk_src("kpeer.py"), "sink",
		"--port", XSTR(SINK_PORT), "--rcvbuf", XSTR(16777216),
		"--max-time", "170", NULL };
	char line[256];
	uint64_t rcvbuf = 0;

	/* Longer than the ARP retry, so cleanup's flush never gives up
	 * before the neighbour answers. */
	setenv("WSPDK_CLEANUP_MS", "10000", 1);
	sink = uk_child_start(180, argv);
	if (sink == NULL || uk_child_expect(sink, "READY", line, sizeof(line),
			10000) != 0)
		return -1;
	/* The kernel doubles SO_RCVBUF; root bypasses net.core.rmem_max. */
	printf("\n    sink: %s\n", line);
	if (ukt_field(line, "rcvbuf", &rcvbuf) != 0 ||
			rcvbuf < (uint64_t)NDGRAMS * 4096) {
		fprintf(stderr, "FAIL: sink SO_RCVBUF too small for %u "
			"datagrams\n", NDGRAMS);
		return -1;
	}
	return 0;
}

static int
suite_clean(void)
{
	uk_child_say(sink, "QUIT");
	unsetenv("WSPDK_CLEANUP_MS");
	return uk_child_end(sink, 5000) == 0 ? 0 : -1;
}

struct sink_count {
	uint64_t n, bad, ooo, dup;
};

/* What the sink holds now (everything queued on its socket counted). */
static struct sink_count
sink_count(void)
{
	struct sink_count k = { 0, 1, 1, 1 };
	char line[1024];

	uk_child_say(sink, "COUNT");
	if (uk_child_expect(sink, "COUNT", line, sizeof(line), 10000) != 0)
		return k;
	ukt_field(line, "n", &k.n);
	ukt_field(line, "bad", &k.bad);
	ukt_field(line, "ooo", &k.ooo);
	ukt_field(line, "dup", &k.dup);
	return k;
}

static void
sink_reset(void)
{
	char line[64];

	uk_child_say(sink, "RESET");
	CU_ASSERT_EQUAL(uk_child_expect(sink, "RESET", line, sizeof(line),
		10000), 0);
}

/* Poll the sink until it holds want datagrams (bounded). */
static struct sink_count
sink_wait(uint64_t want, unsigned int ms)
{
	struct sink_count k = sink_count();

	for (unsigned int t = 0; t < ms && k.n < want; t += 20) {
		wt_sleep_ms(20);
		k = sink_count();
	}
	return k;
}

static void
kernel_arp(bool on)
{
	CU_ASSERT_EQUAL(wt_sh("ip link set %s arp %s", UK_IFACE,
		on ? "on" : "off"), 0);
}

/* A blocking socket that can queue all NDGRAMS without blocking. */
static SOCKET
sender(void)
{
	SOCKET s = ukt_udp(0);

	CU_ASSERT_FATAL(s != INVALID_SOCKET);
	CU_ASSERT_EQUAL(ukt_opt(s, SO_SNDBUF, SNDBUF), 0);
	return s;
}

/* Queue datagrams first .. first+n-1 to ip:port; returns how many the
 * provider accepted. */
static unsigned int
send_seq(SOCKET s, const char *ip, uint16_t port, uint32_t first,
		unsigned int n)
{
	struct sockaddr_in to = ukt_sin(ip, port);
	uint8_t buf[DGRAM_LEN];
	unsigned int ok = 0;

	for (uint32_t i = first; i < first + n; i++) {
		ukt_sink_payload(buf, i, sizeof(buf));
		if (sendto(s, (char *)buf, sizeof(buf), 0,
				(struct sockaddr *)&to, sizeof(to)) !=
				(int)sizeof(buf)) {
			fprintf(stderr, "sendto #%u: %d\n", i,
				WSAGetLastError());
			break;
		}
		ok++;
	}
	return ok;
}

/* A counter of the first socket /wspdk/sockets lists (tests here have
 * one socket at a time). */
static uint64_t
sock_counter(const char *name)
{
	char json[16384];
	uint64_t v = 0;

	if (wt_tel(wt_tel_prefix(), "/wspdk/sockets", json, sizeof(json)) ==
			0)
		wt_json_u64(json, name, &v);
	return v;
}

/* Bytes the socket still holds for transmission. */
static uint64_t
queued_bytes(void)
{
	return sock_counter("tx_queued_bytes");
}

static void
check_all_arrived(struct sink_count k)
{
	CU_ASSERT_EQUAL(k.n, NDGRAMS);
	CU_ASSERT_EQUAL(k.bad, 0);
	CU_ASSERT_EQUAL(k.ooo, 0);
	CU_ASSERT_EQUAL(k.dup, 0);
}

/* Cleanup left nothing behind: every mbuf came home. */
static void
check_stopped_clean(void)
{
	CU_ASSERT_EQUAL(wt_info_u64("mbufs_lost"), 0);
	CU_ASSERT_EQUAL(ws2_stub_startup_count(), 0);
}

/* Default close (SO_DONTLINGER) returns at once with N datagrams still
 * queued; WSACleanup right after still sends every one, in order. */
static void
test_graceful_close_then_cleanup_delivers_all(void)
{
	SOCKET s;

	CU_ASSERT_EQUAL_FATAL(ukt_up(), 0);
	sink_reset();
	s = sender();
	kernel_arp(false);
	CU_ASSERT_EQUAL(send_seq(s, UK_KERNEL_IP, SINK_PORT, 0, NDGRAMS),
		NDGRAMS);
	CU_ASSERT(queued_bytes() > 0);
	CU_ASSERT_EQUAL(closesocket(s), 0);
	kernel_arp(true);
	CU_ASSERT_EQUAL(ukt_down(), 0);
	check_all_arrived(sink_count());
	check_stopped_clean();
}

/* The same without the ARP hold: the common case, where the lcore is
 * already sending while the application queues. */
static void
test_graceful_close_unheld_delivers_all(void)
{
	SOCKET s;

	CU_ASSERT_EQUAL_FATAL(ukt_up(), 0);
	sink_reset();
	s = sender();
	CU_ASSERT_EQUAL(send_seq(s, UK_KERNEL_IP, SINK_PORT, 0, NDGRAMS),
		NDGRAMS);
	CU_ASSERT_EQUAL(closesocket(s), 0);
	CU_ASSERT_EQUAL(ukt_down(), 0);
	check_all_arrived(sink_count());
	check_stopped_clean();
}

/* Eight sockets queue behind one unresolved neighbour (most of them
 * parked, waiting for room in its ARP queue); half are closed, half are
 * still open at WSACleanup: every datagram of every one arrives. */
static void
test_graceful_many_sockets_delivers_all(void)
{
	SOCKET s[8];
	struct sink_count k;
	const unsigned int per = NDGRAMS / 8;

	CU_ASSERT_EQUAL_FATAL(ukt_up(), 0);
	sink_reset();
	kernel_arp(false);
	for (unsigned int i = 0; i < 8; i++) {
		s[i] = sender();
		CU_ASSERT_EQUAL(send_seq(s[i], UK_KERNEL_IP, SINK_PORT,
			i * per, per), per);
	}
	for (unsigned int i = 0; i < 8; i += 2)
		CU_ASSERT_EQUAL(closesocket(s[i]), 0);
	kernel_arp(true);
	CU_ASSERT_EQUAL(ukt_down(), 0);
	k = sink_count();
	/* Sockets interleave: order holds per socket only, not overall. */
	CU_ASSERT_EQUAL(k.n, per * 8);
	CU_ASSERT_EQUAL(k.bad, 0);
	CU_ASSERT_EQUAL(k.dup, 0);
	check_stopped_clean();
}

/* SO_LINGER {1,0}: the close is abortive; what the socket still held is
 * dropped, so the kernel counts fewer, and nothing leaks or crashes. The
 * socket's tx_dgrams counts what left it for the wire (here: for the
 * neighbour's queue, all of which goes out once it answers), not what
 * the abort dropped. */
static void
test_abortive_close_delivers_fewer(void)
{
	struct sink_count k;
	uint64_t out = 0;
	SOCKET s;

	CU_ASSERT_EQUAL_FATAL(ukt_up(), 0);
	sink_reset();
	s = sender();
	kernel_arp(false);
	CU_ASSERT_EQUAL(send_seq(s, UK_KERNEL_IP, SINK_PORT, 0, NDGRAMS),
		NDGRAMS);
	CU_ASSERT_EQUAL(ukt_linger(s, 1, 0), 0);
	CU_ASSERT_EQUAL(closesocket(s), 0);
	/* The owner lcore empties the closed socket (bounded wait). */
	for (int t = 0; t < 200 && queued_bytes() != 0; t++)
		wt_sleep_ms(10);
	CU_ASSERT_EQUAL(queued_bytes(), 0);
	out = sock_counter("tx_dgrams");
	kernel_arp(true);
	CU_ASSERT_EQUAL(ukt_down(), 0);
	k = sink_count();
	printf("\n    abortive close: %llu of %u arrived (tx_dgrams %llu)\n",
		(unsigned long long)k.n, NDGRAMS, (unsigned long long)out);
	CU_ASSERT(k.n < NDGRAMS);
	CU_ASSERT_EQUAL(k.n, out);
	CU_ASSERT_EQUAL(k.bad, 0);
	CU_ASSERT_EQUAL(k.dup, 0);
	check_stopped_clean();
}

/* A socket still open at WSACleanup closes as if closesocket had been
 * called: gracefully (SO_DONTLINGER), every datagram sent. */
static void
test_open_socket_at_cleanup_flushed(void)
{
	SOCKET s;

	CU_ASSERT_EQUAL_FATAL(ukt_up(), 0);
	sink_reset();
	s = sender();
	kernel_arp(false);
	CU_ASSERT_EQUAL(send_seq(s, UK_KERNEL_IP, SINK_PORT, 0, NDGRAMS),
		NDGRAMS);
	kernel_arp(true);
	CU_ASSERT_EQUAL(ukt_down(), 0);
	check_all_arrived(sink_count());
	check_stopped_clean();
}

/* ... and with SO_LINGER {1,0}, abortively: fewer arrive. */
static void
test_open_socket_linger0_at_cleanup_aborted(void)
{
	struct sink_count k;
	SOCKET s;

	CU_ASSERT_EQUAL_FATAL(ukt_up(), 0);
	sink_reset();
	s = sender();
	kernel_arp(false);
	CU_ASSERT_EQUAL(send_seq(s, UK_KERNEL_IP, SINK_PORT, 0, NDGRAMS),
		NDGRAMS);
	CU_ASSERT_EQUAL(ukt_linger(s, 1, 0), 0);
	kernel_arp(true);
	CU_ASSERT_EQUAL(ukt_down(), 0);
	k = sink_count();
	printf("\n    open at cleanup, linger {1,0}: %llu of %u arrived\n",
		(unsigned long long)k.n, NDGRAMS);
	CU_ASSERT(k.n < NDGRAMS);
	CU_ASSERT_EQUAL(k.bad, 0);
	CU_ASSERT_EQUAL(k.dup, 0);
	check_stopped_clean();
}

static void *
arp_on_later(void *arg)
{
	wt_sleep_ms(300);
	wt_sh("ip link set %s arp on", UK_IFACE);
	return arg;
}

/* SO_LINGER {1,10} on a blocking socket: closesocket waits while the
 * datagrams are held, and returns once they are out -- before any
 * WSACleanup, the kernel has all of them. */
static void
test_linger_blocking_returns_once_drained(void)
{
	struct sink_count k;
	pthread_t th;
	uint64_t t0, ms;
	SOCKET s;

	CU_ASSERT_EQUAL_FATAL(ukt_up(), 0);
	sink_reset();
	s = sender();
	kernel_arp(false);
	CU_ASSERT_EQUAL(send_seq(s, UK_KERNEL_IP, SINK_PORT, 0, NDGRAMS),
		NDGRAMS);
	CU_ASSERT_EQUAL(ukt_linger(s, 1, 10), 0);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&th, NULL, arp_on_later, NULL),
		0);
	t0 = wt_now_ns();
	CU_ASSERT_EQUAL(closesocket(s), 0);
	ms = (wt_now_ns() - t0) / 1000000;
	pthread_join(th, NULL);
	/* It waited for the neighbour (which was silent for 300 ms). */
	CU_ASSERT(ms >= 300);
	printf("\n    lingering close returned after %llu ms\n",
		(unsigned long long)ms);
	/* The last burst may still sit in the lcore's TX buffer for one
	 * more loop iteration: wait (bounded) rather than race it. */
	k = sink_wait(NDGRAMS, 2000);
	check_all_arrived(k);
	CU_ASSERT_EQUAL(ukt_down(), 0);
	check_stopped_clean();
}

/* SO_LINGER {1,1} on a blocking socket whose data cannot leave (a
 * neighbour that never answers): closesocket waits about a second, then
 * closes anyway; the handle is gone afterwards. */
static void
test_linger_blocking_times_out_and_closes(void)
{
	struct sockaddr_in a;
	int alen = sizeof(a);
	uint64_t t0, ms;
	SOCKET s;

	CU_ASSERT_EQUAL_FATAL(ukt_up(), 0);
	s = sender();
	CU_ASSERT_EQUAL(send_seq(s, UK_SILENT_IP, SINK_PORT, 0, 10), 10);
	CU_ASSERT_EQUAL(ukt_linger(s, 1, 1), 0);
	t0 = wt_now_ns();
	CU_ASSERT_EQUAL(closesocket(s), 0);
	ms = (wt_now_ns() - t0) / 1000000;
	printf("\n    lingering close timed out after %llu ms\n",
		(unsigned long long)ms);
	CU_ASSERT(ms >= 900);
	CU_ASSERT(ms < 5000);
	CU_ASSERT_EQUAL(getsockname(s, (struct sockaddr *)&a, &alen),
		SOCKET_ERROR);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAENOTSOCK);
	CU_ASSERT_EQUAL(ukt_down(), 0);
	check_stopped_clean();
}

/* SO_LINGER {1,5} on a non-blocking socket with data queued: closesocket
 * fails WSAEWOULDBLOCK and the socket stays open and usable; SO_LINGER
 * {1,0} then closes it at once. */
static void
test_linger_nonblocking_would_block_keeps_socket(void)
{
	struct sockaddr_in a;
	int alen = sizeof(a);
	u_long nb = 1;
	SOCKET s, t;

	CU_ASSERT_EQUAL_FATAL(ukt_up(), 0);
	/* Nothing queued: even a non-blocking lingering close is immediate. */
	t = sender();
	CU_ASSERT_EQUAL(ioctlsocket(t, FIONBIO, &nb), 0);
	CU_ASSERT_EQUAL(ukt_linger(t, 1, 5), 0);
	CU_ASSERT_EQUAL(closesocket(t), 0);

	s = sender();
	CU_ASSERT_EQUAL(send_seq(s, UK_SILENT_IP, SINK_PORT, 0, 10), 10);
	CU_ASSERT_EQUAL(ioctlsocket(s, FIONBIO, &nb), 0);
	CU_ASSERT_EQUAL(ukt_linger(s, 1, 5), 0);
	CU_ASSERT_EQUAL(closesocket(s), SOCKET_ERROR);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAEWOULDBLOCK);
	/* Still open: named, and it still sends. */
	CU_ASSERT_EQUAL(getsockname(s, (struct sockaddr *)&a, &alen), 0);
	CU_ASSERT_EQUAL(send_seq(s, UK_SILENT_IP, SINK_PORT, 10, 1), 1);
	CU_ASSERT_EQUAL(closesocket(s), SOCKET_ERROR);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAEWOULDBLOCK);
	CU_ASSERT_EQUAL(ukt_linger(s, 1, 0), 0);
	CU_ASSERT_EQUAL(closesocket(s), 0);
	CU_ASSERT_EQUAL(getsockname(s, (struct sockaddr *)&a, &alen),
		SOCKET_ERROR);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAENOTSOCK);
	CU_ASSERT_EQUAL(ukt_down(), 0);
	check_stopped_clean();
}

static const struct wt_test tests[] = {
	WT_TEST(test_graceful_close_then_cleanup_delivers_all),
	WT_TEST(test_graceful_close_unheld_delivers_all),
	WT_TEST(test_graceful_many_sockets_delivers_all),
	WT_TEST(test_abortive_close_delivers_fewer),
	WT_TEST(test_open_socket_at_cleanup_flushed),
	WT_TEST(test_open_socket_linger0_at_cleanup_aborted),
	WT_TEST(test_linger_blocking_returns_once_drained),
	WT_TEST(test_linger_blocking_times_out_and_closes),
	WT_TEST(test_linger_nonblocking_would_block_keeps_socket),
	WT_TEST_END
};

const struct wt_suite test_uk_flush_suite = {
	.name = "uk_flush",
	.init = suite_init,
	.clean = suite_clean,
	.tests = tests,
};
