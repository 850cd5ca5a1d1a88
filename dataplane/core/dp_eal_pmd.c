/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Only the PMDs the device needs (Linux, shared DPDK; issue 16 item 4).
 *
 * A shared EAL dlopen()s every .so in its plugin directory
 * (RTE_EAL_PMD_PATH, Debian's pmds-23.0: 128 PMDs and what they pull in)
 * in rte_eal_init: about 90 ms of the first WSPStartup here. DPDK 22.11
 * has no switch against it: eal_plugins_init (eal_common_options.c) adds
 * that directory whenever the build is shared and the path stat()s as a
 * directory, and -d only adds to it. So the thread that runs
 * rte_eal_init first loads the PMDs the device needs itself, then takes
 * a mount namespace of its own (unshare, which also unshares its
 * filesystem context from the application's threads) in which the
 * directory is an empty tmpfs: EAL finds nothing more to load. The
 * threads EAL starts inherit that namespace, so the tmpfs goes again as
 * soon as rte_eal_init returns; what remains for them is a copy of the
 * application's mounts that follows it (slave propagation).
 *
 * Needs CAP_SYS_ADMIN. Without it, and for a device whose PMD cannot be
 * named here (a PCI NIC: its PMD follows from its id, not its address;
 * a vdev with no library of its driver's name, or one over other
 * devices; a user's mempool driver), EAL loads the whole directory as
 * before and the log says why. A later start on another device (EAL
 * stays up) loads that device's PMD then, or the whole directory.
 */
#include <ctype.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_config.h>

#include "dp_eal.h"
#include "dp_log.h"
#include "drv_port.h"

#define PMD_DIR		RTE_EAL_PMD_PATH
#define PMD_NAME_MAX	48

/* Whether the tmpfs is over the directory in the init thread's
 * namespace; whether every PMD of it is loaded. Written by the thread
 * that starts the engine (starts are serialised). */
static bool pmd_hidden;
static bool pmd_dir_loaded;

/* vdev driver names whose PMD library is named otherwise. */
static const struct {
	const char *drv, *lib;
} pmd_alias[] = {
	{ "net_tun", "net_tap" },
	{ "net_virtio_user", "net_virtio" },
};

/* The ABI major of the plugin directory's name, "…/pmds-23.0": "23". */
static int
pmd_abi(char *buf, size_t len)
{
	const char *p = strrchr(PMD_DIR, '-');
	size_t n;

	if (p == NULL)
		return -1;
	n = strspn(++p, "0123456789");
	if (n == 0 || n >= len)
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return 0;
}

/*
 * The driver of a vdev: its name less the instance number (the vdev bus
 * matches a driver by prefix, "net_tap0" is net_tap's), less a devargs.
 */
static int
vdev_driver(const char *device, char *drv, size_t len)
{
	size_t n = strcspn(device, ",");

	while (n > 0 && isdigit((unsigned char)device[n - 1]))
		n--;
	if (n == 0 || n >= len)
		return -1;
	memcpy(drv, device, n);
	drv[n] = '\0';
	for (size_t i = 0; i < RTE_DIM(pmd_alias); i++)
		if (strcmp(drv, pmd_alias[i].drv) == 0)
			snprintf(drv, len, "%s", pmd_alias[i].lib);
	return 0;
}

static int
pmd_path(const char *lib, char *path, size_t len)
{
	char abi[16];

	if (pmd_abi(abi, sizeof(abi)) != 0)
		return -1;
	if ((size_t)snprintf(path, len, "%s/librte_%s.so.%s", PMD_DIR, lib,
			abi) >= len)
		return -1;
	return access(path, R_OK) == 0 ? 0 : -1;
}

/*
 * The PMD libraries device needs beyond what the provider links (net_ring,
 * bus_vdev): the mempool driver always, a vdev's own PMD. Returns how
 * many are in libs[], or -1 with why set when they cannot be named.
 */
static int
pmd_libs(const char *device, const char *eal_args, char libs[][PMD_NAME_MAX],
		const char **why)
{
	int n = 0;

	/* rte_pktmbuf_pool_create's default ops, "ring_mp_mc". */
	snprintf(libs[n++], PMD_NAME_MAX, "mempool_ring");
	if (strstr(eal_args, "--mbuf-pool-ops-name") != NULL) {
		*why = "WSPDK_EAL_ARGS names a mempool driver";
		return -1;
	}
	switch (drv_device_kind(device)) {
	case DRV_KIND_LOOP:
	case DRV_KIND_PAIR:
	case DRV_KIND_VTAP:
		return n;
	case DRV_KIND_PCI:
		*why = "a PCI NIC's PMD follows from its id, not its address";
		return -1;
	case DRV_KIND_VDEV:
		break;
	}
	if (vdev_driver(device, libs[n], PMD_NAME_MAX) != 0) {
		*why = "the vdev names no driver";
		return -1;
	}
	/* Drivers over other devices load theirs at probe time. */
	if (strcmp(libs[n], "net_bonding") == 0 ||
			strcmp(libs[n], "net_failsafe") == 0) {
		*why = "the vdev drives other devices";
		return -1;
	}
	return n + 1;
}

/* dlopen the PMDs device needs; 0, or -1 with why. */
static int
pmd_load_for(const char *device, const char *eal_args, const char **why)
{
	char libs[2][PMD_NAME_MAX], path[512];
	int n;

	*why = NULL;
	n = pmd_libs(device, eal_args, libs, why);
	for (int i = 0; i < n && *why == NULL; i++) {
		if (pmd_path(libs[i], path, sizeof(path)) != 0)
			*why = "no PMD library of that name";
		/* Never closed: EAL keeps its plugins for the process life
		 * too, and the driver registered itself in the constructor. */
		else if (dlopen(path, RTLD_NOW) == NULL)
			*why = dlerror();
	}
	return *why == NULL ? 0 : -1;
}

/* What EAL would have done at init: every .so of the directory. */
static void
pmd_load_dir(void)
{
	char path[512];
	struct dirent *e;
	unsigned int n = 0, bad = 0;
	DIR *d = opendir(PMD_DIR);
	size_t len;

	while (d != NULL && (e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (len < 4 || strcmp(e->d_name + len - 3, ".so") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", PMD_DIR, e->d_name);
		if (dlopen(path, RTLD_NOW) != NULL)
			n++;
		else
			bad++;
	}
	if (d != NULL)
		closedir(d);
	DP_LOG(INFO, "loaded %u PMDs of %s (%u failed)", n, PMD_DIR, bad);
}

int
dp_eal_pmd_only(const char *device, const char *eal_args)
{
	const char *why;

	pmd_dir_loaded = true;		/* unless hidden below */
	if (pmd_load_for(device, eal_args, &why) != 0) {
		DP_LOG(INFO, "EAL loads every PMD of %s: %s (%s)", PMD_DIR,
			why, device);
		return 0;
	}
	/* This thread only runs rte_eal_init and ends: it never needs to
	 * go back (nor could it, sharing its filesystem context with the
	 * threads EAL starts: setns refuses that). */
	if (unshare(CLONE_NEWNS) != 0) {
		DP_LOG(INFO, "EAL loads every PMD of %s: no mount namespace "
			"of its own (%s; needs CAP_SYS_ADMIN)", PMD_DIR,
			strerror(errno));
		return 0;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) != 0 ||
			mount("wspdk-nopmd", PMD_DIR, "tmpfs", MS_RDONLY |
			MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,mode=0555")
			!= 0) {
		DP_LOG(INFO, "EAL loads every PMD of %s: cannot hide it (%s)",
			PMD_DIR, strerror(errno));
		return 0;
	}
	pmd_hidden = true;
	pmd_dir_loaded = false;
	DP_LOG(DEBUG, "EAL loads no PMD of %s beyond %s's", PMD_DIR, device);
	return 1;
}

/*
 * A later start, EAL up, may name another device (WSPDK_DEVICE is read
 * at every WSPStartup): its PMD now, or, if it cannot be named, the
 * whole directory as EAL would have loaded it.
 */
void
dp_eal_pmd_more(const char *device, const char *eal_args)
{
	const char *why;

	if (pmd_dir_loaded || pmd_load_for(device, eal_args, &why) == 0)
		return;
	DP_LOG(INFO, "loading every PMD of %s: %s (%s)", PMD_DIR, why,
		device);
	pmd_load_dir();
	pmd_dir_loaded = true;
}

/* For the threads EAL started in the namespace: the directory again. */
void
dp_eal_pmd_unhide(void)
{
	if (pmd_hidden && umount2(PMD_DIR, MNT_DETACH) != 0)
		DP_LOG(WARNING, "EAL threads see %s empty: %s", PMD_DIR,
			strerror(errno));
	pmd_hidden = false;
}
