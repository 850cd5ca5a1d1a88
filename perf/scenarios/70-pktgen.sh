# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# pktgen: the pktgen-dpdk sink and latency profiles against the provider
# (perf/pktgen/run.sh; PKTGEN names the binary, else both are skipped
# saying how to get one).

# pktgen's -m when it runs (perf/pktgen/run.sh sizes it to what is free,
# at most PKTGEN_MEM MB).
want pktgen && [ -n "${PKTGEN:-}" ] &&
	PAGES=$((PAGES + 128 + ${PKTGEN_MEM:-1024} / 2))
want pktgen && TOOLS+=(luac5.3)

# Every Lua profile compiles with Lua 5.3 (as pktgen 23.06 embeds it):
# checked in every run, with or without a pktgen to run them.
pktgen_lua() {
	local f n=0 bad=0

	for f in "$here"/pktgen/*.lua; do
		n=$((n + 1))
		luac5.3 -p "$f" >>"$out/logs/pktgen_lua.log" 2>&1 ||
			bad=$((bad + 1))
	done
	printf 'name=pktgen_lua\nkind=check\nfiles=%d\nfailed=%d\nchecker=luac5.3 -p\n' \
		"$n" "$bad" >"$out/pktgen_lua.summary"
	[ "$bad" -eq 0 ] && [ "$n" -gt 0 ]
}

s_pktgen() {
	local n rc=0

	measure pktgen_lua pktgen "pktgen Lua profiles compile (luac5.3 -p)" \
		"" "" -- pktgen_lua
	log "pktgen: sink and latency profiles (PKTGEN=${PKTGEN:-unset})"
	"$here/pktgen/run.sh" --out "$out" --tmp "$tmp" --tag "$tag" \
		--build "$build" --seconds "$TP_S" >&2 || rc=$?
	# Whatever happened in there, each measurement ends as figures,
	# skipped or failed, with its reason.
	for n in pktgen_sink pktgen_latency; do
		[ -f "$out/$n.meta" ] || printf 'scenario=pktgen\nlabel=%s\n' \
			"$n" >"$out/$n.meta"
		[ -s "$out/$n.summary" ] ||
			printf 'name=%s\nkind=failed\nreason=perf/pktgen/run.sh exited with rc %s before writing a result\nlog=logs/%s_pktgen.log\n' \
				"$n" "$rc" "$n" >"$out/$n.summary"
	done
}
