#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# perf/run.sh: every wspdk benchmark, its baselines in the same run, and
# the report (issue 4; README "Performance").
#
#   sudo ./perf/run.sh [--quick | --smoke] [--out DIR] [--only LIST]
#                      [--no-build]
#
#   (default)  full run, about 5-10 minutes on a 2-core machine
#   --quick    fewer samples and cycles, under 2 minutes
#   --smoke    a few iterations of every app (the meson test uses it)
#   --only     comma list of scenarios: loop,reflector,kpeer,rx,lifecycle,
#              fanout,pktgen,timer,tstamp,tcp_lat,tcp_bulk,tcp_conn
#              (the TCP ones: perf/run_tcp.sh)
#   --out      results directory (default perf/results/<timestamp>)
#
# Writes the Markdown report to stdout (progress goes to stderr) and
# DIR/report.md, DIR/*.csv, DIR/*.png. BUILD_DIR names the build
# directory (default ./build, configured and built if needed); PKTGEN
# names a pktgen-dpdk binary for scenario 6 (perf/pktgen/README.md).
#
# Method (/work/shared/docs/benchmarking.md): every busy thread pinned,
# app threads on CPU 0 and the provider's lcore on CPU 1; foreign CPU load
# sampled all along and checked before and during each measurement
# (retried once, then flagged, above 10 % of a core); the CPU0<->CPU1
# cache-line round trip measured before and after each measurement
# (near/far/mixed label).
#
# Safety: every DPDK process gets --no-pci and virtual devices only
# (memif, ring, tap); taps and veths live in namespaces this script
# creates, on 198.18.0.0/15; every process is bounded by timeout and
# killed by its PID; the exit trap removes the namespaces, the memif
# sockets, /dev/hugepages/<our prefixes>* and /var/run/dpdk/<our
# prefixes>. memif ports are never cycled: each process connects once.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
build=${BUILD_DIR:-$top/build}
mode=full
out=
only=loop,reflector,kpeer,rx,lifecycle,fanout,pktgen,timer,tstamp
only+=,tcp_lat,tcp_bulk,tcp_conn
do_build=1

while [ $# -gt 0 ]; do
	case $1 in
	--quick) mode=quick ;;
	--smoke) mode=smoke ;;
	--out) out=$2; shift ;;
	--only) only=$2; shift ;;
	--no-build) do_build=0 ;;
	-h|--help) sed -n '2,34p' "$0"; exit 0 ;;
	*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

case $mode in
full)	ITERS=100000 WARM=10000 LAT_S=15 SLOW_S=12 TP_S=10 CYCLES=10000
	CYCLE_S=170 BARE_S=90 QUIET_S=15 RETRIES=1 SP_S=6 FAN=20000 MC_S=6
	TMR_ROUNDS=5 TMR_SIZES=100000,1000000 ;;
quick)	ITERS=20000 WARM=2000 LAT_S=5 SLOW_S=4 TP_S=4 CYCLES=1000
	CYCLE_S=25 BARE_S=12 QUIET_S=2 RETRIES=0 SP_S=2 FAN=5000 MC_S=3
	TMR_ROUNDS=3 TMR_SIZES=100000,1000000 ;;
smoke)	ITERS=200 WARM=20 LAT_S=3 SLOW_S=2 TP_S=2 CYCLES=20
	CYCLE_S=20 BARE_S=20 QUIET_S=0 RETRIES=0 SP_S=1 FAN=50 MC_S=2
	TMR_ROUNDS=1 TMR_SIZES=1000,10000 ;;
esac
FOREIGN_MAX=10		# percent of one core (benchmarking.md)
NEAR_MAX=200		# c2c ns: below is "near", at or above "far"

tag=wspdkp$$		# every prefix, namespace, interface and socket
tmp=
PIDS=()
NSS=()
MON=

. "$top/setup.sh"
. "$here/run_tcp.sh"

log() { printf '== %s\n' "$*" >&2; }
die() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }

# ---- set-up ----

need_root() {
	[ "$(id -u)" -eq 0 ] || die "must run as root (hugepages, namespaces)"
}

do_build_now() {
	if [ ! -f "$build/build.ninja" ]; then
		log "configuring $build"
		meson setup "$build" "$top" -Dwerror=true >&2
	fi
	log "building"
	# The apps, and the provider the Ws2_32 stand-in loads at run time.
	ninja -C "$build" perf/wsperf perf/wscycle perf/kudp perf/rawdpdk \
		perf/c2c perf/timer perf/wstcp perf/ktcp provider/libwspdk.so >&2
}

# ---- processes, namespaces, cleanup ----

# spawn NAME SECONDS cmd...: start in the background, bounded, logged.
spawn() {
	local name=$1 secs=$2
	shift 2
	timeout --kill-after=5 "$secs" "$@" </dev/null >"$out/logs/$name.log" \
		2>&1 &
	BG_PID=$!
	PIDS+=("$BG_PID")
}

# stop_bg PID: TERM (testpmd prints its statistics), bounded wait, KILL.
stop_bg() {
	local pid=$1 i rc=0

	kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || rc=$?
	# A memif server polling while its client leaves may read an
	# unmapped ring (DPDK 22.11; dpdk-22.11-notes.md §1): testpmd dies
	# after its figures were logged, which is all we use of it.
	[ "$rc" -eq 139 ] && log "(that SIGSEGV was testpmd on memif disconnect, pid $pid, after its figures)"
	return 0
}

# run_log NAME SECONDS cmd...: run, bounded, output to the log and stderr.
run_log() {
	local name=$1 secs=$2
	shift 2
	timeout --kill-after=5 "$secs" "$@" </dev/null 2>&1 |
		tee "$out/logs/$name.log" | grep -v -e '^EAL:' -e '^TELEMETRY' \
		-e 'mp action callback' -e '^READY' >&2
	return "${PIPESTATUS[0]}"
}

netns_new() {
	ip netns add "$1"
	NSS+=("$1")
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	ip -n "$1" link set lo up
}

cleanup() {
	local rc=$? pid ns

	set +e
	for pid in "${PIDS[@]}"; do
		kill -0 "$pid" 2>/dev/null && stop_bg "$pid"
	done
	for ns in "${NSS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	[ -n "$MON" ] && kill "$MON" 2>/dev/null
	rm -f /dev/hugepages/"$tag"*
	rm -rf /var/run/dpdk/"$tag"*
	[ -n "$tmp" ] && rm -rf "$tmp"
	exit "$rc"
}

# ---- measurement bookkeeping ----

# "nan" when c2c cannot measure (CPU 1 too busy): labelled "?", never
# the end of the run (set -e).
c2c() {
	"$build/perf/c2c" --cpus 0,1 2>/dev/null | sed -n 's/^c2c_ns=//p' ||
		true
}

c2c_label() {
	awk -v a="$1" -v b="$2" -v n="$NEAR_MAX" 'BEGIN {
		if (a == "" || b == "" || a == "nan" || b == "nan") {
			print "?"; exit }
		x = (a < n) ? "near" : "far"; y = (b < n) ? "near" : "far"
		print (x == y) ? x : "mixed" }'
}

# Measurements on one CPU: their figures do not depend on the placement.
SINGLE_CORE="loop_kernel_busy loop_kernel_block loop_raw"

# measure NAME SCENARIO LABEL COMPARE NOTE -- cmd...
# Runs cmd (which writes $out/NAME.summary) with the machine checked
# before and during, retrying once when foreign load was high.
measure() {
	local name=$1 sc=$2 label=$3 compare=$4 note=$5 attempt=0 rc
	local before after t0 t1 fmean fmax win flagged=0 mixed
	shift 6

	if ! want "$sc"; then return 0; fi
	while :; do
		attempt=$((attempt + 1))
		"$here/tools/pf_load.py" wait --log "$out/load.log" \
			--max "$FOREIGN_MAX" --timeout "$QUIET_S" >/dev/null
		before=$(c2c)
		t0=$(date +%s.%N)
		log "$sc: $label (attempt $attempt)"
		rc=0
		"$@" || rc=$?
		t1=$(date +%s.%N)
		after=$(c2c)
		win=$("$here/tools/pf_load.py" window --log "$out/load.log" \
			--start "$t0" --end "$t1")
		fmean=$(sed -n 's/^foreign_mean_pct=//p' <<<"$win")
		fmax=$(sed -n 's/^foreign_max_pct=//p' <<<"$win")
		flagged=$(awk -v f="$fmean" -v m="$FOREIGN_MAX" \
			'BEGIN { print (f != "nan" && f + 0 > m) ? 1 : 0 }')
		[ "$flagged" = 1 ] && log "foreign load ${fmean}% during $name"
		# A cross-core figure taken while the placement flipped
		# compares with nothing: take it again, once.
		mixed=0
		if [[ " $SINGLE_CORE " != *" $name "* ]] &&
				[ "$(c2c_label "$before" "$after")" = mixed ]; then
			mixed=1
			log "placement flipped during $name"
		fi
		if [ $((flagged + mixed)) -gt 0 ] &&
				[ "$attempt" -le "$RETRIES" ] &&
				[ "$SECONDS" -lt 420 ]; then
			continue
		fi
		break
	done
	[ "$rc" -ne 0 ] && log "$name failed (rc $rc); see logs/$name.log"
	{
		echo "scenario=$sc"
		echo "label=$label"
		echo "compare=$compare"
		[ -n "$note" ] && echo "note=$note"
		echo "c2c_before=$before"
		echo "c2c_after=$after"
		echo "c2c_label=$(c2c_label "$before" "$after")"
		[[ " $SINGLE_CORE " == *" $name "* ]] && echo "single_core=1"
		echo "attempts=$attempt"
		echo "flagged=$flagged"
		echo "rc=$rc"
		echo "log=logs/$name.log"
		echo "$win"
	} >"$out/$name.meta"
	# A measurement that failed or wrote nothing is reported as failed,
	# never as the figures it may have left half-written.
	if [ "$rc" -ne 0 ]; then
		[ -f "$out/$name.summary" ] &&
			mv "$out/$name.summary" "$out/$name.summary.partial"
		printf 'name=%s\nkind=failed\nreason=exited with rc %s\nlog=logs/%s.log\n' \
			"$name" "$rc" "$name" >"$out/$name.summary"
	elif [ ! -s "$out/$name.summary" ]; then
		printf 'name=%s\nkind=failed\nreason=ran (rc 0) but wrote no result\nlog=logs/%s.log\n' \
			"$name" "$name" >"$out/$name.summary"
	fi
	return 0
}

want() {
	[[ ",$only," == *",$1,"* ]]
}

# Provider environment shared by every provider app.
prov_env() {
	echo WSPDK_LOG_LEVEL=warning WSPDK_LCORES=1 \
		"WSPDK_EAL_ARGS=--file-prefix=${tag}$1"
}

# ---- 1. loop ----

loop_provider() {
	run_log "$1" $((LAT_S + 30)) env $(prov_env L$2) WSPDK_DEVICE=loop \
		WSPDK_PROFILE=latency "$build/perf/wsperf" --mode loop \
		--cpu 0 --iters "$ITERS" --warmup "$WARM" --seconds "$LAT_S" \
		--out "$out" --name "$1" "${@:3}"
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
	measure loop_kernel_busy loop "kernel UDP 127.0.0.1, busy-poll" "" \
		"one thread, CPU0; sendto delivers inline" -- \
		loop_kernel loop_kernel_busy busy
	measure loop_kernel_block loop "kernel UDP 127.0.0.1, blocking" "" "" \
		-- loop_kernel loop_kernel_block block
	measure loop_raw loop "raw DPDK floor (ring, 2 traversals)" "" \
		"one thread, CPU0; alloc+frame+tx_burst+rx_burst+free per traversal" \
		-- loop_raw loop_raw
}

# ---- 2. reflector ----

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

sp_pair() {	# sp_pair NAME NS_SERVER NS_CLIENT IP busy|block
	local name=$1 nss=$2 nsc=$3 ip=$4 how=$5 nb=() port=$((11000 + RANDOM % 1000))
	local srv

	[ "$how" = busy ] && nb=(--nonblocked)
	spawn "${name}_server" $((SP_S + 40)) ${nss:+ip netns exec "$nss"} \
		taskset -c 1 sockperf sr -i "$ip" -p "$port" "${nb[@]}"
	srv=$BG_PID
	sleep 0.5
	run_log "$name" $((SP_S + 30)) ${nsc:+ip netns exec "$nsc"} taskset -c 0 \
		sockperf pp -i "$ip" -p "$port" -m 64 -t "$SP_S" --full-rtt \
		--full-log "$tmp/$name.csv" "${nb[@]}" || true
	stop_bg "$srv"
	"$here/tools/pf_report.py" sockperf --log "$tmp/$name.csv" \
		--out "$out" --name "$name" >&2
}

s_reflector() {
	local base=refl_raw,refl_sockperf_busy,refl_sockperf_block

	if want reflector; then tp_reflector_up; fi
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

# ---- 3. kernel peer ----

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

	want kpeer || return 0
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

# ---- 4. rx throughput ----

GEN_PID=
PROV_MAC=02:00:c6:12:00:02

# testpmd txonly as the memif server, forwarding lcore on CPU 0.
# gen_up NAME [DST_IP DST_MAC]: logs/testpmd_txonly_NAME.log
# Several flows only to our unicast address: testpmd's multi-flow writes
# the source as destination | n << 8, a martian source (ip_bad_src) when
# the destination is a group.
gen_up() {
	local i dip=${2:-198.18.0.2} dmac=${3:-$PROV_MAC} flows=

	[ "$dip" = 198.18.0.2 ] && flows=--txonly-multi-flow
	rm -f "$tmp/rx.sock"
	spawn "testpmd_txonly_$1" $((TP_S + 60)) dpdk-testpmd -l 0,1 \
		--main-lcore 1 --no-pci --in-memory --file-prefix "${tag}g" \
		--log-level=warning \
		--vdev="net_memif0,role=server,id=0,socket=$tmp/rx.sock,socket-abstract=no" \
		-- --forward-mode=txonly --tx-ip=198.18.0.1,$dip \
		--tx-udp=9,7000 --eth-peer=0,$dmac $flows \
		--txpkts=64 --auto-start --nb-cores=1 --stats-period=1 \
		--no-mlockall --txq=1 --rxq=1 --total-num-mbufs=16384
	GEN_PID=$BG_PID
	for i in $(seq 150); do
		[ -S "$tmp/rx.sock" ] && return 0
		sleep 0.1
	done
	die "testpmd (txonly) did not come up; see logs/testpmd_txonly_$1.log"
}

# Each measurement gets a generator of its own: a memif server sees one
# client connect and disconnect, never a second one (22.11, notes §1.3).
rx_rxonly() {
	local pid

	gen_up rxonly

	spawn rx_rxonly_testpmd $((TP_S + 40)) dpdk-testpmd -l 0,1 --no-pci \
		--in-memory --file-prefix "${tag}o" --log-level=warning \
		--vdev="net_memif0,role=client,id=0,socket=$tmp/rx.sock,socket-abstract=no" \
		-- --forward-mode=rxonly --auto-start --nb-cores=1 \
		--stats-period=1 --no-mlockall --txq=1 --rxq=1 \
		--total-num-mbufs=16384
	pid=$BG_PID
	sleep $((TP_S + 2))
	stop_bg "$pid"
	stop_bg "$GEN_PID"
	"$here/tools/pf_report.py" testpmd --log "$out/logs/rx_rxonly_testpmd.log" \
		--out "$out" --name rx_rxonly >&2
}

# sink NAME SECONDS DST_IP DST_MAC wsperf-args...: a generator flooding
# DST_IP, the provider's wsperf sink, and what the generator offered.
sink() {
	local name=$1 secs=$2 rc=0

	gen_up "$name" "$3" "$4"
	shift 4
	run_log "$name" $((secs + 40)) env $(prov_env "X$name") \
		WSPDK_MBUFS=65535 \
		"WSPDK_DEVICE=net_memif0,role=client,id=0,socket=$tmp/rx.sock,socket-abstract=no,mac=$PROV_MAC" \
		"$build/perf/wsperf" --mode sink --port 7000 --cpus 0 \
		--seconds "$secs" --out "$out" --name "$name" "$@" || rc=$?
	stop_bg "$GEN_PID"
	"$here/tools/pf_report.py" testpmd \
		--log "$out/logs/testpmd_txonly_$name.log" \
		--out "$tmp" --name gen >/dev/null
	sed -n 's/^tx_rate_median_pps=/offered_pps=/p' "$tmp/gen.summary" \
		>>"$out/$name.summary" 2>/dev/null || true
	return $rc
}

rx_provider() {	# rx_provider NAME THREADS
	sink "$1" "$TP_S" 198.18.0.2 "$PROV_MAC" --threads "$2"
}

rx_sockperf() {
	local ns=${tag}s srv a b

	[ -d "/var/run/netns/$ns" ] || netns_new "$ns"
	spawn rx_sockperf_server $((TP_S + 40)) ip netns exec "$ns" \
		taskset -c 1 sockperf sr -i 127.0.0.1 -p 11222
	srv=$BG_PID
	sleep 0.5
	a=$(ip netns exec "$ns" awk '/^Udp: [0-9]/ {print $2, $6}' \
		/proc/net/snmp)
	run_log rx_sockperf $((TP_S + 30)) ip netns exec "$ns" taskset -c 0 \
		sockperf tp -i 127.0.0.1 -p 11222 -m 64 -t "$TP_S" || true
	b=$(ip netns exec "$ns" awk '/^Udp: [0-9]/ {print $2, $6}' \
		/proc/net/snmp)
	stop_bg "$srv"
	{
		echo "name=rx_sockperf"
		echo "kind=throughput"
		awk -v a="$a" -v b="$b" -v t="$TP_S" 'BEGIN {
			split(a, x); split(b, y)
			printf "recv_rate_pps=%.0f\n", (y[1] - x[1]) / t
			printf "drop_rcvbuf_errors=%d\n", y[2] - x[2] }'
		sed -n 's/.*Message Rate is \([0-9]*\).*/offered_pps=\1/p' \
			"$out/logs/rx_sockperf.log"
	} >"$out/rx_sockperf.summary"
}

s_rx() {
	local pin="generator (testpmd txonly) CPU0"

	want rx || return 0
	measure rx_rxonly rx "testpmd rxonly over the same memif (floor)" "" \
		"$pin, rxonly forwarder CPU1 (2 busy threads)" -- rx_rxonly
	measure rx_provider rx "provider: 1 lcore into 1 socket, 1 app thread" \
		rx_rxonly \
		"$pin, lcore CPU1, app thread CPU0 with the generator (3 busy threads); rate = datagrams the application received" \
		-- rx_provider rx_provider 1
	measure rx_provider_lcore rx \
		"provider lcore alone: nobody reads the socket" rx_rxonly \
		"$pin, lcore CPU1 (2 busy threads); rate = frames the lcore took off the port and demultiplexed (the socket is full: dropped, udp_rx_full)" \
		-- rx_provider rx_provider_lcore 0
	measure rx_sockperf rx "sockperf UDP 127.0.0.1 throughput (kernel)" "" \
		"client CPU0, server CPU1; rate = datagrams the kernel delivered (Udp InDatagrams)" \
		-- rx_sockperf
}

# ---- 5. lifecycle ----

life_provider() {
	run_log life_provider $((CYCLE_S + 60)) env $(prov_env C) WSPDK_DEVICE=loop \
		"$build/perf/wscycle" --cycles "$CYCLES" --seconds "$CYCLE_S" \
		--cpu 0 --out "$out" --name life_provider
}

life_bare() {
	run_log life_bare $((BARE_S + 60)) "$build/perf/rawdpdk" --mode cycle \
		--cycles "$CYCLES" --seconds "$BARE_S" --out "$out" \
		--name life_bare -- -l 0-1 --no-pci --huge-unlink --no-shconf \
		--file-prefix "${tag}c" --log-level=warning
}

s_lifecycle() {
	measure life_provider lifecycle "provider: WSAStartup+WSACleanup (loop)" \
		life_bare "app CPU0, lcore CPU1" -- life_provider
	measure life_bare lifecycle "bare DPDK device cycle" "" \
		"pool, rte_eth_from_rings, configure, start, lcore launch/stop, stop, close, remove, free" \
		-- life_bare
}

# ---- 6. multicast fan-out ----

MC_GROUP=239.1.2.3
MC_MAC=01:00:5e:01:02:03

# testpmd txonly floods the group; N sockets on the port joined it, one
# app thread drains them all. Rate = deliveries the application read.
mc_provider() {	# mc_provider NAME MEMBERS
	sink "$1" "$MC_S" $MC_GROUP $MC_MAC --threads 1 --group $MC_GROUP \
		--members "$2"
}

s_fanout() {
	local n

	want fanout || return 0
	"$here/tools/pf_load.py" wait --log "$out/load.log" \
		--max "$FOREIGN_MAX" --timeout "$QUIET_S" >/dev/null
	log "fanout: lcore cost of one datagram to 0..512 members"
	run_log fanout 120 taskset -c 1 "$build/perf/fanout" --rounds "$FAN" \
		--file-prefix "${tag}f" || log "fanout failed; see logs/fanout.log"
	for n in 1 2 4 8; do
		measure "mc_fan_$n" fanout \
			"provider: multicast into $n joined socket(s), 1 app thread" \
			rx_rxonly \
			"generator (testpmd txonly to $MC_GROUP) CPU0, lcore CPU1, app thread CPU0; rate = deliveries the application read (datagrams x members)" \
			-- mc_provider "mc_fan_$n" "$n"
	done
}

# Appended to the report: a table of its own (no baseline process).
# "delivered" is what the members really read per datagram: below the
# member count, some were never served.
fanout_table() {
	local f=$out/logs/fanout.log

	want fanout || return 0
	if ! [ -f "$f" ] || ! grep -q '^members_1_ns=' "$f"; then
		printf '\n## Multicast fan-out (lcore, per datagram)\n\n**failed**: fanout wrote no figures; see logs/fanout.log\n' |
			tee -a "$out/report.md"
		return 0
	fi
	awk -F= '
	/^unicast_1_ns=/ { u = $2 }
	/^members_[0-9]+_/ { split($1, a, "_"); n = a[2]; k = $1
		sub("^members_[0-9]+_", "", k); v[n, k] = $2
		if (!(n in seen)) order[nn++] = n; seen[n] = 1 }
	END {
		print "\n## Multicast fan-out (lcore, per datagram)\n"
		printf "Unicast to one socket (reference): %s ns\n\n", u
		print "| members | ns | vs unicast | ns per added member | delivered per datagram | deliveries/s (M) | mbufs per datagram |"
		print "|---|---|---|---|---|---|---|"
		for (i = 0; i < nn; i++) { n = order[i]
			printf "| %d | %s | %s | %s | %s | %s | %s |\n", n,
				v[n, "ns"], v[n, "vs_unicast"],
				v[n, "ns_per_added_member"] == "" ? "-" : v[n, "ns_per_added_member"],
				v[n, "delivered"] == "" ? "-" : v[n, "delivered"],
				v[n, "deliveries_s"],
				v[n, "mbufs_per_datagram"] == "" ? "-" : v[n, "mbufs_per_datagram"] }
	}' "$f" | tee -a "$out/report.md"
}

# ---- 7. pktgen ----

s_pktgen() {
	local n rc=0

	want pktgen || return 0
	log "pktgen: sink and latency profiles (PKTGEN=${PKTGEN:-unset})"
	"$here/pktgen/run.sh" --out "$out" --tmp "$tmp" --tag "$tag" \
		--build "$build" --seconds "$TP_S" >&2 || rc=$?
	# Whatever happened in there, each measurement ends as figures,
	# skipped or failed, with its reason.
	for n in pktgen_sink pktgen_latency; do
		[ -f "$out/$n.meta" ] || printf 'scenario=pktgen\nlabel=%s\n' \
			"$n" >"$out/$n.meta"
		[ -s "$out/$n.summary" ] ||
			printf 'name=%s\nkind=failed\nreason=perf/pktgen/run.sh exited with rc %s before writing a result\nlog=logs/%s_pktgen.log\n' \
				"$n" "$rc" "$n" >"$out/$n.summary"
	done
}

# ---- 8. timers ----

# dp_timer's wheel against rte_timer, one process on CPU 1 (no baseline
# process: the baseline, rte_timer, runs in the same process and round).
s_timer() {
	local t0 t1

	want timer || return 0
	"$here/tools/pf_load.py" wait --log "$out/load.log" \
		--max "$FOREIGN_MAX" --timeout "$QUIET_S" >/dev/null
	log "timer: wheel vs rte_timer, $TMR_SIZES armed timers"
	t0=$(date +%s.%N)
	run_log timer 600 taskset -c 1 "$build/perf/timer" \
		--rounds "$TMR_ROUNDS" --sizes "$TMR_SIZES" \
		--file-prefix "${tag}w" || log "timer failed; see logs/timer.log"
	t1=$(date +%s.%N)
	"$here/tools/pf_load.py" window --log "$out/load.log" --start "$t0" \
		--end "$t1" >>"$out/logs/timer.log"
}

# Appended to the report: a table of its own.
timer_table() {
	local f=$out/logs/timer.log

	want timer || return 0
	if ! [ -f "$f" ] || ! grep -q '_ratio=' "$f"; then
		printf '\n## Timers (one lcore, ns per operation)\n\n**failed**: timer wrote no figures; see logs/timer.log\n' |
			tee -a "$out/report.md"
		return 0
	fi
	awk -F= '
	/^rounds=/ { rounds = $2 }
	/^foreign_mean_pct=/ { fm = $2 }
	/^foreign_max_pct=/ { fx = $2 }
	/^wheel_timer_bytes=/ { wb = $2 }
	/^rte_timer_bytes=/ { rb = $2 }
	/^idle_given_tsc_[0-9]+_wheel_ns=/ { it = $2 }
	/^[a-z]+_[0-9]+_(wheel_ns|rte_ns|ratio)=/ {
		split($1, a, "_"); op = a[1]; n = a[2]
		k = $1; sub("^[a-z]+_[0-9]+_", "", k); v[op, n, k] = $2
		if (!((op, n) in seen)) { seen[op, n] = 1; row[++nr] = op SUBSEP n }
	}
	END {
		print "\n## Timers (one lcore, ns per operation)\n"
		printf "dp_timer wheel (%s-byte timer) against rte_timer (%s bytes), same workload, same process; median of %s rounds; foreign load mean %s %%, max %s %% of a core.\n\n", wb, rb, rounds, fm, fx
		print "| timers | operation | wheel ns | rte_timer ns | wheel / rte_timer |"
		print "|---|---|---|---|---|"
		for (i = 1; i <= nr; i++) {
			split(row[i], r, SUBSEP)
			printf "| %s | %s | %s | %s | %s |\n", r[2], r[1],
				v[r[1], r[2], "wheel_ns"], v[r[1], r[2], "rte_ns"],
				v[r[1], r[2], "ratio"]
		}
		printf "\nThe wheel idle, given the TSC the loop already read: %s ns a call.\n", it
	}' "$f" | tee -a "$out/report.md"
}

# ---- 9. packet timestamps ----

# wststamp on the loop device: ns per datagram with Winsock timestamping
# off / RX / RX+TX (medians, interleaved blocks), one TSC read, and the
# split of one traversal: sender's QueryPerformanceCounter before
# WSASendMsg -> the lcore's RX timestamp -> the receiver's after
# WSARecvMsg (one clock, one process).
s_tstamp() {
	local t0 t1

	want tstamp || return 0
	"$here/tools/pf_load.py" wait --log "$out/load.log" \
		--max "$FOREIGN_MAX" --timeout "$QUIET_S" >/dev/null
	log "tstamp: timestamping cost and the send -> stamp -> app split"
	t0=$(date +%s.%N)
	run_log tstamp $((SP_S + 60)) env $(prov_env T) WSPDK_DEVICE=loop \
		WSPDK_PROFILE=latency "$build/perf/wststamp" --cpu 0 \
		--iters "$ITERS" --seconds "$SP_S" --out "$out" --name tstamp ||
		log "tstamp failed; see logs/tstamp.log"
	t1=$(date +%s.%N)
	"$here/tools/pf_load.py" window --log "$out/load.log" --start "$t0" \
		--end "$t1" >>"$out/logs/tstamp.log"
}

# Appended to the report: a table of its own.
tstamp_table() {
	local f=$out/tstamp.summary a=$out/tstamp_send_to_stamp.summary
	local b=$out/tstamp_stamp_to_app.summary

	want tstamp || return 0
	if ! [ -f "$f" ] || ! [ -f "$a" ] || ! [ -f "$b" ]; then
		printf '\n## Packet timestamps\n\n**failed**: wststamp wrote no figures; see logs/tstamp.log\n' |
			tee -a "$out/report.md"
		return 0
	fi
	{
		printf '\n## Packet timestamps (loop device, app CPU0, lcore CPU1)\n\n'
		printf '| timestamping | ns per datagram (p50, send to received) | cost vs off, ns | cost vs off |\n|---|---:|---:|---:|\n'
		awk -F= 'function pct(c, o) { return o > 0 ? sprintf("%.1f %%", 100 * c / o) : "" }
		{ v[$1] = $2 } END {
			printf "| off | %s | 0 | |\n", v["off_ns_per_dgram"]
			printf "| RX (SO_TIMESTAMP) | %s | %s | %s |\n", v["rx_ns_per_dgram"], v["rx_cost_ns"], pct(v["rx_cost_ns"], v["off_ns_per_dgram"])
			printf "| RX + TX (SO_TIMESTAMP_ID, SIO_GET_TX_TIMESTAMP) | %s | %s | %s |\n", v["rxtx_ns_per_dgram"], v["rxtx_cost_ns"], pct(v["rxtx_cost_ns"], v["off_ns_per_dgram"])
			printf "\nSource: %s. The lcore reads the TSC once per RX burst only while a socket has receive timestamps on; one read costs %s ns here. Stamps outside their send/receive window: %s.\n", v["source"], v["tsc_read_ns"], v["stamps_outside_window"]
		}' "$f"
		printf '\n| one traversal, ns | p50 | p90 | p99 | p99.9 | max |\n|---|---:|---:|---:|---:|---:|\n'
		for x in "sender's send -> wspdk RX timestamp:$a" \
				"RX timestamp -> application's receive:$b"; do
			awk -F= -v l="${x%%:*}" '{ v[$1] = $2 } END {
				printf "| %s | %s | %s | %s | %s | %s |\n", l,
					v["t_p50_ns"], v["t_p90_ns"], v["t_p99_ns"],
					v["t_p99.9_ns"], v["t_max_ns"]
			}' "${x#*:}"
		done
	} | tee -a "$out/report.md"
}

machine() {
	{
		echo "cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
		echo "cpus=$(nproc)"
		echo "kernel=$(uname -r)"
		echo "dpdk=$(pkg-config --modversion libdpdk 2>/dev/null)"
		echo "buildtype=$(meson introspect --buildoptions "$build" 2>/dev/null |
			python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "buildtype"))' 2>/dev/null)"
		echo "mode=$mode"
		echo "started=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	} >"$out/machine.txt"
}

main() {
	need_root
	[ "$do_build" = 1 ] && setup_packages && do_build_now
	[ -x "$build/perf/wsperf" ] || die "no $build/perf/wsperf (build first)"
	# Every tool a scenario runs, checked before any runs: a missing one
	# fails here naming its package, not as an empty figure later.
	need_tool ip taskset python3 dpdk-testpmd sockperf gnuplot ||
		die "tools missing (above)"
	# The provider apps' pools (WSPDK_MBUFS=65535: ~150 MB each), plus
	# pktgen's -m when it runs (perf/pktgen/run.sh sizes it to what is
	# free, at most PKTGEN_MEM MB).
	local pages=256
	want pktgen && [ -n "${PKTGEN:-}" ] &&
		pages=$((pages + 128 + ${PKTGEN_MEM:-1024} / 2))
	setup_hugepages "$pages" || die "cannot reserve $pages hugepages"
	out=${out:-$here/results/$(date +%Y%m%d-%H%M%S)}
	mkdir -p "$out/logs"
	out=$(cd "$out" && pwd)
	tmp=$(mktemp -d "/tmp/$tag.XXXXXX")
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	machine
	nice -n 19 "$here/tools/pf_load.py" monitor --root $$ \
		--log "$out/load.log" --interval 0.5 &
	MON=$!
	log "results in $out ($mode)"
	s_loop
	s_reflector
	s_kpeer
	s_rx
	s_lifecycle
	s_fanout
	s_pktgen
	s_timer
	s_tstamp
	s_tcp
	echo "elapsed_s=$SECONDS" >>"$out/machine.txt"
	"$here/tools/pf_report.py" report --out "$out"
	fanout_table
	timer_table
	tstamp_table
}

main
