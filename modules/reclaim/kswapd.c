// SPDX-License-Identifier: GPL-2.0
/*
 * kswapd and direct reclaim for the twin's nodes. The buddy's wake hook
 * calls twin_wakeup_kswapd() (wakeup_kswapd()); kswapd runs
 * balance_pgdat() from priority 12 down until one eligible zone of its
 * node is above its high mark, reclaiming a boost first without swap;
 * then it naps HZ/10 and sleeps if the node stayed balanced. Direct
 * reclaim is the buddy's reclaim hook: 32 pages, throttled while the
 * node's free pages are at or below half of its min marks.
 */
#include <linux/freezer.h>
#include <linux/sched.h>
#include <linux/workqueue.h>

#include "internal.h"
#include "trace.h"

bool twin_kswapd_enabled = true;

/* wakeup_kswapd(): atomic context, never sleeps or allocates. */
void twin_wakeup_kswapd(int nid, int zone, int order, gfp_t gfp,
			int highest_zoneidx)
{
	struct twin_pgdat *pgdat;

	if (nid < 0 || nid >= TWIN_NODES || !READ_ONCE(twin_kswapd_enabled))
		return;
	pgdat = &twin_pgdats[nid];
	if (!READ_ONCE(pgdat->kswapd))
		return;
	if (READ_ONCE(pgdat->kswapd_highest_zoneidx) == MAX_NR_ZONES ||
	    READ_ONCE(pgdat->kswapd_highest_zoneidx) < highest_zoneidx)
		WRITE_ONCE(pgdat->kswapd_highest_zoneidx, highest_zoneidx);
	if (READ_ONCE(pgdat->kswapd_order) < order)
		WRITE_ONCE(pgdat->kswapd_order, order);
	/*
	 * Lockless: a kswapd about to sleep rechecks pgdat_balanced() after
	 * prepare_to_wait(), so a wake-up missed here is not lost work.
	 */
	if (!waitqueue_active(&pgdat->kswapd_wait))
		return;
	/* Hopeless node, or nothing to do: leave it to direct reclaim. */
	if (READ_ONCE(pgdat->kswapd_failures) >= TWIN_MAX_RECLAIM_RETRIES ||
	    (twin_pgdat_balanced(nid, order, highest_zoneidx) &&
	     !twin_pgdat_boosted(nid, highest_zoneidx)))
		return;
	trace_mm_vmscan_wakeup_kswapd(nid, twin_zone_type(zone), order, gfp);
	wake_up_interruptible(&pgdat->kswapd_wait);
}

/* allow_direct_reclaim(): free above half of the min marks (or hopeless). */
static bool allow_direct_reclaim(struct twin_pgdat *pgdat)
{
	unsigned long reserve = twin_node_min_wmarks(pgdat->nid);

	if (READ_ONCE(pgdat->kswapd_failures) >= TWIN_MAX_RECLAIM_RETRIES ||
	    !reserve)
		return true;
	return twin_node_free(pgdat->nid, ZONE_NORMAL) > reserve / 2;
}

/* kswapd_shrink_node(): aim at the high marks; true if it scanned enough. */
static bool kswapd_shrink_node(struct twin_pgdat *pgdat,
			       struct twin_scan_control *sc)
{
	sc->nr_to_reclaim = twin_node_high_wmarks(pgdat->nid, sc->reclaim_idx);
	twin_shrink_node(pgdat, sc);
	return sc->nr_scanned >= sc->nr_to_reclaim;
}

/* kswapd_age_node(): keep the inactive anon list from running dry. */
static void kswapd_age_node(struct twin_pgdat *pgdat,
			    struct twin_scan_control *sc)
{
	struct twin_lruvec *lruvec = &pgdat->lruvec;

	if (!sc->may_swap || !twin_swap_has_room())
		return;
	mutex_lock(&twin_lock);
	if (twin_inactive_is_low(lruvec->size[TWIN_INACTIVE_ANON],
				 lruvec->size[TWIN_ACTIVE_ANON]))
		twin_shrink_active_list(pgdat, TWIN_SWAP_CLUSTER_MAX, sc,
					TWIN_ACTIVE_ANON);
	mutex_unlock(&twin_lock);
}

static unsigned long node_boosts(int nid, int highest_zoneidx,
				 unsigned long zone_boosts[TWIN_ZONES])
{
	struct mmtwin_zone_info info;
	unsigned long sum = 0;
	int z;

	for (z = 0; z < twin_nr_zones(); z++) {
		zone_boosts[z] = 0;
		if (twin_zone_node(z) != nid || twin_zone_type(z) > highest_zoneidx ||
		    mmtwin_buddy_zone_info(z, &info))
			continue;
		zone_boosts[z] = info.boost;
		sum += info.boost;
	}
	return sum;
}

/* One balance_pgdat() pass at @sc->priority: false when kswapd is done. */
static bool balance_step(struct twin_pgdat *pgdat, struct twin_scan_control *sc,
			 unsigned long *nr_boost_reclaim, int highest_zoneidx)
{
	unsigned long nr_reclaimed = sc->nr_reclaimed;
	bool raise_priority = true;

	sc->reclaim_idx = highest_zoneidx;
	/* Boosting is only worth it while the node is otherwise balanced. */
	if (*nr_boost_reclaim && sc->priority == TWIN_DEF_PRIORITY - 2)
		raise_priority = false;
	sc->may_writepage = !*nr_boost_reclaim;
	sc->may_swap = !*nr_boost_reclaim;
	kswapd_age_node(pgdat, sc);
	sc->nr_scanned = 0;
	if (kswapd_shrink_node(pgdat, sc))
		raise_priority = false;
	/* Throttled waiters recheck with a timeout: a lockless peek is fine. */
	if (waitqueue_active(&pgdat->pfmemalloc_wait) &&
	    allow_direct_reclaim(pgdat))
		wake_up_all(&pgdat->pfmemalloc_wait);
	if (kthread_should_stop())
		return false;
	nr_reclaimed = sc->nr_reclaimed - nr_reclaimed;
	*nr_boost_reclaim -= min(*nr_boost_reclaim, nr_reclaimed);
	if (*nr_boost_reclaim && !nr_reclaimed)
		return false;
	if (raise_priority || !nr_reclaimed)
		sc->priority--;
	return true;
}

static void balance_loop(struct twin_pgdat *pgdat, struct twin_scan_control *sc,
			 unsigned long nr_boost_reclaim, int highest_zoneidx)
{
	bool balanced;

restart:
	sc->priority = TWIN_DEF_PRIORITY;
	do {
		balanced = twin_pgdat_balanced(pgdat->nid, sc->order,
					       highest_zoneidx);
		/* Not balanced after all: reclaim for real, with swap. */
		if (!balanced && nr_boost_reclaim) {
			nr_boost_reclaim = 0;
			goto restart;
		}
		if (!nr_boost_reclaim && balanced)
			return;
	} while (balance_step(pgdat, sc, &nr_boost_reclaim, highest_zoneidx) &&
		 sc->priority >= 1);
	if (!sc->nr_reclaimed)
		WRITE_ONCE(pgdat->kswapd_failures, pgdat->kswapd_failures + 1);
}

static int balance_pgdat(struct twin_pgdat *pgdat, int order,
			 int highest_zoneidx)
{
	struct twin_scan_control sc = {
		.gfp_mask = GFP_KERNEL,
		.order = order,
		.kswapd = true,
	};
	unsigned long zone_boosts[TWIN_ZONES], nr_boost_reclaim;
	struct twin_memstall ms;
	int z;

	twin_psi_memstall_enter(&ms, TWIN_STALL_KSWAPD);
	count_twin_event(TW_PAGEOUTRUN, 1);
	nr_boost_reclaim = node_boosts(pgdat->nid, highest_zoneidx, zone_boosts);
	balance_loop(pgdat, &sc, nr_boost_reclaim, highest_zoneidx);
	/* The buddy can only drop a boost whole, not subtract what we saw. */
	for (z = 0; z < TWIN_ZONES && z < twin_nr_zones(); z++)
		if (zone_boosts[z])
			mmtwin_buddy_reset_boost(z);
	twin_psi_memstall_leave(&ms);
	return sc.order;
}

static bool prepare_kswapd_sleep(struct twin_pgdat *pgdat, int order,
				 int highest_zoneidx)
{
	/* As above: throttled waiters time out, a missed wake-up only delays. */
	if (waitqueue_active(&pgdat->pfmemalloc_wait))
		wake_up_all(&pgdat->pfmemalloc_wait);
	if (READ_ONCE(pgdat->kswapd_failures) >= TWIN_MAX_RECLAIM_RETRIES)
		return true;
	return twin_pgdat_balanced(pgdat->nid, order, highest_zoneidx);
}

/*
 * kswapd_try_to_sleep(): nap HZ/10 once balanced; a wake-up during the
 * nap means low was hit quickly, a node unbalanced after the nap that
 * high was; otherwise sleep until woken.
 */
static void kswapd_try_to_sleep(struct twin_pgdat *pgdat, int order,
				int highest_zoneidx)
{
	long remaining = 0;
	DEFINE_WAIT(wait);

	if (kthread_should_stop())
		return;
	prepare_to_wait(&pgdat->kswapd_wait, &wait, TASK_INTERRUPTIBLE);
	if (prepare_kswapd_sleep(pgdat, order, highest_zoneidx)) {
		WRITE_ONCE(pgdat->kswapd_state, KSWAPD_NAPPING);
		remaining = schedule_timeout(HZ / 10);
		finish_wait(&pgdat->kswapd_wait, &wait);
		prepare_to_wait(&pgdat->kswapd_wait, &wait, TASK_INTERRUPTIBLE);
	}
	if (!remaining && prepare_kswapd_sleep(pgdat, order, highest_zoneidx)) {
		trace_mm_vmscan_kswapd_sleep(pgdat->nid);
		WRITE_ONCE(pgdat->kswapd_state, KSWAPD_SLEEPING);
		if (!kthread_should_stop())
			schedule();
	} else {
		count_twin_event(remaining ? TW_KSWAPD_LOW_WMARK_HIT_QUICKLY :
					     TW_KSWAPD_HIGH_WMARK_HIT_QUICKLY, 1);
	}
	finish_wait(&pgdat->kswapd_wait, &wait);
}

static int kswapd(void *p)
{
	struct twin_pgdat *pgdat = p;
	int order = 0, highest_zoneidx = MAX_NR_ZONES - 1;

	WRITE_ONCE(pgdat->kswapd_order, 0);
	WRITE_ONCE(pgdat->kswapd_highest_zoneidx, MAX_NR_ZONES);
	for (;;) {
		kswapd_try_to_sleep(pgdat, order, highest_zoneidx);
		if (kthread_should_stop())
			break;
		order = READ_ONCE(pgdat->kswapd_order);
		highest_zoneidx = READ_ONCE(pgdat->kswapd_highest_zoneidx);
		if (highest_zoneidx == MAX_NR_ZONES)
			highest_zoneidx = MAX_NR_ZONES - 1;
		WRITE_ONCE(pgdat->kswapd_order, 0);
		WRITE_ONCE(pgdat->kswapd_highest_zoneidx, MAX_NR_ZONES);
		WRITE_ONCE(pgdat->kswapd_state, KSWAPD_RUNNING);
		trace_mm_vmscan_kswapd_wake(pgdat->nid, highest_zoneidx, order);
		twin_psi_task_enter();
		order = balance_pgdat(pgdat, order, highest_zoneidx);
		twin_psi_task_leave();
	}
	WRITE_ONCE(pgdat->kswapd_state, KSWAPD_SLEEPING);
	return 0;
}

static DEFINE_MUTEX(kswapd_lock);	/* starts and stops kswapds */
static struct delayed_work nodes_work;
static bool nodes_tracked;		/* under kswapd_lock */

#define NODES_PERIOD	(HZ / 10)

static int kswapd_run(int nid)
{
	struct twin_pgdat *pgdat = &twin_pgdats[nid];
	struct task_struct *t;

	lockdep_assert_held(&kswapd_lock);
	if (pgdat->kswapd)
		return 0;
	t = kthread_create_on_node(kswapd, pgdat, nid, "mmtwin_kswapd%d", nid);
	if (IS_ERR(t))
		return PTR_ERR(t);
	WRITE_ONCE(pgdat->kswapd, t);
	wake_up_process(t);
	return 0;
}

/* Wakers read ->kswapd locklessly but only touch the wait queues. */
static void kswapd_stop(int nid)
{
	struct twin_pgdat *pgdat = &twin_pgdats[nid];

	lockdep_assert_held(&kswapd_lock);
	if (!pgdat->kswapd)
		return;
	kthread_stop(pgdat->kswapd);
	WRITE_ONCE(pgdat->kswapd, NULL);
	WRITE_ONCE(pgdat->kswapd_state, KSWAPD_SLEEPING);
	wake_up_all(&pgdat->pfmemalloc_wait);
}

/* A node has memory while some twin zone on it manages pages. */
static void nodes_with_memory(bool has_memory[TWIN_NODES])
{
	struct mmtwin_zone_info info;
	int z;

	memset(has_memory, 0, TWIN_NODES * sizeof(*has_memory));
	for (z = 0; z < twin_nr_zones(); z++)
		if (!mmtwin_buddy_zone_info(z, &info) && info.node < TWIN_NODES &&
		    info.managed)
			has_memory[info.node] = true;
}

/*
 * kswapd_run() when a node comes online, kswapd_stop() when its memory
 * goes offline: here, when the buddy's arena grows onto a node or gives
 * back the last chunk it had there.
 */
static int sync_kswapds(void)
{
	bool has_memory[TWIN_NODES];
	int n, ret = 0;

	nodes_with_memory(has_memory);
	for (n = 0; n < TWIN_NODES && !ret; n++) {
		if (has_memory[n])
			ret = kswapd_run(n);
		else
			kswapd_stop(n);
	}
	return ret;
}

/* The buddy tells nobody when its arena changes: look every HZ/10. */
static void nodes_work_fn(struct work_struct *work)
{
	mutex_lock(&kswapd_lock);
	if (nodes_tracked) {
		if (sync_kswapds())
			pr_warn_ratelimited("mmtwin_reclaim: cannot start a kswapd\n");
		schedule_delayed_work(&nodes_work, NODES_PERIOD);
	}
	mutex_unlock(&kswapd_lock);
}

static void stop_all(void)
{
	int n;

	for (n = 0; n < TWIN_NODES; n++)
		kswapd_stop(n);
}

/* A kswapd for every node with memory now, and for any that gets some. */
int twin_kswapds_start(void)
{
	int ret;

	INIT_DELAYED_WORK(&nodes_work, nodes_work_fn);
	mutex_lock(&kswapd_lock);
	ret = sync_kswapds();
	if (ret)
		stop_all();
	else
		nodes_tracked = true;
	mutex_unlock(&kswapd_lock);
	if (!ret)
		schedule_delayed_work(&nodes_work, NODES_PERIOD);
	return ret;
}

void twin_kswapds_stop(void)
{
	mutex_lock(&kswapd_lock);
	nodes_tracked = false;
	mutex_unlock(&kswapd_lock);
	cancel_delayed_work_sync(&nodes_work);
	mutex_lock(&kswapd_lock);
	stop_all();
	mutex_unlock(&kswapd_lock);
}

/*
 * throttle_direct_reclaim(): below half the min marks, let kswapd catch
 * up before reclaiming directly (at most a second, as for !__GFP_FS).
 */
static void throttle_direct_reclaim(int nid)
{
	struct twin_pgdat *pgdat;

	if (nid < 0 || nid >= TWIN_NODES || !twin_pgdats[nid].present)
		return;
	pgdat = &twin_pgdats[nid];
	/* With kswapd switched off there is nobody to wait for. */
	if (!READ_ONCE(pgdat->kswapd) || !READ_ONCE(twin_kswapd_enabled) ||
	    allow_direct_reclaim(pgdat))
		return;
	count_twin_event(TW_PGSCAN_DIRECT_THROTTLE, 1);
	wake_up_interruptible(&pgdat->kswapd_wait);
	wait_event_interruptible_timeout(pgdat->pfmemalloc_wait,
					 allow_direct_reclaim(pgdat), HZ);
}

/*
 * __perform_reclaim() as the buddy's reclaim hook calls it: the task is
 * stalled on memory from before try_to_free_pages()'s throttle to the
 * end of the reclaim.
 */
unsigned long twin_direct_reclaim(int nid, gfp_t gfp, unsigned int order,
				  int highest_zoneidx)
{
	unsigned long nr_reclaimed;
	struct twin_memstall ms;

	twin_psi_memstall_enter(&ms, TWIN_STALL_FREEPAGES);
	throttle_direct_reclaim(nid);
	trace_mm_vmscan_direct_reclaim_begin(order, gfp);
	nr_reclaimed = twin_try_to_free_pages(nid, gfp, order, highest_zoneidx);
	trace_mm_vmscan_direct_reclaim_end(nr_reclaimed);
	twin_psi_memstall_leave(&ms);
	return nr_reclaimed;
}
