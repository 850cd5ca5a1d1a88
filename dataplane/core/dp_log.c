/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "wspdk" log type and the logging entry points the provider uses
 * (it may not include DPDK headers). rte_log works before rte_eal_init,
 * so configuration errors are reported the same way as everything else.
 */
#include <stdarg.h>
#include <stdio.h>

#include <rte_log.h>

#include "dp.h"
#include "dp_log.h"

RTE_LOG_REGISTER(dp_logtype, wspdk, INFO);

void
dp_log(enum dp_log_level level, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	rte_log((uint32_t)level, dp_logtype, "wspdk: %s\n", line);
}

void
dp_log_set_level(enum dp_log_level level)
{
	rte_log_set_level_pattern("wspdk*", (uint32_t)level);
}
