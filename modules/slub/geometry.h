/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SLUB twin's geometry: where each part of an object sits, how many
 * objects a slab holds and at which order, the kmalloc size classes. Pure
 * arithmetic, built in the kernel and by tools/testing/slub/, decision
 * for decision with 6.12's calculate_sizes()/calculate_order().
 */
#ifndef _MMTWIN_SLUB_GEOMETRY_H
#define _MMTWIN_SLUB_GEOMETRY_H

#include "shim.h"

#define SLUB_MIN_PARTIAL	5	/* MIN_PARTIAL */
#define SLUB_MAX_PARTIAL	10	/* MAX_PARTIAL */
#define SLUB_MAX_OBJS_PER_SLAB	32767	/* MAX_OBJS_PER_PAGE: objects is u15 */
#define SLUB_DEFAULT_MAX_ORDER	3	/* PAGE_ALLOC_COSTLY_ORDER */
#define SLUB_ARCH_SLAB_MINALIGN	8U	/* x86-64's ARCH_SLAB_MINALIGN */

/* Debug flags: a cache with any of them takes the slow, checked paths. */
#define SLUB_DEBUG_FLAGS (SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | \
			  SLAB_POISON | SLAB_STORE_USER | SLAB_TRACE)
/* Flags that store metadata after the object (DEBUG_METADATA_FLAGS). */
#define SLUB_METADATA_FLAGS	(SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER)

/*
 * struct slub_track - who allocated or freed an object, when (struct track
 * with CONFIG_STACKDEPOT: the same size, so geometry matches the kernel's)
 */
struct slub_track {
	unsigned long addr;
	u32 handle;			/* stack depot handle, 0 if none */
	int cpu;
	int pid;
	unsigned long when;		/* jiffies */
};

/* The machine and boot parameters calculate_order() reads. */
struct slub_order_limits {
	unsigned int min_order;		/* slab_min_order= (0) */
	unsigned int max_order;		/* slab_max_order= (3) */
	unsigned int min_objects;	/* slab_min_objects= (0: from CPUs) */
	unsigned int nr_cpus;		/* num_present_cpus() */
	unsigned int nr_cpu_ids;	/* used when nr_cpus <= 1 */
};

/**
 * struct slub_geometry - one cache's layout (fields of struct kmem_cache)
 * @object_size: bytes the caller asked for
 * @size: bytes per object in the slab, metadata included (slab_size)
 * @align: object alignment
 * @inuse: offset of the metadata: object plus right red zone
 * @offset: where the free pointer lives, from the object's start
 * @red_left_pad: left red zone before each object
 * @order: slab order
 * @objects: objects per slab at @order
 * @min_order: smallest order holding one object (the fallback, s->min)
 * @min_objects: objects per slab at @min_order
 * @min_partial: empty slabs a node keeps on its partial list
 * @cpu_partial: objects a CPU keeps on its partial slabs
 * @cpu_partial_slabs: the same as a slab count, half-full slabs assumed
 * @flags: SLAB_* flags the cache was created with
 * @object_poison: poison the object itself (__OBJECT_POISON)
 */
struct slub_geometry {
	unsigned int object_size;
	unsigned int size;
	unsigned int align;
	unsigned int inuse;
	unsigned int offset;
	unsigned int red_left_pad;
	unsigned int order;
	unsigned int objects;
	unsigned int min_order;
	unsigned int min_objects;
	unsigned int min_partial;
	unsigned int cpu_partial;
	unsigned int cpu_partial_slabs;
	slab_flags_t flags;
	bool object_poison;
};

unsigned int slub_calculate_alignment(slab_flags_t flags, unsigned int align,
				      unsigned int size,
				      unsigned int cache_line);
int slub_calculate_order(unsigned int size,
			 const struct slub_order_limits *lim);
int slub_calculate_geometry(struct slub_geometry *g, unsigned int size,
			    unsigned int align, slab_flags_t flags,
			    bool has_ctor,
			    const struct slub_order_limits *lim);
void slub_set_cpu_partial(struct slub_geometry *g, unsigned int nr_objects);

static inline unsigned int slub_order_objects(unsigned int order,
					      unsigned int size)
{
	return (unsigned int)(PAGE_SIZE << order) / size;
}

static inline bool slub_geometry_debug(const struct slub_geometry *g)
{
	return g->flags & SLUB_DEBUG_FLAGS;
}

/* The free pointer lies past the object: poison/ctor/RCU/red zone. */
static inline bool slub_freeptr_outside(const struct slub_geometry *g)
{
	return g->offset >= g->inuse;
}

/* Where the metadata (tracks, original size) starts: after free pointer. */
static inline unsigned int slub_info_end(const struct slub_geometry *g)
{
	return slub_freeptr_outside(g) ? g->offset + sizeof(void *) : g->inuse;
}

/*
 * kmalloc size classes as on x86-64 with 4 KiB pages: index 1 is
 * kmalloc-96, 2 kmalloc-192, 3..13 kmalloc-8 .. kmalloc-8k.
 */
#define SLUB_KMALLOC_SHIFT_LOW	3
#define SLUB_KMALLOC_SHIFT_HIGH	(PAGE_SHIFT + 1)
#define SLUB_KMALLOC_MAX_SIZE	(1U << SLUB_KMALLOC_SHIFT_HIGH)
#define SLUB_KMALLOC_CLASSES	(SLUB_KMALLOC_SHIFT_HIGH + 1)

extern const u8 slub_kmalloc_small_index[24];

/*
 * kmalloc_index() for sizes known only at run time, as kmalloc_slab():
 * a table up to 192 bytes, fls() above; 0 for a zero size, or past the
 * largest class. Inline: every kmalloc() asks.
 */
static inline unsigned int slub_kmalloc_index(size_t size)
{
	if (!size || size > SLUB_KMALLOC_MAX_SIZE)
		return 0;
	if (size <= 192)
		return slub_kmalloc_small_index[(size - 1) / 8];
	return fls(size - 1);
}

unsigned int slub_kmalloc_class_size(unsigned int index);
unsigned int slub_kmalloc_class_align(unsigned int index);
const char *slub_kmalloc_class_name(unsigned int index, bool reclaimable);

#endif /* _MMTWIN_SLUB_GEOMETRY_H */
