# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# perf/lib/run_gen.sh: testpmd txonly as the traffic generator and the
# provider's wsperf sink behind it, shared by the rx and fanout scenarios
# of perf/run.sh (sourced by it, after run_lib.sh).

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

# sink NAME SECONDS DST_IP DST_MAC wsperf-args...: a generator flooding
# DST_IP, the provider's wsperf sink, and what the generator offered.
# Each measurement gets a generator of its own: a memif server sees one
# client connect and disconnect, never a second one (22.11, notes §1.3).
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
