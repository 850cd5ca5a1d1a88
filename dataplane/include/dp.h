/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * dataplane/: the engine under the Winsock provider.
 *
 * The provider talks to the dataplane only through this header and the
 * socket API in dp_sock.h; both use plain C types (no DPDK, no Winsock).
 *
 * Lifecycle (DESIGN.md "Lifecycle"): dp_start() brings up EAL (the first
 * time in the process only), the mbuf pool, the port and the poll lcores;
 * dp_stop() takes everything down again except EAL, which DPDK cannot
 * re-initialise. Both are called with the provider's lifecycle lock held;
 * they are not thread-safe against each other.
 *
 * Errors: functions return 0 or a negative errno and log the reason on the
 * "wspdk" log type.
 */
#ifndef _DP_H_
#define _DP_H_

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * mingw-w64's <errno.h> has no ESHUTDOWN (no Windows CRT does); any value
 * outside the ranges errno.h uses will do, provider and dataplane agree.
 */
#ifndef ESHUTDOWN
#define ESHUTDOWN		1108
#endif

/** Most dataplane lcores (= port queue pairs). */
#define DP_MAX_LCORES		16
/** Longest device string (see drivers/include/drv_port.h). */
#define DP_DEVICE_MAX		256
/** Longest WSPDK_FAULT specification (drivers' DRV_FAULT_SPEC_MAX). */
#define DP_FAULT_MAX		129
/** Longest WSPDK_EAL_ARGS value. */
#define DP_EAL_ARGS_MAX		1024
/** Most static neighbour entries. */
#define DP_STATIC_ARP_MAX	64
/** WSPDK_SOCKETS: its default and range. Each place costs ~40 bytes of
 *  hugepages up front (the bind hash, the doorbell, wake and watch
 *  lists), whether used or not. */
#define DP_SOCKETS_DEFAULT	4096
#define DP_SOCKETS_MIN		64
#define DP_SOCKETS_MAX		(1u << 20)

/** Log levels (the rte_log ones). */
enum dp_log_level {
	DP_LOG_ERR = 4,
	DP_LOG_WARNING = 5,
	DP_LOG_NOTICE = 6,
	DP_LOG_INFO = 7,
	DP_LOG_DEBUG = 8,
};

/** A neighbour that does not answer ARP. */
struct dp_neigh {
	uint32_t ip;		/**< host byte order */
	uint8_t mac[6];
};

/**
 * Everything the dataplane is configured with. The provider fills it from
 * the environment / WSPDK_CONFIG file; addresses are in host byte order.
 */
struct dp_conf {
	char device[DP_DEVICE_MAX];	/**< WSPDK_DEVICE */
	char eal_args[DP_EAL_ARGS_MAX];	/**< WSPDK_EAL_ARGS, unparsed */
	char fault[DP_FAULT_MAX];	/**< WSPDK_FAULT: test faults, "" none */
	uint32_t ip4;			/**< WSPDK_IPV4 address */
	uint8_t ip4_prefix;		/**< WSPDK_IPV4 prefix length */
	uint32_t gateway;		/**< WSPDK_GATEWAY, 0 = none */
	struct dp_neigh static_arp[DP_STATIC_ARP_MAX]; /**< WSPDK_STATIC_ARP */
	unsigned int nb_static_arp;
	uint16_t lcore_cpus[DP_MAX_LCORES]; /**< WSPDK_LCORES (CPU ids) */
	unsigned int nb_lcores;		/**< 0 = one lcore on the last CPU */
	uint32_t nb_mbufs;		/**< WSPDK_MBUFS */
	uint16_t nb_rxd;		/**< WSPDK_RXD */
	uint16_t nb_txd;		/**< WSPDK_TXD */
	uint16_t mtu;			/**< WSPDK_MTU */
	int32_t spin_us;		/**< WSPDK_SPIN_US, -1 = spin forever */
	int8_t rtc;			/**< WSPDK_RTC: application threads that
					 *   spin run their socket's lcore loop
					 *   themselves (run to completion,
					 *   dataplane/README.md): 1 on, 0 off,
					 *   -1 unset (WSPDK_PROFILE=latency
					 *   sets 1) */
	int32_t lcore_sleep_us;		/**< WSPDK_LCORE_SLEEP_US: an lcore
					 *   whose iterations found no work
					 *   for this long sleeps until work
					 *   comes (dataplane/README.md); 0
					 *   never, -1 unset (= 0) */
	uint32_t tso;			/**< WSPDK_TSO: TCP segmentation
					 *   offload where the port offers it:
					 *   0 off, else the most payload bytes
					 *   of a burst (1 = 65535, default) */
	uint32_t cleanup_ms;		/**< WSPDK_CLEANUP_MS */
	uint32_t arp_qlen;		/**< WSPDK_ARP_QLEN: frames per
					 *   unresolved neighbour */
	uint32_t arp_reachable_ms;	/**< WSPDK_ARP_REACHABLE_MS */
	uint32_t mc_groups;		/**< WSPDK_MC_GROUPS: multicast groups
					 *   joined at once */
	uint32_t sockets;		/**< WSPDK_SOCKETS: sockets open at
					 *   once (a listener's spares and
					 *   closed ones still sending count) */
	uint32_t reass_max;		/**< WSPDK_REASS_MAX_DATAGRAMS: IPv4
					 *   datagrams being reassembled at
					 *   once, all lcores */
	uint32_t reass_timeout_ms;	/**< WSPDK_REASS_TIMEOUT_MS: from a
					 *   datagram's first fragment */
	uint32_t reass_memory;		/**< WSPDK_REASS_MEMORY: bytes of mbufs
					 *   fragments may hold, all lcores;
					 *   0 = no reassembly */
	int log_level;			/**< WSPDK_LOG_LEVEL (dp_log_level) */
	uint32_t tcp_msl_ms;		/**< TCP's MSL: TIME-WAIT lasts twice
					 *   this (RFC 9293 MUST-13) */
	int8_t tcp_idle_restart;	/**< WSPDK_TCP_IDLE_RESTART: cwnd
					 *   restarts after an idle period
					 *   longer than the RTO (RFC 5681
					 *   §4.1): 1 on, 0 off, -1 unset
					 *   (= 1; WSPDK_PROFILE=latency
					 *   sets 0) */
};

/**
 * Fill conf with the defaults (embedded tap device, 198.18.0.2/24, ...).
 */
void dp_conf_defaults(struct dp_conf *conf);

/**
 * Check the parts of conf only the dataplane can judge (device string,
 * EAL arguments, lcore CPUs, sizes) without touching DPDK state, so a bad
 * value never reaches EAL (which may exit() on some of them).
 *
 * @param err
 *   Receives a one-line reason on failure.
 * @return
 *   0 if usable, -EINVAL otherwise.
 */
int dp_conf_check(const struct dp_conf *conf, char *err, size_t errlen);

/**
 * Take the device from WSPDK_EAL_ARGS ("--vdev=..." or "-a <pci>") when
 * it names one: DESIGN.md lets users configure the device either way.
 *
 * @param device_given
 *   WSPDK_DEVICE was set explicitly; then both must agree.
 * @return 0, or -EINVAL with err filled.
 */
int dp_conf_resolve_device(struct dp_conf *conf, bool device_given,
		char *err, size_t errlen);

/**
 * Bring the dataplane up: EAL (once per process, from a thread of its own
 * so no application thread is re-pinned), mbuf pool, port, lcores.
 *
 * @return
 *   0; -EINVAL bad conf; -ENODEV no usable device; -ENOMEM no memory
 *   (hugepages); -EALREADY EAL failed earlier in this process and cannot be
 *   retried; other negative errno from DPDK.
 */
int dp_start(const struct dp_conf *conf);

/**
 * Take the dataplane down (DESIGN.md Lifecycle steps 2-5): flush what
 * graceful-close sockets have queued (bounded by conf->cleanup_ms), stop
 * the lcores, stop/close/remove the port, free pools and rings. Afterwards
 * the process holds no hugepage, fd, memzone or running thread of ours.
 */
void dp_stop(void);

/** True between a successful dp_start() and dp_stop(). */
bool dp_running(void);

/** Log on the "wspdk" log type (works before EAL is initialised). */
void dp_log(enum dp_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** Set the level of every wspdk* log type. */
void dp_log_set_level(enum dp_log_level level);

#endif /* _DP_H_ */
