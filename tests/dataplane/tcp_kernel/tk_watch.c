/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A transfer watched while it runs (tk.h, tk_xfer_watched): the socket's
 * counters sampled every TK_WATCH_US, so the tests can tell when
 * progress stopped (a stall) and what happened after the first D-SACK.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dp_core.h"
#include "dp_sock_priv.h"
#include "dp_tcp.h"

#include "tk.h"

#define TK_WATCH_US	500
#define TK_STALL_US	(10 * 1000 * 1000)	/* then say what both ends hold */

struct run {
	struct dp_sock *s;
	size_t n;
	struct tk_xfer *x;
	int done;
};

/* A transfer that has not moved for TK_STALL_US: our TCBs as the owner
 * sees them and Linux's view (ss), once, so a stall that only a loaded
 * machine shows can be read from the log. */
static void
stall_dump(const char *dir, uint64_t us)
{
	struct dp_tcp_tel v[8];
	uint32_t total, by[DP_TCP_TIME_WAIT + 1];
	struct dp_engine *eng = dp_engine_get();
	char ss[4096] = "";
	unsigned int n;

	fprintf(stderr, "STALL: no %s progress for %.1f s\n", dir,
		(double)us / 1e6);
	if (eng == NULL)
		return;
	n = dp_tcp_tel_dump(eng, 0, v, RTE_DIM(v), &total, by);
	dp_engine_put();
	for (unsigned int i = 0; i < n && i < RTE_DIM(v); i++)
		fprintf(stderr, "  ours: %s :%u<->:%u snd una %u nxt %u max "
			"%u wnd %u cwnd %u flight %u rto %u us | rcv nxt %u "
			"wnd %u ooo %u/%u | in %llu out %llu rexmit %llu "
			"rto# %llu zwp %u\n",
			dp_tcp_state_name(v[i].state), v[i].local.port,
			v[i].peer.port, v[i].snd_una, v[i].snd_nxt,
			v[i].snd_max, v[i].snd_wnd, v[i].cwnd, v[i].in_flight,
			v[i].rto_us, v[i].rcv_nxt, v[i].rcv_wnd,
			v[i].ooo_bytes, v[i].ooo_segs,
			(unsigned long long)v[i].bytes_in,
			(unsigned long long)v[i].bytes_out,
			(unsigned long long)v[i].rexmit_segs,
			(unsigned long long)v[i].rto, v[i].zwp_out);
	wt_sh_out(ss, sizeof(ss), "ss -tniH src 198.18.0.1");
	fprintf(stderr, "  Linux:\n%s\n", ss);
}

static void *
run_main(void *p)
{
	struct run *r = p;

	tk_xfer(r->s, r->n, r->x);
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

int
tk_xfer_watched(struct dp_sock *s, size_t n, struct tk_xfer *x,
		struct tk_watch *w)
{
	struct run r = { s, n, x, 0 };
	uint64_t t0 = wt_now_ns() / 1000, rx_t, tx_t, rx_last = 0;
	uint64_t txq_last = UINT64_MAX;
	bool said = false;
	struct dp_sock_stats st;
	pthread_t th;

	memset(w, 0, sizeof(*w));
	if (pthread_create(&th, NULL, run_main, &r) != 0)
		return -1;
	rx_t = tx_t = t0;
	/* Bounded: tk_xfer's calls give up after TK_TIMEO_MS each. */
	while (!__atomic_load_n(&r.done, __ATOMIC_ACQUIRE)) {
		uint64_t now = wt_now_ns() / 1000;
		uint64_t txq = __atomic_load_n(&s->tx_bytes_q,
			__ATOMIC_ACQUIRE);

		dp_sock_stats_get(s, &st);
		/* In: bytes delivered, from the first until all n came
		 * (the peer may take a while to start). Out: what is
		 * queued or unACKed moves (an ACK, or room the sender
		 * filled after one), or is nothing (all ACKed). */
		if (st.rx_bytes != rx_last || st.rx_bytes >= n ||
				st.rx_bytes == 0) {
			rx_last = st.rx_bytes;
			rx_t = now;
		}
		if (txq != txq_last || txq == 0) {
			txq_last = txq;
			tx_t = now;
		}
		if (now - rx_t > w->gap_rx_us)
			w->gap_rx_us = now - rx_t;
		if (now - tx_t > w->gap_tx_us)
			w->gap_tx_us = now - tx_t;
		if (!said && (w->gap_rx_us > TK_STALL_US ||
				w->gap_tx_us > TK_STALL_US)) {
			stall_dump(w->gap_rx_us > TK_STALL_US ? "receive" :
				"send", RTE_MAX(w->gap_rx_us, w->gap_tx_us));
			said = true;
		}
		if (w->dsack_us == 0 && st.tcp_dsack_spurious != 0) {
			w->dsack_us = now - t0;
			w->first = st;
		}
		usleep(TK_WATCH_US);
	}
	pthread_join(th, NULL);
	dp_sock_stats_get(s, &w->end);
	return x->serr == 0 && x->rerr == 0 ? 0 : -1;
}

void
tk_fault_stats(struct drv_fault_stats *rx, struct drv_fault_stats *tx)
{
	struct dp_engine *eng = dp_engine_get();

	memset(rx, 0, sizeof(*rx));
	memset(tx, 0, sizeof(*tx));
	if (eng == NULL)
		return;
	if (eng->port != NULL && eng->port->fault != NULL)
		drv_fault_stats_get(eng->port->fault, rx, tx);
	dp_engine_put();
}

void
tk_lcore_sched(uint64_t *run_ns, uint64_t *wait_ns)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;

	*run_ns = *wait_ns = 0;
	if (d == NULL)
		return;
	/* Bounded by the process's threads. */
	while ((e = readdir(d)) != NULL) {
		char path[300], comm[32] = "";
		unsigned long long run = 0, wait = 0;
		FILE *f;

		snprintf(path, sizeof(path), "/proc/self/task/%s/comm",
			e->d_name);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		if (fgets(comm, sizeof(comm), f) == NULL)
			comm[0] = '\0';
		fclose(f);
		if (strncmp(comm, "rte-worker", 10) != 0)
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/schedstat",
			e->d_name);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		if (fscanf(f, "%llu %llu", &run, &wait) == 2) {
			*run_ns += run;
			*wait_ns += wait;
		}
		fclose(f);
	}
	closedir(d);
}
