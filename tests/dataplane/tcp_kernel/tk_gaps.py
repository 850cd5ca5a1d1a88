#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Long gaps in our sending in a tcp_kernel_bulk capture (TK_PCAP=DIR).

  tk_gaps.py DIR/bulk-10.pcap [--gap MS] [--before MS] [--port N]

The capture is taken on the routed hop in the test's namespace, so each
segment shows twice: "In" as its sender sent it, "Out" once it passed the
nft loss rule (a segment with no "Out" was dropped). For every gap of at
least --gap ms between two of our data segments, prints what happened in
the --before ms ahead of it and just after: our segments (in units of
segments from our first data byte, with the transmission count and
DROPPED), and Linux's ACKs and SACK blocks in the same units (DROPPED
when they never reached us). Needs tcpdump.
"""
import argparse
import re
import subprocess

LINE = re.compile(r"^(\S+) \S+\s+(In|Out)\s+IP (\S+) > (\S+): Flags \[([^\]]*)\](.*)$")
OURS = "198.18.0."


def parse(pcap, port):
    flt = ["tcp", "port", str(port)] if port else []
    out = subprocess.run(["tcpdump", "-r", pcap, "-nn", "-tt", "-S"] + flt,
                         capture_output=True, text=True, check=True).stdout
    ev = []
    for line in out.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        t, d, src, _, _, rest = m.groups()
        seq = re.search(r"seq (\d+):(\d+)", rest)
        ack = re.search(r"ack (\d+)", rest)
        ln = re.search(r"length (\d+)", rest)
        ev.append({"t": float(t), "in": d == "In",
                   "len": int(ln.group(1)) if ln else 0,
                   "ours": src.startswith(OURS),
                   "seq": int(seq.group(1)) if seq else None,
                   "ack": int(ack.group(1)) if ack else None,
                   "sack": re.findall(r"\{(\d+):(\d+)\}", rest),
                   "key": (src, seq.group(0) if seq else "",
                           ack.group(0) if ack else "",
                           tuple(re.findall(r"\{[^}]*\}", rest)))})
    return ev


def mark_drops(ev):
    """A segment seen In with no Out of the same key: an Out is the
    copy of the latest such In (the hop forwards in microseconds)."""
    pending = {}
    for e in ev:
        if e["in"]:
            e["dropped"] = True
            pending.setdefault(e["key"], []).append(e)
        elif pending.get(e["key"]):
            pending[e["key"]].pop()["dropped"] = False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pcap")
    ap.add_argument("--gap", type=float, default=150.0)
    ap.add_argument("--before", type=float, default=3.0)
    ap.add_argument("--port", type=int, default=0,
                    help="one connection of several in the capture")
    a = ap.parse_args()
    ev = parse(a.pcap, a.port)
    mark_drops(ev)
    sent = [e for e in ev if e["in"] and e["ours"] and e["seq"] is not None]
    if not sent:
        print("no data of ours in", a.pcap)
        return
    base, t0 = sent[0]["seq"], sent[0]["t"]
    lens = [e["len"] for e in sent if e["len"]]
    mss = max(set(lens), key=lens.count) if lens else 1
    count = {}
    for e in sent:
        count[e["seq"]] = count.get(e["seq"], 0) + 1
        e["n"] = count[e["seq"]]

    def seg(v):
        return ((v - base) & 0xffffffff) // mss

    print("our data segments %d, sent again %d, dropped %d (MSS %d)" % (
        len(sent), sum(e["n"] > 1 for e in sent),
        sum(e["dropped"] for e in sent), mss))
    for prev, cur in zip(sent, sent[1:]):
        gap = (cur["t"] - prev["t"]) * 1000
        if gap < a.gap:
            continue
        print("\n=== %.1f ms without data of ours before t=%.6f s" % (
            gap, cur["t"] - t0))
        lo, hi = prev["t"] - a.before / 1000, cur["t"] + 0.0005
        for e in ev:
            if not (e["in"] and lo <= e["t"] <= hi):
                continue
            drop = " DROPPED" if e["dropped"] else ""
            if e["ours"] and e["seq"] is not None:
                print(" %.6f ours  seg %d tx#%d%s" % (
                    e["t"] - t0, seg(e["seq"]), e["n"], drop))
            elif not e["ours"]:
                sk = " ".join("%d-%d" % (seg(int(s)), seg(int(x)))
                              for s, x in e["sack"])
                print(" %.6f Linux ack %d%s%s%s" % (
                    e["t"] - t0, seg(e["ack"]) if e["ack"] else -1,
                    " sack " + sk if sk else "",
                    " (on data)" if e["seq"] is not None else "", drop))


if __name__ == "__main__":
    main()
