/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The socket layer (not installed): the generic socket, the protocols
 * behind it, PCB tables and demux, socket rings, transmission, waiting.
 *
 * A protocol plugs in with a struct dp_sock_ops (dp_sock_proto_register):
 * the socket layer keeps what every socket has (addresses, buffers,
 * rings, options of the IP level, wake-ups, counters, its life with the
 * engine) and calls the protocol for what only it knows. Nothing here
 * names a protocol; a protocol's own per-socket state follows struct
 * dp_sock (dp_sock_pcb()).
 *
 * The rule: a socket's state is written by its owner lcore only. A call
 * that changes it (bind, connect, shutdown, close, options) asks the
 * owner through the control ring (dp_sock_owner_call) and waits for the
 * answer; readers on any thread load the words atomically. The
 * exceptions, each because the other side is the one that knows:
 *   - the rings' contents and the byte and frame counts that go with
 *     them: producers and consumers on both sides (MP/MC rings, atomics);
 *   - a lazy receive ring (ops->rxq_lazy): its owner lcore makes the
 *     first ring (r[0], n, prod) at the first delivery; application
 *     threads read it after an acquire load of prod or n, and grow it
 *     only once prod is set (dp_sock_ring.c);
 *   - a datagram socket's receive batch (struct dp_rxc): its receivers,
 *     one at a time under its lock;
 *   - the wake-up words (seq, waiters, interrupted): whoever blocks or
 *     wakes;
 *   - so_error: set by the lcore that received the ICMP error, taken by
 *     the reader (one atomic exchange);
 *   - counters: relaxed atomic adds by whichever thread sees the event;
 *   - the TX timestamp store (dp_sock_tstamp.c): the owner lcore
 *     fills it, takers on application threads empty it;
 *   - the OS path marks (os_*, dp_sock_os.c): the application thread
 *     that sent the socket to the OS provider, which no lcore ever
 *     sees; telemetry reads them;
 *   - structures lcores find lock-free (the bind table, ring queues that
 *     grow, multicast member sets) are replaced by application threads
 *     under their lock, because replacing them waits for grace periods,
 *     which an lcore cannot do (it would wait for itself).
 *
 * The owner itself: chosen round robin at creation; a socket that
 * connects (or, later, is accepted) is placed on the lcore whose RX
 * queue its flow hashes to when the port spreads flows by RSS
 * (dp_sock_flow.c). An unbound socket gets a local port that makes its
 * flow hash to its owner, so it stays; a bound one is handed over by its
 * owner, under s->lock, only while it has sent nothing (no TX ring, no
 * timer): nothing of it is then queued on, held by or timed on the old
 * owner. Otherwise it stays where it is. Owner calls made meanwhile from
 * other threads find the socket gone from the lcore they asked and ask
 * the new one.
 *
 * Ownership key (see also dp_core.h):
 *   (c) constant from creation (or from bind, for the RX ring)
 *   (o) written by the owner lcore only, read by any (atomic loads)
 *   (k) under s->lock (control calls from application threads)
 *   (t) under the socket table lock
 *   (a) atomic, any thread: an exception above
 *
 * Data paths:
 *   app send -> proto send -> s->txq (MP) -> doorbell -> owner lcore
 *            -> dp_sock_tx_poll -> dp_ip_output_try -> port
 *   port -> lcore -> proto input -> dp_demux_lookup (rte_hash, RCU
 *        groups) -> s->rxq (MP: any lcore) -> app recv (MC; datagrams:
 *        a batch per ring access into s->rxc, dp_sock_rxc.c)
 */
#ifndef _DP_SOCK_PRIV_H_
#define _DP_SOCK_PRIV_H_

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include <rte_atomic.h>
#include <rte_hash.h>
#include <rte_mempool.h>
#include <rte_ring.h>
#include <rte_spinlock.h>

#include "dp_core.h"
#include "dp_net.h"
#include "dp_os.h"
#include "dp_sock.h"
#include "dp_spin.h"

#define DP_EPHEMERAL_LO		49152	/* Windows' dynamic port range */
#define DP_EPHEMERAL_HI		65535
#define DP_SOCK_BUF_DEFAULT	65536	/* Windows' SO_RCVBUF/SO_SNDBUF */
#define DP_SOCK_BUF_MAX		(64u << 20)
#define DP_RINGQ_MAX		10	/* 256 to 65536 slots, doubling */
#define DP_TX_DRAIN_BUDGET	64	/* datagrams per socket per visit */
#define DP_UNPARK_US		1000	/* parked sockets try again */
#define DP_TS_DUE_MAX		64	/* TX timestamps per lcore flush */

/* s->flags */
#define DP_SOCK_F_SHUT_RD	0x01
#define DP_SOCK_F_SHUT_WR	0x02
#define DP_SOCK_F_CLOSED	0x04	/* closed by the application */
#define DP_SOCK_F_ABORT		0x08	/* drop what is still queued */
#define DP_SOCK_F_CHILD		0x10	/* accepted: shares its listener's
					 * port, not in the bind table */

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

struct dp_sock;

#define DP_RXC_BATCH		32	/* datagrams per receive ring access */

/*
 * A datagram socket's receiving side: a batch of datagrams its consumer
 * took off rxq with one ring access, served one receive at a time
 * (dp_sock_rxc.c). Key: (r) under lock; (a) written under lock, read
 * atomically by anyone.
 */
struct dp_rxc {
	rte_spinlock_t lock;		/* one consumer at a time; never held
					 * across a wait */
	uint32_t avail;			/* (a) cached, not yet taken */
	uint16_t head, n;		/* (r) next to take; cached */
	uint64_t taken;			/* (a) bytes taken from the batch,
					 * still counted in rx_bytes_q */
	struct rte_mbuf *m[DP_RXC_BATCH]; /* (r) */
};

/* An option's value: an integer, or a multicast membership change. */
struct dp_optval {
	int64_t v;
	uint32_t group, ifaddr, source;	/* host order */
};

/*
 * A protocol behind the generic socket. Calls come from application
 * threads (the socket's lock not held unless said), which change the
 * socket's state only through its owner (dp_sock_owner_call); input,
 * ctlinput, timer and sent run on lcores. NULL entries: the call fails
 * -EOPNOTSUPP, or (close, events, drained, free) there is nothing more
 * to do.
 */
struct dp_sock_ops {
	const char *name;
	uint8_t proto;			/* IPPROTO_*: its port space and its
					 * IPv4 protocol number */
	size_t pcb_size;		/* its state, after struct dp_sock */
	int (*init)(struct dp_sock *s);
	/* after the generic bind took the address (s->lock held) */
	int (*bind)(struct dp_sock *s, const struct dp_addr *a);
	int (*connect)(struct dp_sock *s, const struct dp_addr *peer,
			int flags);
	int (*listen)(struct dp_sock *s, int backlog);
	int (*accept)(struct dp_sock *s, struct dp_sock **out,
			struct dp_addr *peer);
	long (*send)(struct dp_sock *s, const struct dp_iov *iov,
			unsigned int niov, const struct dp_addr *to, int flags);
	long (*recv)(struct dp_sock *s, const struct dp_iov *iov,
			unsigned int niov, struct dp_rx_meta *meta,
			int flags);
	int (*shutdown)(struct dp_sock *s, bool rd, bool wr);
	/* before the generic close (graceful) or abort */
	void (*close)(struct dp_sock *s);
	void (*abort)(struct dp_sock *s);
	/* options the generic socket does not keep (s->lock held) */
	int (*setopt)(struct dp_sock *s, enum dp_opt opt,
			const struct dp_optval *v);
	int (*getopt)(struct dp_sock *s, enum dp_opt opt,
			struct dp_optval *v);
	/* DP_EV_*: the generic set ev, which the protocol may add to or
	 * take from (a connecting stream is not writable yet) */
	unsigned int (*events)(struct dp_sock *s, unsigned int ev);
	/* the owner lcore, for a socket on its doorbell: a protocol that
	 * keeps its own send queue (TCP) takes s->txq itself; NULL: the
	 * generic drain sends the frames as they are */
	void (*txdrain)(struct dp_lcore *lc, struct dp_sock *s);
	/* its datagrams and the ICMP errors about them (lcores) */
	dp_input_fn *input;
	void (*ctlinput)(struct dp_lcore *lc, const struct rte_ipv4_hdr *ip,
			uint8_t type, uint8_t code);
	bool input_lcore0;		/* its input runs on lcore 0 only */
	bool input_linear;		/* its input takes one segment */
	/* its receive ring is made by the owner lcore at the first
	 * delivery (dp_sock_rxq_make), not at bind: a protocol whose
	 * sockets have one owner that delivers (TCP) */
	bool rxq_lazy;
	/* s->timer fired (the owner lcore); still armed when s is freed,
	 * the socket layer cancels it there */
	void (*timer)(struct dp_sock *s);
	/* a datagram it marked DP_MBUF_F_NOTIFY left for the wire (the
	 * owner lcore, m's data at its IPv4 header) */
	void (*sent)(struct dp_lcore *lc, struct dp_sock *s,
			struct rte_mbuf *m);
	/* at cleanup: nothing of its own left to send */
	bool (*drained)(struct dp_sock *s);
	/* the owner lcore, just before s is freed: forget it (its lookup
	 * tables); the socket layer cancels s->timer there too */
	void (*detach)(struct dp_lcore *lc, struct dp_sock *s);
	void (*free)(struct dp_sock *s);
	/* send with a TX timestamp id (dp_sock_send_ts) */
	long (*send_ts)(struct dp_sock *s, const struct dp_iov *iov,
			unsigned int niov, const struct dp_addr *to, int flags,
			uint32_t ts_id);
};

struct dp_sock {
	/* addressing, options and rxq.prod first: the one line an lcore
	 * reads to decide on and deliver to a member of a multicast group,
	 * hundreds of them per datagram */
	struct dp_addr local;		/* (o) published with bound */
	bool bound;			/* (o) */
	uint64_t peer;			/* (o) ip << 16 | port, 0 = none */
	uint32_t flags;			/* (o) DP_SOCK_F_* */

	/* options (dp_sock_opt.c) */
	uint32_t rcvbuf, sndbuf;	/* (o) byte limits */
	bool reuseaddr, exclusive;	/* (o) */
	bool broadcast;			/* (o) */
	bool mc_loop;			/* (o) */
	bool dontfrag;			/* (o) IP_DONTFRAGMENT */
	uint8_t ttl, tos, mc_ttl;	/* (o) */
	uint32_t mc_if;			/* (o) */
	uint32_t rcvtimeo_ms, sndtimeo_ms; /* (o) */

	/*
	 * Cache lines: what a spinning receiver reads (above and the rings
	 * and wake-up words just below) never shares a line with what an
	 * lcore writes per datagram, and each word both sides write has a
	 * line of its own; otherwise every delivery pays an invalidation
	 * of the reader's copy on the critical path.
	 */
	struct dp_ringq rxq;		/* lcores enqueue, application
					 * threads dequeue; made at bind, or
					 * (ops->rxq_lazy) by the owner at
					 * the first delivery */
	/* not on the delivery path */
	struct dp_rxc *rxc;		/* (c) the receive batch, NULL: the
					 * protocol reads rxq itself (TCP) */
	struct dp_engine *eng;		/* (c) */
	const struct dp_sock_ops *ops;	/* (c) its protocol */
	struct dp_lcore *owner;		/* (o, s->lock) drains txq; handed
					 * over only before any send */
	struct rte_ring *doorbell;	/* (o, s->lock) the owner's */
	uint32_t id;			/* (c) for telemetry */
	/* the OS path (dp_sock_os.c): a provider socket the OS provider
	 * serves keeps this one as its place in telemetry */
	uint8_t os_why;			/* (a) DP_OS_*, DP_OS_NONE: ours */
	uint32_t os_dst;		/* (a) the address that decided it */
	uint64_t os_handle;		/* (a) the application's handle */
	uint64_t os_local;		/* (a) ip << 16 | port, as the OS */
	uint64_t os_peer;		/* (a) provider reports them */
	rte_spinlock_t lock;		/* control calls */
	struct dp_ringq txq;		/* application threads enqueue, the
					 * owner dequeues; made at the first
					 * send */
	int so_error;			/* (a) positive errno, or 0 */
	bool ts_rx;			/* (a) receive timestamps wanted: one
					 * in eng->ts_rx_socks */
	struct dp_sock_ts *ts;		/* (a, k) TX timestamps, NULL: off;
					 * replaced by application threads
					 * under s->lock after a grace
					 * period, read by the owner lcore
					 * (dp_sock_tstamp.c) */

	/* wake-ups (dp_wait.c) */
	uint32_t seq;			/* (a) bumped on every event */
	uint32_t waiters;		/* (a) threads asleep or spinning */
	dp_spin_t spin;			/* (a, relaxed) receives' learned spin
					 * budget, written by waiters */
	bool interrupted;		/* (a) blocked calls return -EINTR */
	void *watch_ctx;		/* (a) the watcher's (dp_sock_watch.c) */
	uint32_t watch_queued;		/* (a) on the watch queue: set by
					 * whoever queues it, cleared by the
					 * taker (only they know when) */

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
	struct dp_timer timer;		/* (o) the protocol's (ops->timer) */
	uint64_t wake_tag;		/* (l, relaxed atomic: lcores that
					 * deliver to s race on it; a lost
					 * race costs a duplicate wake) last
					 * lcore iteration that noted it */
	struct dp_sock_stats st;	/* (a) relaxed atomic adds; with one
					 * lcore, rx_* plain ones (count_rx) */
	TAILQ_ENTRY(dp_sock) link;	/* (t) all sockets, or orphans */
	uint8_t pcb[] __rte_cache_aligned; /* the protocol's (pcb_size) */
};

static inline void *
dp_sock_pcb(struct dp_sock *s)
{
	return s->pcb;
}

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
	uint8_t proto;			/* its port space */
	uint8_t pad;
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
	/* Ports with a bind to our own address (of any protocol): when a
	 * port has none, which is most of them, the lcore looks up the
	 * wildcard alone. Lines of their own: data calls write below. */
	uint64_t spec_ports[65536 / 64] __rte_cache_aligned; /* (t) writers;
							      * lcores read */
	struct dp_sock_stats closed __rte_cache_aligned; /* (a) totals of
							  * freed sockets */
	/* TCP ports held by TIME-WAIT records of connections that bound
	 * their own port (a record outlives its socket's bind): the
	 * ephemeral search skips them and a bind without SO_REUSEADDR
	 * fails on them, as it did while TIME-WAIT kept the socket. */
	uint32_t tcp_tw_held[65536];	/* (a) owner lcores count */
	/* Read by every lcore iteration that noted an event: away from
	 * the words above, which every data call writes. */
	uint32_t sel_seq __rte_cache_aligned; /* (a) bumped for select
					       * waiters */
	uint32_t sel_waiters;		/* (a) */
	/* The watch queue (dp_sock_watch.c): contexts of watched sockets
	 * that saw an event; lcores and signallers enqueue, one taker. */
	struct rte_ring *watch;		/* (c) MP/SC */
	uint32_t watch_seq __rte_cache_aligned; /* (a) bumped for the taker */
	uint32_t watch_waiters;		/* (a) */
	uint32_t watch_overflow;	/* (a) a context did not fit */
};

/* Per lcore: what it drains and wakes. */
struct dp_sock_lcore {
	struct rte_ring *doorbell;	/* (a) MP/SC: sockets with TX work */
	unsigned int nb_wake;		/* (l) sockets noted this iteration */
	uint32_t wake_gen;		/* (l) */
	struct dp_sock **wake;		/* (l) [conf.sockets]: every socket fits,
					 * one multicast datagram may note
					 * them all */
	unsigned int nb_parked;		/* (l) sockets waiting for ARP room */
	struct dp_sock **parked;	/* (l) [conf.sockets] */
	struct dp_timer unpark;		/* (l) armed while any is parked */
	unsigned int nb_ts;		/* (l) TX timestamps due at the next
					 * flush (lc->tx_stamps mirrors it) */
	struct dp_ts_due {
		struct dp_sock *s;
		uint32_t id;
	} ts_due[DP_TS_DUE_MAX];	/* (l) */
};

extern const struct dp_layer dp_sock_layer;

/* dp_sock.c: protocols (process-wide, before or between engines) */
int dp_sock_proto_register(const struct dp_sock_ops *ops);
const struct dp_sock_ops *dp_sock_proto(uint8_t proto);

/* dp_sock_ring.c */
struct rte_ring *dp_sock_ring_new(const struct dp_engine *eng, uint32_t bytes,
		unsigned int flags);
void dp_sock_ring_free(struct dp_engine *eng, struct rte_ring *r);
int dp_sock_rxq_init(struct dp_sock *s);
struct rte_ring *dp_sock_rxq_make(struct dp_sock *s);
int dp_sock_rxq_grow(struct dp_sock *s, uint32_t bytes);
void dp_sock_rxq_drain(struct dp_sock *s);
int dp_sock_txq_init(struct dp_sock *s);
int dp_sock_txq_grow(struct dp_sock *s, uint32_t bytes);
unsigned int dp_sock_tx_enter(struct dp_sock *s);
void dp_sock_tx_exit(struct dp_sock *s, unsigned int epoch);
/* Wait until every application thread that was between tx_enter and
 * tx_exit has left: after it, a sender sees what was written before. */
void dp_sock_tx_grace(struct dp_sock *s);
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

/* dp_sock_rxc.c (application threads, c->lock held unless said) */
static inline void
dp_rxc_lock(struct dp_rxc *c)
{
	rte_spinlock_lock(&c->lock);
}

static inline void
dp_rxc_unlock(struct dp_rxc *c)
{
	rte_spinlock_unlock(&c->lock);
}

/* The slow halves of dp_rxc_first and dp_rxc_pop. */
struct rte_mbuf *dp_rxc_refill(struct dp_sock *s, struct dp_rxc *c);
void dp_rxc_done(struct dp_sock *s, struct dp_rxc *c);

/* The oldest datagram not yet taken (the batch refilled from rxq if it
 * was used up), or NULL: nothing queued. Not taken. Inline, as
 * dp_rxc_pop: every receive pays them, a refill once per batch. */
static inline struct rte_mbuf *
dp_rxc_first(struct dp_sock *s, struct dp_rxc *c)
{
	if (likely(c->head < c->n))
		return c->m[c->head];
	return dp_rxc_refill(s, c);
}

/* Take the first datagram (len payload bytes); the batch used up, its
 * bytes leave rx_bytes_q and its mbufs are freed. */
static inline void
dp_rxc_pop(struct dp_sock *s, struct dp_rxc *c, uint32_t len)
{
	c->head++;
	__atomic_store_n(&c->taken, c->taken + len, __ATOMIC_RELAXED);
	__atomic_store_n(&c->avail, (uint32_t)(c->n - c->head),
		__ATOMIC_RELEASE);
	if (c->head == c->n)
		dp_rxc_done(s, c);
}
void dp_rxc_filter(struct dp_sock *s, struct dp_rxc *c,
		bool (*keep)(struct rte_mbuf *m, uint64_t arg),
		uint64_t arg);
void dp_rxc_drain(struct dp_sock *s, struct dp_rxc *c, bool count);
/* Payload bytes queued and not yet taken (takes c->lock). */
size_t dp_rxc_bytes(struct dp_sock *s, struct dp_rxc *c);

/*
 * Something to receive on s, in its rings or its batch. The rings are
 * read first: a refill publishes avail before it releases the ring's
 * entries, so a reader that sees them gone sees them cached. The ring's
 * tails are plain loads: rte_smp_rmb keeps avail's after them (not a
 * fence, which TSan does not take).
 */
static inline bool
dp_sock_rx_pending(struct dp_sock *s)
{
	if (dp_ringq_pending(&s->rxq))
		return true;
	rte_smp_rmb();
	return s->rxc != NULL &&
		__atomic_load_n(&s->rxc->avail, __ATOMIC_ACQUIRE) != 0;
}

/* dp_demux.c: a TIME-WAIT record holds (+1) or lets go of (-1) the
 * local TCP port port_be (owner lcore). */
void dp_sock_tcp_port_hold(struct dp_engine *eng, uint16_t port_be,
		int delta);

/* dp_sock_flow.c */
/* Run fn(owner, arg) on s's owner lcore and return its result (on the
 * lcore that owns s when fn runs, should it have been handed over). */
int dp_sock_owner_call(struct dp_sock *s, dp_ctl_fn *fn, void *arg);
/*
 * Before s connects to peer: bind it if unbound (an ephemeral port whose
 * flow hashes to its owner, when the port places flows), then hand it to
 * the lcore its flow hashes to if it is not there and may still move.
 * 0, or bind's error; a socket that cannot move stays, connected.
 */
int dp_sock_flow_bind(struct dp_sock *s, const struct dp_addr *peer);

/* A datagram of s taken in by lc (which may not own it): counted when a
 * connected socket's flow arrives off its owner, which RSS placement
 * should prevent (TCP will have to hand such segments over). */
static inline void
dp_sock_flow_rx(struct dp_lcore *lc, struct dp_sock *s)
{
	if (dp_rss_on(&lc->eng->rss) &&
			__atomic_load_n(&s->peer, __ATOMIC_RELAXED) != 0 &&
			__atomic_load_n(&s->owner, __ATOMIC_RELAXED) != lc)
		DP_STAT_INC(lc, sock_rx_off_owner);
}

/* dp_sock.c */
/* The owner stores v in one word of s's state (1, 4 or 8 bytes), or
 * ORs bits into a 32-bit one: the setters' common case. */
int dp_sock_owner_store(struct dp_sock *s, void *field, uint64_t v,
		unsigned int size);
int dp_sock_owner_or(struct dp_sock *s, uint32_t *field, uint32_t bits);
int dp_sock_autobind(struct dp_sock *s);
/* s->lock held: bind s to a (port 0: an ephemeral one; with peer, one
 * whose flow to peer arrives on s's owner if any is free). */
int dp_sock_bind_locked(struct dp_sock *s, const struct dp_addr *a,
		const struct dp_addr *peer);
bool dp_sock_tx_room(struct dp_sock *s, unsigned int nfrag, size_t len);
int dp_sock_table_create(struct dp_engine *eng);
void dp_sock_table_free(struct dp_engine *eng);
bool dp_sock_table_drained(struct dp_engine *eng);
void dp_sock_reap(struct dp_engine *eng);
/* Free n sockets that no application holds and no lcore can reach any
 * more (a closed listener's spares): one grace period for all of them,
 * no round trip to their owners. */
void dp_sock_discard(struct dp_engine *eng, struct dp_sock **v,
		unsigned int n);
/* Datagrams received and never read, about to be discarded. */
void dp_sock_count_unread(struct dp_sock *s);
/* Nothing of s's is still on its way out. */
bool dp_sock_tx_idle(struct dp_sock *s);
/* Arm s's protocol timer at µs time `at` (the owner lcore only; ops->timer
 * set). It may stay armed past close: freeing s cancels it. */
void dp_sock_timer_arm(struct dp_sock *s, uint64_t at);

struct dp_sock_info {
	uint32_t id;
	const char *proto;
	bool bound, orphan, idle;
	struct dp_addr local, peer;
	uint8_t os_why;			/* DP_OS_*: then local and peer are
					 * the OS provider's */
	uint32_t os_dst;
	uint64_t os_handle;
	uint64_t rx_queued, tx_queued;
	struct dp_sock_stats st;
};

/* dp_demux.c: the PCB table, (protocol, address, port) -> sockets */
int dp_demux_bind(struct dp_sock *s, const struct dp_addr *a,
		const struct dp_addr *peer, uint16_t *port);
void dp_demux_unbind(struct dp_sock *s);
unsigned int dp_demux_lookup(struct dp_engine *eng, uint8_t proto,
		uint32_t dst_be, uint16_t port_be,
		struct dp_bind_group **groups);

/* dp_sock_tx.c (owner lcore) */
void dp_sock_tx_poll(struct dp_lcore *lc);
void dp_sock_tx_kick(struct dp_sock *s);

/* Run to completion (eng->rtc): the lcore whose iteration a thread
 * spinning on s runs itself (its owner), NULL when off. */
static inline struct dp_lcore *
dp_sock_rtc(const struct dp_sock *s)
{
	return s->eng->rtc ? __atomic_load_n(&s->owner, __ATOMIC_ACQUIRE) :
		NULL;
}
bool dp_sock_tx_fate(struct dp_lcore *lc, struct rte_mbuf *m,
		enum dp_tx_fate f);

/* dp_sock_tstamp.c */
struct dp_sock_ts;
/* The owner lcore sent s's datagram with a TX timestamp id (its first
 * frame goes to the port at the next flush). */
void dp_sock_tstamp_due(struct dp_lcore *lc, struct dp_sock *s, uint32_t id);
/* The stack's tx_stamp: record the due timestamps at tsc. */
void dp_sock_tstamp_flush(struct dp_lcore *lc, uint64_t tsc);
/* s is being freed (after a grace period). */
void dp_sock_tstamp_free(struct dp_sock *s);

/* dp_sock_telemetry.c */
unsigned int dp_sock_dump(struct dp_engine *eng, struct dp_sock_info *out,
		unsigned int max);
void dp_sock_telemetry(void);
struct rte_tel_data;
void dp_sock_tel_info(struct rte_tel_data *d, struct dp_engine *eng);

/* dp_sock_os.c */
struct dp_addr dp_sock_os_unpack(uint64_t v);

/* dp_sock_watch.c */
bool dp_sock_watch_push(struct dp_sock *s);
void dp_sock_watch_wake(struct dp_sock_table *t);

/* dp_sock_wait.c */
int dp_wait_any(struct dp_sock *const *socks, const unsigned int *events,
		unsigned int n, int64_t timeout_us);
void dp_wait_note_new(struct dp_lcore *lc, struct dp_sock *s);
void dp_wait_flush(struct dp_lcore *lc);
void dp_wait_wake(struct dp_sock *s);
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
	return (uint64_t)lc->sock->wake_gen << 8 | lc->id;
}

/* An lcore saw an event on s: its sleepers are woken at the end of the
 * iteration (dp_wait_flush). Inline: every member of a multicast
 * datagram is noted, and all but the first datagram of a burst find it
 * noted already. */
static inline void
dp_wait_note(struct dp_lcore *lc, struct dp_sock *s)
{
	if (__atomic_load_n(&s->wake_tag, __ATOMIC_RELAXED) !=
			dp_wait_tag(lc))
		dp_wait_note_new(lc, s);
}


#endif /* _DP_SOCK_PRIV_H_ */
