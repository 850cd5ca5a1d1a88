#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The report's repeated rows (perf/tools/pf_runs.py), from a results
# directory made up here with known figures, no benchmark run: tcp_bulk's
# rows ran in rounds (NAME.run1..N), and the report must judge each row
# by the median of its runs, give min..max and every run's placement
# label, take the ratio against the kernel as median / median, give the
# ratio over runs of one placement only, list a failed run as failed
# while its row keeps the others, and write the same into tcp.csv.
#
#   test_perf_repeats.sh        (no root, no build)
set -uo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d /tmp/wsperf-rep.XXXXXX)
trap 'rm -rf "$out"' EXIT

# run NAME K LABEL GBPS CORES [COMPARE [rc]]: one run's meta and summary
# (per core = GBPS / CORES). c2c before/after agree with the label.
run() {
	local n=$1.run$2 ns=120
	[ "$3" = far ] && ns=400
	cat >"$out/$n.meta" <<-EOF
	scenario=tcp_bulk
	label=$1 label
	compare=${6:-}
	row=$1
	run=$2
	c2c_before=$ns
	c2c_after=$ns
	c2c_label=$3
	attempts=1
	flagged=0
	rc=${7:-0}
	log=logs/$n.log
	foreign_mean_pct=1.0
	foreign_max_pct=3.0
	EOF
	if [ "${7:-0}" != 0 ]; then
		printf 'name=%s\nkind=failed\nreason=exited with rc %s\n' \
			"$n" "$7" >"$out/$n.summary"
		return
	fi
	printf 'name=%s\nkind=goodput\ngbps=%s\ncpu_cores=%s\nbytes=1\nseconds=4\ncounted_at=receiver\nstat_tcp_tx=9\nstat_tcp_rexmit=%s\n' \
		"$n" "$4" "$5" "$2" >"$out/$n.summary"
}

# provider per core 10 (near), 40 (far), 20 (near): median 20, 10..40.
run tcp_bulk_provider 1 near 20 2 tcp_bulk_kernel
run tcp_bulk_provider 2 far 40 1 tcp_bulk_kernel
run tcp_bulk_provider 3 near 40 2 tcp_bulk_kernel
# ktcp per core 8 (near), 16 (far), 12 (far): median 12; near 8, far 14.
run tcp_bulk_kernel 1 near 16 2
run tcp_bulk_kernel 2 far 16 1
run tcp_bulk_kernel 3 far 12 1
# iperf3: an even count, median (5 + 7) / 2 = 6; its third run failed.
run tcp_bulk_iperf3 1 near 5 1
run tcp_bulk_iperf3 2 mixed 7 1
run tcp_bulk_iperf3 3 far 0 1 "" 1
# vtap: 6 (far), 9 (near), 3 (far): median 6.
run tcp_bulk_vtap 1 far 6 1 tcp_bulk_kernel
run tcp_bulk_vtap 2 near 9 1 tcp_bulk_kernel
run tcp_bulk_vtap 3 far 3 1 tcp_bulk_kernel
# The other ways over the vtap: sleeping 4, 5, 2 (median 4, below
# vtap's); zero-copy 10, 15, 14 (median 14, the best: it judges).
run tcp_bulk_vtap_sleep 1 far 4 1 tcp_bulk_kernel
run tcp_bulk_vtap_sleep 2 near 5 1 tcp_bulk_kernel
run tcp_bulk_vtap_sleep 3 far 2 1 tcp_bulk_kernel
run tcp_bulk_vtap_zc 1 far 10 1 tcp_bulk_kernel
run tcp_bulk_vtap_zc 2 near 15 1 tcp_bulk_kernel
run tcp_bulk_vtap_zc 3 far 14 1 tcp_bulk_kernel

"$here/tools/pf_report.py" report --out "$out" >"$out/stdout.md" ||
	{ echo "FAIL: pf_report.py report exited with $?" >&2; exit 1; }

python3 - "$out" <<'EOF'
import csv, os, sys

out = sys.argv[1]
report = open(os.path.join(out, "report.md")).read()
errors = []

def row(text, where=report):
    r = [l for l in where.splitlines() if l.startswith("| " + text)]
    if not r:
        errors.append("no row '%s'" % text)
        return ""
    return r[0]

def has(r, what, why):
    if what not in r:
        errors.append("%s: no '%s' in: %s" % (why, what, r))

tcp = report.split("## TCP (issue 13)", 1)[-1].split("\n## ", 1)[0]
p = row("tcp_bulk_provider label", tcp)
has(p, "| 3 of 3 |", "provider runs")
has(p, "| 20.000 (10.000..40.000) |", "provider median (min..max)")
# median / median: 20 / 12, not a single run's 10 / 8 or 40 / 16.
has(p, "| 1.67× |", "provider vs kernel, median / median")
# near: median(10, 20) / 8 = 1.88 over 2:1 runs; far 40 / 14 = 2.86.
has(p, "near 1.88× (2:1 runs), far 2.86× (1:2 runs)",
    "provider vs kernel, one placement only")
has(p, "r1 10.000 near (120→120 ns), r2 40.000 far (400→400 ns), "
    "r3 20.000 near", "provider's runs and their placements")
has(p, "r1 rexmit 1; r2 rexmit 2; r3 rexmit 3", "counters of each run")
i = row("tcp_bulk_iperf3 label", tcp)
has(i, "| 2 of 3 |", "iperf3 keeps its two usable runs")
has(i, "| 6.000 (5.000..7.000) |", "iperf3 median of an even count")
has(i, "mixed", "iperf3's flipped run keeps its label")
v = row("tcp_bulk_vtap label", tcp)
# vtap has far runs and a near one, as the kernel: 9/8 near, 4.5/14 far.
has(v, "| 0.50× |", "vtap vs kernel, median / median")
has(v, "near 1.12× (1:1 runs), far 0.32× (2:2 runs)",
    "vtap vs kernel, one placement only")
has(tcp, "Each row ran 3 times, interleaved", "the table's note")

failed = report.split("## Failed", 1)[-1].split("\n## ", 1)[0] \
    if "## Failed" in report else ""
has(failed, "exited with rc 1", "iperf3's failed run listed as failed")
if "tcp_bulk_provider" in failed:
    errors.append("a usable row listed as failed")

glance = report.split("## Targets at a glance", 1)[-1].split("\n## ", 1)[0]
g = [l for l in glance.splitlines() if "provider → provider" in l]
g = g[0] if g else ""
# The better baseline by median is ktcp (12 > 6): 20 / 12 = 1.67, met.
# One-placement ratios against each baseline that has such runs: ktcp
# near and far, iperf3 near only (its other usable run was mixed).
has(g, "20.000 Gbit/s per core, median of 3 runs (10.000..40.000; "
    "near far near) = 1.67× the better baseline (median / median); runs "
    "of one placement only: ktcp near 1.88× (2:1 runs), far 2.86× (1:2 "
    "runs); iperf3 near 3.00× (2:1 runs)", "glance: provider")
has(g, "ktcp 12.000 Gbit/s per core, median of 3 runs", "glance: ktcp")
has(g, "iperf3 6.000 Gbit/s per core, median of 2 runs", "glance: iperf3")
has(g, "| met |", "glance: judged on the medians")
t = [l for l in glance.splitlines() if "provider → kernel (tap)" in l]
t = t[0] if t else ""
# The best of the tap rows judges (14 / 12), named with how it ran.
has(t, "vtap, zero-copy overlapped sends (SO_SNDBUF 0), idle lcore "
    "sleeps: 14.000 Gbit/s per core, median of 3 runs (10.000..15.000; "
    "far near far) = 1.17×", "glance: the best tap row")
has(t, "| met |", "glance: tap judged on the best row's medians")
tg = row("tcp: tcp_bulk_provider label goodput",
         report.split("\n## Targets\n", 1)[-1])
has(tg, "1.67× (20.000 vs 12.000 Gbit/s per core, medians of 3 and 3 "
    "runs); same placement only: near 1.88×", "## Targets: provider")

c = {}
with open(os.path.join(out, "tcp.csv")) as f:
    for name, _label, k, val in list(csv.reader(f))[1:]:
        c[(name, k)] = val
for (name, k), want in {
        ("tcp_bulk_provider", "runs"): "3",
        ("tcp_bulk_provider", "gbps_per_core_median"): "20.000",
        ("tcp_bulk_provider", "gbps_per_core_min"): "10.000",
        ("tcp_bulk_provider", "gbps_per_core_max"): "40.000",
        ("tcp_bulk_provider", "c2c_labels"): "near,far,near",
        ("tcp_bulk_provider", "vs_tcp_bulk_kernel_median_ratio"): "1.667",
        ("tcp_bulk_provider", "vs_tcp_bulk_kernel_near_ratio"): "1.875",
        ("tcp_bulk_provider", "vs_tcp_bulk_kernel_far_ratio"): "2.857",
        ("tcp_bulk_provider.run2", "gbps_per_core_all_processes"): "40.000",
        ("tcp_bulk_provider.run2", "c2c_label"): "far",
        ("tcp_bulk_iperf3", "runs_ok"): "2",
        ("tcp_bulk_iperf3", "gbps_per_core_median"): "6.000"}.items():
    if c.get((name, k)) != want:
        errors.append("tcp.csv: %s %s = %s, want %s" % (
            name, k, c.get((name, k)), want))
if ("tcp_bulk_iperf3.run3", "gbps") in c:
    errors.append("tcp.csv: the failed run has figures")

# The runs' plot: every usable run a point, with its placement.
if os.path.exists("/usr/bin/gnuplot"):
    p = os.path.join(out, "tcp_bulk_runs.png")
    if not os.path.exists(p) or open(p, "rb").read(4) != b"\x89PNG":
        errors.append("tcp_bulk_runs.png: no PNG")
pts = [l.split() for l in open(os.path.join(out, "tcp_bulk_runs.dat"))
       if not l.startswith("#")]
if len(pts) != 17 or sorted(x[3] for x in pts).count("0") != 7:
    errors.append("tcp_bulk_runs.dat: %d points, want 17 (7 near)" %
                  len(pts))

if errors:
    print("\n".join("FAIL: " + e for e in errors), file=sys.stderr)
    sys.exit(1)
print("repeated rows: medians, ranges, placement labels and same-placement "
      "ratios in the table, the targets and tcp.csv")
EOF
