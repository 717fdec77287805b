/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmtwin_buddy: the twin page allocator other twins allocate from.
 *
 * Pages come from the twin's arena (borrowed from the host at load) and
 * must go back to it with mmtwin_free_pages(), never __free_pages() or
 * put_page(). The GFP flags mean what they mean to alloc_pages(): the
 * migrate type comes from __GFP_MOVABLE / __GFP_RECLAIMABLE, the zone
 * modifiers (__GFP_DMA, __GFP_DMA32) bound the zones as gfp_zone() does,
 * __GFP_THISNODE keeps to one node, __GFP_COMP makes a compound block.
 *
 * Each frame has a struct mmtwin_frame (<mmtwin/buddy_types.h>) in the
 * twin's own array; while a block is allocated its head frame's lru,
 * slab_cache, private, freelist/counters (owner_data) and owner_flags
 * belong to the caller.
 */
#ifndef _MMTWIN_BUDDY_H
#define _MMTWIN_BUDDY_H

#include <linux/gfp.h>
#include <linux/mm_types.h>
#include <mmtwin/buddy_types.h>

/*
 * Allocation. mmtwin_alloc_pages_node() walks @nid's zonelist (local node
 * first, then the others; NUMA_NO_NODE: this CPU's node), or with
 * __GFP_THISNODE only @nid's zones. NULL for an invalid @nid.
 */
struct page *mmtwin_alloc_pages(gfp_t gfp, unsigned int order);
struct page *mmtwin_alloc_pages_node(int nid, gfp_t gfp, unsigned int order);
void mmtwin_free_pages(struct page *page, unsigned int order);
/* Fills the NULL slots of @pages; a slot holding any page is left alone. */
unsigned long mmtwin_alloc_pages_bulk(gfp_t gfp, unsigned long nr,
				      struct page **pages);

/*
 * Frame <-> page <-> address; NULL for a page outside the arena.
 * mmtwin_virt_to_frame() takes any address inside an allocated block of
 * the arena (a slab object, say) and returns the block's head frame in
 * O(1), as virt_to_slab() does: a compound tail names its head; without
 * __GFP_COMP the head is found among the block-aligned frames below (at
 * most MAX_PAGE_ORDER + 1 looks). NULL for an address outside the arena
 * or in no allocated block. The caller must hold the block, or look up
 * inside rcu_read_lock(): a chunk given back to the host stays the twin's
 * (its frames readable, every page held) until a grace period has passed.
 */
struct mmtwin_frame *mmtwin_page_frame(struct page *page);
struct mmtwin_frame *mmtwin_virt_to_frame(const void *addr);
struct page *mmtwin_frame_page(const struct mmtwin_frame *frame);
unsigned long mmtwin_frame_pfn(const struct mmtwin_frame *frame);
void *mmtwin_frame_address(const struct mmtwin_frame *frame);

/**
 * struct mmtwin_zone_info - a snapshot of one twin zone
 * @name: the host zone's name ("DMA32", "Normal")
 * @node: the node
 * @host_zone: the host's enum zone_type of the zone
 * @managed: pages the zone holds
 * @free: pages on the buddy lists (NR_FREE_PAGES)
 * @free_highatomic: of which in highatomic reserves
 * @pcp: pages on the per-CPU lists
 * @reclaimable: what the reclaimer says it could free (its ->reclaimable)
 * @min: min watermark (wmark_pages(): boost included), pages
 * @low: low watermark, pages
 * @high: high watermark, pages
 * @boost: watermark boost, pages
 * @lowmem_reserve: pages kept from allocations whose highest zone is
 *	the index (zoneinfo's "protection")
 * @unreclaimable: 16 direct reclaims in a row on the node freed nothing
 * @pcp_batch: the per-CPU lists' batch (zone_batchsize())
 * @pcp_high_min: their high, lower bound of its tuning (zone_highsize())
 * @pcp_high_max: upper bound
 */
struct mmtwin_zone_info {
	char name[16];
	int node;
	int host_zone;
	unsigned long managed;
	unsigned long free;
	unsigned long free_highatomic;
	unsigned long pcp;
	unsigned long reclaimable;
	unsigned long min, low, high;
	unsigned long boost;
	unsigned long lowmem_reserve[MAX_NR_ZONES];
	bool unreclaimable;
	int pcp_batch, pcp_high_min, pcp_high_max;
};

/*
 * The arena: its size in MB, and a resize to @mb (a multiple of the
 * max-order block size): growing borrows from the host, all or nothing;
 * shrinking gives back wholly free chunks (-EBUSY when too few are free).
 * As a write to /sys/kernel/mmtwin/buddy/arena_mb.
 */
unsigned int mmtwin_buddy_arena_mb(void);
int mmtwin_buddy_resize(unsigned int mb);

int mmtwin_buddy_nr_zones(void);
int mmtwin_buddy_zone_info(int zone, struct mmtwin_zone_info *info);
bool mmtwin_buddy_node_unreclaimable(int nid);

/*
 * __zone_watermark_ok() for twin zone @zone: would it stay above @mark
 * plus its lowmem_reserve[@highest_zoneidx] after a block of @order, with
 * the reserves @alloc_flags (MMTWIN_ALLOC_*) allow, and is there a free
 * block of @order those flags may use? @mark from mmtwin_zone_info.
 */
bool mmtwin_buddy_watermark_ok(int zone, unsigned int order, unsigned long mark,
			       int highest_zoneidx, unsigned int alloc_flags);

/* What kswapd does once a boosted zone is balanced: drop the boost. */
void mmtwin_buddy_reset_boost(int zone);

/*
 * The reclaimer's hooks (struct mmtwin_reclaim_ops): one at a time
 * (-EBUSY otherwise). Hooks run under SRCU, never under a twin lock;
 * unregistering waits until no hook is running.
 */
int mmtwin_buddy_register_reclaim(const struct mmtwin_reclaim_ops *ops);
void mmtwin_buddy_unregister_reclaim(const struct mmtwin_reclaim_ops *ops);

/**
 * struct mmtwin_shrink_control - one shrink request (struct shrink_control)
 * @gfp_mask: the allocation context reclaiming
 * @nid: the node being reclaimed
 * @nr_to_scan: objects to scan in this call
 * @nr_scanned: objects scanned (preset to @nr_to_scan)
 */
struct mmtwin_shrink_control {
	gfp_t gfp_mask;
	int nid;
	unsigned long nr_to_scan;
	unsigned long nr_scanned;
};

/**
 * struct mmtwin_shrinker - a cache on the twin that can give memory back
 * @count_objects: objects it could free now (0 or SHRINK_EMPTY: none);
 *	must not sleep long
 * @scan_objects: free up to sc->nr_to_scan, set sc->nr_scanned if it
 *	looked at a different number; return the number freed, or
 *	SHRINK_STOP when it cannot go on (wrong gfp context, say)
 * @seeks: cost of recreating an object, DEFAULT_SEEKS usually; 0 scans
 *	half of what is freeable whatever the priority
 * @batch: objects per scan_objects call; 0 for SHRINK_BATCH (128)
 * @private_data: the owner's
 * @list: the twin's
 *
 * The same contract as struct shrinker, so the slab twin's callbacks can
 * be written as for the kernel; no memcg and no deferred counts.
 */
struct mmtwin_shrinker {
	unsigned long (*count_objects)(struct mmtwin_shrinker *s,
				       struct mmtwin_shrink_control *sc);
	unsigned long (*scan_objects)(struct mmtwin_shrinker *s,
				      struct mmtwin_shrink_control *sc);
	int seeks;
	long batch;
	void *private_data;
	struct list_head list;
};

/*
 * Registration: -EINVAL without both callbacks. Unregistering waits for
 * running scans. A reclaimer calls mmtwin_buddy_shrink_slab() (priority
 * 12 scans 1/4096 of each cache, 0 all of it) and gets objects freed;
 * without a reclaimer, the twin's direct reclaim calls it itself.
 */
int mmtwin_buddy_register_shrinker(struct mmtwin_shrinker *s);
void mmtwin_buddy_unregister_shrinker(struct mmtwin_shrinker *s);
unsigned long mmtwin_buddy_shrink_slab(gfp_t gfp, int nid, int priority);
/* Each registered shrinker under SRCU, until @fn returns false. */
struct mmtwin_shrinker_walk {
	bool (*fn)(struct mmtwin_shrinker *s, void *arg);
	void *arg;
};
void mmtwin_buddy_walk_shrinkers(const struct mmtwin_shrinker_walk *walk);

/* Give every per-CPU list back to the buddy lists. */
void mmtwin_buddy_drain(void);

#endif /* _MMTWIN_BUDDY_H */
