/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * WSPStartup / WSPCleanup: the provider's lifecycle (winsock-spi.md §1,
 * DESIGN.md "Lifecycle").
 *
 * WSPStartup from refcount 0 reads and checks the configuration, then
 * brings the dataplane up (EAL the first time in the process, then pool,
 * port and lcores every time). Further calls only count. WSPCleanup to 0
 * takes everything down so the DLL can be unloaded and the next
 * WSPStartup starts afresh in the same process. One lock serialises both,
 * so they may race from any number of threads.
 *
 * A process the policy does not accelerate never gets that far: its
 * WSPStartup hands it to the operating system's own provider, returning
 * that provider's proc table, so Ws2_32 calls it directly and DPDK is
 * never started (wsp_osprov.c, provider/README.md).
 *
 * This is the only exported function of the provider; everything else is
 * reached through the table it fills in.
 */
#include <string.h>

#include "dp.h"
#include "dp_sock.h"
#include "wsp_abi.h"
#include "wsp_config.h"
#include "wsp_log.h"
#include "wsp_osprov.h"
#include "wsp_ovl.h"
#include "wsp_policy.h"
#include "wsp_priv.h"
#include "wsp_sock.h"

#define WSP_VERSION		MAKEWORD(2, 2)
#define WSP_DESCRIPTION		"wspdk 0.1: Winsock over a DPDK dataplane"

struct wsp_global wsp_g = {
	.lock = WSP_MUTEX_INITIALIZER,
};

static const WSPPROC_TABLE wsp_proc_table = {
	.lpWSPAccept = wsp_accept,
	.lpWSPAddressToString = wsp_address_to_string,
	.lpWSPAsyncSelect = wsp_async_select,
	.lpWSPBind = wsp_bind,
	.lpWSPCancelBlockingCall = wsp_cancel_blocking_call,
	.lpWSPCleanup = wsp_cleanup,
	.lpWSPCloseSocket = wsp_close_socket,
	.lpWSPConnect = wsp_connect,
	.lpWSPDuplicateSocket = wsp_duplicate_socket,
	.lpWSPEnumNetworkEvents = wsp_enum_network_events,
	.lpWSPEventSelect = wsp_event_select,
	.lpWSPGetOverlappedResult = wsp_get_overlapped_result,
	.lpWSPGetPeerName = wsp_get_peer_name,
	.lpWSPGetSockName = wsp_get_sock_name,
	.lpWSPGetSockOpt = wsp_get_sock_opt,
	.lpWSPGetQOSByName = wsp_get_qos_by_name,
	.lpWSPIoctl = wsp_ioctl,
	.lpWSPJoinLeaf = wsp_join_leaf,
	.lpWSPListen = wsp_listen,
	.lpWSPRecv = wsp_recv,
	.lpWSPRecvDisconnect = wsp_recv_disconnect,
	.lpWSPRecvFrom = wsp_recv_from,
	.lpWSPSelect = wsp_select,
	.lpWSPSend = wsp_send,
	.lpWSPSendDisconnect = wsp_send_disconnect,
	.lpWSPSendTo = wsp_send_to,
	.lpWSPSetSockOpt = wsp_set_sock_opt,
	.lpWSPShutdown = wsp_shutdown,
	.lpWSPSocket = wsp_socket,
	.lpWSPStringToAddress = wsp_string_to_address,
};

static void
fill_wsp_data(LPWSPDATA d)
{
	const char *s = WSP_DESCRIPTION;
	size_t i;

	d->wVersion = WSP_VERSION;
	d->wHighVersion = WSP_VERSION;
	/* WCHAR is 16-bit on every platform we build for: widen by hand. */
	for (i = 0; s[i] != '\0' && i < WSPDESCRIPTION_LEN; i++)
		d->szDescription[i] = (WCHAR)(unsigned char)s[i];
	d->szDescription[i] = 0;
}

/* Refcount 0 -> 1, lock held. Returns 0 or a WSPStartup error code. */
static int
bring_up(void)
{
	struct wsp_config_err cerr;
	struct dp_conf conf;
	int ret;

	if (wsp_config_load(&conf, &cerr) != 0) {
		WSP_LOG(ERR, "configuration: %s", cerr.msg);
		return WSASYSNOTREADY;
	}
	/* Before dp_start: EAL threads may outlive even a failed start. */
	if (wsp_os_pin_module() != 0)
		WSP_LOG(WARNING, "cannot pin the provider DLL: unloading it "
			"after WSPCleanup would crash the process");
	ret = dp_start(&conf);
	if (ret != 0) {
		WSP_LOG(ERR, "dataplane did not start (%d); the network "
			"subsystem is unavailable", ret);
		return WSASYSNOTREADY;
	}
	wsp_sock_accept_new();
	return 0;
}

/* The single export (a .def file does this on Windows). */
#ifndef _WIN32
__attribute__((visibility("default")))
#endif
int WSPAPI
WSPStartup(WORD version, LPWSPDATA data, LPWSAPROTOCOL_INFOW info,
		WSPUPCALLTABLE upcalls, LPWSPPROC_TABLE procs)
{
	int ret = 0;

	if (data == NULL || procs == NULL)
		return WSAEFAULT;
	/* 2.2 is the only SPI version there is; older callers are refused
	 * as Microsoft's own 2.2-only provider sample does. */
	if (LOBYTE(version) < 2 || (LOBYTE(version) == 2 &&
			HIBYTE(version) < 2))
		return WSAVERNOTSUPPORTED;
	wsp_mutex_lock(&wsp_g.lock);
	if (!wsp_g.decided) {
		char why[256];

		/* Once per process: a process cannot change sides. */
		wsp_g.accelerated = wsp_policy_accelerated(why, sizeof(why));
		wsp_g.decided = true;
		WSP_LOG(NOTICE, "%s%s", why, wsp_g.accelerated ? "" :
			"; every socket goes to the OS provider");
	}
	if (!wsp_g.accelerated) {
		ret = wsp_osprov_handoff(version, data, info, &upcalls,
			procs);
		wsp_mutex_unlock(&wsp_g.lock);
		return ret;
	}
	if (wsp_g.refcount == 0)
		ret = bring_up();
	if (ret == 0) {
		wsp_g.refcount++;
		/* The upcall table arrives by value; keep the newest. */
#define WSP_UPCALL_STORE(name) \
		__atomic_store_n(&wsp_g.upcalls.name, upcalls.name, \
				__ATOMIC_RELAXED);
		WSP_UPCALL_FOREACH(WSP_UPCALL_STORE)
#undef WSP_UPCALL_STORE
	}
	wsp_mutex_unlock(&wsp_g.lock);
	if (ret != 0)
		return ret;
	fill_wsp_data(data);
	*procs = wsp_proc_table;
	return 0;
}

int WSPAPI
wsp_cleanup(LPINT lpErrno)
{
	int ret = 0;

	wsp_mutex_lock(&wsp_g.lock);
	if (wsp_g.refcount == 0) {
		*lpErrno = WSANOTINITIALISED;
		ret = SOCKET_ERROR;
	} else if (--wsp_g.refcount == 0) {
		/* winsock-spi.md §1.6: pending overlapped operations go
		 * without notification, blocked calls return WSAEINTR,
		 * open sockets close as if WSPCloseSocket had been called,
		 * then the dataplane sends what graceful sockets queued and
		 * stops. */
		wsp_ovl_shutdown();
		dp_sock_quiesce();
		wsp_sock_close_all();
		wsp_osprov_lower_stop();
		dp_stop();
	}
	wsp_mutex_unlock(&wsp_g.lock);
	return ret;
}
