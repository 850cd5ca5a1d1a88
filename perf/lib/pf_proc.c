/* SPDX-License-Identifier: BSD-3-Clause */
/* The process's own figures (wt_proc_read) and the provider's telemetry. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf.h"
#include "wt.h"

void
pf_checkpoint(char *kv, size_t len, unsigned long cycle)
{
	struct wt_proc p;
	char key[64];

	wt_proc_read(&p);
	snprintf(key, sizeof(key), "at%lu_hugetlb_kb", cycle);
	pf_kv(kv, len, key, "%llu", (unsigned long long)p.hugetlb_kb);
	snprintf(key, sizeof(key), "at%lu_rss_kb", cycle);
	pf_kv(kv, len, key, "%llu", (unsigned long long)p.rss_kb);
	snprintf(key, sizeof(key), "at%lu_fds", cycle);
	pf_kv(kv, len, key, "%u", p.fds);
	snprintf(key, sizeof(key), "at%lu_threads", cycle);
	pf_kv(kv, len, key, "%u", p.threads);
}

const char *
pf_tel_prefix(void)
{
	static char prefix[64];
	const char *args = getenv("WSPDK_EAL_ARGS"), *p;

	p = args != NULL ? strstr(args, "--file-prefix") : NULL;
	if (p == NULL)
		return wt_tel_prefix();
	p += strlen("--file-prefix");
	while (*p == '=' || *p == ' ')
		p++;
	snprintf(prefix, sizeof(prefix), "%.*s", (int)strcspn(p, " "), p);
	return prefix;
}

int
pf_stat_read(const char *key, uint64_t *v)
{
	char json[32768];

	*v = 0;
	if (wt_tel(pf_tel_prefix(), "/wspdk/stats", json, sizeof(json)) != 0)
		return -1;
	return wt_json_u64(json, key, v);
}

/*
 * The provider's own view: every counter of /wspdk/stats (a flat
 * {"name": number} dict), so no drop class goes unreported. The report
 * shows those that moved and tells drops from traffic counters.
 */
void
pf_stat_all(char *kv, size_t len)
{
	char json[32768], key[80];
	const char *p, *q;

	if (wt_tel(pf_tel_prefix(), "/wspdk/stats", json, sizeof(json)) != 0)
		return;
	p = strchr(json + 1, '{');
	for (p = p != NULL ? p : json; (p = strchr(p, '"')) != NULL; p = q) {
		unsigned long long v;
		char *end;

		q = strchr(p + 1, '"');
		if (q == NULL || q - p - 1 >= 64)
			break;
		q++;
		if (*q != ':')
			continue;
		v = strtoull(q + 1, &end, 10);
		if (end == q + 1)
			continue;
		snprintf(key, sizeof(key), "stat_%.*s", (int)(q - p - 2),
			p + 1);
		pf_kv(kv, len, key, "%llu", v);
	}
}
