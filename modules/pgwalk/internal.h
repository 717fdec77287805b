/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmtwin_pgwalk: a twin of the MMU's page-table walk and of mm/pagewalk.c.
 *
 * entry.c   what one page-table entry means (kind, flags, pagemap record)
 * walk.c    the descent PGD -> P4D -> PUD -> PMD -> PTE, the only one
 * xlate.c   one address, level by level: a client of walk.c
 * kdump.c   the kernel's own tables, printed like x86's ptdump: a client
 *           of walk.c over copies of the tables
 * debugfs.c, main.c   the glue
 *
 * See Documentation/pgwalk.rst for the design and why the walk is safe.
 */
#ifndef _MMTWIN_PGWALK_INTERNAL_H
#define _MMTWIN_PGWALK_INTERNAL_H

#include <linux/bitmap.h>
#include <linux/bits.h>
#include <linux/mm_types.h>
#include <linux/pgtable.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include <linux/types.h>

struct seq_file;
struct pid;

/* Levels, numbered like mm/ptdump.c: 0 is the top (PGD), 4 the PTE. */
enum pgw_level {
	PGW_PGD = 0,
	PGW_P4D,
	PGW_PUD,
	PGW_PMD,
	PGW_PTE,
	PGW_NR_LEVELS
};

/* What an entry is, from the walker's point of view. */
enum pgw_kind {
	PGW_NONE,		/* empty: nothing mapped, nothing saved */
	PGW_TABLE,		/* points to the next level's table */
	PGW_PRESENT,		/* maps a page (or a huge page at PMD/PUD) */
	PGW_PROTNONE,		/* PROT_NONE or a NUMA hinting fault entry */
	PGW_SWAP,		/* swapped out: type and offset */
	PGW_MIGRATION,		/* page under migration */
	PGW_DEVICE_PRIVATE,	/* page lives in device memory (HMM) */
	PGW_DEVICE_EXCLUSIVE,	/* page held exclusively by a device */
	PGW_HWPOISON,		/* page hit a memory error */
	PGW_MARKER,		/* pte marker: uffd-wp, poison or guard */
	PGW_BAD,		/* none of the above: a corrupt entry */
	PGW_NR_KINDS
};

/* /proc/PID/pagemap record bits (Documentation/admin-guide/mm/pagemap.rst). */
#define PGW_PM_PFRAME_BITS	55
#define PGW_PM_PFRAME_MASK	GENMASK_ULL(PGW_PM_PFRAME_BITS - 1, 0)
#define PGW_PM_SOFT_DIRTY	BIT_ULL(55)
#define PGW_PM_EXCLUSIVE	BIT_ULL(56)
#define PGW_PM_UFFD_WP		BIT_ULL(57)
#define PGW_PM_FILE		BIT_ULL(61)
#define PGW_PM_SWAP		BIT_ULL(62)
#define PGW_PM_PRESENT		BIT_ULL(63)

/* Per-walk counts, compared with /proc/PID/status and smaps_rollup. */
struct pgw_totals {
	unsigned long tables[PGW_NR_LEVELS];	/* table pages met, per level */
	unsigned long deposited;	/* PTE tables kept under huge PMDs */
	unsigned long pages;		/* records produced */
	unsigned long present;		/* pages smaps counts in Rss */
	unsigned long present_special;	/* present, no struct page (zero page, pfnmap) */
	unsigned long anon_pmd;		/* anon PMD-mapped THPs (AnonHugePages) */
	unsigned long file_pmd;		/* file/shmem PMD-mapped THPs */
	unsigned long hugetlb;		/* hugetlb pages, base pages */
	unsigned long swap;		/* real swap entries (Swap, VmSwap) */
	unsigned long nonswap;		/* migration, device, marker entries */
	unsigned long kinds[PGW_NR_KINDS];	/* entries read, of each kind */
	unsigned long shmem_swap;	/* shmem pages in swap under holes */
	unsigned long gaps;		/* ranges outside every VMA */
	unsigned long retries;		/* PMDs (PUDs) read again: changed */
	u64 ns;				/* time the whole walk took */
};

/* One leaf (or hole) the walk met, for the text printers. */
struct pgw_leaf {
	unsigned long addr;		/* first address it covers */
	unsigned long end;		/* one past its last */
	enum pgw_level level;
	enum pgw_kind kind;
	u64 val;			/* raw entry value, 0 for a hole */
	u64 pme;			/* pagemap record of its first page */
	bool in_vma;			/* false: outside every VMA */
};

/* Memory sections whose validity a walk remembers: 128 GiB on x86-64. */
#define PGW_SECTIONS_CACHED	1024

struct pgw_walk;
typedef int (*pgw_visit_t)(struct pgw_walk *w, const struct pgw_leaf *leaf);
typedef int (*pgw_enter_t)(struct pgw_walk *w, enum pgw_level level,
			   unsigned long addr, unsigned long end, u64 val);
typedef void (*pgw_leave_t)(struct pgw_walk *w, enum pgw_level level, int err);

/* What an @enter hook returns to pass over a table it accounted for. */
#define PGW_SKIP	1

/*
 * A walk of [start, end) of @mm's tables. There is one descent, driven
 * two ways: over the live tables of a user mm, VMA by VMA, in steps
 * (pgw_walk_step()) each under the mmap read lock; or over copies of the
 * tables, without VMAs or locks (pgw_walk_copied(), the kernel dump).
 *
 * @pm receives one pagemap record per page from the step's first address
 * on (it must hold PGW_STEP_PAGES records; live walks only). @visit sees
 * each leaf and hole. @enter sees each table entry the descent is about
 * to go through, at the entry's level, for [addr, end) (again, if the PMD
 * changed and was read again), and may return PGW_SKIP to pass over the
 * table; @leave is called when the descent is done with a table it
 * entered. Any of them may be NULL.
 */
struct pgw_walk {
	struct mm_struct *mm;
	unsigned long start, end;
	u64 *pm;
	pgw_visit_t visit;
	pgw_enter_t enter;
	pgw_leave_t leave;
	void *priv;
	/* Copied walks: a page per level that each table is copied into. */
	u64 (*copy)[PTRS_PER_PTE];
	struct pgw_totals totals;

	/* The address pm[0] is the record of (see pgw_walk_step()). */
	unsigned long pm_base;

	/* Private to walk.c: where the next step starts, */
	unsigned long addr;
	/* the VMA being walked and what the descent needs of it, */
	struct vm_area_struct *vma;
	u64 vma_sd;			/* PGW_PM_SOFT_DIRTY or 0 */
	bool pfnmap;			/* records are holes */
	enum pgw_level huge_level;	/* hugetlb leaf level, or NR_LEVELS */
	struct address_space *shmem;	/* set for a shmem VMA */
	/* the last table counted at each level, */
	unsigned long last_table[PGW_NR_LEVELS];
	/* and the memory sections known to have their memmap, */
	DECLARE_BITMAP(valid_sections, PGW_SECTIONS_CACHED);
	/* the last of them the PTE loop met (ULONG_MAX: none yet). */
	unsigned long section;
};

/*
 * One step covers at most one PMD's worth of mapped address space, as
 * pagemap_read() takes the mmap lock per PMD (PAGEMAP_WALK_SIZE); with
 * @pm it covers at most that much address space, mapped or not.
 */
#define PGW_STEP_SIZE	PMD_SIZE
#define PGW_STEP_PAGES	(PGW_STEP_SIZE >> PAGE_SHIFT)

/*
 * The walk's hot loop starts a text section of its own, aligned so that
 * it (under 1 KiB) never straddles a page; see pte_records() in walk.c.
 * One section per function: the assembler's padding inside a section
 * starts with a jump that 6.1's objtool reports.
 */
#define PGW_HOT(fn)		__section(".text.mmtwin_pgwalk_hot." #fn)
#define PGW_HOT_ALIGN		1024

/* entry.c: the classifier, the one place that says what an entry is. */
enum pgw_kind pgw_swp_kind(swp_entry_t entry);
enum pgw_kind pgw_pmd_kind(pmd_t pmd);
enum pgw_kind pgw_pud_kind(pud_t pud);
enum pgw_kind pgw_p4d_kind(p4d_t p4d);
enum pgw_kind pgw_pgd_kind(pgd_t pgd);
enum pgw_kind pgw_kernel_kind(enum pgw_level level, u64 val);
const char *pgw_kind_name(enum pgw_kind kind);
const char *pgw_level_name(enum pgw_level level);
int pgw_flags_str(u64 val, enum pgw_level level, bool leaf, char *buf, size_t size);
unsigned int pgw_index(unsigned long addr, enum pgw_level level, bool la57);
unsigned int pgw_level_shift(enum pgw_level level, bool la57);
u64 pgw_swp_frame(swp_entry_t entry);

/*
 * A PTE, or a hugetlb entry (a huge PTE at the PMD or PUD level). Inline:
 * the walk's hot loop classifies every PTE with it. x86 counts PROT_NONE
 * (and NUMA-hinting) entries as present: the page is still there.
 */
static __always_inline enum pgw_kind pgw_pte_kind(pte_t pte)
{
	if (pte_present(pte))
		return pte_protnone(pte) ? PGW_PROTNONE : PGW_PRESENT;
	if (pte_none(pte))
		return PGW_NONE;
	return pgw_swp_kind(pte_to_swp_entry(pte));
}

/* walk.c: the descent, the one way down the tables of a user mm. */
void pgw_walk_begin(struct pgw_walk *w);
int pgw_walk_step(struct pgw_walk *w);
int pgw_walk_range(struct pgw_walk *w);
int pgw_walk_copied(struct pgw_walk *w);
struct mm_struct *pgw_get_mm(struct pid *pid);
extern unsigned int pgw_test_widen_us;

/* xlate.c: one address, level by level, the way the MMU resolves it. */
struct pgw_step {
	enum pgw_level level;
	unsigned int index;
	u64 val;
	enum pgw_kind kind;
};

struct pgw_xlate {
	unsigned long addr;
	bool in_vma;
	unsigned long vm_start, vm_end, vm_flags;
	int nsteps;
	struct pgw_step step[PGW_NR_LEVELS];
	bool mapped;			/* the last step maps a page */
	u64 phys;			/* physical address of @addr if mapped */
	unsigned long page_size;	/* size of the mapping leaf */
	u64 pme;			/* pagemap record of @addr */
};

int pgw_translate(struct mm_struct *mm, unsigned long addr, struct pgw_xlate *x);

/* text.c */
struct pgw_text;
struct pgw_text *pgw_text_begin(struct seq_file *m);
int pgw_text_visit(struct pgw_walk *w, const struct pgw_leaf *leaf);
void pgw_text_end(struct pgw_text *t);
void pgw_show_xlate(struct seq_file *m, const struct pgw_xlate *x);
void pgw_show_totals(struct seq_file *m, const struct pgw_walk *w);
void pgw_pme_str(u64 pme, char *buf, size_t size);

/* kdump.c */
int pgw_kernel_dump(struct seq_file *m);

#endif /* _MMTWIN_PGWALK_INTERNAL_H */
