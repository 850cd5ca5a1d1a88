/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Runner of the framework replays (fw.h) on the loop device.
 */
#include "fw.h"

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = {
		&test_fw_asio_suite,
		&test_fw_dotnet_suite,
		&test_fw_libuv_suite,
		&test_fw_asyncio_suite,
		&test_fw_libuv_tcp_suite,
		&test_fw_selector_suite,
		&test_fw_qt_suite,
		NULL
	};

	if (pt_startup() != 0)
		return 1;
	return pt_run(argc, argv, suites);
}
