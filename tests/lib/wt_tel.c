/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A minimal client of DPDK's telemetry v2 socket (what dpdk-telemetry.py
 * does): the tests read the provider's counters the way users do.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "wt.h"

const char *
wt_tel_prefix(void)
{
	static char prefix[32];

	if (prefix[0] == '\0')
		snprintf(prefix, sizeof(prefix), "wspdk%ld", (long)getpid());
	return prefix;
}

int
wt_tel(const char *prefix, const char *cmd, char *out, size_t len)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	ssize_t n;
	int fd;

	snprintf(sun.sun_path, sizeof(sun.sun_path),
		"/var/run/dpdk/%s/dpdk_telemetry.v2", prefix);
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0)
		goto fail;
	/* The server greets with its version and limits first. */
	if (recv(fd, out, len - 1, 0) <= 0)
		goto fail;
	if (send(fd, cmd, strlen(cmd), 0) < 0)
		goto fail;
	n = recv(fd, out, len - 1, 0);
	if (n <= 0)
		goto fail;
	out[n] = '\0';
	close(fd);
	return 0;
fail:
	close(fd);
	return -1;
}

static const char *
find_key(const char *json, const char *key)
{
	char pat[128];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(json, pat);
	if (p == NULL)
		return NULL;
	p += strlen(pat);
	while (isspace((unsigned char)*p))
		p++;
	return p;
}

int
wt_json_u64(const char *json, const char *key, uint64_t *v)
{
	const char *p = find_key(json, key);

	if (p == NULL || !isdigit((unsigned char)*p))
		return -1;
	*v = strtoull(p, NULL, 10);
	return 0;
}

int
wt_json_str(const char *json, const char *key, char *out, size_t len)
{
	const char *p = find_key(json, key), *end;

	if (p == NULL || *p != '"')
		return -1;
	end = strchr(p + 1, '"');
	if (end == NULL)
		return -1;
	snprintf(out, len, "%.*s", (int)(end - p - 1), p + 1);
	return 0;
}

int
wt_json_array_len(const char *json)
{
	const char *p = strchr(json, '[');
	int depth = 0, n = 0;
	bool any = false;

	if (p == NULL)
		return -1;
	for (; *p != '\0'; p++) {
		if (*p == '[' || *p == '{') {
			depth++;
		} else if (*p == ']' || *p == '}') {
			if (--depth == 0)
				break;
		} else if (depth == 1 && *p == ',') {
			n++;
		} else if (depth == 1 && !isspace((unsigned char)*p)) {
			any = true;
		}
		if (depth == 2 && (*p == '{' || *p == '['))
			any = true;
	}
	return any ? n + 1 : 0;
}

uint64_t
wt_stat(const char *name)
{
	char buf[16384];
	uint64_t v = 0;

	if (wt_tel(wt_tel_prefix(), "/wspdk/stats", buf, sizeof(buf)) == 0)
		wt_json_u64(buf, name, &v);
	return v;
}

uint64_t
wt_info_u64(const char *key)
{
	char buf[8192];
	uint64_t v = 0;

	if (wt_tel(wt_tel_prefix(), "/wspdk/info", buf, sizeof(buf)) == 0)
		wt_json_u64(buf, key, &v);
	return v;
}
