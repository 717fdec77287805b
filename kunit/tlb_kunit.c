// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for mmtwin_tlb's decision core, with the PCID cases a TCG
 * guest cannot show (QEMU's -cpu max has no PCID): choose_new_asid()'s six
 * slots in round-robin order, ctx_id reuse, a stale generation, and the
 * receiver's generation logic on an ASID other than 0.
 */
#include <kunit/test.h>
#include <linux/module.h>

#include <mmtwin/compat.h>
#include "../modules/tlb/policy.h"

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

static struct kunit_case mmtwin_tlb_cases[] = {
	KUNIT_CASE(asid_rotation),
	KUNIT_CASE(asid_ctx_reuse),
	KUNIT_CASE(asid_stale_generation),
	KUNIT_CASE(flush_on_other_asid),
	KUNIT_CASE(lazy_targets),
	{}
};

static struct kunit_suite mmtwin_tlb_suite = {
	.name = "mmtwin_tlb",
	.test_cases = mmtwin_tlb_cases,
};
kunit_test_suite(mmtwin_tlb_suite);

MODULE_DESCRIPTION("KUnit tests for mmtwin_tlb");
MODULE_LICENSE("GPL");
MMTWIN_IMPORT_KUNIT_NS();
