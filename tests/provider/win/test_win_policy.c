/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_win_policy.c: the exact registry writes of wspdk-install's policy
 * part (provider/win/wsp_install_policy.c), on Linux, over a fake HKLM
 * that records every write the real one (wsp_install_reg.c) would make.
 *
 * Suite "win_policy_install": install writes a default-deny policy and
 * records what it created; uninstall removes exactly that and leaves the
 * machine as it found it (an existing policy, settings added since, an
 * install cut short).
 * Suite "win_policy_edit": --policy-add/-remove/-default/-list.
 */
#include <CUnit/CUnit.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "wsp_policy.h"
#include "win/wsp_install_policy.h"
#include "wt_run.h"

#define MAX_KEYS	8
#define MAX_VALUES	8
#define MAX_LINES	16
#define MAX_LOG		32
#define TEXT_MAX	(WSP_POLICY_LINE_MAX + 64)

#define PARENT	WSP_POL_PARENT
#define POLICY	WSP_POL_KEY

struct fvalue {
	char name[32];
	bool multi;
	char lines[MAX_LINES][TEXT_MAX];
	unsigned int n;
	uint32_t dword;
};

struct fkey {
	char name[64];
	struct fvalue v[MAX_VALUES];
	unsigned int nv;
};

/* The fake HKLM: its keys, the writes made to it, a write to fail. */
static struct {
	struct fkey k[MAX_KEYS];
	unsigned int nk;
	char log[MAX_LOG][TEXT_MAX * 2];
	unsigned int nlog;
	unsigned int fail_write;	/* 1-based; 0: none */
} reg;

static struct fkey *
fkey(const char *name)
{
	for (unsigned int i = 0; i < reg.nk; i++)
		if (strcmp(reg.k[i].name, name) == 0)
			return &reg.k[i];
	return NULL;
}

static struct fvalue *
fvalue(struct fkey *k, const char *name, bool make)
{
	if (k == NULL)
		return NULL;
	for (unsigned int i = 0; i < k->nv; i++)
		if (strcmp(k->v[i].name, name) == 0)
			return &k->v[i];
	if (!make || k->nv == MAX_VALUES)
		return NULL;
	memset(&k->v[k->nv], 0, sizeof(k->v[0]));
	snprintf(k->v[k->nv].name, sizeof(k->v[0].name), "%s", name);
	return &k->v[k->nv++];
}

/* Logs one write; -1 when it is the one to fail. */
static int
record(const char *fmt, ...)
{
	va_list ap;

	CU_ASSERT_FATAL(reg.nlog < MAX_LOG);
	va_start(ap, fmt);
	vsnprintf(reg.log[reg.nlog], sizeof(reg.log[0]), fmt, ap);
	va_end(ap);
	reg.nlog++;
	return reg.nlog == reg.fail_write ? -1 : 0;
}

static int
f_key_exists(void *ctx, const char *key)
{
	(void)ctx;
	return fkey(key) != NULL ? 0 : 1;
}

static int
f_key_empty(void *ctx, const char *key)
{
	struct fkey *k = fkey(key);
	size_t len = strlen(key);

	(void)ctx;
	if (k == NULL || k->nv > 0)
		return k == NULL ? 0 : 1;
	for (unsigned int i = 0; i < reg.nk; i++)
		if (strncmp(reg.k[i].name, key, len) == 0 &&
				reg.k[i].name[len] == '\\')
			return 1;
	return 0;
}

static void
make_key(const char *key)
{
	if (fkey(key) != NULL)
		return;
	CU_ASSERT_FATAL(reg.nk < MAX_KEYS);
	memset(&reg.k[reg.nk], 0, sizeof(reg.k[0]));
	snprintf(reg.k[reg.nk].name, sizeof(reg.k[0].name), "%s", key);
	reg.nk++;
}

/* RegCreateKeyEx makes the missing keys above it too. */
static int
f_create_key(void *ctx, const char *key)
{
	char up[64];

	(void)ctx;
	if (record("create %s", key) != 0)
		return -1;
	snprintf(up, sizeof(up), "%s", key);
	for (char *s = up; (s = strchr(s, '\\')) != NULL; s++) {
		*s = '\0';
		make_key(up);
		*s = '\\';
	}
	make_key(key);
	return 0;
}

static int
f_delete_key(void *ctx, const char *key)
{
	size_t len = strlen(key);
	unsigned int k = 0;

	(void)ctx;
	if (record("delete %s", key) != 0)
		return -1;
	for (unsigned int i = 0; i < reg.nk; i++)
		if (strcmp(reg.k[i].name, key) != 0 &&
				!(strncmp(reg.k[i].name, key, len) == 0 &&
				reg.k[i].name[len] == '\\'))
			reg.k[k++] = reg.k[i];
	reg.nk = k;
	return 0;
}

static int
f_get_lines(void *ctx, const char *key, const char *name, char ***lines,
		unsigned int *n)
{
	struct fvalue *v = fvalue(fkey(key), name, false);
	char **arr;

	(void)ctx;
	if (v == NULL || !v->multi)
		return 1;
	arr = malloc((v->n + 1) * sizeof(*arr) + v->n * TEXT_MAX);
	CU_ASSERT_FATAL(arr != NULL);
	for (unsigned int i = 0; i < v->n; i++) {
		arr[i] = (char *)(arr + v->n + 1) + i * TEXT_MAX;
		strcpy(arr[i], v->lines[i]);
	}
	arr[v->n] = NULL;
	*lines = arr;
	*n = v->n;
	return 0;
}

static int
f_set_lines(void *ctx, const char *key, const char *name,
		const char *const *lines, unsigned int n)
{
	char text[MAX_LINES * TEXT_MAX / 4] = "";
	struct fvalue *v;

	(void)ctx;
	CU_ASSERT_FATAL(n <= MAX_LINES);
	for (unsigned int i = 0; i < n; i++) {
		strncat(text, i > 0 ? "|" : "", sizeof(text) - strlen(text) - 1);
		strncat(text, lines[i], sizeof(text) - strlen(text) - 1);
	}
	if (record("set %s %s = [%s]", key, name, text) != 0)
		return -1;
	v = fvalue(fkey(key), name, true);
	CU_ASSERT_FATAL(v != NULL);
	v->multi = true;
	v->n = n;
	for (unsigned int i = 0; i < n; i++)
		snprintf(v->lines[i], TEXT_MAX, "%s", lines[i]);
	return 0;
}

static int
f_get_dword(void *ctx, const char *key, const char *name, uint32_t *d)
{
	struct fvalue *v = fvalue(fkey(key), name, false);

	(void)ctx;
	if (v == NULL || v->multi)
		return 1;
	*d = v->dword;
	return 0;
}

static int
f_set_dword(void *ctx, const char *key, const char *name, uint32_t d)
{
	struct fvalue *v;

	(void)ctx;
	if (record("set %s %s = 0x%x", key, name, d) != 0)
		return -1;
	v = fvalue(fkey(key), name, true);
	CU_ASSERT_FATAL(v != NULL);
	v->multi = false;
	v->dword = d;
	return 0;
}

static const struct wsp_reg fake = {
	.key_exists = f_key_exists,
	.key_empty = f_key_empty,
	.create_key = f_create_key,
	.delete_key = f_delete_key,
	.get_lines = f_get_lines,
	.set_lines = f_set_lines,
	.get_dword = f_get_dword,
	.set_dword = f_set_dword,
};

/* The whole fake registry as text, to compare before and after. */
static void
dump(char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < reg.nk; i++) {
		off += (size_t)snprintf(buf + off, len - off, "[%s]",
			reg.k[i].name);
		for (unsigned int j = 0; j < reg.k[i].nv; j++)
			off += (size_t)snprintf(buf + off, len - off, " %s",
				reg.k[i].v[j].name);
	}
}

/* A machine without wspdk: HKLM\SOFTWARE and nothing of ours. */
static void
reset(void)
{
	memset(&reg, 0, sizeof(reg));
	make_key("SOFTWARE");
}

/* The writes since the last call are exactly these (NULL-terminated). */
static void
expect_writes(const char *first, ...)
{
	const char *w = first;
	unsigned int i = 0;
	va_list ap;

	va_start(ap, first);
	for (; w != NULL; w = va_arg(ap, const char *), i++) {
		CU_ASSERT(i < reg.nlog);
		if (i < reg.nlog)
			CU_ASSERT_STRING_EQUAL(reg.log[i], w);
	}
	va_end(ap);
	CU_ASSERT_EQUAL(reg.nlog, i);
	reg.nlog = 0;
}

#define NO_WRITES()	expect_writes(NULL)

static FILE *out;

static int
suite_init(void)
{
	out = fopen("/dev/null", "w");
	return out != NULL ? 0 : -1;
}

static int
suite_clean(void)
{
	fclose(out);
	return 0;
}

/* ---- win_policy_install ---- */

static void
test_install_on_clean_machine_writes_default_deny(void)
{
	reset();
	CU_ASSERT_EQUAL(wsp_pol_install(&fake, out), 0);
	expect_writes("create " PARENT,
		"create " POLICY,
		"set " POLICY " CreatedByInstall = 0x3",
		"set " POLICY " Rules = [default = deny|env_override = no]",
		NULL);
}

static void
test_uninstall_restores_clean_machine(void)
{
	char before[512], after[512];

	reset();
	dump(before, sizeof(before));
	CU_ASSERT_EQUAL(wsp_pol_install(&fake, out), 0);
	CU_ASSERT_EQUAL(wsp_pol_add(&fake, "trade.exe", out), 0);
	reg.nlog = 0;
	CU_ASSERT_EQUAL(wsp_pol_uninstall(&fake, out), 0);
	expect_writes("delete " POLICY, "delete " PARENT, NULL);
	dump(after, sizeof(after));
	CU_ASSERT_STRING_EQUAL(after, before);
	/* Twice: nothing left to do. */
	CU_ASSERT_EQUAL(wsp_pol_uninstall(&fake, out), 0);
	NO_WRITES();
}

static void
test_uninstall_keeps_parent_that_existed(void)
{
	char before[512], after[512];

	reset();
	make_key(PARENT);
	fvalue(fkey(PARENT), "WSPDK_DEVICE", true);
	dump(before, sizeof(before));
	CU_ASSERT_EQUAL(wsp_pol_install(&fake, out), 0);
	expect_writes("create " POLICY,
		"set " POLICY " CreatedByInstall = 0x1",
		"set " POLICY " Rules = [default = deny|env_override = no]",
		NULL);
	CU_ASSERT_EQUAL(wsp_pol_uninstall(&fake, out), 0);
	expect_writes("delete " POLICY, NULL);
	dump(after, sizeof(after));
	CU_ASSERT_STRING_EQUAL(after, before);
}

static void
test_uninstall_keeps_parent_with_settings_added_since(void)
{
	reset();
	CU_ASSERT_EQUAL(wsp_pol_install(&fake, out), 0);
	fvalue(fkey(PARENT), "WSPDK_DEVICE", true);	/* the admin's */
	reg.nlog = 0;
	CU_ASSERT_EQUAL(wsp_pol_uninstall(&fake, out), 0);
	expect_writes("delete " POLICY, NULL);
	CU_ASSERT_PTR_NOT_NULL(fkey(PARENT));
}

static void
test_install_keeps_existing_policy(void)
{
	char before[512], after[512];

	reset();
	CU_ASSERT_EQUAL(wsp_pol_add(&fake, "trade.exe", out), 0);
	expect_writes("create " POLICY,
		"set " POLICY " Rules = [default = deny|allow trade.exe]",
		NULL);
	dump(before, sizeof(before));
	CU_ASSERT_EQUAL(wsp_pol_install(&fake, out), 0);
	NO_WRITES();
	CU_ASSERT_EQUAL(wsp_pol_uninstall(&fake, out), 0);
	NO_WRITES();
	dump(after, sizeof(after));
	CU_ASSERT_STRING_EQUAL(after, before);
}

static void
test_reinstall_writes_nothing(void)
{
	reset();
	CU_ASSERT_EQUAL(wsp_pol_install(&fake, out), 0);
	reg.nlog = 0;
	CU_ASSERT_EQUAL(wsp_pol_install(&fake, out), 0);
	NO_WRITES();
}

/* Every write of install failing in turn: it undoes itself. */
static void
test_install_cut_short_undoes_itself(void)
{
	char before[512], after[512];

	for (unsigned int n = 1; n <= 4; n++) {
		reset();
		dump(before, sizeof(before));
		reg.fail_write = n;
		CU_ASSERT_EQUAL(wsp_pol_install(&fake, out), -1);
		reg.fail_write = 0;
		dump(after, sizeof(after));
		CU_ASSERT_STRING_EQUAL(after, before);
		reg.nlog = 0;
		CU_ASSERT_EQUAL(wsp_pol_uninstall(&fake, out), 0);
		NO_WRITES();
	}
	/* Its last write failing: the exact undo. */
	reset();
	reg.fail_write = 4;
	CU_ASSERT_EQUAL(wsp_pol_install(&fake, out), -1);
	expect_writes("create " PARENT,
		"create " POLICY,
		"set " POLICY " CreatedByInstall = 0x3",
		"set " POLICY " Rules = [default = deny|env_override = no]",
		"delete " POLICY,
		"delete " PARENT,
		NULL);
}

/* ---- win_policy_edit ---- */

static void
installed(void)
{
	reset();
	CU_ASSERT_EQUAL(wsp_pol_install(&fake, out), 0);
	reg.nlog = 0;
}

static void
test_add_appends_allow_rule_once(void)
{
	installed();
	CU_ASSERT_EQUAL(wsp_pol_add(&fake, "C:\\Trade\\bin\\trade.exe", out),
		0);
	expect_writes("set " POLICY " Rules = [default = deny|"
		"env_override = no|allow C:\\Trade\\bin\\trade.exe]", NULL);
	/* Windows' sameness: case and separators do not count. */
	CU_ASSERT_EQUAL(wsp_pol_add(&fake, "c:/trade/BIN/trade.exe", out), 0);
	NO_WRITES();
	CU_ASSERT_EQUAL(wsp_pol_add(&fake, "risk.exe", out), 0);
	expect_writes("set " POLICY " Rules = [default = deny|"
		"env_override = no|allow C:\\Trade\\bin\\trade.exe|"
		"allow risk.exe]", NULL);
}

static void
test_add_refuses_what_would_break_policy(void)
{
	char *longname = malloc(WSP_POLICY_LINE_MAX + 1);

	CU_ASSERT_FATAL(longname != NULL);
	memset(longname, 'a', WSP_POLICY_LINE_MAX);
	longname[WSP_POLICY_LINE_MAX] = '\0';
	installed();
	CU_ASSERT_EQUAL(wsp_pol_add(&fake, "", out), -1);
	CU_ASSERT_EQUAL(wsp_pol_add(&fake, " app.exe", out), -1);
	CU_ASSERT_EQUAL(wsp_pol_add(&fake, "app.exe\t", out), -1);
	CU_ASSERT_EQUAL(wsp_pol_add(&fake, "app\x01.exe", out), -1);
	CU_ASSERT_EQUAL(wsp_pol_add(&fake, longname, out), -1);
	NO_WRITES();
	free(longname);
}

static void
test_add_refuses_broken_policy(void)
{
	static const char *const broken[] = { "default = maybe" };

	installed();
	CU_ASSERT_EQUAL(f_set_lines(NULL, POLICY, "Rules", broken, 1), 0);
	reg.nlog = 0;
	CU_ASSERT_EQUAL(wsp_pol_add(&fake, "app.exe", out), -1);
	NO_WRITES();
	/* --policy-default repairs it. */
	CU_ASSERT_EQUAL(wsp_pol_default(&fake, "deny", out), 0);
	expect_writes("set " POLICY " Rules = [default = deny]", NULL);
}

static void
test_remove_drops_allow_and_deny_rules(void)
{
	installed();
	CU_ASSERT_EQUAL(wsp_pol_add(&fake, "a.exe", out), 0);
	CU_ASSERT_EQUAL(wsp_pol_add(&fake, "b.exe", out), 0);
	fvalue(fkey(POLICY), "Rules", false)->n++;
	strcpy(fvalue(fkey(POLICY), "Rules", false)->lines[4], "deny A.EXE");
	reg.nlog = 0;
	CU_ASSERT_EQUAL(wsp_pol_remove(&fake, "a.exe", out), 0);
	expect_writes("set " POLICY " Rules = [default = deny|"
		"env_override = no|allow b.exe]", NULL);
	CU_ASSERT_EQUAL(wsp_pol_remove(&fake, "a.exe", out), 1);
	CU_ASSERT_EQUAL(wsp_pol_remove(&fake, "default", out), 1);
	NO_WRITES();
	reset();
	CU_ASSERT_EQUAL(wsp_pol_remove(&fake, "a.exe", out), 1);
	NO_WRITES();
}

static void
test_default_replaces_or_inserts(void)
{
	static const char *const two[] = {
		"allow a.exe", "default = deny", "default = allow",
	};

	installed();
	CU_ASSERT_EQUAL(wsp_pol_default(&fake, "allow", out), 0);
	expect_writes("set " POLICY " Rules = [default = allow|"
		"env_override = no]", NULL);
	CU_ASSERT_EQUAL(wsp_pol_default(&fake, "maybe", out), -1);
	NO_WRITES();
	CU_ASSERT_EQUAL(f_set_lines(NULL, POLICY, "Rules", two, 3), 0);
	reg.nlog = 0;
	CU_ASSERT_EQUAL(wsp_pol_default(&fake, "deny", out), 0);
	expect_writes("set " POLICY " Rules = [allow a.exe|default = deny]",
		NULL);
	/* No policy: it makes one, not recorded as install's. */
	reset();
	CU_ASSERT_EQUAL(wsp_pol_default(&fake, "allow", out), 0);
	expect_writes("create " POLICY,
		"set " POLICY " Rules = [default = allow]", NULL);
	CU_ASSERT_EQUAL(wsp_pol_uninstall(&fake, out), 0);
	NO_WRITES();
}

static void
test_list_shows_rules_and_origin(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	installed();
	CU_ASSERT_EQUAL(wsp_pol_add(&fake, "trade.exe", out), 0);
	f = open_memstream(&text, &len);
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT_EQUAL(wsp_pol_list(&fake, f), 0);
	fclose(f);
	CU_ASSERT_STRING_EQUAL(text,
		"Policy HKLM\\SOFTWARE\\wspdk\\Policy\\Rules (3 rules):\n"
		"    1  default = deny\n"
		"    2  env_override = no\n"
		"    3  allow trade.exe\n"
		"Policy created by wspdk-install: --uninstall removes it\n");
	free(text);
	reset();
	f = open_memstream(&text, &len);
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT_EQUAL(wsp_pol_list(&fake, f), 0);
	fclose(f);
	CU_ASSERT_STRING_EQUAL(text, "Policy: none (no HKLM\\SOFTWARE\\wspdk"
		"\\Policy\\Rules): every 64-bit program wspdk serves is "
		"accelerated\n");
	free(text);
	NO_WRITES();
}

static const struct wt_test install_tests[] = {
	WT_TEST(test_install_on_clean_machine_writes_default_deny),
	WT_TEST(test_uninstall_restores_clean_machine),
	WT_TEST(test_uninstall_keeps_parent_that_existed),
	WT_TEST(test_uninstall_keeps_parent_with_settings_added_since),
	WT_TEST(test_install_keeps_existing_policy),
	WT_TEST(test_reinstall_writes_nothing),
	WT_TEST(test_install_cut_short_undoes_itself),
	WT_TEST_END
};

static const struct wt_test edit_tests[] = {
	WT_TEST(test_add_appends_allow_rule_once),
	WT_TEST(test_add_refuses_what_would_break_policy),
	WT_TEST(test_add_refuses_broken_policy),
	WT_TEST(test_remove_drops_allow_and_deny_rules),
	WT_TEST(test_default_replaces_or_inserts),
	WT_TEST(test_list_shows_rules_and_origin),
	WT_TEST_END
};

static const struct wt_suite install_suite = {
	.name = "win_policy_install", .init = suite_init,
	.clean = suite_clean, .tests = install_tests,
};
static const struct wt_suite edit_suite = {
	.name = "win_policy_edit", .init = suite_init, .clean = suite_clean,
	.tests = edit_tests,
};

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = {
		&install_suite, &edit_suite, NULL
	};

	return wt_run_suites(argc, argv, suites);
}
