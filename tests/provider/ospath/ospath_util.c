/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers of the OS path's tests (see ospath_util.h). */
#include "ospath_util.h"

SOCKET
ou_udp_bound(uint32_t ip, struct sockaddr_in *name)
{
	SOCKET s = pt_socket(SOCK_DGRAM, IPPROTO_UDP);
	struct sockaddr_in sin = pt_sin(ip, 0);

	PT_OK(bind(s, PT_SA(sin), PT_SIN_LEN));
	if (name != NULL)
		*name = pt_name_of(s, false);
	return s;
}

void *
ou_ext_fn(SOCKET s, GUID id)
{
	void *fn = NULL;
	DWORD ret = 0;

	PT_OK(WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &id,
		sizeof(id), &fn, sizeof(fn), &ret, NULL, NULL));
	CU_ASSERT_PTR_NOT_NULL_FATAL(fn);
	return fn;
}

void
ou_no_second_signal(WSAEVENT ev)
{
	WSAResetEvent(ev);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &ev, FALSE, 100, FALSE),
		WSA_WAIT_TIMEOUT);
}

LPOVERLAPPED
ou_one_packet(HANDLE port, ULONG_PTR *key, DWORD *bytes, DWORD *err)
{
	LPOVERLAPPED ov = NULL;

	*err = GetQueuedCompletionStatus(port, bytes, key, &ov, PT_WAIT_MS) ?
		0 : GetLastError();
	CU_ASSERT_PTR_NOT_NULL_FATAL(ov);
	return ov;
}

void
ou_no_packet(HANDLE port)
{
	LPOVERLAPPED ov = NULL;
	ULONG_PTR key;
	DWORD bytes;

	CU_ASSERT_FALSE(GetQueuedCompletionStatus(port, &bytes, &key, &ov,
		100));
	CU_ASSERT_PTR_NULL(ov);
}
