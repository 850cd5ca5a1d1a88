/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ext_tcp: the TCP extension functions (AcceptEx, GetAcceptExSockaddrs,
 * ConnectEx, DisconnectEx, TransmitFile, TransmitPackets) and the
 * SO_UPDATE_*_CONTEXT options, black-box through the stand-in's Winsock
 * API and completion ports, on the loop device (our stack talking to
 * itself). OVERLAPPEDs live in static storage: a late completion after
 * a failed assertion must not write into a dead stack frame.
 */
#ifndef _EXT_TCP_H_
#define _EXT_TCP_H_

#include "fw.h"		/* fw_gqcs, fw_no_packet */
#include "tcp_api.h"

/* An address slot AcceptEx accepts: sizeof(sockaddr_in) + 16. */
#define ET_SLOT		32

/* The functions, from SIO_GET_EXTENSION_FUNCTION_POINTER (et_load). */
struct et_fns {
	LPFN_ACCEPTEX accept_ex;
	LPFN_GETACCEPTEXSOCKADDRS sockaddrs;
	LPFN_CONNECTEX connect_ex;
	LPFN_DISCONNECTEX disconnect_ex;
	LPFN_TRANSMITFILE transmit_file;
	LPFN_TRANSMITPACKETS transmit_packets;
};
extern struct et_fns et;

/* Suite init: load et through a TCP socket; 0 or -1. */
int et_load(void);

/* An extension call returned FALSE with exactly WSAGetLastError() code
 * (WSA_IO_PENDING: it was started). */
void et_check_false(BOOL ret, int want, const char *expr, const char *file,
		unsigned int line);
#define ET_FAILS(expr, code) \
	et_check_false((expr), (code), #expr, __FILE__, __LINE__)
#define ET_PENDS(expr)	ET_FAILS(expr, WSA_IO_PENDING)

/* Wait up to ms for ov's operation on s: its error (0 on success) and
 * *bytes; WSA_IO_INCOMPLETE if it is still pending then. */
DWORD et_result(SOCKET s, LPWSAOVERLAPPED ov, DWORD *bytes, unsigned int ms);

/* A TCP socket bound to our address, an ephemeral port; its name. */
SOCKET et_bound(struct sockaddr_in *name);

/* Same address and port. */
bool et_same_sin(const struct sockaddr *a, const struct sockaddr_in *b);

extern const struct wt_suite test_ext_tcp_accept_suite;
extern const struct wt_suite test_ext_tcp_connect_suite;
extern const struct wt_suite test_ext_tcp_transmit_suite;
extern const struct wt_suite test_ext_tcp_asio_suite;
extern const struct wt_suite test_ext_tcp_update_suite;

#endif /* _EXT_TCP_H_ */
