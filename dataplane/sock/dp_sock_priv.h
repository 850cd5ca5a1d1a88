/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Sockets inside the dataplane (not installed).
 *
 * Ownership key (see also dp_priv.h):
 *   (c) constant from creation (or from bind, for the RX ring)
 *   (k) under s->lock (control calls from application threads)
 *   (t) under the socket table lock
 *   (o) the owner lcore only
 *   (a) atomic, any thread
 *
 * Data paths:
 *   app send -> dp_udp_build -> s->txq (MP) -> doorbell -> owner lcore
 *            -> dp_sock_tx_poll -> dp_arp_output_try -> port
 *   port -> lcore -> dp_udp_input -> demux (rte_hash, RCU groups)
 *        -> s->rxq (MP: any lcore) -> app recv (MC)
 */
#ifndef _DP_SOCK_PRIV_H_
#define _DP_SOCK_PRIV_H_

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include <rte_hash.h>
#include <rte_mempool.h>
#include <rte_ring.h>
#include <rte_spinlock.h>

#include "dp_os.h"
#include "dp_priv.h"
#include "dp_sock.h"

#define DP_SOCK_MAX		4096	/* sockets per engine */
#define DP_EPHEMERAL_LO		49152	/* Windows' dynamic port range */
#define DP_EPHEMERAL_HI		65535
#define DP_SOCK_BUF_DEFAULT	65536	/* Windows' SO_RCVBUF/SO_SNDBUF */
#define DP_SOCK_BUF_MAX		(64u << 20)
#define DP_RINGQ_MAX		10	/* 256 to 65536 slots, doubling */
#define DP_TX_DRAIN_BUDGET	64	/* datagrams per socket per visit */

/* s->flags */
#define DP_SOCK_F_SHUT_RD	0x01
#define DP_SOCK_F_SHUT_WR	0x02
#define DP_SOCK_F_CLOSED	0x04	/* closed by the application */
#define DP_SOCK_F_ABORT		0x08	/* drop what is still queued */

/*
 * A queue of rings, oldest first, that grows when its socket's buffer is
 * raised while producers and consumers run (dp_sock_ring.c).
 */
struct dp_ringq {
	struct rte_ring *prod;		/* (a) producers enqueue here: the
					 * newest, r[n - 1] */
	struct rte_ring *r[DP_RINGQ_MAX]; /* (k) oldest first */
	uint8_t n;			/* (a) rings in r */
	uint8_t cons;			/* (a) oldest that may hold entries */
	uint8_t sealed;			/* (a) rings below get no more */
};

struct dp_sock {
	/* addressing, options and rxq.prod first: the one line an lcore
	 * reads to decide on and deliver to a member of a multicast group,
	 * hundreds of them per datagram */
	struct dp_addr local;		/* (k) published with bound */
	bool bound;			/* (k) */
	uint64_t peer;			/* (a) ip << 16 | port, 0 = none */
	uint32_t flags;			/* (a) DP_SOCK_F_* */

	/* options */
	uint32_t rcvbuf, sndbuf;	/* (a) byte limits */
	bool reuseaddr, exclusive;	/* (k) */
	bool broadcast;			/* (a) */
	bool connreset;			/* (a) SIO_UDP_CONNRESET */
	bool mc_loop;			/* (a) */
	uint8_t ttl, tos, mc_ttl;	/* (a) */
	uint32_t mc_if;			/* (a) */
	uint32_t rcvtimeo_ms, sndtimeo_ms; /* (a) */

	/*
	 * Cache lines: what a spinning receiver reads (above and the rings
	 * and wake-up words just below) never shares a line with what an
	 * lcore writes per datagram, and each word both sides write has a
	 * line of its own; otherwise every delivery pays an invalidation
	 * of the reader's copy on the critical path.
	 */
	struct dp_ringq rxq;		/* lcores enqueue, application
					 * threads dequeue; made at bind */
	/* not on the delivery path */
	struct dp_engine *eng;		/* (c) */
	struct dp_lcore *owner;		/* (c) drains txq */
	uint32_t id;			/* (c) for telemetry */
	rte_spinlock_t lock;		/* control calls */
	struct dp_mc_sock *mc;		/* groups joined: the multicast
					 * table's lock (dp_mcast.c) */
	struct dp_ringq txq;		/* application threads enqueue, the
					 * owner dequeues; made at the first
					 * send */
	int so_error;			/* (a) positive errno, or 0 */

	/* wake-ups (dp_wait.c) */
	uint32_t seq;			/* (a) bumped on every event */
	uint32_t waiters;		/* (a) threads asleep or spinning */
	bool interrupted;		/* (a) blocked calls return -EINTR */

	/* receive accounting: lcores add, application threads take */
	uint64_t rx_bytes_q __rte_cache_aligned; /* (a) payload bytes queued */

	/* transmit accounting: application threads add, the owner takes */
	uint64_t tx_bytes_q __rte_cache_aligned; /* (a) payload bytes not yet
						  * sent */
	uint32_t tx_pending;		/* (a) frames not yet left the socket */
	uint32_t tx_sched;		/* (a) on the owner's doorbell ring */
	uint32_t tx_epoch;		/* (a) grace periods of txq */
	uint32_t tx_senders[2];		/* (a) senders inside, per epoch
					 * parity (dp_sock_tx_enter) */

	/* written by lcores */
	uint32_t arp_inflight __rte_cache_aligned; /* (a) frames held by ARP */
	struct rte_mbuf *tx_stash;	/* (o) next frame, ARP queue full */
	bool parked;			/* (o) waiting for ARP room */
	uint64_t wake_tag;		/* (l, racy) last lcore iteration that
					 * noted it for a wake-up */
	struct dp_sock_stats st;	/* (a) relaxed atomic adds; with one
					 * lcore, rx_* plain ones (count_rx) */
	TAILQ_ENTRY(dp_sock) link;	/* (t) all sockets, or orphans */
};

TAILQ_HEAD(dp_sock_list, dp_sock);

/* Sockets bound to one (address, port): an immutable array replaced
 * whole on every change (RCU via dp_qsbr_wait). */
struct dp_bind_group {
	uint32_t n;
	struct dp_sock *s[];
};

struct dp_bind_key {
	uint32_t ip;			/* network order, 0 = wildcard */
	uint16_t port;			/* network order */
	uint16_t pad;
};

struct dp_sock_table {
	rte_spinlock_t lock;
	struct dp_sock_list all;	/* (t) open sockets */
	struct dp_sock_list orphans;	/* (t) closed, still transmitting */
	unsigned int count;		/* (t) open + orphans */
	uint32_t next_id;		/* (t) */
	unsigned int next_owner;	/* (t) round robin over lcores */
	uint16_t next_port;		/* (t) ephemeral cursor */
	struct rte_hash *binds;		/* (t) writers; lcores read */
	/* Ports with a bind to our own address: when a port has none,
	 * which is most of them, the lcore looks up the wildcard alone.
	 * Lines of their own: data calls write the words below. */
	uint64_t spec_ports[65536 / 64] __rte_cache_aligned; /* (t) writers;
							      * lcores read */
	uint32_t ip_id __rte_cache_aligned; /* (a) IPv4 identification */
	struct dp_sock_stats closed;	/* (a) totals of freed sockets */
	/* Read by every lcore iteration that noted an event: away from
	 * the words above, which every data call writes. */
	uint32_t sel_seq __rte_cache_aligned; /* (a) bumped for select
					       * waiters */
	uint32_t sel_waiters;		/* (a) */
};

/* dp_sock_ring.c */
struct rte_ring *dp_sock_ring_new(const struct dp_engine *eng, uint32_t bytes,
		unsigned int flags);
void dp_sock_ring_free(struct dp_engine *eng, struct rte_ring *r);
int dp_sock_rxq_init(struct dp_sock *s);
int dp_sock_rxq_grow(struct dp_sock *s, uint32_t bytes);
void dp_sock_rxq_drain(struct dp_sock *s);
int dp_sock_txq_init(struct dp_sock *s);
int dp_sock_txq_grow(struct dp_sock *s, uint32_t bytes);
unsigned int dp_sock_tx_enter(struct dp_sock *s);
void dp_sock_tx_exit(struct dp_sock *s, unsigned int epoch);
void dp_sock_rings_free(struct dp_sock *s);
bool dp_ringq_pending(struct dp_ringq *q);
struct rte_ring *dp_ringq_advance(struct dp_ringq *q, uint8_t c);

/* The ring a consumer reads: the oldest that may hold entries (NULL
 * before the first ring). One load and a compare unless the queue grew. */
static inline struct rte_ring *
dp_ringq_head(struct dp_ringq *q)
{
	uint8_t c = __atomic_load_n(&q->cons, __ATOMIC_ACQUIRE);

	if (likely(c >= __atomic_load_n(&q->sealed, __ATOMIC_ACQUIRE)))
		return q->r[c];
	return dp_ringq_advance(q, c);
}

/* dp_sock.c */
int dp_sock_autobind(struct dp_sock *s);
bool dp_sock_tx_room(struct dp_sock *s, unsigned int nfrag, size_t len);
int dp_sock_table_create(struct dp_engine *eng);
void dp_sock_table_free(struct dp_engine *eng);
bool dp_sock_table_drained(struct dp_engine *eng);
void dp_sock_reap(struct dp_engine *eng);

struct dp_sock_info {
	uint32_t id;
	bool bound, orphan, idle;
	struct dp_addr local, peer;
	uint64_t rx_queued, tx_queued;
	struct dp_sock_stats st;
};
unsigned int dp_sock_dump(struct dp_engine *eng, struct dp_sock_info *out,
		unsigned int max);

/* dp_demux.c */
int dp_demux_bind(struct dp_sock *s, const struct dp_addr *a);
void dp_demux_unbind(struct dp_sock *s);
unsigned int dp_demux_lookup(struct dp_engine *eng, uint32_t dst_be,
		uint16_t port_be, struct dp_bind_group **groups);

/* dp_udp.c */
void dp_udp_input(struct dp_lcore *lc, struct rte_mbuf *m);
void dp_udp_icmp_error(struct dp_lcore *lc, const struct rte_ipv4_hdr *ip,
		uint8_t type, uint8_t code);
long dp_udp_send(struct dp_sock *s, const struct dp_iov *iov,
		unsigned int niov, const struct dp_addr *to, int flags);
long dp_udp_recv(struct dp_sock *s, const struct dp_iov *iov,
		unsigned int niov, struct dp_addr *from, size_t *full_len,
		int flags);

/* dp_sock_tx.c (owner lcore) */
void dp_sock_tx_poll(struct dp_lcore *lc);
void dp_sock_tx_kick(struct dp_sock *s);
void dp_sock_tx_unpark(struct dp_lcore *lc);

/* dp_wait.c */
int dp_wait_any(struct dp_sock *const *socks, const unsigned int *events,
		unsigned int n, int64_t timeout_us);
void dp_wait_note_new(struct dp_lcore *lc, struct dp_sock *s);
void dp_wait_flush(struct dp_lcore *lc);
void dp_wait_wake(struct dp_sock *s);
void dp_qsbr_wait(struct dp_engine *eng);
int dp_sock_wait_tx(struct dp_sock *s, unsigned int nfrag, size_t len,
		uint64_t deadline_us);
int dp_sock_wait_mbufs(struct dp_sock *s, struct rte_mbuf **m,
		unsigned int n, uint64_t deadline_us);

/*
 * The tag of an lcore's iteration: it names (iteration, lcore), so two
 * lcores never mistake each other's notes; a race only costs a duplicate
 * wake.
 */
static inline uint64_t
dp_wait_tag(const struct dp_lcore *lc)
{
	return (uint64_t)lc->wake_gen << 8 | lc->id;
}

/* An lcore saw an event on s: its sleepers are woken at the end of the
 * iteration (dp_wait_flush). Inline: every member of a multicast
 * datagram is noted, and all but the first datagram of a burst find it
 * noted already. */
static inline void
dp_wait_note(struct dp_lcore *lc, struct dp_sock *s)
{
	if (s->wake_tag != dp_wait_tag(lc))
		dp_wait_note_new(lc, s);
}

/* dp_mcache.c: mbufs for application threads */
struct rte_mbuf *dp_mcache_alloc(struct dp_engine *eng);
int dp_mcache_alloc_bulk(struct dp_engine *eng, struct rte_mbuf **m,
		unsigned int n);
void dp_mcache_free(struct dp_engine *eng, struct rte_mbuf *m);
void dp_mcache_flush_all(struct dp_engine *eng);
unsigned int dp_mcache_held(const struct dp_engine *eng);


#endif /* _DP_SOCK_PRIV_H_ */
