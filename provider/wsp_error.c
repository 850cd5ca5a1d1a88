/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * errno -> WSA error translation, one table (as lwIP's err_to_errno_table):
 * the dataplane reports POSIX meanings, Winsock callers get Winsock codes.
 */
#include <errno.h>
#include <stdlib.h>

#include "wsp_abi.h"
#include "wsp_error.h"
#include "wsp_log.h"

static const struct {
	int err;
	int wsa;
} table[] = {
	{ EINVAL, WSAEINVAL },
	{ EFAULT, WSAEFAULT },
	{ ENOMEM, WSAENOBUFS },
	{ ENOBUFS, WSAENOBUFS },
	{ ENOSPC, WSAENOBUFS },
	{ EAGAIN, WSAEWOULDBLOCK },
	{ EINPROGRESS, WSAEINPROGRESS },
	{ EALREADY, WSAEALREADY },
	{ EINTR, WSAEINTR },
	{ ECANCELED, WSA_OPERATION_ABORTED },
	{ EADDRINUSE, WSAEADDRINUSE },
	{ EADDRNOTAVAIL, WSAEADDRNOTAVAIL },
	{ EAFNOSUPPORT, WSAEAFNOSUPPORT },
	{ EPROTONOSUPPORT, WSAEPROTONOSUPPORT },
	{ EPROTOTYPE, WSAEPROTOTYPE },
	{ ENOPROTOOPT, WSAENOPROTOOPT },
	{ EOPNOTSUPP, WSAEOPNOTSUPP },
	{ EMSGSIZE, WSAEMSGSIZE },
	{ EDESTADDRREQ, WSAEDESTADDRREQ },
	{ EISCONN, WSAEISCONN },
	{ ENOTCONN, WSAENOTCONN },
	{ ESHUTDOWN, WSAESHUTDOWN },
	{ ECONNREFUSED, WSAECONNREFUSED },
	{ ECONNRESET, WSAECONNRESET },
	{ ECONNABORTED, WSAECONNABORTED },
	{ ETIMEDOUT, WSAETIMEDOUT },
	{ ENETRESET, WSAENETRESET },	/* keepalive gave up */
	{ ENETDOWN, WSAENETDOWN },
	{ ENETUNREACH, WSAENETUNREACH },
	{ EHOSTUNREACH, WSAEHOSTUNREACH },
	{ EACCES, WSAEACCES },
	{ EMFILE, WSAEMFILE },
	{ ENOTSOCK, WSAENOTSOCK },
	{ ENODEV, WSAENETDOWN },
};

int
wsp_error_from_errno(int err)
{
	err = abs(err);
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].err == err)
			return table[i].wsa;
	WSP_LOG(ERR, "no Winsock code for errno %d; reporting WSAEINVAL", err);
	return WSAEINVAL;
}
