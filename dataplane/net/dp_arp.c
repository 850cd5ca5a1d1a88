/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARP (RFC 826, RFC 1122 §2.3.2, RFC 5227 announcements): answer for our
 * address, keep the neighbour cache, resolve next hops others ask for.
 *
 * One writer: every change to the cache happens on lcore 0. Other lcores
 * read entries lock-free (a per-entry sequence count, written only by
 * lcore 0) and hand lcore 0 what they cannot do themselves: received ARP
 * frames (dp_lcore_redirect) and requests to resolve a next hop (the
 * requests ring, one address each). Frames never wait here: each lcore
 * holds its own until their next hop resolves (dp_arp_hold.c).
 *
 * The table is open-addressed with bounded linear probing. Slots are
 * never emptied, only re-keyed under the sequence count, so a reader's
 * probe chain is never cut short by a concurrent eviction.
 *
 *   dp_eth_input -> dp_arp_input              (lcore 0)
 *   dp_arp_hold_add -> dp_arp_resolve         (any lcore)
 *   each iteration -> dp_arp_poll             (lcore 0: requests)
 *   every ARP_SCAN_MS -> scan (a timer)       (lcore 0: expiry)
 */
#include <string.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dp_net.h"
#include "dp_telemetry.h"
#include "dp_tsan.h"

#define ARP_SIZE	1024		/* entries, power of two */
#define ARP_PROBE	8		/* slots a key may be away from home */
#define ARP_RETRIES	3		/* requests before giving up */
#define ARP_RETRY_MS	1000
#define ARP_HOLD_MS	1000		/* FAILED: drop without asking again */
#define ARP_SCAN_MS	10		/* timer scan period */
#define ARP_REQUESTS	1024		/* posted resolve requests */

enum arp_state {
	ARP_EMPTY,
	ARP_INCOMPLETE,
	ARP_REACHABLE,
	ARP_STALE,
	ARP_FAILED,
	ARP_STATIC,
};

static const char *const arp_state_names[] = {
	[ARP_EMPTY] = "empty",
	[ARP_INCOMPLETE] = "incomplete",
	[ARP_REACHABLE] = "reachable",
	[ARP_STALE] = "stale",
	[ARP_FAILED] = "failed",
	[ARP_STATIC] = "static",
};

/*
 * An entry as lcore 0 keeps it, and as other lcores read it without a
 * lock: ip and link are its published words, both atomic. A re-key
 * first zeroes ip, then publishes the new link (release), then the new
 * ip (release); a reader loads ip, then link (acquire), then ip again,
 * and takes the link only if ip held its key both times -- a link it
 * saw from a re-key would come after the zero, which the second load
 * would see. No fences, no retry loop, nothing TSan cannot follow.
 */
struct arp_entry {
	uint32_t ip;			/* (0, atomic) network order, 0 =
					 * empty or being re-keyed */
	uint64_t link;			/* (0, atomic) MAC << 8 | state */
	struct rte_ether_addr mac;	/* (0) lcore 0's own copies */
	uint8_t state;			/* (0) enum arp_state */
	uint8_t probes;			/* (0) requests sent this round */
	uint64_t expire;		/* (0) TSC of the next state change */
	uint64_t used;			/* (0) last output through it */
};

struct dp_arp_table {
	struct rte_ring *requests;	/* (a) MP/SC: next hops to resolve */
	struct arp_entry e[ARP_SIZE];
};

static inline uint32_t
slot_of(uint32_t ip, unsigned int i)
{
	uint32_t h = rte_be_to_cpu_32(ip) * 2654435761u;

	return (h + i) & (ARP_SIZE - 1);
}

static uint64_t
ms_to_tsc(const struct dp_engine *eng, uint64_t ms)
{
	return eng->tsc_hz / 1000 * ms;
}

static uint64_t
link_of(const struct rte_ether_addr *mac, uint8_t state)
{
	uint64_t v = 0;

	memcpy(&v, mac, sizeof(*mac));
	return v << 8 | state;
}

/* Lock-free read of the entry for ip; returns its state (EMPTY: none). */
static enum arp_state
read_entry(const struct dp_arp_table *t, uint32_t ip,
		struct rte_ether_addr *mac)
{
	for (unsigned int i = 0; i < ARP_PROBE; i++) {
		const struct arp_entry *e = &t->e[slot_of(ip, i)];
		uint32_t key = __atomic_load_n(&e->ip, __ATOMIC_ACQUIRE);
		uint64_t link, hw;

		if (key == 0)
			break;
		if (key != ip)
			continue;
		link = __atomic_load_n(&e->link, __ATOMIC_ACQUIRE);
		if (__atomic_load_n(&e->ip, __ATOMIC_RELAXED) != ip)
			break;	/* re-keyed meanwhile: as if not found */
		hw = link >> 8;
		memcpy(mac, &hw, sizeof(*mac));
		return (enum arp_state)(link & 0xff);
	}
	return ARP_EMPTY;
}

/* Lcore 0: the entry for ip, or NULL. */
static struct arp_entry *
find(struct dp_arp_table *t, uint32_t ip)
{
	for (unsigned int i = 0; i < ARP_PROBE; i++) {
		struct arp_entry *e = &t->e[slot_of(ip, i)];

		if (e->ip == ip)
			return e;
		if (e->ip == 0)
			break;
	}
	return NULL;
}

static bool
evictable(const struct arp_entry *e)
{
	return e->state == ARP_STALE || e->state == ARP_FAILED;
}

/* Lcore 0: a slot for a new key: empty, else the least recently used
 * evictable entry of the probe window. */
static struct arp_entry *
claim(struct dp_arp_table *t, uint32_t ip)
{
	struct arp_entry *victim = NULL;

	for (unsigned int i = 0; i < ARP_PROBE; i++) {
		struct arp_entry *e = &t->e[slot_of(ip, i)];

		if (e->ip == 0)
			return e;
		if (evictable(e) && (victim == NULL || e->used < victim->used))
			victim = e;
	}
	return victim;
}

/* Lcore 0: key, MAC (NULL: keep) and state, published for readers. */
static void
set_entry(struct arp_entry *e, uint32_t ip, const struct rte_ether_addr *mac,
		enum arp_state state)
{
	bool rekey = e->ip != ip;

	if (mac != NULL)
		e->mac = *mac;
	e->state = (uint8_t)state;
	if (rekey)
		__atomic_store_n(&e->ip, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&e->link, link_of(&e->mac, e->state),
		__ATOMIC_RELEASE);
	if (rekey)
		__atomic_store_n(&e->ip, ip, __ATOMIC_RELEASE);
}

static void
send_arp(struct dp_lcore *lc, uint16_t op, uint32_t tip,
		const struct rte_ether_addr *tha, const struct rte_ether_addr *dst)
{
	const struct dp_engine *eng = lc->eng;
	struct rte_arp_hdr *a;
	struct rte_mbuf *m;

	m = dp_pktmbuf_alloc(eng->mp);
	if (m == NULL) {
		DP_STAT_INC(lc, arp_nombuf);
		return;
	}
	a = (struct rte_arp_hdr *)rte_pktmbuf_append(m, sizeof(*a));
	if (a == NULL) {
		dp_pktmbuf_free(m);
		return;
	}
	a->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	a->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = RTE_ETHER_ADDR_LEN;
	a->arp_plen = 4;
	a->arp_opcode = rte_cpu_to_be_16(op);
	a->arp_data.arp_sha = eng->mac;
	a->arp_data.arp_sip = eng->ip4;
	a->arp_data.arp_tha = *tha;
	a->arp_data.arp_tip = tip;
	if (op == RTE_ARP_OP_REQUEST)
		DP_STAT_INC(lc, arp_req_tx);
	else
		DP_STAT_INC(lc, arp_reply_tx);
	dp_eth_output(lc, m, dst, RTE_ETHER_TYPE_ARP);
}

static const struct rte_ether_addr zero_mac;
static const struct rte_ether_addr bcast_mac = {
	.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };

static void
request(struct dp_lcore *lc, struct arp_entry *e)
{
	e->probes++;
	e->expire = lc->now + ms_to_tsc(lc->eng, ARP_RETRY_MS);
	send_arp(lc, RTE_ARP_OP_REQUEST, e->ip, &zero_mac, &bcast_mac);
}


/* Lcore 0: start resolving nexthop unless it is known, being resolved,
 * or failed so recently that asking again would only repeat it. */
static void
resolve(struct dp_lcore *lc, uint32_t nexthop)
{
	struct dp_engine *eng = lc->eng;
	struct arp_entry *e = find(eng->net->arp, nexthop);

	if (e == NULL) {
		e = claim(eng->net->arp, nexthop);
		if (e == NULL) {
			DP_STAT_INC(lc, arp_table_full);
			return;
		}
		/* Straight to INCOMPLETE: an lcore holding frames for it
		 * must never see a FAILED it would drop them for. */
		set_entry(e, nexthop, &zero_mac, ARP_INCOMPLETE);
	} else if (e->state != ARP_FAILED || lc->now < e->expire) {
		e->used = lc->now;
		return;
	} else {
		set_entry(e, nexthop, NULL, ARP_INCOMPLETE);
	}
	e->used = lc->now;
	e->probes = 0;
	request(lc, e);
}

/*
 * Any lcore: ask for nexthop (network order) to be resolved. Lcore 0 does
 * it at once; others post the address to it. Returns false if the
 * request could not be posted (the caller asks again later).
 */
bool
dp_arp_resolve(struct dp_lcore *lc, uint32_t nexthop)
{
	if (lc->id == 0) {
		resolve(lc, nexthop);
		return true;
	}
	if (rte_ring_enqueue(lc->eng->net->arp->requests,
			(void *)(uintptr_t)nexthop) != 0)
		return false;
	dp_lcore_wake(lc->eng->lcores[0]);
	return true;
}

bool
dp_arp_requests_posted(const struct dp_engine *eng)
{
	return !rte_ring_empty(eng->net->arp->requests);
}

/* Lcore 0, each iteration: the requests other lcores posted. */
void
dp_arp_poll(struct dp_lcore *lc)
{
	void *req[DP_RX_BURST];
	unsigned int n;

	if (rte_ring_empty(lc->eng->net->arp->requests))
		return;
	n = rte_ring_sc_dequeue_burst(lc->eng->net->arp->requests, req,
		DP_RX_BURST, NULL);
	for (unsigned int i = 0; i < n; i++)
		resolve(lc, (uint32_t)(uintptr_t)req[i]);
}

/* Any lcore: the state of nexthop's entry, its MAC when usable. */
enum dp_arp_state
dp_arp_lookup(const struct dp_engine *eng, uint32_t nexthop,
		struct rte_ether_addr *mac)
{
	switch (read_entry(eng->net->arp, nexthop, mac)) {
	case ARP_REACHABLE:
	case ARP_STALE:
	case ARP_STATIC:
		return DP_ARP_USABLE;
	case ARP_FAILED:
		return DP_ARP_FAILED;
	case ARP_INCOMPLETE:
		return DP_ARP_PENDING;
	default:
		return DP_ARP_UNKNOWN;
	}
}

/* RFC 826 "merge": refresh what we know about the sender. */
static void
learn(struct dp_lcore *lc, uint32_t sip, const struct rte_ether_addr *sha,
		bool create)
{
	struct dp_engine *eng = lc->eng;
	struct arp_entry *e = find(eng->net->arp, sip);

	if (e == NULL) {
		if (!create)
			return;
		e = claim(eng->net->arp, sip);
		if (e == NULL) {
			DP_STAT_INC(lc, arp_table_full);
			return;
		}
		e->used = lc->now;
	}
	if (e->state == ARP_STATIC)
		return;
	/* Lcores holding frames for it see it usable and send them. */
	set_entry(e, sip, sha, ARP_REACHABLE);
	e->expire = lc->now + eng->net->arp_reachable_tsc;
	e->probes = 0;
}

static bool
sender_ok(struct dp_lcore *lc, const struct rte_arp_ipv4 *d)
{
	uint32_t sip = rte_be_to_cpu_32(d->arp_sip);

	if (rte_is_zero_ether_addr(&d->arp_sha) ||
			rte_is_multicast_ether_addr(&d->arp_sha) ||
			(sip >> 28) == 0xe || sip == 0xffffffff) {
		DP_STAT_INC(lc, arp_bad_sender);
		return false;
	}
	if (d->arp_sip == lc->eng->ip4 &&
			!rte_is_same_ether_addr(&d->arp_sha, &lc->eng->mac)) {
		DP_STAT_INC(lc, arp_conflict);
		/* Log the 1st, 2nd, 4th, 8th... so a storm cannot flood. */
		if (rte_is_power_of_2(lc->stats.arp_conflict))
			DP_LOG(WARNING, "address conflict: "
				RTE_ETHER_ADDR_PRT_FMT " claims our address",
				RTE_ETHER_ADDR_BYTES(&d->arp_sha));
		return false;
	}
	return true;
}

/* Lcore 0. Consumes m, whose data starts at the Ethernet header. */
void
dp_arp_input(struct dp_lcore *lc, struct rte_mbuf *m)
{
	struct dp_engine *eng = lc->eng;
	struct rte_arp_hdr *a;
	struct rte_arp_ipv4 *d;
	struct rte_ether_addr sha;
	uint32_t sip;
	uint16_t op;
	bool for_us;

	if (unlikely(m->data_len < sizeof(struct rte_ether_hdr) +
			sizeof(*a))) {
		DP_STAT_INC(lc, arp_short);
		goto drop;
	}
	a = rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *,
		sizeof(struct rte_ether_hdr));
	d = &a->arp_data;
	if (a->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
			a->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
			a->arp_hlen != RTE_ETHER_ADDR_LEN || a->arp_plen != 4) {
		DP_STAT_INC(lc, arp_bad_format);
		goto drop;
	}
	op = rte_be_to_cpu_16(a->arp_opcode);
	if (op != RTE_ARP_OP_REQUEST && op != RTE_ARP_OP_REPLY) {
		DP_STAT_INC(lc, arp_bad_op);
		goto drop;
	}
	if (!sender_ok(lc, d))
		goto drop;
	sip = d->arp_sip;
	sha = d->arp_sha;
	for_us = d->arp_tip == eng->ip4;
	/* A sender of 0.0.0.0 is a probe (RFC 5227): answer, learn nothing.
	 * Learn a new neighbour only from a frame addressed to us. */
	if (sip != 0) {
		if (op == RTE_ARP_OP_REPLY && find(eng->net->arp, sip) == NULL)
			DP_STAT_INC(lc, arp_unsolicited);
		learn(lc, sip, &sha, for_us && op == RTE_ARP_OP_REQUEST);
	}
	if (op == RTE_ARP_OP_REPLY) {
		DP_STAT_INC(lc, arp_reply_rx);
		goto drop;
	}
	DP_STAT_INC(lc, arp_req_rx);
	if (!for_us) {
		DP_STAT_INC(lc, arp_not_for_us);
		goto drop;
	}
	dp_pktmbuf_free(m);
	send_arp(lc, RTE_ARP_OP_REPLY, sip, &sha, &sha);
	return;
drop:
	dp_pktmbuf_free(m);
}

static void
expire(struct dp_lcore *lc, struct arp_entry *e)
{
	switch (e->state) {
	case ARP_INCOMPLETE:
		if (e->probes < ARP_RETRIES) {
			request(lc, e);
			return;
		}
		/* Lcores holding frames for it see it failed and drop them. */
		set_entry(e, e->ip, NULL, ARP_FAILED);
		e->expire = lc->now + ms_to_tsc(lc->eng, ARP_HOLD_MS);
		return;
	case ARP_REACHABLE:
		set_entry(e, e->ip, NULL, ARP_STALE);
		/* Still in use: ask again; the reply makes it reachable. */
		if (lc->now - e->used < lc->eng->net->arp_reachable_tsc)
			send_arp(lc, RTE_ARP_OP_REQUEST, e->ip, &zero_mac,
				&e->mac);
		e->expire = UINT64_MAX;
		return;
	default:
		e->expire = UINT64_MAX;
		return;
	}
}

/* Lcore 0, every ARP_SCAN_MS: entries whose time has come. */
static void
scan(struct dp_timer_wheel *w, struct dp_timer *tm)
{
	struct dp_lcore *lc = dp_lcore_of_timers(w);
	struct dp_arp_table *t = lc->eng->net->arp;

	for (unsigned int i = 0; i < ARP_SIZE; i++) {
		struct arp_entry *e = &t->e[i];

		if (e->ip != 0 && lc->now >= e->expire)
			expire(lc, e);
	}
	/* From now, not from when it was due: periods a stalled lcore
	 * missed are not made up, one scan covered them all. */
	dp_timer_arm(w, tm, lc->now_us + ARP_SCAN_MS * 1000);
}

/* Lcore 0 starts: the scan runs from now on, and (RFC 5227 §2.3) our
 * address is announced so peers refresh their caches (the MAC of a
 * re-probed port may have changed). */
void
dp_arp_lcore_start(struct dp_lcore *lc)
{
	if (lc->id != 0)
		return;
	dp_timer_init(&lc->net->arp_timer, scan);
	dp_timer_arm(&lc->timers, &lc->net->arp_timer,
		lc->now_us + ARP_SCAN_MS * 1000);
	send_arp(lc, RTE_ARP_OP_REQUEST, lc->eng->ip4, &zero_mac, &bcast_mac);
}

int
dp_arp_create(struct dp_engine *eng)
{
	struct dp_arp_table *t;

	t = dp_zmalloc("dp_arp", sizeof(*t), RTE_CACHE_LINE_SIZE);
	if (t == NULL)
		return -ENOMEM;
	eng->net->arp = t;
	eng->net->arp_reachable_tsc = eng->tsc_hz / 1000 *
		eng->conf.arp_reachable_ms;
	/* Any lcore posts, lcore 0 reads; HTS for preempted posters. */
	t->requests = rte_ring_create("dp_arp_req", ARP_REQUESTS,
		SOCKET_ID_ANY, RING_F_MP_HTS_ENQ | RING_F_SC_DEQ);
	if (t->requests == NULL)
		return -ENOMEM;
	for (unsigned int i = 0; i < ARP_SIZE; i++)
		t->e[i].expire = UINT64_MAX;
	for (unsigned int i = 0; i < eng->conf.nb_static_arp; i++) {
		const struct dp_neigh *n = &eng->conf.static_arp[i];
		uint32_t ip = rte_cpu_to_be_32(n->ip);
		struct arp_entry *e = find(t, ip);

		if (e == NULL)
			e = claim(t, ip);
		if (e == NULL) {
			DP_LOG(ERR, "no room for static neighbour %u of %u",
				i + 1, eng->conf.nb_static_arp);
			return -ENOSPC;
		}
		set_entry(e, ip, (const struct rte_ether_addr *)n->mac,
			ARP_STATIC);
	}
	return 0;
}

void
dp_arp_free(struct dp_engine *eng)
{
	if (eng->net == NULL || eng->net->arp == NULL)
		return;
	rte_ring_free(eng->net->arp->requests);
	dp_free(eng->net->arp);
	eng->net->arp = NULL;
}

unsigned int
dp_arp_dump(const struct dp_engine *eng, struct dp_arp_info *out,
		unsigned int max)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < ARP_SIZE && n < max; i++) {
		const struct arp_entry *e = &eng->net->arp->e[i];
		uint32_t ip = __atomic_load_n(&e->ip, __ATOMIC_RELAXED);
		enum arp_state st;

		if (ip == 0)
			continue;
		st = read_entry(eng->net->arp, ip, &out[n].mac);
		if (st == ARP_EMPTY)
			continue;
		out[n].ip = ip;
		out[n].state = arp_state_names[st];
		out[n].queued = dp_arp_held_for(eng, ip);
		n++;
	}
	return n;
}

static unsigned int
dump_arp(struct dp_engine *eng, void *items, unsigned int max)
{
	return dp_arp_dump(eng, items, max);
}

static uint32_t
fill_arp(struct rte_tel_data *e, const void *item, unsigned int index)
{
	const struct dp_arp_info *a = item;

	dp_tel_add_ip(e, "ip", a->ip);
	dp_tel_add_mac(e, "mac", &a->mac);
	rte_tel_data_add_dict_string(e, "state", a->state);
	rte_tel_data_add_dict_u64(e, "queued", a->queued);
	return index;
}

static int
cmd_arp(const char *cmd, const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	return dp_tel_dump_dicts(d, "neigh", sizeof(struct dp_arp_info),
		dump_arp, fill_arp, NULL);
}

void
dp_arp_telemetry(void)
{
	rte_telemetry_register_cmd("/wspdk/arp", cmd_arp,
		"wspdk neighbour cache");
}
