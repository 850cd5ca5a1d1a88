/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers of the OS path's tests (ospath_util.c). */
#ifndef _OSPATH_UTIL_H_
#define _OSPATH_UTIL_H_

#include "pt.h"

/* A UDP socket bound to ip, ephemeral port; its name in *name unless
 * name is NULL. */
SOCKET ou_udp_bound(uint32_t ip, struct sockaddr_in *name);

/* The extension function id, asked of s (asserted to be there). */
void *ou_ext_fn(SOCKET s, GUID id);

/* Nothing more signals ev within 100 ms (the completion came once). */
void ou_no_second_signal(WSAEVENT ev);

/* Wait for one packet on port: its overlapped (asserted non-NULL), key,
 * bytes and error. */
LPOVERLAPPED ou_one_packet(HANDLE port, ULONG_PTR *key, DWORD *bytes,
		DWORD *err);

/* No packet on port within 100 ms. */
void ou_no_packet(HANDLE port);

#endif /* _OSPATH_UTIL_H_ */
