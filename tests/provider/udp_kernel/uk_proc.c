/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Child processes with line pipes (see uk.h). posix_spawn, not fork: the
 * test process has DPDK threads, and a forked copy of them is undefined.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "uk.h"
#include "wt.h"

#define ARGV_MAX	64

extern char **environ;

struct uk_child {
	pid_t pid;
	int in;			/* its stdin (we write) */
	int out;		/* its stdout (we read) */
	char buf[65536];	/* read but not yet returned */
	size_t n;
	int status;		/* -2 while not reaped */
};

struct uk_child *
uk_child_start(unsigned int secs, const char *const argv[])
{
	char tbuf[16];
	const char *av[ARGV_MAX];
	int to_child[2] = { -1, -1 }, from_child[2] = { -1, -1 };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, dfl;
	struct uk_child *c;
	int n = 0, ret;

	/* A child that dies must not kill us when we write to it. */
	signal(SIGPIPE, SIG_IGN);
	snprintf(tbuf, sizeof(tbuf), "%u", secs);
	av[n++] = "timeout";
	av[n++] = "-k";
	av[n++] = "2";
	av[n++] = tbuf;
	for (int i = 0; argv[i] != NULL && n < ARGV_MAX - 1; i++)
		av[n++] = argv[i];
	av[n] = NULL;
	c = calloc(1, sizeof(*c));
	if (c == NULL || pipe2(to_child, O_CLOEXEC) != 0 ||
			pipe2(from_child, O_CLOEXEC) != 0)
		goto fail;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, to_child[0], 0);
	posix_spawn_file_actions_adddup2(&fa, from_child[1], 1);
	/* Nothing else of ours: DPDK's tap PMD opens /dev/net/tun without
	 * O_CLOEXEC, and a child holding a queue keeps the tap (and a
	 * queue nobody reads) alive after dp_stop, so the next start
	 * attaches to it and loses every flow hashed to that queue. */
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	posix_spawnattr_init(&at);
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	sigaddset(&dfl, SIGIO);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dfl);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
		POSIX_SPAWN_SETSIGDEF);
	ret = posix_spawnp(&c->pid, "timeout", &fa, &at, (char *const *)av,
		environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (ret != 0) {
		fprintf(stderr, "FAIL: cannot start %s: %s\n", argv[0],
			strerror(ret));
		goto fail;
	}
	close(to_child[0]);
	close(from_child[1]);
	c->in = to_child[1];
	c->out = from_child[0];
	c->status = -2;
	return c;
fail:
	for (int i = 0; i < 2; i++) {
		if (to_child[i] >= 0)
			close(to_child[i]);
		if (from_child[i] >= 0)
			close(from_child[i]);
	}
	free(c);
	return NULL;
}

int
uk_child_say(struct uk_child *c, const char *line)
{
	char buf[1024];
	int n = snprintf(buf, sizeof(buf), "%s\n", line);

	if (c == NULL || c->in < 0 || n <= 0 || (size_t)n >= sizeof(buf))
		return -1;
	return write(c->in, buf, (size_t)n) == n ? 0 : -1;
}

static uint64_t
now_ms(void)
{
	return wt_now_ns() / 1000000;
}

int
uk_child_hear(struct uk_child *c, char *buf, size_t len, unsigned int ms)
{
	uint64_t deadline = now_ms() + ms;

	if (c == NULL)
		return -1;
	for (;;) {
		char *nl = memchr(c->buf, '\n', c->n);
		struct pollfd p = { .fd = c->out, .events = POLLIN };
		uint64_t t = now_ms();
		ssize_t r;

		if (nl != NULL) {
			size_t k = (size_t)(nl - c->buf);

			snprintf(buf, len, "%.*s", (int)k, c->buf);
			memmove(c->buf, nl + 1, c->n - k - 1);
			c->n -= k + 1;
			return 0;
		}
		if (t >= deadline || c->n == sizeof(c->buf))
			return -1;
		if (poll(&p, 1, (int)(deadline - t)) < 0 && errno != EINTR)
			return -1;
		if (!(p.revents & (POLLIN | POLLHUP)))
			continue;
		r = read(c->out, c->buf + c->n, sizeof(c->buf) - c->n);
		if (r == 0)
			return -1;
		if (r > 0)
			c->n += (size_t)r;
	}
}

int
uk_child_expect(struct uk_child *c, const char *prefix, char *buf,
		size_t len, unsigned int ms)
{
	uint64_t deadline = now_ms() + ms;

	for (;;) {
		uint64_t t = now_ms();

		if (t >= deadline || uk_child_hear(c, buf, len,
				(unsigned int)(deadline - t)) != 0) {
			fprintf(stderr, "FAIL: no '%s' line from the kernel "
				"peer within %u ms\n", prefix, ms);
			return -1;
		}
		if (strncmp(buf, prefix, strlen(prefix)) == 0)
			return 0;
		fprintf(stderr, "peer: %s\n", buf);
	}
}

int
uk_child_end(struct uk_child *c, unsigned int ms)
{
	int st = -1;

	if (c == NULL)
		return -1;
	if (c->in >= 0)
		close(c->in);
	c->in = -1;
	for (unsigned int t = 0; t <= ms; t += 10) {
		pid_t r = waitpid(c->pid, &st, WNOHANG);

		if (r == c->pid) {
			c->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
			break;
		}
		wt_sleep_ms(10);
	}
	if (c->status == -2) {
		/* Ours, by PID: the timeout wrapper, which passes SIGTERM on
		 * to its child; SIGKILL only if that did not end it. */
		kill(c->pid, SIGTERM);
		for (unsigned int t = 0; t <= 1000; t += 10) {
			if (waitpid(c->pid, &st, WNOHANG) == c->pid)
				break;
			wt_sleep_ms(10);
			if (t == 1000) {
				kill(c->pid, SIGKILL);
				waitpid(c->pid, &st, 0);
			}
		}
		c->status = -1;
	}
	st = c->status;
	close(c->out);
	free(c);
	return st;
}

const char *
uk_src(const char *name)
{
	static char path[4][512];
	static unsigned int k;
	char *p = path[k++ % 4];

	snprintf(p, sizeof(path[0]), "%s/%s", UK_SRCDIR, name);
	return p;
}
