/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Port control path: find or probe the device, configure queues and
 * offloads, start; and the reverse, ending with the device off its bus.
 *
 * Teardown order is the one measured to leak nothing and to leave the
 * device re-probeable (dpdk-22.11-notes.md §0, §2): stop -> close ->
 * rte_dev_remove(device saved before close). Ports are always looked up by
 * name: ids are reused by the next probe.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_ring.h>

#include "drv_log.h"
#include "drv_port.h"
#include "drv_rss.h"

#define LOOP_RING_SIZE	4096
#define RING_NAME_MAX	20

static const char *
ring_name_of(const char *device, const char *dflt)
{
	const char *colon = strchr(device, ':');

	return colon != NULL ? colon + 1 : dflt;
}

static bool
is_hex_run(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* "[dddd:]bb:dd.f" followed by end or ','; returns the length or 0. */
static size_t
pci_addr_len(const char *s)
{
	size_t off = 0;

	if (is_hex_run(s, 4) && s[4] == ':')
		off = 5;
	if (!is_hex_run(s + off, 2) || s[off + 2] != ':' ||
			!is_hex_run(s + off + 3, 2) || s[off + 5] != '.' ||
			s[off + 6] < '0' || s[off + 6] > '7')
		return 0;
	off += 7;
	return (s[off] == '\0' || s[off] == ',') ? off : 0;
}

enum drv_kind
drv_device_kind(const char *device)
{
	if (strcmp(device, "loop") == 0 || strncmp(device, "loop:", 5) == 0)
		return DRV_KIND_LOOP;
	if (strncmp(device, "pair:", 5) == 0)
		return DRV_KIND_PAIR;
	if (strncmp(device, "vtap:", 5) == 0)
		return DRV_KIND_VTAP;
	if (pci_addr_len(device) != 0)
		return DRV_KIND_PCI;
	return DRV_KIND_VDEV;
}

static int
check_ring_name(const char *name, char *err, size_t errlen)
{
	size_t n = strlen(name);

	if (n == 0 || n > RING_NAME_MAX) {
		snprintf(err, errlen, "ring device name must have 1-%d "
			"characters", RING_NAME_MAX);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		if (!isalnum((unsigned char)name[i]) && name[i] != '_') {
			snprintf(err, errlen, "ring device name '%s' may only "
				"hold letters, digits and '_'", name);
			return -EINVAL;
		}
	}
	return 0;
}

static int
check_devargs(const char *args, char *err, size_t errlen)
{
	for (const char *c = args; *c != '\0'; c++) {
		if (isspace((unsigned char)*c) || !isprint((unsigned char)*c)) {
			snprintf(err, errlen, "device arguments may not hold "
				"spaces or control characters");
			return -EINVAL;
		}
	}
	return 0;
}

int
drv_device_check(const char *device, char *err, size_t errlen)
{
	size_t n;
	const char *comma;

	if (device == NULL || device[0] == '\0') {
		snprintf(err, errlen, "no device given");
		return -EINVAL;
	}
	if (strlen(device) >= DRV_DEVICE_MAX) {
		snprintf(err, errlen, "device string longer than %d",
			DRV_DEVICE_MAX - 1);
		return -EINVAL;
	}
	switch (drv_device_kind(device)) {
	case DRV_KIND_LOOP:
		return strcmp(device, "loop") == 0 ? 0 :
			check_ring_name(device + 5, err, errlen);
	case DRV_KIND_PAIR:
		return check_ring_name(device + 5, err, errlen);
	case DRV_KIND_VTAP:
		return drv_vtap_check(device + 5, err, errlen);
	case DRV_KIND_PCI:
		n = pci_addr_len(device);
		return check_devargs(device + n, err, errlen);
	case DRV_KIND_VDEV:
		break;
	}
	if (strncmp(device, "net_", 4) != 0) {
		snprintf(err, errlen, "'%s' is neither a PCI address "
			"([dddd:]bb:dd.f), a net_* vdev, 'loop[:name]', "
			"'pair:name' nor 'vtap:ifname'", device);
		return -EINVAL;
	}
	comma = strchr(device, ',');
	n = comma != NULL ? (size_t)(comma - device) : strlen(device);
	for (size_t i = 4; i < n; i++) {
		if (!isalnum((unsigned char)device[i]) && device[i] != '_') {
			snprintf(err, errlen, "bad character in vdev name '%.*s'",
				(int)n, device);
			return -EINVAL;
		}
	}
	if (n == 4) {
		snprintf(err, errlen, "vdev name 'net_' names no driver");
		return -EINVAL;
	}
	return check_devargs(device + n, err, errlen);
}

int
drv_device_pci_name(const char *device, char *buf, size_t len)
{
	size_t n = pci_addr_len(device);

	if (n == 0)
		return -EINVAL;
	/* EAL and ethdev name PCI devices with the domain. */
	if (device[4] == ':')
		snprintf(buf, len, "%.*s", (int)n, device);
	else
		snprintf(buf, len, "0000:%.*s", (int)n, device);
	return 0;
}

/* A VTAP port's ring ethdev: "vt_" and the interface's name. */
static void
vtap_ring_base(const char *device, char *buf, size_t len)
{
	const char *comma = strchr(device, ',');

	snprintf(buf, len, "vt_%.*s", comma != NULL ?
		(int)(comma - device - 5) : (int)strlen(device + 5),
		device + 5);
}

/* The name the device has on its bus, which is also how we find it. */
static void
bus_name(const char *device, enum drv_kind kind, char *buf, size_t len)
{
	const char *comma;

	switch (kind) {
	case DRV_KIND_PCI:
		drv_device_pci_name(device, buf, len);
		break;
	case DRV_KIND_LOOP:
		snprintf(buf, len, "net_ring_%s",
			ring_name_of(device, "wsploop"));
		break;
	case DRV_KIND_PAIR:
		snprintf(buf, len, "net_ring_%s", device + 5);
		break;
	case DRV_KIND_VTAP:
		snprintf(buf, len, "net_ring_");
		vtap_ring_base(device, buf + strlen(buf), len - strlen(buf));
		break;
	case DRV_KIND_VDEV:
		comma = strchr(device, ',');
		snprintf(buf, len, "%.*s", comma != NULL ?
			(int)(comma - device) : (int)strlen(device), device);
		break;
	}
}

static int
find_port(const char *name, uint16_t *port_id)
{
	struct rte_eth_dev_info info;
	uint16_t pid;

	if (rte_eth_dev_get_port_by_name(name, port_id) == 0)
		return 0;
	/* Some PMDs name the ethdev differently from the bus device. */
	RTE_ETH_FOREACH_DEV(pid) {
		if (rte_eth_dev_info_get(pid, &info) == 0 &&
				info.device != NULL &&
				strcmp(rte_dev_name(info.device), name) == 0) {
			*port_id = pid;
			return 0;
		}
	}
	return -ENODEV;
}

/*
 * LOOP: queue q's TX ring is its RX ring (a wire looped back onto itself).
 * PAIR: <name>_in[q] feeds RX, TX fills <name>_out[q]; another thread in
 * the process plays the far end, so those rings are multi-producer/consumer.
 * VTAP: as LOOP, rings nothing uses but the ethdev they give the port.
 */
static int
ring_port_create(struct drv_port *p, const char *device, int socket)
{
	struct rte_ring *rx[DRV_MAX_QUEUES], *tx[DRV_MAX_QUEUES];
	const char *base = p->kind == DRV_KIND_LOOP ?
		ring_name_of(device, "wsploop") : device + 5;
	char rname[RTE_RING_NAMESIZE], vbase[20];
	int ret;

	if (p->kind == DRV_KIND_VTAP) {
		vtap_ring_base(device, vbase, sizeof(vbase));
		base = vbase;
	}
	for (uint16_t q = 0; q < p->nb_queues; q++) {
		if (p->kind != DRV_KIND_PAIR) {
			snprintf(rname, sizeof(rname), "%s_q%u", base, q);
			rx[q] = rte_ring_create(rname, LOOP_RING_SIZE, socket,
				RING_F_SP_ENQ | RING_F_SC_DEQ);
			tx[q] = rx[q];
			if (rx[q] == NULL)
				return -rte_errno;
			p->rings[p->nb_rings++] = rx[q];
			continue;
		}
		snprintf(rname, sizeof(rname), p->nb_queues == 1 ?
			"%s_in" : "%s_in%u", base, q);
		rx[q] = rte_ring_create(rname, LOOP_RING_SIZE, socket, 0);
		if (rx[q] == NULL)
			return -rte_errno;
		p->rings[p->nb_rings++] = rx[q];
		snprintf(rname, sizeof(rname), p->nb_queues == 1 ?
			"%s_out" : "%s_out%u", base, q);
		tx[q] = rte_ring_create(rname, LOOP_RING_SIZE, socket, 0);
		if (tx[q] == NULL)
			return -rte_errno;
		p->rings[p->nb_rings++] = tx[q];
	}
	ret = rte_eth_from_rings(base, rx, p->nb_queues, tx, p->nb_queues,
		socket < 0 ? 0 : (unsigned int)socket);
	return ret < 0 ? -ENODEV : 0;
}

static void
ring_port_free(struct drv_port *p)
{
	struct rte_mbuf *m;

	for (unsigned int i = 0; i < p->nb_rings; i++) {
		/* Frames still on the wire belong to the pool about to go. */
		while (rte_ring_dequeue(p->rings[i], (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(p->rings[i]);
	}
	p->nb_rings = 0;
}

static int
probe(struct drv_port *p, const char *device)
{
	int ret;

	if (find_port(p->name, &p->port_id) == 0) {
		DRV_LOG(DEBUG, "%s already probed (port %u)", p->name,
			p->port_id);
		return 0;
	}
	if (p->kind != DRV_KIND_VDEV && p->kind != DRV_KIND_PCI)
		return -ENODEV;
	ret = rte_dev_probe(device);
	if (ret < 0) {
		DRV_LOG(ERR, "probe of '%s' failed: %s", device,
			rte_strerror(-ret));
		return ret;
	}
	if (find_port(p->name, &p->port_id) != 0) {
		/* rte_dev_probe() returns 0 when the device is still on the
		 * bus from an incomplete teardown: say so, it is not ours. */
		DRV_LOG(ERR, "probe of '%s' created no ethdev port", device);
		return -ENODEV;
	}
	return 0;
}

static uint64_t
wanted_tx_offloads(const struct rte_eth_dev_info *info)
{
	return info->tx_offload_capa & (RTE_ETH_TX_OFFLOAD_IPV4_CKSUM |
		RTE_ETH_TX_OFFLOAD_UDP_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_CKSUM |
		RTE_ETH_TX_OFFLOAD_MULTI_SEGS);
}

static uint64_t
wanted_rx_offloads(const struct rte_eth_dev_info *info)
{
	return info->rx_offload_capa & (RTE_ETH_RX_OFFLOAD_IPV4_CKSUM |
		RTE_ETH_RX_OFFLOAD_UDP_CKSUM | RTE_ETH_RX_OFFLOAD_TCP_CKSUM);
}

static int
configure(struct drv_port *p, const struct drv_port_conf *conf)
{
	struct rte_eth_conf ec;
	struct rte_eth_dev_info info;
	uint16_t nb_rxd = conf->nb_rxd, nb_txd = conf->nb_txd;
	int socket = rte_eth_dev_socket_id(p->port_id);
	int ret;

	ret = rte_eth_dev_info_get(p->port_id, &info);
	if (ret != 0)
		return ret;
	p->dev = info.device;
	snprintf(p->driver, sizeof(p->driver), "%s", info.driver_name);
	if (p->nb_queues > info.max_rx_queues ||
			p->nb_queues > info.max_tx_queues) {
		DRV_LOG(ERR, "%s has %u/%u rx/tx queues, %u lcores need one "
			"pair each", p->name, info.max_rx_queues,
			info.max_tx_queues, p->nb_queues);
		return -EINVAL;
	}
	memset(&ec, 0, sizeof(ec));
	p->rx_offloads = wanted_rx_offloads(&info);
	p->tx_offloads = wanted_tx_offloads(&info);
	p->rx_tstamp_capa = (info.rx_offload_capa &
		RTE_ETH_RX_OFFLOAD_TIMESTAMP) != 0;
	ec.rxmode.offloads = p->rx_offloads;
	ec.txmode.offloads = p->tx_offloads;
	drv_rss_conf(p, &info, &ec);
	ret = rte_eth_dev_configure(p->port_id, p->nb_queues, p->nb_queues,
		&ec);
	if (ret != 0)
		return ret;
	if (p->kind == DRV_KIND_LOOP || p->kind == DRV_KIND_VTAP) {
		/* VTAP: virtio_net_hdr carries what these need (TSO as
		 * GSO, L4 sums as NEEDS_CSUM; the IPv4 header's 20 bytes
		 * are summed at write, virtio has no offload for it).
		 * LOOP: the ring PMD offers no offloads, but a frame on a wire of
		 * memory cannot be damaged: checksums left to the port are
		 * never computed, and drv_rx_burst marks such frames good
		 * (drv_loop_rx), as a virtio port with offloads does and as
		 * Linux's loopback does (CHECKSUM_PARTIAL). */
		p->tx_offloads = DRV_LOOP_TX_OFFLOADS;
		p->rx_offloads = DRV_LOOP_RX_OFFLOADS;
	}
	ret = rte_eth_dev_adjust_nb_rx_tx_desc(p->port_id, &nb_rxd, &nb_txd);
	if (ret != 0)
		return ret;
	for (uint16_t q = 0; q < p->nb_queues; q++) {
		ret = rte_eth_rx_queue_setup(p->port_id, q, nb_rxd,
			socket < 0 ? SOCKET_ID_ANY : socket, NULL, conf->mp);
		if (ret != 0)
			return ret;
		ret = rte_eth_tx_queue_setup(p->port_id, q, nb_txd,
			socket < 0 ? SOCKET_ID_ANY : socket, NULL);
		if (ret != 0)
			return ret;
	}
	if (rte_eth_dev_get_mtu(p->port_id, &p->mtu) != 0 || p->mtu == 0)
		p->mtu = RTE_ETHER_MTU;
	if (conf->mtu == 0 || conf->mtu == p->mtu)
		return 0;
	ret = rte_eth_dev_set_mtu(p->port_id, conf->mtu);
	if (ret == -ENOTSUP && p->kind == DRV_KIND_VTAP) {
		/* The kernel side takes it at drv_vtap_open. */
		p->mtu = conf->mtu;
		return 0;
	}
	if (ret == -ENOTSUP && p->kind == DRV_KIND_LOOP) {
		/* A wire of memory carries any frame our mbufs hold (the
		 * engine sizes them for conf->mtu), as Linux's loopback
		 * carries 64 KB: the MTU is ours to choose. */
		p->mtu = conf->mtu;
		return 0;
	}
	if (ret == -ENOTSUP) {
		/* No MTU to set (rings, pcap; memif in 22.11): the port
		 * carries what it carries, and we size datagrams for it. */
		DRV_LOG(WARNING, "%s (%s) cannot set an MTU; the MTU in use "
			"is its own, %u, not %u", p->name, p->driver, p->mtu,
			conf->mtu);
		return 0;
	}
	if (ret != 0) {
		DRV_LOG(ERR, "%s (%s) refuses MTU %u (%s); its range is "
			"%u..%u", p->name, p->driver, conf->mtu,
			rte_strerror(-ret), info.min_mtu, info.max_mtu);
		return ret;
	}
	p->mtu = conf->mtu;
	return 0;
}

/* A port with no address of its own (rings) gets a locally administered
 * one derived from its id, so two ring ports never share a MAC. */
static void
station_address(struct drv_port *p)
{
	if (rte_eth_macaddr_get(p->port_id, &p->mac) == 0 &&
			!rte_is_zero_ether_addr(&p->mac))
		return;
	p->mac = (struct rte_ether_addr){
		.addr_bytes = { 0x02, 0x77, 0x73, 0x70, 0x00,
			(uint8_t)p->port_id } };
}

static void
remove_device(struct drv_port *p)
{
	int ret;

	/* Its mbufs go back before the pool does. */
	drv_vtap_close(p->vtap);
	p->vtap = NULL;
	rte_eth_dev_stop(p->port_id);
	ret = rte_eth_dev_close(p->port_id);
	if (ret != 0)
		DRV_LOG(WARNING, "close of %s: %s", p->name,
			rte_strerror(-ret));
	if (p->dev != NULL) {
		ret = rte_dev_remove(p->dev);
		if (ret != 0)
			DRV_LOG(ERR, "removal of %s: %s; the next probe will "
				"fail", p->name, rte_strerror(-ret));
	}
	ring_port_free(p);
}

/* Whether only the CPU reads the port's TX frames: ring-backed ports,
 * and the vdevs known to copy (memif unless asked for zero-copy). */
static bool
sw_tx(const struct drv_port *p, const char *device)
{
	if (p->kind == DRV_KIND_LOOP || p->kind == DRV_KIND_PAIR ||
			p->kind == DRV_KIND_VTAP)
		return true;
	if (p->kind != DRV_KIND_VDEV)
		return false;
	if (strncmp(p->driver, "net_memif", 9) == 0)
		return strstr(device, "zero-copy=yes") == NULL;
	return strncmp(p->driver, "net_tap", 7) == 0 ||
		strncmp(p->driver, "net_ring", 8) == 0;
}

int
drv_port_open(const struct drv_port_conf *conf, struct drv_port **out)
{
	struct drv_port *p;
	char err[128];
	int ret;

	if (conf == NULL || out == NULL || conf->mp == NULL ||
			conf->nb_queues == 0 || conf->nb_queues > DRV_MAX_QUEUES ||
			drv_device_check(conf->device, err, sizeof(err)) != 0)
		return -EINVAL;
	if (conf->fault != NULL && conf->fault[0] != '\0' &&
			drv_fault_check(conf->fault, err, sizeof(err)) != 0)
		return -EINVAL;
	/* The fault layer wraps ethdev bursts; a VTAP port has none. */
	if (conf->fault != NULL && conf->fault[0] != '\0' &&
			drv_device_kind(conf->device) == DRV_KIND_VTAP) {
		DRV_LOG(ERR, "WSPDK_FAULT is not available on vtap devices");
		return -EINVAL;
	}
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return -ENOMEM;
	p->kind = drv_device_kind(conf->device);
	p->nb_queues = conf->nb_queues;
	bus_name(conf->device, p->kind, p->name, sizeof(p->name));
	if (p->kind == DRV_KIND_LOOP || p->kind == DRV_KIND_PAIR ||
			p->kind == DRV_KIND_VTAP) {
		ret = ring_port_create(p, conf->device, conf->mp->socket_id);
		if (ret != 0) {
			DRV_LOG(ERR, "cannot create ring port %s: %s",
				p->name, rte_strerror(-ret));
			goto free_rings;
		}
	}
	ret = probe(p, conf->device);
	if (ret != 0)
		goto free_rings;
	ret = configure(p, conf);
	if (ret == 0)
		ret = rte_eth_dev_start(p->port_id);
	if (ret != 0) {
		DRV_LOG(ERR, "cannot set up %s: %s", p->name,
			rte_strerror(-ret));
		goto remove;
	}
	if (conf->fault != NULL && conf->fault[0] != '\0') {
		p->fault = drv_fault_create(conf->fault, p->nb_queues,
			conf->mp);
		if (p->fault == NULL) {
			ret = -ENOMEM;
			goto remove;
		}
		DRV_LOG(WARNING, "%s: fault layer on: %s", p->name,
			conf->fault);
	}
	drv_rss_start(p);
	station_address(p);
	if (p->kind == DRV_KIND_VTAP) {
		p->vtap = drv_vtap_open(conf->device + 5, p->nb_queues,
			conf->mp, p->port_id, p->mtu, &p->mac);
		if (p->vtap == NULL) {
			ret = -rte_errno;
			goto remove;
		}
	}
	p->sw_tx = sw_tx(p, conf->device);
	/* An empty list probes whether the PMD filters multicast at all. */
	p->mc_filter = rte_eth_dev_set_mc_addr_list(p->port_id, NULL, 0) == 0;
	*out = p;
	return 0;

remove:
	if (p->dev == NULL) {
		struct rte_eth_dev_info info;

		if (rte_eth_dev_info_get(p->port_id, &info) == 0)
			p->dev = info.device;
	}
	remove_device(p);
	free(p);
	return ret;
free_rings:
	ring_port_free(p);
	free(p);
	return ret;
}

void
drv_port_close(struct drv_port *p)
{
	if (p == NULL)
		return;
	drv_fault_free(p->fault);
	remove_device(p);
	free(p);
}

int
drv_port_set_mc_list(struct drv_port *p, const struct rte_ether_addr *list,
		uint32_t n)
{
	int ret;

	if (p->mc_filter) {
		ret = rte_eth_dev_set_mc_addr_list(p->port_id,
			(struct rte_ether_addr *)(uintptr_t)list, n);
		if (ret == 0)
			return 0;
		DRV_LOG(WARNING, "%s: multicast list of %u refused (%s); "
			"falling back to all-multicast", p->name, n,
			rte_strerror(-ret));
		p->mc_filter = false;
	}
	return n == 0 ? 0 : rte_eth_allmulticast_enable(p->port_id);
}

int
drv_port_rx_fd(const struct drv_port *port, uint16_t q)
{
	/* The fault layer reads through the ring ethdev: no fd there. */
	if (port->vtap == NULL || port->fault != NULL)
		return -1;
	return drv_vtap_fd(port->vtap, q);
}

void
drv_port_rx_arm(struct drv_port *port, uint16_t q)
{
	if (port->vtap != NULL)
		drv_vtap_rx_arm(port->vtap, q);
}

int
drv_port_stats(const struct drv_port *p, struct rte_eth_stats *es)
{
	struct drv_vtap_qstats st;

	if (p->vtap == NULL)
		return rte_eth_stats_get(p->port_id, es);
	memset(es, 0, sizeof(*es));
	for (uint16_t q = 0; q < p->nb_queues; q++) {
		drv_vtap_qstats(p->vtap, q, &st);
		es->ipackets += st.ipackets;
		es->ibytes += st.ibytes;
		es->opackets += st.opackets;
		es->obytes += st.obytes;
		es->ierrors += st.rx_short + st.rx_too_long + st.rx_bad_hdr +
			st.rx_errors;
		es->oerrors += st.tx_bad + st.tx_errors;
		es->rx_nombuf += st.rx_nombuf;
		if (q < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			es->q_ipackets[q] = st.ipackets;
			es->q_ibytes[q] = st.ibytes;
			es->q_opackets[q] = st.opackets;
			es->q_obytes[q] = st.obytes;
			es->q_errors[q] = st.rx_short + st.rx_too_long +
				st.rx_bad_hdr + st.rx_errors;
		}
	}
	return 0;
}

unsigned int
drv_port_xstats(const struct drv_port *p, const char **names,
		uint64_t *values, unsigned int max)
{
	struct drv_vtap_qstats st;
	uint64_t sum[DRV_VTAP_NB_XSTATS] = { 0 };
	unsigned int n = 0;

	if (p->vtap == NULL)
		return 0;
	for (uint16_t q = 0; q < p->nb_queues; q++) {
		drv_vtap_qstats(p->vtap, q, &st);
		for (size_t i = 0; i < DRV_VTAP_NB_XSTATS; i++)
			sum[i] += ((const uint64_t *)&st)[i];
	}
	for (; n < max && n < DRV_VTAP_NB_XSTATS; n++) {
		names[n] = drv_vtap_xstat_names[n];
		values[n] = sum[n];
	}
	return n;
}
