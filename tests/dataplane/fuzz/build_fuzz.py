#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Build a libFuzzer target with clang, beside the project's gcc build.

The project is compiled by meson's C compiler (gcc); libFuzzer needs
clang's -fsanitize=fuzzer. meson runs this script as a custom_target: it
compiles every source given (the dataplane and drivers sources plus the
fuzz target) with clang, -fsanitize=fuzzer-no-link,<sanitizers>, links
with -fsanitize=fuzzer,<sanitizers> against DPDK (pkg-config libdpdk),
and writes one depfile so that a change to any header rebuilds the
target.

--shared builds an instrumented shared object instead (for a fuzzer that
dlopens it, as the Ws2_32 stand-in loads the provider): position
independent, linked without the fuzzer and sanitizer runtimes, which the
fuzzer executable brings, and bound to its own symbols (-Bsymbolic) so
nothing the executable exports interposes on them.

  build_fuzz.py --cc clang --out fuzz_rx --depfile fuzz_rx.d \
      [--sanitize address,undefined] [--shared] [--link-arg=ARG ...] \
      [--cflag=FLAG ...] \
      [-I dir ...] [-D name ...] [-l lib ...] source.c ...
"""
import argparse
import concurrent.futures
import os
import shlex
import subprocess
import sys
import tempfile

CFLAGS = [
    "-std=c11", "-D_GNU_SOURCE", "-g", "-O1", "-fno-omit-frame-pointer",
    "-Wall", "-Wextra", "-Wno-unused-parameter", "-Wshadow",
    "-Wstrict-prototypes", "-Wmissing-prototypes", "-Wpointer-arith",
    "-Werror",
]


def pkg_config(*args):
    out = subprocess.run(["pkg-config"] + list(args) + ["libdpdk"],
                         check=True, capture_output=True, text=True).stdout
    return shlex.split(out)


def read_deps(path):
    """The prerequisites of a make-style depfile."""
    with open(path) as f:
        text = f.read().replace("\\\n", " ")
    _, _, deps = text.partition(":")
    return deps.split()


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cc", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--depfile", required=True)
    p.add_argument("-I", dest="incs", action="append", default=[])
    p.add_argument("-D", dest="defs", action="append", default=[])
    p.add_argument("-l", dest="libs", action="append", default=[])
    p.add_argument("--sanitize", default="address")
    p.add_argument("--shared", action="store_true")
    p.add_argument("--link-arg", dest="link_args", action="append",
                   default=[])
    p.add_argument("--cflag", dest="cflags", action="append", default=[])
    p.add_argument("sources", nargs="+")
    a = p.parse_args()

    san = a.sanitize
    cflags = CFLAGS + ["-I" + i for i in a.incs] + \
        ["-D" + d for d in a.defs] + pkg_config("--cflags")
    if "undefined" in san.split(","):
        # A report is a crash libFuzzer keeps, not a line in a log.
        cflags += ["-fno-sanitize-recover=all"]
    if a.shared:
        cflags += ["-fPIC"]
    cflags += a.cflags
    deps = set()
    with tempfile.TemporaryDirectory(prefix="build_fuzz.") as tmp:
        jobs = []
        for i, src in enumerate(a.sources):
            obj = os.path.join(tmp, "%d_%s.o" % (i, os.path.basename(src)))
            dep = obj[:-2] + ".d"
            jobs.append((obj, dep, [a.cc] + cflags + [
                "-fsanitize=fuzzer-no-link," + san, "-MMD", "-MF", dep,
                "-c", src, "-o", obj]))
        with concurrent.futures.ThreadPoolExecutor(os.cpu_count()) as ex:
            rcs = list(ex.map(lambda j: subprocess.run(j[2]).returncode,
                              jobs))
        for (obj, dep, cmd), rc in zip(jobs, rcs):
            if rc != 0:
                print("build_fuzz: failed: " + " ".join(cmd), file=sys.stderr)
                return 1
            deps.update(read_deps(dep))
        objs = [j[0] for j in jobs]
        if a.shared:
            link = ["-shared", "-Wl,-Bsymbolic",
                    "-fsanitize=fuzzer-no-link," + san]
        else:
            link = ["-fsanitize=fuzzer," + san]
        cmd = [a.cc] + link + ["-o", a.out] + objs + a.link_args + \
            pkg_config("--libs") + ["-l" + l for l in a.libs] + ["-lpthread"]
        if subprocess.run(cmd).returncode != 0:
            print("build_fuzz: failed: " + " ".join(cmd), file=sys.stderr)
            return 1
    with open(a.depfile, "w") as f:
        f.write("%s: %s\n" % (a.out, " \\\n ".join(sorted(deps))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
