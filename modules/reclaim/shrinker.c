// SPDX-License-Identifier: GPL-2.0
/*
 * shrink_slab() over the buddy's shrinker registry (the slab twin's
 * shrinker among them): do_shrink_slab() for each, with 6.12's
 * mm_shrink_slab_start/end tracepoints and slabs_scanned. The registry
 * keeps no deferred counts, so nothing is carried to the next call.
 */
#include <linux/sched.h>
#include <linux/shrinker.h>
#include <kunit/visibility.h>

#include "internal.h"
#include "trace.h"

struct shrink_args {
	gfp_t gfp;
	int nid;
	int priority;
	unsigned long freed;
};

static unsigned long do_shrink_slab(struct mmtwin_shrink_control *sc,
				    struct mmtwin_shrinker *s, int priority)
{
	unsigned long batch = s->batch ? s->batch : TWIN_SHRINK_BATCH;
	unsigned long freeable, delta, total_scan, freed = 0, ret;

	freeable = s->count_objects(s, sc);
	if (!freeable || freeable == SHRINK_EMPTY)
		return 0;
	delta = twin_shrink_delta(freeable, priority, s->seeks);
	total_scan = delta;
	trace_mm_shrink_slab_start(s, sc, 0, freeable, delta, total_scan,
				   priority);
	/* A small cache is scanned whole once its share reaches its size. */
	while (total_scan >= batch || total_scan >= freeable) {
		sc->nr_to_scan = min(batch, total_scan);
		sc->nr_scanned = sc->nr_to_scan;
		ret = s->scan_objects(s, sc);
		if (ret == SHRINK_STOP)
			break;
		freed += ret;
		count_twin_event(TW_SLABS_SCANNED, sc->nr_scanned);
		total_scan -= min(total_scan, sc->nr_scanned);
		cond_resched();
	}
	trace_mm_shrink_slab_end(s, sc->nid, freed, 0, 0, total_scan);
	return freed;
}

static bool shrink_one(struct mmtwin_shrinker *s, void *arg)
{
	struct shrink_args *a = arg;
	struct mmtwin_shrink_control sc = { .gfp_mask = a->gfp, .nid = a->nid };

	a->freed += do_shrink_slab(&sc, s, a->priority);
	return true;
}

/* Objects freed by every shrinker at @priority (12 scans 1/4096, 0 all). */
unsigned long twin_shrink_slab(gfp_t gfp, int nid, int priority)
{
	struct shrink_args a = { .gfp = gfp, .nid = nid, .priority = priority };
	const struct mmtwin_shrinker_walk walk = { .fn = shrink_one, .arg = &a };

	mmtwin_buddy_walk_shrinkers(&walk);
	return a.freed;
}
EXPORT_SYMBOL_IF_KUNIT(twin_shrink_slab);
