/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Machine-wide settings win over per-user ones (on Windows HKLM and
 * HKCU\SOFTWARE\wspdk). A provider serves every process on the machine,
 * services included: if HKCU could override HKLM, any user could point
 * WSPDK_EAL_ARGS or WSPDK_DEVICE of the processes he starts, or of a
 * service whose profile he can write, somewhere the administrator did
 * not choose. So per-user settings are read only when the machine's
 * store says AllowUserSettings=1, and even then they only fill keys the
 * machine left unset: an administrator who allows user settings for
 * convenience does not thereby hand over the values he did set. A key
 * he wants users to choose he leaves out of the machine store.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wsp_settings.h"

/* Length of the NAME in "NAME=VALUE" (all of e if it has no '='). */
static size_t
name_len(const char *e)
{
	return strcspn(e, "=");
}

static bool
same_name(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen != blen)
		return false;
	for (size_t i = 0; i < alen; i++)
		if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
			return false;
	return true;
}

/* The entry of list named name[0..len), or NULL. */
static const char *
lookup(const char *const *list, const char *name, size_t len)
{
	for (size_t i = 0; list != NULL && list[i] != NULL; i++)
		if (same_name(list[i], name_len(list[i]), name, len))
			return list[i];
	return NULL;
}

int
wsp_settings_user_allowed(const char *const *machine, char *err,
		size_t errlen)
{
	const char *e = lookup(machine, WSP_SETTINGS_ALLOW_USER,
		strlen(WSP_SETTINGS_ALLOW_USER));
	const char *v;

	if (e == NULL)
		return 0;
	v = e + name_len(e);
	v += *v == '=';
	if (strcmp(v, "0") == 0)
		return 0;
	if (strcmp(v, "1") == 0)
		return 1;
	/* A typo must not silently decide who configures the provider. */
	snprintf(err, errlen, "%s=\"%s\": expected 1 (per-user settings "
		"apply) or 0", WSP_SETTINGS_ALLOW_USER, v);
	return -EINVAL;
}

const char **
wsp_settings_user_filter(const char *const *machine,
		const char *const *user)
{
	size_t n = 0, k = 0;
	const char **out;

	while (user != NULL && user[n] != NULL)
		n++;
	out = malloc((n + 1) * sizeof(*out));
	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (lookup(machine, user[i], name_len(user[i])) == NULL)
			out[k++] = user[i];
	out[k] = NULL;
	return out;
}
