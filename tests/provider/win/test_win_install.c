/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_win_install.c: what wspdk-install.exe writes into the Winsock
 * catalog, checked on Linux (nothing runs on Windows here).
 *
 * Suite "win_catalog": the entries wsp_catalog_entries() gives
 * WSCInstallProvider64_32 carry the field values winsock-spi.md 5.2
 * prescribes for a non-IFS base provider.
 * Suite "win_order": wsp_order_compute(), the order handed to
 * WSCWriteProviderOrder, on catalogs shaped like real ones (netsh winsock
 * show catalog), and its misuse.
 */
#include <CUnit/CUnit.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wsp_abi.h"
#include "wsp_catalog.h"
#include "win/wsp_order.h"
#include "wt_run.h"

/* ---- win_catalog ---- */

static WSAPROTOCOL_INFOW ent[WSP_CATALOG_NB_ENTRIES];

static int
catalog_init(void)
{
	memset(ent, 0xa5, sizeof(ent));	/* every field must be written */
	return wsp_catalog_entries(ent, WSP_CATALOG_NB_ENTRIES) ==
		WSP_CATALOG_NB_ENTRIES ? 0 : -1;
}

static const WSAPROTOCOL_INFOW *
find_entry(int type)
{
	for (int i = 0; i < WSP_CATALOG_NB_ENTRIES; i++)
		if (ent[i].iSocketType == type)
			return &ent[i];
	return NULL;
}

/* Fields 5.2 fixes for every base-provider entry of ours. */
static void
check_common(const WSAPROTOCOL_INFOW *e)
{
	CU_ASSERT_EQUAL(e->dwServiceFlags1 & XP1_IFS_HANDLES, 0);
	CU_ASSERT_EQUAL(e->dwServiceFlags2, 0);
	CU_ASSERT_EQUAL(e->dwServiceFlags3, 0);
	CU_ASSERT_EQUAL(e->dwServiceFlags4, 0);
	CU_ASSERT_EQUAL(e->dwProviderFlags, PFL_MATCHES_PROTOCOL_ZERO);
	CU_ASSERT_EQUAL(memcmp(&e->ProviderId, &wsp_provider_guid,
		sizeof(GUID)), 0);
	CU_ASSERT_EQUAL(e->dwCatalogEntryId, 0);	/* the catalog sets it */
	CU_ASSERT_EQUAL(e->ProtocolChain.ChainLen, BASE_PROTOCOL);
	CU_ASSERT_EQUAL(e->iVersion, 2);
	CU_ASSERT_EQUAL(e->iAddressFamily, AF_INET);
	CU_ASSERT_EQUAL(e->iMaxSockAddr, 16);
	CU_ASSERT_EQUAL(e->iMinSockAddr, 16);
	CU_ASSERT_EQUAL(e->iProtocolMaxOffset, 0);
	CU_ASSERT_EQUAL(e->iNetworkByteOrder, BIGENDIAN);
	CU_ASSERT_EQUAL(e->iSecurityScheme, SECURITY_PROTOCOL_NONE);
	CU_ASSERT_EQUAL(e->dwProviderReserved, 0);
}

/* The provider GUID is the one the README and installed catalogs use. */
static void
test_catalog_guid_is_fixed(void)
{
	static const GUID want = {
		0xb2b2906c, 0x5661, 0x45a3,
		{ 0x93, 0xa7, 0x2d, 0xca, 0x22, 0x46, 0x41, 0x3a }
	};

	CU_ASSERT_EQUAL(memcmp(&wsp_provider_guid, &want, sizeof(want)), 0);
}

/* UDP: connectionless, message-oriented, broadcast = 0x209; no
 * multipoint while WSPJoinLeaf is a stub. */
static void
test_catalog_udp_entry(void)
{
	const WSAPROTOCOL_INFOW *e = find_entry(SOCK_DGRAM);

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	check_common(e);
	CU_ASSERT_EQUAL(e->dwServiceFlags1, 0x209);
	CU_ASSERT_EQUAL(e->iProtocol, IPPROTO_UDP);
	/* A maximum datagram size: neither 0 (stream) nor 1 (MTU). */
	CU_ASSERT_EQUAL(e->dwMessageSize, 65527);
}

/* TCP: guaranteed delivery and order, graceful close = 0x26 (no
 * expedited data: MSG_OOB is refused). */
static void
test_catalog_tcp_entry(void)
{
	const WSAPROTOCOL_INFOW *e = find_entry(SOCK_STREAM);

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	check_common(e);
	CU_ASSERT_EQUAL(e->dwServiceFlags1, 0x26);
	CU_ASSERT_EQUAL(e->iProtocol, IPPROTO_TCP);
	CU_ASSERT_EQUAL(e->dwMessageSize, 0);
}

/* Only served protocols are installed: UDP and TCP. */
static void
test_catalog_installs_only_served_protocols(void)
{
	CU_ASSERT_TRUE(wsp_catalog_served(find_entry(SOCK_DGRAM)));
	CU_ASSERT_TRUE(wsp_catalog_served(find_entry(SOCK_STREAM)));
}

/* One entry per (af, type, protocol); names set and terminated. */
static void
test_catalog_entries_distinct_and_named(void)
{
	for (int i = 0; i < WSP_CATALOG_NB_ENTRIES; i++) {
		const WCHAR *s = ent[i].szProtocol;
		int len = 0;

		while (len <= WSAPROTOCOL_LEN && s[len] != 0)
			len++;
		CU_ASSERT(len > 0 && len <= WSAPROTOCOL_LEN);
		for (int j = 0; j < i; j++)
			CU_ASSERT(ent[j].iSocketType != ent[i].iSocketType ||
				ent[j].iProtocol != ent[i].iProtocol);
	}
}

/* Asking for fewer entries writes only those; the count stays. */
static void
test_catalog_entries_capacity(void)
{
	WSAPROTOCOL_INFOW one[2];

	CU_ASSERT_EQUAL(wsp_catalog_entries(NULL, 0), WSP_CATALOG_NB_ENTRIES);
	memset(one, 0x5a, sizeof(one));
	CU_ASSERT_EQUAL(wsp_catalog_entries(one, 1), WSP_CATALOG_NB_ENTRIES);
	CU_ASSERT_EQUAL(memcmp(&one[0], &ent[0], sizeof(one[0])), 0);
	CU_ASSERT_EQUAL(one[1].iVersion, 0x5a5a5a5a);
}

/* ---- win_order ---- */

#define MSAFD	{ 0xe70f1aa0, 0xab8b, 0x11cf, \
		  { 0x8c, 0xa3, 0x00, 0x80, 0x5f, 0x48, 0xa1, 0x92 } }
#define MSAFD6	{ 0xf9eab0c0, 0x26d4, 0x11d0, \
		  { 0xbb, 0xbf, 0x00, 0xaa, 0x00, 0x6c, 0x34, 0xe4 } }
#define LSP	{ 0x11111111, 0x2222, 0x3333, \
		  { 0x44, 0x44, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55 } }

enum { MS, MS6, OURS, LAYER };

struct row {
	DWORD id;
	int who, af, type, chain;
};

static WSAPROTOCOL_INFOW *
make_catalog(const struct row *r, unsigned int n)
{
	static const GUID guids[] = { MSAFD, MSAFD6, { 0 }, LSP };
	WSAPROTOCOL_INFOW *c = calloc(n, sizeof(*c));

	for (unsigned int i = 0; c != NULL && i < n; i++) {
		c[i].dwCatalogEntryId = r[i].id;
		c[i].ProviderId = r[i].who == OURS ? wsp_provider_guid :
			guids[r[i].who];
		c[i].iAddressFamily = r[i].af;
		c[i].iSocketType = r[i].type;
		c[i].iProtocol = r[i].type == SOCK_STREAM ? IPPROTO_TCP :
			r[i].type == SOCK_DGRAM ? IPPROTO_UDP : 0;
		c[i].ProtocolChain.ChainLen = r[i].chain;
	}
	return c;
}

/* Run wsp_order_compute on rows; compare with the expected ids. */
static void
check_order(const struct row *r, unsigned int n, int want_ret,
		const DWORD *want)
{
	WSAPROTOCOL_INFOW *c = make_catalog(r, n);
	DWORD got[32];

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(wsp_order_compute(c, n, got), want_ret);
	for (unsigned int i = 0; want != NULL && i < n; i++)
		CU_ASSERT_EQUAL(got[i], want[i]);
	free(c);
}

/* A stock Windows catalog (MSAFD v4, v6, Hyper-V) plus ours at the end. */
static const struct row stock[] = {
	{ 1001, MS, AF_INET, SOCK_STREAM, 1 },
	{ 1002, MS, AF_INET, SOCK_DGRAM, 1 },
	{ 1003, MS, AF_INET, SOCK_RAW, 1 },
	{ 1004, MS6, AF_INET6, SOCK_STREAM, 1 },
	{ 1005, MS6, AF_INET6, SOCK_DGRAM, 1 },
	{ 1006, MS6, AF_INET6, SOCK_RAW, 1 },
	{ 1007, MS, 34, SOCK_STREAM, 1 },		/* AF_HYPERV */
	{ 1030, OURS, AF_INET, SOCK_DGRAM, 1 },
	{ 1031, OURS, AF_INET, SOCK_STREAM, 1 },
};
#define NB_STOCK	(sizeof(stock) / sizeof(stock[0]))

/* Installed last: ours move just ahead of MSAFD TCP, in their order. */
static void
test_order_stock_catalog_ours_first(void)
{
	static const DWORD want[] = { 1030, 1031, 1001, 1002, 1003, 1004,
		1005, 1006, 1007 };

	check_order(stock, NB_STOCK, 2, want);
}

/* Already in place: same order, and wsp_order_in_place says so. */
static void
test_order_in_place_is_fixed_point(void)
{
	static const struct row r[] = {
		{ 1030, OURS, AF_INET, SOCK_DGRAM, 1 },
		{ 1031, OURS, AF_INET, SOCK_STREAM, 1 },
		{ 1001, MS, AF_INET, SOCK_STREAM, 1 },
		{ 1002, MS, AF_INET, SOCK_DGRAM, 1 },
	};
	static const DWORD want[] = { 1030, 1031, 1001, 1002 };
	WSAPROTOCOL_INFOW *c = make_catalog(r, 4), *s;

	check_order(r, 4, 2, want);
	CU_ASSERT(wsp_order_in_place(c, 4));
	s = make_catalog(stock, NB_STOCK);
	CU_ASSERT(!wsp_order_in_place(s, NB_STOCK));
	free(c);
	free(s);
}

/* Entries of other families before MSAFD keep their place ahead of us. */
static void
test_order_other_families_keep_place(void)
{
	static const struct row r[] = {
		{ 1004, MS6, AF_INET6, SOCK_STREAM, 1 },
		{ 1007, MS, 34, SOCK_STREAM, 1 },
		{ 1003, MS, AF_INET, SOCK_RAW, 1 },
		{ 1001, MS, AF_INET, SOCK_STREAM, 1 },
		{ 1031, OURS, AF_INET, SOCK_STREAM, 1 },
		{ 1030, OURS, AF_INET, SOCK_DGRAM, 1 },
	};
	static const DWORD want[] = { 1004, 1007, 1003, 1031, 1030, 1001 };

	check_order(r, 6, 2, want);
}

/* An LSP chain over MSAFD TCP also serves AF_INET: we go before it; its
 * layered-only dummy entry (ChainLen 0) serves nothing and may stay. */
static void
test_order_ahead_of_lsp_chain(void)
{
	static const struct row r[] = {
		{ 1040, LAYER, AF_INET, SOCK_STREAM, 0 },
		{ 1041, LAYER, AF_INET, SOCK_STREAM, 2 },
		{ 1001, MS, AF_INET, SOCK_STREAM, 1 },
		{ 1002, MS, AF_INET, SOCK_DGRAM, 1 },
		{ 1030, OURS, AF_INET, SOCK_DGRAM, 1 },
		{ 1031, OURS, AF_INET, SOCK_STREAM, 1 },
	};
	static const DWORD want[] = { 1040, 1030, 1031, 1041, 1001, 1002 };

	check_order(r, 6, 2, want);
}

/* Uninstall restores: dropping ours from the new order gives the old. */
static void
test_order_uninstall_restores(void)
{
	WSAPROTOCOL_INFOW *c = make_catalog(stock, NB_STOCK);
	DWORD got[NB_STOCK];
	unsigned int k = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(wsp_order_compute(c, NB_STOCK, got), 2);
	for (unsigned int i = 0; i < NB_STOCK; i++) {
		if (got[i] == 1030 || got[i] == 1031)
			continue;
		CU_ASSERT_EQUAL(got[i], stock[k].id);
		k++;
	}
	CU_ASSERT_EQUAL(k, NB_STOCK - 2);
	free(c);
}

/* Not installed, or nothing to get ahead of: order unchanged. */
static void
test_order_unchanged_without_ours_or_rival(void)
{
	static const DWORD stock_ids[] = { 1001, 1002, 1003, 1004, 1005,
		1006, 1007 };
	static const struct row alone[] = {
		{ 1004, MS6, AF_INET6, SOCK_STREAM, 1 },
		{ 1031, OURS, AF_INET, SOCK_STREAM, 1 },
	};
	static const DWORD alone_ids[] = { 1004, 1031 };

	check_order(stock, NB_STOCK - 2, 0, stock_ids);
	check_order(alone, 2, 1, alone_ids);
}

/* Misuse: NULL arrays, id 0, an id twice: -EINVAL, nothing to write. */
static void
test_order_negative(void)
{
	static const struct row dup[] = {
		{ 1001, MS, AF_INET, SOCK_STREAM, 1 },
		{ 1001, OURS, AF_INET, SOCK_DGRAM, 1 },
	};
	static const struct row zero[] = {
		{ 1001, MS, AF_INET, SOCK_STREAM, 1 },
		{ 0, OURS, AF_INET, SOCK_DGRAM, 1 },
	};
	WSAPROTOCOL_INFOW *c = make_catalog(stock, NB_STOCK);
	DWORD got[NB_STOCK];

	CU_ASSERT_EQUAL(wsp_order_compute(NULL, 0, NULL), 0);
	CU_ASSERT_EQUAL(wsp_order_compute(NULL, 3, got), -EINVAL);
	CU_ASSERT_EQUAL(wsp_order_compute(c, NB_STOCK, NULL), -EINVAL);
	check_order(dup, 2, -EINVAL, NULL);
	check_order(zero, 2, -EINVAL, NULL);
	CU_ASSERT(!wsp_order_in_place(NULL, 0));
	free(c);
}

static const struct wt_test catalog_tests[] = {
	WT_TEST(test_catalog_guid_is_fixed),
	WT_TEST(test_catalog_udp_entry),
	WT_TEST(test_catalog_tcp_entry),
	WT_TEST(test_catalog_installs_only_served_protocols),
	WT_TEST(test_catalog_entries_distinct_and_named),
	WT_TEST(test_catalog_entries_capacity),
	WT_TEST_END
};

static const struct wt_test order_tests[] = {
	WT_TEST(test_order_stock_catalog_ours_first),
	WT_TEST(test_order_in_place_is_fixed_point),
	WT_TEST(test_order_other_families_keep_place),
	WT_TEST(test_order_ahead_of_lsp_chain),
	WT_TEST(test_order_uninstall_restores),
	WT_TEST(test_order_unchanged_without_ours_or_rival),
	WT_TEST(test_order_negative),
	WT_TEST_END
};

static const struct wt_suite catalog_suite = {
	.name = "win_catalog",
	.init = catalog_init,
	.tests = catalog_tests,
};

static const struct wt_suite order_suite = {
	.name = "win_order",
	.tests = order_tests,
};

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = {
		&catalog_suite,
		&order_suite,
		NULL
	};

	return wt_run_suites(argc, argv, suites);
}
