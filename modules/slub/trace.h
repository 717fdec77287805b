/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SLUB twin's tracepoints: 6.12's kmem: object events under mmtwin:,
 * with the same fields, so one bpftrace script reads both. Pointers are
 * printed with %p (hashed) as the kernel's events print them.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM mmtwin

#if !defined(_MMTWIN_SLUB_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _MMTWIN_SLUB_TRACE_H

#include <linux/tracepoint.h>
#include <trace/events/mmflags.h>

/*
 * show_gfp_flags() expands to every flag name, and the format string
 * stringifies that expansion: with these events' other fields it passes
 * sparse's token limit. Sparse checks the events with the raw value.
 */
#ifdef __CHECKER__
#define slub_show_gfp(flags)	((void)(flags), "")
#else
#define slub_show_gfp(flags)	show_gfp_flags(flags)
#endif

TRACE_EVENT(kmem_cache_alloc,
	TP_PROTO(unsigned long call_site, const void *ptr, size_t bytes_req,
		 size_t bytes_alloc, gfp_t gfp_flags, int node, bool accounted),
	TP_ARGS(call_site, ptr, bytes_req, bytes_alloc, gfp_flags, node,
		accounted),

	TP_STRUCT__entry(
		__field(unsigned long,	call_site)
		__field(const void *,	ptr)
		__field(size_t,		bytes_req)
		__field(size_t,		bytes_alloc)
		__field(unsigned long,	gfp_flags)
		__field(int,		node)
		__field(bool,		accounted)
	),

	TP_fast_assign(
		__entry->call_site	= call_site;
		__entry->ptr		= ptr;
		__entry->bytes_req	= bytes_req;
		__entry->bytes_alloc	= bytes_alloc;
		__entry->gfp_flags	= (__force unsigned long)gfp_flags;
		__entry->node		= node;
		__entry->accounted	= accounted;
	),

	TP_printk("call_site=%pS ptr=%p bytes_req=%zu bytes_alloc=%zu gfp_flags=%s node=%d accounted=%s",
		  (void *)__entry->call_site, __entry->ptr, __entry->bytes_req,
		  __entry->bytes_alloc, slub_show_gfp(__entry->gfp_flags),
		  __entry->node, __entry->accounted ? "true" : "false")
);

TRACE_EVENT(kmalloc,
	TP_PROTO(unsigned long call_site, const void *ptr, size_t bytes_req,
		 size_t bytes_alloc, gfp_t gfp_flags, int node),
	TP_ARGS(call_site, ptr, bytes_req, bytes_alloc, gfp_flags, node),

	TP_STRUCT__entry(
		__field(unsigned long,	call_site)
		__field(const void *,	ptr)
		__field(size_t,		bytes_req)
		__field(size_t,		bytes_alloc)
		__field(unsigned long,	gfp_flags)
		__field(int,		node)
	),

	TP_fast_assign(
		__entry->call_site	= call_site;
		__entry->ptr		= ptr;
		__entry->bytes_req	= bytes_req;
		__entry->bytes_alloc	= bytes_alloc;
		__entry->gfp_flags	= (__force unsigned long)gfp_flags;
		__entry->node		= node;
	),

	TP_printk("call_site=%pS ptr=%p bytes_req=%zu bytes_alloc=%zu gfp_flags=%s node=%d accounted=%s",
		  (void *)__entry->call_site, __entry->ptr, __entry->bytes_req,
		  __entry->bytes_alloc, slub_show_gfp(__entry->gfp_flags),
		  __entry->node,
		  (__entry->gfp_flags & (__force unsigned long)__GFP_ACCOUNT) ?
		  "true" : "false")
);

TRACE_EVENT(kfree,
	TP_PROTO(unsigned long call_site, const void *ptr),
	TP_ARGS(call_site, ptr),

	TP_STRUCT__entry(
		__field(unsigned long,	call_site)
		__field(const void *,	ptr)
	),

	TP_fast_assign(
		__entry->call_site	= call_site;
		__entry->ptr		= ptr;
	),

	TP_printk("call_site=%pS ptr=%p",
		  (void *)__entry->call_site, __entry->ptr)
);

TRACE_EVENT(kmem_cache_free,
	TP_PROTO(unsigned long call_site, const void *ptr, const char *name),
	TP_ARGS(call_site, ptr, name),

	TP_STRUCT__entry(
		__field(unsigned long,	call_site)
		__field(const void *,	ptr)
		__string(name,		name)
	),

	TP_fast_assign(
		__entry->call_site	= call_site;
		__entry->ptr		= ptr;
		mmtwin_assign_str(name, name);
	),

	TP_printk("call_site=%pS ptr=%p name=%s",
		  (void *)__entry->call_site, __entry->ptr, __get_str(name))
);

#endif /* _MMTWIN_SLUB_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
