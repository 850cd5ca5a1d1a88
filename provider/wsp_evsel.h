/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Event select (wsp_evsel.c): WSPEventSelect, WSPAsyncSelect and
 * WSPEnumNetworkEvents, and the hooks the I/O calls use to re-enable
 * the network events Winsock re-enables.
 */
#ifndef _WSP_EVSEL_H_
#define _WSP_EVSEL_H_

#include <stdbool.h>

#include "wsp_abi.h"

struct wsp_sock;

/* A new socket: nothing selected. */
void wsp_evsel_init(struct wsp_sock *ws);

/* A call that re-enables events (FD_READ: a receive, FD_WRITE: a send
 * that failed WSAEWOULDBLOCK, FD_ACCEPT: an accept) was made on ws;
 * they are recorded again at once if still true. Cheap when nothing is
 * selected. */
void wsp_evsel_reenable(struct wsp_sock *ws, LONG events);

/* Whether WSPEventSelect or WSPAsyncSelect is in force (FIONBIO 0 is
 * refused then). */
bool wsp_evsel_active(const struct wsp_sock *ws);

/* An accepted socket `to` takes its listener's WSPEventSelect or
 * WSPAsyncSelect, as WSPAccept says it inherits "asynchronous events
 * registered"; what is already true (FD_WRITE) is recorded at once.
 * 0 or a WSA error. */
int wsp_evsel_inherit(struct wsp_sock *from, SOCKET to);

/* ws is closing: stop recording and following it. */
void wsp_evsel_close(struct wsp_sock *ws);

#endif /* _WSP_EVSEL_H_ */
