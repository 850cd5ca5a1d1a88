# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# reflector: the provider as a memif client of testpmd 5tswap (spinning
# app, sleeping app) against the raw memif floor and sockperf on
# 127.0.0.1 (busy-poll, blocking; issue 16 item 3).

TP_PID=
TP_MAC=

# testpmd 5tswap as the memif server; its forwarding lcore on CPU 0.
tp_reflector_up() {
	local i

	if [ -n "$TP_PID" ] && kill -0 "$TP_PID" 2>/dev/null; then
		return 0
	fi
	rm -f "$tmp/refl.sock"
	spawn testpmd_5tswap 600 dpdk-testpmd -l 0,1 --main-lcore 1 --no-pci \
		--in-memory --file-prefix "${tag}t" --log-level=warning \
		--vdev="net_memif0,role=server,id=0,socket=$tmp/refl.sock,socket-abstract=no" \
		-- --forward-mode=5tswap --auto-start --nb-cores=1 \
		--stats-period=60 --no-mlockall --txq=1 --rxq=1 \
		--total-num-mbufs=16384
	TP_PID=$BG_PID
	for i in $(seq 150); do
		TP_MAC=$(grep -oE 'Port 0: [0-9A-Fa-f:]{17}' \
			"$out/logs/testpmd_5tswap.log" | awk '{print $3}' || true)
		[ -n "$TP_MAC" ] && [ -S "$tmp/refl.sock" ] && return 0
		sleep 0.1
	done
	die "testpmd (5tswap) did not come up; see logs/testpmd_5tswap.log"
}

refl_raw() {
	tp_reflector_up
	run_log "$1" $((LAT_S + 30)) "$build/perf/rawdpdk" --mode memif \
		--iters "$ITERS" --warmup "$WARM" --seconds "$LAT_S" \
		--out "$out" --name "$1" -- -l 1 --no-pci --in-memory \
		--file-prefix "${tag}m" --log-level=warning \
		--vdev="net_memif0,role=client,id=0,socket=$tmp/refl.sock,socket-abstract=no"
}

refl_provider() {
	local name=$1 secs=$2
	shift 2
	tp_reflector_up
	run_log "$name" $((secs + 30)) env $(prov_env R$name) \
		"WSPDK_DEVICE=net_memif0,role=client,id=0,socket=$tmp/refl.sock,socket-abstract=no" \
		"WSPDK_STATIC_ARP=198.18.0.1=$TP_MAC" "$@" \
		"$build/perf/wsperf" --mode client --peer 198.18.0.1:7001 \
		--cpu 0 --iters "$ITERS" --warmup "$WARM" --seconds "$secs" \
		--out "$out" --name "$name"
}

s_reflector() {
	local base=refl_raw,refl_sockperf_busy,refl_sockperf_block

	tp_reflector_up
	measure refl_raw reflector "raw DPDK memif client (floor)" "" \
		"client CPU1, testpmd forwarder CPU0 (2 busy threads)" -- \
		refl_raw refl_raw
	measure refl_provider reflector \
		"provider, spinning app (3 busy threads on 2 cores)" "$base" \
		"app CPU0 shares with testpmd's forwarder, lcore CPU1: every round trip waits for a scheduler slice; read mean and max" \
		-- refl_provider refl_provider "$SLOW_S" WSPDK_PROFILE=latency
	measure refl_provider_sleep reflector \
		"provider, app sleeps in recv (2 busy threads)" "$base" \
		"WSPDK_SPIN_US=0: the app thread sleeps until the lcore wakes it; testpmd forwarder and app share CPU0" \
		-- refl_provider refl_provider_sleep "$LAT_S" WSPDK_SPIN_US=0
	measure refl_provider_learn reflector \
		"provider, app waits with its learned spin budget" "$base" \
		"default WSPDK_SPIN_US (the cap): the budget follows arrivals and gives up when spinning only delays the reply (testpmd shares CPU0)" \
		-- refl_provider refl_provider_learn "$LAT_S"
	if [ -n "$TP_PID" ]; then
		stop_bg "$TP_PID"
		TP_PID=
	fi
	measure refl_sockperf_busy reflector \
		"sockperf UDP 127.0.0.1, busy-poll" "" \
		"client CPU0, server CPU1, both --nonblocked" -- \
		sp_pair refl_sockperf_busy "" "" 127.0.0.1 busy
	measure refl_sockperf_block reflector \
		"sockperf UDP 127.0.0.1, blocking" "" "client CPU0, server CPU1" \
		-- sp_pair refl_sockperf_block "" "" 127.0.0.1 block
}
