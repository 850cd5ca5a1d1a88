/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Engine lifecycle: dp_start() / dp_stop() (DESIGN.md "Lifecycle").
 *
 *   start: conf check -> EAL (once) -> mbuf pool -> port -> lcores ->
 *          each layer's create, bottom up -> lcores launched ->
 *          published for telemetry
 *   stop:  each layer's quiesce -> drain (every layer idle, TX buffers
 *          empty) -> each layer's abort -> unpublished -> lcores stopped
 *          (a last iteration each, rte_eal_wait_lcore) -> port
 *          stopped/closed/removed -> each layer's destroy, top down ->
 *          lcores, pool freed
 *
 * The engine is a process singleton because the provider is: one
 * dataplane per process. It is published through eng_cur so that
 * telemetry (its own thread) never reads a structure being freed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_pause.h>
#include <rte_rcu_qsbr.h>
#include <rte_spinlock.h>

#include "dp_core.h"
#include "dp_eal.h"
#include "dp_os.h"
#include "dp_telemetry.h"
#include "dp_tsan.h"

#define MBUF_CACHE	256

/* The heap's sync object for TSan (dp_tsan.h); never read or written. */
char dp_tsan_heap;

static rte_spinlock_t eng_lock = RTE_SPINLOCK_INITIALIZER;
static struct dp_engine *eng_cur;		/* under eng_lock */
static struct dp_engine *eng_run;		/* (a) written under the
					 * lifecycle lock (caller) */
static struct dp_lifecycle lifecycle;		/* under eng_lock */
static uint64_t generation;			/* lifecycle lock */

/*
 * The gate application threads pass to use the running engine. A call
 * enters (counted) before it looks at the engine; dp_engine_gate_close()
 * turns new calls away and dp_engine_gate_drain() waits for those inside
 * to leave, so dp_stop() frees nothing a call still uses. Its own line:
 * every data call writes it.
 */
static struct {
	uint32_t calls;		/* (a) calls inside */
	bool closed;		/* (a) dp_stop() is coming */
} gate __rte_cache_aligned = { .closed = true };

struct dp_engine *
dp_engine_enter(void)
{
	struct dp_engine *eng;

	/* Dekker with gate_close(): either it sees our count, or we see
	 * the gate closed. */
	__atomic_fetch_add(&gate.calls, 1, __ATOMIC_SEQ_CST);
	eng = __atomic_load_n(&eng_run, __ATOMIC_SEQ_CST);
	if (eng == NULL || __atomic_load_n(&gate.closed, __ATOMIC_SEQ_CST)) {
		__atomic_fetch_sub(&gate.calls, 1, __ATOMIC_RELEASE);
		return NULL;
	}
	return eng;
}

void
dp_engine_exit(void)
{
	__atomic_fetch_sub(&gate.calls, 1, __ATOMIC_RELEASE);
}

bool
dp_engine_closing(void)
{
	return __atomic_load_n(&gate.closed, __ATOMIC_ACQUIRE);
}

void
dp_engine_gate_close(void)
{
	__atomic_store_n(&gate.closed, true, __ATOMIC_SEQ_CST);
}

void
dp_engine_gate_drain(void)
{
	while (__atomic_load_n(&gate.calls, __ATOMIC_ACQUIRE) != 0)
		rte_pause();
}

struct dp_engine *
dp_engine_get(void)
{
	rte_spinlock_lock(&eng_lock);
	if (eng_cur == NULL) {
		rte_spinlock_unlock(&eng_lock);
		return NULL;
	}
	return eng_cur;
}

void
dp_engine_put(void)
{
	rte_spinlock_unlock(&eng_lock);
}

void
dp_lifecycle_get(struct dp_lifecycle *out)
{
	rte_spinlock_lock(&eng_lock);
	*out = lifecycle;
	rte_spinlock_unlock(&eng_lock);
}

bool
dp_running(void)
{
	return __atomic_load_n(&eng_run, __ATOMIC_ACQUIRE) != NULL;
}

struct dp_engine *
dp_engine_running(void)
{
	return __atomic_load_n(&eng_run, __ATOMIC_ACQUIRE);
}

void
dp_stats_sum(const struct dp_engine *eng, struct dp_stats *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (unsigned int i = 0; i < eng->nb_lcores; i++) {
		struct dp_stats s;

		dp_stats_read(&eng->lcores[i]->stats, &s);
#define DP_STATS_ADD(name) sum->name += s.name;
		DP_STATS_FOREACH(DP_STATS_ADD)
#undef DP_STATS_ADD
	}
}

static void
addresses(struct dp_engine *eng)
{
	const struct dp_conf *c = &eng->conf;
	uint32_t mask = c->ip4_prefix == 0 ? 0 :
		~(uint32_t)0 << (32 - c->ip4_prefix);

	eng->ip4 = rte_cpu_to_be_32(c->ip4);
	eng->netmask = rte_cpu_to_be_32(mask);
	/* A /31 or /32 has no broadcast address of its own (RFC 3021). */
	eng->bcast = c->ip4_prefix >= 31 ? RTE_BE32(0xffffffff) :
		rte_cpu_to_be_32(c->ip4 | ~mask);
	eng->gateway = rte_cpu_to_be_32(c->gateway);
}

/*
 * Packet timestamps are the TSC read by the lcores (dp_lcore_rx_stamp,
 * the stack's tx_stamp). A port that timestamps in hardware says so;
 * its timestamps are not used yet (they need the offload, the dynamic
 * mbuf field, and rte_eth_read_clock to relate them to the TSC).
 */
const char *
dp_engine_tstamp_source(const struct dp_engine *eng)
{
	return eng->port->rx_tstamp_capa ?
		"software (port's hardware RX timestamps not used)" :
		"software (port has no hardware RX timestamps)";
}

static void
banner(const struct dp_engine *eng, uint64_t us)
{
	const struct drv_port *p = eng->port;
	char gw[32] = "none", cores[128] = "";
	size_t off = 0;
	uint32_t ip = eng->conf.ip4, g = eng->conf.gateway;

	if (g != 0)
		snprintf(gw, sizeof(gw), "%u.%u.%u.%u", g >> 24,
			(g >> 16) & 0xff, (g >> 8) & 0xff, g & 0xff);
	for (unsigned int i = 0; i < eng->nb_lcores && off < sizeof(cores); i++)
		off += (size_t)snprintf(cores + off, sizeof(cores) - off,
			"%slcore %u on cpu %u", i ? ", " : "",
			eng->lcores[i]->lcore_id, dp_eal_lcore_cpu(i));
	DP_LOG(NOTICE, "accelerated: device %s (%s) mac "
		RTE_ETHER_ADDR_PRT_FMT " ipv4 %u.%u.%u.%u/%u gateway %s mtu %u",
		p->name, p->driver, RTE_ETHER_ADDR_BYTES(&eng->mac), ip >> 24,
		(ip >> 16) & 0xff, (ip >> 8) & 0xff, ip & 0xff,
		eng->conf.ip4_prefix, gw, eng->mtu);
	DP_LOG(NOTICE, "accelerated: %u queue pair(s) (%s), flows %s, "
		"%u mbufs, checksum offload rx %s tx %s, timestamps %s, "
		"telemetry prefix %s, up in %.1f ms", p->nb_queues, cores,
		p->rss == DRV_RSS_HW ? "by NIC RSS" : p->rss == DRV_RSS_PEER ?
		"by the peer's RSS" : "not placed", eng->conf.nb_mbufs,
		eng->rx_cksum_offload ? "on" : "off",
		eng->ip_cksum_offload ? "on" : "off",
		dp_engine_tstamp_source(eng), dp_eal_prefix(),
		(double)us / 1000.0);
}

static void
engine_free(struct dp_engine *eng)
{
	unsigned int in_use;

	if (eng->port != NULL)
		drv_port_close(eng->port);
	for (unsigned int i = eng->stack->nb_layers; i-- > 0; )
		if (eng->stack->layers[i]->destroy != NULL)
			eng->stack->layers[i]->destroy(eng);
	for (unsigned int i = 0; i < eng->nb_lcores; i++)
		dp_lcore_free(eng->lcores[i]);
	dp_free(eng->qsbr);
	if (eng->mp != NULL) {
		/* Every mbuf must be home before the pool goes: one that is
		 * not is a leak somewhere above, and would dangle. */
		in_use = rte_mempool_in_use_count(eng->mp);
		if (in_use != 0) {
			DP_LOG(ERR, "%u mbufs not returned at stop", in_use);
			rte_spinlock_lock(&eng_lock);
			lifecycle.mbufs_lost += in_use;
			rte_spinlock_unlock(&eng_lock);
		}
		rte_mempool_free(eng->mp);
	}
	free(eng);
}

static int
create_lcores(struct dp_engine *eng)
{
	unsigned int lcore_id, i = 0;
	ssize_t sz = rte_rcu_qsbr_get_memsize(eng->nb_lcores);

	/* Every lcore is registered; one counts for grace periods only
	 * while it runs (online), so lcores nobody launches never hold
	 * one up. */
	eng->qsbr = sz < 0 ? NULL : dp_zmalloc("dp_qsbr", (size_t)sz,
		RTE_CACHE_LINE_SIZE);
	if (eng->qsbr == NULL ||
			rte_rcu_qsbr_init(eng->qsbr, eng->nb_lcores) != 0)
		return -ENOMEM;
	RTE_LCORE_FOREACH_WORKER(lcore_id) {
		if (i == eng->nb_lcores)
			break;
		eng->lcores[i] = dp_lcore_create(eng, i, lcore_id);
		if (eng->lcores[i] == NULL ||
				rte_rcu_qsbr_thread_register(eng->qsbr, i) != 0)
			return -ENOMEM;
		i++;
	}
	return i == eng->nb_lcores ? 0 : -ENODEV;
}

/* The port's key and table, so a flow's lcore is known in software. */
static int
flow_placement(struct dp_engine *eng)
{
	const struct drv_port *p = eng->port;

	if (p->rss == DRV_RSS_NONE)
		return dp_rss_init(&eng->rss, NULL, 0, NULL, 0, p->nb_queues);
	return dp_rss_init(&eng->rss, drv_rss_key, p->rss_key_len,
		p->rss_reta, p->rss_reta_size, p->nb_queues);
}

static int
engine_create(struct dp_engine *eng)
{
	struct drv_port_conf pc;
	uint32_t room;
	int ret;

	/* One mbuf holds a whole frame of the MTU (a VLAN tag's slack
	 * included), so nothing built or received ever needs a chain. */
	room = RTE_MAX((uint32_t)RTE_MBUF_DEFAULT_BUF_SIZE,
		(uint32_t)RTE_PKTMBUF_HEADROOM + eng->conf.mtu +
		RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN + RTE_ETHER_CRC_LEN);
	eng->mp = rte_pktmbuf_pool_create("wspdk_mbuf", eng->conf.nb_mbufs,
		MBUF_CACHE, RTE_ALIGN(sizeof(struct dp_mbuf_priv),
		RTE_MBUF_PRIV_ALIGN), (uint16_t)room, SOCKET_ID_ANY);
	if (eng->mp == NULL) {
		DP_LOG(ERR, "cannot create %u mbufs (%s): are hugepages "
			"reserved (/proc/sys/vm/nr_hugepages)?",
			eng->conf.nb_mbufs, rte_strerror(rte_errno));
		return -ENOMEM;
	}
	pc = (struct drv_port_conf){
		.device = eng->conf.device,
		.mp = eng->mp,
		.nb_queues = (uint16_t)eng->nb_lcores,
		.nb_rxd = eng->conf.nb_rxd,
		.nb_txd = eng->conf.nb_txd,
		.mtu = eng->conf.mtu,
		.fault = eng->conf.fault,
	};
	ret = drv_port_open(&pc, &eng->port);
	if (ret != 0) {
		DP_LOG(ERR, "cannot open device '%s': %s", eng->conf.device,
			rte_strerror(-ret));
		return ret == -EINVAL ? -EINVAL : -ENODEV;
	}
	eng->mac = eng->port->mac;
	/* A port that could not take the MTU asked for has its own:
	 * smaller, we use it; larger, our mbufs are sized for ours. */
	eng->mtu = RTE_MIN(eng->port->mtu, eng->conf.mtu);
	eng->ip_cksum_offload = (eng->port->tx_offloads &
		RTE_ETH_TX_OFFLOAD_IPV4_CKSUM) != 0;
	eng->udp_cksum_offload = (eng->port->tx_offloads &
		RTE_ETH_TX_OFFLOAD_UDP_CKSUM) != 0;
	eng->rx_cksum_offload = (eng->port->rx_offloads &
		RTE_ETH_RX_OFFLOAD_IPV4_CKSUM) != 0;
	ret = flow_placement(eng);
	if (ret == 0)
		ret = create_lcores(eng);
	for (unsigned int i = 0; ret == 0 && i < eng->stack->nb_layers; i++)
		if (eng->stack->layers[i]->create != NULL)
			ret = eng->stack->layers[i]->create(eng);
	return ret;
}

/* Each layer's lcore_start, on this lcore (driven: on the caller). */
void
dp_engine_lcore_start(struct dp_lcore *lc)
{
	const struct dp_stack *st = lc->eng->stack;

	for (unsigned int i = 0; i < st->nb_layers; i++)
		if (st->layers[i]->lcore_start != NULL)
			st->layers[i]->lcore_start(lc);
}

int
dp_engine_start(const struct dp_conf *conf, const struct dp_stack *st,
		bool driven)
{
	struct dp_engine *eng;
	char err[256];
	uint64_t t0;
	int ret;

	if (eng_run != NULL)
		return -EBUSY;
	if (dp_conf_check(conf, err, sizeof(err)) != 0) {
		DP_LOG(ERR, "configuration: %s", err);
		return -EINVAL;
	}
	dp_log_set_level((enum dp_log_level)conf->log_level);
	t0 = dp_os_now_us();
	ret = dp_eal_init(conf);
	if (ret != 0)
		return ret;
	dp_telemetry_register(st);
	eng = calloc(1, sizeof(*eng));
	if (eng == NULL)
		return -ENOMEM;
	eng->conf = *conf;
	eng->stack = st;
	eng->driven = driven;
	eng->gen = ++generation;
	eng->nb_lcores = dp_eal_nb_lcores();
	if (conf->nb_lcores != 0 && conf->nb_lcores != eng->nb_lcores)
		DP_LOG(WARNING, "WSPDK_LCORES changed after EAL start; "
			"keeping %u lcore(s)", eng->nb_lcores);
	eng->tsc_hz = rte_get_tsc_hz();
	dp_timer_clock_init(&eng->us_clock, eng->tsc_hz);
	/* A driven engine's lcores are stepped by their test alone. */
	eng->rtc = !driven && conf->rtc > 0;
	eng->rtc_idle = eng->tsc_hz / 1000000 * DP_RTC_IDLE_US;
	/* Run to completion's spinners drive its lcores: they poll. */
	if (!driven && !eng->rtc && conf->lcore_sleep_us > 0)
		eng->sleep_after = eng->tsc_hz / 1000000 *
			(uint64_t)conf->lcore_sleep_us;
	addresses(eng);
	ret = engine_create(eng);
	if (ret != 0) {
		engine_free(eng);
		return ret;
	}
	/* A driven engine's lcores start here, on the thread that will
	 * step them. */
	for (unsigned int i = 0; driven && i < eng->nb_lcores; i++)
		dp_engine_lcore_start(eng->lcores[i]);
	for (unsigned int i = 0; !driven && i < eng->nb_lcores; i++) {
		/* EAL's launch (a pipe) is a handoff TSan cannot see. */
		DP_TSAN_RELEASE(eng->lcores[i]);
		ret = rte_eal_remote_launch(dp_lcore_main, eng->lcores[i],
			eng->lcores[i]->lcore_id);
		if (ret != 0) {
			DP_LOG(ERR, "lcore %u is busy", eng->lcores[i]->lcore_id);
			for (unsigned int j = 0; j < i; j++) {
				__atomic_store_n(&eng->lcores[j]->stop, true,
					__ATOMIC_RELEASE);
				rte_eal_wait_lcore(eng->lcores[j]->lcore_id);
				DP_TSAN_ACQUIRE(eng->lcores[j]);
			}
			engine_free(eng);
			return -EBUSY;
		}
	}
	__atomic_store_n(&eng_run, eng, __ATOMIC_RELEASE);
	__atomic_store_n(&gate.closed, false, __ATOMIC_SEQ_CST);
	rte_spinlock_lock(&eng_lock);
	eng_cur = eng;
	lifecycle.starts++;
	lifecycle.last_start_us = dp_os_now_us() - t0;
	rte_spinlock_unlock(&eng_lock);
	banner(eng, lifecycle.last_start_us);
	return 0;
}

/* Every frame that graceful sockets queued, and every frame the stack
 * holds, has reached the port. */
bool
dp_engine_flushed(struct dp_engine *eng)
{
	const struct dp_stack *st = eng->stack;

	for (unsigned int i = 0; i < st->nb_layers; i++)
		if (st->layers[i]->busy != NULL && st->layers[i]->busy(eng))
			return false;
	for (unsigned int i = 0; i < eng->nb_lcores; i++)
		if (__atomic_load_n(&eng->lcores[i]->tx_n, __ATOMIC_ACQUIRE))
			return false;
	return true;
}

static void
drain(struct dp_engine *eng)
{
	uint64_t deadline = dp_os_now_us() + (uint64_t)eng->conf.cleanup_ms * 1000;
	const struct dp_stack *st = eng->stack;

	while (!dp_engine_flushed(eng)) {
		if (dp_os_now_us() >= deadline) {
			DP_LOG(WARNING, "cleanup deadline (%u ms) passed with "
				"data still queued; it is dropped",
				eng->conf.cleanup_ms);
			break;
		}
		rte_delay_us_sleep(100);
	}
	/* What is left ends abortively while the lcores still run (TCP:
	 * RST, so no peer keeps a connection we forgot). The last burst
	 * goes on the wire in the iteration each lcore runs once it sees
	 * its stop flag (dp_lcore_main): no grace period here, which would
	 * wait for every lcore a second time. */
	for (unsigned int i = 0; i < st->nb_layers; i++)
		if (st->layers[i]->abort != NULL)
			st->layers[i]->abort(eng);
}

void
dp_engine_stop(void)
{
	struct dp_engine *eng = eng_run;
	uint64_t t0 = dp_os_now_us();

	if (eng == NULL)
		return;
	/* Nobody enters any more; whoever is inside has left (the layers
	 * interrupt their blocked calls first). */
	dp_engine_gate_close();
	/* Sleeping lcores poll from here on (dp_lcore_idle): the
	 * drain's work is theirs. */
	for (unsigned int i = 0; i < eng->nb_lcores; i++)
		dp_lcore_wake(eng->lcores[i]);
	for (unsigned int i = eng->stack->nb_layers; i-- > 0; )
		if (eng->stack->layers[i]->quiesce != NULL)
			eng->stack->layers[i]->quiesce(eng);
	dp_engine_gate_drain();
	drain(eng);
	rte_spinlock_lock(&eng_lock);
	eng_cur = NULL;
	rte_spinlock_unlock(&eng_lock);
	for (unsigned int i = 0; i < eng->nb_lcores; i++) {
		__atomic_store_n(&eng->lcores[i]->stop, true,
			__ATOMIC_RELEASE);
		dp_lcore_wake(eng->lcores[i]);
	}
	for (unsigned int i = 0; i < eng->nb_lcores; i++) {
		rte_eal_wait_lcore(eng->lcores[i]->lcore_id);
		DP_TSAN_ACQUIRE(eng->lcores[i]);
	}
	/* Unpublished before it is freed: a late caller finds no engine. */
	__atomic_store_n(&eng_run, NULL, __ATOMIC_SEQ_CST);
	engine_free(eng);
	rte_spinlock_lock(&eng_lock);
	lifecycle.stops++;
	lifecycle.last_stop_us = dp_os_now_us() - t0;
	rte_spinlock_unlock(&eng_lock);
	DP_LOG(INFO, "down in %.1f ms", (double)lifecycle.last_stop_us /
		1000.0);
}
