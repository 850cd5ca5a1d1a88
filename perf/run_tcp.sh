# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# perf/run_tcp.sh: the TCP scenarios of perf/run.sh (issue 13, "Speed"),
# sourced by it; they use its measure, run_log, spawn, stop_bg, netns_new,
# prov_env and variables (out, tmp, build, tag, mode, ITERS, WARM, LAT_S).
#
#   tcp_lat   64 B ping-pong: provider over the loop port (blocking and
#             busy-poll) vs kernel TCP on 127.0.0.1 (busy-poll, blocking)
#   tcp_bulk  goodput per core: provider -> provider (loop port),
#             provider -> kernel (tap), kernel loopback (sender and
#             receiver threads, as iperf3 measures); 4 MB buffers each.
#             The provider runs with WSPDK_MBUFS=65535: with the default
#             8191 a socket's ring holds at most 2047 segments (a quarter
#             of the pool), less than the 4 MB window it advertises, and
#             the overflow is dropped (tcp_rx_full, tcp_ooo_drop, RTOs)
#   tcp_conn  connect + close per second (graceful and reset), provider and
#             kernel; memory per idle connection, established and in
#             TIME-WAIT, up to TCP_CONNS or the first limit hit

# The smoke's connections: few enough that both ends of each, TIME-WAIT
# included, stay far below the socket table (DP_SOCK_MAX 4096).
case $mode in
full)	TCP_S=10 CONN_S=5 TCP_CONNS=100000 TCP_CONN_ITERS=1000000 ;;
quick)	TCP_S=4 CONN_S=2 TCP_CONNS=100000 TCP_CONN_ITERS=1000000 ;;
*)	TCP_S=1 CONN_S=1 TCP_CONNS=300 TCP_CONN_ITERS=500 ;;
esac

# tcp_prov NAME SECONDS PREFIX wstcp-args...: wstcp over the loop port,
# app CPU0, lcore CPU1 (latency profile: blocking calls spin).
# TCP_MBUFS: the pool (bulk only).
tcp_prov() {
	local name=$1 secs=$2 pfx=$3
	shift 3
	run_log "$name" $((secs * 2 + 40)) env $(prov_env "$pfx") \
		WSPDK_MBUFS="${TCP_MBUFS:-8191}" \
		WSPDK_DEVICE=loop WSPDK_PROFILE=latency "$build/perf/wstcp" \
		--cpu 0 --seconds "$secs" --out "$out" --name "$name" "$@"
}

tcp_prov_bulk() {
	TCP_MBUFS=65535 tcp_prov "$@"
}

tcp_kern() {	# tcp_kern NAME SECONDS ktcp-args...
	local name=$1 secs=$2
	shift 2
	run_log "$name" $((secs * 2 + 40)) "$build/perf/ktcp" --cpu 0 \
		--seconds "$secs" --out "$out" --name "$name" "$@"
}

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

# Provider -> kernel over a tap: wstcp in a namespace of its own (the
# tap's kernel side, 198.18.0.1/24, is brought up by wstcp), ktcp's sink
# there; the sink's own figures are added to the provider's summary as
# peer_* (the report counts both processes' CPU).
tcp_tap() {
	local ns=${tag}q srv rc=0

	[ -d "/var/run/netns/$ns" ] || netns_new "$ns"
	spawn tcp_bulk_tap_sink $((TCP_S * 2 + 60)) ip netns exec "$ns" \
		"$build/perf/ktcp" --mode sink --bind 0.0.0.0:5201 --cpu 0 \
		--seconds "$TCP_S" --out "$tmp" --name tapsink
	srv=$BG_PID
	run_log "$1" $((TCP_S * 2 + 40)) ip netns exec "$ns" env \
		$(prov_env TQ) WSPDK_MBUFS=65535 \
		"WSPDK_DEVICE=net_tap0,iface=${tag}u,mac=02:00:c6:12:00:02" \
		"$build/perf/wstcp" --mode bulk --cpu 0 --seconds "$TCP_S" \
		--peer 198.18.0.1:5201 --out "$out" --name "$1" \
		--tap "${tag}u,02:00:c6:12:00:01,198.18.0.1/24" || rc=$?
	for _ in $(seq 100); do
		kill -0 "$srv" 2>/dev/null || break
		sleep 0.1
	done
	stop_bg "$srv"
	[ -f "$out/$1.summary" ] && sed -n \
		's/^\(gbps\|cpu_cores\|bytes\|seconds\)=/peer_\1=/p' \
		"$tmp/tapsink.summary" >>"$out/$1.summary" 2>/dev/null
	return $rc
}

s_tcp_bulk() {
	local pin="app thread CPU0 (sends and drains), lcore CPU1"

	measure tcp_bulk_provider tcp_bulk \
		"provider → provider TCP bulk over the loop port" \
		tcp_bulk_kernel "$pin; CPU = the whole process (app + lcore)" \
		-- tcp_prov_bulk tcp_bulk_provider "$TCP_S" TG --mode bulk
	measure tcp_bulk_tap tcp_bulk "provider → kernel TCP bulk over a tap" \
		tcp_bulk_kernel \
		"provider app CPU0 (blocking send), lcore CPU1, kernel receiver CPU0 in the tap's namespace; CPU = both processes" \
		-- tcp_tap tcp_bulk_tap
	measure tcp_bulk_kernel tcp_bulk \
		"kernel TCP bulk 127.0.0.1 (sender + receiver threads)" "" \
		"sender CPU0, receiver CPU1, blocking; CPU = the process (softirq in its context included)" \
		-- tcp_kern tcp_bulk_kernel "$TCP_S" --mode bulk --cpu2 1
}

s_tcp_conn() {
	local pin="app thread CPU0, lcore CPU1" n=$TCP_CONN_ITERS

	measure tcp_conn_provider tcp_conn \
		"provider connect + close, graceful (TIME-WAIT)" \
		tcp_conn_kernel "$pin" -- \
		tcp_prov tcp_conn_provider "$CONN_S" TC --mode connrate --iters "$n"
	measure tcp_conn_provider_rst tcp_conn \
		"provider connect + close, reset (SO_LINGER 0)" \
		tcp_conn_kernel_rst "$pin" -- tcp_prov tcp_conn_provider_rst \
		"$CONN_S" TR --mode connrate --iters "$n" --abort
	measure tcp_conn_kernel tcp_conn \
		"kernel connect + close 127.0.0.1, graceful" "" "one thread CPU0" \
		-- tcp_kern tcp_conn_kernel "$CONN_S" --mode connrate --iters "$n"
	measure tcp_conn_kernel_rst tcp_conn \
		"kernel connect + close 127.0.0.1, reset" "" "one thread CPU0" \
		-- tcp_kern tcp_conn_kernel_rst "$CONN_S" --mode connrate \
		--iters "$n" --abort
	measure tcp_mem_provider tcp_conn \
		"provider memory per idle connection (loop port)" "" \
		"both ends in the process; $TCP_CONNS wanted, stops at the first limit" \
		-- tcp_prov tcp_mem_provider $((CONN_S * 20)) TM --mode idle \
		--conns "$TCP_CONNS"
}

s_tcp() {
	# One thread each, on CPU0: the placement does not move them.
	SINGLE_CORE+=" tcp_pp_kernel_busy tcp_pp_kernel_block tcp_conn_kernel"
	SINGLE_CORE+=" tcp_conn_kernel_rst"
	s_tcp_lat
	s_tcp_bulk
	s_tcp_conn
}
