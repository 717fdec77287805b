// SPDX-License-Identifier: GPL-2.0
/*
 * mmtwin_slub_bench: the same loops on the twin and on the kernel's SLUB,
 * in one run, printing "mmtwin-bench:" lines (ns per object, twin/kernel).
 *
 *   alloc+free pairs and bulk-16 alloc/free for 64 B, 256 B and 1 KiB
 *   objects, on caches of the same geometry (SLAB_NO_MERGE on the
 *   kernel's side), plus kmalloc/kfree of 64 B; on one CPU and on every
 *   online CPU at once. Best of three, the two sides taking turns.
 */
#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/slab.h>

#include <mmtwin/compat.h>
#include <mmtwin/slub.h>

static unsigned int loops = 50000;
module_param(loops, uint, 0444);
MODULE_PARM_DESC(loops, "alloc+free pairs per test, bulk: loops / 16 batches (default 50000)");

#define BULK		16
#define BENCH_GFP	GFP_KERNEL

enum bench_op { OP_PAIR, OP_BULK, OP_KMALLOC };

struct side {
	void *cache;
	void *(*alloc)(void *cache);
	void (*free)(void *cache, void *object);
	int (*alloc_bulk)(void *cache, size_t nr, void **p);
	void (*free_bulk)(void *cache, size_t nr, void **p);
	void *(*km_alloc)(size_t size);
	void (*km_free)(const void *object);
};

static void *twin_alloc(void *c)
{
	return mmtwin_kmem_cache_alloc(c, BENCH_GFP);
}

static void twin_free(void *c, void *o)
{
	mmtwin_kmem_cache_free(c, o);
}

static int twin_alloc_bulk(void *c, size_t nr, void **p)
{
	return mmtwin_kmem_cache_alloc_bulk(c, BENCH_GFP, nr, p);
}

static void twin_free_bulk(void *c, size_t nr, void **p)
{
	mmtwin_kmem_cache_free_bulk(c, nr, p);
}

static void *twin_kmalloc(size_t size)
{
	return mmtwin_kmalloc(size, BENCH_GFP);
}

static void *kern_alloc(void *c)
{
	return kmem_cache_alloc(c, BENCH_GFP);
}

static void kern_free(void *c, void *o)
{
	kmem_cache_free(c, o);
}

static int kern_alloc_bulk(void *c, size_t nr, void **p)
{
	return kmem_cache_alloc_bulk(c, BENCH_GFP, nr, p);
}

static void kern_free_bulk(void *c, size_t nr, void **p)
{
	kmem_cache_free_bulk(c, nr, p);
}

static void *kern_kmalloc(size_t size)
{
	return kmalloc(size, BENCH_GFP);
}

/* One test: @n rounds of @op; returns ns, counts failures in @failed. */
static u64 run_loop(const struct side *s, enum bench_op op, unsigned int n,
		    unsigned long *failed)
{
	u64 t0 = ktime_get_ns();
	void *p[BULK], *o;
	unsigned int i;

	for (i = 0; i < n; i++) {
		switch (op) {
		case OP_PAIR:
			o = s->alloc(s->cache);
			if (o)
				s->free(s->cache, o);
			else
				(*failed)++;
			break;
		case OP_BULK:
			if (s->alloc_bulk(s->cache, BULK, p) == BULK)
				s->free_bulk(s->cache, BULK, p);
			else
				(*failed)++;
			break;
		case OP_KMALLOC:
			o = s->km_alloc(64);
			*failed += !o;
			s->km_free(o);
			break;
		}
		if (!(i % 1024))
			cond_resched();
	}
	return ktime_get_ns() - t0;
}

static unsigned int rounds(enum bench_op op)
{
	return op == OP_BULK ? max(loops / BULK, 1U) : loops;
}

struct worker {
	const struct side *side;
	enum bench_op op;
	u64 ns;
	unsigned long failed;
	struct completion *start;
	struct completion done;
};

static int worker_fn(void *data)
{
	struct worker *w = data;

	wait_for_completion(w->start);
	w->ns = run_loop(w->side, w->op, rounds(w->op), &w->failed);
	complete(&w->done);
	return 0;
}

/* The loop on every online CPU at once; average ns. */
static u64 run_parallel(const struct side *s, enum bench_op op,
			unsigned long *failed)
{
	DECLARE_COMPLETION_ONSTACK(start);
	struct worker *w;
	int cpu, n = 0, i;
	u64 sum = 0;

	w = kcalloc(nr_cpu_ids, sizeof(*w), GFP_KERNEL);
	if (!w)
		return 0;
	for_each_online_cpu(cpu) {
		struct task_struct *t;

		w[n].side = s;
		w[n].op = op;
		w[n].start = &start;
		init_completion(&w[n].done);
		t = kthread_create_on_cpu(worker_fn, &w[n], cpu,
					  "mmtwin_slub_bench/%u");
		if (IS_ERR(t))
			break;
		wake_up_process(t);
		n++;
	}
	complete_all(&start);
	for (i = 0; i < n; i++) {
		wait_for_completion(&w[i].done);
		sum += w[i].ns;
		*failed += w[i].failed;
	}
	kfree(w);
	return n ? div_u64(sum, n) : 0;
}

static u64 run_once(const struct side *s, enum bench_op op, bool all_cpus,
		    unsigned long *failed)
{
	return all_cpus ? run_parallel(s, op, failed) :
			  run_loop(s, op, rounds(op), failed);
}

/* Best of three, twin and kernel taking turns: TCG timing is noisy. */
static void report(const char *what, const struct side *twin,
		   const struct side *kern, enum bench_op op, bool all_cpus)
{
	unsigned long per = op == OP_BULK ? BULK : 1, ratio, tf = 0, kf = 0;
	u64 t = U64_MAX, k = U64_MAX;
	unsigned int n = rounds(op);
	int i;

	for (i = 0; i < 3; i++) {
		t = min(t, run_once(twin, op, all_cpus, &tf));
		k = min(k, run_once(kern, op, all_cpus, &kf));
	}
	t = div_u64(t, n * per);
	k = div_u64(k, n * per);
	ratio = k ? div_u64(t * 1000, k) : 0;
	pr_info("mmtwin-bench: %-16s %-4s twin %5llu ns/obj  kernel %5llu ns/obj  ratio %lu.%03lu  failed %lu/%lu\n",
		what, all_cpus ? "all" : "1cpu", t, k, ratio / 1000,
		ratio % 1000, tf, kf);
}

static const unsigned int sizes[] = { 64, 256, 1024 };

static int bench_sizes(bool all_cpus)
{
	struct side twin = { .alloc = twin_alloc, .free = twin_free,
			     .alloc_bulk = twin_alloc_bulk,
			     .free_bulk = twin_free_bulk };
	struct side kern = { .alloc = kern_alloc, .free = kern_free,
			     .alloc_bulk = kern_alloc_bulk,
			     .free_bulk = kern_free_bulk };
	char name[32];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		snprintf(name, sizeof(name), "mmtwin_bench_%u", sizes[i]);
		twin.cache = mmtwin_kmem_cache_create(name, sizes[i], 0,
						      SLAB_NO_MERGE, NULL);
		kern.cache = kmem_cache_create(name, sizes[i], 0,
					       SLAB_NO_MERGE, NULL);
		if (twin.cache && kern.cache) {
			snprintf(name, sizeof(name), "pair-%u", sizes[i]);
			report(name, &twin, &kern, OP_PAIR, all_cpus);
			snprintf(name, sizeof(name), "bulk%u-%u", BULK, sizes[i]);
			report(name, &twin, &kern, OP_BULK, all_cpus);
		}
		mmtwin_kmem_cache_destroy(twin.cache);
		kmem_cache_destroy(kern.cache);
		if (!twin.cache || !kern.cache)
			return -ENOMEM;
	}
	return 0;
}

static int __init bench_init(void)
{
	const struct side twin = { .km_alloc = twin_kmalloc, .km_free = mmtwin_kfree };
	const struct side kern = { .km_alloc = kern_kmalloc, .km_free = kfree };
	int all, ret = 0;

	pr_info("mmtwin-bench: slub: %u loops, best of 3, %u online CPUs, kernel init_on_alloc %d init_on_free %d\n",
		loops, num_online_cpus(), want_init_on_alloc(GFP_KERNEL),
		want_init_on_free());
	for (all = 0; all < 2 && !ret; all++) {
		ret = bench_sizes(all);
		report("kmalloc-64", &twin, &kern, OP_KMALLOC, all);
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
