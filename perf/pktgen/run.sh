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
set -euo pipefail

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

MAC=02:00:c6:12:00:02
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT

meta() {	# meta NAME LABEL NOTE
	printf 'scenario=pktgen\nlabel=%s\nnote=%s\n' "$2" "$3" >"$out/$1.meta"
}

skip() {
	local why=$1 n

	for n in pktgen_sink pktgen_latency; do
		printf 'name=%s\nkind=skipped\nreason=%s\n' "$n" "$why" \
			>"$out/$n.summary"
	done
	meta pktgen_sink "pktgen → memif → provider UDP sink" ""
	meta pktgen_latency "pktgen latency → provider UDP echo" ""
}

if [ -z "${PKTGEN:-}" ] || [ ! -x "${PKTGEN:-}" ]; then
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
command -v script >/dev/null || { skip "script(1) missing (util-linux)"; exit 0; }

# provider NAME MODE SECONDS: the app as memif server, ready when it says.
provider() {
	local name=$1 mode=$2 s=$3 sock=$tmp/pg_$1.sock i

	rm -f "$sock" "$tmp/$name.ready"
	timeout --kill-after=5 $((s + 30)) env WSPDK_LOG_LEVEL=warning \
		WSPDK_LCORES=1 "WSPDK_EAL_ARGS=--file-prefix=${tag}P$name" \
		WSPDK_MBUFS=65535 \
		"WSPDK_DEVICE=net_memif0,role=server,id=0,socket=$sock,socket-abstract=no,mac=$MAC" \
		"$build/perf/wsperf" --mode "$mode" --port 7000 --cpu 0 \
		--seconds "$s" --out "$out" --name "$name" \
		--ready-file "$tmp/$name.ready" </dev/null \
		>"$out/logs/$name.log" 2>&1 &
	PROV=$!
	PIDS+=("$PROV")
	for i in $(seq 100); do
		[ -f "$tmp/$name.ready" ] && [ -S "$sock" ] && return 0
		sleep 0.1
	done
	return 1
}

# pktgen NAME SCRIPT SECONDS: the client, under script(1) for its tty.
pktgen() {
	local name=$1 lua=$2 s=$3 sock=$tmp/pg_$1.sock

	rm -f "$tmp/$name.result"
	PF_OUT="$tmp/$name.result" PF_SECONDS="$secs" PF_DST_MAC=$MAC \
	PF_DST_IP=198.18.0.2 PF_SRC_IP=198.18.0.1 PF_DST_PORT=7000 \
	PF_FLOWS=16 PF_PREFIX="${tag}P$name" PF_LUA_DIR="$here" \
	timeout --kill-after=5 "$s" script -qefc "$PKTGEN --no-pci \
--huge-unlink -m 1024 --file-prefix ${tag}G$name \
-l ${PKTGEN_LCORES:-0-1} --vdev net_memif0,role=client,id=0,socket=$sock,socket-abstract=no \
-- -P -m ${PKTGEN_MAP:-1.0} -f $here/$lua" "$tmp/$name.typescript" \
		</dev/null >"$out/logs/${name}_pktgen.log" 2>&1 || true
}

result_kv() {	# the Lua script's key=value lines, as summary lines
	[ -f "$1" ] && cat "$1"
}

total=$((6 * (secs + 3) + 20))
if provider pktgen_sink sink "$total"; then
	pktgen pktgen_sink sink.lua "$total"
	wait "$PROV" 2>/dev/null || true
	{
		result_kv "$tmp/pktgen_sink.result"
		sed -n 's/^size64_provider_rx_pps=/rate_pps=/p' \
			"$tmp/pktgen_sink.result" 2>/dev/null
	} >>"$out/pktgen_sink.summary"
	grep -q '^done=1' "$tmp/pktgen_sink.result" 2>/dev/null ||
		echo "reason=pktgen did not finish; see logs/pktgen_sink_pktgen.log" \
			>>"$out/pktgen_sink.summary"
else
	skip "the provider sink did not start; see logs/pktgen_sink.log"
fi
meta pktgen_sink "pktgen → memif → provider UDP sink" \
	"16 flows, frame sizes 64-1518 at line rate; rate = provider rx_pkts/s for 64 B"

if provider pktgen_latency echo $((secs + 30)); then
	pktgen pktgen_latency latency.lua $((secs + 30))
	kill "$PROV" 2>/dev/null || true
	wait "$PROV" 2>/dev/null || true
	{
		echo "name=pktgen_latency"
		echo "kind=pktgen_latency"
		result_kv "$tmp/pktgen_latency.result"
	} >"$out/pktgen_latency.summary"
fi
meta pktgen_latency "pktgen latency → provider UDP echo" \
	"pktgen's own latency figures (see pktgen_latency.summary)"
