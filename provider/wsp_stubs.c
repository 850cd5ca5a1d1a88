/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * WSPPROC_TABLE entries not implemented yet. Every slot of the table must
 * be non-NULL (Ws2_32 rejects an incomplete table with
 * WSAEINVALIDPROCTABLE); these fail with WSAEOPNOTSUPP until the stage
 * that implements them replaces them with the real entry in its own file.
 */
#include "wsp_priv.h"

SOCKET WSPAPI
wsp_accept(SOCKET s, struct sockaddr *addr, LPINT addrlen,
		LPCONDITIONPROC cond, DWORD_PTR cbdata, LPINT lpErrno)
{
	*lpErrno = WSAEOPNOTSUPP;
	return INVALID_SOCKET;
}

INT WSPAPI
wsp_address_to_string(LPSOCKADDR sa, DWORD salen,
		LPWSAPROTOCOL_INFOW info, LPWSTR str, LPDWORD strsize,
		LPINT lpErrno)
{
	*lpErrno = WSAEOPNOTSUPP;
	return SOCKET_ERROR;
}

int WSPAPI
wsp_async_select(SOCKET s, HWND hwnd, unsigned int msg,
		LONG events, LPINT lpErrno)
{
	*lpErrno = WSAEOPNOTSUPP;
	return SOCKET_ERROR;
}

int WSPAPI
wsp_bind(SOCKET s, const struct sockaddr *name, int namelen,
		LPINT lpErrno)
{
	*lpErrno = WSAEOPNOTSUPP;
	return SOCKET_ERROR;
}

int WSPAPI
wsp_cancel_blocking_call(LPINT lpErrno)
{
	*lpErrno = WSAEOPNOTSUPP;
	return SOCKET_ERROR;
}

int WSPAPI
wsp_close_socket(SOCKET s, LPINT lpErrno)
{
	*lpErrno = WSAEOPNOTSUPP;
	return SOCKET_ERROR;
}

int WSPAPI
wsp_connect(SOCKET s, const struct sockaddr *name, int namelen,
		LPWSABUF caller, LPWSABUF callee, LPQOS sqos, LPQOS gqos,
		LPINT lpErrno)
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

int WSPAPI
wsp_enum_network_events(SOCKET s, WSAEVENT ev,
		LPWSANETWORKEVENTS ne, LPINT lpErrno)
{
	*lpErrno = WSAEOPNOTSUPP;
	return SOCKET_ERROR;
}

int WSPAPI
wsp_event_select(SOCKET s, WSAEVENT ev, LONG events,
		LPINT lpErrno)
{
	*lpErrno = WSAEOPNOTSUPP;
	return SOCKET_ERROR;
}

BOOL WSPAPI
wsp_get_overlapped_result(SOCKET s, LPWSAOVERLAPPED ov,
		LPDWORD bytes, BOOL wait, LPDWORD flags, LPINT lpErrno)
{
	*lpErrno = WSAEOPNOTSUPP;
	return FALSE;
}

int WSPAPI
wsp_get_peer_name(SOCKET s, struct sockaddr *name, LPINT len,
		LPINT lpErrno)
{
	*lpErrno = WSAEOPNOTSUPP;
	return SOCKET_ERROR;
}

int WSPAPI
wsp_get_sock_name(SOCKET s, struct sockaddr *name, LPINT len,
		LPINT lpErrno)
{
	*lpErrno = WSAEOPNOTSUPP;
	return SOCKET_ERROR;
}

int WSPAPI
wsp_get_sock_opt(SOCKET s, int level, int optname, char *optval,
		LPINT optlen, LPINT lpErrno)
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

int WSPAPI
wsp_ioctl(SOCKET s, DWORD code, LPVOID in, DWORD inlen,
		LPVOID out, DWORD outlen, LPDWORD ret, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid,
		LPINT lpErrno)
{
	*lpErrno = WSAEOPNOTSUPP;
	return SOCKET_ERROR;
}

SOCKET WSPAPI
wsp_join_leaf(SOCKET s, const struct sockaddr *name,
		int namelen, LPWSABUF caller, LPWSABUF callee, LPQOS sqos,
		LPQOS gqos, DWORD flags, LPINT lpErrno)
{
	*lpErrno = WSAEOPNOTSUPP;
	return INVALID_SOCKET;
}

int WSPAPI
wsp_listen(SOCKET s, int backlog, LPINT lpErrno)
{
	*lpErrno = WSAEOPNOTSUPP;
	return SOCKET_ERROR;
}

int WSPAPI
wsp_recv(SOCKET s, LPWSABUF bufs, DWORD nbufs, LPDWORD rcvd,
		LPDWORD flags, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid,
		LPINT lpErrno)
{
	*lpErrno = WSAEOPNOTSUPP;
	return SOCKET_ERROR;
}

int WSPAPI
wsp_recv_disconnect(SOCKET s, LPWSABUF data, LPINT lpErrno)
{
	*lpErrno = WSAEOPNOTSUPP;
	return SOCKET_ERROR;
}

int WSPAPI
wsp_recv_from(SOCKET s, LPWSABUF bufs, DWORD nbufs,
		LPDWORD rcvd, LPDWORD flags, struct sockaddr *from,
		LPINT fromlen, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid,
		LPINT lpErrno)
{
	*lpErrno = WSAEOPNOTSUPP;
	return SOCKET_ERROR;
}

int WSPAPI
wsp_select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex,
		const PTIMEVAL timeout, LPINT lpErrno)
{
	*lpErrno = WSAEOPNOTSUPP;
	return SOCKET_ERROR;
}

int WSPAPI
wsp_send(SOCKET s, LPWSABUF bufs, DWORD nbufs, LPDWORD sent,
		DWORD flags, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid,
		LPINT lpErrno)
{
	*lpErrno = WSAEOPNOTSUPP;
	return SOCKET_ERROR;
}

int WSPAPI
wsp_send_disconnect(SOCKET s, LPWSABUF data, LPINT lpErrno)
{
	*lpErrno = WSAEOPNOTSUPP;
	return SOCKET_ERROR;
}

int WSPAPI
wsp_send_to(SOCKET s, LPWSABUF bufs, DWORD nbufs, LPDWORD sent,
		DWORD flags, const struct sockaddr *to, int tolen,
		LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
		LPWSATHREADID tid, LPINT lpErrno)
{
	*lpErrno = WSAEOPNOTSUPP;
	return SOCKET_ERROR;
}

int WSPAPI
wsp_set_sock_opt(SOCKET s, int level, int optname,
		const char *optval, int optlen, LPINT lpErrno)
{
	*lpErrno = WSAEOPNOTSUPP;
	return SOCKET_ERROR;
}

int WSPAPI
wsp_shutdown(SOCKET s, int how, LPINT lpErrno)
{
	*lpErrno = WSAEOPNOTSUPP;
	return SOCKET_ERROR;
}

SOCKET WSPAPI
wsp_socket(int af, int type, int protocol,
		LPWSAPROTOCOL_INFOW info, GROUP g, DWORD flags, LPINT lpErrno)
{
	*lpErrno = WSAEOPNOTSUPP;
	return INVALID_SOCKET;
}

INT WSPAPI
wsp_string_to_address(LPWSTR str, INT af,
		LPWSAPROTOCOL_INFOW info, LPSOCKADDR sa, LPINT salen,
		LPINT lpErrno)
{
	*lpErrno = WSAEOPNOTSUPP;
	return SOCKET_ERROR;
}
