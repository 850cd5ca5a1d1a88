/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * WSPIoctl for datagram sockets: FIONBIO, FIONREAD, SIOCATMARK,
 * SIO_GET_INTERFACE_LIST (mandatory for a Winsock 2 TCP/IP provider),
 * SIO_UDP_CONNRESET, SIO_UDP_NETRESET, SIO_KEEPALIVE_VALS,
 * SIO_TCP_SET_ACK_FREQUENCY and SIO_TCP_INFO (wsp_tcpinfo.c) on streams, packet timestamps
 * (SIO_TIMESTAMPING, SIO_GET_TX_TIMESTAMP, wsp_tstamp.c), the
 * base-handle queries, for which we are the base provider and answer with
 * our own handle (winsock-spi.md §3.5), the extension functions and
 * interface queries (wsp_ext.c), and the calls Ws2_32 sends a non-IFS
 * provider as ioctls: WSASendMsg (SIO_EXT_SENDMSG, wsp_msg.c) and WSAPoll
 * (SIO_EXT_POLL, wsp_poll.c). SIO_EXT_SELECT has no documented argument
 * layout (no structure in mswsock.h, no page): Ws2_32 reaches our select
 * through WSPSelect, and the code fails WSAEOPNOTSUPP.
 *
 * Codes we know but do not implement fail WSAEOPNOTSUPP; codes we do not
 * know fail WSAEINVAL. Every ioctl completes at once; with an overlapped
 * structure a success is also notified as a completion, a failure never,
 * and a socket made without WSA_FLAG_OVERLAPPED ignores the structure
 * ("ignored for non-overlapped sockets", WSAIoctl).
 */
#include <string.h>

#include "dp_sock.h"
#include "wsp_ovl.h"
#include "wsp_error.h"
#include "wsp_evsel.h"
#include "wsp_ext.h"
#include "wsp_ospath.h"
#include "wsp_priv.h"
#include "wsp_sock.h"
#include "wsp_stream.h"
#include "wsp_tstamp.h"

static int
in_u32(LPVOID in, DWORD inlen, uint32_t *v)
{
	if (in == NULL || inlen < sizeof(*v))
		return WSAEFAULT;
	memcpy(v, in, sizeof(*v));
	return 0;
}

static int
out_bytes(LPVOID out, DWORD outlen, const void *v, DWORD n, LPDWORD ret)
{
	if (out == NULL || outlen < n)
		return WSAEFAULT;
	memcpy(out, v, n);
	*ret = n;
	return 0;
}

static void
fill_sin(struct sockaddr_in *sin, uint32_t ip)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(ip);
}

/* Our one interface, as INTERFACE_INFO. */
static int
interface_list(LPVOID out, DWORD outlen, LPDWORD ret)
{
	INTERFACE_INFO ii;
	uint32_t ip, mtu, mask;
	uint8_t prefix;

	dp_sock_local_if(&ip, &prefix, &mtu);
	mask = prefix == 0 ? 0 : ~(uint32_t)0 << (32 - prefix);
	memset(&ii, 0, sizeof(ii));
	ii.iiFlags = IFF_UP | IFF_BROADCAST | IFF_MULTICAST;
	fill_sin(&ii.iiAddress.AddressIn, ip);
	fill_sin(&ii.iiNetmask.AddressIn, mask);
	fill_sin(&ii.iiBroadcastAddress.AddressIn, ip | ~mask);
	return out_bytes(out, outlen, &ii, sizeof(ii), ret);
}

static int
ioctl_one(struct wsp_sock *ws, DWORD code, LPVOID in, DWORD inlen,
		LPVOID out, DWORD outlen, LPDWORD ret)
{
	uint32_t v;
	int err;

	*ret = 0;
	switch (code) {
	case FIONBIO:
		err = in_u32(in, inlen, &v);
		/* Event select keeps it non-blocking until cancelled. */
		if (err == 0 && v == 0 && wsp_evsel_active(ws))
			err = WSAEINVAL;
		if (err == 0)
			__atomic_store_n(&ws->nonblocking, v != 0,
				__ATOMIC_RELAXED);
		return err;
	case FIONREAD:
		/* All queued payload bytes (Winsock's definition for
		 * message-oriented sockets), capped to a u_long. */
		v = dp_sock_rx_bytes(ws->dp) > 0xffffffffu ? 0xffffffffu :
			(uint32_t)dp_sock_rx_bytes(ws->dp);
		return out_bytes(out, outlen, &v, sizeof(v), ret);
	case SIOCATMARK:
		v = TRUE;	/* no urgent data on datagram sockets */
		return out_bytes(out, outlen, &v, sizeof(v), ret);
	case SIO_UDP_CONNRESET:
		err = in_u32(in, inlen, &v);
		if (err == 0 && dp_sock_set_opt(ws->dp, DP_OPT_CONNRESET,
				v != 0) != 0)
			err = WSAEINVAL;
		return err;
	case SIO_UDP_NETRESET:
		/* Stored only: no ICMP time exceeded reaches a socket. */
		err = in_u32(in, inlen, &v);
		if (err == 0 && wsp_sock_is_stream(ws))
			err = WSAEINVAL;
		if (err == 0)
			__atomic_store_n(&ws->netreset, v != 0,
				__ATOMIC_RELAXED);
		return err;
	case SIO_GET_INTERFACE_LIST:
		return interface_list(out, outlen, ret);
	case SIO_GET_EXTENSION_FUNCTION_POINTER:
		return wsp_ext_function(ws, in, inlen, out, outlen, ret);
	case SIO_ROUTING_INTERFACE_QUERY:
		return wsp_ext_routing_query(in, inlen, out, outlen, ret);
	case SIO_ADDRESS_LIST_QUERY:
		return wsp_ext_address_list(out, outlen, ret);
	case SIO_BSP_HANDLE_POLL:
		/* Also: "The lpOverlapped parameter must be a NULL
		 * pointer" (Winsock IOCTLs), checked by the caller. */
	case SIO_BASE_HANDLE:
	case SIO_BSP_HANDLE:
	case SIO_BSP_HANDLE_SELECT:
		return out_bytes(out, outlen, &ws->handle, sizeof(ws->handle),
			ret);
	case SIO_KEEPALIVE_VALS: {
		struct tcp_keepalive k;

		if (in == NULL || inlen < sizeof(k))
			return WSAEFAULT;
		/* "not applicable to the type of socket" */
		if (!wsp_sock_is_stream(ws))
			return WSAEINVAL;
		memcpy(&k, in, sizeof(k));
		return wsp_sock_set_keepalive(ws, k.onoff != 0,
			k.keepalivetime, k.keepaliveinterval);
	}
	case SIO_TCP_SET_ACK_FREQUENCY: {
		TCP_ACK_FREQUENCY_PARAMETERS p;

		if (in == NULL || inlen < sizeof(p))
			return WSAEFAULT;
		if (!wsp_sock_is_stream(ws))
			return WSAEINVAL;
		memcpy(&p, in, sizeof(p));
		/* 0 gives the stack its own policy back. */
		return dp_sock_set_opt(ws->dp, DP_OPT_ACK_FREQ,
			p.TcpDelayedAckFrequency) == 0 ? 0 : WSAEINVAL;
	}
	case SIO_TCP_INFO:
		return wsp_stream_tcp_info(ws, in, inlen, out, outlen, ret);
	case SIO_TIMESTAMPING:
		return wsp_tstamp_config(ws, in, inlen);
	case SIO_GET_TX_TIMESTAMP:
		return wsp_tstamp_get_tx(ws, in, inlen, out, outlen, ret);
	case SIO_QUERY_TARGET_PNP_HANDLE:
	case SIO_ADDRESS_LIST_CHANGE:
	case SIO_EXT_SELECT:
		return WSAEOPNOTSUPP;
	default:
		return WSAEINVAL;
	}
}

/* Ws2_32's WSASendMsg: its error also in the output buffer, a DWORD
 * (0 on success), where Ws2_32 looks for it. */
static int
ext_sendmsg(SOCKET s, LPVOID in, DWORD inlen, LPVOID out, DWORD outlen,
		LPWSATHREADID tid, LPINT lpErrno)
{
	int ret = wsp_msg_ext_sendmsg(s, in, inlen, tid, lpErrno);
	DWORD code = ret == 0 ? 0 : (DWORD)*lpErrno;

	if (out != NULL && outlen >= sizeof(code))
		memcpy(out, &code, sizeof(code));
	return ret;
}

int WSPAPI
wsp_ioctl(SOCKET s, DWORD code, LPVOID in, DWORD inlen, LPVOID out,
		DWORD outlen, LPDWORD ret, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid,
		LPINT lpErrno)
{
	struct wsp_sock *ws;
	bool bsp_poll_ov;
	DWORD n = 0;
	int err;

	/* A send in disguise, with its own overlapped arguments; the
	 * caller reads its error from the output buffer (Microsoft's LSP
	 * sample, nonifslsp/extension.cpp ExtWSASendMsg). */
	if (code == SIO_EXT_SENDMSG)
		return ext_sendmsg(s, in, inlen, out, outlen, tid, lpErrno);
	/* A poll in disguise: it waits, it never completes overlapped. */
	if (code == SIO_EXT_POLL)
		return wsp_poll_ioctl(s, in, inlen, lpErrno);
	ws = wsp_sock_get(s, lpErrno);
	if (ws == NULL)
		return SOCKET_ERROR;
	/* WSAPoll and extension functions stay ours: they must see our
	 * handles. */
	if (wsp_ospath(ws) && (ov == NULL || !ws->overlapped) &&
			code != SIO_BSP_HANDLE_POLL &&
			code != SIO_GET_EXTENSION_FUNCTION_POINTER)
		return wsp_ospath_ioctl(ws, code, in, inlen, out, outlen, ret,
			tid, lpErrno);
	if (wsp_ospath(ws) && code != SIO_BSP_HANDLE_POLL &&
			code != SIO_GET_EXTENSION_FUNCTION_POINTER)
		return wsp_ospath_ioctl_ovl(ws, code, in, inlen, out, outlen,
			ret, ov, cr, tid, lpErrno);
	bsp_poll_ov = code == SIO_BSP_HANDLE_POLL && ov != NULL;
	if (!ws->overlapped) {
		ov = NULL;
		cr = NULL;
	}
	if (bsp_poll_ov || (ret == NULL && ov == NULL))
		err = WSAEFAULT;
	else
		err = ioctl_one(ws, code, in, inlen, out, outlen, &n);
	if (ret != NULL)
		*ret = n;
	/* Completion indicated for success only (see finish() in
	 * wsp_io.c). */
	if (ov != NULL && err == 0)
		wsp_ovl_complete(ws, ov, cr, tid, 0, n, 0);
	wsp_sock_put(ws);
	if (err != 0) {
		*lpErrno = err;
		return SOCKET_ERROR;
	}
	return 0;
}
