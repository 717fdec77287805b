// SPDX-License-Identifier: GPL-2.0
/*
 * Deterministic driver for the buddy core in userspace: fixed scenarios
 * with exact expectations, then a long seeded random run. Exit status is
 * non-zero on the first failure.
 */
#include "harness.h"

static int failures;

#define EXPECT(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: FAIL %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		failures++;						\
	}								\
} while (0)

static struct harness h;

static unsigned long zone_free(int i)
{
	return h.b->zones[i].nr_free_pages;
}

/* All the memory at order 0, freed in a shuffled order, merges back. */
static void test_split_merge(void)
{
	unsigned long n = 0, seed = 1;

	harness_setup(&h, 0, 4, 0);
	h.b->tun.min_free_kbytes = 4;
	h.b->tun.watermark_scale_factor = 1;
	buddy_setup_wmarks(h.b);
	/*
	 * The watermark stops the pcp path too, with a refill's worth left on
	 * the list: drain and go on until a round gets nothing.
	 */
	for (;;) {
		unsigned long before = n;

		while (harness_alloc(&h, GFP_ATOMIC | __GFP_NOWARN, 0))
			n++;
		buddy_drain_all(h.b);
		if (n == before)
			break;
	}
	/* Everything but the min reserve left to atomic requests. */
	EXPECT(n + 1 >= 4096 - 2, "got %lu of 4096", n);
	harness_verify(&h, "fill");
	while (h.nr_live) {
		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		harness_free(&h, (seed >> 33) % h.nr_live);
	}
	buddy_drain_all(h.b);
	harness_verify_all_merged(&h);
	EXPECT(h.b->zones[0].free_area[BUDDY_MAX_ORDER].nr_free == 4, "%lu",
	       h.b->zones[0].free_area[BUDDY_MAX_ORDER].nr_free);
	harness_teardown(&h);
}

/* 64 MB in one zone: the kernel's numbers for a 64 MB machine. */
static void test_watermarks(void)
{
	struct buddy_zone *z;

	harness_setup(&h, 0, 16, 0);
	z = &h.b->zones[0];
	EXPECT(h.b->min_free_kbytes == 1024, "%u", h.b->min_free_kbytes);
	EXPECT(z->wmark[BUDDY_WMARK_MIN] == 256, "%lu", z->wmark[0]);
	EXPECT(z->wmark[BUDDY_WMARK_LOW] == 320, "%lu", z->wmark[1]);
	EXPECT(z->wmark[BUDDY_WMARK_HIGH] == 384, "%lu", z->wmark[2]);
	h.b->tun.watermark_scale_factor = 1000;	/* 10% */
	buddy_setup_wmarks(h.b);
	EXPECT(z->wmark[BUDDY_WMARK_LOW] == 256 + 1638, "%lu", z->wmark[1]);
	/* Order-aware: free pages enough, but no block of the order. */
	EXPECT(buddy_watermark_ok(z, 10, 256, 0), "order 10 with all free");
	harness_teardown(&h);

	/* Split by managed pages between two zones. */
	harness_setup(&h, 4, 12, 0);
	EXPECT(h.b->zones[0].wmark[0] == 64 && h.b->zones[1].wmark[0] == 192,
	       "%lu %lu", h.b->zones[0].wmark[0], h.b->zones[1].wmark[0]);
	harness_teardown(&h);
}

/* How far each kind of caller may go below the watermarks. */
static void test_gfp_reserves(void)
{
	struct buddy_zone *z;
	unsigned long min;

	harness_setup(&h, 0, 16, 0);
	h.b->tun.pcp_high = 0;	/* no pcp lists: exact page counts */
	buddy_update_pcp(h.b);
	z = &h.b->zones[0];
	min = z->wmark[BUDDY_WMARK_MIN];
	while (harness_alloc(&h, GFP_NOWAIT | __GFP_NOWARN, 0))
		;
	EXPECT(zone_free(0) == min, "NOWAIT stopped at %lu, min %lu",
	       zone_free(0), min);
	EXPECT(!harness_alloc(&h, GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN, 0),
	       "GFP_KERNEL below min without a reclaimer");
	/* __GFP_NOFAIL may use half of min, as upstream's fallback. */
	EXPECT(harness_alloc(&h, GFP_KERNEL | __GFP_NOFAIL, 0) != NULL,
	       "NOFAIL failed at %lu free", zone_free(0));
	while (harness_alloc(&h, GFP_ATOMIC | __GFP_NOWARN, 0))
		;
	/* min - min/2 - (min/2)/4 = 3/8 min */
	EXPECT(zone_free(0) == min * 3 / 8, "ATOMIC stopped at %lu", zone_free(0));
	harness_reports = 0;
	EXPECT(!harness_alloc(&h, GFP_NOWAIT, 0), "NOWAIT below min");
	EXPECT(harness_reports == 1, "failure reported %lu times", harness_reports);
	EXPECT(!harness_alloc(&h, GFP_NOWAIT | __GFP_NOWARN, 0), "NOWAIT again");
	EXPECT(harness_reports == 1, "NOWARN still reported");
	/* __GFP_HIGH without NON_BLOCK: half of min only. */
	EXPECT(!harness_alloc(&h, GFP_KERNEL | __GFP_HIGH | __GFP_NORETRY |
			      __GFP_NOWARN, 0), "HIGH went below min/2");
	harness_teardown(&h);
}

/* Fallback: unmovable takes the biggest movable block and owns it. */
static void test_fallback(void)
{
	struct buddy_zone_stats st;
	struct mmtwin_frame *f;

	harness_setup(&h, 0, 4, 0);
	f = harness_alloc(&h, GFP_KERNEL, 0);
	EXPECT(f && pageblock_mt(f) == MMTWIN_MT_UNMOVABLE, "owner %d",
	       f ? pageblock_mt(f) : -1);
	buddy_zone_stats(&h.b->zones[0], &st);
	/* An order-10 block spans two pageblocks; both change owner. */
	EXPECT(st.blocks_mt[MMTWIN_MT_UNMOVABLE] == 2 &&
	       st.blocks_mt[MMTWIN_MT_MOVABLE] == 6, "%lu %lu",
	       st.blocks_mt[0], st.blocks_mt[1]);
	EXPECT(st.events[BUDDY_EXTFRAG] == 1, "%lu", st.events[BUDDY_EXTFRAG]);
	/* Reclaimable falls back to unmovable first. */
	f = harness_alloc(&h, GFP_KERNEL | __GFP_RECLAIMABLE, 0);
	buddy_zone_stats(&h.b->zones[0], &st);
	EXPECT(st.blocks_mt[MMTWIN_MT_RECLAIMABLE] >= 1, "%lu",
	       st.blocks_mt[MMTWIN_MT_RECLAIMABLE]);
	harness_free_all(&h);
	harness_verify_all_merged(&h);
	harness_teardown(&h);
}

/* A small movable request steals one block and leaves the owner alone. */
static void test_steal_without_claim(void)
{
	struct buddy_zone_stats st;
	struct mmtwin_frame *f;
	int i;

	harness_setup(&h, 0, 1, 0);
	h.b->tun.min_free_kbytes = 4;
	h.b->tun.pcp_high = 0;		/* no pcp: exact list effects */
	buddy_setup_wmarks(h.b);
	buddy_update_pcp(h.b);
	/*
	 * Make the whole chunk unmovable and fill it but for 124 pages in
	 * the second pageblock: too few to claim it for movable (< half).
	 */
	for (i = 0; i < 900; i++)
		harness_alloc(&h, GFP_KERNEL, 0);
	buddy_zone_stats(&h.b->zones[0], &st);
	EXPECT(st.blocks_mt[MMTWIN_MT_UNMOVABLE] == 2, "%lu", st.blocks_mt[0]);
	f = harness_alloc(&h, GFP_KERNEL | __GFP_MOVABLE, 0);
	EXPECT(f != NULL, "movable fallback");
	buddy_zone_stats(&h.b->zones[0], &st);
	EXPECT(st.blocks_mt[MMTWIN_MT_UNMOVABLE] == 2 &&
	       st.blocks_mt[MMTWIN_MT_MOVABLE] == 0, "%lu %lu",
	       st.blocks_mt[0], st.blocks_mt[1]);
	EXPECT(f && pageblock_mt(f) == MMTWIN_MT_UNMOVABLE && f->mt ==
	       MMTWIN_MT_MOVABLE, "stolen page");
	EXPECT(st.events[BUDDY_EXTFRAG] == 2 && st.events[BUDDY_STEAL_BLOCK] == 1,
	       "%lu %lu", st.events[BUDDY_EXTFRAG], st.events[BUDDY_STEAL_BLOCK]);
	harness_teardown(&h);
}

/* pcp: refill by batch, drain above high, drain on request. */
static void test_pcp(void)
{
	struct buddy_pcp *pcp;
	struct mmtwin_frame *f;
	int i;

	harness_setup(&h, 0, 16, 0);
	h.b->tun.pcp_batch = 8;
	h.b->tun.pcp_high = 32;
	buddy_update_pcp(h.b);
	pcp = &h.b->zones[0].pcp[0];
	f = harness_alloc(&h, GFP_KERNEL, 0);
	EXPECT(f && pcp->count == 7, "count %d after one alloc", pcp->count);
	EXPECT(h.b->zones[0].pcp[1].count == 0, "other cpu touched");
	for (i = 0; i < 40; i++)
		harness_alloc(&h, GFP_KERNEL, 0);
	harness_free_all(&h);	/* also drains */
	EXPECT(pcp->count == 0, "count %d after drain", pcp->count);
	for (i = 0; i < 40; i++)
		harness_alloc(&h, GFP_KERNEL, 0);
	while (h.nr_live) {
		harness_free(&h, 0);
		EXPECT(pcp->count < 32, "count %d over high", pcp->count);
	}
	/* A run of frees drains in growing bites but keeps a batch. */
	EXPECT(pcp->count >= 8, "count %d: drained too much", pcp->count);
	harness_verify(&h, "pcp");
	harness_teardown(&h);
}

/* High-order atomic allocations reserve a pageblock (zones >= 200 MB). */
static void test_highatomic(void)
{
	struct buddy_zone *z;
	struct mmtwin_frame *f;

	harness_setup(&h, 0, 64, 0);
	z = &h.b->zones[0];
	/* Only the slow path reserves: get below the low watermark first. */
	while (harness_alloc(&h, GFP_NOWAIT | __GFP_NOWARN, 0))
		;
	EXPECT(z->nr_reserved_highatomic == 0, "reserved on the fast path");
	f = harness_alloc(&h, GFP_ATOMIC, 2);
	EXPECT(f && pageblock_mt(f) == MMTWIN_MT_HIGHATOMIC, "type %d",
	       f ? pageblock_mt(f) : -1);
	EXPECT(z->nr_reserved_highatomic == BUDDY_PB_PAGES, "%lu",
	       z->nr_reserved_highatomic);
	EXPECT(z->nr_free_highatomic > 0 &&
	       z->nr_free_highatomic < BUDDY_PB_PAGES, "%lu",
	       z->nr_free_highatomic);
	harness_verify(&h, "highatomic");
	EXPECT(buddy_unreserve_highatomic(h.b, MMTWIN_MT_MOVABLE, true), "unreserve");
	EXPECT(z->nr_reserved_highatomic == 0 && z->nr_free_highatomic == 0,
	       "%lu %lu", z->nr_reserved_highatomic, z->nr_free_highatomic);
	harness_verify(&h, "unreserve");
	harness_teardown(&h);
}

/* Injected failures change nothing. */
static void test_fault(void)
{
	harness_setup(&h, 0, 4, 0);
	harness_fail_every = 1;
	EXPECT(!harness_alloc(&h, GFP_KERNEL | __GFP_NOWARN, 3), "fault ignored");
	EXPECT(harness_alloc(&h, GFP_KERNEL | __GFP_NOFAIL, 0) != NULL,
	       "NOFAIL must not be failed");
	harness_fail_every = 0;
	EXPECT(buddy_zone_event(&h.b->zones[0], BUDDY_FAULT_INJECTED) == 1, "%lu",
	       buddy_zone_event(&h.b->zones[0], BUDDY_FAULT_INJECTED));
	harness_verify(&h, "fault");
	harness_teardown(&h);
}

/* A double free is refused with a warning and changes nothing. */
static void test_bad_free(void)
{
	struct mmtwin_frame *f;

	harness_setup(&h, 0, 1, 0);
	f = buddy_alloc(h.b, GFP_KERNEL, 1);
	EXPECT(buddy_free(h.b, f, 2) == -EINVAL, "wrong order accepted");
	EXPECT(buddy_free(h.b, f, 1) == 0, "free");
	EXPECT(buddy_free(h.b, f, 1) == -EINVAL, "double free accepted");
	EXPECT(harness_bad_frees == 2, "%lu bad frees", harness_bad_frees);
	EXPECT(buddy_zone_event(&h.b->zones[0], BUDDY_BAD_FREE) == 2, "counter");
	harness_bad_frees = 0;
	harness_teardown(&h);
}

static void random_run(unsigned long seed, size_t nops)
{
	uint8_t *buf = malloc(nops * 3);

	for (size_t i = 0; i < nops * 3; i++) {
		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		buf[i] = seed >> 56;
	}
	harness_setup(&h, 2, 56, 2);
	harness_run_ops(&h, buf, nops * 3);
	harness_teardown(&h);
	free(buf);
}

int main(int argc, char **argv)
{
	unsigned long seeds = argc > 1 ? strtoul(argv[1], NULL, 0) : 20;

	test_split_merge();
	test_watermarks();
	test_gfp_reserves();
	test_fallback();
	test_steal_without_claim();
	test_pcp();
	test_highatomic();
	test_fault();
	test_bad_free();
	for (unsigned long s = 1; s <= seeds; s++)
		random_run(s, 2000);
	printf("buddy unit: %s (%d failures, %lu random runs)\n",
	       failures ? "FAIL" : "ok", failures, seeds);
	return failures ? 1 : 0;
}
