/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The port's RSS in software (dataplane/core/dp_rss.c), alone: the
 * Toeplitz hash against Microsoft's published verification vectors,
 * symmetry under the 0x6d5a key, the queue a hash maps to, and the
 * search for a local port that lands a flow on a queue. No EAL.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <CUnit/Basic.h>
#include <rte_common.h>

#include "dp_rss.h"
#include "wt.h"
#include "wt_run.h"

#define IP4(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* Microsoft's verification key ("Verifying the RSS Hash Calculation"). */
static const uint8_t ms_key[40] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2,
	0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
	0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4,
	0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
	0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

/* The key drivers/ gives every port (drv_rss_key). */
static uint8_t sym_key[40];

/* Its IPv4 with TCP table: source, destination, ports, hash. */
static const struct {
	uint32_t src, dst;
	uint16_t sport, dport;
	uint32_t hash;
} ms_v4[] = {
	{ IP4(66, 9, 149, 187), IP4(161, 142, 100, 80), 2794, 1766,
		0x51ccc178 },
	{ IP4(199, 92, 111, 2), IP4(65, 69, 140, 83), 14230, 4739,
		0xc626b0ea },
	{ IP4(24, 19, 198, 95), IP4(12, 22, 207, 184), 12898, 38024,
		0x5c2b394a },
	{ IP4(38, 27, 205, 30), IP4(209, 142, 163, 6), 48228, 2217,
		0xafc7327f },
	{ IP4(153, 39, 163, 191), IP4(202, 188, 127, 2), 44251, 1303,
		0x10e828a2 },
};

static uint16_t reta2[128];

static void
setup(struct dp_rss *r, const uint8_t *key)
{
	CU_ASSERT_EQUAL_FATAL(dp_rss_init(r, key, 40, reta2, 128, 2), 0);
	CU_ASSERT_FATAL(dp_rss_on(r));
}

/* The hash matches every published IPv4/TCP vector. */
static void
test_rss_hash_matches_microsoft_vectors(void)
{
	struct dp_rss r;

	setup(&r, ms_key);
	for (unsigned int i = 0; i < RTE_DIM(ms_v4); i++)
		CU_ASSERT_EQUAL(dp_rss_hash(&r, ms_v4[i].src, ms_v4[i].dst,
			ms_v4[i].sport, ms_v4[i].dport), ms_v4[i].hash);
}

/* Under the 0x6d5a key both directions of a flow hash alike; under
 * Microsoft's they do not (so the check means something). */
static void
test_rss_symmetric_key_hashes_both_directions_alike(void)
{
	struct dp_rss r, m;
	unsigned int asym = 0;

	setup(&r, sym_key);
	setup(&m, ms_key);
	srand(11);
	for (int i = 0; i < 10000; i++) {
		uint32_t a = (uint32_t)rand() << 1 ^ (uint32_t)rand();
		uint32_t b = (uint32_t)rand() << 1 ^ (uint32_t)rand();
		uint16_t pa = (uint16_t)rand(), pb = (uint16_t)rand();

		CU_ASSERT_EQUAL(dp_rss_hash(&r, a, b, pa, pb),
			dp_rss_hash(&r, b, a, pb, pa));
		asym += dp_rss_hash(&m, a, b, pa, pb) !=
			dp_rss_hash(&m, b, a, pb, pa);
	}
	CU_ASSERT(asym > 9000);
}

/* A flow's queue is the table's entry hash % size. */
static void
test_rss_queue_is_table_entry(void)
{
	struct dp_rss r;
	uint16_t reta[64];
	unsigned int seen[3] = { 0 };

	for (int i = 0; i < 64; i++)
		reta[i] = (uint16_t)(i % 3);
	CU_ASSERT_EQUAL_FATAL(dp_rss_init(&r, sym_key, 40, reta, 64, 3), 0);
	for (uint16_t p = 1000; p < 4000; p++) {
		uint32_t h = dp_rss_hash(&r, IP4(10, 0, 0, 1),
			IP4(10, 0, 0, 2), 80, p);
		uint16_t q = dp_rss_queue(&r, IP4(10, 0, 0, 1),
			IP4(10, 0, 0, 2), 80, p);

		CU_ASSERT_EQUAL(q, reta[h % 64]);
		seen[q]++;
	}
	/* The key spreads: each queue gets a fair share. */
	for (int q = 0; q < 3; q++)
		CU_ASSERT(seen[q] > 800 && seen[q] < 1200);
}

/* The port found is the first from `from` whose flow (peer as source,
 * as received) lands on the queue asked. */
static void
test_rss_port_search_lands_flow_on_queue(void)
{
	const uint32_t lip = IP4(198, 18, 0, 2), rip = IP4(198, 18, 0, 1);
	struct dp_rss r;
	unsigned int fits = 0;
	uint16_t p;

	setup(&r, sym_key);
	for (uint16_t q = 0; q < 2; q++) {
		for (uint16_t from = 49152; from < 49152 + 500; from++) {
			CU_ASSERT_EQUAL_FATAL(dp_rss_port_search(&r, lip, rip,
				5000, q, 49152, 65535, from, &p), 0);
			CU_ASSERT(p >= from);
			CU_ASSERT_EQUAL(dp_rss_queue(&r, rip, lip, 5000, p), q);
			for (uint16_t k = from; k < p; k++)
				CU_ASSERT_NOT_EQUAL(dp_rss_queue(&r, rip, lip,
					5000, k), q);
		}
	}
	/* It wraps within the range. */
	CU_ASSERT_EQUAL(dp_rss_port_search(&r, lip, rip, 5000, 1, 49152,
		65535, 65535, &p), 0);
	CU_ASSERT_EQUAL(dp_rss_queue(&r, rip, lip, 5000, p), 1);
	for (uint32_t k = 49152; k <= 65535; k++)
		fits += dp_rss_queue(&r, rip, lip, 5000, (uint16_t)k) == 0;
	printf("\n    %u of 16384 ephemeral ports land on queue 0\n", fits);
	CU_ASSERT(fits > 7000 && fits < 9400);
}

/* Bad keys, tables, ranges; a queue no entry names; no table at all. */
static void
test_rss_negative(void)
{
	struct dp_rss r;
	uint16_t reta[4] = { 0, 0, 0, 2 }, zeros[8] = { 0 };
	uint16_t p;

	CU_ASSERT_EQUAL(dp_rss_init(&r, sym_key, 12, reta2, 128, 2),
		-EINVAL);
	CU_ASSERT_EQUAL(dp_rss_init(&r, sym_key, 41, reta2, 128, 2),
		-EINVAL);
	CU_ASSERT_EQUAL(dp_rss_init(&r, sym_key, 40, reta, 4, 2), -EINVAL);
	CU_ASSERT_EQUAL(dp_rss_init(&r, NULL, 0, NULL, 0, 2), 0);
	CU_ASSERT_FALSE(dp_rss_on(&r));
	CU_ASSERT_EQUAL(dp_rss_port_search(&r, 1, 2, 3, 0, 1024, 2048, 1024,
		&p), -EINVAL);
	CU_ASSERT_EQUAL(dp_rss_init(&r, sym_key, 40, zeros, 8, 2), 0);
	CU_ASSERT_EQUAL(dp_rss_port_search(&r, 1, 2, 3, 1, 1024, 2048, 1024,
		&p), -ENOENT);
	CU_ASSERT_EQUAL(dp_rss_port_search(&r, 1, 2, 3, 0, 2048, 1024, 1024,
		&p), -EINVAL);
	CU_ASSERT_EQUAL(dp_rss_port_search(&r, 1, 2, 3, 0, 1024, 2048, 9,
		&p), -EINVAL);
	/* One queue: nothing to place. */
	CU_ASSERT_EQUAL(dp_rss_init(&r, sym_key, 40, zeros, 8, 1), 0);
	CU_ASSERT_FALSE(dp_rss_on(&r));
}

static const struct wt_test tests[] = {
	WT_TEST(test_rss_hash_matches_microsoft_vectors),
	WT_TEST(test_rss_symmetric_key_hashes_both_directions_alike),
	WT_TEST(test_rss_queue_is_table_entry),
	WT_TEST(test_rss_port_search_lands_flow_on_queue),
	WT_TEST(test_rss_negative),
	WT_TEST_END
};

static const struct wt_suite suite = {
	.name = "dp_rss",
	.tests = tests,
};

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = { &suite, NULL };

	for (unsigned int i = 0; i < sizeof(sym_key); i++)
		sym_key[i] = i % 2 == 0 ? 0x6d : 0x5a;
	for (unsigned int i = 0; i < RTE_DIM(reta2); i++)
		reta2[i] = (uint16_t)(i % 2);
	return wt_run_suites(argc, argv, suites);
}
