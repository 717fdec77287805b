/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TLB twin's kernel side: per-CPU state shared by the live feed
 * (feed.c), the accounting (stats.c) and the debugfs glue (debugfs.c).
 */
#ifndef _MMTWIN_TLB_INTERNAL_H
#define _MMTWIN_TLB_INTERNAL_H

#include <linux/percpu.h>
#include <linux/types.h>

#include "policy.h"
#include "sim.h"

struct dentry;
struct kobject;
struct seq_file;
struct tracepoint;

/*
 * What a kprobed function is expected to emit on tlb:tlb_flush. Frames
 * nest as the functions do (flush_tlb_func() calls switch_mm_irqs_off()
 * on a lazy CPU; an IPI can arrive inside native_flush_tlb_multi()), so
 * each CPU keeps a small stack of them.
 */
struct tlbt_frame {
	struct tlbt_event pred;
	struct tlbt_mm next;	/* switch_mm_irqs_off(): the mm switched to */
	u8 kind;		/* enum tlbt_frame_kind */
	bool counted;		/* the model was in sync, not text poking */
	bool filtered;		/* poking_mm: the twin's own probe arming */
	bool consumed;		/* an event was matched to this frame */
};

enum tlbt_frame_kind {
	TLBT_FRAME_SWITCH,
	TLBT_FRAME_FLUSH_FUNC,
	TLBT_FRAME_MULTI,
};

#define TLBT_MAX_DEPTH	8

/* The initiator's plan, kept from flush_tlb_mm_range() to its return. */
struct tlbt_initiator {
	bool valid;
	bool counted;
	bool batched;			/* arch_tlbbatch_flush(): mm NULL */
	const void *mm;
	struct tlbt_flush_req req;
	struct tlbt_plan plan;
	enum tlbt_path seen;		/* what the kernel did */
	unsigned long targets;		/* CPUs predicted to run flush_tlb_func */
	unsigned long uncertain;	/* targets whose model was out of sync */
};

/* Rows of the stats file beyond the five tlb:tlb_flush reasons. */
enum tlbt_row {
	TLBT_ROW_SILENT = TLBT_NR_REASONS,	/* predicted: no event */
	TLBT_ROW_PATH,		/* flush_tlb_mm_range's IPI/local/none */
	TLBT_ROW_TARGETS,	/* which CPUs run flush_tlb_func */
	TLBT_ROW_KERNEL,	/* flush_tlb_kernel_range: full or ranged */
	TLBT_NR_ROWS,
};

struct tlbt_counts {
	u64 predicted, observed, agree, mismatch;
};

/* Counters that are not predictions. */
struct tlbt_misc {
	u64 unframed;		/* an event outside every probed function */
	u64 filtered;		/* events of poking_mm */
	u64 unsynced;		/* events while the model was not in sync */
	u64 resyncs;
	u64 layout_errors;	/* flush_tlb_info did not read as expected */
	u64 switches;		/* sched:sched_switch */
	/* The twin's nr_tlb_* of /proc/vmstat (CONFIG_DEBUG_TLBFLUSH). */
	u64 vm_remote_flush;
	u64 vm_remote_received;
	u64 vm_local_all;
	u64 vm_local_one;
};

#define TLBT_NR_MISMATCHES	16

/* The inputs of the last prediction on a CPU, kept for the mismatch log. */
struct tlbt_inputs {
	unsigned long start, end;
	u64 local_gen, mm_gen, new_gen;
	bool lazy;
};

struct tlbt_mismatch {
	u64 when;			/* local_clock() */
	int row;
	struct tlbt_event pred;
	struct tlbt_event seen;
	struct tlbt_inputs in;
};

struct tlbt_pcpu {
	struct tlbt_cpu model;
	struct tlbt_frame frames[TLBT_MAX_DEPTH];
	int depth;
	struct tlbt_initiator init;
	int kernel_range;	/* -1 none, 0 ranged, 1 full expected */
	struct tlbt_inputs in;
	struct tlbt_counts counts[TLBT_NR_ROWS];
	struct tlbt_misc misc;
	struct tlbt_mismatch mismatches[TLBT_NR_MISMATCHES];
	unsigned int nr_mismatches;
};

DECLARE_PER_CPU(struct tlbt_pcpu, tlbt_pcpu);

/* feed.c */
extern bool tlbt_pcid;
extern unsigned long tlbt_ceiling;
void tlbt_feed_init(void);
int tlbt_feed_arm(void);
void tlbt_feed_disarm(void);
bool tlbt_feed_armed(void);
unsigned long tlbt_nmissed(void);
unsigned long tlbt_kp_nmissed(void);
struct tracepoint *tlbt_find_tracepoint(const char *name);

/* stats.c */
void tlbt_reset(void);
void tlbt_count(struct tlbt_pcpu *p, int row, bool predicted, bool observed,
		bool agree);
void tlbt_record_mismatch(struct tlbt_pcpu *p, int row,
			  const struct tlbt_event *pred,
			  const struct tlbt_event *seen);
void tlbt_sum(struct tlbt_counts *rows, struct tlbt_misc *misc);
const char *tlbt_row_name(int row);

/* debugfs.c */
void tlbt_debugfs_init(struct dentry *dir);

/* simrun.c: the simulator's one model TLB, under its own lock. */
int tlbs_sim_init(void);
void tlbs_sim_exit(void);
int tlbs_sim_command(char *buf);
void tlbs_sim_show(struct seq_file *m);
unsigned int tlbs_sim_geom(enum tlbs_array a, bool ways);
int tlbs_sim_set_geom(enum tlbs_array a, bool ways, unsigned int val);

/* sysfs.c */
int tlbs_sysfs_init(struct kobject *kobj);
void tlbs_sysfs_exit(struct kobject *kobj);

#endif /* _MMTWIN_TLB_INTERNAL_H */
