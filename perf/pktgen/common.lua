-- SPDX-License-Identifier: BSD-3-Clause
-- Shared by sink.lua and latency.lua (pktgen-dpdk 23.06.1, Lua API).
-- perf/pktgen/run.sh passes the test parameters in the environment:
--   PF_OUT      file to append "key=value" result lines to
--   PF_SECONDS  seconds per step
--   PF_DST_MAC / PF_DST_IP / PF_DST_PORT   the provider (memif server)
--   PF_SRC_IP   our address (198.18.0.0/15)
--   PF_FLOWS    source ports to cycle through (flows)
--   PF_PREFIX   the provider's telemetry prefix (dpdk-telemetry.py -f)

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

-- One counter of the provider's /wspdk/stats, read as users do.
function pf.provider_stat(name)
	local prefix = pf.env("PF_PREFIX", "")
	if prefix == "" then
		return -1
	end
	local p = io.popen("printf '/wspdk/stats\\n' | dpdk-telemetry.py -f " ..
		prefix .. " 2>/dev/null")
	local text = p:read("*a")
	p:close()
	local v = string.match(text, '"' .. name .. '": (%d+)')
	return tonumber(v or "-1")
end

-- The provider's MAC, IP, UDP port; flows = several source ports.
function pf.setup(size)
	local p = pf.port
	local flows = tonumber(pf.env("PF_FLOWS", "16"))
	local sport = 20000

	pktgen.set(p, "size", size)
	pktgen.set_proto(p, "udp")
	pktgen.set_mac(p, "dst", pf.env("PF_DST_MAC", "02:00:c6:12:00:02"))
	pktgen.set_ipaddr(p, "dst", pf.env("PF_DST_IP", "198.18.0.2"))
	pktgen.set_ipaddr(p, "src", pf.env("PF_SRC_IP", "198.18.0.1") .. "/24")

	pktgen.range.dst_mac(p, "start", pf.env("PF_DST_MAC", "02:00:c6:12:00:02"))
	pktgen.range.dst_ip(p, "start", pf.env("PF_DST_IP", "198.18.0.2"))
	pktgen.range.dst_ip(p, "inc", "0.0.0.0")
	pktgen.range.dst_ip(p, "min", pf.env("PF_DST_IP", "198.18.0.2"))
	pktgen.range.dst_ip(p, "max", pf.env("PF_DST_IP", "198.18.0.2"))
	pktgen.range.src_ip(p, "start", pf.env("PF_SRC_IP", "198.18.0.1"))
	pktgen.range.src_ip(p, "inc", "0.0.0.0")
	pktgen.range.src_ip(p, "min", pf.env("PF_SRC_IP", "198.18.0.1"))
	pktgen.range.src_ip(p, "max", pf.env("PF_SRC_IP", "198.18.0.1"))
	local dport = tonumber(pf.env("PF_DST_PORT", "7000"))
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
