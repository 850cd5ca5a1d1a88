#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# perf/pktgen/run.sh: scenario 6, pktgen-dpdk against the provider over
# memif (README.md here). Called by perf/run.sh:
#
#   run.sh --out DIR --tmp DIR --tag TAG --build BUILD_DIR [--seconds S]
#
# PKTGEN names the pktgen binary. Without it: how to build it goes to
# stderr, and both measurements are written as skipped with that reason.
# Otherwise the provider app is the memif server (long-lived), pktgen the
# client; every process is bounded by timeout and killed by its PID.
# Each measurement ends as figures or as kind=failed with the reason and
# the log: a run that did not start, failed or produced nothing is never
# written as a number.
#
# CPU layout (2 cores; README "Running on 2 cores"): pktgen's main lcore
# (display/timers, it spins) and its port lcore both on CPU 0
# (PKTGEN_LCORES), the provider's lcore alone on CPU 1, the sink's app
# thread on CPU 0 beside pktgen; the echo app sleeps in recv
# (WSPDK_SPIN_US=0), so the latency run has no third spinner.
# Memory: pktgen gets -m = what hugetlbfs has free once the provider holds
# its pool, less a margin, capped at PKTGEN_MEM (MB); below PKTGEN_MIN_MEM
# the measurement fails saying so.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out= tmp= tag= build= secs=10
while [ $# -gt 0 ]; do
	case $1 in
	--out) out=$2; shift ;;
	--tmp) tmp=$2; shift ;;
	--tag) tag=$2; shift ;;
	--build) build=$2; shift ;;
	--seconds) secs=$2; shift ;;
	*) echo "pktgen/run.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
[ -n "$out" ] && [ -n "$tmp" ] && [ -n "$tag" ] && [ -n "$build" ] ||
	{ echo "pktgen/run.sh: --out --tmp --tag --build needed" >&2; exit 2; }

PG_LCORES=${PKTGEN_LCORES:-0@0,1@0}
PG_MAP=${PKTGEN_MAP:-1.0}
PG_MEM_MAX=${PKTGEN_MEM:-1024}
PG_MEM_MIN=${PKTGEN_MIN_MEM:-256}
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT

meta() {	# meta NAME LABEL NOTE
	printf 'scenario=pktgen\nlabel=%s\nnote=%s\nlog=logs/%s_pktgen.log\n' \
		"$2" "$3" "$1" >"$out/$1.meta"
}

# fail NAME REASON: this measurement produced nothing usable.
fail() {
	printf 'name=%s\nkind=failed\nreason=%s\nlog=logs/%s_pktgen.log\n' \
		"$1" "$2" "$1" >"$out/$1.summary"
	echo "== pktgen: $1 failed: $2" >&2
}

skip() {
	local why=$1 n

	for n in pktgen_sink pktgen_latency; do
		printf 'name=%s\nkind=skipped\nreason=%s\n' "$n" "$why" \
			>"$out/$n.summary"
	done
}

meta pktgen_sink "pktgen → memif → provider UDP sink" \
	"16 flows, frame sizes 64-1518 at pktgen's full rate; per size: offered, lcore, socket, app, drops"
meta pktgen_latency "pktgen latency → provider UDP echo" \
	"pktgen's own latency figures, light background in frames/s"

if [ -z "${PKTGEN:-}" ]; then
	cat >&2 <<'MSG'
== pktgen: PKTGEN is not set to a pktgen binary; skipping scenario 6.
   pktgen-dpdk is not in Debian. Build pktgen-23.06.1 (the last release
   for DPDK 22.11) with meson, patching app/pktgen-port-cfg.c so that
   rte_eth_dev_set_mtu() returning -ENOTSUP (net_memif) is not fatal;
   then: PKTGEN=/path/to/build/app/pktgen sudo -E ./perf/run.sh
   Step by step: perf/pktgen/README.md
MSG
	skip "PKTGEN not set (pktgen-dpdk is not packaged by Debian): build pktgen-23.06.1 against DPDK 22.11 as perf/pktgen/README.md says, then PKTGEN=/path/to/pktgen"
	exit 0
fi
if [ ! -x "$PKTGEN" ]; then
	fail pktgen_sink "PKTGEN=$PKTGEN is not an executable file"
	fail pktgen_latency "PKTGEN=$PKTGEN is not an executable file"
	exit 0
fi
if ! command -v script >/dev/null; then
	fail pktgen_sink "script(1) missing (util-linux)"
	fail pktgen_latency "script(1) missing (util-linux)"
	exit 0
fi

# shellcheck source=provider.sh
. "$here/provider.sh"

# Hugepage memory free now, in MB.
free_mb() {
	awk '/^HugePages_Free:/ { n = $2 } /^Hugepagesize:/ { kb = $2 }
		END { print int(n * kb / 1024) }' /proc/meminfo
}

# pktgen NAME SCRIPT SECONDS [ENV...]: the client, under script(1) for its
# tty. Sets PG_RC and PG_MEM; the log is logs/NAME_pktgen.log.
pktgen() {
	local name=$1 lua=$2 s=$3 sock=$tmp/pg_$1.sock free
	shift 3

	free=$(free_mb)
	PG_MEM=$((free - 64))
	[ "$PG_MEM" -gt "$PG_MEM_MAX" ] && PG_MEM=$PG_MEM_MAX
	MEMORY="pktgen -m $PG_MEM MB of $free MB hugepages free after the provider's pool"
	if [ "$PG_MEM" -lt "$PG_MEM_MIN" ]; then
		PG_RC=-1
		return
	fi
	rm -f "$tmp/$name.result"
	PG_RC=0
	env PF_OUT="$tmp/$name.result" PF_SECONDS="$secs" PF_DST_MAC=$MAC \
		PF_DST_IP=198.18.0.2 PF_SRC_IP=198.18.0.1 PF_FLOWS=16 \
		PF_PREFIX="${tag}P$name" PF_LUA_DIR="$here" \
		PF_PROGRESS="$tmp/$name.progress" "$@" \
		timeout --kill-after=5 "$s" script -qefc "$PKTGEN --no-pci \
--huge-unlink -m $PG_MEM --file-prefix ${tag}G$name --lcores $PG_LCORES \
--vdev net_memif0,role=client,id=0,socket=$sock,socket-abstract=no,mac=$PG_MAC \
-- -P -m $PG_MAP -f $here/$lua" "$tmp/$name.typescript" \
		</dev/null >"$out/logs/${name}_pktgen.log" 2>&1 || PG_RC=$?
}

# verdict NAME SECONDS: why pktgen's run gave nothing, or "" if it did.
verdict() {
	local name=$1 s=$2 log=$out/logs/${1}_pktgen.log res=$tmp/$1.result
	local line

	if [ "$PG_RC" = -1 ]; then
		echo "only $(free_mb) MB of hugepages free after the provider's pool, pktgen needs $PG_MEM_MIN MB (raise nr_hugepages or PKTGEN_MIN_MEM)"
		return
	fi
	line=$(grep -m1 -e 'EAL: FATAL' -e 'Cannot init EAL' \
		-e 'Not enough memory' -e 'Error - exiting' \
		-e 'command not found' -e 'No such file' "$log" 2>/dev/null |
		tr -d '\r|')
	if [ -n "$line" ] && [ ! -s "$res" ]; then
		echo "pktgen did not start: $line"
	elif [ "$PG_RC" = 124 ] || [ "$PG_RC" = 137 ]; then
		echo "pktgen did not finish within $s s (killed)"
	elif [ "$PG_RC" != 0 ]; then
		line=$(grep -v '^[[:space:]]*$' "$log" 2>/dev/null | tail -1 |
			tr -d '\r|' | cut -c1-160)
		echo "pktgen exited with rc $PG_RC${line:+: $line}"
	elif [ ! -e "$res" ]; then
		echo "pktgen exited 0 but wrote no result file (the Lua profile did not run)"
	elif [ ! -s "$res" ]; then
		echo "pktgen's result file is empty"
	elif ! grep -q '^done=1$' "$res"; then
		echo "pktgen's profile stopped before its end (no done=1)"
	fi
}

layout="pktgen lcores $PG_LCORES (main+port on CPU 0), map $PG_MAP; provider lcore CPU 1"

# ---- sink ----
n=pktgen_sink
total=$((6 * (secs + 5) + 30))
PROV_ENV=()
if provider $n sink $SINK_PORT $((total + 20)) --threads 1 --cpus 0 \
		--progress-file "$tmp/$n.progress"; then
	pktgen $n sink.lua "$total" PF_DST_PORT=$SINK_PORT
	provider_stop
	why=$(verdict $n "$total")
	if [ -n "$why" ]; then
		fail $n "$why"
	else
		{
			echo "name=$n"
			echo "kind=pktgen_sink"
			echo "flows=16"
			echo "step_s=$secs"
			echo "layout=$layout; sink app thread CPU 0 (with pktgen)"
			echo "memory=$MEMORY"
			echo "log=logs/${n}_pktgen.log"
			grep -v -e '^done=' -e '^name=' -e '^kind=' \
				"$tmp/$n.result"
		} >"$out/$n.summary"
	fi
else
	provider_stop
	fail $n "the provider sink did not start; see logs/$n.log"
fi

# ---- latency ----
n=pktgen_latency
total=$((secs + 40))
PROV_ENV=(WSPDK_SPIN_US=0)
if provider $n echo $ECHO_PORT $((total + 20)) --cpu 1; then
	pktgen $n latency.lua "$total" PF_DST_PORT=$ECHO_PORT \
		PF_BG_FPS="${PKTGEN_BG_FPS:-10000}"
	provider_stop
	why=$(verdict $n "$total")
	res=$tmp/$n.result
	# pktgen's latency figures, whatever the nesting of pktStats.
	pick() {
		sed -n "s/^stats\..*latency[._]$1=//p" "$res" 2>/dev/null |
			head -1
	}
	if [ -z "$why" ] && ! [ "$(pick num_pkts)" -gt 0 ] 2>/dev/null; then
		why="pktgen counted $(pick num_pkts) latency packets; provider rx $(sed -n 's/^provider_rx=//p' "$res") tx $(sed -n 's/^provider_tx=//p' "$res"), drops: $(sed -n 's/^provider_drops=//p' "$res")"
	fi
	if [ -n "$why" ]; then
		fail $n "$why"
	else
		{
			echo "name=$n"
			echo "kind=pktgen_latency"
			echo "echo_port=$ECHO_PORT"
			echo "layout=$layout; echo app sleeps in recv (WSPDK_SPIN_US=0)"
			echo "memory=$MEMORY"
			echo "log=logs/${n}_pktgen.log"
			for k in num_pkts min_us avg_us max_us jitter_count \
					num_skipped jitter_threshold_us; do
				echo "latency_$k=$(pick $k)"
			done
			grep -v -e '^done=' -e '^name=' -e '^kind=' "$res"
		} >"$out/$n.summary"
	fi
else
	provider_stop
	fail $n "the provider echo did not start; see logs/$n.log"
fi
exit 0
