// SPDX-License-Identifier: GPL-2.0
/*
 * The TLB twin's decision core. Each function is the twin of a decision in
 * 6.12's arch/x86/mm/tlb.c and is named after it; comments name the
 * kernel's function. The per-CPU model (struct tlbt_cpu) plays the part of
 * cpu_tlbstate, which a module cannot read.
 */
#include "policy.h"

/* flush_tlb_mm_range(): a range longer than the ceiling becomes a full flush. */
bool tlbt_range_is_full(unsigned long ceiling, unsigned long start,
			unsigned long end, unsigned int stride_shift)
{
	return end == TLBT_FLUSH_ALL ||
	       ((end - start) >> stride_shift) > ceiling;
}

/*
 * flush_tlb_mm_range(): IPIs only when another CPU is in mm_cpumask;
 * otherwise a direct local flush, and only if the mm is loaded here (a CPU
 * that is not using the mm has nothing of it to flush: its next switch to
 * the mm sees the new generation). @trim_due is should_trim_cpumask()'s
 * answer, asked only on the IPI path, as the kernel does.
 */
void tlbt_plan_flush(struct tlbt_plan *plan, const struct tlbt_flush_req *req,
		     unsigned long ceiling, bool others_in_mask,
		     bool loaded_here, bool trim_due)
{
	plan->start = req->start;
	plan->end = req->end;
	if (tlbt_range_is_full(ceiling, req->start, req->end,
			       req->stride_shift)) {
		plan->start = 0;
		plan->end = TLBT_FLUSH_ALL;
	}
	plan->trim_cpumask = false;
	if (others_in_mask) {
		plan->path = TLBT_PATH_MULTI;
		plan->trim_cpumask = trim_due;
	} else if (loaded_here) {
		plan->path = TLBT_PATH_LOCAL;
	} else {
		plan->path = TLBT_PATH_NONE;
	}
}
EXPORT_SYMBOL_IF_KUNIT(tlbt_plan_flush);

/*
 * native_flush_tlb_multi() counts pages in PAGE_SIZE units whatever the
 * stride: a 2 MiB THP unmap is 512 pages here but 1 in the receiver's event.
 */
unsigned long tlbt_ipi_pages(unsigned long start, unsigned long end)
{
	if (end == TLBT_FLUSH_ALL)
		return TLBT_FLUSH_ALL;
	return (end - start) >> PAGE_SHIFT;
}

struct tlbt_event tlbt_send_ipi_event(unsigned long start, unsigned long end)
{
	struct tlbt_event ev = {
		.fires	= true,
		.reason	= TLBT_SEND_IPI,
		.pages	= tlbt_ipi_pages(start, end),
	};

	return ev;
}

/*
 * native_flush_tlb_multi() + should_flush_tlb(): freed page tables reach
 * every CPU in the mask, lazy ones too (a speculative walk must not read
 * the freed tables); otherwise a lazy CPU flushes at its next switch, and a
 * CPU that has moved on to another mm is flushed only to trim the mask.
 */
bool tlbt_should_flush(const struct tlbt_target *t, const void *mm,
		       bool freed_tables, bool trim_cpumask)
{
	if (freed_tables)
		return true;
	if (t->lazy)
		return false;
	if (!mm || t->switching || t->loaded_mm == mm)
		return true;
	return trim_cpumask;
}
EXPORT_SYMBOL_IF_KUNIT(tlbt_should_flush);

/* flush_tlb_kernel_range(): the same ceiling, counted in bytes. */
bool tlbt_kernel_range_is_full(unsigned long ceiling, unsigned long start,
			       unsigned long end)
{
	return end == TLBT_FLUSH_ALL ||
	       (end - start) > (ceiling << PAGE_SHIFT);
}

/* initialize_tlbstate_and_flush(): @mm in ASID 0, the other slots empty. */
void tlbt_cpu_init(struct tlbt_cpu *c, const struct tlbt_mm *mm)
{
	memset(c, 0, sizeof(*c));
	c->synced = true;
	c->loaded_mm = mm->id;
	c->loaded_ctx_id = mm->ctx_id;
	c->next_asid = 1;
	c->ctxs[0].ctx_id = mm->ctx_id;
	c->ctxs[0].tlb_gen = mm->tlb_gen;
}
EXPORT_SYMBOL_IF_KUNIT(tlbt_cpu_init);

/* clear_asid_other(): every slot but the loaded one must flush on reuse. */
void tlbt_invalidate_other(struct tlbt_cpu *c)
{
	u16 asid;

	for (asid = 0; asid < TLBT_NR_ASIDS; asid++)
		if (asid != c->loaded_mm_asid)
			c->ctxs[asid].ctx_id = 0;
	c->invalidate_other = false;
}

/*
 * choose_new_asid(): without PCID there is one address space and every
 * switch flushes. With PCID, a slot still holding @next's ctx_id is reused
 * and flushed only if its generation is stale; otherwise the next slot in
 * round-robin order is taken over and flushed.
 */
void tlbt_choose_new_asid(struct tlbt_cpu *c, bool pcid,
			  const struct tlbt_mm *next, u16 *new_asid,
			  bool *need_flush)
{
	u16 asid;

	if (!pcid) {
		*new_asid = 0;
		*need_flush = true;
		return;
	}
	if (c->invalidate_other)
		tlbt_invalidate_other(c);

	for (asid = 0; asid < TLBT_NR_ASIDS; asid++) {
		if (c->ctxs[asid].ctx_id != next->ctx_id)
			continue;
		*new_asid = asid;
		*need_flush = c->ctxs[asid].tlb_gen < next->tlb_gen;
		return;
	}

	*new_asid = c->next_asid++;
	if (*new_asid >= TLBT_NR_ASIDS) {
		*new_asid = 0;
		c->next_asid = 1;
	}
	*need_flush = true;
}
EXPORT_SYMBOL_IF_KUNIT(tlbt_choose_new_asid);

/*
 * switch_mm_irqs_off(): a switch within the same mm is silent unless the
 * CPU was lazy and the mm's generation moved meanwhile; then, or on a real
 * switch that needs it, the slot takes the new generation and the event
 * says "all pages", else it says 0.
 */
struct tlbt_event tlbt_switch_mm(struct tlbt_cpu *c, bool pcid, bool was_lazy,
				 const struct tlbt_mm *next)
{
	struct tlbt_event ev = { .fires = false, .reason = TLBT_TASK_SWITCH };
	bool need_flush;
	u16 new_asid;

	if (c->loaded_mm == next->id) {
		if (!was_lazy ||
		    c->ctxs[c->loaded_mm_asid].tlb_gen == next->tlb_gen)
			return ev;
		new_asid = c->loaded_mm_asid;
		need_flush = true;
	} else {
		tlbt_choose_new_asid(c, pcid, next, &new_asid, &need_flush);
	}

	ev.fires = true;
	ev.pages = 0;
	if (need_flush) {
		c->ctxs[new_asid].ctx_id = next->ctx_id;
		c->ctxs[new_asid].tlb_gen = next->tlb_gen;
		ev.pages = TLBT_FLUSH_ALL;
	}
	c->loaded_mm = next->id;
	c->loaded_ctx_id = next->ctx_id;
	c->loaded_mm_asid = new_asid;
	return ev;
}
EXPORT_SYMBOL_IF_KUNIT(tlbt_switch_mm);

static int tlbt_flush_reason(const struct tlbt_flush_info *f)
{
	if (!f->local)
		return TLBT_REMOTE_SHOOTDOWN;
	return f->mm ? TLBT_LOCAL_MM_SHOOTDOWN : TLBT_LOCAL_SHOOTDOWN;
}

/*
 * flush_tlb_func(): the receiver's tlb_gen logic. Nothing when the CPU
 * already has the requested generation; a partial flush only when the
 * request is exactly the next generation and the newest one (anything else
 * could skip a full flush some other request needed); otherwise full.
 * @mm_tlb_gen is the loaded mm's tlb_gen, read as late as the kernel does.
 */
enum tlbt_action tlbt_flush_func(struct tlbt_cpu *c, bool lazy,
				 const struct tlbt_flush_info *f,
				 u64 mm_tlb_gen, struct tlbt_event *ev)
{
	u64 *local_gen = &c->ctxs[c->loaded_mm_asid].tlb_gen;

	ev->fires = false;
	if (!f->local && f->mm && f->mm != c->loaded_mm)
		return TLBT_ACT_NONE;
	if (c->loaded_ctx_id == TLBT_INIT_CTX_ID)
		return TLBT_ACT_NONE;
	if (lazy)
		return TLBT_ACT_LEAVE;
	if (f->new_tlb_gen != TLBT_GEN_INVALID && f->new_tlb_gen <= *local_gen)
		return TLBT_ACT_NONE;

	ev->fires = true;
	ev->reason = tlbt_flush_reason(f);
	ev->pages = 0;
	if (*local_gen == mm_tlb_gen)
		return TLBT_ACT_CURRENT;

	if (f->end != TLBT_FLUSH_ALL && f->new_tlb_gen == *local_gen + 1 &&
	    f->new_tlb_gen == mm_tlb_gen) {
		*local_gen = mm_tlb_gen;
		ev->pages = (f->end - f->start) >> f->stride_shift;
		return TLBT_ACT_PARTIAL;
	}
	*local_gen = mm_tlb_gen;
	ev->pages = TLBT_FLUSH_ALL;
	return TLBT_ACT_FULL;
}
EXPORT_SYMBOL_IF_KUNIT(tlbt_flush_func);

static const char *const tlbt_reason_names[TLBT_NR_REASONS] = {
	[TLBT_TASK_SWITCH]		= "task_switch",
	[TLBT_REMOTE_SHOOTDOWN]		= "remote_shootdown",
	[TLBT_LOCAL_SHOOTDOWN]		= "local_shootdown",
	[TLBT_LOCAL_MM_SHOOTDOWN]	= "local_mm_shootdown",
	[TLBT_SEND_IPI]			= "send_ipi",
};

const char *tlbt_reason_name(int reason)
{
	if (reason < 0 || reason >= TLBT_NR_REASONS)
		return "unknown";
	return tlbt_reason_names[reason];
}
