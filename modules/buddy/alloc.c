// SPDX-License-Identifier: GPL-2.0
/*
 * Buddy twin core: what callers go through. GFP flags, the per-CPU page
 * lists, the zonelist walk with watermark checks, and the slow path with
 * the reclaim hooks. Builds in userspace.
 *
 * Lock order: pcp->lock (with interrupts off), then zone->lock.
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

static int pcp_index(unsigned int order, int mt)
{
	return order * MMTWIN_MT_PCPTYPES + mt;
}

/* The pcp list of this CPU, locked, with interrupts off. */
static struct buddy_pcp *pcp_lock(struct buddy_zone *z, unsigned long *flags)
	__acquires(&pcp->lock)
{
	struct buddy_pcp *pcp;

	buddy_irq_save(*flags);
	pcp = buddy_this_cpu(z->pcp);
	buddy_spin_lock(&pcp->lock);
	return pcp;
}

static void pcp_unlock(struct buddy_pcp *pcp, unsigned long flags)
	__releases(&pcp->lock)
{
	buddy_spin_unlock(&pcp->lock);
	buddy_irq_restore(flags);
}

/*
 * free_pcppages_bulk(): give @pages pages back to the buddy lists, oldest
 * first, taking lists in turn. Each goes to its pageblock's current type.
 */
static void pcp_free_bulk(struct buddy_zone *z, struct buddy_pcp *pcp,
			  int pages)
{
	struct mmtwin_frame *f;
	unsigned long flags;
	int i = 0, empty = 0;

	buddy_lock(&z->lock, flags);
	while (pages > 0 && pcp->count > 0 && empty < BUDDY_NR_PCP_LISTS) {
		struct list_head *list = &pcp->lists[i];

		i = (i + 1) % BUDDY_NR_PCP_LISTS;
		if (list_empty(list)) {
			empty++;
			continue;
		}
		empty = 0;
		f = list_last_entry(list, struct mmtwin_frame, lru);
		list_del(&f->lru);
		pcp->count -= 1 << f->order;
		pages -= 1 << f->order;
		pcp->events[BUDDY_PCP_DRAIN] += 1UL << f->order;
		buddy_trace_pcpu_drain(frame_pfn(f), f->order, f->mt);
		WRITE_ONCE(f->state, MMTWIN_FRAME_NONE);
		buddy_free_one(z, f, f->order);
	}
	buddy_unlock(&z->lock, flags);
}

#define PCP_BATCH_SCALE_MAX	5	/* CONFIG_PCP_BATCH_SCALE_MAX's default */

/*
 * nr_pcp_alloc() without high auto-tuning: order-0 refills double (up to
 * 32 batches, and leaving room under high) while allocations keep coming
 * without frees; higher orders take a batch scaled down by order.
 */
static int pcp_refill_count(struct buddy_pcp *pcp, unsigned int order)
{
	int base = max(READ_ONCE(pcp->batch), 1), high = READ_ONCE(pcp->high);
	int batch, max_nr;

	if (order)
		return max(base >> order, 2);
	batch = base << pcp->alloc_factor;
	max_nr = max(high - pcp->count - base, base);
	if (batch <= max_nr && pcp->alloc_factor < PCP_BATCH_SCALE_MAX)
		pcp->alloc_factor++;
	return min(batch, max_nr);
}

/* nr_pcp_free(): a run of frees drains more at a time, keeping a batch. */
static int pcp_drain_count(struct buddy_pcp *pcp, int high)
{
	int batch = max(READ_ONCE(pcp->batch), 1);

	if (high < 2 * batch)
		return batch;
	return clamp(pcp->free_count, batch, high - batch);
}

/*
 * __rmqueue_pcplist(): take from the list, refilling it when empty. A bulk
 * caller that still wants @want pages refills up to that many at once (at
 * most high), where upstream doubles its batch on consecutive refills.
 */
static struct mmtwin_frame *pcp_take(struct buddy_zone *z,
				     struct buddy_pcp *pcp, unsigned int order,
				     int mt, unsigned int alloc_flags, int want)
{
	struct list_head *list = &pcp->lists[pcp_index(order, mt)];
	struct mmtwin_frame *f;
	int got, count;

	if (list_empty(list)) {
		count = pcp_refill_count(pcp, order);
		count = max(count, min(want, READ_ONCE(pcp->high)));
		got = buddy_rmqueue_bulk(z, order, count, list, mt, alloc_flags);
		pcp->count += got << order;
	}
	f = list_first_entry_or_null(list, struct mmtwin_frame, lru);
	if (f) {
		list_del(&f->lru);
		pcp->count -= 1 << order;
		pcp->free_count >>= 1;
		pcp->events[BUDDY_PGALLOC] += 1UL << order;
	}
	return f;
}

static struct mmtwin_frame *pcp_alloc(struct buddy_zone *z,
				      unsigned int order, int mt,
				      unsigned int alloc_flags)
{
	struct mmtwin_frame *f;
	struct buddy_pcp *pcp;
	unsigned long flags;

	pcp = pcp_lock(z, &flags);
	f = pcp_take(z, pcp, order, mt, alloc_flags, 1);
	pcp_unlock(pcp, flags);
	return f;
}

static void pcp_free(struct buddy_zone *z, struct mmtwin_frame *f,
		     unsigned int order)
{
	struct buddy_pcp *pcp;
	unsigned long flags;
	int mt = pageblock_mt(f), high;

	/* Highatomic pages are cached on the movable lists, as upstream. */
	if (mt >= MMTWIN_MT_PCPTYPES)
		mt = MMTWIN_MT_MOVABLE;
	pcp = pcp_lock(z, &flags);
	pcp->events[BUDDY_PGFREE] += 1UL << order;
	high = READ_ONCE(pcp->high);
	if (!high) {
		/* pcp lists disabled: straight to the buddy lists. */
		pcp_unlock(pcp, flags);
		buddy_lock(&z->lock, flags);
		buddy_free_one(z, f, order);
		buddy_unlock(&z->lock, flags);
		return;
	}
	f->mt = mt;
	f->order = order;
	WRITE_ONCE(f->state, MMTWIN_FRAME_PCP);
	list_add(&f->lru, &pcp->lists[pcp_index(order, mt)]);
	pcp->count += 1 << order;
	pcp->alloc_factor >>= 1;
	if (pcp->free_count < (READ_ONCE(pcp->batch) << PCP_BATCH_SCALE_MAX))
		pcp->free_count += 1 << order;
	if (pcp->count >= high)
		pcp_free_bulk(z, pcp, pcp_drain_count(pcp, high));
	pcp_unlock(pcp, flags);
}

static struct mmtwin_frame *rmqueue(struct buddy_zone *z, unsigned int order,
				    int mt, unsigned int alloc_flags)
{
	/* Like the kernel, highatomic requests skip the pcp lists. */
	if (order <= BUDDY_COSTLY_ORDER && !(alloc_flags & ALLOC_HIGHATOMIC) &&
	    READ_ONCE(buddy_raw_cpu(z->pcp)->high))
		return pcp_alloc(z, order, mt, alloc_flags);
	return buddy_rmqueue(z, order, mt, alloc_flags);
}

static struct buddy_zone *twin_zonelist_zone(struct buddy *b, int node, int i)
{
	int id;

	if (i >= BUDDY_MAX_ZONES)
		return NULL;
	id = READ_ONCE(b->zonelist[node][i]);
	return id < 0 ? NULL : &b->zones[id];
}

static int local_list(void)
{
	int node = buddy_node_id();

	return node < BUDDY_MAX_NODES ? node : 0;
}

/* get_page_from_freelist(): first zone above its mark that has a block. */
static struct mmtwin_frame *get_from_freelist(struct buddy *b,
					      unsigned int order, int mt,
					      unsigned int alloc_flags)
{
	int node = local_list(), i;
	struct mmtwin_frame *f;
	struct buddy_zone *z;

	for (i = 0; (z = twin_zonelist_zone(b, node, i)); i++) {
		if (!(alloc_flags & ALLOC_NO_WATERMARKS) &&
		    !buddy_watermark_ok(z, order,
					zone_wmark(z, alloc_flags & ALLOC_WMARK_MASK),
					alloc_flags))
			continue;
		f = rmqueue(z, order, mt, alloc_flags);
		if (!f)
			continue;
		if (order && (alloc_flags & ALLOC_HIGHATOMIC))
			buddy_reserve_highatomic(z, f, order);
		return f;
	}
	return NULL;
}

static void wake_reclaim(struct buddy *b, unsigned int order)
{
	const struct mmtwin_reclaim_ops *ops;
	struct buddy_zone *z = twin_zonelist_zone(b, local_list(), 0);
	unsigned long flags;

	if (!z)
		return;
	z->events[BUDDY_KSWAPD_WAKE]++;	/* racy count, like a vm event */
	buddy_lock(&b->reclaim_lock, flags);
	ops = b->reclaim;
	if (ops && ops->wake)
		ops->wake(ops->data, z->id, order);
	buddy_unlock(&b->reclaim_lock, flags);
}

/*
 * Direct reclaim: the hook may sleep, so it is called without locks; the
 * reclaimer must unregister (buddy_set_reclaim(NULL)) and wait for its
 * callers before it goes away. Without a reclaimer, what the other CPUs
 * cache on their pcp lists is all that can be had.
 */
static unsigned long direct_reclaim(struct buddy *b, gfp_t gfp,
				    unsigned int order)
{
	const struct mmtwin_reclaim_ops *ops = READ_ONCE(b->reclaim);
	struct buddy_zone *z = twin_zonelist_zone(b, local_list(), 0);
	unsigned long progress = 0;

	buddy_might_sleep();
	if (z)
		z->events[BUDDY_ALLOCSTALL]++;
	if (ops && ops->reclaim)
		progress = ops->reclaim(ops->data, gfp, order);
	buddy_drain_all(b);
	return progress;
}

static bool should_retry(gfp_t gfp, unsigned int order)
{
	if (gfp & __GFP_NOFAIL)
		return true;
	if (gfp & __GFP_NORETRY)
		return false;
	/* Costly orders give up after one round unless asked not to. */
	return order <= BUDDY_COSTLY_ORDER || (gfp & __GFP_RETRY_MAYFAIL);
}

/*
 * __alloc_pages_slowpath(): wake the background reclaimer, retry with the
 * reserves the flags allow (min watermark and below), then, if the caller
 * may sleep, reclaim directly and retry while it helps.
 */
static struct mmtwin_frame *slowpath(struct buddy *b, gfp_t gfp,
				     unsigned int order, int mt)
{
	unsigned int alloc_flags = buddy_gfp_to_alloc_flags(gfp, order);
	struct mmtwin_frame *f;
	int no_progress = 0;

	if (alloc_flags & ALLOC_KSWAPD)
		wake_reclaim(b, order);
	f = get_from_freelist(b, order, mt, alloc_flags);
	if (f || !(gfp & __GFP_DIRECT_RECLAIM))
		return f;
	for (;;) {
		if (!direct_reclaim(b, gfp, order))
			no_progress++;
		f = get_from_freelist(b, order, mt, alloc_flags);
		if (f || !should_retry(gfp, order))
			return f;
		if (buddy_unreserve_highatomic(b, mt, no_progress > 1))
			continue;
		if (gfp & __GFP_NOFAIL) {
			/* __alloc_pages_cpuset_fallback(.., ALLOC_MIN_RESERVE) */
			f = get_from_freelist(b, order, mt, ALLOC_MIN_RESERVE);
			if (f)
				return f;
			buddy_cond_resched();
			continue;
		}
		if (no_progress >= 16)		/* MAX_RECLAIM_RETRIES */
			return NULL;
	}
}

static void prep_new(struct mmtwin_frame *f, gfp_t gfp, unsigned int order,
		     int mt)
{
	WRITE_ONCE(f->state, MMTWIN_FRAME_ALLOC);
	f->order = order;
	f->mt = mt;
	f->private = 0;
	f->owner_flags = 0;
	f->owner_data[0] = 0;
	f->owner_data[1] = 0;
	f->owner_data[2] = 0;
	INIT_LIST_HEAD(&f->lru);
	if (gfp & __GFP_ZERO)
		buddy_zero_pfns(frame_pfn(f), 1UL << order);
}

static void alloc_failed(struct buddy *b, gfp_t gfp, unsigned int order)
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

/**
 * buddy_alloc - allocate a block of 2^@order frames
 * @b: the allocator
 * @gfp: GFP flags, with the kernel's meaning
 * @order: 0..BUDDY_MAX_ORDER
 *
 * Return: the head frame, state MMTWIN_FRAME_ALLOC, or NULL.
 */
struct mmtwin_frame *buddy_alloc(struct buddy *b, gfp_t gfp, unsigned int order)
{
	int mt = buddy_gfp_migratetype(gfp);
	struct mmtwin_frame *f;

	if (order > BUDDY_MAX_ORDER) {
		WARN_ON_ONCE(!(gfp & __GFP_NOWARN));
		return NULL;
	}
	if (!(gfp & __GFP_NOFAIL) && buddy_should_fail(gfp, order)) {
		struct buddy_zone *z = twin_zonelist_zone(b, local_list(), 0);

		if (z)
			z->events[BUDDY_FAULT_INJECTED]++;
		alloc_failed(b, gfp, order);
		return NULL;
	}
	f = get_from_freelist(b, order, mt, BUDDY_WMARK_LOW);
	if (!f)
		f = slowpath(b, gfp, order, mt);
	if (!f) {
		alloc_failed(b, gfp, order);
		return NULL;
	}
	prep_new(f, gfp, order, mt);
	buddy_trace_alloc(frame_pfn(f), order, gfp, mt);
	return f;
}
EXPORT_SYMBOL_IF_KUNIT(buddy_alloc);

/* Fill NULL slots from one zone's pcp list under one lock hold. */
static unsigned long bulk_fast(struct buddy_zone *z, gfp_t gfp,
			       unsigned long nr, struct mmtwin_frame **frames)
{
	int mt = buddy_gfp_migratetype(gfp);
	struct mmtwin_frame *f;
	struct buddy_pcp *pcp;
	unsigned long flags, i, got = 0, need = 0;

	for (i = 0; i < nr; i++)
		need += !frames[i];
	pcp = pcp_lock(z, &flags);
	for (i = 0; i < nr; i++) {
		if (frames[i])
			continue;
		f = pcp_take(z, pcp, 0, mt, BUDDY_WMARK_LOW, need - got);
		if (!f)
			break;
		frames[i] = f;
		got++;
	}
	pcp_unlock(pcp, flags);
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
	struct buddy_zone *z = twin_zonelist_zone(b, local_list(), 0);
	unsigned long i, filled = 0, need = 0, got = 0;

	for (i = 0; i < nr; i++)
		if (!frames[i])
			need++;
	if (!need)
		return nr;
	if (z && !(gfp & __GFP_NOFAIL) && !buddy_should_fail(gfp, 0) &&
	    READ_ONCE(buddy_raw_cpu(z->pcp)->high) &&
	    buddy_watermark_ok(z, 0, zone_wmark(z, BUDDY_WMARK_LOW) + need, 0))
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

/**
 * buddy_free - give back a block from buddy_alloc()
 * @b: the allocator
 * @f: its head frame
 * @order: the order it was allocated with
 *
 * Return: 0, or -EINVAL (counted and reported, like the kernel's bad_page()
 * but without tainting anything) for a frame that is not an allocated head
 * of that order: nothing is changed then.
 */
int buddy_free(struct buddy *b, struct mmtwin_frame *f, unsigned int order)
{
	struct buddy_zone *z = frame_chunk(f)->zone;
	unsigned long flags;
	int state = READ_ONCE(f->state);

	if (state != MMTWIN_FRAME_ALLOC || f->order != order) {
		z->events[BUDDY_BAD_FREE]++;	/* racy count, like a vm event */
		buddy_report_bad_free(frame_pfn(f), order, state, f->order);
		return -EINVAL;
	}
	buddy_trace_free(frame_pfn(f), order);
	WRITE_ONCE(f->state, MMTWIN_FRAME_NONE);
	if (order <= BUDDY_COSTLY_ORDER) {
		pcp_free(z, f, order);
		return 0;
	}
	buddy_lock(&z->lock, flags);
	z->events[BUDDY_PGFREE] += 1UL << order;
	buddy_free_one(z, f, order);
	buddy_unlock(&z->lock, flags);
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
			pcp_free_bulk(z, pcp, pcp->count);
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

/*
 * zone_batchsize() and zone_highsize() with percpu_pagelist_high_fraction
 * at 0, unless the tunables fix them. Lists over the new high drain later,
 * on their next free.
 */
static void zone_pcp_sizes(struct buddy *b, struct buddy_zone *z, int *high,
			   int *batch)
{
	unsigned long bt, hi;
	int cpus = 0, cpu;

	buddy_for_each_cpu(cpu)
		cpus++;
	bt = min(z->managed_pages >> 10, (unsigned long)(SZ_1M / PAGE_SIZE)) / 4;
	bt = max(bt, 1UL);
	bt = rounddown_pow_of_two(bt + bt / 2) - 1;
	bt = max(bt, 1UL);
	hi = zone_wmark(z, BUDDY_WMARK_LOW) / (cpus * 2);
	hi = max(hi, bt << 2);
	*batch = b->tun.pcp_batch >= 0 ? b->tun.pcp_batch : bt;
	*high = b->tun.pcp_high >= 0 ? b->tun.pcp_high : hi;
}

void buddy_update_pcp(struct buddy *b)
{
	int i, cpu, high, batch;

	for (i = 0; i < b->nr_zones; i++) {
		struct buddy_zone *z = &b->zones[i];

		zone_pcp_sizes(b, z, &high, &batch);
		buddy_for_each_cpu(cpu) {
			struct buddy_pcp *pcp = buddy_per_cpu(z->pcp, cpu);

			WRITE_ONCE(pcp->high, high);
			WRITE_ONCE(pcp->batch, batch);
		}
	}
}
EXPORT_SYMBOL_IF_KUNIT(buddy_update_pcp);

/* Install (or, with NULL, remove) the reclaimer's hooks. */
void buddy_set_reclaim(struct buddy *b, const struct mmtwin_reclaim_ops *ops)
{
	unsigned long flags;

	buddy_lock(&b->reclaim_lock, flags);
	WRITE_ONCE(b->reclaim, ops);
	buddy_unlock(&b->reclaim_lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(buddy_set_reclaim);
