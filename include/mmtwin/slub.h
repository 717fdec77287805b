/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmtwin_slub: object caches over the twin buddy, as 6.12's SLUB.
 *
 * The calls mirror <linux/slab.h>: flags are the kernel's SLAB_* flags
 * (SLAB_HWCACHE_ALIGN, SLAB_RECLAIM_ACCOUNT, SLAB_TYPESAFE_BY_RCU,
 * SLAB_NO_MERGE, and the debug flags SLAB_CONSISTENCY_CHECKS,
 * SLAB_RED_ZONE, SLAB_POISON, SLAB_STORE_USER, SLAB_TRACE), gfp flags mean
 * what they mean to kmem_cache_alloc(). Caches are never merged. Memory
 * comes from mmtwin_buddy and goes back there; never pass a twin object
 * to the kernel's kfree() or a kernel object to mmtwin_kfree().
 */
#ifndef _MMTWIN_SLUB_H
#define _MMTWIN_SLUB_H

#include <linux/gfp.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/types.h>

struct mmtwin_kmem_cache;

struct mmtwin_kmem_cache *
mmtwin_kmem_cache_create(const char *name, unsigned int size,
			 unsigned int align, slab_flags_t flags,
			 void (*ctor)(void *));
void mmtwin_kmem_cache_destroy(struct mmtwin_kmem_cache *s);
int mmtwin_kmem_cache_shrink(struct mmtwin_kmem_cache *s);

void *mmtwin_kmem_cache_alloc(struct mmtwin_kmem_cache *s, gfp_t gfp);
void *mmtwin_kmem_cache_alloc_node(struct mmtwin_kmem_cache *s, gfp_t gfp,
				   int node);
void mmtwin_kmem_cache_free(struct mmtwin_kmem_cache *s, void *object);
/* All or nothing, as kmem_cache_alloc_bulk(): returns @nr or 0. */
int mmtwin_kmem_cache_alloc_bulk(struct mmtwin_kmem_cache *s, gfp_t gfp,
				 size_t nr, void **p);
void mmtwin_kmem_cache_free_bulk(struct mmtwin_kmem_cache *s, size_t nr,
				 void **p);
unsigned int mmtwin_kmem_cache_size(struct mmtwin_kmem_cache *s);

/*
 * kmalloc: kmalloc-8 .. kmalloc-8k (and -96, -192) with the kernel's size
 * classes, kmalloc-rcl-* for __GFP_RECLAIMABLE; larger requests are whole
 * compound blocks from the twin buddy.
 */
void *mmtwin_kmalloc(size_t size, gfp_t gfp);
void *mmtwin_kmalloc_node(size_t size, gfp_t gfp, int node);
void mmtwin_kfree(const void *object);
size_t mmtwin_ksize(const void *object);

/*
 * Free an object after a grace period; @head is any rcu_head inside it
 * (the object is found from the address). mmtwin_kmem_cache_destroy()
 * waits for these.
 */
void mmtwin_kfree_call_rcu(struct rcu_head *head);
#define mmtwin_kfree_rcu(ptr, rhf)	mmtwin_kfree_call_rcu(&(ptr)->rhf)

#endif /* _MMTWIN_SLUB_H */
