// SPDX-License-Identifier: GPL-2.0
/*
 * Object layout and slab order, as 6.12's calculate_sizes() and
 * calculate_order() decide them, and the kmalloc size classes
 * (mm/slab_common.c). Pure arithmetic: also built by tools/testing/slub/.
 *
 * An object of a cache with every debug option looks like this:
 *
 *   | left red zone | object | right red zone | free pointer | 2 tracks |
 *   | orig size | padding word | alignment |
 *
 * and without debug options it is the object rounded up to a word, with
 * the free pointer inside it, halfway.
 */
#include "geometry.h"

/*
 * calculate_alignment(): SLAB_HWCACHE_ALIGN asks for cache-line alignment,
 * halved while the object fits twice in what is left; never below
 * arch_slab_minalign() (__alignof__(unsigned long long) on x86-64) or a
 * word.
 */
unsigned int slub_calculate_alignment(slab_flags_t flags, unsigned int align,
				      unsigned int size,
				      unsigned int cache_line)
{
	if (flags & SLAB_HWCACHE_ALIGN) {
		unsigned int ralign = cache_line;

		while (size <= ralign / 2)
			ralign /= 2;
		align = max(align, ralign);
	}
	align = max(align, SLUB_ARCH_SLAB_MINALIGN);
	return ALIGN(align, (unsigned int)sizeof(void *));
}
EXPORT_SYMBOL_IF_KUNIT(slub_calculate_alignment);

/* calc_slab_order(): the first order wasting at most 1/fract of the slab. */
static unsigned int calc_slab_order(unsigned int size, unsigned int min_order,
				    unsigned int max_order,
				    unsigned int fract_leftover)
{
	unsigned int order;

	for (order = min_order; order <= max_order; order++) {
		unsigned int slab_size = (unsigned int)PAGE_SIZE << order;

		if (slab_size % size <= slab_size / fract_leftover)
			break;
	}
	return order;
}

/*
 * min_objects = 4 * (fls(nr_cpus) + 1) unless given; nr_cpus counts the
 * present CPUs, or the possible ones when only one is present yet.
 */
static unsigned int slub_min_objects(const struct slub_order_limits *lim)
{
	unsigned int nr_cpus = lim->nr_cpus;

	if (lim->min_objects)
		return lim->min_objects;
	if (nr_cpus <= 1)
		nr_cpus = lim->nr_cpu_ids;
	return 4 * (fls(nr_cpus) + 1);
}

/*
 * calculate_order(): the smallest order from the min_objects-derived one
 * up to max_order that wastes at most 1/16 of the slab, then 1/8, 1/4,
 * 1/2; failing all, the order of one object.
 */
int slub_calculate_order(unsigned int size,
			 const struct slub_order_limits *lim)
{
	unsigned int min_objects, max_objects, min_order, order, fraction;

	max_objects = max(slub_order_objects(lim->max_order, size), 1U);
	min_objects = min(slub_min_objects(lim), max_objects);
	min_order = max_t(unsigned int, lim->min_order,
			  get_order(min_objects * size));
	if (slub_order_objects(min_order, size) > SLUB_MAX_OBJS_PER_SLAB)
		return get_order(size * SLUB_MAX_OBJS_PER_SLAB) - 1;

	for (fraction = 16; fraction > 1; fraction /= 2) {
		order = calc_slab_order(size, min_order, lim->max_order,
					fraction);
		if (order <= lim->max_order)
			return order;
	}

	order = get_order(size);
	if (order <= SLUB_MAX_PAGE_ORDER)
		return order;
	return -EINVAL;
}
EXPORT_SYMBOL_IF_KUNIT(slub_calculate_order);

/*
 * Where the free pointer goes (calculate_sizes()). It may not overwrite
 * the object when the object must survive a free (a ctor's work, RCU
 * readers), when the object is poisoned, or when a red zone would lose
 * its room: then it goes after the object. Otherwise it sits in the
 * middle, away from small over- and underflows at either end.
 */
static void place_free_pointer(struct slub_geometry *g, bool has_ctor,
			       unsigned int *size)
{
	slab_flags_t flags = g->flags;

	if ((flags & (SLAB_TYPESAFE_BY_RCU | SLAB_POISON)) || has_ctor ||
	    ((flags & SLAB_RED_ZONE) &&
	     (g->object_size < sizeof(void *) ||
	      ((flags & SLAB_KMALLOC) && (flags & SLAB_STORE_USER))))) {
		g->offset = *size;
		*size += sizeof(void *);
	} else {
		g->offset = ALIGN_DOWN(g->object_size / 2,
				       (unsigned int)sizeof(void *));
	}
}

/* The object size plus metadata, before alignment (calculate_sizes()). */
static unsigned int layout_object(struct slub_geometry *g, bool has_ctor)
{
	slab_flags_t flags = g->flags;
	unsigned int size = ALIGN(g->object_size, (unsigned int)sizeof(void *));

	g->object_poison = (flags & SLAB_POISON) &&
			   !(flags & SLAB_TYPESAFE_BY_RCU) && !has_ctor;
	/* A red zone needs at least a word between object and metadata. */
	if ((flags & SLAB_RED_ZONE) && size == g->object_size)
		size += sizeof(void *);
	g->inuse = size;

	place_free_pointer(g, has_ctor, &size);

	if (flags & SLAB_STORE_USER) {
		size += 2 * sizeof(struct slub_track);
		if (flags & SLAB_KMALLOC)	/* the original request size */
			size += sizeof(unsigned long);
	}

	g->red_left_pad = 0;
	if (flags & SLAB_RED_ZONE) {
		/* Padding catches writes before the next object's start. */
		size += sizeof(void *);
		g->red_left_pad = ALIGN((unsigned int)sizeof(void *), g->align);
		size += g->red_left_pad;
	}
	return ALIGN(size, g->align);
}

/* set_cpu_partial(): bigger objects keep fewer on a CPU's partial list. */
static unsigned int default_cpu_partial(const struct slub_geometry *g)
{
	if (slub_geometry_debug(g))
		return 0;
	if (g->size >= PAGE_SIZE)
		return 6;
	if (g->size >= 1024)
		return 24;
	if (g->size >= 256)
		return 52;
	return 120;
}

/* slub_set_cpu_partial(): the object budget as a count of half-full slabs. */
void slub_set_cpu_partial(struct slub_geometry *g, unsigned int nr_objects)
{
	g->cpu_partial = nr_objects;
	g->cpu_partial_slabs = DIV_ROUND_UP(nr_objects * 2, g->objects);
}
EXPORT_SYMBOL_IF_KUNIT(slub_set_cpu_partial);

/**
 * slub_calculate_geometry - lay out a cache as do_kmem_cache_create() does
 * @g: filled in
 * @size: object size
 * @align: alignment as calculate_alignment() returned it
 * @flags: SLAB_* flags
 * @has_ctor: the cache has a constructor
 * @lim: order limits and CPU count
 *
 * Return: 0, or -EINVAL when no order holds an object.
 */
int slub_calculate_geometry(struct slub_geometry *g, unsigned int size,
			    unsigned int align, slab_flags_t flags,
			    bool has_ctor, const struct slub_order_limits *lim)
{
	int order;

	memset(g, 0, sizeof(*g));
	g->object_size = size;
	g->align = align;
	g->flags = flags;
	g->size = layout_object(g, has_ctor);

	order = slub_calculate_order(g->size, lim);
	if (order < 0)
		return -EINVAL;
	g->order = order;
	g->objects = slub_order_objects(order, g->size);
	g->min_order = get_order(g->size);
	g->min_objects = slub_order_objects(g->min_order, g->size);
	if (!g->objects)
		return -EINVAL;

	g->min_partial = clamp_t(unsigned int, ilog2(g->size) / 2,
				 SLUB_MIN_PARTIAL, SLUB_MAX_PARTIAL);
	slub_set_cpu_partial(g, default_cpu_partial(g));
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(slub_calculate_geometry);

/*
 * kmalloc_size_index[]: sizes up to 192 in steps of 8 map to a class,
 * so that 65..96 use kmalloc-96 and 129..192 kmalloc-192.
 */
const u8 slub_kmalloc_small_index[24] = {
	3, 4, 5, 5, 6, 6, 6, 6,		/*   8 ..  64 */
	1, 1, 1, 1, 7, 7, 7, 7,		/*  72 .. 128 */
	2, 2, 2, 2, 2, 2, 2, 2,		/* 136 .. 192 */
};
EXPORT_SYMBOL_IF_KUNIT(slub_kmalloc_small_index);

unsigned int slub_kmalloc_class_size(unsigned int index)
{
	if (index == 1)
		return 96;
	if (index == 2)
		return 192;
	return 1U << index;
}
EXPORT_SYMBOL_IF_KUNIT(slub_kmalloc_class_size);

/*
 * create_boot_cache(): kmalloc objects are aligned to the largest power of
 * two dividing their size, at least ARCH_KMALLOC_MINALIGN (8).
 */
unsigned int slub_kmalloc_class_align(unsigned int index)
{
	unsigned int size = slub_kmalloc_class_size(index);

	return max(8U, 1U << (ffs(size) - 1));
}
EXPORT_SYMBOL_IF_KUNIT(slub_kmalloc_class_align);

static const char *const kmalloc_names[2][SLUB_KMALLOC_CLASSES] = {
	{ NULL, "kmalloc-96", "kmalloc-192", "kmalloc-8", "kmalloc-16",
	  "kmalloc-32", "kmalloc-64", "kmalloc-128", "kmalloc-256",
	  "kmalloc-512", "kmalloc-1k", "kmalloc-2k", "kmalloc-4k",
	  "kmalloc-8k" },
	{ NULL, "kmalloc-rcl-96", "kmalloc-rcl-192", "kmalloc-rcl-8",
	  "kmalloc-rcl-16", "kmalloc-rcl-32", "kmalloc-rcl-64",
	  "kmalloc-rcl-128", "kmalloc-rcl-256", "kmalloc-rcl-512",
	  "kmalloc-rcl-1k", "kmalloc-rcl-2k", "kmalloc-rcl-4k",
	  "kmalloc-rcl-8k" },
};

const char *slub_kmalloc_class_name(unsigned int index, bool reclaimable)
{
	if (!index || index >= SLUB_KMALLOC_CLASSES)
		return NULL;
	return kmalloc_names[reclaimable][index];
}
EXPORT_SYMBOL_IF_KUNIT(slub_kmalloc_class_name);
