// SPDX-License-Identifier: GPL-2.0
/*
 * The live feed: kretprobes on the functions of arch/x86/mm/tlb.c that
 * decide, and probes on tlb:tlb_flush and sched:sched_switch. Each probed
 * call opens a frame holding the policy core's prediction; the events the
 * kernel emits inside it are matched against that prediction.
 *
 * Every handler runs with interrupts off (they are saved here when the
 * probed function runs with them on) and touches only per-CPU data, except
 * the target bits a receiver clears in its initiator's record, which are
 * atomic. Nothing here allocates.
 */
#include <linux/cpumask.h>
#include <linux/jiffies.h>
#include <linux/kprobes.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <linux/uaccess.h>
#include <asm/cpufeature.h>
#include <asm/tlbbatch.h>

#include "internal.h"
#include "kernel.h"
#include "trace.h"

DEFINE_PER_CPU(struct tlbt_pcpu, tlbt_pcpu);

bool tlbt_pcid;
/*
 * tlb_single_page_flush_ceiling is not exported, and its debugfs file has
 * no read_iter for kernel_read(): the twin starts from the kernel's
 * default and follows every write to the file from the time it is loaded.
 */
unsigned long tlbt_ceiling = 33;

/*
 * poking_mm is not exported: it is learned as the mm a task switches to
 * that is not its own (use_temporary_mm()). Its events are the text
 * patching that arming a probe causes, so they are modelled, not counted.
 */
static const void *tlbt_poking_mm;

static DEFINE_MUTEX(tlbt_arm_lock);
static bool tlbt_armed;

static bool tlbt_filtered(const struct tlbt_pcpu *p, const void *mm)
{
	const void *poking = READ_ONCE(tlbt_poking_mm);

	return poking && (mm == poking || p->model.loaded_mm == poking);
}

static void tlbt_mm_read(struct tlbt_mm *out, struct mm_struct *mm)
{
	out->id = mm;
	out->ctx_id = mm->context.ctx_id;
	out->tlb_gen = atomic64_read(&mm->context.tlb_gen);
}

static struct tlbt_frame *tlbt_push(struct tlbt_pcpu *p, u8 kind)
{
	struct tlbt_frame *f;

	if (p->depth >= TLBT_MAX_DEPTH) {
		p->depth++;
		return NULL;
	}
	f = &p->frames[p->depth++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	return f;
}

static struct tlbt_frame *tlbt_top(struct tlbt_pcpu *p)
{
	if (p->depth <= 0 || p->depth > TLBT_MAX_DEPTH)
		return NULL;
	return &p->frames[p->depth - 1];
}

static void tlbt_emit(int reason, const struct tlbt_event *pred,
		      const struct tlbt_event *seen, bool agree)
{
	trace_mmtwin_tlb_decision(reason, seen->fires ? seen->pages : 0,
				  pred->fires ? pred->pages : 0, pred->fires,
				  seen->fires, agree, smp_processor_id());
}

/* A frame ends: a predicted event that never came is a mismatch. */
static void tlbt_pop(struct tlbt_pcpu *p)
{
	struct tlbt_event none = { .fires = false };
	struct tlbt_frame *f = tlbt_top(p);

	p->depth--;
	if (!f || !f->counted || f->consumed)
		return;
	if (f->pred.fires) {
		tlbt_count(p, f->pred.reason, true, false, false);
		tlbt_record_mismatch(p, f->pred.reason, &f->pred, &none);
		p->model.synced = false;
	} else {
		tlbt_count(p, TLBT_ROW_SILENT, true, true, true);
	}
	tlbt_emit(f->pred.reason, &f->pred, &none, !f->pred.fires);
}

static void tlbt_pop_to(struct tlbt_pcpu *p, int depth)
{
	while (p->depth > depth)
		tlbt_pop(p);
}

/*
 * Without PCID, a switch that flushed leaves exactly one known slot: the
 * twin takes the kernel's word for it, which is how it gets in sync.
 */
static void tlbt_resync(struct tlbt_pcpu *p, const struct tlbt_frame *f)
{
	if (tlbt_pcid || f->kind != TLBT_FRAME_SWITCH)
		return;
	if (!p->model.synced)
		p->misc.resyncs++;
	tlbt_cpu_init(&p->model, &f->next);
	p->model.next_asid = 1;
}

static void tlbt_match(struct tlbt_pcpu *p, struct tlbt_frame *f,
		       const struct tlbt_event *seen)
{
	const struct tlbt_event *pred = &f->pred;
	bool agree;

	agree = pred->fires && pred->reason == seen->reason &&
		pred->pages == seen->pages;
	if (agree) {
		tlbt_count(p, seen->reason, true, true, true);
	} else {
		tlbt_count(p, pred->fires ? pred->reason : TLBT_ROW_SILENT,
			   true, false, false);
		tlbt_count(p, seen->reason, false, true, false);
		tlbt_record_mismatch(p, seen->reason, pred, seen);
		p->model.synced = false;
	}
	tlbt_emit(seen->reason, pred, seen, agree);
}

/* tlb:tlb_flush: the kernel's decision, matched to the innermost frame. */
static void tlbt_on_tlb_flush(void *data, int reason, unsigned long pages)
{
	struct tlbt_event seen = { true, reason, pages };
	struct tlbt_frame *f;
	struct tlbt_pcpu *p;
	unsigned long flags;

	local_irq_save(flags);
	p = this_cpu_ptr(&tlbt_pcpu);
	f = tlbt_top(p);
	if (!f) {
		p->misc.unframed++;
	} else if (f->filtered) {
		p->misc.filtered++;
	} else if (f->consumed) {
		tlbt_count(p, reason, false, true, false);
		tlbt_record_mismatch(p, reason, &f->pred, &seen);
	} else {
		f->consumed = true;
		if (f->counted)
			tlbt_match(p, f, &seen);
		else
			p->misc.unsynced++;
	}
	if (f && reason == TLBT_TASK_SWITCH && pages == TLBT_FLUSH_ALL)
		tlbt_resync(p, f);
	local_irq_restore(flags);
}

static void tlbt_on_sched_switch(void *data, bool preempt,
				 struct task_struct *prev,
				 struct task_struct *next,
				 unsigned int prev_state)
{
	this_cpu_inc(tlbt_pcpu.misc.switches);
}

/* Saved at a kretprobe's entry: where the frame stack stood, and the CPU. */
struct tlbt_ri {
	int depth;
	int cpu;
	const void *mm;
	int ceiling;
};

static struct tlbt_ri *tlbt_ri(struct kretprobe_instance *ri)
{
	return (struct tlbt_ri *)ri->data;
}

static struct tlbt_pcpu *tlbt_enter(struct kretprobe_instance *ri)
{
	struct tlbt_pcpu *p = this_cpu_ptr(&tlbt_pcpu);

	tlbt_ri(ri)->depth = p->depth;
	tlbt_ri(ri)->cpu = smp_processor_id();
	return p;
}

static int tlbt_frame_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	unsigned long flags;

	local_irq_save(flags);
	if (tlbt_ri(ri)->cpu == smp_processor_id())
		tlbt_pop_to(this_cpu_ptr(&tlbt_pcpu), tlbt_ri(ri)->depth);
	local_irq_restore(flags);
	return 0;
}

/* switch_mm_irqs_off(unused, next, tsk) */
static int tlbt_switch_entry(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	struct mm_struct *next = (struct mm_struct *)regs->si;
	struct task_struct *tsk = (struct task_struct *)regs->dx;
	struct tlbt_pcpu *p;
	struct tlbt_frame *f;
	unsigned long flags;
	bool was_lazy;

	local_irq_save(flags);
	p = tlbt_enter(ri);
	f = tlbt_push(p, TLBT_FRAME_SWITCH);
	if (f) {
		tlbt_mm_read(&f->next, next);
		if (tsk && tsk->mm != next &&
		    f->next.ctx_id != TLBT_INIT_CTX_ID)
			WRITE_ONCE(tlbt_poking_mm, next);
		was_lazy = this_cpu_read(cpu_tlbstate_shared.is_lazy);
		f->filtered = tlbt_filtered(p, next);
		f->counted = p->model.synced && !tlbt_pcid && !f->filtered;
		p->in = (struct tlbt_inputs){
			.local_gen = p->model.ctxs[p->model.loaded_mm_asid].tlb_gen,
			.mm_gen = f->next.tlb_gen,
			.lazy = was_lazy,
		};
		f->pred = tlbt_switch_mm(&p->model, tlbt_pcid, was_lazy,
					 &f->next);
	}
	local_irq_restore(flags);
	return 0;
}

/*
 * A receiver checks itself off its initiator's target list. The initiator
 * waits for every receiver (wait=1), so its record is stable meanwhile.
 */
static void tlbt_check_target(struct tlbt_pcpu *p, int cpu,
			      struct tlbt_initiator *init)
{
	struct tlbt_event pred = { true, TLBT_REMOTE_SHOOTDOWN, 0 };
	struct tlbt_event seen = pred;
	bool expected;

	if (!READ_ONCE(init->valid) || READ_ONCE(init->seen) != TLBT_PATH_MULTI)
		return;
	expected = test_and_clear_bit(cpu, &init->targets);
	if (test_bit(cpu, &init->uncertain) || !init->counted)
		return;
	tlbt_count(p, TLBT_ROW_TARGETS, expected, true, expected);
	if (!expected) {
		pred.fires = false;
		tlbt_record_mismatch(p, TLBT_ROW_TARGETS, &pred, &seen);
	}
}

/* The local call of flush_tlb_mm_range(): the twin's range, not the kernel's. */
static void tlbt_local_plan(struct tlbt_pcpu *p,
			    const struct tlbt_kernel_flush_info *ki,
			    struct tlbt_flush_info *fi)
{
	struct tlbt_initiator *init = &p->init;

	if (!init->valid || init->mm != ki->mm)
		return;
	if (init->seen == TLBT_PATH_NONE)
		init->seen = TLBT_PATH_LOCAL;
	if (!init->batched && ki->stride_shift != init->req.stride_shift)
		p->misc.layout_errors++;
	fi->start = init->plan.start;
	fi->end = init->plan.end;
}

/* The loaded mm's tlb_gen, as flush_tlb_func() reads it. */
static u64 tlbt_loaded_gen(const struct tlbt_pcpu *p,
			   const struct tlbt_kernel_flush_info *ki)
{
	struct mm_struct *mm = (struct mm_struct *)p->model.loaded_mm;
	s64 gen = 0;

	if (ki->mm && ki->mm == mm)
		return atomic64_read(&ki->mm->context.tlb_gen);
	/* The model may be stale: never trust its pointer to be live. */
	if (mm && get_kernel_nofault(gen, &mm->context.tlb_gen.counter))
		gen = 0;
	return gen;
}

/* What flush_tlb_func() adds to the nr_tlb_* vmstat counters. */
static void tlbt_count_vmstat(struct tlbt_pcpu *p,
			      const struct tlbt_flush_info *fi,
			      enum tlbt_action act, unsigned long pages)
{
	if (!fi->local)
		p->misc.vm_remote_received++;
	else if (act == TLBT_ACT_PARTIAL)
		p->misc.vm_local_one += pages;
	else if (act == TLBT_ACT_FULL)
		p->misc.vm_local_all++;
}

/* flush_tlb_func(info) */
static int tlbt_flush_func_entry(struct kretprobe_instance *ri,
				 struct pt_regs *regs)
{
	const struct tlbt_kernel_flush_info *ki = (void *)regs->di;
	struct tlbt_flush_info fi;
	enum tlbt_action act;
	struct tlbt_pcpu *p;
	struct tlbt_frame *f;
	unsigned long flags;
	bool lazy;
	int cpu;

	local_irq_save(flags);
	p = tlbt_enter(ri);
	cpu = smp_processor_id();
	f = tlbt_push(p, TLBT_FRAME_FLUSH_FUNC);
	if (!f)
		goto out;
	if (ki->initiating_cpu >= nr_cpu_ids) {
		p->misc.layout_errors++;
		goto out;
	}
	fi = (struct tlbt_flush_info){
		.mm = ki->mm, .start = ki->start, .end = ki->end,
		.stride_shift = ki->stride_shift,
		.new_tlb_gen = ki->new_tlb_gen,
		.local = ki->initiating_cpu == cpu,
	};
	if (fi.local)
		tlbt_local_plan(p, ki, &fi);
	tlbt_check_target(p, cpu,
			  &per_cpu_ptr(&tlbt_pcpu, ki->initiating_cpu)->init);

	lazy = this_cpu_read(cpu_tlbstate_shared.is_lazy);
	f->filtered = tlbt_filtered(p, ki->mm);
	f->counted = p->model.synced && !tlbt_pcid && !f->filtered;
	p->in = (struct tlbt_inputs){
		.start = fi.start, .end = fi.end,
		.local_gen = p->model.ctxs[p->model.loaded_mm_asid].tlb_gen,
		.mm_gen = tlbt_loaded_gen(p, ki),
		.new_gen = fi.new_tlb_gen, .lazy = lazy,
	};
	act = tlbt_flush_func(&p->model, lazy, &fi, p->in.mm_gen, &f->pred);
	tlbt_count_vmstat(p, &fi, act, f->pred.pages);
out:
	local_irq_restore(flags);
	return 0;
}

/* Which CPUs of @mask the twin expects native_flush_tlb_multi() to flush. */
static void tlbt_predict_targets(struct tlbt_initiator *init,
				 const struct cpumask *mask,
				 const struct tlbt_kernel_flush_info *ki)
{
	unsigned long targets = 0, uncertain = 0;
	int cpu;

	for_each_cpu(cpu, mask) {
		struct tlbt_pcpu *tp = per_cpu_ptr(&tlbt_pcpu, cpu);
		struct tlbt_target t = {
			.lazy = per_cpu(cpu_tlbstate_shared.is_lazy, cpu),
			.loaded_mm = READ_ONCE(tp->model.loaded_mm),
		};
		int depth = READ_ONCE(tp->depth);

		/* Inside a switch, loaded_mm may read LOADED_MM_SWITCHING. */
		if (!READ_ONCE(tp->model.synced) ||
		    (depth > 0 && depth <= TLBT_MAX_DEPTH &&
		     READ_ONCE(tp->frames[depth - 1].kind) == TLBT_FRAME_SWITCH))
			__set_bit(cpu, &uncertain);
		if (tlbt_should_flush(&t, ki->mm, ki->freed_tables,
				      init->plan.trim_cpumask))
			__set_bit(cpu, &targets);
	}
	WRITE_ONCE(init->uncertain, uncertain);
	WRITE_ONCE(init->targets, targets);
}

/* native_flush_tlb_multi(cpumask, info) */
static int tlbt_multi_entry(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	const struct cpumask *mask = (const struct cpumask *)regs->di;
	const struct tlbt_kernel_flush_info *ki = (void *)regs->si;
	struct tlbt_initiator *init;
	struct tlbt_pcpu *p;
	struct tlbt_frame *f;
	unsigned long flags;

	local_irq_save(flags);
	p = tlbt_enter(ri);
	init = &p->init;
	p->misc.vm_remote_flush++;
	f = tlbt_push(p, TLBT_FRAME_MULTI);
	if (!f)
		goto out;
	if (!init->valid || init->mm != ki->mm) {
		/* No initiator seen (a probe armed mid-call): not counted. */
		f->pred = tlbt_send_ipi_event(ki->start, ki->end);
		goto out;
	}
	init->seen = TLBT_PATH_MULTI;
	f->filtered = tlbt_filtered(p, ki->mm);
	f->counted = init->counted && !f->filtered;
	p->in = (struct tlbt_inputs){ .start = init->plan.start,
				      .end = init->plan.end };
	f->pred = tlbt_send_ipi_event(init->plan.start, init->plan.end);
	tlbt_predict_targets(init, mask, ki);
out:
	local_irq_restore(flags);
	return 0;
}

/* Every predicted target has run flush_tlb_func() by now (wait=1). */
static int tlbt_multi_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct tlbt_event pred = { true, TLBT_REMOTE_SHOOTDOWN, 0 };
	struct tlbt_event none = { .fires = false };
	struct tlbt_pcpu *p = this_cpu_ptr(&tlbt_pcpu);
	struct tlbt_initiator *init = &p->init;
	unsigned long flags, missed;
	int cpu;

	local_irq_save(flags);
	if (init->valid && init->counted && init->seen == TLBT_PATH_MULTI) {
		missed = READ_ONCE(init->targets) & ~READ_ONCE(init->uncertain);
		for_each_set_bit(cpu, &missed, BITS_PER_LONG) {
			tlbt_count(p, TLBT_ROW_TARGETS, true, false, false);
			tlbt_record_mismatch(p, TLBT_ROW_TARGETS, &pred, &none);
		}
		WRITE_ONCE(init->targets, 0);
	}
	local_irq_restore(flags);
	return tlbt_frame_ret(ri, regs);
}

static void tlbt_initiate(struct tlbt_pcpu *p, const void *mm, bool others,
			  bool loaded_here, bool trim_due)
{
	struct tlbt_initiator *init = &p->init;

	tlbt_plan_flush(&init->plan, &init->req, READ_ONCE(tlbt_ceiling),
			others, loaded_here, trim_due);
	init->mm = mm;
	init->seen = TLBT_PATH_NONE;
	init->targets = 0;
	init->uncertain = 0;
	init->counted = p->model.synced && !tlbt_pcid &&
			!tlbt_filtered(p, mm);
	init->valid = true;
}

/* flush_tlb_mm_range(mm, start, end, stride_shift, freed_tables) */
static int tlbt_range_entry(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	struct mm_struct *mm = (struct mm_struct *)regs->di;
	int cpu = smp_processor_id();
	struct tlbt_pcpu *p;
	unsigned long flags;
	bool others, trim_due;

	local_irq_save(flags);
	p = tlbt_enter(ri);
	tlbt_ri(ri)->mm = mm;
	p->init.batched = false;
	p->init.req = (struct tlbt_flush_req){
		.start = regs->si, .end = regs->dx,
		.stride_shift = regs->cx, .freed_tables = regs->r8 & 1,
	};
	others = cpumask_any_but(mm_cpumask(mm), cpu) < nr_cpu_ids;
	/* should_trim_cpumask() is inlined: the same jiffies test. */
	trim_due = time_after(jiffies, READ_ONCE(mm->context.next_trim_cpumask));
	tlbt_initiate(p, mm, others, p->model.loaded_mm == mm, trim_due);
	local_irq_restore(flags);
	return 0;
}

/* arch_tlbbatch_flush(batch): mm NULL, always a full flush. */
static int tlbt_batch_entry(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	struct arch_tlbflush_unmap_batch *batch = (void *)regs->di;
	int cpu = smp_processor_id();
	struct tlbt_pcpu *p;
	unsigned long flags;

	local_irq_save(flags);
	p = tlbt_enter(ri);
	tlbt_ri(ri)->mm = NULL;
	p->init.batched = true;
	p->init.req = (struct tlbt_flush_req){ .end = TLBT_FLUSH_ALL };
	tlbt_initiate(p, NULL, cpumask_any_but(&batch->cpumask, cpu) < nr_cpu_ids,
		      cpumask_test_cpu(cpu, &batch->cpumask), false);
	local_irq_restore(flags);
	return 0;
}

/* The initiator returns: did the kernel take the path the twin planned? */
static int tlbt_initiator_ret(struct kretprobe_instance *ri,
			      struct pt_regs *regs)
{
	struct tlbt_pcpu *p = this_cpu_ptr(&tlbt_pcpu);
	struct tlbt_initiator *init = &p->init;
	struct tlbt_event pred = { true, TLBT_ROW_PATH, 0 }, seen = pred;
	unsigned long flags;
	bool agree;

	local_irq_save(flags);
	if (tlbt_ri(ri)->cpu != smp_processor_id() || !init->valid ||
	    init->mm != tlbt_ri(ri)->mm)
		goto out;
	init->valid = false;
	if (!init->counted)
		goto out;
	agree = init->seen == init->plan.path;
	tlbt_count(p, TLBT_ROW_PATH, true, true, agree);
	if (!agree) {
		pred.pages = init->plan.path;
		seen.pages = init->seen;
		tlbt_record_mismatch(p, TLBT_ROW_PATH, &pred, &seen);
	}
out:
	local_irq_restore(flags);
	return 0;
}

/* flush_tlb_kernel_range(start, end): no tracepoint, so two kprobes tell. */
static int tlbt_kernel_range_pre(struct kprobe *kp, struct pt_regs *regs)
{
	bool full = tlbt_kernel_range_is_full(READ_ONCE(tlbt_ceiling),
					      regs->di, regs->si);

	this_cpu_write(tlbt_pcpu.kernel_range, full);
	return 0;
}

static void tlbt_kernel_flush_seen(bool full)
{
	struct tlbt_pcpu *p;
	unsigned long flags;
	int expected;

	local_irq_save(flags);
	p = this_cpu_ptr(&tlbt_pcpu);
	expected = p->kernel_range;
	if (expected >= 0) {
		struct tlbt_event pred = { true, TLBT_ROW_KERNEL, expected };
		struct tlbt_event seen = { true, TLBT_ROW_KERNEL, full };

		p->kernel_range = -1;
		tlbt_count(p, TLBT_ROW_KERNEL, true, true, expected == full);
		if (expected != full)
			tlbt_record_mismatch(p, TLBT_ROW_KERNEL, &pred, &seen);
	}
	local_irq_restore(flags);
}

/*
 * flush_tlb_all(): nr_tlb_remote_flush counted by the caller, outside
 * native_flush_tlb_multi(); its receivers are do_flush_tlb_all()'s.
 * set_memory's cpa_flush() and large-page splits call it.
 */
static int tlbt_flush_all_pre(struct kprobe *kp, struct pt_regs *regs)
{
	this_cpu_inc(tlbt_pcpu.misc.vm_remote_flush);
	return 0;
}

static int tlbt_kernel_all_pre(struct kprobe *kp, struct pt_regs *regs)
{
	this_cpu_inc(tlbt_pcpu.misc.vm_remote_received);
	tlbt_kernel_flush_seen(true);
	return 0;
}

static int tlbt_kernel_one_pre(struct kprobe *kp, struct pt_regs *regs)
{
	const struct tlbt_kernel_flush_info *ki = (void *)regs->di;

	this_cpu_add(tlbt_pcpu.misc.vm_local_one,
		     DIV_ROUND_UP(ki->end - ki->start, PAGE_SIZE));
	tlbt_kernel_flush_seen(false);
	return 0;
}

/*
 * tlbflush_write_file(): the kernel's ceiling changes. Parsed at entry as
 * the kernel parses it, applied at return if the kernel accepted it.
 */
static int tlbt_ceiling_entry(struct kretprobe_instance *ri,
			      struct pt_regs *regs)
{
	const char __user *ubuf = (const char __user *)regs->si;
	size_t len = min_t(size_t, regs->dx, 31);
	char buf[32];
	int ceiling;

	tlbt_ri(ri)->ceiling = -1;
	if (copy_from_user_nofault(buf, ubuf, len))
		return 0;
	buf[len] = '\0';
	if (!kstrtoint(buf, 0, &ceiling) && ceiling >= 0)
		tlbt_ri(ri)->ceiling = ceiling;
	return 0;
}

static int tlbt_ceiling_ret(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	if ((long)regs_return_value(regs) > 0 && tlbt_ri(ri)->ceiling >= 0)
		WRITE_ONCE(tlbt_ceiling, tlbt_ri(ri)->ceiling);
	return 0;
}

#define TLBT_KRETPROBE(sym, entry, ret) {				\
	.kp.symbol_name	= sym,						\
	.entry_handler	= entry,					\
	.handler	= ret,						\
	.data_size	= sizeof(struct tlbt_ri),			\
	.maxactive	= 64,						\
}

static struct kretprobe tlbt_krps[] = {
	TLBT_KRETPROBE("switch_mm_irqs_off", tlbt_switch_entry, tlbt_frame_ret),
	TLBT_KRETPROBE("flush_tlb_func", tlbt_flush_func_entry, tlbt_frame_ret),
	TLBT_KRETPROBE("native_flush_tlb_multi", tlbt_multi_entry,
		       tlbt_multi_ret),
	TLBT_KRETPROBE("flush_tlb_mm_range", tlbt_range_entry,
		       tlbt_initiator_ret),
	TLBT_KRETPROBE("arch_tlbbatch_flush", tlbt_batch_entry,
		       tlbt_initiator_ret),
	TLBT_KRETPROBE("tlbflush_write_file", tlbt_ceiling_entry,
		       tlbt_ceiling_ret),
};

static struct kprobe tlbt_kps[] = {
	{ .symbol_name = "flush_tlb_kernel_range",
	  .pre_handler = tlbt_kernel_range_pre },
	{ .symbol_name = "do_flush_tlb_all", .pre_handler = tlbt_kernel_all_pre },
	{ .symbol_name = "flush_tlb_all", .pre_handler = tlbt_flush_all_pre },
	{ .symbol_name = "do_kernel_range_flush",
	  .pre_handler = tlbt_kernel_one_pre },
};

static struct kretprobe *tlbt_krp_ptrs[ARRAY_SIZE(tlbt_krps)];
static struct kprobe *tlbt_kp_ptrs[ARRAY_SIZE(tlbt_kps)];

struct tlbt_tp {
	const char *name;
	void *probe;
	struct tracepoint *tp;
};

static struct tlbt_tp tlbt_tps[] = {
	{ "tlb_flush", tlbt_on_tlb_flush },
	{ "sched_switch", tlbt_on_sched_switch },
};

struct tlbt_tp_query {
	const char *name;
	struct tracepoint *tp;
};

static void tlbt_match_tp(struct tracepoint *tp, void *priv)
{
	struct tlbt_tp_query *q = priv;

	if (!strcmp(tp->name, q->name))
		q->tp = tp;
}

/* Built-in tracepoints a module cannot name: found by walking them all. */
struct tracepoint *tlbt_find_tracepoint(const char *name)
{
	struct tlbt_tp_query q = { name, NULL };

	for_each_kernel_tracepoint(tlbt_match_tp, &q);
	return q.tp;
}

static void tlbt_tp_unregister(int n)
{
	while (n-- > 0)
		tracepoint_probe_unregister(tlbt_tps[n].tp, tlbt_tps[n].probe,
					    NULL);
	tracepoint_synchronize_unregister();
}

static int tlbt_tp_register(void)
{
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(tlbt_tps); i++) {
		tlbt_tps[i].tp = tlbt_find_tracepoint(tlbt_tps[i].name);
		ret = -ENOENT;
		if (tlbt_tps[i].tp)
			ret = tracepoint_probe_register(tlbt_tps[i].tp,
							tlbt_tps[i].probe,
							NULL);
		if (ret) {
			pr_err("mmtwin_tlb: cannot attach to %s: %d\n",
			       tlbt_tps[i].name, ret);
			tlbt_tp_unregister(i);
			return ret;
		}
	}
	return 0;
}

static void tlbt_reset_cpus(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct tlbt_pcpu *p = per_cpu_ptr(&tlbt_pcpu, cpu);

		memset(p, 0, sizeof(*p));
		p->kernel_range = -1;
	}
}

/* A kprobe can be registered again only from a clean struct. */
static void tlbt_kprobe_reset(struct kprobe *kp, kprobe_pre_handler_t pre)
{
	const char *sym = kp->symbol_name;

	memset(kp, 0, sizeof(*kp));
	kp->symbol_name = sym;
	kp->pre_handler = pre;
}

int tlbt_feed_arm(void)
{
	int i, ret;

	mutex_lock(&tlbt_arm_lock);
	ret = 0;
	if (tlbt_armed)
		goto out;
	tlbt_pcid = boot_cpu_has(X86_FEATURE_PCID);
	tlbt_reset_cpus();
	for (i = 0; i < ARRAY_SIZE(tlbt_krps); i++) {
		tlbt_kprobe_reset(&tlbt_krps[i].kp, NULL);
		tlbt_krps[i].nmissed = 0;
	}
	for (i = 0; i < ARRAY_SIZE(tlbt_kps); i++)
		tlbt_kprobe_reset(&tlbt_kps[i], tlbt_kps[i].pre_handler);
	ret = tlbt_tp_register();
	if (ret)
		goto out;
	ret = register_kretprobes(tlbt_krp_ptrs, ARRAY_SIZE(tlbt_krps));
	if (ret)
		goto out_tp;
	ret = register_kprobes(tlbt_kp_ptrs, ARRAY_SIZE(tlbt_kps));
	if (ret)
		goto out_krp;
	tlbt_armed = true;
	goto out;
out_krp:
	unregister_kretprobes(tlbt_krp_ptrs, ARRAY_SIZE(tlbt_krps));
out_tp:
	tlbt_tp_unregister(ARRAY_SIZE(tlbt_tps));
	pr_err("mmtwin_tlb: arming failed: %d\n", ret);
out:
	mutex_unlock(&tlbt_arm_lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(tlbt_feed_arm);

void tlbt_feed_disarm(void)
{
	mutex_lock(&tlbt_arm_lock);
	if (tlbt_armed) {
		unregister_kprobes(tlbt_kp_ptrs, ARRAY_SIZE(tlbt_kps));
		unregister_kretprobes(tlbt_krp_ptrs, ARRAY_SIZE(tlbt_krps));
		tlbt_tp_unregister(ARRAY_SIZE(tlbt_tps));
		tlbt_armed = false;
	}
	mutex_unlock(&tlbt_arm_lock);
}
EXPORT_SYMBOL_IF_KUNIT(tlbt_feed_disarm);

bool tlbt_feed_armed(void)
{
	return READ_ONCE(tlbt_armed);
}

unsigned long tlbt_nmissed(void)
{
	unsigned long n = 0;
	int i;

	for (i = 0; i < ARRAY_SIZE(tlbt_krps); i++)
		n += tlbt_krps[i].nmissed;
	return n;
}

/* Probe hits skipped by kprobes itself: a handler already running. */
unsigned long tlbt_kp_nmissed(void)
{
	unsigned long n = 0;
	int i;

	for (i = 0; i < ARRAY_SIZE(tlbt_krps); i++)
		n += tlbt_krps[i].kp.nmissed;
	for (i = 0; i < ARRAY_SIZE(tlbt_kps); i++)
		n += tlbt_kps[i].nmissed;
	return n;
}

void tlbt_feed_init(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(tlbt_krps); i++)
		tlbt_krp_ptrs[i] = &tlbt_krps[i];
	for (i = 0; i < ARRAY_SIZE(tlbt_kps); i++)
		tlbt_kp_ptrs[i] = &tlbt_kps[i];
}
