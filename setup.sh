# SPDX-License-Identifier: BSD-3-Clause
#
# setup.sh: machine set-up shared by wspdk.sh, perf/run.sh and the shell
# tests (source it; it defines functions only).
#
#   setup_packages        install what packages.txt lists and is missing
#   setup_hugepages N     mount hugetlbfs, have N free 2 MB pages
#   need_tool T...        fail naming the package of each missing tool
#
# Needs bash and root for the first two.

setup_top=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
setup_list=$setup_top/packages.txt

# The package column of packages.txt.
setup_package_names() {
	sed -e 's/#.*//' "$setup_list" | awk 'NF { print $1 }'
}

setup_packages() {
	local missing=() p

	for p in $(setup_package_names); do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q "install ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	printf '\n== installing: %s\n' "${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >&2
	apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
}

setup_hugepages() {
	local want=$1 free total

	mkdir -p /dev/hugepages
	mountpoint -q /dev/hugepages ||
		mount -t hugetlbfs nodev /dev/hugepages
	free=$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)
	total=$(cat /proc/sys/vm/nr_hugepages)
	if [ "$free" -lt "$want" ]; then
		echo $((total + want - free)) > /proc/sys/vm/nr_hugepages
	fi
	free=$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)
	if [ "$free" -lt "$want" ]; then
		echo "need $want free 2 MB hugepages, have $free" >&2
		return 1
	fi
}

# The package that provides tool T (packages.txt), or "?".
setup_package_of() {
	sed -e 's/#.*//' "$setup_list" |
		awk -v t="$1" 'NF { for (i = 2; i <= NF; i++)
			if ($i == t) { print $1; exit } }' | grep . || echo "?"
}

setup_have_tool() {
	case $1 in
	py:*) /usr/bin/python3 -c "import ${1#py:}" 2>/dev/null ;;
	*) command -v "$1" >/dev/null 2>&1 ;;
	esac
}

need_tool() {
	local t rc=0

	for t in "$@"; do
		setup_have_tool "$t" && continue
		echo "missing tool '$t': install the Debian package" \
			"$(setup_package_of "$t") (./wspdk.sh test installs" \
			"everything in packages.txt)" >&2
		rc=1
	done
	return $rc
}
