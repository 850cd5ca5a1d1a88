#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The reflector round trip with the provider's DEFAULT blocking receive
# (the learned spin under WSPDK_SPIN_US's cap, dataplane/README.md
# "Waiting"), beside the same with a fixed spin, on 2 cores: testpmd's
# 5tswap forwarder shares CPU0 with the application, the lcore has CPU1,
# so a spinning receiver only delays its own answer.
#
#   perf/refl_wait.sh BUILD_DIR OUT_DIR [SECONDS]
#
# Writes OUT_DIR/refl_wait_learned.summary (no WSPDK_SPIN_US: the
# default wait) and OUT_DIR/refl_wait_sleep.summary (WSPDK_SPIN_US=0),
# wsperf's. Run against a build from before the learned spin, "learned"
# is the fixed 50 us spin it replaced. A line of perf/run.sh's reflector
# scenario should call it (run.sh is not edited here).
set -euo pipefail

build=$(cd "$1" && pwd)
out=$2
secs=${3:-5}
tag=wspdkw$$
sock=/tmp/$tag.sock
mkdir -p "$out"
tp=

finish() {
	set +e
	if [ -n "$tp" ]; then
		kill -TERM "$tp" 2>/dev/null
		for _ in $(seq 50); do
			kill -0 "$tp" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$tp" 2>/dev/null
		wait "$tp" 2>/dev/null
	fi
	rm -f "$sock" /dev/hugepages/"$tag"*
	rm -rf /var/run/dpdk/"$tag"*
}
trap finish EXIT

timeout --kill-after=5 $((secs * 3 + 60)) dpdk-testpmd -l 0,1 \
	--main-lcore 1 --no-pci --in-memory --file-prefix "${tag}t" \
	--log-level=warning \
	--vdev="net_memif0,role=server,id=0,socket=$sock,socket-abstract=no" \
	-- --forward-mode=5tswap --auto-start --nb-cores=1 \
	--stats-period=60 --no-mlockall --txq=1 --rxq=1 \
	--total-num-mbufs=16384 </dev/null >"$out/refl_wait_testpmd.log" 2>&1 &
tp=$!
mac=
for _ in $(seq 150); do
	mac=$(grep -oE 'Port 0: [0-9A-Fa-f:]{17}' "$out/refl_wait_testpmd.log" |
		awk '{print $3}' || true)
	[ -n "$mac" ] && [ -S "$sock" ] && break
	sleep 0.1
done
[ -n "$mac" ] || { echo "testpmd did not come up" >&2; exit 1; }

for v in learned sleep; do
	spin=()
	[ "$v" = sleep ] && spin=(WSPDK_SPIN_US=0)
	timeout --kill-after=5 $((secs + 30)) env WSPDK_LOG_LEVEL=warning \
		WSPDK_LCORES=1 "WSPDK_EAL_ARGS=--file-prefix=${tag}$v" \
		"WSPDK_DEVICE=net_memif0,role=client,id=0,socket=$sock,socket-abstract=no" \
		"WSPDK_STATIC_ARP=198.18.0.1=$mac" "${spin[@]}" \
		"$build/perf/wsperf" --mode client --peer 198.18.0.1:7001 \
		--cpu 0 --iters 20000 --warmup 2000 --seconds "$secs" \
		--out "$out" --name "refl_wait_$v" </dev/null 2>&1 |
		grep -v -e '^EAL:' -e '^TELEMETRY' >&2
done
