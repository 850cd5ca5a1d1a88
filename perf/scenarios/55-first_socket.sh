# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# first_socket: the first WSAStartup to the first bound socket, fresh
# processes in namespaces of their own (perf/tools/first_socket.py),
# with only the device's PMD against every PMD loaded (the same run's
# baseline), and where EAL's init goes (issue 16 item 4).

# Start-up time: the CPU0/CPU1 placement does not enter it.
SINGLE_CORE+=" first_socket"

s_first_socket() {
	measure first_socket first_socket \
		"provider: first WSAStartup to first bound socket (tap)" "" \
		"each run a fresh process in its own network namespace; only = the device's PMD, all = every PMD EAL finds (median of $FS_RUNS runs each, alternating)" \
		-- run_log first_socket 300 "$here/tools/first_socket.py" \
		--build "$build" --runs "$FS_RUNS" --prefix "${tag}F" \
		--out "$out" --name first_socket
}
