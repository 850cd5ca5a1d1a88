#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The build enforces the layering (issue 11): each dataplane layer sees
only its own folder and those below it, and the provider sees only the
dataplane's public headers -- nothing of DPDK's.

For each layer, the exact compile command meson uses for one of its files
(compile_commands.json) compiles a probe that includes a header of the
layer (must compile: the control) and one of each layer above (must
fail). The provider's command must fail on a DPDK header and on the
core's internal one.

  check_layering.py <build dir>
"""
import json
import os
import shlex
import subprocess
import sys
import tempfile

# (a file of the target whose command we borrow, headers it may include,
#  headers it must not be able to include)
CASES = [
    ("dataplane/core/dp_lcore.c", ["dp_core.h"],
     ["dp_net.h", "dp_sock_priv.h", "dp_udp.h", "dp_tcp.h", "dp_stack.h"]),
    ("dataplane/net/dp_eth.c", ["dp_core.h", "dp_net.h"],
     ["dp_sock_priv.h", "dp_udp.h", "dp_tcp.h", "dp_stack.h"]),
    ("dataplane/sock/dp_sock.c", ["dp_net.h", "dp_sock_priv.h"],
     ["dp_udp.h", "dp_mcast.h", "dp_tcp.h", "dp_stack.h"]),
    ("dataplane/udp/dp_udp.c", ["dp_sock_priv.h", "dp_udp.h"],
     ["dp_tcp.h", "dp_stack.h"]),
    ("dataplane/tcp/dp_tcp_input.c", ["dp_core.h", "dp_net.h",
     "dp_sock_priv.h", "dp_tcp.h"], ["dp_stack.h"]),
    ("provider/wsp_sock.c", ["dp.h", "dp_sock.h"],
     ["rte_mbuf.h", "rte_config.h", "dp_core.h", "dp_sock_priv.h"]),
]


def command_for(db, src):
    for e in db:
        if os.path.normpath(e["file"]).endswith(src):
            return e
    raise SystemExit("no compile command for %s" % src)


def compiles(entry, header, tmp):
    probe = os.path.join(tmp, "probe.c")
    with open(probe, "w") as f:
        f.write('#include "%s"\nint layering_probe;\n' % header)
    args = shlex.split(entry["command"]) if "command" in entry \
        else list(entry["arguments"])
    # Drop the output, the dependency file and the source; keep the rest
    # (include paths, defines, forced includes) as they are.
    out, skip = [], False
    for a in args:
        if skip:
            skip = False
            continue
        if a in ("-o", "-MF", "-MQ", "-MT"):
            skip = True
            continue
        if a in ("-c", "-MD") or a.endswith(entry["file"]) or \
                os.path.normpath(a) == os.path.normpath(entry["file"]):
            continue
        out.append(a)
    # A forced include of rte_config.h would hide the provider case:
    # the provider's command has none, which is the point.
    out += ["-fsyntax-only", probe]
    r = subprocess.run(out, cwd=entry["directory"], capture_output=True,
                       text=True)
    return r.returncode == 0


def main():
    build = sys.argv[1]
    with open(os.path.join(build, "compile_commands.json")) as f:
        db = json.load(f)
    bad = 0
    with tempfile.TemporaryDirectory(prefix="layering.") as tmp:
        for src, allowed, forbidden in CASES:
            entry = command_for(db, src)
            for h in allowed:
                if not compiles(entry, h, tmp):
                    print("FAIL: %s's command cannot include %s" %
                          (src, h))
                    bad += 1
            for h in forbidden:
                if compiles(entry, h, tmp):
                    print("FAIL: %s's command can include %s" % (src, h))
                    bad += 1
                else:
                    print("ok: %s cannot include %s" % (src, h))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
