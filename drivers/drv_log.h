/* SPDX-License-Identifier: BSD-3-Clause */
/* Log type of drivers/: "wspdk.drv". */
#ifndef _DRV_LOG_H_
#define _DRV_LOG_H_

#include <rte_log.h>

extern int drv_logtype;

#define DRV_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, drv_logtype, "wspdk.drv: " fmt "\n", \
		##__VA_ARGS__)

#endif /* _DRV_LOG_H_ */
