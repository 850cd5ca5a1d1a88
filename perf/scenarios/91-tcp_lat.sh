# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# tcp_lat: 64 B ping-pong, the provider over the loop port (blocking and
# busy-poll) against kernel TCP on 127.0.0.1 (busy-poll, blocking).
# Wrappers and durations: perf/lib/run_tcp.sh.

# One thread each, on CPU0: the placement does not move them.
SINGLE_CORE+=" tcp_pp_kernel_busy tcp_pp_kernel_block"

s_tcp_lat() {
	local base=tcp_pp_kernel_busy,tcp_pp_kernel_block
	local pin="app thread CPU0, lcore CPU1 (2 busy threads)"
	local pp=(--mode pingpong --size 64 --iters "$ITERS" --warmup "$WARM")

	measure tcp_pp_provider_nb tcp_lat \
		"provider TCP 64 B ping-pong, non-blocking recv busy-poll" \
		"$base" "$pin" -- tcp_prov tcp_pp_provider_nb "$LAT_S" TA \
		"${pp[@]}" --nonblock
	measure tcp_pp_provider tcp_lat \
		"provider TCP 64 B ping-pong, blocking recv (latency profile)" \
		"$base" "$pin" -- tcp_prov tcp_pp_provider "$LAT_S" TB "${pp[@]}"
	measure tcp_pp_kernel_busy tcp_lat \
		"kernel TCP 127.0.0.1 64 B ping-pong, busy-poll" "" \
		"one thread, CPU0; send delivers inline" -- \
		tcp_kern tcp_pp_kernel_busy "$LAT_S" "${pp[@]}" --recv busy
	measure tcp_pp_kernel_block tcp_lat \
		"kernel TCP 127.0.0.1 64 B ping-pong, blocking" "" "" -- \
		tcp_kern tcp_pp_kernel_block "$LAT_S" "${pp[@]}" --recv block
}
