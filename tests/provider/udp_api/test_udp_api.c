/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Runner of the UDP API error-code table and datagram semantics: one
 * WSAStartup on the loop device for the whole run (EAL lives once per
 * process), single-threaded tests only.
 */
#include <CUnit/CUnit.h>

#include "udp_api.h"

int
main(void)
{
	if (ua_startup() != 0)
		return 1;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	test_udp_socket_register();
	test_udp_data_register();
	test_udp_control_register();
	test_udp_semantics_register();
	test_udp_final_register();
	return ua_run();
}
