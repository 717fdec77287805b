// SPDX-License-Identifier: GPL-2.0
/*
 * Text a person reads: runs of like entries over a range, the translation
 * of one address, the totals of a walk. Entry values and PFNs are shown:
 * the files that print them are opened only with CAP_SYS_ADMIN and
 * CAP_SYS_PTRACE (debugfs.c), as pagemap shows PFNs to CAP_SYS_ADMIN only.
 * The user address space is printed here; the kernel's own addresses are
 * printed by kdump.c, behind CAP_SYS_ADMIN and lockdown.
 */
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "internal.h"

/* A run of leaves that differ only in the PFN, which goes up by one. */
struct pgw_text {
	struct seq_file *m;
	bool open;
	struct pgw_leaf first;
	unsigned long end;
	unsigned long nr;		/* leaves in the run */
	u64 next_pfn;
};

struct pgw_text *pgw_text_begin(struct seq_file *m)
{
	struct pgw_text *t = kzalloc(sizeof(*t), GFP_KERNEL);

	if (t)
		t->m = m;
	return t;
}

/* The pagemap bits of a record, by name. */
void pgw_pme_str(u64 pme, char *buf, size_t size)
{
	int len = scnprintf(buf, size, "%s%s%s%s%s%s",
			    pme & PGW_PM_PRESENT ? " present" : "",
			    pme & PGW_PM_SWAP ? " swapped" : "",
			    pme & PGW_PM_FILE ? " file" : "",
			    pme & PGW_PM_EXCLUSIVE ? " exclusive" : "",
			    pme & PGW_PM_SOFT_DIRTY ? " soft-dirty" : "",
			    pme & PGW_PM_UFFD_WP ? " uffd-wp" : "");

	/* Drop the leading space. */
	if (len)
		memmove(buf, buf + 1, len);
}

static u64 leaf_pfn(const struct pgw_leaf *l)
{
	return l->pme & PGW_PM_PFRAME_MASK;
}

static bool leaf_leaf(const struct pgw_leaf *l)
{
	return l->kind != PGW_NONE && l->kind != PGW_TABLE;
}

static void flush(struct pgw_text *t)
{
	const struct pgw_leaf *l = &t->first;
	char flags[96], bits[96];

	if (!t->open)
		return;
	t->open = false;
	pgw_flags_str(l->val, l->level, leaf_leaf(l), flags, sizeof(flags));
	pgw_pme_str(l->pme, bits, sizeof(bits));
	seq_printf(t->m, "0x%016lx-0x%016lx %8lu %s %-16s",
		   l->addr, t->end, (t->end - l->addr) >> PAGE_SHIFT,
		   pgw_level_name(l->level),
		   l->in_vma ? pgw_kind_name(l->kind) : "unmapped");
	if (l->pme & PGW_PM_PRESENT)
		seq_printf(t->m, " pfn 0x%llx", leaf_pfn(l));
	else if (l->pme & PGW_PM_SWAP)
		seq_printf(t->m, " swp 0x%llx",
			   leaf_pfn(l));
	seq_printf(t->m, " [%s]%s%s\n", flags, *bits ? " " : "", bits);
}

/* Flag bits that may differ inside a run: none, the PFN is masked off. */
static bool same_run(const struct pgw_text *t, const struct pgw_leaf *l)
{
	const struct pgw_leaf *f = &t->first;
	u64 mask = PTE_FLAGS_MASK;

	if (!t->open || l->addr != t->end || l->level != f->level ||
	    l->kind != f->kind || l->in_vma != f->in_vma)
		return false;
	if ((l->pme & ~PGW_PM_PFRAME_MASK) != (f->pme & ~PGW_PM_PFRAME_MASK))
		return false;
	if (l->kind == PGW_NONE)
		return true;
	if (l->kind == PGW_PRESENT || l->kind == PGW_PROTNONE) {
		if ((l->val & mask) != (f->val & mask))
			return false;
		return leaf_pfn(l) == t->next_pfn;
	}
	/* Swap-type entries: one line per entry would drown the reader. */
	return true;
}

int pgw_text_visit(struct pgw_walk *w, const struct pgw_leaf *l)
{
	struct pgw_text *t = w->priv;

	if (!same_run(t, l)) {
		flush(t);
		t->first = *l;
		t->open = true;
		t->nr = 0;
	}
	t->end = l->end;
	t->nr++;
	t->next_pfn = leaf_pfn(l) + ((l->end - l->addr) >> PAGE_SHIFT);
	return seq_has_overflowed(t->m) ? -EOVERFLOW : 0;
}

void pgw_text_end(struct pgw_text *t)
{
	flush(t);
	kfree(t);
}

static void show_vma(struct seq_file *m, const struct pgw_xlate *x)
{
	unsigned long f = x->vm_flags;

	if (!x->in_vma) {
		seq_printf(m, "addr 0x%016lx: not in any VMA\n", x->addr);
		return;
	}
	seq_printf(m, "addr 0x%016lx in VMA 0x%016lx-0x%016lx %c%c%c%c%s%s\n",
		   x->addr, x->vm_start, x->vm_end,
		   f & VM_READ ? 'r' : '-', f & VM_WRITE ? 'w' : '-',
		   f & VM_EXEC ? 'x' : '-', f & VM_SHARED ? 's' : 'p',
		   f & VM_HUGETLB ? " hugetlb" : "",
		   f & VM_PFNMAP ? " pfnmap" : "");
}

void pgw_show_xlate(struct seq_file *m, const struct pgw_xlate *x)
{
	char flags[96], bits[96];
	int i;

	show_vma(m, x);
	for (i = 0; i < x->nsteps; i++) {
		const struct pgw_step *s = &x->step[i];
		bool is_leaf = s->kind != PGW_TABLE && s->kind != PGW_NONE;

		pgw_flags_str(s->val, s->level, is_leaf, flags, sizeof(flags));
		seq_printf(m, "%s[%3u] = 0x%016llx %-16s [%s]\n",
			   pgw_level_name(s->level), s->index, s->val,
			   pgw_kind_name(s->kind), flags);
		if (s->level == PGW_PGD && !pgtable_l5_enabled() &&
		    s->kind == PGW_TABLE)
			seq_puts(m, "p4d        folded into the pgd (4-level paging)\n");
	}
	if (x->mapped)
		seq_printf(m, "phys 0x%llx (%lu KiB page)\n", x->phys,
			   x->page_size >> 10);
	else
		seq_puts(m, "phys none\n");
	pgw_pme_str(x->pme, bits, sizeof(bits));
	seq_printf(m, "pagemap 0x%016llx %s%s\n", x->pme, bits,
		   x->vm_flags & VM_PFNMAP ? " (pfnmap: a hole to pagemap)" : "");
}

void pgw_show_totals(struct seq_file *m, const struct pgw_walk *w)
{
	const struct pgw_totals *t = &w->totals;
	unsigned long kb = PAGE_SIZE >> 10;
	int i;

	seq_printf(m, "range 0x%016lx-0x%016lx\n", w->start, w->end);
	seq_printf(m, "pages %lu\n", t->pages);
	seq_printf(m, "rss_kb %lu\n", t->present * kb);
	seq_printf(m, "special_kb %lu\n", t->present_special * kb);
	seq_printf(m, "anon_huge_kb %lu\n", t->anon_pmd * (PMD_SIZE >> 10));
	seq_printf(m, "file_huge_kb %lu\n", t->file_pmd * (PMD_SIZE >> 10));
	seq_printf(m, "hugetlb_kb %lu\n", t->hugetlb * kb);
	/* smaps' Swap: swap entries, and shmem pages swapped out under holes. */
	seq_printf(m, "swap_kb %lu\n", (t->swap + t->shmem_swap) * kb);
	seq_printf(m, "nonswap_entries %lu\n", t->nonswap);
	/*
	 * VmPTE counts PTE, PMD and PUD tables (mm_pgtables_bytes()),
	 * including the PTE tables deposited under anonymous THPs.
	 */
	seq_printf(m, "pgtables_kb %lu\n",
		   (t->tables[PGW_PTE] + t->tables[PGW_PMD] +
		    t->tables[PGW_PUD] + t->deposited) * kb);
	seq_printf(m, "deposited_tables %lu\n", t->deposited);
	for (i = PGW_P4D; i < PGW_NR_LEVELS; i++)
		seq_printf(m, "%s_tables %lu\n", pgw_level_name(i), t->tables[i]);
	for (i = 0; i < PGW_NR_KINDS; i++) {
		char key[32];

		/* Keys are identifiers: "device-private" -> "device_private". */
		strscpy(key, pgw_kind_name(i), sizeof(key));
		strreplace(key, '-', '_');
		seq_printf(m, "entries_%s %lu\n", key, t->kinds[i]);
	}
	seq_printf(m, "unmapped_ranges %lu\n", t->gaps);
	seq_printf(m, "retries %lu\n", t->retries);
	seq_printf(m, "time_ns %llu\n", t->ns);
}
