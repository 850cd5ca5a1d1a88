/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fw: framework replays.  Each test issues the Winsock and kernel32 calls
 * a framework's Windows backend issues, in its order, over the loop
 * device (pt.h), and checks what the framework checks.  Threading: one
 * test thread plus the provider's; the completion port is the stand-in's
 * (tests/ws2/ws2_iocp.c).
 */
#ifndef _FW_H_
#define _FW_H_

#include "pt.h"

/* Wait for nothing more than this when a packet must NOT come. */
#define FW_QUIET_MS	200

/* A UDP socket made as frameworks make theirs (WSASocketW with
 * WSA_FLAG_OVERLAPPED), bound to our address and port. */
SOCKET fw_udp(uint16_t port);

/* Send len bytes of 'x' from s to our address and port. */
void fw_send(SOCKET s, uint16_t port, int len);

/* One GetQueuedCompletionStatus; *err is GetLastError() after FALSE. */
BOOL fw_gqcs(HANDLE port, DWORD ms, DWORD *bytes, ULONG_PTR *key,
	LPOVERLAPPED *ov, DWORD *err);

/* Assert that no packet comes within FW_QUIET_MS. */
void fw_no_packet(HANDLE port);

extern const struct wt_suite test_fw_asio_suite;
extern const struct wt_suite test_fw_dotnet_suite;
extern const struct wt_suite test_fw_libuv_suite;
extern const struct wt_suite test_fw_asyncio_suite;
extern const struct wt_suite test_fw_libuv_tcp_suite;
extern const struct wt_suite test_fw_selector_suite;
extern const struct wt_suite test_fw_qt_suite;

#endif /* _FW_H_ */
