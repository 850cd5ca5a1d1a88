/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Telemetry for the layers (not installed): the helpers every command
 * uses, and the shape of the list commands.
 *
 * A list command snapshots up to a dict's worth of items from the running
 * engine (held between dp_engine_get() and dp_engine_put(), which dp_stop
 * waits out), then adds one dict per item. DPDK 22.11 nests dicts only
 * in dicts, and entry names may not hold dots: hence keys "<kind>_<n>".
 */
#ifndef _DP_TELEMETRY_H_
#define _DP_TELEMETRY_H_

#include <stddef.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_telemetry.h>

#include "dp_core.h"
#include "dp_sock.h"

void dp_tel_add_ip(struct rte_tel_data *d, const char *name, uint32_t ip_be);
void dp_tel_add_mac(struct rte_tel_data *d, const char *name,
		const struct rte_ether_addr *mac);
void dp_tel_add_addr(struct rte_tel_data *d, const char *name,
		const struct dp_addr *a);

/* Up to max items of the engine into items; returns how many. */
typedef unsigned int (*dp_tel_dump_fn)(struct dp_engine *eng, void *items,
		unsigned int max);
/* One item into its dict; returns the number in its key. */
typedef uint32_t (*dp_tel_fill_fn)(struct rte_tel_data *e, const void *item,
		unsigned int index);
/* A list's own keys, first: past the output's size, items are dropped,
 * never these. */
typedef void (*dp_tel_head_fn)(struct rte_tel_data *d,
		struct dp_engine *eng);

int dp_tel_dump_dicts(struct rte_tel_data *d, const char *kind,
		size_t item_size, dp_tel_dump_fn dump, dp_tel_fill_fn fill,
		dp_tel_head_fn head);
/* n items (a snapshot taken by the caller) as "<kind>_<key>" dicts. */
void dp_tel_add_items(struct rte_tel_data *d, const char *kind,
		const void *items, size_t item_size, unsigned int n,
		dp_tel_fill_fn fill);

/* dp_engine.c calls it at start: the core's commands and every layer's,
 * once per process (DPDK has no unregister). */
void dp_telemetry_register(const struct dp_stack *st);

#endif /* _DP_TELEMETRY_H_ */
