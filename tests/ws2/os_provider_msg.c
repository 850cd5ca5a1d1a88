/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * os_provider_msg.c: WSARecvMsg and WSASendMsg of the stand-in's OS base
 * provider, as MSAFD serves them: WSARecvMsg is an extension function
 * (SIO_GET_EXTENSION_FUNCTION_POINTER, os_provider_ext.c), WSASendMsg
 * comes from Ws2_32 as WSPIoctl(SIO_EXT_SENDMSG). Both run over Linux
 * recvmsg/sendmsg through the provider's receive and send
 * (os_provider_io.c: blocking, non-blocking, overlapped with an event).
 *
 * Received control data: IP_PKTINFO, when the socket asked for it, in
 * Windows' WSACMSGHDR/IN_PKTINFO layout (wsp_cmsg.c, the one wspdk's
 * own WSARecvMsg writes): the address the datagram was sent to and the
 * Linux interface index it came in by. What does not fit is left out
 * and flagged MSG_CTRUNC; a datagram cut to the buffers is MSG_TRUNC
 * and fails WSAEMSGSIZE.
 */
#include <string.h>

#include "os_provider.h"
#include "wsp_cmsg.h"

DWORD
os_msg_fill(LPWSAMSG msg, const struct os_k_pktinfo *pi, bool trunc)
{
	DWORD flags = trunc ? MSG_TRUNC : 0, used = 0;

	if (pi->have) {
		IN_PKTINFO w = { .ipi_ifindex = (ULONG)pi->ifindex };

		w.ipi_addr.s_addr = pi->addr;
		if (!wsp_cmsg_put(&msg->Control, &used, IPPROTO_IP,
				IP_PKTINFO, &w, sizeof(w)))
			flags |= MSG_CTRUNC;
	}
	msg->Control.len = used;
	msg->dwFlags = flags;
	return flags;
}

static INT
msg_fail(int code)
{
	WSASetLastError(code);
	return SOCKET_ERROR;
}

INT WSAAPI
os_recv_msg(SOCKET s, LPWSAMSG msg, LPDWORD rcvd, LPWSAOVERLAPPED ov,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE cr)
{
	struct os_sock *o;
	int e = 0, r;

	o = os_sock_get(s, &e);
	if (o == NULL)
		return msg_fail(e);
	if (msg == NULL || (msg->name != NULL &&
			msg->namelen < (INT)sizeof(struct sockaddr_in)))
		e = WSAEFAULT;
	else if (o->type != SOCK_DGRAM)	/* datagram and raw only */
		e = WSAEOPNOTSUPP;
	/* dwFlags in: MSG_PEEK (os_recv_on checks). */
	r = e != 0 ? os_fail(&e, e) : os_recv_on(o, msg->lpBuffers,
		msg->dwBufferCount, rcvd, &msg->dwFlags, msg->name,
		msg->name != NULL ? &msg->namelen : NULL, msg, ov, cr, &e);
	os_sock_put(o);
	return r != 0 ? msg_fail(e) : 0;
}

/* Control data to send: well formed, and only IP_PKTINFO (the source,
 * which the kernel picks anyway on loopback). */
static int
check_control(const WSABUF *ctl)
{
	DWORD off = 0;
	WSACMSGHDR h;

	if (ctl->len == 0)
		return 0;
	if (ctl->buf == NULL)
		return WSAEFAULT;
	while (off < ctl->len) {
		if (wsp_cmsg_get(ctl, off, &h) != 0)
			return WSAEINVAL;
		if (h.cmsg_level != IPPROTO_IP || h.cmsg_type != IP_PKTINFO ||
				h.cmsg_len != WSA_CMSG_LEN(sizeof(IN_PKTINFO)))
			return WSAEINVAL;
		off = wsp_cmsg_next(ctl, off, &h);
	}
	return 0;
}

int
os_ext_sendmsg(struct os_sock *o, LPVOID in, DWORD inlen, LPVOID out,
		DWORD outlen, LPINT err)
{
	WSASENDMSG a;
	DWORD code;
	int e = 0, r;

	if (in == NULL || inlen < sizeof(a))
		e = WSAEFAULT;
	else
		memcpy(&a, in, sizeof(a));
	if (e == 0 && (a.lpMsg == NULL ||
			(a.lpNumberOfBytesSent == NULL &&
			a.lpOverlapped == NULL)))
		e = WSAEFAULT;
	else if (e == 0 && o->type != SOCK_DGRAM)
		e = WSAEOPNOTSUPP;
	if (e == 0)
		e = check_control(&a.lpMsg->Control);
	/* MSG_DONTROUTE means nothing on loopback. */
	r = e != 0 ? os_fail(err, e) : os_send_on(o, a.lpMsg->lpBuffers,
		a.lpMsg->dwBufferCount, a.lpNumberOfBytesSent,
		a.dwFlags & ~(DWORD)MSG_DONTROUTE, a.lpMsg->name,
		a.lpMsg->namelen, a.lpOverlapped, a.lpCompletionRoutine, err);
	code = r == 0 ? 0 : (DWORD)*err;
	if (out != NULL && outlen >= sizeof(code))
		memcpy(out, &code, sizeof(code));
	return r;
}
