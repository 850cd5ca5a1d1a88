/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which settings wsp_config_load applies, from fake OS stores: the OS
 * seam's settings and environment calls are defined here, so the real
 * configuration code runs on lists each case chooses, on Linux, as the
 * Windows DLL runs it on HKLM and HKCU\SOFTWARE\wspdk. No EAL, no
 * hugepages, no root.
 *
 * The rule (README, Configuration): machine-wide settings always apply;
 * per-user ones are read only when the machine's AllowUserSettings is 1,
 * and then fill only keys the machine left unset. The environment and
 * WSPDK_CONFIG still come after both.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "wsp_config.h"
#include "wsp_os.h"
#include "wt_run.h"

static const char *const none[] = { NULL };
static const char *const *fake_machine = none, *const *fake_user = none;
static const char *const *fake_env = none;
static unsigned int user_reads;

/* ---- the OS seam, faked ---- */

int
wsp_os_settings(enum wsp_os_scope scope, const char *const **list,
		const char **where)
{
	if (scope == WSP_OS_MACHINE) {
		*list = fake_machine;
		*where = "fake HKLM";
	} else {
		user_reads++;
		*list = fake_user;
		*where = "fake HKCU";
	}
	return 0;
}

const char *const *
wsp_environ(void)
{
	return fake_env;
}

const char *
wsp_getenv(const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; fake_env[i] != NULL; i++)
		if (strncmp(fake_env[i], name, len) == 0 &&
				fake_env[i][len] == '=')
			return fake_env[i] + len + 1;
	return NULL;
}

/* ---- helpers ---- */

static struct dp_conf conf;
static struct wsp_config_err cerr;

static int
load(const char *const *machine, const char *const *user)
{
	fake_machine = machine;
	fake_user = user;
	user_reads = 0;
	return wsp_config_load(&conf, &cerr);
}

static void
reset(void)
{
	fake_machine = none;
	fake_user = none;
	fake_env = none;
}

/* ---- cases ---- */

/* Without AllowUserSettings the user's store is not even read. */
static void
test_user_settings_ignored_unless_machine_allows(void)
{
	static const char *const machine[] = { "WSPDK_MBUFS=2047", NULL };
	static const char *const user[] = { "WSPDK_MBUFS=4095",
		"WSPDK_MTU=9000", "WSPDK_EAL_ARGS=--no-hpet", NULL };

	CU_ASSERT_EQUAL_FATAL(load(machine, user), 0);
	CU_ASSERT_EQUAL(conf.nb_mbufs, 2047);
	CU_ASSERT_EQUAL(conf.mtu, 1500);
	CU_ASSERT_STRING_EQUAL(conf.eal_args, "");
	CU_ASSERT_EQUAL(user_reads, 0);
}

/* AllowUserSettings=0 is the same as no value. */
static void
test_user_settings_ignored_when_allow_is_0(void)
{
	static const char *const machine[] = { "AllowUserSettings=0", NULL };
	static const char *const user[] = { "WSPDK_MTU=9000", NULL };

	CU_ASSERT_EQUAL_FATAL(load(machine, user), 0);
	CU_ASSERT_EQUAL(conf.mtu, 1500);
	CU_ASSERT_EQUAL(user_reads, 0);
}

/* Allowed: the user fills what the machine left unset, and the
 * machine's own values stand. */
static void
test_allowed_user_fills_gaps_and_machine_wins(void)
{
	static const char *const machine[] = { "AllowUserSettings=1",
		"WSPDK_MBUFS=2047", "WSPDK_EAL_ARGS=--no-hpet", NULL };
	static const char *const user[] = { "WSPDK_MBUFS=4095",
		"WSPDK_MTU=9000", "WSPDK_EAL_ARGS=--no-telemetry", NULL };

	CU_ASSERT_EQUAL_FATAL(load(machine, user), 0);
	CU_ASSERT_EQUAL(conf.nb_mbufs, 2047);
	CU_ASSERT_STRING_EQUAL(conf.eal_args, "--no-hpet");
	CU_ASSERT_EQUAL(conf.mtu, 9000);
	CU_ASSERT_EQUAL(user_reads, 1);
}

/* Registry value names ignore case, so ours do too. */
static void
test_allow_value_name_ignores_case(void)
{
	static const char *const machine[] = { "ALLOWUSERSETTINGS=1",
		NULL };
	static const char *const user[] = { "WSPDK_MTU=9000", NULL };

	CU_ASSERT_EQUAL_FATAL(load(machine, user), 0);
	CU_ASSERT_EQUAL(conf.mtu, 9000);
}

/* The user cannot allow himself: AllowUserSettings counts only in the
 * machine's store. */
static void
test_allow_in_the_user_store_does_nothing(void)
{
	static const char *const user[] = { "AllowUserSettings=1",
		"WSPDK_MTU=9000", NULL };

	CU_ASSERT_EQUAL_FATAL(load(none, user), 0);
	CU_ASSERT_EQUAL(conf.mtu, 1500);
	CU_ASSERT_EQUAL(user_reads, 0);
}

/* AllowUserSettings other than 0 or 1 is an error naming it, not a
 * silent guess either way. */
static void
test_allow_value_not_0_or_1_is_an_error(void)
{
	static const char *const machine[] = { "AllowUserSettings=yes",
		NULL };

	CU_ASSERT_EQUAL(load(machine, none), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(cerr.msg, "AllowUserSettings"));
	CU_ASSERT_PTR_NOT_NULL(strstr(cerr.msg, "fake HKLM"));
}

/* A bad user value, once allowed, fails naming the user's store. */
static void
test_allowed_bad_user_value_names_the_user_store(void)
{
	static const char *const machine[] = { "AllowUserSettings=1", NULL };
	static const char *const user[] = { "WSPDK_MTU=big", NULL };

	CU_ASSERT_EQUAL(load(machine, user), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(cerr.msg, "WSPDK_MTU"));
	CU_ASSERT_PTR_NOT_NULL(strstr(cerr.msg, "fake HKCU"));
}

/* Unchanged: the environment comes after both stores. */
static void
test_environment_still_wins_over_the_machine(void)
{
	static const char *const machine[] = { "WSPDK_MBUFS=2047", NULL };
	static const char *const env[] = { "WSPDK_MBUFS=4095", NULL };

	fake_env = env;
	CU_ASSERT_EQUAL_FATAL(load(machine, none), 0);
	CU_ASSERT_EQUAL(conf.nb_mbufs, 4095);
}

/* The policy's switches are WSPDK_* names but not provider keys: an
 * accelerated process with WSPDK_ACCELERATE=1 must still start. */
static void
test_policy_switches_are_not_unknown_keys(void)
{
	static const char *const env[] = { "WSPDK_ACCELERATE=1",
		"WSPDK_POLICY_FILE=/tmp/p.conf", NULL };

	fake_env = env;
	CU_ASSERT_EQUAL(load(none, none), 0);
}

/* WSPDK_LCORE_SLEEP_US and WSPDK_TCP_IDLE_RESTART: unset by default
 * (the engine reads 0 and 1), taken as given, and the latency profile
 * sets 0 unless they were set. */
static void
test_lcore_sleep_and_idle_restart_keys_and_latency_profile(void)
{
	static const char *const set[] = { "WSPDK_LCORE_SLEEP_US=50",
		"WSPDK_TCP_IDLE_RESTART=0", NULL };
	static const char *const latency[] = { "WSPDK_PROFILE=latency",
		NULL };
	static const char *const both[] = { "WSPDK_PROFILE=latency",
		"WSPDK_LCORE_SLEEP_US=50", "WSPDK_TCP_IDLE_RESTART=1", NULL };
	static const char *const bad[] = { "WSPDK_TCP_IDLE_RESTART=yes",
		NULL };

	CU_ASSERT_EQUAL_FATAL(load(none, none), 0);
	CU_ASSERT_EQUAL(conf.lcore_sleep_us, -1);
	CU_ASSERT_EQUAL(conf.tcp_idle_restart, -1);
	fake_env = set;
	CU_ASSERT_EQUAL_FATAL(load(none, none), 0);
	CU_ASSERT_EQUAL(conf.lcore_sleep_us, 50);
	CU_ASSERT_EQUAL(conf.tcp_idle_restart, 0);
	fake_env = latency;
	CU_ASSERT_EQUAL_FATAL(load(none, none), 0);
	CU_ASSERT_EQUAL(conf.lcore_sleep_us, 0);
	CU_ASSERT_EQUAL(conf.tcp_idle_restart, 0);
	fake_env = both;
	CU_ASSERT_EQUAL_FATAL(load(none, none), 0);
	CU_ASSERT_EQUAL(conf.lcore_sleep_us, 50);
	CU_ASSERT_EQUAL(conf.tcp_idle_restart, 1);
	fake_env = bad;
	CU_ASSERT_NOT_EQUAL(load(none, none), 0);
	fake_env = none;
}

static const struct wt_test tests[] = {
	WT_TEST(test_user_settings_ignored_unless_machine_allows),
	WT_TEST(test_user_settings_ignored_when_allow_is_0),
	WT_TEST(test_allowed_user_fills_gaps_and_machine_wins),
	WT_TEST(test_allow_value_name_ignores_case),
	WT_TEST(test_allow_in_the_user_store_does_nothing),
	WT_TEST(test_allow_value_not_0_or_1_is_an_error),
	WT_TEST(test_allowed_bad_user_value_names_the_user_store),
	WT_TEST(test_environment_still_wins_over_the_machine),
	WT_TEST(test_policy_switches_are_not_unknown_keys),
	WT_TEST(test_lcore_sleep_and_idle_restart_keys_and_latency_profile),
	WT_TEST_END
};

static const struct wt_suite suite = {
	.name = "wsp_config_precedence",
	.setup = reset,
	.teardown = reset,
	.tests = tests,
};

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = {
		&suite,
		NULL
	};

	return wt_run_suites(argc, argv, suites);
}
