/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tk: our TCP against the Linux kernel's (tests/dataplane/tcp_kernel).
 *
 * The process sits in a network namespace of its own (wt_netns_enter);
 * a real engine (not driven) runs on its default tap, wsptap0, whose
 * kernel side is 198.18.0.1/24 (the addresses and the child-process
 * helpers are udp_kernel's, uk.h). The kernel's sockets are
 * tcp_kpeer.py's, driven line by line. Under loss the peer sits one
 * routed hop away (tk_net.c) and the baseline is Linux to Linux over
 * the same hop, under the same nft rules.
 */
#ifndef _TK_H_
#define _TK_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dp.h"
#include "dp_sock.h"
#include "uk.h"
#include "wt.h"
#include "wt_run.h"

#define TK_IP4(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define TK_KERNEL	TK_IP4(198, 18, 0, 1)	/* host order */
#define TK_US		TK_IP4(198, 18, 0, 2)
#define TK_MB		(1u << 20)
/* Every blocking call of ours gives up after this. */
#define TK_TIMEO_MS	30000

/* ---- SHA-256 (tk_sha256.c) ---- */

struct tk_sha256 {
	uint32_t h[8];
	uint64_t len;
	uint8_t buf[64];
	unsigned int n;
};

void tk_sha256_init(struct tk_sha256 *c);
void tk_sha256_add(struct tk_sha256 *c, const void *data, size_t len);
void tk_sha256_hex(struct tk_sha256 *c, char out[65]);

/* ---- engine and kernel side (tk.c) ---- */

/* dp_start on wsptap0 and the kernel side configured; 0 or -1. */
int tk_engine_up(void);
/* The same with drv_fault.h's layer on the tap (spec, "" none). */
int tk_engine_up_fault(const char *fault);
void tk_engine_down(void);

/*
 * The kernel peer (tcp_kpeer.py) in our namespace, or with nsenter in
 * the baseline's (ns_pid != 0), its sockets bound to bind_ip. NULL if it
 * did not start (reason printed).
 */
struct uk_child *tk_peer_start(long ns_pid, const char *bind_ip);
void tk_peer_end(struct uk_child *c);
/*
 * Send one command, read its answer line into ans; 0 if it starts with
 * "OK", -1 otherwise (the line printed with the command).
 */
int tk_peer(struct uk_child *c, char *ans, size_t len, unsigned int ms,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* A "key=<string>" field of an answer line into out; 0 or -1. */
int tk_field_str(const char *line, const char *key, char *out, size_t len);

/* ---- our sockets ---- */

/* A TCP socket with RCVTIMEO/SNDTIMEO of TK_TIMEO_MS, or NULL. */
struct dp_sock *tk_socket(void);
/* Connect, bounded by ms (non-blocking connect, then wait): 0 or -errno;
 * *us receives how long it took (may be NULL). */
int tk_connect(struct dp_sock *s, uint32_t ip, uint16_t port,
		unsigned int ms, uint64_t *us);
/* A listener on port; NULL on failure. */
struct dp_sock *tk_listen(uint16_t port);
/* Accept one connection, bounded by ms; NULL on failure. */
struct dp_sock *tk_accept(struct dp_sock *ls, unsigned int ms);
/* RFC 9293 state (enum dp_tcp_state), or -1. */
int tk_state(struct dp_sock *s);
const char *tk_state_name(int st);
/* Wait (bounded) until s is in state st; 0 or -1 (states printed). */
int tk_wait_state(struct dp_sock *s, int st, unsigned int ms);

/* Full duplex: n random bytes out then shutdown(wr), and everything in
 * until EOF, at once (a thread sends). */
struct tk_xfer {
	uint64_t sent, recvd;
	char ssha[65], rsha[65];
	long serr, rerr;		/* last send/recv error, 0 if none */
	double secs;
};
int tk_xfer(struct dp_sock *s, size_t n, struct tk_xfer *x);
/* tk_xfer watched (tk_watch.c): the longest time without progress in
 * each direction while it was not done (in: after the first byte), our counters when the first
 * D-SACK of a retransmission arrived and at the end. */
struct tk_watch {
	uint64_t gap_rx_us, gap_tx_us;
	uint64_t dsack_us;		/* after the start; 0: none came */
	struct dp_sock_stats first, end;
};
int tk_xfer_watched(struct dp_sock *s, size_t n, struct tk_xfer *x,
		struct tk_watch *w);
/* CPU time our lcores ran and waited on a run queue so far (their
 * schedstat; zeros if unreadable): a busy-polling lcore pinned to a
 * CPU it shares waits there, and a transfer with it. */
void tk_lcore_sched(uint64_t *run_ns, uint64_t *wait_ns);
/* What the engine's fault layer did so far (zeros without one). */
struct drv_fault_stats;
void tk_fault_stats(struct drv_fault_stats *rx, struct drv_fault_stats *tx);
/* Our side of a transfer of n each way against the kernel peer's
 * answer line: counts and hashes match (else printed). */
bool tk_xfer_ok(const char *what, const struct tk_xfer *x, const char *ans,
		size_t n);
/* After Linux was told "recv": our shutdown(wr), then its answer must
 * say it read exactly n bytes hashing to h (else printed). */
bool tk_peer_read_all(struct uk_child *kp, struct dp_sock *s, uint64_t n,
		struct tk_sha256 *h);
/* qsort's order of uint64_t. */
int tk_cmp_u64(const void *a, const void *b);
/* Read until EOF or error: bytes, their hash, the error (0: EOF). */
long tk_recv_all(struct dp_sock *s, char sha[65], uint64_t *n);
/* Send n random bytes (blocking); their hash. Bytes sent or -errno. */
long tk_send_n(struct dp_sock *s, size_t n, char sha[65]);

/* ---- Linux's view (ss) and impairment (nft) ---- */

/*
 * Linux's state ("ESTAB", "TIME-WAIT", ...) of its socket
 * 198.18.0.1:kport <-> 198.18.0.2:uport, "" if it has none; 0 or -1.
 */
int tk_ss(uint16_t kport, uint16_t uport, char *out, size_t len);
/* Wait (bounded) until tk_ss says want ("" = gone); 0 or -1. */
int tk_wait_ss(uint16_t kport, uint16_t uport, const char *want,
		unsigned int ms);
/* Drop permille/1000 of the TCP segments our namespace forwards, both
 * ways (0: remove the rule); 0 or -1. */
int tk_loss(unsigned int permille);
/* Packets the loss rules dropped so far. */
uint64_t tk_loss_drops(void);

/* Our counters, summed over lcores. */
struct tk_counters {
	uint64_t rexmit, rto, fast_rexmit, ooo_held, ooo_drop, rx_full;
	uint64_t rst_tx, rst_rx, tx, rx;
	uint64_t rto_episodes, tlp, tlp_recovered, rack_lost, recovery;
	uint64_t dsack_spurious;
};
void tk_counters(struct tk_counters *c);
void tk_counters_diff(struct tk_counters *d, const struct tk_counters *a,
		const struct tk_counters *b);

/* ---- the routed peers (tk_net.c) ---- */

/*
 * Two namespaces behind ours, each held by a child process and joined
 * to ours by a veth: B (198.18.1.2) and C (198.18.2.2); ours forwards
 * (198.18.1.1, 198.18.2.1), so our engine reaches B through its
 * gateway, C reaches B through us, and tk_loss() applies to both paths
 * alike. 0 or -1.
 */
#define TK_B		TK_IP4(198, 18, 1, 2)
int tk_routed_up(void);
void tk_routed_down(void);
/* A suite's init/clean: our engine and the routed peers. */
int tk_routed_engine_up(void);
int tk_routed_engine_down(void);
/* The holder PIDs (for nsenter / tk_peer_start). */
long tk_ns_b(void);
long tk_ns_c(void);
/* A TcpExt counter (/proc/net/netstat, e.g. "TCPTimeouts") in the
 * namespace held by pid; -1 if unreadable. */
long long tk_tcpext(long pid, const char *name);
/*
 * Linux <-> Linux: a kernel socket in C connects to one in B (port) and
 * both exchange n bytes as tk_xfer does; seconds, or < 0 on failure
 * (the hashes are checked).
 */
double tk_baseline_xfer(uint16_t port, size_t n);
/* The same; *gap_ms: the longest wait for data either receiver had
 * after its first byte (left alone if not known). */
double tk_baseline_xfer_gap(uint16_t port, size_t n, double *gap_ms);

/* Suites. */
extern const struct wt_suite tk_data_suite;
extern const struct wt_suite tk_close_suite;
extern const struct wt_suite tk_loss_suite;
extern const struct wt_suite tk_scapy_suite;
extern const struct wt_suite tk_alive_suite;
extern const struct wt_suite tk_reorder_suite;
extern const struct wt_suite tk_window_suite;
extern const struct wt_suite tk_bulk_suite;
extern const struct wt_suite tk_tail_suite;

#endif /* _TK_H_ */
