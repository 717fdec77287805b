// SPDX-License-Identifier: GPL-2.0
/*
 * Creating and destroying caches (do_kmem_cache_create(),
 * kmem_cache_destroy(), __kmem_cache_shutdown()), and giving everything
 * back on unload.
 */
#include <linux/cache.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/ctype.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/stackdepot.h>

#include "internal.h"

DEFINE_MUTEX(slub_caches_lock);
LIST_HEAD(slub_caches);
static LIST_HEAD(slub_leaked_caches);	/* destroyed with live objects */

/* Flags a cache may be created with (the rest are the kernel's own). */
#define SLUB_CREATE_FLAGS (SLAB_HWCACHE_ALIGN | SLAB_RECLAIM_ACCOUNT | \
			   SLAB_TYPESAFE_BY_RCU | SLAB_NO_MERGE | \
			   SLAB_CACHE_DMA | SLAB_CACHE_DMA32 | SLAB_KMALLOC | \
			   SLAB_NO_USER_FLAGS | SLUB_DEBUG_FLAGS)

/* A name is a sysfs directory name and one word of the control file. */
static bool valid_name(const char *name)
{
	size_t len = name ? strnlen(name, SLUB_NAME_MAX) : 0;
	size_t i;

	if (!len || len == SLUB_NAME_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (!isgraph(name[i]) || name[i] == '/')
			return false;
	return true;
}

static struct mmtwin_kmem_cache *find_cache(const char *name)
{
	struct mmtwin_kmem_cache *s;

	lockdep_assert_held(&slub_caches_lock);
	list_for_each_entry(s, &slub_caches, list)
		if (!strcmp(s->name, name))
			return s;
	return NULL;
}

static int check_args(const char *name, unsigned int size, unsigned int align,
		      slab_flags_t flags)
{
	if (!valid_name(name) || !size ||
	    size > (PAGE_SIZE << MAX_PAGE_ORDER) ||
	    (align && !is_power_of_2(align)) ||
	    (flags & ~SLUB_CREATE_FLAGS))
		return -EINVAL;
	if ((flags & SLAB_CACHE_DMA) && (flags & SLAB_CACHE_DMA32))
		return -EINVAL;
	return 0;
}

/* The memory of a cache; from the kobject release once in sysfs. */
void slub_cache_free(struct mmtwin_kmem_cache *s)
{
	int nid;

	for (nid = 0; nid < nr_node_ids; nid++)
		kfree(s->node[nid]);
	free_percpu(s->cpu_slab);
	kfree(s->random_seq);
	xa_destroy(&s->slabs);
	kfree(s);
}

static int init_nodes(struct mmtwin_kmem_cache *s)
{
	int nid;

	for_each_node(nid) {
		struct slub_node *n = kzalloc_node(sizeof(*n), GFP_KERNEL, nid);

		if (!n)
			return -ENOMEM;
		spin_lock_init(&n->list_lock);
		INIT_LIST_HEAD(&n->partial);
		INIT_LIST_HEAD(&n->full);
		s->node[nid] = n;
	}
	return 0;
}

static int init_cpus(struct mmtwin_kmem_cache *s)
{
	unsigned int cpu;

	s->cpu_slab = __alloc_percpu(sizeof(struct slub_cpu),
				     2 * sizeof(void *));
	if (!s->cpu_slab)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct slub_cpu *c = per_cpu_ptr(s->cpu_slab, cpu);

		c->tid = cpu;	/* init_tid() */
		local_lock_init(&c->lock);
	}
	return 0;
}

/* calculate_sizes() inputs: this machine, the twin's slab_max_order. */
static int set_geometry(struct mmtwin_kmem_cache *s, unsigned int size,
			unsigned int align, slab_flags_t flags, bool has_ctor)
{
	struct slub_order_limits lim = {
		.max_order = READ_ONCE(slub_max_order),
		.nr_cpus = num_present_cpus(),
		.nr_cpu_ids = nr_cpu_ids,
	};

	align = slub_calculate_alignment(flags, align, size, cache_line_size());
	return slub_calculate_geometry(&s->geo, size, align, flags, has_ctor,
				       &lim);
}

static gfp_t cache_allocflags(slab_flags_t flags)
{
	gfp_t gfp = __GFP_COMP;

	if (flags & SLAB_CACHE_DMA)
		gfp |= GFP_DMA;
	if (flags & SLAB_CACHE_DMA32)
		gfp |= GFP_DMA32;
	if (flags & SLAB_RECLAIM_ACCOUNT)
		gfp |= __GFP_RECLAIMABLE;
	return gfp;
}

/**
 * slub_cache_create - a new cache, listed and in sysfs
 * @name: unique, no white space or '/', under SLUB_NAME_MAX bytes
 * @size: object size
 * @align: 0 or a power of two (kmalloc-8k asks for 8192)
 * @flags: SLAB_* flags (see SLUB_CREATE_FLAGS)
 * @ctor: constructor or NULL
 * @opts: free pointer hardening and freelist randomisation
 *
 * Return: the cache or an ERR_PTR (-EINVAL, -EEXIST, -ENOMEM).
 */
struct mmtwin_kmem_cache *slub_cache_create(const char *name,
					    unsigned int size,
					    unsigned int align,
					    slab_flags_t flags,
					    void (*ctor)(void *),
					    const struct slub_options *opts)
{
	struct mmtwin_kmem_cache *s;
	int err = check_args(name, size, align, flags);

	if (err)
		return ERR_PTR(err);
	s = kzalloc(struct_size(s, node, nr_node_ids), GFP_KERNEL);
	if (!s)
		return ERR_PTR(-ENOMEM);
	strscpy(s->name, name, sizeof(s->name));
	s->ctor = ctor;
	s->opts = *opts;
	s->random = get_random_long();
	s->allocflags = cache_allocflags(flags);
	xa_init_flags(&s->slabs, XA_FLAGS_LOCK_IRQ);
	/* User tracking saves stacks: the depot must exist (may sleep). */
	if (flags & SLAB_STORE_USER)
		err = stack_depot_init();
	if (!err)
		err = set_geometry(s, size, align, flags, ctor);
	if (!err)
		err = slub_init_random_seq(s);
	if (!err)
		err = init_nodes(s);
	if (!err)
		err = init_cpus(s);
	if (err)
		goto free;

	mutex_lock(&slub_caches_lock);
	err = find_cache(name) ? -EEXIST : slub_sysfs_add(s);
	if (!err)
		list_add(&s->list, &slub_caches);	/* newest first */
	mutex_unlock(&slub_caches_lock);
	if (!err)
		return s;
	if (s->kobj_added) {
		slub_sysfs_release(s);
		return ERR_PTR(err);
	}
free:
	slub_cache_free(s);
	return ERR_PTR(err);
}
EXPORT_SYMBOL_IF_KUNIT(slub_cache_create);

/* free_partial(): empty partial slabs back; report those with objects. */
static void free_partial(struct mmtwin_kmem_cache *s, struct slub_node *n)
{
	struct mmtwin_frame *slab, *next;
	LIST_HEAD(discard);

	spin_lock_irq(&n->list_lock);
	list_for_each_entry_safe(slab, next, &n->partial, lru) {
		if (!slub_counters_read(slab).inuse) {
			slub_remove_partial(n, slab);
			list_add(&slab->lru, &discard);
		} else {
			slub_list_leaks(s, slab);
		}
	}
	spin_unlock_irq(&n->list_lock);
	list_for_each_entry_safe(slab, next, &discard, lru) {
		list_del(&slab->lru);
		slub_discard_slab(s, slab);
	}
}

/* __kmem_cache_shutdown(): false if objects remain. */
static bool shutdown_cache(struct mmtwin_kmem_cache *s)
{
	struct slub_node *n;
	int nid;

	slub_flush_all(s);
	for_each_slub_node(s, nid, n) {
		free_partial(s, n);
		if (n->nr_partial || atomic_long_read(&n->nr_slabs))
			return false;
	}
	return true;
}

/* Drop the cache: sysfs first, then memory (in the kobject's release). */
static void release_cache(struct mmtwin_kmem_cache *s)
{
	if (s->kobj_added)
		slub_sysfs_release(s);
	else
		slub_cache_free(s);
}

void mmtwin_kmem_cache_destroy(struct mmtwin_kmem_cache *s)
{
	if (!s)
		return;
	/* kfree_rcu() in flight may hold our objects (kvfree_rcu_barrier()). */
	rcu_barrier();
	mutex_lock(&slub_caches_lock);
	list_del(&s->list);
	mutex_unlock(&slub_caches_lock);
	slub_sysfs_remove(s);

	if (!shutdown_cache(s)) {
		slub_print_leak_summary(s, _RET_IP_);
		mutex_lock(&slub_caches_lock);
		list_add(&s->list, &slub_leaked_caches);
		mutex_unlock(&slub_caches_lock);
		return;
	}
	if (s->geo.flags & SLAB_TYPESAFE_BY_RCU)
		rcu_barrier();	/* slabs freed by call_rcu() */
	release_cache(s);
}
EXPORT_SYMBOL_GPL(mmtwin_kmem_cache_destroy);

/* Every slab of a leaked cache back to the buddy, objects or not. */
static void reclaim_leaked(struct mmtwin_kmem_cache *s)
{
	struct mmtwin_frame *slab;
	unsigned long pfn, flags;

	xa_for_each(&s->slabs, pfn, slab) {
		struct slub_node *n = slub_get_node(s, slub_slab_nid(slab));

		spin_lock_irqsave(&n->list_lock, flags);
		if (slab->owner_flags & SLUB_FRAME_PARTIAL)
			slub_remove_partial(n, slab);
		else if (slab->owner_flags & SLUB_FRAME_FULL)
			slub_remove_full(n, slab);
		spin_unlock_irqrestore(&n->list_lock, flags);
		slub_forget_slab(s, slab);
	}
}

/**
 * slub_release_all - on unload: destroy every cache left, reclaim leaks
 *
 * Caches still listed were created through the control file or by a
 * user that did not destroy them; leaked caches keep slabs with objects.
 * All their slabs go back to the twin buddy.
 */
void slub_release_all(void)
{
	struct mmtwin_kmem_cache *s, *next;

	for (;;) {
		mutex_lock(&slub_caches_lock);
		s = list_first_entry_or_null(&slub_caches,
					     struct mmtwin_kmem_cache, list);
		mutex_unlock(&slub_caches_lock);
		if (!s)
			break;
		mmtwin_kmem_cache_destroy(s);
	}
	rcu_barrier();
	list_for_each_entry_safe(s, next, &slub_leaked_caches, list) {
		reclaim_leaked(s);
		list_del(&s->list);
		release_cache(s);
	}
}
