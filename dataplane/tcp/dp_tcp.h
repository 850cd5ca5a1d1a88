/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP behind the socket layer's operations table (not installed).
 *
 * Files, one concern each (FreeBSD's split):
 *   dp_tcp_subr.c    the layer, the per-lcore connection tables, the
 *                    TCB's life, ISN and TSval offset (SipHash-2-4,
 *                    RFC 6528), options on the wire
 *   dp_tcp_icmp.c    ICMP errors about our segments: unreachable,
 *                    fragmentation needed (PMTU, RFC 1191/5927)
 *   dp_tcp_input.c   segments in: checks, lookup, RFC 9293 §3.10.7 in
 *                    its order, header prediction, RFC 5961
 *   dp_tcp_reass.c   in-order payload to the application, segments
 *                    beyond a hole held until it fills
 *   dp_tcp_sack.c    SACK blocks and D-SACK we report (RFC 2018, 2883)
 *   dp_tcp_syncache.c passive open: SYN to a listener, the child, its
 *                    way onto the accept queue; SYN options
 *   dp_tcp_timewait.c TIME-WAIT: entering it, RFC 6191 reuse, an
 *                    orphan's compact record (its own table, timer)
 *   dp_tcp_output.c  what to send and sending it: data, SYN, FIN, ACK,
 *                    window updates, RST and challenge ACKs
 *   dp_tcp_timer.c   RTO (RFC 6298, µs), persist, TIME-WAIT, FIN-WAIT-2
 *   dp_tcp_usrreq.c  the socket calls on application threads
 *   dp_tcp_listen.c  listen and accept: the listener's spare sockets,
 *                    its children's end when it closes
 *   dp_tcp_info.c    SIO_TCP_INFO's counters, SO_CONNECT_TIME,
 *                    TCP_MAXRT, the RST at cleanup's deadline
 *   dp_tcp_telemetry.c /wspdk/tcp: every TCB's state and counters,
 *                    read on its owner lcore, a page at a time
 *
 * Who writes what (the rule of sock/dp_sock_priv.h): every field of
 * struct dp_tcp_pcb marked (o) is the owner lcore's; application threads
 * change the TCB only through dp_sock_owner_call. The exceptions are
 * the handoffs, marked (a): the state and error words application calls
 * read, the window the owner last advertised, the FIN-received flag,
 * and the receive list (r_*), the application side's own under rlock.
 * One more: the owner takes rlock once, when a TCB ends with bytes held
 * behind the ring, to put them on that list (dp_tcp_rx_adopt: ACKed
 * data outlives the TCB; rare, and never on the packet path).
 *
 * Data path:
 *   send: the application thread copies bytes into mbufs (payload only,
 *     headroom for the headers) onto s->txq and rings the doorbell;
 *     SO_SNDBUF bounds the bytes in txq plus those unacknowledged
 *     (s->tx_bytes_q counts both, so DP_EV_WRITE means room).
 *   owner (ops->txdrain, dp_tcp_output.c): moves them to the send queue
 *     (sq_*: payload mbufs in sequence order from SND.UNA), cuts
 *     segments at transmit time (so Nagle coalesces small writes and a
 *     retransmission may carry more than the original), copies each
 *     segment's payload behind fresh headers (never handing the NIC an
 *     mbuf it may still hold when we retransmit), frees on ACK.
 *   receive: the owner trims in-order payload to the window, strips the
 *     headers and enqueues the mbuf on s->rxq (made by the owner at the
 *     first delivery, so an idle connection holds no ring; s->rx_bytes_q
 *     counts bytes); out-of-order segments are held (oq_*, sorted, bounded by
 *     DP_TCP_OOO_MAX and the window) and move on when the hole fills.
 *     A ring takes a segment a slot whatever its size: in-order data it
 *     has no slot for waits behind it (bq_*, coalesced, ACKed; in
 *     rx_bytes_q, so the window and FIONREAD count it) until a read
 *     frees slots or asks for it.
 *     The application thread dequeues onto its own list and reads bytes
 *     from it with an offset; when the space it freed would open the
 *     window by the SWS threshold (RFC 9293 §3.8.6.2.2) over what was
 *     last advertised, it rings the owner's doorbell and the owner
 *     sends the window update.
 *
 * Timers: one per socket (s->timer) armed at the earliest of the TCB's
 * deadlines (retransmit or persist, TIME-WAIT or FIN-WAIT-2, a held
 * ACK); the callback looks at each.
 *
 * ACK policy: in-order data is ACKed once per RX burst: the layer's
 * poll, after RX, sends one ACK for everything the burst brought
 * (MUST-58/59; dp_tcp_ack_flush) unless a segment of ours carried it
 * first. Anything else that needs an ACK (a segment beyond a hole, with
 * its SACK blocks; an unacceptable one; a FIN) gets it when its
 * processing ends, so each out-of-order segment still makes a duplicate
 * ACK.
 * The exception is an interactive connection (Linux's "pingpong" mode:
 * our application sent data within DP_TCP_DELACK_US of the last data it
 * received, pp_need times in a row): one in-order segment below the MSS
 * that needs nothing else (no hole filled, no D-SACK, the window not
 * short) has its ACK held for at most DP_TCP_DELACK_US (t_delack), so
 * the reply carries it. A second segment, full-size or not, is ACKed at
 * the burst's end as before, so a sender never has two segments waiting
 * on a held ACK (its loss probe with two out is 2 SRTT + 2 ms). When
 * t_delack fires the application did not answer: the ACK goes, the mode
 * ends, and entering it again takes twice as many prompt replies (up to
 * 1 << DP_TCP_PP_SHIFT_MAX), so a peer whose Nagle waits on that ACK
 * (write-write-read) stalls 0.5 ms on ever rarer requests where Linux
 * stalls 40 ms on each; a reply that carried a held ACK resets it.
 * Bulk receivers send no data and never enter the mode.
 *
 * Connections live in the owner lcore's table (a 4-tuple hash written and
 * read by that lcore only); listeners in the socket layer's bind table.
 * A segment that misses on an lcore of a port without RSS placement is
 * handed on to the next lcore until every table was looked at, then
 * goes to its listener or gets a RST.
 */
#ifndef _DP_TCP_H_
#define _DP_TCP_H_

#include <stdbool.h>
#include <stdint.h>

#include <rte_spinlock.h>
#include <rte_tcp.h>

#include "dp_core.h"
#include "dp_net.h"
#include "dp_sock_priv.h"

#define DP_TCP_HASH_MIN		1024	/* buckets per lcore, at least */
#define DP_TCP_OOO_MAX		64	/* segments held out of order */
#define DP_TCP_BQ_MAX		64	/* mbufs held in order, ring full */
/* Segments up to this many bytes are copied into the tail of the buffer
 * before them (held out of order, or on the application's list) rather
 * than keeping an mbuf each: 1-byte segments cannot drain the pool. */
#define DP_TCP_SMALL_SEG	256
#define DP_TCP_TSO_SEGS		64	/* payload mbufs of a TSO burst */
#define DP_TCP_RTO_INIT_US	1000000	/* RFC 6298 (2.1) */
#define DP_TCP_RTO_MIN_US	200000	/* Linux's floor */
#define DP_TCP_RTO_MAX_US	120000000
#define DP_TCP_SYN_RETRIES	6	/* Linux's tcp_syn_retries */
#define DP_TCP_DATA_RETRIES	15	/* Linux's tcp_retries2 */
#define DP_TCP_PERSIST_MIN_US	200000
#define DP_TCP_PERSIST_MAX_US	60000000
#define DP_TCP_FIN_WAIT2_US	60000000 /* orphans only (Linux) */
#define DP_TCP_CHACK_MAX	5	/* challenge ACKs per window ... */
#define DP_TCP_CHACK_WIN_US	100000	/* ... of this length, per TCB */
#define DP_TCP_MSS_DEFAULT	536	/* RFC 9293 MUST-15 */
#define DP_TCP_MSS_MIN		88	/* refuse smaller peer MSS */
#define DP_TCP_WSCALE_MAX	14
#define DP_TCP_IW		10	/* RFC 6928 segments, */
#define DP_TCP_IW_BYTES		14600	/* and bytes unless 2 MSS is more */
#define DP_TCP_KEEP_IDLE_MS	7200000	/* Windows' defaults: 2 h idle, */
#define DP_TCP_KEEP_INTVL_MS	1000	/* then a probe a second, */
#define DP_TCP_KEEP_CNT		10	/* 10 unanswered: dropped */
#define DP_TCP_SACK_MAX		4	/* blocks we keep (40 option bytes) */
#define DP_TCP_TXR_MIN		64	/* scoreboard records, first ring */
#define DP_TCP_TXR_MAX		32768	/* and its bound (segments in flight) */
#define DP_TCP_TLP_SLACK_US	2000	/* PTO beyond 2 SRTT otherwise */
/* A held ACK's bound: half the least RTO floor DP_OPT_RTO_MIN takes (1
 * ms), so no sender's RTO or one-segment PTO (2 SRTT + that floor; 200
 * ms on Linux) fires for it; 1000 times under RFC 9293's 0.5 s (MUST-
 * 59), and what a slow answer adds to the peer's RTT sample at most. */
#define DP_TCP_DELACK_US	500
#define DP_TCP_PP_SHIFT_MAX	7	/* 128 prompt replies to re-enter */

/* Sequence space comparisons, mod 2^32 (RFC 9293 §3.4). */
#define SEQ_LT(a, b)	((int32_t)((a) - (b)) < 0)
#define SEQ_LEQ(a, b)	((int32_t)((a) - (b)) <= 0)
#define SEQ_GT(a, b)	((int32_t)((a) - (b)) > 0)
#define SEQ_GEQ(a, b)	((int32_t)((a) - (b)) >= 0)

/* pcb->tf */
#define TF_ACKNOW	0x0001	/* send an ACK at the end of input */
#define TF_FIN_WANTED	0x0002	/* the application closed its side: FIN
				 * after the queued data */
#define TF_FIN_SENT	0x0004	/* FIN has sequence number snd_fin */
#define TF_RCVD_FIN	0x0008	/* peer's FIN consumed (rcv_nxt past it) */
#define TF_PASSIVE	0x0010	/* came from LISTEN (MUST-11) */
#define TF_APP_CLOSED	0x0020	/* orphan: nobody reads any more */
#define TF_NODELAY	0x0040
#define TF_REQ_WS	0x0080	/* both sides sent window scale */
#define TF_REQ_TS	0x0100	/* both sides sent timestamps */
#define TF_SACK_OK	0x0200	/* both sides sent SACK-permitted */
#define TF_IN_TABLE	0x0400	/* in its owner's connection table */
#define TF_QUEUED	0x0800	/* passive child on the accept queue */
#define TF_OOO_FIN	0x1000	/* a held segment carries the FIN */
#define TF_DSACK	0x2000	/* dsack[] goes on the next segment */
#define TF_ACKBURST	0x4000	/* in-order data: the ACK may wait for
				 * the end of the RX burst */
#define TF_SHUT_RD	0x8000	/* shutdown(SD_RECEIVE): data that
				 * arrives resets the connection */
#define TF_NODELAY_ONCE	0x10000	/* a loss probe: Nagle off for it */
#define TF_TLP_SEND	0x20000	/* a loss probe resends: counted so */
#define TF_SWS_OVERRIDE	0x40000	/* sender SWS's override timeout
				 * passed: a short segment may go */

/* What held the sender back (SIO_TCP_INFO v1's SndLim*). */
#define DP_TCP_LIM_RWIN	0		/* the peer's window */
#define DP_TCP_LIM_CWND	1		/* congestion window */
#define DP_TCP_LIM_SND	2		/* the application, or Nagle */

/* Options seen on a segment. */
struct dp_tcp_opts {
	uint16_t mss;
	uint8_t ws;
	bool has_mss, has_ws, has_ts, sack_ok;
	uint32_t tsval, tsecr;
	uint8_t nsack;			/* SACK blocks on the segment */
	uint32_t sack[DP_TCP_SACK_MAX][2];	/* [start, end), as sent */
	/* What the parser skipped or stopped at, for the counters. */
	uint8_t bad_size, unknown;
	bool overrun;			/* else a length of 0 or 1 */
};

/* A transmitted segment on the send scoreboard (dp_tcp_scoreboard.c):
 * its sequence range, when it last went out, what the peer said. */
struct dp_tcp_txrec {
	uint32_t seq, end;		/* [seq, end), a FIN counted */
	uint64_t xmit_us;		/* last (re)transmission */
	uint16_t flags;			/* TXR_* */
};
#define TXR_SACKED	0x01		/* the peer holds it */
#define TXR_LOST	0x02		/* marked lost, to send again */
#define TXR_RETRANS	0x04		/* sent again since marked lost */
#define TXR_EVER_RETRANS 0x08		/* sent more than once */
#define TXR_FIN		0x10		/* ends with our FIN */

/* Per-connection loss-recovery counters: the socket's (tcp_* of
 * DP_SOCK_STATS_FOREACH, so telemetry and dp_sock_stats_get show them),
 * written by the owner with relaxed stores. */
#define DP_TCP_CSTAT_ADD(tp, name, n)					\
	__atomic_store_n(&(tp)->s->st.tcp_##name,			\
		(tp)->s->st.tcp_##name + (n), __ATOMIC_RELAXED)

/* Congestion control, per connection (dp_tcp_cc.c). */
enum dp_tcp_cc_algo {
	DP_TCP_CC_NEWRENO,		/* RFC 5681/6582 with ABC (RFC 3465) */
	DP_TCP_CC_CUBIC,		/* RFC 9438 */
	DP_TCP_CC_COUNT
};
#define DP_TCP_CC_DEFAULT	DP_TCP_CC_NEWRENO

/* tp->recov */
enum {
	DP_TCP_CA_OPEN,			/* no loss being repaired */
	DP_TCP_CA_RECOVERY,		/* fast recovery: PRR sends */
	DP_TCP_CA_LOSS,			/* after an RTO until snd_max is ACKed */
};

/* What an ACK said, for recovery and congestion control (filled by
 * dp_tcp_sb_ack before SND.UNA moves). */
struct dp_tcp_ackinfo {
	uint32_t acked;			/* SND.UNA advance, bytes */
	uint32_t delivered;		/* acked + newly SACKed bytes */
	uint32_t newly_sacked;
	bool dsack;			/* a D-SACK block (RFC 2883) */
	bool dupack;			/* RFC 5681's duplicate ACK */
	bool sacks;			/* carried valid SACK blocks */
};

/* One segment, parsed. */
struct dp_tcp_seg {
	struct rte_mbuf *m;		/* NULL once consumed */
	const struct rte_ipv4_hdr *ip;
	const struct rte_tcp_hdr *th;
	struct dp_tcp_opts o;
	uint32_t seq, ack;
	uint32_t off;			/* payload offset in m (from IPv4) */
	uint32_t len;			/* payload bytes */
	uint16_t win;
	uint8_t flags;
};

struct dp_tcp_pcb {
	struct dp_sock *s;		/* (c) */
	struct dp_tcp_pcb *hnext;	/* (o) hash chain */
	uint8_t state;			/* (a) enum dp_tcp_state; owner
					 * writes */
	int err;			/* (a) positive errno once reset,
					 * timed out or refused; sticky */
	uint32_t tf;			/* (o) TF_* */
	/* the connection (network order) */
	uint32_t laddr, faddr;		/* (o) */
	uint16_t lport, fport;		/* (o) */
	uint32_t nexthop;		/* (o) */
	struct dp_sock *parent;		/* (o) listener, passive until
					 * accepted */
	/* send sequence space (RFC 9293 §3.3.1) */
	uint32_t iss, snd_una, snd_nxt, snd_max, snd_wnd, snd_wl1, snd_wl2;
	uint32_t max_snd_wnd;		/* largest window offered (RFC 5961) */
	uint32_t snd_fin;		/* FIN's sequence number */
	uint32_t cwnd, ssthresh;	/* RFC 5681, bytes */
	/* whether cwnd limits the sender (dp_tcp_cc_validate): the
	 * largest flight of the window that ends at cwnd_seq (which sits
	 * after rtt_seq, in a hole: the TCB keeps its size) */
	uint32_t max_flight;
	/* loss recovery (o): the scoreboard, a ring of txr_cap (a power
	 * of two) records in sequence order from txr_first */
	struct dp_tcp_txrec *txr;
	uint32_t txr_cap, txr_first, txr_n;
	uint32_t txr_hint;		/* no LOST unsent record before it */
	uint32_t sacked_bytes, lost_bytes, retrans_bytes;
	uint32_t fack;			/* highest SACKed end seen */
	uint8_t recov;			/* DP_TCP_CA_* */
	uint8_t cc_algo;		/* enum dp_tcp_cc_algo */
	uint8_t dupacks;
	bool cwnd_lim;			/* that window filled cwnd */
	uint32_t recover;		/* RFC 6582: snd_max at entry */
	uint32_t prr_delivered, prr_out, recover_fs; /* RFC 6937 */
	uint32_t abc_acked;		/* RFC 3465 in congestion avoidance */
	uint64_t cc_priv[6];		/* the algorithm's own state */
	/* RACK-TLP (RFC 8985), µs */
	uint64_t rack_xmit_us;
	uint32_t rack_end, rack_rtt_us, min_rtt_us;
	uint32_t srtt_min_us;		/* least sample SRTT took; 0 */
	uint32_t ack_rtt_us;		/* this ACK's RTT sample (RFC 6298)
					 * from the newest segment it
					 * delivered that was sent once; 0 */
	uint32_t reo_wnd_mult, reo_persist, dsack_round;
	bool rack_reord;		/* reordering seen */
	bool tlp_out;			/* a probe outstanding, up to tlp_end */
	bool tlp_rexmit;		/* the probe was a retransmission */
	uint32_t tlp_end;
	uint64_t t_recov;		/* RACK reorder timer or TLP's PTO */
	bool t_recov_tlp;		/* which of the two t_recov is */
	/* TLP's delayed-ACK allowance, learnt (dp_tcp_rack.c, dack_*) */
	uint32_t dack_us[2];		/* peak ACK delay of a lone segment:
					 * this window, the one before */
	uint64_t dack_t0;		/* this window's start; 0: no sample */
	uint32_t tlp_allow_us;		/* allowance in the armed PTO; 0 */
	uint8_t dack_spur;		/* lone probes D-SACKed in a row */
	uint8_t rxtshift;		/* retransmissions in a row */
	uint16_t mss;			/* payload per segment, options
					 * excluded */
	uint16_t peer_mss;
	uint16_t pmtu;			/* (o) path MTU learnt, 0: the port's */
	uint8_t snd_scale, rcv_scale;
	/* send queue: payload mbufs; sq_seq is the first byte of sq_head */
	struct rte_mbuf *sq_head, *sq_tail;	/* (o) */
	uint32_t sq_seq, sq_bytes;	/* (o) */
	/* where the last segment's copy ended (the mbuf and the sequence
	 * number of its first byte), so the next one does not walk the
	 * queue from its head; NULL whenever that mbuf leaves or moves */
	struct rte_mbuf *sq_cur;	/* (o) */
	uint32_t sq_cur_seq;		/* (o) */
	uint32_t sq_mbufs;		/* (o) */
	/* receive sequence space */
	uint32_t irs, rcv_nxt;		/* (o) */
	uint32_t rcv_adv;		/* (o) right edge advertised */
	uint32_t adv_wnd;		/* (a) last window advertised, bytes */
	uint32_t last_ack_sent;		/* (o) */
	/* out of order, sorted by seq (priv->addr = seq, dgram_len = len) */
	struct rte_mbuf *oq_head;	/* (o) */
	uint32_t oq_n, oq_bytes;	/* (o) */
	uint32_t rx_slot_avg;		/* (o) bytes a delivered segment
					 * carried, 1/8 EWMA */
	uint32_t oq_fin_seq;		/* (o) with TF_OOO_FIN */
	/* in order and ACKed, but the ring had no slot (it holds a segment
	 * a slot whatever its size): small ones coalesced in bq_tail */
	struct rte_mbuf *bq_head, *bq_tail;	/* (o) */
	uint32_t bq_n;			/* (a) mbufs held; readers look */
	uint32_t bq_bytes;		/* (o) */
	/* SACK blocks to report, most recent first; a D-SACK */
	uint32_t sack_blk[DP_TCP_SACK_MAX][2];	/* (o) [start, end) */
	uint8_t sack_n;			/* (o) */
	uint32_t dsack[2];		/* (o) with TF_DSACK */
	/* timestamps (RFC 7323) */
	uint32_t ts_recent, ts_off;	/* (o) */
	uint64_t ts_recent_us;		/* (o) when ts_recent was taken */
	/* RTT (RFC 6298), µs; one timed segment at a time (Karn) */
	uint32_t srtt_us, rttvar_us, rto_us, rto_min_us; /* (o) */
	uint32_t rtt_seq;		/* (o) */
	uint32_t cwnd_seq;		/* (o) with max_flight, cwnd_lim */
	uint64_t rtt_start;		/* (o) 0: none timed */
	/* deadlines, µs on the owner's clock, 0 = off */
	uint64_t t_rexmt, t_persist, t_2msl, t_keep; /* (o) */
	/* delayed ACK in pingpong mode (dp_tcp_input.c, ack_hold) */
	uint64_t t_delack;		/* (o) a held ACK's deadline, 0: none */
	uint64_t data_rcvd_us;		/* (o) in-order data last came */
	uint8_t pp_cnt;			/* (o) prompt replies, saturating */
	uint8_t pp_shift;		/* (o) 1 << it of them: the mode */
	uint8_t ack_freq;		/* (o) DP_OPT_ACK_FREQ, 0: policy */
	uint8_t ack_segs;		/* (o) in-order segments since our
					 * last ACK (with ack_freq only) */
	uint32_t persist_us;		/* (o) current probe interval */
	/* keepalive (SO_KEEPALIVE, SIO_KEEPALIVE_VALS) */
	bool keepalive;			/* (o) */
	uint8_t keep_probes;		/* (o) sent since the peer was heard */
	uint32_t keep_idle_ms, keep_intvl_ms; /* (o) */
	/* TCP_MAXRT: seconds, 0 the retry counts, -1 never give up (here,
	 * in a hole, so snd_last_us fits beside rcv_us) */
	int32_t maxrt_s;		/* (o) */
	uint64_t rcv_us;		/* (o) when the peer was last heard */
	uint64_t snd_last_us;		/* (o) new data last sent, 0: never
					 * (dp_tcp_cc_idle) */
	uint64_t rxt_start;		/* (o) when the retransmitted data
					 * was first sent */
	/* SIO_TCP_INFO, SO_CONNECT_TIME (dp_tcp_info.c); read on the
	 * owner only (dp_sock_owner_call), so plain fields */
	uint64_t est_us;		/* (o) established at, 0: never */
	uint64_t bytes_out, bytes_in;	/* (o) payload sent (retransmits
					 * too), delivered in order */
	uint32_t bytes_retrans, bytes_reordered; /* (o) */
	uint32_t fast_retrans, dupacks_in, timeouts; /* (o) */
	uint8_t syn_retrans;		/* (o) */
	uint8_t lim;			/* (o) DP_TCP_LIM_* now */
	uint64_t lim_since;		/* (o) when it began, µs */
	uint32_t lim_trans[3], lim_ms[3]; /* (o) by DP_TCP_LIM_* */
	uint64_t lim_bytes[3];		/* (o) */
	/* telemetry's (dp_tcp_telemetry.c), read on the owner only */
	uint64_t segs_in, segs_out;	/* (o) segments of this TCB */
	uint32_t tso_bursts;		/* (o) of segs_out, TSO bursts */
	uint32_t rexmit_rto, rexmit_tlp, rexmit_fast; /* (o) records sent
					 * again: after an RTO, as a loss
					 * probe, by RACK/NewReno (or PMTU) */
	uint32_t sack_acks_in, dsacks_in; /* (o) ACKs with SACK, D-SACK */
	uint32_t zwp_out, chack_out, keep_out; /* (o) zero-window probes,
					 * challenge ACKs, keepalives sent */
	/* RFC 5961 challenge-ACK limiter, per connection */
	uint64_t chack_start;		/* (o) */
	uint32_t chack_n;		/* (o) */
	/* listener */
	struct rte_ring *acceptq;	/* (a) established children */
	struct rte_ring *spares;	/* (a) sockets for new children */
	uint32_t backlog;		/* (o) */
	uint32_t embryos;		/* (o) children in SYN-RECEIVED */
	uint32_t children;		/* (a) children that name it parent */
	uint32_t starved;		/* (a) a SYN found no spare: the next
					 * application look tops them up */
	bool detached;			/* (a) out of the table, timer off:
					 * the socket may be freed */
	/* the application side of receive (under rlock) */
	rte_spinlock_t rlock;
	struct rte_mbuf *r_head, *r_tail; /* dequeued, not all read */
	uint32_t r_off;			/* bytes of r_head already read */
	uint32_t r_bytes;		/* bytes on the list, unread; stored
					 * atomically (tcp_events reads it) */
	/* On the owner's list of ACKs due at the end of the RX burst; out
	 * of the range dp_tcp_child_dead clears (the list runs through
	 * it). */
	struct dp_tcp_pcb *ack_next;	/* (o) */
	bool ack_pending;		/* (o) */
};

/*
 * An orphan's TIME-WAIT once its socket is gone (dp_tcp_timewait.c):
 * what RFC 9293 §3.10.7.4, RFC 1337 and RFC 6191 need to answer the
 * peer for 2 MSL. 64 bytes, FreeBSD's struct tcptw, Linux's
 * inet_timewait_sock. Indexes link records (UINT32_MAX: none).
 */
struct dp_tcp_tw {
	uint32_t laddr, faddr;		/* (l) network order */
	uint16_t lport, fport;		/* (l) network order */
	uint32_t hnext;			/* (l) hash chain */
	uint32_t prev, next;		/* (l) expiry order, or free list */
	uint32_t snd_nxt, rcv_nxt;	/* (l) */
	uint32_t ts_recent, ts_off;	/* (l) with DP_TCP_TW_F_TS */
	uint32_t wnd;			/* (l) window advertised, bytes */
	uint32_t id;			/* (l) the socket's it was (telemetry) */
	uint64_t expire_us;		/* (l) 2 MSL from the last FIN */
	uint8_t rcv_scale;		/* (l) */
	uint8_t flags;			/* (l) DP_TCP_TW_F_* */
};
#define DP_TCP_TW_F_TS		0x01	/* timestamps on (RFC 7323) */
#define DP_TCP_TW_F_USED	0x02	/* in the table, not free */
#define DP_TCP_TW_F_HOLD	0x04	/* holds its local port (bound by
					 * its socket, not a listener's) */
#define DP_TCP_TW_NONE		UINT32_MAX

/* An lcore's records: a fixed pool, a hash on the 4-tuple, a list in
 * expiry order (2 MSL for each: the oldest first), one timer. */
struct dp_tcp_twtab {
	uint32_t cap;			/* (c) records */
	uint32_t mask;			/* (c) buckets - 1 */
	uint32_t n;			/* (l) in use */
	uint32_t head, tail;		/* (l) oldest, newest */
	uint32_t free;			/* (l) free list (next) */
	struct dp_timer timer;		/* (l) at the oldest's expiry */
	uint32_t *hash;			/* (l) first index of each bucket */
	struct dp_tcp_tw rec[];		/* (l) */
};

struct dp_tcp_lcore {
	uint32_t count;				/* (l), read by teardown */
	uint32_t mask;				/* (c) buckets - 1 */
	struct dp_tcp_pcb *acks;		/* (l) ACKs due after RX */
	struct dp_tcp_twtab *tw;		/* (c) TIME-WAIT records */
	struct dp_tcp_pcb *hash[];		/* (l) */
};

struct dp_tcp {
	uint64_t msl_us;		/* (c) */
	bool idle_restart;		/* (c) cwnd restarts after idle */
	uint64_t ts_base_us;		/* (c) the OS's monotonic clock less
					 * the lcores' (now_us) at creation:
					 * TSvals without a clock read */
};

/*
 * Test hooks: a unit test that must force an interleaving of the owner
 * and the application (tests/dataplane/unit, the "hooked" build of this
 * layer) runs code of its own at these points. Nothing outside that
 * build: the product compiles them to nothing.
 */
enum dp_tcp_test_point {
	DP_TCP_TP_WND_COMPUTED,	/* wnd_field: window computed, not stored */
};
#ifdef DP_TEST_HOOKS
extern void (*dp_tcp_test_hook)(struct dp_tcp_pcb *tp,
		enum dp_tcp_test_point pt);
#define DP_TCP_TEST_HOOK(tp, pt) do {					\
	if (dp_tcp_test_hook != NULL)					\
		dp_tcp_test_hook((tp), (pt));				\
} while (0)
#else
#define DP_TCP_TEST_HOOK(tp, pt) do { } while (0)
#endif

static inline struct dp_tcp_pcb *
dp_tcp_pcb(struct dp_sock *s)
{
	return dp_sock_pcb(s);
}

static inline uint8_t
dp_tcp_state(const struct dp_tcp_pcb *tp)
{
	return __atomic_load_n(&tp->state, __ATOMIC_ACQUIRE);
}

/* Synchronized: past the handshake (RFC 9293 §3.10.7.4). */
static inline bool
dp_tcp_synced(uint8_t st)
{
	return st >= DP_TCP_ESTABLISHED;
}

extern const struct dp_sock_ops dp_tcp_ops;
extern const struct dp_layer dp_tcp_layer;

/* dp_tcp_subr.c */
/* SipHash-2-4 of n 64-bit words, key k. */
uint64_t dp_tcp_siphash(const uint64_t k[2], const uint64_t *w,
		unsigned int n);
/* The application's frames still on s->txq, freed (nobody sends them). */
void dp_tcp_txq_free(struct dp_sock *s);
uint32_t dp_tcp_isn(uint32_t laddr, uint32_t faddr, uint16_t lport,
		uint16_t fport);
uint32_t dp_tcp_ts_offset(uint32_t laddr, uint32_t faddr);
/*
 * Tests only (sequence wrap, tcp_kernel): the next connection started,
 * active or passive, gets ISS iss instead of RFC 6528's, once. Not
 * reachable through the provider (no option or variable sets it).
 */
void dp_tcp_test_iss_next(uint32_t iss);
/* Our TSval at lc's iteration (ms clock, origin the OS's monotonic
 * one) for offset off. */
uint32_t dp_tcp_tsval(const struct dp_lcore *lc, uint32_t off);
/* The connection tables' hash of a 4-tuple (network order). */
uint32_t dp_tcp_hash4(uint32_t laddr, uint16_t lport, uint32_t faddr,
		uint16_t fport);
struct dp_tcp_pcb *dp_tcp_lookup(struct dp_lcore *lc, uint32_t laddr,
		uint16_t lport, uint32_t faddr, uint16_t fport);
/* A connection or a TIME-WAIT record holds the 4-tuple (connect's
 * check: RFC 6056 ports in TIME-WAIT stay in use for that peer). */
bool dp_tcp_tuple_busy(struct dp_lcore *lc, uint32_t laddr, uint16_t lport,
		uint32_t faddr, uint16_t fport);
void dp_tcp_table_add(struct dp_lcore *lc, struct dp_tcp_pcb *tp);
void dp_tcp_detach(struct dp_lcore *lc, struct dp_sock *s);
/* Start a connection's TCB (owner): addresses, ISS, timers, MSS. */
void dp_tcp_pcb_start(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		uint32_t faddr, uint16_t fport);
void dp_tcp_set_state(struct dp_tcp_pcb *tp, uint8_t st);
/* To CLOSED (owner): out of the table, timer off, queues freed, err
 * set if not 0, waiters woken. */
void dp_tcp_close_tcb(struct dp_lcore *lc, struct dp_tcp_pcb *tp, int err);
/* Dropped with err for the application: SO_ERROR, then as
 * dp_tcp_close_tcb (a reader of the state finds the error). */
void dp_tcp_drop(struct dp_lcore *lc, struct dp_tcp_pcb *tp, int err);
void dp_tcp_sq_free(struct dp_sock *s, struct dp_tcp_pcb *tp);

/* dp_tcp_usrreq.c: the send path's pieces dp_tcp_zc.c shares */
int dp_tcp_send_error(struct dp_sock *s, struct dp_tcp_pcb *tp);
int dp_tcp_enqueue(struct dp_sock *s, struct rte_mbuf **m, unsigned int nm,
		size_t n);

/* dp_tcp_zc.c: n bytes of m were ACKed (a zero-copy call counts them) */
void dp_tcp_zc_ack(struct rte_mbuf *m, uint32_t n);

static inline void
dp_tcp_zc_acked(struct rte_mbuf *m, uint32_t n)
{
	if (unlikely(RTE_MBUF_HAS_EXTBUF(m)))
		dp_tcp_zc_ack(m, n);
}
void dp_tcp_oq_free(struct dp_tcp_pcb *tp);
/* Parse options (th points at the header, hlen its length): false if
 * malformed (MUST-7 survives it; the segment is dropped). */
bool dp_tcp_opts_parse(const struct rte_tcp_hdr *th, unsigned int hlen,
		struct dp_tcp_opts *o);
uint32_t dp_tcp_rcv_space(struct dp_tcp_pcb *tp);

/* dp_tcp_sq.c (owner lcore): len bytes of the send queue from byte off
 * copied into dst; the same chained behind m as a TSO burst's payload,
 * referenced if ref (copied if not, or if they lie in too many mbufs):
 * 0 or -ENOBUFS. */
void dp_tcp_sq_copy(struct dp_tcp_pcb *tp, uint32_t off, uint32_t len,
		uint8_t *dst);
int dp_tcp_sq_chain(struct dp_engine *eng, struct dp_tcp_pcb *tp,
		struct rte_mbuf *m, uint32_t off, uint32_t len, bool ref);
/* Whether a received mbuf's buffer is its alone to write into (its
 * tailroom): not a reference to another's, nor referenced (a TSO burst
 * over the loop port references the sender's send queue). */
static inline bool
dp_tcp_mbuf_writable(const struct rte_mbuf *m)
{
	return RTE_MBUF_DIRECT(m) && rte_mbuf_refcnt_read(m) == 1;
}

/* The layer's singly linked mbuf lists (dp_mbuf_priv()->next): the send
 * queue, the out-of-order and held queues, the reader's list. */
static inline void
dp_tcp_mlist_splice(struct rte_mbuf **head, struct rte_mbuf **tail,
		struct rte_mbuf *first, struct rte_mbuf *last)
{
	if (*tail != NULL)
		dp_mbuf_priv(*tail)->next = first;
	else
		*head = first;
	*tail = last;
}

static inline void
dp_tcp_mlist_append(struct rte_mbuf **head, struct rte_mbuf **tail,
		struct rte_mbuf *m)
{
	dp_mbuf_priv(m)->next = NULL;
	dp_tcp_mlist_splice(head, tail, m, m);
}

static inline void
dp_tcp_mlist_free(struct rte_mbuf *m)
{
	while (m != NULL) {
		struct rte_mbuf *next = dp_mbuf_priv(m)->next;

		rte_pktmbuf_free(m);
		m = next;
	}
}

/* dp_tcp_output.c (owner lcore) */
void dp_tcp_output(struct dp_lcore *lc, struct dp_tcp_pcb *tp);
void dp_tcp_send_ack(struct dp_lcore *lc, struct dp_tcp_pcb *tp);
/* The layer's poll, after RX: the ACKs the burst's segments left due. */
void dp_tcp_ack_flush(struct dp_lcore *lc);
/* SYN or SYN,ACK (by state), FIN, RST: one segment with no data. */
void dp_tcp_send_ctl(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		uint8_t flags, uint32_t seq);
/* Everything not SACKed marked lost and sent again as cwnd allows (RTO,
 * a smaller path MTU). */
void dp_tcp_rexmit(struct dp_lcore *lc, struct dp_tcp_pcb *tp);
/* A record's bytes (and FIN) again, in segments of at most the MSS. */
void dp_tcp_send_rec(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		struct dp_tcp_txrec *r);
void dp_tcp_persist_probe(struct dp_lcore *lc, struct dp_tcp_pcb *tp);
void dp_tcp_keep_probe(struct dp_lcore *lc, struct dp_tcp_pcb *tp);
/* RFC 5961 §3.2/§4: a rate-limited ACK. */
void dp_tcp_challenge_ack(struct dp_lcore *lc, struct dp_tcp_pcb *tp);
/* A segment without a TCB (a TIME-WAIT record's ACK): ttl 64, no
 * payload, opts as given. */
void dp_tcp_send_bare(struct dp_lcore *lc, uint32_t faddr, uint16_t lport,
		uint16_t fport, uint8_t flags, uint32_t seq, uint32_t ack,
		uint16_t wnd, const uint8_t *opts, unsigned int optlen);
/* A RST for a segment that has no TCB (RFC 9293 §3.10.7.1), from
 * the headers of m (data at the IPv4 header). */
void dp_tcp_respond_rst(struct dp_lcore *lc, const struct rte_ipv4_hdr *ip,
		const struct rte_tcp_hdr *th, uint32_t seglen);
/* The application's frames on s->txq onto the send queue. */
void dp_tcp_txq_pull(struct dp_sock *s, struct dp_tcp_pcb *tp);
void dp_tcp_txdrain(struct dp_lcore *lc, struct dp_sock *s);

/* dp_tcp_timer.c (owner lcore) */
void dp_tcp_timer(struct dp_sock *s);
/* Arm s->timer at the earliest deadline, or cancel it. */
void dp_tcp_timer_update(struct dp_lcore *lc, struct dp_tcp_pcb *tp);
void dp_tcp_rexmt_arm(struct dp_lcore *lc, struct dp_tcp_pcb *tp);
void dp_tcp_rtt_sample(struct dp_tcp_pcb *tp, uint32_t rtt_us);
/* The peer was heard from (an acceptable segment): idle time anew. */
void dp_tcp_keep_heard(struct dp_lcore *lc, struct dp_tcp_pcb *tp);
/* Keepalive's deadline from its settings (owner). */
void dp_tcp_keep_arm(struct dp_lcore *lc, struct dp_tcp_pcb *tp);

/* dp_tcp_timewait.c (owner lcore) */
/* To TIME-WAIT (or 2 MSL again); an orphan's TCB becomes a record and
 * is closed (its socket reaped): true if so, tp is CLOSED. */
bool dp_tcp_enter_time_wait(struct dp_lcore *lc, struct dp_tcp_pcb *tp);
/* An orphan already in TIME-WAIT (the application closed it there):
 * the same exchange for a record. True if made. */
bool dp_tcp_tw_orphan(struct dp_lcore *lc, struct dp_tcp_pcb *tp);
/* A SYN that may end TIME-WAIT and open anew (RFC 6191). */
bool dp_tcp_tw_reuse(const struct dp_tcp_pcb *tp,
		const struct dp_tcp_seg *sg);
/* The table (layer create/destroy): cap records; NULL if no memory. */
struct dp_tcp_twtab *dp_tcp_tw_create(uint32_t cap);
/* lc's table freed, its timer cancelled (lcores stopped). */
void dp_tcp_tw_free(struct dp_lcore *lc);
/* The record of a 4-tuple (network order), or NULL. */
struct dp_tcp_tw *dp_tcp_tw_lookup(struct dp_lcore *lc, uint32_t laddr,
		uint16_t lport, uint32_t faddr, uint16_t fport);
/* A segment for record tw (RFC 9293 §3.10.7.4 TIME-WAIT, RFC 1337);
 * false: a SYN took the 4-tuple over (RFC 6191), the record is gone and
 * the segment is the listener's. m is not freed. */
bool dp_tcp_tw_input(struct dp_lcore *lc, struct dp_tcp_tw *tw,
		const struct dp_tcp_seg *sg);
/* Every record dropped (cleanup); how many. */
unsigned int dp_tcp_tw_flush(struct dp_lcore *lc);
/* Calls fn for each record of lc, oldest first. */
void dp_tcp_tw_foreach(struct dp_lcore *lc,
		void (*fn)(struct dp_lcore *lc, const struct dp_tcp_tw *tw,
		void *arg), void *arg);

/* dp_tcp_reass.c (owner lcore) */
/* sg's payload alone (headers stripped), the mbuf taken from sg. */
struct rte_mbuf *dp_tcp_seg_take(struct dp_tcp_seg *sg);
/* Payload onto the application's ring; false if it has no room. */
bool dp_tcp_deliver(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		struct rte_mbuf *m);
/* In-order payload mbufs onto the ring in one go (n <= DP_TCP_RUN_MAX),
 * if nothing is held behind it: how many of m[0..n) went on, in order. */
#define DP_TCP_RUN_MAX	64
unsigned int dp_tcp_deliver_bulk(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		struct rte_mbuf **m, unsigned int n);
/* In-order payload onto the ring, or behind it while the ring has no
 * slot (bq_*); false if neither can take it. */
bool dp_tcp_deliver_held(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		struct rte_mbuf *m);
/* What was held behind the ring onto it, as far as it has slots. */
void dp_tcp_bq_drain(struct dp_lcore *lc, struct dp_tcp_pcb *tp);
/* The held queue emptied: its list (tail, bytes), still counted in
 * rx_bytes_q; bq_n left to the caller. */
struct rte_mbuf *dp_tcp_bq_take(struct dp_tcp_pcb *tp, struct rte_mbuf **tail,
		uint32_t *bytes);
void dp_tcp_bq_free(struct dp_tcp_pcb *tp);
/* dp_tcp_usrreq.c, owner: the TCB ends with bytes held, ACKed: they go
 * to the reader's list behind the ring's, read before the end. */
void dp_tcp_rx_adopt(struct dp_tcp_pcb *tp);
/* Hold a segment beyond RCV.NXT. */
void dp_tcp_reass_insert(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		struct dp_tcp_seg *sg);
/* Deliver what RCV.NXT reached, and a held FIN. */
void dp_tcp_reass_drain(struct dp_lcore *lc, struct dp_tcp_pcb *tp);

/* dp_tcp_sack.c (owner lcore; no-ops unless TF_SACK_OK) */
/* seq was just held: its run becomes the first block. */
void dp_tcp_sack_update(struct dp_tcp_pcb *tp, uint32_t seq);
/* RCV.NXT moved: blocks it covers go. */
void dp_tcp_sack_trim(struct dp_tcp_pcb *tp);
/* [seq, end) arrived again: a D-SACK on the next segment. */
void dp_tcp_dsack(struct dp_tcp_pcb *tp, uint32_t seq, uint32_t end);
/* The SACK option into o, at most room bytes; its length. */
unsigned int dp_tcp_sack_opt(struct dp_tcp_pcb *tp, uint8_t *o,
		unsigned int room);

/* dp_tcp_scoreboard.c (owner lcore): the sender's scoreboard */
static inline struct dp_tcp_txrec *
dp_tcp_txr(const struct dp_tcp_pcb *tp, uint32_t i)
{
	return &tp->txr[(tp->txr_first + i) & (tp->txr_cap - 1)];
}
/* Room for one more record (the ring grown if it must be). */
bool dp_tcp_sb_room(struct dp_tcp_pcb *tp);
/* Records free for n more segments (growing the ring): at most n. */
uint32_t dp_tcp_sb_room_n(struct dp_tcp_pcb *tp, uint32_t n);
/* [seq, end) went out for the first time at now. */
void dp_tcp_sb_sent(struct dp_tcp_pcb *tp, uint32_t seq, uint32_t end,
		bool fin, uint64_t now);
/* r went out again at now. */
void dp_tcp_sb_resent(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		struct dp_tcp_txrec *r, uint32_t bytes);
/* The ACK's SACK blocks and cumulative ACK onto the scoreboard, before
 * SND.UNA moves; ai says what it delivered. */
void dp_tcp_sb_ack(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		const struct dp_tcp_seg *sg, struct dp_tcp_ackinfo *ai);
void dp_tcp_sb_mark_lost(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		struct dp_tcp_txrec *r);
/* RTO: everything not SACKed is lost (RFC 8985 §6.3, RFC 6675 §5.1). */
void dp_tcp_sb_mark_all_lost(struct dp_tcp_pcb *tp);
/* The first record marked lost and not yet sent again, or NULL. */
struct dp_tcp_txrec *dp_tcp_sb_next_lost(struct dp_tcp_pcb *tp);
/* Bytes in flight (RFC 6675 "pipe"; Linux's in_flight). */
uint32_t dp_tcp_in_flight(const struct dp_tcp_pcb *tp);
void dp_tcp_sb_free(struct dp_tcp_pcb *tp);

/* dp_tcp_rack.c (owner lcore): RACK-TLP (RFC 8985), the NewReno
 * fallback (RFC 6582) and the recovery state per ACK */
/* r was delivered (SACKed or ACKed) at now (RFC 8985 §6.2 step 2). */
void dp_tcp_rack_delivered(struct dp_tcp_pcb *tp,
		const struct dp_tcp_txrec *r, uint64_t now);
/* After ack_in moved SND.UNA: loss detection, recovery, cwnd. */
void dp_tcp_loss_ack(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		struct dp_tcp_ackinfo *ai);
/* New data went out: (re)arm the loss probe. */
void dp_tcp_tlp_arm(struct dp_lcore *lc, struct dp_tcp_pcb *tp);
/* An RTT sample of a segment that was alone in flight: its ACK delay
 * (the sample less the path's least RTT) feeds TLP's allowance. */
void dp_tcp_tlp_dack_sample(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		uint32_t rtt_us);
/* t_recov is due: the reorder timer or the loss probe. */
void dp_tcp_rack_timer(struct dp_lcore *lc, struct dp_tcp_pcb *tp);
/* A retransmission timeout (timer, before retransmitting). */
void dp_tcp_loss_rto(struct dp_lcore *lc, struct dp_tcp_pcb *tp);

/* dp_tcp_cc.c (owner lcore): congestion control */
struct dp_tcp_cc_ops {
	const char *name;
	void (*init)(struct dp_tcp_pcb *tp);
	/* cwnd growth on acked bytes outside recovery */
	void (*cong_avoid)(struct dp_tcp_pcb *tp, uint32_t acked,
			uint64_t now);
	/* ssthresh at a loss (recovery entry, first RTO) */
	uint32_t (*ssthresh)(struct dp_tcp_pcb *tp, uint64_t now);
};
extern const struct dp_tcp_cc_ops dp_tcp_cc_newreno;
extern const struct dp_tcp_cc_ops dp_tcp_cc_cubic;
const struct dp_tcp_cc_ops *dp_tcp_cc(const struct dp_tcp_pcb *tp);
/* Slow start with RFC 3465's L = 2 SMSS; true if it took all acked. */
bool dp_tcp_cc_slow_start(struct dp_tcp_pcb *tp, uint32_t *acked);
/* After output with flight bytes in flight: whether cwnd limited it,
 * for the window it ends (Linux's tcp_cwnd_validate). */
void dp_tcp_cc_validate(struct dp_tcp_pcb *tp, uint32_t flight);

/*
 * cwnd may grow (RFC 9438 §5.8, RFC 7661; Linux's tcp_is_cwnd_limited):
 * the last window filled it, or, in slow start, it is under twice the
 * largest flight of that window, so it may still double what was used.
 * A sender held back by the peer's window or the application does not
 * grow it any further.
 */
static inline bool
dp_tcp_cwnd_limited(const struct dp_tcp_pcb *tp)
{
	if (tp->cwnd_lim)
		return true;
	return tp->cwnd < tp->ssthresh && tp->cwnd / 2 < tp->max_flight;
}
void dp_tcp_cc_enter_recovery(struct dp_lcore *lc, struct dp_tcp_pcb *tp);
/* RFC 6928's initial window for tp's MSS, bytes. */
uint32_t dp_tcp_iw(const struct dp_tcp_pcb *tp);
/* New data is about to leave with nothing in flight: after an idle
 * period longer than the RTO, cwnd restarts (RFC 5681 §4.1). */
void dp_tcp_cc_idle(struct dp_lcore *lc, struct dp_tcp_pcb *tp);
/* Per ACK: recovery exit, PRR (RFC 6937) or growth. */
void dp_tcp_cc_ack(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		const struct dp_tcp_ackinfo *ai);

/* dp_tcp_syncache.c (owner lcore) */
void dp_tcp_syn_opts(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		const struct dp_tcp_seg *sg);
/* A segment for the listener ls that no connection took. */
void dp_tcp_listen_input(struct dp_lcore *lc, struct dp_sock *ls,
		struct dp_tcp_seg *sg);
/* SYN-RECEIVED -> ESTABLISHED; false: the child was reset. */
bool dp_tcp_established(struct dp_lcore *lc, struct dp_tcp_pcb *tp);

/* dp_tcp_usrreq.c: keepalive on or off, idle and interval (ms, 0:
 * Windows' defaults), as SO_KEEPALIVE and SIO_KEEPALIVE_VALS set them. */
int dp_tcp_set_keepalive(struct dp_sock *s, bool on, uint32_t idle_ms,
		uint32_t intvl_ms);

/* dp_tcp_info.c (owner lcore) */
/* dp_tcp_output sent bytes (0 or more) and stopped: account what
 * limits it now. */
void dp_tcp_info_note(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		uint32_t bytes);
/* An RTO fired: count it; true if the retransmission started at
 * tp->rxt_start ran out of time (TCP_MAXRT; 0: of retries). */
bool dp_tcp_maxrt_expired(struct dp_lcore *lc, struct dp_tcp_pcb *tp,
		unsigned int max_retries);
/* After the retransmission timer was armed: no later than MAXRT (or,
 * at -1, the RTO kept under 60 s). */
void dp_tcp_maxrt_clamp(struct dp_tcp_pcb *tp);
int dp_tcp_info_setopt(struct dp_sock *s, enum dp_opt opt, int64_t v);
int dp_tcp_info_getopt(struct dp_sock *s, enum dp_opt opt, int64_t *v);

/* dp_tcp_telemetry.c */
/* One TCB as telemetry shows it (taken on its owner lcore). */
struct dp_tcp_tel {
	uint32_t id;			/* its socket's */
	uint8_t state, recov, cc;
	bool orphan;			/* closed by the application */
	uint16_t lcore;			/* the owner's index */
	struct dp_addr local, peer;	/* host order */
	uint32_t snd_una, snd_nxt, snd_max, rcv_nxt;
	uint32_t snd_wnd, rcv_wnd;
	uint8_t snd_scale, rcv_scale;
	uint16_t mss;
	uint32_t cwnd, ssthresh, in_flight;
	uint32_t srtt_us, rttvar_us, min_rtt_us, rto_us;
	uint64_t bytes_in, bytes_out, segs_in, segs_out, tso_bursts;
	uint64_t rexmit_segs, rexmit_bytes, rto, tlp_probes, recoveries;
	uint32_t rexmit_rto, rexmit_tlp, rexmit_fast;
	uint32_t dupacks_in, sack_acks_in, dsacks_in;
	uint64_t dsack_spurious;
	uint32_t ooo_bytes, ooo_segs;
	uint32_t zwp_out, chack_out, keep_out;
	uint64_t tw_left_ms;		/* TIME-WAIT: until it ends */
	uint32_t children;		/* LISTEN: connections not accepted
					 * or not yet established */
};
/* The page of TCBs (listeners too) whose socket ids are the lowest at
 * or above from, in id order: at most max into out; *total all of
 * them, by_state[] per enum dp_tcp_state; returns how many are at or
 * above from (more than the page: ask again from the last id + 1). */
unsigned int dp_tcp_tel_dump(struct dp_engine *eng, uint32_t from,
		struct dp_tcp_tel *out, unsigned int max, uint32_t *total,
		uint32_t by_state[DP_TCP_TIME_WAIT + 1]);
const char *dp_tcp_state_name(uint8_t st);
void dp_tcp_telemetry(void);

/* dp_tcp_teardown.c: dp_stop after its drain (application thread):
 * every connection still open is reset by its owner, then RX runs a
 * grace window to answer the peers' last segments with RSTs. */
void dp_tcp_teardown_abort(struct dp_engine *eng);
/* Each iteration (owner): while the engine closes, orphans in
 * TIME-WAIT are dropped and those in FIN-WAIT-2 (all ours ACKed, our
 * FIN too) reset, so the drain need not wait for them. */
void dp_tcp_teardown_poll(struct dp_lcore *lc);

/* dp_tcp_listen.c */
/* A passive child died before it was accepted (owner lcore): it goes
 * back to its listener's spares. */
void dp_tcp_child_dead(struct dp_lcore *lc, struct dp_tcp_pcb *tp);
int dp_tcp_listen(struct dp_sock *s, int backlog);
int dp_tcp_accept(struct dp_sock *s, struct dp_sock **out,
		struct dp_addr *peer);
/* Application thread looking at a listener: if a SYN found it without
 * a spare, spares are made again (the socket table may have room now). */
void dp_tcp_spares_starved(struct dp_sock *ls);
/* The accept queue's children (reset) and the spares, closed; running:
 * the engine is up to take the closes. */
void dp_tcp_listener_drain(struct dp_engine *eng, struct dp_tcp_pcb *tp,
		bool running);
/* A listener closed (application thread, its state CLOSED): every
 * child is reset, those in SYN-RECEIVED by their lcores, and its
 * spares closed. */
void dp_tcp_listener_close(struct dp_sock *ls);

/* dp_tcp_input.c */
/* The peer's FIN, reached in order. */
void dp_tcp_fin_in(struct dp_lcore *lc, struct dp_tcp_pcb *tp);
/* Consumes m, whose data starts at its IPv4 header. */
void dp_tcp_input(struct dp_lcore *lc, struct rte_mbuf *m);

/* dp_tcp_icmp.c */
/* An ICMP error quoting one of our segments (ip: the quoted header). */
void dp_tcp_ctlinput(struct dp_lcore *lc, const struct rte_ipv4_hdr *ip,
		uint8_t type, uint8_t code);

#endif /* _DP_TCP_H_ */
