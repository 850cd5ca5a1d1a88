/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Runner of the UDP API error-code table and datagram semantics: one
 * WSAStartup on the loop device for the whole run (EAL lives once per
 * process), single-threaded tests only.
 */
#include "udp_api.h"

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = {
		&test_udp_socket_suite,
		&test_udp_bind_suite,
		&test_udp_connect_names_suite,
		&test_udp_shutdown_close_suite,
		&test_udp_send_suite,
		&test_udp_recv_suite,
		&test_udp_sockopt_suite,
		&test_udp_ioctl_suite,
		&test_udp_select_suite,
		&test_udp_address_strings_suite,
		&test_udp_semantics_suite,
		&test_udp_icmp_suite,
		&test_udp_final_suite,
		NULL
	};

	if (ua_startup() != 0)
		return 1;
	return pt_run(argc, argv, suites);
}
