/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wsp_osprov.h: the operating system's own provider for our protocols
 * (Microsoft's base provider on Windows, the stand-in's kernel-socket
 * provider on Linux), found through the Winsock catalog the same way on
 * both (provider/README.md).
 */
#ifndef _WSP_OSPROV_H_
#define _WSP_OSPROV_H_

#include "wsp_abi.h"

/*
 * A process that is not opted in: start the OS base provider for info's
 * protocol and fill *data and *procs with its version data and its proc
 * table (WSPSocket mapping our catalog entries to its own), so that
 * Ws2_32 calls it directly from now on. Called with the lifecycle lock
 * held, once per such WSPStartup (the OS provider counts them; Ws2_32's
 * WSPCleanup calls reach it through its table). 0, or the WSPStartup
 * error to return.
 */
int wsp_osprov_handoff(WORD version, LPWSPDATA data,
		const WSAPROTOCOL_INFOW *info, const WSPUPCALLTABLE *up,
		LPWSPPROC_TABLE procs);

/*
 * Inside an accelerated process: the OS provider's table for the sockets
 * we serve through it (started on first use with the newest upcall
 * table), and its catalog entry for our entry ours. NULL with *err set
 * if it cannot be found or started.
 */
const WSPPROC_TABLE *wsp_osprov_lower(const WSAPROTOCOL_INFOW *ours,
		const WSAPROTOCOL_INFOW **entry, LPINT err);

/* That table once started, else NULL. */
const WSPPROC_TABLE *wsp_osprov_lower_table(void);

/* WSPCleanup, after every socket is closed: its WSPCleanup. */
void wsp_osprov_lower_stop(void);

#endif /* _WSP_OSPROV_H_ */
