/* SPDX-License-Identifier: BSD-3-Clause */
/* EAL bring-up, once per process (dp_eal.c). */
#ifndef _DP_EAL_H_
#define _DP_EAL_H_

#include <stddef.h>
#include <stdint.h>

#include "dp.h"

/* The EALs whose parsers an argv must pass (DPDK 22.11's). */
enum dp_eal_os {
	DP_EAL_LINUX,
	DP_EAL_WINDOWS,
};

int dp_eal_init(const struct dp_conf *conf);

/*
 * Check WSPDK_EAL_ARGS against the options and value forms EAL os
 * accepts, and the combinations it refuses given what the provider adds
 * (device: the port it will probe, NULL if not known). Returns 0, or
 * -EINVAL with err naming the option and why. Windows' EAL exits the
 * process on any argument error, so nothing may reach it unchecked;
 * Linux's list is a superset. dp_eal_args_check: the EAL built against.
 */
int dp_eal_args_check_os(const char *args, const char *device,
		enum dp_eal_os os, char *err, size_t errlen);
int dp_eal_args_check(const char *args, const char *device, char *err,
		size_t errlen);
int dp_eal_device(const char *args, char *device, size_t len);
int dp_eal_tokenize(const char *s, char *buf, size_t buflen, char **tok,
		int max);

/*
 * The CPUs of the dataplane lcores: WSPDK_LCORES, each one existing
 * (below ncpu), one EAL os can pin to and, on Windows, one of the
 * process's allowed[] (na of them); without WSPDK_LCORES, the last
 * allowed CPU EAL os can pin. Returns 0 with *n set, or -EINVAL with
 * err saying why. dp_eal_lcore_cpus: this process, the EAL built against.
 */
int dp_eal_lcore_cpus_os(const struct dp_conf *conf, enum dp_eal_os os,
		const uint16_t *allowed, unsigned int na, unsigned int ncpu,
		uint16_t *cpus, unsigned int *n, char *err, size_t errlen);
int dp_eal_lcore_cpus(const struct dp_conf *conf, uint16_t *cpus,
		unsigned int *n, char *err, size_t errlen);

/* Keep, in order, the n cpus[] EAL os can pin to; returns how many. */
unsigned int dp_eal_cpus_usable(enum dp_eal_os os, uint16_t *cpus,
		unsigned int n);

/*
 * The argv EAL starts with: its name, the user's WSPDK_EAL_ARGS less the
 * device options (drivers/ probes the device), the OS's memory-mode
 * options (dp_os_eal_mode_args), the PCI allow-list or --no-pci, and
 * --lcores. The strings are malloc'd, v[argc] is NULL.
 */
struct dp_eal_argv {
	char **v;		/* the caller's array of max + 1 slots */
	int max;		/* arguments v may hold */
	int argc;
	int err;		/* the builder's first failure */
	char prefix[64];	/* the --file-prefix in v */
};

/*
 * Fill a for conf, dataplane lcore i + 1 pinned to cpus[i] (i < n), the
 * main lcore floating over the na CPUs of allowed[] (ascending). Returns
 * 0, or with err saying why and a empty: -EINVAL (na is 0, a bad
 * WSPDK_EAL_ARGS), -E2BIG (more than a->max arguments), -ENOMEM.
 */
int dp_eal_argv_build(struct dp_eal_argv *a, const struct dp_conf *conf,
		const uint16_t *cpus, unsigned int n, const uint16_t *allowed,
		unsigned int na, char *err, size_t errlen);

/* Free the strings of a; a->v itself stays the caller's. */
void dp_eal_argv_free(struct dp_eal_argv *a);

/*
 * "--lcores=0@(<allowed>),1@<cpus[0]>,...,<n>@<cpus[n-1]>" with allowed[]
 * (ascending) written as EAL's cpuset ranges, "0-127,256-300": a
 * malloc'd string, or NULL if na is 0 or memory ran out.
 */
char *dp_eal_lcores_arg(const uint16_t *allowed, unsigned int na,
		const uint16_t *cpus, unsigned int n);

/*
 * Linux (dp_eal_pmd.c), on the thread about to run rte_eal_init: load the
 * PMDs device needs and hide EAL's plugin directory from that thread.
 * Returns 1 if hidden (dp_eal_pmd_unhide after rte_eal_init), 0 if EAL
 * will load the whole directory (the log says why).
 */
int dp_eal_pmd_only(const char *device, const char *eal_args);
void dp_eal_pmd_unhide(void);
/* EAL up, a later start: the PMDs of device (maybe another one) too. */
void dp_eal_pmd_more(const char *device, const char *eal_args);

unsigned int dp_eal_nb_lcores(void);
unsigned int dp_eal_lcore_cpu(unsigned int i);
const char *dp_eal_prefix(void);

#endif /* _DP_EAL_H_ */
