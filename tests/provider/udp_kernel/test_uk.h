/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Suites of the udp_kernel runner and the helpers they share (Winsock
 * side: includes ws2.h, so no <sys/socket.h> here; see uk.h).
 */
#ifndef _TEST_UK_H_
#define _TEST_UK_H_

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "uk.h"
#include "wt.h"
#include "pt.h"

/* Bring the provider up on its default tap and configure the kernel
 * side of the wire; 0 or -1 (reason printed). */
int ukt_up(void);
/* WSACleanup; 0 or -1. */
int ukt_down(void);

/* A UDP socket bound to 0.0.0.0:port (0: ephemeral), or INVALID_SOCKET. */
SOCKET ukt_udp(uint16_t port);
/* An IPv4 socket address. */
struct sockaddr_in ukt_sin(const char *ip, uint16_t port);
/* Set an int-valued SOL_SOCKET option; 0 or the WSA error. */
int ukt_opt(SOCKET s, int name, int v);
/* Set SO_LINGER; 0 or the WSA error. */
int ukt_linger(SOCKET s, unsigned int onoff, unsigned int secs);

/*
 * Fill buf with sink datagram seq (kpeer.py: 4-byte big-endian seq, then
 * byte i = (seq * 7 + i) & 0xff); len >= 4.
 */
void ukt_sink_payload(uint8_t *buf, uint32_t seq, uint32_t len);

/* ---- /wspdk/stats snapshots ---- */

#define UKT_STATS_MAX	160

struct ukt_stats {
	unsigned int n;
	char name[UKT_STATS_MAX][40];
	uint64_t v[UKT_STATS_MAX];
};

/* Every "name": number of /wspdk/stats; 0 or -1. */
int ukt_stats_read(struct ukt_stats *s);
/* One counter of a snapshot (0 if absent). */
uint64_t ukt_stats_get(const struct ukt_stats *s, const char *name);

/* Parse "key=<u64>" out of a summary line; 0 or -1. */
int ukt_field(const char *line, const char *key, uint64_t *v);

/* Suites. */
extern const struct wt_suite test_uk_interop_suite;
extern const struct wt_suite test_uk_flush_suite;
extern const struct wt_suite test_uk_malformed_suite;
extern const struct wt_suite test_uk_rtt_suite;

#endif /* _TEST_UK_H_ */
