/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * udp_api: black-box tests of the provider's UDP sockets through the
 * Winsock API (tests/ws2), on the in-memory loop device: a frame sent to
 * our own address goes out on the wire and comes back in, so two of our
 * sockets talk to each other through the whole stack.
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

#include "wt_run.h"
#include "ws2.h"

#define UA_IP		0xc6120002u	/* 198.18.0.2: ours */
#define UA_FOREIGN	0xc6120063u	/* 198.18.0.99: on the subnet */
#define UA_BCAST	0xc61200ffu	/* 198.18.0.255: subnet broadcast */
#define UA_MCAST	0xef010203u	/* 239.1.2.3 */

/* Generous bound for anything that should happen "at once". */
#define UA_WAIT_MS	5000

#define UA_SA(sin)	((struct sockaddr *)&(sin))
#define UA_SIN_LEN	((int)sizeof(struct sockaddr_in))

/* An AF_INET address, host byte order in. */
struct sockaddr_in ua_sin(uint32_t ip, uint16_t port);

/* A new UDP socket (overlapped-capable, as socket() makes them). */
SOCKET ua_udp(void);

/* A UDP socket bound to 198.18.0.2:ephemeral; *name (may be NULL)
 * receives the address. */
SOCKET ua_bound(struct sockaddr_in *name);

/* Send len bytes from tx to `to` and wait (bounded) until rx, the
 * socket bound there, is readable; asserts both. */
void ua_send_wait(SOCKET tx, SOCKET rx, const struct sockaddr_in *to,
		const void *buf, int len);

/* Close, asserting success. */
void ua_close(SOCKET s);

/* A port nothing is bound to (bound once, then closed). */
uint16_t ua_closed_port(void);

/* Wait (up to ms) until s is readable; true if it is. */
bool ua_readable(SOCKET s, unsigned int ms);

/* Receive one datagram, waiting up to ms for it; the length or -1. */
int ua_recv(SOCKET s, char *buf, int len, struct sockaddr_in *from,
		unsigned int ms);

/* Set an int-sized option, asserting success. */
void ua_setopt_int(SOCKET s, int level, int name, int v);

/* Set FIONBIO. */
void ua_nonblocking(SOCKET s, bool on);

/* Milliseconds since an arbitrary start (monotonic). */
double ua_ms(void);

/*
 * A counter of this socket's /wspdk/sockets telemetry entry (found by its
 * local address), or UINT64_MAX if the entry or key is missing.
 */
uint64_t ua_sock_counter(SOCKET s, const char *key);

/* The catalog entry for UDP (the one socket(AF_INET, SOCK_DGRAM, 0)
 * picks). */
const WSAPROTOCOL_INFOW *ua_udp_entry(void);

/*
 * Assertions that name the Winsock code actually seen. UA_FAILS checks a
 * call returned SOCKET_ERROR (or INVALID_SOCKET) with exactly the given
 * WSAGetLastError(); UA_OK checks it did not fail.
 */
void ua_check_fail(long long ret, int want, const char *expr,
		const char *file, unsigned int line);
void ua_check_ok(long long ret, const char *expr, const char *file,
		unsigned int line);
#define UA_FAILS(expr, code) \
	ua_check_fail((long long)(expr), (code), #expr, __FILE__, __LINE__)
#define UA_OK(expr) \
	ua_check_ok((long long)(expr), #expr, __FILE__, __LINE__)
/*
 * The same for a proc-table call that reports through an LPINT. The
 * code is read through a pointer: an argument holding its value could be
 * evaluated before the call stores it.
 */
void ua_check_wsp(int ret, const int *err, int want, const char *expr,
		const char *file, unsigned int line);
#define UA_WSP_FAILS(expr, err, code) \
	ua_check_wsp((int)(expr), &(err), (code), #expr, __FILE__, __LINE__)

/*
 * Runner support: reserve hugepages, select the loop device, WSAStartup.
 * Prints why and returns -1 on failure.
 */
int ua_startup(void);

/* Suite clean-up: 0 if no socket handle is left open. */
int ua_suite_clean(void);

/*
 * Run the suites (wt_run_suites) and, if a suite did not already,
 * WSACleanup. Returns the exit status.
 */
int ua_run(int argc, char **argv, const struct wt_suite *const *suites);

/* Suites (one or more per test file); each one's clean is
 * ua_suite_clean. */
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
extern const struct wt_suite test_udp_overlapped_suite;
extern const struct wt_suite test_udp_pool_suite;
extern const struct wt_suite test_udp_cleanup_suite;
/* Last: takes Winsock down for good and checks nothing leaked. */
extern const struct wt_suite test_udp_final_suite;

#endif /* _UDP_API_H_ */
