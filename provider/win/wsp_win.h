/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wsp_win.h: Windows-only helpers of the provider DLL (wsp_win.c), reached
 * from the rest of provider/ only through the OS seam (wsp_os_win.c).
 */
#ifndef _WSP_WIN_H_
#define _WSP_WIN_H_

/** Registry key holding WSPDK_* values, under HKLM then HKCU. */
#define WSP_WIN_REG_KEY		"SOFTWARE\\wspdk"

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
 * WSPDK_* settings from the registry: every REG_SZ, REG_EXPAND_SZ
 * (expanded) and REG_DWORD (decimal) value of HKLM\SOFTWARE\wspdk, then of
 * HKCU\SOFTWARE\wspdk, as NAME=VALUE strings in that order (so a caller
 * applying them in order lets the user's key win). A value of another
 * type comes back as NAME=<registry type N is not supported> so the
 * configuration check names it instead of ignoring it.
 *
 * Not thread-safe: the result stays valid until the next call; callers
 * hold the provider's lifecycle lock.
 *
 * @return
 *   A NULL-terminated array (empty when neither key exists), or NULL if
 *   memory ran out.
 */
const char *const *wsp_win_settings(void);

#endif /* _WSP_WIN_H_ */
