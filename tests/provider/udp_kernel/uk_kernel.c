/* SPDX-License-Identifier: BSD-3-Clause */
/* Kernel figures of our network namespace (see uk.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uk.h"

uint64_t
uk_snmp(const char *proto, const char *field)
{
	char names[4096], values[4096], pfx[32];
	char *ns, *vs, *n, *v;
	uint64_t out = 0;
	FILE *f = fopen("/proc/net/snmp", "r");

	if (f == NULL)
		return 0;
	snprintf(pfx, sizeof(pfx), "%s:", proto);
	/* Lines come in pairs: "Ip: Forwarding ..." then "Ip: 1 ...". */
	while (fgets(names, sizeof(names), f) != NULL &&
			fgets(values, sizeof(values), f) != NULL) {
		if (strncmp(names, pfx, strlen(pfx)) != 0)
			continue;
		n = strtok_r(names + strlen(pfx), " \n", &ns);
		v = strtok_r(values + strlen(pfx), " \n", &vs);
		while (n != NULL && v != NULL) {
			if (strcmp(n, field) == 0) {
				out = strtoull(v, NULL, 10);
				break;
			}
			n = strtok_r(NULL, " \n", &ns);
			v = strtok_r(NULL, " \n", &vs);
		}
		break;
	}
	fclose(f);
	return out;
}

uint64_t
uk_if_stat(const char *ifname, const char *name)
{
	/* /proc/net/dev, not /sys/class/net: sysfs shows the namespace it
	 * was mounted in, /proc/net the reader's. */
	static const char *const fields[] = {
		"rx_bytes", "rx_packets", "rx_errors", "rx_dropped",
		"rx_fifo", "rx_frame", "rx_compressed", "rx_multicast",
		"tx_bytes", "tx_packets", "tx_errors", "tx_dropped",
	};
	char line[512], pfx[64];
	unsigned long long v[12];
	uint64_t out = 0;
	int k = -1;
	FILE *f;

	for (int i = 0; i < 12; i++)
		if (strcmp(fields[i], name) == 0)
			k = i;
	f = fopen("/proc/net/dev", "r");
	if (f == NULL || k < 0) {
		if (f != NULL)
			fclose(f);
		return 0;
	}
	snprintf(pfx, sizeof(pfx), "%s:", ifname);
	while (fgets(line, sizeof(line), f) != NULL) {
		const char *p = line;

		while (*p == ' ')
			p++;
		if (strncmp(p, pfx, strlen(pfx)) != 0)
			continue;
		if (sscanf(p + strlen(pfx), "%llu %llu %llu %llu %llu %llu "
				"%llu %llu %llu %llu %llu %llu", &v[0], &v[1],
				&v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8],
				&v[9], &v[10], &v[11]) == 12)
			out = v[k];
		break;
	}
	fclose(f);
	return out;
}
