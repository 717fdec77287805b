// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for mmtwin_buddy. Most cases build a private allocator over
 * chunks they borrow themselves, all put in one twin zone, so the numbers
 * do not depend on the VM's zones or on other users of the module's arena.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/highmem.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/page_ref.h>
#include <linux/shrinker.h>
#include <linux/prandom.h>
#include <linux/sched.h>

#include <mmtwin/compat.h>
#include "../modules/buddy/glue.h"

static unsigned long max_pfn_of_nodes(void)
{
	unsigned long end = 0;
	int nid;

	for_each_online_node(nid)
		end = max(end, node_end_pfn(nid));
	return end;
}

struct arena {
	struct buddy *b;
	int nr;
};

/*
 * Borrow @nr max-order chunks; the test fails if the host lends too few
 * (a VM too small for the suite is a broken setup, not a skip).
 * Chunk i goes to twin node @node_of(i): one zone per node.
 */
static struct buddy *arena_create_nodes(struct kunit *test, int nr,
					int (*node_of)(int i))
{
	struct buddy *b = buddy_vzalloc(sizeof(*b));
	int i;

	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_EQ(test, buddy_init(b, max_pfn_of_nodes()), 0);
	for (i = 0; i < nr; i++) {
		struct page *page = alloc_pages(GFP_KERNEL | __GFP_NOWARN,
						MAX_PAGE_ORDER);
		struct buddy_chunk *c = page ? buddy_chunk_new() : NULL;

		if (!c) {
			if (page)
				__free_pages(page, MAX_PAGE_ORDER);
			break;
		}
		c->host = page;
		KUNIT_ASSERT_EQ(test, buddy_add_chunk(b, c, page_to_pfn(page),
						      node_of ? node_of(i) : 0,
						      ZONE_NORMAL, "Normal"), 0);
	}
	buddy_setup_wmarks(b);
	buddy_update_pcp(b);
	test->priv = b;
	KUNIT_ASSERT_EQ_MSG(test, i, nr, "host lent %d of %d chunks", i, nr);
	return b;
}

static struct buddy *arena_create(struct kunit *test, int nr)
{
	return arena_create_nodes(test, nr, NULL);
}

static void arena_exit(struct kunit *test)
{
	struct buddy *b = test->priv;
	struct buddy_chunk *c;

	if (!b)
		return;
	buddy_drain_all(b);
	while ((c = buddy_take_free_chunk(b))) {
		__free_pages(c->host, MAX_PAGE_ORDER);
		buddy_vfree(c);	/* a private arena: no lookups in flight */
	}
	/* A test that failed midway may leak frames: leak their chunks too. */
	if (!b->nr_chunks) {
		buddy_destroy(b);
		buddy_vfree(b);
	}
}

static void expect_invariants(struct kunit *test, struct buddy *b)
{
	char why[160];

	KUNIT_EXPECT_EQ_MSG(test, buddy_check(b, why, sizeof(why)), 0, "%s", why);
}

static void expect_all_merged(struct kunit *test, struct buddy *b)
{
	struct buddy_zone_stats st;
	struct buddy_zone *z = &b->zones[0];

	buddy_drain_all(b);
	expect_invariants(test, b);
	buddy_zone_stats(z, &st);
	KUNIT_EXPECT_EQ(test, st.free_pages, z->managed_pages);
	KUNIT_EXPECT_EQ(test, st.nr_free[MAX_PAGE_ORDER] << MAX_PAGE_ORDER,
			z->managed_pages);
}

/* Run on one CPU, so "this CPU's pcp list" means the same list. */
static void pin_cpu(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, set_cpus_allowed_ptr(current,
			cpumask_of(raw_smp_processor_id())), 0);
}

static void unpin_cpu(void)
{
	set_cpus_allowed_ptr(current, cpu_possible_mask);
}

static void no_pcp(struct buddy *b, unsigned int min_kb, unsigned int wsf)
{
	b->tun.pcp_high = 0;
	b->tun.min_free_kbytes = min_kb;
	b->tun.watermark_scale_factor = wsf;
	buddy_setup_wmarks(b);
	buddy_update_pcp(b);
}

static void split_merge(struct kunit *test)
{
	struct buddy *b = arena_create(test, 4);
	struct mmtwin_frame **f;
	unsigned long n = 0, i, total = 4UL << MAX_PAGE_ORDER;
	struct rnd_state rnd;

	no_pcp(b, 4, 1);
	f = kvcalloc(total, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	while (n < total && (f[n] = buddy_alloc(b, GFP_ATOMIC | __GFP_NOWARN, 0)))
		n++;
	/* All but what GFP_ATOMIC must leave of a 1-page min reserve. */
	KUNIT_EXPECT_GE(test, n, total - 2);
	KUNIT_EXPECT_EQ(test, b->zones[0].nr_free_pages, total - n);
	expect_invariants(test, b);
	prandom_seed_state(&rnd, 42);
	for (i = n; i > 1; i--) {
		unsigned long j = prandom_u32_state(&rnd) % i;

		swap(f[i - 1], f[j]);
	}
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, buddy_free(b, f[i], 0), 0);
	kvfree(f);
	expect_all_merged(test, b);
	KUNIT_EXPECT_EQ(test, b->zones[0].free_area[MAX_PAGE_ORDER].nr_free, 4UL);
}

static void fallback_and_ownership(struct kunit *test)
{
	struct buddy *b = arena_create(test, 4);
	struct buddy_zone_stats st;
	struct mmtwin_frame *f, *r;

	pin_cpu(test);
	f = buddy_alloc(b, GFP_KERNEL, 0);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_EQ(test, pageblock_mt(f), MMTWIN_MT_UNMOVABLE);
	buddy_zone_stats(&b->zones[0], &st);
	/* The max-order block it came from spans pageblocks: all claimed. */
	KUNIT_EXPECT_EQ(test, st.blocks_mt[MMTWIN_MT_UNMOVABLE],
			BUDDY_PB_PER_CHUNK);
	KUNIT_EXPECT_EQ(test, st.blocks_mt[MMTWIN_MT_MOVABLE],
			3 * BUDDY_PB_PER_CHUNK);
	KUNIT_EXPECT_EQ(test, st.events[BUDDY_STEAL_BLOCK], 1UL);
	/*
	 * Reclaimable tries unmovable before movable at each order, but the
	 * largest block first: a whole movable chunk beats the unmovable
	 * pieces, as in __rmqueue_claim().
	 */
	r = buddy_alloc(b, GFP_KERNEL | __GFP_RECLAIMABLE, 0);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, pageblock_mt(r), MMTWIN_MT_RECLAIMABLE);
	KUNIT_EXPECT_PTR_NE(test, frame_chunk(r), frame_chunk(f));
	buddy_zone_stats(&b->zones[0], &st);
	KUNIT_EXPECT_EQ(test, st.blocks_mt[MMTWIN_MT_RECLAIMABLE],
			BUDDY_PB_PER_CHUNK);
	KUNIT_EXPECT_EQ(test, st.events[BUDDY_STEAL_BLOCK], 2UL);
	buddy_free(b, f, 0);
	buddy_free(b, r, 0);
	unpin_cpu();
	expect_all_merged(test, b);
}

static void pcp_refill_and_drain(struct kunit *test)
{
	struct buddy *b = arena_create(test, 4);
	struct mmtwin_frame *f[40];
	struct buddy_pcp *pcp;
	int i;

	b->tun.pcp_batch = 8;
	b->tun.pcp_high = 32;
	buddy_update_pcp(b);
	pin_cpu(test);
	pcp = this_cpu_ptr(b->zones[0].pcp);
	f[0] = buddy_alloc(b, GFP_KERNEL, 0);
	KUNIT_ASSERT_NOT_NULL(test, f[0]);
	KUNIT_EXPECT_EQ(test, pcp->count, 7);	/* one batch, one taken */
	KUNIT_EXPECT_EQ(test, buddy_zone_event(&b->zones[0], BUDDY_PCP_REFILL), 1UL);
	for (i = 1; i < 40; i++)
		f[i] = buddy_alloc(b, GFP_KERNEL, 0);
	for (i = 0; i < 40; i++) {
		buddy_free(b, f[i], 0);
		KUNIT_EXPECT_LT(test, pcp->count, 32);	/* never at high */
	}
	KUNIT_EXPECT_GE(test, pcp->count, 8);	/* keeps at least a batch */
	KUNIT_EXPECT_GT(test, buddy_zone_event(&b->zones[0], BUDDY_PCP_DRAIN), 0UL);
	buddy_drain_cpu(b, raw_smp_processor_id());
	KUNIT_EXPECT_EQ(test, pcp->count, 0);
	unpin_cpu();
	expect_all_merged(test, b);
}

static void gfp_reserves(struct kunit *test)
{
	struct buddy *b = arena_create(test, 4);
	struct buddy_zone *z = &b->zones[0];
	unsigned long min, warned;
	LIST_HEAD(held);
	struct mmtwin_frame *f, *next;

	no_pcp(b, 0, 10);
	min = z->wmark[BUDDY_WMARK_MIN];
	while ((f = buddy_alloc(b, GFP_NOWAIT | __GFP_NOWARN, 0)))
		list_add(&f->lru, &held);
	KUNIT_EXPECT_EQ(test, z->nr_free_pages, min);
	KUNIT_EXPECT_NULL(test, buddy_alloc(b, GFP_KERNEL | __GFP_NORETRY |
					    __GFP_NOWARN, 0));
	/* __GFP_HIGH alone: half of min, not below. */
	f = buddy_alloc(b, GFP_KERNEL | __GFP_HIGH | __GFP_NOWARN, 0);
	KUNIT_EXPECT_NOT_NULL(test, f);
	if (f)
		list_add(&f->lru, &held);
	/* __GFP_NOFAIL may use half of min too. */
	f = buddy_alloc(b, GFP_KERNEL | __GFP_NOFAIL, 0);
	KUNIT_EXPECT_NOT_NULL(test, f);
	if (f)
		list_add(&f->lru, &held);
	while ((f = buddy_alloc(b, GFP_ATOMIC | __GFP_NOWARN, 0)))
		list_add(&f->lru, &held);
	KUNIT_EXPECT_EQ(test, z->nr_free_pages, min * 3 / 8);
	/* Failures are reported unless __GFP_NOWARN (6.12's GFP_NOWAIT has it). */
	warned = buddy_zone_event(z, BUDDY_ALLOC_WARN);
	KUNIT_EXPECT_NULL(test, buddy_alloc(b, GFP_KERNEL | __GFP_NORETRY, 0));
	KUNIT_EXPECT_EQ(test, buddy_zone_event(z, BUDDY_ALLOC_WARN), warned + 1);
	KUNIT_EXPECT_NULL(test, buddy_alloc(b, GFP_KERNEL | __GFP_NORETRY |
					    __GFP_NOWARN, 0));
	KUNIT_EXPECT_EQ(test, buddy_zone_event(z, BUDDY_ALLOC_WARN), warned + 1);
	expect_invariants(test, b);
	list_for_each_entry_safe(f, next, &held, lru) {
		list_del(&f->lru);
		buddy_free(b, f, 0);
	}
	expect_all_merged(test, b);
}

static void gfp_migratetypes_and_zero(struct kunit *test)
{
	struct buddy *b = arena_create(test, 2);
	struct mmtwin_frame *f;
	unsigned long *p, i, bad = 0;

	no_pcp(b, 0, 10);
	f = buddy_alloc(b, GFP_KERNEL | __GFP_MOVABLE, 2);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_EQ(test, f->mt, MMTWIN_MT_MOVABLE);
	KUNIT_EXPECT_EQ(test, f->state, MMTWIN_FRAME_ALLOC);
	KUNIT_EXPECT_EQ(test, f->order, 2);
	for (i = 0; i < 4; i++) {
		p = kmap_local_page(pfn_to_page(frame_pfn(f) + i));
		memset(p, 0xaa, PAGE_SIZE);
		kunmap_local(p);
	}
	buddy_free(b, f, 2);
	/* The same block comes back first: it must come back zeroed. */
	f = buddy_alloc(b, GFP_KERNEL | __GFP_MOVABLE | __GFP_ZERO, 2);
	KUNIT_ASSERT_NOT_NULL(test, f);
	for (i = 0; i < 4; i++) {
		unsigned long w;

		p = kmap_local_page(pfn_to_page(frame_pfn(f) + i));
		for (w = 0; w < PAGE_SIZE / sizeof(*p); w++)
			bad += p[w] != 0;
		kunmap_local(p);
	}
	KUNIT_EXPECT_EQ(test, bad, 0UL);
	buddy_free(b, f, 2);
	f = buddy_alloc(b, GFP_KERNEL | __GFP_RECLAIMABLE, 0);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_EQ(test, f->mt, MMTWIN_MT_RECLAIMABLE);
	KUNIT_EXPECT_EQ(test, buddy_free(b, f, 1), -EINVAL);	/* wrong order */
	KUNIT_EXPECT_EQ(test, buddy_free(b, f, 0), 0);
	KUNIT_EXPECT_EQ(test, buddy_free(b, f, 0), -EINVAL);	/* double free */
	KUNIT_EXPECT_EQ(test, buddy_zone_event(&b->zones[0], BUDDY_BAD_FREE), 2UL);
	KUNIT_EXPECT_NULL(test, buddy_alloc(b, GFP_KERNEL | __GFP_NOWARN,
					    MAX_PAGE_ORDER + 1));
	expect_all_merged(test, b);
}

static void watermarks_like_kernel(struct kunit *test)
{
	struct buddy *b = arena_create(test, 16);	/* 64 MB */
	struct buddy_zone *z = &b->zones[0];

	/* calculate_min_free_kbytes() for 64 MB: sqrt(65536 * 16) = 1024. */
	KUNIT_EXPECT_EQ(test, b->min_free_kbytes, 1024U);
	KUNIT_EXPECT_EQ(test, z->wmark[BUDDY_WMARK_MIN], 256UL);
	KUNIT_EXPECT_EQ(test, z->wmark[BUDDY_WMARK_LOW], 320UL);
	KUNIT_EXPECT_EQ(test, z->wmark[BUDDY_WMARK_HIGH], 384UL);
	b->tun.watermark_scale_factor = 1000;
	buddy_setup_wmarks(b);
	KUNIT_EXPECT_EQ(test, z->wmark[BUDDY_WMARK_LOW], 256UL + 1638);
	/* Order-aware: enough pages, but is there a block of the order? */
	KUNIT_EXPECT_TRUE(test, buddy_watermark_ok(z, MAX_PAGE_ORDER, 256,
						   ZONE_NORMAL, 0));
	KUNIT_EXPECT_FALSE(test, buddy_watermark_ok(z, 0, z->managed_pages,
						    ZONE_NORMAL, 0));
}

static void exhaustion(struct kunit *test)
{
	struct buddy *b = arena_create(test, 2);
	struct buddy_zone *z = &b->zones[0];
	struct mmtwin_frame *f[4];
	unsigned long warned;
	int i;

	no_pcp(b, 4, 1);
	/* Three of the four half-chunks: no max-order block is left. */
	for (i = 0; i < 3; i++) {
		f[i] = buddy_alloc(b, GFP_ATOMIC, MAX_PAGE_ORDER - 1);
		KUNIT_EXPECT_NOT_NULL(test, f[i]);
	}
	warned = buddy_zone_event(z, BUDDY_ALLOC_WARN);
	KUNIT_EXPECT_NULL(test, buddy_alloc(b, GFP_KERNEL | __GFP_NORETRY |
					    __GFP_NOWARN, MAX_PAGE_ORDER));
	KUNIT_EXPECT_EQ(test, buddy_zone_event(z, BUDDY_ALLOC_WARN), warned);
	KUNIT_EXPECT_NULL(test, buddy_alloc(b, GFP_KERNEL | __GFP_NORETRY,
					    MAX_PAGE_ORDER));
	KUNIT_EXPECT_EQ(test, buddy_zone_event(z, BUDDY_ALLOC_WARN), warned + 1);
	expect_invariants(test, b);
	for (i = 0; i < 3; i++)
		if (f[i])
			buddy_free(b, f[i], MAX_PAGE_ORDER - 1);
	expect_all_merged(test, b);
}

static void bulk(struct kunit *test)
{
	struct buddy *b = arena_create(test, 2);
	struct mmtwin_frame *f[100] = { NULL };
	unsigned long got;
	int i, j;

	pin_cpu(test);
	got = buddy_alloc_bulk(b, GFP_KERNEL, 100, f);
	unpin_cpu();
	KUNIT_EXPECT_EQ(test, got, 100UL);
	for (i = 0; i < 100; i++) {
		KUNIT_ASSERT_NOT_NULL(test, f[i]);
		KUNIT_EXPECT_EQ(test, f[i]->state, MMTWIN_FRAME_ALLOC);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_PTR_NE(test, f[i], f[j]);
	}
	expect_invariants(test, b);
	for (i = 0; i < 100; i++)
		buddy_free(b, f[i], 0);
	expect_all_merged(test, b);
}

/* High-order atomic allocations from the slow path reserve a pageblock. */
static void highatomic_reserve(struct kunit *test)
{
	struct buddy *b = arena_create(test, 52);	/* >= 1% is a pageblock */
	struct buddy_zone *z = &b->zones[0];
	struct mmtwin_frame *f;
	LIST_HEAD(held);

	no_pcp(b, 0, 10);
	while ((f = buddy_alloc(b, GFP_NOWAIT | __GFP_NOWARN, 3)))
		list_add(&f->lru, &held);
	KUNIT_EXPECT_EQ(test, z->nr_reserved_highatomic, 0UL);
	f = buddy_alloc(b, GFP_ATOMIC, 1);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_EQ(test, pageblock_mt(f), MMTWIN_MT_HIGHATOMIC);
	KUNIT_EXPECT_EQ(test, z->nr_reserved_highatomic, BUDDY_PB_PAGES);
	expect_invariants(test, b);
	buddy_free(b, f, 1);
	KUNIT_EXPECT_TRUE(test, buddy_unreserve_highatomic(b, MMTWIN_MT_MOVABLE,
							   true));
	KUNIT_EXPECT_EQ(test, z->nr_reserved_highatomic, 0UL);
	while (!list_empty(&held)) {
		f = list_first_entry(&held, struct mmtwin_frame, lru);
		list_del(&f->lru);
		buddy_free(b, f, 3);
	}
	expect_invariants(test, b);
}

/* Twin nodes of zonelist_fallback's chunks: this CPU's, and another. */
static int fallback_nodes[2];

static int local_or_other(int i)
{
	return fallback_nodes[i & 1];
}

/*
 * The local node's zone first; the other node's only below its mark.
 * Whatever node the test runs on: the twin keeps zonelists for nodes
 * below BUDDY_MAX_NODES and walks node 0's from any other.
 */
static void zonelist_fallback(struct kunit *test)
{
	struct buddy_zone *local, *remote;
	struct mmtwin_frame *f;
	struct buddy *b;
	LIST_HEAD(held);
	int node;

	pin_cpu(test);
	node = numa_node_id() < BUDDY_MAX_NODES ? numa_node_id() : 0;
	fallback_nodes[0] = node;
	fallback_nodes[1] = node ? 0 : 1;
	b = arena_create_nodes(test, 4, local_or_other);
	KUNIT_ASSERT_EQ(test, b->nr_zones, 2);
	local = b->zones[0].node == node ? &b->zones[0] : &b->zones[1];
	remote = local == &b->zones[0] ? &b->zones[1] : &b->zones[0];
	no_pcp(b, 0, 10);
	f = buddy_alloc(b, GFP_KERNEL, 0);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_PTR_EQ(test, frame_chunk(f)->zone, local);
	list_add(&f->lru, &held);
	/* Fill the local zone down to its low mark: the next one is remote. */
	while (local->nr_free_pages > local->wmark[BUDDY_WMARK_LOW]) {
		f = buddy_alloc(b, GFP_KERNEL, 0);
		KUNIT_ASSERT_NOT_NULL(test, f);
		KUNIT_ASSERT_PTR_EQ(test, frame_chunk(f)->zone, local);
		list_add(&f->lru, &held);
	}
	f = buddy_alloc(b, GFP_KERNEL, 0);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_PTR_EQ(test, frame_chunk(f)->zone, remote);
	list_add(&f->lru, &held);
	unpin_cpu();
	while (!list_empty(&held)) {
		f = list_first_entry(&held, struct mmtwin_frame, lru);
		list_del(&f->lru);
		buddy_free(b, f, 0);
	}
	expect_invariants(test, b);
}

/* A reclaimer that gives back what the test holds, oldest first. */
struct fake_reclaimer {
	struct list_head held;
	unsigned long wakes, calls;
	struct buddy *b;
};

static void fake_wake(void *data, int nid, int zone, unsigned int order,
		      gfp_t gfp, int highest_zoneidx)
{
	struct fake_reclaimer *r = data;

	r->wakes++;
}

static unsigned long fake_reclaim(void *data, int nid, gfp_t gfp,
				  unsigned int order, int highest_zoneidx)
{
	struct fake_reclaimer *r = data;
	struct mmtwin_frame *f;
	unsigned long freed = 0;

	r->calls++;
	while (freed < 32 && !list_empty(&r->held)) {
		f = list_last_entry(&r->held, struct mmtwin_frame, lru);
		list_del(&f->lru);
		buddy_free(r->b, f, 0);
		freed++;
	}
	return freed;
}

static void reclaim_hooks(struct kunit *test)
{
	struct buddy *b = arena_create(test, 4);
	struct fake_reclaimer r = { .b = b };
	struct mmtwin_reclaim_ops ops = {
		.wake = fake_wake, .reclaim = fake_reclaim, .data = &r,
	};
	struct buddy_zone *z = &b->zones[0];
	struct mmtwin_frame *f, *next;

	INIT_LIST_HEAD(&r.held);
	no_pcp(b, 0, 10);
	buddy_set_reclaim(b, &ops);
	/* Down to low: no hook yet. */
	while (z->nr_free_pages > z->wmark[BUDDY_WMARK_LOW] + 1) {
		f = buddy_alloc(b, GFP_KERNEL, 0);
		KUNIT_ASSERT_NOT_NULL(test, f);
		list_add(&f->lru, &r.held);
	}
	KUNIT_EXPECT_EQ(test, r.wakes, 0UL);
	KUNIT_EXPECT_EQ(test, r.calls, 0UL);
	/* Below low: the background reclaimer is woken, nothing reclaimed. */
	while (z->nr_free_pages > z->wmark[BUDDY_WMARK_MIN]) {
		f = buddy_alloc(b, GFP_NOWAIT, 0);
		KUNIT_ASSERT_NOT_NULL(test, f);
		list_add(&f->lru, &r.held);
	}
	KUNIT_EXPECT_GT(test, r.wakes, 0UL);
	KUNIT_EXPECT_EQ(test, r.calls, 0UL);
	/* At min: a sleeping allocation reclaims directly and succeeds. */
	f = buddy_alloc(b, GFP_KERNEL, 0);
	KUNIT_EXPECT_NOT_NULL(test, f);
	KUNIT_EXPECT_EQ(test, r.calls, 1UL);
	KUNIT_EXPECT_EQ(test, buddy_zone_event(z, BUDDY_ALLOCSTALL), 1UL);
	if (f)
		list_add(&f->lru, &r.held);
	/* An atomic allocation below low wakes, but never reclaims. */
	while (z->nr_free_pages > z->wmark[BUDDY_WMARK_MIN]) {
		f = buddy_alloc(b, GFP_NOWAIT, 0);
		KUNIT_ASSERT_NOT_NULL(test, f);
		list_add(&f->lru, &r.held);
	}
	f = buddy_alloc(b, GFP_ATOMIC, 0);
	KUNIT_EXPECT_NOT_NULL(test, f);
	if (f)
		list_add(&f->lru, &r.held);
	KUNIT_EXPECT_EQ(test, r.calls, 1UL);
	buddy_set_reclaim(b, NULL);
	list_for_each_entry_safe(f, next, &r.held, lru) {
		list_del(&f->lru);
		buddy_free(b, f, 0);
	}
	expect_all_merged(test, b);

	/* The module's own registration: one reclaimer at a time. */
	KUNIT_EXPECT_EQ(test, mmtwin_buddy_register_reclaim(&ops), 0);
	KUNIT_EXPECT_EQ(test, mmtwin_buddy_register_reclaim(&ops), -EBUSY);
	mmtwin_buddy_unregister_reclaim(&ops);
}

/* Two threads, one per CPU, alloc and free at random on one allocator. */
struct stress {
	struct buddy *b;
	struct completion go[2], done[2];
	bool stop;
	unsigned long ops[2], bad[2];
};

struct stress_arg {
	struct stress *s;
	int id;
};

#define STRESS_HELD	256

static bool stamp_ok(struct mmtwin_frame *f)
{
	unsigned long *p = kmap_local_page(pfn_to_page(frame_pfn(f)));
	bool ok = *p == frame_pfn(f);

	kunmap_local(p);
	return ok;
}

static void stamp(struct mmtwin_frame *f)
{
	unsigned long *p = kmap_local_page(pfn_to_page(frame_pfn(f)));

	*p = frame_pfn(f);
	kunmap_local(p);
}

static void stress_round(struct stress *s, int id, struct mmtwin_frame **held,
			 unsigned int *orders, struct rnd_state *rnd)
{
	static const gfp_t gfps[] = { GFP_KERNEL, GFP_KERNEL | __GFP_MOVABLE,
		GFP_ATOMIC, GFP_KERNEL | __GFP_RECLAIMABLE, GFP_NOWAIT };
	int i;

	for (i = 0; i < 2000; i++) {
		u32 r = prandom_u32_state(rnd);
		int slot = r % STRESS_HELD;

		if (held[slot]) {
			/* Someone else writing our page would show here. */
			if (!stamp_ok(held[slot]))
				s->bad[id]++;
			buddy_free(s->b, held[slot], orders[slot]);
			held[slot] = NULL;
		} else {
			orders[slot] = (r >> 8) % 8 ? (r >> 12) % 4 : (r >> 12) % 11;
			held[slot] = buddy_alloc(s->b, gfps[(r >> 16) % 5] |
						 __GFP_NOWARN | __GFP_NORETRY,
						 orders[slot]);
			if (held[slot])
				stamp(held[slot]);
		}
		s->ops[id]++;
	}
}

static int stress_thread(void *data)
{
	struct stress_arg *arg = data;
	struct stress *s = arg->s;
	int id = arg->id, i;
	struct mmtwin_frame **held;
	unsigned int orders[STRESS_HELD];
	struct rnd_state rnd;

	held = kcalloc(STRESS_HELD, sizeof(*held), GFP_KERNEL);
	prandom_seed_state(&rnd, 1000 + id);
	for (;;) {
		wait_for_completion(&s->go[id]);
		if (READ_ONCE(s->stop) || !held)
			break;
		stress_round(s, id, held, orders, &rnd);
		complete(&s->done[id]);
	}
	for (i = 0; held && i < STRESS_HELD; i++)
		if (held[i])
			buddy_free(s->b, held[i], orders[i]);
	kfree(held);
	complete(&s->done[id]);
	return 0;
}

static void concurrent_stress(struct kunit *test)
{
	struct buddy *b = arena_create(test, 8);
	struct stress_arg arg[2];
	struct task_struct *t[2];
	struct stress *s;
	int i, round;

	s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	s->b = b;
	for (i = 0; i < 2; i++) {
		init_completion(&s->go[i]);
		init_completion(&s->done[i]);
		arg[i].s = s;
		arg[i].id = i;
		t[i] = kthread_create(stress_thread, &arg[i], "mmtwin_stress/%d", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t[i]));
		/* A CPU each; with one CPU they take turns on it. */
		kthread_bind(t[i], cpumask_nth(i % num_online_cpus(),
					       cpu_online_mask));
		wake_up_process(t[i]);
	}
	for (round = 0; round < 10; round++) {
		for (i = 0; i < 2; i++)
			complete(&s->go[i]);
		for (i = 0; i < 2; i++)
			wait_for_completion(&s->done[i]);
		/* Both threads wait between rounds: a quiet allocator. */
		expect_invariants(test, b);
	}
	WRITE_ONCE(s->stop, true);
	for (i = 0; i < 2; i++) {
		complete(&s->go[i]);
		wait_for_completion(&s->done[i]);
	}
	KUNIT_EXPECT_EQ(test, s->ops[0], 20000UL);
	KUNIT_EXPECT_EQ(test, s->ops[1], 20000UL);
	KUNIT_EXPECT_EQ(test, s->bad[0] + s->bad[1], 0UL);
	expect_all_merged(test, b);
}


/* Any address in a twin block finds the block's head frame; others NULL. */
static void virt_to_frame_heads(struct kunit *test)
{
	struct page *comp, *plain;
	struct mmtwin_frame *head;
	void *outside;
	char *base;
	int i;

	comp = mmtwin_alloc_pages(GFP_KERNEL | __GFP_COMP, 2);
	plain = mmtwin_alloc_pages(GFP_KERNEL, 3);
	KUNIT_ASSERT_NOT_NULL(test, comp);
	KUNIT_ASSERT_NOT_NULL(test, plain);
	head = mmtwin_page_frame(comp);
	KUNIT_EXPECT_PTR_EQ(test, mmtwin_frame_address(head), page_address(comp));
	base = page_address(comp);
	for (i = 0; i < 4; i++) {
		KUNIT_EXPECT_PTR_EQ(test, mmtwin_virt_to_frame(base + i * PAGE_SIZE + 100),
				    head);
		KUNIT_EXPECT_PTR_EQ(test, mmtwin_frame_head(mmtwin_page_frame(comp + i)),
				    head);
	}
	base = page_address(plain);
	for (i = 0; i < 8; i++)
		KUNIT_EXPECT_PTR_EQ(test, mmtwin_virt_to_frame(base + i * PAGE_SIZE + 8),
				    mmtwin_page_frame(plain));
	outside = kmalloc(64, GFP_KERNEL);
	KUNIT_EXPECT_NULL(test, mmtwin_virt_to_frame(outside));
	kfree(outside);
	KUNIT_EXPECT_NULL(test, mmtwin_virt_to_frame(NULL));
	mmtwin_free_pages(comp, 2);
	mmtwin_free_pages(plain, 3);
	/* Freed: the tails are plain again and no block holds the address. */
	KUNIT_EXPECT_EQ(test, (int)mmtwin_page_frame(comp + 1)->state,
			MMTWIN_FRAME_NONE);
}

/* __GFP_THISNODE keeps to the node asked for. */
static void alloc_node_thisnode(struct kunit *test)
{
	struct mmtwin_zone_info info;
	struct page *page;
	int z;

	for (z = 0; z < mmtwin_buddy_nr_zones(); z++) {
		KUNIT_ASSERT_EQ(test, mmtwin_buddy_zone_info(z, &info), 0);
		page = mmtwin_alloc_pages_node(info.node, GFP_KERNEL |
					       __GFP_THISNODE | __GFP_NOWARN, 0);
		KUNIT_ASSERT_NOT_NULL(test, page);
		KUNIT_EXPECT_EQ(test, page_to_nid(page), info.node);
		mmtwin_free_pages(page, 0);
	}
	KUNIT_EXPECT_NULL(test, mmtwin_alloc_pages_node(MAX_NUMNODES, GFP_KERNEL, 0));
	KUNIT_EXPECT_NULL(test, mmtwin_alloc_pages_node(-5, GFP_KERNEL, 0));
}

/* freelist and counters swap as one 128-bit word, as SLUB needs. */
static void slab_view_cmpxchg(struct kunit *test)
{
	struct page *page = mmtwin_alloc_pages(GFP_KERNEL, 0);
	struct mmtwin_frame *f, old, new;

	KUNIT_ASSERT_NOT_NULL(test, page);
	f = mmtwin_page_frame(page);
	KUNIT_EXPECT_EQ(test, (unsigned long)&f->freelist % 16, 0UL);
	f->freelist = (void *)0x1000;
	f->inuse = 3;
	f->objects = 32;
	f->frozen = 1;
	old.freelist = f->freelist;
	old.counters = f->counters;
	new.freelist = (void *)0x2000;
	new.counters = old.counters;
	new.inuse = 4;
	new.frozen = 0;
	if (IS_ENABLED(CONFIG_ARCH_SUPPORTS_INT128) && system_has_cmpxchg128()) {
		KUNIT_EXPECT_TRUE(test, try_cmpxchg128(&f->freelist_counter,
						       &old.freelist_counter,
						       new.freelist_counter));
		KUNIT_EXPECT_PTR_EQ(test, f->freelist, (void *)0x2000);
		KUNIT_EXPECT_EQ(test, (unsigned int)f->inuse, 4U);
		KUNIT_EXPECT_EQ(test, (unsigned int)f->objects, 32U);
		KUNIT_EXPECT_EQ(test, (unsigned int)f->frozen, 0U);
	}
	mmtwin_free_pages(page, 0);
}

/* A shrinker with @left objects, freeing what it is asked to scan. */
struct fake_shrinker {
	struct mmtwin_shrinker s;
	unsigned long left, calls, max_scan;
};

static unsigned long fake_count(struct mmtwin_shrinker *s,
				struct mmtwin_shrink_control *sc)
{
	return container_of(s, struct fake_shrinker, s)->left;
}

static unsigned long fake_scan(struct mmtwin_shrinker *s,
			       struct mmtwin_shrink_control *sc)
{
	struct fake_shrinker *fs = container_of(s, struct fake_shrinker, s);
	unsigned long n = min(sc->nr_to_scan, fs->left);

	fs->calls++;
	fs->max_scan = max(fs->max_scan, sc->nr_to_scan);
	fs->left -= n;
	return n;
}

/* do_shrink_slab()'s share: freeable >> priority, times 4 / seeks. */
static void shrinker_registry(struct kunit *test)
{
	struct fake_shrinker fs = {
		.s = { .count_objects = fake_count, .scan_objects = fake_scan,
		       .seeks = DEFAULT_SEEKS },
		.left = 1000,
	};
	struct mmtwin_shrinker bad = { .count_objects = fake_count };

	KUNIT_EXPECT_EQ(test, mmtwin_buddy_register_shrinker(&bad), -EINVAL);
	KUNIT_ASSERT_EQ(test, mmtwin_buddy_register_shrinker(&fs.s), 0);
	/* 1000 >> 12 is 0, and 0 < 1000: nothing scanned. */
	KUNIT_EXPECT_EQ(test, mmtwin_buddy_shrink_slab(GFP_KERNEL, 0, 12), 0UL);
	KUNIT_EXPECT_EQ(test, fs.calls, 0UL);
	/* 1000 >> 2 = 250, * 4 / 2 = 500: in batches of 128, while >= 128. */
	KUNIT_EXPECT_EQ(test, mmtwin_buddy_shrink_slab(GFP_KERNEL, 0, 2), 384UL);
	KUNIT_EXPECT_EQ(test, fs.calls, 3UL);
	KUNIT_EXPECT_EQ(test, fs.max_scan, 128UL);
	KUNIT_EXPECT_EQ(test, mmtwin_buddy_shrink_slab(GFP_KERNEL, 0, 0), 616UL);
	KUNIT_EXPECT_EQ(test, mmtwin_buddy_shrink_slab(GFP_KERNEL, 0, 13), 0UL);
	mmtwin_buddy_unregister_shrinker(&fs.s);
	fs.left = 1000;
	KUNIT_EXPECT_EQ(test, mmtwin_buddy_shrink_slab(GFP_KERNEL, 0, 0), 0UL);
}


/* A consumer's put_page() on a twin page: caught on free, page kept. */
static void stray_put_page(struct kunit *test)
{
	struct page *page = mmtwin_alloc_pages(GFP_KERNEL, 1);
	struct buddy_zone *z;
	unsigned long before;

	KUNIT_ASSERT_NOT_NULL(test, page);
	z = frame_chunk(mmtwin_page_frame(page))->zone;
	before = buddy_zone_event(z, BUDDY_HOST_REF);
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 2);
	KUNIT_EXPECT_EQ(test, page_ref_count(page + 1), 2);
	put_page(page + 1);
	/* The twin's own reference keeps the page out of the host's lists. */
	KUNIT_EXPECT_EQ(test, page_ref_count(page + 1), 1);
	mmtwin_free_pages(page, 1);
	KUNIT_EXPECT_EQ(test, buddy_zone_event(z, BUDDY_HOST_REF), before + 1);
	KUNIT_EXPECT_EQ(test, page_ref_count(page + 1), 2);
}

/* The host shrinker gives wholly free chunks back and never blocks. */
static void host_shrinker(struct kunit *test)
{
	struct buddy *b = mmtwin_buddy_instance();
	unsigned int mb = mmtwin_buddy_arena_mb();
	unsigned int chunk_mb = (PAGE_SIZE << MAX_PAGE_ORDER) >> 20;
	unsigned long chunks;

	KUNIT_ASSERT_EQ(test, mmtwin_buddy_resize(mb + 4 * chunk_mb), 0);
	chunks = b->nr_chunks;
	mmtwin_buddy_drain();
	KUNIT_EXPECT_EQ(test, mmtwin_host_shrink(2 * BUDDY_CHUNK_PAGES),
			2 * BUDDY_CHUNK_PAGES);
	KUNIT_EXPECT_EQ(test, b->nr_chunks, chunks - 2);
	expect_invariants(test, b);
	mutex_lock(&mmtwin_buddy_arena_lock);
	KUNIT_EXPECT_EQ(test, mmtwin_host_shrink(BUDDY_CHUNK_PAGES), SHRINK_STOP);
	mutex_unlock(&mmtwin_buddy_arena_lock);
	mmtwin_host_flush();
	KUNIT_EXPECT_EQ(test, mmtwin_buddy_resize(mb), 0);
	mmtwin_host_flush();
	KUNIT_EXPECT_EQ(test, mmtwin_buddy_arena_mb(), mb);
}


/*
 * Chunk lifetime: a block freed into a chunk can let the whole chunk go
 * back to the host at once (a drain, then the host shrinker). A lookup
 * that found the chunk inside rcu_read_lock() must still find it the
 * twin's until it unlocks: every page held (count 2, the twin's own
 * reference) and the frames readable. The freer checks exactly that,
 * pinned to one CPU, while the shrinker drains, shrinks, sleeps (so the
 * freer runs with the chunk gone from the map) and grows back on another.
 */
struct chunk_race {
	struct completion done[2];
	unsigned int mb;
	unsigned long deadline;
	unsigned long rounds, found, early, wrong_pfn, shrunk, grow_failed;
	bool stop;
};

#define CHUNK_RACE_ROUNDS	60
#define CHUNK_RACE_CHUNKS	4	/* all but one go back each round */

/* Pages of @c that are no longer the twin's (host count not 2). */
static unsigned long pages_returned(unsigned long base_pfn)
{
	unsigned long i, n = 0;

	for (i = 0; i < BUDDY_CHUNK_PAGES; i++)
		n += page_ref_count(pfn_to_page(base_pfn + i)) != 2;
	return n;
}

static void chunk_race_lookup(struct chunk_race *r, struct page *page)
{
	struct mmtwin_frame *f;

	rcu_read_lock();
	f = mmtwin_page_frame(page);
	if (f) {
		r->found++;
		if (frame_pfn(f) != page_to_pfn(page))
			r->wrong_pfn++;
		if (pages_returned(frame_chunk(f)->base_pfn))
			r->early++;
	}
	rcu_read_unlock();
}

static int chunk_race_freer(void *data)
{
	struct chunk_race *r = data;
	struct page *page;

	while (!READ_ONCE(r->stop) && time_before(jiffies, r->deadline)) {
		page = mmtwin_alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0);
		if (page) {
			mmtwin_free_pages(page, 0);
			chunk_race_lookup(r, page);
		}
		cond_resched();
	}
	complete(&r->done[0]);
	return 0;
}

static int chunk_race_shrinker(void *data)
{
	struct chunk_race *r = data;
	unsigned long got;

	while (r->rounds < CHUNK_RACE_ROUNDS && time_before(jiffies, r->deadline)) {
		mmtwin_buddy_drain();
		got = mmtwin_host_shrink(ULONG_MAX);
		if (got && got != SHRINK_STOP)
			r->shrunk += got / BUDDY_CHUNK_PAGES;
		/* Let the freer run while the chunks are on their way back. */
		usleep_range(200, 400);
		if (mmtwin_buddy_resize(r->mb))
			r->grow_failed++;
		r->rounds++;
	}
	WRITE_ONCE(r->stop, true);
	complete(&r->done[1]);
	return 0;
}

static int (* const chunk_race_fn[2])(void *) = {
	chunk_race_freer, chunk_race_shrinker,
};

/*
 * A small arena, so a round gives back and borrows three chunks: with
 * DEBUG_PAGEALLOC every page going back costs a TLB flush. Rounds stop
 * after 15 s, well inside the hung-task detector's 30.
 */
static void chunk_return_race(struct kunit *test)
{
	struct buddy *b = mmtwin_buddy_instance();
	unsigned int loaded_mb = mmtwin_buddy_arena_mb();
	struct task_struct *t[2];
	struct chunk_race *r;
	int i;

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	r->mb = CHUNK_RACE_CHUNKS * ((PAGE_SIZE << MAX_PAGE_ORDER) >> 20);
	KUNIT_ASSERT_EQ(test, mmtwin_buddy_resize(r->mb), 0);
	r->deadline = jiffies + 15 * HZ;
	for (i = 0; i < 2; i++) {
		init_completion(&r->done[i]);
		t[i] = kthread_create(chunk_race_fn[i], r, "mmtwin_chunk/%d", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t[i]));
		/* One CPU each where there are two; both share one otherwise. */
		kthread_bind(t[i], cpumask_nth(i % num_online_cpus(),
					       cpu_online_mask));
	}
	for (i = 0; i < 2; i++)
		wake_up_process(t[i]);
	for (i = 0; i < 2; i++)
		wait_for_completion(&r->done[i]);
	mmtwin_host_flush();
	kunit_info(test, "%lu rounds, %lu chunks back to the host, %lu lookups found a chunk\n",
		   r->rounds, r->shrunk, r->found);
	KUNIT_EXPECT_GE(test, r->rounds, 10UL);
	KUNIT_EXPECT_GE(test, r->shrunk, r->rounds);
	KUNIT_EXPECT_GT(test, r->found, 0UL);
	KUNIT_EXPECT_EQ_MSG(test, r->early, 0UL,
			    "chunks found under RCU whose pages were already the host's");
	KUNIT_EXPECT_EQ(test, r->wrong_pfn, 0UL);
	KUNIT_EXPECT_EQ(test, r->grow_failed, 0UL);
	KUNIT_EXPECT_EQ(test, mmtwin_buddy_arena_mb(), r->mb);
	mmtwin_buddy_drain();
	expect_invariants(test, b);
	KUNIT_EXPECT_EQ(test, mmtwin_buddy_resize(loaded_mb), 0);
}

/*
 * Through the module's own hooks: a reclaimer that allocates from the
 * twin runs with PF_MEMALLOC, gets a reserve page and does not re-enter;
 * an unregister racing a running hook waits for it, without deadlock.
 */
struct glue_reclaimer {
	struct completion in_hook, release, alloc_done, unreg_done;
	const struct mmtwin_reclaim_ops *ops;
	bool memalloc, block, done, done_at_unreg;
	int calls, depth, max_depth;
	struct page *nested, *blocked_page;
};

static unsigned long glue_test_reclaim(void *data, int nid, gfp_t gfp,
				       unsigned int order, int hzi)
{
	struct glue_reclaimer *r = data;

	r->calls++;
	r->max_depth = max(r->max_depth, ++r->depth);
	r->memalloc = current->flags & PF_MEMALLOC;
	if (!r->nested)
		r->nested = mmtwin_alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0);
	if (r->block) {
		r->block = false;
		complete(&r->in_hook);
		wait_for_completion(&r->release);
		WRITE_ONCE(r->done, true);
	}
	r->depth--;
	return 0;
}

static int glue_alloc_fn(void *data)
{
	struct glue_reclaimer *r = data;

	r->blocked_page = mmtwin_alloc_pages(GFP_KERNEL | __GFP_NORETRY |
					     __GFP_NOWARN, 0);
	complete(&r->alloc_done);
	return 0;
}

static int glue_unregister_fn(void *data)
{
	struct glue_reclaimer *r = data;

	mmtwin_buddy_unregister_reclaim(r->ops);
	r->done_at_unreg = READ_ONCE(r->done);
	complete(&r->unreg_done);
	return 0;
}

/* Down to the min watermark of every zone, pages kept in @pages. */
static void fill_module_arena(struct page **pages, unsigned long max,
			      unsigned long *n)
{
	struct page *p;

	while (*n < max && (p = mmtwin_alloc_pages(GFP_NOWAIT | __GFP_NOWARN, 0)))
		pages[(*n)++] = p;
}

static void glue_reclaim_reentry(struct kunit *test)
{
	struct buddy *b = mmtwin_buddy_instance();
	unsigned long max = b->nr_chunks << MAX_PAGE_ORDER, n = 0, i;
	struct mmtwin_reclaim_ops ops = { .reclaim = glue_test_reclaim };
	struct glue_reclaimer *r;
	struct page **pages, *p;
	struct task_struct *t;

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	pages = kvcalloc(max, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	init_completion(&r->in_hook);
	init_completion(&r->release);
	init_completion(&r->alloc_done);
	init_completion(&r->unreg_done);
	ops.data = r;
	r->ops = &ops;
	KUNIT_ASSERT_EQ(test, mmtwin_buddy_register_reclaim(&ops), 0);
	fill_module_arena(pages, max, &n);
	p = mmtwin_alloc_pages(GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN, 0);
	KUNIT_EXPECT_EQ(test, r->calls, 1);
	KUNIT_EXPECT_EQ(test, r->max_depth, 1);
	KUNIT_EXPECT_TRUE(test, r->memalloc);
	KUNIT_EXPECT_FALSE(test, current->flags & PF_MEMALLOC);
	KUNIT_EXPECT_NOT_NULL(test, r->nested);
	if (r->nested)
		KUNIT_EXPECT_TRUE(test, mmtwin_page_frame(r->nested)->owner_flags &
				  MMTWIN_OF_PFMEMALLOC);

	/* A hook still running holds the unregister back, and only that. */
	fill_module_arena(pages, max, &n);
	r->block = true;
	t = kthread_run(glue_alloc_fn, r, "mmtwin_alloc");
	if (IS_ERR(t) || !wait_for_completion_timeout(&r->in_hook, 20 * HZ)) {
		KUNIT_FAIL(test, "no direct reclaim at the min watermark");
		complete(&r->release);
		mmtwin_buddy_unregister_reclaim(&ops);
		if (!IS_ERR(t))
			wait_for_completion(&r->alloc_done);
		goto free;
	}
	t = kthread_run(glue_unregister_fn, r, "mmtwin_unreg");
	if (IS_ERR(t)) {
		KUNIT_FAIL(test, "kthread_run");
		complete(&r->release);
		mmtwin_buddy_unregister_reclaim(&ops);
		wait_for_completion(&r->alloc_done);
		goto free;
	}
	/* The unregister must still be waiting for the hook. */
	KUNIT_EXPECT_EQ(test, wait_for_completion_timeout(&r->unreg_done, HZ / 5), 0UL);
	complete(&r->release);
	wait_for_completion(&r->unreg_done);
	wait_for_completion(&r->alloc_done);
	KUNIT_EXPECT_TRUE(test, r->done_at_unreg);
free:
	for (i = 0; i < n; i++)
		mmtwin_free_pages(pages[i], 0);
	kvfree(pages);
	if (p)
		mmtwin_free_pages(p, 0);
	if (r->nested)
		mmtwin_free_pages(r->nested, 0);
	if (r->blocked_page)
		mmtwin_free_pages(r->blocked_page, 0);
	mmtwin_buddy_drain();
	expect_invariants(test, b);
}

/* The control file's parser and its all-or-nothing rule. */
static unsigned long arena_free(struct buddy *b)
{
	unsigned long free = 0;
	int i;

	for (i = 0; i < b->nr_zones; i++)
		free += READ_ONCE(b->zones[i].nr_free_pages);
	return free;
}


/* A bulk slot already holding a page, twin or not, is left alone. */
static void bulk_keeps_filled_slots(struct kunit *test)
{
	struct buddy *b = mmtwin_buddy_instance();
	struct page *host = alloc_page(GFP_KERNEL);
	struct page *pages[3] = { host, NULL, NULL };
	unsigned long before;

	KUNIT_ASSERT_NOT_NULL(test, host);
	mmtwin_buddy_drain();
	before = arena_free(b);
	KUNIT_EXPECT_EQ(test, mmtwin_alloc_pages_bulk(GFP_KERNEL, 3, pages), 3UL);
	KUNIT_EXPECT_PTR_EQ(test, pages[0], host);
	KUNIT_EXPECT_NOT_NULL(test, mmtwin_page_frame(pages[1]));
	KUNIT_EXPECT_NOT_NULL(test, mmtwin_page_frame(pages[2]));
	mmtwin_free_pages(pages[1], 0);
	mmtwin_free_pages(pages[2], 0);
	__free_page(host);
	mmtwin_buddy_drain();
	/* Nothing taken for the filled slot and never handed out. */
	KUNIT_EXPECT_EQ(test, arena_free(b), before);
}

static void control_requests(struct kunit *test)
{
	struct buddy *b = mmtwin_buddy_instance();
	unsigned long before;
	char big[64];

	mmtwin_buddy_control("drain");
	before = arena_free(b);
	KUNIT_EXPECT_EQ(test, mmtwin_buddy_control("alloc kt 4 3 movable"), 0);
	KUNIT_EXPECT_EQ(test, mmtwin_buddy_control("alloc kt 1 0 movable"), -EEXIST);
	KUNIT_EXPECT_EQ(test, mmtwin_buddy_control("alloc kt2 1 11 movable"), -ERANGE);
	snprintf(big, sizeof(big), "alloc kt2 %lu 0 movable",
		 (b->nr_chunks << MAX_PAGE_ORDER) + 1);
	KUNIT_EXPECT_EQ(test, mmtwin_buddy_control(big), -ERANGE);
	KUNIT_EXPECT_EQ(test, mmtwin_buddy_control("alloc kt2 1 0 sticky"), -EINVAL);
	KUNIT_EXPECT_EQ(test, mmtwin_buddy_control("alloc Kt2 1 0 movable"), -EINVAL);
	KUNIT_EXPECT_EQ(test, mmtwin_buddy_control("alloc kt2 0 0 movable"), -EINVAL);
	KUNIT_EXPECT_EQ(test, mmtwin_buddy_control("alloc kt2 x 0 movable"), -EINVAL);
	KUNIT_EXPECT_EQ(test, mmtwin_buddy_control("alloc kt2 1 0 movable extra"), -EINVAL);
	KUNIT_EXPECT_EQ(test, mmtwin_buddy_control("frob"), -EINVAL);
	KUNIT_EXPECT_EQ(test, mmtwin_buddy_control("free nosuch"), -ENOENT);
	/* The whole arena at max order cannot be had: nothing may stick. */
	snprintf(big, sizeof(big), "alloc kt3 %lu %d unmovable", b->nr_chunks,
		 MAX_PAGE_ORDER);
	KUNIT_EXPECT_EQ(test, mmtwin_buddy_control(big), -ENOMEM);
	KUNIT_EXPECT_EQ(test, mmtwin_buddy_control("free kt3"), -ENOENT);
	KUNIT_EXPECT_EQ(test, mmtwin_buddy_control("free kt"), 0);
	KUNIT_EXPECT_EQ(test, mmtwin_buddy_control("drain"), 0);
	KUNIT_EXPECT_EQ(test, arena_free(b), before);
	expect_invariants(test, b);
}

static struct kunit_case mmtwin_buddy_cases[] = {
	KUNIT_CASE_SLOW(split_merge),
	KUNIT_CASE(fallback_and_ownership),
	KUNIT_CASE(pcp_refill_and_drain),
	KUNIT_CASE(gfp_reserves),
	KUNIT_CASE(gfp_migratetypes_and_zero),
	KUNIT_CASE(watermarks_like_kernel),
	KUNIT_CASE(exhaustion),
	KUNIT_CASE(bulk),
	KUNIT_CASE(highatomic_reserve),
	KUNIT_CASE(reclaim_hooks),
	KUNIT_CASE(zonelist_fallback),
	KUNIT_CASE_SLOW(concurrent_stress),
	KUNIT_CASE(control_requests),
	KUNIT_CASE(virt_to_frame_heads),
	KUNIT_CASE(alloc_node_thisnode),
	KUNIT_CASE(slab_view_cmpxchg),
	KUNIT_CASE(shrinker_registry),
	KUNIT_CASE(stray_put_page),
	KUNIT_CASE(host_shrinker),
	KUNIT_CASE_SLOW(chunk_return_race),
	KUNIT_CASE(bulk_keeps_filled_slots),
	KUNIT_CASE_SLOW(glue_reclaim_reentry),
	{}
};

static struct kunit_suite mmtwin_buddy_suite = {
	.name = "mmtwin_buddy",
	.exit = arena_exit,
	.test_cases = mmtwin_buddy_cases,
};
kunit_test_suite(mmtwin_buddy_suite);

MODULE_DESCRIPTION("KUnit tests for mmtwin_buddy");
MODULE_LICENSE("GPL");
MMTWIN_IMPORT_KUNIT_NS();
