/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frames a dataplane test puts on the wire, written into a flat buffer
 * (Ethernet header first): whatever harness carries them to the port
 * (dp_test.c on running lcores, unit/ut.c on driven ones).
 */
#ifndef _FRAME_H_
#define _FRAME_H_

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_ip.h>

/* A host-order IPv4 address. DPDK 22.11's RTE_IPV4 shifts an int left
 * by 24, which is undefined for a first byte over 127. */
#define FRAME_IP4(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* How frame_udp fills the UDP checksum. */
enum frame_csum {
	FRAME_CSUM_GOOD,
	FRAME_CSUM_ZERO,	/* none computed (RFC 768) */
	FRAME_CSUM_BAD,
};

/* Ethernet + IPv4 header (no options, checksum set) for l4_len bytes of
 * payload; returns the IPv4 header. Addresses in host order. */
struct rte_ipv4_hdr *frame_ipv4(uint8_t *buf,
		const struct rte_ether_addr *eth_dst,
		const struct rte_ether_addr *eth_src, uint32_t src,
		uint32_t dst, uint8_t proto, uint16_t l4_len);

/* Ethernet + ARP (42 bytes); returns its length. */
uint16_t frame_arp(uint8_t *buf, uint16_t op,
		const struct rte_ether_addr *eth_dst,
		const struct rte_ether_addr *sha, uint32_t sip,
		const struct rte_ether_addr *tha, uint32_t tip);

/* Ethernet + IPv4 + ICMP echo request with n payload bytes; returns its
 * length. */
uint16_t frame_echo(uint8_t *buf, const struct rte_ether_addr *eth_dst,
		const struct rte_ether_addr *eth_src, uint32_t src,
		uint32_t dst, uint16_t id, uint16_t seq, uint16_t n);

/* Ethernet + IPv4 + UDP carrying payload (n bytes); returns its length. */
uint16_t frame_udp(uint8_t *buf, const struct rte_ether_addr *eth_dst,
		const struct rte_ether_addr *eth_src, uint32_t src,
		uint16_t sport, uint32_t dst, uint16_t dport,
		const void *payload, uint16_t n, enum frame_csum c);

/*
 * A UDP datagram for a test to cut into fragments: as frame_udp, with
 * identification id and n payload bytes of a pattern of id, so n may be
 * past any MTU (up to 65507). Returns the IPv4 payload's length (UDP
 * header and n), the bytes fragments cut.
 */
uint32_t frame_udp_dgram(uint8_t *buf, const struct rte_ether_addr *eth_dst,
		const struct rte_ether_addr *eth_src, uint32_t src,
		uint16_t sport, uint32_t dst, uint16_t dport, uint16_t id,
		uint32_t n);

/* Payload bytes per fragment, as a 1500-byte MTU cuts a datagram. */
#define FRAME_FRAG	1480u

static inline unsigned int
frame_nb_frags(uint32_t plen)
{
	return (plen + FRAME_FRAG - 1) / FRAME_FRAG;
}

/*
 * Ethernet + the IPv4 fragment of bytes [off, off + len) of the payload
 * of dgram (a frame whose IPv4 header has no options: frame_udp_dgram's,
 * or any other), MF set if more; its addresses, protocol and
 * identification are dgram's. Returns its length.
 */
uint16_t frame_fragment(uint8_t *buf, const uint8_t *dgram, uint32_t off,
		uint32_t len, bool more);
/* Fragment i of dgram's payload (plen bytes), cut FRAME_FRAG at a time. */
uint16_t frame_fragment_i(uint8_t *buf, const uint8_t *dgram, uint32_t plen,
		unsigned int i);

#endif /* _FRAME_H_ */
