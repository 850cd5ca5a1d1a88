/* SPDX-License-Identifier: BSD-3-Clause */
/* WSAMSG control data in Windows' layout (wsp_cmsg.h). */
#include <string.h>

#include "wsp_cmsg.h"

bool
wsp_cmsg_put(WSABUF *ctl, DWORD *used, INT level, INT type,
		const void *data, size_t len)
{
	size_t space = WSA_CMSG_SPACE(len);
	WSACMSGHDR h = { .cmsg_len = WSA_CMSG_LEN(len), .cmsg_level = level,
		.cmsg_type = type };
	char *p;

	if (ctl->buf == NULL || *used + space > ctl->len)
		return false;
	p = ctl->buf + *used;
	memset(p, 0, space);
	memcpy(p, &h, sizeof(h));
	memcpy(p + WSA_CMSGDATA_ALIGN(sizeof(WSACMSGHDR)), data, len);
	*used += (DWORD)space;
	return true;
}

int
wsp_cmsg_get(const WSABUF *ctl, DWORD off, WSACMSGHDR *h)
{
	if ((size_t)ctl->len - off < sizeof(*h))
		return WSAEINVAL;
	memcpy(h, ctl->buf + off, sizeof(*h));
	if (h->cmsg_len < WSA_CMSG_LEN(0) ||
			h->cmsg_len > (size_t)ctl->len - off)
		return WSAEINVAL;
	return 0;
}

DWORD
wsp_cmsg_next(const WSABUF *ctl, DWORD off, const WSACMSGHDR *h)
{
	if (WSA_CMSGHDR_ALIGN(h->cmsg_len) >= (size_t)ctl->len - off)
		return ctl->len;
	return off + (DWORD)WSA_CMSGHDR_ALIGN(h->cmsg_len);
}
