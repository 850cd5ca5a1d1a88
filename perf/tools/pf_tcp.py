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
        lines.append("| measurement | Gbit/s | CPU cores | Gbit/s per core "
                     "| vs kernel per core | counted at | provider TCP "
                     "counters | placement (c2c) | foreign load |")
        lines.append("|---|---:|---:|---:|---:|---|---|---|---|")
        for m in g:
            s, base = m["s"], ms.get(m["meta"].get("compare", ""))
            cores = fnum(s, "cpu_cores", 0) + fnum(s, "peer_cpu_cores", 0)
            lines.append("| %s | %.3f | %.2f%s | %.3f | %s | %s | %s | %s "
                         "| %s |"
                         % (m["meta"].get("label", m["name"]),
                            fnum(s, "gbps"), cores,
                            " (%s + kernel rx %s)" % (s["cpu_cores"],
                                                      s["peer_cpu_cores"])
                            if "peer_cpu_cores" in s else "",
                            per_core(s), vs(per_core(s), per_core(base["s"]))
                            if ok(base) else "", s.get("counted_at", ""),
                            tcp_counters(s), place(m["meta"]),
                            load_cell(m["meta"])))
        lines.append("")
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
              "tcp_bulk_vtap_sleep"):
        p = ms.get(n)
        if p is None or b is None:
            continue
        if not (ok(p) and ok(b)):
            t.append(("tcp: %s ≥ 1.0× kernel per core" % n, "no data",
                      False, p))
            continue
        v = per_core(p["s"]) / per_core(b["s"])
        t.append(("tcp: %s goodput per core ≥ 1.0× kernel loopback" %
                  p["meta"].get("label", n),
                  "%.2f× (%.3f vs %.3f Gbit/s per core)" % (
                      v, per_core(p["s"]), per_core(b["s"])),
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
                for k, v in sorted(m["s"].items()):
                    w.writerow([m["name"], m["meta"].get("label", ""), k, v])
                if kind == "goodput":
                    w.writerow([m["name"], m["meta"].get("label", ""),
                                "gbps_per_core_all_processes",
                                "%.3f" % per_core(m["s"])])
