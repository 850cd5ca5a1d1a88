/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * errno -> WSA error translation, in one place (as lwIP's
 * err_to_errno_table): the dataplane reports POSIX meanings, Winsock callers get Winsock codes.
 */
#include <errno.h>
#include <stdlib.h>

#include "wsp_abi.h"
#include "wsp_error.h"
#include "wsp_log.h"

/*
 * A switch, not a table walk: the compiler makes it a jump table, so a
 * failing call (WSAEWOULDBLOCK is the common one, on every empty poll)
 * pays a few instructions whatever the code.
 */
int
wsp_error_from_errno(int err)
{
	err = abs(err);
	switch (err) {
	case EINVAL:		return WSAEINVAL;
	case EFAULT:		return WSAEFAULT;
	case ENOMEM:		return WSAENOBUFS;
	case ENOBUFS:		return WSAENOBUFS;
	case ENOSPC:		return WSAENOBUFS;
	case EAGAIN:		return WSAEWOULDBLOCK;
	case EINPROGRESS:	return WSAEINPROGRESS;
	case EALREADY:		return WSAEALREADY;
	case EINTR:		return WSAEINTR;
	case ECANCELED:		return WSA_OPERATION_ABORTED;
	case EADDRINUSE:	return WSAEADDRINUSE;
	case EADDRNOTAVAIL:	return WSAEADDRNOTAVAIL;
	case EAFNOSUPPORT:	return WSAEAFNOSUPPORT;
	case EPROTONOSUPPORT:	return WSAEPROTONOSUPPORT;
	case EPROTOTYPE:	return WSAEPROTOTYPE;
	case ENOPROTOOPT:	return WSAENOPROTOOPT;
	case EOPNOTSUPP:	return WSAEOPNOTSUPP;
	case EMSGSIZE:		return WSAEMSGSIZE;
	case EDESTADDRREQ:	return WSAEDESTADDRREQ;
	case EISCONN:		return WSAEISCONN;
	case ENOTCONN:		return WSAENOTCONN;
	case ESHUTDOWN:		return WSAESHUTDOWN;
	case ECONNREFUSED:	return WSAECONNREFUSED;
	case ECONNRESET:	return WSAECONNRESET;
	case ECONNABORTED:	return WSAECONNABORTED;
	case ETIMEDOUT:		return WSAETIMEDOUT;
	case ENETRESET:		return WSAENETRESET;	/* keepalive gave up */
	case ENETDOWN:		return WSAENETDOWN;
	case ENETUNREACH:	return WSAENETUNREACH;
	case EHOSTUNREACH:	return WSAEHOSTUNREACH;
	case EACCES:		return WSAEACCES;
	case EMFILE:		return WSAEMFILE;
	case ENOTSOCK:		return WSAENOTSOCK;
	case ENODEV:		return WSAENETDOWN;
	}
	WSP_LOG(ERR, "no Winsock code for errno %d; reporting WSAEINVAL", err);
	return WSAEINVAL;
}
