#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A stand-in for pktgen that fails the way a real one can, so the
# runner's failure paths are tested without a generator
# (perf/tests/test_pktgen_fail.sh). FAKE_PKTGEN picks the failure:
#
#   nostart    EAL refuses to start (as with too little hugepage memory)
#   exit       runs, then exits nonzero
#   noresult   exits 0 without writing the result file (PF_OUT)
#   empty      exits 0 after writing an empty result file
#   check      parses its command line as pktgen 23.06.1 and DPDK 22.11's
#              EAL would, checks that stdin is a terminal, appends "ok"
#              or what is wrong to FAKE_PKTGEN_CHECK, then exits as
#              noresult does
#
# It never touches DPDK: no hugepages, no memif, no lcores.

# check_args ARGS...: what pktgen 23.06.1 would refuse, one line each.
# EAL side: the options DPDK 22.11's EAL has (eal_common_options.c,
# eal_long_options[] and its short options) that the runner may use,
# each with an argument or not; net_memif's devargs (rte_eth_memif.c,
# RTE_PMD_REGISTER_PARAM_STRING). pktgen side: pktgen_parse_args in
# app/pktgen-main.c of 23.06.1: getopt_long "p:m:f:l:s:g:hPNGTvjtrc"
# plus --crc-strip, --no-crc-strip, --txd=N, --rxd=N; its main() also
# refuses a -m matrix that gives the main lcore a port ("can not use
# initial lcore for a port"), and -f takes a .lua or .pkt file.
check_args() {
	local main= opt kv key lcores= matrix= file= app
	local memif_keys=" id role bsize rsize socket socket-abstract owner-uid owner-gid mac secret zero-copy "

	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opt=$1
		shift
		case $opt in
		--no-pci|--huge-unlink|--no-shconf|--in-memory|--no-telemetry) ;;
		-m|-n|--file-prefix|-l|--lcores|--vdev|-a|--log-level)
			[ $# -gt 0 ] || { echo "EAL: $opt needs a value"; return; }
			case $opt in
			-l|--lcores) lcores=$1 ;;
			--vdev)
				case $1 in
				net_memif*) ;;
				*) echo "EAL: --vdev $1 is not a memif"; return ;;
				esac
				IFS=, read -ra kv <<<"${1#*,}"
				for key in "${kv[@]}"; do
					key=${key%%=*}
					[[ $memif_keys == *" $key "* ]] ||
						echo "net_memif: unknown devarg '$key'"
				done ;;
			esac
			shift ;;
		*) echo "EAL: option $opt is not one of DPDK 22.11's the runner may use" ;;
		esac
	done
	[ "${1:-}" = -- ] || { echo "no -- between EAL and pktgen options"; return; }
	shift
	app=$(getopt -q -n pktgen -o 'p:m:f:l:s:g:hPNGTvjtrc' \
		-l 'crc-strip,no-crc-strip,txd:,rxd:' -- "$@") ||
		{ echo "pktgen 23.06.1 refuses its options: $*"; return; }
	eval set -- "$app"
	while [ "$1" != -- ]; do
		case $1 in
		-m) matrix=$2; shift ;;
		-f) file=$2; shift ;;
		-h) echo "pktgen -h prints usage and exits" ;;
		-p|-l|-s|-g|--txd|--rxd) shift ;;
		esac
		shift
	done
	shift
	[ $# -eq 0 ] || echo "stray pktgen arguments: $*"
	[ -n "$file" ] || echo "no -f script"
	case $file in
	*.lua|*.pkt) [ -r "$file" ] || echo "-f $file: no such file" ;;
	*) echo "-f $file: pktgen runs .lua or .pkt files" ;;
	esac
	[ -n "$lcores" ] || { echo "no -l/--lcores"; return; }
	# The main lcore is the first of the list; "-m L.P" gives lcore L port P.
	main=${lcores%%[@,-]*}
	[[ $matrix =~ ^([0-9]+)\.[0-9]+$ ]] ||
		{ echo "-m '$matrix' is not the simple 'lcore.port' the runner uses"; return; }
	[ "${BASH_REMATCH[1]}" != "$main" ] ||
		echo "-m gives the main lcore $main a port: pktgen exits"
	[[ ",$lcores," == *",${BASH_REMATCH[1]}@"* ]] ||
		[[ ",$lcores," == *",${BASH_REMATCH[1]},"* ]] ||
		echo "-m names lcore ${BASH_REMATCH[1]}, not in --lcores $lcores"
}

case ${FAKE_PKTGEN:-nostart} in
check)
	{
		[ -t 0 ] || echo "stdin is not a terminal: pktgen exits"
		check_args "$@"
	} >"$FAKE_PKTGEN_CHECK.$$"
	if [ -s "$FAKE_PKTGEN_CHECK.$$" ]; then
		sed "s|^|$*: |" "$FAKE_PKTGEN_CHECK.$$" >>"${FAKE_PKTGEN_CHECK:?}"
	else
		echo "ok ${PF_OUT##*/}" >>"$FAKE_PKTGEN_CHECK"
	fi
	rm -f "$FAKE_PKTGEN_CHECK.$$"
	echo "Pktgen (fake) checked its command line and quit"
	exit 0 ;;
nostart)
	echo "EAL: Not enough memory available! Requested: 1024MB, available: 864MB"
	echo "EAL: FATAL: Cannot init memory"
	exit 1 ;;
exit)
	echo "Pktgen (fake) started"
	echo "*** fake pktgen: port 0 setup failed"
	exit 3 ;;
noresult)
	echo "Pktgen (fake) started and quit"
	exit 0 ;;
empty)
	: >"${PF_OUT:?}"
	exit 0 ;;
esac
exit 99
