-- SPDX-License-Identifier: BSD-3-Clause
-- pktgen -> memif -> the provider's UDP sink (perf/apps/wsperf --mode
-- sink): a line-rate flood over several flows (source ports), one step
-- per frame size. For each step it records pktgen's TX rate and the
-- provider's own counters (rx_pkts, udp_rx_full) over the same seconds.
package.path = package.path .. ";" .. (os.getenv("PF_LUA_DIR") or ".") .. "/?.lua"
require "common"

local sizes = { 64, 128, 256, 512, 1024, 1518 }

pktgen.screen("off")
pktgen.stop(pf.port)
pktgen.clr()
pf.emit("pktgen_version", pktgen.info.Pktgen_Version or "?")
for _, size in ipairs(sizes) do
	pf.setup(size)
	pktgen.set(pf.port, "rate", 100)
	pktgen.clr()
	local rx0 = pf.provider_stat("rx_pkts")
	local full0 = pf.provider_stat("udp_rx_full")
	pktgen.start(pf.port)
	pktgen.sleep(pf.seconds)
	pktgen.stop(pf.port)
	pktgen.delay(200)
	local rx1 = pf.provider_stat("rx_pkts")
	local full1 = pf.provider_stat("udp_rx_full")
	local st = pktgen.portStats(pf.port, "port")[tonumber(pf.port)]
	local sent = st and st.opackets or -1
	pf.emit("size" .. size .. "_tx_pkts", sent)
	pf.emit("size" .. size .. "_tx_pps", math.floor(sent / pf.seconds))
	pf.emit("size" .. size .. "_provider_rx_pps",
		math.floor((rx1 - rx0) / pf.seconds))
	pf.emit("size" .. size .. "_provider_rx_full", full1 - full0)
end
pf.emit("done", 1)
pktgen.quit()
