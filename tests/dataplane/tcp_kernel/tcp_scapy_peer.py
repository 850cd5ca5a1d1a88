#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Scripted TCP peer for test_tk_scapy.c (tcp-notes §6.2): scapy plays
the peer on the kernel side of wsptap0 with the kernel's own address,
198.18.0.1 (the test's nft rule keeps the kernel from answering our
segments to it), so every sequence number and option is the test's.

Line protocol on stdin/stdout: prints READY, then for each
"case NAME SPORT" runs that case. Cases with a connection first open
it (SYN with MSS, SACK_PERM, TS, WS 7 unless the case says otherwise),
print "OPEN" and wait for "go" (the test accepts it meanwhile), then
inject and expect; the answer is "OK key=val..." or "ERR reason".
Every wait is bounded.
"""
import argparse
import select
import sys
import time

from scapy.all import ARP, Ether, IP, Raw, TCP, conf, srp1

conf.verb = 0
M32 = 0xffffffff


def say(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class Fail(Exception):
    pass


def fl(t):
    return str(t.flags)


class Peer:
    def __init__(self, a):
        self.a = a
        ans = srp1(Ether(dst="ff:ff:ff:ff:ff:ff", src=a.src_mac) /
                   ARP(op=1, hwsrc=a.src_mac, psrc=a.src_ip,
                       pdst=a.dst_ip), iface=a.iface, timeout=3)
        if ans is None:
            raise Fail("no ARP answer from %s" % a.dst_ip)
        self.eth = Ether(src=a.src_mac, dst=ans[ARP].hwsrc)
        self.s = conf.L2socket(iface=a.iface)
        self.ts = 1000000
        self.tsecr = 0

    # ---- wire ----

    def seg(self, flags, seq, ack=0, load=b"", opts=None, raw_opts=None,
            win=1000, dport=None):
        kw = dict(sport=self.sport, dport=dport or self.a.port,
                  flags=flags, seq=seq & M32, ack=ack & M32, window=win)
        if "U" in flags:
            kw["urgptr"] = 3
        if raw_opts is not None:
            # Options as given (malformed ones too): the header length
            # covers them and scapy's checksum covers the whole segment.
            kw["dataofs"] = 5 + len(raw_opts) // 4
            load = raw_opts + load
        elif opts is not None:
            kw["options"] = opts
        p = self.eth / IP(src=self.a.src_ip, dst=self.a.dst_ip) / TCP(**kw)
        if load:
            p = p / Raw(load)
        return p

    def send(self, *args, **kw):
        self.s.send(self.seg(*args, **kw))

    def ts_opt(self, tsval=None):
        self.ts += 10
        return [("NOP", None), ("NOP", None),
                ("Timestamp", (self.ts if tsval is None else tsval,
                               self.tsecr))]

    def recv(self, ms, sport=None):
        """Our stack's segments of this flow for ms (each as TCP)."""
        out = []
        end = time.monotonic() + ms / 1000.0
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return out
            r, _, _ = select.select([self.s], [], [], left)
            if not r:
                continue
            p = self.s.recv()
            if p is None or IP not in p or TCP not in p:
                continue
            if p[IP].src != self.a.dst_ip or \
                    p[TCP].dport != self.sport:
                continue
            t = p[TCP]
            for o in t.options:
                if o[0] == "Timestamp":
                    self.tsecr = o[1][0]
            out.append(t)
            if sport is not None:       # the first one is enough
                return out

    def expect(self, what, ms=1000):
        got = self.recv(ms, sport=True)
        if not got:
            raise Fail("%s: nothing within %d ms" % (what, ms))
        return got[0]

    def expect_none(self, what, ms=300):
        got = self.recv(ms)
        if got:
            raise Fail("%s: unexpected %s seq=%d ack=%d" %
                       (what, fl(got[0]), got[0].seq, got[0].ack))

    def expect_ack(self, what, ack, ms=1000):
        t = self.expect(what, ms)
        if fl(t) != "A" or t.seq != self.rcv or t.ack != ack & M32:
            raise Fail("%s: want A seq=%d ack=%d, got %s seq=%d ack=%d" %
                       (what, self.rcv, ack & M32, fl(t), t.seq, t.ack))
        return t

    # ---- connection ----

    def open(self, sport, ws=7, load=b""):
        self.sport = sport
        self.iss = (sport * 7919 + 12345) & M32
        opts = [("MSS", 1460), ("SAckOK", b""),
                ("Timestamp", (self.ts, 0)), ("NOP", None)]
        if ws is not None:
            opts.append(("WScale", ws))
        self.send("S", self.iss, opts=opts, load=load)
        sa = self.expect("SYN,ACK")
        if fl(sa) != "SA":
            raise Fail("want SA, got %s" % fl(sa))
        names = [o[0] for o in sa.options]
        if (ws is not None) != ("WScale" in names):
            raise Fail("SYN,ACK WS %s for a SYN with WS %s" %
                       (names, ws))
        self.rcv = (sa.seq + 1) & M32
        self.snd = sa.ack
        if sa.ack not in ((self.iss + 1) & M32,
                          (self.iss + 1 + len(load)) & M32):
            raise Fail("SYN,ACK ack=%d, iss=%d" % (sa.ack, self.iss))
        self.send("A", self.snd, self.rcv, opts=self.ts_opt())
        say("OPEN")
        line = sys.stdin.readline().strip()
        if line != "go":
            raise Fail("want go, got '%s'" % line)

    def data(self, load, what):
        """In-order data, ACKed exactly."""
        self.send("PA", self.snd, self.rcv, load=load, opts=self.ts_opt())
        self.expect_ack(what, self.snd + len(load))
        self.snd = (self.snd + len(load)) & M32

    def alive(self):
        self.data(b"live", "data after the case")

    def unknown(self, flags, seq, ack, load, want_flags, want_seq,
                want_ack):
        self.sport = self.a.sport_base
        self.send(flags, seq, ack, load=load, dport=self.a.closed_port)
        if want_flags is None:
            self.expect_none("answer to a RST")
            return ""
        t = self.expect("RST to unknown flow")
        if fl(t) != want_flags or t.seq != want_seq & M32 or \
                (want_ack is not None and t.ack != want_ack & M32):
            raise Fail("want %s seq=%d ack=%s, got %s seq=%d ack=%d" %
                       (want_flags, want_seq & M32, want_ack, fl(t),
                        t.seq, t.ack))
        return ""


# ---- cases: each returns the detail of its OK line ----

def c_rst_exact(p):
    p.send("R", p.snd, 0)
    p.expect_none("after the exact RST")
    # The connection is gone: a segment of it now gets the no-TCB RST.
    p.send("A", p.snd, p.rcv, opts=p.ts_opt())
    t = p.expect("RST after reset")
    if fl(t) != "R" or t.seq != p.rcv:
        raise Fail("want R seq=%d, got %s seq=%d" % (p.rcv, fl(t), t.seq))
    return ""


def c_rst_in_window(p):
    p.send("R", p.snd + 10, 0)
    p.expect_ack("challenge ACK", p.snd)
    p.alive()
    return ""


def c_rst_out_of_window(p):
    p.send("R", p.snd + (1 << 30), 0)
    p.send("R", p.snd - 5000, 0)
    p.expect_none("after out-of-window RSTs")
    p.alive()
    return ""


def c_syn_established(p):
    p.send("S", p.snd + 100, 0, opts=p.ts_opt())
    p.expect_ack("challenge ACK to SYN", p.snd)
    p.alive()
    return ""


def c_ack_beyond_snd_nxt(p):
    p.send("PA", p.snd, p.rcv + 100000, load=b"evil", opts=p.ts_opt())
    p.expect_ack("ACK for an ACK of unsent data", p.snd)
    p.alive()
    return ""


def c_challenge_limit(p):
    burst = [bytes(p.seg("R", p.snd + 10 + i, 0)) for i in range(20)]
    t0 = time.monotonic()
    for b in burst:
        p.s.send(b)
    ms = (time.monotonic() - t0) * 1000.0
    acks = [t for t in p.recv(300) if fl(t) == "A"]
    p.alive()
    return "acks=%d burst_us=%d" % (len(acks), int(ms * 1000))


def c_paws_old_ts(p):
    p.send("PA", p.snd, p.rcv, load=b"old!", opts=p.ts_opt(p.ts - 5000))
    p.expect_ack("ACK for a PAWS drop", p.snd)
    p.alive()
    return ""


def opt_case(raw_opts, delivered):
    def run(p):
        load = b"opt!"
        p.send("PA", p.snd, p.rcv, load=load, raw_opts=raw_opts)
        if delivered:
            p.expect_ack("data with the option", p.snd + len(load))
            p.snd = (p.snd + len(load)) & M32
        else:
            p.expect_none("segment with a broken option list")
        p.alive()
        return ""
    return run


def c_urg_inline(p):
    # URG with the urgent pointer inside the data: delivered in line, in
    # order, the stream never desynchronised (RFC 9293 MUST-30..33).
    load = b"urgent"
    p.send("PAU", p.snd, p.rcv, load=load, opts=p.ts_opt())
    p.expect_ack("ACK of urgent data", p.snd + len(load))
    p.snd = (p.snd + len(load)) & M32
    p.alive()
    return ""


def c_ws(p):
    p.alive()
    return ""


def c_syn_data(p):
    # open() sent "early" on the SYN; if its SYN,ACK did not take it,
    # it comes again as the first data segment (Linux drops it too).
    if p.snd == (p.iss + 1) & M32:
        p.data(b"early", "SYN data sent again")
    p.alive()
    return ""


CASES = {
    "rst_exact": c_rst_exact,
    "rst_in_window": c_rst_in_window,
    "rst_out_of_window": c_rst_out_of_window,
    "syn_established": c_syn_established,
    "ack_beyond_snd_nxt": c_ack_beyond_snd_nxt,
    "challenge_limit": c_challenge_limit,
    "paws_old_ts": c_paws_old_ts,
    # length 0 and 1, past the header's end: the list is unusable.
    "opt_len0": opt_case(b"\x13\x00\x00\x00", False),
    "opt_len1": opt_case(b"\x13\x01\x00\x00", False),
    "opt_overrun": opt_case(b"\x01\x01\x08\x0a", False),
    "opt_no_len": opt_case(b"\x01\x01\x01\x13", False),
    # known kinds of the wrong size, unknown kinds: skipped.
    "opt_mss_short": opt_case(b"\x02\x03\x05\x01", True),
    "opt_ws_short": opt_case(b"\x03\x02\x01\x01", True),
    "opt_sack_short": opt_case(b"\x05\x06\x00\x00\x00\x00\x01\x01", True),
    "opt_ts_short": opt_case(b"\x08\x06\x00\x00\x00\x01\x01\x01", True),
    "opt_unknown": opt_case(b"\xfd\x04\xab\xcd\x63\x02\x01\x00", True),
    "urg_inline": c_urg_inline,
    "ws15": c_ws,
    "ws30": c_ws,
    "syn_data": c_syn_data,
}
OPEN_ARGS = {"ws15": {"ws": 15}, "ws30": {"ws": 30},
             "syn_data": {"load": b"early"}}

UNKNOWN = {
    # ACK set: <SEQ=SEG.ACK><CTL=RST>.
    "unk_ack": ("A", 5000, 777777, b"0123456789", "R", 777777, None),
    # No ACK: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
    "unk_syn": ("S", 5000, 0, b"", "RA", 0, 5001),
    "unk_syn_data": ("S", 5000, 0, b"abc", "RA", 0, 5004),
    "unk_fin_ack": ("FA", 6000, 888888, b"xy", "R", 888888, None),
    # No ACK, no SYN: data (and FIN) still get the RST,ACK.
    "unk_psh_noack": ("P", 7000, 0, b"abcd", "RA", 0, 7004),
    # Never answer a RST.
    "unk_rst": ("R", 8000, 0, b"", None, 0, None),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iface", required=True)
    ap.add_argument("--src-mac", required=True)
    ap.add_argument("--src-ip", required=True)
    ap.add_argument("--dst-ip", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--closed-port", type=int, required=True)
    ap.add_argument("--sport-base", type=int, default=41000)
    a = ap.parse_args()
    try:
        p = Peer(a)
    except Fail as e:
        say("ERR %s" % e)
        return 1
    say("READY")
    for line in sys.stdin:
        w = line.split()
        if not w:
            continue
        if w[0] == "quit":
            break
        try:
            if w[0] != "case" or len(w) != 3:
                raise Fail("bad command '%s'" % line.strip())
            name, sport = w[1], int(w[2])
            if name in UNKNOWN:
                a.sport_base = sport
                detail = p.unknown(*UNKNOWN[name])
            elif name in CASES:
                p.open(sport, **OPEN_ARGS.get(name, {}))
                detail = CASES[name](p)
            else:
                raise Fail("no case %s" % name)
            say("OK " + detail)
        except Fail as e:
            say("ERR %s" % e)
    return 0


if __name__ == "__main__":
    sys.exit(main())
