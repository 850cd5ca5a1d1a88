/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * struct wsp_reg over the real registry (HKLM, 64-bit view) for
 * wspdk-install's policy commands (wsp_install_policy.h). Names and
 * strings are UTF-8 on our side, UTF-16 on Windows'.
 */
#include <stdlib.h>
#include <string.h>

#include "wsp_abi.h"
#include "win/wsp_install_policy.h"
#include "win/wsp_install_reg.h"

static WCHAR *
wide(const char *s)
{
	int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
	WCHAR *w = n > 0 ? malloc((size_t)n * sizeof(WCHAR)) : NULL;

	if (w != NULL && MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n) != n) {
		free(w);
		w = NULL;
	}
	return w;
}

static int
fail(const char *what, const char *key, LSTATUS e)
{
	fprintf(stderr, "wspdk-install: %s HKLM\\%s failed: Windows error "
		"%ld%s\n", what, key, (long)e, e == ERROR_ACCESS_DENIED ?
		" (not elevated?)" : "");
	return -1;
}

/* RegOpenKeyExW on HKLM; 0, 1 absent, -1 said. */
static int
open_key(const char *key, REGSAM sam, HKEY *h)
{
	WCHAR *w = wide(key);
	LSTATUS e;

	if (w == NULL)
		return fail("converting", key, ERROR_NOT_ENOUGH_MEMORY);
	e = RegOpenKeyExW(HKEY_LOCAL_MACHINE, w, 0, sam | KEY_WOW64_64KEY, h);
	free(w);
	if (e == ERROR_FILE_NOT_FOUND)
		return 1;
	return e == ERROR_SUCCESS ? 0 : fail("opening", key, e);
}

static int
reg_key_exists(void *ctx, const char *key)
{
	HKEY h;
	int r = open_key(key, KEY_READ, &h);

	(void)ctx;
	if (r == 0)
		RegCloseKey(h);
	return r;
}

static int
reg_key_empty(void *ctx, const char *key)
{
	DWORD nsub = 0, nval = 0;
	LSTATUS e;
	HKEY h;
	int r = open_key(key, KEY_READ, &h);

	(void)ctx;
	if (r != 0)
		return r < 0 ? -1 : 0;
	e = RegQueryInfoKeyW(h, NULL, NULL, NULL, &nsub, NULL, NULL, &nval,
		NULL, NULL, NULL, NULL);
	RegCloseKey(h);
	if (e != ERROR_SUCCESS)
		return fail("reading", key, e);
	return nsub == 0 && nval == 0 ? 0 : 1;
}

static int
reg_create_key(void *ctx, const char *key)
{
	WCHAR *w = wide(key);
	LSTATUS e;
	HKEY h;

	(void)ctx;
	if (w == NULL)
		return fail("converting", key, ERROR_NOT_ENOUGH_MEMORY);
	e = RegCreateKeyExW(HKEY_LOCAL_MACHINE, w, 0, NULL, 0,
		KEY_WRITE | KEY_WOW64_64KEY, NULL, &h, NULL);
	free(w);
	if (e != ERROR_SUCCESS)
		return fail("creating", key, e);
	RegCloseKey(h);
	return 0;
}

static int
reg_delete_key(void *ctx, const char *key)
{
	LSTATUS e;
	HKEY h;
	int r = open_key(key, KEY_ALL_ACCESS, &h);

	(void)ctx;
	if (r != 0)
		return r < 0 ? -1 : 0;
	/* Everything under it, then the key itself. */
	e = RegDeleteTreeW(h, NULL);
	RegCloseKey(h);
	if (e == ERROR_SUCCESS) {
		WCHAR *w = wide(key);

		e = w == NULL ? ERROR_NOT_ENOUGH_MEMORY :
			RegDeleteKeyExW(HKEY_LOCAL_MACHINE, w, KEY_WOW64_64KEY,
				0);
		free(w);
	}
	return e == ERROR_SUCCESS ? 0 : fail("deleting", key, e);
}

/* One value's bytes (malloc'd, two extra NULs), its type. */
static int
get_value(const char *key, const char *name, DWORD *type, BYTE **data,
		DWORD *size)
{
	WCHAR *wn = wide(name);
	LSTATUS e = ERROR_NOT_ENOUGH_MEMORY;
	HKEY h;
	int r = open_key(key, KEY_READ, &h);

	*data = NULL;
	if (r != 0) {
		free(wn);
		return r;
	}
	for (int tries = 0; wn != NULL && tries < 4; tries++) {
		*size = 0;
		e = RegQueryValueExW(h, wn, NULL, type, NULL, size);
		if (e != ERROR_SUCCESS)
			break;
		free(*data);
		*data = calloc(1, *size + 2 * sizeof(WCHAR));
		if (*data == NULL) {
			e = ERROR_NOT_ENOUGH_MEMORY;
			break;
		}
		e = RegQueryValueExW(h, wn, NULL, type, *data, size);
		if (e != ERROR_MORE_DATA)
			break;	/* else it grew meanwhile */
	}
	RegCloseKey(h);
	free(wn);
	if (e == ERROR_SUCCESS)
		return 0;
	free(*data);
	*data = NULL;
	return e == ERROR_FILE_NOT_FOUND ? 1 : fail("reading", key, e);
}

static int
reg_get_lines(void *ctx, const char *key, const char *name, char ***lines,
		unsigned int *n)
{
	BYTE *data;
	DWORD type, size;
	const WCHAR *w, *s;
	unsigned int count = 0;
	size_t bytes = 0;
	char **arr, *p, *base;
	int r = get_value(key, name, &type, &data, &size);

	(void)ctx;
	if (r != 0)
		return r;
	if (type != REG_MULTI_SZ) {
		fprintf(stderr, "wspdk-install: HKLM\\%s\\%s is not a "
			"REG_MULTI_SZ (type %lu): delete it or fix it by hand\n",
			key, name, (unsigned long)type);
		free(data);
		return -1;
	}
	w = (const WCHAR *)data;
	for (s = w; *s != L'\0'; s += wcslen(s) + 1) {
		count++;
		bytes += (size_t)WideCharToMultiByte(CP_UTF8, 0, s, -1, NULL,
			0, NULL, NULL);
	}
	arr = malloc((count + 1) * sizeof(*arr) + bytes);
	if (arr == NULL) {
		free(data);
		return fail("reading", key, ERROR_NOT_ENOUGH_MEMORY);
	}
	base = (char *)(arr + count + 1);
	p = base;
	count = 0;
	for (s = w; *s != L'\0'; s += wcslen(s) + 1) {
		int k = WideCharToMultiByte(CP_UTF8, 0, s, -1, p,
			(int)(bytes - (size_t)(p - base)), NULL,
			NULL);

		arr[count++] = p;
		p += k > 0 ? k : 0;
	}
	arr[count] = NULL;
	free(data);
	*lines = arr;
	*n = count;
	return 0;
}

static int
set_value(const char *key, const char *name, DWORD type, const void *data,
		DWORD size)
{
	WCHAR *wn = wide(name);
	LSTATUS e;
	HKEY h;
	int r = open_key(key, KEY_SET_VALUE, &h);

	if (r != 0) {
		free(wn);
		return r < 0 ? -1 : fail("writing", key, ERROR_FILE_NOT_FOUND);
	}
	e = wn == NULL ? ERROR_NOT_ENOUGH_MEMORY :
		RegSetValueExW(h, wn, 0, type, data, size);
	RegCloseKey(h);
	free(wn);
	return e == ERROR_SUCCESS ? 0 : fail("writing", key, e);
}

static int
reg_set_lines(void *ctx, const char *key, const char *name,
		const char *const *lines, unsigned int n)
{
	size_t len = 1;
	WCHAR *w, *p;
	int r;

	(void)ctx;
	for (unsigned int i = 0; i < n; i++)
		len += (size_t)MultiByteToWideChar(CP_UTF8, 0, lines[i], -1,
			NULL, 0);
	w = malloc(len * sizeof(WCHAR));
	if (w == NULL)
		return fail("writing", key, ERROR_NOT_ENOUGH_MEMORY);
	p = w;
	for (unsigned int i = 0; i < n; i++)
		p += MultiByteToWideChar(CP_UTF8, 0, lines[i], -1, p,
			(int)(len - (size_t)(p - w)));
	*p++ = L'\0';
	r = set_value(key, name, REG_MULTI_SZ, w,
		(DWORD)((size_t)(p - w) * sizeof(WCHAR)));
	free(w);
	return r;
}

static int
reg_get_dword(void *ctx, const char *key, const char *name, uint32_t *v)
{
	BYTE *data;
	DWORD type, size;
	int r = get_value(key, name, &type, &data, &size);

	(void)ctx;
	if (r != 0)
		return r;
	r = type == REG_DWORD && size == 4 ? 0 : 1;	/* not ours: absent */
	if (r == 0)
		memcpy(v, data, 4);
	free(data);
	return r;
}

static int
reg_set_dword(void *ctx, const char *key, const char *name, uint32_t v)
{
	DWORD d = v;

	(void)ctx;
	return set_value(key, name, REG_DWORD, &d, sizeof(d));
}

const struct wsp_reg wsp_install_reg = {
	.key_exists = reg_key_exists,
	.key_empty = reg_key_empty,
	.create_key = reg_create_key,
	.delete_key = reg_delete_key,
	.get_lines = reg_get_lines,
	.set_lines = reg_set_lines,
	.get_dword = reg_get_dword,
	.set_dword = reg_set_dword,
};
