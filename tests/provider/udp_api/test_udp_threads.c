/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Runner of the UDP blocking, multi-threaded and overlapped suites, and
 * of WSACleanup with work outstanding (which restarts Winsock per case).
 */
#include <stdlib.h>

#include "udp_api.h"

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = {
		&test_udp_blocking_suite,
		&test_udp_select_wait_suite,
		&test_udp_threads_suite,
		&test_udp_wake_suite,
		&test_udp_overlapped_suite,
		&test_udp_ovl_many_suite,
		&test_udp_pool_suite,
		&test_udp_cleanup_suite,
		&test_udp_final_suite,
		NULL
	};

	/* Room for a storm of 8000 datagrams in one socket (a socket
	 * queues at most a quarter of the pool). */
	setenv("WSPDK_MBUFS", "32767", 1);
	/* A neighbour that never answers holds 64 frames, not 1024: the
	 * blocking cases fill that before ARP gives up on it (~3 s), which
	 * a sanitized run at load 40 did not. */
	setenv("WSPDK_ARP_QLEN", "64", 1);
	if (ua_startup() != 0)
		return 1;
	return pt_run(argc, argv, suites);
}
