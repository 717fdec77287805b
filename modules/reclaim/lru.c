// SPDX-License-Identifier: GPL-2.0
/*
 * The twin's LRU: four evictable lists per node, as the classic (non
 * multi-gen) LRU of 6.12 keeps them, and the page flags reclaim reads.
 * A page's flags, owner and index live in its twin frame's owner fields:
 * @private holds the group, owner_data[0] the index, owner_data[1] the
 * flags (low bits) and the twin zone (from bit 16).
 *
 * Callers hold twin_lock, except for the per-zone counts, which the
 * buddy reads from atomic context through the ->reclaimable hook.
 */
#include <linux/mm.h>

#include <kunit/visibility.h>

#include "internal.h"

#define TPG_ZONE_SHIFT	16
#define TPG_FLAGS_MASK	((1UL << TPG_ZONE_SHIFT) - 1)

/* Pages on the lists by twin zone, [zone][file]: for ->reclaimable. */
static atomic_long_t zone_lru[TWIN_ZONES][2];

static unsigned long *frame_flags(struct mmtwin_frame *f)
{
	return &f->owner_data[1];
}

bool twin_test_flag(const struct mmtwin_frame *f, enum twin_page_flag flag)
{
	return f->owner_data[1] & BIT(flag);
}
EXPORT_SYMBOL_IF_KUNIT(twin_test_flag);

void twin_set_flag(struct mmtwin_frame *f, enum twin_page_flag flag)
{
	*frame_flags(f) |= BIT(flag);
}

void twin_clear_flag(struct mmtwin_frame *f, enum twin_page_flag flag)
{
	*frame_flags(f) &= ~BIT(flag);
}

struct twin_group *twin_frame_group(const struct mmtwin_frame *f)
{
	return (struct twin_group *)f->private;
}

unsigned long twin_frame_index(const struct mmtwin_frame *f)
{
	return f->owner_data[0];
}

static int frame_zone(const struct mmtwin_frame *f)
{
	return f->owner_data[1] >> TPG_ZONE_SHIFT;
}

void twin_frame_set_owner(struct mmtwin_frame *f, struct twin_group *g,
			  unsigned long index, int zone)
{
	f->private = (unsigned long)g;
	f->owner_data[0] = index;
	f->owner_data[1] = (unsigned long)zone << TPG_ZONE_SHIFT;
	INIT_LIST_HEAD(&f->lru);
}

/* folio_lru_list() */
enum twin_lru twin_frame_lru(const struct mmtwin_frame *f)
{
	int lru = twin_test_flag(f, TPG_SWAPBACKED) ? TWIN_INACTIVE_ANON :
						     TWIN_INACTIVE_FILE;

	if (twin_test_flag(f, TPG_ACTIVE))
		lru++;
	return lru;
}
EXPORT_SYMBOL_IF_KUNIT(twin_frame_lru);

static struct twin_lruvec *frame_lruvec(const struct mmtwin_frame *f)
{
	return &twin_pgdats[twin_zone_node(frame_zone(f))].lruvec;
}

void twin_lruvec_init(struct twin_lruvec *lruvec)
{
	int lru;

	for (lru = 0; lru < TWIN_NR_LRU; lru++)
		INIT_LIST_HEAD(&lruvec->lists[lru]);
}

/* lruvec_add_folio(): new and returning pages go to the head. */
void twin_lru_add(struct mmtwin_frame *f, bool active)
{
	struct twin_lruvec *lruvec = frame_lruvec(f);
	enum twin_lru lru;

	lockdep_assert_held(&twin_lock);
	if (active)
		twin_set_flag(f, TPG_ACTIVE);
	else
		twin_clear_flag(f, TPG_ACTIVE);
	lru = twin_frame_lru(f);
	list_add(&f->lru, &lruvec->lists[lru]);
	lruvec->size[lru]++;
	atomic_long_inc(&zone_lru[frame_zone(f)][twin_lru_is_file(lru)]);
	twin_set_flag(f, TPG_LRU);
}

/* lruvec_del_folio(), for isolation and for freeing. */
void twin_lru_del(struct mmtwin_frame *f)
{
	struct twin_lruvec *lruvec = frame_lruvec(f);
	enum twin_lru lru = twin_frame_lru(f);

	lockdep_assert_held(&twin_lock);
	if (!twin_test_flag(f, TPG_LRU))
		return;
	list_del_init(&f->lru);
	lruvec->size[lru]--;
	atomic_long_dec(&zone_lru[frame_zone(f)][twin_lru_is_file(lru)]);
	twin_clear_flag(f, TPG_LRU);
}

/*
 * folio_mark_accessed(): the first access sets referenced, the second
 * moves an inactive page to the active list (folio_activate()); an
 * active page only keeps its referenced bit.
 */
void twin_mark_accessed(struct mmtwin_frame *f)
{
	lockdep_assert_held(&twin_lock);
	if (!twin_test_flag(f, TPG_REFERENCED)) {
		twin_set_flag(f, TPG_REFERENCED);
	} else if (twin_test_flag(f, TPG_UNEVICTABLE)) {
		return;
	} else if (!twin_test_flag(f, TPG_ACTIVE)) {
		if (twin_test_flag(f, TPG_LRU)) {
			twin_lru_del(f);
			twin_lru_add(f, true);
			count_twin_event(TW_PGACTIVATE, 1);
		}
		twin_clear_flag(f, TPG_REFERENCED);
		/* workingset_activation(): the clock runs on activations too */
		frame_lruvec(f)->nonresident_age++;
	}
}

/* zone_reclaimable_pages(), without the anon half when swap is full. */
unsigned long twin_lru_zone_pages(int zone, bool file)
{
	if (zone < 0 || zone >= TWIN_ZONES)
		return 0;
	return max(0L, atomic_long_read(&zone_lru[zone][file]));
}
