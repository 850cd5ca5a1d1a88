/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The spin budget a blocking call learns from its socket's arrivals
 * (dp_spin.c). Plain C, no DPDK: its unit test links it alone.
 */
#ifndef _DP_SPIN_H_
#define _DP_SPIN_H_

#include <stdbool.h>
#include <stdint.h>

/* A socket's learned state, one word so that a waiter reads and writes
 * it whole (relaxed atomics; waiters that race lose an update, which
 * only delays the learning). 0 is "nothing learned yet". */
typedef uint64_t dp_spin_t;

/* Budgets never exceed this (a longer WSPDK_SPIN_US caps at it). */
#define DP_SPIN_MAX_NS		2000000000u
/* Spins in a row that ended asleep before spinning stops being tried. */
#define DP_SPIN_MISSES		3
/* Waits without spinning after the first give-up; doubled per give-up
 * in a row, up to DP_SPIN_HOLD_MAX. */
#define DP_SPIN_HOLD		64
#define DP_SPIN_HOLD_MAX	4096

/* The budget (ns) of the next wait; cap_ns the configured spin. */
uint32_t dp_spin_budget(dp_spin_t st, uint32_t cap_ns);

/* The state after a wait that found its data waited_ns after it began,
 * spinning (slept false) or after sleeping. */
dp_spin_t dp_spin_learn(dp_spin_t st, uint32_t cap_ns, uint64_t waited_ns,
		bool slept);

#endif /* _DP_SPIN_H_ */
