# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# lifecycle: WSAStartup + WSACleanup cycles against the bare DPDK device
# cycle, with the resources at cycle 1, N/10 and N.

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
