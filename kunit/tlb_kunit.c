// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for mmtwin_tlb's decision core, with the PCID cases a TCG
 * guest cannot show (QEMU's -cpu max has no PCID): choose_new_asid()'s six
 * slots in round-robin order, ctx_id reuse, a stale generation, and the
 * receiver's generation logic on an ASID other than 0; and the TLB
 * simulator's core: a known access list, eviction, PCID tags, geometry.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/vmalloc.h>
#include <linux/mm.h>
#include <asm/set_memory.h>

#include <mmtwin/compat.h>
#include "../modules/tlb/internal.h"

#define MM(n)	((const void *)(0x1000UL * (n)))

static const struct tlbt_mm boot_mm = { MM(99), TLBT_INIT_CTX_ID, 1 };

static struct tlbt_event switch_to(struct tlbt_cpu *c, bool pcid, int n,
				   u64 gen)
{
	struct tlbt_mm mm = { MM(n), 100 + n, gen };

	return tlbt_switch_mm(c, pcid, false, &mm);
}

/* Six slots: init_mm holds 0, five mms take 1..5, the sixth wraps to 0. */
static void asid_rotation(struct kunit *test)
{
	struct tlbt_cpu c;
	struct tlbt_event ev;
	int n;

	tlbt_cpu_init(&c, &boot_mm);
	for (n = 1; n <= 5; n++) {
		ev = switch_to(&c, true, n, 1);
		KUNIT_EXPECT_TRUE(test, ev.fires);
		KUNIT_EXPECT_EQ(test, ev.pages, TLBT_FLUSH_ALL);
		KUNIT_EXPECT_EQ(test, c.loaded_mm_asid, n);
	}
	switch_to(&c, true, 6, 1);
	KUNIT_EXPECT_EQ(test, c.loaded_mm_asid, 0);
	KUNIT_EXPECT_EQ(test, c.next_asid, 1);
	switch_to(&c, true, 7, 1);
	KUNIT_EXPECT_EQ(test, c.loaded_mm_asid, 1);
}

/* A slot still holding the mm's ctx_id is reused without a flush. */
static void asid_ctx_reuse(struct kunit *test)
{
	struct tlbt_cpu c;
	struct tlbt_event ev;

	tlbt_cpu_init(&c, &boot_mm);
	switch_to(&c, true, 1, 5);
	switch_to(&c, true, 2, 5);
	ev = switch_to(&c, true, 1, 5);
	KUNIT_EXPECT_TRUE(test, ev.fires);
	KUNIT_EXPECT_EQ(test, ev.pages, 0UL);
	KUNIT_EXPECT_EQ(test, c.loaded_mm_asid, 1);
	/* Without PCID the same switch flushes, always in ASID 0. */
	tlbt_cpu_init(&c, &boot_mm);
	switch_to(&c, false, 1, 5);
	switch_to(&c, false, 2, 5);
	ev = switch_to(&c, false, 1, 5);
	KUNIT_EXPECT_EQ(test, ev.pages, TLBT_FLUSH_ALL);
	KUNIT_EXPECT_EQ(test, c.loaded_mm_asid, 0);
}

/* The slot's generation is behind the mm's: same slot, flushed, caught up. */
static void asid_stale_generation(struct kunit *test)
{
	struct tlbt_cpu c;
	struct tlbt_event ev;

	tlbt_cpu_init(&c, &boot_mm);
	switch_to(&c, true, 1, 5);
	switch_to(&c, true, 2, 5);
	ev = switch_to(&c, true, 1, 9);
	KUNIT_EXPECT_EQ(test, ev.pages, TLBT_FLUSH_ALL);
	KUNIT_EXPECT_EQ(test, c.loaded_mm_asid, 1);
	KUNIT_EXPECT_EQ(test, c.ctxs[1].tlb_gen, 9ULL);
}

/* The receiver's tlb_gen logic reads the loaded ASID's slot, not slot 0. */
static void flush_on_other_asid(struct kunit *test)
{
	struct tlbt_flush_info f = {
		.mm = MM(2), .start = 0x10000, .end = 0x13000,
		.stride_shift = PAGE_SHIFT, .new_tlb_gen = 6,
	};
	struct tlbt_cpu c;
	struct tlbt_event ev;

	tlbt_cpu_init(&c, &boot_mm);
	switch_to(&c, true, 1, 5);
	switch_to(&c, true, 2, 5);
	KUNIT_ASSERT_EQ(test, c.loaded_mm_asid, 2);
	KUNIT_EXPECT_EQ(test, tlbt_flush_func(&c, false, &f, 6, &ev),
			TLBT_ACT_PARTIAL);
	KUNIT_EXPECT_EQ(test, ev.pages, 3UL);
	KUNIT_EXPECT_EQ(test, c.ctxs[2].tlb_gen, 6ULL);
	KUNIT_EXPECT_EQ(test, c.ctxs[1].tlb_gen, 5ULL);
}

/* A lazy CPU is skipped unless page tables were freed. */
static void lazy_targets(struct kunit *test)
{
	struct tlbt_target lazy = { .lazy = true, .loaded_mm = MM(1) };

	KUNIT_EXPECT_FALSE(test, tlbt_should_flush(&lazy, MM(1), false, true));
	KUNIT_EXPECT_TRUE(test, tlbt_should_flush(&lazy, MM(1), true, false));
}

#ifdef CONFIG_DEBUG_TLBFLUSH
/* nr_tlb_remote_flush and _received as /proc/vmstat sums them. */
static void kernel_remote_flushes(unsigned long *ev, u64 *sent, u64 *received)
{
	all_vm_events(ev);
	*sent = ev[NR_TLB_REMOTE_FLUSH];
	*received = ev[NR_TLB_REMOTE_FLUSH_RECEIVED];
}

/*
 * Changing the caching of more pages than tlb_single_page_flush_ceiling
 * (33) ends in cpa_flush()'s flush_tlb_all(), as does a large page split:
 * one nr_tlb_remote_flush, and on each CPU a received one. The debug
 * kernel (DEBUG_PAGEALLOC, KASAN) calls it while the tests run. The armed
 * twin counts both alike. A flush elsewhere between the two snapshots of
 * a try can make them differ: a few tries.
 */
#define CPA_ORDER	6

static void vmstat_flush_tlb_all(struct kunit *test)
{
	struct tlbt_counts rows[TLBT_NR_ROWS];
	struct tlbt_misc t0, t1;
	u64 k0, k1, kr0, kr1;
	struct page *page;
	unsigned long *ev;
	int try, ret = 0;

	ev = kunit_kcalloc(test, NR_VM_EVENT_ITEMS, sizeof(*ev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ev);
	page = alloc_pages(GFP_KERNEL, CPA_ORDER);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_ASSERT_EQ(test, tlbt_feed_arm(), 0);
	for (try = 0; try < 5; try++) {
		kernel_remote_flushes(ev, &k0, &kr0);
		tlbt_sum(rows, &t0);
		ret = set_pages_uc(page, 1 << CPA_ORDER) ?:
		      set_pages_wb(page, 1 << CPA_ORDER);
		if (ret)
			break;
		tlbt_sum(rows, &t1);
		kernel_remote_flushes(ev, &k1, &kr1);
		if (t1.vm_remote_flush - t0.vm_remote_flush == k1 - k0 &&
		    t1.vm_remote_received - t0.vm_remote_received == kr1 - kr0)
			break;
	}
	tlbt_feed_disarm();
	__free_pages(page, CPA_ORDER);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "set_pages_uc/wb");
	KUNIT_EXPECT_LE(test, 1ULL, k1 - k0);
	KUNIT_EXPECT_LE(test, (u64)num_online_cpus(), kr1 - kr0);
	KUNIT_EXPECT_EQ_MSG(test, t1.vm_remote_flush - t0.vm_remote_flush,
			    k1 - k0, "nr_tlb_remote_flush after %d tries", try);
	KUNIT_EXPECT_EQ(test, t1.vm_remote_received - t0.vm_remote_received,
			kr1 - kr0);
}
#else
static void vmstat_flush_tlb_all(struct kunit *test)
{
	kunit_skip(test, "no nr_tlb_* counters: CONFIG_DEBUG_TLBFLUSH is off");
}
#endif

static struct kunit_case mmtwin_tlb_cases[] = {
	KUNIT_CASE(asid_rotation),
	KUNIT_CASE(asid_ctx_reuse),
	KUNIT_CASE(asid_stale_generation),
	KUNIT_CASE(flush_on_other_asid),
	KUNIT_CASE(lazy_targets),
	KUNIT_CASE(vmstat_flush_tlb_all),
	{}
};

static struct kunit_suite mmtwin_tlb_suite = {
	.name = "mmtwin_tlb",
	.test_cases = mmtwin_tlb_cases,
};

static const struct tlbs_xlate page_4k = { false, 4 }, page_2m = { true, 3 };

/* The model is 300 KiB: vmalloc'ed per test. */
static int sim_init(struct kunit *test)
{
	struct tlbs *t = vzalloc(sizeof(*t));

	if (!t)
		return -ENOMEM;
	tlbs_init(t);
	test->priv = t;
	return 0;
}

static void sim_exit(struct kunit *test)
{
	vfree(test->priv);
}

static void sim_geom(struct kunit *test, struct tlbs *t, enum tlbs_array a,
		     unsigned int entries, unsigned int ways)
{
	struct tlbs_geom g = { entries, ways };

	KUNIT_ASSERT_EQ(test, tlbs_set_geom(t, a, &g), 0);
}

static void sim_pages(struct tlbs *t, const unsigned long *pages, int n)
{
	int i;

	for (i = 0; i < n; i++)
		tlbs_access(t, 1, pages[i] << 12, &page_4k);
}

/*
 * A one-set, 4-way L1: pages 0-4 miss (4 evicts 0, the least recent);
 * 0 and 1 come back from the STLB, each refill evicting the L1's oldest;
 * 4 is still in L1.
 */
static void sim_known_list(struct kunit *test)
{
	static const unsigned long pages[] = { 0, 1, 2, 3, 4, 0, 4, 1 };
	struct tlbs *t = test->priv;

	sim_geom(test, t, TLBS_L1_4K, 4, 4);
	sim_pages(t, pages, ARRAY_SIZE(pages));
	KUNIT_EXPECT_EQ(test, t->st.accesses, 8ULL);
	KUNIT_EXPECT_EQ(test, t->st.misses, 5ULL);
	KUNIT_EXPECT_EQ(test, t->st.stlb_hits, 2ULL);
	KUNIT_EXPECT_EQ(test, t->st.l1_hits, 1ULL);
	KUNIT_EXPECT_EQ(test, t->st.evictions[TLBS_L1_4K], 3ULL);
	KUNIT_EXPECT_EQ(test, t->st.evictions[TLBS_STLB], 0ULL);
	KUNIT_EXPECT_EQ(test, t->st.walk_levels, 5ULL * 4);
}

/* A 2-entry STLB loses page 0 to page 2; the larger L1 still holds it. */
static void sim_stlb_eviction(struct kunit *test)
{
	static const unsigned long pages[] = { 0, 1, 2 };
	struct tlbs *t = test->priv;

	sim_geom(test, t, TLBS_STLB, 2, 2);
	sim_pages(t, pages, ARRAY_SIZE(pages));
	KUNIT_EXPECT_EQ(test, t->st.evictions[TLBS_STLB], 1ULL);
	KUNIT_EXPECT_EQ(test, t->st.evictions[TLBS_L1_4K], 0ULL);
	KUNIT_EXPECT_EQ(test, tlbs_access(t, 1, 0, &page_4k), TLBS_HIT_L1);
	tlbs_flush_all(t);
	KUNIT_EXPECT_EQ(test, tlbs_access(t, 1, 0, &page_4k), TLBS_MISS);
}

/* One 2 MiB entry covers 512 pages; a flush of PCID 1 spares PCID 2. */
static void sim_huge_and_pcid(struct kunit *test)
{
	struct tlbs *t = test->priv;
	unsigned long va;

	for (va = 0; va < (2UL << 20); va += 4096)
		tlbs_access(t, 1, va, &page_2m);
	KUNIT_EXPECT_EQ(test, t->st.misses, 1ULL);
	KUNIT_EXPECT_EQ(test, t->st.l1_hits, 511ULL);
	tlbs_access(t, 2, 0, &page_2m);
	tlbs_flush_pcid(t, 1);
	KUNIT_EXPECT_EQ(test, tlbs_access(t, 2, 0x1000, &page_2m), TLBS_HIT_L1);
	KUNIT_EXPECT_EQ(test, tlbs_access(t, 1, 0x1000, &page_2m), TLBS_MISS);
}

/* Bad geometry is refused and changes nothing; a good one empties. */
static void sim_geometry_checked(struct kunit *test)
{
	struct tlbs *t = test->priv;
	struct tlbs_geom g = { 64, 3 };

	KUNIT_EXPECT_EQ(test, tlbs_set_geom(t, TLBS_L1_4K, &g), -EINVAL);
	g = (struct tlbs_geom){ 0, 4 };
	KUNIT_EXPECT_EQ(test, tlbs_set_geom(t, TLBS_L1_4K, &g), -EINVAL);
	g = (struct tlbs_geom){ 64, 0 };
	KUNIT_EXPECT_EQ(test, tlbs_set_geom(t, TLBS_L1_4K, &g), -EINVAL);
	g = (struct tlbs_geom){ TLBS_MAX_ENTRIES * 2, 8 };
	KUNIT_EXPECT_EQ(test, tlbs_set_geom(t, TLBS_STLB, &g), -ERANGE);
	KUNIT_EXPECT_EQ(test, t->lv[TLBS_L1_4K].geom.entries, 64U);
	KUNIT_EXPECT_EQ(test, t->lv[TLBS_STLB].geom.entries, 1536U);
	tlbs_access(t, 1, 0, &page_4k);
	sim_geom(test, t, TLBS_L1_4K, 16, 16);
	/* The L1 was emptied; the STLB kept the entry. */
	KUNIT_EXPECT_EQ(test, tlbs_access(t, 1, 0, &page_4k), TLBS_HIT_STLB);
}

static struct kunit_case mmtwin_tlb_sim_cases[] = {
	KUNIT_CASE(sim_known_list),
	KUNIT_CASE(sim_stlb_eviction),
	KUNIT_CASE(sim_huge_and_pcid),
	KUNIT_CASE(sim_geometry_checked),
	{}
};

static struct kunit_suite mmtwin_tlb_sim_suite = {
	.name = "mmtwin_tlb_sim",
	.init = sim_init,
	.exit = sim_exit,
	.test_cases = mmtwin_tlb_sim_cases,
};
kunit_test_suites(&mmtwin_tlb_suite, &mmtwin_tlb_sim_suite);

MODULE_DESCRIPTION("KUnit tests for mmtwin_tlb");
MODULE_LICENSE("GPL");
MMTWIN_IMPORT_KUNIT_NS();
