/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * WSPPROC_TABLE entries not implemented yet. Every slot of the table must
 * be non-NULL (Ws2_32 rejects an incomplete table with
 * WSAEINVALIDPROCTABLE); these fail with WSAEOPNOTSUPP until the stage
 * that implements them replaces them with the real entry in its own file.
 */
#include "wsp_priv.h"

int WSPAPI
wsp_cancel_blocking_call(LPINT lpErrno)
{
	*lpErrno = WSAEOPNOTSUPP;
	return SOCKET_ERROR;
}

int WSPAPI
wsp_duplicate_socket(SOCKET s, DWORD pid,
		LPWSAPROTOCOL_INFOW info, LPINT lpErrno)
{
	*lpErrno = WSAEOPNOTSUPP;
	return SOCKET_ERROR;
}

BOOL WSPAPI
wsp_get_qos_by_name(SOCKET s, LPWSABUF name, LPQOS qos,
		LPINT lpErrno)
{
	*lpErrno = WSAEOPNOTSUPP;
	return FALSE;
}

SOCKET WSPAPI
wsp_join_leaf(SOCKET s, const struct sockaddr *name,
		int namelen, LPWSABUF caller, LPWSABUF callee, LPQOS sqos,
		LPQOS gqos, DWORD flags, LPINT lpErrno)
{
	*lpErrno = WSAEOPNOTSUPP;
	return INVALID_SOCKET;
}
