/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The argv EAL is started with (dp_eal_argv_build, dp_eal_lcores_arg),
 * on synthetic CPU lists: nothing here starts EAL, so it needs neither
 * hugepages nor root.
 *
 * Suite "eal_lcores": the --lcores string is exact for any allowed-CPU
 * list up to EAL's 1024 CPUs, ranges written compactly.
 * Suite "eal_argv": every argument makes it into argv, or the build
 * fails saying why; nothing is dropped in silence.
 * Suite "eal_args": WSPDK_EAL_ARGS against what each EAL's parser takes
 * (Windows' exits the process on any error, so its rules are tested here
 * on Linux): options, value forms, the combinations EAL refuses.
 * Suite "eal_cpus": the lcore CPUs against EAL's limits and the affinity.
 * Suite "conf_check": dp_conf_check judges any struct dp_conf, however
 * it was filled (the dataplane API takes one directly), without
 * undefined behaviour (the sanitized suite halts on it).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "dp.h"
#include "dp_eal.h"
#include "wt_run.h"

#define NB_CPUS		1024

static uint16_t allowed[NB_CPUS];

/* allowed[] = first, first + step, ... (n of them). */
static unsigned int
cpus_every(unsigned int first, unsigned int step, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		allowed[i] = (uint16_t)(first + i * step);
	return n;
}

static void
check_lcores(unsigned int na, const uint16_t *cpus, unsigned int n,
		const char *want)
{
	char *got = dp_eal_lcores_arg(allowed, na, cpus, n);

	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	if (strcmp(got, want) != 0)
		fprintf(stderr, "\n got  %s\n want %s\n", got, want);
	CU_ASSERT_STRING_EQUAL(got, want);
	free(got);
}

/* ---- eal_lcores ---- */

/* All 1024 CPUs of a big machine are one range. */
static void
test_lcores_1024_cpus_are_one_range(void)
{
	static const uint16_t workers[] = { 1023 };

	check_lcores(cpus_every(0, 1, NB_CPUS), workers, 1,
		"--lcores=0@(0-1023),1@1023");
}

/* Every other CPU of 1024 (no range to fold): all 512 are written,
 * several times what the old 512-byte buffer held. */
static void
test_lcores_every_other_cpu_of_1024_is_whole(void)
{
	static const uint16_t workers[] = { 2, 1022 };
	char want[4096];
	size_t off = (size_t)snprintf(want, sizeof(want), "--lcores=0@(");
	unsigned int na = cpus_every(0, 2, NB_CPUS / 2);

	for (unsigned int i = 0; i < na; i++)
		off += (size_t)snprintf(want + off, sizeof(want) - off, "%s%u",
			i == 0 ? "" : ",", 2 * i);
	snprintf(want + off, sizeof(want) - off, "),1@2,2@1022");
	CU_ASSERT(strlen(want) > 512);
	check_lcores(na, workers, 2, want);
}

/* Runs of two or more consecutive CPUs become a-b; lone ones stay. */
static void
test_lcores_sparse_list_mixes_ranges_and_singles(void)
{
	static const uint16_t list[] = { 0, 1, 2, 3, 8, 10, 11, 12, 127, 256,
		257, 300, 1023 };
	static const uint16_t workers[] = { 3, 8, 300 };

	memcpy(allowed, list, sizeof(list));
	check_lcores(sizeof(list) / sizeof(list[0]), workers, 3,
		"--lcores=0@(0-3,8,10-12,127,256-257,300,1023),1@3,2@8,"
		"3@300");
}

/* A single allowed CPU, shared by the main lcore and the worker. */
static void
test_lcores_single_cpu(void)
{
	static const uint16_t workers[] = { 5 };

	allowed[0] = 5;
	check_lcores(1, workers, 1, "--lcores=0@(5),1@5");
}

/* Sixteen workers (DP_MAX_LCORES) at the top of a 1024-CPU machine. */
static void
test_lcores_sixteen_workers_on_1024_cpus(void)
{
	uint16_t workers[DP_MAX_LCORES];
	char want[512];
	size_t off;

	for (unsigned int i = 0; i < DP_MAX_LCORES; i++)
		workers[i] = (uint16_t)(NB_CPUS - DP_MAX_LCORES + i);
	off = (size_t)snprintf(want, sizeof(want), "--lcores=0@(0-1023)");
	for (unsigned int i = 0; i < DP_MAX_LCORES; i++)
		off += (size_t)snprintf(want + off, sizeof(want) - off,
			",%u@%u", i + 1, workers[i]);
	check_lcores(cpus_every(0, 1, NB_CPUS), workers, DP_MAX_LCORES,
		want);
}

/* 128-130 would parse as 130 alone (eal_parse_set's RTE_MAX_LCORE
 * marker): a run from RTE_MAX_LCORE starts with that CPU on its own. */
static void
test_lcores_range_from_max_lcore_keeps_its_start(void)
{
	static const uint16_t workers[] = { 200 };
	char want[64];

	snprintf(want, sizeof(want), "--lcores=0@(%u,%u-200),1@200",
		RTE_MAX_LCORE, RTE_MAX_LCORE + 1);
	check_lcores(cpus_every(RTE_MAX_LCORE, 1, 201 - RTE_MAX_LCORE),
		workers, 1, want);
	snprintf(want, sizeof(want), "--lcores=0@(%u-%u),1@200",
		RTE_MAX_LCORE - 1, RTE_MAX_LCORE + 1);
	check_lcores(cpus_every(RTE_MAX_LCORE - 1, 1, 3), workers, 1, want);
}

/* No allowed CPU: no string (the caller reports it). */
static void
test_lcores_without_cpus_is_null(void)
{
	static const uint16_t workers[] = { 1 };

	CU_ASSERT_PTR_NULL(dp_eal_lcores_arg(allowed, 0, workers, 1));
}

/* ---- eal_argv ---- */

#define ARGV_MAX	96

static char *slots[ARGV_MAX + 1];
static struct dp_conf conf;

static void
conf_with_args(const char *eal_args)
{
	dp_conf_defaults(&conf);
	snprintf(conf.device, sizeof(conf.device), "loop");
	snprintf(conf.eal_args, sizeof(conf.eal_args), "%s", eal_args);
}

/* The most options WSPDK_EAL_ARGS may hold, and --lcores for 512 sparse
 * CPUs: every one is in argv, --lcores last, argv NULL-terminated. */
static void
test_argv_keeps_every_argument(void)
{
	static const uint16_t workers[] = { 1022 };
	struct dp_eal_argv a = { .v = slots, .max = ARGV_MAX };
	char args[DP_EAL_ARGS_MAX] = "", err[160] = "";
	char *lcores;
	unsigned int na = cpus_every(0, 2, NB_CPUS / 2), user = 0, nopt;

	/* Each token one argument: the tokenizer's limit (argv max / 2). */
	for (nopt = 0; nopt < ARGV_MAX / 2; nopt++)
		strcat(args, "--no-hpet ");
	conf_with_args(args);
	CU_ASSERT_EQUAL_FATAL(dp_eal_argv_build(&a, &conf, workers, 1,
		allowed, na, err, sizeof(err)), 0);
	for (int i = 0; i < a.argc; i++)
		user += strcmp(a.v[i], "--no-hpet") == 0;
	CU_ASSERT_EQUAL(user, nopt);
	CU_ASSERT_STRING_EQUAL(a.v[0], "wspdk");
	CU_ASSERT_PTR_NULL(a.v[a.argc]);
	lcores = dp_eal_lcores_arg(allowed, na, workers, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(lcores);
	CU_ASSERT_STRING_EQUAL(a.v[a.argc - 1], lcores);
	free(lcores);
	dp_eal_argv_free(&a);
	CU_ASSERT_EQUAL(a.argc, 0);
}

/* The build fails with want and a reason, and leaves argv empty. */
static void
check_build_fails(int max, unsigned int na, int want)
{
	static const uint16_t workers[] = { 1 };
	struct dp_eal_argv a = { .v = slots, .max = max };
	char err[160] = "";

	CU_ASSERT_EQUAL(dp_eal_argv_build(&a, &conf, workers, 1, allowed, na,
		err, sizeof(err)), want);
	CU_ASSERT_NOT_EQUAL(err[0], '\0');
	CU_ASSERT_EQUAL(a.argc, 0);
}

/* An argv too small for the arguments fails the build with a reason
 * rather than starting EAL without some of them. */
static void
test_argv_full_fails_with_a_reason(void)
{
	conf_with_args("--no-hpet --no-telemetry");
	check_build_fails(4, cpus_every(0, 1, 4), -E2BIG);
}

/* Without an allowed CPU there is no --lcores: the build fails rather
 * than let EAL pin its main lcore where it likes. */
static void
test_argv_without_allowed_cpus_fails(void)
{
	conf_with_args("");
	check_build_fails(ARGV_MAX, 0, -EINVAL);
}

/* A user --file-prefix replaces ours, once, in the OS's form. */
static void
test_argv_user_prefix_replaces_ours(void)
{
	static const uint16_t workers[] = { 1 };
	struct dp_eal_argv a = { .v = slots, .max = ARGV_MAX };
	char err[160] = "";

	conf_with_args("--file-prefix=wspdk_test");
	CU_ASSERT_EQUAL_FATAL(dp_eal_argv_build(&a, &conf, workers, 1,
		allowed, cpus_every(0, 1, 4), err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(a.prefix, "wspdk_test");
	dp_eal_argv_free(&a);
}

/* ---- eal_args ---- */

struct args_case {
	const char *args;
	const char *device;
	bool linux_ok;
	bool windows_ok;
};

static const struct args_case args_cases[] = {
	{ "", "loop", true, true },
	{ "--no-huge", "loop", true, true },
	{ "--no-huge -m 128", "loop", true, true },
	{ "--no-huge -m128", "loop", true, true },
	{ "--no-hpet --no-telemetry --no-shconf -n 4 --telemetry",
		"loop", true, true },
	{ "--base-virtaddr=0x100000000 --no-pci", "loop", true, true },
	{ "--iova-mode=va", "loop", true, true },
	{ "--iova-mode pa", "loop", true, true },
	{ "--log-level=debug --log-level=pmd.net.*:info", "loop", true,
		true },
	{ "--log-level 7", "loop", true, true },
	{ "-b 0000:01:00.0", "loop", true, true },
	/* Options Windows' EAL does not have: it would exit. */
	{ "--file-prefix=wspdkx", "loop", true, false },
	{ "--huge-unlink", "loop", true, false },
	{ "--huge-unlink=existing", "loop", true, false },
	{ "--syslog=daemon", "loop", true, false },
	{ "--match-allocations", "loop", true, false },
	{ "--mbuf-pool-ops-name=ring_mp_mc", "loop", true, false },
	{ "--vfio-intr=msix", "loop", true, false },
	/* A value form only Linux's EAL takes (regcomp is a stub there). */
	{ "--log-level=pmd.*,debug", "loop", true, false },
	/* Values no EAL takes. */
	{ "--iova-mode=dc", "loop", false, false },
	{ "--log-level=help", "loop", false, false },
	{ "--log-level=9", "loop", false, false },
	{ "-n 0", "loop", false, false },
	{ "--no-huge=1", "loop", false, false },
	{ "--no-huge -m 0", "loop", false, false },
	{ "--bogus", "loop", false, false },
	{ "--no-hu", "loop", false, false },
	{ "--help", "loop", false, false },
	/* Combinations EAL refuses, the provider's own options included. */
	{ "-m 128", "loop", false, false },
	{ "--no-huge --match-allocations", "loop", false, false },
	{ "--no-huge --huge-unlink", "loop", false, false },
	{ "--no-huge --huge-unlink=always", "loop", false, false },
	{ "--no-huge --huge-unlink=existing", "loop", true, false },
	{ "-b 0000:01:00.0", "0000:02:00.0", false, false },
	{ "--block=0000:01:00.0", "0000:02:00.0,rxq=1", false, false },
	/* What the provider owns or that pins memory. */
	{ "--in-memory", "loop", false, false },
	{ "--legacy-mem", "loop", false, false },
	{ "--no-huge --legacy-mem", "loop", false, false },
	{ "--socket-mem=64", "loop", false, false },
	{ "--no-huge --socket-mem=64", "loop", false, false },
	{ "-l 0-1", "loop", false, false },
};

/* Every case, under each EAL: accepted, or refused with a reason. */
static void
test_args_each_eal_takes_its_own(void)
{
	for (size_t i = 0; i < sizeof(args_cases) / sizeof(args_cases[0]);
			i++) {
		const struct args_case *c = &args_cases[i];
		const bool want[] = { [DP_EAL_LINUX] = c->linux_ok,
			[DP_EAL_WINDOWS] = c->windows_ok };

		for (int os = DP_EAL_LINUX; os <= DP_EAL_WINDOWS; os++) {
			char err[160] = "";
			int ret = dp_eal_args_check_os(c->args, c->device, os,
				err, sizeof(err));

			if ((ret == 0) != want[os])
				fprintf(stderr, "\n %s '%s' (%s): got %d %s\n",
					os == DP_EAL_WINDOWS ? "windows" :
					"linux", c->args, c->device, ret, err);
			CU_ASSERT_EQUAL(ret == 0, want[os]);
			if (ret != 0)
				CU_ASSERT_NOT_EQUAL(err[0], '\0');
		}
	}
}

/* The refusal names the option and the EAL that lacks it. */
static void
test_args_windows_refusal_says_why(void)
{
	char err[160] = "";

	CU_ASSERT_EQUAL(dp_eal_args_check_os("--file-prefix=wspdkx", "loop",
		DP_EAL_WINDOWS, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--file-prefix"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "Windows"));
	CU_ASSERT_EQUAL(dp_eal_args_check_os("--no-huge --match-allocations",
		"loop", DP_EAL_LINUX, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--no-huge"));
}

/* ---- eal_cpus ---- */

static void
conf_with_lcores(const uint16_t *list, unsigned int n)
{
	dp_conf_defaults(&conf);
	for (unsigned int i = 0; i < n; i++)
		conf.lcore_cpus[i] = list[i];
	conf.nb_lcores = n;
}

/* lcore_cpus for os on a machine of ncpu CPUs, the process allowed
 * allowed[0..na): want its return, and the CPU when it succeeds. */
static void
check_lcore_cpus(enum dp_eal_os os, unsigned int na, unsigned int ncpu,
		int want, unsigned int want_cpu)
{
	uint16_t cpus[DP_MAX_LCORES];
	unsigned int n = 0;
	char err[160] = "";
	int ret = dp_eal_lcore_cpus_os(&conf, os, allowed, na, ncpu, cpus,
		&n, err, sizeof(err));

	CU_ASSERT_EQUAL(ret, want);
	if (ret == 0 && n > 0)
		CU_ASSERT_EQUAL(cpus[0], want_cpu);
	if (ret != 0)
		CU_ASSERT_NOT_EQUAL(err[0], '\0');
}

/* Windows' EAL pins within the first 64 CPUs (one KAFFINITY): a worker
 * above them is refused, the default takes the last one below. */
static void
test_cpus_windows_pins_below_64(void)
{
	static const uint16_t c63[] = { 63 }, c64[] = { 64 };

	conf_with_lcores(c64, 1);
	check_lcore_cpus(DP_EAL_WINDOWS, cpus_every(0, 1, 128), 128,
		-EINVAL, 0);
	check_lcore_cpus(DP_EAL_LINUX, cpus_every(0, 1, 128), 128, 0, 64);
	conf_with_lcores(c63, 1);
	check_lcore_cpus(DP_EAL_WINDOWS, cpus_every(0, 1, 128), 128, 0, 63);
	conf_with_lcores(NULL, 0);
	check_lcore_cpus(DP_EAL_WINDOWS, cpus_every(0, 1, 128), 128, 0, 63);
	check_lcore_cpus(DP_EAL_LINUX, cpus_every(0, 1, 128), 128, 0, 127);
	/* A process whose CPUs are all above 63: nothing to pin to. */
	check_lcore_cpus(DP_EAL_WINDOWS, cpus_every(64, 1, 64), 128,
		-EINVAL, 0);
	check_lcore_cpus(DP_EAL_LINUX, cpus_every(64, 1, 64), 128, 0, 127);
}

/* Windows pins only inside the process's affinity; Linux may pin beyond
 * it (a taskset'd application thread, the lcore on another CPU). */
static void
test_cpus_windows_stays_in_the_affinity(void)
{
	static const uint16_t c3[] = { 3 };

	conf_with_lcores(c3, 1);
	check_lcore_cpus(DP_EAL_WINDOWS, cpus_every(0, 1, 2), 4, -EINVAL, 0);
	check_lcore_cpus(DP_EAL_LINUX, cpus_every(0, 1, 2), 4, 0, 3);
	/* A CPU the machine lacks is refused everywhere. */
	check_lcore_cpus(DP_EAL_LINUX, cpus_every(0, 1, 2), 2, -EINVAL, 0);
}

/* The main lcore's CPUs keep only those EAL can pin, in order. */
static void
test_cpus_usable_drops_what_eal_cannot_pin(void)
{
	unsigned int n = cpus_every(0, 2, 100);	/* 0, 2, ..., 198 */

	CU_ASSERT_EQUAL(dp_eal_cpus_usable(DP_EAL_LINUX, allowed, n), n);
	n = dp_eal_cpus_usable(DP_EAL_WINDOWS, allowed, n);
	CU_ASSERT_EQUAL(n, 32);
	CU_ASSERT_EQUAL(allowed[31], 62);
}

/* A prefix past /32 is refused, not shifted by a negative count. */
static void
test_conf_prefix_past_32_refused(void)
{
	struct dp_conf c;
	char err[160] = "";

	dp_conf_defaults(&c);
	c.ip4_prefix = 200;
	CU_ASSERT_EQUAL(dp_conf_check(&c, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "prefix"));
}

static const struct wt_test eal_lcores_tests[] = {
	WT_TEST(test_lcores_1024_cpus_are_one_range),
	WT_TEST(test_lcores_every_other_cpu_of_1024_is_whole),
	WT_TEST(test_lcores_sparse_list_mixes_ranges_and_singles),
	WT_TEST(test_lcores_single_cpu),
	WT_TEST(test_lcores_sixteen_workers_on_1024_cpus),
	WT_TEST(test_lcores_range_from_max_lcore_keeps_its_start),
	WT_TEST(test_lcores_without_cpus_is_null),
	WT_TEST_END
};

static const struct wt_suite eal_lcores_suite = {
	.name = "eal_lcores",
	.tests = eal_lcores_tests,
};

static const struct wt_test eal_argv_tests[] = {
	WT_TEST(test_argv_keeps_every_argument),
	WT_TEST(test_argv_full_fails_with_a_reason),
	WT_TEST(test_argv_without_allowed_cpus_fails),
	WT_TEST(test_argv_user_prefix_replaces_ours),
	WT_TEST_END
};

static const struct wt_suite eal_argv_suite = {
	.name = "eal_argv",
	.tests = eal_argv_tests,
};

static const struct wt_test eal_args_tests[] = {
	WT_TEST(test_args_each_eal_takes_its_own),
	WT_TEST(test_args_windows_refusal_says_why),
	WT_TEST_END
};

static const struct wt_suite eal_args_suite = {
	.name = "eal_args",
	.tests = eal_args_tests,
};

static const struct wt_test eal_cpus_tests[] = {
	WT_TEST(test_cpus_windows_pins_below_64),
	WT_TEST(test_cpus_windows_stays_in_the_affinity),
	WT_TEST(test_cpus_usable_drops_what_eal_cannot_pin),
	WT_TEST_END
};

static const struct wt_suite eal_cpus_suite = {
	.name = "eal_cpus",
	.tests = eal_cpus_tests,
};

static const struct wt_test conf_check_tests[] = {
	WT_TEST(test_conf_prefix_past_32_refused),
	WT_TEST_END
};

static const struct wt_suite conf_check_suite = {
	.name = "conf_check",
	.tests = conf_check_tests,
};

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = {
		&eal_lcores_suite,
		&eal_argv_suite,
		&eal_args_suite,
		&eal_cpus_suite,
		&conf_check_suite,
		NULL
	};

	return wt_run_suites(argc, argv, suites);
}
