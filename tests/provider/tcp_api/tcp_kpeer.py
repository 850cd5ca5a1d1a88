#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Kernel-side TCP peer of the tcp_kernel tests (plain Linux sockets).

Runs in the test's network namespace, started by the C test through
uk_child_start() (under `timeout`); prints "READY" once it listens (or
before it connects) and one summary line the test parses. Every wait is
bounded.

  server PORT N      listen on 198.18.0.1:PORT, accept one connection;
                     send N bytes and shut down, while reading to EOF
                     -> "DONE rx=<bytes> sha=<ok|bad> tx=<bytes>"
  client IP PORT N   connect to the provider, then as server
  reset PORT         listen, accept, read to the end
                     -> "END reset" (ECONNRESET) or "END eof <bytes>"

The stream is byte i = (i * 131 + (i >> 9)) & 0xff both ways (tcp_api.h
ta_byte); what arrives is checked by SHA-256 against it.
"""
import hashlib
import socket
import sys
import threading

KERNEL_IP = "198.18.0.1"
TIMEOUT = 30.0


def say(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def pattern(n):
    return bytes(((i * 131 + (i >> 9)) & 0xff) for i in range(n))


def exchange(c, n):
    want = hashlib.sha256(pattern(n)).hexdigest()
    out = pattern(n)
    sent = [0]

    def tx():
        c.sendall(out)
        sent[0] = len(out)
        c.shutdown(socket.SHUT_WR)

    t = threading.Thread(target=tx)
    t.start()
    h = hashlib.sha256()
    got = 0
    while True:
        b = c.recv(1 << 16)
        if not b:
            break
        h.update(b)
        got += len(b)
    t.join(TIMEOUT)
    ok = "ok" if got == n and h.hexdigest() == want else "bad"
    say("DONE rx=%d sha=%s tx=%d" % (got, ok, sent[0]))


def listener(port):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((KERNEL_IP, port))
    ls.listen(4)
    ls.settimeout(TIMEOUT)
    say("READY")
    c, _ = ls.accept()
    c.settimeout(TIMEOUT)
    ls.close()
    return c


def main(argv):
    mode = argv[1]
    if mode == "server":
        exchange(listener(int(argv[2])), int(argv[3]))
    elif mode == "client":
        c = socket.create_connection((argv[2], int(argv[3])), TIMEOUT)
        say("READY")
        exchange(c, int(argv[4]))
    elif mode == "reset":
        c = listener(int(argv[2]))
        got = 0
        try:
            while True:
                b = c.recv(1 << 16)
                if not b:
                    break
                got += len(b)
            say("END eof %d" % got)
        except ConnectionResetError:
            say("END reset")
    else:
        say("usage")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
