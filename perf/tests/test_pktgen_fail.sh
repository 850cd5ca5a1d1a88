#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A pktgen that fails must be reported as failed, with its reason and
# log, never as a figure (issue 18: a pktgen that never started showed
# as "0.000" with "none" drops). perf/run.sh --smoke --only pktgen runs
# with PKTGEN set to a stand-in (fake_pktgen.sh) that fails in each way
# a real one can; the real provider apps (sink, echo) run as memif
# servers. Needs root and hugepages, no generator.
#
#   test_pktgen_fail.sh BUILD_DIR      (meson passes it)
set -uo pipefail

build=${1:?build directory}
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d /tmp/wspgfail.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "must run as root (hugepages)"

# mode: the words the report's reason must contain
declare -A want=(
	[nostart]="pktgen did not start: EAL: Not enough memory"
	[exit]="pktgen exited with rc 3"
	[noresult]="wrote no result file"
	[empty]="result file is empty"
)
for mode in nostart exit noresult empty; do
	r=$tmp/$mode
	FAKE_PKTGEN=$mode PKTGEN=$here/tests/fake_pktgen.sh \
		PKTGEN_MEM=64 PKTGEN_MIN_MEM=1 BUILD_DIR=$build \
		timeout 120 "$here/run.sh" --smoke --no-build --only pktgen \
		--out "$r" >"$tmp/$mode.md" 2>"$tmp/$mode.err"
	rc=$?
	[ $rc -eq 0 ] || { tail -20 "$tmp/$mode.err" >&2;
		fail "$mode: perf/run.sh exited with $rc"; }
	for n in pktgen_sink pktgen_latency; do
		grep -q '^kind=failed$' "$r/$n.summary" ||
			fail "$mode: $n.summary is not kind=failed: $(cat "$r/$n.summary")"
		row=$(grep -F "| **failed** |" "$r/report.md" |
			grep -F "$(sed -n 's/^label=//p' "$r/$n.meta")")
		[ -n "$row" ] || fail "$mode: no failed row for $n in report.md"
		grep -qF "${want[$mode]}" <<<"$row" ||
			fail "$mode: $n's reason is not '${want[$mode]}': $row"
		grep -qF "logs/${n}_pktgen.log" <<<"$row" ||
			fail "$mode: $n's row names no log: $row"
		[ -f "$r/logs/${n}_pktgen.log" ] ||
			fail "$mode: logs/${n}_pktgen.log missing"
		echo "$mode: $row"
	done
	# Not a figure anywhere: no pktgen table, no 0.000 rate.
	grep -q '^### pktgen' "$r/report.md" &&
		fail "$mode: a pktgen table was written for a failed run"
	grep -q '0\.000' "$r/report.md" && fail "$mode: a 0.000 in the report"
	cmp -s "$tmp/$mode.md" "$r/report.md" ||
		fail "$mode: stdout differs from report.md"
done
# Nothing of ours left behind.
for d in /dev/hugepages/wspdkp* /var/run/dpdk/wspdkp*; do
	[ -e "$d" ] || continue
	pid=$(sed -n 's/.*wspdkp\([0-9]*\).*/\1/p' <<<"$d")
	kill -0 "$pid" 2>/dev/null || fail "left behind: $d"
done
echo "pktgen failures reported as failed, with reason and log (4 ways)"
