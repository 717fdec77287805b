// SPDX-License-Identifier: GPL-2.0
/*
 * One address of a user mm, resolved level by level as the MMU would:
 * each level's index, entry and kind, down to the physical address.
 * Locking is walk.c's (see Documentation/pgwalk.rst): caller holds the
 * mmap read lock; PTE tables are read under RCU and their lock.
 */
#include <linux/fs.h>
#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>

#include <mmtwin/compat.h>
#include "internal.h"

static void step(struct pgw_xlate *x, enum pgw_level level, u64 val,
		 enum pgw_kind kind)
{
	struct pgw_step *s = &x->step[x->nsteps++];

	s->level = level;
	s->index = pgw_index(x->addr, level, pgtable_l5_enabled());
	s->val = val;
	s->kind = kind;
}

static void mapped(struct pgw_xlate *x, unsigned long pfn, unsigned long size)
{
	x->mapped = true;
	x->page_size = size;
	x->phys = ((u64)pfn << PAGE_SHIFT) + (x->addr & (size - 1));
}

/* Table kind for the upper levels, which hold no swap entries. */
static enum pgw_kind upper_kind(bool none, bool bad)
{
	if (none)
		return PGW_NONE;
	return bad ? PGW_BAD : PGW_TABLE;
}

static void pte_step(struct mm_struct *mm, pmd_t *pmdp, pmd_t pmdval,
		     struct pgw_xlate *x)
{
	spinlock_t *ptl;
	pte_t pte;

	for (;;) {
		rcu_read_lock();
		ptl = pte_lockptr(mm, &pmdval);
		spin_lock(ptl);
		if (pmd_same(pmdval, mmtwin_pmdp_get_lockless(pmdp)))
			break;
		spin_unlock(ptl);
		rcu_read_unlock();
		pmdval = mmtwin_pmdp_get_lockless(pmdp);
		if (pgw_pmd_kind(pmdval) != PGW_TABLE)
			return;
	}
	pte = ptep_get(pte_offset_kernel(&pmdval, x->addr));
	spin_unlock(ptl);
	rcu_read_unlock();

	step(x, PGW_PTE, pte_val(pte), pgw_pte_kind(pte));
	if (pte_present(pte))
		mapped(x, pte_pfn(pte), PAGE_SIZE);
}

static void descend(struct mm_struct *mm, struct pgw_xlate *x)
{
	pgd_t *pgdp = pgd_offset(mm, x->addr);
	pgd_t pgd = READ_ONCE(*pgdp);
	p4d_t *p4dp;
	p4d_t p4d;
	pud_t *pudp;
	pud_t pud;
	pmd_t *pmdp;
	pmd_t pmd;

	step(x, PGW_PGD, pgd_val(pgd), upper_kind(pgd_none(pgd), pgd_bad(pgd)));
	if (pgd_none(pgd) || pgd_bad(pgd))
		return;
	p4dp = p4d_offset(pgdp, x->addr);
	p4d = READ_ONCE(*p4dp);
	/* With 4-level paging the P4D is the PGD entry itself: no step. */
	if (pgtable_l5_enabled())
		step(x, PGW_P4D, p4d_val(p4d),
		     upper_kind(p4d_none(p4d), p4d_bad(p4d)));
	if (p4d_none(p4d) || p4d_bad(p4d))
		return;
	pudp = pud_offset(p4dp, x->addr);
	pud = READ_ONCE(*pudp);
	step(x, PGW_PUD, pud_val(pud), pgw_pud_kind(pud));
	if (pgw_pud_kind(pud) == PGW_PRESENT)
		mapped(x, pud_pfn(pud), PUD_SIZE);
	if (pgw_pud_kind(pud) != PGW_TABLE)
		return;
	pmdp = pmd_offset(pudp, x->addr);
	pmd = mmtwin_pmdp_get_lockless(pmdp);
	step(x, PGW_PMD, pmd_val(pmd), pgw_pmd_kind(pmd));
	if (pmd_present(pmd) && pmd_leaf(pmd))
		mapped(x, pmd_pfn(pmd), PMD_SIZE);
	if (pgw_pmd_kind(pmd) == PGW_TABLE)
		pte_step(mm, pmdp, pmd, x);
}

/**
 * pgw_translate - resolve one user address
 * @mm: its address space; mmap_read_lock(mm) held
 * @addr: the address
 * @x: filled in
 *
 * Return: 0, or -EINVAL if @addr is above the task size.
 */
int pgw_translate(struct mm_struct *mm, unsigned long addr, struct pgw_xlate *x)
{
	struct vm_area_struct *vma;
	struct pgw_walk w = { .mm = mm };
	struct address_space *mapping = NULL;

	mmap_assert_locked(mm);
	memset(x, 0, sizeof(*x));
	if (addr >= mm->task_size)
		return -EINVAL;
	x->addr = addr;

	w.start = addr & PAGE_MASK;
	w.end = w.start + PAGE_SIZE;
	w.pm = &x->pme;
	pgw_walk_range(&w);

	vma = vma_lookup(mm, addr);
	if (vma) {
		x->in_vma = true;
		x->vm_start = vma->vm_start;
		x->vm_end = vma->vm_end;
		x->vm_flags = vma->vm_flags;
		/* Keeps a shared hugetlb PMD table where it is (walk.c). */
		if (is_vm_hugetlb_page(vma))
			mapping = vma->vm_file->f_mapping;
	}
	/*
	 * Outside every VMA a racing munmap() may be freeing the tables
	 * (free_pgtables() runs after the mmap lock is downgraded): stop.
	 */
	if (!vma)
		return 0;
	if (mapping)
		i_mmap_lock_read(mapping);
	descend(mm, x);
	if (mapping)
		i_mmap_unlock_read(mapping);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(pgw_translate);
