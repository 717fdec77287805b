// SPDX-License-Identifier: GPL-2.0
/*
 * The descent: PGD -> P4D -> PUD -> PMD -> PTE. It is the one way down
 * the tables: the records, the text, the totals, the translation (xlate.c)
 * and the kernel dump (kdump.c) are all clients of it, and every entry it
 * reads is classified by entry.c alone. It produces what /proc/PID/pagemap
 * produces for the same range, without walk_page_range() (not exported).
 * Why each step is safe is written down in Documentation/pgwalk.rst
 * ("Locking").
 *
 * It runs two ways, which differ only in where a table is read and what
 * holds it still (the *_table() helpers), how an entry is judged
 * (*_kind()) and what a leaf gives (records, or a visit):
 *
 * - live, over the VMAs of a user mm (pgw_walk_step()): mmap_read_lock
 *   held across each step, w->start and w->end page aligned, inside the
 *   task size; PTE tables and huge leaves are read under their locks;
 * - copied (pgw_walk_copied()): each table is copied before it is read,
 *   no VMAs, no locks, entries judged as ptdump's walk judges them.
 */
#include <linux/delay.h>
#include <linux/hugetlb.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/shmem_fs.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include <linux/uaccess.h>

#include <mmtwin/compat.h>
#include "internal.h"

/*
 * Test only (the knob exists with KUnit kernels): spin this long between
 * reading a PMD and taking its PTE lock, so that a stress test can make a
 * page-table retraction land in that window and see the re-check fail.
 */
unsigned int pgw_test_widen_us;

static void widen_window(void)
{
	if (IS_ENABLED(CONFIG_KUNIT)) {
		unsigned int us = READ_ONCE(pgw_test_widen_us);

		if (unlikely(us))
			udelay(us);
	}
}

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
	return w->pm + ((addr - w->pm_base) >> PAGE_SHIFT);
}

/*
 * The table entry @val at @level is about to be gone through for
 * [addr, end): 0 to go in, PGW_SKIP if the client passes over it.
 */
static int enter(struct pgw_walk *w, enum pgw_level level, unsigned long addr,
		 unsigned long end, u64 val)
{
	return w->enter ? w->enter(w, level, addr, end, val) : 0;
}

static void leave(struct pgw_walk *w, enum pgw_level level, int err)
{
	if (w->leave)
		w->leave(w, level, err);
}

/*
 * A copied walk reads a copy of each table: a page that was freed (and
 * unmapped) under it gives -EFAULT from copy_from_kernel_nofault(), never
 * a fault; pfn_valid() keeps a corrupt entry from naming a hole in the
 * direct map.
 */
static void *copy_table(struct pgw_walk *w, enum pgw_level level, u64 val)
{
	phys_addr_t pa = val & PTE_PFN_MASK;

	if (!pfn_valid(PHYS_PFN(pa)) ||
	    copy_from_kernel_nofault(w->copy[level], __va(pa), PAGE_SIZE))
		return NULL;
	return w->copy[level];
}

/* Where each level's entry for @addr is read: the live table or a copy. */
static pgd_t *pgd_table(struct pgw_walk *w, unsigned long addr)
{
	if (!w->copy)
		return pgd_offset(w->mm, addr);
	if (copy_from_kernel_nofault(w->copy[PGW_PGD], w->mm->pgd, PAGE_SIZE))
		return NULL;
	return (pgd_t *)w->copy[PGW_PGD] + pgd_index(addr);
}

/* With 4-level paging the P4D is folded: the PGD entry is its entry. */
static p4d_t *p4d_table(struct pgw_walk *w, pgd_t *pgdp, unsigned long addr)
{
	p4d_t *table;

	if (!w->copy || !pgtable_l5_enabled())
		return p4d_offset(pgdp, addr);
	table = copy_table(w, PGW_P4D, pgd_val(*pgdp));
	return table ? table + p4d_index(addr) : NULL;
}

static pud_t *pud_table(struct pgw_walk *w, p4d_t p4d, unsigned long addr)
{
	pud_t *table;

	if (!w->copy)
		return pud_offset(&p4d, addr);
	table = copy_table(w, PGW_PUD, p4d_val(p4d));
	return table ? table + pud_index(addr) : NULL;
}

static pmd_t *pmd_table(struct pgw_walk *w, pud_t pud, unsigned long addr)
{
	pmd_t *table;

	if (!w->copy)
		return pmd_offset(&pud, addr);
	table = copy_table(w, PGW_PMD, pud_val(pud));
	return table ? table + pmd_index(addr) : NULL;
}

/*
 * How an entry is judged: a live walk of a user mm by the kind its VMA
 * gives it, a copied walk as mm/pagewalk.c judges entries for ptdump.
 */
static enum pgw_kind pgd_kind(struct pgw_walk *w, pgd_t pgd)
{
	return w->copy ? pgw_kernel_kind(PGW_PGD, pgd_val(pgd)) : pgw_pgd_kind(pgd);
}

static enum pgw_kind p4d_kind(struct pgw_walk *w, p4d_t p4d)
{
	return w->copy ? pgw_kernel_kind(PGW_P4D, p4d_val(p4d)) : pgw_p4d_kind(p4d);
}

static enum pgw_kind pud_kind(struct pgw_walk *w, pud_t pud)
{
	return w->copy ? pgw_kernel_kind(PGW_PUD, pud_val(pud)) : pgw_pud_kind(pud);
}

static enum pgw_kind pmd_kind(struct pgw_walk *w, pmd_t pmd)
{
	return w->copy ? pgw_kernel_kind(PGW_PMD, pmd_val(pmd)) : pgw_pmd_kind(pmd);
}

static int visit(struct pgw_walk *w, unsigned long addr, unsigned long end,
		 enum pgw_level level, enum pgw_kind kind, u64 val, u64 pme)
{
	struct pgw_leaf leaf = {
		.addr = addr, .end = end, .level = level, .kind = kind,
		.val = val, .pme = pme, .in_vma = w->vma != NULL,
	};

	return w->visit ? w->visit(w, &leaf) : 0;
}

/*
 * Swapped-out shmem pages leave no swap entry in the page table: the page
 * cache holds it. smaps adds them to Swap for every hole and empty PTE of
 * a shmem VMA (smaps_pte_hole(), counting like shmem_partial_swap_usage());
 * so do we. Called under the PTE lock for one page: no rescheduling.
 */
static unsigned long shmem_swapped(struct pgw_walk *w, unsigned long addr,
				   unsigned long end)
{
	XA_STATE(xas, &w->shmem->i_pages, linear_page_index(w->vma, addr));
	pgoff_t last = linear_page_index(w->vma, end) - 1;
	unsigned long n = 0;
	void *entry;

	rcu_read_lock();
	xas_for_each(&xas, entry, last) {
		if (xas_retry(&xas, entry))
			continue;
		if (xa_is_value(entry))
			n += 1UL << xas_get_order(&xas);
		if (xas.xa_index == last)
			break;
	}
	rcu_read_unlock();
	return n;
}

/*
 * Nothing mapped at [addr, end): an empty or bad entry of @kind at @level
 * (pagemap retries a bad PMD until it reads none: the same hole), or,
 * without a VMA, a gap between VMAs whose tables are never read. The
 * record carries only the VMA's soft-dirty state, as pagemap_pte_hole()
 * reports it.
 */
static int hole(struct pgw_walk *w, unsigned long addr, unsigned long end,
		enum pgw_level level, enum pgw_kind kind, u64 val)
{
	u64 pme = w->vma_sd;
	unsigned long n = (end - addr) >> PAGE_SHIFT;

	if (w->pm) {
		u64 *p = pm_slot(w, addr);
		unsigned long i;

		for (i = 0; i < n; i++)
			p[i] = pme;
	}
	w->totals.pages += n;
	if (w->vma)
		w->totals.kinds[kind]++;
	else
		w->totals.gaps++;
	if (w->shmem)
		w->totals.shmem_swap += shmem_swapped(w, addr, end);
	return visit(w, addr, end, level, kind, val, pme);
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

/* The record bits a present PTE carries itself. */
static __always_inline u64 pte_soft_bits(pte_t pte)
{
	u64 bits = 0;

	if (pte_soft_dirty(pte))
		bits |= PGW_PM_SOFT_DIRTY;
	if (pte_uffd_wp(pte))
		bits |= PGW_PM_UFFD_WP;
	return bits;
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
	u64 pme = PGW_PM_PRESENT | pfn | pte_soft_bits(pte);

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

/*
 * The entries of one PTE table, PTL held, each classified and shown to
 * the visitor. A VM_PFNMAP VMA is read (the translation shows what the
 * MMU sees) but recorded as a hole, as walk_page_test() makes pagemap
 * skip it.
 */
static int pte_entries_visited(struct pgw_walk *w, pte_t *ptep,
			       unsigned long addr, unsigned long end)
{
	u64 *out = w->pm ? pm_slot(w, addr) : NULL;
	int err = 0;

	for (; addr < end; addr += PAGE_SIZE, ptep++) {
		pte_t pte = ptep_get(ptep);
		enum pgw_kind kind = pgw_pte_kind(pte);
		u64 pme;

		w->totals.kinds[kind]++;
		if (kind == PGW_PRESENT || kind == PGW_PROTNONE) {
			pme = present_pte(w, pte);
		} else if (kind == PGW_NONE) {
			pme = 0;
			if (unlikely(w->shmem))
				w->totals.shmem_swap +=
					shmem_swapped(w, addr, addr + PAGE_SIZE);
		} else {
			pme = swap_pte(w, pte);
		}
		if (unlikely(w->pfnmap))
			pme = 0;
		pme |= w->vma_sd;
		if (out)
			*out++ = pme;
		w->totals.pages++;
		err = visit(w, addr, addr + PAGE_SIZE, PGW_PTE, kind,
			    pte_val(pte), pme);
		if (err)
			break;
	}
	return err;
}

/*
 * A PTE that is neither empty nor present with P set: PROT_NONE (NUMA
 * hinting), or a swap-type entry. Rare; counted in the totals directly.
 */
static noinline u64 odd_pte(struct pgw_walk *w, pte_t pte)
{
	enum pgw_kind kind = pgw_pte_kind(pte);

	w->totals.kinds[kind]++;
	if (kind == PGW_PROTNONE)
		return present_pte(w, pte);
	return swap_pte(w, pte);
}

/*
 * A present PTE (P set) that small_page_pte() left to us: special, a page
 * of a large folio, or in a memory section not yet seen. Its record
 * (without the VMA's soft-dirty bit), counted in the totals; a section
 * found to have its memmap becomes the fast loop's w->section.
 */
static noinline u64 careful_pte(struct pgw_walk *w, pte_t pte)
{
	unsigned long pfn = pte_pfn(pte);
	u64 pme = PGW_PM_PRESENT | pfn | pte_soft_bits(pte);

	w->totals.kinds[PGW_PRESENT]++;
	if (pte_special(pte) || !pfn_has_page(w, pfn)) {
		w->totals.present_special++;
		return pme;
	}
	w->section = pfn >> PFN_SECTION_SHIFT;
	w->totals.present++;
	return pme | folio_bits(pfn_to_page(pfn), true);
}

/*
 * The common present PTE, in two tests: not special, in @section (whose
 * memmap careful_pte() checked), a page of a small folio. Then its folio
 * is the page itself, and folio_precise_page_mapcount() is 1 exactly
 * when _mapcount is 0 (a mapped page carries no page type). Returns its
 * record (without the VMA's soft-dirty bit), or 0 (never a present
 * record) for careful_pte(). Bits are made by shifts, not branches: under
 * QEMU's TCG each branch ends a block of translated code.
 */
static __always_inline u64 small_page_pte(pte_t pte, unsigned long section)
{
	unsigned long pfn = pte_pfn(pte);
	struct page *page = pfn_to_page(pfn);
	unsigned long head, flags, mapping;

	if ((pte_val(pte) & _PAGE_SPECIAL) | ((pfn >> PFN_SECTION_SHIFT) ^ section))
		return 0;
	head = READ_ONCE(page->compound_head);
	flags = READ_ONCE(page->flags);
	if ((head & 1) | (flags & BIT(PG_head)))
		return 0;
	mapping = (unsigned long)READ_ONCE(page->mapping);
	return PGW_PM_PRESENT | pfn |
	       (u64)!!pte_soft_dirty(pte) << 55 |
	       (u64)!!pte_uffd_wp(pte) << 57 |
	       (u64)!(mapping & PAGE_MAPPING_ANON) << 61 |
	       (u64)(atomic_read(&page->_mapcount) == 0) << 56;
}

/* How many empty PTEs from @ptep[i] on, up to @n. */
static __always_inline unsigned long none_run(pte_t *ptep, unsigned long i,
					      unsigned long n)
{
	unsigned long j = i + 1;

	while (j < n && pte_none(ptep_get(ptep + j)))
		j++;
	return j - i;
}

/* Empty entries of a shmem VMA may have their page in swap (see hole()). */
static noinline void shmem_none_run(struct pgw_walk *w, unsigned long addr,
				    unsigned long end)
{
	w->totals.shmem_swap += shmem_swapped(w, addr, end);
}

/*
 * The entries of one PTE table, PTL held, when nobody looks at each:
 * the walk's hot path, pagemap's reads run through it. The common kinds
 * cost no call: a page of a small folio (small_page_pte()), and empty
 * entries, taken a run at a time; the rest are counted out of line.
 * Counts stay in registers and go to the totals once. @records (into
 * w->pm, or none for the totals) is a constant in each of the two copies.
 */
static __always_inline void pte_run(struct pgw_walk *w, pte_t *ptep,
				    unsigned long addr, unsigned long n,
				    bool records)
{
	u64 *out = records ? pm_slot(w, addr) : NULL;
	unsigned long i = 0, run, none = 0, small = 0;
	unsigned long section = w->section;
	u64 sd = w->vma_sd;

	while (i < n) {
		pte_t pte = ptep_get(ptep + i);
		u64 pme;

		if (likely(pte_flags(pte) & _PAGE_PRESENT)) {
			pme = small_page_pte(pte, section);
			if (likely(pme)) {
				small++;
			} else {
				pme = careful_pte(w, pte);
				section = w->section;
			}
		} else if (pte_none(pte)) {
			/* Sparse memory: whole runs of empty entries. */
			run = none_run(ptep, i, n);
			if (records)
				memset64(out + i, sd, run);
			if (unlikely(w->shmem))
				shmem_none_run(w, addr + i * PAGE_SIZE,
					       addr + (i + run) * PAGE_SIZE);
			none += run;
			i += run;
			continue;
		} else {
			pme = odd_pte(w, pte);
		}
		if (records)
			out[i] = pme | sd;
		i++;
	}
	w->totals.kinds[PGW_NONE] += none;
	w->totals.kinds[PGW_PRESENT] += small;
	w->totals.present += small;
	w->totals.pages += n;
}

/*
 * pagemap's reads: the records of one table. A section of its own,
 * aligned to PGW_HOT_ALIGN, so that the loop (under 1 KiB) never
 * straddles a page: QEMU's TCG chains a jump to its target only within a
 * page, and a loop crossing one paid a lookup per entry (as the slab
 * twin found, Documentation/slub.rst). Not inlined into the descent,
 * where the loop's values were spilled to the stack around every entry.
 */
static noinline PGW_HOT(pte_records) __aligned(PGW_HOT_ALIGN)
void pte_records(struct pgw_walk *w, pte_t *ptep, unsigned long addr,
		 unsigned long n)
{
	pte_run(w, ptep, addr, n, true);
}

/* The totals' reads: no records. */
static noinline void pte_counts(struct pgw_walk *w, pte_t *ptep,
				unsigned long addr, unsigned long n)
{
	pte_run(w, ptep, addr, n, false);
}

/* One call per table. */
static int pte_entries(struct pgw_walk *w, pte_t *ptep, unsigned long addr,
		       unsigned long end)
{
	unsigned long n = (end - addr) >> PAGE_SHIFT;

	if (w->visit || w->pfnmap)
		return pte_entries_visited(w, ptep, addr, end);
	if (w->pm)
		pte_records(w, ptep, addr, n);
	else
		pte_counts(w, ptep, addr, n);
	return 0;
}

/*
 * The PTE table *@pmdp points to, mapped and locked the way
 * __pte_offset_map_lock() does it, in its order: enter RCU, read the PMD,
 * check that it points to a table, take that table's lock, and check the
 * PMD still holds the value read. Since 6.5 khugepaged may retract a
 * file-backed PTE table without the mmap lock and frees it (and its split
 * lock) with pte_free_defer(), an RCU callback: only a PMD read inside the
 * RCU section names a table that cannot be freed before we lock it. Every
 * live descent to a PTE (the walk, the translation) comes through here;
 * a copied one reads a copy (copied_ptes()).
 *
 * Return: what pte_entries() returned, or -EAGAIN if the PMD no longer
 * points to that table: the caller reads it again, as walk_pmd_range()
 * does on ACTION_AGAIN.
 */
static int pte_table(struct pgw_walk *w, pmd_t *pmdp, unsigned long addr,
		     unsigned long end)
{
	spinlock_t *ptl;
	pmd_t pmdval;
	int err = -EAGAIN;

	rcu_read_lock();
	pmdval = mmtwin_pmdp_get_lockless(pmdp);
	if (unlikely(pgw_pmd_kind(pmdval) != PGW_TABLE))
		goto out_rcu;
	ptl = pte_lockptr(w->mm, &pmdval);
	widen_window();
	spin_lock(ptl);
	if (unlikely(!pmd_same(pmdval, mmtwin_pmdp_get_lockless(pmdp))))
		goto out_unlock;
	err = enter(w, PGW_PMD, addr, end, pmd_val(pmdval));
	if (err)
		goto out_unlock;
	count_table(w, PGW_PTE, pmd_pfn(pmdval));
	/* x86-64 has no highmem: a PTE table is always in the direct map. */
	err = pte_entries(w, pte_offset_kernel(&pmdval, addr), addr, end);
	leave(w, PGW_PMD, err);
out_unlock:
	spin_unlock(ptl);
out_rcu:
	rcu_read_unlock();
	return err == PGW_SKIP ? 0 : err;
}

/* The end of the page at @addr, or @end; without wrapping past 0. */
static unsigned long pte_step_end(unsigned long addr, unsigned long end)
{
	unsigned long boundary = (addr + PAGE_SIZE) & PAGE_MASK;

	return boundary - 1 < end - 1 ? boundary : end;
}

/*
 * A copied PTE table: every entry is visited, empty ones too, as ptdump
 * notes each. No records: the entries may be the kernel's, which name no
 * folio a record could describe. A copied walk may end at ~0UL, hence
 * pte_step_end().
 */
static int copied_ptes(struct pgw_walk *w, pmd_t pmd, unsigned long addr,
		       unsigned long end)
{
	unsigned long next;
	pte_t *ptep;
	int err;

	err = enter(w, PGW_PMD, addr, end, pmd_val(pmd));
	if (err)
		return err == PGW_SKIP ? 0 : err;
	ptep = copy_table(w, PGW_PTE, pmd_val(pmd));
	if (!ptep) {
		err = -EFAULT;
		goto out;
	}
	count_table(w, PGW_PTE, pmd_pfn(pmd));
	ptep += pte_index(addr);
	do {
		u64 val = pte_val(ptep_get(ptep));
		enum pgw_kind kind = pgw_kernel_kind(PGW_PTE, val);

		next = pte_step_end(addr, end);
		w->totals.kinds[kind]++;
		w->totals.pages++;
		err = visit(w, addr, next, PGW_PTE, kind, val, 0);
	} while (!err && (ptep++, addr = next) != end);
out:
	leave(w, PGW_PMD, err);
	return err;
}

/* A huge leaf of a copied walk: no lock to re-check it under, no records. */
static int copied_leaf(struct pgw_walk *w, enum pgw_level level, u64 val,
		       unsigned long addr, unsigned long end)
{
	w->totals.pages += (end - addr) >> PAGE_SHIFT;
	w->totals.kinds[PGW_PRESENT]++;
	return visit(w, addr, end, level, PGW_PRESENT, val, 0);
}

/* The records of a PMD migration entry: never exclusive, never present. */
static u64 pmd_swap_records(struct pgw_walk *w, u64 flags, u64 frame, u64 step,
			    unsigned long addr, unsigned long n)
{
	unsigned long i;

	if (w->pm) {
		u64 *out = pm_slot(w, addr);

		for (i = 0; i < n; i++)
			out[i] = flags | ((frame + i * step) & PGW_PM_PFRAME_MASK);
	}
	return flags | (frame & PGW_PM_PFRAME_MASK);
}

/*
 * A PMD-mapped THP or a PMD migration entry, as pagemap_pmd_range().
 * Returns the record of the first page.
 */
static u64 pmd_leaf_records(struct pgw_walk *w, pmd_t pmd, unsigned long addr,
			    unsigned long end)
{
	unsigned int idx = (addr & ~PMD_MASK) >> PAGE_SHIFT;
	unsigned long n = (end - addr) >> PAGE_SHIFT, i;
	u64 flags = w->vma_sd, frame, step;
	struct folio *folio;
	struct page *page;
	int entire = 0;

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
	}
	folio = page_folio(page);
	if (!folio_test_anon(folio))
		flags |= PGW_PM_FILE;
	if (!(flags & PGW_PM_PRESENT))
		return pmd_swap_records(w, flags, frame, step, addr, n);

	/*
	 * Each page's mapcount, plus the folio's entire mapcount (read
	 * once here), says whether it is exclusive, as
	 * folio_precise_page_mapcount() does per page.
	 */
	entire = mmtwin_folio_entire_mapcount(folio);
	page += idx;
	if (w->pm) {
		u64 *out = pm_slot(w, addr);

		for (i = 0; i < n; i++)
			out[i] = flags | ((frame + i) & PGW_PM_PFRAME_MASK) |
				 (mmtwin_page_mapcount_plus(page + i, entire) == 1 ?
				  PGW_PM_EXCLUSIVE : 0);
	}
	return flags | (frame & PGW_PM_PFRAME_MASK) |
	       (mmtwin_page_mapcount_plus(page, entire) == 1 ? PGW_PM_EXCLUSIVE : 0);
}

/*
 * The huge zero page is neither anon nor in a file's page cache; smaps
 * leaves it out of Rss (vm_normal_page_pmd()), and so do we.
 */
static bool huge_zero(struct folio *folio)
{
	return !folio_test_anon(folio) && !READ_ONCE(folio->mapping);
}

/*
 * As smaps_pmd_entry() counts Rss and AnonHugePages (migration too) of
 * the pages [addr, end) of the PMD: vm_normal_page_pmd() gives no page
 * for the huge zero page and for devmap (DAX) PMDs, so neither is in Rss.
 */
static void count_pmd_leaf(struct pgw_walk *w, pmd_t pmd, unsigned long addr,
			   unsigned long end)
{
	unsigned long n = (end - addr) >> PAGE_SHIFT;
	struct folio *folio;

	if (pmd_present(pmd) && pmd_devmap(pmd)) {
		w->totals.present_special += n;
		return;
	}
	if (pmd_present(pmd)) {
		folio = page_folio(pmd_page(pmd));
	} else {
		w->totals.nonswap++;
		folio = page_folio(pfn_to_page(swp_offset_pfn(pmd_to_swp_entry(pmd))));
	}
	/*
	 * An anonymous (or huge zero) PMD mapping keeps a PTE table deposited
	 * for a later split (pgtable_trans_huge_deposit()); VmPTE counts it.
	 */
	if (huge_zero(folio) || folio_test_anon(folio))
		w->totals.deposited++;
	if (huge_zero(folio)) {
		w->totals.present_special += n;
		return;
	}
	w->totals.present += n;
	if (folio_test_anon(folio))
		w->totals.anon_pmd++;
	else
		w->totals.file_pmd++;
}

/*
 * A huge PMD the descent read as @seen, of @kind. Under the PMD lock the
 * entry cannot be split, zapped or freed; if it changed since, -EAGAIN
 * and the caller reads it again. A pfnmap's huge PMD has no struct page
 * to look at: a hole to pagemap, special to the totals.
 */
static int huge_pmd(struct pgw_walk *w, pmd_t *pmdp, pmd_t seen,
		    enum pgw_kind kind, unsigned long addr, unsigned long end)
{
	spinlock_t *ptl = pmd_lock(w->mm, pmdp);
	pmd_t pmd = READ_ONCE(*pmdp);
	unsigned long n = (end - addr) >> PAGE_SHIFT;
	u64 first = w->vma_sd;

	if (!pmd_same(pmd, seen)) {
		spin_unlock(ptl);
		return -EAGAIN;
	}
	if (w->pfnmap) {
		w->totals.present_special += n;
		if (w->pm)
			memset64(pm_slot(w, addr), first, n);
	} else {
		first = pmd_leaf_records(w, pmd, addr, end);
		count_pmd_leaf(w, pmd, addr, end);
	}
	spin_unlock(ptl);
	w->totals.pages += n;
	w->totals.kinds[kind]++;
	return visit(w, addr, end, PGW_PMD, kind, pmd_val(pmd), first);
}

/*
 * hugetlb: one entry per huge page, at the PMD (2 MiB) or PUD (1 GiB)
 * level, read as pagemap_hugetlb_range() reads it. vma_range() holds the
 * file's i_mmap lock, which keeps a shared PMD table from being unshared
 * (huge_pmd_unshare() needs it for writing) and zapped away.
 */
static u64 hugetlb_flags(struct pgw_walk *w, pte_t *ptep, pte_t pte)
{
	u64 flags = w->vma_sd;

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

static unsigned long huge_pfn(pte_t pte, enum pgw_level level)
{
	/* A huge leaf keeps PAT in bit 12: pte_pfn() would count it. */
	if (level == PGW_PUD)
		return pud_pfn(__pud(pte_val(pte)));
	return pmd_pfn(__pmd(pte_val(pte)));
}

static int hugetlb_leaf(struct pgw_walk *w, pte_t *ptep, enum pgw_level level,
			unsigned long addr, unsigned long end)
{
	unsigned long size = level == PGW_PUD ? PUD_SIZE : PMD_SIZE;
	unsigned long n = (end - addr) >> PAGE_SHIFT;
	pte_t pte = ptep_get(ptep);
	enum pgw_kind kind = pgw_pte_kind(pte);
	u64 flags, frame = 0, step = 0, first;
	unsigned long a;

	if (kind == PGW_NONE)
		return hole(w, addr, end, level, kind, 0);
	flags = hugetlb_flags(w, ptep, pte);
	if (flags & PGW_PM_PRESENT) {
		frame = huge_pfn(pte, level) + ((addr & (size - 1)) >> PAGE_SHIFT);
		step = 1;
		w->totals.hugetlb += n;
	}
	first = flags | frame;
	for (a = addr; w->pm && a < end; a += PAGE_SIZE, frame += step)
		*pm_slot(w, a) = flags | frame;
	w->totals.pages += n;
	w->totals.kinds[kind]++;
	return visit(w, addr, end, level, kind, pte_val(pte), first);
}

static int pmd_range(struct pgw_walk *w, pud_t pudval, unsigned long addr,
		     unsigned long end)
{
	pmd_t *pmdp = pmd_table(w, pudval, addr);
	unsigned long next;
	int err = 0;

	if (!pmdp)
		return -EFAULT;
	count_table(w, PGW_PMD, pud_pfn(pudval));
	do {
		pmd_t pmd;
		enum pgw_kind kind;

		next = pmd_addr_end(addr, end);
		if (w->huge_level == PGW_PMD) {
			err = hugetlb_leaf(w, (pte_t *)pmdp, PGW_PMD, addr, next);
			goto next;
		}
again:
		pmd = mmtwin_pmdp_get_lockless(pmdp);
		kind = pmd_kind(w, pmd);
		switch (kind) {
		case PGW_TABLE:
			if (w->copy)
				err = copied_ptes(w, pmd, addr, next);
			else
				err = pte_table(w, pmdp, addr, next);
			break;
		case PGW_PRESENT:
			if (w->copy) {
				err = copied_leaf(w, PGW_PMD, pmd_val(pmd), addr, next);
				break;
			}
			fallthrough;
		case PGW_PROTNONE:
		case PGW_MIGRATION:
			err = huge_pmd(w, pmdp, pmd, kind, addr, next);
			break;
		default:
			err = hole(w, addr, next, PGW_PMD, kind, pmd_val(pmd));
			break;
		}
		if (err == -EAGAIN) {
			w->totals.retries++;
			cond_resched();
			goto again;
		}
next:
		if (err)
			break;
		/* A copied walk may cover terabytes of kernel space. */
		if (w->copy)
			cond_resched();
	} while (pmdp++, addr = next, addr != end);
	return err;
}

/*
 * A 1 GiB leaf outside hugetlb (device DAX). walk_page_range() would split
 * it; we report what the MMU sees, under the PUD lock, re-checked there.
 */
static int huge_pud(struct pgw_walk *w, pud_t *pudp, pud_t seen,
		    unsigned long addr, unsigned long end)
{
	spinlock_t *ptl = pud_lock(w->mm, pudp);
	pud_t pud = READ_ONCE(*pudp);
	unsigned long n = (end - addr) >> PAGE_SHIFT;
	u64 frame = pud_pfn(pud) + ((addr & ~PUD_MASK) >> PAGE_SHIFT);
	u64 flags = w->vma_sd;
	unsigned long a;

	if (pud_val(pud) != pud_val(seen)) {
		spin_unlock(ptl);
		return -EAGAIN;
	}
	if (!w->pfnmap)
		flags |= PGW_PM_PRESENT | PGW_PM_FILE;
	for (a = addr; w->pm && a < end; a += PAGE_SIZE)
		*pm_slot(w, a) = w->pfnmap ? flags :
				 flags | (frame + ((a - addr) >> PAGE_SHIFT));
	spin_unlock(ptl);
	w->totals.pages += n;
	w->totals.present_special += n;
	w->totals.kinds[PGW_PRESENT]++;
	return visit(w, addr, end, PGW_PUD, PGW_PRESENT, pud_val(pud),
		     w->pfnmap ? flags : flags | frame);
}

/*
 * PUD and PMD tables under a VMA are freed only by free_pgtables(), which
 * runs under the mmap write lock or after the VMA left the tree; we hold
 * the read lock and only walk inside VMAs we found under it.
 */
static int pud_range(struct pgw_walk *w, p4d_t p4dval, unsigned long addr,
		     unsigned long end)
{
	pud_t *pudp = pud_table(w, p4dval, addr);
	unsigned long next;
	int err = 0;

	if (!pudp)
		return -EFAULT;
	count_table(w, PGW_PUD, p4d_pfn(p4dval));
	do {
		pud_t pud;
		enum pgw_kind kind;

		next = pud_addr_end(addr, end);
		if (w->huge_level == PGW_PUD) {
			err = hugetlb_leaf(w, (pte_t *)pudp, PGW_PUD, addr, next);
			goto next;
		}
again:
		pud = READ_ONCE(*pudp);
		kind = pud_kind(w, pud);
		if (kind == PGW_TABLE) {
			err = enter(w, PGW_PUD, addr, next, pud_val(pud));
			if (!err) {
				err = pmd_range(w, pud, addr, next);
				leave(w, PGW_PUD, err);
			}
		} else if (kind == PGW_PRESENT && w->copy) {
			err = copied_leaf(w, PGW_PUD, pud_val(pud), addr, next);
		} else if (kind == PGW_PRESENT) {
			err = huge_pud(w, pudp, pud, addr, next);
		} else {
			err = hole(w, addr, next, PGW_PUD, kind, pud_val(pud));
		}
		if (err == -EAGAIN) {
			w->totals.retries++;
			goto again;
		}
next:
		if (err == PGW_SKIP)
			err = 0;
		if (err)
			break;
	} while (pudp++, addr = next, addr != end);
	return err;
}

/* With 4-level paging the P4D entry is the PGD entry: shown as the PGD. */
static int p4d_range(struct pgw_walk *w, pgd_t *pgdp, unsigned long addr,
		     unsigned long end)
{
	enum pgw_level level = pgtable_l5_enabled() ? PGW_P4D : PGW_PGD;
	p4d_t *p4dp = p4d_table(w, pgdp, addr);
	unsigned long next;
	int err = 0;

	if (!p4dp)
		return -EFAULT;
	/* A folded P4D is the PGD entry itself, not a table of its own. */
	if (pgtable_l5_enabled())
		count_table(w, PGW_P4D, pgd_pfn(*pgdp));
	do {
		p4d_t p4d = READ_ONCE(*p4dp);
		enum pgw_kind kind = p4d_kind(w, p4d);

		next = p4d_addr_end(addr, end);
		if (kind == PGW_TABLE) {
			err = enter(w, level, addr, next, p4d_val(p4d));
			if (!err) {
				err = pud_range(w, p4d, addr, next);
				leave(w, level, err);
			}
		} else if (kind == PGW_PRESENT && w->copy) {
			err = copied_leaf(w, level, p4d_val(p4d), addr, next);
		} else {
			err = hole(w, addr, next, level, kind, p4d_val(p4d));
		}
		if (err == PGW_SKIP)
			err = 0;
		if (err)
			break;
	} while (p4dp++, addr = next, addr != end);
	return err;
}

static int pgd_range(struct pgw_walk *w, unsigned long addr, unsigned long end)
{
	pgd_t *pgdp = pgd_table(w, addr);
	unsigned long next;
	int err = 0;

	if (!pgdp)
		return -EFAULT;
	do {
		pgd_t pgd = READ_ONCE(*pgdp);
		enum pgw_kind kind = pgd_kind(w, pgd);

		next = pgd_addr_end(addr, end);
		if (kind != PGW_TABLE) {
			err = hole(w, addr, next, PGW_PGD, kind, pgd_val(pgd));
		} else if (!pgtable_l5_enabled()) {
			/* The folded P4D level enters and leaves this entry. */
			err = p4d_range(w, pgdp, addr, next);
		} else {
			err = enter(w, PGW_PGD, addr, next, pgd_val(pgd));
			if (!err) {
				err = p4d_range(w, pgdp, addr, next);
				leave(w, PGW_PGD, err);
			}
		}
		if (err == PGW_SKIP)
			err = 0;
		if (err)
			break;
	} while (pgdp++, addr = next, addr != end);
	return err;
}

/* What the descent needs to know about the VMA it is in. */
static void enter_vma(struct pgw_walk *w, struct vm_area_struct *vma)
{
	struct file *file = vma ? vma->vm_file : NULL;

	w->vma = vma;
	w->vma_sd = (vma && (vma->vm_flags & VM_SOFTDIRTY)) ? PGW_PM_SOFT_DIRTY : 0;
	w->pfnmap = vma && (vma->vm_flags & VM_PFNMAP);
	w->huge_level = PGW_NR_LEVELS;
	if (vma && is_vm_hugetlb_page(vma))
		w->huge_level = huge_page_size(hstate_vma(vma)) == PUD_SIZE ?
				PGW_PUD : PGW_PMD;
	w->shmem = file && shmem_mapping(file->f_mapping) ? file->f_mapping : NULL;
}

static int vma_range(struct pgw_walk *w, struct vm_area_struct *vma,
		     unsigned long addr, unsigned long end)
{
	int err;

	enter_vma(w, vma);
	if (!is_vm_hugetlb_page(vma))
		return pgd_range(w, addr, end);
	i_mmap_lock_read(vma->vm_file->f_mapping);
	err = pgd_range(w, addr, end);
	i_mmap_unlock_read(vma->vm_file->f_mapping);
	return err;
}

/* A gap between VMAs: its tables are not ours to read (see the docs). */
static int gap(struct pgw_walk *w, unsigned long addr, unsigned long end)
{
	enter_vma(w, NULL);
	return hole(w, addr, end, PGW_PGD, PGW_NONE, 0);
}

/**
 * pgw_walk_begin - start a walk of [w->start, w->end)
 * @w: the walk; its totals are zeroed
 */
void pgw_walk_begin(struct pgw_walk *w)
{
	memset(&w->totals, 0, sizeof(w->totals));
	memset(w->last_table, 0xff, sizeof(w->last_table));
	bitmap_zero(w->valid_sections, PGW_SECTIONS_CACHED);
	w->section = ULONG_MAX;
	w->addr = w->start;
	w->pm_base = w->start;
}
EXPORT_SYMBOL_IF_KUNIT(pgw_walk_begin);

/*
 * Where a step from @addr ends: after one PMD of mapped range (one huge
 * page of a hugetlb VMA), the gap before it included; with records to
 * fill, after one PMD of any range. Always on a PMD boundary (or w->end),
 * so that no huge PMD is cut in two.
 */
static unsigned long step_end(struct pgw_walk *w, struct vm_area_struct *vma)
{
	unsigned long from = w->addr, size = PGW_STEP_SIZE, end;

	if (!w->pm && !vma)
		return w->end;
	if (!w->pm) {
		from = max(from, vma->vm_start);
		if (is_vm_hugetlb_page(vma))
			size = max(size, huge_page_size(hstate_vma(vma)));
	}
	end = ALIGN_DOWN(from, size) + size;
	return end < from || end > w->end ? w->end : end;
}

/**
 * pgw_walk_step - walk the next step of a walk
 * @w: the walk, begun with pgw_walk_begin()
 *
 * Walks from where the last step ended to the step's end (step_end()).
 * Records go to @w->pm, whose first slot is the record of @w->pm_base
 * (@w->start after pgw_walk_begin(); a caller that empties the buffer
 * after each step sets it to @w->addr before the next). A step is not
 * timed: the clock of the test VM is the HPET, whose every read traps to
 * QEMU; the caller sets @w->totals.ns for the whole walk.
 *
 * Context: mmap_read_lock(w->mm) held; may sleep.
 * Return: 0, or what @w->visit returned first that was not 0. The walk is
 * over when w->addr == w->end.
 */
int pgw_walk_step(struct pgw_walk *w)
{
	unsigned long addr = w->addr, end;
	struct vm_area_struct *vma;
	int err = 0;

	mmap_assert_locked(w->mm);
	if (WARN_ON_ONCE(!PAGE_ALIGNED(w->start) || !PAGE_ALIGNED(w->end) ||
			 w->start > w->end || addr > w->end))
		return -EINVAL;
	vma = find_vma(w->mm, addr);
	end = step_end(w, vma && vma->vm_start < w->end ? vma : NULL);
	for (; vma && vma->vm_start < end; vma = find_vma(w->mm, addr)) {
		unsigned long vstart = max(addr, vma->vm_start);
		unsigned long vend = min(end, vma->vm_end);

		if (addr < vstart)
			err = gap(w, addr, vstart);
		if (!err)
			err = vma_range(w, vma, vstart, vend);
		if (err)
			break;
		addr = vend;
		if (addr == end)
			break;
	}
	if (!err && addr < end)
		err = gap(w, addr, end);
	enter_vma(w, NULL);
	if (!err)
		w->addr = end;
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(pgw_walk_step);

/**
 * pgw_walk_range - the whole walk of [w->start, w->end) under one lock hold
 * @w: the walk; begun here
 *
 * For short ranges (the translation, KUnit). Readers of whole address
 * spaces step with pgw_walk_step() and drop the lock in between.
 *
 * Context: mmap_read_lock(w->mm) held; may sleep.
 * Return: 0, or what @w->visit returned first that was not 0.
 */
int pgw_walk_range(struct pgw_walk *w)
{
	u64 t0 = ktime_get_ns();
	int err = 0;

	pgw_walk_begin(w);
	while (!err && w->addr < w->end)
		err = pgw_walk_step(w);
	w->totals.ns = ktime_get_ns() - t0;
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(pgw_walk_range);

/**
 * pgw_walk_copied - the descent over copies of w->mm's tables
 * @w: the walk of [w->start, w->end); @copy set, @pm NULL; begun here
 *
 * For the kernel's own tables (kdump.c), which a module can neither lock
 * nor trust to stay: each table is copied before it is read (see
 * copy_table()), there are no VMAs, and entries are judged by
 * pgw_kernel_kind(). Leaves and holes go to @visit, every PTE included;
 * there are no records. @w->end may be ~0UL, the top of the space.
 *
 * Context: may sleep.
 * Return: 0, -EFAULT if a table could not be read, or what a hook
 * returned first that was not 0 or PGW_SKIP.
 */
int pgw_walk_copied(struct pgw_walk *w)
{
	u64 t0 = ktime_get_ns();
	int err;

	if (WARN_ON_ONCE(!w->copy || w->pm || w->start >= w->end))
		return -EINVAL;
	pgw_walk_begin(w);
	enter_vma(w, NULL);
	err = pgd_range(w, w->start, w->end);
	if (!err)
		w->addr = w->end;
	w->totals.ns += ktime_get_ns() - t0;
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(pgw_walk_copied);

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
