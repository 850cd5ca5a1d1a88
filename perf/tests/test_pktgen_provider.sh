#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The provider side of each pktgen profile, started exactly as
# perf/pktgen/run.sh starts it (perf/pktgen/provider.sh: memif server,
# MAC, static ARP, ports), answers a generator over that memif, with
# dpdk-testpmd as the stand-in for pktgen (not built here), driven
# interactively like pktgen's Lua (start, wait, stop, read the counters):
#
#   sink    testpmd txonly sends UDP to the sink port for a few seconds;
#           every frame testpmd counted as sent is counted by the
#           provider (rx_pkts, and its port's ipackets with no imissed
#           or rx_nombuf), and each is either read by the app or counted
#           as a drop (udp_rx_full).
#   echo    testpmd 5tswap, "start tx_first": one burst goes to the echo
#           port, the echo answers each datagram, testpmd swaps and
#           returns it, so frames circulate; testpmd must count echoes
#           coming back, and neither side may lose more than the burst
#           in flight when testpmd stops.
#
# Every DPDK process gets --no-pci; each is bounded by timeout and
# killed by its PID; nothing of theirs stays in /dev/hugepages or
# /var/run/dpdk. Needs root and hugepages.
#
#   test_pktgen_provider.sh BUILD_DIR      (meson passes it)
set -uo pipefail

build=${1:?build directory}
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d /tmp/wspgprov.XXXXXX)
out=$tmp/out
tag=wspdkpt$$
PIDS=()
TP=
cleanup() {
	for p in "${PIDS[@]}" $TP; do kill -KILL "$p" 2>/dev/null || true; done
	wait 2>/dev/null
	rm -rf "$tmp" /dev/hugepages/"$tag"* /var/run/dpdk/"$tag"*
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "must run as root (hugepages)"
command -v dpdk-testpmd >/dev/null ||
	fail "dpdk-testpmd missing: install Debian package dpdk (packages.txt)"
mkdir -p "$out/logs"
# shellcheck source=../pktgen/provider.sh
. "$here/pktgen/provider.sh"

# Provider pool (65535 mbufs) and testpmd's, with room to spare.
need=400
free=$(awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo)
if [ "$free" -lt "$need" ]; then
	total=$(cat /proc/sys/vm/nr_hugepages)
	echo $((total + need - free)) >/proc/sys/vm/nr_hugepages
fi

# testpmd_run NAME SECONDS START ARGS...: the memif client on the
# provider's socket, interactive on a fifo: START ("start" or "start
# tx_first"), SECONDS of traffic, "stop", which prints its forward
# statistics without leaving the memif. Sets TP_TX and TP_RX (port 0).
# testpmd_quit ends it: only after the provider has gone, as a peer that
# disconnects can crash the other side while it polls (22.11's memif,
# dpdk-22.11-notes.md §1.3); stopped, testpmd no longer polls.
testpmd_run() {
	local name=$1 s=$2 start=$3 sock=$tmp/pg_$1.sock log=$tmp/$1.tp i
	shift 3

	mkfifo "$tmp/$name.in"
	timeout -k 5 $((s + 60)) stdbuf -oL dpdk-testpmd --no-pci --huge-unlink \
		--no-telemetry --file-prefix "${tag}T$name" --lcores 0@0,1@0 \
		--vdev "net_memif0,role=client,id=0,socket=$sock,socket-abstract=no,mac=$PG_MAC" \
		-- -i --nb-cores=1 --txq=1 --rxq=1 --total-num-mbufs=8192 \
		--no-mlockall --eth-peer=0,$MAC "$@" \
		<"$tmp/$name.in" >"$log" 2>&1 &
	TP=$!
	exec 7>"$tmp/$name.in"
	for i in $(seq 100); do
		grep -q 'testpmd> ' "$log" && break
		kill -0 "$TP" 2>/dev/null || break
		sleep 0.1
	done
	grep -q 'testpmd> ' "$log" || { tail -20 "$log" >&2;
		fail "$name: testpmd did not start"; }
	echo "$start" >&7
	sleep "$s"
	echo stop >&7
	for i in $(seq 100); do
		grep -q 'Forward statistics for port 0' "$log" &&
			grep -q '^Done\.' "$log" && break
		sleep 0.1
	done
	TP_RX=$(sed -n '/Forward statistics for port 0/,/^ *-\{20,\}/s/.*RX-packets: *\([0-9]*\).*/\1/p' "$log" | head -1)
	TP_TX=$(sed -n '/Forward statistics for port 0/,/^ *-\{20,\}/s/.*TX-packets: *\([0-9]*\).*/\1/p' "$log" | head -1)
	[ -n "$TP_TX" ] && [ -n "$TP_RX" ] || {
		tail -30 "$log" >&2
		fail "$name: no forward statistics from testpmd"
	}
}

testpmd_quit() {
	echo quit >&7
	exec 7>&-
	wait "$TP"
	TP=
}

# counters NAME: the provider's /wspdk/stats into $tmp/NAME.stats as
# key=value lines, as the profiles read them (dpdk-telemetry.py).
counters() {
	printf '/wspdk/stats\n/ethdev/stats,0\n' |
		timeout 20 dpdk-telemetry.py -f "${tag}P$1" 2>/dev/null |
		python3 -c 'import json, sys
for line in sys.stdin:
    line = line.strip()
    if not line.startswith("{"):
        continue
    d = json.loads(line)
    for cmd, pre in (("/wspdk/stats", ""), ("/ethdev/stats", "port_")):
        for k, v in (d.get(cmd) or {}).items():
            if isinstance(v, int):
                print("%s%s=%d" % (pre, k, v))' >"$tmp/$1.stats"
	[ -s "$tmp/$1.stats" ] || fail "$1: no counters from the provider"
}

# stat NAME KEY: one of them.
stat() {
	local v

	v=$(sed -n "s/^$2=//p" "$tmp/$1.stats" | head -1)
	echo "${v:-0}"
}

# ---- sink: testpmd txonly -> UDP 7000 ----
n=pktgen_sink
provider $n sink $SINK_PORT 60 --threads 1 --cpus 0 \
	--progress-file "$tmp/$n.progress" ||
	fail "the sink did not start: $(tail -5 "$out/logs/$n.log")"
sleep 1
testpmd_run $n 3 start --forward-mode=txonly --txpkts=64 \
	--tx-ip=198.18.0.1,198.18.0.2 --tx-udp=1000,$SINK_PORT
# The app drains its socket, then the figures stand still.
sleep 1
counters $n
app=$(sed -n 's/^app_dgrams=//p' "$tmp/$n.progress")
provider_stop
testpmd_quit
rx=$(stat $n rx_pkts)
full=$(stat $n udp_rx_full)
echo "sink: testpmd sent $TP_TX; provider rx_pkts $rx, app read $app, udp_rx_full $full"
grep -v '=0$' "$tmp/$n.stats" | tr '\n' ' '
echo
[ "$TP_TX" -gt 0 ] || fail "sink: testpmd sent nothing"
[ "$rx" -eq "$TP_TX" ] ||
	fail "sink: testpmd sent $TP_TX, the provider counted $rx"
[ "$(stat $n port_ipackets)" -eq "$rx" ] ||
	fail "sink: the port counted $(stat $n port_ipackets), the stack $rx"
[ $(($(stat $n port_imissed) + $(stat $n port_rx_nombuf))) -eq 0 ] ||
	fail "sink: the port dropped frames (imissed/rx_nombuf)"
[ "$rx" -eq $((app + full)) ] ||
	fail "sink: rx_pkts $rx != app $app + udp_rx_full $full"

# ---- echo: testpmd 5tswap, one burst circulating through UDP 1028 ----
n=pktgen_latency
PROV_ENV=(WSPDK_SPIN_US=0)
provider $n echo $ECHO_PORT 60 --cpu 1 ||
	fail "the echo did not start: $(tail -5 "$out/logs/$n.log")"
sleep 1
burst=32
testpmd_run $n 3 "start tx_first" --forward-mode=5tswap --burst=$burst \
	--txpkts=64 --tx-ip=198.18.0.1,198.18.0.2 --tx-udp=1000,$ECHO_PORT
sleep 1
counters $n
provider_stop
testpmd_quit
rx=$(stat $n rx_pkts)
# What it sent less its own ARP (an announcement at start).
echoed=$(($(stat $n tx_pkts) - $(stat $n arp_req_tx) - $(stat $n arp_reply_tx)))
echo "echo: testpmd sent $TP_TX, got back $TP_RX; the provider took $rx, sent $echoed"
grep -v '=0$' "$tmp/$n.stats" | tr '\n' ' '
echo
[ "$rx" -eq "$TP_TX" ] ||
	fail "echo: testpmd sent $TP_TX, the provider counted $rx"
[ "$TP_RX" -gt 0 ] || fail "echo: testpmd counted no echo"
# Each frame testpmd sent is echoed once, each echo swapped back once:
# at the stop at most one burst is between the two.
[ "$echoed" -le "$TP_TX" ] && [ "$echoed" -ge $((TP_TX - burst)) ] ||
	fail "echo: testpmd sent $TP_TX, the echo answered $echoed"
[ "$TP_RX" -le "$echoed" ] && [ "$TP_RX" -ge $((echoed - burst)) ] ||
	fail "echo: the echo answered $echoed, testpmd got back $TP_RX"
echo "the sink and the echo answer a generator over the profiles' memif, every frame accounted for"
