/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers of the framework replays (fw.h).
 */
#include <string.h>

#include <CUnit/CUnit.h>

#include "fw.h"

SOCKET
fw_udp(uint16_t port)
{
	struct sockaddr_in sin = pt_sin(PT_IP, port);
	SOCKET s = WSASocketW(AF_INET, SOCK_DGRAM, IPPROTO_UDP, NULL, 0,
			      WSA_FLAG_OVERLAPPED);

	CU_ASSERT_NOT_EQUAL_FATAL(s, INVALID_SOCKET);
	PT_OK(bind(s, PT_SA(sin), PT_SIN_LEN));
	return s;
}

void
fw_send(SOCKET s, uint16_t port, int len)
{
	struct sockaddr_in to = pt_sin(PT_IP, port);
	static char buf[2048];

	memset(buf, 'x', sizeof(buf));
	CU_ASSERT_EQUAL(sendto(s, buf, len, 0, PT_SA(to), PT_SIN_LEN), len);
}

BOOL
fw_gqcs(HANDLE port, DWORD ms, DWORD *bytes, ULONG_PTR *key,
	LPOVERLAPPED *ov, DWORD *err)
{
	BOOL ok = GetQueuedCompletionStatus(port, bytes, key, ov, ms);

	*err = ok ? 0 : GetLastError();
	return ok;
}

void
fw_no_packet(HANDLE port)
{
	LPOVERLAPPED ov;
	ULONG_PTR key;
	DWORD bytes, err;

	CU_ASSERT_FALSE(fw_gqcs(port, FW_QUIET_MS, &bytes, &key, &ov, &err));
	CU_ASSERT_PTR_NULL(ov);
	CU_ASSERT_EQUAL(err, WAIT_TIMEOUT);
}
