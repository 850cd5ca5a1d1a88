# SPDX-License-Identifier: BSD-3-Clause
"""Repeated measurements: NAME.run1 .. NAME.runN folded into the row NAME.

perf/run.sh's rounds (perf/lib/run_lib.sh) run every row of a scenario
once a round, so a row's runs and its baseline's share the same minutes
and vCPU placements; each run's meta carries its c2c label (near, far,
mixed, ?). One run of each side was a coin toss between placements
(benchmarking.md, "vCPU placement flips"): a row is judged by the median
of its runs, and ratios are also given between runs of one placement.

fold(ms, figure, usable) replaces the usable runs in ms by the row: a
measurement like any other (meta and summary of its median run, so
labels, notes and counters read as before) plus m["rep"]:
  n       runs made;        ok   the usable runs, in run order, each
  {"k": run, "m": the run, "fig": figure(run), "label": c2c label};
  median, min, max of their figures.
Failed runs stay in ms under their own names (the report lists them as
failed); a row none of whose runs was usable is a failed measurement.
"""
import math
import re
import statistics

RUN = re.compile(r"^(.+)\.run(\d+)$")
LABELS = ("near", "far")


def _num(d, k):
    try:
        return float(d.get(k, ""))
    except ValueError:
        return float("nan")


def _row(name, runs, figure, usable):
    ok = [{"k": k, "m": m, "fig": figure(m),
           "label": m["meta"].get("c2c_label", "?")}
          for k, m in runs if usable(m)]
    ok = [r for r in ok if not math.isnan(r["fig"])]
    if not ok:
        k, last = runs[-1]
        meta = dict(last["meta"])
        meta["log"] = ", ".join(m["meta"].get("log", "") for _, m in runs)
        s = {"name": name, "kind": "failed",
             "reason": "none of its %d runs produced a figure (%s)" % (
                 len(runs), ", ".join(m["name"] for _, m in runs))}
        return {"name": name, "meta": meta, "s": s,
                "rep": {"n": len(runs), "ok": [], "median": float("nan"),
                        "min": float("nan"), "max": float("nan")}}
    figs = [r["fig"] for r in ok]
    med = statistics.median(figs)
    # The run nearest the median (the lower middle of an even count)
    # lends the row its summary: counters and labels of a real run.
    mid = sorted(ok, key=lambda r: r["fig"])[(len(ok) - 1) // 2]
    meta = dict(mid["m"]["meta"])
    loads = [_num(r["m"]["meta"], "foreign_mean_pct") for r in ok]
    peaks = [_num(r["m"]["meta"], "foreign_max_pct") for r in ok]
    meta["foreign_mean_pct"] = "%.1f" % max(loads) \
        if not all(math.isnan(x) for x in loads) else "nan"
    meta["foreign_max_pct"] = "%.1f" % max(peaks) \
        if not all(math.isnan(x) for x in peaks) else "nan"
    meta["flagged"] = "1" if any(r["m"]["meta"].get("flagged") == "1"
                                 for r in ok) else "0"
    meta["c2c_label"] = ",".join(r["label"] for r in ok)
    meta["c2c_runs"] = ", ".join("r%d %s (%s→%s ns)" % (
        r["k"], r["label"], r["m"]["meta"].get("c2c_before", "nan"),
        r["m"]["meta"].get("c2c_after", "nan")) for r in ok)
    meta["log"] = "logs/%s.run*.log" % name
    return {"name": name, "meta": meta, "s": dict(mid["m"]["s"]),
            "rep": {"n": len(runs), "ok": ok, "median": med,
                    "min": min(figs), "max": max(figs)}}


def fold(ms, figure, usable):
    """Fold every NAME.runK of ms into the row NAME (in place)."""
    groups = {}
    for n in list(ms):
        mt = RUN.match(n)
        if mt:
            groups.setdefault(mt.group(1), []).append((int(mt.group(2)),
                                                       ms[n]))
    for name, runs in groups.items():
        runs.sort(key=lambda x: x[0])
        for k, m in runs:
            if usable(m):
                del ms["%s.run%d" % (name, k)]
        ms[name] = _row(name, runs, figure, usable)
    return ms


def by_label(m, label):
    return [r["fig"] for r in m.get("rep", {}).get("ok", [])
            if r["label"] == label]


def same_label(subj, base):
    """[(label, ratio, runs of subj, runs of base)] for each placement
    both rows have usable runs under: median / median of those runs
    only, the comparison benchmarking.md allows."""
    out = []
    for lab in LABELS:
        a, b = by_label(subj, lab), by_label(base, lab)
        if a and b and statistics.median(b) > 0:
            out.append((lab, statistics.median(a) / statistics.median(b),
                        len(a), len(b)))
    return out


def same_label_text(subj, base):
    """"near 1.10× (2:1 runs), far 0.95× (1:2 runs)", or "" when the two
    rows share no placement."""
    return ", ".join("%s %.2f× (%d:%d runs)" % x
                     for x in same_label(subj, base))
