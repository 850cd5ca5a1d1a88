/* SPDX-License-Identifier: BSD-3-Clause */
/* sockaddr_in <-> dp_addr, with Winsock's checks (wsp_addr.c). */
#ifndef _WSP_ADDR_H_
#define _WSP_ADDR_H_

#include "dp_sock.h"
#include "wsp_abi.h"

/* 0, WSAEFAULT (NULL or short), WSAEAFNOSUPPORT (not AF_INET). */
int wsp_addr_from_sa(const struct sockaddr *sa, int len, struct dp_addr *a);

/* Fill sa and *len (in: room, out: used); 0 or WSAEFAULT. */
int wsp_addr_to_sa(const struct dp_addr *a, struct sockaddr *sa, LPINT len);

#endif /* _WSP_ADDR_H_ */
