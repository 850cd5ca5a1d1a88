/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wsp_catalog.c: wspdk's WSAPROTOCOL_INFOW catalog entries.
 */

#include <string.h>

#include "wsp_catalog.h"

const GUID wsp_provider_guid = {
	0xb2b2906c, 0x5661, 0x45a3,
	{ 0x93, 0xa7, 0x2d, 0xca, 0x22, 0x46, 0x41, 0x3a }
};

/*
 * WCHAR is 16-bit on both platforms but wchar_t is 32-bit on Linux, so L""
 * literals cannot be used: widen ASCII by hand.
 */
static void
ascii_to_wchar(WCHAR *dst, size_t dst_len, const char *src)
{
	size_t i;

	for (i = 0; i + 1 < dst_len && src[i] != '\0'; i++)
		dst[i] = (WCHAR)(unsigned char)src[i];
	dst[i] = 0;
}

static void
fill_entry(WSAPROTOCOL_INFOW *pi, int type, int protocol, DWORD xp1,
	   DWORD msg_size, const char *name)
{
	memset(pi, 0, sizeof(*pi));
	/*
	 * No XP1_IFS_HANDLES: our sockets are not kernel file handles (no
	 * driver stands behind them), so every handle comes from
	 * WPUCreateSocketHandle, and the flag would tell Ws2_32 and
	 * frameworks (libuv reads it through SO_PROTOCOL_INFOW) that
	 * ReadFile, CancelIoEx and AFD polling work on them natively
	 * (winsock-spi.md 3.1, 3.5).
	 */
	pi->dwServiceFlags1 = xp1;
	pi->dwProviderFlags = PFL_MATCHES_PROTOCOL_ZERO;
	pi->ProviderId = wsp_provider_guid;
	pi->ProtocolChain.ChainLen = BASE_PROTOCOL;
	pi->iVersion = 2;
	pi->iAddressFamily = AF_INET;
	pi->iMaxSockAddr = 16;		/* sizeof(struct sockaddr_in) */
	pi->iMinSockAddr = 16;
	pi->iSocketType = type;
	pi->iProtocol = protocol;
	pi->iNetworkByteOrder = BIGENDIAN;
	pi->iSecurityScheme = SECURITY_PROTOCOL_NONE;
	pi->dwMessageSize = msg_size;
	ascii_to_wchar(pi->szProtocol, WSAPROTOCOL_LEN + 1, name);
}

unsigned
wsp_catalog_entries(WSAPROTOCOL_INFOW *out, unsigned n)
{
	WSAPROTOCOL_INFOW all[WSP_CATALOG_NB_ENTRIES];
	unsigned i;

	/* 65527 = 65535 - 8 (UDP header), the largest UDP payload. No
	 * XP1_SUPPORT_MULTIPOINT: it promises WSAJoinLeaf, a stub here;
	 * IP multicast through setsockopt needs no flag. */
	fill_entry(&all[0], SOCK_DGRAM, IPPROTO_UDP,
		   XP1_CONNECTIONLESS | XP1_MESSAGE_ORIENTED |
		   XP1_SUPPORT_BROADCAST, 65527, "wspdk [UDP/IP]");
	/* No XP1_EXPEDITED_DATA: MSG_OOB is refused (WSAEOPNOTSUPP). */
	fill_entry(&all[1], SOCK_STREAM, IPPROTO_TCP,
		   XP1_GUARANTEED_DELIVERY | XP1_GUARANTEED_ORDER |
		   XP1_GRACEFUL_CLOSE, 0, "wspdk [TCP/IP]");

	for (i = 0; i < n && i < WSP_CATALOG_NB_ENTRIES; i++)
		out[i] = all[i];
	return WSP_CATALOG_NB_ENTRIES;
}

bool
wsp_catalog_served(const WSAPROTOCOL_INFOW *e)
{
	if (e->iAddressFamily != AF_INET)
		return false;
	return (e->iSocketType == SOCK_DGRAM && e->iProtocol == IPPROTO_UDP) ||
		(e->iSocketType == SOCK_STREAM && e->iProtocol == IPPROTO_TCP);
}
