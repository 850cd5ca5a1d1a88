/* SPDX-License-Identifier: BSD-3-Clause */
/* OS seam, POSIX side (see wsp_os.h). */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wsp_os.h"

void
wsp_mutex_lock(struct wsp_mutex *m)
{
	pthread_mutex_lock(&m->lock);
}

void
wsp_mutex_unlock(struct wsp_mutex *m)
{
	pthread_mutex_unlock(&m->lock);
}

void
wsp_cond_wait(struct wsp_cond *c, struct wsp_mutex *m, uint32_t timeout_ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_cond_timedwait(&c->cond, &m->lock, &ts);
}

void
wsp_cond_broadcast(struct wsp_cond *c)
{
	pthread_cond_broadcast(&c->cond);
}

struct wsp_thread {
	pthread_t tid;
	void (*fn)(void *);
	void *arg;
};

static void *
thread_main(void *p)
{
	struct wsp_thread *t = p;

	t->fn(t->arg);
	return NULL;
}

int
wsp_thread_start(struct wsp_thread **out, void (*fn)(void *), void *arg)
{
	struct wsp_thread *t = malloc(sizeof(*t));

	if (t == NULL)
		return -ENOMEM;
	t->fn = fn;
	t->arg = arg;
	if (pthread_create(&t->tid, NULL, thread_main, t) != 0) {
		free(t);
		return -EAGAIN;
	}
	*out = t;
	return 0;
}

void
wsp_thread_join(struct wsp_thread *t)
{
	pthread_join(t->tid, NULL);
	free(t);
}

uint64_t
wsp_clock_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

void
wsp_sleep_us(uint32_t us)
{
	struct timespec ts = {
		.tv_sec = us / 1000000,
		.tv_nsec = (long)(us % 1000000) * 1000,
	};

	while (nanosleep(&ts, &ts) != 0)
		;
}

const char *
wsp_getenv(const char *name)
{
	return getenv(name);
}

extern char **environ;

const char *const *
wsp_environ(void)
{
	return (const char *const *)environ;
}

int
wsp_os_settings(enum wsp_os_scope scope, const char *const **list,
		const char **where)
{
	static const char *const none[] = { NULL };

	(void)scope;
	*list = none;
	*where = "no settings store";
	return 0;
}

/* The Ws2_32 stand-in never dlcloses the provider (tests/ws2). */
int
wsp_os_pin_module(void)
{
	return 0;
}

#define POLICY_FILE	"/etc/wspdk/policy.conf"

int
wsp_os_policy_read(char **text, size_t *len, size_t max, const char **where,
		char *err, size_t err_len)
{
	const char *path = getenv("WSPDK_POLICY_FILE");
	char *buf = NULL;
	size_t n = 0;
	FILE *f;
	int ret = 1;

	if (path == NULL || path[0] == '\0')
		path = POLICY_FILE;
	*where = path;
	*text = NULL;
	*len = 0;
	f = fopen(path, "rb");
	if (f == NULL) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, err_len, "cannot open: %s", strerror(errno));
		return -1;
	}
	buf = malloc(max > 0 ? max : 1);
	if (buf == NULL) {
		snprintf(err, err_len, "no memory for %zu bytes", max);
		ret = -1;
	} else {
		/* Bounded: a policy larger than max is cut, the parser
		 * refuses it. */
		n = fread(buf, 1, max, f);
		if (ferror(f)) {
			snprintf(err, err_len, "cannot read: %s",
				strerror(errno));
			ret = -1;
		}
	}
	fclose(f);
	if (ret < 0) {
		free(buf);
		return -1;
	}
	*text = buf;
	*len = n;
	return 1;
}

int
wsp_os_image_path(char *buf, size_t len)
{
	ssize_t n;

	if (len < 2)
		return -1;
	n = readlink("/proc/self/exe", buf, len - 1);
	if (n <= 0 || (size_t)n >= len - 1)
		return -1;	/* unknown, or possibly cut */
	buf[n] = '\0';
	return 0;
}

/* Catalog paths are UTF-16; ours are ASCII (anything else is refused). */
wsp_os_fn
wsp_os_dll_symbol(const uint16_t *path, const char *sym, char *err,
		size_t errlen)
{
	char p[4096];
	void *dl, *f;
	size_t i;

	for (i = 0; path[i] != 0 && i + 1 < sizeof(p); i++) {
		if (path[i] >= 0x80) {
			snprintf(err, errlen, "non-ASCII DLL path");
			return NULL;
		}
		p[i] = (char)path[i];
	}
	p[i] = '\0';
	dl = dlopen(p, RTLD_NOW | RTLD_LOCAL);
	if (dl == NULL) {
		snprintf(err, errlen, "%s", dlerror());
		return NULL;
	}
	f = dlsym(dl, sym);
	if (f == NULL) {
		snprintf(err, errlen, "%s has no %s", p, sym);
		return NULL;
	}
	return (wsp_os_fn)(uintptr_t)f;
}
