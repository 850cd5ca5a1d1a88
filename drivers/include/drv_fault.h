/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * drivers/: a seeded fault layer on a port's queues, for tests.
 *
 * Between the dataplane and the PMD, each direction of each queue may
 * drop, duplicate, reorder (hold one frame until the next reorder_depth
 * frames have passed) and delay frames, each with its own probability,
 * from a seeded generator: the same seed and the same frames give the same faults. It stands in for
 * netem, which this project's test machines do not have, and sees both
 * directions whatever the device (loop, pair, tap, memif).
 *
 * Specification (WSPDK_FAULT), comma-separated key=value:
 *   seed=N          generator seed (default 1)
 *   drop=P dup=P reorder=P delay=P
 *                   percentages, 0 to 100, up to four decimals
 *   delay_us=N      how long a delayed frame is held (default 1000)
 *   reorder_depth=N frames (1-16) that pass a reordered one before it
 *                   goes out (default 1)
 *   dir=rx|tx|both  which directions (default both)
 * e.g. "seed=7,drop=1,reorder=0.5".
 *
 * Threading: queue q's state is touched only by the lcore that owns q
 * (its bursts), and by drv_fault_free after the lcores stopped.
 * A frame held on TX is released by a later TX or RX burst of its queue,
 * so it leaves even when nothing else is sent. On TX the layer takes
 * every frame it is given: what the PMD refuses then is freed and
 * counted (tx_full), as a wire would lose it.
 */
#ifndef _DRV_FAULT_H_
#define _DRV_FAULT_H_

#include <stddef.h>
#include <stdint.h>

#include <rte_mbuf.h>

/** Longest specification accepted. */
#define DRV_FAULT_SPEC_MAX 128

struct drv_fault;

/** What one direction did, summed over queues. */
struct drv_fault_stats {
	uint64_t frames;	/**< frames that entered the layer */
	uint64_t dropped;
	uint64_t duplicated;
	uint64_t reordered;
	uint64_t reorder_expired;	/**< held frames that left by the hold
					 * time (1 ms), not after depth others */
	uint64_t delayed;
	uint64_t tx_full;	/**< TX only: refused by the PMD, freed */
	uint64_t nombuf;	/**< a duplicate could not be copied */
};

/**
 * Check a specification without creating anything (safe before EAL).
 *
 * @return 0, or -EINVAL with a one-line reason in err.
 */
int drv_fault_check(const char *spec, char *err, size_t errlen);

/**
 * Create the layer for nb_queues queues; duplicates are copied from mp.
 *
 * @return the layer, or NULL (bad spec, no memory).
 */
struct drv_fault *drv_fault_create(const char *spec, uint16_t nb_queues,
		struct rte_mempool *mp);

/** Free the layer and every frame it still holds. NULL is a no-op. */
void drv_fault_free(struct drv_fault *f);

/**
 * RX burst through the layer at TSC time now; also sends the frames held
 * on this queue's TX whose time has come.
 */
uint16_t drv_fault_rx(struct drv_fault *f, uint16_t port_id, uint16_t q,
		struct rte_mbuf **pkts, uint16_t n, uint64_t now);

/** TX burst through the layer at TSC time now. Always takes all n. */
uint16_t drv_fault_tx(struct drv_fault *f, uint16_t port_id, uint16_t q,
		struct rte_mbuf **pkts, uint16_t n, uint64_t now);

/** Each direction's counters (rx, tx), summed over queues. */
void drv_fault_stats_get(const struct drv_fault *f,
		struct drv_fault_stats *rx, struct drv_fault_stats *tx);

#endif /* _DRV_FAULT_H_ */
