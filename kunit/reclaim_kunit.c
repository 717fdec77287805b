// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for mmtwin_reclaim: the arithmetic on the kernel's own
 * inputs (mmtwin_reclaim_calc), and the reclaimer's parts on live twin
 * pages (mmtwin_reclaim): LRU aging order, the swap store's round trips,
 * the OOM killer's choice, kswapd's balance test against the zones.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/slab.h>

#include <mmtwin/compat.h>
#include "../modules/reclaim/internal.h"

/* __setup_per_zone_wmarks() worked by hand: see tools/testing/reclaim/unit.c */
static void wmarks_by_hand(struct kunit *test)
{
	const struct twin_wmark_zone z[] = {
		{ 3840, false }, { 500000, false }, { 1500000, false },
		{ 200000, true },
	};
	struct twin_wmark out[4];

	twin_setup_wmarks(z, 4, 22528, 10, out);
	KUNIT_EXPECT_EQ(test, out[0].min, 10UL);
	KUNIT_EXPECT_EQ(test, out[0].high, 16UL);
	KUNIT_EXPECT_EQ(test, out[1].low, 1905UL);
	KUNIT_EXPECT_EQ(test, out[2].high, 7215UL);
	/*
	 * movable: min capped at 128; its would-be share of the 2003840
	 * lowmem pages is 5632 * 200000 / 2003840 = 562, a quarter of which
	 * is less than 200000 / 1000, so the gap is 200.
	 */
	KUNIT_EXPECT_EQ(test, out[3].min, 128UL);
	KUNIT_EXPECT_EQ(test, out[3].low, 128UL + 200);
	KUNIT_EXPECT_EQ(test, out[3].high, 128UL + 400);
}

static void boost(struct kunit *test)
{
	unsigned long b = twin_boost_watermark(0, 2405, 500000, 15000, 512);

	KUNIT_EXPECT_EQ(test, b, 512UL);
	KUNIT_EXPECT_EQ(test, twin_boost_watermark(3500, 2405, 500000, 15000, 512),
			3607UL);
	KUNIT_EXPECT_EQ(test, twin_boost_watermark(0, 20, 2047, 15000, 512), 0UL);
}

static void inactive_is_low(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, twin_inactive_is_low(100, 100));
	KUNIT_EXPECT_TRUE(test, twin_inactive_is_low(100, 101));
	KUNIT_EXPECT_FALSE(test, twin_inactive_is_low(65536, 196608));
	KUNIT_EXPECT_TRUE(test, twin_inactive_is_low(65536, 196609));
}

static void get_scan_count(struct kunit *test)
{
	struct twin_scan_input in = {
		.size = { 4096, 4096, 8192, 8192 },
		.priority = 2, .swappiness = 60, .can_swap = true,
	};
	unsigned long nr[TWIN_NR_LRU];

	KUNIT_EXPECT_EQ(test, twin_get_scan_count(&in, nr), TWIN_SCAN_FRACT);
	KUNIT_EXPECT_EQ(test, nr[TWIN_INACTIVE_ANON], 307UL);
	KUNIT_EXPECT_EQ(test, nr[TWIN_INACTIVE_FILE], 1433UL);
	in.swappiness = 0;
	twin_get_scan_count(&in, nr);
	KUNIT_EXPECT_EQ(test, nr[TWIN_INACTIVE_ANON], 0UL);
	in.can_swap = false;
	KUNIT_EXPECT_EQ(test, twin_get_scan_count(&in, nr), TWIN_SCAN_FILE);
}

static void shrinker_delta(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, twin_shrink_delta(10000, 12, 2), 4UL);
	KUNIT_EXPECT_EQ(test, twin_shrink_delta(10000, 0, 1), 20000UL);
	KUNIT_EXPECT_EQ(test, twin_shrink_delta(10000, 5, 0), 5000UL);
}

/* 100% stalled from idle: 18.11% after 2 s, 63.18% after 10 s. */
static void psi_averages(struct kunit *test)
{
	unsigned long avg[3] = {};
	int i;

	for (i = 0; i < 5; i++)
		twin_calc_avgs(avg, 0, 2 * NSEC_PER_SEC, 2 * NSEC_PER_SEC);
	KUNIT_EXPECT_EQ(test, TWIN_LOAD_INT(avg[0]), 63UL);
	KUNIT_EXPECT_EQ(test, TWIN_LOAD_FRAC(avg[0]), 18UL);
	KUNIT_EXPECT_EQ(test, avg[2], 6907UL);
}

static void oom_badness(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, twin_oom_badness(1000, 500, 100000), 51000L);
	KUNIT_EXPECT_EQ(test, twin_oom_badness(1000, -1000, 100000), LONG_MIN);
}

static struct kunit_case calc_cases[] = {
	KUNIT_CASE(wmarks_by_hand),
	KUNIT_CASE(boost),
	KUNIT_CASE(inactive_is_low),
	KUNIT_CASE(get_scan_count),
	KUNIT_CASE(shrinker_delta),
	KUNIT_CASE(psi_averages),
	KUNIT_CASE(oom_badness),
	{}
};

static struct kunit_suite mmtwin_reclaim_calc_suite = {
	.name = "mmtwin_reclaim_calc",
	.test_cases = calc_cases,
};

static enum twin_lru lru_of(struct twin_group *g, unsigned long i)
{
	enum twin_lru lru;

	mutex_lock(&twin_lock);
	lru = g->pages[i] ? twin_frame_lru(g->pages[i]) : TWIN_NR_LRU;
	mutex_unlock(&twin_lock);
	return lru;
}

/* folio_mark_accessed(): inactive, then referenced, then active. */
static void lru_aging_order(struct kunit *test)
{
	struct twin_group *g = twin_group_create("kunit_lru", false, 4, 0,
						 NUMA_NO_NODE);

	KUNIT_ASSERT_FALSE(test, IS_ERR(g));
	KUNIT_ASSERT_EQ(test, twin_group_touch(g, 0, 4, false), 0);
	KUNIT_EXPECT_EQ(test, lru_of(g, 1), TWIN_INACTIVE_FILE);
	mutex_lock(&twin_lock);
	KUNIT_EXPECT_TRUE(test, twin_test_flag(g->pages[1], TPG_REFERENCED));
	mutex_unlock(&twin_lock);
	KUNIT_ASSERT_EQ(test, twin_group_touch(g, 1, 1, false), 0);
	KUNIT_EXPECT_EQ(test, lru_of(g, 1), TWIN_ACTIVE_FILE);
	KUNIT_EXPECT_EQ(test, lru_of(g, 0), TWIN_INACTIVE_FILE);
	KUNIT_ASSERT_EQ(test, twin_group_touch(g, 1, 1, false), 0);
	KUNIT_EXPECT_EQ(test, lru_of(g, 1), TWIN_ACTIVE_FILE);
	KUNIT_EXPECT_EQ(test, twin_group_destroy("kunit_lru"), 0);
}

/*
 * workingset_refault(): a page evicted a moment ago comes back active;
 * if it was active before its eviction it is workingset too
 * (workingset_restore_file), and the read that brings it back is a
 * thrashing stall, as swap_read_folio()/filemap_read_folio() make it.
 */
static void refault_thrashing_stall(struct kunit *test)
{
	long activate = atomic_long_read(&twin_events[TW_WORKINGSET_ACTIVATE_FILE]);
	long restore = atomic_long_read(&twin_events[TW_WORKINGSET_RESTORE_FILE]);
	u64 stalled = twin_psi_stall_ns(TWIN_STALL_THRASHING);
	struct twin_group *g = twin_group_create("kunit_ws", false, 2, 0, 0);
	unsigned long age;

	KUNIT_ASSERT_FALSE(test, IS_ERR(g));
	mutex_lock(&twin_lock);
	/*
	 * Shadows of evictions just now, stamped as twin_evict() stamps them
	 * (the clock ticks first): index 0 was active, index 1 not.
	 */
	age = ++twin_pgdats[0].lruvec.nonresident_age;
	g->shadow[0] = age << 1 | 1;
	g->shadow[1] = age << 1;
	mutex_unlock(&twin_lock);
	KUNIT_ASSERT_EQ(test, twin_group_touch(g, 0, 1, false), 0);
	KUNIT_EXPECT_GT(test, twin_psi_stall_ns(TWIN_STALL_THRASHING), stalled);
	stalled = twin_psi_stall_ns(TWIN_STALL_THRASHING);
	KUNIT_ASSERT_EQ(test, twin_group_touch(g, 1, 1, false), 0);
	KUNIT_EXPECT_EQ(test, twin_psi_stall_ns(TWIN_STALL_THRASHING), stalled);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&twin_events[TW_WORKINGSET_ACTIVATE_FILE]) -
			activate, 2L);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&twin_events[TW_WORKINGSET_RESTORE_FILE]) -
			restore, 1L);
	KUNIT_EXPECT_EQ(test, lru_of(g, 0), TWIN_ACTIVE_FILE);
	KUNIT_EXPECT_EQ(test, lru_of(g, 1), TWIN_ACTIVE_FILE);
	mutex_lock(&twin_lock);
	KUNIT_EXPECT_TRUE(test, twin_test_flag(g->pages[0], TPG_WORKINGSET));
	KUNIT_EXPECT_FALSE(test, twin_test_flag(g->pages[1], TPG_WORKINGSET));
	mutex_unlock(&twin_lock);
	KUNIT_EXPECT_EQ(test, twin_group_destroy("kunit_ws"), 0);
}

#define NR_SLOTS	256

/* Write, read back, compare: a slot returns exactly what went in. */
static void swap_round_trip(struct kunit *test)
{
	unsigned long used = twin_swap_used();
	long bad = atomic_long_read(&twin_swap_mismatch);
	void *in = kunit_kmalloc(test, PAGE_SIZE, GFP_KERNEL);
	void *out = kunit_kmalloc(test, PAGE_SIZE, GFP_KERNEL);
	long *slots = kunit_kcalloc(test, NR_SLOTS, sizeof(*slots), GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, slots);
	KUNIT_ASSERT_NOT_NULL(test, in);
	KUNIT_ASSERT_NOT_NULL(test, out);
	for (i = 0; i < NR_SLOTS; i++) {
		memset(in, i, PAGE_SIZE);
		slots[i] = twin_swap_write(in);
		KUNIT_ASSERT_GE(test, slots[i], 0L);
	}
	KUNIT_EXPECT_EQ(test, twin_swap_used(), used + NR_SLOTS);
	for (i = 0; i < NR_SLOTS; i++) {
		memset(in, i, PAGE_SIZE);
		KUNIT_EXPECT_EQ(test, twin_swap_read(slots[i], out), 0);
		KUNIT_EXPECT_EQ(test, memcmp(in, out, PAGE_SIZE), 0);
		twin_swap_free(slots[i]);
	}
	KUNIT_EXPECT_EQ(test, twin_swap_used(), used);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&twin_swap_mismatch), bad);
}

/* A full store refuses: the anon page then stays, as with no swap. */
static void swap_full(struct kunit *test)
{
	unsigned long max = twin_swap_max(), used = twin_swap_used();
	void *in = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	long a, b;

	KUNIT_ASSERT_NOT_NULL(test, in);
	KUNIT_ASSERT_EQ(test, twin_swap_set_max(used + 1), 0);
	a = twin_swap_write(in);
	b = twin_swap_write(in);
	KUNIT_EXPECT_GE(test, a, 0L);
	KUNIT_EXPECT_EQ(test, b, (long)-ENOSPC);
	if (a >= 0)
		twin_swap_free(a);
	KUNIT_EXPECT_EQ(test, twin_swap_set_max(max), 0);
	KUNIT_EXPECT_EQ(test, twin_swap_set_max(1UL << 40), -ERANGE);
}

/* Anon pages written out and read back carry their written pattern. */
static void swap_pattern(struct kunit *test)
{
	struct twin_group *g = twin_group_create("kunit_swap", true, 2, 0,
						 NUMA_NO_NODE);
	void *buf = kunit_kmalloc(test, PAGE_SIZE, GFP_KERNEL);
	void *want = kunit_kmalloc(test, PAGE_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_FALSE(test, IS_ERR(g));
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, want);
	KUNIT_ASSERT_EQ(test, twin_group_touch(g, 0, 2, true), 0);
	mutex_lock(&twin_lock);
	twin_fill_pattern(want, g, 1, g->gen[1]);
	KUNIT_EXPECT_EQ(test, g->gen[1], 1U);
	KUNIT_EXPECT_EQ(test, memcmp(mmtwin_frame_address(g->pages[1]), want,
				     PAGE_SIZE), 0);
	mutex_unlock(&twin_lock);
	KUNIT_EXPECT_EQ(test, twin_group_destroy("kunit_swap"), 0);
}

/* The biggest group goes, unless it is -1000; adj shifts the choice. */
static void oom_victim(struct kunit *test)
{
	static const char *const names[] = { "kunit_oa", "kunit_ob", "kunit_oc" };
	const unsigned long rss[] = { 100, 5000, 3000 };
	const int adj[] = { 0, -1000, 0 };
	struct twin_group *g[3], *victim;
	int i;

	for (i = 0; i < 3; i++) {
		g[i] = twin_group_create(names[i], true, 1, adj[i], NUMA_NO_NODE);
		KUNIT_ASSERT_FALSE(test, IS_ERR(g[i]));
	}
	mutex_lock(&twin_lock);
	for (i = 0; i < 3; i++)
		g[i]->rss = rss[i];
	victim = twin_select_bad_group(100000);
	KUNIT_EXPECT_PTR_EQ(test, victim, g[2]);
	/* adj 500 of 100000 pages is worth 50000 pages */
	g[0]->adj = 500;
	victim = twin_select_bad_group(100000);
	KUNIT_EXPECT_PTR_EQ(test, victim, g[0]);
	for (i = 0; i < 3; i++)
		g[i]->rss = 0;
	mutex_unlock(&twin_lock);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, twin_group_destroy(names[i]), 0);
}

/* pgdat_balanced(): true exactly when some eligible zone is above high. */
static void kswapd_balance_threshold(struct kunit *test)
{
	struct mmtwin_zone_info info;
	bool want[TWIN_NODES] = {}, seen[TWIN_NODES] = {};
	int z, n;

	for (z = 0; z < twin_nr_zones(); z++) {
		KUNIT_ASSERT_EQ(test, mmtwin_buddy_zone_info(z, &info), 0);
		n = info.node;
		if (n >= TWIN_NODES || !info.managed)
			continue;
		seen[n] = true;
		if (info.free - info.free_highatomic > info.high +
		    info.lowmem_reserve[MAX_NR_ZONES - 1])
			want[n] = true;
	}
	for (n = 0; n < TWIN_NODES; n++)
		if (seen[n])
			KUNIT_EXPECT_EQ(test, twin_pgdat_balanced(n, 0, MAX_NR_ZONES - 1),
					want[n]);
}

/* A cache of 10000 objects that frees whatever it is asked to scan. */
static unsigned long fake_scanned;

static unsigned long fake_count(struct mmtwin_shrinker *s,
				struct mmtwin_shrink_control *sc)
{
	return 10000;
}

static unsigned long fake_scan(struct mmtwin_shrinker *s,
			       struct mmtwin_shrink_control *sc)
{
	fake_scanned += sc->nr_to_scan;
	return sc->nr_to_scan;
}

/*
 * do_shrink_slab(): priority 12 asks (10000 >> 12) * 4 / 2 = 4 objects,
 * less than a batch, so nothing is scanned; priority 0 asks 20000 (twice
 * the cache at most) and scans batches of 128 while 128 are left: 156
 * batches, 19968 objects, all counted in slabs_scanned.
 */
static void shrinker_batches(struct kunit *test)
{
	struct mmtwin_shrinker s = {
		.count_objects = fake_count,
		.scan_objects = fake_scan,
		.seeks = TWIN_DEFAULT_SEEKS,
	};
	long before = atomic_long_read(&twin_events[TW_SLABS_SCANNED]);

	fake_scanned = 0;
	KUNIT_ASSERT_EQ(test, mmtwin_buddy_register_shrinker(&s), 0);
	KUNIT_EXPECT_EQ(test, twin_shrink_slab(GFP_KERNEL, 0, 12), 0UL);
	KUNIT_EXPECT_EQ(test, fake_scanned, 0UL);
	KUNIT_EXPECT_EQ(test, twin_shrink_slab(GFP_KERNEL, 0, 0), 19968UL);
	KUNIT_EXPECT_EQ(test, fake_scanned, 19968UL);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&twin_events[TW_SLABS_SCANNED]) - before,
			19968L);
	mmtwin_buddy_unregister_shrinker(&s);
}

static struct kunit_case reclaim_cases[] = {
	KUNIT_CASE(shrinker_batches),
	KUNIT_CASE(lru_aging_order),
	KUNIT_CASE(refault_thrashing_stall),
	KUNIT_CASE(swap_round_trip),
	KUNIT_CASE(swap_full),
	KUNIT_CASE(swap_pattern),
	KUNIT_CASE(oom_victim),
	KUNIT_CASE(kswapd_balance_threshold),
	{}
};

static struct kunit_suite mmtwin_reclaim_suite = {
	.name = "mmtwin_reclaim",
	.test_cases = reclaim_cases,
};

kunit_test_suites(&mmtwin_reclaim_calc_suite, &mmtwin_reclaim_suite);

MODULE_DESCRIPTION("KUnit tests for mmtwin_reclaim");
MODULE_LICENSE("GPL");
MMTWIN_IMPORT_KUNIT_NS();
