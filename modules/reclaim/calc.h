/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reclaimer twin's arithmetic, free of any state: watermarks and
 * boost (mm/page_alloc.c), inactive_is_low() and get_scan_count()
 * (mm/vmscan.c), the shrinker's scan target (do_shrink_slab()), PSI's
 * running averages (kernel/sched/psi.c, calc_load()) and the OOM killer's
 * badness (mm/oom_kill.c). Builds in userspace (tools/testing/reclaim/)
 * and is what KUnit and the harness feed the kernel's own inputs.
 */
#ifndef _MMTWIN_RECLAIM_CALC_H
#define _MMTWIN_RECLAIM_CALC_H

#include "shim.h"

#define TWIN_DEF_PRIORITY	12	/* DEF_PRIORITY */
#define TWIN_SWAP_CLUSTER_MAX	32UL	/* SWAP_CLUSTER_MAX */
#define TWIN_MAX_SWAPPINESS	200	/* MAX_SWAPPINESS */
#define TWIN_MAX_RECLAIM_RETRIES 16	/* MAX_RECLAIM_RETRIES */
#define TWIN_SHRINK_BATCH	128UL	/* SHRINK_BATCH */
#define TWIN_DEFAULT_SEEKS	2	/* DEFAULT_SEEKS */

/* The evictable lists, numbered as enum lru_list numbers them. */
enum twin_lru {
	TWIN_INACTIVE_ANON,
	TWIN_ACTIVE_ANON,
	TWIN_INACTIVE_FILE,
	TWIN_ACTIVE_FILE,
	TWIN_NR_LRU
};

static inline bool twin_lru_is_file(enum twin_lru lru)
{
	return lru >= TWIN_INACTIVE_FILE;
}

static inline bool twin_lru_is_active(enum twin_lru lru)
{
	return lru == TWIN_ACTIVE_ANON || lru == TWIN_ACTIVE_FILE;
}

/* One zone's watermarks, in pages, boost left out (as _watermark[]). */
struct twin_wmark {
	unsigned long min, low, high, promo;
};

/*
 * __setup_per_zone_wmarks() input: a zone's managed pages, and whether it
 * is highmem or ZONE_MOVABLE (its min is capped, and it does not share
 * min_free_kbytes).
 */
struct twin_wmark_zone {
	unsigned long managed;
	bool capped;
};

void twin_setup_wmarks(const struct twin_wmark_zone *zones, int nr,
		       unsigned long min_free_kbytes,
		       unsigned int watermark_scale_factor,
		       struct twin_wmark *out);
unsigned long twin_boost_watermark(unsigned long boost, unsigned long high,
				   unsigned long managed, unsigned int factor,
				   unsigned long pageblock_pages);

/* struct reclaim_stat: what one shrink_folio_list() pass saw. */
struct twin_reclaim_stat {
	unsigned long nr_dirty;
	unsigned long nr_writeback;
	unsigned long nr_congested;
	unsigned long nr_immediate;
	unsigned int nr_activate[2];	/* [0] anon, [1] file */
	unsigned long nr_ref_keep;
	unsigned long nr_unmap_fail;
};

bool twin_inactive_is_low(unsigned long inactive, unsigned long active);

enum twin_scan_balance {
	TWIN_SCAN_EQUAL,
	TWIN_SCAN_FRACT,
	TWIN_SCAN_ANON,
	TWIN_SCAN_FILE,
};

/* What get_scan_count() reads from struct scan_control and the lruvec. */
struct twin_scan_input {
	unsigned long size[TWIN_NR_LRU];
	int priority;
	int swappiness;
	bool can_swap;		/* may_swap and swap space left */
	bool file_is_tiny;
	bool cache_trim_mode;
	unsigned long anon_cost, file_cost;
};

enum twin_scan_balance twin_get_scan_count(const struct twin_scan_input *in,
					   unsigned long nr[TWIN_NR_LRU]);

unsigned long twin_shrink_delta(unsigned long freeable, int priority, int seeks);

/* PSI's fixed point (include/linux/sched/loadavg.h, kernel/sched/psi.c). */
#define TWIN_FSHIFT		11
#define TWIN_FIXED_1		(1UL << TWIN_FSHIFT)
#define TWIN_EXP_10s		1677
#define TWIN_EXP_60s		1981
#define TWIN_EXP_300s		2034
#define TWIN_LOAD_INT(x)	((x) >> TWIN_FSHIFT)
#define TWIN_LOAD_FRAC(x)	TWIN_LOAD_INT(((x) & (TWIN_FIXED_1 - 1)) * 100)

unsigned long twin_calc_load(unsigned long load, unsigned long exp,
			     unsigned long active);
unsigned long twin_calc_load_n(unsigned long load, unsigned long exp,
			       unsigned long active, unsigned int n);
void twin_calc_avgs(unsigned long avg[3], int missed_periods, u64 time,
		    u64 period);

#define TWIN_OOM_SCORE_ADJ_MIN	(-1000)
#define TWIN_OOM_SCORE_ADJ_MAX	1000
long twin_oom_badness(unsigned long pages, int adj, unsigned long totalpages);

#endif /* _MMTWIN_RECLAIM_CALC_H */
