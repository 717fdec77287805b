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
 * The tables are walked by walk.c's one descent, as ptdump is a client of
 * mm/pagewalk.c: this file only says what a leaf, a hole and a table
 * entry print (note_page() and effective_prot() of dump_pagetables.c).
 * The descent judges entries by entry.c's pgw_kernel_kind(), as
 * mm/pagewalk.c judges them for ptdump.
 *
 * How they are read: ptdump holds init_mm's mmap lock and the memory
 * hotplug lock, neither of which a module can reach (init_mm and
 * get_online_mems() are not exported). The descent copies each table
 * with copy_from_kernel_nofault() instead (pgw_walk_copied()), so a table
 * freed under us (memory hot-remove, a vmalloc huge mapping replacing a
 * PTE table) gives -EFAULT or a stale snapshot, never an oops. See
 * Documentation/pgwalk.rst.
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

/* The notes of the table being walked: did they all look the same? */
struct track {
	bool on;		/* inside a table that may be remembered */
	bool same;
	unsigned long notes;
	int level;		/* of the first note */
	u64 val, eff;
};

/*
 * One table seen before (at the level of the entry that points to it),
 * and the single note it amounts to if all its notes were alike.
 */
struct memo {
	unsigned long pa;
	u64 in_eff;		/* effective protection from the levels above */
	bool whole;		/* it covered the entry's whole range */
	bool uniform;
	int note_level;
	u64 note_val;
	u64 eff[PGW_NR_LEVELS];
};

struct kdump {
	struct seq_file *m;
	struct pgw_walk w;	/* the descent, over copies of the tables */
	struct marker markers[20];
	const struct marker *marker;
	int level;		/* level of the open run, -1 before the first */
	u64 cur_prot, cur_eff;
	u64 eff[PGW_NR_LEVELS];	/* effective protection per level */
	unsigned long start;	/* of the open run */
	unsigned long lines;
	u64 tables[PGW_NR_LEVELS][PTRS_PER_PTE];
	struct memo memo[PGW_NR_LEVELS];
	struct track track;	/* of the innermost table entered */
	struct track saved[PGW_NR_LEVELS];	/* of the tables around it */
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
	struct track *t = &k->track;

	if (!t->on)
		return;
	if (!t->notes++) {
		t->level = level;
		t->val = val;
		t->eff = eff;
	} else if (level != t->level || val != t->val || eff != t->eff) {
		t->same = false;
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

/* The level of the table an entry at @level points to. */
static int child_level(enum pgw_level level)
{
	return level == PGW_PGD && !pgtable_l5_enabled() ? PGW_PUD : level + 1;
}

/*
 * The descent is about to go into the table @val points to. KASAN maps
 * terabytes of shadow with one table repeated: a table met again whose
 * notes were all alike is replayed as one note and not read again.
 */
static int kdump_enter(struct pgw_walk *w, enum pgw_level level,
		       unsigned long addr, unsigned long end, u64 val)
{
	struct kdump *k = w->priv;
	struct memo *mo = &k->memo[level];
	unsigned long size = 1UL << pgw_level_shift(level, pgtable_l5_enabled());
	unsigned long pa = val & PTE_PFN_MASK;
	int child = child_level(level);
	bool whole = !(addr & (size - 1)) && end - addr == size;

	/* init_mm has no LDT: see the top of this file. */
	if (IS_ENABLED(CONFIG_MODIFY_LDT_SYSCALL) && level == PGW_PGD &&
	    pgd_index(addr) == pgd_index(LDT_BASE_ADDR)) {
		note(k, addr, PGW_PGD, 0);
		return PGW_SKIP;
	}
	effective(k, level, val);
	/* ptdump goes through a folded P4D as a level of its own. */
	if (child == PGW_PUD && level == PGW_PGD)
		effective(k, PGW_P4D, val);

	if (whole && mo->uniform && mo->pa == pa &&
	    mo->in_eff == k->eff[child - 1] && no_marker_inside(k, addr, end)) {
		memcpy(&k->eff[child], &mo->eff[child],
		       sizeof(u64) * (PGW_NR_LEVELS - child));
		note(k, addr, mo->note_level, mo->note_val);
		return PGW_SKIP;
	}
	mo->pa = pa;
	mo->in_eff = k->eff[child - 1];
	mo->whole = whole;
	mo->uniform = false;
	k->saved[level] = k->track;
	k->track = (struct track){ .on = true, .same = true };
	return 0;
}

/* Done with the table entered at @level: remember what it amounted to. */
static void kdump_leave(struct pgw_walk *w, enum pgw_level level, int err)
{
	struct kdump *k = w->priv;
	struct memo *mo = &k->memo[level];
	struct track inner = k->track;

	mo->uniform = mo->whole && !err && inner.same && inner.notes;
	mo->note_level = inner.level;
	mo->note_val = inner.val;
	memcpy(mo->eff, k->eff, sizeof(mo->eff));

	/* Its notes also count for the table around it. */
	k->track = k->saved[level];
	if (inner.notes) {
		track(k, inner.level, inner.val, inner.eff);
		if (!inner.same)
			k->track.same = false;
	}
}

/*
 * A leaf or a hole: ptdump's note_page(). Every PTE is one, empty or
 * not; a non-present entry that is neither a leaf nor empty (PGW_BAD)
 * is neither noted nor descended by mm/pagewalk.c.
 */
static int kdump_visit(struct pgw_walk *w, const struct pgw_leaf *l)
{
	struct kdump *k = w->priv;

	if (l->kind == PGW_NONE && l->level != PGW_PTE) {
		note(k, l->addr, l->level, 0);
		return 0;
	}
	effective(k, l->level, l->val);
	if (l->kind != PGW_BAD)
		note(k, l->addr, l->level, l->val);
	return 0;
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
	k->w = (struct pgw_walk){
		.mm = mm, .start = GUARD_HOLE_END_ADDR, .end = ~0UL,
		.visit = kdump_visit, .enter = kdump_enter,
		.leave = kdump_leave, .priv = k, .copy = k->tables,
	};
	err = pgw_walk_copied(&k->w);
	/* ptdump's final flush: a note at 0, level -1. */
	if (!err && k->level != -1)
		end_run(k, 0);
	kvfree(k);
	return err;
}
