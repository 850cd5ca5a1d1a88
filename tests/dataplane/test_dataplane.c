/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Runner of the dataplane suites: one engine on a "pair" device for the
 * whole run (EAL lives once per process), then a check that stopping it
 * returned every mbuf.
 */
#include <stdio.h>

#include <CUnit/CUnit.h>

#include "dp_test.h"
#include "test_dp.h"

/* Stopping the engine returns every mbuf to the pool. */
static void
test_stop_returns_every_mbuf(void)
{
	struct dp_lifecycle lc;

	dp_test_stop();
	dp_lifecycle_get(&lc);
	CU_ASSERT_EQUAL(lc.stops, 1);
	CU_ASSERT_EQUAL(lc.mbufs_lost, 0);
}

static const struct wt_test lifecycle_tests[] = {
	WT_TEST(test_stop_returns_every_mbuf),
	WT_TEST_END
};

/* Last: it stops the engine the suites before it ran on. */
static const struct wt_suite lifecycle_suite = {
	.name = "dp_lifecycle",
	.tests = lifecycle_tests,
};

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = {
		&test_dp_arp_suite,
		&test_dp_ip_suite,
		&test_dp_udp_input_suite,
		&test_dp_sock_ring_suite,
		&lifecycle_suite,
		NULL
	};

	if (dp_test_start("t", 1) != 0)
		return 1;
	return wt_run_suites(argc, argv, suites);
}
