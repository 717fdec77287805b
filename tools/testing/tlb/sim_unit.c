// SPDX-License-Identifier: GPL-2.0
/*
 * The TLB simulator's core against what its model must show: THP
 * multiplies TLB reach, a full flush empties it, PCIDs keep entries
 * across switches, LRU eviction within a set, geometry validation.
 */
#include <stdio.h>
#include <stdlib.h>

#include "sim.h"

static int failures, checks;

#define EXPECT(cond) do {						\
	checks++;							\
	if (!(cond)) {							\
		failures++;						\
		fprintf(stderr, "%s:%d: %s: FAILED: %s\n", __FILE__,	\
			__LINE__, __func__, #cond);			\
	}								\
} while (0)

static struct tlbs t;
static const struct tlbs_xlate small = { false, 4 }, huge = { true, 3 };

/* Touch @bytes from 0 once per page of @x's size, twice; misses of pass 2. */
static unsigned long long second_pass_misses(unsigned long bytes,
					     const struct tlbs_xlate *x)
{
	unsigned long step = x->huge ? 2UL << 20 : 4096, va;
	unsigned long long before;
	int pass;

	tlbs_init(&t);
	for (pass = 0; pass < 2; pass++) {
		before = t.st.misses;
		for (va = 0; va < bytes; va += step)
			tlbs_access(&t, 1, va, x);
	}
	return t.st.misses - before;
}

/* 64 MiB: 16384 small pages overflow 1536 STLB entries; 32 huge ones fit. */
static void test_thp_reach(void)
{
	EXPECT(second_pass_misses(64UL << 20, &small) == 16384);
	EXPECT(second_pass_misses(64UL << 20, &huge) == 0);
	/* 4 MiB of small pages (1024) fits in the STLB. */
	EXPECT(second_pass_misses(4UL << 20, &small) == 0);
}

static void test_flushes(void)
{
	tlbs_init(&t);
	tlbs_access(&t, 1, 0x1000, &small);
	tlbs_access(&t, 2, 0x1000, &small);
	EXPECT(tlbs_access(&t, 1, 0x1000, &small) == TLBS_HIT_L1);
	/* Another PCID's entry for the same address is its own. */
	tlbs_flush_pcid(&t, 1);
	EXPECT(tlbs_access(&t, 2, 0x1000, &small) == TLBS_HIT_L1);
	EXPECT(tlbs_access(&t, 1, 0x1000, &small) == TLBS_MISS);
	tlbs_flush_all(&t);
	EXPECT(tlbs_access(&t, 2, 0x1000, &small) == TLBS_MISS);
	/* A range flush drops what overlaps it, a 2 MiB entry included. */
	tlbs_access(&t, 1, 0x200000, &huge);
	tlbs_access(&t, 1, 0x5000, &small);
	tlbs_flush_range(&t, 1, 0x3ff000, 0x400000);
	EXPECT(tlbs_access(&t, 1, 0x200000, &huge) == TLBS_MISS);
	EXPECT(tlbs_access(&t, 1, 0x5000, &small) == TLBS_HIT_L1);
	/* Five 4 KiB walks (4 levels), two 2 MiB walks (3 levels). */
	EXPECT(t.st.walk_levels == 5 * 4 + 2 * 3);
}

/* L1 misses that hit the STLB refill L1; LRU picks the victim. */
static void test_lru(void)
{
	struct tlbs_geom one_set = { 4, 4 };
	unsigned long i;

	tlbs_init(&t);
	EXPECT(tlbs_set_geom(&t, TLBS_L1_4K, &one_set) == 0);
	for (i = 0; i < 4; i++)
		tlbs_access(&t, 1, i << 12, &small);
	tlbs_access(&t, 1, 0, &small);		/* page 0 most recent */
	tlbs_access(&t, 1, 4 << 12, &small);	/* evicts page 1 from L1 */
	EXPECT(tlbs_access(&t, 1, 0, &small) == TLBS_HIT_L1);
	EXPECT(t.st.evictions[TLBS_L1_4K] == 1);
	EXPECT(tlbs_access(&t, 1, 1 << 12, &small) == TLBS_HIT_STLB);
	/* The refill evicts page 2 from L1; the STLB evicted nothing. */
	EXPECT(t.st.evictions[TLBS_L1_4K] == 2);
	EXPECT(t.st.evictions[TLBS_STLB] == 0);
	tlbs_reset(&t);
	EXPECT(t.st.accesses == 0 && t.lv[TLBS_L1_4K].geom.entries == 4);
	EXPECT(tlbs_access(&t, 1, 0, &small) == TLBS_MISS);
}

static void test_geometry(void)
{
	struct tlbs_geom g = { 64, 3 };

	tlbs_init(&t);
	EXPECT(tlbs_set_geom(&t, TLBS_STLB, &g) == -EINVAL);
	g = (struct tlbs_geom){ 0, 4 };
	EXPECT(tlbs_set_geom(&t, TLBS_STLB, &g) == -EINVAL);
	g = (struct tlbs_geom){ 8192, 8 };
	EXPECT(tlbs_set_geom(&t, TLBS_STLB, &g) == -ERANGE);
	/* Too large is out of range whatever the ways. */
	g = (struct tlbs_geom){ 8192, 12 };
	EXPECT(tlbs_set_geom(&t, TLBS_STLB, &g) == -ERANGE);
	EXPECT(t.lv[TLBS_STLB].geom.entries == TLBS_STLB_ENTRIES);
}

int main(void)
{
	test_thp_reach();
	test_flushes();
	test_lru();
	test_geometry();
	printf("tlb_sim_unit: %d checks, %d failed\n", checks, failures);
	return failures ? EXIT_FAILURE : EXIT_SUCCESS;
}
