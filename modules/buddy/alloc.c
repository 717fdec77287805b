// SPDX-License-Identifier: GPL-2.0
/*
 * Buddy twin core: what callers go through. GFP flags, the per-CPU page
 * lists, the zonelist walk with watermark checks, and the slow path with
 * the reclaim hooks. Builds in userspace.
 *
 * Lock order: pcp->lock, then zone->lock. As in 6.12, a CPU's own pcp
 * lists are only ever trylocked, with interrupts on: an interrupt that
 * finds them busy goes to the buddy lists instead.
 */
#include "internal.h"

int buddy_gfp_migratetype(gfp_t gfp)
{
	if (gfp & __GFP_MOVABLE)
		return MMTWIN_MT_MOVABLE;
	if (gfp & __GFP_RECLAIMABLE)
		return MMTWIN_MT_RECLAIMABLE;
	return MMTWIN_MT_UNMOVABLE;
}
EXPORT_SYMBOL_IF_KUNIT(buddy_gfp_migratetype);

/* gfp_to_alloc_flags(): what the slow path may dip into. */
unsigned int buddy_gfp_to_alloc_flags(gfp_t gfp, unsigned int order)
{
	unsigned int flags = BUDDY_WMARK_MIN;

	if (gfp & __GFP_HIGH)
		flags |= ALLOC_MIN_RESERVE;
	if (gfp & __GFP_KSWAPD_RECLAIM)
		flags |= ALLOC_KSWAPD;
	if (!(gfp & __GFP_DIRECT_RECLAIM) && !(gfp & __GFP_NOMEMALLOC)) {
		flags |= ALLOC_NON_BLOCK;
		if (order && (flags & ALLOC_MIN_RESERVE))
			flags |= ALLOC_HIGHATOMIC;
	}
	return flags;
}

/*
 * pcp_spin_trylock(): this CPU's pcp lists, locked, or NULL when they are
 * busy (an interrupt came while this CPU held them, or another CPU drains
 * them): the caller then uses the buddy lists, as the kernel does.
 */
static __always_inline struct buddy_pcp *pcp_trylock(struct buddy_zone *z)
{
	struct buddy_pcp *pcp;

	buddy_pin_cpu();
	pcp = buddy_this_cpu(z->pcp);
	if (likely(buddy_spin_trylock(&pcp->lock)))
		return pcp;
	buddy_unpin_cpu();
	return NULL;
}

static __always_inline void pcp_unlock(struct buddy_pcp *pcp)
{
	__acquire(&pcp->lock);	/* for sparse: pcp_trylock() took it */
	buddy_spin_unlock(&pcp->lock);
	buddy_unpin_cpu();
}

/*
 * free_pcppages_bulk(): give @pages pages back to the buddy lists, the
 * list at @pindex first (the freed page's), each list emptied, oldest page
 * first, before the next one in turn. A page goes to its pageblock's
 * current type, and the drain tracepoint says that type.
 */
static noinline void pcp_free_bulk(struct buddy_zone *z, struct buddy_pcp *pcp,
				   int pages, int pindex)
{
	struct list_head *list;
	struct mmtwin_frame *f;
	unsigned long flags;
	unsigned int order;
	int mt;

	pages = min(pages, pcp->count);
	pindex--;
	buddy_lock(&z->lock, flags);
	while (pages > 0) {
		do {
			if (++pindex >= BUDDY_NR_PCP_LISTS)
				pindex = 0;
			list = &pcp->lists[pindex];
		} while (list_empty(list));
		do {
			f = list_last_entry(list, struct mmtwin_frame, lru);
			/* The freed frame may merge: its order is read first. */
			order = f->order;
			mt = pageblock_mt(f);
			list_del(&f->lru);
			pcp->count -= 1 << order;
			pages -= 1 << order;
			pcp->events[BUDDY_PCP_DRAIN] += 1UL << order;
			WRITE_ONCE(f->state, MMTWIN_FRAME_NONE);
			buddy_free_one(z, f, order);
			buddy_trace_pcpu_drain(frame_pfn(f), order, mt);
		} while (pages > 0 && !list_empty(list));
	}
	buddy_unlock(&z->lock, flags);
}

#define PCP_BATCH_SCALE_MAX	5	/* CONFIG_PCP_BATCH_SCALE_MAX's default */
#define BUDDY_PCPF_PREV_FREE_HIGH	0x1	/* PCPF_PREV_FREE_HIGH_ORDER */

/*
 * nr_pcp_alloc(): order-0 refills double (up to 32 batches, and leaving
 * room under high) while allocations keep coming without frees; higher
 * orders take a batch scaled down by order. While the zone is above its
 * high watermark, each refill also raises high by a batch, up to high_max.
 */
static int pcp_refill_count(struct buddy_zone *z, struct buddy_pcp *pcp,
			    unsigned int order)
{
	int base = READ_ONCE(pcp->batch), batch, max_nr, high;
	int high_min = READ_ONCE(pcp->high_min), high_max = READ_ONCE(pcp->high_max);

	high = pcp->high = clamp(pcp->high, high_min, high_max);
	if (high < base)
		return 1;
	batch = order ? base : base << pcp->alloc_factor;
	if (high_min != high_max && !READ_ONCE(z->below_high))
		high = pcp->high = min(high + batch, high_max);
	if (!order) {
		max_nr = max(high - pcp->count - base, base);
		if (batch <= max_nr && pcp->alloc_factor < PCP_BATCH_SCALE_MAX)
			pcp->alloc_factor++;
		batch = min(batch, max_nr);
	}
	if (batch > 1)
		batch = max(batch >> order, 2);
	return batch;
}

/*
 * nr_pcp_high(): the level a free drains at. A zone below its high
 * watermark lowers high by the run of frees; otherwise a list that reaches
 * high raises it to what the run of frees needs, up to high_max. No
 * periodic decay here (decay_pcp_high() runs from vmstat's worker).
 */
static __always_inline int pcp_free_high_level(struct buddy_zone *z,
					       struct buddy_pcp *pcp,
					       bool free_high)
{
	int batch = READ_ONCE(pcp->batch), high, need;
	int high_min = READ_ONCE(pcp->high_min), high_max = READ_ONCE(pcp->high_max);

	high = pcp->high = clamp(pcp->high, high_min, high_max);
	if (!high)
		return 0;
	if (free_high) {
		pcp->high = max(high - (batch << PCP_BATCH_SCALE_MAX), high_min);
		return 0;
	}
	if (high_min == high_max)
		return high;
	if (READ_ONCE(z->below_high)) {
		pcp->high = max(high - max(pcp->free_count, batch), high_min);
		return max(pcp->count, high_min);
	}
	if (pcp->count >= high) {
		need = pcp->free_count + batch;
		if (pcp->high < need)
			pcp->high = clamp(need, high_min, high_max);
	}
	return high;
}

/*
 * nr_pcp_free(): a run of frees drains more at a time, keeping a batch;
 * a run of small high-order frees (free_high) drains up to 32 batches.
 */
static int pcp_drain_count(struct buddy_pcp *pcp, int high, bool free_high)
{
	int batch = READ_ONCE(pcp->batch);

	if (free_high)
		return min(pcp->count, batch << PCP_BATCH_SCALE_MAX);
	if (high < batch)
		return 1;
	return min(max(pcp->free_count, batch), high - batch);
}

/*
 * Refill an empty list from the buddy lists. A bulk caller that still
 * wants @want pages refills up to that many at once (at most high), where
 * upstream doubles its batch on consecutive refills. Returns the blocks
 * added.
 */
static noinline int pcp_refill(struct buddy_zone *z, struct buddy_pcp *pcp,
			       struct list_head *list, unsigned int order,
			       int mt, unsigned int alloc_flags, int want)
{
	int got, count;

	count = pcp_refill_count(z, pcp, order);
	count = max(count, min(want, pcp->high));
	got = buddy_rmqueue_bulk(z, order, count, list, mt, alloc_flags);
	pcp->count += got << order;
	return got;
}

/* __rmqueue_pcplist(): take from the list, refilling it when empty. */
static __always_inline struct mmtwin_frame *
pcp_take(struct buddy_zone *z, struct buddy_pcp *pcp, unsigned int order,
	 int mt, unsigned int alloc_flags, int want)
{
	struct list_head *list = &pcp->lists[buddy_pcp_index(order, mt)];
	struct mmtwin_frame *f;

	if (unlikely(list_empty(list)) &&
	    !pcp_refill(z, pcp, list, order, mt, alloc_flags, want))
		return NULL;
	f = list_first_entry(list, struct mmtwin_frame, lru);
	list_del(&f->lru);
	pcp->count -= 1 << order;
	pcp->events[BUDDY_PGALLOC] += 1UL << order;
	return f;
}

/* rmqueue_pcplist(): an allocation halves the run of frees seen. */
static __always_inline struct mmtwin_frame *pcp_alloc(struct buddy_zone *z,
						      unsigned int order, int mt,
						      unsigned int alloc_flags)
{
	struct mmtwin_frame *f;
	struct buddy_pcp *pcp;

	pcp = pcp_trylock(z);
	if (unlikely(!pcp))
		return NULL;
	pcp->free_count >>= 1;
	f = pcp_take(z, pcp, order, mt, alloc_flags, 1);
	pcp_unlock(pcp);
	return f;
}

/*
 * free_unref_page_commit()'s free_high: small high-order pages freed in a
 * run, with no allocation between, fragment memory if kept; drain them.
 * (No PCPF_FREE_HIGH_BATCH: the twin knows nothing of cache slices.)
 */
static __always_inline bool pcp_free_high(struct buddy_pcp *pcp,
					  unsigned int order)
{
	bool free_high = false;

	if (order && order <= BUDDY_COSTLY_ORDER) {
		free_high = pcp->free_count >= READ_ONCE(pcp->batch) &&
			    (pcp->flags & BUDDY_PCPF_PREV_FREE_HIGH);
		pcp->flags |= BUDDY_PCPF_PREV_FREE_HIGH;
	} else {
		pcp->flags &= ~BUDDY_PCPF_PREV_FREE_HIGH;
	}
	return free_high;
}

/* free_one_page(): past the pcp lists, straight to the buddy lists. */
static noinline void free_to_zone(struct buddy_zone *z, struct mmtwin_frame *f,
				  unsigned int order)
{
	unsigned long flags;

	buddy_lock(&z->lock, flags);
	z->events[BUDDY_PGFREE] += 1UL << order;
	buddy_free_one(z, f, order);
	buddy_unlock(&z->lock, flags);
}

/* The drain of a free that took a list to its high mark. */
static noinline void pcp_free_drain(struct buddy_zone *z, struct buddy_pcp *pcp,
				    int high, bool free_high, int pindex)
{
	pcp_free_bulk(z, pcp, pcp_drain_count(pcp, high, free_high), pindex);
	if (READ_ONCE(z->below_high) &&
	    buddy_watermark_ok(z, 0, zone_wmark(z, BUDDY_WMARK_HIGH),
			       BUDDY_ZONE_MOVABLE, 0))
		WRITE_ONCE(z->below_high, 0);
}

/* free_unref_page(): to this CPU's list, draining it at its high mark. */
static __always_inline void pcp_free(struct buddy_zone *z,
				     struct mmtwin_frame *f, unsigned int order)
{
	struct buddy_pcp *pcp;
	int mt = pageblock_mt(f), high, pindex;
	bool free_high;

	/* Highatomic pages are cached on the movable lists, as upstream. */
	if (mt >= MMTWIN_MT_PCPTYPES)
		mt = MMTWIN_MT_MOVABLE;
	pcp = pcp_trylock(z);
	if (unlikely(!pcp)) {
		free_to_zone(z, f, order);
		return;
	}
	if (unlikely(!READ_ONCE(pcp->high_max))) {
		/* pcp lists disabled: straight to the buddy lists. */
		pcp_unlock(pcp);
		free_to_zone(z, f, order);
		return;
	}
	pcp->events[BUDDY_PGFREE] += 1UL << order;
	pindex = buddy_pcp_index(order, mt);
	f->mt = mt;
	f->order = order;
	WRITE_ONCE(f->state, MMTWIN_FRAME_PCP);
	list_add(&f->lru, &pcp->lists[pindex]);
	pcp->count += 1 << order;
	pcp->alloc_factor >>= 1;
	free_high = pcp_free_high(pcp, order);
	if (pcp->free_count < (READ_ONCE(pcp->batch) << PCP_BATCH_SCALE_MAX))
		pcp->free_count += 1 << order;
	high = pcp_free_high_level(z, pcp, free_high);
	if (unlikely(pcp->count >= high))
		pcp_free_drain(z, pcp, high, free_high, pindex);
	pcp_unlock(pcp);
}

static __always_inline struct buddy_zone *
twin_zonelist_zone(struct buddy *b, int node, int i)
{
	int id;

	if (i >= BUDDY_MAX_ZONES)
		return NULL;
	id = READ_ONCE(b->zonelist[node][i]);
	return id < 0 ? NULL : &b->zones[id];
}

/* Nodes past the zonelists kept use node 0's, which lists every zone. */
static __always_inline int zonelist_of(int node)
{
	return node >= 0 && node < BUDDY_MAX_NODES ? node : 0;
}

static int local_list(void)
{
	return zonelist_of(buddy_node_id());
}

/* for_each_zone_zonelist_nodemask(): the zones this allocation may use. */
static __always_inline bool zone_eligible(const struct buddy_ac *ac,
					  const struct buddy_zone *z)
{
	return z->host_idx <= ac->highest_zoneidx &&
	       (!ac->thisnode || z->node == ac->node);
}

/* The zonelist's next zone from *@i on that the allocation may use. */
static __always_inline struct buddy_zone *
next_ac_zone(struct buddy *b, const struct buddy_ac *ac, int *i)
{
	struct buddy_zone *z;

	for (; (z = twin_zonelist_zone(b, zonelist_of(ac->node), *i)); (*i)++)
		if (zone_eligible(ac, z))
			return z;
	return NULL;
}

#define for_each_ac_zone(b, ac, z, i) \
	for (i = 0; (z = next_ac_zone(b, ac, &(i))); (i)++)

/* The reclaimer's hooks are read once per use and called with no lock held. */
static const struct mmtwin_reclaim_ops *reclaim_ops(struct buddy *b)
{
	return READ_ONCE(b->reclaim);
}

static void wake_zone(struct buddy *b, struct buddy_zone *z, unsigned int order,
		      gfp_t gfp, int highest_zoneidx)
{
	const struct mmtwin_reclaim_ops *ops = reclaim_ops(b);

	z->events[BUDDY_KSWAPD_WAKE]++;	/* racy count, like a vm event */
	if (ops && ops->wake)
		ops->wake(ops->data, z->node, z->id, order, gfp, highest_zoneidx);
}

/* wake_all_kswapds(): once per node, with the node's first eligible zone. */
static void wake_all(struct buddy *b, const struct buddy_ac *ac)
{
	unsigned long woken = 0;
	struct buddy_zone *z;
	int i;

	for_each_ac_zone(b, ac, z, i) {
		if (!READ_ONCE(z->managed_pages) ||
		    (z->node < BITS_PER_LONG && (woken & (1UL << z->node))))
			continue;
		if (z->node < BITS_PER_LONG)
			woken |= 1UL << z->node;
		wake_zone(b, z, ac->order, ac->gfp, ac->highest_zoneidx);
	}
}

/* A fallback boosted the watermarks: wake the reclaimer, once. */
static noinline void wake_boosted(struct buddy *b, struct buddy_zone *z)
{
	WRITE_ONCE(z->boosted, 0);
	wake_zone(b, z, 0, 0, z->host_idx);
}

/*
 * rmqueue(): the pcp lists for small orders; when they have nothing, the
 * buddy lists, which may still have a highatomic block for the flags.
 * A fallback that boosted the watermarks wakes the reclaimer.
 */
static __always_inline struct mmtwin_frame *
rmqueue(struct buddy *b, struct buddy_zone *z, unsigned int order, int mt,
	unsigned int alloc_flags)
{
	struct mmtwin_frame *f = NULL;

	if (buddy_pcp_order(order) && READ_ONCE(buddy_raw_cpu(z->pcp)->high_max))
		f = pcp_alloc(z, order, mt, alloc_flags);
	if (unlikely(!f))
		f = buddy_rmqueue(z, order, mt, alloc_flags);
	if (unlikely((alloc_flags & ALLOC_KSWAPD) && READ_ONCE(z->boosted)))
		wake_boosted(b, z);
	return f;
}

/*
 * zone_watermark_fast(): an order-0 allocation passes on the free count
 * alone when it is clear of the mark without any reserve it may use;
 * anything closer gets the full check.
 */
static __always_inline bool watermark_fast(struct buddy_zone *z,
					   unsigned int order,
					   unsigned long mark,
					   int highest_zoneidx,
					   unsigned int alloc_flags)
{
	long free;

	if (!order) {
		free = READ_ONCE(z->nr_free_pages);
		if (!(alloc_flags & ALLOC_RESERVES))
			free -= READ_ONCE(z->nr_free_highatomic);
		if (free > (long)(mark + READ_ONCE(z->lowmem_reserve[highest_zoneidx])))
			return true;
	}
	return buddy_watermark_ok(z, order, mark, highest_zoneidx, alloc_flags);
}

/*
 * The watermark check of get_page_from_freelist(). A zone found below its
 * high watermark is marked (ZONE_BELOW_HIGH) so frees shrink the pcp lists
 * there; a zone above it passes whatever mark was asked for.
 */
static __always_inline bool zone_allows(struct buddy_zone *z,
					const struct buddy_ac *ac,
					unsigned int alloc_flags)
{
	if (likely(!READ_ONCE(z->below_high))) {
		if (watermark_fast(z, ac->order, zone_wmark(z, BUDDY_WMARK_HIGH),
				   ac->highest_zoneidx, alloc_flags))
			return true;
		WRITE_ONCE(z->below_high, 1);
	}
	return watermark_fast(z, ac->order,
			      zone_wmark(z, alloc_flags & ALLOC_WMARK_MASK),
			      ac->highest_zoneidx, alloc_flags);
}

/* get_page_from_freelist(): first zone above its mark that has a block. */
static __always_inline struct mmtwin_frame *
__get_from_freelist(struct buddy *b, const struct buddy_ac *ac,
		    unsigned int alloc_flags)
{
	struct mmtwin_frame *f;
	struct buddy_zone *z;
	int i;

	for_each_ac_zone(b, ac, z, i) {
		if (!(alloc_flags & ALLOC_NO_WATERMARKS) &&
		    !zone_allows(z, ac, alloc_flags))
			continue;
		f = rmqueue(b, z, ac->order, ac->mt, alloc_flags);
		if (unlikely(!f))
			continue;
		if (unlikely(ac->order && (alloc_flags & ALLOC_HIGHATOMIC)))
			buddy_reserve_highatomic(z, f, ac->order);
		if (unlikely(alloc_flags & ALLOC_NO_WATERMARKS))
			f->owner_flags = MMTWIN_OF_PFMEMALLOC;
		return f;
	}
	return NULL;
}

/* The same, out of line, for the slow path's retries. */
static noinline struct mmtwin_frame *
get_from_freelist(struct buddy *b, const struct buddy_ac *ac,
		  unsigned int alloc_flags)
{
	return __get_from_freelist(b, ac, alloc_flags);
}

static struct buddy_zone *first_zone(struct buddy *b, const struct buddy_ac *ac)
{
	struct buddy_zone *z;
	int i;

	for_each_ac_zone(b, ac, z, i)
		return z;
	return NULL;
}

/* What the pcp lists of every CPU held, now back on the buddy lists. */
static unsigned long drain_all_counted(struct buddy *b)
{
	unsigned long pages = 0;
	int i, cpu;

	for (i = 0; i < READ_ONCE(b->nr_zones); i++)
		buddy_for_each_cpu(cpu)
			pages += READ_ONCE(buddy_per_cpu(b->zones[i].pcp, cpu)->count);
	buddy_drain_all(b);
	return pages;
}

static void note_progress(struct buddy *b, int node, unsigned long progress)
{
	int *n = &b->node_no_progress[zonelist_of(node)];

	WRITE_ONCE(*n, progress ? 0 : min(READ_ONCE(*n) + 1, 1000));
}

/*
 * __alloc_pages_direct_reclaim(): the reclaimer's hook runs with
 * PF_MEMALLOC set (memalloc_noreclaim_save()), so allocations it makes
 * dip into the reserves instead of re-entering reclaim. When it frees
 * nothing, the pages other CPUs cache on their pcp lists are drained and
 * count as progress: unlike the kernel's, the twin's pcp pages are not
 * reclaimable by anyone else. After progress, one retry; then one more
 * after draining and unreserving highatomic blocks.
 */
static struct mmtwin_frame *direct_reclaim(struct buddy *b, struct buddy_ac *ac,
					   unsigned int alloc_flags,
					   unsigned long *progress)
{
	const struct mmtwin_reclaim_ops *ops = reclaim_ops(b);
	struct buddy_zone *z = first_zone(b, ac);
	struct mmtwin_frame *f;
	unsigned int token;

	buddy_might_sleep();
	if (z)
		z->events[BUDDY_ALLOCSTALL]++;
	*progress = 0;
	if (ops && ops->reclaim) {
		token = buddy_reclaim_enter();
		*progress = ops->reclaim(ops->data, ac->node, ac->gfp, ac->order,
					 ac->highest_zoneidx);
		buddy_reclaim_exit(token);
	}
	if (!*progress)
		*progress = drain_all_counted(b);
	note_progress(b, ac->node, *progress);
	if (!*progress)
		return NULL;
	f = get_from_freelist(b, ac, alloc_flags);
	if (f)
		return f;
	buddy_unreserve_highatomic(b, ac->mt, false);
	buddy_drain_all(b);
	return get_from_freelist(b, ac, alloc_flags);
}

#define MAX_RECLAIM_RETRIES	16

/*
 * should_reclaim_retry(): go on while some zone would pass its min
 * watermark if everything reclaimable were freed, and reclaim made
 * progress recently. Before giving up, empty the highatomic reserve.
 */
static bool should_reclaim_retry(struct buddy *b, struct buddy_ac *ac,
				 unsigned int alloc_flags, bool progress,
				 int *no_progress)
{
	const struct mmtwin_reclaim_ops *ops = reclaim_ops(b);
	struct buddy_zone *z;
	long available;
	int i;

	if (progress && ac->order <= BUDDY_COSTLY_ORDER)
		*no_progress = 0;
	else
		(*no_progress)++;
	if (*no_progress > MAX_RECLAIM_RETRIES)
		goto out;
	for_each_ac_zone(b, ac, z, i) {
		available = READ_ONCE(z->nr_free_pages);
		if (ops && ops->reclaimable)
			available += ops->reclaimable(ops->data, z->id);
		if (__buddy_watermark_ok(z, ac->order, zone_wmark(z, BUDDY_WMARK_MIN),
					 ac->highest_zoneidx, alloc_flags,
					 available)) {
			buddy_cond_resched();
			return true;
		}
	}
	buddy_cond_resched();
out:
	return buddy_unreserve_highatomic(b, ac->mt, true);
}

/*
 * __alloc_pages_may_oom(): one last look above the high watermark, then
 * the reclaimer's OOM hook where the kernel would call the OOM killer.
 * __GFP_NOFAIL gets the reserves whatever the hook did.
 */
static struct mmtwin_frame *may_oom(struct buddy *b, struct buddy_ac *ac,
				    unsigned long *progress)
{
	const struct mmtwin_reclaim_ops *ops = reclaim_ops(b);
	struct mmtwin_frame *f;
	struct buddy_zone *z;

	*progress = 0;
	f = get_from_freelist(b, ac, ALLOC_WMARK_HIGH);
	if (f)
		return f;
	if (ac->order > BUDDY_COSTLY_ORDER ||
	    (ac->gfp & (__GFP_RETRY_MAYFAIL | __GFP_THISNODE)) ||
	    ac->highest_zoneidx < BUDDY_ZONE_NORMAL)
		return NULL;
	z = first_zone(b, ac);
	if (ops && ops->oom) {
		if (z)
			z->events[BUDDY_OOM]++;
		*progress = ops->oom(ops->data, ac->gfp, ac->order);
	}
	if (ac->gfp & __GFP_NOFAIL) {
		*progress = 1;
		f = get_from_freelist(b, ac, ALLOC_NO_WATERMARKS);
	}
	return f;
}

/* __gfp_pfmemalloc_flags(): who may ignore the watermarks altogether. */
static unsigned int pfmemalloc_flags(gfp_t gfp)
{
	if (gfp & __GFP_NOMEMALLOC)
		return 0;
	if ((gfp & __GFP_MEMALLOC) || buddy_in_reclaim())
		return ALLOC_NO_WATERMARKS;
	if (buddy_oom_victim())
		return ALLOC_OOM;
	return 0;
}

/*
 * __alloc_pages_slowpath(): wake the background reclaimers, retry with
 * the reserves the flags allow, then, if the caller may sleep and is not
 * a reclaimer itself, reclaim directly and retry while it helps; the OOM
 * hook last. No compaction here.
 */
static noinline struct mmtwin_frame *slowpath(struct buddy *b,
					      struct buddy_ac *ac)
{
	unsigned int alloc_flags = buddy_gfp_to_alloc_flags(ac->gfp, ac->order);
	bool can_reclaim = ac->gfp & __GFP_DIRECT_RECLAIM;
	unsigned long progress = 0;
	struct mmtwin_frame *f;
	unsigned int reserve;
	int no_progress = 0;

	if (!first_zone(b, ac))
		return NULL;
	if (alloc_flags & ALLOC_KSWAPD)
		wake_all(b, ac);
	f = get_from_freelist(b, ac, alloc_flags);
	if (f)
		return f;
retry:
	if (alloc_flags & ALLOC_KSWAPD)
		wake_all(b, ac);
	reserve = pfmemalloc_flags(ac->gfp);
	if (reserve)
		alloc_flags = reserve | (alloc_flags & ALLOC_KSWAPD);
	f = get_from_freelist(b, ac, alloc_flags);
	if (f)
		return f;
	if (!can_reclaim || buddy_in_reclaim())
		goto nopage;
	f = direct_reclaim(b, ac, alloc_flags, &progress);
	if (f)
		return f;
	if (ac->gfp & __GFP_NORETRY)
		goto nopage;
	if (ac->order > BUDDY_COSTLY_ORDER && !(ac->gfp & __GFP_RETRY_MAYFAIL))
		goto nopage;
	if (should_reclaim_retry(b, ac, alloc_flags, progress, &no_progress))
		goto retry;
	f = may_oom(b, ac, &progress);
	if (f)
		return f;
	if (progress) {
		no_progress = 0;
		buddy_cond_resched();
		goto retry;
	}
nopage:
	if ((ac->gfp & __GFP_NOFAIL) && can_reclaim) {
		/* __alloc_pages_cpuset_fallback(.., ALLOC_MIN_RESERVE) */
		f = get_from_freelist(b, ac, ALLOC_MIN_RESERVE);
		if (f)
			return f;
		buddy_cond_resched();
		goto retry;
	}
	return NULL;
}

/* prep_compound_page(): every tail names its head. */
static noinline void prep_compound(struct mmtwin_frame *f, unsigned int order)
{
	unsigned long i;

	for (i = 1; i < (1UL << order); i++) {
		f[i].head = f->idx;
		WRITE_ONCE(f[i].state, MMTWIN_FRAME_TAIL);
	}
	f->buddy_flags |= MMTWIN_BF_COMPOUND;
}

/*
 * The block is the caller's from here: its fields are written first and
 * the state last, with release semantics, so whoever sees ALLOC (a
 * pageblock walk, a lookup) sees the order and type that go with it.
 */
static __always_inline void prep_new(struct mmtwin_frame *f, gfp_t gfp,
				     unsigned int order, int mt)
{
	unsigned char pfmemalloc = f->owner_flags & MMTWIN_OF_PFMEMALLOC;

	f->order = order;
	f->mt = mt;
	f->private = 0;
	f->owner_flags = pfmemalloc;
	f->buddy_flags = 0;
	f->slab_cache = NULL;
	f->owner_data[0] = 0;
	f->owner_data[1] = 0;
	INIT_LIST_HEAD(&f->lru);
	/* As post_alloc_hook(): init_on_alloc zeroes every block, as the host's. */
	if (unlikely(buddy_want_init(gfp)))
		buddy_zero_pfns(frame_pfn(f), 1UL << order);
	if (unlikely((gfp & __GFP_COMP) && order))
		prep_compound(f, order);
	/* Pairs with the acquire in move_block() and buddy_block_head(). */
	smp_store_release(&f->state, MMTWIN_FRAME_ALLOC);
}

static noinline void alloc_failed(struct buddy *b, gfp_t gfp,
				  unsigned int order)
{
	struct buddy_zone *z = twin_zonelist_zone(b, local_list(), 0);

	if (!z)
		return;
	z->events[BUDDY_ALLOC_FAIL]++;
	if (!(gfp & __GFP_NOWARN)) {
		z->events[BUDDY_ALLOC_WARN]++;
		buddy_report_fail(gfp, order);
	}
}

static noinline struct mmtwin_frame *alloc_injected_fail(struct buddy *b,
							 gfp_t gfp,
							 unsigned int order)
{
	struct buddy_zone *z = twin_zonelist_zone(b, local_list(), 0);

	if (z)
		z->events[BUDDY_FAULT_INJECTED]++;
	alloc_failed(b, gfp, order);
	return NULL;
}

/* What the fast path could not do: the slow path, or the failure. */
static noinline struct mmtwin_frame *alloc_slow(struct buddy *b,
						struct buddy_ac *ac)
{
	struct mmtwin_frame *f = slowpath(b, ac);

	if (!f) {
		alloc_failed(b, ac->gfp, ac->order);
		buddy_trace_alloc(~0UL, ac->order, ac->gfp, ac->mt);	/* -1: failed */
		return NULL;
	}
	prep_new(f, ac->gfp, ac->order, ac->mt);
	buddy_trace_alloc(frame_pfn(f), ac->order, ac->gfp, ac->mt);
	return f;
}

/**
 * buddy_alloc_node - allocate a block of 2^@order frames, near @nid
 * @b: the allocator
 * @nid: node whose zonelist to walk; NUMA_NO_NODE (-1): this CPU's node
 * @gfp: GFP flags, with the kernel's meaning: the zone modifiers bound
 *	the zones (gfp_zone()), __GFP_THISNODE keeps to @nid's zones,
 *	__GFP_COMP makes tail frames name their head
 * @order: 0..BUDDY_MAX_ORDER
 *
 * Return: the head frame, state MMTWIN_FRAME_ALLOC, or NULL.
 */
struct mmtwin_frame *buddy_alloc_node(struct buddy *b, int nid, gfp_t gfp,
				      unsigned int order)
{
	struct buddy_ac ac = {
		.gfp = gfp,
		.order = order,
		.mt = buddy_gfp_migratetype(gfp),
		.node = nid < 0 ? buddy_node_id() : nid,
		.highest_zoneidx = buddy_gfp_zone(gfp),
		.thisnode = gfp & __GFP_THISNODE,
	};
	struct mmtwin_frame *f;

	if (unlikely(order > BUDDY_MAX_ORDER)) {
		WARN_ON_ONCE(!(gfp & __GFP_NOWARN));
		return NULL;
	}
	if (!(gfp & __GFP_NOFAIL) && buddy_should_fail(gfp, order))
		return alloc_injected_fail(b, gfp, order);
	/* The fast path may wake the reclaimer for a boost (alloc_flags_nofragment()). */
	f = __get_from_freelist(b, &ac, ALLOC_WMARK_LOW |
				(gfp & __GFP_KSWAPD_RECLAIM ? ALLOC_KSWAPD : 0));
	if (unlikely(!f))
		return alloc_slow(b, &ac);
	prep_new(f, gfp, order, ac.mt);
	buddy_trace_alloc(frame_pfn(f), order, gfp, ac.mt);
	return f;
}
EXPORT_SYMBOL_IF_KUNIT(buddy_alloc_node);

struct mmtwin_frame *buddy_alloc(struct buddy *b, gfp_t gfp, unsigned int order)
{
	return buddy_alloc_node(b, -1, gfp, order);
}
EXPORT_SYMBOL_IF_KUNIT(buddy_alloc);

/* Fill NULL slots from one zone's pcp list under one lock hold. */
static __always_inline unsigned long
bulk_fast(struct buddy_zone *z, gfp_t gfp, unsigned long nr,
	  struct mmtwin_frame **frames)
{
	int mt = buddy_gfp_migratetype(gfp);
	struct mmtwin_frame *f;
	struct buddy_pcp *pcp;
	unsigned long i, got = 0, need = 0;

	for (i = 0; i < nr; i++)
		need += !frames[i];
	pcp = pcp_trylock(z);
	if (unlikely(!pcp))
		return 0;
	for (i = 0; i < nr; i++) {
		if (frames[i])
			continue;
		f = pcp_take(z, pcp, 0, mt, BUDDY_WMARK_LOW, need - got);
		if (!f)
			break;
		frames[i] = f;
		got++;
	}
	pcp_unlock(pcp);
	for (i = 0; i < nr; i++) {
		f = frames[i];
		if (f && READ_ONCE(f->state) == MMTWIN_FRAME_PCP) {
			prep_new(f, gfp, 0, mt);
			buddy_trace_alloc(frame_pfn(f), 0, gfp, mt);
		}
	}
	return got;
}

/*
 * alloc_pages_bulk_array(): fill the NULL slots of @frames with order-0
 * frames. The fast path checks the first zone's low watermark once, for
 * all the pages asked for; when it gets nothing, one buddy_alloc() with
 * the full slow path, as upstream.
 * Return: how many slots hold a frame.
 */
unsigned long buddy_alloc_bulk(struct buddy *b, gfp_t gfp, unsigned long nr,
			       struct mmtwin_frame **frames)
{
	struct buddy_ac ac = {
		.gfp = gfp,
		.node = buddy_node_id(),
		.highest_zoneidx = buddy_gfp_zone(gfp),
		.thisnode = gfp & __GFP_THISNODE,
	};
	struct buddy_zone *z = first_zone(b, &ac);
	unsigned long i, filled = 0, need = 0, got = 0;

	for (i = 0; i < nr; i++)
		if (!frames[i])
			need++;
	if (!need)
		return nr;
	if (z && !(gfp & __GFP_NOFAIL) && !buddy_should_fail(gfp, 0) &&
	    READ_ONCE(buddy_raw_cpu(z->pcp)->high_max) &&
	    buddy_watermark_ok(z, 0, zone_wmark(z, BUDDY_WMARK_LOW) + need,
			       ac.highest_zoneidx, 0))
		got = bulk_fast(z, gfp, nr, frames);
	for (i = 0; i < nr && !got; i++) {
		if (!frames[i]) {
			frames[i] = buddy_alloc(b, gfp, 0);
			break;
		}
	}
	for (i = 0; i < nr; i++)
		filled += !!frames[i];
	return filled;
}
EXPORT_SYMBOL_IF_KUNIT(buddy_alloc_bulk);

/* free_tail_page_prepare(): tails go back to being plain frames. */
static noinline void free_tails(struct mmtwin_frame *f, unsigned int order)
{
	unsigned long i;

	for (i = 1; i < (1UL << order); i++)
		WRITE_ONCE(f[i].state, MMTWIN_FRAME_NONE);
	f->buddy_flags &= ~MMTWIN_BF_COMPOUND;
}

static noinline int bad_free(struct buddy_zone *z, struct mmtwin_frame *f,
			     unsigned int order, int state)
{
	z->events[BUDDY_BAD_FREE]++;	/* racy count, like a vm event */
	buddy_report_bad_free(frame_pfn(f), order, state, f->order);
	return -EINVAL;
}

/**
 * buddy_free - give back a block from buddy_alloc()
 * @b: the allocator
 * @f: its head frame
 * @order: the order it was allocated with
 *
 * The ALLOC -> NONE step is one cmpxchg: of two CPUs freeing one block,
 * exactly one gets it back; the other is a bad free.
 *
 * Return: 0, or -EINVAL (counted and reported, like the kernel's bad_page()
 * but without tainting anything) for a frame that is not an allocated head
 * of that order: nothing is changed then.
 */
int buddy_free(struct buddy *b, struct mmtwin_frame *f, unsigned int order)
{
	struct buddy_zone *z = frame_chunk(f)->zone;
	int state = READ_ONCE(f->state);

	buddy_race_window();	/* the harness widens check-to-change here */
	if (likely(READ_ONCE(f->order) == order && state == MMTWIN_FRAME_ALLOC))
		state = buddy_cmpxchg(&f->state, MMTWIN_FRAME_ALLOC,
				      MMTWIN_FRAME_NONE);
	if (unlikely(state != MMTWIN_FRAME_ALLOC || f->order != order))
		return bad_free(z, f, order, state);
	buddy_trace_free(frame_pfn(f), order);
	if (unlikely(f->buddy_flags & MMTWIN_BF_COMPOUND))
		free_tails(f, order);
	f->owner_flags = 0;
	if (likely(buddy_pcp_order(order))) {
		pcp_free(z, f, order);
		return 0;
	}
	free_to_zone(z, f, order);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(buddy_free);

/* Empty one CPU's pcp lists in every zone (drain_pages()). */
void buddy_drain_cpu(struct buddy *b, int cpu)
{
	unsigned long flags;
	int i;

	for (i = 0; i < READ_ONCE(b->nr_zones); i++) {
		struct buddy_zone *z = &b->zones[i];
		struct buddy_pcp *pcp = buddy_per_cpu(z->pcp, cpu);

		/* Another CPU's lists: its lock is all the exclusion needed. */
		buddy_lock(&pcp->lock, flags);
		if (pcp->count)
			pcp_free_bulk(z, pcp, pcp->count, 0);
		buddy_unlock(&pcp->lock, flags);
	}
}
EXPORT_SYMBOL_IF_KUNIT(buddy_drain_cpu);

void buddy_drain_all(struct buddy *b)
{
	int cpu;

	buddy_for_each_cpu(cpu)
		buddy_drain_cpu(b, cpu);
}
EXPORT_SYMBOL_IF_KUNIT(buddy_drain_all);

#define MIN_PCP_HIGH_FRACTION	8	/* MIN_PERCPU_PAGELIST_HIGH_FRACTION */

/*
 * zone_batchsize() and zone_highsize() with percpu_pagelist_high_fraction
 * at 0: high_min is the low watermark shared by the CPUs of the zone's
 * node, high_max an eighth of the zone shared the same way; high is tuned
 * between them. A pcp_high tunable fixes both (no tuning); the batch never
 * exceeds a quarter of high_max, the kernel's high >= 4 * batch: a refill
 * must not pull more onto a CPU than its list may hold.
 */
static void zone_pcp_sizes(struct buddy *b, struct buddy_zone *z,
			   int *high_min, int *high_max, int *batch)
{
	unsigned long bt;
	int cpus = buddy_node_cpus(z->node);

	if (!cpus)
		cpus = buddy_online_cpus();
	bt = min(z->managed_pages >> 10, (unsigned long)(SZ_1M / PAGE_SIZE));
	bt = max(bt / 4, 1UL);	/* zone_batchsize(): "effectively *= 4 below" */
	bt = rounddown_pow_of_two(bt + bt / 2) - 1;
	bt = max(bt, 1UL);
	*batch = b->tun.pcp_batch >= 0 ? b->tun.pcp_batch : bt;
	if (b->tun.pcp_high >= 0) {
		*high_min = b->tun.pcp_high;
		*high_max = b->tun.pcp_high;
	} else {
		*high_min = max(zone_wmark(z, BUDDY_WMARK_LOW) / cpus, bt << 2);
		*high_max = max(z->managed_pages / MIN_PCP_HIGH_FRACTION / cpus,
				bt << 2);
	}
	*batch = clamp(*batch, 1, max(*high_max >> 2, 1));
}

/* A list above its new high gives the excess back now, not on a later free. */
static void pcp_trim(struct buddy_zone *z, int cpu, int high)
{
	struct buddy_pcp *pcp = buddy_per_cpu(z->pcp, cpu);
	unsigned long flags;

	buddy_lock(&pcp->lock, flags);
	if (pcp->count > high)
		pcp_free_bulk(z, pcp, pcp->count - high, 0);
	buddy_unlock(&pcp->lock, flags);
}

void buddy_update_pcp(struct buddy *b)
{
	int i, cpu, high_min, high_max, batch;

	for (i = 0; i < b->nr_zones; i++) {
		struct buddy_zone *z = &b->zones[i];

		zone_pcp_sizes(b, z, &high_min, &high_max, &batch);
		buddy_for_each_cpu(cpu) {
			struct buddy_pcp *pcp = buddy_per_cpu(z->pcp, cpu);

			WRITE_ONCE(pcp->high_min, high_min);
			WRITE_ONCE(pcp->high_max, high_max);
			WRITE_ONCE(pcp->high, high_min);
			WRITE_ONCE(pcp->batch, batch);
			pcp_trim(z, cpu, high_min);
		}
	}
}
EXPORT_SYMBOL_IF_KUNIT(buddy_update_pcp);

/*
 * Install (or, with NULL, remove) the reclaimer's hooks. Callers in
 * flight may still use the old ones: whoever owns them keeps them alive
 * until those callers are gone (the glue does, with SRCU).
 */
void buddy_set_reclaim(struct buddy *b, const struct mmtwin_reclaim_ops *ops)
{
	WRITE_ONCE(b->reclaim, ops);
}
EXPORT_SYMBOL_IF_KUNIT(buddy_set_reclaim);
