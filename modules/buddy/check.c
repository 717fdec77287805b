// SPDX-License-Identifier: GPL-2.0
/*
 * Buddy twin core: statistics for the kernel-format files, and the
 * invariant check the fuzzer, the KUnit suite and debugfs share.
 * Builds in userspace.
 */
#include "internal.h"

unsigned long buddy_zone_event(struct buddy_zone *z, enum buddy_event e)
{
	unsigned long sum = READ_ONCE(z->events[e]);
	int cpu;

	buddy_for_each_cpu(cpu)
		sum += READ_ONCE(buddy_per_cpu(z->pcp, cpu)->events[e]);
	return sum;
}
EXPORT_SYMBOL_IF_KUNIT(buddy_zone_event);

static void count_pageblocks(struct buddy_zone *z, struct buddy_zone_stats *st)
{
	struct buddy_chunk *c;
	unsigned long i;

	list_for_each_entry(c, &z->chunks, node)
		for (i = 0; i < BUDDY_PB_PER_CHUNK; i++)
			st->blocks_mt[c->pb_mt[i]]++;
}

/*
 * One pass over a zone under its lock: free blocks per order and type,
 * counted on the lists themselves as pagetypeinfo does, and pageblocks.
 */
void buddy_zone_stats(struct buddy_zone *z, struct buddy_zone_stats *st)
{
	struct mmtwin_frame *f;
	unsigned long flags;
	unsigned int o;
	int mt, cpu, e;

	memset(st, 0, sizeof(*st));
	buddy_lock(&z->lock, flags);
	for (o = 0; o <= BUDDY_MAX_ORDER; o++) {
		st->nr_free[o] = z->free_area[o].nr_free;
		for (mt = 0; mt < MMTWIN_MT_TYPES; mt++)
			list_for_each_entry(f, &z->free_area[o].free_list[mt], lru)
				st->nr_free_mt[mt][o]++;
	}
	st->free_pages = z->nr_free_pages;
	count_pageblocks(z, st);
	buddy_unlock(&z->lock, flags);

	buddy_for_each_cpu(cpu)
		st->pcp_pages += READ_ONCE(buddy_per_cpu(z->pcp, cpu)->count);
	st->alloc_pages = z->managed_pages - st->free_pages - st->pcp_pages;
	for (e = 0; e < BUDDY_NR_EVENTS; e++)
		st->events[e] = buddy_zone_event(z, e);
}
EXPORT_SYMBOL_IF_KUNIT(buddy_zone_stats);

/* Describe a broken invariant; returns the error buddy_check() gives. */
static __printf(3, 4) int fail(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -EUCLEAN;
}

/* Free lists against frame states, counters and pageblock owners. */
static int check_lists(struct buddy_zone *z, unsigned long *listed,
		       char *why, size_t len)
{
	unsigned long pages = 0, high = 0, n;
	struct mmtwin_frame *f;
	unsigned int o;
	int mt;

	for (o = 0; o <= BUDDY_MAX_ORDER; o++) {
		n = 0;
		for (mt = 0; mt < MMTWIN_MT_TYPES; mt++) {
			list_for_each_entry(f, &z->free_area[o].free_list[mt], lru) {
				struct buddy_chunk *c = frame_chunk(f);
				unsigned long pb = f->idx >> BUDDY_PB_ORDER, i;

				if (c->zone != z || f->state != MMTWIN_FRAME_FREE ||
				    f->order != o || f->mt != mt)
					return fail(why, len, "%s: pfn %lu on list %u/%d has state %d order %d type %d",
					     z->name, frame_pfn(f), o, mt, f->state,
					     f->order, f->mt);
				if (f->idx & ((1UL << o) - 1))
					return fail(why, len, "%s: pfn %lu misaligned for order %u",
					     z->name, frame_pfn(f), o);
				for (i = 0; i < (o > BUDDY_PB_ORDER ?
				     1UL << (o - BUDDY_PB_ORDER) : 1); i++)
					if (c->pb_mt[pb + i] != mt)
						return fail(why, len, "%s: pfn %lu free as %d in block of %d",
						     z->name, frame_pfn(f), mt,
						     c->pb_mt[pb + i]);
				n++;
				pages += 1UL << o;
				if (mt == MMTWIN_MT_HIGHATOMIC)
					high += 1UL << o;
			}
		}
		if (n != z->free_area[o].nr_free)
			return fail(why, len, "%s: order %u lists hold %lu, nr_free %lu", z->name,
			     o, n, z->free_area[o].nr_free);
	}
	if (pages != z->nr_free_pages || high != z->nr_free_highatomic)
		return fail(why, len, "%s: lists hold %lu (%lu highatomic), counters %lu (%lu)",
		     z->name, pages, high, z->nr_free_pages, z->nr_free_highatomic);
	*listed = pages;
	return 0;
}

/* Inside a block: plain frames, or tails naming the compound head. */
static bool inner_frame_ok(const struct mmtwin_frame *head,
			   const struct mmtwin_frame *f)
{
	if (head->state == MMTWIN_FRAME_ALLOC &&
	    (head->buddy_flags & MMTWIN_BF_COMPOUND))
		return f->state == MMTWIN_FRAME_TAIL && f->head == head->idx;
	return f->state == MMTWIN_FRAME_NONE;
}

/*
 * Walk every chunk frame by frame: blocks must tile it exactly (no
 * overlap, no gap), no two free buddies may be left unmerged, and every
 * FREE head must be one the lists hold.
 */
static int check_chunk(struct buddy_zone *z, struct buddy_chunk *c,
		       unsigned long *free, unsigned long *used,
		       char *why, size_t len)
{
	unsigned long i = 0, j;

	while (i < BUDDY_CHUNK_PAGES) {
		struct mmtwin_frame *f = &c->frames[i];
		unsigned long n = 1UL << f->order;

		if (f->state == MMTWIN_FRAME_NONE)
			return fail(why, len, "%s: pfn %lu belongs to no block", z->name, c->base_pfn + i);
		if (f->order > BUDDY_MAX_ORDER || (i & (n - 1)))
			return fail(why, len, "%s: pfn %lu bad order %d", z->name, c->base_pfn + i, f->order);
		for (j = 1; j < n; j++)
			if (!inner_frame_ok(f, &c->frames[i + j]))
				return fail(why, len, "%s: pfn %lu inside block at %lu has state %d head %u",
				     z->name, c->base_pfn + i + j, c->base_pfn + i,
				     c->frames[i + j].state, c->frames[i + j].head);
		/*
		 * Below pageblock order free buddies always merge. Above it,
		 * a type change of a whole free block (unreserving highatomic)
		 * can leave a pair apart until the next free, as upstream.
		 */
		if (f->state == MMTWIN_FRAME_FREE && f->order < BUDDY_PB_ORDER &&
		    c->frames[i ^ n].state == MMTWIN_FRAME_FREE &&
		    c->frames[i ^ n].order == f->order)
			return fail(why, len, "%s: free buddies at %lu and %lu, order %d", z->name,
			     c->base_pfn + i, c->base_pfn + (i ^ n), f->order);
		if (f->state == MMTWIN_FRAME_FREE)
			*free += n;
		else
			*used += n;
		i += n;
	}
	return 0;
}

static int check_zone(struct buddy_zone *z, unsigned long *not_free,
		      char *why, size_t len)
{
	unsigned long listed, free = 0, used = 0;
	struct buddy_chunk *c;
	int ret;

	ret = check_lists(z, &listed, why, len);
	list_for_each_entry(c, &z->chunks, node) {
		if (ret)
			break;
		ret = check_chunk(z, c, &free, &used, why, len);
	}
	if (ret)
		return ret;
	if (free != listed)
		return fail(why, len, "%s: %lu free in the chunks, %lu on the lists", z->name,
		     free, listed);
	if (free + used != z->managed_pages)
		return fail(why, len, "%s: blocks cover %lu of %lu pages", z->name, free + used,
		     z->managed_pages);
	*not_free = used;
	return 0;
}

/* One CPU's pcp lists, under their own lock; their pages in @pages. */
static int check_pcp(struct buddy_zone *z, int cpu, unsigned long *pages,
		     char *why, size_t len)
{
	struct buddy_pcp *p = buddy_per_cpu(z->pcp, cpu);
	struct mmtwin_frame *f;
	unsigned long n = 0, flags;
	int l, ret = 0;

	buddy_lock(&p->lock, flags);
	for (l = 0; l < BUDDY_NR_PCP_LISTS && !ret; l++)
		list_for_each_entry(f, &p->lists[l], lru) {
			if (f->state != MMTWIN_FRAME_PCP ||
			    l != buddy_pcp_index(f->order, f->mt)) {
				ret = fail(why, len, "%s: cpu %d list %d holds pfn %lu state %d",
					   z->name, cpu, l, frame_pfn(f), f->state);
				break;
			}
			n += 1UL << f->order;
		}
	if (!ret && n != (unsigned long)p->count)
		ret = fail(why, len, "%s: cpu %d pcp count %d, lists %lu", z->name,
			   cpu, p->count, n);
	buddy_unlock(&p->lock, flags);
	*pages += n;
	return ret;
}

/**
 * buddy_check - verify every invariant of @b
 * @b: the allocator; callers keep it quiet (no concurrent alloc/free)
 * @why: where to describe the first broken invariant
 * @len: size of @why
 *
 * Return: 0, or -EUCLEAN with @why filled in.
 */
int buddy_check(struct buddy *b, char *why, size_t len)
{
	unsigned long flags, used, pcp;
	int i, cpu, ret = 0;

	for (i = 0; i < b->nr_zones && !ret; i++) {
		struct buddy_zone *z = &b->zones[i];

		buddy_lock(&z->lock, flags);
		ret = check_zone(z, &used, why, len);
		buddy_unlock(&z->lock, flags);
		pcp = 0;
		buddy_for_each_cpu(cpu)
			if (!ret)
				ret = check_pcp(z, cpu, &pcp, why, len);
		if (!ret && pcp > used)
			ret = fail(why, len, "%s: %lu pcp pages but only %lu not free",
				   z->name, pcp, used);
	}
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(buddy_check);
