# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# kpeer: the provider over a tap against a kernel sockperf echo, beside
# kernel <-> kernel sockperf over a veth (both in namespaces of ours).

KNS=
kpeer_provider() {
	local srv

	spawn kpeer_echo $((LAT_S + 60)) ip netns exec "$KNS" taskset -c 0 \
		sockperf sr -i 0.0.0.0 -p 11111
	srv=$BG_PID
	run_log "$1" $((LAT_S + 40)) ip netns exec "$KNS" env $(prov_env K) \
		"WSPDK_DEVICE=net_tap0,iface=${tag}t,mac=02:00:c6:12:00:02" \
		WSPDK_PROFILE=latency "$build/perf/wsperf" --mode client \
		--sockperf --peer 198.18.0.1:11111 --cpu 0 --iters "$ITERS" \
		--warmup "$WARM" --seconds "$LAT_S" --out "$out" --name "$1" \
		--tap "${tag}t,02:00:c6:12:00:01,198.18.0.1/24"
	local rc=$?
	stop_bg "$srv"
	return $rc
}

s_kpeer() {
	local base=kpeer_veth_block,kpeer_veth_busy

	KNS=${tag}k
	netns_new "$KNS"
	netns_new "${tag}a"
	netns_new "${tag}b"
	ip link add "${tag}va" type veth peer name "${tag}vb"
	ip link set "${tag}va" netns "${tag}a"
	ip link set "${tag}vb" netns "${tag}b"
	ip -n "${tag}a" addr add 198.18.1.1/24 dev "${tag}va"
	ip -n "${tag}b" addr add 198.18.1.2/24 dev "${tag}vb"
	ip -n "${tag}a" link set "${tag}va" up
	ip -n "${tag}b" link set "${tag}vb" up
	measure kpeer_provider kpeer "provider ↔ kernel sockperf echo over tap" \
		"$base" \
		"app spins on CPU0, lcore CPU1, the kernel echo (blocking) on CPU0" \
		-- kpeer_provider kpeer_provider
	measure kpeer_veth_block kpeer \
		"kernel ↔ kernel sockperf over veth, blocking" "" \
		"client CPU0, server CPU1, namespaces" -- \
		sp_pair kpeer_veth_block "${tag}b" "${tag}a" 198.18.1.2 block
	measure kpeer_veth_busy kpeer \
		"kernel ↔ kernel sockperf over veth, busy-poll" "" \
		"client CPU0, server CPU1, both --nonblocked" -- \
		sp_pair kpeer_veth_busy "${tag}b" "${tag}a" 198.18.1.2 busy
}
