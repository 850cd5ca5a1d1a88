/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tcp_api: black-box tests of the provider's TCP sockets through the
 * Winsock API (tests/ws2). The loop runner talks to itself: both ends
 * of a connection are ours (198.18.0.2), every segment going out on the
 * in-memory loop device and coming back in. The kernel runner talks to
 * Linux over the tap in a namespace of its own (test_tcp_kernel.c).
 *
 * Each test_tcp_*.c file exports its suites; pt.h has the helpers every
 * provider API test shares.
 */
#ifndef _TCP_API_H_
#define _TCP_API_H_

#include <stdbool.h>
#include <stdint.h>

#include "pt.h"

/* A new TCP socket (overlapped-capable, as socket() makes them). */
SOCKET ta_tcp(void);

/* A TCP socket bound to 198.18.0.2:ephemeral and listening; *name (may
 * be NULL) receives its address. */
SOCKET ta_listener(struct sockaddr_in *name);

/* A connection through the stack to itself: *cli connected to *srv,
 * which the listener accepted (the listener is closed again). */
void ta_pair(SOCKET *cli, SOCKET *srv);

/* The same with SO_RCVBUF rcvbuf on *srv from the start (0: default). */
void ta_pair_rcvbuf(SOCKET *cli, SOCKET *srv, int rcvbuf);

/* A port of ours nothing listens on. */
uint16_t ta_closed_port(void);

/* Send all len bytes (blocking); asserts. */
void ta_send_all(SOCKET s, const char *buf, int len);

/* Receive until len bytes, end of stream or error, each wait up to ms;
 * the bytes got, or -1 if the first receive failed. */
int ta_recv_n(SOCKET s, char *buf, int len, unsigned int ms);

/* select() on one socket and one set (0 read, 1 write, 2 except),
 * waiting up to ms; true if it is in the set. */
bool ta_ready(SOCKET s, int set, unsigned int ms);

/* getsockopt of an int-sized option (asserts success). */
int ta_getopt_int(SOCKET s, int level, int name);

/* Set SO_LINGER. */
void ta_linger(SOCKET s, unsigned int onoff, unsigned int secs);

/* Byte i of the test stream (both sides can check it). */
static inline char
ta_byte(uint64_t i)
{
	return (char)((i * 131 + (i >> 9)) & 0xff);
}

/* Send the test stream's bytes [0, n) on s as a Windows application
 * sends without a copy (tcp_zc_util.c): SO_SNDBUF 0, 8 overlapped
 * WSASends of 3 odd-sized WSABUFs outstanding through a completion port,
 * each buffer scribbled over and freed at its completion. pump(arg), if
 * given, runs between looks at the port (a receiver in this thread).
 * Returns the bytes completed; *bad counts completions that were not
 * once, whole and successful. */
int64_t ta_zc_send(SOCKET s, uint64_t n, void (*pump)(void *), void *arg,
		unsigned int *bad);

/* The catalog entry for TCP. */
const WSAPROTOCOL_INFOW *ta_tcp_entry(void);

/* A runner's leading count argument ("test_tcp_many 500"): taken off
 * argv (the test filters follow it) into *n, left as it was if absent. */
void ta_count_arg(int *argc, char ***argv, unsigned long *n);

extern const struct wt_suite test_tcp_socket_suite;
extern const struct wt_suite test_tcp_connect_suite;
extern const struct wt_suite test_tcp_listen_accept_suite;
extern const struct wt_suite test_tcp_data_suite;
extern const struct wt_suite test_tcp_close_suite;
extern const struct wt_suite test_tcp_options_suite;
extern const struct wt_suite test_tcp_overlapped_suite;
extern const struct wt_suite test_tcp_ovl_suite;
extern const struct wt_suite test_tcp_info_suite;
extern const struct wt_suite test_tcp_waitall_suite;
extern const struct wt_suite test_tcp_oob_suite;

#endif /* _TCP_API_H_ */
