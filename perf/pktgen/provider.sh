# SPDX-License-Identifier: BSD-3-Clause
#
# perf/pktgen/provider.sh, sourced: the provider side of the pktgen
# profiles, started the one way both perf/pktgen/run.sh (before pktgen)
# and perf/tests/test_pktgen_provider.sh (before testpmd, the stand-in
# generator) start it, so what the test proves is what pktgen meets.
# The caller sets tmp, out (with out/logs), tag, build and PIDS=().

MAC=02:00:c6:12:00:02		# the provider
PG_MAC=02:00:c6:12:00:01	# the generator's memif port (vdev mac=)
ECHO_PORT=1028			# pktgen's fixed latency port (LATENCY_DPORT)
SINK_PORT=7000

PROV=
PROV_ENV=()
# provider NAME MODE PORT SECONDS WSPERF-ARGS...: the app as memif
# server (PROV_ENV: more environment), ready when it says so.
provider() {
	local name=$1 mode=$2 port=$3 s=$4 sock=$tmp/pg_$1.sock i
	shift 4

	rm -f "$sock" "$tmp/$name.ready" "$tmp/$name.progress"
	timeout --kill-after=5 "$s" env WSPDK_LOG_LEVEL=warning \
		WSPDK_LCORES=1 "WSPDK_EAL_ARGS=--file-prefix=${tag}P$name" \
		WSPDK_MBUFS=65535 "WSPDK_STATIC_ARP=198.18.0.1=$PG_MAC" \
		"WSPDK_DEVICE=net_memif0,role=server,id=0,socket=$sock,socket-abstract=no,mac=$MAC" \
		"${PROV_ENV[@]}" "$build/perf/wsperf" --mode "$mode" \
		--port "$port" --seconds "$s" --out "$tmp" \
		--name "${name}_app" --ready-file "$tmp/$name.ready" "$@" \
		</dev/null \
		>"$out/logs/$name.log" 2>&1 &
	PROV=$!
	PIDS+=("$PROV")
	for i in $(seq 100); do
		[ -f "$tmp/$name.ready" ] && [ -S "$sock" ] && return 0
		kill -0 "$PROV" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

provider_stop() {
	local i

	kill -TERM "$PROV" 2>/dev/null || return 0
	for i in $(seq 50); do
		kill -0 "$PROV" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$PROV" 2>/dev/null || true
	wait "$PROV" 2>/dev/null || true
}

