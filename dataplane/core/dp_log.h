/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "wspdk" log type. DP_LOG is for the control path; per-packet logs use
 * DP_LOG_FP, which compiles to nothing unless -Dfastpath_debug=true.
 */
#ifndef _DP_LOG_H_
#define _DP_LOG_H_

#include <rte_log.h>

extern int dp_logtype;

#define DP_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, dp_logtype, "wspdk: " fmt "\n", \
		##__VA_ARGS__)

#ifdef DP_FASTPATH_DEBUG
#define DP_LOG_FP(level, fmt, ...) DP_LOG(level, fmt, ##__VA_ARGS__)
#else
#define DP_LOG_FP(level, fmt, ...) do { } while (0)
#endif

#endif /* _DP_LOG_H_ */
