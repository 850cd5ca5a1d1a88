#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Cross-build wspdk for Windows x86_64 on Debian bookworm:
#   OUT/wspdk.dll          the provider, DPDK linked in statically
#   OUT/wspdk-install.exe  the Winsock catalog installer
#
# usage: provider/win/build.sh [OUT]   (default OUT: <repo>/build/windows,
#                                       where the meson tests put it)
#
# Steps, each skipped when its result is already there:
#   1. the mingw-w64 cross compiler (apt: gcc-mingw-w64-x86-64);
#   2. DPDK's source from Debian (apt-get source dpdk; a deb-src entry for
#      bookworm and bookworm-security is added if apt has none);
#   3. a minimal static DPDK for Windows (mingw64.ini: generic CPU),
#      installed to OUT/dpdk-prefix and keyed by a stamp of everything
#      that shapes it, so later runs cost nothing;
#   4. wspdk itself with meson (incremental: ninja rebuilds what changed).
#
# Fails loudly, never skips: every step that cannot be done stops the
# script with a message saying which and why. Runs hold a lock on OUT, so
# several tests may call it at once. Parallel jobs: WSPDK_WIN_JOBS, else 2.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRCROOT=$(cd "$HERE/../.." && pwd)
OUT=${1:-$SRCROOT/build/windows}
JOBS=${WSPDK_WIN_JOBS:-2}
CROSS=$HERE/mingw64.ini
CC_BIN=x86_64-w64-mingw32-gcc-win32

# What the Windows build needs of DPDK; everything else stays out.
# Mandatory DPDK libraries cannot be disabled in 22.11 (no enable_libs);
# every optional one is. net/ring is our in-memory loopback port.
DPDK_DRIVERS=bus/pci,bus/vdev,mempool/ring,net/ring,common/iavf
DPDK_DRIVERS+=,net/e1000,net/i40e,net/iavf,net/ice,net/ixgbe
DPDK_DISABLE_LIBS=bitratestats,cfgfile,flow_classify,gpudev,gro,gso,kni
DPDK_DISABLE_LIBS+=,jobstats,latencystats,metrics,node,pdump,pipeline
DPDK_DISABLE_LIBS+=,port,power,table,vhost

say() { printf 'win/build.sh: %s\n' "$*" >&2; }
die() { say "FAILED: $*"; exit 1; }

# The errors of a build log first (ninja prints them mid-stream), then
# where it stopped.
log_excerpt() {
	grep -m 20 -E ': (fatal )?error:|^FAILED:|undefined reference|ERROR:' \
		"$1" || true
	echo "--- last lines of $1:"
	tail -n 12 "$1"
}

# Writes of a root-owned build dir or apt need root; say so plainly.
need_root() {
	[ "$(id -u)" -eq 0 ] || die "$1 needs root (apt-get); run as root or" \
		"install it by hand first"
}

ensure_tools() {
	local t

	for t in meson ninja pkg-config python3 sha256sum; do
		command -v "$t" >/dev/null || die "$t is missing (wspdk.sh" \
			"installs the build tools; see README)"
	done
	command -v patch >/dev/null || {
		need_root "installing patch"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			patch >&2 || die "apt-get install patch"
	}
}

ensure_toolchain() {
	command -v "$CC_BIN" >/dev/null && return 0
	need_root "installing gcc-mingw-w64-x86-64"
	say "installing the mingw-w64 cross compiler (gcc-mingw-w64-x86-64)"
	apt-get update -qq >&2 || die "apt-get update"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		gcc-mingw-w64-x86-64 >&2 ||
		die "apt-get install gcc-mingw-w64-x86-64"
	command -v "$CC_BIN" >/dev/null || die "$CC_BIN still missing"
}

# A deb-src entry for bookworm + bookworm-security, unless apt has one.
ensure_deb_src() {
	local f=/etc/apt/sources.list.d/wspdk-debsrc.sources

	if grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list \
			/etc/apt/sources.list.d/; then
		return 0
	fi
	need_root "adding a deb-src entry"
	say "adding $f (Types: deb-src, bookworm + bookworm-security)"
	cat > "$f" <<-'EOF'
	Types: deb-src
	URIs: http://deb.debian.org/debian
	Suites: bookworm bookworm-updates
	Components: main
	Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

	Types: deb-src
	URIs: http://deb.debian.org/debian-security
	Suites: bookworm-security
	Components: main
	Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	EOF
	apt-get update -qq >&2 || die "apt-get update (deb-src)"
}

# OUT/dpdk-src: Debian's dpdk source package, unpacked with its patches.
fetch_dpdk() {
	local dir=$OUT/dpdk-src src

	src=$(find "$dir" -maxdepth 1 -type d -name 'dpdk-22.11*' 2>/dev/null |
		head -n 1 || true)
	if [ -n "$src" ] && [ -f "$src/.wspdk-unpacked" ]; then
		DPDK_SRC=$src
		return 0
	fi
	command -v dpkg-source >/dev/null || {
		need_root "installing dpkg-dev (dpkg-source)"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dpkg-dev \
			>&2 || die "apt-get install dpkg-dev"
	}
	ensure_deb_src
	rm -rf "$dir"
	mkdir -p "$dir"
	say "fetching DPDK source (apt-get source dpdk)"
	if ! (cd "$dir" && apt-get source -qq dpdk >&2); then
		# A fresh apt may lack the source indexes: update, retry once.
		apt-get update -qq >&2 || true
		(cd "$dir" && apt-get source -qq dpdk >&2) ||
			die "apt-get source dpdk"
	fi
	src=$(find "$dir" -maxdepth 1 -type d -name 'dpdk-22.11*' |
		head -n 1 || true)
	[ -n "$src" ] || die "apt-get source dpdk gave no dpdk-22.11 tree" \
		"(got: $(ls "$dir"))"
	# net/ring builds for Windows unchanged; 22.11 only refuses it.
	patch -d "$src" -p1 --forward -s \
		< "$HERE/dpdk-net-ring-windows.patch" ||
		die "applying dpdk-net-ring-windows.patch"
	touch "$src/.wspdk-unpacked"
	DPDK_SRC=$src
}

# Everything that shapes the DPDK prefix, this script's DPDK steps
# included; a change rebuilds it.
dpdk_key() {
	{
		echo "$DPDK_DRIVERS $DPDK_DISABLE_LIBS"
		basename "$DPDK_SRC"
		cat "$CROSS" "$HERE/dpdk-net-ring-windows.patch"
		declare -f build_dpdk install_shims check_dpdk_libs
		"$CC_BIN" --version | head -n 1
	} | sha256sum | cut -d' ' -f1
}

build_dpdk() {
	local prefix=$OUT/dpdk-prefix bdir=$OUT/dpdk-build key t0

	key=$(dpdk_key)
	if [ -f "$prefix/.wspdk-key" ] &&
			[ "$(cat "$prefix/.wspdk-key")" = "$key" ]; then
		say "DPDK: cached in $prefix"
		return 0
	fi
	t0=$SECONDS
	rm -rf "$bdir" "$prefix"
	mkdir -p "$OUT/no-pkgconfig"
	# No pkg-config of the build machine may leak into a Windows build.
	cat > "$OUT/dpdk-paths.ini" <<-EOF
	[properties]
	pkg_config_libdir = ['$OUT/no-pkgconfig']
	EOF
	say "DPDK: configuring ($(basename "$DPDK_SRC"), static, generic CPU)"
	meson setup "$bdir" "$DPDK_SRC" \
		--cross-file "$CROSS" --cross-file "$OUT/dpdk-paths.ini" \
		--prefix "$prefix" --libdir lib \
		-Ddefault_library=static -Dbuildtype=release \
		-Db_colorout=never \
		-Dtests=false -Denable_docs=false -Dexamples= \
		-Ddisable_apps='*' \
		-Ddisable_libs="$DPDK_DISABLE_LIBS" \
		-Denable_drivers="$DPDK_DRIVERS" \
		> "$OUT/dpdk-setup.log" 2>&1 ||
		die "DPDK meson setup; see $OUT/dpdk-setup.log"
	say "DPDK: building with $JOBS jobs (log: $OUT/dpdk-build.log)"
	ninja -C "$bdir" -j "$JOBS" > "$OUT/dpdk-build.log" 2>&1 ||
		die "DPDK build:
$(log_excerpt "$OUT/dpdk-build.log")"
	meson install -C "$bdir" --no-rebuild --quiet \
		> "$OUT/dpdk-install.log" 2>&1 ||
		die "DPDK install; see $OUT/dpdk-install.log"
	# 22.11 builds DLLs beside the archives. Remove them and their import
	# libraries so no link can pick a DPDK DLL: wspdk.dll must be whole.
	rm -rf "$prefix/bin" "$prefix/lib/dpdk"
	find "$prefix/lib" -name '*.dll.a' -delete
	install_shims "$prefix"
	check_dpdk_libs "$prefix"
	echo "$key" > "$prefix/.wspdk-key"
	rm -rf "$bdir"		# the prefix is the cache
	say "DPDK: built in $((SECONDS - t0)) s"
}

# DPDK's Windows EAL carries BSD <sys/queue.h> for itself
# (lib/eal/windows/include/sys) but does not install it; dataplane/ uses
# TAILQ_* from it, as on Linux, so it goes into our private prefix.
install_shims() {
	mkdir -p "$1/include/sys"
	cp "$DPDK_SRC/lib/eal/windows/include/sys/queue.h" "$1/include/sys/" ||
		die "DPDK's lib/eal/windows/include/sys/queue.h is missing"
}

# Every driver and library we asked for must be there: a driver that
# meson quietly left out would only show on a Windows machine.
check_dpdk_libs() {
	local lib missing=

	for lib in eal kvargs telemetry ring mempool mbuf net ethdev hash rcu \
			timer pci bus_pci bus_vdev mempool_ring net_ring \
			net_e1000 net_i40e net_iavf net_ice net_ixgbe; do
		[ -f "$1/lib/librte_$lib.a" ] || missing+=" $lib"
	done
	[ -z "$missing" ] || die "DPDK prefix lacks:$missing (see" \
		"$OUT/dpdk-setup.log, 'Content Skipped')"
}

# wspdk with meson: same sources and meson files as Linux, -Dwerror as
# wspdk.sh builds it. Reconfigured from scratch when the source tree, the
# cross file or DPDK changed (meson would not notice the last two).
build_wspdk() {
	local bdir=$OUT/wspdk-build key

	key=$( { echo "$SRCROOT"; cat "$CROSS" \
		"$OUT/dpdk-prefix/.wspdk-key"; } | sha256sum | cut -d' ' -f1)
	if [ ! -f "$bdir/build.ninja" ] || [ ! -f "$bdir/.wspdk-key" ] ||
			[ "$(cat "$bdir/.wspdk-key")" != "$key" ]; then
		rm -rf "$bdir"
		cat > "$OUT/wspdk-paths.ini" <<-EOF
		[properties]
		pkg_config_libdir = ['$OUT/dpdk-prefix/lib/pkgconfig']
		EOF
		say "wspdk: configuring the cross build"
		meson setup "$bdir" "$SRCROOT" \
			-Dwerror=true -Db_colorout=never \
			--cross-file "$CROSS" \
			--cross-file "$OUT/wspdk-paths.ini" \
			> "$OUT/wspdk-setup.log" 2>&1 || {
			rm -rf "$bdir"
			die "wspdk meson setup:
$(log_excerpt "$OUT/wspdk-setup.log")"
		}
		echo "$key" > "$bdir/.wspdk-key"
	fi
	ninja -C "$bdir" -j "$JOBS" > "$OUT/wspdk-build.log" 2>&1 ||
		die "wspdk cross build:
$(log_excerpt "$OUT/wspdk-build.log")"
	cp -p "$bdir/provider/win/wspdk.dll" \
		"$bdir/provider/win/wspdk-install.exe" "$OUT/" ||
		die "the cross build made no wspdk.dll / wspdk-install.exe"
}

main() {
	local t0=$SECONDS

	mkdir -p "$OUT"
	OUT=$(cd "$OUT" && pwd)		# meson wants absolute paths
	exec 9> "$OUT/.lock"
	flock 9
	ensure_tools
	ensure_toolchain
	fetch_dpdk
	build_dpdk
	build_wspdk
	say "done in $((SECONDS - t0)) s: $OUT/wspdk.dll $OUT/wspdk-install.exe"
}

main
