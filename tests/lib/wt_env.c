/* SPDX-License-Identifier: BSD-3-Clause */
/* Machine set-up for tests: hugepages, a private netns, shell commands. */
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "wt.h"

#define HUGETLBFS_MAGIC	0x958458f6

static long
read_long(const char *path, const char *key)
{
	char line[256];
	long v = -1;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (key == NULL) {
			v = strtol(line, NULL, 10);
			break;
		}
		if (strncmp(line, key, strlen(key)) == 0) {
			v = strtol(line + strlen(key), NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

int
wt_require_root(const char *why)
{
	if (geteuid() == 0)
		return 0;
	fprintf(stderr, "FAIL: this test must run as root (%s)\n", why);
	return -1;
}

static int
mount_hugetlbfs(void)
{
	struct statfs sfs;

	if (statfs("/dev/hugepages", &sfs) == 0 &&
			sfs.f_type == HUGETLBFS_MAGIC)
		return 0;
	mkdir("/dev/hugepages", 0755);
	if (mount("nodev", "/dev/hugepages", "hugetlbfs", 0, NULL) != 0) {
		fprintf(stderr, "FAIL: cannot mount hugetlbfs on "
			"/dev/hugepages: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

int
wt_hugepages_reserve(unsigned int n)
{
	const char *nr = "/proc/sys/vm/nr_hugepages";
	long total, free_pages;
	FILE *f;

	if (wt_require_root("hugepages") != 0 || mount_hugetlbfs() != 0)
		return -1;
	free_pages = read_long("/proc/meminfo", "HugePages_Free:");
	if (free_pages >= (long)n)
		return 0;
	total = read_long(nr, NULL);
	f = fopen(nr, "w");
	if (f == NULL || fprintf(f, "%ld\n", total + (long)n - free_pages) < 0) {
		fprintf(stderr, "FAIL: cannot raise %s\n", nr);
		if (f != NULL)
			fclose(f);
		return -1;
	}
	fclose(f);
	free_pages = read_long("/proc/meminfo", "HugePages_Free:");
	if (free_pages < (long)n) {
		fprintf(stderr, "FAIL: wanted %u free 2 MB hugepages, the "
			"kernel gave %ld (memory too fragmented or too "
			"small?)\n", n, free_pages);
		return -1;
	}
	return 0;
}

int
wt_netns_enter(void)
{
	if (wt_require_root("network namespace") != 0)
		return -1;
	if (unshare(CLONE_NEWNET) != 0) {
		fprintf(stderr, "FAIL: unshare(CLONE_NEWNET): %s\n",
			strerror(errno));
		return -1;
	}
	if (wt_sh("ip link set lo up") != 0 ||
			wt_sh("sysctl -qw net.ipv6.conf.all.disable_ipv6=1 "
			"net.ipv6.conf.default.disable_ipv6=1") != 0) {
		fprintf(stderr, "FAIL: cannot set up the test namespace "
			"(iproute2/procps installed?)\n");
		return -1;
	}
	return 0;
}

static int
vsh(char *out, size_t len, const char *fmt, va_list ap)
{
	char cmd[2048];
	FILE *p;
	size_t n = 0;
	int st;

	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	p = popen(cmd, "r");
	if (p == NULL)
		return -1;
	if (out != NULL) {
		while (n + 1 < len) {
			size_t r = fread(out + n, 1, len - 1 - n, p);

			if (r == 0)
				break;
			n += r;
		}
		out[n] = '\0';
	} else {
		char sink[512];

		while (fread(sink, 1, sizeof(sink), p) > 0)
			;
	}
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int
wt_need_tools(const char *tools)
{
	/* One list, one checker: setup.sh's, as the scripts use. */
	if (wt_sh("bash -c '. \"%s/setup.sh\" && need_tool %s'", WT_TOP,
			tools) == 0)
		return 0;
	fprintf(stderr, "FAIL: this test needs the tools above\n");
	return -1;
}

int
wt_sh(const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vsh(NULL, 0, fmt, ap);
	va_end(ap);
	return ret;
}

int
wt_sh_out(char *out, size_t len, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vsh(out, len, fmt, ap);
	va_end(ap);
	return ret;
}

int
wt_wait_ifname(const char *ifname, unsigned int timeout_ms)
{
	char path[128];

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s", ifname);
	for (unsigned int t = 0; t < timeout_ms; t += 10) {
		if (access(path, F_OK) == 0)
			return 0;
		wt_sleep_ms(10);
	}
	return -1;
}

int
wt_tap_kernel_up(const char *ifname, const char *mac, const char *cidr)
{
	if (wt_wait_ifname(ifname, 5000) != 0) {
		fprintf(stderr, "FAIL: interface %s never appeared\n", ifname);
		return -1;
	}
	return wt_sh("ip link set %s address %s && ip addr replace %s dev %s"
		" && ip link set %s up", ifname, mac, cidr, ifname, ifname);
}

int
wt_ping(const char *ip, unsigned int n)
{
	char out[4096], *p;
	int received = 0;

	wt_sh_out(out, sizeof(out), "ping -n -c %u -i 0.2 -W 1 %s 2>&1", n, ip);
	p = strstr(out, " received");
	if (p != NULL) {
		while (p > out && p[-1] >= '0' && p[-1] <= '9')
			p--;
		received = atoi(p);
	}
	return received;
}

void
wt_sleep_ms(unsigned int ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000
	};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

uint64_t
wt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
