/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * os_kernel.c: kernel sockets for the stand-in's OS base provider (see
 * os_kernel.h). Thin: every call is one system call.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "os_kernel.h"

static int
neg(long ret)
{
	return ret < 0 ? -errno : (int)ret;
}

static struct sockaddr_in
sin_of(uint32_t ip, uint16_t port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = ip;
	sin.sin_port = port;
	return sin;
}

int
os_k_socket(bool stream)
{
	return neg(socket(AF_INET, (stream ? SOCK_STREAM : SOCK_DGRAM) |
		SOCK_CLOEXEC, 0));
}

int
os_k_close(int fd)
{
	return neg(close(fd));
}

int
os_k_bind(int fd, uint32_t ip, uint16_t port)
{
	struct sockaddr_in sin = sin_of(ip, port);

	return neg(bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
}

int
os_k_connect(int fd, uint32_t ip, uint16_t port)
{
	struct sockaddr_in sin = sin_of(ip, port);

	/* AF_UNSPEC dissolves a datagram association, as on Windows. */
	if (ip == 0 && port == 0)
		sin.sin_family = AF_UNSPEC;
	return neg(connect(fd, (struct sockaddr *)&sin, sizeof(sin)));
}

int
os_k_listen(int fd, int backlog)
{
	return neg(listen(fd, backlog));
}

int
os_k_accept(int fd, uint32_t *ip, uint16_t *port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int c = accept4(fd, (struct sockaddr *)&sin, &len, SOCK_CLOEXEC);

	if (c < 0)
		return -errno;
	*ip = sin.sin_addr.s_addr;
	*port = sin.sin_port;
	return c;
}

/* accept only if a connection waits: -EAGAIN if none (a listener in
 * blocking mode; only the overlapped thread calls it, so what poll saw
 * is still there unless the application accepts on the same socket). */
int
os_k_accept_nowait(int fd, uint32_t *ip, uint16_t *port)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int r = poll(&p, 1, 0);

	if (r < 0)
		return -errno;
	if (r == 0 || !(p.revents & POLLIN))
		return -EAGAIN;
	return os_k_accept(fd, ip, port);
}

/* fd takes over the connection of c (closed): its number stays. */
int
os_k_adopt(int fd, int c)
{
	int r = dup3(c, fd, O_CLOEXEC);

	if (r < 0) {
		r = -errno;
		close(c);
		return r;
	}
	close(c);
	return 0;
}

long
os_k_send(int fd, const struct os_k_iov *iov, int n, unsigned int f,
		const uint32_t *ip, const uint16_t *port)
{
	struct sockaddr_in sin;
	struct msghdr m;
	ssize_t r;

	memset(&m, 0, sizeof(m));
	if (ip != NULL) {
		sin = sin_of(*ip, *port);
		m.msg_name = &sin;
		m.msg_namelen = sizeof(sin);
	}
	m.msg_iov = (struct iovec *)(uintptr_t)iov;
	m.msg_iovlen = (size_t)n;
	r = sendmsg(fd, &m, MSG_NOSIGNAL | ((f & OS_K_F_OOB) ? MSG_OOB : 0) |
		((f & OS_K_F_NOWAIT) ? MSG_DONTWAIT : 0));
	return r < 0 ? -errno : r;
}

long
os_k_recv_pi(int fd, struct os_k_iov *iov, int n, unsigned int f,
		bool *trunc, uint32_t *ip, uint16_t *port,
		struct os_k_pktinfo *pi)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} ctl;
	struct sockaddr_in sin;
	struct msghdr m;
	struct cmsghdr *c;
	ssize_t r;

	memset(&m, 0, sizeof(m));
	memset(&sin, 0, sizeof(sin));
	m.msg_name = &sin;
	m.msg_namelen = sizeof(sin);
	m.msg_iov = (struct iovec *)iov;
	m.msg_iovlen = (size_t)n;
	if (pi != NULL) {
		m.msg_control = ctl.buf;
		m.msg_controllen = sizeof(ctl.buf);
		pi->have = false;
	}
	r = recvmsg(fd, &m, ((f & OS_K_F_PEEK) ? MSG_PEEK : 0) |
		((f & OS_K_F_OOB) ? MSG_OOB : 0) |
		((f & OS_K_F_NOWAIT) ? MSG_DONTWAIT : 0));
	if (r < 0)
		return -errno;
	*trunc = (m.msg_flags & MSG_TRUNC) != 0;
	if (ip != NULL) {
		*ip = sin.sin_addr.s_addr;
		*port = sin.sin_port;
	}
	for (c = pi != NULL ? CMSG_FIRSTHDR(&m) : NULL; c != NULL;
			c = CMSG_NXTHDR(&m, c)) {
		struct in_pktinfo k;

		if (c->cmsg_level != IPPROTO_IP || c->cmsg_type != IP_PKTINFO)
			continue;
		memcpy(&k, CMSG_DATA(c), sizeof(k));
		pi->have = true;
		pi->addr = k.ipi_addr.s_addr;
		pi->ifindex = k.ipi_ifindex;
	}
	return r;
}

long
os_k_recv(int fd, struct os_k_iov *iov, int n, unsigned int f,
		bool *trunc, uint32_t *ip, uint16_t *port)
{
	return os_k_recv_pi(fd, iov, n, f, trunc, ip, port, NULL);
}

int
os_k_name(int fd, bool peer, uint32_t *ip, uint16_t *port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int r = peer ? getpeername(fd, (struct sockaddr *)&sin, &len) :
		getsockname(fd, (struct sockaddr *)&sin, &len);

	if (r < 0)
		return -errno;
	*ip = sin.sin_addr.s_addr;
	*port = sin.sin_port;
	return 0;
}

int
os_k_shutdown(int fd, int how)
{
	return neg(shutdown(fd, how));
}

int
os_k_nonblock(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return -errno;
	return neg(fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK :
		fl & ~O_NONBLOCK));
}

int
os_k_nread(int fd)
{
	int n = 0;

	return ioctl(fd, FIONREAD, &n) < 0 ? -errno : n;
}

static const struct {
	int level;
	int name;
} opts[] = {
	[OS_K_SO_REUSEADDR] = { SOL_SOCKET, SO_REUSEADDR },
	[OS_K_SO_KEEPALIVE] = { SOL_SOCKET, SO_KEEPALIVE },
	[OS_K_SO_BROADCAST] = { SOL_SOCKET, SO_BROADCAST },
	[OS_K_SO_SNDBUF] = { SOL_SOCKET, SO_SNDBUF },
	[OS_K_SO_RCVBUF] = { SOL_SOCKET, SO_RCVBUF },
	[OS_K_SO_ERROR] = { SOL_SOCKET, SO_ERROR },
	[OS_K_SO_TYPE] = { SOL_SOCKET, SO_TYPE },
	[OS_K_SO_ACCEPTCONN] = { SOL_SOCKET, SO_ACCEPTCONN },
	[OS_K_SO_LINGER] = { SOL_SOCKET, SO_LINGER },
	[OS_K_TCP_NODELAY] = { IPPROTO_TCP, TCP_NODELAY },
	[OS_K_IP_TTL] = { IPPROTO_IP, IP_TTL },
	[OS_K_IP_TOS] = { IPPROTO_IP, IP_TOS },
	[OS_K_SO_RCVTIMEO] = { SOL_SOCKET, SO_RCVTIMEO },
	[OS_K_SO_SNDTIMEO] = { SOL_SOCKET, SO_SNDTIMEO },
	[OS_K_IP_PKTINFO] = { IPPROTO_IP, IP_PKTINFO },
};

static bool
is_timeo(enum os_k_opt o)
{
	return o == OS_K_SO_RCVTIMEO || o == OS_K_SO_SNDTIMEO;
}

int
os_k_setopt(int fd, enum os_k_opt o, int v, int v2)
{
	struct linger l = { .l_onoff = v, .l_linger = v2 };

	if (o == OS_K_SO_LINGER)
		return neg(setsockopt(fd, SOL_SOCKET, SO_LINGER, &l,
			sizeof(l)));
	if (is_timeo(o)) {	/* Winsock's DWORD ms, 0 = none */
		struct timeval tv = { .tv_sec = (unsigned int)v / 1000,
			.tv_usec = (unsigned int)v % 1000 * 1000 };

		return neg(setsockopt(fd, opts[o].level, opts[o].name, &tv,
			sizeof(tv)));
	}
	return neg(setsockopt(fd, opts[o].level, opts[o].name, &v,
		sizeof(v)));
}

int
os_k_getopt(int fd, enum os_k_opt o, int *v, int *v2)
{
	struct linger l;
	socklen_t len = sizeof(*v);

	if (o == OS_K_SO_LINGER) {
		len = sizeof(l);
		if (getsockopt(fd, SOL_SOCKET, SO_LINGER, &l, &len) < 0)
			return -errno;
		*v = l.l_onoff;
		*v2 = l.l_linger;
		return 0;
	}
	*v2 = 0;
	if (is_timeo(o)) {
		struct timeval tv;

		len = sizeof(tv);
		if (getsockopt(fd, opts[o].level, opts[o].name, &tv, &len) < 0)
			return -errno;
		*v = (int)(tv.tv_sec * 1000 + tv.tv_usec / 1000);
		return 0;
	}
	return neg(getsockopt(fd, opts[o].level, opts[o].name, v, &len));
}

int
os_k_poll(struct os_k_poll *p, unsigned int n, int timeout_ms)
{
	struct pollfd pf[n > 0 ? n : 1];
	unsigned int i;
	int r;

	for (i = 0; i < n; i++) {
		pf[i].fd = p[i].fd;
		pf[i].events = (short)(((p[i].events & OS_K_IN) ? POLLIN : 0) |
			((p[i].events & OS_K_OUT) ? POLLOUT : 0));
	}
	do
		r = poll(pf, n, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	for (i = 0; i < n; i++)
		p[i].revents = ((pf[i].revents & POLLIN) ? OS_K_IN : 0) |
			((pf[i].revents & POLLOUT) ? OS_K_OUT : 0) |
			((pf[i].revents & (POLLERR | POLLNVAL)) ?
				OS_K_ERR : 0) |
			((pf[i].revents & POLLHUP) ? OS_K_HUP : 0);
	return r;
}

bool
os_k_peer_closed(int fd)
{
	char c;

	return recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}
