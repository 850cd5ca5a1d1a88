/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The stack assembled (not installed): for white-box tests, fuzzers and
 * benchmarks that drive an engine themselves.
 */
#ifndef _DP_STACK_H_
#define _DP_STACK_H_

#include "dp.h"

struct dp_engine;

/*
 * dp_start() with its port but no lcore launched. One thread drives
 * every lcore itself, in turn, with dp_lcore_step() and a clock of its
 * choosing, so a run is the same each time. The lcores never report to
 * the grace-period variable, so a grace period passes at once (no reader
 * runs concurrently). dp_stop() ends it. NULL on failure.
 */
struct dp_engine *dp_start_driven(const struct dp_conf *conf);

#endif /* _DP_STACK_H_ */
