/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The port's RSS in software (dp_rss.h). The hash is DPDK's
 * (rte_thash.h); what is ours is the mapping to a queue, which must be
 * the port's own table, and the port search.
 */
#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_thash.h>

#include "dp_rss.h"

int
dp_rss_init(struct dp_rss *r, const uint8_t *key, unsigned int key_len,
		const uint16_t *reta, unsigned int reta_size,
		uint16_t nb_queues)
{
	uint32_t raw[DP_RSS_KEY_MAX / 4];

	memset(r, 0, sizeof(*r));
	if (reta == NULL || reta_size == 0)
		return 0;
	/* 16 bytes: a 12-byte tuple reads the key 4 bytes past itself. */
	if (key == NULL || key_len < 16 || key_len > DP_RSS_KEY_MAX ||
			key_len % 4 != 0 || reta_size > DP_RSS_RETA_MAX)
		return -EINVAL;
	for (unsigned int i = 0; i < reta_size; i++)
		if (reta[i] >= nb_queues)
			return -EINVAL;
	memcpy(raw, key, key_len);
	rte_convert_rss_key(raw, r->key, (int)key_len);
	memcpy(r->reta, reta, reta_size * sizeof(reta[0]));
	r->reta_size = (uint16_t)reta_size;
	r->nb_queues = nb_queues;
	return 0;
}

uint32_t
dp_rss_hash(const struct dp_rss *r, uint32_t src, uint32_t dst,
		uint16_t sport, uint16_t dport)
{
	struct rte_ipv4_tuple t = { .src_addr = src, .dst_addr = dst,
		.sport = sport, .dport = dport };

	return rte_softrss_be((uint32_t *)&t, RTE_THASH_V4_L4_LEN,
		(const uint8_t *)r->key);
}

uint16_t
dp_rss_queue(const struct dp_rss *r, uint32_t src, uint32_t dst,
		uint16_t sport, uint16_t dport)
{
	return r->reta[dp_rss_hash(r, src, dst, sport, dport) %
		r->reta_size];
}

int
dp_rss_port_search(const struct dp_rss *r, uint32_t lip, uint32_t rip,
		uint16_t rport, uint16_t q, uint16_t lo, uint16_t hi,
		uint16_t from, uint16_t *lport)
{
	unsigned int span = (unsigned int)hi - lo + 1;

	if (!dp_rss_on(r) || lo == 0 || lo > hi || from < lo || from > hi)
		return -EINVAL;
	/* A received frame's tuple: the peer is the source. About one
	 * port in nb_queues fits, so the walk is short. */
	for (unsigned int i = 0; i < span; i++) {
		uint16_t p = (uint16_t)(lo + (from - lo + i) % span);

		if (dp_rss_queue(r, rip, lip, rport, p) == q) {
			*lport = p;
			return 0;
		}
	}
	return -ENOENT;
}
