/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wt_run: registers the suites a test binary lists, keeping only the
 * cases its arguments and WT_TESTS choose, and runs them (see wt_run.h).
 */
#include <fnmatch.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "wt_run.h"

#define PATTERNS_MAX	64
#define WT_SKIP		77	/* meson: the test was skipped */

struct filter {
	const char *pat[PATTERNS_MAX];
	unsigned int n;
	char *env;			/* WT_TESTS, split in place */
};

static int
filter_add(struct filter *f, const char *p)
{
	if (f->n == PATTERNS_MAX) {
		fprintf(stderr, "wt_run: more than %d patterns\n",
			PATTERNS_MAX);
		return -1;
	}
	f->pat[f->n++] = p;
	return 0;
}

static int
filter_init(struct filter *f, int argc, char **argv, bool *list)
{
	const char *env = getenv("WT_TESTS");

	*list = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--list") == 0)
			*list = true;
		else if (filter_add(f, argv[i]) != 0)
			return -1;
	}
	if (env == NULL)
		return 0;
	f->env = strdup(env);
	if (f->env == NULL)
		return -1;
	for (char *w = strtok(f->env, ", \t"); w != NULL;
			w = strtok(NULL, ", \t"))
		if (filter_add(f, w) != 0)
			return -1;
	return 0;
}

static bool
chosen(const struct filter *f, const char *suite, const char *test)
{
	char full[256];

	if (f->n == 0)
		return true;
	snprintf(full, sizeof(full), "%s/%s", suite, test);
	for (unsigned int i = 0; i < f->n; i++)
		if (fnmatch(f->pat[i], full, 0) == 0 ||
				fnmatch(f->pat[i], suite, 0) == 0 ||
				fnmatch(f->pat[i], test, 0) == 0)
			return true;
	return false;
}

/* Register what the filter chose of one suite; returns how many cases,
 * or -1 when CUnit could not take them. */
static int
add_suite(const struct filter *f, const struct wt_suite *s, bool list)
{
	CU_pSuite cs = NULL;
	int n = 0;

	for (const struct wt_test *t = s->tests; t->name != NULL; t++) {
		if (!chosen(f, s->name, t->name))
			continue;
		n++;
		if (list) {
			printf("%s/%s\n", s->name, t->name);
			continue;
		}
		if (cs == NULL)
			cs = CU_add_suite_with_setup_and_teardown(s->name,
				s->init, s->clean, s->setup, s->teardown);
		if (cs == NULL || CU_add_test(cs, t->name, t->fn) == NULL) {
			fprintf(stderr, "wt_run: cannot register %s/%s: %s\n",
				s->name, t->name, CU_get_error_msg());
			return -1;
		}
	}
	return n;
}

int
wt_run_suites(int argc, char **argv, const struct wt_suite *const *suites)
{
	struct filter f = { .n = 0 };
	unsigned int failed;
	int total = 0, ret = 1;
	bool list;

	if (filter_init(&f, argc, argv, &list) != 0)
		goto out;
	if (CU_initialize_registry() != CUE_SUCCESS) {
		fprintf(stderr, "wt_run: %s\n", CU_get_error_msg());
		goto out;
	}
	for (unsigned int i = 0; suites[i] != NULL; i++) {
		int n = add_suite(&f, suites[i], list);

		if (n < 0)
			goto out_registry;
		total += n;
	}
	if (list) {
		ret = 0;
		goto out_registry;
	}
	if (total == 0) {
		if (f.n != 0) {
			fprintf(stderr, "wt_run: no test matches the "
				"patterns given\n");
		} else {
			printf("no test here yet: skipped\n");
			ret = WT_SKIP;
		}
		goto out_registry;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	/* A suite whose init failed ran nothing, and one whose clean failed
	 * found something left over: both are failures. */
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed() +
		CU_get_number_of_suites_failed();
	ret = failed == 0 && CU_get_error() == CUE_SUCCESS ? 0 : 1;
out_registry:
	CU_cleanup_registry();
out:
	free(f.env);
	return ret;
}
