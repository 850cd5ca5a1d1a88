#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The kernel's side of the multicast tests, run inside the test's netns.

  send SRC GROUP PORT COUNT          send COUNT datagrams from SRC, ~2 kHz
  groups SRC BASE COUNT PORT         one datagram "g=<i>" to each of COUNT
                                     groups from BASE up, in paced bursts
  recv GROUP IFADDR PORT COUNT MS    join on IFADDR, count what arrives
  query v2|v3|v3group GROUP          send an IGMP query (scapy) on wsptap0
  capture SECONDS FILE               capture IGMP on wsptap0 (scapy) until
                                     FILE.stop exists (SECONDS at most)
  reports FILE                       print the IGMP records in a capture
  malformed DSTMAC SRCMAC            malformed IGMP/multicast frames

Every line it prints is "key=value ..." for the C test to parse.
"""
import os
import socket
import sys
import time

TAP = "wsptap0"


def send(src, group, port, count):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, 0))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                 socket.inet_aton(src))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
    for i in range(count):
        s.sendto(b"seq=%d src=%s" % (i, src.encode()), (group, port))
        time.sleep(0.0005)
    print("sent=%d" % count)


def groups(src, base, count, port):
    """One datagram to each group, from one process: a few thousand
    groups take well under a second. Bursts of 64 with a pause between,
    so the tap's queue (1000 frames) never overflows on a busy machine."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, 0))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                 socket.inet_aton(src))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
    first = int.from_bytes(socket.inet_aton(base), "big")
    for i in range(count):
        s.sendto(b"g=%d" % i,
                 (socket.inet_ntoa((first + i).to_bytes(4, "big")), port))
        if i % 64 == 63:
            time.sleep(0.005)
    print("sent=%d" % count)


def recv(group, ifaddr, port, count, ms):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind(("", port))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                 socket.inet_aton(group) + socket.inet_aton(ifaddr))
    print("joined=1", flush=True)
    s.settimeout(ms / 1000.0)
    n = 0
    try:
        while n < count:
            s.recv(2048)
            n += 1
    except socket.timeout:
        pass
    print("received=%d" % n)


def query(kind, group):
    from scapy.all import Ether, IP, sendp
    from scapy.contrib.igmp import IGMP
    from scapy.contrib.igmpv3 import IGMPv3, IGMPv3mq
    dst = "224.0.0.1" if group == "0.0.0.0" else group
    ip = IP(src="198.18.0.1", dst=dst, ttl=1, options=[b"\x94\x04\x00\x00"])
    if kind == "v2":
        pkt = ip / IGMP(type=0x11, mrcode=10, gaddr=group)
    else:
        pkt = ip / IGMPv3(type=0x11, mrcode=10) / IGMPv3mq(gaddr=group)
    sendp(Ether(src="02:00:c6:12:00:01") / pkt, iface=TAP, verbose=False)
    print("queried=%s" % kind)


def capture(seconds, path):
    from scapy.all import AsyncSniffer, wrpcap
    sn = AsyncSniffer(iface=TAP, filter="igmp")
    sn.start()
    time.sleep(0.5)
    print("capturing=1", flush=True)
    # Until the test says stop: a fixed window ran out before a loaded
    # machine had done what the test captures.
    end = time.monotonic() + seconds
    while time.monotonic() < end and not os.path.exists(path + ".stop"):
        time.sleep(0.05)
    pkts = sn.stop()
    wrpcap(path, pkts)
    print("captured=%d" % len(pkts))


def reports(path):
    """One line per IGMP message we (198.18.0.2) sent."""
    from scapy.all import rdpcap, IP
    from scapy.contrib.igmpv3 import IGMPv3, IGMPv3mr
    names = {1: "is_in", 2: "is_ex", 3: "to_in", 4: "to_ex", 5: "allow",
             6: "block"}
    for p in rdpcap(path):
        if IP not in p or p[IP].src != "198.18.0.2" or p[IP].proto != 2:
            continue
        raw = bytes(p[IP].payload)
        if raw[0] == 0x16:
            print("v2report group=%s" % socket.inet_ntoa(raw[4:8]))
        elif raw[0] == 0x17:
            print("v2leave group=%s" % socket.inet_ntoa(raw[4:8]))
        elif raw[0] == 0x22:
            nrec = int.from_bytes(raw[6:8], "big")
            off = 8
            for _ in range(nrec):
                rtype, _aux, nsrc = raw[off], raw[off + 1], \
                    int.from_bytes(raw[off + 2:off + 4], "big")
                grp = socket.inet_ntoa(raw[off + 4:off + 8])
                srcs = [socket.inet_ntoa(raw[off + 8 + 4 * i:off + 12 + 4 * i])
                        for i in range(nsrc)]
                print("v3record type=%s group=%s sources=%s ttl=%d ra=%d" %
                      (names.get(rtype, rtype), grp, ",".join(srcs) or "-",
                       p[IP].ttl, int(bool(p[IP].options))))
                off += 8 + 4 * nsrc


def malformed(dst_mac, src_mac):
    from scapy.all import Ether, IP, UDP, Raw, sendp
    eth = Ether(dst=dst_mac, src=src_mac)
    mc = Ether(dst="01:00:5e:01:02:03", src=src_mac)
    frames = [
        # IGMP with a bad checksum
        eth / IP(src="198.18.0.1", dst="224.0.0.1", proto=2, ttl=1) /
        Raw(b"\x11\x0a\x00\x00\x00\x00\x00\x00"),
        # IGMP shorter than its header
        eth / IP(src="198.18.0.1", dst="224.0.0.1", proto=2, ttl=1) /
        Raw(b"\x11\x0a"),
        # an unknown IGMP type (valid checksum)
        eth / IP(src="198.18.0.1", dst="224.0.0.1", proto=2, ttl=1) /
        Raw(b"\x42\x00\xbd\xff\x00\x00\x00\x00"),
        # a query for a group that is not multicast
        eth / IP(src="198.18.0.1", dst="224.0.0.1", proto=2, ttl=1) /
        Raw(b"\x11\x0a\x00\x00\x0a\x00\x00\x01"),
        # multicast UDP with a bad checksum
        mc / IP(src="198.18.0.1", dst="239.1.2.3") /
        UDP(sport=1, dport=30001, chksum=0x1234) / Raw(b"x" * 10),
        # multicast UDP with a bogus length
        mc / IP(src="198.18.0.1", dst="239.1.2.3") /
        UDP(sport=1, dport=30001, len=200) / Raw(b"x" * 10),
    ]
    # fix the IGMP checksum of the third one, keep the first one wrong
    from scapy.all import checksum
    third = bytearray(bytes(frames[2][Raw]))
    third[2:4] = b"\x00\x00"
    c = checksum(bytes(third))
    third[2:4] = c.to_bytes(2, "big")
    frames[2][Raw].load = bytes(third)
    fourth = bytearray(bytes(frames[3][Raw]))
    fourth[2:4] = b"\x00\x00"
    fourth[2:4] = checksum(bytes(fourth)).to_bytes(2, "big")
    frames[3][Raw].load = bytes(fourth)
    sendp(frames, iface=TAP, verbose=False)
    print("malformed=%d" % len(frames))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "send":
        send(args[0], args[1], int(args[2]), int(args[3]))
    elif cmd == "groups":
        groups(args[0], args[1], int(args[2]), int(args[3]))
    elif cmd == "recv":
        recv(args[0], args[1], int(args[2]), int(args[3]), int(args[4]))
    elif cmd == "query":
        query(args[0], args[1])
    elif cmd == "capture":
        capture(float(args[0]), args[1])
    elif cmd == "reports":
        reports(args[0])
    elif cmd == "malformed":
        malformed(args[0], args[1])
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
