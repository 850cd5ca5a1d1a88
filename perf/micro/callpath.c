/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * callpath: what one Winsock data call costs on the provider's common
 * path (Ws2_32 stand-in, handle lookup, reference, arguments, dataplane
 * call, error), counted in instructions by perf/micro/callpath_ir.sh
 * (callgrind Ir: counts hold on a loaded machine, nanoseconds do not).
 *
 * Winsock up on the in-memory loop port (WSPDK_DEVICE=loop), non-
 * blocking sockets. Each case is a function of its own, which the
 * script collects alone (--toggle-collect), called ROUNDS times:
 *
 *   cp_recv_empty   WSARecv on a TCP socket with nothing to read
 *                   (WSAEWOULDBLOCK: a polling receiver's common call)
 *   cp_send64       WSASend of 64 B on a TCP connection (its peer is
 *                   drained between calls, outside what is counted)
 *   cp_sendto64     WSASendTo of 64 B on UDP to our own address
 *   cp_recvfrom64   WSARecvFrom of that datagram, once it is there
 *
 *   callpath [--rounds N]
 *
 * prints rounds=N and the calls that did not do what they should
 * (bad=, which must be 0 for the figures to mean anything).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ws2.h"

#define SELF		"198.18.0.2"
#define TCP_PORT	7300
#define UDP_PORT	7301
#define WAIT_ROUNDS	100000	/* polls for a datagram to arrive */

static char buf[2048];
static unsigned int bad;
static int bad_err;	/* the last bad call's WSAGetLastError */

/* noinline: callgrind collects each by name. */
#define CP_FN	__attribute__((noinline)) static void

CP_FN
cp_recv_empty(SOCKET s, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		WSABUF b = { sizeof(buf), buf };
		DWORD got = 0, flags = 0;

		if (WSARecv(s, &b, 1, &got, &flags, NULL, NULL) !=
				SOCKET_ERROR ||
				WSAGetLastError() != WSAEWOULDBLOCK)
			bad++;
	}
}

CP_FN
cp_send64(SOCKET s)
{
	WSABUF b = { 64, buf };
	DWORD sent = 0;

	if (WSASend(s, &b, 1, &sent, 0, NULL, NULL) != 0 || sent != 64)
		bad++;
}

CP_FN
cp_sendto64(SOCKET s, const struct sockaddr_in *to)
{
	WSABUF b = { 64, buf };
	DWORD sent = 0;

	if (WSASendTo(s, &b, 1, &sent, 0, (const struct sockaddr *)to,
			sizeof(*to), NULL, NULL) != 0 || sent != 64) {
		bad_err = WSAGetLastError();
		bad++;
	}
}

CP_FN
cp_recvfrom64(SOCKET s)
{
	WSABUF b = { sizeof(buf), buf };
	struct sockaddr_in from;
	int fromlen = sizeof(from);
	DWORD got = 0, flags = 0;

	if (WSARecvFrom(s, &b, 1, &got, &flags, (struct sockaddr *)&from,
			&fromlen, NULL, NULL) != 0 || got != 64)
		bad++;
}

/* Everything s holds, read outside the counted functions. */
static void
drain(SOCKET s)
{
	for (int i = 0; i < 1000; i++)
		if (recv(s, buf, sizeof(buf), 0) <= 0)
			return;
}

/* Until s has something to read (select polls, not counted). */
static int
readable(SOCKET s)
{
	for (int i = 0; i < WAIT_ROUNDS; i++) {
		struct timeval tv = { 0, 1000 };
		fd_set rd;

		FD_ZERO(&rd);
		FD_SET(s, &rd);
		if (select(0, &rd, NULL, NULL, &tv) > 0)
			return 0;
	}
	return -1;
}

static struct sockaddr_in
addr(unsigned int port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((u_short)port);
	inet_pton(AF_INET, SELF, &a.sin_addr);
	return a;
}

static int
nonblocking(SOCKET s)
{
	u_long one = 1;

	return ioctlsocket(s, FIONBIO, &one);
}

static int
die(const char *what)
{
	fprintf(stderr, "callpath: %s failed (%d)\n", what, WSAGetLastError());
	return 1;
}

static int
run(unsigned int rounds)
{
	struct sockaddr_in ta = addr(TCP_PORT), ua = addr(UDP_PORT);
	SOCKET l, a, b, u;

	l = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	a = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	u = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
	if (l == INVALID_SOCKET || a == INVALID_SOCKET || u == INVALID_SOCKET)
		return die("socket");
	if (bind(l, (struct sockaddr *)&ta, sizeof(ta)) != 0 ||
			listen(l, 1) != 0)
		return die("listen");
	if (connect(a, (struct sockaddr *)&ta, sizeof(ta)) != 0)
		return die("connect");
	b = accept(l, NULL, NULL);
	if (b == INVALID_SOCKET)
		return die("accept");
	if (bind(u, (struct sockaddr *)&ua, sizeof(ua)) != 0)
		return die("bind");
	if (nonblocking(a) != 0 || nonblocking(b) != 0 || nonblocking(u) != 0)
		return die("FIONBIO");

	cp_recv_empty(b, rounds);
	for (unsigned int i = 0; i < rounds; i++) {
		cp_send64(a);
		drain(b);
	}
	for (unsigned int i = 0; i < rounds; i++) {
		cp_sendto64(u, &ua);
		if (readable(u) != 0)
			return die("datagram to arrive");
		cp_recvfrom64(u);
	}
	closesocket(u);
	closesocket(b);
	closesocket(a);
	closesocket(l);
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned int rounds = 1000;
	WSADATA wd;
	int ret;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) {
			rounds = (unsigned int)atoi(argv[++i]);
		} else {
			fprintf(stderr, "usage: callpath [--rounds N]\n");
			return 2;
		}
	}
	if (WSAStartup(MAKEWORD(2, 2), &wd) != 0) {
		fprintf(stderr, "callpath: WSAStartup failed\n");
		return 1;
	}
	ret = run(rounds);
	printf("rounds=%u\nbad=%u\nbad_err=%d\n", rounds, bad, bad_err);
	if (WSACleanup() != 0)
		ret = 1;
	return ret != 0 || bad != 0;
}
