/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * WSPStartup / WSPCleanup as winsock-spi.md §1 says, black-box through the
 * Ws2_32 stand-in, on the in-memory loop device: version negotiation,
 * argument checks, the proc table, reference counting (nested and racing)
 * and configuration errors that must never reach EAL.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "wt.h"
#include "ws2.h"
#include "wt_run.h"

static cpu_set_t affinity_before;

static int
wsp_startup(WORD v, LPWSPDATA d, LPWSPPROC_TABLE t)
{
	return ws2_stub_wsp_startup(v, d, (LPWSAPROTOCOL_INFOW)
		ws2_stub_catalog_entry(0), t);
}

static int
wsp_cleanup(const WSPPROC_TABLE *t)
{
	int err = 0;

	return t->lpWSPCleanup(&err) == 0 ? 0 : err;
}

static void
state(char *buf, size_t len)
{
	char json[4096];

	buf[0] = '\0';
	if (wt_tel(wt_tel_prefix(), "/wspdk/info", json, sizeof(json)) == 0)
		wt_json_str(json, "state", buf, len);
}

/* Bad values must fail WSPStartup with WSASYSNOTREADY, before EAL (which
 * would exit() on some of them) sees anything. */
static const struct {
	const char *key, *value;
} bad_config[] = {
	{ "WSPDK_IPV4", "not-an-address" },
	{ "WSPDK_IPV4", "198.18.0.2" },
	{ "WSPDK_IPV4", "198.18.0.2/40" },
	{ "WSPDK_IPV4", "0.0.0.0/24" },
	{ "WSPDK_IPV4", "198.18.0.0/24" },
	{ "WSPDK_IPV4", "198.18.0.255/24" },
	{ "WSPDK_IPV4", "224.1.2.3/24" },
	{ "WSPDK_IPV4", "127.0.0.1/8" },
	{ "WSPDK_IPV4", "198.018.0.2/24" },
	{ "WSPDK_GATEWAY", "10.1.1.1" },
	{ "WSPDK_GATEWAY", "198.18.0.2" },
	{ "WSPDK_DEVICE", "bogus" },
	{ "WSPDK_DEVICE", "net_" },
	{ "WSPDK_DEVICE", "net_tap0,iface=a b" },
	{ "WSPDK_DEVICE", "loop:bad-name" },
	{ "WSPDK_DEVICE", "0000:03:00.9" },
	{ "WSPDK_EAL_ARGS", "--help" },
	{ "WSPDK_EAL_ARGS", "-h" },
	{ "WSPDK_EAL_ARGS", "--log-level=help" },
	{ "WSPDK_EAL_ARGS", "-l 0-1" },
	{ "WSPDK_EAL_ARGS", "--lcores=0@0" },
	{ "WSPDK_EAL_ARGS", "--in-memory" },
	{ "WSPDK_EAL_ARGS", "--legacy-mem" },
	{ "WSPDK_EAL_ARGS", "--proc-type=secondary" },
	{ "WSPDK_EAL_ARGS", "-m 64" },
	{ "WSPDK_EAL_ARGS", "--no-such-option" },
	{ "WSPDK_EAL_ARGS", "stray" },
	{ "WSPDK_EAL_ARGS", "--file-prefix=../x" },
	{ "WSPDK_EAL_ARGS", "--vdev=net_null0 --vdev=net_null1" },
	{ "WSPDK_EAL_ARGS", "--log-level=loud" },
	{ "WSPDK_EAL_ARGS", "--log-level=pmd.net.tap:9" },
	{ "WSPDK_EAL_ARGS", "--iova-mode=xx" },
	{ "WSPDK_EAL_ARGS", "-n 0" },
	{ "WSPDK_EAL_ARGS", "--base-virtaddr=zz" },
	{ "WSPDK_EAL_ARGS", "--huge-unlink=never" },
	{ "WSPDK_EAL_ARGS", "--no-pci=1" },
	{ "WSPDK_EAL_ARGS", "-b 1.2.3.4" },
	/* Nothing that loads code or touches another prefix's files. */
	{ "WSPDK_EAL_ARGS", "-d libm.so.6" },
	{ "WSPDK_EAL_ARGS", "-dlibm.so.6" },
	{ "WSPDK_EAL_ARGS", "--file-prefix=rte" },
	{ "WSPDK_EAL_ARGS", "--file-prefix=xwspdk" },
	{ "WSPDK_EAL_ARGS", "--huge-dir=/tmp" },
	{ "WSPDK_EAL_ARGS", "--huge-dir=/dev/hugepages/../../tmp" },
	{ "WSPDK_EAL_ARGS", "--huge-dir=dev/hugepages" },
	{ "WSPDK_EAL_ARGS", "--huge-dir=/nonexistent" },
	{ "WSPDK_EAL_ARGS", "--trace-dir=/tmp" },
	{ "WSPDK_LCORES", "999" },
	{ "WSPDK_LCORES", "1,1" },
	{ "WSPDK_LCORES", "x" },
	{ "WSPDK_LCORES", "3-1" },
	{ "WSPDK_MBUFS", "10" },
	{ "WSPDK_MBUFS", "many" },
	{ "WSPDK_RXD", "8" },
	{ "WSPDK_TXD", "100000" },
	{ "WSPDK_MTU", "100" },
	{ "WSPDK_SPIN_US", "-5" },
	{ "WSPDK_PROFILE", "fast" },
	{ "WSPDK_LCORE_SLEEP_US", "-1" },
	{ "WSPDK_LCORE_SLEEP_US", "soon" },
	{ "WSPDK_STATIC_ARP", "198.18.0.9=zz:zz:zz:zz:zz:zz" },
	{ "WSPDK_STATIC_ARP", "198.18.0.9=01:00:5e:00:00:01" },
	{ "WSPDK_STATIC_ARP", "198.18.0.9" },
	{ "WSPDK_ARP_QLEN", "0" },
	{ "WSPDK_MC_GROUPS", "0" },
	{ "WSPDK_MC_GROUPS", "100000" },
	{ "WSPDK_SOCKETS", "63" },
	{ "WSPDK_SOCKETS", "1048577" },
	{ "WSPDK_LOG_LEVEL", "chatty" },
	{ "WSPDK_NO_SUCH_KEY", "1" },
	{ "WSPDK_CONFIG", "/nonexistent/wspdk.conf" },
};

/* Every bad key or value fails with WSASYSNOTREADY; the process lives. */
static void
test_bad_configuration_is_wsasysnotready(void)
{
	WSADATA wd;

	for (size_t i = 0; i < sizeof(bad_config) / sizeof(bad_config[0]);
			i++) {
		const char *was = getenv(bad_config[i].key);
		char *saved = was != NULL ? strdup(was) : NULL;
		int ret;

		setenv(bad_config[i].key, bad_config[i].value, 1);
		ret = WSAStartup(MAKEWORD(2, 2), &wd);
		/* Put back what main() chose (the loop device, never a tap
		 * in the machine's own namespace). */
		if (saved != NULL)
			setenv(bad_config[i].key, saved, 1);
		else
			unsetenv(bad_config[i].key);
		free(saved);
		if (ret != WSASYSNOTREADY)
			fprintf(stderr, "%s=%s gave %d\n", bad_config[i].key,
				bad_config[i].value, ret);
		CU_ASSERT_EQUAL(ret, WSASYSNOTREADY);
		if (ret == 0)
			WSACleanup();
	}
	CU_ASSERT_EQUAL(ws2_stub_startup_count(), 0);
}

/* A WSPDK_CONFIG file with a bad line is refused too. */
static void
test_bad_config_file_line_is_wsasysnotready(void)
{
	char path[] = "/tmp/wspdk-test-XXXXXX";
	WSADATA wd;
	int fd = mkstemp(path), ret;
	FILE *f = fdopen(fd, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fprintf(f, "# comment\nWSPDK_IPV4 = 198.18.0.2/24\nthis is no key\n");
	fclose(f);
	setenv("WSPDK_CONFIG", path, 1);
	ret = WSAStartup(MAKEWORD(2, 2), &wd);
	unsetenv("WSPDK_CONFIG");
	unlink(path);
	CU_ASSERT_EQUAL(ret, WSASYSNOTREADY);
}

/* Keys from WSPDK_CONFIG apply; the environment overrides the file. */
static void
test_config_file_applies_and_environment_wins(void)
{
	char path[] = "/tmp/wspdk-test-XXXXXX", json[4096], ip[32] = "";
	WSADATA wd;
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	uint64_t mtu = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fprintf(f, "WSPDK_IPV4=198.18.7.7/16\nWSPDK_MBUFS=2047\n"
		"WSPDK_DEVICE = \"loop\"\n");
	fclose(f);
	setenv("WSPDK_CONFIG", path, 1);
	setenv("WSPDK_MBUFS", "4095", 1);
	CU_ASSERT_EQUAL_FATAL(WSAStartup(MAKEWORD(2, 2), &wd), 0);
	CU_ASSERT_EQUAL(wt_tel(wt_tel_prefix(), "/wspdk/info", json,
		sizeof(json)), 0);
	wt_json_str(json, "ipv4", ip, sizeof(ip));
	CU_ASSERT_STRING_EQUAL(ip, "198.18.7.7");
	wt_json_u64(json, "mbufs", &mtu);
	CU_ASSERT_EQUAL(mtu, 4095);
	CU_ASSERT_EQUAL(WSACleanup(), 0);
	unsetenv("WSPDK_CONFIG");
	unsetenv("WSPDK_MBUFS");
	unlink(path);
}

/* A /wspdk/stats or /wspdk/info number, or UINT64_MAX. */
static uint64_t
tel_u64(const char *cmd, const char *key)
{
	char json[16384];
	uint64_t v = UINT64_MAX;

	if (wt_tel(wt_tel_prefix(), cmd, json, sizeof(json)) == 0)
		wt_json_u64(json, key, &v);
	return v;
}

/* tx_pkts once the lcore has sent its ARP announcement (the first frame
 * after every start), so what a test sends next is counted alone. */
static uint64_t
tx_pkts_after_announce(void)
{
	uint64_t n = 0;

	for (int t = 0; t < 500; t++) {
		n = tel_u64("/wspdk/stats", "tx_pkts");
		if (n != UINT64_MAX && n >= 1)
			break;
		wt_sleep_ms(2);
	}
	return n;
}

/* Send one datagram of len bytes to the static neighbour 198.18.0.1;
 * returns what sendto returned. */
static int
send_to_neighbour(int len)
{
	static char buf[9000];
	struct sockaddr_in to = { .sin_family = AF_INET,
		.sin_port = htons(9), .sin_addr.s_addr = htonl(0xc6120001) };
	SOCKET s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
	int ret;

	CU_ASSERT_FATAL(s != INVALID_SOCKET);
	ret = sendto(s, buf, len, 0, (struct sockaddr *)&to, sizeof(to));
	closesocket(s);
	return ret;
}

/*
 * WSPDK_MTU above the 2 KB of a default mbuf, on a port that takes it
 * (net_null): a datagram that fills the MTU leaves as one frame. The
 * pool's mbufs are sized for the MTU (a 2100-byte sendto once wrote its
 * IP header through a NULL append and killed the application thread).
 */
static void
test_mtu_above_2k_sends_whole_frames(void)
{
	static const int mtus[] = { 2200, 9000 };
	WSADATA wd;

	setenv("WSPDK_DEVICE", "net_null0", 1);
	setenv("WSPDK_STATIC_ARP", "198.18.0.1=02:00:c6:12:00:01", 1);
	for (size_t i = 0; i < sizeof(mtus) / sizeof(mtus[0]); i++) {
		char v[16];
		int len = mtus[i] - 28;		/* IPv4 + UDP headers */
		uint64_t pkts, bytes;

		snprintf(v, sizeof(v), "%d", mtus[i]);
		setenv("WSPDK_MTU", v, 1);
		CU_ASSERT_EQUAL_FATAL(WSAStartup(MAKEWORD(2, 2), &wd), 0);
		CU_ASSERT_EQUAL(tel_u64("/wspdk/info", "mtu"),
			(uint64_t)mtus[i]);
		pkts = tx_pkts_after_announce();
		bytes = tel_u64("/wspdk/stats", "tx_bytes");
		CU_ASSERT_EQUAL(send_to_neighbour(len), len);
		for (int t = 0; t < 500 && tel_u64("/wspdk/stats",
				"tx_pkts") == pkts; t++)
			wt_sleep_ms(2);
		CU_ASSERT_EQUAL(tel_u64("/wspdk/stats", "tx_pkts"), pkts + 1);
		CU_ASSERT_EQUAL(tel_u64("/wspdk/stats", "tx_bytes"),
			bytes + (uint64_t)mtus[i] + 14);
		CU_ASSERT_EQUAL(WSACleanup(), 0);
	}
	unsetenv("WSPDK_MTU");
	unsetenv("WSPDK_STATIC_ARP");
	setenv("WSPDK_DEVICE", "loop", 1);
}

/* A port that cannot take the MTU asked for (a pair: ring port; the ring
 * PMD has no MTU): the provider starts with the MTU the port has, says
 * so, and sends what is larger as fragments. The loop port, a wire of
 * memory, takes the MTU asked for: the same datagram leaves whole. */
static void
test_mtu_the_port_refuses_falls_back_to_its_own_loop_takes_it(void)
{
	static const struct {
		const char *dev;
		uint64_t mtu, frames;
	} c[] = { { "pair:lcmtu", 1500, 2 }, { "loop", 2200, 1 } };
	WSADATA wd;
	uint64_t pkts;

	setenv("WSPDK_MTU", "2200", 1);
	setenv("WSPDK_STATIC_ARP", "198.18.0.1=02:00:c6:12:00:01", 1);
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		setenv("WSPDK_DEVICE", c[i].dev, 1);
		CU_ASSERT_EQUAL_FATAL(WSAStartup(MAKEWORD(2, 2), &wd), 0);
		CU_ASSERT_EQUAL(tel_u64("/wspdk/info", "mtu"), c[i].mtu);
		pkts = tx_pkts_after_announce();
		CU_ASSERT_EQUAL(send_to_neighbour(2100), 2100);
		for (int t = 0; t < 500 && tel_u64("/wspdk/stats",
				"tx_pkts") < pkts + c[i].frames; t++)
			wt_sleep_ms(2);
		/* and no more than that */
		wt_sleep_ms(20);
		CU_ASSERT_EQUAL(tel_u64("/wspdk/stats", "tx_pkts"),
			pkts + c[i].frames);
		CU_ASSERT_EQUAL(WSACleanup(), 0);
	}
	setenv("WSPDK_DEVICE", "loop", 1);
	unsetenv("WSPDK_MTU");
	unsetenv("WSPDK_STATIC_ARP");
}

/* --huge-dir naming a mounted hugetlbfs (main() mounted it) starts: as the
 * first start of the process, EAL really takes its pages from there. */
static void
test_huge_dir_on_hugetlbfs_starts(void)
{
	WSADATA wd;

	setenv("WSPDK_EAL_ARGS", "--huge-dir=/dev/hugepages", 1);
	CU_ASSERT_EQUAL(WSAStartup(MAKEWORD(2, 2), &wd), 0);
	unsetenv("WSPDK_EAL_ARGS");
	CU_ASSERT_EQUAL(WSACleanup(), 0);
}

/* Below 2.2 is refused; WSPStartup returns the code, it has no errno. */
static void
test_version_below_2_2_is_wsavernotsupported(void)
{
	static const WORD old[] = { MAKEWORD(1, 0), MAKEWORD(1, 1),
		MAKEWORD(2, 0), MAKEWORD(2, 1), MAKEWORD(0, 9) };
	WSPDATA d;
	WSPPROC_TABLE t;

	for (size_t i = 0; i < sizeof(old) / sizeof(old[0]); i++)
		CU_ASSERT_EQUAL(wsp_startup(old[i], &d, &t),
			WSAVERNOTSUPPORTED);
}

/* 2.2 and anything newer negotiate 2.2, the only SPI version. */
static void
test_version_2_2_and_newer_negotiate_2_2(void)
{
	static const WORD v[] = { MAKEWORD(2, 2), MAKEWORD(2, 3),
		MAKEWORD(3, 0) };
	WSPDATA d;
	WSPPROC_TABLE t;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		memset(&d, 0, sizeof(d));
		CU_ASSERT_EQUAL_FATAL(wsp_startup(v[i], &d, &t), 0);
		CU_ASSERT_EQUAL(d.wVersion, MAKEWORD(2, 2));
		CU_ASSERT_EQUAL(d.wHighVersion, MAKEWORD(2, 2));
		CU_ASSERT_NOT_EQUAL(d.szDescription[0], 0);
		CU_ASSERT_EQUAL(wsp_cleanup(&t), 0);
	}
}

/* NULL WSPDATA or proc table is WSAEFAULT. */
static void
test_null_out_pointers_are_wsaefault(void)
{
	WSPDATA d;
	WSPPROC_TABLE t;

	CU_ASSERT_EQUAL(wsp_startup(MAKEWORD(2, 2), NULL, &t), WSAEFAULT);
	CU_ASSERT_EQUAL(wsp_startup(MAKEWORD(2, 2), &d, NULL), WSAEFAULT);
}

/* All 30 slots are filled (Ws2_32 rejects an incomplete table). */
static void
test_proc_table_has_every_entry(void)
{
	WSPDATA d;
	WSPPROC_TABLE t;
	void *slots[sizeof(t) / sizeof(void *)];

	memset(&t, 0, sizeof(t));
	CU_ASSERT_EQUAL_FATAL(wsp_startup(MAKEWORD(2, 2), &d, &t), 0);
	CU_ASSERT_EQUAL(sizeof(slots) / sizeof(slots[0]), 30);
	memcpy(slots, &t, sizeof(t));
	for (size_t i = 0; i < 30; i++)
		CU_ASSERT_PTR_NOT_NULL(slots[i]);
	CU_ASSERT_EQUAL(wsp_cleanup(&t), 0);
}

/* Entries a later stage implements say WSAEOPNOTSUPP, not crash. */
static void
test_unimplemented_entries_fail_wsaeopnotsupp(void)
{
	WSPDATA d;
	WSPPROC_TABLE t;
	WSAPROTOCOL_INFOW pi;
	SOCKET s;
	int err = 0;

	CU_ASSERT_EQUAL_FATAL(wsp_startup(MAKEWORD(2, 2), &d, &t), 0);
	s = t.lpWSPSocket(AF_INET, SOCK_DGRAM, IPPROTO_UDP,
		(LPWSAPROTOCOL_INFOW)ws2_stub_catalog_entry(0), 0,
		WSA_FLAG_OVERLAPPED, &err);
	CU_ASSERT_NOT_EQUAL_FATAL(s, INVALID_SOCKET);
	CU_ASSERT_EQUAL(t.lpWSPDuplicateSocket(s, 1, &pi, &err),
		SOCKET_ERROR);
	CU_ASSERT_EQUAL(err, WSAEOPNOTSUPP);
	err = 0;
	CU_ASSERT_EQUAL(t.lpWSPJoinLeaf(s, NULL, 0, NULL, NULL, NULL, NULL,
		0, &err), INVALID_SOCKET);
	CU_ASSERT_EQUAL(err, WSAEOPNOTSUPP);
	CU_ASSERT_EQUAL(t.lpWSPCloseSocket(s, &err), 0);
	CU_ASSERT_EQUAL(wsp_cleanup(&t), 0);
}

/* WSPCleanup without a matching WSPStartup is WSANOTINITIALISED. */
static void
test_cleanup_without_startup_is_wsanotinitialised(void)
{
	WSPDATA d;
	WSPPROC_TABLE t;

	CU_ASSERT_EQUAL_FATAL(wsp_startup(MAKEWORD(2, 2), &d, &t), 0);
	CU_ASSERT_EQUAL(wsp_cleanup(&t), 0);
	CU_ASSERT_EQUAL(wsp_cleanup(&t), WSANOTINITIALISED);
}

/* Three startups need three cleanups; the port stays up until the last. */
static void
test_nested_startups_keep_the_port_up_until_the_last_cleanup(void)
{
	WSADATA wd;
	char st[32];

	for (int i = 0; i < 3; i++)
		CU_ASSERT_EQUAL_FATAL(WSAStartup(MAKEWORD(2, 2), &wd), 0);
	for (int i = 0; i < 3; i++) {
		state(st, sizeof(st));
		CU_ASSERT_STRING_EQUAL(st, "running");
		CU_ASSERT_EQUAL(WSACleanup(), 0);
	}
	state(st, sizeof(st));
	CU_ASSERT_STRING_EQUAL(st, "stopped");
	CU_ASSERT_EQUAL(WSACleanup(), SOCKET_ERROR);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSANOTINITIALISED);
}

/* EAL starts on a thread of the provider's own: the application's
 * threads keep the CPUs they had (rte_eal_init re-pins its caller). */
static void
test_application_threads_keep_their_cpu_affinity(void)
{
	cpu_set_t now;
	WSADATA wd;

	CU_ASSERT_EQUAL_FATAL(WSAStartup(MAKEWORD(2, 2), &wd), 0);
	CU_ASSERT_EQUAL(sched_getaffinity(0, sizeof(now), &now), 0);
	CU_ASSERT(CPU_EQUAL(&now, &affinity_before));
	CU_ASSERT_EQUAL(WSACleanup(), 0);
	CU_ASSERT_EQUAL(sched_getaffinity(0, sizeof(now), &now), 0);
	CU_ASSERT(CPU_EQUAL(&now, &affinity_before));
}

#define RACERS		8
#define RACE_CYCLES	25

static void *
racer(void *arg)
{
	WSPDATA d;
	WSPPROC_TABLE t;
	int *failures = arg;

	for (int i = 0; i < RACE_CYCLES; i++) {
		if (wsp_startup(MAKEWORD(2, 2), &d, &t) != 0)
			__atomic_fetch_add(failures, 1, __ATOMIC_RELAXED);
		else if (wsp_cleanup(&t) != 0)
			__atomic_fetch_add(failures, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* Eight threads racing startup/cleanup: every call succeeds, every start
 * is matched by a stop, and the provider ends stopped. */
static void
test_eight_threads_racing_startup_and_cleanup(void)
{
	pthread_t t[RACERS];
	int failures = 0;
	uint64_t starts0 = wt_info_u64("starts"), stops0 = wt_info_u64("stops");
	char st[32];

	for (int i = 0; i < RACERS; i++)
		pthread_create(&t[i], NULL, racer, &failures);
	for (int i = 0; i < RACERS; i++)
		pthread_join(t[i], NULL);
	CU_ASSERT_EQUAL(failures, 0);
	state(st, sizeof(st));
	CU_ASSERT_STRING_EQUAL(st, "stopped");
	CU_ASSERT(wt_info_u64("starts") > starts0);
	CU_ASSERT_EQUAL(wt_info_u64("starts") - starts0,
		wt_info_u64("stops") - stops0);
	CU_ASSERT_EQUAL(wt_info_u64("mbufs_lost"), 0);
}

static const struct wt_test tests[] = {
	/* First: configuration errors before EAL has ever been started. */
	WT_TEST(test_bad_configuration_is_wsasysnotready),
	WT_TEST(test_bad_config_file_line_is_wsasysnotready),
	WT_TEST(test_huge_dir_on_hugetlbfs_starts),
	WT_TEST(test_version_below_2_2_is_wsavernotsupported),
	WT_TEST(test_null_out_pointers_are_wsaefault),
	WT_TEST(test_version_2_2_and_newer_negotiate_2_2),
	WT_TEST(test_application_threads_keep_their_cpu_affinity),
	WT_TEST(test_config_file_applies_and_environment_wins),
	WT_TEST(test_mtu_above_2k_sends_whole_frames),
	WT_TEST(test_mtu_the_port_refuses_falls_back_to_its_own_loop_takes_it),
	WT_TEST(test_proc_table_has_every_entry),
	WT_TEST(test_unimplemented_entries_fail_wsaeopnotsupp),
	WT_TEST(test_cleanup_without_startup_is_wsanotinitialised),
	WT_TEST(test_nested_startups_keep_the_port_up_until_the_last_cleanup),
	WT_TEST(test_eight_threads_racing_startup_and_cleanup),
	/* Configuration is re-read at every start from zero: bad values
	 * are refused after EAL is up, too. */
	{ "bad_configuration_after_eal_is_wsasysnotready",
		test_bad_configuration_is_wsasysnotready },
	WT_TEST_END
};

static const struct wt_suite suite = {
	.name = "wsp_lifecycle",
	.tests = tests,
};

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = {
		&suite,
		NULL
	};

	if (wt_hugepages_reserve(64) != 0)
		return 1;
	setenv("WSPDK_DEVICE", "loop", 1);
	setenv("WSPDK_LOG_LEVEL", "warning", 1);
	sched_getaffinity(0, sizeof(affinity_before), &affinity_before);
	return wt_run_suites(argc, argv, suites);
}
