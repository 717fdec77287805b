/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A model of an x86 TLB: set-associative, PCID-tagged, separate L1 arrays
 * for 4 KiB and 2 MiB translations and a shared second level (STLB), LRU
 * replacement. Hardware TLBs cannot be read; this shows what a TLB of that
 * shape would do with an access stream and the flushes applied to it.
 * Built unchanged in userspace by tools/testing/tlb/.
 */
#ifndef _MMTWIN_TLB_SIM_H
#define _MMTWIN_TLB_SIM_H

#include "shim.h"

#define TLBS_MAX_ENTRIES	4096

/* Defaults like a current x86 core's data side. */
#define TLBS_L1_4K_ENTRIES	64
#define TLBS_L1_4K_WAYS		4
#define TLBS_L1_2M_ENTRIES	32
#define TLBS_L1_2M_WAYS		4
#define TLBS_STLB_ENTRIES	1536
#define TLBS_STLB_WAYS		12

struct tlbs_geom {
	unsigned int entries, ways;
};

enum tlbs_array { TLBS_L1_4K, TLBS_L1_2M, TLBS_STLB, TLBS_NR_ARRAYS };

struct tlbs_entry {
	unsigned long vpn;	/* virtual address >> page shift */
	u64 lru;		/* last use; 0: invalid */
	u16 pcid;
	bool huge;
};

struct tlbs_level {
	struct tlbs_geom geom;
	struct tlbs_entry e[TLBS_MAX_ENTRIES];
};

struct tlbs_stats {
	u64 accesses, l1_hits, stlb_hits, misses, walk_levels, flushes;
	u64 evictions[TLBS_NR_ARRAYS];	/* valid entries replaced by a fill */
};

struct tlbs {
	struct tlbs_level lv[TLBS_NR_ARRAYS];
	u64 clock;
	struct tlbs_stats st;
};

/* How the access translated, as the page walk found it. */
struct tlbs_xlate {
	bool huge;		/* a 2 MiB leaf */
	unsigned int levels;	/* page-table levels read on a miss */
};

enum tlbs_hit { TLBS_HIT_L1, TLBS_HIT_STLB, TLBS_MISS };

int tlbs_check_geom(const struct tlbs_geom *g);
void tlbs_init(struct tlbs *t);
void tlbs_reset(struct tlbs *t);
int tlbs_set_geom(struct tlbs *t, enum tlbs_array a, const struct tlbs_geom *g);
enum tlbs_hit tlbs_access(struct tlbs *t, u16 pcid, unsigned long va,
			  const struct tlbs_xlate *x);
void tlbs_flush_pcid(struct tlbs *t, u16 pcid);
void tlbs_flush_all(struct tlbs *t);
void tlbs_flush_range(struct tlbs *t, u16 pcid, unsigned long start,
		      unsigned long end);

#endif /* _MMTWIN_TLB_SIM_H */
