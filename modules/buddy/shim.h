/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few primitives the buddy core needs, from the kernel or, when the
 * core is built by tools/testing/buddy/, from the harness's stand-ins.
 * The core files include only this, internal.h and <mmtwin/buddy_types.h>.
 */
#ifndef _MMTWIN_BUDDY_SHIM_H
#define _MMTWIN_BUDDY_SHIM_H

#ifdef __KERNEL__

#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/oom.h>
#include <linux/sched/mm.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/topology.h>
#include <mmtwin/compat.h>

#include "trace.h"

#define BUDDY_MAX_ORDER		MAX_PAGE_ORDER
#define BUDDY_PB_ORDER		pageblock_order

/* pcp_allowed_order(): with THP, PMD-sized blocks have pcp lists too. */
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
#define BUDDY_PCP_THP_ORDER	HPAGE_PMD_ORDER
#define BUDDY_NR_PCP_THP	2	/* NR_PCP_THP: movable or not */
#else
#define BUDDY_PCP_THP_ORDER	0
#define BUDDY_NR_PCP_THP	0
#endif

#define buddy_lock_t		spinlock_t
#define buddy_lock_init(l)	spin_lock_init(l)
#define buddy_lock(l, f)	spin_lock_irqsave(l, f)
#define buddy_unlock(l, f)	spin_unlock_irqrestore(l, f)
#define buddy_assert_held(l)	lockdep_assert_held(l)
#ifdef __CHECKER__
/* Sparse follows no lock a trylock hands to its caller's caller. */
#define buddy_spin_trylock(l)	((void)(l), 1)
#else
#define buddy_spin_trylock(l)	spin_trylock(l)
#endif
#define buddy_spin_unlock(l)	spin_unlock(l)
/* pcpu_task_pin(): this CPU's lists stay this CPU's while they are used. */
#define buddy_pin_cpu()		preempt_disable()
#define buddy_unpin_cpu()	preempt_enable()

/* Per-CPU data: the pcp lists, like the kernel's per_cpu_pageset. */
#define buddy_percpu_alloc(t)	alloc_percpu(t)
#define buddy_percpu_free(p)	free_percpu(p)
#define buddy_per_cpu(p, cpu)	per_cpu_ptr(p, cpu)
#define buddy_this_cpu(p)	this_cpu_ptr(p)
#define buddy_raw_cpu(p)	raw_cpu_ptr(p)	/* a peek; may migrate */
#define buddy_for_each_cpu(c)	for_each_possible_cpu(c)
#define buddy_node_id()		numa_node_id()
#define buddy_node_cpus(nid)	cpumask_weight(cpumask_of_node(nid))
#define buddy_online_cpus()	num_online_cpus()

/* Zone indexes the core needs by name (enum zone_type). */
#ifdef CONFIG_ZONE_DMA
#define BUDDY_ZONE_DMA		ZONE_DMA
#else
#define BUDDY_ZONE_DMA		ZONE_DMA32	/* no DMA zone: same ratio */
#endif
#define BUDDY_ZONE_DMA32	ZONE_DMA32
#define BUDDY_ZONE_NORMAL	ZONE_NORMAL
#define BUDDY_ZONE_MOVABLE	ZONE_MOVABLE
#define buddy_gfp_zone(gfp)	gfp_zone(gfp)

/* post_alloc_hook(): zero on __GFP_ZERO, or always with init_on_alloc. */
#define buddy_want_init(gfp)	want_init_on_alloc(gfp)

/* ALLOC -> NONE and the like: returns the value found. */
#define buddy_cmpxchg(p, old, new)	cmpxchg(p, old, new)

/*
 * The allocator's entry points each start a 2 KiB-aligned section of
 * their own, so none of them (each under 2 KiB) straddles a page: the
 * benchmark runs under QEMU's TCG, which chains a jump to its target only
 * within a guest page, so a hot path across a page boundary pays a
 * lookup on every call (the kernel's alloc_pages() and __free_pages()
 * paths are laid out by the kernel's own link). Sections of their own, as
 * the slub twin's SLUB_HOT, because 6.1's objtool reports the jump the
 * assembler's padding inside one section starts with.
 */
#define BUDDY_HOT(fn)		__section(".text.mmtwin_buddy_hot." #fn)
#define BUDDY_HOT_ALIGN		2048

/* Where the userspace harness widens a race window; nothing here. */
#define buddy_race_window()	do { } while (0)

/* Reclaimers run with PF_MEMALLOC: they may dip, never recurse. */
#define buddy_reclaim_enter()	memalloc_noreclaim_save()
#define buddy_reclaim_exit(t)	memalloc_noreclaim_restore(t)
#define buddy_in_reclaim()	(!in_interrupt() && (current->flags & PF_MEMALLOC))
#define buddy_oom_victim()	(!in_interrupt() && tsk_is_oom_victim(current))

#define buddy_rcu_read_lock()	rcu_read_lock()
#define buddy_rcu_read_unlock()	rcu_read_unlock()
#define buddy_cond_resched()	cond_resched()
#define buddy_might_sleep()	might_sleep()

static inline void *buddy_vzalloc(size_t size)
{
	return kvzalloc(size, GFP_KERNEL);
}

static inline void buddy_vfree(void *p)
{
	kvfree(p);
}

static inline void buddy_zero_pfns(unsigned long pfn, unsigned long nr)
{
	unsigned long i;

	for (i = 0; i < nr; i++)
		clear_highpage(pfn_to_page(pfn + i));
}

/* Provided by the glue (main.c): fault injection and failure reports. */
bool mmtwin_buddy_fail_alloc(gfp_t gfp, unsigned int order);
void mmtwin_buddy_warn_alloc(gfp_t gfp, unsigned int order);
void mmtwin_buddy_bad_free(unsigned long pfn, unsigned int order, int state,
			   unsigned int frame_order);
#ifdef CONFIG_FAULT_INJECTION
/* Asked inline: the call is made only when the point is armed. */
extern struct fault_attr mmtwin_buddy_fail_alloc_attr;
#define buddy_should_fail(gfp, order) \
	(unlikely(mmtwin_fault_armed(&mmtwin_buddy_fail_alloc_attr)) && \
	 mmtwin_buddy_fail_alloc(gfp, order))
#else
static inline bool buddy_should_fail(gfp_t gfp, unsigned int order)
{
	return false;
}
#endif
#define buddy_report_fail(gfp, order)	mmtwin_buddy_warn_alloc(gfp, order)
#define buddy_report_bad_free(pfn, order, state, forder) \
	mmtwin_buddy_bad_free(pfn, order, state, forder)

/* Tracepoints with the kmem: field names (trace.h). */
#define buddy_trace_alloc(pfn, order, gfp, mt) \
	trace_mm_page_alloc(pfn, order, gfp, mt)
#define buddy_trace_free(pfn, order)	trace_mm_page_free(pfn, order)
#define buddy_trace_zone_locked(pfn, order, mt, refill) \
	trace_mm_page_alloc_zone_locked(pfn, order, mt, refill)
#define buddy_trace_pcpu_drain(pfn, order, mt) \
	trace_mm_page_pcpu_drain(pfn, order, mt)
#define buddy_trace_extfrag(pfn, ao, fo, amt, fmt, owned) \
	trace_mm_page_alloc_extfrag(pfn, ao, fo, amt, fmt, owned)

#else /* !__KERNEL__ */

#include "buddy_user_shim.h"	/* tools/testing/buddy/ */

#endif /* __KERNEL__ */

#define BUDDY_NR_ORDERS		(BUDDY_MAX_ORDER + 1)
#define BUDDY_CHUNK_PAGES	(1UL << BUDDY_MAX_ORDER)
#define BUDDY_PB_PAGES		(1UL << BUDDY_PB_ORDER)
#define BUDDY_PB_PER_CHUNK	(1UL << (BUDDY_MAX_ORDER - BUDDY_PB_ORDER))
#define BUDDY_COSTLY_ORDER	3	/* PAGE_ALLOC_COSTLY_ORDER */

#endif /* _MMTWIN_BUDDY_SHIM_H */
