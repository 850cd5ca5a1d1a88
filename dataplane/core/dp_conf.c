/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Defaults and the dataplane's half of configuration checking. The
 * provider parses keys into struct dp_conf; this file judges what only the
 * dataplane understands, before any of it reaches DPDK.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dp.h"
#include "dp_eal.h"
#include "drv_port.h"

#define IP4(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

void
dp_conf_defaults(struct dp_conf *c)
{
	memset(c, 0, sizeof(*c));
	/* The embedded default: a tap whose kernel side lives in the
	 * caller's network namespace (testbed.md layout A). */
	snprintf(c->device, sizeof(c->device), "net_tap0,iface=wsptap0");
	c->ip4 = IP4(198, 18, 0, 2);
	c->ip4_prefix = 24;
	c->nb_mbufs = 8191;
	c->nb_rxd = 1024;
	c->nb_txd = 1024;
	c->mtu = 1500;
	c->spin_us = 50;
	c->rtc = -1;
	c->lcore_sleep_us = -1;
	c->tso = 1;
	c->cleanup_ms = 2000;
	c->tcp_msl_ms = 30000;		/* 2 MSL = 60 s, Linux's TIME-WAIT */
	c->tcp_idle_restart = -1;
	c->arp_qlen = 1024;
	c->arp_reachable_ms = 30000;
	c->mc_groups = 4096;
	c->sockets = DP_SOCKETS_DEFAULT;
	/* Reassembly: Linux's memory (ipfrag_high_thresh, 4 MB), not its
	 * 30 s (ipfrag_time): on a LAN the fragments of a datagram arrive
	 * within microseconds, a datagram missing one after a second never
	 * completes, and holding it longer only keeps mbufs from traffic
	 * and widens the window in which a fast sender's 16-bit IDs wrap
	 * onto it (RFC 4963). */
	c->reass_max = 1024;
	c->reass_timeout_ms = 1000;
	c->reass_memory = 4 * 1024 * 1024;
	c->log_level = DP_LOG_INFO;
}

static int
check_range(const char *key, uint64_t v, uint64_t lo, uint64_t hi,
		char *err, size_t errlen)
{
	if (v >= lo && v <= hi)
		return 0;
	snprintf(err, errlen, "%s=%llu is outside %llu..%llu", key,
		(unsigned long long)v, (unsigned long long)lo,
		(unsigned long long)hi);
	return -EINVAL;
}

static int
check_addresses(const struct dp_conf *c, char *err, size_t errlen)
{
	uint32_t mask;

	if (c->ip4 == 0 || (c->ip4 >> 28) >= 14 || (c->ip4 >> 24) == 127 ||
			(c->ip4 >> 24) == 0) {
		snprintf(err, errlen, "WSPDK_IPV4: not a usable unicast "
			"address");
		return -EINVAL;
	}
	if (c->ip4_prefix < 1 || c->ip4_prefix > 32) {
		snprintf(err, errlen, "WSPDK_IPV4: prefix /%u outside 1..32",
			c->ip4_prefix);
		return -EINVAL;
	}
	/* Only now: a shift by 32 - prefix is defined for 1..32 alone. */
	mask = ~(uint32_t)0 << (32 - c->ip4_prefix);
	if (c->ip4_prefix < 31 && ((c->ip4 & ~mask) == 0 ||
			(c->ip4 & ~mask) == ~mask)) {
		snprintf(err, errlen, "WSPDK_IPV4: the network or broadcast "
			"address of its own subnet");
		return -EINVAL;
	}
	if (c->gateway != 0 && ((c->gateway & mask) != (c->ip4 & mask) ||
			c->gateway == c->ip4)) {
		snprintf(err, errlen, "WSPDK_GATEWAY: not another address on "
			"the WSPDK_IPV4 subnet");
		return -EINVAL;
	}
	return 0;
}

/* RFC 1122 §3.3.2 suggests 60..120 s for the timeout: at most that. A
 * memory smaller than one largest datagram could never reassemble it. */
static int
check_reass(const struct dp_conf *c, char *err, size_t errlen)
{
	int ret = check_range("WSPDK_REASS_MAX_DATAGRAMS", c->reass_max, 1,
		65536, err, errlen);

	if (ret == 0)
		ret = check_range("WSPDK_REASS_TIMEOUT_MS",
			c->reass_timeout_ms, 1, 120000, err, errlen);
	if (ret == 0 && c->reass_memory != 0)
		ret = check_range("WSPDK_REASS_MEMORY", c->reass_memory, 65536,
			UINT32_MAX, err, errlen);
	return ret;
}

/* A failed check's err, led by the key it is about. */
static int
keyed(const char *key, int ret, char *err, size_t errlen)
{
	char why[256];

	if (ret != 0) {
		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, errlen, "%s: %s", key, why);
	}
	return ret;
}

int
dp_conf_check(const struct dp_conf *c, char *err, size_t errlen)
{
	char pci[64];
	uint16_t cpus[DP_MAX_LCORES];
	unsigned int n;
	int ret;

	ret = keyed("WSPDK_DEVICE", drv_device_check(c->device, err, errlen),
		err, errlen);
	if (ret == 0)
		ret = keyed("WSPDK_EAL_ARGS", dp_eal_args_check(c->eal_args,
			c->device, err, errlen), err, errlen);
	if (ret == 0 && c->fault[0] != '\0')
		ret = keyed("WSPDK_FAULT", drv_fault_check(c->fault, err,
			errlen), err, errlen);
	if (ret == 0 && drv_device_pci_name(c->device, pci, sizeof(pci)) == 0
			&& strstr(c->eal_args, "--no-pci") != NULL) {
		snprintf(err, errlen, "device %s is a PCI NIC but "
			"WSPDK_EAL_ARGS has --no-pci", pci);
		ret = -EINVAL;
	}
	if (ret == 0)
		ret = check_addresses(c, err, errlen);
	if (ret == 0)
		ret = dp_eal_lcore_cpus(c, cpus, &n, err, errlen);
	if (ret == 0)
		ret = check_range("WSPDK_MBUFS", c->nb_mbufs, 1023,
			16 * 1024 * 1024, err, errlen);
	if (ret == 0)
		ret = check_range("WSPDK_RXD", c->nb_rxd, 32, 16384, err,
			errlen);
	if (ret == 0)
		ret = check_range("WSPDK_TXD", c->nb_txd, 32, 16384, err,
			errlen);
	if (ret == 0)
		ret = check_range("WSPDK_MTU", c->mtu, 576, 9000, err, errlen);
	if (ret == 0)
		ret = check_range("WSPDK_ARP_QLEN", c->arp_qlen, 1, 65536, err,
			errlen);
	if (ret == 0)
		ret = check_range("WSPDK_ARP_REACHABLE_MS",
			c->arp_reachable_ms, 1000, 3600000, err, errlen);
	if (ret == 0)
		ret = check_range("WSPDK_CLEANUP_MS", c->cleanup_ms, 0, 600000,
			err, errlen);
	if (ret == 0)
		ret = check_range("WSPDK_MC_GROUPS", c->mc_groups, 1, 65536,
			err, errlen);
	if (ret == 0)
		ret = check_range("WSPDK_SOCKETS", c->sockets, DP_SOCKETS_MIN,
			DP_SOCKETS_MAX, err, errlen);
	if (ret == 0)
		ret = check_reass(c, err, errlen);
	return ret;
}

int
dp_conf_resolve_device(struct dp_conf *c, bool device_given, char *err,
		size_t errlen)
{
	char dev[DP_DEVICE_MAX];
	int n = dp_eal_device(c->eal_args, dev, sizeof(dev));

	if (n == 0)
		return 0;
	if (n > 1) {
		snprintf(err, errlen, "WSPDK_EAL_ARGS names %d devices; the "
			"provider drives one port", n);
		return -EINVAL;
	}
	if (device_given && strcmp(dev, c->device) != 0) {
		snprintf(err, errlen, "WSPDK_DEVICE '%s' and the device in "
			"WSPDK_EAL_ARGS '%s' disagree", c->device, dev);
		return -EINVAL;
	}
	snprintf(c->device, sizeof(c->device), "%s", dev);
	return 0;
}
