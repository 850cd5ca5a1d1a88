/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Harness for dataplane tests: a running engine on a "pair" device, so a
 * test plays the far end of the wire. Frames the test injects arrive at
 * the port; frames the stack sends are read back and inspected.
 */
#ifndef _DP_TEST_H_
#define _DP_TEST_H_

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "dp_sock_priv.h"
#include "dp_stack.h"
#include "frame.h"

#define DP_TEST_IP4	FRAME_IP4

#define DP_TEST_IP	DP_TEST_IP4(198, 18, 0, 2)	/* the stack */
#define DP_TEST_PEER	DP_TEST_IP4(198, 18, 0, 1)	/* the test, host order */

extern const struct rte_ether_addr dp_test_peer_mac;

/* Start EAL + engine on "pair:<name>" with nq (1 or 2) lcores and
 * queue pairs (hugepages reserved first). */
int dp_test_start(const char *name, unsigned int nq);
/* The same, the configuration changed by tweak before the start. */
struct dp_conf;
int dp_test_start_conf(const char *name, unsigned int nq,
		void (*tweak)(struct dp_conf *c));
unsigned int dp_test_cpus(void);
void dp_test_stop(void);

/* The stack's MAC. */
const struct rte_ether_addr *dp_test_mac(void);

/* Inject a frame (copied into an mbuf of the engine's pool). */
void dp_test_inject(const void *frame, uint16_t len);

/*
 * Inject and wait (bounded) until the lcore has taken it in: the stack's
 * rx_pkts counter moves.
 */
void dp_test_inject_wait(const void *frame, uint16_t len);
/* The same, with the RX offload flags a NIC would set (checksums). */
void dp_test_inject_wait_flags(const void *frame, uint16_t len,
		uint64_t ol_flags);
void dp_test_inject_wait_q(unsigned int q, const void *frame, uint16_t len);

/* The queue a NIC would put an IPv4 TCP/UDP frame on: the engine's RSS
 * when the port places flows (the test plays that NIC), else 0. */
unsigned int dp_test_rss_queue(const void *frame);

/* Inject on queue q (RSS would pick it on a NIC). */
void dp_test_inject_q(unsigned int q, const void *frame, uint16_t len);

/* Next frame the stack sent on any queue, waiting up to ms; NULL if
 * none. *q (may be NULL) says which queue it left by. */
struct rte_mbuf *dp_test_recv(unsigned int ms);
struct rte_mbuf *dp_test_recv_q(unsigned int ms, unsigned int *q);

/* Drop everything the stack has sent so far. */
void dp_test_drain(void);

/* The peer ARPs us, as the kernel does before it pings, so replies to it
 * need no resolution; what the stack answered is drained. */
void dp_test_learn_peer(void);

/* Lcore i of the running engine (NULL if none). */
struct dp_lcore *dp_test_lcore(unsigned int i);

/* A UDP socket bound to the stack's address and port, its receive
 * timeout ms; NULL on failure. */
struct dp_sock *dp_test_udp_bound(uint16_t port, unsigned int ms);

/* Counters summed over lcores, now. */
void dp_test_stats(struct dp_stats *s);

/* frame.h's, from the peer (dp_test_peer_mac) to the stack's MAC. */
struct rte_ipv4_hdr *dp_test_ipv4(uint8_t *buf, const struct rte_ether_addr
		*dst, uint32_t src, uint32_t dst_ip, uint8_t proto,
		uint16_t l4_len);

uint16_t dp_test_arp(uint8_t *buf, uint16_t op,
		const struct rte_ether_addr *eth_dst,
		const struct rte_ether_addr *sha, uint32_t sip,
		const struct rte_ether_addr *tha, uint32_t tip);

uint16_t dp_test_echo(uint8_t *buf, uint32_t src, uint32_t dst,
		uint16_t id, uint16_t seq, uint16_t n);

#endif /* _DP_TEST_H_ */
