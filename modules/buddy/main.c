// SPDX-License-Identifier: GPL-2.0
/*
 * mmtwin_buddy: module glue. Borrows the arena from the host in max-order
 * blocks, gives it back, and exports the allocator to other modules.
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/rwsem.h>

#include "glue.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

#define CHUNK_MB	((PAGE_SIZE << MAX_PAGE_ORDER) >> 20)
#define BULK_STEP	32

static unsigned int arena_mb = 64;
module_param(arena_mb, uint, 0444);
MODULE_PARM_DESC(arena_mb, "MB borrowed from the host at load, a multiple of the max-order block size (default 64)");

struct buddy *mmtwin_buddy;
struct mmtwin_twin mmtwin_buddy_twin = {
	.name = "buddy",
	.owner = THIS_MODULE,
};
DEFINE_MUTEX(mmtwin_buddy_arena_lock);

/* Fault points: borrowing from the host, and any twin allocation. */
static MMTWIN_DECLARE_FAULT_ATTR(fail_borrow);
static MMTWIN_DECLARE_FAULT_ATTR(fail_alloc);

bool mmtwin_buddy_fail_alloc(gfp_t gfp, unsigned int order)
{
	return mmtwin_should_fail(&fail_alloc, PAGE_SIZE << order);
}

/* warn_alloc()'s first line; no stack: tests make failures on purpose. */
void mmtwin_buddy_warn_alloc(gfp_t gfp, unsigned int order)
{
	pr_warn_ratelimited("mmtwin_buddy: %s: page allocation failure: order:%u, mode:%#x(%pGg)\n",
			    current->comm, order, gfp, &gfp);
}

/* bad_page()'s job for the twin: say what was wrong, change nothing. */
void mmtwin_buddy_bad_free(unsigned long pfn, unsigned int order, int state,
			   unsigned int frame_order)
{
	pr_err_ratelimited("mmtwin_buddy: %s: bad free: pfn %#lx order %u, frame state %d order %u\n",
			   current->comm, pfn, order, state, frame_order);
}

/*
 * Spread the arena over the nodes with memory, taking turns, so the twin
 * has a zone per node as the host does; any node will do when one is full.
 */
static struct page *borrow_block(void)
{
	static int last_nid = NUMA_NO_NODE;
	gfp_t gfp = GFP_KERNEL | __GFP_NOWARN;
	struct page *page;
	int nid;

	nid = next_node_in(last_nid, node_states[N_MEMORY]);
	if (nid < MAX_NUMNODES) {
		last_nid = nid;
		page = alloc_pages_node(nid, gfp | __GFP_THISNODE, MAX_PAGE_ORDER);
		if (page)
			return page;
	}
	return alloc_pages(gfp, MAX_PAGE_ORDER);
}

static int borrow_one(void)
{
	struct buddy_chunk *c;
	struct page *page;
	int ret;

	if (mmtwin_should_fail(&fail_borrow, PAGE_SIZE << MAX_PAGE_ORDER))
		return -ENOMEM;
	page = borrow_block();
	if (!page)
		return -ENOMEM;
	c = buddy_chunk_new();
	if (!c) {
		__free_pages(page, MAX_PAGE_ORDER);
		return -ENOMEM;
	}
	c->host = page;
	BUILD_BUG_ON(MAX_NR_ZONES > BUDDY_HOST_ZONES);
	ret = buddy_add_chunk(mmtwin_buddy, c, page_to_pfn(page),
			      page_to_nid(page), page_zonenum(page),
			      page_zone(page)->name);
	if (ret) {
		buddy_vfree(c);
		__free_pages(page, MAX_PAGE_ORDER);
	}
	return ret;
}

static bool return_one(void)
{
	struct buddy_chunk *c = buddy_take_free_chunk(mmtwin_buddy);

	if (!c)
		return false;
	__free_pages(c->host, MAX_PAGE_ORDER);
	synchronize_rcu();	/* buddy_lookup() may still pass over it */
	buddy_vfree(c);
	return true;
}

unsigned int mmtwin_buddy_arena_mb(void)
{
	return mmtwin_buddy->nr_chunks * CHUNK_MB;
}

void mmtwin_buddy_retune(void)
{
	buddy_setup_wmarks(mmtwin_buddy);
	buddy_update_pcp(mmtwin_buddy);
}

/**
 * mmtwin_buddy_resize - borrow or give back chunks to reach @mb
 * @mb: new arena size, a multiple of the max-order block size
 *
 * Growing is all or nothing: on failure what was borrowed goes back.
 * Shrinking gives back wholly free chunks only and stops with -EBUSY when
 * too few are free, leaving the arena at the size it reached.
 * Return: 0, -EINVAL, -ERANGE, -ENOMEM or -EBUSY.
 */
int mmtwin_buddy_resize(unsigned int mb)
{
	unsigned long want, start;
	int ret = 0;

	if (!mb || mb % CHUNK_MB)
		return -EINVAL;
	want = mb / CHUNK_MB;
	if (want > BUDDY_MAX_CHUNKS)
		return -ERANGE;

	mutex_lock(&mmtwin_buddy_arena_lock);
	start = mmtwin_buddy->nr_chunks;
	while (mmtwin_buddy->nr_chunks < want && !ret)
		ret = borrow_one();
	if (ret) {
		/* Fresh chunks are free unless someone raced onto them. */
		while (mmtwin_buddy->nr_chunks > start && return_one())
			;
	} else if (mmtwin_buddy->nr_chunks > want) {
		buddy_drain_all(mmtwin_buddy);
		while (mmtwin_buddy->nr_chunks > want && return_one())
			;
		if (mmtwin_buddy->nr_chunks > want)
			ret = -EBUSY;
	}
	mmtwin_buddy_retune();
	mutex_unlock(&mmtwin_buddy_arena_lock);
	return ret;
}

/* Exported API: see <mmtwin/buddy.h>. */
struct page *mmtwin_alloc_pages(gfp_t gfp, unsigned int order)
{
	struct mmtwin_frame *f = buddy_alloc(mmtwin_buddy, gfp, order);

	return f ? pfn_to_page(frame_pfn(f)) : NULL;
}
EXPORT_SYMBOL_GPL(mmtwin_alloc_pages);

void mmtwin_free_pages(struct page *page, unsigned int order)
{
	struct mmtwin_frame *f = mmtwin_page_frame(page);

	if (WARN_ON_ONCE(!f))
		return;
	buddy_free(mmtwin_buddy, f, order);
}
EXPORT_SYMBOL_GPL(mmtwin_free_pages);

unsigned long mmtwin_alloc_pages_bulk(gfp_t gfp, unsigned long nr,
				      struct page **pages)
{
	struct mmtwin_frame *frames[BULK_STEP];
	unsigned long done, i, n, filled = 0;

	/* A frame array shadows @pages, a step at a time, on the stack. */
	for (done = 0; done < nr; done += n) {
		n = min(nr - done, (unsigned long)BULK_STEP);
		for (i = 0; i < n; i++)
			frames[i] = pages[done + i] ?
				    mmtwin_page_frame(pages[done + i]) : NULL;
		buddy_alloc_bulk(mmtwin_buddy, gfp, n, frames);
		for (i = 0; i < n; i++) {
			if (!pages[done + i] && frames[i])
				pages[done + i] = pfn_to_page(frame_pfn(frames[i]));
			filled += !!pages[done + i];
		}
		if (filled < done + n)	/* out of pages: stop as upstream */
			break;
	}
	return filled;
}
EXPORT_SYMBOL_GPL(mmtwin_alloc_pages_bulk);

struct mmtwin_frame *mmtwin_page_frame(struct page *page)
{
	return buddy_pfn_frame(mmtwin_buddy, page_to_pfn(page));
}
EXPORT_SYMBOL_GPL(mmtwin_page_frame);

struct page *mmtwin_frame_page(const struct mmtwin_frame *frame)
{
	return pfn_to_page(frame_pfn(frame));
}
EXPORT_SYMBOL_GPL(mmtwin_frame_page);

unsigned long mmtwin_frame_pfn(const struct mmtwin_frame *frame)
{
	return frame_pfn(frame);
}
EXPORT_SYMBOL_GPL(mmtwin_frame_pfn);

int mmtwin_buddy_nr_zones(void)
{
	return READ_ONCE(mmtwin_buddy->nr_zones);
}
EXPORT_SYMBOL_GPL(mmtwin_buddy_nr_zones);

int mmtwin_buddy_zone_info(int zone, struct mmtwin_zone_info *info)
{
	struct buddy_zone *z;
	int cpu;

	if (zone < 0 || zone >= mmtwin_buddy_nr_zones())
		return -EINVAL;
	z = &mmtwin_buddy->zones[zone];
	memset(info, 0, sizeof(*info));
	strscpy(info->name, z->name, sizeof(info->name));
	info->node = z->node;
	info->managed = READ_ONCE(z->managed_pages);
	info->free = READ_ONCE(z->nr_free_pages);
	for_each_possible_cpu(cpu)
		info->pcp += READ_ONCE(per_cpu_ptr(z->pcp, cpu)->count);
	info->min = zone_wmark(z, BUDDY_WMARK_MIN);
	info->low = zone_wmark(z, BUDDY_WMARK_LOW);
	info->high = zone_wmark(z, BUDDY_WMARK_HIGH);
	return 0;
}
EXPORT_SYMBOL_GPL(mmtwin_buddy_zone_info);

void mmtwin_buddy_drain(void)
{
	buddy_drain_all(mmtwin_buddy);
}
EXPORT_SYMBOL_GPL(mmtwin_buddy_drain);

/*
 * The core calls these two for the reclaimer. The rwsem lets unregister
 * wait for direct reclaimers; the wake-up runs in atomic context and only
 * tries the lock.
 */
static DECLARE_RWSEM(reclaim_sem);
static const struct mmtwin_reclaim_ops *reclaimer;

static void glue_wake(void *data, int zone, unsigned int order)
{
	if (!down_read_trylock(&reclaim_sem))
		return;
	if (reclaimer && reclaimer->wake)
		reclaimer->wake(reclaimer->data, zone, order);
	up_read(&reclaim_sem);
}

static unsigned long glue_reclaim(void *data, gfp_t gfp, unsigned int order)
{
	unsigned long progress = 0;

	down_read(&reclaim_sem);
	if (reclaimer && reclaimer->reclaim)
		progress = reclaimer->reclaim(reclaimer->data, gfp, order);
	up_read(&reclaim_sem);
	return progress;
}

static const struct mmtwin_reclaim_ops glue_ops = {
	.wake = glue_wake,
	.reclaim = glue_reclaim,
};

int mmtwin_buddy_register_reclaim(const struct mmtwin_reclaim_ops *ops)
{
	int ret = 0;

	down_write(&reclaim_sem);
	if (reclaimer)
		ret = -EBUSY;
	else
		reclaimer = ops;
	up_write(&reclaim_sem);
	return ret;
}
EXPORT_SYMBOL_GPL(mmtwin_buddy_register_reclaim);

void mmtwin_buddy_unregister_reclaim(const struct mmtwin_reclaim_ops *ops)
{
	down_write(&reclaim_sem);
	if (!WARN_ON_ONCE(reclaimer != ops))
		reclaimer = NULL;
	up_write(&reclaim_sem);
}
EXPORT_SYMBOL_GPL(mmtwin_buddy_unregister_reclaim);

#if IS_ENABLED(CONFIG_KUNIT)
struct buddy *mmtwin_buddy_instance(void)
{
	return mmtwin_buddy;
}
EXPORT_SYMBOL_IF_KUNIT(mmtwin_buddy_instance);
#endif

static void create_fault_points(struct dentry *dir)
{
	if (!IS_ENABLED(CONFIG_FAULT_INJECTION_DEBUG_FS))
		return;
	mmtwin_fault_debugfs("fail_borrow", dir, &fail_borrow);
	mmtwin_fault_debugfs("fail_alloc", dir, &fail_alloc);
}

/* Gives everything back; what is still handed out is leaked, loudly. */
static void return_all(void)
{
	unsigned long left;

	mmtwin_buddy_control_free_all();
	buddy_drain_all(mmtwin_buddy);
	while (return_one())
		;
	left = mmtwin_buddy->nr_chunks;
	if (WARN(left, "mmtwin_buddy: %lu MB still handed out; leaking them to the host\n",
		 left * CHUNK_MB))
		return;
	buddy_destroy(mmtwin_buddy);
	buddy_vfree(mmtwin_buddy);
}

static int __init mmtwin_buddy_init(void)
{
	int ret;

	mmtwin_buddy = buddy_vzalloc(sizeof(*mmtwin_buddy));
	if (!mmtwin_buddy)
		return -ENOMEM;
	buddy_init(mmtwin_buddy);
	buddy_set_reclaim(mmtwin_buddy, &glue_ops);

	ret = mmtwin_twin_register(&mmtwin_buddy_twin);
	if (ret)
		goto free_buddy;
	create_fault_points(mmtwin_buddy_twin.debugfs_dir);
	ret = mmtwin_buddy_resize(arena_mb);
	if (ret) {
		pr_err("mmtwin_buddy: cannot borrow %u MB: %d\n", arena_mb, ret);
		goto give_back;
	}
	ret = mmtwin_buddy_sysfs_init(mmtwin_buddy_twin.kobj);
	if (ret)
		goto give_back;
	mmtwin_buddy_debugfs_init(mmtwin_buddy_twin.debugfs_dir);
	pr_info("mmtwin_buddy: %u MB in %d zone(s)\n", mmtwin_buddy_arena_mb(),
		mmtwin_buddy->nr_zones);
	return 0;

give_back:
	mmtwin_twin_unregister(&mmtwin_buddy_twin);
	return_all();
	return ret;
free_buddy:
	buddy_vfree(mmtwin_buddy);
	return ret;
}

static void __exit mmtwin_buddy_exit(void)
{
	mmtwin_buddy_debugfs_exit();
	mmtwin_buddy_sysfs_exit(mmtwin_buddy_twin.kobj);
	mmtwin_twin_unregister(&mmtwin_buddy_twin);
	return_all();
}

module_init(mmtwin_buddy_init);
module_exit(mmtwin_buddy_exit);

MODULE_DESCRIPTION("mmtwin: the buddy page allocator twin");
MODULE_AUTHOR("mmtwin developers");
MODULE_LICENSE("GPL");
