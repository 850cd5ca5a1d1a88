-- SPDX-License-Identifier: BSD-3-Clause
-- Shared by sink.lua and latency.lua (pktgen-dpdk 23.06.x, Lua API).
-- Every pktgen behaviour used here is listed, with the pktgen source
-- that shows it, in README.md ("What we rely on").
-- perf/pktgen/run.sh passes the test parameters in the environment:
--   PF_OUT       file to append "key=value" result lines to
--   PF_SECONDS   seconds per step
--   PF_DST_MAC / PF_DST_IP / PF_DST_PORT   the provider (memif server)
--   PF_SRC_IP    our address (198.18.0.0/15)
--   PF_FLOWS     source ports to cycle through (flows)
--   PF_PREFIX    the provider's telemetry prefix (dpdk-telemetry.py -f)
--   PF_PROGRESS  the sink app's progress file (app_dgrams=N)
--   PF_LINK_MBPS link speed to turn frames/s into pktgen's % (optional)

pf = {}

function pf.env(name, default)
	local v = os.getenv(name)
	if v == nil or v == "" then
		return default
	end
	return v
end

pf.out = pf.env("PF_OUT", "/tmp/pktgen-result.txt")
pf.seconds = tonumber(pf.env("PF_SECONDS", "10"))
pf.port = "0"

function pf.emit(key, value)
	local f = io.open(pf.out, "a")
	f:write(key .. "=" .. tostring(value) .. "\n")
	f:close()
end

-- Every value of a nested table as flat "prefix.key=value" lines, so the
-- runner finds the counters whatever this pktgen version names them.
function pf.dump(prefix, t)
	for k, v in pairs(t) do
		local name = prefix .. "." .. tostring(k)
		if type(v) == "table" then
			pf.dump(name, v)
		elseif type(v) == "number" or type(v) == "string" then
			pf.emit(name, v)
		end
	end
end

-- A telemetry command of the provider, as text ("" when unreachable).
function pf.tel(cmd)
	local prefix = pf.env("PF_PREFIX", "")
	if prefix == "" then
		return ""
	end
	local p = io.popen("printf '" .. cmd .. "\\n' | dpdk-telemetry.py -f " ..
		prefix .. " 2>/dev/null")
	local text = p:read("*a") or ""
	p:close()
	return text
end

-- Every "name": number of a telemetry answer, summed by name (so the
-- per-socket dicts of /wspdk/sockets add up over the sockets).
function pf.counters(text)
	local c = {}
	for k, v in string.gmatch(text, '"([%w_]+)": (%d+)') do
		c[k] = (c[k] or 0) + tonumber(v)
	end
	return c
end

-- The provider's view at one instant: /wspdk/stats, the sockets, and
-- what the app has read (its progress file).
function pf.snapshot()
	local s = {}
	local stats = pf.tel("/wspdk/stats")
	s.ok = string.find(stats, '"rx_pkts"') ~= nil
	s.stats = pf.counters(stats)
	s.socks = pf.counters(pf.tel("/wspdk/sockets"))
	s.app = nil
	local f = io.open(pf.env("PF_PROGRESS", ""), "r")
	if f ~= nil then
		local t = f:read("*a") or ""
		f:close()
		s.app = tonumber(string.match(t, "app_dgrams=(%d+)") or "")
	end
	return s
end

-- Provider counters that count traffic, not drops.
pf.traffic = {
	rx_pkts = 1, rx_bytes = 1, tx_pkts = 1, tx_bytes = 1,
	port_ipackets = 1, port_opackets = 1, port_ibytes = 1,
	port_obytes = 1, rx_broadcast = 1, rx_multicast = 1,
	arp_req_rx = 1, arp_reply_rx = 1, arp_req_tx = 1, arp_reply_tx = 1,
	icmp_echo_rx = 1, icmp_echo_tx = 1, udp_zero_csum = 1,
	igmp_query_rx = 1, igmp_v2_query_rx = 1, igmp_other_rx = 1,
	igmp_report_tx = 1,
}

-- Every drop counter that moved between two snapshots, "name n, ...".
function pf.drops(a, b)
	local out = {}
	for k, v in pairs(b.stats) do
		local d = v - (a.stats[k] or 0)
		if d > 0 and pf.traffic[k] == nil then
			out[#out + 1] = k .. " " .. d
		end
	end
	for k, v in pairs(b.socks) do
		local d = v - (a.socks[k] or 0)
		if d > 0 and string.sub(k, 1, 5) == "drop_" then
			out[#out + 1] = "socket " .. k .. " " .. d
		end
	end
	table.sort(out)
	return table.concat(out, ", ")
end

-- pktgen's frames sent so far on our port ("port" stats: refreshed by
-- pktgen's once-a-second stats timer).
function pf.opackets()
	local st = pktgen.portStats(pf.port, "port")
	st = st and (st[tonumber(pf.port)] or st[pf.port])
	return st and st.opackets or -1
end

-- The link speed pktgen computes its % rate from (memif: 100 Gb/s).
function pf.link_mbps()
	local v = tonumber(pf.env("PF_LINK_MBPS", ""))
	if v ~= nil then
		return v
	end
	local ok, ls = pcall(pktgen.linkState, pf.port)
	if ok and ls ~= nil then
		local t = type(ls) == "table" and
			tostring(ls[tonumber(pf.port)] or ls[pf.port]) or tostring(ls)
		v = tonumber(string.match(t, "%-(%d+)%-") or "")
	end
	return v or 100000
end

-- pktgen sets its rate as a % of the link: pps = link / wire bits *
-- rate / 100, wire = size - FCS + 24 bytes of overhead (pktgen.c,
-- pktgen_wire_size and pktgen_packet_rate). A rate in frames/s turned
-- into that %; pktgen parses it with strtod, so fractions are kept.
function pf.rate_pct(size, fps)
	local wire_bits = (size + 20) * 8
	return fps * wire_bits * 100 / (pf.link_mbps() * 1e6)
end

-- The single packet: UDP to the provider's MAC, IP and DPORT.
function pf.setup_single(size, dport, sport)
	local p = pf.port

	pktgen.set_type(p, "ipv4")
	pktgen.set_proto(p, "udp")
	pktgen.set(p, "size", size)
	pktgen.set(p, "sport", sport)
	pktgen.set(p, "dport", dport)
	pktgen.set_mac(p, "dst", pf.env("PF_DST_MAC", "02:00:c6:12:00:02"))
	pktgen.set_ipaddr(p, "dst", pf.env("PF_DST_IP", "198.18.0.2"))
	pktgen.set_ipaddr(p, "src", pf.env("PF_SRC_IP", "198.18.0.1") .. "/24")
end

-- Range mode: the same, over FLOWS source ports. pktgen builds range
-- packets from the range settings only (pktgen-range.c,
-- pktgen_range_ctor; protocol from range_set_proto in pktgen-cmds.c),
-- so the protocol is set there too: without it, range sends TCP.
function pf.setup_range(size, dport, flows)
	local p = pf.port
	local sport = 20000
	local dmac = pf.env("PF_DST_MAC", "02:00:c6:12:00:02")
	local dip = pf.env("PF_DST_IP", "198.18.0.2")
	local sip = pf.env("PF_SRC_IP", "198.18.0.1")

	pf.setup_single(size, dport, sport)
	pktgen.range.ip_proto(p, "udp")
	pktgen.range.dst_mac(p, "start", dmac)
	pktgen.range.dst_mac(p, "inc", "00:00:00:00:00:00")
	pktgen.range.dst_mac(p, "min", dmac)
	pktgen.range.dst_mac(p, "max", dmac)
	pktgen.range.dst_ip(p, "start", dip)
	pktgen.range.dst_ip(p, "inc", "0.0.0.0")
	pktgen.range.dst_ip(p, "min", dip)
	pktgen.range.dst_ip(p, "max", dip)
	pktgen.range.src_ip(p, "start", sip)
	pktgen.range.src_ip(p, "inc", "0.0.0.0")
	pktgen.range.src_ip(p, "min", sip)
	pktgen.range.src_ip(p, "max", sip)
	pktgen.range.dst_port(p, "start", dport)
	pktgen.range.dst_port(p, "inc", 0)
	pktgen.range.dst_port(p, "min", dport)
	pktgen.range.dst_port(p, "max", dport)
	pktgen.range.src_port(p, "start", sport)
	pktgen.range.src_port(p, "inc", 1)
	pktgen.range.src_port(p, "min", sport)
	pktgen.range.src_port(p, "max", sport + flows - 1)
	pktgen.range.pkt_size(p, "start", size)
	pktgen.range.pkt_size(p, "inc", 0)
	pktgen.range.pkt_size(p, "min", size)
	pktgen.range.pkt_size(p, "max", size)
	pktgen.set_range(p, "on")
end

return pf
