# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# tcp_bulk: goodput per core, provider -> provider (loop port) and
# provider -> kernel (tap), against kernel loopback TCP measured twice in
# the same run: ktcp (sender and receiver threads of one process, as
# iperf3 measures) and iperf3 itself (issue 13 names it; client and
# server processes). 4 MB buffers each. The provider runs with
# WSPDK_MBUFS=65535: with the default 8191 a socket's ring holds at most
# 2047 segments (a quarter of the pool), less than the 4 MB window it
# advertises, and the overflow is dropped (tcp_rx_full, tcp_ooo_drop,
# RTOs). Wrappers and durations: perf/lib/run_tcp.sh.

want tcp_bulk && TOOLS+=(iperf3)

tcp_prov_bulk() {
	TCP_MBUFS=65535 tcp_prov "$@"
}

# Provider -> kernel over a tap: wstcp in a namespace of its own (the
# tap's kernel side, 198.18.0.1/24, is brought up by wstcp), ktcp's sink
# there; the sink's own figures are added to the provider's summary as
# peer_* (the report counts both processes' CPU). TAP_DEVICE (default
# net_tap) or vtap, the vnet-hdr tap whose writes are GSO frames.
tcp_tap() {
	local ns=${tag}q srv rc=0 dev
	local mac=02:00:c6:12:00:02

	case ${TAP_DEVICE:-net_tap} in
	vtap) dev="vtap:${tag}v,mac=$mac" ;;
	*) dev="net_tap0,iface=${tag}u,mac=$mac" ;;
	esac

	# The tap and vtap rows share it; a namespace is a file (an nsfs
	# mount), not a directory: -d never saw it, and the second row's
	# "ip netns add" failed with "File exists".
	[ -e "/var/run/netns/$ns" ] || netns_new "$ns"
	# A sink that wrote nothing must not lend the run an earlier run's
	# figures.
	rm -f "$tmp/tapsink.summary"
	spawn tcp_bulk_tap_sink $((TCP_S * 2 + 60)) ip netns exec "$ns" \
		"$build/perf/ktcp" --mode sink --bind 0.0.0.0:5201 --cpu 0 \
		--seconds "$TCP_S" --out "$tmp" --name tapsink
	srv=$BG_PID
	run_log "$1" $((TCP_S * 2 + 40)) ip netns exec "$ns" env \
		$(prov_env TQ) WSPDK_MBUFS=65535 \
		"WSPDK_DEVICE=$dev" \
		"$build/perf/wstcp" --mode bulk --cpu 0 --seconds "$TCP_S" \
		--peer 198.18.0.1:5201 --out "$out" --name "$1" \
		--tap "$(tap_ifname "$dev"),02:00:c6:12:00:01,198.18.0.1/24" \
		${TAP_ARGS:-} || rc=$?
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

# The kernel-side interface a tap device string makes.
tap_ifname() {
	case $1 in
	vtap:*) local i=${1#vtap:}; echo "${i%%,*}" ;;
	*) local i=${1#*iface=}; echo "${i%%,*}" ;;
	esac
}

# iperf3 over 127.0.0.1 in a namespace of ours (no port of anyone else's
# is touched): server (one-off) CPU1, client CPU0, 4 MB windows as ktcp.
# Goodput at the receiver; CPU = both processes (iperf3's own
# getrusage figures, as ktcp's).
tcp_iperf3() {
	local name=$1 ns=${tag}i port=$((5300 + RANDOM % 500)) srv rc=0

	[ -e "/var/run/netns/$ns" ] || netns_new "$ns"
	# iperf3 appends to its --logfile: a second run (a round, a retry)
	# made two JSON documents of one file, which no parser reads.
	rm -f "$tmp/$name.json" "$tmp/${name}_server.json"
	spawn "${name}_server" $((TCP_S * 2 + 60)) ip netns exec "$ns" \
		taskset -c 1 iperf3 --server --one-off --bind 127.0.0.1 \
		--port "$port" --json --logfile "$tmp/${name}_server.json"
	srv=$BG_PID
	for _ in $(seq 50); do
		ip netns exec "$ns" ss -Hltn "sport = :$port" | grep -q . &&
			break
		sleep 0.1
	done
	run_log "$name" $((TCP_S * 2 + 40)) ip netns exec "$ns" taskset -c 0 \
		iperf3 --client 127.0.0.1 --port "$port" --time "$TCP_S" \
		--window 4M --json --logfile "$tmp/$name.json" || rc=$?
	for _ in $(seq 50); do
		kill -0 "$srv" 2>/dev/null || break
		sleep 0.1
	done
	stop_bg "$srv"
	cp "$tmp/$name.json" "$out/logs/$name.json" 2>/dev/null
	[ "$rc" -eq 0 ] || return "$rc"
	"$here/tools/pf_report.py" iperf3 --json "$tmp/$name.json" \
		--out "$out" --name "$name" >&2
}

# Every row runs once a round, TCP_BULK_RUNS rounds (perf/lib/run_tcp.sh):
# one 4 s run of each side was a coin toss between vCPU placements
# (benchmarking.md), so the report judges each row by the median of its
# runs, each run labelled with its placement. A row added below joins
# the rounds as it is.
s_tcp_bulk() {
	rounds "$TCP_BULK_RUNS" tcp_bulk_round
}

tcp_bulk_round() {
	local pin="app thread CPU0 (sends and drains), lcore CPU1"

	measure tcp_bulk_provider tcp_bulk \
		"provider → provider TCP bulk over the loop port" \
		tcp_bulk_kernel "$pin; CPU = the whole process (app + lcore)" \
		-- tcp_prov_bulk tcp_bulk_provider "$TCP_S" TG --mode bulk
	# TSO off (WSPDK_TSO=0): one MSS per frame, as before the loop port
	# offered TSO; the row above against it is what TSO brings.
	WSPDK_TSO=0 measure tcp_bulk_provider_notso tcp_bulk \
		"provider → provider TCP bulk over the loop port, TSO off" \
		tcp_bulk_kernel "$pin; CPU = the whole process (app + lcore)" \
		-- tcp_prov_bulk tcp_bulk_provider_notso "$TCP_S" TN --mode bulk
	# Kernel loopback runs a 64 KB MTU and no checksums; the loop port
	# offloads checksums and takes a jumbo MTU, the nearer like for like.
	TCP_MTU=9000 measure tcp_bulk_provider_jumbo tcp_bulk \
		"provider → provider TCP bulk over the loop port, MTU 9000" \
		tcp_bulk_kernel "$pin; CPU = the whole process (app + lcore)" \
		-- tcp_prov_bulk tcp_bulk_provider_jumbo "$TCP_S" TJ --mode bulk
	measure tcp_bulk_tap tcp_bulk "provider → kernel TCP bulk over a tap" \
		tcp_bulk_kernel \
		"provider app CPU0 (blocking send), lcore CPU1, kernel receiver CPU0 in the tap's namespace; CPU = both processes" \
		-- tcp_tap tcp_bulk_tap
	# The vnet-hdr tap: each TSO chain one writev, one GSO skb for the
	# kernel (and its 64 KB segments one read for us).
	TAP_DEVICE=vtap measure tcp_bulk_vtap tcp_bulk \
		"provider → kernel TCP bulk over a vnet-hdr tap (GSO)" \
		tcp_bulk_kernel \
		"provider app CPU0 (blocking send), lcore CPU1, kernel receiver CPU0 in the tap's namespace; CPU = both processes (the kernel's receive path runs in our lcore's writev)" \
		-- tcp_tap tcp_bulk_vtap
	# The same with the idle lcore sleeping (WSPDK_LCORE_SLEEP_US, in
	# the environment tcp_tap's provider inherits): its empty polls,
	# ~41 % of its samples above, are no longer counted as CPU.
	WSPDK_LCORE_SLEEP_US=50 TAP_DEVICE=vtap measure tcp_bulk_vtap_sleep \
		tcp_bulk \
		"provider → kernel TCP bulk over a vnet-hdr tap (GSO), idle lcore sleeps" \
		tcp_bulk_kernel \
		"as tcp_bulk_vtap, WSPDK_LCORE_SLEEP_US=50; CPU = both processes" \
		-- tcp_tap tcp_bulk_vtap_sleep
	# And zero-copy: SO_SNDBUF 0 and 4 overlapped 4 MB WSASends
	# outstanding, the application's buffers sent in place (no copy
	# into mbufs on the app thread), each completing when ACKed.
	TAP_ARGS="--zc --zc-depth 4" WSPDK_LCORE_SLEEP_US=50 TAP_DEVICE=vtap \
		measure tcp_bulk_vtap_zc tcp_bulk \
		"provider → kernel TCP bulk over a vnet-hdr tap (GSO), zero-copy overlapped sends, idle lcore sleeps" \
		tcp_bulk_kernel \
		"as tcp_bulk_vtap_sleep, wstcp --zc (SO_SNDBUF 0, 4 overlapped 4 MB WSASends, IOCP); CPU = both processes" \
		-- tcp_tap tcp_bulk_vtap_zc
	measure tcp_bulk_kernel tcp_bulk \
		"kernel TCP bulk 127.0.0.1 (sender + receiver threads)" "" \
		"sender CPU0, receiver CPU1, blocking; CPU = the process (softirq in its context included)" \
		-- tcp_kern tcp_bulk_kernel "$TCP_S" --mode bulk --cpu2 1
	measure tcp_bulk_iperf3 tcp_bulk \
		"kernel TCP bulk 127.0.0.1, iperf3 (client + server processes)" \
		"" "iperf3 client CPU0, server CPU1, --window 4M, 128 KB writes; CPU = both processes (iperf3's cpu_utilization_percent)" \
		-- tcp_iperf3 tcp_bulk_iperf3
}
