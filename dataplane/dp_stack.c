/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The stack, assembled: the one file that names every layer. The core
 * runs whatever layers it is given; here they are, bottom up, and the
 * protocols the socket layer serves.
 *
 *   core  engine, EAL, lcore loop, timers, mbufs (dataplane/core)
 *   net   Ethernet, ARP, IPv4, ICMP                (dataplane/net)
 *   sock  the generic socket, demux, rings, waits  (dataplane/sock)
 *   udp   UDP, multicast membership, IGMP          (dataplane/udp)
 *   tcp   TCP                                      (dataplane/tcp)
 */
#include "dp_core.h"
#include "dp_net.h"
#include "dp_stack.h"
#include "dp_tcp.h"
#include "dp_udp.h"

static const struct dp_layer *const layers[] = {
	&dp_net_layer,
	&dp_sock_layer,
	&dp_udp_layer,
	&dp_tcp_layer,
};

/*
 * A burst from the port, frame by frame through the layers; UDP gathers
 * what it delivers over the burst and queues it at the end (one ring
 * enqueue per run of datagrams to one socket), before anything else in
 * the iteration (a connect's filter, a close's drain) looks at the
 * sockets.
 */
static void
stack_rx(struct dp_lcore *lc, struct rte_mbuf **pkts, uint16_t n)
{
	dp_udp_rx_begin(lc);
	dp_eth_input_burst(lc, pkts, n);
	dp_udp_rx_end(lc);
}

static const struct dp_stack stack = {
	.rx = stack_rx,
	.tx_stamp = dp_sock_tstamp_flush,
	.layers = layers,
	.nb_layers = RTE_DIM(layers),
};

static int
start(const struct dp_conf *conf, bool driven)
{
	int ret = dp_sock_proto_register(&dp_udp_ops);

	if (ret == 0)
		ret = dp_sock_proto_register(&dp_tcp_ops);

	return ret != 0 ? ret : dp_engine_start(conf, &stack, driven);
}

int
dp_start(const struct dp_conf *conf)
{
	return start(conf, false);
}

struct dp_engine *
dp_start_driven(const struct dp_conf *conf)
{
	return start(conf, true) == 0 ? dp_engine_running() : NULL;
}

void
dp_stop(void)
{
	dp_engine_stop();
}
