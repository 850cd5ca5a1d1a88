/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers shared by the UDP API tests (see udp_api.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "wt.h"
#include "udp_api.h"

SOCKET
ua_udp(void)
{
	return pt_socket(SOCK_DGRAM, IPPROTO_UDP);
}

SOCKET
ua_bound(struct sockaddr_in *name)
{
	struct sockaddr_in a = pt_sin(PT_IP, 0);
	int len = PT_SIN_LEN;
	SOCKET s = ua_udp();

	CU_ASSERT_FATAL(bind(s, PT_SA(a), PT_SIN_LEN) == 0);
	CU_ASSERT_FATAL(getsockname(s, PT_SA(a), &len) == 0);
	CU_ASSERT_FATAL(a.sin_port != 0);
	if (name != NULL)
		*name = a;
	return s;
}

void
ua_send_wait(SOCKET tx, SOCKET rx, const struct sockaddr_in *to,
		const void *buf, int len)
{
	CU_ASSERT_EQUAL_FATAL(sendto(tx, buf, len, 0,
		(const struct sockaddr *)to, PT_SIN_LEN), len);
	CU_ASSERT_FATAL(pt_readable(rx, PT_WAIT_MS));
}

uint16_t
ua_closed_port(void)
{
	struct sockaddr_in a;
	SOCKET s = ua_bound(&a);

	pt_close(s);
	return ntohs(a.sin_port);
}

int
ua_recv(SOCKET s, char *buf, int len, struct sockaddr_in *from,
		unsigned int ms)
{
	struct sockaddr_in a;
	int alen = PT_SIN_LEN, n;

	if (!pt_readable(s, ms))
		return -1;
	n = recvfrom(s, buf, len, 0, PT_SA(a), &alen);
	if (n == SOCKET_ERROR)
		return -1;
	if (from != NULL)
		*from = a;
	return n;
}

const WSAPROTOCOL_INFOW *
ua_udp_entry(void)
{
	return pt_entry(SOCK_DGRAM, IPPROTO_UDP);
}

int
ua_startup(void)
{
	if (pt_startup() != 0)
		return -1;
	if (ua_udp_entry() == NULL) {
		fprintf(stderr, "FAIL: no UDP entry in the catalog\n");
		WSACleanup();
		return -1;
	}
	return 0;
}

