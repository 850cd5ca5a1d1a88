/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Exact sequences against our TCP (tcp-notes §6.2, §6.3 "RST/validation
 * [scapy]"): tcp_scapy_peer.py plays the peer on the kernel side of the
 * tap with the kernel's address, an nft rule keeping the kernel itself
 * out of it. Per case it opens a connection to our listener, the test
 * accepts it, the script injects and checks what we answer on the
 * wire; then the test checks what the application sees (the bytes, or
 * the reset) and the exact change of the counters the case names.
 * RFC 5961 (RST, SYN, ACK validation and the per-connection challenge
 * ACK limit), PAWS (RFC 7323 §5), malformed options by class (RFC 9293
 * MUST-5/6/7), WS > 14 clamped to 14 (RFC 7323 §2.3), SYN with data,
 * RSTs to unknown flows (RFC 9293 §3.10.7.1).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "dp_core.h"
#include "tk.h"

#define LPORT		7400
#define CLOSED_PORT	7499
#define STR(x)		#x
#define XSTR(x)		STR(x)

static struct uk_child *peer;
static struct dp_sock *ls;
static uint16_t next_sport = 41000;

/* ---- counters by name (a name the engine lacks fails the case) ---- */

static const struct {
	const char *name;
	size_t off;
} counters[] = {
#define TS_COUNTER(n) { #n, offsetof(struct dp_stats, n) },
	DP_STATS_FOREACH(TS_COUNTER)
#undef TS_COUNTER
};

static bool
counter(const struct dp_stats *s, const char *name, uint64_t *v)
{
	for (size_t i = 0; i < RTE_DIM(counters); i++)
		if (strcmp(counters[i].name, name) == 0) {
			*v = *(const uint64_t *)((const char *)s +
				counters[i].off);
			return true;
		}
	fprintf(stderr, "FAIL: no counter %s\n", name);
	return false;
}

static void
stats(struct dp_stats *s)
{
	struct dp_engine *eng = dp_engine_get();

	memset(s, 0, sizeof(*s));
	if (eng == NULL)
		return;
	dp_stats_sum(eng, s);
	dp_engine_put();
}

/* ---- suite ---- */

static int
suite_up(void)
{
	const char *argv[] = { "/usr/bin/python3",
		uk_src("tcp_scapy_peer.py"), "--iface", UK_IFACE,
		"--src-mac", UK_KERNEL_MAC, "--src-ip", UK_KERNEL_IP,
		"--dst-ip", UK_PROVIDER_IP, "--port", XSTR(LPORT),
		"--closed-port", XSTR(CLOSED_PORT), NULL };
	char line[256];

	if (tk_engine_up() != 0)
		return -1;
	/* The peer's address is the kernel's: the kernel must not answer
	 * our segments to it (it would reset every one). */
	if (wt_sh("nft add table inet tkscapy && nft add chain inet tkscapy "
			"in '{ type filter hook input priority -300; }' && "
			"nft add rule inet tkscapy in ip saddr %s tcp sport "
			"'{ %u, %u }' drop", UK_PROVIDER_IP, LPORT,
			CLOSED_PORT) != 0)
		return -1;
	ls = tk_listen(LPORT);
	if (ls == NULL)
		return -1;
	peer = uk_child_start(300, argv);
	if (peer == NULL || uk_child_expect(peer, "READY", line,
			sizeof(line), 20000) != 0) {
		fprintf(stderr, "FAIL: scapy peer did not start\n");
		return -1;
	}
	return 0;
}

static int
suite_down(void)
{
	if (peer != NULL) {
		uk_child_say(peer, "quit");
		uk_child_end(peer, 3000);
		peer = NULL;
	}
	if (ls != NULL)
		dp_sock_close(ls, DP_CLOSE_ABORT);
	ls = NULL;
	wt_sh("nft delete table inet tkscapy");
	tk_engine_down();
	return 0;
}

/* ---- one case ---- */

#define NB_DELTA	4

struct scase {
	const char *name;
	bool conn;		/* opens a connection first */
	const char *data;	/* what the application reads, in order */
	bool reset;		/* then: recv says ECONNRESET */
	struct {
		const char *counter;
		uint64_t delta;
	} delta[NB_DELTA];
};

/* Runs c; its answer line into ans. */
static void
run(const struct scase *c, char *ans, size_t len)
{
	struct dp_stats a, b;
	struct dp_sock *s = NULL;
	char line[256];

	stats(&a);
	snprintf(line, sizeof(line), "case %s %u", c->name, next_sport++);
	CU_ASSERT_EQUAL_FATAL(uk_child_say(peer, line), 0);
	if (c->conn) {
		if (uk_child_expect(peer, "OPEN", ans, len, 5000) != 0) {
			fprintf(stderr, "FAIL: %s: not opened: %s\n",
				c->name, ans);
			CU_FAIL_FATAL("handshake");
		}
		s = tk_accept(ls, 5000);
		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		stats(&a);
		CU_ASSERT_EQUAL_FATAL(uk_child_say(peer, "go"), 0);
	}
	if (uk_child_hear(peer, ans, len, 10000) != 0 ||
			strncmp(ans, "OK", 2) != 0) {
		fprintf(stderr, "FAIL: %s: %s\n", c->name, ans);
		CU_FAIL("wire");
	}
	if (s != NULL) {
		size_t want = c->data != NULL ? strlen(c->data) : 0, got = 0;
		char buf[64] = "";
		long r = 0;

		while (got < want) {
			struct dp_iov v = { buf + got, sizeof(buf) - 1 - got };

			r = dp_sock_recv(s, &v, 1, NULL, NULL, 0);
			if (r <= 0)
				break;
			got += (size_t)r;
		}
		if (got != want || memcmp(buf, c->data, want) != 0)
			fprintf(stderr, "FAIL: %s: read '%.*s' (%ld), want "
				"'%s'\n", c->name, (int)got, buf, r, c->data);
		CU_ASSERT_EQUAL(got, want);
		if (c->reset) {
			struct dp_iov v = { buf, sizeof(buf) };

			r = dp_sock_recv(s, &v, 1, NULL, NULL, 0);
			CU_ASSERT_EQUAL(r, -ECONNRESET);
		} else if (tk_state(s) != DP_TCP_ESTABLISHED) {
			fprintf(stderr, "FAIL: %s: state %s\n", c->name,
				tk_state_name(tk_state(s)));
			CU_FAIL("connection lost");
		}
	}
	stats(&b);
	for (unsigned int i = 0; i < NB_DELTA && c->delta[i].counter; i++) {
		uint64_t va = 0, vb = 0;

		CU_ASSERT_FATAL(counter(&a, c->delta[i].counter, &va));
		counter(&b, c->delta[i].counter, &vb);
		if (vb - va != c->delta[i].delta)
			fprintf(stderr, "FAIL: %s: %s moved by %lu, want %lu\n",
				c->name, c->delta[i].counter,
				(unsigned long)(vb - va),
				(unsigned long)c->delta[i].delta);
		CU_ASSERT_EQUAL(vb - va, c->delta[i].delta);
	}
	if (s != NULL)
		dp_sock_close(s, DP_CLOSE_ABORT);
}

static void
run_named(const struct scase *c)
{
	char ans[256];

	run(c, ans, sizeof(ans));
}

/* ---- RFC 5961 ---- */

static void
test_exact_rst_resets_once(void)
{
	static const struct scase c = { "rst_exact", true, "", true,
		{ { "tcp_rst_rx", 1 }, { "tcp_challenge_ack", 0 } } };

	run_named(&c);
}

static void
test_in_window_rst_gets_challenge_ack_and_lives(void)
{
	static const struct scase c = { "rst_in_window", true, "live", false,
		{ { "tcp_rst_rx", 1 }, { "tcp_challenge_ack", 1 } } };

	run_named(&c);
}

static void
test_out_of_window_rst_ignored(void)
{
	static const struct scase c = { "rst_out_of_window", true, "live",
		false, { { "tcp_challenge_ack", 0 }, { "tcp_rst_tx", 0 } } };

	run_named(&c);
}

static void
test_syn_in_established_gets_challenge_ack(void)
{
	static const struct scase c = { "syn_established", true, "live",
		false, { { "tcp_challenge_ack", 1 } } };

	run_named(&c);
}

static void
test_ack_beyond_snd_nxt_acked_and_dropped(void)
{
	static const struct scase c = { "ack_beyond_snd_nxt", true, "live",
		false, { { "tcp_ack_bad", 1 } } };

	run_named(&c);
}

/* 20 in-window RSTs in a burst: at most DP_TCP_CHACK_MAX challenge
 * ACKs per 100 ms window, the rest counted as limited; data after it
 * still ACKed (the limit is not applied to data). */
static void
test_challenge_ack_limit_per_connection(void)
{
	static const struct scase c = { "challenge_limit", true, "live",
		false, { { NULL } } };
	struct dp_stats a, b;
	uint64_t ca, cb, la, lb;
	char ans[256], v[32];
	unsigned long acks, us;

	stats(&a);
	run(&c, ans, sizeof(ans));
	stats(&b);
	CU_ASSERT_FATAL(tk_field_str(ans, "acks", v, sizeof(v)) == 0);
	acks = strtoul(v, NULL, 10);
	CU_ASSERT_FATAL(tk_field_str(ans, "burst_us", v, sizeof(v)) == 0);
	us = strtoul(v, NULL, 10);
	counter(&a, "tcp_challenge_ack", &ca);
	counter(&b, "tcp_challenge_ack", &cb);
	counter(&a, "tcp_challenge_limited", &la);
	counter(&b, "tcp_challenge_limited", &lb);
	printf("challenge ACKs: %lu on the wire, %lu sent, %lu limited, "
		"burst %lu us\n", acks, (unsigned long)(cb - ca),
		(unsigned long)(lb - la), us);
	CU_ASSERT_EQUAL(cb - ca + lb - la, 20);
	CU_ASSERT_EQUAL(cb - ca, acks);
	CU_ASSERT(acks >= 1);
	/* A burst inside one 100 ms window gets at most the limit; one
	 * that a busy CPU (ours or the lcore's) spread over two windows at
	 * most twice that: the limiter held the rest back. */
	CU_ASSERT(acks <= 2u * 5u);
	CU_ASSERT(lb - la >= 10);
}

/* ---- PAWS ---- */

static void
test_paws_drops_old_timestamp_and_counts(void)
{
	static const struct scase c = { "paws_old_ts", true, "live", false,
		{ { "tcp_paws_drop", 1 } } };

	run_named(&c);
}

/* ---- options: counted by class, never a crash ---- */

static void
test_option_length_zero_drops_segment(void)
{
	static const struct scase c = { "opt_len0", true, "live", false,
		{ { "tcp_bad_opt", 1 }, { "tcp_opt_bad_len", 1 } } };

	run_named(&c);
}

static void
test_option_length_one_drops_segment(void)
{
	static const struct scase c = { "opt_len1", true, "live", false,
		{ { "tcp_bad_opt", 1 }, { "tcp_opt_bad_len", 1 } } };

	run_named(&c);
}

static void
test_option_past_header_end_drops_segment(void)
{
	static const struct scase c = { "opt_overrun", true, "live", false,
		{ { "tcp_bad_opt", 1 }, { "tcp_opt_overrun", 1 } } };

	run_named(&c);
}

static void
test_option_without_length_byte_drops_segment(void)
{
	static const struct scase c = { "opt_no_len", true, "live", false,
		{ { "tcp_bad_opt", 1 }, { "tcp_opt_overrun", 1 } } };

	run_named(&c);
}

static void
test_truncated_mss_ignored_data_kept(void)
{
	static const struct scase c = { "opt_mss_short", true, "opt!live",
		false, { { "tcp_bad_opt", 0 }, { "tcp_opt_bad_size", 1 } } };

	run_named(&c);
}

static void
test_truncated_ws_ignored_data_kept(void)
{
	static const struct scase c = { "opt_ws_short", true, "opt!live",
		false, { { "tcp_bad_opt", 0 }, { "tcp_opt_bad_size", 1 } } };

	run_named(&c);
}

static void
test_truncated_sack_ignored_data_kept(void)
{
	static const struct scase c = { "opt_sack_short", true, "opt!live",
		false, { { "tcp_bad_opt", 0 }, { "tcp_opt_bad_size", 1 } } };

	run_named(&c);
}

static void
test_truncated_ts_ignored_data_kept(void)
{
	static const struct scase c = { "opt_ts_short", true, "opt!live",
		false, { { "tcp_bad_opt", 0 }, { "tcp_opt_bad_size", 1 } } };

	run_named(&c);
}

static void
test_unknown_options_ignored_data_kept(void)
{
	static const struct scase c = { "opt_unknown", true, "opt!live",
		false, { { "tcp_bad_opt", 0 }, { "tcp_opt_unknown", 2 } } };

	run_named(&c);
}

/* ---- urgent data: in line, in order (MUST-30..33) ---- */

static void
test_urgent_data_delivered_inline_in_order(void)
{
	static const struct scase c = { "urg_inline", true, "urgentlive",
		false, { { "tcp_out_of_window", 0 } } };

	run_named(&c);
}

/* ---- window scale above 14 (RFC 7323 §2.3: use 14) ---- */

static void
ws_clamped(const char *name)
{
	struct dp_tcp_info ti;
	struct dp_sock *s;
	char ans[256], line[64];

	/* As run(), keeping the socket to read its send window. */
	snprintf(line, sizeof(line), "case %s %u", name, next_sport++);
	CU_ASSERT_EQUAL_FATAL(uk_child_say(peer, line), 0);
	CU_ASSERT_EQUAL_FATAL(uk_child_expect(peer, "OPEN", ans, sizeof(ans),
		5000), 0);
	s = tk_accept(ls, 5000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL_FATAL(dp_sock_tcp_info(s, &ti), 0);
	/* The handshake's ACK offered 1000 units. */
	if (ti.snd_wnd != 1000u << 14)
		fprintf(stderr, "FAIL: %s: send window %u, want %u\n", name,
			ti.snd_wnd, 1000u << 14);
	CU_ASSERT_EQUAL(ti.snd_wnd, 1000u << 14);
	CU_ASSERT_EQUAL_FATAL(uk_child_say(peer, "go"), 0);
	CU_ASSERT_EQUAL(uk_child_hear(peer, ans, sizeof(ans), 10000), 0);
	CU_ASSERT_NSTRING_EQUAL(ans, "OK", 2);
	dp_sock_close(s, DP_CLOSE_ABORT);
}

static void
test_ws15_clamped_to_14(void)
{
	ws_clamped("ws15");
}

static void
test_ws30_clamped_to_14(void)
{
	ws_clamped("ws30");
}

/* ---- SYN with data: delivered exactly once ---- */

static void
test_syn_with_data_delivered_once(void)
{
	static const struct scase c = { "syn_data", true, "earlylive", false,
		{ { NULL } } };

	run_named(&c);
}

/* ---- segments to unknown flows (RFC 9293 §3.10.7.1) ---- */

static void
test_unknown_flow_ack_gets_rst_seq_ack(void)
{
	static const struct scase c = { "unk_ack", false, NULL, false,
		{ { "tcp_no_socket", 1 }, { "tcp_rst_tx", 1 } } };

	run_named(&c);
}

static void
test_unknown_flow_syn_gets_rst_ack_seq_plus_1(void)
{
	static const struct scase c = { "unk_syn", false, NULL, false,
		{ { "tcp_no_socket", 1 }, { "tcp_rst_tx", 1 } } };

	run_named(&c);
}

static void
test_unknown_flow_syn_data_acks_its_length(void)
{
	static const struct scase c = { "unk_syn_data", false, NULL, false,
		{ { "tcp_no_socket", 1 }, { "tcp_rst_tx", 1 } } };

	run_named(&c);
}

static void
test_unknown_flow_fin_ack_gets_rst_seq_ack(void)
{
	static const struct scase c = { "unk_fin_ack", false, NULL, false,
		{ { "tcp_no_socket", 1 }, { "tcp_rst_tx", 1 } } };

	run_named(&c);
}

static void
test_unknown_flow_data_without_ack_gets_rst_ack(void)
{
	static const struct scase c = { "unk_psh_noack", false, NULL, false,
		{ { "tcp_no_socket", 1 }, { "tcp_rst_tx", 1 } } };

	run_named(&c);
}

static void
test_unknown_flow_rst_unanswered(void)
{
	static const struct scase c = { "unk_rst", false, NULL, false,
		{ { "tcp_rst_tx", 0 } } };

	run_named(&c);
}

static const struct wt_test scapy_tests[] = {
	WT_TEST(test_exact_rst_resets_once),
	WT_TEST(test_in_window_rst_gets_challenge_ack_and_lives),
	WT_TEST(test_out_of_window_rst_ignored),
	WT_TEST(test_syn_in_established_gets_challenge_ack),
	WT_TEST(test_ack_beyond_snd_nxt_acked_and_dropped),
	WT_TEST(test_challenge_ack_limit_per_connection),
	WT_TEST(test_paws_drops_old_timestamp_and_counts),
	WT_TEST(test_option_length_zero_drops_segment),
	WT_TEST(test_option_length_one_drops_segment),
	WT_TEST(test_option_past_header_end_drops_segment),
	WT_TEST(test_option_without_length_byte_drops_segment),
	WT_TEST(test_truncated_mss_ignored_data_kept),
	WT_TEST(test_truncated_ws_ignored_data_kept),
	WT_TEST(test_truncated_sack_ignored_data_kept),
	WT_TEST(test_truncated_ts_ignored_data_kept),
	WT_TEST(test_unknown_options_ignored_data_kept),
	WT_TEST(test_urgent_data_delivered_inline_in_order),
	WT_TEST(test_ws15_clamped_to_14),
	WT_TEST(test_ws30_clamped_to_14),
	WT_TEST(test_syn_with_data_delivered_once),
	WT_TEST(test_unknown_flow_ack_gets_rst_seq_ack),
	WT_TEST(test_unknown_flow_syn_gets_rst_ack_seq_plus_1),
	WT_TEST(test_unknown_flow_syn_data_acks_its_length),
	WT_TEST(test_unknown_flow_fin_ack_gets_rst_seq_ack),
	WT_TEST(test_unknown_flow_data_without_ack_gets_rst_ack),
	WT_TEST(test_unknown_flow_rst_unanswered),
	WT_TEST_END
};

const struct wt_suite tk_scapy_suite = {
	.name = "tk_scapy",
	.init = suite_up,
	.clean = suite_down,
	.tests = scapy_tests,
};
