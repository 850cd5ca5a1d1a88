#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Foreign CPU load during a benchmark run (benchmarking.md, point 1).

"Ours" is the process tree under --root (the runner and everything it
started, in or out of namespaces); "foreign" is every other process's user
and system time, kernel threads included, read per process from
/proc/PID/stat (utime + stime + the reaped children's cutime + cstime, so
short-lived processes count in their parent). Interrupt and softirq time
(/proc/stat) is kept apart: our own kernel baselines spend much of theirs
there. An interval in which one of our processes exited with no process
of ours to reap it is marked uncertain; windows use only certain
intervals when they have any.

  pf_load.py monitor --root PID --log FILE [--interval 0.25]
      append one line per interval until PID exits:
      t interval_s foreign_pct ours_pct irq_pct steal_pct uncertain top
      (percent of one CPU; top = the busiest foreign process, comm:pct)
  pf_load.py window --log FILE --start T0 --end T1
      foreign load between two time.time() stamps, as key=value lines
  pf_load.py wait --log FILE --max PCT --timeout S
      wait until the last second's foreign load is below PCT (or S pass);
      prints foreign_pct=<last> waited_s=<s>
"""
import argparse
import os
import sys
import time

HZ = os.sysconf("SC_CLK_TCK")


def cpu_times():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = v[:8]
    return user + nice + system, irq + softirq, steal


def processes():
    """pid -> (ppid, CPU ticks, comm) for every process: its own user and
    system time plus that of the children it reaped (cutime, cstime), so
    the last slice of an exited child shows up in its parent."""
    out = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                s = f.read()
        except OSError:
            continue
        r = s.rfind(")")
        comm = s[s.find("(") + 1:r]
        f = s[r + 2:].split()
        out[int(d)] = (int(f[1]), int(f[11]) + int(f[12]) + int(f[13]) +
                       int(f[14]), comm)
    return out


def descendants(procs, root):
    children = {}
    for pid, (ppid, _t, _c) in procs.items():
        children.setdefault(ppid, []).append(pid)
    ours, todo = set(), [root]
    while todo:
        p = todo.pop()
        if p in ours:
            continue
        ours.add(p)
        todo.extend(children.get(p, []))
    return ours


def monitor(a):
    prev_t = time.time()
    prev_cpu = cpu_times()
    prev = processes()
    prev_ours = descendants(prev, a.root)
    with open(a.log, "a", buffering=1) as log:
        while os.path.exists("/proc/%d" % a.root):
            time.sleep(a.interval)
            t = time.time()
            cpu = cpu_times()
            procs = processes()
            ours = descendants(procs, a.root)
            dt = t - prev_t
            scale = 100.0 / (dt * HZ)
            # Per process, never /proc/stat minus ours: the scan takes
            # milliseconds (longer when preempted), and the two would be
            # read at different moments.
            ours_d = foreign = 0
            top, top_d = "-", 0
            for pid, (_pp, tm, comm) in procs.items():
                # A process born in the interval spent all its time in it.
                d = tm - prev[pid][1] if pid in prev else tm
                if pid in ours:
                    ours_d += d
                else:
                    foreign += d
                    if d > top_d:
                        top, top_d = comm, d
            # An exited process's whole time reappears in its reaper's
            # cutime/cstime (counted above): take off what was already
            # counted for it, on the side it was on.
            uncertain = 0
            for p, (pp, tm, _c) in prev.items():
                if p in procs:
                    continue
                if p in prev_ours:
                    ours_d -= tm
                    if pp not in prev_ours:
                        uncertain = 1
                else:
                    foreign -= tm
            foreign = max(0, foreign)
            log.write("%.3f %.3f %.1f %.1f %.1f %.1f %d %s:%.0f\n" % (
                t, dt, foreign * scale, max(0, ours_d) * scale,
                (cpu[1] - prev_cpu[1]) * scale, (cpu[2] - prev_cpu[2]) * scale,
                uncertain, top.replace(" ", "_"), top_d * scale))
            prev_t, prev_cpu, prev, prev_ours = t, cpu, procs, ours


def read_log(path):
    rows = []
    try:
        with open(path) as f:
            for line in f:
                p = line.split()
                if len(p) >= 8:
                    rows.append((float(p[0]), float(p[1]), float(p[2]),
                                 float(p[3]), float(p[4]), float(p[5]),
                                 int(p[6]), p[7]))
    except OSError:
        pass
    return rows


def summarize(rows):
    certain = [r for r in rows if r[6] == 0] or rows
    if not certain:
        return {"foreign_mean_pct": "nan", "foreign_max_pct": "nan",
                "foreign_intervals": 0}
    w = sum(r[1] for r in certain)
    mean = sum(r[2] * r[1] for r in certain) / w
    peak = max(certain, key=lambda r: r[2])
    tops = {}
    for r in certain:
        name, pct = r[7].rsplit(":", 1)
        tops[name] = tops.get(name, 0) + float(pct) * r[1]
    top = max(tops.items(), key=lambda kv: kv[1]) if tops else ("-", 0)
    return {
        "foreign_mean_pct": "%.1f" % mean,
        "foreign_max_pct": "%.1f" % peak[2],
        "foreign_top": "%s:%.0f" % (top[0], top[1] / w),
        "irq_mean_pct": "%.1f" % (sum(r[4] * r[1] for r in certain) / w),
        "steal_mean_pct": "%.1f" % (sum(r[5] * r[1] for r in certain) / w),
        "foreign_intervals": len(certain),
    }


def window(a):
    # Intervals overlapping the window: a short run still gets the ones
    # around it.
    rows = [r for r in read_log(a.log) if r[0] - r[1] < a.end and
            r[0] > a.start]
    for k, v in summarize(rows).items():
        print("%s=%s" % (k, v))


def wait(a):
    t0 = time.time()
    last = float("nan")
    while True:
        time.sleep(0.5)
        now = time.time()
        rows = [r for r in read_log(a.log) if r[0] >= now - 1.0]
        s = summarize(rows)
        if s["foreign_intervals"]:
            last = float(s["foreign_mean_pct"])
            if last < a.max:
                break
        if now - t0 >= a.timeout:
            break
    print("foreign_pct=%.1f waited_s=%.1f" % (last, time.time() - t0))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("monitor")
    m.add_argument("--root", type=int, required=True)
    m.add_argument("--log", required=True)
    m.add_argument("--interval", type=float, default=0.25)
    w = sub.add_parser("window")
    w.add_argument("--log", required=True)
    w.add_argument("--start", type=float, required=True)
    w.add_argument("--end", type=float, required=True)
    q = sub.add_parser("wait")
    q.add_argument("--log", required=True)
    q.add_argument("--max", type=float, default=10.0)
    q.add_argument("--timeout", type=float, default=20.0)
    a = ap.parse_args()
    {"monitor": monitor, "window": window, "wait": wait}[a.cmd](a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
