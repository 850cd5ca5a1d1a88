/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Blocking application threads on a condition (dp_wait.c).
 */
#ifndef _DP_WAIT_H_
#define _DP_WAIT_H_

#include <stdbool.h>
#include <stdint.h>

#include "dp_spin.h"

struct dp_engine;
struct dp_lcore;

/*
 * What a blocked call waits for: ready() and stop() are its conditions,
 * seq/waiters the words it sleeps on (a socket's, or the table's for
 * select), or none (NULL) for a condition nobody signals, which is
 * polled. Ready wins over stop: data that arrived is data returned.
 * spin, when not NULL, is the state the wait learns its spin budget in
 * (dp_spin.h; the socket's for its receives), else it spins for
 * WSPDK_SPIN_US.
 */
struct dp_wait {
	bool (*ready)(void *arg);
	bool (*stop)(void *arg);
	void *arg;
	uint32_t *seq;
	uint32_t *waiters;
	dp_spin_t *spin;
	struct dp_lcore *drive;	/* run to completion: the lcore whose
				 * iteration each spin turn runs when it
				 * is free (NULL: none) */
};

/* Spin for WSPDK_SPIN_US (forever with the latency profile) or what spin
 * learned under it (none when that is 0), then sleep until *seq is bumped, the deadline (µs, dp_os_now_us) passes or stop()
 * says so. Returns 0, -ETIMEDOUT or -EINTR. */
int dp_wait_block(struct dp_engine *eng, const struct dp_wait *w,
		uint64_t deadline);

/* dp_wait_block for timeout_us from now (< 0: none), counted on the
 * TSC: a wait that finds its condition true, or spins without a
 * timeout, reads no system clock. */
int dp_wait_block_for(struct dp_engine *eng, const struct dp_wait *w,
		int64_t timeout_us);

/* The deadline timeout_us from now (< 0: none). */
uint64_t dp_wait_deadline(int64_t timeout_us);

#endif /* _DP_WAIT_H_ */
