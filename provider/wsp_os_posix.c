/* SPDX-License-Identifier: BSD-3-Clause */
/* OS seam, POSIX side (see wsp_os.h). */
#include <stdlib.h>
#include <time.h>

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
