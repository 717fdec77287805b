// SPDX-License-Identifier: GPL-2.0
/*
 * mmtwin_buddy_bench: the same loops on the twin and on the kernel's page
 * allocator, in one run. Prints "mmtwin-bench:" lines and fails its init
 * on purpose (-EAGAIN) so it unloads itself, like lib/test_vmalloc.c.
 *
 *   alloc+free pairs at orders 0, 1, 3, 9, 10; bulk order-0; one CPU and
 *   every online CPU at once (ns per op, twin/kernel ratio), with the
 *   twin's arena grown so its zones are in the kernel's size class for
 *   per-CPU list sizing, and the conditions of both sides printed first
 *   a fixed random workload on each, then how many order-3 and order-9
 *   allocations still succeed
 */
#include <linux/completion.h>
#include <linux/gfp.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <linux/utsname.h>
#include <linux/vmalloc.h>

#include <mmtwin/buddy.h>
#include <mmtwin/compat.h>

static unsigned int loops = 20000;
module_param(loops, uint, 0444);
MODULE_PARM_DESC(loops, "alloc+free pairs per order-0 test, fewer for high orders (default 20000)");

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
 * What one test does: order -1 is bulk order-0. Returns the time taken;
 * @ok counts the pages actually allocated, so a failed allocation is
 * counted, not timed as if it were one.
 */
static u64 run_loop(const struct side *s, int order, unsigned int n,
		    unsigned long *ok)
{
	struct page *pages[BULK];
	u64 t0 = ktime_get_ns();
	unsigned int i, j;
	unsigned long got;

	*ok = 0;
	for (i = 0; i < n; i++) {
		if (order >= 0) {
			struct page *p = s->alloc(BENCH_GFP, order);

			if (p) {
				s->free(p, order);
				++*ok;
			}
			continue;
		}
		memset(pages, 0, sizeof(pages));
		got = s->bulk(BENCH_GFP, BULK, pages);
		for (j = 0; j < got; j++)
			s->free(pages[j], 0);
		*ok += got;
		cond_resched();
	}
	return ktime_get_ns() - t0;
}

static unsigned int loops_for(int order)
{
	if (order < 0)
		return max(loops / BULK, 1U);
	return max(loops >> (order > 3 ? 4 : 0), 1U);
}

struct worker {
	const struct side *side;
	int order;
	u64 ns;
	unsigned long ok;
	struct completion *start;
	struct completion done;
};

static int worker_fn(void *data)
{
	struct worker *w = data;

	wait_for_completion(w->start);
	w->ns = run_loop(w->side, w->order, loops_for(w->order), &w->ok);
	complete(&w->done);
	return 0;
}

/* The loop on every online CPU at once: mean time per CPU, pages summed. */
static u64 run_parallel(const struct side *s, int order, unsigned long *ok)
{
	struct worker *w;
	DECLARE_COMPLETION_ONSTACK(start);
	int cpu, n = 0, i;
	u64 sum = 0;

	*ok = 0;
	w = kcalloc(nr_cpu_ids, sizeof(*w), GFP_KERNEL);
	if (!w)
		return 0;
	for_each_online_cpu(cpu) {
		struct task_struct *t;

		w[n].side = s;
		w[n].order = order;
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
		sum += w[i].ns;
		*ok += w[i].ok;
	}
	kfree(w);
	if (n)
		*ok = div_u64(*ok, n);	/* per CPU, like the time */
	return n ? div_u64(sum, n) : 0;
}

/* ns per allocated page (or bulk page); failures reported, not timed as ops. */
static u64 run_once(const struct side *s, int order, bool all_cpus,
		    unsigned long *fails)
{
	unsigned int n = loops_for(order);
	unsigned long want = n * (order < 0 ? BULK : 1), ok;
	u64 ns;

	ns = all_cpus ? run_parallel(s, order, &ok) : run_loop(s, order, n, &ok);
	*fails += want - min(ok, want);
	return ok ? div_u64(ns, ok) : U64_MAX;
}

/*
 * Best of three, twin and kernel taking turns and each going first in
 * turn, after one untimed run of each to warm the caches and fill both
 * sides' per-CPU lists: TCG timing is noisy.
 */
static void report(const char *what, int order, bool all_cpus)
{
	unsigned long tf = 0, kf = 0, warm = 0, ratio;
	u64 t = U64_MAX, k = U64_MAX;
	int i;

	run_once(&twin, order, all_cpus, &warm);
	run_once(&kernel, order, all_cpus, &warm);
	for (i = 0; i < 3; i++) {
		if (i & 1) {
			k = min(k, run_once(&kernel, order, all_cpus, &kf));
			t = min(t, run_once(&twin, order, all_cpus, &tf));
		} else {
			t = min(t, run_once(&twin, order, all_cpus, &tf));
			k = min(k, run_once(&kernel, order, all_cpus, &kf));
		}
	}
	ratio = k && k != U64_MAX && t != U64_MAX ? div_u64(t * 1000, k) : 0;
	pr_info("mmtwin-bench: %-10s %-5s twin %6llu ns/op  kernel %6llu ns/op  ratio %lu.%03lu  failed twin %lu kernel %lu\n",
		what, all_cpus ? "all" : "1cpu", t, k, ratio / 1000, ratio % 1000,
		tf, kf);
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

static int __init bench_init(void)
{
	unsigned int loaded_mb = mmtwin_buddy_arena_mb();
	int ret;

	pr_info("mmtwin-bench: buddy: %u loops (order > 3: %u), one untimed run then best of 3, who goes first alternating, %u online CPUs\n",
		loops, loops_for(9), num_online_cpus());
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
	print_conditions();
	timed_loops();
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
