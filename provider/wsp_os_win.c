/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * OS seam, Windows side (see wsp_os.h).
 *
 * The environment is read with the Win32 calls, not the C runtime's copy:
 * the DLL's CRT (msvcrt) snapshots the environment when it is loaded and
 * never sees SetEnvironmentVariable or an application CRT's _putenv, both
 * of which update the process block that GetEnvironmentStrings reads.
 */
#include <errno.h>
#include <process.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wsp_os.h"
#include "win/wsp_win.h"

#define ENV_CACHE_MAX	16
#define ENV_NAME_MAX	64

void
wsp_mutex_lock(struct wsp_mutex *m)
{
	AcquireSRWLockExclusive(&m->lock);
}

void
wsp_mutex_unlock(struct wsp_mutex *m)
{
	ReleaseSRWLockExclusive(&m->lock);
}

void
wsp_cond_wait(struct wsp_cond *c, struct wsp_mutex *m, uint32_t timeout_ms)
{
	SleepConditionVariableSRW(&c->cond, &m->lock, timeout_ms, 0);
}

void
wsp_cond_broadcast(struct wsp_cond *c)
{
	WakeAllConditionVariable(&c->cond);
}

struct wsp_thread {
	HANDLE h;
	void (*fn)(void *);
	void *arg;
};

static unsigned __stdcall
thread_main(void *p)
{
	struct wsp_thread *t = p;

	t->fn(t->arg);
	return 0;
}

/* _beginthreadex rather than CreateThread: fn uses the C runtime. */
int
wsp_thread_start(struct wsp_thread **out, void (*fn)(void *), void *arg)
{
	struct wsp_thread *t = malloc(sizeof(*t));
	uintptr_t h;

	if (t == NULL)
		return -ENOMEM;
	t->fn = fn;
	t->arg = arg;
	h = _beginthreadex(NULL, 0, thread_main, t, 0, NULL);
	if (h == 0) {
		free(t);
		return -EAGAIN;
	}
	t->h = (HANDLE)h;
	*out = t;
	return 0;
}

void
wsp_thread_join(struct wsp_thread *t)
{
	WaitForSingleObject(t->h, INFINITE);
	CloseHandle(t->h);
	free(t);
}

uint64_t
wsp_clock_us(void)
{
	LARGE_INTEGER c, f;

	QueryPerformanceCounter(&c);
	QueryPerformanceFrequency(&f);
	/* Split the division so c * 1e6 cannot overflow 64 bits. */
	return (uint64_t)(c.QuadPart / f.QuadPart) * 1000000 +
		(uint64_t)(c.QuadPart % f.QuadPart) * 1000000 /
		(uint64_t)f.QuadPart;
}

/*
 * Sleep() counts in scheduler ticks (15.6 ms unless someone raised the
 * timer resolution), far too coarse for the 50-100 us polls that use this.
 * A high-resolution waitable timer (Windows 10 1803+) sleeps about the
 * time asked; older systems fall back to Sleep() rounded up.
 */
#ifndef CREATE_WAITABLE_TIMER_HIGH_RESOLUTION
#define CREATE_WAITABLE_TIMER_HIGH_RESOLUTION	0x00000002
#endif

void
wsp_sleep_us(uint32_t us)
{
	LARGE_INTEGER due;
	HANDLE t;

	if (us == 0) {
		SwitchToThread();
		return;
	}
	t = CreateWaitableTimerExW(NULL, NULL,
		CREATE_WAITABLE_TIMER_HIGH_RESOLUTION, TIMER_ALL_ACCESS);
	if (t != NULL) {
		due.QuadPart = -(LONGLONG)us * 10;	/* relative, 100 ns */
		if (SetWaitableTimer(t, &due, 0, NULL, NULL, FALSE)) {
			WaitForSingleObject(t, INFINITE);
			CloseHandle(t);
			return;
		}
		CloseHandle(t);
	}
	Sleep((us + 999) / 1000);
}

/*
 * wsp_getenv's strings: one slot per name, replaced only when the value
 * changed, so a pointer stays valid until that variable changes and is
 * read again. The provider reads a handful of names.
 */
static struct env_slot {
	char name[ENV_NAME_MAX];
	char *value;
} env_cache[ENV_CACHE_MAX];
static SRWLOCK env_lock = SRWLOCK_INIT;

static char *
read_env(const char *name)
{
	DWORD len = GetEnvironmentVariableA(name, NULL, 0), got;
	char *v;

	if (len == 0)
		return NULL;
	v = malloc(len);
	if (v == NULL)
		return NULL;
	got = GetEnvironmentVariableA(name, v, len);
	if (got == 0 || got >= len) {
		free(v);	/* unset or grown meanwhile: treat as unset */
		return NULL;
	}
	return v;
}

static struct env_slot *
env_slot(const char *name)
{
	struct env_slot *free_slot = NULL;

	for (int i = 0; i < ENV_CACHE_MAX; i++) {
		if (strcmp(env_cache[i].name, name) == 0)
			return &env_cache[i];
		if (free_slot == NULL && env_cache[i].name[0] == '\0')
			free_slot = &env_cache[i];
	}
	if (free_slot != NULL)
		strcpy(free_slot->name, name);
	return free_slot;
}

const char *
wsp_getenv(const char *name)
{
	struct env_slot *s;
	const char *ret = NULL;
	char *v;

	if (strlen(name) >= ENV_NAME_MAX)
		return NULL;
	v = read_env(name);
	AcquireSRWLockExclusive(&env_lock);
	s = env_slot(name);
	if (s == NULL) {
		free(v);	/* the provider never reads this many names */
	} else if (v == NULL || s->value == NULL ||
			strcmp(v, s->value) != 0) {
		free(s->value);
		s->value = v;
		ret = v;
	} else {
		free(v);
		ret = s->value;
	}
	ReleaseSRWLockExclusive(&env_lock);
	return ret;
}

/*
 * wsp_environ's snapshot: the process block copied at the call; valid
 * until the next call (the configuration loader, under the lifecycle
 * lock, is the only caller). "=C:=C:\dir" entries, cmd.exe's per-drive
 * directories, are not variables and are left out.
 */
static char *env_block;
static const char **env_array;

const char *const *
wsp_environ(void)
{
	char *blk = GetEnvironmentStringsA(), *copy;
	const char **arr;
	size_t len = 0, n = 0, k = 0;

	if (blk == NULL)
		return NULL;
	while (blk[len] != '\0') {
		len += strlen(blk + len) + 1;
		n++;
	}
	copy = malloc(len + 1);
	arr = malloc((n + 1) * sizeof(*arr));
	if (copy == NULL || arr == NULL) {
		free(copy);
		free(arr);
		FreeEnvironmentStringsA(blk);
		return NULL;
	}
	memcpy(copy, blk, len + 1);
	FreeEnvironmentStringsA(blk);
	for (size_t off = 0; copy[off] != '\0'; off += strlen(copy + off) + 1)
		if (copy[off] != '=')
			arr[k++] = copy + off;
	arr[k] = NULL;
	free(env_block);
	free(env_array);
	env_block = copy;
	env_array = arr;
	return arr;
}

int
wsp_os_settings(enum wsp_os_scope scope, const char *const **list,
		const char **where)
{
	if (scope == WSP_OS_MACHINE) {
		*where = "registry HKLM\\" WSP_WIN_REG_KEY;
		*list = wsp_win_settings(WSP_WIN_HKLM);
	} else {
		*where = "registry HKCU\\" WSP_WIN_REG_KEY;
		*list = wsp_win_settings(WSP_WIN_HKCU);
	}
	return *list != NULL ? 0 : -1;
}

int
wsp_os_pin_module(void)
{
	return wsp_win_pin_module();
}

/* UTF-16 to UTF-8; -1 if it does not fit. */
static int
to_utf8(const WCHAR *w, int wlen, char *buf, size_t len)
{
	int n = WideCharToMultiByte(CP_UTF8, 0, w, wlen, buf,
		len > INT32_MAX ? INT32_MAX : (int)len, NULL, NULL);

	return n <= 0 ? -1 : n;
}

/*
 * HKLM\SOFTWARE\wspdk\Policy, Rules (REG_MULTI_SZ): the strings joined
 * with newlines. The 64-bit view: the DLL is 64-bit only anyway.
 */
int
wsp_os_policy_read(char **text, size_t *len, size_t max, const char **where,
		char *err, size_t err_len)
{
	DWORD type = 0, size = 0;
	WCHAR *w = NULL;
	char *buf = NULL;
	size_t n = 0, nw, i, start;
	LSTATUS r;

	*where = "HKLM\\" WSP_WIN_REG_KEY "\\Policy\\Rules";
	*text = NULL;
	*len = 0;
	r = RegGetValueW(HKEY_LOCAL_MACHINE, L"" WSP_WIN_REG_KEY "\\Policy",
		L"Rules", RRF_RT_ANY | RRF_SUBKEY_WOW6464KEY, &type, NULL,
		&size);
	if (r == ERROR_FILE_NOT_FOUND) {
		/* No key: no policy. A key without Rules: an empty one. */
		HKEY k;

		if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"" WSP_WIN_REG_KEY
				"\\Policy", 0, KEY_READ | KEY_WOW64_64KEY,
				&k) != ERROR_SUCCESS)
			return 0;
		RegCloseKey(k);
		return 1;
	}
	if (r != ERROR_SUCCESS) {
		snprintf(err, err_len, "cannot read: Windows error %ld",
			(long)r);
		return -1;
	}
	if (type != REG_MULTI_SZ) {
		snprintf(err, err_len, "is of registry type %lu, expected "
			"REG_MULTI_SZ (one rule a string)", (unsigned long)type);
		return -1;
	}
	if (size / sizeof(WCHAR) > max) {
		snprintf(err, err_len, "larger than %zu characters", max - 1);
		return -1;
	}
	w = malloc(size + 2 * sizeof(WCHAR));
	buf = malloc(max > 0 ? max : 1);
	if (w == NULL || buf == NULL)
		goto nomem;
	r = RegGetValueW(HKEY_LOCAL_MACHINE, L"" WSP_WIN_REG_KEY "\\Policy",
		L"Rules", RRF_RT_REG_MULTI_SZ | RRF_SUBKEY_WOW6464KEY, NULL, w,
		&size);
	if (r != ERROR_SUCCESS) {
		snprintf(err, err_len, "cannot read: Windows error %ld%s",
			(long)r, r == ERROR_MORE_DATA ? " (it changed while "
			"read: try again)" : "");
		free(w);
		free(buf);
		return -1;
	}
	nw = size / sizeof(WCHAR);
	w[nw] = L'\0';
	w[nw + 1] = L'\0';
	/* Each string, then a newline, until the empty one or max bytes. */
	for (i = 0, start = 0; i <= nw && n < max; i++) {
		int k;

		if (w[i] != L'\0')
			continue;
		if (i == start)
			break;
		k = to_utf8(w + start, (int)(i - start), buf + n, max - n);
		if (k < 0) {
			n = max;	/* cannot fit: too large */
			break;
		}
		n += (size_t)k;
		if (n < max)
			buf[n++] = '\n';
		start = i + 1;
	}
	free(w);
	*text = buf;
	*len = n;
	return 1;
nomem:
	free(w);
	free(buf);
	snprintf(err, err_len, "no memory");
	return -1;
}

int
wsp_os_image_path(char *buf, size_t len)
{
	WCHAR *w = malloc(32768 * sizeof(WCHAR));	/* Windows' longest */
	DWORD n;
	int k = -1;

	if (w != NULL && len >= 2) {
		n = GetModuleFileNameW(NULL, w, 32768);
		if (n > 0 && n < 32768)
			k = to_utf8(w, (int)n, buf, len - 1);
	}
	free(w);
	if (k < 0)
		return -1;
	buf[k] = '\0';
	return 0;
}

wsp_os_fn
wsp_os_dll_symbol(const uint16_t *path, const char *sym, char *err,
		size_t errlen)
{
	WCHAR p[MAX_PATH];
	HMODULE h;
	FARPROC f;
	DWORD n;

	/* The catalog keeps %SystemRoot%\\system32\\mswsock.dll. */
	n = ExpandEnvironmentStringsW((LPCWSTR)path, p, MAX_PATH);
	if (n == 0 || n > MAX_PATH) {
		snprintf(err, errlen, "cannot expand the DLL path (%lu)",
			GetLastError());
		return NULL;
	}
	h = LoadLibraryW(p);
	if (h == NULL) {
		snprintf(err, errlen, "LoadLibrary failed (%lu)",
			GetLastError());
		return NULL;
	}
	f = GetProcAddress(h, sym);
	if (f == NULL) {
		snprintf(err, errlen, "no %s export (%lu)", sym,
			GetLastError());
		return NULL;
	}
	return (wsp_os_fn)(uintptr_t)f;
}
