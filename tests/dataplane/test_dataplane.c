/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Runner of the dataplane suites: one engine on a "pair" device for the
 * whole run (EAL lives once per process), then a check that stopping it
 * returned every mbuf.
 */
#include <stdio.h>

#include <CUnit/Basic.h>

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

int
main(void)
{
	CU_pSuite s;
	unsigned int failed;

	if (dp_test_start("t", 1) != 0)
		return 1;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	test_dp_arp_register();
	test_dp_ip_register();
	test_dp_udp_input_register();
	test_dp_sock_ring_register();
	s = CU_add_suite("dp_lifecycle", NULL, NULL);
	CU_add_test(s, "stop_returns_every_mbuf", test_stop_returns_every_mbuf);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}
