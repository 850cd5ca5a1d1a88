/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TCP unit tests' peer (198.18.0.1:40000 to our port 7000): frames
 * it sends (options from peer_opts), segments the stack sent back,
 * parsed, and the common openings and endings of a test.
 */
#ifndef _TEST_UT_TCP_PEER_H_
#define _TEST_UT_TCP_PEER_H_

#include <stdbool.h>
#include <stdint.h>

#include <rte_tcp.h>

#include "ut.h"

#define PORT		7000
#define PEER_PORT	40000
#define PISS		1000u		/* the peer's ISS */

/* What the stack sent, parsed. */
struct seg {
	uint8_t flags;
	uint32_t seq, ack;
	uint16_t win;
	uint32_t len;			/* payload */
	bool mss;			/* carried an MSS option */
	bool ts;
	uint32_t tsval;
	uint32_t optlen;		/* option bytes */
	uint32_t nsack;			/* SACK blocks, [start, end) */
	uint32_t sack[4][2];
	uint16_t tso;			/* a TSO burst: its segment size */
	uint8_t data[2048];
};

/* The peer's options: SACK-permitted on its SYN, timestamps on all. */
struct peer_opts {
	bool sack_ok, ts;
	uint32_t tsval, tsecr;
	uint32_t nsack;			/* SACK blocks on non-SYN segments */
	uint32_t sack[4][2];		/* [start, end) */
};
extern struct peer_opts peer_opts;

void tune(struct dp_conf *c);
int suite_init(void);
/* A few lcore steps, the clock still. */
void steps(void);
/* A frame from the peer into f; its length. */
uint16_t frame(uint8_t *f, uint16_t dport, uint8_t flags, uint32_t seq,
		uint32_t ack, uint16_t win, const void *p, uint16_t n,
		bool csum_bad);
/* A segment from the peer, injected, and steps(). */
void peer(uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
		const void *p, uint16_t n);
/* The same to our port dport. */
void peer_on(uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack,
		uint16_t win, const void *p, uint16_t n);
/* The next TCP segment the stack sent; false if none. */
bool sent(struct seg *sg);
/* The same, its whole payload (a TSO burst's too) into all, up to cap. */
bool sent_full(struct seg *sg, uint8_t *all, uint32_t cap);
int64_t state(struct dp_sock *s);
/* The peer's SYN (ISS PISS) to our listener on PORT: our SYN,ACK,
 * asserted, in *sg. */
void syn_answered(struct seg *sg);
/* Our connect to the peer, established; *iss our ISS. */
struct dp_sock *connected(uint32_t *iss);
/* The same with the peer's ISS piss. */
struct dp_sock *connected_from(uint32_t piss, uint32_t *iss);
/* The same from our port lport. */
struct dp_sock *connected_on(uint16_t lport, uint32_t piss, uint32_t *iss);
/* The pair port offers TSO (and the TCP checksum it needs), or not. */
void port_tso(bool on);
/* Non-blocking reads of s until one gets nothing, each byte checked to
 * be want(from + its index); the bytes read, *end (if not NULL) what
 * the last read returned (-EAGAIN, 0 at the end, -errno). */
uint32_t read_bytes(struct dp_sock *s, uint32_t from,
		uint8_t (*want)(uint32_t), long *end);
/* Abort s and let the stack give back what it held. */
void done(struct dp_sock *s);

#endif /* _TEST_UT_TCP_PEER_H_ */
