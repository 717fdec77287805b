// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for mmtwin_pgwalk: what the walker makes of synthetic entries
 * of every kind at every level, the index arithmetic of 4- and 5-level
 * paging, and a real walk of a small address space KUnit gives the test.
 */
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include <mmtwin/compat.h>
#include "../modules/pgwalk/internal.h"

#define TEST_PFN	0x12345UL

static pte_t user_pte(unsigned long pfn, pteval_t flags)
{
	return __pte(((pteval_t)pfn << PAGE_SHIFT) | flags);
}

static void pte_kinds(struct kunit *test)
{
	pteval_t rw = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED;

	KUNIT_EXPECT_EQ(test, pgw_pte_kind(__pte(0)), PGW_NONE);
	KUNIT_EXPECT_EQ(test, pgw_pte_kind(user_pte(TEST_PFN, rw)), PGW_PRESENT);
	/* PROT_NONE: P clear, the PROTNONE (global) bit set; still "present". */
	KUNIT_EXPECT_EQ(test, pgw_pte_kind(user_pte(TEST_PFN, _PAGE_PROTNONE |
						    _PAGE_ACCESSED)),
			PGW_PROTNONE);
	KUNIT_EXPECT_EQ(test, pgw_pte_kind(swp_entry_to_pte(swp_entry(1, 0x42))),
			PGW_SWAP);
	KUNIT_EXPECT_EQ(test, pgw_pte_kind(make_pte_marker(PTE_MARKER_UFFD_WP)),
			PGW_MARKER);
	if (IS_ENABLED(CONFIG_MIGRATION))
		KUNIT_EXPECT_EQ(test, pgw_pte_kind(swp_entry_to_pte(
				make_readable_migration_entry(TEST_PFN))),
				PGW_MIGRATION);
	if (IS_ENABLED(CONFIG_DEVICE_PRIVATE))
		KUNIT_EXPECT_EQ(test, pgw_pte_kind(swp_entry_to_pte(
				make_readable_device_private_entry(TEST_PFN))),
				PGW_DEVICE_PRIVATE);
#ifdef CONFIG_MEMORY_FAILURE
	KUNIT_EXPECT_EQ(test, pgw_swp_kind(swp_entry(SWP_HWPOISON, TEST_PFN)),
			PGW_HWPOISON);
#endif
}

static void upper_kinds(struct kunit *test)
{
	pmdval_t table = _KERNPG_TABLE | _PAGE_USER;
	pmdval_t huge = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_PSE |
			_PAGE_ACCESSED;

	KUNIT_EXPECT_EQ(test, pgw_pmd_kind(__pmd(0)), PGW_NONE);
	KUNIT_EXPECT_EQ(test, pgw_pmd_kind(__pmd((TEST_PFN << PAGE_SHIFT) | table)),
			PGW_TABLE);
	KUNIT_EXPECT_EQ(test, pgw_pmd_kind(__pmd((512UL << PAGE_SHIFT) | huge)),
			PGW_PRESENT);
	KUNIT_EXPECT_EQ(test, pgw_pmd_kind(__pmd((512UL << PAGE_SHIFT) |
						 _PAGE_PSE | _PAGE_PROTNONE)),
			PGW_PROTNONE);
	if (IS_ENABLED(CONFIG_ARCH_ENABLE_THP_MIGRATION))
		KUNIT_EXPECT_EQ(test, pgw_pmd_kind(swp_entry_to_pmd(
				make_readable_migration_entry(512))),
				PGW_MIGRATION);

	KUNIT_EXPECT_EQ(test, pgw_pud_kind(__pud(0)), PGW_NONE);
	KUNIT_EXPECT_EQ(test, pgw_pud_kind(__pud((TEST_PFN << PAGE_SHIFT) | table)),
			PGW_TABLE);
	/*
	 * x86 calls every leaf "bad" (pud_bad() tests for a table's flags):
	 * the classifier must ask pud_leaf() first. The walk once asked
	 * pud_bad() first and reported 1 GiB leaves as holes.
	 */
	KUNIT_EXPECT_TRUE(test, pud_bad(__pud((1UL << 30) | huge)));
	KUNIT_EXPECT_EQ(test, pgw_pud_kind(__pud((1UL << 30) | huge)), PGW_PRESENT);
	KUNIT_EXPECT_TRUE(test, pmd_bad(__pmd((512UL << PAGE_SHIFT) | huge)));

	KUNIT_EXPECT_EQ(test, pgw_p4d_kind(__p4d((TEST_PFN << PAGE_SHIFT) | table)),
			PGW_TABLE);
	KUNIT_EXPECT_EQ(test, pgw_pgd_kind(__pgd((TEST_PFN << PAGE_SHIFT) | table)),
			PGW_TABLE);
	/* With 4-level paging the P4D is folded: the PGD is never empty. */
	if (pgtable_l5_enabled()) {
		KUNIT_EXPECT_EQ(test, pgw_p4d_kind(__p4d(0)), PGW_NONE);
		KUNIT_EXPECT_EQ(test, pgw_pgd_kind(__pgd(0)), PGW_NONE);
	}
}

/* Kernel tables, as mm/pagewalk.c judges them for ptdump. */
static void kernel_kinds(struct kunit *test)
{
	u64 table = (TEST_PFN << PAGE_SHIFT) | _KERNPG_TABLE;
	u64 large = (512ULL << PAGE_SHIFT) | __PAGE_KERNEL_LARGE;

	KUNIT_EXPECT_EQ(test, pgw_kernel_kind(PGW_PMD, 0), PGW_NONE);
	KUNIT_EXPECT_EQ(test, pgw_kernel_kind(PGW_PMD, table), PGW_TABLE);
	KUNIT_EXPECT_EQ(test, pgw_kernel_kind(PGW_PMD, large), PGW_PRESENT);
	/* set_memory_np() on a large page: P clear, PS kept, still a leaf. */
	KUNIT_EXPECT_EQ(test, pgw_kernel_kind(PGW_PMD, large & ~_PAGE_PRESENT),
			PGW_PRESENT);
	/* Not present and not a leaf: neither noted nor descended. */
	KUNIT_EXPECT_EQ(test, pgw_kernel_kind(PGW_PUD, table & ~_PAGE_PRESENT),
			PGW_BAD);
	KUNIT_EXPECT_EQ(test, pgw_kernel_kind(PGW_PUD, (1ULL << 30) | __PAGE_KERNEL_LARGE),
			PGW_PRESENT);
	KUNIT_EXPECT_EQ(test, pgw_kernel_kind(PGW_P4D, table), PGW_TABLE);
}

/* fs/proc/task_mmu.c: type in the low 5 bits, offset (or PFN) above. */
static void swap_frames(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, pgw_swp_frame(swp_entry(3, 0x1000)),
			3ULL | (0x1000ULL << MAX_SWAPFILES_SHIFT));
	if (IS_ENABLED(CONFIG_MIGRATION)) {
		swp_entry_t e = make_readable_migration_entry(TEST_PFN);

		KUNIT_EXPECT_EQ(test, pgw_swp_frame(e),
				(u64)swp_type(e) |
				((u64)TEST_PFN << MAX_SWAPFILES_SHIFT));
	}
}

/*
 * A migration entry that keeps the young and dirty bits holds them above
 * the PFN in the offset: pagemap reports the PFN (swp_offset_pfn()), not
 * the offset. Built by hand: make_migration_entry_young() asks
 * swap_migration_ad_supported, which is not exported.
 */
static void migration_frame_without_ad_bits(struct kunit *test)
{
#ifdef CONFIG_MIGRATION
	swp_entry_t e = swp_entry(SWP_MIGRATION_READ,
				  TEST_PFN | SWP_MIG_YOUNG | SWP_MIG_DIRTY);

	KUNIT_ASSERT_NE(test, swp_offset(e), swp_offset_pfn(e));
	KUNIT_EXPECT_EQ(test, swp_offset_pfn(e), TEST_PFN);
	KUNIT_EXPECT_EQ(test, pgw_swp_frame(e),
			(u64)swp_type(e) | ((u64)TEST_PFN << MAX_SWAPFILES_SHIFT));
	KUNIT_EXPECT_EQ(test, pgw_pte_kind(swp_entry_to_pte(e)), PGW_MIGRATION);
#else
	kunit_skip(test, "no migration entries (CONFIG_MIGRATION)");
#endif
}

static void expect_flags(struct kunit *test, u64 val, enum pgw_level level,
			 bool leaf, const char *want)
{
	char buf[128];

	pgw_flags_str(val, level, leaf, buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf, want);
}

static void flag_names(struct kunit *test)
{
	u64 pfn = TEST_PFN << PAGE_SHIFT;
	pte_t swp = swp_entry_to_pte(swp_entry(1, 0x42));

	expect_flags(test, 0, PGW_PTE, true, "");
	expect_flags(test, pfn | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER |
		     _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_NX, PGW_PTE, true,
		     "P RW US A D NX");
	/* Bit 7 is PAT in a PTE, PS above; a huge leaf's PAT is bit 12. */
	expect_flags(test, pfn | _PAGE_PRESENT | _PAGE_PAT | _PAGE_PWT |
		     _PAGE_PCD, PGW_PTE, true, "P PWT PCD PAT");
	expect_flags(test, (512ULL << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_PSE |
		     _PAGE_PAT_LARGE | _PAGE_GLOBAL, PGW_PMD, true, "P PS PAT G");
	expect_flags(test, pfn | _PAGE_PRESENT | _PAGE_SOFT_DIRTY |
		     _PAGE_UFFD_WP | _PAGE_SPECIAL, PGW_PTE, true,
		     "P SD UW SP");
	expect_flags(test, pfn | _PAGE_PROTNONE | _PAGE_ACCESSED, PGW_PTE, true,
		     "A PROTNONE");
	expect_flags(test, pte_val(swp), PGW_PTE, true, "");
	expect_flags(test, pte_val(pte_swp_mksoft_dirty(swp)), PGW_PTE, true, "SD");
	expect_flags(test, pte_val(pte_swp_mkexclusive(pte_swp_mkuffd_wp(swp))),
		     PGW_PTE, true, "UW EX");
}

static void index_arithmetic(struct kunit *test)
{
	unsigned long addr = (5UL << 48) | (6UL << 39) | (7UL << 30) |
			     (8UL << 21) | (9UL << 12) | 0xabc;

	/* 5-level: each level has its own 9 bits. */
	KUNIT_EXPECT_EQ(test, pgw_index(addr, PGW_PGD, true), 5U);
	KUNIT_EXPECT_EQ(test, pgw_index(addr, PGW_P4D, true), 6U);
	KUNIT_EXPECT_EQ(test, pgw_index(addr, PGW_PUD, true), 7U);
	KUNIT_EXPECT_EQ(test, pgw_index(addr, PGW_PMD, true), 8U);
	KUNIT_EXPECT_EQ(test, pgw_index(addr, PGW_PTE, true), 9U);
	/* 4-level: the P4D is folded, the PGD decodes bits 39-47. */
	KUNIT_EXPECT_EQ(test, pgw_index(addr, PGW_PGD, false), 6U);
	KUNIT_EXPECT_EQ(test, pgw_index(addr, PGW_P4D, false), 0U);
	KUNIT_EXPECT_EQ(test, pgw_index(addr, PGW_PUD, false), 7U);
	/* The top of the 4-level user half, and the kernel's first slot. */
	KUNIT_EXPECT_EQ(test, pgw_index(0x00007fffffffffffUL, PGW_PGD, false), 255U);
	KUNIT_EXPECT_EQ(test, pgw_index(0xffff800000000000UL, PGW_PGD, false), 256U);
	KUNIT_EXPECT_EQ(test, pgw_index(0x00ffffffffffffffUL, PGW_PGD, true), 255U);
	KUNIT_EXPECT_EQ(test, pgw_index(0xff00000000000000UL, PGW_PGD, true), 256U);
	/* The kernel's own macros agree for the paging mode it runs in. */
	KUNIT_EXPECT_EQ(test, pgw_index(addr, PGW_PGD, pgtable_l5_enabled()),
			(unsigned int)pgd_index(addr));
	KUNIT_EXPECT_EQ(test, pgw_index(addr, PGW_PMD, pgtable_l5_enabled()),
			(unsigned int)pmd_index(addr));
	KUNIT_EXPECT_EQ(test, pgw_level_shift(PGW_PGD, pgtable_l5_enabled()),
			(unsigned int)PGDIR_SHIFT);
}

#if MMTWIN_HAVE_KUNIT_VM_MMAP
/*
 * KUnit gives the test's kthread an mm of its own: map 16 pages, touch
 * page 3, and walk. Untouched pages carry only the new VMA's soft-dirty
 * state; page 3 is present, exclusive, anonymous, and translates to the
 * PFN its record names.
 */
static void walk_own_mm(struct kunit *test)
{
	unsigned long n = 16, addr;
	struct pgw_walk w = {};
	struct pgw_xlate *x;
	char one = 1;
	u64 *pm;

	addr = kunit_vm_mmap(test, NULL, 0, n * PAGE_SIZE,
			     PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, 0);
	if (IS_ERR_VALUE(addr) || !addr)
		kunit_skip(test, "kunit_vm_mmap failed");
	KUNIT_ASSERT_EQ(test, copy_to_user((char __user *)addr + 3 * PAGE_SIZE,
					   &one, 1), 0UL);
	pm = kunit_kcalloc(test, n, sizeof(*pm), GFP_KERNEL);
	x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pm);
	KUNIT_ASSERT_NOT_NULL(test, x);

	w.mm = current->mm;
	w.start = addr;
	w.end = addr + n * PAGE_SIZE;
	w.pm = pm;
	mmap_read_lock(current->mm);
	KUNIT_EXPECT_EQ(test, pgw_walk_range(&w), 0);
	KUNIT_EXPECT_EQ(test, pgw_translate(current->mm, addr + 3 * PAGE_SIZE + 5, x), 0);
	mmap_read_unlock(current->mm);

	KUNIT_EXPECT_EQ(test, pm[0] & ~PGW_PM_SOFT_DIRTY, 0ULL);
	KUNIT_EXPECT_TRUE(test, pm[3] & PGW_PM_PRESENT);
	KUNIT_EXPECT_TRUE(test, pm[3] & PGW_PM_EXCLUSIVE);
	KUNIT_EXPECT_FALSE(test, pm[3] & PGW_PM_FILE);
	KUNIT_EXPECT_NE(test, pm[3] & PGW_PM_PFRAME_MASK, 0ULL);
	KUNIT_EXPECT_EQ(test, w.totals.pages, n);
	KUNIT_EXPECT_EQ(test, w.totals.present, 1UL);
	KUNIT_EXPECT_EQ(test, w.totals.tables[PGW_PTE], 1UL);
	/* Entries are counted per entry read: n - 1 empty PTEs, no gap. */
	KUNIT_EXPECT_EQ(test, w.totals.kinds[PGW_NONE], n - 1);
	KUNIT_EXPECT_EQ(test, w.totals.kinds[PGW_PRESENT], 1UL);
	KUNIT_EXPECT_EQ(test, w.totals.gaps, 0UL);

	KUNIT_EXPECT_TRUE(test, x->mapped);
	KUNIT_EXPECT_EQ(test, x->phys,
			((pm[3] & PGW_PM_PFRAME_MASK) << PAGE_SHIFT) + 5);
	KUNIT_EXPECT_EQ(test, x->pme, pm[3]);
	KUNIT_EXPECT_EQ(test, x->step[x->nsteps - 1].level, PGW_PTE);
	KUNIT_EXPECT_EQ(test, x->step[x->nsteps - 1].kind, PGW_PRESENT);
	KUNIT_EXPECT_EQ(test, x->nsteps, pgtable_l5_enabled() ? 5 : 4);
}
#endif

#if MMTWIN_HAVE_KUNIT_VM_MMAP
/* What a walk went through and found, for comparing two walks. */
struct seen {
	int nr;
	struct {
		unsigned long addr;
		int level;
		bool table;
		u64 val;
	} e[64];
};

static void see(struct pgw_walk *w, bool table, enum pgw_level level,
		unsigned long addr, u64 val)
{
	struct seen *s = w->priv;

	if (s->nr < ARRAY_SIZE(s->e))
		s->e[s->nr] = (typeof(s->e[0])){ addr, level, table, val };
	s->nr++;
}

static int see_table(struct pgw_walk *w, enum pgw_level level,
		     unsigned long addr, unsigned long end, u64 val)
{
	see(w, true, level, addr, val);
	return 0;
}

/* Empty entries: a copied walk visits each PTE, a live one not all. */
static int see_leaf(struct pgw_walk *w, const struct pgw_leaf *l)
{
	if (l->val)
		see(w, false, l->level, l->addr, l->val);
	return 0;
}

static void expect_same_walks(struct kunit *test, const struct seen *live,
			      const struct seen *copied)
{
	int i;

	KUNIT_ASSERT_EQ(test, live->nr, copied->nr);
	KUNIT_ASSERT_LE(test, live->nr, (int)ARRAY_SIZE(live->e));
	for (i = 0; i < live->nr; i++) {
		KUNIT_EXPECT_EQ(test, live->e[i].addr, copied->e[i].addr);
		KUNIT_EXPECT_EQ(test, live->e[i].level, copied->e[i].level);
		KUNIT_EXPECT_EQ(test, live->e[i].table, copied->e[i].table);
		KUNIT_EXPECT_EQ(test, live->e[i].val, copied->e[i].val);
	}
}

/*
 * The kernel dump's descent (copied tables, no VMAs, no locks) and the
 * live walk are one descent: over the same user tables they go through
 * the same table entries and find the same leaves, entry for entry.
 */
static void copied_walk_agrees_with_live(struct kunit *test)
{
	unsigned long n = 64, addr, i;
	struct pgw_walk w = { .visit = see_leaf, .enter = see_table };
	struct seen *live, *copied;
	char one = 1, c;

	addr = kunit_vm_mmap(test, NULL, 0, n * PAGE_SIZE,
			     PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, 0);
	if (IS_ERR_VALUE(addr) || !addr)
		kunit_skip(test, "kunit_vm_mmap failed");
	for (i = 0; i < n; i += 7)
		KUNIT_ASSERT_EQ(test, copy_to_user((char __user *)addr + i * PAGE_SIZE,
						   &one, 1), 0UL);
	/* A read fault: the zero page, a special PTE. */
	KUNIT_ASSERT_EQ(test, copy_from_user(&c, (char __user *)addr + PAGE_SIZE, 1),
			0UL);
	live = kunit_kzalloc(test, sizeof(*live), GFP_KERNEL);
	copied = kunit_kzalloc(test, sizeof(*copied), GFP_KERNEL);
	w.copy = kunit_kzalloc(test, PGW_NR_LEVELS * PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, live);
	KUNIT_ASSERT_NOT_NULL(test, copied);
	KUNIT_ASSERT_NOT_NULL(test, w.copy);

	w.mm = current->mm;
	w.start = addr;
	w.end = addr + n * PAGE_SIZE;
	/* The lock only keeps the tables still between the two walks. */
	mmap_read_lock(current->mm);
	w.priv = copied;
	KUNIT_EXPECT_EQ(test, pgw_walk_copied(&w), 0);
	w.priv = live;
	w.copy = NULL;
	KUNIT_EXPECT_EQ(test, pgw_walk_range(&w), 0);
	mmap_read_unlock(current->mm);

	/* The tables down to the PTE table, then 10 written pages at least. */
	KUNIT_EXPECT_GE(test, live->nr, (pgtable_l5_enabled() ? 4 : 3) + 10);
	KUNIT_EXPECT_TRUE(test, live->e[0].table);
	expect_same_walks(test, live, copied);
}

/*
 * The kernel's own tables, through the copied descent: a vmalloc'ed page
 * is found where the kernel's vmalloc_to_pfn() finds it.
 */
static void copied_walk_finds_vmalloc(struct kunit *test)
{
	struct pgw_walk w = { .visit = see_leaf };
	unsigned long addr;
	struct seen *seen;
	void *buf;
	int i;

	/* The kernel half is read through an mm: KUnit makes one on mmap. */
	addr = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_READ,
			     MAP_PRIVATE | MAP_ANONYMOUS, 0);
	if (IS_ERR_VALUE(addr) || !addr)
		kunit_skip(test, "kunit_vm_mmap failed");
	buf = vmalloc(2 * PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	seen = kunit_kzalloc(test, sizeof(*seen), GFP_KERNEL);
	w.copy = kunit_kzalloc(test, PGW_NR_LEVELS * PAGE_SIZE, GFP_KERNEL);
	if (!seen || !w.copy || !current->mm) {
		vfree(buf);
		KUNIT_FAIL(test, "no memory, or no mm to read the kernel half of");
		return;
	}
	addr = (unsigned long)buf;
	w.mm = current->mm;
	w.start = addr;
	w.end = addr + 2 * PAGE_SIZE;
	w.priv = seen;
	KUNIT_EXPECT_EQ(test, pgw_walk_copied(&w), 0);
	KUNIT_EXPECT_EQ(test, seen->nr, 2);
	for (i = 0; i < 2 && i < seen->nr; i++) {
		KUNIT_EXPECT_EQ(test, seen->e[i].level, PGW_PTE);
		KUNIT_EXPECT_EQ(test, seen->e[i].addr, addr + i * PAGE_SIZE);
		KUNIT_EXPECT_EQ(test, pte_pfn(__pte(seen->e[i].val)),
				vmalloc_to_pfn(buf + i * PAGE_SIZE));
	}
	vfree(buf);
}
#endif

static struct kunit_case mmtwin_pgwalk_cases[] = {
	KUNIT_CASE(pte_kinds),
	KUNIT_CASE(upper_kinds),
	KUNIT_CASE(kernel_kinds),
	KUNIT_CASE(swap_frames),
	KUNIT_CASE(migration_frame_without_ad_bits),
	KUNIT_CASE(flag_names),
	KUNIT_CASE(index_arithmetic),
#if MMTWIN_HAVE_KUNIT_VM_MMAP
	KUNIT_CASE(walk_own_mm),
	KUNIT_CASE(copied_walk_agrees_with_live),
	KUNIT_CASE(copied_walk_finds_vmalloc),
#endif
	{}
};

static struct kunit_suite mmtwin_pgwalk_suite = {
	.name = "mmtwin_pgwalk",
	.test_cases = mmtwin_pgwalk_cases,
};
kunit_test_suite(mmtwin_pgwalk_suite);

MODULE_DESCRIPTION("KUnit tests for mmtwin_pgwalk");
MODULE_LICENSE("GPL");
MMTWIN_IMPORT_KUNIT_NS();
