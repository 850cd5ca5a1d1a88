#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Instructions per frame on the receive path (rxpath.c), from callgrind:
# counts, unlike nanoseconds, do not move with the machine's load.
#
#   rxpath_ir.sh RXPATH_BINARY [ROUNDS]
#
# prints ir_lcore_full_per_frame (nobody reads: every frame refused and
# counted), ir_lcore_read_per_frame (delivered into the socket) and
# ir_app_per_dgram (dp_sock_recv taking them), one valgrind run each.
set -eu
bin=${1:?rxpath binary}
rounds=${2:-1000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --fair-sched=yes: valgrind's default lock lets the spinning lcore
# starve the calling thread for seconds (dp_lcore.c, rtc_turn).
ir() {	# ir FUNCTION: the Ir collected inside it
	valgrind --tool=callgrind --fair-sched=yes --toggle-collect="$1" \
		--callgrind-out-file="$tmp/$1.out" "$bin" --no-huge \
		--rounds "$rounds" --file-prefix "wspdkrxpir$$" \
		>"$tmp/$1.log" 2>&1
	sed -n 's/^==[0-9]*== Collected : //p' "$tmp/$1.log"
}

full=$(ir rxp_lcore_full)
read=$(ir rxp_lcore_read)
app=$(ir rxp_app)
frames=$(sed -n 's/^full_frames=//p' "$tmp/rxp_app.log")
dgrams=$(sed -n 's/^read_delivered=//p' "$tmp/rxp_app.log")
awk -v f="$full" -v r="$read" -v a="$app" -v n="$frames" -v d="$dgrams" \
	'BEGIN {
		printf "frames=%d\ndelivered=%d\n", n, d
		printf "ir_lcore_full_per_frame=%.1f\n", f / n
		printf "ir_lcore_read_per_frame=%.1f\n", r / n
		printf "ir_app_per_dgram=%.1f\n", a / d
	}'
