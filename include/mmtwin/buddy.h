/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmtwin_buddy: the twin page allocator other twins allocate from.
 *
 * Pages come from the twin's arena (borrowed from the host at load) and
 * must go back to it with mmtwin_free_pages(), never __free_pages(). The
 * GFP flags mean what they mean to alloc_pages(); the migrate type comes
 * from __GFP_MOVABLE / __GFP_RECLAIMABLE.
 *
 * Each frame has a struct mmtwin_frame (<mmtwin/buddy_types.h>) in the
 * twin's own array; while a block is allocated its head frame's lru,
 * private, owner_data (or the slab fields) and owner_flags belong to the
 * caller.
 */
#ifndef _MMTWIN_BUDDY_H
#define _MMTWIN_BUDDY_H

#include <linux/gfp.h>
#include <linux/mm_types.h>
#include <mmtwin/buddy_types.h>

struct page *mmtwin_alloc_pages(gfp_t gfp, unsigned int order);
void mmtwin_free_pages(struct page *page, unsigned int order);
unsigned long mmtwin_alloc_pages_bulk(gfp_t gfp, unsigned long nr,
				      struct page **pages);

/* Frame <-> page; NULL for a page outside the arena. */
struct mmtwin_frame *mmtwin_page_frame(struct page *page);
struct page *mmtwin_frame_page(const struct mmtwin_frame *frame);
unsigned long mmtwin_frame_pfn(const struct mmtwin_frame *frame);

/* A snapshot of one twin zone, for reclaimers and reports. */
struct mmtwin_zone_info {
	char name[16];
	int node;
	unsigned long managed;
	unsigned long free;		/* on the buddy lists */
	unsigned long pcp;		/* on the per-CPU lists */
	unsigned long min, low, high;	/* watermarks, pages */
};

int mmtwin_buddy_nr_zones(void);
int mmtwin_buddy_zone_info(int zone, struct mmtwin_zone_info *info);

/*
 * The reclaimer's hooks: one at a time (-EBUSY otherwise). Unregistering
 * waits until no allocation is inside a hook.
 */
int mmtwin_buddy_register_reclaim(const struct mmtwin_reclaim_ops *ops);
void mmtwin_buddy_unregister_reclaim(const struct mmtwin_reclaim_ops *ops);

/* Give every per-CPU list back to the buddy lists. */
void mmtwin_buddy_drain(void);

#endif /* _MMTWIN_BUDDY_H */
