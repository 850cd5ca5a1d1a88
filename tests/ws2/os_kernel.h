/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * os_kernel.h: the Linux half of the stand-in's OS base provider
 * (os_provider.c): kernel sockets behind plain C types, because a Winsock
 * translation unit may not see <sys/socket.h> (wsp_abi.h). Addresses and
 * ports are in network byte order; errors are -errno.
 */
#ifndef _OS_KERNEL_H_
#define _OS_KERNEL_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct os_k_iov {
	void *base;
	size_t len;
};

/* Readiness, as poll reports it. */
#define OS_K_IN		0x1
#define OS_K_OUT	0x2
#define OS_K_ERR	0x4
#define OS_K_HUP	0x8

struct os_k_poll {
	int fd;
	unsigned int events;	/* OS_K_IN | OS_K_OUT */
	unsigned int revents;
};

/* Linux option levels and names the SPI side translates to. */
enum os_k_opt {
	OS_K_SO_REUSEADDR, OS_K_SO_KEEPALIVE, OS_K_SO_BROADCAST,
	OS_K_SO_SNDBUF, OS_K_SO_RCVBUF, OS_K_SO_ERROR, OS_K_SO_TYPE,
	OS_K_SO_ACCEPTCONN, OS_K_SO_LINGER, OS_K_TCP_NODELAY, OS_K_IP_TTL,
	OS_K_IP_TOS, OS_K_SO_RCVTIMEO, OS_K_SO_SNDTIMEO,	/* ms */
	OS_K_IP_PKTINFO,
};

int os_k_socket(bool stream);
int os_k_close(int fd);
int os_k_bind(int fd, uint32_t ip, uint16_t port);
int os_k_connect(int fd, uint32_t ip, uint16_t port);
int os_k_listen(int fd, int backlog);
/* A new fd, and the peer's address. */
int os_k_accept(int fd, uint32_t *ip, uint16_t *port);
/* os_k_accept, or -EAGAIN at once if no connection waits. */
int os_k_accept_nowait(int fd, uint32_t *ip, uint16_t *port);
/* fd takes over c's connection (AcceptEx's accept socket); c closed. */
int os_k_adopt(int fd, int c);
/* send/recv flags: OOB data, peek, never wait (overlapped I/O on a
 * blocking socket). */
#define OS_K_F_OOB	0x1
#define OS_K_F_PEEK	0x2
#define OS_K_F_NOWAIT	0x4

/* Bytes sent; to NULL: the connected peer. */
long os_k_send(int fd, const struct os_k_iov *iov, int n, unsigned int f,
		const uint32_t *ip, const uint16_t *port);
/* Bytes received; *trunc when a datagram did not fit. */
long os_k_recv(int fd, struct os_k_iov *iov, int n, unsigned int f,
		bool *trunc, uint32_t *ip, uint16_t *port);
/* IP_PKTINFO of a received datagram: the address it was sent to and the
 * interface it came in by. */
struct os_k_pktinfo {
	bool have;
	uint32_t addr;
	int ifindex;
};
/* os_k_recv, and the datagram's IP_PKTINFO in *pi (have: the socket
 * asked for it). */
long os_k_recv_pi(int fd, struct os_k_iov *iov, int n, unsigned int f,
		bool *trunc, uint32_t *ip, uint16_t *port,
		struct os_k_pktinfo *pi);
int os_k_name(int fd, bool peer, uint32_t *ip, uint16_t *port);
int os_k_shutdown(int fd, int how);
int os_k_nonblock(int fd, bool on);
/* Bytes readable at once. */
int os_k_nread(int fd);
/* Options: an int value but for OS_K_SO_LINGER (on, secs). */
int os_k_setopt(int fd, enum os_k_opt o, int v, int v2);
int os_k_getopt(int fd, enum os_k_opt o, int *v, int *v2);
/* poll(2); timeout_ms < 0 waits forever. */
int os_k_poll(struct os_k_poll *p, unsigned int n, int timeout_ms);
/* Whether a stream's peer has closed (readable with 0 bytes). */
bool os_k_peer_closed(int fd);

#endif /* _OS_KERNEL_H_ */
