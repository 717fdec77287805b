// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs glue of the TLB twin: /sys/kernel/debug/mmtwin/tlb/{stats,
 * mismatches,state,enable,sim}. Readers sum per-CPU data the handlers
 * write; "sim" hands commands to the simulator (simrun.c).
 */
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include <mmtwin/core.h>

#include "internal.h"
#include "kernel.h"

static int stats_show(struct seq_file *m, void *v)
{
	struct tlbt_counts rows[TLBT_NR_ROWS];
	struct tlbt_misc misc;
	int r;

	tlbt_sum(rows, &misc);
	seq_printf(m, "%-20s %12s %12s %12s %12s\n", "reason", "predicted",
		   "observed", "agree", "mismatch");
	for (r = 0; r < TLBT_NR_ROWS; r++)
		seq_printf(m, "%-20s %12llu %12llu %12llu %12llu\n",
			   tlbt_row_name(r), rows[r].predicted,
			   rows[r].observed, rows[r].agree, rows[r].mismatch);
	seq_printf(m, "armed %d\npcid %d\nceiling %lu\n", tlbt_feed_armed(),
		   tlbt_pcid, READ_ONCE(tlbt_ceiling));
	seq_printf(m, "unframed %llu\nfiltered %llu\nunsynced %llu\n",
		   misc.unframed, misc.filtered, misc.unsynced);
	seq_printf(m, "resyncs %llu\nlayout_errors %llu\nswitches %llu\n",
		   misc.resyncs, misc.layout_errors, misc.switches);
	seq_printf(m, "kretprobe_missed %lu\nkprobe_missed %lu\n",
		   tlbt_nmissed(), tlbt_kp_nmissed());
	/* Named as in /proc/vmstat: what the twin expects those to count. */
	seq_printf(m, "nr_tlb_remote_flush %llu\nnr_tlb_remote_flush_received %llu\n",
		   misc.vm_remote_flush, misc.vm_remote_received);
	seq_printf(m, "nr_tlb_local_flush_all %llu\nnr_tlb_local_flush_one %llu\n",
		   misc.vm_local_all, misc.vm_local_one);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

static void tlbt_show_event(struct seq_file *m, const char *what,
			    const struct tlbt_event *ev)
{
	if (ev->fires)
		seq_printf(m, " %s=%ld", what, (long)ev->pages);
	else
		seq_printf(m, " %s=none", what);
}

static int mismatches_show(struct seq_file *m, void *v)
{
	int cpu;
	unsigned int i, n;

	for_each_possible_cpu(cpu) {
		const struct tlbt_pcpu *p = per_cpu_ptr(&tlbt_pcpu, cpu);

		n = min_t(unsigned int, READ_ONCE(p->nr_mismatches),
			  TLBT_NR_MISMATCHES);
		for (i = 0; i < n; i++) {
			const struct tlbt_mismatch *x = &p->mismatches[i];

			seq_printf(m, "cpu=%d t=%llu row=%s", cpu, x->when,
				   tlbt_row_name(x->row));
			tlbt_show_event(m, "predicted", &x->pred);
			tlbt_show_event(m, "observed", &x->seen);
			seq_printf(m, " start=%#lx end=%#lx local_gen=%llu mm_gen=%llu new_gen=%llu lazy=%d\n",
				   x->in.start, x->in.end, x->in.local_gen,
				   x->in.mm_gen, x->in.new_gen, x->in.lazy);
		}
		if (READ_ONCE(p->nr_mismatches) > n)
			seq_printf(m, "cpu=%d more=%u\n", cpu,
				   READ_ONCE(p->nr_mismatches) - n);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mismatches);

/* The twin's cpu_tlbstate; mm pointers hashed, as %p prints them. */
static int state_show(struct seq_file *m, void *v)
{
	int cpu, a;

	for_each_online_cpu(cpu) {
		const struct tlbt_pcpu *p = per_cpu_ptr(&tlbt_pcpu, cpu);
		const struct tlbt_cpu *c = &p->model;

		seq_printf(m, "cpu %d synced %d loaded_mm %p ctx_id %llu lazy %d asid %u next_asid %u switches %llu\n",
			   cpu, c->synced, c->loaded_mm, c->loaded_ctx_id,
			   per_cpu(cpu_tlbstate_shared.is_lazy, cpu),
			   c->loaded_mm_asid, c->next_asid,
			   p->misc.switches);
		for (a = 0; a < TLBT_NR_ASIDS; a++)
			seq_printf(m, "  asid %d ctx_id %llu tlb_gen %llu\n", a,
				   c->ctxs[a].ctx_id, c->ctxs[a].tlb_gen);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(state);

static ssize_t enable_read(struct file *file, char __user *buf, size_t len,
			   loff_t *ppos)
{
	char s[3] = { tlbt_feed_armed() ? '1' : '0', '\n', 0 };

	return simple_read_from_buffer(buf, len, ppos, s, 2);
}

/* "1" arms (again, from zeroed counters, if armed); "0" disarms. */
static ssize_t enable_write(struct file *file, const char __user *buf,
			    size_t len, loff_t *ppos)
{
	unsigned int val;
	int ret;

	ret = kstrtouint_from_user(buf, len, 0, &val);
	if (ret)
		return ret;
	if (val > 1)
		return -ERANGE;
	tlbt_feed_disarm();
	if (val) {
		ret = tlbt_feed_arm();
		if (ret)
			return ret;
	}
	return len;
}

static const struct file_operations enable_fops = {
	.owner	= THIS_MODULE,
	.read	= enable_read,
	.write	= enable_write,
	.llseek	= default_llseek,
};

static int sim_show(struct seq_file *m, void *v)
{
	tlbs_sim_show(m);
	return 0;
}

static int sim_open(struct inode *inode, struct file *file)
{
	return single_open(file, sim_show, NULL);
}

/* A "list" of addresses may be long: 64 KiB, about 4000 of them. */
#define TLBS_CMD_MAX	(64 << 10)

static ssize_t sim_write(struct file *file, const char __user *ubuf,
			 size_t len, loff_t *ppos)
{
	char *buf = mmtwin_copy_command(ubuf, len, TLBS_CMD_MAX);
	int ret;

	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ret = tlbs_sim_command(buf);
	kfree(buf);
	return ret ? ret : len;
}

static const struct file_operations sim_fops = {
	.owner		= THIS_MODULE,
	.open		= sim_open,
	.read		= seq_read,
	.write		= sim_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

void tlbt_debugfs_init(struct dentry *dir)
{
	debugfs_create_file("stats", 0400, dir, NULL, &stats_fops);
	debugfs_create_file("mismatches", 0400, dir, NULL, &mismatches_fops);
	debugfs_create_file("state", 0400, dir, NULL, &state_fops);
	debugfs_create_file("enable", 0600, dir, NULL, &enable_fops);
	debugfs_create_file("sim", 0600, dir, NULL, &sim_fops);
}
