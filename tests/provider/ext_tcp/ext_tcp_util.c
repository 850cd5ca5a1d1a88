/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers of the extension function tests (see ext_tcp.h). */
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "ext_tcp.h"

struct et_fns et;

static int
load_one(SOCKET s, GUID id, void *fn)
{
	DWORD ret = 0;

	return WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &id,
		sizeof(id), fn, sizeof(void *), &ret, NULL, NULL);
}

int
et_load(void)
{
	SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	int r = 0;

	if (s == INVALID_SOCKET)
		return -1;
	r |= load_one(s, (GUID)WSAID_ACCEPTEX, &et.accept_ex);
	r |= load_one(s, (GUID)WSAID_GETACCEPTEXSOCKADDRS, &et.sockaddrs);
	r |= load_one(s, (GUID)WSAID_CONNECTEX, &et.connect_ex);
	r |= load_one(s, (GUID)WSAID_DISCONNECTEX, &et.disconnect_ex);
	r |= load_one(s, (GUID)WSAID_TRANSMITFILE, &et.transmit_file);
	r |= load_one(s, (GUID)WSAID_TRANSMITPACKETS, &et.transmit_packets);
	closesocket(s);
	if (r != 0)
		fprintf(stderr, "extension functions: %d\n", WSAGetLastError());
	return r != 0 ? -1 : 0;
}

void
et_check_false(BOOL ret, int want, const char *expr, const char *file,
		unsigned int line)
{
	int got = WSAGetLastError();
	char msg[512];

	if (ret == FALSE && got == want) {
		CU_assertImplementation(CU_TRUE, line, expr, file, "",
			CU_FALSE);
		return;
	}
	snprintf(msg, sizeof(msg), "%s: returned %d, error %d, want FALSE "
		"with %d", expr, ret, got, want);
	CU_assertImplementation(CU_FALSE, line, msg, file, "", CU_FALSE);
}

DWORD
et_result(SOCKET s, LPWSAOVERLAPPED ov, DWORD *bytes, unsigned int ms)
{
	double end = pt_ms() + ms;
	DWORD flags = 0;

	*bytes = 0;
	for (;;) {
		if (WSAGetOverlappedResult(s, ov, bytes, FALSE, &flags))
			return 0;
		if (WSAGetLastError() != WSA_IO_INCOMPLETE ||
				pt_ms() >= end)
			return (DWORD)WSAGetLastError();
		SleepEx(1, FALSE);
	}
}

SOCKET
et_bound(struct sockaddr_in *name)
{
	struct sockaddr_in a = pt_sin(PT_IP, 0);
	int len = PT_SIN_LEN;
	SOCKET s = ta_tcp();

	CU_ASSERT_FATAL(bind(s, PT_SA(a), PT_SIN_LEN) == 0);
	CU_ASSERT_FATAL(getsockname(s, PT_SA(a), &len) == 0);
	if (name != NULL)
		*name = a;
	return s;
}

bool
et_same_sin(const struct sockaddr *a, const struct sockaddr_in *b)
{
	const struct sockaddr_in *x = (const struct sockaddr_in *)a;

	return a != NULL && x->sin_family == AF_INET &&
		x->sin_port == b->sin_port &&
		x->sin_addr.s_addr == b->sin_addr.s_addr;
}
