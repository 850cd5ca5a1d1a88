#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Time to the first socket, with only the device's PMDs against all of
them, in one run (issue 16 item 4), and where the rest of EAL's init goes.

    sudo perf/tools/first_socket.py [--build DIR] [--runs N] [--device D]
                                    [--prefix P] [--out DIR --name NAME]

With --out, NAME.summary gets the medians (kind first_socket: the
first_socket scenario of perf/run.sh); the table goes to stdout either
way. --prefix names the EAL file prefixes (default wspdkfs), so that a
runner's cleanup finds them.

Each run is a fresh process (EAL starts once per process) in a network
namespace of its own (the default device is a tap): perf/wscycle times
WSAStartup until a UDP socket is bound. "only" is the provider as it is;
"all" is the same binary without CAP_SYS_ADMIN (setpriv), so it cannot
hide EAL's plugin directory and EAL loads every PMD there, as before.
Both get --iova-mode=va, so that losing CAP_SYS_ADMIN (no physical
addresses) changes nothing else. Runs alternate between the two.

EAL's phases come from its own debug log, each line timestamped as it
arrives (stderr is unbuffered): plugin load is the gap after "Detected
shared linkage" up to the first line after the last dlopen; CPU detection
the gap before "Maximum logical cores" (rte_eal_cpu_init probes sysfs
for every possible CPU id); TSC calibration the gap before "TSC
frequency" (22.11
sleeps 100 ms there when the CPU does not say its TSC rate: on AMD it
never asks, lib/eal/x86/rte_cycles.c get_tsc_freq_arch).
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def run_once(build, mode, tag, device, prefix="wspdkfs"):
    env = dict(os.environ)
    env.update({
        "WSPDK_LOG_LEVEL": "info",
        "WSPDK_LCORES": "1",
        "WSPDK_EAL_ARGS": "--iova-mode=va --log-level=eal,debug "
                          "--file-prefix=%s%s" % (prefix, tag),
    })
    if device:
        env["WSPDK_DEVICE"] = device
    app = [os.path.join(build, "perf", "wscycle"), "--cycles", "10",
           "--seconds", "1", "--out", "/tmp", "--name", prefix + tag]
    if mode == "all":
        app = ["setpriv", "--bounding-set=-sys_admin"] + app
    cmd = ["unshare", "-n", "sh", "-c",
           'ip link set lo up && exec "$@"', "sh"] + app
    p = subprocess.Popen(["timeout", "-k", "5", "60"] + cmd, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         bufsize=0)
    lines = []
    for raw in iter(p.stdout.readline, b""):
        lines.append((time.monotonic(), raw.decode(errors="replace")))
    rc = p.wait()
    for suffix in (".summary", ".samples", ".dist"):
        try:
            os.unlink("/tmp/%s%s%s" % (prefix, tag, suffix))
        except OSError:
            pass
    return rc, lines


def parse(lines):
    r = {}
    for i, (t, line) in enumerate(lines):
        m = re.search(r"time to first socket ([\d.]+) ms \(WSAStartup "
                      r"([\d.]+) ms", line)
        if m:
            r["first_socket_ms"] = float(m.group(1))
            r["wsastartup_ms"] = float(m.group(2))
        m = re.search(r"EAL up: rte_eal_init ([\d.]+) ms, PMDs before it "
                      r"([\d.]+) ms", line)
        if m:
            r["rte_eal_init_ms"] = float(m.group(1))
            r["own_pmd_load_ms"] = float(m.group(2))
        if "TSC frequency is" in line and i > 0:
            r["tsc_calibration_ms"] = (t - lines[i - 1][0]) * 1e3
        if "Maximum logical cores by configuration" in line and i > 0:
            r["cpu_detect_ms"] = (t - lines[i - 1][0]) * 1e3
    # eal_plugins_init logs "open shared lib" before each dlopen and the
    # PMDs' constructors log their log types: the phase ends at the first
    # other line after the last dlopen.
    text = [l for _, l in lines]
    start = next((i for i, l in enumerate(text)
                  if "Detected shared linkage" in l), None)
    if start is not None:
        last = max([i for i, l in enumerate(text) if "open shared lib" in l]
                   + [start])
        end = last + 1
        while end < len(text) and "log level changed" in text[end]:
            end += 1
        if end < len(text):
            r["eal_plugins_ms"] = (lines[end][0] - lines[start][0]) * 1e3
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(HERE, "..", "..",
                                                    "build"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--device", default="",
                    help="WSPDK_DEVICE (default: the provider's, a tap)")
    ap.add_argument("--prefix", default="wspdkfs")
    ap.add_argument("--out", default="")
    ap.add_argument("--name", default="first_socket")
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("first_socket.py: must run as root (namespaces, "
                 "hugepages)")
    res = {"only": [], "all": []}
    for i in range(a.runs):
        for mode in ("only", "all"):
            rc, lines = run_once(a.build, mode, "%s%d" % (mode[0], i),
                                 a.device, a.prefix)
            r = parse(lines)
            if rc != 0 or "first_socket_ms" not in r:
                tail = "".join(l for _, l in lines[-15:])
                sys.exit("first_socket.py: %s run %d failed (rc %d):\n%s"
                         % (mode, i, rc, tail))
            res[mode].append(r)
    # Derived per run, then medians (medians of parts do not add up).
    for m in res:
        for r in res[m]:
            r["eal_rest_ms"] = (r.get("rte_eal_init_ms", 0.0) -
                                r.get("eal_plugins_ms", 0.0) -
                                r.get("tsc_calibration_ms", 0.0) -
                                r.get("cpu_detect_ms", 0.0))
            r["after_eal_ms"] = (r["first_socket_ms"] -
                                 r.get("rte_eal_init_ms", 0.0) -
                                 r.get("own_pmd_load_ms", 0.0))
    keys = ["first_socket_ms", "wsastartup_ms", "rte_eal_init_ms",
            "eal_plugins_ms", "tsc_calibration_ms", "cpu_detect_ms",
            "own_pmd_load_ms", "eal_rest_ms", "after_eal_ms"]
    med = {m: {k: statistics.median(r.get(k, 0.0) for r in res[m])
               for k in keys} for m in res}
    print("first WSAStartup -> first bound socket, device %s, median of "
          "%d runs each (ms; each row its own median)" %
          (a.device or "default (net_tap)", a.runs))
    print("| %-44s | %9s | %9s |" % ("", "only", "all PMDs"))
    print("|%s|%s|%s|" % ("-" * 46, "-" * 11, "-" * 11))
    rows = [
        ("time to first socket", "first_socket_ms"),
        ("  of which rte_eal_init", "rte_eal_init_ms"),
        ("    EAL plugin load (eal_plugins_init)", "eal_plugins_ms"),
        ("    TSC calibration (100 ms nanosleep)", "tsc_calibration_ms"),
        ("    CPU detection (sysfs, 1024 CPU ids)", "cpu_detect_ms"),
        ("    the rest of EAL (memory, threads, ...)", "eal_rest_ms"),
        ("  our own PMD dlopen + namespace", "own_pmd_load_ms"),
        ("  provider load, config, pool, port, socket", "after_eal_ms"),
    ]
    for label, k in rows:
        print("| %-44s | %9.1f | %9.1f |" % (label, med["only"][k],
                                              med["all"][k]))
    ratio = med["only"]["first_socket_ms"] / med["all"]["first_socket_ms"]
    print("ratio only/all: %.2f (first socket %.1f ms against %.1f ms)"
          % (ratio, med["only"]["first_socket_ms"],
             med["all"]["first_socket_ms"]))
    print("runs: only %s; all %s" % (
        [round(r["first_socket_ms"], 1) for r in res["only"]],
        [round(r["first_socket_ms"], 1) for r in res["all"]]))
    if a.out:
        write_summary(a, med, res)


def write_summary(a, med, res):
    """The medians as NAME.summary: the subject ("only", as the provider
    runs) and its same-run baseline ("all", every PMD loaded)."""
    kv = [("name", a.name), ("kind", "first_socket"), ("runs", a.runs),
          ("device", a.device or "default (net_tap)")]
    for m in ("only", "all"):
        for k, v in sorted(med[m].items()):
            kv.append(("%s_%s" % (m, k), "%.1f" % v))
        kv.append(("%s_runs_ms" % m, ",".join(
            "%.1f" % r["first_socket_ms"] for r in res[m])))
    with open(os.path.join(a.out, a.name + ".summary"), "w") as f:
        f.write("".join("%s=%s\n" % x for x in kv))


if __name__ == "__main__":
    main()
