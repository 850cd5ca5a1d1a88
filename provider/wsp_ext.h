/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Extension functions (SIO_GET_EXTENSION_FUNCTION_POINTER), the message
 * calls behind two of them (wsp_msg.c), and the interface queries
 * (wsp_ext.c).
 */
#ifndef _WSP_EXT_H_
#define _WSP_EXT_H_

#include <stdbool.h>

#include "dp_sock.h"
#include "wsp_abi.h"

struct wsp_sock;

/* The index of our one interface: IN_PKTINFO's ipi_ifindex, the
 * 0.0.0.N form of IP_MULTICAST_IF, IP_UNICAST_IF. */
#define WSP_IF_INDEX	1

/* SIO_GET_EXTENSION_FUNCTION_POINTER: 0 or a WSA error. */
int wsp_ext_function(struct wsp_sock *ws, LPVOID in, DWORD inlen,
		LPVOID out, DWORD outlen, LPDWORD ret);

/* SIO_ROUTING_INTERFACE_QUERY, SIO_ADDRESS_LIST_QUERY: 0 or a WSA
 * error; a short output buffer fails WSAEFAULT with *ret the size
 * needed. */
int wsp_ext_routing_query(LPVOID in, DWORD inlen, LPVOID out,
		DWORD outlen, LPDWORD ret);
int wsp_ext_address_list(LPVOID out, DWORD outlen, LPDWORD ret);

/* wsp_msg.c: WSARecvMsg and WSASendMsg, extension functions (errors
 * through WSASetLastError); an overlapped WSARecvMsg that pends fills the
 * caller's WSAMSG (name, flags, control) when it completes, so it must
 * stay valid until then, as its buffers. SIO_EXT_SENDMSG is WSASendMsg
 * as Ws2_32 calls it (errors in *lpErrno). */
INT WSAAPI wsp_recv_msg(SOCKET s, LPWSAMSG msg, LPDWORD rcvd,
		LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr);
INT WSAAPI wsp_send_msg(SOCKET s, LPWSAMSG msg, DWORD flags, LPDWORD sent,
		LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr);
int wsp_msg_ext_sendmsg(SOCKET s, LPVOID in, DWORD inlen,
		LPWSATHREADID tid, LPINT lpErrno);

/* wsp_ext_tcp.c: the TCP extension functions (errors through
 * WSASetLastError). */
BOOL WSAAPI wsp_accept_ex(SOCKET ls, SOCKET acc, PVOID out, DWORD data_len,
		DWORD local_len, DWORD remote_len, LPDWORD rcvd,
		LPWSAOVERLAPPED ov);
void WSAAPI wsp_get_acceptex_sockaddrs(PVOID out, DWORD data_len,
		DWORD local_len, DWORD remote_len, struct sockaddr **local,
		LPINT llen, struct sockaddr **remote, LPINT rlen);
BOOL WSAAPI wsp_connect_ex(SOCKET s, const struct sockaddr *name,
		int namelen, PVOID buf, DWORD len, LPDWORD sent,
		LPWSAOVERLAPPED ov);
BOOL WSAAPI wsp_disconnect_ex(SOCKET s, LPWSAOVERLAPPED ov, DWORD flags,
		DWORD reserved);
BOOL WSAAPI wsp_transmit_file(SOCKET s, HANDLE file, DWORD nbytes,
		DWORD per_send, LPWSAOVERLAPPED ov,
		LPTRANSMIT_FILE_BUFFERS tfb, DWORD flags);
BOOL WSAAPI wsp_transmit_packets(SOCKET s, LPTRANSMIT_PACKETS_ELEMENT el,
		DWORD n, DWORD send_size, LPWSAOVERLAPPED ov, DWORD flags);

/* AcceptEx's address slots: "at least 16 bytes more than the maximum
 * address length for the transport protocol in use". */
#define WSP_ACCEPT_ADDR_SLOT	((DWORD)sizeof(struct sockaddr_in) + 16)

/* AcceptEx's arguments, as its op keeps them on either path
 * (wsp_ext_tcp.c, wsp_ospath_ext.c). */
struct wsp_accept_args {
	struct wsp_sock *acc;		/* holds a reference, once the op's */
	char *out;
	DWORD data_len, local_len, remote_len;
};

/* AcceptEx's checks that hold on either path (types, lpOverlapped,
 * lpOutputBuffer, the slots, acc != ls): 0 or a WSA error. */
int wsp_accept_check(const struct wsp_sock *ls,
		const struct wsp_accept_args *a, LPWSAOVERLAPPED ov);

/* setsockopt SO_UPDATE_ACCEPT_CONTEXT / SO_UPDATE_CONNECT_CONTEXT on
 * ws: 0 or a WSA error. */
int wsp_ext_tcp_update_context(struct wsp_sock *ws, int name,
		const char *v, int len);

/* wsp_poll.c: WSAPoll as the WSAID_WSAPOLL extension function (errors
 * through WSASetLastError), and as Ws2_32's SIO_EXT_POLL on socket s: a
 * WSAPOLLDATA in `in`, whose revents and result are written in place
 * (errors in *lpErrno, result SOCKET_ERROR then). */
INT WSAAPI wsp_poll(LPWSAPOLLFD fds, ULONG n, INT timeout);
int wsp_poll_ioctl(SOCKET s, LPVOID in, DWORD inlen, LPINT lpErrno);

/* A received datagram's flags and control data into msg (Control.len
 * becomes the bytes written); returns the dwFlags to report. */
DWORD wsp_msg_fill(const struct wsp_sock *ws, LPWSAMSG msg,
		const struct dp_rx_meta *meta, bool truncated);

/* Check the control data of a WSASendMsg: 0 or WSAEINVAL (malformed or
 * unsupported), WSAEADDRNOTAVAIL (an IN_PKTINFO we cannot send from). */
int wsp_msg_parse_control(const WSABUF *ctl);

#endif /* _WSP_EXT_H_ */
