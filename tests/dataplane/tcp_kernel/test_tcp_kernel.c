/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Our TCP against Linux's, through the dataplane API on a real engine
 * (tk.h): data both ways with the hashes compared, both close orders
 * with Linux's states read from ss, TIME-WAIT reuse across an engine
 * restart, Linux's RSTs.
 *
 *   test_tcp_kernel [tk_data|tk_close|tk_loss ...]  (wt_run.h patterns)
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "tk.h"

static struct uk_child *kp;	/* the kernel peer in our namespace */

static int
suite_up(void)
{
	if (tk_engine_up() != 0)
		return -1;
	kp = tk_peer_start(0, UK_KERNEL_IP);
	return kp != NULL ? 0 : -1;
}

static int
suite_down(void)
{
	tk_peer_end(kp);
	kp = NULL;
	tk_engine_down();
	return 0;
}

/* Linux and we exchange n bytes each way on s (peer side accepted or
 * connected already). */
static void
exchange(const char *what, struct dp_sock *s, size_t n)
{
	struct tk_xfer x;
	char ans[512] = "";
	char cmd[32];

	snprintf(cmd, sizeof(cmd), "xfer %zu", n);
	CU_ASSERT_EQUAL_FATAL(uk_child_say(kp, cmd), 0);
	tk_xfer(s, n, &x);
	if (uk_child_hear(kp, ans, sizeof(ans), 60000) != 0)
		fprintf(stderr, "FAIL: %s: Linux never finished\n", what);
	CU_ASSERT(tk_xfer_ok(what, &x, ans, n));
	printf("%s: %zu bytes each way in %.3f s\n", what, n, x.secs);
}

/* (a) Our connect, Linux's listener. */
static void
test_connect_to_linux_1mb_each_way(void)
{
	struct dp_sock *s = tk_socket();
	char ans[256];

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL_FATAL(tk_peer(kp, ans, sizeof(ans), 5000,
		"listen 5001"), 0);
	CU_ASSERT_EQUAL_FATAL(tk_connect(s, TK_KERNEL, 5001, 5000, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(tk_peer(kp, ans, sizeof(ans), 5000, "accept"),
		0);
	exchange("we connect", s, TK_MB);
	dp_sock_close(s, DP_CLOSE_GRACEFUL);
	tk_peer(kp, ans, sizeof(ans), 5000, "close");
}

/* (b) Linux's connect, our listener. */
static void
test_linux_connects_to_us_1mb_each_way(void)
{
	struct dp_sock *ls = tk_listen(6001), *c;
	char ans[256];

	CU_ASSERT_PTR_NOT_NULL_FATAL(ls);
	CU_ASSERT_EQUAL_FATAL(tk_peer(kp, ans, sizeof(ans), 5000,
		"connect 198.18.0.2 6001"), 0);
	c = tk_accept(ls, 5000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	exchange("Linux connects", c, TK_MB);
	dp_sock_close(c, DP_CLOSE_GRACEFUL);
	dp_sock_close(ls, DP_CLOSE_GRACEFUL);
	tk_peer(kp, ans, sizeof(ans), 5000, "close");
}

static const struct wt_test data_tests[] = {
	WT_TEST(test_connect_to_linux_1mb_each_way),
	WT_TEST(test_linux_connects_to_us_1mb_each_way),
	WT_TEST_END
};

const struct wt_suite tk_data_suite = {
	.name = "tk_data",
	.init = suite_up,
	.clean = suite_down,
	.tests = data_tests,
};

/* ---- close ---- */

/* A connection to Linux's listener on kport (listening already); our
 * local port in *uport. */
static struct dp_sock *
connected(uint16_t kport, uint16_t bind_port, uint16_t *uport,
		uint64_t *us)
{
	struct dp_sock *s = tk_socket();
	struct dp_addr a = { 0, bind_port };
	char ans[256];

	if (s == NULL)
		return NULL;
	if (bind_port != 0 && dp_sock_bind(s, &a) != 0) {
		fprintf(stderr, "FAIL: bind :%u\n", bind_port);
		goto fail;
	}
	if (tk_connect(s, TK_KERNEL, kport, 5000, us) != 0 ||
			tk_peer(kp, ans, sizeof(ans), 5000, "accept") != 0 ||
			dp_sock_name(s, &a) != 0)
		goto fail;
	*uport = a.port;
	return s;
fail:
	dp_sock_close(s, DP_CLOSE_ABORT);
	return NULL;
}

/* (c) We FIN first: FIN-WAIT-1, -2, TIME-WAIT here; CLOSE-WAIT,
 * LAST-ACK, gone there. */
static void
test_close_we_fin_first(void)
{
	struct dp_sock *s;
	char ans[256], b[16];
	struct dp_iov iov = { b, sizeof(b) };
	uint16_t up;

	CU_ASSERT_EQUAL_FATAL(tk_peer(kp, ans, sizeof(ans), 5000,
		"listen 5002"), 0);
	s = connected(5002, 0, &up, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	dp_sock_shutdown(s, false, true);
	CU_ASSERT_EQUAL(tk_wait_state(s, DP_TCP_FIN_WAIT_2, 2000), 0);
	CU_ASSERT_EQUAL(tk_wait_ss(5002, up, "CLOSE-WAIT", 2000), 0);
	CU_ASSERT_EQUAL(tk_peer(kp, ans, sizeof(ans), 5000, "recv"), 0);
	CU_ASSERT_STRING_EQUAL(ans, "OK recv=0 rsha=e3b0c44298fc1c149afbf4c8"
		"996fb92427ae41e4649b934ca495991b7852b855");
	CU_ASSERT_EQUAL(tk_peer(kp, ans, sizeof(ans), 5000, "close"), 0);
	CU_ASSERT_EQUAL(dp_sock_recv(s, &iov, 1, NULL, NULL, 0), 0);
	CU_ASSERT_EQUAL(tk_wait_state(s, DP_TCP_TIME_WAIT, 2000), 0);
	/* Its LAST-ACK got our ACK: nothing left on Linux's side. */
	CU_ASSERT_EQUAL(tk_wait_ss(5002, up, "", 2000), 0);
	dp_sock_close(s, DP_CLOSE_GRACEFUL);
}

/* Linux closes first on a connection from us; we follow. Linux ends in
 * TIME-WAIT. */
static void
linux_first(struct dp_sock *s, uint16_t kport, uint16_t up)
{
	char ans[256], b[16];
	struct dp_iov iov = { b, sizeof(b) };

	CU_ASSERT_EQUAL(tk_peer(kp, ans, sizeof(ans), 5000, "close"), 0);
	CU_ASSERT_EQUAL(dp_sock_recv(s, &iov, 1, NULL, NULL, 0), 0);
	CU_ASSERT_EQUAL(tk_wait_state(s, DP_TCP_CLOSE_WAIT, 2000), 0);
	CU_ASSERT_EQUAL(tk_wait_ss(kport, up, "FIN-WAIT-2", 2000), 0);
	dp_sock_shutdown(s, false, true);
	CU_ASSERT_EQUAL(tk_wait_state(s, DP_TCP_CLOSED, 2000), 0);
	CU_ASSERT_EQUAL(tk_wait_ss(kport, up, "TIME-WAIT", 2000), 0);
	dp_sock_close(s, DP_CLOSE_GRACEFUL);
}

/* (c) Linux FINs first: CLOSE-WAIT, LAST-ACK here. */
static void
test_close_linux_fins_first(void)
{
	struct dp_sock *s;
	char ans[256];
	uint16_t up;

	CU_ASSERT_EQUAL_FATAL(tk_peer(kp, ans, sizeof(ans), 5000,
		"listen 5003"), 0);
	s = connected(5003, 0, &up, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	linux_first(s, 5003, up);
}

/* (d) Linux holds TIME-WAIT for our 4-tuple: a new SYN from the same
 * port must get in at once (RFC 6191: newer ISN and TSval), also from a
 * new engine (the ISN/TSval clocks and secret are process-global). */
static void
test_timewait_reconnect_same_port(void)
{
	struct dp_sock *s;
	char ans[256];
	uint16_t up, up2;
	uint64_t us;

	CU_ASSERT_EQUAL_FATAL(tk_peer(kp, ans, sizeof(ans), 5000,
		"listen 5004"), 0);
	s = connected(5004, 0, &up, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	linux_first(s, 5004, up);
	for (int restart = 0; restart < 2; restart++) {
		if (restart) {
			tk_engine_down();
			CU_ASSERT_EQUAL_FATAL(tk_engine_up(), 0);
			/* Still there: its 60 s have not passed. */
			CU_ASSERT_EQUAL(tk_wait_ss(5004, up, "TIME-WAIT",
				100), 0);
		}
		s = connected(5004, up, &up2, &us);
		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		printf("reconnect into Linux's TIME-WAIT%s: %.3f ms\n",
			restart ? " after an engine restart" : "",
			(double)us / 1000);
		/* A refused SYN would cost a 1 s RTO (tcp-notes §1.2). */
		if (us >= 100000)
			fprintf(stderr, "FAIL: reconnect took %.1f ms\n",
				(double)us / 1000);
		CU_ASSERT(us < 100000);
		CU_ASSERT_EQUAL(up2, up);
		linux_first(s, 5004, up);
	}
}

/* (e) A closed port answers RST: refused. */
static void
test_connect_closed_port_refused(void)
{
	struct dp_sock *s = tk_socket();
	int ret;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	ret = tk_connect(s, TK_KERNEL, 5999, 5000, NULL);
	if (ret != -ECONNREFUSED)
		fprintf(stderr, "FAIL: connect to a closed port: %d\n", ret);
	CU_ASSERT_EQUAL(ret, -ECONNREFUSED);
	CU_ASSERT_EQUAL(tk_state(s), DP_TCP_CLOSED);
	dp_sock_close(s, DP_CLOSE_GRACEFUL);
}

/* (e) Linux closes with our data unread (or with SO_LINGER {1, 0}):
 * its RST reaches our reader as ECONNRESET, once. */
static void
reset_by_linux(uint16_t kport, bool linger0)
{
	static uint8_t buf[10000];
	struct dp_iov iov = { buf, sizeof(buf) };
	struct tk_counters a, b;
	struct dp_sock *s;
	char ans[256];
	uint16_t up;
	long r;

	CU_ASSERT_EQUAL_FATAL(tk_peer(kp, ans, sizeof(ans), 5000,
		"listen %u", kport), 0);
	s = connected(kport, 0, &up, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	tk_counters(&a);
	if (!linger0) {
		CU_ASSERT_EQUAL(dp_sock_send(s, &iov, 1, NULL, 0),
			(long)sizeof(buf));
		/* Until Linux has it all (ACKed: our queue is empty). */
		for (int i = 0; i < 400 && !(dp_sock_ready(s) &
				DP_EV_DRAINED); i++)
			wt_sleep_ms(5);
	} else {
		CU_ASSERT_EQUAL(tk_peer(kp, ans, sizeof(ans), 5000,
			"linger0"), 0);
	}
	CU_ASSERT_EQUAL(tk_peer(kp, ans, sizeof(ans), 5000, "close"), 0);
	r = dp_sock_recv(s, &iov, 1, NULL, NULL, 0);
	if (r != -ECONNRESET)
		fprintf(stderr, "FAIL: recv after Linux's RST: %ld\n", r);
	CU_ASSERT_EQUAL(r, -ECONNRESET);
	CU_ASSERT_EQUAL(tk_state(s), DP_TCP_CLOSED);
	CU_ASSERT_EQUAL(dp_sock_send(s, &iov, 1, NULL, 0), -ECONNRESET);
	tk_counters(&b);
	CU_ASSERT(b.rst_rx > a.rst_rx);
	CU_ASSERT_EQUAL(b.rst_tx, a.rst_tx);	/* never answer a RST */
	CU_ASSERT_EQUAL(tk_wait_ss(kport, up, "", 1000), 0);
	dp_sock_close(s, DP_CLOSE_GRACEFUL);
}

static void
test_linux_close_with_unread_data_resets(void)
{
	reset_by_linux(5005, false);
}

static void
test_linux_linger0_close_resets(void)
{
	reset_by_linux(5006, true);
}

struct racer {
	struct dp_sock *s;
	uint64_t accepted;		/* bytes send() took */
	long last;			/* its final answer */
};

static void *
racer_main(void *p)
{
	static uint8_t buf[700];
	struct racer *r = p;
	struct dp_iov iov = { buf, sizeof(buf) };

	uint64_t end = wt_now_ns() + 5000000000ull;

	while (wt_now_ns() < end) {
		long n = dp_sock_send(r->s, &iov, 1, NULL, DP_F_NONBLOCK);

		r->last = n;
		if (n > 0)
			r->accepted += (uint64_t)n;
		else if (n != -EAGAIN)
			break;
	}
	return NULL;
}

/* dp_sock_shutdown(wr) while another thread sends: every byte a send
 * took reaches Linux before the FIN (none queued behind it). */
static void
test_shutdown_racing_send_loses_nothing(void)
{
	char ans[256], want[64];

	CU_ASSERT_EQUAL_FATAL(tk_peer(kp, ans, sizeof(ans), 5000,
		"listen 5007"), 0);
	for (int i = 0; i < 30; i++) {
		struct racer r = { 0 };
		pthread_t th;
		uint16_t up;

		r.s = connected(5007, 0, &up, NULL);
		CU_ASSERT_PTR_NOT_NULL_FATAL(r.s);
		/* Linux reads all along, so the sends find room. */
		CU_ASSERT_EQUAL_FATAL(uk_child_say(kp, "recv"), 0);
		CU_ASSERT_EQUAL_FATAL(pthread_create(&th, NULL, racer_main,
			&r), 0);
		wt_sleep_ms(1 + i % 3);
		dp_sock_shutdown(r.s, false, true);
		pthread_join(th, NULL);
		if (r.last != -ESHUTDOWN)
			fprintf(stderr, "FAIL: run %d: the last send said %ld\n", i, r.last);
		CU_ASSERT_EQUAL(r.last, -ESHUTDOWN);
		CU_ASSERT_EQUAL(uk_child_hear(kp, ans, sizeof(ans), 10000), 0);
		snprintf(want, sizeof(want), "OK recv=%llu ",
			(unsigned long long)r.accepted);
		if (strncmp(ans, want, strlen(want)) != 0) {
			fprintf(stderr, "FAIL: run %d: send took %llu bytes, "
				"Linux read: %s\n", i,
				(unsigned long long)r.accepted, ans);
			CU_FAIL("bytes lost behind the FIN");
			i = 1000;
		}
		tk_peer(kp, ans, sizeof(ans), 5000, "close");
		dp_sock_close(r.s, DP_CLOSE_GRACEFUL);
	}
}

/* Graceful close of N bytes, then the engine stops at once (the last
 * WSPCleanup): Linux reads exactly N, then EOF (no RST). */
static void
test_close_then_stop_delivers_everything(void)
{
	struct dp_sock *s;
	char ans[256], sha[65], want[128];
	uint16_t up;
	long n;

	CU_ASSERT_EQUAL_FATAL(tk_peer(kp, ans, sizeof(ans), 5000,
		"listen 5008"), 0);
	s = connected(5008, 0, &up, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL_FATAL(uk_child_say(kp, "recv"), 0);
	n = tk_send_n(s, 4 * TK_MB, sha);
	CU_ASSERT_EQUAL(n, 4 * TK_MB);
	dp_sock_close(s, DP_CLOSE_GRACEFUL);
	tk_engine_down();
	CU_ASSERT_EQUAL(uk_child_hear(kp, ans, sizeof(ans), 10000), 0);
	snprintf(want, sizeof(want), "OK recv=%u rsha=%s", 4 * TK_MB, sha);
	if (strcmp(ans, want) != 0)
		fprintf(stderr, "FAIL: we sent %u bytes, sha %s, then "
			"stopped; Linux: %s\n", 4 * TK_MB, sha, ans);
	CU_ASSERT_STRING_EQUAL(ans, want);
	tk_peer(kp, ans, sizeof(ans), 5000, "close");
	CU_ASSERT_EQUAL_FATAL(tk_engine_up(), 0);
}

static const struct wt_test close_tests[] = {
	WT_TEST(test_close_we_fin_first),
	WT_TEST(test_close_linux_fins_first),
	WT_TEST(test_timewait_reconnect_same_port),
	WT_TEST(test_connect_closed_port_refused),
	WT_TEST(test_linux_close_with_unread_data_resets),
	WT_TEST(test_linux_linger0_close_resets),
	WT_TEST(test_shutdown_racing_send_loses_nothing),
	WT_TEST(test_close_then_stop_delivers_everything),
	WT_TEST_END
};

const struct wt_suite tk_close_suite = {
	.name = "tk_close",
	.init = suite_up,
	.clean = suite_down,
	.tests = close_tests,
};

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = {
		&tk_data_suite,
		&tk_close_suite,
		&tk_loss_suite,
		&tk_scapy_suite,
		&tk_alive_suite,
		&tk_reorder_suite,
		&tk_window_suite,
		&tk_bulk_suite,
		&tk_tail_suite,
		NULL
	};
	uint64_t t0;
	char out[64] = "";
	int ret;

	/* First, while the process has one thread. */
	if (wt_need_tools("ip ss nft nsenter unshare py:hashlib "
			"py:scapy") != 0 ||
			wt_netns_enter() != 0 ||
			wt_hugepages_reserve(64) != 0)
		return 1;
	t0 = wt_now_ns();
	ret = wt_run_suites(argc, argv, suites);
	/* Every engine was stopped: nothing of ours in hugetlbfs. */
	wt_sh_out(out, sizeof(out), "ls /dev/hugepages | grep -c '^%s' || "
		"true", wt_tel_prefix());
	if (atoi(out) != 0) {
		fprintf(stderr, "FAIL: hugepage files left behind\n");
		ret = 1;
	}
	printf("tcp_kernel: %.1f s\n", (double)(wt_now_ns() - t0) / 1e9);
	return ret;
}
