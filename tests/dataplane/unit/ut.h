/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ut: the harness of the dataplane's unit tests (meson suite 'unit').
 *
 * A driven engine (dp_start_driven): EAL without hugepages, PCI or
 * telemetry, under a file prefix of its own (wspdkut<pid>), so a test
 * binary runs as any user and leaves nothing behind; a "pair" port with
 * one or two queues whose far end is the test; and no lcore thread: the
 * test steps every lcore itself (ut_step) on a virtual clock it moves
 * (ut_advance_us), so a run is the same each time and nothing races.
 *
 *   test -> ut_inject -> pair "<ut>_in[q]" -> port -> lcore (ut_step)
 *   lcore -> port -> pair "<ut>_out[q]" -> ut_sent -> test
 *
 * EAL starts once per process: one engine at a time, restarted with
 * ut_stop/ut_start (the EAL arguments of the first start stay). The
 * peer 198.18.0.1 is a static neighbour, so what the stack sends it
 * needs no ARP; other neighbours never answer unless the test does.
 *
 * Checks end a test the way lwIP's lwip_check_ensure_no_alloc does:
 * ut_settle() leaves nothing in flight, ut_mbufs_in_use() says what the
 * stack still holds.
 */
#ifndef _UT_H_
#define _UT_H_

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "dp.h"
#include "dp_sock.h"
#include "dp_sock_priv.h"
#include "dp_stack.h"
#include "frame.h"
#include "wt_run.h"

#define UT_IP		FRAME_IP4(198, 18, 0, 2)	/* the stack */
#define UT_PEER		FRAME_IP4(198, 18, 0, 1)	/* the test */
#define UT_GATEWAY	FRAME_IP4(198, 18, 0, 254)	/* never answers */
#define UT_BCAST	FRAME_IP4(198, 18, 0, 255)

extern const struct rte_ether_addr ut_peer_mac;

/* Changes a test makes to the unit defaults before a start. */
typedef void ut_tune_fn(struct dp_conf *c);

/*
 * Start the driven engine on pair:ut with nq (1 or 2) lcores and queues;
 * tune (may be NULL) adjusts the defaults (198.18.0.2/24, gateway
 * UT_GATEWAY, the peer static, 2047 mbufs, MTU 1500). The start's own
 * frames (the gratuitous ARP) are settled and dropped. 0 or -1, the
 * reason printed.
 */
int ut_start(unsigned int nq, ut_tune_fn *tune);
/* Settle, stop the engine and check it got every mbuf back: 0 or -1. */
int ut_stop(void);
/* Suite init/clean for the common case: one lcore, the defaults. */
int ut_suite_init(void);
int ut_suite_clean(void);

/* The running engine. */
struct dp_engine *ut_eng(void);

/* One iteration of every lcore at the current virtual time. */
void ut_step(void);
/* Move the virtual clock on (timers fire at the next step). */
void ut_advance_us(uint64_t us);
/* The virtual time in µs (what lcore timers see). */
uint64_t ut_now_us(void);
/*
 * Step until nothing is in flight (the wire's RX rings read, no frame
 * handed between lcores, dp_engine_flushed), moving the clock on so
 * that neighbours that never answer are given up on; bounded. Frames
 * the stack sends stay on the wire for ut_sent. 0, or -1 if it never
 * settled.
 */
int ut_settle(void);

/* Put a frame on queue q's wire (a copy; ol_flags as a NIC sets them). */
void ut_inject(unsigned int q, const void *frame, uint16_t len,
		uint64_t ol_flags);
/* The same as a chain of two mbufs, the second from byte at on (a NIC
 * that scatters a frame over its buffers). */
void ut_inject_split(unsigned int q, const void *frame, uint16_t len,
		uint16_t at);
/* Put m itself on queue q's wire (a chain the stack sent, forwarded as
 * a wire of memory would: the loop port's receiver gets the sender's
 * mbufs); the wire owns it. */
void ut_inject_mbuf(unsigned int q, struct rte_mbuf *m);
/* Inject on queue 0, then step until it is taken in and settled. */
void ut_deliver(const void *frame, uint16_t len);
/* The next frame the stack sent (any queue; *q, if not NULL, says which),
 * or NULL. The caller frees it. */
struct rte_mbuf *ut_sent(unsigned int *q);
/* Frames the stack sent not yet read; they are dropped. */
unsigned int ut_sent_drop(void);
/* A sent frame's Ethernet payload (its IPv4 header) and Ethernet type. */
struct rte_ipv4_hdr *ut_ip_of(struct rte_mbuf *m);
uint16_t ut_ether_type(struct rte_mbuf *m);

/* Mbufs the stack holds now (the application-thread caches excluded). */
unsigned int ut_mbufs_in_use(void);

/* A case's end (a suite's teardown): the stack settles, what it sent is
 * dropped, and no mbuf is still held. Suites with more to check call it
 * from their own teardown. */
void ut_case_end(void);

/* A unit suite's struct wt_suite: its name, init and cases, with the
 * shared clean (ut_suite_clean) and teardown (ut_case_end). */
#define UT_SUITE(nm, ini, cases)					\
	{ .name = (nm), .init = (ini), .clean = ut_suite_clean,		\
	  .teardown = ut_case_end, .tests = (cases) }
/* Counters summed over lcores. */
void ut_stats(struct dp_stats *s);

/* A socket of proto bound to ip:port (host order); NULL after a failed
 * CUnit assertion. */
struct dp_sock *ut_sock(int proto, uint32_t ip, uint16_t port);
/* Non-blocking send of n bytes of buf to ip:port (ip 0: the peer set by
 * connect); returns what dp_sock_send returned. */
long ut_send(struct dp_sock *s, uint32_t ip, uint16_t port, const void *buf,
		size_t n);
/* Non-blocking receive into buf (len bytes); from/full_len may be NULL. */
long ut_recv(struct dp_sock *s, void *buf, size_t len, struct dp_addr *from,
		size_t *full_len, int flags);

/* The next datagram on s (flags: 0 or DP_F_PEEK) is the string want;
 * ut_expect_empty: there is none. */
void ut_expect_dgram(struct dp_sock *s, const char *want, int flags);
void ut_expect_empty(struct dp_sock *s);
/* s holds nothing more (no datagram, no bytes), every mbuf is back
 * (base in use), and s is closed. */
void ut_expect_drained_close(struct dp_sock *s, unsigned int base);
/* Every mbuf is back (base in use); the n sockets of s closed, and
 * what their close sent (multicast leaves) dropped. */
void ut_close_all(struct dp_sock **s, int n, unsigned int base);

/* Ethernet + IPv4 + UDP from the peer (src) to dst:dport, as frame_udp. */
uint16_t ut_udp_frame(uint8_t *buf, uint32_t src, uint16_t sport,
		uint32_t dst, uint16_t dport, const void *payload, uint16_t n,
		enum frame_csum c);

#endif /* _UT_H_ */
