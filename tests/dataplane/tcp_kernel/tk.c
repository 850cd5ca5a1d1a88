/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers of the tcp_kernel tests (see tk.h). */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dp_core.h"
#include "tk.h"

/* ---- engine ---- */

int
tk_engine_up(void)
{
	return tk_engine_up_fault("");
}

int
tk_engine_up_fault(const char *fault)
{
	struct dp_conf c;
	int ret;

	dp_conf_defaults(&c);
	snprintf(c.fault, sizeof(c.fault), "%s", fault);
	c.log_level = DP_LOG_WARNING;
	/* The routed peer (tk_loss.c) is behind the kernel side. */
	c.gateway = TK_KERNEL;
	ret = dp_start(&c);
	if (ret != 0) {
		fprintf(stderr, "FAIL: dp_start: %d\n", ret);
		return -1;
	}
	/* The tap PMD gives the kernel side our MAC at every probe and a
	 * new tap has no address; one segment per frame, as we send. */
	if (wt_tap_kernel_up(UK_IFACE, UK_KERNEL_MAC, UK_KERNEL_CIDR) != 0 ||
			wt_sh("ip link set dev %s gso_max_segs 1", UK_IFACE)) {
		fprintf(stderr, "FAIL: cannot configure %s\n", UK_IFACE);
		dp_stop();
		return -1;
	}
	return 0;
}

void
tk_engine_down(void)
{
	dp_stop();
}

/* ---- the kernel peer ---- */

struct uk_child *
tk_peer_start(long ns_pid, const char *bind_ip)
{
	char pid[24], line[256];
	const char *in_ns[] = { "nsenter", "-t", pid, "-n", "/usr/bin/python3",
		uk_src("tcp_kpeer.py"), "--bind", bind_ip, NULL };
	const char *here[] = { "/usr/bin/python3", uk_src("tcp_kpeer.py"),
		"--bind", bind_ip, NULL };
	struct uk_child *c;

	snprintf(pid, sizeof(pid), "%ld", ns_pid);
	c = uk_child_start(600, ns_pid != 0 ? in_ns : here);
	if (c == NULL)
		return NULL;
	if (uk_child_expect(c, "READY", line, sizeof(line), 10000) != 0) {
		uk_child_end(c, 1000);
		return NULL;
	}
	return c;
}

void
tk_peer_end(struct uk_child *c)
{
	if (c == NULL)
		return;
	uk_child_say(c, "quit");
	uk_child_end(c, 3000);
}

int
tk_peer(struct uk_child *c, char *ans, size_t len, unsigned int ms,
		const char *fmt, ...)
{
	char cmd[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	ans[0] = '\0';
	if (uk_child_say(c, cmd) != 0 ||
			uk_child_hear(c, ans, len, ms) != 0) {
		fprintf(stderr, "FAIL: kernel peer: no answer to '%s' within "
			"%u ms\n", cmd, ms);
		return -1;
	}
	if (strncmp(ans, "OK", 2) == 0)
		return 0;
	fprintf(stderr, "kernel peer: '%s' -> '%s'\n", cmd, ans);
	return -1;
}

int
tk_field_str(const char *line, const char *key, char *out, size_t len)
{
	char pat[64];
	const char *p;
	size_t n;

	snprintf(pat, sizeof(pat), " %s=", key);
	p = strstr(line, pat);
	if (p == NULL)
		return -1;
	p += strlen(pat);
	n = strcspn(p, " ");
	snprintf(out, len, "%.*s", (int)n, p);
	return 0;
}

/* ---- our sockets ---- */

/* No call of ours on s blocks longer than TK_TIMEO_MS. */
static struct dp_sock *
bounded(struct dp_sock *s)
{
	dp_sock_set_opt(s, DP_OPT_RCVTIMEO, TK_TIMEO_MS);
	dp_sock_set_opt(s, DP_OPT_SNDTIMEO, TK_TIMEO_MS);
	return s;
}

struct dp_sock *
tk_socket(void)
{
	struct dp_sock *s;
	int ret = dp_sock_create(IPPROTO_TCP, &s);

	if (ret != 0) {
		fprintf(stderr, "FAIL: dp_sock_create(TCP): %d\n", ret);
		return NULL;
	}
	return bounded(s);
}

int
tk_connect(struct dp_sock *s, uint32_t ip, uint16_t port, unsigned int ms,
		uint64_t *us)
{
	struct dp_addr a = { .ip = ip, .port = port };
	uint64_t t0 = wt_now_ns();
	int ret = dp_sock_connect_flags(s, &a, DP_F_NONBLOCK);

	if (ret == -EINPROGRESS) {
		ret = dp_sock_wait(s, DP_EV_WRITE | DP_EV_ERROR,
			(int64_t)ms * 1000);
		if (ret == 0 && (dp_sock_ready(s) & DP_EV_ERROR))
			ret = -dp_sock_take_error(s);
		else if (ret == 0 && tk_state(s) != DP_TCP_ESTABLISHED)
			ret = -EPROTO;
	}
	if (us != NULL)
		*us = (wt_now_ns() - t0) / 1000;
	return ret;
}

struct dp_sock *
tk_listen(uint16_t port)
{
	struct dp_addr a = { .ip = 0, .port = port };
	struct dp_sock *s = tk_socket();
	int ret;

	if (s == NULL)
		return NULL;
	ret = dp_sock_bind(s, &a);
	if (ret == 0)
		ret = dp_sock_listen(s, 8);
	if (ret != 0) {
		fprintf(stderr, "FAIL: bind/listen :%u: %d\n", port, ret);
		dp_sock_close(s, DP_CLOSE_ABORT);
		return NULL;
	}
	return s;
}

struct dp_sock *
tk_accept(struct dp_sock *ls, unsigned int ms)
{
	struct dp_sock *c = NULL;
	int ret;

	dp_sock_set_opt(ls, DP_OPT_RCVTIMEO, ms);
	ret = dp_sock_accept(ls, &c, NULL, 0);
	if (ret != 0) {
		fprintf(stderr, "FAIL: accept: %d\n", ret);
		return NULL;
	}
	return bounded(c);
}

int
tk_state(struct dp_sock *s)
{
	int64_t v;

	return dp_sock_get_opt(s, DP_OPT_STATE, &v) == 0 ? (int)v : -1;
}

const char *
tk_state_name(int st)
{
	static const char *const n[] = { "CLOSED", "LISTEN", "SYN-SENT",
		"SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2",
		"CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT" };

	return st >= 0 && st < (int)(sizeof(n) / sizeof(n[0])) ? n[st] : "?";
}

int
tk_wait_state(struct dp_sock *s, int st, unsigned int ms)
{
	int cur = -1;

	for (unsigned int t = 0; t <= ms; t += 5) {
		cur = tk_state(s);
		if (cur == st)
			return 0;
		wt_sleep_ms(5);
	}
	fprintf(stderr, "FAIL: our socket is %s after %u ms, wanted %s\n",
		tk_state_name(cur), ms, tk_state_name(st));
	return -1;
}

/* A cheap PRNG: the bytes only need to make misplaced data visible. */
static void
fill(uint8_t *p, size_t n, uint64_t *x)
{
	for (size_t i = 0; i < n; i++) {
		*x ^= *x << 13;
		*x ^= *x >> 7;
		*x ^= *x << 17;
		p[i] = (uint8_t)(*x >> 24);
	}
}

long
tk_send_n(struct dp_sock *s, size_t n, char sha[65])
{
	static __thread uint8_t buf[65536];
	uint64_t x = wt_now_ns() | 1;
	struct tk_sha256 h;
	size_t done = 0;

	tk_sha256_init(&h);
	while (done < n) {
		size_t k = n - done < sizeof(buf) ? n - done : sizeof(buf);
		struct dp_iov iov = { buf, k };
		long r;

		fill(buf, k, &x);
		tk_sha256_add(&h, buf, k);
		/* A blocking stream send queues all of it or fails. */
		r = dp_sock_send(s, &iov, 1, NULL, 0);
		if (r < 0) {
			tk_sha256_hex(&h, sha);
			return r;
		}
		if ((size_t)r != k) {
			fprintf(stderr, "FAIL: blocking send queued %ld of "
				"%zu\n", r, k);
			return -EIO;
		}
		done += k;
	}
	tk_sha256_hex(&h, sha);
	return (long)done;
}

long
tk_recv_all(struct dp_sock *s, char sha[65], uint64_t *n)
{
	static __thread uint8_t buf[65536];
	struct tk_sha256 h;
	long r;

	tk_sha256_init(&h);
	*n = 0;
	for (unsigned int i = 0; i < 1000000; i++) {
		struct dp_iov iov = { buf, sizeof(buf) };

		r = dp_sock_recv(s, &iov, 1, NULL, NULL, 0);
		if (r <= 0)
			break;
		tk_sha256_add(&h, buf, (size_t)r);
		*n += (uint64_t)r;
	}
	tk_sha256_hex(&h, sha);
	return r;
}

struct sender {
	struct dp_sock *s;
	size_t n;
	struct tk_xfer *x;
};

static void *
sender_main(void *p)
{
	struct sender *sd = p;
	long r = tk_send_n(sd->s, sd->n, sd->x->ssha);

	if (r < 0) {
		sd->x->serr = r;
	} else {
		sd->x->sent = (uint64_t)r;
		dp_sock_shutdown(sd->s, false, true);
	}
	return NULL;
}

int
tk_xfer(struct dp_sock *s, size_t n, struct tk_xfer *x)
{
	struct sender sd = { s, n, x };
	uint64_t t0 = wt_now_ns();
	pthread_t th;
	long r;

	memset(x, 0, sizeof(*x));
	if (pthread_create(&th, NULL, sender_main, &sd) != 0)
		return -1;
	r = tk_recv_all(s, x->rsha, &x->recvd);
	if (r < 0)
		x->rerr = r;
	pthread_join(th, NULL);
	x->secs = (double)(wt_now_ns() - t0) / 1e9;
	return x->serr == 0 && x->rerr == 0 ? 0 : -1;
}

/* ---- ss, nft ---- */

int
tk_ss(uint16_t kport, uint16_t uport, char *out, size_t len)
{
	char buf[1024];

	/* The kernel side's view of exactly this 4-tuple. */
	if (wt_sh_out(buf, sizeof(buf), "ss -tanH src 198.18.0.1:%u "
			"dst 198.18.0.2:%u", kport, uport) != 0)
		return -1;
	snprintf(out, len, "%.*s", (int)strcspn(buf, " \n"), buf);
	return 0;
}

int
tk_wait_ss(uint16_t kport, uint16_t uport, const char *want, unsigned int ms)
{
	char st[32] = "";

	for (unsigned int t = 0; t <= ms; t += 5) {
		if (tk_ss(kport, uport, st, sizeof(st)) == 0 &&
				strcmp(st, want) == 0)
			return 0;
		wt_sleep_ms(5);
	}
	fprintf(stderr, "FAIL: Linux's socket :%u <-> :%u is '%s' after %u "
		"ms, wanted '%s'\n", kport, uport, st, ms, want);
	return -1;
}

int
tk_loss(unsigned int permille)
{
	wt_sh("nft delete table inet tk_loss 2>/dev/null");
	if (permille == 0)
		return 0;
	/* In the forward hook: the router namespace drops the way a
	 * network does. Dropping in the endpoint's own output hook would
	 * not be loss to Linux (its transmit fails and is retried). */
	return wt_sh("printf 'table inet tk_loss {\\n chain hop {\\n"
		"  type filter hook forward priority 0; policy accept;\\n"
		"  meta l4proto tcp numgen random mod 1000 < %u counter drop\\n"
		" }\\n}\\n' | nft -f -", permille) == 0 ? 0 : -1;
}

uint64_t
tk_loss_drops(void)
{
	char out[2048], *p;

	if (wt_sh_out(out, sizeof(out), "nft list table inet tk_loss "
			"2>/dev/null") != 0)
		return 0;
	p = strstr(out, "packets ");
	return p != NULL ? strtoull(p + 8, NULL, 10) : 0;
}

void
tk_counters(struct tk_counters *c)
{
	struct dp_engine *eng = dp_engine_get();
	struct dp_stats s;

	memset(c, 0, sizeof(*c));
	if (eng == NULL)
		return;
	dp_stats_sum(eng, &s);
	dp_engine_put();
	c->rexmit = s.tcp_rexmit;
	c->rto = s.tcp_rto;
	c->fast_rexmit = s.tcp_fast_rexmit;
	c->ooo_held = s.tcp_ooo_held;
	c->ooo_drop = s.tcp_ooo_drop;
	c->rx_full = s.tcp_rx_full;
	c->rst_tx = s.tcp_rst_tx;
	c->rst_rx = s.tcp_rst_rx;
	c->tx = s.tcp_tx;
	c->rx = s.tcp_rx;
	c->rto_episodes = s.tcp_rto_episodes;
	c->tlp = s.tcp_tlp;
	c->tlp_recovered = s.tcp_tlp_recovered;
	c->rack_lost = s.tcp_rack_lost;
	c->recovery = s.tcp_recovery;
	c->dsack_spurious = s.tcp_dsack_spurious;
}

void
tk_counters_diff(struct tk_counters *d, const struct tk_counters *a,
		const struct tk_counters *b)
{
	const uint64_t *pa = (const uint64_t *)a, *pb = (const uint64_t *)b;
	uint64_t *pd = (uint64_t *)d;

	for (size_t i = 0; i < sizeof(*d) / sizeof(uint64_t); i++)
		pd[i] = pb[i] - pa[i];
}

bool
tk_xfer_ok(const char *what, const struct tk_xfer *x, const char *ans,
		size_t n)
{
	char ksha[80] = "", krsha[80] = "", krecv[32] = "0";

	tk_field_str(ans, "ssha", ksha, sizeof(ksha));
	tk_field_str(ans, "rsha", krsha, sizeof(krsha));
	tk_field_str(ans, "recv", krecv, sizeof(krecv));
	if (strncmp(ans, "OK", 2) == 0 && x->serr == 0 && x->rerr == 0 &&
			x->recvd == n && x->sent == n &&
			strtoull(krecv, NULL, 10) == n &&
			strcmp(ksha, x->rsha) == 0 &&
			strcmp(krsha, x->ssha) == 0)
		return true;
	fprintf(stderr, "FAIL: %s: we sent %llu (err %ld) sha %s, received "
		"%llu (err %ld) sha %s; Linux says '%s'\n", what,
		(unsigned long long)x->sent, x->serr, x->ssha,
		(unsigned long long)x->recvd, x->rerr, x->rsha, ans);
	return false;
}

bool
tk_peer_read_all(struct uk_child *kp, struct dp_sock *s, uint64_t n,
		struct tk_sha256 *h)
{
	char ans[512] = "", sha[65], ksha[80] = "", krecv[32] = "";

	dp_sock_shutdown(s, false, true);
	if (uk_child_hear(kp, ans, sizeof(ans), 30000) != 0) {
		fprintf(stderr, "FAIL: Linux never saw the end\n");
		return false;
	}
	tk_sha256_hex(h, sha);
	tk_field_str(ans, "rsha", ksha, sizeof(ksha));
	tk_field_str(ans, "recv", krecv, sizeof(krecv));
	if (strtoull(krecv, NULL, 10) == n && strcmp(ksha, sha) == 0)
		return true;
	fprintf(stderr, "FAIL: we sent %llu bytes, sha %s; Linux says '%s'\n",
		(unsigned long long)n, sha, ans);
	return false;
}

int
tk_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}
