# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# perf/lib/run_tcp.sh: what the TCP scenarios of perf/run.sh (tcp_lat,
# tcp_bulk, tcp_conn; issue 13, "Speed") share: their durations per mode
# and the wrappers of the provider's wstcp and the kernel's ktcp.

# The smoke's connections: few enough that both ends of each, TIME-WAIT
# included, stay far below the default socket table (WSPDK_SOCKETS 4096).
# TCP_BULK_RUNS: the rounds of tcp_bulk (each row's runs; the report
# takes their median), TCP_BULK_REPEATS in the environment overrides.
case $mode in
full)	TCP_S=10 CONN_S=5 TCP_CONNS=100000 TCP_CONN_ITERS=1000000
	TCP_BULK_RUNS=5 ;;
quick)	TCP_S=4 CONN_S=2 TCP_CONNS=100000 TCP_CONN_ITERS=1000000
	TCP_BULK_RUNS=3 ;;
*)	TCP_S=1 CONN_S=1 TCP_CONNS=300 TCP_CONN_ITERS=500 TCP_BULK_RUNS=1 ;;
esac
TCP_BULK_RUNS=${TCP_BULK_REPEATS:-$TCP_BULK_RUNS}
[[ $TCP_BULK_RUNS =~ ^[1-9][0-9]?$ ]] ||
	die "TCP_BULK_REPEATS: a count of 1 to 99, not '$TCP_BULK_RUNS'"

# tcp_prov NAME SECONDS PREFIX wstcp-args...: wstcp over the loop port,
# app CPU0, lcore CPU1 (latency profile: blocking calls spin).
# TCP_MBUFS: the pool (bulk only); TCP_SOCKETS: the socket table;
# TCP_MTU: the loop port's MTU; TCP_LIMIT_S: the run's bound, if not
# twice SECONDS + 40.
tcp_prov() {
	local name=$1 secs=$2 pfx=$3
	shift 3
	run_log "$name" "${TCP_LIMIT_S:-$((secs * 2 + 40))}" \
		env $(prov_env "$pfx") \
		WSPDK_MBUFS="${TCP_MBUFS:-8191}" \
		WSPDK_SOCKETS="${TCP_SOCKETS:-4096}" WSPDK_MTU="${TCP_MTU:-1500}" \
		WSPDK_DEVICE=loop WSPDK_PROFILE=latency "$build/perf/wstcp" \
		--cpu 0 --seconds "$secs" --out "$out" --name "$name" "$@"
}

tcp_kern() {	# tcp_kern NAME SECONDS ktcp-args...
	local name=$1 secs=$2
	shift 2
	run_log "$name" $((secs * 2 + 40)) "$build/perf/ktcp" --cpu 0 \
		--seconds "$secs" --out "$out" --name "$name" "$@"
}
