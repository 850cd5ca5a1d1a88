/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ws2_startup.c: provider loading, WSAStartup/WSACleanup, the catalog.
 *
 * Like Ws2_32, WSAStartup is reference counted; here every WSAStartup
 * calls the provider's WSPStartup once and every WSACleanup calls
 * WSPCleanup once, so the provider sees the same balanced sequence.
 * Ws2_32 loads a provider lazily, at the first socket() that needs it,
 * and an application then sees a failed WSPStartup as
 * WSAEPROVIDERFAILEDINIT on that call.  We load eagerly in WSAStartup and
 * return WSPStartup's own error from it (WSASYSNOTREADY,
 * WSAVERNOTSUPPORTED, ...) so tests can assert it; a provider that
 * cannot be loaded gives WSASYSNOTREADY.
 *
 * The provider is dlopened once and never dlclosed: DPDK (telemetry,
 * EAL threads) keeps callbacks into it for the life of the process.
 *
 * The catalog lists wspdk's entries first, then an "OS" base provider for
 * the same protocols (a GUID of its own, its DLL the kernel-socket
 * provider os_provider.c), as Windows lists Microsoft's MSAFD entries
 * after an installed provider: Ws2_32 picks ours for socket(), and wspdk
 * finds the OS provider through WSCEnumProtocols / WSCGetProviderPath.
 */

#include <dlfcn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wsp_catalog.h"
#include "ws2_priv.h"

#ifndef WS2_DEFAULT_PROVIDER
#define WS2_DEFAULT_PROVIDER	"libwspdk.so"
#endif
#ifndef WS2_OS_PROVIDER
#define WS2_OS_PROVIDER		"libws2os.so"
#endif
#define WS2_FIRST_CATALOG_ID	1001
#define WS2_CATALOG_MAX		(2 * WSP_CATALOG_NB_ENTRIES)

/* The OS base provider's ProviderId: {E70F1AA0-AB8B-11CF-8CA3-
 * 00805F48A192}, the one MSAFD's TCP/IP entries carry on Windows. */
static const GUID os_provider_guid = {
	0xe70f1aa0, 0xab8b, 0x11cf,
	{ 0x8c, 0xa3, 0x00, 0x80, 0x5f, 0x48, 0xa1, 0x92 }
};

/* initial-exec: the stand-in is linked at program start, never
 * dlopened, and the general-dynamic model cost every failing call a
 * __tls_get_addr (callpath). */
static _Thread_local int last_error __attribute__((tls_model("initial-exec")));

/* Serialises loading, startup and cleanup, as Ws2_32's startup lock. */
static pthread_mutex_t startup_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int startup_count;
static LPWSPSTARTUP provider_startup;
WSPPROC_TABLE ws2_procs;

static pthread_once_t catalog_once = PTHREAD_ONCE_INIT;
static WSAPROTOCOL_INFOW catalog[WS2_CATALOG_MAX];
static unsigned catalog_n;

static int WSPAPI
wpu_query_blocking_callback(DWORD catalog_id, LPBLOCKINGCALLBACK *fn,
			    PDWORD_PTR ctx, LPINT err)
{
	/* No Winsock 1.1 blocking hook: the provider blocks natively. */
	if (fn == NULL || ctx == NULL) {
		*err = WSAEFAULT;
		return SOCKET_ERROR;
	}
	*fn = NULL;
	*ctx = 0;
	return 0;
}

/* The DLL of a provider by GUID, as WSCGetProviderPath (Windows gives
 * it unexpanded: %SystemRoot%\\system32\\mswsock.dll). */
int WSPAPI
WSCGetProviderPath(LPGUID id, WCHAR *path, LPINT len, LPINT err)
{
	const char *p;
	int i, n;

	if (id == NULL || len == NULL) {
		*err = WSAEFAULT;
		return SOCKET_ERROR;
	}
	if (memcmp(id, &wsp_provider_guid, sizeof(GUID)) == 0)
		p = ws2_stub_provider_path();
	else if (memcmp(id, &os_provider_guid, sizeof(GUID)) == 0)
		p = ws2_stub_os_provider_path();
	else {
		*err = WSAEINVAL;
		return SOCKET_ERROR;
	}
	n = (int)strlen(p) + 1;
	if (path == NULL || *len < n) {
		*len = n;
		*err = WSAEFAULT;
		return SOCKET_ERROR;
	}
	for (i = 0; i < n; i++)
		path[i] = (WCHAR)(unsigned char)p[i];
	*len = n;
	return 0;
}

static const WSPUPCALLTABLE upcalls = {
	.lpWPUCloseEvent = ws2_wpu_close_event,
	.lpWPUCloseSocketHandle = ws2_wpu_close_socket_handle,
	.lpWPUCreateEvent = ws2_wpu_create_event,
	.lpWPUCreateSocketHandle = ws2_wpu_create_socket_handle,
	.lpWPUFDIsSet = ws2_wpu_fd_is_set,
	.lpWPUGetProviderPath = WSCGetProviderPath,
	.lpWPUModifyIFSHandle = ws2_wpu_modify_ifs_handle,
	.lpWPUPostMessage = ws2_wpu_post_message,
	.lpWPUQueryBlockingCallback = wpu_query_blocking_callback,
	.lpWPUQuerySocketHandleContext = ws2_wpu_query_socket_handle_context,
	.lpWPUQueueApc = ws2_wpu_queue_apc,
	.lpWPUResetEvent = ws2_wpu_reset_event,
	.lpWPUSetEvent = ws2_wpu_set_event,
	.lpWPUOpenCurrentThread = ws2_wpu_open_current_thread,
	.lpWPUCloseThread = ws2_wpu_close_thread,
};

/* The OS entry twin of one of ours: same protocol, another provider. */
static void
os_entry(WSAPROTOCOL_INFOW *e)
{
	const char *name = e->iSocketType == SOCK_STREAM ?
		"Linux kernel [TCP/IP]" : "Linux kernel [UDP/IP]";
	unsigned i;

	e->ProviderId = os_provider_guid;
	for (i = 0; name[i] != '\0'; i++)
		e->szProtocol[i] = (WCHAR)(unsigned char)name[i];
	e->szProtocol[i] = 0;
}

static void
catalog_init(void)
{
	unsigned i, n;

	n = wsp_catalog_entries(catalog, WSP_CATALOG_NB_ENTRIES);
	for (i = 0; i < n; i++) {
		catalog[n + i] = catalog[i];
		os_entry(&catalog[n + i]);
	}
	catalog_n = 2 * n;
	for (i = 0; i < catalog_n; i++)
		catalog[i].dwCatalogEntryId = WS2_FIRST_CATALOG_ID + i;
}

unsigned
ws2_catalog_count(void)
{
	pthread_once(&catalog_once, catalog_init);
	return catalog_n;
}

const WSAPROTOCOL_INFOW *
ws2_catalog_get(unsigned i)
{
	return i < ws2_catalog_count() ? &catalog[i] : NULL;
}

const WSAPROTOCOL_INFOW *
ws2_stub_catalog_entry(unsigned i)
{
	return ws2_catalog_get(i);
}

const char *
ws2_stub_provider_path(void)
{
	const char *p = getenv("WSPDK_PROVIDER");

	return p != NULL && p[0] != '\0' ? p : WS2_DEFAULT_PROVIDER;
}

const char *
ws2_stub_os_provider_path(void)
{
	const char *p = getenv("WSPDK_OS_PROVIDER");

	return p != NULL && p[0] != '\0' ? p : WS2_OS_PROVIDER;
}

/* Under startup_lock. */
static int
provider_load(void)
{
	void *dl;

	if (provider_startup != NULL)
		return 0;
	dl = dlopen(ws2_stub_provider_path(), RTLD_NOW | RTLD_LOCAL);
	if (dl == NULL) {
		fprintf(stderr, "ws2stub: cannot load the provider: %s\n",
			dlerror());
		return -1;
	}
	provider_startup = (LPWSPSTARTUP)(uintptr_t)dlsym(dl, "WSPStartup");
	if (provider_startup == NULL) {
		fprintf(stderr, "ws2stub: %s has no WSPStartup\n",
			ws2_stub_provider_path());
		return -1;	/* XXX: dl stays open; see the file comment. */
	}
	return 0;
}

int
ws2_stub_wsp_startup(WORD version, LPWSPDATA data,
		     LPWSAPROTOCOL_INFOW info, LPWSPPROC_TABLE table)
{
	int ret;

	pthread_mutex_lock(&startup_lock);
	ret = provider_load();
	pthread_mutex_unlock(&startup_lock);
	if (ret != 0)
		return WSAEPROVIDERFAILEDINIT;
	return provider_startup(version, data, info, upcalls, table);
}

/* What Ws2_32 requires of a provider before using it. */
static int
table_check(const WSPDATA *data, const WSPPROC_TABLE *table)
{
	const unsigned char *p = (const unsigned char *)table;
	void (*fn)(void);
	size_t off;

	if (data->wVersion != MAKEWORD(2, 2))
		return WSAEINVALIDPROVIDER;
	for (off = 0; off < sizeof(*table); off += sizeof(fn)) {
		memcpy(&fn, p + off, sizeof(fn));
		if (fn == NULL)
			return WSAEINVALIDPROCTABLE;
	}
	return 0;
}

/* Version negotiation as Ws2_32 (ReactOS ws2_32 startup.c does the same). */
static WORD
negotiate(WORD req)
{
	switch (LOBYTE(req)) {
	case 0:
		return MAKEWORD(2, 2);
	case 1:
		return MAKEWORD(1, HIBYTE(req) <= 1 ? HIBYTE(req) : 1);
	case 2:
		return MAKEWORD(2, HIBYTE(req) <= 2 ? HIBYTE(req) : 2);
	default:
		return MAKEWORD(2, 2);
	}
}

int WSAAPI
WSAStartup(WORD req, LPWSADATA wsa)
{
	WSPPROC_TABLE table;
	WSPDATA data;
	int ret, err;

	if (wsa == NULL)
		return LOBYTE(req) == 0 ? WSAVERNOTSUPPORTED : WSAEFAULT;
	memset(wsa, 0, sizeof(*wsa));
	wsa->wVersion = negotiate(req);
	wsa->wHighVersion = MAKEWORD(2, 2);
	strcpy(wsa->szDescription, "WinSock 2.0");
	strcpy(wsa->szSystemStatus, "Running");
	if (LOBYTE(req) == 1) {
		wsa->iMaxSockets = 32767;
		wsa->iMaxUdpDg = 65467;
	}
	if (LOBYTE(req) == 0)
		return WSAVERNOTSUPPORTED;

	pthread_mutex_lock(&startup_lock);
	if (provider_load() != 0) {
		ret = WSASYSNOTREADY;
		goto out_unlock;
	}
	memset(&table, 0, sizeof(table));
	memset(&data, 0, sizeof(data));
	ret = provider_startup(MAKEWORD(2, 2), &data,
			       (LPWSAPROTOCOL_INFOW)ws2_catalog_get(0),
			       upcalls, &table);
	if (ret != 0)
		goto out_unlock;
	ret = table_check(&data, &table);
	if (ret != 0) {
		if (table.lpWSPCleanup != NULL)
			table.lpWSPCleanup(&err);
		goto out_unlock;
	}
	/* "the most recently supplied" table wins, as for the provider.
	 * Threads already started call through ws2_procs unlocked: it is
	 * written only when it changes (the provider's table never does). */
	if (memcmp(&ws2_procs, &table, sizeof(table)) != 0)
		ws2_procs = table;
	atomic_fetch_add(&startup_count, 1);
out_unlock:
	pthread_mutex_unlock(&startup_lock);
	return ret;
}

int WSAAPI
WSACleanup(void)
{
	int ret = 0, err = 0;

	pthread_mutex_lock(&startup_lock);
	if (atomic_load(&startup_count) == 0) {
		err = WSANOTINITIALISED;
		ret = SOCKET_ERROR;
		goto out_unlock;
	}
	ret = ws2_procs.lpWSPCleanup(&err);
	atomic_fetch_sub(&startup_count, 1);
out_unlock:
	pthread_mutex_unlock(&startup_lock);
	return ret == 0 ? 0 : ws2_fail(err);
}

bool
ws2_started(void)
{
	return atomic_load_explicit(&startup_count, memory_order_acquire) > 0;
}

int
ws2_stub_startup_count(void)
{
	return atomic_load(&startup_count);
}

const WSPPROC_TABLE *
ws2_stub_proc_table(void)
{
	return ws2_started() ? &ws2_procs : NULL;
}

const WSPUPCALLTABLE *
ws2_stub_upcall_table(void)
{
	return &upcalls;
}

int
ws2_fail(int err)
{
	last_error = err;
	return SOCKET_ERROR;
}

int WSAAPI
WSAGetLastError(void)
{
	return last_error;
}

void WSAAPI
WSASetLastError(int err)
{
	last_error = err;
}

static bool
protocol_wanted(const INT *protocols, int proto)
{
	int i;

	if (protocols == NULL)
		return true;
	for (i = 0; protocols[i] != 0; i++)
		if (protocols[i] == proto)
			return true;
	return false;
}

/* The catalog, filtered; *err set on failure (SOCKET_ERROR). */
static int
enum_protocols(const INT *protocols, LPWSAPROTOCOL_INFOW buf,
	       LPDWORD len, LPINT err)
{
	const WSAPROTOCOL_INFOW *sel[WS2_CATALOG_MAX];
	unsigned i, n = 0;

	if (len == NULL) {
		*err = WSAEFAULT;
		return SOCKET_ERROR;
	}
	for (i = 0; i < ws2_catalog_count(); i++)
		if (protocol_wanted(protocols, catalog[i].iProtocol))
			sel[n++] = &catalog[i];
	if (buf == NULL || *len < n * sizeof(*buf)) {
		*len = n * sizeof(*buf);
		*err = WSAENOBUFS;
		return SOCKET_ERROR;
	}
	for (i = 0; i < n; i++)
		buf[i] = *sel[i];
	return (int)n;
}

int WSAAPI
WSAEnumProtocolsW(LPINT protocols, LPWSAPROTOCOL_INFOW buf, LPDWORD len)
{
	int err = 0, ret;

	if (!ws2_started())
		return ws2_fail(WSANOTINITIALISED);
	ret = enum_protocols(protocols, buf, len, &err);
	return ret == SOCKET_ERROR ? ws2_fail(err) : ret;
}

/* The installer's and providers' view: no WSAStartup needed, errors in
 * *err (MS-doc WSCEnumProtocols). */
int WSPAPI
WSCEnumProtocols(LPINT protocols, LPWSAPROTOCOL_INFOW buf, LPDWORD len,
		 LPINT err)
{
	if (err == NULL)
		return SOCKET_ERROR;
	return enum_protocols(protocols, buf, len, err);
}
