// SPDX-License-Identifier: GPL-2.0
/*
 * The buddy twin's zones as the reclaimer sees them: which twin zone a
 * page is in (the host's node and zone type of the page, since the twin
 * mirrors the host's zones), and the per-node watermark questions kswapd
 * asks (pgdat_balanced(), the boost, the sum of the high marks).
 */
#include <linux/mm.h>

#include <kunit/visibility.h>

#include "internal.h"

static DEFINE_SPINLOCK(map_lock);
static int zone_map[TWIN_NODES][MAX_NR_ZONES];
static int zone_node[TWIN_ZONES], zone_type[TWIN_ZONES];
static int nr_mapped;

/* The buddy adds zones when its arena grows: map again when it did. */
static void map_zones(void)
{
	struct mmtwin_zone_info info;
	int i, nr = min(mmtwin_buddy_nr_zones(), TWIN_ZONES);
	unsigned long flags;

	/* The wake hook may run in interrupt context. */
	spin_lock_irqsave(&map_lock, flags);
	/* Entries only go from -1 to a zone: readers never see one vanish. */
	for (i = 0; i < nr; i++) {
		if (mmtwin_buddy_zone_info(i, &info) || info.node >= TWIN_NODES)
			continue;
		zone_map[info.node][info.host_zone] = i;
		zone_node[i] = info.node;
		zone_type[i] = info.host_zone;
		twin_pgdats[info.node].present = true;
	}
	WRITE_ONCE(nr_mapped, nr);
	spin_unlock_irqrestore(&map_lock, flags);
}

int twin_zones_init(void)
{
	int n, t;

	for (n = 0; n < TWIN_NODES; n++)
		for (t = 0; t < MAX_NR_ZONES; t++)
			zone_map[n][t] = -1;
	map_zones();
	return nr_mapped ? 0 : -ENODEV;
}

int twin_nr_zones(void)
{
	if (READ_ONCE(nr_mapped) != min(mmtwin_buddy_nr_zones(), TWIN_ZONES))
		map_zones();
	return READ_ONCE(nr_mapped);
}
EXPORT_SYMBOL_IF_KUNIT(twin_nr_zones);

int twin_zone_of(struct page *page)
{
	int nid = page_to_nid(page);

	if (nid >= TWIN_NODES)
		return -1;
	if (zone_map[nid][page_zonenum(page)] < 0)
		map_zones();
	return zone_map[nid][page_zonenum(page)];
}

int twin_zone_node(int zone)
{
	return zone >= 0 ? zone_node[zone] : 0;
}
EXPORT_SYMBOL_IF_KUNIT(twin_zone_node);

int twin_zone_type(int zone)
{
	return zone >= 0 ? zone_type[zone] : 0;
}
EXPORT_SYMBOL_IF_KUNIT(twin_zone_type);

/* Twin zone @z is on @nid, and an allocation bounded by @highest may use it. */
static bool eligible(int z, int nid, int highest)
{
	return zone_node[z] == nid && zone_type[z] <= highest;
}

/*
 * pgdat_balanced(): kswapd may sleep once any eligible zone of the node
 * is above its high mark (boost included) for @order. A node without
 * eligible zones is balanced: there is nothing kswapd could do for it.
 */
bool twin_pgdat_balanced(int nid, int order, int highest_zoneidx)
{
	struct mmtwin_zone_info info;
	bool any = false;
	int z;

	for (z = 0; z < twin_nr_zones(); z++) {
		if (!eligible(z, nid, highest_zoneidx))
			continue;
		if (mmtwin_buddy_zone_info(z, &info) || !info.managed)
			continue;
		any = true;
		if (mmtwin_buddy_watermark_ok(z, order, info.high,
					      highest_zoneidx, 0))
			return true;
	}
	return !any;
}
EXPORT_SYMBOL_IF_KUNIT(twin_pgdat_balanced);

/* pgdat_watermark_boosted(): a boosted zone wants kswapd even if balanced. */
bool twin_pgdat_boosted(int nid, int highest_zoneidx)
{
	struct mmtwin_zone_info info;
	int z;

	for (z = 0; z < twin_nr_zones(); z++)
		if (eligible(z, nid, highest_zoneidx) &&
		    !mmtwin_buddy_zone_info(z, &info) && info.boost)
			return true;
	return false;
}

/* kswapd_shrink_node()'s target: each eligible zone's high mark, >= 32. */
unsigned long twin_node_high_wmarks(int nid, int highest_zoneidx)
{
	struct mmtwin_zone_info info;
	unsigned long sum = 0;
	int z;

	for (z = 0; z < twin_nr_zones(); z++)
		if (eligible(z, nid, highest_zoneidx) &&
		    !mmtwin_buddy_zone_info(z, &info) && info.managed)
			sum += max(info.high, TWIN_SWAP_CLUSTER_MAX);
	return sum;
}

unsigned long twin_node_free(int nid, int highest_zoneidx)
{
	struct mmtwin_zone_info info;
	unsigned long sum = 0;
	int z;

	for (z = 0; z < twin_nr_zones(); z++)
		if (eligible(z, nid, highest_zoneidx) &&
		    !mmtwin_buddy_zone_info(z, &info))
			sum += info.free;
	return sum;
}

/* allow_direct_reclaim()'s pfmemalloc reserve: min marks up to Normal. */
unsigned long twin_node_min_wmarks(int nid)
{
	struct mmtwin_zone_info info;
	unsigned long sum = 0;
	int z;

	for (z = 0; z < twin_nr_zones(); z++)
		if (eligible(z, nid, ZONE_NORMAL) &&
		    !mmtwin_buddy_zone_info(z, &info))
			sum += info.min;
	return sum;
}

unsigned long twin_total_managed(void)
{
	struct mmtwin_zone_info info;
	unsigned long sum = 0;
	int z;

	for (z = 0; z < twin_nr_zones(); z++)
		if (!mmtwin_buddy_zone_info(z, &info))
			sum += info.managed;
	return sum;
}
