/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ws2_api.c: the Winsock socket API over the provider's proc table.
 *
 * Every call does what Ws2_32 does for a non-IFS provider: check
 * WSAStartup (WSANOTINITIALISED), resolve the handle in the handle table
 * (WSAENOTSOCK), call the WSPPROC_TABLE entry with the caller's handle,
 * and turn *lpErrno into the thread's last error on failure.  Overlapped
 * and ioctl calls also pass the calling thread's WSATHREADID, which the
 * provider hands back to WPUQueueApc for completion routines.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ws2_priv.h"

static int
resolve(SOCKET s)
{
	if (!ws2_started())
		return WSANOTINITIALISED;
	if (ws2_htab_lookup(&ws2_sockets, s, NULL) != 0)
		return WSAENOTSOCK;
	return 0;
}

/*
 * err is read through a pointer: in result(call(..., &err), err) the
 * second argument could be evaluated before the call stores into it.
 */
static int
result(int ret, const int *err)
{
	return ret == SOCKET_ERROR ? ws2_fail(*err) : ret;
}

/*
 * The body of every call that goes straight down: resolve the handle,
 * call the proc-table entry (whose arguments end with &err, after &tid
 * for the calls that take the caller's WSATHREADID) and turn a failure
 * into the thread's last error.
 */
#define DISPATCH(s, call) do {						\
	WSATHREADID tid;						\
	int err = resolve(s);						\
									\
	if (err != 0)							\
		return ws2_fail(err);					\
	ws2_thread_id(&tid);						\
	return result(ws2_procs.call, &err);				\
} while (0)

static SOCKET
socket_result(SOCKET s, const int *err)
{
	if (s == INVALID_SOCKET)
		ws2_fail(*err);
	return s;
}

/*
 * Pick the catalog entry for (af, type, protocol) like Ws2_32: 0 is a
 * wildcard for af and type; protocol 0 takes an entry flagged
 * PFL_MATCHES_PROTOCOL_ZERO.  On no match, report the most specific
 * mismatch, as socket()'s documentation lists them.
 */
static int
catalog_match(int af, int type, int protocol, const WSAPROTOCOL_INFOW **out)
{
	const WSAPROTOCOL_INFOW *e;
	bool af_ok = false, type_ok = false, proto_other_type = false;
	unsigned i;

	if (af == AF_UNSPEC && type == 0 && protocol == 0)
		return WSAEINVAL;
	for (i = 0; (e = ws2_catalog_get(i)) != NULL; i++) {
		bool proto_ok = protocol >= e->iProtocol &&
			protocol <= e->iProtocol + e->iProtocolMaxOffset;

		if (af != AF_UNSPEC && e->iAddressFamily != af)
			continue;
		af_ok = true;
		proto_other_type |= protocol != 0 && proto_ok;
		if (type != 0 && e->iSocketType != type)
			continue;
		type_ok = true;
		if (protocol == 0 ?
		    (e->dwProviderFlags & PFL_MATCHES_PROTOCOL_ZERO) != 0 :
		    proto_ok) {
			*out = e;
			return 0;
		}
	}
	if (!af_ok)
		return WSAEAFNOSUPPORT;
	if (!type_ok)
		return WSAESOCKTNOSUPPORT;
	return proto_other_type ? WSAEPROTOTYPE : WSAEPROTONOSUPPORT;
}

SOCKET WSAAPI
WSASocketW(int af, int type, int protocol, LPWSAPROTOCOL_INFOW info,
	   GROUP g, DWORD flags)
{
	const WSAPROTOCOL_INFOW *e;
	unsigned i;
	int err;

	if (!ws2_started())
		return socket_result(INVALID_SOCKET, &(int){ WSANOTINITIALISED });
	if (info != NULL) {
		/* The caller's entry goes down as is: a duplicated socket's
		 * dwProviderReserved must reach the provider. */
		for (i = 0; (e = ws2_catalog_get(i)) != NULL; i++)
			if (e->dwCatalogEntryId == info->dwCatalogEntryId)
				break;
		if (e == NULL)
			return socket_result(INVALID_SOCKET, &(int){ WSAEINVAL });
		e = info;
	} else {
		err = catalog_match(af, type, protocol, &e);
		if (err != 0)
			return socket_result(INVALID_SOCKET, &err);
	}
	return socket_result(ws2_procs.lpWSPSocket(af, type, protocol,
		(LPWSAPROTOCOL_INFOW)e, g, flags, &err), &err);
}

SOCKET WSAAPI
WSASocketA(int af, int type, int protocol, LPWSAPROTOCOL_INFOA info,
	   GROUP g, DWORD flags)
{
	WSAPROTOCOL_INFOW w;
	size_t i;

	if (info == NULL)
		return WSASocketW(af, type, protocol, NULL, g, flags);
	memcpy(&w, info, offsetof(WSAPROTOCOL_INFOW, szProtocol));
	for (i = 0; i <= WSAPROTOCOL_LEN; i++)
		w.szProtocol[i] = (WCHAR)(unsigned char)info->szProtocol[i];
	return WSASocketW(af, type, protocol, &w, g, flags);
}

/* Ws2_32's socket() asks for overlapped-capable sockets. */
SOCKET WSAAPI
ws2_socket(int af, int type, int protocol)
{
	return WSASocketW(af, type, protocol, NULL, 0, WSA_FLAG_OVERLAPPED);
}

int WSAAPI
ws2_bind(SOCKET s, const struct sockaddr *name, int namelen)
{
	DISPATCH(s, lpWSPBind(s, name, namelen, &err));
}

int WSAAPI
WSAConnect(SOCKET s, const struct sockaddr *name, int namelen,
	   LPWSABUF caller, LPWSABUF callee, LPQOS sqos, LPQOS gqos)
{
	DISPATCH(s, lpWSPConnect(s, name, namelen, caller, callee, sqos, gqos,
		&err));
}

int WSAAPI
ws2_connect(SOCKET s, const struct sockaddr *name, int namelen)
{
	return WSAConnect(s, name, namelen, NULL, NULL, NULL, NULL);
}

int WSAAPI
ws2_listen(SOCKET s, int backlog)
{
	DISPATCH(s, lpWSPListen(s, backlog, &err));
}

SOCKET WSAAPI
WSAAccept(SOCKET s, struct sockaddr *addr, LPINT addrlen,
	  LPCONDITIONPROC cond, DWORD_PTR cb_data)
{
	int err = resolve(s);

	if (err != 0)
		return socket_result(INVALID_SOCKET, &err);
	return socket_result(ws2_procs.lpWSPAccept(s, addr, addrlen, cond,
						   cb_data, &err), &err);
}

SOCKET WSAAPI
ws2_accept(SOCKET s, struct sockaddr *addr, int *addrlen)
{
	return WSAAccept(s, addr, addrlen, NULL, 0);
}

int WSAAPI
ws2_closesocket(SOCKET s)
{
	DISPATCH(s, lpWSPCloseSocket(s, &err));
}

int WSAAPI
ws2_shutdown(SOCKET s, int how)
{
	DISPATCH(s, lpWSPShutdown(s, how, &err));
}

int WSAAPI
WSADuplicateSocketW(SOCKET s, DWORD pid, LPWSAPROTOCOL_INFOW info)
{
	DISPATCH(s, lpWSPDuplicateSocket(s, pid, info, &err));
}

int WSAAPI
WSASend(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD sent, DWORD flags,
	LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr)
{
	DISPATCH(s, lpWSPSend(s, bufs, n, sent, flags, ov, cr, &tid, &err));
}

int WSAAPI
WSASendTo(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD sent, DWORD flags,
	  const struct sockaddr *to, int tolen, LPWSAOVERLAPPED ov,
	  LPWSAOVERLAPPED_COMPLETION_ROUTINE cr)
{
	DISPATCH(s, lpWSPSendTo(s, bufs, n, sent, flags, to, tolen, ov, cr,
		&tid, &err));
}

int WSAAPI
ws2_send(SOCKET s, const char *buf, int len, int flags)
{
	WSABUF b = { .len = (u_long)len, .buf = (char *)(uintptr_t)buf };
	DWORD sent = 0;

	if (len < 0)
		return ws2_fail(WSAEFAULT);
	if (WSASend(s, &b, 1, &sent, (DWORD)flags, NULL, NULL) ==
	    SOCKET_ERROR)
		return SOCKET_ERROR;
	return (int)sent;
}

int WSAAPI
ws2_sendto(SOCKET s, const char *buf, int len, int flags,
	   const struct sockaddr *to, int tolen)
{
	WSABUF b = { .len = (u_long)len, .buf = (char *)(uintptr_t)buf };
	DWORD sent = 0;

	if (len < 0)
		return ws2_fail(WSAEFAULT);
	if (WSASendTo(s, &b, 1, &sent, (DWORD)flags, to, tolen, NULL,
		      NULL) == SOCKET_ERROR)
		return SOCKET_ERROR;
	return (int)sent;
}

int WSAAPI
WSARecv(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD got, LPDWORD flags,
	LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr)
{
	DISPATCH(s, lpWSPRecv(s, bufs, n, got, flags, ov, cr, &tid, &err));
}

int WSAAPI
WSARecvFrom(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD got, LPDWORD flags,
	    struct sockaddr *from, LPINT fromlen, LPWSAOVERLAPPED ov,
	    LPWSAOVERLAPPED_COMPLETION_ROUTINE cr)
{
	DISPATCH(s, lpWSPRecvFrom(s, bufs, n, got, flags, from, fromlen, ov, cr,
		&tid, &err));
}

int WSAAPI
ws2_recv(SOCKET s, char *buf, int len, int flags)
{
	WSABUF b = { .len = (u_long)len, .buf = buf };
	DWORD got = 0, fl = (DWORD)flags;

	if (len < 0)
		return ws2_fail(WSAEFAULT);
	if (WSARecv(s, &b, 1, &got, &fl, NULL, NULL) == SOCKET_ERROR)
		return SOCKET_ERROR;
	return (int)got;
}

int WSAAPI
ws2_recvfrom(SOCKET s, char *buf, int len, int flags, struct sockaddr *from,
	     int *fromlen)
{
	WSABUF b = { .len = (u_long)len, .buf = buf };
	DWORD got = 0, fl = (DWORD)flags;

	if (len < 0)
		return ws2_fail(WSAEFAULT);
	if (WSARecvFrom(s, &b, 1, &got, &fl, from, fromlen, NULL,
			NULL) == SOCKET_ERROR)
		return SOCKET_ERROR;
	return (int)got;
}

BOOL WSAAPI
WSAGetOverlappedResult(SOCKET s, LPWSAOVERLAPPED ov, LPDWORD bytes,
		       BOOL wait, LPDWORD flags)
{
	int err = resolve(s);

	if (err != 0) {
		ws2_fail(err);
		return FALSE;
	}
	if (!ws2_procs.lpWSPGetOverlappedResult(s, ov, bytes, wait, flags,
						&err)) {
		ws2_fail(err);
		return FALSE;
	}
	return TRUE;
}

int WSAAPI
ws2_setsockopt(SOCKET s, int level, int name, const char *val, int len)
{
	DISPATCH(s, lpWSPSetSockOpt(s, level, name, val, len, &err));
}

int WSAAPI
ws2_getsockopt(SOCKET s, int level, int name, char *val, int *len)
{
	DISPATCH(s, lpWSPGetSockOpt(s, level, name, val, len, &err));
}

int WSAAPI
WSAIoctl(SOCKET s, DWORD code, LPVOID in, DWORD in_len, LPVOID out,
	 DWORD out_len, LPDWORD ret_len, LPWSAOVERLAPPED ov,
	 LPWSAOVERLAPPED_COMPLETION_ROUTINE cr)
{
	DISPATCH(s, lpWSPIoctl(s, code, in, in_len, out, out_len, ret_len, ov,
		cr, &tid, &err));
}

/* As Ws2_32: argp is both the input and the output buffer. */
int WSAAPI
ws2_ioctlsocket(SOCKET s, LONG cmd, u_long *argp)
{
	DWORD ret_len = 0;
	DISPATCH(s, lpWSPIoctl(s, (DWORD)cmd, argp, sizeof(*argp), argp,
		sizeof(*argp), &ret_len, NULL, NULL, NULL, &err));
}

int WSAAPI
ws2_getsockname(SOCKET s, struct sockaddr *name, int *namelen)
{
	DISPATCH(s, lpWSPGetSockName(s, name, namelen, &err));
}

int WSAAPI
ws2_getpeername(SOCKET s, struct sockaddr *name, int *namelen)
{
	DISPATCH(s, lpWSPGetPeerName(s, name, namelen, &err));
}

static bool
first_socket(const fd_set *set, SOCKET *s)
{
	if (set == NULL || set->fd_count == 0)
		return false;
	*s = set->fd_array[0];
	return true;
}

/*
 * All sockets of one select() must belong to one provider; Ws2_32 picks
 * it from the first socket found, as we do (we only have one anyway).
 */
int WSAAPI
ws2_select(int nfds, fd_set *r, fd_set *w, fd_set *e, const PTIMEVAL timeout)
{
	SOCKET s;
	int err;

	if (!ws2_started())
		return ws2_fail(WSANOTINITIALISED);
	if (!first_socket(r, &s) && !first_socket(w, &s) &&
	    !first_socket(e, &s))
		return ws2_fail(WSAEINVAL);
	err = resolve(s);
	if (err != 0)
		return ws2_fail(err);
	return result(ws2_procs.lpWSPSelect(nfds, r, w, e, timeout, &err), &err);
}

int WSAAPI
WSAEventSelect(SOCKET s, WSAEVENT ev, LONG events)
{
	DISPATCH(s, lpWSPEventSelect(s, ev, events, &err));
}

int WSAAPI
WSAEnumNetworkEvents(SOCKET s, WSAEVENT ev, LPWSANETWORKEVENTS ne)
{
	DISPATCH(s, lpWSPEnumNetworkEvents(s, ev, ne, &err));
}

/* Messages are posted through WPUPostMessage; read ws2_stub_get_message. */
int WSAAPI
WSAAsyncSelect(SOCKET s, HWND hwnd, u_int msg, LONG events)
{
	DISPATCH(s, lpWSPAsyncSelect(s, hwnd, msg, events, &err));
}

/*
 * WSAPoll as Ws2_32 serves it for a non-IFS provider (Microsoft's LSP
 * sample, Windows-classic-samples .../lsp/nonifslsp/spi.cpp WSPIoctl and
 * extension.cpp ExtWSAPoll, shows both halves): SIO_BSP_HANDLE_POLL on
 * the first socket we know names the socket whose provider answers (an
 * LSP would put itself there), and the whole call goes to that provider
 * as SIO_EXT_POLL, a WSAPOLLDATA it fills in place.
 */
int WSAAPI
WSAPoll(LPWSAPOLLFD fds, ULONG n, INT timeout)
{
	WSAPOLLDATA *pd;
	WSATHREADID tid;
	SOCKET h = INVALID_SOCKET;
	DWORD len, bytes = 0;
	ULONG i;
	int err, ret;

	if (!ws2_started())
		return ws2_fail(WSANOTINITIALISED);
	if (n == 0)
		return ws2_fail(WSAEINVAL);
	if (fds == NULL)
		return ws2_fail(WSAEFAULT);
	for (i = 0; i < n && resolve(fds[i].fd) != 0; i++)
		;
	if (i == n)	/* "none of the sockets ... were valid" */
		return ws2_fail(WSAEINVAL);
	ws2_thread_id(&tid);
	if (ws2_procs.lpWSPIoctl(fds[i].fd, SIO_BSP_HANDLE_POLL, NULL, 0, &h,
			sizeof(h), &bytes, NULL, NULL, &tid, &err) != 0)
		return ws2_fail(err);
	if (n > (UINT32_MAX - sizeof(*pd)) / sizeof(WSAPOLLFD))
		return ws2_fail(WSAENOBUFS);
	len = (DWORD)(sizeof(*pd) + n * sizeof(WSAPOLLFD));
	pd = malloc(len);
	if (pd == NULL)
		return ws2_fail(WSAENOBUFS);
	pd->result = 0;
	pd->fds = n;
	pd->timeout = timeout;
	memcpy(pd->fdArray, fds, n * sizeof(WSAPOLLFD));
	ret = ws2_procs.lpWSPIoctl(h, SIO_EXT_POLL, pd, len, pd, len, &bytes,
		NULL, NULL, &tid, &err);
	if (ret != 0) {
		free(pd);
		return ws2_fail(err);
	}
	for (i = 0; i < n; i++)
		fds[i].revents = pd->fdArray[i].revents;
	ret = pd->result;
	free(pd);
	return ret;
}
