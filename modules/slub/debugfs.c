// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/mmtwin/slub/: the twin's slabinfo in /proc/slabinfo's
 * 2.1 format, the control file (control.c) and the twin-wide settings
 * new caches take: slab_max_order, freelist_hardened, freelist_random.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <mmtwin/core.h>

#include "internal.h"

#define CMD_MAX		127

/* get_slabinfo(): free objects on CPUs count as active, as in 6.12. */
static void show_cache(struct seq_file *m, struct mmtwin_kmem_cache *s)
{
	unsigned long slabs, objs, free;

	slabs = slub_count(s, SLUB_COUNT_SLABS, NULL);
	objs = slub_count(s, SLUB_COUNT_TOTAL_OBJECTS, NULL);
	free = slub_count_free_partial(s);
	seq_printf(m, "%-17s %6lu %6lu %6u %4u %4d", s->name, objs - free,
		   objs, s->geo.size, s->geo.objects, 1 << s->geo.order);
	seq_printf(m, " : tunables %4u %4u %4u", 0, 0, 0);
	seq_printf(m, " : slabdata %6lu %6lu %6lu\n", slabs, slabs, 0UL);
}

static int slabinfo_show(struct seq_file *m, void *v)
{
	struct mmtwin_kmem_cache *s;

	seq_puts(m, "slabinfo - version: 2.1\n");
	seq_puts(m, "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>");
	seq_puts(m, " : tunables <limit> <batchcount> <sharedfactor>");
	seq_puts(m, " : slabdata <active_slabs> <num_slabs> <sharedavail>\n");
	mutex_lock(&slub_caches_lock);
	list_for_each_entry(s, &slub_caches, list)
		show_cache(m, s);
	mutex_unlock(&slub_caches_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(slabinfo);

static ssize_t control_write(struct file *file, const char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	char *buf = mmtwin_copy_command(ubuf, len, CMD_MAX);
	int ret;

	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ret = slub_control(buf);
	kfree(buf);
	return ret ? ret : len;
}

static int control_open(struct inode *inode, struct file *file)
{
	return single_open(file, slub_control_show, NULL);
}

static const struct file_operations control_fops = {
	.owner = THIS_MODULE,
	.open = control_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = control_write,
};

/* slab_max_order: 0 .. MAX_PAGE_ORDER, for caches created later. */
static int max_order_get(void *data, u64 *val)
{
	*val = READ_ONCE(slub_max_order);
	return 0;
}

static int max_order_set(void *data, u64 val)
{
	if (val > MAX_PAGE_ORDER)
		return -ERANGE;
	WRITE_ONCE(slub_max_order, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(max_order_fops, max_order_get, max_order_set,
			 "%llu\n");

void slub_debugfs_init(struct dentry *dir)
{
	debugfs_create_file("slabinfo", 0400, dir, NULL, &slabinfo_fops);
	debugfs_create_file("control", 0600, dir, NULL, &control_fops);
	debugfs_create_file_unsafe("slab_max_order", 0600, dir, NULL,
				   &max_order_fops);
	debugfs_create_bool("freelist_hardened", 0600, dir,
			    &slub_default_opts.hardened);
	debugfs_create_bool("freelist_random", 0600, dir,
			    &slub_default_opts.random);
}
