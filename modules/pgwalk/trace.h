/* SPDX-License-Identifier: GPL-2.0 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM mmtwin

#if !defined(_MMTWIN_PGWALK_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _MMTWIN_PGWALK_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(mmtwin_pgwalk_start,
	TP_PROTO(int pid, unsigned long start, unsigned long end),
	TP_ARGS(pid, start, end),

	TP_STRUCT__entry(
		__field(int, pid)
		__field(unsigned long, start)
		__field(unsigned long, end)
	),

	TP_fast_assign(
		__entry->pid = pid;
		__entry->start = start;
		__entry->end = end;
	),

	TP_printk("pid=%d start=0x%lx end=0x%lx",
		  __entry->pid, __entry->start, __entry->end)
);

TRACE_EVENT(mmtwin_pgwalk_end,
	TP_PROTO(int pid, unsigned long pages, unsigned long present,
		 unsigned long swap, unsigned long huge, unsigned long tables,
		 u64 ns, int err),
	TP_ARGS(pid, pages, present, swap, huge, tables, ns, err),

	TP_STRUCT__entry(
		__field(int, pid)
		__field(unsigned long, pages)
		__field(unsigned long, present)
		__field(unsigned long, swap)
		__field(unsigned long, huge)
		__field(unsigned long, tables)
		__field(u64, ns)
		__field(int, err)
	),

	TP_fast_assign(
		__entry->pid = pid;
		__entry->pages = pages;
		__entry->present = present;
		__entry->swap = swap;
		__entry->huge = huge;
		__entry->tables = tables;
		__entry->ns = ns;
		__entry->err = err;
	),

	TP_printk("pid=%d pages=%lu present=%lu swap=%lu huge=%lu tables=%lu ns=%llu err=%d",
		  __entry->pid, __entry->pages, __entry->present, __entry->swap,
		  __entry->huge, __entry->tables, __entry->ns, __entry->err)
);

#endif /* _MMTWIN_PGWALK_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
