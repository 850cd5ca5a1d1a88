/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * drivers/: the vnet-hdr tap ("vtap:IFNAME[,mac=..]", Linux only).
 *
 * A kernel tun/tap interface opened with IFF_VNET_HDR and TUN_F_CSUM |
 * TUN_F_TSO4, driven without an ethdev PMD (Debian's DPDK installs no
 * ethdev_driver.h): the drv_port keeps a ring ethdev as its identity
 * (configure, queues, MAC) and drv_rx_burst/drv_tx_burst come here. Each
 * queue is one tun fd (IFF_MULTI_QUEUE with several), non-blocking.
 *
 * TX: each mbuf chain is ONE writev (struct virtio_net_hdr + the chain's
 * segments as iovecs, whatever mbufs they are): a TSO chain goes out as
 * one GSO frame (gso_type TCPV4, gso_size = tso_segsz), a frame whose L4
 * checksum was left to the port goes out NEEDS_CSUM. The kernel takes
 * each write as one skb and sums or segments nothing to deliver it.
 *
 * RX: each frame is one readv into the queue's stash of mbufs, enough
 * for a 64 KB GSO frame; a GSO frame arrives as a chain marked
 * RTE_MBUF_F_RX_LRO with tso_segsz = gso_size, and NEEDS_CSUM or
 * DATA_VALID frames arrive with their L4 checksum marked good.
 *
 * Threading: open/close on the control thread, queue q used by one lcore
 * only; the counters are written by that lcore alone and may be read
 * from any thread (relaxed atomics).
 */
#ifndef _DRV_VTAP_H_
#define _DRV_VTAP_H_

#include <stddef.h>
#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

/** Counters of one queue. Every frame dropped is counted in one class. */
struct drv_vtap_qstats {
	uint64_t ipackets;	/**< frames handed up */
	uint64_t ibytes;
	uint64_t rx_gso;	/**< of them, GSO frames (marked LRO) */
	uint64_t rx_nombuf;	/**< no mbufs to read into */
	uint64_t rx_short;	/**< read shorter than hdr + Ethernet */
	uint64_t rx_too_long;	/**< filled every buffer: maybe cut */
	uint64_t rx_bad_hdr;	/**< the virtio_net_hdr lies or asks
				 *   for what was not negotiated */
	uint64_t rx_errors;	/**< read failed (not EAGAIN) */
	uint64_t opackets;	/**< chains written */
	uint64_t obytes;
	uint64_t tx_gso;	/**< of them, written as GSO frames */
	uint64_t tx_bad;	/**< chain that cannot be described
				 *   (headers not in its first mbuf, too
				 *   many segments): freed */
	uint64_t tx_errors;	/**< write failed: freed */
};

/** Names of the drv_vtap_qstats fields, in order (for xstats). */
#define DRV_VTAP_NB_XSTATS \
	(sizeof(struct drv_vtap_qstats) / sizeof(uint64_t))
extern const char *const drv_vtap_xstat_names[];

struct drv_vtap;

/**
 * Check the part of a device string after "vtap:" ("IFNAME[,mac=MAC]").
 * @return 0, or -EINVAL with a reason in err.
 */
int drv_vtap_check(const char *spec, char *err, size_t errlen);

/**
 * Create (or attach to) the interface: one tun fd per queue, vnet
 * headers and offloads set, the kernel side's MTU set to mtu (0: leave)
 * and its link up.
 *
 * @param spec
 *   "IFNAME[,mac=MAC]", checked.
 * @param mac
 *   Receives the mac= address, or stays untouched without one.
 * @return
 *   The device, or NULL with rte_errno set.
 */
struct drv_vtap *drv_vtap_open(const char *spec, uint16_t nb_queues,
		struct rte_mempool *mp, uint16_t port_id, uint16_t mtu,
		struct rte_ether_addr *mac);

/**
 * The same over file descriptors the caller opened (tests: a datagram
 * socketpair plays the tun fd). They are owned by the device from here
 * on, closed by drv_vtap_close(), also on failure.
 */
struct drv_vtap *drv_vtap_attach(const int *fds, uint16_t nb_queues,
		struct rte_mempool *mp, uint16_t port_id);

/** Close the fds (the interface goes with the last one) and free the
 *  mbufs kept for reading. NULL is a no-op. */
void drv_vtap_close(struct drv_vtap *vt);

/**
 * Longest a frame waits in an idle queue's fd before drv_vtap_rx reads
 * it, given calls at least that often: while reads find nothing, the fd
 * is looked at less and less often (1, 2, 4 ... us apart, this at
 * most); it is looked at on the next call after a read found a frame
 * or a write went out (the kernel answers inside our write), and the
 * back-off starts over from there.
 */
#define DRV_VTAP_RX_IDLE_MAX_US	16

#ifdef __linux__
/** Up to n frames from queue q at TSC time now; the caller owns them. */
uint16_t drv_vtap_rx(struct drv_vtap *vt, uint16_t q,
		struct rte_mbuf **pkts, uint16_t n, uint64_t now);

/** Write up to n chains on queue q; returns how many were taken (sent
 *  or dropped and counted); the rest remain the caller's. */
uint16_t drv_vtap_tx(struct drv_vtap *vt, uint16_t q,
		struct rte_mbuf **pkts, uint16_t n);
#endif

/** A snapshot of queue q's counters (any thread). */
void drv_vtap_qstats(const struct drv_vtap *vt, uint16_t q,
		struct drv_vtap_qstats *out);

/** Queue q's tun fd, to sleep on (poll(2) POLLIN: a frame waits). */
int drv_vtap_fd(const struct drv_vtap *vt, uint16_t q);

/** The next drv_vtap_rx on queue q reads the fd whatever its idle
 *  back-off says (its lcore slept on the fd and woke). */
void drv_vtap_rx_arm(struct drv_vtap *vt, uint16_t q);

/** Number of queues. */
uint16_t drv_vtap_nb_queues(const struct drv_vtap *vt);

#endif /* _DRV_VTAP_H_ */
