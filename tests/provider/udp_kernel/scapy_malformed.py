#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Malformed (and a few valid) frames for the provider, through its tap.

testbed.md §B2: scapy builds the frames and sendp() writes them on the
kernel side of the tap (an AF_PACKET socket), so the kernel's stack neither
sees nor fixes them. Runs as a child of test_uk_malformed.c in the test's
network namespace, as a small server: it prints "READY", then for each case
name read on stdin sends that case's frames and prints "SENT <case> <n>"
(n = frames written), so the test can read the counters between cases.

The frames claim to come from the kernel side itself (198.18.0.1 and the
MAC the test gave it), so the ICMP errors the provider sends back go to a
real host that ignores them.
"""
import argparse
import sys

from scapy.all import (Dot1Q, Ether, ICMP, IP, IPOption_RR, Raw, TCP, UDP,
                       conf, fragment, raw, sendp)

conf.verb = 0


def say(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def frames(a):
    eth = Ether(dst=a.dst_mac, src=a.src_mac)
    # IPv4 EtherType even when a raw (broken) header follows.
    eth4 = Ether(dst=a.dst_mac, src=a.src_mac, type=0x0800)
    ip = IP(src=a.src_ip, dst=a.dst_ip, id=0x4242)
    bcast = a.dst_ip.rsplit(".", 1)[0] + ".255"

    def udp(port, data=b"payload", **kw):
        return eth / ip / UDP(sport=40000, dport=port, **kw) / Raw(data)

    def wrong_udp_csum(port):
        p = Ether(raw(udp(port)))
        good = p[UDP].chksum
        bad = good ^ 0x5a5a or 0x1111
        return udp(port, chksum=bad)

    def wrong_ip_csum():
        b = bytearray(raw(udp(a.port)))
        b[14 + 10] ^= 0xff          # the header checksum's first byte
        return bytes(b)

    def wrong_icmp_csum():
        p = Ether(raw(eth / ip / ICMP(id=7, seq=1) / Raw(b"ping")))
        return eth / ip / ICMP(id=7, seq=1, chksum=p[ICMP].chksum ^ 0x0f0f) / \
            Raw(b"ping")

    # To the closed port: reassembled, then answered port unreachable
    # (the quote read from the chain).
    big = IP(src=a.src_ip, dst=a.dst_ip, id=0x5151) / \
        UDP(sport=40000, dport=a.closed_port) / Raw(b"f" * 2500)
    return {
        # 10 bytes: not even an Ethernet header.
        "eth_runt": [raw(eth4)[:10]],
        "ip_truncated": [eth4 / Raw(raw(ip / UDP())[:10])],
        "udp_truncated": [eth / IP(src=a.src_ip, dst=a.dst_ip, proto=17) /
                          Raw(b"\x9c\x40\x1b")],
        "ip_bad_ihl": [eth / IP(src=a.src_ip, dst=a.dst_ip, ihl=15) /
                       UDP(dport=a.port),
                       eth / IP(src=a.src_ip, dst=a.dst_ip, ihl=3) /
                       UDP(dport=a.port)],
        "ip_bad_version": [eth / IP(src=a.src_ip, dst=a.dst_ip, version=6) /
                           UDP(dport=a.port)],
        "ip_bad_totlen": [eth / IP(src=a.src_ip, dst=a.dst_ip, len=1000) /
                          UDP(dport=a.port) / Raw(b"x" * 10),
                          eth / IP(src=a.src_ip, dst=a.dst_ip, len=10) /
                          UDP(dport=a.port)],
        "ip_bad_csum": [wrong_ip_csum()],
        # A 2508-byte datagram in three real fragments, and one that is
        # not whole 8-byte units before the last.
        "ip_fragments": [eth / f for f in fragment(big, fragsize=1000)] +
                        [eth / IP(src=a.src_ip, dst=a.dst_ip, flags="MF",
                                  proto=17) / Raw(b"1234567")],
        "udp_bad_len": [udp(a.port, b"x" * 10, len=200),
                        udp(a.port, b"x" * 10, len=4)],
        "udp_bad_csum": [wrong_udp_csum(a.port)],
        "udp_bad_csum_closed_port": [wrong_udp_csum(a.closed_port)],
        "udp_zero_csum": [udp(a.port, b"zero-checksum", chksum=0)],
        "eth_other_mac": [Ether(dst="02:00:c6:12:00:99", src=a.src_mac) /
                          ip / UDP(dport=a.port) / Raw(b"not-mine")],
        "eth_mcast_src": [Ether(dst=a.dst_mac, src="01:00:5e:00:00:01") /
                          ip / UDP(dport=a.port) / Raw(b"bad-src")],
        "ip_other_host": [eth / IP(src=a.src_ip, dst="198.18.0.77") /
                          UDP(dport=a.port) / Raw(b"not-mine")],
        "ip_mcast_src": [eth / IP(src="224.0.0.9", dst=a.dst_ip) /
                         UDP(dport=a.port) / Raw(b"martian")],
        "ip_options": [eth / IP(src=a.src_ip, dst=a.dst_ip,
                                options=[IPOption_RR()]) /
                       UDP(sport=40000, dport=a.port) / Raw(b"with-options")],
        "eth_vlan": [eth / Dot1Q(vlan=5) / ip / UDP(dport=a.port)],
        "eth_ipv6": [Ether(dst=a.dst_mac, src=a.src_mac, type=0x86dd) /
                     Raw(b"\x60" + b"\x00" * 39)],
        "eth_unknown_type": [Ether(dst=a.dst_mac, src=a.src_mac,
                                   type=0x88b5) / Raw(b"\x00" * 46)],
        "tcp_syn": [eth / ip / TCP(sport=40000, dport=80, flags="S")],
        "ip_unknown_proto": [eth / IP(src=a.src_ip, dst=a.dst_ip, proto=253) /
                             Raw(b"\x00" * 20)],
        "udp_closed_port": [udp(a.closed_port, b"nobody-home")],
        "icmp_truncated": [eth / IP(src=a.src_ip, dst=a.dst_ip, proto=1) /
                           Raw(b"\x08\x00")],
        "icmp_bad_csum": [wrong_icmp_csum()],
        "icmp_echo": [eth / ip / ICMP(id=7, seq=2) / Raw(b"ping")],
        # Broadcasts to a port nobody holds: counted, never answered.
        "bcast_storm": [Ether(dst="ff:ff:ff:ff:ff:ff", src=a.src_mac) /
                        IP(src=a.src_ip, dst=bcast) /
                        UDP(sport=40000, dport=a.closed_port) /
                        Raw(b"storm")] * a.storm,
        "valid_final": [udp(a.port, b"still-delivered-after-malformed")],
    }


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--iface", required=True)
    p.add_argument("--dst-mac", required=True)
    p.add_argument("--src-mac", required=True)
    p.add_argument("--dst-ip", required=True)
    p.add_argument("--src-ip", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--closed-port", type=int, required=True)
    p.add_argument("--storm", type=int, default=10000)
    a = p.parse_args()
    cases = {k: [raw(f) if not isinstance(f, bytes) else f for f in v]
             for k, v in frames(a).items()}
    # One packet socket on the tap for every sendp().
    s = conf.L2socket(iface=a.iface)
    say("READY cases=%d" % len(cases))
    for line in sys.stdin:
        name = line.strip()
        if name == "QUIT":
            break
        if name not in cases:
            say("ERROR unknown case %s" % name)
            continue
        sendp(cases[name], iface=a.iface, socket=s, verbose=0)
        say("SENT %s %d" % (name, len(cases[name])))
    s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
