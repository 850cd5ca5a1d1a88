/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Addresses: sockaddr_in conversions for the socket calls, and
 * WSPAddressToString / WSPStringToAddress, which Ws2_32 routes to the
 * first provider of the family -- us, once we are ordered before MSAFD --
 * whenever an application passes no protocol info (winsock-spi.md §7.3).
 */
#include <stdio.h>
#include <string.h>

#include "wsp_addr.h"
#include "wsp_inet.h"
#include "wsp_priv.h"

#define SIN_LEN	((int)sizeof(struct sockaddr_in))

int
wsp_addr_from_sa(const struct sockaddr *sa, int len, struct dp_addr *a)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;

	if (sa == NULL || len < SIN_LEN)
		return WSAEFAULT;
	if (sin->sin_family != AF_INET)
		return WSAEAFNOSUPPORT;
	a->ip = ntohl(sin->sin_addr.s_addr);
	a->port = ntohs(sin->sin_port);
	return 0;
}

int
wsp_addr_to_sa(const struct dp_addr *a, struct sockaddr *sa, LPINT len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)sa;

	if (sa == NULL || len == NULL || *len < SIN_LEN)
		return WSAEFAULT;
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(a->ip);
	sin->sin_port = htons(a->port);
	*len = SIN_LEN;
	return 0;
}

INT WSPAPI
wsp_address_to_string(LPSOCKADDR sa, DWORD salen, LPWSAPROTOCOL_INFOW info,
		LPWSTR str, LPDWORD strsize, LPINT lpErrno)
{
	struct dp_addr a;
	char buf[32];
	int n, ret;

	ret = wsp_addr_from_sa(sa, salen > 0x7fffffff ? 0x7fffffff :
		(int)salen, &a);
	if (ret == WSAEAFNOSUPPORT)
		ret = WSAEINVAL;	/* this call's code for a bad family */
	if (ret == 0 && strsize == NULL)
		ret = WSAEFAULT;
	if (ret != 0) {
		*lpErrno = ret;
		return SOCKET_ERROR;
	}
	n = wsp_inet_format4(a.ip, buf, sizeof(buf));
	if (a.port != 0)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, ":%u", a.port);
	/* Lengths count WCHARs, the terminating NUL included. */
	if (str == NULL || *strsize < (DWORD)n + 1) {
		*strsize = (DWORD)n + 1;
		*lpErrno = WSAEFAULT;
		return SOCKET_ERROR;
	}
	for (int i = 0; i <= n; i++)
		str[i] = (WCHAR)(unsigned char)buf[i];
	*strsize = (DWORD)n + 1;
	return 0;
}

INT WSPAPI
wsp_string_to_address(LPWSTR str, INT af, LPWSAPROTOCOL_INFOW info,
		LPSOCKADDR sa, LPINT salen, LPINT lpErrno)
{
	struct dp_addr a = { 0, 0 };
	char buf[64];
	const char *end;
	size_t i;

	if (af != AF_INET) {
		*lpErrno = WSAEINVAL;
		return SOCKET_ERROR;
	}
	if (str == NULL || salen == NULL) {
		*lpErrno = WSAEFAULT;
		return SOCKET_ERROR;
	}
	if (*salen < SIN_LEN || sa == NULL) {
		*salen = SIN_LEN;
		*lpErrno = WSAEFAULT;
		return SOCKET_ERROR;
	}
	for (i = 0; i + 1 < sizeof(buf) && str[i] != 0; i++) {
		if (str[i] > 0x7f)
			goto bad;
		buf[i] = (char)str[i];
	}
	if (str[i] != 0)
		goto bad;
	buf[i] = '\0';
	if (wsp_inet_parse4(buf, &a.ip, &end) != 0)
		goto bad;
	if (*end == ':') {
		unsigned long p = 0;

		if (end[1] == '\0')
			goto bad;
		for (end++; *end >= '0' && *end <= '9'; end++) {
			p = p * 10 + (unsigned long)(*end - '0');
			if (p > 65535)
				goto bad;
		}
		a.port = (uint16_t)p;
	}
	if (*end != '\0')
		goto bad;
	return wsp_addr_to_sa(&a, sa, salen) == 0 ? 0 : SOCKET_ERROR;
bad:
	*lpErrno = WSAEINVAL;
	return SOCKET_ERROR;
}
