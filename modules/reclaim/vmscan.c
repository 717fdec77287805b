// SPDX-License-Identifier: GPL-2.0
/*
 * shrink_node() and what it calls, over the twin's LRU, as 6.12's classic
 * (non multi-gen) LRU does it: get_scan_count() splits the work between
 * the lists, shrink_inactive_list() evicts from the inactive tails in
 * batches of 32, shrink_active_list() refills the inactive lists when
 * inactive_is_low(). Twin pages are never mapped, so as 6.12 does for
 * unmapped folios, reclaim clears the referenced bit and evicts anyway:
 * the second chance is folio_mark_accessed()'s promotion on the second
 * access, not a rotation at scan time.
 *
 * Lists are touched under twin_lock, taken for one batch at a time so
 * the workload can run in between; shrinkers run without it.
 */
#include <linux/highmem.h>
#include <linux/sched.h>

#include "internal.h"
#include "trace.h"

static struct twin_lruvec *node_lruvec(struct twin_pgdat *pgdat)
{
	return &pgdat->lruvec;
}

/* Evict an isolated page: its data is safe elsewhere (or recreatable). */
void twin_evict(struct mmtwin_frame *f, struct twin_group *g)
{
	struct twin_lruvec *lruvec;
	unsigned long idx = twin_frame_index(f);
	int nid = twin_zone_node(twin_zone_of(mmtwin_frame_page(f)));

	lockdep_assert_held(&twin_lock);
	/* workingset_eviction(): stamp the clock and whether it was hot */
	lruvec = &twin_pgdats[nid].lruvec;
	lruvec->nonresident_age++;
	g->shadow[idx] = (lruvec->nonresident_age << 1) |
			 twin_test_flag(f, TPG_WORKINGSET);
	g->pages[idx] = NULL;
	g->rss--;
	mmtwin_free_pages(mmtwin_frame_page(f), 0);
}

/*
 * workingset_refault(): a page comes back; if it was evicted less than a
 * workingset's worth of evictions and activations ago, it would have
 * stayed with a bigger inactive list, so it starts active, and if it
 * was active before its eviction, it is workingset: the read that brings
 * it back is thrashing (a memory stall).
 */
unsigned int twin_workingset_refault(struct twin_group *g, unsigned long idx,
				     int nid)
{
	struct twin_lruvec *lruvec = &twin_pgdats[nid].lruvec;
	unsigned long shadow = g->shadow[idx], distance, size;
	bool file = !g->anon;

	lockdep_assert_held(&twin_lock);
	if (!shadow)
		return 0;
	g->shadow[idx] = 0;
	count_twin_event(file ? TW_WORKINGSET_REFAULT_FILE :
				TW_WORKINGSET_REFAULT_ANON, 1);
	distance = lruvec->nonresident_age - (shadow >> 1);
	size = lruvec->size[TWIN_ACTIVE_FILE];
	if (!file)
		size += lruvec->size[TWIN_INACTIVE_FILE];
	if (twin_swap_has_room()) {
		size += lruvec->size[TWIN_ACTIVE_ANON];
		if (file)
			size += lruvec->size[TWIN_INACTIVE_ANON];
	}
	if (distance > size)
		return 0;
	count_twin_event(file ? TW_WORKINGSET_ACTIVATE_FILE :
				TW_WORKINGSET_ACTIVATE_ANON, 1);
	if (!(shadow & 1))
		return TWIN_REFAULT_ACTIVE;
	count_twin_event(file ? TW_WORKINGSET_RESTORE_FILE :
				TW_WORKINGSET_RESTORE_ANON, 1);
	return TWIN_REFAULT_ACTIVE | TWIN_REFAULT_WORKINGSET;
}

/*
 * isolate_lru_folios(): take up to @nr_to_scan pages from the tail of
 * @lru; pages of zones above the reclaim index are skipped and go back.
 */
static unsigned long isolate_lru(struct twin_pgdat *pgdat,
				 unsigned long nr_to_scan,
				 struct list_head *dst, unsigned long *nr_scanned,
				 struct twin_scan_control *sc, enum twin_lru lru)
{
	struct list_head *src = &node_lruvec(pgdat)->lists[lru];
	unsigned long scan = 0, nr_taken = 0, nr_skipped = 0;
	LIST_HEAD(skipped);

	while (scan < nr_to_scan && !list_empty(src)) {
		struct mmtwin_frame *f = list_last_entry(src, struct mmtwin_frame, lru);
		int zone = twin_zone_of(mmtwin_frame_page(f));

		if (twin_zone_type(zone) > sc->reclaim_idx) {
			list_move(&f->lru, &skipped);
			nr_skipped++;
			continue;
		}
		scan++;
		twin_lru_del(f);
		list_add(&f->lru, dst);
		nr_taken++;
	}
	list_splice_tail(&skipped, src);
	*nr_scanned = scan;
	trace_mm_vmscan_lru_isolate(sc->reclaim_idx, sc->order, nr_to_scan,
				    scan, nr_skipped, nr_taken, lru);
	return nr_taken;
}

/* Write an anon page out; false (keep it) when there is no room. */
static bool pageout(struct mmtwin_frame *f, struct twin_group *g)
{
	unsigned long idx = twin_frame_index(f);
	long slot = twin_swap_write(mmtwin_frame_address(f));

	if (slot < 0)
		return false;
	g->swap[idx] = slot + 1;
	g->swapents++;
	count_twin_event(TW_PSWPOUT, 1);
	return true;
}

/*
 * shrink_folio_list() for one page: true if it was freed. Anon pages
 * need swap (and may_swap); without it they are activated, as
 * activate_locked does, so reclaim stops trying them for a while.
 */
static bool reclaim_page(struct mmtwin_frame *f, struct twin_scan_control *sc,
			 struct twin_reclaim_stat *stat, unsigned long *nr_io)
{
	struct twin_group *g = twin_frame_group(f);
	bool anon = twin_test_flag(f, TPG_SWAPBACKED);

	/* folio_check_references() on an unmapped folio */
	twin_clear_flag(f, TPG_REFERENCED);
	if (twin_test_flag(f, TPG_UNEVICTABLE))
		goto keep;
	if (anon) {
		if (!sc->may_swap || !pageout(f, g)) {
			stat->nr_activate[0]++;
			twin_set_flag(f, TPG_ACTIVE);
			goto keep;
		}
		(*nr_io)++;
	}
	twin_evict(f, g);
	return true;
keep:
	return false;
}

static void note_cost(struct twin_lruvec *lruvec, bool file,
		      unsigned long nr_io, unsigned long nr_rotated)
{
	unsigned long cost = nr_io * TWIN_SWAP_CLUSTER_MAX + nr_rotated;
	unsigned long lrusize = lruvec->size[0] + lruvec->size[1] +
				lruvec->size[2] + lruvec->size[3];

	/* lru_note_cost(): costs decay once they outgrow a quarter of the LRU */
	if (file)
		lruvec->file_cost += cost;
	else
		lruvec->anon_cost += cost;
	if (lruvec->anon_cost + lruvec->file_cost > lrusize / 4) {
		lruvec->anon_cost /= 2;
		lruvec->file_cost /= 2;
	}
}

static unsigned long shrink_inactive_list(struct twin_pgdat *pgdat,
					  unsigned long nr_to_scan,
					  struct twin_scan_control *sc,
					  enum twin_lru lru)
{
	struct twin_reclaim_stat stat = {};
	unsigned long nr_scanned, nr_reclaimed = 0, nr_io = 0;
	bool file = twin_lru_is_file(lru);
	struct mmtwin_frame *f, *next;
	LIST_HEAD(list);

	isolate_lru(pgdat, nr_to_scan, &list, &nr_scanned, sc, lru);
	sc->nr_scanned += nr_scanned;
	count_twin_event(sc->kswapd ? TW_PGSCAN_KSWAPD : TW_PGSCAN_DIRECT, nr_scanned);
	count_twin_event(file ? TW_PGSCAN_FILE : TW_PGSCAN_ANON, nr_scanned);

	list_for_each_entry_safe(f, next, &list, lru) {
		list_del_init(&f->lru);
		if (reclaim_page(f, sc, &stat, &nr_io)) {
			nr_reclaimed++;
			continue;
		}
		/* move_folios_to_lru() */
		twin_lru_add(f, twin_test_flag(f, TPG_ACTIVE));
		if (twin_test_flag(f, TPG_ACTIVE))
			count_twin_event(TW_PGACTIVATE, 1);
	}
	count_twin_event(sc->kswapd ? TW_PGSTEAL_KSWAPD : TW_PGSTEAL_DIRECT, nr_reclaimed);
	count_twin_event(file ? TW_PGSTEAL_FILE : TW_PGSTEAL_ANON, nr_reclaimed);
	note_cost(node_lruvec(pgdat), file, nr_io, nr_scanned - nr_reclaimed);
	sc->nr_reclaimed += nr_reclaimed;
	trace_mm_vmscan_lru_shrink_inactive(pgdat->nid, nr_scanned, nr_reclaimed,
					    &stat, sc->priority, file);
	return nr_reclaimed;
}

/*
 * shrink_active_list(): an unmapped page has no referenced PTEs, so every
 * page taken from the active tail goes to the inactive list, marked
 * workingset so its refault counts as thrashing.
 */
void twin_shrink_active_list(struct twin_pgdat *pgdat, unsigned long nr_to_scan,
			     struct twin_scan_control *sc, enum twin_lru lru)
{
	unsigned long nr_scanned, nr_taken, nr_deactivate = 0;
	struct mmtwin_frame *f, *next;
	LIST_HEAD(hold);

	lockdep_assert_held(&twin_lock);
	nr_taken = isolate_lru(pgdat, nr_to_scan, &hold, &nr_scanned, sc, lru);
	count_twin_event(TW_PGREFILL, nr_scanned);
	list_for_each_entry_safe(f, next, &hold, lru) {
		list_del_init(&f->lru);
		if (twin_test_flag(f, TPG_UNEVICTABLE)) {
			twin_lru_add(f, true);
			continue;
		}
		twin_set_flag(f, TPG_WORKINGSET);
		twin_lru_add(f, false);
		nr_deactivate++;
	}
	count_twin_event(TW_PGDEACTIVATE, nr_deactivate);
	trace_mm_vmscan_lru_shrink_active(pgdat->nid, nr_taken, 0, nr_deactivate,
					  0, sc->priority, twin_lru_is_file(lru));
}

static unsigned long shrink_list(struct twin_pgdat *pgdat, enum twin_lru lru,
				 unsigned long nr_to_scan,
				 struct twin_scan_control *sc)
{
	unsigned long ret = 0;

	mutex_lock(&twin_lock);
	if (twin_lru_is_active(lru)) {
		if (twin_lru_is_file(lru) ? sc->may_deactivate_file :
					    sc->may_deactivate_anon)
			twin_shrink_active_list(pgdat, nr_to_scan, sc, lru);
	} else {
		ret = shrink_inactive_list(pgdat, nr_to_scan, sc, lru);
	}
	mutex_unlock(&twin_lock);
	return ret;
}

static bool can_reclaim_anon(struct twin_scan_control *sc)
{
	return sc->may_swap && twin_swap_has_room() && twin_swappiness;
}

/*
 * prepare_scan_control(): deactivate where the inactive list is low;
 * trim the page cache alone while it has plenty of inactive pages; go
 * for anon when the file pages and free memory together are below the
 * high marks.
 */
static void prepare_scan_control(struct twin_pgdat *pgdat,
				 struct twin_scan_control *sc)
{
	struct twin_lruvec *lruvec = node_lruvec(pgdat);
	unsigned long file, free, high;

	mutex_lock(&twin_lock);
	sc->may_deactivate_anon =
		twin_inactive_is_low(lruvec->size[TWIN_INACTIVE_ANON],
				     lruvec->size[TWIN_ACTIVE_ANON]);
	sc->may_deactivate_file =
		twin_inactive_is_low(lruvec->size[TWIN_INACTIVE_FILE],
				     lruvec->size[TWIN_ACTIVE_FILE]);
	sc->cache_trim_mode = (lruvec->size[TWIN_INACTIVE_FILE] >> sc->priority) &&
			      !sc->may_deactivate_file;
	file = lruvec->size[TWIN_INACTIVE_FILE] + lruvec->size[TWIN_ACTIVE_FILE];
	free = twin_node_free(pgdat->nid, MAX_NR_ZONES - 1);
	high = twin_node_high_wmarks(pgdat->nid, MAX_NR_ZONES - 1);
	sc->file_is_tiny = file + free <= high && !sc->may_deactivate_anon &&
			   (lruvec->size[TWIN_INACTIVE_ANON] >> sc->priority);
	mutex_unlock(&twin_lock);
}

static void scan_count(struct twin_pgdat *pgdat, struct twin_scan_control *sc,
		       unsigned long nr[TWIN_NR_LRU])
{
	struct twin_lruvec *lruvec = node_lruvec(pgdat);
	struct twin_scan_input in = {
		.priority = sc->priority,
		.swappiness = twin_swappiness,
		.can_swap = sc->may_swap && twin_swap_has_room(),
		.file_is_tiny = sc->file_is_tiny,
		.cache_trim_mode = sc->cache_trim_mode,
	};
	int lru;

	mutex_lock(&twin_lock);
	for (lru = 0; lru < TWIN_NR_LRU; lru++)
		in.size[lru] = lruvec->size[lru];
	in.anon_cost = lruvec->anon_cost;
	in.file_cost = lruvec->file_cost;
	mutex_unlock(&twin_lock);
	twin_get_scan_count(&in, nr);
}

/*
 * shrink_lruvec(): walk the lists in batches of 32 until each has had its
 * share; stop once the target is met (the kernel then scales the other
 * lists down proportionally; the twin simply stops). Then age anon.
 */
static void shrink_lruvec(struct twin_pgdat *pgdat, struct twin_scan_control *sc)
{
	unsigned long nr[TWIN_NR_LRU], nr_reclaimed = 0;
	int lru;

	scan_count(pgdat, sc, nr);
	while (nr[TWIN_INACTIVE_ANON] || nr[TWIN_ACTIVE_FILE] ||
	       nr[TWIN_INACTIVE_FILE]) {
		for (lru = 0; lru < TWIN_NR_LRU; lru++) {
			unsigned long n = min(nr[lru], TWIN_SWAP_CLUSTER_MAX);

			if (!n)
				continue;
			nr[lru] -= n;
			nr_reclaimed += shrink_list(pgdat, lru, n, sc);
		}
		cond_resched();
		if (nr_reclaimed >= sc->nr_to_reclaim)
			break;
	}
	mutex_lock(&twin_lock);
	if (can_reclaim_anon(sc) &&
	    twin_inactive_is_low(node_lruvec(pgdat)->size[TWIN_INACTIVE_ANON],
				 node_lruvec(pgdat)->size[TWIN_ACTIVE_ANON]))
		twin_shrink_active_list(pgdat, TWIN_SWAP_CLUSTER_MAX, sc,
					TWIN_ACTIVE_ANON);
	mutex_unlock(&twin_lock);
}

/* shrink_node(): the LRU, then the shrinkers (the slab twin's among them). */
void twin_shrink_node(struct twin_pgdat *pgdat, struct twin_scan_control *sc)
{
	unsigned long nr_reclaimed = sc->nr_reclaimed;

	prepare_scan_control(pgdat, sc);
	shrink_lruvec(pgdat, sc);
	twin_shrink_slab(sc->gfp_mask, pgdat->nid, sc->priority);
	/* Progress makes a hopeless node hopeful again. */
	if (sc->nr_reclaimed - nr_reclaimed)
		WRITE_ONCE(pgdat->kswapd_failures, 0);
}

/*
 * do_try_to_free_pages(): from priority 12 down to 0 over every node,
 * the allocating one first, until 32 pages are free.
 */
unsigned long twin_try_to_free_pages(int nid, gfp_t gfp, int order,
				     int highest_zoneidx)
{
	struct twin_scan_control sc = {
		.nr_to_reclaim = TWIN_SWAP_CLUSTER_MAX,
		.gfp_mask = gfp,
		.reclaim_idx = highest_zoneidx,
		.order = order,
		.priority = TWIN_DEF_PRIORITY,
		.may_writepage = true,
		.may_swap = true,
	};
	int i, n;

	if (nid < 0 || nid >= TWIN_NODES)
		nid = 0;
	do {
		for (i = 0; i < TWIN_NODES; i++) {
			n = (nid + i) % TWIN_NODES;
			if (twin_pgdats[n].present)
				twin_shrink_node(&twin_pgdats[n], &sc);
			if (sc.nr_reclaimed >= sc.nr_to_reclaim)
				break;
		}
		if (sc.nr_reclaimed >= sc.nr_to_reclaim)
			break;
	} while (--sc.priority >= 0);
	return sc.nr_reclaimed;
}
