/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A call's WSABUFs as the dataplane's dp_iovs: on the stack up to
 * WSP_IOV_STACK, allocated beyond (Microsoft documents no limit on
 * dwBufferCount). Shared by the plain calls (wsp_io.c) and the message
 * calls (wsp_msg.c).
 */
#ifndef _WSP_IOV_H_
#define _WSP_IOV_H_

#include <stdlib.h>

#include "dp_sock.h"
#include "wsp_abi.h"

#define WSP_IOV_STACK	16

struct wsp_iov {
	struct dp_iov stack[WSP_IOV_STACK];
	struct dp_iov *iov;
	unsigned int n;
};

/* 0, WSAEFAULT (a buffer without memory) or WSAENOBUFS. */
static inline int
wsp_iov_from(struct wsp_iov *v, const WSABUF *bufs, DWORD n)
{
	if (n != 0 && bufs == NULL)
		return WSAEFAULT;
	v->iov = n <= WSP_IOV_STACK ? v->stack : malloc(sizeof(*v->iov) * n);
	if (v->iov == NULL)
		return WSAENOBUFS;
	for (DWORD i = 0; i < n; i++) {
		if (bufs[i].len != 0 && bufs[i].buf == NULL) {
			if (v->iov != v->stack)
				free(v->iov);
			return WSAEFAULT;
		}
		v->iov[i] = (struct dp_iov){ bufs[i].buf, bufs[i].len };
	}
	v->n = n;
	return 0;
}

static inline void
wsp_iov_done(struct wsp_iov *v)
{
	if (v->iov != v->stack)
		free(v->iov);
}

#endif /* _WSP_IOV_H_ */
