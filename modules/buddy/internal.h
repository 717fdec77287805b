/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The buddy twin's core: an allocator instance over borrowed max-order
 * chunks. Everything here builds in the kernel and in the userspace harness
 * (tools/testing/buddy/); nothing here knows about struct page, debugfs,
 * sysfs or module init.
 */
#ifndef _MMTWIN_BUDDY_INTERNAL_H
#define _MMTWIN_BUDDY_INTERNAL_H

#include "shim.h"
#include <mmtwin/buddy_types.h>

#define BUDDY_MAX_ZONES		8
#define BUDDY_MAX_NODES		4	/* zonelists kept; more nodes share #0 */
#define BUDDY_HOST_ZONES	8	/* above any host zone index */
#define BUDDY_MAX_CHUNKS	4096	/* 16 GB of 4 MB chunks */
#define BUDDY_NR_LOWORDER_PCP_LISTS	(MMTWIN_MT_PCPTYPES * (BUDDY_COSTLY_ORDER + 1))
#define BUDDY_NR_PCP_LISTS	(BUDDY_NR_LOWORDER_PCP_LISTS + BUDDY_NR_PCP_THP)
#define BUDDY_ZONE_NAME_MAX	16

/* Watermark indexes and alloc flags, numbered as in mm/internal.h. */
enum {
	BUDDY_WMARK_MIN, BUDDY_WMARK_LOW, BUDDY_WMARK_HIGH,
	BUDDY_WMARK_PROMO,	/* shown only: no tiering here */
	BUDDY_NR_WMARK
};

#define ALLOC_WMARK_MIN		MMTWIN_ALLOC_WMARK_MIN
#define ALLOC_WMARK_LOW		MMTWIN_ALLOC_WMARK_LOW
#define ALLOC_WMARK_HIGH	MMTWIN_ALLOC_WMARK_HIGH
#define ALLOC_WMARK_MASK	MMTWIN_ALLOC_WMARK_MASK
#define ALLOC_NO_WATERMARKS	MMTWIN_ALLOC_NO_WATERMARKS
#define ALLOC_OOM		MMTWIN_ALLOC_OOM
#define ALLOC_NON_BLOCK		MMTWIN_ALLOC_NON_BLOCK
#define ALLOC_MIN_RESERVE	MMTWIN_ALLOC_MIN_RESERVE
#define ALLOC_HIGHATOMIC	MMTWIN_ALLOC_HIGHATOMIC
#define ALLOC_KSWAPD		MMTWIN_ALLOC_KSWAPD
#define ALLOC_RESERVES \
	(ALLOC_NON_BLOCK | ALLOC_MIN_RESERVE | ALLOC_HIGHATOMIC | ALLOC_OOM)

/* A borrowed, naturally aligned block of 2^BUDDY_MAX_ORDER frames. */
struct buddy_chunk {
	unsigned long base_pfn;
	struct buddy_zone *zone;
	void *host;			/* the glue's handle (its struct page) */
	struct list_head node;		/* zone->chunks */
	unsigned char pb_mt[BUDDY_PB_PER_CHUNK];	/* pageblock owners */
	struct mmtwin_frame frames[BUDDY_CHUNK_PAGES];
};

struct buddy_free_area {
	struct list_head free_list[MMTWIN_MT_TYPES];
	unsigned long nr_free;
};

/* Event counters, named after their /proc/vmstat twins where one exists. */
enum buddy_event {
	BUDDY_PGALLOC,		/* pages */
	BUDDY_PGFREE,		/* pages */
	BUDDY_ALLOCSTALL,	/* direct reclaim entries */
	BUDDY_KSWAPD_WAKE,	/* background reclaim wake-ups */
	BUDDY_PCP_REFILL,	/* rmqueue_bulk calls */
	BUDDY_PCP_DRAIN,	/* pages sent from pcp lists to the buddy lists */
	BUDDY_EXTFRAG,		/* fallback allocations */
	BUDDY_STEAL_BLOCK,	/* pageblocks claimed by a fallback */
	BUDDY_ALLOC_FAIL,	/* allocations that returned nothing */
	BUDDY_ALLOC_WARN,	/* ... and were reported (no __GFP_NOWARN) */
	BUDDY_FAULT_INJECTED,	/* failures made by the fault point */
	BUDDY_BAD_FREE,		/* frees refused: not an allocated block */
	BUDDY_OOM,		/* calls of the reclaimer's OOM hook */
	BUDDY_WMARK_BOOST,	/* fallbacks that boosted the watermarks */
	BUDDY_HOST_REF,		/* pages whose host count a consumer changed */
	BUDDY_NR_EVENTS
};

struct buddy_pcp {
	buddy_lock_t lock;
	int count;			/* pages on the lists */
	int high;			/* tuned between high_min and high_max */
	int high_min;
	int high_max;			/* 0: the lists are off */
	int batch;
	int free_count;			/* recent frees: drain in bigger bites */
	int alloc_factor;		/* recent refills: refill in bigger bites */
	unsigned int flags;		/* BUDDY_PCPF_* */
	struct list_head lists[BUDDY_NR_PCP_LISTS];
	unsigned long events[BUDDY_NR_EVENTS];
};

struct buddy_zone {
	buddy_lock_t lock;
	struct buddy_free_area free_area[BUDDY_NR_ORDERS];
	unsigned long nr_free_pages;		/* on the buddy lists */
	unsigned long nr_free_highatomic;
	unsigned long nr_reserved_highatomic;
	unsigned long managed_pages;
	unsigned long start_pfn, end_pfn;	/* span of the chunks */
	unsigned long wmark[BUDDY_NR_WMARK];	/* without the boost */
	unsigned long watermark_boost;		/* under lock; read racily */
	unsigned long lowmem_reserve[BUDDY_HOST_ZONES];	/* by host zone */
	unsigned long boosted;			/* ZONE_BOOSTED_WATERMARK */
	unsigned long below_high;		/* ZONE_BELOW_HIGH */
	unsigned int boost_factor;		/* tun's, for the core paths */
	unsigned long events[BUDDY_NR_EVENTS];	/* under lock */
	struct list_head chunks;
	struct buddy_pcp __percpu *pcp;
	int id;					/* index in buddy->zones */
	int node;
	int host_idx;				/* enum zone_type of the host */
	char name[BUDDY_ZONE_NAME_MAX];
};

struct buddy_tunables {
	unsigned int min_free_kbytes;		/* 0: computed like the kernel */
	unsigned int watermark_scale_factor;	/* 1/10000 of managed pages */
	int pcp_high;				/* -1: computed */
	int pcp_batch;				/* -1: computed */
	unsigned int watermark_boost_factor;	/* 1/10000 of high; 0: off */
	unsigned int lowmem_reserve_ratio[BUDDY_HOST_ZONES];	/* 0: none */
};

/**
 * struct buddy - one twin allocator
 *
 * Zones are only ever added (by buddy_add_chunk(), serialised by the
 * caller) and live as long as the instance; zonelists are rebuilt when one
 * is added. Chunks are published in @chunk_map, indexed by pfn >>
 * BUDDY_MAX_ORDER, before their frames are free: a pfn finds its chunk in
 * one load.
 */
struct buddy {
	struct buddy_zone zones[BUDDY_MAX_ZONES];
	int nr_zones;
	int zonelist[BUDDY_MAX_NODES][BUDDY_MAX_ZONES];
	struct buddy_chunk **chunk_map;
	unsigned long map_slots;
	unsigned long nr_chunks;
	struct buddy_tunables tun;
	unsigned int min_free_kbytes;		/* in effect */
	const struct mmtwin_reclaim_ops *reclaim;
	int node_no_progress[BUDDY_MAX_NODES];	/* reclaim rounds in vain */
};

/*
 * alloc_context: what one allocation asked for, worked out once.
 * @node: the zonelist to walk; @thisnode: only that node's zones.
 */
struct buddy_ac {
	gfp_t gfp;
	unsigned int order;
	int mt;
	int node;
	int highest_zoneidx;
	bool thisnode;
};

/* core.c: free lists, split and merge, fallback, watermarks */
int buddy_init(struct buddy *b, unsigned long end_pfn);
void buddy_destroy(struct buddy *b);
struct buddy_chunk *buddy_chunk_new(void);
int buddy_add_chunk(struct buddy *b, struct buddy_chunk *c, unsigned long pfn,
		    int node, int host_idx, const char *zone_name);
struct buddy_chunk *buddy_take_free_chunk(struct buddy *b);
struct mmtwin_frame *buddy_block_head(struct buddy *b, unsigned long pfn);
void buddy_setup_wmarks(struct buddy *b);
void buddy_setup_lowmem_reserve(struct buddy *b);
bool __buddy_watermark_ok(struct buddy_zone *z, unsigned int order,
			  unsigned long mark, int highest_zoneidx,
			  unsigned int alloc_flags, long free);
bool buddy_watermark_ok(struct buddy_zone *z, unsigned int order,
			unsigned long mark, int highest_zoneidx,
			unsigned int alloc_flags);
void buddy_reset_boost(struct buddy_zone *z);
struct mmtwin_frame *buddy_rmqueue(struct buddy_zone *z, unsigned int order,
				   int mt, unsigned int alloc_flags);
int buddy_rmqueue_bulk(struct buddy_zone *z, unsigned int order, int count,
		       struct list_head *list, int mt, unsigned int alloc_flags);
void buddy_free_one(struct buddy_zone *z, struct mmtwin_frame *f,
		    unsigned int order);
void buddy_reserve_highatomic(struct buddy_zone *z, struct mmtwin_frame *f,
			      unsigned int order);
bool buddy_unreserve_highatomic(struct buddy *b, int mt, bool force);

/*
 * Chunks are found by pfn in a flat map, one slot per max-order block of
 * the host's pfn range. A chunk taken back is freed only after an RCU
 * grace period, so a lookup that raced with its removal may still read
 * it; what it finds stays valid while the caller holds a block in the
 * chunk (every legitimate user does), or inside rcu_read_lock(). Inline:
 * every free starts here.
 */
static inline struct buddy_chunk *buddy_lookup(struct buddy *b,
					       unsigned long pfn)
{
	unsigned long slot = pfn >> BUDDY_MAX_ORDER;

	if (slot >= b->map_slots)
		return NULL;
	return READ_ONCE(b->chunk_map[slot]);
}

static inline struct mmtwin_frame *buddy_pfn_frame(struct buddy *b,
						   unsigned long pfn)
{
	struct buddy_chunk *c = buddy_lookup(b, pfn);

	return c ? &c->frames[pfn & (BUDDY_CHUNK_PAGES - 1)] : NULL;
}

static inline struct buddy_chunk *frame_chunk(const struct mmtwin_frame *f)
{
	return container_of(f - f->idx, struct buddy_chunk, frames[0]);
}

static inline unsigned long frame_pfn(const struct mmtwin_frame *f)
{
	return frame_chunk(f)->base_pfn + f->idx;
}

static inline int pageblock_mt(const struct mmtwin_frame *f)
{
	return READ_ONCE(frame_chunk(f)->pb_mt[f->idx >> BUDDY_PB_ORDER]);
}

/* pcp_allowed_order(): orders the per-CPU lists keep. */
static inline bool buddy_pcp_order(unsigned int order)
{
	return order <= BUDDY_COSTLY_ORDER ||
	       (BUDDY_NR_PCP_THP && order == BUDDY_PCP_THP_ORDER);
}

/* order_to_pindex(): a PMD-sized block's list says only movable or not. */
static inline int buddy_pcp_index(unsigned int order, int mt)
{
	if (order > BUDDY_COSTLY_ORDER)
		return BUDDY_NR_LOWORDER_PCP_LISTS + (mt == MMTWIN_MT_MOVABLE);
	return order * MMTWIN_MT_PCPTYPES + mt;
}

/* wmark_pages(): the watermark with the boost on top. */
static inline unsigned long zone_wmark(const struct buddy_zone *z, int i)
{
	return READ_ONCE(z->wmark[i]) + READ_ONCE(z->watermark_boost);
}

/* alloc.c: the allocation and free paths, pcp lists, slow path */
int buddy_gfp_migratetype(gfp_t gfp);
unsigned int buddy_gfp_to_alloc_flags(gfp_t gfp, unsigned int order);
struct mmtwin_frame *buddy_alloc(struct buddy *b, gfp_t gfp, unsigned int order);
/* The hot entry points: each in a 2 KiB-aligned section (shim.h). */
BUDDY_HOT(buddy_alloc_node) __aligned(BUDDY_HOT_ALIGN)
struct mmtwin_frame *buddy_alloc_node(struct buddy *b, int nid, gfp_t gfp,
				      unsigned int order);
BUDDY_HOT(buddy_alloc_bulk) __aligned(BUDDY_HOT_ALIGN)
unsigned long buddy_alloc_bulk(struct buddy *b, gfp_t gfp, unsigned long nr,
			       struct mmtwin_frame **frames);
BUDDY_HOT(buddy_free) __aligned(BUDDY_HOT_ALIGN)
int buddy_free(struct buddy *b, struct mmtwin_frame *f, unsigned int order);
void buddy_drain_cpu(struct buddy *b, int cpu);
void buddy_drain_all(struct buddy *b);
void buddy_update_pcp(struct buddy *b);
void buddy_set_reclaim(struct buddy *b, const struct mmtwin_reclaim_ops *ops);

/* check.c: invariants and statistics */
struct buddy_zone_stats {
	unsigned long nr_free[BUDDY_NR_ORDERS];
	unsigned long nr_free_mt[MMTWIN_MT_TYPES][BUDDY_NR_ORDERS];
	unsigned long blocks_mt[MMTWIN_MT_TYPES];
	unsigned long free_pages, pcp_pages, alloc_pages;
	unsigned long events[BUDDY_NR_EVENTS];
};
void buddy_zone_stats(struct buddy_zone *z, struct buddy_zone_stats *st);
unsigned long buddy_zone_event(struct buddy_zone *z, enum buddy_event e);
int buddy_check(struct buddy *b, char *why, size_t len);
extern const char * const buddy_mt_names[MMTWIN_MT_TYPES];

#endif /* _MMTWIN_BUDDY_INTERNAL_H */
