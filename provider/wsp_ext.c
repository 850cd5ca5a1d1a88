/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The extension-function registry and the interface queries.
 *
 * One table maps each extension GUID we know to our function, or to none
 * yet: a known function we do not implement fails WSAEOPNOTSUPP ("the
 * specified IOCTL command cannot be realized", WSAIoctl), a GUID we do
 * not know WSAEINVAL (not a valid command). A new function is one line.
 */
#include <stddef.h>
#include <string.h>

#include "wsp_addr.h"
#include "wsp_error.h"
#include "wsp_ext.h"
#include "wsp_sock.h"

typedef void (*wsp_ext_fn)(void);

struct ext {
	GUID id;
	wsp_ext_fn fn;		/* NULL: known, not implemented yet */
};

#define EXT(guid, fn)	{ guid, (wsp_ext_fn)(fn) }

static const struct ext exts[] = {
	EXT(WSAID_WSARECVMSG, wsp_recv_msg),
	EXT(WSAID_WSASENDMSG, wsp_send_msg),
	/* TCP's (wsp_ext_tcp.c) */
	EXT(WSAID_ACCEPTEX, wsp_accept_ex),
	EXT(WSAID_CONNECTEX, wsp_connect_ex),
	EXT(WSAID_DISCONNECTEX, wsp_disconnect_ex),
	EXT(WSAID_GETACCEPTEXSOCKADDRS, wsp_get_acceptex_sockaddrs),
	EXT(WSAID_TRANSMITFILE, wsp_transmit_file),
	EXT(WSAID_TRANSMITPACKETS, wsp_transmit_packets),
	EXT(WSAID_WSAPOLL, wsp_poll),
};

int
wsp_ext_function(struct wsp_sock *ws, LPVOID in, DWORD inlen, LPVOID out,
		DWORD outlen, LPDWORD ret)
{
	GUID id;

	(void)ws;
	if (in == NULL || inlen < sizeof(id))
		return WSAEFAULT;
	memcpy(&id, in, sizeof(id));
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		if (memcmp(&exts[i].id, &id, sizeof(id)) != 0)
			continue;
		if (exts[i].fn == NULL)
			return WSAEOPNOTSUPP;
		if (out == NULL || outlen < sizeof(exts[i].fn))
			return WSAEFAULT;
		memcpy(out, &exts[i].fn, sizeof(exts[i].fn));
		*ret = sizeof(exts[i].fn);
		return 0;
	}
	return WSAEINVAL;
}

/* Our address as a sockaddr_in, port 0. */
static void
local_sin(struct sockaddr_in *sin)
{
	uint32_t ip, mtu;
	uint8_t prefix;

	dp_sock_local_if(&ip, &prefix, &mtu);
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(ip);
}

/* Every destination leaves through our one interface. Another family
 * is an input WSAIoctl does not accept: WSAEINVAL. */
int
wsp_ext_routing_query(LPVOID in, DWORD inlen, LPVOID out, DWORD outlen,
		LPDWORD ret)
{
	struct sockaddr_in sin;
	struct dp_addr dst;
	int err;

	err = wsp_addr_from_sa(in, (int)inlen, &dst);
	if (err != 0)
		return err == WSAEAFNOSUPPORT ? WSAEINVAL : err;
	if (out == NULL || outlen < sizeof(sin)) {
		*ret = sizeof(sin);
		return WSAEFAULT;
	}
	local_sin(&sin);
	memcpy(out, &sin, sizeof(sin));
	*ret = sizeof(sin);
	return 0;
}

/* A SOCKET_ADDRESS_LIST of our one address, the sockaddr after the list
 * in the same buffer (the caller gets one block to free). */
int
wsp_ext_address_list(LPVOID out, DWORD outlen, LPDWORD ret)
{
	const DWORD need = sizeof(SOCKET_ADDRESS_LIST) +
		sizeof(struct sockaddr_in);
	SOCKET_ADDRESS_LIST *l = out;
	struct sockaddr_in *sin;

	if (out == NULL || outlen < need) {
		*ret = need;
		return WSAEFAULT;
	}
	sin = (struct sockaddr_in *)(l + 1);
	local_sin(sin);
	l->iAddressCount = 1;
	l->Address[0].lpSockaddr = (LPSOCKADDR)sin;
	l->Address[0].iSockaddrLength = sizeof(*sin);
	*ret = need;
	return 0;
}
