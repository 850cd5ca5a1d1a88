#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# perf/run.sh: every wspdk benchmark, its baselines in the same run, and
# the report (issue 4; README "Performance").
#
#   sudo ./perf/run.sh [--quick | --smoke] [--out DIR] [--only LIST]
#                      [--no-build]
#
#   (default)  full run, about 15-20 minutes on a 2-core machine
#              (tcp_bulk's five rounds of 10 s runs about 10 of them)
#   --quick    fewer samples and cycles, a few minutes (tcp_bulk's
#              three rounds of 4 s runs about 3 of them)
#   --smoke    a few iterations of every app (the meson test uses it)
#   --only     comma list of scenarios (default: all of them): loop,
#              reflector,kpeer,rx,lifecycle,first_socket,fanout,pktgen,
#              timer,tstamp,tcp_lat,tcp_bulk,tcp_conn
#   --out      results directory (default perf/results/<timestamp>)
#
# Writes the Markdown report to stdout (progress goes to stderr) and
# DIR/report.md, DIR/*.csv, DIR/*.png. BUILD_DIR names the build
# directory (default ./build, configured and built if needed); PKTGEN
# names a pktgen-dpdk binary for the pktgen scenario
# (perf/pktgen/README.md); TCP_BULK_REPEATS the rounds of tcp_bulk
# (default 5 full, 3 quick, 1 smoke; perf/lib/run_tcp.sh).
#
# Scenarios: one file each, perf/scenarios/NN-NAME.sh, run in NN order.
# A file defines s_NAME (its measurements, each through measure) and may
# define t_NAME (a table of its own appended after the report); when
# sourced it may add to SINGLE_CORE, TOOLS and PAGES. What they share
# (measure, run_log, spawn, load sampling, the placement check, the
# cleanup trap) is perf/lib/run_lib.sh; the generator and sink of rx and
# fanout perf/lib/run_gen.sh; the TCP wrappers perf/lib/run_tcp.sh.
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
only=
do_build=1

while [ $# -gt 0 ]; do
	case $1 in
	--quick) mode=quick ;;
	--smoke) mode=smoke ;;
	--out) out=$2; shift ;;
	--only) only=$2; shift ;;
	--no-build) do_build=0 ;;
	-h|--help) sed -n '2,47p' "$0"; exit 0 ;;
	*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

case $mode in
full)	ITERS=100000 WARM=10000 LAT_S=15 SLOW_S=12 TP_S=10 CYCLES=10000
	CYCLE_S=170 BARE_S=90 QUIET_S=15 RETRIES=1 SP_S=6 FAN=20000 MC_S=6
	TMR_ROUNDS=5 TMR_SIZES=100000,1000000 FS_RUNS=5 FLOOR_RUNS=3 ;;
quick)	ITERS=20000 WARM=2000 LAT_S=5 SLOW_S=4 TP_S=4 CYCLES=1000
	CYCLE_S=25 BARE_S=12 QUIET_S=2 RETRIES=0 SP_S=2 FAN=5000 MC_S=3
	TMR_ROUNDS=3 TMR_SIZES=100000,1000000 FS_RUNS=3 FLOOR_RUNS=3 ;;
smoke)	ITERS=200 WARM=20 LAT_S=3 SLOW_S=2 TP_S=2 CYCLES=20
	CYCLE_S=20 BARE_S=20 QUIET_S=0 RETRIES=0 SP_S=1 FAN=50 MC_S=2
	TMR_ROUNDS=1 TMR_SIZES=1000,10000 FS_RUNS=1 FLOOR_RUNS=1 ;;
esac
FOREIGN_MAX=10		# percent of one core (benchmarking.md)
NEAR_MAX=200		# c2c ns: below is "near", at or above "far"

tag=wspdkp$$		# every prefix, namespace, interface and socket
tmp=
# The provider apps' pools (WSPDK_MBUFS=65535: ~150 MB each); scenarios
# add theirs.
PAGES=256
TOOLS=(ip taskset python3 dpdk-testpmd sockperf gnuplot)

. "$top/setup.sh"
. "$here/lib/run_lib.sh"
. "$here/lib/run_gen.sh"
. "$here/lib/run_tcp.sh"

# Every scenario, in run order: NN-NAME.sh -> NAME.
SCEN=()
for f in "$here"/scenarios/[0-9]*-*.sh; do
	n=${f##*/}
	n=${n#*-}
	SCEN+=("${n%.sh}")
done
all=$(IFS=,; echo "${SCEN[*]}")
only=${only:-$all}
for n in ${only//,/ }; do
	[[ ",$all," == *",$n,"* ]] ||
		die "unknown scenario '$n' (scenarios: $all)"
done
for f in "$here"/scenarios/[0-9]*-*.sh; do
	. "$f"
done

do_build_now() {
	if [ ! -f "$build/build.ninja" ]; then
		log "configuring $build"
		meson setup "$build" "$top" -Dwerror=true >&2
	fi
	log "building"
	# The apps, and the provider the Ws2_32 stand-in loads at run time.
	ninja -C "$build" perf/wsperf perf/wscycle perf/kudp perf/rawdpdk \
		perf/c2c perf/timer perf/wstcp perf/ktcp perf/wststamp \
		perf/fanout provider/libwspdk.so >&2
}

main() {
	local n

	need_root
	[ "$do_build" = 1 ] && setup_packages && do_build_now
	[ -x "$build/perf/wsperf" ] || die "no $build/perf/wsperf (build first)"
	# Every tool a scenario runs, checked before any runs: a missing one
	# fails here naming its package, not as an empty figure later.
	need_tool "${TOOLS[@]}" || die "tools missing (above)"
	setup_hugepages "$PAGES" || die "cannot reserve $PAGES hugepages"
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
	for n in "${SCEN[@]}"; do
		want "$n" && "s_$n"
	done
	echo "elapsed_s=$SECONDS" >>"$out/machine.txt"
	"$here/tools/pf_report.py" report --out "$out"
	for n in "${SCEN[@]}"; do
		if want "$n" && declare -F "t_$n" >/dev/null; then
			"t_$n"
		fi
	done
}

main
