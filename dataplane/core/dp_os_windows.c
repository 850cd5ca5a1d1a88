/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * OS seam of the dataplane, Windows side (see dp_os.h). Blocking socket
 * calls park on WaitOnAddress (Windows 8+, synchronization library), the
 * counterpart of the Linux futex.
 *
 * CPU numbers are DPDK's on Windows: every active logical processor,
 * processor group by group, in bit order within a group (EAL's
 * eal_query_group_affinity in lib/eal/windows/eal_lcore.c). --lcores and
 * WSPDK_LCORES use that numbering, so everything here does too.
 */
#define WIN32_LEAN_AND_MEAN	/* no winsock.h: dataplane is Winsock-free */
#include <windows.h>
#include <process.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp_os.h"

struct thread_job {
	void (*fn)(void *);
	void *arg;
};

static unsigned __stdcall
thread_main(void *p)
{
	struct thread_job *j = p;

	j->fn(j->arg);
	return 0;
}

bool
dp_os_is_hugetlbfs(const char *path)
{
	(void)path;
	return false;
}

/*
 * Windows' EAL keeps no files and shares nothing: it turns in-memory mode
 * on itself after parsing (lib/eal/windows/eal.c, rte_eal_init, with a
 * warning about multi-process support that --in-memory silences). Not
 * with --no-huge, which implies legacy memory: eal_check_common_options
 * refuses --legacy-mem with --in-memory, and Windows' EAL exits on that.
 */
unsigned int
dp_os_eal_mode_args(const char *prefix, bool no_huge, char out[][64],
		unsigned int max)
{
	(void)prefix;
	if (max == 0 || no_huge)
		return 0;
	snprintf(out[0], 64, "--in-memory");
	return 1;
}

/* _beginthreadex rather than CreateThread: fn uses the C runtime. */
int
dp_os_run_thread(void (*fn)(void *), void *arg)
{
	struct thread_job j = { .fn = fn, .arg = arg };
	uintptr_t h;

	h = _beginthreadex(NULL, 0, thread_main, &j, 0, NULL);
	if (h == 0)
		return -EAGAIN;
	WaitForSingleObject((HANDLE)h, INFINITE);
	CloseHandle((HANDLE)h);
	return 0;
}

/* The active processors of every group, as EAL enumerates them. */
static SYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX *
groups_info(void)
{
	SYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX *info;
	DWORD len = 0;

	if (GetLogicalProcessorInformationEx(RelationGroup, NULL, &len) ||
			GetLastError() != ERROR_INSUFFICIENT_BUFFER)
		return NULL;
	info = malloc(len);
	if (info == NULL)
		return NULL;
	if (!GetLogicalProcessorInformationEx(RelationGroup, info, &len)) {
		free(info);
		return NULL;
	}
	return info;
}

/*
 * The process affinity mask belongs to the one group the process runs in;
 * a process spread over several groups has no single mask (both masks
 * come back 0) and may use every processor of those groups.
 */
static KAFFINITY
allowed_in_group(WORD group, const USHORT *pgroups, USHORT npgroups,
		KAFFINITY pmask, KAFFINITY active)
{
	for (USHORT i = 0; i < npgroups; i++) {
		if (pgroups[i] != group)
			continue;
		return npgroups == 1 && pmask != 0 ? pmask & active : active;
	}
	return 0;
}

unsigned int
dp_os_cpus_allowed(uint16_t *cpus, unsigned int max)
{
	SYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX *info = groups_info();
	DWORD_PTR pmask = 0, smask = 0;
	USHORT pgroups[64], npgroups = 64;
	unsigned int n = 0, index = 0;

	if (info == NULL)
		return 0;
	/* Wine lacks the group call (ERROR_CALL_NOT_IMPLEMENTED) and has
	 * one group: the process mask alone describes it. */
	if (!GetProcessGroupAffinity(GetCurrentProcess(), &npgroups,
			pgroups)) {
		if (GetLastError() != ERROR_CALL_NOT_IMPLEMENTED) {
			free(info);
			return 0;
		}
		npgroups = 1;
		pgroups[0] = 0;
	}
	if (!GetProcessAffinityMask(GetCurrentProcess(), &pmask, &smask)) {
		free(info);
		return 0;
	}
	for (WORD g = 0; g < info->Group.ActiveGroupCount; g++) {
		KAFFINITY active = info->Group.GroupInfo[g].ActiveProcessorMask;
		KAFFINITY allowed = allowed_in_group(g, pgroups, npgroups,
			(KAFFINITY)pmask, active);

		for (unsigned int bit = 0; bit < 8 * sizeof(KAFFINITY); bit++) {
			KAFFINITY b = (KAFFINITY)1 << bit;

			if ((active & b) == 0)
				continue;
			if ((allowed & b) != 0 && n < max &&
					index <= UINT16_MAX)
				cpus[n++] = (uint16_t)index;
			index++;
		}
	}
	free(info);
	return n;
}

unsigned int
dp_os_cpu_count(void)
{
	DWORD n = GetActiveProcessorCount(ALL_PROCESSOR_GROUPS);

	return n > 0 ? (unsigned int)n : 1;
}

/* FLS callbacks run as a thread exits (and would at FlsFree, which the
 * pinned provider never calls). */
static INIT_ONCE exit_once = INIT_ONCE_STATIC_INIT;
static DWORD exit_index = FLS_OUT_OF_INDEXES;
static void (*exit_fn)(void *);

static void WINAPI
exit_callback(void *value)
{
	if (value != NULL)
		__atomic_load_n(&exit_fn, __ATOMIC_ACQUIRE)(value);
}

static BOOL CALLBACK
exit_index_create(PINIT_ONCE once, void *param, void **ctx)
{
	exit_index = FlsAlloc(exit_callback);
	return TRUE;
}

/* One callback for the process: the first caller's fn wins. */
int
dp_os_thread_exit_set(void (*fn)(void *), void *value)
{
	void (*none)(void *) = NULL;

	__atomic_compare_exchange_n(&exit_fn, &none, fn, false,
			__ATOMIC_RELEASE, __ATOMIC_RELAXED);
	InitOnceExecuteOnce(&exit_once, exit_index_create, NULL, NULL);
	if (exit_index == FLS_OUT_OF_INDEXES)
		return -1;
	return FlsSetValue(exit_index, value) ? 0 : -1;
}

long
dp_os_pid(void)
{
	return (long)GetCurrentProcessId();
}

/* EAL on Windows has no runtime directory: the path is usually "". */
void
dp_os_rmdir(const char *path)
{
	if (path != NULL && path[0] != '\0')
		RemoveDirectoryA(path);
}

int
dp_os_wait(uint32_t *addr, uint32_t val, int64_t timeout_us)
{
	DWORD ms = INFINITE;

	if (timeout_us >= 0) {
		/* Round up: a 1 us wait must not become a 0 ms poll loop. */
		int64_t m = (timeout_us + 999) / 1000;

		ms = m >= (int64_t)INFINITE ? INFINITE - 1 : (DWORD)m;
	}
	if (!WaitOnAddress(addr, &val, sizeof(val), ms) &&
			GetLastError() == ERROR_TIMEOUT)
		return -ETIMEDOUT;
	return 0;
}

void
dp_os_wake_all(uint32_t *addr)
{
	WakeByAddressAll(addr);
}

/* No lcore sleeps on Windows: it polls on (no doorbell to ring). */
int
dp_os_bell_open(void)
{
	return -1;
}

void
dp_os_bell_close(int bell)
{
	(void)bell;
}

void
dp_os_bell_ring(int bell)
{
	(void)bell;
}

unsigned int
dp_os_bell_sleep(int bell, int fd, uint64_t timeout_us)
{
	(void)bell;
	(void)fd;
	(void)timeout_us;
	return 0;
}

uint64_t
dp_os_now_us(void)
{
	LARGE_INTEGER c, f;

	QueryPerformanceCounter(&c);
	QueryPerformanceFrequency(&f);
	/* Split the division so c * 1e6 cannot overflow 64 bits. */
	return (uint64_t)(c.QuadPart / f.QuadPart) * 1000000 +
		(uint64_t)(c.QuadPart % f.QuadPart) * 1000000 /
		(uint64_t)f.QuadPart;
}

uint64_t
dp_os_pc(void)
{
	LARGE_INTEGER c;

	QueryPerformanceCounter(&c);
	return (uint64_t)c.QuadPart;
}

uint64_t
dp_os_pc_hz(void)
{
	LARGE_INTEGER f;

	QueryPerformanceFrequency(&f);
	return (uint64_t)f.QuadPart;
}
