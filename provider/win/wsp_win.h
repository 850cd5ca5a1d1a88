/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wsp_win.h: Windows-only helpers of the provider DLL (wsp_win.c), reached
 * from the rest of provider/ only through the OS seam (wsp_os_win.c).
 */
#ifndef _WSP_WIN_H_
#define _WSP_WIN_H_

/** Registry key holding WSPDK_* values, under HKLM and HKCU. */
#define WSP_WIN_REG_KEY		"SOFTWARE\\wspdk"

/** Which hive's WSP_WIN_REG_KEY wsp_win_settings reads. */
enum wsp_win_hive {
	WSP_WIN_HKLM,	/**< HKEY_LOCAL_MACHINE: the machine's */
	WSP_WIN_HKCU,	/**< HKEY_CURRENT_USER: the process's user's */
};

/**
 * Pin the DLL that holds this code in the process: FreeLibrary (by Ws2_32
 * after the last WSPCleanup) no longer unloads it. Needed once EAL has
 * started: its lcore, interrupt and alarm threads keep running code and
 * data of the DLL until the process exits, and EAL cannot be started
 * twice in a process anyway. Idempotent.
 *
 * @return
 *   0, or -1 if Windows refused (GetLastError() says why).
 */
int wsp_win_pin_module(void);

/**
 * Settings from one hive's SOFTWARE\wspdk: every REG_SZ, REG_EXPAND_SZ
 * (expanded) and REG_DWORD (decimal) value as NAME=VALUE strings. A value
 * of another type comes back as NAME=<registry type N is not supported>
 * so the configuration check names it instead of ignoring it. Which
 * hive's values apply is not decided here (wsp_settings.c).
 *
 * Not thread-safe: the result stays valid until the next call for the
 * same hive; callers hold the provider's lifecycle lock.
 *
 * @return
 *   A NULL-terminated array (empty when the key does not exist), or NULL
 *   if memory ran out or the key exists but cannot be read.
 */
const char *const *wsp_win_settings(enum wsp_win_hive hive);

#endif /* _WSP_WIN_H_ */
