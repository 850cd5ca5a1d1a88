/* SPDX-License-Identifier: BSD-3-Clause */
/* Provider logging: the dataplane's "wspdk" log type (no DPDK headers). */
#ifndef _WSP_LOG_H_
#define _WSP_LOG_H_

#include "dp.h"

#define WSP_LOG(level, fmt, ...) \
	dp_log(DP_LOG_ ## level, fmt, ##__VA_ARGS__)

#endif /* _WSP_LOG_H_ */
