# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# fanout: the lcore's cost of one datagram to 0..512 members (in-process,
# perf/micro/fanout), and multicast from testpmd txonly into 1..8 joined
# sockets drained by one app thread (perf/lib/run_gen.sh).

MC_GROUP=239.1.2.3
MC_MAC=01:00:5e:01:02:03

# Rate = deliveries the application read.
mc_provider() {	# mc_provider NAME MEMBERS
	sink "$1" "$MC_S" $MC_GROUP $MC_MAC --threads 1 --group $MC_GROUP \
		--members "$2"
}

s_fanout() {
	local n

	quiet_wait
	log "fanout: lcore cost of one datagram to 0..512 members"
	run_log fanout 120 taskset -c 1 "$build/perf/fanout" --rounds "$FAN" \
		--file-prefix "${tag}f" || log "fanout failed; see logs/fanout.log"
	for n in 1 2 4 8; do
		measure "mc_fan_$n" fanout \
			"provider: multicast into $n joined socket(s), 1 app thread" \
			rx_rxonly \
			"generator (testpmd txonly to $MC_GROUP) CPU0, lcore CPU1, app thread CPU0; rate = deliveries the application read (datagrams x members)" \
			-- mc_provider "mc_fan_$n" "$n"
	done
}

# Appended to the report: a table of its own (no baseline process).
# "delivered" is what the members really read per datagram: below the
# member count, some were never served.
t_fanout() {
	local f=$out/logs/fanout.log

	if ! [ -f "$f" ] || ! grep -q '^members_1_ns=' "$f"; then
		table_failed "Multicast fan-out (lcore, per datagram)" fanout \
			logs/fanout.log
		return 0
	fi
	awk -F= '
	/^unicast_1_ns=/ { u = $2 }
	/^members_[0-9]+_/ { split($1, a, "_"); n = a[2]; k = $1
		sub("^members_[0-9]+_", "", k); v[n, k] = $2
		if (!(n in seen)) order[nn++] = n; seen[n] = 1 }
	END {
		print "\n## Multicast fan-out (lcore, per datagram)\n"
		printf "Unicast to one socket (reference): %s ns\n\n", u
		print "| members | ns | vs unicast | ns per added member | delivered per datagram | deliveries/s (M) | mbufs per datagram |"
		print "|---|---|---|---|---|---|---|"
		for (i = 0; i < nn; i++) { n = order[i]
			printf "| %d | %s | %s | %s | %s | %s | %s |\n", n,
				v[n, "ns"], v[n, "vs_unicast"],
				v[n, "ns_per_added_member"] == "" ? "-" : v[n, "ns_per_added_member"],
				v[n, "delivered"] == "" ? "-" : v[n, "delivered"],
				v[n, "deliveries_s"],
				v[n, "mbufs_per_datagram"] == "" ? "-" : v[n, "mbufs_per_datagram"] }
	}' "$f" | tee -a "$out/report.md"
}
