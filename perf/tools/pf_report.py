#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The perf report: tables, CSV files and gnuplot PNGs from a results dir.

Every measurement NAME in the directory has
  NAME.summary   key=value lines written by the program that measured
                 (perf/lib/pf.h), or by the converters below;
  NAME.meta      key=value lines written by perf/run.sh (measure): scenario, label,
                 role, CPU placement (c2c before/after), foreign load;
  NAME.cdf.csv   quantile,ns (latency and lifecycle distributions).
A measurement repeated in rounds is NAME.run1 .. NAME.runN, folded into
one row NAME by pf_runs.py (median of the runs, each run's placement).

  pf_report.py sockperf --log FULL_LOG --out DIR --name NAME
      sockperf's --full-log (with --full-rtt) -> NAME.summary/.cdf.csv,
      same nearest-rank rule as perf/lib/pf_stats.c
  pf_report.py testpmd --log LOG --out DIR --name NAME [--skip N]
      testpmd --stats-period 1 output -> median Rx-pps / Tx-pps
  pf_report.py iperf3 --json CLIENT_JSON --out DIR --name NAME
      iperf3 --json -> a goodput NAME.summary (pf_tcp.iperf3_summary)
  pf_report.py report --out DIR [--mode full|quick|smoke]
      report.md (also on stdout), *.csv, *.png
"""
import argparse
import csv
import glob
import math
import os
import re
import shutil
import subprocess
import sys

import pf_runs
import pf_targets
import pf_tcp

PCTS = [("p50", 0.50), ("p90", 0.90), ("p99", 0.99), ("p99.9", 0.999),
        ("p99.99", 0.9999)]
STATS = ["min", "p50", "p90", "p99", "p99.9", "p99.99", "max", "mean"]

# Scenario order and titles.
SCENARIOS = [
    ("loop", "1. loop: two own sockets over a wire loopback"),
    ("reflector", "2. reflector: memif client to testpmd 5tswap"),
    ("kpeer", "3. kernel peer: tap vs veth"),
    ("rx", "4. rx throughput: testpmd txonly over memif"),
    ("lifecycle", "5. lifecycle: WSPStartup/WSPCleanup on a ring port"),
    ("pktgen", "6. pktgen-dpdk profiles"),
    ("tcp_lat", "7. TCP 64 B ping-pong: loop port vs kernel 127.0.0.1"),
]


def read_kv(path):
    d = {}
    try:
        with open(path) as f:
            for line in f:
                line = line.rstrip("\n")
                if "=" in line:
                    k, v = line.split("=", 1)
                    d[k] = v
    except OSError:
        pass
    return d


def fnum(d, k, default=float("nan")):
    try:
        return float(d.get(k, ""))
    except ValueError:
        return default


def rank(sorted_v, q):
    i = max(1, min(len(sorted_v), int(math.ceil(q * len(sorted_v)))))
    return sorted_v[i - 1]


def write_dist(out, name, samples_ns, kind, what, extra):
    v = sorted(samples_ns)
    with open(os.path.join(out, name + ".summary"), "w") as f:
        f.write("name=%s\nkind=%s\nsamples=%d\nlost=0\n" % (name, kind,
                                                            len(v)))
        if v:
            vals = {"min": v[0], "max": v[-1], "mean": sum(v) / len(v)}
            for p, q in PCTS:
                vals[p] = rank(v, q)
            for s in STATS:
                f.write("%s_%s_ns=%.1f\n" % (what, s, vals[s]))
        for k, val in extra.items():
            f.write("%s=%s\n" % (k, val))
    if not v:
        return
    with open(os.path.join(out, name + ".cdf.csv"), "w") as f:
        f.write("quantile,ns\n")
        qs = [i / 1000 for i in range(1, 991)]
        qs += [0.99 + i / 10000 for i in range(1, 91)]
        qs += [0.999 + i / 100000 for i in range(1, 101)]
        for q in qs:
            f.write("%.6f,%.1f\n" % (q, rank(v, q)))


def cmd_sockperf(a):
    rtt = []
    with open(a.log) as f:
        for line in f:
            p = line.split(",")
            if len(p) == 4 and p[0].strip().isdigit():
                rtt.append(float(p[3]) * 1000.0)
    write_dist(a.out, a.name, rtt, "latency", "rtt",
               {"mode": "sockperf ping-pong", "payload_bytes": a.size})
    print("%s: %d sockperf round trips" % (a.name, len(rtt)))
    return 0 if rtt else 1


def cmd_testpmd(a):
    rx, tx = [], []
    with open(a.log, errors="replace") as f:
        for line in f:
            m = re.search(r"Rx-pps:\s+(\d+)", line)
            if m:
                rx.append(int(m.group(1)))
            m = re.search(r"Tx-pps:\s+(\d+)", line)
            if m:
                tx.append(int(m.group(1)))
    rx, tx = rx[a.skip:-1] or rx, tx[a.skip:-1] or tx

    def med(v):
        return sorted(v)[len(v) // 2] if v else 0
    with open(os.path.join(a.out, a.name + ".summary"), "w") as f:
        f.write("name=%s\nkind=throughput\nrx_rate_median_pps=%d\n"
                "tx_rate_median_pps=%d\nwindows=%d\n" % (
                    a.name, med(rx), med(tx), len(rx)))
    print("%s: testpmd Rx-pps median %d, Tx-pps median %d (%d windows)" % (
        a.name, med(rx), med(tx), len(rx)))
    return 0


# ---- the report ----

def load(out):
    ms = {}
    for path in sorted(glob.glob(os.path.join(out, "*.meta"))):
        name = os.path.basename(path)[:-5]
        meta = read_kv(path)
        summ = read_kv(os.path.join(out, name + ".summary"))
        ms[name] = {"name": name, "meta": meta, "s": summ}
    return pf_runs.fold(ms, run_figure, usable)


def run_figure(m):
    """What the median of a repeated row is taken of."""
    if m["s"].get("kind") == "goodput":
        return pf_tcp.per_core(m["s"])
    return rate(m)


def failure(m):
    """Why a measurement produced nothing usable, or None.

    A measurement that did not run, ran and failed, or ran and produced
    no figure is a failure: the report lists it as such and never shows
    a number for it (a 0 would read as a measurement)."""
    s, meta = m["s"], m["meta"]
    kind = s.get("kind", "")
    if kind == "skipped":
        return None
    if kind == "failed":
        return s.get("reason") or "failed (no reason given)"
    if not kind:
        return "no result written (rc %s)" % meta.get("rc", "?")
    if meta.get("rc", "0") not in ("", "0"):
        return "exited with rc %s" % meta["rc"]
    if kind == "latency" and int(fnum(s, "samples", 0)) == 0:
        return "no samples"
    if kind == "throughput" and not rate(m) > 0:
        return "no rate measured"
    if kind == "lifecycle" and int(fnum(s, "cycles", 0)) == 0:
        return "no cycles"
    if kind == "first_socket" and not fnum(s, "only_first_socket_ms", 0) > 0:
        return "no time to first socket"
    if kind == "pktgen_sink" and not sink_steps(s):
        return "no frame size with traffic offered and counted"
    if kind == "pktgen_latency" and not fnum(s, "latency_num_pkts", 0) > 0:
        return "pktgen counted no latency packets"
    return pf_tcp.failure(s)


def usable(m):
    return failure(m) is None and m["s"].get("kind") != "skipped"


def log_of(m):
    return m["s"].get("log") or m["meta"].get("log") or \
        "logs/%s.log" % m["name"]


def us(ns):
    if ns is None or math.isnan(ns):
        return "–"
    u = ns / 1000.0
    if u < 10:
        return "%.2f" % u
    if u < 1000:
        return "%.1f" % u
    return "%.0f" % u


def placement(meta):
    if "c2c_runs" in meta:
        return meta["c2c_runs"]
    b, a = meta.get("c2c_before", "nan"), meta.get("c2c_after", "nan")
    lab = meta.get("c2c_label", "?")
    if meta.get("single_core") == "1":
        lab = "one CPU"
    return "%s (%s→%s ns)" % (lab, b, a)


def load_cell(meta):
    m = meta.get("foreign_mean_pct", "nan")
    x = meta.get("foreign_max_pct", "nan")
    flag = " ⚠" if meta.get("flagged") == "1" else ""
    tries = meta.get("attempts", "1")
    t = "" if tries == "1" else " (%s tries)" % tries
    return "%s%% (max %s)%s%s" % (m, x, flag, t)


def lat(m, stat="p50"):
    if int(fnum(m["s"], "samples", 0)) == 0 or not usable(m):
        return float("nan")
    return fnum(m["s"], "rtt_%s_ns" % stat)


def latency_rows(ms):
    rows = []
    for sc, _t in SCENARIOS:
        for m in ms.values():
            if m["meta"].get("scenario") == sc and \
                    m["s"].get("kind") == "latency" and usable(m):
                rows.append(m)
    return rows


def ratio_text(ms, m):
    """The comparison line of a subject against its baselines."""
    ref = m["meta"].get("compare", "")
    parts = []
    for r in ref.split(","):
        if not r or r not in ms or ms[r]["s"].get("kind") != "latency":
            continue
        base = lat(ms[r])
        if base and not math.isnan(base) and has_lat(m):
            parts.append("%.2f× %s" % (lat(m) / base,
                                       ms[r]["meta"].get("short", r)))
    return "; ".join(parts)


def table_latency(ms, lines):
    lines.append("| scenario | measurement | n | RTT p50 | p90 | p99 | p99.9 "
                 "| p99.99 | max | mean | one-way p50 | vs baselines (p50) "
                 "| placement (c2c) | foreign load |")
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
                 "---|---|")
    for m in latency_rows(ms):
        meta, s = m["meta"], m["s"]
        lost = int(fnum(s, "lost", 0))
        n = s.get("samples", "0") + (" (%d lost)" % lost if lost else "")
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s "
                     "| %s | %s | %s |" % (
                         meta.get("scenario", "?"), meta.get("label", m["name"]),
                         n, us(lat(m)), us(lat(m, "p90")), us(lat(m, "p99")),
                         us(lat(m, "p99.9")), us(lat(m, "p99.99")),
                         us(lat(m, "max")), us(lat(m, "mean")),
                         us(lat(m) / 2), ratio_text(ms, m),
                         placement(meta), load_cell(meta)))
    lines.append("")
    lines.append("Times in µs. RTT is one full round trip (the loop "
                 "scenario's round trip is two traversals of the wire: "
                 "A→B→A); one-way is RTT/2, as sockperf reports latency. "
                 "⚠ = foreign CPU load above 10 % of a core during the run "
                 "(benchmarking.md). Placement: CPU0↔CPU1 cache-line round "
                 "trip before→after the run; near < 200 ns ≤ far; mixed = "
                 "it flipped.")


def rate(m):
    s = m["s"]
    if s.get("kind") == "failed" or \
            m["meta"].get("rc", "0") not in ("", "0"):
        return float("nan")
    for k in ("app_rate_median_pps", "rx_rate_median_pps",
              "recv_rate_pps", "rate_pps", "lcore_rx_rate_pps"):
        v = fnum(s, k)
        if not math.isnan(v):
            return v
    return float("nan")


# Provider counters that count traffic, not drops.
TRAFFIC = {"rx_pkts", "rx_bytes", "tx_pkts", "tx_bytes", "port_ipackets",
           "port_opackets", "port_ibytes", "port_obytes", "rx_broadcast",
           "rx_multicast", "arp_req_rx", "arp_reply_rx", "arp_req_tx",
           "arp_reply_tx", "icmp_echo_rx", "icmp_echo_tx", "igmp_query_rx",
           "igmp_v2_query_rx", "igmp_other_rx", "igmp_report_tx",
           "udp_zero_csum"}


def drops(s):
    keys = [k for k in sorted(s) if k.startswith("stat_") or
            k.startswith("drop_")]
    out = []
    for k in keys:
        if k.replace("stat_", "", 1) in TRAFFIC:
            continue
        v = s[k]
        if v not in ("0", "0.0"):
            out.append("%s %s" % (k.replace("stat_", ""), v))
    return ", ".join(out) or "none"


def table_throughput(ms, lines):
    rows = [m for m in ms.values() if m["meta"].get("scenario") in
            ("rx", "fanout") and usable(m)]
    if not rows:
        return
    lines.append("| measurement | rate (Mdgram/s) | vs floor | offered "
                 "(Mpps) | lcore rx / into sockets (Mpps) | drops / "
                 "counters | placement (c2c) | foreign load |")
    lines.append("|---|---:|---:|---:|---:|---|---|---|")
    for m in rows:
        meta, s = m["meta"], m["s"]
        floor = ms.get(meta.get("compare", ""))
        vs = "%.0f %%" % (100 * rate(m) / rate(floor)) if floor and \
            rate(floor) > 0 and not math.isnan(rate(m)) else ""
        if vs and same_place(m, floor):
            vs += " (placements differ)"
        off = fnum(s, "offered_pps")
        lrx, into = fnum(s, "lcore_rx_rate_pps"), fnum(s,
                                                      "into_sockets_rate_pps")
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            meta.get("label", m["name"]),
            "%.3f" % (rate(m) / 1e6) if not math.isnan(rate(m)) else "–",
            vs, "%.2f" % (off / 1e6) if not math.isnan(off) else "",
            "%.2f / %.2f" % (lrx / 1e6, into / 1e6) if not math.isnan(lrx)
            else "",
            drops(s) + ("; " + s["delivered"] if "delivered" in s else "") +
            ("; best of %s runs: %s Mpps" % (s["floor_runs"], ", ".join(
                "%.2f" % (float(x) / 1e6) for x in
                s["floor_rates_pps"].split(",") if x))
             if "floor_rates_pps" in s else ""),
            placement(meta), load_cell(meta)))
    lines.append("")


def table_lifecycle(ms, lines):
    rows = [m for m in ms.values() if m["s"].get("kind") == "lifecycle" and
            usable(m)]
    if not rows:
        return
    lines.append("| measurement | cycles | cycles/s | p50 ms | p99 ms | max "
                 "ms | at cycle 1 / N/10 / N: own hugepages kB, fds, threads, "
                 "RSS kB | time to first socket | foreign load |")
    lines.append("|---|---:|---:|---:|---:|---:|---|---|---|")
    for m in rows:
        s = m["s"]
        cps = s.get("checkpoints", "1,1,1").split(",")
        figs = []
        for k in ("hugetlb_kb", "fds", "threads", "rss_kb"):
            figs.append("%s %s" % (k.replace("_kb", ""), "/".join(
                s.get("at%s_%s" % (c, k), "?") for c in cps)))
        ttfs = s.get("time_to_first_socket_ms")
        ttfs = "%s ms (EAL init incl.)" % ttfs if ttfs else \
            ("EAL init %s ms" % s["eal_init_ms"] if "eal_init_ms" in s
             else "")
        lines.append("| %s | %s | %s | %.2f | %.2f | %.2f | %s | %s | %s |" % (
            m["meta"].get("label", m["name"]), s.get("samples", "?"),
            s.get("cycles_per_s", "?"), fnum(s, "cycle_p50_ns") / 1e6,
            fnum(s, "cycle_p99_ns") / 1e6, fnum(s, "cycle_max_ns") / 1e6,
            "; ".join(figs), ttfs, load_cell(m["meta"])))
    lines.append("")


# first_socket.py's rows: (label, key) of each phase, "only" and "all".
FIRST_SOCKET_ROWS = [
    ("time to first socket", "first_socket_ms"),
    ("of which rte_eal_init", "rte_eal_init_ms"),
    ("EAL plugin load (eal_plugins_init)", "eal_plugins_ms"),
    ("TSC calibration", "tsc_calibration_ms"),
    ("CPU detection (sysfs)", "cpu_detect_ms"),
    ("the rest of EAL (memory, threads, ...)", "eal_rest_ms"),
    ("our own PMD dlopen + namespace", "own_pmd_load_ms"),
    ("provider load, config, pool, port, socket", "after_eal_ms"),
]


def table_first_socket(ms, lines):
    m = ms.get("first_socket")
    if m is None or not usable(m):
        return
    s = m["s"]
    lines.append("First WSAStartup → first bound socket, device %s, median "
                 "of %s fresh processes each (ms; each row its own "
                 "median):" % (s.get("device", "?"), s.get("runs", "?")))
    lines.append("")
    lines.append("| phase | only the device's PMD | every PMD (baseline) "
                 "| only − every |")
    lines.append("|---|---:|---:|---:|")
    for label, k in FIRST_SOCKET_ROWS:
        a, b = fnum(s, "only_" + k), fnum(s, "all_" + k)
        lines.append("| %s | %.1f | %.1f | %+.1f |" % (label, a, b, a - b))
    lines.append("")
    lines.append("Runs (ms): only %s; all %s. Foreign load %s." % (
        s.get("only_runs_ms", "?"), s.get("all_runs_ms", "?"),
        load_cell(m["meta"])))
    lines.append("")


def growth(s, key):
    cps = s.get("checkpoints", "").split(",")
    if len(cps) != 3:
        return None
    a, b = fnum(s, "at%s_%s" % (cps[1], key)), fnum(s, "at%s_%s" % (cps[2],
                                                                     key))
    return b - a


def verdict(met, far_off, placement_note):
    """met, or None (n/a) when two placements were compared -- unless the
    figure misses by ten times, which no placement explains."""
    if placement_note and not far_off:
        return None
    return met


def same_place(a, b):
    """Two cross-core figures compare only under one placement."""
    la, lb = a["meta"].get("c2c_label"), b["meta"].get("c2c_label")
    if la == lb and la in ("near", "far"):
        return ""
    return " — placements differ (%s vs %s): compare only runs with one " \
        "label" % (la, lb)


def has_lat(m):
    return m["s"].get("kind") == "latency" and \
        int(fnum(m["s"], "samples", 0)) > 0


def targets(ms):
    t = []

    def g(n):
        return ms.get(n)
    p, k, r = g("loop_provider"), g("loop_kernel_busy"), g("loop_raw")
    if p and not has_lat(p):
        t.append(("loop: provider", "no data (%s)" % p["s"].get(
            "reason", "see logs"), False, p))
        p = None
    if p and k:
        v = lat(p) / lat(k)
        t.append(("loop: provider RTT p50 ≤ 1/10 of kernel loopback "
                  "(busy-poll)", "%.3f (%s vs %s µs)" % (v, us(lat(p)),
                                                       us(lat(k))),
                  v <= 0.1, p))
    if p and r:
        v = lat(p) - lat(r)
        t.append(("loop: provider − raw floor ≤ 600 ns per round trip",
                  "%.0f ns" % v, v <= 600, p))
    p, r = g("refl_provider"), g("refl_raw")
    if p and r and has_lat(p) and has_lat(r):
        v = lat(p) - lat(r)
        t.append(("reflector: provider p50 ≤ raw memif p50 + 300 ns",
                  "+%s µs (%s vs %s µs; 3 busy threads on 2 cores)%s" % (
                      us(v), us(lat(p)), us(lat(r)), same_place(p, r)),
                  verdict(v <= 300, v > 3000, same_place(p, r)), p))
        q = g("refl_provider_sleep")
        if q and has_lat(q):
            v = lat(q) - lat(r)
            t.append(("reflector (variant that fits 2 cores: the app "
                      "sleeps in recv): provider p50 − raw p50",
                      "+%s µs (%s vs %s µs)%s" % (us(v), us(lat(q)),
                                                 us(lat(r)),
                                                 same_place(q, r)),
                      verdict(v <= 300, v > 3000, same_place(q, r)), q))
    p, r = g("rx_provider"), g("rx_rxonly")
    if p and r and (math.isnan(rate(p)) or not rate(r) > 0):
        t.append(("rx: ≥ 80 % of testpmd rxonly into sockets, one lcore",
                  "no data (see logs/rx_provider.log)", False, p))
    elif p and r:
        v = rate(p) / rate(r)
        into = fnum(p["s"], "into_sockets_rate_pps")
        lrx = fnum(p["s"], "lcore_rx_rate_pps")
        t.append(("rx: ≥ 80 % of testpmd rxonly into sockets, one lcore",
                  "%.0f %% to the app (%.2f vs %.2f Mpps); the lcore took "
                  "%.2f Mpps off the port (%.0f %%), %.2f into sockets%s" % (
                      100 * v, rate(p) / 1e6, rate(r) / 1e6, lrx / 1e6,
                      100 * lrx / rate(r), into / 1e6, same_place(p, r)),
                  verdict(v >= 0.8, v < 0.08, same_place(p, r)), p))
        q = g("rx_provider_lcore")
        if q and not math.isnan(rate(q)):
            v = rate(q) / rate(r)
            t.append(("rx, the lcore alone (nobody reads; fits 2 cores): "
                      "lcore rate vs rxonly", "%.0f %% (%.2f vs %.2f Mpps)%s"
                      % (100 * v, rate(q) / 1e6, rate(r) / 1e6,
                         same_place(q, r)),
                      verdict(v >= 0.8, v < 0.08, same_place(q, r)), q))
    p, r = g("life_provider"), g("life_bare")
    if p and r:
        v = fnum(p["s"], "cycle_p50_ns") / fnum(r["s"], "cycle_p50_ns")
        t.append(("lifecycle: provider cycle ≤ 1.5× bare DPDK cycle",
                  "%.2f×" % v, v <= 1.5, p))
        grows, deltas = [], []
        for m in (p, r):
            parts = []
            for key in ("hugetlb_kb", "fds", "threads", "rss_kb"):
                d = growth(m["s"], key)
                if d is None:
                    continue
                parts.append("%s %+g" % (key.replace("_kb", " kB"), d))
                if d > (256 if key == "rss_kb" else 0):
                    grows.append("%s %s %+g" % (m["name"], key, d))
            deltas.append("%s: %s" % (m["meta"].get("short", m["name"]),
                                      ", ".join(parts)))
        cps = p["s"].get("checkpoints", "?,?,?").split(",")
        t.append(("lifecycle: no figure grows from cycle %s to %s" % (
            cps[1] if len(cps) > 1 else "?", cps[2] if len(cps) > 2 else "?"),
            "; ".join(deltas) + (" (RSS tolerance 256 kB: allocator "
                                 "noise)" if not grows else ""),
            not grows, p))
    return t + pf_tcp.targets(ms)


def table_targets(ms, lines):
    t = targets(ms)
    if not t:
        return
    lines.append("| target | measured | met | placement |")
    lines.append("|---|---|---|---|")
    for name, val, ok, m in t:
        lines.append("| %s | %s | %s | %s |" % (
            name, val, "n/a" if ok is None else "yes" if ok else "**no**",
            placement(m["meta"])))
    lines.append("")


def sink_steps(s):
    """The pktgen sink's frame sizes that carried traffic: offered by
    pktgen and counted by the provider (a size with nothing offered is a
    failed step, shown as such, never as a rate)."""
    out = []
    for z in s.get("sizes", "").split(","):
        if z and fnum(s, "size%s_offered_pps" % z, 0) > 0 and \
                not math.isnan(fnum(s, "size%s_lcore_rx_pps" % z)):
            out.append(z)
    return out


def table_pktgen(ms, lines):
    m = ms.get("pktgen_sink")
    if m is not None and usable(m):
        s = m["s"]
        lines.append("### pktgen → memif → provider UDP sink (%s flows)" %
                     s.get("flows", "?"))
        lines.append("")
        lines.append("| frame B | offered by pktgen (pps) | lcore took off "
                     "the port (pps) | into the socket (pps) | app read "
                     "(pps) | drops that moved (frames in the step) |")
        lines.append("|---:|---:|---:|---:|---:|---|")
        good = sink_steps(s)
        for z in s.get("sizes", "").split(","):
            if not z:
                continue
            if z not in good:
                lines.append("| %s | **failed**: %s | | | | |" % (
                    z, s.get("size%s_reason" % z,
                             "nothing offered or counted")))
                continue
            f = lambda k: fnum(s, "size%s_%s" % (z, k))
            lines.append("| %s | %.0f | %.0f | %s | %s | %s |" % (
                z, f("offered_pps"), f("lcore_rx_pps"),
                "%.0f" % f("into_socket_pps")
                if not math.isnan(f("into_socket_pps")) else "–",
                "%.0f" % f("app_read_pps")
                if not math.isnan(f("app_read_pps")) else "–",
                s.get("size%s_drops" % z, "") or "none"))
        lines.append("")
        lines.append("Layout: %s. Memory: %s. Rates over the %s s of each "
                     "step, from pktgen's port counters (offered) and the "
                     "provider's telemetry: rx_pkts (lcore), the socket's "
                     "rx_dgrams (into the socket), the app's own count "
                     "(read)." % (s.get("layout", "?"), s.get("memory", "?"),
                                  s.get("step_s", "?")))
        lines.append("")
    m = ms.get("pktgen_latency")
    if m is not None and usable(m):
        s = m["s"]
        lines.append("### pktgen latency → provider UDP echo")
        lines.append("")
        lines.append("| probes | RTT min µs | avg µs | max µs | jitter count "
                     "(threshold µs) | skipped | background | reference in "
                     "this run |")
        lines.append("|---:|---:|---:|---:|---:|---:|---|---|")
        refs = []
        for r in ("refl_raw", "refl_provider_sleep", "loop_provider"):
            if r in ms and ms[r]["s"].get("kind") == "latency" and usable(ms[r]):
                refs.append("%s p50 %s µs" % (r, us(lat(ms[r]))))
        lines.append("| %s | %s | %s | %s | %s (%s) | %s | %s fps | %s |" % (
            s.get("latency_num_pkts"), s.get("latency_min_us", "–"),
            s.get("latency_avg_us", "–"), s.get("latency_max_us", "–"),
            s.get("latency_jitter_count", "–"),
            s.get("latency_jitter_threshold_us", "–"),
            s.get("latency_num_skipped", "–"), s.get("bg_fps", "?"),
            "; ".join(refs) or "none ran"))
        lines.append("")
        lines.append("Layout: %s. Probes to UDP port %s (pktgen's fixed "
                     "latency port), echoed by wsperf --mode echo." % (
                         s.get("layout", "?"), s.get("echo_port", "?")))
        lines.append("")


def table_failed(ms, lines):
    bad = [(m, failure(m)) for m in ms.values() if failure(m)]
    if not bad:
        return
    lines.append("## Failed")
    lines.append("")
    lines.append("These did not produce a measurement; no figure of theirs "
                 "appears above.")
    lines.append("")
    lines.append("| measurement | status | reason | log |")
    lines.append("|---|---|---|---|")
    for m, why in bad:
        lines.append("| %s | **failed** | %s | %s |" % (
            m["meta"].get("label", m["name"]), why.replace("|", "/"),
            log_of(m)))
    lines.append("")


def notes(ms, lines):
    seen = set()
    for m in ms.values():
        n = m["meta"].get("note")
        if n and n not in seen:
            seen.add(n)
            lines.append("- %s: %s" % (m["meta"].get("label", m["name"]), n))
    for m in ms.values():
        if m["s"].get("kind") == "skipped":
            lines.append("- **skipped** %s: %s" % (
                m["meta"].get("label", m["name"]), m["s"].get("reason", "")))


def write_csvs(out, ms):
    def writer(name):
        f = open(os.path.join(out, name), "w", newline="")
        return f, csv.writer(f)
    f, w = writer("latency.csv")
    w.writerow(["name", "scenario", "label", "samples", "lost"] +
               ["rtt_%s_ns" % s for s in STATS] +
               ["oneway_%s_ns" % s for s in STATS] +
               ["c2c_before_ns", "c2c_after_ns", "placement",
                "foreign_mean_pct", "foreign_max_pct", "flagged"])
    for m in latency_rows(ms):
        meta, s = m["meta"], m["s"]
        vals = [lat(m, st) for st in STATS]
        w.writerow([m["name"], meta.get("scenario"), meta.get("label", ""),
                    s.get("samples"), s.get("lost", "0")] +
                   ["%.1f" % v for v in vals] +
                   ["%.1f" % (v / 2) for v in vals] +
                   [meta.get("c2c_before"), meta.get("c2c_after"),
                    meta.get("c2c_label"), meta.get("foreign_mean_pct"),
                    meta.get("foreign_max_pct"), meta.get("flagged", "0")])
    f.close()
    for fname, kinds in (("throughput.csv", ("throughput",)),
                         ("lifecycle.csv", ("lifecycle",))):
        f, w = writer(fname)
        w.writerow(["name", "label", "key", "value"])
        for m in ms.values():
            if m["s"].get("kind") in kinds and usable(m):
                for k, v in sorted(m["s"].items()):
                    w.writerow([m["name"], m["meta"].get("label", ""), k, v])
        f.close()
    f, w = writer("targets.csv")
    w.writerow(["target", "measured", "met"])
    for name, val, ok, _m in targets(ms):
        w.writerow([name, val, "n/a" if ok is None else
                    "yes" if ok else "no"])
    f.close()


# ---- plots ----

def gp_quote(s):
    return '"%s"' % s.replace('"', "'").replace("_", "\\\\_")


def plot_latency(out, ms, sc, title):
    rows = [m for m in latency_rows(ms) if m["meta"].get("scenario") == sc]
    if not rows:
        return []
    made = []
    dat = os.path.join(out, "%s_percentiles.dat" % sc)
    with open(dat, "w") as f:
        f.write("# stat " + " ".join(m["name"] for m in rows) + "\n")
        for i, st in enumerate(["p50", "p90", "p99", "p99.9", "p99.99",
                                "max", "mean"]):
            f.write("%d %s %s\n" % (i, st, " ".join(
                "%.4f" % (lat(m, st) / 1000) for m in rows)))
    png = os.path.join(out, "%s_percentiles.png" % sc)
    gp = ["set terminal pngcairo size 1400,560 noenhanced",
          "set output '%s'" % png, "set multiplot layout 1,2 title %s" %
          gp_quote(title + " - latency percentiles"),
          "set logscale y", "set grid", "set key below font ',9'",
          "set xtics ('p50' 0, 'p90' 1, 'p99' 2, 'p99.9' 3, "
          "'p99.99' 4, 'max' 5, 'mean' 6)"]
    for which, div in (("round trip (RTT)", 1), ("one-way (RTT/2)", 2)):
        gp.append("set ylabel '%s, µs'" % which)
        gp.append("set title '%s'" % which)
        gp.append("plot " + ", ".join(
            "'%s' using 1:($%d/%d) with linespoints lw 2 title %s" % (
                dat, 3 + i, div, gp_quote(m["meta"].get("label", m["name"])))
            for i, m in enumerate(rows)))
    gp.append("unset multiplot")
    made += run_gnuplot(out, "%s_percentiles" % sc, gp)
    cdf = os.path.join(out, "%s_cdf.png" % sc)
    gp = ["set terminal pngcairo size 1000,620 noenhanced",
          "set output '%s'" % cdf,
          "set title %s" % gp_quote(title + " - RTT CDF (tail on a "
                                    "nines scale)"),
          "set logscale x", "set grid", "set key bottom right font ',9'",
          "set datafile separator ','", "set xlabel 'round trip, µs'",
          "set ylabel 'fraction of round trips at or below'",
          "set ytics ('0' 0, '50%%' -log10(0.5), '90%%' 1, '99%%' 2, "
          "'99.9%%' 3, '99.99%%' 4, '99.999%%' 5)",
          "set yrange [0:5.2]"]
    plots = []
    for m in rows:
        c = os.path.join(out, m["name"] + ".cdf.csv")
        if os.path.exists(c):
            plots.append("'%s' every ::1 using ($2/1000):(-log10(1.000001-$1))"
                         " with lines lw 2 title %s" % (
                             c, gp_quote(m["meta"].get("label", m["name"]))))
    if plots:
        gp.append("plot " + ", ".join(plots))
        made += run_gnuplot(out, "%s_cdf" % sc, gp)
    return made


def plot_lifecycle(out, ms):
    rows = [m for m in ms.values() if m["s"].get("kind") == "lifecycle"]
    plots = []
    for m in rows:
        c = os.path.join(out, m["name"] + ".cdf.csv")
        if os.path.exists(c):
            plots.append("'%s' every ::1 using ($2/1e6):1 with lines lw 2 "
                         "title %s" % (c, gp_quote(m["meta"].get(
                             "label", m["name"]))))
    if not plots:
        return []
    gp = ["set terminal pngcairo size 1000,620 noenhanced",
          "set output '%s'" % os.path.join(out, "lifecycle_cdf.png"),
          "set title 'lifecycle: cycle time CDF'", "set logscale x",
          "set grid", "set key bottom right", "set datafile separator ','",
          "set xlabel 'startup+cleanup cycle, ms'",
          "set ylabel 'fraction of cycles'", "plot " + ", ".join(plots)]
    return run_gnuplot(out, "lifecycle_cdf", gp)


def plot_throughput(out, ms):
    rows = [m for m in ms.values() if m["s"].get("kind") == "throughput" and
            usable(m)]
    if not rows:
        return []
    dat = os.path.join(out, "throughput.dat")
    with open(dat, "w") as f:
        for i, m in enumerate(rows):
            f.write("%d %.4f \"%s\"\n" % (i, rate(m) / 1e6,
                                          m["meta"].get("label", m["name"])))
    gp = ["set terminal pngcairo size 1000,560 noenhanced",
          "set output '%s'" % os.path.join(out, "throughput.png"),
          "set title 'rx throughput, 64-byte frames'", "set style fill solid",
          "set boxwidth 0.6", "set grid ytics", "set ylabel 'Mdatagrams/s'",
          "set xtics rotate by -20 font ',8'", "set yrange [0:*]",
          "plot '%s' using 1:2:xtic(3) with boxes notitle" % dat]
    return run_gnuplot(out, "throughput", gp)


def run_gnuplot(out, name, script):
    path = os.path.join(out, name + ".gp")
    with open(path, "w") as f:
        f.write("\n".join(script) + "\n")
    if shutil.which("gnuplot") is None:
        return []
    r = subprocess.run(["gnuplot", path], capture_output=True, text=True)
    if r.returncode != 0:
        sys.stderr.write("gnuplot %s: %s\n" % (name, r.stderr.strip()))
        return []
    return [name + ".png"]


def machine(out):
    return read_kv(os.path.join(out, "machine.txt"))


def cmd_report(a):
    out = a.out
    ms = load(out)
    mach = machine(out)
    lines = ["# wspdk performance report", ""]
    if mach:
        lines.append("Machine: %s; %s CPUs; kernel %s; DPDK %s; build %s; "
                     "mode %s; started %s; took %s s." % (
                         mach.get("cpu", "?"), mach.get("cpus", "?"),
                         mach.get("kernel", "?"), mach.get("dpdk", "?"),
                         mach.get("buildtype", "?"), mach.get("mode", "?"),
                         mach.get("started", "?"), mach.get("elapsed_s", "?")))
        lines.append("")
    glance = pf_targets.section(ms, lines, sys.modules[__name__])
    table_failed(ms, lines)
    lines.append("## Latency")
    lines.append("")
    table_latency(ms, lines)
    lines.append("")
    lines.append("## Throughput")
    lines.append("")
    table_throughput(ms, lines)
    table_pktgen(ms, lines)
    pf_tcp.section(ms, lines, placement, load_cell)
    lines.append("## Lifecycle")
    lines.append("")
    table_lifecycle(ms, lines)
    table_first_socket(ms, lines)
    lines.append("## Targets")
    lines.append("")
    table_targets(ms, lines)
    lines.append("## Notes")
    lines.append("")
    notes(ms, lines)
    write_csvs(out, ms)
    pf_tcp.write_csv(out, ms)
    pf_targets.write_csv(out, glance)
    pngs = []
    for sc, title in SCENARIOS[:3] + SCENARIOS[6:]:
        pngs += plot_latency(out, ms, sc, title)
    pngs += plot_throughput(out, ms)
    pngs += plot_lifecycle(out, ms)
    pngs += pf_tcp.plot_runs(out, ms, run_gnuplot)
    lines.append("")
    lines.append("Files: latency.csv, throughput.csv, lifecycle.csv, "
                 "targets.csv, targets_glance.csv, tcp.csv, per-measurement *.summary/*.cdf.csv; plots: "
                 + ", ".join(pngs))
    text = "\n".join(lines) + "\n"
    with open(os.path.join(out, "report.md"), "w") as f:
        f.write(text)
    sys.stdout.write(text)
    return 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sockperf")
    s.add_argument("--log", required=True)
    s.add_argument("--out", required=True)
    s.add_argument("--name", required=True)
    s.add_argument("--size", default="64")
    t = sub.add_parser("testpmd")
    t.add_argument("--log", required=True)
    t.add_argument("--out", required=True)
    t.add_argument("--name", required=True)
    t.add_argument("--skip", type=int, default=2)
    i = sub.add_parser("iperf3")
    i.add_argument("--json", required=True)
    i.add_argument("--out", required=True)
    i.add_argument("--name", required=True)
    r = sub.add_parser("report")
    r.add_argument("--out", required=True)
    a = ap.parse_args()
    if a.cmd == "iperf3":
        return pf_tcp.iperf3_summary(a.json, a.out, a.name)
    return {"sockperf": cmd_sockperf, "testpmd": cmd_testpmd,
            "report": cmd_report}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
