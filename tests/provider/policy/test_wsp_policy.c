/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_wsp_policy.c: which processes wspdk accelerates (provider/
 * wsp_policy.[ch], format in wsp_policy.h). No root, no EAL.
 *
 * Suite "policy_rules": wsp_policy_decide over policy texts: every rule
 * kind, the defaults, WSPDK_ACCELERATE, path vs image-name matching.
 * Suite "policy_errors": every parse error's message and line, and the
 * bounds (long line, huge policy, NUL bytes): never accelerated.
 * Suite "policy_reader": wsp_policy_accelerated through the POSIX seam
 * (WSPDK_POLICY_FILE, /proc/self/exe): missing file, a file, unreadable.
 */
#include <CUnit/CUnit.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wsp_policy.h"
#include "wt_run.h"

#define APP	"/opt/trade/bin/app"
#define WHERE	"policy.conf"

static char why[512];

/* The verdict for APP (or image) under text and env (NULL: unset). */
static bool
decide_img(const char *text, const char *image, const char *env, bool icase)
{
	struct wsp_policy_in in = {
		.text = text, .len = text != NULL ? strlen(text) : 0,
		.where = WHERE, .image = image, .env = env, .icase = icase,
	};

	memset(why, 0x5a, sizeof(why));
	return wsp_policy_decide(&in, why, sizeof(why));
}

static bool
decide(const char *text, const char *env)
{
	return decide_img(text, APP, env, false);
}

#define WHY_IS(s)	CU_ASSERT_STRING_EQUAL(why, s)

/* ---- policy_rules ---- */

static void
test_no_policy_accelerates_unless_opted_out(void)
{
	CU_ASSERT_TRUE(decide(NULL, NULL));
	WHY_IS("accelerated: yes, no machine policy (policy.conf does not "
		"exist)");
	CU_ASSERT_TRUE(decide(NULL, "1"));
	WHY_IS("accelerated: yes, no machine policy (policy.conf does not "
		"exist), WSPDK_ACCELERATE=1");
	CU_ASSERT_TRUE(decide(NULL, ""));	/* set but empty: unset */
	CU_ASSERT_FALSE(decide(NULL, "0"));
	WHY_IS("accelerated: no, WSPDK_ACCELERATE=0 (a process may always "
		"opt out)");
}

static void
test_env_other_than_0_or_1_is_not_accelerated(void)
{
	CU_ASSERT_FALSE(decide(NULL, "yes"));
	WHY_IS("accelerated: no, WSPDK_ACCELERATE=\"yes\" is neither 0 nor 1");
	CU_ASSERT_FALSE(decide("default = allow\n", "01"));
}

static void
test_allow_lists_a_process(void)
{
	CU_ASSERT_TRUE(decide("# trading box\n\nallow " APP "\n", NULL));
	WHY_IS("accelerated: yes, " APP " listed in policy.conf:3");
	CU_ASSERT_FALSE(decide("allow /opt/other/app\n", NULL));
	WHY_IS("accelerated: no, " APP " not listed in policy.conf "
		"(default = deny)");
}

static void
test_default_deny_is_implicit_and_explicit(void)
{
	CU_ASSERT_FALSE(decide("", NULL));	/* empty policy: deny */
	CU_ASSERT_FALSE(decide("default = deny\n", NULL));
	WHY_IS("accelerated: no, " APP " not listed in policy.conf "
		"(default = deny)");
}

static void
test_default_allow_accelerates_unlisted(void)
{
	CU_ASSERT_TRUE(decide("default = allow\n", NULL));
	WHY_IS("accelerated: yes, " APP " not listed in policy.conf, whose "
		"line 1 says default = allow");
	CU_ASSERT_FALSE(decide("default=allow\n", "0"));
}

static void
test_deny_beats_allow_and_default(void)
{
	CU_ASSERT_FALSE(decide("default = allow\nallow app\ndeny " APP "\n",
		NULL));
	WHY_IS("accelerated: no, " APP " denied by policy.conf:3");
	CU_ASSERT_FALSE(decide("env_override = yes\ndeny app\n", "1"));
	WHY_IS("accelerated: no, " APP " denied by policy.conf:2 "
		"(WSPDK_ACCELERATE=1 cannot override a deny rule)");
}

static void
test_env_override_allowed_adds_process(void)
{
	CU_ASSERT_TRUE(decide("default = deny\nenv_override = yes\n", "1"));
	WHY_IS("accelerated: yes, WSPDK_ACCELERATE=1, which policy.conf:2 "
		"allows (env_override = yes)");
	CU_ASSERT_FALSE(decide("env_override = yes\n", NULL));
}

static void
test_env_override_forbidden_ignores_opt_in(void)
{
	static const char *const texts[] = {
		"default = deny\n", "env_override = no\n", "",
	};

	for (unsigned int i = 0; i < 3; i++) {
		CU_ASSERT_FALSE(decide(texts[i], "1"));
		WHY_IS("accelerated: no, " APP " not listed in policy.conf "
			"(default = deny), and WSPDK_ACCELERATE=1 is ignored: "
			"the policy does not say env_override = yes");
	}
}

static void
test_opt_out_always_allowed(void)
{
	CU_ASSERT_FALSE(decide("allow " APP "\n", "0"));
	WHY_IS("accelerated: no, WSPDK_ACCELERATE=0 (a process may always "
		"opt out)");
	CU_ASSERT_FALSE(decide("default = allow\nenv_override = no\n", "0"));
	CU_ASSERT_FALSE(decide("default = allow\nenv_override = yes\n",
		"0"));
}

static void
test_image_name_matches_last_component(void)
{
	CU_ASSERT_TRUE(decide("allow app\n", NULL));
	CU_ASSERT_FALSE(decide("allow ap\n", NULL));
	CU_ASSERT_FALSE(decide("allow trade\n", NULL));	/* a directory */
	CU_ASSERT_FALSE(decide("allow bin/app\n", NULL)); /* not full */
	CU_ASSERT_FALSE(decide("allow App\n", NULL));	/* Linux: case */
	/* Blanks around the pattern are not part of it; inside they are. */
	CU_ASSERT_TRUE(decide("  allow \t app \t\r\n", NULL));
	CU_ASSERT_TRUE(decide_img("allow my app\n", "/x/my app", NULL, false));
}

static void
test_full_path_matches_whole_path(void)
{
	CU_ASSERT_TRUE(decide("allow " APP "\n", NULL));
	CU_ASSERT_FALSE(decide("allow /opt/trade/bin/app2\n", NULL));
	CU_ASSERT_FALSE(decide("allow /opt/trade/bin\n", NULL));
	/* \ and / are one separator. */
	CU_ASSERT_TRUE(decide("allow \\opt\\trade\\bin\\app\n", NULL));
	/* No image path: no rule can match, the default decides. */
	CU_ASSERT_FALSE(decide_img("allow app\n", NULL, NULL, false));
	WHY_IS("accelerated: no, (image unknown) not listed in policy.conf "
		"(default = deny)");
	CU_ASSERT_TRUE(decide_img("default = allow\n", NULL, NULL, false));
}

static void
test_windows_matching_ignores_case_and_long_prefix(void)
{
	const char *img = "C:\\Program Files\\Trade\\App.EXE";

	CU_ASSERT_TRUE(decide_img("allow app.exe\n", img, NULL, true));
	CU_ASSERT_TRUE(decide_img("allow c:/program files/trade/app.exe\n",
		img, NULL, true));
	CU_ASSERT_TRUE(decide_img("allow C:\\Program Files\\Trade\\App.EXE\n",
		"\\\\?\\C:\\Program Files\\Trade\\App.EXE", NULL, true));
	CU_ASSERT_FALSE(decide_img("allow app\n", img, NULL, true));
	CU_ASSERT_FALSE(decide_img("allow app.exe\n", img, NULL, false));
}

static void
test_first_matching_line_is_named(void)
{
	CU_ASSERT_TRUE(decide("allow app\nallow " APP "\n", NULL));
	WHY_IS("accelerated: yes, " APP " listed in policy.conf:1");
	CU_ASSERT_TRUE(decide("default = allow\r\nallow other\r\n", NULL));
}

/* A file name may hold any byte but / and NUL: the reason stays one
 * line (found by fuzz_policy). */
static void
test_reason_is_one_line_whatever_the_path(void)
{
	CU_ASSERT_FALSE(decide_img("default = deny\n", "/tmp/a\nb\x1b[2J",
		"1\n", false));
	WHY_IS("accelerated: no, WSPDK_ACCELERATE=\"1?\" is neither 0 nor 1");
	CU_ASSERT_FALSE(decide_img("default = deny\n", "/tmp/a\nb\x1b[2J",
		NULL, false));
	WHY_IS("accelerated: no, /tmp/a?b?[2J not listed in policy.conf "
		"(default = deny)");
}

/* README's example, verbatim: what users copy must parse. */
static void
test_readme_example_is_valid(void)
{
	static const char text[] =
		"# processes no rule names: allow or deny (deny if absent)\n"
		"default = deny\n"
		"# may WSPDK_ACCELERATE=1 add a process? yes or no (no if "
		"absent)\n"
		"env_override = no\n"
		"# a full path (it has a / or \\), or an image name (the "
		"path's last part)\n"
		"allow C:\\Trade\\bin\\trade.exe\n"
		"allow risk.exe\n"
		"# deny beats allow, and WSPDK_ACCELERATE=1 cannot override it\n"
		"deny updater.exe\n";

	CU_ASSERT_TRUE(decide_img(text, "C:\\Trade\\bin\\TRADE.exe", NULL,
		true));
	WHY_IS("accelerated: yes, C:\\Trade\\bin\\TRADE.exe listed in "
		"policy.conf:6");
	CU_ASSERT_FALSE(decide_img(text, "C:\\Windows\\updater.exe", "1",
		true));
}

/* ---- policy_errors ---- */

static void
expect_error(const char *text, size_t len, const char *msg)
{
	struct wsp_policy_in in = {
		.text = text, .len = len, .where = WHERE, .image = APP,
		.env = "1",
	};
	char want[512], err[256];

	snprintf(want, sizeof(want), "accelerated: no, %s (the policy is "
		"broken: the OS provider serves this process)", msg);
	CU_ASSERT_FALSE(wsp_policy_decide(&in, why, sizeof(why)));
	CU_ASSERT_STRING_EQUAL(why, want);
	CU_ASSERT_FALSE(wsp_policy_check(text, len, WHERE, err, sizeof(err)));
	CU_ASSERT_STRING_EQUAL(err, msg);
}

static void
test_error_unknown_rule(void)
{
	const char *t = "default = allow\nallow app\nalow app\n";

	expect_error(t, strlen(t), "policy.conf:3: unknown rule \"alow\": "
		"expected allow, deny, default = or env_override =");
	t = "Allow app\n";	/* keywords are lower case */
	expect_error(t, strlen(t), "policy.conf:1: unknown rule \"Allow\": "
		"expected allow, deny, default = or env_override =");
}

static void
test_error_rule_without_pattern(void)
{
	expect_error("allow\n", 6, "policy.conf:1: expected a full path or "
		"an image name after \"allow \"");
	expect_error("\ndeny   \n", 9, "policy.conf:2: expected a full path "
		"or an image name after \"deny \"");
	expect_error("allow=app", 9, "policy.conf:1: expected a full path or "
		"an image name after \"allow \"");
}

static void
test_error_setting_syntax(void)
{
	expect_error("default allow\n", 14, "policy.conf:1: expected "
		"\"default = allow\" or \"default = deny\"");
	expect_error("default =\n", 10, "policy.conf:1: default is \"allow\" "
		"or \"deny\", not \"\"");
	expect_error("default = yes\n", 14, "policy.conf:1: default is "
		"\"allow\" or \"deny\", not \"yes\"");
	expect_error("env_override = allow", 20, "policy.conf:1: "
		"env_override is \"yes\" or \"no\", not \"allow\"");
	expect_error("env_override\n", 13, "policy.conf:1: expected "
		"\"env_override = yes\" or \"env_override = no\"");
}

static void
test_error_setting_twice(void)
{
	expect_error("default = deny\n#\ndefault = allow\n", 33,
		"policy.conf:3: default set twice (first on line 1)");
	expect_error("env_override = no\nenv_override = no\n", 36,
		"policy.conf:2: env_override set twice (first on line 1)");
}

static void
test_error_after_a_match_still_breaks_policy(void)
{
	const char *t = "allow app\ndefault = maybe\n";

	expect_error(t, strlen(t), "policy.conf:2: default is \"allow\" or "
		"\"deny\", not \"maybe\"");
}

static void
test_error_nul_and_control_bytes(void)
{
	static const char nul[] = "allow app\nallow a\0pp\n";
	static const char ctl[] = "allow \x1b[0mapp\n";

	expect_error(nul, sizeof(nul) - 1, "policy.conf:2: NUL byte at "
		"column 8");
	expect_error(ctl, sizeof(ctl) - 1, "policy.conf:1: control character "
		"0x1b at column 7");
	expect_error("\x7f", 1, "policy.conf:1: control character 0x7f at "
		"column 1");
}

static void
test_error_long_line_is_bounded(void)
{
	size_t len = 6 + WSP_POLICY_LINE_MAX;
	char *t = malloc(len + 1);
	char msg[96];

	CU_ASSERT_FATAL(t != NULL);
	memcpy(t, "allow ", 6);
	memset(t + 6, 'a', len - 6);
	t[len] = '\n';
	snprintf(msg, sizeof(msg), "policy.conf:1: line longer than %u bytes",
		WSP_POLICY_LINE_MAX);
	expect_error(t, len + 1, msg);
	/* The longest line is fine. */
	CU_ASSERT_TRUE(wsp_policy_check(t, WSP_POLICY_LINE_MAX, WHERE, msg,
		sizeof(msg)));
	CU_ASSERT_STRING_EQUAL(msg, "");
	free(t);
}

static void
test_error_huge_policy_is_bounded(void)
{
	size_t len = WSP_POLICY_MAX_BYTES + 1;
	char *t = malloc(len);
	char msg[96];

	CU_ASSERT_FATAL(t != NULL);
	memset(t, '\n', len);	/* valid lines, too many bytes */
	snprintf(msg, sizeof(msg), "policy.conf: larger than %u bytes",
		WSP_POLICY_MAX_BYTES);
	expect_error(t, len, msg);
	CU_ASSERT_TRUE(wsp_policy_check(t, len - 1, WHERE, msg, sizeof(msg)));
	free(t);
}

static void
test_why_is_cut_to_its_buffer(void)
{
	struct wsp_policy_in in = { .where = WHERE, .image = APP };
	char small[16];

	memset(small, 0x5a, sizeof(small));
	CU_ASSERT_TRUE(wsp_policy_decide(&in, small, sizeof(small)));
	CU_ASSERT_STRING_EQUAL(small, "accelerated: ye");
	CU_ASSERT_TRUE(wsp_policy_decide(&in, NULL, 0));
}

/* ---- policy_reader ---- */

static char file[64];

static int
reader_init(void)
{
	int fd;

	snprintf(file, sizeof(file), "/tmp/wspdk-policy-test-XXXXXX");
	fd = mkstemp(file);
	if (fd < 0)
		return -1;
	close(fd);
	unlink(file);
	return setenv("WSPDK_POLICY_FILE", file, 1);
}

static int
reader_clean(void)
{
	unlink(file);
	unsetenv("WSPDK_POLICY_FILE");
	unsetenv("WSPDK_ACCELERATE");
	return 0;
}

static void
write_file(const char *text)
{
	FILE *f = fopen(file, "w");

	CU_ASSERT_FATAL(f != NULL);
	fputs(text, f);
	fclose(f);
}

static void
test_reader_missing_file_is_no_policy(void)
{
	char want[256];

	unlink(file);
	unsetenv("WSPDK_ACCELERATE");
	CU_ASSERT_TRUE(wsp_policy_accelerated(why, sizeof(why)));
	snprintf(want, sizeof(want), "accelerated: yes, no machine policy "
		"(%s does not exist)", file);
	WHY_IS(want);
	setenv("WSPDK_ACCELERATE", "0", 1);
	CU_ASSERT_FALSE(wsp_policy_accelerated(why, sizeof(why)));
	unsetenv("WSPDK_ACCELERATE");
}

/* The image is this test binary, by /proc/self/exe. */
static void
test_reader_matches_own_image(void)
{
	char exe[4096], text[4200], want[8400];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	CU_ASSERT_FATAL(n > 0);
	exe[n] = '\0';
	snprintf(text, sizeof(text), "default = deny\nallow %s\n", exe);
	write_file(text);
	CU_ASSERT_TRUE(wsp_policy_accelerated(why, sizeof(why)));
	snprintf(want, sizeof(want), "accelerated: yes, %s listed in %s:2",
		exe, file);
	WHY_IS(want);
	write_file("allow test_wsp_policy\n");
	CU_ASSERT_TRUE(wsp_policy_accelerated(why, sizeof(why)));
	write_file("deny test_wsp_policy\n");
	CU_ASSERT_FALSE(wsp_policy_accelerated(why, sizeof(why)));
	write_file("");
	CU_ASSERT_FALSE(wsp_policy_accelerated(why, sizeof(why)));
}

static void
test_reader_broken_file_is_not_accelerated(void)
{
	char want[512];

	write_file("allow test_wsp_policy\nenv_override maybe\n");
	setenv("WSPDK_ACCELERATE", "1", 1);
	CU_ASSERT_FALSE(wsp_policy_accelerated(why, sizeof(why)));
	unsetenv("WSPDK_ACCELERATE");
	snprintf(want, sizeof(want), "accelerated: no, %s:2: expected "
		"\"env_override = yes\" or \"env_override = no\" (the policy "
		"is broken: the OS provider serves this process)", file);
	WHY_IS(want);
}

static void
test_reader_huge_file_is_refused(void)
{
	FILE *f = fopen(file, "w");

	CU_ASSERT_FATAL(f != NULL);
	for (unsigned int i = 0; i < WSP_POLICY_MAX_BYTES / 8 + 1; i++)
		fputs("# ......\n", f);
	fclose(f);
	CU_ASSERT_FALSE(wsp_policy_accelerated(why, sizeof(why)));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, ": larger than"));
}

static void
test_reader_unreadable_file_is_not_accelerated(void)
{
	char want[256];

	/* A directory opens but does not read. */
	CU_ASSERT_FATAL(setenv("WSPDK_POLICY_FILE", "/tmp", 1) == 0);
	CU_ASSERT_FALSE(wsp_policy_accelerated(why, sizeof(why)));
	snprintf(want, sizeof(want), "accelerated: no, /tmp: cannot read: "
		"%s (the OS provider serves this process)", strerror(EISDIR));
	WHY_IS(want);
	CU_ASSERT_FATAL(setenv("WSPDK_POLICY_FILE", file, 1) == 0);
}

static const struct wt_test rule_tests[] = {
	WT_TEST(test_no_policy_accelerates_unless_opted_out),
	WT_TEST(test_env_other_than_0_or_1_is_not_accelerated),
	WT_TEST(test_allow_lists_a_process),
	WT_TEST(test_default_deny_is_implicit_and_explicit),
	WT_TEST(test_default_allow_accelerates_unlisted),
	WT_TEST(test_deny_beats_allow_and_default),
	WT_TEST(test_env_override_allowed_adds_process),
	WT_TEST(test_env_override_forbidden_ignores_opt_in),
	WT_TEST(test_opt_out_always_allowed),
	WT_TEST(test_image_name_matches_last_component),
	WT_TEST(test_full_path_matches_whole_path),
	WT_TEST(test_windows_matching_ignores_case_and_long_prefix),
	WT_TEST(test_first_matching_line_is_named),
	WT_TEST(test_reason_is_one_line_whatever_the_path),
	WT_TEST(test_readme_example_is_valid),
	WT_TEST_END
};

static const struct wt_test error_tests[] = {
	WT_TEST(test_error_unknown_rule),
	WT_TEST(test_error_rule_without_pattern),
	WT_TEST(test_error_setting_syntax),
	WT_TEST(test_error_setting_twice),
	WT_TEST(test_error_after_a_match_still_breaks_policy),
	WT_TEST(test_error_nul_and_control_bytes),
	WT_TEST(test_error_long_line_is_bounded),
	WT_TEST(test_error_huge_policy_is_bounded),
	WT_TEST(test_why_is_cut_to_its_buffer),
	WT_TEST_END
};

static const struct wt_test reader_tests[] = {
	WT_TEST(test_reader_missing_file_is_no_policy),
	WT_TEST(test_reader_matches_own_image),
	WT_TEST(test_reader_broken_file_is_not_accelerated),
	WT_TEST(test_reader_huge_file_is_refused),
	WT_TEST(test_reader_unreadable_file_is_not_accelerated),
	WT_TEST_END
};

static const struct wt_suite rule_suite = {
	.name = "policy_rules", .tests = rule_tests,
};
static const struct wt_suite error_suite = {
	.name = "policy_errors", .tests = error_tests,
};
static const struct wt_suite reader_suite = {
	.name = "policy_reader", .init = reader_init, .clean = reader_clean,
	.tests = reader_tests,
};

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = {
		&rule_suite, &error_suite, &reader_suite, NULL
	};

	return wt_run_suites(argc, argv, suites);
}
