/* SPDX-License-Identifier: BSD-3-Clause */
/* WSAPoll tests: shared helpers and the suites. */
#ifndef _POLL_H_
#define _POLL_H_

#include "pt.h"

/* A UDP socket bound to our address, ephemeral port; its name. */
SOCKET poll_udp(struct sockaddr_in *name);

/* One entry. */
WSAPOLLFD poll_fd(SOCKET s, SHORT events);

extern const struct wt_suite test_poll_tcp_suite;

#endif /* _POLL_H_ */
