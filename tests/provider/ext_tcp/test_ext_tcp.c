/* SPDX-License-Identifier: BSD-3-Clause */
/* Runner of the TCP extension function tests (ext_tcp.h). */
#include <stdio.h>

#include "ext_tcp.h"

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = {
		&test_ext_tcp_accept_suite,
		&test_ext_tcp_connect_suite,
		&test_ext_tcp_transmit_suite,
		&test_ext_tcp_asio_suite,
		&test_ext_tcp_update_suite,
		NULL
	};

	if (pt_startup() != 0)
		return 1;
	if (et_load() != 0) {
		fprintf(stderr, "FAIL: no TCP extension functions\n");
		WSACleanup();
		return 1;
	}
	return pt_run(argc, argv, suites);
}
