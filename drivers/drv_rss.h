/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RSS for drv_port.c (not installed): what rte_eth_dev_configure() is
 * given, and the redirection table programmed once the port runs.
 */
#ifndef _DRV_RSS_H_
#define _DRV_RSS_H_

#include <rte_ethdev.h>

#include "drv_port.h"

/* Decide p->rss from the device's capabilities and fill ec's RSS part;
 * p->nb_queues and p->kind are set. */
void drv_rss_conf(struct drv_port *p, const struct rte_eth_dev_info *info,
		struct rte_eth_conf *ec);

/* After rte_eth_dev_start(): program (or learn) the redirection table;
 * a port that takes neither falls back to DRV_RSS_NONE. */
void drv_rss_start(struct drv_port *p);

#endif /* _DRV_RSS_H_ */
