/* SPDX-License-Identifier: BSD-3-Clause */
/* What the process holds: hugepages, RSS, fds, threads (leak checks). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wt.h"

static unsigned int
count_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	unsigned int n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	/* opendir itself holds one fd while /proc/self/fd is read. */
	return strcmp(path, "/proc/self/fd") == 0 ? n - 1 : n;
}

int
wt_proc_read(struct wt_proc *p)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	if (f == NULL)
		return -1;
	memset(p, 0, sizeof(*p));
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "HugetlbPages:", 13) == 0)
			p->hugetlb_kb = strtoull(line + 13, NULL, 10);
		else if (strncmp(line, "VmRSS:", 6) == 0)
			p->rss_kb = strtoull(line + 6, NULL, 10);
	}
	fclose(f);
	p->fds = count_dir("/proc/self/fd");
	p->threads = count_dir("/proc/self/task");
	return 0;
}
