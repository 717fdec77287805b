// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's own address space, printed line for line in the layout of
 * /sys/kernel/debug/page_tables/kernel (arch/x86/mm/dump_pagetables.c):
 * runs of entries with the same protection at the same level, between the
 * same address-space markers.
 *
 * Where the tables come from: init_mm is not exported, but the kernel half
 * of every PGD is the same as init_mm's. x86-64 preallocates the kernel's
 * top-level entries at boot and pgd_alloc() copies them, so they never
 * diverge. The one per-mm slot up there is the LDT remap (PTI only),
 * which init_mm leaves empty: we report it empty too. init_mm has no user
 * half, so that is one hole.
 *
 * Entries are judged by entry.c's pgw_kernel_kind(), as mm/pagewalk.c
 * judges them for ptdump.
 *
 * How they are read: ptdump holds init_mm's mmap lock and the memory
 * hotplug lock, neither of which a module can reach (init_mm and
 * get_online_mems() are not exported). We copy each table
 * with copy_from_kernel_nofault() instead, so a table freed under us
 * (memory hot-remove, a vmalloc huge mapping replacing a PTE table) gives
 * -EFAULT or a stale snapshot, never an oops. See Documentation/pgwalk.rst.
 */
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/fixmap.h>
#include <asm/kasan.h>
#include <asm/pgtable.h>

#include "internal.h"

struct marker {
	unsigned long start;
	const char *name;
	unsigned long max_lines;
};

/* One uniform table seen before: the single note it amounts to. */
struct memo {
	unsigned long pa;
	u64 in_eff;		/* effective protection from the levels above */
	bool uniform;
	int note_level;
	u64 note_val;
	u64 eff[PGW_NR_LEVELS];
};

struct kdump {
	struct seq_file *m;
	struct marker markers[20];
	const struct marker *marker;
	int level;		/* level of the open run, -1 before the first */
	u64 cur_prot, cur_eff;
	u64 eff[PGW_NR_LEVELS];	/* effective protection per level */
	unsigned long start;	/* of the open run */
	unsigned long lines;
	u64 tables[PGW_NR_LEVELS][PTRS_PER_PTE];
	struct memo memo[PGW_NR_LEVELS];
	/* While a table is walked: did every note in it look the same? */
	int track_depth;
	bool track_same;
	int track_level;
	u64 track_val, track_eff;
	unsigned long track_notes;
};

static void add_marker(struct kdump *k, int *n, unsigned long start,
		       const char *name, unsigned long max_lines)
{
	k->markers[*n].start = start;
	k->markers[*n].name = name;
	k->markers[*n].max_lines = max_lines;
	(*n)++;
}

/* The markers of dump_pagetables.c, in its order, for this kernel. */
static void init_markers(struct kdump *k)
{
	int n = 0;

	add_marker(k, &n, 0, "User Space", 0);
	add_marker(k, &n, 1UL << 63, "Kernel Space", 0);
	if (IS_ENABLED(CONFIG_MODIFY_LDT_SYSCALL))
		add_marker(k, &n, LDT_BASE_ADDR, "LDT remap", 0);
	add_marker(k, &n, PAGE_OFFSET, "Low Kernel Mapping", 0);
	add_marker(k, &n, VMALLOC_START, "vmalloc() Area", 0);
	add_marker(k, &n, VMEMMAP_START, "Vmemmap", 0);
#ifdef CONFIG_KASAN
	add_marker(k, &n, KASAN_SHADOW_START, "KASAN shadow", 0);
	add_marker(k, &n, KASAN_SHADOW_END, "KASAN shadow end", 0);
#endif
	add_marker(k, &n, CPU_ENTRY_AREA_BASE, "CPU entry Area", 0);
	if (IS_ENABLED(CONFIG_X86_ESPFIX64))
		add_marker(k, &n, ESPFIX_BASE_ADDR, "ESPfix Area", 16);
	if (IS_ENABLED(CONFIG_EFI))
		add_marker(k, &n, EFI_VA_END, "EFI Runtime Services", 0);
	add_marker(k, &n, __START_KERNEL_map, "High Kernel Mapping", 0);
	add_marker(k, &n, MODULES_VADDR, "Modules", 0);
	add_marker(k, &n, MODULES_END, "End Modules", 0);
	add_marker(k, &n, FIXADDR_START, "Fixmap Area", 0);
	add_marker(k, &n, -1UL, NULL, 0);
	WARN_ON_ONCE(n > ARRAY_SIZE(k->markers));
}

static void print_prot(struct seq_file *m, u64 pr, int level)
{
	if (!(pr & _PAGE_PRESENT)) {
		seq_printf(m, "%30s", "");
	} else {
		seq_puts(m, pr & _PAGE_USER ? "USR " : "    ");
		seq_puts(m, pr & _PAGE_RW ? "RW " : "ro ");
		seq_puts(m, pr & _PAGE_PWT ? "PWT " : "    ");
		seq_puts(m, pr & _PAGE_PCD ? "PCD " : "    ");
		/* Bit 7 is PS above the PTE level, PAT in a PTE. */
		seq_puts(m, level <= PGW_PMD && (pr & _PAGE_PSE) ? "PSE " : "    ");
		seq_puts(m, (level == PGW_PTE && (pr & _PAGE_PAT)) ||
			 ((level == PGW_PMD || level == PGW_PUD) &&
			  (pr & _PAGE_PAT_LARGE)) ? "PAT " : "    ");
		seq_puts(m, pr & _PAGE_GLOBAL ? "GLB " : "    ");
		seq_puts(m, pr & _PAGE_NX ? "NX " : "x  ");
	}
	seq_printf(m, "%s\n", pgw_level_name(level));
}

static void print_run(struct kdump *k, unsigned long addr)
{
	static const char units[] = "BKMGTPE";
	unsigned long delta = addr - k->start;
	const char *unit = units;

	seq_printf(k->m, "0x%016lx-0x%016lx   ", k->start, addr);
	while (!(delta & 1023) && unit[1]) {
		delta >>= 10;
		unit++;
	}
	seq_printf(k->m, "%9lu%c ", delta, *unit);
	print_prot(k->m, k->cur_prot, k->level);
}

/* A run ends at @addr: print it and move past any marker there. */
static void end_run(struct kdump *k, unsigned long addr)
{
	if (!k->marker->max_lines || k->lines < k->marker->max_lines)
		print_run(k, addr);
	k->lines++;
	if (addr < k->marker[1].start)
		return;
	if (k->marker->max_lines && k->lines > k->marker->max_lines) {
		unsigned long skip = k->lines - k->marker->max_lines;

		/* ptdump ends this line with a space; so do we. */
		seq_printf(k->m, "... %lu entr%s skipped ...%c\n", skip,
			   skip == 1 ? "y" : "ies", ' ');
	}
	k->marker++;
	k->lines = 0;
	seq_printf(k->m, "---[ %s ]---\n", k->marker->name);
}

static void track(struct kdump *k, int level, u64 val, u64 eff)
{
	if (!k->track_depth)
		return;
	if (!k->track_notes++) {
		k->track_level = level;
		k->track_val = val;
		k->track_eff = eff;
	} else if (level != k->track_level || val != k->track_val ||
		   eff != k->track_eff) {
		k->track_same = false;
	}
}

/* An entry (or a hole) at @addr: ptdump's note_page(). */
static void note(struct kdump *k, unsigned long addr, int level, u64 val)
{
	u64 prot = val & PTE_FLAGS_MASK;
	u64 eff = val ? k->eff[level] : 0;

	track(k, level, val, eff);
	if (k->level == -1) {
		k->cur_prot = prot;
		k->cur_eff = eff;
		k->level = level;
		k->marker = k->markers;
		k->lines = 0;
		seq_printf(k->m, "---[ %s ]---\n", k->marker->name);
		return;
	}
	if (prot == k->cur_prot && eff == k->cur_eff && level == k->level &&
	    addr < k->marker[1].start)
		return;
	end_run(k, addr);
	k->start = addr;
	k->cur_prot = prot;
	k->cur_eff = eff;
	k->level = level;
}

/* What the CPU may do through this entry, given the levels above. */
static void effective(struct kdump *k, int level, u64 val)
{
	u64 prot = val & PTE_FLAGS_MASK;

	if (level > 0) {
		u64 higher = k->eff[level - 1];

		k->eff[level] = (higher & prot & (_PAGE_USER | _PAGE_RW)) |
				((higher | prot) & _PAGE_NX);
	} else {
		k->eff[level] = prot;
	}
}

static u64 *snapshot(struct kdump *k, int level, u64 entry)
{
	unsigned long pa = entry & PTE_PFN_MASK;

	if (!pfn_valid(PHYS_PFN(pa)) ||
	    copy_from_kernel_nofault(k->tables[level], __va(pa), PAGE_SIZE))
		return NULL;
	return k->tables[level];
}

/* [addr, end) within one entry of @shift bits, without wrapping past 0. */
static unsigned long entry_end(unsigned long addr, unsigned long end, int shift)
{
	unsigned long boundary = (addr + (1UL << shift)) & ~((1UL << shift) - 1);

	return boundary - 1 < end - 1 ? boundary : end;
}

/* No marker starts strictly inside (addr, end): one note covers it. */
static bool no_marker_inside(struct kdump *k, unsigned long addr,
			     unsigned long end)
{
	const struct marker *mk;

	for (mk = k->markers; mk->name; mk++)
		if (mk->start > addr && mk->start - 1 < end - 1)
			return false;
	return true;
}

static int walk_table(struct kdump *k, int level, u64 entry,
		      unsigned long addr, unsigned long end);

/*
 * The table @entry points to, at @level, all of it within [addr, end).
 * KASAN maps terabytes of shadow with one table repeated: a table met
 * again whose notes were all alike is replayed as one note.
 */
static int table_memo(struct kdump *k, int level, u64 entry,
		      unsigned long addr, unsigned long end)
{
	struct memo *mo = &k->memo[level];
	unsigned long pa = entry & PTE_PFN_MASK;
	int shift = pgw_level_shift(level - 1, pgtable_l5_enabled());
	bool whole = !(addr & ((1UL << shift) - 1)) &&
		     end - addr == (1UL << shift);
	int saved_depth = k->track_depth, err;
	bool saved_same = k->track_same;
	unsigned long saved_notes = k->track_notes;
	int saved_level = k->track_level;
	u64 saved_val = k->track_val, saved_eff = k->track_eff;

	if (whole && mo->uniform && mo->pa == pa && mo->in_eff == k->eff[level - 1] &&
	    no_marker_inside(k, addr, end)) {
		memcpy(&k->eff[level], &mo->eff[level],
		       sizeof(u64) * (PGW_NR_LEVELS - level));
		note(k, addr, mo->note_level, mo->note_val);
		return 0;
	}

	k->track_depth = 1;
	k->track_same = true;
	k->track_notes = 0;
	mo->in_eff = k->eff[level - 1];
	err = walk_table(k, level, entry, addr, end);
	mo->pa = pa;
	mo->uniform = whole && !err && k->track_same && k->track_notes;
	mo->note_level = k->track_level;
	mo->note_val = k->track_val;
	memcpy(mo->eff, k->eff, sizeof(mo->eff));

	/* The notes in here also count for the table around this one. */
	k->track_depth = saved_depth;
	if (saved_depth) {
		bool inner_same = k->track_same;
		int inner_level = k->track_level;
		u64 inner_val = k->track_val, inner_eff = k->track_eff;
		unsigned long inner_notes = k->track_notes;

		k->track_same = saved_same;
		k->track_notes = saved_notes;
		k->track_level = saved_level;
		k->track_val = saved_val;
		k->track_eff = saved_eff;
		if (inner_notes) {
			track(k, inner_level, inner_val, inner_eff);
			if (!inner_same)
				k->track_same = false;
		}
	}
	return err;
}

/* One entry at @level (PUD or PMD) covering [addr, next). */
static int upper_entry(struct kdump *k, int level, u64 val,
		       unsigned long addr, unsigned long next)
{
	enum pgw_kind kind = pgw_kernel_kind(level, val);

	if (kind == PGW_NONE) {
		note(k, addr, level, 0);
		return 0;
	}
	effective(k, level, val);
	if (kind == PGW_PRESENT)
		note(k, addr, level, val);
	/* mm/pagewalk.c does not descend into leaves or non-present entries. */
	if (kind != PGW_TABLE)
		return 0;
	return table_memo(k, level + 1, val, addr, next);
}

/* The P4D entry @val (with 4-level paging, the PGD entry itself). */
static int p4d_entry(struct kdump *k, u64 val, unsigned long addr,
		     unsigned long next)
{
	int depth = pgtable_l5_enabled() ? PGW_P4D : PGW_PGD;
	enum pgw_kind kind = pgw_kernel_kind(PGW_P4D, val);

	if (kind == PGW_NONE) {
		note(k, addr, depth, 0);
		return 0;
	}
	effective(k, PGW_P4D, val);
	if (kind == PGW_PRESENT) {
		note(k, addr, PGW_P4D, val);
		return 0;
	}
	return table_memo(k, PGW_PUD, val, addr, next);
}

static int walk_table(struct kdump *k, int level, u64 entry,
		      unsigned long addr, unsigned long end)
{
	int shift = pgw_level_shift(level, pgtable_l5_enabled());
	u64 *tbl = snapshot(k, level, entry);
	int err = 0;

	if (!tbl)
		return -EFAULT;
	do {
		unsigned long next = entry_end(addr, end, shift);
		u64 val = tbl[pgw_index(addr, level, pgtable_l5_enabled())];

		if (level == PGW_PTE) {
			effective(k, PGW_PTE, val);
			note(k, addr, PGW_PTE, val);
		} else if (level == PGW_P4D) {
			err = p4d_entry(k, val, addr, next);
		} else {
			err = upper_entry(k, level, val, addr, next);
		}
		addr = next;
	} while (!err && addr != end);
	if (level <= PGW_PUD)
		cond_resched();
	return err;
}

static int walk_pgd(struct kdump *k, const pgd_t *pgd, unsigned long addr,
		    unsigned long end)
{
	int err = 0;

	do {
		unsigned long next = pgd_addr_end(addr, end);
		u64 val = pgd_val(READ_ONCE(pgd[pgd_index(addr)]));

		/* init_mm has no LDT: see the top of this file. */
		if (IS_ENABLED(CONFIG_MODIFY_LDT_SYSCALL) &&
		    pgd_index(addr) == pgd_index(LDT_BASE_ADDR))
			val = 0;
		if (pgw_kernel_kind(PGW_PGD, val) == PGW_NONE) {
			note(k, addr, PGW_PGD, 0);
		} else {
			effective(k, PGW_PGD, val);
			if (pgtable_l5_enabled())
				err = table_memo(k, PGW_P4D, val, addr, next);
			else
				err = p4d_entry(k, val, addr, next);
		}
		addr = next;
	} while (!err && addr != end);
	return err;
}

/**
 * pgw_kernel_dump - the kernel page tables, as page_tables/kernel shows them
 * @m: output
 *
 * Context: process context with a user mm (a reader of debugfs).
 * Return: 0, -EINVAL without an mm, -ENOMEM, or -EFAULT if a table
 * vanished while it was read.
 */
int pgw_kernel_dump(struct seq_file *m)
{
	struct mm_struct *mm = current->mm;
	struct kdump *k;
	int err;

	if (!mm)
		return -EINVAL;
	k = kvzalloc(sizeof(*k), GFP_KERNEL);
	if (!k)
		return -ENOMEM;
	k->m = m;
	k->level = -1;
	init_markers(k);

	/* init_mm's user half is empty: one hole, as ptdump sees it. */
	note(k, 0, PGW_PGD, 0);
	err = walk_pgd(k, mm->pgd, GUARD_HOLE_END_ADDR, ~0UL);
	/* ptdump's final flush: a note at 0, level -1. */
	if (!err && k->level != -1)
		end_run(k, 0);
	kvfree(k);
	return err;
}
