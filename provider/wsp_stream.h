/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Winsock's stream (TCP) rules where they differ from a datagram
 * socket's (wsp_stream.c): connect's codes, what WSPSelect reports, the
 * state the other entries check.
 */
#ifndef _WSP_STREAM_H_
#define _WSP_STREAM_H_

#include <errno.h>
#include <stdbool.h>

#include "dp_sock.h"
#include "wsp_abi.h"

struct wsp_sock;

/* The connection's state (enum dp_tcp_state). */
int wsp_stream_state(struct wsp_sock *ws);

/* WSPConnect on a stream socket: 0 or the WSA code (WSAEWOULDBLOCK for
 * a non-blocking connect under way). */
int wsp_stream_connect(struct wsp_sock *ws, const struct dp_addr *peer);

/* WSPShutdown on a stream socket: 0 or WSAENOTCONN. */
int wsp_stream_shutdown(struct wsp_sock *ws, bool rd, bool wr);

/* A connection that was refused never existed: data calls on it say
 * WSAENOTCONN (send, recv), not the connect's WSAECONNREFUSED. */
static inline long
wsp_stream_result(long n)
{
	return n == -ECONNREFUSED ? -ENOTCONN : n;
}

/* The listener's dataplane options, onto a connection it accepted. */
void wsp_stream_inherit_opts(struct dp_sock *from, struct dp_sock *to);

/* SIO_TCP_INFO (wsp_tcpinfo.c): 0 or the WSA code; *ret the bytes. */
int wsp_stream_tcp_info(struct wsp_sock *ws, const void *in, DWORD inlen,
		void *out, DWORD outlen, LPDWORD ret);

/* WSPSelect's sets a socket is ready for. */
#define WSP_SEL_READ	0x1
#define WSP_SEL_WRITE	0x2
#define WSP_SEL_EXCEPT	0x4

/* The sets a stream socket is ready for, given its dataplane events. */
unsigned int wsp_stream_sel_ready(struct wsp_sock *ws, unsigned int ev);

#endif /* _WSP_STREAM_H_ */
