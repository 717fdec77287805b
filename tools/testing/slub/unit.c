// SPDX-License-Identifier: GPL-2.0
/*
 * The SLUB twin's geometry in userspace: the kmalloc classes' objects per
 * slab and orders in the 2-CPU test VM (the table in issue 10, which is
 * what 6.12 shows in /sys/kernel/slab there), debug layouts worked out by
 * hand from calculate_sizes(), and the size-class lookup. Exit status is
 * non-zero on any failure.
 */
#include <stdio.h>

#include "../../../modules/slub/geometry.h"

static int failures;

#define EXPECT_EQ(a, b, what) do {					\
	long long _a = (a), _b = (b);					\
	if (_a != _b) {							\
		fprintf(stderr, "%s:%d: FAIL %s: %s = %lld, want %lld\n", \
			__FILE__, __LINE__, what, #a, _a, _b);		\
		failures++;						\
	}								\
} while (0)

/* Two present CPUs, slab_max_order 3: the test VM. */
static const struct slub_order_limits vm_limits = {
	.max_order = SLUB_DEFAULT_MAX_ORDER, .nr_cpus = 2, .nr_cpu_ids = 2,
};

struct kmalloc_row {
	const char *name;
	unsigned int objects, order, min_partial, cpu_partial, cpu_slabs;
};

/* Index 0 is unused; objects/order from the issue, the rest by hand. */
static const struct kmalloc_row kmalloc_table[SLUB_KMALLOC_CLASSES] = {
	[1] = { "kmalloc-96", 42, 0, 5, 120, 6 },
	[2] = { "kmalloc-192", 21, 0, 5, 120, 12 },
	[3] = { "kmalloc-8", 512, 0, 5, 120, 1 },
	[4] = { "kmalloc-16", 256, 0, 5, 120, 1 },
	[5] = { "kmalloc-32", 128, 0, 5, 120, 2 },
	[6] = { "kmalloc-64", 64, 0, 5, 120, 4 },
	[7] = { "kmalloc-128", 32, 0, 5, 120, 8 },
	[8] = { "kmalloc-256", 16, 0, 5, 52, 7 },
	[9] = { "kmalloc-512", 16, 1, 5, 52, 7 },
	[10] = { "kmalloc-1k", 16, 2, 5, 24, 3 },
	[11] = { "kmalloc-2k", 16, 3, 5, 24, 3 },
	[12] = { "kmalloc-4k", 8, 3, 6, 6, 2 },
	[13] = { "kmalloc-8k", 4, 3, 6, 6, 3 },
};

static void test_kmalloc_classes(void)
{
	unsigned int i;

	for (i = 1; i < SLUB_KMALLOC_CLASSES; i++) {
		const struct kmalloc_row *row = &kmalloc_table[i];
		unsigned int size = slub_kmalloc_class_size(i);
		unsigned int align = slub_calculate_alignment(SLAB_KMALLOC,
					slub_kmalloc_class_align(i), size, 64);
		struct slub_geometry g;

		EXPECT_EQ(slub_calculate_geometry(&g, size, align, SLAB_KMALLOC,
						  false, &vm_limits), 0, row->name);
		EXPECT_EQ(strcmp(slub_kmalloc_class_name(i, false), row->name),
			  0, row->name);
		EXPECT_EQ(g.size, size, row->name);
		EXPECT_EQ(g.objects, row->objects, row->name);
		EXPECT_EQ(g.order, row->order, row->name);
		EXPECT_EQ(g.min_partial, row->min_partial, row->name);
		EXPECT_EQ(g.cpu_partial, row->cpu_partial, row->name);
		EXPECT_EQ(g.cpu_partial_slabs, row->cpu_slabs, row->name);
		EXPECT_EQ(g.offset, ALIGN_DOWN(size / 2, 8), row->name);
		EXPECT_EQ(g.red_left_pad, 0, row->name);
	}
	EXPECT_EQ(slub_kmalloc_class_align(1), 32, "kmalloc-96 align");
	EXPECT_EQ(slub_kmalloc_class_align(2), 64, "kmalloc-192 align");
	EXPECT_EQ(slub_kmalloc_class_align(13), 8192, "kmalloc-8k align");
	EXPECT_EQ(strcmp(slub_kmalloc_class_name(1, true), "kmalloc-rcl-96"),
		  0, "rcl name");
	EXPECT_EQ(slub_kmalloc_class_name(0, false) == NULL, 1, "no class 0");
}

/* kmalloc_size_index below 192, fls(size - 1) above, 0 past 8k. */
static void test_kmalloc_index(void)
{
	static const struct { size_t size; unsigned int index; } cases[] = {
		{ 0, 0 }, { 1, 3 }, { 8, 3 }, { 9, 4 }, { 24, 5 }, { 33, 6 },
		{ 64, 6 }, { 65, 1 }, { 96, 1 }, { 97, 7 }, { 128, 7 },
		{ 129, 2 }, { 192, 2 }, { 193, 8 }, { 256, 8 }, { 257, 9 },
		{ 1024, 10 }, { 1025, 11 }, { 4097, 13 }, { 8192, 13 },
		{ 8193, 0 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		EXPECT_EQ(slub_kmalloc_index(cases[i].size), cases[i].index,
			  "kmalloc_index");
}

/* A 64-byte object with F Z P U, worked through calculate_sizes(). */
static void test_debug_layout(void)
{
	slab_flags_t flags = SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE |
			     SLAB_POISON | SLAB_STORE_USER;
	struct slub_geometry g;

	EXPECT_EQ(slub_calculate_geometry(&g, 64, 8, flags, false, &vm_limits),
		  0, "debug");
	EXPECT_EQ(g.inuse, 72, "word of red zone after a word-sized object");
	EXPECT_EQ(g.offset, 72, "free pointer after the red zone");
	EXPECT_EQ(g.red_left_pad, 8, "left red zone");
	/* 72 + 8 fp + 2 * 32 tracks + 8 padding + 8 left red zone */
	EXPECT_EQ(g.size, 160, "slab_size");
	EXPECT_EQ(g.objects, 25, "objects");
	EXPECT_EQ(g.order, 0, "order");
	EXPECT_EQ(g.object_poison, 1, "poisoned");
	EXPECT_EQ(g.cpu_partial, 0, "debug caches keep no cpu partial");
	EXPECT_EQ(slub_info_end(&g), 80, "tracks after the free pointer");

	/* kmalloc with U keeps the original size, free pointer outside. */
	EXPECT_EQ(slub_calculate_geometry(&g, 32, 32, SLAB_KMALLOC |
					  SLAB_RED_ZONE | SLAB_STORE_USER,
					  false, &vm_limits), 0, "kmalloc debug");
	/* 32+8 rz, fp 8, tracks 64, orig 8, pad 8, left 32 (align) */
	EXPECT_EQ(g.offset, 40, "kmalloc debug offset");
	EXPECT_EQ(g.red_left_pad, 32, "left red zone aligned");
	EXPECT_EQ(g.size, 160, "kmalloc debug size");

	/* Poison with a ctor: the object is not poisoned, fp outside. */
	EXPECT_EQ(slub_calculate_geometry(&g, 20, 8, SLAB_POISON, true,
					  &vm_limits), 0, "ctor");
	EXPECT_EQ(g.object_poison, 0, "ctor objects keep their contents");
	EXPECT_EQ(g.offset, 24, "fp after the object");
	EXPECT_EQ(g.size, 32, "size");
	EXPECT_EQ(g.inuse, 24, "inuse: 20 rounded to a word");
}

/* Odd sizes and alignments, by hand from calculate_order(). */
static void test_odd_sizes(void)
{
	struct slub_geometry g;

	/* 700 -> 704; 12 objects need order 2; 23 fit, 192 B left. */
	slub_calculate_geometry(&g, 700, 8, 0, false, &vm_limits);
	EXPECT_EQ(g.size, 704, "700 size");
	EXPECT_EQ(g.order, 2, "700 order");
	EXPECT_EQ(g.objects, 23, "700 objects");
	EXPECT_EQ(g.offset, 344, "free pointer halfway");

	/* HWCACHE_ALIGN: 40 bytes align to 64, 20 to 32. */
	EXPECT_EQ(slub_calculate_alignment(SLAB_HWCACHE_ALIGN, 8, 40, 64), 64,
		  "hwcache 40");
	EXPECT_EQ(slub_calculate_alignment(SLAB_HWCACHE_ALIGN, 8, 20, 64), 32,
		  "hwcache 20");
	EXPECT_EQ(slub_calculate_alignment(0, 2, 20, 64), 8, "word minimum");
	EXPECT_EQ(slub_calculate_alignment(0, 0, 20, 64), 8,
		  "no alignment asked: arch_slab_minalign()");

	/* An object larger than slab_max_order allows: get_order(size). */
	slub_calculate_geometry(&g, 40000, 8, 0, false, &vm_limits);
	EXPECT_EQ(g.order, 4, "40000 order");
	EXPECT_EQ(g.objects, 1, "40000 objects");

	/* Eight CPUs: min_objects 16; 1 CPU present falls back to ids. */
	struct slub_order_limits eight = vm_limits;

	eight.nr_cpus = 8;
	slub_calculate_geometry(&g, 256, 256, 0, false, &eight);
	EXPECT_EQ(g.order, 1, "256 on 8 CPUs: 16 objects need order 0, 20 order 1");
	eight.nr_cpus = 1;
	eight.nr_cpu_ids = 64;
	slub_calculate_geometry(&g, 512, 512, 0, false, &eight);
	EXPECT_EQ(g.order, 2, "512 with 64 possible CPUs: 32 objects");
}

int main(void)
{
	test_kmalloc_classes();
	test_kmalloc_index();
	test_debug_layout();
	test_odd_sizes();
	if (failures) {
		fprintf(stderr, "slub_unit: %d failures\n", failures);
		return 1;
	}
	printf("slub_unit: all geometry checks passed\n");
	return 0;
}
