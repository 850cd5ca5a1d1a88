/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pf_ws: the Winsock apps' shared start and address helpers (ws2.h
 * types, which perf/lib may not see: its baselines include
 * <sys/socket.h>).
 */
#ifndef _PF_WS_H_
#define _PF_WS_H_

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf.h"
#include "wt.h"
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

/* The start of a Winsock app: pinned first (the thread that calls
 * WSAStartup keeps its affinity; EAL starts on a thread of its own), the
 * TSC calibrated, Winsock up and, with tap ("IFNAME,MAC,CIDR"), the
 * tap's kernel side configured. 0, or -1 said on stderr, Winsock down. */
static inline int
pf_ws_start(const char *app, int cpu, const char *tap)
{
	char ifname[32], mac[32], cidr[64];
	WSADATA wd;
	int ret;

	if (pf_pin(cpu) != 0)
		return -1;
	pf_tsc_hz();
	ret = WSAStartup(MAKEWORD(2, 2), &wd);
	if (ret != 0) {
		fprintf(stderr, "%s: WSAStartup: %d\n", app, ret);
		return -1;
	}
	if (tap != NULL && (sscanf(tap, "%31[^,],%31[^,],%63s", ifname, mac,
			cidr) != 3 || wt_tap_kernel_up(ifname, mac, cidr) != 0)) {
		fprintf(stderr, "%s: the tap's kernel side (--tap IFNAME,MAC,"
			"CIDR): %s\n", app, tap);
		WSACleanup();
		return -1;
	}
	return 0;
}

#endif /* _PF_WS_H_ */
