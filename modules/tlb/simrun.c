// SPDX-License-Identifier: GPL-2.0
/*
 * The TLB simulator in the module: one model TLB (sim.c) that a process
 * feeds with its own addresses through debugfs "sim". Each address is
 * translated by the walker twin in the writer's mm, as the MMU walks on a
 * miss, and the model is flushed whenever the CPU the writer runs on
 * really flushes (tlb:tlb_flush). See Documentation/tlb.rst.
 */
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <linux/vmalloc.h>
#include <asm/cpufeature.h>

#include <mmtwin/pgwalk.h>
#include "internal.h"
#include "sim.h"

/* One command runs at most this many accesses. */
#define TLBS_MAX_ACCESSES	(1UL << 24)
/* Accesses between two drops of the mmap lock. */
#define TLBS_BATCH		256UL
/* PCIDs are 12 bits wide. */
#define TLBS_MAX_PCID		4095

/* What the glue counts beside the model's own statistics. */
struct tlbs_glue_stats {
	u64 faults;		/* addresses with nothing mapped: not accessed */
	u64 pages[3];		/* accesses to 4 KiB, 2 MiB, 1 GiB leaves */
	u64 live_full;		/* the CPU's full flushes applied */
	u64 live_ranged;	/* its ranged flushes, applied as full */
	u64 migrations;		/* the writer moved to another CPU's TLB */
	u64 ns;			/* time spent running commands */
};

/* Where the model stands in the flushes of the CPU it models. */
struct tlbs_cursor {
	int cpu;
	u64 full, ranged;
};

static struct tlbs *tlbs_model;
static struct tlbs_glue_stats tlbs_gst;
static struct tlbs_cursor tlbs_cur;
static u16 tlbs_pcid = 1;
static DEFINE_MUTEX(tlbs_lock);

/* tlb:tlb_flush events of each CPU that flushed its own TLB. */
static DEFINE_PER_CPU(u64, tlbs_full_flushes);
static DEFINE_PER_CPU(u64, tlbs_ranged_flushes);
static struct tracepoint *tlbs_tp;

/*
 * The "remote ipi send" event is the initiator's, not a flush of its own
 * TLB; 0 pages is a switch that kept its ASID's entries.
 */
static void tlbs_on_tlb_flush(void *data, int reason, unsigned long pages)
{
	if (reason == TLBT_SEND_IPI || !pages)
		return;
	if (pages == TLBT_FLUSH_ALL)
		this_cpu_inc(tlbs_full_flushes);
	else
		this_cpu_inc(tlbs_ranged_flushes);
}

static void tlbs_cursor_read(struct tlbs_cursor *c)
{
	c->cpu = get_cpu();
	c->full = per_cpu(tlbs_full_flushes, c->cpu);
	c->ranged = per_cpu(tlbs_ranged_flushes, c->cpu);
	put_cpu();
}

/*
 * A flush of the writer's context: without PCID a CR3 write drops every
 * entry; with PCID only the running PCID's.
 */
static void tlbs_flush_context(void)
{
	if (boot_cpu_has(X86_FEATURE_PCID))
		tlbs_flush_pcid(tlbs_model, tlbs_pcid);
	else
		tlbs_flush_all(tlbs_model);
}

/*
 * Applies what the CPU did since the last access. tlb:tlb_flush carries
 * no addresses, so a ranged flush drops the whole context: the model may
 * miss where hardware hits, never hit on a dropped translation. Another
 * CPU is another TLB, which holds none of the model's entries.
 */
static void tlbs_catch_up(void)
{
	struct tlbs_cursor now;

	tlbs_cursor_read(&now);
	if (now.cpu != tlbs_cur.cpu) {
		tlbs_gst.migrations++;
		tlbs_flush_all(tlbs_model);
	} else if (now.full != tlbs_cur.full || now.ranged != tlbs_cur.ranged) {
		tlbs_gst.live_full += now.full - tlbs_cur.full;
		tlbs_gst.live_ranged += now.ranged - tlbs_cur.ranged;
		tlbs_flush_context();
	}
	tlbs_cur = now;
}

static void tlbs_count_page(unsigned long size)
{
	if (size >= PUD_SIZE)
		tlbs_gst.pages[2]++;
	else if (size >= PMD_SIZE)
		tlbs_gst.pages[1]++;
	else
		tlbs_gst.pages[0]++;
}

typedef int (*tlbs_translate_t)(struct mm_struct *mm, unsigned long addr,
				struct mmtwin_pgwalk_xlate *out);

/*
 * One access: the walker twin's translation decides the entry's size and
 * the levels a miss reads. The model has no 1 GiB arrays: a 1 GiB leaf is
 * held as 2 MiB entries, as CPUs without 1 GiB L1 entries splinter it.
 */
static int tlbs_access_one(tlbs_translate_t translate, struct mm_struct *mm,
			   unsigned long va)
{
	struct mmtwin_pgwalk_xlate x;
	struct tlbs_xlate tx;
	int ret;

	ret = translate(mm, va, &x);
	if (ret)
		return ret;
	if (!x.mapped) {
		tlbs_gst.faults++;
		return 0;
	}
	tlbs_count_page(x.page_size);
	tx.huge = x.page_size > PAGE_SIZE;
	tx.levels = x.levels;
	tlbs_catch_up();
	tlbs_access(tlbs_model, tlbs_pcid, va, &tx);
	return 0;
}

/* The addresses a command accesses, generated one by one. */
struct tlbs_gen {
	const unsigned long *list;	/* "list": the addresses */
	unsigned long start, step;	/* "seq", "stride" */
	unsigned long pages;		/* "random": pages in the range */
	u64 rnd;			/* "random": xorshift64 state */
	unsigned long count;
};

static unsigned long tlbs_gen_next(struct tlbs_gen *g, unsigned long i)
{
	if (g->list)
		return g->list[i];
	if (!g->pages)
		return g->start + i * g->step;
	g->rnd ^= g->rnd << 13;
	g->rnd ^= g->rnd >> 7;
	g->rnd ^= g->rnd << 17;
	return g->start + (g->rnd % g->pages) * PAGE_SIZE;
}

static int tlbs_run_batch(tlbs_translate_t translate, struct mm_struct *mm,
			  struct tlbs_gen *g, unsigned long i, unsigned long n)
{
	int ret = mmap_read_lock_killable(mm);

	if (ret)
		return ret;
	for (; !ret && n; i++, n--)
		ret = tlbs_access_one(translate, mm, tlbs_gen_next(g, i));
	mmap_read_unlock(mm);
	return ret;
}

/*
 * Runs @g in the writer's mm, dropping the mmap lock every batch. The
 * walker twin is asked through symbol_request() for the time of the run
 * (modprobe loads it if need be), not linked against: mmtwin_pgwalk stays
 * unloadable while the simulator is idle.
 */
static int tlbs_run(struct tlbs_gen *g)
{
	tlbs_translate_t translate = symbol_request(mmtwin_pgwalk_translate);
	struct mm_struct *mm = current->mm;
	u64 t0 = ktime_get_ns();
	unsigned long i, n;
	int ret = 0;

	if (!translate)
		return -ENODEV;
	for (i = 0; i < g->count && !ret; i += n) {
		n = min(TLBS_BATCH, g->count - i);
		ret = tlbs_run_batch(translate, mm, g, i, n);
		cond_resched();
		if (!ret && fatal_signal_pending(current))
			ret = -EINTR;
	}
	tlbs_gst.ns += ktime_get_ns() - t0;
	symbol_put(mmtwin_pgwalk_translate);
	return ret;
}

static char *tlbs_token(char **s)
{
	char *t;

	do {
		t = strsep(s, " \t\n");
	} while (t && !*t);
	return t;
}

/* Exactly @n numbers (decimal, or hex with 0x) and nothing after them. */
static int tlbs_numbers(char *s, unsigned long *v, int n)
{
	char *t;
	int i;

	for (i = 0; i < n; i++) {
		t = tlbs_token(&s);
		if (!t || kstrtoul(t, 0, &v[i]))
			return -EINVAL;
	}
	return tlbs_token(&s) ? -EINVAL : 0;
}

/* [start, end) must be a non-empty range of the writer's address space. */
static int tlbs_check_range(unsigned long start, unsigned long end)
{
	if (start >= end)
		return -EINVAL;
	return end > current->mm->task_size ? -ERANGE : 0;
}

static int tlbs_check_count(unsigned long count)
{
	return count > TLBS_MAX_ACCESSES ? -ERANGE : 0;
}

/* "seq START END" is "stride START END 4096". */
static int tlbs_cmd_stride(char *s, bool seq)
{
	unsigned long v[3] = { 0, 0, PAGE_SIZE };
	struct tlbs_gen g = {};
	int ret;

	ret = tlbs_numbers(s, v, seq ? 2 : 3);
	if (!ret && !v[2])
		ret = -EINVAL;
	if (!ret)
		ret = tlbs_check_range(v[0], v[1]);
	if (ret)
		return ret;
	g.start = v[0];
	g.step = v[2];
	g.count = (v[1] - v[0] - 1) / v[2] + 1;
	ret = tlbs_check_count(g.count);
	return ret ? ret : tlbs_run(&g);
}

/* "random START END COUNT SEED": COUNT pages of the range, reproducibly. */
static int tlbs_cmd_random(char *s)
{
	unsigned long v[4];
	struct tlbs_gen g = {};
	int ret;

	ret = tlbs_numbers(s, v, 4);
	if (!ret)
		ret = tlbs_check_range(v[0], v[1]);
	if (!ret && v[1] - v[0] < PAGE_SIZE)
		ret = -EINVAL;
	if (!ret)
		ret = tlbs_check_count(v[2]);
	if (ret)
		return ret;
	g.start = v[0];
	g.pages = (v[1] - v[0]) >> PAGE_SHIFT;
	g.count = v[2];
	/* xorshift64 never leaves 0: seed 0 starts from 1. */
	g.rnd = v[3] ? v[3] : 1;
	return tlbs_run(&g);
}

/* "list A B C ...": every address checked before any is accessed. */
static int tlbs_cmd_list(char *s)
{
	unsigned long *list, n = 0, max;
	struct tlbs_gen g = {};
	char *t;
	int ret = 0;

	if (!s)
		return -EINVAL;
	/* Each address takes a digit and a separator at least. */
	max = strlen(s) / 2 + 1;
	list = kvmalloc_array(max, sizeof(*list), GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	while (!ret && (t = tlbs_token(&s))) {
		if (kstrtoul(t, 0, &list[n]))
			ret = -EINVAL;
		else if (list[n] >= current->mm->task_size)
			ret = -ERANGE;
		n++;
	}
	if (!ret && !n)
		ret = -EINVAL;
	if (!ret) {
		g.list = list;
		g.count = n;
		ret = tlbs_run(&g);
	}
	kvfree(list);
	return ret;
}

static int tlbs_cmd_pcid(char *s)
{
	unsigned long pcid;
	int ret = tlbs_numbers(s, &pcid, 1);

	if (ret)
		return ret;
	if (pcid > TLBS_MAX_PCID)
		return -ERANGE;
	tlbs_pcid = pcid;
	return 0;
}

static int tlbs_cmd_reset(char *s)
{
	if (tlbs_token(&s))
		return -EINVAL;
	tlbs_reset(tlbs_model);
	memset(&tlbs_gst, 0, sizeof(tlbs_gst));
	tlbs_cursor_read(&tlbs_cur);
	return 0;
}

static int tlbs_cmd_flush(char *s)
{
	if (tlbs_token(&s))
		return -EINVAL;
	tlbs_flush_all(tlbs_model);
	return 0;
}

/* One command written to debugfs "sim"; see Documentation/tlb.rst. */
static int tlbs_command(char *buf)
{
	char *s = buf, *cmd = tlbs_token(&s);

	if (!cmd)
		return -EINVAL;
	if (!strcmp(cmd, "list"))
		return tlbs_cmd_list(s);
	if (!strcmp(cmd, "seq"))
		return tlbs_cmd_stride(s, true);
	if (!strcmp(cmd, "stride"))
		return tlbs_cmd_stride(s, false);
	if (!strcmp(cmd, "random"))
		return tlbs_cmd_random(s);
	if (!strcmp(cmd, "pcid"))
		return tlbs_cmd_pcid(s);
	if (!strcmp(cmd, "flush"))
		return tlbs_cmd_flush(s);
	if (!strcmp(cmd, "reset"))
		return tlbs_cmd_reset(s);
	return -EINVAL;
}

int tlbs_sim_command(char *buf)
{
	int ret;

	/* A kernel thread has no address space to translate in. */
	if (!current->mm)
		return -EINVAL;
	mutex_lock(&tlbs_lock);
	ret = tlbs_command(buf);
	mutex_unlock(&tlbs_lock);
	return ret;
}

static const char * const tlbs_array_names[TLBS_NR_ARRAYS] = {
	[TLBS_L1_4K] = "l1_4k", [TLBS_L1_2M] = "l1_2m", [TLBS_STLB] = "stlb",
};

void tlbs_sim_show(struct seq_file *m)
{
	const struct tlbs_stats *st = &tlbs_model->st;
	int a;

	mutex_lock(&tlbs_lock);
	for (a = 0; a < TLBS_NR_ARRAYS; a++)
		seq_printf(m, "%s %u entries %u ways\n", tlbs_array_names[a],
			   tlbs_model->lv[a].geom.entries,
			   tlbs_model->lv[a].geom.ways);
	seq_printf(m, "pcid %u\naccesses %llu\nl1_hits %llu\nstlb_hits %llu\nmisses %llu\nwalk_levels %llu\n",
		   tlbs_pcid, st->accesses, st->l1_hits, st->stlb_hits,
		   st->misses, st->walk_levels);
	for (a = 0; a < TLBS_NR_ARRAYS; a++)
		seq_printf(m, "evictions_%s %llu\n", tlbs_array_names[a],
			   st->evictions[a]);
	seq_printf(m, "flushes %llu\nlive_full_flushes %llu\nlive_ranged_flushes %llu\nmigrations %llu\n",
		   st->flushes, tlbs_gst.live_full, tlbs_gst.live_ranged,
		   tlbs_gst.migrations);
	seq_printf(m, "faults %llu\npages_4k %llu\npages_2m %llu\npages_1g %llu\nns %llu\n",
		   tlbs_gst.faults, tlbs_gst.pages[0], tlbs_gst.pages[1],
		   tlbs_gst.pages[2], tlbs_gst.ns);
	mutex_unlock(&tlbs_lock);
}

unsigned int tlbs_sim_geom(enum tlbs_array a, bool ways)
{
	unsigned int v;

	mutex_lock(&tlbs_lock);
	v = ways ? tlbs_model->lv[a].geom.ways : tlbs_model->lv[a].geom.entries;
	mutex_unlock(&tlbs_lock);
	return v;
}

/* A new geometry for one array, checked by the core; it empties the array. */
int tlbs_sim_set_geom(enum tlbs_array a, bool ways, unsigned int val)
{
	struct tlbs_geom g;
	int ret;

	mutex_lock(&tlbs_lock);
	g = tlbs_model->lv[a].geom;
	if (ways)
		g.ways = val;
	else
		g.entries = val;
	ret = tlbs_set_geom(tlbs_model, a, &g);
	mutex_unlock(&tlbs_lock);
	return ret;
}

int tlbs_sim_init(void)
{
	int ret;

	tlbs_tp = tlbt_find_tracepoint("tlb_flush");
	if (!tlbs_tp) {
		pr_err("mmtwin_tlb: no tlb:tlb_flush tracepoint\n");
		return -ENOENT;
	}
	tlbs_model = vzalloc(sizeof(*tlbs_model));
	if (!tlbs_model)
		return -ENOMEM;
	tlbs_init(tlbs_model);
	ret = tracepoint_probe_register(tlbs_tp, tlbs_on_tlb_flush, NULL);
	if (ret) {
		vfree(tlbs_model);
		return ret;
	}
	tlbs_cursor_read(&tlbs_cur);
	return 0;
}

void tlbs_sim_exit(void)
{
	tracepoint_probe_unregister(tlbs_tp, tlbs_on_tlb_flush, NULL);
	tracepoint_synchronize_unregister();
	vfree(tlbs_model);
}
