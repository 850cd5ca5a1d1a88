-- SPDX-License-Identifier: BSD-3-Clause
-- pktgen latency mode against the provider's UDP echo (perf/apps/wsperf
-- --mode echo on pktgen's latency port): pktgen injects stamped probes
-- (100/s by default) beside a light background stream, the provider
-- echoes both, pktgen measures the probes' round trip. The background
-- rate is given in frames/s (PF_BG_FPS) and turned into pktgen's % of
-- the link, since memif's 100 Gb/s makes 1 % already ~1.5 Mpps. Every
-- figure of pktStats is written out (pf.dump); the runner picks the
-- latency ones.
package.path = package.path .. ";" .. (os.getenv("PF_LUA_DIR") or ".") .. "/?.lua"
require "common"

local size = 64
local dport = tonumber(pf.env("PF_DST_PORT", "1028"))
local fps = tonumber(pf.env("PF_BG_FPS", "10000"))
local pct = pf.rate_pct(size, fps)

pktgen.screen("off")
pktgen.stop(pf.port)
pktgen.process(pf.port, "enable")	-- answer the provider's ARP
pf.emit("pktgen_version", pktgen.info.Pktgen_Version or "?")
pf.emit("link_mbps", pf.link_mbps())
pf.emit("bg_fps", fps)
pf.emit("bg_rate_pct", string.format("%.6f", pct))
pf.setup_single(size, dport, 20000)
pktgen.set(pf.port, "rate", string.format("%.6f", pct))
pktgen.clr()
local a = pf.snapshot()
pktgen.latency(pf.port, "enable")
pktgen.start(pf.port)
pktgen.sleep(pf.seconds)
pktgen.stop(pf.port)
pktgen.delay(1100)
local b = pf.snapshot()
pf.dump("stats", pktgen.pktStats(pf.port))
pf.emit("provider_rx", (b.stats.rx_pkts or 0) - (a.stats.rx_pkts or 0))
pf.emit("provider_tx", (b.stats.tx_pkts or 0) - (a.stats.tx_pkts or 0))
pf.emit("provider_drops", pf.drops(a, b))
pktgen.latency(pf.port, "disable")
pf.emit("done", 1)
pktgen.quit()
