# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# tstamp: wststamp on the loop device: ns per datagram with Winsock
# timestamping off / RX / RX+TX (medians, interleaved blocks), one TSC
# read, and the split of one traversal: sender's QueryPerformanceCounter
# before WSASendMsg -> the lcore's RX timestamp -> the receiver's after
# WSARecvMsg (one clock, one process).

s_tstamp() {
	local t0 t1

	quiet_wait
	log "tstamp: timestamping cost and the send -> stamp -> app split"
	t0=$(date +%s.%N)
	run_log tstamp $((SP_S + 60)) env $(prov_env T) WSPDK_DEVICE=loop \
		WSPDK_PROFILE=latency "$build/perf/wststamp" --cpu 0 \
		--iters "$ITERS" --seconds "$SP_S" --out "$out" --name tstamp ||
		log "tstamp failed; see logs/tstamp.log"
	t1=$(date +%s.%N)
	load_window "$t0" "$t1" >>"$out/logs/tstamp.log"
}

# Appended to the report: a table of its own.
t_tstamp() {
	local f=$out/tstamp.summary a=$out/tstamp_send_to_stamp.summary
	local b=$out/tstamp_stamp_to_app.summary

	if ! [ -f "$f" ] || ! [ -f "$a" ] || ! [ -f "$b" ]; then
		table_failed "Packet timestamps" wststamp logs/tstamp.log
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
