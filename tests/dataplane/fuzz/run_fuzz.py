#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Run a libFuzzer target for a bounded number of inputs (CI).

The committed seed corpus is read-only here: new inputs go to a temporary
directory that is removed afterwards; a crashing input is kept under the
build directory (fuzz-artifacts/) to reproduce with `<target> <file>`.
Whatever EAL left for the target's own file prefix (<prefix><pid>,
wspdkfuzz<pid> by default: its runtime directory under /var/run/dpdk,
and its hugepage files, after a crash) is removed too, and nothing of
another process's.

An input that runs longer than --input-timeout seconds (30) is a hang:
libFuzzer stops there, prints the stack and keeps the input as
fuzz-artifacts/timeout-<hash> (its own default, 1200 s, outlived the run's
bound, so a hang left nothing but "did not stop in time").

  run_fuzz.py <target> <seed corpus dir> [--runs N] [--max-time S]
      [--prefix P] [--max-len N] [--input-timeout S]
      [--fuzzer-arg=-flag=value ...]
"""
import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile


def remove_eal_leftovers(prefix):
    """The runtime directory and hugepage files of one EAL file prefix.

    EAL names page files <prefix>map_<n> in each hugetlbfs mount, so the
    pattern cannot match a longer prefix (wspdkfuzz12 is not wspdkfuzz123).
    """
    for run in ("/var/run/dpdk", "/run/dpdk"):
        shutil.rmtree(os.path.join(run, prefix), ignore_errors=True)
    for f in glob.glob(os.path.join("/dev/hugepages",
                                    glob.escape(prefix) + "map_*")):
        try:
            os.unlink(f)
        except OSError:
            pass


def sanitizer_env():
    """The environment, with intercept_tls_get_addr=0 in ASAN_OPTIONS.

    Up to GCC 13 and LLVM 16 (Debian 12 has both), the sanitizers'
    __tls_get_addr interceptor takes a dynamic TLS block whose address is
    16 mod 4096 for a pre-2.25 glibc one and reads the two words before it
    as a range to scan; LeakSanitizer's exit-time tracer then dies on it
    ("Tracer caught signal 11"), by chance, after every input passed. The
    fuzzers dlopen the provider and DPDK, whose TLS is dynamic.
    """
    env = dict(os.environ)
    opts = env.get("ASAN_OPTIONS", "")
    if "intercept_tls_get_addr" not in opts:
        env["ASAN_OPTIONS"] = (opts + ":" if opts else "") + \
            "intercept_tls_get_addr=0"
    return env


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("target")
    p.add_argument("corpus")
    p.add_argument("--runs", type=int, default=200000)
    p.add_argument("--max-time", type=int, default=110)
    p.add_argument("--prefix", default="wspdkfuzz",
                   help="the target's EAL file prefix, less its pid")
    p.add_argument("--max-len", type=int, default=2048)
    p.add_argument("--input-timeout", type=int, default=30)
    p.add_argument("--fuzzer-arg", dest="fuzzer_args", action="append",
                   default=[], help="a further libFuzzer flag")
    a = p.parse_args()
    artifacts = os.path.join(os.getcwd(), "fuzz-artifacts", "")
    os.makedirs(artifacts, exist_ok=True)
    work = tempfile.mkdtemp(prefix="fuzz_corpus.")
    cmd = [a.target, "-runs=%d" % a.runs, "-max_total_time=%d" % a.max_time,
           "-max_len=%d" % a.max_len, "-timeout=%d" % a.input_timeout,
           "-print_final_stats=1",
           "-artifact_prefix=" + artifacts] + a.fuzzer_args + \
        [work, a.corpus]
    print(" ".join(cmd), flush=True)
    proc = subprocess.Popen(cmd, env=sanitizer_env())
    try:
        rc = proc.wait(timeout=a.max_time + 60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        print("run_fuzz: %s did not stop in time" % a.target, file=sys.stderr)
        rc = 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
        remove_eal_leftovers("%s%d" % (a.prefix, proc.pid))
    if rc != 0:
        print("run_fuzz: %s failed (%d); crashing inputs are in %s" %
              (a.target, rc, artifacts), file=sys.stderr)
    return 0 if rc == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
