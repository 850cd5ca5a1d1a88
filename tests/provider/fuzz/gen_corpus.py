#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Regenerate the seed corpora of fuzz_api and fuzz_conf.

fuzz_api inputs are operation sequences in the byte format fuzz_api.c
reads (an opcode byte, then each operation's own bytes); the seeds below
make sockets talk to each other through the wire, pend and complete
overlapped receives, walk the options and ioctls, and close with each
linger. fuzz_conf inputs are fuzz_conf.c's header of numbers followed by
NUL-separated strings (device, EAL arguments, tagged settings).

  /usr/bin/python3 gen_corpus.py corpus_api/ corpus_conf/
"""
import os
import struct
import sys

# Opcodes, as step() in fuzz_api.c numbers them.
(SOCKET, BIND, CONNECT, SEND, SENDTO, RECV, RECV_PLAIN, GET_RESULT,
 SHUTDOWN, CLOSE, SETOPT, GETOPT, IOCTLSOCKET, WSAIOCTL, SELECT, NAMES,
 INJECT, WAIT, MSG) = range(19)

# fa_addr_pick() indexes and make_sa() port indexes.
A_US, A_PEER, A_OTHER, A_SILENT, A_BCAST, A_MCAST, A_OFFNET, A_ANY = range(8)
P_ANY, P_7, P_9, P_5000, P_5001 = range(5)


def u16(v):
    return struct.pack("<H", v)


def sa(addr, port, lenidx=0):
    """make_sa: an AF_INET sockaddr of 16 bytes."""
    return bytes([lenidx, addr, port])


def sock_ovl():
    return bytes([SOCKET, 0x40, 0])          # WSASocketW, overlapped UDP


def sock_plain():
    return bytes([SOCKET, 0x00, 1])          # WSASocketW, no flags


def bind(slot, addr, port):
    return bytes([BIND, slot]) + sa(addr, port)


def bufs(lens, data=b"fuzz"):
    out = bytes([len(lens)])
    for n in lens:
        out += bytes([n]) + (data * 16)[:min(n, 64)]
    return out


def sendto(slot, addr, port, lens=(4,), ovl=0):
    return bytes([SENDTO, slot, 0, 0, ovl]) + bufs(lens) + sa(addr, port)


def recv(slot, ovl=0, peek=False, lens=(64,), frm=True):
    v = 4 if frm else 0
    flags = bytes([4]) if peek else bytes([0])
    return bytes([RECV, slot, v, 0]) + flags + bytes([ovl]) + bufs(lens)


def nonblocking(slot):
    return bytes([IOCTLSOCKET, slot, 0, 0, 1])       # FIONBIO 1


def close(slot, linger):
    return bytes([CLOSE, slot, linger])


def inject_udp(port_idx, addr_sel=0x01, plen=8):
    # sel: dst us, src peer; flags none; opt 0 (a bound port, checksum)
    return bytes([INJECT, 0, 0, addr_sel, 0, 0, port_idx]) + u16(plen) + \
        u16(1000) + b"x" * plen


def api_seeds():
    yield "talk", sock_ovl() + bind(0, A_US, P_5000) + sock_ovl() + \
        sendto(1, A_US, P_5000) + bytes([WAIT, 1]) + recv(0) + \
        close(1, 0) + close(0, 1)
    yield "pend_event", sock_ovl() + bind(0, A_ANY, P_ANY) + \
        recv(0, ovl=1) + inject_udp(0) + bytes([WAIT, 0x41]) + \
        bytes([GET_RESULT, 0, 0x08])
    yield "pend_routine", sock_ovl() + bind(0, A_US, P_5001) + \
        recv(0, ovl=3) + inject_udp(0) + bytes([WAIT, 0x40])
    yield "pend_then_close", sock_ovl() + bind(0, A_US, P_ANY) + \
        recv(0, ovl=1) + recv(0, ovl=3) + close(0, 2)
    yield "peek_nonblocking", sock_plain() + nonblocking(0) + \
        bind(0, A_US, P_ANY) + inject_udp(0, plen=40) + \
        bytes([WAIT, 1]) + recv(0, peek=True) + recv(0, lens=(8,))
    yield "many_bufs", sock_ovl() + bind(0, A_US, P_5000) + \
        bytes([SENDTO, 0, 0, 0, 0]) + bytes([0xf2]) + \
        b"".join(bytes([4]) + b"abcd" for _ in range(17)) + \
        sa(A_US, P_5000) + bytes([WAIT, 1]) + recv(0, ovl=1, lens=(1, 2))
    yield "connect_disconnect", sock_ovl() + \
        bytes([CONNECT, 0, 2]) + sa(A_PEER, P_9) + \
        bytes([SEND, 0, 0, 0, 0]) + bufs((16,)) + \
        bytes([NAMES, 0, 0x20]) + \
        bytes([CONNECT, 0, 0]) + bytes([0x30, 0x40, 0])
    yield "icmp_unreachable", sock_ovl() + bind(0, A_US, P_ANY) + \
        sendto(0, A_PEER, P_9) + bytes([INJECT, 0, 1, 0x10, 0, 60]) + \
        bytes([WAIT, 1]) + recv(0)
    yield "arp_and_echo", bytes([INJECT, 2, 2, 0x21, 0, 7,
                                 3, 16, 0, 1]) + b"p" * 16
    yield "linger_variants", sock_plain() + bind(0, A_US, P_ANY) + \
        sendto(0, A_SILENT, P_9) + nonblocking(0) + close(0, 2) + \
        close(0, 1)
    yield "recvmsg_pktinfo", sock_ovl() + bind(0, A_ANY, P_5000) + \
        bytes([SETOPT, 0, 34, 0, 0]) + b"\x01\x00\x00\x00" * 4 + \
        sock_ovl() + sendto(1, A_US, P_5000) + bytes([WAIT, 1]) + \
        bytes([MSG, 0, 0x00, 12, 0x20]) + \
        sendto(1, A_US, P_5000) + bytes([WAIT, 1]) + \
        bytes([MSG, 0, 0x00, 1, 0x20])
    yield "sendmsg_control", sock_ovl() + bind(0, A_US, P_5000) + \
        bytes([MSG, 0, 0x01, 0, 0x04]) + sa(A_US, P_5000) + \
        bytes([MSG, 0, 0x01, 12, 0x04]) + \
        struct.pack("<QiiIIQQQQ", 24, 0, 19, 0, 0, 0, 0, 0, 0) + \
        bytes(100 - 56) + sa(A_US, P_5000)
    for i in range(38):
        yield "setopt_%02d" % i, sock_ovl() + \
            bytes([SETOPT, 0, i, 0, 0]) + b"\x01\x00\x00\x00" * 4 + \
            bytes([GETOPT, 0, i, 0, 0, 0])
    for i in range(20):
        yield "ioctl_%02d" % i, sock_ovl() + bind(0, A_US, P_ANY) + \
            bytes([WSAIOCTL, 0, i, 3, 10, 0, i & 1]) + b"\x01\x00\x00\x00"
    yield "select", sock_ovl() + sock_ovl() + bind(0, A_US, P_ANY) + \
        bytes([SELECT, 0, 0x41, 0, 1, 0x42, 0, 1, 0x40])
    yield "shutdown", sock_ovl() + bind(0, A_US, P_ANY) + \
        bytes([SHUTDOWN, 0, 2]) + sendto(0, A_PEER, P_9) + recv(0)


def conf_seed(device, eal, settings, ncpu=8):
    head = bytes([0, 0]) + u16(ncpu) + u16(0) + u16(ncpu - 1)
    nums = bytes(40)
    tail = b"\0".join([device.encode(), eal.encode()] +
                      [s.encode() for s in settings])
    return head + nums + tail


def conf_seeds():
    yield "defaults", conf_seed("net_tap0,iface=wsptap0", "", [])
    yield "pair", conf_seed("pair:x", "--no-huge -m 256 --no-telemetry",
                            ["EWSPDK_MBUFS=4095", "EWSPDK_LCORES=1,2"])
    yield "pci", conf_seed("0000:03:00.0", "--log-level=pmd.net:debug",
                           ["EWSPDK_DEVICE=03:00.0,rxq=2"])
    yield "vdev_in_args", conf_seed("", "--vdev=net_memif0,role=client "
                                    "--file-prefix=wspdk_a", [])
    yield "refused", conf_seed("loop", "-d /tmp/x.so --trace=.* "
                               "--lcores=0@1 --in-memory", [])
    yield "huge_dir", conf_seed("loop", "--huge-dir=/fuzz/hugepages "
                                "--huge-unlink=existing -n 4", [])
    yield "machine_user", conf_seed("loop", "", [
        "MAllowUserSettings=1", "MWSPDK_MTU=9000", "Uwspdk_mtu=1500",
        "UWSPDK_EAL_ARGS=-d evil.so", "MWSPDK_EAL_ARGS=--no-huge -m 64",
        "UWSPDK_SPIN_US=forever"])
    yield "not_allowed", conf_seed("loop", "", [
        "MAllowUserSettings=2", "UWSPDK_DEVICE=pair:y"])
    yield "file", conf_seed("loop", "", [
        "F# comment", "FWSPDK_IPV4 = \"10.0.0.2/8\"",
        "FWSPDK_GATEWAY=10.0.0.1", "FWSPDK_STATIC_ARP=10.0.0.1="
        "02:00:00:00:00:01,10.0.0.3=02:00:00:00:00:03",
        "FWSPDK_LOG_LEVEL=debug", "EWSPDK_CLEANUP_MS=0"])
    yield "many_cpus", conf_seed("loop", "", ["EWSPDK_LCORES=0-15"],
                                 ncpu=1024)


def write(out, seeds):
    os.makedirs(out, exist_ok=True)
    for name, data in seeds:
        with open(os.path.join(out, name), "wb") as fh:
            fh.write(data)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    api = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here,
                                                             "corpus_api")
    conf = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here,
                                                              "corpus_conf")
    write(api, api_seeds())
    write(conf, conf_seeds())
    return 0


if __name__ == "__main__":
    sys.exit(main())
