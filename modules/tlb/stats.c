// SPDX-License-Identifier: GPL-2.0
/*
 * Accounting of the TLB twin: per-CPU counters per row (the five
 * tlb:tlb_flush reasons and the twin's own checks) and each CPU's first
 * disagreements with their inputs. Written by the feed's handlers with
 * interrupts off, summed by debugfs readers without locks.
 */
#include <linux/sched/clock.h>

#include "internal.h"

static const char *const tlbt_row_names[TLBT_NR_ROWS - TLBT_NR_REASONS] = {
	[TLBT_ROW_SILENT - TLBT_NR_REASONS]	= "silent",
	[TLBT_ROW_PATH - TLBT_NR_REASONS]	= "initiator_path",
	[TLBT_ROW_TARGETS - TLBT_NR_REASONS]	= "targets",
	[TLBT_ROW_KERNEL - TLBT_NR_REASONS]	= "kernel_range",
};

const char *tlbt_row_name(int row)
{
	if (row >= TLBT_NR_REASONS && row < TLBT_NR_ROWS)
		return tlbt_row_names[row - TLBT_NR_REASONS];
	return tlbt_reason_name(row);
}

void tlbt_count(struct tlbt_pcpu *p, int row, bool predicted, bool observed,
		bool agree)
{
	struct tlbt_counts *c = &p->counts[row];

	if (predicted)
		c->predicted++;
	if (observed)
		c->observed++;
	if (agree)
		c->agree++;
	else
		c->mismatch++;
}

/* Keeps the first TLBT_NR_MISMATCHES of each CPU, counts the rest. */
void tlbt_record_mismatch(struct tlbt_pcpu *p, int row,
			  const struct tlbt_event *pred,
			  const struct tlbt_event *seen)
{
	struct tlbt_mismatch *m;

	if (p->nr_mismatches++ >= TLBT_NR_MISMATCHES)
		return;
	m = &p->mismatches[p->nr_mismatches - 1];
	m->when = local_clock();
	m->row = row;
	m->pred = *pred;
	m->seen = *seen;
	m->in = p->in;
}

void tlbt_sum(struct tlbt_counts *rows, struct tlbt_misc *misc)
{
	int cpu, r;

	memset(rows, 0, sizeof(*rows) * TLBT_NR_ROWS);
	memset(misc, 0, sizeof(*misc));
	for_each_possible_cpu(cpu) {
		const struct tlbt_pcpu *p = per_cpu_ptr(&tlbt_pcpu, cpu);

		for (r = 0; r < TLBT_NR_ROWS; r++) {
			rows[r].predicted += READ_ONCE(p->counts[r].predicted);
			rows[r].observed += READ_ONCE(p->counts[r].observed);
			rows[r].agree += READ_ONCE(p->counts[r].agree);
			rows[r].mismatch += READ_ONCE(p->counts[r].mismatch);
		}
		misc->unframed += READ_ONCE(p->misc.unframed);
		misc->filtered += READ_ONCE(p->misc.filtered);
		misc->unsynced += READ_ONCE(p->misc.unsynced);
		misc->resyncs += READ_ONCE(p->misc.resyncs);
		misc->layout_errors += READ_ONCE(p->misc.layout_errors);
		misc->switches += READ_ONCE(p->misc.switches);
		misc->vm_remote_flush += READ_ONCE(p->misc.vm_remote_flush);
		misc->vm_remote_received +=
			READ_ONCE(p->misc.vm_remote_received);
		misc->vm_local_all += READ_ONCE(p->misc.vm_local_all);
		misc->vm_local_one += READ_ONCE(p->misc.vm_local_one);
	}
}
EXPORT_SYMBOL_IF_KUNIT(tlbt_sum);
