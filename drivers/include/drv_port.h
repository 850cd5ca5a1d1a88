/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * drivers/: the NIC under the dataplane.
 *
 * One drv_port is one DPDK ethdev that the dataplane owns for a provider
 * lifetime (WSPStartup from 0 .. WSPCleanup to 0). drv_port_open() chooses
 * the device, probes it, configures one RX/TX queue pair per dataplane
 * lcore and starts it; drv_port_close() stops, closes and removes it from
 * its bus so that the next drv_port_open() probes it afresh.
 *
 * Device strings (WSPDK_DEVICE):
 *  - a vdev:   "net_tap0,iface=wsp0", "net_memif0,role=client,...";
 *  - a PCI NIC: "0000:03:00.0[,devargs]" (only when the user names one);
 *  - "loop[:name]": an in-memory wire whose TX ring is its RX ring
 *    (rte_eth_from_rings on rings this driver owns);
 *  - "pair[:name]": an in-memory wire whose far end is two rings another
 *    party can reach (rte_ring_lookup("<name>_in"/"<name>_out")): frames
 *    enqueued on <name>_in arrive on the port, frames the port sends appear
 *    on <name>_out. Used by tests and fuzzers as a NIC-less peer;
 *  - "vtap:IFNAME[,mac=MAC]" (Linux): a kernel tap written and read with
 *    virtio_net_hdr, so TSO chains and GSO frames cross it whole
 *    (drv_vtap.h); a ring ethdev is its identity.
 *
 * RSS (drv_rss.c): with several queue pairs, a port that hashes IPv4
 * TCP/UDP is given a symmetric Toeplitz key and a redirection table
 * dealing the queues out in turn, both kept here so the dataplane can
 * compute where a flow arrives; a "pair" port's far end is expected to
 * place frames the same way. Other ports (tap, loop, memif) keep one
 * queue pair per lcore, since every lcore needs a TX queue of its own;
 * which RX queue a flow arrives on is theirs (or their peer's) to pick
 * (rss DRV_RSS_NONE), so nothing is placed by flow and any lcore may
 * receive any flow.
 *
 * Threading: drv_port_open()/drv_port_close() run on one control thread
 * at a time (the provider's lifecycle lock serialises them). Queue q is
 * used by exactly one lcore; the burst wrappers do no locking.
 */
#ifndef _DRV_PORT_H_
#define _DRV_PORT_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "drv_fault.h"
#include "drv_vtap.h"

/** Most queue pairs (= dataplane lcores) a port is configured with. */
#define DRV_MAX_QUEUES 16

/** Longest RSS key a port is given (i40e's 52 bytes; most take 40). */
#define DRV_RSS_KEY_MAX 52

/** Largest redirection table kept (RTE_ETH_RSS_RETA_SIZE_512). */
#define DRV_RETA_MAX 512

/** Longest device string accepted (devargs included). */
#define DRV_DEVICE_MAX 256

/** What kind of device a string names. */
enum drv_kind {
	DRV_KIND_VDEV,	/**< virtual device probed on the vdev bus */
	DRV_KIND_PCI,	/**< PCI NIC named by its address */
	DRV_KIND_LOOP,	/**< rings: TX ring = RX ring */
	DRV_KIND_PAIR,	/**< rings: <name>_in -> RX, TX -> <name>_out */
	DRV_KIND_VTAP,	/**< a vnet-hdr kernel tap (drv_vtap.h) */
};

/**
 * How frames of a flow are spread over a port's RX queues.
 *
 * With DRV_RSS_HW and DRV_RSS_PEER, a frame of an IPv4 TCP/UDP flow
 * arrives on queue rss_reta[h % rss_reta_size], h being the Toeplitz
 * hash (rss_key) of its (source, destination, source port, destination
 * port); the key is symmetric, so both directions of a flow hash alike.
 */
enum drv_rss {
	DRV_RSS_NONE,	/**< the port's own steering, or one queue */
	DRV_RSS_HW,	/**< the NIC hashes (Toeplitz, our key and table) */
	DRV_RSS_PEER,	/**< PAIR: the far end places frames by that hash */
};

/** The symmetric Toeplitz key every port is given (0x6d5a repeated). */
extern const uint8_t drv_rss_key[DRV_RSS_KEY_MAX];

/** What the dataplane asks of a port. */
struct drv_port_conf {
	const char *device;		/**< device string, see file comment */
	struct rte_mempool *mp;		/**< RX buffers come from here */
	uint16_t nb_queues;		/**< RX/TX queue pairs, one per lcore */
	uint16_t nb_rxd;		/**< RX descriptors per queue */
	uint16_t nb_txd;		/**< TX descriptors per queue */
	uint16_t mtu;			/**< IP MTU to set (0 = leave) */
	const char *fault;		/**< drv_fault.h spec; NULL/"": none */
};

/** An open port. Fields are constant while the port is open. */
struct drv_port {
	uint16_t port_id;		/**< ethdev port id (valid until close) */
	uint16_t nb_queues;		/**< queue pairs configured */
	enum drv_kind kind;
	struct rte_ether_addr mac;	/**< our station address */
	uint64_t rx_offloads;		/**< RTE_ETH_RX_OFFLOAD_* enabled */
	uint64_t tx_offloads;		/**< RTE_ETH_TX_OFFLOAD_* enabled */
	bool rx_tstamp_capa;		/**< the PMD offers
					 * RTE_ETH_RX_OFFLOAD_TIMESTAMP (not
					 * enabled: wspdk stamps in software) */
	uint16_t mtu;			/**< IP MTU in effect */
	bool mc_filter;			/**< PMD takes a multicast MAC list */
	enum drv_rss rss;		/**< how flows map to queues */
	uint8_t rss_key_len;		/**< bytes of drv_rss_key in use */
	uint16_t rss_reta_size;		/**< entries in rss_reta (0: none) */
	uint16_t rss_reta[DRV_RETA_MAX]; /**< hash bucket -> RX queue */
	char name[DRV_DEVICE_MAX];	/**< device (bus) name, the probe key */
	char driver[64];		/**< PMD name, for the banner */
	struct rte_device *dev;		/**< kept to remove it after close */
	struct rte_ring *rings[2 * DRV_MAX_QUEUES]; /**< LOOP/PAIR only */
	unsigned int nb_rings;
	struct drv_fault *fault;	/**< the test fault layer, or NULL */
	struct drv_vtap *vtap;		/**< VTAP: the bursts go here */
	bool sw_tx;			/**< no device DMAs from TX buffers:
					 * they need no IOVA (drv_port_sw_tx) */
};

/**
 * Whether the port's TX path only reads frames with the CPU (loop, pair,
 * vtap, net_tap, net_ring, memif in copy mode), so a frame may point at
 * memory no device can reach (an application's buffer, no IOVA). False
 * for any PCI NIC and any driver not known to copy.
 */
static inline bool
drv_port_sw_tx(const struct drv_port *port)
{
	return port != NULL && port->sw_tx;
}

/**
 * Check a device string without touching DPDK state (safe before EAL).
 *
 * @param device
 *   The string from the configuration.
 * @param err
 *   Receives a one-line reason when the string is invalid.
 * @param errlen
 *   Size of err.
 * @return
 *   0 if valid, -EINVAL otherwise.
 */
int drv_device_check(const char *device, char *err, size_t errlen);

/**
 * Classify a device string (assumed valid).
 */
enum drv_kind drv_device_kind(const char *device);

/**
 * Copy the bus-level name of a PCI device string ("0000:03:00.0") into
 * buf, for EAL's allow-list.
 *
 * @return 0, or -EINVAL if device is not a PCI address.
 */
int drv_device_pci_name(const char *device, char *buf, size_t len);

/**
 * Probe (or find, if EAL already probed it), configure and start a port.
 *
 * @param conf
 *   What to open. conf->mp must outlive the port.
 * @param out
 *   Receives the port, to be released with drv_port_close().
 * @return
 *   0 on success; -EINVAL bad conf, -ENODEV probe created no port,
 *   -ENOMEM, or the negative errno of the ethdev call that failed.
 */
int drv_port_open(const struct drv_port_conf *conf, struct drv_port **out);

/**
 * Stop, close and remove the port; free the rings a LOOP/PAIR port owns
 * (mbufs still in them are freed to their pool first). No lcore may be
 * polling the port. NULL is a no-op.
 */
void drv_port_close(struct drv_port *port);

/** What a LOOP port does for its senders and receivers (memory only).
 *  TSO as Linux's lo and veth do GSO: the chain reaches the receiver
 *  whole, never cut into segments. */
#define DRV_LOOP_TX_OFFLOADS (RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | \
	RTE_ETH_TX_OFFLOAD_UDP_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_CKSUM | \
	RTE_ETH_TX_OFFLOAD_TCP_TSO | RTE_ETH_TX_OFFLOAD_MULTI_SEGS)
#define DRV_LOOP_RX_OFFLOADS (RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | \
	RTE_ETH_RX_OFFLOAD_UDP_CKSUM | RTE_ETH_RX_OFFLOAD_TCP_CKSUM)

/*
 * LOOP: a frame whose sender left a checksum to the port arrives with it
 * marked good (virtio's "data valid"), its TX requests cleared; a TSO
 * burst arrives unsegmented, marked as LRO would mark it. A frame
 * put on the ring by anyone else asked for nothing and is verified in
 * software as before.
 */
static inline void
drv_loop_rx(struct rte_mbuf **pkts, uint16_t n)
{
	for (uint16_t i = 0; i < n; i++) {
		uint64_t f = pkts[i]->ol_flags, rx = 0;

		if (f & RTE_MBUF_F_TX_IP_CKSUM)
			rx |= RTE_MBUF_F_RX_IP_CKSUM_GOOD;
		if (f & (RTE_MBUF_F_TX_L4_MASK | RTE_MBUF_F_TX_TCP_SEG))
			rx |= RTE_MBUF_F_RX_L4_CKSUM_GOOD;
		/* A TSO burst arrives whole: as coalesced by LRO, its
		 * tso_segsz the size of the segments it stands for. */
		if (f & RTE_MBUF_F_TX_TCP_SEG)
			rx |= RTE_MBUF_F_RX_LRO;
		pkts[i]->ol_flags = (f & ~RTE_MBUF_F_TX_OFFLOAD_MASK) | rx;
	}
}

/**
 * A file descriptor that polls readable (POLLIN) when queue q has a frame
 * to receive, for an idle lcore to sleep on; -1 when the port has none
 * (loop, pair, memif, NICs: poll them). Today: vtap's tun fds.
 */
int drv_port_rx_fd(const struct drv_port *port, uint16_t q);

/** The lcore of queue q slept on drv_port_rx_fd and woke: the next RX
 *  burst looks at the queue at once. */
void drv_port_rx_arm(struct drv_port *port, uint16_t q);

/**
 * RX burst on queue q at TSC time now (the fault layer's clock); the
 * caller owns the returned mbufs.
 */
static inline uint16_t
drv_rx_burst(const struct drv_port *port, uint16_t q,
		struct rte_mbuf **pkts, uint16_t n, uint64_t now)
{
	uint16_t k;

	if (unlikely(port->fault != NULL))
		k = drv_fault_rx(port->fault, port->port_id, q, pkts, n, now);
#ifdef __linux__	/* elsewhere drv_vtap_check refuses the device */
	else if (port->vtap != NULL)
		return drv_vtap_rx(port->vtap, q, pkts, n, now);
#endif
	else
		k = rte_eth_rx_burst(port->port_id, q, pkts, n);
	if (port->kind == DRV_KIND_LOOP)
		drv_loop_rx(pkts, k);
	return k;
}

/**
 * TX burst on queue q at TSC time now. Returns the number the PMD took;
 * the mbufs it did not take remain the caller's.
 */
static inline uint16_t
drv_tx_burst(const struct drv_port *port, uint16_t q,
		struct rte_mbuf **pkts, uint16_t n, uint64_t now)
{
	if (unlikely(port->fault != NULL))
		return drv_fault_tx(port->fault, port->port_id, q, pkts, n,
			now);
#ifdef __linux__
	if (port->vtap != NULL)
		return drv_vtap_tx(port->vtap, q, pkts, n);
#endif
	return rte_eth_tx_burst(port->port_id, q, pkts, n);
}

/**
 * Program the port's multicast MAC filter. Falls back to all-multicast
 * when the PMD has no list (port->mc_filter false afterwards).
 *
 * @return 0 or a negative errno.
 */
int drv_port_set_mc_list(struct drv_port *port,
		const struct rte_ether_addr *list, uint32_t n);

/**
 * The port's counters as rte_eth_stats (a VTAP port's are its own: its
 * ring ethdev carries nothing).
 *
 * @return 0 or a negative errno.
 */
int drv_port_stats(const struct drv_port *port, struct rte_eth_stats *es);

/**
 * The port's own counters by class beyond rte_eth_stats (VTAP: every
 * drop class, summed over queues), up to max of them.
 *
 * @return how many were filled (0 for other kinds).
 */
unsigned int drv_port_xstats(const struct drv_port *port,
		const char **names, uint64_t *values, unsigned int max);

#endif /* _DRV_PORT_H_ */
