/* SPDX-License-Identifier: BSD-3-Clause */
/* The process's own figures at a lifecycle checkpoint (wt_proc_read). */
#include <stdio.h>

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
