-- SPDX-License-Identifier: BSD-3-Clause
-- pktgen -> memif -> the provider's UDP sink (perf/apps/wsperf --mode
-- sink): UDP to the sink's port over PF_FLOWS flows (source ports), at
-- pktgen's full rate, one step per frame size. Per step: what pktgen
-- offered, what the provider's lcore took off the port (rx_pkts), what
-- went into the socket (its rx_dgrams), what the app read (its own
-- count), and every drop counter that moved. A frame that did not reach
-- the socket is never counted as delivered.
package.path = package.path .. ";" .. (os.getenv("PF_LUA_DIR") or ".") .. "/?.lua"
require "common"

local sizes = { 64, 128, 256, 512, 1024, 1518 }
local dport = tonumber(pf.env("PF_DST_PORT", "7000"))
local flows = tonumber(pf.env("PF_FLOWS", "16"))
local n = {}

for i, z in ipairs(sizes) do
	n[i] = tostring(z)
end
pktgen.screen("off")
pktgen.stop(pf.port)
pktgen.process(pf.port, "enable")	-- answer the provider's ARP
pf.emit("pktgen_version", pktgen.info.Pktgen_Version or "?")
pf.emit("sizes", table.concat(n, ","))
pf.emit("link_mbps", pf.link_mbps())
for _, size in ipairs(sizes) do
	local k = "size" .. size .. "_"

	pf.setup_range(size, dport, flows)
	pktgen.set(pf.port, "rate", 100)
	pktgen.clr()
	pktgen.delay(1100)		-- let pktgen's stats timer tick
	local op0 = pf.opackets()
	local a = pf.snapshot()
	pktgen.start(pf.port)
	pktgen.sleep(pf.seconds)
	pktgen.stop(pf.port)
	pktgen.delay(1100)
	local b = pf.snapshot()
	local op1 = pf.opackets()

	pf.emit(k .. "offered_pps", math.floor((op1 - op0) / pf.seconds))
	if a.ok and b.ok then
		pf.emit(k .. "lcore_rx_pps", math.floor(((b.stats.rx_pkts or 0) -
			(a.stats.rx_pkts or 0)) / pf.seconds))
		pf.emit(k .. "into_socket_pps", math.floor(((b.socks.rx_dgrams or 0) -
			(a.socks.rx_dgrams or 0)) / pf.seconds))
		pf.emit(k .. "drops", pf.drops(a, b))
	else
		pf.emit(k .. "reason", "the provider's telemetry did not answer")
	end
	if a.app ~= nil and b.app ~= nil then
		pf.emit(k .. "app_read_pps", math.floor((b.app - a.app) / pf.seconds))
	end
end
pf.emit("done", 1)
pktgen.quit()
