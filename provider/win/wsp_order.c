/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wsp_order.c: the catalog order the installer writes (see wsp_order.h).
 * Portable C over wsp_abi.h types; no Windows call.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wsp_catalog.h"
#include "win/wsp_order.h"

bool
wsp_order_is_ours(const WSAPROTOCOL_INFOW *e)
{
	return memcmp(&e->ProviderId, &wsp_provider_guid,
		sizeof(wsp_provider_guid)) == 0;
}

/* An entry Ws2_32 could pick instead of ours for AF_INET UDP or TCP. */
static bool
competes(const WSAPROTOCOL_INFOW *e)
{
	return !wsp_order_is_ours(e) && e->iAddressFamily == AF_INET &&
		e->ProtocolChain.ChainLen != LAYERED_PROTOCOL &&
		(e->iSocketType == SOCK_DGRAM ||
		 e->iSocketType == SOCK_STREAM);
}

/* Catalog ids are the permutation's elements: none 0, none twice. */
static bool
ids_valid(const WSAPROTOCOL_INFOW *cat, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		if (cat[i].dwCatalogEntryId == 0)
			return false;
		for (unsigned int j = 0; j < i; j++)
			if (cat[j].dwCatalogEntryId ==
					cat[i].dwCatalogEntryId)
				return false;
	}
	return true;
}

int
wsp_order_compute(const WSAPROTOCOL_INFOW *cat, unsigned int n,
		DWORD *order)
{
	unsigned int ours = 0, k = 0, i;
	bool placed = false;

	if (n == 0)
		return 0;
	if (cat == NULL || order == NULL || !ids_valid(cat, n))
		return -EINVAL;
	for (i = 0; i < n; i++)
		ours += wsp_order_is_ours(&cat[i]);
	for (i = 0; i < n; i++) {
		if (wsp_order_is_ours(&cat[i]))
			continue;
		if (!placed && ours > 0 && competes(&cat[i])) {
			for (unsigned int j = 0; j < n; j++)
				if (wsp_order_is_ours(&cat[j]))
					order[k++] = cat[j].dwCatalogEntryId;
			placed = true;
		}
		order[k++] = cat[i].dwCatalogEntryId;
	}
	if (!placed) {
		/* Nothing to get ahead of: every entry stays where it is. */
		for (i = 0; i < n; i++)
			order[i] = cat[i].dwCatalogEntryId;
	}
	return (int)ours;
}

bool
wsp_order_in_place(const WSAPROTOCOL_INFOW *cat, unsigned int n)
{
	DWORD *order;
	bool same = true;
	int ours;

	if (n == 0)
		return false;
	order = malloc(n * sizeof(*order));
	if (order == NULL)
		return false;
	ours = wsp_order_compute(cat, n, order);
	for (unsigned int i = 0; ours > 0 && i < n; i++)
		same &= order[i] == cat[i].dwCatalogEntryId;
	free(order);
	return ours > 0 && same;
}
