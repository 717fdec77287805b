/* SPDX-License-Identifier: GPL-2.0 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM mmtwin

#if !defined(_MMTWIN_TLB_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _MMTWIN_TLB_TRACE_H

#include <linux/tracepoint.h>

/*
 * One decision of the TLB twin next to the kernel's tlb:tlb_flush:
 * "pages" is the kernel's (0 when it emitted nothing), "predicted" the
 * twin's, both -1 for a full flush, as tlb:tlb_flush prints them.
 */
TRACE_EVENT(mmtwin_tlb_decision,
	TP_PROTO(int reason, unsigned long pages, unsigned long predicted,
		 bool will_fire, bool observed, bool agree, int cpu),
	TP_ARGS(reason, pages, predicted, will_fire, observed, agree, cpu),

	TP_STRUCT__entry(
		__field(int, reason)
		__field(unsigned long, pages)
		__field(unsigned long, predicted)
		__field(bool, will_fire)
		__field(bool, observed)
		__field(bool, agree)
		__field(int, cpu)
	),

	TP_fast_assign(
		__entry->reason = reason;
		__entry->pages = pages;
		__entry->predicted = predicted;
		__entry->will_fire = will_fire;
		__entry->observed = observed;
		__entry->agree = agree;
		__entry->cpu = cpu;
	),

	TP_printk("reason=%d pages=%ld predicted=%ld will_fire=%d observed=%d agree=%d cpu=%d",
		  __entry->reason, __entry->pages, __entry->predicted,
		  __entry->will_fire, __entry->observed, __entry->agree,
		  __entry->cpu)
);

#endif /* _MMTWIN_TLB_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
