/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TLB twin's decision core: what 6.12's arch/x86/mm/tlb.c decides on a
 * flush or a context switch, as pure functions over a per-CPU model. No
 * kernel structure is read here; the glue (feed.c) gathers the inputs.
 * Built unchanged in userspace by tools/testing/tlb/.
 */
#ifndef _MMTWIN_TLB_POLICY_H
#define _MMTWIN_TLB_POLICY_H

#include "shim.h"

/* TLB_NR_DYN_ASIDS in asm/tlbflush.h. */
#define TLBT_NR_ASIDS		6
/* TLB_FLUSH_ALL: also the "pages" of a full flush in tlb:tlb_flush. */
#define TLBT_FLUSH_ALL		(~0UL)
/* TLB_GENERATION_INVALID: batched and kernel flushes carry no generation. */
#define TLBT_GEN_INVALID	0
/* init_mm's ctx_id (INIT_MM_CONTEXT); every other mm gets 2 or more. */
#define TLBT_INIT_CTX_ID	1

/* enum tlb_flush_reason, in the order of include/linux/mm_types.h. */
enum tlbt_reason {
	TLBT_TASK_SWITCH,
	TLBT_REMOTE_SHOOTDOWN,
	TLBT_LOCAL_SHOOTDOWN,
	TLBT_LOCAL_MM_SHOOTDOWN,
	TLBT_SEND_IPI,
	TLBT_NR_REASONS,
};

/* One tlb:tlb_flush event, predicted or observed. */
struct tlbt_event {
	bool fires;		/* false: the path emits no event */
	int reason;		/* enum tlbt_reason */
	unsigned long pages;	/* TLBT_FLUSH_ALL for a full flush */
};

/* An mm as the core sees it: an identity and the two context fields. */
struct tlbt_mm {
	const void *id;		/* the mm_struct's address, never dereferenced */
	u64 ctx_id;		/* mm->context.ctx_id */
	u64 tlb_gen;		/* mm->context.tlb_gen, read now */
};

/* struct tlb_context: what an ASID slot last held, and how current it is. */
struct tlbt_ctx {
	u64 ctx_id;
	u64 tlb_gen;
};

/* The twin's cpu_tlbstate for one CPU. */
struct tlbt_cpu {
	bool synced;		/* false until the first switch is seen */
	const void *loaded_mm;
	u64 loaded_ctx_id;
	u16 loaded_mm_asid;
	u16 next_asid;
	bool invalidate_other;
	struct tlbt_ctx ctxs[TLBT_NR_ASIDS];
};

/* The request flush_tlb_mm_range() gets, and what it decides. */
struct tlbt_flush_req {
	unsigned long start, end;
	unsigned int stride_shift;
	bool freed_tables;
};

enum tlbt_path {
	TLBT_PATH_NONE,		/* no other CPU, mm not loaded here */
	TLBT_PATH_LOCAL,	/* flush_tlb_func() on this CPU only */
	TLBT_PATH_MULTI,	/* flush_tlb_multi() over mm_cpumask */
};

struct tlbt_plan {
	unsigned long start, end;	/* end == TLBT_FLUSH_ALL: full */
	enum tlbt_path path;
	bool trim_cpumask;
};

/* What the receiver (flush_tlb_func) is asked to do. */
struct tlbt_flush_info {
	const void *mm;		/* NULL: batched or kernel flush */
	unsigned long start, end;
	unsigned int stride_shift;
	u64 new_tlb_gen;
	bool local;		/* this CPU initiated it */
};

/* What flush_tlb_func() did. */
enum tlbt_action {
	TLBT_ACT_NONE,		/* returned early, no event */
	TLBT_ACT_LEAVE,		/* lazy: switched to init_mm instead */
	TLBT_ACT_CURRENT,	/* caught up already: event with 0 pages */
	TLBT_ACT_PARTIAL,
	TLBT_ACT_FULL,
};

/* The state a flush target is in, for should_flush_tlb(). */
struct tlbt_target {
	bool lazy;
	bool switching;		/* loaded_mm == LOADED_MM_SWITCHING */
	const void *loaded_mm;
};

bool tlbt_range_is_full(unsigned long ceiling, unsigned long start,
			unsigned long end, unsigned int stride_shift);
void tlbt_plan_flush(struct tlbt_plan *plan, const struct tlbt_flush_req *req,
		     unsigned long ceiling, bool others_in_mask,
		     bool loaded_here, bool trim_due);
unsigned long tlbt_ipi_pages(unsigned long start, unsigned long end);
struct tlbt_event tlbt_send_ipi_event(unsigned long start, unsigned long end);
bool tlbt_should_flush(const struct tlbt_target *t, const void *mm,
		       bool freed_tables, bool trim_cpumask);
bool tlbt_kernel_range_is_full(unsigned long ceiling, unsigned long start,
			       unsigned long end);

void tlbt_cpu_init(struct tlbt_cpu *c, const struct tlbt_mm *mm);
void tlbt_choose_new_asid(struct tlbt_cpu *c, bool pcid,
			  const struct tlbt_mm *next, u16 *new_asid,
			  bool *need_flush);
struct tlbt_event tlbt_switch_mm(struct tlbt_cpu *c, bool pcid, bool was_lazy,
				 const struct tlbt_mm *next);
enum tlbt_action tlbt_flush_func(struct tlbt_cpu *c, bool lazy,
				 const struct tlbt_flush_info *f,
				 u64 mm_tlb_gen, struct tlbt_event *ev);
void tlbt_invalidate_other(struct tlbt_cpu *c);

const char *tlbt_reason_name(int reason);

#endif /* _MMTWIN_TLB_POLICY_H */
