#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Not a timing test: the TCP scenarios of perf/run.sh (tcp_lat, tcp_bulk,
# tcp_conn; perf/scenarios/9*-tcp_*.sh) run for a second or so each, and
# the report must carry every row -- ping-pong percentiles beside the
# kernel's, goodput per core beside the kernel's (ktcp and iperf3),
# connection rates, memory per connection, the TCP targets judged at the
# top and tcp.csv -- so the benchmarks cannot rot. Figures are
# not judged, only that each measurement produced one.
#
#   test_perf_tcp.sh BUILD_DIR      (meson passes it; needs root)
set -uo pipefail

build=${1:?build directory}
here=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d /tmp/wsperf-tcp.XXXXXX)
trap 'rm -rf "$out"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "must run as root (hugepages, namespaces)"
BUILD_DIR=$build "$here/run.sh" --smoke --no-build --out "$out/r" \
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
for n in ("tcp_bulk_provider", "tcp_bulk_tap", "tcp_bulk_kernel",
          "tcp_bulk_iperf3"):
    s = kv(n)
    for k in ("gbps", "cpu_cores", "gbps_per_core"):
        positive(n, s, k)
# The tap run counts the kernel receiver too: its bytes arrived.
positive("tcp_bulk_tap", kv("tcp_bulk_tap"), "peer_gbps")
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
for h in ("## TCP (issue 13)", "| measurement | Gbit/s |",
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
