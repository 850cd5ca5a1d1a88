/* SPDX-License-Identifier: BSD-3-Clause */
/* The kernel's UDP sockets for the timestamp tests (ts_kernel.h). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ts_kernel.h"

static struct sockaddr_in
sin_of(uint32_t ip, uint16_t port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(ip);
	a.sin_port = htons(port);
	return a;
}

int
tsk_open(uint16_t port)
{
	struct sockaddr_in a = sin_of(TSK_IP, port);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int
tsk_send(int fd, uint32_t ip, uint16_t port, const void *buf, size_t len)
{
	struct sockaddr_in a = sin_of(ip, port);

	return sendto(fd, buf, len, 0, (struct sockaddr *)&a,
		sizeof(a)) == (ssize_t)len ? 0 : -1;
}

long
tsk_recv(int fd, void *buf, size_t len, unsigned int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, (int)ms) != 1)
		return -1;
	return (long)recv(fd, buf, len, 0);
}

void
tsk_close(int fd)
{
	if (fd >= 0)
		close(fd);
}
