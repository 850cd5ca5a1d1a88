/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * udp_api: black-box tests of the provider's UDP sockets through the
 * Winsock API (tests/ws2), on the in-memory loop device (pt.h has the
 * helpers every provider API test shares).
 *
 * Each test_udp_*.c file exports its suites (struct wt_suite); the two
 * runners (test_udp_api.c and test_udp_threads.c) start Winsock once and
 * run them.
 *
 * Like every Winsock program, these files include ws2.h and never
 * <sys/socket.h>.
 */
#ifndef _UDP_API_H_
#define _UDP_API_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pt.h"

#define UA_BCAST	0xc61200ffu	/* 198.18.0.255: subnet broadcast */
#define UA_MCAST	0xef010203u	/* 239.1.2.3 */

/* A new UDP socket (overlapped-capable, as socket() makes them). */
SOCKET ua_udp(void);

/* A UDP socket bound to 198.18.0.2:ephemeral; *name (may be NULL)
 * receives the address. */
SOCKET ua_bound(struct sockaddr_in *name);

/* Send len bytes from tx to `to` and wait (bounded) until rx, the
 * socket bound there, is readable; asserts both. */
void ua_send_wait(SOCKET tx, SOCKET rx, const struct sockaddr_in *to,
		const void *buf, int len);

/* A port nothing is bound to (bound once, then closed). */
uint16_t ua_closed_port(void);

/* Receive one datagram, waiting up to ms for it; the length or -1. */
int ua_recv(SOCKET s, char *buf, int len, struct sockaddr_in *from,
		unsigned int ms);

/* The catalog entry for UDP (the one socket(AF_INET, SOCK_DGRAM, 0)
 * picks). */
const WSAPROTOCOL_INFOW *ua_udp_entry(void);

/* pt_startup, then check the catalog has a UDP entry; 0 or -1. */
int ua_startup(void);

/* Suites (one or more per test file); each one's clean is
 * pt_suite_clean. */
extern const struct wt_suite test_udp_socket_suite;
extern const struct wt_suite test_udp_bind_suite;
extern const struct wt_suite test_udp_connect_names_suite;
extern const struct wt_suite test_udp_shutdown_close_suite;
extern const struct wt_suite test_udp_send_suite;
extern const struct wt_suite test_udp_recv_suite;
extern const struct wt_suite test_udp_sockopt_suite;
extern const struct wt_suite test_udp_ioctl_suite;
extern const struct wt_suite test_udp_select_suite;
extern const struct wt_suite test_udp_address_strings_suite;
extern const struct wt_suite test_udp_semantics_suite;
extern const struct wt_suite test_udp_icmp_suite;
extern const struct wt_suite test_udp_blocking_suite;
extern const struct wt_suite test_udp_select_wait_suite;
extern const struct wt_suite test_udp_threads_suite;
extern const struct wt_suite test_udp_wake_suite;
extern const struct wt_suite test_udp_overlapped_suite;
extern const struct wt_suite test_udp_ovl_many_suite;
extern const struct wt_suite test_udp_pool_suite;
extern const struct wt_suite test_udp_cleanup_suite;
/* Last: takes Winsock down for good and checks nothing leaked. */
extern const struct wt_suite test_udp_final_suite;

#endif /* _UDP_API_H_ */
