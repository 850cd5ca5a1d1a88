#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Every Lua file of perf/pktgen compiles (luac -p, Lua 5.3 as pktgen
# 23.06 embeds it): users run these profiles with their own pktgen, which
# is not built here, so a syntax error would first show on their machine.
# A file with an error must fail the same check (the checker is live).
set -uo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }

luac=$(command -v luac5.3) ||
	fail "luac5.3 missing: install Debian package lua5.3 (packages.txt)"
tmp=$(mktemp -d /tmp/wsplua.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

printf 'local x = \nfunction(' >"$tmp/broken.lua"
"$luac" -p "$tmp/broken.lua" 2>/dev/null &&
	fail "luac -p accepted a broken file"
n=0
for f in "$here"/pktgen/*.lua; do
	[ -e "$f" ] || fail "no Lua files in $here/pktgen"
	"$luac" -p "$f" || fail "${f#"$here"/}: syntax error"
	n=$((n + 1))
done
echo "$n Lua files of perf/pktgen compile with $luac"
