/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wspdk_demo: a small Winsock program driven line by line from stdin, so
 * a script (wspdk.sh demo) can interleave it with what the kernel on the
 * other side of the wire does. The same source builds against the real
 * Ws2_32 on Windows.
 *
 * Commands:
 *   startup                          WSAStartup(2.2)
 *   cleanup                          WSACleanup()
 *   udp-echo <port> <count> <ms>     echo <count> datagrams, then close
 *   udp-send <ip> <port> <text>      send one datagram
 *   quit
 * Every command answers with a line starting "ok " or "error ".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <process.h>
#define getpid _getpid
#else
#include <unistd.h>
#endif

#include "ws2.h"

static void
say_error(const char *what)
{
	printf("error %s: WSA error %d\n", what, WSAGetLastError());
}

static void
startup(void)
{
	WSADATA wd;
	int ret = WSAStartup(MAKEWORD(2, 2), &wd);

	if (ret != 0) {
		printf("error startup: %d\n", ret);
		return;
	}
	printf("ok startup: Winsock %u.%u\n", LOBYTE(wd.wVersion),
		HIBYTE(wd.wVersion));
}

static void
cleanup(void)
{
	if (WSACleanup() != 0)
		say_error("cleanup");
	else
		printf("ok cleanup\n");
}

static void
udp_echo(unsigned int port, unsigned int count, unsigned int ms)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	DWORD timeout = ms;
	unsigned int n = 0;
	SOCKET s;

	s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
	if (s == INVALID_SOCKET) {
		say_error("socket");
		return;
	}
	a.sin_port = htons((u_short)port);
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) != 0 ||
			setsockopt(s, SOL_SOCKET, SO_RCVTIMEO,
			(const char *)&timeout, sizeof(timeout)) != 0) {
		say_error("bind");
		closesocket(s);
		return;
	}
	printf("listening on udp port %u\n", port);
	fflush(stdout);
	while (n < count) {
		struct sockaddr_in from;
		int flen = sizeof(from), len;
		char buf[2048], ip[INET_ADDRSTRLEN];

		len = recvfrom(s, buf, sizeof(buf) - 1, 0,
			(struct sockaddr *)&from, &flen);
		if (len < 0) {
			say_error("recvfrom");
			break;
		}
		buf[len] = '\0';
		inet_ntop(AF_INET, &from.sin_addr, ip, sizeof(ip));
		printf("  datagram from %s:%u, %d bytes: %.*s\n", ip,
			ntohs(from.sin_port), len, (int)strcspn(buf, "\r\n"),
			buf);
		if (sendto(s, buf, len, 0, (struct sockaddr *)&from, flen) !=
				len) {
			say_error("sendto");
			break;
		}
		n++;
	}
	closesocket(s);
	printf("ok udp-echo: echoed %u datagrams\n", n);
}

static void
udp_send(const char *ip, unsigned int port, const char *text)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	SOCKET s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
	int len = (int)strlen(text);

	if (s == INVALID_SOCKET) {
		say_error("socket");
		return;
	}
	a.sin_port = htons((u_short)port);
	if (inet_pton(AF_INET, ip, &a.sin_addr) != 1) {
		printf("error udp-send: bad address %s\n", ip);
	} else if (sendto(s, text, len, 0, (struct sockaddr *)&a,
			sizeof(a)) != len) {
		say_error("sendto");
	} else {
		printf("ok udp-send: %d bytes to %s:%u\n", len, ip, port);
	}
	closesocket(s);
}

int
main(void)
{
	char line[1024];

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("wspdk demo, pid %ld: telemetry with "
		"'dpdk-telemetry.py -f wspdk%ld'\n", (long)getpid(),
		(long)getpid());
	while (fgets(line, sizeof(line), stdin) != NULL) {
		char cmd[32] = "", a1[256] = "", a2[64] = "", a3[512] = "";

		if (sscanf(line, "%31s %255s %63s %511[^\n]", cmd, a1, a2,
				a3) < 1)
			continue;
		if (strcmp(cmd, "startup") == 0)
			startup();
		else if (strcmp(cmd, "cleanup") == 0)
			cleanup();
		else if (strcmp(cmd, "udp-echo") == 0)
			udp_echo((unsigned int)atoi(a1),
				(unsigned int)atoi(a2),
				(unsigned int)atoi(a3));
		else if (strcmp(cmd, "udp-send") == 0)
			udp_send(a1, (unsigned int)atoi(a2), a3);
		else if (strcmp(cmd, "quit") == 0)
			break;
		else
			printf("error unknown command %s\n", cmd);
	}
	printf("ok bye\n");
	return 0;
}
