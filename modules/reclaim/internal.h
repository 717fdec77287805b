/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reclaimer twin's state: per node an LRU vector and a kswapd, the
 * groups of twin pages the workload owns (its page cache and anonymous
 * memory), the swap store, the event counters, PSI.
 *
 * Locking: twin_lock (a mutex) covers the LRU lists, every group's page
 * table and every page's reclaim flags. Nothing allocates from the twin
 * while holding it: the twin's direct reclaim takes it, so a page is
 * allocated first and installed under the lock. The buddy calls no hook
 * under its own locks, so twin_lock -> buddy zone lock is the only order.
 */
#ifndef _MMTWIN_RECLAIM_INTERNAL_H
#define _MMTWIN_RECLAIM_INTERNAL_H

#include <linux/atomic.h>
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/wait.h>
#include <mmtwin/buddy.h>

#include "calc.h"

struct dentry;
struct seq_file;

#define TWIN_NODES		8
#define TWIN_ZONES		16
#define TWIN_GROUP_NAME		16
#define TWIN_GROUP_MAX_PAGES	(1UL << 22)

/* Reclaim flags of a twin page, kept in its frame's owner_data[1]. */
enum twin_page_flag {
	TPG_LRU,		/* on an LRU list (not isolated) */
	TPG_ACTIVE,
	TPG_REFERENCED,
	TPG_DIRTY,
	TPG_SWAPBACKED,		/* anon: goes to swap, not dropped */
	TPG_WORKINGSET,		/* was active once: its refault is thrashing */
	TPG_UNEVICTABLE,
};

/* The vmstat events, named as /proc/vmstat names them. */
enum twin_event {
	TW_PGSCAN_KSWAPD,
	TW_PGSCAN_DIRECT,
	TW_PGSCAN_DIRECT_THROTTLE,
	TW_PGSCAN_ANON,
	TW_PGSCAN_FILE,
	TW_PGSTEAL_KSWAPD,
	TW_PGSTEAL_DIRECT,
	TW_PGSTEAL_ANON,
	TW_PGSTEAL_FILE,
	TW_PGREFILL,
	TW_PGACTIVATE,
	TW_PGDEACTIVATE,
	TW_PGMAJFAULT,
	TW_PSWPIN,
	TW_PSWPOUT,
	TW_PAGEOUTRUN,
	TW_KSWAPD_LOW_WMARK_HIT_QUICKLY,
	TW_KSWAPD_HIGH_WMARK_HIT_QUICKLY,
	TW_SLABS_SCANNED,
	TW_OOM_KILL,
	TW_WORKINGSET_REFAULT_ANON,
	TW_WORKINGSET_REFAULT_FILE,
	TW_WORKINGSET_ACTIVATE_ANON,
	TW_WORKINGSET_ACTIVATE_FILE,
	TW_WORKINGSET_RESTORE_ANON,
	TW_WORKINGSET_RESTORE_FILE,
	TW_WORKINGSET_NODERECLAIM,
	NR_TWIN_EVENTS
};

extern const char *const twin_event_names[NR_TWIN_EVENTS];
extern atomic_long_t twin_events[NR_TWIN_EVENTS];

static inline void count_twin_event(enum twin_event e, long n)
{
	atomic_long_add(n, &twin_events[e]);
}

/* struct lruvec for one twin node. */
struct twin_lruvec {
	struct list_head lists[TWIN_NR_LRU];
	unsigned long size[TWIN_NR_LRU];
	unsigned long anon_cost, file_cost;	/* lru_note_cost() */
	unsigned long nonresident_age;		/* workingset clock */
};

enum twin_kswapd_state { KSWAPD_SLEEPING, KSWAPD_NAPPING, KSWAPD_RUNNING };

/* struct pglist_data, what the reclaimer needs of it. */
struct twin_pgdat {
	int nid;
	bool present;
	struct twin_lruvec lruvec;
	struct task_struct *kswapd;
	wait_queue_head_t kswapd_wait;
	wait_queue_head_t pfmemalloc_wait;
	int kswapd_order;		/* READ/WRITE_ONCE: set by wakers */
	int kswapd_highest_zoneidx;	/* MAX_NR_ZONES: none asked */
	int kswapd_failures;
	int kswapd_state;		/* enum twin_kswapd_state */
};

/**
 * struct twin_group - a named set of twin pages, a file or an anon region
 * @pages: resident frames by index, NULL when not resident
 * @shadow: workingset eviction stamp + 1 of an evicted index, 0 if none
 * @swap: anon: swap slot + 1 holding the index's data, 0 if none
 * @gen: anon: how many times the index was written (its pattern's seed)
 * @rss: resident pages
 * @swapents: pages in swap
 * @adj: oom_score_adj
 * @killed: chosen by the OOM killer; every access fails from then on
 */
struct twin_group {
	struct list_head list;
	char name[TWIN_GROUP_NAME];
	unsigned int id;
	bool anon;
	int adj;
	int nid;
	unsigned long nr;
	struct mmtwin_frame **pages;
	unsigned long *shadow;
	u32 *swap;
	u32 *gen;
	unsigned long rss, swapents;
	bool killed;
	refcount_t ref;
	struct task_struct *worker;
};

/* struct scan_control, the fields the twin uses. */
struct twin_scan_control {
	unsigned long nr_to_reclaim;
	gfp_t gfp_mask;
	int reclaim_idx;
	int order;
	int priority;
	bool may_writepage;
	bool may_swap;
	bool kswapd;
	bool file_is_tiny;
	bool cache_trim_mode;
	bool may_deactivate_anon, may_deactivate_file;
	unsigned long nr_scanned;
	unsigned long nr_reclaimed;
};

extern struct mutex twin_lock;
extern struct twin_pgdat twin_pgdats[TWIN_NODES];
extern struct list_head twin_groups;
extern int twin_swappiness;
extern bool twin_kswapd_enabled;

/* zones.c: the buddy's twin zones by node and host zone type. */
int twin_zones_init(void);
int twin_nr_zones(void);
int twin_zone_of(struct page *page);
int twin_zone_node(int zone);
int twin_zone_type(int zone);
unsigned long twin_node_free(int nid, int highest_zoneidx);
bool twin_pgdat_balanced(int nid, int order, int highest_zoneidx);
bool twin_pgdat_boosted(int nid, int highest_zoneidx);
unsigned long twin_node_high_wmarks(int nid, int highest_zoneidx);
unsigned long twin_node_min_wmarks(int nid);
unsigned long twin_total_managed(void);

/* lru.c: the LRU lists and the page flags. */
void twin_lruvec_init(struct twin_lruvec *lruvec);
void twin_lru_add(struct mmtwin_frame *f, bool active);
void twin_lru_del(struct mmtwin_frame *f);
void twin_mark_accessed(struct mmtwin_frame *f);
unsigned long twin_lru_zone_pages(int zone, bool file);
bool twin_test_flag(const struct mmtwin_frame *f, enum twin_page_flag flag);
void twin_set_flag(struct mmtwin_frame *f, enum twin_page_flag flag);
void twin_clear_flag(struct mmtwin_frame *f, enum twin_page_flag flag);
struct twin_group *twin_frame_group(const struct mmtwin_frame *f);
unsigned long twin_frame_index(const struct mmtwin_frame *f);
void twin_frame_set_owner(struct mmtwin_frame *f, struct twin_group *g,
			  unsigned long index, int zone);
enum twin_lru twin_frame_lru(const struct mmtwin_frame *f);

/* vmscan.c: shrink_node() and what it calls. */
void twin_shrink_node(struct twin_pgdat *pgdat, struct twin_scan_control *sc);
void twin_shrink_active_list(struct twin_pgdat *pgdat, unsigned long nr,
			     struct twin_scan_control *sc, enum twin_lru lru);
unsigned long twin_try_to_free_pages(int nid, gfp_t gfp, int order,
				     int highest_zoneidx);
void twin_evict(struct mmtwin_frame *f, struct twin_group *g);
/* What workingset_refault() sets on the page coming back. */
#define TWIN_REFAULT_ACTIVE	BIT(0)	/* refaulted within the workingset */
#define TWIN_REFAULT_WORKINGSET	BIT(1)	/* ... and was active before eviction */
unsigned int twin_workingset_refault(struct twin_group *g, unsigned long idx,
				     int nid);
unsigned long twin_direct_reclaim(int nid, gfp_t gfp, unsigned int order,
				  int highest_zoneidx);

/* shrinker.c: shrink_slab() over the buddy's registry. */
unsigned long twin_shrink_slab(gfp_t gfp, int nid, int priority);

/* kswapd.c */
int twin_kswapds_start(void);
void twin_kswapds_stop(void);
void twin_wakeup_kswapd(int nid, int zone, int order, gfp_t gfp,
			int highest_zoneidx);

/* swap.c: the swap store, in host memory. */
int twin_swap_init(unsigned long max_pages);
void twin_swap_exit(void);
long twin_swap_write(const void *data);
int twin_swap_read(u32 slot, void *data);
void twin_swap_free(u32 slot);
unsigned long twin_swap_used(void);
unsigned long twin_swap_max(void);
int twin_swap_set_max(unsigned long max_pages);
bool twin_swap_has_room(void);
extern atomic_long_t twin_swap_mismatch;

/* workload.c: the groups and what touches them. */
struct twin_group *twin_group_create(const char *name, bool anon,
				     unsigned long nr, int adj, int nid);
struct twin_group *twin_group_find(const char *name);
void twin_group_put(struct twin_group *g);
int twin_group_destroy(const char *name);
void twin_groups_destroy_all(void);
int twin_group_touch(struct twin_group *g, unsigned long start,
		     unsigned long count, bool write);
void twin_group_release_pages(struct twin_group *g);
int twin_group_spawn(struct twin_group *g, unsigned long start,
		     unsigned long count, bool write, unsigned int passes);
void twin_fill_pattern(void *data, const struct twin_group *g,
		       unsigned long index, u32 gen);

/* oom.c */
bool twin_out_of_memory(gfp_t gfp, unsigned int order);
struct twin_group *twin_select_bad_group(unsigned long totalpages);

/* psi.c: pressure over the twin's own tasks. */
enum twin_stall {
	TWIN_STALL_FREEPAGES,	/* direct reclaim and its throttle */
	TWIN_STALL_THRASHING,	/* reading back a workingset page */
	TWIN_STALL_KSWAPD,	/* balance_pgdat() */
	NR_TWIN_STALLS
};

/* What psi_memstall_enter()'s pflags and delayacct's start time hold. */
struct twin_memstall {
	u64 start;
	enum twin_stall cause;
};

void twin_psi_task_enter(void);
void twin_psi_task_leave(void);
void twin_psi_memstall_enter(struct twin_memstall *ms, enum twin_stall cause);
void twin_psi_memstall_leave(struct twin_memstall *ms);
u64 twin_psi_stall_ns(enum twin_stall cause);
int twin_psi_init(void);
void twin_psi_exit(void);
void twin_psi_show(struct seq_file *m);

/* timeline.c: a 100 ms sampler for plotting. */
int twin_timeline_init(void);
void twin_timeline_exit(void);
void twin_timeline_show(struct seq_file *m);

/* debugfs.c */
void twin_debugfs_init(struct dentry *dir);

#endif /* _MMTWIN_RECLAIM_INTERNAL_H */
