/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers shared by the TCP API tests (see tcp_api.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "tcp_api.h"

SOCKET
ta_tcp(void)
{
	return pt_socket(SOCK_STREAM, IPPROTO_TCP);
}

SOCKET
ta_listener(struct sockaddr_in *name)
{
	struct sockaddr_in a = pt_sin(PT_IP, 0);
	int len = PT_SIN_LEN;
	SOCKET s = ta_tcp();

	CU_ASSERT_FATAL(bind(s, PT_SA(a), PT_SIN_LEN) == 0);
	CU_ASSERT_FATAL(listen(s, SOMAXCONN) == 0);
	CU_ASSERT_FATAL(getsockname(s, PT_SA(a), &len) == 0);
	if (name != NULL)
		*name = a;
	return s;
}

void
ta_pair(SOCKET *cli, SOCKET *srv)
{
	ta_pair_rcvbuf(cli, srv, 0);
}

void
ta_pair_rcvbuf(SOCKET *cli, SOCKET *srv, int rcvbuf)
{
	struct sockaddr_in a;
	SOCKET l = ta_listener(&a);

	/* Before the SYN comes: the accepted socket's window is its
	 * listener's buffer. */
	if (rcvbuf != 0)
		pt_setopt_int(l, SOL_SOCKET, SO_RCVBUF, rcvbuf);

	*cli = ta_tcp();
	if (connect(*cli, PT_SA(a), PT_SIN_LEN) != 0)
		fprintf(stderr, "connect: %d\n", WSAGetLastError());
	CU_ASSERT_FATAL(ta_ready(l, 0, PT_WAIT_MS));
	*srv = accept(l, NULL, NULL);
	CU_ASSERT_FATAL(*srv != INVALID_SOCKET);
	pt_close(l);
}

uint16_t
ta_closed_port(void)
{
	struct sockaddr_in a = pt_sin(PT_IP, 0);
	int len = PT_SIN_LEN;
	SOCKET s = ta_tcp();

	CU_ASSERT_FATAL(bind(s, PT_SA(a), PT_SIN_LEN) == 0);
	CU_ASSERT_FATAL(getsockname(s, PT_SA(a), &len) == 0);
	pt_close(s);
	return ntohs(a.sin_port);
}

void
ta_send_all(SOCKET s, const char *buf, int len)
{
	int n = send(s, buf, len, 0);

	if (n != len)
		fprintf(stderr, "send: %d (%d)\n", n, WSAGetLastError());
	CU_ASSERT_EQUAL_FATAL(n, len);
}

int
ta_recv_n(SOCKET s, char *buf, int len, unsigned int ms)
{
	int got = 0;

	while (got < len) {
		int n;

		if (!pt_readable(s, ms))
			break;
		n = recv(s, buf + got, len - got, 0);
		if (n == SOCKET_ERROR)
			return got != 0 ? got : -1;
		if (n == 0)
			break;
		got += n;
	}
	return got;
}

bool
ta_ready(SOCKET s, int set, unsigned int ms)
{
	struct timeval tv = { (long)(ms / 1000), (long)(ms % 1000) * 1000 };
	fd_set fs[3];

	for (int i = 0; i < 3; i++)
		FD_ZERO(&fs[i]);
	FD_SET(s, &fs[set]);
	return select(0, &fs[0], &fs[1], &fs[2], &tv) == 1 &&
		FD_ISSET(s, &fs[set]);
}

int
ta_getopt_int(SOCKET s, int level, int name)
{
	int v = -1, len = sizeof(v);

	PT_OK(getsockopt(s, level, name, (char *)&v, &len));
	return v;
}

void
ta_linger(SOCKET s, unsigned int onoff, unsigned int secs)
{
	LINGER l = { .l_onoff = (u_short)onoff, .l_linger = (u_short)secs };

	PT_OK(setsockopt(s, SOL_SOCKET, SO_LINGER, (const char *)&l,
		sizeof(l)));
}

const WSAPROTOCOL_INFOW *
ta_tcp_entry(void)
{
	return pt_entry(SOCK_STREAM, IPPROTO_TCP);
}

void
ta_count_arg(int *argc, char ***argv, unsigned long *n)
{
	char **v = *argv;

	if (*argc > 1 && v[1][0] != '\0' &&
			strspn(v[1], "0123456789") == strlen(v[1])) {
		*n = strtoul(v[1], NULL, 10);
		v[1] = v[0];
		(*argc)--;
		(*argv)++;
	}
}
