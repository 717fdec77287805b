/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types the buddy twin shares between its core algorithm, its kernel glue,
 * the modules built on top of it and the userspace harness. Nothing here
 * depends on struct page, so the core builds in userspace unchanged.
 */
#ifndef _MMTWIN_BUDDY_TYPES_H
#define _MMTWIN_BUDDY_TYPES_H

/* In userspace these come from tools/testing/buddy/include/linux/. */
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

/* Frame states; only the first frame of a block carries one. */
enum mmtwin_frame_state {
	MMTWIN_FRAME_NONE,		/* inside a block, or never used */
	MMTWIN_FRAME_FREE,		/* head of a block on a buddy free list */
	MMTWIN_FRAME_PCP,		/* head of a block on a per-CPU list */
	MMTWIN_FRAME_ALLOC,		/* head of a block handed out */
};

/**
 * struct mmtwin_frame - the twin's metadata for one borrowed page frame
 * @lru: free or per-CPU list link; the owner's to use while allocated
 * @private: the owner's while allocated
 * @slab_cache: slab layer: cache the slab belongs to
 * @freelist: slab layer: first free object
 * @inuse: slab layer: objects handed out
 * @objects: slab layer: objects in the slab
 * @owner_data: the same room for owners that are not a slab layer
 * @state: enum mmtwin_frame_state (head frames only)
 * @order: order of the block this frame heads
 * @mt: free list type while free; requested type while allocated
 * @owner_flags: bits for the owner, cleared on allocation
 * @idx: index within its chunk, to find the chunk without a lookup
 *
 * This lives in the twin's own array, never in the host's struct page.
 */
struct mmtwin_frame {
	struct list_head lru;
	unsigned long private;
	union {
		struct {
			void *slab_cache;
			void *freelist;
			unsigned int inuse;
			unsigned int objects;
		};
		unsigned long owner_data[3];
	};
	unsigned char state;
	unsigned char order;
	unsigned char mt;
	unsigned char owner_flags;
	unsigned short idx;
};

/**
 * struct mmtwin_reclaim_ops - what a reclaimer plugs into the twin
 * @wake: the background reclaimer should run (an allocation saw the low
 *	watermark); must not sleep
 * @reclaim: reclaim directly for an allocation that found the zones below
 *	min; may sleep; returns the number of pages freed to the twin
 * @data: passed back to both
 */
struct mmtwin_reclaim_ops {
	void (*wake)(void *data, int zone, unsigned int order);
	unsigned long (*reclaim)(void *data, gfp_t gfp, unsigned int order);
	void *data;
};

#endif /* _MMTWIN_BUDDY_TYPES_H */
