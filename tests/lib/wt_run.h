/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wt_run: the one way a CUnit test binary of this tree registers and runs
 * its tests.
 *
 * A test file declares its cases in a table and exports one struct
 * wt_suite per suite; the binary's main() lists the suites and calls
 * wt_run_suites(), which registers them, runs them in CUnit's basic mode
 * (verbose) and returns the process's exit status:
 *
 *	static const struct wt_test tests[] = {
 *		WT_TEST(test_echo_is_answered),
 *		WT_TEST_END
 *	};
 *	const struct wt_suite test_dp_icmp_suite = {
 *		.name = "dp_icmp",
 *		.tests = tests,
 *	};
 *
 *	int main(int argc, char **argv)
 *	{
 *		static const struct wt_suite *const suites[] = {
 *			&test_dp_icmp_suite, NULL };
 *
 *		return wt_run_suites(argc, argv, suites);
 *	}
 *
 * or, for a binary of one suite, WT_MAIN(test_dp_icmp_suite).
 *
 * A case's name is its function's name without "test_" (WT_TEST), so the
 * name in a report is the one to grep for.
 *
 * Choosing cases: every argument of the binary, and every comma- or
 * blank-separated word of the environment variable WT_TESTS, is a shell
 * pattern (fnmatch) matched against "suite/case", "suite" and "case"; a
 * case runs when any pattern matches it (all run when there is none). A
 * suite none of whose cases runs is not registered, so its init (which
 * may start an engine) does not run either. "--list" prints every
 * suite/case and runs nothing.
 *
 * Exit status: 0 every case passed; 1 an assertion failed, a suite's init
 * or clean failed, CUnit failed, or the patterns chose nothing (a
 * misspelt name must not pass); 77 (meson's "skipped") the binary has no
 * case at all yet.
 */
#ifndef _WT_RUN_H_
#define _WT_RUN_H_

#include <CUnit/CUnit.h>

struct wt_test {
	const char *name;
	CU_TestFunc fn;
};

/* A case named after its function, less the "test_" every one starts
 * with. */
#define WT_TEST(fn)	{ &#fn[sizeof("test_") - 1], fn }
#define WT_TEST_END	{ NULL, NULL }

struct wt_suite {
	const char *name;
	CU_InitializeFunc init;		/* before its first case; != 0:
					 * every case fails */
	CU_CleanupFunc clean;		/* after its last; != 0: a failure */
	CU_SetUpFunc setup;		/* before each case */
	CU_TearDownFunc teardown;	/* after each case */
	const struct wt_test *tests;	/* ends with WT_TEST_END */
};

/* suites ends with NULL. Returns the exit status (see above). */
int wt_run_suites(int argc, char **argv,
		const struct wt_suite *const *suites);

/* The main() of a binary of one suite, the usual case. */
#define WT_MAIN(s)							\
int									\
main(int argc, char **argv)						\
{									\
	static const struct wt_suite *const wt_suites_[] = { &(s), NULL }; \
									\
	return wt_run_suites(argc, argv, wt_suites_);			\
}

#endif /* _WT_RUN_H_ */
