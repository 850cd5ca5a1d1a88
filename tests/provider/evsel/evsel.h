/* SPDX-License-Identifier: BSD-3-Clause */
/* Event-select tests: shared helpers and the suites. */
#ifndef _EVSEL_H_
#define _EVSEL_H_

#include "pt.h"

/* A UDP socket bound to our address, its name in *name. */
SOCKET evsel_bound(struct sockaddr_in *name);

/* Whether ev is (or becomes within ms) signalled. */
bool evsel_signalled(WSAEVENT ev, DWORD ms);

/* WSAEnumNetworkEvents on s with ev, asserting success. */
WSANETWORKEVENTS evsel_enum(SOCKET s, WSAEVENT ev);

extern const struct wt_suite test_evsel_tcp_suite;

#endif /* _EVSEL_H_ */
