/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Address text parsing shared by the configuration and by
 * WSPStringToAddress/WSPAddressToString. Only the strict dotted-quad form
 * is accepted: "10.1" or "010.0.0.1" are ambiguous across stacks, and
 * configuration must never guess.
 */
#include <ctype.h>
#include <stdio.h>

#include "wsp_inet.h"

int
wsp_inet_parse4(const char *s, uint32_t *ip, const char **end)
{
	uint32_t v = 0;

	for (int part = 0; part < 4; part++) {
		unsigned int n = 0, digits = 0;

		if (part > 0) {
			if (*s != '.')
				return -1;
			s++;
		}
		while (isdigit((unsigned char)*s)) {
			if (digits == 1 && n == 0)
				return -1;	/* leading zero */
			n = n * 10 + (unsigned int)(*s - '0');
			if (++digits > 3 || n > 255)
				return -1;
			s++;
		}
		if (digits == 0)
			return -1;
		v = v << 8 | n;
	}
	*ip = v;
	if (end != NULL)
		*end = s;
	return 0;
}

int
wsp_inet_format4(uint32_t ip, char *buf, size_t len)
{
	return snprintf(buf, len, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff,
		(ip >> 8) & 0xff, ip & 0xff);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
wsp_inet_parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		int hi = hexval(s[0]), lo = hexval(s[1]);

		if (hi < 0 || lo < 0)
			return -1;
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i < 5) {
			if (*s != ':' && *s != '-')
				return -1;
			s++;
		}
	}
	return *s == '\0' ? 0 : -1;
}
