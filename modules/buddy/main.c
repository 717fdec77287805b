// SPDX-License-Identifier: GPL-2.0
/*
 * mmtwin_buddy: module glue. Borrows the arena from the host in max-order
 * blocks, gives it back, and exports the allocator to other modules.
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/srcu.h>

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
EXPORT_SYMBOL_IF_KUNIT(mmtwin_buddy_arena_lock);

/* Fault points: borrowing from the host, and any twin allocation. */
static MMTWIN_DECLARE_FAULT_ATTR(fail_borrow);
MMTWIN_DECLARE_FAULT_ATTR(mmtwin_buddy_fail_alloc_attr);

/* Called only when the point is armed (buddy_should_fail() in shim.h). */
bool mmtwin_buddy_fail_alloc(gfp_t gfp, unsigned int order)
{
	return mmtwin_should_fail(&mmtwin_buddy_fail_alloc_attr,
				  PAGE_SIZE << order);
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

/* Above every pfn of the host: the chunk map covers the nodes' spans. */
static unsigned long host_end_pfn(void)
{
	unsigned long end = 0;
	int nid;

	for_each_online_node(nid)
		end = max(end, node_end_pfn(nid));
	return end;
}

static int borrow_one(void)
{
	struct buddy_chunk *c;
	struct page *page;
	int ret;

	if (mmtwin_should_fail(&fail_borrow, PAGE_SIZE << MAX_PAGE_ORDER))
		return -ENOMEM;
	page = mmtwin_host_borrow();
	if (!page)
		return -ENOMEM;
	c = buddy_chunk_new();
	if (!c) {
		mmtwin_host_unborrow(page);
		return -ENOMEM;
	}
	c->host = page;
	BUILD_BUG_ON(MAX_NR_ZONES > BUDDY_HOST_ZONES);
	ret = buddy_add_chunk(mmtwin_buddy, c, page_to_pfn(page),
			      page_to_nid(page), page_zonenum(page),
			      page_zone(page)->name);
	if (ret) {
		buddy_vfree(c);
		mmtwin_host_unborrow(page);
	}
	return ret;
}

/* The pages go back to the host after a grace period (host.c). */
static bool return_one(void)
{
	struct buddy_chunk *c = buddy_take_free_chunk(mmtwin_buddy);

	if (!c)
		return false;
	mmtwin_host_retire(c);
	return true;
}

unsigned int mmtwin_buddy_arena_mb(void)
{
	return mmtwin_buddy->nr_chunks * CHUNK_MB;
}
EXPORT_SYMBOL_GPL(mmtwin_buddy_arena_mb);

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
	while (mmtwin_buddy->nr_chunks < want && !ret) {
		ret = borrow_one();
		cond_resched();
	}
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
EXPORT_SYMBOL_GPL(mmtwin_buddy_resize);

/* Exported API: see <mmtwin/buddy.h>. */
BUDDY_HOT(mmtwin_alloc_pages_node) __aligned(BUDDY_HOT_ALIGN)
struct page *mmtwin_alloc_pages_node(int nid, gfp_t gfp, unsigned int order)
{
	struct mmtwin_frame *f;

	if (nid != NUMA_NO_NODE && (nid < 0 || nid >= MAX_NUMNODES))
		return NULL;
	f = buddy_alloc_node(mmtwin_buddy, nid, gfp, order);
	return f ? pfn_to_page(frame_pfn(f)) : NULL;
}
EXPORT_SYMBOL_GPL(mmtwin_alloc_pages_node);

/* Straight to the core: no second call on the hot path. */
BUDDY_HOT(mmtwin_alloc_pages) __aligned(BUDDY_HOT_ALIGN)
struct page *mmtwin_alloc_pages(gfp_t gfp, unsigned int order)
{
	struct mmtwin_frame *f = buddy_alloc_node(mmtwin_buddy, NUMA_NO_NODE,
						  gfp, order);

	return f ? pfn_to_page(frame_pfn(f)) : NULL;
}
EXPORT_SYMBOL_GPL(mmtwin_alloc_pages);

BUDDY_HOT(mmtwin_free_pages) __aligned(BUDDY_HOT_ALIGN)
void mmtwin_free_pages(struct page *page, unsigned int order)
{
	struct mmtwin_frame *f = buddy_pfn_frame(mmtwin_buddy, page_to_pfn(page));

	if (WARN_ON_ONCE(!f))
		return;
	/* An order-0 page with the twin's count needs no call to check it. */
	if (f->state == MMTWIN_FRAME_ALLOC && f->order == order &&
	    (order || unlikely(page_ref_count(page) != MMTWIN_HOST_REFS)))
		mmtwin_host_check_block(page, order);
	buddy_free(mmtwin_buddy, f, order);
}
EXPORT_SYMBOL_GPL(mmtwin_free_pages);

/* Stands for a slot the caller filled; never handed to the core otherwise. */
static struct mmtwin_frame bulk_placeholder = { .state = MMTWIN_FRAME_ALLOC };

BUDDY_HOT(mmtwin_alloc_pages_bulk) __aligned(BUDDY_HOT_ALIGN)
unsigned long mmtwin_alloc_pages_bulk(gfp_t gfp, unsigned long nr,
				      struct page **pages)
{
	struct mmtwin_frame *frames[BULK_STEP];
	unsigned long done, i, n, filled = 0;

	/*
	 * A frame array shadows @pages, a step at a time, on the stack. A
	 * slot that holds any page, twin or not, is full: a placeholder
	 * frame keeps the core from filling it.
	 */
	for (done = 0; done < nr; done += n) {
		n = min(nr - done, (unsigned long)BULK_STEP);
		for (i = 0; i < n; i++)
			frames[i] = pages[done + i] ? &bulk_placeholder : NULL;
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

struct mmtwin_frame *mmtwin_virt_to_frame(const void *addr)
{
	if (!virt_addr_valid(addr))
		return NULL;
	return buddy_block_head(mmtwin_buddy, PHYS_PFN(__pa(addr)));
}
EXPORT_SYMBOL_GPL(mmtwin_virt_to_frame);

void *mmtwin_frame_address(const struct mmtwin_frame *frame)
{
	return page_address(pfn_to_page(frame_pfn(frame)));
}
EXPORT_SYMBOL_GPL(mmtwin_frame_address);

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

static unsigned long glue_reclaimable(void *data, int zone);

int mmtwin_buddy_zone_info(int zone, struct mmtwin_zone_info *info)
{
	struct buddy_pcp *pcp;
	struct buddy_zone *z;
	int cpu, i;

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
	info->boost = READ_ONCE(z->watermark_boost);
	info->host_zone = z->host_idx;
	info->free_highatomic = READ_ONCE(z->nr_free_highatomic);
	info->reclaimable = glue_reclaimable(NULL, zone);
	for (i = 0; i < MAX_NR_ZONES; i++)
		info->lowmem_reserve[i] = READ_ONCE(z->lowmem_reserve[i]);
	info->unreclaimable = mmtwin_buddy_node_unreclaimable(z->node);
	pcp = raw_cpu_ptr(z->pcp);
	info->pcp_batch = READ_ONCE(pcp->batch);
	info->pcp_high_min = READ_ONCE(pcp->high_min);
	info->pcp_high_max = READ_ONCE(pcp->high_max);
	return 0;
}
EXPORT_SYMBOL_GPL(mmtwin_buddy_zone_info);

bool mmtwin_buddy_watermark_ok(int zone, unsigned int order, unsigned long mark,
			       int highest_zoneidx, unsigned int alloc_flags)
{
	if (zone < 0 || zone >= mmtwin_buddy_nr_zones() ||
	    highest_zoneidx < 0 || highest_zoneidx >= MAX_NR_ZONES)
		return false;
	return buddy_watermark_ok(&mmtwin_buddy->zones[zone], order, mark,
				  highest_zoneidx, alloc_flags);
}
EXPORT_SYMBOL_GPL(mmtwin_buddy_watermark_ok);

void mmtwin_buddy_reset_boost(int zone)
{
	if (zone >= 0 && zone < mmtwin_buddy_nr_zones())
		buddy_reset_boost(&mmtwin_buddy->zones[zone]);
}
EXPORT_SYMBOL_GPL(mmtwin_buddy_reset_boost);

/* pgdat->kswapd_failures >= MAX_RECLAIM_RETRIES */
bool mmtwin_buddy_node_unreclaimable(int nid)
{
	return READ_ONCE(mmtwin_buddy->node_no_progress[nid < BUDDY_MAX_NODES ?
							 nid : 0]) >= 16;
}

void mmtwin_buddy_drain(void)
{
	buddy_drain_all(mmtwin_buddy);
}
EXPORT_SYMBOL_GPL(mmtwin_buddy_drain);

/*
 * The core calls these for the reclaimer. Readers hold SRCU, which nests
 * and may sleep, so a reclaimer that allocates from the twin, or an
 * unregister waiting meanwhile, never deadlocks; unregister waits with
 * synchronize_srcu() for hooks still running.
 */
DEFINE_STATIC_SRCU(hook_srcu);
static DEFINE_MUTEX(reclaimer_lock);
static const struct mmtwin_reclaim_ops __rcu *reclaimer;

static void glue_wake(void *data, int nid, int zone, unsigned int order,
		      gfp_t gfp, int highest_zoneidx)
{
	const struct mmtwin_reclaim_ops *ops;
	int idx = srcu_read_lock(&hook_srcu);

	ops = srcu_dereference(reclaimer, &hook_srcu);
	if (ops && ops->wake)
		ops->wake(ops->data, nid, zone, order, gfp, highest_zoneidx);
	srcu_read_unlock(&hook_srcu, idx);
}

/* Without a reclaimer, direct reclaim is what the shrinkers give back. */
static unsigned long glue_reclaim(void *data, int nid, gfp_t gfp,
				  unsigned int order, int highest_zoneidx)
{
	const struct mmtwin_reclaim_ops *ops;
	unsigned long progress = 0;
	int idx = srcu_read_lock(&hook_srcu);

	ops = srcu_dereference(reclaimer, &hook_srcu);
	if (ops && ops->reclaim)
		progress = ops->reclaim(ops->data, nid, gfp, order,
					highest_zoneidx);
	else if (!ops)
		progress = mmtwin_buddy_shrink_node(gfp, nid);
	srcu_read_unlock(&hook_srcu, idx);
	return progress;
}

static bool glue_oom(void *data, gfp_t gfp, unsigned int order)
{
	const struct mmtwin_reclaim_ops *ops;
	bool progress = false;
	int idx = srcu_read_lock(&hook_srcu);

	ops = srcu_dereference(reclaimer, &hook_srcu);
	if (ops && ops->oom)
		progress = ops->oom(ops->data, gfp, order);
	srcu_read_unlock(&hook_srcu, idx);
	return progress;
}

static unsigned long glue_reclaimable(void *data, int zone)
{
	const struct mmtwin_reclaim_ops *ops;
	unsigned long pages = 0;
	int idx = srcu_read_lock(&hook_srcu);

	ops = srcu_dereference(reclaimer, &hook_srcu);
	if (ops && ops->reclaimable)
		pages = ops->reclaimable(ops->data, zone);
	srcu_read_unlock(&hook_srcu, idx);
	return pages;
}

static const struct mmtwin_reclaim_ops glue_ops = {
	.wake = glue_wake,
	.reclaim = glue_reclaim,
	.oom = glue_oom,
	.reclaimable = glue_reclaimable,
};

int mmtwin_buddy_register_reclaim(const struct mmtwin_reclaim_ops *ops)
{
	int ret = 0;

	mutex_lock(&reclaimer_lock);
	if (rcu_access_pointer(reclaimer))
		ret = -EBUSY;
	else
		rcu_assign_pointer(reclaimer, ops);
	mutex_unlock(&reclaimer_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(mmtwin_buddy_register_reclaim);

void mmtwin_buddy_unregister_reclaim(const struct mmtwin_reclaim_ops *ops)
{
	mutex_lock(&reclaimer_lock);
	if (!WARN_ON_ONCE(rcu_access_pointer(reclaimer) != ops))
		RCU_INIT_POINTER(reclaimer, NULL);
	mutex_unlock(&reclaimer_lock);
	synchronize_srcu(&hook_srcu);
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
	mmtwin_fault_debugfs("fail_alloc", dir, &mmtwin_buddy_fail_alloc_attr);
}

/* Gives everything back; what is still handed out is leaked, loudly. */
static void return_all(void)
{
	unsigned long left;

	mmtwin_host_exit();
	mmtwin_buddy_control_free_all();
	buddy_drain_all(mmtwin_buddy);
	while (return_one())
		;
	mmtwin_host_flush();
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
	if (buddy_init(mmtwin_buddy, host_end_pfn())) {
		buddy_vfree(mmtwin_buddy);
		return -ENOMEM;
	}
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
	ret = mmtwin_host_init();
	if (ret)
		goto sysfs_exit;
	mmtwin_buddy_debugfs_init(mmtwin_buddy_twin.debugfs_dir);
	pr_info("mmtwin_buddy: %u MB in %d zone(s)\n", mmtwin_buddy_arena_mb(),
		mmtwin_buddy->nr_zones);
	return 0;

sysfs_exit:
	mmtwin_buddy_sysfs_exit(mmtwin_buddy_twin.kobj);
give_back:
	mmtwin_twin_unregister(&mmtwin_buddy_twin);
	return_all();
	return ret;
free_buddy:
	buddy_destroy(mmtwin_buddy);
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
