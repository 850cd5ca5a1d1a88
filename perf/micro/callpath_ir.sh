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
# the counted function is counted, not the lcore's loop; ir_*_path
# leaves out the lcore iteration a call runs to completion when it
# finds the lcore idle (which varies from run to run): the call's own
# path, Ws2_32 stand-in, provider and dataplane.
set -eu
build=${1:?build directory}
rounds=${2:-2000}
top=${3:-0}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --fair-sched=yes: valgrind's default lock lets the spinning lcore
# starve the calling thread for seconds (dp_lcore.c, rtc_turn).
run() {	# run CASE: callgrind counting inside cp_CASE only
	WSPDK_DEVICE=loop WSPDK_LCORES=1 WSPDK_PROFILE=latency \
	WSPDK_LOG_LEVEL=warning \
	WSPDK_EAL_ARGS="--no-huge -m 512 --no-telemetry --file-prefix=wspdkcpir$$" \
		valgrind --tool=callgrind --fair-sched=yes --toggle-collect="cp_$1" \
		--callgrind-out-file="$tmp/$1.out" \
		"$build/perf/callpath" --rounds "$rounds" >"$tmp/$1.log" 2>&1 &&
		grep -q '^bad=0$' "$tmp/$1.log"
}

ir() {	# ir CASE: Ir per call, all and without the run-to-completion
	# lcore iteration (dp_lcore_poll_try: the lcore's work, done on
	# this thread when it finds the lcore idle, which varies); a second
	# try if a call failed, the figures counting only calls that worked
	local all rtc

	if ! run "$1" && ! run "$1"; then
		cat "$tmp/$1.log" >&2
		echo "callpath_ir.sh: $1 failed" >&2
		return 1
	fi
	all=$(sed -n 's/^==[0-9]*== Collected : //p' "$tmp/$1.log")
	rtc=$(callgrind_annotate --inclusive=yes "$tmp/$1.out" 2>/dev/null |
		awk '/:dp_lcore_poll_try( |$)/ { gsub(",", "", $1); print $1;
			exit }')
	awk -v a="$all" -v r="${rtc:-0}" -v n="$rounds" \
		'BEGIN { printf "%.1f %.1f", a / n, (a - r) / n }'
}

cases="recv_empty send64 sendto64 recvfrom64"
echo "rounds=$rounds"
for c in $cases; do
	v=$(ir "$c") || exit 1
	echo "ir_$c=${v% *}"
	echo "ir_${c}_path=${v#* }"
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
