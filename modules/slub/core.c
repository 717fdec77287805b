// SPDX-License-Identifier: GPL-2.0
/*
 * The SLUB twin's allocation and free paths, decision for decision with
 * 6.12's mm/slub.c (function names in comments are the kernel's).
 *
 * Each CPU allocates from its own frozen slab through a lockless
 * {freelist, tid} cmpxchg; a free to that slab goes the same way. Other
 * frees go to the slab's own freelist (__slab_free), and a slab that
 * gets its first free object back lands on the freeing CPU's partial
 * list. Node partial lists hold what CPUs give back, keeping at least
 * min_partial empty slabs. Debug caches skip all of this: every object
 * comes from and returns to a node list under its lock (debug.c).
 */
#include <linux/cpu.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "fastpath.h"
#include "internal.h"

/* add_partial(): lockdep-checked; the flag lets __slab_free see it. */
void slub_add_partial(struct slub_node *n, struct mmtwin_frame *slab,
		      bool tail)
{
	lockdep_assert_held(&n->list_lock);
	n->nr_partial++;
	if (tail)
		list_add_tail(&slab->lru, &n->partial);
	else
		list_add(&slab->lru, &n->partial);
	slab->owner_flags |= SLUB_FRAME_PARTIAL;
}

void slub_remove_partial(struct slub_node *n, struct mmtwin_frame *slab)
{
	lockdep_assert_held(&n->list_lock);
	list_del(&slab->lru);
	slab->owner_flags &= ~SLUB_FRAME_PARTIAL;
	n->nr_partial--;
}

/* add_full(): debug caches tracking users keep full slabs listed. */
void slub_add_full(struct mmtwin_kmem_cache *s, struct slub_node *n,
		   struct mmtwin_frame *slab)
{
	lockdep_assert_held(&n->list_lock);
	if (!(s->geo.flags & SLAB_STORE_USER))
		return;
	list_add(&slab->lru, &n->full);
	slab->owner_flags |= SLUB_FRAME_FULL;
}

void slub_remove_full(struct slub_node *n, struct mmtwin_frame *slab)
{
	lockdep_assert_held(&n->list_lock);
	if (!(slab->owner_flags & SLUB_FRAME_FULL))
		return;
	list_del(&slab->lru);
	slab->owner_flags &= ~SLUB_FRAME_FULL;
}

/*
 * freeze_slab() / get_freelist(): take the slab's whole freelist for the
 * CPU, marking every object in use. get_freelist() keeps the slab frozen
 * only while it still had objects; freeze_slab() always freezes.
 */
static void *take_freelist(struct mmtwin_frame *slab, bool freeze)
{
	union slub_counters old, new;
	void *freelist;

	do {
		freelist = slub_slab_freelist(slab);
		old = slub_counters_read(slab);
		new = old;
		new.inuse = old.objects;
		new.frozen = freeze || freelist != NULL;
	} while (!slub_update_freelist(slab, freelist, old.counters, NULL,
				       new.counters));
	return freelist;
}

/*
 * deactivate_slab(): hand a CPU's slab back, its per-CPU freelist spliced
 * in front of the slab's own (remote frees), then unfrozen; it goes to
 * its node's partial list (to the tail if other CPUs freed into it, as
 * they may go on doing), or back to the buddy when empty and the node
 * has min_partial slabs, or to no list when full.
 */
static void deactivate_slab(struct mmtwin_kmem_cache *s,
			    struct mmtwin_frame *slab, void *freelist)
{
	struct slub_node *n = slub_get_node(s, slub_slab_nid(slab));
	void *tail = NULL, *p;
	union slub_counters old, new;
	bool remote_frees = slub_slab_freelist(slab);
	unsigned int free_delta = 0;
	void *old_fl, *new_fl;
	unsigned long flags;

	for (p = freelist; p; p = slub_get_freepointer(s, p)) {
		tail = p;
		free_delta++;
	}
	do {
		old_fl = slub_slab_freelist(slab);
		old = slub_counters_read(slab);
		new = old;
		new.frozen = 0;
		new_fl = old_fl;
		if (tail) {
			new.inuse -= free_delta;
			slub_set_freepointer(s, tail, old_fl);
			new_fl = freelist;
		}
	} while (!slub_update_freelist(slab, old_fl, old.counters, new_fl,
				       new.counters));

	if (!new.inuse && n->nr_partial >= s->geo.min_partial) {
		slub_discard_slab(s, slab);
	} else if (new_fl) {
		spin_lock_irqsave(&n->list_lock, flags);
		slub_add_partial(n, slab, remote_frees);
		spin_unlock_irqrestore(&n->list_lock, flags);
	}
}

/*
 * __put_partials(): a chain of (unfrozen) CPU partial slabs back to their
 * nodes; empty ones beyond min_partial to the buddy.
 */
static void put_partials(struct mmtwin_kmem_cache *s,
			 struct mmtwin_frame *chain)
{
	struct mmtwin_frame *slab, *discard = NULL;
	unsigned long flags;

	while ((slab = chain)) {
		struct slub_node *n = slub_get_node(s, slub_slab_nid(slab));

		chain = slub_slab_next(slab);
		spin_lock_irqsave(&n->list_lock, flags);
		if (!slub_counters_read(slab).inuse &&
		    n->nr_partial >= s->geo.min_partial) {
			slub_slab_set_next(slab, discard);
			discard = slab;
		} else {
			slub_add_partial(n, slab, true);
		}
		spin_unlock_irqrestore(&n->list_lock, flags);
	}
	while ((slab = discard)) {
		discard = slub_slab_next(slab);
		slub_discard_slab(s, slab);
	}
}

/*
 * put_cpu_partial(): keep a slab that just got a free object on this
 * CPU; with @drain, a full CPU partial list goes to the nodes first.
 */
static void put_cpu_partial(struct mmtwin_kmem_cache *s,
			    struct mmtwin_frame *slab, bool drain)
{
	struct mmtwin_frame *to_put = NULL;
	struct slub_cpu *c;
	unsigned long flags;

	local_lock_irqsave(&s->cpu_slab->lock, flags);
	c = this_cpu_ptr(s->cpu_slab);
	if (c->partial && drain &&
	    c->partial_slabs >= s->geo.cpu_partial_slabs) {
		to_put = c->partial;
		c->partial = NULL;
		c->partial_slabs = 0;
	}
	slub_slab_set_next(slab, c->partial);
	c->partial = slab;
	c->partial_slabs++;
	local_unlock_irqrestore(&s->cpu_slab->lock, flags);

	if (to_put)
		put_partials(s, to_put);
}

/*
 * get_partial_node(): the first slab of the node's partial list for the
 * CPU, and more onto its partial list until half its budget.
 */
static struct mmtwin_frame *get_partial_node(struct mmtwin_kmem_cache *s,
					     struct slub_node *n)
{
	struct mmtwin_frame *slab, *next, *first = NULL;
	unsigned int taken = 0;
	unsigned long flags;

	if (!n || !n->nr_partial)
		return NULL;
	spin_lock_irqsave(&n->list_lock, flags);
	list_for_each_entry_safe(slab, next, &n->partial, lru) {
		slub_remove_partial(n, slab);
		if (!first) {
			first = slab;
			if (!s->geo.cpu_partial_slabs)
				break;
			continue;
		}
		/* put_cpu_partial() takes the local lock: interrupts are off. */
		put_cpu_partial(s, slab, false);
		if (++taken > s->geo.cpu_partial_slabs / 2)
			break;
	}
	spin_unlock_irqrestore(&n->list_lock, flags);
	return first;
}

/* get_partial(): the wanted node first, then any (get_any_partial()). */
static struct mmtwin_frame *get_partial(struct mmtwin_kmem_cache *s, int node)
{
	int nid = node == NUMA_NO_NODE ? numa_mem_id() : node;
	struct mmtwin_frame *slab;
	struct slub_node *n;

	slab = get_partial_node(s, slub_get_node(s, nid));
	if (slab || node != NUMA_NO_NODE)
		return slab;
	for_each_slub_node(s, nid, n) {
		slab = get_partial_node(s, n);
		if (slab)
			return slab;
	}
	return NULL;
}

/* Load @freelist's first object; the rest becomes the CPU's freelist. */
static void *load_freelist(struct mmtwin_kmem_cache *s, struct slub_cpu *c,
			   void *freelist)
{
	c->freelist = slub_get_freepointer(s, freelist);
	c->tid = slub_next_tid(c->tid);
	return freelist;
}

/* The CPU's slab, and where it lies for slub_free_cpu_object(). */
static void set_cpu_slab(struct slub_cpu *c, struct mmtwin_frame *slab)
{
	c->slab = slab;
	c->slab_start = slab ? (unsigned long)slub_slab_address(slab) : 0;
	c->slab_bytes = slab ? PAGE_SIZE << slub_slab_order(slab) : 0;
}

/* Take the CPU's slab off it, to be deactivated outside the lock. */
static struct mmtwin_frame *detach_cpu_slab(struct slub_cpu *c,
					    void **freelist)
{
	struct mmtwin_frame *slab = c->slab;

	*freelist = c->freelist;
	set_cpu_slab(c, NULL);
	c->freelist = NULL;
	c->tid = slub_next_tid(c->tid);
	return slab;
}

/*
 * Install @slab (frozen, its objects in @freelist) as the CPU's slab and
 * take an object; a slab installed meanwhile is deactivated first.
 */
static void *install_cpu_slab(struct mmtwin_kmem_cache *s,
			      struct mmtwin_frame *slab, void *freelist)
{
	struct mmtwin_frame *old;
	void *old_fl, *object;
	struct slub_cpu *c;
	unsigned long flags;

	local_lock_irqsave(&s->cpu_slab->lock, flags);
	c = this_cpu_ptr(s->cpu_slab);
	while (c->slab) {
		old = detach_cpu_slab(c, &old_fl);
		local_unlock_irqrestore(&s->cpu_slab->lock, flags);
		deactivate_slab(s, old, old_fl);
		local_lock_irqsave(&s->cpu_slab->lock, flags);
		c = this_cpu_ptr(s->cpu_slab);
	}
	set_cpu_slab(c, slab);
	object = load_freelist(s, c, freelist);
	local_unlock_irqrestore(&s->cpu_slab->lock, flags);
	return object;
}

/*
 * The part of ___slab_alloc() under the local lock: the CPU slab's
 * remaining or remotely freed objects, then the CPU partial slabs.
 * Returns an object, or NULL having found none.
 */
static void *alloc_from_cpu(struct mmtwin_kmem_cache *s, int node)
{
	struct mmtwin_frame *slab, *stale, *wrong;
	void *freelist, *stale_fl;
	struct slub_cpu *c;
	unsigned long flags;
	bool again;

retry:
	stale = NULL;
	local_lock_irqsave(&s->cpu_slab->lock, flags);
	c = this_cpu_ptr(s->cpu_slab);
	slab = c->slab;
	if (slab && slub_node_match(slab, node)) {
		freelist = c->freelist ?: take_freelist(slab, false);
		if (freelist)
			goto load;
		/* Full and now unfrozen: it is on no list until a free. */
		detach_cpu_slab(c, &stale_fl);
	} else if (slab) {
		stale = detach_cpu_slab(c, &stale_fl);
	}

	wrong = NULL;
	again = false;
	slab = c->partial;
	if (slab) {
		c->partial = slub_slab_next(slab);
		c->partial_slabs--;
		if (slub_node_match(slab, node)) {
			set_cpu_slab(c, slab);
			freelist = take_freelist(slab, true);
			if (freelist)
				goto load;
			again = true;	/* emptied meanwhile: look again */
		} else {
			slub_slab_set_next(slab, NULL);
			wrong = slab;
		}
	}
	local_unlock_irqrestore(&s->cpu_slab->lock, flags);
	if (stale)
		deactivate_slab(s, stale, stale_fl);
	if (wrong)
		put_partials(s, wrong);	/* another node's: back there */
	if (wrong || again)
		goto retry;
	return NULL;

load:
	freelist = load_freelist(s, c, freelist);
	local_unlock_irqrestore(&s->cpu_slab->lock, flags);
	if (stale)
		deactivate_slab(s, stale, stale_fl);
	return freelist;
}

/*
 * ___slab_alloc(): the CPU's slabs, then a node partial slab (bringing
 * more to the CPU partial list), then a new slab from the buddy.
 */
void *slub_alloc_slow(struct mmtwin_kmem_cache *s, gfp_t gfp, int node)
{
	struct mmtwin_frame *slab;
	void *object;

	object = alloc_from_cpu(s, node);
	if (object)
		return object;
	slab = get_partial(s, node);
	if (!slab) {
		slab = slub_new_slab(s, gfp, node);
		if (!slab)
			return NULL;
	}
	return install_cpu_slab(s, slab, take_freelist(slab, true));
}

/**
 * slub_alloc - one object (slab_alloc_node())
 * @s: cache
 * @gfp: flags; __GFP_ZERO clears the object (the request, for kmalloc)
 * @node: node, or NUMA_NO_NODE
 * @orig_size: bytes requested, kept for kmalloc caches with debugging
 * @addr: caller, for tracking
 *
 * Return: the object, or NULL.
 */
void *slub_alloc(struct mmtwin_kmem_cache *s, gfp_t gfp, int node,
		 unsigned int orig_size, unsigned long addr)
{
	return __slub_alloc(s, gfp, node, orig_size, addr);
}
EXPORT_SYMBOL_IF_KUNIT(slub_alloc);

/*
 * The last object of a slab on a node or CPU partial list comes back:
 * under the node's list lock, so the slab cannot move lists meanwhile.
 * On the node list, and the node has its min_partial slabs, the slab
 * goes back to the buddy; on a CPU partial list, the CPU decides.
 * Returns false if the slab changed and nothing was done.
 */
static bool free_last_object(struct mmtwin_kmem_cache *s,
			     struct mmtwin_frame *slab, void *head,
			     void *prior, union slub_counters old,
			     union slub_counters new)
{
	struct slub_node *n = slub_get_node(s, slub_slab_nid(slab));
	bool discard = false;
	unsigned long flags;

	spin_lock_irqsave(&n->list_lock, flags);
	if (!slub_update_freelist(slab, prior, old.counters, head,
				  new.counters)) {
		spin_unlock_irqrestore(&n->list_lock, flags);
		return false;
	}
	if ((slab->owner_flags & SLUB_FRAME_PARTIAL) &&
	    n->nr_partial >= s->geo.min_partial) {
		slub_remove_partial(n, slab);
		discard = true;
	}
	spin_unlock_irqrestore(&n->list_lock, flags);
	if (discard)
		slub_discard_slab(s, slab);
	return true;
}

/*
 * __slab_free(): objects from @head to @tail (@cnt of them) back to a
 * slab that is not this CPU's. A full slab getting its first free object
 * goes to this CPU's partial list (put_cpu_partial()).
 */
void slub_free_slow(struct mmtwin_kmem_cache *s, struct mmtwin_frame *slab,
		    void *head, void *tail, unsigned int cnt)
{
	union slub_counters old, new;
	void *prior;

	for (;;) {
		prior = slub_slab_freelist(slab);
		old = slub_counters_read(slab);
		slub_set_freepointer(s, tail, prior);
		new = old;
		new.inuse -= cnt;
		/* Only an emptied slab on a list needs the list lock. */
		if (!new.inuse && prior && !old.frozen) {
			if (free_last_object(s, slab, head, prior, old, new))
				return;
			continue;
		}
		if (slub_update_freelist(slab, prior, old.counters, head,
					 new.counters))
			break;
	}
	if (!old.frozen && !prior)
		put_cpu_partial(s, slab, true);
}

/**
 * slub_free - give back one object of @slab
 * @s: its cache
 * @slab: its slab
 * @object: the object
 * @addr: caller, for tracking
 */
void slub_free(struct mmtwin_kmem_cache *s, struct mmtwin_frame *slab,
	       void *object, unsigned long addr)
{
	__slub_free(s, slab, object, addr);
}
EXPORT_SYMBOL_IF_KUNIT(slub_free);

/*
 * Free a run of objects of one slab as one detached freelist, as
 * kmem_cache_free_bulk() does with build_detached_freelist().
 */
static void free_run(struct mmtwin_kmem_cache *s, struct mmtwin_frame *slab,
		     void **p, size_t nr, unsigned long addr)
{
	size_t i;

	if (slub_cache_debug(s)) {
		for (i = 0; i < nr; i++)
			slub_free_debug(s, slab, p[i], addr);
		return;
	}
	for (i = 0; i + 1 < nr; i++)
		slub_set_freepointer(s, p[i], p[i + 1]);
	slub_free_fast(s, slab, p[0], p[nr - 1], nr);
}

/*
 * Runs of objects of one slab: the first object's slab is looked up, the
 * next ones need only lie inside it, as build_detached_freelist() checks
 * each object's slab without a lookup to speak of.
 */
SLUB_HOT(slub_free_bulk) __aligned(SLUB_HOT_ALIGN)
void slub_free_bulk(struct mmtwin_kmem_cache *s, size_t nr, void **p,
		    unsigned long addr)
{
	size_t start = 0, i;

	while (start < nr) {
		struct mmtwin_frame *slab = slub_virt_to_frame(p[start]);
		unsigned long base = (unsigned long)slub_slab_address(slab);
		unsigned long bytes = PAGE_SIZE << slub_slab_order(slab);

		for (i = start + 1; i < nr; i++)
			if ((unsigned long)p[i] - base >= bytes)
				break;
		free_run(s, slab, p + start, i - start, addr);
		start = i;
	}
}

/*
 * kmem_cache_alloc_bulk(): objects straight off the CPU's freelist under
 * the local lock, the slow path for refills; all or nothing.
 */
SLUB_HOT(slub_alloc_bulk) __aligned(SLUB_HOT_ALIGN)
int slub_alloc_bulk(struct mmtwin_kmem_cache *s, gfp_t gfp, size_t nr,
		    void **p, unsigned long addr)
{
	struct slub_cpu *c;
	unsigned long flags;
	size_t i;

	if (slub_cache_debug(s))
		goto one_by_one;
	local_lock_irqsave(&s->cpu_slab->lock, flags);
	c = this_cpu_ptr(s->cpu_slab);
	for (i = 0; i < nr; i++) {
		void *object = c->freelist;

		if (!object) {
			c->tid = slub_next_tid(c->tid);
			local_unlock_irqrestore(&s->cpu_slab->lock, flags);
			p[i] = slub_alloc_slow(s, gfp, NUMA_NO_NODE);
			if (!p[i])
				goto fail;
			local_lock_irqsave(&s->cpu_slab->lock, flags);
			c = this_cpu_ptr(s->cpu_slab);
			continue;
		}
		c->freelist = slub_get_freepointer(s, object);
		p[i] = object;
	}
	c->tid = slub_next_tid(c->tid);
	local_unlock_irqrestore(&s->cpu_slab->lock, flags);
	goto zero;

one_by_one:
	for (i = 0; i < nr; i++) {
		p[i] = slub_alloc_debug(s, gfp, NUMA_NO_NODE, s->geo.object_size,
					addr);
		if (!p[i])
			goto fail;
	}
zero:
	if (gfp & __GFP_ZERO)
		for (i = 0; i < nr; i++)
			memset(p[i], 0, s->geo.object_size);
	return nr;
fail:
	slub_free_bulk(s, i, p, addr);
	return 0;
}

/* flush_cpu_slab(): this CPU's slab and partial slabs back to the nodes. */
struct slub_flush_work {
	struct work_struct work;
	struct mmtwin_kmem_cache *s;
};

static DEFINE_PER_CPU(struct slub_flush_work, slub_flush_work);
static DEFINE_MUTEX(slub_flush_lock);

static void flush_cpu_slab(struct work_struct *w)
{
	struct mmtwin_kmem_cache *s =
		container_of(w, struct slub_flush_work, work)->s;
	struct mmtwin_frame *slab = NULL, *partial;
	void *freelist = NULL;
	struct slub_cpu *c;
	unsigned long flags;

	local_lock_irqsave(&s->cpu_slab->lock, flags);
	c = this_cpu_ptr(s->cpu_slab);
	if (c->slab)
		slab = detach_cpu_slab(c, &freelist);
	partial = c->partial;
	c->partial = NULL;
	c->partial_slabs = 0;
	local_unlock_irqrestore(&s->cpu_slab->lock, flags);

	if (slab)
		deactivate_slab(s, slab, freelist);
	if (partial)
		put_partials(s, partial);
}

/* flush_all(): every CPU flushes its own, as the lockless paths need. */
void slub_flush_all(struct mmtwin_kmem_cache *s)
{
	unsigned int cpu;

	cpus_read_lock();
	mutex_lock(&slub_flush_lock);
	for_each_online_cpu(cpu) {
		struct slub_flush_work *sfw = per_cpu_ptr(&slub_flush_work, cpu);

		sfw->s = s;
		INIT_WORK(&sfw->work, flush_cpu_slab);
		queue_work_on(cpu, system_wq, &sfw->work);
	}
	for_each_online_cpu(cpu)
		flush_work(&per_cpu_ptr(&slub_flush_work, cpu)->work);
	mutex_unlock(&slub_flush_lock);
	cpus_read_unlock();
}
EXPORT_SYMBOL_IF_KUNIT(slub_flush_all);

/*
 * __kmem_cache_do_shrink(): after a flush, empty partial slabs go back to
 * the buddy; the others are ordered fullest first, so allocations fill
 * them and the emptiest can empty. Returns 1 if any slab remains.
 */
int slub_shrink(struct mmtwin_kmem_cache *s)
{
	struct mmtwin_frame *slab, *next;
	struct slub_node *n;
	unsigned long flags;
	LIST_HEAD(discard);
	int nid, ret = 0;

	slub_flush_all(s);
	for_each_slub_node(s, nid, n) {
		LIST_HEAD(keep);

		spin_lock_irqsave(&n->list_lock, flags);
		list_for_each_entry_safe(slab, next, &n->partial, lru) {
			unsigned int inuse = slub_counters_read(slab).inuse;

			slub_remove_partial(n, slab);
			if (!inuse)
				list_add(&slab->lru, &discard);
			else
				list_add(&slab->lru, &keep);
		}
		list_for_each_entry_safe(slab, next, &keep, lru) {
			list_del(&slab->lru);
			slub_add_partial(n, slab, false);
		}
		spin_unlock_irqrestore(&n->list_lock, flags);
		list_for_each_entry_safe(slab, next, &discard, lru) {
			list_del(&slab->lru);
			slub_discard_slab(s, slab);
		}
		if (atomic_long_read(&n->nr_slabs))
			ret = 1;
	}
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(slub_shrink);

/*
 * For the reclaimer's shrinker: pages in empty slabs on @nid's partial
 * list, and giving up to @max_pages of them back. Spinlocks only, so
 * any reclaim context may call these; no CPU flush (that sleeps).
 */
unsigned long slub_count_empty(struct mmtwin_kmem_cache *s, int nid)
{
	struct slub_node *n = slub_get_node(s, nid);
	struct mmtwin_frame *slab;
	unsigned long flags, pages = 0;

	if (!n || !READ_ONCE(n->nr_partial))
		return 0;
	spin_lock_irqsave(&n->list_lock, flags);
	list_for_each_entry(slab, &n->partial, lru)
		if (!slub_counters_read(slab).inuse)
			pages += 1UL << slub_slab_order(slab);
	spin_unlock_irqrestore(&n->list_lock, flags);
	return pages;
}

unsigned long slub_discard_empty(struct mmtwin_kmem_cache *s, int nid,
				 unsigned long max_pages)
{
	struct slub_node *n = slub_get_node(s, nid);
	struct mmtwin_frame *slab, *next;
	unsigned long flags, pages = 0;
	LIST_HEAD(discard);

	if (!n || !READ_ONCE(n->nr_partial))
		return 0;
	spin_lock_irqsave(&n->list_lock, flags);
	list_for_each_entry_safe(slab, next, &n->partial, lru) {
		if (pages >= max_pages)
			break;
		if (slub_counters_read(slab).inuse)
			continue;
		slub_remove_partial(n, slab);
		list_add(&slab->lru, &discard);
		pages += 1UL << slub_slab_order(slab);
	}
	spin_unlock_irqrestore(&n->list_lock, flags);
	list_for_each_entry_safe(slab, next, &discard, lru) {
		list_del(&slab->lru);
		slub_discard_slab(s, slab);
	}
	return pages;
}

/* count_partial(): @what of the node's partial slabs, under its lock. */
static unsigned long count_partial(struct slub_node *n, enum slub_count what)
{
	struct mmtwin_frame *slab;
	unsigned long flags, x = 0;

	spin_lock_irqsave(&n->list_lock, flags);
	list_for_each_entry(slab, &n->partial, lru) {
		union slub_counters c = slub_counters_read(slab);

		x += what == SLUB_COUNT_OBJECTS ? c.inuse : c.objects - c.inuse;
	}
	spin_unlock_irqrestore(&n->list_lock, flags);
	return x;
}

/* Free objects on the nodes' partial lists (count_partial_free_approx()). */
unsigned long slub_count_free_partial(struct mmtwin_kmem_cache *s)
{
	struct slub_node *n;
	unsigned long x = 0;
	int nid;

	for_each_slub_node(s, nid, n)
		if (n->nr_partial)
			x += count_partial(n, SLUB_COUNT_PARTIAL);
	return x;
}

/* The CPU slabs of show_slab_objects(SO_CPU): active plus partial. */
static unsigned long count_cpu_slabs(struct mmtwin_kmem_cache *s,
				     unsigned long *per_node)
{
	unsigned long total = 0;
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct slub_cpu *c = per_cpu_ptr(s->cpu_slab, cpu);
		struct mmtwin_frame *slab = READ_ONCE(c->slab);

		if (!slab)
			continue;
		total++;
		if (per_node)
			per_node[slub_slab_nid(slab)]++;
		slab = READ_ONCE(c->partial);
		if (slab) {
			total += READ_ONCE(c->partial_slabs);
			if (per_node)
				per_node[slub_slab_nid(slab)] +=
					READ_ONCE(c->partial_slabs);
		}
	}
	return total;
}

static unsigned long count_node(struct mmtwin_kmem_cache *s,
				struct slub_node *n, enum slub_count what)
{
	switch (what) {
	case SLUB_COUNT_SLABS:
		return atomic_long_read(&n->nr_slabs);
	case SLUB_COUNT_TOTAL_OBJECTS:
		return atomic_long_read(&n->total_objects);
	case SLUB_COUNT_OBJECTS:	/* free CPU objects count as in use */
		return atomic_long_read(&n->total_objects) -
		       count_partial(n, SLUB_COUNT_PARTIAL);
	case SLUB_COUNT_PARTIAL:
		return n->nr_partial;
	case SLUB_COUNT_OBJECTS_PARTIAL:
		return count_partial(n, SLUB_COUNT_OBJECTS);
	default:
		return 0;
	}
}

/**
 * slub_count - a show_slab_objects() count, in total and per node
 * @s: cache
 * @what: which count
 * @per_node: nr_node_ids counters, added to; or NULL
 *
 * Return: the total.
 */
unsigned long slub_count(struct mmtwin_kmem_cache *s, enum slub_count what,
			 unsigned long *per_node)
{
	unsigned long total = 0, x;
	struct slub_node *n;
	int nid;

	if (what == SLUB_COUNT_CPU)
		return count_cpu_slabs(s, per_node);
	for_each_slub_node(s, nid, n) {
		x = count_node(s, n, what);
		if (per_node)
			per_node[nid] += x;
		total += x;
	}
	return total;
}
EXPORT_SYMBOL_IF_KUNIT(slub_count);
