// SPDX-License-Identifier: GPL-2.0
/*
 * mmtwin_buddy_bench: the same loops on the twin and on the kernel's page
 * allocator, in one run. Prints "mmtwin-bench:" lines; the bench job
 * unloads it.
 *
 *   alloc+free pairs at orders 0, 1, 3, 9, 10; bulk order-0; one CPU and
 *   every online CPU at once (ns per page, twin/kernel ratio), with the
 *   twin's arena grown so its zones are in the kernel's size class and
 *   its min_free_kbytes set to the kernel's, for per-CPU list sizing; the
 *   conditions of both sides printed first
 *   a fixed random workload on each, then how many order-3 and order-9
 *   allocations still succeed
 *
 * In the TCG test VM wall time is host time, and the host is shared: a
 * burst of load during one side's loop would decide a ratio. So the sides
 * take turns in short slices, the side going first alternating; a side's
 * figure is the median of its slices, and the spread of the round-by-round
 * ratios is printed with it.
 */
#include <linux/completion.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/utsname.h>
#include <linux/vmalloc.h>

#include <mmtwin/buddy.h>
#include <mmtwin/compat.h>

static unsigned int loops = 50000;
module_param(loops, uint, 0444);
MODULE_PARM_DESC(loops, "pages per test, side and CPU at orders 0-3 and bulk; 1/16 of that at orders 9 and 10 (default 50000)");

static unsigned int slice = 500;
module_param(slice, uint, 0444);
MODULE_PARM_DESC(slice, "pages per slice, 1/16 at orders 9 and 10; the sides alternate slice by slice (default 500)");

static unsigned int twin_arena_mb = 2048;
module_param(twin_arena_mb, uint, 0444);
MODULE_PARM_DESC(twin_arena_mb, "MB the twin's arena has during the timed loops, so its zones size their per-CPU lists as the kernel's do; 0 keeps the arena as it is (default 2048)");

#define BULK		32
#define BENCH_GFP	(GFP_KERNEL | __GFP_NOWARN)

struct side {
	struct page *(*alloc)(gfp_t gfp, unsigned int order);
	void (*free)(struct page *page, unsigned int order);
	unsigned long (*bulk)(gfp_t gfp, unsigned long nr, struct page **pages);
};

static struct page *kernel_alloc(gfp_t gfp, unsigned int order)
{
	return alloc_pages(gfp, order);
}

static void kernel_free(struct page *page, unsigned int order)
{
	__free_pages(page, order);
}

static unsigned long kernel_bulk(gfp_t gfp, unsigned long nr,
				 struct page **pages)
{
	return alloc_pages_bulk_array(gfp, nr, pages);
}

static const struct side twin = {
	mmtwin_alloc_pages, mmtwin_free_pages, mmtwin_alloc_pages_bulk,
};

static const struct side kernel = { kernel_alloc, kernel_free, kernel_bulk };

/*
 * The timed loops, one per side and operation, calling each allocator
 * directly (no function pointers: the same code around both sides). Each
 * returns the time @n operations took and counts in @ok the pages it got,
 * so a failed allocation is counted, not timed as if it were one.
 */
static noinline u64 twin_pairs(unsigned int order, unsigned int n,
			       unsigned long *ok)
{
	u64 t0 = ktime_get_ns();
	struct page *p;

	while (n--) {
		p = mmtwin_alloc_pages(BENCH_GFP, order);
		if (unlikely(!p))
			continue;
		mmtwin_free_pages(p, order);
		++*ok;
	}
	return ktime_get_ns() - t0;
}

static noinline u64 kern_pairs(unsigned int order, unsigned int n,
			       unsigned long *ok)
{
	u64 t0 = ktime_get_ns();
	struct page *p;

	while (n--) {
		p = alloc_pages(BENCH_GFP, order);
		if (unlikely(!p))
			continue;
		__free_pages(p, order);
		++*ok;
	}
	return ktime_get_ns() - t0;
}

static noinline u64 twin_bulk(unsigned int n, unsigned long *ok)
{
	u64 t0 = ktime_get_ns();
	struct page *pages[BULK];
	unsigned long got, j;

	while (n--) {
		memset(pages, 0, sizeof(pages));
		got = mmtwin_alloc_pages_bulk(BENCH_GFP, BULK, pages);
		for (j = 0; j < got; j++)
			mmtwin_free_pages(pages[j], 0);
		*ok += got;
	}
	return ktime_get_ns() - t0;
}

static noinline u64 kern_bulk(unsigned int n, unsigned long *ok)
{
	u64 t0 = ktime_get_ns();
	struct page *pages[BULK];
	unsigned long got, j;

	while (n--) {
		memset(pages, 0, sizeof(pages));
		got = alloc_pages_bulk_array(BENCH_GFP, BULK, pages);
		for (j = 0; j < got; j++)
			__free_pages(pages[j], 0);
		*ok += got;
	}
	return ktime_get_ns() - t0;
}

/* Operations per slice: bulk calls for order -1, fewer for high orders. */
static unsigned int slice_ops(int order)
{
	if (order < 0)
		return max(slice / BULK, 1U);
	return max(slice >> (order > 3 ? 4 : 0), 1U);
}

/* Pages a slice asks for. */
static unsigned long slice_pages(int order)
{
	return (unsigned long)slice_ops(order) * (order < 0 ? BULK : 1);
}

/* One slice of one side; order -1 is bulk order-0. */
static u64 run_slice(bool twin, int order, unsigned long *ok)
{
	unsigned int n = slice_ops(order);

	if (order < 0)
		return twin ? twin_bulk(n, ok) : kern_bulk(n, ok);
	return twin ? twin_pairs(order, n, ok) : kern_pairs(order, n, ok);
}

static unsigned int nr_slices(void)
{
	return max(loops / slice, 1U);
}

/* Slice times of one test: per side, nr_slices() per CPU that ran it. */
struct samples {
	u64 *twin;
	u64 *kern;
	unsigned long twin_failed;
	unsigned long kern_failed;
};

/* One measured slice of one side into @t; its failures into @failed. */
static void timed_slice(bool twin, int order, u64 *t, unsigned long *failed)
{
	unsigned long want = slice_pages(order), ok = 0;

	*t = run_slice(twin, order, &ok);
	*failed += want - min(ok, want);
}

/*
 * The rounds on this CPU into @tw and @kn: a warm-up slice on each side
 * (caches warm, both sides' per-CPU lists filled), then one slice per
 * side and round, the side going first alternating.
 */
static void run_rounds(int order, u64 *tw, u64 *kn, unsigned long *tf,
		       unsigned long *kf)
{
	unsigned long warm = 0;
	unsigned int r;

	run_slice(true, order, &warm);
	run_slice(false, order, &warm);
	for (r = 0; r < nr_slices(); r++) {
		if (r & 1) {
			timed_slice(false, order, &kn[r], kf);
			timed_slice(true, order, &tw[r], tf);
		} else {
			timed_slice(true, order, &tw[r], tf);
			timed_slice(false, order, &kn[r], kf);
		}
		cond_resched();
	}
}

struct worker {
	int order;
	u64 *twin;
	u64 *kern;
	unsigned long twin_failed;
	unsigned long kern_failed;
	struct completion *start;
	struct completion done;
};

static int worker_fn(void *data)
{
	struct worker *w = data;

	wait_for_completion(w->start);
	run_rounds(w->order, w->twin, w->kern, &w->twin_failed,
		   &w->kern_failed);
	complete(&w->done);
	return 0;
}

/* The rounds on every online CPU at once; returns how many CPUs ran. */
static int run_parallel(int order, struct samples *sm)
{
	DECLARE_COMPLETION_ONSTACK(start);
	unsigned int per = nr_slices();
	struct worker *w;
	int cpu, n = 0, i;

	w = kcalloc(nr_cpu_ids, sizeof(*w), GFP_KERNEL);
	if (!w)
		return 0;
	for_each_online_cpu(cpu) {
		struct task_struct *t;

		w[n].order = order;
		w[n].twin = sm->twin + n * per;
		w[n].kern = sm->kern + n * per;
		w[n].start = &start;
		init_completion(&w[n].done);
		t = kthread_create_on_cpu(worker_fn, &w[n], cpu, "mmtwin_bench/%u");
		if (IS_ERR(t))
			break;
		wake_up_process(t);
		n++;
	}
	complete_all(&start);
	for (i = 0; i < n; i++) {
		wait_for_completion(&w[i].done);
		sm->twin_failed += w[i].twin_failed;
		sm->kern_failed += w[i].kern_failed;
	}
	kfree(w);
	return n;
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* The value a @q-th of the way up the sorted @v. */
static u64 quantile(const u64 *v, unsigned int n, unsigned int q_pct)
{
	return v[min(n - 1, n * q_pct / 100)];
}

/*
 * Each round's twin slice over the kernel slice beside it, in thousandths,
 * sorted: the two ran back to back, so the spread of these says how much
 * of a ratio is noise.
 */
static void round_ratios(const u64 *tw, const u64 *kn, u64 *ratio,
			 unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		ratio[i] = kn[i] ? div64_u64(tw[i] * 1000, kn[i]) : 0;
	sort(ratio, n, sizeof(*ratio), cmp_u64, NULL);
}

static u64 median(u64 *v, unsigned int n)
{
	sort(v, n, sizeof(*v), cmp_u64, NULL);
	return quantile(v, n, 50);
}

/* A ratio kept in thousandths, as text. */
static const char *fmt_ratio(char *buf, size_t len, u64 r)
{
	snprintf(buf, len, "%llu.%03llu", r / 1000, r % 1000);
	return buf;
}

/*
 * Each side's median slice in ns per page asked for, their ratio, and the
 * quartiles of the round-by-round ratios; @all_cpus: every CPU at once,
 * the slices of all CPUs pooled.
 */
static void report(const char *what, int order, bool all_cpus)
{
	unsigned int n = nr_slices() * (all_cpus ? num_online_cpus() : 1);
	unsigned long pages = slice_pages(order);
	char r[24], q1[24], q3[24];
	u64 tw, kn, ratio, *rr;
	struct samples sm = { };

	sm.twin = kcalloc(n, sizeof(u64), GFP_KERNEL);
	sm.kern = kcalloc(n, sizeof(u64), GFP_KERNEL);
	rr = kcalloc(n, sizeof(u64), GFP_KERNEL);
	if (!sm.twin || !sm.kern || !rr)
		goto out;
	if (all_cpus)
		n = run_parallel(order, &sm) * nr_slices();
	else
		run_rounds(order, sm.twin, sm.kern, &sm.twin_failed,
			   &sm.kern_failed);
	if (!n)
		goto out;
	round_ratios(sm.twin, sm.kern, rr, n);
	tw = div_u64(median(sm.twin, n), pages);
	kn = div_u64(median(sm.kern, n), pages);
	ratio = kn ? div64_u64(tw * 1000, kn) : 0;
	pr_info("mmtwin-bench: %-10s %-4s twin %6llu ns/op  kernel %6llu ns/op  ratio %s  rounds %s..%s  failed twin %lu kernel %lu\n",
		what, all_cpus ? "all" : "1cpu", tw, kn,
		fmt_ratio(r, sizeof(r), ratio),
		fmt_ratio(q1, sizeof(q1), quantile(rr, n, 25)),
		fmt_ratio(q3, sizeof(q3), quantile(rr, n, 75)),
		sm.twin_failed, sm.kern_failed);
out:
	kfree(rr);
	kfree(sm.twin);
	kfree(sm.kern);
}

static void timed_loops(void)
{
	static const int orders[] = { 0, 1, 3, 9, 10 };
	char what[16];
	int i, all;

	for (all = 0; all < 2; all++) {
		for (i = 0; i < ARRAY_SIZE(orders); i++) {
			snprintf(what, sizeof(what), "order-%d", orders[i]);
			report(what, orders[i], all);
		}
		report("bulk-32", -1, all);
	}
}

/*
 * The fixed workload: 20000 steps from one seed, 70% of them allocations,
 * holding up to 3/4 of the twin's arena in small blocks of every type;
 * then every other block is freed.
 */
struct held {
	struct page *page;
	unsigned int order;
};

static int frag_order(u32 r)
{
	r %= 100;
	return r < 70 ? 0 : r < 85 ? 1 : r < 95 ? 2 : 3;
}

static gfp_t frag_gfp(u32 r)
{
	r %= 100;
	return BENCH_GFP | __GFP_NORETRY |
	       (r < 60 ? __GFP_MOVABLE : r < 85 ? 0 : __GFP_RECLAIMABLE);
}

static unsigned long arena_pages(void)
{
	struct mmtwin_zone_info zi;
	unsigned long sum = 0;
	int i;

	for (i = 0; i < mmtwin_buddy_nr_zones(); i++)
		if (!mmtwin_buddy_zone_info(i, &zi))
			sum += zi.managed;
	return sum;
}

static unsigned long count_ok(const struct side *s, unsigned int order,
			      unsigned long tries, struct held *extra)
{
	unsigned long ok = 0, i;

	for (i = 0; i < tries; i++) {
		extra[i].page = s->alloc(BENCH_GFP | __GFP_NORETRY |
					 __GFP_MOVABLE, order);
		extra[i].order = order;
		if (extra[i].page)
			ok++;
	}
	return ok;
}

static void free_held(const struct side *s, struct held *h, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		if (h[i].page)
			s->free(h[i].page, h[i].order);
}

static void workload(const struct side *s, const char *name,
		     unsigned long budget, struct held *h, unsigned long cap)
{
	unsigned long n = 0, pages = 0, i, ok3, ok9, t3 = budget / 32, t9 = budget / 1024;
	struct rnd_state rnd;
	struct held *extra;

	extra = vcalloc(t3 + t9 + 2, sizeof(*extra));
	if (!extra)
		return;
	prandom_seed_state(&rnd, 2026);
	for (i = 0; i < 20000; i++) {
		u32 r = prandom_u32_state(&rnd);

		if (r % 100 < 70 && pages < budget / 4 * 3 && n < cap) {
			h[n].order = frag_order(r >> 8);
			h[n].page = s->alloc(frag_gfp(r >> 16), h[n].order);
			if (h[n].page)
				pages += 1UL << h[n++].order;
		} else if (n) {
			unsigned long j = (r >> 8) % n;

			pages -= 1UL << h[j].order;
			s->free(h[j].page, h[j].order);
			h[j] = h[--n];
		}
	}
	/* Free every other block: holes everywhere, as after a busy spell. */
	for (i = 0; i < n; i += 2) {
		pages -= 1UL << h[i].order;
		s->free(h[i].page, h[i].order);
		h[i].page = NULL;
	}
	ok3 = count_ok(s, 3, t3, extra);
	ok9 = count_ok(s, 9, t9, extra + t3);
	pr_info("mmtwin-bench: fragmentation %-6s order-3 %lu/%lu order-9 %lu/%lu (holding %lu pages meanwhile)\n",
		name, ok3, t3, ok9, t9, pages);
	free_held(s, extra, t3 + t9);
	free_held(s, h, n);
	vfree(extra);
}

static void fragmentation(void)
{
	unsigned long budget = arena_pages(), cap = budget;
	struct held *h = vcalloc(cap, sizeof(*h));

	if (!h)
		return;
	workload(&twin, "twin", budget, h, cap);
	memset(h, 0, cap * sizeof(*h));
	workload(&kernel, "kernel", budget, h, cap);
	vfree(h);
}

#define KERNEL_MIN_FREE	"/proc/sys/vm/min_free_kbytes"
#define TWIN_MIN_FREE	"/sys/kernel/mmtwin/buddy/min_free_kbytes"

/* A number from a sysctl or sysfs file, read as a user would; -1 if not. */
static long read_number(const char *path)
{
	struct file *f = filp_open(path, O_RDONLY, 0);
	char buf[24];
	loff_t pos = 0;
	ssize_t n = -ENOENT;
	long val;

	if (!IS_ERR(f)) {
		n = kernel_read(f, buf, sizeof(buf) - 1, &pos);
		fput(f);
	}
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return kstrtol(strim(buf), 10, &val) ? -1 : val;
}

/* Write @val to a sysfs file as a user would; 0 or an errno. */
static int write_number(const char *path, long val)
{
	struct file *f = filp_open(path, O_WRONLY, 0);
	char buf[24];
	loff_t pos = 0;
	ssize_t n;

	if (IS_ERR(f))
		return PTR_ERR(f);
	snprintf(buf, sizeof(buf), "%ld\n", val);
	n = kernel_write(f, buf, strlen(buf), &pos);
	fput(f);
	return n < 0 ? n : 0;
}

/*
 * The per-CPU lists' high_min is the zone's low watermark over its node's
 * CPUs (zone_highsize()), and the watermarks come from min_free_kbytes.
 * The kernel's is raised by khugepaged (set_recommended_min_free_kbytes())
 * where THP is on, which the twin does not model: for the timed loops the
 * twin takes the kernel's value, so both sides' zones of the same size
 * get the same watermarks and per-CPU list sizes.
 */
static void match_min_free_kbytes(void)
{
	long kern = read_number(KERNEL_MIN_FREE), was = read_number(TWIN_MIN_FREE);
	int ret = kern > 0 ? write_number(TWIN_MIN_FREE, kern) : -EINVAL;

	pr_info("mmtwin-bench: min_free_kbytes kernel %ld, twin %ld -> %ld for the timed loops%s\n",
		kern, was, read_number(TWIN_MIN_FREE), ret ? " (could not set it)" : "");
}

/* The kernel's zone an allocation on @nid starts at: its highest populated. */
static struct zone *kernel_first_zone(int nid)
{
	int i;

	for (i = ZONE_NORMAL; i >= 0; i--)
		if (populated_zone(&NODE_DATA(nid)->node_zones[i]))
			return &NODE_DATA(nid)->node_zones[i];
	return NULL;
}

/* The twin's zone on @nid with the highest host zone (its first too). */
static bool twin_first_zone(int nid, struct mmtwin_zone_info *zi)
{
	struct mmtwin_zone_info cur;
	bool found = false;
	int i;

	for (i = 0; i < mmtwin_buddy_nr_zones(); i++)
		if (!mmtwin_buddy_zone_info(i, &cur) && cur.node == nid &&
		    cur.host_zone <= ZONE_NORMAL &&
		    (!found || cur.host_zone > zi->host_zone)) {
			*zi = cur;
			found = true;
		}
	return found;
}

/*
 * What each CPU's allocations start at, on both sides: the per-CPU list
 * sizes come from the zone's size (zone_batchsize(), zone_highsize()), so
 * a twin zone far smaller than the kernel's would refill and drain in
 * smaller bites, and its order 1-3 frees would drain at once (free_high).
 */
static void print_conditions(void)
{
	struct mmtwin_zone_info zi;
	struct zone *z;
	int cpu;

	for_each_online_cpu(cpu) {
		int nid = cpu_to_node(cpu);

		z = kernel_first_zone(nid);
		if (z)
			pr_info("mmtwin-bench: cpu %d node %d kernel %-6s %8lu pages pcp batch %d high %d..%d\n",
				cpu, nid, z->name, zone_managed_pages(z),
				READ_ONCE(z->pageset_batch),
				mmtwin_zone_pcp_high_min(z),
				mmtwin_zone_pcp_high_max(z));
		if (twin_first_zone(nid, &zi))
			pr_info("mmtwin-bench: cpu %d node %d twin   %-6s %8lu pages pcp batch %d high %d..%d\n",
				cpu, nid, zi.name, zi.managed, zi.pcp_batch,
				zi.pcp_high_min, zi.pcp_high_max);
	}
	pr_info("mmtwin-bench: both sides: this CPU's list trylocked per block (interrupts on), the zone lock (interrupts off) per refill and drain\n");
}

static int __init bench_init(void)
{
	unsigned int loaded_mb = mmtwin_buddy_arena_mb();
	int ret;

	pr_info("mmtwin-bench: buddy: %u slices per test, side and CPU of %u pages (%u at orders 9 and 10, %u bulk calls), sides alternating slice by slice, the first alternating; a warm-up slice each; median slice, rounds: quartiles of the round-by-round ratio; %u online CPUs\n",
		nr_slices(), slice_ops(0), slice_ops(9), slice_ops(-1),
		num_online_cpus());
	/*
	 * Like with like: with init_on_alloc the kernel zeroes every page it
	 * hands out, and the twin, following want_init_on_alloc() as
	 * post_alloc_hook() does, zeroes too; without it neither zeroes.
	 */
	pr_info("mmtwin-bench: kernel %s %s, init_on_alloc %s: both sides zero every page: %s\n",
		init_utsname()->release, init_utsname()->version,
		want_init_on_alloc(0) ? "on" : "off",
		want_init_on_alloc(0) ? "yes" : "no");
	if (twin_arena_mb && twin_arena_mb != loaded_mb) {
		ret = mmtwin_buddy_resize(twin_arena_mb);
		pr_info("mmtwin-bench: twin arena %u MB -> %u MB for the timed loops%s\n",
			loaded_mb, mmtwin_buddy_arena_mb(),
			ret ? " (the host lent less)" : "");
	}
	match_min_free_kbytes();
	print_conditions();
	timed_loops();
	write_number(TWIN_MIN_FREE, 0);	/* back to computed */
	if (mmtwin_buddy_arena_mb() != loaded_mb &&
	    mmtwin_buddy_resize(loaded_mb))
		pr_info("mmtwin-bench: twin arena left at %u MB\n",
			mmtwin_buddy_arena_mb());
	/* The workload at the size the twin was loaded with. */
	pr_info("mmtwin-bench: twin arena %lu pages for the workload\n",
		arena_pages());
	fragmentation();
	/*
	 * Stay loaded; the bench job unloads us. Failing init on purpose (as
	 * lib/test_vmalloc.c does) makes busybox insmod retry and run twice.
	 */
	return 0;
}

static void __exit bench_exit(void)
{
}

module_init(bench_init);
module_exit(bench_exit);
MODULE_DESCRIPTION("mmtwin: buddy twin vs kernel page allocator benchmark");
MODULE_LICENSE("GPL");
