/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Runner of the UDP blocking, multi-threaded and overlapped suites, and
 * of WSACleanup with work outstanding (which restarts Winsock per case).
 */
#include <stdlib.h>

#include <CUnit/CUnit.h>

#include "udp_api.h"

int
main(void)
{
	/* Room for a storm of 8000 datagrams in one socket (a socket
	 * queues at most a quarter of the pool). */
	setenv("WSPDK_MBUFS", "32767", 1);
	if (ua_startup() != 0)
		return 1;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	test_udp_blocking_register();
	test_udp_overlapped_register();
	test_udp_pool_register();
	test_udp_cleanup_register();
	test_udp_final_register();
	return ua_run();
}
