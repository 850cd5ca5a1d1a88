/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The port's RSS in software (not installed): which RX queue, hence
 * which lcore, an IPv4 TCP/UDP flow arrives on, and the search for a
 * local port that makes a flow arrive on a given queue.
 *
 * The hash is Toeplitz over (source, destination, source port,
 * destination port) as the NIC computes it (rte_softrss_be); the queue
 * is the redirection table's entry hash % size. With the symmetric key
 * drivers/ gives every port, the tuple of a received frame and that of
 * a sent one hash alike, so either order may be passed.
 *
 * Needs DPDK's headers only (no EAL): the unit test links it alone.
 */
#ifndef _DP_RSS_H_
#define _DP_RSS_H_

#include <stdbool.h>
#include <stdint.h>

#define DP_RSS_KEY_MAX	52
#define DP_RSS_RETA_MAX	512

struct dp_rss {
	uint16_t reta_size;		/* 0: no placement by flow */
	uint16_t nb_queues;
	/* the key as rte_softrss_be wants it (32-bit words, host order),
	 * one spare word: the hash of word j reads word j + 1 */
	uint32_t key[DP_RSS_KEY_MAX / 4 + 1];
	uint16_t reta[DP_RSS_RETA_MAX];	/* hash % reta_size -> queue */
};

/*
 * Set r up from the port's key and redirection table (reta_size 0, or
 * no table: r says no placement).
 *
 * @return 0; -EINVAL if key_len is not a multiple of 4 in 16..52, the
 *   table is larger than DP_RSS_RETA_MAX or names a queue >= nb_queues.
 */
int dp_rss_init(struct dp_rss *r, const uint8_t *key, unsigned int key_len,
		const uint16_t *reta, unsigned int reta_size,
		uint16_t nb_queues);

/* Flows are placed: a table spreads them over more than one queue. */
static inline bool
dp_rss_on(const struct dp_rss *r)
{
	return r->reta_size != 0 && r->nb_queues > 1;
}

/* Toeplitz hash of an IPv4 4-tuple, every field in host order. */
uint32_t dp_rss_hash(const struct dp_rss *r, uint32_t src, uint32_t dst,
		uint16_t sport, uint16_t dport);

/* The RX queue of a flow (r must be on). */
uint16_t dp_rss_queue(const struct dp_rss *r, uint32_t src, uint32_t dst,
		uint16_t sport, uint16_t dport);

/*
 * RFC 6056-style: the first local port, from `from` upwards and wrapping
 * within [lo, hi], such that the flow (lip, lport) <-> (rip, rport)
 * arrives on queue q. Whether the port is free is the caller's to check
 * (it resumes from the port after the one returned).
 *
 * @return 0 and *lport; -ENOENT if no port of the range fits (q not in
 *   the table, or the range too small), -EINVAL if r is off or the range
 *   or `from` is bad.
 */
int dp_rss_port_search(const struct dp_rss *r, uint32_t lip, uint32_t rip,
		uint16_t rport, uint16_t q, uint16_t lo, uint16_t hi,
		uint16_t from, uint16_t *lport);

#endif /* _DP_RSS_H_ */
