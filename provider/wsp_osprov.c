/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wsp_osprov.c: find, load and start the operating system's base
 * provider for our protocols, through the catalog calls alone, so the
 * same code runs on Windows (MSAFD, mswsock.dll) and on Linux (the
 * stand-in's kernel-socket provider): WSCEnumProtocols for the entry of
 * the same (af, type, protocol) with ChainLen == BASE_PROTOCOL that is not
 * ours, WSCGetProviderPath for its DLL, then its WSPStartup with its own
 * WSAPROTOCOL_INFOW and the upcall table Ws2_32 gave us
 * (provider/README.md says why this is what the SPI allows).
 *
 * State is process-wide, under os_lock: the DLL is found and loaded once
 * and stays loaded. Lock order: the lifecycle lock, then os_lock.
 */
#include <stdlib.h>
#include <string.h>

#include "wsp_catalog.h"
#include "wsp_log.h"
#include "wsp_os.h"
#include "wsp_ospath.h"
#include "wsp_osprov.h"
#include "wsp_priv.h"

static struct wsp_mutex os_lock = WSP_MUTEX_INITIALIZER;
static LPWSPSTARTUP os_startup;		/* (O) its WSPStartup, once found */
static GUID os_id;			/* (O) its ProviderId */
/* (O, then constant) its entries for our protocols, by our catalog
 * index; iVersion 0: none */
static WSAPROTOCOL_INFOW os_entry[WSP_CATALOG_NB_ENTRIES];
static LPWSPSOCKET os_socket;		/* (a) its WSPSocket */
/* Inside an accelerated process: the OS provider started for the
 * sockets we serve through it. */
static WSPPROC_TABLE lower_procs;	/* (O, then constant) */
static bool lower_up;			/* (O, a) */

static bool
same_protocol(const WSAPROTOCOL_INFOW *a, const WSAPROTOCOL_INFOW *b)
{
	return a->iAddressFamily == b->iAddressFamily &&
		a->iSocketType == b->iSocketType &&
		a->iProtocol == b->iProtocol;
}

static bool
is_ours(const WSAPROTOCOL_INFOW *e)
{
	return memcmp(&e->ProviderId, &wsp_provider_guid,
		sizeof(GUID)) == 0;
}

/* The catalog, in a malloc'd array (*n entries), or NULL. */
static WSAPROTOCOL_INFOW *
catalog_read(int *n)
{
	WSAPROTOCOL_INFOW *all = NULL;
	DWORD len = 0;
	int err = 0, tries;

	/* The catalog may grow between the two calls: retry a few times. */
	for (tries = 0; tries < 4; tries++) {
		*n = WSCEnumProtocols(NULL, all, &len, &err);
		if (*n != SOCKET_ERROR)
			return all;
		free(all);
		all = NULL;
		if (err != WSAENOBUFS || len == 0)
			break;
		all = malloc(len);
		if (all == NULL)
			break;
	}
	WSP_LOG(ERR, "OS provider: WSCEnumProtocols failed (%d)", err);
	return NULL;
}

/* Find and load the OS base provider of info's protocol. 0 or -1. */
static int
os_find(const WSAPROTOCOL_INFOW *info)
{
	WSAPROTOCOL_INFOW ours[WSP_CATALOG_NB_ENTRIES], *all;
	const WSAPROTOCOL_INFOW *base = NULL;
	WCHAR path[1024];
	char why[256];
	int n, i, len = (int)(sizeof(path) / sizeof(path[0])), err = 0;
	unsigned int k;

	all = catalog_read(&n);
	if (all == NULL)
		return -1;
	for (i = 0; i < n && base == NULL; i++)
		if (same_protocol(&all[i], info) && !is_ours(&all[i]) &&
				all[i].ProtocolChain.ChainLen == BASE_PROTOCOL)
			base = &all[i];
	if (base == NULL) {
		free(all);
		WSP_LOG(ERR, "OS provider: the catalog has no base provider "
			"for af %d type %d protocol %d but ours",
			info->iAddressFamily, info->iSocketType,
			info->iProtocol);
		return -1;
	}
	os_id = base->ProviderId;
	/* Its entries for each of our protocols, for WSPSocket. */
	wsp_catalog_entries(ours, WSP_CATALOG_NB_ENTRIES);
	for (k = 0; k < WSP_CATALOG_NB_ENTRIES; k++)
		for (i = 0; i < n; i++)
			if (same_protocol(&all[i], &ours[k]) &&
					memcmp(&all[i].ProviderId, &os_id,
					sizeof(GUID)) == 0) {
				os_entry[k] = all[i];
				break;
			}
	free(all);
	if (WSCGetProviderPath(&os_id, path, &len, &err) != 0) {
		WSP_LOG(ERR, "OS provider: WSCGetProviderPath failed (%d)",
			err);
		return -1;
	}
	os_startup = (LPWSPSTARTUP)wsp_os_dll_symbol(path, "WSPStartup", why,
		sizeof(why));
	if (os_startup == NULL) {
		WSP_LOG(ERR, "OS provider: cannot load it: %s", why);
		return -1;
	}
	return 0;
}

/* The OS provider's entry for one of ours (same protocol), else NULL. */
static const WSAPROTOCOL_INFOW *
os_entry_of(const WSAPROTOCOL_INFOW *e)
{
	unsigned int k;

	if (e == NULL || !is_ours(e))
		return NULL;
	for (k = 0; k < WSP_CATALOG_NB_ENTRIES; k++)
		if (os_entry[k].iVersion != 0 && same_protocol(&os_entry[k], e))
			return &os_entry[k];
	return NULL;
}

/*
 * Ws2_32 picked our catalog entry for this socket; the OS provider is
 * handed its own, as a layered provider substitutes the entry below it
 * (winsock-spi.md 1.2): it may key its state on the entry's catalog id.
 * The only entry we sit on once a process is handed off.
 */
static SOCKET WSPAPI
os_socket_of_ours(int af, int type, int protocol, LPWSAPROTOCOL_INFOW info,
		GROUP g, DWORD flags, LPINT lpErrno)
{
	const WSAPROTOCOL_INFOW *os = os_entry_of(info);
	LPWSPSOCKET f = __atomic_load_n(&os_socket, __ATOMIC_ACQUIRE);

	return f(af, type, protocol, os != NULL ?
		(LPWSAPROTOCOL_INFOW)os : info, g, flags, lpErrno);
}

int
wsp_osprov_handoff(WORD version, LPWSPDATA data,
		const WSAPROTOCOL_INFOW *info, const WSPUPCALLTABLE *up,
		LPWSPPROC_TABLE procs)
{
	const WSAPROTOCOL_INFOW *os;
	WSAPROTOCOL_INFOW e;
	int ret;

	if (info == NULL)
		return WSAEFAULT;
	wsp_mutex_lock(&os_lock);
	if (os_startup == NULL && os_find(info) != 0) {
		wsp_mutex_unlock(&os_lock);
		return WSASYSNOTREADY;
	}
	wsp_mutex_unlock(&os_lock);
	os = os_entry_of(info);
	e = os != NULL ? *os : *info;
	ret = os_startup(version, data, &e, *up, procs);
	if (ret != 0) {
		WSP_LOG(ERR, "OS provider: its WSPStartup failed (%d)", ret);
		return ret;
	}
	__atomic_store_n(&os_socket, procs->lpWSPSocket, __ATOMIC_RELEASE);
	procs->lpWSPSocket = os_socket_of_ours;
	return 0;
}

const WSPPROC_TABLE *
wsp_osprov_lower(const WSAPROTOCOL_INFOW *ours,
		const WSAPROTOCOL_INFOW **entry, LPINT err)
{
	const WSPPROC_TABLE *t = NULL;
	WSPUPCALLTABLE up;
	WSPDATA data;
	int ret;

	wsp_mutex_lock(&os_lock);
	if (lower_up)
		goto found;
	if (os_startup == NULL && os_find(ours) != 0) {
		*err = WSAENETDOWN;
		goto out;
	}
#define WSP_UPCALL_COPY(name) up.name = WSP_UPCALL(name);
	WSP_UPCALL_FOREACH(WSP_UPCALL_COPY)
#undef WSP_UPCALL_COPY
	ret = os_startup(MAKEWORD(2, 2), &data,
		(LPWSAPROTOCOL_INFOW)os_entry_of(ours), up, &lower_procs);
	if (ret != 0) {
		WSP_LOG(ERR, "OS provider: its WSPStartup failed (%d)", ret);
		*err = WSAENETDOWN;
		goto out;
	}
	__atomic_store_n(&lower_up, true, __ATOMIC_RELEASE);
found:
	*entry = os_entry_of(ours);
	if (*entry == NULL)
		*err = WSAEAFNOSUPPORT;
	else
		t = &lower_procs;
out:
	wsp_mutex_unlock(&os_lock);
	return t;
}

const WSPPROC_TABLE *
wsp_osprov_lower_table(void)
{
	return __atomic_load_n(&lower_up, __ATOMIC_ACQUIRE) ? &lower_procs :
		NULL;
}

void
wsp_osprov_lower_stop(void)
{
	int err;

	wsp_ospath_poll_stop();
	wsp_mutex_lock(&os_lock);
	if (lower_up) {
		lower_procs.lpWSPCleanup(&err);
		__atomic_store_n(&lower_up, false, __ATOMIC_RELEASE);
	}
	wsp_mutex_unlock(&os_lock);
}
