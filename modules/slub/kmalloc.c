// SPDX-License-Identifier: GPL-2.0
/*
 * kmalloc over the twin: the size classes of create_slub_kmalloc_caches()
 * (normal and reclaimable), and requests above kmalloc-8k as whole
 * blocks from the twin buddy (___kmalloc_large_node()).
 */
#include <linux/mm.h>
#include <linux/slab.h>

#include "internal.h"

/* kmalloc_caches[]: read by slub_kmalloc_cache(), inline in kmalloc(). */
struct mmtwin_kmem_cache *slub_kmalloc_caches[2][SLUB_KMALLOC_CLASSES];
EXPORT_SYMBOL_IF_KUNIT(slub_kmalloc_caches);

static int new_kmalloc_cache(unsigned int index, bool reclaimable)
{
	slab_flags_t flags = SLAB_KMALLOC | SLAB_NO_MERGE;
	struct mmtwin_kmem_cache *s;

	if (reclaimable)
		flags |= SLAB_RECLAIM_ACCOUNT;
	s = slub_cache_create(slub_kmalloc_class_name(index, reclaimable),
			      slub_kmalloc_class_size(index),
			      slub_kmalloc_class_align(index), flags, NULL,
			      &slub_default_opts);
	if (IS_ERR(s))
		return PTR_ERR(s);
	slub_kmalloc_caches[reclaimable][index] = s;
	return 0;
}

/*
 * In the kernel's order: powers of two from 8, with -96 right after -64
 * and -192 right after -128; all normal caches, then reclaimable ones.
 */
int slub_kmalloc_init(void)
{
	unsigned int type, i;
	int err;

	for (type = 0; type < 2; type++) {
		for (i = SLUB_KMALLOC_SHIFT_LOW; i <= SLUB_KMALLOC_SHIFT_HIGH; i++) {
			err = new_kmalloc_cache(i, type);
			if (!err && i == 6)
				err = new_kmalloc_cache(1, type);
			if (!err && i == 7)
				err = new_kmalloc_cache(2, type);
			if (err)
				return err;
		}
	}
	return 0;
}

void slub_kmalloc_exit(void)
{
	unsigned int type, i;

	for (type = 0; type < 2; type++) {
		for (i = 0; i < SLUB_KMALLOC_CLASSES; i++) {
			mmtwin_kmem_cache_destroy(slub_kmalloc_caches[type][i]);
			slub_kmalloc_caches[type][i] = NULL;
		}
	}
}

/* Allocate from @s remembering @orig_size, as __kmalloc_cache_noprof(). */
void *slub_alloc_orig(struct mmtwin_kmem_cache *s, gfp_t gfp,
		      unsigned int orig_size)
{
	return slub_alloc(s, gfp, NUMA_NO_NODE, orig_size, _RET_IP_);
}
EXPORT_SYMBOL_IF_KUNIT(slub_alloc_orig);
