// SPDX-License-Identifier: GPL-2.0
/*
 * The timeline: every 100 ms, each twin zone's free pages and marks, its
 * node's kswapd state and the scan/steal counts so far, kept in a ring
 * of the last TIMELINE_LEN rows and printed as a whitespace-separated
 * table with a header line, for gnuplot or awk.
 */
#include <linux/jiffies.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "internal.h"

#define TIMELINE_LEN		4096
#define TIMELINE_PERIOD_MS	100

struct timeline_row {
	unsigned long ms;
	int node, zone, kswapd;
	unsigned long free, min, low, high, boost;
	unsigned long scan, steal;
};

static DEFINE_SPINLOCK(timeline_lock);
static struct timeline_row *rows;
static unsigned long next_row;		/* rows written so far */
static unsigned long start_jiffies;
static struct delayed_work timeline_work;

static void sample_zone(int z, unsigned long ms, struct timeline_row *r)
{
	struct mmtwin_zone_info info;

	if (mmtwin_buddy_zone_info(z, &info))
		memset(&info, 0, sizeof(info));
	r->ms = ms;
	r->node = info.node;
	r->zone = z;
	r->kswapd = info.node < TWIN_NODES ?
		    READ_ONCE(twin_pgdats[info.node].kswapd_state) : 0;
	r->free = info.free;
	r->min = info.min - min(info.min, info.boost);
	r->low = info.low - min(info.low, info.boost);
	r->high = info.high - min(info.high, info.boost);
	r->boost = info.boost;
	r->scan = atomic_long_read(&twin_events[TW_PGSCAN_KSWAPD]) +
		  atomic_long_read(&twin_events[TW_PGSCAN_DIRECT]);
	r->steal = atomic_long_read(&twin_events[TW_PGSTEAL_KSWAPD]) +
		   atomic_long_read(&twin_events[TW_PGSTEAL_DIRECT]);
}

static void timeline_sample(struct work_struct *work)
{
	unsigned long ms = jiffies_to_msecs(jiffies - start_jiffies);
	struct timeline_row r;
	int z;

	for (z = 0; z < twin_nr_zones(); z++) {
		sample_zone(z, ms, &r);
		spin_lock(&timeline_lock);
		rows[next_row++ % TIMELINE_LEN] = r;
		spin_unlock(&timeline_lock);
	}
	schedule_delayed_work(&timeline_work,
			      msecs_to_jiffies(TIMELINE_PERIOD_MS));
}

void twin_timeline_show(struct seq_file *m)
{
	static const char *const state[] = { "sleep", "nap", "run" };
	unsigned long i, first, last;
	struct timeline_row r;

	seq_puts(m, "# time_ms node zone free min low high boost kswapd pgscan pgsteal\n");
	spin_lock(&timeline_lock);
	last = next_row;
	spin_unlock(&timeline_lock);
	first = last > TIMELINE_LEN ? last - TIMELINE_LEN : 0;
	for (i = first; i < last; i++) {
		spin_lock(&timeline_lock);
		r = rows[i % TIMELINE_LEN];
		spin_unlock(&timeline_lock);
		seq_printf(m, "%lu %d %d %lu %lu %lu %lu %lu %s %lu %lu\n",
			   r.ms, r.node, r.zone, r.free, r.min, r.low, r.high,
			   r.boost, state[r.kswapd], r.scan, r.steal);
	}
}

int twin_timeline_init(void)
{
	rows = vzalloc(array_size(TIMELINE_LEN, sizeof(*rows)));
	if (!rows)
		return -ENOMEM;
	start_jiffies = jiffies;
	INIT_DELAYED_WORK(&timeline_work, timeline_sample);
	schedule_delayed_work(&timeline_work, 0);
	return 0;
}

void twin_timeline_exit(void)
{
	cancel_delayed_work_sync(&timeline_work);
	vfree(rows);
	rows = NULL;
}
