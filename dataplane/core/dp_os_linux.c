/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * OS seam of the dataplane, Linux side (see dp_os.h). Blocking socket
 * calls park on a futex; the Windows side uses WaitOnAddress.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <linux/futex.h>
#include <linux/magic.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "dp_os.h"

/* statfs follows "..", so a path that climbs out of the mount is judged
 * by where it lands. */
bool
dp_os_is_hugetlbfs(const char *path)
{
	struct statfs sfs;
	struct stat st;

	return statfs(path, &sfs) == 0 && sfs.f_type == HUGETLBFS_MAGIC &&
		stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* --huge-unlink --no-shconf: every hugepage goes back as soon as it is
 * freed and no file is left (dpdk-22.11-notes.md §3); EAL refuses
 * --huge-unlink together with --no-huge. */
unsigned int
dp_os_eal_mode_args(const char *prefix, bool no_huge, char out[][64],
		unsigned int max)
{
	unsigned int n = 0;

	if (n < max)
		snprintf(out[n++], 64, "--file-prefix=%s", prefix);
	if (!no_huge && n < max)
		snprintf(out[n++], 64, "--huge-unlink");
	if (n < max)
		snprintf(out[n++], 64, "--no-shconf");
	return n;
}

struct thread_job {
	void (*fn)(void *);
	void *arg;
};

static void *
thread_main(void *p)
{
	struct thread_job *j = p;

	j->fn(j->arg);
	return NULL;
}

int
dp_os_run_thread(void (*fn)(void *), void *arg)
{
	struct thread_job j = { .fn = fn, .arg = arg };
	pthread_t t;

	if (pthread_create(&t, NULL, thread_main, &j) != 0)
		return -EAGAIN;
	pthread_join(t, NULL);
	return 0;
}

unsigned int
dp_os_cpus_allowed(uint16_t *cpus, unsigned int max)
{
	cpu_set_t set;
	unsigned int n = 0;

	CPU_ZERO(&set);
	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return 0;
	for (int c = 0; c < CPU_SETSIZE && n < max; c++)
		if (CPU_ISSET(c, &set))
			cpus[n++] = (uint16_t)c;
	return n;
}

unsigned int
dp_os_cpu_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);

	return n > 0 ? (unsigned int)n : 1;
}

static pthread_once_t exit_once = PTHREAD_ONCE_INIT;
static pthread_key_t exit_key;
static void (*exit_fn)(void *);
static int exit_ok;

static void
exit_callback(void *value)
{
	__atomic_load_n(&exit_fn, __ATOMIC_ACQUIRE)(value);
}

static void
exit_key_create(void)
{
	exit_ok = pthread_key_create(&exit_key, exit_callback) == 0;
}

/* One callback for the process: the first caller's fn wins. */
int
dp_os_thread_exit_set(void (*fn)(void *), void *value)
{
	void (*none)(void *) = NULL;

	__atomic_compare_exchange_n(&exit_fn, &none, fn, false,
			__ATOMIC_RELEASE, __ATOMIC_RELAXED);
	pthread_once(&exit_once, exit_key_create);
	if (!exit_ok)
		return -1;
	return pthread_setspecific(exit_key, value) == 0 ? 0 : -1;
}

long
dp_os_pid(void)
{
	return (long)getpid();
}

void
dp_os_rmdir(const char *path)
{
	rmdir(path);
}

int
dp_os_wait(uint32_t *addr, uint32_t val, int64_t timeout_us)
{
	struct timespec ts, *tp = NULL;
	long r;

	if (timeout_us >= 0) {
		ts.tv_sec = (time_t)(timeout_us / 1000000);
		ts.tv_nsec = (long)(timeout_us % 1000000) * 1000;
		tp = &ts;
	}
	r = syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, val, tp, NULL, 0);
	if (r == -1 && errno == ETIMEDOUT)
		return -ETIMEDOUT;
	return 0;
}

void
dp_os_wake_all(uint32_t *addr)
{
	syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

int
dp_os_bell_open(void)
{
	return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

void
dp_os_bell_close(int bell)
{
	if (bell >= 0)
		close(bell);
}

void
dp_os_bell_ring(int bell)
{
	uint64_t one = 1;

	/* EAGAIN only when the counter is full: rung already. */
	ssize_t r = write(bell, &one, sizeof(one));

	(void)r;
}

unsigned int
dp_os_bell_sleep(int bell, int fd, uint64_t timeout_us)
{
	struct pollfd pfd[2] = {
		{ .fd = bell, .events = POLLIN },
		{ .fd = fd, .events = POLLIN },	/* -1: ignored */
	};
	struct timespec ts = {
		.tv_sec = (time_t)(timeout_us / 1000000),
		.tv_nsec = (long)(timeout_us % 1000000) * 1000,
	};
	unsigned int woke = 0;
	uint64_t v;

	/* ppoll, not epoll_wait: µs, not ms, and nothing to set up for
	 * two fds that never change. */
	if (ppoll(pfd, 2, &ts, NULL) <= 0)
		return 0;
	if (pfd[0].revents != 0) {
		/* Only this thread reads it: EAGAIN cannot happen. */
		ssize_t r = read(bell, &v, sizeof(v));

		(void)r;
		woke |= DP_OS_WOKE_BELL;
	}
	if (fd >= 0 && pfd[1].revents != 0)
		woke |= DP_OS_WOKE_FD;
	return woke;
}

uint64_t
dp_os_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

uint64_t
dp_os_pc(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

uint64_t
dp_os_pc_hz(void)
{
	return 1000000000;
}
