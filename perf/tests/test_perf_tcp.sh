#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Not a timing test: the TCP scenarios of perf/run.sh (tcp_lat, tcp_bulk,
# tcp_conn; perf/scenarios/9*-tcp_*.sh) run for a second or so each, and
# the report must carry every row -- ping-pong percentiles beside the
# kernel's, goodput per core beside the kernel's (ktcp and iperf3),
# connection rates, memory per connection, the TCP targets judged at the
# top and tcp.csv -- so the benchmarks cannot rot. Figures are
# not judged, only that each measurement produced one. tcp_bulk runs two
# rounds here (TCP_BULK_REPEATS=2): every row once, then every row again,
# and each row of the report is the median of its runs with their
# placement labels.
#
#   test_perf_tcp.sh BUILD_DIR      (meson passes it; needs root)
set -uo pipefail

build=${1:?build directory}
here=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d /tmp/wsperf-tcp.XXXXXX)
trap 'rm -rf "$out"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "must run as root (hugepages, namespaces)"
BUILD_DIR=$build TCP_BULK_REPEATS=2 "$here/run.sh" --smoke --no-build --out "$out/r" \
	--only tcp_lat,tcp_bulk,tcp_conn >"$out/stdout.md" 2>"$out/stderr.log"
rc=$?
if [ $rc -ne 0 ]; then
	tail -40 "$out/stderr.log" >&2
	fail "perf/run.sh --smoke --only tcp_* exited with $rc"
fi

python3 - "$out/r" "$out/stdout.md" <<'PY' || { tail -60 "$out/stderr.log" >&2; exit 1; }
import csv, os, sys

out, stdout = sys.argv[1], sys.argv[2]
errors = []

def kv(name):
    d = {}
    try:
        with open(os.path.join(out, name + ".summary")) as f:
            for line in f:
                if "=" in line:
                    k, v = line.rstrip("\n").split("=", 1)
                    d[k] = v
    except OSError:
        errors.append("%s: no summary" % name)
    return d

def positive(name, s, key):
    try:
        if float(s[key]) > 0:
            return
    except (KeyError, ValueError):
        pass
    errors.append("%s: %s not a positive figure (kind %s, %s)" % (
        name, key, s.get("kind"), s.get("reason", "")))

for n in ("tcp_pp_provider_nb", "tcp_pp_provider", "tcp_pp_kernel_busy",
          "tcp_pp_kernel_block"):
    s = kv(n)
    if s.get("kind") != "latency" or s.get("lost") != "0":
        errors.append("%s: kind %s, lost %s" % (n, s.get("kind"),
                                                s.get("lost")))
    for k in ("samples", "rtt_p50_ns", "rtt_p99_ns", "rtt_p99.9_ns"):
        positive(n, s, k)
BULK = ("tcp_bulk_provider", "tcp_bulk_tap", "tcp_bulk_kernel",
        "tcp_bulk_iperf3")
RUNS = 2
for n in BULK:
    for k in range(1, RUNS + 1):
        s = kv("%s.run%d" % (n, k))
        for key in ("gbps", "cpu_cores", "gbps_per_core"):
            positive("%s.run%d" % (n, k), s, key)
    # The tap run counts the kernel receiver too: its bytes arrived.
        if n == "tcp_bulk_tap":
            positive("tcp_bulk_tap.run%d" % k, s, "peer_gbps")
        if os.path.exists(os.path.join(out, n + ".summary")):
            errors.append("%s: a summary outside the runs" % n)

def meta(name):
    d = {}
    with open(os.path.join(out, name + ".meta")) as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("=")
            d[k] = v
    return d

# Rounds: every bulk row's first run before any row's second, each run
# with its placement measured before and after it.
metas = [(n, k, meta("%s.run%d" % (n, k)))
         for n in BULK for k in range(1, RUNS + 1)
         if os.path.exists(os.path.join(out, "%s.run%d.meta" % (n, k)))]
last1 = max((float(m["started"]) for n, k, m in metas if k == 1),
            default=0)
first2 = min((float(m["started"]) for n, k, m in metas if k == 2),
             default=0)
if not last1 < first2:
    errors.append("tcp_bulk: the rounds are not interleaved (last run 1 "
                  "at %s, first run 2 at %s)" % (last1, first2))
for n, k, m in metas:
    if (m.get("row"), m.get("run"), m.get("runs")) != (n, str(k),
                                                       str(RUNS)):
        errors.append("%s.run%d.meta: row/run/runs %s" % (
            n, k, (m.get("row"), m.get("run"), m.get("runs"))))
    if m.get("c2c_label") not in ("near", "far", "mixed", "?") or \
            "c2c_before" not in m or "c2c_after" not in m:
        errors.append("%s.run%d.meta: no placement" % (n, k))
    if m.get("log") != "logs/%s.run%d.log" % (n, k) or \
            not os.path.exists(os.path.join(out, m.get("log", "-"))):
        errors.append("%s.run%d: no log of its own (%s)" % (
            n, k, m.get("log")))
for n in ("tcp_conn_provider", "tcp_conn_provider_rst", "tcp_conn_kernel",
          "tcp_conn_kernel_rst"):
    s = kv(n)
    positive(n, s, "conns_per_s")
s = kv("tcp_mem_provider")
for k in ("conns", "established_bytes_per_conn"):
    positive("tcp_mem_provider", s, k)
# A TIME-WAIT record takes no memory of its own once the pool exists
# (taken at start): hugepages 0, and under ASan malloc's count is 0 too.
try:
    if float(s["timewait_bytes_per_conn"]) < 0:
        raise ValueError
except (KeyError, ValueError):
    errors.append("tcp_mem_provider: timewait_bytes_per_conn not a figure "
                  "(kind %s)" % s.get("kind"))

report = open(stdout).read()
if report != open(os.path.join(out, "report.md")).read():
    errors.append("stdout differs from report.md")
# The memory table says whose its C heap is, with the bytes a socket.
if "C heap: the provider's socket objects, %.0f B a socket" % (
        float(s.get("established_malloc_bytes_per_conn", "nan")) / 2) \
        not in report:
    errors.append("the memory table does not say whose its C heap is")
for h in ("## TCP (issue 13)", "| measurement | runs | Gbit/s per core: "
          "median (min..max) | vs kernel per core (median / median) |",
          "Each row ran %d times, interleaved" % RUNS,
          "| measurement | connections |", "Memory per idle connection",
          "kernel TCP 127.0.0.1 64 B ping-pong, busy-poll",
          "provider TCP 64 B ping-pong, non-blocking recv busy-poll",
          "0.2× kernel TCP busy-poll p50", "≥ 1.0× kernel loopback",
          "100 k idle connections"):
    if h not in report:
        errors.append("report: no '%s'" % h)
glance = report.split("## Targets at a glance", 1)[-1].split("\n## ", 1)[0]
for t in ("ping-pong p50 ≤ 0.2× kernel busy-poll (busy-poll app)",
          "provider → provider (loop port) ≥ 1.0× kernel loopback",
          "provider → kernel (tap) ≥ 1.0× kernel loopback",
          "connection rate", "bytes per idle connection"):
    row = [l for l in glance.splitlines() if t in l]
    if not row:
        errors.append("targets at a glance: no row for '%s'" % t)
    elif "| not run" in row[0] or "| failed" in row[0]:
        errors.append("targets at a glance: '%s' has no figure: %s"
                      % (t, row[0]))
bulk = [l for l in glance.splitlines() if "provider → provider" in l]
if bulk and not ("ktcp " in bulk[0] and "iperf3 " in bulk[0]):
    errors.append("targets at a glance: bulk not against both kernel "
                  "baselines: %s" % bulk[0])
# Each bulk row: both runs, their median and range, each run's
# figure and placement label, as the run's own files have them.
def per_core(s):
    return float(s["gbps"]) / (float(s["cpu_cores"]) +
                               float(s.get("peer_cpu_cores", 0)))

tcp = report.split("## TCP (issue 13)", 1)[-1].split("\n## ", 1)[0]
csvv = {(r[0], r[2]): r[3] for r in
        csv.reader(open(os.path.join(out, "tcp.csv")))}
for n in BULK:
    try:
        figs = [per_core(kv("%s.run%d" % (n, k))) for k in
                range(1, RUNS + 1)]
    except (KeyError, ValueError, ZeroDivisionError):
        continue        # said above
    label = meta(n + ".run1")["label"]
    row = [l for l in tcp.splitlines() if l.startswith("| %s |" % label)]
    if not row:
        errors.append("TCP table: no row for %s" % n)
        continue
    want = ["| %d of %d |" % (RUNS, RUNS), "| %.3f (%.3f..%.3f) |" % (
        sum(figs) / len(figs), min(figs), max(figs))]
    want += ["r%d %.3f %s (" % (k, figs[k - 1], meta(
        "%s.run%d" % (n, k))["c2c_label"]) for k in range(1, RUNS + 1)]
    for w in want:
        if w not in row[0]:
            errors.append("TCP table, %s: no '%s' in %s" % (n, w, row[0]))
    if csvv.get((n, "gbps_per_core_median")) != \
            "%.3f" % (sum(figs) / len(figs)):
        errors.append("tcp.csv: %s median %s, runs %s" % (
            n, csvv.get((n, "gbps_per_core_median")), figs))
if "(median / median); runs of one placement only: " not in glance:
    errors.append("targets at a glance: bulk not judged on medians with "
                  "the one-placement ratio")
if "## Failed" in report:
    errors.append("report: a TCP measurement failed:\n" +
                  report.split("## Failed", 1)[1].split("## ", 1)[0])
for f in ("tcp.csv", "latency.csv", "targets.csv"):
    try:
        with open(os.path.join(out, f)) as fh:
            r = list(csv.reader(fh))
        if len(r) < 2 or any(len(x) != len(r[0]) for x in r):
            errors.append("%s: malformed" % f)
    except OSError:
        errors.append("%s: missing" % f)
names = {r[0] for r in csv.reader(open(os.path.join(out, "tcp.csv")))}
for n in ("tcp_bulk_provider", "tcp_bulk_tap", "tcp_bulk_kernel",
          "tcp_bulk_iperf3", "tcp_conn_provider", "tcp_mem_provider"):
    if n not in names:
        errors.append("tcp.csv: no %s" % n)

if errors:
    print("\n".join("FAIL: " + e for e in errors), file=sys.stderr)
    sys.exit(1)
print("TCP perf report well formed: ping-pong, goodput, connection rate "
      "and memory rows with their kernel baselines")
PY
rc=$?
for ns in $(ip netns list | sed -n 's/^\(wspdkp[0-9]*\)[a-z].*/\1/p'); do
	kill -0 "${ns#wspdkp}" 2>/dev/null || fail "namespace left behind: $ns"
done
exit $rc
