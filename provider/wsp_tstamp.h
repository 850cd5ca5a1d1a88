/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Winsock timestamping on datagram sockets (mstcpip.h): SIO_TIMESTAMPING
 * switches receive (SO_TIMESTAMP control messages from WSARecvMsg,
 * wsp_msg.c) and transmit timestamps (SO_TIMESTAMP_ID on WSASendMsg,
 * taken back with SIO_GET_TX_TIMESTAMP) on and off. Values are on
 * QueryPerformanceCounter's scale (the dataplane's dp_tstamp_to_os).
 */
#ifndef _WSP_TSTAMP_H_
#define _WSP_TSTAMP_H_

#include "wsp_abi.h"
#include "wsp_sock.h"

/* WSPIoctl(SIO_TIMESTAMPING): 0 or a WSA error. */
int wsp_tstamp_config(struct wsp_sock *ws, LPVOID in, DWORD inlen);

/* WSPIoctl(SIO_GET_TX_TIMESTAMP): 0 (*ret = 8) or a WSA error,
 * WSAEWOULDBLOCK while the timestamp is not there. */
int wsp_tstamp_get_tx(struct wsp_sock *ws, LPVOID in, DWORD inlen,
		LPVOID out, DWORD outlen, LPDWORD ret);

#endif /* _WSP_TSTAMP_H_ */
