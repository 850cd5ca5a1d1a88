/* SPDX-License-Identifier: BSD-3-Clause */
/* The sender-side tests' shared connection and helpers (test_ut_tcp_rec.c). */
#ifndef TEST_UT_TCP_REC_H
#define TEST_UT_TCP_REC_H

#include <stddef.h>
#include <stdint.h>

#include "dp_tcp.h"

#define MSS	1448u			/* 1460 less timestamps */
#define WIN	65535

#define WARM	8			/* round trips of 1 ms first */
#define WARM_LEN 100

extern uint8_t rec_buf[32 * MSS];

/* Connected with SACK (if asked) and timestamps, then WARM exchanges
 * of WARM_LEN bytes answered after 1 ms (SRTT and min_RTT ~1 ms); *iss
 * is then the sequence number before the next byte to send. */
struct dp_sock *rec_connected(uint32_t *iss, bool sack);
/* done(), and the peer's options back to none. */
void rec_done(struct dp_sock *s);
/* Segment k's first byte (the k-th full segment after iss). */
uint32_t seg_seq(uint32_t iss, uint32_t k);
/* n bytes from the application, stepped out. */
uint32_t app_send(struct dp_sock *s, uint32_t n);
/* The data segments sent: their sequence numbers (at most max), count. */
uint32_t drain(uint32_t *seqs, uint32_t max);
/* A duplicate ACK at segment ack_seg with n blocks [a, b) of segments. */
void dupack_sack(uint32_t iss, uint32_t ack_seg, uint32_t n,
		const uint32_t (*blk)[2]);
uint64_t stat_delta(const struct dp_stats *a, const struct dp_stats *b,
		size_t off);
#define DELTA(a, b, f)	stat_delta(&(a), &(b), offsetof(struct dp_stats, f))

#endif
