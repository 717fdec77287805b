// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/mmtwin/buddy/: the twin's statistics in the exact
 * line formats of mm/vmstat.c (buddyinfo, pagetypeinfo, zoneinfo, vmstat,
 * extfrag/{extfrag,unusable}_index), so one parser reads both, plus
 * twin-only counters (stats), an invariant check (check) and the control
 * file that allocates and frees from a shell.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "glue.h"

static struct buddy_zone *zone_at(int i)
{
	return i < READ_ONCE(mmtwin_buddy->nr_zones) ? &mmtwin_buddy->zones[i] : NULL;
}

#define for_each_twin_zone(z, i) \
	for (i = 0; (z = zone_at(i)); i++)

/*
 * The zones as the kernel's files list them: node by node, and within a
 * node by zone index, whatever order the twin created them in.
 */
static int zones_in_order(struct buddy_zone **out)
{
	struct buddy_zone *z;
	int i, j, n = 0;

	for_each_twin_zone(z, i) {
		for (j = n; j > 0 && (out[j - 1]->node > z->node ||
				      (out[j - 1]->node == z->node &&
				       out[j - 1]->host_idx > z->host_idx)); j--)
			out[j] = out[j - 1];
		out[j] = z;
		n++;
	}
	return n;
}

#define for_each_zone_in_order(z, zs, n, i) \
	for (i = 0, n = zones_in_order(zs); i < n && (z = zs[i]); i++)

/*
 * migratetype_names[]: the twin keeps no CMA or isolated blocks, but the
 * kernel it runs on prints their rows, so the twin prints them, empty.
 */
static const char * const mt_rows[] = {
	"Unmovable", "Movable", "Reclaimable", "HighAtomic",
#ifdef CONFIG_CMA
	"CMA",
#endif
#ifdef CONFIG_MEMORY_ISOLATION
	"Isolate",
#endif
};

#define FREE_COUNT_CAP	100000	/* pagetypeinfo stops counting here */

/* Nodes in ascending order, each once, like for_each_online_pgdat(). */
static bool node_has_zones(int node)
{
	struct buddy_zone *z;
	int i;

	for_each_twin_zone(z, i)
		if (z->node == node)
			return true;
	return false;
}

static int next_twin_node(int node)
{
	for (; node < MAX_NUMNODES; node++)
		if (node_has_zones(node))
			return node;
	return -1;
}

#define for_each_twin_node(node) \
	for (node = next_twin_node(0); node >= 0; node = next_twin_node(node + 1))

static int buddyinfo_show(struct seq_file *m, void *v)
{
	struct buddy_zone *z, *zs[BUDDY_MAX_ZONES];
	struct buddy_zone_stats st;
	int i, n, o;

	for_each_zone_in_order(z, zs, n, i) {
		buddy_zone_stats(z, &st);
		seq_printf(m, "Node %d, zone %8s ", z->node, z->name);
		for (o = 0; o <= MAX_PAGE_ORDER; o++)
			seq_printf(m, "%6lu ", st.nr_free[o]);
		seq_putc(m, '\n');
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(buddyinfo);

static void pagetypeinfo_free_row(struct seq_file *m, int node,
				  struct buddy_zone *z,
				  const struct buddy_zone_stats *st, int mt)
{
	unsigned long n;
	int o;

	seq_printf(m, "Node %4d, zone %8s, type %12s ", node, z->name,
		   mt_rows[mt]);
	for (o = 0; o <= MAX_PAGE_ORDER; o++) {
		n = mt < MMTWIN_MT_TYPES ? st->nr_free_mt[mt][o] : 0;
		if (n >= FREE_COUNT_CAP)
			seq_printf(m, ">%6lu ", (unsigned long)FREE_COUNT_CAP);
		else
			seq_printf(m, "%6lu ", n);
	}
	seq_putc(m, '\n');
}

static void pagetypeinfo_node(struct seq_file *m, int node)
{
	struct buddy_zone *z, *zs[BUDDY_MAX_ZONES];
	struct buddy_zone_stats st;
	int i, n, o, mt;

	seq_printf(m, "Page block order: %d\n", pageblock_order);
	seq_printf(m, "Pages per block:  %lu\n", pageblock_nr_pages);
	seq_putc(m, '\n');
	seq_printf(m, "%-43s ", "Free pages count per migrate type at order");
	for (o = 0; o <= MAX_PAGE_ORDER; o++)
		seq_printf(m, "%6d ", o);
	seq_putc(m, '\n');
	for_each_zone_in_order(z, zs, n, i) {
		if (z->node != node)
			continue;
		buddy_zone_stats(z, &st);
		for (mt = 0; mt < ARRAY_SIZE(mt_rows); mt++)
			pagetypeinfo_free_row(m, node, z, &st, mt);
	}
	seq_printf(m, "\n%-23s", "Number of blocks type ");
	for (mt = 0; mt < ARRAY_SIZE(mt_rows); mt++)
		seq_printf(m, "%12s ", mt_rows[mt]);
	seq_putc(m, '\n');
	for_each_zone_in_order(z, zs, n, i) {
		if (z->node != node)
			continue;
		buddy_zone_stats(z, &st);
		seq_printf(m, "Node %d, zone %8s ", node, z->name);
		for (mt = 0; mt < ARRAY_SIZE(mt_rows); mt++)
			seq_printf(m, "%12lu ", mt < MMTWIN_MT_TYPES ?
				   st.blocks_mt[mt] : 0);
		seq_putc(m, '\n');
	}
}

static int pagetypeinfo_show(struct seq_file *m, void *v)
{
	int node;

	for_each_twin_node(node)
		pagetypeinfo_node(m, node);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pagetypeinfo);

/*
 * calculate_normal_threshold() for the twin zone's size: the twin keeps
 * no per-CPU stat deltas, but prints the threshold the kernel would use.
 */
static int stat_threshold(struct buddy_zone *z)
{
	int mem = READ_ONCE(z->managed_pages) >> (27 - PAGE_SHIFT);

	return min(125, 2 * fls(num_online_cpus()) * (1 + fls(mem)));
}

static void zoneinfo_pcp(struct seq_file *m, struct buddy_zone *z)
{
	int cpu;

	seq_puts(m, "\n  pagesets");
	for_each_online_cpu(cpu) {
		struct buddy_pcp *pcp = per_cpu_ptr(z->pcp, cpu);

		seq_printf(m, "\n    cpu: %i", cpu);
		seq_printf(m, "\n              count: %i", READ_ONCE(pcp->count));
		seq_printf(m, "\n              high:  %i", READ_ONCE(pcp->high));
		seq_printf(m, "\n              batch: %i", READ_ONCE(pcp->batch));
		if (IS_ENABLED(CONFIG_SMP))
			seq_printf(m, "\n  vm stats threshold: %d",
				   stat_threshold(z));
	}
}

/* /proc/zoneinfo's keys that mean something for a twin zone. */
static int zoneinfo_show(struct seq_file *m, void *v)
{
	struct buddy_zone *z, *zs[BUDDY_MAX_ZONES];
	int i, j, n;

	for_each_zone_in_order(z, zs, n, i) {
		unsigned long span = z->end_pfn > z->start_pfn ?
				     z->end_pfn - z->start_pfn : 0;

		seq_printf(m, "Node %d, zone %8s", z->node, z->name);
		seq_printf(m, "\n  pages free     %lu", READ_ONCE(z->nr_free_pages));
		seq_printf(m, "\n        boost    %lu", READ_ONCE(z->watermark_boost));
		seq_printf(m, "\n        min      %lu", zone_wmark(z, BUDDY_WMARK_MIN));
		seq_printf(m, "\n        low      %lu", zone_wmark(z, BUDDY_WMARK_LOW));
		seq_printf(m, "\n        high     %lu", zone_wmark(z, BUDDY_WMARK_HIGH));
		seq_printf(m, "\n        promo    %lu", zone_wmark(z, BUDDY_WMARK_PROMO));
		seq_printf(m, "\n        spanned  %lu", span);
		seq_printf(m, "\n        present  %lu", READ_ONCE(z->managed_pages));
		seq_printf(m, "\n        managed  %lu", READ_ONCE(z->managed_pages));
		seq_printf(m, "\n        cma      %lu", 0UL);
		seq_printf(m, "\n        protection: (%ld",
			   (long)READ_ONCE(z->lowmem_reserve[0]));
		for (j = 1; j < MAX_NR_ZONES; j++)
			seq_printf(m, ", %ld", (long)READ_ONCE(z->lowmem_reserve[j]));
		seq_putc(m, ')');
		seq_printf(m, "\n      %-12s %lu", "nr_free_pages",
			   READ_ONCE(z->nr_free_pages));
		zoneinfo_pcp(m, z);
		seq_printf(m, "\n  node_unreclaimable:  %u",
			   mmtwin_buddy_node_unreclaimable(z->node));
		seq_printf(m, "\n  start_pfn:           %lu",
			   z->start_pfn == ~0UL ? 0 : z->start_pfn);
		seq_putc(m, '\n');
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(zoneinfo);

/* Sum of an event over the zones of one host zone type. */
static unsigned long event_by_type(const char *type, enum buddy_event e)
{
	struct buddy_zone *z;
	unsigned long sum = 0;
	int i;

	for_each_twin_zone(z, i)
		if (!type || !strcasecmp(z->name, type))
			sum += buddy_zone_event(z, e);
	return sum;
}

/* TEXTS_FOR_ZONES(): the zones this kernel is built with, in its order. */
static const char * const vmstat_zones[] = {
#ifdef CONFIG_ZONE_DMA
	"dma",
#endif
#ifdef CONFIG_ZONE_DMA32
	"dma32",
#endif
	"normal",
#ifdef CONFIG_HIGHMEM
	"high",
#endif
	"movable",
#ifdef CONFIG_ZONE_DEVICE
	"device",
#endif
};

static int vmstat_show(struct seq_file *m, void *v)
{
	unsigned long free = 0;
	struct buddy_zone *z;
	int i;

	for_each_twin_zone(z, i)
		free += READ_ONCE(z->nr_free_pages);
	seq_printf(m, "nr_free_pages %lu\n", free);
	for (i = 0; i < ARRAY_SIZE(vmstat_zones); i++)
		seq_printf(m, "pgalloc_%s %lu\n", vmstat_zones[i],
			   event_by_type(vmstat_zones[i], BUDDY_PGALLOC));
	for (i = 0; i < ARRAY_SIZE(vmstat_zones); i++)
		seq_printf(m, "allocstall_%s %lu\n", vmstat_zones[i],
			   event_by_type(vmstat_zones[i], BUDDY_ALLOCSTALL));
	seq_printf(m, "pgfree %lu\n", event_by_type(NULL, BUDDY_PGFREE));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vmstat);

static const char * const event_names[BUDDY_NR_EVENTS] = {
	[BUDDY_PGALLOC] = "pgalloc",
	[BUDDY_PGFREE] = "pgfree",
	[BUDDY_ALLOCSTALL] = "allocstall",
	[BUDDY_KSWAPD_WAKE] = "reclaim_wake",
	[BUDDY_PCP_REFILL] = "pcp_refill",
	[BUDDY_PCP_DRAIN] = "pcp_drain",
	[BUDDY_EXTFRAG] = "extfrag",
	[BUDDY_STEAL_BLOCK] = "steal_block",
	[BUDDY_ALLOC_FAIL] = "alloc_fail",
	[BUDDY_ALLOC_WARN] = "alloc_warn",
	[BUDDY_FAULT_INJECTED] = "fault_injected",
	[BUDDY_BAD_FREE] = "bad_free",
	[BUDDY_OOM] = "oom",
	[BUDDY_WMARK_BOOST] = "watermark_boost",
	[BUDDY_HOST_REF] = "host_ref_changed",
};

/* Twin-only counters, "name value" per line, per zone. */
static int stats_show(struct seq_file *m, void *v)
{
	struct buddy_zone *z;
	int i, e;

	for_each_twin_zone(z, i) {
		seq_printf(m, "Node %d, zone %8s\n", z->node, z->name);
		for (e = 0; e < BUDDY_NR_EVENTS; e++)
			seq_printf(m, "  %-22s %lu\n", event_names[e],
				   buddy_zone_event(z, e));
		seq_printf(m, "  %-22s %lu\n", "nr_reserved_highatomic",
			   READ_ONCE(z->nr_reserved_highatomic));
		seq_printf(m, "  %-22s %lu\n", "nr_free_highatomic",
			   READ_ONCE(z->nr_free_highatomic));
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

struct contig_info {
	unsigned long free_pages, free_blocks_total, free_blocks_suitable;
};

static void fill_contig(const struct buddy_zone_stats *st, unsigned int order,
			struct contig_info *info)
{
	unsigned int o;

	memset(info, 0, sizeof(*info));
	for (o = 0; o <= MAX_PAGE_ORDER; o++) {
		info->free_blocks_total += st->nr_free[o];
		info->free_pages += st->nr_free[o] << o;
		if (o >= order)
			info->free_blocks_suitable += st->nr_free[o] << (o - order);
	}
}

/* __fragmentation_index() */
static int frag_index(unsigned int order, const struct contig_info *info)
{
	unsigned long requested = 1UL << order;

	if (!info->free_blocks_total)
		return 0;
	if (info->free_blocks_suitable)
		return -1000;
	return 1000 - div_u64(1000 + div_u64(info->free_pages * 1000ULL, requested),
			      info->free_blocks_total);
}

/* unusable_free_index() */
static int unusable_index(unsigned int order, const struct contig_info *info)
{
	if (!info->free_pages)
		return 1000;
	return div_u64((info->free_pages - (info->free_blocks_suitable << order)) *
		       1000ULL, info->free_pages);
}

static void index_show(struct seq_file *m, bool extfrag)
{
	struct buddy_zone_stats st;
	struct contig_info info;
	struct buddy_zone *z;
	unsigned int o;
	int i, idx;

	for_each_twin_zone(z, i) {
		buddy_zone_stats(z, &st);
		seq_printf(m, "Node %d, zone %8s ", z->node, z->name);
		for (o = 0; o <= MAX_PAGE_ORDER; o++) {
			fill_contig(&st, o, &info);
			if (extfrag) {
				idx = frag_index(o, &info);
				seq_printf(m, "%2d.%03d ", idx / 1000, idx % 1000);
			} else {
				idx = unusable_index(o, &info);
				seq_printf(m, "%d.%03d ", idx / 1000, idx % 1000);
			}
		}
		seq_putc(m, '\n');
	}
}

static int extfrag_index_show(struct seq_file *m, void *v)
{
	index_show(m, true);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(extfrag_index);

static int unusable_index_show(struct seq_file *m, void *v)
{
	index_show(m, false);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(unusable_index);

/* Reading check runs every invariant: "ok" or what is broken. */
static int check_show(struct seq_file *m, void *v)
{
	char why[160];
	int ret;

	/* Quiet the arena as well as we can: no resize, no control. */
	mutex_lock(&mmtwin_buddy_arena_lock);
	buddy_drain_all(mmtwin_buddy);
	ret = buddy_check(mmtwin_buddy, why, sizeof(why));
	mutex_unlock(&mmtwin_buddy_arena_lock);
	seq_printf(m, "%s\n", ret ? why : "ok");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(check);

void mmtwin_buddy_debugfs_init(struct dentry *dir)
{
	debugfs_create_file("buddyinfo", 0400, dir, NULL, &buddyinfo_fops);
	debugfs_create_file("pagetypeinfo", 0400, dir, NULL, &pagetypeinfo_fops);
	debugfs_create_file("zoneinfo", 0400, dir, NULL, &zoneinfo_fops);
	debugfs_create_file("vmstat", 0400, dir, NULL, &vmstat_fops);
	debugfs_create_file("stats", 0400, dir, NULL, &stats_fops);
	debugfs_create_file("extfrag_index", 0400, dir, NULL, &extfrag_index_fops);
	debugfs_create_file("unusable_index", 0400, dir, NULL, &unusable_index_fops);
	debugfs_create_file("check", 0400, dir, NULL, &check_fops);
	mmtwin_buddy_control_init(dir);
}

/* The files go with the twin's directory; only the tags are ours to free. */
void mmtwin_buddy_debugfs_exit(void)
{
	mmtwin_buddy_control_free_all();
}
