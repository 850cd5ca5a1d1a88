#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Linux side of the tcp_kernel tests: one kernel TCP socket driven by
line commands on stdin, one answer line each on stdout ("OK ..." or
"ERR ..."). Started by the C test (uk_child_start, under `timeout`) in
the test's network namespace, or with nsenter in the baseline's. Every
socket call is bounded by --timeout.

  listen PORT          bind --bind:PORT, listen            -> OK
  accept               take one connection                  -> OK peer=IP:PORT
  connect IP PORT      connect from --bind                  -> OK lport=N
                                                            |  ERR errno=N
  xfer N               send N random bytes then SHUT_WR, and read to
                       EOF at the same time  -> OK recv=.. rsha=.. sent=..
                                                   ssha=.. secs=..
                                                   gap=ms (longest
                                                   wait for data)
  send N               send N random bytes                  -> OK ssha=..
  recv                 read to EOF             -> OK recv=.. rsha=..
                                                  | ERR errno=N recv=..
  shutwr / close / linger0 (SO_LINGER {1, 0})               -> OK
  rcvbuf N             SO_RCVBUF N on sockets made after it  -> OK
  quit

Congestion control is pinned per socket (--cc, default cubic): the
machine's default is bbr and a netns may not choose a restricted one.
"""
import argparse
import hashlib
import os
import socket
import struct
import sys
import threading
import time

TCP_CONGESTION = getattr(socket, "TCP_CONGESTION", 13)


def say(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class Peer:
    def __init__(self, a):
        self.a = a
        self.ls = None
        self.s = None
        self.rcvbuf_n = 0

    def sock(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if self.rcvbuf_n:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self.rcvbuf_n)
        if self.a.cc:
            s.setsockopt(socket.IPPROTO_TCP, TCP_CONGESTION,
                         self.a.cc.encode())
        s.settimeout(self.a.timeout)
        return s

    def listen(self, port):
        self.ls = self.sock()
        self.ls.bind((self.a.bind, int(port)))
        self.ls.listen(8)
        return "OK"

    def accept(self):
        self.s, p = self.ls.accept()
        self.s.settimeout(self.a.timeout)
        return "OK peer=%s:%d" % p

    def connect(self, ip, port):
        self.s = self.sock()
        self.s.bind((self.a.bind, 0))
        err = self.s.connect_ex((ip, int(port)))
        if err != 0:
            return "ERR errno=%d" % err
        return "OK lport=%d" % self.s.getsockname()[1]

    def _send(self, n, out):
        data = os.urandom(n)
        out["ssha"] = hashlib.sha256(data).hexdigest()
        # send, not sendall: since Python 3.5 the timeout bounds a whole
        # sendall, and 1 GiB on a loaded machine took longer than that
        # (it stopped mid-way, which looked like a stalled connection).
        # Each call that makes no progress is what --timeout bounds.
        view = memoryview(data)
        while view:
            view = view[self.s.send(view[:1 << 20]):]
        out["sent"] = n

    def _recv(self, out):
        h = hashlib.sha256()
        n = 0
        last = None
        gap = 0.0   # longest wait between data after the first byte
        try:
            while True:
                b = self.s.recv(65536)
                if not b:
                    break
                now = time.monotonic()
                if last is not None:
                    gap = max(gap, now - last)
                last = now
                h.update(b)
                n += len(b)
        except OSError as e:
            out["errno"] = e.errno if e.errno is not None else -1
        out["recv"] = n
        out["rsha"] = h.hexdigest()
        out["gap"] = gap * 1000.0

    def xfer(self, n):
        out = {}
        t0 = time.monotonic()

        def sender():
            try:
                self._send(int(n), out)
                self.s.shutdown(socket.SHUT_WR)
            except OSError as e:
                out["serr"] = e.errno
        t = threading.Thread(target=sender)
        t.start()
        self._recv(out)
        t.join(self.a.timeout)
        secs = time.monotonic() - t0
        if "serr" in out or "errno" in out or t.is_alive():
            return "ERR serr=%s rerr=%s recv=%d" % (
                out.get("serr"), out.get("errno"), out.get("recv", 0))
        return "OK recv=%d rsha=%s sent=%d ssha=%s secs=%.4f gap=%.1f" % (
            out["recv"], out["rsha"], out["sent"], out["ssha"], secs,
            out["gap"])

    def send(self, n):
        out = {}
        self._send(int(n), out)
        return "OK ssha=%s" % out["ssha"]

    def recv(self):
        out = {}
        self._recv(out)
        if "errno" in out:
            return "ERR errno=%d recv=%d" % (out["errno"], out["recv"])
        return "OK recv=%d rsha=%s" % (out["recv"], out["rsha"])

    def shutwr(self):
        self.s.shutdown(socket.SHUT_WR)
        return "OK"

    def close(self):
        self.s.close()
        self.s = None
        return "OK"

    def rcvbuf(self, n):
        self.rcvbuf_n = int(n)
        return "OK"

    def linger0(self):
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                          struct.pack("ii", 1, 0))
        return "OK"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bind", default="198.18.0.1")
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--cc", default="cubic")
    a = ap.parse_args()
    p = Peer(a)
    cmds = {"listen": p.listen, "accept": p.accept, "connect": p.connect,
            "xfer": p.xfer, "send": p.send, "recv": p.recv,
            "shutwr": p.shutwr, "close": p.close, "linger0": p.linger0,
            "rcvbuf": p.rcvbuf}
    say("READY")
    for line in sys.stdin:
        w = line.split()
        if not w:
            continue
        if w[0] == "quit":
            break
        try:
            say(cmds[w[0]](*w[1:]))
        except (OSError, KeyError, TypeError, ValueError) as e:
            say("ERR %s: %s" % (w[0], e))


if __name__ == "__main__":
    main()
