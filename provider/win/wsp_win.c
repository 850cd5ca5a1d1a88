/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wsp_win.c: the provider DLL's Windows-only helpers: pinning the module
 * once EAL runs, and reading WSPDK_* settings from the registry (for
 * services and other processes whose environment the user cannot set),
 * one hive at a time: wsp_settings.c decides whether HKCU counts.
 * Called from WSPStartup through the OS seam, never from DllMain: both
 * take locks the loader lock must not nest (winsock-spi.md 7.3 item 4).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wsp_abi.h"	/* <windows.h> */
#include "wsp_win.h"

#define VALUE_NAME_MAX	256
#define VALUE_DATA_MAX	4096

int
wsp_win_pin_module(void)
{
	HMODULE h;

	/* The address of this function names the module it lives in. */
	if (!GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
			GET_MODULE_HANDLE_EX_FLAG_PIN,
			(LPCSTR)(void *)wsp_win_pin_module, &h))
		return -1;
	return 0;
}

/* Growable list of malloc'd "NAME=VALUE" strings. */
struct settings {
	char **v;
	size_t n;
	size_t cap;
};

/* Room for one more entry and the NULL after it. */
static int
settings_grow(struct settings *s)
{
	size_t cap = s->cap == 0 ? 16 : 2 * s->cap;
	char **v;

	if (s->n + 2 <= s->cap)
		return 0;
	v = realloc(s->v, cap * sizeof(*v));
	if (v == NULL)
		return -1;
	s->v = v;
	s->cap = cap;
	return 0;
}

static int
settings_add(struct settings *s, const char *name, const char *value)
{
	size_t len = strlen(name) + strlen(value) + 2;
	char *e;

	if (settings_grow(s) != 0)
		return -1;
	e = malloc(len);
	if (e == NULL)
		return -1;
	snprintf(e, len, "%s=%s", name, value);
	s->v[s->n++] = e;
	s->v[s->n] = NULL;
	return 0;
}

static void
settings_free(struct settings *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
	s->cap = 0;
}

/* One registry value as text; buf receives it. */
static void
value_text(DWORD type, const BYTE *data, DWORD len, char *buf, size_t size)
{
	DWORD dw;

	switch (type) {
	case REG_SZ:
		snprintf(buf, size, "%.*s", (int)len, (const char *)data);
		break;
	case REG_EXPAND_SZ:
		if (ExpandEnvironmentStringsA((const char *)data, buf,
				(DWORD)size) == 0)
			snprintf(buf, size, "%s", (const char *)data);
		break;
	case REG_DWORD:
		memcpy(&dw, data, sizeof(dw));
		snprintf(buf, size, "%lu", (unsigned long)dw);
		break;
	default:
		snprintf(buf, size, "<registry type %lu is not supported>",
			(unsigned long)type);
		break;
	}
}

static int
read_key(HKEY root, struct settings *s)
{
	char name[VALUE_NAME_MAX], text[VALUE_DATA_MAX];
	BYTE data[VALUE_DATA_MAX + 1];
	HKEY key;
	int ret = 0;
	LONG r;

	r = RegOpenKeyExA(root, WSP_WIN_REG_KEY, 0, KEY_READ, &key);
	if (r == ERROR_FILE_NOT_FOUND)
		return 0;	/* no key: nothing configured there */
	/* A key we may not read is not an empty one: the machine's
	 * settings silently skipped would change what runs. */
	if (r != ERROR_SUCCESS)
		return -1;
	for (DWORD i = 0; ret == 0; i++) {
		DWORD nlen = sizeof(name), dlen = VALUE_DATA_MAX, type;

		r = RegEnumValueA(key, i, name, &nlen, NULL, &type, data,
			&dlen);
		if (r == ERROR_NO_MORE_ITEMS)
			break;
		if (r == ERROR_MORE_DATA) {
			/* Longer than any key accepts: report, do not cut. */
			snprintf(text, sizeof(text), "<longer than %d bytes>",
				VALUE_DATA_MAX);
		} else if (r != ERROR_SUCCESS) {
			ret = -1;
			break;
		} else {
			data[dlen < VALUE_DATA_MAX ? dlen : VALUE_DATA_MAX] = 0;
			value_text(type, data, dlen, text, sizeof(text));
		}
		ret = settings_add(s, name, text);
	}
	RegCloseKey(key);
	return ret;
}

const char *const *
wsp_win_settings(enum wsp_win_hive hive)
{
	static struct settings cur[2];
	struct settings *s = &cur[hive == WSP_WIN_HKLM ? 0 : 1];

	settings_free(s);
	if (settings_grow(s) != 0)
		return NULL;
	s->v[0] = NULL;
	if (read_key(hive == WSP_WIN_HKLM ? HKEY_LOCAL_MACHINE :
			HKEY_CURRENT_USER, s) != 0) {
		settings_free(s);
		return NULL;
	}
	return (const char *const *)s->v;
}
