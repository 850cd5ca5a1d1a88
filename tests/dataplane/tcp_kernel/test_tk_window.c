/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Window scaling and sequence wrap against Linux one routed hop away
 * (issue 13).
 *
 * Window scaling: SO_RCVBUF/SO_SNDBUF of 4 MB and 16 MB on our socket,
 * tcp_rmem/tcp_wmem up to the same in Linux's namespace; 8 MB each way.
 * Linux's ss must show the shift we chose for the buffer (the smallest
 * whose 16-bit field covers it) and a window from us above 64 KB, and
 * we must see one above 64 KB from Linux; the bytes exact.
 *
 * Sequence wrap: our ISS 512 KB below 2^32 (dp_tcp_test_iss_next, a
 * test-only hook; the SYN on the tap shows it), 4 MB each way at 1 %
 * loss: our sending side retransmits, SACKs and RACK across the wrap.
 * Linux's ISS cannot be chosen; our receiving side across a wrap is
 * fuzz_rx's (its peer's ISS is 4 KB below 2^32, tests/dataplane/fuzz).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "dp_tcp.h"
#include "tk.h"

#define WIN_XFER	(8 * TK_MB)
#define WRAP_XFER	(4 * TK_MB)
#define WRAP_BELOW	(512u << 10)	/* our ISS this far below 2^32 */

struct linux_view {
	int snd_ws, rcv_ws;		/* -1: not seen */
	unsigned long snd_wnd_max, rcv_space_max;
};

/* Linux's ss -ti of its socket towards us in B. */
static void
ss_sample(uint16_t port, struct linux_view *v)
{
	char out[2048], *p;

	if (wt_sh_out(out, sizeof(out), "nsenter -t %ld -n ss -tinH "
			"src 198.18.1.2:%u", tk_ns_b(), port) != 0)
		return;
	if ((p = strstr(out, "wscale:")) != NULL)
		sscanf(p, "wscale:%d,%d", &v->snd_ws, &v->rcv_ws);
	if ((p = strstr(out, "snd_wnd:")) != NULL &&
			strtoul(p + 8, NULL, 10) > v->snd_wnd_max)
		v->snd_wnd_max = strtoul(p + 8, NULL, 10);
	if ((p = strstr(out, "rcv_space:")) != NULL &&
			strtoul(p + 10, NULL, 10) > v->rcv_space_max)
		v->rcv_space_max = strtoul(p + 10, NULL, 10);
}

struct bg {
	struct dp_sock *s;
	size_t n;
	struct tk_xfer x;
	int done;
};

static void *
bg_main(void *p)
{
	struct bg *b = p;

	tk_xfer(b->s, b->n, &b->x);
	__atomic_store_n(&b->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Our socket connected to Linux in B on port (Linux accepted); NULL. */
static struct dp_sock *
connect_b(struct uk_child *kp, uint16_t port, unsigned int buf)
{
	struct dp_sock *s = tk_socket();
	char ans[256];

	if (s == NULL)
		return NULL;
	if ((buf != 0 && (dp_sock_set_opt(s, DP_OPT_RCVBUF, buf) != 0 ||
			dp_sock_set_opt(s, DP_OPT_SNDBUF, buf) != 0)) ||
			tk_peer(kp, ans, sizeof(ans), 5000, "listen %u",
				port) != 0 ||
			tk_connect(s, TK_B, port, 10000, NULL) != 0 ||
			tk_peer(kp, ans, sizeof(ans), 10000, "accept") != 0) {
		fprintf(stderr, "FAIL: no connection to Linux in B :%u\n",
			port);
		dp_sock_close(s, DP_CLOSE_ABORT);
		return NULL;
	}
	return s;
}

static void
window_run(unsigned int buf, uint16_t port)
{
	struct linux_view v = { -1, -1, 0, 0 };
	struct uk_child *kp;
	struct dp_sock *s;
	struct bg b = { 0 };
	char ans[512] = "", cmd[32];
	uint32_t our_snd_wnd = 0, our_rcv_wnd = 0;
	int want_ws = 0;
	pthread_t th;

	while (want_ws < 14 && (65535u << want_ws) < buf)
		want_ws++;
	CU_ASSERT_EQUAL_FATAL(wt_sh("nsenter -t %ld -n sh -c 'sysctl -qw "
		"net.ipv4.tcp_rmem=\"4096 131072 %u\" && sysctl -qw "
		"net.ipv4.tcp_wmem=\"4096 16384 %u\"'", tk_ns_b(), buf,
		buf), 0);
	kp = tk_peer_start(tk_ns_b(), "198.18.1.2");
	CU_ASSERT_PTR_NOT_NULL_FATAL(kp);
	s = connect_b(kp, port, buf);
	if (s == NULL) {
		CU_FAIL("no connection");
		tk_peer_end(kp);
		return;
	}
	b.s = s;
	b.n = WIN_XFER;
	snprintf(cmd, sizeof(cmd), "xfer %u", WIN_XFER);
	uk_child_say(kp, cmd);
	CU_ASSERT_FATAL(pthread_create(&th, NULL, bg_main, &b) == 0);
	/* Bounded by tk_xfer's own timeouts. */
	while (!__atomic_load_n(&b.done, __ATOMIC_ACQUIRE)) {
		struct dp_tcp_info ti;

		ss_sample(port, &v);
		if (dp_sock_tcp_info(s, &ti) == 0) {
			our_snd_wnd = RTE_MAX(our_snd_wnd, ti.snd_wnd);
			our_rcv_wnd = RTE_MAX(our_rcv_wnd, ti.rcv_wnd);
		}
		usleep(5000);
	}
	pthread_join(th, NULL);
	if (uk_child_hear(kp, ans, sizeof(ans), 60000) != 0)
		CU_FAIL("Linux never finished");
	CU_ASSERT(tk_xfer_ok("window scaling", &b.x, ans, WIN_XFER));
	printf("window scaling, buffers %u MB: %u MB each way in %.3f s; "
		"Linux's ss: wscale:%d,%d (we chose %d), largest window "
		"from us %lu, rcv_space %lu; largest window from Linux "
		"%u, largest we advertised %u\n", buf >> 20, WIN_XFER >> 20,
		b.x.secs, v.snd_ws, v.rcv_ws, want_ws, v.snd_wnd_max,
		v.rcv_space_max, our_snd_wnd, our_rcv_wnd);
	CU_ASSERT_EQUAL(v.snd_ws, want_ws);
	CU_ASSERT(v.rcv_ws > 0);
	CU_ASSERT(v.snd_wnd_max > 65535);
	CU_ASSERT(our_rcv_wnd > 65535);
	CU_ASSERT(our_snd_wnd > 65535);
	dp_sock_close(s, DP_CLOSE_GRACEFUL);
	tk_peer(kp, ans, sizeof(ans), 5000, "close");
	tk_peer_end(kp);
	wt_sh("nsenter -t %ld -n sh -c 'sysctl -qw net.ipv4.tcp_rmem=\"4096 "
		"131072 6291456\" && sysctl -qw net.ipv4.tcp_wmem=\"4096 "
		"16384 4194304\"'", tk_ns_b());
}

static void
test_window_scaling_4mb_buffers_windows_above_64k(void)
{
	window_run(4u << 20, 5300);
}

static void
test_window_scaling_16mb_buffers_windows_above_64k(void)
{
	window_run(16u << 20, 5301);
}

/* The ISS our SYN to port carried, from a capture on the tap; 0 if
 * none was seen (seq 0 is not a test value). */
static uint32_t
syn_seq_start(const char *file)
{
	/* -S: absolute sequence numbers. Ready once it says so. */
	if (wt_sh("rm -f %s; (timeout 15 tcpdump -i %s -nn -S -l -c 1 "
			"'tcp[13] & 2 != 0 and src host 198.18.0.2' > %s "
			"2>%s.err &)", file, UK_IFACE, file, file) != 0)
		return 1;
	for (int i = 0; i < 300; i++) {
		char out[256] = "";

		wt_sh_out(out, sizeof(out), "cat %s.err 2>/dev/null", file);
		if (strstr(out, "listening") != NULL)
			return 0;
		usleep(10000);
	}
	return 1;
}

static uint32_t
syn_seq(const char *file)
{
	for (int i = 0; i < 300; i++) {
		char out[512] = "", *p;

		wt_sh_out(out, sizeof(out), "cat %s 2>/dev/null", file);
		if ((p = strstr(out, " seq ")) != NULL) {
			wt_sh("rm -f %s %s.err", file, file);
			return (uint32_t)strtoul(p + 5, NULL, 10);
		}
		usleep(10000);
	}
	wt_sh("rm -f %s %s.err", file, file);
	return 0;
}

static void
test_sequence_wrap_our_iss_near_2_32_at_1_percent_loss(void)
{
	const uint32_t iss = (uint32_t)(0u - WRAP_BELOW);
	struct uk_child *kp = tk_peer_start(tk_ns_b(), "198.18.1.2");
	struct tk_counters a, c, d;
	struct dp_sock *s;
	struct tk_xfer x;
	char ans[512] = "", cmd[32], file[64];
	uint64_t d0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(kp);
	snprintf(file, sizeof(file), "/tmp/tk_wrap.%ld", (long)getpid());
	CU_ASSERT_EQUAL_FATAL(syn_seq_start(file), 0);
	dp_tcp_test_iss_next(iss);
	s = connect_b(kp, 5310, 0);
	CU_ASSERT_EQUAL(syn_seq(file), iss);
	if (s == NULL) {
		CU_FAIL("no connection");
		tk_peer_end(kp);
		return;
	}
	CU_ASSERT_EQUAL_FATAL(tk_loss(10), 0);
	d0 = tk_loss_drops();
	tk_counters(&a);
	snprintf(cmd, sizeof(cmd), "xfer %u", WRAP_XFER);
	uk_child_say(kp, cmd);
	tk_xfer(s, WRAP_XFER, &x);
	if (uk_child_hear(kp, ans, sizeof(ans), 60000) != 0)
		CU_FAIL("Linux never finished");
	tk_counters(&c);
	tk_counters_diff(&d, &a, &c);
	d0 = tk_loss_drops() - d0;
	tk_loss(0);
	CU_ASSERT(tk_xfer_ok("across the wrap", &x, ans, WRAP_XFER));
	printf("sequence wrap: our ISS %u (2^32 - %u), %u MB each way at "
		"1 %% loss in %.3f s; the hop dropped %llu; we retransmitted "
		"%llu segments (RACK-lost %llu, TLPs %llu, RTOs %llu)\n", iss,
		WRAP_BELOW, WRAP_XFER >> 20, x.secs, (unsigned long long)d0,
		(unsigned long long)d.rexmit,
		(unsigned long long)d.rack_lost, (unsigned long long)d.tlp,
		(unsigned long long)d.rto);
	/* Losses happened on our way out, across the wrap, and were
	 * repaired (the hashes above). */
	CU_ASSERT(d.rexmit > 0);
	dp_sock_close(s, DP_CLOSE_GRACEFUL);
	tk_peer(kp, ans, sizeof(ans), 5000, "close");
	tk_peer_end(kp);
}

static const struct wt_test window_tests[] = {
	WT_TEST(test_window_scaling_4mb_buffers_windows_above_64k),
	WT_TEST(test_window_scaling_16mb_buffers_windows_above_64k),
	WT_TEST(test_sequence_wrap_our_iss_near_2_32_at_1_percent_loss),
	WT_TEST_END
};

const struct wt_suite tk_window_suite = {
	.name = "tk_window",
	.init = tk_routed_engine_up,
	.clean = tk_routed_engine_down,
	.tests = window_tests,
};
