/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wspdk-install's policy commands over struct wsp_reg (see
 * wsp_install_policy.h). Portable C: the Linux tests build it too.
 * Whatever this writes passes wsp_policy_check first, so the installer
 * never leaves a broken policy behind it; --policy-remove and
 * --policy-default may still repair one.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "wsp_policy.h"
#include "win/wsp_install_policy.h"

#define WHERE	"HKLM\\" WSP_POL_KEY "\\" WSP_POL_RULES

/* The policy's lines, editable: pointers into the read block or static
 * strings or added lines; room for n + 2 entries. */
struct lines {
	char **read;		/* the block get_lines gave, or NULL */
	const char **l;
	unsigned int n;
	bool present;		/* the Policy key exists */
};

static const char *const fresh_rules[] = {
	"default = deny",
	"env_override = no",
};

static void
lines_free(struct lines *ls)
{
	free(ls->read);
	free(ls->l);
}

/* 0, or -1 (said). An absent key or value: no lines. */
static int
lines_read(const struct wsp_reg *r, struct lines *ls)
{
	unsigned int n = 0;
	int e;

	memset(ls, 0, sizeof(*ls));
	e = r->key_exists(r->ctx, WSP_POL_KEY);
	if (e < 0)
		return -1;
	ls->present = e == 0;
	if (ls->present) {
		e = r->get_lines(r->ctx, WSP_POL_KEY, WSP_POL_RULES,
			&ls->read, &n);
		if (e < 0)
			return -1;
		if (e > 0) {
			ls->read = NULL;
			n = 0;
		}
	}
	ls->l = malloc((n + 2) * sizeof(*ls->l));
	if (ls->l == NULL) {
		fprintf(stderr, "wspdk-install: out of memory\n");
		free(ls->read);
		return -1;
	}
	for (unsigned int i = 0; i < n; i++)
		ls->l[i] = ls->read[i];
	ls->n = n;
	return 0;
}

/* The lines as the DLL sees them, checked by the DLL's parser. */
static bool
lines_valid(const struct lines *ls, char *err, size_t err_len)
{
	size_t len = 0, off = 0;
	char *text;
	bool ok;

	for (unsigned int i = 0; i < ls->n; i++)
		len += strlen(ls->l[i]) + 1;
	text = malloc(len + 1);
	if (text == NULL) {
		snprintf(err, err_len, "out of memory");
		return false;
	}
	for (unsigned int i = 0; i < ls->n; i++) {
		size_t k = strlen(ls->l[i]);

		memcpy(text + off, ls->l[i], k);
		off += k;
		text[off++] = '\n';
	}
	ok = wsp_policy_check(text, off, WHERE, err, err_len);
	free(text);
	return ok;
}

static int
lines_write(const struct wsp_reg *r, struct lines *ls)
{
	if (!ls->present && r->create_key(r->ctx, WSP_POL_KEY) != 0)
		return -1;
	return r->set_lines(r->ctx, WSP_POL_KEY, WSP_POL_RULES, ls->l, ls->n);
}

static bool
blank(char c)
{
	return c == ' ' || c == '\t';
}

static char
fold(char c)
{
	if (c == '\\')
		return '/';
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Windows' own rule for names: ASCII case and / vs \ do not count. */
static bool
same_pattern(const char *a, size_t alen, const char *b)
{
	if (alen != strlen(b))
		return false;
	for (size_t i = 0; i < alen; i++)
		if (fold(a[i]) != fold(b[i]))
			return false;
	return true;
}

/*
 * The first word of a line ("allow", "default", ...) and, for allow and
 * deny, whether its pattern is pattern.
 */
static bool
line_is(const char *line, const char *word, const char *pattern)
{
	size_t k = 0, wl = strlen(word), len;

	while (blank(*line))
		line++;
	while (line[k] != '\0' && !blank(line[k]) && line[k] != '=')
		k++;
	if (k != wl || memcmp(line, word, wl) != 0)
		return false;
	if (pattern == NULL)
		return true;
	line += k;
	while (blank(*line))
		line++;
	len = strlen(line);
	while (len > 0 && (blank(line[len - 1]) || line[len - 1] == '\r'))
		len--;
	return same_pattern(line, len, pattern);
}

int
wsp_pol_install(const struct wsp_reg *r, FILE *out)
{
	uint32_t created = 0;
	int e = r->key_exists(r->ctx, WSP_POL_KEY);

	if (e < 0)
		return -1;
	if (e == 0) {
		fprintf(out, "wspdk-install: policy: keeping the one in "
			WHERE " (--policy-list shows it)\n");
		return 0;
	}
	e = r->key_exists(r->ctx, WSP_POL_PARENT);
	if (e < 0)
		return -1;
	if (e > 0) {
		if (r->create_key(r->ctx, WSP_POL_PARENT) != 0)
			return -1;
		created |= WSP_POL_CREATED_PARENT;
	}
	if (r->create_key(r->ctx, WSP_POL_KEY) != 0)
		goto undo;
	created |= WSP_POL_CREATED_KEY;
	/* The record before the rules: from here uninstall undoes it. */
	if (r->set_dword(r->ctx, WSP_POL_KEY, WSP_POL_CREATED, created) != 0
			|| r->set_lines(r->ctx, WSP_POL_KEY, WSP_POL_RULES,
				fresh_rules, 2) != 0)
		goto undo;
	fprintf(out, "wspdk-install: policy: created " WHERE " with "
		"default = deny: no program is accelerated until "
		"--policy-add names it\n");
	return 0;
undo:
	/* Half a policy is worse than none. */
	if (created & WSP_POL_CREATED_KEY)
		r->delete_key(r->ctx, WSP_POL_KEY);
	if (created & WSP_POL_CREATED_PARENT)
		r->delete_key(r->ctx, WSP_POL_PARENT);
	return -1;
}

int
wsp_pol_uninstall(const struct wsp_reg *r, FILE *out)
{
	uint32_t created = 0;
	int e = r->get_dword(r->ctx, WSP_POL_KEY, WSP_POL_CREATED, &created);

	if (e < 0)
		return -1;
	if (e > 0 || (created & WSP_POL_CREATED_KEY) == 0) {
		e = r->key_exists(r->ctx, WSP_POL_KEY);
		if (e == 0)
			fprintf(out, "wspdk-install: policy: kept (install did "
				"not create it)\n");
		return e < 0 ? -1 : 0;
	}
	if (r->delete_key(r->ctx, WSP_POL_KEY) != 0)
		return -1;
	fprintf(out, "wspdk-install: policy: removed HKLM\\" WSP_POL_KEY
		"\n");
	if ((created & WSP_POL_CREATED_PARENT) == 0)
		return 0;
	e = r->key_empty(r->ctx, WSP_POL_PARENT);
	if (e < 0)
		return -1;
	if (e > 0) {
		fprintf(out, "wspdk-install: kept HKLM\\" WSP_POL_PARENT
			": settings were added to it since install\n");
		return 0;
	}
	return r->delete_key(r->ctx, WSP_POL_PARENT);
}

int
wsp_pol_add(const struct wsp_reg *r, const char *pattern, FILE *out)
{
	struct lines ls;
	char line[WSP_POLICY_LINE_MAX + 16], err[256];
	int ret = -1;

	if (lines_read(r, &ls) != 0)
		return -1;
	for (unsigned int i = 0; i < ls.n; i++) {
		if (line_is(ls.l[i], "allow", pattern)) {
			fprintf(out, "wspdk-install: policy: %s already "
				"allowed (rule %u)\n", pattern, i + 1);
			ret = 0;
			goto done;
		}
	}
	/* A key created here is the administrator's: not recorded. */
	if (!ls.present)
		ls.l[ls.n++] = fresh_rules[0];
	snprintf(line, sizeof(line), "allow %s", pattern);
	ls.l[ls.n++] = line;
	if (pattern[0] == '\0' || blank(pattern[0]) ||
			blank(pattern[strlen(pattern) - 1])) {
		fprintf(stderr, "wspdk-install: --policy-add needs a full path "
			"or an image name, without blanks around it\n");
	} else if (!lines_valid(&ls, err, sizeof(err))) {
		fprintf(stderr, "wspdk-install: not written: %s\n", err);
	} else if (lines_write(r, &ls) == 0) {
		fprintf(out, "wspdk-install: policy: %s allowed (rule %u); "
			"programs started from now on see it\n", pattern, ls.n);
		ret = 0;
	}
done:
	lines_free(&ls);
	return ret;
}

int
wsp_pol_remove(const struct wsp_reg *r, const char *pattern, FILE *out)
{
	struct lines ls;
	unsigned int k = 0;
	int ret = 1;

	if (lines_read(r, &ls) != 0)
		return -1;
	for (unsigned int i = 0; i < ls.n; i++)
		if (!line_is(ls.l[i], "allow", pattern) &&
				!line_is(ls.l[i], "deny", pattern))
			ls.l[k++] = ls.l[i];
	if (k == ls.n) {
		fprintf(stderr, "wspdk-install: policy: no rule names %s\n",
			pattern);
	} else {
		fprintf(out, "wspdk-install: policy: removed %u rule%s for "
			"%s\n", ls.n - k, ls.n - k > 1 ? "s" : "", pattern);
		ls.n = k;
		ret = lines_write(r, &ls) == 0 ? 0 : -1;
	}
	lines_free(&ls);
	return ret;
}

int
wsp_pol_default(const struct wsp_reg *r, const char *value, FILE *out)
{
	struct lines ls;
	char line[32], err[256];
	unsigned int k = 0, at = 0;
	bool seen = false;
	int ret = -1;

	if (strcmp(value, "allow") != 0 && strcmp(value, "deny") != 0) {
		fprintf(stderr, "wspdk-install: --policy-default takes allow "
			"or deny, not \"%s\"\n", value);
		return -1;
	}
	if (lines_read(r, &ls) != 0)
		return -1;
	/* Every default line goes; the new one takes the first's place. */
	for (unsigned int i = 0; i < ls.n; i++) {
		if (line_is(ls.l[i], "default", NULL)) {
			if (!seen)
				at = k;
			seen = true;
			continue;
		}
		ls.l[k++] = ls.l[i];
	}
	memmove(&ls.l[at + 1], &ls.l[at], (k - at) * sizeof(*ls.l));
	snprintf(line, sizeof(line), "default = %s", value);
	ls.l[at] = line;
	ls.n = k + 1;
	if (!lines_valid(&ls, err, sizeof(err))) {
		fprintf(stderr, "wspdk-install: not written: %s\n", err);
	} else if (lines_write(r, &ls) == 0) {
		fprintf(out, "wspdk-install: policy: default = %s\n", value);
		ret = 0;
	}
	lines_free(&ls);
	return ret;
}

int
wsp_pol_list(const struct wsp_reg *r, FILE *out)
{
	struct lines ls;
	uint32_t created = 0;
	char err[256];

	if (lines_read(r, &ls) != 0)
		return -1;
	if (!ls.present) {
		fprintf(out, "Policy: none (no " WHERE "): every 64-bit "
			"program wspdk serves is accelerated\n");
		lines_free(&ls);
		return 0;
	}
	fprintf(out, "Policy " WHERE " (%u rules):\n", ls.n);
	for (unsigned int i = 0; i < ls.n; i++)
		fprintf(out, "  %3u  %s\n", i + 1, ls.l[i]);
	if (!lines_valid(&ls, err, sizeof(err)))
		fprintf(out, "Policy BROKEN: %s: no program is accelerated "
			"until it is fixed\n", err);
	if (r->get_dword(r->ctx, WSP_POL_KEY, WSP_POL_CREATED, &created) == 0
			&& (created & WSP_POL_CREATED_KEY) != 0)
		fprintf(out, "Policy created by wspdk-install: --uninstall "
			"removes it\n");
	lines_free(&ls);
	return 0;
}
