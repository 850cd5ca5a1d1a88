/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * dataplane/ socket API: what the provider's WSP* entries call.
 *
 * A dp_sock is an endpoint of a transport protocol (UDP today) whose
 * state lives in the dataplane. Application threads never touch NIC
 * queues: sending builds the datagram (headers from the socket's state,
 * payload copied from the caller's buffers) and puts it on the socket's
 * TX ring for the owning lcore; receiving takes datagrams the lcores put
 * on the socket's RX ring.
 *
 * Threading: every function may be called from any number of application
 * threads at once on the same socket. Data calls (send/recv/ready) take no
 * locks; control calls (bind/connect/options/close) serialise on a
 * per-socket lock and, where the demux changes, on the bind table lock.
 * After dp_sock_close() the pointer is dead: the caller (the provider)
 * guarantees no thread still uses it, by reference counting its handles.
 *
 * Addresses and ports are in host byte order.
 *
 * Errors: negative errno, translated to WSA codes by the provider only.
 */
#ifndef _DP_SOCK_H_
#define _DP_SOCK_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dp_sock;

/** An IPv4 endpoint, host byte order. */
struct dp_addr {
	uint32_t ip;
	uint16_t port;
};

/** What a receive reports of one datagram besides its payload. */
struct dp_rx_meta {
	struct dp_addr from;	/**< its sender */
	uint32_t dst;		/**< the address it was sent to: ours, a
				 * broadcast or a multicast group */
	uint8_t tos, ttl;	/**< from its IPv4 header */
	size_t full_len;	/**< its whole payload length */
	uint64_t rx_tsc;	/**< TSC when an lcore pulled its burst
				 * (dp_tstamp_to_os converts) */
};

/** One caller buffer (a WSABUF without the Winsock types). */
struct dp_iov {
	void *base;
	size_t len;
};

/** Largest UDP payload in one IPv4 datagram. */
#define DP_UDP_MAX_PAYLOAD	65507

/* dp_sock_send/recv flags */
#define DP_F_PEEK	0x1	/**< recv: leave the datagram queued */
#define DP_F_NONBLOCK	0x2	/**< never wait */

/* dp_sock_wait/dp_sock_ready events */
#define DP_EV_READ	0x1	/**< a datagram (or an error) is queued,
				 * or receives are shut down */
#define DP_EV_WRITE	0x2	/**< the TX ring has room, or sends are
				 * shut down */
#define DP_EV_ERROR	0x4	/**< a pending error (SO_ERROR) */
#define DP_EV_DRAINED	0x8	/**< nothing left to transmit (streams:
				 * every byte and our FIN, if sent,
				 * acknowledged) */

/** Integer socket options (dp_sock_get/set_opt). */
enum dp_opt {
	DP_OPT_RCVBUF,		/**< bytes the RX ring may hold */
	DP_OPT_SNDBUF,		/**< bytes the TX ring may hold */
	DP_OPT_REUSEADDR,	/**< bool */
	DP_OPT_EXCLUSIVEADDRUSE, /**< bool */
	DP_OPT_BROADCAST,	/**< bool: may send to broadcast addresses */
	DP_OPT_TTL,		/**< unicast TTL */
	DP_OPT_TOS,		/**< IPv4 TOS byte */
	DP_OPT_CONNRESET,	/**< bool: ICMP port unreachable -> error */
	DP_OPT_MC_TTL,		/**< multicast TTL */
	DP_OPT_MC_LOOP,		/**< bool: our own multicast loops back */
	DP_OPT_MC_IF,		/**< outgoing multicast interface address */
	DP_OPT_DONTFRAG,	/**< bool: set DF, refuse datagrams that
				 * would need fragments (-EMSGSIZE) */
	DP_OPT_RCVTIMEO,	/**< ms, 0 = forever */
	DP_OPT_SNDTIMEO,	/**< ms, 0 = forever */
	DP_OPT_NODELAY,		/**< bool, streams: Nagle off */
	DP_OPT_RTO_MIN,		/**< µs, streams: the RTO's floor
				 * (default 200000) */
	DP_OPT_KEEPALIVE,	/**< bool, streams: probe an idle peer */
	DP_OPT_KEEPIDLE,	/**< ms, streams: idle before the first
				 * probe (default 2 h, as Windows) */
	DP_OPT_KEEPINTVL,	/**< ms, streams: between probes
				 * (default 1 s; 10 probes, fixed) */
	DP_OPT_STATE,		/**< streams, read only: RFC 9293 state,
				 * enum dp_tcp_state */
	DP_OPT_MAXRT,		/**< s, streams (TCP_MAXRT): retransmit
				 * that long, then drop (-ETIMEDOUT); 0
				 * the retry counts (default), -1 forever
				 * (the RTO then stops at 60 s) */
	DP_OPT_CONNECT_TIME,	/**< streams, read only: seconds since
				 * established, -1 if not connected */
	DP_OPT_TCP_CC,		/**< streams: congestion control, 0
				 * NewReno (default), 1 CUBIC; set
				 * before connect or listen */
	DP_OPT_ACK_FREQ,	/**< streams (SIO_TCP_SET_ACK_FREQUENCY):
				 * 0 the stack's ACK policy (default), n
				 * 1-255 an ACK at least every n in-order
				 * segments, 1 every one at once */
	/* Membership changes: dp_sock_mc_join/leave/block only. */
	DP_OPT_MC_JOIN,
	DP_OPT_MC_LEAVE,
	DP_OPT_MC_BLOCK,
	DP_OPT_MC_UNBLOCK,
};

/** A stream socket's state (DP_OPT_STATE), RFC 9293 §3.3.2. */
enum dp_tcp_state {
	DP_TCP_CLOSED,
	DP_TCP_LISTEN,
	DP_TCP_SYN_SENT,
	DP_TCP_SYN_RECEIVED,
	DP_TCP_ESTABLISHED,
	DP_TCP_FIN_WAIT_1,
	DP_TCP_FIN_WAIT_2,
	DP_TCP_CLOSE_WAIT,
	DP_TCP_CLOSING,
	DP_TCP_LAST_ACK,
	DP_TCP_TIME_WAIT,
};

/** Most connections a listener holds (dp_sock_listen's backlog). */
#define DP_TCP_BACKLOG_MAX	128

/** How dp_sock_close() treats data still queued for transmission. */
enum dp_close_mode {
	DP_CLOSE_GRACEFUL,	/**< keep sending it in the background
				 * (streams: then FIN; RST instead if
				 * received data was left unread) */
	DP_CLOSE_ABORT,		/**< drop it (streams: RST at once) */
};

/**
 * Per-socket counters, as an X-macro so every list of them (telemetry,
 * the totals of closed sockets) has them all.
 */
#define DP_SOCK_STATS_FOREACH(X)					\
	X(rx_dgrams)							\
	X(rx_bytes)							\
	X(tx_dgrams)							\
	X(tx_bytes)							\
	X(drop_rx_full)		/* RX ring or SO_RCVBUF full */		\
	X(drop_tx_full)		/* TX queue full (non-blocking send) */	\
	X(drop_no_arp)		/* next hop never resolved */		\
	X(drop_csum)		/* bad UDP checksum */			\
	X(drop_nombuf)		/* no mbuf for a send */		\
	X(drop_abort)		/* queued, dropped by an abortive close */ \
	X(tx_tstamp_drop)	/* TX timestamps discarded: the socket's	\
				 * TxTimestampsBuffered were held */	\
	X(drop_unread)		/* received, never read: discarded by	\
				 * close, or by connect to another peer */ \
	/* streams: loss recovery (tcp/dp_tcp_scoreboard.c, rack.c) */	\
	X(tcp_rexmit_segs)	/* segments sent again */		\
	X(tcp_rexmit_bytes)	/* payload bytes sent again */		\
	X(tcp_fast_recoveries)	/* recovery episodes (SACK, NewReno) */	\
	X(tcp_rto)		/* retransmission timeouts */		\
	X(tcp_rto_episodes)	/* first timeout of each run */		\
	X(tcp_tlp_probes)	/* tail loss probes sent */		\
	X(tcp_tlp_recovered)	/* probes that repaired a lost tail */	\
	X(tcp_tlp_spurious)	/* probes D-SACKed: not needed */	\
	X(tcp_rack_lost)	/* segments RACK marked lost */		\
	X(tcp_dsack_spurious)	/* our retransmissions D-SACKed */	\
	X(tcp_dupacks_in)	/* duplicate ACKs received */		\
	X(tcp_reorder_bytes)	/* delivered below a SACKed segment */

/** Per-socket counters (see DP_SOCK_STATS_FOREACH). */
struct dp_sock_stats {
#define DP_SOCK_STAT_FIELD(name) uint64_t name;
	DP_SOCK_STATS_FOREACH(DP_SOCK_STAT_FIELD)
#undef DP_SOCK_STAT_FIELD
};

/**
 * Create a socket of an IPv4 transport protocol.
 * @param proto
 *   IPPROTO_UDP (17); or a protocol the dataplane's tests registered.
 * @return 0; -EPROTONOSUPPORT no such protocol; -ENETDOWN dataplane not
 *   running (or stopping); -EMFILE too many sockets; -ENOBUFS.
 */
int dp_sock_create(int proto, struct dp_sock **out);

/**
 * Bind to a local address (ip 0 = any of ours; port 0 = ephemeral).
 * @return 0; -EINVAL already bound; -EADDRNOTAVAIL not our address;
 *   -EADDRINUSE taken and no SO_REUSEADDR; -EACCES taken exclusively;
 *   -ENOBUFS no ephemeral port left.
 */
int dp_sock_bind(struct dp_sock *s, const struct dp_addr *a);

/**
 * Set (ip:port) or clear (ip 0 and port 0) the default peer. Binds
 * implicitly. Queued datagrams from other sources are discarded when the
 * peer changes.
 * @return 0; -EADDRNOTAVAIL port 0; -EACCES broadcast without
 *   DP_OPT_BROADCAST; bind errors.
 */
int dp_sock_connect(struct dp_sock *s, const struct dp_addr *peer);

/**
 * Connect with flags. Datagram sockets: as dp_sock_connect. Stream
 * sockets (IPPROTO_TCP) open a connection: blocking, return once it is
 * established or failed; with DP_F_NONBLOCK, -EINPROGRESS and then
 * DP_EV_WRITE (established) or DP_EV_ERROR (failed, dp_sock_take_error
 * says why).
 * @return 0; -EINPROGRESS; -EALREADY a connect is in progress; -EISCONN
 *   connected; -EINVAL listening; -ECONNREFUSED the peer answered RST;
 *   -ETIMEDOUT the SYN retries ran out; -EINTR; bind errors.
 */
int dp_sock_connect_flags(struct dp_sock *s, const struct dp_addr *peer,
		int flags);

/**
 * Listen for connections (stream sockets, bound first). backlog bounds
 * the connections established and not yet accepted plus those being
 * set up (1..DP_TCP_BACKLOG_MAX; larger values are clamped). A listener
 * is DP_EV_READ while a connection waits to be accepted (Winsock's
 * select reports FD_ACCEPT as readable).
 * @return 0; -EINVAL not bound, or connected; -EOPNOTSUPP datagram
 *   socket; -ENOBUFS.
 */
int dp_sock_listen(struct dp_sock *s, int backlog);

/**
 * Take an established connection from a listener.
 * @param child
 *   Receives the new socket (close it with dp_sock_close).
 * @param peer
 *   Receives its peer (may be NULL).
 * @param flags
 *   DP_F_NONBLOCK: never wait.
 * @return 0; -EAGAIN none waiting (non-blocking); -EINVAL not
 *   listening; -ETIMEDOUT RCVTIMEO passed; -EINTR.
 */
int dp_sock_accept(struct dp_sock *s, struct dp_sock **child,
		struct dp_addr *peer, int flags);

/**
 * Send one datagram gathered from iov to `to` (NULL: the connected peer).
 * Blocks while the TX ring is full unless DP_F_NONBLOCK.
 * Stream sockets take bytes, not datagrams: a blocking send returns
 * once all are queued; a non-blocking one queues what fits (a partial
 * count) or fails -EAGAIN when nothing does; -ENOTCONN before the
 * connection is established, -ESHUTDOWN after dp_sock_shutdown(wr) or
 * close, -ECONNRESET after the peer reset it, -ETIMEDOUT after the
 * retransmissions ran out.
 * @return bytes sent; -ENOTCONN no peer; -EMSGSIZE too big; -EACCES
 *   broadcast not allowed; -EADDRNOTAVAIL bad destination; -ESHUTDOWN
 *   sends shut down; -EAGAIN ring full (non-blocking); -ETIMEDOUT
 *   SNDTIMEO passed; -EINTR cancelled (close, cleanup); -ENOBUFS.
 */
long dp_sock_send(struct dp_sock *s, const struct dp_iov *iov,
		unsigned int niov, const struct dp_addr *to, int flags);

/**
 * What ends a dp_sock_send_zc() call: err 0 once every byte it queued was
 * ACKed, -ECONNABORTED if the connection ended first. Runs once, on the
 * thread that let go of the last of its bytes (an lcore, mostly; the
 * closing or stopping thread otherwise): it must not block.
 */
typedef void dp_zc_done_fn(void *arg, int err);

/**
 * Queue a stream's bytes without copying them (non-blocking): the mbufs
 * point into the caller's memory, which must stay valid and unchanged
 * until done(arg, err) runs. Queues what the TX ring and the pool take
 * (not bounded by SO_SNDBUF, though its bytes count there until ACKed);
 * a partial count leaves the rest to another call.
 * @return bytes queued (done() will run once for them); or, with
 *   nothing queued and done() never run: -EOPNOTSUPP not a stream socket
 *   or a port that DMAs (send with dp_sock_send); -EAGAIN TX ring full;
 *   -ENOBUFS; the errors of dp_sock_send.
 */
long dp_sock_send_zc(struct dp_sock *s, const struct dp_iov *iov,
		unsigned int niov, dp_zc_done_fn *done, void *arg);

/**
 * Reset a stream connection now (RST, its queues dropped, its error
 * ECONNABORTED): the zero-copy sends it holds let go of their bytes.
 * The socket stays open for dp_sock_close().
 */
int dp_sock_send_zc_abort(struct dp_sock *s);

/**
 * Receive one datagram into iov. Blocks while nothing is queued unless
 * DP_F_NONBLOCK.
 * @param from
 *   Receives the sender (may be NULL).
 * @param full_len
 *   Receives the datagram's full length (may be NULL).
 * Stream sockets: bytes across segment boundaries, up to the iov's
 * length; 0 once the peer's FIN is reached (and after every byte before
 * it was read); DP_F_PEEK leaves them queued; -ECONNRESET after a reset.
 * @return bytes copied; -EMSGSIZE the datagram was longer than iov (the
 *   part that fit was copied, the rest is lost unless DP_F_PEEK);
 *   -EINVAL not bound; -EAGAIN nothing queued (non-blocking);
 *   -ETIMEDOUT; -EINTR cancelled; -ECONNRESET an ICMP port unreachable
 *   arrived (reported once); -ESHUTDOWN receives shut down.
 */
long dp_sock_recv(struct dp_sock *s, const struct dp_iov *iov,
		unsigned int niov, struct dp_addr *from, size_t *full_len,
		int flags);

/**
 * dp_sock_recv, reporting the datagram's metadata in meta (may be NULL):
 * its sender, destination, TOS, TTL and full length. Stream sockets
 * report the peer and the bytes copied, the rest zero.
 */
long dp_sock_recv_meta(struct dp_sock *s, const struct dp_iov *iov,
		unsigned int niov, struct dp_rx_meta *meta, int flags);

/** Which of DP_EV_* are true now (no waiting). */
unsigned int dp_sock_ready(struct dp_sock *s);

/**
 * Wait until one of events is ready, the timeout passes (-ETIMEDOUT) or
 * the socket is closed / the dataplane stops (-EINTR). timeout_us < 0
 * waits forever. Spins for the configured time first, then sleeps.
 */
int dp_sock_wait(struct dp_sock *s, unsigned int events, int64_t timeout_us);

/**
 * Wait on many sockets at once (select): returns 0 as soon as one socket
 * has one of its events[i] ready or dp_sock_kick_waiters() was called
 * (the caller re-checks), -ETIMEDOUT after timeout_us (< 0: never), or
 * -EINTR when one of them is closed or the dataplane stops.
 */
int dp_sock_wait_any(struct dp_sock *const *socks,
		const unsigned int *events, unsigned int n, int64_t timeout_us);

/** Make every dp_sock_wait_any() caller return and re-check (its set
 * of sockets changed). */
void dp_sock_kick_waiters(void);

/*
 * Watching: a thread that follows many sockets (the provider's service
 * thread) marks each with a context and takes, from one queue, the
 * contexts of those that saw an event, instead of scanning them all.
 * Lcores queue a watched socket once per iteration at most, where they
 * already batch their wake-ups (dp_wait_flush): a relaxed load per
 * noted socket, and a system call only if the taker sleeps.
 */

/**
 * Watch s with ctx (NULL: stop). ctx is what dp_sock_watch_take()
 * returns; it may be returned once more after the watch stops, so it
 * must stay valid memory (the provider's sockets are type-stable).
 */
void dp_sock_watch_set(struct dp_sock *s, void *ctx);

/** Queue s's context (if watched and not queued yet) and wake the taker:
 * for events no lcore notes, or a check the watcher wants now. */
void dp_sock_watch_signal(struct dp_sock *s);

/**
 * Before checking a socket taken from the queue: let events queue it
 * again (a full fence orders this before the caller's check).
 */
void dp_sock_watch_rearm(struct dp_sock *s);

/**
 * Take up to max queued contexts, waiting up to timeout_us (< 0
 * forever). *overflow is set if the queue overflowed since the last
 * take (the caller must then check every socket it watches).
 * @return the number taken (0 on timeout or dp_sock_watch_kick());
 *   -ENETDOWN the dataplane is not running.
 */
int dp_sock_watch_take(void **ctx, unsigned int max, int64_t timeout_us,
		bool *overflow);

/** Make a dp_sock_watch_take() caller return now. */
void dp_sock_watch_kick(void);

/*
 * Packet timestamps (Winsock's SIO_TIMESTAMPING). Every datagram
 * received carries the TSC read once per RX burst by the lcore that
 * pulled it (dp_rx_meta.rx_tsc); sending one with an id asks its owner
 * lcore to record, when the frame is handed to the port (the TSC read
 * once before each tx_burst), a TX timestamp the application takes by id.
 * The source is software: the ports wspdk drives here offer no hardware
 * timestamps, and those that do are not used yet (the banner and
 * /wspdk/info say which source is active).
 */

/**
 * Send as dp_sock_send, asking for a TX timestamp with id ts_id (kept
 * only while TX timestamps are on, dp_sock_tstamp_tx).
 * @return as dp_sock_send; -EOPNOTSUPP not a datagram socket.
 */
long dp_sock_send_ts(struct dp_sock *s, const struct dp_iov *iov,
		unsigned int niov, const struct dp_addr *to, int flags,
		uint32_t ts_id);

/**
 * Switch TX timestamps on (buffer up to max of them; a new one is
 * discarded while max are buffered) or off. Either way the timestamps
 * buffered so far are dropped.
 * @return 0; -EOPNOTSUPP not a datagram socket; -ENOMEM; -ENETDOWN.
 */
int dp_sock_tstamp_tx(struct dp_sock *s, bool on, uint16_t max);

/**
 * Switch receive timestamps on or off: while any socket has them on,
 * the lcores read the TSC once per RX burst (dp_rx_meta.rx_tsc; 0 for a
 * datagram pulled while no socket wanted them).
 */
void dp_sock_tstamp_rx(struct dp_sock *s, bool on);

/**
 * Take the TX timestamp of the datagram sent with ts_id (the oldest, if
 * several were): TSC, convert with dp_tstamp_to_os.
 * @return 0; -EAGAIN none (yet, or TX timestamps off).
 */
int dp_sock_tstamp_take(struct dp_sock *s, uint32_t ts_id, uint64_t *tsc);

/**
 * A TSC value on the OS performance counter's scale (dp_os_pc: QPC on
 * Windows, CLOCK_MONOTONIC_RAW ns on Linux), anchored by a pair of reads
 * of both clocks taken now, so neither clock's rate drifts into it.
 */
uint64_t dp_tstamp_to_os(uint64_t tsc);

/** Bytes queued for reading (FIONREAD). */
size_t dp_sock_rx_bytes(struct dp_sock *s);

/** Local / peer address; -EINVAL unbound / -ENOTCONN no peer. */
int dp_sock_name(struct dp_sock *s, struct dp_addr *a);
int dp_sock_peer(struct dp_sock *s, struct dp_addr *a);

/** Shut down receives and/or sends. */
void dp_sock_shutdown(struct dp_sock *s, bool rd, bool wr);

/**
 * Multicast membership (IP_ADD_MEMBERSHIP, IP_ADD_SOURCE_MEMBERSHIP and
 * their drops, IP_BLOCK_SOURCE/IP_UNBLOCK_SOURCE). Host byte order;
 * ifaddr 0 or our address; source 0 = any-source.
 * @return 0; -EINVAL not a group, bad source, or mixing any-source and
 *   source-specific; -EADDRNOTAVAIL bad interface, joined twice, not
 *   joined, source not in the filter; -ENOBUFS too many groups/sources.
 */
int dp_sock_mc_join(struct dp_sock *s, uint32_t group, uint32_t ifaddr,
		uint32_t source);
int dp_sock_mc_leave(struct dp_sock *s, uint32_t group, uint32_t ifaddr,
		uint32_t source);
int dp_sock_mc_block(struct dp_sock *s, uint32_t group, uint32_t ifaddr,
		uint32_t source, bool block);

/** Integer options. @return 0, -ENOPROTOOPT, -EINVAL (bad value). */
int dp_sock_set_opt(struct dp_sock *s, enum dp_opt opt, int64_t v);
int dp_sock_get_opt(struct dp_sock *s, enum dp_opt opt, int64_t *v);

/**
 * Take and clear the pending error (SO_ERROR): 0 or a positive errno.
 */
int dp_sock_take_error(struct dp_sock *s);

/** Wake every thread blocked on s with -EINTR (close from another
 * thread). The socket stays usable for calls that are not blocked. */
void dp_sock_interrupt(struct dp_sock *s);

/**
 * Close: no more receives; queued datagrams are sent in the background
 * (GRACEFUL) or dropped (ABORT). Frees s once its queue is empty.
 */
void dp_sock_close(struct dp_sock *s, enum dp_close_mode mode);

/** A stream's state and counters (SIO_TCP_INFO's TCP_INFO_v0/v1). */
struct dp_tcp_info {
	uint8_t state;			/**< enum dp_tcp_state */
	bool timestamps;		/**< both sides sent them */
	uint8_t syn_retrans;		/**< SYN (SYN,ACK) retransmitted */
	uint32_t mss;
	uint64_t conn_ms;		/**< established for, 0 if never */
	uint32_t rtt_us, min_rtt_us;	/**< smoothed, smallest sample */
	uint32_t in_flight;		/**< sent, not acknowledged */
	uint32_t cwnd, snd_wnd;		/**< bytes */
	uint32_t rcv_wnd, rcv_buf;	/**< last advertised, SO_RCVBUF */
	uint64_t bytes_out;		/**< payload sent, retransmits too */
	uint64_t bytes_in;		/**< payload received in order */
	uint32_t bytes_reordered;	/**< arrived beyond a hole */
	uint32_t bytes_retrans;
	uint32_t fast_retrans;		/**< on the third duplicate ACK */
	uint32_t dupacks_in;
	uint32_t timeouts;		/**< RTO episodes */
	/** By what limited sending, [0] the peer's window, [1] the
	 * congestion window, [2] the sender (no data, Nagle): times it
	 * became so, ms spent so, bytes sent so. */
	uint32_t lim_trans[3], lim_ms[3];
	uint64_t lim_bytes[3];
};

/**
 * A snapshot of a stream's counters, taken by its owner lcore (a
 * control-ring round trip: consistent, never torn).
 * @return 0; -EOPNOTSUPP not a stream socket.
 */
int dp_sock_tcp_info(struct dp_sock *s, struct dp_tcp_info *out);

/** Counters of s. */
void dp_sock_stats_get(struct dp_sock *s, struct dp_sock_stats *st);

/**
 * Counters of every socket closed and freed since the engine started:
 * what they received, sent and dropped stays counted after they are
 * gone. Zero when no engine runs.
 */
void dp_sock_stats_closed(struct dp_sock_stats *st);

/** Our address and prefix length (for SIO_GET_INTERFACE_LIST). */
void dp_sock_local_if(uint32_t *ip, uint8_t *prefix, uint32_t *mtu);

/**
 * Whether ip (host byte order) can leave through our port: on our
 * subnet, broadcast or multicast, or through the configured gateway.
 * True when no engine runs (there is nothing to decide against).
 */
bool dp_sock_routable(uint32_t ip);

/**
 * The OS path (issue #15): a provider socket whose traffic the OS
 * provider carries keeps its dataplane socket as its place in telemetry.
 * /wspdk/sockets lists it with "path": "os", its handle, its reason and
 * the OS provider's addresses; /wspdk/info counts such sockets by reason
 * ("os_sockets_<key>"); once closed it is in neither.
 */
enum dp_os_why {
	DP_OS_NONE = 0,		/**< on the dataplane */
	DP_OS_LOOPBACK,		/**< 127.0.0.0/8 */
	DP_OS_OTHER_LOCAL,	/**< bound to a local address not ours */
	DP_OS_NO_ROUTE,		/**< off our subnet, no gateway */
	DP_OS_WHY_MAX,
};

/** The reason in words, after the address: "is loopback", ... */
const char *dp_os_why_str(enum dp_os_why why);

/** Its telemetry key: "loopback", "other_local", "no_route". */
const char *dp_os_why_key(enum dp_os_why why);

/**
 * Mark s as the place of an OS path socket: handle is the application's,
 * dst (host order) the address that decided it. Called once, by the
 * application thread that decided (no lcore ever sees s after).
 */
void dp_sock_os_mark(struct dp_sock *s, uint64_t handle, enum dp_os_why why,
		uint32_t dst);

/** Its addresses as the OS provider reports them (NULL: unchanged). */
void dp_sock_os_addrs(struct dp_sock *s, const struct dp_addr *local,
		const struct dp_addr *peer);

/**
 * Stop accepting socket calls and interrupt every blocked call with
 * -EINTR (first step of WSPCleanup to refcount 0); dp_stop() follows.
 */
void dp_sock_quiesce(void);

#endif /* _DP_SOCK_H_ */
