/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Socket ring sizing (dp_sock_ring.c): usable slots follow the byte
 * limit at 64 bytes a slot, never fewer than 255, and never more than a
 * quarter of the mbuf pool, whatever the pool's size.
 */
#include <errno.h>

#include <CUnit/CUnit.h>
#include <rte_malloc.h>
#include <rte_ring.h>

#include "dp_sock_priv.h"
#include "test_dp.h"

/* Usable slots of a ring made for `bytes` with a pool of `mbufs`. */
static unsigned int
capacity(unsigned int mbufs, uint32_t bytes)
{
	struct dp_engine eng = { 0 };
	struct rte_ring *r;
	unsigned int cap;

	eng.conf.nb_mbufs = mbufs;
	r = dp_sock_ring_new(&eng, bytes, RING_F_MC_HTS_DEQ);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	cap = rte_ring_get_capacity(r);
	/* Every usable slot takes an entry, one more does not. */
	for (unsigned int i = 0; i < cap; i++)
		CU_ASSERT_EQUAL_FATAL(rte_ring_enqueue(r, &eng), 0);
	CU_ASSERT_EQUAL(rte_ring_enqueue(r, &eng), -ENOBUFS);
	rte_free(r);
	return cap;
}

static void
test_ring_slots_follow_the_byte_limit(void)
{
	CU_ASSERT_EQUAL(capacity(65535, 65536), 1023);	/* the default */
	CU_ASSERT_EQUAL(capacity(65535, 131072), 2047);
	CU_ASSERT_EQUAL(capacity(65535, 100000), 2047);	/* rounded up */
}

static void
test_ring_has_at_least_255_slots(void)
{
	CU_ASSERT_EQUAL(capacity(65535, 1), 255);
	CU_ASSERT_EQUAL(capacity(65535, 0), 255);
}

static void
test_ring_never_holds_more_than_a_quarter_of_the_pool(void)
{
	CU_ASSERT_EQUAL(capacity(8191, 64u << 20), 2047);
	/* Not a power of two minus one: an exact-size ring. */
	CU_ASSERT_EQUAL(capacity(10000, 64u << 20), 2500);
	CU_ASSERT_EQUAL(capacity(1u << 20, 64u << 20), 65535);
	/* A tiny pool still leaves the minimum. */
	CU_ASSERT_EQUAL(capacity(1023, 64u << 20), 255);
}

static const struct wt_test tests[] = {
	WT_TEST(test_ring_slots_follow_the_byte_limit),
	WT_TEST(test_ring_has_at_least_255_slots),
	WT_TEST(test_ring_never_holds_more_than_a_quarter_of_the_pool),
	WT_TEST_END
};

const struct wt_suite test_dp_sock_ring_suite = {
	.name = "dp_sock_ring",
	.tests = tests,
};
