/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The lifecycle against the Linux kernel and under stress, in a network
 * namespace of the test's own (it dies with the process):
 *
 *  - the kernel pings the provider on a tap after WSAStartup, gets nothing
 *    after the last WSACleanup, and gets answers again after the next
 *    WSAStartup in the same process;
 *  - hundreds of startup/cleanup cycles on the in-memory loop device and
 *    tens on the tap leave the process holding exactly what it held after
 *    the first cycle: hugepages, fds, threads, memzones and RSS.
 *
 * Per-cycle figures are printed for the closing note; they are not
 * asserted (this machine is shared).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "wt.h"
#include "ws2.h"
#include "wt_run.h"

#define TAP		"wsptap0"
#define KERNEL_MAC	"02:00:c6:12:00:01"
#define KERNEL_IP	"198.18.0.1/24"
#define OUR_IP		"198.18.0.2"
#define LOOP_CYCLES	500
#define TAP_CYCLES	50
/* RSS may move by a page or two of allocator noise, never grow with the
 * number of cycles: compared with the first cycles' level plus this. */
#define RSS_SLACK_KB	256

struct figures {
	struct wt_proc proc;
	int memzones;
};

static int
memzones(void)
{
	char json[65536];

	if (wt_tel(wt_tel_prefix(), "/eal/memzone_list", json,
			sizeof(json)) != 0)
		return -1;
	return wt_json_array_len(json);
}

static void
figures(struct figures *f)
{
	wt_proc_read(&f->proc);
	f->memzones = memzones();
}

static int
startup(void)
{
	WSADATA wd;

	return WSAStartup(MAKEWORD(2, 2), &wd);
}

static int
kernel_side_up(void)
{
	return wt_tap_kernel_up(TAP, KERNEL_MAC, KERNEL_IP);
}

/* Ping works after WSAStartup, not after the last WSACleanup, and works
 * again after the next WSAStartup: the port is really re-created. */
static void
test_kernel_pings_provider_across_a_restart(void)
{
	setenv("WSPDK_DEVICE", "net_tap0,iface=" TAP, 1);
	CU_ASSERT_EQUAL_FATAL(startup(), 0);
	CU_ASSERT_EQUAL_FATAL(kernel_side_up(), 0);
	CU_ASSERT_EQUAL(wt_ping(OUR_IP, 3), 3);
	CU_ASSERT(wt_stat("icmp_echo_tx") >= 3);
	CU_ASSERT(wt_stat("arp_reply_tx") >= 1);
	CU_ASSERT_EQUAL(WSACleanup(), 0);
	CU_ASSERT_EQUAL(wt_ping(OUR_IP, 2), 0);
	CU_ASSERT_EQUAL_FATAL(startup(), 0);
	CU_ASSERT_EQUAL_FATAL(kernel_side_up(), 0);
	CU_ASSERT_EQUAL(wt_ping(OUR_IP, 3), 3);
	CU_ASSERT_EQUAL(WSACleanup(), 0);
}

/* The neighbour cache learns the kernel from its ARP request. */
static void
test_arp_cache_learns_the_kernel(void)
{
	char json[16384];

	setenv("WSPDK_DEVICE", "net_tap0,iface=" TAP, 1);
	CU_ASSERT_EQUAL_FATAL(startup(), 0);
	CU_ASSERT_EQUAL_FATAL(kernel_side_up(), 0);
	CU_ASSERT_EQUAL(wt_ping(OUR_IP, 1), 1);
	CU_ASSERT_EQUAL(wt_tel(wt_tel_prefix(), "/wspdk/arp", json,
		sizeof(json)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"198.18.0.1\""));
	CU_ASSERT_PTR_NOT_NULL(strcasestr(json, KERNEL_MAC));
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "reachable"));
	CU_ASSERT_EQUAL(WSACleanup(), 0);
}

static void
print_figures(const char *what, const struct figures *f)
{
	printf("  %-22s hugepages %6llu kB  rss %7llu kB  fds %3u  "
		"threads %2u  memzones %d\n", what,
		(unsigned long long)f->proc.hugetlb_kb,
		(unsigned long long)f->proc.rss_kb, f->proc.fds,
		f->proc.threads, f->memzones);
}

/* n cycles; everything the process holds after the last equals what it
 * held after the first. */
static void
stress(const char *device, unsigned int n, bool ping)
{
	struct figures first, mid, last;
	double *ms = calloc(n, sizeof(double));
	unsigned int failures = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(ms);
	setenv("WSPDK_DEVICE", device, 1);
	for (unsigned int i = 0; i < n; i++) {
		uint64_t t0 = wt_now_ns();

		if (startup() != 0) {
			failures++;
			continue;
		}
		if (ping && (kernel_side_up() != 0 ||
				wt_ping(OUR_IP, 1) != 1))
			failures++;
		if (WSACleanup() != 0)
			failures++;
		ms[i] = (double)(wt_now_ns() - t0) / 1e6;
		if (i == 0)
			figures(&first);
		if (i == n / 2)
			figures(&mid);
	}
	figures(&last);
	printf("\n  %s: %u cycles, cycle median %.2f ms p99 %.2f ms "
		"max %.2f ms\n", device, n, wt_percentile(ms, n, 50),
		wt_percentile(ms, n, 99), wt_percentile(ms, n, 100));
	print_figures("after cycle 1", &first);
	print_figures("after the middle one", &mid);
	print_figures("after the last", &last);
	CU_ASSERT_EQUAL(failures, 0);
	CU_ASSERT_EQUAL(last.proc.hugetlb_kb, first.proc.hugetlb_kb);
	CU_ASSERT_EQUAL(last.proc.fds, first.proc.fds);
	CU_ASSERT_EQUAL(last.proc.threads, first.proc.threads);
	CU_ASSERT_EQUAL(last.memzones, first.memzones);
#ifdef __SANITIZE_ADDRESS__
	/* ASan's allocator grows RSS by itself (its quarantine, ~1 MB per
	 * 50 cycles, dpdk-22.11-notes.md §8b): in that build LeakSanitizer,
	 * at exit, is the leak check instead. */
	printf("  rss not compared: AddressSanitizer build (LeakSanitizer "
		"checks at exit)\n");
#else
	CU_ASSERT(last.proc.rss_kb <= (first.proc.rss_kb > mid.proc.rss_kb ?
		first.proc.rss_kb : mid.proc.rss_kb) + RSS_SLACK_KB);
#endif
	free(ms);
}

/* 500 cycles on the ring port leak nothing. */
static void
test_loop_cycles_leak_nothing(void)
{
	stress("loop", LOOP_CYCLES, false);
}

/* 50 cycles on the tap, each answering a ping, leak nothing. */
static void
test_tap_cycles_leak_nothing(void)
{
	stress("net_tap0,iface=" TAP, TAP_CYCLES, true);
}

static const struct wt_test tests[] = {
	WT_TEST(test_kernel_pings_provider_across_a_restart),
	WT_TEST(test_arp_cache_learns_the_kernel),
	WT_TEST(test_loop_cycles_leak_nothing),
	WT_TEST(test_tap_cycles_leak_nothing),
	WT_TEST_END
};

static const struct wt_suite suite = {
	.name = "wsp_lifecycle_kernel",
	.tests = tests,
};

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = {
		&suite,
		NULL
	};
	struct figures before;

	/* Before any thread exists: the namespace is the whole process's. */
	if (wt_need_tools("ip ping") != 0 || wt_netns_enter() != 0 ||
			wt_hugepages_reserve(64) != 0)
		return 1;
	setenv("WSPDK_LOG_LEVEL", "warning", 1);
	wt_proc_read(&before.proc);
	printf("before the first WSAStartup: hugepages %llu kB, rss %llu kB, "
		"fds %u, threads %u\n",
		(unsigned long long)before.proc.hugetlb_kb,
		(unsigned long long)before.proc.rss_kb, before.proc.fds,
		before.proc.threads);
	return wt_run_suites(argc, argv, suites);
}
