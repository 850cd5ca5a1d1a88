-- SPDX-License-Identifier: BSD-3-Clause
-- pktgen latency mode against the provider's UDP echo (perf/apps/wsperf
-- --mode echo): pktgen stamps its latency packets, the provider echoes
-- them, pktgen measures the round trip. Every latency figure pktgen
-- exposes is written out (pf.dump); the runner picks them up.
package.path = package.path .. ";" .. (os.getenv("PF_LUA_DIR") or ".") .. "/?.lua"
require "common"

pktgen.screen("off")
pktgen.stop(pf.port)
pf.setup(64)
pktgen.set(pf.port, "rate", 1)		-- light load: latency, not throughput
pktgen.clr()
pktgen.latency(pf.port, "enable")
pktgen.start(pf.port)
pktgen.sleep(pf.seconds)
pktgen.stop(pf.port)
pktgen.delay(200)
pf.dump("stats", pktgen.pktStats(pf.port))
pktgen.latency(pf.port, "disable")
pf.emit("done", 1)
pktgen.quit()
