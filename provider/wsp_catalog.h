/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wsp_catalog.h: the Winsock catalog entries wspdk installs.
 *
 * Shared by the provider (WSPStartup checks the entry it is handed, and
 * SO_PROTOCOL_INFOW returns it), by the Windows installer
 * (WSCInstallProvider) and by the Linux Ws2_32 stand-in, which builds its
 * catalog from it.  Pure data: no state, callable from any thread.
 */

#ifndef _WSP_CATALOG_H_
#define _WSP_CATALOG_H_

#include <stdbool.h>

#include "wsp_abi.h"

/** Number of entries wsp_catalog_entries() describes. */
#define WSP_CATALOG_NB_ENTRIES	2

/**
 * ProviderId of every wspdk catalog entry:
 * {B2B2906C-5661-45A3-93A7-2DCA2246413A}, generated once at random.
 * Never change it: installed catalogs and WPUGetProviderPath key on it.
 */
extern const GUID wsp_provider_guid;

/**
 * Describe wspdk's catalog entries (winsock-spi.md section 5.2): AF_INET
 * UDP first, then AF_INET TCP.  dwCatalogEntryId is left 0; the catalog
 * assigns it at install time.
 *
 * @param out
 *   Array receiving up to n entries; may be NULL when n is 0.
 * @param n
 *   Capacity of out, in entries.
 * @return
 *   The number of entries wspdk has (WSP_CATALOG_NB_ENTRIES), whatever n
 *   is; only min(n, that number) are written.
 */
unsigned wsp_catalog_entries(WSAPROTOCOL_INFOW *out, unsigned n);

/**
 * Whether the provider serves an entry's protocol yet, i.e. whether the
 * installer may put it in the catalog. An entry placed ahead of
 * Microsoft's provider captures every socket() of its kind in every
 * program, and Ws2_32 does not fall back: an entry we cannot serve must
 * not be installed. UDP and TCP are served.
 */
bool wsp_catalog_served(const WSAPROTOCOL_INFOW *e);

#endif /* _WSP_CATALOG_H_ */
