/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pf_ws: the Winsock apps' shared address helpers (ws2.h types, which
 * perf/lib may not see: its baselines include <sys/socket.h>).
 */
#ifndef _PF_WS_H_
#define _PF_WS_H_

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ws2.h"

/* IPv4 ip (NULL: any) and port. */
static inline struct sockaddr_in
pf_ws_addr(const char *ip, unsigned int port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((u_short)port);
	if (ip != NULL)
		inet_pton(AF_INET, ip, &a.sin_addr);
	return a;
}

/* "IP:PORT" into *to: 0, or -1 if it is not that. */
static inline int
pf_ws_peer(const char *peer, struct sockaddr_in *to)
{
	char ip[64];
	const char *colon = peer != NULL ? strrchr(peer, ':') : NULL;

	if (colon == NULL || (size_t)(colon - peer) >= sizeof(ip))
		return -1;
	snprintf(ip, sizeof(ip), "%.*s", (int)(colon - peer), peer);
	*to = pf_ws_addr(ip, (unsigned int)atoi(colon + 1));
	return 0;
}

#endif /* _PF_WS_H_ */
