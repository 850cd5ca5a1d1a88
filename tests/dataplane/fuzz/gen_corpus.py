#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Regenerate the seed corpus of fuzz_rx (needs python3-scapy).

One file per seed, a sequence of records (see fuzz_rx.c): frames (with
the NIC's checksum flags, two segments, RX queue), sends from the
application's side, clock moves and lcore steps, aimed at what the fuzz
target has set up: station 02:77:73:70:00:00 / 198.18.0.2/24, gateway
198.18.0.254, UDP sockets on 7, 53 (our address), 5353 (two,
broadcast), 9000 (connected to 198.18.0.1:9) and 5000 (65 members of
239.1.2.3, one more than a fan-out chunk; 64 of 239.1.2.6, exactly one;
one of 239.1.2.4 for 198.18.0.1 only; one of 239.1.2.5 but 198.18.0.3);
5001 (a member of 239.1.2.3 on another port); a TCP connection from
198.18.0.1:40000 to our port 80, established before every input, whose
segments are frames with flag TCP_REL (0x40) in relative numbers (seq 0
is the peer's next byte, ack 0 ours, TSval/TSecr 0 the connection's
clocks): fuzz_rx.c rewrites them. Sends on socket 0x80 are on it.

  /usr/bin/python3 gen_corpus.py corpus/
"""
import os
import struct
import sys

from scapy.all import (ARP, Dot1Q, Ether, ICMP, IP, IPOption_RR, Raw, TCP,
                       UDP, fragment, raw)
from scapy.contrib.igmp import IGMP
from scapy.contrib.igmpv3 import IGMPv3, IGMPv3mq, IGMPv3mr, IGMPv3gr

US_MAC = "02:77:73:70:00:00"
PEER_MAC = "02:00:c6:12:00:01"
US = "198.18.0.2"
PEER = "198.18.0.1"
BCAST_MAC = "ff:ff:ff:ff:ff:ff"


def frames():
    eth = Ether(dst=US_MAC, src=PEER_MAC)
    ip = IP(src=PEER, dst=US)
    big = IP(src=PEER, dst=US, id=7) / UDP(sport=1000, dport=7) / \
        Raw(b"f" * 3000)
    quoted = IP(src=US, dst=PEER) / UDP(sport=9000, dport=9) / Raw(b"q" * 8)
    yield "arp_request", 0, Ether(dst=BCAST_MAC, src=PEER_MAC) / \
        ARP(op=1, hwsrc=PEER_MAC, psrc=PEER, pdst=US)
    yield "arp_reply", 0, eth / ARP(op=2, hwsrc=PEER_MAC, psrc=PEER,
                                    hwdst=US_MAC, pdst=US)
    yield "arp_probe", 0, Ether(dst=BCAST_MAC, src=PEER_MAC) / \
        ARP(op=1, hwsrc=PEER_MAC, psrc="0.0.0.0", pdst=US)
    yield "icmp_echo", 0, eth / ip / ICMP(id=1, seq=1) / Raw(b"ping" * 8)
    yield "icmp_echo_offload", 0x05, eth / ip / ICMP(id=1, seq=2) / \
        Raw(b"ping")
    yield "icmp_port_unreach", 0, eth / ip / ICMP(type=3, code=3) / \
        Raw(raw(quoted))
    yield "udp_echo", 0, eth / ip / UDP(sport=1000, dport=7) / Raw(b"hello")
    yield "udp_echo_big", 0, eth / ip / UDP(sport=1000, dport=7) / \
        Raw(b"x" * 1400)
    yield "udp_dns", 0, eth / ip / UDP(sport=1000, dport=53) / Raw(b"q" * 30)
    yield "udp_connected", 0, eth / ip / UDP(sport=9, dport=9000) / \
        Raw(b"from-peer")
    yield "udp_connected_other", 0, eth / IP(src="198.18.0.7", dst=US) / \
        UDP(sport=9, dport=9000) / Raw(b"not-the-peer")
    yield "udp_closed", 0, eth / ip / UDP(sport=1000, dport=4444) / Raw(b"?")
    yield "udp_zero_csum", 0, eth / ip / UDP(sport=1000, dport=7, chksum=0) / \
        Raw(b"zero")
    yield "udp_l4_good", 0x05, eth / ip / UDP(sport=1000, dport=7) / \
        Raw(b"offloaded")
    yield "udp_l4_bad", 0x09, eth / ip / UDP(sport=1000, dport=7) / \
        Raw(b"offloaded")
    yield "udp_bcast", 0, Ether(dst=BCAST_MAC, src=PEER_MAC) / \
        IP(src=PEER, dst="198.18.0.255") / UDP(sport=1000, dport=5353) / \
        Raw(b"everyone")
    yield "udp_mcast", 0, Ether(dst="01:00:5e:01:02:03", src=PEER_MAC) / \
        IP(src=PEER, dst="239.1.2.3", ttl=1) / UDP(sport=1000, dport=5000) / \
        Raw(b"group")
    yield "udp_mcast_chunk", 0, Ether(dst="01:00:5e:01:02:06",
                                      src=PEER_MAC) / \
        IP(src=PEER, dst="239.1.2.6", ttl=1) / UDP(sport=1000, dport=5000) / \
        Raw(b"sixty-four")
    yield "udp_mcast_source", 0, Ether(dst="01:00:5e:01:02:04",
                                       src=PEER_MAC) / \
        IP(src=PEER, dst="239.1.2.4", ttl=1) / UDP(sport=1000, dport=5000) / \
        Raw(b"ssm")
    yield "udp_mcast_blocked", 0, Ether(dst="01:00:5e:01:02:05",
                                        src=PEER_MAC) / \
        IP(src="198.18.0.3", dst="239.1.2.5", ttl=1) / \
        UDP(sport=1000, dport=5000) / Raw(b"blocked")
    yield "udp_options", 0, eth / IP(src=PEER, dst=US,
                                     options=[IPOption_RR()]) / \
        UDP(sport=1000, dport=7) / Raw(b"opts")
    for i, f in enumerate(fragment(big, fragsize=1000)):
        yield "ip_fragment_%d" % i, 0, eth / f
    yield "ip_unknown_proto", 0, eth / IP(src=PEER, dst=US, proto=253) / \
        Raw(b"\0" * 20)
    yield "tcp_syn", 0, eth / ip / TCP(sport=1000, dport=80, flags="S")
    yield "tcp_syn_options", 0, eth / ip / \
        TCP(sport=1000, dport=80, flags="S",
            options=[("MSS", 1460), ("SAckOK", b""), ("Timestamp", (1, 0)),
                     ("NOP", None), ("WScale", 7)])
    # A router's frag-needed quoting one of our segments (dp_tcp_icmp.c).
    yield "icmp_frag_needed_tcp", 0, eth / IP(src=PEER, dst=US) / \
        ICMP(type=3, code=4, nexthopmtu=1000) / \
        IP(src=US, dst=PEER, proto=6, len=1500) / \
        Raw(bytes(TCP(sport=80, dport=1000, seq=1))[:8])
    yield "vlan", 0, eth / Dot1Q(vlan=3) / ip / UDP(dport=7)
    yield "two_segments", 0x10, eth / ip / UDP(sport=1000, dport=7) / \
        Raw(b"chained")
    yield "igmpv3_query", 0, Ether(dst="01:00:5e:00:00:01", src=PEER_MAC) / \
        IP(src=PEER, dst="224.0.0.1", ttl=1, options=[b"\x94\x04\x00\x00"]) / \
        IGMPv3(type=0x11) / IGMPv3mq(gaddr="0.0.0.0")
    yield "igmpv3_group_query", 0, Ether(dst="01:00:5e:01:02:03",
                                         src=PEER_MAC) / \
        IP(src=PEER, dst="239.1.2.3", ttl=1,
           options=[b"\x94\x04\x00\x00"]) / \
        IGMPv3(type=0x11) / IGMPv3mq(gaddr="239.1.2.3")
    yield "igmpv2_query", 0, Ether(dst="01:00:5e:00:00:01", src=PEER_MAC) / \
        IP(src=PEER, dst="224.0.0.1", ttl=1) / \
        IGMP(type=0x11, mrcode=100, gaddr="0.0.0.0")
    yield "igmpv3_report", 0, Ether(dst="01:00:5e:00:00:16", src=PEER_MAC) / \
        IP(src=PEER, dst="224.0.0.22", ttl=1) / IGMPv3(type=0x22) / \
        IGMPv3mr(records=[IGMPv3gr(rtype=2, maddr="239.1.2.3")])


def frame(flags, f):
    b = raw(f)
    return bytes([0, flags]) + struct.pack("<H", len(b)) + b


def send(sock, dest, length):
    return bytes([1, sock, dest]) + struct.pack("<H", length)


def clock(n):
    return bytes([2, n])


STEP = bytes([3])
Q1 = 0x20
TCP_REL = 0x40
TCP_CONN = 0x80


def seg(flags="A", seq=0, ack=0, data=b"", ts=(1, 0), opts=(), win=65535):
    """A segment of the live connection, in relative numbers."""
    o = list(opts) + ([("NOP", None), ("NOP", None), ("Timestamp", ts)]
                      if ts is not None else [])
    return frame(TCP_REL, Ether(dst=US_MAC, src=PEER_MAC) /
                 IP(src=PEER, dst=US) /
                 TCP(sport=40000, dport=80, flags=flags, seq=seq, ack=ack,
                     window=win, options=o) / Raw(data))


def sequences():
    """Seeds of several records: what one frame alone cannot reach."""
    eth = Ether(dst=US_MAC, src=PEER_MAC)
    arp_reply = eth / ARP(op=2, hwsrc=PEER_MAC, psrc=PEER, hwdst=US_MAC,
                          pdst=US)
    echo = eth / IP(src=PEER, dst=US) / ICMP(id=1, seq=1) / Raw(b"ping")
    for dest in range(8):
        yield "send_dest_%d" % dest, send(dest % 6, dest, 100) + STEP
    yield "send_then_arp_reply", send(4, 0, 64) + STEP + \
        frame(0, arp_reply) + STEP
    yield "send_then_arp_reply_q1", send(4, 0, 64) + send(4, 0, 64) + \
        STEP + frame(Q1, arp_reply) + STEP
    yield "send_jumbo_fragmented", send(4, 0, 1) + STEP + \
        frame(0, arp_reply) + STEP + send(4, 0, 9000) + STEP
    yield "send_unresolved_gives_up", send(0, 2, 100) + send(0, 2, 100) + \
        STEP + clock(22) + STEP
    yield "echo_on_queue_1", frame(Q1, echo) + STEP + STEP
    yield "arp_request_on_queue_1", frame(Q1, Ether(dst=BCAST_MAC,
                                                    src=PEER_MAC) /
                                          ARP(op=1, hwsrc=PEER_MAC,
                                              psrc=PEER, pdst=US)) + STEP
    yield "igmp_query_then_reports", frame(0, Ether(
        dst="01:00:5e:00:00:01", src=PEER_MAC) / IP(
        src=PEER, dst="224.0.0.1", ttl=1,
        options=[b"\x94\x04\x00\x00"]) / IGMPv3(type=0x11) /
        IGMPv3mq(gaddr="0.0.0.0")) + clock(20) + STEP + clock(20) + STEP
    # A datagram's fragments last first, one on the other queue (handed
    # to the lcore that reassembles for the source); and an overlap.
    big = IP(src=PEER, dst=US, id=9) / UDP(sport=1000, dport=7) / \
        Raw(b"r" * 3000)
    frags = fragment(big, fragsize=1000)
    yield "fragments_reassembled", frame(0, eth / frags[2]) + \
        frame(Q1, eth / frags[1]) + frame(0, eth / frags[0]) + STEP + STEP
    yield "fragments_overlap", frame(0, eth / frags[0]) + \
        frame(0, eth / IP(src=PEER, dst=US, id=9, proto=17, flags="MF",
                          frag=120) / Raw(b"o" * 200)) + STEP
    # The live TCP connection (dp_tcp_input.c and what it calls).
    yield "tcp_data_in_order", seg("PA", 0, 0, b"a" * 100) + \
        seg("PA", 100, 0, b"b" * 100, ts=(2, 0)) + STEP
    yield "tcp_data_out_of_order_then_hole", seg("PA", 1000, 0, b"c" * 500) + \
        seg("PA", 0, 0, b"d" * 1000, ts=(2, 0)) + STEP
    yield "tcp_we_send_peer_sacks", send(TCP_CONN, 0, 4000) + STEP + \
        seg("A", 0, 1448, opts=[("SAck", (2896, 4000))], ts=(2, 1)) + \
        STEP + clock(18) + STEP
    yield "tcp_peer_fin", seg("FA", 0, 0, b"bye") + STEP + clock(20) + STEP
    yield "tcp_peer_rst", seg("R", 0, 0) + STEP
    yield "tcp_rst_out_of_window", seg("R", 100000, 0) + STEP
    yield "tcp_syn_on_established", seg("S", 0, 0) + STEP
    yield "tcp_old_duplicate", seg("PA", 0, 0, b"e" * 10) + \
        seg("PA", 0, 0, b"e" * 10, ts=(2, 0)) + STEP
    yield "tcp_paws_old_ts", seg("PA", 0, 0, b"f" * 10, ts=(5, 0)) + \
        seg("PA", 10, 0, b"g" * 10, ts=(1, 0)) + STEP
    yield "tcp_zero_window_then_open", send(TCP_CONN, 0, 8000) + \
        seg("A", 0, 1000, win=0) + STEP + clock(20) + STEP + \
        seg("A", 0, 1000, ts=(3, 0)) + STEP
    yield "tcp_ack_of_unsent", seg("A", 0, 5000) + STEP
    yield "tcp_retransmit_timeout", send(TCP_CONN, 0, 1000) + STEP + \
        clock(21) + STEP + clock(22) + STEP
    yield "tcp_segment_on_queue_1", frame(TCP_REL | Q1, Ether(
        dst=US_MAC, src=PEER_MAC) / IP(src=PEER, dst=US) / TCP(
        sport=40000, dport=80, flags="PA") / Raw(b"q1")) + STEP
    yield "fill_then_time_passes", b"".join(send(i % 6, 1, 1400)
                                            for i in range(12)) + \
        clock(12) + STEP + clock(21) + STEP


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "corpus"
    os.makedirs(out, exist_ok=True)
    for name in os.listdir(out):
        os.unlink(os.path.join(out, name))
    for name, flags, f in frames():
        with open(os.path.join(out, name), "wb") as fh:
            fh.write(frame(flags, f))
    for name, seq in sequences():
        with open(os.path.join(out, name), "wb") as fh:
            fh.write(seq)
    return 0


if __name__ == "__main__":
    sys.exit(main())
