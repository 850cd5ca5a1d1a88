/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The first WSAStartup loads only the PMDs its device needs (issue 16
 * item 4), not the whole plugin directory of Debian's shared DPDK, and
 * without the privilege that takes it still loads them all and works.
 *
 * EAL starts once per process, so each case runs in a child forked
 * before any thread exists; the child reports through its exit status
 * and prints what it saw. What counts is what /proc/self/maps shows from
 * the plugin directory once the provider library is loaded (what it
 * links: the ring PMD and the buses) and after the first WSAStartup.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include <rte_build_config.h>

#include "wt.h"
#include "ws2.h"
#include "wt_run.h"

#define PMD_DIR		RTE_EAL_PMD_PATH
#define MAX_PMDS	256

struct pmds {
	char name[MAX_PMDS][64];	/* "net_tap" of librte_net_tap.so.23.0 */
	unsigned int n;
};

static bool
pmds_has(const struct pmds *p, const char *name)
{
	for (unsigned int i = 0; i < p->n; i++)
		if (strcmp(p->name[i], name) == 0)
			return true;
	return false;
}

/* The plugin directory's libraries this process has mapped. */
static int
pmds_mapped(struct pmds *p)
{
	char line[1024], name[64];
	FILE *f = fopen("/proc/self/maps", "r");
	const char *s;

	p->n = 0;
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		s = strstr(line, PMD_DIR "/librte_");
		if (s == NULL)
			continue;
		s += strlen(PMD_DIR "/librte_");
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(s, "."), s);
		if (!pmds_has(p, name) && p->n < MAX_PMDS)
			snprintf(p->name[p->n++], sizeof(p->name[0]), "%s",
				name);
	}
	fclose(f);
	return 0;
}

static unsigned int
pmds_in_dir(void)
{
	DIR *d = opendir(PMD_DIR);
	struct dirent *e;
	unsigned int n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);

		n += len > 3 && strcmp(e->d_name + len - 3, ".so") == 0;
	}
	closedir(d);
	return n;
}

/* Whether any thread of ours still sees the directory hidden. */
static bool
a_thread_sees_it_hidden(void)
{
	char path[300], line[1024];
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	bool hidden = false;
	FILE *f;

	if (d == NULL)
		return true;
	while ((e = readdir(d)) != NULL && !hidden) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/mountinfo",
			e->d_name);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		while (fgets(line, sizeof(line), f) != NULL)
			hidden |= strstr(line, " " PMD_DIR " ") != NULL;
		fclose(f);
	}
	closedir(d);
	return hidden;
}

static int
bound_socket(void)
{
	struct sockaddr_in a;
	SOCKET s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
	int ret;

	if (s == INVALID_SOCKET)
		return -1;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(7000);
	ret = bind(s, (struct sockaddr *)&a, sizeof(a));
	closesocket(s);
	return ret;
}

/* Effective and permitted CAP_SYS_ADMIN off for this process. */
static int
drop_sys_admin(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) != 0)
		return -1;
	d[CAP_SYS_ADMIN / 32].effective &= ~(1u << (CAP_SYS_ADMIN % 32));
	d[CAP_SYS_ADMIN / 32].permitted &= ~(1u << (CAP_SYS_ADMIN % 32));
	return (int)syscall(SYS_capset, &h, d);
}

enum expect { ONLY_THESE, WHOLE_DIR };

/*
 * In a child: WSAStartup on device (NULL: the default), a bound socket,
 * then the mapped PMDs against what was mapped before plus want[]
 * (ONLY_THESE) or against most of the directory (WHOLE_DIR); a second
 * WSAStartup after WSACleanup must work as well. 0 when all holds.
 */
static int
child(const char *device, const char *const *want, enum expect expect,
		bool no_sys_admin)
{
	struct pmds before, after;
	WSADATA wd;
	int bad = 0;

	if (device != NULL)
		setenv("WSPDK_DEVICE", device, 1);
	if (no_sys_admin && drop_sys_admin() != 0) {
		printf("cannot drop CAP_SYS_ADMIN\n");
		return 1;
	}
	/* Loaded as Ws2_32 will load it, without starting it. */
	if (dlopen(ws2_stub_provider_path(), RTLD_NOW | RTLD_LOCAL) == NULL ||
			pmds_mapped(&before) != 0 ||
			WSAStartup(MAKEWORD(2, 2), &wd) != 0) {
		printf("WSAStartup failed\n");
		return 1;
	}
	if (bound_socket() != 0) {
		printf("no socket after WSAStartup\n");
		bad++;
	}
	pmds_mapped(&after);
	printf("  %u PMD libraries mapped with the provider loaded, %u after "
		"(%u in %s):", before.n, after.n, pmds_in_dir(), PMD_DIR);
	for (unsigned int i = 0; i < after.n; i++)
		printf(" %s", after.name[i]);
	printf("\n");
	if (expect == WHOLE_DIR && after.n < pmds_in_dir() / 2) {
		printf("expected the whole directory loaded\n");
		bad++;
	}
	for (unsigned int i = 0; expect == ONLY_THESE && i < after.n; i++) {
		bool wanted = pmds_has(&before, after.name[i]);

		for (const char *const *w = want; *w != NULL; w++)
			wanted |= strcmp(*w, after.name[i]) == 0;
		if (!wanted) {
			printf("unexpected PMD mapped: %s\n", after.name[i]);
			bad++;
		}
	}
	for (const char *const *w = want; *w != NULL; w++) {
		if (!pmds_has(&after, *w)) {
			printf("needed PMD not mapped: %s\n", *w);
			bad++;
		}
	}
	if (a_thread_sees_it_hidden()) {
		printf("a thread still sees %s hidden\n", PMD_DIR);
		bad++;
	}
	if (WSACleanup() != 0 || WSAStartup(MAKEWORD(2, 2), &wd) != 0 ||
			bound_socket() != 0 || WSACleanup() != 0) {
		printf("restart after the first WSAStartup failed\n");
		bad++;
	}
	return bad == 0 ? 0 : 1;
}

/*
 * In a child: the first start on the loop port, then one on another
 * device (WSPDK_DEVICE is read at every WSAStartup, EAL stays up): its
 * PMD, not loaded by EAL's init, must be there and the device work.
 */
static int
child_switch(const char *device, const char *pmd)
{
	struct pmds after;
	WSADATA wd;
	int bad = 0;

	setenv("WSPDK_DEVICE", "loop", 1);
	if (WSAStartup(MAKEWORD(2, 2), &wd) != 0 || WSACleanup() != 0) {
		printf("WSAStartup on loop failed\n");
		return 1;
	}
	setenv("WSPDK_DEVICE", device, 1);
	if (WSAStartup(MAKEWORD(2, 2), &wd) != 0) {
		printf("WSAStartup on %s after loop failed\n", device);
		return 1;
	}
	if (bound_socket() != 0) {
		printf("no socket on %s\n", device);
		bad++;
	}
	pmds_mapped(&after);
	if (!pmds_has(&after, pmd)) {
		printf("%s's PMD %s not mapped\n", device, pmd);
		bad++;
	}
	printf("  after loop then %s: %u PMD libraries mapped\n", device,
		after.n);
	return WSACleanup() == 0 && bad == 0 ? 0 : 1;
}

struct child_case {
	const char *device;		/* NULL: the default */
	const char *const *want;	/* NULL: child_switch, pmd below */
	enum expect expect;
	bool no_sys_admin;
	const char *pmd;
};

/* The case in a child of its own; its exit status (0: all held). */
static int
in_child(const struct child_case *c)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		exit(c->want == NULL ? child_switch(c->device, c->pmd) :
			child(c->device, c->want, c->expect, c->no_sys_admin));
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* The default device, a tap: its PMD and the mempool driver, no more. */
static void
test_default_device_maps_only_the_tap_and_mempool_pmds(void)
{
	static const char *const want[] = { "net_tap", "mempool_ring", NULL };

	struct child_case c = { NULL, want, ONLY_THESE, false, NULL };

	CU_ASSERT_EQUAL(in_child(&c), 0);
}

/* The in-memory ring port is linked in: only the mempool driver. */
static void
test_loop_device_maps_only_the_mempool_pmd(void)
{
	static const char *const want[] = { "mempool_ring", NULL };

	struct child_case c = { "loop", want, ONLY_THESE, false, NULL };

	CU_ASSERT_EQUAL(in_child(&c), 0);
}

/* A vdev named by its instance with devargs: net_null1,... is net_null. */
static void
test_vdev_instance_maps_its_driver_pmd(void)
{
	static const char *const want[] = { "net_null", "mempool_ring",
		NULL };

	struct child_case c = { "net_null1,size=64", want, ONLY_THESE,
		false, NULL };

	CU_ASSERT_EQUAL(in_child(&c), 0);
}

/* Without CAP_SYS_ADMIN the directory cannot be hidden: EAL loads it
 * all, as before, and the provider works. */
static void
test_without_sys_admin_the_whole_directory_loads_and_works(void)
{
	static const char *const want[] = { "net_tap", "mempool_ring", NULL };

	struct child_case c = { NULL, want, WHOLE_DIR, true, NULL };

	CU_ASSERT_EQUAL(in_child(&c), 0);
}

/* EAL started for the loop port; a later start on a vdev loads its PMD
 * then (it worked when EAL loaded them all). */
static void
test_later_start_on_another_device_loads_its_pmd(void)
{
	struct child_case c = { "net_null0", NULL, ONLY_THESE, false,
		"net_null" };

	CU_ASSERT_EQUAL(in_child(&c), 0);
}

static const struct wt_test tests[] = {
	WT_TEST(test_default_device_maps_only_the_tap_and_mempool_pmds),
	WT_TEST(test_loop_device_maps_only_the_mempool_pmd),
	WT_TEST(test_vdev_instance_maps_its_driver_pmd),
	WT_TEST(test_without_sys_admin_the_whole_directory_loads_and_works),
	WT_TEST(test_later_start_on_another_device_loads_its_pmd),
	WT_TEST_END
};

static const struct wt_suite suite = {
	.name = "wsp_pmd_load",
	.tests = tests,
};

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = { &suite, NULL };

	/* Before any thread exists: the namespace is the whole process's
	 * (the default device's tap is created in it). */
	if (wt_require_root("mount namespaces, hugepages") != 0 ||
			wt_netns_enter() != 0 || wt_hugepages_reserve(64) != 0)
		return 1;
	setenv("WSPDK_LOG_LEVEL", "warning", 1);
	return wt_run_suites(argc, argv, suites);
}
