/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ws2_addr.c: address <-> string conversions, AF_INET only.
 *
 * Ws2_32 implements inet_pton/inet_ntop/inet_addr itself; WSAStringToAddress
 * and WSAAddressToString go to the first provider of the family, which on
 * a stock system is MSAFD.  Here all of them are local, with MSAFD's
 * AF_INET behaviour, so they work without our provider and do not depend
 * on its WSPAddressToString (tested through the proc table instead).
 * AF_INET6 is not supported: WSAEAFNOSUPPORT / WSAEINVAL.
 */

#include <stdio.h>
#include <string.h>

#include "ws2_priv.h"

#define ADDR_STR_MAX	sizeof("255.255.255.255:65535")

/*
 * inet_aton syntax: 1 to 4 parts, each decimal, 0octal or 0xhex; the last
 * part fills the remaining bytes.  Stops at '\0' or ':'.
 */
static int
parse_aton(const char *s, const char **end, uint32_t *host)
{
	unsigned long long part[4];
	unsigned n = 0, base, digit;
	int i;

	for (;;) {
		if (*s < '0' || *s > '9')
			return -1;
		base = 10;
		if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
			base = 16;
			s += 2;
		} else if (s[0] == '0') {
			base = 8;
		}
		part[n] = 0;
		for (i = 0;; i++, s++) {
			if (*s >= '0' && *s <= '9')
				digit = (unsigned)(*s - '0');
			else if (base == 16 && *s >= 'a' && *s <= 'f')
				digit = (unsigned)(*s - 'a' + 10);
			else if (base == 16 && *s >= 'A' && *s <= 'F')
				digit = (unsigned)(*s - 'A' + 10);
			else
				break;
			if (digit >= base || part[n] > 0xffffffffull)
				return -1;
			part[n] = part[n] * base + digit;
		}
		if (i == 0 && base == 16)
			return -1;
		n++;
		if (*s != '.')
			break;
		if (n == 4)
			return -1;
		s++;
	}
	for (i = 0; i < (int)n - 1; i++)
		if (part[i] > 0xff)
			return -1;
	if (part[n - 1] > (0xffffffffull >> (8 * (n - 1))))
		return -1;
	*host = (uint32_t)part[n - 1];
	for (i = 0; i < (int)n - 1; i++)
		*host |= (uint32_t)part[i] << (24 - 8 * i);
	*end = s;
	return 0;
}

/* inet_pton syntax: exactly 4 decimal parts, no leading zeros. */
static int
parse_quad(const char *s, uint32_t *host)
{
	const char *start;
	unsigned n, v;

	*host = 0;
	for (n = 0; n < 4; n++) {
		if (n > 0 && *s++ != '.')
			return -1;
		for (v = 0, start = s; *s >= '0' && *s <= '9'; s++)
			v = v * 10 + (unsigned)(*s - '0');
		if (s == start || s - start > 3 || v > 255 ||
		    (s - start > 1 && *start == '0'))
			return -1;
		*host = *host << 8 | v;
	}
	return *s == '\0' ? 0 : -1;
}

int WSAAPI
ws2_inet_pton(int af, const char *src, void *dst)
{
	uint32_t host;
	u_long net;

	if (af != AF_INET) {
		ws2_fail(WSAEAFNOSUPPORT);
		return -1;
	}
	if (src == NULL || dst == NULL) {
		ws2_fail(WSAEFAULT);
		return -1;
	}
	if (parse_quad(src, &host) != 0)
		return 0;
	net = htonl(host);
	memcpy(dst, &net, sizeof(net));
	return 1;
}

const char *WSAAPI
ws2_inet_ntop(int af, const void *src, char *dst, size_t size)
{
	const u_char *b = src;
	char tmp[INET_ADDRSTRLEN];

	if (af != AF_INET) {
		ws2_fail(WSAEAFNOSUPPORT);
		return NULL;
	}
	if (src == NULL || dst == NULL) {
		ws2_fail(WSA_INVALID_PARAMETER);
		return NULL;
	}
	snprintf(tmp, sizeof(tmp), "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	if (strlen(tmp) + 1 > size) {
		ws2_fail(WSA_INVALID_PARAMETER);
		return NULL;
	}
	return strcpy(dst, tmp);
}

u_long WSAAPI
ws2_inet_addr(const char *cp)
{
	const char *end;
	uint32_t host;

	if (cp == NULL || parse_aton(cp, &end, &host) != 0 ||
	    (*end != '\0' && *end != ' '))
		return INADDR_NONE;
	return htonl(host);
}

INT WSAAPI
WSAStringToAddressA(LPSTR str, INT af, LPWSAPROTOCOL_INFOA info,
		    LPSOCKADDR addr, LPINT len)
{
	struct sockaddr_in sin;
	const char *end;
	uint32_t host;
	unsigned long port = 0;

	if (!ws2_started())
		return ws2_fail(WSANOTINITIALISED);
	if (str == NULL || addr == NULL || len == NULL)
		return ws2_fail(WSAEFAULT);
	if (af != AF_INET)
		return ws2_fail(WSAEINVAL);
	if (*len < (int)sizeof(sin)) {
		*len = sizeof(sin);
		return ws2_fail(WSAEFAULT);
	}
	if (parse_aton(str, &end, &host) != 0)
		return ws2_fail(WSAEINVAL);
	if (*end == ':') {
		if (*++end == '\0')
			return ws2_fail(WSAEINVAL);
		for (; *end >= '0' && *end <= '9' && port <= 0xffff; end++)
			port = port * 10 + (unsigned long)(*end - '0');
		if (port > 0xffff)
			return ws2_fail(WSAEINVAL);
	}
	if (*end != '\0')
		return ws2_fail(WSAEINVAL);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((u_short)port);
	sin.sin_addr.s_addr = htonl(host);
	memcpy(addr, &sin, sizeof(sin));
	*len = sizeof(sin);
	return 0;
}

INT WSAAPI
WSAStringToAddressW(LPWSTR str, INT af, LPWSAPROTOCOL_INFOW info,
		    LPSOCKADDR addr, LPINT len)
{
	char a[64];
	size_t i;

	if (str == NULL)
		return WSAStringToAddressA(NULL, af, NULL, addr, len);
	for (i = 0; i + 1 < sizeof(a) && str[i] != 0; i++)
		/* Non-ASCII can never be valid: make it fail the parse. */
		a[i] = str[i] < 0x80 ? (char)str[i] : '?';
	a[i] = '\0';
	if (str[i] != 0)
		a[0] = '?';
	return WSAStringToAddressA(a, af, NULL, addr, len);
}

INT WSAAPI
WSAAddressToStringA(LPSOCKADDR addr, DWORD addr_len,
		    LPWSAPROTOCOL_INFOA info, LPSTR buf, LPDWORD buf_len)
{
	struct sockaddr_in sin;
	char tmp[ADDR_STR_MAX];
	const u_char *b;
	DWORD n;

	if (!ws2_started())
		return ws2_fail(WSANOTINITIALISED);
	if (addr == NULL || buf_len == NULL || addr_len < sizeof(sin))
		return ws2_fail(WSAEFAULT);
	memcpy(&sin, addr, sizeof(sin));
	if (sin.sin_family != AF_INET)
		return ws2_fail(WSAEINVAL);
	b = (const u_char *)&sin.sin_addr;
	if (sin.sin_port != 0)
		snprintf(tmp, sizeof(tmp), "%u.%u.%u.%u:%u", b[0], b[1], b[2],
			 b[3], ntohs(sin.sin_port));
	else
		snprintf(tmp, sizeof(tmp), "%u.%u.%u.%u", b[0], b[1], b[2],
			 b[3]);
	n = (DWORD)strlen(tmp) + 1;
	if (buf == NULL || *buf_len < n) {
		*buf_len = n;
		return ws2_fail(WSAEFAULT);
	}
	memcpy(buf, tmp, n);
	*buf_len = n;
	return 0;
}

INT WSAAPI
WSAAddressToStringW(LPSOCKADDR addr, DWORD addr_len,
		    LPWSAPROTOCOL_INFOW info, LPWSTR buf, LPDWORD buf_len)
{
	char tmp[ADDR_STR_MAX];
	DWORD n = sizeof(tmp), i;

	if (buf_len == NULL)
		return ws2_fail(WSAEFAULT);
	if (WSAAddressToStringA(addr, addr_len, NULL, tmp, &n) != 0)
		return SOCKET_ERROR;
	if (buf == NULL || *buf_len < n) {
		*buf_len = n;
		return ws2_fail(WSAEFAULT);
	}
	for (i = 0; i < n; i++)
		buf[i] = (WCHAR)(unsigned char)tmp[i];
	*buf_len = n;
	return 0;
}
