// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for mmtwin_slub, on the loaded twin.
 *
 * Suite mmtwin_slub_test mirrors 6.12's lib/slub_kunit.c case for case,
 * with its expected error counts: the twin counts its debug reports in
 * the test's "slab_errors" resource exactly where the kernel does. Suite
 * mmtwin_slub covers the rest: geometry in the VM, constructors, zeroing,
 * bulk paths, kfree of whole order-3 slabs, large kmalloc, poison and red
 * zone bytes, hardened and random freelists, the control file, and a
 * two-CPU stress with cross-CPU frees.
 */
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/slab.h>

#include <mmtwin/compat.h>
#include <mmtwin/slub.h>
#include "../modules/slub/internal.h"

static struct kunit_resource resource;
static int slab_errors;

static const struct slub_options plain_opts;

static struct mmtwin_kmem_cache *test_cache(struct kunit *test,
					    const char *name,
					    unsigned int size,
					    slab_flags_t flags)
{
	struct mmtwin_kmem_cache *s;

	s = slub_cache_create(name, size, 0, flags | SLAB_NO_USER_FLAGS, NULL,
			      &plain_opts);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(s), "create %s: %ld", name,
			       PTR_ERR(s));
	return s;
}

/* --- mmtwin_slub_test: lib/slub_kunit.c --- */

static void test_clobber_zone(struct kunit *test)
{
	struct mmtwin_kmem_cache *s = test_cache(test, "TestSlub_RZ_alloc", 64,
						 SLAB_RED_ZONE);
	u8 *p = mmtwin_kmem_cache_alloc(s, GFP_KERNEL);

	p[64] = 0x12;
	slub_validate(s);
	KUNIT_EXPECT_EQ(test, 2, slab_errors);

	mmtwin_kmem_cache_free(s, p);
	mmtwin_kmem_cache_destroy(s);
}

/* 6.12 does not build these under KASAN; the twin skips them there. */
static bool skip_under_kasan(struct kunit *test)
{
	if (!IS_ENABLED(CONFIG_KASAN))
		return false;
	kunit_skip(test, "6.12's slub_kunit leaves this out with CONFIG_KASAN");
	return true;
}

static void test_next_pointer(struct kunit *test)
{
	struct mmtwin_kmem_cache *s;
	unsigned long tmp, *ptr_addr;
	u8 *p;

	if (skip_under_kasan(test))
		return;
	s = test_cache(test, "TestSlub_next_ptr_free", 64, SLAB_POISON);
	p = mmtwin_kmem_cache_alloc(s, GFP_KERNEL);
	mmtwin_kmem_cache_free(s, p);

	ptr_addr = (unsigned long *)(p + s->geo.offset);
	tmp = *ptr_addr;
	p[s->geo.offset] = ~p[s->geo.offset];

	/* Corrupt freechain, wrong in-use count, and its fix. */
	slub_validate(s);
	KUNIT_EXPECT_EQ(test, 3, slab_errors);

	/* Repaired pointer: the count the last run set is wrong now. */
	*ptr_addr = tmp;
	slab_errors = 0;
	slub_validate(s);
	KUNIT_EXPECT_EQ(test, 2, slab_errors);

	slab_errors = 0;
	slub_validate(s);
	KUNIT_EXPECT_EQ(test, 0, slab_errors);

	mmtwin_kmem_cache_destroy(s);
}

static void test_first_word(struct kunit *test)
{
	struct mmtwin_kmem_cache *s;
	u8 *p;

	if (skip_under_kasan(test))
		return;
	s = test_cache(test, "TestSlub_1th_word_free", 64, SLAB_POISON);
	p = mmtwin_kmem_cache_alloc(s, GFP_KERNEL);
	mmtwin_kmem_cache_free(s, p);
	*p = 0x78;

	slub_validate(s);
	KUNIT_EXPECT_EQ(test, 2, slab_errors);
	mmtwin_kmem_cache_destroy(s);
}

static void test_clobber_50th_byte(struct kunit *test)
{
	struct mmtwin_kmem_cache *s;
	u8 *p;

	if (skip_under_kasan(test))
		return;
	s = test_cache(test, "TestSlub_50th_word_free", 64, SLAB_POISON);
	p = mmtwin_kmem_cache_alloc(s, GFP_KERNEL);
	mmtwin_kmem_cache_free(s, p);
	p[50] = 0x9a;

	slub_validate(s);
	KUNIT_EXPECT_EQ(test, 2, slab_errors);
	mmtwin_kmem_cache_destroy(s);
}

static void test_clobber_redzone_free(struct kunit *test)
{
	struct mmtwin_kmem_cache *s = test_cache(test, "TestSlub_RZ_free", 64,
						 SLAB_RED_ZONE);
	u8 *p = mmtwin_kmem_cache_alloc(s, GFP_KERNEL);

	mmtwin_kmem_cache_free(s, p);
	p[64] = 0xab;

	slub_validate(s);
	KUNIT_EXPECT_EQ(test, 2, slab_errors);
	mmtwin_kmem_cache_destroy(s);
}

static void test_kmalloc_redzone_access(struct kunit *test)
{
	struct mmtwin_kmem_cache *s = test_cache(test, "TestSlub_RZ_kmalloc", 32,
				SLAB_KMALLOC | SLAB_STORE_USER | SLAB_RED_ZONE);
	u8 *p = slub_alloc_orig(s, GFP_KERNEL, 18);

	OPTIMIZER_HIDE_VAR(p);
	p[18] = 0xab;
	p[19] = 0xab;

	slub_validate(s);
	KUNIT_EXPECT_EQ(test, 2, slab_errors);
	mmtwin_kmem_cache_free(s, p);
	mmtwin_kmem_cache_destroy(s);
}

struct test_kfree_rcu_struct {
	struct rcu_head rcu;
};

static void test_kfree_rcu(struct kunit *test)
{
	struct mmtwin_kmem_cache *s;
	struct test_kfree_rcu_struct *p;

	s = test_cache(test, "TestSlub_kfree_rcu", sizeof(*p), SLAB_NO_MERGE);
	p = mmtwin_kmem_cache_alloc(s, GFP_KERNEL);
	mmtwin_kfree_rcu(p, rcu);
	mmtwin_kmem_cache_destroy(s);	/* waits for the grace period */

	KUNIT_EXPECT_EQ(test, 0, slab_errors);
}

static void test_leak_destroy(struct kunit *test)
{
	struct mmtwin_kmem_cache *s = test_cache(test, "TestSlub_leak_destroy",
						 64, SLAB_NO_MERGE);

	mmtwin_kmem_cache_alloc(s, GFP_KERNEL);
	mmtwin_kmem_cache_destroy(s);	/* the slab stays, until unload */

	KUNIT_EXPECT_EQ(test, 2, slab_errors);
}

static int slab_errors_init(struct kunit *test)
{
	slab_errors = 0;
	kunit_add_named_resource(test, NULL, NULL, &resource, "slab_errors",
				 &slab_errors);
	return 0;
}

static struct kunit_case mmtwin_slub_test_cases[] = {
	KUNIT_CASE(test_clobber_zone),
	KUNIT_CASE(test_next_pointer),
	KUNIT_CASE(test_first_word),
	KUNIT_CASE(test_clobber_50th_byte),
	KUNIT_CASE(test_clobber_redzone_free),
	KUNIT_CASE(test_kmalloc_redzone_access),
	KUNIT_CASE(test_kfree_rcu),
	KUNIT_CASE(test_leak_destroy),
	{}
};

static struct kunit_suite mmtwin_slub_test_suite = {
	.name = "mmtwin_slub_test",
	.init = slab_errors_init,
	.test_cases = mmtwin_slub_test_cases,
};

/* --- mmtwin_slub --- */

/* Issue 10's table: objects/order of each kmalloc class with 2 CPUs. */
static void test_kmalloc_geometry(struct kunit *test)
{
	static const struct { unsigned int size, objects, order; } table[] = {
		{ 8, 512, 0 }, { 16, 256, 0 }, { 32, 128, 0 }, { 64, 64, 0 },
		{ 96, 42, 0 }, { 128, 32, 0 }, { 192, 21, 0 }, { 256, 16, 0 },
		{ 512, 16, 1 }, { 1024, 16, 2 }, { 2048, 16, 3 },
		{ 4096, 8, 3 }, { 8192, 4, 3 },
	};
	unsigned int i;

	if (num_present_cpus() != 2)
		kunit_skip(test, "the table is for the 2-CPU test VM");
	for (i = 0; i < ARRAY_SIZE(table); i++) {
		unsigned int idx = slub_kmalloc_index(table[i].size);
		struct mmtwin_kmem_cache *s = slub_kmalloc_cache(idx, false);

		KUNIT_ASSERT_NOT_NULL(test, s);
		KUNIT_EXPECT_EQ_MSG(test, s->geo.size, table[i].size, "%s", s->name);
		KUNIT_EXPECT_EQ_MSG(test, s->geo.objects, table[i].objects,
				    "%s", s->name);
		KUNIT_EXPECT_EQ_MSG(test, s->geo.order, table[i].order, "%s",
				    s->name);
		KUNIT_EXPECT_EQ(test, s->geo.objects,
				slub_kmalloc_cache(idx, true)->geo.objects);
	}
}

static atomic_t ctor_calls;

static void count_ctor(void *object)
{
	atomic_inc(&ctor_calls);
	*(u32 *)object = 0xc0ffee;
}

/* A constructor runs once per object when its slab is made, never again. */
static void test_ctor_once(struct kunit *test)
{
	struct mmtwin_kmem_cache *s;
	void *p[100];
	unsigned int i, per_slab;
	int calls;

	atomic_set(&ctor_calls, 0);
	s = slub_cache_create("TestSlub_ctor", 48, 0, 0, count_ctor, &plain_opts);
	KUNIT_ASSERT_FALSE(test, IS_ERR(s));
	per_slab = s->geo.objects;
	for (i = 0; i < ARRAY_SIZE(p); i++) {
		p[i] = mmtwin_kmem_cache_alloc(s, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
		KUNIT_EXPECT_EQ(test, *(u32 *)p[i], 0xc0ffee);
	}
	calls = atomic_read(&ctor_calls);
	KUNIT_EXPECT_EQ(test, calls % per_slab, 0);
	KUNIT_EXPECT_GE(test, calls, (int)ARRAY_SIZE(p));
	for (i = 0; i < ARRAY_SIZE(p); i++)
		mmtwin_kmem_cache_free(s, p[i]);
	for (i = 0; i < ARRAY_SIZE(p); i++) {
		p[i] = mmtwin_kmem_cache_alloc(s, GFP_KERNEL);
		/* The free pointer lives past the object: contents kept. */
		KUNIT_EXPECT_EQ(test, *(u32 *)p[i], 0xc0ffee);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&ctor_calls), calls);
	for (i = 0; i < ARRAY_SIZE(p); i++)
		mmtwin_kmem_cache_free(s, p[i]);
	mmtwin_kmem_cache_destroy(s);
}

/* __GFP_ZERO clears a reused object; kmalloc clears the request. */
static void test_gfp_zero(struct kunit *test)
{
	struct mmtwin_kmem_cache *s = test_cache(test, "TestSlub_zero", 40, 0);
	u8 *p, *q;

	migrate_disable();	/* one CPU's freelist: the object comes back */
	p = mmtwin_kmem_cache_alloc(s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(p, 0x77, 40);
	mmtwin_kmem_cache_free(s, p);
	q = mmtwin_kmem_cache_alloc(s, GFP_KERNEL | __GFP_ZERO);
	migrate_enable();
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_PTR_EQ(test, p, q);
	KUNIT_EXPECT_NULL(test, memchr_inv(q, 0, 40));
	mmtwin_kmem_cache_free(s, q);
	mmtwin_kmem_cache_destroy(s);

	p = mmtwin_kmalloc(40, GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_NULL(test, memchr_inv(p, 0, 40));
	KUNIT_EXPECT_EQ(test, mmtwin_ksize(p), 64);
	mmtwin_kfree(p);
}

static unsigned long cache_slabs(struct mmtwin_kmem_cache *s)
{
	return slub_count(s, SLUB_COUNT_SLABS, NULL);
}

/* Bulk: distinct objects of this cache; freed, every slab can go back. */
static void test_bulk(struct kunit *test)
{
	struct mmtwin_kmem_cache *s = test_cache(test, "TestSlub_bulk", 200, 0);
	void **p = kunit_kcalloc(test, 300, sizeof(void *), GFP_KERNEL);
	unsigned int i, j;

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_EQ(test, mmtwin_kmem_cache_alloc_bulk(s, GFP_KERNEL, 300, p),
			300);
	for (i = 0; i < 300; i++) {
		KUNIT_EXPECT_PTR_EQ(test, mmtwin_virt_to_frame(p[i])->slab_cache,
				    (void *)s);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_PTR_NE(test, p[i], p[j]);
	}
	KUNIT_EXPECT_GE(test, cache_slabs(s) * s->geo.objects, 300);
	mmtwin_kmem_cache_free_bulk(s, 300, p);
	KUNIT_EXPECT_EQ(test, slub_shrink(s), 0);
	KUNIT_EXPECT_EQ(test, cache_slabs(s), 0);
	mmtwin_kmem_cache_destroy(s);
}

/* kfree of every object of order-3 slabs, found from the address alone. */
static void test_kfree_order3(struct kunit *test)
{
	struct mmtwin_kmem_cache *s = test_cache(test, "TestSlub_order3", 2048, 0);
	unsigned int i, n = 3 * s->geo.objects;
	void **p = kunit_kcalloc(test, n, sizeof(void *), GFP_KERNEL);

	KUNIT_ASSERT_EQ(test, s->geo.order, 3);
	for (i = 0; i < n; i++) {
		p[i] = mmtwin_kmem_cache_alloc(s, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
		KUNIT_EXPECT_EQ(test, mmtwin_virt_to_frame(p[i] + 2047)->order, 3);
		KUNIT_EXPECT_EQ(test, mmtwin_ksize(p[i]), 2048);
	}
	KUNIT_EXPECT_GE(test, cache_slabs(s), 3);
	for (i = 0; i < n; i++)
		mmtwin_kfree(p[i]);
	KUNIT_EXPECT_EQ(test, slub_shrink(s), 0);
	KUNIT_EXPECT_EQ(test, cache_slabs(s), 0);
	mmtwin_kmem_cache_destroy(s);
}

/* The slab map entry of the page at @addr: NULL without a leaf. */
static struct mmtwin_frame *map_entry(const void *addr)
{
	unsigned long pfn = PHYS_PFN(__pa(addr));
	struct mmtwin_frame **leaf;

	if (pfn >> SLUB_MAP_LEAF_SHIFT >= slub_slab_map_leaves)
		return NULL;
	leaf = slub_slab_map[pfn >> SLUB_MAP_LEAF_SHIFT];
	return leaf ? leaf[pfn & (SLUB_MAP_LEAF_ENTRIES - 1)] : NULL;
}

/*
 * The slab map names a slab on each of its pages while it lives and on
 * none after it went back to the buddy; this CPU's slab is known by its
 * range; addresses outside the direct map are no twin object's.
 */
static void test_slab_map(struct kunit *test)
{
	struct mmtwin_kmem_cache *s = test_cache(test, "TestSlub_map", 2048, 0);
	struct mmtwin_frame *slab;
	struct slub_cpu *c;
	unsigned int k;
	u8 *p, *base;
	int local;

	KUNIT_ASSERT_EQ(test, s->geo.order, 3);
	migrate_disable();	/* this CPU's slab is the object's */
	p = mmtwin_kmem_cache_alloc(s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	slab = mmtwin_virt_to_frame(p);
	base = mmtwin_frame_address(slab);
	c = this_cpu_ptr(s->cpu_slab);
	KUNIT_EXPECT_PTR_EQ(test, c->slab, slab);
	KUNIT_EXPECT_EQ(test, c->slab_start, (unsigned long)base);
	KUNIT_EXPECT_EQ(test, c->slab_bytes, PAGE_SIZE << 3);
	migrate_enable();
	for (k = 0; k < 8; k++) {
		KUNIT_EXPECT_PTR_EQ(test, map_entry(base + k * PAGE_SIZE), slab);
		KUNIT_EXPECT_PTR_EQ(test,
				    slub_virt_to_frame(base + k * PAGE_SIZE + 5),
				    slab);
	}
	KUNIT_EXPECT_NULL(test, slub_virt_to_frame(&local));
	KUNIT_EXPECT_NULL(test, slub_virt_to_frame(test_slab_map));
	KUNIT_EXPECT_NULL(test, slub_virt_to_frame(NULL));
	mmtwin_kmem_cache_free(s, p);
	KUNIT_EXPECT_EQ(test, slub_shrink(s), 0);
	KUNIT_EXPECT_EQ(test, cache_slabs(s), 0);
	for (k = 0; k < 8; k++)
		KUNIT_EXPECT_NULL(test, map_entry(base + k * PAGE_SIZE));
	mmtwin_kmem_cache_destroy(s);
}

/* The buddy's shrinker registry reaches the twin's empty slabs. */
static void test_shrinker(struct kunit *test)
{
	struct mmtwin_kmem_cache *s = test_cache(test, "TestSlub_shrinker", 256, 0);
	unsigned int i, n = 8 * s->geo.objects;
	void **p = kunit_kcalloc(test, n, sizeof(void *), GFP_KERNEL);
	int nid;

	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < n; i++)
		p[i] = mmtwin_kmem_cache_alloc(s, GFP_KERNEL);
	for (i = 0; i < n; i++)
		mmtwin_kmem_cache_free(s, p[i]);
	slub_flush_all(s);
	/* Nodes keep min_partial empty slabs; the shrinker takes them. */
	KUNIT_EXPECT_GT(test, cache_slabs(s), 0);
	for_each_online_node(nid)
		mmtwin_buddy_shrink_slab(GFP_KERNEL, nid, 0);
	KUNIT_EXPECT_EQ(test, cache_slabs(s), 0);
	mmtwin_kmem_cache_destroy(s);
}

/* Above kmalloc-8k: a compound block straight from the buddy. */
static void test_kmalloc_large(struct kunit *test)
{
	u8 *p = mmtwin_kmalloc(3 * PAGE_SIZE + 1, GFP_KERNEL);
	struct mmtwin_frame *head;

	KUNIT_ASSERT_NOT_NULL(test, p);
	head = mmtwin_virt_to_frame(p + 3 * PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, head);
	KUNIT_EXPECT_EQ(test, head->order, 2);
	KUNIT_EXPECT_PTR_EQ(test, mmtwin_frame_address(head), (void *)p);
	KUNIT_EXPECT_EQ(test, mmtwin_ksize(p), 4 * PAGE_SIZE);
	mmtwin_kfree(p);
	KUNIT_EXPECT_TRUE(test, ZERO_OR_NULL_PTR(mmtwin_kmalloc(0, GFP_KERNEL)));
}

/* The bytes slab_debug=ZP writes: 0xcc/0xbb red zones, 0x6b/0xa5 poison. */
static void test_poison_bytes(struct kunit *test)
{
	struct mmtwin_kmem_cache *s = test_cache(test, "TestSlub_bytes", 60,
						 SLAB_RED_ZONE | SLAB_POISON);
	unsigned int rz = s->geo.inuse - s->geo.object_size;
	u8 *p = mmtwin_kmem_cache_alloc(s, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, rz, 4);	/* 60 rounded up to a word */
	KUNIT_EXPECT_NULL(test, memchr_inv(p - s->geo.red_left_pad, 0xcc,
					   s->geo.red_left_pad));
	KUNIT_EXPECT_NULL(test, memchr_inv(p + 60, 0xcc, rz));
	mmtwin_kmem_cache_free(s, p);
	KUNIT_EXPECT_NULL(test, memchr_inv(p, 0x6b, 59));
	KUNIT_EXPECT_EQ(test, p[59], 0xa5);
	KUNIT_EXPECT_NULL(test, memchr_inv(p + 60, 0xbb, rz));
	KUNIT_EXPECT_NULL(test, memchr_inv(p - s->geo.red_left_pad, 0xbb,
					   s->geo.red_left_pad));
	/* Padding word at the end of the object's share of the slab. */
	KUNIT_EXPECT_EQ(test, p[s->geo.size - s->geo.red_left_pad - 1], 0x5a);
	slub_validate(s);
	KUNIT_EXPECT_EQ(test, slab_errors, 0);
	mmtwin_kmem_cache_destroy(s);
}

/* Hardened: the stored word is not the pointer; decoding gives it back. */
static void test_hardened_freeptr(struct kunit *test)
{
	struct slub_options opts = { .hardened = true };
	struct mmtwin_kmem_cache *s;
	void *a, *b, *next;
	unsigned long raw;

	s = slub_cache_create("TestSlub_hardened", 64, 0, 0, NULL, &opts);
	KUNIT_ASSERT_FALSE(test, IS_ERR(s));
	migrate_disable();	/* one CPU's freelist, in LIFO order */
	a = mmtwin_kmem_cache_alloc(s, GFP_KERNEL);
	b = mmtwin_kmem_cache_alloc(s, GFP_KERNEL);
	mmtwin_kmem_cache_free(s, b);
	mmtwin_kmem_cache_free(s, a);	/* a -> b on the CPU freelist */
	raw = *(unsigned long *)(a + s->geo.offset);
	next = slub_get_freepointer(s, a);
	KUNIT_EXPECT_PTR_EQ(test, next, b);
	KUNIT_EXPECT_NE(test, raw, (unsigned long)b);
	KUNIT_EXPECT_EQ(test, raw, (unsigned long)b ^ s->random ^
			swab((unsigned long)a + s->geo.offset));
	KUNIT_EXPECT_PTR_EQ(test, mmtwin_kmem_cache_alloc(s, GFP_KERNEL), a);
	KUNIT_EXPECT_PTR_EQ(test, mmtwin_kmem_cache_alloc(s, GFP_KERNEL), b);
	migrate_enable();
	mmtwin_kmem_cache_free(s, a);
	mmtwin_kmem_cache_free(s, b);
	mmtwin_kmem_cache_destroy(s);
}

/*
 * Random freelists: a fresh slab does not hand out objects in order, but
 * it hands out each of its objects once before another slab is needed.
 * The allocations stay on one CPU (atomic, preemption off), so they all
 * come from the one order-0 slab that CPU starts.
 */
static void test_random_freelist(struct kunit *test)
{
	struct slub_options opts = { .random = true };
	unsigned int i, ascending = 0, n, idx;
	struct mmtwin_kmem_cache *s;
	DECLARE_BITMAP(seen, 64);
	void **p;

	s = slub_cache_create("TestSlub_random", 64, 0, 0, NULL, &opts);
	KUNIT_ASSERT_FALSE(test, IS_ERR(s));
	n = s->geo.objects;
	KUNIT_ASSERT_EQ(test, s->geo.order, 0);
	KUNIT_ASSERT_EQ(test, n, 64);
	p = kunit_kcalloc(test, n, sizeof(void *), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	preempt_disable();
	for (i = 0; i < n; i++)
		p[i] = mmtwin_kmem_cache_alloc(s, GFP_ATOMIC);
	preempt_enable();
	bitmap_zero(seen, 64);
	for (i = 0; i < n; i++) {
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
		KUNIT_EXPECT_PTR_EQ_MSG(test, PTR_ALIGN_DOWN(p[i], PAGE_SIZE),
					PTR_ALIGN_DOWN(p[0], PAGE_SIZE),
					"object %u from another slab", i);
		idx = offset_in_page(p[i]) / s->geo.size;
		KUNIT_EXPECT_FALSE_MSG(test, test_and_set_bit(idx, seen),
				       "object %u handed out twice", idx);
	}
	for (i = 1; i < n; i++)
		ascending += p[i] == p[i - 1] + s->geo.size;
	/* In order, 63 steps would be +size; shuffled, about one. */
	KUNIT_EXPECT_LT(test, ascending, n / 2);
	for (i = 0; i < n; i++)
		mmtwin_kmem_cache_free(s, p[i]);
	mmtwin_kmem_cache_destroy(s);
}

/*
 * A slab of the fallback order holds fewer objects than the random
 * sequence, which is made for the cache's order: its freelist chains each
 * of its own objects once and nothing past its end.
 */
static void test_random_freelist_fallback_order(struct kunit *test)
{
	struct slub_options opts = { .random = true };
	struct mmtwin_kmem_cache *s;
	unsigned int n, nr, i, idx;
	DECLARE_BITMAP(seen, 64);
	void *base, *p;

	s = slub_cache_create("TestSlub_random_fb", 1024, 0, 0, NULL, &opts);
	KUNIT_ASSERT_FALSE(test, IS_ERR(s));
	n = s->geo.objects;
	nr = s->geo.min_objects;
	KUNIT_ASSERT_LT(test, nr, n);
	KUNIT_ASSERT_LE(test, n, 64);
	/* Room for a whole slab of the cache's order: a stray is seen, not hit. */
	base = kunit_kzalloc(test, (size_t)n * s->geo.size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, base);
	bitmap_zero(seen, 64);
	p = slub_build_freelist(s, base, nr);
	for (i = 0; i < nr; i++) {
		KUNIT_ASSERT_NOT_NULL_MSG(test, p, "freelist ends after %u of %u", i, nr);
		idx = (p - base - s->geo.red_left_pad) / s->geo.size;
		KUNIT_ASSERT_LT_MSG(test, idx, nr, "object %u is past the slab", idx);
		KUNIT_EXPECT_FALSE_MSG(test, test_and_set_bit(idx, seen),
				       "object %u chained twice", idx);
		p = slub_get_freepointer(s, p);
	}
	KUNIT_EXPECT_NULL(test, p);
	mmtwin_kmem_cache_destroy(s);
}

/* Bad control requests get their errno and change nothing. */
static void test_control_errors(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, slub_control("create tctl 0"), -EINVAL);
	KUNIT_EXPECT_EQ(test, slub_control("create tctl 64 debug=Q"), -EINVAL);
	KUNIT_EXPECT_EQ(test, slub_control("create tctl 64 align=3"), -EINVAL);
	KUNIT_EXPECT_EQ(test, slub_control("create t/ctl 64"), -EINVAL);
	KUNIT_EXPECT_EQ(test, slub_control("bogus"), -EINVAL);
	KUNIT_EXPECT_EQ(test, slub_control("alloc t1 no-such-cache 1"), -ENOENT);
	KUNIT_EXPECT_EQ(test, slub_control("destroy kmalloc-64"), -EBUSY);
	KUNIT_ASSERT_EQ(test, slub_control("create tctl 64 debug=FZPU"), 0);
	KUNIT_EXPECT_EQ(test, slub_control("create tctl 128"), -EEXIST);
	KUNIT_EXPECT_EQ(test, slub_control("alloc t1 tctl 0"), -EINVAL);
	KUNIT_EXPECT_EQ(test, slub_control("alloc t1 tctl 65537"), -ERANGE);
	KUNIT_ASSERT_EQ(test, slub_control("alloc t1 tctl 10"), 0);
	KUNIT_EXPECT_EQ(test, slub_control("alloc t1 tctl 1"), -EEXIST);
	KUNIT_EXPECT_EQ(test, slub_control("destroy tctl"), -EBUSY);
	KUNIT_EXPECT_EQ(test, slub_control("kmalloc t2 100 3"), 0);
	KUNIT_EXPECT_EQ(test, slub_control("free t3"), -ENOENT);
	KUNIT_EXPECT_EQ(test, slub_control("free t1"), 0);
	KUNIT_EXPECT_EQ(test, slub_control("free t2"), 0);
	KUNIT_EXPECT_EQ(test, slub_control("destroy tctl"), 0);
	KUNIT_EXPECT_EQ(test, slub_control("destroy tctl"), -ENOENT);
	KUNIT_EXPECT_EQ(test, slab_errors, 0);
}

/* Two CPUs allocate; each frees half its objects on the other CPU. */
#define STRESS_RING	256
#define STRESS_LIVE	0x11fe11fe11fe11feUL
#define STRESS_DEAD	0xdeaddeaddeaddeadUL

struct stress {
	struct mmtwin_kmem_cache *s;
	spinlock_t lock;
	void *ring[2][STRESS_RING];	/* ring[i]: for CPU i to free */
	unsigned int head[2], tail[2];
	atomic_long_t allocs, frees, twice;
	unsigned long deadline;
	struct completion done[2];
};

static void stress_free(struct stress *st, void *p)
{
	*(unsigned long *)p = STRESS_DEAD;
	mmtwin_kmem_cache_free(st->s, p);
	atomic_long_inc(&st->frees);
}

static void *stress_pop(struct stress *st, int me)
{
	void *p = NULL;

	spin_lock(&st->lock);
	if (st->tail[me] != st->head[me])
		p = st->ring[me][st->tail[me]++ % STRESS_RING];
	spin_unlock(&st->lock);
	return p;
}

static bool stress_push(struct stress *st, int other, void *p)
{
	bool ok = false;

	spin_lock(&st->lock);
	if (st->head[other] - st->tail[other] < STRESS_RING) {
		st->ring[other][st->head[other]++ % STRESS_RING] = p;
		ok = true;
	}
	spin_unlock(&st->lock);
	return ok;
}

static void stress_step(struct stress *st, int me, unsigned long i)
{
	unsigned long *p = mmtwin_kmem_cache_alloc(st->s, GFP_KERNEL);
	void *q;

	if (!p)
		return;
	atomic_long_inc(&st->allocs);
	if (*p == STRESS_LIVE)		/* someone else holds it */
		atomic_long_inc(&st->twice);
	*p = STRESS_LIVE;
	if (!(i & 1) || !stress_push(st, !me, p))
		stress_free(st, p);
	while ((q = stress_pop(st, me)))
		stress_free(st, q);
}

static struct stress *stress_of[2];

static int stress_thread(void *arg)
{
	int me = (long)arg;
	struct stress *st = stress_of[me];
	unsigned long i;

	for (i = 0; time_before(jiffies, st->deadline); i++) {
		stress_step(st, me, i);
		if (!(i % 64))
			cond_resched();
	}
	complete(&st->done[me]);
	while (!kthread_should_stop())
		schedule_timeout_idle(1);
	return 0;
}

static void test_two_cpu_stress(struct kunit *test)
{
	struct stress *st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	struct task_struct *t[2];
	void *p;
	int i;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two online CPUs");
	KUNIT_ASSERT_NOT_NULL(test, st);
	st->s = test_cache(test, "TestSlub_stress", 64, 0);
	spin_lock_init(&st->lock);
	st->deadline = jiffies + HZ;
	for (i = 0; i < 2; i++) {
		init_completion(&st->done[i]);
		stress_of[i] = st;
		t[i] = kthread_create(stress_thread, (void *)(long)i,
				      "slub_stress/%d", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t[i]));
		kthread_bind(t[i], i);
	}
	for (i = 0; i < 2; i++)
		wake_up_process(t[i]);
	/* A kthread stopped before it first runs never runs its function. */
	for (i = 0; i < 2; i++) {
		wait_for_completion(&st->done[i]);
		kthread_stop(t[i]);
	}
	for (i = 0; i < 2; i++)
		while ((p = stress_pop(st, i)))
			stress_free(st, p);

	KUNIT_EXPECT_GT(test, atomic_long_read(&st->allocs), 1000);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&st->allocs),
			atomic_long_read(&st->frees));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&st->twice), 0);
	/* Every object is back: every slab can go back to the buddy. */
	KUNIT_EXPECT_EQ(test, slub_shrink(st->s), 0);
	KUNIT_EXPECT_EQ(test, cache_slabs(st->s), 0);
	KUNIT_EXPECT_EQ(test, slub_count(st->s, SLUB_COUNT_PARTIAL, NULL), 0);
	mmtwin_kmem_cache_destroy(st->s);
}

static struct kunit_case mmtwin_slub_cases[] = {
	KUNIT_CASE(test_kmalloc_geometry),
	KUNIT_CASE(test_ctor_once),
	KUNIT_CASE(test_gfp_zero),
	KUNIT_CASE(test_bulk),
	KUNIT_CASE(test_kfree_order3),
	KUNIT_CASE(test_slab_map),
	KUNIT_CASE(test_shrinker),
	KUNIT_CASE(test_kmalloc_large),
	KUNIT_CASE(test_poison_bytes),
	KUNIT_CASE(test_hardened_freeptr),
	KUNIT_CASE(test_random_freelist),
	KUNIT_CASE(test_random_freelist_fallback_order),
	KUNIT_CASE(test_control_errors),
	KUNIT_CASE(test_two_cpu_stress),
	{}
};

static struct kunit_suite mmtwin_slub_suite = {
	.name = "mmtwin_slub",
	.init = slab_errors_init,
	.test_cases = mmtwin_slub_cases,
};

kunit_test_suites(&mmtwin_slub_test_suite, &mmtwin_slub_suite);

MODULE_DESCRIPTION("KUnit tests for mmtwin_slub");
MODULE_LICENSE("GPL");
MMTWIN_IMPORT_KUNIT_NS();
