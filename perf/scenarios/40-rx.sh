# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# rx: 64 B datagrams from testpmd txonly into provider sockets, against
# testpmd rxonly on the same memif (the floor) and kernel UDP on
# 127.0.0.1 (issue 16 item 1). Generator and sink: perf/lib/run_gen.sh.

# The floor moved 5.5-17.9 Mpps between runs of one quiet hour (its
# forwarder's placement against the generator's): one run of it is a
# draw, so it is taken FLOOR_RUNS times and the best run is the floor
# (the ratio against it can only come out lower, never flattered).
rx_rxonly_once() {	# rx_rxonly_once NAME
	local pid

	gen_up rxonly

	spawn "$1_testpmd" $((TP_S + 40)) dpdk-testpmd -l 0,1 --no-pci \
		--in-memory --file-prefix "${tag}o" --log-level=warning \
		--vdev="net_memif0,role=client,id=0,socket=$tmp/rx.sock,socket-abstract=no" \
		-- --forward-mode=rxonly --auto-start --nb-cores=1 \
		--stats-period=1 --no-mlockall --txq=1 --rxq=1 \
		--total-num-mbufs=16384
	pid=$BG_PID
	sleep $((TP_S + 2))
	stop_bg "$pid"
	stop_bg "$GEN_PID"
	"$here/tools/pf_report.py" testpmd --log "$out/logs/$1_testpmd.log" \
		--out "$tmp" --name "$1" >&2
}

rx_rxonly() {
	local i best=-1 best_i=0 r rates=()

	for i in $(seq "$FLOOR_RUNS"); do
		rx_rxonly_once "rx_rxonly_$i" || continue
		r=$(sed -n 's/^rx_rate_median_pps=//p' \
			"$tmp/rx_rxonly_$i.summary")
		[ -n "$r" ] || continue
		rates+=("$r")
		if [ "$r" -gt "$best" ]; then
			best=$r
			best_i=$i
		fi
	done
	[ "$best_i" -gt 0 ] || return 1
	{
		sed 's/^name=.*/name=rx_rxonly/' "$tmp/rx_rxonly_$best_i.summary"
		echo "floor_runs=${#rates[@]}"
		echo "floor_rates_pps=$(IFS=,; echo "${rates[*]}")"
	} >"$out/rx_rxonly.summary"
}

rx_provider() {	# rx_provider NAME THREADS
	sink "$1" "$TP_S" 198.18.0.2 "$PROV_MAC" --threads "$2"
}

rx_sockperf() {
	local ns=${tag}s srv a b

	[ -e "/var/run/netns/$ns" ] || netns_new "$ns"
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

	measure rx_rxonly rx "testpmd rxonly over the same memif (floor)" "" \
		"$pin, rxonly forwarder CPU1 (2 busy threads); the best of $FLOOR_RUNS runs" \
		-- rx_rxonly
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
