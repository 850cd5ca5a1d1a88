/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The provider's OS seam: the few things that differ between the Linux
 * build (tests, benchmarks) and the Windows DLL. Implemented in
 * wsp_os_posix.c and wsp_os_win.c; nothing else in provider/ may use
 * platform calls directly.
 */
#ifndef _WSP_OS_H_
#define _WSP_OS_H_

#include <stddef.h>
#include <stdint.h>

#ifdef _WIN32
#include "wsp_abi.h"	/* <windows.h> through winsock2.h */
struct wsp_mutex {
	SRWLOCK lock;
};
struct wsp_cond {
	CONDITION_VARIABLE cond;
};
#define WSP_MUTEX_INITIALIZER { SRWLOCK_INIT }
#define WSP_COND_INITIALIZER { CONDITION_VARIABLE_INIT }
#else
#include <pthread.h>
struct wsp_mutex {
	pthread_mutex_t lock;
};
struct wsp_cond {
	pthread_cond_t cond;
};
#define WSP_MUTEX_INITIALIZER { PTHREAD_MUTEX_INITIALIZER }
#define WSP_COND_INITIALIZER { PTHREAD_COND_INITIALIZER }
#endif

struct wsp_thread;

void wsp_mutex_lock(struct wsp_mutex *m);
void wsp_mutex_unlock(struct wsp_mutex *m);

/** Wait (mutex held) until signalled or timeout_ms passes. */
void wsp_cond_wait(struct wsp_cond *c, struct wsp_mutex *m,
		uint32_t timeout_ms);
void wsp_cond_broadcast(struct wsp_cond *c);

/** Start a provider service thread / wait for it to end. */
int wsp_thread_start(struct wsp_thread **t, void (*fn)(void *), void *arg);
void wsp_thread_join(struct wsp_thread *t);

/** Monotonic clock in microseconds. */
uint64_t wsp_clock_us(void);

/** Sleep the calling thread. */
void wsp_sleep_us(uint32_t us);

/** Read an environment variable (NULL if unset). */
const char *wsp_getenv(const char *name);

/** The environment as NAME=VALUE strings, NULL-terminated. */
const char *const *wsp_environ(void);

/** The two scopes of the OS's settings store. */
enum wsp_os_scope {
	WSP_OS_MACHINE,	/**< machine-wide: HKLM\SOFTWARE\wspdk */
	WSP_OS_USER,	/**< the process's user: HKCU\SOFTWARE\wspdk */
};

/**
 * Settings of one scope of the OS's configuration store, as NAME=VALUE
 * strings: on Windows the registry; on POSIX none yet (a machine policy
 * file is to come). Which of them apply is wsp_settings.c's decision:
 * callers read the user scope only when the machine's allows it.
 *
 * @param list
 *   Set to a NULL-terminated array (empty when the store has nothing),
 *   valid until the next call for the same scope; callers hold the
 *   lifecycle lock.
 * @param where
 *   Set to the source's name, for messages.
 * @return
 *   0, or -1 if the store exists but cannot be read (memory, access):
 *   settings must not be silently skipped.
 */
int wsp_os_settings(enum wsp_os_scope scope, const char *const **list,
		const char **where);

/**
 * The machine's acceleration policy as text (format: wsp_policy.h): on
 * POSIX the file /etc/wspdk/policy.conf, or WSPDK_POLICY_FILE's (tests);
 * on Windows HKLM\SOFTWARE\wspdk\Policy's REG_MULTI_SZ Rules, one rule
 * a string, joined with newlines, in UTF-8.
 *
 * @param text
 *   Set to a malloc'd buffer (the caller frees it; NULL when empty).
 * @param len
 *   Set to its length; at most max: a larger policy is cut at max bytes,
 *   so pass one more than the largest accepted and let the parser say.
 * @param where
 *   Set to the policy's name, for messages (static or the environment's).
 * @param err
 *   Gets the reason when the policy exists but cannot be read.
 * @return
 *   1 if there is a policy, 0 if there is none, -1 on error.
 */
int wsp_os_policy_read(char **text, size_t *len, size_t max,
		const char **where, char *err, size_t err_len);

/**
 * The process's image: its full path in UTF-8 (/proc/self/exe,
 * GetModuleFileNameW(NULL)). Returns 0, or -1 if unknown or too long.
 */
int wsp_os_image_path(char *buf, size_t len);

/**
 * Keep the provider loaded until the process exits. Once EAL has started,
 * its threads run our code after the last WSPCleanup, and EAL cannot be
 * started twice in a process: Ws2_32's FreeLibrary must not unload the
 * DLL. Idempotent. Returns 0, or -1 if the OS refused.
 */
int wsp_os_pin_module(void);

/** A function address, whatever its type. */
typedef void (*wsp_os_fn)(void);

/**
 * Load a DLL by the path the Winsock catalog gives (UTF-16, as
 * WSCGetProviderPath returns it; on Windows environment strings such as
 * %SystemRoot% are expanded first, as Ws2_32 does) and find its export
 * sym. The DLL stays loaded for the life of the process. NULL, with err
 * filled, if either fails.
 */
wsp_os_fn wsp_os_dll_symbol(const uint16_t *path, const char *sym,
		char *err, size_t errlen);

#endif /* _WSP_OS_H_ */
