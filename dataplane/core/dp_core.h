/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The core for the layers above it (not installed): the engine, its
 * lcores and their loop, the layers' hooks into both, the mbuf private
 * area, grace periods and the gate application threads pass.
 *
 * The core knows no protocol. The layers above (net, sock, udp) plug in
 * through a struct dp_stack given to dp_engine_start(): one RX handler
 * for frames from the port, and per layer the hooks of struct dp_layer,
 * called in stack order (reverse order to take down). Per-engine and
 * per-lcore state of a layer hangs off the pointers named after it below;
 * the core only carries them.
 *
 * Ownership key used on every field:
 *   (c) constant between dp_start() and dp_stop()
 *   (l) written only by the owning lcore (with run to completion: by
 *       whoever holds its poll lock, dp_lcore.c)
 *   (a) atomic, any thread
 */
#ifndef _DP_CORE_H_
#define _DP_CORE_H_

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dp.h"
#include "dp_log.h"
#include "dp_rss.h"
#include "dp_stats.h"
#include "dp_timer.h"
#include "dp_tsan.h"
#include "drv_port.h"

/*
 * DPDK 22.11's RTE_IPV4_VHL_DEF uses IPVERSION, which on Windows only an
 * EAL shim that DPDK does not install defines.
 */
#ifndef IPVERSION
#define IPVERSION	4
#endif

/* A thread-local of libwspdk.so: initial-exec, not the general dynamic
 * model's __tls_get_addr per access (the library is loaded with the
 * process's first Winsock startup; its few bytes fit the static TLS
 * glibc keeps for libraries dlopened later). ELF only. */
#if defined(__ELF__)
#define DP_TLS_IE	__attribute__((tls_model("initial-exec")))
#else
#define DP_TLS_IE
#endif

#define DP_RX_BURST	32
#define DP_TX_BUF	128		/* frames buffered per lcore per loop */
#define DP_REDIRECT_SIZE 1024		/* frames handed to another lcore */
#define DP_RTC_IDLE_US	20		/* run to completion: the lcore thread
					 * takes its loop back this long after
					 * an application thread last ran it */

struct dp_engine;
struct dp_lcore;
struct rte_rcu_qsbr;
struct rte_tel_data;
/* the layers' state, opaque here */
struct dp_net;
struct dp_net_lcore;
struct dp_sock_table;
struct dp_sock_lcore;
struct dp_mc_table;
struct dp_tcp;
struct dp_tcp_lcore;

/* A frame for a layer to take (consumes m). */
typedef void dp_input_fn(struct dp_lcore *lc, struct rte_mbuf *m);
/* A request run on an lcore for an application thread (dp_ctl_call). */
typedef int dp_ctl_fn(struct dp_lcore *lc, void *arg);

/*
 * Private area of every mbuf of our pool (rte_mbuf_to_priv): words the
 * layers give meanings to, so a frame carries what the next hand needs
 * (its socket from the thread that built it to the lcore that sends it,
 * its sender from the lcore to the thread that reads it).
 */
struct dp_mbuf_priv {
	struct rte_mbuf *next;		/* net: ARP hold and local lists */
	void *owner;			/* TX: the socket it is accounted to,
					 * NULL for the stack's own frames */
	dp_input_fn *redirect;		/* handed to another lcore: what that
					 * lcore does with it */
	uint32_t addr;			/* TX: next hop; RX: source (be) */
	uint16_t port;			/* RX: source port (be) */
	uint16_t flags;			/* TX: DP_MBUF_F_* */
	uint32_t dgram_len;		/* TX: payload on the first frame of a
					 * datagram; RX: payload length */
	uint32_t dst;			/* RX: destination (be), for
					 * IP_PKTINFO */
	uint8_t tos, ttl;		/* RX: from its IPv4 header */
	uint32_t ts_id;			/* TX: SO_TIMESTAMP_ID, with
					 * DP_MBUF_F_TSTAMP (first frame) */
	uint64_t rx_tsc;		/* RX: TSC when an lcore pulled it
					 * (its SO_TIMESTAMP) */
};

#define DP_MBUF_F_FIRST	0x1		/* first frame of a datagram */
#define DP_MBUF_F_LOCAL	0x2		/* to our own address: loop it back */
#define DP_MBUF_F_MCLOOP 0x4		/* multicast: our members get a copy */
#define DP_MBUF_F_HELD	0x8		/* waited for ARP */
#define DP_MBUF_F_NOTIFY 0x10		/* its protocol hears it was sent */
#define DP_MBUF_F_TSTAMP 0x20		/* its socket wants a TX timestamp
					 * (ts_id) */

static inline struct dp_mbuf_priv *
dp_mbuf_priv(struct rte_mbuf *m)
{
	return rte_mbuf_to_priv(m);
}

/* An idle lcore's sleeps (dp_lcore_sleep.c), /wspdk/lcore. */
struct dp_lcore_sleep_stats {
	uint64_t sleeps;		/* went to sleep */
	uint64_t aborts;		/* about to, found work on the re-check */
	uint64_t wake_bell;		/* woken by a producer's doorbell */
	uint64_t wake_rx;		/* by its RX queue's fd */
	uint64_t wake_timeout;		/* by its timeout (a timer, the cap) */
};

#define DP_LCORE_AWAKE	0
#define DP_LCORE_ASLEEP	1	/* in (or on its way to) its sleep */
#define DP_LCORE_RUNG	2	/* asleep, and a producer rang its bell */

struct dp_lcore {
	struct dp_engine *eng;		/* (c) */
	unsigned int id;		/* (c) 0 .. nb_lcores-1 */
	unsigned int lcore_id;		/* (c) EAL lcore */
	uint16_t queue;			/* (c) RX/TX queue pair */
	struct rte_ring *redirect;	/* (a) MP/SC: frames from other lcores */
	struct rte_ring *ctl;		/* (a) MP/SC: requests (dp_ctl.c) */
	struct dp_net_lcore *net;	/* (c) the net layer's */
	struct dp_sock_lcore *sock;	/* (c) the socket layer's */
	struct dp_tcp_lcore *tcp;	/* (c) TCP's connections here */
	struct dp_udp_lcore *udp;	/* (c) UDP's burst state (dp_udp.c) */
	bool stop;			/* (a) set by dp_stop() */
	uint32_t asleep;		/* (a) DP_LCORE_* below: producers read
					 * it after they post (dp_lcore_wake) */
	int bell;			/* (c) its doorbell fd, -1 none */
	int rx_fd;			/* (c) its RX queue's fd, -1 none */
	/* The lcore writes what follows every iteration; application
	 * threads read the line above. */
	uint64_t now __rte_cache_aligned; /* (l) TSC at the top of the
					   * iteration */
	uint64_t now_us;		/* (l) the same in µs (timers) */
	uint64_t rx_tsc;		/* (l) TSC when the frames being taken
					 * in were pulled: one read per RX
					 * burst (dp_lcore_rx_stamp) stamps
					 * the whole burst; 0 none wanted */
	uint16_t tx_stamps;		/* (l) TX timestamps due at the next
					 * flush (the stack's tx_stamp) */
	uint64_t iterations;		/* (l, read by telemetry) */
	uint64_t busy_tsc;		/* (l) now of the last iteration that
					 * found work (dp_lcore_sleep.c) */
	struct dp_lcore_sleep_stats sleep; /* (l, read by telemetry) */
	uint16_t tx_n;			/* (l, read by drain) in tx_pkts */
	struct rte_mbuf *tx_pkts[DP_TX_BUF]; /* (l) */
	struct dp_stats stats;		/* (l) */
	struct dp_timer_wheel timers __rte_cache_aligned; /* (l) */
	/* Run to completion (eng->rtc, dp_lcore.c): whoever holds
	 * poll_lock runs this lcore's iteration and is its owner for it;
	 * application threads that spin take it with a try. Its own line:
	 * the one both sides write per iteration. */
	uint32_t poll_lock __rte_cache_aligned; /* (a) 0 free, 1 held */
	uint64_t rtc_tsc;		/* (a, lock) TSC of the last iteration
					 * an application thread ran: the
					 * lcore thread steps back after it */
	uint64_t rtc_polls;		/* (a, lock) iterations they ran */
	uint32_t rtc_spinners;		/* (a) application threads spinning
					 * with this lcore to drive: the
					 * lcore thread makes way for them */
	bool started;			/* (a, lock) its thread is past the
					 * layers' lcore_start and online: no
					 * one else runs it before */
	bool hold;			/* (a) tests: the lcore thread runs no
					 * iteration while set (only
					 * application threads do) */
} __rte_cache_aligned;

struct dp_engine {
	struct dp_conf conf;		/* (c) */
	const struct dp_stack *stack;	/* (c) */
	struct drv_port *port;		/* (c) */
	struct rte_mempool *mp;		/* (c) */
	struct rte_ether_addr mac;	/* (c) */
	uint32_t ip4;			/* (c) network order */
	uint32_t netmask;		/* (c) network order */
	uint32_t bcast;			/* (c) subnet broadcast, network order */
	uint32_t gateway;		/* (c) network order, 0 = none */
	uint16_t mtu;			/* (c) IP MTU: the port's, never more
					 * than its mbufs hold */
	uint64_t tsc_hz;		/* (c) */
	struct dp_timer_clock us_clock;	/* (c) TSC -> µs */
	unsigned int nb_lcores;		/* (c) */
	struct dp_lcore *lcores[DP_MAX_LCORES];	/* (c) */
	struct dp_net *net;		/* the net layer's (dp_net.h) */
	struct dp_sock_table *socks;	/* the socket layer's */
	struct dp_mc_table *mc;		/* multicast (udp/dp_mcast.h) */
	struct dp_tcp *tcp;		/* TCP (tcp/dp_tcp.h) */
	struct rte_rcu_qsbr *qsbr;	/* (c) lcores' quiescent states: the
					 * grace periods of every lock-free
					 * structure lcores read */
	uint64_t gen;			/* (c) unique per dp_start() */
	bool driven;			/* (c) dp_start_driven() */
	bool rtc;			/* (c) conf.rtc > 0, never driven:
					 * spinning application threads run
					 * their lcore's iteration */
	uint64_t rtc_idle;		/* (c) TSC cycles the lcore thread
					 * steps back after an application
					 * thread's iteration */
	uint64_t sleep_after;		/* (c) TSC cycles of idle iterations
					 * after which an lcore sleeps; 0
					 * never (dp_lcore_sleep.c) */
	bool ip_cksum_offload;		/* (c) port computes IPv4 checksums */
	bool udp_cksum_offload;		/* (c) port computes UDP checksums */
	bool rx_cksum_offload;		/* (c) port validates checksums */
	struct dp_rss rss;		/* (c) which queue a flow arrives on
					 * (dp_rss_on: placement by flow) */
	uint32_t ts_rx_socks;		/* (a) sockets with receive timestamps
					 * on (dp_sock_tstamp_rx): lcores read
					 * the TSC per RX burst only then */
	/* application threads' blocking waits (dp_wait.c), apart from
	 * what lcores read */
	uint64_t wait_sleeps __rte_cache_aligned; /* (a, relaxed) sleeps */
	uint64_t wait_late;		/* (a, relaxed) sleeps the clock ended
					 * with their condition true and no
					 * wake-up posted: lost wake-ups */
};

/*
 * A layer of the stack: what it does at the engine's and its lcores'
 * milestones. Every hook may be NULL.
 */
struct dp_layer {
	const char *name;
	/* dp_start, in stack order; after a failure, destroy runs for
	 * every layer (it must cope with a partial create) */
	int (*create)(struct dp_engine *eng);
	void (*destroy)(struct dp_engine *eng);
	/* on each lcore before its loop (driven engines: at start) */
	void (*lcore_start)(struct dp_lcore *lc);
	/* every iteration after RX; poll_end after the TX flush */
	void (*poll)(struct dp_lcore *lc);
	void (*poll_end)(struct dp_lcore *lc);
	/* dp_stop: turn application threads away (gate closed) */
	void (*quiesce)(struct dp_engine *eng);
	/* work posted for lc from outside its iteration (another thread's
	 * ring, a flag) that its next iteration takes: an idle lcore
	 * re-checks it after it published that it sleeps (its producers
	 * wake it with dp_lcore_wake after they post) */
	bool (*pending)(const struct dp_lcore *lc);
	/* dp_stop's drain waits while it says there is work to send */
	bool (*busy)(struct dp_engine *eng);
	/* dp_stop, after the drain (done or out of time), the lcores
	 * still running: end abortively what is left */
	void (*abort)(struct dp_engine *eng);
	/* once per process: its telemetry commands */
	void (*telemetry)(void);
	/* its keys in /wspdk/info and /wspdk/stats (engine held) */
	void (*tel_info)(struct rte_tel_data *d, struct dp_engine *eng);
	void (*tel_stats)(struct rte_tel_data *d, struct dp_engine *eng);
};

struct dp_stack {
	/* a burst from the port: the stack may gather work over the
	 * burst (one ring enqueue per socket) and finishes it before it
	 * returns */
	void (*rx)(struct dp_lcore *lc, struct rte_mbuf **pkts, uint16_t n);
	/* lc->tx_stamps != 0: frames are being handed to tx_burst at TSC
	 * time tsc; record their timestamps */
	void (*tx_stamp)(struct dp_lcore *lc, uint64_t tsc);
	const struct dp_layer *const *layers; /* bottom first */
	unsigned int nb_layers;
};

/* dp_lcore.c */
int dp_lcore_main(void *arg);
void dp_lcore_tx_flush(struct dp_lcore *lc);
/* Hand m to lcore `to`, which runs fn(to, m). Consumes m; -ENOBUFS
 * (m freed) if its ring is full. */
int dp_lcore_redirect(struct dp_lcore *to, struct rte_mbuf *m,
		dp_input_fn *fn);
/* Driven engines (dp_start_driven): one iteration at TSC time now. */
void dp_lcore_step(struct dp_lcore *lc, uint64_t now);
/* Run to completion (eng->rtc): an application thread inside the gate
 * runs one iteration of lc if nobody is running one; true if it did. */
bool dp_lcore_poll_try(struct dp_lcore *lc);
/* Run to completion: report lc's quiescent state (QSBR) if nobody is
 * running its iteration; a grace period's waiter. */
void dp_lcore_quiesce_try(struct dp_lcore *lc);
/* The lcore whose iteration this thread is running, NULL if none. */
struct dp_lcore *dp_lcore_self(void);
struct dp_lcore *dp_lcore_create(struct dp_engine *eng, unsigned int id,
		unsigned int lcore_id);
void dp_lcore_free(struct dp_lcore *lc);

static inline struct dp_lcore *
dp_lcore_of_timers(struct dp_timer_wheel *w)
{
	return container_of(w, struct dp_lcore, timers);
}

/*
 * Frames are being taken in now (from the port, another lcore, or our
 * own output looped back): what their datagrams' RX timestamp will be.
 * One TSC read for a burst of them, and only while a socket wants them:
 * off costs one relaxed load per burst (a TSC read is ~10 ns here at
 * best, but 90-115 ns in a loop on this loaded VM; perf/: wststamp).
 * 0: not stamped.
 */
static inline void
dp_lcore_rx_stamp(struct dp_lcore *lc)
{
	lc->rx_tsc = unlikely(__atomic_load_n(&lc->eng->ts_rx_socks,
		__ATOMIC_RELAXED) != 0) ? rte_rdtsc() : 0;
}

/*
 * Queue m on this lcore's TX buffer (the loop flushes it each iteration,
 * dp_lcore_tx_flush -> drv_tx_burst). Consumes m. Inline: every frame
 * the stack sends passes here.
 */
static inline void
dp_lcore_tx(struct dp_lcore *lc, struct rte_mbuf *m)
{
	if (unlikely(lc->tx_n == DP_TX_BUF)) {
		dp_lcore_tx_flush(lc);
		if (lc->tx_n == DP_TX_BUF) {
			DP_STAT_INC(lc, tx_full);
			dp_pktmbuf_free(m);
			return;
		}
	}
	lc->tx_pkts[lc->tx_n] = m;
	/* Only the owner writes tx_n; the drain on another thread reads
	 * it. */
	__atomic_store_n(&lc->tx_n, (uint16_t)(lc->tx_n + 1),
		__ATOMIC_RELAXED);
}

/*
 * The lcore whose RX queue a flow between our (lip, lport) and the peer
 * (rip, rport) arrives on, all host order; NULL when the port does not
 * place flows (no RSS, or one queue). Lcore i polls queue i.
 */
static inline struct dp_lcore *
dp_rss_lcore(const struct dp_engine *eng, uint32_t lip, uint16_t lport,
		uint32_t rip, uint16_t rport)
{
	if (!dp_rss_on(&eng->rss))
		return NULL;
	return eng->lcores[dp_rss_queue(&eng->rss, rip, lip, rport, lport)];
}

/* dp_lcore_sleep.c */
int dp_lcore_sleep_init(struct dp_lcore *lc);
void dp_lcore_sleep_fini(struct dp_lcore *lc);
/* The lcore thread, after an iteration: sleep if idle long enough. */
void dp_lcore_idle(struct dp_lcore *lc);
void dp_lcore_wake_slow(struct dp_lcore *lc);

/*
 * A producer posted work for lc (enqueued, set a flag) that lc's next
 * iteration takes: wake lc if it sleeps. After the post, in this order;
 * one syscall only when lc really sleeps. Free when no lcore sleeps.
 */
static inline void
dp_lcore_wake(struct dp_lcore *lc)
{
	if (likely(lc->eng->sleep_after == 0))
		return;
	dp_lcore_wake_slow(lc);
}

/* dp_engine.c */
void dp_engine_lcore_start(struct dp_lcore *lc);
int dp_engine_start(const struct dp_conf *conf, const struct dp_stack *st,
		bool driven);
void dp_engine_stop(void);
struct dp_engine *dp_engine_running(void);

/*
 * Application threads use the engine only between dp_engine_enter()
 * (NULL: none running, or it is stopping) and dp_engine_exit(); dp_stop()
 * closes the gate, waits for the calls inside, then frees.
 */
struct dp_engine *dp_engine_enter(void);
void dp_engine_exit(void);
bool dp_engine_closing(void);
void dp_engine_gate_close(void);
void dp_engine_gate_drain(void);

/* Which packet timestamps wspdk gives ("software", and why). */
const char *dp_engine_tstamp_source(const struct dp_engine *eng);

/* Nothing queued or held is still to reach the port (what WSPCleanup's
 * drain waits for; a driven engine's settle point). */
bool dp_engine_flushed(struct dp_engine *eng);

/* The running engine, for telemetry (NULL when stopped; otherwise held
 * until dp_engine_put()). */
struct dp_lifecycle {
	uint64_t starts;
	uint64_t stops;
	uint64_t last_start_us;
	uint64_t last_stop_us;
	uint64_t mbufs_lost;		/* in use when a pool was freed */
};
void dp_lifecycle_get(struct dp_lifecycle *out);
struct dp_engine *dp_engine_get(void);
void dp_engine_put(void);
void dp_stats_sum(const struct dp_engine *eng, struct dp_stats *sum);

/*
 * dp_ctl.c: run fn(lc, arg) on lcore lc and return its result; the
 * caller (an application thread) waits. Inline on lc itself and on a
 * driven engine. What lcore lc owns is changed this way only.
 */
int dp_ctl_call(struct dp_lcore *lc, dp_ctl_fn *fn, void *arg);
int dp_ctl_create(struct dp_lcore *lc);
void dp_ctl_free(struct dp_lcore *lc);
void dp_ctl_poll(struct dp_lcore *lc);

/* dp_wait.c: after it, no lcore still holds a pointer it read before
 * the call (application threads only: an lcore would wait for itself). */
void dp_qsbr_wait(struct dp_engine *eng);

/* dp_mcache.c: mbufs for application threads */
struct rte_mbuf *dp_mcache_alloc(struct dp_engine *eng);
int dp_mcache_alloc_bulk(struct dp_engine *eng, struct rte_mbuf **m,
		unsigned int n);
void dp_mcache_free(struct dp_engine *eng, struct rte_mbuf *m);
void dp_mcache_free_bulk(struct dp_engine *eng, struct rte_mbuf **m,
		unsigned int n);
void dp_mcache_flush_all(struct dp_engine *eng);
unsigned int dp_mcache_held(const struct dp_engine *eng);

#endif /* _DP_CORE_H_ */
