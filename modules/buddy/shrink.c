// SPDX-License-Identifier: GPL-2.0
/*
 * The twin's shrinker registry: caches built on the twin (the slab twin)
 * register a count/scan pair here, and a reclaimer calls
 * mmtwin_buddy_shrink_slab() the way shrink_node() calls shrink_slab(),
 * so neither needs to know the other. do_shrink_slab()'s arithmetic,
 * without the deferred counts (each call starts afresh).
 */
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/shrinker.h>
#include <linux/srcu.h>

#include "glue.h"

#define MMTWIN_SHRINK_BATCH	128	/* SHRINK_BATCH */
#define MMTWIN_DEF_PRIORITY	12	/* DEF_PRIORITY */

static LIST_HEAD(shrinkers);
static DEFINE_MUTEX(shrinkers_lock);
DEFINE_STATIC_SRCU(shrinkers_srcu);

int mmtwin_buddy_register_shrinker(struct mmtwin_shrinker *s)
{
	if (!s->count_objects || !s->scan_objects || s->seeks < 0 ||
	    s->batch < 0)
		return -EINVAL;
	mutex_lock(&shrinkers_lock);
	list_add_tail_rcu(&s->list, &shrinkers);
	mutex_unlock(&shrinkers_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(mmtwin_buddy_register_shrinker);

/* Returns once no scan of @s is running. */
void mmtwin_buddy_unregister_shrinker(struct mmtwin_shrinker *s)
{
	mutex_lock(&shrinkers_lock);
	list_del_rcu(&s->list);
	mutex_unlock(&shrinkers_lock);
	synchronize_srcu(&shrinkers_srcu);
}
EXPORT_SYMBOL_GPL(mmtwin_buddy_unregister_shrinker);

/* do_shrink_slab(): scan a share of what @s can free, in batches. */
static unsigned long shrink_one(struct mmtwin_shrinker *s,
				struct mmtwin_shrink_control *sc, int priority)
{
	unsigned long freeable, delta, total, freed = 0, ret;
	unsigned long batch = s->batch ? s->batch : MMTWIN_SHRINK_BATCH;

	freeable = s->count_objects(s, sc);
	if (!freeable || freeable == SHRINK_EMPTY)
		return 0;
	if (s->seeks) {
		delta = (freeable >> priority) * 4;
		delta /= s->seeks;
	} else {
		delta = freeable / 2;
	}
	total = min(delta, 2 * freeable);
	while (total >= batch || total >= freeable) {
		sc->nr_to_scan = min(batch, total);
		sc->nr_scanned = sc->nr_to_scan;
		ret = s->scan_objects(s, sc);
		if (ret == SHRINK_STOP)
			break;
		freed += ret;
		total -= min(total, sc->nr_scanned);
		cond_resched();
	}
	return freed;
}

/**
 * mmtwin_buddy_shrink_slab - run every registered shrinker once
 * @gfp: the reclaim context, for the shrinkers to check (sc->gfp_mask)
 * @nid: node being reclaimed
 * @priority: DEF_PRIORITY (12) scans 1/4096 of each cache, 0 all of it
 *
 * May sleep. Return: objects freed.
 */
unsigned long mmtwin_buddy_shrink_slab(gfp_t gfp, int nid, int priority)
{
	struct mmtwin_shrink_control sc = { .gfp_mask = gfp, .nid = nid };
	struct mmtwin_shrinker *s;
	unsigned long freed = 0;
	int idx;

	if (priority < 0 || priority > MMTWIN_DEF_PRIORITY)
		return 0;
	idx = srcu_read_lock(&shrinkers_srcu);
	list_for_each_entry_srcu(s, &shrinkers, list,
				 srcu_read_lock_held(&shrinkers_srcu))
		freed += shrink_one(s, &sc, priority);
	srcu_read_unlock(&shrinkers_srcu, idx);
	return freed;
}
EXPORT_SYMBOL_GPL(mmtwin_buddy_shrink_slab);

/*
 * Call @walk->fn on each registered shrinker, under the registry's SRCU
 * (so an unregister waits for it), until it returns false: for a
 * reclaimer that runs do_shrink_slab() itself, with its own tracepoints
 * and counts.
 */
void mmtwin_buddy_walk_shrinkers(const struct mmtwin_shrinker_walk *walk)
{
	struct mmtwin_shrinker *s;
	int idx;

	idx = srcu_read_lock(&shrinkers_srcu);
	list_for_each_entry_srcu(s, &shrinkers, list,
				 srcu_read_lock_held(&shrinkers_srcu))
		if (!walk->fn(s, walk->arg))
			break;
	srcu_read_unlock(&shrinkers_srcu, idx);
}
EXPORT_SYMBOL_GPL(mmtwin_buddy_walk_shrinkers);

/*
 * Direct reclaim with no reclaimer registered: priorities from
 * DEF_PRIORITY down until something is freed, as do_try_to_free_pages()
 * raises the pressure.
 */
unsigned long mmtwin_buddy_shrink_node(gfp_t gfp, int nid)
{
	unsigned long freed = 0;
	int prio;

	for (prio = MMTWIN_DEF_PRIORITY; prio >= 0 && !freed; prio--)
		freed = mmtwin_buddy_shrink_slab(gfp, nid, prio);
	return freed;
}
