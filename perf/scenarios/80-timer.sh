# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# timer: dp_timer's wheel against rte_timer, one process on CPU 1 (no
# baseline process: the baseline, rte_timer, runs in the same process
# and round).

s_timer() {
	local t0 t1

	quiet_wait
	log "timer: wheel vs rte_timer, $TMR_SIZES armed timers"
	t0=$(date +%s.%N)
	run_log timer 600 taskset -c 1 "$build/perf/timer" \
		--rounds "$TMR_ROUNDS" --sizes "$TMR_SIZES" \
		--file-prefix "${tag}w" || log "timer failed; see logs/timer.log"
	t1=$(date +%s.%N)
	load_window "$t0" "$t1" >>"$out/logs/timer.log"
}

# Appended to the report: a table of its own.
t_timer() {
	local f=$out/logs/timer.log

	if ! [ -f "$f" ] || ! grep -q '_ratio=' "$f"; then
		table_failed "Timers (one lcore, ns per operation)" timer \
			logs/timer.log
		return 0
	fi
	awk -F= '
	/^rounds=/ { rounds = $2 }
	/^foreign_mean_pct=/ { fm = $2 }
	/^foreign_max_pct=/ { fx = $2 }
	/^wheel_timer_bytes=/ { wb = $2 }
	/^rte_timer_bytes=/ { rb = $2 }
	/^idle_given_tsc_[0-9]+_wheel_ns=/ { it = $2 }
	/^[a-z]+_[0-9]+_(wheel_ns|rte_ns|ratio)=/ {
		split($1, a, "_"); op = a[1]; n = a[2]
		k = $1; sub("^[a-z]+_[0-9]+_", "", k); v[op, n, k] = $2
		if (!((op, n) in seen)) { seen[op, n] = 1; row[++nr] = op SUBSEP n }
	}
	END {
		print "\n## Timers (one lcore, ns per operation)\n"
		printf "dp_timer wheel (%s-byte timer) against rte_timer (%s bytes), same workload, same process; median of %s rounds; foreign load mean %s %%, max %s %% of a core.\n\n", wb, rb, rounds, fm, fx
		print "| timers | operation | wheel ns | rte_timer ns | wheel / rte_timer |"
		print "|---|---|---|---|---|"
		for (i = 1; i <= nr; i++) {
			split(row[i], r, SUBSEP)
			printf "| %s | %s | %s | %s | %s |\n", r[2], r[1],
				v[r[1], r[2], "wheel_ns"], v[r[1], r[2], "rte_ns"],
				v[r[1], r[2], "ratio"]
		}
		printf "\nThe wheel idle, given the TSC the loop already read: %s ns a call.\n", it
	}' "$f" | tee -a "$out/report.md"
}
