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
	EXPECT(buddy_watermark_ok(z, 10, 256, BUDDY_ZONE_NORMAL, 0),
	       "order 10 with all free");
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


/* zone_batchsize()/zone_highsize() numbers, the batch guard, and trimming. */
static void test_pcp_sizes(void)
{
	struct buddy_pcp *pcp;
	int i;

	harness_setup(&h, 0, 16, 0);
	pcp = &h.b->zones[0].pcp[0];
	/* 16384 pages: batch rounddown_pow_of_two(16 / 4 + 2) - 1; low 320 / 2 CPUs. */
	EXPECT(pcp->batch == 3 && pcp->high == 160, "batch %d high %d",
	       pcp->batch, pcp->high);
	h.b->tun.pcp_high = 1;
	h.b->tun.pcp_batch = 65536;
	buddy_update_pcp(h.b);
	EXPECT(pcp->batch == 1, "batch %d with high 1", pcp->batch);
	harness_alloc(&h, GFP_KERNEL, 0);
	EXPECT(pcp->count <= 1, "%d pages pulled onto a CPU with high 1",
	       pcp->count);
	harness_free_all(&h);
	/* Cached pages go back when high drops, on every CPU. */
	h.b->tun.pcp_high = -1;
	h.b->tun.pcp_batch = -1;
	buddy_update_pcp(h.b);
	for (i = 0; i < 40; i++)
		harness_alloc(&h, GFP_KERNEL, 0);
	while (h.nr_live)
		harness_free(&h, 0);
	EXPECT(pcp->count > 0, "nothing cached");
	h.b->tun.pcp_high = 0;
	buddy_update_pcp(h.b);
	EXPECT(pcp->count == 0 && h.b->zones[0].pcp[1].count == 0,
	       "%d pages stranded with high 0", pcp->count);
	harness_verify_all_merged(&h);
	harness_teardown(&h);
}


static int pcp_list_len(struct buddy_pcp *pcp, int pindex)
{
	struct mmtwin_frame *f;
	int n = 0;

	list_for_each_entry(f, &pcp->lists[pindex], lru)
		n++;
	return n;
}

/*
 * pcp_spin_trylock(): lists found busy, as by an interrupt on a CPU that
 * holds them, are passed by: the allocation and the free use the buddy
 * lists and leave the pcp lists alone.
 */
static void test_pcp_busy(void)
{
	struct buddy_zone *z;
	struct buddy_pcp *pcp;
	struct mmtwin_frame *f;
	unsigned long free;

	harness_setup(&h, 0, 4, 0);
	z = &h.b->zones[0];
	pcp = &z->pcp[0];
	buddy_user_lock(&pcp->lock);
	free = z->nr_free_pages;
	f = buddy_alloc(h.b, GFP_KERNEL, 0);
	EXPECT(f && pcp->count == 0 && z->nr_free_pages == free - 1,
	       "pcp count %d, %lu free of %lu", pcp->count, z->nr_free_pages,
	       free);
	if (f)
		buddy_free(h.b, f, 0);
	EXPECT(pcp->count == 0 && z->nr_free_pages == free,
	       "pcp count %d, %lu free after the free", pcp->count,
	       z->nr_free_pages);
	buddy_user_unlock(&pcp->lock);
	harness_verify_all_merged(&h);
	harness_teardown(&h);
}

/*
 * pcp_allowed_order(): PMD-sized blocks are cached per CPU too (6.12 with
 * THP), refilled two at a time, on one list for movable and one for the
 * other types, and a free keeps them there below high.
 */
static void test_pcp_thp(void)
{
	int thp_movable = BUDDY_NR_LOWORDER_PCP_LISTS + 1;
	struct mmtwin_frame *f, *g;
	struct buddy_pcp *pcp;

	harness_setup(&h, 0, 8, 0);
	h.b->tun.pcp_high = 4096;
	h.b->tun.pcp_batch = 63;
	buddy_update_pcp(h.b);
	pcp = &h.b->zones[0].pcp[0];
	f = buddy_alloc(h.b, GFP_KERNEL | __GFP_MOVABLE, BUDDY_PCP_THP_ORDER);
	EXPECT(f && pcp->count == 512 && pcp_list_len(pcp, thp_movable) == 1,
	       "count %d, list %d after a refill of two", pcp->count,
	       pcp_list_len(pcp, thp_movable));
	buddy_free(h.b, f, BUDDY_PCP_THP_ORDER);
	EXPECT(pcp->count == 1024 && pcp_list_len(pcp, thp_movable) == 2,
	       "count %d after the free", pcp->count);
	g = buddy_alloc(h.b, GFP_KERNEL | __GFP_MOVABLE, BUDDY_PCP_THP_ORDER);
	EXPECT(g == f, "the block just freed is not the one handed out");
	buddy_free(h.b, g, BUDDY_PCP_THP_ORDER);
	f = buddy_alloc(h.b, GFP_KERNEL, BUDDY_PCP_THP_ORDER);
	EXPECT(f && pcp_list_len(pcp, thp_movable - 1) == 1,
	       "unmovable list %d", pcp_list_len(pcp, thp_movable - 1));
	buddy_free(h.b, f, BUDDY_PCP_THP_ORDER);
	EXPECT(pcp->count == 2048, "count %d with both lists full", pcp->count);
	harness_verify(&h, "pcp thp");
	buddy_drain_all(h.b);
	harness_verify_all_merged(&h);
	harness_teardown(&h);
}

/*
 * free_pcppages_bulk(): the freed page's list is drained first, and whole,
 * before the next; free_high drains a run of small high-order frees;
 * free_count halves once per allocation, never in the bulk path.
 */
static void test_pcp_drain_order(void)
{
	struct mmtwin_frame *um[8], *mv[8], *bulk[4] = { NULL };
	struct buddy_pcp *pcp;
	int i;

	harness_setup(&h, 0, 4, 0);
	pcp = &h.b->zones[0].pcp[0];
	h.b->tun.pcp_high = 0;		/* allocate straight from the lists */
	buddy_update_pcp(h.b);
	for (i = 0; i < 8; i++) {
		um[i] = buddy_alloc(h.b, GFP_KERNEL, 0);
		mv[i] = buddy_alloc(h.b, GFP_KERNEL | __GFP_MOVABLE, 0);
	}
	h.b->tun.pcp_high = 16;
	h.b->tun.pcp_batch = 4;
	buddy_update_pcp(h.b);
	for (i = 0; i < 8; i++)
		buddy_free(h.b, um[i], 0);
	for (i = 0; i < 7; i++)
		buddy_free(h.b, mv[i], 0);
	EXPECT(pcp->count == 15, "count %d", pcp->count);
	/* The 16th page reaches high: clamp(16, 4, 16 - 4) = 12 go. */
	buddy_free(h.b, mv[7], 0);
	EXPECT(pcp_list_len(pcp, MMTWIN_MT_MOVABLE) == 0 &&
	       pcp_list_len(pcp, MMTWIN_MT_UNMOVABLE) == 4,
	       "movable list %d, unmovable list %d",
	       pcp_list_len(pcp, MMTWIN_MT_MOVABLE),
	       pcp_list_len(pcp, MMTWIN_MT_UNMOVABLE));
	/* An allocation halves free_count; a bulk allocation does not. */
	pcp->free_count = 8;
	um[0] = buddy_alloc(h.b, GFP_KERNEL, 0);
	EXPECT(pcp->free_count == 4, "free_count %d", pcp->free_count);
	EXPECT(buddy_alloc_bulk(h.b, GFP_KERNEL, 4, bulk) == 4, "bulk");
	EXPECT(pcp->free_count == 4, "bulk: free_count %d", pcp->free_count);
	buddy_free(h.b, um[0], 0);
	for (i = 0; i < 4; i++)
		buddy_free(h.b, bulk[i], 0);
	buddy_drain_all(h.b);
	/* Three order-1 frees in a run: the third is free_high, all go. */
	h.b->tun.pcp_high = 64;
	buddy_update_pcp(h.b);
	for (i = 0; i < 3; i++)
		um[i] = buddy_alloc(h.b, GFP_KERNEL, 1);
	buddy_drain_all(h.b);
	pcp->free_count = 0;
	buddy_free(h.b, um[0], 1);
	buddy_free(h.b, um[1], 1);
	EXPECT(pcp->count == 4, "count %d after two", pcp->count);
	buddy_free(h.b, um[2], 1);
	EXPECT(pcp->count == 0, "count %d after a run of order-1 frees",
	       pcp->count);
	harness_verify_all_merged(&h);
	harness_teardown(&h);
}


/*
 * pcp high auto-tuning (nr_pcp_alloc()/nr_pcp_high()): refills and runs
 * of frees raise high from high_min towards high_max while the zone is
 * above its high watermark; below it, frees bring high back down.
 */
static void test_pcp_high_tuning(void)
{
	struct buddy_pcp *pcp;
	struct buddy_zone *z;
	int i, raised;

	harness_setup(&h, 0, 16, 0);
	z = &h.b->zones[0];
	pcp = &z->pcp[0];
	EXPECT(pcp->high_min == 160 && pcp->high_max == 1024 && pcp->high == 160,
	       "high %d in %d..%d", pcp->high, pcp->high_min, pcp->high_max);
	for (i = 0; i < 600; i++)
		harness_alloc(&h, GFP_KERNEL, 0);
	while (h.nr_live)
		harness_free(&h, h.nr_live - 1);
	raised = pcp->high;
	EXPECT(raised > 160 && raised <= 1024, "high %d after a run", raised);
	EXPECT(pcp->count > 160, "only %d cached", pcp->count);
	EXPECT(!z->below_high, "below high with %lu free", z->nr_free_pages);
	/* Below the high watermark, frees lower high again. */
	z->below_high = 1;
	for (i = 0; i < 64; i++)
		harness_alloc(&h, GFP_KERNEL, 0);
	while (h.nr_live)
		harness_free(&h, h.nr_live - 1);
	EXPECT(pcp->high < raised, "high %d, was %d", pcp->high, raised);
	/* The drain saw the zone above high again and cleared the mark. */
	EXPECT(!z->below_high, "still marked below high");
	harness_verify(&h, "tuning");
	harness_teardown(&h);
}

/* High-order atomic allocations reserve a pageblock (zones >= 200 MB). */
static void test_highatomic(void)
{
	struct buddy_zone *z;
	struct mmtwin_frame *f;

	harness_setup(&h, 0, 64, 0);
	z = &h.b->zones[0];
	/*
	 * No pcp lists: a tuned-up list would hold the pages the zone needs
	 * (refills take no heed of the watermarks, as upstream).
	 */
	h.b->tun.pcp_high = 0;
	buddy_update_pcp(h.b);
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


/* The slab view: one 16-byte aligned freelist+counters pair per frame. */
static void test_frame_layout(void)
{
	struct mmtwin_frame *f;

	harness_setup(&h, 0, 1, 0);
	f = harness_alloc(&h, GFP_KERNEL, 0);
	EXPECT(sizeof(*f) == 64, "%zu", sizeof(*f));
	EXPECT(((uintptr_t)&f->freelist & 15) == 0, "freelist at %p",
	       (void *)&f->freelist);
	f->inuse = 0xffff;
	f->objects = 0x7fff;
	f->frozen = 1;
	EXPECT(f->counters == 0xffffffffUL, "counters %#lx", f->counters);
	f->frozen = 0;
	EXPECT(f->counters == 0x7fffffffUL, "frozen is the top bit: %#lx",
	       f->counters);
	EXPECT(f->owner_flags == 0, "owner flags %#x", f->owner_flags);
	harness_teardown(&h);
}

/* __GFP_COMP: every tail names its head; any pfn finds its block's head. */
static void test_compound(void)
{
	struct mmtwin_frame *f, *g;
	unsigned long pfn, i;

	harness_setup(&h, 0, 2, 0);
	f = harness_alloc(&h, GFP_KERNEL | __GFP_COMP, 3);
	EXPECT(f && (f->buddy_flags & MMTWIN_BF_COMPOUND), "compound flag");
	pfn = frame_pfn(f);
	for (i = 0; i < 8; i++) {
		EXPECT(mmtwin_frame_head(f + i) == f, "tail %lu", i);
		EXPECT(buddy_block_head(h.b, pfn + i) == f, "pfn +%lu", i);
	}
	EXPECT(f[1].state == MMTWIN_FRAME_TAIL, "state %d", f[1].state);
	g = harness_alloc(&h, GFP_KERNEL, 2);
	for (i = 0; g && i < 4; i++) {
		EXPECT(mmtwin_frame_head(g + i) == g + i, "plain block: no tails");
		EXPECT(buddy_block_head(h.b, frame_pfn(g) + i) == g, "+%lu", i);
	}
	harness_verify(&h, "compound");
	EXPECT(buddy_block_head(h.b, 0) == NULL, "pfn 0 is in no chunk");
	harness_free_all(&h);
	EXPECT(f[1].state == MMTWIN_FRAME_NONE, "tail left %d", f[1].state);
	EXPECT(buddy_block_head(h.b, pfn + 1) == NULL, "freed block found");
	harness_verify_all_merged(&h);
	harness_teardown(&h);
}

/* gfp_zone(): __GFP_DMA32 never gets a Normal page. */
static void test_zone_modifier(void)
{
	struct mmtwin_frame *f;
	int n = 0;

	harness_setup(&h, 2, 4, 0);
	while ((f = harness_alloc(&h, GFP_KERNEL | __GFP_DMA32 |
				  __GFP_NORETRY | __GFP_NOWARN, 0))) {
		EXPECT(frame_chunk(f)->zone->host_idx == BUDDY_ZONE_DMA32,
		       "zone %s", frame_chunk(f)->zone->name);
		n++;
	}
	EXPECT(n > 1500 && n <= 2048, "%d DMA32 pages", n);
	f = harness_alloc(&h, GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN, 0);
	EXPECT(f && frame_chunk(f)->zone->host_idx == BUDDY_ZONE_NORMAL, "normal");
	harness_teardown(&h);
}

/* lowmem_reserve as setup_per_zone_lowmem_reserve() computes it. */
static void test_lowmem_reserve(void)
{
	struct buddy_zone *dma32, *normal;
	unsigned long res;

	harness_setup(&h, 2, 64, 0);
	dma32 = &h.b->zones[0];
	normal = &h.b->zones[1];
	EXPECT(dma32->lowmem_reserve[BUDDY_ZONE_NORMAL] == 64 * 1024 / 256,
	       "%lu", dma32->lowmem_reserve[BUDDY_ZONE_NORMAL]);
	EXPECT(dma32->lowmem_reserve[BUDDY_ZONE_DMA32] == 0, "own index");
	EXPECT(normal->lowmem_reserve[BUDDY_ZONE_NORMAL] == 0, "top zone");
	/* A Normal request may not take DMA32 below min + reserve. */
	res = dma32->lowmem_reserve[BUDDY_ZONE_NORMAL];
	h.b->tun.pcp_high = 0;
	buddy_update_pcp(h.b);
	while (harness_alloc(&h, GFP_NOWAIT | __GFP_NOWARN, 0))
		;
	EXPECT(dma32->nr_free_pages == dma32->wmark[BUDDY_WMARK_MIN] + res,
	       "DMA32 left %lu, min %lu + reserve %lu", dma32->nr_free_pages,
	       dma32->wmark[BUDDY_WMARK_MIN], res);
	/* ... while a DMA32 request may. */
	EXPECT(harness_alloc(&h, GFP_NOWAIT | __GFP_DMA32 | __GFP_NOWARN, 0),
	       "DMA32 request refused");
	h.b->tun.lowmem_reserve_ratio[BUDDY_ZONE_DMA32] = 0;
	buddy_setup_wmarks(h.b);
	EXPECT(dma32->lowmem_reserve[BUDDY_ZONE_NORMAL] == 0, "ratio 0");
	harness_teardown(&h);
}

/* A test reclaimer: records every call and can be told what to do. */
struct rec {
	int wakes, reclaims, ooms, depth, max_depth, nested_allocs;
	int wake_nid[8], wake_zone[8], wake_order[8], wake_hzi[8];
	gfp_t wake_gfp[8];
	unsigned long reclaimable, oom_frees;
	bool alloc_in_reclaim;
	struct mmtwin_frame *nested;
};

static struct rec rec;

static void rec_wake(void *data, int nid, int zone, unsigned int order,
		     gfp_t gfp, int hzi)
{
	if (rec.wakes < 8) {
		rec.wake_nid[rec.wakes] = nid;
		rec.wake_zone[rec.wakes] = zone;
		rec.wake_order[rec.wakes] = order;
		rec.wake_gfp[rec.wakes] = gfp;
		rec.wake_hzi[rec.wakes] = hzi;
	}
	rec.wakes++;
}

static unsigned long rec_reclaim(void *data, int nid, gfp_t gfp,
				 unsigned int order, int hzi)
{
	rec.reclaims++;
	if (++rec.depth > rec.max_depth)
		rec.max_depth = rec.depth;
	if (rec.alloc_in_reclaim && rec.depth == 1) {
		rec.nested = buddy_alloc(h.b, GFP_KERNEL, 0);
		rec.nested_allocs++;
	}
	rec.depth--;
	return 0;
}

static bool rec_oom(void *data, gfp_t gfp, unsigned int order)
{
	unsigned long freed = 0;

	rec.ooms++;
	while (h.nr_live && freed < rec.oom_frees) {
		freed += 1UL << h.live[0].order;
		harness_free(&h, 0);
	}
	return freed;
}

static unsigned long rec_reclaimable(void *data, int zone)
{
	return rec.reclaimable;
}

static const struct mmtwin_reclaim_ops rec_ops = {
	.wake = rec_wake, .reclaim = rec_reclaim, .oom = rec_oom,
	.reclaimable = rec_reclaimable,
};

static void fill_to_min(void)
{
	h.b->tun.pcp_high = 0;
	buddy_update_pcp(h.b);
	while (harness_alloc(&h, GFP_NOWAIT | __GFP_NOWARN, 0))
		;
}

/* wake_all_kswapds(): each node of the zonelist once, with the kernel's arguments. */
static void test_wake_per_node(void)
{
	harness_setup(&h, 0, 4, 4);
	memset(&rec, 0, sizeof(rec));
	buddy_set_reclaim(h.b, &rec_ops);
	fill_to_min();
	rec.wakes = 0;
	EXPECT(!harness_alloc(&h, GFP_NOWAIT | __GFP_NOWARN, 1), "order 1");
	/* Woken before the first try and again at retry:, as upstream. */
	EXPECT(rec.wakes == 4, "%d wakes", rec.wakes);
	EXPECT(rec.wake_nid[0] == 0 && rec.wake_nid[1] == 1 &&
	       rec.wake_nid[2] == 0 && rec.wake_nid[3] == 1, "nodes %d %d",
	       rec.wake_nid[0], rec.wake_nid[1]);
	EXPECT(rec.wake_order[0] == 1 && rec.wake_gfp[0] == (GFP_NOWAIT | __GFP_NOWARN) &&
	       rec.wake_hzi[0] == BUDDY_ZONE_NORMAL, "order %d gfp %#x hzi %d",
	       rec.wake_order[0], rec.wake_gfp[0], rec.wake_hzi[0]);
	EXPECT(h.b->zones[rec.wake_zone[1]].node == 1, "zone of node 1");
	/* __GFP_THISNODE: the one node only. */
	rec.wakes = 0;
	harness_node = 1;
	EXPECT(!buddy_alloc(h.b, GFP_NOWAIT | __GFP_THISNODE | __GFP_NOWARN, 1),
	       "thisnode order 1");
	EXPECT(rec.wakes == 2 && rec.wake_nid[0] == 1 && rec.wake_nid[1] == 1,
	       "%d wakes, node %d", rec.wakes, rec.wake_nid[0]);
	harness_node = 0;
	buddy_set_reclaim(h.b, NULL);
	harness_teardown(&h);
}

/* __GFP_THISNODE keeps to the node; without it, the zonelist falls back. */
static void test_thisnode(void)
{
	struct mmtwin_frame *f;
	int n = 0;

	harness_setup(&h, 0, 2, 2);
	while ((f = buddy_alloc_node(h.b, 1, GFP_KERNEL | __GFP_THISNODE |
				     __GFP_NORETRY | __GFP_NOWARN, 0))) {
		EXPECT(frame_chunk(f)->zone->node == 1, "node %d",
		       frame_chunk(f)->zone->node);
		h.live[h.nr_live++] = (struct harness_alloc){ f, 0, f->mt };
		n++;
	}
	EXPECT(n > 1500, "%d pages on node 1", n);
	f = buddy_alloc_node(h.b, 1, GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN, 0);
	EXPECT(f && frame_chunk(f)->zone->node == 0, "fallback to node 0");
	if (f)
		h.live[h.nr_live++] = (struct harness_alloc){ f, 0, f->mt };
	EXPECT(!buddy_alloc_node(h.b, 3, GFP_KERNEL | __GFP_THISNODE |
				 __GFP_NOWARN, 0), "node without zones");
	harness_teardown(&h);
}

/*
 * A reclaimer that allocates runs with PF_MEMALLOC: it gets a reserve
 * page marked pfmemalloc and never re-enters reclaim.
 */
static void test_reclaim_reentry(void)
{
	struct mmtwin_frame *f;

	harness_setup(&h, 0, 4, 0);
	memset(&rec, 0, sizeof(rec));
	rec.alloc_in_reclaim = true;
	buddy_set_reclaim(h.b, &rec_ops);
	fill_to_min();
	f = buddy_alloc(h.b, GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN, 0);
	EXPECT(!f, "allocated below min without reclaim progress");
	EXPECT(rec.max_depth == 1, "reclaim re-entered: depth %d", rec.max_depth);
	EXPECT(rec.nested && (rec.nested->owner_flags & MMTWIN_OF_PFMEMALLOC),
	       "nested allocation %p", (void *)rec.nested);
	EXPECT(!buddy_in_reclaim(), "PF_MEMALLOC left set");
	if (rec.nested)
		buddy_free(h.b, rec.nested, 0);
	/* Reserves gone too: the nested allocation fails, it does not recurse. */
	while (harness_alloc(&h, GFP_NOWAIT | __GFP_MEMALLOC | __GFP_NOWARN, 0))
		;
	rec.nested = NULL;
	rec.max_depth = 0;
	rec.nested_allocs = 0;
	f = buddy_alloc(h.b, GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN, 0);
	EXPECT(!f && !rec.nested && rec.nested_allocs == 1, "nested %p",
	       (void *)rec.nested);
	EXPECT(rec.max_depth == 1, "reclaim re-entered: depth %d", rec.max_depth);
	buddy_set_reclaim(h.b, NULL);
	harness_teardown(&h);
}

/*
 * should_reclaim_retry(): with nothing reclaimable one round is all; with
 * enough reclaimable to pass min, rounds go on until 16 made no progress.
 * Then the OOM hook, whose progress restarts the count.
 */
static void test_reclaim_retry_and_oom(void)
{
	struct mmtwin_frame *f;

	harness_setup(&h, 0, 4, 0);
	memset(&rec, 0, sizeof(rec));
	buddy_set_reclaim(h.b, &rec_ops);
	fill_to_min();
	f = buddy_alloc(h.b, GFP_KERNEL | __GFP_RETRY_MAYFAIL | __GFP_NOWARN, 0);
	EXPECT(!f && rec.reclaims == 1 && rec.ooms == 0, "%d rounds, %d ooms",
	       rec.reclaims, rec.ooms);
	rec.reclaims = 0;
	rec.reclaimable = 1000;
	f = buddy_alloc(h.b, GFP_KERNEL | __GFP_RETRY_MAYFAIL | __GFP_NOWARN, 0);
	EXPECT(!f && rec.reclaims == 17, "%d rounds", rec.reclaims);
	EXPECT(rec.ooms == 0, "RETRY_MAYFAIL went OOM");
	/* GFP_KERNEL reaches the OOM hook, which frees: the retry succeeds. */
	rec.reclaims = 0;
	rec.reclaimable = 0;
	rec.oom_frees = 64;
	f = harness_alloc(&h, GFP_KERNEL | __GFP_NOWARN, 0);
	EXPECT(f && rec.ooms == 1, "oom %d, got %p", rec.ooms, (void *)f);
	EXPECT(buddy_zone_event(&h.b->zones[0], BUDDY_OOM) == 1, "oom event");
	/* Costly orders never go OOM. */
	fill_to_min();
	rec.ooms = 0;
	EXPECT(!buddy_alloc(h.b, GFP_KERNEL | __GFP_NOWARN, 4), "order 4");
	EXPECT(rec.ooms == 0, "costly order went OOM");
	buddy_set_reclaim(h.b, NULL);
	harness_teardown(&h);
}

/* A claiming fallback boosts the watermarks and wakes the reclaimer. */
static void test_watermark_boost(void)
{
	struct buddy_zone *z;
	struct mmtwin_frame *f;

	harness_setup(&h, 0, 4, 0);
	z = &h.b->zones[0];
	memset(&rec, 0, sizeof(rec));
	buddy_set_reclaim(h.b, &rec_ops);
	/* Order 0 unmovable from an all-movable zone claims from order 10. */
	EXPECT(z->watermark_boost == 0, "boost at start");
	f = harness_alloc(&h, GFP_KERNEL, 0);
	EXPECT(f, "alloc");
	EXPECT(z->watermark_boost == 0, "order-10 claim boosted %lu",
	       z->watermark_boost);
	/* A sub-pageblock claim: take the unmovable block, then fall back. */
	while ((f = harness_alloc(&h, GFP_KERNEL | __GFP_RECLAIMABLE, 0)) &&
	       !z->watermark_boost)
		;
	EXPECT(z->watermark_boost == BUDDY_PB_PAGES, "boost %lu",
	       z->watermark_boost);
	EXPECT(rec.wakes >= 1 && rec.wake_order[rec.wakes - 1] == 0 &&
	       rec.wake_gfp[rec.wakes - 1] == 0, "boost wake: %d", rec.wakes);
	EXPECT(zone_wmark(z, BUDDY_WMARK_LOW) ==
	       z->wmark[BUDDY_WMARK_LOW] + BUDDY_PB_PAGES, "wmark_pages");
	buddy_reset_boost(z);
	EXPECT(z->watermark_boost == 0, "reset");
	h.b->tun.watermark_boost_factor = 0;
	buddy_setup_wmarks(h.b);
	buddy_set_reclaim(h.b, NULL);
	harness_teardown(&h);
}

/* The fuzzer's chunk ops: many more adds than fit end to end, reusing pfns. */
static void test_chunk_churn(void)
{
	uint8_t ops[3 * 400];
	int i;

	for (i = 0; i < 400; i++) {
		ops[3 * i] = 10;		/* misc */
		ops[3 * i + 1] = 0;		/* a % 8 == 0: chunk op */
		ops[3 * i + 2] = i % 2 ? 0 : 1;	/* add, then take back */
	}
	harness_setup(&h, 2, 56, 2);
	harness_run_ops(&h, ops, sizeof(ops));
	EXPECT(h.b->nr_chunks == 60, "%lu chunks", h.b->nr_chunks);
	harness_teardown(&h);
}


/*
 * Between leaving the lists and prep_new(), a block's head already has its
 * own order: a pageblock walk (move_block()) that sees it published must
 * not skip by the order it was split from.
 */
static void test_split_head_order(void)
{
	struct buddy_zone *z;
	struct mmtwin_frame *f;
	unsigned long flags = 0;

	harness_setup(&h, 0, 1, 0);
	z = &h.b->zones[0];
	f = buddy_rmqueue(z, 0, MMTWIN_MT_MOVABLE, ALLOC_WMARK_LOW);
	EXPECT(f && f->order == 0 && f->state == MMTWIN_FRAME_NONE,
	       "head order %d state %d", f ? f->order : -1, f ? f->state : -1);
	buddy_lock(&z->lock, flags);
	buddy_free_one(z, f, 0);
	buddy_unlock(&z->lock, flags);
	harness_verify_all_merged(&h);
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
	test_pcp_sizes();
	test_pcp_drain_order();
	test_pcp_thp();
	test_pcp_busy();
	test_pcp_high_tuning();
	test_highatomic();
	test_fault();
	test_bad_free();
	test_frame_layout();
	test_compound();
	test_zone_modifier();
	test_lowmem_reserve();
	test_wake_per_node();
	test_thisnode();
	test_reclaim_reentry();
	test_reclaim_retry_and_oom();
	test_watermark_boost();
	test_chunk_churn();
	test_split_head_order();
	for (unsigned long s = 1; s <= seeds; s++)
		random_run(s, 2000);
	failures += harness_thread_tests();
	printf("buddy unit: %s (%d failures, %lu random runs)\n",
	       failures ? "FAIL" : "ok", failures, seeds);
	return failures ? 1 : 0;
}
