#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Run a libFuzzer target for a bounded number of inputs (CI).

The committed seed corpus is read-only here: new inputs go to a temporary
directory that is removed afterwards; a crashing input is kept under the
build directory (fuzz-artifacts/) to reproduce with `<target> <file>`.
Whatever EAL left under /var/run/dpdk for the target's own file prefix
(wspfuzz<pid>, after a crash) is removed too.

  run_fuzz.py <target> <seed corpus dir> [--runs N] [--max-time S]
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("target")
    p.add_argument("corpus")
    p.add_argument("--runs", type=int, default=200000)
    p.add_argument("--max-time", type=int, default=110)
    a = p.parse_args()
    artifacts = os.path.join(os.getcwd(), "fuzz-artifacts", "")
    os.makedirs(artifacts, exist_ok=True)
    work = tempfile.mkdtemp(prefix="fuzz_corpus.")
    cmd = [a.target, "-runs=%d" % a.runs, "-max_total_time=%d" % a.max_time,
           "-max_len=2048", "-print_final_stats=1",
           "-artifact_prefix=" + artifacts, work, a.corpus]
    print(" ".join(cmd), flush=True)
    proc = subprocess.Popen(cmd)
    try:
        rc = proc.wait(timeout=a.max_time + 60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        print("run_fuzz: %s did not stop in time" % a.target, file=sys.stderr)
        rc = 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree("/var/run/dpdk/wspfuzz%d" % proc.pid, ignore_errors=True)
    if rc != 0:
        print("run_fuzz: %s failed (%d); crashing inputs are in %s" %
              (a.target, rc, artifacts), file=sys.stderr)
    return 0 if rc == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
