// SPDX-License-Identifier: GPL-2.0
/*
 * Slabs: the slab view of a twin buddy frame, building a fresh slab's
 * freelist (in order or shuffled, as shuffle_freelist()), and giving a
 * slab back to the buddy (at once, or after a grace period for
 * SLAB_TYPESAFE_BY_RCU caches).
 *
 * The slab state (freelist and counters) lives in the head frame of the
 * slab's block, the buddy's slab view of it (struct slab's fields). It
 * changes only through slub_update_freelist(): one cmpxchg16b of both,
 * as 6.12 does with __CMPXCHG_DOUBLE.
 */
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/slab.h>

#include "internal.h"

static_assert(sizeof(struct rcu_head) <= sizeof(struct list_head));
static_assert(sizeof(union slub_counters) == sizeof(unsigned long));
static_assert(offsetof(struct mmtwin_frame, counters) ==
	      offsetof(struct mmtwin_frame, freelist) +
	      offsetof(union mmtwin_pair, word));

void *slub_slab_address(const struct mmtwin_frame *slab)
{
	return mmtwin_frame_address(slab);
}

int slub_slab_nid(const struct mmtwin_frame *slab)
{
	return page_to_nid(mmtwin_frame_page(slab));
}

unsigned int slub_slab_order(const struct mmtwin_frame *slab)
{
	return slab->order;
}

/*
 * The slab map (see slub_virt_to_frame()). An entry is set for each page
 * of a new slab before any object is handed out and cleared before the
 * slab goes back to the buddy, so a lookup that finds one is right; a
 * page without one (no leaf: none could be allocated, or memory above
 * the map) is looked up in the buddy instead.
 */
struct mmtwin_frame ***slub_slab_map;
EXPORT_SYMBOL_IF_KUNIT(slub_slab_map);
unsigned long slub_slab_map_leaves;
EXPORT_SYMBOL_IF_KUNIT(slub_slab_map_leaves);

int slub_slab_map_init(void)
{
	unsigned long pages = PHYS_PFN(__pa(high_memory - 1)) + 1;

	slub_slab_map_leaves = DIV_ROUND_UP(pages, SLUB_MAP_LEAF_ENTRIES);
	slub_slab_map = kvcalloc(slub_slab_map_leaves, sizeof(*slub_slab_map),
				 GFP_KERNEL);
	if (!slub_slab_map)
		slub_slab_map_leaves = 0;
	return slub_slab_map ? 0 : -ENOMEM;
}

/* After every slab is gone. */
void slub_slab_map_exit(void)
{
	unsigned long i;

	for (i = 0; i < slub_slab_map_leaves; i++)
		free_page((unsigned long)slub_slab_map[i]);
	kvfree(slub_slab_map);
	slub_slab_map = NULL;
	slub_slab_map_leaves = 0;
}

/* The leaf holding @pfn's entry, allocated if @gfp is not 0. */
static struct mmtwin_frame **map_leaf(unsigned long pfn, gfp_t gfp)
{
	unsigned long nr = pfn >> SLUB_MAP_LEAF_SHIFT;
	struct mmtwin_frame **leaf, **old;

	if (nr >= slub_slab_map_leaves)
		return NULL;
	leaf = READ_ONCE(slub_slab_map[nr]);
	if (leaf || !gfp)
		return leaf;
	leaf = (struct mmtwin_frame **)get_zeroed_page(gfp);
	if (!leaf)
		return NULL;
	old = cmpxchg(&slub_slab_map[nr], NULL, leaf);
	if (old) {
		free_page((unsigned long)leaf);
		leaf = old;
	}
	return leaf;
}

/*
 * Point each page of @slab (@order) at it, or (@slab NULL) at nothing.
 * The leaves come with the slab allocation's own reclaim rules.
 */
static void map_slab(struct mmtwin_frame *slab, unsigned long pfn,
		     unsigned int order, gfp_t gfp)
{
	gfp_t leaf_gfp = gfp & (__GFP_RECLAIM | __GFP_IO | __GFP_FS);
	unsigned long end = pfn + (1UL << order);
	struct mmtwin_frame **leaf;

	for (; pfn < end; pfn++) {
		leaf = map_leaf(pfn, slab ? leaf_gfp | __GFP_NOWARN : 0);
		if (leaf)
			WRITE_ONCE(leaf[pfn & (SLUB_MAP_LEAF_ENTRIES - 1)], slab);
	}
}

/* What the map does not hold: the buddy's block head, if allocated. */
struct mmtwin_frame *slub_lookup_block(unsigned long pfn)
{
	struct mmtwin_frame *f = mmtwin_page_frame(pfn_to_page(pfn));

	if (!f)
		return NULL;
	f = mmtwin_frame_head(f);
	return READ_ONCE(f->state) == MMTWIN_FRAME_ALLOC ? f : NULL;
}
EXPORT_SYMBOL_IF_KUNIT(slub_lookup_block);

union slub_counters slub_counters_read(const struct mmtwin_frame *slab)
{
	union slub_counters c = { .counters = READ_ONCE(slab->counters) };

	return c;
}

void *slub_slab_freelist(const struct mmtwin_frame *slab)
{
	return READ_ONCE(slab->freelist);
}

/* Only for slabs no other CPU can reach: new, or under the list lock. */
void slub_slab_set(struct mmtwin_frame *slab, void *freelist,
		   union slub_counters c)
{
	WRITE_ONCE(slab->freelist, freelist);
	WRITE_ONCE(slab->counters, c.counters);
}

/* __update_freelist_fast(): both words, if both are still as read. */
bool slub_update_freelist(struct mmtwin_frame *slab, void *old_fl,
			  unsigned long old_c, void *new_fl,
			  unsigned long new_c)
{
	union mmtwin_pair *pair = (union mmtwin_pair *)&slab->freelist;

	return mmtwin_cmpxchg_pair(pair, old_fl, old_c, new_fl, new_c);
}

/* The per-CPU partial chain shares the list link, as in struct slab. */
struct mmtwin_frame *slub_slab_next(const struct mmtwin_frame *slab)
{
	return slab->next;
}

void slub_slab_set_next(struct mmtwin_frame *slab, struct mmtwin_frame *next)
{
	slab->next = next;
}

/*
 * The address of the object holding @addr (any byte of it), or NULL
 * when @addr is in a slab's tail padding.
 */
void *slub_object_start(struct mmtwin_kmem_cache *s,
			struct mmtwin_frame *slab, const void *addr)
{
	void *base = slub_slab_address(slab);
	unsigned long idx = (addr - base) / s->geo.size;

	if (idx >= slub_counters_read(slab).objects)
		return NULL;
	return base + idx * s->geo.size + s->geo.red_left_pad;
}

/*
 * init_cache_random_seq(): a shuffled list of object offsets; each new
 * slab walks it from a random start, as next_freelist_entry() does.
 */
int slub_init_random_seq(struct mmtwin_kmem_cache *s)
{
	unsigned int i, n = s->geo.objects;

	if (!s->opts.random || n < 2)
		return 0;
	s->random_seq = kcalloc(n, sizeof(*s->random_seq), GFP_KERNEL);
	if (!s->random_seq)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		s->random_seq[i] = i;
	/*
	 * Fisher-Yates. The index is drawn once: swap() evaluates its
	 * arguments twice, and two draws would copy one offset over
	 * another, leaving objects that no freelist ever holds.
	 */
	for (i = n - 1; i > 0; i--) {
		unsigned int j = get_random_u32_below(i + 1);

		swap(s->random_seq[i], s->random_seq[j]);
	}
	for (i = 0; i < n; i++)
		s->random_seq[i] *= s->geo.size;
	return 0;
}

static void *slab_object(struct mmtwin_kmem_cache *s, void *base,
			 unsigned int idx)
{
	return base + idx * s->geo.size + s->geo.red_left_pad;
}

/* Construct one object of a new slab (setup_object()). */
static void setup_object(struct mmtwin_kmem_cache *s, void *object)
{
	slub_setup_object_debug(s, object);
	if (s->ctor)
		s->ctor(object);
}

/*
 * next_freelist_entry(): the sequence holds the offsets of a slab of the
 * cache's order; a slab of the fallback order holds fewer objects, so the
 * offsets past its end are passed over.
 */
static void *next_random_object(struct mmtwin_kmem_cache *s, void *base,
				unsigned int nr, unsigned int *pos)
{
	unsigned int off, limit = nr * s->geo.size;

	do {
		off = s->random_seq[*pos];
		if (++*pos == s->geo.objects)
			*pos = 0;
	} while (off >= limit);
	return base + off + s->geo.red_left_pad;
}

/* Chain every object, in order or from the random sequence. */
VISIBLE_IF_KUNIT void *slub_build_freelist(struct mmtwin_kmem_cache *s,
					   void *base, unsigned int nr)
{
	unsigned int i, pos = 0;
	void *head = NULL, *prev = NULL;

	if (s->random_seq)
		pos = get_random_u32_below(s->geo.objects);
	for (i = 0; i < nr; i++) {
		void *obj = s->random_seq ?
			next_random_object(s, base, nr, &pos) :
			slab_object(s, base, i);

		setup_object(s, obj);
		if (prev)
			slub_set_freepointer(s, prev, obj);
		else
			head = obj;
		prev = obj;
	}
	slub_set_freepointer(s, prev, NULL);
	return head;
}
EXPORT_SYMBOL_IF_KUNIT(slub_build_freelist);

/* Track every slab, to give it back even if its cache leaked objects. */
static int track_slab(struct mmtwin_kmem_cache *s, struct mmtwin_frame *slab)
{
	unsigned long flags;
	void *old;

	xa_lock_irqsave(&s->slabs, flags);
	old = __xa_store(&s->slabs, mmtwin_frame_pfn(slab), slab,
			 GFP_NOWAIT | __GFP_NOWARN);
	xa_unlock_irqrestore(&s->slabs, flags);
	return xa_err(old);
}

static void untrack_slab(struct mmtwin_kmem_cache *s,
			 struct mmtwin_frame *slab)
{
	unsigned long flags;

	xa_lock_irqsave(&s->slabs, flags);
	__xa_erase(&s->slabs, mmtwin_frame_pfn(slab));
	xa_unlock_irqrestore(&s->slabs, flags);
}

/*
 * allocate_slab(): the cache's order first, without retrying hard; then
 * the smallest order that holds one object.
 */
static struct page *alloc_slab_pages(struct mmtwin_kmem_cache *s, gfp_t gfp,
				     int node, unsigned int *order)
{
	gfp_t first = (gfp | __GFP_NOWARN | __GFP_NORETRY) & ~__GFP_NOFAIL;
	struct page *page;

	*order = s->geo.order;
	if ((first & __GFP_DIRECT_RECLAIM) && s->geo.order > s->geo.min_order)
		first = (first | __GFP_NOMEMALLOC) & ~__GFP_RECLAIM;
	page = mmtwin_alloc_pages_node(node, first, *order);
	if (page || s->geo.order == s->geo.min_order)
		return page;
	*order = s->geo.min_order;
	return mmtwin_alloc_pages_node(node, gfp, *order);
}

/**
 * slub_new_slab - a slab with every object free and constructed
 * @s: the cache
 * @gfp: the allocation's flags (the cache's allocflags are added)
 * @node: wanted node, or NUMA_NO_NODE for this CPU's
 *
 * Return: the slab's head frame, not frozen, on no list; or NULL.
 */
struct mmtwin_frame *slub_new_slab(struct mmtwin_kmem_cache *s, gfp_t gfp,
				   int node)
{
	union slub_counters c = { .counters = 0 };
	struct mmtwin_frame *slab;
	struct slub_node *n;
	unsigned int order;
	struct page *page;
	void *base;

	gfp &= ~__GFP_ZERO;
	page = alloc_slab_pages(s, gfp | s->allocflags, node, &order);
	if (!page)
		return NULL;
	slab = mmtwin_page_frame(page);
	base = page_address(page);
	slab->slab_cache = s;
	slab->owner_flags |= SLUB_FRAME_SLAB;	/* kept: PFMEMALLOC */
	if (track_slab(s, slab)) {
		slab->owner_flags = 0;
		mmtwin_free_pages(page, order);
		return NULL;
	}
	map_slab(slab, page_to_pfn(page), order, gfp);
	c.objects = slub_order_objects(order, s->geo.size);
	slub_setup_slab_debug(s, slab, base);
	slub_slab_set(slab, slub_build_freelist(s, base, c.objects), c);

	n = slub_get_node(s, slub_slab_nid(slab));
	atomic_long_inc(&n->nr_slabs);
	atomic_long_add(c.objects, &n->total_objects);
	return slab;
}

/* __free_slab(): the block back to the twin buddy. */
static void free_slab_now(struct mmtwin_kmem_cache *s,
			  struct mmtwin_frame *slab)
{
	unsigned int order = slub_slab_order(slab);

	untrack_slab(s, slab);
	map_slab(NULL, mmtwin_frame_pfn(slab), order, 0);
	slab->slab_cache = NULL;
	slab->freelist = NULL;
	slab->counters = 0;
	slab->owner_flags = 0;
	INIT_LIST_HEAD(&slab->lru);
	mmtwin_free_pages(mmtwin_frame_page(slab), order);
}

static void rcu_free_slab(struct rcu_head *head)
{
	struct mmtwin_frame *slab = container_of((struct list_head *)head,
						 struct mmtwin_frame, lru);

	free_slab_now(slab->slab_cache, slab);
}

/* free_slab(): typesafe-by-RCU slabs stay readable for a grace period. */
void slub_free_slab(struct mmtwin_kmem_cache *s, struct mmtwin_frame *slab)
{
	slub_check_freed_slab(s, slab);
	if (s->geo.flags & SLAB_TYPESAFE_BY_RCU)
		call_rcu((struct rcu_head *)&slab->lru, rcu_free_slab);
	else
		free_slab_now(s, slab);
}

/* A leaked slab on unload: no checks, nobody can reach it any more. */
void slub_forget_slab(struct mmtwin_kmem_cache *s, struct mmtwin_frame *slab)
{
	struct slub_node *n = slub_get_node(s, slub_slab_nid(slab));

	atomic_long_dec(&n->nr_slabs);
	atomic_long_sub(slub_counters_read(slab).objects, &n->total_objects);
	free_slab_now(s, slab);
}

/* discard_slab(): uncount an empty slab and free it. */
void slub_discard_slab(struct mmtwin_kmem_cache *s, struct mmtwin_frame *slab)
{
	struct slub_node *n = slub_get_node(s, slub_slab_nid(slab));

	atomic_long_dec(&n->nr_slabs);
	atomic_long_sub(slub_counters_read(slab).objects, &n->total_objects);
	slub_free_slab(s, slab);
}
