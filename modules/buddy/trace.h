/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The buddy twin's tracepoints: the kmem: page allocator events under
 * mmtwin:, with the same field names and types, so one bpftrace script
 * reads args->pfn, args->order, ... from both. Printed without the page
 * pointer: no kernel addresses in the output.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM mmtwin

#if !defined(_MMTWIN_BUDDY_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _MMTWIN_BUDDY_TRACE_H

#include <linux/tracepoint.h>
#include <trace/events/mmflags.h>

TRACE_EVENT(mm_page_free,
	TP_PROTO(unsigned long pfn, unsigned int order),
	TP_ARGS(pfn, order),

	TP_STRUCT__entry(
		__field(unsigned long,	pfn)
		__field(unsigned int,	order)
	),

	TP_fast_assign(
		__entry->pfn	= pfn;
		__entry->order	= order;
	),

	TP_printk("pfn=0x%lx order=%d", __entry->pfn, __entry->order)
);

TRACE_EVENT(mm_page_alloc,
	TP_PROTO(unsigned long pfn, unsigned int order, gfp_t gfp_flags,
		 int migratetype),
	TP_ARGS(pfn, order, gfp_flags, migratetype),

	TP_STRUCT__entry(
		__field(unsigned long,	pfn)
		__field(unsigned int,	order)
		__field(unsigned long,	gfp_flags)
		__field(int,		migratetype)
	),

	TP_fast_assign(
		__entry->pfn		= pfn;
		__entry->order		= order;
		__entry->gfp_flags	= (__force unsigned long)gfp_flags;
		__entry->migratetype	= migratetype;
	),

	TP_printk("pfn=0x%lx order=%d migratetype=%d gfp_flags=%s",
		  __entry->pfn, __entry->order, __entry->migratetype,
		  show_gfp_flags(__entry->gfp_flags))
);

DECLARE_EVENT_CLASS(mm_page,
	TP_PROTO(unsigned long pfn, unsigned int order, int migratetype,
		 int percpu_refill),
	TP_ARGS(pfn, order, migratetype, percpu_refill),

	TP_STRUCT__entry(
		__field(unsigned long,	pfn)
		__field(unsigned int,	order)
		__field(int,		migratetype)
		__field(int,		percpu_refill)
	),

	TP_fast_assign(
		__entry->pfn		= pfn;
		__entry->order		= order;
		__entry->migratetype	= migratetype;
		__entry->percpu_refill	= percpu_refill;
	),

	TP_printk("pfn=0x%lx order=%u migratetype=%d percpu_refill=%d",
		  __entry->pfn, __entry->order, __entry->migratetype,
		  __entry->percpu_refill)
);

DEFINE_EVENT(mm_page, mm_page_alloc_zone_locked,
	TP_PROTO(unsigned long pfn, unsigned int order, int migratetype,
		 int percpu_refill),
	TP_ARGS(pfn, order, migratetype, percpu_refill)
);

TRACE_EVENT(mm_page_pcpu_drain,
	TP_PROTO(unsigned long pfn, unsigned int order, int migratetype),
	TP_ARGS(pfn, order, migratetype),

	TP_STRUCT__entry(
		__field(unsigned long,	pfn)
		__field(unsigned int,	order)
		__field(int,		migratetype)
	),

	TP_fast_assign(
		__entry->pfn		= pfn;
		__entry->order		= order;
		__entry->migratetype	= migratetype;
	),

	TP_printk("pfn=0x%lx order=%d migratetype=%d", __entry->pfn,
		  __entry->order, __entry->migratetype)
);

TRACE_EVENT(mm_page_alloc_extfrag,
	TP_PROTO(unsigned long pfn, int alloc_order, int fallback_order,
		 int alloc_migratetype, int fallback_migratetype,
		 int change_ownership),
	TP_ARGS(pfn, alloc_order, fallback_order, alloc_migratetype,
		fallback_migratetype, change_ownership),

	TP_STRUCT__entry(
		__field(unsigned long,	pfn)
		__field(int,		alloc_order)
		__field(int,		fallback_order)
		__field(int,		alloc_migratetype)
		__field(int,		fallback_migratetype)
		__field(int,		change_ownership)
	),

	TP_fast_assign(
		__entry->pfn			= pfn;
		__entry->alloc_order		= alloc_order;
		__entry->fallback_order		= fallback_order;
		__entry->alloc_migratetype	= alloc_migratetype;
		__entry->fallback_migratetype	= fallback_migratetype;
		__entry->change_ownership	= change_ownership;
	),

	TP_printk("pfn=0x%lx alloc_order=%d fallback_order=%d pageblock_order=%d alloc_migratetype=%d fallback_migratetype=%d fragmenting=%d change_ownership=%d",
		  __entry->pfn, __entry->alloc_order, __entry->fallback_order,
		  pageblock_order, __entry->alloc_migratetype,
		  __entry->fallback_migratetype,
		  __entry->fallback_order < pageblock_order,
		  __entry->change_ownership)
);

#endif /* _MMTWIN_BUDDY_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
