/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared by the extension tests (test_ext*.c). */
#ifndef _EXT_H_
#define _EXT_H_

#include "pt.h"

#define EXT_GROUP	0xef010203u	/* 239.1.2.3 */

extern const struct wt_suite test_ext_registry_suite;
extern const struct wt_suite test_ext_options_suite;
extern const struct wt_suite test_ext_msg_suite;
extern const struct wt_suite test_ext_tos_ttl_suite;
extern const struct wt_suite test_ext_msg_thread_suite;

/* A UDP socket bound to our address or any, ephemeral port; its name. */
SOCKET ext_bound(uint32_t ip, struct sockaddr_in *name);

/* WSARecvMsg / WSASendMsg of s, asserting the ioctl succeeds. */
LPFN_WSARECVMSG ext_recvmsg(SOCKET s);
LPFN_WSASENDMSG ext_sendmsg(SOCKET s);

#endif /* _EXT_H_ */
