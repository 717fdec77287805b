// SPDX-License-Identifier: GPL-2.0
/*
 * mmtwin_slub_bench: the same loops on the twin and on the kernel's SLUB,
 * in one run, printing "mmtwin-bench:" lines (ns per object, twin/kernel).
 *
 *   alloc+free pairs and bulk-16 alloc/free for 64 B, 256 B and 1 KiB
 *   objects, on caches of the same geometry (SLAB_NO_MERGE on the
 *   kernel's side), plus kmalloc/kfree of 64 B; on one CPU and on every
 *   online CPU at once.
 *
 * In the TCG test VM wall time is host time, and the host is shared: a
 * burst of load during one side's loop would decide a ratio. So the two
 * sides take turns in short slices (the side going first alternating),
 * each side's figure is the median of its slices, and both sides run
 * the same direct calls with the same warm-up. Before the figures, the
 * conditions: what the kernel zeroes, how both sides harden freelists,
 * and each pair of caches' geometry and debug flags as their own sysfs
 * files give them.
 */
#include <linux/completion.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>

#include <mmtwin/compat.h>
#include <mmtwin/slub.h>

static unsigned int loops = 50000;
module_param(loops, uint, 0444);
MODULE_PARM_DESC(loops, "objects per test, side and CPU (default 50000)");

static unsigned int slice = 500;
module_param(slice, uint, 0444);
MODULE_PARM_DESC(slice, "objects per slice; the sides alternate slice by slice (default 500)");

#define BULK		16U
#define BENCH_GFP	GFP_KERNEL
#define KMALLOC_SIZE	64

enum bench_op { OP_PAIR, OP_BULK, OP_KMALLOC };

struct bench_test {
	const char *name;
	enum bench_op op;
	struct mmtwin_kmem_cache *twin;
	struct kmem_cache *kern;
};

/*
 * The loops, one per side and operation, calling the allocators directly
 * (no function pointers: the same code around both). Each returns the
 * time @n objects took; a failed allocation is counted in @failed.
 */
static u64 twin_pairs(struct mmtwin_kmem_cache *s, unsigned int n,
		      unsigned long *failed)
{
	u64 t0 = ktime_get_ns();
	void *o;

	while (n--) {
		o = mmtwin_kmem_cache_alloc(s, BENCH_GFP);
		if (unlikely(!o)) {
			++*failed;
			continue;
		}
		mmtwin_kmem_cache_free(s, o);
	}
	return ktime_get_ns() - t0;
}

static u64 kern_pairs(struct kmem_cache *s, unsigned int n,
		      unsigned long *failed)
{
	u64 t0 = ktime_get_ns();
	void *o;

	while (n--) {
		o = kmem_cache_alloc(s, BENCH_GFP);
		if (unlikely(!o)) {
			++*failed;
			continue;
		}
		kmem_cache_free(s, o);
	}
	return ktime_get_ns() - t0;
}

static u64 twin_bulk(struct mmtwin_kmem_cache *s, unsigned int n,
		     unsigned long *failed)
{
	u64 t0 = ktime_get_ns();
	void *p[BULK];

	for (n /= BULK; n; n--) {
		if (unlikely(mmtwin_kmem_cache_alloc_bulk(s, BENCH_GFP, BULK,
							  p) != BULK)) {
			++*failed;
			continue;
		}
		mmtwin_kmem_cache_free_bulk(s, BULK, p);
	}
	return ktime_get_ns() - t0;
}

static u64 kern_bulk(struct kmem_cache *s, unsigned int n,
		     unsigned long *failed)
{
	u64 t0 = ktime_get_ns();
	void *p[BULK];

	for (n /= BULK; n; n--) {
		if (unlikely(kmem_cache_alloc_bulk(s, BENCH_GFP, BULK, p) !=
			     BULK)) {
			++*failed;
			continue;
		}
		kmem_cache_free_bulk(s, BULK, p);
	}
	return ktime_get_ns() - t0;
}

/* The size goes through a variable on both sides: no constant folding. */
static u64 twin_kmalloc(size_t size, unsigned int n, unsigned long *failed)
{
	u64 t0 = ktime_get_ns();
	void *o;

	while (n--) {
		o = mmtwin_kmalloc(size, BENCH_GFP);
		if (unlikely(!o)) {
			++*failed;
			continue;
		}
		mmtwin_kfree(o);
	}
	return ktime_get_ns() - t0;
}

static u64 kern_kmalloc(size_t size, unsigned int n, unsigned long *failed)
{
	u64 t0 = ktime_get_ns();
	void *o;

	while (n--) {
		o = kmalloc(size, BENCH_GFP);
		if (unlikely(!o)) {
			++*failed;
			continue;
		}
		kfree(o);
	}
	return ktime_get_ns() - t0;
}

static size_t kmalloc_size = KMALLOC_SIZE;

/* One slice of @t on one side. */
static u64 run_slice(const struct bench_test *t, bool twin,
		     unsigned long *failed)
{
	switch (t->op) {
	case OP_PAIR:
		return twin ? twin_pairs(t->twin, slice, failed) :
			      kern_pairs(t->kern, slice, failed);
	case OP_BULK:
		return twin ? twin_bulk(t->twin, slice, failed) :
			      kern_bulk(t->kern, slice, failed);
	case OP_KMALLOC:
		return twin ? twin_kmalloc(READ_ONCE(kmalloc_size), slice, failed) :
			      kern_kmalloc(READ_ONCE(kmalloc_size), slice, failed);
	}
	return 0;
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

/*
 * The rounds on this CPU into @tw and @kn: a warm-up slice on each side
 * (the CPU's slabs filled, the code cached), then the measured ones.
 */
static void run_rounds(const struct bench_test *t, u64 *tw, u64 *kn,
		       unsigned long *twin_failed, unsigned long *kern_failed)
{
	unsigned long dummy = 0;
	unsigned int r;

	run_slice(t, true, &dummy);
	run_slice(t, false, &dummy);
	for (r = 0; r < nr_slices(); r++) {
		if (r & 1) {
			kn[r] = run_slice(t, false, kern_failed);
			tw[r] = run_slice(t, true, twin_failed);
		} else {
			tw[r] = run_slice(t, true, twin_failed);
			kn[r] = run_slice(t, false, kern_failed);
		}
		cond_resched();
	}
}

struct worker {
	const struct bench_test *test;
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
	run_rounds(w->test, w->twin, w->kern, &w->twin_failed,
		   &w->kern_failed);
	complete(&w->done);
	return 0;
}

/* The rounds on every online CPU at once; returns how many CPUs ran. */
static int run_parallel(const struct bench_test *t, struct samples *sm)
{
	DECLARE_COMPLETION_ONSTACK(start);
	unsigned int per = nr_slices();
	struct worker *w;
	int cpu, n = 0, i;

	w = kcalloc(nr_cpu_ids, sizeof(*w), GFP_KERNEL);
	if (!w)
		return 0;
	for_each_online_cpu(cpu) {
		struct task_struct *task;

		w[n].test = t;
		w[n].twin = sm->twin + n * per;
		w[n].kern = sm->kern + n * per;
		w[n].start = &start;
		init_completion(&w[n].done);
		task = kthread_create_on_cpu(worker_fn, &w[n], cpu,
					     "mmtwin_slub_bench/%u");
		if (IS_ERR(task))
			break;
		wake_up_process(task);
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

static u64 median(u64 *v, unsigned int n)
{
	sort(v, n, sizeof(*v), cmp_u64, NULL);
	return v[n / 2];
}

/* Median slice of each side, per object; @all_cpus: every CPU at once. */
static void report(const struct bench_test *t, bool all_cpus)
{
	unsigned int n = nr_slices() * (all_cpus ? num_online_cpus() : 1);
	struct samples sm = { };
	unsigned long ratio;
	u64 tw, kn;

	sm.twin = kcalloc(n, sizeof(u64), GFP_KERNEL);
	sm.kern = kcalloc(n, sizeof(u64), GFP_KERNEL);
	if (!sm.twin || !sm.kern)
		goto out;
	if (all_cpus)
		n = run_parallel(t, &sm) * nr_slices();
	else
		run_rounds(t, sm.twin, sm.kern, &sm.twin_failed,
			   &sm.kern_failed);
	if (!n)
		goto out;
	tw = div_u64(median(sm.twin, n), slice);
	kn = div_u64(median(sm.kern, n), slice);
	ratio = kn ? div_u64(tw * 1000, kn) : 0;
	pr_info("mmtwin-bench: %-16s %-4s twin %5llu ns/obj  kernel %5llu ns/obj  ratio %lu.%03lu  failed %lu/%lu\n",
		t->name, all_cpus ? "all" : "1cpu", tw, kn, ratio / 1000,
		ratio % 1000, sm.twin_failed, sm.kern_failed);
out:
	kfree(sm.twin);
	kfree(sm.kern);
}

/*
 * The first word of a sysfs or debugfs file, read as a user would; "?"
 * if it cannot be read.
 */
static void read_word(const char *path, char *buf, size_t len)
{
	struct file *f = filp_open(path, O_RDONLY, 0);
	loff_t pos = 0;
	ssize_t n = -ENOENT;

	if (!IS_ERR(f)) {
		n = kernel_read(f, buf, len - 1, &pos);
		fput(f);
	}
	if (n <= 0) {
		strscpy(buf, "?", len);
		return;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n\t ")] = '\0';
}

#define TWIN_SYSFS	"/sys/kernel/mmtwin/slub"
#define KERNEL_SYSFS	"/sys/kernel/slab"

/* What decides the work per object; both sides must agree. */
static const char *const cache_attrs[] = {
	"object_size", "slab_size", "objs_per_slab", "order", "cpu_partial",
	"min_partial", "sanity_checks", "red_zone", "poison", "store_user",
	"trace",
};

/*
 * One line per pair of caches: their attributes if all are equal, else
 * each that differs, twin/kernel. The kernel cache's aliases say whether
 * something else shares it (kmalloc-64 may be a merge target).
 */
static void print_cache_conditions(const char *twin_name,
				   const char *kern_name)
{
	char path[96], tv[24], kv[24], same[192] = "", diff[192] = "";
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cache_attrs); i++) {
		snprintf(path, sizeof(path), TWIN_SYSFS "/%s/%s", twin_name,
			 cache_attrs[i]);
		read_word(path, tv, sizeof(tv));
		snprintf(path, sizeof(path), KERNEL_SYSFS "/%s/%s", kern_name,
			 cache_attrs[i]);
		read_word(path, kv, sizeof(kv));
		if (!strcmp(tv, kv) && strcmp(tv, "?"))
			scnprintf(same + strlen(same), sizeof(same) - strlen(same),
				  " %s %s", cache_attrs[i], tv);
		else
			scnprintf(diff + strlen(diff), sizeof(diff) - strlen(diff),
				  " %s %s/%s", cache_attrs[i], tv, kv);
	}
	snprintf(path, sizeof(path), KERNEL_SYSFS "/%s/aliases", kern_name);
	read_word(path, kv, sizeof(kv));
	pr_info("mmtwin-bench: cache %s: %s:%s; kernel aliases %s\n", twin_name,
		diff[0] ? "DIFFERENT (twin/kernel)" : "same", diff[0] ? diff : same,
		kv);
}

/*
 * The twin's freelist hardening and randomisation default to the
 * kernel's CONFIG_SLAB_FREELIST_HARDENED/RANDOM (its debugfs switches,
 * which kernel_read() cannot read, change them for later caches only).
 */
static void print_conditions(void)
{
	pr_info("mmtwin-bench: slub: %u objects per test, side and CPU in slices of %u, sides alternating, median slice; %u online CPUs\n",
		nr_slices() * slice, slice, num_online_cpus());
	pr_info("mmtwin-bench: slub: kernel init_on_alloc %d init_on_free %d, freelist hardened %d random %d (twin: the same defaults); no SLAB_ACCOUNT or __GFP_ACCOUNT on either side\n",
		want_init_on_alloc(GFP_KERNEL), want_init_on_free(),
		IS_ENABLED(CONFIG_SLAB_FREELIST_HARDENED),
		IS_ENABLED(CONFIG_SLAB_FREELIST_RANDOM));
}

static const unsigned int sizes[] = { 64, 256, 1024 };

static void bench_cache_tests(struct mmtwin_kmem_cache *twin,
			      struct kmem_cache *kern, unsigned int size,
			      bool all_cpus)
{
	char pair[16], bulk[16];
	struct bench_test t[] = {
		{ pair, OP_PAIR, twin, kern },
		{ bulk, OP_BULK, twin, kern },
	};

	snprintf(pair, sizeof(pair), "pair-%u", size);
	snprintf(bulk, sizeof(bulk), "bulk%u-%u", BULK, size);
	report(&t[0], all_cpus);
	report(&t[1], all_cpus);
}

static int bench_sizes(bool all_cpus)
{
	struct mmtwin_kmem_cache *twin;
	struct kmem_cache *kern;
	char name[32];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		snprintf(name, sizeof(name), "mmtwin_bench_%u", sizes[i]);
		twin = mmtwin_kmem_cache_create(name, sizes[i], 0,
						SLAB_NO_MERGE, NULL);
		kern = kmem_cache_create(name, sizes[i], 0, SLAB_NO_MERGE,
					 NULL);
		if (twin && kern) {
			if (!all_cpus)
				print_cache_conditions(name, name);
			bench_cache_tests(twin, kern, sizes[i], all_cpus);
		}
		mmtwin_kmem_cache_destroy(twin);
		kmem_cache_destroy(kern);
		if (!twin || !kern)
			return -ENOMEM;
	}
	return 0;
}


static int __init bench_init(void)
{
	const struct bench_test km = { "kmalloc-64", OP_KMALLOC };
	int all, ret = 0;

	slice = clamp(slice, BULK, max(loops, BULK));
	slice -= slice % BULK;
	print_conditions();
	print_cache_conditions("kmalloc-64", "kmalloc-64");
	for (all = 0; all < 2 && !ret; all++) {
		ret = bench_sizes(all);
		report(&km, all);
	}
	/* Stay loaded: the bench job unloads us (see the buddy benchmark). */
	return 0;
}

static void __exit bench_exit(void)
{
}

module_init(bench_init);
module_exit(bench_exit);
MODULE_DESCRIPTION("mmtwin: SLUB twin vs kernel SLUB benchmark");
MODULE_LICENSE("GPL");
