/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Precedence between the OS store's machine-wide and per-user settings
 * (wsp_settings.c). Portable: the OS seam (wsp_os_settings) reads the
 * stores, this decides what of them applies, so the rule is the same and
 * is tested on every OS.
 */
#ifndef _WSP_SETTINGS_H_
#define _WSP_SETTINGS_H_

#include <stddef.h>

/*
 * The machine store's value that lets per-user settings in: 1 allows, 0
 * or absent does not. Outside the WSPDK_* namespace, so the environment
 * and WSPDK_CONFIG cannot carry it.
 */
#define WSP_SETTINGS_ALLOW_USER	"AllowUserSettings"

/**
 * Whether per-user settings may be read at all, from the machine list
 * (NAME=VALUE strings, NULL-terminated). Names compare without case, as
 * registry value names do.
 *
 * @return
 *   1 if the machine's AllowUserSettings is 1; 0 if it is 0 or absent;
 *   -EINVAL, with err saying why, for any other value.
 */
int wsp_settings_user_allowed(const char *const *machine, char *err,
		size_t errlen);

/**
 * The entries of user that apply once allowed: those whose name the
 * machine list does not have (names compare without case). The machine
 * wins every conflict; users only fill what it leaves unset.
 *
 * @return
 *   A malloc'd NULL-terminated array pointing into user (free() it, not
 *   the strings), or NULL if memory ran out.
 */
const char **wsp_settings_user_filter(const char *const *machine,
		const char *const *user);

#endif /* _WSP_SETTINGS_H_ */
