/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The machine policy's parser and verdict (format: wsp_policy.h). A pure
 * function over a buffer: the reader (wsp_policy_os.c) and the installer
 * share it, the tests and the fuzzer call it directly. One pass, nothing
 * allocated, every line checked even after a match: a policy with an
 * error anywhere is broken as a whole.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "wsp_policy.h"

enum tri { UNSET, NO, YES };

struct verdict {
	enum tri dflt;		/* default = allow (YES) / deny (NO) */
	unsigned int dflt_line;
	enum tri env_ok;	/* env_override */
	unsigned int env_ok_line;
	unsigned int allow_line;	/* first allow matching the image */
	unsigned int deny_line;		/* first deny matching it */
};

struct parse {
	const struct wsp_policy_in *in;
	struct verdict v;
	char *err;
	size_t err_len;
	unsigned int line;
};

static void
fmt(char *buf, size_t len, const char *f, ...)
{
	va_list ap;

	if (len == 0)
		return;
	va_start(ap, f);
	vsnprintf(buf, len, f, ap);
	va_end(ap);
}

/* Records the error of the current line; the caller stops. */
static int
bad(struct parse *p, const char *what)
{
	fmt(p->err, p->err_len, "%s:%u: %s", p->in->where, p->line, what);
	return -1;
}

static bool
blank(char c)
{
	return c == ' ' || c == '\t';
}

static char
fold(char c, bool icase)
{
	if (c == '\\')
		return '/';
	if (icase && c >= 'A' && c <= 'Z')
		return (char)(c - 'A' + 'a');
	return c;
}

/* Windows' long-path prefix says nothing about the file. */
static const char *
skip_long_prefix(const char *s, size_t *len)
{
	if (*len >= 4 && fold(s[0], false) == '/' && fold(s[1], false) == '/'
			&& s[2] == '?' && fold(s[3], false) == '/') {
		*len -= 4;
		return s + 4;
	}
	return s;
}

static bool
same(const char *a, size_t alen, const char *b, size_t blen, bool icase)
{
	a = skip_long_prefix(a, &alen);
	b = skip_long_prefix(b, &blen);
	if (alen != blen)
		return false;
	for (size_t i = 0; i < alen; i++)
		if (fold(a[i], icase) != fold(b[i], icase))
			return false;
	return true;
}

/* Whether the pattern names this process: by full path or image name. */
static bool
matches(const struct wsp_policy_in *in, const char *pat, size_t len)
{
	const char *img = in->image, *base;
	size_t n;

	if (img == NULL)
		return false;
	n = strlen(img);
	if (memchr(pat, '/', len) != NULL || memchr(pat, '\\', len) != NULL)
		return same(pat, len, img, n, in->icase);
	base = img + n;
	while (base > img && base[-1] != '/' && base[-1] != '\\')
		base--;
	return same(pat, len, base, (size_t)(img + n - base), in->icase);
}

static bool
word_is(const char *s, size_t len, const char *w)
{
	return strlen(w) == len && memcmp(s, w, len) == 0;
}

/* "KEY = VALUE" with VALUE one of two words; *out set, its line noted. */
static int
setting(struct parse *p, const char *key, const char *s, size_t len,
		const char *yes, const char *no, enum tri *out,
		unsigned int *line)
{
	char msg[160];

	while (len > 0 && blank(*s)) {
		s++;
		len--;
	}
	if (len == 0 || *s != '=') {
		fmt(msg, sizeof(msg), "expected \"%s = %s\" or \"%s = %s\"",
			key, yes, key, no);
		return bad(p, msg);
	}
	s++;
	len--;
	while (len > 0 && blank(*s)) {
		s++;
		len--;
	}
	if (*out != UNSET) {
		fmt(msg, sizeof(msg), "%s set twice (first on line %u)", key,
			*line);
		return bad(p, msg);
	}
	if (word_is(s, len, yes)) {
		*out = YES;
	} else if (word_is(s, len, no)) {
		*out = NO;
	} else {
		fmt(msg, sizeof(msg), "%s is \"%s\" or \"%s\", not \"%.*s\"",
			key, yes, no, len > 40 ? 40 : (int)len, s);
		return bad(p, msg);
	}
	*line = p->line;
	return 0;
}

/* "allow X" / "deny X": X is the rest of the line. */
static int
rule(struct parse *p, const char *key, const char *s, size_t len,
		unsigned int *match)
{
	char msg[96];

	if (len == 0 || !blank(*s)) {
		fmt(msg, sizeof(msg), "expected a full path or an image name "
			"after \"%s \"", key);
		return bad(p, msg);
	}
	while (len > 0 && blank(*s)) {
		s++;
		len--;
	}
	if (*match == 0 && matches(p->in, s, len))
		*match = p->line;
	return 0;
}

/* One line, without its terminator; blanks around it are not part of it. */
static int
parse_line(struct parse *p, const char *s, size_t len)
{
	size_t k = 0;
	char msg[160];

	if (len > WSP_POLICY_LINE_MAX) {
		fmt(msg, sizeof(msg), "line longer than %u bytes",
			WSP_POLICY_LINE_MAX);
		return bad(p, msg);
	}
	if (len > 0 && s[len - 1] == '\r')
		len--;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\0')
			fmt(msg, sizeof(msg), "NUL byte at column %zu", i + 1);
		else if ((c < 0x20 && c != '\t') || c == 0x7f)
			fmt(msg, sizeof(msg), "control character 0x%02x at "
				"column %zu", c, i + 1);
		else
			continue;
		return bad(p, msg);
	}
	while (len > 0 && blank(*s)) {
		s++;
		len--;
	}
	while (len > 0 && blank(s[len - 1]))
		len--;
	if (len == 0 || *s == '#')
		return 0;
	while (k < len && !blank(s[k]) && s[k] != '=')
		k++;
	if (word_is(s, k, "allow"))
		return rule(p, "allow", s + k, len - k, &p->v.allow_line);
	if (word_is(s, k, "deny"))
		return rule(p, "deny", s + k, len - k, &p->v.deny_line);
	if (word_is(s, k, "default"))
		return setting(p, "default", s + k, len - k, "allow", "deny",
			&p->v.dflt, &p->v.dflt_line);
	if (word_is(s, k, "env_override"))
		return setting(p, "env_override", s + k, len - k, "yes", "no",
			&p->v.env_ok, &p->v.env_ok_line);
	fmt(msg, sizeof(msg), "unknown rule \"%.*s\": expected allow, deny, "
		"default = or env_override =", k > 40 ? 40 : (int)k, s);
	return bad(p, msg);
}

static int
parse(struct parse *p)
{
	const char *s = p->in->text, *end = s + p->in->len, *nl;
	char msg[96];

	p->line = 0;
	if (p->in->len > WSP_POLICY_MAX_BYTES) {
		fmt(msg, sizeof(msg), "larger than %u bytes",
			WSP_POLICY_MAX_BYTES);
		fmt(p->err, p->err_len, "%s: %s", p->in->where, msg);
		return -1;
	}
	while (s < end) {
		p->line++;
		nl = memchr(s, '\n', (size_t)(end - s));
		if (nl == NULL)
			nl = end;
		if (parse_line(p, s, (size_t)(nl - s)) != 0)
			return -1;
		s = nl + 1;
	}
	return 0;
}

bool
wsp_policy_check(const char *text, size_t len, const char *where,
		char *err, size_t err_len)
{
	struct wsp_policy_in in = {
		.text = text,
		.len = len,
		.where = where != NULL ? where : "policy",
	};
	struct parse p = { .in = &in, .err = err, .err_len = err_len };

	fmt(err, err_len, "%s", "");
	return parse(&p) == 0;
}

/*
 * s for the one-line reason: a path may hold a newline or an escape
 * sequence (a file name is any bytes but / and NUL); controls become ?.
 */
static const char *
printable(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < len; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' :
			s[i];
	buf[i] = '\0';
	return buf;
}

bool
wsp_policy_decide(const struct wsp_policy_in *raw, char *why, size_t why_len)
{
	char img_buf[WSP_POLICY_LINE_MAX + 1], env_buf[41], err[256];
	char where_buf[256];
	struct wsp_policy_in copy = *raw, *in = &copy;
	const char *img = in->image == NULL ? "(image unknown)" :
		printable(in->image, img_buf, sizeof(img_buf));
	const char *env = in->env == NULL ? "" :
		printable(in->env, env_buf, sizeof(env_buf));
	struct parse p = { .in = in };
	bool opt_in;

	copy.where = printable(raw->where != NULL ? raw->where : "policy",
		where_buf, sizeof(where_buf));

	if (in->text != NULL) {
		p.err = err;
		p.err_len = sizeof(err);
		if (parse(&p) != 0) {
			fmt(why, why_len, "accelerated: no, %s (the policy is "
				"broken: the OS provider serves this process)",
				err);
			return false;
		}
	}
	if (env[0] != '\0' && strcmp(env, "0") != 0 && strcmp(env, "1") != 0) {
		fmt(why, why_len, "accelerated: no, WSPDK_ACCELERATE=\"%s\" "
			"is neither 0 nor 1", env);
		return false;
	}
	if (strcmp(env, "0") == 0) {
		fmt(why, why_len, "accelerated: no, WSPDK_ACCELERATE=0 (a "
			"process may always opt out)");
		return false;
	}
	opt_in = strcmp(env, "1") == 0;
	if (in->text == NULL) {
		fmt(why, why_len, "accelerated: yes, no machine policy (%s "
			"does not exist)%s", in->where,
			opt_in ? ", WSPDK_ACCELERATE=1" : "");
		return true;
	}
	if (p.v.deny_line != 0) {
		fmt(why, why_len, "accelerated: no, %s denied by %s:%u%s", img,
			in->where, p.v.deny_line, opt_in ? " (WSPDK_ACCELERATE="
			"1 cannot override a deny rule)" : "");
		return false;
	}
	if (p.v.allow_line != 0) {
		fmt(why, why_len, "accelerated: yes, %s listed in %s:%u", img,
			in->where, p.v.allow_line);
		return true;
	}
	if (p.v.dflt == YES) {
		fmt(why, why_len, "accelerated: yes, %s not listed in %s, "
			"whose line %u says default = allow", img, in->where,
			p.v.dflt_line);
		return true;
	}
	if (opt_in && p.v.env_ok == YES) {
		fmt(why, why_len, "accelerated: yes, WSPDK_ACCELERATE=1, which "
			"%s:%u allows (env_override = yes)", in->where,
			p.v.env_ok_line);
		return true;
	}
	fmt(why, why_len, "accelerated: no, %s not listed in %s (default = "
		"deny)%s", img, in->where, !opt_in ? "" :
		", and WSPDK_ACCELERATE=1 is ignored: the policy does not say "
		"env_override = yes");
	return false;
}
