# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# perf/lib/run_lib.sh: what every scenario of perf/run.sh shares, sourced
# by it: bounded processes (spawn, stop_bg, run_log), our namespaces and
# the cleanup trap, the placement check (c2c), foreign-load sampling and
# measure, which wraps one measurement with all of them.
#
# Uses the driver's variables: out, tmp, build, tag, mode, only, here,
# FOREIGN_MAX, NEAR_MAX, QUIET_S, RETRIES.

PIDS=()
NSS=()
MON=
# Measurements on one CPU: their figures do not depend on the placement.
# A scenario adds its own single-CPU measurements when it is sourced.
SINGLE_CORE="loop_kernel_busy loop_kernel_block loop_raw"

log() { printf '== %s\n' "$*" >&2; }
die() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }

want() {
	[[ ",$only," == *",$1,"* ]]
}

need_root() {
	[ "$(id -u)" -eq 0 ] || die "must run as root (hugepages, namespaces)"
}

# ---- processes, namespaces, cleanup ----

# spawn NAME SECONDS cmd...: start in the background, bounded, logged.
spawn() {
	local name=$1 secs=$2
	shift 2
	timeout --kill-after=5 "$secs" "$@" </dev/null >"$out/logs/$name.log" \
		2>&1 &
	BG_PID=$!
	PIDS+=("$BG_PID")
}

# stop_bg PID: TERM (testpmd prints its statistics), bounded wait, KILL.
stop_bg() {
	local pid=$1 i rc=0

	kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || rc=$?
	# A memif server polling while its client leaves may read an
	# unmapped ring (DPDK 22.11; dpdk-22.11-notes.md §1): testpmd dies
	# after its figures were logged, which is all we use of it.
	[ "$rc" -eq 139 ] && log "(that SIGSEGV was testpmd on memif disconnect, pid $pid, after its figures)"
	return 0
}

# run_log NAME SECONDS cmd...: run, bounded, output to the log and stderr.
run_log() {
	local name=$1 secs=$2
	shift 2
	timeout --kill-after=5 "$secs" "$@" </dev/null 2>&1 |
		tee "$out/logs/$name.log" | grep -v -e '^EAL:' -e '^TELEMETRY' \
		-e 'mp action callback' -e '^READY' >&2
	return "${PIPESTATUS[0]}"
}

netns_new() {
	ip netns add "$1"
	NSS+=("$1")
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	ip -n "$1" link set lo up
}

cleanup() {
	local rc=$? pid ns

	set +e
	for pid in "${PIDS[@]}"; do
		kill -0 "$pid" 2>/dev/null && stop_bg "$pid"
	done
	for ns in "${NSS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	[ -n "$MON" ] && kill "$MON" 2>/dev/null
	rm -f /dev/hugepages/"$tag"*
	rm -rf /var/run/dpdk/"$tag"*
	[ -n "$tmp" ] && rm -rf "$tmp"
	exit "$rc"
}

# ---- measurement bookkeeping ----

# "nan" when c2c cannot measure (CPU 1 too busy): labelled "?", never
# the end of the run (set -e).
c2c() {
	"$build/perf/c2c" --cpus 0,1 2>/dev/null | sed -n 's/^c2c_ns=//p' ||
		true
}

c2c_label() {
	awk -v a="$1" -v b="$2" -v n="$NEAR_MAX" 'BEGIN {
		if (a == "" || b == "" || a == "nan" || b == "nan") {
			print "?"; exit }
		x = (a < n) ? "near" : "far"; y = (b < n) ? "near" : "far"
		print (x == y) ? x : "mixed" }'
}

# quiet_wait: up to QUIET_S for the foreign load to fall below the limit.
quiet_wait() {
	"$here/tools/pf_load.py" wait --log "$out/load.log" \
		--max "$FOREIGN_MAX" --timeout "$QUIET_S" >/dev/null
}

# load_window T0 T1: the foreign load between two date +%s.%N stamps.
load_window() {
	"$here/tools/pf_load.py" window --log "$out/load.log" --start "$1" \
		--end "$2"
}

# rounds N cmd...: cmd N times (REP_RUN=1..N, REP_RUNS=N). Every measure
# in cmd files its run K as NAME.runK (.summary, .meta, logs/NAME.runK.*):
# a round runs every row once, back to back, so each row's runs and its
# baseline's are spread over the same minutes (and vCPU placements); the
# report folds NAME.run* into one row (perf/tools/pf_runs.py).
rounds() {
	local n=$1 k
	shift

	for k in $(seq "$n"); do
		[ "$n" -gt 1 ] && log "round $k of $n"
		REP_RUN=$k REP_RUNS=$n "$@"
	done
}

# The run's files NAME.* (cmd writes them under NAME) become NAME.runK.*,
# the earlier runs' own left as they are.
rep_files() {
	local name=$1 k=$2 f

	[ -f "$out/$name.summary" ] &&
		mv "$out/$name.summary" "$out/$name.run$k.summary"
	for f in "$out/logs/$name".*; do
		case $f in
		"$out/logs/$name".run[0-9]*|*'*') ;;
		*) mv "$f" "$out/logs/$name.run$k.${f#"$out/logs/$name".}" ;;
		esac
	done
}

# measure NAME SCENARIO LABEL COMPARE NOTE -- cmd...
# Runs cmd (which writes $out/NAME.summary) with the machine checked
# before and during, retrying once when foreign load was high. Inside
# rounds, the files are NAME.runK's (row=NAME, run=K in the meta).
measure() {
	local name=$1 sc=$2 label=$3 compare=$4 note=$5 attempt=0 rc
	local before after t0 t1 fmean fmax win flagged=0 mixed
	local row=$1 log=logs/$1.log
	shift 6

	if ! want "$sc"; then return 0; fi
	rm -f "$out/$row.summary"
	while :; do
		attempt=$((attempt + 1))
		quiet_wait
		before=$(c2c)
		t0=$(date +%s.%N)
		log "$sc: $label (attempt $attempt)"
		rc=0
		"$@" || rc=$?
		t1=$(date +%s.%N)
		after=$(c2c)
		win=$(load_window "$t0" "$t1")
		fmean=$(sed -n 's/^foreign_mean_pct=//p' <<<"$win")
		fmax=$(sed -n 's/^foreign_max_pct=//p' <<<"$win")
		flagged=$(awk -v f="$fmean" -v m="$FOREIGN_MAX" \
			'BEGIN { print (f != "nan" && f + 0 > m) ? 1 : 0 }')
		[ "$flagged" = 1 ] && log "foreign load ${fmean}% during $name"
		# A cross-core figure taken while the placement flipped
		# compares with nothing: take it again, once.
		mixed=0
		if [[ " $SINGLE_CORE " != *" $row "* ]] &&
				[ "$(c2c_label "$before" "$after")" = mixed ]; then
			mixed=1
			log "placement flipped during $name"
		fi
		if [ $((flagged + mixed)) -gt 0 ] &&
				[ "$attempt" -le "$RETRIES" ] &&
				[ "$SECONDS" -lt 420 ]; then
			continue
		fi
		break
	done
	if [ -n "${REP_RUN:-}" ]; then
		name=$row.run$REP_RUN
		log=logs/$name.log
		rep_files "$row" "$REP_RUN"
	fi
	[ "$rc" -ne 0 ] && log "$name failed (rc $rc); see $log"
	{
		echo "scenario=$sc"
		[ -n "${REP_RUN:-}" ] && printf 'row=%s\nrun=%s\nruns=%s\n' \
			"$row" "$REP_RUN" "${REP_RUNS:-$REP_RUN}"
		echo "label=$label"
		echo "compare=$compare"
		[ -n "$note" ] && echo "note=$note"
		echo "c2c_before=$before"
		echo "c2c_after=$after"
		echo "c2c_label=$(c2c_label "$before" "$after")"
		[[ " $SINGLE_CORE " == *" $row "* ]] && echo "single_core=1"
		echo "started=$t0"
		echo "attempts=$attempt"
		echo "flagged=$flagged"
		echo "rc=$rc"
		echo "log=$log"
		echo "$win"
	} >"$out/$name.meta"
	# A measurement that failed or wrote nothing is reported as failed,
	# never as the figures it may have left half-written.
	if [ "$rc" -ne 0 ]; then
		[ -f "$out/$name.summary" ] &&
			mv "$out/$name.summary" "$out/$name.summary.partial"
		printf 'name=%s\nkind=failed\nreason=exited with rc %s\nlog=%s\n' \
			"$name" "$rc" "$log" >"$out/$name.summary"
	elif [ ! -s "$out/$name.summary" ]; then
		printf 'name=%s\nkind=failed\nreason=ran (rc 0) but wrote no result\nlog=%s\n' \
			"$name" "$log" >"$out/$name.summary"
	fi
	return 0
}

# Provider environment shared by every provider app.
prov_env() {
	echo WSPDK_LOG_LEVEL=warning WSPDK_LCORES=1 \
		"WSPDK_EAL_ARGS=--file-prefix=${tag}$1"
}

# sp_pair NAME NS_SERVER NS_CLIENT IP busy|block: sockperf ping-pong,
# server CPU1, client CPU0 (the reflector's and kpeer's kernel baselines).
sp_pair() {
	local name=$1 nss=$2 nsc=$3 ip=$4 how=$5 nb=() port=$((11000 + RANDOM % 1000))
	local srv

	[ "$how" = busy ] && nb=(--nonblocked)
	spawn "${name}_server" $((SP_S + 40)) ${nss:+ip netns exec "$nss"} \
		taskset -c 1 sockperf sr -i "$ip" -p "$port" "${nb[@]}"
	srv=$BG_PID
	sleep 0.5
	run_log "$name" $((SP_S + 30)) ${nsc:+ip netns exec "$nsc"} taskset -c 0 \
		sockperf pp -i "$ip" -p "$port" -m 64 -t "$SP_S" --full-rtt \
		--full-log "$tmp/$name.csv" "${nb[@]}" || true
	stop_bg "$srv"
	"$here/tools/pf_report.py" sockperf --log "$tmp/$name.csv" \
		--out "$out" --name "$name" >&2
}

# table_failed TITLE PROGRAM LOG: a scenario's own table, when its
# program wrote no figures (said so, never an empty table).
table_failed() {
	printf '\n## %s\n\n**failed**: %s wrote no figures; see %s\n' \
		"$1" "$2" "$3" | tee -a "$out/report.md"
}

machine() {
	{
		echo "cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
		echo "cpus=$(nproc)"
		echo "kernel=$(uname -r)"
		echo "dpdk=$(pkg-config --modversion libdpdk 2>/dev/null)"
		echo "buildtype=$(meson introspect --buildoptions "$build" 2>/dev/null |
			python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "buildtype"))' 2>/dev/null)"
		echo "mode=$mode"
		echo "started=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	} >"$out/machine.txt"
}
