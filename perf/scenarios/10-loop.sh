# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# loop: UDP round trip over the in-memory loop port, the provider
# (blocking and busy-poll) against kernel UDP on 127.0.0.1 and the raw
# DPDK ring floor (issue 16 item 2).

# The latency profile runs to completion (WSPDK_RTC=1): the app thread
# runs the lcore's iteration itself while it spins. LOOP_ENV adds
# settings (loop_provider_nortc: the cross-core path, the same binary).
loop_provider() {
	# shellcheck disable=SC2086
	run_log "$1" $((LAT_S + 30)) env $(prov_env L$2) ${LOOP_ENV:-} \
		WSPDK_DEVICE=loop \
		WSPDK_PROFILE=latency "$build/perf/wsperf" --mode loop \
		--cpu 0 --iters "$ITERS" --warmup "$WARM" --seconds "$LAT_S" \
		--out "$out" --name "$1" "${@:3}"
}

loop_provider_nortc() {
	LOOP_ENV=WSPDK_RTC=0 loop_provider "$@"
}

loop_kernel() {
	run_log "$1" $((LAT_S + 30)) "$build/perf/kudp" --recv "$2" --cpu 0 \
		--iters "$ITERS" --warmup "$WARM" --seconds "$LAT_S" \
		--out "$out" --name "$1"
}

loop_raw() {
	run_log "$1" $((LAT_S + 30)) "$build/perf/rawdpdk" --mode ring \
		--iters "$ITERS" --warmup "$WARM" --seconds "$LAT_S" \
		--out "$out" --name "$1" -- -l 0 --no-pci --huge-unlink \
		--no-shconf --file-prefix "${tag}r" --log-level=warning
}

s_loop() {
	local base=loop_kernel_busy,loop_kernel_block,loop_raw
	local pin="app thread CPU0, lcore CPU1 (2 busy threads)"

	measure loop_provider loop "provider, blocking recv (latency profile)" \
		"$base" "$pin" -- loop_provider loop_provider 1
	measure loop_provider_nb loop "provider, non-blocking recv busy-poll" \
		"$base" "$pin" -- loop_provider loop_provider_nb 2 --nonblock
	measure loop_provider_nortc loop \
		"provider, blocking recv, run to completion off (WSPDK_RTC=0)" \
		"$base" "$pin" -- loop_provider_nortc loop_provider_nortc 3
	measure loop_kernel_busy loop "kernel UDP 127.0.0.1, busy-poll" "" \
		"one thread, CPU0; sendto delivers inline" -- \
		loop_kernel loop_kernel_busy busy
	measure loop_kernel_block loop "kernel UDP 127.0.0.1, blocking" "" "" \
		-- loop_kernel loop_kernel_block block
	measure loop_raw loop "raw DPDK floor (ring, 2 traversals)" "" \
		"one thread, CPU0; alloc+frame+tx_burst+rx_burst+free per traversal" \
		-- loop_raw loop_raw
}
