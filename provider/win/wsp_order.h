/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wsp_order.h: where wspdk's entries go in the Winsock catalog order.
 *
 * Pure functions over a catalog as WSCEnumProtocols returns it, so the
 * installer's policy is tested on Linux (tests/provider/win). Ws2_32
 * serves socket(af, type, 0) with the first catalog entry that matches,
 * so our entries must come before every other entry that could serve an
 * AF_INET datagram or stream socket: the Microsoft TCP/IP provider, and
 * any layered chain installed over it (winsock-spi.md 5.3).
 */
#ifndef _WSP_ORDER_H_
#define _WSP_ORDER_H_

#include <stdbool.h>

#include "wsp_abi.h"

/**
 * Compute the catalog order that puts wspdk first for AF_INET.
 *
 * Our entries (ProviderId == wsp_provider_guid) are taken out and put,
 * in their own relative order, just before the first other entry that
 * competes with them: AF_INET, not a layered-only entry (ChainLen 0),
 * socket type SOCK_DGRAM or SOCK_STREAM. Every other entry keeps its
 * relative order, so removing our entries afterwards gives back the order
 * as it was before. With no competitor, or no entry of ours, the order is
 * unchanged.
 *
 * @param cat
 *   The catalog, in its current order.
 * @param n
 *   Number of entries in cat.
 * @param order
 *   Receives n catalog entry ids (dwCatalogEntryId), the new order: what
 *   WSCWriteProviderOrder takes.
 * @return
 *   The number of wspdk entries in cat (0: order is cat's own), or
 *   -EINVAL if cat or order is NULL while n > 0, or an id is 0 or listed
 *   twice (the catalog would refuse that permutation).
 */
int wsp_order_compute(const WSAPROTOCOL_INFOW *cat, unsigned int n,
		DWORD *order);

/**
 * Whether cat is already in the order wsp_order_compute() gives, i.e.
 * wspdk is installed and Ws2_32 picks it for AF_INET UDP and TCP.
 *
 * @return
 *   true if cat holds wspdk entries and needs no reordering.
 */
bool wsp_order_in_place(const WSAPROTOCOL_INFOW *cat, unsigned int n);

/** Whether e is one of wspdk's catalog entries. */
bool wsp_order_is_ours(const WSAPROTOCOL_INFOW *e);

#endif /* _WSP_ORDER_H_ */
