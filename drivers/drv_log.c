/* SPDX-License-Identifier: BSD-3-Clause */
/* Registration of the drivers/ log type. */
#include "drv_log.h"

RTE_LOG_REGISTER(drv_logtype, wspdk.drv, INFO);
