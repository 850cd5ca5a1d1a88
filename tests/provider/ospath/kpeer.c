/* SPDX-License-Identifier: BSD-3-Clause */
/* The kernel echo peer in a namespace of its own (see kpeer.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kpeer.h"
#include "wt.h"

#define KP_WAIT_MS	20000	/* generous: a loaded machine */

static pid_t kp_pid = -1;
static int kp_cmd = -1;		/* parent -> child; closed: stop */
static int kp_ans = -1;		/* child -> parent */

/* One byte from fd within KP_WAIT_MS; -1 if none. */
static int
get_byte(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	unsigned char c;

	if (poll(&p, 1, KP_WAIT_MS) != 1 || read(fd, &c, 1) != 1)
		return -1;
	return c;
}

static int
listen_on(int type, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(KP_PEER_IP) };
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
			sizeof(one)) != 0 || bind(fd, (struct sockaddr *)&sin,
			sizeof(sin)) != 0 || (type == SOCK_STREAM &&
			listen(fd, 8) != 0))
		return -1;
	return fd;
}

#define KP_CONNS	8

/* Echo what one connection has; false at its EOF or error. */
static bool
echo_conn(int c)
{
	char buf[2048];
	ssize_t n = read(c, buf, sizeof(buf));

	return n > 0 && write(c, buf, (size_t)n) == n;
}

static void
echo_dgram(int u, unsigned int *served)
{
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);
	char buf[2048];
	ssize_t n = recvfrom(u, buf, sizeof(buf), 0, (struct sockaddr *)&from,
		&flen);

	if (n >= 0 && sendto(u, buf, (size_t)n, 0, (struct sockaddr *)&from,
			flen) == n)
		(*served)++;
}

static void
child(int cmd, int ans)
{
	unsigned int served[2] = { 0, 0 }, nc = 0;
	struct pollfd p[3 + KP_CONNS];
	int t, u;

	if (unshare(CLONE_NEWNET) != 0 || write(ans, "u", 1) != 1 ||
			get_byte(cmd) != 'm' ||
			system("ip link set lo up && "
			"ip addr add 198.19.2.2/24 dev kpb && "
			"ip link set kpb up") != 0 ||
			(t = listen_on(SOCK_STREAM, KP_TCP_PORT)) < 0 ||
			(u = listen_on(SOCK_DGRAM, KP_UDP_PORT)) < 0) {
		perror("kpeer");
		_exit(1);
	}
	if (write(ans, "r", 1) != 1)
		_exit(1);
	p[0] = (struct pollfd){ .fd = cmd, .events = POLLIN };
	p[1] = (struct pollfd){ .fd = t, .events = POLLIN };
	p[2] = (struct pollfd){ .fd = u, .events = POLLIN };
	/* Until the parent closes its end (or dies): bounded by it. */
	for (;;) {
		if (poll(p, 3 + nc, -1) < 0 && errno != EINTR)
			_exit(1);
		if (p[0].revents) {
			char c;

			if (read(cmd, &c, 1) != 1)
				_exit(0);
			/* 's': report what was served. */
			if (write(ans, served, sizeof(served)) !=
					sizeof(served))
				_exit(1);
		}
		if (p[2].revents & POLLIN)
			echo_dgram(u, &served[0]);
		for (unsigned int i = 0; i < nc; i++) {
			if (p[3 + i].revents == 0 || echo_conn(p[3 + i].fd))
				continue;
			close(p[3 + i].fd);
			p[3 + i--] = p[3 + --nc];
		}
		if ((p[1].revents & POLLIN) && nc < KP_CONNS) {
			int c = accept(t, NULL, NULL);

			if (c >= 0) {
				served[1]++;
				p[3 + nc++] = (struct pollfd){ .fd = c,
					.events = POLLIN };
			}
		}
	}
}

int
kp_start(void)
{
	int cmd[2], ans[2];

	if (wt_need_tools("ip") != 0 || wt_netns_enter() != 0)
		return -1;
	if (pipe2(cmd, O_CLOEXEC) != 0 || pipe2(ans, O_CLOEXEC) != 0) {
		perror("kpeer: pipe");
		return -1;
	}
	kp_pid = fork();
	if (kp_pid < 0) {
		perror("kpeer: fork");
		return -1;
	}
	if (kp_pid == 0) {
		close(cmd[1]);
		close(ans[0]);
		child(cmd[0], ans[1]);
		_exit(1);
	}
	close(cmd[0]);
	close(ans[1]);
	kp_cmd = cmd[1];
	kp_ans = ans[0];
	if (get_byte(kp_ans) != 'u' ||
			wt_sh("ip link add kpa type veth peer name kpb && "
			"ip link set kpb netns %d && "
			"ip addr add 198.19.2.1/24 dev kpa && "
			"ip link set kpa up", (int)kp_pid) != 0 ||
			write(kp_cmd, "m", 1) != 1 || get_byte(kp_ans) != 'r') {
		fprintf(stderr, "FAIL: kpeer: the peer namespace did not come "
			"up\n");
		kp_stop();
		return -1;
	}
	return 0;
}

int
kp_served(unsigned int *datagrams, unsigned int *connections)
{
	unsigned int v[2];
	struct pollfd p = { .fd = kp_ans, .events = POLLIN };

	if (write(kp_cmd, "s", 1) != 1 || poll(&p, 1, KP_WAIT_MS) != 1 ||
			read(kp_ans, v, sizeof(v)) != sizeof(v))
		return -1;
	*datagrams = v[0];
	*connections = v[1];
	return 0;
}

void
kp_stop(void)
{
	int st;

	if (kp_cmd >= 0)
		close(kp_cmd);
	kp_cmd = -1;
	if (kp_pid > 0) {
		for (int i = 0; i < 200; i++) {
			if (waitpid(kp_pid, &st, WNOHANG) == kp_pid) {
				kp_pid = -1;
				break;
			}
			wt_sleep_ms(50);
		}
		if (kp_pid > 0) {
			kill(kp_pid, SIGKILL);
			waitpid(kp_pid, &st, 0);
		}
	}
	kp_pid = -1;
	if (kp_ans >= 0)
		close(kp_ans);
	kp_ans = -1;
}
