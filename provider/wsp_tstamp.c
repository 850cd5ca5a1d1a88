/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SIO_TIMESTAMPING and SIO_GET_TX_TIMESTAMP ("Winsock timestamping"):
 * valid only for datagram sockets, so a stream socket gets WSAEINVAL,
 * WSAIoctl's code for a command "not applicable to the type of socket".
 *
 * Receive timestamps: the lcores stamp each burst while any socket wants
 * them (dp_sock_tstamp_rx) and WSARecvMsg shows the stamp while ts_rx is
 * set; a datagram pulled before that has none ("if available").
 * Transmit timestamps need a store on the dataplane socket, replaced
 * (emptied) by every SIO_TIMESTAMPING that asks for them or turns them
 * off. SIO_GET_TX_TIMESTAMP never blocks, overlapped or not: WSAEWOULDBLOCK
 * until the timestamp exists, and also when transmit timestamps are off
 * (none is available).
 */
#include <errno.h>
#include <string.h>

#include "dp_sock.h"
#include "wsp_error.h"
#include "wsp_tstamp.h"

int
wsp_tstamp_config(struct wsp_sock *ws, LPVOID in, DWORD inlen)
{
	TIMESTAMPING_CONFIG c;
	bool tx;
	int err;

	if (in == NULL || inlen < sizeof(c))
		return WSAEFAULT;
	if (wsp_sock_is_stream(ws))
		return WSAEINVAL;
	memcpy(&c, in, sizeof(c));
	if (c.Flags & ~(ULONG)(TIMESTAMPING_FLAG_RX | TIMESTAMPING_FLAG_TX))
		return WSAEINVAL;
	tx = (c.Flags & TIMESTAMPING_FLAG_TX) != 0;
	if (tx || __atomic_load_n(&ws->ts_tx, __ATOMIC_RELAXED)) {
		err = dp_sock_tstamp_tx(ws->dp, tx, c.TxTimestampsBuffered);
		if (err != 0)
			return wsp_error_from_errno(err);
	}
	dp_sock_tstamp_rx(ws->dp, (c.Flags & TIMESTAMPING_FLAG_RX) != 0);
	__atomic_store_n(&ws->ts_tx, tx, __ATOMIC_RELAXED);
	__atomic_store_n(&ws->ts_rx, (c.Flags & TIMESTAMPING_FLAG_RX) != 0,
		__ATOMIC_RELAXED);
	return 0;
}

int
wsp_tstamp_get_tx(struct wsp_sock *ws, LPVOID in, DWORD inlen, LPVOID out,
		DWORD outlen, LPDWORD ret)
{
	uint32_t id;
	uint64_t tsc, v;

	if (in == NULL || inlen < sizeof(id) || out == NULL ||
			outlen < sizeof(v))
		return WSAEFAULT;
	if (wsp_sock_is_stream(ws))
		return WSAEINVAL;
	memcpy(&id, in, sizeof(id));
	if (dp_sock_tstamp_take(ws->dp, id, &tsc) != 0)
		return WSAEWOULDBLOCK;
	v = dp_tstamp_to_os(tsc);
	memcpy(out, &v, sizeof(v));
	*ret = sizeof(v);
	return 0;
}
