# SPDX-License-Identifier: BSD-3-Clause
"""The TCP part of the perf report (issue 13 "Speed"; perf/scenarios/9*-tcp_*.sh).

pf_report.py imports it: the ping-pong rows are latency rows (scenario
tcp_lat) in its latency table; this module adds the goodput, connection
rate and memory tables, the TCP targets and tcp.csv. Each figure sits
next to the kernel baseline measured in the same run. iperf3_summary
turns iperf3's --json output into a goodput summary (the second kernel
loopback baseline, beside ktcp's).
"""
import csv
import json
import math
import os
import statistics

import pf_runs

KINDS = ("goodput", "connrate", "connmem")


def fnum(d, k, default=float("nan")):
    try:
        return float(d.get(k, ""))
    except ValueError:
        return default


def failure(s):
    """Why a TCP summary holds no usable figure, or None."""
    kind = s.get("kind")
    if kind == "goodput" and not fnum(s, "gbps", 0) > 0:
        return "no bytes moved"
    if kind in ("connrate", "connmem") and not fnum(s, "conns", 0) > 0:
        return "no connection made (WSA error %s)" % s.get(
            "stop_wsa_error", s.get("stop_errno", "?"))
    return None


def iperf3_summary(path, out, name):
    """iperf3 --json (client side) -> NAME.summary, kind goodput: what the
    receiver counted, over the CPU both processes used (iperf3's own
    getrusage figures, percent of one core each)."""
    with open(path) as f:
        j = json.load(f)
    if "error" in j:
        raise SystemExit("%s: iperf3: %s" % (name, j["error"]))
    end, start = j["end"], j["start"]
    rx, cpu = end["sum_received"], end["cpu_utilization_percent"]
    cores = (cpu["host_total"] + cpu["remote_total"]) / 100.0
    gbps = rx["bits_per_second"] / 1e9
    kv = [("name", name), ("kind", "goodput"),
          ("bytes", "%d" % rx["bytes"]), ("seconds", "%.3f" % rx["seconds"]),
          ("gbps", "%.3f" % gbps), ("cpu_cores", "%.3f" % cores),
          ("gbps_per_core", "%.3f" % (gbps / cores if cores > 0 else 0)),
          ("cpu_sender_pct", "%.1f" % cpu["host_total"]),
          ("cpu_receiver_pct", "%.1f" % cpu["remote_total"]),
          ("buf_bytes", "%s" % start.get("sock_bufsize", "")),
          ("write_bytes", "%s" % start["test_start"].get("blksize", "")),
          ("retransmits", "%s" % end.get("sum_sent", {}).get(
              "retransmits", "")),
          ("counted_at", "receiver (iperf3 sum_received)")]
    with open(os.path.join(out, name + ".summary"), "w") as f:
        f.write("".join("%s=%s\n" % x for x in kv))
    print("%s: %.3f Gbit/s, %.2f cores (iperf3)" % (name, gbps, cores))
    return 0 if rx["bytes"] > 0 else 1


def ok(m):
    return m is not None and failure(m["s"]) is None and \
        m["meta"].get("rc", "0") in ("", "0") and \
        m["s"].get("kind") in KINDS


def per_core(s):
    """Gbit/s per core, over every process of the measurement (a tap
    run adds the kernel receiver's CPU: peer_cpu_cores)."""
    cores = fnum(s, "cpu_cores", 0) + fnum(s, "peer_cpu_cores", 0)
    return fnum(s, "gbps") / cores if cores > 0 else float("nan")


def tcp_counters(s):
    """The provider's TCP counters that moved (losses over a lossless
    port mean the stack dropped what it had advertised room for)."""
    out = ["%s %s" % (k[9:], s[k]) for k in (
        "stat_tcp_rexmit", "stat_tcp_rto", "stat_tcp_rx_full",
        "stat_tcp_ooo_drop") if s.get(k, "0") != "0" and k in s]
    return ", ".join(out) or ("none" if "stat_tcp_tx" in s else "")


def pc(m):
    """A goodput row's Gbit/s per core: the median of its runs when it
    was repeated (pf_runs), else its one figure."""
    if "rep" in m:
        return m["rep"]["median"]
    return per_core(m["s"])


def _med(m, f):
    """The median of f(summary) over a row's usable runs."""
    v = [f(r["m"]["s"]) for r in m["rep"]["ok"]] if "rep" in m else \
        [f(m["s"])]
    v = [x for x in v if not math.isnan(x)]
    return statistics.median(v) if v else float("nan")


def _cores(s):
    return fnum(s, "cpu_cores", 0) + fnum(s, "peer_cpu_cores", 0)


def _runs_cell(m, place):
    """Each run's figure and placement (c2c before→after, its label)."""
    if "rep" not in m:
        return "%.3f %s" % (per_core(m["s"]), place(m["meta"]))
    return ", ".join("r%d %.3f %s" % (r["k"], r["fig"], place(
        r["m"]["meta"])) for r in m["rep"]["ok"])


def _counters_cell(m):
    if "rep" not in m:
        return tcp_counters(m["s"])
    c = [(r["k"], tcp_counters(r["m"]["s"])) for r in m["rep"]["ok"]]
    moved = ["r%d %s" % x for x in c if x[1] not in ("none", "")]
    return "; ".join(moved) or c[0][1]


def rows(ms, kind):
    return [m for m in ms.values() if m["s"].get("kind") == kind and ok(m)]


def vs(a, b):
    return "%.2f×" % (a / b) if b and b > 0 and not math.isnan(a) else ""


def section(ms, lines, place, load_cell):
    g, c, mem = rows(ms, "goodput"), rows(ms, "connrate"), \
        rows(ms, "connmem")
    if not (g or c or mem):
        return
    lines.append("## TCP (issue 13)")
    lines.append("")
    lines.append("The 64 B ping-pong rows are in the latency table "
                 "(scenario tcp_lat).")
    lines.append("")
    if g:
        goodput_table(ms, g, lines, place, load_cell)
    if c:
        lines.append("| measurement | connections | per second | vs kernel "
                     "| stopped by | foreign load |")
        lines.append("|---|---:|---:|---:|---|---|")
        for m in c:
            s, base = m["s"], ms.get(m["meta"].get("compare", ""))
            stop = s.get("stopped_by", "")
            if "stop_wsa_error" in s:
                stop += " (WSA %s)" % s["stop_wsa_error"]
            if "stop_errno" in s:
                stop += " (%s)" % s["stop_errno"]
            lines.append("| %s | %s | %s | %s | %s | %s |" % (
                m["meta"].get("label", m["name"]), s.get("conns"),
                s.get("conns_per_s"), vs(fnum(s, "conns_per_s"),
                                         fnum(base["s"], "conns_per_s"))
                if ok(base) else "", stop, load_cell(m["meta"])))
        lines.append("")
    for m in mem:
        s = m["s"]
        lines.append("Memory per idle connection, %s of %s wanted (stopped "
                     "by %s%s); bytes per connection, both ends in this "
                     "process:" % (s.get("conns"), s.get("conns_wanted"),
                                   s.get("stopped_by"),
                                   ", WSA %s" % s["stop_wsa_error"]
                                   if "stop_wsa_error" in s else ""))
        lines.append("")
        lines.append("| state | total | hugepage heap | mbufs | C heap |")
        lines.append("|---|---:|---:|---:|---:|")
        for st in ("established", "timewait"):
            lines.append("| %s | %s | %s | %s | %s |" % (
                st, s.get(st + "_bytes_per_conn", "–"),
                s.get(st + "_hugepage_bytes_per_conn", "–"),
                s.get(st + "_mbuf_bytes_per_conn", "–"),
                s.get(st + "_malloc_bytes_per_conn", "–")))
        lines.append("")
        lines.append(heap_note(s))
        lines.append("")


def goodput_table(ms, g, lines, place, load_cell):
    lines.append("| measurement | runs | Gbit/s per core: median "
                 "(min..max) | vs kernel per core (median / median) "
                 "| same placement only | Gbit/s | CPU cores | each run: "
                 "per core, placement (c2c) | counted at | provider TCP "
                 "counters | foreign load (worst run) |")
    lines.append("|---|---:|---:|---:|---|---:|---:|---|---|---|---|")
    for m in g:
        s, base = m["s"], ms.get(m["meta"].get("compare", ""))
        rep = m.get("rep")
        lines.append("| %s | %s | %.3f (%.3f..%.3f) | %s | %s | %.3f | "
                     "%.2f%s | %s | %s | %s | %s |" % (
                         m["meta"].get("label", m["name"]),
                         "%d of %d" % (len(rep["ok"]), rep["n"])
                         if rep else "1", pc(m),
                         rep["min"] if rep else pc(m),
                         rep["max"] if rep else pc(m),
                         vs(pc(m), pc(base)) if ok(base) else "",
                         pf_runs.same_label_text(m, base) or "none"
                         if ok(base) and rep else "",
                         _med(m, lambda x: fnum(x, "gbps")),
                         _med(m, _cores),
                         " (kernel rx %.2f)" % _med(m, lambda x: fnum(
                             x, "peer_cpu_cores")) if "peer_cpu_cores" in s
                         else "", _runs_cell(m, place),
                         s.get("counted_at", ""), _counters_cell(m),
                         load_cell(m["meta"])))
    lines.append("")
    n = max((m["rep"]["n"] if "rep" in m else 1 for m in g), default=1)
    lines.append("Each row ran %s, interleaved with its kernel baseline "
                 "(round 1 every row, then round 2, ...; TCP_BULK_REPEATS "
                 "sets the count); per core = Gbit/s over the CPU of every "
                 "process of the run. The figures are the median of the "
                 "row's runs, and \"vs kernel\" is median / median; "
                 "\"same placement only\" is median / median over only "
                 "the runs labelled near (or far) on both sides, with the "
                 "runs each side had. Placement: the CPU0↔CPU1 cache-line "
                 "round trip before→after each run; near < 200 ns ≤ far, "
                 "mixed = it flipped during the run (benchmarking.md). "
                 "Gbit/s, CPU cores: medians; counters: the runs where "
                 "they moved." % ("%d times" % n if n > 1 else "once"))
    lines.append("")


def heap_note(s):
    """Whose the C heap of the memory table is (valgrind massif over
    wstcp --mode idle: the provider's socket objects are the one
    allocation that grows with the connections)."""
    per_sock = fnum(s, "established_malloc_bytes_per_conn") / 2
    return ("C heap: the provider's socket objects, %s B a socket, two "
            "a connection (both ends are in this process). closesocket "
            "gives them back to the provider's pool, which keeps them "
            "(handles stay type-stable), so the TIME-WAIT row's C heap "
            "is that pool, not the TIME-WAIT state: a record in a "
            "hugepage pool made at start, before the first reading. "
            "Counted in neither: the Ws2_32 stand-in's handle table "
            "(static; Ws2_32's own on Windows) and wstcp's arrays of "
            "handles (allocated before the first reading)." %
            ("%.0f" % per_sock if not math.isnan(per_sock) else "–"))


def lat_p50(m):
    if m is None or m["s"].get("kind") != "latency" or \
            m["meta"].get("rc", "0") not in ("", "0"):
        return float("nan")
    return fnum(m["s"], "rtt_p50_ns")


def targets(ms):
    t = []
    k = ms.get("tcp_pp_kernel_busy")
    for n in ("tcp_pp_provider_nb", "tcp_pp_provider"):
        p = ms.get(n)
        if p is None or k is None:
            continue
        v = lat_p50(p) / lat_p50(k)
        t.append(("tcp: %s p50 ≤ 0.2× kernel TCP busy-poll p50" %
                  p["meta"].get("label", n),
                  "%.3f× (%.2f vs %.2f µs RTT)" % (
                      v, lat_p50(p) / 1000, lat_p50(k) / 1000)
                  if not math.isnan(v) else "no data",
                  not math.isnan(v) and v <= 0.2, p))
    b = ms.get("tcp_bulk_kernel")
    for n in ("tcp_bulk_provider", "tcp_bulk_tap", "tcp_bulk_vtap",
              "tcp_bulk_vtap_sleep", "tcp_bulk_vtap_zc"):
        p = ms.get(n)
        if p is None or b is None:
            continue
        if not (ok(p) and ok(b)):
            t.append(("tcp: %s ≥ 1.0× kernel per core" % n, "no data",
                      False, p))
            continue
        v = pc(p) / pc(b)
        same = pf_runs.same_label_text(p, b)
        t.append(("tcp: %s goodput per core ≥ 1.0× kernel loopback" %
                  p["meta"].get("label", n),
                  "%.2f× (%.3f vs %.3f Gbit/s per core%s)%s" % (
                      v, pc(p), pc(b), ", medians of %d and %d runs" % (
                          len(p["rep"]["ok"]), len(b["rep"]["ok"]))
                      if "rep" in p and "rep" in b else "",
                      "; same placement only: " + same if same else ""),
                  v >= 1.0, p))
    m = ms.get("tcp_mem_provider")
    if m is not None and ok(m):
        s = m["s"]
        t.append(("tcp: 100 k idle connections open (established, then "
                  "TIME-WAIT)", "%s reached (stopped by %s%s); %s B per "
                  "established, %s B per TIME-WAIT connection" % (
                      s.get("conns"), s.get("stopped_by"),
                      ", WSA %s" % s["stop_wsa_error"]
                      if "stop_wsa_error" in s else "",
                      s.get("established_bytes_per_conn"),
                      s.get("timewait_bytes_per_conn")),
                  fnum(s, "conns", 0) >= 100000, m))
    return t


def write_csv(out, ms):
    with open(os.path.join(out, "tcp.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["name", "label", "key", "value"])
        for kind in KINDS:
            for m in rows(ms, kind):
                if "rep" in m:
                    _csv_row(w, ms, m)
                    continue
                for k, v in sorted(m["s"].items()):
                    w.writerow([m["name"], m["meta"].get("label", ""), k, v])
                if kind == "goodput":
                    w.writerow([m["name"], m["meta"].get("label", ""),
                                "gbps_per_core_all_processes",
                                "%.3f" % per_core(m["s"])])


def _csv_row(w, ms, m):
    """A repeated row: each usable run under NAME.runK (its summary,
    figure and placement), then the row's own figures under NAME."""
    label, rep = m["meta"].get("label", ""), m["rep"]
    for r in rep["ok"]:
        n, meta = "%s.run%d" % (m["name"], r["k"]), r["m"]["meta"]
        for k, v in sorted(r["m"]["s"].items()):
            w.writerow([n, label, k, v])
        w.writerow([n, label, "gbps_per_core_all_processes",
                    "%.3f" % r["fig"]])
        for k in ("c2c_before", "c2c_after", "c2c_label",
                  "foreign_mean_pct"):
            w.writerow([n, label, k, meta.get(k, "")])
    base = ms.get(m["meta"].get("compare", ""))
    kv = [("runs", rep["n"]), ("runs_ok", len(rep["ok"])),
          ("gbps_per_core_median", "%.3f" % rep["median"]),
          ("gbps_per_core_min", "%.3f" % rep["min"]),
          ("gbps_per_core_max", "%.3f" % rep["max"]),
          ("c2c_labels", m["meta"].get("c2c_label", ""))]
    if ok(base):
        kv.append(("vs_%s_median_ratio" % base["name"],
                   "%.3f" % (pc(m) / pc(base))))
        for lab, v, a, b in pf_runs.same_label(m, base):
            kv.append(("vs_%s_%s_ratio" % (base["name"], lab),
                       "%.3f" % v))
    for k, v in kv:
        w.writerow([m["name"], label, k, v])


def plot_runs(out, ms, gnuplot):
    """tcp_bulk_runs.png: each goodput row's runs, per core, marked by
    placement, and the row's median (a dash), so a bimodal row shows."""
    g = [m for m in rows(ms, "goodput") if "rep" in m]
    if not g:
        return []
    dat = os.path.join(out, "tcp_bulk_runs.dat")
    marks = {"near": 0, "far": 1}
    with open(dat, "w") as f:
        f.write("# row run gbps_per_core placement(0 near, 1 far, "
                "2 mixed or ?) median\n")
        for i, m in enumerate(g):
            for r in m["rep"]["ok"]:
                f.write("%d %d %.4f %d %.4f\n" % (
                    i, r["k"], r["fig"], marks.get(r["label"], 2),
                    m["rep"]["median"]))
    # The row names: the labels are too long for tics (noenhanced: a
    # name's "_" prints as it is).
    tics = ", ".join('"%s" %d' % (m["name"], i) for i, m in enumerate(g))
    gp = ["set terminal pngcairo size 1100,600 noenhanced",
          "set output '%s'" % os.path.join(out, "tcp_bulk_runs.png"),
          "set title 'TCP bulk: Gbit/s per core of each run, by vCPU "
          "placement (dash: the row median)'",
          "set grid ytics", "set ylabel 'Gbit/s per core'",
          "set yrange [0:*]", "set offsets 0, 0, graph 0.1, 0",
          "set xrange [-0.5:%.1f]" % (len(g) - 0.5),
          "set xtics (%s) rotate by -20 font ',8'" % tics,
          "set key top right"]
    gp.append("plot " + ", ".join(
        ["'%s' using 1:($4 == %d ? $3 : 1/0) with points pt %d ps 1.6 "
         "title '%s'" % (dat, v, pt, lab) for v, pt, lab in (
             (0, 7, "near"), (1, 5, "far"), (2, 9, "mixed or unknown"))] +
        ["'%s' using ($1 - 0.15):5:(0.3):(0) with vectors nohead lw 3 lc "
         "rgb 'black' notitle" % dat.replace("'", "")]))
    return gnuplot(out, "tcp_bulk_runs", gp)
