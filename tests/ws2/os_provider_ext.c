/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * os_provider_ext.c: the TCP extension functions of the stand-in's OS
 * base provider, as MSAFD hands them out through
 * SIO_GET_EXTENSION_FUNCTION_POINTER: AcceptEx, GetAcceptExSockaddrs,
 * ConnectEx, DisconnectEx, TransmitFile and TransmitPackets (memory
 * only, as wspdk's), and the SO_UPDATE_*_CONTEXT options; WSARecvMsg is
 * os_provider_msg.c's.
 *
 * Each runs as one overlapped op of the overlapped thread
 * (os_provider_io.c) with an event, as wspdk's OS path calls them: AcceptEx
 * accepts (then, with a receive buffer, waits for the first data) and
 * hands the connection to the accept socket the caller made, whose handle
 * stays; ConnectEx connects without waiting, then sends its data; the
 * other three are an overlapped send followed by a shutdown (and, with
 * TF_REUSE_SOCKET, a fresh socket behind the same handle). The
 * address slots hold a sockaddr_in at their start (what
 * GetAcceptExSockaddrs here reads back; wspdk reads them only through
 * it).
 */
#include <string.h>

#include "os_provider.h"

/* "At least 16 bytes more than the maximum address length for the
 * transport protocol in use" (AcceptEx). */
#define SLOT_MIN	((DWORD)sizeof(struct sockaddr_in) + 16)

static BOOL
xfail(int code)
{
	WSASetLastError(code);
	return FALSE;
}

static void
write_addrs(struct os_xop *x, uint32_t rip, uint16_t rport)
{
	char *l = x->out + x->data_len;
	uint32_t ip = 0;
	uint16_t port = 0;
	int len;

	memset(l, 0, x->local_len + x->remote_len);
	os_k_name(x->acc->fd, false, &ip, &port);
	len = (int)x->local_len;
	os_addr_out(ip, port, (struct sockaddr *)l, &len);
	len = (int)x->remote_len;
	os_addr_out(rip, rport, (struct sockaddr *)(l + x->local_len), &len);
}

static bool
try_accept(struct os_xop *x, struct os_sock *o, DWORD *done,
		DWORD *res_err)
{
	struct os_k_iov iov = { x->out, x->data_len };
	bool trunc = false;
	uint32_t ip;
	uint16_t port;
	long r;

	if (x->phase == 0) {
		r = os_k_accept_nowait(o->fd, &ip, &port);
		os_reenable(o, FD_ACCEPT);
		if (r == -EAGAIN)
			return false;
		if (r >= 0)
			r = os_k_adopt(x->acc->fd, (int)r);
		if (r < 0) {
			*res_err = (DWORD)wsp_error_from_errno((int)-r);
			return true;
		}
		os_k_nonblock(x->acc->fd, __atomic_load_n(
			&x->acc->nonblocking, __ATOMIC_RELAXED));
		write_addrs(x, ip, port);
		if (x->data_len == 0)
			return true;
		x->phase = 1;
	}
	/* "Returns ... the first block of data sent by the client." */
	r = os_k_recv(x->acc->fd, &iov, 1, OS_K_F_NOWAIT, &trunc, &ip, &port);
	if (r == -EAGAIN)
		return false;
	if (r < 0)
		*res_err = (DWORD)wsp_error_from_errno((int)-r);
	else
		*done = (DWORD)r;
	return true;
}

static bool
try_connect(struct os_xop *x, struct os_sock *o, DWORD *done,
		DWORD *res_err)
{
	struct os_k_poll p = { o->fd, OS_K_OUT, 0 };
	struct os_k_iov iov;
	int v = 0, v2;
	long r;

	if (x->phase == 0) {
		if (os_k_poll(&p, 1, 0) <= 0)
			return false;
		if (os_k_getopt(o->fd, OS_K_SO_ERROR, &v, &v2) == 0 &&
				v != 0) {
			*res_err = (DWORD)wsp_error_from_errno(v);
			return true;
		}
		x->phase = 1;
	}
	while (*done < x->len) {
		iov = (struct os_k_iov){ (char *)x->buf + *done,
			x->len - *done };
		r = os_k_send(o->fd, &iov, 1, OS_K_F_NOWAIT, NULL, NULL);
		if (r == -EAGAIN)
			return false;
		if (r < 0) {
			*res_err = (DWORD)wsp_error_from_errno((int)-r);
			return true;
		}
		*done += (DWORD)r;
	}
	return true;
}

bool
os_xop_try(struct os_xop *x, struct os_sock *o, DWORD *done,
		DWORD *res_err)
{
	return x->kind == OS_OP_ACCEPT ? try_accept(x, o, done, res_err) :
		try_connect(x, o, done, res_err);
}

struct os_k_poll
os_xop_poll(const struct os_xop *x, const struct os_sock *o)
{
	if (x->kind == OS_OP_ACCEPT)
		return (struct os_k_poll){ x->phase == 0 ? o->fd : x->acc->fd,
			OS_K_IN, 0 };
	return (struct os_k_poll){ o->fd, OS_K_OUT, 0 };
}

static BOOL
accept_ex_on(struct os_sock *o, struct os_sock *a, PVOID out,
		DWORD data_len, DWORD local_len, DWORD remote_len, LPDWORD rcvd,
		LPWSAOVERLAPPED ov)
{
	struct os_xop x = { .kind = OS_OP_ACCEPT };
	uint32_t ip;
	uint16_t port;
	int e;

	if (o->type != SOCK_STREAM || a->type != SOCK_STREAM)
		return xfail(WSAEOPNOTSUPP);
	if (ov == NULL || local_len < SLOT_MIN || remote_len < SLOT_MIN ||
			!__atomic_load_n(&o->listening, __ATOMIC_RELAXED))
		return xfail(WSAEINVAL);
	if (out == NULL)
		return xfail(WSAEFAULT);
	/* "This socket must not be bound or connected." */
	if (a == o || (os_k_name(a->fd, false, &ip, &port) == 0 &&
			port != 0))
		return xfail(WSAEINVAL);
	x.acc = a;
	x.out = out;
	x.data_len = data_len;
	x.local_len = local_len;
	x.remote_len = remote_len;
	if (os_ov_begin_ext(o, &x, false, ov, rcvd, &e) != 0)
		return xfail(e);
	return TRUE;
}

static BOOL WSAAPI
os_accept_ex(SOCKET ls, SOCKET as, PVOID out, DWORD data_len,
		DWORD local_len, DWORD remote_len, LPDWORD rcvd,
		LPWSAOVERLAPPED ov)
{
	struct os_sock *o, *a;
	BOOL ok;
	int e;

	o = os_sock_get(ls, &e);
	a = o != NULL ? os_sock_get(as, &e) : NULL;
	if (a == NULL) {
		if (o != NULL)
			os_sock_put(o);
		return xfail(e);
	}
	ok = accept_ex_on(o, a, out, data_len, local_len, remote_len, rcvd,
		ov);
	os_sock_put(a);
	os_sock_put(o);
	return ok;
}

static void WSAAPI
os_get_acceptex_sockaddrs(PVOID out, DWORD data_len, DWORD local_len,
		DWORD remote_len, struct sockaddr **local, LPINT llen,
		struct sockaddr **remote, LPINT rlen)
{
	char *l = (char *)out + data_len;
	bool ok = out != NULL && local_len >= SLOT_MIN &&
		remote_len >= SLOT_MIN;

	if (local != NULL)
		*local = ok ? (struct sockaddr *)l : NULL;
	if (llen != NULL)
		*llen = ok ? (int)sizeof(struct sockaddr_in) : 0;
	if (remote != NULL)
		*remote = ok ? (struct sockaddr *)(l + local_len) : NULL;
	if (rlen != NULL)
		*rlen = ok ? (int)sizeof(struct sockaddr_in) : 0;
}

static BOOL
connect_ex_on(struct os_sock *o, const struct sockaddr *name, int namelen,
		PVOID buf, DWORD len, LPDWORD sent, LPWSAOVERLAPPED ov)
{
	struct os_xop x = { .kind = OS_OP_CONNECT };
	uint32_t ip, bip;
	uint16_t port, bport;
	int e, r;

	if (o->type != SOCK_STREAM)
		return xfail(WSAEOPNOTSUPP);
	if (ov == NULL)
		return xfail(WSAEINVAL);
	if (buf == NULL && len != 0)
		return xfail(WSAEFAULT);
	e = os_addr_in(name, namelen, &ip, &port);
	if (e != 0)
		return xfail(e);
	/* "An unconnected, previously bound socket." */
	if (os_k_name(o->fd, false, &bip, &bport) != 0 || bport == 0)
		return xfail(WSAEINVAL);
	if (os_k_name(o->fd, true, &bip, &bport) == 0)
		return xfail(WSAEISCONN);
	/* Started without waiting; the overlapped thread sees it end. */
	if (!__atomic_load_n(&o->nonblocking, __ATOMIC_RELAXED))
		os_k_nonblock(o->fd, true);
	r = os_k_connect(o->fd, ip, port);
	if (!__atomic_load_n(&o->nonblocking, __ATOMIC_RELAXED))
		os_k_nonblock(o->fd, false);
	if (r < 0 && r != -EINPROGRESS)
		return xfail(wsp_error_from_errno(-r));
	x.buf = buf;
	x.len = len;
	if (os_ov_begin_ext(o, &x, true, ov, sent, &e) != 0)
		return xfail(e);
	return TRUE;
}

static BOOL WSAAPI
os_connect_ex(SOCKET s, const struct sockaddr *name, int namelen,
		PVOID buf, DWORD len, LPDWORD sent, LPWSAOVERLAPPED ov)
{
	struct os_sock *o;
	BOOL ok;
	int e;

	o = os_sock_get(s, &e);
	if (o == NULL)
		return xfail(e);
	ok = connect_ex_on(o, name, namelen, buf, len, sent, ov);
	os_sock_put(o);
	return ok;
}

/* ---- DisconnectEx, TransmitFile, TransmitPackets (memory) ---- */

void
os_tf_finish(struct os_sock *o, DWORD tf)
{
	int fd;

	if (tf & TF_DISCONNECT) {
		os_k_shutdown(o->fd, SD_SEND);
		__atomic_store_n(&o->shut_send, true, __ATOMIC_RELAXED);
	}
	if (!(tf & TF_REUSE_SOCKET))
		return;
	/* As if just made: AcceptEx or ConnectEx may use it again. */
	fd = os_k_socket(true);
	if (fd < 0 || os_k_adopt(o->fd, fd) != 0)
		return;
	os_k_nonblock(o->fd, __atomic_load_n(&o->nonblocking,
		__ATOMIC_RELAXED));
	__atomic_store_n(&o->shut_send, false, __ATOMIC_RELAXED);
	__atomic_store_n(&o->reset, false, __ATOMIC_RELAXED);
}

static int
tf_check(struct os_sock *o, DWORD flags)
{
	uint32_t ip;
	uint16_t port;

	if (flags & ~(DWORD)(TF_DISCONNECT | TF_REUSE_SOCKET |
			TF_WRITE_BEHIND | TF_USE_SYSTEM_THREAD |
			TF_USE_KERNEL_APC))
		return WSAEINVAL;
	if ((flags & TF_REUSE_SOCKET) && !(flags & TF_DISCONNECT))
		return WSAEINVAL;
	if (o->type != SOCK_STREAM)
		return WSAEOPNOTSUPP;
	if (os_k_name(o->fd, true, &ip, &port) != 0)
		return WSAENOTCONN;
	return 0;
}

static BOOL
tf_send(SOCKET s, LPWSABUF bufs, DWORD n, DWORD flags, LPWSAOVERLAPPED ov)
{
	struct os_sock *o;
	int e;

	o = os_sock_get(s, &e);
	if (o == NULL)
		return xfail(e);
	e = tf_check(o, flags);
	if (e == 0 && os_ov_send_tf(o, bufs, n, flags, ov, &e) == 0)
		return os_done(o, TRUE);
	os_sock_put(o);
	return xfail(e);
}

static BOOL WSAAPI
os_disconnect_ex(SOCKET s, LPWSAOVERLAPPED ov, DWORD flags, DWORD reserved)
{
	if ((flags & ~(DWORD)TF_REUSE_SOCKET) || reserved != 0)
		return xfail(WSAEINVAL);
	return tf_send(s, NULL, 0, flags | TF_DISCONNECT, ov);
}

static BOOL WSAAPI
os_transmit_file(SOCKET s, HANDLE file, DWORD nbytes, DWORD per_send,
		LPWSAOVERLAPPED ov, LPTRANSMIT_FILE_BUFFERS tfb, DWORD flags)
{
	WSABUF b[2];
	DWORD n = 0;

	/* Files are not read here: memory only, as wspdk's. */
	if (file != NULL)
		return xfail(WSAEOPNOTSUPP);
	if (tfb != NULL && ((tfb->Head == NULL && tfb->HeadLength != 0) ||
			(tfb->Tail == NULL && tfb->TailLength != 0)))
		return xfail(WSAEFAULT);
	if (tfb != NULL && tfb->HeadLength != 0)
		b[n++] = (WSABUF){ tfb->HeadLength, tfb->Head };
	if (tfb != NULL && tfb->TailLength != 0)
		b[n++] = (WSABUF){ tfb->TailLength, tfb->Tail };
	return tf_send(s, b, n, flags, ov);
}

static BOOL WSAAPI
os_transmit_packets(SOCKET s, LPTRANSMIT_PACKETS_ELEMENT el, DWORD n,
		DWORD send_size, LPWSAOVERLAPPED ov, DWORD flags)
{
	WSABUF b[OS_MAX_IOV];

	if (el == NULL && n != 0)
		return xfail(WSAEFAULT);
	if (n > OS_MAX_IOV)
		return xfail(WSAENOBUFS);
	for (DWORD i = 0; i < n; i++) {
		if (el[i].dwElFlags & TP_ELEMENT_FILE)
			return xfail(WSAEOPNOTSUPP);
		if (!(el[i].dwElFlags & TP_ELEMENT_MEMORY))
			return xfail(WSAEINVAL);
		if (el[i].pBuffer == NULL && el[i].cLength != 0)
			return xfail(WSAEFAULT);
		b[i] = (WSABUF){ el[i].cLength, el[i].pBuffer };
	}
	return tf_send(s, b, n, flags, ov);
}

typedef void (*ext_fn)(void);

int
os_ext_function(LPVOID in, DWORD inlen, LPVOID out, DWORD outlen,
		LPDWORD ret)
{
	static const struct {
		GUID id;
		ext_fn fn;
	} exts[] = {
		{ WSAID_ACCEPTEX, (ext_fn)os_accept_ex },
		{ WSAID_GETACCEPTEXSOCKADDRS,
			(ext_fn)os_get_acceptex_sockaddrs },
		{ WSAID_CONNECTEX, (ext_fn)os_connect_ex },
		{ WSAID_DISCONNECTEX, (ext_fn)os_disconnect_ex },
		{ WSAID_TRANSMITFILE, (ext_fn)os_transmit_file },
		{ WSAID_TRANSMITPACKETS, (ext_fn)os_transmit_packets },
		{ WSAID_WSARECVMSG, (ext_fn)os_recv_msg },
	};
	GUID id;

	if (in == NULL || inlen < sizeof(id) || ret == NULL)
		return WSAEFAULT;
	memcpy(&id, in, sizeof(id));
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		if (memcmp(&exts[i].id, &id, sizeof(id)) != 0)
			continue;
		if (out == NULL || outlen < sizeof(exts[i].fn))
			return WSAEFAULT;
		memcpy(out, &exts[i].fn, sizeof(exts[i].fn));
		*ret = sizeof(exts[i].fn);
		return 0;
	}
	return WSAEINVAL;
}

int
os_ext_update_context(struct os_sock *o, int name, const char *val,
		int len, LPINT err)
{
	struct os_sock *l;
	SOCKET ls;

	if (name == SO_UPDATE_CONNECT_CONTEXT)
		return 0;
	/* The listening socket's handle. */
	if (val == NULL || len < (int)sizeof(ls))
		return os_fail(err, WSAEFAULT);
	memcpy(&ls, val, sizeof(ls));
	l = os_sock_get(ls, err);
	if (l == NULL)
		return SOCKET_ERROR;
	if (!__atomic_load_n(&l->listening, __ATOMIC_RELAXED) || l == o)
		return os_done(l, os_fail(err, WSAEINVAL));
	return os_done(l, 0);
}
