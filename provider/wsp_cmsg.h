/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wsp_cmsg.h: WSAMSG control data in Windows' layout (ws2def.h): each
 * WSACMSGHDR WSA_CMSGHDR_ALIGNed, its data at WSA_CMSG_DATA. Shared by
 * wspdk's WSARecvMsg/WSASendMsg (wsp_msg.c) and the Ws2_32 stand-in's
 * OS provider (tests/ws2/os_provider_msg.c), so both write one layout.
 */
#ifndef _WSP_CMSG_H_
#define _WSP_CMSG_H_

#include <stdbool.h>
#include <stddef.h>

#include "wsp_abi.h"

/* Append one control message at ctl->buf + *used if it fits (*used
 * advanced); false, nothing written, if not. */
bool wsp_cmsg_put(WSABUF *ctl, DWORD *used, INT level, INT type,
		const void *data, size_t len);

/* The header of the control message at off in a user's buffer: 0, or
 * WSAEINVAL if it does not fit the buffer. */
int wsp_cmsg_get(const WSABUF *ctl, DWORD off, WSACMSGHDR *h);

/* The offset of the message after h's at off, or ctl->len if none. */
DWORD wsp_cmsg_next(const WSABUF *ctl, DWORD off, const WSACMSGHDR *h);

#endif /* _WSP_CMSG_H_ */
