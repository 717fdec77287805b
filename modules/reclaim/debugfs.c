// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/mmtwin/reclaim/: vmstat with 6.12's names, pressure
 * as /proc/pressure/memory prints it, the timeline, the groups, twin-only
 * figures (stats), the workload control file and wmark_calc, which runs
 * the watermark arithmetic on zone sizes a test writes (the kernel's own,
 * from /proc/zoneinfo) so its output can be compared with the kernel's.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <mmtwin/core.h>

#include "internal.h"

#define CMD_MAX		256
#define CMD_ARGS	16

static const char *const lru_names[TWIN_NR_LRU] = {
	"nr_inactive_anon", "nr_active_anon", "nr_inactive_file", "nr_active_file",
};

static int vmstat_show(struct seq_file *m, void *v)
{
	unsigned long size[TWIN_NR_LRU] = {};
	int n, lru, e;

	mutex_lock(&twin_lock);
	for (n = 0; n < TWIN_NODES; n++)
		for (lru = 0; lru < TWIN_NR_LRU; lru++)
			size[lru] += twin_pgdats[n].lruvec.size[lru];
	mutex_unlock(&twin_lock);
	for (lru = 0; lru < TWIN_NR_LRU; lru++)
		seq_printf(m, "%s %lu\n", lru_names[lru], size[lru]);
	for (e = 0; e < NR_TWIN_EVENTS; e++)
		seq_printf(m, "%s %ld\n", twin_event_names[e],
			   atomic_long_read(&twin_events[e]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vmstat);

static int pressure_show(struct seq_file *m, void *v)
{
	twin_psi_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pressure);

static int timeline_show(struct seq_file *m, void *v)
{
	twin_timeline_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(timeline);

static int groups_show(struct seq_file *m, void *v)
{
	struct twin_group *g;

	seq_puts(m, "# name type pages rss swapents oom_score_adj killed\n");
	mutex_lock(&twin_lock);
	list_for_each_entry(g, &twin_groups, list)
		seq_printf(m, "%s %s %lu %lu %lu %d %d\n", g->name,
			   g->anon ? "anon" : "file", g->nr, g->rss,
			   g->swapents, g->adj, g->killed);
	mutex_unlock(&twin_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(groups);

static int stats_show(struct seq_file *m, void *v)
{
	static const char *const state[] = { "sleep", "nap", "run" };
	struct mmtwin_zone_info info;
	int n, z;

	seq_printf(m, "swap_used %lu\nswap_max %lu\nswap_mismatch %ld\n",
		   twin_swap_used(), twin_swap_max(),
		   atomic_long_read(&twin_swap_mismatch));
	seq_printf(m, "swappiness %d\nkswapd_enabled %d\n",
		   READ_ONCE(twin_swappiness), READ_ONCE(twin_kswapd_enabled));
	seq_printf(m, "memstall_freepages_us %llu\nmemstall_thrashing_us %llu\nmemstall_kswapd_us %llu\n",
		   div_u64(twin_psi_stall_ns(TWIN_STALL_FREEPAGES), NSEC_PER_USEC),
		   div_u64(twin_psi_stall_ns(TWIN_STALL_THRASHING), NSEC_PER_USEC),
		   div_u64(twin_psi_stall_ns(TWIN_STALL_KSWAPD), NSEC_PER_USEC));
	for (n = 0; n < TWIN_NODES; n++)
		if (twin_pgdats[n].present)
			seq_printf(m, "node %d kswapd %s failures %d\n", n,
				   READ_ONCE(twin_pgdats[n].kswapd) ?
				   state[READ_ONCE(twin_pgdats[n].kswapd_state)] :
				   "none",
				   READ_ONCE(twin_pgdats[n].kswapd_failures));
	for (z = 0; z < twin_nr_zones(); z++)
		if (!mmtwin_buddy_zone_info(z, &info))
			seq_printf(m, "zone %d node %d %s managed %lu free %lu min %lu low %lu high %lu boost %lu\n",
				   z, info.node, info.name, info.managed,
				   info.free, info.min, info.low, info.high,
				   info.boost);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

/* Split @buf at spaces into at most CMD_ARGS words; the count. */
static int split_args(char *buf, char **argv)
{
	char *s = strim(buf), *w;
	int argc = 0;

	while ((w = strsep(&s, " \t")) != NULL) {
		if (!*w)
			continue;
		if (argc == CMD_ARGS)
			return -E2BIG;
		argv[argc++] = w;
	}
	return argc;
}

static int parse_ulong(const char *s, unsigned long *v)
{
	return kstrtoul(s, 0, v) ? -EINVAL : 0;
}

/* "key=N" into @v: 1 if @arg is that key, 0 if another, -EINVAL if bad. */
static int parse_kv(const char *arg, const char *key, int *v)
{
	size_t n = strlen(key);

	if (strncmp(arg, key, n) || arg[n] != '=')
		return 0;
	return kstrtoint(arg + n + 1, 0, v) ? -EINVAL : 1;
}

/* Optional words after the fixed ones: "write", "adj=N", "node=N". */
static int parse_opts(int argc, char **argv, int *adj, int *nid, bool *write)
{
	int i, ret;

	for (i = 0; i < argc; i++) {
		if (write && !strcmp(argv[i], "write")) {
			*write = true;
			continue;
		}
		ret = adj ? parse_kv(argv[i], "adj", adj) : 0;
		if (!ret && nid)
			ret = parse_kv(argv[i], "node", nid);
		if (ret <= 0)
			return -EINVAL;
	}
	return 0;
}

/* create NAME anon|file PAGES [adj=N] [node=N] */
static int cmd_create(int argc, char **argv)
{
	int adj = 0, nid = NUMA_NO_NODE, ret;
	unsigned long nr;
	bool anon;

	if (argc < 4 || strlen(argv[1]) >= TWIN_GROUP_NAME)
		return -EINVAL;
	if (!strcmp(argv[2], "anon"))
		anon = true;
	else if (!strcmp(argv[2], "file"))
		anon = false;
	else
		return -EINVAL;
	ret = parse_ulong(argv[3], &nr) ?: parse_opts(argc - 4, argv + 4,
						       &adj, &nid, NULL);
	if (ret)
		return ret;
	if (nid != NUMA_NO_NODE && (nid < 0 || nid >= TWIN_NODES ||
				    !twin_pgdats[nid].present))
		return -ERANGE;
	return PTR_ERR_OR_ZERO(twin_group_create(argv[1], anon, nr, adj, nid));
}

static struct twin_group *get_group(const char *name)
{
	struct twin_group *g;

	mutex_lock(&twin_lock);
	g = twin_group_find(name);
	if (g)
		refcount_inc(&g->ref);
	mutex_unlock(&twin_lock);
	return g;
}

/* touch NAME START COUNT [write] | spawn NAME START COUNT PASSES [write] */
static int cmd_touch(int argc, char **argv, bool spawn)
{
	unsigned long start, count, passes = 1;
	int fixed = spawn ? 5 : 4, ret;
	struct twin_group *g;
	bool write = false;

	if (argc < fixed)
		return -EINVAL;
	ret = parse_ulong(argv[2], &start) ?: parse_ulong(argv[3], &count) ?:
	      (spawn ? parse_ulong(argv[4], &passes) : 0) ?:
	      parse_opts(argc - fixed, argv + fixed, NULL, NULL, &write);
	if (ret)
		return ret;
	if (passes > UINT_MAX)
		return -ERANGE;
	g = get_group(argv[1]);
	if (!g)
		return -ENOENT;
	if (spawn)
		ret = twin_group_spawn(g, start, count, write, passes);
	else
		ret = twin_group_touch(g, start, count, write);
	twin_group_put(g);
	return ret;
}

/* swappiness N | swap_max N | kswapd 0|1 */
static int cmd_tunable(int argc, char **argv)
{
	unsigned long v;
	int ret;

	if (argc != 2)
		return -EINVAL;
	ret = parse_ulong(argv[1], &v);
	if (ret)
		return ret;
	if (!strcmp(argv[0], "swap_max"))
		return twin_swap_set_max(v);
	if (!strcmp(argv[0], "swappiness")) {
		if (v > TWIN_MAX_SWAPPINESS)
			return -ERANGE;
		WRITE_ONCE(twin_swappiness, v);
		return 0;
	}
	if (v > 1)
		return -ERANGE;
	WRITE_ONCE(twin_kswapd_enabled, v);
	return 0;
}

static void reset_events(void)
{
	int e;

	for (e = 0; e < NR_TWIN_EVENTS; e++)
		atomic_long_set(&twin_events[e], 0);
	atomic_long_set(&twin_swap_mismatch, 0);
}

static int run_command(int argc, char **argv)
{
	if (argc <= 0)
		return argc ?: -EINVAL;
	if (!strcmp(argv[0], "create"))
		return cmd_create(argc, argv);
	if (!strcmp(argv[0], "destroy"))
		return argc == 2 ? twin_group_destroy(argv[1]) : -EINVAL;
	if (!strcmp(argv[0], "touch"))
		return cmd_touch(argc, argv, false);
	if (!strcmp(argv[0], "spawn"))
		return cmd_touch(argc, argv, true);
	if (!strcmp(argv[0], "swappiness") || !strcmp(argv[0], "swap_max") ||
	    !strcmp(argv[0], "kswapd"))
		return cmd_tunable(argc, argv);
	if (!strcmp(argv[0], "reset") && argc == 1) {
		reset_events();
		return 0;
	}
	return -EINVAL;
}

static DEFINE_MUTEX(control_lock);

static ssize_t control_write(struct file *file, const char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	char *buf = mmtwin_copy_command(ubuf, len, CMD_MAX - 1), *argv[CMD_ARGS];
	int ret;

	if (IS_ERR(buf))
		return PTR_ERR(buf);
	/* One command at a time: spawn and destroy share a group's worker. */
	mutex_lock(&control_lock);
	ret = run_command(split_args(buf, argv), argv);
	mutex_unlock(&control_lock);
	kfree(buf);
	return ret ?: len;
}

static const struct file_operations control_fops = {
	.owner = THIS_MODULE,
	.write = control_write,
	.llseek = noop_llseek,
};

/*
 * wmark_calc: write "MIN_FREE_KBYTES WATERMARK_SCALE_FACTOR PAGES[m]..."
 * (one zone each, "m" for highmem or ZONE_MOVABLE); read back one line a
 * zone: "min low high promo", as __setup_per_zone_wmarks() sets them.
 */
#define CALC_ZONES	CMD_ARGS
static DEFINE_MUTEX(calc_lock);
static struct twin_wmark calc_out[CALC_ZONES];
static int calc_nr;

static int parse_zone(char *arg, struct twin_wmark_zone *z)
{
	size_t n = strlen(arg);

	z->capped = n && arg[n - 1] == 'm';
	if (z->capped)
		arg[n - 1] = '\0';
	return parse_ulong(arg, &z->managed);
}

static int wmark_calc(int argc, char **argv)
{
	struct twin_wmark_zone zones[CALC_ZONES];
	unsigned long kbytes, scale;
	int i, ret;

	if (argc < 3)
		return argc < 0 ? argc : -EINVAL;
	ret = parse_ulong(argv[0], &kbytes) ?: parse_ulong(argv[1], &scale);
	for (i = 2; i < argc && !ret; i++)
		ret = parse_zone(argv[i], &zones[i - 2]);
	if (ret)
		return ret;
	/* The sysctls' own ranges (vm.min_free_kbytes, watermark_scale_factor) */
	if (kbytes > INT_MAX || scale < 1 || scale > 3000)
		return -ERANGE;
	mutex_lock(&calc_lock);
	calc_nr = argc - 2;
	twin_setup_wmarks(zones, calc_nr, kbytes, scale, calc_out);
	mutex_unlock(&calc_lock);
	return 0;
}

static ssize_t wmark_calc_write(struct file *file, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	char *buf = mmtwin_copy_command(ubuf, len, CMD_MAX - 1), *argv[CMD_ARGS];
	int ret;

	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ret = wmark_calc(split_args(buf, argv), argv);
	kfree(buf);
	return ret ?: len;
}

static int wmark_calc_show(struct seq_file *m, void *v)
{
	int i;

	mutex_lock(&calc_lock);
	for (i = 0; i < calc_nr; i++)
		seq_printf(m, "%lu %lu %lu %lu\n", calc_out[i].min,
			   calc_out[i].low, calc_out[i].high, calc_out[i].promo);
	mutex_unlock(&calc_lock);
	return 0;
}

static int wmark_calc_open(struct inode *inode, struct file *file)
{
	return single_open(file, wmark_calc_show, NULL);
}

static const struct file_operations wmark_calc_fops = {
	.owner = THIS_MODULE,
	.open = wmark_calc_open,
	.read = seq_read,
	.write = wmark_calc_write,
	.llseek = seq_lseek,
	.release = single_release,
};

void twin_debugfs_init(struct dentry *dir)
{
	debugfs_create_file("vmstat", 0400, dir, NULL, &vmstat_fops);
	debugfs_create_file("pressure", 0400, dir, NULL, &pressure_fops);
	debugfs_create_file("timeline", 0400, dir, NULL, &timeline_fops);
	debugfs_create_file("groups", 0400, dir, NULL, &groups_fops);
	debugfs_create_file("stats", 0400, dir, NULL, &stats_fops);
	debugfs_create_file("control", 0200, dir, NULL, &control_fops);
	debugfs_create_file("wmark_calc", 0600, dir, NULL, &wmark_calc_fops);
}
