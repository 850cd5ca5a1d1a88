/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Runner of the TCP API tests on the loop device: one WSAStartup for the
 * whole run (EAL lives once per process); connections go from our stack
 * to itself.
 */
#include <stdio.h>

#include "tcp_api.h"

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = {
		&test_tcp_socket_suite,
		&test_tcp_connect_suite,
		&test_tcp_listen_accept_suite,
		&test_tcp_data_suite,
		&test_tcp_close_suite,
		&test_tcp_options_suite,
		&test_tcp_overlapped_suite,
		&test_tcp_ovl_suite,
		&test_tcp_info_suite,
		&test_tcp_waitall_suite,
		&test_tcp_oob_suite,
		NULL
	};

	if (pt_startup() != 0)
		return 1;
	if (ta_tcp_entry() == NULL) {
		fprintf(stderr, "FAIL: no TCP entry in the catalog\n");
		WSACleanup();
		return 1;
	}
	return pt_run(argc, argv, suites);
}
