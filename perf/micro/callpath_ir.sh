#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Instructions per Winsock data call on the provider's common path
# (callpath.c), from callgrind: counts, unlike nanoseconds, do not move
# with the machine's load.
#
#   callpath_ir.sh BUILD_DIR [ROUNDS] [TOP]
#
# prints ir_recv_empty (TCP WSARecv, WSAEWOULDBLOCK), ir_send64 (TCP
# WSASend 64 B), ir_sendto64 and ir_recvfrom64 (UDP, loop port) per
# call, one valgrind run each, then, with TOP > 0, each case's TOP
# costliest functions (self Ir per call). Only the calling thread inside
# the counted function is counted, not the lcore's loop.
set -eu
build=${1:?build directory}
rounds=${2:-2000}
top=${3:-0}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run() {	# run CASE: callgrind counting inside cp_CASE only
	WSPDK_DEVICE=loop WSPDK_LCORES=1 WSPDK_PROFILE=latency \
	WSPDK_LOG_LEVEL=warning \
	WSPDK_EAL_ARGS="--no-huge -m 512 --no-telemetry --file-prefix=wspdkcpir$$" \
		valgrind --tool=callgrind --toggle-collect="cp_$1" \
		--callgrind-out-file="$tmp/$1.out" \
		"$build/perf/callpath" --rounds "$rounds" >"$tmp/$1.log" 2>&1 &&
		grep -q '^bad=0$' "$tmp/$1.log"
}

ir() {	# ir CASE: the Ir collected, per call (a second try if a call
	# failed: the figures count only calls that did their work)
	if ! run "$1" && ! run "$1"; then
		cat "$tmp/$1.log" >&2
		echo "callpath_ir.sh: $1 failed" >&2
		return 1
	fi
	sed -n 's/^==[0-9]*== Collected : //p' "$tmp/$1.log" |
		awk -v n="$rounds" '{ printf "%.1f", $1 / n }'
}

cases="recv_empty send64 sendto64 recvfrom64"
echo "rounds=$rounds"
for c in $cases; do
	v=$(ir "$c") || exit 1
	echo "ir_$c=$v"
done
[ "$top" -gt 0 ] || exit 0
for c in $cases; do
	echo "# $c: self Ir per call, top $top"
	callgrind_annotate "$tmp/$c.out" 2>/dev/null |
		awk -v n="$rounds" -v top="$top" '
		/^-+$/ { sep++; next }
		sep >= 3 && NF >= 2 && $1 ~ /^[0-9,]+$/ && k < top {
			v = $1; gsub(",", "", v)
			sub(/^ *[0-9,]+ *(\([^)]*\))? */, "")
			sub(/ \[.*\]$/, "")
			printf "%9.1f  %s\n", v / n, $0; k++ }'
done
