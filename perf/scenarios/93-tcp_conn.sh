# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# tcp_conn: connect + close per second (graceful and reset), provider and
# kernel; memory per idle connection, established and in TIME-WAIT, up to
# TCP_CONNS or the first limit hit. Wrappers: perf/lib/run_tcp.sh.

SINGLE_CORE+=" tcp_conn_kernel tcp_conn_kernel_rst"
# TCP_CONNS connections, both ends (~3.7 kB of hugepages the idle pair:
# no RX ring before the first data) plus the pools and the listeners'
# spares; 2 MB pages.
PAGES=$((PAGES + TCP_CONNS * 6 / 2048 + 128))
# The memory row's bound, at most (the connection rate unknown).
TCP_MEM_MAX_S=600

# tcp_mem_limit OPEN_S: the memory row's bound follows its work. wstcp
# stops opening at OPEN_S itself; the rest (closing what it opened, the
# cleanup) scales with the connections, at most TCP_CONNS, at the rate
# this run's connrate row just measured under the same load. A
# connection of this row costs roughly 12 of connrate's (100 000 open
# at once: 135-150 s at load 17+, when connrate does ~11 000/s): taken
# twice over (TCP_MEM_COST), plus 60 s for the start and the pauses
# around the memory reads. Under load the rate falls and the bound
# grows with it, up to TCP_MEM_MAX_S.
TCP_MEM_COST=24
tcp_mem_limit() {
	local rate

	rate=$(sed -n 's/^conns_per_s=//p' "$out/tcp_conn_provider.summary" \
		2>/dev/null)
	awk -v r="${rate:-0}" -v n="$TCP_CONNS" -v o="$1" \
		-v k="$TCP_MEM_COST" -v max="$TCP_MEM_MAX_S" 'BEGIN {
		s = r > 0 ? 60 + o + k * n / r : max
		printf "%d\n", s < max ? s : max
	}'
}

s_tcp_conn() {
	local pin="app thread CPU0, lcore CPU1" n=$TCP_CONN_ITERS

	measure tcp_conn_provider tcp_conn \
		"provider connect + close, graceful (TIME-WAIT)" \
		tcp_conn_kernel "$pin" -- \
		tcp_prov tcp_conn_provider "$CONN_S" TC --mode connrate --iters "$n"
	measure tcp_conn_provider_rst tcp_conn \
		"provider connect + close, reset (SO_LINGER 0)" \
		tcp_conn_kernel_rst "$pin" -- tcp_prov tcp_conn_provider_rst \
		"$CONN_S" TR --mode connrate --iters "$n" --abort
	measure tcp_conn_kernel tcp_conn \
		"kernel connect + close 127.0.0.1, graceful" "" "one thread CPU0" \
		-- tcp_kern tcp_conn_kernel "$CONN_S" --mode connrate --iters "$n"
	measure tcp_conn_kernel_rst tcp_conn \
		"kernel connect + close 127.0.0.1, reset" "" "one thread CPU0" \
		-- tcp_kern tcp_conn_kernel_rst "$CONN_S" --mode connrate \
		--iters "$n" --abort
	# One address has 16 384 ephemeral ports: two listeners, clients
	# binding their own ports, reach 100 000.
	TCP_LIMIT_S=$(tcp_mem_limit $((CONN_S * 20))) \
		TCP_SOCKETS=$((TCP_CONNS * 2 + 1000)) measure tcp_mem_provider \
		tcp_conn "provider memory per idle connection (loop port)" "" \
		"both ends in the process; $TCP_CONNS wanted, stops at the first limit" \
		-- tcp_prov tcp_mem_provider $((CONN_S * 20)) TM --mode idle \
		--conns "$TCP_CONNS" --listeners 2
}
