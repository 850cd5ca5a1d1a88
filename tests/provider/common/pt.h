/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pt: helpers shared by the provider's black-box tests through the
 * Winsock API (tests/ws2) on the in-memory loop device: a frame sent to
 * our own address goes out on the wire and comes back in, so two of our
 * sockets talk to each other through the whole stack.
 *
 * Like every Winsock program, users include ws2.h (through this header)
 * and never <sys/socket.h>.
 */
#ifndef _PT_H_
#define _PT_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wt_run.h"
#include "ws2.h"

#define PT_IP		0xc6120002u	/* 198.18.0.2: ours */
#define PT_FOREIGN	0xc6120063u	/* 198.18.0.99: on the subnet */

/* Generous bound for anything that should happen "at once". */
#define PT_WAIT_MS	5000

#define PT_SA(sin)	((struct sockaddr *)&(sin))
#define PT_SIN_LEN	((int)sizeof(struct sockaddr_in))

/* An AF_INET address, host byte order in. */
struct sockaddr_in pt_sin(uint32_t ip, uint16_t port);

/* A new socket of the type and protocol (overlapped-capable, as
 * socket() makes them); asserts success. */
SOCKET pt_socket(int type, int protocol);

/* A TCP socket listening on our address, ephemeral port; its name. */
SOCKET pt_listener(struct sockaddr_in *name);

/* The catalog entry for (SOCK_*, IPPROTO_*), or NULL. */
const WSAPROTOCOL_INFOW *pt_entry(int type, int protocol);

/* connect() with no name or a short one fails WSAEFAULT, with another
 * family WSAEAFNOSUPPORT (asserted). */
void pt_connect_bad_names_fail(SOCKET s);

/* Close, asserting success. */
void pt_close(SOCKET s);

/* Wait (up to ms) until s is readable; true if it is. */
bool pt_readable(SOCKET s, unsigned int ms);

/* Set an int-sized option, asserting success. */
void pt_setopt_int(SOCKET s, int level, int name, int v);

/* Set FIONBIO. */
void pt_nonblocking(SOCKET s, bool on);

/* Milliseconds since an arbitrary start (monotonic). */
double pt_ms(void);

/* getsockname (peer: getpeername), asserted to succeed. */
struct sockaddr_in pt_name_of(SOCKET s, bool peer);

/*
 * The flat /wspdk/sockets telemetry entry holding the text pat (say
 * "\"local\":\"198.18.0.2:5000\""), NUL-terminated in entry; false (entry
 * "") if there is none or it does not fit.
 */
bool pt_sock_entry(const char *pat, char *entry, size_t len);

/*
 * A counter of this socket's /wspdk/sockets telemetry entry (found by its
 * local address), or UINT64_MAX if the entry or key is missing.
 */
uint64_t pt_sock_counter(SOCKET s, const char *key);

/*
 * Assertions that name the Winsock code actually seen. PT_FAILS checks a
 * call returned SOCKET_ERROR (or INVALID_SOCKET) with exactly the given
 * WSAGetLastError(); PT_OK checks it did not fail.
 */
void pt_check_fail(long long ret, int want, const char *expr,
		const char *file, unsigned int line);
void pt_check_ok(long long ret, const char *expr, const char *file,
		unsigned int line);
#define PT_FAILS(expr, code) \
	pt_check_fail((long long)(expr), (code), #expr, __FILE__, __LINE__)
#define PT_OK(expr) \
	pt_check_ok((long long)(expr), #expr, __FILE__, __LINE__)
/*
 * The same for a proc-table call that reports through an LPINT. The
 * code is read through a pointer: an argument holding its value could be
 * evaluated before the call stores it.
 */
void pt_check_wsp(int ret, const int *err, int want, const char *expr,
		const char *file, unsigned int line);
#define PT_WSP_FAILS(expr, err, code) \
	pt_check_wsp((int)(expr), &(err), (code), #expr, __FILE__, __LINE__)

/*
 * Runner support: reserve hugepages, select the loop device, WSAStartup.
 * Prints why and returns -1 on failure.
 */
int pt_startup(void);

/*
 * The same on the provider's default device (its tap), then the kernel
 * side of the tap configured (wt_tap_kernel_up); for runners already in
 * a namespace of their own. Prints why and returns -1 on failure.
 */
int pt_tap_startup(const char *ifname, const char *mac, const char *cidr);

/* Suite clean-up: 0 if no socket handle is left open. */
int pt_suite_clean(void);

/*
 * Run the suites (wt_run_suites) and, if a suite did not already,
 * WSACleanup. Returns the exit status.
 */
int pt_run(int argc, char **argv, const struct wt_suite *const *suites);

#endif /* _PT_H_ */
