#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The command line perf/pktgen/run.sh gives pktgen is one pktgen 23.06.1
# and DPDK 22.11's EAL accept, and pktgen gets a terminal on stdin
# (without one it exits). The runner runs, through perf/run.sh, with
# PKTGEN set to tests/fake_pktgen.sh in its "check" mode, which parses
# its arguments as pktgen's getopt string and EAL's options do (see
# there); both profiles' invocations must come out "ok". A wrong command
# line must be caught by the same checker. Needs root and hugepages (the
# provider apps run as memif servers), no generator.
#
#   test_pktgen_cmdline.sh BUILD_DIR      (meson passes it)
set -uo pipefail

build=${1:?build directory}
here=$(cd "$(dirname "$0")/.." && pwd)
fake=$here/tests/fake_pktgen.sh
tmp=$(mktemp -d /tmp/wspgcmd.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "must run as root (hugepages)"

# The checker is live: no terminal, an unknown option, the main lcore
# given a port, a missing script are each reported.
FAKE_PKTGEN=check FAKE_PKTGEN_CHECK=$tmp/bad PF_OUT=$tmp/r "$fake" \
	--no-pci --lcores 0@0,1@0 --vdev net_memif0,role=client,sock=x \
	-- -P -x -m 0.0 -f "$tmp/none.lua" </dev/null >/dev/null
for want in "stdin is not a terminal" "unknown devarg 'sock'" \
		"refuses its options"; do
	grep -qF "$want" "$tmp/bad" || fail "checker missed: $want"
done
FAKE_PKTGEN=check FAKE_PKTGEN_CHECK=$tmp/bad2 PF_OUT=$tmp/r "$fake" \
	--no-pci --lcores 0@0,1@0 -- -P -m 0.0 -f "$tmp/none.lua" \
	</dev/null >/dev/null
for want in "main lcore 0 a port" "none.lua: no such file"; do
	grep -qF "$want" "$tmp/bad2" || fail "checker missed: $want"
done

r=$tmp/run
FAKE_PKTGEN=check FAKE_PKTGEN_CHECK=$tmp/check PKTGEN=$fake \
	PKTGEN_MEM=64 PKTGEN_MIN_MEM=1 BUILD_DIR=$build \
	timeout 120 "$here/run.sh" --smoke --no-build --only pktgen \
	--out "$r" >"$tmp/report.md" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] || { tail -20 "$tmp/err" >&2; fail "perf/run.sh exited $rc"; }
[ -s "$tmp/check" ] || fail "pktgen was never started: $(cat "$r"/*.summary)"
cat "$tmp/check"
grep -v '^ok ' "$tmp/check" && fail "pktgen would refuse the runner's command line"
for n in pktgen_sink pktgen_latency; do
	grep -qx "ok $n.result" "$tmp/check" ||
		fail "$n: pktgen's command line was not checked"
done
echo "the runner's pktgen command lines pass pktgen 23.06.1's and EAL's parsers, on a terminal"
