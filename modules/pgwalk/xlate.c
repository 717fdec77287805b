// SPDX-License-Identifier: GPL-2.0
/*
 * One address of a user mm, resolved level by level as the MMU would:
 * each level's index, entry and kind, down to the physical address.
 * It is a client of walk.c's descent: the walk of the one page reports
 * each table entry it goes through and the leaf it ends at. Locking is
 * walk.c's (see Documentation/pgwalk.rst).
 */
#include <linux/mm.h>

#include <mmtwin/compat.h>
#include <mmtwin/pgwalk.h>
#include "internal.h"

/*
 * The entry the walk read at @level. A PMD read again (it changed under
 * the walk) replaces the line it gave before, and what was below it.
 */
static void step(struct pgw_xlate *x, enum pgw_level level, u64 val,
		 enum pgw_kind kind)
{
	struct pgw_step *s;

	while (x->nsteps && x->step[x->nsteps - 1].level >= level)
		x->nsteps--;
	if (WARN_ON_ONCE(x->nsteps >= PGW_NR_LEVELS))
		return;
	s = &x->step[x->nsteps++];
	s->level = level;
	s->index = pgw_index(x->addr, level, pgtable_l5_enabled());
	s->val = val;
	s->kind = kind;
}

static int through_table(struct pgw_walk *w, enum pgw_level level,
			 unsigned long addr, unsigned long end, u64 val)
{
	step(w->priv, level, val, PGW_TABLE);
	return 0;
}

/* The frame a present leaf maps, and its size. */
static unsigned long leaf_pfn(const struct pgw_leaf *l, unsigned long *size)
{
	switch (l->level) {
	case PGW_PUD:
		*size = PUD_SIZE;
		return pud_pfn(__pud(l->val));
	case PGW_PMD:
		*size = PMD_SIZE;
		return pmd_pfn(__pmd(l->val));
	default:
		*size = PAGE_SIZE;
		return pte_pfn(__pte(l->val));
	}
}

static int at_leaf(struct pgw_walk *w, const struct pgw_leaf *l)
{
	struct pgw_xlate *x = w->priv;
	unsigned long pfn, size;

	/* Outside every VMA the walk reads no table: nothing to show. */
	if (!l->in_vma)
		return 0;
	step(x, l->level, l->val, l->kind);
	if (l->kind != PGW_PRESENT && l->kind != PGW_PROTNONE)
		return 0;
	pfn = leaf_pfn(l, &size);
	x->mapped = true;
	x->page_size = size;
	x->phys = ((u64)pfn << PAGE_SHIFT) + (x->addr & (size - 1));
	return 0;
}

/**
 * pgw_translate - resolve one user address
 * @mm: its address space; mmap_read_lock(mm) held
 * @addr: the address
 * @x: filled in
 *
 * One walk of the page gives both the lines and the pagemap record, so
 * the two always describe the same reading of the tables.
 *
 * Return: 0, or -EINVAL if @addr is above the task size.
 */
int pgw_translate(struct mm_struct *mm, unsigned long addr, struct pgw_xlate *x)
{
	struct pgw_walk w = {
		.mm = mm, .visit = at_leaf, .enter = through_table, .priv = x,
	};
	struct vm_area_struct *vma;

	mmap_assert_locked(mm);
	memset(x, 0, sizeof(*x));
	if (addr >= mm->task_size)
		return -EINVAL;
	x->addr = addr;
	vma = vma_lookup(mm, addr);
	if (vma) {
		x->in_vma = true;
		x->vm_start = vma->vm_start;
		x->vm_end = vma->vm_end;
		x->vm_flags = vma->vm_flags;
	}
	w.start = addr & PAGE_MASK;
	w.end = w.start + PAGE_SIZE;
	w.pm = &x->pme;
	return pgw_walk_range(&w);
}
EXPORT_SYMBOL_IF_KUNIT(pgw_translate);

/* The walk's summary for another twin (the TLB simulator's page walks). */
int mmtwin_pgwalk_translate(struct mm_struct *mm, unsigned long addr,
			    struct mmtwin_pgwalk_xlate *out)
{
	struct pgw_xlate x;
	int ret = pgw_translate(mm, addr, &x);

	if (ret)
		return ret;
	out->mapped = x.mapped;
	out->levels = x.nsteps;
	out->page_size = x.mapped ? x.page_size : 0;
	return 0;
}
EXPORT_SYMBOL_GPL(mmtwin_pgwalk_translate);
