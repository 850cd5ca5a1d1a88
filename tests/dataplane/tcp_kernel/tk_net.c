/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The routed peers (see tk.h): namespaces held by child processes
 * (`unshare -n`, under timeout), so they die with the test even if it
 * is killed; veths into them; forwarding in ours.
 */
#include <stdlib.h>
#include <string.h>

#include "tk.h"

struct ns {
	struct uk_child *c;
	long pid;
};

static struct ns nsb, nsc;

static int
ns_new(struct ns *n, const char *veth, unsigned int net)
{
	const char *argv[] = { "unshare", "-n", "sh", "-c",
		"echo $$; exec sleep 3600", NULL };
	char line[64];

	n->c = uk_child_start(900, argv);
	if (n->c == NULL || uk_child_hear(n->c, line, sizeof(line), 5000)) {
		fprintf(stderr, "FAIL: cannot make a namespace (unshare)\n");
		return -1;
	}
	n->pid = atol(line);
	/* One segment per frame, as on the tap: the loss rule then drops
	 * segments, not 64 KB super-frames. */
	if (wt_sh("ip link add name %s0 type veth peer name %s1 netns %ld &&"
			" ip addr add 198.18.%u.1/24 dev %s0 &&"
			" ip link set dev %s0 gso_max_segs 1 up",
			veth, veth, n->pid, net, veth, veth) != 0 ||
			wt_sh("nsenter -t %ld -n sh -c 'ip link set lo up &&"
			" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 &&"
			" ip addr add 198.18.%u.2/24 dev %s1 &&"
			" ip link set dev %s1 gso_max_segs 1 up &&"
			" ip route add default via 198.18.%u.1'", n->pid, net,
			veth, veth, net) != 0) {
		fprintf(stderr, "FAIL: cannot set up veth %s\n", veth);
		return -1;
	}
	return 0;
}

static void
ns_end(struct ns *n, const char *veth)
{
	if (n->c == NULL)
		return;
	wt_sh("ip link del %s0 2>/dev/null", veth);
	uk_child_end(n->c, 100);
	n->c = NULL;
	n->pid = 0;
}

int
tk_routed_up(void)
{
	if (wt_sh("sysctl -qw net.ipv4.ip_forward=1") != 0 ||
			ns_new(&nsb, "tkb", 1) != 0 ||
			ns_new(&nsc, "tkc", 2) != 0) {
		tk_routed_down();
		return -1;
	}
	return 0;
}

void
tk_routed_down(void)
{
	tk_loss(0);
	ns_end(&nsb, "tkb");
	ns_end(&nsc, "tkc");
}

long
tk_ns_b(void)
{
	return nsb.pid;
}

long
tk_ns_c(void)
{
	return nsc.pid;
}

long long
tk_tcpext(long pid, const char *name)
{
	char out[64] = "";

	/* The first TcpExt line names the fields, the second holds them. */
	if (pid == 0 || wt_sh_out(out, sizeof(out), "nsenter -t %ld -n awk "
			"'/^TcpExt:/ { if (!h) { for (i = 2; i <= NF; i++) "
			"if ($i == \"%s\") f = i; h = 1 } else if (f) "
			"print $f }' /proc/net/netstat", pid, name) != 0 ||
			out[0] < '0' || out[0] > '9')
		return -1;
	return strtoll(out, NULL, 10);
}

double
tk_baseline_xfer(uint16_t port, size_t n)
{
	return tk_baseline_xfer_gap(port, n, NULL);
}

double
tk_baseline_xfer_gap(uint16_t port, size_t n, double *gap_ms)
{
	struct uk_child *srv = tk_peer_start(nsb.pid, "198.18.1.2");
	struct uk_child *cli = tk_peer_start(nsc.pid, "198.18.2.2");
	char a[512], b[512], x[80], y[80], secs[32];
	double t = -1;

	if (srv == NULL || cli == NULL ||
			tk_peer(srv, a, sizeof(a), 5000, "listen %u", port) ||
			tk_peer(cli, a, sizeof(a), 5000, "connect 198.18.1.2 %u",
				port) ||
			tk_peer(srv, a, sizeof(a), 5000, "accept"))
		goto out;
	/* Both at once; each answers when its two directions are done. */
	snprintf(x, sizeof(x), "xfer %zu", n);
	if (uk_child_say(srv, x) != 0 || uk_child_say(cli, x) != 0 ||
			uk_child_hear(cli, b, sizeof(b), 120000) != 0 ||
			uk_child_hear(srv, a, sizeof(a), 120000) != 0) {
		fprintf(stderr, "FAIL: baseline transfer did not finish\n");
		goto out;
	}
	if (strncmp(a, "OK", 2) != 0 || strncmp(b, "OK", 2) != 0 ||
			tk_field_str(a, "rsha", x, sizeof(x)) != 0 ||
			tk_field_str(b, "ssha", y, sizeof(y)) != 0 ||
			strcmp(x, y) != 0 ||
			tk_field_str(b, "rsha", x, sizeof(x)) != 0 ||
			tk_field_str(a, "ssha", y, sizeof(y)) != 0 ||
			strcmp(x, y) != 0 ||
			tk_field_str(b, "secs", secs, sizeof(secs)) != 0) {
		fprintf(stderr, "FAIL: baseline: server '%s', client '%s'\n",
			a, b);
		goto out;
	}
	t = atof(secs);
	if (gap_ms != NULL && tk_field_str(a, "gap", x, sizeof(x)) == 0 &&
			tk_field_str(b, "gap", y, sizeof(y)) == 0)
		*gap_ms = atof(x) > atof(y) ? atof(x) : atof(y);
out:
	tk_peer_end(srv);
	tk_peer_end(cli);
	return t;
}

int
tk_routed_engine_up(void)
{
	if (tk_engine_up() != 0)
		return -1;
	if (tk_routed_up() != 0) {
		tk_engine_down();
		return -1;
	}
	return 0;
}

int
tk_routed_engine_down(void)
{
	tk_routed_down();
	tk_engine_down();
	return 0;
}
