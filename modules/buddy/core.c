// SPDX-License-Identifier: GPL-2.0
/*
 * Buddy twin core: free lists per order and migrate type, split (expand)
 * and merge, pageblock owners, the fallback and block-claiming rules of
 * mm/page_alloc.c (6.12), highatomic reserves and watermarks.
 *
 * Locking: a zone's free lists, counters, pageblock owners and the state
 * of its FREE frames change only under zone->lock. Builds in userspace.
 */
#include "internal.h"

const char * const buddy_mt_names[MMTWIN_MT_TYPES] = {
	"Unmovable", "Movable", "Reclaimable", "HighAtomic",
};

/* Where a type falls back to, in the kernel's order. */
static const int fallbacks[MMTWIN_MT_PCPTYPES][MMTWIN_MT_PCPTYPES - 1] = {
	[MMTWIN_MT_UNMOVABLE]   = { MMTWIN_MT_RECLAIMABLE, MMTWIN_MT_MOVABLE },
	[MMTWIN_MT_MOVABLE]     = { MMTWIN_MT_RECLAIMABLE, MMTWIN_MT_UNMOVABLE },
	[MMTWIN_MT_RECLAIMABLE] = { MMTWIN_MT_UNMOVABLE, MMTWIN_MT_MOVABLE },
};

static bool mt_mergeable(int mt)
{
	return mt < MMTWIN_MT_PCPTYPES;
}

/* Free list helpers: every list change keeps every counter in step. */
static void add_free(struct buddy_zone *z, struct mmtwin_frame *f,
		     unsigned int order, int mt, bool tail)
{
	struct buddy_free_area *area = &z->free_area[order];

	f->order = order;
	f->mt = mt;
	WRITE_ONCE(f->state, MMTWIN_FRAME_FREE);
	if (tail)
		list_add_tail(&f->lru, &area->free_list[mt]);
	else
		list_add(&f->lru, &area->free_list[mt]);
	area->nr_free++;
	WRITE_ONCE(z->nr_free_pages, z->nr_free_pages + (1UL << order));
	if (mt == MMTWIN_MT_HIGHATOMIC)
		WRITE_ONCE(z->nr_free_highatomic,
			   z->nr_free_highatomic + (1UL << order));
}

static void del_free(struct buddy_zone *z, struct mmtwin_frame *f)
{
	unsigned int order = f->order;

	list_del(&f->lru);
	z->free_area[order].nr_free--;
	WRITE_ONCE(f->state, MMTWIN_FRAME_NONE);
	WRITE_ONCE(z->nr_free_pages, z->nr_free_pages - (1UL << order));
	if (f->mt == MMTWIN_MT_HIGHATOMIC)
		WRITE_ONCE(z->nr_free_highatomic,
			   z->nr_free_highatomic - (1UL << order));
}

static void move_free(struct buddy_zone *z, struct mmtwin_frame *f, int mt)
{
	unsigned int order = f->order;

	del_free(z, f);
	add_free(z, f, order, mt, true);
}

static struct mmtwin_frame *first_free(struct buddy_zone *z,
				       unsigned int order, int mt)
{
	return list_first_entry_or_null(&z->free_area[order].free_list[mt],
					struct mmtwin_frame, lru);
}

static void set_pb_range(struct mmtwin_frame *f, unsigned int order, int mt)
{
	struct buddy_chunk *c = frame_chunk(f);
	unsigned long pb = f->idx >> BUDDY_PB_ORDER;
	unsigned long n = order >= BUDDY_PB_ORDER ?
			  1UL << (order - BUDDY_PB_ORDER) : 1;

	while (n--)
		WRITE_ONCE(c->pb_mt[pb++], mt);
}

/*
 * Split a block of order @high down to @low, putting the upper halves on
 * the free lists of @mt, as expand() does. The caller took the block off.
 */
static void expand(struct buddy_zone *z, struct mmtwin_frame *f,
		   unsigned int low, unsigned int high, int mt)
{
	while (high > low) {
		high--;
		add_free(z, f + (1UL << high), high, mt, false);
	}
	/* The head keeps no stale order for a walker to skip by. */
	f->order = low;
}

static struct mmtwin_frame *rmqueue_smallest(struct buddy_zone *z,
					     unsigned int order, int mt)
{
	struct mmtwin_frame *f;
	unsigned int o;

	for (o = order; o <= BUDDY_MAX_ORDER; o++) {
		f = first_free(z, o, mt);
		if (!f)
			continue;
		del_free(z, f);
		expand(z, f, order, o, mt);
		buddy_trace_zone_locked(frame_pfn(f), order, mt,
					order <= BUDDY_COSTLY_ORDER &&
					mt < MMTWIN_MT_PCPTYPES);
		return f;
	}
	return NULL;
}

/*
 * Is it likely that the block being freed merges one level higher later?
 * Then queue it at the tail so it stays free longer (buddy_merge_likely()).
 */
static bool merge_likely(struct buddy_chunk *c, unsigned long idx,
			 unsigned int order)
{
	struct mmtwin_frame *hb;
	unsigned long hidx;

	if (order >= BUDDY_MAX_ORDER - 1)
		return false;
	hidx = (idx & ~((2UL << order) - 1)) ^ (2UL << order);
	hb = &c->frames[hidx];
	return READ_ONCE(hb->state) == MMTWIN_FRAME_FREE &&
	       hb->order == order + 1;
}

/* __free_one_page(): merge with free buddies, then queue the result. */
static void free_one(struct buddy_zone *z, struct mmtwin_frame *f,
		     unsigned int order, int mt)
{
	struct buddy_chunk *c = frame_chunk(f);
	unsigned long idx = f->idx;

	buddy_assert_held(&z->lock);
	while (order < BUDDY_MAX_ORDER) {
		unsigned long bidx = idx ^ (1UL << order);
		struct mmtwin_frame *b = &c->frames[bidx];

		if (READ_ONCE(b->state) != MMTWIN_FRAME_FREE ||
		    b->order != order)
			break;
		/* Keep highatomic blocks apart so their accounting holds. */
		if (order >= BUDDY_PB_ORDER) {
			int bmt = READ_ONCE(c->pb_mt[bidx >> BUDDY_PB_ORDER]);

			if (bmt != mt && (!mt_mergeable(mt) || !mt_mergeable(bmt)))
				break;
		}
		del_free(z, b);
		if (order >= BUDDY_PB_ORDER && b->mt != mt)
			set_pb_range(b, order, mt);
		idx &= ~(1UL << order);
		order++;
	}
	add_free(z, &c->frames[idx], order, mt, merge_likely(c, idx, order));
}

void buddy_free_one(struct buddy_zone *z, struct mmtwin_frame *f,
		    unsigned int order)
{
	free_one(z, f, order, pageblock_mt(f));
}

/*
 * Move the free blocks of @f's pageblock to @mt's lists and make @mt the
 * owner. Counts the block's free pages and the pages handed out as
 * movable, for the claim decision (prep_move_freepages_block()).
 */
static void move_block(struct buddy_zone *z, struct mmtwin_frame *f, int mt,
		       bool move, unsigned long *free, unsigned long *movable)
{
	struct buddy_chunk *c = frame_chunk(f);
	unsigned long i = f->idx & ~(BUDDY_PB_PAGES - 1);
	unsigned long end = i + BUDDY_PB_PAGES;

	*free = 0;
	*movable = 0;
	while (i < end) {
		struct mmtwin_frame *p = &c->frames[i];
		/* Pairs with prep_new(): an ALLOC head's order is current. */
		int state = smp_load_acquire(&p->state);

		if (state == MMTWIN_FRAME_FREE) {
			*free += 1UL << p->order;
			if (move)
				move_free(z, p, mt);
			i += 1UL << p->order;
		} else if (state == MMTWIN_FRAME_ALLOC) {
			if (p->mt == MMTWIN_MT_MOVABLE)
				*movable += 1UL << p->order;
			i += 1UL << p->order;
		} else {
			i++;
		}
	}
	if (move)
		WRITE_ONCE(c->pb_mt[f->idx >> BUDDY_PB_ORDER], mt);
}

/* can_steal_fallback() */
static bool can_claim(unsigned int order, int start_mt)
{
	return order >= BUDDY_PB_ORDER / 2 ||
	       start_mt == MMTWIN_MT_RECLAIMABLE ||
	       start_mt == MMTWIN_MT_UNMOVABLE;
}

static int find_fallback(struct buddy_zone *z, unsigned int order, int mt,
			 bool *claim)
{
	struct buddy_free_area *area = &z->free_area[order];
	int i, fmt;

	if (!area->nr_free)
		return -1;
	for (i = 0; i < MMTWIN_MT_PCPTYPES - 1; i++) {
		fmt = fallbacks[mt][i];
		if (list_empty(&area->free_list[fmt]))
			continue;
		*claim = can_claim(order, mt);
		return fmt;
	}
	return -1;
}

/*
 * try_to_steal_block(): take the whole pageblock for @start_mt when the
 * block is big enough, or when at least half of it is free or used
 * compatibly; then allocate from it as the new owner.
 */
/*
 * boost_watermark(): raise the watermarks by a pageblock (up to
 * watermark_boost_factor/10000 of high) after a fallback, so the
 * reclaimer frees enough that the next one is less likely.
 */
static bool boost_watermark(struct buddy_zone *z, unsigned int factor)
{
	unsigned long max_boost;

	if (!factor || BUDDY_PB_PAGES * 4 > z->managed_pages)
		return false;
	max_boost = (unsigned long)((u64)z->wmark[BUDDY_WMARK_HIGH] * factor / 10000);
	if (!max_boost)
		return false;
	max_boost = max(BUDDY_PB_PAGES, max_boost);
	WRITE_ONCE(z->watermark_boost,
		   min(z->watermark_boost + BUDDY_PB_PAGES, max_boost));
	z->events[BUDDY_WMARK_BOOST]++;
	return true;
}

/* kswapd resets the boost once the zone is balanced; here, the reclaimer. */
void buddy_reset_boost(struct buddy_zone *z)
{
	unsigned long flags;

	buddy_lock(&z->lock, flags);
	WRITE_ONCE(z->watermark_boost, 0);
	buddy_unlock(&z->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(buddy_reset_boost);

static struct mmtwin_frame *claim_block(struct buddy_zone *z,
					struct mmtwin_frame *f,
					unsigned int cur, unsigned int order,
					int start_mt, unsigned int alloc_flags)
{
	unsigned long free, movable, alike;
	int block_mt = pageblock_mt(f);

	if (block_mt == MMTWIN_MT_HIGHATOMIC)
		return NULL;
	if (cur >= BUDDY_PB_ORDER) {
		del_free(z, f);
		set_pb_range(f, cur, start_mt);
		expand(z, f, order, cur, start_mt);
		z->events[BUDDY_STEAL_BLOCK]++;
		return f;
	}
	if (boost_watermark(z, z->boost_factor) && (alloc_flags & ALLOC_KSWAPD))
		WRITE_ONCE(z->boosted, 1);
	move_block(z, f, start_mt, false, &free, &movable);
	if (start_mt == MMTWIN_MT_MOVABLE)
		alike = movable;
	else if (block_mt == MMTWIN_MT_MOVABLE)
		alike = BUDDY_PB_PAGES - (free + movable);
	else
		alike = 0;
	if (free + alike < BUDDY_PB_PAGES / 2)
		return NULL;
	move_block(z, f, start_mt, true, &free, &movable);
	z->events[BUDDY_STEAL_BLOCK]++;
	return rmqueue_smallest(z, order, start_mt);
}

/* __rmqueue_claim(): largest fallback block first, claiming its block. */
static struct mmtwin_frame *rmqueue_claim(struct buddy_zone *z,
					  unsigned int order, int mt,
					  unsigned int alloc_flags)
{
	struct mmtwin_frame *f;
	bool claim;
	int cur, fmt;

	for (cur = BUDDY_MAX_ORDER; cur >= (int)order; cur--) {
		fmt = find_fallback(z, cur, mt, &claim);
		if (fmt < 0)
			continue;
		if (!claim)
			break;
		f = first_free(z, cur, fmt);
		f = claim_block(z, f, cur, order, mt, alloc_flags);
		if (f) {
			z->events[BUDDY_EXTFRAG]++;
			buddy_trace_extfrag(frame_pfn(f), order, cur, mt, fmt,
					    pageblock_mt(f) == mt);
			return f;
		}
	}
	return NULL;
}

/* __rmqueue_steal(): one block, leaving its pageblock's owner alone. */
static struct mmtwin_frame *rmqueue_steal(struct buddy_zone *z,
					  unsigned int order, int mt)
{
	struct mmtwin_frame *f;
	unsigned int cur;
	bool claim;
	int fmt;

	for (cur = order; cur <= BUDDY_MAX_ORDER; cur++) {
		fmt = find_fallback(z, cur, mt, &claim);
		if (fmt < 0)
			continue;
		f = first_free(z, cur, fmt);
		del_free(z, f);
		expand(z, f, order, cur, fmt);
		z->events[BUDDY_EXTFRAG]++;
		buddy_trace_extfrag(frame_pfn(f), order, cur, mt, fmt,
				    pageblock_mt(f) == mt);
		return f;
	}
	return NULL;
}

/*
 * __rmqueue(): the type's own lists, then claiming a fallback block, then
 * stealing from one. @mode remembers, across one refill, which step last
 * found something, so later rounds skip the steps known to come up empty.
 */
enum rmqueue_mode { RMQUEUE_NORMAL, RMQUEUE_CLAIM, RMQUEUE_STEAL };

static struct mmtwin_frame *rmqueue_locked(struct buddy_zone *z,
					   unsigned int order, int mt,
					   unsigned int alloc_flags,
					   enum rmqueue_mode *mode)
{
	struct mmtwin_frame *f;

	switch (*mode) {
	case RMQUEUE_NORMAL:
		f = rmqueue_smallest(z, order, mt);
		if (f)
			return f;
		fallthrough;
	case RMQUEUE_CLAIM:
		f = rmqueue_claim(z, order, mt, alloc_flags);
		if (f) {
			/* Replenished the type's own lists: back to normal. */
			*mode = RMQUEUE_NORMAL;
			return f;
		}
		fallthrough;
	case RMQUEUE_STEAL:
		f = rmqueue_steal(z, order, mt);
		if (f) {
			*mode = RMQUEUE_STEAL;
			return f;
		}
	}
	return NULL;
}

/* rmqueue_buddy(): one block straight from the free lists. */
struct mmtwin_frame *buddy_rmqueue(struct buddy_zone *z, unsigned int order,
				   int mt, unsigned int alloc_flags)
{
	enum rmqueue_mode mode = RMQUEUE_NORMAL;
	struct mmtwin_frame *f = NULL;
	unsigned long flags;

	buddy_lock(&z->lock, flags);
	if (order && (alloc_flags & ALLOC_HIGHATOMIC))
		f = rmqueue_smallest(z, order, MMTWIN_MT_HIGHATOMIC);
	if (!f)
		f = rmqueue_locked(z, order, mt, alloc_flags, &mode);
	if (!f && (alloc_flags & (ALLOC_OOM | ALLOC_NON_BLOCK)))
		f = rmqueue_smallest(z, order, MMTWIN_MT_HIGHATOMIC);
	if (f)
		z->events[BUDDY_PGALLOC] += 1UL << order;
	buddy_unlock(&z->lock, flags);
	return f;
}

/* rmqueue_bulk(): refill a pcp list under one hold of the zone lock. */
int buddy_rmqueue_bulk(struct buddy_zone *z, unsigned int order, int count,
		       struct list_head *list, int mt, unsigned int alloc_flags)
{
	enum rmqueue_mode mode = RMQUEUE_NORMAL;
	struct mmtwin_frame *f;
	unsigned long flags;
	int i;

	buddy_lock(&z->lock, flags);
	for (i = 0; i < count; i++) {
		f = rmqueue_locked(z, order, mt, alloc_flags, &mode);
		if (!f)
			break;
		f->order = order;
		/* The list it sits on, not the owner: pcp lists are per type. */
		f->mt = mt;
		WRITE_ONCE(f->state, MMTWIN_FRAME_PCP);
		list_add_tail(&f->lru, list);
	}
	z->events[BUDDY_PCP_REFILL]++;
	buddy_unlock(&z->lock, flags);
	return i;
}

/*
 * reserve_highatomic_pageblock(): keep the pageblock a high-order atomic
 * allocation came from for such allocations, up to ~1% of the zone.
 */
void buddy_reserve_highatomic(struct buddy_zone *z, struct mmtwin_frame *f,
			      unsigned int order)
{
	unsigned long max_managed, flags, free, movable;
	int mt;

	if (z->managed_pages / 100 < BUDDY_PB_PAGES)
		return;
	max_managed = ALIGN(z->managed_pages / 100, BUDDY_PB_PAGES);
	if (READ_ONCE(z->nr_reserved_highatomic) >= max_managed)
		return;

	buddy_lock(&z->lock, flags);
	if (z->nr_reserved_highatomic >= max_managed)
		goto unlock;
	mt = pageblock_mt(f);
	if (!mt_mergeable(mt))
		goto unlock;
	if (order < BUDDY_PB_ORDER) {
		move_block(z, f, MMTWIN_MT_HIGHATOMIC, true, &free, &movable);
		z->nr_reserved_highatomic += BUDDY_PB_PAGES;
	} else {
		set_pb_range(f, order, MMTWIN_MT_HIGHATOMIC);
		z->nr_reserved_highatomic += 1UL << order;
	}
unlock:
	buddy_unlock(&z->lock, flags);
}

static bool unreserve_zone(struct buddy_zone *z, int mt)
{
	struct mmtwin_frame *f;
	unsigned long size, free, movable;
	unsigned int order;

	for (order = 0; order <= BUDDY_MAX_ORDER; order++) {
		f = first_free(z, order, MMTWIN_MT_HIGHATOMIC);
		if (!f)
			continue;
		if (pageblock_mt(f) == MMTWIN_MT_HIGHATOMIC) {
			size = max(BUDDY_PB_PAGES, 1UL << order);
			size = min(size, z->nr_reserved_highatomic);
			z->nr_reserved_highatomic -= size;
		}
		if (order < BUDDY_PB_ORDER) {
			move_block(z, f, mt, true, &free, &movable);
		} else {
			move_free(z, f, mt);
			set_pb_range(f, order, mt);
		}
		return true;
	}
	return false;
}

/*
 * unreserve_highatomic_pageblock(): give a reserved block back to @mt when
 * an allocation is about to fail. Keeps one block unless @force.
 */
bool buddy_unreserve_highatomic(struct buddy *b, int mt, bool force)
{
	unsigned long flags;
	bool done;
	int i;

	for (i = 0; i < READ_ONCE(b->nr_zones); i++) {
		struct buddy_zone *z = &b->zones[i];

		if (!force && READ_ONCE(z->nr_reserved_highatomic) <= BUDDY_PB_PAGES)
			continue;
		buddy_lock(&z->lock, flags);
		done = unreserve_zone(z, mt);
		buddy_unlock(&z->lock, flags);
		if (done)
			return true;
	}
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(buddy_unreserve_highatomic);

/*
 * __zone_watermark_ok(): would @z stay above @mark (plus the reserve kept
 * from allocations that could use a higher zone) with @free free pages
 * after taking a block of @order, and does a free block of that order
 * exist that these flags may use? No CMA here.
 */
bool __buddy_watermark_ok(struct buddy_zone *z, unsigned int order,
			  unsigned long mark, int highest_zoneidx,
			  unsigned int alloc_flags, long free)
{
	long min = mark;
	unsigned int o;
	int mt;

	free -= (1L << order) - 1;
	if (alloc_flags & ALLOC_RESERVES) {
		if (alloc_flags & ALLOC_MIN_RESERVE) {
			min -= min / 2;
			if (alloc_flags & ALLOC_NON_BLOCK)
				min -= min / 4;
		}
		if (alloc_flags & ALLOC_OOM)
			min -= min / 2;
	} else {
		free -= READ_ONCE(z->nr_free_highatomic);
	}
	if (free <= min + (long)READ_ONCE(z->lowmem_reserve[highest_zoneidx]))
		return false;
	if (!order)
		return true;

	/* Lockless peek at the lists, as the kernel does. */
	for (o = order; o <= BUDDY_MAX_ORDER; o++) {
		struct buddy_free_area *area = &z->free_area[o];

		if (!READ_ONCE(area->nr_free))
			continue;
		for (mt = 0; mt < MMTWIN_MT_PCPTYPES; mt++)
			if (!list_empty(&area->free_list[mt]))
				return true;
		if ((alloc_flags & (ALLOC_HIGHATOMIC | ALLOC_OOM)) &&
		    !list_empty(&area->free_list[MMTWIN_MT_HIGHATOMIC]))
			return true;
	}
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(__buddy_watermark_ok);

/*
 * zone_watermark_fast(): the check with the zone's free pages. An order-0
 * __GFP_HIGH request checking min ignores the boost: min is where boosting
 * stops counting, so the reclaimer is still woken below low.
 */
bool buddy_watermark_ok(struct buddy_zone *z, unsigned int order,
			unsigned long mark, int highest_zoneidx,
			unsigned int alloc_flags)
{
	if (!order && (alloc_flags & ALLOC_MIN_RESERVE) &&
	    READ_ONCE(z->watermark_boost) &&
	    (alloc_flags & ALLOC_WMARK_MASK) == ALLOC_WMARK_MIN)
		mark = READ_ONCE(z->wmark[BUDDY_WMARK_MIN]);
	return __buddy_watermark_ok(z, order, mark, highest_zoneidx, alloc_flags,
				    READ_ONCE(z->nr_free_pages));
}
EXPORT_SYMBOL_IF_KUNIT(buddy_watermark_ok);

/*
 * setup_per_zone_lowmem_reserve(): a zone keeps 1/ratio of the pages of
 * the zones above it on its node from allocations that could have used
 * those zones; ratio is that of the lower zone, 0 meaning none.
 */
void buddy_setup_lowmem_reserve(struct buddy *b)
{
	int i, j, k;

	for (i = 0; i < b->nr_zones; i++) {
		struct buddy_zone *z = &b->zones[i];
		unsigned int ratio = b->tun.lowmem_reserve_ratio[z->host_idx];
		unsigned long upper = 0;

		for (j = 0; j < BUDDY_HOST_ZONES; j++) {
			if (j <= z->host_idx) {
				WRITE_ONCE(z->lowmem_reserve[j], 0);
				continue;
			}
			for (k = 0; k < b->nr_zones; k++)
				if (b->zones[k].node == z->node &&
				    b->zones[k].host_idx == j)
					upper += b->zones[k].managed_pages;
			WRITE_ONCE(z->lowmem_reserve[j],
				   ratio && z->managed_pages ? upper / ratio : 0);
		}
	}
}
EXPORT_SYMBOL_IF_KUNIT(buddy_setup_lowmem_reserve);

static unsigned long isqrt(unsigned long x)
{
	unsigned long r = 0, bit = 1UL << (BITS_PER_LONG - 2);

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

/*
 * __setup_per_zone_wmarks() over the twin's zones: min_free_kbytes
 * (computed as calculate_min_free_kbytes() does from the twin's own size
 * unless set) is shared by managed pages; low and high sit a quarter of
 * min or watermark_scale_factor/10000 of the zone above, whichever is more.
 */
void buddy_setup_wmarks(struct buddy *b)
{
	unsigned long total = 0, pages_min, tmp, flags;
	unsigned int kb = b->tun.min_free_kbytes;
	int i;

	for (i = 0; i < b->nr_zones; i++)
		total += b->zones[i].managed_pages;
	if (!kb)
		kb = clamp(isqrt(total * (PAGE_SIZE >> 10) * 16), 128UL, 262144UL);
	b->min_free_kbytes = kb;
	pages_min = kb >> (PAGE_SHIFT - 10);

	for (i = 0; i < b->nr_zones; i++) {
		struct buddy_zone *z = &b->zones[i];
		unsigned long managed = z->managed_pages;

		buddy_lock(&z->lock, flags);
		tmp = total ? (unsigned long)((u64)pages_min * managed / total) : 0;
		WRITE_ONCE(z->wmark[BUDDY_WMARK_MIN], tmp);
		tmp = max(tmp >> 2, (unsigned long)((u64)managed *
			  b->tun.watermark_scale_factor / 10000));
		WRITE_ONCE(z->wmark[BUDDY_WMARK_LOW], z->wmark[BUDDY_WMARK_MIN] + tmp);
		WRITE_ONCE(z->wmark[BUDDY_WMARK_HIGH], z->wmark[BUDDY_WMARK_LOW] + tmp);
		WRITE_ONCE(z->wmark[BUDDY_WMARK_PROMO], z->wmark[BUDDY_WMARK_HIGH] + tmp);
		WRITE_ONCE(z->watermark_boost, 0);
		WRITE_ONCE(z->boost_factor, b->tun.watermark_boost_factor);
		buddy_unlock(&z->lock, flags);
	}
	buddy_setup_lowmem_reserve(b);
}
EXPORT_SYMBOL_IF_KUNIT(buddy_setup_wmarks);

/*
 * The head of the allocated block holding @pfn, or NULL. A compound tail
 * names its head; otherwise the head is @pfn rounded down to the block's
 * order, so at most BUDDY_NR_ORDERS aligned frames are looked at. The
 * caller holds the block, so it cannot be freed or merged meanwhile.
 */
struct mmtwin_frame *buddy_block_head(struct buddy *b, unsigned long pfn)
{
	struct buddy_chunk *c = buddy_lookup(b, pfn);
	unsigned long idx = pfn & (BUDDY_CHUNK_PAGES - 1), h;
	struct mmtwin_frame *f;
	unsigned int o;

	if (!c)
		return NULL;
	f = mmtwin_frame_head(&c->frames[idx]);
	if (f != &c->frames[idx])
		return f;
	for (o = 0; o <= BUDDY_MAX_ORDER; o++) {
		h = idx & ~((1UL << o) - 1);
		f = &c->frames[h];
		/* Pairs with prep_new(): ALLOC comes with its order. */
		switch (smp_load_acquire(&f->state)) {
		case MMTWIN_FRAME_NONE:
			continue;
		case MMTWIN_FRAME_ALLOC:
			return idx < h + (1UL << f->order) ? f : NULL;
		default:
			return NULL;
		}
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(buddy_block_head);

static int map_insert(struct buddy *b, struct buddy_chunk *c)
{
	unsigned long slot = c->base_pfn >> BUDDY_MAX_ORDER;

	if (slot >= b->map_slots)
		return -ERANGE;
	/* The chunk is initialised: publish it whole. */
	smp_store_release(&b->chunk_map[slot], c);
	return 0;
}

static void map_remove(struct buddy *b, struct buddy_chunk *c)
{
	WRITE_ONCE(b->chunk_map[c->base_pfn >> BUDDY_MAX_ORDER], NULL);
}

static void zone_init(struct buddy_zone *z, int id, int node, int host_idx,
		      const char *name)
{
	unsigned int o;
	int mt, cpu;

	buddy_lock_init(&z->lock);
	for (o = 0; o <= BUDDY_MAX_ORDER; o++)
		for (mt = 0; mt < MMTWIN_MT_TYPES; mt++)
			INIT_LIST_HEAD(&z->free_area[o].free_list[mt]);
	INIT_LIST_HEAD(&z->chunks);
	buddy_for_each_cpu(cpu) {
		struct buddy_pcp *pcp = buddy_per_cpu(z->pcp, cpu);

		buddy_lock_init(&pcp->lock);
		for (mt = 0; mt < BUDDY_NR_PCP_LISTS; mt++)
			INIT_LIST_HEAD(&pcp->lists[mt]);
	}
	z->id = id;
	z->node = node;
	z->host_idx = host_idx;
	z->start_pfn = ~0UL;
	strscpy(z->name, name, sizeof(z->name));
}

/* Local node first; within a node the highest zone first, like zonelists. */
static void build_zonelists(struct buddy *b)
{
	int node, i, n, pass, idx;

	for (node = 0; node < BUDDY_MAX_NODES; node++) {
		n = 0;
		for (pass = 0; pass < 2; pass++)
			for (idx = BUDDY_HOST_ZONES - 1; idx >= 0; idx--)
				for (i = 0; i < b->nr_zones; i++) {
					struct buddy_zone *z = &b->zones[i];

					if (z->host_idx != idx ||
					    (z->node == node) != (pass == 0))
						continue;
					WRITE_ONCE(b->zonelist[node][n++], i);
				}
		while (n < BUDDY_MAX_ZONES)
			WRITE_ONCE(b->zonelist[node][n++], -1);
	}
}

static struct buddy_zone *find_zone(struct buddy *b, int node, int host_idx,
				    const char *name)
{
	struct buddy_zone *z;
	int i;

	for (i = 0; i < b->nr_zones; i++)
		if (b->zones[i].node == node && b->zones[i].host_idx == host_idx)
			return &b->zones[i];
	if (b->nr_zones == BUDDY_MAX_ZONES)
		return NULL;
	z = &b->zones[b->nr_zones];
	z->pcp = buddy_percpu_alloc(struct buddy_pcp);
	if (!z->pcp)
		return NULL;
	zone_init(z, b->nr_zones, node, host_idx, name);
	/* Readers see a zone only after it is ready; then the zonelists. */
	smp_store_release(&b->nr_zones, b->nr_zones + 1);
	build_zonelists(b);
	return z;
}

struct buddy_chunk *buddy_chunk_new(void)
{
	struct buddy_chunk *c = buddy_vzalloc(sizeof(*c));
	unsigned long i;

	if (!c)
		return NULL;
	for (i = 0; i < BUDDY_CHUNK_PAGES; i++)
		c->frames[i].idx = i;
	return c;
}
EXPORT_SYMBOL_IF_KUNIT(buddy_chunk_new);

/**
 * buddy_add_chunk - hand a borrowed max-order block to the allocator
 * @b: the allocator
 * @c: from buddy_chunk_new()
 * @pfn: first frame, aligned to 2^BUDDY_MAX_ORDER
 * @node: host node of the block
 * @host_idx: host zone index of the block
 * @zone_name: host zone name, for the twin zone
 *
 * Callers serialise calls that add or take chunks.
 * Return: 0, -EINVAL for a misaligned or known pfn, -ERANGE for a pfn
 * beyond the map buddy_init() sized, -ENOSPC when full.
 */
int buddy_add_chunk(struct buddy *b, struct buddy_chunk *c, unsigned long pfn,
		    int node, int host_idx, const char *zone_name)
{
	struct buddy_zone *z;
	unsigned long flags, i;

	if (pfn & (BUDDY_CHUNK_PAGES - 1) || buddy_lookup(b, pfn))
		return -EINVAL;
	if (b->nr_chunks >= BUDDY_MAX_CHUNKS)
		return -ENOSPC;
	if ((pfn >> BUDDY_MAX_ORDER) >= b->map_slots)
		return -ERANGE;
	z = find_zone(b, node, host_idx, zone_name);
	if (!z)
		return -ENOSPC;

	c->base_pfn = pfn;
	c->zone = z;
	for (i = 0; i < BUDDY_PB_PER_CHUNK; i++)
		c->pb_mt[i] = MMTWIN_MT_MOVABLE;
	map_insert(b, c);
	b->nr_chunks++;

	buddy_lock(&z->lock, flags);
	list_add_tail(&c->node, &z->chunks);
	z->managed_pages += BUDDY_CHUNK_PAGES;
	z->start_pfn = min(z->start_pfn, pfn);
	z->end_pfn = max(z->end_pfn, pfn + BUDDY_CHUNK_PAGES);
	add_free(z, &c->frames[0], BUDDY_MAX_ORDER, MMTWIN_MT_MOVABLE, true);
	buddy_unlock(&z->lock, flags);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(buddy_add_chunk);

/*
 * A chunk is free when its frames are all in free blocks: one of max
 * order, or pieces kept apart by pageblock type (highatomic).
 */
static bool chunk_free(struct buddy_chunk *c)
{
	unsigned long i = 0;

	while (i < BUDDY_CHUNK_PAGES) {
		struct mmtwin_frame *f = &c->frames[i];

		if (f->state != MMTWIN_FRAME_FREE)
			return false;
		i += 1UL << f->order;
	}
	return true;
}

static void unlist_chunk(struct buddy_zone *z, struct buddy_chunk *c)
{
	unsigned long i = 0, pb;

	for (pb = 0; pb < BUDDY_PB_PER_CHUNK; pb++)
		if (c->pb_mt[pb] == MMTWIN_MT_HIGHATOMIC)
			z->nr_reserved_highatomic -=
				min(z->nr_reserved_highatomic, BUDDY_PB_PAGES);
	while (i < BUDDY_CHUNK_PAGES) {
		struct mmtwin_frame *f = &c->frames[i];

		i += 1UL << f->order;
		del_free(z, f);
	}
	list_del(&c->node);
	z->managed_pages -= BUDDY_CHUNK_PAGES;
}

static struct buddy_chunk *take_from_zone(struct buddy_zone *z)
{
	struct buddy_chunk *c;
	unsigned long flags;

	buddy_lock(&z->lock, flags);
	list_for_each_entry(c, &z->chunks, node) {
		if (!chunk_free(c))
			continue;
		unlist_chunk(z, c);
		buddy_unlock(&z->lock, flags);
		return c;
	}
	buddy_unlock(&z->lock, flags);
	return NULL;
}

/**
 * buddy_take_free_chunk - take back one wholly free chunk, if any
 * @b: the allocator
 *
 * Free pages on pcp lists keep their chunk in use: drain first. The zone
 * span is left as it was (spanned pages never shrink in the kernel either).
 * Lookups may still be reading the chunk: free it after an RCU grace period.
 * Return: the chunk, no longer known to @b, or NULL.
 */
struct buddy_chunk *buddy_take_free_chunk(struct buddy *b)
{
	struct buddy_chunk *c = NULL;
	int i;

	for (i = b->nr_zones - 1; i >= 0 && !c; i--)
		c = take_from_zone(&b->zones[i]);
	if (c) {
		map_remove(b, c);
		b->nr_chunks--;
	}
	return c;
}
EXPORT_SYMBOL_IF_KUNIT(buddy_take_free_chunk);

/**
 * buddy_init - set up an empty allocator
 * @b: zeroed
 * @end_pfn: above any pfn a chunk will have (the host's last node end)
 *
 * Tunables start at the kernel's defaults.
 * Return: 0 or -ENOMEM.
 */
int buddy_init(struct buddy *b, unsigned long end_pfn)
{
	b->map_slots = (end_pfn + BUDDY_CHUNK_PAGES - 1) >> BUDDY_MAX_ORDER;
	b->chunk_map = buddy_vzalloc(b->map_slots * sizeof(*b->chunk_map));
	if (!b->chunk_map)
		return -ENOMEM;
	b->tun.watermark_scale_factor = 10;
	b->tun.watermark_boost_factor = 15000;
	b->tun.pcp_high = -1;
	b->tun.pcp_batch = -1;
	/* sysctl_lowmem_reserve_ratio's defaults */
	b->tun.lowmem_reserve_ratio[BUDDY_ZONE_DMA] = 256;
	b->tun.lowmem_reserve_ratio[BUDDY_ZONE_DMA32] = 256;
	b->tun.lowmem_reserve_ratio[BUDDY_ZONE_NORMAL] = 32;
	build_zonelists(b);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(buddy_init);

/* Frees the zones' per-CPU data; chunks must have been taken back. */
void buddy_destroy(struct buddy *b)
{
	int i;

	for (i = 0; i < b->nr_zones; i++) {
		WARN_ON_ONCE(!list_empty(&b->zones[i].chunks));
		buddy_percpu_free(b->zones[i].pcp);
	}
	buddy_vfree(b->chunk_map);
}
EXPORT_SYMBOL_IF_KUNIT(buddy_destroy);
