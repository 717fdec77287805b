// SPDX-License-Identifier: GPL-2.0
/*
 * The exported API (<mmtwin/slub.h>) and its tracepoints: each call
 * reaches the core and fires the event its kernel twin fires, with the
 * same values.
 */
#include <linux/mm.h>
#include <linux/slab.h>

#include "fastpath.h"
#include "internal.h"
#define CREATE_TRACE_POINTS
#include "trace.h"

struct mmtwin_kmem_cache *
mmtwin_kmem_cache_create(const char *name, unsigned int size,
			 unsigned int align, slab_flags_t flags,
			 void (*ctor)(void *))
{
	struct mmtwin_kmem_cache *s;

	s = slub_cache_create(name, size, align, flags, ctor,
			      &slub_default_opts);
	return IS_ERR(s) ? NULL : s;
}
EXPORT_SYMBOL_GPL(mmtwin_kmem_cache_create);

int mmtwin_kmem_cache_shrink(struct mmtwin_kmem_cache *s)
{
	return slub_shrink(s);
}
EXPORT_SYMBOL_GPL(mmtwin_kmem_cache_shrink);

unsigned int mmtwin_kmem_cache_size(struct mmtwin_kmem_cache *s)
{
	return s->geo.object_size;
}
EXPORT_SYMBOL_GPL(mmtwin_kmem_cache_size);

/* The twin charges no memory cgroup: "accounted" is always false. */
SLUB_HOT(mmtwin_kmem_cache_alloc_node) __aligned(SLUB_HOT_ALIGN)
void *mmtwin_kmem_cache_alloc_node(struct mmtwin_kmem_cache *s, gfp_t gfp,
				   int node)
{
	void *object = __slub_alloc(s, gfp, node, s->geo.object_size,
				    _RET_IP_);

	trace_kmem_cache_alloc(_RET_IP_, object, s->geo.object_size,
			       s->geo.size, gfp, node, false);
	return object;
}
EXPORT_SYMBOL_GPL(mmtwin_kmem_cache_alloc_node);

SLUB_HOT(mmtwin_kmem_cache_alloc) __aligned(SLUB_HOT_ALIGN)
void *mmtwin_kmem_cache_alloc(struct mmtwin_kmem_cache *s, gfp_t gfp)
{
	void *object = __slub_alloc(s, gfp, NUMA_NO_NODE, s->geo.object_size,
				    _RET_IP_);

	trace_kmem_cache_alloc(_RET_IP_, object, s->geo.object_size,
			       s->geo.size, gfp, NUMA_NO_NODE, false);
	return object;
}
EXPORT_SYMBOL_GPL(mmtwin_kmem_cache_alloc);

static void __cold report_not_twin(const void *object, const char *what)
{
	pr_err("mmtwin_slub: %s: 0x%p is not a twin object\n", what, object);
}

/* The slab holding @object, or NULL (reported) if it is not a twin slab. */
static __always_inline struct mmtwin_frame *object_slab(const void *object,
							const char *what)
{
	struct mmtwin_frame *slab = slub_virt_to_frame(object);

	if (likely(slab && (slab->owner_flags &
			    (SLUB_FRAME_SLAB | SLUB_FRAME_LARGE))))
		return slab;
	report_not_twin(object, what);
	return NULL;
}

SLUB_HOT(mmtwin_kmem_cache_free) __aligned(SLUB_HOT_ALIGN)
void mmtwin_kmem_cache_free(struct mmtwin_kmem_cache *s, void *object)
{
	struct mmtwin_frame *slab;

	trace_kmem_cache_free(_RET_IP_, object, s->name);
	if (likely(!slub_cache_debug(s)) && slub_free_cpu_object(s, object))
		return;
	slab = object_slab(object, "kmem_cache_free");
	if (!slab)
		return;
	/* cache_from_obj(): the object's own cache wins. */
	if (slab->slab_cache != s)
		pr_err("mmtwin_slub: cache_from_obj: Wrong slab cache. %s but object is from %s\n",
		       s->name, ((struct mmtwin_kmem_cache *)slab->slab_cache)->name);
	__slub_free(slab->slab_cache, slab, object, _RET_IP_);
}
EXPORT_SYMBOL_GPL(mmtwin_kmem_cache_free);

SLUB_HOT(mmtwin_kmem_cache_alloc_bulk) __aligned(SLUB_HOT_ALIGN)
int mmtwin_kmem_cache_alloc_bulk(struct mmtwin_kmem_cache *s, gfp_t gfp,
				 size_t nr, void **p)
{
	return slub_alloc_bulk(s, gfp, nr, p, _RET_IP_);
}
EXPORT_SYMBOL_GPL(mmtwin_kmem_cache_alloc_bulk);

SLUB_HOT(mmtwin_kmem_cache_free_bulk) __aligned(SLUB_HOT_ALIGN)
void mmtwin_kmem_cache_free_bulk(struct mmtwin_kmem_cache *s, size_t nr,
				 void **p)
{
	slub_free_bulk(s, nr, p, _RET_IP_);
}
EXPORT_SYMBOL_GPL(mmtwin_kmem_cache_free_bulk);

/* ___kmalloc_large_node(): a whole block, marked as no slab's. */
static void *twin_kmalloc_large(size_t size, gfp_t gfp, int node,
			   unsigned long caller)
{
	unsigned int order = get_order(size);
	struct page *page = NULL;
	void *ptr = NULL;

	if (order <= MAX_PAGE_ORDER)
		page = mmtwin_alloc_pages_node(node, gfp | __GFP_COMP, order);
	if (page) {
		mmtwin_page_frame(page)->owner_flags |= SLUB_FRAME_LARGE;
		ptr = page_address(page);
	}
	trace_kmalloc(caller, ptr, size, PAGE_SIZE << order, gfp, node);
	return ptr;
}

static __always_inline void *do_kmalloc(size_t size, gfp_t gfp, int node,
					unsigned long caller)
{
	struct mmtwin_kmem_cache *s;
	void *ptr;

	if (size > SLUB_KMALLOC_MAX_SIZE)
		return twin_kmalloc_large(size, gfp, node, caller);
	if (!size) {
		trace_kmalloc(caller, ZERO_SIZE_PTR, 0, 0, gfp, node);
		return ZERO_SIZE_PTR;
	}
	s = slub_kmalloc_cache(slub_kmalloc_index(size),
			       gfp & __GFP_RECLAIMABLE);
	ptr = __slub_alloc(s, gfp, node, size, caller);
	trace_kmalloc(caller, ptr, size, s->geo.size, gfp, node);
	return ptr;
}

SLUB_HOT(mmtwin_kmalloc_node) __aligned(SLUB_HOT_ALIGN)
void *mmtwin_kmalloc_node(size_t size, gfp_t gfp, int node)
{
	return do_kmalloc(size, gfp, node, _RET_IP_);
}
EXPORT_SYMBOL_GPL(mmtwin_kmalloc_node);

SLUB_HOT(mmtwin_kmalloc) __aligned(SLUB_HOT_ALIGN)
void *mmtwin_kmalloc(size_t size, gfp_t gfp)
{
	return do_kmalloc(size, gfp, NUMA_NO_NODE, _RET_IP_);
}
EXPORT_SYMBOL_GPL(mmtwin_kmalloc);

static __always_inline void do_kfree(const void *object,
				     unsigned long caller)
{
	struct mmtwin_frame *slab;

	trace_kfree(caller, object);
	if (ZERO_OR_NULL_PTR(object))
		return;
	slab = object_slab(object, "kfree");
	if (!slab)
		return;
	if (slab->owner_flags & SLUB_FRAME_LARGE) {
		slab->owner_flags &= ~SLUB_FRAME_LARGE;
		mmtwin_free_pages(mmtwin_frame_page(slab), slab->order);
		return;
	}
	__slub_free(slab->slab_cache, slab, (void *)object, caller);
}

SLUB_HOT(mmtwin_kfree) __aligned(SLUB_HOT_ALIGN)
void mmtwin_kfree(const void *object)
{
	do_kfree(object, _RET_IP_);
}
EXPORT_SYMBOL_GPL(mmtwin_kfree);

/* slab_ksize(): what the caller may use without overwriting metadata. */
static size_t cache_ksize(struct mmtwin_kmem_cache *s)
{
	if (s->geo.flags & (SLAB_RED_ZONE | SLAB_POISON))
		return s->geo.object_size;
	if (s->geo.flags & (SLAB_TYPESAFE_BY_RCU | SLAB_STORE_USER))
		return s->geo.inuse;
	return s->geo.size;
}

size_t mmtwin_ksize(const void *object)
{
	struct mmtwin_frame *slab;

	if (ZERO_OR_NULL_PTR(object))
		return 0;
	slab = object_slab(object, "ksize");
	if (!slab)
		return 0;
	if (slab->owner_flags & SLUB_FRAME_LARGE)
		return PAGE_SIZE << slab->order;
	return cache_ksize(slab->slab_cache);
}
EXPORT_SYMBOL_GPL(mmtwin_ksize);

/* The object around the rcu_head, found from its address alone. */
static void kfree_rcu_cb(struct rcu_head *head)
{
	struct mmtwin_frame *slab = slub_virt_to_frame(head);
	void *object = head;

	if (slab && (slab->owner_flags & SLUB_FRAME_LARGE))
		object = slub_slab_address(slab);
	else if (slab)
		object = slub_object_start(slab->slab_cache, slab, head);
	do_kfree(object, _RET_IP_);
}

void mmtwin_kfree_call_rcu(struct rcu_head *head)
{
	call_rcu(head, kfree_rcu_cb);
}
EXPORT_SYMBOL_GPL(mmtwin_kfree_call_rcu);
