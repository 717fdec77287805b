// SPDX-License-Identifier: GPL-2.0
/*
 * The walk: PGD -> P4D -> PUD -> PMD -> PTE over the VMAs of a user mm,
 * producing what /proc/PID/pagemap produces for the same range, without
 * walk_page_range() (not exported). Why each step is safe is written down
 * in Documentation/pgwalk.rst ("Locking").
 *
 * Rules the caller keeps: mmap_read_lock(w->mm) held across
 * pgw_walk_range(), w->start and w->end page aligned, inside the task size.
 */
#include <linux/hugetlb.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/swap.h>
#include <linux/swapops.h>

#include <mmtwin/compat.h>
#include "internal.h"

/* Page tables are counted once even when two VMAs share them. */
static void count_table(struct pgw_walk *w, enum pgw_level level,
			unsigned long pfn)
{
	if (w->last_table[level] == pfn)
		return;
	w->last_table[level] = pfn;
	w->totals.tables[level]++;
}

static u64 *pm_slot(struct pgw_walk *w, unsigned long addr)
{
	return w->pm + ((addr - w->start) >> PAGE_SHIFT);
}

static int visit(struct pgw_walk *w, unsigned long addr, unsigned long end,
		 enum pgw_level level, enum pgw_kind kind, u64 val, u64 pme)
{
	struct pgw_leaf leaf = {
		.addr = addr, .end = end, .level = level,
		.kind = kind, .val = val, .pme = pme,
	};

	w->totals.kinds[kind]++;
	return w->visit ? w->visit(w, &leaf) : 0;
}

/*
 * Nothing mapped at [addr, end): outside any VMA the record is 0, inside a
 * VMA it still carries the VMA's soft-dirty state, as pagemap_pte_hole()
 * reports it.
 */
static int hole(struct pgw_walk *w, struct vm_area_struct *vma,
		unsigned long addr, unsigned long end, enum pgw_level level)
{
	u64 pme = (vma && (vma->vm_flags & VM_SOFTDIRTY)) ? PGW_PM_SOFT_DIRTY : 0;
	unsigned long n = (end - addr) >> PAGE_SHIFT;

	if (w->pm) {
		u64 *p = pm_slot(w, addr);
		unsigned long i;

		for (i = 0; i < n; i++)
			p[i] = pme;
	}
	w->totals.pages += n;
	return visit(w, addr, end, level, PGW_NONE, 0, pme);
}

/*
 * vm_normal_page() is not exported. x86 marks every PTE without a
 * refcounted struct page behind it (zero page, pfnmap, devmap) special;
 * every other present PTE maps a page with a memmap. pfn_valid() guards
 * against a corrupt entry; it is not cheap, so the sections found valid
 * are remembered in a bitmap (every PFN of a section has its memmap unless
 * memory was hot-added by subsections, which only ZONE_DEVICE does, and
 * those PTEs are special).
 */
static __always_inline bool pfn_has_page(struct pgw_walk *w, unsigned long pfn)
{
	unsigned long section = pfn >> PFN_SECTION_SHIFT;
	bool cached = section < PGW_SECTIONS_CACHED;

	if (cached && test_bit(section, w->valid_sections))
		return true;
	if (!pfn_valid(pfn))
		return false;
	if (cached)
		__set_bit(section, w->valid_sections);
	return true;
}

/* PM_FILE and PM_MMAP_EXCLUSIVE come from the folio behind the entry. */
static __always_inline u64 folio_bits(struct page *page, bool present)
{
	struct folio *folio = page_folio(page);
	u64 flags = 0;

	if (!folio_test_anon(folio))
		flags |= PGW_PM_FILE;
	if (present && mmtwin_precise_page_mapcount(folio, page) == 1)
		flags |= PGW_PM_EXCLUSIVE;
	return flags;
}

/* A present PTE (PTL held): what pte_to_pagemap_entry() reports. */
static __always_inline u64 present_pte(struct pgw_walk *w, pte_t pte)
{
	unsigned long pfn = pte_pfn(pte);
	u64 pme = PGW_PM_PRESENT | pfn;

	if (pte_soft_dirty(pte))
		pme |= PGW_PM_SOFT_DIRTY;
	if (pte_uffd_wp(pte))
		pme |= PGW_PM_UFFD_WP;
	w->totals.kinds[pte_protnone(pte) ? PGW_PROTNONE : PGW_PRESENT]++;
	if (pte_special(pte) || !pfn_has_page(w, pfn)) {
		w->totals.present_special++;
		return pme;
	}
	w->totals.present++;
	return pme | folio_bits(pfn_to_page(pfn), true);
}

/* A swap-type PTE (PTL held): swap slot, migration, device or marker. */
static u64 swap_pte(struct pgw_walk *w, pte_t pte)
{
	swp_entry_t entry = pte_to_swp_entry(pte);
	u64 pme = PGW_PM_SWAP;

	w->totals.kinds[pgw_swp_kind(entry)]++;
	if (pte_swp_soft_dirty(pte))
		pme |= PGW_PM_SOFT_DIRTY;
	if (pte_swp_uffd_wp(pte))
		pme |= PGW_PM_UFFD_WP;
	if (is_pte_marker_entry(entry) && pte_marker_entry_uffd_wp(entry))
		pme |= PGW_PM_UFFD_WP;
	if (non_swap_entry(entry))
		w->totals.nonswap++;
	else
		w->totals.swap++;
	/*
	 * We hold the PTL: a PFN in a migration entry names a locked page.
	 * smaps counts such pages (migration, device) in Rss; so do we.
	 */
	if (is_pfn_swap_entry(entry)) {
		pme |= folio_bits(pfn_to_page(swp_offset_pfn(entry)), false);
		w->totals.present++;
	}
	return pme | (pgw_swp_frame(entry) & PGW_PM_PFRAME_MASK);
}

static int visit_pte(struct pgw_walk *w, unsigned long addr, pte_t pte, u64 pme)
{
	struct pgw_leaf leaf = {
		.addr = addr, .end = addr + PAGE_SIZE, .level = PGW_PTE,
		.kind = pgw_pte_kind(pte), .val = pte_val(pte), .pme = pme,
	};

	return w->visit(w, &leaf);
}

/*
 * The entries of one PTE table, PTL held. This loop is the walk's hot
 * path (512 times per table): the common cases are inline, the visitor
 * and the kind of each entry are only worked out when someone asks.
 */
static int pte_entries(struct pgw_walk *w, struct vm_area_struct *vma,
		       pte_t *ptep, unsigned long addr, unsigned long end)
{
	u64 vma_sd = (vma->vm_flags & VM_SOFTDIRTY) ? PGW_PM_SOFT_DIRTY : 0;
	u64 *out = w->pm ? pm_slot(w, addr) : NULL;
	int err = 0;

	for (; addr < end; addr += PAGE_SIZE, ptep++) {
		pte_t pte = ptep_get(ptep);
		u64 pme;

		if (pte_present(pte)) {
			pme = present_pte(w, pte);
		} else if (pte_none(pte)) {
			w->totals.kinds[PGW_NONE]++;
			pme = 0;
		} else {
			pme = swap_pte(w, pte);
		}
		pme |= vma_sd;
		if (out)
			*out++ = pme;
		w->totals.pages++;
		if (w->visit) {
			err = visit_pte(w, addr, pte, pme);
			if (err)
				break;
		}
	}
	return err;
}

/*
 * A PTE table, mapped the way __pte_offset_map_lock() does it: under RCU,
 * because since 6.5 khugepaged may retract a file-backed PTE table without
 * the mmap lock and frees it with pte_free_defer() (an RCU callback); then
 * under the table's own lock, re-checking that the PMD still points to it.
 * Return -EAGAIN if it changed: the caller reads the PMD again.
 */
static int pte_table(struct pgw_walk *w, struct vm_area_struct *vma,
		     pmd_t *pmdp, pmd_t pmdval, unsigned long addr,
		     unsigned long end)
{
	spinlock_t *ptl;
	pte_t *ptep;
	int err = 0;

	rcu_read_lock();
	ptl = pte_lockptr(w->mm, &pmdval);
	spin_lock(ptl);
	if (!pmd_same(pmdval, mmtwin_pmdp_get_lockless(pmdp))) {
		spin_unlock(ptl);
		rcu_read_unlock();
		w->totals.retries++;
		return -EAGAIN;
	}
	count_table(w, PGW_PTE, pmd_pfn(pmdval));
	ptep = pte_offset_kernel(&pmdval, addr);
	err = pte_entries(w, vma, ptep, addr, end);
	spin_unlock(ptl);
	rcu_read_unlock();
	return err;
}

/*
 * A PMD-mapped THP or a PMD migration entry, as pagemap_pmd_range().
 * Returns the record of the first page.
 */
static u64 pmd_leaf_records(struct pgw_walk *w, struct vm_area_struct *vma,
			    pmd_t pmd, unsigned long addr, unsigned long end)
{
	unsigned int idx = (addr & ~PMD_MASK) >> PAGE_SHIFT;
	struct folio *folio = NULL;
	struct page *page = NULL;
	u64 flags = 0, frame = 0, step = 0, first = 0;
	unsigned long a;

	if (pmd_present(pmd)) {
		page = pmd_page(pmd);
		flags |= PGW_PM_PRESENT;
		if (pmd_soft_dirty(pmd))
			flags |= PGW_PM_SOFT_DIRTY;
		if (pmd_uffd_wp(pmd))
			flags |= PGW_PM_UFFD_WP;
		frame = pmd_pfn(pmd) + idx;
		step = 1;
	} else {
		swp_entry_t entry = pmd_to_swp_entry(pmd);

		flags |= PGW_PM_SWAP;
		if (pmd_swp_soft_dirty(pmd))
			flags |= PGW_PM_SOFT_DIRTY;
		if (pmd_swp_uffd_wp(pmd))
			flags |= PGW_PM_UFFD_WP;
		frame = pgw_swp_frame(entry) + ((u64)idx << MAX_SWAPFILES_SHIFT);
		step = 1ULL << MAX_SWAPFILES_SHIFT;
		page = pfn_to_page(swp_offset_pfn(entry));
		w->totals.nonswap++;
	}
	folio = page_folio(page);
	if (!folio_test_anon(folio))
		flags |= PGW_PM_FILE;
	if (vma->vm_flags & VM_SOFTDIRTY)
		flags |= PGW_PM_SOFT_DIRTY;

	for (a = addr; a < end; a += PAGE_SIZE, idx++, frame += step) {
		u64 pme = flags | (frame & PGW_PM_PFRAME_MASK);

		if ((flags & PGW_PM_PRESENT) &&
		    mmtwin_precise_page_mapcount(folio, page + idx) == 1)
			pme |= PGW_PM_EXCLUSIVE;
		if (a == addr)
			first = pme;
		if (w->pm)
			*pm_slot(w, a) = pme;
		w->totals.pages++;
	}
	return first;
}

/*
 * The huge zero page is neither anon nor in a file's page cache; smaps
 * leaves it out of Rss (vm_normal_page_pmd()), and so do we.
 */
static bool huge_zero(struct folio *folio)
{
	return !folio_test_anon(folio) && !READ_ONCE(folio->mapping);
}

/* As smaps_pmd_entry() counts Rss and AnonHugePages (migration too). */
static void count_pmd_leaf(struct pgw_walk *w, pmd_t pmd)
{
	struct folio *folio;

	if (pmd_present(pmd))
		folio = page_folio(pmd_page(pmd));
	else
		folio = page_folio(pfn_to_page(swp_offset_pfn(pmd_to_swp_entry(pmd))));
	/*
	 * An anonymous (or huge zero) PMD mapping keeps a PTE table deposited
	 * for a later split (pgtable_trans_huge_deposit()); VmPTE counts it.
	 */
	if (huge_zero(folio) || folio_test_anon(folio))
		w->totals.deposited++;
	if (huge_zero(folio)) {
		w->totals.present_special += HPAGE_PMD_NR;
		return;
	}
	w->totals.present += HPAGE_PMD_NR;
	if (folio_test_anon(folio))
		w->totals.anon_pmd++;
	else
		w->totals.file_pmd++;
}

/* Under the PMD lock the huge entry cannot be split, zapped or freed. */
static int huge_pmd(struct pgw_walk *w, struct vm_area_struct *vma,
		    pmd_t *pmdp, pmd_t pmdval, unsigned long addr,
		    unsigned long end)
{
	spinlock_t *ptl = pmd_lock(w->mm, pmdp);
	pmd_t pmd = READ_ONCE(*pmdp);
	u64 first;

	if (!pmd_same(pmd, pmdval)) {
		spin_unlock(ptl);
		w->totals.retries++;
		return -EAGAIN;
	}
	first = pmd_leaf_records(w, vma, pmd, addr, end);
	count_pmd_leaf(w, pmd);
	spin_unlock(ptl);

	return visit(w, addr, end, PGW_PMD, pgw_pmd_kind(pmd), pmd_val(pmd), first);
}

static int pmd_range(struct pgw_walk *w, struct vm_area_struct *vma,
		     pud_t pudval, unsigned long addr, unsigned long end)
{
	pmd_t *pmdp = pmd_offset(&pudval, addr);
	unsigned long next;
	int err = 0;

	count_table(w, PGW_PMD, pud_pfn(pudval));
	do {
		pmd_t pmdval;

		next = pmd_addr_end(addr, end);
again:
		pmdval = mmtwin_pmdp_get_lockless(pmdp);
		if (pmd_none(pmdval))
			err = hole(w, vma, addr, next, PGW_PMD);
		else if (pmd_leaf(pmdval) || is_pmd_migration_entry(pmdval))
			err = huge_pmd(w, vma, pmdp, pmdval, addr, next);
		else if (!pmd_present(pmdval) || pmd_bad(pmdval))
			/* pagemap retries until it reads none: the same hole */
			err = hole(w, vma, addr, next, PGW_PMD);
		else
			err = pte_table(w, vma, pmdp, pmdval, addr, next);
		if (err == -EAGAIN) {
			cond_resched();
			goto again;
		}
		if (err)
			break;
		cond_resched();
	} while (pmdp++, addr = next, addr != end);
	return err;
}

/*
 * A 1 GiB leaf outside hugetlb (device DAX). walk_page_range() would split
 * it; we report what the MMU sees, under the PUD lock.
 */
static int huge_pud(struct pgw_walk *w, struct vm_area_struct *vma,
		    pud_t *pudp, unsigned long addr, unsigned long end)
{
	spinlock_t *ptl = pud_lock(w->mm, pudp);
	pud_t pud = READ_ONCE(*pudp);
	u64 frame = pud_pfn(pud) + ((addr & ~PUD_MASK) >> PAGE_SHIFT);
	u64 flags = PGW_PM_PRESENT | PGW_PM_FILE;
	unsigned long a;

	if (vma->vm_flags & VM_SOFTDIRTY)
		flags |= PGW_PM_SOFT_DIRTY;
	for (a = addr; w->pm && a < end; a += PAGE_SIZE, frame++)
		*pm_slot(w, a) = flags | frame;
	w->totals.pages += (end - addr) >> PAGE_SHIFT;
	w->totals.present_special += (end - addr) >> PAGE_SHIFT;
	spin_unlock(ptl);
	return visit(w, addr, end, PGW_PUD, pgw_pud_kind(pud), pud_val(pud),
		     flags | (frame & PGW_PM_PFRAME_MASK));
}

/*
 * PUD and PMD tables under a VMA are freed only by free_pgtables(), which
 * runs under the mmap write lock or after the VMA left the tree; we hold
 * the read lock and only walk inside VMAs we found under it.
 */
static int pud_range(struct pgw_walk *w, struct vm_area_struct *vma,
		     p4d_t p4dval, unsigned long addr, unsigned long end)
{
	pud_t *pudp = pud_offset(&p4dval, addr);
	unsigned long next;
	int err = 0;

	count_table(w, PGW_PUD, p4d_pfn(p4dval));
	do {
		pud_t pudval = READ_ONCE(*pudp);

		next = pud_addr_end(addr, end);
		if (pud_none(pudval) || !pud_present(pudval) || pud_bad(pudval))
			err = hole(w, vma, addr, next, PGW_PUD);
		else if (pud_leaf(pudval))
			err = huge_pud(w, vma, pudp, addr, next);
		else
			err = pmd_range(w, vma, pudval, addr, next);
		if (err)
			break;
	} while (pudp++, addr = next, addr != end);
	return err;
}

static int p4d_range(struct pgw_walk *w, struct vm_area_struct *vma,
		     pgd_t *pgdp, unsigned long addr, unsigned long end)
{
	p4d_t *p4dp = p4d_offset(pgdp, addr);
	unsigned long next;
	int err = 0;

	/* A folded P4D is the PGD entry itself, not a table of its own. */
	if (pgtable_l5_enabled())
		count_table(w, PGW_P4D, pgd_pfn(*pgdp));
	do {
		p4d_t p4dval = READ_ONCE(*p4dp);

		next = p4d_addr_end(addr, end);
		if (p4d_none(p4dval) || p4d_bad(p4dval))
			err = hole(w, vma, addr, next, PGW_P4D);
		else
			err = pud_range(w, vma, p4dval, addr, next);
		if (err)
			break;
	} while (p4dp++, addr = next, addr != end);
	return err;
}

static int pgd_range(struct pgw_walk *w, struct vm_area_struct *vma,
		     unsigned long addr, unsigned long end)
{
	pgd_t *pgdp = pgd_offset(w->mm, addr);
	unsigned long next;
	int err = 0;

	do {
		next = pgd_addr_end(addr, end);
		if (pgd_none(READ_ONCE(*pgdp)) || pgd_bad(READ_ONCE(*pgdp)))
			err = hole(w, vma, addr, next, PGW_PGD);
		else
			err = p4d_range(w, vma, pgdp, addr, next);
		if (err)
			break;
	} while (pgdp++, addr = next, addr != end);
	return err;
}

/*
 * hugetlb: one entry per huge page, at the PMD (2 MiB) or PUD (1 GiB)
 * level, read as pagemap_hugetlb_range() reads it. The caller holds the
 * file's i_mmap lock, which keeps a shared PMD table from being unshared
 * (huge_pmd_unshare() needs it for writing) and zaps away.
 */
static pte_t *hugetlb_entry(struct pgw_walk *w, unsigned long addr,
			    unsigned long sz)
{
	pgd_t *pgdp = pgd_offset(w->mm, addr);
	p4d_t *p4dp;
	pud_t *pudp;
	pud_t pud;

	if (pgd_none(READ_ONCE(*pgdp)))
		return NULL;
	p4dp = p4d_offset(pgdp, addr);
	if (p4d_none(READ_ONCE(*p4dp)))
		return NULL;
	pudp = pud_offset(p4dp, addr);
	count_table(w, PGW_PUD, PHYS_PFN(__pa(pudp)));
	if (sz == PUD_SIZE)
		return (pte_t *)pudp;
	pud = READ_ONCE(*pudp);
	if (pud_none(pud) || !pud_present(pud) || pud_leaf(pud))
		return NULL;
	count_table(w, PGW_PMD, pud_pfn(pud));
	return (pte_t *)pmd_offset(pudp, addr);
}

static u64 hugetlb_flags(struct vm_area_struct *vma, pte_t *ptep, pte_t pte)
{
	u64 flags = (vma->vm_flags & VM_SOFTDIRTY) ? PGW_PM_SOFT_DIRTY : 0;

	if (pte_present(pte)) {
		struct folio *folio = page_folio(pte_page(pte));

		flags |= PGW_PM_PRESENT;
		if (!folio_test_anon(folio))
			flags |= PGW_PM_FILE;
		if (!mmtwin_folio_mapped_shared(folio) && !hugetlb_pmd_shared(ptep))
			flags |= PGW_PM_EXCLUSIVE;
		if (huge_pte_uffd_wp(pte))
			flags |= PGW_PM_UFFD_WP;
	} else if (pte_swp_uffd_wp_any(pte)) {
		flags |= PGW_PM_UFFD_WP;
	}
	return flags;
}

static int hugetlb_range(struct pgw_walk *w, struct vm_area_struct *vma,
			 unsigned long addr, unsigned long end)
{
	unsigned long sz = huge_page_size(hstate_vma(vma));
	enum pgw_level level = sz == PUD_SIZE ? PGW_PUD : PGW_PMD;
	int err = 0;

	while (addr < end && !err) {
		unsigned long next = min(ALIGN(addr + 1, sz), end);
		pte_t *ptep = hugetlb_entry(w, addr, sz);
		pte_t pte = ptep ? ptep_get(ptep) : __pte(0);
		u64 flags, frame = 0, first;
		unsigned long a;

		if (!ptep || pte_none(pte)) {
			err = hole(w, vma, addr, next, level);
			addr = next;
			continue;
		}
		flags = hugetlb_flags(vma, ptep, pte);
		if (flags & PGW_PM_PRESENT) {
			frame = pte_pfn(pte) + ((addr & (sz - 1)) >> PAGE_SHIFT);
			w->totals.hugetlb += (next - addr) >> PAGE_SHIFT;
		}
		first = flags | frame;
		for (a = addr; a < next; a += PAGE_SIZE) {
			if (w->pm)
				*pm_slot(w, a) = flags | frame;
			if (flags & PGW_PM_PRESENT)
				frame++;
		}
		w->totals.pages += (next - addr) >> PAGE_SHIFT;
		err = visit(w, addr, next, level, pgw_pte_kind(pte), pte_val(pte),
			    first);
		addr = next;
		cond_resched();
	}
	return err;
}

static int vma_range(struct pgw_walk *w, struct vm_area_struct *vma,
		     unsigned long addr, unsigned long end)
{
	int err;

	/* walk_page_test(): no struct pages behind a pfnmap, report a hole. */
	if (vma->vm_flags & VM_PFNMAP)
		return hole(w, vma, addr, end, PGW_PTE);
	if (!is_vm_hugetlb_page(vma))
		return pgd_range(w, vma, addr, end);

	i_mmap_lock_read(vma->vm_file->f_mapping);
	err = hugetlb_range(w, vma, addr, end);
	i_mmap_unlock_read(vma->vm_file->f_mapping);
	return err;
}

/**
 * pgw_walk_range - walk [w->start, w->end) of w->mm
 * @w: the walk; totals are added to, the rest is read
 *
 * Context: mmap_read_lock(w->mm) held; may sleep.
 * Return: 0, or what @w->visit returned first that was not 0.
 */
int pgw_walk_range(struct pgw_walk *w)
{
	VMA_ITERATOR(vmi, w->mm, w->start);
	struct vm_area_struct *vma;
	unsigned long addr = w->start;
	u64 t0 = ktime_get_ns();
	int err = 0;

	mmap_assert_locked(w->mm);
	if (WARN_ON_ONCE(!PAGE_ALIGNED(w->start) || !PAGE_ALIGNED(w->end) ||
			 w->start > w->end))
		return -EINVAL;
	memset(w->last_table, 0xff, sizeof(w->last_table));
	bitmap_zero(w->valid_sections, PGW_SECTIONS_CACHED);

	for_each_vma_range(vmi, vma, w->end) {
		unsigned long vstart = max(addr, vma->vm_start);
		unsigned long vend = min(w->end, vma->vm_end);

		if (addr < vstart)
			err = hole(w, NULL, addr, vstart, PGW_PGD);
		if (!err)
			err = vma_range(w, vma, vstart, vend);
		addr = vend;
		if (err)
			break;
	}
	if (!err && addr < w->end)
		err = hole(w, NULL, addr, w->end, PGW_PGD);
	w->totals.ns += ktime_get_ns() - t0;
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(pgw_walk_range);

/**
 * pgw_get_mm - the mm of the process a struct pid names, with a reference
 * @pid: the process
 *
 * Return: the mm (release with mmput()), ERR_PTR(-ESRCH) if the process is
 * gone or exiting, ERR_PTR(-EINVAL) for a kernel thread (it has no user
 * address space to walk).
 */
struct mm_struct *pgw_get_mm(struct pid *pid)
{
	struct task_struct *task = get_pid_task(pid, PIDTYPE_PID);
	struct mm_struct *mm;
	bool kthread;

	if (!task)
		return ERR_PTR(-ESRCH);
	kthread = task->flags & PF_KTHREAD;
	mm = get_task_mm(task);
	put_task_struct(task);
	if (mm)
		return mm;
	return ERR_PTR(kthread ? -EINVAL : -ESRCH);
}
