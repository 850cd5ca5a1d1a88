#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Kernel-side UDP peer of the udp_kernel tests (plain Linux sockets).

Runs in the test's network namespace, started by the C test through
uk_child_start() (under `timeout`), and reports one summary line the test
parses. Every wait is bounded.

  echo    send COUNT datagrams of random sizes to the provider's echo socket,
          WINDOW in flight; check every reply's source, content and order.
          -> "ECHO sent=.. ok=.. bad=.. gaps=.. late=.. lost=.. bytes=.."
  sink    bind 0.0.0.0:PORT with a large SO_RCVBUF and count what arrives;
          answers commands on stdin: COUNT, RESET, QUIT.
          -> "READY ..." then "COUNT n=.. bytes=.. bad=.. ooo=.. dup=.."
  refused send one datagram from a connected socket to a closed provider
          port and report what recv() says.
          -> "REFUSED errno=111" (ECONNREFUSED) or "NOTREFUSED <what>"

Datagrams the provider sends to a sink carry a 4-byte big-endian sequence
number, then byte i = (seq * 7 + i) & 0xff (see test_udp_kernel.c).
"""
import argparse
import errno
import os
import random
import select
import socket
import struct
import sys
import time

SO_RCVBUFFORCE = getattr(socket, "SO_RCVBUFFORCE", 33)
# Byte i of a sink datagram is (seq * 7 + i) & 0xff: a slice of this.
PATTERN = bytes(range(256)) * 258


def say(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def echo(a):
    rng = random.Random(a.seed)
    sizes = [rng.randint(0, a.max_size) for _ in range(a.count)]
    base = bytes((k * 7 + 3) & 0xff for k in range(a.max_size + 256))

    def payload(i):
        n = sizes[i]
        off = (i * 131) % 251
        b = base[off:off + n]
        if n >= 4:
            b = struct.pack(">I", i) + b[4:]
        return b

    peer = (a.dst, a.port)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 4 << 20)
    s.bind((a.src, 0))
    s.settimeout(a.timeout)
    sent = nxt = ok = bad = gaps = late = lost = nbytes = foreign = 0
    deadline = time.monotonic() + a.max_time
    while nxt < a.count and time.monotonic() < deadline:
        while sent < a.count and sent - nxt < a.window:
            s.sendto(payload(sent), peer)
            sent += 1
        try:
            data, src = s.recvfrom(65535)
        except socket.timeout:
            lost += sent - nxt
            break
        if src != peer:
            foreign += 1
            continue
        nbytes += len(data)
        if data == payload(nxt):
            ok += 1
            nxt += 1
            continue
        for j in range(nxt + 1, sent):
            if data == payload(j):
                gaps += j - nxt
                ok += 1
                nxt = j + 1
                break
        else:
            if any(data == payload(j) for j in range(max(0, nxt - a.window), nxt)):
                late += 1
            else:
                bad += 1
    say("ECHO sent=%d ok=%d bad=%d gaps=%d late=%d lost=%d foreign=%d "
        "bytes=%d" % (sent, ok, bad, gaps, late, lost, foreign, nbytes))
    return 0


class Sink:
    def __init__(self, a):
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        # Root may exceed net.core.rmem_max (SO_RCVBUFFORCE).
        self.s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, a.rcvbuf)
        self.s.bind(("0.0.0.0", a.port))
        self.s.setblocking(False)
        self.reset()

    def reset(self):
        self.n = self.nbytes = self.bad = self.ooo = self.dup = 0
        self.short = 0
        self.seen = set()
        self.expect = 0
        self.sizes = {}

    def take(self, data):
        self.n += 1
        self.nbytes += len(data)
        self.sizes[len(data)] = self.sizes.get(len(data), 0) + 1
        if len(data) < 4:
            self.short += 1
            return
        seq = struct.unpack(">I", data[:4])[0]
        off = (seq * 7 + 4) & 0xff
        want = PATTERN[off:off + len(data) - 4]
        if data[4:] != want:
            self.bad += 1
        if seq in self.seen:
            self.dup += 1
        self.seen.add(seq)
        if seq != self.expect:
            self.ooo += 1
        self.expect = seq + 1

    def drain(self):
        while True:
            try:
                data = self.s.recv(65536)
            except BlockingIOError:
                return
            self.take(data)

    def report(self):
        sizes = ",".join("%d:%d" % (k, v) for k, v in sorted(self.sizes.items()))
        say("COUNT n=%d bytes=%d bad=%d ooo=%d dup=%d short=%d sizes=%s" % (
            self.n, self.nbytes, self.bad, self.ooo, self.dup, self.short,
            sizes or "-"))


def sink(a):
    k = Sink(a)
    got = k.s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
    try:
        with open("/proc/sys/net/core/rmem_max") as f:
            rmem_max = f.read().strip()
    except OSError:
        rmem_max = "absent"
    say("READY port=%d rcvbuf=%d rmem_max=%s" % (a.port, got, rmem_max))
    deadline = time.monotonic() + a.max_time
    while time.monotonic() < deadline:
        r, _, _ = select.select([k.s, sys.stdin], [], [], 0.5)
        if k.s in r:
            k.drain()
        if sys.stdin in r:
            line = sys.stdin.readline()
            if line == "":
                return 0
            cmd = line.strip()
            # Everything already queued on the socket counts first.
            k.drain()
            if cmd == "COUNT":
                k.report()
            elif cmd == "RESET":
                k.reset()
                say("RESET")
            elif cmd == "QUIT":
                return 0
    say("TIMEOUT")
    return 1


def refused(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect((a.dst, a.port))
    s.settimeout(a.timeout)
    s.send(b"anyone there?")
    try:
        data = s.recv(2048)
        say("NOTREFUSED data=%r" % data)
    except socket.timeout:
        say("NOTREFUSED timeout")
    except OSError as e:
        if e.errno == errno.ECONNREFUSED:
            say("REFUSED errno=%d" % e.errno)
        else:
            say("NOTREFUSED errno=%d" % e.errno)
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("echo")
    e.add_argument("--dst", required=True)
    e.add_argument("--src", default="0.0.0.0")
    e.add_argument("--port", type=int, required=True)
    e.add_argument("--count", type=int, default=10000)
    e.add_argument("--seed", type=int, default=1)
    e.add_argument("--window", type=int, default=16)
    e.add_argument("--max-size", type=int, default=1472)
    e.add_argument("--timeout", type=float, default=3.0)
    e.add_argument("--max-time", type=float, default=60.0)
    k = sub.add_parser("sink")
    k.add_argument("--port", type=int, required=True)
    k.add_argument("--rcvbuf", type=int, default=16 << 20)
    k.add_argument("--max-time", type=float, default=120.0)
    r = sub.add_parser("refused")
    r.add_argument("--dst", required=True)
    r.add_argument("--port", type=int, required=True)
    r.add_argument("--timeout", type=float, default=3.0)
    a = p.parse_args()
    return {"echo": echo, "sink": sink, "refused": refused}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
