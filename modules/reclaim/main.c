// SPDX-License-Identifier: GPL-2.0
/*
 * mmtwin_reclaim: 6.12's watermark reclaimer over the buddy twin's zones.
 * Loading it starts a kswapd per twin node with memory (and later for a
 * node the buddy's arena grows onto) and plugs the buddy's hooks:
 * wake (wakeup_kswapd()), reclaim (try_to_free_pages()), oom
 * (out_of_memory()) and reclaimable (zone_reclaimable_pages()).
 * Unloading stops the workload, gives every page and swap slot back and
 * stops kswapd.
 */
#include <kunit/visibility.h>
#include <linux/module.h>

#include <mmtwin/core.h>

#include "internal.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

static unsigned long swap_max = 65536;
module_param(swap_max, ulong, 0444);
MODULE_PARM_DESC(swap_max, "Swap store capacity at load, in pages, at most 262144 (default 65536)");

DEFINE_MUTEX(twin_lock);
EXPORT_SYMBOL_IF_KUNIT(twin_lock);
struct twin_pgdat twin_pgdats[TWIN_NODES];
EXPORT_SYMBOL_IF_KUNIT(twin_pgdats);
int twin_swappiness = 60;
atomic_long_t twin_events[NR_TWIN_EVENTS];
EXPORT_SYMBOL_IF_KUNIT(twin_events);

const char *const twin_event_names[NR_TWIN_EVENTS] = {
	[TW_PGSCAN_KSWAPD]			= "pgscan_kswapd",
	[TW_PGSCAN_DIRECT]			= "pgscan_direct",
	[TW_PGSCAN_DIRECT_THROTTLE]	= "pgscan_direct_throttle",
	[TW_PGSCAN_ANON]			= "pgscan_anon",
	[TW_PGSCAN_FILE]			= "pgscan_file",
	[TW_PGSTEAL_KSWAPD]		= "pgsteal_kswapd",
	[TW_PGSTEAL_DIRECT]		= "pgsteal_direct",
	[TW_PGSTEAL_ANON]			= "pgsteal_anon",
	[TW_PGSTEAL_FILE]			= "pgsteal_file",
	[TW_PGREFILL]			= "pgrefill",
	[TW_PGACTIVATE]			= "pgactivate",
	[TW_PGDEACTIVATE]			= "pgdeactivate",
	[TW_PGMAJFAULT]			= "pgmajfault",
	[TW_PSWPIN]			= "pswpin",
	[TW_PSWPOUT]			= "pswpout",
	[TW_PAGEOUTRUN]			= "pageoutrun",
	[TW_KSWAPD_LOW_WMARK_HIT_QUICKLY]	= "kswapd_low_wmark_hit_quickly",
	[TW_KSWAPD_HIGH_WMARK_HIT_QUICKLY]	= "kswapd_high_wmark_hit_quickly",
	[TW_SLABS_SCANNED]			= "slabs_scanned",
	[TW_OOM_KILL]			= "oom_kill",
	[TW_WORKINGSET_REFAULT_ANON]	= "workingset_refault_anon",
	[TW_WORKINGSET_REFAULT_FILE]	= "workingset_refault_file",
	[TW_WORKINGSET_ACTIVATE_ANON]	= "workingset_activate_anon",
	[TW_WORKINGSET_ACTIVATE_FILE]	= "workingset_activate_file",
	[TW_WORKINGSET_RESTORE_ANON]	= "workingset_restore_anon",
	[TW_WORKINGSET_RESTORE_FILE]	= "workingset_restore_file",
	[TW_WORKINGSET_NODERECLAIM]	= "workingset_nodereclaim",
};

static void hook_wake(void *data, int nid, int zone, unsigned int order,
		      gfp_t gfp, int highest_zoneidx)
{
	twin_wakeup_kswapd(nid, zone, order, gfp, highest_zoneidx);
}

static unsigned long hook_reclaim(void *data, int nid, gfp_t gfp,
				  unsigned int order, int highest_zoneidx)
{
	return twin_direct_reclaim(nid, gfp, order, highest_zoneidx);
}

static bool hook_oom(void *data, gfp_t gfp, unsigned int order)
{
	return twin_out_of_memory(gfp, order);
}

/* zone_reclaimable_pages(): anon counts only while swap has room. */
static unsigned long hook_reclaimable(void *data, int zone)
{
	unsigned long pages = twin_lru_zone_pages(zone, true);

	if (twin_swap_has_room() && READ_ONCE(twin_swappiness))
		pages += twin_lru_zone_pages(zone, false);
	return pages;
}

static const struct mmtwin_reclaim_ops reclaim_ops = {
	.wake = hook_wake,
	.reclaim = hook_reclaim,
	.oom = hook_oom,
	.reclaimable = hook_reclaimable,
};

static struct mmtwin_twin reclaim_twin = {
	.name = "reclaim",
	.owner = THIS_MODULE,
};

static void init_pgdats(void)
{
	int n;

	for (n = 0; n < TWIN_NODES; n++) {
		struct twin_pgdat *pgdat = &twin_pgdats[n];

		pgdat->nid = n;
		twin_lruvec_init(&pgdat->lruvec);
		init_waitqueue_head(&pgdat->kswapd_wait);
		init_waitqueue_head(&pgdat->pfmemalloc_wait);
		pgdat->kswapd_highest_zoneidx = MAX_NR_ZONES;
	}
}

static int __init mmtwin_reclaim_init(void)
{
	int ret;

	init_pgdats();
	ret = twin_zones_init();
	if (ret)
		return ret;
	ret = twin_swap_init(swap_max);
	if (ret)
		return ret;
	ret = twin_timeline_init();
	if (ret)
		goto swap;
	twin_psi_init();
	ret = mmtwin_twin_register(&reclaim_twin);
	if (ret)
		goto psi;
	twin_debugfs_init(reclaim_twin.debugfs_dir);
	ret = twin_kswapds_start();
	if (ret)
		goto twin;
	ret = mmtwin_buddy_register_reclaim(&reclaim_ops);
	if (ret)
		goto kswapd;
	return 0;

kswapd:
	twin_kswapds_stop();
twin:
	mmtwin_twin_unregister(&reclaim_twin);
psi:
	twin_psi_exit();
	twin_timeline_exit();
swap:
	twin_swap_exit();
	return ret;
}

static void __exit mmtwin_reclaim_exit(void)
{
	/* No new commands; then no workload, so nothing left to reclaim. */
	mmtwin_twin_unregister(&reclaim_twin);
	twin_groups_destroy_all();
	mmtwin_buddy_unregister_reclaim(&reclaim_ops);
	twin_kswapds_stop();
	twin_psi_exit();
	twin_timeline_exit();
	twin_swap_exit();
}

module_init(mmtwin_reclaim_init);
module_exit(mmtwin_reclaim_exit);

MODULE_DESCRIPTION("mmtwin: the watermark reclaimer twin (kswapd, direct reclaim, LRU, swap)");
MODULE_AUTHOR("mmtwin developers");
MODULE_LICENSE("GPL");
