/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the TLB twin reads of arch/x86's private TLB state. asm/tlbflush.h
 * hides these from modules (#ifndef MODULE), so they are declared here as
 * 6.12 lays them out; main.c refuses any other kernel, and feed.c checks
 * each flush_tlb_info it reads against the call that produced it.
 */
#ifndef _MMTWIN_TLB_KERNEL_H
#define _MMTWIN_TLB_KERNEL_H

#include <linux/percpu.h>
#include <linux/types.h>

struct mm_struct;

/* struct flush_tlb_info, arch/x86/include/asm/tlbflush.h (6.12). */
struct tlbt_kernel_flush_info {
	struct mm_struct	*mm;
	unsigned long		start;
	unsigned long		end;
	u64			new_tlb_gen;
	unsigned int		initiating_cpu;
	u8			stride_shift;
	u8			freed_tables;
	u8			trim_cpumask;
};

/* struct tlb_state_shared: exported (EXPORT_PER_CPU_SYMBOL), just hidden. */
struct tlbt_state_shared {
	bool is_lazy;
};
DECLARE_PER_CPU_SHARED_ALIGNED(struct tlbt_state_shared, cpu_tlbstate_shared);

#endif /* _MMTWIN_TLB_KERNEL_H */
