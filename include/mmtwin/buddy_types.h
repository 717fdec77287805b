/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types the buddy twin shares between its core algorithm, its kernel glue,
 * the modules built on top of it and the userspace harness. Nothing here
 * depends on struct page, so the core builds in userspace unchanged.
 */
#ifndef _MMTWIN_BUDDY_TYPES_H
#define _MMTWIN_BUDDY_TYPES_H

/* In userspace these come from tools/testing/buddy/include/linux/. */
#include <linux/build_bug.h>
#include <linux/list.h>
#include <linux/types.h>

/* Migrate types, numbered like enum migratetype so trace output matches. */
enum mmtwin_mt {
	MMTWIN_MT_UNMOVABLE,
	MMTWIN_MT_MOVABLE,
	MMTWIN_MT_RECLAIMABLE,
	MMTWIN_MT_PCPTYPES,			/* types with pcp lists */
	MMTWIN_MT_HIGHATOMIC = MMTWIN_MT_PCPTYPES,
	MMTWIN_MT_TYPES
};

/* Frame states; only the first frame of a block carries one of the first four. */
enum mmtwin_frame_state {
	MMTWIN_FRAME_NONE,		/* inside a block, or never used */
	MMTWIN_FRAME_FREE,		/* head of a block on a buddy free list */
	MMTWIN_FRAME_PCP,		/* head of a block on a per-CPU list */
	MMTWIN_FRAME_ALLOC,		/* head of a block handed out */
	MMTWIN_FRAME_TAIL,		/* inside a __GFP_COMP block: see @head */
};

/*
 * owner_flags bits. The owner's while the block is allocated; the twin
 * clears them on allocation and sets only MMTWIN_OF_PFMEMALLOC (the block
 * came from below the min watermark, like page_is_pfmemalloc()).
 */
enum mmtwin_owner_flag {
	MMTWIN_OF_SLAB		= 1 << 0,	/* a slab (PG_slab / page_type) */
	MMTWIN_OF_NODE_PARTIAL	= 1 << 1,	/* on a node's partial list */
	MMTWIN_OF_PFMEMALLOC	= 1 << 2,	/* from the emergency reserves */
	MMTWIN_OF_OWNER0	= 1 << 4,	/* 4..7: free for the owner */
};

/* Twin-private frame flags (@buddy_flags). */
#define MMTWIN_BF_COMPOUND	(1U << 0)	/* head of a __GFP_COMP block */

/**
 * struct mmtwin_frame - the twin's metadata for one borrowed page frame
 * @lru: free or per-CPU list link; the owner's to use while allocated
 * @slab_list: slab view of @lru
 * @next: slab view: next slab on a per-CPU partial list
 * @slabs: slab view: slabs on that list from here on
 * @freelist: slab view: first free object
 * @counters: slab view: @inuse, @objects and @frozen as one word
 * @inuse: slab view: objects handed out
 * @objects: slab view: objects in the slab
 * @frozen: slab view: owned by one CPU
 * @freelist_counter: @freelist and @counters as one 128-bit word, for
 *	try_cmpxchg128() (system_has_cmpxchg128()), as struct slab's
 * @slab_cache: slab view: the cache this slab belongs to
 * @private: the owner's while allocated
 * @owner_data: @freelist and @counters for owners that are not a slab layer
 * @state: enum mmtwin_frame_state
 * @order: order of the block this frame heads
 * @mt: free list type while free; requested type while allocated
 * @owner_flags: enum mmtwin_owner_flag
 * @idx: index within its chunk, to find the chunk without a lookup
 * @head: tail frames of a compound block: @idx of the head frame
 * @buddy_flags: the twin's own (MMTWIN_BF_*)
 *
 * This lives in the twin's own array, never in the host's struct page.
 * The layout mirrors 6.12's struct slab where the slab twin needs it:
 * @freelist and @counters are adjacent and 16-byte aligned, and a frame
 * is 64 bytes, so a frame never straddles a cache line.
 */
struct mmtwin_frame {
	union {
		struct list_head lru;
		struct list_head slab_list;
		struct {
			struct mmtwin_frame *next;
			int slabs;
		};
	};
	void *slab_cache;
	unsigned long private;
	union {
		struct {
			void *freelist;
			union {
				unsigned long counters;
				struct {
					unsigned inuse:16;
					unsigned objects:15;
					unsigned frozen:1;
				};
			};
		};
#ifdef __SIZEOF_INT128__
		unsigned __int128 freelist_counter;
#endif
		unsigned long owner_data[2];
	};
	unsigned char state;
	unsigned char order;
	unsigned char mt;
	unsigned char owner_flags;
	unsigned short idx;
	unsigned short head;
	unsigned int buddy_flags;
	unsigned int __pad;
} __aligned(64);

static_assert(sizeof(struct mmtwin_frame) == 64);
static_assert(offsetof(struct mmtwin_frame, freelist) % 16 == 0);
static_assert(offsetof(struct mmtwin_frame, counters) ==
	      offsetof(struct mmtwin_frame, freelist) + sizeof(void *));

/**
 * mmtwin_frame_head - the head frame of the compound block @f is part of
 * @f: any frame of an allocated block
 *
 * A frame of a __GFP_COMP block finds its head in O(1), like
 * compound_head(); any other frame is its own head.
 */
static inline struct mmtwin_frame *mmtwin_frame_head(struct mmtwin_frame *f)
{
	if (READ_ONCE(f->state) == MMTWIN_FRAME_TAIL)
		return f - f->idx + READ_ONCE(f->head);
	return f;
}

/* Allocation flags for mmtwin_buddy_watermark_ok(), as in mm/internal.h. */
#define MMTWIN_ALLOC_WMARK_MIN		0x00
#define MMTWIN_ALLOC_WMARK_LOW		0x01
#define MMTWIN_ALLOC_WMARK_HIGH		0x02
#define MMTWIN_ALLOC_WMARK_MASK		0x03
#define MMTWIN_ALLOC_NO_WATERMARKS	0x04
#define MMTWIN_ALLOC_OOM		0x08
#define MMTWIN_ALLOC_NON_BLOCK		0x10	/* cannot block: more of min */
#define MMTWIN_ALLOC_MIN_RESERVE	0x20	/* __GFP_HIGH: half of min */
#define MMTWIN_ALLOC_HIGHATOMIC		0x200	/* may use MIGRATE_HIGHATOMIC */
#define MMTWIN_ALLOC_KSWAPD		0x800	/* may wake the background reclaimer */

/**
 * struct mmtwin_reclaim_ops - what a reclaimer plugs into the twin
 * @wake: the background reclaimer should run: called for each node of the
 *	zonelist, once, with that node's first eligible twin @zone, as
 *	wake_all_kswapds() calls wakeup_kswapd(); also with @order 0 and
 *	@gfp 0 when a fallback boosted @zone's watermarks. Atomic context:
 *	must not sleep, and must not allocate from the twin.
 * @reclaim: direct reclaim for an allocation that found the zones below
 *	min (__perform_reclaim()); may sleep; runs with PF_MEMALLOC set
 *	(memalloc_noreclaim_save()), so what it allocates from the twin
 *	skips the watermarks and never re-enters reclaim. Returns the pages
 *	it gave back to the twin.
 * @oom: the twin is out of memory for @gfp/@order where 6.12 calls
 *	__alloc_pages_may_oom() (not for costly orders, __GFP_RETRY_MAYFAIL,
 *	__GFP_THISNODE or below ZONE_NORMAL); may sleep; true if it freed
 *	something, so the allocation retries.
 * @reclaimable: pages of twin zone @zone the reclaimer could free
 *	(zone_reclaimable_pages()), for should_reclaim_retry(); must not sleep.
 * @data: passed back to each
 *
 * Any hook may be NULL. The twin calls no hook under any of its locks.
 */
struct mmtwin_reclaim_ops {
	void (*wake)(void *data, int nid, int zone, unsigned int order,
		     gfp_t gfp, int highest_zoneidx);
	unsigned long (*reclaim)(void *data, int nid, gfp_t gfp,
				 unsigned int order, int highest_zoneidx);
	bool (*oom)(void *data, gfp_t gfp, unsigned int order);
	unsigned long (*reclaimable)(void *data, int zone);
	void *data;
};

#endif /* _MMTWIN_BUDDY_TYPES_H */
