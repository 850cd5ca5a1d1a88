/* SPDX-License-Identifier: BSD-3-Clause */
/* Dotted-quad IPv4 text <-> host-order address, and MAC text. */
#ifndef _WSP_INET_H_
#define _WSP_INET_H_

#include <stddef.h>
#include <stdint.h>

/*
 * Parse "a.b.c.d" (four decimal parts 0..255, no leading zeros) from the
 * start of s; *end gets the first unparsed character. Returns 0 or -1.
 */
int wsp_inet_parse4(const char *s, uint32_t *ip, const char **end);

/* Format a host-order address; buf needs 16 bytes. Returns the length. */
int wsp_inet_format4(uint32_t ip, char *buf, size_t len);

/* Parse "aa:bb:cc:dd:ee:ff" (or '-' separated) exactly. Returns 0 or -1. */
int wsp_inet_parse_mac(const char *s, uint8_t mac[6]);

#endif /* _WSP_INET_H_ */
