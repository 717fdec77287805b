// SPDX-License-Identifier: GPL-2.0
/*
 * Hand-worked cases for the TLB policy core. Each expectation was worked
 * out by reading 6.12's arch/x86/mm/tlb.c; the comment names the lines.
 */
#include <stdio.h>
#include <stdlib.h>

#include "policy.h"

static int failures, checks;

#define EXPECT(cond) do {						\
	checks++;							\
	if (!(cond)) {							\
		failures++;						\
		fprintf(stderr, "%s:%d: %s: FAILED: %s\n", __FILE__,	\
			__LINE__, __func__, #cond);			\
	}								\
} while (0)

#define PG	4096UL
#define MM_A	((const void *)0x1000)
#define MM_B	((const void *)0x2000)
#define MM_INIT	((const void *)0x3000)

static const struct tlbt_mm init_mm = { MM_INIT, TLBT_INIT_CTX_ID, 1 };

/* flush_tlb_mm_range(): "(end - start) >> stride_shift > ceiling". */
static void test_ceiling(void)
{
	unsigned long base = 0x700000000000UL;

	EXPECT(!tlbt_range_is_full(33, base, base + 32 * PG, 12));
	EXPECT(!tlbt_range_is_full(33, base, base + 33 * PG, 12));
	EXPECT(tlbt_range_is_full(33, base, base + 34 * PG, 12));
	EXPECT(tlbt_range_is_full(33, base, TLBT_FLUSH_ALL, 12));
	/* 2 MiB stride: 33 huge pages are still "33". */
	EXPECT(!tlbt_range_is_full(33, base, base + 33 * 512 * PG, 21));
	EXPECT(tlbt_range_is_full(33, base, base + 34 * 512 * PG, 21));
	/* A ceiling of 0 makes every flush full, even one page. */
	EXPECT(tlbt_range_is_full(0, base, base + PG, 12));
	/* flush_tlb_kernel_range(): "> ceiling << PAGE_SHIFT", bytes. */
	EXPECT(!tlbt_kernel_range_is_full(33, base, base + 33 * PG));
	EXPECT(tlbt_kernel_range_is_full(33, base, base + 33 * PG + 1));
	EXPECT(tlbt_kernel_range_is_full(33, 0, TLBT_FLUSH_ALL));
}

static void test_plan(void)
{
	struct tlbt_flush_req req = { 0x10000, 0x10000 + 34 * PG, 12, false };
	struct tlbt_plan p;

	tlbt_plan_flush(&p, &req, 33, false, true, true);
	EXPECT(p.path == TLBT_PATH_LOCAL && p.end == TLBT_FLUSH_ALL &&
	       p.start == 0);
	/* trim is only asked on the IPI path. */
	EXPECT(!p.trim_cpumask);
	tlbt_plan_flush(&p, &req, 40, true, true, true);
	EXPECT(p.path == TLBT_PATH_MULTI && p.end == 0x10000 + 34 * PG &&
	       p.trim_cpumask);
	tlbt_plan_flush(&p, &req, 40, false, false, false);
	EXPECT(p.path == TLBT_PATH_NONE);
}

/* native_flush_tlb_multi(): ">> PAGE_SHIFT" whatever the stride. */
static void test_send_ipi(void)
{
	struct tlbt_event ev = tlbt_send_ipi_event(0x200000, 0x400000);

	EXPECT(ev.fires && ev.reason == TLBT_SEND_IPI && ev.pages == 512);
	ev = tlbt_send_ipi_event(0, TLBT_FLUSH_ALL);
	EXPECT(ev.pages == TLBT_FLUSH_ALL);
}

/* should_flush_tlb() under native_flush_tlb_multi(). */
static void test_targets(void)
{
	struct tlbt_target lazy = { .lazy = true, .loaded_mm = MM_A };
	struct tlbt_target busy = { .loaded_mm = MM_A };
	struct tlbt_target other = { .loaded_mm = MM_B };
	struct tlbt_target sw = { .switching = true, .loaded_mm = MM_B };

	EXPECT(!tlbt_should_flush(&lazy, MM_A, false, false));
	EXPECT(!tlbt_should_flush(&lazy, MM_A, false, true));
	EXPECT(tlbt_should_flush(&lazy, MM_A, true, false));
	EXPECT(tlbt_should_flush(&busy, MM_A, false, false));
	EXPECT(!tlbt_should_flush(&other, MM_A, false, false));
	EXPECT(tlbt_should_flush(&other, MM_A, false, true));
	EXPECT(tlbt_should_flush(&other, NULL, false, false));
	EXPECT(tlbt_should_flush(&sw, MM_A, false, false));
}

static void switch_to(struct tlbt_cpu *c, bool pcid, bool lazy,
		      const void *id, u64 ctx, u64 gen, struct tlbt_event *ev)
{
	struct tlbt_mm mm = { id, ctx, gen };

	*ev = tlbt_switch_mm(c, pcid, lazy, &mm);
}

/* switch_mm_irqs_off() without PCID: every real switch flushes. */
static void test_switch_nopcid(void)
{
	struct tlbt_cpu c;
	struct tlbt_event ev;

	tlbt_cpu_init(&c, &init_mm);
	switch_to(&c, false, false, MM_A, 5, 10, &ev);
	EXPECT(ev.fires && ev.reason == TLBT_TASK_SWITCH &&
	       ev.pages == TLBT_FLUSH_ALL && c.loaded_mm_asid == 0);
	switch_to(&c, false, false, MM_B, 6, 3, &ev);
	EXPECT(ev.fires && ev.pages == TLBT_FLUSH_ALL);
	switch_to(&c, false, false, MM_A, 5, 10, &ev);
	EXPECT(ev.fires && ev.pages == TLBT_FLUSH_ALL);
	/* Same mm, not lazy: another thread of the process, silent. */
	switch_to(&c, false, false, MM_A, 5, 11, &ev);
	EXPECT(!ev.fires);
	/* Same mm, lazy, generation unchanged (10): silent. */
	switch_to(&c, false, true, MM_A, 5, 10, &ev);
	EXPECT(!ev.fires);
	/* Same mm, lazy, generation moved to 12: flush, slot catches up. */
	switch_to(&c, false, true, MM_A, 5, 12, &ev);
	EXPECT(ev.fires && ev.pages == TLBT_FLUSH_ALL &&
	       c.ctxs[0].tlb_gen == 12);
}

/* choose_new_asid() with PCID: 6 slots, round robin, ctx_id match. */
static void test_switch_pcid(void)
{
	struct tlbt_cpu c;
	struct tlbt_event ev;
	int i;

	tlbt_cpu_init(&c, &init_mm);
	/* Five new mms take slots 1..5, each flushed. */
	for (i = 0; i < 5; i++) {
		switch_to(&c, true, false, (const void *)(0x10000UL + i),
			  100 + i, 1, &ev);
		EXPECT(ev.pages == TLBT_FLUSH_ALL &&
		       c.loaded_mm_asid == i + 1);
	}
	/* Back to the first one: slot 1 still holds it, generation current. */
	switch_to(&c, true, false, (const void *)0x10000UL, 100, 1, &ev);
	EXPECT(ev.fires && ev.pages == 0 && c.loaded_mm_asid == 1);
	/* Its generation moved on while away: same slot, flushed. */
	switch_to(&c, true, false, (const void *)0x10001UL, 101, 1, &ev);
	switch_to(&c, true, false, (const void *)0x10000UL, 100, 4, &ev);
	EXPECT(ev.pages == TLBT_FLUSH_ALL && c.loaded_mm_asid == 1 &&
	       c.ctxs[1].tlb_gen == 4);
	/* A sixth mm wraps next_asid (6) to slot 0, evicting init_mm. */
	switch_to(&c, true, false, (const void *)0x20000UL, 200, 1, &ev);
	EXPECT(ev.pages == TLBT_FLUSH_ALL && c.loaded_mm_asid == 0 &&
	       c.next_asid == 1);
	/* The seventh takes slot 1, so the first mm lost its slot. */
	switch_to(&c, true, false, (const void *)0x20001UL, 201, 1, &ev);
	EXPECT(c.loaded_mm_asid == 1);
	switch_to(&c, true, false, (const void *)0x10000UL, 100, 4, &ev);
	EXPECT(ev.pages == TLBT_FLUSH_ALL && c.loaded_mm_asid == 2);
	/* invalidate_other: every slot but the loaded one forgets its mm. */
	c.invalidate_other = true;
	switch_to(&c, true, false, (const void *)0x10002UL, 102, 1, &ev);
	EXPECT(ev.pages == TLBT_FLUSH_ALL && c.loaded_mm_asid == 3);
	EXPECT(c.ctxs[0].ctx_id == 0 && c.ctxs[1].ctx_id == 0);
	/* ... and the slot loaded at the time (2) keeps it. */
	EXPECT(c.ctxs[2].ctx_id == 100);
}

static struct tlbt_cpu cpu_on(const void *id, u64 ctx, u64 gen)
{
	struct tlbt_mm mm = { id, ctx, gen };
	struct tlbt_cpu c;

	tlbt_cpu_init(&c, &mm);
	return c;
}

/* flush_tlb_func(): the receiver's generation logic. */
static void test_flush_func(void)
{
	struct tlbt_flush_info f = { MM_A, 0x10000, 0x10000 + 4 * PG, 12, 8,
				     false };
	struct tlbt_cpu c;
	struct tlbt_event ev;

	/* One behind, newest: partial, 4 pages, remote shootdown. */
	c = cpu_on(MM_A, 5, 7);
	EXPECT(tlbt_flush_func(&c, false, &f, 8, &ev) == TLBT_ACT_PARTIAL);
	EXPECT(ev.fires && ev.reason == TLBT_REMOTE_SHOOTDOWN &&
	       ev.pages == 4 && c.ctxs[0].tlb_gen == 8);
	/* Same request again: already current, returns before any event. */
	EXPECT(tlbt_flush_func(&c, false, &f, 8, &ev) == TLBT_ACT_NONE &&
	       !ev.fires);
	/* Two behind: full. */
	c = cpu_on(MM_A, 5, 6);
	EXPECT(tlbt_flush_func(&c, false, &f, 8, &ev) == TLBT_ACT_FULL);
	EXPECT(ev.pages == TLBT_FLUSH_ALL && c.ctxs[0].tlb_gen == 8);
	/* One behind but a newer request exists (mm at 9): full, to 9. */
	c = cpu_on(MM_A, 5, 7);
	EXPECT(tlbt_flush_func(&c, false, &f, 9, &ev) == TLBT_ACT_FULL);
	EXPECT(c.ctxs[0].tlb_gen == 9);
	/* A concurrent flush caught us up to 9 already: event with 0 pages. */
	f.new_tlb_gen = TLBT_GEN_INVALID;
	f.mm = NULL;
	EXPECT(tlbt_flush_func(&c, false, &f, 9, &ev) == TLBT_ACT_CURRENT);
	EXPECT(ev.fires && ev.pages == 0 &&
	       ev.reason == TLBT_REMOTE_SHOOTDOWN);
	/* Local batched flush (mm NULL, full): local shootdown. */
	f.local = true;
	f.end = TLBT_FLUSH_ALL;
	f.start = 0;
	EXPECT(tlbt_flush_func(&c, false, &f, 11, &ev) == TLBT_ACT_FULL);
	EXPECT(ev.reason == TLBT_LOCAL_SHOOTDOWN &&
	       ev.pages == TLBT_FLUSH_ALL);
	/* Local flush of an mm: local mm shootdown; ranged with 2M stride. */
	c = cpu_on(MM_A, 5, 7);
	f = (struct tlbt_flush_info){ MM_A, 0x200000, 0x400000, 21, 8, true };
	EXPECT(tlbt_flush_func(&c, false, &f, 8, &ev) == TLBT_ACT_PARTIAL);
	EXPECT(ev.reason == TLBT_LOCAL_MM_SHOOTDOWN && ev.pages == 1);
	/* Remote CPU running another mm: returns silently. */
	c = cpu_on(MM_B, 6, 1);
	f.local = false;
	EXPECT(tlbt_flush_func(&c, false, &f, 9, &ev) == TLBT_ACT_NONE);
	/* Lazy CPU: switches to init_mm instead, no shootdown event. */
	c = cpu_on(MM_A, 5, 7);
	f.new_tlb_gen = 9;
	EXPECT(tlbt_flush_func(&c, true, &f, 9, &ev) == TLBT_ACT_LEAVE &&
	       !ev.fires);
	/* A CPU on init_mm: nothing to flush. */
	c = cpu_on(MM_INIT, TLBT_INIT_CTX_ID, 1);
	f.mm = NULL;
	EXPECT(tlbt_flush_func(&c, false, &f, 9, &ev) == TLBT_ACT_NONE);
}

int main(void)
{
	test_ceiling();
	test_plan();
	test_send_ipi();
	test_targets();
	test_switch_nopcid();
	test_switch_pcid();
	test_flush_func();
	printf("tlb_unit: %d checks, %d failed\n", checks, failures);
	return failures ? EXIT_FAILURE : EXIT_SUCCESS;
}
