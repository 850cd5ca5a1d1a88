#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# wspdk.sh: set up a Debian 12 machine, build, and run the demo or the
# tests. Needs root (apt-get, hugepages, network namespaces, taps).
#
#   ./wspdk.sh demo     the main job: a Winsock program over the provider
#                       on a tap in a private namespace, the kernel on the
#                       other side (no NIC needed)
#   ./wspdk.sh test     every test (what .ci/run runs): the plain build,
#                       then all but the Windows cross-build under ASan +
#                       UBSan (./build-asan), the multi-threaded ones
#                       under TSan (./build-tsan)
#   ./wspdk.sh build    dependencies + build only
#
# Safety: every DPDK process started here runs with --no-pci (the
# provider adds it unless a PCI NIC is named), only virtual devices, in
# namespaces this script or the tests create, on 198.18.0.0/15.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${BUILD_DIR:-$here/build}
ns=wspdk-demo-$$

. "$here/setup.sh"

log() { printf '\n== %s\n' "$*"; }

need_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "wspdk.sh must run as root (apt-get, hugepages, namespaces)" >&2
		exit 1
	fi
}

do_build() {
	if [ ! -f "$build/build.ninja" ]; then
		log "configuring $build"
		meson setup "$build" "$here" -Dwerror=true
	fi
	log "building"
	ninja -C "$build"
}

# Runtime directories of wspdk processes that died without exiting
# cleanly (a crashed test): ours by name, and their PIDs are gone.
sweep_runtime_dirs() {
	local d pid

	for d in /var/run/dpdk/wspdk[0-9]*; do
		[ -d "$d" ] || continue
		pid=${d##*/wspdk}
		kill -0 "$pid" 2>/dev/null || rm -rf "$d"
	done
}

demo_cleanup() {
	if [ -n "${DEMO_PID:-}" ]; then
		kill "$DEMO_PID" 2>/dev/null || true
		wait "$DEMO_PID" 2>/dev/null || true
	fi
	ip netns del "$ns" 2>/dev/null || true
	sweep_runtime_dirs
}

demo() {
	local bin=$build/tests/apps/wspdk_demo prefix line

	setup_hugepages 64
	trap demo_cleanup EXIT
	log "a private network namespace ($ns): the kernel's side of the wire"
	ip netns add "$ns"
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	ip -n "$ns" link set lo up

	# The demo reads commands on stdin and answers on stdout.
	coproc DEMO { exec ip netns exec "$ns" env WSPDK_LOG_LEVEL=notice \
		"$bin" 2>&1; }
	send() { echo "> $*"; echo "$*" >&"${DEMO[1]}"; }
	expect() {
		while IFS= read -r -t 20 line <&"${DEMO[0]}"; do
			echo "  $line"
			case $line in
			*"$1"*) return 0 ;;
			"error "*) return 1 ;;
			esac
		done
		echo "demo: no '$1' within 20 s" >&2
		return 1
	}
	expect "telemetry with"
	prefix=wspdk$DEMO_PID

	log "WSAStartup: EAL once, then pool, tap port, poll lcore"
	send startup
	expect "ok startup"
	log "the kernel side of the tap: its own MAC, 198.18.0.1/24"
	ip -n "$ns" link set wsptap0 address 02:00:c6:12:00:01
	ip -n "$ns" addr add 198.18.0.1/24 dev wsptap0
	ip -n "$ns" link set wsptap0 up
	log "the kernel pings the provider (ARP, then ICMP echo)"
	ip netns exec "$ns" ping -c 3 -i 0.2 -W 1 198.18.0.2

	log "UDP: kernel sockets talk to a provider socket that echoes"
	send udp-echo 7000 3 5000
	expect "listening on udp port 7000"
	for msg in "hello from the kernel" "market data tick 42" "bye"; do
		printf '%s\n' "$msg" | ip netns exec "$ns" timeout 3 socat -t 1 - \
			UDP4-DATAGRAM:198.18.0.2:7000,bind=198.18.0.1:5555 |
			sed 's/^/  kernel got back: /'
	done
	expect "ok udp-echo"
	log "a datagram to a closed port: ICMP port unreachable"
	ip netns exec "$ns" timeout 5 /usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
s.connect(("198.18.0.2", 7001))
s.send(b"anyone?")
try:
    s.recv(100)
except OSError as e:
    print("  kernel socket:", type(e).__name__, e)'

	log "counters, live, through DPDK telemetry"
	printf '/wspdk/info\n/wspdk/stats\n/wspdk/arp\n' |
		dpdk-telemetry.py -f "$prefix" 2>/dev/null |
		python3 -c '
import json, sys
for line in sys.stdin:
    line = line.strip()
    if not line.startswith("{"):
        continue
    for cmd, v in json.loads(line).items():
        if isinstance(v, dict) and cmd == "/wspdk/stats":
            v = {k: n for k, n in v.items() if n}
        print(" ", cmd, json.dumps(v))'

	log "WSACleanup: lcores stop, the port is removed, hugepages go back"
	send cleanup
	expect "ok cleanup"
	grep -H HugetlbPages "/proc/$DEMO_PID/status" || true
	log "the kernel pings again: nobody answers (the tap is gone)"
	ip netns exec "$ns" ping -c 2 -i 0.2 -W 1 198.18.0.2 || true

	log "WSAStartup again, same process: everything comes back"
	send startup
	expect "ok startup"
	ip -n "$ns" link set wsptap0 address 02:00:c6:12:00:01
	ip -n "$ns" addr add 198.18.0.1/24 dev wsptap0
	ip -n "$ns" link set wsptap0 up
	ip netns exec "$ns" ping -c 3 -i 0.2 -W 1 198.18.0.2
	send cleanup
	expect "ok cleanup"
	send quit
	expect "ok bye"
	wait "$DEMO_PID" 2>/dev/null || true
	DEMO_PID=
	log "demo done"
}

# A build with sanitizers beside ./build: the same tree and options.
sanitized_build() {	# sanitized_build DIR SANITIZERS
	local dir=$1 san=$2

	if [ ! -f "$dir/build.ninja" ]; then
		log "configuring $dir (-Db_sanitize=$san)"
		# The provider is a shared library the test programs dlopen:
		# its sanitizer runtime comes from them (b_lundef=false).
		meson setup "$dir" "$here" -Dwerror=true -Db_sanitize="$san" \
			-Db_lundef=false
	fi
	log "building $dir"
	ninja -C "$dir"
}

suite() {	# suite DIR [meson test arguments]
	local dir=$1

	shift
	meson test -C "$dir" --print-errorlogs --num-processes 2 "$@"
}

# A sanitizer report fails its test (exit code, abort), never just prints.
# intercept_tls_get_addr=0: GCC <= 13 and LLVM <= 16 misread a dynamic TLS
# block at 16 mod 4096 as an old glibc one, and LeakSanitizer's exit-time
# tracer dies on the range it invents (tests/dataplane/fuzz/run_fuzz.py).
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:intercept_tls_get_addr=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
# DPDK's libraries are not instrumented; what they do inside (rte_free
# zeroing what it frees, under its own lock) is theirs: TSan looks at our
# accesses, ordered by the handoffs dataplane/core/dp_tsan.h annotates.
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:history_size=4:ignore_noninstrumented_modules=1:suppressions=$here/tests/tsan.supp"

run_tests() {
	local rc=0

	# First, before hugepages are reserved: the unit suite needs none.
	log "the unit suite (no root, hugepages or namespace needed)"
	suite "$build" --suite unit || rc=$?
	setup_hugepages 128
	log "tests"
	suite "$build" --no-suite unit || rc=$?
	sanitized_build "$build-asan" address,undefined
	# All but the Windows cross-build (mingw code, not instrumentable
	# here; it ran above).
	log "tests under AddressSanitizer and UndefinedBehaviorSanitizer"
	suite "$build-asan" --no-suite windows || rc=$?
	sanitized_build "$build-tsan" thread
	log "the multi-threaded tests under ThreadSanitizer"
	suite "$build-tsan" --suite threads || rc=$?
	sweep_runtime_dirs
	if ls /dev/hugepages/wspdk* >/dev/null 2>&1; then
		echo "hugepage files left behind:" /dev/hugepages/wspdk* >&2
		rc=1
	fi
	return $rc
}

need_root
case ${1:-} in
build)
	setup_packages
	do_build
	;;
demo)
	setup_packages
	do_build
	demo
	;;
test)
	setup_packages
	do_build
	run_tests
	;;
*)
	echo "usage: $0 demo|test|build" >&2
	exit 2
	;;
esac
