/* SPDX-License-Identifier: BSD-3-Clause */
/* A kernel TCP server thread on 127.0.0.1 (see kserver.h). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kserver.h"

#define KS_WAIT_MS	5000

static pthread_t ks_thread;
static int ks_listener = -1;
static size_t ks_after;
static const char *ks_reply;
static struct ks_result ks_res;

/* Read into the result, waiting at most KS_WAIT_MS; 0 at EOF, -1 on
 * error or timeout, else bytes read. */
static ssize_t
ks_read(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	if (poll(&p, 1, KS_WAIT_MS) != 1)
		return -1;
	n = read(fd, ks_res.got + ks_res.len, sizeof(ks_res.got) -
		ks_res.len);
	if (n > 0)
		ks_res.len += (size_t)n;
	return n;
}

static void *
ks_main(void *arg)
{
	struct pollfd p = { .fd = ks_listener, .events = POLLIN };
	ssize_t n = 1;
	int c;

	if (poll(&p, 1, KS_WAIT_MS) != 1)
		return NULL;
	c = accept(ks_listener, NULL, NULL);
	if (c < 0)
		return NULL;
	while (ks_res.len < ks_after && (n = ks_read(c)) > 0)
		;
	if (n > 0 && write(c, ks_reply, strlen(ks_reply)) ==
			(ssize_t)strlen(ks_reply))
		while ((n = ks_read(c)) > 0)
			;
	ks_res.eof = n == 0;
	close(c);
	return NULL;
}

int
ks_start(uint16_t *port, size_t reply_after, const char *reply)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);

	memset(&ks_res, 0, sizeof(ks_res));
	ks_after = reply_after;
	ks_reply = reply;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ks_listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ks_listener < 0 || bind(ks_listener, (struct sockaddr *)&sin,
			sizeof(sin)) != 0 || listen(ks_listener, 1) != 0 ||
			getsockname(ks_listener, (struct sockaddr *)&sin,
			&len) != 0)
		goto fail;
	*port = ntohs(sin.sin_port);
	if (pthread_create(&ks_thread, NULL, ks_main, NULL) != 0)
		goto fail;
	return 0;
fail:
	if (ks_listener >= 0)
		close(ks_listener);
	ks_listener = -1;
	return -1;
}

int
ks_join(struct ks_result *r)
{
	pthread_join(ks_thread, NULL);
	close(ks_listener);
	ks_listener = -1;
	*r = ks_res;
	return 0;
}
