# SPDX-License-Identifier: BSD-3-Clause
"""The table that opens the perf report: every target of issue 16 and
every speed target of issue 13, each next to its figure and the baseline
measured in the same run, judged met or MISSED, and flagged when foreign
load was high during the subject or its baseline.

pf_report.py calls section(ms, lines, r) with itself as r (its helpers:
lat, rate, usable, us, fnum, failure). A target whose measurements were
not selected reads "not run"; one whose measurement failed reads
"failed", never a figure.
"""
import math

import pf_runs
import pf_tcp

FOREIGN_MAX = 10.0      # percent of one core, as perf/run.sh


def _load(ms, names):
    """The ⚠ cell: the measurements that ran with foreign load above
    FOREIGN_MAX (perf/run.sh flags them after its retry)."""
    hot, unknown, seen = [], [], 0
    for n in names:
        m = ms.get(n)
        if m is None:
            continue
        seen += 1
        try:
            f = float(m["meta"].get("foreign_mean_pct", "nan"))
        except ValueError:
            f = float("nan")
        if math.isnan(f):
            unknown.append(n)
        if m["meta"].get("flagged") == "1" or (not math.isnan(f) and
                                                f > FOREIGN_MAX):
            hot.append("%s %.0f %%" % (n, f))
    if hot:
        return "⚠ " + ", ".join(hot)
    if unknown:
        return "not sampled (%s)" % ", ".join(unknown)
    return "ok" if seen else "–"


def _missing(ms, r, names):
    """None when every measurement ran and has a figure, else the
    verdict cell that says why not."""
    for n in names:
        if n not in ms:
            return "not run"
    for n in names:
        why = r.failure(ms[n])
        if why:
            return "failed (%s: %s)" % (n, why.replace("|", "/"))
        if ms[n]["s"].get("kind") == "skipped":
            return "not run (%s skipped)" % n
    return None


def _x(v):
    """A ratio with the digits that tell it apart from its bound."""
    return "%.2f×" % v if v >= 0.1 or math.isnan(v) else "%.3f×" % v


def _unjudged(ms, r, rows, issue, target, names):
    """Append the row of a target that has no figure (not run, failed,
    skipped) and say so; False when every measurement has one."""
    miss = _missing(ms, r, names)
    if miss:
        rows.append((issue, target, "–", "–", miss,
                     _load(ms, names)))
    return bool(miss)


def _judge(ok, need, got):
    return "met" if ok else "**MISSED** (target %s, measured %s)" % (
        need, got)


def _lat_row(ms, r, rows, issue, target, subj, base, limit_x=None,
             plus_ns=None):
    names = [subj, base]
    if _unjudged(ms, r, rows, issue, target, names):
        return
    p, b = ms[subj], ms[base]
    fig = "%s p50 %s µs, p99.9 %s µs" % (subj, r.us(r.lat(p)),
                                         r.us(r.lat(p, "p99.9")))
    bas = "%s p50 %s µs, p99.9 %s µs" % (base, r.us(r.lat(b)),
                                         r.us(r.lat(b, "p99.9")))
    if limit_x is not None:
        v = r.lat(p) / r.lat(b)
        verdict = _judge(v <= limit_x, "≤ %.2f×" % limit_x, _x(v))
        fig += " = " + _x(v)
    else:
        v = r.lat(p) - r.lat(b)
        verdict = _judge(v <= plus_ns, "≤ +%d ns" % plus_ns, "%+.0f ns" % v)
        fig += " = floor %+.0f ns" % v
    rows.append((issue, target, fig, bas, verdict, _load(ms, names)))


def _rx_rows(ms, r, rows):
    for subj, target in (
            ("rx_provider", "rx into sockets (1 lcore, 1 app thread) ≥ "
             "80 % of testpmd rxonly"),
            ("rx_provider_lcore", "rx, the lcore alone (nobody reads) ≥ "
             "80 % of testpmd rxonly")):
        names = [subj, "rx_rxonly"]
        if _unjudged(ms, r, rows, "16", target, names):
            continue
        a, b = r.rate(ms[subj]), r.rate(ms["rx_rxonly"])
        v = a / b
        rows.append(("16", target, "%.2f Mdgram/s = %.0f %%" % (
            a / 1e6, 100 * v), "rxonly %.2f Mpps" % (b / 1e6),
            _judge(v >= 0.8, "≥ 80 %", "%.0f %%" % (100 * v)),
            _load(ms, names)))


def _first_socket_row(ms, r, rows):
    target = "first WSAStartup → first socket ≤ 100 ms"
    if _unjudged(ms, r, rows, "16", target, ["first_socket"]):
        return
    s = ms["first_socket"]["s"]
    v, a = r.fnum(s, "only_first_socket_ms"), r.fnum(s, "all_first_socket_ms")
    rows.append(("16", target, "%.1f ms (EAL init %.1f ms), median of %s" % (
        v, r.fnum(s, "only_rte_eal_init_ms"), s.get("runs", "?")),
        "every PMD loaded: %.1f ms" % a,
        _judge(v <= 100, "≤ 100 ms", "%.1f ms" % v),
        _load(ms, ["first_socket"])))


def _pktgen_row(ms, r, rows):
    target = "pktgen profiles run against the provider"
    names = ["pktgen_sink", "pktgen_latency"]
    if any(n not in ms for n in names):
        rows.append(("16", target, "–", "–", "not run", "–"))
        return
    st = []
    for n in names:
        m = ms[n]
        why = r.failure(m)
        st.append("%s %s" % (n, "failed" if why else
                             m["s"].get("kind") if m["s"].get("kind") ==
                             "skipped" else "ran"))
    lua = ms.get("pktgen_lua")
    if lua is not None:
        names.append("pktgen_lua")
        s = lua["s"]
        st.insert(0, "%d of %s Lua files compile (%s)" % (
            r.fnum(s, "files", 0) - r.fnum(s, "failed", 0),
            s.get("files", "?"), s.get("checker", "?")) if s.get("kind") ==
            "check" else "Lua check failed")
    bad = [n for n in names if r.failure(ms[n])]
    skipped = [n for n in names if ms[n]["s"].get("kind") == "skipped"]
    if bad:
        verdict = "failed (see ## Failed)"
    elif skipped:
        verdict = "not run here (PKTGEN unset); beyond the Lua check, " \
            "the meson tests perf_pktgen_cmdline and " \
            "perf_pktgen_provider_side hold them without pktgen"
    else:
        verdict = "met"
    rows.append(("16", target, "; ".join(st), "testpmd stand-in (meson "
                 "tests)", verdict, _load(ms, names)))


# The provider → kernel tap rows: the vnet-hdr tap (made for this
# target) as a blocking copying sender, with the idle lcore sleeping,
# and with zero-copy overlapped sends (SO_SNDBUF 0, as a Windows
# application asks for them); and DPDK's net_tap. Each is a way a user
# may run the provider; all are in the TCP table.
TAP_ROWS = {
    "tcp_bulk_vtap": "vnet-hdr tap (vtap): ",
    "tcp_bulk_vtap_sleep": "vtap, idle lcore sleeps: ",
    "tcp_bulk_vtap_zc": "vtap, zero-copy overlapped sends (SO_SNDBUF 0), "
                        "idle lcore sleeps: ",
    "tcp_bulk_tap": "net_tap: ",
}


def _tap_subject(ms):
    """The best of the tap rows that ran, per core; the vtap row's name
    (net_tap's if that did not run either) when none ran, for the
    missing line."""
    ran = [n for n in TAP_ROWS if n in ms and pf_tcp.ok(ms[n])]
    if not ran:
        return "tcp_bulk_vtap" if "tcp_bulk_vtap" in ms else "tcp_bulk_tap"
    return max(ran, key=lambda n: pf_tcp.pc(ms[n]))


def _bulk_fig(m):
    """A bulk row's figure: the median of its runs with their range,
    each run's placement label, or its one figure."""
    rep = m.get("rep")
    if not rep:
        return "%.3f Gbit/s per core" % pf_tcp.pc(m)
    return "%.3f Gbit/s per core, median of %d run%s (%.3f..%.3f; %s)" % (
        rep["median"], len(rep["ok"]), "s" if len(rep["ok"]) > 1 else "",
        rep["min"], rep["max"],
        " ".join(x["label"] for x in rep["ok"]))


def _bulk_same(ms, subj, bases):
    """The ratio over runs of one placement on both sides, the one
    benchmarking.md allows, against each baseline that has such runs
    (the better baseline by median may have run under the other
    placement only)."""
    if "rep" not in subj:
        return ""
    same = ["%s %s" % (_short(n), pf_runs.same_label_text(subj, ms[n]))
            for n in bases if "rep" in ms[n] and
            pf_runs.same_label_text(subj, ms[n])]
    return " (median / median); runs of one placement only: %s" % (
        "; ".join(same) or "none (no placement label common to %s and "
        "a baseline)" % subj["name"])


def _short(n):
    return "ktcp" if n == "tcp_bulk_kernel" else "iperf3"


def _bulk_rows(ms, r, rows):
    bases = [n for n in ("tcp_bulk_kernel", "tcp_bulk_iperf3")
             if n in ms and pf_tcp.ok(ms[n])]
    tap = _tap_subject(ms)
    for subj, target in (
            ("tcp_bulk_provider", "bulk goodput per core, provider → "
             "provider (loop port) ≥ 1.0× kernel loopback per core"),
            # The issue's target, one label whichever tap row judged
            # it; the figure names the device and the way it ran.
            (tap, "bulk goodput per core, provider → kernel (tap) ≥ "
             "1.0× kernel loopback per core")):
        names = [subj, "tcp_bulk_kernel", "tcp_bulk_iperf3"]
        miss = _missing(ms, r, [subj])
        if miss is None and not pf_tcp.ok(ms[subj]):
            miss = "failed (%s: no goodput)" % subj
        if miss is None and not bases:
            miss = _missing(ms, r, ["tcp_bulk_kernel"]) or \
                "failed (no kernel baseline)"
        if miss:
            rows.append(("13", target, "–", "–", miss, _load(ms, names)))
            continue
        pc = pf_tcp.pc(ms[subj])
        per = {n: pf_tcp.pc(ms[n]) for n in bases}
        best = max(per.values())
        v = pc / best
        # The two baselines measure one thing two ways (threads of one
        # process with 64 KB writes, or two processes with 128 KB ones):
        # far apart, one of them was disturbed, and the run says so.
        apart = ""
        if len(per) == 2 and min(per.values()) > 0 and \
                best / min(per.values()) > 1.5:
            apart = " — the two differ %.1f×: compare their foreign " \
                "load and CPU figures (## TCP)" % (best / min(per.values()))
        dev = TAP_ROWS.get(subj, "")
        rows.append(("13", target, "%s%s = %.2f× the better baseline%s"
                     % (dev, _bulk_fig(ms[subj]), v,
                        _bulk_same(ms, ms[subj], bases)),
                     "; ".join("%s %s" % (_short(n), _bulk_fig(ms[n]))
                               for n in bases) + apart,
                     _judge(v >= 1.0, "≥ 1.0×", "%.2f×" % v),
                     _load(ms, names)))


def _conn_rows(ms, r, rows):
    names = ["tcp_conn_provider", "tcp_conn_provider_rst",
             "tcp_conn_kernel", "tcp_conn_kernel_rst"]
    target = "connection rate (connect + close per second)"
    if not _unjudged(ms, r, rows, "13", target, names):
        c = [r.fnum(ms[n]["s"], "conns_per_s") for n in names]
        rows.append(("13", target, "graceful %.0f/s, reset %.0f/s" % (
            c[0], c[1]), "kernel graceful %.0f/s, reset %.0f/s" % (
                c[2], c[3]), "reported (issue 13 sets no bound): "
            "%.2f× and %.2f× the kernel" % (c[0] / c[2], c[1] / c[3]),
            _load(ms, names)))
    target = "bytes per idle connection, 100 k connections open"
    if _unjudged(ms, r, rows, "13", target, ["tcp_mem_provider"]):
        return
    s = ms["tcp_mem_provider"]["s"]
    n = r.fnum(s, "conns", 0)
    rows.append(("13", target, "%d open (stopped by %s); %s B established, "
                 "%s B TIME-WAIT" % (n, s.get("stopped_by", "?"),
                                     s.get("established_bytes_per_conn", "?"),
                                     s.get("timewait_bytes_per_conn", "?")),
                 "no kernel figure in the run", _judge(
                     n >= 100000, "100000 open", "%d" % n),
                 _load(ms, ["tcp_mem_provider"])))


def rows(ms, r):
    t = []
    _rx_rows(ms, r, t)
    _lat_row(ms, r, t, "16", "loop RTT p50 ≤ 0.10× kernel UDP busy-poll",
             "loop_provider", "loop_kernel_busy", limit_x=0.10)
    _lat_row(ms, r, t, "16", "loop RTT p50 ≤ raw DPDK floor + 600 ns",
             "loop_provider", "loop_raw", plus_ns=600)
    _lat_row(ms, r, t, "16", "reflector, app sleeping: p50 ≤ 2× kernel "
             "blocking UDP", "refl_provider_sleep", "refl_sockperf_block",
             limit_x=2.0)
    _first_socket_row(ms, r, t)
    _pktgen_row(ms, r, t)
    _lat_row(ms, r, t, "13", "TCP 64 B ping-pong p50 ≤ 0.2× kernel "
             "busy-poll (busy-poll app)", "tcp_pp_provider_nb",
             "tcp_pp_kernel_busy", limit_x=0.2)
    _lat_row(ms, r, t, "13", "TCP 64 B ping-pong p50 ≤ 0.2× kernel "
             "busy-poll (blocking app)", "tcp_pp_provider",
             "tcp_pp_kernel_busy", limit_x=0.2)
    _bulk_rows(ms, r, t)
    _conn_rows(ms, r, t)
    return t


def section(ms, lines, r):
    t = rows(ms, r)
    lines.append("## Targets at a glance (issues 16 and 13)")
    lines.append("")
    lines.append("| issue | target | figure | same-run baseline | verdict "
                 "| foreign load |")
    lines.append("|---|---|---|---|---|---|")
    for row in t:
        lines.append("| #%s | %s | %s | %s | %s | %s |" % row)
    lines.append("")
    met = sum(1 for x in t if x[4] == "met")
    missed = sum(1 for x in t if x[4].startswith("**MISSED**"))
    hot = sum(1 for x in t if x[5].startswith("⚠"))
    lines.append("%d met, %d missed, %d not judged (not run, failed or no "
                 "bound) of %d; %d taken with foreign load above %.0f %% "
                 "of a core (⚠: a ratio from those may lie). Details: "
                 "the tables below and ## Targets." % (
                     met, missed, len(t) - met - missed, len(t), hot,
                     FOREIGN_MAX))
    lines.append("")
    return t


def write_csv(out, t):
    import csv
    import os
    with open(os.path.join(out, "targets_glance.csv"), "w",
              newline="") as f:
        w = csv.writer(f)
        w.writerow(["issue", "target", "figure", "baseline", "verdict",
                    "foreign_load"])
        for row in t:
            w.writerow([x.replace("**", "") for x in row])
