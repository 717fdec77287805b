/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SLUB twin's lockless per-CPU paths, inlined into the exported calls
 * as 6.12 inlines slab_alloc_node() and do_slab_free() into
 * kmem_cache_alloc() and kmem_cache_free(): an allocation or a free that
 * stays on this CPU's slab is one cmpxchg of {freelist, tid} and calls
 * nothing. Everything else is out of line in core.c and debug.c.
 */
#ifndef _MMTWIN_SLUB_FASTPATH_H
#define _MMTWIN_SLUB_FASTPATH_H

#include <linux/mm.h>

#include "internal.h"

static inline unsigned long slub_next_tid(unsigned long tid)
{
	return tid + SLUB_TID_STEP;
}

static inline bool slub_node_match(struct mmtwin_frame *slab, int node)
{
	return node == NUMA_NO_NODE || slub_slab_nid(slab) == node;
}

/*
 * this_cpu_try_cmpxchg_freelist(): on whichever CPU the caller now runs.
 * A tid read on another CPU never matches (tids count in steps that keep
 * the CPU number in their low bits), so no preempt_disable() is needed.
 */
static __always_inline bool slub_cpu_cmpxchg(struct mmtwin_kmem_cache *s,
					     void *old_fl,
					     unsigned long old_tid,
					     void *new_fl,
					     unsigned long new_tid)
{
	return mmtwin_this_cpu_cmpxchg_pair(&s->cpu_slab->pair, old_fl,
					    old_tid, new_fl, new_tid);
}

/*
 * slab_alloc_node()'s fast path: the head of this CPU's freelist, taken
 * if nothing changed the CPU's {freelist, tid} since it was read (an
 * interrupt, or the task moving to another CPU, changes the tid).
 */
static __always_inline void *slub_alloc_fast(struct mmtwin_kmem_cache *s,
					     gfp_t gfp, int node)
{
	struct mmtwin_frame *slab;
	struct slub_cpu *c;
	unsigned long tid;
	void *object;

	do {
		c = raw_cpu_ptr(s->cpu_slab);
		tid = READ_ONCE(c->tid);
		barrier();	/* the tid before what it guards */
		object = READ_ONCE(c->freelist);
		slab = READ_ONCE(c->slab);
		if (unlikely(!object || !slab || !slub_node_match(slab, node)))
			return slub_alloc_slow(s, gfp, node);
	} while (unlikely(!slub_cpu_cmpxchg(s, object, tid,
					    slub_get_freepointer_safe(s, object),
					    slub_next_tid(tid))));
	return object;
}

/*
 * do_slab_free(): objects @head..@tail (@cnt, chained) to this CPU's
 * freelist if @slab is this CPU's slab, else to the slab (__slab_free()).
 */
static __always_inline void slub_free_fast(struct mmtwin_kmem_cache *s,
					   struct mmtwin_frame *slab,
					   void *head, void *tail,
					   unsigned int cnt)
{
	struct slub_cpu *c;
	unsigned long tid;
	void *freelist;

	do {
		c = raw_cpu_ptr(s->cpu_slab);
		tid = READ_ONCE(c->tid);
		barrier();
		if (unlikely(slab != READ_ONCE(c->slab))) {
			slub_free_slow(s, slab, head, tail, cnt);
			return;
		}
		freelist = READ_ONCE(c->freelist);
		slub_set_freepointer(s, tail, freelist);
	} while (unlikely(!slub_cpu_cmpxchg(s, freelist, tid, head,
					    slub_next_tid(tid))));
}

/*
 * do_slab_free() for an object of this CPU's slab, known by its address
 * alone: the kernel's slab == c->slab test, made before any lookup of
 * the object's slab (the twin's lookup is not the kernel's few loads of
 * struct page). Returns false, having done nothing, for other objects.
 */
static __always_inline bool slub_free_cpu_object(struct mmtwin_kmem_cache *s,
						 void *object)
{
	struct slub_cpu *c;
	unsigned long tid;
	void *freelist;

	do {
		c = raw_cpu_ptr(s->cpu_slab);
		tid = READ_ONCE(c->tid);
		barrier();
		if ((unsigned long)object - READ_ONCE(c->slab_start) >=
		    READ_ONCE(c->slab_bytes))
			return false;
		freelist = READ_ONCE(c->freelist);
		slub_set_freepointer(s, object, freelist);
	} while (unlikely(!slub_cpu_cmpxchg(s, freelist, tid, object,
					    slub_next_tid(tid))));
	return true;
}

/* __GFP_ZERO: the request for kmalloc caches that keep it, else the object. */
static inline void slub_zero_object(struct mmtwin_kmem_cache *s, void *object,
				    unsigned int orig_size)
{
	memset(object, 0, (s->geo.flags & SLAB_KMALLOC) &&
	       (s->geo.flags & SLAB_STORE_USER) ? orig_size :
	       s->geo.object_size);
}

/* slub_alloc(), inlined; debug caches go the checked way (debug.c). */
static __always_inline void *__slub_alloc(struct mmtwin_kmem_cache *s,
					  gfp_t gfp, int node,
					  unsigned int orig_size,
					  unsigned long addr)
{
	void *object;

	might_alloc(gfp);
	if (unlikely(slub_cache_debug(s)))
		object = slub_alloc_debug(s, gfp, node, orig_size, addr);
	else
		object = slub_alloc_fast(s, gfp, node);
	if (unlikely(gfp & __GFP_ZERO) && object)
		slub_zero_object(s, object, orig_size);
	return object;
}

/* slub_free(), inlined. */
static __always_inline void __slub_free(struct mmtwin_kmem_cache *s,
					struct mmtwin_frame *slab,
					void *object, unsigned long addr)
{
	if (unlikely(slub_cache_debug(s)))
		slub_free_debug(s, slab, object, addr);
	else
		slub_free_fast(s, slab, object, object, 1);
}

#endif /* _MMTWIN_SLUB_FASTPATH_H */
